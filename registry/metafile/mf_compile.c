/* mf_compile.c — the GenEDITS language: lexer, parser and resolver.
 *
 * An edit's logic is read once into a tree (mf_node) and resolved: variables get slots (ints and
 * char-array bytes), field references get program field slots bound to dictionary items, calls
 * are checked against the built-in functions (name, number and kind of arguments), lookups are
 * bound to the metafile's tables and their tablevars, literal patterns are compiled.  Errors
 * name the edit and the line.  Precedence is the one the reference runs edits with: unary
 * operators bind to their operand, then * / %, + -, relational, equality, then AND and OR at
 * one level, left to right.
 */
#include "mf_private.h"
#include "mf_builtins.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- tokens ---------------------------------------------------------------------- */
enum {
    T_EOF, T_INT, T_STR, T_CHR, T_ID, T_FIELD, T_LFIELD,
    T_LP, T_RP, T_LB, T_RB, T_LBR, T_RBR, T_COMMA, T_SEMI,
    T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PCT,
    T_EQ, T_NE, T_GT, T_GE, T_LT, T_LE, T_AND, T_OR, T_NOT, T_ASSIGN,
    T_IF, T_ELSE, T_WHILE, T_RETURN, T_FUNCTION, T_KINT, T_KLONG, T_KCHAR, T_KTABLEVAR
};

typedef struct { int t; int line; char *s; int n; long long v; } tok;

typedef struct {
    const mf_compile_ctx *ctx;
    const char *src;
    size_t i, n;
    int line;
    GArray *toks;
    size_t p;
    GError **error;
    gboolean failed;
    mf_program *prog;
    int depth;
} comp;

static void cerr(comp *c, int line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void cerr(comp *c, int line, const char *fmt, ...)
{
    if (c->failed)
        return;
    c->failed = TRUE;
    va_list ap;
    va_start(ap, fmt);
    char *m = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(c->error, g_quark_from_static_string("crtk-metafile"), 1, "%s, line %d: %s",
                c->ctx->edit_name ? c->ctx->edit_name : "edit", line, m);
    g_free(m);
}

static const struct { const char *w; int t; } keywords[] = {
    {"IF", T_IF}, {"ELSE", T_ELSE}, {"WHILE", T_WHILE}, {"RETURN", T_RETURN}, {"FUNCTION", T_FUNCTION},
    {"INT", T_KINT}, {"LONG", T_KLONG}, {"CHAR", T_KCHAR}, {"TABLEVAR", T_KTABLEVAR},
    {"AND", T_AND}, {"OR", T_OR}, {"NOT", T_NOT}, {NULL, 0}};

static void push(comp *c, int t, int line, const char *s, int n, long long v)
{
    tok k = {t, line, s ? g_strndup(s, (gsize)n) : NULL, n, v};
    g_array_append_val(c->toks, k);
}

static gboolean lex(comp *c)
{
    const char *s = c->src;
    size_t n = c->n;
    size_t i = 0;
    int line = 1;
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n') { line++; i++; continue; }
        if (isspace(ch)) { i++; continue; }
        if (ch == '/' && i + 1 < n && s[i + 1] == '*') {
            int start = line;
            i += 2;
            while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/')) {
                if (s[i] == '\n') line++;
                i++;
            }
            if (i + 1 >= n) { cerr(c, start, "comment not closed"); return FALSE; }
            i += 2;
            continue;
        }
        if (isdigit(ch)) {
            size_t j = i;
            long long v = 0;
            while (j < n && isdigit((unsigned char)s[j])) {
                if (v < 100000000000LL) v = v * 10 + (s[j] - '0');
                j++;
            }
            if (v > 2147483647LL) { cerr(c, line, "number too large: %.*s", (int)(j - i), s + i); return FALSE; }
            push(c, T_INT, line, s + i, (int)(j - i), v);
            i = j;
            continue;
        }
        if (ch == '"' || ((ch == '#') && i + 2 < n && (toupper((unsigned char)s[i + 1]) == 'S' || toupper((unsigned char)s[i + 1]) == 'L') && s[i + 2] == '"')) {
            int t = T_STR;
            if (ch == '#') {
                t = toupper((unsigned char)s[i + 1]) == 'S' ? T_FIELD : T_LFIELD;
                i += 2;
            }
            int start = line;
            size_t j = i + 1;
            GString *b = g_string_new(NULL);
            while (j < n && s[j] != '"') {
                if (s[j] == '\n') line++;
                else if (s[j] != '\r') g_string_append_c(b, s[j]);
                j++;
            }
            if (j >= n) { g_string_free(b, TRUE); cerr(c, start, "string not closed"); return FALSE; }
            push(c, t, start, b->str, (int)b->len, 0);
            g_string_free(b, TRUE);
            i = j + 1;
            continue;
        }
        if (ch == '\'') {
            if (i + 2 < n && s[i + 2] == '\'') {
                push(c, T_CHR, line, s + i + 1, 1, (unsigned char)s[i + 1]);
                i += 3;
                continue;
            }
            cerr(c, line, "bad character literal");
            return FALSE;
        }
        if (isalpha(ch) || ch == '_' || ch == '$') {
            size_t j = i;
            while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '$')) j++;
            int t = T_ID;
            for (int k = 0; keywords[k].w; k++)
                if ((size_t)strlen(keywords[k].w) == j - i && g_ascii_strncasecmp(keywords[k].w, s + i, j - i) == 0)
                    t = keywords[k].t;
            push(c, t, line, s + i, (int)(j - i), 0);
            i = j;
            continue;
        }
        int t = -1, len = 1;
        char n1 = i + 1 < n ? s[i + 1] : 0;
        switch (ch) {
        case '(': t = T_LP; break;
        case ')': t = T_RP; break;
        case '[': t = T_LB; break;
        case ']': t = T_RB; break;
        case '{': t = T_LBR; break;
        case '}': t = T_RBR; break;
        case ',': t = T_COMMA; break;
        case ';': t = T_SEMI; break;
        case '+': t = T_PLUS; break;
        case '-': t = T_MINUS; break;
        case '*': t = T_STAR; break;
        case '/': t = T_SLASH; break;
        case '%': t = T_PCT; break;
        case '=': if (n1 == '=') { t = T_EQ; len = 2; } else t = T_ASSIGN; break;
        case '!': if (n1 == '=') { t = T_NE; len = 2; } else t = T_NOT; break;
        case '>': if (n1 == '=') { t = T_GE; len = 2; } else t = T_GT; break;
        case '<': if (n1 == '=') { t = T_LE; len = 2; } else if (n1 == '>') { t = T_NE; len = 2; } else t = T_LT; break;
        case '&': if (n1 == '&') { t = T_AND; len = 2; } break;
        case '|': if (n1 == '|') { t = T_OR; len = 2; } break;
        default: break;
        }
        if (t < 0) {
            cerr(c, line, "unexpected character '%c'", isprint(ch) ? ch : '?');
            return FALSE;
        }
        push(c, t, line, s + i, len, 0);
        i += (size_t)len;
    }
    push(c, T_EOF, line, NULL, 0, 0);
    return TRUE;
}

