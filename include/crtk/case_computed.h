/* case_computed.h — the items the workspace fills itself when an abstract is saved, so the
 * registrar never types them:
 *
 *   ageAtDiagnosis [230]      from dateOfBirth and dateOfDiagnosis (as they will be after the save;
 *                             999 when either is unknown), whenever it would differ from the stored one;
 *   abstractedBy [570]        when blank: the abstractor's code, the first three letters or digits of
 *                             the user name in capitals ("jdoe" -> "JDO"; name users by their
 *                             initials to get initials), for roles that may edit abstracts;
 *   dateCaseCompleted [2090]  today, when the abstract's status becomes "complete".
 *
 * dateCaseInitiated [2085] is set when a tumor is made (crtk serve's "New tumor"), and
 * dateCaseLastChanged [2100] and the sequence numbers by crtk_store_set_items itself. */
#ifndef CRTK_CASE_COMPUTED_H
#define CRTK_CASE_COMPUTED_H

#include "export.h"

#include <glib.h>
#include "record.h"

typedef struct crtk_case_computed_input {
    const crtk_record *stored;      /* the patient as stored (before the save) */
    int tumor;                      /* 0-based index of the tumor saved */
    const char *const *items;       /* the changes about to be saved (patient and tumor items), NULL-terminated */
    const char *const *values;      /* their values ("" = blank) */
    const char *status_before;      /* abstract status before ("incomplete", "complete", "on hold"); NULL = incomplete */
    const char *status_after;       /* after the save; NULL = unchanged */
    const char *user;               /* the logged-in user; NULL: abstractedBy is not filled */
    const char *today;              /* YYYYMMDD */
} crtk_case_computed_input;

/* Appends to tumor_items/tumor_values (g_free'd strings) the tumor items to set besides the
 * changes, each only when its value would change.  Returns how many were appended. */
CRTK_API int crtk_case_computed_items(const crtk_case_computed_input *in, GPtrArray *tumor_items, GPtrArray *tumor_values);

#endif
