/* excel_common.c — shared parts of the Excel reports: the selection, the title block, formats,
 * suppression of small counts, count tables, and the table of reports (see excel_common.h).
 */
#include "excel_common.h"
#include "crtk/output.h"
#include "excel_reports.h"
#include "derived.h"
#include "problem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void crtk_report_options_init(crtk_report_options *o)
{
    memset(o, 0, sizeof *o);
    o->top = 10;
}

const char *crtk_report_site_group(const char *site, const char *hist, const char *beh, const char *dxdate)
{
    return crtk_seer_site_recode(site, hist, beh, dxdate);
}

const char *crtk_report_site_label(const char *code)
{
    const char *l = crtk_recode_label(CRTK_RECODE_SEER_2023, code, false);
    return l ? l : "Unknown or not classified";
}

static const crtk_report_def reports[] = {
    {"site-table", "Primary site table",
     "Cases by site group (SEER Site Recode 2023), with class of case (analytic, non-analytic), sex, and "
     "stage at diagnosis in Summary Stage 2018 groups (SEER Summary Stage 2000 before 2018); totals and a "
     "bar chart of the ten largest groups.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_site_table
#else
     NULL
#endif
    },
    {"stage", "Stage at diagnosis by site",
     "Summary stage distribution (in situ, localized, regional, distant, benign/not applicable, unknown) of "
     "the top site groups, in counts and percentages, with a stacked bar chart.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_stage
#else
     NULL
#endif
    },
    {"trends", "Cases by year of diagnosis",
     "Cases by year of diagnosis for all sites (analytic and non-analytic) and for the top site groups, "
     "with a line chart.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_trends
#else
     NULL
#endif
    },
    {"age", "Age at diagnosis by sex",
     "Cases by SEER 5-year age group (age at diagnosis, computed from the dates when item 230 is blank) and "
     "sex, with percentages and a column chart.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_age
#else
     NULL
#endif
    },
    {"followup", "Follow-up rates",
     "The CoC follow-up rate worksheet (lines A-E) for the reference-date cohort (target 80%) and the last "
     "five years (target 90%), patients counted once, and the patients due and lost by next follow-up source.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_followup
#else
     NULL
#endif
    },
    {"quality", "Data quality",
     "The NAACCR and NPCR data-quality measures (death-certificate-only share; missing sex, age, race, county; "
     "possible duplicates; share passing the edits) against their published standards, cases by year and "
     "reporting facility, and the failures per edit of the state-submission edit set.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_quality
#else
     NULL
#endif
    },
    {"survival", "Observed survival by stage",
     "Observed (all causes) Kaplan-Meier survival at 1, 3 and 5 years with 95% confidence intervals by summary "
     "stage for the top site groups, with numbers at risk and a chart; death-certificate-only and autopsy-only "
     "cases, and cases whose survival time is unknown, are left out.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_survival
#else
     NULL
#endif
    },
};

const crtk_report_def *crtk_reports(int *n)
{
    *n = (int)G_N_ELEMENTS(reports);
    return reports;
}

const crtk_report_def *crtk_report_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(reports); i++)
        if (!strcmp(reports[i].name, name))
            return &reports[i];
    return NULL;
}

int crtk_report_year(const char *date)
{
    if (!date || strlen(date) < 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (!g_ascii_isdigit(date[i]))
            return 0;
    int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
    return y >= 1800 && y <= 2999 ? y : 0;
}

#ifndef CRTK_HAVE_XLSXWRITER

gboolean crtk_report_run(crtk_store *s, const crtk_report_def *def, const char *path, const crtk_report_options *o,
                         GError **error)
{
    (void)s, (void)def, (void)path, (void)o;
    g_set_error(error, CRTK_ERROR, CRTK_ERROR_UNSUPPORTED, "crtk was built without libxlsxwriter: no Excel reports");
    return FALSE;
}

#else

gboolean crtk_report_aggregate(crtk_report *r, const char *const *specs, int n, crtk_store_row_fn fn, void *user,
                               GError **error)
{
    return crtk_store_aggregate(r->store, &r->query, specs, n, fn, user, error);
}

gboolean crtk_report_scan(crtk_report *r, const char *const *specs, int n, crtk_store_row_fn fn, void *user,
                          GError **error)
{
    return crtk_store_scan_items(r->store, &r->query, specs, n, fn, user, error);
}

gboolean crtk_report_suppressed(const crtk_report *r, long n)
{
    return r->opt->suppress_below > 0 && n > 0 && n < r->opt->suppress_below;
}

gboolean crtk_report_count(crtk_report *r, lxw_worksheet *ws, int row, int col, long n, lxw_format *f)
{
    if (crtk_report_suppressed(r, n)) {
        char buf[32];
        g_snprintf(buf, sizeof buf, "<%d", r->opt->suppress_below);
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, buf, r->f_text_right);
        return FALSE;
    }
    worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, (double)n, f ? f : r->f_count);
    return TRUE;
}

