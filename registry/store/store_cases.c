/* store_cases.c — reading, adding, changing and deleting patients and tumors in a store (see store.h).
 *
 * Every change writes the audit trail.  Values are checked against their
 * items (length and data type) before anything is written, so that a refused
 * change leaves the store as it was.  Iteration streams patients and their
 * tumors with two ordered cursors, so exporting a million tumors needs no more
 * memory than one patient.
 */
#include "store_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

crtk_stored_patient *crtk_stored_patient_new(crtk_store *s)
{
    crtk_stored_patient *p = g_new0(crtk_stored_patient, 1);
    p->record = crtk_record_new(s->dict);
    return p;
}

void crtk_stored_patient_free(crtk_stored_patient *p)
{
    if (!p)
        return;
    crtk_record_free(p->record);
    g_free(p->tumor_ids);
    g_free(p);
}

/* Maps the result columns of a statement to item indexes (-1 for other columns). */
static int *column_map(crtk_store *s, sqlite3_stmt *st)
{
    int n = sqlite3_column_count(st);
    int *map = g_new(int, n);
    for (int i = 0; i < n; i++) {
        const crtk_item *it = crtk_dictionary_find(s->dict, sqlite3_column_name(st, i));
        map[i] = it ? it->index : -1;
    }
    return map;
}

static void row_to_element(sqlite3_stmt *st, const int *map, crtk_element *e)
{
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        if (map[i] < 0)
            continue;
        /* column_text answers NULL for SQL NULL: one call for the (many) empty items. */
        const char *v = (const char *)sqlite3_column_text(st, i);
        if (v)
            crtk_element_set(e, map[i], v, (size_t)sqlite3_column_bytes(st, i));
    }
}

void crtk_store_row_to_element(crtk_store *s, sqlite3_stmt *st, int first_col, GArray *cols, crtk_element *e)
{
    (void)first_col, (void)cols;
    int *map = column_map(s, st);
    row_to_element(st, map, e);
    g_free(map);
}

gint64 crtk_store_find_patient(crtk_store *s, const char *key)
{
    if (!key || !*key)
        return 0;
    sqlite3_stmt *st;
    gint64 id = 0;
    if (key[0] == '#') {
        char *end;
        gint64 v = g_ascii_strtoll(key + 1, &end, 10);
        if (*end || v <= 0)
            return 0;
        if (sqlite3_prepare_v2(s->db, "SELECT id FROM patient WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
            return 0;
        sqlite3_bind_int64(st, 1, v);
    } else {
        if (sqlite3_prepare_v2(s->db, "SELECT id FROM patient WHERE \"patientIdNumber\" = ?1 ORDER BY id", -1, &st,
                               NULL) != SQLITE_OK)
            return 0;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

static void finalize_stmt(gpointer st)
{
    sqlite3_finalize(st);
}

sqlite3_stmt *crtk_store_item_stmt(crtk_store *s, const crtk_item *it, gboolean update, GError **error)
{
    if (!s->item_stmts)
        s->item_stmts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, finalize_stmt);
    gpointer key = GINT_TO_POINTER(it->index * 2 + (update ? 1 : 0) + 1);
    sqlite3_stmt *st = g_hash_table_lookup(s->item_stmts, key);
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return st;
    }
    const char *table = crtk_store_item_in_tumor_table(it) ? "tumor" : "patient";
    char *sql = update ? g_strdup_printf("UPDATE %s SET \"%s\" = ?1 WHERE id = ?2", table, it->id)
                       : g_strdup_printf("SELECT \"%s\" FROM %s WHERE id = ?1", it->id, table);
    gboolean ok = crtk_store_prepare(s, sql, &st, error);
    g_free(sql);
    if (!ok)
        return NULL;
    g_hash_table_insert(s->item_stmts, key, st);
    return st;
}

void crtk_store_forget_statements(crtk_store *s)
{
    if (s->item_stmts) {
        g_hash_table_destroy(s->item_stmts);
        s->item_stmts = NULL;
    }
    if (s->load_p)
        sqlite3_finalize(s->load_p);
    if (s->load_t)
        sqlite3_finalize(s->load_t);
    s->load_p = s->load_t = NULL;
    g_free(s->load_p_map);
    g_free(s->load_t_map);
    s->load_p_map = s->load_t_map = NULL;
}

gboolean crtk_store_load_patient(crtk_store *s, gint64 patient_id, crtk_stored_patient *out, GError **error)
{
    crtk_record_clear(out->record);
    g_free(out->tumor_ids);
    out->tumor_ids = NULL;
    out->patient_id = patient_id;
    /* Prepared once per store: import loads every patient it matches. */
    if (!s->load_p) {
        if (!crtk_store_prepare(s, "SELECT * FROM patient WHERE id = ?1", &s->load_p, error) ||
            !crtk_store_prepare(s, "SELECT * FROM tumor WHERE patient_id = ?1 ORDER BY id", &s->load_t, error)) {
            crtk_store_forget_statements(s);
            return FALSE;
        }
        s->load_p_map = column_map(s, s->load_p);
        s->load_t_map = column_map(s, s->load_t);
    }
    sqlite3_stmt *st = s->load_p;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, patient_id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: no patient with row id %" G_GINT64_FORMAT, s->path,
                    patient_id);
        return FALSE;
    }
    row_to_element(st, s->load_p_map, &out->record->patient);
    sqlite3_reset(st);
    st = s->load_t;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, patient_id);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    while (sqlite3_step(st) == SQLITE_ROW) {
        gint64 tid = sqlite3_column_int64(st, 0);
        g_array_append_val(ids, tid);
        row_to_element(st, s->load_t_map, crtk_record_add_tumor(out->record));
    }
    sqlite3_reset(st);
    out->tumor_ids = (gint64 *)g_array_free(ids, FALSE);
    return TRUE;
}

