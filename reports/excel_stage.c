/* excel_stage.c — `crtk report stage`: summary stage at diagnosis for the top site groups.
 *
 * Rows: the --top (10) largest SEER Site Recode 2023 groups of the selection, then all sites.
 * Columns: in situ, localized, regional, distant, benign/borderline or N/A, unknown/unstaged
 * (Summary Stage 2018, else SEER Summary Stage 2000 for earlier cases), as counts and as shares
 * of the row; a stacked bar chart shows the shares.  All classes of case are counted (narrow
 * with --where).
 */
#include "excel_reports.h"

#ifdef CRTK_HAVE_XLSXWRITER
#include <stdlib.h>
#include <string.h>

static int row_fn(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    crtk_counts *c = user;
    long n = atol(v[5]);
    int st = crtk_report_stage_group(v[4]);
    crtk_counts_add(c, crtk_report_site_group(v[0], v[1], v[2], v[3]), st, n);
    crtk_counts_add(c, "", st, n); /* all sites */
    return CRTK_CONTINUE;
}

gboolean crtk_report_stage(crtk_report *r, GError **error)
{
    static const char *const specs[] = {"primarySite", "histologicTypeIcdO3", "behaviorCodeIcdO3", "dateOfDiagnosis:4",
                                        CRTK_REPORT_STAGE_SPEC};
    crtk_counts *c = crtk_counts_new(CRTK_STAGE_COUNT);
    crtk_counts_row(c, "");
    gboolean ok = crtk_report_aggregate(r, specs, G_N_ELEMENTS(specs), row_fn, c, error);
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
    lxw_worksheet *ws = crtk_report_sheet(r, "Stage", title,
        "Summary Stage 2018 (SEER Summary Stage 2000 for cases before 2018); site groups: SEER Site Recode 2023; "
        "all classes of case.", &y);
    g_free(title);
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
    y++;
    for (guint k = 0; k <= top->len; k++, y++) {
        int i = k < top->len ? GPOINTER_TO_INT(g_ptr_array_index(top, k)) : all;
        lxw_format *fc = k < top->len ? r->f_count : r->f_count_total, *fp = k < top->len ? r->f_pct : r->f_pct_total;
        if (k == top->len)
            crtk_report_filter(ws, head, y - 1, ncol);
        worksheet_write_string(ws, (lxw_row_t)y, 0,
                               k < top->len ? crtk_report_site_label(g_ptr_array_index(c->row_keys, (guint)i))
                                            : "All sites",
                               k < top->len ? r->f_label : r->f_label_bold);
        long tot = crtk_counts_row_total(c, i);
        crtk_report_count(r, ws, y, 1, tot, fc);
        for (int j = 0; j < CRTK_STAGE_COUNT; j++) {
            crtk_report_count(r, ws, y, 2 + j, crtk_counts_get(c, i, j), fc);
            crtk_report_pct(r, ws, y, 2 + CRTK_STAGE_COUNT + j, crtk_counts_get(c, i, j), tot, fp);
        }
    }
    if (top->len > 0) {
        lxw_chart *ch = workbook_add_chart(r->wb, LXW_CHART_BAR_STACKED);
        chart_title_set_name(ch, "Stage at diagnosis (share of cases)");
        for (int j = 0; j < CRTK_STAGE_COUNT; j++) {
            lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
            chart_series_set_categories(s, "Stage", (lxw_row_t)(head + 1), 0, (lxw_row_t)(head + (int)top->len), 0);
            chart_series_set_values(s, "Stage", (lxw_row_t)(head + 1), (lxw_col_t)(2 + CRTK_STAGE_COUNT + j),
                                    (lxw_row_t)(head + (int)top->len), (lxw_col_t)(2 + CRTK_STAGE_COUNT + j));
            chart_series_set_name(s, crtk_stage_labels[j]);
        }
        chart_axis_set_reverse(ch->y_axis);
        chart_axis_set_num_format(ch->x_axis, "0%");
        chart_axis_set_max(ch->x_axis, 1.0);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        lxw_chart_options co = {.x_scale = 2.0, .y_scale = 1.6};
        worksheet_insert_chart_opt(ws, (lxw_row_t)(y + 2), 0, ch, &co);
    }
    for (int j = 0; j < CRTK_STAGE_COUNT; j++)
        g_free(pct_labels[j]);
    g_ptr_array_free(top, TRUE);
    crtk_counts_free(c);
    return TRUE;
}
#endif
