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
 *
 * Suppression (--suppress-below) goes through suppression.c, one table per sheet with the sums
 * the sheet publishes: on "Rates", A = B + C, C = D + E and the rate's B + D of each cohort and
 * each year (a rate with A gives B + D back), the years add up to the reference cohort, and the
 * two cohorts are the same patients when the reference cohort has none before the five-year one
 * begins; on "Due and lost", due or lost = due + lost, "All sources" = the sources, and the
 * statuses current, due and lost repeat that row.  The two sheets count different patients
 * (the cohorts; every followed patient), so no sum joins them.
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

/* The Rates sheet as published: rows the two cohorts' totals, then the reference cohort's years;
 * columns the lines and B + D (the count the rate is of).  A count written twice is written from
 * one cell of the table, so that it is hidden or shown in both places. */
enum { L_A, L_B, L_C, L_D, L_E, L_BD, N_LINES };

static void set_line(crtk_supp *sp, int row, const crtk_followup_rate_line *l)
{
    long v[N_LINES] = {l->a, l->b, l->c, l->d, l->e, l->b + l->d};
    for (int j = 0; j < N_LINES; j++)
        crtk_supp_set(sp, row, j, v[j]);
    int rows[2] = {row, row};
    int bc[2] = {L_B, L_C}, de[2] = {L_D, L_E}, bd[2] = {L_B, L_D};
    crtk_supp_sum(sp, row, L_A, rows, bc, 2);
    crtk_supp_sum(sp, row, L_C, rows, de, 2);
    crtk_supp_sum(sp, row, L_BD, rows, bd, 2);
}

static crtk_supp *rates_table(const crtk_followup_rate *rate, gboolean *same_out)
{
    const crtk_followup_cohort *ref = &rate->cohort[0], *five = &rate->cohort[1];
    int ny = ref->years ? (int)ref->years->len : 0;
    crtk_supp *sp = crtk_supp_new(2 + ny, N_LINES);
    set_line(sp, 0, &ref->total);
    set_line(sp, 1, &five->total);
    for (int i = 0; i < ny; i++)
        set_line(sp, 2 + i, &g_array_index(ref->years, crtk_followup_rate_line, i));
    if (ny > 0)
        crtk_supp_col_sums(sp, 0, 2, 1 + ny, 0, N_LINES - 1);
    /* the same patients: the same start, or no reference patient before the five-year start */
    gboolean same = ref->from == five->from;
    if (!same) {
        same = TRUE;
        for (int i = 0; i < ny; i++) {
            const crtk_followup_rate_line *l = &g_array_index(ref->years, crtk_followup_rate_line, i);
            if (l->year < five->from / 10000 && l->a > 0)
                same = FALSE;
        }
    }
    /* then the five-year lines are the reference ones: written from the same cells (row 0) */
    *same_out = same;
    return sp;
}

static int write_lines(crtk_report *r, lxw_worksheet *ws, int y, const crtk_followup_cohort *co, const crtk_supp *sp,
                       int row)
{
    char *from = fmt_date(co->from), *to = fmt_date(co->to);
    char *t = g_strdup_printf("%s: diagnosed %s to %s, target %.0f%%", co->title, from, to, co->target);
    worksheet_write_string(ws, (lxw_row_t)y++, 0, t, r->f_section);
    g_free(t), g_free(from), g_free(to);
    const crtk_followup_rate_line *l = &co->total;
    static const char *const labels[] = {
        "A  Eligible analytic patients (denominator)",
        "B  Dead, or 100 years old or older",
        "C  Living (A - B)",
        "D  Current: contact within the lost window",
        "E  Lost to follow-up (C - D)",
    };
    gboolean a_shown = crtk_supp_state_of(sp, row, L_A) == CRTK_SUPP_SHOWN;
    for (int i = 0; i < 5; i++, y++) {
        worksheet_write_string(ws, (lxw_row_t)y, 0, labels[i], r->f_label);
        gboolean shown = crtk_report_supp_count(r, ws, y, 1, sp, row, L_A + i, r->f_count);
        crtk_report_supp_pct(r, ws, y, 2, crtk_supp_get(sp, row, L_A + i), shown, l->a, a_shown, r->f_pct);
    }
    worksheet_write_string(ws, (lxw_row_t)y, 0, "Follow-up rate (B + D) / A", r->f_label_bold);
    gboolean shown = crtk_report_supp_count(r, ws, y, 1, sp, row, L_BD, r->f_count_total);
    crtk_report_supp_pct(r, ws, y, 2, l->b + l->d, shown, l->a, a_shown, r->f_pct_total);
    gboolean pass = crtk_followup_rate_pass(co, l);
    worksheet_write_string(ws, (lxw_row_t)y, 3, pass ? "meets the target" : "below the target",
                           pass ? r->f_ok : r->f_bad);
    y++;
    return y + 1;
}