void crtk_report_pct(crtk_report *r, lxw_worksheet *ws, int row, int col, long n, long d, lxw_format *f)
{
    if (d <= 0) {
        worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, f ? f : r->f_pct);
        return;
    }
    if (crtk_report_suppressed(r, n) || crtk_report_suppressed(r, d)) {
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, "*", r->f_text_right);
        return;
    }
    worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, (double)n / (double)d, f ? f : r->f_pct);
}

/* Print setup of every sheet, in one place: fit to the page width (as many pages down as
 * needed), centred, narrow margins, and a footer with the registry name, the date and
 * "Page N of M".  Orientation and repeated header rows come with the header row. */
lxw_workbook *crtk_xlsx_begin(const char *path, gboolean constant_memory, crtk_output **out, GError **error)
{
    *out = crtk_output_begin(path, error);
    if (!*out)
        return NULL;
    lxw_workbook_options o = {.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(crtk_output_temp_path(*out), &o);
    if (!wb) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot create the workbook", path);
        crtk_output_abort(*out);
        *out = NULL;
    }
    return wb;
}

gboolean crtk_xlsx_commit(lxw_workbook *wb, crtk_output *out, const char *path, GError **error)
{
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot write the workbook: %s", path, lxw_strerror(e));
        crtk_output_abort(out);
        return FALSE;
    }
    return crtk_output_commit(out, error);
}

void crtk_xlsx_abandon(lxw_workbook *wb, crtk_output *out)
{
    if (wb)
        workbook_close(wb);
    if (out)
        crtk_output_abort(out);
}

void crtk_sheet_print_setup(lxw_worksheet *ws, const char *left, const char *as_of, gboolean landscape, int header_row)
{
    if (landscape)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_center_horizontally(ws);
    worksheet_set_margins(ws, 0.5, 0.5, 0.6, 0.7);
    worksheet_set_paper(ws, 1); /* Letter */
    if (header_row >= 0)
        worksheet_repeat_rows(ws, (lxw_row_t)header_row, (lxw_row_t)header_row);
    /* "&" starts a code in a footer: double it in the registry's name; a footer holds 255 characters */
    GString *reg = g_string_new(NULL);
    for (const char *p = left && *left ? left : "crtk"; *p && reg->len < 120; p++) {
        if (*p == '&')
            g_string_append_c(reg, '&');
        g_string_append_c(reg, *p);
    }
    char date[32] = "";
    if (as_of && strlen(as_of) >= 8)
        g_snprintf(date, sizeof date, "&C&8As of %.4s-%.2s-%.2s", as_of, as_of + 4, as_of + 6);
    char *footer = g_strdup_printf("&L&8%s%s&R&8Page &P of &N", reg->str, date);
    lxw_header_footer_options fo = {.margin = 0.3};
    worksheet_set_footer_opt(ws, footer, &fo);
    g_free(footer);
    g_string_free(reg, TRUE);
}

void crtk_report_print_setup(crtk_report *r, lxw_worksheet *ws)
{
    crtk_sheet_print_setup(ws, r->registry, r->as_of, FALSE, -1);
}

void crtk_report_print_layout(lxw_worksheet *ws, int header_row, double table_width)
{
    /* a portrait Letter page holds about 95 characters of the default font at 100% */
    if (table_width > 110)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    if (header_row >= 0)
        worksheet_repeat_rows(ws, (lxw_row_t)header_row, (lxw_row_t)header_row);
}

void crtk_report_columns(lxw_worksheet *ws, int first_col, int last_col, double width)
{
    /* one column at a time: overlapping ranges would make the workbook invalid */
    for (int c = first_col; c <= last_col; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width, NULL);
}

void crtk_report_chart_data(lxw_worksheet *ws, int first_col, int last_col, lxw_chart *chart)
{
    lxw_row_col_options hidden = {.hidden = LXW_TRUE};
    for (int c = first_col; c <= last_col; c++)
        worksheet_set_column_opt(ws, (lxw_col_t)c, (lxw_col_t)c, 16, NULL, &hidden);
    if (chart)
        chart_show_hidden_data(chart);
}

