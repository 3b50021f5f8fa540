/* excel_quality.c — `crtk report quality`, and the workbook of a submission's QA summary.
 *
 * Sheets: Summary (what was checked, the data-quality measures against the NAACCR Gold, NPCR
 * national and USCS publication standards), By year, By site group, By facility, By class of
 * case, Edits (failures per edit, with a chart of the most frequent), and Failures (the failing
 * cases, for a submission).  The numbers come from qa_summary.c.
 */
#include "excel_reports.h"
#include "qa_summary.h"

#ifdef CRTK_HAVE_XLSXWRITER
#include <math.h>
#include <string.h>

/* Patients and tumors by group, a total row under them: the tumor total is the sum of the rows, the
 * patient total counts each patient once (a patient with tumors in two groups is in both rows, and a
 * note under the table says so; when no patient is in two rows it is the sum too).  Small counts are
 * suppressed so that none can be worked out from the totals (crtk_supp). */
static void write_groups(crtk_report *r, const char *sheet, const char *title, const char *what, GPtrArray *a,
                         long patients)
{
    int y;
    lxw_worksheet *ws = crtk_report_sheet(r, sheet, title, NULL, &y);
    const char *hdr[] = {what, "Patients", "Tumors", "% of tumors"};
    int head = y;
    crtk_report_header(r, ws, head, hdr, 4);
    int n = (int)a->len;
    long tumors = 0, patient_rows = 0;
    crtk_supp *sp = crtk_supp_new(n + 1, 2);
    for (int i = 0; i < n; i++) {
        const crtk_qa_count *c = g_ptr_array_index(a, (guint)i);
        crtk_supp_set(sp, i, 0, c->patients);
        crtk_supp_set(sp, i, 1, c->tumors);
        tumors += c->tumors;
        patient_rows += c->patients;
    }
    crtk_supp_set(sp, n, 0, patients);
    crtk_supp_set(sp, n, 1, tumors);
    crtk_supp_col_sums(sp, n, 0, n - 1, patient_rows == patients ? 0 : 1, 1);
    crtk_supp_run(sp, r->opt->suppress_below);
    y++;
    for (int i = 0; i < n; i++, y++) {
        const crtk_qa_count *c = g_ptr_array_index(a, (guint)i);
        crtk_report_label(r, ws, y, c->label, FALSE);
        crtk_report_supp_count(r, ws, y, 1, sp, i, 0, r->f_count);
        gboolean shown = crtk_report_supp_count(r, ws, y, 2, sp, i, 1, r->f_count);
        crtk_report_supp_pct(r, ws, y, 3, c->tumors, shown, tumors,
                             crtk_supp_state_of(sp, n, 1) == CRTK_SUPP_SHOWN, r->f_pct);
    }
    crtk_report_filter(ws, head, y - 1, 4);
    worksheet_write_string(ws, (lxw_row_t)y, 0, "Total", r->f_label_bold);
    crtk_report_supp_count(r, ws, y, 1, sp, n, 0, r->f_count_total);
    crtk_report_supp_count(r, ws, y, 2, sp, n, 1, r->f_count_total);
    crtk_report_pct(r, ws, y, 3, tumors, tumors, r->f_pct_total);
    const char *twice = patient_rows != patients ? "A patient with tumors in more than one row is counted in each; "
                                                   "the total counts each patient once."
                                                 : NULL;
    int yn = crtk_report_supp_note_block(r, ws, y + 2, sp, 3, 40 + 3 * 12, twice);
    if (yn == y + 2 && twice)
        crtk_report_note_block(r, ws, y + 2, 3, 40 + 3 * 12, twice);
    crtk_supp_free(sp);
}

