/* listing_xlsx.h — a listing a person opens in a spreadsheet (libcrtk-reports): one sheet of rows
 * under a header, every value a text cell so identifiers and codes keep their leading zeros, ready
 * to print (landscape, fit to the page width, the header on every page, a footer with the source,
 * the date and "Page N of M").  `crtk export --format xlsx --columns` and `crtk sql --format xlsx`
 * write through it.
 *
 * Rows are written as they come (libxlsxwriter's constant-memory mode): memory does not grow with
 * the listing.  The file is written whole or not at all (crtk/output.h), readable by its owner
 * only.  A sheet holds at most 1,048,575 rows; more is an error, never a listing cut short.
 *
 *   char *name = crtk_print_source_name(store, "reg.db");   // "Lakeside Cancer Registry"
 *   crtk_listing_xlsx *x = crtk_listing_xlsx_open("breast.xlsx", "Breast cases", name, heads, NULL, 3, &err);
 *   crtk_listing_xlsx_row(x, values, 3);          // for each row
 *   crtk_listing_xlsx_close(x, &err);             // or crtk_listing_xlsx_abandon(x)
 */
#ifndef CRTK_LISTING_XLSX_H
#define CRTK_LISTING_XLSX_H

#include "export.h"

#include <glib.h>

typedef struct crtk_listing_xlsx crtk_listing_xlsx;

/* Creates the workbook's temporary file with a title line and the header row (heads[n], n >= 1);
 * widths (may be NULL) are column widths in characters.  footer names the source in the printed
 * footer: the registry, as the reports name it (crtk_print_source_name(store, path) of
 * excel_common.h: its registryName, else its registryId, else the file's name).  NULL with error
 * when the file cannot be made. */
CRTK_API crtk_listing_xlsx *crtk_listing_xlsx_open(const char *path, const char *title, const char *footer,
                                                   const char *const *heads, const double *widths, int n,
                                                   GError **error);
/* Adds a row of n values (NULL or "" leaves a cell blank).  FALSE (with the error kept for close)
 * past the sheet's last row. */
CRTK_API gboolean crtk_listing_xlsx_row(crtk_listing_xlsx *x, const char *const *values, int n);
/* The same, with numbers (numbers[i] TRUE) written as number cells, the rest as text. */
CRTK_API gboolean crtk_listing_xlsx_row_typed(crtk_listing_xlsx *x, const char *const *values, const gboolean *numbers,
                                              int n);
/* Rows written so far. */
CRTK_API long crtk_listing_xlsx_rows(const crtk_listing_xlsx *x);
/* Finishes the workbook and puts it in place; FALSE with error (and no file) otherwise. */
CRTK_API gboolean crtk_listing_xlsx_close(crtk_listing_xlsx *x, GError **error);
/* Drops the workbook: no file is left. */
CRTK_API void crtk_listing_xlsx_abandon(crtk_listing_xlsx *x);

#endif
