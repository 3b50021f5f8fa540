/* cmd_stage_tumors.c — `crtk stage FILE|STORE`: every tumor of a NAACCR file or a store staged with the
 * algorithm of its diagnosis year (or --algorithm): schema, derived items (by NAACCR id), problems.
 * On a store the tumors stream from a scan of only the items the algorithms use (columns mapped to
 * algorithm keys once), only the algorithms the tumors' diagnosis years need are loaded, and --save
 * writes the derived items back through the store layer (audited) in one transaction, in batches
 * between scans of patient ranges.  Memory does not grow with the input.
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
    /* reused per tumor (no allocation per tumor once warm) */
    GString *o, *derived, *problems;
    GPtrArray *items, *values;
    /* store scans */
    crtk_stage_item_map *maps[4];
    const crtk_staging *map_alg[4];
    GPtrArray *specs;     /* naaccr ids scanned: patientIdNumber, dateOfDiagnosis, then the algorithms' items */
    gint64 last_patient;  /* tumor numbering within a patient */
    int tumor_in_patient;
    GStringChunk *pending_text; /* --save: the batch of derived items written after each range's scan */
    GArray *pending;
    GPtrArray *pending_items, *pending_values;
    gboolean save_failed;
    int last_year; /* the algorithm of the last diagnosis year seen */
    const crtk_staging *last_year_alg;
    gboolean year_known;
} stager;

typedef struct pending_save {
    gint64 patient_row, tumor_row;
    const char *pid;
    int tumor_no, first, n; /* items/values at pending_items[first..first+n) */
} pending_save;

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

static const crtk_staging *algorithm_for(stager *s, const char *dx)
{
    if (s->fixed)
        return s->fixed;
    char ybuf[5] = {0};
    if (dx)
        g_strlcpy(ybuf, dx, sizeof ybuf);
    int year = atoi(ybuf);
    if (s->year_known && year == s->last_year) /* tumors of a year come in runs: no lookup by name */
        return s->last_year_alg;
    const char *name = crtk_staging_algorithm_for_year(year);
    s->last_year = year;
    s->last_year_alg = name ? crtk_staging_get(name, NULL) : NULL;
    s->year_known = TRUE;
    return s->last_year_alg;
}

static void report_no_algorithm(stager *s, const char *pid, int tumor_no, const char *dx)
{
    GString *o = s->o;
    g_string_truncate(o, 0);
    s->skipped++;
    if (!strcmp(s->format, "json")) {
        g_string_append_c(o, '{');
        crtk_json_field_str(o, "patientIdNumber", pid ? pid : "", TRUE);
        crtk_json_field_int(o, "tumor", tumor_no, FALSE);
        crtk_json_field_str(o, "result", "NO_ALGORITHM", FALSE);
        g_string_append(o, "}\n");
    } else if (!strcmp(s->format, "csv")) {
        char no[16];
        g_snprintf(no, sizeof no, "%d", tumor_no);
        crtk_csv_append_field(o, pid, TRUE);
        crtk_csv_append_field(o, no, FALSE);
        g_string_append(o, ",,,NO_ALGORITHM,,\n");
    } else
        g_string_append_printf(o, "%s tumor %d: no staging algorithm for diagnosis date '%s'\n", pid ? pid : "?", tumor_no,
                               dx ? dx : "");
    fputs(o->str, stdout);
}

static void save_now(stager *s, const char *pid, int tumor_no, gint64 patient_row, gint64 tumor_row,
                     const char *const *items, const char *const *values, int n)
{
    /* only NAACCR items the store knows; values unchanged are written unchanged (set_items audits changes) */
    GError *err = NULL;
    if (crtk_store_set_items(s->store, patient_row, tumor_row, items, values, n, &err))
        s->saved++;
    else {
        crtk_cli_error("%s: patient %s tumor %d: %s", s->source, pid ? pid : "?", tumor_no, err->message);
        g_error_free(err);
        s->rc = EXIT_DATA;
        s->save_failed = TRUE;
    }
}

