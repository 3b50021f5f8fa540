/* staging.h — SEER staging algorithms (EOD, TNM, CS, Pediatric) run by crtk's own decision engine.
 *
 * An algorithm (crtk_staging) is a set of schemas and tables loaded from SEER's JSON: the copy
 * embedded in crtk (crtk_staging_get, loaded lazily on first use and kept for the process) or a
 * directory / zip of a newer version (crtk_staging_load).  Tables are precompiled at load time
 * (cells parsed into ranges, one-column tables indexed by value, schema selection indexed by site
 * and histology), so a run does no parsing.
 *
 * A run works on a crtk_stage_run: the case's inputs (key → value, value NULL = supplied null),
 * and after crtk_stage_run_stage() the result, schema, candidates, outputs, errors and path.  A run
 * object is reused for many cases (no allocation per case once warm); it is not thread-safe, an
 * algorithm is (read-only after load).
 *
 * The behaviour follows SEER's reference engine (imsweb/staging-client-java) exactly; see
 * docs/staging.md and ../shared/staging/README.md §3–6.
 */
#ifndef CRTK_STAGING_H
#define CRTK_STAGING_H

#include <glib.h>
#include "crtk/export.h"

typedef struct crtk_staging crtk_staging;
typedef struct crtk_stage_run crtk_stage_run;

typedef enum {
    CRTK_STAGE_STAGED,
    CRTK_STAGE_FAILED_MISSING_SITE_OR_HISTOLOGY,
    CRTK_STAGE_FAILED_NO_MATCHING_SCHEMA,
    CRTK_STAGE_FAILED_MULTIPLE_MATCHING_SCHEMAS,
    CRTK_STAGE_FAILED_INVALID_YEAR_DX,
    CRTK_STAGE_FAILED_INVALID_INPUT,
} crtk_stage_result;

typedef enum {
    CRTK_STAGE_ERR_UNKNOWN_INPUT,
    CRTK_STAGE_ERR_INVALID_REQUIRED_INPUT,
    CRTK_STAGE_ERR_INVALID_NON_REQUIRED_INPUT,
    CRTK_STAGE_ERR_INVALID_OUTPUT,
    CRTK_STAGE_ERR_MATCH_NOT_FOUND,
    CRTK_STAGE_ERR_STAGING_ERROR,
    CRTK_STAGE_ERR_UNKNOWN_INPUT_MAPPING,
    CRTK_STAGE_ERR_INFINITE_LOOP,
} crtk_stage_error_type;

/* One problem of a run.  Strings belong to the run (valid until the next run or free). */
typedef struct crtk_stage_error {
    crtk_stage_error_type type;
    const char *key;     /* the input/output key, or NULL */
    const char *table;   /* the table id, or NULL */
    const char *columns; /* endpoint columns joined by '+', or NULL */
    const char *message;
} crtk_stage_error;

/* The algorithm embedded in crtk: "eod" (eod_public), "tnm", "cs", "pediatric" (the full ids
 * "eod_public" etc. work too).  Loaded on the first call and kept until exit; NULL and *error set
 * when the name is unknown. */
CRTK_API const crtk_staging *crtk_staging_get(const char *name, GError **error);
/* Loads an algorithm from PATH: a SEER zip, a directory holding schemas/ and tables/ (unpacked zip),
 * or a directory holding exactly one such zip.  The caller frees it with crtk_staging_free. */
CRTK_API crtk_staging *crtk_staging_load(const char *path, GError **error);
/* Loads an algorithm from the text of crtk's bundle (one JSON document, optionally gzip-compressed):
 * {"algorithm","version","schemas":[...],"tables":[...]}.  Used for the embedded data and fuzzing. */
CRTK_API crtk_staging *crtk_staging_load_bundle(const void *data, gsize len, GError **error);
CRTK_API void crtk_staging_free(crtk_staging *alg);

