/* dictionary.h — NAACCR data dictionaries: which items exist, where they live, how they look.
 *
 * A crtk_dictionary is what a file is read and written with: one NAACCR base
 * dictionary (versions 140 ... 260, built into crtk from schemas/naaccr/), the
 * default user dictionary of that version when there is one, and any number of
 * user dictionaries (state items) read from NAACCR dictionary XML files.
 *
 * Items are numbered 0..n-1 in the dictionary (crtk_item.index); records store
 * values by that index.  Look-ups by naaccrId and by item number are hashed.
 */
#ifndef CRTK_DICTIONARY_H
#define CRTK_DICTIONARY_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include "problem.h"

typedef enum { CRTK_LEVEL_ROOT = 0, CRTK_LEVEL_PATIENT = 1, CRTK_LEVEL_TUMOR = 2 } crtk_level;

typedef enum {
    CRTK_TYPE_TEXT, CRTK_TYPE_DIGITS, CRTK_TYPE_ALPHA, CRTK_TYPE_MIXED,
    CRTK_TYPE_NUMERIC, CRTK_TYPE_DATE, CRTK_TYPE_DATETIME
} crtk_data_type;

typedef enum {
    CRTK_PAD_NONE, CRTK_PAD_RIGHT_BLANK, CRTK_PAD_LEFT_BLANK, CRTK_PAD_RIGHT_ZERO, CRTK_PAD_LEFT_ZERO
} crtk_padding;

/* Record types as a bit set. */
enum { CRTK_RT_A = 1, CRTK_RT_M = 2, CRTK_RT_C = 4, CRTK_RT_I = 8, CRTK_RT_ALL = 15 };

typedef struct crtk_item {
    int index;               /* position in the dictionary */
    int number;              /* NAACCR item number (naaccrNum) */
    const char *id;          /* naaccrId */
    size_t id_len;           /* strlen(id) */
    const char *name;        /* naaccrName */
    crtk_level level;        /* parentXmlElement */
    int length;              /* maximum length; the field width in flat files */
    crtk_data_type type;
    crtk_padding padding;    /* as the dictionary states it (legacy values kept) */
    bool trim_none;          /* trim="none": flat reading keeps leading/trailing blanks */
    bool unlimited_text;     /* allowUnlimitedText="true" (spec 1.1-1.5) */
    unsigned record_types;   /* CRTK_RT_* bits */
    int start_column;        /* 1-based flat column, 0 when the version has none */
    const char *source_uri;  /* dictionaryUri of the dictionary that defined it */
    bool user_defined;       /* from a user dictionary (not base, not default user) */
} crtk_item;

typedef struct crtk_dictionary crtk_dictionary;
typedef struct crtk_user_dictionary crtk_user_dictionary;

/* ---- versions ------------------------------------------------------------ */

/* The base versions crtk knows, ascending, terminated by 0: 140,150,...,260. */
CRTK_API const int *crtk_naaccr_versions(void);
#define CRTK_NAACCR_CURRENT_VERSION 260
/* Parses "26", "260", "25.0" or "v25" into 260/250; returns 0 if not a known version. */
CRTK_API int crtk_naaccr_version_parse(const char *text);
/* "http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml" -> 250, or 0. */
CRTK_API int crtk_naaccr_version_from_uri(const char *uri);
CRTK_API char *crtk_base_dictionary_uri(int version);
CRTK_API char *crtk_default_user_dictionary_uri(int version); /* NULL when none (220 and later) */

/* ---- user dictionaries (NAACCR dictionary XML) --------------------------- */

/* Reads a NAACCR dictionary XML file.  Problems (with line and column) go to
 * the callback if given; returns NULL when the file cannot be used. */
CRTK_API crtk_user_dictionary *crtk_user_dictionary_load(const char *path, crtk_problem_fn on_problem,
                                                void *user, GError **error);
/* Same from memory (name is used in messages). */
CRTK_API crtk_user_dictionary *crtk_user_dictionary_parse(const char *data, size_t len, const char *name,
                                                 crtk_problem_fn on_problem, void *user,
                                                 GError **error);