/* Writes the outcome of a staged tumor (and queues its derived items for --save). */
static void report_tumor(stager *s, const char *pid, int tumor_no, const crtk_staging *alg, crtk_stage_run *run,
                         crtk_stage_result res, gint64 patient_row, gint64 tumor_row)
{
    if (res == CRTK_STAGE_STAGED)
        s->staged++;
    else
        s->failed++;
    int si = crtk_stage_run_schema(run);
    const char *schema = si >= 0 ? crtk_staging_schema_id(alg, (guint)si) : "";
    GString *o = s->o, *derived = s->derived, *problems = s->problems;
    GPtrArray *items = s->items, *values = s->values;
    g_string_truncate(o, 0);
    g_string_truncate(derived, 0);
    g_string_truncate(problems, 0);
    g_ptr_array_set_size(items, 0);
    g_ptr_array_set_size(values, 0);
    char tumor_no_s[16];
    g_snprintf(tumor_no_s, sizeof tumor_no_s, "%d", tumor_no);
    /* derived items: the outputs that have a NAACCR id */
    for (guint i = 0; res == CRTK_STAGE_STAGED && i < crtk_stage_run_output_count(run); i++) {
        const char *v, *k = crtk_stage_run_output(run, i, &v);
        const char *id = crtk_staging_key_naaccr_id(alg, k);
        if (id) {
            g_ptr_array_add(items, (gpointer)id);
            g_ptr_array_add(values, (gpointer)(v ? v : ""));
        }
    }
    gboolean csv = !strcmp(s->format, "csv"), json = !strcmp(s->format, "json");
    if (csv) {
        for (guint i = 0; i < items->len; i++) {
            if (i)
                g_string_append_c(derived, ';');
            g_string_append(derived, items->pdata[i]);
            g_string_append_c(derived, '=');
            g_string_append(derived, values->pdata[i]);
        }
        for (guint i = 0; i < crtk_stage_run_error_count(run); i++) {
            const crtk_stage_error *e = crtk_stage_run_error(run, i);
            const char *id = e->key ? crtk_staging_key_naaccr_id(alg, e->key) : NULL;
            g_string_append_printf(problems, "%s%s%s%s: %s", i ? " | " : "", crtk_stage_error_type_name(e->type),
                                   e->key ? " " : "", e->key ? (id ? id : e->key) : "", e->message);
            if (e->table)
                g_string_append_printf(problems, " [table %s]", e->table);
        }
    }
    if (json) {
        g_string_append_c(o, '{');
        crtk_json_field_str(o, "patientIdNumber", pid ? pid : "", TRUE);
        crtk_json_field_int(o, "tumor", tumor_no, FALSE);
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
    } else if (csv) {
        crtk_csv_append_field(o, pid, TRUE);
        crtk_csv_append_field(o, tumor_no_s, FALSE);
        crtk_csv_append_field(o, crtk_staging_algorithm(alg), FALSE);
        crtk_csv_append_field(o, schema, FALSE);
        crtk_csv_append_field(o, crtk_stage_result_name(res), FALSE);
        crtk_csv_append_field(o, derived->str, FALSE);
        crtk_csv_append_field(o, problems->str, FALSE);
        g_string_append_c(o, '\n');
    } else {
        g_string_append_printf(o, "%s tumor %d: %s %s, schema %s: %s\n", pid ? pid : "?", tumor_no, crtk_staging_algorithm(alg),
                               crtk_staging_version(alg), *schema ? schema : "(none)", crtk_stage_result_name(res));
        for (guint i = 0; i < items->len; i++)
            g_string_append_printf(o, "  %s = %s\n", (char *)items->pdata[i], (char *)values->pdata[i]);
        for (guint i = 0; i < crtk_stage_run_error_count(run); i++) {
            const crtk_stage_error *e = crtk_stage_run_error(run, i);
            const char *id = e->key ? crtk_staging_key_naaccr_id(alg, e->key) : NULL;
            g_string_append_printf(o, "  problem %s: %s%s%s%s\n", crtk_stage_error_type_name(e->type), e->message,
                                   id ? " (item " : "", id ? id : "", id ? ")" : "");
        }
    }
    fputs(o->str, stdout);
    if (!s->save || !s->store || !items->len || s->save_failed)
        return;
    if (!s->pending) {
        save_now(s, pid, tumor_no, patient_row, tumor_row, (const char *const *)items->pdata,
                 (const char *const *)values->pdata, (int)items->len);
        return;
    }
    /* a store scan is running: queue (item ids belong to the algorithm; values are copied) */
    pending_save ps = {.patient_row = patient_row, .tumor_row = tumor_row, .tumor_no = tumor_no,
                       .pid = g_string_chunk_insert_const(s->pending_text, pid ? pid : "?"),
                       .first = (int)s->pending_items->len, .n = (int)items->len};
    for (guint i = 0; i < items->len; i++) {
        g_ptr_array_add(s->pending_items, items->pdata[i]);
        g_ptr_array_add(s->pending_values, g_string_chunk_insert_const(s->pending_text, values->pdata[i]));
    }
    g_array_append_val(s->pending, ps);
}