lxw_worksheet *crtk_report_sheet(crtk_report *r, const char *sheet_name, const char *title, const char *note,
                                 int *row)
{
    lxw_worksheet *ws = workbook_add_worksheet(r->wb, sheet_name);
    crtk_report_print_setup(r, ws);
    worksheet_set_column(ws, 0, 0, 42, NULL);
    crtk_report_columns(ws, 1, 30, 12);
    int y = 0;
    worksheet_write_string(ws, (lxw_row_t)y++, 0, title, r->f_title);
    char *line = g_strdup_printf("%s%sAs of %.4s-%.2s-%.2s; made by crtk report %s", r->registry,
                                 *r->registry ? ". " : "", r->as_of, r->as_of + 4, r->as_of + 6, r->name);
    worksheet_write_string(ws, (lxw_row_t)y++, 0, line, r->f_subtitle);
    g_free(line);
    line = g_strdup_printf("Selection: %s", r->selection);
    worksheet_write_string(ws, (lxw_row_t)y++, 0, line, r->f_note);
    g_free(line);
    if (r->opt->suppress_below > 0) {
        line = g_strdup_printf("Counts from 1 to %d are not shown (\"<%d\"), nor shares built on them (\"*\").",
                               r->opt->suppress_below - 1, r->opt->suppress_below);
        worksheet_write_string(ws, (lxw_row_t)y++, 0, line, r->f_note);
        g_free(line);
    }
    if (note)
        worksheet_write_string(ws, (lxw_row_t)y++, 0, note, r->f_note);
    *row = y + 1;
    return ws;
}

void crtk_report_header(crtk_report *r, lxw_worksheet *ws, int row, const char *const *labels, int n)
{
    /* wrapped headers get the height of their longest label (columns 12 wide, the first 42) */
    int lines = 2;
    double width = 42;
    for (int i = 0; i < n; i++) {
        int w = i == 0 ? 42 : 12;
        if (i)
            width += 12;
        int len = (int)g_utf8_strlen(labels[i], -1);
        int l = (len + w - 3) / (w - 2) + 1; /* words do not break evenly: one line spare */
        if (l > lines)
            lines = l;
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)i, labels[i], r->f_header);
    }
    worksheet_set_row(ws, (lxw_row_t)row, 15.0 * lines, NULL);
    worksheet_freeze_panes(ws, (lxw_row_t)(row + 1), 1);
    crtk_report_print_layout(ws, row, width);
}

void crtk_report_filter(lxw_worksheet *ws, int header_row, int last_row, int ncols)
{
    if (last_row > header_row)
        worksheet_autofilter(ws, (lxw_row_t)header_row, 0, (lxw_row_t)last_row, (lxw_col_t)(ncols - 1));
}

gboolean crtk_report_is_analytic(const char *class_of_case)
{
    static const char *const codes[] = {"00", "10", "11", "12", "13", "14", "20", "21", "22"};
    for (size_t i = 0; class_of_case && i < G_N_ELEMENTS(codes); i++)
        if (!strcmp(class_of_case, codes[i]))
            return TRUE;
    return FALSE;
}

const char *crtk_report_classes_text(const crtk_report *r)
{
    return r->opt->all_classes ? "all classes of case" : "analytic cases only (class of case 00, 10-14, 20-22)";
}

/* ---- small-cell suppression --------------------------------------------------------------- */

struct crtk_supp {
    int nrows, ncols;
    long *v;
    unsigned char *state;
    GArray *sums;  /* int: total index, n, member indexes ... */
};

crtk_supp *crtk_supp_new(int nrows, int ncols)
{
    crtk_supp *s = g_new0(crtk_supp, 1);
    s->nrows = nrows;
    s->ncols = ncols;
    s->v = g_new0(long, (gsize)(nrows * ncols > 0 ? nrows * ncols : 1));
    s->state = g_new0(unsigned char, (gsize)(nrows * ncols > 0 ? nrows * ncols : 1));
    s->sums = g_array_new(FALSE, FALSE, sizeof(int));
    return s;
}

void crtk_supp_free(crtk_supp *s)
{
    if (!s)
        return;
    g_free(s->v);
    g_free(s->state);
    g_array_free(s->sums, TRUE);
    g_free(s);
}

