/* followup_worksheets.h — the follow-up worksheets (libcrtk-reports): the due list, the work list
 * of follow-up staff, and the Commission on Cancer follow-up rate worksheet, each written as text
 * for people, CSV, JSON Lines for programs, or an Excel workbook.
 *
 * The classification and the counting are registry/followup's (followup.h); these functions
 * gather, order and present them.  Writers to a FILE* leave it open; write errors show in
 * ferror().  Excel writers create the file readable by its owner only (it names patients) and
 * fail with a GError (CRTK_ERROR_IO) when it cannot be written.
 */
#ifndef CRTK_FOLLOWUP_WORKSHEETS_H
#define CRTK_FOLLOWUP_WORKSHEETS_H

#include "export.h"

#include <stdio.h>
#include "followup.h"
#include "store.h"

/* ---- the due list ---------------------------------------------------------------------------- */

typedef enum {
    CRTK_DUE_GROUP_NONE = 0,
    CRTK_DUE_GROUP_NEXT_SOURCE,  /* by Next Follow-Up Source [1800] */
    CRTK_DUE_GROUP_PHYSICIAN     /* by the follow-up physician (NPI when 10 digits) */
} crtk_due_group;

typedef struct crtk_due_list crtk_due_list;

/* Classifies every patient of the store under rules (crtk_followup_scan) and keeps those whose
 * status is wanted (want[status] TRUE), ordered by group, then the oldest last contact first, then
 * patientIdNumber.  Returns a new list (crtk_due_list_free) or NULL with error when the store
 * cannot be read.
 *
 * The list holds no patient's data, only its order (in a private temporary file when large):
 * the writers read each patient again from s, so memory does not grow with the store.  s must
 * stay open until crtk_due_list_free; from build to free the list reads one state of the store
 * (crtk_store_read_begin), and s cannot be written meanwhile. */
CRTK_API crtk_due_list *crtk_due_list_build(crtk_store *s, const crtk_followup_rules *rules,
                                            const gboolean want[CRTK_FU_N_STATUS], crtk_due_group group,
                                            GError **error);
CRTK_API void crtk_due_list_free(crtk_due_list *list);
/* Patients listed, and patients of every status seen (listed or not). */
CRTK_API long crtk_due_list_rows(const crtk_due_list *list);
CRTK_API long crtk_due_list_count(const crtk_due_list *list, crtk_followup_status status);

/* The writers read the patients from the store: FALSE with error when that fails (what was
 * written to f is then incomplete; the caller discards it).
 * Text for people: a title naming db and the windows, a table per group, and the counts. */
CRTK_API gboolean crtk_due_list_write_text(const crtk_due_list *list, FILE *f, const char *db, GError **error);
/* CSV (RFC 4180, CRLF), one row per patient, dates as YYYYMMDD; the group column only when grouped. */
CRTK_API gboolean crtk_due_list_write_csv(const crtk_due_list *list, FILE *f, GError **error);
/* JSON Lines, one object per patient with its tumors. */
CRTK_API gboolean crtk_due_list_write_json(const crtk_due_list *list, FILE *f, GError **error);
/* An Excel workbook with one sheet "Follow-up list" (frozen header, filter), written in constant
 * memory; more patients than a sheet holds is an error (CRTK_ERROR_USAGE) and writes nothing. */
CRTK_API gboolean crtk_due_list_write_xlsx(const crtk_due_list *list, const char *path, GError **error);

/* ---- the rate worksheet ------------------------------------------------------------------------ */

/* Text for people: both cohorts, lines A-E, rate, target, PASS/FAIL, and the lines per year. */
CRTK_API void crtk_followup_rate_write_text(const crtk_followup_rate *rate, FILE *f, const char *db);
/* JSON Lines: per cohort one total line (year null, from, to, target, pass) and one line per year. */
CRTK_API void crtk_followup_rate_write_json(const crtk_followup_rate *rate, FILE *f);
/* An Excel workbook with one sheet "Follow-up rates" that prints on one portrait page; db (the
 * store's file) names the store in the title, and its registry name (crtk_print_source_name_of_file)
 * is in the printed footer with the as-of date and "Page 1 of 1". */
CRTK_API gboolean crtk_followup_rate_write_xlsx(const crtk_followup_rate *rate, const char *path, const char *db,
                                                GError **error);

#endif
