/* excel_survival.c — `crtk report survival`: observed survival by stage for the top site groups.
 *
 * Cases: the selected tumors except death-certificate-only and autopsy-only ones (Type of
 * Reporting Source 6, 7 or Class of Case 38, 49) and those whose survival time is unknown.
 * Survival time runs from diagnosis to the date of last contact (or death), cut at the as-of
 * date, computed per tumor with the SEER survival-time rules (crtk_survival_compute: unknown
 * day or month imputed to the middle of what is possible); the event is death (Vital Status 0),
 * from any cause.  Kaplan-Meier estimates at 1, 3 and 5 years (365.24 days a year) with
 * Greenwood's variance and log(-log) 95% confidence intervals; numbers at risk are the cases
 * still followed at each time.  Living patients without contact for more than 15 months are
 * counted as lost to follow-up (their survival is censored at last contact, which flatters it).
 */
#include "excel_reports.h"
#include "derived.h"

#ifdef CRTK_HAVE_XLSXWRITER
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DAYS_PER_YEAR 365.24
/* The last time any estimate is made at: 5 years (crtk_km_point at floor(5 * 365.24) days).  A
 * group counts its cases by survival day up to it; later times all count in one last bucket,
 * which only adds to the numbers at risk.  So a group's memory is fixed whatever the store holds. */
#define HORIZON_DAYS 1826L
#define BUCKETS (HORIZON_DAYS + 2)

typedef struct {
    guint32 (*h)[2];   /* [day][0] deaths, [day][1] censored; day HORIZON_DAYS + 1 = any later time */
    long n;
    long deaths, lost;
} group;

static void group_add(group *g, long t, int e, gboolean lost)
{
    if (!g->h)
        g->h = g_malloc0(sizeof *g->h * BUCKETS);
    long b = t < 0 ? 0 : t > HORIZON_DAYS ? HORIZON_DAYS + 1 : t;
    g->h[b][e ? 0 : 1]++;
    g->n++;
    g->deaths += e;
    g->lost += lost;
}

static void group_free(gpointer p)
{
    group *g = p;
    g_free(g->h);
    g_free(g);
}

/* ---- Kaplan-Meier ---------------------------------------------------------------------- */

void crtk_km_counts(const long *time, const long *deaths, const long *censored, long n_times, const long *at,
                    int n_at, crtk_km_point *out)
{
    long n = 0;
    for (long i = 0; i < n_times; i++)
        n += deaths[i] + censored[i];
    for (int k = 0; k < n_at; k++) {
        double s = 1.0, gw = 0.0;
        long before = 0, risk_before = 0; /* cases with time < at[k] */
        for (long i = 0; i < n_times && time[i] <= at[k]; i++) {
            long at_risk = n - before, d = deaths[i];
            if (d > 0) {
                s *= 1.0 - (double)d / (double)at_risk;
                if (at_risk > d)
                    gw += (double)d / ((double)at_risk * (double)(at_risk - d));
            }
            before += deaths[i] + censored[i];
            if (time[i] < at[k])
                risk_before = before;
        }
        out[k].survival = s;
        out[k].greenwood = gw;
        out[k].at_risk = n - risk_before;
        if (n > 0 && s > 0.0 && s < 1.0) {
            double se = sqrt(gw) / fabs(log(s));
            double ll = log(-log(s));
            out[k].ci_low = exp(-exp(ll + 1.96 * se));
            out[k].ci_high = exp(-exp(ll - 1.96 * se));
        } else {
            out[k].ci_low = out[k].ci_high = NAN;
        }
    }
}

typedef struct { long t; int e; } obs;

static int cmp_obs(const void *a, const void *b)
{
    const obs *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return y->e - x->e; /* deaths first */
}