/* ---- inserting --------------------------------------------------------------------------------- */

static gboolean prepare_inserts(crtk_store *s, GError **error)
{
    if (s->insert_patient)
        return TRUE;
    s->param_of_item = g_new0(int, crtk_dictionary_count(s->dict));
    for (int t = 0; t < 2; t++) {
        GArray *cols = t ? s->tumor_cols : s->patient_cols;
        GString *sql = g_string_new(t ? "INSERT INTO tumor(patient_id" : "INSERT INTO patient(id");
        GString *vals = g_string_new("?1");
        for (guint i = 0; i < cols->len; i++) {
            int idx = g_array_index(cols, int, i);
            g_string_append_printf(sql, ", \"%s\"", crtk_dictionary_item(s->dict, idx)->id);
            g_string_append_printf(vals, ", ?%u", i + 2);
            s->param_of_item[idx] = (int)i + 2;
        }
        g_string_append_printf(sql, ") VALUES (%s)", vals->str);
        gboolean ok = crtk_store_prepare(s, sql->str, t ? &s->insert_tumor : &s->insert_patient, error);
        g_string_free(sql, TRUE);
        g_string_free(vals, TRUE);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

static gint64 insert_row(crtk_store *s, sqlite3_stmt *st, gint64 patient_id, const crtk_element *e, gboolean tumor,
                         GError **error)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (tumor)
        sqlite3_bind_int64(st, 1, patient_id);
    for (int k = 0; k < e->n_set; k++) {
        int idx = e->set[k];
        const crtk_item *it = crtk_dictionary_item(s->dict, idx);
        if (crtk_store_item_in_tumor_table(it) != tumor)
            continue;
        int param = s->param_of_item[idx];
        if (param) {
            sqlite3_bind_text(st, param, e->arena->str + e->off[idx], (int)e->len[idx], SQLITE_STATIC);
            crtk_store_mark_used(s, idx);
        }
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        crtk_store_set_sqlite_error(s, error, tumor ? "cannot add a tumor" : "cannot add a patient");
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    return sqlite3_last_insert_rowid(s->db);
}

gint64 crtk_store_insert_patient(crtk_store *s, const crtk_element *patient, GError **error)
{
    if (!prepare_inserts(s, error))
        return 0;
    gint64 id = insert_row(s, s->insert_patient, 0, patient, FALSE, error);
    if (!id)
        return 0;
    const char *key = crtk_element_get_id(patient, s->dict, "patientIdNumber");
    if (!crtk_store_audit(s, id, 0, key, "patient", NULL, "added", error))
        return 0;
    s->last_patient_id = id;
    g_free(s->last_patient_key);
    s->last_patient_key = g_strdup(key);
    return id;
}

gint64 crtk_store_insert_tumor(crtk_store *s, gint64 patient_id, const crtk_element *tumor, GError **error)
{
    if (!prepare_inserts(s, error))
        return 0;
    gint64 id = insert_row(s, s->insert_tumor, patient_id, tumor, TRUE, error);
    if (!id)
        return 0;
    /* The patient's key for the audit row: the last patient added is the usual case. */
    char *key = NULL;
    if (patient_id == s->last_patient_id && s->last_patient_key) {
        key = g_strdup(s->last_patient_key);
    } else {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->db, "SELECT \"patientIdNumber\" FROM patient WHERE id = ?1", -1, &st, NULL) ==
            SQLITE_OK) {
            sqlite3_bind_int64(st, 1, patient_id);
            if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
                key = g_strdup((const char *)sqlite3_column_text(st, 0));
            sqlite3_finalize(st);
        }
    }
    gboolean ok = crtk_store_audit(s, patient_id, id, key, "tumor", NULL, "added", error);
    g_free(key);
    return ok ? id : 0;
}

