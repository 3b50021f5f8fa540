/* store_digest.c — row digests: every patient and tumor row carries a BLAKE2b-256 digest of its values
 * (column crtk_digest), and the audit trail records each row's digest after every crtk write, so that
 * `crtk audit --verify` finds a value changed, a row added or a row deleted outside crtk.
 *
 * How every write is covered: the store's own connection has TEMP triggers on patient and tumor (they
 * exist only in crtk's connection; the sqlite3 shell does not run them).  A row inserted without its
 * digest, updated or deleted is noted in temp.crtk_dirty; before it is first changed in a transaction
 * its old values are checked against the trail (crtk_row_intact), so a row forged outside crtk is
 * never absorbed by a later crtk write.  At commit (crtk_store_digest_flush) each noted row gets its
 * new digest and an audit entry stating it ("-" for a deleted row).  A long transaction (an import
 * that updates a million cases, a submission stamping its tumors) flushes before commit too, at
 * safe points between rows (crtk_store_digest_interim: a nested commit, an imported patient, a
 * stamped tumor) once enough has changed, so that crtk_dirty, kept in memory, stays small.  Rows inserted by import and case
 * entry get their digest at insert time and state it in their "added" entry (the fast path).
 *
 * The digest (docs/store.md): BLAKE2b-256 over "crtk-row/2", the table name, for a tumor its patient
 * row id, the table's signature (BLAKE2b-256 over its value columns' names in byte order; all these fields
 * length-prefixed as crtk_digest_field does), then for each value that is not NULL, by the columns'
 * name order: its ordinal in that order (2 bytes), its length (LEB128) and its bytes. */
#include "store_private.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void crtk_digest_field(GString *b, const void *data, gssize len)
{
    char n[8];
    guint64 v = len < 0 ? G_MAXUINT64 : (guint64)len;
    for (int i = 7; i >= 0; i--, v >>= 8)
        n[i] = (char)(v & 0xff);
    g_string_append_len(b, n, sizeof n);
    if (len > 0)
        g_string_append_len(b, data, len);
}

void crtk_digest_text(GString *b, const char *text)
{
    crtk_digest_field(b, text, text ? (gssize)strlen(text) : -1);
}

void crtk_digest_int(GString *b, gint64 v, gboolean null)
{
    char n[32];
    if (null) {
        crtk_digest_field(b, NULL, -1);
        return;
    }
    g_snprintf(n, sizeof n, "%" G_GINT64_FORMAT, v);
    crtk_digest_text(b, n);
}

char *crtk_digest_hex(const GString *b, char hex[65])
{
    static gsize ready;
    if (g_once_init_enter(&ready)) /* libsodium picks its fastest BLAKE2b for this CPU */
        g_once_init_leave(&ready, sodium_init() >= 0 ? 1 : 2);
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)b->str, b->len, NULL, 0);
    return sodium_bin2hex(hex, 65, h, sizeof h);
}

/* ---- the layout of a SELECT * row ------------------------------------------------------------ */

typedef struct crtk_row_layout {
    int id, patient_id, digest; /* column numbers (-1: absent) */
    int n;
    int *order;                 /* the value columns, by name: order[k] is the column of ordinal k */
    char signature[65];         /* BLAKE2b-256 over the value columns' names, length-prefixed, by name */
} row_layout;

static const char *const *sort_names; /* qsort has no user pointer: names of the layout being built */
static int by_name(const void *a, const void *b)
{
    return strcmp(sort_names[*(const int *)a], sort_names[*(const int *)b]);
}

/* The layout of a result whose columns are names[0..n-1]. */
static row_layout *layout_of_names(const char **names, int n)
{
    row_layout *l = g_new0(row_layout, 1);
    l->id = l->patient_id = l->digest = -1;
    l->order = g_new0(int, n + 1);
    for (int i = 0; i < n; i++) {
        if (!strcmp(names[i], "id"))
            l->id = i;
        else if (!strcmp(names[i], "patient_id"))
            l->patient_id = i;
        else if (!strcmp(names[i], "crtk_digest"))
            l->digest = i;
        else
            l->order[l->n++] = i;
    }
    sort_names = names;
    qsort(l->order, (size_t)l->n, sizeof(int), by_name);
    sort_names = NULL;
    GString *b = g_string_new(NULL);
    for (int k = 0; k < l->n; k++)
        crtk_digest_text(b, names[l->order[k]]);
    crtk_digest_hex(b, l->signature);
    g_string_free(b, TRUE);
    return l;
}

