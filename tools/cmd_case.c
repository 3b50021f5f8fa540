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
#include "crtk/case_view.h"
#include "crtk/case_edits.h"
#include "crtk/json.h"
#include "crtk/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr,
            "usage: crtk case show DB PATIENT [--format text|json]\n"
            "       crtk case new DB [ITEM=VALUE...]          (patient items; tumor items make a first tumor)\n"
            "       crtk case add-tumor DB PATIENT [ITEM=VALUE...]\n"
            "       crtk case set DB PATIENT[/TUMOR] ITEM=VALUE...\n"
            "       crtk case delete DB PATIENT[/TUMOR] --yes\n"
            "       crtk case edit DB PATIENT[/TUMOR]        (opens $EDITOR)\n"
            "PATIENT: patientIdNumber or #ROWID; TUMOR: 1, 2, ... or #ROWID.  Options: --user NAME.\n"
            "new refuses a likely duplicate (same SSN; same name and birth date; similar name with the\n"
            "same birth date or MRN) and lists it; --allow-duplicate adds the patient anyway.\n");
    return EXIT_USAGE;
}

typedef struct {
    crtk_store *s;
    gint64 patient_id;
    gint64 tumor_id;     /* 0 when the patient is meant */
    int tumor_no;        /* 1-based, 0 when the patient is meant */
    crtk_stored_patient *p;
} case_ref;

static gboolean resolve(crtk_store *s, const char *arg, case_ref *ref)
{
    memset(ref, 0, sizeof *ref);
    ref->s = s;
    char *pat = g_strdup(arg);
    char *slash = strchr(pat, '/');
    if (slash)
        *slash++ = 0;
    ref->patient_id = crtk_store_find_patient(s, pat);
    if (!ref->patient_id) {
        crtk_cli_error("no patient %s in %s", pat, crtk_store_path(s));
        g_free(pat);
        return FALSE;
    }
    ref->p = crtk_stored_patient_new(s);
    GError *error = NULL;
    if (!crtk_store_load_patient(s, ref->patient_id, ref->p, &error)) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        g_free(pat);
        return FALSE;
    }
    if (slash) {
        int n = ref->p->record->n_tumors;
        if (slash[0] == '#') {
            gint64 id = g_ascii_strtoll(slash + 1, NULL, 10);
            for (int i = 0; i < n; i++)
                if (ref->p->tumor_ids[i] == id)
                    ref->tumor_no = i + 1;
        } else {
            char *end;
            long k = strtol(slash, &end, 10);
            if (!*end && k >= 1 && k <= n)
                ref->tumor_no = (int)k;
        }
        if (!ref->tumor_no) {
            crtk_cli_error("patient %s has no tumor %s (it has %d)", pat, slash, n);
            g_free(pat);
            return FALSE;
        }
        ref->tumor_id = ref->p->tumor_ids[ref->tumor_no - 1];
    }
    g_free(pat);
    return TRUE;
}

static void ref_free(case_ref *ref)
{
    crtk_stored_patient_free(ref->p);
}

static void show(crtk_store *s, case_ref *ref, gboolean json)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    crtk_record *r = ref->p->record;
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
            g_string_append_printf(o, "{\"rowid\":%" G_GINT64_FORMAT, ref->p->tumor_ids[t]);
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
        g_string_append_printf(o, "\nTumor %d (row %" G_GINT64_FORMAT ")\n", t + 1, ref->p->tumor_ids[t]);
        crtk_case_view_element(o, d, &r->tumors[t], CRTK_LEVEL_TUMOR);
    }
    fputs(o->str, stdout);
    g_string_free(o, TRUE);
}

/* Splits ITEM=VALUE arguments. */
static gboolean parse_assignments(int argc, char **argv, GPtrArray *items, GPtrArray *values)
{
    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq || eq == argv[i]) {
            crtk_cli_error("expected ITEM=VALUE, found \"%s\"", argv[i]);
            return FALSE;
        }
        g_ptr_array_add(items, g_strndup(argv[i], (gsize)(eq - argv[i])));
        g_ptr_array_add(values, g_strdup(eq + 1));
    }
    return TRUE;
}

