/* store_cases.c — reading, adding, changing and deleting patients and tumors in a store (see store.h).
 *
 * Every change writes the audit trail.  Values are checked against their
 * items (length and data type) before anything is written, so that a refused
 * change leaves the store as it was.  Iteration and read-only queries are in
 * store_query.c, sequence numbering in store_sequence.c, backup in store_backup.c.
 */
#include "store_private.h"
#include "crtk/date.h"

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
int *crtk_store_column_map(crtk_store *s, sqlite3_stmt *st)
{
    int n = sqlite3_column_count(st);
    int *map = g_new(int, n);
    for (int i = 0; i < n; i++) {
        const crtk_item *it = crtk_dictionary_find(s->dict, sqlite3_column_name(st, i));
        map[i] = it ? it->index : -1;
    }
    return map;
}

void crtk_store_row_to_element_map(sqlite3_stmt *st, const int *map, crtk_element *e)
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
    int *map = crtk_store_column_map(s, st);
    crtk_store_row_to_element_map(st, map, e);
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
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    crtk_store_note_read_error(s, rc, "cannot look up a patient");
    return id;
}

char *crtk_store_next_patient_id_number(crtk_store *s, GError **error)
{
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "SELECT max(CAST(\"patientIdNumber\" AS INTEGER)) FROM patient", &st, error))
        return NULL;
    gint64 max = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        max = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        crtk_store_set_sqlite_error(s, error, "next patientIdNumber");
        return NULL;
    }
    return g_strdup_printf("%08" G_GINT64_FORMAT, max + 1);
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
    crtk_store_digest_forget(s);
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
        s->load_p_map = crtk_store_column_map(s, s->load_p);
        s->load_t_map = crtk_store_column_map(s, s->load_t);
    }
    sqlite3_stmt *st = s->load_p;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, patient_id);
    int src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        if (crtk_store_step_failed(s, src, error, "cannot read a patient")) {
            sqlite3_reset(st);
            return FALSE;
        }
        sqlite3_reset(st);
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: no patient with row id %" G_GINT64_FORMAT, s->path,
                    patient_id);
        return FALSE;
    }
    crtk_store_row_to_element_map(st, s->load_p_map, &out->record->patient);
    sqlite3_reset(st);
    st = s->load_t;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, patient_id);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 tid = sqlite3_column_int64(st, 0);
        g_array_append_val(ids, tid);
        crtk_store_row_to_element_map(st, s->load_t_map, crtk_record_add_tumor(out->record));
    }
    sqlite3_reset(st);
    if (crtk_store_step_failed(s, src, error, "cannot read a patient's tumors")) {
        g_array_free(ids, TRUE);
        return FALSE;
    }
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
        /* the row's digest, last (store_digest.c) */
        g_string_append_printf(sql, ", crtk_digest) VALUES (%s, ?%u)", vals->str, cols->len + 2);
        gboolean ok = crtk_store_prepare(s, sql->str, t ? &s->insert_tumor : &s->insert_patient, error);
        g_string_free(sql, TRUE);
        g_string_free(vals, TRUE);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

static gint64 insert_row(crtk_store *s, sqlite3_stmt *st, gint64 patient_id, const crtk_element *e, gboolean tumor,
                         char **digest, GError **error)
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
    *digest = crtk_store_digest_element(s, e, tumor, patient_id);
    sqlite3_bind_text(st, sqlite3_bind_parameter_count(st), *digest, -1, SQLITE_STATIC);
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
    char *digest = NULL;
    gint64 id = insert_row(s, s->insert_patient, 0, patient, FALSE, &digest, error);
    const char *key = crtk_element_get_id(patient, s->dict, "patientIdNumber");
    if (!id || !crtk_store_audit_row(s, id, 0, key, "patient", NULL, "added", digest, error)) {
        g_free(digest);
        return 0;
    }
    g_free(digest);
    s->last_patient_id = id;
    g_free(s->last_patient_key);
    s->last_patient_key = g_strdup(key);
    return id;
}