static row_layout *layout_new(sqlite3_stmt *st)
{
    int n = sqlite3_column_count(st);
    const char **names = g_new0(const char *, n + 1);
    for (int i = 0; i < n; i++)
        names[i] = sqlite3_column_name(st, i);
    row_layout *l = layout_of_names(names, n);
    g_free(names);
    return l;
}

static void layout_free(row_layout *l)
{
    if (l) {
        g_free(l->order);
        g_free(l);
    }
}

/* A row's digest is built in one buffer and hashed once: the header fields length-prefixed, then
 * for each value that is not NULL its ordinal (2 bytes, big-endian), its length (LEB128: 7 bits a
 * byte, low first, high bit set on all but the last) and its bytes (docs/store.md). */

static void put_field(GString *b, const char *text)
{
    guint64 v = strlen(text);
    char x[8];
    for (int i = 7; i >= 0; i--, v >>= 8)
        x[i] = (char)(v & 0xff);
    g_string_append_len(b, x, 8);
    g_string_append(b, text);
}

static void row_start(GString *b, const row_layout *l, gboolean tumor, gint64 patient_id)
{
    g_string_truncate(b, 0);
    put_field(b, "crtk-row/2");
    put_field(b, tumor ? "tumor" : "patient");
    if (tumor) {
        char n[32];
        g_snprintf(n, sizeof n, "%" G_GINT64_FORMAT, patient_id);
        put_field(b, n);
    }
    put_field(b, l->signature);
}

static inline void put_value(GString *b, int ordinal, const void *v, gsize len)
{
    if (b->allocated_len - b->len < len + 16) { /* grow once, then write in place */
        gsize used = b->len;
        g_string_set_size(b, (used + len + 16) * 2);
        g_string_set_size(b, used);
    }
    guint8 *p = (guint8 *)b->str + b->len;
    *p++ = (guint8)(ordinal >> 8);
    *p++ = (guint8)ordinal;
    gsize n = len;
    while (n >= 0x80) {
        *p++ = (guint8)(n | 0x80);
        n >>= 7;
    }
    *p++ = (guint8)n;
    memcpy(p, v, len);
    p += len;
    b->len = (gsize)(p - (guint8 *)b->str);
    b->str[b->len] = 0;
}

static char *row_end(GString *b)
{
    char hex[65];
    return g_strdup(crtk_digest_hex(b, hex));
}

static char *digest_of_stmt_row(sqlite3_stmt *st, const row_layout *l, gboolean tumor, GString *b)
{
    row_start(b, l, tumor, l->patient_id >= 0 ? sqlite3_column_int64(st, l->patient_id) : 0);
    for (int k = 0; k < l->n; k++) {
        int i = l->order[k];
        if (sqlite3_column_type(st, i) == SQLITE_NULL)
            continue;
        const void *v = sqlite3_column_text(st, i);
        put_value(b, k, v, (gsize)sqlite3_column_bytes(st, i));
    }
    return row_end(b);
}

