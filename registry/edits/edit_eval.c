/* edit_eval.c — the evaluator of the edit rule language (see docs/edits.md).
 *
 * Evaluates a compiled tree for one tumor (or once per patient) without allocating: values,
 * comparisons, dates and ages, the functions of the language, and the state kept across
 * records (patients seen more than once, edit P01).
 */
#include "edit_expr.h"
#include "date.h"
#include "codes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- values ------------------------------------------------------------------ */

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

/* A coded date of the record: ok when it is a real NAACCR date (CCYY, CCYYMM, CCYYMMDD). */
typedef struct {
    crtk_date d;
    gboolean ok;
} date3;

static date3 val_date(val v)
{
    date3 r = {{0, 0, 0}, FALSE};
    if (v.t == V_STR)
        r.ok = crtk_date_parse_naaccr(v.s, v.len, CRTK_DATE_CALENDAR, &r.d);
    return r;
}

/* a certainly before b, judged on the parts both dates give */
static gboolean date_before(date3 a, date3 b)
{
    return a.ok && b.ok && crtk_date_compare(a.d, b.d) < 0;
}

static gboolean same_date(date3 a, date3 b)
{
    return a.ok && b.ok && crtk_date_compare(a.d, b.d) == 0;
}

/* Completed years from birth b to x. */
static int age_between(crtk_date b, crtk_date x)
{
    int age = x.year - b.year;
    if (x.month < b.month || (x.month == b.month && x.day < b.day))
        age--;
    return age;
}

static double age_min(date3 b, date3 x)
{
    if (!b.ok || !x.ok)
        return NAN;
    int a = age_between(crtk_date_bound(b.d, TRUE), crtk_date_bound(x.d, FALSE));
    return a < 0 ? 0 : a;
}

static double age_max(date3 b, date3 x)
{
    if (!b.ok || !x.ok)
        return NAN;
    return age_between(crtk_date_bound(b.d, FALSE), crtk_date_bound(x.d, TRUE));
}

/* ---- P01: the state it keeps across records is edit_state.c ------------------------------ */

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
        crtk_date d;
        return crtk_date_parse_naaccr(v.s, v.len, CRTK_DATE_CALENDAR, &d);
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
            if (!isnan(min) && d.d.year < min)
                return v_bool(FALSE);
        }
        return v_bool(TRUE);
    }
    case F_NOT_FUTURE: {
        date3 d = val_date(eval(k[0], c));
        if (!d.ok)
            return v_bool(TRUE);
        crtk_date today = {c->today_y, c->today_m, c->today_d};
        return v_bool(crtk_date_compare(d.d, today) <= 0);
    }
    case F_YEAR:
    case F_MONTH:
    case F_DAY: {
        date3 d = val_date(eval(k[0], c));
        int x = !d.ok ? 0 : n->sub == F_YEAR ? d.d.year : n->sub == F_MONTH ? d.d.month : d.d.day;
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
        guint32 h[EDIT_STATE_MAX_HASHES];
        int m = n->n < EDIT_STATE_MAX_HASHES ? n->n : EDIT_STATE_MAX_HASHES;
        for (int i = 0; i < m; i++) {
            val v = item_val(k[i], c);
            h[i] = hash_bytes(v.s, v.len);
        }
        long prev_ordinal = 0;
        guint32 prev[EDIT_STATE_MAX_HASHES];
        int n_prev = 0;
        /* first seen (or the same record again): remembered, passes; a failure to keep the state
           is the engine's error (crtk_edits_run_record returns -2), not a verdict */
        if (edit_state_check(c->state, pid, c->rec->ordinal, h, m, &prev_ordinal, prev, &n_prev) != 1)
            return v_bool(TRUE);
        gboolean same = TRUE;
        for (int i = 0; i < m && i < n_prev; i++) {
            if (prev[i] != h[i]) {
                if (c->detail) {
                    if (!same)
                        g_string_append(c->detail, ", ");
                    g_string_append(c->detail, k[i]->name ? k[i]->name : "?");
                }
                same = FALSE;
            }
        }
        if (!same && c->detail)
            g_string_append_printf(c->detail, " differ from patient %ld", prev_ordinal);
        return v_bool(same);
    }
    case F_SCHEMA_CODE_VALID:
    case F_SCHEMA_REQUIRED:
    case F_SS2018_CONSISTENT:
    case F_SURGERY_CODE_VALID:
    case F_AJCC_TNM_FORMAT:
        return v_bool(edit_schema_call(n->sub, n->n ? k[0] : NULL, c));
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
