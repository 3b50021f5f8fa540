/* mf_builtins.h — the node kinds of a compiled edit and the table of GenEDITS built-in functions
 * (name, arguments, result) shared by the compiler and the interpreter. */
#ifndef CRTK_MF_BUILTINS_H
#define CRTK_MF_BUILTINS_H

#include "mf_private.h"

enum {
    N_INT = 1, N_STR, N_TODAY, N_VAR, N_FIELD, N_CALL, N_LCALL, N_UN, N_BIN, N_AND, N_OR,
    S_BLOCK = 40, S_EMPTY, S_DECL, S_ASSIGN, S_ASSIGN_ELEM, S_EXPR, S_RETURN, S_IF, S_WHILE
};

enum {
    B_EMPTY = 1, B_VAL, B_STRLEN, B_JUSTIFIED, B_INLIST, B_MATCH, B_TRIM, B_SUBSTR, B_LEFT, B_RIGHT,
    B_UPPER, B_LOWER, B_STRCPY, B_STRCAT, B_STRCMP, B_AT, B_FMTSTR,
    B_VALID_DATE, B_ALLOW_FUTURE, B_DATE_YEAR, B_DATE_MONTH, B_DATE_DAY, B_DATECMP, B_DAYDIFF,
    B_MONTHDIFF, B_YEARDIFF, B_YEARINTERVAL, B_MONTHINTERVAL, B_DAYINTERVAL,
    B_ERROR_MSG, B_ERROR_TEXT, B_SAVE_TEXT, B_SAVE_ERROR_TEXT, B_SET_ERROR, B_SAVE_WARNING_TEXT,
    B_SET_WARNING, B_USR2, B_USR4, B_EXTERNALDLL,
    B_LOOKUP, B_ILOOKUP, B_RLOOKUP, B_SQLLOOKUP, B_SQLRANGELOOKUP,
    B_UNSUPPORTED
};

enum {
    OP_NEG = 1, OP_NOT, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE,
    OP_SEQ, OP_SNE   /* string equality */
};

typedef struct mf_builtin {
    const char *name;
    int id;
    int min_args, max_args;      /* max -1: any number */
    const char *args;            /* per argument: v value, s string, i integer, t char variable,
                                    L literal, n message (number or text); the last repeats */
    mf_type ret;
    const char *unsupported;     /* reason, or NULL */
} mf_builtin;

const mf_builtin *mf_builtin_find(const char *name);
/* Every built-in function, terminated by a NULL name (for --help and tests). */
const mf_builtin *mf_builtins(void);

typedef struct mf_lookup {
    mf_table *table;
    mf_index *index;
    int n_tv;
    int *tv_var;                 /* tablevar variable indexes */
    int *tv_col;                 /* their columns */
} mf_lookup;

#endif