/* ---- changing ------------------------------------------------------------------------------------- */

static char *patient_key(crtk_store *s, gint64 patient_id)
{
    sqlite3_stmt *st;
    char *key = NULL;
    if (!crtk_dictionary_find(s->dict, "patientIdNumber"))
        return NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT \"patientIdNumber\" FROM patient WHERE id = ?1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, patient_id);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            key = g_strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    return key;
}

static gboolean set_one(crtk_store *s, const char *table, gint64 row, gint64 patient_id, gint64 tumor_id,
                        const char *key, const crtk_item *it, const char *value, gboolean *changed, GError **error)
{
    (void)table; /* the item's level names its table */
    sqlite3_stmt *st = crtk_store_item_stmt(s, it, FALSE, error);
    if (!st)
        return FALSE;
    sqlite3_bind_int64(st, 1, row);
    char *old = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        old = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    const char *nv = value && *value ? value : NULL;
    *changed = g_strcmp0(old, nv) != 0;
    gboolean ok = TRUE;
    if (*changed) {
        st = crtk_store_item_stmt(s, it, TRUE, error);
        ok = st != NULL;
        if (ok) {
            sqlite3_bind_text(st, 1, nv, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, row);
            ok = sqlite3_step(st) == SQLITE_DONE;
            if (!ok)
                crtk_store_set_sqlite_error(s, error, "cannot change a value");
            else if (nv)
                crtk_store_mark_used(s, it->index);
            sqlite3_reset(st);
        }
        if (ok)
            ok = crtk_store_audit(s, patient_id, tumor_id, key, it->id, old, nv, error);
    }
    g_free(old);
    return ok;
}