CRTK_API const char *crtk_staging_algorithm(const crtk_staging *alg); /* "eod_public" */
CRTK_API const char *crtk_staging_version(const crtk_staging *alg);   /* "3.3" */
CRTK_API guint crtk_staging_schema_count(const crtk_staging *alg);
CRTK_API const char *crtk_staging_schema_id(const crtk_staging *alg, guint i);
/* Index of schema ID, or -1. */
CRTK_API int crtk_staging_find_schema(const crtk_staging *alg, const char *id);
/* The NAACCR XML id of an input/output key of the algorithm (first schema that names one), or NULL. */
CRTK_API const char *crtk_staging_key_naaccr_id(const crtk_staging *alg, const char *key);
/* Every input/output key of the algorithm that has a NAACCR XML id (array of const char *, owned by alg). */
CRTK_API const GPtrArray *crtk_staging_naaccr_keys(const crtk_staging *alg);
/* Whether VALUE is a valid code for input KEY of schema SCHEMA_ID (upstream isCodeValid;
 * year_current 0 = this year). */
CRTK_API gboolean crtk_staging_code_valid(const crtk_staging *alg, const char *schema_id, const char *key,
                                          const char *value, int year_current);

/* Upstream isValidSite / isValidHistology: VALUE is in the primary_site / histology table. */
CRTK_API gboolean crtk_staging_valid_site(const crtk_staging *alg, const char *site);
CRTK_API gboolean crtk_staging_valid_hist(const crtk_staging *alg, const char *hist);
CRTK_API gboolean crtk_staging_table_exists(const crtk_staging *alg, const char *table_id);
CRTK_API const char *crtk_staging_schema_name(const crtk_staging *alg, guint i);
CRTK_API int crtk_staging_schema_num(const crtk_staging *alg, guint i); /* CS schema number, else 0 */
/* 1/0 whether input KEY of the schema is used for staging; -1 when there is no such input. */
CRTK_API int crtk_staging_input_used_for_staging(const crtk_staging *alg, const char *schema_id, const char *key);
/* Index of the first row of TABLE_ID matching the context KV (NULL-terminated key, value pairs;
 * ctx_alg_version and ctx_year_current = this year added); -1 no match, -2 no such table. */
CRTK_API int crtk_staging_table_row(const crtk_staging *alg, const char *table_id, const char *const *kv);
/* Upstream isContextValid: input KEY of the schema validated with the whole context KV (trimmed). */
CRTK_API gboolean crtk_staging_context_valid(const crtk_staging *alg, const char *schema_id, const char *key,
                                             const char *const *kv);

CRTK_API crtk_stage_run *crtk_stage_run_new(const crtk_staging *alg);
CRTK_API void crtk_stage_run_free(crtk_stage_run *run);
/* Forgets the inputs (and the results) of the previous case. */
CRTK_API void crtk_stage_run_reset(crtk_stage_run *run);
/* Supplies input KEY (copied).  VALUE NULL supplies a null (treated as absent for defaults, as blank
 * for matching).  A key the algorithm does not know is kept and reported as UNKNOWN_INPUT. */
CRTK_API void crtk_stage_run_set(crtk_stage_run *run, const char *key, const char *value);
/* Fast path for bulk staging: the id of KEY in this algorithm (-1 if unknown), and setting an input
 * by id WITHOUT copying VALUE (it must stay valid until the next reset). */
CRTK_API int crtk_staging_key_id(const crtk_staging *alg, const char *key);
CRTK_API void crtk_stage_run_set_id(crtk_stage_run *run, int key, const char *value);
/* Supplies the inputs written in the engine's key notation: "k=v;k=v" (`k=` a supplied blank,
 * `k=<null>` a supplied null).  LINE need not be NUL-terminated.  FALSE and *error (naming the
 * column) when a pair is not key=value. */
CRTK_API gboolean crtk_stage_run_set_keys(crtk_stage_run *run, const char *line, gsize len, GError **error);
/* Sets a context value such as ctx_year_current (kept across resets).  Default: this year. */
CRTK_API void crtk_stage_run_set_context(crtk_stage_run *run, const char *key, const char *value);

/* Schema selection with the inputs supplied (upstream lookupSchema): returns the number of
 * candidate schemas; crtk_stage_run_candidate() gives their indexes (ascending by id). */
