/* server.h — the web workspace of `crtk serve`: an HTTP(S) server (libsoup 3) over one
 * registry store.  Pages are HTML rendered on the server and work without JavaScript; the
 * embedded script (web/assets/app.js) adds live checks and code look-ups.  See docs/serve.md. */
#ifndef CRTK_WEB_SERVER_H
#define CRTK_WEB_SERVER_H
#include <glib.h>

typedef struct crtk_web_options {
    const char *store_path;
    const char *listen;        /* "ADDR:PORT" (port 0: any free port) */
    double idle_seconds;       /* a session unused this long ends */
    const char *tls_cert, *tls_key;
    gboolean insecure;         /* allow plain HTTP beyond loopback */
} crtk_web_options;

/* Opens the store, listens, prints "crtk serve: http://ADDR:PORT/" on stdout and serves until
 * SIGINT or SIGTERM.  FALSE with an error when the store has no users, the address is beyond
 * loopback without TLS (and not insecure), or the server cannot listen. */
gboolean crtk_web_serve(const crtk_web_options *o, GError **error);
#endif