static gboolean check_item(crtk_store *s, const char *id, const char *value, gboolean tumor, const crtk_item **out,
                           GError **error)
{
    const crtk_item *it = crtk_dictionary_find(s->dict, id);
    if (!it) {
        GPtrArray *sug = crtk_dictionary_suggest(s->dict, id, 3);
        GString *m = g_string_new(NULL);
        for (guint i = 0; i < sug->len; i++)
            g_string_append_printf(m, "%s%s", i ? ", " : "; did you mean ", (char *)g_ptr_array_index(sug, i));
        if (sug->len)
            g_string_append_c(m, '?');
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "NAACCR %d has no item %s%s", s->version, id, m->str);
        g_string_free(m, TRUE);
        g_ptr_array_free(sug, TRUE);
        return FALSE;
    }
    if (crtk_store_item_in_tumor_table(it) != tumor) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "%s is a %s item; name %s", it->id,
                    crtk_level_name(it->level), tumor ? "the patient, not a tumor (PATIENT, not PATIENT/TUMOR)"
                                                       : "a tumor (PATIENT/TUMOR)");
        return FALSE;
    }
    if (value && *value) {
        /* Control characters are never data; a line break belongs only in the long text items. */
        for (const unsigned char *p = (const unsigned char *)value; *p; p++)
            if ((*p < 0x20 && *p != '\t' && *p != '\n') || (*p == '\n' && it->length < 100)) {
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: the value holds a %s, which %s", it->id,
                            *p == '\n' ? "line break" : "control character",
                            *p == '\n' ? "only text items of 100 characters or more may hold" : "is not text");
                return FALSE;
            }
        crtk_problem_code code;
        const char *why = crtk_item_check_value(it, value, strlen(value), &code);
        if (why) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s=%s: %s (length %d, %s)", it->id, value, why,
                        it->length, crtk_data_type_name(it->type));
            return FALSE;
        }
    }
    *out = it;
    return TRUE;
}

static gboolean touch_tumors(crtk_store *s, gint64 patient_id, gint64 tumor_id, const char *key, GError **error)
{
    const crtk_item *dclc = crtk_dictionary_find(s->dict, "dateCaseLastChanged");
    if (!dclc)
        return TRUE;
    char *today = crtk_today();
    sqlite3_stmt *st;
    gboolean ok = crtk_store_prepare(s, tumor_id ? "SELECT id FROM tumor WHERE id = ?1"
                                                 : "SELECT id FROM tumor WHERE patient_id = ?1", &st, error);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    if (ok) {
        sqlite3_bind_int64(st, 1, tumor_id ? tumor_id : patient_id);
        while (sqlite3_step(st) == SQLITE_ROW) {
            gint64 id = sqlite3_column_int64(st, 0);
            g_array_append_val(ids, id);
        }
        sqlite3_finalize(st);
    }
    for (guint i = 0; ok && i < ids->len; i++) {
        gboolean changed;
        gint64 tid = g_array_index(ids, gint64, i);
        ok = set_one(s, "tumor", tid, patient_id, tid, key, dclc, today, &changed, error);
    }
    g_array_free(ids, TRUE);
    g_free(today);
    return ok;
}

gboolean crtk_store_set_items(crtk_store *s, gint64 patient_id, gint64 tumor_id, const char *const *items,
                              const char *const *values, int n, GError **error)
{
    const crtk_item **its = g_new(const crtk_item *, n);
    for (int i = 0; i < n; i++)
        if (!check_item(s, items[i], values[i], tumor_id != 0, &its[i], error)) {
            g_free(its);
            return FALSE;
        }
    if (!crtk_store_begin(s, error)) {
        g_free(its);
        return FALSE;
    }
    char *key = patient_key(s, patient_id);
    gboolean ok = TRUE, any = FALSE, explicit_dclc = FALSE, resequence = FALSE;
    for (int i = 0; ok && i < n; i++) {
        gboolean changed = FALSE;
        ok = set_one(s, tumor_id ? "tumor" : "patient", tumor_id ? tumor_id : patient_id, patient_id, tumor_id, key,
                     its[i], values[i], &changed, error);
        any |= changed;
        if (!strcmp(its[i]->id, "dateCaseLastChanged"))
            explicit_dclc = TRUE;
        if (changed && (!strcmp(its[i]->id, "dateOfDiagnosis") || !strcmp(its[i]->id, "behaviorCodeIcdO3")))
            resequence = TRUE;
    }
    if (ok && any && !explicit_dclc)
        ok = touch_tumors(s, patient_id, tumor_id, key, error);
    if (ok && resequence)
        ok = crtk_store_renumber_sequences(s, patient_id, error);
    g_free(key);
    g_free(its);
    if (!ok) {
        crtk_store_rollback(s);
        return FALSE;
    }
    return crtk_store_commit(s, error);
}