/* Fills an element from assignments of one level; FALSE (printed) on unknown items or bad values. */
static gboolean fill_element(crtk_store *s, GPtrArray *items, GPtrArray *values, crtk_element *pe, crtk_element *te,
                             gboolean *has_tumor)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    gboolean ok = TRUE;
    for (guint i = 0; i < items->len; i++) {
        const char *id = g_ptr_array_index(items, i), *v = g_ptr_array_index(values, i);
        const crtk_item *it = crtk_dictionary_find(d, id);
        if (!it) {
            GPtrArray *sug = crtk_dictionary_suggest(d, id, 3);
            GString *m = g_string_new(NULL);
            for (guint k = 0; k < sug->len; k++)
                g_string_append_printf(m, "%s%s", k ? ", " : "; did you mean ", (char *)g_ptr_array_index(sug, k));
            crtk_cli_error("NAACCR %d has no item %s%s%s", crtk_store_version(s), id, m->str, sug->len ? "?" : "");
            g_string_free(m, TRUE);
            g_ptr_array_free(sug, TRUE);
            ok = FALSE;
            continue;
        }
        crtk_problem_code code;
        const char *why = *v ? crtk_item_check_value(it, v, strlen(v), &code) : NULL;
        if (why) {
            crtk_cli_error("%s=%s: %s (length %d, %s)", id, v, why, it->length, crtk_data_type_name(it->type));
            ok = FALSE;
            continue;
        }
        if (it->level == CRTK_LEVEL_PATIENT) {
            crtk_element_set_str(pe, it->index, v);
        } else if (te) {
            crtk_element_set_str(te, it->index, v);
            *has_tumor = TRUE;
        } else {
            crtk_cli_error("%s is a %s item and belongs to a tumor", id, crtk_level_name(it->level));
            ok = FALSE;
        }
    }
    return ok;
}

static int max_cb(int n, const char *const *v, const char *const *names, void *u)
{
    (void)n, (void)names;
    *(gint64 *)u = v[0] ? g_ascii_strtoll(v[0], NULL, 10) : 0;
    return 0;
}

/* The next patientIdNumber: one more than the largest numeric one, 8 digits. */
static char *next_patient_id(crtk_store *s)
{
    gint64 max = 0;
    GError *error = NULL;
    if (!crtk_store_select(s, "SELECT max(CAST(\"patientIdNumber\" AS INTEGER)) FROM patient", NULL, 0, max_cb, &max,
                           &error))
        g_clear_error(&error);
    return g_strdup_printf("%08" G_GINT64_FORMAT, max + 1);
}

static void report_edits(crtk_store *s, gint64 patient_id, GPtrArray *items)
{
    crtk_case_run_edits(s, patient_id, (const char *const *)items->pdata, (int)items->len, stdout);
}

static gboolean allow_duplicate; /* --allow-duplicate */