char *crtk_store_digest_element(crtk_store *s, const crtk_element *e, gboolean tumor, gint64 patient_id)
{
    int t = tumor ? 1 : 0;
    if (!s->digest_insert_layout[t]) {
        /* the table's own columns (the digest is over what the row holds), each mapped to its item */
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->db, tumor ? "SELECT * FROM tumor LIMIT 0" : "SELECT * FROM patient LIMIT 0", -1, &st,
                               NULL) != SQLITE_OK)
            return NULL;
        s->digest_insert_layout[t] = layout_new(st);
        row_layout *l = s->digest_insert_layout[t];
        s->digest_order[t] = g_array_sized_new(FALSE, FALSE, sizeof(int), (guint)l->n);
        for (int k = 0; k < l->n; k++) {
            const crtk_item *it = crtk_dictionary_find(s->dict, sqlite3_column_name(st, l->order[k]));
            int idx = it && s->param_of_item && s->param_of_item[it->index] ? it->index : -1;
            g_array_append_val(s->digest_order[t], idx);
        }
        sqlite3_finalize(st);
    }
    if (!s->digest_buf)
        s->digest_buf = g_string_sized_new(4096);
    GString *b = s->digest_buf;
    row_start(b, s->digest_insert_layout[t], tumor, patient_id);
    GArray *order = s->digest_order[t];
    for (guint k = 0; k < order->len; k++) {
        int idx = g_array_index(order, int, k);
        if (idx < 0 || !crtk_element_has(e, idx))
            continue;
        size_t len;
        const char *v = crtk_element_get(e, idx, &len);
        put_value(b, (int)k, v, len);
    }
    return row_end(b);
}

static GString *digest_buf(crtk_store *s)
{
    if (!s->digest_buf)
        s->digest_buf = g_string_sized_new(4096);
    return s->digest_buf;
}

void crtk_store_digest_forget(crtk_store *s)
{
    if (s->digest_buf) {
        g_string_free(s->digest_buf, TRUE);
        s->digest_buf = NULL;
    }
    for (int t = 0; t < 2; t++) {
        if (s->digest_read[t])
            sqlite3_finalize(s->digest_read[t]);
        if (s->digest_put[t])
            sqlite3_finalize(s->digest_put[t]);
        if (s->digest_trail[t])
            sqlite3_finalize(s->digest_trail[t]);
        s->digest_read[t] = s->digest_put[t] = s->digest_trail[t] = NULL;
        layout_free(s->digest_layout[t]);
        s->digest_layout[t] = NULL;
        layout_free(s->digest_insert_layout[t]);
        s->digest_insert_layout[t] = NULL;
        if (s->digest_order[t])
            g_array_free(s->digest_order[t], TRUE);
        s->digest_order[t] = NULL;
    }
}

static gboolean prepare_row_statements(crtk_store *s, int t, GError **error)
{
    if (s->digest_read[t])
        return TRUE;
    const char *table = t ? "tumor" : "patient";
    char *sql = g_strdup_printf("SELECT * FROM %s WHERE id = ?1", table);
    char *put = g_strdup_printf("UPDATE %s SET crtk_digest = ?1 WHERE id = ?2", table);
    gboolean ok = crtk_store_prepare(s, sql, &s->digest_read[t], error) && crtk_store_prepare(s, put, &s->digest_put[t], error) &&
                  crtk_store_prepare(s, t ? "SELECT row_digest, id FROM audit WHERE tumor_id = ?1 AND row_digest IS NOT NULL "
                                            "ORDER BY id DESC LIMIT 1"
                                          : "SELECT row_digest, id FROM audit WHERE tumor_id IS NULL AND patient_id = ?1 "
                                            "AND row_digest IS NOT NULL ORDER BY id DESC LIMIT 1",
                                     &s->digest_trail[t], error);
    g_free(sql);
    g_free(put);
    if (ok)
        s->digest_layout[t] = layout_new(s->digest_read[t]);
    else
        crtk_store_digest_forget(s);
    return ok;
}

/* The digest of row id of table t as it is now (NULL when there is no such row); *stored is the
 * row's crtk_digest column and *patient_id its patient. */
static char *current_digest(crtk_store *s, int t, gint64 id, char **stored, gint64 *patient_id, GError **error)
{
    if (!prepare_row_statements(s, t, error))
        return NULL;
    sqlite3_stmt *st = s->digest_read[t];
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    char *d = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const row_layout *l = s->digest_layout[t];
        d = digest_of_stmt_row(st, l, t == 1, digest_buf(s));
        if (stored)
            *stored = l->digest >= 0 && sqlite3_column_text(st, l->digest)
                          ? g_strdup((const char *)sqlite3_column_text(st, l->digest)) : NULL;
        if (patient_id)
            *patient_id = t ? sqlite3_column_int64(st, l->patient_id) : id;
    } else {
        crtk_store_step_failed(s, rc, error, "cannot read a row");
    }
    sqlite3_reset(st);
    return d;
}

