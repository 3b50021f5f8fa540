/* generated_edits.h — edits made from tables rather than written one by one: the required items
 * (schemas/edit-tables/required-items.tsv) and the date checks (schemas/edit-tables/date-items.tsv).
 * Private to the edit engine (edits.c). */
#ifndef CRTK_GENERATED_EDITS_H
#define CRTK_GENERATED_EDITS_H

#include <glib.h>
#include "dictionary.h"

/* The generated edits as the text of an edit file (the columns of docs/edits.md), worded with the
 * names and numbers of dict's items; rows whose items dict lacks are still written (the engine skips
 * them as it does any edit).  NULL with error when a table is malformed (naming file and line).
 * Newly allocated. */
char *crtk_generated_edits_tsv(const crtk_dictionary *dict, GError **error);

#endif