static void write_summary(crtk_report *r, const crtk_qa *qa)
{
    int y;
    lxw_worksheet *ws = crtk_report_sheet(r, "Summary", qa->title,
        "Measures per tumor. Standards: NAACCR certification (Gold), CDC NPCR national data-quality standard "
        "(23-month data), USCS publication criteria; see docs/reports.md.", &y);
    for (guint i = 0; i + 1 < qa->info->len; i += 2, y++) {
        worksheet_write_string(ws, (lxw_row_t)y, 0, g_ptr_array_index(qa->info, i), r->f_label_bold);
        worksheet_write_string(ws, (lxw_row_t)y, 1, g_ptr_array_index(qa->info, i + 1), NULL);
    }
    worksheet_write_string(ws, (lxw_row_t)y, 0, "Patients", r->f_label_bold);
    crtk_report_count(r, ws, y++, 1, qa->patients, r->f_count);
    worksheet_write_string(ws, (lxw_row_t)y, 0, "Tumors", r->f_label_bold);
    crtk_report_count(r, ws, y++, 1, qa->tumors, r->f_count);
    y++;
    const char *hdr[] = {"Measure", "Count", "Of", "Value", "Unit", "NAACCR Gold", "Meets Gold",
                         "NPCR national", "Meets NPCR", "USCS", "Meets USCS"};
    int ncol = (int)G_N_ELEMENTS(hdr);
    int head = y;
    crtk_report_header(r, ws, head, hdr, ncol);
    y++;
    for (int i = 0; i < qa->n_measures; i++, y++) {
        const crtk_qa_measure *m = &qa->measures[i];
        worksheet_write_string(ws, (lxw_row_t)y, 0, m->name, r->f_label);
        worksheet_write_number(ws, (lxw_row_t)y, 1, (double)m->numerator, r->f_count);
        worksheet_write_number(ws, (lxw_row_t)y, 2, (double)m->denominator, r->f_count);
        if (isnan(m->value))
            worksheet_write_blank(ws, (lxw_row_t)y, 3, NULL);
        else
            worksheet_write_number(ws, (lxw_row_t)y, 3, m->value, r->f_dec);
        worksheet_write_string(ws, (lxw_row_t)y, 4, m->unit, NULL);
        for (int k = 0; k < CRTK_QA_STANDARDS; k++) {
            const crtk_qa_standard *s = &m->standards[k];
            if (isnan(s->limit))
                continue;
            char lim[32];
            g_snprintf(lim, sizeof lim, "%s %g", m->higher_is_better ? (s->inclusive ? ">=" : ">")
                                                                      : (s->inclusive ? "<=" : "<"), s->limit);
            worksheet_write_string(ws, (lxw_row_t)y, (lxw_col_t)(5 + 2 * k), lim, r->f_text_right);
            int meets = crtk_qa_meets(m, k);
            if (meets >= 0)
                worksheet_write_string(ws, (lxw_row_t)y, (lxw_col_t)(6 + 2 * k), meets ? "yes" : "no",
                                       meets ? r->f_ok : r->f_bad);
        }
    }
    crtk_report_filter(ws, head, y - 1, ncol);
    y++;
    worksheet_write_string(ws, (lxw_row_t)y, 0, "Patient records sharing identifiers with another record",
                           r->f_label);
    worksheet_write_number(ws, (lxw_row_t)y, 1, (double)qa->duplicate_patients, r->f_count);
    worksheet_set_column(ws, 0, 0, 48, NULL);
    crtk_report_columns(ws, 5, 10, 13);
}

