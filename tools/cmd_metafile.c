/* cmd_metafile.c — `crtk metafile list|describe|eval|use`: look into an EDITS metafile (.smf),
 * debug GenEDITS statements, and record a registry store's state metafile.
 *
 *   crtk metafile list STATE.smf                  agencies, edit sets, edits, lookup tables
 *   crtk metafile describe STATE.smf TAG          one edit: fields, tables, messages, logic
 *   crtk metafile eval [--metafile F] [--record FILE [--patient P] [--tumor N]] 'STATEMENTS'
 *   crtk metafile use DB STATE.smf [--set TAG]    (see cmd_metafile_use in cmd_edits_metafile.c)
 *
 * eval prints one `name=value` line per declared variable, `message=TEXT` per saved message and
 * `return=PASS|FAIL`; exit 0 when it ran, 2 when it does not compile, 1 on a run-time error.
 */
#include "commands.h"
#include "cmd_edits_metafile.h"
#include "crtk/naaccr_read.h"
#include "crtk/metafile_store.h"

#include <stdlib.h>
#include <string.h>

/* --today / --as-of / CRTK_TODAY for a metafile; FALSE (error printed) when malformed. */
gboolean crtk_cli_metafile_today(crtk_metafile *mf, const char *today)
{
    const char *t = today ? today : g_getenv("CRTK_TODAY");
    if (!t || !*t)
        return TRUE;
    int y, m, d;
    char digits[9] = {0};
    int k = 0;
    for (const char *p = t; *p && k < 8; p++)
        if (*p != '-')
            digits[k++] = *p;
    if (!crtk_metafile_parse_today(digits, &y, &m, &d)) {
        crtk_cli_error("--today: \"%s\" is not a date (YYYYMMDD)", t);
        return FALSE;
    }
    crtk_metafile_set_today(mf, y, m, d);
    return TRUE;
}

static int do_list(int argc, char **argv)
{
    if (argc < 1) {
        crtk_cli_error("usage: crtk metafile list STATE.smf");
        return EXIT_USAGE;
    }
    GError *err = NULL;
    crtk_metafile *mf = crtk_metafile_open(argv[0], &err);
    if (!mf) {
        crtk_cli_error("%s", err->message);
        g_error_free(err);
        return EXIT_USAGE;
    }
    printf("metafile %s\n", crtk_metafile_name(mf));
    printf("version %s (structure %s)\n", crtk_metafile_control(mf, "MFContentVersion"), crtk_metafile_control(mf, "MFStructureVersion"));
    if (*crtk_metafile_control(mf, "MFComment"))
        printf("comment %s\n", crtk_metafile_control(mf, "MFComment"));
    printf("\nagencies:\n");
    for (const char *const *a = crtk_metafile_agencies(mf); *a; a++)
        printf("  %s\n", *a);
    printf("\nedit sets:\n");
    for (int i = 0; i < crtk_metafile_set_count(mf); i++) {
        const crtk_mf_set_info *s = crtk_metafile_set(mf, i);
        printf("  %s\t%s\t%d edits\n", s->tag, s->name, s->n_edits);
    }
    printf("\nedits:\n");
    for (int i = 0; i < crtk_metafile_edit_count(mf); i++) {
        const crtk_mf_edit_info *e = crtk_metafile_edit(mf, i);
        printf("  %s\t%s\t%s\t[%s]\n", e->tag, e->name, e->agency, e->sets);
    }
    printf("\nlookup tables:\n");
    for (const char *const *t = crtk_metafile_tables(mf); *t; t++)
        printf("  %s\n", *t);
    crtk_metafile_free(mf);
    return EXIT_OK;
}

void crtk_cli_metafile_describe(crtk_metafile *mf, const crtk_mf_edit_info *e, FILE *out)
{
    fprintf(out, "edit %s: %s\n", e->tag, e->name);
    fprintf(out, "agency %s; sets %s; last modified %s\n", e->agency, *e->sets ? e->sets : "(none)", e->last_modified);
    if (*e->description)
        fprintf(out, "\n%s\n", e->description);
    fprintf(out, "\nfields:\n");
    for (int i = 0; e->fields[i]; i++)
        fprintf(out, "  %%F%d %s (item #%d)\n", i + 1, e->fields[i], e->field_numbers[i]);
    if (e->tables[0]) {
        fprintf(out, "\nlookup tables:\n");
        for (int i = 0; e->tables[i]; i++)
            fprintf(out, "  %s\n", e->tables[i]);
    }
    fprintf(out, "\ndefault message: %s\n", *e->message ? e->message : "(none)");
    fprintf(out, "\nlogic:\n%s\n", e->logic);
    (void)mf;
}

