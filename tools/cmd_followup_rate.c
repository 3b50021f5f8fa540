/* cmd_followup_rate.c — `crtk followup rate`: the Commission on Cancer follow-up rates.
 *
 * Asks registry/followup.h for the worksheet (both cohorts, lines A-E, per year of diagnosis,
 * target, pass or fail) and prints it as text, JSON Lines or Excel.
 */
#include "cmd_followup.h"
#include "crtk/json.h"

#include <string.h>

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

static double pct(long v, long a)
{
    return a ? 100.0 * (double)v / (double)a : 0.0;
}

static void rate_text(FILE *f, const crtk_followup_rate *rate, const char *db)
{
    const crtk_followup_rules *r = &rate->rules;
    char *asof = fu_pretty(r->as_of);
    fprintf(f, "Follow-up rates of %s as of %s (Commission on Cancer; counting %s once each)\n", db, asof,
            rate->per_tumor ? "tumors" : "patients");
    g_free(asof);
    for (int k = 0; k < 2; k++) {
        const crtk_followup_cohort *c = &rate->cohort[k];
        char *from = fu_pretty(c->from), *to = fu_pretty(c->to);
        fprintf(f, "\n%s: diagnosed %s to %s, target %.0f%%\n", c->title, from, to, c->target);
        g_free(from), g_free(to);
        for (int i = 0; i < 5; i++) {
            char *w = line_words(i, r->lost_months);
            long v = line_value(&c->total, i);
            fprintf(f, "  %c  %-44s %8ld  %6.1f%%\n", 'A' + i, w, v, pct(v, c->total.a));
            g_free(w);
        }
        gboolean pass = crtk_followup_rate_pass(c, &c->total);
        fprintf(f, "  Follow-up rate (B + D) / A: %.1f%%, target %.0f%%: %s\n", crtk_followup_rate_percent(&c->total),
                c->target, !c->total.a ? "PASS (no eligible patients)" : pass ? "PASS" : "FAIL");
        fprintf(f, "  Checks: A - B = C %s; D + E = C %s; B + D + E = A %s\n",
                c->total.a - c->total.b == c->total.c ? "ok" : "WRONG",
                c->total.d + c->total.e == c->total.c ? "ok" : "WRONG",
                c->total.b + c->total.d + c->total.e == c->total.a ? "ok" : "WRONG");
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
                        crtk_followup_rate_percent(l));
            }
            if (empty)
                fprintf(f, "  (%d year%s without eligible patients not shown)\n", empty, empty == 1 ? "" : "s");
        }
    }
}

