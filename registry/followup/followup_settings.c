/* followup_settings.c — reading and changing the follow-up settings of a store (windows,
 * reference date, registry name and addresses): the values in effect with their defaults, and
 * changes applied in one transaction that is kept only when the settings make sense together. */
#include "followup.h"

#include <string.h>

char *crtk_followup_setting_value(crtk_store *s, const char *key, gboolean *is_default)
{
    char *v = crtk_store_get_setting(s, key);
    if (is_default)
        *is_default = !v;
    if (v)
        return v;
    v = crtk_followup_setting_default(key);
    if (!v && is_default)
        *is_default = FALSE;
    return v;
}

gboolean crtk_followup_settings_set(crtk_store *s, const char *const *assignments, int n, GError **error)
{
    if (!crtk_store_begin(s, error))
        return FALSE;
    gboolean ok = TRUE;
    for (int i = 0; i < n && ok; i++) {
        const char *eq = strchr(assignments[i], '=');
        char *key = eq ? g_strndup(assignments[i], (gsize)(eq - assignments[i])) : NULL;
        if (!key || !crtk_followup_setting_is_key(key)) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "%s: expected KEY=VALUE with a follow-up setting as KEY",
                        assignments[i]);
            ok = FALSE;
        } else {
            ok = crtk_store_set_setting(s, key, eq + 1, error);
        }
        g_free(key);
    }
    /* The new values must make sense together before they are kept. */
    crtk_followup_rules rules;
    ok = ok && crtk_followup_rules_from_store(s, NULL, &rules, error) && crtk_store_commit(s, error);
    if (!ok)
        crtk_store_rollback(s);
    return ok;
}
