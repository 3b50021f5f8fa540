/* excel_site_table.c — `crtk report site-table`: the primary site table of an annual report.
 *
 * One row per SEER Site Recode 2023 group (in the recode's order, "Unknown or not classified"
 * last) with the total, its share, class of case (analytic 00, 10-14, 20-22; all others
 * non-analytic), sex, and summary stage groups of the analytic cases.  One grouped query
 * reads the store; the recode is applied to each (site, histology, behavior, year) group.
 * A second sheet ranks the ten largest groups with a bar chart.
 */
#include "excel_reports.h"

#ifdef CRTK_HAVE_XLSXWRITER
#include <stdlib.h>
#include <string.h>

enum { C_ANALYTIC, C_NONANALYTIC, C_MALE, C_FEMALE, C_SEXOTHER, C_STAGE0, NCOLS = C_STAGE0 + CRTK_STAGE_COUNT };

static gboolean is_analytic(const char *cls)
{
    static const char *const codes[] = {"00", "10", "11", "12", "13", "14", "20", "21", "22"};
    if (!cls)
        return FALSE;
    for (size_t i = 0; i < G_N_ELEMENTS(codes); i++)
        if (!strcmp(cls, codes[i]))
            return TRUE;
    return FALSE;
}

static int row_fn(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    crtk_counts *c = user;
    const char *g = crtk_report_site_group(v[0], v[1], v[2], v[3]);
    long n = atol(v[7]);
    gboolean analytic = is_analytic(v[5]);
    crtk_counts_add(c, g, analytic ? C_ANALYTIC : C_NONANALYTIC, n);
    const char *sex = v[4];
    crtk_counts_add(c, g, sex && !strcmp(sex, "1") ? C_MALE : sex && !strcmp(sex, "2") ? C_FEMALE : C_SEXOTHER, n);
    if (analytic)
        crtk_counts_add(c, g, C_STAGE0 + crtk_report_stage_group(v[6]), n);
    return CRTK_CONTINUE;
}

static long total_of(const crtk_counts *c, int row)
{
    return crtk_counts_get(c, row, C_ANALYTIC) + crtk_counts_get(c, row, C_NONANALYTIC);
}

typedef struct { int row; long n; } rank;
static int cmp_rank(const void *a, const void *b)
{
    const rank *x = a, *y = b;
    return x->n != y->n ? (x->n > y->n ? -1 : 1) : x->row - y->row;
}

