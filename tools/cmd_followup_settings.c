/* cmd_followup_settings.c — `crtk followup settings`: show or change the follow-up settings.
 *
 * KEY=VALUE arguments are set by crtk_followup_settings_set (one transaction, kept only when the
 * settings still make sense together); then every key is printed with its value or its default.
 */
#include "cmd_followup.h"
#include "crtk/store.h"

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
    if (argc > 2 && !crtk_followup_settings_set(s, (const char *const *)argv + 2, argc - 2, &error)) {
        if (error->domain == CRTK_ERROR && error->code == CRTK_ERROR_USAGE) {
            crtk_cli_error("followup settings: %s (see --help)", error->message);
            g_error_free(error);
            rc = EXIT_USAGE;
        } else {
            rc = fu_error_exit(error);
        }
        goto out;
    }
    for (int k = 0; crtk_followup_setting_keys[k]; k++) {
        const char *key = crtk_followup_setting_keys[k];
        gboolean is_default;
        char *v = crtk_followup_setting_value(s, key, &is_default);
        printf("%-22s %s%s\n", key, v ? v : "(not set)", is_default ? " (default)" : "");
        g_free(v);
    }
out:
    crtk_store_close(s);
    g_free(user);
    g_option_context_free(ctx);
    return rc;
}