static void rate_json_line(GString *s, const crtk_followup_cohort *c, const crtk_followup_rate_line *l, gboolean total)
{
    g_string_append_c(s, '{');
    crtk_json_field_str(s, "cohort", c->name, TRUE);
    if (total) {
        g_string_append(s, ",\"year\":null");
        char *from = fu_plain(c->from), *to = fu_plain(c->to);
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
        g_string_append_printf(s, ",\"rate\":%.2f", crtk_followup_rate_percent(l));
    else
        g_string_append(s, ",\"rate\":null");
    if (total)
        g_string_append_printf(s, ",\"pass\":%s", crtk_followup_rate_pass(c, l) ? "true" : "false");
    g_string_append(s, "}\n");
}

static void rate_json(FILE *f, const crtk_followup_rate *rate)
{
    GString *s = g_string_new(NULL);
    for (int k = 0; k < 2; k++) {
        const crtk_followup_cohort *c = &rate->cohort[k];
        rate_json_line(s, c, &c->total, TRUE);
        for (guint y = 0; y < c->years->len; y++)
            rate_json_line(s, c, &g_array_index(c->years, crtk_followup_rate_line, y), FALSE);
    }
    fputs(s->str, f);
    g_string_free(s, TRUE);
}

#ifdef CRTK_HAVE_XLSXWRITER
static gboolean rate_xlsx(const crtk_followup_rate *rate, const char *output, const char *db)
{
    lxw_workbook *wb = workbook_new(output);
    if (!wb) {
        crtk_cli_error("%s: cannot write", output);
        return FALSE;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Follow-up rates");
    lxw_format *bold = workbook_add_format(wb), *pc = workbook_add_format(wb), *title = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_num_format(pc, "0.0%");
    format_set_bold(title);
    format_set_font_size(title, 14);
    const crtk_followup_rules *r = &rate->rules;
    char *asof = fu_pretty(r->as_of);
    char *t = g_strdup_printf("Follow-up rates of %s as of %s (counting %s)", db, asof,
                              rate->per_tumor ? "tumors" : "patients");
    worksheet_write_string(ws, 0, 0, t, title);
    g_free(t), g_free(asof);
    lxw_row_t row = 2;
    for (int k = 0; k < 2; k++) {
        const crtk_followup_cohort *c = &rate->cohort[k];
        char *from = fu_pretty(c->from), *to = fu_pretty(c->to);
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
            worksheet_write_number(ws, row++, 3, c->total.a ? (double)v / (double)c->total.a : 0, pc);
            g_free(w);
        }
        worksheet_write_string(ws, row, 1, "Follow-up rate (B + D) / A", bold);
        worksheet_write_number(ws, row++, 3, crtk_followup_rate_percent(&c->total) / 100.0, pc);
        worksheet_write_string(ws, row, 1, "Target", NULL);
        worksheet_write_number(ws, row++, 3, c->target / 100.0, pc);
        worksheet_write_string(ws, row, 1, "Result", NULL);
        worksheet_write_string(ws, row++, 3, crtk_followup_rate_pass(c, &c->total) ? "PASS" : "FAIL", bold);
        row++;
        static const char *const heads[] = {"Year of diagnosis", "A", "B", "C", "D", "E", "Rate"};
        for (int i = 0; i < 7; i++)
            worksheet_write_string(ws, row, (lxw_col_t)i, heads[i], bold);
        row++;
        for (guint y = 0; y < c->years->len; y++, row++) {
            const crtk_followup_rate_line *l = &g_array_index(c->years, crtk_followup_rate_line, y);
            worksheet_write_number(ws, row, 0, l->year, NULL);
            for (int i = 0; i < 5; i++)
                worksheet_write_number(ws, row, (lxw_col_t)(i + 1), (double)line_value(l, i), NULL);
            if (l->a)
                worksheet_write_number(ws, row, 6, crtk_followup_rate_percent(l) / 100.0, pc);
        }
        row += 2;
    }
    worksheet_set_column(ws, 0, 0, 18, NULL);
    worksheet_set_column(ws, 1, 1, 44, NULL);
    worksheet_set_column(ws, 2, 6, 10, NULL);
    return fu_xlsx_close(wb, output);
}
#endif

int cmd_followup_rate(int argc, char **argv)
{
    char *as_of = NULL, *format = NULL, *output = NULL;
    gboolean per_tumor = FALSE;
    int through = 0;
    GOptionEntry entries[] = {
        {"as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "the date the rates are for (default today)", "YYYYMMDD"},
        {"through-year", 0, 0, G_OPTION_ARG_INT, &through,
         "last year of diagnosis counted (default: the year before the as-of date)", "Y"},
        {"per-tumor", 0, 0, G_OPTION_ARG_NONE, &per_tumor, "count tumors instead of patients", NULL},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default), json (JSON Lines) or xlsx", "FMT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "file to write (default: standard output)", "FILE"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB - the follow-up rates (CoC worksheet)");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Two cohorts: patients diagnosed since the reference date (target 80%) and in the last five years\n"
        "(90%), both up to the end of the year before the as-of date.  A: eligible analytic patients;\n"
        "B: dead (or 100 years old or older); C = A - B living; D: current (contact within 15 months);\n"
        "E = C - D lost.  Rate = (B + D) / A.  A patient counts once, in the year of the first diagnosis.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    crtk_followup_rate rate = {0};
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc != 2) {
        crtk_cli_error("followup rate: name the store DB (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    const char *fmt = fu_output_format("followup rate", format, output, "text, json or xlsx");
    if (!fmt) {
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], TRUE, NULL, "followup rate");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    crtk_followup_rules rules;
    if (!crtk_followup_rules_from_store(s, as_of, &rules, &error)) {
        rc = fu_error_exit(error);
        goto out;
    }
    if (through) {
        if (through < 1900 || through > rules.as_of / 10000) {
            crtk_cli_error("followup rate: --through-year %d: expected a year up to the as-of year", through);
            rc = EXIT_USAGE;
            goto out;
        }
        rules.last_dx_year = through;
    }
    crtk_followup_rate_init(&rate, &rules, per_tumor);
    if (!crtk_followup_rate_compute(s, &rate, &error)) {
        rc = fu_error_exit(error);
        goto out;
    }
    if (!strcmp(fmt, "xlsx")) {
#ifdef CRTK_HAVE_XLSXWRITER
        if (!rate_xlsx(&rate, output, argv[1]))
            rc = EXIT_USAGE;
#else
        crtk_cli_error("followup rate: this crtk was built without libxlsxwriter");
        rc = EXIT_USAGE;
#endif
        goto out;
    }
    FILE *f = fu_open_output(output);
    if (!f) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!strcmp(fmt, "json"))
        rate_json(f, &rate);
    else
        rate_text(f, &rate, argv[1]);
    if (!fu_close_output(f, output))
        rc = EXIT_USAGE;
out:
    crtk_followup_rate_clear(&rate);
    crtk_store_close(s);
    g_free(as_of), g_free(format), g_free(output);
    g_option_context_free(ctx);
    return rc;
}