void crtk_supp_set(crtk_supp *s, int row, int col, long n)
{
    s->v[row * s->ncols + col] = n;
}

long crtk_supp_get(const crtk_supp *s, int row, int col)
{
    return s->v[row * s->ncols + col];
}

void crtk_supp_sum(crtk_supp *s, int trow, int tcol, const int *rows, const int *cols, int n)
{
    int t = trow * s->ncols + tcol;
    g_array_append_val(s->sums, t);
    g_array_append_val(s->sums, n);
    for (int k = 0; k < n; k++) {
        int m = rows[k] * s->ncols + cols[k];
        g_array_append_val(s->sums, m);
    }
}

void crtk_supp_row_sums(crtk_supp *s, int tcol, int c0, int c1)
{
    int n = c1 - c0 + 1;
    int *rows = g_new(int, n), *cols = g_new(int, n);
    for (int r = 0; r < s->nrows; r++) {
        for (int k = 0; k < n; k++) {
            rows[k] = r;
            cols[k] = c0 + k;
        }
        crtk_supp_sum(s, r, tcol, rows, cols, n);
    }
    g_free(rows);
    g_free(cols);
}

void crtk_supp_col_sums(crtk_supp *s, int trow, int r0, int r1, int c0, int c1)
{
    int n = r1 - r0 + 1;
    if (n <= 0)
        return;
    int *rows = g_new(int, n), *cols = g_new(int, n);
    for (int c = c0; c <= c1; c++) {
        for (int k = 0; k < n; k++) {
            rows[k] = r0 + k;
            cols[k] = c;
        }
        crtk_supp_sum(s, trow, c, rows, cols, n);
    }
    g_free(rows);
    g_free(cols);
}

crtk_supp_state crtk_supp_state_of(const crtk_supp *s, int row, int col)
{
    return (crtk_supp_state)s->state[row * s->ncols + col];
}

int crtk_supp_count(const crtk_supp *s, crtk_supp_state st)
{
    int n = 0;
    for (int i = 0; i < s->nrows * s->ncols; i++)
        n += s->state[i] == st;
    return n;
}

/* Each published sum as an equation over the hidden cells: sum of hidden members minus the
 * hidden total = a known number.  A hidden cell can be worked out exactly when its unit vector
 * lies in the row space of those equations: after reduction to row echelon form, its column
 * is a pivot whose row has no other entry. */
gboolean crtk_supp_derivable(const crtk_supp *s, int *cell)
{
    int ncell = s->nrows * s->ncols;
    int *var = g_new(int, (gsize)(ncell > 0 ? ncell : 1));
    int nv = 0;
    for (int i = 0; i < ncell; i++)
        var[i] = s->state[i] ? nv++ : -1;
    if (nv == 0) {
        g_free(var);
        return FALSE;
    }
    GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);
    const int *a = (const int *)(void *)s->sums->data;
    for (guint p = 0; p < s->sums->len;) {
        int t = a[p], n = a[p + 1];
        double *eq = g_new0(double, (gsize)nv);
        gboolean any = FALSE;
        if (var[t] >= 0) {
            eq[var[t]] -= 1;
            any = TRUE;
        }
        for (int k = 0; k < n; k++) {
            int m = a[p + 2 + k];
            if (var[m] >= 0) {
                eq[var[m]] += 1;
                any = TRUE;
            }
        }
        p += 2 + (guint)n;
        if (any)
            g_ptr_array_add(rows, eq);
        else
            g_free(eq);
    }
    /* reduced row echelon form */
    int *pivot_row = g_new(int, (gsize)nv);
    for (int j = 0; j < nv; j++)
        pivot_row[j] = -1;
    guint r = 0;
    for (int j = 0; j < nv && r < rows->len; j++) {
        guint best = r;
        for (guint i = r; i < rows->len; i++)
            if (fabs(((double *)rows->pdata[i])[j]) > fabs(((double *)rows->pdata[best])[j]))
                best = i;
        double *pr = rows->pdata[best];
        if (fabs(pr[j]) < 1e-9)
            continue;
        rows->pdata[best] = rows->pdata[r];
        rows->pdata[r] = pr;
        double d = pr[j];
        for (int k = 0; k < nv; k++)
            pr[k] /= d;
        for (guint i = 0; i < rows->len; i++) {
            if (i == r)
                continue;
            double *q = rows->pdata[i];
            double f = q[j];
            if (fabs(f) < 1e-12)
                continue;
            for (int k = 0; k < nv; k++)
                q[k] -= f * pr[k];
        }
        pivot_row[j] = (int)r;
        r++;
    }
    gboolean found = FALSE;
    for (int i = 0; i < ncell && !found; i++) {
        if (var[i] < 0 || pivot_row[var[i]] < 0)
            continue;
        const double *q = rows->pdata[pivot_row[var[i]]];
        gboolean alone = TRUE;
        for (int k = 0; k < nv && alone; k++)
            if (k != var[i] && fabs(q[k]) > 1e-9)
                alone = FALSE;
        if (alone) {
            found = TRUE;
            if (cell)
                *cell = i;
        }
    }
    g_free(pivot_row);
    g_ptr_array_free(rows, TRUE);
    g_free(var);
    return found;
}

