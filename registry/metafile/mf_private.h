/* mf_private.h — what the files of registry/metafile/ share: the metafile as read, the compiled
 * program (tree) of an edit, lookup tables, patterns. */
#ifndef CRTK_MF_PRIVATE_H
#define CRTK_MF_PRIVATE_H

#include <stdint.h>
#include <sqlite3.h>
#include "crtk/metafile.h"

/* ---- constants ---------------------------------------------------------------- */
#define MF_DT_MIN 1
#define MF_DT_MAX 2
#define MF_DT_EXACT 3
#define MF_DT_EMPTY 1073741823
#define MF_DT_ERROR 1879048191
#define MF_DT_UNKNOWN 2147483647
#define MF_DT_DAY_EMPTY 805306367
#define MF_DT_MONTH_EMPTY 536870911
#define MF_SENTINEL MF_DT_MONTH_EMPTY

/* ---- patterns (mf_pattern.c) ---------------------------------------------------- */
typedef struct mf_pattern mf_pattern;
mf_pattern *mf_pattern_compile(const char *text, size_t len);
void mf_pattern_free(mf_pattern *p);
gboolean mf_pattern_match(const mf_pattern *p, const char *s, size_t len);

/* ---- lookup tables (mf_smf.c) ----------------------------------------------------- */
typedef struct mf_table {
    char *name;              /* upper-cased */
    int n_cols;
    char **cols;             /* upper-cased column names (PKey excluded) */
    int *col_size;           /* declared size, 0 unknown */
    int n_rows;
    char **cells;            /* n_rows * n_cols, never NULL ("" for NULL) */
    gboolean loaded;
    char *load_error;        /* why its rows could not be read (every later use fails with it) */
    GHashTable *indexes;     /* "COL1,COL2" -> mf_index* */
} mf_table;

typedef struct mf_index {
    int n;
    char **keys;             /* sorted keys (right-trimmed concatenations) */
    int *rows;               /* row of each key */
} mf_index;

/* Loads a table's rows (once; a prepared statement on the metafile's own table). */
mf_table *mf_table_get(crtk_metafile *mf, const char *name, GError **error);
/* The index on a comma-separated list of columns (built once, cached). NULL if a column is unknown. */
mf_index *mf_table_index(mf_table *t, const char *cols, GError **error);
int mf_table_col(const mf_table *t, const char *col);

/* ---- the metafile (mf_smf.c) ------------------------------------------------------- */
typedef struct mf_field {
    int pkey;
    int number;
    char *name;
    int length;
    gboolean is_date;
} mf_field;

typedef struct mf_edit {
    crtk_mf_edit_info info;
    int pkey;
    int message_pkey;
    GPtrArray *field_names;  /* char* NULL-terminated -> info.fields */
    GArray *field_numbers;   /* int */
    GArray *field_pkeys;     /* int (EE_Fields.PKey in FieldOrder) */
    GPtrArray *tables;       /* char* NULL-terminated */
    GArray *message_pkeys;   /* int */
    char *sets;
} mf_edit;

struct crtk_metafile {
    char *path, *base;
    sqlite3 *db;
    GHashTable *control;     /* ItemName -> ItemValue */
    GPtrArray *edits;        /* mf_edit* */
    GHashTable *edit_by_tag; /* upper tag -> mf_edit* */
    GPtrArray *sets;         /* crtk_mf_set_info* (strings owned by set_strings) */
    GPtrArray *set_strings;
    GHashTable *set_members; /* set PKey -> GArray of edit pkeys */
    GArray *set_pkeys;
    GHashTable *fields;      /* PKey -> mf_field* */
    GHashTable *field_by_name; /* upper name -> mf_field* */
    GHashTable *messages;    /* PKey -> char* */
    GHashTable *message_by_number; /* number -> char* */
    GHashTable *message_number_pkey; /* PKey -> number */
    GPtrArray *agencies;     /* char* NULL-terminated */
    GPtrArray *table_list;   /* char* NULL-terminated */
    GHashTable *tables;      /* upper name -> mf_table* (declared in EE_LookupTables) */
    int today_y, today_m, today_d;
    char today[9];
    long step_limit;
    crtk_mf_dll_fn dll_fn;
    void *dll_user;
};

