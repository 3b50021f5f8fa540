/* problem.h — the one way crtk reports a problem found in outside data.
 *
 * Every reader (NAACCR XML, flat, CSV, dictionary XML) describes what is wrong
 * with a crtk_problem: a code a program can test, words a registrar can read,
 * and the place: file, line, column, patient, tumor and item, as far as known.
 * Readers hand problems to a callback; the callback decides whether to go on.
 */
#ifndef CRTK_PROBLEM_H
#define CRTK_PROBLEM_H

#include "export.h"

#include <glib.h>

typedef enum {
    CRTK_PROBLEM_IO,              /* cannot open or read or write a file */
    CRTK_PROBLEM_SYNTAX,          /* not well-formed XML, bad CSV quoting, ... (fatal) */
    CRTK_PROBLEM_NAMESPACE,       /* missing or wrong NAACCR namespace, unbound prefix */
    CRTK_PROBLEM_STRUCTURE,       /* element or attribute the standard does not allow there */
    CRTK_PROBLEM_ROOT_ATTRIBUTE,  /* missing or invalid NaaccrData attribute */
    CRTK_PROBLEM_DICTIONARY,      /* unknown base dictionary, missing user dictionary, bad dictionary */
    CRTK_PROBLEM_UNKNOWN_ITEM,    /* naaccrId not in the dictionaries */
    CRTK_PROBLEM_WRONG_NUMBER,    /* naaccrNum does not match the naaccrId */
    CRTK_PROBLEM_WRONG_LEVEL,     /* item at NaaccrData/Patient/Tumor level it does not belong to */
    CRTK_PROBLEM_RECORD_TYPE,     /* item not allowed for the file's record type */
    CRTK_PROBLEM_DUPLICATE_ITEM,  /* same item twice in one element */
    CRTK_PROBLEM_TOO_LONG,        /* value longer than the item's length */
    CRTK_PROBLEM_BAD_VALUE,       /* value does not match its data type */
    CRTK_PROBLEM_LINE_LENGTH,     /* flat line of the wrong length */
    CRTK_PROBLEM_INCONSISTENT,    /* patient item differs between a patient's tumors */
    CRTK_PROBLEM_CONVERSION,      /* item dropped or moved when converting versions */
    CRTK_PROBLEM_POSSIBLE_DUPLICATE, /* a new patient looks like one already in the store (crtk/duplicates.h) */
    CRTK_PROBLEM_COUNT
} crtk_problem_code;

typedef enum {
    CRTK_SEVERITY_WARNING, /* worth knowing; the file is still valid */
    CRTK_SEVERITY_ERROR,   /* the file breaks the standard; reading goes on */
    CRTK_SEVERITY_FATAL    /* reading cannot go on */
} crtk_severity;

typedef struct crtk_problem {
    crtk_problem_code code;
    crtk_severity severity;
    const char *file;       /* as given by the user; NULL if none */
    long line;              /* 1-based; 0 if unknown */
    long column;            /* 1-based, in bytes; 0 if unknown */
    long patient;           /* 1-based ordinal of the patient in the file; 0 if none */
    const char *patient_id; /* patientIdNumber when known, else NULL */
    int tumor;              /* 1-based ordinal of the tumor in its patient; 0 if none */
    const char *item;       /* naaccrId (or the unknown name) when the problem is about an item */
    const char *message;    /* words a registrar understands */
} crtk_problem;

/* Return CRTK_CONTINUE to go on reading, CRTK_ABORT to stop. */
enum { CRTK_CONTINUE = 0, CRTK_ABORT = 1 };
typedef int (*crtk_problem_fn)(const crtk_problem *problem, void *user);

/* Stable machine name of a code, e.g. "unknown-item" (used in JSON output). */
CRTK_API const char *crtk_problem_code_name(crtk_problem_code code);
CRTK_API const char *crtk_severity_name(crtk_severity severity);

/* Formats "FILE:LINE:COLUMN: patient P (ID), tumor T, item X: message" into a new string. */
CRTK_API char *crtk_problem_format(const crtk_problem *problem);
/* Formats the problem as one JSON object (no newline). */
CRTK_API char *crtk_problem_to_json(const crtk_problem *problem);

/* A GError domain for failures of crtk's own functions (bad arguments, I/O). */
#define CRTK_ERROR crtk_error_quark()
CRTK_API GQuark crtk_error_quark(void);
/* CONFLICT: another connection changed the store while this one read it (run the command again). */
typedef enum { CRTK_ERROR_IO, CRTK_ERROR_DATA, CRTK_ERROR_USAGE, CRTK_ERROR_UNSUPPORTED, CRTK_ERROR_CONFLICT } crtk_error_code;

/* A value as shown in a message: whole when short, else its first 60 characters, "…" and its
 * size ("ABC…" (120,000 bytes)), always quoted.  Caller frees. */
CRTK_API char *crtk_cut_for_message(const char *value);

#endif
