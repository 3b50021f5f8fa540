/* naaccr_csv.c — NAACCR data as CSV with naaccrId column names: reader and writer back end
 * (see naaccr_read.h and naaccr_write.h).
 *
 * The layout: a header row naming each column by naaccrId, then one row per
 * tumor; NaaccrData and Patient items are repeated on every row, and a patient
 * without tumors still gets one row.  Quoting follows RFC 4180: a field with a
 * comma, a double quote, CR or LF is quoted and its quotes doubled.  Text is
 * UTF-8; a byte-order mark at the start is skipped.
 *
 * Reading: the header row maps columns to items (a naaccrId, or an item
 * number); an unknown name is an error (a warning with ignore_unknown) and its
 * column is ignored, and so are duplicate columns and items outside the record
 * type.  The version is options->version, else the first row's
 * naaccrRecordVersion, else 260; the record type options->record_type, else
 * the first row's recordType, else I.  Consecutive rows with the same
 * non-blank patientIdNumber are one patient (unless no_grouping); NaaccrData
 * items come from the first row, Patient items from a patient's first row, and
 * a later row that disagrees is reported as a warning.  A row whose Tumor
 * columns are all empty adds no Tumor.  Values are kept exactly (no trimming);
 * an empty field is an absent item; a field that is not valid UTF-8 is taken
 * as Latin-1 and converted.  Empty lines are skipped.  A row with the wrong
 * number of fields is an error and is skipped; bad quoting is an error (the
 * text is kept as read), and a quote never closed is fatal.
 *
 * Writing: the columns are options->csv_columns (a comma list of naaccrIds,
 * each allowed for the record type), or else every item of the record type
 * in dictionary order: NaaccrData items, then Patient, then Tumor.  Values are
 * written as they are (no padding), except that recordType and
 * naaccrRecordVersion always hold the writer's record type and version, and
 * bytes that are not valid UTF-8 are taken as Latin-1.  Rows end with "\n".
 */
#include "naaccr_write.h"
#include "line_reader.h"
#include "csv_private.h"

#include <string.h>

/* ======================================================================== */
/* Reading                                                                  */
/* ======================================================================== */

typedef crtk_csv_row csv_row;

/* Grouping, problems and filling the record are line_reader.c's; this reader adds the CSV syntax and columns. */
typedef struct {
    crtk_line_reader b;
    crtk_csv_state csv;          /* the CSV syntax: csv.c */
    gboolean header_sent;
    int n_columns;
    long header_line;            /* line of the header row */
    const crtk_item **col_item;  /* per column: the item, or NULL when ignored */
    int *col_of;                 /* per item index: 1-based column, 0 if none */
} reader;

static void csv_problem(long line, long column, const char *message, void *user)
{
    reader *r = user;
    crtk_line_reader_problem(&r->b, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_SYNTAX, line, column, FALSE, NULL, "%s", message);
}

/* Reads the next non-empty row (csv.c).  Returns 1 for a row, 0 at the end, -1 when reading cannot go on. */
static int read_row(reader *r, csv_row *row)
{
    GError *error = NULL;
    r->csv.problem = csv_problem;
    r->csv.user = r;
    int got = crtk_csv_read_row(&r->b.src, &r->csv, row, &error);
    if (got < 0) {
        gboolean io = r->b.src.error != NULL;
        const char *m = error->message;
        if (!strncmp(m, "line ", 5)) { /* the place goes in the problem's own field */
            const char *colon = strstr(m, ": ");
            if (colon)
                m = colon + 2;
        }
        crtk_line_reader_problem(&r->b, CRTK_SEVERITY_FATAL, io ? CRTK_PROBLEM_IO : CRTK_PROBLEM_SYNTAX,
                                 io ? r->csv.line_no + 1 : row->line, 0, FALSE, NULL, "%s", m);
        g_error_free(error);
        return -1;
    }
    return r->b.aborted ? -1 : got;
}

