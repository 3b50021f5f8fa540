/* cmd_case.c — `crtk case show|new|add-tumor|set|delete|edit`: abstracting from the command line.
 *
 * PATIENT is a patientIdNumber or #ROWID; TUMOR is the tumor's number within the
 * patient (1, 2, ... in the order shown by `case show`) or #ROWID.  Every value is
 * checked against its item before anything is written, and every change is
 * audited.  The edits that involve the changed items run at once and their
 * failures are shown (the change is saved all the same, as abstracting software does).
 */
#include "commands.h"
#include "crtk/duplicates.h"
#ifndef CRTK_LIGHT
#include "crtk/abstract_pdf.h"
#endif
#include "crtk/followup.h"
#include "crtk/users.h"
#include "crtk/case_view.h"
#include "crtk/case_edits.h"
#include "crtk/case_entry.h"
#include "crtk/json.h"
#include "crtk/store.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The usage text, to stderr (a mistake) or to stdout (asked for with --help). */
static int usage_to(FILE *out)
{
    fprintf(out,
            "usage: crtk case show DB PATIENT [--format text|json]\n"
            "       crtk case show DB PATIENT[/TUMOR] --pdf -o FILE [--full-ssn]   (printable abstract)\n"
            "       crtk case new DB [ITEM=VALUE...]          (patient items; tumor items make a first tumor)\n"
            "       crtk case add-tumor DB PATIENT [ITEM=VALUE...]\n"
            "       crtk case set DB PATIENT[/TUMOR] ITEM=VALUE... [--format text|json]\n"
            "       crtk case delete DB PATIENT[/TUMOR] --yes\n"
            "       crtk case edit DB PATIENT[/TUMOR]        (opens $EDITOR)\n"
            "PATIENT: patientIdNumber (161 finds 00000161) or #ROWID; TUMOR: 1, 2, ... or #ROWID.  Options: --user NAME.\n"
            "ITEM is a naaccrId or an item number (400=C504).  Values as typed: dates 2026-03-10 or 03/10/2026,\n"
            "sites C50.4, histology with behavior 8500/3 (histologicTypeIcdO3=8500/3 sets both).\n"
            "--format json (set, new, add-tumor, delete): messages as JSON Lines on stdout.\n"
            "Exit status: 0 done; 1 the data has problems (a value refused, no such case, or saved with\n"
            "failing edits, which are listed); 2 usage or system error.\n"
            "new refuses a likely duplicate (same SSN; same name and birth date; similar name with the\n"
            "same birth date or MRN) and lists it; --allow-duplicate adds the patient anyway.\n");
    return EXIT_USAGE;
}

static int usage(void)
{
    return usage_to(stderr);
}

