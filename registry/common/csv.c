/* csv.c — CSV (RFC 4180): the field writer and the streaming row reader with line numbers.
 * See include/crtk/csv.h. */
#include "csv_private.h"
#include "problem.h"

#include <string.h>

/* ---- writing ------------------------------------------------------------------------------- */

void crtk_csv_append(GString *out, const char *v, gssize len, gboolean first, unsigned flags)
{
    if (!first)
        g_string_append_c(out, ',');
    if (!v)
        return;
    size_t n = len < 0 ? strlen(v) : (size_t)len;
    gboolean formula = (flags & CRTK_CSV_FOR_PEOPLE) && n > 0 &&
                       (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
    gboolean quote = FALSE;
    for (size_t i = 0; i < n && !quote; i++)
        quote = v[i] == ',' || v[i] == '"' || v[i] == '\r' || v[i] == '\n';
    if ((flags & CRTK_CSV_QUOTE_SPACES) && n > 0 && (v[0] == ' ' || v[n - 1] == ' '))
        quote = TRUE;
    if (!quote) {
        if (formula)
            g_string_append_c(out, '\'');
        g_string_append_len(out, v, (gssize)n);
        return;
    }
    g_string_append_c(out, '"');
    if (formula)
        g_string_append_c(out, '\'');
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, v[i]);
    }
    g_string_append_c(out, '"');
}

void crtk_csv_append_field(GString *out, const char *v, gboolean first)
{
    crtk_csv_append(out, v, -1, first, 0);
}

void crtk_csv_append_for_people(GString *out, const char *v, gboolean first)
{
    crtk_csv_append(out, v, -1, first, CRTK_CSV_FOR_PEOPLE | CRTK_CSV_QUOTE_SPACES);
}

/* ---- the row reader ------------------------------------------------------------------------ */

void crtk_csv_row_init(crtk_csv_row *row)
{
    row->text = g_string_sized_new(8192);
    row->start = g_array_new(FALSE, FALSE, sizeof(size_t));
    row->len = g_array_new(FALSE, FALSE, sizeof(size_t));
    row->line = 0;
}

void crtk_csv_row_clear(crtk_csv_row *row)
{
    if (row->text)
        g_string_free(row->text, TRUE);
    if (row->start)
        g_array_free(row->start, TRUE);
    if (row->len)
        g_array_free(row->len, TRUE);
    memset(row, 0, sizeof *row);
}

static void end_field(crtk_csv_row *row, size_t *field_start)
{
    size_t len = row->text->len - *field_start;
    g_array_append_val(row->start, *field_start);
    g_array_append_val(row->len, len);
    g_string_append_c(row->text, '\0'); /* each field NUL-terminated */
    *field_start = row->text->len;
}

static void problem(crtk_csv_state *st, long line, long column, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void problem(crtk_csv_state *st, long line, long column, const char *fmt, ...)
{
    if (!st->problem)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *m = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    st->problem(line, column, m, st->user);
    g_free(m);
}

typedef enum { F_START, F_UNQUOTED, F_QUOTED, F_QUOTE_SEEN } field_state;

int crtk_csv_read_row(crtk_line_source *src, crtk_csv_state *st, crtk_csv_row *row, GError **error)
{
    g_string_truncate(row->text, 0);
    g_array_set_size(row->start, 0);
    g_array_set_size(row->len, 0);
    field_state fs = F_START;
    size_t field_start = 0;
    gboolean in_row = FALSE, bad_reported = FALSE, nul_reported = FALSE;
    for (;;) {
        const char *line;
        size_t len;
        int got = crtk_line_source_next(src, &line, &len);
        if (got < 0) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "line %ld: %s", st->line_no + 1, src->error->message);
            return -1;
        }
        if (got == 0) {
            if (!in_row)
                return 0;
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "line %ld: a quoted field that starts on line %ld is never closed (a missing \")", row->line,
                        row->line);
            return -1;
        }
        st->line_no++;
        if (!st->bom_checked) {
            st->bom_checked = TRUE;
            if (len >= 3 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
                (unsigned char)line[2] == 0xBF)
                line += 3, len -= 3;
        }
        if (!in_row) {
            if (len == 0 || (len == 1 && line[0] == '\r'))
                continue;
            in_row = TRUE;
            row->line = st->line_no;
        }
        gboolean cr = len && line[len - 1] == '\r';
        size_t n = cr ? len - 1 : len;
        if (st->report_nul && !nul_reported && memchr(line, 0, n)) {
            nul_reported = TRUE;
            const char *z = memchr(line, 0, n);
            problem(st, st->line_no, (long)(z - line) + 1, "a NUL byte (binary data) in the text");
        }
        for (size_t i = 0; i < n; i++) {
            char c = line[i];
            switch (fs) {
            case F_START:
                if (c == '"') {
                    fs = F_QUOTED;
                } else if (c == ',') {
                    end_field(row, &field_start);
                } else {
                    g_string_append_c(row->text, c);
                    fs = F_UNQUOTED;
                }
                break;
            case F_UNQUOTED:
                if (c == ',') {
                    end_field(row, &field_start);
                    fs = F_START;
                } else {
                    if (c == '"' && !bad_reported) {
                        bad_reported = TRUE;
                        problem(st, st->line_no, (long)i + 1,
                                "a double quote inside a field that does not start with one (field %u); quote the "
                                "field and double its quotes",
                                row->start->len + 1);
                    }
                    g_string_append_c(row->text, c);
                }
                break;
            case F_QUOTED:
                if (c == '"')
                    fs = F_QUOTE_SEEN;
                else
                    g_string_append_c(row->text, c);
                break;
            case F_QUOTE_SEEN:
                if (c == '"') {
                    g_string_append_c(row->text, '"');
                    fs = F_QUOTED;
                } else if (c == ',') {
                    end_field(row, &field_start);
                    fs = F_START;
                } else {
                    if (!bad_reported) {
                        bad_reported = TRUE;
                        problem(st, st->line_no, (long)i + 1,
                                "text after the closing quote of field %u (a quote inside a quoted field must be "
                                "doubled)",
                                row->start->len + 1);
                    }
                    g_string_append_c(row->text, c);
                    fs = F_UNQUOTED;
                }
                break;
            }
        }
        if (fs == F_QUOTED) {
            /* The line break belongs to the value. */
            if (cr)
                g_string_append_c(row->text, '\r');
            g_string_append_c(row->text, '\n');
            continue;
        }
        end_field(row, &field_start);
        return 1;
    }
}