static void send_header(reader *r)
{
    if (r->header_sent || r->b.aborted)
        return;
    r->header_sent = TRUE;
    if (r->b.h->header && r->b.h->header(r->b.header, r->b.user) == CRTK_ABORT)
        r->b.aborted = TRUE;
}

/* The value of column i of a row (NULL when the row is shorter). */
static const char *field(const csv_row *row, int i, size_t *len)
{
    if (i < 0 || (guint)i >= row->start->len)
        return NULL;
    *len = g_array_index(row->len, size_t, i);
    return row->text->str + g_array_index(row->start, size_t, i);
}

static int find_column(char **names, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], id))
            return i;
    return -1;
}

/* Decides version and record type, makes the dictionary and maps the columns.  FALSE when reading cannot go on. */
static gboolean setup(reader *r, char **names, const csv_row *first)
{
    int version = r->b.o->version;
    int vcol = find_column(names, r->n_columns, "naaccrRecordVersion");
    size_t len;
    const char *v = first && vcol >= 0 ? field(first, vcol, &len) : NULL;
    if (v && len) {
        char *s = g_strndup(v, len);
        int fv = crtk_naaccr_version_parse(s);
        if (!fv && !version)
            crtk_line_reader_problem(&r->b, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, first->line, vcol + 1, FALSE,
                                     "naaccrRecordVersion",
                                     "naaccrRecordVersion \"%s\" is not a NAACCR version crtk knows; read as %d", s,
                                     CRTK_NAACCR_CURRENT_VERSION);
        else if (fv && version && fv != version)
            crtk_line_reader_problem(&r->b, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_DICTIONARY, first->line, vcol + 1,
                                     FALSE, "naaccrRecordVersion",
                                     "the file says NAACCR version %d; read as %d as asked", fv, version);
        else if (!version)
            version = fv;
        g_free(s);
    }
    if (!version)
        version = CRTK_NAACCR_CURRENT_VERSION;
    unsigned rt = r->b.o->record_type;
    int rcol = find_column(names, r->n_columns, "recordType");
    v = first && rcol >= 0 ? field(first, rcol, &len) : NULL;
    if (v && len) {
        char *s = g_strndup(v, len);
        unsigned frt = crtk_record_type_parse(s);
        if (!frt && !rt)
            crtk_line_reader_problem(&r->b, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_RECORD_TYPE, first->line, rcol + 1, FALSE,
                                     "recordType", "recordType \"%s\" is not A, M, C or I; read as I", s);
        else if (frt && rt && frt != rt)
            crtk_line_reader_problem(&r->b, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_RECORD_TYPE, first->line, rcol + 1,
                                     FALSE, "recordType",
                                     "the file says record type %c; read as record type %c as asked",
                                     crtk_record_type_letter(frt), crtk_record_type_letter(rt));
        else if (!rt)
            rt = frt;
        g_free(s);
    }
    if (!rt)
        rt = CRTK_RT_I;
    r->b.record_type = rt;

    if (!crtk_line_reader_load_dictionary(&r->b, version, 0, 0))
        return FALSE;

    int n = crtk_dictionary_count(r->b.dict);
    r->col_of = g_new0(int, n);
    r->col_item = g_new0(const crtk_item *, r->n_columns);
    r->b.items = g_new(const crtk_item *, r->n_columns);
    crtk_severity unknown_sev = r->b.o->ignore_unknown ? CRTK_SEVERITY_WARNING : CRTK_SEVERITY_ERROR;
    for (int c = 0; c < r->n_columns && !r->b.aborted; c++) {
        const char *name = names[c];
        if (!*name) {
            crtk_line_reader_problem(&r->b, unknown_sev, CRTK_PROBLEM_UNKNOWN_ITEM, r->header_line, c + 1, FALSE, NULL,
                                     "column %d has no name; it is ignored", c + 1);
            continue;
        }
        const crtk_item *it = crtk_dictionary_lookup(r->b.dict, name);
        if (!it) {
            GString *hint = g_string_new(NULL);
            GPtrArray *sug = crtk_dictionary_suggest(r->b.dict, name, 3);
            if (sug->len) {
                g_string_append(hint, "; did you mean ");
                for (guint i = 0; i < sug->len; i++)
                    g_string_append_printf(hint, "%s%s", i ? (i + 1 == sug->len ? " or " : ", ") : "",
                                           (char *)g_ptr_array_index(sug, i));
                g_string_append_c(hint, '?');
            }
            g_ptr_array_free(sug, TRUE);
            crtk_line_reader_problem(&r->b, unknown_sev, CRTK_PROBLEM_UNKNOWN_ITEM, r->header_line, c + 1, FALSE, name,
                                     "unknown column: NAACCR %d has no naaccrId \"%s\"%s; the column is ignored",
                                     version, name, hint->str);
            g_string_free(hint, TRUE);
            continue;
        }
        if (!(it->record_types & rt)) {
            char buf[8];
            crtk_line_reader_problem(&r->b, unknown_sev, CRTK_PROBLEM_RECORD_TYPE, r->header_line, c + 1, FALSE, it->id,
                                     "%s is not part of record type %c (only %s); the column is ignored", it->id,
                                     crtk_record_type_letter(rt), crtk_record_types_format(it->record_types, buf));
            continue;
        }
        if (r->col_of[it->index]) {
            crtk_line_reader_problem(&r->b, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DUPLICATE_ITEM, r->header_line, c + 1,
                                     FALSE, it->id, "%s is also column %d; this column is ignored", it->id,
                                     r->col_of[it->index]);
            continue;
        }
        r->col_of[it->index] = c + 1;
        r->col_item[c] = it;
        r->b.items[r->b.n_items++] = it;
    }
    r->b.col_of = r->col_of;
    crtk_line_reader_prepare(&r->b, r->header_line);
    return !r->b.aborted;
}