/* ---- parser ---------------------------------------------------------------------- */
static tok *peek(comp *c) { return &g_array_index(c->toks, tok, c->p); }
static tok *peek2(comp *c) { return &g_array_index(c->toks, tok, c->p + 1 < c->toks->len ? c->p + 1 : c->p); }
static tok *next(comp *c) { tok *t = peek(c); if (t->t != T_EOF) c->p++; return t; }
static gboolean accept(comp *c, int t) { if (peek(c)->t == t) { next(c); return TRUE; } return FALSE; }
static gboolean expect(comp *c, int t, const char *what)
{
    if (accept(c, t))
        return TRUE;
    tok *k = peek(c);
    cerr(c, k->line, "expected %s%s%s%s", what, k->t == T_EOF ? " at the end" : " before '", k->t == T_EOF ? "" : (k->s ? k->s : "?"), k->t == T_EOF ? "" : "'");
    return FALSE;
}

static mf_node *node(comp *c, int kind, int line)
{
    mf_node *nd = g_new0(mf_node, 1);
    nd->kind = kind;
    nd->line = line;
    g_ptr_array_add(c->prog->nodes, nd);
    return nd;
}
static void add_kid(mf_node *p, mf_node *k)
{
    p->kids = g_renew(mf_node *, p->kids, p->nkids + 1);
    p->kids[p->nkids++] = k;
}

static mf_node *parse_expr(comp *c);

static const struct { const char *name; int value; } int_constants[] = {
    {"TRUE", 1}, {"PASS", 1}, {"FALSE", 0}, {"FAIL", 0}, {"RIGHT", 0}, {"LEFT", 1}, {"BOTH", 2},
    {"DT_MIN", MF_DT_MIN}, {"DT_MAX", MF_DT_MAX}, {"DT_EXACT", MF_DT_EXACT}, {"DT_EMPTY", MF_DT_EMPTY},
    {"DT_ERROR", MF_DT_ERROR}, {"DT_UNKNOWN", MF_DT_UNKNOWN}, {"DT_DAY_EMPTY", MF_DT_DAY_EMPTY},
    {"DT_MONTH_EMPTY", MF_DT_MONTH_EMPTY}, {NULL, 0}};

