/* fuzz_common.h — what the fuzz targets share: handlers that touch every value they are given,
 * so that a value pointing at freed or unterminated memory is caught by AddressSanitizer. */
#ifndef CRTK_FUZZ_COMMON_H
#define CRTK_FUZZ_COMMON_H

#include "naaccr_read.h"

#include <stdint.h>
#include <string.h>

static volatile size_t fuzz_sink;

static inline void fuzz_touch(const char *s)
{
    if (s)
        fuzz_sink += strlen(s);
}

static inline void fuzz_touch_element(const crtk_element *e, const crtk_dictionary *d)
{
    /* CRTK_FUZZ_ALLOW_NUL=1 lets values hold NUL bytes, to fuzz past that known finding. */
    static int allow_nul = -1;
    if (allow_nul < 0)
        allow_nul = g_getenv("CRTK_FUZZ_ALLOW_NUL") != NULL;
    for (int i = 0; i < e->n_set; i++) {
        size_t len;
        const char *v = crtk_element_get(e, e->set[i], &len);
        if (!v || (allow_nul ? v[len] != 0 : strlen(v) != len))
            __builtin_trap(); /* a set value must be there, NUL-terminated at its length, with no NUL inside */
        const crtk_item *it = crtk_dictionary_item(d, e->set[i]);
        crtk_problem_code code;
        fuzz_touch(crtk_item_check_value(it, v, len, &code));
        fuzz_sink += len + (size_t)it->number;
    }
    if (e->extensions)
        fuzz_sink += strlen(e->extensions->str);
}

static inline int fuzz_on_header(const crtk_header *h, void *user)
{
    (void)user;
    fuzz_touch(h->specification_version);
    fuzz_touch(h->time_generated);
    fuzz_touch(h->user_dictionary_uris);
    for (unsigned i = 0; i < h->extra_attributes->len; i++)
        fuzz_touch(g_ptr_array_index(h->extra_attributes, i));
    fuzz_touch_element(&h->root, h->dict);
    return CRTK_CONTINUE;
}

static inline int fuzz_on_patient(crtk_record *r, void *user)
{
    (void)user;
    fuzz_touch_element(&r->patient, r->dict);
    for (int t = 0; t < r->n_tumors; t++)
        fuzz_touch_element(&r->tumors[t], r->dict);
    fuzz_touch(crtk_record_patient_id(r));
    return CRTK_CONTINUE;
}

static inline int fuzz_on_problem(const crtk_problem *p, void *user)
{
    (void)user;
    char *a = crtk_problem_format(p);
    char *b = crtk_problem_to_json(p);
    fuzz_sink += strlen(a) + strlen(b);
    g_free(a);
    g_free(b);
    return CRTK_CONTINUE;
}

/* Read options from the first byte of the input, so that every mode is explored. */
static inline const uint8_t *fuzz_options(const uint8_t *data, size_t *size, crtk_read_options *o)
{
    crtk_read_options_init(o);
    if (*size == 0)
        return data;
    uint8_t f = data[0];
    o->relaxed_namespace = (f & 1) != 0;
    o->ignore_unknown = (f & 2) != 0;
    o->skip_extensions = (f & 4) != 0;
    o->check_values = (f & 8) == 0;
    o->no_grouping = (f & 16) != 0;
    static const int versions[] = {0, 140, 180, 250};
    o->version = versions[(f >> 5) & 3];
    o->record_type = (f & 128) ? CRTK_RT_A : 0;
    (*size)--;
    return data + 1;
}

#endif
