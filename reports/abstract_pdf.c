/* abstract_pdf.c — the printable abstract (see abstract_pdf.h): one patient's items and those of
 * one or all of its tumors, section by section, as a PDF laid out with pango on US Letter pages.
 *
 * The document is first composed as a list of rows (headings, "name [number] | value — meaning"
 * pairs, a summary paragraph), then drawn twice: once to count the pages (so each footer can say
 * "page 2 of 3"), once to write them. */
#include "abstract_pdf.h"
#include "case_view.h"
#include "crtk/output.h"
#include "problem.h"
#include "store.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <string.h>

#define PAGE_W 612.0 /* US Letter, points */
#define PAGE_H 792.0
#define MARGIN 54.0
#define NAME_W 210.0 /* the column of item names */

typedef enum { R_TITLE, R_HEAD, R_TEXT, R_ITEM } row_kind;

typedef struct {
    row_kind kind;
    char *left, *right;
} row;

static void add_row(GArray *rows, row_kind kind, char *left, char *right)
{
    row x = {kind, left, right};
    g_array_append_val(rows, x);
}

static void rows_free(GArray *rows)
{
    for (guint i = 0; i < rows->len; i++) {
        row *x = &g_array_index(rows, row, i);
        g_free(x->left), g_free(x->right);
    }
    g_array_free(rows, TRUE);
}

static char *date_words(const char *v)
{
    size_t n = v ? strlen(v) : 0;
    if (n == 8)
        return g_strdup_printf("%.2s/%.2s/%.4s", v + 4, v + 6, v);
    if (n == 6)
        return g_strdup_printf("%.2s/%.4s", v + 4, v);
    return g_strdup(v ? v : "");
}

/* "value — meaning" for one item, the SSN masked unless full. */
static char *value_words(const crtk_item *it, const char *v, gboolean full_ssn)
{
    if (!strcmp(it->id, "socialSecurityNumber") && !full_ssn && strlen(v) == 9)
        return g_strdup_printf("***-**-%s", v + 5);
    if (it->type == CRTK_TYPE_DATE)
        return date_words(v);
    const char *m = crtk_value_meaning(it, v);
    return m ? g_strdup_printf("%s — %s", v, m) : g_strdup(v);
}

static const char *get(const crtk_record *rec, const crtk_element *e, const char *id)
{
    return crtk_element_get_id(e, rec->dict, id);
}

/* "C504 — Upper-outer quadrant of breast" or "(blank)". */
static char *coded(const crtk_record *rec, const crtk_element *e, const char *id)
{
    const char *v = get(rec, e, id);
    const crtk_item *it = crtk_dictionary_find(rec->dict, id);
    if (!v || !*v || !it)
        return g_strdup("(blank)");
    const char *m = crtk_value_meaning(it, v);
    return m ? g_strdup_printf("%s — %s", v, m) : g_strdup(v);
}

static gint by_number(gconstpointer a, gconstpointer b, gpointer d)
{
    const crtk_item *x = crtk_dictionary_item(d, *(const int *)a), *y = crtk_dictionary_item(d, *(const int *)b);
    return x->number - y->number;
}

/* The items of one element with a value, section by section ("Other" once), in item number order. */
static void add_items(GArray *rows, const crtk_record *rec, const crtk_element *e, crtk_level level, gboolean full_ssn)
{
    const crtk_dictionary *d = rec->dict;
    int n = crtk_dictionary_count(d);
    int *order = g_new(int, n);
    for (int i = 0; i < n; i++)
        order[i] = i;
    g_qsort_with_data(order, n, sizeof(int), by_number, (gpointer)d);
    for (int s = 0; s < crtk_section_count(); s++) {
        const char *section = crtk_section_name(s);
        gboolean seen = FALSE;
        for (int j = 0; j < s; j++)
            seen |= !strcmp(crtk_section_name(j), section);
        if (seen)
            continue;
        gboolean headed = FALSE;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            const crtk_item *it = crtk_dictionary_item(d, i);
            if (it->level != level || strcmp(crtk_item_section(it), section) != 0)
                continue;
            const char *v = crtk_element_get(e, i, NULL);
            if (!v || !*v)
                continue;
            if (!headed) {
                add_row(rows, R_HEAD, g_strdup(section), NULL);
                headed = TRUE;
            }
            add_row(rows, R_ITEM, g_strdup_printf("%s [%d]", it->name, it->number), value_words(it, v, full_ssn));
        }
    }
    g_free(order);
}

