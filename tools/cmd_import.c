/* cmd_import.c — `crtk import DB FILE...`: load NAACCR XML, flat or CSV files, one transaction per file. */
#include "commands.h"
#include "crtk/json.h"
#include "crtk/store.h"

#include <string.h>

int cmd_import(int argc, char **argv)
{
    char *conflict = NULL, *user = NULL, *version = NULL, *messages = NULL;
    int csv_version = 0;
    char **user_dicts = NULL;
    gboolean force = FALSE, relaxed = FALSE, ignore_unknown = FALSE, no_grouping = FALSE;
    GOptionEntry entries[] = {
        {"on-conflict", 0, 0, G_OPTION_ARG_STRING, &conflict, "a case already in the store: update (default), skip or fail", "WHAT"},
        {"user-dictionary", 'u', 0, G_OPTION_ARG_FILENAME_ARRAY, &user_dicts, "user dictionary a file names (repeatable)", "FILE"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &force, "load a file even when it has errors", NULL},
        {"relaxed", 0, 0, G_OPTION_ARG_NONE, &relaxed, "accept a missing NAACCR namespace", NULL},
        {"ignore-unknown", 0, 0, G_OPTION_ARG_NONE, &ignore_unknown, "unknown items are warnings (dropped)", NULL},
        {"no-grouping", 0, 0, G_OPTION_ARG_NONE, &no_grouping, "flat/CSV: each line is its own patient", NULL},
        {"user", 0, 0, G_OPTION_ARG_STRING, &user, "who is working (audit trail)", "NAME"},
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "NAACCR version of CSV files (default: the store's)", "V"},
        {"messages", 0, 0, G_OPTION_ARG_STRING, &messages, "text (default) or json: problems and the summary of "
         "each file as JSON Lines on standard output", "FMT"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB FILE... - load NAACCR files into a store");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Each file is one transaction: a file with errors leaves the store as it was.\n"
        "A patient already in the store (same patientIdNumber) is updated, not duplicated; its tumors\n"
        "are matched by tumorRecordNumber, then accessionNumberHosp + sequenceNumberHospital, then\n"
        "sequenceNumberCentral, then primarySite + dateOfDiagnosis.  Exit 1 when any file failed.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    GPtrArray *dicts = NULL;
    gboolean json = FALSE;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (!crtk_cli_messages_parse("import", messages, &json)) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (json)
        crtk_cli_messages_json(stdout);
    if (argc < 3) {
        crtk_cli_error("import: give DB and at least one FILE (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    if (version && !(csv_version = crtk_naaccr_version_parse(version))) {
        crtk_cli_error("import: unknown NAACCR version %s", version);
        rc = EXIT_USAGE;
        goto out;
    }
    crtk_import_options o = {0};
    crtk_read_options_init(&o.read);
    o.force = force;
    o.read.relaxed_namespace = relaxed;
    o.read.ignore_unknown = ignore_unknown;
    o.read.no_grouping = no_grouping;
    o.read.skip_extensions = TRUE;
    if (!conflict || !strcmp(conflict, "update"))
        o.on_conflict = CRTK_CONFLICT_UPDATE;
    else if (!strcmp(conflict, "skip"))
        o.on_conflict = CRTK_CONFLICT_SKIP;
    else if (!strcmp(conflict, "fail"))
        o.on_conflict = CRTK_CONFLICT_FAIL;
    else {
        crtk_cli_error("import: --on-conflict must be update, skip or fail");
        rc = EXIT_USAGE;
        goto out;
    }
    dicts = crtk_cli_load_user_dictionaries(user_dicts);
    if (!dicts) {
        rc = EXIT_USAGE;
        goto out;
    }
    o.read.user_dictionaries = dicts;
    s = crtk_cli_open_store(argv[1], FALSE, user, "import");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    for (int i = 2; i < argc; i++) {
        crtk_import_stats st;
        GError *error = NULL;
        /* XML and flat files say their NAACCR version; a CSV file (or standard input, which may
           be CSV) is taken as --naaccr-version (default: the store's).  Files of another version
           are converted to the store's. */
        o.read.version = crtk_format_from_name(argv[i]) == CRTK_FORMAT_CSV || strcmp(argv[i], "-") == 0
                             ? (csv_version ? csv_version : crtk_store_version(s))
                             : 0;
        if (!crtk_store_import(s, argv[i], &o, (crtk_problem_fn)crtk_cli_print_problem, NULL, &st, &error)) {
            crtk_cli_error("%s", error->message);
            /* a store that cannot be read or written stops the import: the next file would fail too */
            int this_rc = crtk_cli_exit_for(error, EXIT_DATA);
            g_error_free(error);
            if (this_rc == EXIT_USAGE) {
                rc = EXIT_USAGE;
                break;
            }
            rc = EXIT_DATA;
            continue;
        }
        GString *f = g_string_new(NULL);
        crtk_json_field_str(f, "file", argv[i], FALSE);
        crtk_json_field_int(f, "patientsRead", st.patients_read, FALSE);
        crtk_json_field_int(f, "tumorsRead", st.tumors_read, FALSE);
        crtk_json_field_int(f, "patientsAdded", st.patients_added, FALSE);
        crtk_json_field_int(f, "tumorsAdded", st.tumors_added, FALSE);
        crtk_json_field_int(f, "patientsUpdated", st.patients_updated, FALSE);
        crtk_json_field_int(f, "tumorsUpdated", st.tumors_updated, FALSE);
        crtk_json_field_int(f, "valuesChanged", st.values_changed, FALSE);
        crtk_json_field_int(f, "patientsSkipped", st.patients_skipped, FALSE);
        crtk_cli_message("info", TRUE, f,
                         "%s: %ld patient%s, %ld tumor%s read; added %ld patients, %ld tumors; updated %ld patients, "
                         "%ld tumors (%ld values); skipped %ld patients",
                         argv[i], st.patients_read, st.patients_read == 1 ? "" : "s", st.tumors_read,
                         st.tumors_read == 1 ? "" : "s", st.patients_added, st.tumors_added, st.patients_updated,
                         st.tumors_updated, st.values_changed, st.patients_skipped);
        g_string_free(f, TRUE);
    }
out:
    crtk_store_close(s);
    if (dicts)
        g_ptr_array_free(dicts, TRUE);
    g_strfreev(user_dicts);
    g_free(conflict), g_free(user), g_free(version), g_free(messages);
    crtk_cli_messages_json(NULL);
    g_option_context_free(ctx);
    return rc;
}
