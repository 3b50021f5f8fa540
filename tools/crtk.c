/* crtk.c — the crtk command: finds the subcommand and hands over (see tools/commands.h). */
#include "commands.h"
#include "crtk/output.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const crtk_command commands[] = {
    {"validate", "check that a NAACCR file (XML, flat or CSV) follows the standard", cmd_validate},
    {"convert", "convert a NAACCR file between XML, flat and CSV and between versions", cmd_convert},
    {"dictionary", "list the items of a NAACCR version, or show one", cmd_dictionary},
    {"init", "create a registry store (SQLite)", cmd_init},
    {"import", "load NAACCR files into a store", cmd_import},
    {"export", "write cases from a store as NAACCR XML, flat or CSV", cmd_export},
    {"upgrade", "move a store to a newer NAACCR version", cmd_upgrade},
    {"case", "show, create, change and delete patients and tumors", cmd_case},
    {"audit", "list or verify the audit trail of a store", cmd_audit},
    {"backup", "make a consistent copy of a store", cmd_backup},
    {"sql", "a read-only SQL query over a store, with derived variables as functions", cmd_sql},
    {"codes", "look up codes of coded items (sites, histologies, ...)", cmd_codes},
    {"edits", "run the edits on a store or a file", cmd_edits},
    {"metafile", "look into an EDITS metafile (.smf) and debug its statements", cmd_metafile},
    {"followup", "the annual follow-up: due lists, posting, letters, rates", cmd_followup},
    {"submit", "make a state/national submission with its QA summary", cmd_submit},
    {"report", "Excel summaries of a store", cmd_report},
    {"user", "named users of a store and their roles", cmd_user},
    {"serve", "the registrar's workspace in a browser (a local web server)", cmd_serve},
    {"stage", "SEER staging (EOD, TNM, CS, Pediatric): schema, derived stage, input problems", cmd_stage},
    {"physician", "the physician directory of a store (names and addresses for letters)", cmd_physician},
    {"settings", "the registry's settings: its identifiers, name, address, follow-up windows", cmd_settings},
    {NULL, NULL, NULL}};

static void usage(FILE *f)
{
    fprintf(f, "usage: crtk COMMAND [OPTIONS]\n\n"
               "crtk, the Cancer Registry ToolKit: NAACCR files, registry stores, edits, follow-up and reports.\n\n"
               "Commands:\n");
    for (const crtk_command *c = commands; c->name; c++)
        fprintf(f, "  %-12s %s\n", c->name, c->summary);
    fprintf(f, "\n'crtk COMMAND --help' describes each command.\n"
               "Exit status: 0 success, 1 the data has problems, 2 usage or system error.\n");
}

/* A write error on standard output (a full disk, a closed pipe) is never a success. */
static int finish(int rc)
{
    GError *error = NULL;
    if (!crtk_output_close_stdout(&error)) {
        fprintf(stderr, "crtk: %s\n", error->message);
        g_error_free(error);
        return 2;
    }
    return rc;
}

int main(int argc, char **argv)
{
    /* Registry data is about people: every file crtk creates is readable by its owner only. */
    umask(077);
    crtk_cli_set_main_args(argc, argv);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return finish(0);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("crtk %s\n", CRTK_VERSION_STRING);
        return finish(0);
    }
    for (const crtk_command *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return finish(c->run(argc - 1, argv + 1));
    const char *names[G_N_ELEMENTS(commands)];
    size_t n = 0;
    for (const crtk_command *c = commands; c->name; c++)
        names[n++] = c->name;
    names[n] = NULL;
    char *hint = crtk_cli_did_you_mean(argv[1], names);
    fprintf(stderr, "crtk: unknown command '%s'%s (see crtk --help)\n", argv[1], hint);
    g_free(hint);
    return 2;
}
