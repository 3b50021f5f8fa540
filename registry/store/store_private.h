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
    char *audit_head;      /* hash of the last audit entry */
    gint64 audit_last_id;
    int in_transaction;
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

#endif