/* The digest the trail last stated for the row (NULL: none, or a failed read with ERROR set), and
 * the entry that stated it. */
static char *trail_digest(crtk_store *s, int t, gint64 id, gint64 *entry, GError **error)
{
    if (!prepare_row_statements(s, t, error))
        return NULL;
    sqlite3_stmt *st = s->digest_trail[t];
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    char *d = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        d = g_strdup((const char *)sqlite3_column_text(st, 0));
        if (entry)
            *entry = sqlite3_column_int64(st, 1);
    } else {
        crtk_store_step_failed(s, rc, error, "cannot read the audit trail");
    }
    sqlite3_reset(st);
    return d;
}

/* SQL crtk_row_intact(table 0|1, id): 1 when the row's values are those the trail last recorded.
 * A failed read is an SQL error (the write that fired the trigger fails), never "not intact". */
static void sql_row_intact(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    crtk_store *s = sqlite3_user_data(ctx);
    int t = sqlite3_value_int(argv[0]) ? 1 : 0;
    gint64 id = sqlite3_value_int64(argv[1]);
    GError *error = NULL;
    char *now = current_digest(s, t, id, NULL, NULL, &error);
    char *was = error ? NULL : trail_digest(s, t, id, NULL, &error);
    if (error) {
        sqlite3_result_error(ctx, error->message, -1);
        sqlite3_result_error_code(ctx, SQLITE_IOERR);
        g_error_free(error);
    } else {
        sqlite3_result_int(ctx, now && was && strcmp(now, was) == 0);
    }
    g_free(now);
    g_free(was);
}

gboolean crtk_store_digest_install(crtk_store *s, GError **error)
{
    if (s->read_only || s->schema_version < 2)
        return TRUE;
    if (sqlite3_create_function(s->db, "crtk_row_intact", 2, SQLITE_UTF8, s, sql_row_intact, NULL, NULL) != SQLITE_OK) {
        crtk_store_set_sqlite_error(s, error, "cannot register a function");
        return FALSE;
    }
    /* With triggers every write statement keeps a statement journal: in memory, not a temp file
       (written page by page, it doubled the time of an import). */
    GString *sql = g_string_new(
        "PRAGMA temp_store = MEMORY;\n"
        "CREATE TEMP TABLE IF NOT EXISTS crtk_dirty (t INTEGER NOT NULL, id INTEGER NOT NULL, patient_id INTEGER, "
        "intact INTEGER NOT NULL, PRIMARY KEY (t, id));\n");
    for (int t = 0; t < 2; t++) {
        const char *table = t ? "tumor" : "patient";
        const char *pid = t ? "patient_id" : "id";
        g_string_append_printf(sql,
            "DROP TRIGGER IF EXISTS temp.crtk_%s_ins; DROP TRIGGER IF EXISTS temp.crtk_%s_upd; "
            "DROP TRIGGER IF EXISTS temp.crtk_%s_del;\n"
            "CREATE TEMP TRIGGER crtk_%s_upd BEFORE UPDATE ON main.%s WHEN NEW.crtk_digest IS OLD.crtk_digest AND "
            "NOT EXISTS (SELECT 1 FROM crtk_dirty WHERE t = %d AND id = OLD.id) BEGIN "
            "INSERT INTO crtk_dirty VALUES (%d, OLD.id, OLD.%s, crtk_row_intact(%d, OLD.id)); END;\n"
            "CREATE TEMP TRIGGER crtk_%s_del BEFORE DELETE ON main.%s WHEN "
            "NOT EXISTS (SELECT 1 FROM crtk_dirty WHERE t = %d AND id = OLD.id) BEGIN "
            "INSERT INTO crtk_dirty VALUES (%d, OLD.id, OLD.%s, crtk_row_intact(%d, OLD.id)); END;\n",
            table, table, table, table, table, t, t, pid, t, table, table, t, t, pid, t);
    }
    gboolean ok = crtk_store_exec(s, sql->str, error);
    g_string_free(sql, TRUE);
    s->digest_installed = ok;
    return ok;
}