static int do_new(crtk_store *s, int argc, char **argv, gint64 patient_to)
{
    GPtrArray *items = g_ptr_array_new_with_free_func(g_free), *values = g_ptr_array_new_with_free_func(g_free);
    int rc = EXIT_OK;
    crtk_dictionary *d = crtk_store_dictionary(s);
    crtk_record *r = crtk_record_new(d);
    crtk_element *t = crtk_record_add_tumor(r);
    gboolean has_tumor = FALSE;
    GError *error = NULL;
    if (!parse_assignments(argc, argv, items, values) ||
        !fill_element(s, items, values, &r->patient, t, &has_tumor)) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (patient_to && r->patient.n_set) {
        crtk_cli_error("add-tumor takes tumor items only; change the patient with crtk case set");
        rc = EXIT_USAGE;
        goto out;
    }
    const crtk_item *dclc = crtk_dictionary_find(d, "dateCaseLastChanged");
    char *today = crtk_today();
    if (dclc && (has_tumor || patient_to) && !crtk_element_has(t, dclc->index))
        crtk_element_set_str(t, dclc->index, today);
    g_free(today);
    if (!crtk_store_begin(s, &error))
        goto fail;
    gint64 pid = patient_to;
    if (!pid) {
        const crtk_item *key = crtk_dictionary_find(d, "patientIdNumber");
        if (key && !crtk_element_has(&r->patient, key->index)) {
            char *id = next_patient_id(s);
            crtk_element_set_str(&r->patient, key->index, id);
            g_free(id);
        }
        const char *k = crtk_record_patient_id(r);
        if (*k && crtk_store_find_patient(s, k)) {
            g_set_error(&error, CRTK_ERROR, CRTK_ERROR_USAGE, "patient %s exists already", k);
            crtk_store_rollback(s);
            goto fail;
        }
        /* Likely matches already in the store (crtk/duplicates.h): refused unless --allow-duplicate. */
        GPtrArray *dups = crtk_find_duplicates(s, &r->patient, crtk_element_get_id(t, d, "medicalRecordNumber"), &error);
        if (!dups) {
            crtk_store_rollback(s);
            goto fail;
        }
        for (guint i = 0; i < dups->len; i++) {
            crtk_duplicate *x = dups->pdata[i];
            crtk_cli_error("possible duplicate: patient %s (%s, born %s): %s", x->patient_key, x->name, x->birth_date,
                           x->reason);
        }
        guint n_dups = dups->len;
        g_ptr_array_free(dups, TRUE);
        if (n_dups && !allow_duplicate) {
            crtk_cli_error("not added: open the patient above (crtk case show DB PATIENT), or add --allow-duplicate "
                           "if this is another person");
            crtk_store_rollback(s);
            rc = EXIT_DATA;
            goto out;
        }
        pid = crtk_store_insert_patient(s, &r->patient, &error);
        if (!pid) {
            crtk_store_rollback(s);
            goto fail;
        }
    }
    gint64 tid = 0;
    if (has_tumor || patient_to) {
        tid = crtk_store_insert_tumor(s, pid, t, &error);
        if (!tid || !crtk_store_renumber_sequences(s, pid, &error)) {
            crtk_store_rollback(s);
            goto fail;
        }
    }
    if (!crtk_store_commit(s, &error))
        goto fail;
    if (patient_to)
        printf("patient row %" G_GINT64_FORMAT ": tumor added (row %" G_GINT64_FORMAT ")\n", pid, tid);
    else
        printf("patient %s (row %" G_GINT64_FORMAT ") added%s\n", crtk_record_patient_id(r), pid,
               tid ? " with a tumor" : "");
    report_edits(s, pid, items);
    goto out;
fail:
    crtk_cli_error("%s", error->message);
    g_error_free(error);
    rc = EXIT_USAGE;
out:
    crtk_record_free(r);
    g_ptr_array_free(items, TRUE);
    g_ptr_array_free(values, TRUE);
    return rc;
}

static int apply_changes(crtk_store *s, case_ref *ref, GPtrArray *items, GPtrArray *values)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    /* Patient items go to the patient; tumor items to the tumor named (or the only one). */
    GPtrArray *pi = g_ptr_array_new(), *pv = g_ptr_array_new(), *ti = g_ptr_array_new(), *tv = g_ptr_array_new();
    int rc = EXIT_OK;
    for (guint i = 0; i < items->len; i++) {
        const crtk_item *it = crtk_dictionary_find(d, g_ptr_array_index(items, i));
        gboolean patient = it ? it->level == CRTK_LEVEL_PATIENT : ref->tumor_id == 0;
        g_ptr_array_add(patient ? pi : ti, g_ptr_array_index(items, i));
        g_ptr_array_add(patient ? pv : tv, g_ptr_array_index(values, i));
    }
    gint64 tid = ref->tumor_id;
    if (ti->len && !tid) {
        if (ref->p->record->n_tumors == 1) {
            tid = ref->p->tumor_ids[0];
        } else {
            crtk_cli_error("%s is a tumor item: name the tumor as PATIENT/N (the patient has %d tumors)",
                           (char *)g_ptr_array_index(ti, 0), ref->p->record->n_tumors);
            rc = EXIT_USAGE;
        }
    }
    GError *error = NULL;
    if (rc == EXIT_OK && !crtk_store_begin(s, &error))
        rc = EXIT_USAGE;
    if (rc == EXIT_OK && pi->len &&
        !crtk_store_set_items(s, ref->patient_id, 0, (const char *const *)pi->pdata, (const char *const *)pv->pdata,
                              (int)pi->len, &error))
        rc = error->code == CRTK_ERROR_USAGE ? EXIT_USAGE : EXIT_DATA;
    if (rc == EXIT_OK && ti->len &&
        !crtk_store_set_items(s, ref->patient_id, tid, (const char *const *)ti->pdata, (const char *const *)tv->pdata,
                              (int)ti->len, &error))
        rc = error->code == CRTK_ERROR_USAGE ? EXIT_USAGE : EXIT_DATA;
    if (rc == EXIT_OK && !crtk_store_commit(s, &error))
        rc = EXIT_USAGE;
    if (rc != EXIT_OK) {
        crtk_store_rollback(s);
        if (error) {
            crtk_cli_error("%s (nothing was changed)", error->message);
            g_error_free(error);
        }
    } else {
        printf("patient %s: %u item%s set\n", crtk_record_patient_id(ref->p->record), items->len,
               items->len == 1 ? "" : "s");
        report_edits(s, ref->patient_id, items);
    }
    g_ptr_array_free(pi, TRUE);
    g_ptr_array_free(pv, TRUE);
    g_ptr_array_free(ti, TRUE);
    g_ptr_array_free(tv, TRUE);
    return rc;
}

