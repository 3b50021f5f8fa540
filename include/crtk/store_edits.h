/* store_edits.h — running an edit set over the cases of a store (`crtk edits DB`). */
#ifndef CRTK_STORE_EDITS_H
#define CRTK_STORE_EDITS_H

#include "export.h"
#include "edits.h"
#include "store.h"

/* Runs edits over every patient with a tumor matching where (read-only SQL; NULL = all), with all
 * of that patient's tumors (edits compare tumors), streaming; fn gets each failure (patient
 * ordinals count the patients visited).
 * The edits must have been loaded for the store's dictionary. */
CRTK_API gboolean crtk_store_run_edits(crtk_store *s, crtk_edits *edits, const char *where, crtk_edit_fn fn, void *user,
                              GError **error);
#endif