static mf_node *parse_primary(comp *c)
{
    if (++c->depth > 200) {
        cerr(c, peek(c)->line, "expression nested too deeply");
        return NULL;
    }
    tok *t = next(c);
    mf_node *nd = NULL;
    switch (t->t) {
    case T_INT:
        nd = node(c, N_INT, t->line);
        nd->ival = (int32_t)t->v;
        nd->op = 1; /* a literal */
        break;
    case T_STR: case T_CHR:
        nd = node(c, N_STR, t->line);
        nd->str = g_strndup(t->s, (gsize)t->n);
        nd->slen = t->n;
        break;
    case T_FIELD:
        nd = node(c, N_FIELD, t->line);
        nd->str = g_strndup(t->s, (gsize)t->n);
        break;
    case T_LFIELD:
        cerr(c, t->line, "local fields (#L\"%s\") are not supported", t->s);
        return NULL;
    case T_LP:
        nd = parse_expr(c);
        if (!expect(c, T_RP, "')'"))
            return NULL;
        break;
    case T_MINUS: case T_NOT: {
        mf_node *o = parse_primary(c);
        if (!o)
            return NULL;
        nd = node(c, N_UN, t->line);
        nd->op = t->t == T_MINUS ? OP_NEG : OP_NOT;
        add_kid(nd, o);
        break;
    }
    case T_PLUS:
        nd = parse_primary(c);
        break;
    case T_ID: {
        if (peek(c)->t == T_LP) {
            next(c);
            nd = node(c, N_CALL, t->line);
            nd->str = g_strdup(t->s);
            if (!accept(c, T_RP)) {
                do {
                    mf_node *a = parse_expr(c);
                    if (!a)
                        return NULL;
                    add_kid(nd, a);
                } while (accept(c, T_COMMA));
                if (!expect(c, T_RP, "')' after the arguments"))
                    return NULL;
            }
            break;
        }
        for (int k = 0; int_constants[k].name; k++)
            if (g_ascii_strcasecmp(int_constants[k].name, t->s) == 0) {
                nd = node(c, N_INT, t->line);
                nd->ival = int_constants[k].value;
                nd->str = g_strdup(int_constants[k].name);
                break;
            }
        if (!nd && g_ascii_strcasecmp(t->s, "DT_TODAY") == 0)
            nd = node(c, N_TODAY, t->line);
        if (!nd) {
            nd = node(c, N_VAR, t->line);
            nd->str = g_strdup(t->s);
        }
        break;
    }
    default:
        cerr(c, t->line, "expected a value%s%s%s", t->t == T_EOF ? " at the end" : " before '", t->t == T_EOF ? "" : (t->s ? t->s : "?"), t->t == T_EOF ? "" : "'");
        return NULL;
    }
    c->depth--;
    return nd;
}

static int prec(int t)
{
    switch (t) {
    case T_STAR: case T_SLASH: case T_PCT: return 5;
    case T_PLUS: case T_MINUS: return 4;
    case T_LT: case T_LE: case T_GT: case T_GE: return 3;
    case T_EQ: case T_NE: return 2;
    case T_AND: case T_OR: return 1;
    default: return 0;
    }
}

static int binop(int t)
{
    switch (t) {
    case T_PLUS: return OP_ADD;
    case T_MINUS: return OP_SUB;
    case T_STAR: return OP_MUL;
    case T_SLASH: return OP_DIV;
    case T_PCT: return OP_MOD;
    case T_EQ: return OP_EQ;
    case T_NE: return OP_NE;
    case T_GT: return OP_GT;
    case T_GE: return OP_GE;
    case T_LT: return OP_LT;
    case T_LE: return OP_LE;
    default: return 0;
    }
}

static mf_node *parse_bin(comp *c, int min)
{
    mf_node *l = parse_primary(c);
    while (l && !c->failed) {
        int op = peek(c)->t;
        int p = prec(op);
        if (p == 0 || p < min)
            break;
        int line = next(c)->line;
        mf_node *r = parse_bin(c, p + 1);
        if (!r)
            return NULL;
        mf_node *b = node(c, op == T_AND ? N_AND : op == T_OR ? N_OR : N_BIN, line);
        b->op = binop(op);
        add_kid(b, l);
        add_kid(b, r);
        l = b;
    }
    return l;
}

static mf_node *parse_expr(comp *c)
{
    return parse_bin(c, 1);
}

static mf_node *parse_stmt(comp *c);

static mf_node *parse_block(comp *c)
{
    int line = peek(c)->line;
    if (!expect(c, T_LBR, "'{'"))
        return NULL;
    mf_node *b = node(c, S_BLOCK, line);
    while (!c->failed && peek(c)->t != T_RBR && peek(c)->t != T_EOF) {
        mf_node *s = parse_stmt(c);
        if (!s)
            return NULL;
        add_kid(b, s);
    }
    if (!expect(c, T_RBR, "'}'"))
        return NULL;
    return b;
}

static mf_node *parse_decl(comp *c)
{
    tok *t = next(c);
    mf_node *d = node(c, S_DECL, t->line);
    d->op = t->t;
    do {
        tok *name = next(c);
        if (name->t != T_ID) {
            cerr(c, name->line, "expected a variable name in the declaration");
            return NULL;
        }
        mf_node *v = node(c, N_VAR, name->line);
        v->str = g_strdup(name->s);
        v->ival = -1;
        if (accept(c, T_LB)) {
            tok *sz = next(c);
            if (sz->t != T_INT || sz->v < 1 || sz->v > 65536) {
                cerr(c, sz->line, "array size of '%s' must be a number from 1 to 65536", name->s);
                return NULL;
            }
            v->ival = (int32_t)sz->v;
            if (!expect(c, T_RB, "']'"))
                return NULL;
        }
        add_kid(d, v);
    } while (accept(c, T_COMMA));
    if (!expect(c, T_SEMI, "';' after the declaration"))
        return NULL;
    return d;
}

