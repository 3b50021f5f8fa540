/* cmd_followup_due.c — `crtk followup due`: the follow-up work list.
 *
 * Parses the options, asks reports/followup_worksheets.h for the due list (every patient
 * classified as excluded, dead, current, due or lost; the statuses asked for kept, grouped and
 * ordered) and writes it as text, CSV, JSON Lines or Excel.
 */
#include "cmd_followup.h"
#include "crtk/followup_worksheets.h"

#include <string.h>

int cmd_followup_due(int argc, char **argv)
{
    char *as_of = NULL, *status = NULL, *group_by = NULL, *format = NULL, *output = NULL;
    GOptionEntry entries[] = {
        {"as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "the date the list is for (default today)", "YYYYMMDD"},
        {"status", 0, 0, G_OPTION_ARG_STRING, &status,
         "due (default), lost, current, dead, excluded or all; several with commas (due,lost)", "S"},
        {"group-by", 0, 0, G_OPTION_ARG_STRING, &group_by, "next-source, physician or none (default)", "G"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default), csv, json (JSON Lines) or xlsx", "FMT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "file to write (default: standard output)", "FILE"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB - the follow-up work list");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Every patient with tumors is exactly one of: excluded (not followed, with the reason), dead,\n"
        "current (under 12 months since the last contact), due (12 to 15 months), lost (over 15 months).\n"
        "The windows and the reference date are store settings (crtk followup settings).\n"
        "Rows are ordered by group, then by the date of last contact, oldest first.\n\n"
        "Example: crtk followup due reg.db --status due,lost --group-by physician -o worklist.xlsx");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    gboolean want[CRTK_FU_N_STATUS];
    crtk_due_group group = CRTK_DUE_GROUP_NONE;
    crtk_due_list *list = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc != 2) {
        crtk_cli_error("followup due: name the store DB (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    if (!fu_parse_statuses(status ? status : "due", want)) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!group_by || !strcmp(group_by, "none"))
        group = CRTK_DUE_GROUP_NONE;
    else if (!strcmp(group_by, "next-source"))
        group = CRTK_DUE_GROUP_NEXT_SOURCE;
    else if (!strcmp(group_by, "physician"))
        group = CRTK_DUE_GROUP_PHYSICIAN;
    else {
        crtk_cli_error("followup due: --group-by %s: expected next-source, physician or none", group_by);
        rc = EXIT_USAGE;
        goto out;
    }
    const char *fmt = fu_output_format("followup due", format, output, "text, csv, json or xlsx");
    if (!fmt) {
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], TRUE, NULL, "followup due");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    crtk_followup_rules rules;
    if (!crtk_followup_rules_from_store(s, as_of, &rules, &error) ||
        !(list = crtk_due_list_build(s, &rules, want, group, &error))) {
        rc = fu_error_exit(error);
        goto out;
    }
    if (!strcmp(fmt, "xlsx")) {
        if (!crtk_due_list_write_xlsx(list, output, &error))
            rc = fu_error_exit(error);
        goto out;
    }
    FILE *f = fu_open_output(output);
    if (!f) {
        rc = EXIT_USAGE;
        goto out;
    }
    gboolean ok = !strcmp(fmt, "csv")    ? crtk_due_list_write_csv(list, f, &error)
                  : !strcmp(fmt, "json") ? crtk_due_list_write_json(list, f, &error)
                                         : crtk_due_list_write_text(list, f, argv[1], &error);
    if (!ok) {
        fu_abandon_output(f);
        rc = fu_error_exit(error);
    } else if (!fu_close_output(f, output)) {
        rc = EXIT_USAGE;
    }
out:
    crtk_due_list_free(list); /* before the store: the list reads it until freed */
    crtk_store_close(s);
    g_free(as_of), g_free(status), g_free(group_by), g_free(format), g_free(output);
    g_option_context_free(ctx);
    return rc;
}