typedef struct {
    int t;
    gint64 id, patient_id;
    int intact;
} dirty_row;

static char *row_name(crtk_store *s, int t, gint64 id, gint64 patient_id)
{
    char *key = crtk_store_patient_key(s, patient_id);
    char *n = key ? g_strdup_printf("%s row %" G_GINT64_FORMAT " (patientIdNumber %s)", t ? "tumor" : "patient", id, key)
                  : g_strdup_printf("%s row %" G_GINT64_FORMAT, t ? "tumor" : "patient", id);
    g_free(key);
    return n;
}

gboolean crtk_store_digest_flush(crtk_store *s, GError **error)
{
    if (s->read_only || s->schema_version < 2 || !s->digest_installed)
        return TRUE;
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "SELECT t, id, patient_id, intact FROM temp.crtk_dirty ORDER BY t, id", &st, error))
        return FALSE;
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(dirty_row));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        dirty_row r = {sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                       sqlite3_column_int(st, 3)};
        g_array_append_val(rows, r);
    }
    sqlite3_finalize(st);
    gboolean ok = !crtk_store_step_failed(s, rc, error, "cannot read the changed rows") &&
                  crtk_store_exec(s, "DELETE FROM temp.crtk_dirty;", error);
    for (guint i = 0; ok && i < rows->len; i++) {
        dirty_row *r = &g_array_index(rows, dirty_row, i);
        if (!r->intact) {
            char *name = row_name(s, r->t, r->id, r->patient_id);
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "%s: %s was changed outside crtk (its values are not those the audit trail recorded): "
                        "nothing was written: run crtk audit %s --verify and restore the store from a backup",
                        s->path, name, s->path);
            g_free(name);
            ok = FALSE;
            break;
        }
        char *stored = NULL;
        gint64 pid = r->patient_id;
        char *d = current_digest(s, r->t, r->id, &stored, &pid, error);
        if (!d && error && *error) {
            ok = FALSE;
            break;
        }
        if (d && g_strcmp0(d, stored) != 0) {
            sqlite3_stmt *put = s->digest_put[r->t];
            sqlite3_reset(put);
            sqlite3_bind_text(put, 1, d, -1, SQLITE_STATIC);
            sqlite3_bind_int64(put, 2, r->id);
            ok = sqlite3_step(put) == SQLITE_DONE;
            sqlite3_reset(put);
            if (!ok)
                crtk_store_set_sqlite_error(s, error, "cannot save a row's digest");
        }
        if (ok) {
            char *key = crtk_store_patient_key(s, pid);
            ok = crtk_store_audit_row(s, pid, r->t ? r->id : 0, key, "row", NULL, d ? d : "deleted", d ? d : "-",
                                      error);
            g_free(key);
        }
        g_free(d);
        g_free(stored);
    }
    g_array_free(rows, TRUE);
    /* The digests written above were noted again when they equalled the old ones: nothing left to do. */
    ok = ok && crtk_store_exec(s, "DELETE FROM temp.crtk_dirty;", error);
    s->changes_at_flush = sqlite3_total_changes64(s->db);
    return ok;
}

gboolean crtk_store_digest_interim(crtk_store *s, GError **error)
{
    if (!s->in_transaction || !s->digest_installed)
        return TRUE;
    if (sqlite3_total_changes64(s->db) - s->changes_at_flush < CRTK_DIGEST_INTERIM_CHANGES)
        return TRUE;
    return crtk_store_digest_flush(s, error);
}