static mf_node *parse_stmt(comp *c)
{
    if (++c->depth > 200) {
        cerr(c, peek(c)->line, "statements nested too deeply");
        return NULL;
    }
    tok *t = peek(c);
    mf_node *s = NULL;
    switch (t->t) {
    case T_SEMI:
        next(c);
        s = node(c, S_EMPTY, t->line);
        break;
    case T_LBR:
        s = parse_block(c);
        break;
    case T_KINT: case T_KLONG: case T_KCHAR: case T_KTABLEVAR:
        s = parse_decl(c);
        break;
    case T_RETURN:
        next(c);
        s = node(c, S_RETURN, t->line);
        if (peek(c)->t != T_SEMI) {
            mf_node *e = parse_expr(c);
            if (!e)
                return NULL;
            add_kid(s, e);
        }
        if (!expect(c, T_SEMI, "';' after return"))
            return NULL;
        break;
    case T_IF: case T_WHILE: {
        next(c);
        s = node(c, t->t == T_IF ? S_IF : S_WHILE, t->line);
        if (!expect(c, T_LP, "'(' after IF/WHILE"))
            return NULL;
        mf_node *e = parse_expr(c);
        if (!e || !expect(c, T_RP, "')'"))
            return NULL;
        add_kid(s, e);
        mf_node *body = parse_stmt(c);
        if (!body)
            return NULL;
        add_kid(s, body);
        if (s->kind == S_IF && accept(c, T_ELSE)) {
            mf_node *els = parse_stmt(c);
            if (!els)
                return NULL;
            add_kid(s, els);
        }
        break;
    }
    case T_FUNCTION:
        cerr(c, t->line, "FUNCTION inside a block");
        return NULL;
    case T_ID:
        if (peek2(c)->t == T_ASSIGN || peek2(c)->t == T_LB) {
            next(c);
            s = node(c, S_ASSIGN, t->line);
            mf_node *v = node(c, N_VAR, t->line);
            v->str = g_strdup(t->s);
            add_kid(s, v);
            if (accept(c, T_LB)) {
                s->kind = S_ASSIGN_ELEM;
                mf_node *ix = parse_expr(c);
                if (!ix || !expect(c, T_RB, "']'"))
                    return NULL;
                add_kid(s, ix);
            }
            if (!expect(c, T_ASSIGN, "'='"))
                return NULL;
            mf_node *e = parse_expr(c);
            if (!e)
                return NULL;
            add_kid(s, e);
            if (!expect(c, T_SEMI, "';' after the assignment"))
                return NULL;
            break;
        }
        /* an expression statement (a call) */
        /* fall through */
    default: {
        mf_node *e = parse_expr(c);
        if (!e)
            return NULL;
        s = node(c, S_EXPR, t->line);
        add_kid(s, e);
        if (!expect(c, T_SEMI, "';'"))
            return NULL;
        break;
    }
    }
    c->depth--;
    return s;
}

/* ---- resolver --------------------------------------------------------------------- */

static int find_var(comp *c, const char *name, int func)
{
    GPtrArray *vars = c->prog->vars;
    if (func >= 0)
        for (guint i = 0; i < vars->len; i++) {
            mf_var *v = vars->pdata[i];
            if (v->func == func && g_ascii_strcasecmp(v->name, name) == 0)
                return (int)i;
        }
    for (guint i = 0; i < vars->len; i++) {
        mf_var *v = vars->pdata[i];
        if (v->func < 0 && g_ascii_strcasecmp(v->name, name) == 0)
            return (int)i;
    }
    return -1;
}

static int tablevar_size(comp *c, const char *name)
{
    crtk_metafile *mf = c->ctx->mf;
    int best = 0;
    if (mf) {
        GHashTableIter it;
        gpointer k, val;
        g_hash_table_iter_init(&it, mf->tables);
        while (g_hash_table_iter_next(&it, &k, &val)) {
            mf_table *t = mf_table_get(mf, k, NULL);
            if (!t)
                continue;
            int col = mf_table_col(t, name);
            if (col >= 0 && t->col_size[col] > best)
                best = t->col_size[col];
        }
    }
    return best > 0 ? best + 1 : 256;
}

/* Declarations (recursively, not into FUNCTION bodies: those are collected per function). */
static void collect_decls(comp *c, mf_node *s, int func)
{
    if (!s || c->failed)
        return;
    if (s->kind == S_DECL) {
        gboolean arrays = s->kids[0]->ival > 0;
        for (int k = 0; k < s->nkids; k++) {
            mf_node *v = s->kids[k];
            if ((v->ival > 0) != arrays && s->op != T_KTABLEVAR) {
                cerr(c, v->line, "a declaration must declare only arrays or only scalars ('%s')", v->str);
                return;
            }
            int prev = find_var(c, v->str, func);
            if (prev >= 0 && ((mf_var *)c->prog->vars->pdata[prev])->func == func) {
                cerr(c, v->line, "'%s' is declared twice", v->str);
                return;
            }
            mf_var *var = g_new0(mf_var, 1);
            var->name = g_strdup(v->str);
            var->func = func;
            if (s->op == T_KTABLEVAR) {
                var->is_char = var->is_tablevar = TRUE;
                var->size = tablevar_size(c, v->str);
            } else if (s->op == T_KCHAR) {
                if (v->ival <= 0) {
                    cerr(c, v->line, "char variable '%s' needs a size (char %s[N])", v->str, v->str);
                    g_free(var->name);
                    g_free(var);
                    return;
                }
                var->is_char = TRUE;
                var->size = v->ival;
            } else if (v->ival > 0) {
                cerr(c, v->line, "integer arrays are not supported ('%s')", v->str);
                g_free(var->name);
                g_free(var);
                return;
            }
            if (var->is_char) {
                var->offset = c->prog->char_bytes;
                c->prog->char_bytes += var->size + 1;
            } else {
                var->offset = c->prog->n_ints++;
            }
            v->ival = (int32_t)c->prog->vars->len;
            g_ptr_array_add(c->prog->vars, var);
        }
        return;
    }
    if (s->kind == S_BLOCK || s->kind == S_IF || s->kind == S_WHILE)
        for (int k = 0; k < s->nkids; k++)
            collect_decls(c, s->kids[k], func);
}

