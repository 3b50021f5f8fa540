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

#include <string.h>

/* ======================================================================== */
/* Reading                                                                  */
/* ======================================================================== */

typedef struct {
    crtk_in *in;
    char *buf;
    size_t cap, start, end, scanned;
    gboolean eof;
    GError *error;
    long long bytes;
} line_reader;

/* Next physical line (without its "\n"); valid until the next call.  1 line, 0 end, -1 read error. */
static int next_line(line_reader *lr, const char **line, size_t *len)
{
    for (;;) {
        char *nl = lr->scanned < lr->end ? memchr(lr->buf + lr->scanned, '\n', lr->end - lr->scanned) : NULL;
        if (nl) {
            *line = lr->buf + lr->start;
            *len = (size_t)(nl - (lr->buf + lr->start));
            lr->start = lr->scanned = (size_t)(nl - lr->buf) + 1;
            return 1;
        }
        lr->scanned = lr->end;
        if (lr->eof) {
            if (lr->start < lr->end) {
                *line = lr->buf + lr->start;
                *len = lr->end - lr->start;
                lr->start = lr->scanned = lr->end;
                return 1;
            }
            return 0;
        }
        if (lr->start > 0) {
            memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
            lr->end -= lr->start;
            lr->scanned -= lr->start;
            lr->start = 0;
        }
        if (lr->end == lr->cap) {
            lr->cap *= 2;
            lr->buf = g_realloc(lr->buf, lr->cap);
        }
        gssize got = crtk_in_read(lr->in, lr->buf + lr->end, lr->cap - lr->end, &lr->error);
        if (got < 0)
            return -1;
        if (got == 0)
            lr->eof = TRUE;
        lr->end += (size_t)got;
        lr->bytes += got;
    }
}

/* One CSV row: the fields' text back to back, with offsets and lengths. */
typedef struct {
    GString *text;
    GArray *start, *len;   /* size_t per field */
    long line;             /* line where the row starts */
} csv_row;

typedef struct {
    const char *name;
    const crtk_read_options *o;
    const crtk_read_handlers *h;
    void *user;
    crtk_read_stats *st;
    gboolean aborted;
    line_reader lr;
    long line_no;
    gboolean bom_checked;
    crtk_dictionary *dict;
    crtk_header *header;
    gboolean header_sent;
    crtk_record *rec;
    unsigned record_type;
    int n_columns;
    long header_line;            /* line of the header row */
    const crtk_item **col_item;  /* per column: the item, or NULL when ignored */
    int *col_of;                 /* per item index: 1-based column, 0 if none */
    const crtk_item **items;     /* mapped items, in column order */
    int n_items;
    const crtk_item *pid_item;   /* NULL when there is no patientIdNumber column */
    crtk_element vals;
    GString *vals_arena;
    GString *conv;
    gboolean have_patient;
    int lines_in_group;
    long group_line;
    guint8 *root_reported;
    long ctx_patient;
    const char *ctx_pid;
    int ctx_tumor;
} reader;

static void problem(reader *r, crtk_severity sev, crtk_problem_code code, long line, long col, gboolean in_patient,
                    const char *item, const char *fmt, ...) G_GNUC_PRINTF(8, 9);
static void problem(reader *r, crtk_severity sev, crtk_problem_code code, long line, long col, gboolean in_patient,
                    const char *item, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    crtk_problem p = {.code = code, .severity = sev, .file = r->name, .line = line, .column = col, .item = item,
                      .message = msg};
    if (in_patient) {
        p.patient = r->ctx_patient;
        p.patient_id = r->ctx_pid;
        p.tumor = r->ctx_tumor;
    }
    if (sev == CRTK_SEVERITY_WARNING)
        r->st->warnings++;
    else
        r->st->errors++;
    if (sev == CRTK_SEVERITY_FATAL)
        r->st->fatal = TRUE;
    if (r->h->problem && r->h->problem(&p, r->user) == CRTK_ABORT)
        r->aborted = TRUE;
    g_free(msg);
}