void crtk_km(long *times, int *events, long n, const long *at, int n_at, crtk_km_point *out)
{
    obs *o = g_new(obs, n ? n : 1);
    for (long i = 0; i < n; i++)
        o[i] = (obs){times[i], events[i] ? 1 : 0};
    qsort(o, (size_t)n, sizeof *o, cmp_obs);
    long *tm = g_new(long, n ? n : 1), *d = g_new0(long, n ? n : 1), *c = g_new0(long, n ? n : 1);
    long k = -1;
    for (long i = 0; i < n; i++) {
        times[i] = o[i].t, events[i] = o[i].e;
        if (k < 0 || tm[k] != o[i].t)
            tm[++k] = o[i].t;
        if (o[i].e)
            d[k]++;
        else
            c[k]++;
    }
    crtk_km_counts(tm, d, c, k + 1, at, n_at, out);
    g_free(tm);
    g_free(d);
    g_free(c);
    g_free(o);
}

/* The estimate of a group from its counts by day. */
static void km_group(const group *g, const long *at, int n_at, crtk_km_point *out)
{
    long tm[BUCKETS], d[BUCKETS], c[BUCKETS], k = 0;
    for (long b = 0; g->h && b < BUCKETS; b++)
        if (g->h[b][0] || g->h[b][1]) {
            tm[k] = b;
            d[k] = g->h[b][0];
            c[k] = g->h[b][1];
            k++;
        }
    crtk_km_counts(tm, d, c, k, at, n_at, out);
}

/* ---- collecting cases ------------------------------------------------------------------ */

typedef struct {
    crtk_report *r;
    GHashTable *groups;   /* "site|stage" -> group; site "" = all sites; stage 'A' = all stages */
    crtk_survival_options so;
    int lost_cutoff;      /* YYYYMMDD: last contact before this = lost (15 months before as-of) */
    long excluded_dco, excluded_unknown;
} surv_ctx;

static group *get_group(surv_ctx *c, const char *site, char stage)
{
    char key[32];
    g_snprintf(key, sizeof key, "%s|%c", site, stage);
    group *g = g_hash_table_lookup(c->groups, key);
    if (!g) {
        g = g_new0(group, 1);
        g_hash_table_insert(c->groups, g_strdup(key), g);
    }
    return g;
}

static int part(const char *d, int from, int len)
{
    if (!d || (int)strlen(d) < from + len)
        return from == 0 ? 9999 : 99;
    int v = 0;
    for (int i = from; i < from + len; i++) {
        if (!g_ascii_isdigit(d[i]))
            return from == 0 ? 9999 : 99;
        v = v * 10 + (d[i] - '0');
    }
    return v;
}

/* columns (crtk_report_scan): patient row, tumor row, then site, hist, beh, dx, dlc, vital, trs, class,
 * dob, seq, stage */
static int row_fn(int ncols, const char *const *row, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    surv_ctx *c = user;
    const char *const *v = row + 2;
    const char *trs = v[6], *cls = v[7];
    if ((trs && (!strcmp(trs, "6") || !strcmp(trs, "7"))) || (cls && (!strcmp(cls, "38") || !strcmp(cls, "49")))) {
        c->excluded_dco++;
        return CRTK_CONTINUE;
    }
    crtk_survival_tumor st = {
        .dx_year = part(v[3], 0, 4), .dx_month = part(v[3], 4, 2), .dx_day = part(v[3], 6, 2),
        .dolc_year = part(v[4], 0, 4), .dolc_month = part(v[4], 4, 2), .dolc_day = part(v[4], 6, 2),
        .birth_year = part(v[8], 0, 4), .birth_month = part(v[8], 4, 2), .birth_day = part(v[8], 6, 2),
        .seq_num_central = v[9] && *v[9] ? atoi(v[9]) : -1,
        .vital_status = v[5] && *v[5] ? atoi(v[5]) : -1,
        .type_of_reporting_source = trs && *trs ? atoi(trs) : 0,
    };
    crtk_survival_result res;
    char vsr[2];
    crtk_survival_compute(&st, 1, &c->so, &res, vsr);
    if (!strcmp(res.days, "99999") || (res.flag[0] != '0' && res.flag[0] != '1' && res.flag[0] != '2' &&
                                       res.flag[0] != '3')) {
        c->excluded_unknown++;
        return CRTK_CONTINUE;
    }
    long days = atol(res.days);
    int dead = vsr[0] == '0';
    gboolean lost = !dead && (v[4] ? atoi(v[4]) : 0) < c->lost_cutoff;
    char stage = (char)('0' + crtk_report_stage_group(v[10]));
    const char *site = crtk_report_site_group(v[0], v[1], v[2], v[3]);
    group_add(get_group(c, site, stage), days, dead, lost);
    group_add(get_group(c, site, 'A'), days, dead, lost);
    group_add(get_group(c, "", stage), days, dead, lost);
    group_add(get_group(c, "", 'A'), days, dead, lost);
    return CRTK_CONTINUE;
}

