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

static int row_fn(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    crtk_counts *c = user;
    int age = v[0] && *v[0] ? atoi(v[0]) : crtk_age_at_diagnosis(v[1], v[2]);
    const char *g = crtk_age_group_19(age);
    const char *sex = v[3];
    crtk_counts_add(c, g, sex && !strcmp(sex, "1") ? A_MALE : sex && !strcmp(sex, "2") ? A_FEMALE : A_OTHER,
                    atol(v[4]));
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
    gboolean ok = crtk_report_aggregate(r, specs, G_N_ELEMENTS(specs), row_fn, c, error);
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
    long grand = 0, males = crtk_counts_col_total(c, A_MALE), females = crtk_counts_col_total(c, A_FEMALE);
    for (guint i = 0; i < c->row_keys->len; i++)
        grand += crtk_counts_row_total(c, (int)i);
    y++;
    int first = y;
    for (guint i = 0; i < c->row_keys->len; i++, y++) {
        const char *code = g_ptr_array_index(c->row_keys, i);
        const char *label = "Unknown";
        for (int b = 0; b < nb; b++)
            if (!strcmp(bands[b].code19, code))
                label = bands[b].label;
        worksheet_write_string(ws, (lxw_row_t)y, 0, label, r->f_label);
        long tot = crtk_counts_row_total(c, (int)i);
        crtk_report_count(r, ws, y, 1, tot, r->f_count);
        crtk_report_pct(r, ws, y, 2, tot, grand, r->f_pct);
        for (int j = 0; j < A_NCOLS; j++)
            crtk_report_count(r, ws, y, 3 + j, crtk_counts_get(c, (int)i, j), r->f_count);
        crtk_report_pct(r, ws, y, 6, crtk_counts_get(c, (int)i, A_MALE), males, r->f_pct);
        crtk_report_pct(r, ws, y, 7, crtk_counts_get(c, (int)i, A_FEMALE), females, r->f_pct);
    }
    crtk_report_filter(ws, head, y - 1, ncol);
    int last = y - 1;
    worksheet_write_string(ws, (lxw_row_t)y, 0, "All ages", r->f_label_bold);
    crtk_report_count(r, ws, y, 1, grand, r->f_count_total);
    crtk_report_pct(r, ws, y, 2, grand, grand, r->f_pct_total);
    for (int j = 0; j < A_NCOLS; j++)
        crtk_report_count(r, ws, y, 3 + j, crtk_counts_col_total(c, j), r->f_count_total);
    crtk_report_pct(r, ws, y, 6, males, males, r->f_pct_total);
    crtk_report_pct(r, ws, y, 7, females, females, r->f_pct_total);

    lxw_chart *ch = workbook_add_chart(r->wb, LXW_CHART_COLUMN);
    chart_title_set_name(ch, "Cases by age group and sex");
    for (int j = 0; j < 2; j++) {
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(s, "Age", (lxw_row_t)first, 0, (lxw_row_t)(last - 1), 0); /* without Unknown */
        chart_series_set_values(s, "Age", (lxw_row_t)first, (lxw_col_t)(3 + j), (lxw_row_t)(last - 1),
                                (lxw_col_t)(3 + j));
        chart_series_set_name(s, j == 0 ? "Male" : "Female");
    }
    chart_axis_set_name(ch->x_axis, "Age at diagnosis");
    chart_axis_set_name(ch->y_axis, "Cases");
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options co = {.x_scale = 2.0, .y_scale = 1.5};
    worksheet_insert_chart_opt(ws, (lxw_row_t)(y + 2), 0, ch, &co);
    crtk_counts_free(c);
    return TRUE;
}
#endif
