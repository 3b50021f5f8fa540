/* users.c — named users: roles, password hashing (libsodium Argon2id), lockout, the command
 * line's actor and the access log (see include/crtk/users.h).  Rows are read and written by the
 * store layer (store_users.c). */
#include "crtk/users.h"
#include "problem.h"
#include "store.h"
#include "store_users.h"

#include <sodium.h>
#include <string.h>

static const char *const role_names[] = {"", "abstractor", "followup", "manager", "admin"};

crtk_role crtk_role_parse(const char *name)
{
    for (int r = CRTK_ROLE_ABSTRACTOR; r <= CRTK_ROLE_ADMIN; r++)
        if (name && !strcmp(name, role_names[r]))
            return (crtk_role)r;
    return CRTK_ROLE_NONE;
}

const char *crtk_role_name(crtk_role role)
{
    return role >= CRTK_ROLE_ABSTRACTOR && role <= CRTK_ROLE_ADMIN ? role_names[role] : "none";
}

gboolean crtk_role_may(crtk_role role, crtk_permission what)
{
    switch (what) {
    case CRTK_MAY_READ_CASES:
    case CRTK_MAY_POST_FOLLOWUP:
        return role != CRTK_ROLE_NONE;
    case CRTK_MAY_ADD_CASES:
    case CRTK_MAY_EDIT_ABSTRACT:
        return role == CRTK_ROLE_ABSTRACTOR || role == CRTK_ROLE_MANAGER || role == CRTK_ROLE_ADMIN;
    case CRTK_MAY_SEE_FULL_SSN:
    case CRTK_MAY_SUBMIT:
        return role == CRTK_ROLE_MANAGER || role == CRTK_ROLE_ADMIN;
    case CRTK_MAY_MANAGE_USERS:
        return role == CRTK_ROLE_ADMIN;
    }
    return FALSE;
}

gboolean crtk_role_may_change_item(crtk_role role, const crtk_item *item)
{
    if (crtk_role_may(role, CRTK_MAY_EDIT_ABSTRACT))
        return TRUE;
    return role == CRTK_ROLE_FOLLOWUP && item->number >= 1700 && item->number <= 1979;
}

static gboolean sodium_ready(GError **error)
{
    if (sodium_init() < 0) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "cannot start libsodium");
        return FALSE;
    }
    return TRUE;
}

static char *hash_password(const char *password, GError **error)
{
    if (!sodium_ready(error))
        return NULL;
    if (strlen(password) < CRTK_PASSWORD_MIN) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "a password needs at least %d characters", CRTK_PASSWORD_MIN);
        return NULL;
    }
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "not enough memory to hash the password");
        return NULL;
    }
    return g_strdup(out);
}

static gboolean valid_name(const char *name, GError **error)
{
    size_t n = name ? strlen(name) : 0;
    gboolean ok = n >= 1 && n <= 64;
    for (size_t i = 0; ok && i < n; i++)
        ok = g_ascii_isalnum(name[i]) || name[i] == '.' || name[i] == '_' || name[i] == '-';
    if (!ok)
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "user name '%s': use 1 to 64 letters, digits, '.', '_' or '-'", name ? name : "");
    return ok;
}

/* One write and its audit row, as one transaction. */
static gboolean audited(crtk_store *s, const char *name, const char *what, const char *old_v, const char *new_v,
                        gboolean ok_so_far, GError **error)
{
    char *item = g_strconcat("user ", name, " ", what, NULL);
    gboolean ok = ok_so_far && crtk_store_audit(s, 0, 0, NULL, item, old_v, new_v, error);
    g_free(item);
    return ok;
}

gboolean crtk_user_add(crtk_store *s, const char *name, crtk_role role, const char *password, GError **error)
{
    if (!valid_name(name, error))
        return FALSE;
    if (role == CRTK_ROLE_NONE) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "a user needs a role: abstractor, followup, manager or admin");
        return FALSE;
    }
    crtk_store_user *old = crtk_store_user_get(s, name);
    if (old) {
        crtk_store_user_free(old);
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "user %s exists already", name);
        return FALSE;
    }
    char *hash = hash_password(password, error);
    if (!hash || !crtk_store_begin(s, error)) {
        g_free(hash);
        return FALSE;
    }
    gboolean ok = crtk_store_user_insert(s, name, crtk_role_name(role), hash, error);
    ok = audited(s, name, "role", NULL, crtk_role_name(role), ok, error) && crtk_store_commit(s, error);
    if (!ok)
        crtk_store_rollback(s);
    g_free(hash);
    return ok;
}

static crtk_store_user *existing(crtk_store *s, const char *name, GError **error)
{
    crtk_store_user *u = crtk_store_user_get(s, name);
    if (!u)
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "no user %s in %s", name, crtk_store_path(s));
    return u;
}

gboolean crtk_user_set_password(crtk_store *s, const char *name, const char *password, GError **error)
{
    crtk_store_user *u = existing(s, name, error);
    if (!u)
        return FALSE;
    crtk_store_user_free(u);
    char *hash = hash_password(password, error);
    if (!hash || !crtk_store_begin(s, error)) {
        g_free(hash);
        return FALSE;
    }
    gboolean ok = crtk_store_user_update(s, name, hash, -1, NULL, error);
    ok = audited(s, name, "password", NULL, "(changed)", ok, error) && crtk_store_commit(s, error);
    if (!ok)
        crtk_store_rollback(s);
    g_free(hash);
    return ok;
}

