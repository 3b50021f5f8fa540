/* excel_trends.c — `crtk report trends`: cases by year of diagnosis.
 *
 * Rows: years of diagnosis in the selection (unknown year last).  Columns: all sites, analytic
 * and non-analytic (class of case), then the --top (10) largest SEER Site Recode 2023 groups.
 * A line chart draws the top groups over the years (suppressed values are gaps).  The current
 * year of diagnosis (the year of the report date) is incomplete and left out unless asked
 * (current_year); the sheet says so.  Small counts are suppressed so that none can be worked out
 * from the totals (All sites = analytic + non-analytic; All years = the years above).
 */
#include "excel_reports.h"

#ifdef CRTK_HAVE_XLSXWRITER
#include <stdlib.h>
#include <string.h>

typedef struct {
    crtk_counts *c;       /* rows: year text ("Unknown" last); columns: 0 all, 1 analytic, 2 non-analytic, 3.. top */
    GHashTable *topcol;   /* site group code -> column+1 */
    int skip_year;        /* the current, incomplete year left out (0 = none) */
} trends_ctx;

static gboolean is_analytic(const char *cls)
{
    static const char *const codes[] = {"00", "10", "11", "12", "13", "14", "20", "21", "22"};
    for (size_t i = 0; cls && i < G_N_ELEMENTS(codes); i++)
        if (!strcmp(cls, codes[i]))
            return TRUE;
    return FALSE;
}

static int row_fn(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    trends_ctx *t = user;
    int year = crtk_report_year(v[3]);
    if (year && year == t->skip_year)
        return CRTK_CONTINUE;
    char key[16];
    if (year)
        g_snprintf(key, sizeof key, "%04d", year);
    else
        g_strlcpy(key, "~", sizeof key); /* sorts after the years */
    long n = atol(v[5]);
    crtk_counts_add(t->c, key, 0, n);
    crtk_counts_add(t->c, key, is_analytic(v[4]) ? 1 : 2, n);
    int col = GPOINTER_TO_INT(g_hash_table_lookup(t->topcol, crtk_report_site_group(v[0], v[1], v[2], v[3])));
    if (col)
        crtk_counts_add(t->c, key, col - 1, n);
    return CRTK_CONTINUE;
}

