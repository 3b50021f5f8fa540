/* surgery.h — site-specific surgery codes (RX Summ--Surg Prim Site, items 1290 and 1291).
 *
 * The code of the surgery of the primary site is read from a table chosen by the primary site (and,
 * for some tables, the histology) in the coding manual of the diagnosis year: 2-digit codes
 * (rxSummSurgPrimSite) to 2022, 4-character codes starting with a letter (rxSummSurgPrimSite2023)
 * from 2023.  crtk carries every manual year as schemas/codes/surgery/surgery-YEAR.tsv, converted
 * from ../shared/codes/surgery by tools/dev/gen-surgery.py.
 */
#ifndef CRTK_SURGERY_H
#define CRTK_SURGERY_H

#include <glib.h>
#include "crtk/export.h"

typedef struct crtk_surgery_code {
    const char *code;    /* "A200", "22" */
    const char *meaning; /* the manual's words, HTML removed */
    int level;           /* indentation in the manual: 1 refines the level-0 code above it */
} crtk_surgery_code;

/* The manual year whose tables apply to a diagnosis year (the latest not after it; 2019-2020 use
 * 2018), 0 before 2004 or when unknown. */
CRTK_API int crtk_surgery_manual_year(int dx_year);
/* The table for SITE (C504) and HISTOLOGY (4 digits, NULL/"" = any) in the manual of DX_YEAR: its
 * title, and its codes in the manual's order in *CODES / *N (owned by crtk).  NULL when no table
 * applies (unknown site, a histology every table excludes, a year before 2004). */
CRTK_API const char *crtk_surgery_table(const char *site, const char *histology, int dx_year,
                                        const crtk_surgery_code **codes, int *n);
/* The meaning of CODE in that table, or NULL when it is not one of its codes. */
CRTK_API const char *crtk_surgery_meaning(const char *site, const char *histology, int dx_year, const char *code);

#endif
