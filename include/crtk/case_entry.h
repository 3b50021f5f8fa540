/* case_entry.h — abstracting: naming a case, creating patients and tumors, changing items, and
 * applying the text form of `crtk case edit`.
 *
 * These are the use cases behind `crtk case new|add-tumor|set|edit` (and any other face, such as
 * a web workspace): every value is checked against its item before anything is written, every
 * write is one transaction (nothing is changed when any part fails), and every change is audited
 * by the store.  Errors are GErrors in CRTK_ERROR: CRTK_ERROR_USAGE for what the caller asked
 * wrongly (unknown item, item of the wrong level, a tumor not named), CRTK_ERROR_DATA for values
 * an item cannot hold or a case that does not exist; a message may hold several lines, one per
 * problem.
 */
#ifndef CRTK_CASE_ENTRY_H
#define CRTK_CASE_ENTRY_H

#include "export.h"

#include <glib.h>
#include "store.h"

/* A case named as PATIENT or PATIENT/TUMOR: PATIENT is a patientIdNumber (digits without their leading
 * zeros are found too: "161" for 00000161) or #ROWID; TUMOR is the
 * tumor's number within the patient (1, 2, ... in stored order) or #ROWID. */
typedef struct crtk_case_ref {
    gint64 patient_id;            /* patient row id */
    gint64 tumor_id;              /* tumor row id; 0 when the patient is meant */
    int tumor_no;                 /* 1-based tumor number; 0 when the patient is meant */
    crtk_stored_patient *stored;  /* the patient as loaded, owned by the ref */
} crtk_case_ref;

/* Resolves name ("00000001", "00000001/2", "#5/#9") into ref and loads the patient.  FALSE with
 * CRTK_ERROR_DATA ("no patient X in DB", "patient X has no tumor Y (it has N)") when there is no
 * such case.  Release with crtk_case_ref_clear(). */
CRTK_API gboolean crtk_case_resolve(crtk_store *s, const char *name, crtk_case_ref *ref, GError **error);
/* Frees what ref holds and zeroes it (a zeroed ref is fine). */
CRTK_API void crtk_case_ref_clear(crtk_case_ref *ref);

/* What crtk_case_create made. */
typedef struct crtk_case_created {
    gint64 patient_id;  /* row id of the new (or given) patient */
    gint64 tumor_id;    /* row id of the new tumor; 0 when none was made */
    char *patient_id_number; /* the patient's patientIdNumber (newly allocated; g_free) */
} crtk_case_created;

/* Creates a case from parallel items/values (n of them, naaccrIds and coded values).
 * patient_id 0: a new patient from the patient items; tumor items, if any, make its first tumor.
 * When the patientIdNumber is not given it is the next free number (crtk_store_next_patient_id_number).
 * patient_id > 0: a new tumor for that patient (tumor items only).
 * A new tumor gets dateCaseLastChanged (today, crtk_today()) when not given, and the patient's
 * sequence numbers are renumbered.  One transaction.  FALSE with every problem found (one line
 * each) when a value is invalid, an item is unknown (with suggestions) or of the wrong level, or the
 * patient exists already; out is filled only on success (free out->patient_id_number). */
CRTK_API gboolean crtk_case_create(crtk_store *s, gint64 patient_id, const char *const *items,
                                   const char *const *values, int n, crtk_case_created *out, GError **error);

/* Rewrites parallel items/values (GPtrArrays of g_malloc'd strings, as typed: "400", "C50.4") into
 * the form the store takes: an item number becomes its naaccrId; a date item's value written
 * 2026-03-10, 03/10/2026 (the forms of crtk_date_parse_input) becomes CCYYMMDD; a site written
 * C50.4 becomes C504; histologicTypeIcdO3=8500/3 becomes histologicTypeIcdO3=8500 with
 * behaviorCodeIcdO3=3 appended.  Values in the coded form, and unknown items, are left for the
 * store to check.  FALSE with CRTK_ERROR_DATA (one line per value, naming its item and the form
 * expected) when a value has one of these shapes but is not one. */
CRTK_API gboolean crtk_case_input_normalize(const crtk_dictionary *d, GPtrArray *items, GPtrArray *values,
                                           GError **error);
/* Sets items of the case ref names, in one transaction: patient items go to the patient, tumor
 * items to the tumor named, or to the only tumor.  FALSE, with nothing changed, when a tumor item
 * is given for a patient with several tumors and none named (CRTK_ERROR_USAGE), or as
 * crtk_store_set_items() fails (its message followed by "(nothing was changed)"). */
CRTK_API gboolean crtk_case_set(crtk_store *s, const crtk_case_ref *ref, const char *const *items,
                                const char *const *values, int n, GError **error);

/* The edit form of the case ref names (its patient, or its tumor): "naaccrId: value  # meaning"
 * lines under a comment header.  Returns newly allocated text (g_free). */
CRTK_API char *crtk_case_form(crtk_store *s, const crtk_case_ref *ref);
/* Compares an edited form with the case: fills items/values (GPtrArrays of newly allocated strings,
 * with g_free as free function) with what changed, where a line removed or emptied clears its
 * item.  FALSE with CRTK_ERROR_DATA, naming the line, for a malformed line, or naming the item for
 * an item of another level.  Writes nothing: apply with crtk_store_set_items(). */
CRTK_API gboolean crtk_case_form_changes(crtk_store *s, const crtk_case_ref *ref, const char *text,
                                         GPtrArray *items, GPtrArray *values, GError **error);

#endif
