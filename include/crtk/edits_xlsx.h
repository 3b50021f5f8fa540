/* edits_xlsx.h — the failures of an edits run as an Excel workbook (`crtk edits --format xlsx`):
 * a sheet of failures (one row each, with the name, medical record number and accession that pull
 * the chart; filters, frozen header) and a sheet of counts per edit (the failing and over-ridden
 * edits only, unless crtk_edits_xlsx_list_every_edit asks for every edit that ran).
 * Both print (crtk_sheet_print_setup) fit to the page width, the header on every page, with a
 * footer naming the registry, the date of the run (crtk_today) and "Page N of M". */
#ifndef CRTK_EDITS_XLSX_H
#define CRTK_EDITS_XLSX_H

#include "export.h"
#include "edits.h"

typedef struct crtk_edits_xlsx crtk_edits_xlsx;

CRTK_API crtk_edits_xlsx *crtk_edits_xlsx_open(const char *path, const char *title, GError **error);
/* Adds a failure found in file (a NAACCR file or a registry store, as named on the command line). */
CRTK_API void crtk_edits_xlsx_add(crtk_edits_xlsx *x, const char *file, const crtk_edit_failure *f);
/* Names the source in the printed footer (for example the registry name of the store run, from
 * crtk_print_source_name).  Without it the footer names the registry of the store the failures
 * came from (its registryName setting, else its registryId setting, else its file name), or the
 * NAACCR file's name, with "and N more" when they came from several; "crtk" when none failed. */
CRTK_API void crtk_edits_xlsx_set_source(crtk_edits_xlsx *x, const char *name);
/* every: the summary sheet lists every edit that ran, those that passed with 0 failures (by
 * default it lists the failing and over-ridden edits only, and says so). */
CRTK_API void crtk_edits_xlsx_list_every_edit(crtk_edits_xlsx *x, gboolean every);
/* Adds the summary sheet from the statistics of the edit sets run, and writes the file. */
CRTK_API gboolean crtk_edits_xlsx_close(crtk_edits_xlsx *x, GPtrArray *edit_sets, GError **error);

/* One line of the summary sheet (for runs that are not crtk_edits sets: a state metafile). */
typedef struct crtk_edits_xlsx_row {
    const char *id, *name, *agency;
    long failures, overridden;
} crtk_edits_xlsx_row;

/* Adds the summary sheet from rows (those without failures or over-rides are left out unless
 * crtk_edits_xlsx_list_every_edit asked for every edit), the
 * tumor counts and a line naming what ran (may be NULL), and writes the file. */
CRTK_API gboolean crtk_edits_xlsx_close_rows(crtk_edits_xlsx *x, const crtk_edits_xlsx_row *rows, int n_rows,
                                             long tumors, long tumors_passing, const char *what, GError **error);

/* Closes without keeping anything: the target is left as it was. */
CRTK_API void crtk_edits_xlsx_abandon(crtk_edits_xlsx *x);

#endif