static char *shown(const char *v, size_t len)
{
    return len > 60 ? g_strdup_printf("%.57s...", v) : g_strndup(v, len);
}

static gboolean same_value(const char *a, size_t la, const char *b, size_t lb)
{
    return la == lb && (la == 0 || memcmp(a, b, la) == 0);
}

typedef enum { F_START, F_UNQUOTED, F_QUOTED, F_QUOTE_SEEN } field_state;

static void end_field(csv_row *row, size_t *field_start)
{
    size_t len = row->text->len - *field_start;
    g_array_append_val(row->start, *field_start);
    g_array_append_val(row->len, len);
    *field_start = row->text->len;
}

/* Reads the next non-empty row.  Returns 1 for a row, 0 at the end, -1 when reading cannot go on. */
static int read_row(reader *r, csv_row *row)
{
    g_string_truncate(row->text, 0);
    g_array_set_size(row->start, 0);
    g_array_set_size(row->len, 0);
    field_state st = F_START;
    size_t field_start = 0;
    gboolean in_row = FALSE, bad_reported = FALSE;
    for (;;) {
        const char *line;
        size_t len;
        int got = next_line(&r->lr, &line, &len);
        if (got < 0) {
            problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_IO, r->line_no + 1, 0, FALSE, NULL, "%s", r->lr.error->message);
            return -1;
        }
        if (got == 0) {
            if (!in_row)
                return 0;
            problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_SYNTAX, row->line, 0, FALSE, NULL,
                    "a quoted field that starts on line %ld is never closed (a missing \")", row->line);
            return -1;
        }
        r->line_no++;
        if (!r->bom_checked) {
            r->bom_checked = TRUE;
            if (len >= 3 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
                (unsigned char)line[2] == 0xBF)
                line += 3, len -= 3;
        }
        if (!in_row) {
            if (len == 0 || (len == 1 && line[0] == '\r'))
                continue;
            in_row = TRUE;
            row->line = r->line_no;
        }
        gboolean cr = len && line[len - 1] == '\r';
        size_t n = cr ? len - 1 : len;
        for (size_t i = 0; i < n; i++) {
            char c = line[i];
            switch (st) {
            case F_START:
                if (c == '"') {
                    st = F_QUOTED;
                } else if (c == ',') {
                    end_field(row, &field_start);
                } else {
                    g_string_append_c(row->text, c);
                    st = F_UNQUOTED;
                }
                break;
            case F_UNQUOTED:
                if (c == ',') {
                    end_field(row, &field_start);
                    st = F_START;
                } else {
                    if (c == '"' && !bad_reported) {
                        bad_reported = TRUE;
                        problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_SYNTAX, r->line_no, (long)i + 1, FALSE, NULL,
                                "a double quote inside a field that does not start with one (field %u); quote the "
                                "field and double its quotes",
                                row->start->len + 1);
                    }
                    g_string_append_c(row->text, c);
                }
                break;
            case F_QUOTED:
                if (c == '"')
                    st = F_QUOTE_SEEN;
                else
                    g_string_append_c(row->text, c);
                break;
            case F_QUOTE_SEEN:
                if (c == '"') {
                    g_string_append_c(row->text, '"');
                    st = F_QUOTED;
                } else if (c == ',') {
                    end_field(row, &field_start);
                    st = F_START;
                } else {
                    if (!bad_reported) {
                        bad_reported = TRUE;
                        problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_SYNTAX, r->line_no, (long)i + 1, FALSE, NULL,
                                "text after the closing quote of field %u (a quote inside a quoted field must be "
                                "doubled)",
                                row->start->len + 1);
                    }
                    g_string_append_c(row->text, c);
                    st = F_UNQUOTED;
                }
                break;
            }
            if (r->aborted)
                return -1;
        }
        if (st == F_QUOTED) {
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

static void check_value(reader *r, const crtk_item *it, const char *v, size_t len, long line, long col,
                        gboolean in_patient)
{
    if (!r->o->check_values)
        return;
    crtk_problem_code code;
    const char *why = crtk_item_check_value(it, v, len, &code);
    if (!why)
        return;
    char *s = shown(v, len);
    if (code == CRTK_PROBLEM_TOO_LONG)
        problem(r, CRTK_SEVERITY_ERROR, code, line, col, in_patient, it->id, "value \"%s\" is %lu characters; %s allows %d",
                s, (unsigned long)g_utf8_strlen(v, (gssize)len), it->id, it->length);
    else
        problem(r, CRTK_SEVERITY_ERROR, code, line, col, in_patient, it->id, "value \"%s\": %s", s, why);
    g_free(s);
}

static void send_header(reader *r)
{
    if (r->header_sent || r->aborted)
        return;
    r->header_sent = TRUE;
    if (r->h->header && r->h->header(r->header, r->user) == CRTK_ABORT)
        r->aborted = TRUE;
}

static void emit_patient(reader *r)
{
    if (!r->have_patient || r->aborted)
        return;
    r->have_patient = FALSE;
    if (r->h->patient && r->h->patient(r->rec, r->user) == CRTK_ABORT)
        r->aborted = TRUE;
}

static void group_line(reader *r, long line)
{
    size_t plen = 0, clen = 0;
    const char *pid = r->pid_item ? crtk_element_get(&r->vals, r->pid_item->index, &plen) : NULL;
    const char *cur = r->have_patient && r->pid_item ? crtk_element_get(&r->rec->patient, r->pid_item->index, &clen) : NULL;
    gboolean same = !r->o->no_grouping && r->have_patient && pid && cur && same_value(pid, plen, cur, clen);
    if (!same) {
        emit_patient(r);
        if (r->aborted)
            return;
        crtk_record_clear(r->rec);
        r->rec->ordinal = ++r->st->patients;
        r->rec->patient.line = line;
        r->have_patient = TRUE;
        r->lines_in_group = 0;
        r->group_line = line;
        for (int k = 0; k < r->vals.n_set; k++) {
            int idx = r->vals.set[k];
            const crtk_item *it = crtk_dictionary_item(r->dict, idx);
            if (it->level == CRTK_LEVEL_PATIENT)
                crtk_element_set(&r->rec->patient, idx, r->vals.arena->str + r->vals.off[idx], r->vals.len[idx]);
        }
    }
    r->lines_in_group++;
    const char *p = crtk_record_patient_id(r->rec);
    r->ctx_patient = r->rec->ordinal;
    r->ctx_pid = *p ? p : NULL;
    r->ctx_tumor = r->lines_in_group;
}

static void fill_line(reader *r, long line, gboolean first)
{
    crtk_element *tumor = NULL;
    for (int k = 0; k < r->n_items && !r->aborted; k++) {
        const crtk_item *it = r->items[k];
        long col = r->col_of[it->index];
        size_t len;
        const char *v = crtk_element_get(&r->vals, it->index, &len);
        if (it->level == CRTK_LEVEL_ROOT) {
            if (first) {
                if (v)
                    check_value(r, it, v, len, line, col, FALSE);
            } else if (!r->root_reported[it->index]) {
                size_t hlen;
                const char *h = crtk_element_get(&r->header->root, it->index, &hlen);
                if (!same_value(v, len, h, hlen)) {
                    r->root_reported[it->index] = 1;
                    char *a = shown(v ? v : "", len), *b = shown(h ? h : "", hlen);
                    problem(r, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_INCONSISTENT, line, col, TRUE, it->id,
                            "the file-level item %s is \"%s\" here but \"%s\" on the first row; the first value is "
                            "kept (later differences in %s are not reported)",
                            it->id, a, b, it->id);
                    g_free(a);
                    g_free(b);
                }
            }
        } else if (it->level == CRTK_LEVEL_PATIENT) {
            if (r->lines_in_group == 1) {
                if (v)
                    check_value(r, it, v, len, line, col, TRUE);
            } else {
                size_t plen;
                const char *pv = crtk_element_get(&r->rec->patient, it->index, &plen);
                if (!same_value(v, len, pv, plen)) {
                    char *a = shown(v ? v : "", len), *b = shown(pv ? pv : "", plen);
                    problem(r, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_INCONSISTENT, line, col, TRUE, it->id,
                            "patient item %s is \"%s\" on this row but \"%s\" on the patient's first row (line %ld); "
                            "the first value is kept",
                            it->id, a, b, r->group_line);
                    g_free(a);
                    g_free(b);
                }
            }
        } else if (v) {
            check_value(r, it, v, len, line, col, TRUE);
            if (!tumor) {
                tumor = crtk_record_add_tumor(r->rec);
                tumor->line = line;
                r->st->tumors++;
            }
            crtk_element_set(tumor, it->index, v, len);
        }
    }
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
    int version = r->o->version;
    int vcol = find_column(names, r->n_columns, "naaccrRecordVersion");
    size_t len;
    const char *v = first && vcol >= 0 ? field(first, vcol, &len) : NULL;
    if (v && len) {
        char *s = g_strndup(v, len);
        int fv = crtk_naaccr_version_parse(s);
        if (!fv && !version)
            problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, first->line, vcol + 1, FALSE,
                    "naaccrRecordVersion", "naaccrRecordVersion \"%s\" is not a NAACCR version crtk knows; read as %d",
                    s, CRTK_NAACCR_CURRENT_VERSION);
        else if (fv && version && fv != version)
            problem(r, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_DICTIONARY, first->line, vcol + 1, FALSE,
                    "naaccrRecordVersion", "the file says NAACCR version %d; read as %d as asked", fv, version);
        else if (!version)
            version = fv;
        g_free(s);
    }
    if (!version)
        version = CRTK_NAACCR_CURRENT_VERSION;
    unsigned rt = r->o->record_type;
    int rcol = find_column(names, r->n_columns, "recordType");
    v = first && rcol >= 0 ? field(first, rcol, &len) : NULL;
    if (v && len) {
        char *s = g_strndup(v, len);
        unsigned frt = crtk_record_type_parse(s);
        if (!frt && !rt)
            problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_RECORD_TYPE, first->line, rcol + 1, FALSE, "recordType",
                    "recordType \"%s\" is not A, M, C or I; read as I", s);
        else if (frt && rt && frt != rt)
            problem(r, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_RECORD_TYPE, first->line, rcol + 1, FALSE, "recordType",
                    "the file says record type %c; read as record type %c as asked", crtk_record_type_letter(frt),
                    crtk_record_type_letter(rt));
        else if (!rt)
            rt = frt;
        g_free(s);
    }
    if (!rt)
        rt = CRTK_RT_I;
    r->record_type = rt;

    GError *err = NULL;
    r->dict = crtk_dictionary_new(version, &err);
    if (!r->dict) {
        problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_DICTIONARY, 0, 0, FALSE, NULL, "%s", err->message);
        g_error_free(err);
        return FALSE;
    }
    if (r->o->user_dictionaries)
        for (guint i = 0; i < r->o->user_dictionaries->len; i++) {
            const crtk_user_dictionary *ud = g_ptr_array_index(r->o->user_dictionaries, i);
            int uv = crtk_user_dictionary_version(ud);
            if (uv && uv != version)
                continue;
            if (!crtk_dictionary_add_user(r->dict, ud, &err)) {
                problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_DICTIONARY, 0, 0, FALSE, NULL, "%s", err->message);
                g_error_free(err);
                return FALSE;
            }
        }

    int n = crtk_dictionary_count(r->dict);
    r->col_of = g_new0(int, n);
    r->col_item = g_new0(const crtk_item *, r->n_columns);
    r->items = g_new(const crtk_item *, r->n_columns);
    crtk_severity unknown_sev = r->o->ignore_unknown ? CRTK_SEVERITY_WARNING : CRTK_SEVERITY_ERROR;
    for (int c = 0; c < r->n_columns && !r->aborted; c++) {
        const char *name = names[c];
        if (!*name) {
            problem(r, unknown_sev, CRTK_PROBLEM_UNKNOWN_ITEM, r->header_line, c + 1, FALSE, NULL,
                    "column %d has no name; it is ignored", c + 1);
            continue;
        }
        const crtk_item *it = crtk_dictionary_lookup(r->dict, name);
        if (!it) {
            GString *hint = g_string_new(NULL);
            GPtrArray *sug = crtk_dictionary_suggest(r->dict, name, 3);
            if (sug->len) {
                g_string_append(hint, "; did you mean ");
                for (guint i = 0; i < sug->len; i++)
                    g_string_append_printf(hint, "%s%s", i ? (i + 1 == sug->len ? " or " : ", ") : "",
                                           (char *)g_ptr_array_index(sug, i));
                g_string_append_c(hint, '?');
            }
            g_ptr_array_free(sug, TRUE);
            problem(r, unknown_sev, CRTK_PROBLEM_UNKNOWN_ITEM, r->header_line, c + 1, FALSE, name,
                    "unknown column: NAACCR %d has no naaccrId \"%s\"%s; the column is ignored", version, name,
                    hint->str);
            g_string_free(hint, TRUE);
            continue;
        }
        if (!(it->record_types & rt)) {
            char buf[8];
            problem(r, unknown_sev, CRTK_PROBLEM_RECORD_TYPE, r->header_line, c + 1, FALSE, it->id,
                    "%s is not part of record type %c (only %s); the column is ignored", it->id,
                    crtk_record_type_letter(rt), crtk_record_types_format(it->record_types, buf));
            continue;
        }
        if (r->col_of[it->index]) {
            problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DUPLICATE_ITEM, r->header_line, c + 1, FALSE, it->id,
                    "%s is also column %d; this column is ignored", it->id, r->col_of[it->index]);
            continue;
        }
        r->col_of[it->index] = c + 1;
        r->col_item[c] = it;
        r->items[r->n_items++] = it;
    }
    r->pid_item = crtk_dictionary_find(r->dict, "patientIdNumber");
    if (r->pid_item && !r->col_of[r->pid_item->index])
        r->pid_item = NULL;
    r->root_reported = g_new0(guint8, n);
    r->header = crtk_header_new(r->dict, rt);
    r->header->root.line = r->header_line;
    r->rec = crtk_record_new(r->dict);
    r->vals_arena = g_string_sized_new(8192);
    crtk_element_init(&r->vals, n, r->vals_arena);
    return !r->aborted;
}

