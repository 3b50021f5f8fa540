/* store_submission.h — what the store keeps about submissions to a central registry.
 *
 * A submission sends the tumors that are new or changed since the last one.  The
 * store decides which those are (crtk_store_submission_where), stamps Date Case
 * Report Exported [2110] on what was sent without touching Date Case Last Changed
 * [2100] (crtk_store_mark_exported, audited), and keeps one row per transmission
 * in the table crtk_transmission (crtk_store_add_transmission, listed by
 * crtk_store_list_transmissions).
 *
 * "Changed since the last submission" is decided per tumor:
 *   - never exported (2110 empty), or
 *   - 2100 later than 2110, or
 *   - an audited change of the tumor (or of its patient) after the last
 *     transmission: this catches a change made on the same day as the last
 *     export, when 2100 = 2110.
 * With since = "YYYYMMDD" instead: tumors never exported or with 2100 on or
 * after that date; since = "all": every tumor.
 */
#ifndef CRTK_STORE_SUBMISSION_H
#define CRTK_STORE_SUBMISSION_H

#include "export.h"

#include "store.h"

typedef struct crtk_transmission {
    gint64 id;
    const char *at;            /* UTC time, ISO 8601 */
    const char *user;
    const char *file;          /* file name as given */
    const char *sha256;        /* hex checksum of the file */
    gint64 patients, tumors;
    int naaccr_version;        /* e.g. 260 */
    const char *record_type;   /* "A", "M", "C" or "I" */
    const char *edit_set;
    const char *since;         /* "last", "all" or the date asked */
    gint64 failing_tumors;     /* tumors of the file failing at least one edit */
} crtk_transmission;

/* Makes the derived-variable SQL functions (crtk_seer_site_recode, crtk_age_at_dx, ...) available
 * on the store's connection.  crtk_store_open does it already; calling again is harmless. */
CRTK_API gboolean crtk_store_enable_derived(crtk_store *s, GError **error);

/* An SQL condition over `tumor t` and `patient p` (for crtk_store_foreach / crtk_store_count)
 * selecting the tumors to submit.  since: NULL or "last", "all", or a date YYYYMMDD.
 * Newly allocated; NULL with error for a bad since. */
CRTK_API char *crtk_store_submission_where(crtk_store *s, const char *since, GError **error);

/* An SQL condition (like crtk_store_submission_where) selecting the tumors whose abstract the
 * workspace holds back: status recorded in crtk_abstract as "incomplete" or "on hold".  Tumors with
 * no recorded status (imported, or made on the command line) are not held back.  "0" when the store
 * has no such table.  Newly allocated. */
CRTK_API char *crtk_store_unfinished_where(crtk_store *s);

/* Sets dateCaseReportExported = date (YYYYMMDD) on the tumors, each change audited; does not
 * change dateCaseLastChanged.  Runs inside the caller's transaction if one is open. */
CRTK_API gboolean crtk_store_mark_exported(crtk_store *s, const gint64 *tumor_ids, gsize n, const char *date,
                                  GError **error);

/* Records a transmission (t->id and t->at are ignored: the store assigns them; t->user defaults to
 * the store's actor) and remembers where the audit trail stood, for the next selection.  Returns
 * the new id, 0 on error.  Runs inside the caller's transaction if one is open. */
CRTK_API gint64 crtk_store_add_transmission(crtk_store *s, const crtk_transmission *t, GError **error);

/* Calls fn for every transmission, oldest first (strings valid during the call). */
typedef int (*crtk_transmission_fn)(const crtk_transmission *t, void *user);
CRTK_API gboolean crtk_store_list_transmissions(crtk_store *s, crtk_transmission_fn fn, void *user, GError **error);

#endif
