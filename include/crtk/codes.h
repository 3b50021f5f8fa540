/* codes.h — code tables: the codes of coded NAACCR items, ICD-O-3 topography and
 * morphology, paired sites, state/county codes and the SEER site/histology list.
 *
 * The tables are data files of schemas/codes/ (made by tools/dev/gen-codes.py) that
 * crtk carries in its binary; they are read once, on first use (thread-safe).
 * Items are named by naaccrId.  Besides the items of code-lists.tsv, these
 * names have lists: primarySite (alias "topography": the 330 ICD-O-3 sites),
 * histologicTypeIcdO3 (4-digit ICD-O-3 histologies), "morphology"
 * (histology/behavior codes such as 8140/3, labelled with their year notes)
 * and the county items (countyAtDx, countyCurrent, ...: 3-digit FIPS codes,
 * labelled with the states that have them).
 *
 * Returned pointers point into the tables and stay valid for the life of the
 * process.
 */
#ifndef CRTK_CODES_H
#define CRTK_CODES_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

typedef struct crtk_code {
    const char *code;   /* as stored in data, e.g. "C504", "8140", "8140/3", "01"; a range "002-988" */
    const char *label;
    const char *extra;  /* more text searched but not shown (topography group title, synonyms), or NULL */
} crtk_code;

/* ---- code lists by item ---------------------------------------------------- */

/* All codes of an item, in table order; NULL (and *n = 0) when the item has no list. */
CRTK_API const crtk_code *crtk_code_list(const char *item, int *n);
/* The label of a code, NULL when the code is not valid for the item (or the item has no list).
 * A code inside a range entry (e.g. "025" of "002-988") gets the range's label. */
CRTK_API const char *crtk_code_label(const char *item, const char *code);
/* TRUE when the code is in the item's list (ranges included). */
CRTK_API gboolean crtk_code_valid(const char *item, const char *code);
CRTK_API gboolean crtk_code_valid_len(const char *item, const char *code, size_t len);
/* Codes of the item whose code starts with text (case-insensitive; dots in text are ignored, so
 * "C50.1" finds C501) or whose label (and extra text) holds every word of text (case-insensitive).
 * Returns const crtk_code* (borrowed) in table order, or NULL when the item has no list. */
CRTK_API GPtrArray *crtk_code_search(const char *item, const char *text);
/* Names of all items (and pseudo-items) that have a list, sorted; NULL-terminated, borrowed. */
CRTK_API const char *const *crtk_code_items(int *n);

/* A code list object, for callers that check many values (the edit engine). */
typedef struct crtk_code_table crtk_code_table;
CRTK_API const crtk_code_table *crtk_code_table_get(const char *item);
CRTK_API gboolean crtk_code_table_has(const crtk_code_table *list, const char *code, size_t len);
CRTK_API const char *crtk_code_table_name(const crtk_code_table *list);

/* ---- ICD-O-3 --------------------------------------------------------------- */

/* Site code "C504" -> 504, or -1 when not C + 3 digits. */
CRTK_API int crtk_site_number(const char *site, size_t len);
/* Label of a valid topography code, else NULL. */
CRTK_API const char *crtk_topography_label(const char *site);

typedef enum {
    CRTK_REPORTABLE_BY_BEHAVIOR = 0, /* no note: /2 and /3 reportable, /0 and /1 only by the site rules */
    CRTK_REPORTABLE_NEVER,           /* noted "not reportable" */
    CRTK_REPORTABLE_YEARS            /* reportable in reportable_from..reportable_to only */
} crtk_reportable_kind;

typedef struct crtk_morphology {
    const char *code;          /* "8140/3" */
    int histology;             /* 8140 */
    int behavior;              /* 3 */
    int valid_from, valid_to;  /* first/last diagnosis year of use; 0 = open */
    crtk_reportable_kind reportable;
    int reportable_from, reportable_to; /* for CRTK_REPORTABLE_YEARS; 0 = open */
    const char *label;         /* preferred term with its notes */
} crtk_morphology;

/* The histology/behavior entry, or NULL when ICD-O-3 has no such code. */
CRTK_API const crtk_morphology *crtk_morphology_find(int histology, int behavior);
/* Valid in a diagnosis year (year <= 0: in any year). */
CRTK_API gboolean crtk_morphology_valid(int histology, int behavior, int year);
/* A histology valid in the year with some behavior. */
CRTK_API gboolean crtk_histology_valid(int histology, int year);
/* What the notes say on reportability in the year: 1 reportable, 0 not reportable,
 * -1 nothing noted (the behavior rule applies), -2 not a code.  year <= 0 = unknown
 * (a code reportable in some year counts as reportable). */
CRTK_API int crtk_morphology_reportable(int histology, int behavior, int year);

/* ---- paired sites, geography, site/histology list ----------------------------- */

typedef enum {
    CRTK_LATERALITY_NOT_PAIRED = 0, /* laterality 0 */
    CRTK_LATERALITY_PAIRED,         /* 1-5 or 9 */
    CRTK_LATERALITY_PAIRED_OR_NOT,  /* 0 also allowed (midline structures) */
    CRTK_LATERALITY_RIGHT_ONLY      /* left impossible (middle lobe of lung) */
} crtk_laterality_rule;

/* The laterality rule of a site in a diagnosis year (year <= 0: unknown year).  Before a site's
 * first year (CNS sites: 2004) the site is PAIRED_OR_NOT. */
CRTK_API crtk_laterality_rule crtk_paired_site(const char *site, size_t len, int year);
CRTK_API const char *crtk_laterality_rule_name(crtk_laterality_rule rule); /* "", "PAIRED", ... */

/* TRUE when county (3-digit FIPS) exists in state (USPS code) per state-county.tsv. */
CRTK_API gboolean crtk_county_valid(const char *state, size_t slen, const char *county, size_t clen);
/* TRUE when the state has a county list (US states, DC, PR). */
CRTK_API gboolean crtk_state_has_counties(const char *state, size_t slen);
/* A county with its name (county_names.c; schemas/codes/county-names.tsv, from the US Census
 * Bureau's FIPS county list). */
typedef struct crtk_county {
    const char *state;  /* USPS code, "MD" */
    const char *county; /* 3-digit FIPS code, "033" */
    const char *name;   /* as the Census writes it, "Prince George's County", "Baltimore city" */
} crtk_county;
/* The name of county (3-digit FIPS) in state (USPS code, either case), or NULL when the table has
 * none (a code that is no county of the state, 998, 999). */
CRTK_API const char *crtk_county_name(const char *state, size_t slen, const char *county, size_t clen);
/* Every named county, by state and then code; *n gets how many. */
CRTK_API const crtk_county *crtk_counties(size_t *n);

/* SEER site/histology validation list (edit IF25): 1 when the histology/behavior is listed for
 * the site's group, 0 when not, -1 when the site is not valid.  Diagnosis years up to 2017 use
 * the 2015 list, 2022 and later the 2022 list, 2018-2021 and unknown years (<= 0) either list. */
CRTK_API int crtk_site_morphology_valid(const char *site, size_t len, int histology, int behavior, int year);

#endif
