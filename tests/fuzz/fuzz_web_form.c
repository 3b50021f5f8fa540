/* fuzz_web_form.c — libFuzzer target: what crtk serve reads from a request before anything else —
 * urlencoded forms and query strings (web/form.c), the search box (crtk_entry_patient_query) and
 * typed dates (crtk_entry_date) — on any bytes. */
#include <stdint.h>
#include <string.h>
#include "crtk/entry.h"
#include "form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GHashTable *t = crtk_web_form_parse((const char *)data, size, 100);
    if (t) {
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, t);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            /* every decoded name and value is UTF-8 without NUL */
            if (!g_utf8_validate(k, -1, NULL) || !g_utf8_validate(v, -1, NULL))
                __builtin_trap();
            crtk_patient_query q;
            char **keep = NULL;
            if (crtk_entry_patient_query(v, &q, &keep))
                g_strfreev(keep);
            GError *e = NULL;
            char *d = crtk_entry_date(v, &e);
            if (d && *d && strlen(d) != 4 && strlen(d) != 6 && strlen(d) != 8)
                __builtin_trap();
            g_free(d);
            g_clear_error(&e);
        }
        g_hash_table_destroy(t);
    }
    g_strfreev(crtk_web_form_names((const char *)data, size));
    return 0;
}