/* Hides one more cell of a sum containing cell i: the smallest positive shown member (a
 * total only when no member is left; a zero only when nothing positive is).  FALSE if none. */
static gboolean hide_partner(crtk_supp *s, int i, int only)
{
    const int *a = (const int *)(void *)s->sums->data;
    int best = -1, best_rank = 0;
    long best_v = 0;
    for (guint p = 0; p < s->sums->len;) {
        int t = a[p], n = a[p + 1];
        gboolean has = (only < 0 || (int)p == only) && t == i;
        for (int k = 0; k < n && !has && (only < 0 || (int)p == only); k++)
            has = a[p + 2 + k] == i;
        if (has) {
            for (int k = -1; k < n; k++) {
                int m = k < 0 ? t : a[p + 2 + k];
                if (m == i || s->state[m])
                    continue;
                long v = s->v[m];
                int rank = (v > 0 ? 0 : 2) + (k < 0 ? 1 : 0); /* positive member < positive total < zero */
                if (best < 0 || rank < best_rank || (rank == best_rank && v < best_v)) {
                    best = m;
                    best_rank = rank;
                    best_v = v;
                }
            }
        }
        p += 2 + (guint)n;
    }
    if (best < 0)
        return FALSE;
    s->state[best] = CRTK_SUPP_COMPLEMENT;
    return TRUE;
}

void crtk_supp_run(crtk_supp *s, int below)
{
    int ncell = s->nrows * s->ncols;
    memset(s->state, 0, (gsize)(ncell > 0 ? ncell : 1));
    if (below <= 1)
        return;
    for (int i = 0; i < ncell; i++)
        if (s->v[i] > 0 && s->v[i] < below)
            s->state[i] = CRTK_SUPP_PRIMARY;
    /* first the quick rule: no sum may have exactly one hidden cell */
    const int *a = (const int *)(void *)s->sums->data;
    gboolean changed = TRUE;
    while (changed) {
        changed = FALSE;
        for (guint p = 0; p < s->sums->len;) {
            int t = a[p], n = a[p + 1];
            int hidden = s->state[t] ? 1 : 0, which = t;
            for (int k = 0; k < n; k++)
                if (s->state[a[p + 2 + k]]) {
                    hidden++;
                    which = a[p + 2 + k];
                }
            if (hidden == 1 && hide_partner(s, which, (int)p))
                changed = TRUE;
            p += 2 + (guint)n;
        }
    }
    /* then the exact check over all sums together */
    int cell;
    int guard = ncell + 1;
    while (guard-- > 0 && crtk_supp_derivable(s, &cell))
        if (!hide_partner(s, cell, -1))
            break;
}

gboolean crtk_report_supp_count(crtk_report *r, lxw_worksheet *ws, int y, int x, const crtk_supp *s, int row, int col,
                                 lxw_format *f)
{
    crtk_supp_state st = crtk_supp_state_of(s, row, col);
    if (st == CRTK_SUPP_SHOWN) {
        worksheet_write_number(ws, (lxw_row_t)y, (lxw_col_t)x, (double)crtk_supp_get(s, row, col), f ? f : r->f_count);
        return TRUE;
    }
    char buf[32];
    if (st == CRTK_SUPP_PRIMARY)
        g_snprintf(buf, sizeof buf, "<%d", r->opt->suppress_below);
    else
        g_strlcpy(buf, "x", sizeof buf);
    worksheet_write_string(ws, (lxw_row_t)y, (lxw_col_t)x, buf, r->f_text_right);
    return FALSE;
}

