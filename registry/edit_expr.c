/* edit_expr.c — lexer, parser, compiler and evaluator of the edit rule language (see docs/edits.md). */
#include "edit_expr.h"
#include "codes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- values ------------------------------------------------------------------ */

enum { V_STR, V_NUM, V_BOOL };

typedef struct {
    int t;
    size_t len;     /* V_STR */
    const char *s;  /* V_STR, not necessarily NUL-terminated */
    double n;       /* V_NUM, V_BOOL (0/1) */
} val;

static inline val v_bool(int b)
{
    val v = {V_BOOL, 0, "", b ? 1.0 : 0.0};
    return v;
}

static inline val v_num(double n)
{
    val v = {V_NUM, 0, "", n};
    return v;
}

static inline val v_str(const char *s, size_t len)
{
    val v = {V_STR, len, s, 0};
    return v;
}

static gboolean blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ')
            return FALSE;
    return TRUE;
}

static double str_num(const char *s, size_t len)
{
    while (len && s[0] == ' ')
        s++, len--;
    while (len && s[len - 1] == ' ')
        len--;
    if (!len)
        return NAN;
    size_t i = 0;
    gboolean neg = FALSE;
    if (s[0] == '-' || s[0] == '+')
        neg = s[0] == '-', i = 1;
    if (i < len && len - i < 16) {
        double v = 0;
        size_t j = i;
        for (; j < len && g_ascii_isdigit(s[j]); j++)
            v = v * 10 + (s[j] - '0');
        if (j == len && j > i)
            return neg ? -v : v;
    }
    char buf[64];
    if (len >= sizeof buf)
        return NAN;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    double v = g_ascii_strtod(buf, &end);
    return end && *end == '\0' ? v : NAN;
}

static double to_num(val v)
{
    return v.t == V_STR ? str_num(v.s, v.len) : v.n;
}

static gboolean truthy(val v)
{
    switch (v.t) {
    case V_STR: return !blank(v.s, v.len);
    case V_NUM: return v.n != 0 && !isnan(v.n);
    default: return v.n != 0;
    }
}

static int str_cmp(val a, val b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.s, b.s, n) : 0;
    if (c)
        return c;
    return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

static gboolean compare(val a, val b, int op)
{
    int c;
    if (a.t == V_STR && b.t == V_STR) {
        c = str_cmp(a, b);
    } else {
        double x = to_num(a), y = to_num(b);
        if (isnan(x) || isnan(y))
            return op == CMP_NE;
        c = x < y ? -1 : x > y ? 1 : 0;
    }
    switch (op) {
    case CMP_EQ: return c == 0;
    case CMP_NE: return c != 0;
    case CMP_LT: return c < 0;
    case CMP_LE: return c <= 0;
    case CMP_GT: return c > 0;
    default: return c >= 0;
    }
}

/* ---- dates ----------------------------------------------------------------------- */

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

gboolean edit_parse_date(const char *s, size_t len, int *y, int *m, int *d)
{
    while (len && s[len - 1] == ' ')
        len--;
    *y = *m = *d = 0;
    if (len != 4 && len != 6 && len != 8)
        return FALSE;
    for (size_t i = 0; i < len; i++)
        if (!g_ascii_isdigit(s[i]))
            return FALSE;
    int yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int mm = len >= 6 ? (s[4] - '0') * 10 + (s[5] - '0') : 0;
    int dd = len == 8 ? (s[6] - '0') * 10 + (s[7] - '0') : 0;
    if (yy < 1)
        return FALSE;
    if (len >= 6 && (mm < 1 || mm > 12))
        return FALSE;
    if (len == 8 && (dd < 1 || dd > days_in_month(yy, mm)))
        return FALSE;
    *y = yy, *m = mm, *d = dd;
    return TRUE;
}

typedef struct {
    int y, m, d;
    gboolean ok;
} date3;

static date3 val_date(val v)
{
    date3 r = {0, 0, 0, FALSE};
    if (v.t == V_STR)
        r.ok = edit_parse_date(v.s, v.len, &r.y, &r.m, &r.d);
    return r;
}

/* a certainly before b, judged on the parts both dates give */
static gboolean date_before(date3 a, date3 b)
{
    if (!a.ok || !b.ok)
        return FALSE;
    if (a.y != b.y)
        return a.y < b.y;
    if (!a.m || !b.m)
        return FALSE;
    if (a.m != b.m)
        return a.m < b.m;
    if (!a.d || !b.d)
        return FALSE;
    return a.d < b.d;
}

