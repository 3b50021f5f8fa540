/* cmd_stage_tumors.c — `crtk stage FILE|STORE`: every tumor of a NAACCR file or a store staged with the
 * algorithm of its diagnosis year (or --algorithm): schema, derived items (by NAACCR id), problems.
 * On a store --save writes the derived items back through the store layer (audited, one transaction
 * per tumor).  Memory does not grow with the input: files stream, stores are read patient by patient.
 */
#include "commands.h"
#include "crtk/staging.h"
#include "crtk/json.h"
#include "crtk/csv.h"
#include "crtk/naaccr_read.h"
#include "crtk/store.h"

#include <stdlib.h>
#include <string.h>

typedef struct stager {
    const crtk_staging *fixed; /* --algorithm, or NULL: by year */
    crtk_stage_run *runs[4];
    const char *format;
    char **contexts;
    gboolean save;
    crtk_store *store;
    const char *source;
    long tumors, staged, failed, skipped, saved;
    int rc;
    const crtk_element *tumor, *patient;
    crtk_dictionary *dict;
} stager;

static const char *get_item(const char *id, void *user)
{
    stager *s = user;
    const char *v = crtk_element_get_id(s->tumor, s->dict, id);
    if (!v || !*v)
        v = crtk_element_get_id(s->patient, s->dict, id);
    return v;
}

static crtk_stage_run *run_for(stager *s, const crtk_staging *alg)
{
    for (int i = 0; i < 4; i++) {
        if (s->runs[i] && crtk_stage_run_algorithm(s->runs[i]) == alg)
            return s->runs[i];
        if (!s->runs[i]) {
            s->runs[i] = crtk_stage_run_new(alg);
            for (char **c = s->contexts; c && *c; c++) {
                char *eq = strchr(*c, '=');
                if (eq) {
                    char *k = g_strndup(*c, (gsize)(eq - *c));
                    crtk_stage_run_set_context(s->runs[i], k, eq + 1);
                    g_free(k);
                }
            }
            return s->runs[i];
        }
    }
    return NULL;
}

