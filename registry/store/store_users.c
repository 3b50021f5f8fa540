/* store_users.c — SQL of the user and access tables (see store_users.h). */
#include "store_private.h"
#include "store_users.h"

#include <string.h>

void crtk_store_user_free(crtk_store_user *u)
{
    if (!u)
        return;
    g_free(u->name);
    g_free(u->role);
    g_free(u->password_hash);
    g_free(u->created_at);
    g_free(u);
}

gboolean crtk_store_ensure_user_tables(crtk_store *s, GError **error)
{
    return crtk_store_exec(s,
        "CREATE TABLE IF NOT EXISTS crtk_user (\n"
        "  name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,\n"
        "  active INTEGER NOT NULL DEFAULT 1, failed_logins INTEGER NOT NULL DEFAULT 0,\n"
        "  locked_until INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);\n"
        "CREATE TABLE IF NOT EXISTS crtk_access (\n"
        "  id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, os_user TEXT,\n"
        "  patient_key TEXT, action TEXT NOT NULL);\n"
        "CREATE INDEX IF NOT EXISTS crtk_access_patient ON crtk_access(patient_key);\n"
        "CREATE TABLE IF NOT EXISTS crtk_abstract (\n"
        "  tumor_id INTEGER PRIMARY KEY REFERENCES tumor(id) ON DELETE CASCADE, status TEXT NOT NULL);\n", error);
}

/* 1 when the store has the user table, 0 when not, -1 when SQLite fails (read error). */
static int has_user_table(crtk_store *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'crtk_user'", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    crtk_store_note_read_error(s, rc, "cannot read the store's tables");
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

gint64 crtk_store_user_count(crtk_store *s)
{
    int has = has_user_table(s);
    if (has <= 0)
        return has;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM crtk_user", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    gint64 n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    crtk_store_note_read_error(s, rc, "cannot count the users");
    return n;
}

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? g_strdup((const char *)t) : NULL;
}

static crtk_store_user *row_user(sqlite3_stmt *st)
{
    crtk_store_user *u = g_new0(crtk_store_user, 1);
    u->name = col_text(st, 0);
    u->role = col_text(st, 1);
    u->password_hash = col_text(st, 2);
    u->active = sqlite3_column_int(st, 3) != 0;
    u->failed_logins = sqlite3_column_int(st, 4);
    u->locked_until = sqlite3_column_int64(st, 5);
    u->created_at = col_text(st, 6);
    return u;
}

#define USER_COLUMNS "name, role, password_hash, active, failed_logins, locked_until, created_at"

crtk_store_user *crtk_store_user_get(crtk_store *s, const char *name)
{
    if (!has_user_table(s))
        return NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT " USER_COLUMNS " FROM crtk_user WHERE name = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    crtk_store_user *u = rc == SQLITE_ROW ? row_user(st) : NULL;
    sqlite3_finalize(st);
    crtk_store_note_read_error(s, rc, "cannot read a user");
    return u;
}

GPtrArray *crtk_store_user_list(crtk_store *s, GError **error)
{
    GPtrArray *a = g_ptr_array_new_with_free_func((GDestroyNotify)crtk_store_user_free);
    if (!has_user_table(s))
        return a;
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "SELECT " USER_COLUMNS " FROM crtk_user ORDER BY name", &st, error)) {
        g_ptr_array_free(a, TRUE);
        return NULL;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        g_ptr_array_add(a, row_user(st));
    sqlite3_finalize(st);
    if (crtk_store_step_failed(s, rc, error, "cannot read the users")) {
        g_ptr_array_free(a, TRUE);
        return NULL;
    }
    return a;
}

static gboolean step_done(crtk_store *s, sqlite3_stmt *st, const char *what, GError **error)
{
    gboolean ok = sqlite3_step(st) == SQLITE_DONE;
    if (!ok)
        crtk_store_set_sqlite_error(s, error, what);
    sqlite3_finalize(st);
    return ok;
}

gboolean crtk_store_user_insert(crtk_store *s, const char *name, const char *role, const char *hash, GError **error)
{
    if (!crtk_store_ensure_user_tables(s, error))
        return FALSE;
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "INSERT INTO crtk_user(" USER_COLUMNS ") VALUES (?1, ?2, ?3, 1, 0, 0, ?4)", &st, error))
        return FALSE;
    char *now = crtk_store_now();
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, g_free);
    return step_done(s, st, "cannot add the user", error);
}

gboolean crtk_store_user_update(crtk_store *s, const char *name, const char *hash, int active, const char *role,
                                GError **error)
{
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s,
            "UPDATE crtk_user SET password_hash = coalesce(?2, password_hash), "
            "active = CASE WHEN ?3 < 0 THEN active ELSE ?3 END, role = coalesce(?4, role), "
            "failed_logins = CASE WHEN ?2 IS NULL THEN failed_logins ELSE 0 END, "
            "locked_until = CASE WHEN ?2 IS NULL THEN locked_until ELSE 0 END WHERE name = ?1", &st, error))
        return FALSE;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (hash)
        sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, active);
    if (role)
        sqlite3_bind_text(st, 4, role, -1, SQLITE_STATIC);
    return step_done(s, st, "cannot change the user", error);
}

gboolean crtk_store_user_set_login_state(crtk_store *s, const char *name, int failed_logins, gint64 locked_until,
                                         GError **error)
{
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "UPDATE crtk_user SET failed_logins = ?2, locked_until = ?3 WHERE name = ?1", &st,
                            error))
        return FALSE;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, failed_logins);
    sqlite3_bind_int64(st, 3, locked_until);
    return step_done(s, st, "cannot note the login", error);
}