CRTK_API void crtk_user_dictionary_free(crtk_user_dictionary *ud);
CRTK_API const char *crtk_user_dictionary_uri(const crtk_user_dictionary *ud);
CRTK_API int crtk_user_dictionary_version(const crtk_user_dictionary *ud); /* 0 if version-independent */
CRTK_API int crtk_user_dictionary_count(const crtk_user_dictionary *ud);
CRTK_API const crtk_item *crtk_user_dictionary_item(const crtk_user_dictionary *ud, int i);

/* ---- runtime dictionaries ------------------------------------------------ */

/* Base + default user dictionary of a version (e.g. 250).  NULL with error if unknown. */
CRTK_API crtk_dictionary *crtk_dictionary_new(int version, GError **error);
/* Adds a user dictionary's items.  Fails (naming the item) if an id or number
 * clashes with one already present, unless the item is an identical re-declaration. */
CRTK_API gboolean crtk_dictionary_add_user(crtk_dictionary *d, const crtk_user_dictionary *ud, GError **error);
CRTK_API crtk_dictionary *crtk_dictionary_ref(crtk_dictionary *d);
CRTK_API void crtk_dictionary_unref(crtk_dictionary *d);

CRTK_API int crtk_dictionary_version(const crtk_dictionary *d);
CRTK_API const char *crtk_dictionary_base_uri(const crtk_dictionary *d);
/* The user dictionary URIs added (not the default user one), space-separated, or NULL. */
CRTK_API const char *crtk_dictionary_user_uris(const crtk_dictionary *d);
/* True when uri is the base, the default user or an added user dictionary's URI. */
CRTK_API gboolean crtk_dictionary_has_uri(const crtk_dictionary *d, const char *uri);

CRTK_API int crtk_dictionary_count(const crtk_dictionary *d);
CRTK_API const crtk_item *crtk_dictionary_item(const crtk_dictionary *d, int index);
CRTK_API const crtk_item *crtk_dictionary_find(const crtk_dictionary *d, const char *id);
CRTK_API const crtk_item *crtk_dictionary_find_len(const crtk_dictionary *d, const char *id, size_t len);
CRTK_API const crtk_item *crtk_dictionary_find_number(const crtk_dictionary *d, int number);
/* By naaccrId or (if all digits) item number. */
CRTK_API const crtk_item *crtk_dictionary_lookup(const crtk_dictionary *d, const char *id_or_number);
/* Up to max naaccrIds closest to a misspelled one (edit distance), best first. */
CRTK_API GPtrArray *crtk_dictionary_suggest(const crtk_dictionary *d, const char *id, int max);

/* Flat record length of a record type for this version (0 when the version has no flat layout). */
CRTK_API int crtk_dictionary_flat_length(const crtk_dictionary *d, unsigned record_type);
CRTK_API gboolean crtk_dictionary_has_flat_layout(const crtk_dictionary *d);

/* ---- names and values ---------------------------------------------------- */

CRTK_API const char *crtk_level_name(crtk_level level);           /* "NaaccrData", "Patient", "Tumor" */
CRTK_API const char *crtk_data_type_name(crtk_data_type type);    /* "text", "digits", ... */
CRTK_API const char *crtk_padding_name(crtk_padding padding);
CRTK_API unsigned crtk_record_type_parse(const char *letter);     /* "A" -> CRTK_RT_A, 0 if invalid */
CRTK_API char crtk_record_type_letter(unsigned record_type);
/* "A,M,C,I" from bits, into buf of at least 8 bytes. */
CRTK_API const char *crtk_record_types_format(unsigned bits, char *buf);

/* Checks a value against the item's length and data type (the checks of the
 * NAACCR XML standard).  Returns NULL when valid, otherwise a static message
 * and sets *code to CRTK_PROBLEM_TOO_LONG or CRTK_PROBLEM_BAD_VALUE. */
CRTK_API const char *crtk_item_check_value(const crtk_item *item, const char *value, size_t len,
                                  crtk_problem_code *code);

#endif
