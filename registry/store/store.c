/* store.c — creating and opening registry stores: the schema built from the dictionary, settings, transactions.
 *
 * See store.h for the contract.  The schema is built from the dictionary: one
 * TEXT column per item, named by naaccrId.  Patient-level items go to
 * `patient`; Tumor-level and NaaccrData-level items (registryId, recordType, ...
 * which describe where a tumor's record came from) go to `tumor`.
 */
#include "store_private.h"
#include "crtk/output.h"
#include "staging_sql.h"
#include "derived.h"
#include "io.h"
#include "store_search.h"
#include "store_users.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCHEMA_VERSION G_STRINGIFY(CRTK_STORE_SCHEMA)

gboolean crtk_store_plain_text(const char *text)
{
    if (!text)
        return TRUE;
    if (!g_utf8_validate(text, -1, NULL))
        return FALSE;
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
            return FALSE;
    }
    return TRUE;
}

/* Words a registrar understands for the SQLite failures that are about the file, not the query. */
const char *crtk_store_sqlite_meaning(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CORRUPT:
        return "the store is damaged (restore it from a backup; crtk audit --verify checks it)";
    case SQLITE_NOTADB:
        return "the file is not an SQLite database, or it is damaged";
    case SQLITE_FULL:
        return "the disk is full";
    case SQLITE_IOERR:
        return "the disk could not be read or written";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "another process is writing the store";
    case SQLITE_READONLY:
        return "the store or its directory cannot be written";
    case SQLITE_CANTOPEN:
        return "the store or its directory cannot be opened (permissions?)";
    case SQLITE_NOMEM:
        return "out of memory";
    default:
        return NULL;
    }
}

void crtk_store_set_sqlite_error(crtk_store *s, GError **error, const char *what)
{
    int rc = sqlite3_extended_errcode(s->db);
    const char *meaning = crtk_store_sqlite_meaning(rc);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO,
                    "%s: %s: another process is writing the store; crtk %s (user %s) waited %.1f s for it to finish "
                    "(set CRTK_BUSY_TIMEOUT=SECONDS to wait longer) (SQLite: %s)", s->path, what,
                    s->command ? s->command : "", s->user ? s->user : g_get_user_name(),
                    crtk_store_busy_timeout_ms() / 1000.0, sqlite3_errmsg(s->db));
    else if (meaning)
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: %s: %s (SQLite: %s)", s->path, what, meaning,
                    sqlite3_errmsg(s->db));
    else
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

gboolean crtk_store_step_failed(crtk_store *s, int rc, GError **error, const char *what)
{
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return FALSE;
    if (error && *error)
        return TRUE;
    if (crtk_store_sqlite_meaning(rc))
        crtk_store_set_sqlite_error(s, error, what);
    else
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "SQL: %s", sqlite3_errmsg(s->db));
    return TRUE;
}

gboolean crtk_store_exec(crtk_store *s, const char *sql, GError **error)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK && crtk_store_sqlite_meaning(rc)) {
        crtk_store_set_sqlite_error(s, error, g_str_has_prefix(sql, "BEGIN") ? "cannot start writing"
                                              : g_str_has_prefix(sql, "COMMIT") ? "cannot save the changes"
                                              : "cannot run a statement");
        sqlite3_free(msg);
        return FALSE;
    }
    if (rc != SQLITE_OK) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: %s", s->path, msg ? msg : "SQL error");
        sqlite3_free(msg);
        return FALSE;
    }
    return TRUE;
}

gboolean crtk_store_set_cache(crtk_store *s, int kib, GError **error)
{
    char *sql = g_strdup_printf("PRAGMA cache_size = -%d;", kib > 0 ? kib : 1);
    gboolean ok = crtk_store_exec(s, sql, error);
    g_free(sql);
    return ok;
}

gboolean crtk_store_prepare(crtk_store *s, const char *sql, sqlite3_stmt **stmt, GError **error)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL) != SQLITE_OK) {
        crtk_store_set_sqlite_error(s, error, "cannot prepare a statement");
        return FALSE;
    }
    return TRUE;
}