CRTK_API guint crtk_stage_run_lookup(crtk_stage_run *run);
CRTK_API guint crtk_stage_run_candidate_count(const crtk_stage_run *run);
CRTK_API int crtk_stage_run_candidate(const crtk_stage_run *run, guint i);

/* Stages the case (upstream Staging.stage). */
CRTK_API crtk_stage_result crtk_stage_run_stage(crtk_stage_run *run);
/* After a stage: the schema index (-1 when none). */
CRTK_API int crtk_stage_run_schema(const crtk_stage_run *run);
/* Outputs: the schema's output keys that survive the run, sorted by key.  *value NULL = null. */
CRTK_API guint crtk_stage_run_output_count(const crtk_stage_run *run);
CRTK_API const char *crtk_stage_run_output(const crtk_stage_run *run, guint i, const char **value);
/* The value of output KEY; FALSE when the run has no such output. */
CRTK_API gboolean crtk_stage_run_get_output(const crtk_stage_run *run, const char *key, const char **value);
CRTK_API guint crtk_stage_run_error_count(const crtk_stage_run *run);
CRTK_API const crtk_stage_error *crtk_stage_run_error(const crtk_stage_run *run, guint i);
/* Path: "mapping.table" entries in visit order. */
CRTK_API guint crtk_stage_run_path_count(const crtk_stage_run *run);
CRTK_API const char *crtk_stage_run_path(const crtk_stage_run *run, guint i);

CRTK_API const crtk_staging *crtk_stage_run_algorithm(const crtk_stage_run *run);

/* The algorithm registries use for a diagnosis year: "eod" (2018+), "tnm" (2016-2017), "cs" (2004-2015),
 * NULL before 2004.  (Pediatric is chosen explicitly.) */
CRTK_API const char *crtk_staging_algorithm_for_year(int year);
/* Gives the value of a NAACCR item (by XML id, e.g. "primarySite"), NULL or "" when absent. */
typedef const char *(*crtk_stage_item_fn)(const char *naaccr_id, void *user);
/* Stages a tumor from its NAACCR items (keys mapped by the algorithm's naaccr_xml_id; year_dx from
 * dateOfDiagnosis): the schema is selected with every mapped item, then only the schema's inputs are
 * supplied, so items a schema does not use are not UNKNOWN_INPUT.  Replaces the run's inputs. */
CRTK_API crtk_stage_result crtk_stage_run_stage_items(crtk_stage_run *run, crtk_stage_item_fn get, void *user);

/* Bulk staging of rows of NAACCR items (e.g. a store scan): the algorithm's keys are mapped to the
 * columns once (NAACCR_IDS[c] names column c), so staging a row does no lookup by name and no
 * allocation.  Same results as crtk_stage_run_stage_items.  The map belongs to ALG's runs only. */
typedef struct crtk_stage_item_map crtk_stage_item_map;
CRTK_API crtk_stage_item_map *crtk_stage_item_map_new(const crtk_staging *alg, const char *const *naaccr_ids, int n);
CRTK_API void crtk_stage_item_map_free(crtk_stage_item_map *map);
/* Whether KEY is an input of some schema of ALG (the items a bulk caller has to supply). */
CRTK_API gboolean crtk_staging_key_is_input(const crtk_staging *alg, const char *key);
/* Stages one row: VALUES[c] is column c's value (NULL or "" = absent); values are not copied and
 * must stay valid until the next reset of RUN (outputs and errors may point into them). */
CRTK_API crtk_stage_result crtk_stage_run_stage_row(crtk_stage_run *run, const crtk_stage_item_map *map,
                                                    const char *const *values);

/* Staging the tumors of NAACCR records (crtk/record.h) one after the other, e.g. the schema edits:
 * the algorithm's keys are mapped to the items of the records' dictionary once (again when a record
 * of another dictionary comes), and one run is reused, so a tumor costs no lookup by name and no
 * allocation.  Same answers as crtk_staging_schema_of_items / crtk_stage_run_stage_items.  A reader
 * belongs to one thread at a time; the dictionary must outlive its use by the reader. */
