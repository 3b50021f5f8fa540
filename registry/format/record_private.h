/* record_private.h — the inner loop of setting a value, for the readers inside libcrtk.
 *
 * crtk_element_set() (record.h) checks its arguments and unsets on an empty value; a reader that
 * has already checked both calls crtk_element_put() instead, which the compiler can inline.
 */
#ifndef CRTK_RECORD_PRIVATE_H
#define CRTK_RECORD_PRIVATE_H
#include "record.h"

#include <string.h>

/* Sets value (len > 0 bytes) of item index (0 <= index < e->n_items), copying it into e's arena. */
static inline void crtk_element_put(crtk_element *e, int index, const char *value, size_t len)
{
    if (e->len[index] == 0) {
        if (e->n_set == e->cap_set) {
            e->cap_set *= 2;
            e->set = g_renew(int, e->set, e->cap_set);
        }
        e->set[e->n_set++] = index;
    }
    GString *a = e->arena;
    size_t at = a->len;
    if (at + len + 1 >= a->allocated_len)
        g_string_set_size(a, at + len + 1);
    memcpy(a->str + at, value, len);
    a->str[at + len] = 0;
    a->len = at + len + 1;
    e->off[index] = (uint32_t)at;
    e->len[index] = (uint32_t)len;
}

#endif
