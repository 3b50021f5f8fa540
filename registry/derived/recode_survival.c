/* recode_survival.c — SEER survival time, flags, presumed-alive variant and vital
 * status recode for one patient (see derived.h and docs/derived.md; rules of
 * codes/README.md §5 of the reference collection).
 *
 * Outline (the reference implementation's behaviour, imsweb/algorithms
 * SurvivalTimeUtils 2.2, written anew): check that the patient items agree; validate
 * the DOLC; order the eligible tumours (complete dates sorted, then the dates with an
 * unknown day, month, year inserted group by group); fill unknown days, then unknown
 * months, between their neighbours with the DOLC as the last date; compute days,
 * months and flags for active follow-up and presumed alive.
 */
#include "derived.h"

#include <math.h>
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

/* ---- the patient's dates -------------------------------------------------------------- */

#define UNKNOWN_YEAR 9999
#define UNKNOWN_PART 99

/* A valid calendar date (any year the reference's calendar accepts). */
static bool valid_date(int y, int m, int d)
{
    return y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= crtk_days_in_month(y, m);
}

/* Floor division for possibly negative numerators. */
static long floor_div(long a, long b)
{
    long q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* One date in the chronological list: a tumour's diagnosis or, at the end, the DOLC.
 * year/month/day are the known parts (9999 / 99 unknown); y/m/d the parts as
 * filled in; key the sequence number with the state series 60-97 moved to 160-197. */
typedef struct {
    int year, month, day;
    int y, m, d;
    int key;
    int idx;            /* tumour index, -1 for the DOLC */
    bool day_filled, month_filled;
} slot;

static int part_or(int v, int unknown)
{
    return v < 0 ? unknown : v;
}

static void slot_init(slot *s, const crtk_survival_tumor *t, int idx)
{
    s->year = part_or(t->dx_year, UNKNOWN_YEAR);
    s->month = part_or(t->dx_month, UNKNOWN_PART);
    s->day = part_or(t->dx_day, UNKNOWN_PART);
    if (s->month == UNKNOWN_PART)
        s->day = UNKNOWN_PART;
    s->y = s->year;
    s->m = s->month;
    s->d = s->day;
    s->key = t->seq_num_central < 0 ? -1 : t->seq_num_central;
    if (s->key >= 60 && s->key <= 97)
        s->key += 100;
    s->idx = idx;
    s->day_filled = s->month_filled = FALSE;
}

static bool state_key(int key)
{
    return key > 100;
}

/* Orders two dates by the parts both know; 0 when they cannot be told apart. */
static int cmp_known_parts(const slot *a, const slot *b)
{
    if (a->year == UNKNOWN_YEAR || b->year == UNKNOWN_YEAR)
        return 0;
    if (a->year != b->year)
        return a->year - b->year;
    if (a->month == UNKNOWN_PART || b->month == UNKNOWN_PART)
        return 0;
    if (a->month != b->month)
        return a->month - b->month;
    if (a->day == UNKNOWN_PART || b->day == UNKNOWN_PART)
        return 0;
    return a->day - b->day;
}

/* The same, with the sequence number deciding what the dates do not. */
static int cmp_with_seq(const slot *a, const slot *b)
{
    int c = cmp_known_parts(a, b);
    return c ? c : a->key - b->key;
}

/* Stable insertion sort by cmp_with_seq (lists are a patient's tumours: short). */
static void sort_stable(slot **v, int n)
{
    for (int i = 1; i < n; i++) {
        slot *x = v[i];
        int j = i;
        while (j > 0 && cmp_with_seq(v[j - 1], x) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* Whether a state-series tumour (key) should go in front of the already placed dates
 * it cannot be told apart from (cand, in placed order): only when some of them are
 * state-series, they are in sequence order among themselves, and its number is not
 * above the last of them. */
static bool goes_before_state_series(int key, slot **cand, int n)
{
    int last = -1;
    for (int i = 0; i < n; i++)
        if (state_key(cand[i]->key))
            last = i;
    if (last < 0)
        return FALSE;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (state_key(cand[i]->key) && state_key(cand[j]->key) && cand[i]->key > cand[j]->key)
                return FALSE; /* out of sequence order already: leave them be */
    return key <= cand[last]->key;
}

/* Inserts the dates of one group (all with the same unknown parts) into the placed
 * list, each from the end backwards: after the first placed date it is certainly
 * later than, or cannot be told apart from and does not precede by sequence. */
static void insert_group(slot **list, int *len, slot **group, int n)
{
    sort_stable(group, n);
    if (*len == 0) {
        for (int k = 0; k < n; k++)
            list[(*len)++] = group[k];
        return;
    }
    slot **cand = g_new(slot *, *len + n);
    for (int k = 0; k < n; k++) {
        slot *r = group[k];
        int at = 0;
        for (int i = *len - 1; i >= 0; i--) {
            int c = cmp_known_parts(r, list[i]);
            if (c > 0) {
                at = i + 1;
                break;
            }
            if (c == 0) {
                int l = list[i]->key;
                bool after = (r->key < 100 && r->key >= l) || (state_key(r->key) && state_key(l) && r->key >= l);
                if (after) {
                    at = i + 1;
                    break;
                }
                if (state_key(r->key)) {
                    int nc = 0;
                    for (int j = 0; j <= i; j++)
                        if (cmp_known_parts(r, list[j]) == 0)
                            cand[nc++] = list[j];
                    if (!goes_before_state_series(r->key, cand, nc)) {
                        at = i + 1;
                        break;
                    }
                }
            }
        }
        memmove(list + at + 1, list + at, sizeof *list * (size_t)(*len - at));
        list[at] = r;
        (*len)++;
    }
    g_free(cand);
}

/* Chronological order: complete dates sorted, then the dates with an unknown day,
 * unknown month and unknown year inserted group by group.  list gets n pointers. */
static void chronological(slot **items, int n, slot **list)
{
    slot **groups[4];
    int cnt[4] = {0, 0, 0, 0};
    for (int g = 0; g < 4; g++)
        groups[g] = g_new(slot *, n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        slot *s = items[i];
        int g = s->year == UNKNOWN_YEAR ? 3 : s->month == UNKNOWN_PART ? 2 : s->day == UNKNOWN_PART ? 1 : 0;
        groups[g][cnt[g]++] = s;
    }
    int len = cnt[0];
    memcpy(list, groups[0], sizeof *list * (size_t)len);
    sort_stable(list, len);
    for (int g = 1; g < 4; g++)
        insert_group(list, &len, groups[g], cnt[g]);
    for (int g = 0; g < 4; g++)
        g_free(groups[g]);
}

/* ---- filling in unknown parts ---------------------------------------------------------- */

typedef struct {
    int year, month, day; /* 9999 / 99 unknown */
} parts;

/* Fills unknown days (first pass) then unknown months (second pass) of the dates in
 * v (chronological; the DOLC last), each between its known or already filled
 * neighbours; the birth date bounds only the first date. */
static void fill_unknown_parts(slot **v, int n, parts birth)
{
    for (int i = 0; i < n; i++) {
        slot *r = v[i];
        if (r->m == UNKNOWN_PART || r->d != UNKNOWN_PART)
            continue;
        int lo = 0;
        if (i == 0 && birth.year == r->y && birth.month == r->m && birth.day != UNKNOWN_PART)
            lo = birth.day;
        for (int j = i - 1; j >= 0; j--) {
            if (v[j]->d != UNKNOWN_PART) {
                if (v[j]->y == r->y && v[j]->m == r->m)
                    lo = v[j]->d;
                break;
            }
        }
        if (lo == 0)
            lo = 1;
        int hi = 0;
        for (int j = i + 1; j < n; j++) {
            if (v[j]->d != UNKNOWN_PART) {
                if (v[j]->y == r->y && v[j]->m == r->m)
                    hi = v[j]->d;
                break;
            }
        }
        if (hi == 0)
            hi = crtk_days_in_month(r->y, r->m);
        r->d = (lo + hi) / 2;
        r->day_filled = TRUE;
    }
    for (int i = 0; i < n; i++) {
        slot *r = v[i];
        if (r->m != UNKNOWN_PART)
            continue;
        int lo_m = 0, lo_d = 0;
        if (i == 0 && birth.year == r->y && birth.month != UNKNOWN_PART) {
            lo_m = birth.month;
            lo_d = birth.day != UNKNOWN_PART ? birth.day : 1;
        }
        for (int j = i - 1; j >= 0; j--) {
            if (v[j]->m != UNKNOWN_PART) {
                if (v[j]->y == r->y) {
                    lo_m = v[j]->m;
                    lo_d = v[j]->d;
                }
                break;
            }
        }
        if (lo_m == 0) {
            lo_m = 1;
            lo_d = 1;
        }
        int hi_m = 0, hi_d = 0;
        for (int j = i + 1; j < n; j++) {
            if (v[j]->m != UNKNOWN_PART) {
                if (v[j]->y == r->y) {
                    hi_m = v[j]->m;
                    hi_d = v[j]->d;
                }
                break;
            }
        }
        if (hi_m == 0) {
            hi_m = 12;
            hi_d = 31;
        }
        long lo = day_number(r->y, lo_m, lo_d);
        long mid = lo + floor_div(day_number(r->y, hi_m, hi_d) - lo, 2);
        int yy;
        from_day_number(mid, &yy, &r->m, &r->d);
        r->month_filled = r->day_filled = TRUE;
    }
}

/* ---- results --------------------------------------------------------------------------- */

/* A NAACCR date from parts as coded: stops at the first blank (negative) part. */
static void combine_date(char out[9], int y, int m, int d)
{
    out[0] = 0;
    if (y < 0 || y > 9999)
        return;
    if (m < 0 || m > 99)
        g_snprintf(out, 9, "%04d", y);
    else if (d < 0 || d > 99)
        g_snprintf(out, 9, "%04d%02d", y, m);
    else
        g_snprintf(out, 9, "%04d%02d%02d", y, m, d);
}

static void set_unknown_active(crtk_survival_result *r, char flag)
{
    strcpy(r->months, "9999");
    strcpy(r->days, "99999");
    r->flag[0] = flag;
    r->flag[1] = 0;
}

static void set_unknown_pa(crtk_survival_result *r, char flag)
{
    strcpy(r->months_pa, "9999");
    strcpy(r->days_pa, "99999");
    r->flag_pa[0] = flag;
    r->flag_pa[1] = 0;
}

/* One variant (active follow-up or presumed alive) for the eligible tumours v
 * (chronological).  dolc: the patient's DOLC after the validity checks. */
static void compute_variant(slot **v, int n, parts dolc, parts birth, int vs, int endpoint, bool presume_alive,
                            crtk_survival_result *out, int n_out)
{
    for (int i = 0; i < n; i++) {
        v[i]->y = v[i]->year;
        v[i]->m = v[i]->month;
        v[i]->d = v[i]->day;
        v[i]->day_filled = v[i]->month_filled = FALSE;
    }
    if (!valid_date(dolc.year == UNKNOWN_YEAR ? 1900 : dolc.year, dolc.month == UNKNOWN_PART ? 1 : dolc.month,
                    dolc.day == UNKNOWN_PART ? 1 : dolc.day)) {
        if (dolc.month >= 1 && dolc.month <= 12)
            dolc.day = UNKNOWN_PART;
        else
            dolc.month = dolc.day = UNKNOWN_PART;
    }
    slot last = {dolc.year, dolc.month, dolc.day, dolc.year, dolc.month, dolc.day, -1, -1, FALSE, FALSE};
    slot **all = g_new(slot *, n + 1);
    memcpy(all, v, sizeof *all * (size_t)n);
    all[n] = &last;

    if (birth.year == UNKNOWN_YEAR)
        birth.month = birth.day = UNKNOWN_PART;
    if (birth.month == UNKNOWN_PART)
        birth.day = UNKNOWN_PART;
    if (!valid_date(birth.year, birth.month == UNKNOWN_PART ? 1 : birth.month,
                    birth.day == UNKNOWN_PART ? 1 : birth.day)) {
        if (birth.month >= 1 && birth.month <= 12)
            birth.day = UNKNOWN_PART;
        else
            birth.month = birth.day = UNKNOWN_PART;
    }
    fill_unknown_parts(all, n + 1, birth);
    g_free(all);

    if (dolc.year == UNKNOWN_YEAR)
        last.m = last.d = UNKNOWN_PART;
    if (dolc.year != UNKNOWN_YEAR && dolc.year > endpoint) {
        last.y = endpoint;
        last.m = 12;
        last.d = 31;
    }
    char end_date[9] = "";
    if (last.y != UNKNOWN_YEAR)
        g_snprintf(end_date, sizeof end_date, "%04d%02d%02d", last.y, last.m, last.d);
    if (*end_date)
        for (int k = 0; k < n_out; k++) {
            memcpy(out[k].date_active, end_date, 9);
            memcpy(out[k].date_presumed_alive, end_date, 9);
        }
    if (presume_alive && vs == 1) {
        last.y = endpoint;
        last.m = 12;
        last.d = 31;
        g_snprintf(end_date, sizeof end_date, "%04d%02d%02d", last.y, last.m, last.d);
        for (int k = 0; k < n_out; k++)
            memcpy(out[k].date_presumed_alive, end_date, 9);
    }

    /* an end date that is the cut-off date counts as complete */
    if (last.y == endpoint && last.m == 12 && last.d == 31) {
        last.year = endpoint;
        last.month = 12;
        last.day = 31;
    }
    long end_dn = day_number(last.y, last.m, last.d);
    for (int i = 0; i < n; i++) {
        slot *r = v[i];
        crtk_survival_result *o = &out[r->idx];
        long days = end_dn - day_number(r->y, r->m, r->d);
        long months = (long)floor((double)days / (365.24 / 12));
        char flag;
        if (days < 0) {
            days = 99999;
            months = 9999;
            flag = '9';
        } else if (r->month == UNKNOWN_PART || r->day == UNKNOWN_PART || last.month == UNKNOWN_PART ||
                   last.day == UNKNOWN_PART) {
            bool zero = r->year == last.year &&
                        (r->month == last.month || r->month == UNKNOWN_PART || last.month == UNKNOWN_PART);
            flag = zero ? '2' : '3';
        } else {
            flag = days > 0 ? '1' : '0';
        }
        if (months > 9999)
            months = 9999;
        if (days > 99999)
            days = 99999;
        char *mo = presume_alive ? o->months_pa : o->months;
        char *dy = presume_alive ? o->days_pa : o->days;
        char *fl = presume_alive ? o->flag_pa : o->flag;
        g_snprintf(mo, 5, "%04ld", months);
        g_snprintf(dy, 6, "%05ld", days);
        fl[0] = flag;
        fl[1] = 0;
        /* the diagnosis date as filled in */
        if (r->month_filled || r->day_filled) {
            char buf[9];
            g_snprintf(buf, sizeof buf, "%04d%02d%02d", r->y, r->m, r->d);
            memcpy(o->date_dx, buf, 9);
        }
    }

    /* from the latest backwards: a "could be zero days" before a tumour with survival
     * certainly > 0 cannot be zero days either */
    bool later = FALSE, later_pa = FALSE;
    for (int i = n - 1; i >= 0; i--) {
        crtk_survival_result *o = &out[v[i]->idx];
        if (o->flag[0] == '1' || o->flag[0] == '3')
            later = TRUE;
        if (o->flag_pa[0] == '1' || o->flag_pa[0] == '3')
            later_pa = TRUE;
        if (o->flag[0] == '2' && later)
            o->flag[0] = '3';
        if (o->flag_pa[0] == '2' && later_pa)
            o->flag_pa[0] = '3';
    }
}

static void result_unknown(crtk_survival_result *r)
{
    set_unknown_active(r, '9');
    set_unknown_pa(r, '9');
    r->date_dx[0] = r->date_active[0] = r->date_presumed_alive[0] = 0;
}

static bool same_dolc_vs(const crtk_survival_tumor *a, const crtk_survival_tumor *b)
{
    return part_or(a->dolc_year, -1) == part_or(b->dolc_year, -1) &&
           part_or(a->dolc_month, -1) == part_or(b->dolc_month, -1) &&
           part_or(a->dolc_day, -1) == part_or(b->dolc_day, -1) &&
           part_or(a->vital_status, -1) == part_or(b->vital_status, -1);
}

/* Sorted index of every tumour (all of them, eligible or not). */
static void assign_sorted_index(slot *s, int n, crtk_survival_result *out)
{
    slot **items = g_new(slot *, n);
    slot **list = g_new(slot *, n);
    for (int i = 0; i < n; i++)
        items[i] = &s[i];
    chronological(items, n, list);
    for (int k = 0; k < n; k++)
        out[list[k]->idx].sorted_index = k + 1;
    g_free(items);
    g_free(list);
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
    if (today.month <= 0)
        today.month = 12;
    if (today.day <= 0)
        today.day = crtk_days_in_month(today.year, today.month);

    int vs_raw = tumors[0].vital_status;
    if (vs_raw >= 0 && vs_raw <= 9)
        vsr[0] = (char)('0' + vs_raw);
    slot *s = g_new(slot, n);
    for (int i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        slot_init(&s[i], &tumors[i], i);
    }

    /* 1. every tumour must carry the same DOLC and vital status */
    /* (the first tumour that differs decides whether the vital status recode is blank) */
    bool same = TRUE, same_vs = TRUE;
    for (int i = 1; i < n && same; i++) {
        if (!same_dolc_vs(&tumors[0], &tumors[i])) {
            same = FALSE;
            same_vs = part_or(tumors[i].vital_status, -1) == part_or(vs_raw, -1);
        }
    }
    if (!same) {
        for (int i = 0; i < n; i++)
            result_unknown(&out[i]);
        assign_sorted_index(s, n, out);
        if (!same_vs)
            vsr[0] = 0;
        g_free(s);
        return;
    }

    /* 2. DOLC: unknown when before 1900 or after today */
    parts dolc = {part_or(tumors[0].dolc_year, UNKNOWN_YEAR), part_or(tumors[0].dolc_month, UNKNOWN_PART),
                  part_or(tumors[0].dolc_day, UNKNOWN_PART)};
    bool dolc_valid = valid_date(dolc.year, dolc.month, dolc.day);
    if (dolc.year < 1900 || dolc.year > today.year ||
        (dolc.year == today.year &&
         ((dolc.month <= 12 && dolc.month > today.month) ||
          (dolc.month == today.month && dolc_valid && dolc.day > today.day))))
        dolc.year = UNKNOWN_YEAR;
    if (dolc.year == UNKNOWN_YEAR)
        dolc.month = dolc.day = UNKNOWN_PART;
    /* 3. vital status recode: alive at the cut-off when last seen after it */
    if (dolc.year != UNKNOWN_YEAR && dolc.year > endpoint)
        strcpy(vsr, "1");
    int vs = vs_raw >= 0 ? vs_raw : 9;
    parts birth = {part_or(tumors[0].birth_year, UNKNOWN_YEAR), part_or(tumors[0].birth_month, UNKNOWN_PART),
                   part_or(tumors[0].birth_day, UNKNOWN_PART)};

    /* 4. eligible tumours; the others get unknown results */
    slot **eligible = g_new(slot *, n);
    int n_el = 0;
    for (int i = 0; i < n; i++) {
        slot *r = &s[i];
        const crtk_survival_tumor *t = &tumors[i];
        combine_date(out[i].date_dx, t->dx_year, t->dx_month, t->dx_day);
        combine_date(out[i].date_active, t->dolc_year, t->dolc_month, t->dolc_day);
        memcpy(out[i].date_presumed_alive, out[i].date_active, 9);
        bool ok = r->year != UNKNOWN_YEAR && r->year >= 1900 && r->year <= endpoint;
        if (ok && !valid_date(r->year, r->month == UNKNOWN_PART ? 1 : r->month, r->day == UNKNOWN_PART ? 1 : r->day)) {
            if (r->month >= 1 && r->month <= 12)
                r->day = UNKNOWN_PART;
            else
                r->month = r->day = UNKNOWN_PART;
            r->y = r->year;
            r->m = r->month;
            r->d = r->day;
        }
        if (ok) {
            eligible[n_el++] = r;
        } else {
            set_unknown_active(&out[i], '9');
            set_unknown_pa(&out[i], '9');
            out[i].date_dx[0] = 0;
        }
    }
    slot **order = g_new(slot *, n_el > 0 ? n_el : 1);
    chronological(eligible, n_el, order);

    /* 5-10. active follow-up (needs a DOLC), then presumed alive (needs a DOLC or vital status alive) */
    if (dolc.year != UNKNOWN_YEAR) {
        compute_variant(order, n_el, dolc, birth, vs, endpoint, FALSE, out, n);
    } else {
        for (int k = 0; k < n_el; k++) {
            set_unknown_active(&out[order[k]->idx], '9');
            out[order[k]->idx].date_active[0] = 0;
        }
    }
    if (dolc.year != UNKNOWN_YEAR || vs == 1) {
        compute_variant(order, n_el, dolc, birth, vs, endpoint, TRUE, out, n);
    } else {
        for (int k = 0; k < n_el; k++) {
            set_unknown_pa(&out[order[k]->idx], '9');
            out[order[k]->idx].date_presumed_alive[0] = 0;
        }
    }
    /* autopsy / death certificate only */
    for (int k = 0; k < n_el; k++) {
        int i = order[k]->idx;
        int trs = tumors[i].type_of_reporting_source;
        if (trs == 6 || trs == 7) {
            set_unknown_active(&out[i], '8');
            set_unknown_pa(&out[i], '8');
        }
    }
    assign_sorted_index(s, n, out);
    g_free(order);
    g_free(eligible);
    g_free(s);
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

/* One part of a NAACCR date as the reference splits it (characters from..from+len):
 * digits give the number; blanks, other characters or a short value give -1 (blank). */
static int date_part(const char *text, int from, int len)
{
    if (!text || (int)strlen(text) < from + len)
        return -1;
    int v = 0;
    for (int i = from; i < from + len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        v = v * 10 + (text[i] - '0');
    }
    return v;
}

static void split_date(const char *text, int *y, int *m, int *d)
{
    if (text && strchr(text, '-')) { /* ISO CCYY-MM-DD */
        crtk_date x = crtk_date_parse(text);
        *y = x.year ? x.year : -1;
        *m = x.month ? x.month : -1;
        *d = x.day ? x.day : -1;
        return;
    }
    *y = date_part(text, 0, 4);
    *m = date_part(text, 4, 2);
    *d = date_part(text, 6, 2);
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
        split_date(value_of(r, i, "dateOfDiagnosis"), &t[i].dx_year, &t[i].dx_month, &t[i].dx_day);
        split_date(value_of(r, i, "dateOfLastContact"), &t[i].dolc_year, &t[i].dolc_month, &t[i].dolc_day);
        split_date(value_of(r, i, "dateOfBirth"), &t[i].birth_year, &t[i].birth_month, &t[i].birth_day);
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
