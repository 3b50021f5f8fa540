/* excel_stage.c — `crtk report stage`: summary stage at diagnosis for the top site groups.
 *
 * Rows: the --top (10) largest SEER Site Recode 2023 groups of the selection, then all sites.
 * Columns: in situ, localized, regional, distant, benign/borderline or N/A, unknown/unstaged
 * (Summary Stage 2018, else SEER Summary Stage 2000 for earlier cases), as counts and as shares
 * of the row; a stacked bar chart shows the shares of the rows whose counts are all shown.
 * Analytic cases only (class of case 00, 10-14, 20-22) unless all_classes is set, as in the stage
 * columns of the site table; the sheet says which.  Small counts are suppressed so that none can
 * be worked out from the row totals.
 */
#include "excel_reports.h"

#ifdef CRTK_HAVE_XLSXWRITER
#include <stdlib.h>
#include <string.h>

typedef struct {
    crtk_counts *c;
    gboolean all_classes;
} stage_ctx;

static int row_fn(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    stage_ctx *x = user;
    crtk_counts *c = x->c;
    if (!x->all_classes && !crtk_report_is_analytic(v[5]))
        return CRTK_CONTINUE;
    long n = atol(v[6]);
    int st = crtk_report_stage_group(v[4]);
    crtk_counts_add(c, crtk_report_site_group(v[0], v[1], v[2], v[3]), st, n);
    crtk_counts_add(c, "", st, n); /* all sites */
    return CRTK_CONTINUE;
}