static gboolean json_messages; /* --format json: messages as JSON Lines on stdout */
static void message(const char *level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Resolves a case name, printing why when there is none. */
/* EXIT_OK when ARG names a patient or tumor; else its exit code (2 when the store could not be read). */
static int resolve(crtk_store *s, const char *arg, crtk_case_ref *ref)
{
    GError *error = NULL;
    if (crtk_case_resolve(s, arg, ref, &error))
        return EXIT_OK;
    message("error", "%s", error->message);
    int rc = crtk_cli_exit_for(error, EXIT_DATA);
    g_error_free(error);
    return rc;
}

/* Prints each line of a library message as its own "crtk: " line. */
static void print_error_lines(const char *text, const char *suffix)
{
    gchar **lines = g_strsplit(text, "\n", -1);
    for (gchar **l = lines; *l; l++)
        message("error", "%s%s", *l, suffix);
    g_strfreev(lines);
}

static void show(crtk_store *s, crtk_case_ref *ref, gboolean json)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    crtk_record *r = ref->stored->record;
    if (json) {
        GString *o = g_string_new("{\"patientIdNumber\":");
        const char *pid = crtk_record_patient_id(r);
        crtk_json_append_string(o, pid, -1);
        g_string_append_printf(o, ",\"rowid\":%" G_GINT64_FORMAT ",\"patient\":{", ref->patient_id);
        for (int k = 0, first = 1; k < r->patient.n_set; k++, first = 0) {
            const crtk_item *it = crtk_dictionary_item(d, r->patient.set[k]);
            if (!first)
                g_string_append_c(o, ',');
            crtk_json_append_string(o, it->id, -1);
            g_string_append_c(o, ':');
            crtk_json_append_string(o, crtk_element_get(&r->patient, it->index, NULL), -1);
        }
        g_string_append(o, "},\"tumors\":[");
        for (int t = 0; t < r->n_tumors; t++) {
            if (t)
                g_string_append_c(o, ',');
            g_string_append_printf(o, "{\"rowid\":%" G_GINT64_FORMAT, ref->stored->tumor_ids[t]);
            for (int k = 0; k < r->tumors[t].n_set; k++) {
                const crtk_item *it = crtk_dictionary_item(d, r->tumors[t].set[k]);
                g_string_append_c(o, ',');
                crtk_json_append_string(o, it->id, -1);
                g_string_append_c(o, ':');
                crtk_json_append_string(o, crtk_element_get(&r->tumors[t], it->index, NULL), -1);
            }
            g_string_append_c(o, '}');
        }
        g_string_append(o, "]}");
        puts(o->str);
        g_string_free(o, TRUE);
        return;
    }
    GString *o = g_string_new(NULL);
    g_string_append_printf(o, "Patient %s (row %" G_GINT64_FORMAT "), %d tumor%s\n", crtk_record_patient_id(r),
                           ref->patient_id, r->n_tumors, r->n_tumors == 1 ? "" : "s");
    crtk_case_view_element(o, d, &r->patient, CRTK_LEVEL_PATIENT);
    for (int t = 0; t < r->n_tumors; t++) {
        if (ref->tumor_no && ref->tumor_no != t + 1)
            continue;
        g_string_append_printf(o, "\nTumor %d (row %" G_GINT64_FORMAT ")\n", t + 1, ref->stored->tumor_ids[t]);
        crtk_case_view_element(o, d, &r->tumors[t], CRTK_LEVEL_TUMOR);
        crtk_case_view_schema(o, r, t);
    }
    fputs(o->str, stdout);
    g_string_free(o, TRUE);
}

#ifndef CRTK_LIGHT
/* The printable abstract (abstract_pdf.h) of the patient, or of one tumor, to path. */
static int show_pdf(crtk_store *s, crtk_case_ref *ref, const char *path, const char *user, gboolean full_ssn)
{
    char *name = crtk_followup_setting_value(s, "registryName", NULL);
    char *status = ref->tumor_id ? crtk_store_abstract_status(s, ref->tumor_id) : NULL;
    crtk_abstract_pdf_options o = {.registry_name = name, .status = status, .printed_by = user, .full_ssn = full_ssn};
    GError *error = NULL;
    int rc = EXIT_OK;
    if (!crtk_abstract_pdf_write(ref->stored->record, ref->tumor_no ? ref->tumor_no - 1 : -1, &o, path, &error)) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        rc = EXIT_DATA;
    }
    g_free(name), g_free(status);
    return rc;
}
#endif

/* Splits ITEM=VALUE arguments. */
static gboolean parse_assignments(int argc, char **argv, GPtrArray *items, GPtrArray *values)
{
    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq || eq == argv[i]) {
            message("error", "expected ITEM=VALUE, found \"%s\"", argv[i]);
            return FALSE;
        }
        g_ptr_array_add(items, g_strndup(argv[i], (gsize)(eq - argv[i])));
        g_ptr_array_add(values, g_strdup(eq + 1));
    }
    return TRUE;
}

/* Runs the edits involving items; the exit status: EXIT_DATA when any fails (the change is saved). */
static int report_edits(crtk_store *s, gint64 patient_id, GPtrArray *items)
{
    int failed = crtk_case_run_edits_as(s, patient_id, (const char *const *)items->pdata, (int)items->len,
                                        json_messages, stdout);
    if (failed && !json_messages)
        printf("saved with %d failing edit%s: fix the values, or set the over-ride after review\n", failed,
               failed == 1 ? "" : "s");
    return failed ? EXIT_DATA : EXIT_OK;
}

