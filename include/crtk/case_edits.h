/* case_edits.h — running, while abstracting, the edits that involve the items just changed. */
#ifndef CRTK_CASE_EDITS_H
#define CRTK_CASE_EDITS_H

#include "export.h"
#include <stdio.h>
#include "store.h"
/* Runs the store's edit set (setting editSet, default "hospital") restricted to edits involving
 * items, on the patient; prints failures to out.  Returns the number of failures. */
CRTK_API int crtk_case_run_edits(crtk_store *s, gint64 patient_id, const char *const *items, int n_items, FILE *out);
/* The same, printing to out as text (json FALSE) or as JSON Lines (json TRUE): one object per
 * failure, {"level":"failure","tumor":N,"edit":ID,"name":NAME,"message":TEXT,"override":ITEM}
 * (tumor, edit, name and override only when known; a state metafile's lines have message only). */
CRTK_API int crtk_case_run_edits_as(crtk_store *s, gint64 patient_id, const char *const *items, int n_items,
                                    gboolean json, FILE *out);
#endif
