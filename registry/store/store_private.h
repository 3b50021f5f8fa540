/* store_private.h — the insides of a crtk_store, shared by the store*.c files. */
#ifndef CRTK_STORE_PRIVATE_H
#define CRTK_STORE_PRIVATE_H
#include "store.h"

struct crtk_store {
    sqlite3 *db;
    char *path;
    gboolean read_only;
    crtk_dictionary *dict;
    int version;
    int schema_version;
    int query_seconds;      /* time limit of crtk_store_select (0: none) */     /* the store's schemaVersion setting (1 when absent) */
    char *user;
    char *command;
    /* column lists, in dictionary order */
    GArray *patient_cols;  /* int item indexes stored in patient */
    GArray *tumor_cols;    /* int item indexes stored in tumor (Tumor and NaaccrData items) */
    sqlite3_stmt *audit_insert;
    sqlite3_stmt *insert_patient, *insert_tumor; /* all columns, prepared on first use */
    int *param_of_item;
    sqlite3_stmt *load_p, *load_t;  /* crtk_store_load_patient's statements, prepared once */
    int *load_p_map, *load_t_map;   /* their columns -> item indexes */
    GHashTable *item_stmts;          /* (item index * 2 + update) -> SELECT or UPDATE of one item's column */   /* per item index: parameter number in its table's insert (0 = none) */
    /* row digests (store_digest.c) */
    sqlite3_stmt *digest_read[2], *digest_put[2], *digest_trail[2]; /* [0] patient, [1] tumor */
    struct crtk_row_layout *digest_layout[2], *digest_insert_layout[2];
    GArray *digest_order[2];  /* per ordinal of a table's columns: its item index (-1: none), for inserts */
    GString *digest_buf;      /* a row's digest input */
    gboolean digest_installed; /* the temp triggers that note changed rows are in place */
    char *audit_head;      /* hash of the last audit entry */
    gint64 audit_last_id;
    int in_transaction;
    int failed_units; /* units still open around a unit that failed (see abandon_nested in store.c) */
    gboolean reading; /* crtk_store_read_begin: a read transaction is open */
    sqlite3_int64 changes_at_flush; /* sqlite3_total_changes64 after the last digest flush */
    guint8 *used;            /* per item index: the item has a value somewhere (see crtk_used_item) */
    GArray *used_new;        /* item indexes first used in the open transaction */
    gboolean used_known;     /* the store keeps crtk_used_item (older stores: read every column) */
    gint64 last_patient_id;  /* the patient last added, and its key (for audit rows of its tumors) */
    char *last_patient_key;
    GError *read_error;      /* the first failed read of a reader without GError (store_read_error.c) */
};

gboolean crtk_store_exec(crtk_store *s, const char *sql, GError **error);
gboolean crtk_store_prepare(crtk_store *s, const char *sql, sqlite3_stmt **stmt, GError **error);
/* Sets error from the connection's last SQLite failure, in words for the file's state
 * (damaged, disk full, busy, unwritable) when it is one, with SQLite's own message. */
void crtk_store_set_sqlite_error(crtk_store *s, GError **error, const char *what);
/* The largest value a read-only query may build (SQLITE_LIMIT_LENGTH while it runs). */
#define CRTK_SQL_MAX_LENGTH (64 * 1024 * 1024)
/* TRUE when text (NULL too) is UTF-8 without C0, DEL or C1 control characters. */
gboolean crtk_store_plain_text(const char *text);
/* The plain-words meaning of an SQLite result about the file, or NULL. */
const char *crtk_store_sqlite_meaning(int rc);
/* How long a store waits for another process's write: CRTK_BUSY_TIMEOUT seconds, default 10. */
int crtk_store_busy_timeout_ms(void);
/* TRUE (error set) when rc, a step result, is neither SQLITE_ROW nor SQLITE_DONE: every
 * loop over a cursor ends with this check, so a read error is never taken for the end. */
/* store_read_error.c: note a failed step (rc not ROW/DONE) of a reader that has no GError; and
 * whether one failed (copying its error into *error). */
void crtk_store_note_read_error(crtk_store *s, int rc, const char *what);
gboolean crtk_store_read_failed(crtk_store *s, GError **error);
gboolean crtk_store_step_failed(crtk_store *s, int rc, GError **error, const char *what);
/* Items stored in a table for the level (patient: Patient items; tumor: Tumor + NaaccrData items). */
gboolean crtk_store_item_in_tumor_table(const crtk_item *it);
/* Reads a row (SELECT id, [patient_id,] cols...) of the table into an element; first_col is the first item column. */
void crtk_store_row_to_element(crtk_store *s, sqlite3_stmt *st, int first_col, GArray *cols, crtk_element *e);
char *crtk_store_now(void);
GString *crtk_store_table_sql(crtk_store *s, const char *table, GArray *cols, gboolean tumor);
void crtk_store_build_columns(crtk_store *s);
/* Creates the indexes crtk's look-ups need when they are missing (older stores, after upgrade). */
gboolean crtk_store_ensure_indexes(crtk_store *s, GError **error);
/* Finalizes the statements kept for reuse (before the schema changes, and at close). */
void crtk_store_forget_statements(crtk_store *s);
/* The prepared statement that reads (update FALSE: ?1 = row id) or writes (update TRUE: ?1 = value,
 * ?2 = row id) one item's column in its table; kept for reuse, reset before it is returned. */