/* Values as typed (item numbers, 2026-03-10, C50.4, 8500/3) into coded values; FALSE when refused. */
static gboolean normalize(crtk_store *s, GPtrArray *items, GPtrArray *values)
{
    GError *error = NULL;
    if (crtk_case_input_normalize(crtk_store_dictionary(s), items, values, &error))
        return TRUE;
    print_error_lines(error->message, " (nothing was changed)");
    g_error_free(error);
    return FALSE;
}

static gboolean allow_duplicate; /* --allow-duplicate */

/* A message of a changing subcommand: a text line, or {"level":LEVEL,"message":TEXT}. */
static void message(const char *level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (json_messages) {
        GString *o = g_string_new("{\"level\":");
        crtk_json_append_string(o, level, -1);
        g_string_append(o, ",\"message\":");
        crtk_json_append_string(o, text, -1);
        g_string_append(o, "}\n");
        fputs(o->str, stdout);
        g_string_free(o, TRUE);
    } else if (!strcmp(level, "error")) {
        crtk_cli_error("%s", text);
    } else {
        printf("%s\n", text);
    }
    g_free(text);
}

/* Likely matches already in the store (crtk/duplicates.h): listed; FALSE (not added) unless --allow-duplicate. */
static gboolean duplicate_check_passes(crtk_store *s, GPtrArray *items, GPtrArray *values)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    crtk_record *r = crtk_record_new(d);
    const char *mrn = NULL;
    for (guint i = 0; i < items->len; i++) {
        const crtk_item *it = crtk_dictionary_find(d, items->pdata[i]);
        if (it && it->level == CRTK_LEVEL_PATIENT)
            crtk_element_set_str(&r->patient, it->index, values->pdata[i]);
        if (!strcmp(items->pdata[i], "medicalRecordNumber"))
            mrn = values->pdata[i];
    }
    GError *error = NULL;
    GPtrArray *dups = crtk_find_duplicates(s, &r->patient, mrn, &error);
    gboolean ok = TRUE;
    if (!dups) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        ok = FALSE;
    } else {
        for (guint i = 0; i < dups->len; i++) {
            crtk_duplicate *x = dups->pdata[i];
            crtk_cli_error("possible duplicate: patient %s (%s, born %s): %s", x->patient_key, x->name, x->birth_date,
                           x->reason);
        }
        if (dups->len && !allow_duplicate) {
            crtk_cli_error("not added: open the patient above (crtk case show DB PATIENT), or add --allow-duplicate "
                           "if this is another person");
            ok = FALSE;
        }
        g_ptr_array_free(dups, TRUE);
    }
    crtk_record_free(r);
    return ok;
}

static int do_new(crtk_store *s, int argc, char **argv, gint64 patient_to)
{
    GPtrArray *items = g_ptr_array_new_with_free_func(g_free), *values = g_ptr_array_new_with_free_func(g_free);
    int rc = EXIT_OK;
    GError *error = NULL;
    crtk_case_created made = {0};
    if (!parse_assignments(argc, argv, items, values)) {
        rc = EXIT_USAGE;
    } else if (!normalize(s, items, values)) {
        rc = EXIT_DATA;
    } else if (!patient_to && !duplicate_check_passes(s, items, values)) {
        rc = EXIT_DATA;
    } else if (!crtk_case_create(s, patient_to, (const char *const *)items->pdata, (const char *const *)values->pdata,
                                 (int)items->len, &made, &error)) {
        print_error_lines(error->message, "");
        g_error_free(error);
        rc = EXIT_USAGE;
    } else {
        if (patient_to)
            message("info", "patient row %" G_GINT64_FORMAT ": tumor added (row %" G_GINT64_FORMAT ")",
                    made.patient_id, made.tumor_id);
        else
            message("info", "patient %s (row %" G_GINT64_FORMAT ") added%s", made.patient_id_number, made.patient_id,
                    made.tumor_id ? " with a tumor" : "");
        rc = report_edits(s, made.patient_id, items);
        g_free(made.patient_id_number);
    }
    g_ptr_array_free(items, TRUE);
    g_ptr_array_free(values, TRUE);
    return rc;
}

