/* store.h — the registry store: one SQLite file per registry.
 *
 * Tables `patient` and `tumor` (tumor.patient_id references patient.id) have
 * one TEXT column per NAACCR item of the store's version, named by its
 * naaccrId, holding the exact coded text (NULL when empty); user-dictionary
 * items become columns too.  Settings (NAACCR version, user dictionaries,
 * registry identifiers, reference date, follow-up windows) live in
 * `crtk_setting`; the user dictionaries' XML in `crtk_user_dictionary`; every
 * change in `audit`, chained with SHA-256 hashes.  All SQL of crtk is kept in
 * the store layer (store*.c), portable and with bound parameters; other layers
 * ask the store.  The file is created readable and writable by its owner only,
 * in WAL mode.
 */
#ifndef CRTK_STORE_H
#define CRTK_STORE_H

#include "export.h"

#include <glib.h>
#include <sqlite3.h>
#include "dictionary.h"
#include "record.h"
#include "naaccr_read.h"

typedef struct crtk_store crtk_store;

/* Creates a new store (fails if the file exists).  user_dictionary_paths: NAACCR dictionary XML
 * files (NULL-terminated, may be NULL); their text is kept in the store. */
CRTK_API crtk_store *crtk_store_create(const char *path, int version, char **user_dictionary_paths, GError **error);
CRTK_API crtk_store *crtk_store_open(const char *path, gboolean read_only, GError **error);
CRTK_API void crtk_store_close(crtk_store *s);

/* Who is working, and with which command: recorded in the audit trail. */
CRTK_API void crtk_store_set_actor(crtk_store *s, const char *user, const char *command);
/* The user the trail names for this connection's changes and views (the OS login when none was set). */
CRTK_API const char *crtk_store_actor(const crtk_store *s);
CRTK_API const char *crtk_store_path(const crtk_store *s);
CRTK_API crtk_dictionary *crtk_store_dictionary(const crtk_store *s);
CRTK_API int crtk_store_version(const crtk_store *s);
/* Limits this connection's page cache to KIB kibibytes (32 MiB for a writable store, 8 MiB read-only,
 * by default): a command that passes over the whole store once gains nothing from a larger one and
 * keeps its memory down.  FALSE with SQLite's error. */
CRTK_API gboolean crtk_store_set_cache(crtk_store *s, int kib, GError **error);
/* FALSE, with SQLite's error, when a read that has no error of its own (a setting, the users, a
 * status) failed since the store was opened: what it returned ("unset", "none") cannot be trusted.
 * Writes refuse to start or commit after such a failure; a command that only reads checks here
 * before it presents what it read. */
CRTK_API gboolean crtk_store_reads_ok(crtk_store *s, GError **error);

/* ---- settings ---------------------------------------------------------------- */
/* Known keys: registryName, registryPhone, registryAddress, registryId, reportingFacility,
 * referenceDate (YYYYMMDD), followupDueMonths (12), followupLostMonths (15). */
CRTK_API char *crtk_store_get_setting(crtk_store *s, const char *key);              /* NULL when unset */
CRTK_API gboolean crtk_store_set_setting(crtk_store *s, const char *key, const char *value, GError **error);
/* All settings as key/value pairs (newly allocated GPtrArray of char*: k0, v0, k1, v1...). */
CRTK_API GPtrArray *crtk_store_list_settings(crtk_store *s);

/* ---- transactions -------------------------------------------------------------- */
/* A write transaction.  Transactions nest: crtk_store_begin inside an open one opens a unit of it,
 * which crtk_store_commit ends (a safe point, written with the outermost commit) or
 * crtk_store_rollback undoes.  A unit that fails (rolled back, or its commit failed) undoes the
 * whole transaction at once: the units around it are then failed too.  Until each of them ends,
 * crtk_store_begin and crtk_store_read_begin refuse, what their callers write is held and undone,
 * and crtk_store_commit fails (CRTK_ERROR_USAGE): nothing of a transaction is written in part.
 * A failed commit has ended its unit (rolled back): do not roll it back again. */
CRTK_API gboolean crtk_store_begin(crtk_store *s, GError **error);
CRTK_API gboolean crtk_store_commit(crtk_store *s, GError **error);
CRTK_API void crtk_store_rollback(crtk_store *s);
/* A read transaction: every read until crtk_store_read_end sees the store as it was when it began,
 * whatever other connections commit meanwhile (a list read in two passes agrees with itself).
 * *began is FALSE when a transaction was already open (its reads are already of one state; then
 * do not call crtk_store_read_end).  crtk_store_begin fails while it lasts. */
