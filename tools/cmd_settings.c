/* cmd_settings.c — `crtk settings`: show or change a store's registry settings — who the registry
 * and the reporting facility are (registryId, item 40; reportingFacility, item 540: submissions
 * and the QA summary name them) and the follow-up settings.  `crtk followup settings` is this
 * command too.
 *
 * KEY=VALUE arguments are applied in one audited transaction, kept only when every key is known,
 * every identifier fits its item and the follow-up settings still make sense together.
 */
#include "commands.h"
#include "crtk/followup.h"
#include "crtk/store.h"

#include <string.h>

/* The identifiers a store keeps beside the follow-up settings, with the item they fill. */
static const struct {
    const char *key, *what;
    int length; /* the item's length: a longer value would be cut in every record */
} identifiers[] = {
    {"registryId", "Registry ID (item 40)", 10},
    {"reportingFacility", "Reporting Facility (item 540)", 10},
};

static int identifier_index(const char *key)
{
    for (int i = 0; i < (int)G_N_ELEMENTS(identifiers); i++)
        if (!strcmp(identifiers[i].key, key))
            return i;
    return -1;
}

/* Applies the assignments in one transaction (the follow-up ones through
 * crtk_followup_settings_set, which checks them together).  FALSE with *error when one is refused:
 * nothing is changed then. */
static gboolean apply(crtk_store *s, char **assignments, int n, GError **error)
{
    if (!crtk_store_begin(s, error))
        return FALSE;
    GPtrArray *followup = g_ptr_array_new();
    gboolean ok = TRUE;
    for (int i = 0; i < n && ok; i++) {
        const char *eq = strchr(assignments[i], '=');
        char *key = eq ? g_strndup(assignments[i], (gsize)(eq - assignments[i])) : NULL;
        int k = key ? identifier_index(key) : -1;
        if (k >= 0) {
            const char *v = eq + 1;
            if ((int)strlen(v) > identifiers[k].length || strchr(v, ' ') || !g_utf8_validate(v, -1, NULL)) {
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                            "%s: %s is at most %d characters without blanks", assignments[i], identifiers[k].what,
                            identifiers[k].length);
                ok = FALSE;
            } else {
                ok = crtk_store_set_setting(s, key, v, error);
            }
        } else if (key && crtk_followup_setting_is_key(key)) {
            g_ptr_array_add(followup, assignments[i]);
        } else {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "%s: expected KEY=VALUE with a setting as KEY",
                        assignments[i]);
            ok = FALSE;
        }
        g_free(key);
    }
    if (ok && followup->len)
        ok = crtk_followup_settings_set(s, (const char *const *)followup->pdata, (int)followup->len, error);
    g_ptr_array_free(followup, TRUE);
    ok = ok && crtk_store_commit(s, error);
    if (!ok)
        crtk_store_rollback(s);
    return ok;
}

int cmd_settings(int argc, char **argv)
{
    char *user = NULL;
    GOptionEntry entries[] = {
        {"user", 0, 0, G_OPTION_ARG_STRING, &user, "who is working (audit trail; default: login name)", "NAME"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB [KEY=VALUE]... - show or change the registry's settings");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Keys: registryId (item 40) and reportingFacility (item 540: an NPI or the state's facility\n"
        "number), which submissions and their QA summary name; registryName, registryPhone,\n"
        "registryAddress (lines separated by \" / \"), registryLetterName and registryLetterAddress (used in\n"
        "letters to patients and contacts; default: the registry's name and address without the word\n"
        "\"cancer\"), referenceDate (YYYYMMDD), followupDueMonths (12), followupLostMonths (15),\n"
        "followupRequiredSince (20050101: first diagnosis date followed by the CoC rate),\n"
        "followupHomeCountries (\"USA ASM GUM MNP PRI UMI VIR\": other countries are foreign).\n"
        "KEY= (empty) removes a setting.  The changes are one transaction, in the audit trail.\n"
        "Example: crtk settings reg.db reportingFacility=0012345678 \"registryAddress=1 Main St / Lakeside, MI 49116\"");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc < 2) {
        crtk_cli_error("settings: name the store DB (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], argc == 2, user, "settings");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    if (argc > 2 && !apply(s, argv + 2, argc - 2, &error)) {
        gboolean usage = error->domain == CRTK_ERROR && error->code == CRTK_ERROR_USAGE;
        crtk_cli_error("%s%s%s", g_str_has_prefix(error->message, "settings: ") ? "" : "settings: ", error->message,
                       usage ? " (see --help)" : "");
        g_error_free(error);
        rc = EXIT_USAGE;
        goto out;
    }
    for (int i = 0; i < (int)G_N_ELEMENTS(identifiers); i++) {
        char *v = crtk_store_get_setting(s, identifiers[i].key);
        printf("%-22s %s\n", identifiers[i].key, v ? v : "(not set)");
        g_free(v);
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
