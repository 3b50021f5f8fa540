/* case_edits.h — running, while abstracting, the edits that involve the items just changed. */
#ifndef CRTK_CASE_EDITS_H
#define CRTK_CASE_EDITS_H

#include "export.h"
#include <stdio.h>
#include "store.h"
/* Runs the store's edit set (setting editSet, default "hospital") restricted to edits involving
 * items, on the patient; prints failures to out.  Returns the number of failures. */
CRTK_API int crtk_case_run_edits(crtk_store *s, gint64 patient_id, const char *const *items, int n_items, FILE *out);
#endif
