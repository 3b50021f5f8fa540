/* edits.h — the edit engine: checks of NAACCR data that registrars run before submitting.
 *
 * Edits are data: each is a row of a TSV file (the TSV files of schemas/edits/, built into
 * crtk, plus any *.tsv of a directory the user names) with an id, a name, an
 * agency, the items it involves, a message a registrar understands, an
 * optional over-ride item, the edit sets it belongs to and a rule in the small
 * language of docs/edits.md.  Rules are compiled once against a dictionary and
 * evaluated per tumor (patient items are visible from each tumor) or once per
 * patient.  An edit whose items the dictionary does not have is skipped.
 *
 *   static int on_failure(const crtk_edit_failure *f, void *user)
 *   {
 *       printf("%s tumor %d: %s %s\n", f->patient_id, f->tumor, f->edit_id, f->message);
 *       return CRTK_CONTINUE;
 *   }
 *   ...
 *   GError *err = NULL;
 *   crtk_edits *ed = crtk_edits_load("hospital", NULL, dict, &err);   // NULL: see err->message
 *   crtk_edits_run_record(ed, record, on_failure, NULL);              // for each patient
 *   crtk_edits_stats st = crtk_edits_stats_get(ed);                   // st.failures, st.tumors, ...
 *   crtk_edits_free(ed);
 *
 * examples/run_edits.c is the whole program (edits on every patient of a file).
 */
#ifndef CRTK_EDITS_H
#define CRTK_EDITS_H

#include "export.h"

#include <glib.h>
#include "dictionary.h"
#include "record.h"

/* A crtk_edits is not thread-safe: use one per thread (crtk_edits_involving or another load).
 * The code tables behind them are shared and read-only. */
typedef struct crtk_edits crtk_edits;

typedef enum { CRTK_EDIT_TUMOR = 0, CRTK_EDIT_PATIENT = 1 } crtk_edit_level;

/* One edit (all instances of an edit id; an edit written for "each of its items" has one instance
 * per item but one entry here). */
typedef struct crtk_edit_info {
    const char *id;
    const char *name;
    const char *agency;
    crtk_edit_level level;
    const char *sets;           /* comma-separated; "" = every set */
    const char *items;          /* the items column as written */
    const char *override_item;  /* naaccrId of the over-ride flag, NULL if none */
    const char *override_values;/* codes of the flag that make the edit pass, e.g. "1" or "2,3" */
    const char *message;        /* template with {naaccrId} placeholders */
    const char *rule;
    const char *source;         /* "schemas/edits/core.tsv:12" or the user's file:line */
    long failures;              /* statistics since load or the last reset */
    long evaluated;             /* times the rule was evaluated (not counting over-ridden cases) */
    long overridden;            /* times the over-ride flag made it pass */
} crtk_edit_info;

/* A failure handed to the callback; strings are valid during the call only. */
typedef struct crtk_edit_failure {
    long patient;               /* ordinal of the patient (crtk_record.ordinal) */
    const char *patient_id;     /* patientIdNumber, "" when absent */
    int tumor;                  /* 1-based tumor ordinal; 0 for a patient-level edit */
    const char *edit_id;
    const char *edit_name;
    const char *agency;
    const char *const *items;   /* naaccrIds the edit involves (those the dictionary has) */
    int n_items;
    const char *message;        /* with the record's values filled in */
    const char *override_item;  /* over-ride flag that would accept the case after review, or NULL */
    const crtk_record *record;  /* the record checked (name, medical record number...), or NULL */
} crtk_edit_failure;

/* Return CRTK_CONTINUE (0) to go on, CRTK_ABORT (1) to stop checking the record. */
typedef int (*crtk_edit_fn)(const crtk_edit_failure *failure, void *user);

typedef struct crtk_edits_stats {
    long patients;        /* records run */
    long tumors;          /* tumors checked */
    long tumors_passing;  /* tumors (and their patient) without any failure */
    long failures;        /* all failures */
} crtk_edits_stats;

/* Loads the built-in edits and every *.tsv of extra_dir (may be NULL), keeps those of set_name
 * (NULL or "all": every edit) and compiles them for dict.  An edit of extra_dir with the id of a
 * built-in edit replaces it.  NULL with error for an unknown set, an unreadable directory or a
 * rule that does not compile (naming file, line and column). */
CRTK_API crtk_edits *crtk_edits_load(const char *set_name, const char *extra_dir, crtk_dictionary *dict, GError **error);
CRTK_API void crtk_edits_free(crtk_edits *edits);

/* The edits of edits whose items, rule or over-ride involve any of item_ids (NULL-terminated
 * naaccrIds): run only those after an abstractor changed these items.  Statistics are separate. */
CRTK_API crtk_edits *crtk_edits_involving(const crtk_edits *edits, const char *const *item_ids);

/* Runs the edits on one patient and its tumors; calls fn (may be NULL) for each failure.  Returns
 * the number of failures, -1 if the record's dictionary is not the one the edits were loaded for,
 * -2 if edit P01 could not keep what it remembers (crtk_edits_error says why): stop, the run has
 * no verdict.  P01 remembers the patients it has seen (by patientIdNumber, in a private temporary
 * file, so memory does not grow with the file) to compare a patient that comes again with another
 * ordinal; running the same record again (same ordinal) is not a repeat. */
CRTK_API int crtk_edits_run_record(crtk_edits *edits, const crtk_record *record, crtk_edit_fn fn, void *user);
/* Why the last crtk_edits_run_record returned -2 (NULL otherwise); crtk_edits_reset clears it. */
CRTK_API const GError *crtk_edits_error(const crtk_edits *edits);

/* Statistics since load or the last reset. */
CRTK_API crtk_edits_stats crtk_edits_stats_get(const crtk_edits *edits);
/* Clears the statistics and the patients remembered by P01 (and its error). */
CRTK_API void crtk_edits_reset(crtk_edits *edits);

/* The active edits (after set selection and skipping), in load order. */
CRTK_API int crtk_edits_count(const crtk_edits *edits);
CRTK_API const crtk_edit_info *crtk_edits_get(const crtk_edits *edits, int i);
CRTK_API const crtk_edit_info *crtk_edits_find(const crtk_edits *edits, const char *id);
/* Edits of the set that were skipped, each "ID: reason" (e.g. an item not in the dictionary). */
CRTK_API const GPtrArray *crtk_edits_skipped(const crtk_edits *edits);
/* The Patient and Tumor items of the edits' dictionary that no loaded edit reads, names or uses as
 * an over-ride: values crtk does not check at all (free text among them).  Newly allocated array of
 * borrowed const crtk_item*, in dictionary order; *free_text (may be NULL) gets how many of them are
 * free text (data type text and 40 characters or longer). */
CRTK_API GPtrArray *crtk_edits_unchecked(const crtk_edits *edits, int *free_text);
/* Names of the edit sets the loaded files define, sorted (borrowed, NULL-terminated). */
CRTK_API const char *const *crtk_edits_sets(const crtk_edits *edits);
CRTK_API crtk_dictionary *crtk_edits_dictionary(const crtk_edits *edits);

/* The date "today" used by the not-in-the-future checks (default: the local date at load). */
CRTK_API void crtk_edits_set_today(crtk_edits *edits, int year, int month, int day);
/* Whether P01 compares a patient with the records of the same patientIdNumber seen before (on by
 * default, for files, where one patient may come as several records).  A store holds each patient
 * once, so crtk_store_run_edits turns it off: memory then stays constant however large the store. */
CRTK_API void crtk_edits_set_cross_record(crtk_edits *edits, gboolean on);

#endif
