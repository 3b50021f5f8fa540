/* store_search.h — the store's look-ups behind the patient index (see store_search.c). */
#ifndef CRTK_STORE_SEARCH_H
#define CRTK_STORE_SEARCH_H
#include "crtk/export.h"
#include "store.h"

/* What to look for; NULL fields are not searched.  Results of every field are joined. */
typedef struct crtk_patient_query {
    const char *name_last;   /* prefix of the last name (case and accents ignored) */
    const char *name_first;  /* with name_last: prefix of the first name */
    const char *code;        /* patientIdNumber, medicalRecordNumber or accessionNumberHosp, exactly */
    const char *ssn;         /* nine digits */
    const char *ssn_last4;   /* four digits */
    const char *birth_date;  /* YYYYMMDD */
} crtk_patient_query;

/* Row ids of matching patients (at most limit), names in alphabetical order first. */
CRTK_API GArray *crtk_store_search_patients(crtk_store *s, const crtk_patient_query *q, int limit, GError **error);
/* One line of the patient index: what the result list shows of a patient, read without loading
 * the abstract (texts are "" when the item is blank or not in the store's dictionary). */
typedef struct crtk_patient_summary {
    const char *key, *name_last, *name_first, *birth_date, *ssn;
    const char *mrn, *accession; /* of the patient's first tumor */
    int tumors;
} crtk_patient_summary;
typedef void (*crtk_patient_summary_fn)(const crtk_patient_summary *p, void *data);
/* Calls fn for each id of IDS that is a patient, in the order of IDS.  FALSE with ERROR when a
 * read failed (fn may have been called for the ones before). */
CRTK_API gboolean crtk_store_patient_summaries(crtk_store *s, const GArray *ids, crtk_patient_summary_fn fn, void *data,
                                               GError **error);
/* Creates the indexes of the look-ups when missing (called by crtk_store_ensure_indexes). */
CRTK_API gboolean crtk_store_ensure_search_indexes(crtk_store *s, GError **error);
/* Lower-case text with accented Latin letters replaced by their base letter (newly allocated). */
CRTK_API char *crtk_fold_text(const char *text);
/* The SQL expression that folds a column the same way (newly allocated). */
CRTK_API char *crtk_store_fold_sql(const char *column);


/* ---- candidates for the duplicate check (registry/workspace/duplicates.c) ---- */
typedef int (*crtk_store_person_fn)(gint64 id, const char *key, const char *last, const char *first,
                                    const char *birth, const char *ssn, void *data);
/* Calls fn for each patient (at most limit) whose SSN, birth date or (tumor) medical record number
 * equals value; by: "ssn", "dob" or "mrn". */
CRTK_API gboolean crtk_store_persons_by(crtk_store *s, const char *by, const char *value, int limit, crtk_store_person_fn fn,
                               void *data, GError **error);

/* The next free numeric patientIdNumber, 8 digits (newly allocated). */
CRTK_API char *crtk_store_next_patient_key(crtk_store *s);
#endif
