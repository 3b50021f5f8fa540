/* crtk-reports.h — libcrtk-reports: Excel workbooks, PDF follow-up letters and submission documents,
 * built on libcrtk.  cc prog.c $(pkg-config --cflags --libs crtk-reports).  The error convention is
 * libcrtk's (crtk.h). */
#ifndef CRTK_CRTK_REPORTS_H
#define CRTK_CRTK_REPORTS_H

#include "crtk.h"
#include "excel_common.h"
#include "excel_reports.h"
#include "edits_xlsx.h"
#include "followup_worksheets.h"
#include "letters.h"
#include "abstract_pdf.h"
#include "qa_summary.h"
#include "submission.h"

#endif
