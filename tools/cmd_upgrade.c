/* cmd_upgrade.c — `crtk upgrade DB --naaccr-version V`: move a store to another NAACCR version. */
#include "commands.h"
#include "crtk/store.h"

int cmd_upgrade(int argc, char **argv)
{
    char *version = NULL, *user = NULL;
    GOptionEntry entries[] = {
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "the version to move to (e.g. 26)", "V"},
        {"user", 0, 0, G_OPTION_ARG_STRING, &user, "who is working (audit trail)", "NAME"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB --naaccr-version V - move a store to another NAACCR version");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Items are kept by naaccrId (renamed items by number; 26 replaces sex with sexAssignedAtBirth).\n"
        "Items the new version lacks are dropped and listed; everything is recorded in the audit trail.\n"
        "Make a backup first (crtk backup).");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    int v = version ? crtk_naaccr_version_parse(version) : 0;
    if (argc != 2 || !v) {
        crtk_cli_error("upgrade: give DB and --naaccr-version V (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], FALSE, user, "upgrade");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    int from = crtk_store_version(s);
    GError *error = NULL;
    if (!crtk_store_upgrade(s, v, (crtk_problem_fn)crtk_cli_print_problem, NULL, &error)) {
        crtk_cli_error("%s (the store is unchanged)", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
        goto out;
    }
    printf("%s: NAACCR %d -> %d\n", argv[1], from, v);
out:
    crtk_store_close(s);
    g_free(version), g_free(user);
    g_option_context_free(ctx);
    return rc;
}
