/* staging_builtin.c — the staging algorithms embedded in crtk (schemas/staging/ bundles), loaded on first use.
 *
 * Each algorithm is a bundle written by tools/dev/gen-staging.py from SEER's zip.  Nothing is parsed until
 * an algorithm is asked for; once loaded it stays for the life of the process (read-only, shared).
 */
#include "staging_private.h"
#include "schemas.h"

#include <string.h>

static const struct {
    const char *name, *algorithm;
} aliases[] = {{"eod", "eod_public"}, {"eod_public", "eod_public"}, {"tnm", "tnm"},
               {"cs", "cs"},          {"pediatric", "pediatric"},    {"ped", "pediatric"}};

static GMutex lock;
static GHashTable *loaded; /* algorithm -> crtk_staging * */

const crtk_staging *crtk_staging_get(const char *name, GError **error)
{
    const char *algorithm = NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(aliases); i++)
        if (!g_ascii_strcasecmp(name, aliases[i].name))
            algorithm = aliases[i].algorithm;
    if (!algorithm) {
        g_set_error(error, g_quark_from_static_string("crtk-staging"), 1,
                    "unknown staging algorithm '%s' (eod, tnm, cs or pediatric)", name);
        return NULL;
    }
    g_mutex_lock(&lock);
    if (!loaded)
        loaded = g_hash_table_new(g_str_hash, g_str_equal);
    crtk_staging *alg = g_hash_table_lookup(loaded, algorithm);
    if (!alg) {
        char *prefix = g_strdup_printf("staging/%s-", algorithm);
        for (const crtk_embedded_file *f = crtk_schema_files(); f->name; f++)
            if (g_str_has_prefix(f->name, prefix) && g_str_has_suffix(f->name, ".json.gz")) {
                alg = crtk_staging_load_bundle(f->data, f->len, error);
                if (alg) {
                    g_hash_table_insert(loaded, (gpointer)algorithm, alg);
                } else
                    g_prefix_error(error, "%s: ", f->name);
                break;
            }
        if (!alg && error && !*error)
            g_set_error(error, g_quark_from_static_string("crtk-staging"), 1,
                        "staging algorithm %s is not built into this crtk", algorithm);
        g_free(prefix);
    }
    g_mutex_unlock(&lock);
    return alg;
}
