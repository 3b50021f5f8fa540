/* edit_parse.c — lexer, parser and compiler of the edit rule language (see docs/edits.md).
 *
 * Turns a rule's text into the tree of edit_expr.h: item names are resolved against the
 * dictionary (items it lacks are listed, not an error), function names and argument counts are
 * checked, tables are looked up; errors name the column.
 */
#include "edit_expr.h"
#include "codes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the functions: names and argument counts ----------------------------------------- */

static const struct {
    const char *name;
    int min, max; /* max -1 = any */
} FN[F_N] = {
    [F_EMPTY] = {"empty", 1, 1},
    [F_PRESENT] = {"present", 1, 1},
    [F_VALID_CODE] = {"valid_code", 1, 2},
    [F_IN_TABLE] = {"in_table", 2, 2},
    [F_VALID] = {"valid", 1, -1},
    [F_VALID_DATE] = {"valid_date", 1, 2},
    [F_NOT_FUTURE] = {"not_future", 1, 1},
    [F_YEAR] = {"year", 1, 1},
    [F_MONTH] = {"month", 1, 1},
    [F_DAY] = {"day", 1, 1},
    [F_DATE_BEFORE] = {"date_before", 2, 2},
    [F_DATE_AFTER] = {"date_after", 2, 2},
    [F_SAME_DATE] = {"same_date", 2, 2},
    [F_AGE_MIN] = {"age_min", 2, 2},
    [F_AGE_MAX] = {"age_max", 2, 2},
    [F_AGE_AT] = {"age_at", 2, 2},
    [F_NUMBER] = {"number", 1, 1},
    [F_LENGTH] = {"length", 1, 1},
    [F_IS_DIGITS] = {"is_digits", 1, 1},
    [F_SUBSTR] = {"substr", 2, 3},
    [F_BLANK_IF] = {"blank_if", 2, -1},
    [F_DISTINCT] = {"distinct", 1, -1},
    [F_COALESCE] = {"coalesce", 1, -1},
    [F_HIST_VALID] = {"hist_valid", 2, 2},
    [F_MORPH_VALID] = {"morph_valid", 3, 3},
    [F_MORPH_REPORTABLE] = {"morph_reportable", 3, 3},
    [F_SITE_HIST_VALID] = {"site_hist_valid", 4, 4},
    [F_PAIRED_SITE] = {"paired_site", 1, 2},
    [F_COUNTY_VALID] = {"county_valid", 2, 2},
    [F_CURRENT_YEAR] = {"current_year", 0, 0},
    [F_ANY_OTHER] = {"any_other", 1, 1},
    [F_ALL_OTHERS] = {"all_others", 1, 1},
    [F_COUNT_TUMORS] = {"count_tumors", 1, 1},
    [F_COUNT_OTHERS] = {"count_others", 1, 1},
    [F_PATIENT_CONSISTENT] = {"patient_consistent", 1, -1},
    [F_TRIM] = {"trim", 1, 1},
    [F_HAS_COUNTIES] = {"has_counties", 1, 1},
    [F_SCHEMA_CODE_VALID] = {"schema_code_valid", 1, 1},
    [F_SCHEMA_REQUIRED] = {"schema_required", 1, 1},
    [F_SS2018_CONSISTENT] = {"ss2018_consistent", 0, 0},
    [F_SURGERY_CODE_VALID] = {"surgery_code_valid", 1, 1},
    [F_AJCC_TNM_FORMAT] = {"ajcc_tnm_format", 1, 1},
};

static void *alloc(edit_expr *e, size_t size)
{
    void *p = g_malloc0(size);
    g_ptr_array_add(e->allocs, p);
    return p;
}

/* ---- lexer --------------------------------------------------------------------------- */

typedef enum {
    T_EOF, T_NUM, T_STR, T_IDENT, T_LP, T_RP, T_COMMA, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
    T_PLUS, T_MINUS, T_DOTDOT, T_BAD
} tok_kind;

