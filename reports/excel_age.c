/* excel_age.c — `crtk report age`: cases by SEER age group and sex.
 *
 * Age at diagnosis is item 230, or, when it is blank, computed from Date of Birth and Date of
 * Diagnosis (crtk_age_at_dx); 999 is unknown.  Groups: SEER "age recode with <1 year olds"
 * (19 groups, <1, 1-4, 5-9 ... 85+).  A clustered column chart compares males and females.
 */
#include "excel_reports.h"
#include "derived.h"

#ifdef CRTK_HAVE_XLSXWRITER
#include <stdlib.h>
#include <string.h>

enum { A_MALE, A_FEMALE, A_OTHER, A_NCOLS };

/* One tumor (crtk_report_scan: patient row, tumor row, then the specs): its age group counted in C.
 * Grouping by the raw dates in SQL would give a group per tumor and sort them for nothing. */
static int row_fn(int ncols, const char *const *row, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    crtk_counts *c = user;
    const char *const *v = row + 2;
    int age = v[0] && *v[0] ? atoi(v[0]) : crtk_age_at_diagnosis(v[1], v[2]);
    const char *g = crtk_age_group_19(age);
    const char *sex = v[3];
    crtk_counts_add(c, g, sex && !strcmp(sex, "1") ? A_MALE : sex && !strcmp(sex, "2") ? A_FEMALE : A_OTHER,
                    1);
    return CRTK_CONTINUE;
}

