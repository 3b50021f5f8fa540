/* excel_site_table.c — `crtk report site-table`: the primary site table of an annual report.
 *
 * One row per SEER Site Recode 2023 group (in the recode's order, "Unknown or not classified"
 * last) with the total, its share, class of case (analytic 00, 10-14, 20-22; all others
 * non-analytic), sex, and summary stage groups of the analytic cases (all classes when asked).  One grouped query
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

typedef struct {
    crtk_counts *c;
    gboolean all_classes;
} site_ctx;

static int row_fn(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    site_ctx *x = user;
    crtk_counts *c = x->c;
    const char *g = crtk_report_site_group(v[0], v[1], v[2], v[3]);
    long n = atol(v[7]);
    gboolean analytic = is_analytic(v[5]);
    crtk_counts_add(c, g, analytic ? C_ANALYTIC : C_NONANALYTIC, n);
    const char *sex = v[4];
    crtk_counts_add(c, g, sex && !strcmp(sex, "1") ? C_MALE : sex && !strcmp(sex, "2") ? C_FEMALE : C_SEXOTHER, n);
    if (analytic || x->all_classes)
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
    site_ctx x = {c, r->opt->all_classes};
    gboolean ok = crtk_report_aggregate(r, specs, G_N_ELEMENTS(specs), row_fn, &x, error);
    if (!ok) {
        crtk_counts_free(c);
        return FALSE;
    }
    crtk_counts_sort_keys(c); /* recode order: "01".."81", then "99" */

    int y;
    char *note = g_strdup_printf("Site groups: SEER Site Recode 2023. Analytic: class of case 00, 10-14, 20-22. "
                                 "Cases and sex: all classes of case. Stage: Summary Stage 2018 (SEER Summary Stage "
                                 "2000 before 2018), %s.", crtk_report_classes_text(r));
    lxw_worksheet *ws = crtk_report_sheet(r, "Sites", "Primary site table", note, &y);
    g_free(note);
    worksheet_write_string(ws, (lxw_row_t)(y - 1), 3, "Class of case", r->f_section);
    worksheet_write_string(ws, (lxw_row_t)(y - 1), 5, "Sex", r->f_section);
    worksheet_write_string(ws, (lxw_row_t)(y - 1), 8,
                           r->opt->all_classes ? "Stage at diagnosis (all classes)" : "Stage at diagnosis (analytic cases)",
                           r->f_section);
    const char *hdr[] = {"Site group", "Total", "% of all", "Analytic", "Non-analytic", "Male", "Female",
                         "Other/unknown sex", "In situ", "Localized", "Regional", "Distant",
                         "Benign/borderline or N/A", "Unknown/unstaged"};
    int ncol = (int)G_N_ELEMENTS(hdr);
    int head = y;
    crtk_report_header(r, ws, head, hdr, ncol);
    worksheet_set_column(ws, 2, 2, 9, NULL);
    guint nrows = c->row_keys->len;
    /* the table as published: column 0 the total, 1.. the counts; the last row all sites */
    crtk_supp *sp = crtk_supp_new((int)nrows + 1, 1 + NCOLS);
    for (guint i = 0; i < nrows; i++) {
        crtk_supp_set(sp, (int)i, 0, total_of(c, (int)i));
        for (int j = 0; j < NCOLS; j++)
            crtk_supp_set(sp, (int)i, 1 + j, crtk_counts_get(c, (int)i, j));
    }
    for (int j = 0; j <= NCOLS; j++) {
        long t = 0;
        for (guint i = 0; i < nrows; i++)
            t += crtk_supp_get(sp, (int)i, j);
        crtk_supp_set(sp, (int)nrows, j, t);
    }
    crtk_supp_row_sums(sp, 0, 1 + C_ANALYTIC, 1 + C_NONANALYTIC);
    crtk_supp_row_sums(sp, 0, 1 + C_MALE, 1 + C_SEXOTHER);
    crtk_supp_row_sums(sp, r->opt->all_classes ? 0 : 1 + C_ANALYTIC, 1 + C_STAGE0, NCOLS);
    crtk_supp_col_sums(sp, (int)nrows, 0, (int)nrows - 1, 0, NCOLS);
    crtk_supp_run(sp, r->opt->suppress_below);
    long grand = crtk_supp_get(sp, (int)nrows, 0);
    gboolean grand_shown = crtk_supp_state_of(sp, (int)nrows, 0) == CRTK_SUPP_SHOWN;
    y++;
    for (guint i = 0; i <= nrows; i++, y++) {
        gboolean last = i == nrows;
        if (last) {
            crtk_report_filter(ws, head, y - 1, ncol);
            worksheet_write_string(ws, (lxw_row_t)y, 0, "All sites", r->f_label_bold);
        } else {
            crtk_report_label(r, ws, y, crtk_report_site_label(g_ptr_array_index(c->row_keys, i)), FALSE);
        }
        lxw_format *fc = last ? r->f_count_total : r->f_count;
        gboolean shown = crtk_report_supp_count(r, ws, y, 1, sp, (int)i, 0, fc);
        crtk_report_supp_pct(r, ws, y, 2, crtk_supp_get(sp, (int)i, 0), shown, grand, grand_shown,
                             last ? r->f_pct_total : r->f_pct);
        for (int j = 0; j < NCOLS; j++)
            crtk_report_supp_count(r, ws, y, 3 + j, sp, (int)i, 1 + j, fc);
    }
    crtk_report_supp_note(r, ws, y + 1, sp);

    /* the ten largest groups, with a chart of the counts that are shown */
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
    int charted = 0;
    for (guint k = 0; k < m; k++, y2++) {
        int i = rk[k].row;
        const char *label = crtk_report_site_label(g_ptr_array_index(c->row_keys, (guint)i));
        crtk_report_label(r, ts, y2, label, FALSE);
        gboolean shown = crtk_report_supp_count(r, ts, y2, 1, sp, i, 0, r->f_count);
        crtk_report_supp_pct(r, ts, y2, 2, rk[k].n, shown, grand, grand_shown, r->f_pct);
        crtk_report_supp_count(r, ts, y2, 3, sp, i, 1 + C_MALE, r->f_count);
        crtk_report_supp_count(r, ts, y2, 4, sp, i, 1 + C_FEMALE, r->f_count);
        if (shown) { /* chart data: shown counts only, beside the table */
            if (!charted)
                worksheet_write_string(ts, (lxw_row_t)head2, 7, "Chart data (shown counts only)", r->f_chart_label);
            worksheet_write_string(ts, (lxw_row_t)(head2 + 1 + charted), 7, label, r->f_chart_label);
            worksheet_write_number(ts, (lxw_row_t)(head2 + 1 + charted), 8, (double)rk[k].n, r->f_count);
            charted++;
        }
    }
    crtk_report_filter(ts, head2, y2 - 1, 5);
    crtk_report_supp_note(r, ts, y2 + 1, sp);
    if (charted > 0) {
        lxw_chart *ch = workbook_add_chart(r->wb, LXW_CHART_BAR);
        crtk_report_chart_data(ts, 7, 8, ch);
        chart_title_set_name(ch, "Most frequent site groups");
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(s, "Top sites", (lxw_row_t)(head2 + 1), 7, (lxw_row_t)(head2 + charted), 7);
        chart_series_set_values(s, "Top sites", (lxw_row_t)(head2 + 1), 8, (lxw_row_t)(head2 + charted), 8);
        chart_series_set_name(s, "Cases");
        chart_axis_set_reverse(ch->y_axis);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        lxw_chart_options co = {.x_scale = 1.6, .y_scale = 1.5};
        worksheet_insert_chart_opt(ts, (lxw_row_t)(y2 + 3), 0, ch, &co);
        /* printed: the table and the chart (480 x 288 pixels scaled, over rows of 20 pixels and
         * columns A-G), not the hidden chart data, which LibreOffice would let show at the edge */
        worksheet_print_area(ts, 0, 0, (lxw_row_t)(y2 + 3 + (int)(288 * co.y_scale / 20) + 1), 6);
    }
    crtk_supp_free(sp);
    g_free(rk);
    crtk_counts_free(c);
    return TRUE;
}
#endif