static void write_edits(crtk_report *r, const crtk_qa *qa)
{
    int y;
    int failing = 0;
    for (guint i = 0; i < qa->edits->len; i++)
        failing += ((crtk_qa_edit *)g_ptr_array_index(qa->edits, i))->failures > 0;
    char *listed = r->opt->all_edits
                       ? g_strdup_printf("All %u edits of the set are listed.", qa->edits->len)
                       : g_strdup_printf("Only the %d edits that some tumor fails are listed (of %u in the set).",
                                         failing, qa->edits->len);
    char *note = g_strdup_printf("Edit set %s: %ld tumors checked, %ld pass every edit (%.2f%%), %ld failures. %s",
                                 qa->edit_set, qa->tumors_checked, qa->tumors_passing,
                                 qa->tumors_checked ? 100.0 * (double)qa->tumors_passing / (double)qa->tumors_checked
                                                    : 100.0,
                                 qa->failures_total, listed);
    g_free(listed);
    lxw_worksheet *ws = crtk_report_sheet(r, "Edits", "Failures per edit", note, &y);
    g_free(note);
    const char *hdr[] = {"Edit", "Name", "Agency", "Failures"};
    int head = y;
    crtk_report_header(r, ws, head, hdr, 4);
    worksheet_set_column(ws, 0, 0, 16, NULL);
    worksheet_set_column(ws, 1, 1, 60, NULL);
    y++;
    int with_failures = 0;
    for (guint i = 0; i < qa->edits->len; i++) {
        crtk_qa_edit *e = g_ptr_array_index(qa->edits, i);
        if (e->failures == 0 && !r->opt->all_edits)
            continue;
        worksheet_write_string(ws, (lxw_row_t)y, 0, e->id, NULL);
        worksheet_write_string(ws, (lxw_row_t)y, 1, e->name, NULL);
        worksheet_write_string(ws, (lxw_row_t)y, 2, e->agency, NULL);
        worksheet_write_number(ws, (lxw_row_t)y, 3, (double)e->failures, r->f_count);
        with_failures += e->failures > 0;
        y++;
    }
    crtk_report_filter(ws, head, y - 1, 4);
    worksheet_write_string(ws, (lxw_row_t)y, 0, "All edits", r->f_label_bold);
    worksheet_write_number(ws, (lxw_row_t)y, 3, (double)qa->failures_total, r->f_count_total);
    if (with_failures > 0) {
        int m = with_failures < 10 ? with_failures : 10;
        lxw_chart *ch = workbook_add_chart(r->wb, LXW_CHART_BAR);
        chart_title_set_name(ch, "Edits with the most failures");
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(s, "Edits", (lxw_row_t)(head + 1), 0, (lxw_row_t)(head + m), 0);
        chart_series_set_values(s, "Edits", (lxw_row_t)(head + 1), 3, (lxw_row_t)(head + m), 3);
        chart_series_set_name(s, "Failures");
        chart_axis_set_reverse(ch->y_axis);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        lxw_chart_options co = {.x_scale = 1.5, .y_scale = 1.3};
        worksheet_insert_chart_opt(ws, (lxw_row_t)head, 5, ch, &co);
    }
}

static void write_failures(crtk_report *r, const crtk_qa *qa)
{
    int y;
    char *note = qa->failures_unlisted
                     ? g_strdup_printf("The first %u failures are listed; %ld more are not (crtk edits lists them all).",
                                       qa->failures->len, qa->failures_unlisted)
                     : NULL;
    lxw_worksheet *ws = crtk_report_sheet(r, "Failures", "Failing cases", note, &y);
    g_free(note);
    const char *hdr[] = {"Patient", "Tumor", "Edit", "Message"};
    int head = y;
    crtk_report_header(r, ws, head, hdr, 4);
    worksheet_set_column(ws, 0, 0, 14, NULL);
    worksheet_set_column(ws, 2, 2, 16, NULL);
    worksheet_set_column(ws, 3, 3, 100, NULL);
    y++;
    for (guint i = 0; i < qa->failures->len; i++, y++) {
        crtk_qa_failure *f = g_ptr_array_index(qa->failures, i);
        worksheet_write_string(ws, (lxw_row_t)y, 0, f->patient_id, NULL);
        worksheet_write_number(ws, (lxw_row_t)y, 1, f->tumor, NULL);
        worksheet_write_string(ws, (lxw_row_t)y, 2, f->edit_id, NULL);
        worksheet_write_string(ws, (lxw_row_t)y, 3, f->message, NULL);
    }
    crtk_report_filter(ws, head, y - 1, 4);
}

gboolean crtk_report_quality(crtk_report *r, GError **error)
{
    crtk_qa own;
    const crtk_qa *qa = r->opt->qa;
    if (!qa) {
        crtk_qa_init(&own);
        g_free(own.title);
        own.title = g_strdup("Data quality");
        const char *set = r->opt->edit_set ? r->opt->edit_set : "state-submission";
        if (!crtk_qa_collect(r->store, &r->query, set, &own, error)) {
            crtk_qa_clear(&own);
            return FALSE;
        }
        crtk_qa_finish(&own);
        qa = &own;
    }
    write_summary(r, qa);
    write_groups(r, "By year", "Patients and tumors by year of diagnosis", "Year of diagnosis", qa->by_year, qa->patients);
    write_groups(r, "By site group", "Patients and tumors by site group (SEER Site Recode 2023)", "Site group",
                 qa->by_site, qa->patients);
    write_groups(r, "By facility", "Patients and tumors by reporting facility", "Reporting facility",
                 qa->by_facility, qa->patients);
    write_groups(r, "By class of case", "Patients and tumors by class of case", "Class of case", qa->by_class, qa->patients);
    if (qa->edits_run)
        write_edits(r, qa);
    if (qa->failures->len)
        write_failures(r, qa);
    if (qa == &own)
        crtk_qa_clear(&own);
    return TRUE;
}
#endif
