/* due_order.c — the order of the follow-up due list, kept out of memory (see due_order.h).
 *
 * The due list of a large store has hundreds of thousands of patients; held in memory, with
 * names and tumors, it grew with the store.  Only the sort keys are kept here, in a private SQLite
 * database that SQLite keeps in a temporary file once its 2 MiB page cache fills (the ""
 * database: deleted as it is opened, owner-only): the group label (a next follow-up source or a
 * physician, never a patient), the date of last contact as a number, the patient's rank in
 * patientIdNumber order and the patient's row id.  No patient's name, number or item is written;
 * the due list reads each patient again from the store as it writes it.
 */
#include "due_order.h"

#include <sqlite3.h>

struct due_order {
    sqlite3 *db;
    sqlite3_stmt *add, *rank, *count;
    gboolean indexed;
};

static gboolean order_failed(due_order *o, const char *what, GError **error)
{
    g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "the follow-up list cannot keep its order (%s): %s", what,
                o->db ? sqlite3_errmsg(o->db) : "out of memory");
    return FALSE;
}

due_order *due_order_new(GError **error)
{
    due_order *o = g_new0(due_order, 1);
    if (sqlite3_open_v2("", &o->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
        sqlite3_exec(o->db,
                     "PRAGMA cache_size=-2048; PRAGMA temp_store=FILE; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                     "CREATE TABLE due(row INTEGER PRIMARY KEY, grp TEXT NOT NULL, dlc INTEGER NOT NULL, rank INTEGER);"
                     "BEGIN;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(o->db, "INSERT INTO due(row, grp, dlc) VALUES(?1, ?2, ?3)", -1, &o->add, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(o->db, "UPDATE due SET rank = ?2 WHERE row = ?1", -1, &o->rank, NULL) != SQLITE_OK) {
        order_failed(o, "opening its temporary database", error);
        due_order_free(o);
        return NULL;
    }
    return o;
}

void due_order_free(due_order *o)
{
    if (!o)
        return;
    sqlite3_finalize(o->add);
    sqlite3_finalize(o->rank);
    sqlite3_finalize(o->count);
    sqlite3_close(o->db);
    g_free(o);
}

static gboolean step_done(due_order *o, sqlite3_stmt *st, const char *what, GError **error)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE || order_failed(o, what, error);
}

gboolean due_order_add(due_order *o, gint64 row, const char *group, int last_contact, GError **error)
{
    g_return_val_if_fail(!o->indexed, FALSE);
    sqlite3_bind_int64(o->add, 1, row);
    sqlite3_bind_text(o->add, 2, group ? group : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(o->add, 3, last_contact);
    return step_done(o, o->add, "adding a patient", error);
}

gboolean due_order_rank(due_order *o, gint64 row, gint64 rank, GError **error)
{
    g_return_val_if_fail(!o->indexed, FALSE);
    sqlite3_bind_int64(o->rank, 1, row);
    sqlite3_bind_int64(o->rank, 2, rank);
    return step_done(o, o->rank, "ranking a patient", error);
}

gboolean due_order_finish(due_order *o, GError **error)
{
    if (o->indexed)
        return TRUE;
    if (sqlite3_exec(o->db, "CREATE INDEX due_order ON due(grp, dlc, rank, row); COMMIT;", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(o->db, "SELECT count(*) FROM due WHERE grp = ?1", -1, &o->count, NULL) != SQLITE_OK)
        return order_failed(o, "sorting", error);
    o->indexed = TRUE;
    return TRUE;
}

gboolean due_order_each(due_order *o, due_order_fn fn, void *user, GError **error)
{
    g_return_val_if_fail(o->indexed, FALSE);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db, "SELECT row, grp FROM due ORDER BY grp, dlc, rank, row", -1, &st, NULL) != SQLITE_OK)
        return order_failed(o, "reading", error);
    int rc;
    gboolean ok = TRUE;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = fn(sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1), user, error);
    if (ok && rc != SQLITE_DONE)
        ok = order_failed(o, "reading", error);
    sqlite3_finalize(st);
    return ok;
}

long due_order_group_count(due_order *o, const char *group, GError **error)
{
    g_return_val_if_fail(o->indexed, -1);
    sqlite3_bind_text(o->count, 1, group ? group : "", -1, SQLITE_TRANSIENT);
    long n = -1;
    if (sqlite3_step(o->count) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(o->count, 0);
    else
        order_failed(o, "counting a group", error);
    sqlite3_reset(o->count);
    return n;
}
