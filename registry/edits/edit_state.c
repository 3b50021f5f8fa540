/* edit_state.c — what edit P01 remembers across records: for every patientIdNumber of a run, the
 * ordinal of the record it first came in and 32-bit hashes of the items P01 compares.
 *
 * A file may hold a patient as several records (one per tumor, as in many flat files), and P01
 * compares each with the first.  Kept in memory that table would grow with the file (about 100
 * bytes a patient: 100 MiB for a million), so it lives in a private SQLite database that SQLite
 * keeps in a temporary file (the "" database: deleted as it is opened, owner-only, and made only
 * when its 2 MiB page cache fills).  A patient id is stored as a 64-bit SipHash under a key drawn
 * at random for the run, so the file says nothing about the ids without the key, which stays in
 * memory; two ids share a hash with a chance of about n^2 / 2^65.
 *
 * Any SQLite failure (a full disk under the temporary file) is kept as the state's error and every
 * later check fails too: the edit engine reports it (crtk_edits_run_record returns -2) instead of
 * letting P01 pass unchecked.
 */
#include "edit_expr.h"
#include "problem.h"

#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

struct edit_state {
    sqlite3 *db; /* NULL until first used */
    sqlite3_stmt *get, *put;
    unsigned char key[crypto_shorthash_KEYBYTES];
    GError *error;
};

edit_state *edit_state_new(void)
{
    return g_new0(edit_state, 1);
}

static void state_close(edit_state *s)
{
    sqlite3_finalize(s->get);
    sqlite3_finalize(s->put);
    sqlite3_close(s->db);
    s->get = s->put = NULL;
    s->db = NULL;
    sodium_memzero(s->key, sizeof s->key);
}

void edit_state_free(edit_state *s)
{
    if (!s)
        return;
    state_close(s);
    g_clear_error(&s->error);
    g_free(s);
}

void edit_state_reset(edit_state *s)
{
    if (!s)
        return;
    state_close(s); /* opened again, empty, with a new key, when next used */
    g_clear_error(&s->error);
}

const GError *edit_state_error(const edit_state *s)
{
    return s ? s->error : NULL;
}

static gboolean state_failed(edit_state *s, const char *what)
{
    if (!s->error)
        g_set_error(&s->error, CRTK_ERROR, CRTK_ERROR_IO, "edit P01 cannot keep the patients it has seen (%s): %s",
                    what, s->db ? sqlite3_errmsg(s->db) : "out of memory");
    return FALSE;
}

static gboolean state_open(edit_state *s)
{
    if (s->db)
        return TRUE;
    if (sodium_init() < 0) {
        g_set_error_literal(&s->error, CRTK_ERROR, CRTK_ERROR_IO,
                            "edit P01 cannot keep the patients it has seen: libsodium did not start");
        return FALSE;
    }
    randombytes_buf(s->key, sizeof s->key);
    if (sqlite3_open_v2("", &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db,
                     "PRAGMA cache_size=-2048; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                     "CREATE TABLE seen(h INTEGER PRIMARY KEY, ordinal INTEGER, hashes BLOB); BEGIN;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT ordinal, hashes FROM seen WHERE h = ?1", -1, &s->get, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO seen(h, ordinal, hashes) VALUES(?1, ?2, ?3)", -1, &s->put,
                           NULL) != SQLITE_OK) {
        state_failed(s, "opening its temporary database");
        state_close(s);
        return FALSE;
    }
    return TRUE;
}

int edit_state_check(edit_state *s, const char *pid, long ordinal, const guint32 *h, int n, long *prev_ordinal,
                     guint32 *prev, int *n_prev)
{
    if (s->error || !state_open(s))
        return -1;
    unsigned char mac[crypto_shorthash_BYTES];
    crypto_shorthash(mac, (const unsigned char *)pid, strlen(pid), s->key);
    sqlite3_int64 key;
    memcpy(&key, mac, sizeof key);

    sqlite3_bind_int64(s->get, 1, key);
    int rc = sqlite3_step(s->get);
    if (rc == SQLITE_ROW) {
        long ord = (long)sqlite3_column_int64(s->get, 0);
        if (ord != ordinal) { /* seen in another record: the caller compares */
            int bytes = sqlite3_column_bytes(s->get, 1);
            const void *blob = sqlite3_column_blob(s->get, 1);
            *prev_ordinal = ord;
            *n_prev = MIN(bytes / (int)sizeof(guint32), EDIT_STATE_MAX_HASHES);
            if (*n_prev)
                memcpy(prev, blob, sizeof(guint32) * (size_t)*n_prev);
            sqlite3_reset(s->get);
            return 1;
        }
    }
    sqlite3_reset(s->get);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return state_failed(s, "looking up a patient"), -1;

    /* first seen, or the same record again: remember it (again) */
    sqlite3_bind_int64(s->put, 1, key);
    sqlite3_bind_int64(s->put, 2, ordinal);
    sqlite3_bind_blob(s->put, 3, h, (int)(sizeof(guint32) * (size_t)n), SQLITE_TRANSIENT);
    rc = sqlite3_step(s->put);
    sqlite3_reset(s->put);
    if (rc != SQLITE_DONE)
        return state_failed(s, "remembering a patient"), -1;
    return 0;
}
