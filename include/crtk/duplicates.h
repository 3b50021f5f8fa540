/* duplicates.h — before a patient is added: likely matches already in the store.
 *
 * A match is a patient with the same SSN (not blank, not 999999999 or 000000000), the same last
 * and first name and birth date (case and accents ignored), or a similar name (last names at most
 * two letters apart, same first initial) with the same birth date or medical record number.  Used
 * by the web workspace's new-patient form, `crtk case new` and `crtk import` (a warning). */
#ifndef CRTK_DUPLICATES_H
#define CRTK_DUPLICATES_H
#include <glib.h>
#include "crtk/export.h"
#include "record.h"

struct crtk_store;

typedef struct crtk_duplicate {
    gint64 patient_id;
    char *patient_key;   /* patientIdNumber */
    char *name;          /* "LAST, FIRST" */
    char *birth_date;    /* as coded */
    const char *reason;  /* "same SSN", "same name and birth date", "similar name, same birth date",
                            "similar name, same medical record number" */
} crtk_duplicate;

/* The likely matches of a patient about to be added (mrn: its medical record number, or NULL):
 * a GPtrArray of crtk_duplicate* (the array frees them), empty when none; NULL with an error
 * when the store cannot be read. */
CRTK_API GPtrArray *crtk_find_duplicates(struct crtk_store *s, const crtk_element *patient, const char *mrn,
                                         GError **error);
#endif