/* Puts a row's values into the line reader's values.  FALSE (reported) when the row has the wrong number of fields. */
static gboolean split_row(reader *r, const csv_row *row)
{
    if ((int)row->start->len != r->n_columns) {
        crtk_line_reader_problem(
            &r->b, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_SYNTAX, row->line, 0, FALSE, NULL,
            "the row on line %ld has %u fields, but the header row has %d columns; the row is skipped", row->line,
            row->start->len, r->n_columns);
        return FALSE;
    }
    crtk_line_reader_clear_values(&r->b);
    for (int c = 0; c < r->n_columns; c++) {
        const crtk_item *it = r->col_item[c];
        size_t len = 0;
        const char *v = field(row, c, &len);
        if (!it || !len)
            continue;
        gboolean stable = TRUE; /* the row's text stays until the next row */
        if (!g_utf8_validate_len(v, len, NULL)) {
            v = crtk_line_reader_latin1(&r->b, v, &len); /* not UTF-8: taken as Latin-1 */
            stable = FALSE;                               /* (into a buffer the next field reuses) */
        }
        crtk_line_reader_set_value(&r->b, it, v, len, stable, row->line, c + 1);
    }
    return TRUE;
}

int crtk_naaccr_csv_read(crtk_in *in, const char *name, const crtk_read_options *options,
                         const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats)
{
    reader r = {0};
    crtk_line_reader *b = &r.b;
    crtk_line_reader_begin(b, in, name, options, handlers, user, stats);
    b->rows = TRUE;
    csv_row row = {g_string_sized_new(8192), g_array_new(FALSE, FALSE, sizeof(size_t)),
                   g_array_new(FALSE, FALSE, sizeof(size_t)), 0};
    char **names = NULL;
    int result = 0;

    int got = read_row(&r, &row);
    if (got <= 0) {
        result = got;
        goto done;
    }
    r.n_columns = (int)row.start->len;
    r.header_line = row.line;
    names = g_new0(char *, r.n_columns + 1);
    for (int c = 0; c < r.n_columns; c++) {
        size_t len;
        const char *v = field(&row, c, &len);
        names[c] = g_strstrip(g_strndup(v, len));
    }
    got = read_row(&r, &row);
    if (got < 0) {
        result = -1;
        goto done;
    }
    if (!setup(&r, names, got ? &row : NULL)) {
        result = b->aborted && !b->st->fatal ? 1 : -1;
        goto done;
    }
    gboolean first = TRUE;
    while (got > 0 && !b->aborted) {
        if (split_row(&r, &row)) {
            if (first) {
                crtk_line_reader_take_root(b);
                send_header(&r);
            }
            if (b->aborted)
                break;
            crtk_line_reader_group(b, row.line);
            if (b->aborted)
                break;
            crtk_line_reader_fill(b, row.line, first);
            first = FALSE;
        }
        if (b->aborted)
            break;
        got = read_row(&r, &row);
        if (got < 0)
            result = -1;
    }
    if (result == 0 && !b->aborted) {
        send_header(&r);
        crtk_line_reader_emit_patient(b);
    }
done:
    if (b->aborted && result == 0)
        result = 1;
    if (result == -1 && !b->st->fatal)
        result = 1; /* stopped by a handler while reading a row */
    b->st->aborted = result == 1;
    g_string_free(row.text, TRUE);
    g_array_free(row.start, TRUE);
    g_array_free(row.len, TRUE);
    g_strfreev(names);
    g_free(r.col_item);
    g_free(r.col_of);
    crtk_line_reader_end(b);
    return result;
}

