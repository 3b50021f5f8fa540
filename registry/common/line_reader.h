/* line_reader.h — records from lines: what the flat (fixed-width) and CSV readers share.
 *
 * Both readers turn lines (a flat line, a CSV row) into patients the same way:
 * consecutive lines with the same non-blank patientIdNumber are one patient
 * (unless no_grouping); NaaccrData items come from the file's first line and
 * Patient items from a patient's first line, and a later line that disagrees is
 * a warning (the first value is kept); a line whose Tumor items are all absent
 * adds no Tumor.  This header holds that shared state and its steps: the
 * buffered line source, problem reporting with the patient's context, value
 * checks, grouping, filling the record, the dictionary and record set-up, and
 * the clean-up.  Each reader keeps only its own layout (columns or CSV fields).
 *
 * Private to naaccr_flat.c and naaccr_csv.c; the public API is naaccr_read.h.
 */
#ifndef CRTK_LINE_READER_H
#define CRTK_LINE_READER_H

#include "naaccr_read.h"

/* Physical lines from a crtk_in, read in large blocks. */
typedef struct crtk_line_source {
    crtk_in *in;
    char *buf;
    size_t cap, start, end, scanned;
    gboolean eof;
    GError *error;
    long long bytes;
} crtk_line_source;

/* Next physical line (without its "\n"); the pointer is valid until the next call.
 * Returns 1 for a line, 0 at the end, -1 on a read error (src->error set). */
int crtk_line_source_next(crtk_line_source *src, const char **line, size_t *len);

/* The state a flat or CSV reader shares. */
typedef struct crtk_line_reader {
    const char *name;
    const crtk_read_options *o;
    const crtk_read_handlers *h;
    void *user;
    crtk_read_stats *st;
    crtk_read_options defaults;  /* o points here when the caller gave no options */
    crtk_read_stats local_stats; /* st points here when the caller wants no stats */
    gboolean aborted;
    gboolean rows;               /* messages speak of rows (CSV), not lines (flat) */
    crtk_line_source src;
    crtk_dictionary *dict;
    crtk_header *header;
    crtk_record *rec;
    unsigned record_type;
    const crtk_item **items;     /* the items a line holds (the reader's order) */
    int n_items;
    const int *col_of;           /* per item index: its column (CSV); NULL: the item's start column (flat) */
    const crtk_item *pid_item;   /* NULL when lines do not hold patientIdNumber */
    int *pos_of;                 /* per item index: its position in items (-1: none); made by prepare */
    guint8 *level_at;            /* per position: the item's crtk_level */
    int *shared;                 /* positions of the NaaccrData and Patient items in items, ascending */
    int n_shared;
    /* The current line's values, by position in items.  A value stays where the reader has it (the
     * line, the CSV row) when it is stable until the next line; otherwise it is copied into
     * val_arena. */
    const char **val_ptr;        /* the value, or NULL when it is in val_arena */
    guint32 *val_off;            /* offset in val_arena of a copied value */
    guint32 *val_len;            /* 0: the line leaves the item blank */
    int *val_set;                /* NaaccrData and Patient positions that hold a value */
    int n_val_set;
    int *tum_set;                /* Tumor positions that hold a value, in the order they were set */
    int n_tum_set;
    gboolean val_unordered;      /* a Tumor value was set before one at a lower position */
    GString *val_arena;
    GString *conv;               /* text converted from Latin-1 */
    /* grouping */
    gboolean have_patient;       /* rec holds a patient not yet handed over */
    int lines_in_group;
    long group_line;             /* first line of the current patient */
    guint8 *root_reported;       /* per item: NaaccrData inconsistency already reported */
    /* context of problems */
    long ctx_patient;
    const char *ctx_pid;
    int ctx_tumor;
} crtk_line_reader;

/* Sets up r for a read (options and stats may be NULL); clears *stats. */
void crtk_line_reader_begin(crtk_line_reader *r, crtk_in *in, const char *name, const crtk_read_options *options,
                            const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats);
/* Frees what r holds; stats->bytes gets the bytes read. */
void crtk_line_reader_end(crtk_line_reader *r);

/* Reports a problem; in_patient: it carries the current patient and tumor. */
void crtk_line_reader_problem(crtk_line_reader *r, crtk_severity sev, crtk_problem_code code, long line, long col,
                              gboolean in_patient, const char *item, const char *fmt, ...) G_GNUC_PRINTF(8, 9);

/* Makes r->dict for version with the user dictionaries that fit it.  FALSE (a fatal problem reported
 * at line, col) when it cannot. */
gboolean crtk_line_reader_load_dictionary(crtk_line_reader *r, int version, long line, long col);
/* After the dictionary, record type and r->items are known: makes the header, record and value store.
 * header_line: the line the header's values come from. */
void crtk_line_reader_prepare(crtk_line_reader *r, long header_line);

/* The item's column in messages. */
long crtk_line_reader_column(const crtk_line_reader *r, const crtk_item *it);
/* Forgets the previous line's values. */
void crtk_line_reader_clear_values(crtk_line_reader *r);
/* Sets the line's value of it (an item of r->items).  stable: v stays valid and unchanged until the
 * next line (it is not copied).  A NUL byte becomes a blank (reported as an error).  Filling is
 * fastest when values are set in the order of r->items. */
void crtk_line_reader_set_value(crtk_line_reader *r, const crtk_item *it, const char *v, size_t len, gboolean stable,
                                long line, long col);
/* crtk_line_reader_set_value() for a reader that knows more: the value at position k (len > 0, no NUL
 * byte, stable), set in the order of r->items. */
static inline void crtk_line_reader_put(crtk_line_reader *r, int k, const char *v, size_t len)
{
    r->val_ptr[k] = v;
    r->val_len[k] = (guint32)len;
    /* onto one list or the other, without a branch */
    int tumor = r->level_at[k] == CRTK_LEVEL_TUMOR;
    r->tum_set[r->n_tum_set] = k;
    r->val_set[r->n_val_set] = k;
    r->n_tum_set += tumor;
    r->n_val_set += !tumor;
}
/* Converts Latin-1 text to UTF-8 in r->conv and returns it. */
const char *crtk_line_reader_latin1(crtk_line_reader *r, const char *v, size_t *len);
/* Copies the NaaccrData values of the current line into the header (for the file's first line). */
void crtk_line_reader_take_root(crtk_line_reader *r);

/* Starts a new patient or adds the line to the current one, and sets the context of problems. */
void crtk_line_reader_group(crtk_line_reader *r, long line);
/* Checks the line's values and puts its Tumor items into the record.  first: the file's first line. */
void crtk_line_reader_fill(crtk_line_reader *r, long line, gboolean first);
/* Hands the patient being read to the handler. */
void crtk_line_reader_emit_patient(crtk_line_reader *r);

#endif