static int do_describe(int argc, char **argv)
{
    if (argc < 2) {
        crtk_cli_error("usage: crtk metafile describe STATE.smf EDIT-TAG");
        return EXIT_USAGE;
    }
    GError *err = NULL;
    crtk_metafile *mf = crtk_metafile_open(argv[0], &err);
    if (!mf) {
        crtk_cli_error("%s", err->message);
        g_error_free(err);
        return EXIT_USAGE;
    }
    int rc = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const crtk_mf_edit_info *e = crtk_metafile_find_edit(mf, argv[i]);
        if (!e) {
            crtk_cli_error("%s has no edit %s", crtk_metafile_name(mf), argv[i]);
            rc = EXIT_USAGE;
            continue;
        }
        crtk_cli_metafile_describe(mf, e, stdout);
    }
    crtk_metafile_free(mf);
    return rc;
}

typedef struct {
    const char *patient;
    int tumor;
    crtk_record *found;
    int found_tumor;
} find_record;

static int on_patient(crtk_record *rec, void *user)
{
    find_record *f = user;
    if (f->patient && strcmp(crtk_record_patient_id(rec), f->patient) != 0)
        return CRTK_CONTINUE;
    f->found = crtk_record_new(rec->dict);
    crtk_record_copy(f->found, rec);
    return CRTK_ABORT;
}

static int eval_main(int argc, char **argv, char **metafile_p, char **record_p, char **patient_p, char **today_p, char **as_of_p, char **version_p);

static int do_eval(int argc, char **argv)
{
    char *metafile = NULL, *record = NULL, *patient = NULL, *today = NULL, *as_of = NULL, *version = NULL;
    int rc = eval_main(argc, argv, &metafile, &record, &patient, &today, &as_of, &version);
    g_free(metafile), g_free(record), g_free(patient), g_free(today), g_free(as_of), g_free(version);
    return rc;
}