static int field_slot(comp *c, const char *name, int line)
{
    const mf_compile_ctx *x = c->ctx;
    GPtrArray *fields = c->prog->fields;
    for (guint i = 0; i < fields->len; i++)
        if (g_ascii_strcasecmp(((mf_slot_field *)fields->pdata[i])->name, name) == 0)
            return (int)i;
    mf_slot_field *f = g_new0(mf_slot_field, 1);
    f->item = -1;
    int number = -1;
    const mf_field *mff = NULL;
    if (x->edit) {
        for (guint i = 0; i < x->edit->field_pkeys->len; i++) {
            const mf_field *ef = g_hash_table_lookup(x->mf->fields, GINT_TO_POINTER(g_array_index(x->edit->field_pkeys, int, i)));
            if (ef && g_ascii_strcasecmp(ef->name, name) == 0)
                mff = ef;
        }
        if (!mff) {
            g_free(f);
            cerr(c, line, "field \"%s\" is not one of the edit's fields", name);
            return -1;
        }
    } else if (x->mf) {
        char *up = g_ascii_strup(name, -1);
        mff = g_hash_table_lookup(x->mf->field_by_name, up);
        g_free(up);
    }
    const crtk_item *item = NULL;
    if (mff) {
        f->name = g_strdup(mff->name);
        f->width = mff->length;
        f->is_date = mff->is_date;
        number = mff->number;
        if (x->dict)
            item = crtk_dictionary_find_number(x->dict, number);
    } else if (x->dict) {
        item = crtk_dictionary_find(x->dict, name);
        for (int i = 0; !item && i < crtk_dictionary_count(x->dict); i++) {
            const crtk_item *it = crtk_dictionary_item(x->dict, i);
            if (it->name && g_ascii_strcasecmp(it->name, name) == 0)
                item = it;
        }
        if (!item) {
            g_free(f);
            cerr(c, line, "unknown field \"%s\" (not a field of the metafile nor a NAACCR item name)", name);
            return -1;
        }
        f->name = g_strdup(name);
        f->width = item->length;
        f->is_date = item->type == CRTK_TYPE_DATE;
    } else {
        g_free(f);
        cerr(c, line, "unknown field \"%s\"", name);
        return -1;
    }
    if (item) {
        f->item = item->index;
        f->item_id = item->id;
    }
    if (f->width <= 0 || f->width > 100000)
        f->width = item ? item->length : 1;
    g_ptr_array_add(fields, f);
    return (int)fields->len - 1;
}


static gboolean resolve_expr(comp *c, mf_node *e, int func);

static gboolean is_char_var(comp *c, mf_node *e)
{
    return e->kind == N_VAR && e->ival >= 0 && ((mf_var *)c->prog->vars->pdata[e->ival])->is_char;
}

/* The lookup spec "TABLE.COL", "TABLE.DBF.COL" (or table and column as two literals). */
static mf_lookup *bind_lookup(comp *c, mf_node *call, const char *table, const char *cols, int func)
{
    crtk_metafile *mf = c->ctx->mf;
    if (!mf) {
        cerr(c, call->line, "%s needs a metafile (its lookup tables)", call->str);
        return NULL;
    }
    GError *err = NULL;
    char *up = g_ascii_strup(table, -1);
    mf_table *t = mf_table_get(mf, up, &err);
    g_free(up);
    if (!t) {
        cerr(c, call->line, "%s: %s", call->str, err ? err->message : "unknown table");
        g_clear_error(&err);
        return NULL;
    }
    char *ucols = g_ascii_strup(cols, -1);
    g_strstrip(ucols);
    mf_index *ix = mf_table_index(t, ucols, &err);
    g_free(ucols);
    if (!ix) {
        cerr(c, call->line, "%s: %s", call->str, err ? err->message : "unknown column");
        g_clear_error(&err);
        return NULL;
    }
    mf_lookup *lk = g_new0(mf_lookup, 1);
    lk->table = t;
    lk->index = ix;
    /* tablevars of the edit (global or of this function) named like columns of the table */
    for (guint i = 0; i < c->prog->vars->len; i++) {
        mf_var *v = c->prog->vars->pdata[i];
        if (!v->is_tablevar || (v->func >= 0 && v->func != func))
            continue;
        int col = mf_table_col(t, v->name);
        if (col < 0)
            continue;
        lk->tv_var = g_renew(int, lk->tv_var, lk->n_tv + 1);
        lk->tv_col = g_renew(int, lk->tv_col, lk->n_tv + 1);
        lk->tv_var[lk->n_tv] = (int)i;
        lk->tv_col[lk->n_tv] = col;
        lk->n_tv++;
    }
    return lk;
}