gboolean crtk_store_digest_all(crtk_store *s, GError **error)
{
    for (int t = 0; t < 2; t++) {
        sqlite3_stmt *st;
        if (!crtk_store_prepare(s, t ? "SELECT * FROM tumor ORDER BY id" : "SELECT * FROM patient ORDER BY id", &st, error))
            return FALSE;
        row_layout *l = layout_new(st);
        sqlite3_stmt *put = NULL;
        gboolean ok = crtk_store_prepare(s, t ? "UPDATE tumor SET crtk_digest = ?1 WHERE id = ?2"
                                              : "UPDATE patient SET crtk_digest = ?1 WHERE id = ?2", &put, error);
        int rc = SQLITE_DONE;
        while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            gint64 id = sqlite3_column_int64(st, l->id);
            gint64 pid = t ? sqlite3_column_int64(st, l->patient_id) : id;
            char *d = digest_of_stmt_row(st, l, t == 1, digest_buf(s));
            sqlite3_reset(put);
            sqlite3_bind_text(put, 1, d, -1, SQLITE_STATIC);
            sqlite3_bind_int64(put, 2, id);
            ok = sqlite3_step(put) == SQLITE_DONE;
            if (!ok)
                crtk_store_set_sqlite_error(s, error, "cannot save a row's digest");
            char *key = ok ? crtk_store_patient_key(s, pid) : NULL;
            if (ok)
                ok = crtk_store_audit_row(s, pid, t ? id : 0, key, "row", NULL, d, d, error);
            g_free(key);
            g_free(d);
        }
        if (ok && crtk_store_step_failed(s, rc, error, "cannot read the rows"))
            ok = FALSE;
        sqlite3_finalize(st);
        sqlite3_finalize(put);
        layout_free(l);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

gboolean crtk_store_digest_migrate(crtk_store *s, GError **error)
{
    g_printerr("crtk: %s: adding row digests to the audit trail (store schema %d -> %d; once)\n", s->path,
               s->schema_version, CRTK_STORE_SCHEMA);
    if (!crtk_store_begin(s, error))
        return FALSE;
    gboolean ok = crtk_store_exec(s, "ALTER TABLE patient ADD COLUMN crtk_digest TEXT;"
                                     "ALTER TABLE tumor ADD COLUMN crtk_digest TEXT;"
                                     "ALTER TABLE audit ADD COLUMN row_digest TEXT;", error);
    crtk_store_forget_statements(s);
    crtk_store_digest_forget(s);
    if (s->audit_insert) {
        sqlite3_finalize(s->audit_insert);
        s->audit_insert = NULL;
    }
    if (ok)
        ok = crtk_store_exec(s, CRTK_AUDIT_ROW_INDEX, error);
    /* The marker: entries before it follow the old rule, from it on the new one (store_audit.c). */
    s->schema_version = CRTK_STORE_SCHEMA;
    if (ok)
        ok = crtk_store_audit(s, 0, 0, NULL, CRTK_AUDIT_CHAIN_MARK, "1", "2", error) && crtk_store_digest_all(s, error);
    char v[16];
    g_snprintf(v, sizeof v, "%d", CRTK_STORE_SCHEMA);
    if (ok)
        ok = crtk_store_put_setting_raw(s, "schemaVersion", v, error);
    if (ok)
        ok = crtk_store_commit(s, error);
    else
        crtk_store_rollback(s);
    if (!ok) {
        s->schema_version = 1;
        crtk_store_forget_statements(s);
        crtk_store_digest_forget(s);
        if (s->audit_insert) {
            sqlite3_finalize(s->audit_insert);
            s->audit_insert = NULL;
        }
    }
    return ok;
}

/* ---- verification ------------------------------------------------------------------------------ */

gint64 crtk_trail_key(int t, gint64 id)
{
    return ((gint64)t << 62) | id;
}

static void note_problem(GString *why, int *problems, const char *text)
{
    if ((*problems)++ == 0)
        g_string_assign(why, text);
}

gboolean crtk_store_digest_verify(crtk_store *s, GHashTable *trail, gint64 *rows, char **why, GError **error)
{
    GString *first = g_string_new(NULL);
    int problems = 0;
    *rows = 0;
    for (int t = 0; t < 2; t++) {
        sqlite3_stmt *st;
        if (!crtk_store_prepare(s, t ? "SELECT * FROM tumor ORDER BY id" : "SELECT * FROM patient ORDER BY id", &st, error)) {
            g_string_free(first, TRUE);
            return FALSE;
        }
        row_layout *l = layout_new(st);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            gint64 id = sqlite3_column_int64(st, l->id);
            gint64 pid = t ? sqlite3_column_int64(st, l->patient_id) : id;
            char *d = digest_of_stmt_row(st, l, t == 1, digest_buf(s));
            const char *stored = l->digest >= 0 ? (const char *)sqlite3_column_text(st, l->digest) : NULL;
            gint64 key = crtk_trail_key(t, id);
            crtk_trail_row *tr = g_hash_table_lookup(trail, &key);
            (*rows)++;
            if (!tr || !strcmp(tr->digest, "-") || !stored || strcmp(d, stored) != 0 || strcmp(d, tr->digest) != 0) {
                char *name = row_name(s, t, id, pid);
                char *m;
                if (!tr)
                    m = g_strdup_printf("%s is not in the audit trail: it was added outside crtk", name);
                else if (!strcmp(tr->digest, "-"))
                    m = g_strdup_printf("%s was deleted (entry %" G_GINT64_FORMAT ") but is in the store: it was put "
                                        "back outside crtk", name, tr->entry);
                else if (!stored || strcmp(d, stored) != 0)
                    m = g_strdup_printf("%s: its values do not match its digest: a value was changed outside crtk "
                                        "(entry %" G_GINT64_FORMAT " recorded the row last)", name, tr->entry);
                else
                    m = g_strdup_printf("%s: its values are not those the audit trail recorded (entry %" G_GINT64_FORMAT
                                        "): the row was changed outside crtk", name, tr->entry);
                note_problem(first, &problems, m);
                g_free(m);
                g_free(name);
            }
            if (tr)
                tr->seen = TRUE;
            g_free(d);
        }
        sqlite3_finalize(st);
        layout_free(l);
        if (crtk_store_step_failed(s, rc, error, "cannot read the rows")) {
            g_string_free(first, TRUE);
            return FALSE;
        }
    }
    /* Rows the trail says exist, and no longer do. */
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, trail);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        crtk_trail_row *tr = v;
        if (tr->seen || !strcmp(tr->digest, "-"))
            continue;
        gint64 key = *(gint64 *)k;
        int t = (int)(key >> 62);
        gint64 id = key & ((G_GINT64_CONSTANT(1) << 62) - 1);
        char *name = row_name(s, t, id, tr->patient_id);
        char *m = g_strdup_printf("%s is missing: entry %" G_GINT64_FORMAT " recorded it and no entry deleted it: "
                                  "it was deleted outside crtk", name, tr->entry);
        note_problem(first, &problems, m);
        g_free(m);
        g_free(name);
    }
    if (problems > 1)
        g_string_append_printf(first, " (and %d more row problem%s)", problems - 1, problems == 2 ? "" : "s");
    *why = problems ? g_string_free(first, FALSE) : (g_string_free(first, TRUE), NULL);
    return TRUE;
}