/* Records every value of a row in the audit trail before it is deleted, so nothing is lost. */
static gboolean audit_row_values(crtk_store *s, const char *table, gint64 row, gint64 patient_id, gint64 tumor_id,
                                 const char *key, GError **error)
{
    char *sql = g_strdup_printf("SELECT * FROM %s WHERE id = ?1", table);
    sqlite3_stmt *st;
    gboolean ok = crtk_store_prepare(s, sql, &st, error);
    g_free(sql);
    if (!ok)
        return FALSE;
    sqlite3_bind_int64(st, 1, row);
    if (sqlite3_step(st) == SQLITE_ROW) {
        int n = sqlite3_column_count(st);
        for (int i = 0; ok && i < n; i++) {
            const char *name = sqlite3_column_name(st, i);
            if (sqlite3_column_type(st, i) == SQLITE_NULL || !crtk_dictionary_find(s->dict, name))
                continue;
            ok = crtk_store_audit(s, patient_id, tumor_id, key, name, (const char *)sqlite3_column_text(st, i), NULL,
                                  error);
        }
    }
    sqlite3_finalize(st);
    if (ok)
        ok = crtk_store_audit(s, patient_id, tumor_id, key, tumor_id ? "tumor" : "patient", "deleted", NULL, error);
    return ok;
}

gboolean crtk_store_delete_tumor(crtk_store *s, gint64 tumor_id, GError **error)
{
    sqlite3_stmt *st;
    gint64 patient_id = 0;
    if (!crtk_store_prepare(s, "SELECT patient_id FROM tumor WHERE id = ?1", &st, error))
        return FALSE;
    sqlite3_bind_int64(st, 1, tumor_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        patient_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (!patient_id) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "no tumor with row id %" G_GINT64_FORMAT, tumor_id);
        return FALSE;
    }
    if (!crtk_store_begin(s, error))
        return FALSE;
    char *key = patient_key(s, patient_id);
    gboolean ok = audit_row_values(s, "tumor", tumor_id, patient_id, tumor_id, key, error);
    if (ok && crtk_store_prepare(s, "DELETE FROM tumor WHERE id = ?1", &st, error)) {
        sqlite3_bind_int64(st, 1, tumor_id);
        ok = sqlite3_step(st) == SQLITE_DONE;
        if (!ok)
            crtk_store_set_sqlite_error(s, error, "cannot delete a tumor");
        sqlite3_finalize(st);
    } else {
        ok = FALSE;
    }
    if (ok)
        ok = crtk_store_renumber_sequences(s, patient_id, error);
    g_free(key);
    if (!ok) {
        crtk_store_rollback(s);
        return FALSE;
    }
    return crtk_store_commit(s, error);
}

gboolean crtk_store_delete_patient(crtk_store *s, gint64 patient_id, GError **error)
{
    if (!crtk_store_begin(s, error))
        return FALSE;
    char *key = patient_key(s, patient_id);
    sqlite3_stmt *st;
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    gboolean ok = crtk_store_prepare(s, "SELECT id FROM tumor WHERE patient_id = ?1 ORDER BY id", &st, error);
    if (ok) {
        sqlite3_bind_int64(st, 1, patient_id);
        while (sqlite3_step(st) == SQLITE_ROW) {
            gint64 id = sqlite3_column_int64(st, 0);
            g_array_append_val(ids, id);
        }
        sqlite3_finalize(st);
    }
    for (guint i = 0; ok && i < ids->len; i++)
        ok = audit_row_values(s, "tumor", g_array_index(ids, gint64, i), patient_id, g_array_index(ids, gint64, i),
                              key, error);
    if (ok)
        ok = audit_row_values(s, "patient", patient_id, patient_id, 0, key, error);
    if (ok && crtk_store_prepare(s, "DELETE FROM patient WHERE id = ?1", &st, error)) {
        sqlite3_bind_int64(st, 1, patient_id);
        ok = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(s->db) == 1;
        if (!ok)
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "no patient with row id %" G_GINT64_FORMAT, patient_id);
        sqlite3_finalize(st);
    } else {
        ok = FALSE;
    }
    g_array_free(ids, TRUE);
    g_free(key);
    if (!ok) {
        crtk_store_rollback(s);
        return FALSE;
    }
    return crtk_store_commit(s, error);
}

