/* qa_summary.h — the data-quality summary of a set of tumors: counts by year of diagnosis, site
 * group and reporting facility, the NAACCR/NPCR data-quality measures against their published
 * standards, and the edits summary.  A submission writes it beside its file (FILE.qa.txt and
 * FILE.qa.xlsx); `crtk report quality` shows it for any selection.
 *
 *   crtk_qa qa;  crtk_qa_init(&qa);
 *   crtk_qa_compute(store, where, &qa, &error);           // plain SQL counts over the selection
 *   crtk_qa_run_edits(store, where, "state-submission", &qa, &error);   // or crtk_qa_take_edits
 *   crtk_qa_finish(&qa);
 *   crtk_qa_write_text(&qa, "x.qa.txt", &error);
 *   crtk_qa_clear(&qa);
 *
 * The measures and their thresholds, with sources, are listed in docs/reports.md.
 */
#ifndef CRTK_QA_SUMMARY_H
#define CRTK_QA_SUMMARY_H

#include "export.h"

#include <glib.h>
#include "store.h"
#include "edits.h"

typedef struct crtk_qa_count {
    char *code;            /* year "2021", site group "30", facility id; "" for unknown */
    char *label;           /* what to show */
    long patients, tumors;
} crtk_qa_count;

/* A standard: the measure must be below (or at most, when inclusive) the limit; for a "share
 * passing" measure (higher is better), at least the limit. */
typedef struct crtk_qa_standard {
    const char *name;      /* "NAACCR Gold", "NPCR national (23 months)", "USCS publication" */
    double limit;          /* in the measure's unit; NaN = this standard sets none */
    gboolean inclusive;    /* <= (or >=) rather than < (or >) */
} crtk_qa_standard;

enum { CRTK_QA_STANDARDS = 3 };

typedef struct crtk_qa_measure {
    const char *id;        /* "dco", "sex", "age", "race", "county", "duplicates", "microscopic", the hospital
                              measures "staged" and "timeliness", then "edits" */
    const char *name;
    const char *unit;      /* "%" or "per 1,000" */
    gboolean higher_is_better;
    long numerator, denominator;
    double value;          /* in unit; NaN when the denominator is 0 */
    crtk_qa_standard standards[CRTK_QA_STANDARDS];
    const char *source;
} crtk_qa_measure;

typedef struct crtk_qa_edit {
    char *id, *name, *agency;
    long failures;
} crtk_qa_edit;

typedef struct crtk_qa_failure {
    char *patient_id;      /* patientIdNumber */
    int tumor;             /* tumor ordinal in the patient (1-based), 0 for a patient edit */
    char *edit_id;
    char *message;
} crtk_qa_failure;

typedef struct crtk_qa {
    char *title;           /* "Submission QA summary", "Data quality" */
    GPtrArray *info;       /* char*: label, value, label, value... shown first */
    long patients, tumors;
    GPtrArray *by_year, *by_site, *by_facility, *by_class; /* crtk_qa_count* */
    crtk_qa_measure measures[12];
    int n_measures;
    long duplicate_patients;   /* patient rows sharing identifiers with another row */
    /* edits */
    gboolean edits_run;
    char *edit_set;
    long tumors_checked, tumors_passing;
    GPtrArray *edits;          /* crtk_qa_edit*, those with failures first, by failures */
    GPtrArray *failures;       /* crtk_qa_failure*, the first CRTK_QA_FAILURES_LISTED (may be empty) */
    long failures_total;
    long failures_unlisted;    /* failures added after the first CRTK_QA_FAILURES_LISTED */
} crtk_qa;

/* The failing cases a QA summary lists one by one: the first 10,000.  More would not be read on
 * paper, and keeping them all would make memory grow with the submission; the summary says how
 * many more there are and that `crtk edits` lists them all. */
#define CRTK_QA_FAILURES_LISTED 10000

CRTK_API void crtk_qa_init(crtk_qa *qa);
CRTK_API void crtk_qa_clear(crtk_qa *qa);
/* Adds a label/value line to the information block. */
CRTK_API void crtk_qa_info(crtk_qa *qa, const char *label, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Counts and data-quality measures over the query's tumors (q NULL = every tumor). */
CRTK_API gboolean crtk_qa_compute(crtk_store *s, const crtk_store_query *q, crtk_qa *qa, GError **error);
/* Runs the edit set over the selection (every tumor of the selection, with its patient). */
CRTK_API gboolean crtk_qa_run_edits(crtk_store *s, const crtk_store_query *q, const char *edit_set, crtk_qa *qa, GError **error);
/* Both of the above at once (the edits run in two threads beside the counting); edit_set NULL or
 * "" = no edits. */
CRTK_API gboolean crtk_qa_collect(crtk_store *s, const crtk_store_query *q, const char *edit_set, crtk_qa *qa, GError **error);
/* Takes the per-edit failure counts of an edits run done elsewhere (a submission). */
CRTK_API void crtk_qa_take_edits(crtk_qa *qa, const crtk_edits *edits, const char *edit_set, long tumors_checked,
                        long tumors_passing);
/* Adds one edit's failure count to the edits summary (the edits of a state metafile, run beside
 * crtk's own) and marks the edits as run; crtk_qa_finish orders the list. */
CRTK_API void crtk_qa_add_edit(crtk_qa *qa, const char *id, const char *name, const char *agency, long failures);
/* Adds a failing case to the list (only counted in failures_unlisted once the list is full). */
CRTK_API void crtk_qa_add_failure(crtk_qa *qa, const char *patient_id, int tumor, const char *edit_id, const char *message);
/* Computes the "passing all edits" measure; call after the edits. */
CRTK_API void crtk_qa_finish(crtk_qa *qa);

/* TRUE / FALSE when the measure meets standard k; -1 when that standard sets no limit or the
 * measure has no value. */
CRTK_API int crtk_qa_meets(const crtk_qa_measure *m, int k);

CRTK_API gboolean crtk_qa_write_text(const crtk_qa *qa, const char *path, GError **error);
/* The workbook (needs libxlsxwriter): the same content in sheets. */
CRTK_API gboolean crtk_qa_write_xlsx(crtk_store *s, const crtk_qa *qa, const char *path, GError **error);

#endif
