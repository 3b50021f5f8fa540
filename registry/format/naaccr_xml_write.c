/* naaccr_xml_write.c — the NAACCR XML writer back end (see naaccr_write.h).
 *
 * Writes the standard's layout: NaaccrData with its attributes and the
 * declarations of namespaces kept from the source, then its Items and
 * extensions, then Patients with Items, extensions and Tumors.  Items come in
 * dictionary order; only items of the element's level and of the record type
 * are written.  Values are escaped for XML: & < > always, CR as &#13; (so it
 * survives a round trip), and the control characters XML 1.0 cannot hold at
 * all are left out and counted in crtk_writer.removed_controls.  Bytes
 * that are not valid UTF-8 are taken as Latin-1 and converted.
 */
#include "naaccr_write.h"

#include <string.h>
#include <time.h>

typedef struct {
    int *items[3];     /* per level: item indexes to write, in dictionary order */
    int n_items[3];
    char **open_tag;   /* per item index: `<Item naaccrId="ID">` (with naaccrNum when asked) */
    size_t *open_len;
    crtk_writer *w;
    GString *buf;
} xml_state;

static unsigned char esc_class[256];

static void init_esc(void)
{
    static gsize done;
    if (g_once_init_enter(&done)) {
        for (int c = 0; c < 256; c++)
            esc_class[c] = (c < 0x20 && c != '\t' && c != '\n') || c == '&' || c == '<' || c == '>' || c >= 0x80;
        g_once_init_leave(&done, 1);
    }
}

static void escape_slow(xml_state *s, GString *out, const unsigned char *p, size_t len, gboolean attribute)
{
    const unsigned char *e = p + len;
    while (p < e) {
        unsigned char c = *p;
        if (c == '&')
            g_string_append(out, "&amp;");
        else if (c == '<')
            g_string_append(out, "&lt;");
        else if (c == '>')
            g_string_append(out, "&gt;");
        else if (c == '"' && attribute)
            g_string_append(out, "&quot;");
        else if (c == '\r')
            g_string_append(out, "&#13;");
        else if (c == '\n' && attribute)
            g_string_append(out, "&#10;");
        else if (c == '\t' && attribute)
            g_string_append(out, "&#9;");
        else if (c < 0x20 && c != '\t' && c != '\n')
            s->w->removed_controls++;
        else if (c >= 0x80) {
            const gchar *end;
            gssize avail = (gssize)(e - p);
            gunichar u = g_utf8_get_char_validated((const gchar *)p, avail);
            if (u == (gunichar)-1 || u == (gunichar)-2 || (u >= 0x7F && u < 0xA0 && 0)) {
                /* Not UTF-8: take the byte as Latin-1. */
                g_string_append_unichar(out, c);
                p++;
                continue;
            }
            end = g_utf8_next_char(p);
            if (u == 0xFFFE || u == 0xFFFF)
                s->w->removed_controls++;
            else
                g_string_append_len(out, (const gchar *)p, end - (const gchar *)p);
            p = (const unsigned char *)end;
            continue;
        } else
            g_string_append_c(out, (char)c);
        p++;
    }
}

/* Appends value escaped for XML text (or an attribute value). */
static void append_escaped(xml_state *s, GString *out, const char *v, size_t len, gboolean attribute)
{
    const unsigned char *p = (const unsigned char *)v;
    size_t i = 0;
    if (!attribute) {
        while (i < len && !esc_class[p[i]])
            i++;
    }
    if (i == len) {
        g_string_append_len(out, v, (gssize)len);
        return;
    }
    g_string_append_len(out, v, (gssize)i);
    escape_slow(s, out, p + i, len - i, attribute);
}


static void write_items(crtk_writer *w, xml_state *s, const crtk_element *e, crtk_level level, const char *indent)
{
    GString *b = s->buf;
    const int *items = s->items[level];
    int n = s->n_items[level];
    size_t indent_len = strlen(indent);
    for (int k = 0; k < n; k++) {
        int idx = items[k];
        size_t len = e->len[idx];
        if (!len)
            continue;
        const char *v = e->arena->str + e->off[idx];
        size_t need = b->len + indent_len + s->open_len[idx] + len + 64;
        if (need >= b->allocated_len) {
            size_t keep = b->len;
            g_string_set_size(b, need);
            b->len = keep;
        }
        char *o = b->str + b->len;
        memcpy(o, indent, indent_len);
        o += indent_len;
        memcpy(o, s->open_tag[idx], s->open_len[idx]);
        o += s->open_len[idx];
        b->len = (size_t)(o - b->str);
        const crtk_item *it = w->options.zero_padding ? crtk_dictionary_item(w->dict, idx) : NULL;
        if (it && it->padding == CRTK_PAD_LEFT_ZERO && len < (size_t)it->length) {
            gboolean digits = TRUE;
            for (size_t i = 0; i < len; i++)
                if (v[i] < '0' || v[i] > '9')
                    digits = FALSE;
            if (digits)
                for (size_t i = len; i < (size_t)it->length; i++)
                    g_string_append_c(b, '0');
        }
        const unsigned char *p = (const unsigned char *)v;
        size_t i = 0;
        while (i < len && !esc_class[p[i]])
            i++;
        if (i == len) {
            memcpy(b->str + b->len, v, len);
            b->len += len;
        } else {
            g_string_append_len(b, v, (gssize)i);
            escape_slow(s, b, p + i, len - i, FALSE);
            if (b->len + 16 >= b->allocated_len) {
                size_t keep = b->len;
                g_string_set_size(b, keep + 16);
                b->len = keep;
            }
        }
        memcpy(b->str + b->len, "</Item>\n", 8);
        b->len += 8;
        b->str[b->len] = 0;
    }
    if (e->extensions && e->extensions->len && !w->options.drop_extensions) {
        g_string_append(b, indent);
        g_string_append_len(b, e->extensions->str, (gssize)e->extensions->len);
        g_string_append_c(b, '\n');
    }
}