/* ---- the public reader --------------------------------------------------------------------- */

struct crtk_csv_reader {
    crtk_line_source src;
    crtk_csv_state st;
    crtk_csv_row row;
    crtk_in *owned_in;
    char *name;
};

crtk_csv_reader *crtk_csv_reader_new(crtk_in *in, const char *name)
{
    crtk_csv_reader *r = g_new0(crtk_csv_reader, 1);
    r->src.in = in;
    r->src.cap = 1 << 16;
    r->src.buf = g_malloc(r->src.cap);
    r->st.report_nul = TRUE;
    r->name = g_strdup(name ? name : "");
    crtk_csv_row_init(&r->row);
    return r;
}

crtk_csv_reader *crtk_csv_reader_open(const char *path, GError **error)
{
    crtk_in *in = crtk_in_open(path, error);
    if (!in)
        return NULL;
    crtk_csv_reader *r = crtk_csv_reader_new(in, path);
    r->owned_in = in;
    return r;
}

void crtk_csv_reader_free(crtk_csv_reader *r)
{
    if (!r)
        return;
    if (r->src.error)
        g_error_free(r->src.error);
    g_free(r->src.buf);
    crtk_csv_row_clear(&r->row);
    if (r->owned_in)
        crtk_in_close(r->owned_in);
    g_free(r->name);
    g_free(r);
}

void crtk_csv_reader_set_problem_fn(crtk_csv_reader *r, crtk_csv_problem_fn fn, void *user)
{
    r->st.problem = fn;
    r->st.user = user;
}

int crtk_csv_reader_next(crtk_csv_reader *r, GError **error)
{
    GError *e = NULL;
    int got = crtk_csv_read_row(&r->src, &r->st, &r->row, &e);
    if (got < 0) {
        g_set_error(error, CRTK_ERROR, e->code, "%s: %s", r->name, e->message);
        g_error_free(e);
    }
    return got;
}

guint crtk_csv_reader_n_fields(const crtk_csv_reader *r)
{
    return r->row.start->len;
}

const char *crtk_csv_reader_field(const crtk_csv_reader *r, guint i, size_t *len)
{
    if (i >= r->row.start->len) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = g_array_index(r->row.len, size_t, i);
    return r->row.text->str + g_array_index(r->row.start, size_t, i);
}

long crtk_csv_reader_line(const crtk_csv_reader *r)
{
    return r->row.line;
}

long crtk_csv_reader_lines(const crtk_csv_reader *r)
{
    return r->st.line_no;
}

long long crtk_csv_reader_bytes(const crtk_csv_reader *r)
{
    return r->src.bytes;
}

/* ---- whole small files --------------------------------------------------------------------- */

typedef struct {
    char *first; /* the first problem, with its place */
    const char *name;
} read_all_ctx;

static void read_all_problem(long line, long column, const char *message, void *user)
{
    read_all_ctx *c = user;
    if (!c->first)
        c->first = g_strdup_printf("%s:%ld:%ld: %s", c->name, line, column, message);
}

GPtrArray *crtk_csv_read_all(const char *path, GArray **lines, GError **error)
{
    crtk_csv_reader *r = crtk_csv_reader_open(path, error);
    if (!r)
        return NULL;
    read_all_ctx c = {NULL, path};
    crtk_csv_reader_set_problem_fn(r, read_all_problem, &c);
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    GArray *starts = g_array_new(FALSE, FALSE, sizeof(int));
    int got;
    while ((got = crtk_csv_reader_next(r, error)) > 0 && !c.first) {
        guint n = crtk_csv_reader_n_fields(r);
        char **row = g_new0(char *, n + 1);
        gboolean any = FALSE;
        for (guint i = 0; i < n; i++) {
            row[i] = g_strstrip(g_strdup(crtk_csv_reader_field(r, i, NULL)));
            any = any || row[i][0];
        }
        if (!any && n <= 1) {
            g_strfreev(row);
            continue;
        }
        int line = (int)crtk_csv_reader_line(r);
        g_ptr_array_add(rows, row);
        g_array_append_val(starts, line);
    }
    if (got >= 0 && c.first) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s", c.first);
        got = -1;
    }
    g_free(c.first);
    crtk_csv_reader_free(r);
    if (got < 0) {
        g_ptr_array_unref(rows);
        g_array_unref(starts);
        return NULL;
    }
    if (lines)
        *lines = starts;
    else
        g_array_unref(starts);
    return rows;
}