static int do_edit(crtk_store *s, case_ref *ref)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    crtk_record *r = ref->p->record;
    crtk_element *e = ref->tumor_no ? &r->tumors[ref->tumor_no - 1] : &r->patient;
    crtk_level level = ref->tumor_no ? CRTK_LEVEL_TUMOR : CRTK_LEVEL_PATIENT;
    GString *form = g_string_new(NULL);
    char tumor_no[16];
    g_snprintf(tumor_no, sizeof tumor_no, "%d", ref->tumor_no);
    g_string_append_printf(form,
                           "# crtk case edit: patient %s%s%s\n"
                           "# One item per line as \"naaccrId: value\"; text after two spaces and # is a comment.\n"
                           "# Change a value, add a line to set an item, empty a value or delete a line to clear it.\n"
                           "# Save and quit to apply; nothing is applied if any value is invalid.\n",
                           crtk_record_patient_id(r), ref->tumor_no ? ", tumor " : "",
                           ref->tumor_no ? tumor_no : "");
    crtk_case_form_element(form, d, e, level);
    char *path = NULL;
    GError *error = NULL;
    int fd = g_file_open_tmp("crtk-edit-XXXXXX.txt", &path, &error);
    if (fd < 0) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        g_string_free(form, TRUE);
        return EXIT_USAGE;
    }
    fchmod(fd, 0600);
    if (write(fd, form->str, form->len) != (ssize_t)form->len) {
        close(fd);
        crtk_cli_error("%s: cannot write", path);
        return EXIT_USAGE;
    }
    close(fd);
    const char *editor = g_getenv("VISUAL");
    if (!editor || !*editor)
        editor = g_getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    char *qpath = g_shell_quote(path);
    char *cmd = g_strdup_printf("%s %s", editor, qpath);
    int status = system(cmd);
    g_free(cmd);
    g_free(qpath);
    if (status != 0) {
        crtk_cli_error("the editor failed (%s); nothing was changed; your text is in %s", editor, path);
        g_free(path);
        g_string_free(form, TRUE);
        return EXIT_USAGE;
    }
    char *text = NULL;
    g_file_get_contents(path, &text, NULL, NULL);
    GPtrArray *items = g_ptr_array_new_with_free_func(g_free), *values = g_ptr_array_new_with_free_func(g_free);
    int rc = EXIT_OK;
    if (!crtk_case_form_parse(text ? text : "", items, values, &error)) {
        crtk_cli_error("%s: %s; nothing was changed; your text is kept in %s", path, error->message, path);
        g_error_free(error);
        rc = EXIT_DATA;
        goto out;
    }
    /* Lines removed clear their items. */
    for (int k = 0; k < e->n_set; k++) {
        const crtk_item *it = crtk_dictionary_item(d, e->set[k]);
        gboolean present = FALSE;
        for (guint i = 0; i < items->len; i++)
            if (!strcmp(g_ptr_array_index(items, i), it->id))
                present = TRUE;
        if (!present) {
            g_ptr_array_add(items, g_strdup(it->id));
            g_ptr_array_add(values, g_strdup(""));
        }
    }
    /* Only what changed. */
    GPtrArray *ci = g_ptr_array_new_with_free_func(g_free), *cv = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < items->len; i++) {
        const crtk_item *it = crtk_dictionary_find(d, g_ptr_array_index(items, i));
        const char *old = it ? crtk_element_get(e, it->index, NULL) : NULL;
        if (it && g_strcmp0(old ? old : "", g_ptr_array_index(values, i)) == 0)
            continue;
        if (it && it->level != level) {
            crtk_cli_error("%s: %s is a %s item and cannot be set here; nothing was changed; your text is kept in %s",
                           path, it->id, crtk_level_name(it->level), path);
            rc = EXIT_DATA;
            break;
        }
        g_ptr_array_add(ci, g_strdup(g_ptr_array_index(items, i)));
        g_ptr_array_add(cv, g_strdup(g_ptr_array_index(values, i)));
    }
    if (rc == EXIT_OK && ci->len == 0) {
        printf("no changes\n");
        unlink(path);
    } else if (rc == EXIT_OK) {
        if (!crtk_store_set_items(s, ref->patient_id, ref->tumor_id, (const char *const *)ci->pdata,
                                  (const char *const *)cv->pdata, (int)ci->len, &error)) {
            crtk_cli_error("%s; nothing was changed; your text is kept in %s", error->message, path);
            g_error_free(error);
            rc = EXIT_DATA;
        } else {
            printf("patient %s: %u item%s changed\n", crtk_record_patient_id(r), ci->len, ci->len == 1 ? "" : "s");
            report_edits(s, ref->patient_id, ci);
            unlink(path);
        }
    }
    g_ptr_array_free(ci, TRUE);
    g_ptr_array_free(cv, TRUE);