static void flush(crtk_writer *w, xml_state *s)
{
    crtk_out_write(w->out, s->buf->str, s->buf->len);
    g_string_truncate(s->buf, 0);
}

static gboolean xml_begin(crtk_writer *w, GError **error)
{
    (void)error;
    init_esc();
    xml_state *s = g_new0(xml_state, 1);
    w->state = s;
    s->w = w;
    s->buf = g_string_sized_new(1 << 16);
    int n = crtk_dictionary_count(w->dict);
    s->open_tag = g_new0(char *, n);
    s->open_len = g_new0(size_t, n);
    for (int i = 0; i < n; i++) {
        const crtk_item *it = crtk_dictionary_item(w->dict, i);
        if (w->options.write_item_numbers)
            s->open_tag[i] = g_strdup_printf("<Item naaccrId=\"%s\" naaccrNum=\"%d\">", it->id, it->number);
        else
            s->open_tag[i] = g_strdup_printf("<Item naaccrId=\"%s\">", it->id);
        s->open_len[i] = strlen(s->open_tag[i]);
    }
    for (int l = 0; l < 3; l++) {
        s->items[l] = g_new(int, n);
        for (int i = 0; i < n; i++) {
            const crtk_item *it = crtk_dictionary_item(w->dict, i);
            if ((int)it->level == l && (it->record_types & w->record_type))
                s->items[l][s->n_items[l]++] = i;
        }
    }
    GString *b = s->buf;
    g_string_append(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    g_string_append(b, "<NaaccrData baseDictionaryUri=\"");
    append_escaped(s, b, crtk_dictionary_base_uri(w->dict), strlen(crtk_dictionary_base_uri(w->dict)), TRUE);
    g_string_append_c(b, '"');
    const char *uris = crtk_dictionary_user_uris(w->dict);
    if (uris) {
        g_string_append(b, "\n            userDictionaryUri=\"");
        append_escaped(s, b, uris, strlen(uris), TRUE);
        g_string_append_c(b, '"');
    }
    g_string_append_printf(b, "\n            recordType=\"%c\"", crtk_record_type_letter(w->record_type));
    const char *spec = w->options.specification_version ? w->options.specification_version : "1.8";
    g_string_append_printf(b, "\n            specificationVersion=\"%s\"", spec);
    /* SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes the time, for byte-identical output. */
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    GDateTime *now = epoch && *epoch ? g_date_time_new_from_unix_utc(g_ascii_strtoll(epoch, NULL, 10))
                                     : g_date_time_new_now_local();
    char *tg = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S%:z");
    g_date_time_unref(now);
    g_string_append_printf(b, "\n            timeGenerated=\"%s\"", tg);
    g_free(tg);
    g_string_append(b, "\n            xmlns=\"http://naaccr.org/naaccrxml\"");
    for (guint i = 0; i < w->header->extra_attributes->len; i++) {
        g_string_append(b, "\n            ");
        g_string_append(b, g_ptr_array_index(w->header->extra_attributes, i));
    }
    g_string_append(b, ">\n");
    /* Record type and version items, when present, must agree with the file. */
    const crtk_item *rt = crtk_dictionary_find(w->dict, "recordType");
    const crtk_item *ver = crtk_dictionary_find(w->dict, "naaccrRecordVersion");
    if (rt && crtk_element_has(&w->header->root, rt->index)) {
        char letter[2] = {crtk_record_type_letter(w->record_type), 0};
        crtk_element_set_str(&w->header->root, rt->index, letter);
    }
    if (ver && crtk_element_has(&w->header->root, ver->index)) {
        char v[8];
        g_snprintf(v, sizeof v, "%d", crtk_dictionary_version(w->dict));
        crtk_element_set_str(&w->header->root, ver->index, v);
    }
    write_items(w, s, &w->header->root, CRTK_LEVEL_ROOT, "    ");
    flush(w, s);
    return TRUE;
}

static gboolean xml_record(crtk_writer *w, const crtk_record *r, GError **error)
{
    (void)error;
    xml_state *s = w->state;
    g_string_append(s->buf, "    <Patient>\n");
    write_items(w, s, &r->patient, CRTK_LEVEL_PATIENT, "        ");
    for (int i = 0; i < r->n_tumors; i++) {
        g_string_append(s->buf, "        <Tumor>\n");
        write_items(w, s, &r->tumors[i], CRTK_LEVEL_TUMOR, "            ");
        g_string_append(s->buf, "        </Tumor>\n");
    }
    g_string_append(s->buf, "    </Patient>\n");
    if (s->buf->len > (1 << 15))
        flush(w, s);
    return TRUE;
}

static gboolean xml_end(crtk_writer *w, GError **error)
{
    (void)error;
    xml_state *s = w->state;
    g_string_append(s->buf, "</NaaccrData>\n");
    flush(w, s);
    return TRUE;
}

static void xml_free(crtk_writer *w)
{
    xml_state *s = w->state;
    if (!s)
        return;
    for (int l = 0; l < 3; l++)
        g_free(s->items[l]);
    if (s->open_tag) {
        for (int i = 0; i < crtk_dictionary_count(w->dict); i++)
            g_free(s->open_tag[i]);
        g_free(s->open_tag);
        g_free(s->open_len);
    }
    g_string_free(s->buf, TRUE);
    g_free(s);
    w->state = NULL;
}

const crtk_writer_ops crtk_xml_writer_ops = {xml_begin, xml_record, xml_end, xml_free};