sqlite3_stmt *crtk_store_item_stmt(crtk_store *s, const crtk_item *it, gboolean update, GError **error);
gboolean crtk_store_put_setting_raw(crtk_store *s, const char *key, const char *value, GError **error);
/* Notes that an item now has a value somewhere; saved with the transaction (crtk_used_item). */
void crtk_store_mark_used(crtk_store *s, int item_index);
/* The column list for reading a table: "*" or id[, patient_id] and the used items' columns. */
char *crtk_store_read_columns(crtk_store *s, gboolean tumor, const char *alias);

/* Maps the result columns of a statement to item indexes (-1 for other columns); g_free. */
int *crtk_store_column_map(crtk_store *s, sqlite3_stmt *st);
/* Reads the current row of st into e through a column map. */
void crtk_store_row_to_element_map(sqlite3_stmt *st, const int *map, crtk_element *e);
/* The patientIdNumber of a patient row (for audit rows); g_free. */
char *crtk_store_patient_key(crtk_store *s, gint64 patient_id);
/* Writes one item's value to a row and audits it when it changed (*changed says so). */
gboolean crtk_store_set_one(crtk_store *s, const char *table, gint64 row, gint64 patient_id, gint64 tumor_id,
                            const char *key, const crtk_item *it, const char *value, gboolean *changed,
                            GError **error);

/* [store_audit.c] Reads the last audit entry's id and hash into s->audit_last_id / s->audit_head. */
gboolean crtk_store_load_audit_head(crtk_store *s, GError **error);
/* FALSE (error set) when the head and count kept in the settings do not describe the last entry. */
gboolean crtk_store_audit_head_agrees(crtk_store *s, GError **error);

/* ---- row digests and the audit chain, version 2 (store_digest.c, store_audit.c; docs/store.md) ---- */
#define CRTK_STORE_SCHEMA 2              /* schemaVersion this crtk writes */
#define CRTK_AUDIT_CHAIN_MARK "auditChain" /* the entry (old 1 or empty, new 2) where the version-2 chain starts */
#define CRTK_AUDIT_ROW_INDEX \
    "CREATE INDEX IF NOT EXISTS audit_row ON audit(tumor_id, patient_id) WHERE row_digest IS NOT NULL;"
/* Appends an audit entry that also states a row's digest ("-": the row was deleted; NULL: none). */
gboolean crtk_store_audit_row(crtk_store *s, gint64 patient_id, gint64 tumor_id, const char *patient_key,
                              const char *item, const char *old_value, const char *new_value, const char *row_digest,
                              GError **error);
/* Length-prefixed fields, appended to B for one hash (crtk_digest_hex): 8-byte big-endian
 * length, then the bytes; len < 0 is NULL (length 2^64-1, no bytes).  Unambiguous: no separator can
 * be forged inside a value. */
void crtk_digest_field(GString *b, const void *data, gssize len);
void crtk_digest_text(GString *b, const char *text);
void crtk_digest_int(GString *b, gint64 v, gboolean null);
/* The hex BLAKE2b-256 (libsodium's crypto_generichash, 32 bytes, no key) of B's bytes into HEX
 * (65 bytes); returns HEX.  Row digests and the version-2 chain use it: the same strength as
 * SHA-256 at a fraction of its cost in software (docs/store.md). */
char *crtk_digest_hex(const GString *b, char hex[65]);
/* The digest of a row about to be inserted with the values of e (see store_digest.c); g_free. */
char *crtk_store_digest_element(crtk_store *s, const crtk_element *e, gboolean tumor, gint64 patient_id);
/* Creates the temp triggers that note changed rows (writable stores of schema 2). */
gboolean crtk_store_digest_install(crtk_store *s, GError **error);
/* At commit: digests of the rows changed in the transaction, each stated in an audit entry; fails
 * (nothing written) when a row was changed outside crtk before this transaction changed it. */
gboolean crtk_store_digest_flush(crtk_store *s, GError **error);
/* Changes (rows written, as sqlite3_total_changes64 counts them, audit entries included) after
 * which an interim flush is made: a few thousand noted rows at most. */
#define CRTK_DIGEST_INTERIM_CHANGES 16384
/* Inside a transaction, at a point between two rows' changes: flushes (as at commit) once
 * CRTK_DIGEST_INTERIM_CHANGES changes were made since the last flush, so that the rows noted
 * for it do not grow with the transaction. */
gboolean crtk_store_digest_interim(crtk_store *s, GError **error);
/* Computes and records the digest of every row (after the schema upgrade and NAACCR upgrades). */
gboolean crtk_store_digest_all(crtk_store *s, GError **error);
/* Brings a store of schema 1 forward: digest columns, the chain marker, every row's digest. */
gboolean crtk_store_digest_migrate(crtk_store *s, GError **error);
void crtk_store_digest_forget(crtk_store *s);
/* Fails (error names the row) when a row's values are not those the trail last recorded. */
gboolean crtk_store_digest_check_all(crtk_store *s, GError **error);
/* What the trail last said about a row, while verifying. */
typedef struct {
    char *digest;      /* "-" when deleted */
    gint64 entry, patient_id;
    gboolean seen;
} crtk_trail_row;
gint64 crtk_trail_key(int t, gint64 id);
/* Compares every row with its digest and with trail (keys crtk_trail_key); *why names the first
 * problem (NULL when none).  FALSE only on a read error. */
gboolean crtk_store_digest_verify(crtk_store *s, GHashTable *trail, gint64 *rows, char **why, GError **error);

#endif