/* A tumor of a record (a NAACCR file) */
static void stage_tumor(stager *s, const crtk_record *rec, int t)
{
    s->tumor = &rec->tumors[t];
    s->patient = &rec->patient;
    s->dict = rec->dict;
    s->tumors++;
    const char *pid = crtk_element_get_id(&rec->patient, rec->dict, "patientIdNumber");
    const char *dx = crtk_element_get_id(s->tumor, rec->dict, "dateOfDiagnosis");
    const crtk_staging *alg = algorithm_for(s, dx);
    if (!alg) {
        report_no_algorithm(s, pid, t + 1, dx);
        return;
    }
    crtk_stage_run *run = run_for(s, alg);
    report_tumor(s, pid, t + 1, alg, run, crtk_stage_run_stage_items(run, get_item, s), 0, 0);
}

static int on_patient(crtk_record *rec, void *user)
{
    for (int t = 0; t < rec->n_tumors; t++)
        stage_tumor(user, rec, t);
    return 0;
}

/* ---- stores ---------------------------------------------------------------------- */

/* A row of the scan: patient row, tumor row, then the values of s->specs. */
static int on_row(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    stager *s = user;
    gint64 patient_row = g_ascii_strtoll(v[0], NULL, 10), tumor_row = g_ascii_strtoll(v[1], NULL, 10);
    const char *const *items = v + 2;
    if (patient_row != s->last_patient) {
        s->last_patient = patient_row;
        s->tumor_in_patient = 0;
    }
    int tumor_no = ++s->tumor_in_patient;
    s->tumors++;
    const char *pid = items[0], *dx = items[1];
    const crtk_staging *alg = algorithm_for(s, dx);
    if (!alg) {
        report_no_algorithm(s, pid, tumor_no, dx);
        return 0;
    }
    crtk_stage_run *run = run_for(s, alg);
    const crtk_stage_item_map *map = NULL;
    for (int i = 0; i < 4 && !map; i++)
        if (s->map_alg[i] == alg)
            map = s->maps[i];
    if (!map) { /* an algorithm the year survey did not foresee: mapped now */
        for (int i = 0; i < 4 && !map; i++)
            if (!s->map_alg[i]) {
                s->map_alg[i] = alg;
                map = s->maps[i] = crtk_stage_item_map_new(alg, (const char *const *)s->specs->pdata, (int)s->specs->len);
            }
        if (!map)
            return 0;
    }
    report_tumor(s, pid, tumor_no, alg, run, crtk_stage_run_stage_row(run, map, items), patient_row, tumor_row);
    return 0;
}

static int on_year(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    GHashTable *need = user;
    char ybuf[5] = {0};
    if (v[0])
        g_strlcpy(ybuf, v[0], sizeof ybuf);
    const char *name = crtk_staging_algorithm_for_year(atoi(ybuf));
    if (name)
        g_hash_table_add(need, (gpointer)name);
    return 0;
}