/* ---- the table as published, for suppression ----------------------------------------------
 * One row per group written (the stages of each top site and the site, then all sites by stage
 * and in all), plus the rows of the sites left out ("other sites" = all sites minus the top
 * sites, by stage and in all), which the sheet does not show but a reader can work out.  Columns:
 * the counts of a group.  Every count adds up over stages and over sites (numbers at risk too). */
enum { M_CASES, M_DEATHS, M_LOST, M_RISK1, M_RISK3, M_RISK5, M_RISK2, M_RISK4, N_MEASURES };
/* the measure holding the number at risk at year k (0-5): at 0 years, every case */
static const int risk_of_year[6] = {M_CASES, M_RISK1, M_RISK2, M_RISK3, M_RISK4, M_RISK5};
enum { ROW_SITE, ROW_ALL, ROW_OTHER };
#define ALL_STAGES CRTK_STAGE_COUNT

typedef struct {
    int kind;            /* ROW_SITE (a top site), ROW_ALL (all sites), ROW_OTHER (not written) */
    int site;            /* index in the top sites (ROW_SITE) */
    int stage;           /* 0..CRTK_STAGE_COUNT-1, or ALL_STAGES */
    group *g;            /* NULL for ROW_OTHER */
    long v[N_MEASURES];
    long deaths_by[6];   /* deaths up to year k (the estimate at year k counts them) */
    crtk_km_point p[6];  /* the estimate at years 0-5 */
} srow;

static long at_day(int year)
{
    return (long)floor(year * DAYS_PER_YEAR);
}

static void srow_fill(srow *w)
{
    long at[6];
    for (int k = 0; k < 6; k++)
        at[k] = at_day(k);
    km_group(w->g, at, 6, w->p);
    w->v[M_CASES] = w->g->n;
    w->v[M_DEATHS] = w->g->deaths;
    w->v[M_LOST] = w->g->lost;
    for (int k = 0; k < 6; k++) {
        if (k > 0)
            w->v[risk_of_year[k]] = w->p[k].at_risk;
        long d = 0;
        for (long b = 0; w->g->h && b <= at[k] && b < BUCKETS; b++)
            d += w->g->h[b][0];
        w->deaths_by[k] = d;
    }
}

static int find_srow(GArray *rows, int kind, int site, int stage)
{
    for (guint i = 0; i < rows->len; i++) {
        const srow *w = &g_array_index(rows, srow, i);
        if (w->kind == kind && w->stage == stage && (kind != ROW_SITE || w->site == site))
            return (int)i;
    }
    return -1;
}

/* Publishes (t, col) = sum of (members[k], col) for the columns first..last. */
static void sum_rows(crtk_supp *sp, int t, const GArray *members, int first, int last)
{
    int n = (int)members->len;
    int *cols = g_new(int, n > 0 ? n : 1);
    for (int c = first; c <= last; c++) {
        for (int k = 0; k < n; k++)
            cols[k] = c;
        crtk_supp_sum(sp, t, c, (const int *)(void *)members->data, cols, n);
    }
    g_free(cols);
}

/* An estimate at year k is shown when the group's cases and its number at risk then are shown,
 * and the deaths it counts are none or not small: with the cases, survival without censoring
 * gives deaths = cases x (1 - survival) and at risk = cases x survival back. */
