/* naaccr_write.c — opening, feeding and closing writers of any format (see naaccr_write.h). */
#include "naaccr_write.h"

#include <string.h>

void crtk_write_options_init(crtk_write_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = CRTK_FORMAT_XML;
}

crtk_header *crtk_header_copy(const crtk_header *h)
{
    crtk_header *c = crtk_header_new(h->dict, h->record_type);
    c->specification_version = g_strdup(h->specification_version);
    c->time_generated = g_strdup(h->time_generated);
    c->user_dictionary_uris = g_strdup(h->user_dictionary_uris);
    for (guint i = 0; i < h->extra_attributes->len; i++)
        g_ptr_array_add(c->extra_attributes, g_strdup(g_ptr_array_index(h->extra_attributes, i)));
    for (int i = 0; i < h->root.n_set; i++) {
        int idx = h->root.set[i];
        size_t len;
        const char *v = crtk_element_get(&h->root, idx, &len);
        crtk_element_set(&c->root, idx, v, len);
    }
    if (h->root.extensions && h->root.extensions->len)
        crtk_element_add_extension(&c->root, h->root.extensions->str, h->root.extensions->len);
    return c;
}

crtk_writer *crtk_writer_open_out(crtk_out *out, crtk_dictionary *dict, const crtk_header *header,
                                  const crtk_write_options *options, GError **error)
{
    crtk_writer *w = g_new0(crtk_writer, 1);
    w->out = out;
    w->dict = crtk_dictionary_ref(dict);
    if (options)
        w->options = *options;
    else
        crtk_write_options_init(&w->options);
    unsigned rt = w->options.record_type ? w->options.record_type : header ? header->record_type : CRTK_RT_I;
    w->record_type = rt ? rt : CRTK_RT_I;
    if (header && header->dict == dict) {
        w->header = crtk_header_copy(header);
        w->header->record_type = w->record_type;
    } else {
        w->header = crtk_header_new(dict, w->record_type);
        if (header) {
            /* Same items by naaccrId when the header has another dictionary. */
            for (int i = 0; i < header->root.n_set; i++) {
                int idx = header->root.set[i];
                const crtk_item *it = crtk_dictionary_item(header->dict, idx);
                const crtk_item *to = crtk_dictionary_find(dict, it->id);
                size_t len;
                const char *v = crtk_element_get(&header->root, idx, &len);
                if (to && to->level == CRTK_LEVEL_ROOT)
                    crtk_element_set(&w->header->root, to->index, v, len);
            }
            for (guint i = 0; i < header->extra_attributes->len; i++)
                g_ptr_array_add(w->header->extra_attributes, g_strdup(g_ptr_array_index(header->extra_attributes, i)));
            w->header->time_generated = g_strdup(header->time_generated);
        }
    }
    switch (w->options.format) {
    case CRTK_FORMAT_FLAT: w->ops = &crtk_flat_writer_ops; break;
    case CRTK_FORMAT_CSV: w->ops = &crtk_csv_writer_ops; break;
    default: w->ops = &crtk_xml_writer_ops; break;
    }
    if (!w->ops->begin(w, error)) {
        crtk_writer_abandon(w);
        return NULL;
    }
    return w;
}

crtk_writer *crtk_writer_open(const char *path, crtk_dictionary *dict, const crtk_header *header,
                              const crtk_write_options *options, GError **error)
{
    crtk_write_options o;
    if (options)
        o = *options;
    else
        crtk_write_options_init(&o);
    if (o.format == CRTK_FORMAT_UNKNOWN)
        o.format = crtk_format_from_name(path);
    if (o.format == CRTK_FORMAT_UNKNOWN)
        o.format = CRTK_FORMAT_XML;
    if (o.format == CRTK_FORMAT_FLAT && !crtk_dictionary_has_flat_layout(dict)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_UNSUPPORTED,
                    "NAACCR %d has no fixed-width (flat) layout: official flat layouts end with version 18, and "
                    "later versions are exchanged as NAACCR XML only; write XML or CSV, or convert to "
                    "--naaccr-version 18",
                    crtk_dictionary_version(dict));
        return NULL;
    }
    crtk_out *out = crtk_out_open(path, error);
    if (!out)
        return NULL;
    return crtk_writer_open_out(out, dict, header, &o, error);
}

gboolean crtk_writer_write(crtk_writer *w, const crtk_record *record, GError **error)
{
    g_return_val_if_fail(record->dict == w->dict || crtk_dictionary_count(record->dict) == crtk_dictionary_count(w->dict),
                         FALSE);
    if (!w->ops->record(w, record, error))
        return FALSE;
    w->patients++;
    w->tumors += record->n_tumors;
    return TRUE;
}

static void writer_free(crtk_writer *w)
{
    if (w->ops && w->ops->free)
        w->ops->free(w);
    crtk_header_free(w->header);
    crtk_dictionary_unref(w->dict);
    g_free(w);
}

gboolean crtk_writer_close(crtk_writer *w, GError **error)
{
    gboolean ok = w->ops->end(w, error);
    if (!ok) {
        crtk_out_abandon(w->out);
        writer_free(w);
        return FALSE;
    }
    ok = crtk_out_close(w->out, error);
    writer_free(w);
    return ok;
}

void crtk_writer_abandon(crtk_writer *w)
{
    if (!w)
        return;
    crtk_out_abandon(w->out);
    writer_free(w);
}
