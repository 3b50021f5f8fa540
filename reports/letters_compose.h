/* letters_compose.h — private to the letters: a letter composed as text blocks, shared by the
 * CSV writer (letters.c) and the PDF writer (letters_pdf.c) so that the two cannot disagree.
 */
#ifndef CRTK_LETTERS_COMPOSE_H
#define CRTK_LETTERS_COMPOSE_H

#include "letters.h"

#include <glib.h>

/* B_FORM: one line of the reply form (room to write under it); B_GAP a little space; B_PAGE a
 * new page.  The kinds before B_GAP are the fonts a writer needs. */
typedef enum { B_HEAD, B_SMALL, B_TEXT, B_BOLD, B_FORM, B_GAP, B_PAGE, B_N_FONTS = B_GAP } block_kind;

typedef struct {
    block_kind kind;
    char *text; /* NULL for B_GAP and B_PAGE */
} block;

/* The whole letter: letterhead, date, address, body (list_apart: the list of patients then on
 * pages of its own after the signature), a page break and the reply form.  An array of block;
 * free with letter_blocks_free. */
GArray *letter_compose(const crtk_letters *l, const crtk_letter *letter, gboolean list_apart);
void letter_blocks_free(GArray *blocks);

#endif