/* Message text by MessageNumber, preferring the edit's own list (NULL when unknown). */
const char *mf_message_by_number(const crtk_metafile *mf, const mf_edit *e, int number);

/* ---- compiled programs (mf_compile.c, mf_exec.c) ---------------------------------- */
typedef enum { MF_T_INT, MF_T_STR, MF_T_VOID } mf_type;

typedef struct mf_node mf_node;
struct mf_node {
    int kind;
    int line;
    int op;                  /* operator token, builtin id, ... */
    int32_t ival;            /* literal value, variable slot, field slot */
    char *str;               /* literal or name */
    int slen;
    mf_type type;
    mf_node **kids;
    int nkids;
    void *aux;               /* pattern, lookup binding, local function */
};

typedef struct mf_var {
    char *name;
    gboolean is_char;        /* char array / tablevar */
    gboolean is_tablevar;
    int size;                /* array size */
    int offset;              /* into the char memory, or int slot */
    int func;                /* -1 global, else local function index */
} mf_var;

typedef struct mf_slot_field {
    char *name;              /* as in the logic or EE_Fields */
    int item;                /* dictionary item index, -1 when absent */
    const char *item_id;
    int width;
    gboolean is_date;
} mf_slot_field;

typedef struct mf_func {
    char *name;
    mf_node *body;
    int *locals;             /* var indexes declared inside */
    int n_locals;
    int line;
} mf_func;

typedef struct mf_program {
    mf_node *body;           /* block */
    GPtrArray *nodes;        /* every node (ownership) */
    GPtrArray *vars;         /* mf_var* */
    GPtrArray *funcs;        /* mf_func* */
    GPtrArray *fields;       /* mf_slot_field* */
    int n_ints;
    int char_bytes;
    gboolean uses_dll;
    char *dll_reason;        /* why it cannot run (unsupported DLL), NULL if it can */
} mf_program;

typedef struct mf_compile_ctx {
    crtk_metafile *mf;       /* may be NULL */
    const mf_edit *edit;     /* may be NULL (eval): any EE_Fields / dictionary name */
    crtk_dictionary *dict;   /* may be NULL */
    const char *edit_name;   /* for messages */
} mf_compile_ctx;

mf_program *mf_compile(const mf_compile_ctx *ctx, const char *text, GError **error);
void mf_program_free(mf_program *p);

/* Run state of one edit run. */
typedef struct mf_run {
    crtk_metafile *mf;
    const mf_edit *edit;
    const mf_program *prog;
    int32_t *ints;
    char *chars;
    char **field_values;     /* per program field: padded value */
    int *field_lens;
    GString *arena;          /* scratch for string results (reset per statement) */
    GPtrArray *tmp;          /* scratch strings freed at the end */
    long steps;
    long mf_step_limit;
    int future_years;
    gboolean has_future;
    const char *date_component;
    gboolean failing;
    gboolean warned;
    char *message;           /* replaced message (owned) or NULL */
    GPtrArray *extra;        /* char* */
    int returned;            /* -1 not returned, else return value */
    int return_msg;          /* message number of `return N;` or 0 */
    gboolean error;
    char *error_text;
    int depth;
} mf_run;

void mf_run_init(mf_run *r, crtk_metafile *mf, const mf_edit *edit, const mf_program *prog);
void mf_run_clear(mf_run *r);
/* Executes the program; r->returned etc. hold the outcome. */
void mf_exec(mf_run *r);
/* Value of a variable as eval prints it. */
void mf_run_var_text(const mf_run *r, const mf_var *v, GString *out);
/* Renders %Fn, %Vn, %DC in text. */
char *mf_render_message(const mf_run *r, const char *text);

/* mf_csdll.c: the CS DLL calls answered by crtk's CS algorithm */
#define MF_DLL_NO_TEXT "\x01" /* what out holds until a DLL handler assigns a text result */
gboolean mf_cs_dll_method_known(const char *method);

#endif