static void add_spec(GPtrArray *specs, const char *id)
{
    for (guint i = 0; i < specs->len; i++)
        if (!strcmp(specs->pdata[i], id))
            return;
    g_ptr_array_add(specs, (gpointer)id);
}

typedef struct algorithm_load {
    const char *name;
    const crtk_staging *alg;
    GError *error;
} algorithm_load;

static gpointer load_one(gpointer user)
{
    algorithm_load *l = user;
    l->alg = crtk_staging_get(l->name, &l->error);
    return NULL;
}

/* Loads the N named algorithms into ALGS, each on its own thread (loading one is a few hundred
 * milliseconds of JSON and table compiling, and they are independent). */
static gboolean load_algorithms(const char *const *names, int n, const crtk_staging **algs, GError **error)
{
    algorithm_load loads[4] = {{0}};
    GThread *threads[4] = {NULL};
    for (int i = 0; i < n && i < 4; i++) {
        loads[i].name = names[i];
        if (i > 0)
            threads[i] = g_thread_new("crtk-load", load_one, &loads[i]);
    }
    if (n > 0)
        load_one(&loads[0]);
    gboolean ok = TRUE;
    for (int i = 0; i < n && i < 4; i++) {
        if (threads[i])
            g_thread_join(threads[i]);
        algs[i] = loads[i].alg;
        if (!loads[i].alg) {
            if (ok)
                g_propagate_error(error, loads[i].error);
            else
                g_clear_error(&loads[i].error);
            ok = FALSE;
        }
    }
    return ok;
}

/* Which columns to scan: the items of the algorithms the selected tumors need (the --algorithm one,
 * or those of their diagnosis years: only these are loaded). */
static gboolean plan_scan(stager *s, const crtk_store_query *q, GError **error)
{
    s->specs = g_ptr_array_new();
    g_ptr_array_add(s->specs, (gpointer) "patientIdNumber");
    g_ptr_array_add(s->specs, (gpointer) "dateOfDiagnosis");
    const crtk_staging *algs[4] = {NULL};
    int n = 0;
    if (s->fixed)
        algs[n++] = s->fixed;
    else {
        GHashTable *need = g_hash_table_new(g_str_hash, g_str_equal);
        const char *spec = "dateOfDiagnosis:4";
        gboolean ok = crtk_store_aggregate(s->store, q, &spec, 1, on_year, need, error);
        static const char *const order[] = {"eod", "tnm", "cs"};
        const char *names[G_N_ELEMENTS(order)];
        for (gsize i = 0; i < G_N_ELEMENTS(order); i++)
            if (g_hash_table_contains(need, order[i]))
                names[n++] = order[i];
        ok = ok && load_algorithms(names, n, algs, error);
        g_hash_table_destroy(need);
        if (!ok)
            return FALSE;
    }
    for (int i = 0; i < n; i++) {
        const GPtrArray *keys = crtk_staging_naaccr_keys(algs[i]);
        for (guint k = 0; k < keys->len; k++)
            if (crtk_staging_key_is_input(algs[i], keys->pdata[k]))
                add_spec(s->specs, crtk_staging_key_naaccr_id(algs[i], keys->pdata[k]));
    }
    for (int i = 0; i < n; i++) {
        s->map_alg[i] = algs[i];
        s->maps[i] = crtk_stage_item_map_new(algs[i], (const char *const *)s->specs->pdata, (int)s->specs->len);
    }
    return TRUE;
}

/* Writes the queued derived items of the range just scanned (inside the run's transaction). */
static void flush_saves(stager *s)
{
    for (guint i = 0; i < s->pending->len && !s->save_failed; i++) {
        const pending_save *p = &g_array_index(s->pending, pending_save, i);
        save_now(s, p->pid, p->tumor_no, p->patient_row, p->tumor_row, (const char *const *)s->pending_items->pdata + p->first,
                 (const char *const *)s->pending_values->pdata + p->first, p->n);
    }
    g_array_set_size(s->pending, 0);
    g_ptr_array_set_size(s->pending_items, 0);
    g_ptr_array_set_size(s->pending_values, 0);
    g_string_chunk_clear(s->pending_text);
}

