/* cmd_followup_settings.c — `crtk followup settings`: show or change the follow-up settings.
 *
 * KEY=VALUE arguments are set in one transaction that is kept only when the settings still make
 * sense together (crtk_followup_rules_from_store); then every key is printed with its value or
 * its default.
 */
#include "cmd_followup.h"
#include "crtk/store.h"

#include <string.h>

int cmd_followup_settings(int argc, char **argv)
{
    char *user = NULL;
    GOptionEntry entries[] = {
        {"user", 0, 0, G_OPTION_ARG_STRING, &user, "who is working (audit trail; default: login name)", "NAME"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB [KEY=VALUE]... - show or change the follow-up settings");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Keys: registryName, registryPhone, registryAddress (lines separated by \" / \"), registryLetterName and\n"
        "registryLetterAddress (used in letters to patients and contacts; default: the registry's name and\n"
        "address without the word \"cancer\"), referenceDate (YYYYMMDD), followupDueMonths (12),\n"
        "followupLostMonths (15), followupRequiredSince (20050101: first diagnosis date followed by the\n"
        "CoC rate), followupHomeCountries (\"USA ASM GUM MNP PRI UMI VIR\": other countries are foreign).\n"
        "KEY= (empty) removes a setting.  Changes are in the audit trail.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc < 2) {
        crtk_cli_error("followup settings: name the store DB (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], argc == 2, user, "followup settings");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    if (argc > 2) {
        if (!crtk_store_begin(s, &error)) {
            rc = fu_error_exit(error);
            goto out;
        }
        for (int i = 2; i < argc && rc == EXIT_OK; i++) {
            char *eq = strchr(argv[i], '=');
            char *key = eq ? g_strndup(argv[i], (gsize)(eq - argv[i])) : NULL;
            gboolean known = key && crtk_followup_setting_is_key(key);
            g_free(key);
            if (!known) {
                crtk_cli_error("followup settings: %s: expected KEY=VALUE with a key of --help", argv[i]);
                rc = EXIT_USAGE;
                break;
            }
            *eq = 0;
            if (!crtk_store_set_setting(s, argv[i], eq + 1, &error))
                rc = fu_error_exit(error);
        }
        /* The new values must make sense together before they are kept. */
        crtk_followup_rules rules;
        if (rc == EXIT_OK && !crtk_followup_rules_from_store(s, NULL, &rules, &error))
            rc = fu_error_exit(error);
        if (rc == EXIT_OK && !crtk_store_commit(s, &error))
            rc = fu_error_exit(error);
        if (rc != EXIT_OK) {
            crtk_store_rollback(s);
            goto out;
        }
    }
    for (int k = 0; crtk_followup_setting_keys[k]; k++) {
        const char *key = crtk_followup_setting_keys[k];
        char *v = crtk_store_get_setting(s, key), *def = crtk_followup_setting_default(key);
        printf("%-22s %s%s%s\n", key, v ? v : def ? def : "(not set)", !v && def ? " (default)" : "", "");
        g_free(v), g_free(def);
    }
out:
    crtk_store_close(s);
    g_free(user);
    g_option_context_free(ctx);
    return rc;
}