/* Puts a row's values into r->vals.  FALSE (reported) when the row has the wrong number of fields. */
static gboolean split_row(reader *r, const csv_row *row)
{
    if ((int)row->start->len != r->n_columns) {
        problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_SYNTAX, row->line, 0, FALSE, NULL,
                "the row on line %ld has %u fields, but the header row has %d columns; the row is skipped", row->line,
                row->start->len, r->n_columns);
        return FALSE;
    }
    crtk_element_clear(&r->vals);
    g_string_truncate(r->vals_arena, 0);
    for (int c = 0; c < r->n_columns; c++) {
        const crtk_item *it = r->col_item[c];
        size_t len;
        const char *v = field(row, c, &len);
        if (!it || !len)
            continue;
        if (!g_utf8_validate_len(v, len, NULL)) {
            /* Not UTF-8: taken as Latin-1. */
            g_string_truncate(r->conv, 0);
            for (size_t i = 0; i < len; i++)
                g_string_append_unichar(r->conv, (unsigned char)v[i]);
            v = r->conv->str;
            len = r->conv->len;
        }
        if (memchr(v, 0, len)) {
            /* A NUL byte cannot be kept in NAACCR XML or in crtk's text values: it becomes a blank. */
            problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_BAD_VALUE, row->line, c + 1, TRUE, it->id,
                    "the value holds a NUL byte (0x00), which is not text; it is read as a blank");
            char *copy = g_strndup(v, len);
            for (size_t i = 0; i < len; i++)
                if (!copy[i])
                    copy[i] = ' ';
            crtk_element_set(&r->vals, it->index, copy, len);
            g_free(copy);
            continue;
        }
        crtk_element_set(&r->vals, it->index, v, len);
    }
    return TRUE;
}

