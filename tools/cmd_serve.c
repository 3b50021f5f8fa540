/* cmd_serve.c — `crtk serve DB`: the registrar's workspace in a browser (thin: web/server.c). */
#include "commands.h"

#ifdef CRTK_LIGHT
/* crtk without the HTTP libraries: crtk-full serves. */
int cmd_serve(int argc, char **argv)
{
    (void)argc, (void)argv;
    return crtk_cli_run_full();
}
#else
#include "server.h"

#include <string.h>

int cmd_serve(int argc, char **argv)
{
    char *listen = NULL, *cert = NULL, *key = NULL;
    double idle = 15;
    gboolean insecure = FALSE;
    GOptionEntry entries[] = {
        {"listen", 0, 0, G_OPTION_ARG_STRING, &listen, "address and port (default 127.0.0.1:8080; port 0 picks one)", "ADDR:PORT"},
        {"idle-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &idle, "minutes a session may stay unused (default 15)", "MIN"},
        {"tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "certificate (PEM) for HTTPS", "FILE"},
        {"tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, "private key (PEM) for HTTPS", "FILE"},
        {"insecure", 0, 0, G_OPTION_ARG_NONE, &insecure, "allow plain HTTP on an address beyond this machine", NULL},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB - the registrar's workspace: a local web server");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Log in with a user of the store (crtk user add DB NAME --role ROLE).  Pages and assets are\n"
        "built into crtk; nothing is fetched from the network.  Listening beyond loopback needs\n"
        "--tls-cert and --tls-key (or --insecure).  Stop with Ctrl-C.");
    int rc = EXIT_OK;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc != 2) {
        crtk_cli_error("serve: name the store DB (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    crtk_web_options o = {.store_path = argv[1], .listen = listen ? listen : "127.0.0.1:8080",
                          .idle_seconds = idle * 60, .tls_cert = cert, .tls_key = key, .insecure = insecure};
    GError *error = NULL;
    if (!crtk_web_serve(&o, &error)) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
    }
out:
    g_free(listen), g_free(cert), g_free(key);
    g_option_context_free(ctx);
    return rc;
}
#endif
