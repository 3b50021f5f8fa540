/* cmd_report.c — `crtk report NAME DB -o FILE.xlsx`: Excel reports of a store for a cancer committee. */
#include "commands.h"
#include "crtk/excel_common.h"
#include "crtk/json.h"
#include "crtk/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static gboolean parse_years(const char *s, int *from, int *to)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || a < 1800 || a > 2999)
        return FALSE;
    if (!*end) {
        *from = *to = (int)a;
        return TRUE;
    }
    if (*end != '-')
        return FALSE;
    const char *b = end + 1;
    long c = strtol(b, &end, 10);
    if (end == b || *end || c < a || c > 2999)
        return FALSE;
    *from = (int)a;
    *to = (int)c;
    return TRUE;
}

static void list_reports(gboolean json)
{
    int n;
    const crtk_report_def *d = crtk_reports(&n);
    for (int i = 0; i < n; i++) {
        if (json) {
            GString *o = g_string_new("{");
            crtk_json_field_str(o, "name", d[i].name, TRUE);
            crtk_json_field_str(o, "title", d[i].title, FALSE);
            crtk_json_field_str(o, "description", d[i].description, FALSE);
            g_string_append(o, "}");
            printf("%s\n", o->str);
            g_string_free(o, TRUE);
        } else {
            printf("%-11s %s\n", d[i].name, d[i].title);
            /* wrap the description at about 90 columns, indented */
            const char *p = d[i].description;
            while (*p) {
                size_t len = strlen(p);
                size_t cut = len;
                if (len > 78) {
                    cut = 78;
                    while (cut > 0 && p[cut] != ' ')
                        cut--;
                    if (cut == 0)
                        cut = 78;
                }
                printf("            %.*s\n", (int)cut, p);
                p += cut;
                while (*p == ' ')
                    p++;
            }
        }
    }
}