#define SCAN_PATIENTS 4096 /* patients per range scanned between two batches of saves */

/* ---- a scan read on one thread and staged on another -------------------------------------- *
 * Without --save, the main thread steps the store's query and a second thread stages: SQLite's
 * decoding of the rows and the staging runs take about as long as each other, and side by side
 * they take the time of the longer one.  A fixed set of batches of copied rows goes round between
 * the two (memory does not grow with the store); one stager thread keeps the output in order. */
#define BATCH_ROWS 256
#define BATCHES 4

typedef struct row_batch {
    int nrows;    /* -1: the scan has ended */
    char *text;   /* the rows' values, each NUL-terminated */
    gsize len, cap;
    int *offsets; /* BATCH_ROWS * ncols: each value's offset in text, -1 for NULL */
} row_batch;

typedef struct scan_pipe {
    stager *s;
    int ncols;
    GAsyncQueue *empty, *full;
    row_batch *cur; /* being filled by the reading thread */
} scan_pipe;

static int copy_row(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)names;
    scan_pipe *p = user;
    if (!p->cur) {
        p->cur = g_async_queue_pop(p->empty);
        p->cur->nrows = 0;
        p->cur->len = 0;
    }
    row_batch *b = p->cur;
    int *off = b->offsets + (gsize)b->nrows * (gsize)ncols;
    for (int c = 0; c < ncols; c++) {
        if (!v[c]) {
            off[c] = -1;
            continue;
        }
        gsize n = strlen(v[c]) + 1;
        if (b->len + n > b->cap) {
            b->cap = MAX(b->cap * 2, b->len + n);
            b->text = g_realloc(b->text, b->cap);
        }
        memcpy(b->text + b->len, v[c], n);
        off[c] = (int)b->len;
        b->len += n;
    }
    if (++b->nrows == BATCH_ROWS) {
        g_async_queue_push(p->full, b);
        p->cur = NULL;
    }
    return 0;
}

static gpointer stage_batches(gpointer user)
{
    scan_pipe *p = user;
    const char **v = g_new(const char *, p->ncols);
    for (;;) {
        row_batch *b = g_async_queue_pop(p->full);
        if (b->nrows < 0)
            break;
        for (int r = 0; r < b->nrows; r++) {
            const int *off = b->offsets + (gsize)r * (gsize)p->ncols;
            for (int c = 0; c < p->ncols; c++)
                v[c] = off[c] >= 0 ? b->text + off[c] : NULL;
            on_row(p->ncols, v, NULL, p->s);
        }
        g_async_queue_push(p->empty, b);
    }
    g_free(v);
    return NULL;
}

static gboolean scan_on_two_threads(stager *s, const crtk_store_query *q, const char *const *specs, int nspecs,
                                    GError **error)
{
    scan_pipe p = {.s = s, .ncols = nspecs + 2, .empty = g_async_queue_new(), .full = g_async_queue_new()};
    row_batch batches[BATCHES] = {{0}};
    for (int i = 0; i < BATCHES; i++) {
        batches[i].offsets = g_new(int, (gsize)BATCH_ROWS * (gsize)p.ncols);
        g_async_queue_push(p.empty, &batches[i]);
    }
    GThread *stager_thread = g_thread_new("crtk-stage", stage_batches, &p);
    gboolean ok = crtk_store_scan_items(s->store, q, specs, nspecs, copy_row, &p, error);
    if (p.cur)
        g_async_queue_push(p.full, p.cur);
    row_batch *end = g_async_queue_pop(p.empty);
    end->nrows = -1;
    g_async_queue_push(p.full, end);
    g_thread_join(stager_thread);
    for (int i = 0; i < BATCHES; i++) {
        g_free(batches[i].text);
        g_free(batches[i].offsets);
    }
    g_async_queue_unref(p.empty);
    g_async_queue_unref(p.full);
    return ok;
}

