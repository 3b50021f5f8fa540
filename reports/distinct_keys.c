/* distinct_keys.c — sets of keys in bounded memory: keyed hashes in a temporary SQLite database
 * (see distinct_keys.h). */
#include "distinct_keys.h"
#include "problem.h"

#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

struct crtk_distinct_keys {
    sqlite3 *db;
    int n_sets;
    sqlite3_stmt **insert;  /* per set: INSERT OR IGNORE of one hash */
    long *count;            /* per set: distinct keys */
    unsigned char hash_key[crypto_shorthash_KEYBYTES];
};

static void set_sqlite_error(GError **error, sqlite3 *db, const char *what)
{
    g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "temporary database for %s: %s", what,
                db ? sqlite3_errmsg(db) : "out of memory");
}

crtk_distinct_keys *crtk_distinct_keys_new(int n_sets, GError **error)
{
    g_return_val_if_fail(n_sets > 0, NULL);
    if (sodium_init() < 0) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "libsodium cannot start");
        return NULL;
    }
    crtk_distinct_keys *k = g_new0(crtk_distinct_keys, 1);
    k->n_sets = n_sets;
    k->insert = g_new0(sqlite3_stmt *, n_sets);
    k->count = g_new0(long, n_sets);
    randombytes_buf(k->hash_key, sizeof k->hash_key);
    /* "" is a private database in a temporary file that SQLite deletes when it is closed */
    if (sqlite3_open_v2("", &k->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
        sqlite3_exec(k->db, "PRAGMA cache_size=-2048; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;", NULL, NULL,
                     NULL) != SQLITE_OK) {
        set_sqlite_error(error, k->db, "distinct keys");
        crtk_distinct_keys_free(k);
        return NULL;
    }
    for (int i = 0; i < n_sets; i++) {
        char *create = g_strdup_printf("CREATE TABLE s%d(h INTEGER PRIMARY KEY)", i);
        char *insert = g_strdup_printf("INSERT OR IGNORE INTO s%d(h) VALUES(?)", i);
        gboolean ok = sqlite3_exec(k->db, create, NULL, NULL, NULL) == SQLITE_OK &&
                      sqlite3_prepare_v2(k->db, insert, -1, &k->insert[i], NULL) == SQLITE_OK;
        g_free(create);
        g_free(insert);
        if (!ok) {
            set_sqlite_error(error, k->db, "distinct keys");
            crtk_distinct_keys_free(k);
            return NULL;
        }
    }
    /* one transaction for the whole life of the set: nothing of it needs to survive a crash */
    if (sqlite3_exec(k->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        set_sqlite_error(error, k->db, "distinct keys");
        crtk_distinct_keys_free(k);
        return NULL;
    }
    return k;
}

int crtk_distinct_keys_add(crtk_distinct_keys *k, int which, const char *key, size_t len, GError **error)
{
    g_return_val_if_fail(which >= 0 && which < k->n_sets, -1);
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)key, len, k->hash_key);
    sqlite3_int64 v;
    memcpy(&v, h, sizeof v);
    sqlite3_stmt *st = k->insert[which];
    sqlite3_bind_int64(st, 1, v);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        set_sqlite_error(error, k->db, "distinct keys");
        return -1;
    }
    if (sqlite3_changes(k->db) == 0)
        return 0;
    k->count[which]++;
    return 1;
}

long crtk_distinct_keys_count(const crtk_distinct_keys *k, int which)
{
    return which >= 0 && which < k->n_sets ? k->count[which] : 0;
}

void crtk_distinct_keys_free(crtk_distinct_keys *k)
{
    if (!k)
        return;
    for (int i = 0; i < k->n_sets; i++)
        sqlite3_finalize(k->insert[i]);
    sqlite3_close(k->db);
    sodium_memzero(k->hash_key, sizeof k->hash_key);
    g_free(k->insert);
    g_free(k->count);
    g_free(k);
}
