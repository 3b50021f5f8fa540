/* csv_private.h — the CSV row reader that both the public crtk_csv_reader (csv.h) and the NAACCR
 * CSV codec (naaccr_csv.c, over its own line source) run.  Private to libcrtk. */
#ifndef CRTK_CSV_PRIVATE_H
#define CRTK_CSV_PRIVATE_H

#include "csv.h"
#include "line_reader.h"

/* One CSV row: the fields' text back to back (each followed by a NUL), with offsets and lengths. */
typedef struct crtk_csv_row {
    GString *text;
    GArray *start, *len;   /* size_t per field */
    long line;             /* line where the row starts */
} crtk_csv_row;

typedef struct crtk_csv_state {
    long line_no;              /* last physical line read */
    gboolean bom_checked;
    gboolean report_nul;       /* a NUL byte in a field is a problem */
    crtk_csv_problem_fn problem;
    void *user;
} crtk_csv_state;

void crtk_csv_row_init(crtk_csv_row *row);
void crtk_csv_row_clear(crtk_csv_row *row);
/* Reads the next non-empty row from src: 1 a row, 0 the end, -1 cannot go on (error set: the read
 * error, or a quoted field never closed).  Problems that do not stop go to st->problem. */
int crtk_csv_read_row(crtk_line_source *src, crtk_csv_state *st, crtk_csv_row *row, GError **error);

#endif
