/* recode_survival.c — SEER survival time, flags, presumed-alive variant and vital
 * status recode for one patient (see derived.h and docs/derived.md; rules of
 * codes/README.md §5 of the reference collection).
 *
 * Outline: normalise the dates; give every tumour a chronological position
 * (complete dates first, then tumours with an unknown day, unknown month and
 * unknown year inserted one by one); impute unknown date parts along that order
 * with the date of last contact as the last date; then compute days, months and
 * flags against the active-follow-up and presumed-alive end dates.
 */
#include "derived.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Days since 1970-01-01 in the proleptic Gregorian calendar. */
static long day_number(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void from_day_number(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* Unknown parts become 0; an invalid month also clears the day. */
static crtk_date norm_date(int y, int m, int d)
{
    crtk_date r = {0, 0, 0};
    if (y < 1000 || y > 9998)
        return r;
    r.year = y;
    if (m < 1 || m > 12)
        return r;
    r.month = m;
    if (d >= 1 && d <= crtk_days_in_month(y, m))
        r.day = d;
    return r;
}

static bool complete(crtk_date d)
{
    return d.year && d.month && d.day;
}

/* The earliest and latest possible days of a partial date. */
static void date_range(crtk_date d, long *lo, long *hi)
{
    if (!d.year) {
        *lo = LONG_MIN;
        *hi = LONG_MAX;
    } else if (!d.month) {
        *lo = day_number(d.year, 1, 1);
        *hi = day_number(d.year, 12, 31);
    } else if (!d.day) {
        *lo = day_number(d.year, d.month, 1);
        *hi = day_number(d.year, d.month, crtk_days_in_month(d.year, d.month));
    } else {
        *lo = *hi = day_number(d.year, d.month, d.day);
    }
}

static bool same_date(crtk_date a, crtk_date b)
{
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

/* Sequence numbers: the state series 60-97 comes after the federal series 00-59, 98, 99. */
static bool state_series(int seq)
{
    return seq >= 60 && seq <= 97;
}

static int seq_key(int seq)
{
    if (seq < 0 || seq > 99)
        return 1000;
    return state_series(seq) ? 100 + seq : seq;
}

typedef struct {
    crtk_date dx;
    long lo, hi;
    int seq;
    int key;
    int idx;
} entry;

/* TRUE when n cannot come before t: certainly later, or compatible dates and a
 * sequence number that is not lower. */
static bool cannot_precede(const entry *n, const entry *t)
{
    if (n->lo > t->hi)
        return TRUE;
    if (n->hi < t->lo)
        return FALSE;
    return n->key >= t->key;
}

static bool compatible(const entry *a, const entry *b)
{
    return !(a->lo > b->hi || a->hi < b->lo);
}

static int cmp_complete(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->idx - y->idx;
}

/* Chronological order of all tumours: order[k] = index of the k-th entry. */
static void sort_tumors(entry *e, int n, int *order)
{
    entry *list = g_new(entry, n);
    int len = 0;
    for (int i = 0; i < n; i++)
        if (complete(e[i].dx))
            list[len++] = e[i];
    qsort(list, (size_t)len, sizeof *list, cmp_complete);
    /* pass 1: unknown day, pass 2: unknown month, pass 3: unknown year */
    for (int pass = 1; pass <= 3; pass++) {
        for (int i = 0; i < n; i++) {
            crtk_date d = e[i].dx;
            int kind = complete(d) ? 0 : d.month ? 1 : d.year ? 2 : 3;
            if (kind != pass)
                continue;
            const entry *nw = &e[i];
            int p = 0;
            for (int k = 0; k < len; k++)
                if (cannot_precede(nw, &list[k]))
                    p = k + 1;
            /* a state-series tumour goes in front of compatible state-series tumours with a higher number */
            if (state_series(nw->seq)) {
                for (int q = 0; q < p; q++) {
                    if (state_series(list[q].seq) && list[q].seq > nw->seq && compatible(nw, &list[q])) {
                        p = q;
                        break;
                    }
                }
            }
            memmove(list + p + 1, list + p, sizeof *list * (size_t)(len - p));
            list[p] = *nw;
            len++;
        }
    }
    for (int k = 0; k < len; k++)
        order[k] = list[k].idx;
    g_free(list);
}

static void set_unknown(crtk_survival_result *r, char flag)
{
    strcpy(r->months, "9999");
    strcpy(r->days, "99999");
    r->flag[0] = flag;
    r->flag[1] = 0;
    strcpy(r->months_pa, "9999");
    strcpy(r->days_pa, "99999");
    r->flag_pa[0] = flag;
    r->flag_pa[1] = 0;
}

static void format_date(char out[9], long dn)
{
    int y, m, d;
    from_day_number(dn, &y, &m, &d);
    g_snprintf(out, 9, "%04d%02d%02d", y, m, d);
}

/* Zero days possible: the parts known in both dates are equal. */
static bool zero_possible(crtk_date a, crtk_date b)
{
    if (a.year != b.year)
        return FALSE;
    if (a.month && b.month && a.month != b.month)
        return FALSE;
    if (a.month && b.month && a.day && b.day && a.day != b.day)
        return FALSE;
    return TRUE;
}

typedef struct {
    bool known;
    long day;
    crtk_date parts; /* as known (for the flag) */
} end_date;

static void survival_value(long dx, crtk_date dx_parts, const end_date *end, char months[5], char days[6], char *flag)
{
    if (!end->known || end->day < dx) {
        strcpy(months, "9999");
        strcpy(days, "99999");
        *flag = '9';
        return;
    }
    long n = end->day - dx;
    long mo = n * 1200 / 36524; /* floor(days / (365.24 / 12)) */
    if (mo > 9998)
        mo = 9998;
    if (n > 99998)
        n = 99998;
    g_snprintf(months, 5, "%04ld", mo);
    g_snprintf(days, 6, "%05ld", n);
    if (complete(dx_parts) && complete(end->parts))
        *flag = n == 0 ? '0' : '1';
    else
        *flag = zero_possible(dx_parts, end->parts) ? '2' : '3';
}

void crtk_survival_compute(const crtk_survival_tumor *tumors, int n, const crtk_survival_options *opt,
                           crtk_survival_result *out, char vsr[2])
{
    vsr[0] = vsr[1] = 0;
    if (n <= 0)
        return;
    int endpoint = opt ? opt->endpoint_year : 0;
    crtk_date today = opt ? opt->today : (crtk_date){0, 0, 0};
    if (endpoint <= 0 || today.year <= 0) {
        GDateTime *now = g_date_time_new_now_local();
        if (endpoint <= 0)
            endpoint = g_date_time_get_year(now);
        if (today.year <= 0) {
            today.year = g_date_time_get_year(now);
            today.month = g_date_time_get_month(now);
            today.day = g_date_time_get_day_of_month(now);
        }
        g_date_time_unref(now);
    }
    long today_dn = day_number(today.year, today.month ? today.month : 12,
                               today.day ? today.day : crtk_days_in_month(today.year, today.month ? today.month : 12));
    long cutoff = day_number(endpoint, 12, 31);
    crtk_date cutoff_parts = {endpoint, 12, 31};

    /* patient values (from the first tumour) and their consistency */
    crtk_date dolc = norm_date(tumors[0].dolc_year, tumors[0].dolc_month, tumors[0].dolc_day);
    bool dolc_same = TRUE, vs_same = TRUE;
    for (int i = 1; i < n; i++) {
        if (!same_date(norm_date(tumors[i].dolc_year, tumors[i].dolc_month, tumors[i].dolc_day), dolc))
            dolc_same = FALSE;
        if (tumors[i].vital_status != tumors[0].vital_status)
            vs_same = FALSE;
    }
    if (dolc.year && dolc.year < 1900)
        dolc = (crtk_date){0, 0, 0};
    if (dolc.year) {
        long lo, hi;
        date_range(dolc, &lo, &hi);
        if (lo > today_dn)
            dolc = (crtk_date){0, 0, 0};
    }
    int vs = tumors[0].vital_status;
    crtk_date birth = norm_date(tumors[0].birth_year, tumors[0].birth_month, tumors[0].birth_day);

    /* vital status recode */
    if (vs_same && (vs == 0 || vs == 1)) {
        vsr[0] = (dolc.year && dolc.year > endpoint) ? '1' : (char)('0' + vs);
        vsr[1] = 0;
    }

    /* chronological order */
    entry *e = g_new(entry, n);
    int *order = g_new(int, n);
    for (int i = 0; i < n; i++) {
        e[i].dx = norm_date(tumors[i].dx_year, tumors[i].dx_month, tumors[i].dx_day);
        date_range(e[i].dx, &e[i].lo, &e[i].hi);
        e[i].seq = tumors[i].seq_num_central;
        e[i].key = seq_key(e[i].seq);
        e[i].idx = i;
    }
    sort_tumors(e, n, order);
    for (int k = 0; k < n; k++) {
        memset(&out[order[k]], 0, sizeof out[order[k]]);
        out[order[k]].sorted_index = k + 1;
    }

    if (!dolc_same || !vs_same) {
        for (int i = 0; i < n; i++)
            set_unknown(&out[i], '9');
        g_free(e);
        g_free(order);
        return;
    }

    /* the dates to impute: eligible tumours in order, then the date of last contact */
    int *slot_idx = g_new(int, n + 1); /* tumour index, -1 for the DOLC */
    crtk_date *slot_date = g_new(crtk_date, n + 1);
    long *final = g_new(long, n + 1);
    int m = 0;
    for (int k = 0; k < n; k++) {
        int i = order[k];
        crtk_date d = e[i].dx;
        if (d.year && d.year >= 1900 && d.year <= endpoint) {
            slot_idx[m] = i;
            slot_date[m++] = d;
        }
    }
    int n_eligible = m;
    if (dolc.year) {
        slot_idx[m] = -1;
        slot_date[m++] = dolc;
    }
    long birth_lo = LONG_MIN, birth_hi;
    if (birth.year)
        date_range(birth, &birth_lo, &birth_hi);
    for (int s = 0; s < m; s++) {
        crtk_date d = slot_date[s];
        long lo, hi;
        date_range(d, &lo, &hi);
        if (complete(d)) {
            final[s] = lo;
            continue;
        }
        if (slot_idx[s] < 0 && hi > today_dn && today_dn >= lo)
            hi = today_dn;
        long lower = lo, upper = hi;
        if (birth_lo > lower && birth_lo <= hi)
            lower = birth_lo;
        for (int j = 0; j < s; j++)
            if (final[j] > lower && final[j] <= hi)
                lower = final[j];
        for (int j = s + 1; j < m; j++) {
            if (!complete(slot_date[j]))
                continue;
            long v = day_number(slot_date[j].year, slot_date[j].month, slot_date[j].day);
            if (v >= lower && v < upper)
                upper = v;
        }
        final[s] = lower + (upper - lower) / 2;
    }

    /* end dates */
    end_date active = {FALSE, 0, {0, 0, 0}}, pa;
    if (dolc.year) {
        active.known = TRUE;
        active.day = final[m - 1];
        active.parts = dolc;
        if (active.day > cutoff) {
            active.day = cutoff;
            active.parts = cutoff_parts;
        }
    }
    if (vs == 1) {
        pa.known = TRUE;
        pa.day = cutoff;
        pa.parts = cutoff_parts;
    } else {
        pa = active;
    }
    char date_active[9] = "", date_pa[9] = "";
    if (active.known)
        format_date(date_active, active.day);
    if (pa.known)
        format_date(date_pa, pa.day);

    for (int i = 0; i < n; i++) {
        set_unknown(&out[i], '9');
        memcpy(out[i].date_active, date_active, 9);
        memcpy(out[i].date_presumed_alive, date_pa, 9);
    }
    for (int s = 0; s < n_eligible; s++) {
        int i = slot_idx[s];
        crtk_survival_result *r = &out[i];
        format_date(r->date_dx, final[s]);
        int trs = tumors[i].type_of_reporting_source;
        if (trs == 6 || trs == 7) {
            set_unknown(r, '8');
            continue;
        }
        survival_value(final[s], slot_date[s], &active, r->months, r->days, &r->flag[0]);
        survival_value(final[s], slot_date[s], &pa, r->months_pa, r->days_pa, &r->flag_pa[0]);
    }
    /* a tumour flagged 2 before a tumour with certain survival (1 or 3) cannot have zero days */
    bool seen = FALSE, seen_pa = FALSE;
    for (int s = n_eligible - 1; s >= 0; s--) {
        crtk_survival_result *r = &out[slot_idx[s]];
        if (r->flag[0] == '2' && seen)
            r->flag[0] = '3';
        if (r->flag[0] == '1' || r->flag[0] == '3')
            seen = TRUE;
        if (r->flag_pa[0] == '2' && seen_pa)
            r->flag_pa[0] = '3';
        if (r->flag_pa[0] == '1' || r->flag_pa[0] == '3')
            seen_pa = TRUE;
    }
    g_free(slot_idx);
    g_free(slot_date);
    g_free(final);
    g_free(e);
    g_free(order);
}

/* ---- records ------------------------------------------------------------------------ */

static const char *value_of(const crtk_record *r, int tumor, const char *id)
{
    const crtk_item *it = crtk_dictionary_find(r->dict, id);
    if (!it)
        return NULL;
    const crtk_element *el = it->level == CRTK_LEVEL_TUMOR && tumor >= 0 ? &r->tumors[tumor] : &r->patient;
    return crtk_element_get(el, it->index, NULL);
}

static int small_int(const char *s, int width)
{
    if (!s)
        return -1;
    while (*s == ' ')
        s++;
    int v = 0, k = 0;
    for (; *s >= '0' && *s <= '9' && k < width; s++, k++)
        v = v * 10 + (*s - '0');
    while (*s == ' ')
        s++;
    return k == 0 || *s ? -1 : v;
}

void crtk_survival_record(const crtk_record *r, const crtk_survival_options *opt,
                          crtk_survival_result *out, char vsr[2])
{
    vsr[0] = vsr[1] = 0;
    int n = r->n_tumors;
    if (n <= 0)
        return;
    crtk_survival_tumor *t = g_new0(crtk_survival_tumor, n);
    for (int i = 0; i < n; i++) {
        crtk_date dx = crtk_date_parse(value_of(r, i, "dateOfDiagnosis"));
        crtk_date dolc = crtk_date_parse(value_of(r, i, "dateOfLastContact"));
        crtk_date birth = crtk_date_parse(value_of(r, i, "dateOfBirth"));
        t[i].dx_year = dx.year;
        t[i].dx_month = dx.month;
        t[i].dx_day = dx.day;
        t[i].dolc_year = dolc.year;
        t[i].dolc_month = dolc.month;
        t[i].dolc_day = dolc.day;
        t[i].birth_year = birth.year;
        t[i].birth_month = birth.month;
        t[i].birth_day = birth.day;
        t[i].seq_num_central = small_int(value_of(r, i, "sequenceNumberCentral"), 2);
        t[i].vital_status = small_int(value_of(r, i, "vitalStatus"), 1);
        t[i].type_of_reporting_source = small_int(value_of(r, i, "typeOfReportingSource"), 1);
    }
    crtk_survival_compute(t, n, opt, out, vsr);
    g_free(t);
}

static int set_item(crtk_record *r, int tumor, const char *id, const char *value)
{
    const crtk_item *it = crtk_dictionary_find(r->dict, id);
    if (!it)
        return 0;
    crtk_element *el = it->level == CRTK_LEVEL_TUMOR ? &r->tumors[tumor] : &r->patient;
    crtk_element_set_str(el, it->index, value);
    return value && *value ? 1 : 0;
}

int crtk_survival_apply(crtk_record *r, const crtk_survival_options *opt)
{
    int n = r->n_tumors;
    if (n <= 0)
        return 0;
    crtk_survival_result *res = g_new0(crtk_survival_result, n);
    char vsr[2];
    crtk_survival_record(r, opt, res, vsr);
    int count = 0;
    for (int i = 0; i < n; i++) {
        count += set_item(r, i, "survMosActiveFollowup", res[i].months);
        count += set_item(r, i, "survFlagActiveFollowup", res[i].flag);
        count += set_item(r, i, "survMosPresumedAlive", res[i].months_pa);
        count += set_item(r, i, "survFlagPresumedAlive", res[i].flag_pa);
        count += set_item(r, i, "survDateActiveFollowup", res[i].date_active);
        count += set_item(r, i, "survDatePresumedAlive", res[i].date_presumed_alive);
        count += set_item(r, i, "survDateDxRecode", res[i].date_dx);
        const crtk_item *it = crtk_dictionary_find(r->dict, "vitalStatusRecode");
        if (it && (it->level == CRTK_LEVEL_TUMOR || i == 0))
            count += set_item(r, i, "vitalStatusRecode", vsr);
    }
    g_free(res);
    return count;
}
