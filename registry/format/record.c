/* record.c — patients, tumors and file headers with values by item index (see record.h). */
#include "record.h"
#include "record_private.h"

#include <string.h>

void crtk_element_init(crtk_element *e, int n_items, GString *arena)
{
    memset(e, 0, sizeof *e);
    e->n_items = n_items;
    e->off = g_new0(uint32_t, n_items);
    e->len = g_new0(uint32_t, n_items);
    e->cap_set = 32;
    e->set = g_new(int, e->cap_set);
    e->arena = arena;
}

void crtk_element_free(crtk_element *e)
{
    g_free(e->off);
    g_free(e->len);
    g_free(e->set);
    if (e->extensions)
        g_string_free(e->extensions, TRUE);
    memset(e, 0, sizeof *e);
}

void crtk_element_clear(crtk_element *e)
{
    for (int i = 0; i < e->n_set; i++)
        e->len[e->set[i]] = 0;
    e->n_set = 0;
    if (e->extensions)
        g_string_truncate(e->extensions, 0);
    e->line = 0;
}

void crtk_element_set(crtk_element *e, int index, const char *value, size_t len)
{
    g_return_if_fail(index >= 0 && index < e->n_items);
    if (len == 0) {
        crtk_element_unset(e, index);
        return;
    }
    crtk_element_put(e, index, value, len);
}

void crtk_element_set_str(crtk_element *e, int index, const char *value)
{
    crtk_element_set(e, index, value, value ? strlen(value) : 0);
}

gboolean crtk_element_set_id(crtk_element *e, const crtk_dictionary *d, const char *id, const char *value)
{
    const crtk_item *it = crtk_dictionary_find(d, id);
    if (!it)
        return FALSE;
    crtk_element_set_str(e, it->index, value);
    return TRUE;
}

void crtk_element_unset(crtk_element *e, int index)
{
    if (e->len[index] == 0)
        return;
    e->len[index] = 0;
    for (int i = 0; i < e->n_set; i++)
        if (e->set[i] == index) {
            memmove(e->set + i, e->set + i + 1, sizeof(int) * (size_t)(e->n_set - i - 1));
            e->n_set--;
            break;
        }
}

const char *crtk_element_get(const crtk_element *e, int index, size_t *len)
{
    if (index < 0 || index >= e->n_items || e->len[index] == 0) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = e->len[index];
    return e->arena->str + e->off[index];
}

const char *crtk_element_get_id(const crtk_element *e, const crtk_dictionary *d, const char *id)
{
    const crtk_item *it = crtk_dictionary_find(d, id);
    return it ? crtk_element_get(e, it->index, NULL) : NULL;
}

gboolean crtk_element_has(const crtk_element *e, int index)
{
    return index >= 0 && index < e->n_items && e->len[index] > 0;
}

void crtk_element_add_extension(crtk_element *e, const char *xml, size_t len)
{
    if (!e->extensions)
        e->extensions = g_string_new(NULL);
    g_string_append_len(e->extensions, xml, (gssize)len);
}

crtk_record *crtk_record_new(crtk_dictionary *dict)
{
    crtk_record *r = g_new0(crtk_record, 1);
    r->dict = crtk_dictionary_ref(dict);
    r->arena = g_string_sized_new(16384);
    crtk_element_init(&r->patient, crtk_dictionary_count(dict), r->arena);
    return r;
}

void crtk_record_free(crtk_record *r)
{
    if (!r)
        return;
    crtk_element_free(&r->patient);
    for (int i = 0; i < r->cap_tumors; i++)
        crtk_element_free(&r->tumors[i]);
    g_free(r->tumors);
    g_string_free(r->arena, TRUE);
    crtk_dictionary_unref(r->dict);
    g_free(r);
}

void crtk_record_clear(crtk_record *r)
{
    crtk_element_clear(&r->patient);
    for (int i = 0; i < r->n_tumors; i++)
        crtk_element_clear(&r->tumors[i]);
    r->n_tumors = 0;
    g_string_truncate(r->arena, 0);
    r->ordinal = 0;
}

crtk_element *crtk_record_add_tumor(crtk_record *r)
{
    if (r->n_tumors == r->cap_tumors) {
        int cap = r->cap_tumors ? r->cap_tumors * 2 : 4;
        r->tumors = g_renew(crtk_element, r->tumors, cap);
        for (int i = r->cap_tumors; i < cap; i++)
            crtk_element_init(&r->tumors[i], crtk_dictionary_count(r->dict), r->arena);
        r->cap_tumors = cap;
    }
    crtk_element *t = &r->tumors[r->n_tumors++];
    crtk_element_clear(t);
    return t;
}

static void copy_element(crtk_element *dst, const crtk_element *src)
{
    crtk_element_clear(dst);
    for (int i = 0; i < src->n_set; i++) {
        int idx = src->set[i];
        crtk_element_set(dst, idx, src->arena->str + src->off[idx], src->len[idx]);
    }
    if (src->extensions && src->extensions->len)
        crtk_element_add_extension(dst, src->extensions->str, src->extensions->len);
    dst->line = src->line;
}

void crtk_record_copy(crtk_record *dst, const crtk_record *src)
{
    crtk_record_clear(dst);
    copy_element(&dst->patient, &src->patient);
    for (int i = 0; i < src->n_tumors; i++)
        copy_element(crtk_record_add_tumor(dst), &src->tumors[i]);
    dst->ordinal = src->ordinal;
}

const char *crtk_record_tumor_item(const crtk_record *r, int t, const char *naaccr_id)
{
    const crtk_item *it = crtk_dictionary_find(r->dict, naaccr_id);
    if (!it)
        return NULL;
    return crtk_element_get(it->level == CRTK_LEVEL_PATIENT ? &r->patient : &r->tumors[t], it->index, NULL);
}

const char *crtk_record_patient_id(const crtk_record *r)
{
    const char *v = crtk_element_get_id(&r->patient, r->dict, "patientIdNumber");
    return v ? v : "";
}

crtk_header *crtk_header_new(crtk_dictionary *dict, unsigned record_type)
{
    crtk_header *h = g_new0(crtk_header, 1);
    h->dict = crtk_dictionary_ref(dict);
    h->record_type = record_type;
    h->arena = g_string_new(NULL);
    h->extra_attributes = g_ptr_array_new_with_free_func(g_free);
    crtk_element_init(&h->root, crtk_dictionary_count(dict), h->arena);
    return h;
}

void crtk_header_free(crtk_header *h)
{
    if (!h)
        return;
    crtk_element_free(&h->root);
    g_string_free(h->arena, TRUE);
    g_ptr_array_free(h->extra_attributes, TRUE);
    g_free(h->specification_version);
    g_free(h->time_generated);
    g_free(h->user_dictionary_uris);
    crtk_dictionary_unref(h->dict);
    g_free(h);
}