char *crtk_store_now(void)
{
    GDateTime *now = g_date_time_new_now_utc();
    char *s = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S.%fZ");
    g_date_time_unref(now);
    /* %f gives microseconds; keep milliseconds */
    size_t n = strlen(s);
    if (n > 5)
        memmove(s + n - 4, s + n - 1, 2);
    return s;
}

char *crtk_today(void)
{
    const char *fixed = g_getenv("CRTK_TODAY");
    if (fixed && strlen(fixed) == 8)
        return g_strdup(fixed);
    GDateTime *now = g_date_time_new_now_local();
    char *s = g_date_time_format(now, "%Y%m%d");
    g_date_time_unref(now);
    return s;
}

gboolean crtk_store_item_in_tumor_table(const crtk_item *it)
{
    return it->level != CRTK_LEVEL_PATIENT;
}

void crtk_store_mark_used(crtk_store *s, int item_index)
{
    if (!s->used || s->used[item_index])
        return;
    s->used[item_index] = 1;
    g_array_append_val(s->used_new, item_index);
}

/* Loads which items have values (crtk_used_item); a store without the table reads every column. */
static void load_used(crtk_store *s)
{
    g_free(s->used);
    s->used = g_new0(guint8, crtk_dictionary_count(s->dict));
    if (!s->used_new)
        s->used_new = g_array_new(FALSE, FALSE, sizeof(int));
    g_array_set_size(s->used_new, 0);
    sqlite3_stmt *st;
    s->used_known = sqlite3_prepare_v2(s->db, "SELECT name FROM crtk_used_item", -1, &st, NULL) == SQLITE_OK;
    if (!s->used_known)
        return;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const crtk_item *it = crtk_dictionary_find(s->dict, (const char *)sqlite3_column_text(st, 0));
        if (it)
            s->used[it->index] = 1;
    }
    sqlite3_finalize(st);
    crtk_store_note_read_error(s, rc, "cannot read the used items");
}

static gboolean save_used(crtk_store *s, GError **error)
{
    if (!s->used_new || s->used_new->len == 0 || !s->used_known)
        return TRUE;
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "INSERT OR IGNORE INTO crtk_used_item(name) VALUES (?1)", &st, error))
        return FALSE;
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < s->used_new->len; i++) {
        const crtk_item *it = crtk_dictionary_item(s->dict, g_array_index(s->used_new, int, i));
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, it->id, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (!ok)
        crtk_store_set_sqlite_error(s, error, "cannot note the items in use");
    else
        g_array_set_size(s->used_new, 0);
    return ok;
}

char *crtk_store_read_columns(crtk_store *s, gboolean tumor, const char *alias)
{
    const char *a = alias ? alias : "";
    const char *dot = alias ? "." : "";
    if (!s->used_known)
        return g_strdup_printf("%s%s*", a, dot);
    GString *c = g_string_new(NULL);
    g_string_append_printf(c, "%s%sid", a, dot);
    if (tumor)
        g_string_append_printf(c, ", %s%spatient_id", a, dot);
    GArray *cols = tumor ? s->tumor_cols : s->patient_cols;
    for (guint i = 0; i < cols->len; i++) {
        int idx = g_array_index(cols, int, i);
        if (s->used[idx])
            g_string_append_printf(c, ", %s%s\"%s\"", a, dot, crtk_dictionary_item(s->dict, idx)->id);
    }
    return g_string_free(c, FALSE);
}

void crtk_store_build_columns(crtk_store *s)
{
    s->patient_cols = g_array_new(FALSE, FALSE, sizeof(int));
    s->tumor_cols = g_array_new(FALSE, FALSE, sizeof(int));
    for (int i = 0; i < crtk_dictionary_count(s->dict); i++) {
        const crtk_item *it = crtk_dictionary_item(s->dict, i);
        g_array_append_val(crtk_store_item_in_tumor_table(it) ? s->tumor_cols : s->patient_cols, i);
    }
}

int crtk_store_busy_timeout_ms(void)
{
    const char *e = g_getenv("CRTK_BUSY_TIMEOUT");
    if (e && *e) {
        double sec = g_ascii_strtod(e, NULL);
        if (sec >= 0 && sec < 86400)
            return (int)(sec * 1000);
    }
    return 10000;
}