static int apply_changes(crtk_store *s, crtk_case_ref *ref, GPtrArray *items, GPtrArray *values)
{
    GError *error = NULL;
    if (!normalize(s, items, values))
        return EXIT_DATA;
    if (!crtk_case_set(s, ref, (const char *const *)items->pdata, (const char *const *)values->pdata,
                       (int)items->len, &error)) {
        int rc = error->code == CRTK_ERROR_DATA ? EXIT_DATA : EXIT_USAGE;
        print_error_lines(error->message, "");
        g_error_free(error);
        return rc;
    }
    message("info", "patient %s: %u item%s set", crtk_record_patient_id(ref->stored->record), items->len,
            items->len == 1 ? "" : "s");
    return report_edits(s, ref->patient_id, items);
}

/* The private directory for `case edit` texts: $XDG_RUNTIME_DIR/crtk-edits when the runtime
 * directory is set, else DB.edits beside the store; made (and kept) 0700.  NULL with a message
 * when it cannot be made private. */
static char *edit_dir(crtk_store *s)
{
    const char *rt = g_getenv("XDG_RUNTIME_DIR");
    char *dir = rt && *rt && g_file_test(rt, G_FILE_TEST_IS_DIR) ? g_build_filename(rt, "crtk-edits", NULL)
                                                                  : g_strconcat(crtk_store_path(s), ".edits", NULL);
    struct stat st;
    const char *why = NULL;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        why = g_strerror(errno);
    else if (lstat(dir, &st) != 0)
        why = g_strerror(errno);
    else if (!S_ISDIR(st.st_mode) || st.st_uid != getuid())
        why = "not a directory of this user";
    else if ((st.st_mode & 077) && chmod(dir, 0700) != 0)
        why = g_strerror(errno);
    if (why) {
        crtk_cli_error("%s: cannot make a private directory for the edited text: %s", dir, why);
        g_free(dir);
        return NULL;
    }
    return dir;
}

/* Asks whether to edit the kept text again (only when stdin is a terminal). */
static gboolean edit_again(const char *path)
{
    if (!isatty(STDIN_FILENO))
        return FALSE;
    fprintf(stderr, "edit %s again? [y/N] ", path);
    fflush(stderr);
    char line[16];
    if (!fgets(line, sizeof line, stdin))
        return FALSE;
    return line[0] == 'y' || line[0] == 'Y';
}

/* Writes the form to a private file (0600, in edit_dir), opens $VISUAL or $EDITOR (vi) on it, and
 * applies what changed.  When the text is refused it is kept there: the user is told where and, at
 * a terminal, offered to edit it again; it is removed once applied. */