static void stage_tumor(stager *s, const crtk_record *rec, int t, gint64 patient_row, gint64 tumor_row)
{
    s->tumor = &rec->tumors[t];
    s->patient = &rec->patient;
    s->dict = rec->dict;
    s->tumors++;
    const char *pid = crtk_element_get_id(&rec->patient, rec->dict, "patientIdNumber");
    const char *dx = crtk_element_get_id(s->tumor, rec->dict, "dateOfDiagnosis");
    char ybuf[5] = {0};
    if (dx)
        g_strlcpy(ybuf, dx, sizeof ybuf);
    int year = atoi(ybuf);
    const crtk_staging *alg = s->fixed;
    if (!alg) {
        const char *name = crtk_staging_algorithm_for_year(year);
        alg = name ? crtk_staging_get(name, NULL) : NULL;
    }
    GString *o = g_string_new(NULL);
    char tumor_no[16];
    g_snprintf(tumor_no, sizeof tumor_no, "%d", t + 1);
    if (!alg) {
        s->skipped++;
        if (!strcmp(s->format, "json")) {
            g_string_append_c(o, '{');
            crtk_json_field_str(o, "patientIdNumber", pid ? pid : "", TRUE);
            crtk_json_field_int(o, "tumor", t + 1, FALSE);
            crtk_json_field_str(o, "result", "NO_ALGORITHM", FALSE);
            g_string_append(o, "}\n");
        } else if (!strcmp(s->format, "csv")) {
            crtk_csv_append_field(o, pid, TRUE);
            crtk_csv_append_field(o, tumor_no, FALSE);
            g_string_append(o, ",,,NO_ALGORITHM,,\n");
        } else
            g_string_append_printf(o, "%s tumor %d: no staging algorithm for diagnosis date '%s'\n", pid ? pid : "?", t + 1,
                                   dx ? dx : "");
        fputs(o->str, stdout);
        g_string_free(o, TRUE);
        return;
    }
    crtk_stage_run *run = run_for(s, alg);
    crtk_stage_result res = crtk_stage_run_stage_items(run, get_item, s);
    if (res == CRTK_STAGE_STAGED)
        s->staged++;
    else
        s->failed++;
    int si = crtk_stage_run_schema(run);
    const char *schema = si >= 0 ? crtk_staging_schema_id(alg, (guint)si) : "";
    /* derived items: the outputs that have a NAACCR id */
    GPtrArray *items = g_ptr_array_new(), *values = g_ptr_array_new();
    for (guint i = 0; res == CRTK_STAGE_STAGED && i < crtk_stage_run_output_count(run); i++) {
        const char *v, *k = crtk_stage_run_output(run, i, &v);
        const char *id = crtk_staging_key_naaccr_id(alg, k);
        if (id) {
            g_ptr_array_add(items, (gpointer)id);
            g_ptr_array_add(values, (gpointer)(v ? v : ""));
        }
    }
    GString *derived = g_string_new(NULL), *problems = g_string_new(NULL);
    for (guint i = 0; i < items->len; i++)
        g_string_append_printf(derived, "%s%s=%s", i ? ";" : "", (char *)items->pdata[i], (char *)values->pdata[i]);
    for (guint i = 0; i < crtk_stage_run_error_count(run); i++) {
        const crtk_stage_error *e = crtk_stage_run_error(run, i);
        const char *id = e->key ? crtk_staging_key_naaccr_id(alg, e->key) : NULL;
        g_string_append_printf(problems, "%s%s%s%s%s: %s", i ? " | " : "", crtk_stage_error_type_name(e->type),
                               e->key ? " " : "", e->key ? (id ? id : e->key) : "", e->table ? "" : "", e->message);
        if (e->table)
            g_string_append_printf(problems, " [table %s]", e->table);
    }
    if (!strcmp(s->format, "json")) {
        g_string_append_c(o, '{');
        crtk_json_field_str(o, "patientIdNumber", pid ? pid : "", TRUE);
        crtk_json_field_int(o, "tumor", t + 1, FALSE);
        crtk_json_field_str(o, "algorithm", crtk_staging_algorithm(alg), FALSE);
        crtk_json_field_str(o, "version", crtk_staging_version(alg), FALSE);
        crtk_json_field_str(o, "result", crtk_stage_result_name(res), FALSE);
        crtk_json_field_str(o, "schema", schema, FALSE);
        g_string_append(o, ",\"derived\":{");
        for (guint i = 0; i < items->len; i++)
            crtk_json_field_str(o, items->pdata[i], values->pdata[i], i == 0);
        g_string_append(o, "},\"problems\":[");
        for (guint i = 0; i < crtk_stage_run_error_count(run); i++) {
            const crtk_stage_error *e = crtk_stage_run_error(run, i);
            g_string_append(o, i ? ",{" : "{");
            crtk_json_field_str(o, "type", crtk_stage_error_type_name(e->type), TRUE);
            if (e->key) {
                crtk_json_field_str(o, "key", e->key, FALSE);
                const char *id = crtk_staging_key_naaccr_id(alg, e->key);
                if (id)
                    crtk_json_field_str(o, "item", id, FALSE);
            }
            if (e->table)
                crtk_json_field_str(o, "table", e->table, FALSE);
            crtk_json_field_str(o, "message", e->message, FALSE);
            g_string_append_c(o, '}');
        }
        g_string_append(o, "]}\n");
    } else if (!strcmp(s->format, "csv")) {
        crtk_csv_append_field(o, pid, TRUE);
        crtk_csv_append_field(o, tumor_no, FALSE);
        crtk_csv_append_field(o, crtk_staging_algorithm(alg), FALSE);
        crtk_csv_append_field(o, schema, FALSE);
        crtk_csv_append_field(o, crtk_stage_result_name(res), FALSE);
        crtk_csv_append_field(o, derived->str, FALSE);
        crtk_csv_append_field(o, problems->str, FALSE);
        g_string_append_c(o, '\n');
    } else {
        g_string_append_printf(o, "%s tumor %d: %s %s, schema %s: %s\n", pid ? pid : "?", t + 1, crtk_staging_algorithm(alg),
                               crtk_staging_version(alg), *schema ? schema : "(none)", crtk_stage_result_name(res));
        for (guint i = 0; i < items->len; i++)
            g_string_append_printf(o, "  %s = %s\n", (char *)items->pdata[i], (char *)values->pdata[i]);
        for (guint i = 0; i < crtk_stage_run_error_count(run); i++) {
            const crtk_stage_error *e = crtk_stage_run_error(run, i);
            const char *id = e->key ? crtk_staging_key_naaccr_id(alg, e->key) : NULL;
            g_string_append_printf(o, "  problem %s: %s%s%s%s%s\n", crtk_stage_error_type_name(e->type), e->message,
                                   id ? " (item " : "", id ? id : "", id ? ")" : "", "");
        }
    }
    fputs(o->str, stdout);
    if (s->save && s->store && items->len) {
        /* only NAACCR items the store knows; values unchanged are written unchanged (set_items audits changes) */
        GError *err = NULL;
        if (crtk_store_set_items(s->store, patient_row, tumor_row, (const char *const *)items->pdata,
                                 (const char *const *)values->pdata, (int)items->len, &err))
            s->saved++;
        else {
            crtk_cli_error("%s: patient %s tumor %d: %s", s->source, pid ? pid : "?", t + 1, err->message);
            g_error_free(err);
            s->rc = EXIT_DATA;
        }
    }
    g_string_free(derived, TRUE);
    g_string_free(problems, TRUE);
    g_ptr_array_free(items, TRUE);
    g_ptr_array_free(values, TRUE);
    g_string_free(o, TRUE);
}

