/* letters_pdf.c — follow-up letters as PDF: the composed blocks of each letter (letter_compose)
 * laid out with pango on US Letter pages, the letter's body kept on its first page (smaller text,
 * or the list of patients on pages of its own), the reply form on a new page, "Letter N of M" in
 * the footer.  Written whole or not at all, owner-only (crtk_output).
 */
#include "letters.h"
#include "letters_compose.h"
#include "crtk/output.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#define PAGE_W 612.0 /* US Letter, points */
#define PAGE_H 792.0
#define MARGIN 72.0

typedef struct {
    cairo_t *cr;
    PangoLayout *layout, *footer;
    PangoFontDescription *font[B_N_FONTS];
    double y;
    gboolean blank_page;
    int letter_no, n_letters;
} pdf;

static void draw_footer(pdf *d)
{
    char *t = g_strdup_printf("Letter %d of %d", d->letter_no, d->n_letters);
    pango_layout_set_font_description(d->footer, d->font[B_SMALL]);
    pango_layout_set_text(d->footer, t, -1);
    int w, h;
    pango_layout_get_pixel_size(d->footer, &w, &h);
    cairo_move_to(d->cr, PAGE_W - MARGIN - w, PAGE_H - MARGIN / 2 - h);
    pango_cairo_show_layout(d->cr, d->footer);
    g_free(t);
}

static void new_page(pdf *d)
{
    if (d->blank_page)
        return;
    draw_footer(d);
    cairo_show_page(d->cr);
    d->y = MARGIN;
    d->blank_page = TRUE;
}

static void draw(pdf *d, const block *x)
{
    if (x->kind == B_PAGE) {
        new_page(d);
        return;
    }
    if (x->kind == B_GAP) {
        d->y += 10;
        return;
    }
    pango_layout_set_font_description(d->layout, d->font[x->kind]);
    pango_layout_set_text(d->layout, x->text, -1);
    int w, h;
    pango_layout_get_pixel_size(d->layout, &w, &h);
    /* a heading keeps some of what follows it on its page */
    double need = h + (x->kind == B_BOLD ? 110 : 0);
    if (d->y + need > PAGE_H - MARGIN && !d->blank_page)
        new_page(d);
    cairo_move_to(d->cr, MARGIN, d->y);
    pango_cairo_show_layout(d->cr, d->layout);
    d->y += h + (x->kind == B_SMALL ? 2 : x->kind == B_FORM ? 12 : 9);
    d->blank_page = FALSE;
}

/* Sets the size of the letter's text fonts (points). */
static void set_text_size(pdf *d, double pt)
{
    pango_font_description_set_size(d->font[B_TEXT], (gint)(pt * PANGO_SCALE));
    pango_font_description_set_size(d->font[B_BOLD], (gint)(pt * PANGO_SCALE));
}

/* Height of the blocks up to the first page break (the letter without its reply form), as draw
 * lays them out. */
static double body_height(pdf *d, GArray *b)
{
    double y = 0;
    for (guint k = 0; k < b->len; k++) {
        const block *x = &g_array_index(b, block, k);
        if (x->kind == B_PAGE)
            break;
        if (x->kind == B_GAP) {
            y += 10;
            continue;
        }
        pango_layout_set_font_description(d->layout, d->font[x->kind]);
        pango_layout_set_text(d->layout, x->text, -1);
        int w, h;
        pango_layout_get_pixel_size(d->layout, &w, &h);
        y += h + (x->kind == B_SMALL ? 2 : x->kind == B_FORM ? 12 : 9);
    }
    return y;
}

#define SMALLEST_TEXT 8.0 /* points: the smallest a letter's text is set */

/* The largest text size, 10 points down to SMALLEST_TEXT, at which the letter's body fits on its
 * first page (above the footer); 0 when none does. */
static double fitting_size(pdf *d, GArray *b)
{
    for (double pt = 10.0; pt >= SMALLEST_TEXT; pt -= 0.5) {
        set_text_size(d, pt);
        if (body_height(d, b) <= PAGE_H - 2 * MARGIN - 12)
            return pt;
    }
    return 0;
}

gboolean crtk_letters_write_pdf(const crtk_letters *l, const char *path, GError **error)
{
    crtk_output *out = crtk_output_begin(path, error);
    if (!out)
        return FALSE;
    cairo_surface_t *surface = cairo_pdf_surface_create(crtk_output_temp_path(out), PAGE_W, PAGE_H);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot write: %s", path,
                    cairo_status_to_string(cairo_surface_status(surface)));
        cairo_surface_destroy(surface);
        crtk_output_abort(out);
        return FALSE;
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Follow-up letters");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "crtk followup letters");
    pdf d = {0};
    d.cr = cairo_create(surface);
    d.layout = pango_cairo_create_layout(d.cr);
    d.footer = pango_cairo_create_layout(d.cr);
    pango_layout_set_width(d.layout, (int)((PAGE_W - 2 * MARGIN) * PANGO_SCALE));
    pango_layout_set_wrap(d.layout, PANGO_WRAP_WORD_CHAR);
    d.font[B_HEAD] = pango_font_description_from_string("Sans Bold 14");
    d.font[B_SMALL] = pango_font_description_from_string("Sans 8.5");
    d.font[B_TEXT] = pango_font_description_from_string("Sans 10");
    d.font[B_BOLD] = pango_font_description_from_string("Sans Bold 10");
    d.font[B_FORM] = pango_font_description_from_string("Sans 10");
    d.y = MARGIN;
    d.blank_page = TRUE;
    d.n_letters = (int)(crtk_letters_count(l) - crtk_letters_unaddressed(l));
    cairo_set_source_rgb(d.cr, 0, 0, 0);
    for (guint i = 0; i < crtk_letters_count(l); i++) {
        const crtk_letter *letter = crtk_letters_get(l, i);
        if (letter->unaddressed)
            continue; /* listed by the command instead */
        d.letter_no++;
        GArray *b = letter_compose(l, letter, FALSE);
        /* the letter's body on one page: its text made smaller when it would run over, and a list
         * of patients too long for that on pages of its own after the signature */
        double pt = fitting_size(&d, b);
        if (!pt) {
            letter_blocks_free(b);
            b = letter_compose(l, letter, TRUE);
            pt = fitting_size(&d, b);
        }
        set_text_size(&d, pt ? pt : SMALLEST_TEXT);
        for (guint k = 0; k < b->len; k++) {
            if (g_array_index(b, block, k).kind == B_PAGE)
                set_text_size(&d, 10.0); /* the reply form at its own size */
            draw(&d, &g_array_index(b, block, k));
        }
        set_text_size(&d, 10.0);
        new_page(&d);
        letter_blocks_free(b);
    }
    if (!d.n_letters) {
        /* An empty PDF would confuse a printer: say there is nothing to send. */
        block none = {B_TEXT, "No letters: no patient on the list has a recipient of this kind."};
        draw(&d, &none);
        cairo_show_page(d.cr);
    }
    for (int i = 0; i < B_N_FONTS; i++)
        pango_font_description_free(d.font[i]);
    g_object_unref(d.layout);
    g_object_unref(d.footer);
    cairo_destroy(d.cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot write: %s", path, cairo_status_to_string(st));
        crtk_output_abort(out);
        return FALSE;
    }
    /* letters name patients: the output module creates them owner-only (0600) */
    return crtk_output_commit(out, error);
}