static GArray *compose(const crtk_record *rec, int tumor, const crtk_abstract_pdf_options *o)
{
    GArray *rows = g_array_new(FALSE, TRUE, sizeof(row));
    const crtk_element *p = &rec->patient;
    const char *last = get(rec, p, "nameLast"), *first = get(rec, p, "nameFirst");
    add_row(rows, R_TITLE,
            g_strdup_printf("%s — cancer abstract", o && o->registry_name && *o->registry_name ? o->registry_name
                                                                                                 : "Cancer registry"),
            NULL);
    char *dob = date_words(get(rec, p, "dateOfBirth"));
    add_row(rows, R_TEXT,
            g_strdup_printf("Patient %s, %s — born %s — patient id %s", last ? last : "", first ? first : "",
                            *dob ? dob : "(unknown)", crtk_record_patient_id(rec) ? crtk_record_patient_id(rec) : ""),
            NULL);
    g_free(dob);
    add_row(rows, R_HEAD, g_strdup("PATIENT"), NULL);
    add_items(rows, rec, p, CRTK_LEVEL_PATIENT, o && o->full_ssn);
    for (int t = 0; t < rec->n_tumors; t++) {
        if (tumor >= 0 && t != tumor)
            continue;
        const crtk_element *e = &rec->tumors[t];
        add_row(rows, R_TITLE, g_strdup_printf("Tumor %d", t + 1), NULL);
        char *site = coded(rec, e, "primarySite"), *hist = coded(rec, e, "histologicTypeIcdO3"),
             *beh = coded(rec, e, "behaviorCodeIcdO3"), *dx = date_words(get(rec, e, "dateOfDiagnosis"));
        add_row(rows, R_TEXT,
                g_strdup_printf("Primary site: %s\nHistology: %s\nBehavior: %s\nDate of diagnosis: %s%s%s", site, hist,
                                beh, *dx ? dx : "(unknown)", o && o->status ? "\nAbstract status: " : "",
                                o && o->status ? o->status : ""),
                NULL);
        g_free(site), g_free(hist), g_free(beh), g_free(dx);
        add_items(rows, rec, e, CRTK_LEVEL_TUMOR, o && o->full_ssn);
    }
    return rows;
}

typedef struct {
    cairo_t *cr;
    PangoLayout *left, *right, *small;
    PangoFontDescription *title, *head, *text, *bold, *tiny;
    double y;
    int page, pages;
    gboolean draw;
    const char *header, *footer;
} pdf;

static void frame(pdf *d)
{
    if (!d->draw)
        return;
    pango_layout_set_font_description(d->small, d->tiny);
    pango_layout_set_text(d->small, d->header, -1);
    cairo_move_to(d->cr, MARGIN, MARGIN / 2);
    pango_cairo_show_layout(d->cr, d->small);
    char *f = g_strdup_printf("%s — page %d of %d", d->footer, d->page, d->pages);
    pango_layout_set_text(d->small, f, -1);
    int w, h;
    pango_layout_get_pixel_size(d->small, &w, &h);
    cairo_move_to(d->cr, PAGE_W - MARGIN - w, PAGE_H - MARGIN / 2 - h);
    pango_cairo_show_layout(d->cr, d->small);
    g_free(f);
}

static void next_page(pdf *d)
{
    if (d->draw && d->page > 0)
        cairo_show_page(d->cr);
    d->page++;
    d->y = MARGIN;
    frame(d);
}

static void place(pdf *d, const row *x, gboolean last)
{
    int lw = 0, lh = 0, rw = 0, rh = 0;
    double full = PAGE_W - 2 * MARGIN;
    pango_layout_set_width(d->left, (int)((x->kind == R_ITEM ? NAME_W - 8 : full) * PANGO_SCALE));
    pango_layout_set_font_description(d->left, x->kind == R_TITLE  ? d->title
                                                : x->kind == R_HEAD ? d->bold
                                                                    : d->text);
    pango_layout_set_text(d->left, x->left, -1);
    pango_layout_get_pixel_size(d->left, &lw, &lh);
    if (x->right) {
        pango_layout_set_width(d->right, (int)((full - NAME_W) * PANGO_SCALE));
        pango_layout_set_font_description(d->right, d->text);
        pango_layout_set_text(d->right, x->right, -1);
        pango_layout_get_pixel_size(d->right, &rw, &rh);
    }
    double h = MAX(lh, rh), before = x->kind == R_TITLE ? 12 : x->kind == R_HEAD ? 8 : 0;
    /* a heading keeps a few rows of what follows on its page */
    double need = before + h + (x->kind == R_HEAD || x->kind == R_TITLE ? 40 : 0);
    if (d->y + need > PAGE_H - MARGIN && d->y > MARGIN)
        next_page(d);
    if (d->y > MARGIN)
        d->y += before;
    if (d->draw) {
        cairo_move_to(d->cr, MARGIN, d->y);
        pango_cairo_show_layout(d->cr, d->left);
        if (x->right) {
            cairo_move_to(d->cr, MARGIN + NAME_W, d->y);
            pango_cairo_show_layout(d->cr, d->right);
        }
    }
    d->y += h + (last ? 0 : 3);
}

