/* excel_followup.c — `crtk report followup`: the follow-up rate worksheet and the work to do.
 *
 * The rules are those of registry/followup.h (CoC Standard 6.5; SEER Training "Follow-up
 * Calculations"): patients are classified once each, from the store's settings (reference
 * date, due and lost windows) and the as-of date.  Sheets:
 *   - "Rates": lines A-E and the follow-up rate of the reference-date cohort (target 80%) and
 *     of the last five years (target 90%), then the same lines
 *     by year of diagnosis and a chart of the rates by year;
 *   - "Due and lost": living followed patients by status (current, due, lost) and by Next
 *     Follow-Up Source [1800] of their principal tumor.
 * The cohorts define which patients count, so --where and --years do not apply here.
 */
#include "excel_reports.h"
#include "followup.h"

#ifdef CRTK_HAVE_XLSXWRITER
#include <string.h>

static const char *source_label(const char *code)
{
    static const char *const labels[] = {"0 Chart requisition", "1 Physician letter", "2 Contact letter",
                                         "3 Phone call", "4 Other hospital contact", "5 Other, NOS",
                                         NULL, NULL, "8 Foreign resident (not followed)",
                                         "9 Not followed (not required)"};
    if (!code || !*code)
        return "Blank";
    if (code[0] >= '0' && code[0] <= '9' && !code[1] && labels[code[0] - '0'])
        return labels[code[0] - '0'];
    return code;
}

typedef struct {
    crtk_followup_rate *rate;
    crtk_counts *work;   /* rows: next follow-up source code; columns: current, due, lost */
    long status[CRTK_FU_N_STATUS];
} fu_ctx;

static int fu_patient(crtk_followup_patient *p, void *user)
{
    fu_ctx *c = user;
    crtk_followup_rate_add(c->rate, p);
    c->status[p->status]++;
    if (p->status == CRTK_FU_CURRENT || p->status == CRTK_FU_DUE || p->status == CRTK_FU_LOST) {
        const char *src = crtk_followup_next_source(p);
        int col = p->status == CRTK_FU_CURRENT ? 0 : p->status == CRTK_FU_DUE ? 1 : 2;
        crtk_counts_add(c->work, src ? src : "", col, 1);
    }
    return CRTK_CONTINUE;
}