/* The Due and lost sheet as published: rows the sources, "All sources", then the statuses not
 * followed and dead (current, due and lost are the "All sources" row again, written from its
 * cells); columns current, due, lost, due or lost. */
enum { W_CURRENT, W_DUE, W_LOST, W_DUE_OR_LOST, N_WORK };

static crtk_supp *work_table(const fu_ctx *c)
{
    int ns = (int)c->work->row_keys->len;
    crtk_supp *sp = crtk_supp_new(ns + 2, MAX((int)CRTK_FU_N_STATUS, (int)N_WORK));
    for (int i = 0; i <= ns; i++) {
        for (int j = 0; j < 3; j++)
            crtk_supp_set(sp, i, j, i < ns ? crtk_counts_get(c->work, i, j) : crtk_counts_col_total(c->work, j));
        crtk_supp_set(sp, i, W_DUE_OR_LOST, crtk_supp_get(sp, i, W_DUE) + crtk_supp_get(sp, i, W_LOST));
        int rows[2] = {i, i}, cols[2] = {W_DUE, W_LOST};
        crtk_supp_sum(sp, i, W_DUE_OR_LOST, rows, cols, 2);
    }
    crtk_supp_col_sums(sp, ns, 0, ns - 1, 0, N_WORK - 1);
    crtk_supp_set(sp, ns + 1, CRTK_FU_EXCLUDED, c->status[CRTK_FU_EXCLUDED]);
    crtk_supp_set(sp, ns + 1, CRTK_FU_DEAD, c->status[CRTK_FU_DEAD]);
    return sp;
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
        gboolean same = FALSE;
        crtk_supp *sp = rates_table(&rate, &same);
        crtk_supp_run(sp, r->opt->suppress_below);
        for (int k = 0; k < 2; k++)
            y = write_lines(r, ws, y, &rate.cohort[k], sp, same ? 0 : k);
        /* by year of diagnosis, reference cohort */
        const crtk_followup_cohort *co = &rate.cohort[0];
        /* the years before the first with an eligible patient are left out, and said so */
        guint first = 0;
        while (co->years && first < co->years->len &&
               g_array_index(co->years, crtk_followup_rate_line, first).a == 0)
            first++;
        if (co->years && first == co->years->len)
            first = 0;
        char *title = first ? g_strdup_printf("By year of diagnosis (reference-date cohort; no eligible patient "
                                              "diagnosed before %d)",
                                              g_array_index(co->years, crtk_followup_rate_line, first).year)
                            : g_strdup("By year of diagnosis (reference-date cohort)");
        worksheet_write_string(ws, (lxw_row_t)y++, 0, title, r->f_section);
        g_free(title);
        const char *hdr[] = {"Year of diagnosis", "A Eligible", "B Dead", "C Living", "D Current", "E Lost",
                             "Follow-up rate"};
        int head = y;
        for (int i = 0; i < 7; i++)
            worksheet_write_string(ws, (lxw_row_t)head, (lxw_col_t)i, hdr[i], r->f_header);
        worksheet_set_row(ws, (lxw_row_t)head, 30, NULL);
        y++;
        /* chart data beside the table (hidden columns): the years whose rate is shown */
        enum { CHART_COL = 8 };
        int charted = 0;
        for (guint i = first; co->years && i < co->years->len; i++, y++) {
            const crtk_followup_rate_line *l = &g_array_index(co->years, crtk_followup_rate_line, i);
            int row = 2 + (int)i;
            worksheet_write_number(ws, (lxw_row_t)y, 0, l->year, NULL);
            for (int j = 0; j < 5; j++)
                crtk_report_supp_count(r, ws, y, 1 + j, sp, row, L_A + j, r->f_count);
            gboolean a_shown = crtk_supp_state_of(sp, row, L_A) == CRTK_SUPP_SHOWN;
            gboolean bd_shown = crtk_supp_state_of(sp, row, L_BD) == CRTK_SUPP_SHOWN;
            crtk_report_supp_pct(r, ws, y, 6, l->b + l->d, bd_shown, l->a, a_shown, r->f_pct);
            if (l->a > 0 && a_shown && bd_shown) {
                if (!charted)
                    worksheet_write_string(ws, (lxw_row_t)head, CHART_COL, "Chart data (rates shown only)",
                                           r->f_header);
                worksheet_write_number(ws, (lxw_row_t)(head + 1 + charted), CHART_COL, l->year, NULL);
                worksheet_write_number(ws, (lxw_row_t)(head + 1 + charted), CHART_COL + 1,
                                       (double)(l->b + l->d) / (double)l->a, r->f_pct);
                charted++;
            }
        }
        crtk_report_filter(ws, head, y - 1, 7);
        int yn = crtk_report_supp_note_block(r, ws, y + 1, sp, 6, 46 + 6 * 12, NULL);
        if (charted > 0) { /* a year whose rate is hidden is left out, with its label; none: no chart */
            lxw_chart *ch = workbook_add_chart(r->wb, LXW_CHART_COLUMN);
            crtk_report_chart_data(ws, CHART_COL, CHART_COL + 1, ch);
            chart_title_set_name(ch, "Follow-up rate by year of diagnosis");
            lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
            chart_series_set_categories(s, "Rates", (lxw_row_t)(head + 1), CHART_COL, (lxw_row_t)(head + charted),
                                        CHART_COL);
            chart_series_set_values(s, "Rates", (lxw_row_t)(head + 1), CHART_COL + 1, (lxw_row_t)(head + charted),
                                    CHART_COL + 1);
            chart_series_set_name(s, "Follow-up rate");
            chart_axis_set_num_format(ch->y_axis, "0%");
            chart_axis_set_min(ch->y_axis, 0);
            chart_axis_set_max(ch->y_axis, 1);
            chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
            lxw_chart_options co2 = {.x_scale = 1.8, .y_scale = 1.4};
            worksheet_insert_chart_opt(ws, (lxw_row_t)(yn > y + 1 ? yn + 1 : y + 2), 0, ch, &co2);
        }
        crtk_supp_free(sp);

        /* work to do */
        int y2;
        lxw_worksheet *ws2 = crtk_report_sheet(r, "Due and lost",
            "Living followed patients by next follow-up source", NULL, &y2);
        worksheet_set_column(ws2, 0, 0, 36, NULL);
        const char *hdr2[] = {"Next follow-up source", "Current", "Due", "Lost", "Due or lost"};
        int head2 = y2;
        crtk_report_header(r, ws2, head2, hdr2, 5);
        crtk_counts_sort_keys(c.work);
        crtk_supp *wp = work_table(&c);
        crtk_supp_run(wp, r->opt->suppress_below);
        int ns = (int)c.work->row_keys->len;
        y2++;
        for (int i = 0; i < ns; i++, y2++) {
            worksheet_write_string(ws2, (lxw_row_t)y2, 0, source_label(g_ptr_array_index(c.work->row_keys, (guint)i)),
                                   r->f_label);
            for (int j = 0; j < N_WORK; j++)
                crtk_report_supp_count(r, ws2, y2, 1 + j, wp, i, j, r->f_count);
        }
        crtk_report_filter(ws2, head2, y2 - 1, 5);
        worksheet_write_string(ws2, (lxw_row_t)y2, 0, "All sources", r->f_label_bold);
        for (int j = 0; j < N_WORK; j++)
            crtk_report_supp_count(r, ws2, y2, 1 + j, wp, ns, j, r->f_count_total);
        y2 += 2;
        worksheet_write_string(ws2, (lxw_row_t)y2++, 0, "All patients by status", r->f_section);
        const char *names[CRTK_FU_N_STATUS] = {"Not followed", "Dead", "Current", "Due", "Lost"};
        for (int k = 0; k < CRTK_FU_N_STATUS; k++, y2++) {
            worksheet_write_string(ws2, (lxw_row_t)y2, 0, names[k], r->f_label);
            if (k == CRTK_FU_EXCLUDED || k == CRTK_FU_DEAD)
                crtk_report_supp_count(r, ws2, y2, 1, wp, ns + 1, k, r->f_count);
            else
                crtk_report_supp_count(r, ws2, y2, 1, wp, ns,
                                       k == CRTK_FU_CURRENT ? W_CURRENT : k == CRTK_FU_DUE ? W_DUE : W_LOST, r->f_count);
        }
        crtk_report_supp_note_block(r, ws2, y2 + 1, wp, 4, 36 + 4 * 12, NULL);
        crtk_supp_free(wp);
        worksheet_activate(ws);
    }
    crtk_counts_free(c.work);
    crtk_followup_rate_clear(&rate);
    return ok;
}
#endif