/* ---- sequence numbers ------------------------------------------------------------------------------- */

typedef struct {
    gint64 id;
    char date[9];   /* YYYYMMDD with unknown parts as 99 so that they sort last within the year */
    gboolean malignant;
} seq_row;

static int cmp_seq(const void *a, const void *b)
{
    const seq_row *x = a, *y = b;
    int c = strcmp(x->date, y->date);
    if (c)
        return c;
    return x->id < y->id ? -1 : x->id > y->id;
}

gboolean crtk_store_renumber_sequences(crtk_store *s, gint64 patient_id, GError **error)
{
    const char *items[] = {"sequenceNumberHospital", "sequenceNumberCentral"};
    if (!crtk_dictionary_find(s->dict, "dateOfDiagnosis") || !crtk_dictionary_find(s->dict, "behaviorCodeIcdO3"))
        return TRUE;
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "SELECT id, \"dateOfDiagnosis\", \"behaviorCodeIcdO3\" FROM tumor WHERE patient_id = ?1",
                            &st, error))
        return FALSE;
    sqlite3_bind_int64(st, 1, patient_id);
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(seq_row));
    while (sqlite3_step(st) == SQLITE_ROW) {
        seq_row r = {.id = sqlite3_column_int64(st, 0)};
        const char *d = (const char *)sqlite3_column_text(st, 1);
        const char *b = (const char *)sqlite3_column_text(st, 2);
        memcpy(r.date, "99999999", 9);
        if (d)
            memcpy(r.date, d, MIN(strlen(d), 8));
        /* Behavior 2 (in situ) and 3 (malignant) share the 00-59 series; 0 and 1 use 60-87. */
        r.malignant = !b || b[0] == '2' || b[0] == '3' || b[0] == '6' || b[0] == '9';
        g_array_append_val(rows, r);
    }
    sqlite3_finalize(st);
    g_array_sort(rows, cmp_seq);
    int n_mal = 0, n_non = 0;
    for (guint i = 0; i < rows->len; i++) {
        if (g_array_index(rows, seq_row, i).malignant)
            n_mal++;
        else
            n_non++;
    }
    char *key = patient_key(s, patient_id);
    gboolean ok = TRUE;
    int k_mal = 0, k_non = 0;
    for (guint i = 0; ok && i < rows->len; i++) {
        seq_row *r = &g_array_index(rows, seq_row, i);
        int seq;
        if (r->malignant)
            seq = n_mal == 1 ? 0 : ++k_mal;
        else
            seq = n_non == 1 ? 60 : 60 + ++k_non;
        if (seq > 59 && r->malignant)
            seq = 59;
        if (seq > 87)
            seq = 87;
        char v[3];
        g_snprintf(v, sizeof v, "%02d", seq);
        for (int j = 0; ok && j < 2; j++) {
            const crtk_item *it = crtk_dictionary_find(s->dict, items[j]);
            gboolean changed;
            if (it)
                ok = set_one(s, "tumor", r->id, patient_id, r->id, key, it, v, &changed, error);
        }
    }
    g_free(key);
    g_array_free(rows, TRUE);
    return ok;
}

/* ---- read-only SQL ---------------------------------------------------------------------------------- */