static gboolean resolve_call(comp *c, mf_node *e, int func)
{
    /* a local function used as a value */
    for (guint i = 0; i < c->prog->funcs->len; i++) {
        mf_func *f = c->prog->funcs->pdata[i];
        if (g_ascii_strcasecmp(f->name, e->str) == 0) {
            if (e->nkids) {
                cerr(c, e->line, "local function %s takes no arguments", f->name);
                return FALSE;
            }
            e->kind = N_LCALL;
            e->aux = f;
            e->type = MF_T_INT;
            return TRUE;
        }
    }
    const mf_builtin *b = mf_builtin_find(e->str);
    if (!b) {
        cerr(c, e->line, "unknown function %s", e->str);
        return FALSE;
    }
    if (b->unsupported) {
        cerr(c, e->line, "%s is not supported (%s)", b->name, b->unsupported);
        return FALSE;
    }
    if (e->nkids < b->min_args || (b->max_args >= 0 && e->nkids > b->max_args)) {
        cerr(c, e->line, "%s takes %d%s argument%s, not %d", b->name, b->min_args,
             b->max_args < 0 ? " or more" : b->max_args > b->min_args ? " or more" : "", b->min_args == 1 && b->max_args == 1 ? "" : "s", e->nkids);
        return FALSE;
    }
    e->op = b->id;
    e->type = b->ret;
    for (int k = 0; k < e->nkids; k++) {
        mf_node *a = e->kids[k];
        if (!resolve_expr(c, a, func))
            return FALSE;
        char kind = k < (int)strlen(b->args) ? b->args[k] : b->args[strlen(b->args) - 1];
        switch (kind) {
        case 'i':
            if (a->type != MF_T_INT) {
                cerr(c, a->line, "argument %d of %s must be a number", k + 1, b->name);
                return FALSE;
            }
            break;
        case 't':
            if (!is_char_var(c, a)) {
                cerr(c, a->line, "argument %d of %s must be a char variable", k + 1, b->name);
                return FALSE;
            }
            break;
        case 'L':
            if (a->kind != N_STR) {
                cerr(c, a->line, "argument %d of %s must be a literal table name", k + 1, b->name);
                return FALSE;
            }
            break;
        case 's':
            if (a->type == MF_T_VOID) {
                cerr(c, a->line, "argument %d of %s has no value", k + 1, b->name);
                return FALSE;
            }
            break;
        default:
            if (a->type == MF_T_VOID) {
                cerr(c, a->line, "argument %d of %s has no value", k + 1, b->name);
                return FALSE;
            }
            break;
        }
    }
    /* bind lookups */
    if (b->id == B_LOOKUP || b->id == B_ILOOKUP || b->id == B_RLOOKUP) {
        char *table = NULL, *col = NULL;
        if (e->nkids == 3) {
            if (e->kids[1]->kind != N_STR || e->kids[2]->kind != N_STR) {
                cerr(c, e->line, "%s: table and index must be literals", b->name);
                return FALSE;
            }
            table = g_strdup(e->kids[1]->str);
            col = g_strdup(e->kids[2]->str);
        } else {
            if (e->kids[1]->kind != N_STR) {
                cerr(c, e->line, "%s: the table must be a literal \"TABLE.COLUMN\"", b->name);
                return FALSE;
            }
            char **parts = g_strsplit(e->kids[1]->str, ".", -1);
            guint np = g_strv_length(parts);
            if (np < 2 || (np == 3 && g_ascii_strcasecmp(parts[1], "DBF") != 0) || np > 3) {
                g_strfreev(parts);
                cerr(c, e->line, "%s: expected \"TABLE.COLUMN\", not \"%s\"", b->name, e->kids[1]->str);
                return FALSE;
            }
            table = g_strdup(parts[0]);
            col = g_strdup(parts[np - 1]);
            g_strfreev(parts);
        }
        e->aux = bind_lookup(c, e, table, col, func);
        g_free(table);
        g_free(col);
        if (!e->aux)
            return FALSE;
    } else if (b->id == B_SQLLOOKUP || b->id == B_SQLRANGELOOKUP) {
        e->aux = bind_lookup(c, e, e->kids[0]->str, e->kids[1]->str, func);
        if (!e->aux)
            return FALSE;
    } else if (b->id == B_MATCH && e->kids[1]->kind == N_STR) {
        e->aux = mf_pattern_compile(e->kids[1]->str, (size_t)e->kids[1]->slen);
    } else if (b->id == B_INLIST && e->nkids >= 3 && e->kids[2]->kind == N_STR) {
        e->aux = mf_pattern_compile(e->kids[2]->str, (size_t)e->kids[2]->slen);
    } else if (b->id == B_INLIST && e->nkids == 4) {
        cerr(c, e->line, "INLIST takes 2, 3 or 5 arguments");
        return FALSE;
    } else if (b->id == B_EXTERNALDLL) {
        c->prog->uses_dll = TRUE;
        const char *dll = e->kids[0]->kind == N_STR ? e->kids[0]->str : "";
        if (g_ascii_strcasecmp(dll, "cstage.dll") != 0 && g_ascii_strcasecmp(dll, "cstage0205.dll") != 0 && !c->prog->dll_reason)
            c->prog->dll_reason = g_strdup_printf("calls EXTERNALDLL(\"%s\"), which crtk has no engine for", dll);
        const char *method = e->nkids > 1 && e->kids[1]->kind == N_STR ? e->kids[1]->str : NULL;
        if (!c->prog->dll_reason && !method)
            c->prog->dll_reason = g_strdup_printf("calls EXTERNALDLL(\"%s\") with a method named at run time", dll);
        else if (!c->prog->dll_reason && !mf_cs_dll_method_known(method))
            c->prog->dll_reason = g_strdup_printf("calls EXTERNALDLL(\"%s\", \"%s\"), which crtk does not answer", dll, method);
    }
    return TRUE;
}

