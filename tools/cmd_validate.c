/* cmd_validate.c — `crtk validate FILE...`: is each file a well-formed NAACCR file for its dictionaries?
 *
 * Every problem is printed with its place (text, or JSON Lines with --format json)
 * on standard output, then one summary line per file.  Exit 0 when every file is
 * valid (warnings allowed), 1 when any has an error, 2 on usage errors.
 */
#include "commands.h"
#include "crtk/naaccr_read.h"
#include "crtk/json.h"

#include <string.h>

typedef struct {
    gboolean json;
    long shown;
    long max;
    gboolean io_error;   /* a file could not be read at all: a system error (exit 2) */
} validate_ctx;

static int on_problem(const crtk_problem *p, void *user)
{
    validate_ctx *c = user;
    if (p->code == CRTK_PROBLEM_IO)
        c->io_error = TRUE;
    if (c->max > 0 && c->shown >= c->max)
        return CRTK_CONTINUE;
    c->shown++;
    char *s = c->json ? crtk_problem_to_json(p) : crtk_problem_format(p);
    fputs(s, stdout);
    fputc('\n', stdout);
    g_free(s);
    return CRTK_CONTINUE;
}

int cmd_validate(int argc, char **argv)
{
    char **user_dicts = NULL;
    char *format = NULL, *from = NULL, *version = NULL, *record_type = NULL;
    gboolean relaxed = FALSE, ignore_unknown = FALSE, no_grouping = FALSE;
    gint max_problems = 0;
    GOptionEntry entries[] = {
        {"user-dictionary", 'u', 0, G_OPTION_ARG_FILENAME_ARRAY, &user_dicts, "NAACCR user dictionary XML (repeatable)", "FILE"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "output: text (default) or json (JSON Lines)", "FMT"},
        {"from", 0, 0, G_OPTION_ARG_STRING, &from, "input format: xml, flat or csv (default: from the name or content)", "FMT"},
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "version of a CSV file (flat files say theirs)", "V"},
        {"record-type", 0, 0, G_OPTION_ARG_STRING, &record_type, "record type of a CSV file: A, M, C or I", "T"},
        {"relaxed", 0, 0, G_OPTION_ARG_NONE, &relaxed, "accept a missing NAACCR namespace and undeclared prefixes (as warnings)", NULL},
        {"ignore-unknown", 0, 0, G_OPTION_ARG_NONE, &ignore_unknown, "unknown items and missing user dictionaries are warnings", NULL},
        {"no-grouping", 0, 0, G_OPTION_ARG_NONE, &no_grouping, "flat/CSV: each line is its own patient", NULL},
        {"max-problems", 0, 0, G_OPTION_ARG_INT, &max_problems, "print at most N problems (all are counted)", "N"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("FILE... - check NAACCR files against the standard");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Checks well-formed XML, the NAACCR namespace and root attributes, that every item is known,\n"
        "at its level, allowed for the record type, not repeated, and that every value fits its\n"
        "length and data type.  Flat lines must have the record length.\n"
        "Exit status: 0 valid, 1 problems found, 2 usage or system error.");
    int rc = EXIT_OK;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc < 2) {
        crtk_cli_error("validate: name at least one FILE (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    validate_ctx c = {.json = format && !strcmp(format, "json"), .max = max_problems};
    if (format && strcmp(format, "json") && strcmp(format, "text")) {
        crtk_cli_error("validate: --format must be text or json");
        rc = EXIT_USAGE;
        goto out;
    }
    crtk_read_options o;
    crtk_read_options_init(&o);
    o.relaxed_namespace = relaxed;
    o.ignore_unknown = ignore_unknown;
    o.no_grouping = no_grouping;
    o.skip_extensions = TRUE;
    if (version && !(o.version = crtk_naaccr_version_parse(version))) {
        crtk_cli_error("validate: unknown NAACCR version %s", version);
        rc = EXIT_USAGE;
        goto out;
    }
    if (record_type && !(o.record_type = crtk_record_type_parse(record_type))) {
        crtk_cli_error("validate: --record-type must be A, M, C or I");
        rc = EXIT_USAGE;
        goto out;
    }
    crtk_format f = crtk_format_parse(from);
    if (from && f == CRTK_FORMAT_UNKNOWN) {
        crtk_cli_error("validate: --from must be xml, flat or csv");
        rc = EXIT_USAGE;
        goto out;
    }
    GPtrArray *dicts = crtk_cli_load_user_dictionaries(user_dicts);
    if (!dicts) {
        rc = EXIT_USAGE;
        goto out;
    }
    o.user_dictionaries = dicts;
    crtk_read_handlers h = {.problem = on_problem};
    for (int i = 1; i < argc; i++) {
        crtk_read_stats st;
        int r = crtk_naaccr_read_file(argv[i], f, &o, &h, &c, &st);
        gboolean valid = st.errors == 0 && r == 0;
        if (c.json) {
            GString *s = g_string_new("{");
            crtk_json_field_str(s, "summary", argv[i], TRUE);
            crtk_json_field_str(s, "verdict", valid ? "valid" : "invalid", FALSE);
            crtk_json_field_int(s, "patients", st.patients, FALSE);
            crtk_json_field_int(s, "tumors", st.tumors, FALSE);
            crtk_json_field_int(s, "errors", st.errors, FALSE);
            crtk_json_field_int(s, "warnings", st.warnings, FALSE);
            g_string_append_c(s, '}');
            puts(s->str);
            g_string_free(s, TRUE);
        } else {
            printf("%s: %s: %ld patient%s, %ld tumor%s, %ld error%s, %ld warning%s%s\n", argv[i],
                   valid ? "valid" : "INVALID", st.patients, st.patients == 1 ? "" : "s", st.tumors,
                   st.tumors == 1 ? "" : "s", st.errors, st.errors == 1 ? "" : "s", st.warnings,
                   st.warnings == 1 ? "" : "s", st.fatal ? " (reading stopped at a fatal error)" : "");
        }
        if (!valid && rc == EXIT_OK)
            rc = EXIT_DATA;
        if (c.io_error)
            rc = EXIT_USAGE;
    }
    g_ptr_array_free(dicts, TRUE);
out:
    g_strfreev(user_dicts);
    g_free(format), g_free(from), g_free(version), g_free(record_type);
    g_option_context_free(ctx);
    return rc;
}