gint64 crtk_store_insert_tumor(crtk_store *s, gint64 patient_id, const crtk_element *tumor, GError **error)
{
    if (!prepare_inserts(s, error))
        return 0;
    char *digest = NULL;
    gint64 id = insert_row(s, s->insert_tumor, patient_id, tumor, TRUE, &digest, error);
    if (!id) {
        g_free(digest);
        return 0;
    }
    /* The patient's key for the audit row: the last patient added is the usual case. */
    char *key = NULL;
    if (patient_id == s->last_patient_id && s->last_patient_key) {
        key = g_strdup(s->last_patient_key);
    } else {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->db, "SELECT \"patientIdNumber\" FROM patient WHERE id = ?1", -1, &st, NULL) ==
            SQLITE_OK) {
            sqlite3_bind_int64(st, 1, patient_id);
            int krc = sqlite3_step(st);
            if (krc == SQLITE_ROW && sqlite3_column_text(st, 0))
                key = g_strdup((const char *)sqlite3_column_text(st, 0));
            sqlite3_finalize(st);
            if (crtk_store_step_failed(s, krc, error, "cannot read a patient")) {
                g_free(key);
                return 0;
            }
        }
    }
    gboolean ok = crtk_store_audit_row(s, patient_id, id, key, "tumor", NULL, "added", digest, error);
    g_free(key);
    g_free(digest);
    return ok ? id : 0;
}

/* ---- changing ------------------------------------------------------------------------------------- */

char *crtk_store_patient_key(crtk_store *s, gint64 patient_id)
{
    sqlite3_stmt *st;
    char *key = NULL;
    if (!crtk_dictionary_find(s->dict, "patientIdNumber"))
        return NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT \"patientIdNumber\" FROM patient WHERE id = ?1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, patient_id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
            key = g_strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        crtk_store_note_read_error(s, rc, "cannot read a patient");
    }
    return key;
}

gboolean crtk_store_set_one(crtk_store *s, const char *table, gint64 row, gint64 patient_id, gint64 tumor_id,
                        const char *key, const crtk_item *it, const char *value, gboolean *changed, GError **error)
{
    (void)table; /* the item's level names its table */
    sqlite3_stmt *st = crtk_store_item_stmt(s, it, FALSE, error);
    if (!st)
        return FALSE;
    sqlite3_bind_int64(st, 1, row);
    char *old = NULL;
    int orc = sqlite3_step(st);
    if (orc == SQLITE_ROW && sqlite3_column_text(st, 0))
        old = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (crtk_store_step_failed(s, orc, error, "cannot read a value")) {
        g_free(old);
        return FALSE;
    }
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
        /* Values are UTF-8 text: invalid bytes would come back as mojibake in every export. */
        const char *bad_utf8 = NULL;
        if (!g_utf8_validate(value, -1, &bad_utf8)) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: the value is not valid UTF-8 text (byte %ld)", it->id,
                        (long)(bad_utf8 - value) + 1);
            return FALSE;
        }
        /* Control characters (C0, DEL, C1) are never data; a tab or line break belongs only in text items. */
        for (const char *p = value; *p; p = g_utf8_next_char(p)) {
            gunichar c = g_utf8_get_char(p);
            gboolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
            /* "text" here is free text: the long text items (NAACCR types many short codes as text too) */
            gboolean allowed = (c == '\t' || c == '\n') && it->type == CRTK_TYPE_TEXT && it->length >= 100;
            if (control && !allowed) {
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: the value holds a %s (U+%04X), which %s", it->id,
                            c == '\n' ? "line break" : c == '\t' ? "tab" : "control character", c,
                            c == '\n' || c == '\t' ? "only text items of 100 characters or more may hold"
                                                   : "is not text");
                return FALSE;
            }
        }
        crtk_problem_code code;
        const char *why = crtk_item_check_value(it, value, strlen(value), &code);
        crtk_date d;
        if (!why && it->type == CRTK_TYPE_DATE && crtk_date_parse_naaccr(value, strlen(value), 0, &d) &&
            !crtk_date_parse_naaccr(value, strlen(value), CRTK_DATE_CALENDAR, &d))
            why = "not a calendar date (that day does not exist in that month)";
        if (why) {
            char *shown = crtk_cut_for_message(value);
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s=%s: %s (length %d, %s)", it->id, shown, why,
                        it->length, crtk_data_type_name(it->type));
            g_free(shown);
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
        int irc;
        while ((irc = sqlite3_step(st)) == SQLITE_ROW) {
            gint64 id = sqlite3_column_int64(st, 0);
            g_array_append_val(ids, id);
        }
        sqlite3_finalize(st);
        if (crtk_store_step_failed(s, irc, error, "cannot read the tumors"))
            ok = FALSE;
    }
    for (guint i = 0; ok && i < ids->len; i++) {
        gboolean changed;
        gint64 tid = g_array_index(ids, gint64, i);
        ok = crtk_store_set_one(s, "tumor", tid, patient_id, tid, key, dclc, today, &changed, error);
    }
    g_array_free(ids, TRUE);
    g_free(today);
    return ok;
}