static gboolean same_date(date3 a, date3 b)
{
    if (!a.ok || !b.ok || a.y != b.y)
        return FALSE;
    if (a.m && b.m && a.m != b.m)
        return FALSE;
    if (a.m && b.m && a.d && b.d && a.d != b.d)
        return FALSE;
    return TRUE;
}

static void date_earliest(date3 a, int *y, int *m, int *d)
{
    *y = a.y, *m = a.m ? a.m : 1, *d = a.d ? a.d : 1;
}

static void date_latest(date3 a, int *y, int *m, int *d)
{
    *y = a.y, *m = a.m ? a.m : 12;
    *d = a.d ? a.d : days_in_month(a.y, *m);
}

static int age_between(int by, int bm, int bd, int xy, int xm, int xd)
{
    int age = xy - by;
    if (xm < bm || (xm == bm && xd < bd))
        age--;
    return age;
}

static double age_min(date3 b, date3 x)
{
    if (!b.ok || !x.ok)
        return NAN;
    int by, bm, bd, xy, xm, xd;
    date_latest(b, &by, &bm, &bd);
    date_earliest(x, &xy, &xm, &xd);
    int a = age_between(by, bm, bd, xy, xm, xd);
    return a < 0 ? 0 : a;
}

static double age_max(date3 b, date3 x)
{
    if (!b.ok || !x.ok)
        return NAN;
    int by, bm, bd, xy, xm, xd;
    date_earliest(b, &by, &bm, &bd);
    date_latest(x, &xy, &xm, &xd);
    return age_between(by, bm, bd, xy, xm, xd);
}

/* ---- the tree ---------------------------------------------------------------------- */

enum {
    OP_CONST, OP_ITEM, OP_AND, OP_OR, OP_NOT, OP_IF, OP_CMP, OP_IN, OP_NOTIN, OP_BETWEEN,
    OP_ADD, OP_SUB, OP_NEG, OP_CALL
};

enum {
    F_EMPTY, F_PRESENT, F_VALID_CODE, F_IN_TABLE, F_VALID, F_VALID_DATE, F_NOT_FUTURE, F_YEAR, F_MONTH,
    F_DAY, F_DATE_BEFORE, F_DATE_AFTER, F_SAME_DATE, F_AGE_MIN, F_AGE_MAX, F_AGE_AT, F_NUMBER, F_LENGTH,
    F_IS_DIGITS, F_SUBSTR, F_BLANK_IF, F_DISTINCT, F_COALESCE, F_HIST_VALID, F_MORPH_VALID,
    F_MORPH_REPORTABLE, F_SITE_HIST_VALID, F_PAIRED_SITE, F_COUNTY_VALID, F_CURRENT_YEAR, F_ANY_OTHER,
    F_ALL_OTHERS, F_COUNT_TUMORS, F_COUNT_OTHERS, F_PATIENT_CONSISTENT, F_TRIM, F_HAS_COUNTIES, F_N
};

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
};

typedef struct {
    val lo, hi;
    gboolean range;
} in_entry;

typedef struct node node;
struct node {
    int op;
    int sub;              /* OP_CMP: CMP_*; OP_CALL: F_* */
    int n;
    node **kids;
    val v;                /* OP_CONST */
    /* OP_ITEM */
    int index;
    gboolean other, patient;
    const char *name;     /* naaccrId (resolved alternative) */
    const crtk_item *item;
    const crtk_code_table *list; /* the item's code list, or a call's explicit table */
    in_entry *entries;
    int n_entries;
};