static gboolean resolve_expr(comp *c, mf_node *e, int func)
{
    if (c->failed)
        return FALSE;
    switch (e->kind) {
    case N_INT:
        e->type = MF_T_INT;
        return TRUE;
    case N_STR: case N_TODAY:
        e->type = MF_T_STR;
        return TRUE;
    case N_FIELD:
        e->ival = field_slot(c, e->str, e->line);
        e->type = MF_T_STR;
        return e->ival >= 0;
    case N_VAR: {
        int v = find_var(c, e->str, func);
        if (v < 0) {
            if (g_ascii_strcasecmp(e->str, "WARN") == 0) { /* not a constant; `return WARN;` passes */
                e->kind = N_INT;
                e->ival = 1;
                e->type = MF_T_INT;
                return TRUE;
            }
            cerr(c, e->line, "unknown variable '%s'", e->str);
            return FALSE;
        }
        e->ival = v;
        e->type = ((mf_var *)c->prog->vars->pdata[v])->is_char ? MF_T_STR : MF_T_INT;
        return TRUE;
    }
    case N_CALL:
        return resolve_call(c, e, func);
    case N_UN:
        if (!resolve_expr(c, e->kids[0], func))
            return FALSE;
        if (e->op == OP_NEG && e->kids[0]->type != MF_T_INT) {
            cerr(c, e->line, "'-' needs a number");
            return FALSE;
        }
        e->type = MF_T_INT;
        return TRUE;
    case N_BIN: case N_AND: case N_OR:
        if (!resolve_expr(c, e->kids[0], func) || !resolve_expr(c, e->kids[1], func))
            return FALSE;
        if (e->kids[0]->type == MF_T_VOID || e->kids[1]->type == MF_T_VOID) {
            cerr(c, e->line, "a call without a value used in an expression");
            return FALSE;
        }
        if (e->kind == N_BIN && (e->kids[0]->type == MF_T_STR || e->kids[1]->type == MF_T_STR)) {
            if (!((e->op == OP_EQ || e->op == OP_NE) && e->kids[0]->type == MF_T_STR && e->kids[1]->type == MF_T_STR)) {
                cerr(c, e->line, "strings cannot be used with this operator (compare them with STRCMP)");
                return FALSE;
            }
            e->op = e->op == OP_EQ ? OP_SEQ : OP_SNE;
        }
        e->type = MF_T_INT;
        return TRUE;
    default:
        return TRUE;
    }
}

static gboolean resolve_stmt(comp *c, mf_node *s, int func)
{
    if (!s || c->failed)
        return FALSE;
    switch (s->kind) {
    case S_BLOCK:
        for (int k = 0; k < s->nkids; k++)
            if (!resolve_stmt(c, s->kids[k], func))
                return FALSE;
        return TRUE;
    case S_DECL: case S_EMPTY:
        return TRUE;
    case S_ASSIGN: case S_ASSIGN_ELEM: {
        mf_node *v = s->kids[0];
        if (!resolve_expr(c, v, func))
            return FALSE;
        for (int k = 1; k < s->nkids; k++)
            if (!resolve_expr(c, s->kids[k], func))
                return FALSE;
        mf_node *val = s->kids[s->nkids - 1];
        mf_var *var = c->prog->vars->pdata[v->ival];
        if (s->kind == S_ASSIGN_ELEM) {
            if (!var->is_char || s->kids[1]->type != MF_T_INT) {
                cerr(c, s->line, "'%s[...]' needs a char variable and a number index", var->name);
                return FALSE;
            }
        } else if (!var->is_char && val->type != MF_T_INT) {
            cerr(c, s->line, "cannot assign a string to the integer '%s'", var->name);
            return FALSE;
        } else if (var->is_char && val->type != MF_T_STR) {
            cerr(c, s->line, "cannot assign a number to the char variable '%s'", var->name);
            return FALSE;
        }
        if (val->type == MF_T_VOID) {
            cerr(c, s->line, "the call has no value");
            return FALSE;
        }
        return TRUE;
    }
    case S_EXPR:
        if (!resolve_expr(c, s->kids[0], func))
            return FALSE;
        if (s->kids[0]->kind != N_CALL && s->kids[0]->kind != N_LCALL) {
            cerr(c, s->line, "a statement must be a call or an assignment");
            return FALSE;
        }
        return TRUE;
    case S_RETURN:
        if (s->nkids) {
            if (!resolve_expr(c, s->kids[0], func))
                return FALSE;
            if (s->kids[0]->type == MF_T_VOID) {
                cerr(c, s->line, "return of a call without a value");
                return FALSE;
            }
        }
        return TRUE;
    case S_IF: case S_WHILE:
        if (!resolve_expr(c, s->kids[0], func))
            return FALSE;
        if (s->kids[0]->type == MF_T_VOID) {
            cerr(c, s->line, "condition without a value");
            return FALSE;
        }
        for (int k = 1; k < s->nkids; k++)
            if (!resolve_stmt(c, s->kids[k], func))
                return FALSE;
        return TRUE;
    default:
        return TRUE;
    }
}