/* ======================================================================== */
/* Writing                                                                  */
/* ======================================================================== */

typedef struct {
    const crtk_item **cols;
    int n_cols;
    int rt_index, version_index;   /* recordType / naaccrRecordVersion, -1 when absent */
    char rt_text[2], version_text[8];
    GString *buf;
} csv_state;

static gboolean parse_columns(crtk_writer *w, csv_state *s, GError **error)
{
    int n = crtk_dictionary_count(w->dict);
    s->cols = g_new(const crtk_item *, n);
    if (!w->options.csv_columns) {
        for (int l = CRTK_LEVEL_ROOT; l <= CRTK_LEVEL_TUMOR; l++)
            for (int i = 0; i < n; i++) {
                const crtk_item *it = crtk_dictionary_item(w->dict, i);
                if ((int)it->level == l && (it->record_types & w->record_type))
                    s->cols[s->n_cols++] = it;
            }
        return TRUE;
    }
    gboolean *used = g_new0(gboolean, n);
    gchar **ids = g_strsplit(w->options.csv_columns, ",", -1);
    gboolean ok = TRUE;
    for (gchar **p = ids; *p && ok; p++) {
        const char *id = g_strstrip(*p);
        if (!*id)
            continue;
        const crtk_item *it = crtk_dictionary_find(w->dict, id);
        if (!it) {
            GString *hint = g_string_new(NULL);
            GPtrArray *sug = crtk_dictionary_suggest(w->dict, id, 3);
            for (guint i = 0; i < sug->len; i++)
                g_string_append_printf(hint, "%s%s", i ? (i + 1 == sug->len ? " or " : ", ") : "; did you mean ",
                                       (char *)g_ptr_array_index(sug, i));
            if (sug->len)
                g_string_append_c(hint, '?');
            g_ptr_array_free(sug, TRUE);
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "CSV column %s: NAACCR %d has no such naaccrId%s", id,
                        crtk_dictionary_version(w->dict), hint->str);
            g_string_free(hint, TRUE);
            ok = FALSE;
        } else if (!(it->record_types & w->record_type)) {
            char buf[8];
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                        "CSV column %s is not part of record type %c (only %s)", id,
                        crtk_record_type_letter(w->record_type), crtk_record_types_format(it->record_types, buf));
            ok = FALSE;
        } else if (used[it->index]) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "CSV column %s is named twice", id);
            ok = FALSE;
        } else {
            used[it->index] = TRUE;
            s->cols[s->n_cols++] = it;
        }
    }
    if (ok && s->n_cols == 0) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "no CSV columns given");
        ok = FALSE;
    }
    g_strfreev(ids);
    g_free(used);
    return ok;
}

