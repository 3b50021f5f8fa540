/* server.c — `crtk serve`: listening, the security every response carries, sessions, CSRF and
 * the routes of the HTML contract (docs/serve.md).
 *
 * One thread: libsoup runs the handlers on the main loop, so the store connection and the edit
 * set are used by one request at a time.  Nothing about a request is logged (URLs carry search
 * text and patient numbers).  Every page sends Content-Security-Policy (scripts and styles only
 * from the server itself), X-Frame-Options DENY, nosniff, no-referrer and Cache-Control no-store.
 */
#include "form.h"
#include "server.h"
#include "web.h"

#include <glib-unix.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The embedded assets (web/assets/, made by tools/embed.c --name crtk_web_asset). */
const char *crtk_web_asset_text(const char *name, size_t *len);

enum { MAX_BODY = 4 << 20, MAX_FIELDS = 4000 };

static void security_headers(crtk_web_req *r)
{
    SoupMessageHeaders *h = soup_server_message_get_response_headers(r->msg);
    soup_message_headers_replace(h, "Content-Security-Policy",
                                 "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                 "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    soup_message_headers_replace(h, "X-Frame-Options", "DENY");
    soup_message_headers_replace(h, "X-Content-Type-Options", "nosniff");
    soup_message_headers_replace(h, "Referrer-Policy", "no-referrer");
    soup_message_headers_replace(h, "Cross-Origin-Opener-Policy", "same-origin");
    soup_message_headers_replace(h, "Cross-Origin-Resource-Policy", "same-origin");
    soup_message_headers_replace(h, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    soup_message_headers_replace(h, "Cache-Control", "no-store");
    if (r->web->tls)
        soup_message_headers_replace(h, "Strict-Transport-Security", "max-age=31536000");
}

void crtk_web_send(crtk_web_req *r, int status, const char *content_type, GString *body)
{
    security_headers(r);
    soup_server_message_set_status(r->msg, (guint)status, NULL);
    gsize len = body->len;
    soup_server_message_set_response(r->msg, content_type, SOUP_MEMORY_TAKE, g_string_free(body, FALSE), len);
}

void crtk_web_redirect(crtk_web_req *r, const char *to)
{
    security_headers(r);
    soup_server_message_set_redirect(r->msg, 303, to);
}

void crtk_web_error(crtk_web_req *r, int status, const char *message)
{
    GString *o = crtk_html_page(r, message);
    crtk_html_printf(o, "<h1>%s</h1><p><a href=\"/patients\">Back to the patients</a></p>", message);
    crtk_html_end(o);
    crtk_web_send(r, status, "text/html; charset=utf-8", o);
}

gboolean crtk_web_log_view(crtk_web_req *r, const char *patient_key, const char *action)
{
    GError *error = NULL;
    if (crtk_user_log_access(r->web->store, r->session->user, patient_key, action, &error))
        return TRUE;
    /* the store's message only: the patient and the user stay out of the server's output */
    g_printerr("crtk serve: a view was refused because it could not be recorded: %s\n", error->message);
    g_error_free(error);
    crtk_web_error(r, 503, "Not shown: this view could not be recorded in the audit trail. Try again; if it "
                           "keeps happening, tell the registry's administrator.");
    return FALSE;
}

gboolean crtk_web_require(crtk_web_req *r, crtk_permission what)
{
    if (r->session && crtk_role_may(r->session->role, what))
        return TRUE;
    crtk_web_error(r, 403, "Your role may not do this");
    return FALSE;
}

const char *crtk_web_param(crtk_web_req *r, const char *name)
{
    const char *v = r->form ? g_hash_table_lookup(r->form, name) : NULL;
    if (!v && r->query)
        v = g_hash_table_lookup(r->query, name);
    return v;
}

static char *cookie(crtk_web_req *r, const char *name)
{
    const char *h = soup_message_headers_get_list(soup_server_message_get_request_headers(r->msg), "Cookie");
    if (!h)
        return NULL;
    char **parts = g_strsplit(h, ";", -1);
    char *v = NULL;
    size_t n = strlen(name);
    for (char **p = parts; *p && !v; p++) {
        char *c = g_strstrip(*p);
        if (!strncmp(c, name, n) && c[n] == '=')
            v = g_strdup(c + n + 1);
    }
    g_strfreev(parts);
    return v;
}

static void set_cookie(crtk_web_req *r, const char *name, const char *value, const char *path, gboolean clear)
{
    char *c = g_strdup_printf("%s=%s; Path=%s; HttpOnly; SameSite=Strict%s%s", name, value, path,
                              r->web->tls ? "; Secure" : "", clear ? "; Max-Age=0" : "");
    soup_message_headers_append(soup_server_message_get_response_headers(r->msg), "Set-Cookie", c);
    g_free(c);
}

static gboolean same_token(const char *a, const char *b)
{
    return a && b && strlen(a) == 64 && strlen(b) == 64 && sodium_memcmp(a, b, 64) == 0;
}

/* ---- login and logout ------------------------------------------------------------------- */

static void login_form(crtk_web_req *r, int status, const char *message)
{
    /* The log-in form's CSRF token is the crtk_login cookie (double submit); an existing one is kept so
       that a second log-in page (another tab, a favicon redirect) does not outdate the first. */
    char token[65];
    char *have = cookie(r, "crtk_login");
    if (have && strlen(have) == 64 && strspn(have, "0123456789abcdef") == 64)
        memcpy(token, have, 65);
    else
        crtk_random_token(token);
    g_free(have);
    set_cookie(r, "crtk_login", token, "/login", FALSE);
    GString *o = crtk_html_page(r, "Log in");
    g_string_append(o, "<h1>crtk — log in</h1>");
    if (message)
        crtk_html_printf(o, "<p class=error role=alert>%s</p>", message);
    crtk_html_printf(o,
        "<form method=post action=\"/login\" class=login>"
        "<input type=hidden name=csrf_token value=\"%s\">"
        "<p><label for=username>User name</label> <input id=username name=username autocomplete=username required autofocus></p>"
        "<p><label for=password>Password</label> <input id=password name=password type=password autocomplete=current-password required></p>"
        "<p><button type=submit>Log in</button></p></form>", token);
    crtk_html_end(o);
    crtk_web_send(r, status, "text/html; charset=utf-8", o);
}

static void login_post(crtk_web_req *r)
{
    char *expected = cookie(r, "crtk_login");
    gboolean ok = same_token(expected, crtk_web_param(r, "csrf_token"));
    g_free(expected);
    if (!ok) {
        crtk_web_error(r, 403, "The form is out of date: reload the log-in page");
        return;
    }
    const char *user = crtk_web_param(r, "username"), *pw = crtk_web_param(r, "password");
    crtk_role role = CRTK_ROLE_NONE;
    crtk_login_result res = crtk_user_login(r->web->store, user, pw, &role);
    if (res == CRTK_LOGIN_LOCKED) {
        login_form(r, 403, "This account is locked for a while after too many wrong passwords.");
        return;
    }
    if (res != CRTK_LOGIN_OK) {
        login_form(r, 403, "Wrong user name or password.");
        return;
    }
    const crtk_session *s = crtk_session_start(r->web->sessions, user, role);
    crtk_user_log_access(r->web->store, user, NULL, "login", NULL);
    set_cookie(r, "crtk_session", s->token, "/", FALSE);
    set_cookie(r, "crtk_login", "", "/login", TRUE);
    crtk_web_redirect(r, "/patients");
}

static void logout(crtk_web_req *r)
{
    crtk_user_log_access(r->web->store, r->session->user, NULL, "logout", NULL);
    char *token = cookie(r, "crtk_session");
    crtk_session_end(r->web->sessions, token);
    g_free(token);
    r->session = NULL;
    set_cookie(r, "crtk_session", "", "/", TRUE);
    crtk_web_redirect(r, "/login");
}

/* ---- routing ---------------------------------------------------------------------------- */

static void asset(crtk_web_req *r, const char *name)
{
    size_t len = 0;
    const char *text = crtk_web_asset_text(name, &len);
    if (!text) {
        crtk_web_error(r, 404, "No such page");
        return;
    }
    GString *o = g_string_new_len(text, (gssize)len);
    crtk_web_send(r, 200, g_str_has_suffix(name, ".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8", o);
}

static void route(crtk_web_req *r)
{
    gboolean get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"), post = !strcmp(r->method, "POST");
    const char *p = r->path;
    if (!get && !post) {
        crtk_web_error(r, 405, "Method not allowed");
        return;
    }
    if (g_str_has_prefix(p, "/assets/") && get) {
        asset(r, p + 8);
        return;
    }
    if (!strcmp(p, "/favicon.ico")) {
        crtk_web_error(r, 404, "No such page");
        return;
    }
    if (!strcmp(p, "/login")) {
        if (post)
            login_post(r);
        else
            login_form(r, 200, NULL);
        return;
    }
    /* Everything else needs a session... */
    char *token = cookie(r, "crtk_session");
    r->session = crtk_session_find(r->web->sessions, token);
    if (r->session && crtk_user_role(r->web->store, r->session->user) != r->session->role) {
        crtk_session_end(r->web->sessions, token); /* disabled or role changed meanwhile */
        r->session = NULL;
    }
    g_free(token);
    if (!r->session) {
        crtk_web_redirect(r, "/login");
        return;
    }
    /* ...and every POST its CSRF token. */
    if (post && !crtk_session_csrf_ok(r->session, crtk_web_param(r, "csrf_token"))) {
        crtk_web_error(r, 403, "Missing or wrong form token: reload the page and try again");
        return;
    }
    char *actor = g_strdup_printf("serve (os %s)", g_get_user_name());
    crtk_store_set_actor(r->web->store, r->session->user, actor);
    g_free(actor);
    char **seg = g_strsplit(p + 1, "/", 6);
    int n = (int)g_strv_length(seg);
    for (int i = 0; i < n; i++) {
        char *u = g_uri_unescape_string(seg[i], NULL);
        g_free(seg[i]);
        seg[i] = u ? u : g_strdup("");
    }
    if (!strcmp(p, "/"))
        crtk_web_redirect(r, "/patients");
    else if (!strcmp(p, "/logout") && post)
        logout(r);
    else if (!strcmp(p, "/patients") && get)
        crtk_page_patients(r);
    else if (!strcmp(p, "/patients/new"))
        crtk_page_new_patient(r);
    else if (!strcmp(p, "/codes") && get)
        crtk_page_codes(r);
    else if (!strcmp(p, "/queues") && get)
        crtk_page_queues(r);
    else if (n == 2 && !strcmp(seg[0], "patients") && get)
        crtk_page_patient(r, seg[1]);
    else if (n == 3 && !strcmp(seg[0], "patients") && !strcmp(seg[2], "history") && get)
        crtk_page_history(r, seg[1]);
    else if (n == 3 && !strcmp(seg[0], "patients") && !strcmp(seg[2], "tumors") && post)
        crtk_page_new_tumor(r, seg[1]);
    else if (n == 3 && !strcmp(seg[0], "patients") && !strcmp(seg[2], "followup") && post)
        crtk_page_followup_post(r, seg[1]);
    else if (n == 5 && !strcmp(seg[0], "patients") && !strcmp(seg[2], "tumors") && !strcmp(seg[4], "abstract.pdf") &&
             get && atoi(seg[3]) > 0 && strspn(seg[3], "0123456789") == strlen(seg[3]))
        crtk_page_abstract_pdf(r, seg[1], atoi(seg[3]));
    else if ((n == 4 || (n == 5 && !strcmp(seg[4], "check") && post)) && !strcmp(seg[0], "patients") &&
             !strcmp(seg[2], "tumors") && atoi(seg[3]) > 0 && strspn(seg[3], "0123456789") == strlen(seg[3])) {
        if (n == 5)
            crtk_page_abstract_check(r, seg[1], atoi(seg[3]));
        else
            crtk_page_abstract(r, seg[1], atoi(seg[3]));
    } else
        crtk_web_error(r, 404, "No such page");
    g_strfreev(seg);
}

static void handler(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query_unused,
                    gpointer data)
{
    crtk_web_req r = {.web = data, .msg = msg, .method = soup_server_message_get_method(msg), .path = path};
    GUri *uri = soup_server_message_get_uri(msg);
    const char *q = g_uri_get_query(uri);
    r.query = crtk_web_form_parse(q, q ? strlen(q) : 0, MAX_FIELDS);
    if (!strcmp(r.method, "POST")) {
        SoupMessageBody *b = soup_server_message_get_request_body(msg);
        GBytes *bytes = soup_message_body_flatten(b);
        gsize len = 0;
        const char *d = g_bytes_get_data(bytes, &len);
        const char *ct = soup_message_headers_get_content_type(soup_server_message_get_request_headers(msg), NULL);
        if (len > MAX_BODY) {
            crtk_web_error(&r, 413, "Too much data");
        } else {
            /* A body that is not a form counts as an empty form: without a session it still gets 303, with
               one 403 (no csrf_token). */
            if (!ct || strcmp(ct, "application/x-www-form-urlencoded") != 0 ||
                !(r.form = crtk_web_form_parse(d, len, MAX_FIELDS)))
                r.form = crtk_web_form_parse(NULL, 0, MAX_FIELDS);
            r.body = d;
            r.body_len = len;
            route(&r);
        }
        g_bytes_unref(bytes);
    } else if (!r.query) {
        crtk_web_error(&r, 400, "Bad query");
    } else {
        route(&r);
    }
    if (r.query)
        g_hash_table_destroy(r.query);
    if (r.form)
        g_hash_table_destroy(r.form);
}

/* ---- listening -------------------------------------------------------------------------- */

static gboolean quit(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_CONTINUE; /* removed after the loop, with the other signal's source */
}

static GInetSocketAddress *parse_listen(const char *text, GError **error)
{
    const char *colon = strrchr(text, ':');
    char *host = colon ? g_strndup(text, (gsize)(colon - text)) : NULL;
    if (host && host[0] == '[' && host[strlen(host) - 1] == ']') {
        char *h = g_strndup(host + 1, strlen(host) - 2);
        g_free(host);
        host = h;
    }
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    GInetAddress *a = host ? g_inet_address_new_from_string(host) : NULL;
    g_free(host);
    if (!a || !end || *end || port < 0 || port > 65535) {
        if (a)
            g_object_unref(a);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "--listen %s: give an IP address and a port, e.g. 127.0.0.1:8080", text);
        return NULL;
    }
    GInetSocketAddress *sa = G_INET_SOCKET_ADDRESS(g_inet_socket_address_new(a, (guint16)port));
    g_object_unref(a);
    return sa;
}

gboolean crtk_web_serve(const crtk_web_options *o, GError **error)
{
    GInetSocketAddress *addr = parse_listen(o->listen, error);
    if (!addr)
        return FALSE;
    gboolean loopback = g_inet_address_get_is_loopback(g_inet_socket_address_get_address(addr));
    gboolean tls = o->tls_cert || o->tls_key;
    if (tls && !(o->tls_cert && o->tls_key)) {
        g_object_unref(addr);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "HTTPS needs both --tls-cert and --tls-key");
        return FALSE;
    }
    if (!loopback && !tls && !o->insecure) {
        g_object_unref(addr);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "--listen %s is reachable from other machines: give --tls-cert and --tls-key for HTTPS "
                    "(or --insecure to send patient data unencrypted)", o->listen);
        return FALSE;
    }
    if (o->idle_seconds <= 0) {
        g_object_unref(addr);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "--idle-timeout must be more than 0 minutes");
        return FALSE;
    }
    crtk_web web = {0};
    web.tls = tls;
    web.store = crtk_store_open(o->store_path, FALSE, error);
    if (web.store) /* a page waits on its queries: none may run past a minute */
        crtk_store_set_query_time_limit(web.store, 60);
    if (!web.store) {
        g_object_unref(addr);
        return FALSE;
    }
    gboolean ok = FALSE;
    SoupServer *server = NULL;
    if (!crtk_users_exist(web.store)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                    "%s has no users yet: create one first, e.g.\n  crtk user add %s NAME --role admin\n"
                    "(the password is read from standard input), then run crtk serve again",
                    o->store_path, o->store_path);
        goto out;
    }
    char *set = crtk_store_get_setting(web.store, "editSet");
    GError *e2 = NULL;
    web.edits = crtk_edits_load(set ? set : "hospital", NULL, crtk_store_dictionary(web.store), &e2);
    if (!web.edits) {
        fprintf(stderr, "crtk serve: edits are not run: %s\n", e2->message);
        g_error_free(e2);
    } else {
        crtk_edits_set_cross_record(web.edits, FALSE); /* one record per stored patient: nothing to remember */
    }
    g_free(set);
    web.sessions = crtk_sessions_new((gint64)(o->idle_seconds * G_USEC_PER_SEC));
    server = soup_server_new("server-header", "crtk", NULL);
    if (tls) {
        GTlsCertificate *cert = g_tls_certificate_new_from_files(o->tls_cert, o->tls_key, error);
        if (!cert)
            goto out;
        soup_server_set_tls_certificate(server, cert);
        g_object_unref(cert);
    }
    soup_server_add_handler(server, NULL, handler, &web, NULL);
    if (!soup_server_listen(server, G_SOCKET_ADDRESS(addr), tls ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
        goto out;
    GSList *uris = soup_server_get_uris(server);
    for (GSList *u = uris; u; u = u->next) {
        char *s = g_uri_to_string(u->data);
        printf("crtk serve: %s (Ctrl-C stops)\n", s);
        g_free(s);
    }
    g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
    fflush(stdout);
    crtk_web_schema_preload(); /* page_stage.c: the staging algorithms, loaded while nobody waits */
    GMainLoop *loop = g_main_loop_new(NULL, FALSE);
    guint s1 = g_unix_signal_add(SIGINT, quit, loop), s2 = g_unix_signal_add(SIGTERM, quit, loop);
    g_main_loop_run(loop);
    g_source_remove(s1);
    g_source_remove(s2);
    g_main_loop_unref(loop);
    ok = TRUE;
out:
    if (server) {
        soup_server_disconnect(server);
        g_object_unref(server);
    }
    g_object_unref(addr);
    crtk_sessions_free(web.sessions);
    if (web.edits)
        crtk_edits_free(web.edits);
    crtk_store_close(web.store);
    return ok;
}
