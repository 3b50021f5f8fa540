/* edit_expr.h — the rule language of crtk edits (private to the edit engine; see docs/edits.md).
 *
 * A rule is compiled once against a dictionary into a tree whose item
 * references are resolved to item indexes and whose table names are resolved
 * to tables, then evaluated for each tumor (or once per patient) without
 * allocating.  The lexer, parser and compiler are in edit_parse.c, the
 * evaluator in edit_eval.c; the end of this file is the tree they share.
 */
#ifndef CRTK_EDIT_EXPR_H
#define CRTK_EDIT_EXPR_H

#include <glib.h>
#include "codes.h"
#include "dictionary.h"
#include "record.h"

typedef struct edit_expr edit_expr;

/* What a compile needs and what it finds out. */
typedef struct edit_env {
    const crtk_dictionary *dict;
    const char *item_template;   /* the naaccrId $item stands for, or NULL */
    gboolean patient_level;      /* compile for a patient-level edit (tumor items are an error) */
    /* results */
    GPtrArray *refs;             /* const crtk_item* referenced (directly or via other.), no duplicates */
    GPtrArray *missing;          /* char*: names of required items the dictionary does not have */
    gboolean uses_tumor_items;   /* refers to tumor items of the current tumor */
    gboolean uses_loops;         /* looks at other tumors, other records or the date (any_other, patient_consistent,
                                    current_year): not only at its own items */
} edit_env;

void edit_env_init(edit_env *env, const crtk_dictionary *dict);
void edit_env_clear(edit_env *env);

/* State kept across records (edit P01: patients seen more than once; edit_state.c). */
typedef struct edit_state edit_state;
#define EDIT_STATE_MAX_HASHES 64
edit_state *edit_state_new(void);
void edit_state_free(edit_state *s);
/* Forgets every patient, and a previous error. */
void edit_state_reset(edit_state *s);
/* pid seen in a record of another ordinal: fills *prev_ordinal, prev[] (room for
 * EDIT_STATE_MAX_HASHES) and *n_prev with what that record had, returns 1.  Otherwise remembers
 * (ordinal, h[0..n)) for pid and returns 0.  -1 when the state cannot be kept (edit_state_error). */
int edit_state_check(edit_state *s, const char *pid, long ordinal, const guint32 *h, int n, long *prev_ordinal,
                     guint32 *prev, int *n_prev);
/* Why the state could not be kept, NULL while it can. */
const GError *edit_state_error(const edit_state *s);

typedef struct edit_ctx {
    const crtk_record *rec;
    const char *patient_id;  /* patientIdNumber of rec ("" when absent) */
    int tumor;               /* index of the current tumor, -1 for a patient-level edit */
    int other;               /* index of the tumor an aggregate is looking at, -1 outside */
    int today_y, today_m, today_d;
    edit_state *state;
    GString *detail;         /* words a function adds for {$detail} in the message */
    /* the EOD schema of tumor schema_of - 1 (edit_schema.c; 0: none selected yet): a record does not
     * change while its edits run, so the schema edits of a tumor select its schema once */
    int schema_of, schema_index;
    /* where the edits object keeps its staging reader (created on first use, freed with the
     * object); NULL: the schema functions look items up by name */
    struct crtk_stage_record_reader **stage_reader;
} edit_ctx;

/* Compiles text; NULL with error (naming the column) on a syntax error, an unknown function or
 * table.  Items missing from the dictionary do not fail the compile: they are listed in
 * env->missing and the edit must not be run. */
edit_expr *edit_expr_compile(const char *text, edit_env *env, GError **error);
void edit_expr_free(edit_expr *e);
/* TRUE when the rule holds (the edit passes). */
gboolean edit_expr_eval(const edit_expr *e, edit_ctx *ctx);

/* Date helpers shared with the message formatter and tests: parses CCYY[MM[DD]] (trailing blanks
 * allowed); month/day 0 when not given.  FALSE when not a valid date. */
gboolean edit_parse_date(const char *s, size_t len, int *y, int *m, int *d);

/* ---- private to edit_parse.c and edit_eval.c: values and the compiled tree ------------------- */

enum { V_STR, V_NUM, V_BOOL };

typedef struct {
    int t;
    size_t len;     /* V_STR */
    const char *s;  /* V_STR, not necessarily NUL-terminated */
    double n;       /* V_NUM, V_BOOL (0/1) */
} val;

static inline val v_bool(int b)
{
    val v = {V_BOOL, 0, "", b ? 1.0 : 0.0};
    return v;
}

static inline val v_num(double n)
{
    val v = {V_NUM, 0, "", n};
    return v;
}

static inline val v_str(const char *s, size_t len)
{
    val v = {V_STR, len, s, 0};
    return v;
}

enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

enum {
    OP_CONST, OP_ITEM, OP_AND, OP_OR, OP_NOT, OP_IF, OP_CMP, OP_IN, OP_NOTIN, OP_BETWEEN,
    OP_ADD, OP_SUB, OP_NEG, OP_CALL
};

enum {
    F_EMPTY, F_PRESENT, F_VALID_CODE, F_IN_TABLE, F_VALID, F_VALID_DATE, F_NOT_FUTURE, F_YEAR, F_MONTH,
    F_DAY, F_DATE_BEFORE, F_DATE_AFTER, F_SAME_DATE, F_AGE_MIN, F_AGE_MAX, F_AGE_AT, F_NUMBER, F_LENGTH,
    F_IS_DIGITS, F_SUBSTR, F_BLANK_IF, F_DISTINCT, F_COALESCE, F_HIST_VALID, F_MORPH_VALID,
    F_MORPH_REPORTABLE, F_SITE_HIST_VALID, F_PAIRED_SITE, F_COUNTY_VALID, F_CURRENT_YEAR, F_ANY_OTHER,
    F_ALL_OTHERS, F_COUNT_TUMORS, F_COUNT_OTHERS, F_PATIENT_CONSISTENT, F_TRIM, F_HAS_COUNTIES,
    F_SCHEMA_CODE_VALID, F_SCHEMA_REQUIRED, F_SS2018_CONSISTENT, F_SURGERY_CODE_VALID, F_AJCC_TNM_FORMAT, F_N
};

typedef struct {
    val lo, hi;
    gboolean range;
} in_entry;

typedef struct node node;
struct node {
    int op;
    int sub;              /* OP_CMP: CMP_*; OP_CALL: F_* */
    int n;
    node **kids;
    val v;                /* OP_CONST */
    /* OP_ITEM */
    int index;
    gboolean other, patient;
    const char *name;     /* naaccrId (resolved alternative) */
    const crtk_item *item;
    const crtk_code_table *list; /* the item's code list, or a call's explicit table */
    in_entry *entries;
    int n_entries;
};

/* The schema functions (edit_schema.c): schema_code_valid(item), schema_required(item),
 * ss2018_consistent(), surgery_code_valid(item).  Diagnoses before 2018 and tumors without one EOD
 * schema pass (surgery: before 2004, or no site table).  ajcc_tnm_format(item): the form of an AJCC
 * T, N or M category (prefix, letter, category), not its validity for the site. */
gboolean edit_schema_call(int fn, const node *item, edit_ctx *c);

struct edit_expr {
    node *root;
    GPtrArray *allocs;
    GStringChunk *strings;
};

#endif
