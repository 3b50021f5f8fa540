/* cmd_backup.c — `crtk backup DB DEST`: a consistent copy while others may be reading (SQLite online backup). */
#include "commands.h"
#include "crtk/store.h"

int cmd_backup(int argc, char **argv)
{
    GOptionContext *ctx = g_option_context_new("DB DEST - copy a store safely while it is in use");
    g_option_context_set_description(ctx, "DEST must not exist; it is created readable by its owner only.\n"
                                          "To restore, copy DEST back over DB while nobody uses it.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc != 3) {
        crtk_cli_error("backup: give DB and DEST (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], TRUE, NULL, "backup");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    if (!crtk_store_backup(s, argv[2], &error)) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
        goto out;
    }
    printf("%s: backup of %s written\n", argv[2], argv[1]);
out:
    crtk_store_close(s);
    g_option_context_free(ctx);
    return rc;
}