CRTK_API gboolean crtk_store_read_begin(crtk_store *s, gboolean *began, GError **error);
CRTK_API void crtk_store_read_end(crtk_store *s);
/* Turns the read transaction this caller began (crtk_store_read_begin set *began) into a write
 * transaction on the same state of the store, as crtk_store_begin had opened it (end it with
 * crtk_store_commit or crtk_store_rollback): what is written follows from exactly what was read.
 * Fails with CRTK_ERROR_CONFLICT when another connection committed since the read began (nothing
 * is written; the read transaction stays open for crtk_store_read_end), or CRTK_ERROR_IO when the
 * write lock is not free within the busy timeout. */
CRTK_API gboolean crtk_store_read_to_write(crtk_store *s, GError **error);

/* ---- cases --------------------------------------------------------------------- */

/* A patient as stored: the record plus the row ids of the patient and its tumors. */
typedef struct crtk_stored_patient {
    gint64 patient_id;
    gint64 *tumor_ids;     /* record->n_tumors of them */
    crtk_record *record;
} crtk_stored_patient;

CRTK_API crtk_stored_patient *crtk_stored_patient_new(crtk_store *s);
CRTK_API void crtk_stored_patient_free(crtk_stored_patient *p);

/* Finds a patient by patientIdNumber or, if all digits and prefixed with '#', by row id. Returns row id or 0. */
CRTK_API gint64 crtk_store_find_patient(crtk_store *s, const char *key);
/* The next patientIdNumber: one more than the largest numeric one in the store, as 8 digits
 * ("00000001" in an empty store).  Newly allocated (g_free); NULL with error when the store
 * cannot be read. */
CRTK_API char *crtk_store_next_patient_id_number(crtk_store *s, GError **error);
CRTK_API gboolean crtk_store_load_patient(crtk_store *s, gint64 patient_id, crtk_stored_patient *out, GError **error);

/* Sets items of a patient (tumor_id 0) or tumor: values are checked against their items first;
 * changes are audited; changing a tumor sets dateCaseLastChanged.  items/values are parallel
 * arrays of naaccrIds and values ("" clears). */
CRTK_API gboolean crtk_store_set_items(crtk_store *s, gint64 patient_id, gint64 tumor_id, const char *const *items,
                              const char *const *values, int n, GError **error);
/* New patient from a record's patient element (tumors ignored); returns its row id or 0. */
CRTK_API gint64 crtk_store_insert_patient(crtk_store *s, const crtk_element *patient, GError **error);
CRTK_API gint64 crtk_store_insert_tumor(crtk_store *s, gint64 patient_id, const crtk_element *tumor, GError **error);
CRTK_API gboolean crtk_store_delete_patient(crtk_store *s, gint64 patient_id, GError **error);
CRTK_API gboolean crtk_store_delete_tumor(crtk_store *s, gint64 tumor_id, GError **error);
/* Renumbers sequenceNumberHospital and sequenceNumberCentral of a patient's tumors in diagnosis
 * order (NAACCR coding rules: 00/01.. for in situ/malignant, 60/61.. for non-malignant). */
CRTK_API gboolean crtk_store_renumber_sequences(crtk_store *s, gint64 patient_id, GError **error);

/* ---- iteration ------------------------------------------------------------------- */

/* Calls fn for every patient with at least one selected tumor (where: an SQL condition over the
 * columns of tumor and patient, run read-only; NULL = all), tumors restricted to the selected ones,
 * patients without tumors included when where is NULL.  Patients come in row-id order. */
typedef int (*crtk_store_patient_fn)(crtk_stored_patient *p, void *user);
CRTK_API gboolean crtk_store_foreach(crtk_store *s, const char *where, crtk_store_patient_fn fn, void *user,
                            GError **error);
/* Counts (patients, tumors) matching where. */
CRTK_API gboolean crtk_store_count(crtk_store *s, const char *where, gint64 *patients, gint64 *tumors, GError **error);

/* A read-only query for reports: runs sql (one SELECT; ?1.. bound to params) and calls fn per row
 * with the column texts.  The store checks that the statement only reads. */
typedef int (*crtk_store_row_fn)(int ncols, const char *const *values, const char *const *names, void *user);
CRTK_API gboolean crtk_store_select(crtk_store *s, const char *sql, const char *const *params, int n_params,
                           crtk_store_row_fn fn, void *user, GError **error);
/* The same, with each value's SQLite type: numbers[i] is TRUE for an INTEGER or REAL value (a
 * count, an average), FALSE for text (NAACCR items are text: their leading zeros are kept) and NULL. */