static gboolean stage_store(stager *s, const char *where, GError **error)
{
    crtk_store_query q = {.where = where};
    if (!plan_scan(s, &q, error))
        return FALSE;
    const char *const *specs = (const char *const *)s->specs->pdata;
    int nspecs = (int)s->specs->len;
    if (!s->save)
        return scan_on_two_threads(s, &q, specs, nspecs, error);
    gint64 first = 0, last = 0;
    if (!crtk_store_patient_range(s->store, &first, &last, error) || !crtk_store_begin(s->store, error))
        return FALSE;
    s->pending = g_array_new(FALSE, FALSE, sizeof(pending_save));
    s->pending_items = g_ptr_array_new();
    s->pending_values = g_ptr_array_new();
    s->pending_text = g_string_chunk_new(1 << 16);
    gboolean ok = TRUE;
    for (gint64 from = first; ok && last > 0 && from <= last; from += SCAN_PATIENTS) {
        q.patient_from = from;
        q.patient_to = from + SCAN_PATIENTS - 1;
        ok = crtk_store_scan_items(s->store, &q, specs, nspecs, on_row, s, error);
        if (ok)
            flush_saves(s);
    }
    if (ok && !s->save_failed)
        ok = crtk_store_commit(s->store, error);
    else {
        crtk_store_rollback(s->store); /* nothing saved: the store stays as it was */
        s->saved = 0;
    }
    return ok;
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
    stager s = {.fixed = alg, .format = format, .contexts = contexts, .save = save, .source = path, .rc = EXIT_OK,
                .o = g_string_new(NULL), .derived = g_string_new(NULL), .problems = g_string_new(NULL),
                .items = g_ptr_array_new(), .values = g_ptr_array_new()};
    if (!strcmp(format, "csv"))
        puts("patientIdNumber,tumor,algorithm,schema_id,result,derived,problems");
    if (is_store(path)) {
        s.store = crtk_cli_open_store(path, !save, user, "stage");
        if (!s.store) {
            s.rc = EXIT_USAGE;
            goto out;
        }
        GError *err = NULL;
        if (!stage_store(&s, where, &err)) {
            crtk_cli_error("%s: %s", path, err ? err->message : "staging failed");
            g_clear_error(&err);
            s.rc = EXIT_USAGE;
        }
        crtk_store_close(s.store);
    } else {
        if (where || save) {
            crtk_cli_error("%s: --where and --save need a store", path);
            s.rc = EXIT_USAGE;
            goto out;
        }
        crtk_read_options o;
        crtk_read_options_init(&o);
        o.ignore_unknown = TRUE;
        crtk_read_handlers h = {.patient = on_patient, .problem = (int (*)(const crtk_problem *, void *))crtk_cli_print_problem};
        crtk_read_stats st;
        if (crtk_naaccr_read_file(path, CRTK_FORMAT_UNKNOWN, &o, &h, &s, &st) < 0)
            s.rc = EXIT_DATA;
    }
    fflush(stdout);
    fprintf(stderr, "crtk stage: %ld tumors, %ld staged, %ld not staged, %ld without an algorithm\n", s.tumors, s.staged,
            s.failed, s.skipped);
    if (save)
        fprintf(stderr, "crtk stage: derived items saved for %ld tumors%s\n", s.saved,
                s.save_failed ? " (a save failed: nothing saved, the store is unchanged)" : "");
out:
    for (int i = 0; i < 4; i++) {
        crtk_stage_run_free(s.runs[i]);
        crtk_stage_item_map_free(s.maps[i]);
    }
    if (s.specs)
        g_ptr_array_free(s.specs, TRUE);
    if (s.pending) {
        g_array_free(s.pending, TRUE);
        g_ptr_array_free(s.pending_items, TRUE);
        g_ptr_array_free(s.pending_values, TRUE);
        g_string_chunk_free(s.pending_text);
    }
    g_string_free(s.o, TRUE);
    g_string_free(s.derived, TRUE);
    g_string_free(s.problems, TRUE);
    g_ptr_array_free(s.items, TRUE);
    g_ptr_array_free(s.values, TRUE);
    return s.rc;
}
