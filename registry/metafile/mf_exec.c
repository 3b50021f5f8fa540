/* mf_exec.c — running a compiled edit: the tree-walking interpreter and the built-in functions.
 *
 * Values are integers (32-bit, wrapping like the reference's Java int) or strings (a field's
 * padded value, a char array up to its NUL, a literal, or a function result in scratch memory
 * freed after each statement).  Every node evaluated counts one step; a run that exceeds the
 * metafile's step limit, nests local-function calls too deeply or divides by zero stops with
 * an error instead of a verdict.  The built-in functions follow the semantics documented in
 * the reference material (../shared/edits-metafile/README.md §3), corner cases included.
 */
#include "mf_builtins.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const mf_builtin builtins[] = {
    {"EMPTY", B_EMPTY, 1, 1, "v", MF_T_INT, NULL},
    {"VAL", B_VAL, 1, 1, "v", MF_T_INT, NULL},
    {"STRLEN", B_STRLEN, 1, 1, "v", MF_T_INT, NULL},
    {"JUSTIFIED", B_JUSTIFIED, 2, 2, "vi", MF_T_INT, NULL},
    {"INLIST", B_INLIST, 2, 5, "vssii", MF_T_INT, NULL},
    {"MATCH", B_MATCH, 2, 2, "vs", MF_T_INT, NULL},
    {"TRIM", B_TRIM, 1, 2, "vi", MF_T_STR, NULL},
    {"SUBSTR", B_SUBSTR, 2, 3, "vii", MF_T_STR, NULL},
    {"LEFT", B_LEFT, 2, 2, "vi", MF_T_STR, NULL},
    {"RIGHT", B_RIGHT, 2, 2, "vi", MF_T_STR, NULL},
    {"UPPER", B_UPPER, 1, 1, "v", MF_T_STR, NULL},
    {"LOWER", B_LOWER, 1, 1, "v", MF_T_STR, NULL},
    {"STRCPY", B_STRCPY, 2, 3, "tvi", MF_T_INT, NULL},
    {"STRCAT", B_STRCAT, 2, 3, "tvi", MF_T_STR, NULL},
    {"STRCMP", B_STRCMP, 2, 3, "vvi", MF_T_INT, NULL},
    {"AT", B_AT, 2, 3, "vvi", MF_T_INT, NULL},
    {"FMTSTR", B_FMTSTR, 3, 3, "tsi", MF_T_INT, NULL},
    {"VALID_DATE_IOP", B_VALID_DATE, 1, 1, "v", MF_T_INT, NULL},
    {"ALLOW_FUTURE_DATE_IOP", B_ALLOW_FUTURE, 1, 1, "i", MF_T_INT, NULL},
    {"DATE_YEAR_IOP", B_DATE_YEAR, 1, 1, "v", MF_T_INT, NULL},
    {"DATE_MONTH_IOP", B_DATE_MONTH, 1, 1, "v", MF_T_INT, NULL},
    {"DATE_DAY_IOP", B_DATE_DAY, 1, 1, "v", MF_T_INT, NULL},
    {"DATECMP_IOP", B_DATECMP, 3, 3, "vvi", MF_T_INT, NULL},
    {"DAYDIFF_IOP", B_DAYDIFF, 3, 3, "vvi", MF_T_INT, NULL},
    {"MONTHDIFF_IOP", B_MONTHDIFF, 3, 3, "vvi", MF_T_INT, NULL},
    {"YEARDIFF_IOP", B_YEARDIFF, 3, 3, "vvi", MF_T_INT, NULL},
    {"YEARINTERVAL_IOP", B_YEARINTERVAL, 5, 5, "vviii", MF_T_INT, NULL},
    {"MONTHINTERVAL_IOP", B_MONTHINTERVAL, 5, 5, "vviii", MF_T_INT, NULL},
    {"DAYINTERVAL_IOP", B_DAYINTERVAL, 5, 5, "vviii", MF_T_INT, NULL},
    {"YEARINTERNAL_IOP", B_YEARINTERVAL, 5, 5, "vviii", MF_T_INT, NULL},
    {"MONTHINTERNAL_IOP", B_MONTHINTERVAL, 5, 5, "vviii", MF_T_INT, NULL},
    {"DAYINTERNAL_IOP", B_DAYINTERVAL, 5, 5, "vviii", MF_T_INT, NULL},
    {"ERROR_MSG", B_ERROR_MSG, 1, 1, "n", MF_T_INT, NULL},
    {"ERROR_TEXT", B_ERROR_TEXT, 1, 1, "n", MF_T_INT, NULL},
    {"SAVE_TEXT", B_SAVE_TEXT, 1, 1, "n", MF_T_INT, NULL},
    {"SAVE_ERROR_TEXT", B_SAVE_ERROR_TEXT, 1, -1, "n", MF_T_INT, NULL},
    {"SET_ERROR", B_SET_ERROR, 1, -1, "n", MF_T_INT, NULL},
    {"SAVE_WARNING_TEXT", B_SAVE_WARNING_TEXT, 1, -1, "n", MF_T_INT, NULL},
    {"SET_WARNING", B_SET_WARNING, 1, -1, "n", MF_T_INT, NULL},
    {"USR2", B_USR2, 0, -1, "v", MF_T_INT, NULL},
    {"USR4", B_USR4, 0, -1, "v", MF_T_INT, NULL},
    {"EXTERNALDLL", B_EXTERNALDLL, 2, 7, "ssv", MF_T_INT, NULL},
    {"LOOKUP", B_LOOKUP, 2, 3, "vLL", MF_T_INT, NULL},
    {"ILOOKUP", B_ILOOKUP, 2, 3, "vLL", MF_T_INT, NULL},
    {"RLOOKUP", B_RLOOKUP, 2, 3, "vLL", MF_T_INT, NULL},
    {"SQLLOOKUP", B_SQLLOOKUP, 3, 3, "LLv", MF_T_INT, NULL},
    {"SQLRANGELOOKUP", B_SQLRANGELOOKUP, 3, 3, "LLv", MF_T_INT, NULL},
    {"BINLOOKUP", B_UNSUPPORTED, 0, -1, "v", MF_T_INT, "retired GenEDITS 4 function"},
    {"GETFIELD", B_UNSUPPORTED, 0, -1, "v", MF_T_INT, "not supported by EDITS engines crtk follows"},
    {"PUTFIELD", B_UNSUPPORTED, 0, -1, "v", MF_T_INT, "not supported by EDITS engines crtk follows"},
    {"GETVAR", B_UNSUPPORTED, 0, -1, "v", MF_T_INT, "not supported by EDITS engines crtk follows"},
    {"SETVAR", B_UNSUPPORTED, 0, -1, "v", MF_T_INT, "not supported by EDITS engines crtk follows"},
    {"NAMEEXPR", B_UNSUPPORTED, 0, -1, "v", MF_T_INT, "not supported by EDITS engines crtk follows"},
    {"USER2", B_UNSUPPORTED, 0, -1, "v", MF_T_INT, "no run-time meaning is documented; USR2 is"},
    {"USER4", B_UNSUPPORTED, 0, -1, "v", MF_T_INT, "no run-time meaning is documented; USR4 is"},
    {NULL, 0, 0, 0, NULL, MF_T_INT, NULL}};

