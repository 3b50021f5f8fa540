/* cmd_followup.c — `crtk followup due|post|rate|letters|settings`: the annual follow-up.
 *
 * Thin over registry/followup.h (the rules, the scan, the rates, posting) and reports/letters.h
 * (the letters): parses options, asks the library, prints text, CSV, JSON Lines or Excel.  This
 * file holds the dispatcher and the helpers the subcommands share (cmd_followup.h); each
 * subcommand is in tools/cmd_followup_NAME.c.
 */
#include "cmd_followup.h"
#include "crtk/output.h"

#include <errno.h>
#include <string.h>

static int usage(FILE *f)
{
    fputs("usage: crtk followup COMMAND DB [OPTIONS]\n\n"
          "The annual follow-up of a hospital registry (Commission on Cancer rules).\n\n"
          "Commands:\n"
          "  due DB       the work list: patients due (12-15 months since last contact), lost, ...\n"
          "  post DB P    record a contact (or a death) for patient P and all its tumors; --from-csv for many\n"
          "  letters DB   letters to physicians, patients or contacts for the due list (PDF + CSV)\n"
          "  rate DB      the follow-up rates: both CoC cohorts, lines A-E, target, pass/fail, per year\n"
          "  settings DB  show or change the follow-up settings (windows, reference date, registry name); the\n"
          "               same as crtk settings\n\n"
          "'crtk followup COMMAND --help' describes each command.\n",
          f);
    return EXIT_USAGE;
}

int fu_error_exit(GError *e)
{
    int rc = e && e->domain == CRTK_ERROR && e->code == CRTK_ERROR_DATA ? EXIT_DATA : EXIT_USAGE;
    crtk_cli_error("%s", e ? e->message : "failed");
    if (e)
        g_error_free(e);
    return rc;
}

char *fu_pretty(int d)
{
    return d ? g_strdup_printf("%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100) : g_strdup("");
}

/* Output format from --format, else from the file name. */
static const char *pick_format(const char *format, const char *output)
{
    if (format)
        return format;
    if (output && (g_str_has_suffix(output, ".csv")))
        return "csv";
    if (output && g_str_has_suffix(output, ".xlsx"))
        return "xlsx";
    if (output && (g_str_has_suffix(output, ".json") || g_str_has_suffix(output, ".jsonl")))
        return "json";
    return "text";
}

/* The output format (see pick_format), checked against allowed ("text, json or xlsx"): NULL, reported,
 * when it is none of them, or is xlsx without -o. */
const char *fu_output_format(const char *cmd, const char *format, const char *output, const char *allowed)
{
    const char *fmt = pick_format(format, output);
    gboolean known = FALSE;
    gchar **names = g_strsplit_set(allowed, ", ", -1);
    for (gchar **n = names; *n && !known; n++)
        known = **n && strcmp(*n, "or") && !strcmp(*n, fmt);
    g_strfreev(names);
    if (!known) {
        crtk_cli_error("%s: --format %s: expected %s", cmd, fmt, allowed);
        return NULL;
    }
    if (!crtk_cli_output_name_fits(cmd, output, fmt))
        return NULL;
    if (!strcmp(fmt, "xlsx") && !output) {
        crtk_cli_error("%s: xlsx needs -o FILE.xlsx", cmd);
        return NULL;
    }
    return fmt;
}

/* The one output file of a follow-up command (written through crtk/output.h). */
static crtk_output *fu_out;

FILE *fu_open_output(const char *output)
{
    if (!output || !strcmp(output, "-"))
        return stdout;
    GError *error = NULL;
    fu_out = crtk_output_begin(output, &error);
    FILE *f = fu_out ? crtk_output_stream(fu_out, &error) : NULL;
    if (!f) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        crtk_output_abort(fu_out);
        fu_out = NULL;
    }
    return f;
}

gboolean fu_close_output(FILE *f, const char *output)
{
    if (f == stdout)
        return fflush(f) == 0 && !ferror(f);
    GError *error = NULL;
    gboolean ok = crtk_output_fclose(fu_out, f, &error);
    fu_out = NULL;
    if (!ok) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
    }
    return ok;
}

void fu_abandon_output(FILE *f)
{
    if (f == stdout) {
        fflush(f);
        return;
    }
    fclose(f);
    crtk_output_abort(fu_out);
    fu_out = NULL;
}

gboolean fu_parse_statuses(const char *list, gboolean want[CRTK_FU_N_STATUS])
{
    memset(want, 0, sizeof(gboolean) * CRTK_FU_N_STATUS);
    char **w = g_strsplit_set(list, ",+ ", -1);
    gboolean ok = TRUE;
    for (char **p = w; *p; p++) {
        if (!**p)
            continue;
        if (!g_ascii_strcasecmp(*p, "all")) {
            for (int i = 0; i < CRTK_FU_N_STATUS; i++)
                want[i] = TRUE;
            continue;
        }
        int s = crtk_followup_status_parse(*p);
        if (s < 0) {
            crtk_cli_error("followup: --status %s: expected due, lost, current, dead, excluded or all", *p);
            ok = FALSE;
        } else {
            want[s] = TRUE;
        }
    }
    g_strfreev(w);
    return ok;
}

int cmd_followup(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        int rc = usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? rc : EXIT_OK;
    }
    const char *sub = argv[1];
    char *prg = g_strconcat("crtk followup ", sub, NULL);
    g_set_prgname(prg);
    g_free(prg);
    int rc;
    if (!strcmp(sub, "due"))
        rc = cmd_followup_due(argc - 1, argv + 1);
    else if (!strcmp(sub, "post"))
        rc = cmd_followup_post(argc - 1, argv + 1);
    else if (!strcmp(sub, "rate") || !strcmp(sub, "rates"))
        rc = cmd_followup_rate(argc - 1, argv + 1);
    else if (!strcmp(sub, "letters"))
#ifdef CRTK_LIGHT
        rc = crtk_cli_run_full(); /* letters are PDF: crtk-full writes them */
#else
        rc = cmd_followup_letters(argc - 1, argv + 1);
#endif
    else if (!strcmp(sub, "settings"))
        rc = cmd_settings(argc - 1, argv + 1); /* the same as `crtk settings` */
    else {
        static const char *const subs[] = {"due", "post", "letters", "rate", "settings", NULL};
        char *hint = crtk_cli_did_you_mean(sub, subs);
        crtk_cli_error("followup: unknown command '%s'%s (due, post, letters, rate, settings)", sub, hint);
        g_free(hint);
        rc = EXIT_USAGE;
    }
    return rc;
}
