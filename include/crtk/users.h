/* users.h — named users of a registry store, their roles, logins and web sessions.
 *
 * Users live in the store (table crtk_user); passwords are kept only as libsodium Argon2id
 * hashes (crypto_pwhash_str, interactive limits).  Five wrong passwords in a row lock an
 * account for CRTK_LOCKOUT_SECONDS.  Roles decide what a user may do; the rules are here so the
 * command line and the web workspace enforce the same ones:
 *
 *   abstractor  read cases, add patients and tumors, change any item, post follow-up
 *   followup    read cases, post follow-up contacts, change follow-up items only
 *   manager     what an abstractor may, plus submissions, reports and full SSNs
 *   admin       everything, and the only role that manages users
 *
 * Sessions are an in-process table of random tokens (32 bytes from libsodium, hex) with a CSRF
 * token each, ended after an idle timeout.  Errors are GErrors of CRTK_ERROR.
 */
#ifndef CRTK_USERS_H
#define CRTK_USERS_H
#include <glib.h>
#include "crtk/export.h"
#include "dictionary.h"

struct crtk_store;

typedef enum { CRTK_ROLE_NONE = 0, CRTK_ROLE_ABSTRACTOR, CRTK_ROLE_FOLLOWUP, CRTK_ROLE_MANAGER, CRTK_ROLE_ADMIN } crtk_role;

typedef enum {
    CRTK_MAY_READ_CASES,      /* open the patient index, patient pages, abstracts */
    CRTK_MAY_ADD_CASES,       /* new patients and tumors */
    CRTK_MAY_EDIT_ABSTRACT,   /* change abstract items (see crtk_role_may_change_item) */
    CRTK_MAY_POST_FOLLOWUP,   /* post a follow-up contact */
    CRTK_MAY_SEE_FULL_SSN,    /* see all nine digits of a social security number */
    CRTK_MAY_SUBMIT,          /* submissions and reports */
    CRTK_MAY_MANAGE_USERS
} crtk_permission;

enum { CRTK_LOCKOUT_FAILURES = 5, CRTK_LOCKOUT_SECONDS = 15 * 60, CRTK_PASSWORD_MIN = 8 };

/* "abstractor" -> CRTK_ROLE_ABSTRACTOR; CRTK_ROLE_NONE for anything else. */
CRTK_API crtk_role crtk_role_parse(const char *name);
CRTK_API const char *crtk_role_name(crtk_role role);
CRTK_API gboolean crtk_role_may(crtk_role role, crtk_permission what);
/* Whether the role may change the item: a follow-up clerk only the follow-up items
 * (NAACCR items 1700-1979: last contact, vital status, cancer status, ...). */
CRTK_API gboolean crtk_role_may_change_item(crtk_role role, const crtk_item *item);

/* A user as listed (newly allocated by crtk_user_list; free with the array). */
typedef struct crtk_user_info {
    char *name;
    crtk_role role;
    gboolean active;
    gboolean locked;      /* locked now after too many wrong passwords */
    char *created_at;
} crtk_user_info;

/* Adds a user.  Names: 1-64 letters, digits, '.', '_' or '-'.  Passwords: at least
 * CRTK_PASSWORD_MIN characters.  Recorded in the audit trail. */
CRTK_API gboolean crtk_user_add(struct crtk_store *s, const char *name, crtk_role role, const char *password,
                                GError **error);
CRTK_API gboolean crtk_user_set_password(struct crtk_store *s, const char *name, const char *password, GError **error);
/* Disables (active FALSE) or enables a user; a disabled user cannot log in or be named by --user. */
CRTK_API gboolean crtk_user_set_active(struct crtk_store *s, const char *name, gboolean active, GError **error);
/* Every user, by name: GPtrArray of crtk_user_info* (the array frees them). */
CRTK_API GPtrArray *crtk_user_list(struct crtk_store *s, GError **error);
/* TRUE when the store has at least one user. */
CRTK_API gboolean crtk_users_exist(struct crtk_store *s);
/* The role of an active user; CRTK_ROLE_NONE when there is no such active user. */
CRTK_API crtk_role crtk_user_role(struct crtk_store *s, const char *name);

typedef enum { CRTK_LOGIN_OK, CRTK_LOGIN_WRONG, CRTK_LOGIN_LOCKED } crtk_login_result;
/* Checks a password.  A wrong password (or an unknown or disabled user: the answer is the same,
 * and takes as long) counts towards the lockout; a right one resets the count.  *role is set on
 * success. */
CRTK_API crtk_login_result crtk_user_login(struct crtk_store *s, const char *name, const char *password,
                                           crtk_role *role);

/* For the command line: once a store has users, the actor must name an active one.  Sets the
 * store's actor to NAME and its command to "COMMAND (os LOGIN)" so both are in the audit trail.
 * When the store has no users, the actor is user (or the OS login when NULL). */
CRTK_API gboolean crtk_user_set_actor(struct crtk_store *s, const char *user, const char *command, GError **error);

/* Records that user viewed (action "view"), printed, ... a patient: who viewed which patient. */
CRTK_API gboolean crtk_user_log_access(struct crtk_store *s, const char *user, const char *patient_key,
                                       const char *action, GError **error);
/* The abstract's status of a tumor (row id): "incomplete" (also when never set), "complete" or
 * "on hold".  Newly allocated.  (Kept in the table crtk_abstract; set by crtk serve's form.) */
CRTK_API char *crtk_store_abstract_status(struct crtk_store *s, gint64 tumor_id);

/* ---- sessions ----------------------------------------------------------------------------- */
typedef struct crtk_sessions crtk_sessions;
typedef struct crtk_session {
    char token[65];       /* cookie value: 64 hex digits */
    char csrf[65];        /* the token every form of the session carries */
    char *user;
    crtk_role role;
    gint64 last_seen;     /* g_get_monotonic_time() of the last request */
} crtk_session;

/* idle_us: a session unused this long (microseconds) has ended. */
CRTK_API crtk_sessions *crtk_sessions_new(gint64 idle_us);
CRTK_API void crtk_sessions_free(crtk_sessions *ss);
/* A new session for user (borrowed pointer, valid until it ends). */
CRTK_API const crtk_session *crtk_session_start(crtk_sessions *ss, const char *user, crtk_role role);
/* The live session of a cookie value, its idle clock restarted; NULL when unknown or idle too long. */
CRTK_API const crtk_session *crtk_session_find(crtk_sessions *ss, const char *token);
CRTK_API void crtk_session_end(crtk_sessions *ss, const char *token);
/* Constant-time check of a form's csrf_token against the session's. */
CRTK_API gboolean crtk_session_csrf_ok(const crtk_session *session, const char *csrf_token);
/* 32 random bytes as 64 hex digits into out[65]. */
CRTK_API void crtk_random_token(char out[65]);
#endif
