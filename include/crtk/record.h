/* record.h — one patient with its tumors, as read from or written to a NAACCR file.
 *
 * A crtk_record holds the Patient element and its Tumor elements; a
 * crtk_header holds what a file says once: the NaaccrData attributes and
 * NaaccrData-level items.  Each element (crtk_element) keeps values by
 * dictionary item index, exactly as coded (text, no conversion), in an arena
 * owned by its record or header.  An empty value and an absent item are the
 * same thing, as in the NAACCR XML standard.
 *
 * Records are reused: readers clear and refill one record per patient, so a
 * whole file is read without memory growing.  Pointers returned by
 * crtk_element_get() stay valid until the next change to the same record.
 */
#ifndef CRTK_RECORD_H
#define CRTK_RECORD_H

#include "export.h"

#include <stdint.h>
#include <glib.h>
#include "dictionary.h"

typedef struct crtk_element {
    uint32_t *off;        /* per item index: offset of the value in *arena */
    uint32_t *len;        /* per item index: length; 0 = absent */
    int *set;             /* item indexes that have values, in the order they were set */
    int n_set, cap_set;
    int n_items;
    GString *arena;       /* the owner's arena */
    GString *extensions;  /* raw XML of extension elements kept from the file, or NULL */
    long line;            /* line where the element starts in its file, 0 if unknown */
} crtk_element;

typedef struct crtk_record {
    crtk_dictionary *dict;
    crtk_element patient;
    crtk_element *tumors;
    int n_tumors, cap_tumors;
    GString *arena;
    long ordinal;         /* 1-based position of the patient in its file */
} crtk_record;

typedef struct crtk_header {
    crtk_dictionary *dict;
    unsigned record_type;          /* CRTK_RT_* */
    char *specification_version;   /* e.g. "1.8"; NULL when the file had none */
    char *time_generated;          /* NULL when absent */
    char *user_dictionary_uris;    /* as written in the file, NULL when absent */
    GPtrArray *extra_attributes;   /* raw `name="value"` texts: other-namespace attributes and their xmlns */
    crtk_element root;             /* NaaccrData-level items */
    GString *arena;
} crtk_header;

CRTK_API crtk_record *crtk_record_new(crtk_dictionary *dict);
CRTK_API void crtk_record_free(crtk_record *r);
/* Removes all values and tumors (keeps memory for reuse). */
CRTK_API void crtk_record_clear(crtk_record *r);
CRTK_API crtk_element *crtk_record_add_tumor(crtk_record *r);
/* Deep copy of src into dst (same dictionary). */
CRTK_API void crtk_record_copy(crtk_record *dst, const crtk_record *src);
/* The patientIdNumber value, "" when absent. */
CRTK_API const char *crtk_record_patient_id(const crtk_record *r);
/* The value of item NAACCR_ID for tumor T: a patient-level item from the patient, any other from
 * tumor T (T must be a tumor of R); NULL when absent or not in the dictionary. */
CRTK_API const char *crtk_record_tumor_item(const crtk_record *r, int t, const char *naaccr_id);

CRTK_API crtk_header *crtk_header_new(crtk_dictionary *dict, unsigned record_type);
CRTK_API void crtk_header_free(crtk_header *h);

/* Sets a value (a copy is made); len 0 removes it. */
CRTK_API void crtk_element_set(crtk_element *e, int index, const char *value, size_t len);
CRTK_API void crtk_element_set_str(crtk_element *e, int index, const char *value);
/* Sets by naaccrId; FALSE if the dictionary has no such item. */
CRTK_API gboolean crtk_element_set_id(crtk_element *e, const crtk_dictionary *d, const char *id, const char *value);
/* The value (NUL-terminated) or NULL when absent. */
CRTK_API const char *crtk_element_get(const crtk_element *e, int index, size_t *len);
/* By naaccrId; NULL when absent or unknown. */
CRTK_API const char *crtk_element_get_id(const crtk_element *e, const crtk_dictionary *d, const char *id);
CRTK_API gboolean crtk_element_has(const crtk_element *e, int index);
CRTK_API void crtk_element_unset(crtk_element *e, int index);
/* Removes all values and extensions. */
CRTK_API void crtk_element_clear(crtk_element *e);
CRTK_API void crtk_element_add_extension(crtk_element *e, const char *xml, size_t len);

/* For elements used outside records and headers. */
CRTK_API void crtk_element_init(crtk_element *e, int n_items, GString *arena);
CRTK_API void crtk_element_free(crtk_element *e);

#endif