gboolean crtk_user_set_active(crtk_store *s, const char *name, gboolean active, GError **error)
{
    crtk_store_user *u = existing(s, name, error);
    if (!u)
        return FALSE;
    const char *was = u->active ? "active" : "disabled";
    if (!crtk_store_begin(s, error)) {
        crtk_store_user_free(u);
        return FALSE;
    }
    gboolean ok = crtk_store_user_update(s, name, NULL, active ? 1 : 0, NULL, error);
    ok = audited(s, name, "state", was, active ? "active" : "disabled", ok, error) && crtk_store_commit(s, error);
    if (!ok)
        crtk_store_rollback(s);
    crtk_store_user_free(u);
    return ok;
}

static void info_free(crtk_user_info *i)
{
    g_free(i->name);
    g_free(i->created_at);
    g_free(i);
}

GPtrArray *crtk_user_list(crtk_store *s, GError **error)
{
    GPtrArray *rows = crtk_store_user_list(s, error);
    if (!rows)
        return NULL;
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)info_free);
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;
    for (guint i = 0; i < rows->len; i++) {
        crtk_store_user *u = rows->pdata[i];
        crtk_user_info *info = g_new0(crtk_user_info, 1);
        info->name = g_strdup(u->name);
        info->role = crtk_role_parse(u->role);
        info->active = u->active;
        info->locked = u->locked_until > now;
        info->created_at = g_strdup(u->created_at);
        g_ptr_array_add(out, info);
    }
    g_ptr_array_free(rows, TRUE);
    return out;
}

gboolean crtk_users_exist(crtk_store *s)
{
    return crtk_store_user_count(s) != 0; /* a read error (-1) counts as users: roles stay enforced */
}

crtk_role crtk_user_role(crtk_store *s, const char *name)
{
    crtk_store_user *u = name ? crtk_store_user_get(s, name) : NULL;
    crtk_role r = u && u->active ? crtk_role_parse(u->role) : CRTK_ROLE_NONE;
    crtk_store_user_free(u);
    return r;
}

crtk_login_result crtk_user_login(crtk_store *s, const char *name, const char *password, crtk_role *role)
{
    /* A hash to check against when there is no such user, so the answer takes as long. */
    static char decoy[crypto_pwhash_STRBYTES];
    if (sodium_init() >= 0 && !decoy[0]) {
        char pw[65];
        crtk_random_token(pw);
        if (crypto_pwhash_str(decoy, pw, 64, crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
            decoy[0] = 0;
    }
    if (sodium_init() < 0 || !password)
        return CRTK_LOGIN_WRONG;
    crtk_store_user *u = name ? crtk_store_user_get(s, name) : NULL;
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;
    if (u && u->locked_until > now) {
        crtk_store_user_free(u);
        return CRTK_LOGIN_LOCKED;
    }
    gboolean right = (u || decoy[0]) && crypto_pwhash_str_verify(u ? u->password_hash : decoy, password, strlen(password)) == 0;
    crtk_login_result result = CRTK_LOGIN_WRONG;
    if (u && right && u->active) {
        crtk_store_user_set_login_state(s, u->name, 0, 0, NULL);
        *role = crtk_role_parse(u->role);
        result = CRTK_LOGIN_OK;
    } else if (u) {
        int failed = u->failed_logins + 1;
        gboolean lock = failed >= CRTK_LOCKOUT_FAILURES;
        crtk_store_user_set_login_state(s, u->name, lock ? 0 : failed, lock ? now + CRTK_LOCKOUT_SECONDS : 0, NULL);
        if (lock)
            crtk_store_access_log(s, u->name, NULL, NULL, "locked after wrong passwords", NULL);
    }
    crtk_store_user_free(u);
    return result;
}

gboolean crtk_user_set_actor(crtk_store *s, const char *user, const char *command, GError **error)
{
    const char *os = g_get_user_name();
    gboolean exist = crtk_users_exist(s);
    /* A failed read of the user table is SQLite's error, not "named users" nor "no users". */
    if (!crtk_store_reads_ok(s, error))
        return FALSE;
    if (!exist) {
        crtk_store_set_actor(s, user, command);
        return TRUE;
    }
    if (!user) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "%s has named users: say who you are with --user NAME (crtk user list %s)", crtk_store_path(s),
                    crtk_store_path(s));
        return FALSE;
    }
    if (crtk_user_role(s, user) == CRTK_ROLE_NONE) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "--user %s: not an active user of %s (crtk user list %s)",
                    user, crtk_store_path(s), crtk_store_path(s));
        return FALSE;
    }
    char *cmd = g_strdup_printf("%s (os %s)", command ? command : "crtk", os);
    crtk_store_set_actor(s, user, cmd);
    g_free(cmd);
    return TRUE;
}

gboolean crtk_user_log_access(crtk_store *s, const char *user, const char *patient_key, const char *action,
                              GError **error)
{
    return crtk_store_access_log(s, user, g_get_user_name(), patient_key, action, error);
}
