/* metafile.h — running NAACCR/state EDITS metafiles (.smf) natively.
 *
 * A .smf is a SQLite database holding edits written in the GenEDITS language, the fields
 * (NAACCR items) they read, messages, edit sets and lookup tables.  crtk opens it read-only,
 * compiles each edit's logic once (lexer, parser, resolved and type-checked tree), binds its
 * fields to a crtk dictionary and runs it on records: one tumor with its patient's and the
 * file's items, each value presented untrimmed and blank-padded to the field's width.
 *
 *   GError *err = NULL;
 *   crtk_metafile *mf = crtk_metafile_open("state.smf", &err);
 *   crtk_metafile_set_today(mf, 2026, 12, 4);              // DT_TODAY and future-date checks
 *   crtk_mf_runner *run = crtk_mf_runner_new(mf, "E1", NULL, dict, &err);
 *   crtk_mf_runner_run(run, record, header, tumor_index, on_result, user);   // per tumor
 *   crtk_mf_runner_free(run); crtk_metafile_free(mf);
 *
 * Execution is bounded (a step limit per edit run), so a hostile metafile cannot run
 * unbounded; the database is opened read-only and never written.  Edits that cannot be
 * compiled or call an external DLL crtk has no engine for are listed as skipped, never passed.
 * Not thread-safe: one crtk_metafile (and its runners) per thread.
 */
#ifndef CRTK_METAFILE_H
#define CRTK_METAFILE_H

#include <glib.h>
#include "export.h"
#include "dictionary.h"
#include "record.h"

typedef struct crtk_metafile crtk_metafile;
typedef struct crtk_mf_runner crtk_mf_runner;

/* One edit as stored in the metafile (strings owned by the metafile). */
typedef struct crtk_mf_edit_info {
    const char *tag;          /* EditTag */
    const char *name;         /* EditName */
    const char *agency;       /* EE_Agencies.AdminCode */
    const char *description;
    const char *logic;        /* normalised: tabs -> 4 blanks, CR LF -> LF, trimmed */
    const char *message;      /* default message ("" when none) */
    const char *sets;         /* comma-separated EditSetTags */
    const char *const *fields;/* FieldName in FieldOrder, NULL-terminated */
    const int *field_numbers; /* NAACCR item numbers, same order */
    const char *const *tables;/* lookup tables the edit uses, NULL-terminated */
    const char *last_modified;
} crtk_mf_edit_info;

typedef struct crtk_mf_set_info {
    const char *tag, *name, *description, *agency;
    int n_edits;
} crtk_mf_set_info;

/* Opens path read-only; reads its edits, fields, messages, sets and the list of lookup tables.
 * NULL with error (naming the file) if it is not a readable EDITS50 metafile. */
CRTK_API crtk_metafile *crtk_metafile_open(const char *path, GError **error);
CRTK_API void crtk_metafile_free(crtk_metafile *mf);
/* A metafile without edits, fields or tables (for eval of statements that need none). */
CRTK_API crtk_metafile *crtk_metafile_new_empty(void);

CRTK_API const char *crtk_metafile_path(const crtk_metafile *mf);
/* EE_Control items (MFContentVersion, MFStructureVersion, MFComment); "" when absent. */
CRTK_API const char *crtk_metafile_control(const crtk_metafile *mf, const char *item);
/* A short name for summaries: the file's base name. */
CRTK_API const char *crtk_metafile_name(const crtk_metafile *mf);

CRTK_API int crtk_metafile_edit_count(const crtk_metafile *mf);
CRTK_API const crtk_mf_edit_info *crtk_metafile_edit(const crtk_metafile *mf, int i);
/* By EditTag (case-insensitive); NULL when absent. */
CRTK_API const crtk_mf_edit_info *crtk_metafile_find_edit(const crtk_metafile *mf, const char *tag);
CRTK_API int crtk_metafile_set_count(const crtk_metafile *mf);
CRTK_API const crtk_mf_set_info *crtk_metafile_set(const crtk_metafile *mf, int i);
/* By EditSetTag or EditSetName (case-insensitive); NULL when absent. */
CRTK_API const crtk_mf_set_info *crtk_metafile_find_set(const crtk_metafile *mf, const char *tag_or_name);
/* Agencies as "CODE\tName" strings, NULL-terminated (owned by the metafile). */
CRTK_API const char *const *crtk_metafile_agencies(const crtk_metafile *mf);
/* Lookup tables as "NAME\tRecCount\tComments" strings, NULL-terminated. */
CRTK_API const char *const *crtk_metafile_tables(const crtk_metafile *mf);

/* "Today" for DT_TODAY and the future-date checks (default: the local date at open). */
CRTK_API void crtk_metafile_set_today(crtk_metafile *mf, int year, int month, int day);
/* Parses "YYYYMMDD" into y/m/d (a real calendar day); FALSE when not. */
CRTK_API gboolean crtk_metafile_parse_today(const char *text, int *year, int *month, int *day);

/* Limit of evaluation steps per edit run (default 1,000,000): an edit that exceeds it ends
 * with CRTK_MF_ERROR ("step limit"). */
CRTK_API void crtk_metafile_set_step_limit(crtk_metafile *mf, long steps);