static gboolean prepare_common(crtk_store *s, GError **error)
{
    sqlite3_busy_timeout(s->db, crtk_store_busy_timeout_ms());
    /* A larger page cache (32 MiB) keeps bulk imports from spilling pages early.  Read-only
     * connections (reports, scans, the edits' worker threads) stream the store: 8 MiB is plenty, and
     * it also bounds SQLite's sorter for GROUP BY and ORDER BY, so their memory stays flat. */
    if (!crtk_store_exec(s, s->read_only ? "PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192;"
                                         : "PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768;", error))
        return FALSE;
    /* Derived variables (age at diagnosis, site recodes, ...) as SQL functions: see docs/derived.md. */
    if (!crtk_derived_register_sqlite(s->db, error))
        return FALSE;
    /* Staging (crtk_stage, crtk_schema_id): see docs/staging.md. */
    if (!crtk_staging_register_sqlite(s->db, error))
        return FALSE;
    if (!s->user)
        s->user = g_strdup(g_get_user_name());
    if (!s->command)
        s->command = g_strdup("crtk");
    return TRUE;
}

static crtk_store *store_alloc(const char *path)
{
    crtk_store *s = g_new0(crtk_store, 1);
    s->path = g_strdup(path);
    s->query_seconds = 0; /* crtk's own scans run as long as the store is large; `crtk sql` sets a limit */
    crtk_output_protect(path); /* no output of this process may replace the store */
    return s;
}

void crtk_store_close(crtk_store *s)
{
    if (!s)
        return;
    crtk_output_unprotect(s->path);
    if (s->audit_insert)
        sqlite3_finalize(s->audit_insert);
    crtk_store_digest_forget(s);
    if (s->insert_patient)
        sqlite3_finalize(s->insert_patient);
    if (s->insert_tumor)
        sqlite3_finalize(s->insert_tumor);
    g_free(s->param_of_item);
    crtk_store_forget_statements(s);
    if (s->db)
        sqlite3_close_v2(s->db);
    if (s->dict)
        crtk_dictionary_unref(s->dict);
    if (s->patient_cols)
        g_array_free(s->patient_cols, TRUE);
    if (s->tumor_cols)
        g_array_free(s->tumor_cols, TRUE);
    g_free(s->audit_head);
    g_free(s->last_patient_key);
    g_clear_error(&s->read_error);
    g_free(s->used);
    if (s->used_new)
        g_array_free(s->used_new, TRUE);
    g_free(s->path);
    g_free(s->user);
    g_free(s->command);
    g_free(s);
}

GString *crtk_store_table_sql(crtk_store *s, const char *table, GArray *cols, gboolean tumor)
{
    GString *sql = g_string_new(NULL);
    g_string_append_printf(sql, "CREATE TABLE %s (\n  id INTEGER PRIMARY KEY", table);
    if (tumor)
        g_string_append(sql, ",\n  patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE");
    for (guint i = 0; i < cols->len; i++) {
        const crtk_item *it = crtk_dictionary_item(s->dict, g_array_index(cols, int, i));
        g_string_append_printf(sql, ",\n  \"%s\" TEXT", it->id);
    }
    /* the digest of the row's values (store_digest.c) */
    g_string_append(sql, ",\n  crtk_digest TEXT\n);\n");
    return sql;
}

