/* distinct_keys.h — sets of keys that tell whether a key was seen before, in bounded memory.
 *
 * The quality measures count possible duplicates among every tumor of a store (a person's
 * identifiers, site, histology, laterality and year).  A hash table of those keys grew with the
 * store (157 MiB at a million tumors).  Here each key is reduced to a 64-bit SipHash under a key
 * drawn at random for the set (so what is stored says nothing about the identifiers without it, and
 * the random key never leaves memory), and the hashes go into a private SQLite database that
 * SQLite keeps in a temporary file (deleted as it is opened, owner-only) with a page cache of 2 MiB.
 * Two different keys share a hash with a chance of about n^2 / 2^65 (10^-7 for a million keys).
 *
 * Private to reports/.
 */
#ifndef CRTK_DISTINCT_KEYS_H
#define CRTK_DISTINCT_KEYS_H
#include <glib.h>

typedef struct crtk_distinct_keys crtk_distinct_keys;

/* A new empty family of n_sets sets (numbered 0..n_sets-1); NULL with error when SQLite cannot make
 * its temporary database. */
crtk_distinct_keys *crtk_distinct_keys_new(int n_sets, GError **error);
/* Adds key (len bytes) to set which: 1 when it was not there, 0 when it was, -1 with error. */
int crtk_distinct_keys_add(crtk_distinct_keys *k, int which, const char *key, size_t len, GError **error);
/* How many distinct keys set which holds. */
long crtk_distinct_keys_count(const crtk_distinct_keys *k, int which);
void crtk_distinct_keys_free(crtk_distinct_keys *k);

#endif