typedef struct {
    tok_kind k;
    const char *s; /* start in the text */
    size_t len;
    double num;
    char *str;     /* T_STR contents (kept in the expr's string chunk) */
    int col;
} token;

typedef struct {
    const char *text;
    size_t pos;
    token tok;
    edit_env *env;
    edit_expr *expr;
    GError *error;
    int in_aggregate;
} parser;

static void fail(parser *p, int col, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void fail(parser *p, int col, const char *fmt, ...)
{
    if (p->error)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    p->error = g_error_new(G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "column %d: %s", col, msg);
    g_free(msg);
}

static gboolean ident_char(char c)
{
    return g_ascii_isalnum(c) || c == '_';
}

static void next(parser *p)
{
    const char *t = p->text;
    size_t i = p->pos;
    while (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')
        i++;
    token *k = &p->tok;
    memset(k, 0, sizeof *k);
    k->s = t + i;
    k->col = (int)i + 1;
    char c = t[i];
    if (!c) {
        k->k = T_EOF;
    } else if (g_ascii_isdigit(c)) {
        size_t j = i;
        while (g_ascii_isdigit(t[j]))
            j++;
        if (t[j] == '.' && g_ascii_isdigit(t[j + 1])) {
            j++;
            while (g_ascii_isdigit(t[j]))
                j++;
        }
        k->k = T_NUM;
        char *tmp = g_strndup(t + i, j - i);
        k->num = g_ascii_strtod(tmp, NULL);
        g_free(tmp);
        i = j;
    } else if (c == '\'' || c == '"') {
        GString *s = g_string_new(NULL);
        size_t j = i + 1;
        for (;;) {
            if (!t[j]) {
                fail(p, k->col, "string not closed");
                break;
            }
            if (t[j] == c) {
                if (t[j + 1] == c) {
                    g_string_append_c(s, c);
                    j += 2;
                    continue;
                }
                j++;
                break;
            }
            g_string_append_c(s, t[j++]);
        }
        k->k = T_STR;
        k->str = g_string_chunk_insert_len(p->expr->strings, s->str, (gssize)s->len);
        k->len = s->len;
        g_string_free(s, TRUE);
        i = j;
    } else if (g_ascii_isalpha(c) || c == '_' || c == '$') {
        size_t j = i + 1;
        for (;;) {
            if (ident_char(t[j])) {
                j++;
            } else if (t[j] == '|' && (g_ascii_isalpha(t[j + 1]) || t[j + 1] == '$')) {
                j += 2;
            } else if (t[j] == '.' && g_ascii_isalpha(t[j + 1])) {
                j += 2;
            } else {
                break;
            }
        }
        if (t[j] == '?')
            j++;
        k->k = T_IDENT;
        i = j;
    } else {
        i++;
        switch (c) {
        case '(': k->k = T_LP; break;
        case ')': k->k = T_RP; break;
        case ',': k->k = T_COMMA; break;
        case '+': k->k = T_PLUS; break;
        case '-': k->k = T_MINUS; break;
        case '=':
            k->k = T_EQ;
            if (t[i] == '=')
                i++;
            break;
        case '!':
            if (t[i] == '=') {
                k->k = T_NE, i++;
            } else {
                k->k = T_BAD;
            }
            break;
        case '<':
            if (t[i] == '=')
                k->k = T_LE, i++;
            else if (t[i] == '>')
                k->k = T_NE, i++;
            else
                k->k = T_LT;
            break;
        case '>':
            if (t[i] == '=')
                k->k = T_GE, i++;
            else
                k->k = T_GT;
            break;
        case '.':
            if (t[i] == '.') {
                k->k = T_DOTDOT, i++;
            } else {
                k->k = T_BAD;
            }
            break;
        default: k->k = T_BAD; break;
        }
        if (k->k == T_BAD)
            fail(p, k->col, "unexpected character '%c'", c);
    }
    k->len = k->k == T_STR ? k->len : (size_t)(t + i - k->s);
    p->pos = i;
}

static gboolean is_kw(const parser *p, const char *kw)
{
    return p->tok.k == T_IDENT && strlen(kw) == p->tok.len && !memcmp(p->tok.s, kw, p->tok.len);
}

static gboolean accept_kw(parser *p, const char *kw)
{
    if (!is_kw(p, kw))
        return FALSE;
    next(p);
    return TRUE;
}

static gboolean expect(parser *p, tok_kind k, const char *what)
{
    if (p->tok.k != k) {
        fail(p, p->tok.col, "expected %s", what);
        return FALSE;
    }
    next(p);
    return TRUE;
}

static const char *const KEYWORDS[] = {"and", "or", "not", "if", "then", "else", "in", "between", "true", "false", NULL};

/* ---- parser ---------------------------------------------------------------------------- */

static node *new_node(parser *p, int op, int nkids)
{
    node *n = alloc(p->expr, sizeof(node));
    n->op = op;
    n->n = nkids;
    n->index = -1;
    if (nkids)
        n->kids = alloc(p->expr, sizeof(node *) * (size_t)nkids);
    return n;
}

static node *const_node(parser *p, val v)
{
    node *n = new_node(p, OP_CONST, 0);
    n->v = v;
    return n;
}

static node *parse_expr(parser *p);

static void add_ref(edit_env *env, const crtk_item *it)
{
    for (guint i = 0; i < env->refs->len; i++)
        if (env->refs->pdata[i] == it)
            return;
    g_ptr_array_add(env->refs, (gpointer)it);
}

static void add_missing(edit_env *env, const char *name)
{
    for (guint i = 0; i < env->missing->len; i++)
        if (!strcmp(env->missing->pdata[i], name))
            return;
    g_ptr_array_add(env->missing, g_strdup(name));
}

/* An item reference: NAME, a|b (first the dictionary has), NAME? (optional), other.NAME, $item. */
static node *item_node(parser *p, const char *text, size_t len, int col)
{
    gboolean other = FALSE;
    if (len > 6 && !memcmp(text, "other.", 6)) {
        other = TRUE;
        text += 6, len -= 6;
        if (!p->in_aggregate) {
            fail(p, col, "other. is only allowed inside any_other, all_others, count_tumors or count_others");
            return NULL;
        }
    }
    char *spec = g_strndup(text, len);
    gboolean optional = len && spec[len - 1] == '?';
    if (optional)
        spec[len - 1] = '\0';
    char **alts = g_strsplit(spec, "|", -1);
    const crtk_item *found = NULL;
    const char *name = NULL;
    for (char **a = alts; *a; a++) {
        if (!strcmp(*a, "$item")) {
            if (!p->env->item_template) {
                fail(p, col, "$item is only allowed in an edit that lists its items for each one");
                break;
            }
            g_free(*a);
            *a = g_strdup(p->env->item_template);
        }
        if (strchr(*a, '.') || !g_ascii_isalpha(**a)) {
            fail(p, col, "\"%s\" is not an item name", *a);
            break;
        }
        if (!name)
            name = g_string_chunk_insert_const(p->expr->strings, *a);
        const crtk_item *it = crtk_dictionary_find(p->env->dict, *a);
        if (it && it->level != CRTK_LEVEL_ROOT) {
            found = it;
            name = g_string_chunk_insert_const(p->expr->strings, *a);
            break;
        }
    }
    node *n = new_node(p, OP_ITEM, 0);
    n->name = name;
    n->other = other;
    n->list = name ? crtk_code_table_get(name) : NULL;
    if (found) {
        n->item = found;
        n->index = found->index;
        n->patient = found->level == CRTK_LEVEL_PATIENT;
        add_ref(p->env, found);
        if (!n->patient && !other)
            p->env->uses_tumor_items = TRUE;
    } else if (!optional && !p->error) {
        char *shown = g_strndup(text, len);
        add_missing(p->env, shown);
        g_free(shown);
    }
    g_strfreev(alts);
    g_free(spec);
    return n;
}

static int find_fn(const char *s, size_t len)
{
    for (int i = 0; i < F_N; i++)
        if (strlen(FN[i].name) == len && !memcmp(FN[i].name, s, len))
            return i;
    return -1;
}

static gboolean is_item_arg(const node *n)
{
    return n && n->op == OP_ITEM;
}

static node *parse_call(parser *p, int fn, int col)
{
    GPtrArray *args = g_ptr_array_new();
    gboolean agg = fn == F_ANY_OTHER || fn == F_ALL_OTHERS || fn == F_COUNT_TUMORS || fn == F_COUNT_OTHERS;
    if (agg || fn == F_PATIENT_CONSISTENT || fn == F_CURRENT_YEAR || fn == F_SCHEMA_CODE_VALID || fn == F_SCHEMA_REQUIRED ||
        fn == F_SS2018_CONSISTENT || fn == F_SURGERY_CODE_VALID)
        p->env->uses_loops = TRUE; /* (current_year: the result may change with the date; schema functions read
                                      the tumor's site, histology and year too) */
    if (agg) {
        if (p->in_aggregate)
            fail(p, col, "%s cannot be used inside another tumor loop", FN[fn].name);
        p->in_aggregate++;
    }
    next(p); /* ( */
    if (p->tok.k != T_RP) {
        for (;;) {
            node *a = parse_expr(p);
            if (!a)
                break;
            g_ptr_array_add(args, a);
            if (p->tok.k == T_COMMA) {
                next(p);
                continue;
            }
            break;
        }
    }
    if (agg)
        p->in_aggregate--;
    expect(p, T_RP, "')' after the arguments");
    int n = (int)args->len;
    if (!p->error && (n < FN[fn].min || (FN[fn].max >= 0 && n > FN[fn].max)))
        fail(p, col, "%s does not take %d argument%s (see docs/edits.md)", FN[fn].name, n, n == 1 ? "" : "s");
    node *c = new_node(p, OP_CALL, n);
    c->sub = fn;
    for (int i = 0; i < n; i++)
        c->kids[i] = args->pdata[i];
    g_ptr_array_free(args, TRUE);
    if (p->error)
        return c;
    switch (fn) {
    case F_VALID_CODE:
    case F_IN_TABLE:
        if (n == 2) {
            if (c->kids[1]->op != OP_CONST || c->kids[1]->v.t != V_STR) {
                fail(p, col, "%s: the second argument must be the name of a code table in quotes", FN[fn].name);
                break;
            }
            char *tn = g_strndup(c->kids[1]->v.s, c->kids[1]->v.len);
            c->list = crtk_code_table_get(tn);
            if (!c->list)
                fail(p, col, "%s: there is no code table \"%s\"", FN[fn].name, tn);
            g_free(tn);
        } else if (!is_item_arg(c->kids[0])) {
            fail(p, col, "valid_code needs an item (or a table name as second argument)");
        } else {
            c->list = c->kids[0]->list;
            if (!c->list && c->kids[0]->name)
                fail(p, col, "item %s has no code table (give one: valid_code(x, 'table'))", c->kids[0]->name);
        }
        break;
    case F_VALID:
    case F_PATIENT_CONSISTENT:
    case F_SCHEMA_CODE_VALID:
    case F_SCHEMA_REQUIRED:
    case F_SURGERY_CODE_VALID:
    case F_AJCC_TNM_FORMAT:
        for (int i = 0; i < n; i++)
            if (!is_item_arg(c->kids[i]))
                fail(p, col, "%s takes items only", FN[fn].name);
        break;
    default:
        break;
    }
    return c;
}

static gboolean literal_val(parser *p, val *out)
{
    gboolean neg = FALSE;
    if (p->tok.k == T_MINUS) {
        neg = TRUE;
        next(p);
    }
    if (p->tok.k == T_STR && !neg) {
        *out = v_str(p->tok.str, p->tok.len);
    } else if (p->tok.k == T_NUM) {
        *out = v_num(neg ? -p->tok.num : p->tok.num);
    } else {
        fail(p, p->tok.col, "a list holds quoted codes, numbers and ranges 'a'..'b'");
        return FALSE;
    }
    next(p);
    return TRUE;
}

static node *parse_primary(parser *p)
{
    token t = p->tok;
    switch (t.k) {
    case T_NUM:
        next(p);
        return const_node(p, v_num(t.num));
    case T_STR:
        next(p);
        return const_node(p, v_str(t.str, t.len));
    case T_LP: {
        next(p);
        node *e = parse_expr(p);
        expect(p, T_RP, "')'");
        return e;
    }
    case T_MINUS: {
        next(p);
        node *n = new_node(p, OP_NEG, 1);
        n->kids[0] = parse_primary(p);
        return n;
    }
    case T_IDENT:
        if (is_kw(p, "true") || is_kw(p, "false")) {
            gboolean b = is_kw(p, "true");
            next(p);
            return const_node(p, v_bool(b));
        }
        for (int i = 0; KEYWORDS[i]; i++)
            if (is_kw(p, KEYWORDS[i])) {
                fail(p, t.col, "unexpected '%s'", KEYWORDS[i]);
                return NULL;
            }
        next(p);
        if (p->tok.k == T_LP) {
            int fn = find_fn(t.s, t.len);
            if (fn < 0) {
                fail(p, t.col, "unknown function %.*s", (int)t.len, t.s);
                return NULL;
            }
            return parse_call(p, fn, t.col);
        }
        return item_node(p, t.s, t.len, t.col);
    case T_EOF:
        fail(p, t.col, "the rule ends too early");
        return NULL;
    default:
        fail(p, t.col, "unexpected '%.*s'", (int)t.len, t.s);
        return NULL;
    }
}

static node *parse_add(parser *p)
{
    node *l = parse_primary(p);
    while (!p->error && (p->tok.k == T_PLUS || p->tok.k == T_MINUS)) {
        int op = p->tok.k == T_PLUS ? OP_ADD : OP_SUB;
        next(p);
        node *n = new_node(p, op, 2);
        n->kids[0] = l;
        n->kids[1] = parse_primary(p);
        l = n;
    }
    return l;
}

static node *parse_cmp(parser *p)
{
    node *l = parse_add(p);
    if (p->error)
        return l;
    int cmp = -1;
    switch (p->tok.k) {
    case T_EQ: cmp = CMP_EQ; break;
    case T_NE: cmp = CMP_NE; break;
    case T_LT: cmp = CMP_LT; break;
    case T_LE: cmp = CMP_LE; break;
    case T_GT: cmp = CMP_GT; break;
    case T_GE: cmp = CMP_GE; break;
    default: break;
    }
    if (cmp >= 0) {
        next(p);
        node *n = new_node(p, OP_CMP, 2);
        n->sub = cmp;
        n->kids[0] = l;
        n->kids[1] = parse_add(p);
        return n;
    }
    gboolean negate = FALSE;
    if (is_kw(p, "not")) {
        /* only "x not in (...)" */
        size_t save = p->pos;
        token st = p->tok;
        next(p);
        if (!is_kw(p, "in")) {
            p->pos = save, p->tok = st;
            return l;
        }
        negate = TRUE;
    }
    if (accept_kw(p, "in")) {
        if (!expect(p, T_LP, "'(' after in"))
            return l;
        GArray *entries = g_array_new(FALSE, TRUE, sizeof(in_entry));
        for (;;) {
            in_entry e = {0};
            if (!literal_val(p, &e.lo))
                break;
            if (p->tok.k == T_DOTDOT) {
                next(p);
                if (!literal_val(p, &e.hi))
                    break;
                e.range = TRUE;
            }
            g_array_append_val(entries, e);
            if (p->tok.k == T_COMMA) {
                next(p);
                continue;
            }
            break;
        }
        expect(p, T_RP, "')' to close the list");
        node *n = new_node(p, negate ? OP_NOTIN : OP_IN, 1);
        n->kids[0] = l;
        n->n_entries = (int)entries->len;
        n->entries = alloc(p->expr, sizeof(in_entry) * (entries->len + 1));
        if (entries->len)
            memcpy(n->entries, entries->data, sizeof(in_entry) * entries->len);
        g_array_free(entries, TRUE);
        return n;
    }
    if (accept_kw(p, "between")) {
        node *n = new_node(p, OP_BETWEEN, 3);
        n->kids[0] = l;
        n->kids[1] = parse_add(p);
        if (!accept_kw(p, "and"))
            fail(p, p->tok.col, "expected 'and' in between ... and ...");
        n->kids[2] = parse_add(p);
        return n;
    }
    return l;
}

static node *parse_not(parser *p)
{
    if (accept_kw(p, "not")) {
        node *n = new_node(p, OP_NOT, 1);
        n->kids[0] = parse_not(p);
        return n;
    }
    return parse_cmp(p);
}

static node *parse_and(parser *p)
{
    node *l = parse_not(p);
    while (!p->error && accept_kw(p, "and")) {
        node *n = new_node(p, OP_AND, 2);
        n->kids[0] = l;
        n->kids[1] = parse_not(p);
        l = n;
    }
    return l;
}

static node *parse_or(parser *p)
{
    node *l = parse_and(p);
    while (!p->error && accept_kw(p, "or")) {
        node *n = new_node(p, OP_OR, 2);
        n->kids[0] = l;
        n->kids[1] = parse_and(p);
        l = n;
    }
    return l;
}

static node *parse_expr(parser *p)
{
    if (p->error)
        return NULL;
    if (accept_kw(p, "if")) {
        node *n = new_node(p, OP_IF, 3);
        n->kids[0] = parse_expr(p);
        if (!accept_kw(p, "then")) {
            fail(p, p->tok.col, "expected 'then'");
            return n;
        }
        n->kids[1] = parse_expr(p);
        n->kids[2] = accept_kw(p, "else") ? parse_expr(p) : const_node(p, v_bool(TRUE));
        return n;
    }
    return parse_or(p);
}

void edit_env_init(edit_env *env, const crtk_dictionary *dict)
{
    memset(env, 0, sizeof *env);
    env->dict = dict;
    env->refs = g_ptr_array_new();
    env->missing = g_ptr_array_new_with_free_func(g_free);
}

void edit_env_clear(edit_env *env)
{
    if (env->refs)
        g_ptr_array_free(env->refs, TRUE);
    if (env->missing)
        g_ptr_array_free(env->missing, TRUE);
    env->refs = env->missing = NULL;
}

void edit_expr_free(edit_expr *e)
{
    if (!e)
        return;
    g_ptr_array_free(e->allocs, TRUE);
    g_string_chunk_free(e->strings);
    g_free(e);
}

edit_expr *edit_expr_compile(const char *text, edit_env *env, GError **error)
{
    edit_expr *e = g_new0(edit_expr, 1);
    e->allocs = g_ptr_array_new_with_free_func(g_free);
    e->strings = g_string_chunk_new(256);
    parser p = {.text = text ? text : "", .env = env, .expr = e};
    next(&p);
    e->root = parse_expr(&p);
    if (!p.error && p.tok.k != T_EOF)
        fail(&p, p.tok.col, "unexpected '%.*s' after the end of the rule", (int)p.tok.len, p.tok.s);
    if (p.error || !e->root) {
        if (!p.error)
            p.error = g_error_new(G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "empty rule");
        g_propagate_error(error, p.error);
        edit_expr_free(e);
        return NULL;
    }
    return e;
}
