/* sessions.c — the web workspace's sessions: random tokens, CSRF tokens, idle timeout
 * (see include/crtk/users.h).  Kept in memory: a restarted server asks everyone to log in again. */
#include "crtk/users.h"

#include <sodium.h>
#include <string.h>

struct crtk_sessions {
    GHashTable *by_token; /* token -> crtk_session* */
    gint64 idle_us;
};

static void session_free(crtk_session *s)
{
    sodium_memzero(s->token, sizeof s->token);
    sodium_memzero(s->csrf, sizeof s->csrf);
    g_free(s->user);
    g_free(s);
}

void crtk_random_token(char out[65])
{
    unsigned char b[32];
    if (sodium_init() < 0)
        g_error("cannot start libsodium");
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 65, b, sizeof b);
    sodium_memzero(b, sizeof b);
}

crtk_sessions *crtk_sessions_new(gint64 idle_us)
{
    crtk_sessions *ss = g_new0(crtk_sessions, 1);
    ss->by_token = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)session_free);
    ss->idle_us = idle_us;
    return ss;
}

void crtk_sessions_free(crtk_sessions *ss)
{
    if (!ss)
        return;
    g_hash_table_destroy(ss->by_token);
    g_free(ss);
}

static void drop_idle(crtk_sessions *ss, gint64 now)
{
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, ss->by_token);
    while (g_hash_table_iter_next(&it, &k, &v))
        if (now - ((crtk_session *)v)->last_seen > ss->idle_us)
            g_hash_table_iter_remove(&it);
}

const crtk_session *crtk_session_start(crtk_sessions *ss, const char *user, crtk_role role)
{
    gint64 now = g_get_monotonic_time();
    drop_idle(ss, now);
    crtk_session *s = g_new0(crtk_session, 1);
    crtk_random_token(s->token);
    crtk_random_token(s->csrf);
    s->user = g_strdup(user);
    s->role = role;
    s->last_seen = now;
    g_hash_table_replace(ss->by_token, s->token, s);
    return s;
}

const crtk_session *crtk_session_find(crtk_sessions *ss, const char *token)
{
    if (!token || strlen(token) != 64)
        return NULL;
    crtk_session *s = g_hash_table_lookup(ss->by_token, token);
    if (!s)
        return NULL;
    gint64 now = g_get_monotonic_time();
    if (now - s->last_seen > ss->idle_us) {
        g_hash_table_remove(ss->by_token, token);
        return NULL;
    }
    s->last_seen = now;
    return s;
}

void crtk_session_end(crtk_sessions *ss, const char *token)
{
    if (token)
        g_hash_table_remove(ss->by_token, token);
}

gboolean crtk_session_csrf_ok(const crtk_session *session, const char *csrf_token)
{
    return session && csrf_token && strlen(csrf_token) == 64 && sodium_memcmp(session->csrf, csrf_token, 64) == 0;
}