typedef struct crtk_stage_record_reader crtk_stage_record_reader;
struct crtk_record;
CRTK_API crtk_stage_record_reader *crtk_stage_record_reader_new(const crtk_staging *alg);
CRTK_API void crtk_stage_record_reader_free(crtk_stage_record_reader *rr);
/* The schema of tumor T of REC (its patient's items included); -1 when none or several match. */
CRTK_API int crtk_stage_record_schema(crtk_stage_record_reader *rr, const struct crtk_record *rec, int t);
/* Stages tumor T of REC; the outcome is in crtk_stage_record_run(rr) until the next call. */
CRTK_API crtk_stage_result crtk_stage_record_stage(crtk_stage_record_reader *rr, const struct crtk_record *rec, int t);
CRTK_API crtk_stage_run *crtk_stage_record_run(crtk_stage_record_reader *rr);

/* ---- schema-aware coding (registry/staging/staging_items.c) ----
 * The code lists registrars see for the SSDI, grade and EOD items of a schema: the rows of the table
 * that validates the schema's input, with SEER's description of each code. */

/* One row of an input's validation table: CODE is the cell as SEER writes it (one value, a list or a
 * range such as "001-988" or "2018-{{ctx_year_current}}"; "" is the blank code), MEANING its
 * description (NULL when the table has none).  Strings belong to the algorithm. */
typedef struct crtk_staging_code {
    const char *code;
    const char *meaning;
} crtk_staging_code;

/* Index of the schema named ID_OR_NAME: its id ("breast") or its display name, case-insensitive
 * ("Breast", "lung"); -1 when none. */
CRTK_API int crtk_staging_find_schema_any(const crtk_staging *alg, const char *id_or_name);
/* The input of schema index SI for ITEM: an engine key ("er"), a NAACCR XML id ("estrogenReceptorSummary",
 * case-insensitive).  Returns the engine key, or NULL when the schema has no
 * such input. */
CRTK_API const char *crtk_staging_schema_input(const crtk_staging *alg, int si, const char *item);
/* The codes of input KEY of schema SI (GArray of crtk_staging_code in table order; free with
 * g_array_unref), or NULL when the input has no validation table or the algorithm carries no
 * descriptions for it (the embedded CS bundle keeps none). */
CRTK_API GArray *crtk_staging_input_codes(const crtk_staging *alg, int si, const char *key);
/* Meaning of VALUE for input KEY of schema SI: the description of the first table row that holds it;
 * NULL when VALUE is not a valid code, or the table has no description. */
CRTK_API const char *crtk_staging_input_meaning(const crtk_staging *alg, int si, const char *key, const char *value);
/* The input's flags: used for staging, and its default (NULL none). FALSE when no such input. */
CRTK_API gboolean crtk_staging_input_info(const crtk_staging *alg, int si, const char *key, gboolean *used_for_staging,
                                          const char **def, const char **naaccr_id);
/* Number of inputs of schema SI and the engine key of the i-th (in the schema's order). */
CRTK_API guint crtk_staging_schema_input_count(const crtk_staging *alg, int si);
CRTK_API const char *crtk_staging_schema_input_key(const crtk_staging *alg, int si, guint i);
/* The schema a tumor belongs to, selected with its NAACCR items as crtk_stage_run_stage_items does;
 * -1 when none or several match. */
CRTK_API int crtk_staging_schema_of_items(const crtk_staging *alg, crtk_stage_item_fn get, void *user);

/* ---- what an algorithm is made of (registry/staging/staging_introspect.c) ----
 * The questions SEER's reference engine answers about its schemas and tables (upstream Staging.getInputs,
 * getOutputs, getInvolvedTables, getInvolvedSchemas, Schema.getSchemaDiscriminators, getGlossaryTerms),
 * with the same answers.  A set is a GPtrArray of const char * sorted by name, the strings owned by ALG
 * (free the array with g_ptr_array_unref); NULL when there is no schema SCHEMA_ID.
 *
 *     const char *ctx[] = {"site", "C619", "hist", "8120", NULL, NULL};
 *     GPtrArray *keys = crtk_staging_schema_inputs(alg, "prostate", ctx);
 *     for (guint i = 0; keys && i < keys->len; i++)
 *         puts(g_ptr_array_index(keys, i));
 *     g_ptr_array_unref(keys);
 */