static char *fmt_date(int d)
{
    return d ? g_strdup_printf("%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100) : g_strdup("?");
}

static int write_lines(crtk_report *r, lxw_worksheet *ws, int y, const crtk_followup_cohort *co)
{
    char *from = fmt_date(co->from), *to = fmt_date(co->to);
    char *t = g_strdup_printf("%s: diagnosed %s to %s, target %.0f%%", co->title, from, to, co->target);
    worksheet_write_string(ws, (lxw_row_t)y++, 0, t, r->f_section);
    g_free(t), g_free(from), g_free(to);
    const crtk_followup_rate_line *l = &co->total;
    struct {
        const char *label;
        long n;
    } lines[] = {
        {"A  Eligible analytic patients (denominator)", l->a},
        {"B  Dead, or 100 years old or older", l->b},
        {"C  Living (A - B)", l->c},
        {"D  Current: contact within the lost window", l->d},
        {"E  Lost to follow-up (C - D)", l->e},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(lines); i++, y++) {
        worksheet_write_string(ws, (lxw_row_t)y, 0, lines[i].label, r->f_label);
        crtk_report_count(r, ws, y, 1, lines[i].n, r->f_count);
        crtk_report_pct(r, ws, y, 2, lines[i].n, l->a, r->f_pct);
    }
    worksheet_write_string(ws, (lxw_row_t)y, 0, "Follow-up rate (B + D) / A", r->f_label_bold);
    crtk_report_count(r, ws, y, 1, l->b + l->d, r->f_count_total);
    crtk_report_pct(r, ws, y, 2, l->b + l->d, l->a, r->f_pct_total);
    gboolean pass = crtk_followup_rate_pass(co, l);
    worksheet_write_string(ws, (lxw_row_t)y, 3, pass ? "meets the target" : "below the target",
                           pass ? r->f_ok : r->f_bad);
    y++;
    return y + 1;
}

gboolean crtk_report_followup(crtk_report *r, GError **error)
{
    crtk_followup_rules rules;
    if (!crtk_followup_rules_from_store(r->store, r->as_of, &rules, error))
        return FALSE;
    crtk_followup_rate rate;
    crtk_followup_rate_init(&rate, &rules, FALSE);
    fu_ctx c = {&rate, crtk_counts_new(3), {0}};
    gboolean ok = crtk_followup_scan(r->store, &rules, CRTK_FU_SCAN_RATE, fu_patient, &c, error);
    if (ok) {
        int y;
        char *note = g_strdup_printf(
            "Patients counted once each (CoC Standard 6.5; SEER Training follow-up calculations). Due after %d months "
            "without contact, lost after %d. The cohorts define the patients: --where and --years do not apply.",
            rules.due_months, rules.lost_months);
        lxw_worksheet *ws = crtk_report_sheet(r, "Rates", "Follow-up rates", note, &y);
        g_free(note);
        worksheet_set_column(ws, 0, 0, 46, NULL);
        worksheet_set_column(ws, 3, 3, 18, NULL);
        for (int k = 0; k < 2; k++)
            y = write_lines(r, ws, y, &rate.cohort[k]);
        /* by year of diagnosis, reference cohort */
        const crtk_followup_cohort *co = &rate.cohort[0];
        worksheet_write_string(ws, (lxw_row_t)y++, 0, "By year of diagnosis (reference-date cohort)", r->f_section);
        const char *hdr[] = {"Year of diagnosis", "A Eligible", "B Dead", "C Living", "D Current", "E Lost",
                             "Follow-up rate"};
        int head = y;
        for (int i = 0; i < 7; i++)
            worksheet_write_string(ws, (lxw_row_t)head, (lxw_col_t)i, hdr[i], r->f_header);
        worksheet_set_row(ws, (lxw_row_t)head, 30, NULL);
        y++;
        int first = y;
        for (guint i = 0; co->years && i < co->years->len; i++, y++) {
            const crtk_followup_rate_line *l = &g_array_index(co->years, crtk_followup_rate_line, i);
            worksheet_write_number(ws, (lxw_row_t)y, 0, l->year, NULL);
            long v[5] = {l->a, l->b, l->c, l->d, l->e};
            for (int j = 0; j < 5; j++)
                crtk_report_count(r, ws, y, 1 + j, v[j], r->f_count);
            crtk_report_pct(r, ws, y, 6, l->b + l->d, l->a, r->f_pct);
        }
        crtk_report_filter(ws, head, y - 1, 7);
        if (y > first) {
            lxw_chart *ch = workbook_add_chart(r->wb, LXW_CHART_COLUMN);
            chart_title_set_name(ch, "Follow-up rate by year of diagnosis");
            lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
            chart_series_set_categories(s, "Rates", (lxw_row_t)first, 0, (lxw_row_t)(y - 1), 0);
            chart_series_set_values(s, "Rates", (lxw_row_t)first, 6, (lxw_row_t)(y - 1), 6);
            chart_series_set_name(s, "Follow-up rate");
            chart_axis_set_num_format(ch->y_axis, "0%");
            chart_axis_set_min(ch->y_axis, 0);
            chart_axis_set_max(ch->y_axis, 1);
            chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
            lxw_chart_options co2 = {.x_scale = 1.8, .y_scale = 1.4};
            worksheet_insert_chart_opt(ws, (lxw_row_t)(y + 2), 0, ch, &co2);
        }

        /* work to do */
        int y2;
        lxw_worksheet *ws2 = crtk_report_sheet(r, "Due and lost",
            "Living followed patients by next follow-up source", NULL, &y2);
        worksheet_set_column(ws2, 0, 0, 36, NULL);
        const char *hdr2[] = {"Next follow-up source", "Current", "Due", "Lost", "Due or lost"};
        int head2 = y2;
        crtk_report_header(r, ws2, head2, hdr2, 5);
        crtk_counts_sort_keys(c.work);
        y2++;
        for (guint i = 0; i < c.work->row_keys->len; i++, y2++) {
            worksheet_write_string(ws2, (lxw_row_t)y2, 0, source_label(g_ptr_array_index(c.work->row_keys, i)),
                                   r->f_label);
            for (int j = 0; j < 3; j++)
                crtk_report_count(r, ws2, y2, 1 + j, crtk_counts_get(c.work, (int)i, j), r->f_count);
            crtk_report_count(r, ws2, y2, 4, crtk_counts_get(c.work, (int)i, 1) + crtk_counts_get(c.work, (int)i, 2),
                              r->f_count);
        }
        crtk_report_filter(ws2, head2, y2 - 1, 5);
        worksheet_write_string(ws2, (lxw_row_t)y2, 0, "All sources", r->f_label_bold);
        for (int j = 0; j < 3; j++)
            crtk_report_count(r, ws2, y2, 1 + j, crtk_counts_col_total(c.work, j), r->f_count_total);
        crtk_report_count(r, ws2, y2, 4, crtk_counts_col_total(c.work, 1) + crtk_counts_col_total(c.work, 2),
                          r->f_count_total);
        y2 += 2;
        worksheet_write_string(ws2, (lxw_row_t)y2++, 0, "All patients by status", r->f_section);
        const char *names[CRTK_FU_N_STATUS] = {"Not followed", "Dead", "Current", "Due", "Lost"};
        for (int k = 0; k < CRTK_FU_N_STATUS; k++, y2++) {
            worksheet_write_string(ws2, (lxw_row_t)y2, 0, names[k], r->f_label);
            crtk_report_count(r, ws2, y2, 1, c.status[k], r->f_count);
        }
        worksheet_activate(ws);
    }
    crtk_counts_free(c.work);
    crtk_followup_rate_clear(&rate);
    return ok;
}
#endif
