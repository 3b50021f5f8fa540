/* abstract_pdf.h — a printable abstract: one patient's abstract (the patient's items and those of
 * one tumor or of all tumors) as a PDF for a physician, a tumor board or the paper chart, made with
 * cairo and pango.  Every page carries a "CONFIDENTIAL" header naming the patient and a footer with
 * the page number and the date printed; items are grouped in the sections of case_view.h, each
 * shown with its NAACCR name and number, the coded value and the code's meaning.  Only items with a
 * value are shown.  The social security number shows its last four digits unless full_ssn.
 *
 * Used by `crtk case show DB PATIENT[/TUMOR] --pdf -o FILE` and by `crtk serve`
 * (GET /patients/{id}/tumors/{n}/abstract.pdf). */
#ifndef CRTK_ABSTRACT_PDF_H
#define CRTK_ABSTRACT_PDF_H

#include "export.h"

#include <glib.h>
#include "record.h"

typedef struct crtk_abstract_pdf_options {
    const char *registry_name;  /* the heading's first line; NULL or "": "Cancer registry" */
    const char *status;         /* the abstract's status ("complete", ...) shown under the tumor; NULL: none */
    const char *printed_by;     /* shown in the footer; NULL: none */
    gboolean full_ssn;          /* all nine digits of the SSN (else "***-**-1234") */
    int date;                   /* the date printed, YYYYMMDD; 0: today */
} crtk_abstract_pdf_options;

/* The PDF of patient rec with its tumor number tumor (0-based), or all its tumors when tumor < 0.
 * NULL with CRTK_ERROR_USAGE when the tumor does not exist, CRTK_ERROR_IO when cairo fails.
 * Free with g_bytes_unref. */
CRTK_API GBytes *crtk_abstract_pdf(const crtk_record *rec, int tumor, const crtk_abstract_pdf_options *o,
                                   GError **error);
/* The same written to path through crtk/output.h (atomic, owner-only). */
CRTK_API gboolean crtk_abstract_pdf_write(const crtk_record *rec, int tumor, const crtk_abstract_pdf_options *o,
                                          const char *path, GError **error);

#endif