gboolean crtk_report_trends(crtk_report *r, GError **error)
{
    GPtrArray *top = crtk_report_top_sites(r, r->opt->top, error);
    if (!top) {
        return FALSE;
    }
    trends_ctx t = {crtk_counts_new(3 + (int)top->len), g_hash_table_new(g_str_hash, g_str_equal), 0};
    for (guint i = 0; i < top->len; i++)
        g_hash_table_insert(t.topcol, g_ptr_array_index(top, i), GINT_TO_POINTER(3 + (int)i + 1));
    t.skip_year = r->opt->current_year ? 0 : r->as_of_year;
    static const char *const specs[] = {"primarySite", "histologicTypeIcdO3", "behaviorCodeIcdO3", "dateOfDiagnosis:4",
                                        "classOfCase"};
    gboolean ok = crtk_report_aggregate(r, specs, G_N_ELEMENTS(specs), row_fn, &t, error);
    if (ok) {
        crtk_counts_sort_keys(t.c);
        int y;
        char *note = r->opt->current_year
            ? g_strdup_printf("Analytic: class of case 00, 10-14, 20-22. Site groups: SEER Site Recode 2023, the most "
                              "frequent in the selection. %d is included although its cases are not all reported yet.",
                              r->as_of_year)
            : g_strdup_printf("Analytic: class of case 00, 10-14, 20-22. Site groups: SEER Site Recode 2023, the most "
                              "frequent in the selection. %d, the current year of diagnosis, is left out: its cases "
                              "are not all reported yet.", r->as_of_year);
        lxw_worksheet *ws = crtk_report_sheet(r, "Trends", "Cases by year of diagnosis", note, &y);
        g_free(note);
        int ncol = 4 + (int)top->len;
        int nc = 3 + (int)top->len;
        const char **hdr = g_new(const char *, (gsize)ncol);
        hdr[0] = "Year of diagnosis";
        hdr[1] = "All sites";
        hdr[2] = "Analytic";
        hdr[3] = "Non-analytic";
        for (guint i = 0; i < top->len; i++)
            hdr[4 + i] = crtk_report_site_label(g_ptr_array_index(top, i));
        int head = y;
        crtk_report_header(r, ws, head, hdr, ncol);
        worksheet_set_column(ws, 0, 0, 18, NULL);
        crtk_report_columns(ws, 4, ncol - 1, 14);
        int nr = (int)t.c->row_keys->len;
        crtk_supp *sp = crtk_supp_new(nr + 1, nc);
        for (int i = 0; i < nr; i++)
            for (int j = 0; j < nc; j++)
                crtk_supp_set(sp, i, j, crtk_counts_get(t.c, i, j));
        for (int j = 0; j < nc; j++)
            crtk_supp_set(sp, nr, j, crtk_counts_col_total(t.c, j));
        crtk_supp_row_sums(sp, 0, 1, 2);
        crtk_supp_col_sums(sp, nr, 0, nr - 1, 0, nc - 1);
        crtk_supp_run(sp, r->opt->suppress_below);
        y++;
        int first = y, last_year_row = y - 1;
        int chart_col = ncol + 1;
        for (int i = 0; i < nr; i++, y++) {
            const char *k = g_ptr_array_index(t.c->row_keys, (guint)i);
            if (strcmp(k, "~")) {
                worksheet_write_number(ws, (lxw_row_t)y, 0, atoi(k), NULL);
                last_year_row = y;
                /* chart data: the top groups' shown counts (blank = suppressed, a gap in the line) */
                worksheet_write_number(ws, (lxw_row_t)y, (lxw_col_t)chart_col, atoi(k), NULL);
                for (guint g = 0; g < top->len; g++)
                    if (crtk_supp_state_of(sp, i, 3 + (int)g) == CRTK_SUPP_SHOWN)
                        worksheet_write_number(ws, (lxw_row_t)y, (lxw_col_t)(chart_col + 1 + (int)g),
                                               (double)crtk_supp_get(sp, i, 3 + (int)g), r->f_count);
            } else {
                worksheet_write_string(ws, (lxw_row_t)y, 0, "Unknown", r->f_label);
            }
            for (int j = 0; j < nc; j++)
                crtk_report_supp_count(r, ws, y, 1 + j, sp, i, j, r->f_count);
        }
        crtk_report_filter(ws, head, y - 1, ncol);
        worksheet_write_string(ws, (lxw_row_t)y, 0, "All years", r->f_label_bold);
        for (int j = 0; j < nc; j++)
            crtk_report_supp_count(r, ws, y, 1 + j, sp, nr, j, r->f_count_total);
        crtk_report_supp_note(r, ws, y + 1, sp);
        if (top->len > 0 && last_year_row >= first) {
            worksheet_write_string(ws, (lxw_row_t)head, (lxw_col_t)chart_col, "Chart data (shown only)", r->f_header);
            for (guint g = 0; g < top->len; g++)
                worksheet_write_string(ws, (lxw_row_t)head, (lxw_col_t)(chart_col + 1 + (int)g), hdr[4 + g],
                                       r->f_header);
            lxw_chart *ch = workbook_add_chart(r->wb, LXW_CHART_LINE);
            crtk_report_chart_data(ws, chart_col, chart_col + (int)top->len, ch);
            chart_title_set_name(ch, "Cases by year of diagnosis, most frequent site groups");
            for (guint i = 0; i < top->len; i++) {
                lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
                chart_series_set_categories(s, "Trends", (lxw_row_t)first, (lxw_col_t)chart_col,
                                            (lxw_row_t)last_year_row, (lxw_col_t)chart_col);
                chart_series_set_values(s, "Trends", (lxw_row_t)first, (lxw_col_t)(chart_col + 1 + (int)i),
                                        (lxw_row_t)last_year_row, (lxw_col_t)(chart_col + 1 + (int)i));
                chart_series_set_name_range(s, "Trends", (lxw_row_t)head, (lxw_col_t)(4 + i));
                chart_series_set_marker_type(s, LXW_CHART_MARKER_AUTOMATIC);
            }
            chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
            chart_axis_set_name(ch->x_axis, "Year of diagnosis");
            chart_axis_set_name(ch->y_axis, "Cases");
            chart_legend_set_position(ch, LXW_CHART_LEGEND_RIGHT);
            lxw_chart_options co = {.x_scale = 2.2, .y_scale = 1.6};
            worksheet_insert_chart_opt(ws, (lxw_row_t)(y + 3), 0, ch, &co);
        }
        crtk_supp_free(sp);
        g_free(hdr);
    }
    g_hash_table_destroy(t.topcol);
    crtk_counts_free(t.c);
    g_ptr_array_free(top, TRUE);
    return ok;
}
#endif