gboolean crtk_store_access_log(crtk_store *s, const char *user, const char *os_user, const char *patient_key,
                               const char *action, GError **error)
{
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "INSERT INTO crtk_access(at, user, os_user, patient_key, action) VALUES (?1, ?2, ?3, ?4, ?5)",
                            &st, error))
        return FALSE;
    char *now = crtk_store_now();
    sqlite3_bind_text(st, 1, now, -1, g_free);
    sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, os_user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, patient_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, action, -1, SQLITE_STATIC);
    return step_done(s, st, "cannot record the access", error);
}

gboolean crtk_store_access_list(crtk_store *s, const char *patient_key, crtk_store_access_fn fn, void *data,
                                GError **error)
{
    if (!has_user_table(s))
        return TRUE;
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "SELECT at, user, action FROM crtk_access WHERE patient_key = ?1 ORDER BY id", &st,
                            error))
        return FALSE;
    sqlite3_bind_text(st, 1, patient_key, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
               (const char *)sqlite3_column_text(st, 2), data)) {
            rc = SQLITE_DONE;
            break;
        }
    gboolean failed = crtk_store_step_failed(s, rc, error, "cannot read the access log");
    sqlite3_finalize(st);
    return !failed;
}

static gboolean has_table(crtk_store *s, const char *name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return FALSE;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    gboolean yes = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    crtk_store_note_read_error(s, rc, "cannot read the store's tables");
    return yes;
}

/* The status recorded for the tumor, NULL when none is (newly allocated). */
static char *recorded_status(crtk_store *s, gint64 tumor_id)
{
    char *v = NULL;
    sqlite3_stmt *st;
    if (has_table(s, "crtk_abstract") &&
        sqlite3_prepare_v2(s->db, "SELECT status FROM crtk_abstract WHERE tumor_id = ?1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, tumor_id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            v = col_text(st, 0);
        sqlite3_finalize(st);
        crtk_store_note_read_error(s, rc, "cannot read an abstract's status");
    }
    return v;
}

char *crtk_store_abstract_status(crtk_store *s, gint64 tumor_id)
{
    char *v = recorded_status(s, tumor_id);
    return v ? v : g_strdup("incomplete");
}

gboolean crtk_store_set_abstract_status(crtk_store *s, gint64 patient_id, gint64 tumor_id, const char *status,
                                        GError **error)
{
    if (strcmp(status, "incomplete") && strcmp(status, "complete") && strcmp(status, "on hold")) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "abstract status '%s': incomplete, complete or on hold", status);
        return FALSE;
    }
    /* recorded even when it is the default: crtk submit holds back only recorded statuses */
    char *old = recorded_status(s, tumor_id);
    if (old && !strcmp(old, status)) {
        g_free(old);
        return TRUE;
    }
    sqlite3_stmt *st = NULL, *k = NULL;
    gboolean ok = crtk_store_begin(s, error) &&
                  crtk_store_prepare(s, "INSERT INTO crtk_abstract(tumor_id, status) VALUES (?1, ?2) "
                                        "ON CONFLICT(tumor_id) DO UPDATE SET status = excluded.status", &st, error);
    if (ok) {
        sqlite3_bind_int64(st, 1, tumor_id);
        sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
        ok = step_done(s, st, "cannot set the abstract status", error);
    }
    char *key = NULL;
    if (ok && crtk_store_prepare(s, "SELECT \"patientIdNumber\" FROM patient WHERE id = ?1", &k, NULL)) {
        sqlite3_bind_int64(k, 1, patient_id);
        int rc = sqlite3_step(k);
        if (rc == SQLITE_ROW)
            key = col_text(k, 0);
        else
            ok = !crtk_store_step_failed(s, rc, error, "cannot read the patient");
        sqlite3_finalize(k);
    }
    ok = ok && crtk_store_audit(s, patient_id, tumor_id, key, "abstractStatus", old, status, error) &&
         crtk_store_commit(s, error);
    if (!ok && s->in_transaction)
        crtk_store_rollback(s);
    g_free(key);
    g_free(old);
    return ok;
}

gboolean crtk_store_abstract_queue(crtk_store *s, int limit, crtk_store_queue_fn fn, void *data, GError **error)
{
    static const char *const need[] = {"patientIdNumber", "nameLast", "nameFirst", "medicalRecordNumber",
                                       "accessionNumberHosp", "primarySite", "dateOfDiagnosis", "dateOf1stContact"};
    GString *cols = g_string_new(NULL);
    for (unsigned i = 0; i < G_N_ELEMENTS(need); i++) {
        const crtk_item *it = crtk_dictionary_find(s->dict, need[i]);
        if (it)
            g_string_append_printf(cols, ", %s.\"%s\"", crtk_store_item_in_tumor_table(it) ? "t" : "p", need[i]);
        else
            g_string_append(cols, ", NULL");
    }
    char *sql = g_strdup_printf("SELECT t.id, p.id%s, coalesce(a.status, 'incomplete') FROM tumor t "
                                "JOIN patient p ON p.id = t.patient_id LEFT JOIN crtk_abstract a ON a.tumor_id = t.id "
                                "WHERE a.status IS NULL OR a.status <> 'complete' ORDER BY t.id LIMIT ?1", cols->str);
    g_string_free(cols, TRUE);
    sqlite3_stmt *st;
    gboolean ok = crtk_store_prepare(s, sql, &st, error);
    g_free(sql);
    if (!ok)
        return FALSE;
    sqlite3_bind_int(st, 1, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v[9];
        for (int i = 0; i < 9; i++) {
            v[i] = (const char *)sqlite3_column_text(st, i + 2);
            if (!v[i])
                v[i] = "";
        }
        if (fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), v, data)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    gboolean failed = crtk_store_step_failed(s, rc, error, "cannot read the work queue");
    sqlite3_finalize(st);
    return !failed;
}
