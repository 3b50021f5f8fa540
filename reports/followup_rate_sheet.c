/* followup_rate_sheet.c — the Commission on Cancer follow-up rate worksheet (see
 * followup_worksheets.h): lines A-E per cohort and year of diagnosis, the rate, the target and
 * PASS/FAIL, as text, JSON Lines or an Excel sheet that prints on one page.
 */
#include "followup_worksheets.h"
#include "crtk/output.h"
#include "excel_common.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

/* A date YYYYMMDD as "YYYY-MM-DD" (0: ""). */
static char *pretty(int d)
{
    return d ? g_strdup_printf("%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100) : g_strdup("");
}

/* A date YYYYMMDD as "YYYYMMDD" (0: ""). */
static char *plain(int d)
{
    return d ? g_strdup_printf("%08d", d) : g_strdup("");
}

/* The words of worksheet line i (A..E); the current line names the lost window. */
static char *line_words(int i, int lost_months)
{
    switch (i) {
    case 0: return g_strdup("Eligible analytic patients");
    case 1: return g_strdup("Dead (or 100 years old or older)");
    case 2: return g_strdup("Living (A - B)");
    case 3: return g_strdup_printf("Current (alive, contact within %d months)", lost_months);
    default: return g_strdup("Lost to follow-up (C - D)");
    }
}

static long line_value(const crtk_followup_rate_line *l, int i)
{
    switch (i) {
    case 0: return l->a;
    case 1: return l->b;
    case 2: return l->c;
    case 3: return l->d;
    default: return l->e;
    }
}

/* v of a in percent, rounded half up to one decimal (the rule of crtk_followup_rate_tenths). */
static double pct(long v, long a)
{
    return a ? (double)((2000 * v + a) / (2 * a)) / 10.0 : 0.0;
}

/* The rate of a line rounded as every output shows it. */
static double shown_rate(const crtk_followup_rate_line *l)
{
    return (double)crtk_followup_rate_tenths(l) / 10.0;
}

/* Why the two cohorts' years differ for one patient. */
static const char cohort_year_note[] =
    "A patient is counted once in each cohort, in the year of the first diagnosis inside that cohort: "
    "a patient diagnosed before and again within the last five years falls in an earlier year of the "
    "reference-date cohort than of the five-year cohort.  Rates are rounded half up to one decimal.";

void crtk_followup_rate_write_text(const crtk_followup_rate *rate, FILE *f, const char *db)
{
    const crtk_followup_rules *r = &rate->rules;
    char *asof = pretty(r->as_of);
    fprintf(f, "Follow-up rates of %s as of %s (Commission on Cancer; counting %s once each)\n", db, asof,
            rate->per_tumor ? "tumors" : "patients");
    g_free(asof);
    for (int k = 0; k < 2; k++) {
        const crtk_followup_cohort *c = &rate->cohort[k];
        char *from = pretty(c->from), *to = pretty(c->to);
        fprintf(f, "\n%s: diagnosed %s to %s, target %.0f%%\n", c->title, from, to, c->target);
        g_free(from), g_free(to);
        for (int i = 0; i < 5; i++) {
            char *w = line_words(i, r->lost_months);
            long v = line_value(&c->total, i);
            fprintf(f, "  %c  %-44s %8ld  %6.1f%%\n", 'A' + i, w, v, pct(v, c->total.a));
            g_free(w);
        }
        gboolean pass = crtk_followup_rate_pass(c, &c->total);
        fprintf(f, "  Follow-up rate (B + D) / A: %.1f%%, target %.0f%%: %s\n", shown_rate(&c->total),
                c->target, !c->total.a ? "PASS (no eligible patients)" : pass ? "PASS" : "FAIL");
        if (c->years->len) {
            fprintf(f, "\n  %-6s %8s %8s %8s %8s %8s %8s\n", "Year", "A", "B", "C", "D", "E", "Rate");
            int empty = 0;
            for (guint y = 0; y < c->years->len; y++) {
                const crtk_followup_rate_line *l = &g_array_index(c->years, crtk_followup_rate_line, y);
                if (!l->a) {
                    empty++;
                    continue;
                }
                fprintf(f, "  %-6d %8ld %8ld %8ld %8ld %8ld %7.1f%%\n", l->year, l->a, l->b, l->c, l->d, l->e,
                        shown_rate(l));
            }
            if (empty)
                fprintf(f, "  (%d year%s without eligible patients not shown)\n", empty, empty == 1 ? "" : "s");
        }
    }
    /* the note in lines of at most 96 characters, as a terminal or a printed page shows them */
    fputs("\nNote:", f);
    int col = 5;
    char **words = g_strsplit(cohort_year_note, " ", -1);
    for (int i = 0; words[i]; i++) {
        if (!*words[i]) /* the second space after a full stop */
            continue;
        int len = (int)strlen(words[i]);
        if (col + 1 + len > 96) {
            fputc('\n', f);
            col = 0;
        } else {
            fputc(' ', f);
            col++;
        }
        fputs(words[i], f);
        col += len;
    }
    fputc('\n', f);
    g_strfreev(words);
}

static void rate_json_line(GString *s, const crtk_followup_cohort *c, const crtk_followup_rate_line *l, gboolean total)
{
    g_string_append_c(s, '{');
    crtk_json_field_str(s, "cohort", c->name, TRUE);
    if (total) {
        g_string_append(s, ",\"year\":null");
        char *from = plain(c->from), *to = plain(c->to);
        crtk_json_field_str(s, "from", from, FALSE);
        crtk_json_field_str(s, "to", to, FALSE);
        g_free(from), g_free(to);
        g_string_append_printf(s, ",\"target\":%.0f", c->target);
    } else {
        crtk_json_field_int(s, "year", l->year, FALSE);
    }
    crtk_json_field_int(s, "A", l->a, FALSE);
    crtk_json_field_int(s, "B", l->b, FALSE);
    crtk_json_field_int(s, "C", l->c, FALSE);
    crtk_json_field_int(s, "D", l->d, FALSE);
    crtk_json_field_int(s, "E", l->e, FALSE);
    if (l->a)
        g_string_append_printf(s, ",\"rate\":%.1f", shown_rate(l));
    else
        g_string_append(s, ",\"rate\":null");
    if (total)
        g_string_append_printf(s, ",\"pass\":%s", crtk_followup_rate_pass(c, l) ? "true" : "false");
    g_string_append(s, "}\n");
}

void crtk_followup_rate_write_json(const crtk_followup_rate *rate, FILE *f)
{
    GString *s = g_string_new(NULL);
    for (int k = 0; k < 2; k++) {
        const crtk_followup_cohort *c = &rate->cohort[k];
        rate_json_line(s, c, &c->total, TRUE);
        for (guint y = 0; y < c->years->len; y++)
            rate_json_line(s, c, &g_array_index(c->years, crtk_followup_rate_line, y), FALSE);
    }
    g_string_append(s, "{\"note\":");
    crtk_json_append_string(s, cohort_year_note, -1);
    g_string_append(s, "}\n");
    fputs(s->str, f);
    g_string_free(s, TRUE);
}

gboolean crtk_followup_rate_write_xlsx(const crtk_followup_rate *rate, const char *output, const char *db, GError **error)
{
    crtk_output *out;
    lxw_workbook *wb = crtk_xlsx_begin(output, FALSE, &out, error);
    if (!wb)
        return FALSE;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Follow-up rates");
    lxw_format *bold = workbook_add_format(wb), *pc = workbook_add_format(wb), *title = workbook_add_format(wb);
    lxw_format *bold_right = workbook_add_format(wb);
    format_set_bold(bold_right);
    format_set_align(bold_right, LXW_ALIGN_RIGHT);
    format_set_bold(bold);
    format_set_num_format(pc, "0.0%");
    format_set_bold(title);
    format_set_font_size(title, 14);
    const crtk_followup_rules *r = &rate->rules;
    char *asof = pretty(r->as_of);
    char *t = g_strdup_printf("Follow-up rates of %s as of %s (counting %s)", db, asof,
                              rate->per_tumor ? "tumors" : "patients");
    worksheet_write_string(ws, 0, 0, t, title);
    g_free(t), g_free(asof);
    lxw_row_t row = 2;
    for (int k = 0; k < 2; k++) {
        const crtk_followup_cohort *c = &rate->cohort[k];
        char *from = pretty(c->from), *to = pretty(c->to);
        char *h = g_strdup_printf("%s: diagnosed %s to %s, target %.0f%%", c->title, from, to, c->target);
        worksheet_write_string(ws, row++, 0, h, bold);
        g_free(h), g_free(from), g_free(to);
        worksheet_write_string(ws, row, 0, "Line", bold);
        worksheet_write_string(ws, row, 1, "Meaning", bold);
        worksheet_write_string(ws, row, 2, "Number", bold);
        worksheet_write_string(ws, row++, 3, "Percent", bold);
        for (int i = 0; i < 5; i++) {
            char letter[2] = {(char)('A' + i), 0};
            char *w = line_words(i, r->lost_months);
            long v = line_value(&c->total, i);
            worksheet_write_string(ws, row, 0, letter, NULL);
            worksheet_write_string(ws, row, 1, w, NULL);
            worksheet_write_number(ws, row, 2, (double)v, NULL);
            worksheet_write_number(ws, row++, 3, pct(v, c->total.a) / 100.0, pc);
            g_free(w);
        }
        worksheet_write_string(ws, row, 1, "Follow-up rate (B + D) / A", bold);
        worksheet_write_number(ws, row++, 3, shown_rate(&c->total) / 100.0, pc);
        worksheet_write_string(ws, row, 1, "Target", NULL);
        worksheet_write_number(ws, row++, 3, c->target / 100.0, pc);
        worksheet_write_string(ws, row, 1, "Result", NULL);
        worksheet_write_string(ws, row++, 3, crtk_followup_rate_pass(c, &c->total) ? "PASS" : "FAIL", bold);
        row++;
        static const char *const heads[] = {"Year of diagnosis", "A", "B", "C", "D", "E", "Rate"};
        for (int i = 0; i < 7; i++) /* the letters over their numbers */
            worksheet_write_string(ws, row, (lxw_col_t)i, heads[i], i ? bold_right : bold);
        row++;
        for (guint y = 0; y < c->years->len; y++, row++) {
            const crtk_followup_rate_line *l = &g_array_index(c->years, crtk_followup_rate_line, y);
            worksheet_write_number(ws, row, 0, l->year, NULL);
            for (int i = 0; i < 5; i++)
                worksheet_write_number(ws, row, (lxw_col_t)(i + 1), (double)line_value(l, i), NULL);
            if (l->a)
                worksheet_write_number(ws, row, 6, shown_rate(l) / 100.0, pc);
        }
        row += 2;
    }
    /* the note wraps across the table's width instead of running off the page */
    lxw_format *note = workbook_add_format(wb);
    format_set_text_wrap(note);
    format_set_align(note, LXW_ALIGN_VERTICAL_TOP);
    worksheet_merge_range(ws, row, 0, row, 6, cohort_year_note, note);
    worksheet_set_row(ws, row, 58, NULL);
    worksheet_set_column(ws, 0, 0, 18, NULL);
    worksheet_set_column(ws, 1, 1, 44, NULL);
    worksheet_set_column(ws, 2, 6, 10, NULL);
    /* labels and numbers on one portrait page: the whole sheet fits, with the registry and date
     * below (the store's registry name, read from db; its file name when it has none) */
    char as_of[16];
    g_snprintf(as_of, sizeof as_of, "%08d", r->as_of);
    char *name = crtk_print_source_name_of_file(db);
    crtk_sheet_print_setup(ws, name, as_of, FALSE, -1);
    worksheet_fit_to_pages(ws, 1, 1);
    g_free(name);
    return crtk_xlsx_commit(wb, out, output, error);
}