static int read_only_authorizer(void *user, int action, const char *a, const char *b, const char *c, const char *d)
{
    (void)user, (void)a, (void)b, (void)c, (void)d;
    /* SQLite itself touches sqlite_master when it sets up a table-valued pragma. */
    if (action == SQLITE_UPDATE && a && !strcmp(a, "sqlite_master"))
        return SQLITE_OK;
    switch (action) {
    case SQLITE_PRAGMA: {
        /* Pragmas that only describe the store. */
        static const char *const with_arg[] = {"table_info", "table_xinfo", "index_list", "index_info",
                                               "foreign_key_list", NULL};
        static const char *const no_arg[] = {"journal_mode", "user_version", "page_count", "page_size",
                                             "database_list", NULL};
        for (int i = 0; with_arg[i]; i++)
            if (a && !g_ascii_strcasecmp(a, with_arg[i]))
                return SQLITE_OK;
        for (int i = 0; no_arg[i]; i++)
            if (a && !b && !g_ascii_strcasecmp(a, no_arg[i]))
                return SQLITE_OK;
        return SQLITE_DENY;
    }
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    default:
        return SQLITE_DENY;
    }
}

static gboolean prepare_read_only(crtk_store *s, const char *sql, sqlite3_stmt **st, GError **error)
{
    const char *tail = NULL;
    sqlite3_set_authorizer(s->db, read_only_authorizer, NULL);
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, &tail);
    sqlite3_set_authorizer(s->db, NULL, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "SQL: %s (only reading is allowed)", sqlite3_errmsg(s->db));
        return FALSE;
    }
    while (tail && g_ascii_isspace(*tail))
        tail++;
    if (tail && *tail) {
        sqlite3_finalize(*st);
        *st = NULL;
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "SQL: only one statement is allowed (found \"%s\")", tail);
        return FALSE;
    }
    if (!sqlite3_stmt_readonly(*st)) {
        sqlite3_finalize(*st);
        *st = NULL;
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "SQL: the statement would change the store");
        return FALSE;
    }
    return TRUE;
}

gboolean crtk_store_select(crtk_store *s, const char *sql, const char *const *params, int n_params,
                           crtk_store_row_fn fn, void *user, GError **error)
{
    sqlite3_stmt *st;
    if (!prepare_read_only(s, sql, &st, error))
        return FALSE;
    for (int i = 0; i < n_params; i++)
        sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
    int n = sqlite3_column_count(st);
    const char **vals = g_new0(const char *, n + 1);
    const char **names = g_new0(const char *, n + 1);
    for (int i = 0; i < n; i++)
        names[i] = sqlite3_column_name(st, i);
    int rc;
    gboolean ok = TRUE;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++)
            vals[i] = (const char *)sqlite3_column_text(st, i);
        if (fn(n, vals, names, user) == CRTK_ABORT)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "SQL: %s", sqlite3_errmsg(s->db));
        ok = FALSE;
    }
    g_free(vals);
    g_free(names);
    sqlite3_finalize(st);
    return ok;
}

gboolean crtk_store_count(crtk_store *s, const char *where, gint64 *patients, gint64 *tumors, GError **error)
{
    char *sql = g_strdup_printf("SELECT count(DISTINCT t.patient_id), count(*) FROM tumor t JOIN patient p ON p.id = "
                                "t.patient_id WHERE (%s)", where && *where ? where : "1");
    sqlite3_stmt *st;
    gboolean ok = prepare_read_only(s, sql, &st, error);
    g_free(sql);
    if (!ok)
        return FALSE;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *patients = sqlite3_column_int64(st, 0);
        *tumors = sqlite3_column_int64(st, 1);
    } else {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "SQL: %s", sqlite3_errmsg(s->db));
        ok = FALSE;
    }
    sqlite3_finalize(st);
    if (ok && (!where || !*where)) {
        /* Patients without tumors count too when nothing is selected. */
        if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM patient", -1, &st, NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW)
                *patients = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
        }
    }
    return ok;
}

