/* submission.h — a submission of new and changed cases to a state or national registry.
 *
 * crtk_submit() picks the tumors not sent since their last change (store_submission.h),
 * writes them as NAACCR XML (.xml.gz compressed) of the store's version or another, runs the
 * edit set on exactly what is written, and then either
 *   - refuses, when the share of tumors failing an edit is above the allowed rate (and force is
 *     not set): the data file is removed, nothing in the store changes; or
 *   - stamps Date Case Report Exported [2110] on every tumor sent (audited) and records the
 *     transmission (time, file, SHA-256, counts, edit set) in the store.
 * Either way the QA summary is written beside the file: FILE.qa.txt and FILE.qa.xlsx.
 */
#ifndef CRTK_SUBMISSION_H
#define CRTK_SUBMISSION_H

#include "export.h"

#include <glib.h>
#include "store.h"
#include "qa_summary.h"

typedef struct crtk_submission_options {
    const char *output;        /* data file (.xml or .xml.gz) */
    unsigned record_type;      /* CRTK_RT_A (default), M, C or I */
    int naaccr_version;        /* 0 = the store's */
    const char *since;         /* "last" (default), "all" or YYYYMMDD */
    const char *edit_set;      /* default "state-submission"; "none" = no edits */
    const char *edits_dir;     /* extra edit files (state edits), or NULL */
    double max_error_rate;     /* percent of tumors failing an edit above which the submission is refused */
    gboolean force;            /* send even above the rate */
    gboolean no_qa_xlsx;       /* write only the text QA summary */
    gboolean include_incomplete; /* also send abstracts whose status is incomplete or on hold
                                  * (crtk_store_unfinished_where); by default they are left out */
} crtk_submission_options;

CRTK_API void crtk_submission_options_init(crtk_submission_options *o);

typedef struct crtk_submission_result {
    gboolean nothing_new;      /* no tumor to send: no file written, nothing recorded */
    gboolean refused;          /* above the error rate: file removed, store unchanged */
    char *reason;              /* why it was refused */
    gint64 transmission_id;
    long patients, tumors, failing_tumors;
    double error_rate;         /* percent of tumors failing at least one edit */
    char *sha256;
    char *qa_text, *qa_xlsx;   /* paths written (qa_xlsx NULL without libxlsxwriter) */
    char *qa_error;            /* set when the file was sent and recorded but a QA summary could not be
                                * written (crtk_submit then returns TRUE): the reason */
    double seconds;
    crtk_qa qa;                /* counts, measures, edits, failing cases */
    long left_out;             /* tumors selected but left out: abstract incomplete or on hold */
} crtk_submission_result;

CRTK_API void crtk_submission_result_clear(crtk_submission_result *r);

/* FALSE with error on usage or system errors (bad options, unreadable store, unwritable file);
 * TRUE otherwise, with r->nothing_new or r->refused telling what happened. */
CRTK_API gboolean crtk_submit(crtk_store *s, const crtk_submission_options *o, crtk_submission_result *r, GError **error);

/* SHA-256 of a file as lowercase hex (newly allocated), NULL with error. */
CRTK_API char *crtk_file_sha256(const char *path, GError **error);

#endif