static gboolean create_schema(crtk_store *s, GError **error)
{
    static const char base[] =
        "CREATE TABLE crtk_setting (key TEXT PRIMARY KEY, value TEXT);\n"
        "CREATE TABLE crtk_user_dictionary (uri TEXT PRIMARY KEY, xml TEXT NOT NULL);\n"
        "CREATE TABLE audit (\n"
        "  id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, command TEXT,\n"
        "  patient_id INTEGER, tumor_id INTEGER, patient_key TEXT, item TEXT,\n"
        "  old_value TEXT, new_value TEXT, hash TEXT NOT NULL, row_digest TEXT);\n"
        "CREATE INDEX audit_patient ON audit(patient_key);\n" CRTK_AUDIT_ROW_INDEX "\n"
        "CREATE TABLE crtk_used_item (name TEXT PRIMARY KEY);\n"
        "CREATE TABLE crtk_transmission (\n"
        "  id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, file TEXT NOT NULL,\n"
        "  sha256 TEXT, patients INTEGER, tumors INTEGER, naaccr_version INTEGER, record_type TEXT,\n"
        "  edit_set TEXT, since TEXT, failing_tumors INTEGER);\n";
    if (!crtk_store_exec(s, base, error))
        return FALSE;
    GString *p = crtk_store_table_sql(s, "patient", s->patient_cols, FALSE);
    GString *t = crtk_store_table_sql(s, "tumor", s->tumor_cols, TRUE);
    gboolean ok = crtk_store_exec(s, p->str, error) && crtk_store_exec(s, t->str, error);
    g_string_free(p, TRUE);
    g_string_free(t, TRUE);
    if (!ok)
        return FALSE;
    if (crtk_dictionary_find(s->dict, "patientIdNumber") &&
        !crtk_store_exec(s, "CREATE INDEX patient_key ON patient(\"patientIdNumber\");", error))
        return FALSE;
    if (!crtk_store_exec(s, "CREATE INDEX tumor_patient ON tumor(patient_id);", error))
        return FALSE;
    return crtk_store_ensure_indexes(s, error);
}

gboolean crtk_store_ensure_indexes(crtk_store *s, GError **error)
{
    /* [web workspace] named users, the access log and the patient index's look-ups (store_users.c,
       store_search.c). */
    if (!crtk_store_ensure_user_tables(s, error) || !crtk_store_ensure_search_indexes(s, error))
        return FALSE;
    /* Import finds a patient by the reporting facility's medical record number when the patient
       number differs (store_import.c): that look-up needs an index. */
    if (crtk_dictionary_find(s->dict, "reportingFacility") && crtk_dictionary_find(s->dict, "medicalRecordNumber"))
        return crtk_store_exec(s, "CREATE INDEX IF NOT EXISTS tumor_facility_mrn ON tumor(\"reportingFacility\", "
                                  "\"medicalRecordNumber\");", error);
    return TRUE;
}

gboolean crtk_store_put_setting_raw(crtk_store *s, const char *key, const char *value, GError **error)
{
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "INSERT INTO crtk_setting(key, value) VALUES (?1, ?2) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st, error))
        return FALSE;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    if (value)
        sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    gboolean ok = sqlite3_step(st) == SQLITE_DONE;
    if (!ok)
        crtk_store_set_sqlite_error(s, error, "cannot save a setting");
    sqlite3_finalize(st);
    return ok;
}