static void lay_out(pdf *d, GArray *rows)
{
    d->page = 0;
    next_page(d);
    for (guint i = 0; i < rows->len; i++)
        place(d, &g_array_index(rows, row, i), i + 1 == rows->len);
    if (d->draw)
        cairo_show_page(d->cr);
}

static cairo_status_t to_bytes(void *closure, const unsigned char *data, unsigned int length)
{
    g_byte_array_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

GBytes *crtk_abstract_pdf(const crtk_record *rec, int tumor, const crtk_abstract_pdf_options *o, GError **error)
{
    if (tumor >= rec->n_tumors) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "patient %s has no tumor %d",
                    crtk_record_patient_id(rec) ? crtk_record_patient_id(rec) : "?", tumor + 1);
        return NULL;
    }
    GArray *rows = compose(rec, tumor, o);
    int date = o && o->date ? o->date : 0;
    if (!date) {
        char *t = crtk_today();
        date = atoi(t);
        g_free(t);
    }
    const char *last = get(rec, &rec->patient, "nameLast"), *first = get(rec, &rec->patient, "nameFirst");
    char *header = g_strdup_printf("CONFIDENTIAL — protected health information — %s, %s (patient %s)",
                                   last ? last : "", first ? first : "",
                                   crtk_record_patient_id(rec) ? crtk_record_patient_id(rec) : "");
    char *footer = g_strdup_printf("Printed %02d/%02d/%04d%s%s", date / 100 % 100, date % 100, date / 10000,
                                   o && o->printed_by ? " by " : "", o && o->printed_by ? o->printed_by : "");
    GByteArray *bytes = g_byte_array_new();
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(to_bytes, bytes, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Cancer abstract (confidential)");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "crtk");
    pdf d = {0};
    d.cr = cairo_create(surface);
    d.left = pango_cairo_create_layout(d.cr);
    d.right = pango_cairo_create_layout(d.cr);
    d.small = pango_cairo_create_layout(d.cr);
    pango_layout_set_wrap(d.left, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_wrap(d.right, PANGO_WRAP_WORD_CHAR);
    d.title = pango_font_description_from_string("Sans Bold 13");
    d.bold = pango_font_description_from_string("Sans Bold 10");
    d.text = pango_font_description_from_string("Sans 9");
    d.tiny = pango_font_description_from_string("Sans 7.5");
    d.header = header;
    d.footer = footer;
    cairo_set_source_rgb(d.cr, 0, 0, 0);
    lay_out(&d, rows); /* counts the pages */
    d.pages = d.page;
    d.draw = TRUE;
    lay_out(&d, rows);
    pango_font_description_free(d.title), pango_font_description_free(d.bold);
    pango_font_description_free(d.text), pango_font_description_free(d.tiny);
    g_object_unref(d.left), g_object_unref(d.right), g_object_unref(d.small);
    cairo_destroy(d.cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    rows_free(rows);
    g_free(header), g_free(footer);
    if (st != CAIRO_STATUS_SUCCESS) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "cannot make the PDF: %s", cairo_status_to_string(st));
        g_byte_array_free(bytes, TRUE);
        return NULL;
    }
    return g_byte_array_free_to_bytes(bytes);
}

gboolean crtk_abstract_pdf_write(const crtk_record *rec, int tumor, const crtk_abstract_pdf_options *o,
                                 const char *path, GError **error)
{
    GBytes *b = crtk_abstract_pdf(rec, tumor, o, error);
    if (!b)
        return FALSE;
    gsize len = 0;
    const void *data = g_bytes_get_data(b, &len);
    gboolean ok = crtk_output_write_file(path, data, len, error); /* owner-only: it names a patient */
    g_bytes_unref(b);
    return ok;
}