gboolean crtk_report_age(crtk_report *r, GError **error)
{
    /* age: item 230, or computed from the dates when it is blank (in C, below) */
    static const char *const specs[] = {"ageAtDiagnosis", "dateOfBirth", "dateOfDiagnosis", CRTK_REPORT_SEX_SPEC};
    crtk_counts *c = crtk_counts_new(A_NCOLS);
    int nb = 0;
    const crtk_age_band *bands = crtk_age_bands(&nb, NULL);
    for (int i = 0; i < nb; i++)
        crtk_counts_row(c, bands[i].code19);
    crtk_counts_row(c, "99");
    gboolean ok = crtk_report_scan(r, specs, G_N_ELEMENTS(specs), row_fn, c, error);
    if (!ok) {
        crtk_counts_free(c);
        return FALSE;
    }
    int y;
    lxw_worksheet *ws = crtk_report_sheet(r, "Age", "Cases by age at diagnosis and sex",
        "Age groups: SEER age recode with <1 year olds. Age at diagnosis: item 230, or computed from the dates of "
        "birth and diagnosis when blank.", &y);
    const char *hdr[] = {"Age at diagnosis", "Total", "% of all", "Male", "Female", "Other/unknown sex",
                         "% of males", "% of females"};
    int ncol = (int)G_N_ELEMENTS(hdr);
    int head = y;
    crtk_report_header(r, ws, head, hdr, ncol);
    worksheet_set_column(ws, 0, 0, 20, NULL);
    int nr = (int)c->row_keys->len;
    /* published: Total = male + female + other per row; "All ages" = the rows above */
    crtk_supp *sp = crtk_supp_new(nr + 1, 1 + A_NCOLS);
    for (int i = 0; i < nr; i++) {
        crtk_supp_set(sp, i, 0, crtk_counts_row_total(c, i));
        for (int j = 0; j < A_NCOLS; j++)
            crtk_supp_set(sp, i, 1 + j, crtk_counts_get(c, i, j));
    }
    for (int j = 0; j <= A_NCOLS; j++) {
        long t = 0;
        for (int i = 0; i < nr; i++)
            t += crtk_supp_get(sp, i, j);
        crtk_supp_set(sp, nr, j, t);
    }
    crtk_supp_row_sums(sp, 0, 1, A_NCOLS);
    crtk_supp_col_sums(sp, nr, 0, nr - 1, 0, A_NCOLS);
    crtk_supp_run(sp, r->opt->suppress_below);
    long grand = crtk_supp_get(sp, nr, 0), males = crtk_supp_get(sp, nr, 1 + A_MALE),
         females = crtk_supp_get(sp, nr, 1 + A_FEMALE);
    gboolean grand_shown = !crtk_supp_state_of(sp, nr, 0), males_shown = !crtk_supp_state_of(sp, nr, 1 + A_MALE),
             females_shown = !crtk_supp_state_of(sp, nr, 1 + A_FEMALE);
    y++;
    int first = y, chart_col = ncol + 1, charted = 0;
    for (int i = 0; i <= nr; i++, y++) {
        gboolean last = i == nr;
        const char *code = last ? "" : g_ptr_array_index(c->row_keys, (guint)i);
        const char *label = last ? "All ages" : "Unknown";
        for (int b = 0; !last && b < nb; b++)
            if (!strcmp(bands[b].code19, code))
                label = bands[b].label;
        if (last)
            crtk_report_filter(ws, head, y - 1, ncol);
        worksheet_write_string(ws, (lxw_row_t)y, 0, label, last ? r->f_label_bold : r->f_label);
        lxw_format *fc = last ? r->f_count_total : r->f_count, *fp = last ? r->f_pct_total : r->f_pct;
        gboolean tot_shown = crtk_report_supp_count(r, ws, y, 1, sp, i, 0, fc);
        crtk_report_supp_pct(r, ws, y, 2, crtk_supp_get(sp, i, 0), tot_shown, grand, grand_shown, fp);
        gboolean shown[A_NCOLS];
        for (int j = 0; j < A_NCOLS; j++)
            shown[j] = crtk_report_supp_count(r, ws, y, 3 + j, sp, i, 1 + j, fc);
        crtk_report_supp_pct(r, ws, y, 6, crtk_supp_get(sp, i, 1 + A_MALE), shown[A_MALE], males, males_shown, fp);
        crtk_report_supp_pct(r, ws, y, 7, crtk_supp_get(sp, i, 1 + A_FEMALE), shown[A_FEMALE], females, females_shown,
                             fp);
        /* chart data (age groups, not Unknown): a suppressed bar is left blank; a group with
         * both bars suppressed is left out with its label */
        if (!last && strcmp(code, "99") && (shown[A_MALE] || shown[A_FEMALE])) {
            int cy = first + charted;
            worksheet_write_string(ws, (lxw_row_t)cy, (lxw_col_t)chart_col, label, r->f_label);
            for (int j = 0; j < 2; j++)
                if (shown[j])
                    worksheet_write_number(ws, (lxw_row_t)cy, (lxw_col_t)(chart_col + 1 + j),
                                           (double)crtk_supp_get(sp, i, 1 + j), r->f_count);
            charted++;
        }
    }
    crtk_report_supp_note(r, ws, y + 1, sp);
    if (charted > 0) {
        worksheet_write_string(ws, (lxw_row_t)head, (lxw_col_t)chart_col, "Chart data (shown only)", r->f_header);
        worksheet_write_string(ws, (lxw_row_t)head, (lxw_col_t)(chart_col + 1), "Male", r->f_header);
        worksheet_write_string(ws, (lxw_row_t)head, (lxw_col_t)(chart_col + 2), "Female", r->f_header);
        lxw_chart *ch = workbook_add_chart(r->wb, LXW_CHART_COLUMN);
        crtk_report_chart_data(ws, chart_col, chart_col + 2, ch);
        chart_title_set_name(ch, "Cases by age group and sex");
        for (int j = 0; j < 2; j++) {
            lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
            chart_series_set_categories(s, "Age", (lxw_row_t)first, (lxw_col_t)chart_col,
                                        (lxw_row_t)(first + charted - 1), (lxw_col_t)chart_col);
            chart_series_set_values(s, "Age", (lxw_row_t)first, (lxw_col_t)(chart_col + 1 + j),
                                    (lxw_row_t)(first + charted - 1), (lxw_col_t)(chart_col + 1 + j));
            chart_series_set_name(s, j == 0 ? "Male" : "Female");
        }
        chart_axis_set_name(ch->x_axis, "Age at diagnosis");
        chart_axis_set_name(ch->y_axis, "Cases");
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        lxw_chart_options co = {.x_scale = 2.0, .y_scale = 1.5};
        worksheet_insert_chart_opt(ws, (lxw_row_t)(y + 3), 0, ch, &co);
    }
    crtk_supp_free(sp);
    crtk_counts_free(c);
    return TRUE;
}
#endif