static int do_edit(crtk_store *s, crtk_case_ref *ref)
{
    char *dir = edit_dir(s);
    if (!dir)
        return EXIT_USAGE;
    char *path = g_build_filename(dir, "edit-XXXXXX.txt", NULL);
    g_free(dir);
    int fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        crtk_cli_error("%s: cannot create: %s", path, g_strerror(errno));
        g_free(path);
        return EXIT_USAGE;
    }
    char *form = crtk_case_form(s, ref);
    size_t len = strlen(form);
    if (write(fd, form, len) != (ssize_t)len) {
        close(fd);
        crtk_cli_error("%s: cannot write", path);
        unlink(path);
        g_free(form);
        g_free(path);
        return EXIT_USAGE;
    }
    close(fd);
    g_free(form);
    const char *editor = g_getenv("VISUAL");
    if (!editor || !*editor)
        editor = g_getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    char *qpath = g_shell_quote(path);
    char *cmd = g_strdup_printf("%s %s", editor, qpath);
    g_free(qpath);
    int rc = EXIT_OK;
    for (;;) {
        int status = system(cmd);
        if (status != 0) {
            crtk_cli_error("the editor failed (%s); nothing was changed; your text is kept in %s", editor, path);
            rc = EXIT_USAGE;
            break;
        }
        char *text = NULL;
        GError *error = NULL;
        if (!g_file_get_contents(path, &text, NULL, &error)) {
            crtk_cli_error("%s", error->message);
            g_error_free(error);
            rc = EXIT_USAGE;
            break;
        }
        GPtrArray *items = g_ptr_array_new_with_free_func(g_free), *values = g_ptr_array_new_with_free_func(g_free);
        gboolean refused = FALSE;
        rc = EXIT_OK;
        if (!crtk_case_form_changes(s, ref, text, items, values, &error)) {
            crtk_cli_error("%s; nothing was changed; your text is kept in %s", error->message, path);
            refused = TRUE;
        } else if (items->len && !crtk_store_set_items(s, ref->patient_id, ref->tumor_id, (const char *const *)items->pdata,
                                                       (const char *const *)values->pdata, (int)items->len, &error)) {
            crtk_cli_error("%s; nothing was changed; your text is kept in %s", error->message, path);
            refused = error->code == CRTK_ERROR_DATA;
            rc = refused ? EXIT_DATA : EXIT_USAGE;
        } else if (!items->len) {
            printf("no changes\n");
            unlink(path);
        } else {
            printf("patient %s: %u item%s changed\n", crtk_record_patient_id(ref->stored->record), items->len,
                   items->len == 1 ? "" : "s");
            rc = report_edits(s, ref->patient_id, items);
            unlink(path);
        }
        if (refused && rc == EXIT_OK)
            rc = EXIT_DATA;
        g_clear_error(&error);
        g_ptr_array_free(items, TRUE);
        g_ptr_array_free(values, TRUE);
        g_free(text);
        if (!refused || !edit_again(path))
            break;
    }
    g_free(cmd);
    g_free(path);
    return rc;
}

int cmd_case(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
        return argc < 2 ? usage() : (usage_to(stdout), EXIT_OK);
    const char *sub = argv[1];
    static const char *const subcommands[] = {"show", "new", "add-tumor", "set", "delete", "edit", NULL};
    if (!g_strv_contains(subcommands, sub)) {
        /* named before any store is opened */
        char *hint = crtk_cli_did_you_mean(sub, subcommands);
        crtk_cli_error("case: unknown subcommand %s%s%s", sub, hint, *hint ? "?" : "");
        g_free(hint);
        return usage();
    }
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage_to(stdout), EXIT_OK;
    /* Options anywhere: --user NAME, --format F, --yes. */
    const char *user = NULL, *format = NULL, *out_path = NULL;
    gboolean yes = FALSE, pdf = FALSE, full_ssn = FALSE;
    GPtrArray *args = g_ptr_array_new();
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--user") && i + 1 < argc)
            user = argv[++i];
        else if (!strcmp(argv[i], "--format") && i + 1 < argc)
            format = argv[++i];
        else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc)
            out_path = argv[++i];
        else if (!strcmp(argv[i], "--pdf"))
            pdf = TRUE;
        else if (!strcmp(argv[i], "--full-ssn"))
            full_ssn = TRUE;
        else if (!strcmp(argv[i], "--allow-duplicate"))
            allow_duplicate = TRUE;
        else if (!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y"))
            yes = TRUE;
        else
            g_ptr_array_add(args, argv[i]);
    }
    if (format && strcmp(format, "text") && strcmp(format, "json")) {
        crtk_cli_error("case: --format must be text or json, not %s", format);
        g_ptr_array_free(args, TRUE);
        return EXIT_USAGE;
    }
    if (format && !strcmp(format, "json") && !strcmp(sub, "edit")) {
        crtk_cli_error("case edit: --format json is for show, set, new, add-tumor and delete");
        g_ptr_array_free(args, TRUE);
        return EXIT_USAGE;
    }
#ifdef CRTK_LIGHT
    (void)full_ssn;
    if (!strcmp(sub, "show") && pdf) { /* the printable abstract is PDF: crtk-full writes it */
        g_ptr_array_free(args, TRUE);
        return crtk_cli_run_full();
    }