void crtk_report_supp_pct(crtk_report *r, lxw_worksheet *ws, int y, int x, long n, gboolean n_shown, long d,
                          gboolean d_shown, lxw_format *f)
{
    if (d <= 0) {
        worksheet_write_blank(ws, (lxw_row_t)y, (lxw_col_t)x, f ? f : r->f_pct);
        return;
    }
    if (!n_shown || !d_shown) {
        worksheet_write_string(ws, (lxw_row_t)y, (lxw_col_t)x, "*", r->f_text_right);
        return;
    }
    worksheet_write_number(ws, (lxw_row_t)y, (lxw_col_t)x, (double)n / (double)d, f ? f : r->f_pct);
}

void crtk_report_supp_note(crtk_report *r, lxw_worksheet *ws, int y, const crtk_supp *s)
{
    int p = crtk_supp_count(s, CRTK_SUPP_PRIMARY), c = crtk_supp_count(s, CRTK_SUPP_COMPLEMENT);
    if (p + c == 0)
        return;
    char *line = g_strdup_printf(
        "Suppressed: %d count%s from 1 to %d (\"<%d\"), to protect the people counted; and %d further count%s "
        "(\"x\") so that none of them can be worked out from the row and column totals. Shares built on a "
        "suppressed count are not shown (\"*\"); charts leave suppressed values out.",
        p, p == 1 ? "" : "s", r->opt->suppress_below - 1, r->opt->suppress_below, c, c == 1 ? "" : "s");
    worksheet_write_string(ws, (lxw_row_t)y, 0, line, r->f_note);
    g_free(line);
}

/* ---- count tables ---------------------------------------------------------------------------- */

crtk_counts *crtk_counts_new(int ncols)
{
    crtk_counts *c = g_new0(crtk_counts, 1);
    c->row_keys = g_ptr_array_new_with_free_func(g_free);
    c->row_index = g_hash_table_new(g_str_hash, g_str_equal);
    c->ncols = ncols;
    c->cells = g_array_new(FALSE, TRUE, sizeof(long));
    return c;
}

void crtk_counts_free(crtk_counts *c)
{
    if (!c)
        return;
    g_hash_table_destroy(c->row_index);
    g_ptr_array_free(c->row_keys, TRUE);
    g_array_free(c->cells, TRUE);
    g_free(c);
}

int crtk_counts_row(crtk_counts *c, const char *key)
{
    gpointer v = g_hash_table_lookup(c->row_index, key);
    if (v)
        return GPOINTER_TO_INT(v) - 1;
    char *k = g_strdup(key);
    g_ptr_array_add(c->row_keys, k);
    int i = (int)c->row_keys->len - 1;
    g_hash_table_insert(c->row_index, k, GINT_TO_POINTER(i + 1));
    g_array_set_size(c->cells, c->row_keys->len * (guint)c->ncols);
    return i;
}

void crtk_counts_add(crtk_counts *c, const char *row_key, int col, long n)
{
    int i = crtk_counts_row(c, row_key);
    g_array_index(c->cells, long, (guint)(i * c->ncols + col)) += n;
}

long crtk_counts_get(const crtk_counts *c, int row, int col)
{
    return g_array_index(c->cells, long, (guint)(row * c->ncols + col));
}

long crtk_counts_row_total(const crtk_counts *c, int row)
{
    long t = 0;
    for (int j = 0; j < c->ncols; j++)
        t += crtk_counts_get(c, row, j);
    return t;
}