gboolean crtk_report_stage(crtk_report *r, GError **error)
{
    static const char *const specs[] = {"primarySite", "histologicTypeIcdO3", "behaviorCodeIcdO3", "dateOfDiagnosis:4",
                                        CRTK_REPORT_STAGE_SPEC, "classOfCase"};
    crtk_counts *c = crtk_counts_new(CRTK_STAGE_COUNT);
    crtk_counts_row(c, "");
    stage_ctx x = {c, r->opt->all_classes};
    gboolean ok = crtk_report_aggregate(r, specs, G_N_ELEMENTS(specs), row_fn, &x, error);
    if (!ok) {
        crtk_counts_free(c);
        return FALSE;
    }
    /* top groups by total */
    GPtrArray *top = g_ptr_array_new();
    {
        guint n = c->row_keys->len;
        int *idx = g_new(int, n ? n : 1);
        int m = 0;
        for (guint i = 0; i < n; i++) {
            const char *k = g_ptr_array_index(c->row_keys, i);
            if (*k && strcmp(k, "99"))
                idx[m++] = (int)i;
        }
        for (int a = 0; a < m; a++) /* selection sort: m is small (at most 81) */
            for (int b = a + 1; b < m; b++) {
                long ta = crtk_counts_row_total(c, idx[a]), tb = crtk_counts_row_total(c, idx[b]);
                if (tb > ta || (tb == ta && strcmp(g_ptr_array_index(c->row_keys, (guint)idx[b]),
                                                   g_ptr_array_index(c->row_keys, (guint)idx[a])) < 0)) {
                    int t = idx[a];
                    idx[a] = idx[b];
                    idx[b] = t;
                }
            }
        for (int a = 0; a < m && a < r->opt->top; a++)
            g_ptr_array_add(top, GINT_TO_POINTER(idx[a]));
        g_free(idx);
    }
    int all = crtk_counts_row(c, "");
    int y;
    char *title = g_strdup_printf("Stage at diagnosis, %d most frequent site groups", r->opt->top);
    char *note = g_strdup_printf("Summary Stage 2018 (SEER Summary Stage 2000 for cases before 2018); site groups: "
                                 "SEER Site Recode 2023; %s.", crtk_report_classes_text(r));
    lxw_worksheet *ws = crtk_report_sheet(r, "Stage", title, note, &y);
    g_free(title);
    g_free(note);
    const char *hdr[2 + 2 * CRTK_STAGE_COUNT];
    hdr[0] = "Site group";
    hdr[1] = "Cases";
    char *pct_labels[CRTK_STAGE_COUNT];
    for (int j = 0; j < CRTK_STAGE_COUNT; j++) {
        hdr[2 + j] = crtk_stage_labels[j];
        pct_labels[j] = g_strdup_printf("%% %s", crtk_stage_labels[j]);
        hdr[2 + CRTK_STAGE_COUNT + j] = pct_labels[j];
    }
    int ncol = 2 + 2 * CRTK_STAGE_COUNT;
    worksheet_write_string(ws, (lxw_row_t)(y - 1), 2, "Cases by stage", r->f_section);
    worksheet_write_string(ws, (lxw_row_t)(y - 1), 2 + CRTK_STAGE_COUNT, "Share of the site's cases", r->f_section);
    int head = y;
    crtk_report_header(r, ws, head, hdr, ncol);
    /* published: per row, cases = sum of the stages ("All sites" includes the groups not listed,
     * so the rows above do not add up to it) */
    int nr = (int)top->len + 1;
    crtk_supp *sp = crtk_supp_new(nr, 1 + CRTK_STAGE_COUNT);
    for (int k = 0; k < nr; k++) {
        int i = k < (int)top->len ? GPOINTER_TO_INT(g_ptr_array_index(top, (guint)k)) : all;
        crtk_supp_set(sp, k, 0, crtk_counts_row_total(c, i));
        for (int j = 0; j < CRTK_STAGE_COUNT; j++)
            crtk_supp_set(sp, k, 1 + j, crtk_counts_get(c, i, j));
    }
    crtk_supp_row_sums(sp, 0, 1, CRTK_STAGE_COUNT);
    crtk_supp_run(sp, r->opt->suppress_below);
    y++;
    int chart_col = ncol + 1, charted = 0;
    for (int k = 0; k < nr; k++, y++) {
        gboolean last = k == (int)top->len;
        int i = !last ? GPOINTER_TO_INT(g_ptr_array_index(top, (guint)k)) : all;
        lxw_format *fc = !last ? r->f_count : r->f_count_total, *fp = !last ? r->f_pct : r->f_pct_total;
        if (last)
            crtk_report_filter(ws, head, y - 1, ncol);
        const char *label = !last ? crtk_report_site_label(g_ptr_array_index(c->row_keys, (guint)i)) : "All sites";
        crtk_report_label(r, ws, y, label, last);
        long tot = crtk_supp_get(sp, k, 0);
        gboolean tot_shown = crtk_report_supp_count(r, ws, y, 1, sp, k, 0, fc);
        gboolean all_shown = tot_shown;
        for (int j = 0; j < CRTK_STAGE_COUNT; j++) {
            gboolean shown = crtk_report_supp_count(r, ws, y, 2 + j, sp, k, 1 + j, fc);
            crtk_report_supp_pct(r, ws, y, 2 + CRTK_STAGE_COUNT + j, crtk_supp_get(sp, k, 1 + j), shown, tot, tot_shown,
                                 fp);
            all_shown = all_shown && shown;
        }
        /* chart data: the site groups whose shares are all shown */
        if (!last && all_shown && tot > 0) {
            int cy = head + 1 + charted;
            if (!charted) {
                worksheet_write_string(ws, (lxw_row_t)head, (lxw_col_t)chart_col, "Chart data (shown only)",
                                       r->f_chart_label);
                for (int j = 0; j < CRTK_STAGE_COUNT; j++)
                    worksheet_write_string(ws, (lxw_row_t)head, (lxw_col_t)(chart_col + 1 + j), crtk_stage_labels[j],
                                           r->f_chart_label);
            }
            worksheet_write_string(ws, (lxw_row_t)cy, (lxw_col_t)chart_col, label, r->f_chart_label);
            for (int j = 0; j < CRTK_STAGE_COUNT; j++)
                worksheet_write_number(ws, (lxw_row_t)cy, (lxw_col_t)(chart_col + 1 + j),
                                       (double)crtk_supp_get(sp, k, 1 + j) / (double)tot, r->f_pct);
            charted++;
        }
    }
    crtk_report_supp_note(r, ws, y + 1, sp);
    if (charted > 0) {
        lxw_chart *ch = workbook_add_chart(r->wb, LXW_CHART_BAR_STACKED);
        crtk_report_chart_data(ws, chart_col, chart_col + CRTK_STAGE_COUNT, ch);
        chart_title_set_name(ch, "Stage at diagnosis (share of cases)");
        for (int j = 0; j < CRTK_STAGE_COUNT; j++) {
            lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
            chart_series_set_categories(s, "Stage", (lxw_row_t)(head + 1), (lxw_col_t)chart_col,
                                        (lxw_row_t)(head + charted), (lxw_col_t)chart_col);
            chart_series_set_values(s, "Stage", (lxw_row_t)(head + 1), (lxw_col_t)(chart_col + 1 + j),
                                    (lxw_row_t)(head + charted), (lxw_col_t)(chart_col + 1 + j));
            chart_series_set_name(s, crtk_stage_labels[j]);
        }
        chart_axis_set_reverse(ch->y_axis);
        chart_axis_set_num_format(ch->x_axis, "0%");
        chart_axis_set_max(ch->x_axis, 1.0);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        /* a bar of each group stays readable with many groups (--top 40): the chart grows with
         * them, and starts a page of its own when the table above it already fills most of one
         * (a chart cut across two pages cannot be read) */
        lxw_chart_options co = {.x_scale = 2.0, .y_scale = charted > 10 ? MIN(1.6 * charted / 10.0, 4.5) : 1.6};
        lxw_row_t at = (lxw_row_t)(y + 3);
        if (nr > 12) {
            lxw_row_t breaks[] = {at - 1, 0};
            worksheet_set_h_pagebreaks(ws, breaks);
        }
        worksheet_insert_chart_opt(ws, at, 0, ch, &co);
        /* printed: the table and the chart below it, not the hidden chart data beside the table */
        worksheet_print_area(ws, 0, 0, at + (lxw_row_t)(288 * co.y_scale / 20) + 1, (lxw_col_t)(ncol - 1));
    }
    crtk_supp_free(sp);
    for (int j = 0; j < CRTK_STAGE_COUNT; j++)
        g_free(pct_labels[j]);
    g_ptr_array_free(top, TRUE);
    crtk_counts_free(c);
    return TRUE;
}
#endif