crtk_store *crtk_store_create(const char *path, int version, char **user_dictionary_paths, GError **error)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot create: %s", path,
                    errno == EEXIST ? "the file exists already" : g_strerror(errno));
        return NULL;
    }
    close(fd);
    crtk_store *s = store_alloc(path);
    GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *uds = g_ptr_array_new_with_free_func((GDestroyNotify)crtk_user_dictionary_free);
    gboolean ok = TRUE;
    s->dict = crtk_dictionary_new(version, error);
    if (!s->dict)
        ok = FALSE;
    for (char **p = user_dictionary_paths; ok && p && *p; p++) {
        char *data;
        size_t len;
        if (!crtk_read_whole_file(*p, &data, &len, error)) {
            ok = FALSE;
            break;
        }
        crtk_user_dictionary *ud = crtk_user_dictionary_parse(data, len, *p, NULL, NULL, error);
        if (!ud || !crtk_dictionary_add_user(s->dict, ud, error)) {
            crtk_user_dictionary_free(ud);
            g_free(data);
            ok = FALSE;
            break;
        }
        g_ptr_array_add(texts, data);
        g_ptr_array_add(uds, ud);
    }
    s->version = version;
    if (ok && sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot open as SQLite", path);
        ok = FALSE;
    }
    if (ok) {
        crtk_store_build_columns(s);
        ok = crtk_store_exec(s, "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; BEGIN;", error) &&
             create_schema(s, error);
        if (ok)
            load_used(s);
    }
    if (ok) {
        char v[16];
        g_snprintf(v, sizeof v, "%d", version);
        char *now = crtk_store_now();
        ok = crtk_store_put_setting_raw(s, "naaccrVersion", v, error) && crtk_store_put_setting_raw(s, "schemaVersion", SCHEMA_VERSION, error) &&
             crtk_store_put_setting_raw(s, "createdAt", now, error) && crtk_store_put_setting_raw(s, "followupDueMonths", "12", error) &&
             crtk_store_put_setting_raw(s, "followupLostMonths", "15", error);
        g_free(now);
        for (guint i = 0; ok && i < uds->len; i++) {
            sqlite3_stmt *st;
            ok = crtk_store_prepare(s, "INSERT INTO crtk_user_dictionary(uri, xml) VALUES (?1, ?2)", &st, error);
            if (!ok)
                break;
            sqlite3_bind_text(st, 1, crtk_user_dictionary_uri(g_ptr_array_index(uds, i)), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, g_ptr_array_index(texts, i), -1, SQLITE_TRANSIENT);
            ok = sqlite3_step(st) == SQLITE_DONE;
            sqlite3_finalize(st);
            if (!ok)
                crtk_store_set_sqlite_error(s, error, "cannot save a user dictionary");
        }
    }
    if (ok) {
        char v[16];
        g_snprintf(v, sizeof v, "%d", version);
        s->in_transaction = 1;
        s->schema_version = CRTK_STORE_SCHEMA;
        /* The first entry starts the version-2 chain (store_audit.c). */
        ok = prepare_common(s, error) && crtk_store_audit(s, 0, 0, NULL, CRTK_AUDIT_CHAIN_MARK, NULL, "2", error) &&
             crtk_store_audit(s, 0, 0, NULL, "naaccrVersion", NULL, v, error) && crtk_store_commit(s, error) &&
             crtk_store_digest_install(s, error);
        s->in_transaction = 0;
    }
    g_ptr_array_free(texts, TRUE);
    g_ptr_array_free(uds, TRUE);
    if (!ok) {
        crtk_store_close(s);
        unlink(path);
        char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
        unlink(wal);
        unlink(shm);
        g_free(wal);
        g_free(shm);
        return NULL;
    }
    return s;
}

crtk_store *crtk_store_open(const char *path, gboolean read_only, GError **error)
{
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: no such registry store (create one with crtk init)", path);
        return NULL;
    }
    crtk_store *s = store_alloc(path);
    s->read_only = read_only;
    if (sqlite3_open_v2(path, &s->db, (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        crtk_store_set_sqlite_error(s, error, "cannot open");
        crtk_store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, crtk_store_busy_timeout_ms());
    sqlite3_stmt *st = NULL;
    /* Tell apart: not a store at all, a damaged one, one that cannot be read, one being written. */
    int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM crtk_setting WHERE key = 'naaccrVersion'", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        int kind = rc & 0xff;
        if (rc == SQLITE_DONE || (kind == SQLITE_ERROR && strstr(sqlite3_errmsg(s->db), "no such table")))
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "%s: not a crtk registry store (an SQLite database without crtk's tables)", path);
        else if (kind == SQLITE_NOTADB)
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "%s: not a crtk registry store (not an SQLite database, or its first page is damaged)", path);
        else
            crtk_store_set_sqlite_error(s, error, "cannot open");
        sqlite3_finalize(st);
        crtk_store_close(s);
        return NULL;
    }
    s->version = atoi((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    /* A store made by a newer crtk is never written by this one. */
    char *sv = crtk_store_get_setting(s, "schemaVersion");
    s->schema_version = sv ? atoi(sv) : 1;
    g_free(sv);
    if (crtk_store_read_failed(s, error)) {
        crtk_store_close(s);
        return NULL;
    }
    if (s->schema_version > atoi(SCHEMA_VERSION)) {
        if (!read_only) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                        "%s: the store was made by a newer crtk (store schema %d; this crtk knows %s): "
                        "it can only be read; write to it with that newer crtk", path, s->schema_version,
                        SCHEMA_VERSION);
            crtk_store_close(s);
            return NULL;
        }
        g_printerr("crtk: %s: the store was made by a newer crtk (store schema %d; this crtk knows %s): "
                   "opened read-only\n", path, s->schema_version, SCHEMA_VERSION);
    }
    s->dict = crtk_dictionary_new(s->version, error);
    if (!s->dict) {
        crtk_store_close(s);
        return NULL;
    }
    gboolean ok = crtk_store_prepare(s, "SELECT uri, xml FROM crtk_user_dictionary ORDER BY rowid", &st, error);
    int urc = SQLITE_DONE;
    while (ok && (urc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *xml = (const char *)sqlite3_column_text(st, 1);
        crtk_user_dictionary *ud =
            crtk_user_dictionary_parse(xml, strlen(xml), (const char *)sqlite3_column_text(st, 0), NULL, NULL, error);
        if (!ud || !crtk_dictionary_add_user(s->dict, ud, error))
            ok = FALSE;
        crtk_user_dictionary_free(ud);
    }
    sqlite3_finalize(st);
    if (ok && crtk_store_step_failed(s, urc, error, "cannot read the user dictionaries"))
        ok = FALSE;
    if (ok) {
        crtk_store_build_columns(s);
        load_used(s);
        ok = prepare_common(s, error) && crtk_store_load_audit_head(s, error) && (read_only || crtk_store_ensure_indexes(s, error));
    /* A store made before row digests is brought forward when it is opened for writing. */
    if (ok && !read_only && s->schema_version < CRTK_STORE_SCHEMA)
        ok = crtk_store_digest_migrate(s, error);
    if (ok)
        ok = crtk_store_digest_install(s, error);
    }
    if (ok && crtk_store_read_failed(s, error))
        ok = FALSE;
    if (!ok) {
        crtk_store_close(s);
        return NULL;
    }
    return s;
}