typedef int (*crtk_store_typed_row_fn)(int ncols, const char *const *values, const gboolean *numbers,
                                       const char *const *names, void *user);
CRTK_API gboolean crtk_store_select_typed(crtk_store *s, const char *sql, const char *const *params, int n_params,
                                          crtk_store_typed_row_fn fn, void *user, GError **error);

/* ---- queries keyed by naaccrIds (reports, follow-up, QA) ---------------------------------- */

/* Which tumors a query covers.  Zero-initialise, then set what is needed. */
typedef struct crtk_store_query {
    const char *where;          /* the user's selection: a read-only SQL condition over the columns of tumor
                                   and patient (as `crtk export --where`), NULL = every tumor */
    const char *year_item;      /* with year_from/year_to: the date item whose year (its first four
                                   characters) must lie in [year_from, year_to]; 0 leaves a side open */
    int year_from, year_to;
    gint64 patient_from, patient_to; /* patient row ids (crtk_store_patient_range), 0 = no bound */
    const GArray *tumor_rows;   /* gint64 tumor row ids: only these tumors (NULL = no such limit) */
} crtk_store_query;

/* Item specs name what a query returns, by naaccrId:
 *   "primarySite"          the item's value (NULL when blank or when the store's dictionary lacks it)
 *   "dateOfDiagnosis:4"    its first 4 characters (the year of a date)
 *   "sexAssignedAtBirth|sex"  the first of these items that has a value (items the store lacks are
 *                          left out) — for items renamed between NAACCR versions, or coded/derived pairs
 * The SQL these become stays inside the store layer, so reports work on any store back end. */

/* Counts the query's tumors grouped by the values of specs: fn is called once per distinct
 * combination with n_specs + 1 values, the last being the count (decimal text).  The order of
 * groups is unspecified.  FALSE with error for a bad where, an unknown spec syntax or a store error. */
CRTK_API gboolean crtk_store_aggregate(crtk_store *s, const crtk_store_query *q, const char *const *specs, int n_specs,
                                       crtk_store_row_fn fn, void *user, GError **error);
/* Calls fn for each of the query's tumors, in patient then tumor order, with n_specs + 2 values: the
 * patient's and the tumor's row ids (decimal text), then the specs' values.  Memory does not grow
 * with the store. */
CRTK_API gboolean crtk_store_scan_items(crtk_store *s, const crtk_store_query *q, const char *const *specs, int n_specs,
                                        crtk_store_row_fn fn, void *user, GError **error);
/* Counts the query's patients and tumors. */
CRTK_API gboolean crtk_store_query_count(crtk_store *s, const crtk_store_query *q, gint64 *patients, gint64 *tumors,
                                         GError **error);
/* The smallest and largest patient row ids (0, 0 for an empty store): to split a scan into ranges. */
CRTK_API gboolean crtk_store_patient_range(crtk_store *s, gint64 *first, gint64 *last, GError **error);

/* ---- import ----------------------------------------------------------------------- */

typedef enum { CRTK_CONFLICT_UPDATE, CRTK_CONFLICT_SKIP, CRTK_CONFLICT_FAIL } crtk_conflict;

typedef struct crtk_import_options {
    crtk_conflict on_conflict;
    gboolean force;              /* load even when the file has errors (values that fail are still kept) */
    crtk_read_options read;
} crtk_import_options;

typedef struct crtk_import_stats {
    long patients_read, tumors_read;
    long patients_added, patients_updated, patients_skipped;
    long tumors_added, tumors_updated, tumors_skipped;
    long values_changed;
    long errors, warnings;
} crtk_import_stats;

/* Imports one file as one transaction.  Problems go to on_problem.  Returns FALSE (store
 * unchanged) when the file fails: a fatal problem, errors without force, or a conflict
 * with on_conflict = fail. */
CRTK_API gboolean crtk_store_import(crtk_store *s, const char *path, const crtk_import_options *options,
                           crtk_problem_fn on_problem, void *user, crtk_import_stats *stats, GError **error);

/* ---- audit ----------------------------------------------------------------------------- */

typedef struct crtk_audit_entry {
    gint64 id;
    const char *at, *user, *command, *patient_key, *item, *old_value, *new_value, *hash;
    gint64 patient_id, tumor_id;
    const char *row_digest; /* the row's digest after this entry ("-": deleted), or NULL (docs/store.md) */
} crtk_audit_entry;

/* Records one change (used by the store itself and by layers that change settings). */
CRTK_API gboolean crtk_store_audit(crtk_store *s, gint64 patient_id, gint64 tumor_id, const char *patient_key,
                          const char *item, const char *old_value, const char *new_value, GError **error);