static gboolean csv_begin(crtk_writer *w, GError **error)
{
    csv_state *s = g_new0(csv_state, 1);
    w->state = s;
    s->buf = g_string_sized_new(1 << 16);
    if (!parse_columns(w, s, error))
        return FALSE;
    const crtk_item *rt = crtk_dictionary_find(w->dict, "recordType");
    const crtk_item *ver = crtk_dictionary_find(w->dict, "naaccrRecordVersion");
    s->rt_index = rt ? rt->index : -1;
    s->version_index = ver ? ver->index : -1;
    s->rt_text[0] = crtk_record_type_letter(w->record_type);
    g_snprintf(s->version_text, sizeof s->version_text, "%d", crtk_dictionary_version(w->dict));
    for (int c = 0; c < s->n_cols; c++) {
        if (c)
            g_string_append_c(s->buf, ',');
        g_string_append(s->buf, s->cols[c]->id);
    }
    g_string_append_c(s->buf, '\n');
    crtk_out_write(w->out, s->buf->str, s->buf->len);
    g_string_truncate(s->buf, 0);
    return TRUE;
}

static void append_value(GString *b, const char *v, size_t len)
{
    if (!g_utf8_validate_len(v, len, NULL)) {
        GString *u = g_string_sized_new(len * 2);
        for (size_t i = 0; i < len; i++)
            g_string_append_unichar(u, (unsigned char)v[i]);
        append_value(b, u->str, u->len);
        g_string_free(u, TRUE);
        return;
    }
    crtk_csv_append(b, v, (gssize)len, TRUE, 0);
}

static void write_row(crtk_writer *w, csv_state *s, const crtk_record *r, const crtk_element *tumor)
{
    for (int c = 0; c < s->n_cols; c++) {
        const crtk_item *it = s->cols[c];
        if (c)
            g_string_append_c(s->buf, ',');
        if (it->index == s->rt_index) {
            g_string_append(s->buf, s->rt_text);
            continue;
        }
        if (it->index == s->version_index) {
            g_string_append(s->buf, s->version_text);
            continue;
        }
        const crtk_element *e = it->level == CRTK_LEVEL_ROOT ? &w->header->root
                                : it->level == CRTK_LEVEL_PATIENT ? &r->patient
                                                                  : tumor;
        size_t len;
        const char *v = e ? crtk_element_get(e, it->index, &len) : NULL;
        if (v)
            append_value(s->buf, v, len);
    }
    g_string_append_c(s->buf, '\n');
}

static gboolean csv_record(crtk_writer *w, const crtk_record *r, GError **error)
{
    (void)error;
    csv_state *s = w->state;
    if (r->n_tumors == 0)
        write_row(w, s, r, NULL);
    for (int i = 0; i < r->n_tumors; i++)
        write_row(w, s, r, &r->tumors[i]);
    if (s->buf->len >= (1 << 15)) {
        crtk_out_write(w->out, s->buf->str, s->buf->len);
        g_string_truncate(s->buf, 0);
    }
    return TRUE;
}

static gboolean csv_end(crtk_writer *w, GError **error)
{
    (void)error;
    csv_state *s = w->state;
    crtk_out_write(w->out, s->buf->str, s->buf->len);
    g_string_truncate(s->buf, 0);
    return TRUE;
}

static void csv_free(crtk_writer *w)
{
    csv_state *s = w->state;
    if (!s)
        return;
    g_free(s->cols);
    g_string_free(s->buf, TRUE);
    g_free(s);
    w->state = NULL;
}

const crtk_writer_ops crtk_csv_writer_ops = {csv_begin, csv_record, csv_end, csv_free};
