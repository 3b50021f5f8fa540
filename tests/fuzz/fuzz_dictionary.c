/* fuzz_dictionary.c — libFuzzer target: the NAACCR dictionary XML parser on any bytes; a dictionary
 * that parses is added to a NAACCR 18 and a NAACCR 25 dictionary and its items looked up. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    crtk_user_dictionary *ud =
        crtk_user_dictionary_parse((const char *)data, size, "fuzz.xml", fuzz_on_problem, NULL, &error);
    if (!ud) {
        if (!error)
            __builtin_trap(); /* a refusal always says why */
        g_error_free(error);
        return 0;
    }
    fuzz_touch(crtk_user_dictionary_uri(ud));
    static const int versions[] = {180, 250};
    for (int v = 0; v < 2; v++) {
        crtk_dictionary *d = crtk_dictionary_new(versions[v], NULL);
        /* A dictionary whose URI is already there (the base or default user one) is taken as
           already added: its own definitions are not used, so they are not checked below. */
        gboolean known = crtk_dictionary_has_uri(d, crtk_user_dictionary_uri(ud));
        if (crtk_dictionary_add_user(d, ud, &error) && !known) {
            for (int i = 0; i < crtk_user_dictionary_count(ud); i++) {
                const crtk_item *u = crtk_user_dictionary_item(ud, i);
                const crtk_item *it = crtk_dictionary_find(d, u->id);
                if (!it || crtk_dictionary_find_number(d, u->number) != it)
                    __builtin_trap(); /* an added item is found by its id and its number */
                fuzz_touch(it->name);
            }
            fuzz_sink += (size_t)crtk_dictionary_flat_length(d, CRTK_RT_A);
            fuzz_touch(crtk_dictionary_user_uris(d));
        }
        g_clear_error(&error);
        crtk_dictionary_unref(d);
    }
    crtk_user_dictionary_free(ud);
    return 0;
}