const char *crtk_store_actor(const crtk_store *s)
{
    return s->user ? s->user : g_get_user_name();
}

void crtk_store_set_actor(crtk_store *s, const char *user, const char *command)
{
    if (user) {
        g_free(s->user);
        s->user = g_strdup(user);
    }
    if (command) {
        g_free(s->command);
        s->command = g_strdup(command);
    }
}

const char *crtk_store_path(const crtk_store *s)
{
    return s->path;
}

crtk_dictionary *crtk_store_dictionary(const crtk_store *s)
{
    return s->dict;
}

int crtk_store_version(const crtk_store *s)
{
    return s->version;
}

/* ---- settings --------------------------------------------------------------------------- */

char *crtk_store_get_setting(crtk_store *s, const char *key)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM crtk_setting WHERE key = ?1", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    char *v = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    crtk_store_note_read_error(s, rc, "cannot read a setting");
    return v;
}

gboolean crtk_store_set_setting(crtk_store *s, const char *key, const char *value, GError **error)
{
    char *old = crtk_store_get_setting(s, key);
    gboolean own = !s->in_transaction;
    if (own && !crtk_store_begin(s, error)) {
        g_free(old);
        return FALSE;
    }
    char *item = g_strconcat("setting:", key, NULL);
    gboolean ok = crtk_store_put_setting_raw(s, key, value && *value ? value : NULL, error) &&
                  crtk_store_audit(s, 0, 0, NULL, item, old, value, error);
    g_free(item);
    g_free(old);
    if (own) {
        if (ok)
            ok = crtk_store_commit(s, error);
        else
            crtk_store_rollback(s);
    }
    return ok;
}

GPtrArray *crtk_store_list_settings(crtk_store *s)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM crtk_setting ORDER BY key", -1, &st, NULL) != SQLITE_OK)
        return out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        g_ptr_array_add(out, g_strdup((const char *)sqlite3_column_text(st, 0)));
        const char *v = (const char *)sqlite3_column_text(st, 1);
        g_ptr_array_add(out, g_strdup(v ? v : ""));
    }
    sqlite3_finalize(st);
    crtk_store_note_read_error(s, rc, "cannot read the settings");
    return out;
}

/* ---- transactions ------------------------------------------------------------------------ */