/* ---- running edits --------------------------------------------------------------- */

typedef enum {
    CRTK_MF_PASS = 0,
    CRTK_MF_FAIL = 1,
    CRTK_MF_ERROR = 2      /* the edit could not run on this record (step limit, division by zero) */
} crtk_mf_status;

/* The result of one edit on one record; strings valid during the callback only. */
typedef struct crtk_mf_result {
    const crtk_mf_edit_info *edit;
    crtk_mf_status status;
    gboolean warned;             /* SET_WARNING / SAVE_WARNING_TEXT was called (the edit passes) */
    const char *message;         /* the edit's message with %F/%V/%DC filled; on PASS "" */
    const char *const *extra;    /* saved messages (SAVE_TEXT, SAVE_ERROR_TEXT, SET_ERROR, USR2,
                                    warnings prefixed "WARNING: "), NULL-terminated */
    const char *const *items;    /* naaccrIds of the edit's fields that crtk's dictionary has */
    int n_items;
} crtk_mf_result;

/* Called for every edit run (pass or fail); return CRTK_CONTINUE (0) or CRTK_ABORT (1). */
typedef int (*crtk_mf_result_fn)(const crtk_mf_result *result, void *user);

/* Compiles the edits of set (EditSetTag or name; NULL = every edit), restricted to the tags in
 * only (NULL-terminated, may be NULL), binding fields to dict through EE_Fields.FieldNumber.
 * Edits that do not compile, use a field the dictionary lacks, or call an unsupported external
 * DLL are skipped (see crtk_mf_runner_skipped).  NULL with error for an unknown set or tag, or
 * when a lookup table of the metafile could not be read (a read error, or over 50 MB). */
CRTK_API crtk_mf_runner *crtk_mf_runner_new(crtk_metafile *mf, const char *set, const char *const *only,
                                            crtk_dictionary *dict, GError **error);
CRTK_API void crtk_mf_runner_free(crtk_mf_runner *r);
/* The edits that run, in metafile order. */
CRTK_API int crtk_mf_runner_count(const crtk_mf_runner *r);
CRTK_API const crtk_mf_edit_info *crtk_mf_runner_edit(const crtk_mf_runner *r, int i);
/* Skipped edits as "TAG: reason" (owned by the runner). */
CRTK_API const GPtrArray *crtk_mf_runner_skipped(const crtk_mf_runner *r);
CRTK_API const crtk_mf_set_info *crtk_mf_runner_set(const crtk_mf_runner *r); /* NULL = all */

/* Runs every edit on tumor `tumor` (0-based) of record (header may be NULL: its NaaccrData
 * items are then blank).  With tumor < 0 or a record without tumors, runs on the patient
 * items alone.  Returns the number of failing edits. */
CRTK_API int crtk_mf_runner_run(crtk_mf_runner *r, const crtk_record *record, const crtk_header *header,
                                int tumor, crtk_mf_result_fn fn, void *user);

/* ---- debugging an edit -------------------------------------------------------------- */

/* Runs text as the body of an edit (with mf's tables and fields if mf is given, and the values
 * of record's tumor if given; fields not in mf resolve by NAACCR item name or naaccrId through
 * dict).  Appends to out, in declaration order, "name=value" per declared variable (values
 * exactly, integers in decimal), then "message=TEXT" per saved message, then
 * "return=PASS|FAIL".  Returns 0 when it ran, 2 when it does not compile (error names the
 * line), 1 when it stopped with a run-time error (error set, out has what was printed). */
CRTK_API int crtk_metafile_eval(crtk_metafile *mf, crtk_dictionary *dict, const crtk_record *record,
                                const crtk_header *header, int tumor, const char *text,
                                GString *out, GError **error);

/* The hook the CS DLL calls (EXTERNALDLL("cstage.dll", ...)) go through.  A metafile starts with
 * crtk_metafile_cs_dll (crtk's CS algorithm answers); set NULL to have edits calling EXTERNALDLL
 * skipped.  method is e.g. "CStage_get_schema_number"; args are the call's string values (integers
 * in decimal); for the calls that fill a char array the handler assigns the text to out
 * (g_string_assign; "" clears the array; out left untouched fills nothing) and returns the integer
 * result, or sets *ok = FALSE when it cannot answer (the edit run ends with CRTK_MF_ERROR). */
typedef int (*crtk_mf_dll_fn)(const char *dll, const char *method, int n_args, const char *const *args,
                              GString *out, gboolean *ok, void *user);
CRTK_API void crtk_metafile_set_dll_handler(crtk_metafile *mf, crtk_mf_dll_fn fn, void *user);
/* The built-in handler: CStage_get_version, CStage_get_number_of_schemas, CStage_get_schema_number
 * (site, histology, SSF25 discriminator), CStage_get_schema_name and CStage_code_is_valid answered
 * by crtk's CS algorithm (USER: a const crtk_staging *, NULL = the built-in "cs").  Edits calling
 * any other method are skipped. */
CRTK_API int crtk_metafile_cs_dll(const char *dll, const char *method, int n_args, const char *const *args,
                                  GString *out, gboolean *ok, void *user);

#endif