long crtk_counts_col_total(const crtk_counts *c, int col)
{
    long t = 0;
    for (guint i = 0; i < c->row_keys->len; i++)
        t += crtk_counts_get(c, (int)i, col);
    return t;
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void crtk_counts_sort_keys(crtk_counts *c)
{
    guint n = c->row_keys->len;
    int nc = c->ncols;
    /* sort a copy of the keys, then rebuild the cells in that order */
    char **keys = g_new(char *, n);
    for (guint i = 0; i < n; i++)
        keys[i] = g_ptr_array_index(c->row_keys, i);
    qsort(keys, n, sizeof(char *), cmp_keys);
    GArray *cells = g_array_new(FALSE, TRUE, sizeof(long));
    g_array_set_size(cells, n * (guint)nc);
    for (guint i = 0; i < n; i++) {
        int old = GPOINTER_TO_INT(g_hash_table_lookup(c->row_index, keys[i])) - 1;
        for (int j = 0; j < nc; j++)
            g_array_index(cells, long, i * (guint)nc + (guint)j) = g_array_index(c->cells, long, (guint)(old * nc + j));
    }
    g_array_free(c->cells, TRUE);
    c->cells = cells;
    g_ptr_array_set_free_func(c->row_keys, NULL);
    g_ptr_array_set_size(c->row_keys, 0);
    g_ptr_array_set_free_func(c->row_keys, g_free);
    for (guint i = 0; i < n; i++) {
        g_ptr_array_add(c->row_keys, keys[i]);
        g_hash_table_insert(c->row_index, keys[i], GINT_TO_POINTER((int)i + 1));
    }
    g_free(keys);
}

/* ---- running a report ---------------------------------------------------------------------- */

static void make_formats(crtk_report *r)
{
    lxw_workbook *wb = r->wb;
    r->f_title = workbook_add_format(wb);
    format_set_bold(r->f_title);
    format_set_font_size(r->f_title, 14);
    r->f_subtitle = workbook_add_format(wb);
    format_set_font_size(r->f_subtitle, 11);
    r->f_note = workbook_add_format(wb);
    format_set_italic(r->f_note);
    format_set_font_color(r->f_note, 0x595959);
    r->f_section = workbook_add_format(wb);
    format_set_bold(r->f_section);
    format_set_font_size(r->f_section, 12);
    r->f_header = workbook_add_format(wb);
    format_set_bold(r->f_header);
    format_set_text_wrap(r->f_header);
    format_set_align(r->f_header, LXW_ALIGN_CENTER);
    format_set_align(r->f_header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bg_color(r->f_header, 0xD9E1F2);
    format_set_border(r->f_header, LXW_BORDER_THIN);
    r->f_label = workbook_add_format(wb);
    r->f_label_bold = workbook_add_format(wb);
    format_set_bold(r->f_label_bold);
    format_set_top(r->f_label_bold, LXW_BORDER_THIN);
    r->f_count = workbook_add_format(wb);
    format_set_num_format(r->f_count, "#,##0");
    r->f_count_total = workbook_add_format(wb);
    format_set_num_format(r->f_count_total, "#,##0");
    format_set_bold(r->f_count_total);
    format_set_top(r->f_count_total, LXW_BORDER_THIN);
    r->f_pct = workbook_add_format(wb);
    format_set_num_format(r->f_pct, "0.0%");
    r->f_pct_total = workbook_add_format(wb);
    format_set_num_format(r->f_pct_total, "0.0%");
    format_set_bold(r->f_pct_total);
    format_set_top(r->f_pct_total, LXW_BORDER_THIN);
    r->f_pct_few = workbook_add_format(wb);
    format_set_num_format(r->f_pct_few, "0.0%\"\u2020\"");
    format_set_italic(r->f_pct_few);
    format_set_font_color(r->f_pct_few, 0x7F7F7F);
    r->f_dec = workbook_add_format(wb);
    format_set_num_format(r->f_dec, "0.000");
    r->f_text_right = workbook_add_format(wb);
    format_set_align(r->f_text_right, LXW_ALIGN_RIGHT);
    r->f_ok = workbook_add_format(wb);
    format_set_font_color(r->f_ok, 0x006100);
    format_set_bg_color(r->f_ok, 0xC6EFCE);
    r->f_bad = workbook_add_format(wb);
    format_set_font_color(r->f_bad, 0x9C0006);
    format_set_bg_color(r->f_bad, 0xFFC7CE);
}

static gboolean check_where(crtk_report *r, GError **error)
{
    gint64 p, t;
    if (!crtk_store_query_count(r->store, &r->query, &p, &t, error))
        return FALSE;
    if (t == 0) {
        /* an empty workbook would look like a registry with no cases: say so and write nothing */
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "no tumor matches the selection (%s): nothing written",
                    r->selection);
        return FALSE;
    }
    return TRUE;
}

gboolean crtk_report_run(crtk_store *s, const crtk_report_def *def, const char *path, const crtk_report_options *o,
                         GError **error)
{
    crtk_report_options defaults;
    if (!o) {
        crtk_report_options_init(&defaults);
        o = &defaults;
    }
    crtk_report r = {0};
    r.store = s;
    r.opt = o;
    r.name = def->name;
    r.as_of = o->as_of && strlen(o->as_of) == 8 ? g_strdup(o->as_of) : crtk_today();
    r.as_of_year = crtk_report_year(r.as_of);
    r.registry = crtk_store_get_setting(s, "registryName");
    if (!r.registry)
        r.registry = g_strdup("");
    GString *sel = g_string_new(NULL);
    if (o->where && *o->where) {
        r.query.where = o->where;
        g_string_append_printf(sel, "tumors where %s", o->where);
    }
    if (o->year_from > 0 || o->year_to > 0) {
        r.query.year_item = "dateOfDiagnosis";
        r.query.year_from = o->year_from;
        r.query.year_to = o->year_to;
        g_string_append_printf(sel, "%sdiagnosed ", sel->len ? ", " : "");
        if (o->year_from > 0 && o->year_to > 0)
            g_string_append_printf(sel, "%d-%d", o->year_from, o->year_to);
        else if (o->year_from > 0)
            g_string_append_printf(sel, "from %d", o->year_from);
        else
            g_string_append_printf(sel, "until %d", o->year_to);
    }
    if (!sel->len)
        g_string_append(sel, "all tumors in the store");
    if (o->selection_text)
        g_string_assign(sel, o->selection_text);
    r.selection = g_string_free(sel, FALSE);
    gboolean ok = o->qa ? TRUE : check_where(&r, error);
    crtk_output *out = NULL;
    if (ok) {
        r.wb = crtk_xlsx_begin(path, FALSE, &out, error);
        ok = r.wb != NULL;
    }
    if (ok) {
        lxw_doc_properties props = {0};
        char *title = g_strdup_printf("%s%s%s", def->title, *r.registry ? " - " : "", r.registry);
        props.title = title;
        props.author = "crtk";
        props.comments = r.selection;
        workbook_set_properties(r.wb, &props);
        make_formats(&r);
        ok = def->build(&r, error);
        g_free(title);
        /* the output module writes data about people owner-only (0600), whole or not at all */
        if (ok)
            ok = crtk_xlsx_commit(r.wb, out, path, error);
        else
            crtk_xlsx_abandon(r.wb, out);
        out = NULL;
    }
    g_free(r.selection);
    g_free(r.registry);
    g_free(r.as_of);
    return ok;
}

#endif

#ifdef CRTK_HAVE_XLSXWRITER
/* ---- stage and top sites ----------------------------------------------------------------------- */

const char *const crtk_stage_labels[CRTK_STAGE_COUNT] = {"In situ", "Localized", "Regional", "Distant",
                                                         "Benign/borderline or N/A", "Unknown/unstaged"};

int crtk_report_stage_group(const char *code)
{
    if (!code || !code[0] || code[1])
        return CRTK_STAGE_UNKNOWN;
    switch (code[0]) {
    case '0': return CRTK_STAGE_IN_SITU;
    case '1': return CRTK_STAGE_LOCAL;
    case '2': case '3': case '4': case '5': return CRTK_STAGE_REGIONAL;
    case '7': return CRTK_STAGE_DISTANT;
    case '8': return CRTK_STAGE_NA;
    default: return CRTK_STAGE_UNKNOWN;
    }
}

static int top_row(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    crtk_counts *c = user;
    crtk_counts_add(c, crtk_report_site_group(v[0], v[1], v[2], v[3]), 0, v[4] ? atol(v[4]) : 0);
    return CRTK_CONTINUE;
}

typedef struct { const char *code; long n; } code_count;

static int cmp_code_count(const void *a, const void *b)
{
    const code_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->code, y->code);
}

GPtrArray *crtk_report_top_sites(crtk_report *r, int n, GError **error)
{
    static const char *const specs[] = {"primarySite", "histologicTypeIcdO3", "behaviorCodeIcdO3", "dateOfDiagnosis:4"};
    crtk_counts *c = crtk_counts_new(1);
    gboolean ok = crtk_report_aggregate(r, specs, G_N_ELEMENTS(specs), top_row, c, error);
    GPtrArray *out = NULL;
    if (ok) {
        guint m = c->row_keys->len;
        code_count *cc = g_new(code_count, m ? m : 1);
        for (guint i = 0; i < m; i++)
            cc[i] = (code_count){g_ptr_array_index(c->row_keys, i), crtk_counts_get(c, (int)i, 0)};
        qsort(cc, m, sizeof *cc, cmp_code_count);
        out = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < m && (int)out->len < n; i++)
            if (strcmp(cc[i].code, "99"))
                g_ptr_array_add(out, g_strdup(cc[i].code));
        g_free(cc);
    }
    crtk_counts_free(c);
    return out;
}
#endif
