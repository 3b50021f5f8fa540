/* fuzz_case_form.c — libFuzzer target: the `case edit` form parser (crtk_case_form_changes), which
 * reads back the text a user edited in $EDITOR, on any bytes, for a patient and for its tumor.
 * Nothing is written: the changes found are only checked to be items with values. */
#include <stdint.h>
#include <string.h>
#include "fuzz_store_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    crtk_store *s = fuzz_store();
    char *text = g_strndup((const char *)data, size); /* the form is read as a C string */
    for (int level = 0; level < 2; level++) {
        crtk_case_ref ref;
        GError *e = NULL;
        if (!crtk_case_resolve(s, level ? "00000001/1" : "00000001", &ref, &e))
            abort();
        GPtrArray *items = g_ptr_array_new_with_free_func(g_free), *values = g_ptr_array_new_with_free_func(g_free);
        if (crtk_case_form_changes(s, &ref, text, items, values, &e)) {
            if (items->len != values->len)
                __builtin_trap();
            for (guint i = 0; i < items->len; i++)
                if (!g_ptr_array_index(items, i) || !*(const char *)g_ptr_array_index(items, i) ||
                    !g_ptr_array_index(values, i))
                    __builtin_trap();
        } else if (!e || !e->message || !*e->message) {
            __builtin_trap(); /* a refusal always says why */
        }
        g_clear_error(&e);
        g_ptr_array_free(items, TRUE);
        g_ptr_array_free(values, TRUE);
        crtk_case_ref_clear(&ref);
    }
    g_free(text);
    return 0;
}