gboolean crtk_store_foreach(crtk_store *s, const char *where, crtk_store_patient_fn fn, void *user, GError **error)
{
    gboolean all = !where || !*where;
    char *psql, *tsql;
    /* Only the columns of items that have values somewhere: a row has ~800 columns, most empty. */
    char *pcols = crtk_store_read_columns(s, FALSE, NULL), *tcols = crtk_store_read_columns(s, TRUE, "t");
    if (all) {
        psql = g_strdup_printf("SELECT %s FROM patient ORDER BY id", pcols);
        tsql = g_strdup_printf("SELECT %s FROM tumor t ORDER BY t.patient_id, t.id", tcols);
    } else {
        psql = g_strdup_printf("SELECT %s FROM patient WHERE id IN (SELECT t.patient_id FROM tumor t JOIN patient p ON "
                               "p.id = t.patient_id WHERE (%s)) ORDER BY id", pcols, where);
        tsql = g_strdup_printf("SELECT %s FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE (%s) "
                               "ORDER BY t.patient_id, t.id", tcols, where);
    }
    g_free(pcols);
    g_free(tcols);
    sqlite3_stmt *ps = NULL, *ts = NULL;
    gboolean ok = prepare_read_only(s, psql, &ps, error) && prepare_read_only(s, tsql, &ts, error);
    g_free(psql);
    g_free(tsql);
    if (!ok) {
        sqlite3_finalize(ps);
        return FALSE;
    }
    int *pmap = column_map(s, ps), *tmap = column_map(s, ts);
    int tpid_col = -1;
    for (int i = 0; i < sqlite3_column_count(ts); i++)
        if (!strcmp(sqlite3_column_name(ts, i), "patient_id"))
            tpid_col = i;
    crtk_stored_patient *p = crtk_stored_patient_new(s);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    int trc = sqlite3_step(ts);
    int prc;
    long ordinal = 0;
    while ((prc = sqlite3_step(ps)) == SQLITE_ROW) {
        gint64 pid = sqlite3_column_int64(ps, 0);
        crtk_record_clear(p->record);
        g_array_set_size(ids, 0);
        p->patient_id = pid;
        row_to_element(ps, pmap, &p->record->patient);
        while (trc == SQLITE_ROW && sqlite3_column_int64(ts, tpid_col) < pid)
            trc = sqlite3_step(ts);
        while (trc == SQLITE_ROW && sqlite3_column_int64(ts, tpid_col) == pid) {
            gint64 tid = sqlite3_column_int64(ts, 0);
            g_array_append_val(ids, tid);
            row_to_element(ts, tmap, crtk_record_add_tumor(p->record));
            trc = sqlite3_step(ts);
        }
        g_free(p->tumor_ids);
        p->tumor_ids = g_memdup2(ids->data, sizeof(gint64) * (ids->len ? ids->len : 1));
        p->record->ordinal = ++ordinal;
        if (fn(p, user) == CRTK_ABORT)
            break;
    }
    if (prc != SQLITE_ROW && prc != SQLITE_DONE) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "SQL: %s", sqlite3_errmsg(s->db));
        ok = FALSE;
    }
    g_array_free(ids, TRUE);
    crtk_stored_patient_free(p);
    g_free(pmap);
    g_free(tmap);
    sqlite3_finalize(ps);
    sqlite3_finalize(ts);
    return ok;
}

/* ---- backup ------------------------------------------------------------------------------------------ */

gboolean crtk_store_backup(crtk_store *s, const char *dest, GError **error)
{
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot create: %s", dest,
                    errno == EEXIST ? "the file exists already" : g_strerror(errno));
        return FALSE;
    }
    close(fd);
    sqlite3 *d = NULL;
    if (sqlite3_open_v2(dest, &d, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot open: %s", dest, sqlite3_errmsg(d));
        sqlite3_close(d);
        unlink(dest);
        return FALSE;
    }
    sqlite3_backup *b = sqlite3_backup_init(d, "main", s->db, "main");
    gboolean ok = b != NULL;
    if (b) {
        int rc;
        do {
            rc = sqlite3_backup_step(b, 256);
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                sqlite3_sleep(20);
        } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
        ok = rc == SQLITE_DONE;
        sqlite3_backup_finish(b);
    }
    if (!ok)
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: backup failed: %s", dest, sqlite3_errmsg(d));
    else
        sqlite3_exec(d, "PRAGMA journal_mode = DELETE;", NULL, NULL, NULL);
    sqlite3_close(d);
    if (!ok)
        unlink(dest);
    return ok;
}