struct edit_expr {
    node *root;
    GPtrArray *allocs;
    GStringChunk *strings;
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
    if (agg || fn == F_PATIENT_CONSISTENT || fn == F_CURRENT_YEAR)
        p->env->uses_loops = TRUE; /* (current_year: the result may change with the date) */
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

/* ---- state: patients seen more than once (P01) ------------------------------------------- */

typedef struct {
    long ordinal;
    int n;
    guint32 h[];
} seen_entry;

struct edit_state {
    GHashTable *seen; /* patientIdNumber -> seen_entry* */
};

edit_state *edit_state_new(void)
{
    edit_state *s = g_new0(edit_state, 1);
    s->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return s;
}

void edit_state_free(edit_state *s)
{
    if (!s)
        return;
    g_hash_table_destroy(s->seen);
    g_free(s);
}

void edit_state_reset(edit_state *s)
{
    if (s)
        g_hash_table_remove_all(s->seen);
}

static guint32 hash_bytes(const char *s, size_t len)
{
    guint32 h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* ---- evaluation ------------------------------------------------------------------------------ */

static val eval(const node *n, edit_ctx *c);

static val item_val(const node *n, const edit_ctx *c)
{
    if (n->index < 0)
        return v_str("", 0);
    const crtk_element *e;
    if (n->patient) {
        e = &c->rec->patient;
    } else {
        int t = n->other ? c->other : c->tumor;
        if (t < 0 || t >= c->rec->n_tumors)
            return v_str("", 0);
        e = &c->rec->tumors[t];
    }
    size_t len = 0;
    const char *s = crtk_element_get(e, n->index, &len);
    return s ? v_str(s, len) : v_str("", 0);
}

static int year_arg(val v)
{
    double y = to_num(v);
    return isnan(y) ? 0 : (int)y;
}

static int int_code(val v, int digits)
{
    if (v.t != V_STR) {
        double d = v.n;
        return isnan(d) ? -1 : (int)d;
    }
    if ((int)v.len != digits)
        return -1;
    int x = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (!g_ascii_isdigit(v.s[i]))
            return -1;
        x = x * 10 + (v.s[i] - '0');
    }
    return x;
}

static gboolean item_valid(const node *k, edit_ctx *c)
{
    val v = item_val(k, c);
    if (blank(v.s, v.len))
        return FALSE;
    if (k->list)
        return crtk_code_table_has(k->list, v.s, v.len);
    if (k->item && k->item->type == CRTK_TYPE_DATE) {
        int y, m, d;
        return edit_parse_date(v.s, v.len, &y, &m, &d);
    }
    return TRUE;
}

static gboolean str_eq(val a, val b)
{
    return a.len == b.len && (a.len == 0 || !memcmp(a.s, b.s, a.len));
}

static val as_str(val v)
{
    /* numbers and booleans become empty here: functions on text see text only */
    return v.t == V_STR ? v : v_str("", 0);
}

static val call(const node *n, edit_ctx *c)
{
    node *const *k = n->kids;
    switch (n->sub) {
    case F_EMPTY: {
        val v = eval(k[0], c);
        return v_bool(v.t == V_STR && blank(v.s, v.len));
    }
    case F_PRESENT: {
        val v = eval(k[0], c);
        return v_bool(v.t != V_STR || !blank(v.s, v.len));
    }
    case F_VALID_CODE:
    case F_IN_TABLE: {
        val v = as_str(eval(k[0], c));
        return v_bool(n->list && crtk_code_table_has(n->list, v.s, v.len));
    }
    case F_VALID:
        for (int i = 0; i < n->n; i++)
            if (!item_valid(k[i], c))
                return v_bool(FALSE);
        return v_bool(TRUE);
    case F_VALID_DATE: {
        date3 d = val_date(eval(k[0], c));
        if (!d.ok)
            return v_bool(FALSE);
        if (n->n > 1) {
            double min = to_num(eval(k[1], c));
            if (!isnan(min) && d.y < min)
                return v_bool(FALSE);
        }
        return v_bool(TRUE);
    }
    case F_NOT_FUTURE: {
        date3 d = val_date(eval(k[0], c));
        if (!d.ok)
            return v_bool(TRUE);
        if (d.y != c->today_y)
            return v_bool(d.y < c->today_y);
        if (!d.m || d.m != c->today_m)
            return v_bool(!d.m || d.m < c->today_m);
        return v_bool(!d.d || d.d <= c->today_d);
    }
    case F_YEAR:
    case F_MONTH:
    case F_DAY: {
        date3 d = val_date(eval(k[0], c));
        int x = !d.ok ? 0 : n->sub == F_YEAR ? d.y : n->sub == F_MONTH ? d.m : d.d;
        return v_num(x ? x : NAN);
    }
    case F_DATE_BEFORE:
        return v_bool(date_before(val_date(eval(k[0], c)), val_date(eval(k[1], c))));
    case F_DATE_AFTER:
        return v_bool(date_before(val_date(eval(k[1], c)), val_date(eval(k[0], c))));
    case F_SAME_DATE:
        return v_bool(same_date(val_date(eval(k[0], c)), val_date(eval(k[1], c))));
    case F_AGE_MIN:
    case F_AGE_MAX:
    case F_AGE_AT: {
        date3 b = val_date(eval(k[0], c)), x = val_date(eval(k[1], c));
        double lo = age_min(b, x), hi = age_max(b, x);
        if (n->sub == F_AGE_MIN)
            return v_num(lo);
        if (n->sub == F_AGE_MAX)
            return v_num(hi);
        return v_num(lo == hi ? lo : NAN);
    }
    case F_NUMBER:
        return v_num(to_num(eval(k[0], c)));
    case F_LENGTH: {
        val v = eval(k[0], c);
        return v_num(v.t == V_STR ? (double)v.len : NAN);
    }
    case F_IS_DIGITS: {
        val v = eval(k[0], c);
        if (v.t != V_STR || !v.len)
            return v_bool(FALSE);
        for (size_t i = 0; i < v.len; i++)
            if (!g_ascii_isdigit(v.s[i]))
                return v_bool(FALSE);
        return v_bool(TRUE);
    }
    case F_TRIM: {
        val v = as_str(eval(k[0], c));
        while (v.len && v.s[0] == ' ')
            v.s++, v.len--;
        while (v.len && v.s[v.len - 1] == ' ')
            v.len--;
        return v;
    }
    case F_SUBSTR: {
        val v = as_str(eval(k[0], c));
        double st = to_num(eval(k[1], c));
        double ln = n->n > 2 ? to_num(eval(k[2], c)) : (double)v.len;
        if (isnan(st) || isnan(ln) || st < 1 || ln < 0 || (size_t)st > v.len)
            return v_str("", 0);
        size_t s0 = (size_t)st - 1, l = (size_t)ln;
        if (s0 + l > v.len)
            l = v.len - s0;
        return v_str(v.s + s0, l);
    }
    case F_BLANK_IF: {
        val v = eval(k[0], c);
        for (int i = 1; i < n->n; i++) {
            val w = eval(k[i], c);
            if (v.t == V_STR && w.t == V_STR ? str_eq(v, w) : compare(v, w, CMP_EQ))
                return v_str("", 0);
        }
        return v;
    }
    case F_DISTINCT: {
        val vs[32];
        int m = 0;
        for (int i = 0; i < n->n && m < 32; i++) {
            val v = eval(k[i], c);
            if (v.t == V_STR && blank(v.s, v.len))
                continue;
            for (int j = 0; j < m; j++)
                if (compare(vs[j], v, CMP_EQ))
                    return v_bool(FALSE);
            vs[m++] = v;
        }
        return v_bool(TRUE);
    }
    case F_COALESCE:
        for (int i = 0; i < n->n; i++) {
            val v = eval(k[i], c);
            if (v.t != V_STR || !blank(v.s, v.len))
                return v;
        }
        return v_str("", 0);
    case F_HIST_VALID: {
        int h = int_code(eval(k[0], c), 4);
        return v_bool(h >= 0 && crtk_histology_valid(h, year_arg(eval(k[1], c))));
    }
    case F_MORPH_VALID: {
        int h = int_code(eval(k[0], c), 4), b = int_code(eval(k[1], c), 1);
        return v_bool(h >= 0 && b >= 0 && crtk_morphology_valid(h, b, year_arg(eval(k[2], c))));
    }
    case F_MORPH_REPORTABLE: {
        int h = int_code(eval(k[0], c), 4), b = int_code(eval(k[1], c), 1);
        int r = h >= 0 && b >= 0 ? crtk_morphology_reportable(h, b, year_arg(eval(k[2], c))) : -2;
        return r == 1 ? v_str("yes", 3) : r == 0 ? v_str("no", 2) : v_str("", 0);
    }
    case F_SITE_HIST_VALID: {
        val s = as_str(eval(k[0], c));
        int h = int_code(eval(k[1], c), 4), b = int_code(eval(k[2], c), 1);
        return v_bool(h >= 0 && b >= 0 && crtk_site_morphology_valid(s.s, s.len, h, b, year_arg(eval(k[3], c))) == 1);
    }
    case F_PAIRED_SITE: {
        val s = as_str(eval(k[0], c));
        int y = n->n > 1 ? year_arg(eval(k[1], c)) : 0;
        const char *r = crtk_laterality_rule_name(crtk_paired_site(s.s, s.len, y));
        return v_str(r, strlen(r));
    }
    case F_COUNTY_VALID: {
        val s = as_str(eval(k[0], c)), co = as_str(eval(k[1], c));
        return v_bool(crtk_county_valid(s.s, s.len, co.s, co.len));
    }
    case F_HAS_COUNTIES: {
        val st = as_str(eval(k[0], c));
        return v_bool(crtk_state_has_counties(st.s, st.len));
    }
    case F_CURRENT_YEAR:
        return v_num(c->today_y);
    case F_ANY_OTHER:
    case F_ALL_OTHERS:
    case F_COUNT_TUMORS:
    case F_COUNT_OTHERS: {
        int saved = c->other, count = 0;
        gboolean any = FALSE, all = TRUE;
        for (int t = 0; t < c->rec->n_tumors; t++) {
            if (t == c->tumor && n->sub != F_COUNT_TUMORS)
                continue;
            c->other = t;
            gboolean ok = truthy(eval(k[0], c));
            count += ok;
            any |= ok;
            all &= ok;
            if ((n->sub == F_ANY_OTHER && any) || (n->sub == F_ALL_OTHERS && !all))
                break;
        }
        c->other = saved;
        if (n->sub == F_ANY_OTHER)
            return v_bool(any);
        if (n->sub == F_ALL_OTHERS)
            return v_bool(all);
        return v_num(count);
    }
    case F_PATIENT_CONSISTENT: {
        if (!c->state)
            return v_bool(TRUE);
        const char *pid = c->patient_id ? c->patient_id : crtk_record_patient_id(c->rec);
        if (!*pid)
            return v_bool(TRUE);
        guint32 h[64];
        int m = n->n < 64 ? n->n : 64;
        for (int i = 0; i < m; i++) {
            val v = item_val(k[i], c);
            h[i] = hash_bytes(v.s, v.len);
        }
        seen_entry *e = g_hash_table_lookup(c->state->seen, pid);
        if (!e || e->ordinal == c->rec->ordinal) {
            if (!e) {
                e = g_malloc(sizeof(seen_entry) + sizeof(guint32) * (size_t)m);
                g_hash_table_insert(c->state->seen, g_strdup(pid), e);
            }
            e->ordinal = c->rec->ordinal;
            e->n = m;
            memcpy(e->h, h, sizeof(guint32) * (size_t)m);
            return v_bool(TRUE);
        }
        gboolean same = TRUE;
        for (int i = 0; i < m && i < e->n; i++) {
            if (e->h[i] != h[i]) {
                if (c->detail) {
                    if (!same)
                        g_string_append(c->detail, ", ");
                    g_string_append(c->detail, k[i]->name ? k[i]->name : "?");
                }
                same = FALSE;
            }
        }
        if (!same && c->detail)
            g_string_append_printf(c->detail, " differ from patient %ld", e->ordinal);
        return v_bool(same);
    }
    default:
        return v_bool(FALSE);
    }
}

static val eval(const node *n, edit_ctx *c)
{
    switch (n->op) {
    case OP_CONST:
        return n->v;
    case OP_ITEM:
        return item_val(n, c);
    case OP_AND:
        return v_bool(truthy(eval(n->kids[0], c)) && truthy(eval(n->kids[1], c)));
    case OP_OR:
        return v_bool(truthy(eval(n->kids[0], c)) || truthy(eval(n->kids[1], c)));
    case OP_NOT:
        return v_bool(!truthy(eval(n->kids[0], c)));
    case OP_IF:
        return truthy(eval(n->kids[0], c)) ? eval(n->kids[1], c) : eval(n->kids[2], c);
    case OP_CMP:
        return v_bool(compare(eval(n->kids[0], c), eval(n->kids[1], c), n->sub));
    case OP_IN:
    case OP_NOTIN: {
        val v = eval(n->kids[0], c);
        gboolean hit = FALSE;
        for (int i = 0; i < n->n_entries && !hit; i++) {
            const in_entry *e = &n->entries[i];
            hit = e->range ? compare(v, e->lo, CMP_GE) && compare(v, e->hi, CMP_LE) : compare(v, e->lo, CMP_EQ);
        }
        return v_bool(n->op == OP_IN ? hit : !hit);
    }
    case OP_BETWEEN: {
        val v = eval(n->kids[0], c);
        return v_bool(compare(v, eval(n->kids[1], c), CMP_GE) && compare(v, eval(n->kids[2], c), CMP_LE));
    }
    case OP_ADD:
        return v_num(to_num(eval(n->kids[0], c)) + to_num(eval(n->kids[1], c)));
    case OP_SUB:
        return v_num(to_num(eval(n->kids[0], c)) - to_num(eval(n->kids[1], c)));
    case OP_NEG:
        return v_num(-to_num(eval(n->kids[0], c)));
    case OP_CALL:
        return call(n, c);
    default:
        return v_bool(FALSE);
    }
}

gboolean edit_expr_eval(const edit_expr *e, edit_ctx *ctx)
{
    return truthy(eval(e->root, ctx));
}
