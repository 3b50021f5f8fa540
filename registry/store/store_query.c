/* store_query.c — reading a store in bulk: read-only SQL for reports and `crtk sql` (an
 * authorizer refuses anything that writes), counting and iterating the patients a --where
 * condition selects.  Iteration streams patients and their tumors with two ordered cursors, so
 * exporting a million tumors needs no more memory than one patient.
 */
#include "store_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


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
    int *pmap = crtk_store_column_map(s, ps), *tmap = crtk_store_column_map(s, ts);
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
        crtk_store_row_to_element_map(ps, pmap, &p->record->patient);
        while (trc == SQLITE_ROW && sqlite3_column_int64(ts, tpid_col) < pid)
            trc = sqlite3_step(ts);
        while (trc == SQLITE_ROW && sqlite3_column_int64(ts, tpid_col) == pid) {
            gint64 tid = sqlite3_column_int64(ts, 0);
            g_array_append_val(ids, tid);
            crtk_store_row_to_element_map(ts, tmap, crtk_record_add_tumor(p->record));
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