/* patientIdNumber is the key a patient is found by (case commands, import matching, the workspace):
 * a patient may not take another's number, nor lose its own. */
static gboolean patient_key_free(crtk_store *s, gint64 patient_id, const char *value, GError **error)
{
    if (!*value) {
        g_set_error_literal(error, CRTK_ERROR, CRTK_ERROR_DATA,
                            "patientIdNumber cannot be blank: it is the number the patient is found by");
        return FALSE;
    }
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "SELECT id FROM patient WHERE \"patientIdNumber\" = ?1 AND id <> ?2 LIMIT 1", &st,
                            error))
        return FALSE;
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, patient_id);
    int rc = sqlite3_step(st);
    gint64 other = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (crtk_store_step_failed(s, rc, error, "cannot look up the patient number"))
        return FALSE;
    if (other) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                    "patientIdNumber %s belongs to another patient (#%" G_GINT64_FORMAT
                    "); a patient's number must be its own",
                    value, other);
        return FALSE;
    }
    return TRUE;
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
    char *key = crtk_store_patient_key(s, patient_id);
    gboolean ok = TRUE, any = FALSE, explicit_dclc = FALSE, resequence = FALSE;
    for (int i = 0; ok && i < n; i++)
        if (!tumor_id && its[i]->level == CRTK_LEVEL_PATIENT && !strcmp(its[i]->id, "patientIdNumber"))
            ok = patient_key_free(s, patient_id, values[i], error);
    for (int i = 0; ok && i < n; i++) {
        gboolean changed = FALSE;
        ok = crtk_store_set_one(s, tumor_id ? "tumor" : "patient", tumor_id ? tumor_id : patient_id, patient_id, tumor_id, key,
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
    int arc = sqlite3_step(st);
    if (crtk_store_step_failed(s, arc, error, "cannot read the values to delete"))
        ok = FALSE;
    if (arc == SQLITE_ROW) {
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
    int prc = sqlite3_step(st);
    if (prc == SQLITE_ROW)
        patient_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (crtk_store_step_failed(s, prc, error, "cannot read a tumor"))
        return FALSE;
    if (!patient_id) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "no tumor with row id %" G_GINT64_FORMAT, tumor_id);
        return FALSE;
    }
    if (!crtk_store_begin(s, error))
        return FALSE;
    char *key = crtk_store_patient_key(s, patient_id);
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
    char *key = crtk_store_patient_key(s, patient_id);
    sqlite3_stmt *st;
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    gboolean ok = crtk_store_prepare(s, "SELECT id FROM tumor WHERE patient_id = ?1 ORDER BY id", &st, error);
    if (ok) {
        sqlite3_bind_int64(st, 1, patient_id);
        int irc;
        while ((irc = sqlite3_step(st)) == SQLITE_ROW) {
            gint64 id = sqlite3_column_int64(st, 0);
            g_array_append_val(ids, id);
        }
        sqlite3_finalize(st);
        if (crtk_store_step_failed(s, irc, error, "cannot read the tumors"))
            ok = FALSE;
    }
    for (guint i = 0; ok && i < ids->len; i++)
        ok = audit_row_values(s, "tumor", g_array_index(ids, gint64, i), patient_id, g_array_index(ids, gint64, i),
                              key, error);
    if (ok)
        ok = audit_row_values(s, "patient", patient_id, patient_id, 0, key, error);
    if (ok && crtk_store_prepare(s, "DELETE FROM patient WHERE id = ?1", &st, error)) {
        sqlite3_bind_int64(st, 1, patient_id);
        int drc = sqlite3_step(st);
        ok = drc == SQLITE_DONE && sqlite3_changes(s->db) == 1;
        if (crtk_store_step_failed(s, drc, error, "cannot delete a patient"))
            ;
        else if (!ok)
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