int crtk_naaccr_csv_read(crtk_in *in, const char *name, const crtk_read_options *options,
                         const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats)
{
    crtk_read_options defaults;
    if (!options) {
        crtk_read_options_init(&defaults);
        options = &defaults;
    }
    crtk_read_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    reader r = {0};
    r.name = name;
    r.o = options;
    r.h = handlers;
    r.user = user;
    r.st = stats;
    r.conv = g_string_new(NULL);
    r.lr.in = in;
    r.lr.cap = 1 << 16;
    r.lr.buf = g_malloc(r.lr.cap);
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
        result = r.aborted && !stats->fatal ? 1 : -1;
        goto done;
    }
    gboolean first = TRUE;
    while (got > 0 && !r.aborted) {
        if (split_row(&r, &row)) {
            if (first) {
                for (int k = 0; k < r.n_items; k++) {
                    const crtk_item *it = r.items[k];
                    size_t vl;
                    const char *v;
                    if (it->level == CRTK_LEVEL_ROOT && (v = crtk_element_get(&r.vals, it->index, &vl)))
                        crtk_element_set(&r.header->root, it->index, v, vl);
                }
                send_header(&r);
            }
            if (r.aborted)
                break;
            group_line(&r, row.line);
            if (r.aborted)
                break;
            fill_line(&r, row.line, first);
            first = FALSE;
        }
        if (r.aborted)
            break;
        got = read_row(&r, &row);
        if (got < 0)
            result = -1;
    }
    if (result == 0 && !r.aborted) {
        send_header(&r);
        emit_patient(&r);
    }
