/* csv.h — CSV (RFC 4180): one streaming reader with line numbers and one field writer, used by
 * the NAACCR CSV codec, follow-up posting, the physician file, `crtk sql` and the edits output.
 *
 * Reading: fields are separated by commas; a field that starts with a double quote runs to the
 * next lone quote ("" is a quote) and may hold commas and line breaks; rows end with LF or
 * CRLF; a UTF-8 byte-order mark at the start is skipped; empty lines between rows are skipped.
 * Every row knows the line it starts on.  Problems that do not stop reading (a quote inside an
 * unquoted field, text after a closing quote, a NUL byte) go to the problem callback with their
 * line and column (in bytes, 1-based); an unclosed quote at the end and read errors stop it.
 */
#ifndef CRTK_CSV_H
#define CRTK_CSV_H

#include "export.h"

#include <glib.h>
#include "io.h"

/* ---- writing ------------------------------------------------------------------------------- */

/* Flags of crtk_csv_append(). */
enum {
    CRTK_CSV_FOR_PEOPLE = 1 << 0,     /* a sheet a person opens in a spreadsheet: a cell that starts with
                                         = + - @, a tab or a carriage return is prefixed with ' so it is
                                         never taken for a formula (CSV injection) */
    CRTK_CSV_QUOTE_SPACES = 1 << 1    /* quote a value that starts or ends with a space (spreadsheets
                                         would trim it) */
};

/* Appends one field: a comma first unless first, then v (len bytes, or up to its NUL when len < 0),
 * quoted when it holds a comma, a quote or a line break (quotes doubled).  NULL is an empty field.
 * Without CRTK_CSV_FOR_PEOPLE the bytes are written exactly as given. */
CRTK_API void crtk_csv_append(GString *out, const char *v, gssize len, gboolean first, unsigned flags);
/* crtk_csv_append(out, v, -1, first, 0): exact, for data files. */
CRTK_API void crtk_csv_append_field(GString *out, const char *v, gboolean first);
/* crtk_csv_append(out, v, -1, first, CRTK_CSV_FOR_PEOPLE | CRTK_CSV_QUOTE_SPACES): for due lists,
 * mail-merge files and other sheets people open. */
CRTK_API void crtk_csv_append_for_people(GString *out, const char *v, gboolean first);

/* ---- reading ------------------------------------------------------------------------------- */

typedef struct crtk_csv_reader crtk_csv_reader;

/* A problem that does not stop reading: line and column (1-based; column in bytes) and a message. */
typedef void (*crtk_csv_problem_fn)(long line, long column, const char *message, void *user);

/* A reader over in (borrowed: close it after the reader).  name is used in messages. */
CRTK_API crtk_csv_reader *crtk_csv_reader_new(crtk_in *in, const char *name);
/* Reads a file ("-" is standard input; gzip is detected); NULL with error when it cannot be opened. */
CRTK_API crtk_csv_reader *crtk_csv_reader_open(const char *path, GError **error);
CRTK_API void crtk_csv_reader_free(crtk_csv_reader *r);
CRTK_API void crtk_csv_reader_set_problem_fn(crtk_csv_reader *r, crtk_csv_problem_fn fn, void *user);

/* Reads the next row: 1 a row, 0 the end, -1 reading cannot go on (error set: an I/O error or a
 * quoted field never closed, with its line). */
CRTK_API int crtk_csv_reader_next(crtk_csv_reader *r, GError **error);
/* The current row: its number of fields, field i (NUL-terminated, owned by the reader, valid until
 * the next call; *len its length in bytes, NULs included), the line it starts on. */
CRTK_API guint crtk_csv_reader_n_fields(const crtk_csv_reader *r);
CRTK_API const char *crtk_csv_reader_field(const crtk_csv_reader *r, guint i, size_t *len);
CRTK_API long crtk_csv_reader_line(const crtk_csv_reader *r);
/* The number of the last line read, and the bytes read so far. */
CRTK_API long crtk_csv_reader_lines(const crtk_csv_reader *r);
CRTK_API long long crtk_csv_reader_bytes(const crtk_csv_reader *r);

/* Reads a whole small CSV file (a posting file, a physician directory) into rows: a GPtrArray of
 * NULL-terminated string vectors (fields with surrounding blanks removed; empty rows left out), and
 * in *lines (may be NULL) a GArray of int: the line each row starts on.  Any problem — a stray quote,
 * a NUL byte, an unclosed quote — is an error naming the file and line: such files are all or
 * nothing.  Free with g_ptr_array_unref and g_array_unref. */
CRTK_API GPtrArray *crtk_csv_read_all(const char *path, GArray **lines, GError **error);

#endif
