/* cmd_upgrade.c — `crtk upgrade DB --naaccr-version V`: move a store to another NAACCR version. */
#include "commands.h"
#include "crtk/store.h"

int cmd_upgrade(int argc, char **argv)
{
    char *version = NULL, *user = NULL;
    gboolean drop_values = FALSE;
    GOptionEntry entries[] = {
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "the version to move to (e.g. 26)", "V"},
        {"user", 0, 0, G_OPTION_ARG_STRING, &user, "who is working (audit trail)", "NAME"},
        {"drop-values", 0, 0, G_OPTION_ARG_NONE, &drop_values,
         "drop the values the new version has no item for (each is audited; a backup is made first)", NULL},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB --naaccr-version V - move a store to another NAACCR version");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Items are kept by naaccrId (renamed items by number; 26 replaces sex with sexAssignedAtBirth).\n"
        "When the new version has no item for some stored values, nothing is changed unless --drop-values\n"
        "is given; then a backup DB.before-naaccr-V-TIME.bak is made first and every dropped value is\n"
        "recorded in the audit trail.  A downgrade (to an older version) says so before it starts.");
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
    if (v < from)
        fprintf(stderr, "crtk: upgrade: this is a DOWNGRADE (NAACCR %d -> %d): items added since %d have no place "
                        "in the older version\n", from, v, v);
    if (drop_values) {
        GDateTime *now = g_date_time_new_now_utc();
        char *stamp = g_date_time_format(now, "%Y%m%dT%H%M%S");
        char *bak = g_strdup_printf("%s.before-naaccr-%d-%s.bak", argv[1], v, stamp);
        g_date_time_unref(now);
        g_free(stamp);
        gboolean backed = crtk_store_backup(s, bak, &error);
        if (!backed) {
            crtk_cli_error("upgrade: no backup, so nothing was changed: %s", error->message);
            g_error_free(error);
            g_free(bak);
            rc = EXIT_USAGE;
            goto out;
        }
        fprintf(stderr, "crtk: upgrade: backup %s\n", bak);
        g_free(bak);
    }
    if (!crtk_store_change_version(s, v, drop_values, (crtk_problem_fn)crtk_cli_print_problem, NULL, &error)) {
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
