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

/* One slot per algorithm, each with its own lock: two threads asking for the same algorithm load it
 * once, and different algorithms load at the same time (crtk stage loads those a store needs in
 * parallel). */
static struct {
    const char *algorithm;
    GMutex lock;
    crtk_staging *alg;
} slots[] = {{"eod_public", {0}, NULL}, {"tnm", {0}, NULL}, {"cs", {0}, NULL}, {"pediatric", {0}, NULL}};

const crtk_staging *crtk_staging_get(const char *name, GError **error)
{
    const char *algorithm = NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(aliases); i++)
        if (!g_ascii_strcasecmp(name, aliases[i].name))
            algorithm = aliases[i].algorithm;
    int slot = -1;
    for (gsize i = 0; algorithm && i < G_N_ELEMENTS(slots); i++)
        if (!strcmp(slots[i].algorithm, algorithm))
            slot = (int)i;
    if (slot < 0) {
        g_set_error(error, g_quark_from_static_string("crtk-staging"), 1,
                    "unknown staging algorithm '%s' (eod, tnm, cs or pediatric)", name);
        return NULL;
    }
    g_mutex_lock(&slots[slot].lock);
    crtk_staging *alg = slots[slot].alg;
    if (!alg) {
        char *prefix = g_strdup_printf("staging/%s-", algorithm);
        for (const crtk_embedded_file *f = crtk_schema_files(); f->name; f++)
            if (g_str_has_prefix(f->name, prefix) && g_str_has_suffix(f->name, ".json.gz")) {
                alg = crtk_staging_load_bundle(f->data, f->len, error);
                if (alg)
                    slots[slot].alg = alg;
                else
                    g_prefix_error(error, "%s: ", f->name);
                break;
            }
        if (!alg && error && !*error)
            g_set_error(error, g_quark_from_static_string("crtk-staging"), 1,
                        "staging algorithm %s is not built into this crtk", algorithm);
        g_free(prefix);
    }
    g_mutex_unlock(&slots[slot].lock);
    return alg;
}