static gboolean estimate_shown(const crtk_report *r, const crtk_supp *sp, GArray *rows, int i, int k)
{
    const srow *w = &g_array_index(rows, srow, i);
    return crtk_supp_state_of(sp, i, M_CASES) == CRTK_SUPP_SHOWN &&
           crtk_supp_state_of(sp, i, risk_of_year[k]) == CRTK_SUPP_SHOWN &&
           !crtk_report_suppressed(r, w->deaths_by[k]);
}

#define FEW_CASES 10

static void write_estimate(crtk_report *r, lxw_worksheet *ws, int y, int col, const group *g, const crtk_km_point *p,
                           gboolean shown)
{
    if (!shown || g->n == 0) {
        for (int i = 0; i < 3; i++)
            worksheet_write_string(ws, (lxw_row_t)y, (lxw_col_t)(col + i), g->n ? "*" : "", r->f_text_right);
        return;
    }
    /* estimates from fewer than FEW_CASES cases are marked (a dagger after the number) */
    lxw_format *f = g->n < FEW_CASES ? r->f_pct_few : r->f_pct;
    worksheet_write_number(ws, (lxw_row_t)y, (lxw_col_t)col, p->survival, f);
    if (isnan(p->ci_low))
        worksheet_write_blank(ws, (lxw_row_t)y, (lxw_col_t)(col + 1), f);
    else
        worksheet_write_number(ws, (lxw_row_t)y, (lxw_col_t)(col + 1), p->ci_low, f);
    if (isnan(p->ci_high))
        worksheet_write_blank(ws, (lxw_row_t)y, (lxw_col_t)(col + 2), f);
    else
        worksheet_write_number(ws, (lxw_row_t)y, (lxw_col_t)(col + 2), p->ci_high, f);
}

/* ---- printing: the survival table on one landscape page wide ---------------------------------
 * Column widths in characters (162 in all, 174 as written with each column's padding: Letter
 * landscape at about 80%); a site group's name wraps in its column (the row made tall enough), so
 * no name is cut off. */
#define W_SITE 26.0
#define W_STAGE 17.0
#define W_COUNT 7.0
#define W_LOST 9.0
#define W_RISK 8.0
#define W_EST 8.0
#define N_COLS 17
#define TABLE_WIDTH (W_SITE + W_STAGE + 2 * W_COUNT + W_LOST + 3 * (W_RISK + 3 * W_EST))

typedef struct {
    lxw_format *wrap, *wrap_bold;
} surv_formats;

/* Lines a label takes in a column width characters wide, its words wrapped as a spreadsheet
 * does (a character spare for the cell's margins). */
static int lines_for(const char *text, double width)
{
    int per = (int)width - 1, lines = 1, used = 0;
    char **words = g_strsplit(text, " ", -1);
    for (char **w = words; *w; w++) {
        int n = (int)g_utf8_strlen(*w, -1);
        if (used > 0 && used + 1 + n > per) {
            lines++;
            used = 0;
        }
        used += (used > 0 ? 1 : 0) + n;
        while (used > per) { /* a word longer than the line breaks inside */
            lines++;
            used -= per;
        }
    }
    g_strfreev(words);
    return lines;
}

static int write_group_row(crtk_report *r, lxw_worksheet *ws, int y, const char *site_label, const char *stage_label,
                           const crtk_supp *sp, GArray *rows, int i, const surv_formats *sf)
{
    srow *w = &g_array_index(rows, srow, i);
    gboolean total = w->kind == ROW_ALL && w->stage == ALL_STAGES;
    lxw_format *fc = total ? r->f_count_total : r->f_count;
    int lines = MAX(lines_for(site_label, W_SITE), lines_for(stage_label, W_STAGE));
    lxw_format *fl = total ? sf->wrap_bold : sf->wrap;
    worksheet_write_string(ws, (lxw_row_t)y, 0, site_label, fl);
    worksheet_write_string(ws, (lxw_row_t)y, 1, stage_label, fl);
    if (lines > 1)
        worksheet_set_row(ws, (lxw_row_t)y, 15.0 * lines, NULL);
    gboolean n_shown = crtk_report_supp_count(r, ws, y, 2, sp, i, M_CASES, fc);
    crtk_report_supp_count(r, ws, y, 3, sp, i, M_DEATHS, fc);
    crtk_report_supp_pct(r, ws, y, 4, w->v[M_LOST], crtk_supp_state_of(sp, i, M_LOST) == CRTK_SUPP_SHOWN,
                         w->v[M_CASES], n_shown, total ? r->f_pct_total : r->f_pct);
    static const int years[] = {1, 3, 5};
    for (int k = 0; k < 3; k++) {
        int col = 5 + k * 4;
        crtk_report_supp_count(r, ws, y, col, sp, i, risk_of_year[years[k]], fc);
        write_estimate(r, ws, y, col + 1, w->g, &w->p[years[k]], estimate_shown(r, sp, rows, i, years[k]));
    }
    return y + 1;
}