done:
    if (r.aborted && result == 0)
        result = 1;
    if (result == -1 && !stats->fatal)
        result = 1; /* stopped by a handler while reading a row */
    stats->aborted = result == 1;
    stats->bytes = r.lr.bytes;
    if (r.lr.error)
        g_error_free(r.lr.error);
    g_free(r.lr.buf);
    g_string_free(row.text, TRUE);
    g_array_free(row.start, TRUE);
    g_array_free(row.len, TRUE);
    g_strfreev(names);
    g_string_free(r.conv, TRUE);
    g_free(r.col_item);
    g_free(r.col_of);
    g_free(r.items);
    g_free(r.root_reported);
    if (r.vals_arena) {
        crtk_element_free(&r.vals);
        g_string_free(r.vals_arena, TRUE);
    }
    crtk_record_free(r.rec);
    crtk_header_free(r.header);
    if (r.dict)
        crtk_dictionary_unref(r.dict);
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
    gboolean quote = FALSE;
    for (size_t i = 0; i < len && !quote; i++)
        quote = v[i] == ',' || v[i] == '"' || v[i] == '\r' || v[i] == '\n';
    if (!quote) {
        g_string_append_len(b, v, (gssize)len);
        return;
    }
    g_string_append_c(b, '"');
    for (size_t i = 0; i < len; i++) {
        if (v[i] == '"')
            g_string_append_c(b, '"');
        g_string_append_c(b, v[i]);
    }
    g_string_append_c(b, '"');
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