gboolean crtk_store_digest_check_all(crtk_store *s, GError **error)
{
    if (s->schema_version < 2)
        return TRUE;
    for (int t = 0; t < 2; t++) {
        sqlite3_stmt *st;
        if (!crtk_store_prepare(s, t ? "SELECT id FROM tumor ORDER BY id" : "SELECT id FROM patient ORDER BY id", &st, error))
            return FALSE;
        int rc;
        gboolean ok = TRUE;
        while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            gint64 id = sqlite3_column_int64(st, 0), pid = 0;
            char *now = current_digest(s, t, id, NULL, &pid, error);
            char *was = error && *error ? NULL : trail_digest(s, t, id, NULL, error);
            if (!now || !was || strcmp(now, was) != 0) {
                ok = FALSE;
                if (!(error && *error)) {
                    char *name = row_name(s, t, id, pid);
                    g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                                "%s: %s was changed outside crtk (its values are not those the audit trail recorded): "
                                "nothing was written: run crtk audit %s --verify and restore the store from a backup",
                                s->path, name, s->path);
                    g_free(name);
                }
            }
            g_free(now);
            g_free(was);
        }
        if (ok && crtk_store_step_failed(s, rc, error, "cannot read the rows"))
            ok = FALSE;
        sqlite3_finalize(st);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}