gboolean crtk_report_survival(crtk_report *r, GError **error)
{
    surv_ctx c = {.r = r, .groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, group_free)};
    c.so.endpoint_year = r->as_of_year;
    c.so.today = (crtk_date){r->as_of_year, (r->as_of[4] - '0') * 10 + (r->as_of[5] - '0'),
                             (r->as_of[6] - '0') * 10 + (r->as_of[7] - '0')};
    {
        int y = c.so.today.year, m = c.so.today.month - 15, d = c.so.today.day;
        while (m < 1) {
            m += 12;
            y--;
        }
        c.lost_cutoff = y * 10000 + m * 100 + d;
    }
    static const char *const specs[] = {"primarySite", "histologicTypeIcdO3", "behaviorCodeIcdO3", "dateOfDiagnosis",
                                        "dateOfLastContact", "vitalStatus", "typeOfReportingSource", "classOfCase",
                                        "dateOfBirth", "sequenceNumberCentral", CRTK_REPORT_STAGE_SPEC};
    gboolean ok = crtk_report_scan(r, specs, G_N_ELEMENTS(specs), row_fn, &c, error);
    GPtrArray *top = NULL;
    if (ok) {
        /* the top groups by eligible cases */
        GHashTableIter it;
        gpointer hk, hv;
        GPtrArray *sites = g_ptr_array_new();
        g_hash_table_iter_init(&it, c.groups);
        while (g_hash_table_iter_next(&it, &hk, &hv)) {
            const char *key = hk;
            if (key[0] != '|' && g_str_has_suffix(key, "|A") && strncmp(key, "99|", 3))
                g_ptr_array_add(sites, hk);
        }
        for (guint a = 0; a < sites->len; a++)
            for (guint b = a + 1; b < sites->len; b++) {
                group *ga = g_hash_table_lookup(c.groups, g_ptr_array_index(sites, a));
                group *gb = g_hash_table_lookup(c.groups, g_ptr_array_index(sites, b));
                if (gb->n > ga->n || (gb->n == ga->n && strcmp(g_ptr_array_index(sites, b), g_ptr_array_index(sites, a)) < 0)) {
                    gpointer t = sites->pdata[a];
                    sites->pdata[a] = sites->pdata[b];
                    sites->pdata[b] = t;
                }
            }
        top = g_ptr_array_new_with_free_func(g_free);
        for (guint a = 0; a < sites->len && (int)a < r->opt->top; a++) {
            const char *key = g_ptr_array_index(sites, a);
            g_ptr_array_add(top, g_strndup(key, (gsize)(strchr(key, '|') - key)));
        }
        g_ptr_array_free(sites, TRUE);

        /* the rows of the table, and the sites left out */
        GArray *rows = g_array_new(FALSE, TRUE, sizeof(srow));
        for (guint a = 0; a < top->len; a++) {
            const char *site = g_ptr_array_index(top, a);
            for (int st = 0; st <= ALL_STAGES; st++) {
                group *g = get_group(&c, site, st < ALL_STAGES ? (char)('0' + st) : 'A');
                if (g->n == 0 && st < ALL_STAGES)
                    continue;
                srow w = {.kind = ROW_SITE, .site = (int)a, .stage = st, .g = g};
                srow_fill(&w);
                g_array_append_val(rows, w);
            }
        }
        for (int st = 0; st <= ALL_STAGES; st++) {
            group *g = get_group(&c, "", st < ALL_STAGES ? (char)('0' + st) : 'A');
            if (g->n == 0 && st < ALL_STAGES)
                continue;
            srow w = {.kind = ROW_ALL, .stage = st, .g = g};
            srow_fill(&w);
            g_array_append_val(rows, w);
        }
        int n_written = (int)rows->len;
        for (int i = 0; i < n_written; i++) {
            srow all = g_array_index(rows, srow, i);
            if (all.kind != ROW_ALL)
                continue;
            srow w = {.kind = ROW_OTHER, .stage = all.stage};
            for (int m = 0; m < N_MEASURES; m++)
                w.v[m] = all.v[m];
            for (int j = 0; j < n_written; j++) {
                const srow *x = &g_array_index(rows, srow, j);
                if (x->kind == ROW_SITE && x->stage == all.stage)
                    for (int m = 0; m < N_MEASURES; m++)
                        w.v[m] -= x->v[m];
            }
            g_array_append_val(rows, w);
        }
        crtk_supp *sp = crtk_supp_new((int)rows->len, N_MEASURES);
        for (guint i = 0; i < rows->len; i++) {
            const srow *w = &g_array_index(rows, srow, i);
            /* the other sites' rows are not written; nor are numbers at risk at 2 and 4 years,
             * but for all sites (the curves sheet) */
            int last = w->kind == ROW_ALL ? N_MEASURES - 1 : M_RISK5;
            for (int m = 0; m <= last; m++) {
                crtk_supp_set(sp, (int)i, m, w->v[m]);
                if (w->kind == ROW_OTHER)
                    crtk_supp_unpublished(sp, (int)i, m);
            }
        }
        GArray *mb = g_array_new(FALSE, FALSE, sizeof(int));
        /* over the stages: each top site, all sites (every measure), the other sites */
        for (int kind = ROW_SITE; kind <= ROW_OTHER; kind++)
            for (guint a = 0; a < (kind == ROW_SITE ? top->len : 1); a++) {
                int t = find_srow(rows, kind, (int)a, ALL_STAGES);
                g_array_set_size(mb, 0);
                for (int st = 0; st < ALL_STAGES; st++) {
                    int i = find_srow(rows, kind, (int)a, st);
                    if (i >= 0)
                        g_array_append_val(mb, i);
                }
                if (t >= 0)
                    sum_rows(sp, t, mb, 0, kind == ROW_ALL ? N_MEASURES - 1 : M_RISK5);
            }
        /* over the sites: each stage and all stages = the top sites + the other sites */
        for (int st = 0; st <= ALL_STAGES; st++) {
            int t = find_srow(rows, ROW_ALL, 0, st);
            if (t < 0)
                continue;
            g_array_set_size(mb, 0);
            for (guint a = 0; a < top->len; a++) {
                int i = find_srow(rows, ROW_SITE, (int)a, st);
                if (i >= 0)
                    g_array_append_val(mb, i);
            }
            int o = find_srow(rows, ROW_OTHER, 0, st);
            g_array_append_val(mb, o);
            sum_rows(sp, t, mb, 0, M_RISK5);
        }
        g_array_free(mb, TRUE);
        crtk_supp_run(sp, r->opt->suppress_below);

        surv_formats sf = {workbook_add_format(r->wb), workbook_add_format(r->wb)};
        format_set_text_wrap(sf.wrap);
        format_set_text_wrap(sf.wrap_bold);
        format_set_bold(sf.wrap_bold);
        format_set_top(sf.wrap_bold, LXW_BORDER_THIN);

        int y;
        char *note = g_strdup_printf(
            "Observed (all causes) Kaplan-Meier survival from diagnosis to last contact or death, as of the date above. "
            "Left out: %ld death-certificate-only or autopsy-only cases and %ld cases with unknown survival time. "
            "Lost: alive without contact for more than 15 months (censored at last contact). "
            "CoC policy does not permit public reporting of a facility's survival compared with NCDB data. "
            "\u2020 estimate from fewer than 10 cases: unreliable.",
            c.excluded_dco, c.excluded_unknown);
        lxw_worksheet *ws = crtk_report_sheet(r, "Survival", "Observed survival by stage at diagnosis", NULL, &y);
        /* the note where the title block would have put it, wrapped across the table so it prints */
        y = crtk_report_note_block(r, ws, y - 1, N_COLS - 1, TABLE_WIDTH, note) + 1;
        g_free(note);
        const char *hdr[] = {"Site group", "Stage", "Cases", "Deaths", "Lost to follow-up",
                             "At risk 1 year", "1-year survival", "95% CI low", "95% CI high",
                             "At risk 3 years", "3-year survival", "95% CI low", "95% CI high",
                             "At risk 5 years", "5-year survival", "95% CI low", "95% CI high"};
        int ncol = (int)G_N_ELEMENTS(hdr);
        int head = y;
        crtk_report_header(r, ws, head, hdr, ncol);
        /* one landscape page wide (about 80% on Letter): narrow number columns, names wrapped */
        /* one column at a time (crtk_report_columns): overlapping ranges make a workbook invalid */
        crtk_report_columns(ws, 0, 0, W_SITE);
        crtk_report_columns(ws, 1, 1, W_STAGE);
        crtk_report_columns(ws, 2, 3, W_COUNT);
        crtk_report_columns(ws, 4, 4, W_LOST);
        for (int k = 0; k < 3; k++) {
            crtk_report_columns(ws, 5 + 4 * k, 5 + 4 * k, W_RISK);
            crtk_report_columns(ws, 6 + 4 * k, 8 + 4 * k, W_EST);
        }
        worksheet_set_row(ws, (lxw_row_t)head, 45, NULL); /* "Lost to follow-up" in three lines */
        worksheet_set_landscape(ws);
        y++;
        for (int i = 0; i < n_written; i++) {
            const srow *w = &g_array_index(rows, srow, i);
            if (w->kind == ROW_ALL && i > 0 && g_array_index(rows, srow, i - 1).kind == ROW_SITE)
                crtk_report_filter(ws, head, y - 1, ncol);
            const char *label = w->kind == ROW_ALL ? "All sites" : crtk_report_site_label(g_ptr_array_index(top, (guint)w->site));
            y = write_group_row(r, ws, y, label, w->stage == ALL_STAGES ? "All stages" : crtk_stage_labels[w->stage], sp,
                                rows, i, &sf);
        }
        y = crtk_report_supp_note_block(
            r, ws, y + 1, sp, N_COLS - 1, TABLE_WIDTH,
            "A survival estimate and its interval are shown only when the group's cases and its number at risk at "
            "that time are shown and the deaths before it are none or not fewer than the threshold (\"*\" otherwise): "
            "with the cases, an estimate gives the deaths and the number at risk back.");

        /* curves: all selected sites by stage, yearly points with numbers at risk */
        int y2;
        lxw_worksheet *cs = crtk_report_sheet(r, "Curves", "Observed survival by stage, all selected sites", NULL, &y2);
        const char *hdr2[] = {"Years since diagnosis", "In situ", "Localized", "Regional", "Distant",
                              "Benign/borderline or N/A", "Unknown/unstaged", "All stages"};
        int head2 = y2;
        crtk_report_header(r, cs, head2, hdr2, 8);
        worksheet_write_string(cs, (lxw_row_t)(head2 - 1), 1, "Survival (Kaplan-Meier)", r->f_section);
        int ri[7];
        for (int st = 0; st < 7; st++)
            ri[st] = find_srow(rows, ROW_ALL, 0, st);
        /* chart data beside the table (hidden columns): the points shown, gaps for the others */
        enum { CHART_COL = 9 };
        int series = 0;
        gboolean has_points[7] = {FALSE};
        for (int k = 0; k < 6; k++) {
            int row = head2 + 1 + k;
            worksheet_write_number(cs, (lxw_row_t)row, 0, k, NULL);
            for (int st = 0; st < 7; st++) {
                int i = ri[st];
                if (i < 0) {
                    worksheet_write_blank(cs, (lxw_row_t)row, (lxw_col_t)(1 + st), NULL);
                } else if (!estimate_shown(r, sp, rows, i, k)) {
                    worksheet_write_string(cs, (lxw_row_t)row, (lxw_col_t)(1 + st), "*", r->f_text_right);
                } else {
                    double v = g_array_index(rows, srow, i).p[k].survival;
                    worksheet_write_number(cs, (lxw_row_t)row, (lxw_col_t)(1 + st), v, r->f_pct);
                    worksheet_write_number(cs, (lxw_row_t)row, (lxw_col_t)(CHART_COL + st), v, r->f_pct);
                    has_points[st] = TRUE;
                }
            }
        }
        int risk_head = head2 + 8;
        worksheet_write_string(cs, (lxw_row_t)(risk_head - 1), 1, "Numbers at risk", r->f_section);
        for (int i = 0; i < 8; i++)
            worksheet_write_string(cs, (lxw_row_t)risk_head, (lxw_col_t)i, hdr2[i], r->f_header);
        worksheet_set_row(cs, (lxw_row_t)risk_head, 45, NULL); /* "Benign/borderline or N/A" in three lines */
        for (int k = 0; k < 6; k++) {
            int row = risk_head + 1 + k;
            worksheet_write_number(cs, (lxw_row_t)row, 0, k, NULL);
            for (int st = 0; st < 7; st++) {
                if (ri[st] < 0)
                    worksheet_write_number(cs, (lxw_row_t)row, (lxw_col_t)(1 + st), 0, r->f_count);
                else
                    crtk_report_supp_count(r, cs, row, 1 + st, sp, ri[st], risk_of_year[k], r->f_count);
            }
        }
        int yn = crtk_report_supp_note_block(r, cs, risk_head + 8, sp, 7, 42 + 7 * 12,
                                             "Survival points are shown as on the survival sheet.");
        lxw_chart *ch = workbook_add_chart(r->wb, LXW_CHART_LINE);
        chart_title_set_name(ch, "Observed survival by stage");
        for (int st = 0; st < 7; st++) {
            if (!has_points[st])
                continue; /* a curve with nothing shown is left out, with its name */
            series++;
            worksheet_write_string(cs, (lxw_row_t)head2, (lxw_col_t)(CHART_COL + st), hdr2[1 + st], r->f_header);
            lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
            chart_series_set_categories(se, "Curves", (lxw_row_t)(head2 + 1), 0, (lxw_row_t)(head2 + 6), 0);
            chart_series_set_values(se, "Curves", (lxw_row_t)(head2 + 1), (lxw_col_t)(CHART_COL + st),
                                    (lxw_row_t)(head2 + 6), (lxw_col_t)(CHART_COL + st));
            chart_series_set_name_range(se, "Curves", (lxw_row_t)head2, (lxw_col_t)(CHART_COL + st));
            chart_series_set_marker_type(se, LXW_CHART_MARKER_AUTOMATIC);
        }
        crtk_report_chart_data(cs, CHART_COL, CHART_COL + 6, ch);
        chart_axis_set_name(ch->x_axis, "Years since diagnosis");
        chart_axis_set_name(ch->y_axis, "Surviving");
        chart_axis_set_num_format(ch->y_axis, "0%");
        chart_axis_set_min(ch->y_axis, 0);
        chart_axis_set_max(ch->y_axis, 1);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_RIGHT);
        lxw_chart_options co = {.x_scale = 2.0, .y_scale = 1.6};
        if (series) /* nothing shown: no chart */
            worksheet_insert_chart_opt(cs, (lxw_row_t)(yn > risk_head + 8 ? yn + 1 : risk_head + 9), 0, ch, &co);
        crtk_supp_free(sp);
        g_array_free(rows, TRUE);
        worksheet_activate(ws);
    }
    if (top)
        g_ptr_array_free(top, TRUE);
    g_hash_table_destroy(c.groups);
    return ok;
}
#endif
