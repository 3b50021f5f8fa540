/* cmd_followup_rate.c — `crtk followup rate`: the Commission on Cancer follow-up rates.
 *
 * Asks registry/followup.h for the rates (both cohorts, lines A-E, per year of diagnosis, target,
 * pass or fail) and writes the worksheet with reports/followup_worksheets.h as text, JSON Lines or
 * Excel.
 */
#include "cmd_followup.h"
#include "crtk/followup_worksheets.h"

#include <string.h>

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
        if (!crtk_followup_rate_write_xlsx(&rate, output, argv[1], &error))
            rc = fu_error_exit(error);
        goto out;
    }
    FILE *f = fu_open_output(output);
    if (!f) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!strcmp(fmt, "json"))
        crtk_followup_rate_write_json(&rate, f);
    else
        crtk_followup_rate_write_text(&rate, f, argv[1]);
    if (!fu_close_output(f, output))
        rc = EXIT_USAGE;
out:
    crtk_followup_rate_clear(&rate);
    crtk_store_close(s);
    g_free(as_of), g_free(format), g_free(output);
    g_option_context_free(ctx);
    return rc;
}