out:
    g_ptr_array_free(items, TRUE);
    g_ptr_array_free(values, TRUE);
    g_free(text);
    g_free(path);
    g_string_free(form, TRUE);
    return rc;
}

int cmd_case(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
        return argc < 2 ? usage() : (usage(), EXIT_OK);
    const char *sub = argv[1];
    /* Options anywhere: --user NAME, --format F, --yes. */
    const char *user = NULL, *format = NULL;
    gboolean yes = FALSE;
    GPtrArray *args = g_ptr_array_new();
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--user") && i + 1 < argc)
            user = argv[++i];
        else if (!strcmp(argv[i], "--format") && i + 1 < argc)
            format = argv[++i];
        else if (!strcmp(argv[i], "--allow-duplicate"))
            allow_duplicate = TRUE;
        else if (!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y"))
            yes = TRUE;
        else
            g_ptr_array_add(args, argv[i]);
    }
    int n = (int)args->len;
    char **a = (char **)args->pdata;
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    case_ref ref = {0};
    if (n < 1) {
        rc = usage();
        goto out;
    }
    gboolean ro = !strcmp(sub, "show");
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
    if (!resolve(s, a[1], &ref)) {
        rc = EXIT_DATA;
        goto out;
    }
    if (!strcmp(sub, "show")) {
        show(s, &ref, format && !strcmp(format, "json"));
    } else if (!strcmp(sub, "add-tumor")) {
        if (ref.tumor_id) {
            crtk_cli_error("add-tumor takes a PATIENT, not PATIENT/TUMOR");
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
            crtk_cli_error("delete removes %s for good (its values stay in the audit trail): add --yes",
                           ref.tumor_id ? "the tumor" : "the patient and all tumors");
            rc = EXIT_USAGE;
        } else {
            GError *error = NULL;
            gboolean ok = ref.tumor_id ? crtk_store_delete_tumor(s, ref.tumor_id, &error)
                                       : crtk_store_delete_patient(s, ref.patient_id, &error);
            if (!ok) {
                crtk_cli_error("%s", error->message);
                g_error_free(error);
                rc = EXIT_USAGE;
            } else {
                printf("deleted %s\n", a[1]);
            }
        }
    } else if (!strcmp(sub, "edit")) {
        rc = do_edit(s, &ref);
    } else {
        crtk_cli_error("case: unknown subcommand %s", sub);
        rc = usage();
    }
out:
    ref_free(&ref);
    crtk_store_close(s);
    g_ptr_array_free(args, TRUE);
    return rc;
}