/* A unit of a transaction failed: what the enclosing units wrote is no longer whole. */
static gboolean refuse_after_failed_unit(crtk_store *s, GError **error)
{
    if (!s->failed_units)
        return FALSE;
    g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                "%s: a part of the open transaction failed and was undone with all of it: end the transaction "
                "(crtk_store_rollback or crtk_store_commit) before writing again", s->path);
    return TRUE;
}

/* A nested unit failed (rolled back, or its commit failed) at depth `depth`: the whole transaction
 * is undone at once, and the units around it are marked failed.  A transaction of SQLite stays
 * open, so that whatever their callers write before they end (commit or roll back) is held there
 * and undone, not written one statement at a time; their commit fails. */
static void abandon_nested(crtk_store *s, int depth)
{
    s->in_transaction = 1;
    crtk_store_rollback(s); /* the whole transaction, and what the store keeps in memory of it */
    s->failed_units = depth - 1;
    if (sqlite3_exec(s->db, "BEGIN;", NULL, NULL, NULL) != SQLITE_OK)
        s->failed_units = 0; /* nothing can be held: nothing more can be undone either */
}

/* An enclosing unit of a failed one ends (commit or rollback): the last one undoes what was held. */
static void end_failed_unit(crtk_store *s)
{
    if (--s->failed_units == 0)
        sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
}

gboolean crtk_store_read_begin(crtk_store *s, gboolean *began, GError **error)
{
    *began = FALSE;
    if (crtk_store_read_failed(s, error) || refuse_after_failed_unit(s, error))
        return FALSE;
    if (s->in_transaction || s->reading)
        return TRUE; /* the open transaction already reads one state of the store */
    /* WAL: the snapshot is taken by the first read inside the transaction */
    if (!crtk_store_exec(s, "BEGIN DEFERRED; SELECT count(*) FROM crtk_setting;", error)) {
        sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
        return FALSE;
    }
    s->reading = TRUE;
    *began = TRUE;
    return TRUE;
}

void crtk_store_read_end(crtk_store *s)
{
    if (!s->reading)
        return;
    s->reading = FALSE;
    if (sqlite3_exec(s->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
}

/* A write transaction has just begun (crtk_store_begin, crtk_store_read_to_write): interim digest
 * flushes count its changes, and the audit chain continues from the real head, since another
 * process may have written since this one opened the store.  Rolls back on failure. */
static gboolean write_started(crtk_store *s, GError **error)
{
    s->changes_at_flush = sqlite3_total_changes64(s->db);
    g_free(s->audit_head);
    s->audit_head = NULL;
    s->audit_last_id = 0;
    if (!crtk_store_load_audit_head(s, error) || !crtk_store_audit_head_agrees(s, error)) {
        sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
        s->in_transaction = 0;
        return FALSE;
    }
    return TRUE;
}

gboolean crtk_store_read_to_write(crtk_store *s, GError **error)
{
    if (!s->reading || s->in_transaction) {
        g_set_error_literal(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                            "crtk_store_read_to_write: no read transaction of this caller is open");
        return FALSE;
    }
    if (crtk_store_read_failed(s, error))
        return FALSE;
    /* The first write of a read transaction takes the write lock on the snapshot read so far: SQLite
     * refuses (SQLITE_BUSY_SNAPSHOT) when another connection has committed since.  While another
     * connection holds the lock, SQLite does not wait inside a read transaction: try again until the
     * busy timeout, as crtk_store_begin would wait. */
    gint64 give_up = g_get_monotonic_time() + (gint64)crtk_store_busy_timeout_ms() * 1000;
    int rc;
    while ((rc = sqlite3_exec(s->db, "UPDATE crtk_setting SET key = key WHERE 0;", NULL, NULL, NULL)) != SQLITE_OK) {
        int ext = sqlite3_extended_errcode(s->db);
        if (ext == SQLITE_BUSY_SNAPSHOT) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_CONFLICT,
                        "%s: the store changed while it was being read (another user or process saved a change): "
                        "nothing was written; run the command again", s->path);
            return FALSE;
        }
        if ((rc & 0xff) != SQLITE_BUSY || g_get_monotonic_time() > give_up) {
            crtk_store_set_sqlite_error(s, error, "taking the write lock");
            return FALSE;
        }
        g_usleep(20000);
    }
    s->reading = FALSE;
    s->in_transaction = 1;
    return write_started(s, error);
}

