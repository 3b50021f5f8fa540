/* store_users.h — the store's tables of named users and of who viewed which patient.
 *
 * Store layer (all SQL of users lives in store_users.c).  The tables are made when a store is
 * created or first opened for writing by this version (crtk_store_ensure_indexes):
 *   crtk_user(name, role, password_hash, active, failed_logins, locked_until, created_at)
 *   crtk_access(id, at, user, os_user, patient_key, action)   -- reads of cases, logins
 * The users module (include/crtk/users.h) holds the rules; these calls only read and write rows.
 */
#ifndef CRTK_STORE_USERS_H
#define CRTK_STORE_USERS_H
#include "crtk/export.h"
#include "store.h"

typedef struct crtk_store_user {
    char *name, *role, *password_hash, *created_at;
    gboolean active;
    int failed_logins;
    gint64 locked_until; /* Unix seconds; 0 = not locked */
} crtk_store_user;

CRTK_API void crtk_store_user_free(crtk_store_user *u);
/* Creates the two tables when missing (called by crtk_store_ensure_indexes). */
CRTK_API gboolean crtk_store_ensure_user_tables(crtk_store *s, GError **error);
/* Number of users (active or not); 0 when the store has no user table; -1 when SQLite fails to read. */
CRTK_API gint64 crtk_store_user_count(crtk_store *s);
/* The user, or NULL when there is none of that name. */
CRTK_API crtk_store_user *crtk_store_user_get(crtk_store *s, const char *name);
/* Every user, by name (GPtrArray of crtk_store_user*, frees them). */
CRTK_API GPtrArray *crtk_store_user_list(crtk_store *s, GError **error);
CRTK_API gboolean crtk_store_user_insert(crtk_store *s, const char *name, const char *role, const char *hash, GError **error);
/* Changes a user: hash NULL keeps the password, active < 0 keeps the state, role NULL keeps it. */
CRTK_API gboolean crtk_store_user_update(crtk_store *s, const char *name, const char *hash, int active, const char *role,
                                GError **error);
/* Notes the outcome of a login attempt. */
CRTK_API gboolean crtk_store_user_set_login_state(crtk_store *s, const char *name, int failed_logins, gint64 locked_until,
                                         GError **error);
/* Records an access (action: "view", "login", "logout", "print", ...) by user; patient_key may be NULL. */
CRTK_API gboolean crtk_store_access_log(crtk_store *s, const char *user, const char *os_user, const char *patient_key,
                               const char *action, GError **error);
typedef int (*crtk_store_access_fn)(const char *at, const char *user, const char *action, void *data);
/* The accesses to a patient, oldest first. */
CRTK_API gboolean crtk_store_access_list(crtk_store *s, const char *patient_key, crtk_store_access_fn fn, void *data,
                                GError **error);
/* The workspace's status of a tumor's abstract: "incomplete" (also when never set), "complete" or
 * "on hold" (table crtk_abstract).  Newly allocated. */
CRTK_API char *crtk_store_abstract_status(crtk_store *s, gint64 tumor_id);
/* Sets it, audited (item abstractStatus). */
CRTK_API gboolean crtk_store_set_abstract_status(crtk_store *s, gint64 patient_id, gint64 tumor_id, const char *status,
                                        GError **error);

/* Tumors whose abstract is not complete (at most limit, oldest first).  fn gets the tumor and patient
 * row ids and v[]: patientIdNumber, nameLast, nameFirst, medicalRecordNumber, accessionNumberHosp,
 * primarySite, dateOfDiagnosis, dateOf1stContact (NAACCR 580), status ("" when the store lacks an item). */
typedef int (*crtk_store_queue_fn)(gint64 tumor_id, gint64 patient_id, const char *const *v, void *data);
CRTK_API gboolean crtk_store_abstract_queue(crtk_store *s, int limit, crtk_store_queue_fn fn, void *data, GError **error);
#endif
