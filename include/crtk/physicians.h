/* physicians.h — the registry's physician directory, kept in the store: names and mailing
 * addresses keyed by the code the physician items hold (an NPI where npiPhysicianFollowUp and the
 * other NPI items are used, the registry's own code in physicianFollowUp and its kin).  Follow-up
 * letters and the due list take names and addresses from it.
 *
 * Every change is one transaction and audited (item "physician:CODE:FIELD").  The table is made on
 * the first write; a store without it has an empty directory.
 */
#ifndef CRTK_PHYSICIANS_H
#define CRTK_PHYSICIANS_H

#include "export.h"
#include "store.h"

#include <glib.h>

typedef struct crtk_physician {
    char *code;         /* NPI or physician code, as the items hold it */
    char *name;         /* "Anna Nguyen, MD" */
    char *address1, *address2, *city, *state, *postal_code; /* NULL when unknown */
} crtk_physician;

CRTK_API void crtk_physician_free(crtk_physician *p);
/* The directory, ordered by code: a GPtrArray of crtk_physician* (freeing the array frees them);
 * empty when the store has none.  NULL with *error on a database failure. */
CRTK_API GPtrArray *crtk_store_physicians(crtk_store *s, GError **error);
/* One physician by code; NULL when not in the directory. */
CRTK_API crtk_physician *crtk_store_physician_get(crtk_store *s, const char *code);
/* Adds the physician code, or changes its fields: parallel fields/values, fields among name,
 * address (= address1), address1, address2, city, state, postalCode (also zip); an empty value
 * clears the field.  A new physician needs a name.  One transaction, audited.  FALSE with
 * CRTK_ERROR_USAGE for an unknown field (naming it and the fields known), CRTK_ERROR_DATA for a
 * missing name or a code with blanks. */
CRTK_API gboolean crtk_store_physician_set(crtk_store *s, const char *code, const char *const *fields,
                                           const char *const *values, int n, GError **error);
/* Imports a CSV whose header names the columns id (or npi, code, physician), name, address1 (or
 * address, street), address2, city, state, postalCode (or zip): the format of `crtk followup
 * letters --physicians`.  Rows add physicians or replace their fields.  All rows or none: one
 * transaction, audited; FALSE with CRTK_ERROR_DATA listing every bad row as FILE:LINE: why (no
 * code, no name, a code with blanks, a code given twice), nothing changed.  *added and *changed
 * (may be NULL) count the physicians added and changed. */
CRTK_API gboolean crtk_store_physicians_import(crtk_store *s, const char *path, int *added, int *changed,
                                               GError **error);

#endif