gboolean crtk_store_begin(crtk_store *s, GError **error)
{
    if (crtk_store_read_failed(s, error) || refuse_after_failed_unit(s, error))
        return FALSE;
    if (s->reading) {
        g_set_error_literal(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                            "the store is being read (crtk_store_read_begin): it cannot be written until that ends");
        return FALSE;
    }
    if (s->in_transaction++)
        return TRUE;
    if (!crtk_store_exec(s, "BEGIN IMMEDIATE;", error)) {
        s->in_transaction = 0;
        return FALSE;
    }
    return write_started(s, error);
}

gboolean crtk_store_commit(crtk_store *s, GError **error)
{
    if (s->failed_units) {
        refuse_after_failed_unit(s, error);
        end_failed_unit(s);
        return FALSE;
    }
    if (s->in_transaction == 0)
        return TRUE;
    if (--s->in_transaction > 0) {
        /* the end of a nested unit (a patient's items, a contact): a safe point to flush digests */
        if (!crtk_store_digest_interim(s, error)) {
            abandon_nested(s, s->in_transaction + 1);
            return FALSE;
        }
        return TRUE;
    }
    /* The rows changed in the transaction get their digests (and entries stating them). */
    if (!crtk_store_digest_flush(s, error)) {
        s->in_transaction = 1;
        crtk_store_rollback(s);
        return FALSE;
    }
    /* Keep the head of the audit chain beside it, so that entries removed at the end are noticed. */
    if (crtk_store_read_failed(s, error) || !save_used(s, error)) {
        sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
        return FALSE;
    }
    char count[32];
    g_snprintf(count, sizeof count, "%" G_GINT64_FORMAT, s->audit_last_id);
    if (s->audit_head && (!crtk_store_put_setting_raw(s, "auditHead", s->audit_head, error) ||
                          !crtk_store_put_setting_raw(s, "auditCount", count, error))) {
        sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
        return FALSE;
    }
    if (!crtk_store_exec(s, "COMMIT;", error)) {
        sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
        return FALSE;
    }
    return TRUE;
}

void crtk_store_rollback(crtk_store *s)
{
    if (s->failed_units) {
        end_failed_unit(s);
        return;
    }
    if (s->in_transaction == 0)
        return;
    if (s->in_transaction > 1) {
        abandon_nested(s, s->in_transaction);
        return;
    }
    s->in_transaction = 0;
    sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
    for (guint i = 0; s->used_new && i < s->used_new->len; i++)
        s->used[g_array_index(s->used_new, int, i)] = 0;
    if (s->used_new)
        g_array_set_size(s->used_new, 0);
    /* The audit head in memory may be ahead of the file now. */
    g_free(s->audit_head);
    s->audit_head = NULL;
    s->audit_last_id = 0;
    crtk_store_load_audit_head(s, NULL);
}

/* ---- health --------------------------------------------------------------------------------- */

gboolean crtk_store_quick_check(crtk_store *s, gboolean *healthy, char **report, GError **error)
{
    sqlite3_stmt *st;
    *healthy = FALSE;
    *report = NULL;
    if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check(20)", -1, &st, NULL) != SQLITE_OK) {
        /* a damaged schema page can already stop the prepare: that is the answer */
        *report = g_strdup(sqlite3_errmsg(s->db));
        return TRUE;
    }
    GString *r = g_string_new(NULL);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (r->len)
            g_string_append_c(r, '\n');
        g_string_append(r, line ? line : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        int kind = rc & 0xff;
        if (kind != SQLITE_CORRUPT && kind != SQLITE_NOTADB && kind != SQLITE_IOERR) {
            crtk_store_set_sqlite_error(s, error, "cannot check the store");
            g_string_free(r, TRUE);
            return FALSE;
        }
        if (r->len)
            g_string_append_c(r, '\n');
        g_string_append(r, sqlite3_errmsg(s->db));
    }
    *healthy = rc == SQLITE_DONE && strcmp(r->str, "ok") == 0;
    *report = g_string_free(r, FALSE);
    return TRUE;
}