#endif
    json_messages = format && !strcmp(format, "json") && strcmp(sub, "show") != 0;
    int n = (int)args->len;
    char **a = (char **)args->pdata;
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    crtk_case_ref ref = {0};
    if (n < 1) {
        rc = usage();
        goto out;
    }
    /* show is a read, but every view of a patient is recorded (who, when, which patient): the store
       is opened for writing, and once it has users --user must name one */
    gboolean ro = FALSE;
    char *cmdname = g_strconcat("case ", sub, NULL);
    s = crtk_cli_open_store(a[0], ro, user, cmdname);
    g_free(cmdname);
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!strcmp(sub, "new")) {
        rc = do_new(s, n - 1, a + 1, 0);
        goto out;
    }
    if (n < 2) {
        rc = usage();
        goto out;
    }
    if ((rc = resolve(s, a[1], &ref)) != EXIT_OK)
        goto out;
    if (!strcmp(sub, "show") && (pdf || out_path) && (!pdf || !out_path)) {
        crtk_cli_error("--pdf needs -o FILE (and -o goes with --pdf)");
        rc = EXIT_USAGE;
        goto out;
    }
    if (!strcmp(sub, "show") && out_path && !crtk_cli_output_name_fits("case show --pdf", out_path, "pdf")) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!strcmp(sub, "show")) { /* recorded before anything is shown or printed */
        GError *error = NULL;
        if (!crtk_user_log_access(s, crtk_store_actor(s), crtk_record_patient_id(ref.stored->record),
                                  pdf ? "print" : "view", &error)) {
            crtk_cli_error("case show: nothing shown: the view cannot be recorded: %s", error->message);
            g_error_free(error);
            rc = EXIT_USAGE;
            goto out;
        }
    }
    if (!strcmp(sub, "show") && (pdf || out_path)) {
        if (!pdf || !out_path) {
            crtk_cli_error("--pdf needs -o FILE (and -o goes with --pdf)");
            rc = EXIT_USAGE;
        } else {
#ifndef CRTK_LIGHT
            rc = show_pdf(s, &ref, out_path, user, full_ssn);
#endif
        }
    } else if (!strcmp(sub, "show")) {
        show(s, &ref, format && !strcmp(format, "json"));
    } else if (!strcmp(sub, "add-tumor")) {
        if (ref.tumor_id) {
            message("error", "add-tumor takes a PATIENT, not PATIENT/TUMOR");
            rc = EXIT_USAGE;
        } else {
            rc = do_new(s, n - 2, a + 2, ref.patient_id);
        }
    } else if (!strcmp(sub, "set")) {
        GPtrArray *items = g_ptr_array_new_with_free_func(g_free), *values = g_ptr_array_new_with_free_func(g_free);
        if (n < 3 || !parse_assignments(n - 2, a + 2, items, values))
            rc = n < 3 ? usage() : EXIT_USAGE;
        else
            rc = apply_changes(s, &ref, items, values);
        g_ptr_array_free(items, TRUE);
        g_ptr_array_free(values, TRUE);
    } else if (!strcmp(sub, "delete")) {
        if (!yes) {
            message("error", "delete removes %s for good (its values stay in the audit trail): add --yes",
                    ref.tumor_id ? "the tumor" : "the patient and all tumors");
            rc = EXIT_USAGE;
        } else {
            GError *error = NULL;
            gboolean ok = ref.tumor_id ? crtk_store_delete_tumor(s, ref.tumor_id, &error)
                                       : crtk_store_delete_patient(s, ref.patient_id, &error);
            if (!ok) {
                message("error", "%s", error->message);
                g_error_free(error);
                rc = EXIT_USAGE;
            } else {
                message("info", "deleted %s", a[1]);
            }
        }
    } else if (!strcmp(sub, "edit")) {
        rc = do_edit(s, &ref);
    } else {
        crtk_cli_error("case: unknown subcommand %s", sub);
        rc = usage();
    }
out:
    crtk_case_ref_clear(&ref);
    crtk_store_close(s);
    g_ptr_array_free(args, TRUE);
    return rc;
}