static int on_patient(crtk_record *rec, void *user)
{
    for (int t = 0; t < rec->n_tumors; t++)
        stage_tumor(user, rec, t, 0, 0);
    return 0;
}

static int on_stored(crtk_stored_patient *p, void *user)
{
    for (int t = 0; t < p->record->n_tumors; t++)
        stage_tumor(user, p->record, t, p->patient_id, p->tumor_ids[t]);
    return 0;
}

static gboolean is_store(const char *path)
{
    char head[16] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return FALSE;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n == 16 && !memcmp(head, "SQLite format 3", 16);
}

int crtk_stage_tumors(const char *path, const char *where, const crtk_staging *alg, const char *format, gboolean save,
                      const char *user, char **contexts)
{
    stager s = {.fixed = alg, .format = format, .contexts = contexts, .save = save, .source = path, .rc = EXIT_OK};
    if (!strcmp(format, "csv"))
        puts("patientIdNumber,tumor,algorithm,schema_id,result,derived,problems");
    if (is_store(path)) {
        s.store = crtk_cli_open_store(path, !save, user, "stage");
        if (!s.store)
            return EXIT_USAGE;
        GError *err = NULL;
        if (!crtk_store_foreach(s.store, where, on_stored, &s, &err)) {
            crtk_cli_error("%s: %s", path, err->message);
            g_error_free(err);
            s.rc = EXIT_USAGE;
        }
        crtk_store_close(s.store);
    } else {
        if (where || save) {
            crtk_cli_error("%s: --where and --save need a store", path);
            return EXIT_USAGE;
        }
        crtk_read_options o;
        crtk_read_options_init(&o);
        o.ignore_unknown = TRUE;
        crtk_read_handlers h = {.patient = on_patient, .problem = (int (*)(const crtk_problem *, void *))crtk_cli_print_problem};
        crtk_read_stats st;
        if (crtk_naaccr_read_file(path, CRTK_FORMAT_UNKNOWN, &o, &h, &s, &st) < 0)
            s.rc = EXIT_DATA;
    }
    for (int i = 0; i < 4; i++)
        crtk_stage_run_free(s.runs[i]);
    fflush(stdout);
    fprintf(stderr, "crtk stage: %ld tumors, %ld staged, %ld not staged, %ld without an algorithm%s\n", s.tumors,
            s.staged, s.failed, s.skipped, save ? "" : "");
    if (save)
        fprintf(stderr, "crtk stage: derived items saved for %ld tumors\n", s.saved);
    return s.rc;
}