int cmd_report(int argc, char **argv)
{
    char *output = NULL, *where = NULL, *years = NULL, *as_of = NULL, *format = NULL, *set = NULL;
    int suppress = 0, top = 10;
    gboolean list = FALSE;
    gboolean all_classes = FALSE, current_year = FALSE, all_edits = FALSE;
    GOptionEntry entries[] = {
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "workbook to write (.xlsx)", "FILE"},
        {"where", 0, 0, G_OPTION_ARG_STRING, &where, "SQL condition over tumor and patient columns (read-only; not for followup)", "SQL"},
        {"years", 0, 0, G_OPTION_ARG_STRING, &years, "years of diagnosis, e.g. 2018-2022 or 2023 (not for followup: its cohorts are fixed)", "Y1-Y2"},
        {"suppress-below", 0, 0, G_OPTION_ARG_INT, &suppress, "hide counts from 1 to N-1 (e.g. 16 for public release)", "N"},
        {"top", 0, 0, G_OPTION_ARG_INT, &top, "number of top site groups (stage, trends, survival; default 10)", "N"},
        {"as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "date of the report, YYYYMMDD (default today)", "DATE"},
        {"set", 0, 0, G_OPTION_ARG_STRING, &set, "quality: edit set to run (default state-submission; none to skip)", "SET"},
        {"all-classes", 0, 0, G_OPTION_ARG_NONE, &all_classes, "stage and site tables: stage of every class of case (default: analytic cases)", NULL},
        {"current-year", 0, 0, G_OPTION_ARG_NONE, &current_year, "trends: keep the current, incomplete year of diagnosis", NULL},
        {"all-edits", 0, 0, G_OPTION_ARG_NONE, &all_edits, "quality: list every edit of the set, not only the failing ones", NULL},
        {"list", 'l', 0, G_OPTION_ARG_NONE, &list, "describe the reports", NULL},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "text (default) or json: the --list, or the messages of a report, as JSON Lines on standard output", "FMT"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("NAME DB -o FILE.xlsx - Excel reports of a store");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Reports: site-table, stage, trends, age, followup, quality, survival (crtk report --list describes them).\n"
        "Each workbook has a title and the selection on top, frozen headers, filters, totals and charts.\n"
        "Example: crtk report site-table reg.db -o sites-2023.xlsx --years 2023 --suppress-below 16\n"
        "Exit status: 0 written; 1 no tumor matches the selection (nothing is written); 2 usage error, a bad\n"
        "--where, or a file that cannot be read or written.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (format && strcmp(format, "json") && strcmp(format, "text")) {
        crtk_cli_error("report: --format must be text or json (the workbook is always .xlsx)");
        rc = EXIT_USAGE;
        goto out;
    }
    if (format && !strcmp(format, "json") && !list)
        crtk_cli_messages_json(stdout);
    if (list) {
        list_reports(format && !strcmp(format, "json"));
        goto out;
    }
    if (argc != 3 || !output) {
        crtk_cli_error("report: give NAME, DB and -o FILE.xlsx (see --help; crtk report --list names the reports)");
        rc = EXIT_USAGE;
        goto out;
    }
    const crtk_report_def *def = crtk_report_find(argv[1]);
    if (!def) {
        GPtrArray *names = g_ptr_array_new();
        int nd = 0;
        const crtk_report_def *defs = crtk_reports(&nd);
        for (int i = 0; i < nd; i++)
            g_ptr_array_add(names, (gpointer)defs[i].name);
        g_ptr_array_add(names, NULL);
        char *hint = crtk_cli_did_you_mean(argv[1], (const char *const *)names->pdata);
        crtk_cli_error("report: no report named %s%s (crtk report --list names them)", argv[1], hint);
        g_free(hint);
        g_ptr_array_free(names, TRUE);
        rc = EXIT_USAGE;
        goto out;
    }
    if (!g_str_has_suffix(output, ".xlsx")) {
        crtk_cli_error("report: %s: a report is an Excel workbook: name the output FILE.xlsx", output);
        rc = EXIT_USAGE;
        goto out;
    }
    crtk_report_options o;
    crtk_report_options_init(&o);
    if (years && !parse_years(years, &o.year_from, &o.year_to)) {
        crtk_cli_error("report: --years must be a year or Y1-Y2 (e.g. 2018-2022), not %s", years);
        rc = EXIT_USAGE;
        goto out;
    }
    if (suppress < 0 || top < 1 || top > 81) {
        crtk_cli_error("report: --suppress-below must be 0 or more and --top 1 to 81");
        rc = EXIT_USAGE;
        goto out;
    }
    if (as_of && (strlen(as_of) != 8 || strspn(as_of, "0123456789") != 8)) {
        crtk_cli_error("report: --as-of must be a date YYYYMMDD");
        rc = EXIT_USAGE;
        goto out;
    }
    o.where = where;
    o.all_classes = all_classes;
    o.current_year = current_year;
    o.all_edits = all_edits;
    o.suppress_below = suppress;
    o.top = top;
    o.as_of = as_of;
    o.edit_set = set && !strcmp(set, "none") ? "" : set;
    s = crtk_cli_open_store(argv[2], TRUE, NULL, "report");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!crtk_report_run(s, def, output, &o, &error)) {
        crtk_cli_error("report %s: %s", def->name, error->message);
        rc = g_error_matches(error, CRTK_ERROR, CRTK_ERROR_DATA) ? EXIT_DATA : EXIT_USAGE;
        g_error_free(error);
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    GString *f = g_string_new(NULL);
    crtk_json_field_str(f, "report", def->name, FALSE);
    crtk_json_field_str(f, "output", output, FALSE);
    g_string_append_printf(f, ",\"seconds\":%.2f", seconds);
    crtk_cli_message("info", FALSE, f, "%s: %s written (%.2f s)", output, def->title, seconds);
    g_string_free(f, TRUE);
out:
    crtk_store_close(s);
    g_free(output), g_free(where), g_free(years), g_free(as_of), g_free(format), g_free(set);
    crtk_cli_messages_json(NULL);
    g_option_context_free(ctx);
    return rc;
}