void mf_program_free(mf_program *p)
{
    if (!p)
        return;
    for (guint i = 0; i < p->nodes->len; i++) {
        mf_node *n = p->nodes->pdata[i];
        if (n->kind == N_CALL && n->aux) {
            if (n->op == B_MATCH || n->op == B_INLIST)
                mf_pattern_free(n->aux);
            else if (n->op == B_LOOKUP || n->op == B_ILOOKUP || n->op == B_RLOOKUP || n->op == B_SQLLOOKUP || n->op == B_SQLRANGELOOKUP) {
                mf_lookup *lk = n->aux;
                g_free(lk->tv_var);
                g_free(lk->tv_col);
                g_free(lk);
            }
        }
        g_free(n->str);
        g_free(n->kids);
        g_free(n);
    }
    g_ptr_array_free(p->nodes, TRUE);
    for (guint i = 0; i < p->vars->len; i++) {
        mf_var *v = p->vars->pdata[i];
        g_free(v->name);
        g_free(v);
    }
    g_ptr_array_free(p->vars, TRUE);
    for (guint i = 0; i < p->funcs->len; i++) {
        mf_func *f = p->funcs->pdata[i];
        g_free(f->name);
        g_free(f->locals);
        g_free(f);
    }
    g_ptr_array_free(p->funcs, TRUE);
    for (guint i = 0; i < p->fields->len; i++) {
        mf_slot_field *f = p->fields->pdata[i];
        g_free(f->name);
        g_free(f);
    }
    g_ptr_array_free(p->fields, TRUE);
    g_free(p->dll_reason);
    g_free(p);
}

mf_program *mf_compile(const mf_compile_ctx *ctx, const char *text, GError **error)
{
    comp c = {0};
    c.ctx = ctx;
    /* normalise: tabs -> 4 blanks, CR LF -> LF */
    GString *src = g_string_sized_new(strlen(text));
    for (const char *p = text; *p; p++) {
        if (*p == '\t')
            g_string_append(src, "    ");
        else if (*p == '\r' && p[1] == '\n')
            continue;
        else
            g_string_append_c(src, *p);
    }
    c.src = src->str;
    c.n = src->len;
    c.error = error;
    c.toks = g_array_new(FALSE, FALSE, sizeof(tok));
    mf_program *prog = g_new0(mf_program, 1);
    prog->nodes = g_ptr_array_new();
    prog->vars = g_ptr_array_new();
    prog->funcs = g_ptr_array_new();
    prog->fields = g_ptr_array_new();
    c.prog = prog;
    if (lex(&c)) {
        prog->body = node(&c, S_BLOCK, 1);
        while (!c.failed && peek(&c)->t != T_EOF) {
            if (peek(&c)->t == T_FUNCTION) {
                tok *f = next(&c);
                tok *name = next(&c);
                if (name->t != T_ID) {
                    cerr(&c, f->line, "expected a function name after FUNCTION");
                    break;
                }
                if (!expect(&c, T_LP, "'('") || !expect(&c, T_RP, "')' (local functions take no arguments)"))
                    break;
                for (guint i = 0; i < prog->funcs->len; i++)
                    if (g_ascii_strcasecmp(((mf_func *)prog->funcs->pdata[i])->name, name->s) == 0)
                        cerr(&c, f->line, "function %s defined twice", name->s);
                if (mf_builtin_find(name->s))
                    cerr(&c, f->line, "function %s has the name of a built-in function", name->s);
                mf_node *body = parse_block(&c);
                if (!body)
                    break;
                mf_func *fn = g_new0(mf_func, 1);
                fn->name = g_strdup(name->s);
                fn->body = body;
                fn->line = f->line;
                g_ptr_array_add(prog->funcs, fn);
                continue;
            }
            mf_node *s = parse_stmt(&c);
            if (!s)
                break;
            add_kid(prog->body, s);
        }
        if (!c.failed && ctx->edit) /* the edit's fields first, in FieldOrder (%Fn, %Vn) */
            for (guint i = 0; i < ctx->edit->field_names->len - 1 && !c.failed; i++)
                field_slot(&c, ctx->edit->field_names->pdata[i], 1);
        if (!c.failed)
            collect_decls(&c, prog->body, -1);
        for (guint i = 0; !c.failed && i < prog->funcs->len; i++) {
            mf_func *fn = prog->funcs->pdata[i];
            guint before = prog->vars->len;
            collect_decls(&c, fn->body, (int)i);
            fn->n_locals = (int)(prog->vars->len - before);
            fn->locals = g_new(int, fn->n_locals + 1);
            for (int k = 0; k < fn->n_locals; k++)
                fn->locals[k] = (int)before + k;
        }
        if (!c.failed)
            resolve_stmt(&c, prog->body, -1);
        for (guint i = 0; !c.failed && i < prog->funcs->len; i++)
            resolve_stmt(&c, ((mf_func *)prog->funcs->pdata[i])->body, (int)i);
        /* a bare call of a local function as a statement */
    }
    for (guint i = 0; i < c.toks->len; i++)
        g_free(g_array_index(c.toks, tok, i).s);
    g_array_free(c.toks, TRUE);
    g_string_free(src, TRUE);
    if (c.failed) {
        mf_program_free(prog);
        return NULL;
    }
    return prog;
}