typedef int (*crtk_audit_fn)(const crtk_audit_entry *e, void *user);
CRTK_API gboolean crtk_store_audit_list(crtk_store *s, const char *patient_key, const char *since, crtk_audit_fn fn,
                               void *user, GError **error);
/* Recomputes the chain.  Returns TRUE when intact; otherwise sets *bad_id to the first broken entry
 * and *why to a message. */
CRTK_API gboolean crtk_store_audit_verify(crtk_store *s, gint64 *checked, gint64 *bad_id, char **why, GError **error);
/* What crtk_store_audit_check found. */
typedef struct crtk_audit_check {
    gint64 entries;        /* entries whose hashes were recomputed */
    gint64 rows;           /* patient and tumor rows compared with their digests and the trail */
    gint64 checkpoints;    /* checkpoints the trail matched */
    gboolean rows_covered; /* the trail states row digests (schema 2; FALSE: an older store, read-only) */
    gint64 bad_entry;      /* where the trouble starts, when known (0 otherwise) */
    char *why;             /* what is wrong, naming the entry, table and row; NULL when intact */
    char *head;            /* the hash of the last entry */
} crtk_audit_check;
/* The whole check: the chain (each entry by its rule: version 1 before the auditChain entry, version 2
 * from it on), the head kept in the settings, every row against its digest and the trail's last entry
 * for it (values changed, rows added or deleted outside crtk), and, with checkpoints (a file written by
 * crtk_store_audit_checkpoint; NULL: none), that each checkpointed entry still has the hash it had
 * (a rewrite before it, even a full rehash, is seen).  key_file (or NULL): the checkpoints' HMAC key.
 * Returns FALSE only when the check could not run (error set); r->why says whether it is intact.
 * Free with crtk_audit_check_clear. */
CRTK_API gboolean crtk_store_audit_check(crtk_store *s, const char *checkpoints, const char *key_file,
                                         crtk_audit_check *r, GError **error);
CRTK_API void crtk_audit_check_clear(crtk_audit_check *r);
/* Checks the trail and appends "crtk-checkpoint/1 AT COUNT HEAD[ hmac-sha256:MAC]" to file (created
 * owner-only, append-only; with key_file the line carries HMAC-SHA-256 under that key).  Refuses a
 * broken trail.  *line: the line written (g_free). */
CRTK_API gboolean crtk_store_audit_checkpoint(crtk_store *s, const char *file, const char *key_file, char **line,
                                              GError **error);
/* The default checkpoint file of a store: PATH.checkpoints (g_free). */
CRTK_API char *crtk_store_checkpoint_path(const char *store_path);
/* The hash of the last audit entry as crtk recorded it (NULL when none) and the count; g_free. */
CRTK_API char *crtk_store_audit_head(crtk_store *s, gint64 *count);
/* Runs SQLite's PRAGMA quick_check over the whole file.  Returns TRUE when it ran; *healthy says
 * whether the store is sound and *report (caller frees) lists what SQLite found (at most 20 lines). */
/* The time limit of read-only queries (crtk_store_select and what uses it) in seconds, 0 none.  A
 * store opens without one: reports, edits and exports scan every tumor however long that takes (a
 * 60 s default stopped `crtk report quality` on a store of a million tumors).  `crtk sql` and the
 * workspace set 60 s for the queries people write or wait on. */
CRTK_API void crtk_store_set_query_time_limit(crtk_store *s, int seconds);
CRTK_API int crtk_store_query_time_limit(const crtk_store *s);
CRTK_API gboolean crtk_store_quick_check(crtk_store *s, gboolean *healthy, char **report, GError **error);

/* ---- maintenance ------------------------------------------------------------------------ */
CRTK_API gboolean crtk_store_backup(crtk_store *s, const char *dest, GError **error);
CRTK_API gboolean crtk_store_upgrade(crtk_store *s, int version, crtk_problem_fn on_problem, void *user, GError **error);
/* As crtk_store_upgrade (which is this with drop_values FALSE): when the new version has no item for
 * some stored values, fails (CRTK_ERROR_DATA, naming the first, store unchanged) unless drop_values,
 * in which case every dropped value is recorded in the audit trail (patient, tumor, item, old value)
 * as crtk case delete records them.  Make a backup first (crtk_store_backup). */
CRTK_API gboolean crtk_store_change_version(crtk_store *s, int version, gboolean drop_values,
                                            crtk_problem_fn on_problem, void *user, GError **error);

/* Today as YYYYMMDD (honours CRTK_TODAY=YYYYMMDD for tests). */
CRTK_API char *crtk_today(void);

#endif