gboolean crtk_report_site_table(crtk_report *r, GError **error)
{
    static const char *const specs[] = {"primarySite", "histologicTypeIcdO3", "behaviorCodeIcdO3", "dateOfDiagnosis:4",
                                        CRTK_REPORT_SEX_SPEC, "classOfCase", CRTK_REPORT_STAGE_SPEC};
    crtk_counts *c = crtk_counts_new(NCOLS);
    gboolean ok = crtk_report_aggregate(r, specs, G_N_ELEMENTS(specs), row_fn, c, error);
    if (!ok) {
        crtk_counts_free(c);
        return FALSE;
    }
    crtk_counts_sort_keys(c); /* recode order: "01".."81", then "99" */

    int y;
    lxw_worksheet *ws = crtk_report_sheet(r, "Sites", "Primary site table",
        "Site groups: SEER Site Recode 2023. Analytic: class of case 00, 10-14, 20-22. Stage: Summary Stage 2018 "
        "(SEER Summary Stage 2000 before 2018), analytic cases only.", &y);
    worksheet_write_string(ws, (lxw_row_t)(y - 1), 3, "Class of case", r->f_section);
    worksheet_write_string(ws, (lxw_row_t)(y - 1), 5, "Sex", r->f_section);
    worksheet_write_string(ws, (lxw_row_t)(y - 1), 8, "Stage at diagnosis (analytic cases)", r->f_section);
    const char *hdr[] = {"Site group", "Total", "% of all", "Analytic", "Non-analytic", "Male", "Female",
                         "Other/unknown sex", "In situ", "Localized", "Regional", "Distant",
                         "Benign/borderline or N/A", "Unknown/unstaged"};
    int ncol = (int)G_N_ELEMENTS(hdr);
    int head = y;
    crtk_report_header(r, ws, head, hdr, ncol);
    worksheet_set_column(ws, 2, 2, 9, NULL);
    long grand = 0;
    guint nrows = c->row_keys->len;
    for (guint i = 0; i < nrows; i++)
        grand += total_of(c, (int)i);
    y++;
    for (guint i = 0; i < nrows; i++, y++) {
        const char *code = g_ptr_array_index(c->row_keys, i);
        worksheet_write_string(ws, (lxw_row_t)y, 0, crtk_report_site_label(code), r->f_label);
        long tot = total_of(c, (int)i);
        crtk_report_count(r, ws, y, 1, tot, r->f_count);
        crtk_report_pct(r, ws, y, 2, tot, grand, r->f_pct);
        for (int j = 0; j < NCOLS; j++)
            crtk_report_count(r, ws, y, 3 + j, crtk_counts_get(c, (int)i, j), r->f_count);
    }
    crtk_report_filter(ws, head, y - 1, ncol);
    worksheet_write_string(ws, (lxw_row_t)y, 0, "All sites", r->f_label_bold);
    crtk_report_count(r, ws, y, 1, grand, r->f_count_total);
    crtk_report_pct(r, ws, y, 2, grand, grand, r->f_pct_total);
    for (int j = 0; j < NCOLS; j++)
        crtk_report_count(r, ws, y, 3 + j, crtk_counts_col_total(c, j), r->f_count_total);

    /* the ten largest groups, with a chart */
    int y2;
    lxw_worksheet *ts = crtk_report_sheet(r, "Top sites", "Ten most frequent site groups", NULL, &y2);
    const char *hdr2[] = {"Site group", "Cases", "% of all", "Male", "Female"};
    int head2 = y2;
    crtk_report_header(r, ts, head2, hdr2, 5);
    rank *rk = g_new(rank, nrows ? nrows : 1);
    guint m = 0;
    for (guint i = 0; i < nrows; i++)
        if (strcmp(g_ptr_array_index(c->row_keys, i), "99"))
            rk[m++] = (rank){(int)i, total_of(c, (int)i)};
    qsort(rk, m, sizeof *rk, cmp_rank);
    if (m > 10)
        m = 10;
    y2++;
    for (guint k = 0; k < m; k++, y2++) {
        int i = rk[k].row;
        worksheet_write_string(ts, (lxw_row_t)y2, 0, crtk_report_site_label(g_ptr_array_index(c->row_keys, (guint)i)),
                               r->f_label);
        crtk_report_count(r, ts, y2, 1, rk[k].n, r->f_count);
        crtk_report_pct(r, ts, y2, 2, rk[k].n, grand, r->f_pct);
        crtk_report_count(r, ts, y2, 3, crtk_counts_get(c, i, C_MALE), r->f_count);
        crtk_report_count(r, ts, y2, 4, crtk_counts_get(c, i, C_FEMALE), r->f_count);
    }
    crtk_report_filter(ts, head2, y2 - 1, 5);
    if (m > 0) {
        lxw_chart *ch = workbook_add_chart(r->wb, LXW_CHART_BAR);
        chart_title_set_name(ch, "Most frequent site groups");
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(s, "Top sites", (lxw_row_t)(head2 + 1), 0, (lxw_row_t)(head2 + (int)m), 0);
        chart_series_set_values(s, "Top sites", (lxw_row_t)(head2 + 1), 1, (lxw_row_t)(head2 + (int)m), 1);
        chart_series_set_name(s, "Cases");
        chart_axis_set_reverse(ch->y_axis);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        lxw_chart_options co = {.x_scale = 1.6, .y_scale = 1.5};
        worksheet_insert_chart_opt(ts, (lxw_row_t)(y2 + 2), 0, ch, &co);
    }
    g_free(rk);
    crtk_counts_free(c);
    return TRUE;
}
#endif
