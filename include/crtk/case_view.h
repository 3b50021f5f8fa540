/* case_view.h — presenting a case the way a registrar reads it: items grouped in the
 * sections of the NAACCR data dictionary (demographics, diagnosis, stage, treatment,
 * follow-up, ...) with the meaning of each code beside it, and the editable form
 * used by `crtk case edit`. */
#ifndef CRTK_CASE_VIEW_H
#define CRTK_CASE_VIEW_H

#include "export.h"

#include "record.h"

/* The section an item belongs to, from its NAACCR item number; treatment items (rx*, radiation
 * phases, reasons for no treatment, ...) are always under "Treatment". */
CRTK_API const char *crtk_item_section(const crtk_item *item);
/* Number of sections and their names in display order. */
CRTK_API int crtk_section_count(void);
CRTK_API const char *crtk_section_name(int i);
/* Words for a code ("Upper-outer quadrant of breast"), or NULL when unknown. */
CRTK_API const char *crtk_value_meaning(const crtk_item *item, const char *value);
/* The same, read with the rest of the element: a county code with the state of its address
 * ("Prince George's County, MD", "not a county of MD"); buf (96 bytes is enough) may hold the words. */
CRTK_API const char *crtk_value_meaning_in(const crtk_dictionary *d, const crtk_element *e, const crtk_item *item,
                                           const char *value, char *buf, size_t size);
/* For a county item (County at DX [90], its analysis and geocoder variants, County--Current
 * [1840]) the naaccrId of the state of the same address ("addrAtDxState", "addrCurrentState");
 * NULL for any other item. */
CRTK_API const char *crtk_county_state_item(const crtk_item *county);
/* The meaning of a county code read with its state: "Prince George's County, MD", "a county of
 * MD" (valid, name not known), "not a county of MD", "county unknown" (999); NULL when the state
 * is missing or has no counties.  buf (96 bytes is enough) may hold the words. */
CRTK_API const char *crtk_county_meaning(const char *state, const char *county, char *buf, size_t size);
/* Appends the element's items, grouped by section, as "    id  value  meaning" lines. */
CRTK_API void crtk_case_view_element(GString *out, const crtk_dictionary *d, const crtk_element *e, crtk_level level);
/* The edit form: "item: value  # meaning" lines, with comments. */
CRTK_API void crtk_case_form_element(GString *out, const crtk_dictionary *d, const crtk_element *e, crtk_level level);
/* Parses an edit form back: items/values (NULL-terminated, newly allocated). Returns FALSE with
 * a message naming the line for a line that is neither a comment, blank nor "item: value". */
CRTK_API gboolean crtk_case_form_parse(const char *text, GPtrArray *items, GPtrArray *values, GError **error);
/* The staging-schema block of tumor TUMOR (0-based), for 2018+ diagnoses: "Staging schema id (name)"
 * and each SSDI, grade, EOD and Summary Stage value with its meaning in that schema; and the surgery
 * code's meaning in the site table of the diagnosis year (2004+) (registry/store/case_schema.c). */
CRTK_API void crtk_case_view_schema(GString *out, const crtk_record *r, int tumor);

#endif