const mf_builtin *mf_builtins(void) { return builtins; }

const mf_builtin *mf_builtin_find(const char *name)
{
    for (int i = 0; builtins[i].name; i++)
        if (g_ascii_strcasecmp(builtins[i].name, name) == 0)
            return &builtins[i];
    return NULL;
}

/* ---- values ------------------------------------------------------------------------ */
typedef struct { gboolean str; int32_t i; const char *s; int n; } val;

#define VINT(x) ((val){FALSE, (x), NULL, 0})

static const char *tmp_str(mf_run *r, const char *s, size_t n)
{
    char *p = g_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    g_ptr_array_add(r->tmp, p);
    return p;
}

static val vstr(mf_run *r, const char *s, size_t n) { return (val){TRUE, 0, tmp_str(r, s, n), (int)n}; }

static void rt_error(mf_run *r, int line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void rt_error(mf_run *r, int line, const char *fmt, ...)
{
    if (r->error)
        return;
    r->error = TRUE;
    va_list ap;
    va_start(ap, fmt);
    char *m = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    r->error_text = g_strdup_printf("line %d: %s", line, m);
    g_free(m);
}

static char *var_mem(mf_run *r, const mf_var *v) { return r->chars + v->offset; }
static int arr_len(const char *p, int size)
{
    const char *z = memchr(p, 0, (size_t)size);
    return z ? (int)(z - p) : size;
}

/* A value as text (integers in decimal: the reference's toString). */
static val as_str(mf_run *r, val v)
{
    if (v.str)
        return v;
    char b[16];
    int n = snprintf(b, sizeof b, "%d", v.i);
    return vstr(r, b, (size_t)n);
}

static int trimmed_right(const char *s, int n)
{
    while (n > 0 && (unsigned char)s[n - 1] <= ' ')
        n--;
    return n;
}

static gboolean is_ws(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }

static int cmp_bytes(const char *a, int na, const char *b, int nb)
{
    int m = na < nb ? na : nb;
    int c = memcmp(a, b, (size_t)m);
    if (c)
        return c < 0 ? -1 : 1;
    return na < nb ? -1 : na > nb ? 1 : 0;
}

/* ---- dates ------------------------------------------------------------------------- */
static gboolean leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static int mdays(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int dig2(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

static gboolean valid_date(mf_run *r, const char *s, int n)
{
    gboolean shape = FALSE;
    if (n == 8) {
        int k = 0;
        while (k < 8 && isdigit((unsigned char)s[k])) k++;
        if (k == 8) shape = TRUE;
        else if (k == 6 && is_ws((unsigned char)s[6]) && is_ws((unsigned char)s[7])) shape = TRUE;
        else if (k == 4 && is_ws((unsigned char)s[4]) && is_ws((unsigned char)s[5]) && is_ws((unsigned char)s[6]) && is_ws((unsigned char)s[7])) shape = TRUE;
    }
    if (!shape) {
        r->date_component = "invalid";
        return FALSE;
    }
    crtk_metafile *mf = r->mf;
    int ty = mf ? mf->today_y : 2026, tm = mf ? mf->today_m : 1, td = mf ? mf->today_d : 1;
    int max_year = ty + (r->has_future ? r->future_years : 0);
    int year = dig2(s) * 100 + dig2(s + 2);
    if (year < 1850 || year > max_year) {
        r->date_component = "invalid as to year";
        return FALSE;
    }
    int digits = 0;
    while (digits < 8 && isdigit((unsigned char)s[digits])) digits++;
    int month = digits >= 6 ? dig2(s + 4) : 1;
    if (month == 0) month = 1;
    if (month > 12) {
        r->date_component = "invalid as to month";
        return FALSE;
    }
    int day = digits == 8 ? dig2(s + 6) : 1;
    if (day == 0) day = 1;
    if (day > 31 || day > mdays(year, month)) {
        r->date_component = "invalid as to day";
        return FALSE;
    }
    int cy = ty, cm = tm, cd = td;
    if (r->has_future) {
        cy += r->future_years;
        if (cm == 2 && cd == 29 && !leap(cy))
            cd = 28;
    }
    if (year > cy || (year == cy && (month > cm || (month == cm && day > cd)))) {
        r->date_component = "future date";
        return FALSE;
    }
    return TRUE;
}

static gboolean blank_str(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!is_ws((unsigned char)s[i]))
            return FALSE;
    return TRUE;
}

static int date_year(mf_run *r, const char *s, int n)
{
    if (blank_str(s, n)) return MF_DT_EMPTY;
    if (!valid_date(r, s, n)) return MF_DT_ERROR;
    return dig2(s) * 100 + dig2(s + 2);
}
static int date_month(mf_run *r, const char *s, int n)
{
    if (n < 5 || (n >= 6 && blank_str(s + 4, 2))) return MF_DT_MONTH_EMPTY;
    if (!valid_date(r, s, n)) return MF_DT_ERROR;
    return dig2(s + 4);
}
static int date_day(mf_run *r, const char *s, int n)
{
    if (n < 7 || blank_str(s + 6, n - 6)) return MF_DT_DAY_EMPTY;
    if (!valid_date(r, s, n)) return MF_DT_ERROR;
    return dig2(s + 6);
}

/* The parts of two dates with unknown parts filled (DT_MIN/DT_MAX); 0 when done, else a sentinel.
 * daydiff selects the DAYDIFF filling rules (they differ from DATECMP's). */
static int fill_dates(mf_run *r, const char *a, int na, const char *b, int nb, int flag, gboolean daydiff, long *d1, long *d2)
{
    if (blank_str(a, na) || blank_str(b, nb)) return MF_DT_EMPTY;
    if (!valid_date(r, a, na) || !valid_date(r, b, nb)) return MF_DT_ERROR;
    int y1 = date_year(r, a, na), y2 = date_year(r, b, nb);
    int m1 = date_month(r, a, na), m2 = date_month(r, b, nb);
    int dd1 = date_day(r, a, na), dd2 = date_day(r, b, nb);
    /* a 00 month or day (accepted by VALID_DATE_IOP) counts as unknown */
    if (m1 == 0) m1 = MF_DT_MONTH_EMPTY;
    if (m2 == 0) m2 = MF_DT_MONTH_EMPTY;
    if (dd1 == 0 || m1 == MF_DT_MONTH_EMPTY) dd1 = dd1 == 0 ? MF_DT_DAY_EMPTY : dd1;
    if (dd2 == 0) dd2 = MF_DT_DAY_EMPTY;
    const int ME = MF_DT_MONTH_EMPTY, DE = MF_DT_DAY_EMPTY;
    int sm1 = m1, sm2 = m2, sd1 = dd1, sd2 = dd2;
    if (m1 == ME) {
        if (flag == MF_DT_MIN) {
            if (daydiff) sm1 = (y1 == y2 && m2 != ME) ? m2 : y1 < y2 ? 12 : 1;
            else sm1 = 12;
        } else if (flag == MF_DT_MAX) sm1 = 1;
        else return MF_DT_UNKNOWN;
    }
    if (m2 == ME) {
        if (flag == MF_DT_MIN) {
            if (y1 == y2) sm2 = sm1;
            else if (daydiff) sm2 = y1 > y2 ? 12 : 1;
            else sm2 = 1;
        } else if (flag == MF_DT_MAX) sm2 = 12;
        else return MF_DT_UNKNOWN;
    }
    int n1 = mdays(y1, sm1), n2 = mdays(y2, sm2);
    if (dd1 == DE) {
        if (flag == MF_DT_MIN) {
            if (!daydiff) sd1 = n1;
            else if (y1 == y2 && m1 != ME && m2 != ME && dd2 != DE) sd1 = 1;
            else if (y1 == y2 && m1 == ME && dd2 != DE) sd1 = dd2;
            else if (y1 < y2) sd1 = n1;
            else if (y1 > y2 || m1 == ME) sd1 = 1;
            else sd1 = n1;
        } else if (flag == MF_DT_MAX) sd1 = 1;
        else return MF_DT_UNKNOWN;
    }
    if (dd2 == DE) {
        if (flag == MF_DT_MIN) {
            if (y1 == y2 && sm1 == sm2) sd2 = sd1;
            else if (daydiff && y1 > y2) sd2 = n2;
            else sd2 = 1;
        } else if (flag == MF_DT_MAX) sd2 = n2;
        else return MF_DT_UNKNOWN;
    }
    if (sd1 > n1) sd1 = n1;
    if (sd2 > n2) sd2 = n2;
    *d1 = days_from_civil(y1, sm1, sd1);
    *d2 = days_from_civil(y2, sm2, sd2);
    return 0;
}

static int datecmp(mf_run *r, const char *a, int na, const char *b, int nb, int flag)
{
    if (flag == MF_DT_MIN && !blank_str(a, na) && !blank_str(b, nb) && valid_date(r, a, na) && valid_date(r, b, nb)) {
        int y1 = date_year(r, a, na), y2 = date_year(r, b, nb);
        int m1 = date_month(r, a, na), m2 = date_month(r, b, nb);
        int d1 = date_day(r, a, na), d2 = date_day(r, b, nb);
        if (y1 == y2 && (m1 == MF_DT_MONTH_EMPTY || m2 == MF_DT_MONTH_EMPTY))
            return 0;
        if (y1 == y2 && m1 == m2 && (d1 == MF_DT_DAY_EMPTY || d2 == MF_DT_DAY_EMPTY))
            return 0;
    }
    long x, y;
    int s = fill_dates(r, a, na, b, nb, flag, FALSE, &x, &y);
    if (s)
        return s;
    return x > y ? 1 : x < y ? -1 : 0;
}

static int daydiff(mf_run *r, const char *a, int na, const char *b, int nb, int flag)
{
    long x, y;
    int s = fill_dates(r, a, na, b, nb, flag, TRUE, &x, &y);
    if (s)
        return s;
    return (int)(y - x);
}

static int floordiv(int a, int b) { int q = a / b; if ((a % b != 0) && ((a < 0) != (b < 0))) q--; return q; }

/* ---- messages ------------------------------------------------------------------------ */
static char *message_arg(mf_run *r, val v)
{
    if (!v.str) {
        const char *m = r->mf ? mf_message_by_number(r->mf, r->edit, v.i) : NULL;
        return m ? g_strdup(m) : g_strdup_printf("message %d", v.i);
    }
    return g_strndup(v.s, (gsize)trimmed_right(v.s, v.n));
}

static char *replace_dc(mf_run *r, char *text)
{
    if (strstr(text, "%DC") && r->date_component) {
        GString *g = g_string_new(NULL);
        for (const char *p = text; *p; p++) {
            if (p[0] == '%' && p[1] == 'D' && p[2] == 'C') {
                g_string_append(g, r->date_component);
                p += 2;
            } else
                g_string_append_c(g, *p);
        }
        g_free(text);
        return g_string_free(g, FALSE);
    }
    return text;
}

static void add_extra(mf_run *r, char *text)
{
    g_ptr_array_add(r->extra, text);
}

/* ---- lookups --------------------------------------------------------------------------- */
static void fill_tablevars(mf_run *r, const mf_lookup *lk, int row)
{
    for (int k = 0; k < lk->n_tv; k++) {
        const mf_var *v = r->prog->vars->pdata[lk->tv_var[k]];
        char *m = var_mem(r, v);
        const char *cell = row >= 0 ? lk->table->cells[(size_t)row * (size_t)lk->table->n_cols + (size_t)lk->tv_col[k]] : "";
        int n = trimmed_right(cell, (int)strlen(cell));
        if (n > v->size) n = v->size;
        memcpy(m, cell, (size_t)n);
        if (n < v->size) m[n] = 0;
    }
}

/* First index position whose key >= v (keys sorted). */
static int lower_bound(const mf_index *ix, const char *s, int n)
{
    int lo = 0, hi = ix->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        const char *k = ix->keys[mid];
        if (cmp_bytes(k, (int)strlen(k), s, n) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}
static int upper_bound(const mf_index *ix, const char *s, int n)
{
    int lo = 0, hi = ix->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        const char *k = ix->keys[mid];
        if (cmp_bytes(k, (int)strlen(k), s, n) <= 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int do_lookup(mf_run *r, const mf_lookup *lk, const char *s, int n, gboolean trim, gboolean range)
{
    if (trim)
        n = trimmed_right(s, n);
    const mf_index *ix = lk->index;
    int row = -1;
    if (range) {
        int ub = upper_bound(ix, s, n);
        if (ub > 0)
            row = ix->rows[ub - 1];
    } else {
        int lb = lower_bound(ix, s, n);
        if (lb < ix->n && cmp_bytes(ix->keys[lb], (int)strlen(ix->keys[lb]), s, n) == 0)
            row = ix->rows[lb];
    }
    fill_tablevars(r, lk, row);
    return row >= 0;
}

/* ---- INLIST ------------------------------------------------------------------------------- */
static gboolean term_match(const char *v, int vn, const char *t, int tn)
{
    /* split term on '-' dropping empty parts (StringUtils.split) */
    const char *parts[3];
    int plen[3], np = 0;
    int i = 0;
    while (i < tn) {
        while (i < tn && t[i] == '-') i++;
        if (i >= tn) break;
        int st = i;
        while (i < tn && t[i] != '-') i++;
        if (np < 3) { parts[np] = t + st; plen[np] = i - st; }
        np++;
    }
    if (np == 1)
        return cmp_bytes(v, vn, t, tn) == 0;
    if (np == 2)
        return cmp_bytes(v, vn, parts[0], plen[0]) >= 0 && cmp_bytes(v, vn, parts[1], plen[1]) <= 0;
    return FALSE;
}

static int inlist(mf_run *r, val v, val l, const mf_pattern *pat, gboolean has_pat, gboolean has_slice, int start, int length)
{
    (void)r;
    if (v.n == 0 || l.n == 0)
        return 0;
    if (has_pat && !mf_pattern_match(pat, v.s, (size_t)v.n))
        return 0;
    if (blank_str(l.s, l.n))
        return cmp_bytes(l.s, l.n, v.s, v.n) == 0;
    if (blank_str(v.s, v.n) && has_pat)
        return 1;
    const char *vs = v.s;
    int vn = v.n;
    if (has_slice) {
        int st = start - 1;
        int end = start - 1 + length;
        if (end > vn) end = vn;
        if (st < 0 || st >= end) return 0;
        vs += st;
        vn = end - st;
    }
    /* the list without blanks */
    char stackbuf[512];
    char *buf = l.n < (int)sizeof stackbuf ? stackbuf : g_malloc((gsize)l.n + 1);
    int bn = 0;
    for (int i = 0; i < l.n; i++)
        if (l.s[i] != ' ')
            buf[bn++] = l.s[i];
    int found = 0;
    int i = 0;
    while (i < bn && !found) {
        while (i < bn && buf[i] == ',') i++;
        if (i >= bn) break;
        int st = i;
        while (i < bn && buf[i] != ',') i++;
        if (term_match(vs, vn, buf + st, i - st)) { found = 1; break; }
        vn = trimmed_right(vs, vn);
        if (term_match(vs, vn, buf + st, i - st)) found = 1;
    }
    if (buf != stackbuf)
        g_free(buf);
    return found;
}

/* ---- evaluation --------------------------------------------------------------------------- */
static val eval(mf_run *r, const mf_node *e);
static void exec_stmt(mf_run *r, const mf_node *s);

static val eval_str(mf_run *r, const mf_node *e) { return as_str(r, eval(r, e)); }
static int32_t eval_int(mf_run *r, const mf_node *e)
{
    val v = eval(r, e);
    if (v.str) /* a string in a condition: true when not empty */
        return v.n > 0;
    return v.i;
}

static void strcpy_into(mf_run *r, const mf_var *t, const char *s, int sn, int num)
{
    char *m = var_mem(r, t);
    int size = t->size;
    gboolean pad = FALSE;
    if (num < 0) { num = -num; pad = TRUE; }
    int i;
    for (i = 0; i < num && i < sn && i < size; i++)
        m[i] = s[i];
    if (pad)
        for (i = sn; i < num && i < size; i++)
            m[i] = ' ';
    if (num < size)
        m[num] = 0;
}

static void call_local(mf_run *r, const mf_func *f)
{
    if (++r->depth > 64) {
        rt_error(r, f->line, "local functions nested too deeply (%s)", f->name);
        return;
    }
    for (int k = 0; k < f->n_locals; k++) {
        const mf_var *v = r->prog->vars->pdata[f->locals[k]];
        if (v->is_char) memset(var_mem(r, v), 0, (size_t)v->size + 1);
        else r->ints[v->offset] = 0;
    }
    exec_stmt(r, f->body);
    r->depth--;
}

static val call_builtin(mf_run *r, const mf_node *e)
{
    const mf_node *const *a = (const mf_node *const *)e->kids;
    int na = e->nkids;
    switch (e->op) {
    case B_EMPTY: { val v = eval_str(r, a[0]); return VINT(blank_str(v.s, v.n)); }
    case B_VAL: {
        val v = eval_str(r, a[0]);
        int i = 0, n = v.n;
        while (i < n && (unsigned char)v.s[i] <= ' ') i++;
        while (n > i && (unsigned char)v.s[n - 1] <= ' ') n--;
        gboolean neg = FALSE;
        if (i < n && v.s[i] == '-') { neg = TRUE; i++; }
        if (i >= n || !isdigit((unsigned char)v.s[i])) return VINT(0);
        long long x = 0;
        while (i < n && isdigit((unsigned char)v.s[i])) {
            x = x * 10 + (v.s[i] - '0');
            if (x > 2147483648LL) { rt_error(r, e->line, "VAL: number out of range"); return VINT(0); }
            i++;
        }
        if (neg) x = -x;
        if (x > 2147483647LL) { rt_error(r, e->line, "VAL: number out of range"); return VINT(0); }
        return VINT((int32_t)x);
    }
    case B_STRLEN: { val v = eval_str(r, a[0]); return VINT(v.n); }
    case B_JUSTIFIED: {
        val v = eval_str(r, a[0]);
        int how = eval_int(r, a[1]);
        if (how == 1) return VINT(v.n > 0 && v.s[0] != ' ');
        if (how == 0) return VINT(v.n > 0 && v.s[v.n - 1] != ' ');
        rt_error(r, e->line, "JUSTIFIED: bad direction %d", how);
        return VINT(0);
    }
    case B_INLIST: {
        val v = eval_str(r, a[0]);
        val l = eval_str(r, a[1]);
        mf_pattern *tmp = NULL;
        const mf_pattern *pat = e->aux;
        if (na >= 3 && !pat) {
            val p = eval_str(r, a[2]);
            pat = tmp = mf_pattern_compile(p.s, (size_t)p.n);
        }
        int start = 0, len = 0;
        if (na == 5) { start = eval_int(r, a[3]); len = eval_int(r, a[4]); }
        int res = inlist(r, v, l, pat, na >= 3, na == 5, start, len);
        mf_pattern_free(tmp);
        return VINT(res);
    }
    case B_MATCH: {
        val v = eval_str(r, a[0]);
        if (e->aux) return VINT(mf_pattern_match(e->aux, v.s, (size_t)v.n));
        val p = eval_str(r, a[1]);
        mf_pattern *pt = mf_pattern_compile(p.s, (size_t)p.n);
        int res = mf_pattern_match(pt, v.s, (size_t)v.n);
        mf_pattern_free(pt);
        return VINT(res);
    }
    case B_TRIM: {
        val v = eval_str(r, a[0]);
        int how = na > 1 ? eval_int(r, a[1]) : 0;
        if (v.n == 0) return v;
        int st = 0, en = v.n;
        if (how == 1 || how == 2) while (st < en && is_ws((unsigned char)v.s[st])) st++;
        if (how == 0 || how == 2) while (en > st && is_ws((unsigned char)v.s[en - 1])) en--;
        if (how < 0 || how > 2) { rt_error(r, e->line, "TRIM: bad direction %d", how); return v; }
        if (how == 0 && en == 0) return vstr(r, " ", 1);
        return vstr(r, v.s + st, (size_t)(en - st));
    }
    case B_SUBSTR: {
        val v = eval_str(r, a[0]);
        int start = eval_int(r, a[1]);
        if (start < 1) { rt_error(r, e->line, "SUBSTR: start %d below 1", start); return v; }
        if (v.n < start) return v;
        const char *s = v.s + start - 1;
        int n = v.n - start + 1;
        if (na == 2) return vstr(r, s, (size_t)trimmed_right(s, n));
        int len = eval_int(r, a[2]);
        if (len < 0) { rt_error(r, e->line, "SUBSTR: negative length"); return v; }
        if (n > len) n = len;
        return vstr(r, s, (size_t)n);
    }
    case B_LEFT: case B_RIGHT: {
        val v = eval_str(r, a[0]);
        int k = eval_int(r, a[1]);
        if (v.n <= k) return v;
        if (k < 0) { rt_error(r, e->line, "%s: negative length", e->op == B_LEFT ? "LEFT" : "RIGHT"); return v; }
        return e->op == B_LEFT ? vstr(r, v.s, (size_t)k) : vstr(r, v.s + v.n - k, (size_t)k);
    }
    case B_UPPER: case B_LOWER: {
        val v = eval_str(r, a[0]);
        val o = vstr(r, v.s, (size_t)v.n);
        char *p = (char *)o.s;
        for (int i = 0; i < o.n; i++)
            p[i] = e->op == B_UPPER ? g_ascii_toupper(p[i]) : g_ascii_tolower(p[i]);
        return o;
    }
    case B_STRCPY: {
        const mf_var *t = r->prog->vars->pdata[a[0]->ival];
        val v = eval_str(r, a[1]);
        v = vstr(r, v.s, (size_t)v.n); /* the source may be the target itself */
        int num = na == 3 ? eval_int(r, a[2]) : v.n;
        strcpy_into(r, t, v.s, v.n, num);
        return VINT(0);
    }
    case B_STRCAT: {
        const mf_var *t = r->prog->vars->pdata[a[0]->ival];
        val v = eval_str(r, a[1]);
        v = vstr(r, v.s, (size_t)v.n);
        int num = na == 3 ? eval_int(r, a[2]) : v.n;
        char *m = var_mem(r, t);
        /* Its value is the target after the append (the reference returns the array), like C's
         * strcat: STRCPY(b, STRCAT(a, "X")) copies a's new content into b. */
        if (num > 0) {
            int idx = arr_len(m, t->size);
            for (int i = 0; i < num && i < v.n && idx < t->size; i++)
                m[idx++] = v.s[i];
            if (idx < t->size) m[idx] = 0;
        }
        return vstr(r, m, (size_t)arr_len(m, t->size));
    }
    case B_STRCMP: {
        val x = eval_str(r, a[0]);
        val y = eval_str(r, a[1]);
        if (na == 3) {
            int k = eval_int(r, a[2]);
            if (k < 0) k = 0;
            if (x.n > k) x.n = k;
            if (y.n > k) y.n = k;
        }
        return VINT(cmp_bytes(x.s, x.n, y.s, y.n));
    }
    case B_AT: {
        val x = eval_str(r, a[0]);
        val t = eval_str(r, a[1]);
        int w = na == 3 ? eval_int(r, a[2]) : 1;
        if (w < 1) w = 1;
        if (x.n == 0 || t.n == 0) return VINT(0);
        if (w == 1) {
            for (int i = 0; i + x.n <= t.n; i++)
                if (memcmp(t.s + i, x.s, (size_t)x.n) == 0) return VINT(i + 1);
            return VINT(0);
        }
        int block = 1;
        for (int st = 0; st < t.n; st += w, block++) {
            int bl = t.n - st < w ? t.n - st : w;
            for (int i = 0; i + x.n <= bl; i++)
                if (memcmp(t.s + st + i, x.s, (size_t)x.n) == 0) return VINT(block);
        }
        return VINT(0);
    }
    case B_FMTSTR: {
        const mf_var *t = r->prog->vars->pdata[a[0]->ival];
        val f = eval_str(r, a[1]);
        int x = eval_int(r, a[2]);
        /* one %[flags][width]ld conversion; other text copied */
        GString *o = g_string_new(NULL);
        for (int i = 0; i < f.n; i++) {
            if (f.s[i] == '%' && i + 1 < f.n && f.s[i + 1] == '%') { g_string_append_c(o, '%'); i++; continue; }
            if (f.s[i] != '%') { g_string_append_c(o, f.s[i]); continue; }
            int j = i + 1;
            gboolean left = FALSE, zero = FALSE, plus = FALSE, space = FALSE;
            while (j < f.n && strchr("-+ 0#", f.s[j])) {
                if (f.s[j] == '-') left = TRUE;
                else if (f.s[j] == '0') zero = TRUE;
                else if (f.s[j] == '+') plus = TRUE;
                else if (f.s[j] == ' ') space = TRUE;
                j++;
            }
            int width = 0;
            while (j < f.n && isdigit((unsigned char)f.s[j])) {
                if (width < 1000) width = width * 10 + (f.s[j] - '0');
                j++;
            }
            if (j < f.n && f.s[j] == 'l') j++;
            if (j < f.n && (f.s[j] == 'd' || f.s[j] == 'i')) {
                if (width > 200) { rt_error(r, e->line, "FMTSTR: width too large"); break; }
                char num[16];
                long long xv = x;
                gboolean neg = xv < 0;
                g_snprintf(num, sizeof num, "%lld", neg ? -xv : xv);
                const char *sign = neg ? "-" : plus ? "+" : space ? " " : "";
                int body = (int)strlen(num) + (int)strlen(sign);
                int pad = width > body ? width - body : 0;
                if (left) {
                    g_string_append(o, sign);
                    g_string_append(o, num);
                    for (int k = 0; k < pad; k++) g_string_append_c(o, ' ');
                } else if (zero) {
                    g_string_append(o, sign);
                    for (int k = 0; k < pad; k++) g_string_append_c(o, '0');
                    g_string_append(o, num);
                } else {
                    for (int k = 0; k < pad; k++) g_string_append_c(o, ' ');
                    g_string_append(o, sign);
                    g_string_append(o, num);
                }
                i = j;
            } else {
                g_string_append_len(o, f.s + i, j - i);
                i = j - 1;
            }
        }
        strcpy_into(r, t, o->str, (int)o->len, (int)o->len);
        g_string_free(o, TRUE);
        return VINT(0);
    }
    case B_VALID_DATE: { val v = eval_str(r, a[0]); return VINT(valid_date(r, v.s, v.n)); }
    case B_ALLOW_FUTURE: r->future_years = eval_int(r, a[0]); r->has_future = TRUE; return VINT(0);
    case B_DATE_YEAR: { val v = eval_str(r, a[0]); return VINT(date_year(r, v.s, v.n)); }
    case B_DATE_MONTH: { val v = eval_str(r, a[0]); return VINT(date_month(r, v.s, v.n)); }
    case B_DATE_DAY: { val v = eval_str(r, a[0]); return VINT(date_day(r, v.s, v.n)); }
    case B_DATECMP: case B_DAYDIFF: case B_MONTHDIFF: case B_YEARDIFF:
    case B_DAYINTERVAL: case B_MONTHINTERVAL: case B_YEARINTERVAL: {
        val x = eval_str(r, a[0]);
        val y = eval_str(r, a[1]);
        int lo = 0, hi = 0, flag;
        if (na == 5) { lo = eval_int(r, a[2]); hi = eval_int(r, a[3]); flag = eval_int(r, a[4]); }
        else flag = eval_int(r, a[2]);
        if (e->op == B_DATECMP) return VINT(datecmp(r, x.s, x.n, y.s, y.n, flag));
        int d = daydiff(r, x.s, x.n, y.s, y.n, flag);
        if (d > MF_SENTINEL) return VINT(d);
        int res = d;
        if (e->op == B_MONTHDIFF || e->op == B_MONTHINTERVAL) res = d / 30;
        else if (e->op == B_YEARDIFF || e->op == B_YEARINTERVAL) res = floordiv(d, 365);
        if (na == 5) return VINT(res >= lo && res <= hi);
        return VINT(res);
    }
    case B_ERROR_MSG: case B_ERROR_TEXT: {
        val v = eval(r, a[0]);
        char *m = replace_dc(r, message_arg(r, v));
        g_free(r->message);
        r->message = m;
        return VINT(0);
    }
    case B_SAVE_TEXT: {
        val v = eval(r, a[0]);
        add_extra(r, message_arg(r, v));
        r->failing = TRUE;
        return VINT(0);
    }
    case B_SAVE_ERROR_TEXT: case B_SET_ERROR:
        for (int k = 0; k < na; k++)
            add_extra(r, message_arg(r, eval(r, a[k])));
        r->failing = TRUE;
        return VINT(0);
    case B_SAVE_WARNING_TEXT: case B_SET_WARNING:
        for (int k = 0; k < na; k++) {
            char *m = message_arg(r, eval(r, a[k]));
            add_extra(r, g_strconcat("WARNING: ", m, NULL));
            g_free(m);
        }
        r->warned = TRUE;
        return VINT(1);
    case B_USR2:
        r->failing = TRUE;
        if (na > 0) {
            val v = eval_str(r, a[0]);
            gboolean digits = v.n > 0;
            for (int i = 0; i < v.n; i++) if (!isdigit((unsigned char)v.s[i])) digits = FALSE;
            if (!digits) add_extra(r, g_strndup(v.s, (gsize)trimmed_right(v.s, v.n)));
        }
        return VINT(0);
    case B_USR4:
        for (int k = 0; k < na; k++) eval(r, a[k]);
        return VINT(1);
    case B_EXTERNALDLL: {
        crtk_metafile *mf = r->mf;
        val dll = eval_str(r, a[0]);
        val method = eval_str(r, a[1]);
        if (!mf || !mf->dll_fn) {
            rt_error(r, e->line, "EXTERNALDLL(\"%.*s\", \"%.*s\"): no engine for this DLL", dll.n, dll.s, method.n, method.s);
            return VINT(0);
        }
        char *dlls = g_strndup(dll.s, (gsize)dll.n), *meth = g_strndup(method.s, (gsize)method.n);
        const char *args[5] = {0};
        int nargs = 0;
        int target = -1;
        for (int k = 2; k < na && nargs < 5; k++) {
            if (is_ws(0)) {}
            val v = eval_str(r, a[k]);
            args[nargs++] = v.s;
            if (a[k]->kind == N_VAR && ((mf_var *)r->prog->vars->pdata[a[k]->ival])->is_char)
                target = a[k]->ival;
        }
        /* out starts as MF_DLL_NO_TEXT: a handler that assigns it (even "") fills the char array */
        GString *out = g_string_new(MF_DLL_NO_TEXT);
        gboolean ok = TRUE;
        int res = mf->dll_fn(dlls, meth, nargs, args, out, &ok, mf->dll_user);
        if (!ok)
            rt_error(r, e->line, "EXTERNALDLL(\"%s\", \"%s\") could not be answered", dlls, meth);
        else if (strcmp(out->str, MF_DLL_NO_TEXT) && target >= 0) {
            const mf_var *t = r->prog->vars->pdata[target];
            strcpy_into(r, t, out->str, (int)out->len, (int)out->len);
        }
        g_string_free(out, TRUE);
        g_free(dlls);
        g_free(meth);
        return VINT(res);
    }
    case B_LOOKUP: case B_ILOOKUP: case B_RLOOKUP: {
        val v = eval_str(r, a[0]);
        return VINT(do_lookup(r, e->aux, v.s, v.n, TRUE, e->op == B_RLOOKUP));
    }
    case B_SQLLOOKUP: case B_SQLRANGELOOKUP: {
        val v = eval_str(r, a[2]);
        return VINT(do_lookup(r, e->aux, v.s, v.n, FALSE, e->op == B_SQLRANGELOOKUP));
    }
    default:
        rt_error(r, e->line, "unsupported function");
        return VINT(0);
    }
    return VINT(0);
}

static val eval(mf_run *r, const mf_node *e)
{
    if (r->error)
        return VINT(0);
    if (++r->steps > r->mf_step_limit) {
        rt_error(r, e->line, "step limit reached (%ld steps): the edit does not end", r->mf_step_limit);
        return VINT(0);
    }
    switch (e->kind) {
    case N_INT: return VINT(e->ival);
    case N_STR: return (val){TRUE, 0, e->str, e->slen};
    case N_TODAY: {
        const char *t = r->mf ? r->mf->today : "20260101";
        return (val){TRUE, 0, t, 8};
    }
    case N_FIELD: return (val){TRUE, 0, r->field_values[e->ival], r->field_lens[e->ival]};
    case N_VAR: {
        const mf_var *v = r->prog->vars->pdata[e->ival];
        if (v->is_char) {
            const char *m = var_mem(r, v);
            return (val){TRUE, 0, m, arr_len(m, v->size)};
        }
        return VINT(r->ints[v->offset]);
    }
    case N_CALL: return call_builtin(r, e);
    case N_LCALL: call_local(r, e->aux); return VINT(0);
    case N_UN: {
        int32_t x = eval_int(r, e->kids[0]);
        return e->op == OP_NEG ? VINT((int32_t)(0u - (uint32_t)x)) : VINT(x == 0);
    }
    case N_AND: {
        if (!eval_int(r, e->kids[0])) return VINT(0);
        return VINT(eval_int(r, e->kids[1]) != 0);
    }
    case N_OR: {
        if (eval_int(r, e->kids[0])) return VINT(1);
        return VINT(eval_int(r, e->kids[1]) != 0);
    }
    case N_BIN: {
        if (e->op == OP_SEQ || e->op == OP_SNE) {
            val x = eval_str(r, e->kids[0]);
            val y = eval_str(r, e->kids[1]);
            int eq = cmp_bytes(x.s, x.n, y.s, y.n) == 0;
            return VINT(e->op == OP_SEQ ? eq : !eq);
        }
        int32_t x = eval_int(r, e->kids[0]);
        int32_t y = eval_int(r, e->kids[1]);
        switch (e->op) {
        case OP_ADD: return VINT((int32_t)((uint32_t)x + (uint32_t)y));
        case OP_SUB: return VINT((int32_t)((uint32_t)x - (uint32_t)y));
        case OP_MUL: return VINT((int32_t)((uint32_t)x * (uint32_t)y));
        case OP_DIV: case OP_MOD:
            if (y == 0) { rt_error(r, e->line, "division by zero"); return VINT(0); }
            if (x == INT32_MIN && y == -1) return VINT(e->op == OP_DIV ? x : 0);
            return VINT(e->op == OP_DIV ? x / y : x % y);
        case OP_EQ: return VINT(x == y);
        case OP_NE: return VINT(x != y);
        case OP_GT: return VINT(x > y);
        case OP_GE: return VINT(x >= y);
        case OP_LT: return VINT(x < y);
        case OP_LE: return VINT(x <= y);
        }
        return VINT(0);
    }
    }
    return VINT(0);
}

static void free_tmp(mf_run *r)
{
    for (guint i = 0; i < r->tmp->len; i++)
        g_free(r->tmp->pdata[i]);
    g_ptr_array_set_size(r->tmp, 0);
}

/* returned >= 0 or error stops execution */
#define STOPPED(r) ((r)->returned >= 0 || (r)->error)

static void exec_stmt(mf_run *r, const mf_node *s)
{
    if (STOPPED(r))
        return;
    if (++r->steps > r->mf_step_limit) {
        rt_error(r, s->line, "step limit reached (%ld steps): the edit does not end", r->mf_step_limit);
        return;
    }
    switch (s->kind) {
    case S_BLOCK:
        for (int k = 0; k < s->nkids && !STOPPED(r); k++)
            exec_stmt(r, s->kids[k]);
        break;
    case S_EMPTY: case S_DECL:
        break;
    case S_ASSIGN: {
        const mf_var *v = r->prog->vars->pdata[s->kids[0]->ival];
        if (v->is_char) {
            val x = eval_str(r, s->kids[1]);
            x = vstr(r, x.s, (size_t)x.n);
            strcpy_into(r, v, x.s, x.n, x.n);
        } else {
            r->ints[v->offset] = eval_int(r, s->kids[1]);
        }
        free_tmp(r);
        break;
    }
    case S_ASSIGN_ELEM: {
        const mf_var *v = r->prog->vars->pdata[s->kids[0]->ival];
        int32_t ix = eval_int(r, s->kids[1]);
        val x = eval(r, s->kids[2]);
        if (ix < 0 || ix >= v->size) {
            rt_error(r, s->line, "index %d outside '%s' (size %d)", ix, v->name, v->size);
            break;
        }
        var_mem(r, v)[ix] = x.str ? (x.n ? x.s[0] : 0) : (char)x.i;
        free_tmp(r);
        break;
    }
    case S_EXPR:
        eval(r, s->kids[0]);
        free_tmp(r);
        break;
    case S_RETURN:
        if (s->nkids == 0) {
            r->returned = 1;
        } else {
            const mf_node *e = s->kids[0];
            int32_t x = eval_int(r, e);
            if (r->error) break;
            if (e->kind == N_INT && e->op == 1 && x != 0 && x != 1) {
                /* `return N;` with a message number */
                r->return_msg = x;
                r->returned = 0;
            } else {
                r->returned = x == 1 ? 1 : 0;
            }
        }
        free_tmp(r);
        break;
    case S_IF: {
        int32_t c = eval_int(r, s->kids[0]);
        free_tmp(r);
        if (r->error) break;
        if (c) exec_stmt(r, s->kids[1]);
        else if (s->nkids > 2) exec_stmt(r, s->kids[2]);
        break;
    }
    case S_WHILE:
        for (;;) {
            int32_t c = eval_int(r, s->kids[0]);
            free_tmp(r);
            if (!c || STOPPED(r)) break;
            exec_stmt(r, s->kids[1]);
        }
        break;
    }
}

void mf_run_init(mf_run *r, crtk_metafile *mf, const mf_edit *edit, const mf_program *prog)
{
    memset(r, 0, sizeof *r);
    r->mf = mf;
    r->edit = edit;
    r->prog = prog;
    r->ints = g_new0(int32_t, prog->n_ints + 1);
    r->chars = g_malloc0((gsize)prog->char_bytes + 1);
    r->field_values = g_new0(char *, prog->fields->len + 1);
    r->field_lens = g_new0(int, prog->fields->len + 1);
    r->tmp = g_ptr_array_new();
    r->extra = g_ptr_array_new_with_free_func(g_free);
    r->returned = -1;
    r->mf_step_limit = mf && mf->step_limit > 0 ? mf->step_limit : 1000000;
}

/* Resets the run state for another record (keeps the buffers). */
static void run_reset(mf_run *r)
{
    memset(r->ints, 0, sizeof(int32_t) * (size_t)(r->prog->n_ints + 1));
    memset(r->chars, 0, (size_t)r->prog->char_bytes + 1);
    free_tmp(r);
    g_ptr_array_set_size(r->extra, 0);
    g_free(r->message);
    r->message = NULL;
    g_free(r->error_text);
    r->error_text = NULL;
    r->error = FALSE;
    r->returned = -1;
    r->return_msg = 0;
    r->failing = r->warned = FALSE;
    r->has_future = FALSE;
    r->future_years = 0;
    r->date_component = NULL;
    r->steps = 0;
    r->depth = 0;
}

void mf_exec(mf_run *r)
{
    run_reset(r);
    exec_stmt(r, r->prog->body);
    free_tmp(r);
}

void mf_run_clear(mf_run *r)
{
    free_tmp(r);
    g_ptr_array_free(r->tmp, TRUE);
    g_ptr_array_free(r->extra, TRUE);
    g_free(r->ints);
    g_free(r->chars);
    g_free(r->field_values);
    g_free(r->field_lens);
    g_free(r->message);
    g_free(r->error_text);
    memset(r, 0, sizeof *r);
}

void mf_run_var_text(const mf_run *r, const mf_var *v, GString *out)
{
    if (v->is_char) {
        const char *m = r->chars + v->offset;
        g_string_append_len(out, m, arr_len(m, v->size));
    } else {
        g_string_append_printf(out, "%d", r->ints[v->offset]);
    }
}

char *mf_render_message(const mf_run *r, const char *text)
{
    GString *g = g_string_new(NULL);
    for (const char *p = text; *p; p++) {
        if (p[0] == '%' && (p[1] == 'F' || p[1] == 'V') && isdigit((unsigned char)p[2])) {
            char *end;
            long n = strtol(p + 2, &end, 10);
            const char *name = NULL;
            int fi = -1;
            if (r->edit && n >= 1 && n <= (long)r->edit->field_names->len - 1)
                name = r->edit->field_names->pdata[n - 1];
            else if (!r->edit && n >= 1 && n <= (long)r->prog->fields->len)
                name = ((mf_slot_field *)r->prog->fields->pdata[n - 1])->name;
            if (name)
                for (guint k = 0; k < r->prog->fields->len; k++)
                    if (g_ascii_strcasecmp(((mf_slot_field *)r->prog->fields->pdata[k])->name, name) == 0)
                        fi = (int)k;
            if (p[1] == 'F')
                g_string_append(g, name ? name : "?");
            else if (fi >= 0 && r->field_values[fi]) {
                int len = trimmed_right(r->field_values[fi], r->field_lens[fi]);
                if (len == 0) g_string_append(g, "<BLANK>");
                else g_string_append_len(g, r->field_values[fi], len);
            } else
                g_string_append(g, "<BLANK>");
            p = end - 1;
        } else if (p[0] == '%' && p[1] == 'D' && p[2] == 'C') {
            g_string_append(g, r->date_component ? r->date_component : "invalid");
            p += 2;
        } else
            g_string_append_c(g, *p);
    }
    return g_string_free(g, FALSE);
}
