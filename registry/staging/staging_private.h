/* staging_private.h — the compiled form of a staging algorithm, shared by the loader and the engine.
 *
 * Every key name (inputs, outputs, table columns, {{references}}, mapping targets) is interned to a
 * small integer at load time; a run's context is then two arrays indexed by key.  Table cells are
 * parsed once into range items; numbers in ranges are converted once.
 */
#ifndef CRTK_STAGING_PRIVATE_H
#define CRTK_STAGING_PRIVATE_H

#include "crtk/staging.h"

enum { ST_ABSENT = 0, ST_NULL = 1, ST_SET = 2 };
enum { EP_VALUE, EP_VALUE_REMOVE, EP_JUMP, EP_MATCH, EP_STOP, EP_ERROR };

/* One item of an INPUT cell: a single value (lo == hi), a range, or '*'. */
typedef struct st_item {
    const char *lo, *hi;
    int lolen, hilen;
    int lo_ref, hi_ref;  /* key id of a {{reference}}, or -1 */
    guint8 star;         /* matches anything */
    guint8 numeric;      /* lo != hi and both parsable (no references) */
    guint8 has_dot;      /* lo or hi contains '.' */
    guint8 exact;        /* lo equals hi, no references: matches that exact string only */
    float lof, hif;
} st_item;

typedef struct st_cell {
    st_item *items;
    int n; /* -1: no value (not tested) */
    /* a long list of plain values and whole-number ranges is also kept sorted after items[n], in
     * the same block: nsorted value texts (sorted by strcmp), then nintervals disjoint [lo, hi]
     * float pairs in order (sort_cell in staging_engine.c); both 0 for other cells */
    guint16 nsorted, nintervals;
} st_cell;

typedef struct st_endpoint {
    guint8 type;
    int col_key;        /* key of the endpoint column */
    const char *value;  /* VALUE text / ERROR message / JUMP target id */
    int value_ref;      /* VALUE:{{key}}: key id, else -1 */
    int jump;           /* JUMP: table index */
} st_endpoint;

typedef struct st_other {
    int row;
    const st_cell *cell;
} st_other;

typedef struct st_table {
    const char *id;
    int nin, nend;
    int *in_keys;   /* INPUT column keys in column order */
    int *end_keys;  /* ENDPOINT column keys */
    const char *end_columns; /* endpoint keys joined by '+' */
    int nrows;
    st_cell *cells;       /* nrows * nin */
    st_endpoint *eps;     /* nrows * nend */
    gboolean has_refs;
    /* index of one-input tables without references */
    GHashTable *exact;    /* value -> GINT_TO_POINTER(row + 1), first row holding it */
    st_other *others;     /* cells that are not only exact values, in row order */
    int nothers;
    /* index of tables with several INPUT columns (NULL idx_rows: none): the rows by the exact
     * values of their cell in column idx_col, and the rows whose cell there is anything else */
    int idx_col;
    GHashTable *idx_rows;   /* value -> int[1 + n]: n, then the rows holding it, ascending */
    int *idx_other_rows;    /* ascending */
    int idx_nothers;
    /* the order in which a row's INPUT columns are tested (nin <= 16): the columns with the longest
     * lists first, as they are the likeliest to rule a row out (a row matches only if all do) */
    guint8 test_order[16];
    const char **cell_text; /* nrows * nin: each INPUT cell as SEER wrote it (interned), NULL for no value */
    /* tables with a DESCRIPTION text (input-validation tables of EOD/TNM/Pediatric): per row the text of
     * the first DESCRIPTION cell (interned); NULL otherwise */
    const char **desc;
} st_table;

typedef struct st_input {
    int key;
    int table;  /* -1 none */
    gboolean used_for_staging;
    const char *def; /* NULL: none */
    const char *naaccr_id;
} st_input;

typedef struct st_output {
    int key;
    int table;
    const char *def;
    const char *naaccr_id;
} st_output;

typedef struct st_keymap {
    int from, to;
} st_keymap;

typedef struct st_tpath {
    int table;
    int nin, nout;
    st_keymap *in;
    st_keymap *out;
} st_tpath;

typedef struct st_kv {
    int key;
    const char *value; /* NULL = null */
} st_kv;

typedef struct st_mapping {
    const char *id;
    int index; /* across the algorithm, for per-run caches */
    int ninit, nincl, nexcl, npaths;
    st_kv *init;
    st_tpath *incl, *excl, *paths;
    gboolean has_paths; /* the mapping names a "tables" list (upstream tells an absent list from an empty one) */
} st_mapping;

typedef enum { ON_INVALID_CONTINUE, ON_INVALID_FAIL, ON_INVALID_FAIL_STAGING } st_on_invalid;

typedef struct st_schema {
    const char *id, *name;
    int schema_num;
    int sel_table;
    int ninputs, noutputs, nmappings, ninit;
    st_input *inputs;
    st_output *outputs;
    st_mapping *mappings;
    st_kv *init;
    int *input_of_key;   /* nkeys entries: index into inputs, or -1 */
    GHashTable *input_of_naaccr; /* NAACCR XML id, any case -> index into inputs + 1 (the first) */
    int *output_of_key;  /* nkeys entries */
    int *outputs_sorted; /* output indexes sorted by key name */
    st_on_invalid on_invalid;
    gboolean has_outputs;          /* the schema names an "outputs" list */
    const char **discriminators;   /* schema_discriminators (interned key names), in the schema's order */
    int ndiscriminators;
} st_schema;

struct crtk_staging {
    char *algorithm, *version;
    GStringChunk *strings;
    GHashTable *key_ids; /* name -> id + 1 */
    GPtrArray *key_names;
    int nkeys;
    int key_site, key_hist, key_year, key_ctx_version, key_ctx_year;
    GPtrArray *tables;  /* st_table * */
    GHashTable *table_ids; /* id -> index + 1 */
    GPtrArray *schemas; /* st_schema *, sorted by id */
    /* schema selection index */
    GHashTable *valid_sites, *valid_hists; /* value -> bitset (guint64 *) of schemas whose selection table may match */
    int nwords;
    guint64 *all_schemas;
    GPtrArray *naaccr_keys;
    GHashTable *naaccr_of_key; /* key name -> naaccr id */
    guint8 *is_input;          /* per key: an input of some schema */
    GPtrArray *glossary;       /* glossary term names (interned), sorted */
};

/* Interns a key name; returns its id (creating it while loading). */
int crtk_staging_key(crtk_staging *alg, const char *name);
/* Id of a known key, or -1. */
int crtk_staging_key_lookup(const crtk_staging *alg, const char *name);
/* Finalises an algorithm after its schemas and tables were added (indexes, checks). */
gboolean crtk_staging_compile(crtk_staging *alg, GError **error);
/* Parses an INPUT cell's text into items (README §3.6). */
void crtk_staging_parse_cell(crtk_staging *alg, const char *text, st_cell *cell);
/* Upstream isMappingInvolved for each mapping of schema S, with the context KV (NULL-terminated key,
 * value pairs) taken as given, no context keys added: per mapping 1 = involved (g_free it). */
guint8 *crtk_staging_mappings_involved(const crtk_staging *alg, const st_schema *s, const char *const *kv);
/* Apache NumberUtils.isParsable. */
gboolean crtk_staging_parsable(const char *s, int len);

#endif