static int eval_main(int argc, char **argv, char **metafile_p, char **record_p, char **patient_p, char **today_p, char **as_of_p, char **version_p)
{
    char *metafile = NULL, *record = NULL, *patient = NULL, *today = NULL, *as_of = NULL, *version = NULL;
    int tumor = 1;
#define KEEP() (*metafile_p = metafile, *record_p = record, *patient_p = patient, *today_p = today, *as_of_p = as_of, *version_p = version)
    GOptionEntry entries[] = {
        {"metafile", 'm', 0, G_OPTION_ARG_FILENAME, &metafile, "the metafile whose tables (and fields) the statements use", "F.smf"},
        {"record", 'r', 0, G_OPTION_ARG_FILENAME, &record, "a NAACCR file: field values come from one of its records", "FILE"},
        {"patient", 'p', 0, G_OPTION_ARG_STRING, &patient, "patientIdNumber of the record (default: the first patient)", "P"},
        {"tumor", 't', 0, G_OPTION_ARG_INT, &tumor, "tumor of that patient, 1-based (default 1)", "N"},
        {"today", 0, 0, G_OPTION_ARG_STRING, &today, "date for DT_TODAY and the future-date checks (YYYYMMDD; env CRTK_TODAY)", "DATE"},
        {"as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "alias of --today", "DATE"},
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "dictionary for field names without --record (default the current one)", "V"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("'STATEMENTS' — run GenEDITS statements as the body of an edit");
    g_option_context_add_main_entries(ctx, entries, NULL);
    int code = EXIT_OK;
    if (!crtk_cli_parse(ctx, &argc, &argv, &code)) {
        g_option_context_free(ctx);
        KEEP();
        return code;
    }
    g_option_context_free(ctx);
    KEEP();
    if (argc != 2) {
        crtk_cli_error("usage: crtk metafile eval [--metafile F.smf] [--record FILE [--patient P --tumor N]] 'STATEMENTS'");
        return EXIT_USAGE;
    }
    GError *err = NULL;
    crtk_metafile *mf = NULL;
    if (metafile && !(mf = crtk_metafile_open(metafile, &err))) {
        crtk_cli_error("%s", err->message);
        g_error_free(err);
        return EXIT_USAGE;
    }
    if (!mf) /* no tables, no fields: an empty metafile carries "today" */
        mf = crtk_metafile_new_empty();
    if (!crtk_cli_metafile_today(mf, today ? today : as_of)) {
        crtk_metafile_free(mf);
        return EXIT_USAGE;
    }
    find_record fr = {patient, tumor, NULL, 0};
    crtk_dictionary *dict = NULL;
    if (record) {
        crtk_read_options o;
        crtk_read_options_init(&o);
        crtk_read_handlers h = {NULL, on_patient, NULL};
        crtk_read_stats st;
        crtk_naaccr_read_file(record, CRTK_FORMAT_UNKNOWN, &o, &h, &fr, &st);
        if (!fr.found) {
            crtk_cli_error("%s: %s", record, patient ? "no patient with that patientIdNumber" : "no patient");
            crtk_metafile_free(mf);
            return EXIT_USAGE;
        }
        if (tumor < 1 || tumor > fr.found->n_tumors) {
            crtk_cli_error("%s: patient %s has %d tumor(s), not a tumor %d", record, crtk_record_patient_id(fr.found), fr.found->n_tumors, tumor);
            crtk_record_free(fr.found);
            crtk_metafile_free(mf);
            return EXIT_USAGE;
        }
        dict = crtk_dictionary_ref(fr.found->dict);
    } else {
        int v = version ? crtk_naaccr_version_parse(version) : CRTK_NAACCR_CURRENT_VERSION;
        dict = crtk_dictionary_new(v ? v : CRTK_NAACCR_CURRENT_VERSION, NULL);
    }
    GString *out = g_string_new(NULL);
    int rc = crtk_metafile_eval(mf, dict, fr.found, NULL, tumor - 1, argv[1], out, &err);
    fwrite(out->str, 1, out->len, stdout);
    if (rc)
        crtk_cli_error("%s", err ? err->message : "error");
    g_clear_error(&err);
    g_string_free(out, TRUE);
    if (fr.found)
        crtk_record_free(fr.found);
    if (dict)
        crtk_dictionary_unref(dict);
    crtk_metafile_free(mf);
    return rc == 2 ? EXIT_USAGE : rc == 1 ? EXIT_DATA : EXIT_OK;
}

static int do_use(int argc, char **argv)
{
    char *set = NULL, *user = NULL;
    GOptionEntry entries[] = {
        {"set", 's', 0, G_OPTION_ARG_STRING, &set, "the edit set to run (tag or name; default every edit)", "TAG"},
        {"user", 0, 0, G_OPTION_ARG_STRING, &user, "who records it (audit trail)", "NAME"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB STATE.smf — record the registry's state metafile");
    g_option_context_add_main_entries(ctx, entries, NULL);
    int code = EXIT_OK;
    if (!crtk_cli_parse(ctx, &argc, &argv, &code)) {
        g_option_context_free(ctx);
        return code;
    }
    g_option_context_free(ctx);
    if (argc != 3) {
        crtk_cli_error("usage: crtk metafile use DB STATE.smf [--set TAG]");
        g_free(set), g_free(user);
        return EXIT_USAGE;
    }
    crtk_store *s = crtk_cli_open_store(argv[1], FALSE, user, "metafile use");
    if (!s) {
        g_free(set), g_free(user);
        return EXIT_USAGE;
    }
    GError *err = NULL;
    int rc = EXIT_OK;
    if (!crtk_metafile_use(s, argv[2], set, &err)) {
        crtk_cli_error("metafile use: %s", err->message);
        g_error_free(err);
        rc = EXIT_USAGE;
    } else {
        char *sum = crtk_store_get_setting(s, CRTK_SETTING_METAFILE_SHA256);
        printf("%s now uses %s (sha256 %s)%s%s\n", argv[1], argv[2], sum ? sum : "?", set ? ", edit set " : "", set ? set : "");
        g_free(sum);
    }
    crtk_store_close(s);
    g_free(set), g_free(user);
    return rc;
}

int cmd_metafile(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: crtk metafile list STATE.smf\n"
               "       crtk metafile describe STATE.smf EDIT-TAG...\n"
               "       crtk metafile eval [--metafile F.smf] [--record FILE [--patient P --tumor N]] [--today YYYYMMDD] 'STATEMENTS'\n"
               "       crtk metafile use DB STATE.smf [--set TAG]\n");
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "list") == 0)
        return do_list(argc - 2, argv + 2);
    if (strcmp(sub, "describe") == 0)
        return do_describe(argc - 2, argv + 2);
    if (strcmp(sub, "eval") == 0)
        return do_eval(argc - 1, argv + 1);
    if (strcmp(sub, "use") == 0)
        return do_use(argc - 1, argv + 1);
    static const char *const subs[] = {"list", "describe", "eval", "use", NULL};
    char *hint = crtk_cli_did_you_mean(sub, subs);
    crtk_cli_error("metafile: unknown command \"%s\"%s (list, describe, eval, use)", sub, hint);
    g_free(hint);
    return EXIT_USAGE;
}
