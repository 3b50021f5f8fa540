/* edit_expr.h — the rule language of crtk edits (private to the edit engine; see docs/edits.md).
 *
 * A rule is compiled once against a dictionary into a tree whose item
 * references are resolved to item indexes and whose table names are resolved
 * to tables, then evaluated for each tumor (or once per patient) without
 * allocating.
 */
#ifndef CRTK_EDIT_EXPR_H
#define CRTK_EDIT_EXPR_H

#include <glib.h>
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

/* State kept across records (edit P01: patients seen more than once). */
typedef struct edit_state edit_state;
edit_state *edit_state_new(void);
void edit_state_free(edit_state *s);
void edit_state_reset(edit_state *s);

typedef struct edit_ctx {
    const crtk_record *rec;
    const char *patient_id;  /* patientIdNumber of rec ("" when absent) */
    int tumor;               /* index of the current tumor, -1 for a patient-level edit */
    int other;               /* index of the tumor an aggregate is looking at, -1 outside */
    int today_y, today_m, today_d;
    edit_state *state;
    GString *detail;         /* words a function adds for {$detail} in the message */
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

#endif