/* The keys a case may supply that schema SCHEMA_ID reads (upstream getInputs): the INPUT columns of its
 * selection table and of every table its mappings reach (through JUMPs, input mappings applied), less the
 * keys that an earlier table or a mapping's initial context writes, and less the context keys (ctx_*).
 * CONTEXT (NULL-terminated key, value pairs; value NULL = null), when given, leaves out the tables of the
 * mappings whose inclusion/exclusion tables rule them out for it (the inclusion and exclusion tables
 * themselves are always read); NULL = every mapping. */
CRTK_API GPtrArray *crtk_staging_schema_inputs(const crtk_staging *alg, const char *schema_id,
                                               const char *const *context);
/* The keys a run of schema SCHEMA_ID may write (upstream getOutputs): the outputs the schema declares; for
 * a schema that declares none, the ENDPOINT columns of the tables its mappings reach (output mappings
 * applied; CONTEXT as for crtk_staging_schema_inputs). */
CRTK_API GPtrArray *crtk_staging_schema_outputs(const crtk_staging *alg, const char *schema_id,
                                                const char *const *context);
/* The ids of the tables schema SCHEMA_ID uses: its selection table, the tables validating its inputs and
 * outputs, its mappings' inclusion, exclusion and path tables, and every table those JUMP to (the same as
 * the involved_tables SEER's schema files list). */
CRTK_API GPtrArray *crtk_staging_involved_tables(const crtk_staging *alg, const char *schema_id);
/* The ids of the schemas whose involved tables include TABLE_ID (empty when none or no such table). */
CRTK_API GPtrArray *crtk_staging_involved_schemas(const crtk_staging *alg, const char *table_id);
/* The schema's discriminators: the keys besides site and histology its selection may need
 * (schema_discriminators, e.g. "ssf25", "year_dx"); empty when it has none. */
CRTK_API GPtrArray *crtk_staging_schema_discriminators(const crtk_staging *alg, const char *schema_id);
/* Every key that is a discriminator of some schema of ALG. */
CRTK_API GPtrArray *crtk_staging_all_discriminators(const crtk_staging *alg);
/* The algorithm's glossary: the number of terms, and the i-th term (sorted; NULL past the end).  Only the
 * terms are kept, not their definitions. */
CRTK_API guint crtk_staging_glossary_count(const crtk_staging *alg);
CRTK_API const char *crtk_staging_glossary_term(const crtk_staging *alg, guint i);

/* One range of a parsed table cell: LOW..HIGH (equal for a single value, "{{key}}" for a reference);
 * both NULL for the cell "*", which matches anything. */
typedef struct crtk_staging_range {
    const char *low, *high;
} crtk_staging_range;
/* INPUT cell KEY of row ROW (0-based) of table TABLE_ID as SEER wrote it ("p0I-", "001-988,999"); NULL when
 * the cell has no value or there is no such table, row or INPUT column.  Owned by ALG. */
CRTK_API const char *crtk_staging_table_cell(const crtk_staging *alg, const char *table_id, guint row,
                                             const char *key);
/* The ranges that cell was parsed into (README §3.6; "N0(mol-)" stays one value): GArray of
 * crtk_staging_range in cell order (free with g_array_unref), empty for a cell with no value; NULL when
 * there is no such cell. */
CRTK_API GArray *crtk_staging_table_cell_ranges(const crtk_staging *alg, const char *table_id, guint row,
                                                const char *key);

CRTK_API const char *crtk_stage_result_name(crtk_stage_result r);
CRTK_API const char *crtk_stage_error_type_name(crtk_stage_error_type t);

/* Matches one range item (low, high) against VALUE the way a table cell does (README §4);
 * CTX_* given as NULL-terminated key, value pairs for {{references}}.  For tests. */
CRTK_API gboolean crtk_staging_range_contains(const char *low, const char *high, const char *value,
                                              const char *const *ctx);

#endif
