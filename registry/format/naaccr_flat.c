/* naaccr_flat.c — legacy fixed-width ("flat") NAACCR records: reader and writer back end
 * (see naaccr_read.h and naaccr_write.h).
 *
 * A flat file holds one tumor per line; every item sits at its startColumn
 * with its dictionary length as the field width.  Only NAACCR 14, 15, 16 and
 * 18 have such layouts (base + default user dictionary, plus user dictionary
 * items that have start columns); record types A and M share one layout, C
 * and I are shorter prefixes of it.
 *
 * Reading: the record type comes from column 1 and the version from columns
 * 17-19 of the first line (the read options override them, or fill in when
 * the line does not say; a line with no record type gets it from its length).
 * NaaccrData items come from the first line, Patient items from the first line
 * of each patient: consecutive lines with the same non-blank patientIdNumber
 * (columns 42-49) are one patient, unless no_grouping is asked.  A later line
 * that disagrees on a Patient (or NaaccrData) item is reported as a warning;
 * the first value is kept.  A line whose Tumor fields are all blank adds no
 * Tumor (the writer gives such a line to a patient without tumors).  Fields
 * are trimmed of leading and trailing blanks unless the item has trim="none"
 * (and is not all blank); an all-blank field is an absent item.  CR before LF
 * is dropped, a missing newline on the last line and empty trailing lines are
 * fine; a line of the wrong length is an error, and what it holds is still read.
 *
 * Encoding: columns count characters.  A line that is plain ASCII or valid
 * UTF-8 is taken as it is; a line that is not valid UTF-8 is taken as Latin-1
 * (one byte, one character) and its values are converted to UTF-8, so records
 * always hold UTF-8.
 *
 * Writing: one line per tumor (one line for a patient without tumors), every
 * item of the writer's record type that has a start column, blank-padded to
 * its width: leftBlank right-justifies, rightZero pads zeros on the right,
 * leftZero pads zeros on the left when the value is all digits; anything else
 * is left-justified.  Columns 1 and 17-19 always hold the writer's record type
 * and version.  Line breaks inside values become blanks; a value longer than
 * its field is an error (nothing is ever cut).  Values that are not valid
 * UTF-8 are taken as Latin-1.  Lines end with "\n".
 */
#include "naaccr_write.h"
#include "line_reader.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ======================================================================== */
/* Reading                                                                  */
/* ======================================================================== */

/* Grouping, problems and filling the record are line_reader.c's; this reader adds the columns. */
#define NO_ITEM G_MAXUINT32
typedef struct {
    crtk_line_reader b;
    int line_length;             /* expected, in characters */
    GArray *offs;                /* byte offset of each character of a non-ASCII line */
    gboolean plain;              /* the current line is ASCII without NUL bytes */
    guint64 *nonblank;           /* bit per column of a plain line: not a blank */
    size_t n_nonblank;
    /* The fast path for plain lines, when no two items share a column (NULL when they do): */
    guint32 *item_at;            /* per column (0-based): the item there, as its position in b.items << 17
                                  * | 1 << 16 when its value is trimmed | the column after its field;
                                  * NO_ITEM when none */
    int n_cols;
    struct field {               /* per position in b.items, packed: */
        guint16 start, end;      /* 0-based columns [start, end) */
        gboolean trim;           /* blanks around the value are not part of it */
    } *fields;
} reader;

/* Eight bytes at a time: most columns of a flat line are blank and most lines are plain ASCII. */
static gboolean all_blank(const char *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        guint64 w;
        memcpy(&w, p + i, 8);
        if (w != G_GUINT64_CONSTANT(0x2020202020202020))
            return FALSE;
    }
    for (; i < n; i++)
        if (p[i] != ' ')
            return FALSE;
    return TRUE;
}

/* Length of the leading run of ASCII bytes (all of len when the line is plain ASCII). */
static size_t ascii_prefix(const char *line, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        guint64 w;
        memcpy(&w, line + i, 8);
        if (w & G_GUINT64_CONSTANT(0x8080808080808080))
            break;
    }
    while (i < len && !((unsigned char)line[i] & 0x80))
        i++;
    return i;
}

/* Looks at every byte of the line once: TRUE when all are ASCII and none is NUL (the common case,
 * read fastest), and then r->nonblank has a bit set for each byte that is not a blank. */
static gboolean plain_line(reader *r, const char *line, size_t len)
{
    size_t words = len / 64 + 1;
    if (words > r->n_nonblank) {
        r->n_nonblank = words;
        r->nonblank = g_renew(guint64, r->nonblank, words);
    }
    guint64 *bm = r->nonblank;
    memset(bm, 0, words * sizeof *bm);
    size_t i = 0;
#ifdef __SSE2__
    /* A byte is NUL or not ASCII when, as a signed byte, it is below 1.  64 bytes make a word. */
    const __m128i one = _mm_set1_epi8(1), blanks = _mm_set1_epi8(' ');
    __m128i bad = _mm_setzero_si128();
    for (; i + 64 <= len; i += 64) {
        guint64 m = 0;
        for (int j = 0; j < 4; j++) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(line + i + 16 * j));
            bad = _mm_or_si128(bad, _mm_cmplt_epi8(v, one));
            m |= (guint64)(guint16) ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, blanks)) << (16 * j);
        }
        bm[i / 64] = m;
    }
    if (_mm_movemask_epi8(bad))
        return FALSE;
#endif
    for (; i < len; i++) {
        if (!line[i] || ((unsigned char)line[i] & 0x80))
            return FALSE;
        if (line[i] != ' ')
            bm[i / 64] |= G_GUINT64_CONSTANT(1) << (i % 64);
    }
    return TRUE;
}

/* Prepares a line for column access: *chars gets its length in characters; returns the (UTF-8) text. */
static const char *decode_line(reader *r, const char *line, size_t len, size_t *out_len, size_t *chars)
{
    g_array_set_size(r->offs, 0);
    r->plain = plain_line(r, line, len);
    size_t i = r->plain ? len : ascii_prefix(line, len);
    if (i == len) {
        *out_len = len;
        *chars = len;
        return line;
    }
    const char *text = line;
    if (!g_utf8_validate_len(line, len, NULL))
        text = crtk_line_reader_latin1(&r->b, line, &len); /* not UTF-8: Latin-1, one byte per character */
    for (const char *p = text; p < text + len; p = g_utf8_next_char(p)) {
        guint off = (guint)(p - text);
        g_array_append_val(r->offs, off);
    }
    *chars = r->offs->len;
    guint end = (guint)len;
    g_array_append_val(r->offs, end);
    *out_len = len;
    return text;
}

/* The first column in [c, end) whose byte is not a blank (end when none), from the bitmap. */
static inline size_t next_nonblank(const guint64 *bm, size_t c, size_t end)
{
    while (c < end) {
        guint64 w = bm[c / 64] >> (c % 64);
        if (w) {
            c += (size_t)__builtin_ctzll(w);
            return c < end ? c : end;
        }
        c = (c / 64 + 1) * 64;
    }
    return end;
}

/* The last column in [from, c] whose byte is not a blank; from itself must be one. */
static inline size_t last_nonblank(const guint64 *bm, size_t from, size_t c)
{
    for (;;) {
        guint64 w = bm[c / 64] << (63 - c % 64);
        if (w) {
            size_t last = c - (size_t)__builtin_clzll(w);
            return last > from ? last : from;
        }
        if (c / 64 == from / 64)
            return from;
        c = c / 64 * 64 - 1;
    }
}

/* Reads the line's fields into the line reader's values, in the order of r->b.items. */
static void split_line(reader *r, const char *text, size_t chars, long line)
{
    crtk_line_reader_clear_values(&r->b);
    const guint *offs = r->offs->len ? (const guint *)(void *)r->offs->data : NULL;
    if (r->plain && r->item_at) {
        /* A plain ASCII line is mostly blank: go from one non-blank byte to the next and take the
         * field there (it is not blank, and holds no NUL byte). */
        const guint64 *bm = r->nonblank;
        size_t end = chars < (size_t)r->n_cols ? chars : (size_t)r->n_cols;
        for (size_t c = next_nonblank(bm, 0, end); c < end;) {
            guint32 at = r->item_at[c];
            if (at == NO_ITEM) {
                c = next_nonblank(bm, c + 1, end); /* text outside every field is not read */
                continue;
            }
            int k = (int)(at >> 17);
            size_t e = at & 0xFFFF; /* the next column depends on this load only */
            if (e > chars)
                e = chars;
            if (at & 0x10000) /* trimmed: the field's blanks before c are leading blanks */
                crtk_line_reader_put(&r->b, k, text + c, last_nonblank(bm, c, e - 1) - c + 1);
            else
                crtk_line_reader_put(&r->b, k, text + r->fields[k].start, e - r->fields[k].start);
            c = next_nonblank(bm, e, end);
        }
        return;
    }
    for (int k = 0; k < r->b.n_items; k++) {
        const crtk_item *it = r->b.items[k];
        size_t s = (size_t)it->start_column - 1, e = s + (size_t)it->length;
        if (s >= chars)
            continue;
        if (e > chars)
            e = chars;
        const char *p = offs ? text + offs[s] : text + s;
        size_t n = offs ? offs[e] - offs[s] : e - s;
        if (all_blank(p, n))
            continue;
        if (!it->trim_none) {
            while (n && *p == ' ')
                p++, n--;
            while (n && p[n - 1] == ' ')
                n--;
        }
        crtk_line_reader_set_value(&r->b, it, p, n, TRUE, line, it->start_column);
    }
}

static int cmp_start(const void *a, const void *b)
{
    const crtk_item *x = *(const crtk_item *const *)a, *y = *(const crtk_item *const *)b;
    if (x->start_column != y->start_column)
        return x->start_column - y->start_column;
    return x->index - y->index;
}

static gboolean is_flat_version(int v)
{
    return v == 140 || v == 150 || v == 160 || v == 180;
}

/* Sets up the dictionary, record type and layout from the first line.  FALSE when reading cannot go on. */
static gboolean setup(reader *r, const char *text, size_t chars, long line)
{
    crtk_line_reader *b = &r->b;
    const guint *offs = r->offs->len ? (const guint *)(void *)r->offs->data : NULL;
    char vtext[4] = {0};
    if (chars >= 19) {
        const char *p = offs ? text + offs[16] : text + 16;
        size_t n = offs ? offs[19] - offs[16] : 3;
        if (n == 3)
            memcpy(vtext, p, 3);
    }
    int line_version = 0;
    if (vtext[0] && g_ascii_isdigit(vtext[0]) && g_ascii_isdigit(vtext[1]) && g_ascii_isdigit(vtext[2]))
        line_version = atoi(vtext);
    if (!is_flat_version(line_version))
        line_version = 0;
    int version = b->o->version ? b->o->version : line_version;
    if (!version) {
        char *s = g_strescape(vtext, NULL);
        crtk_line_reader_problem(b, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_DICTIONARY, line, 17, FALSE, NULL,
                                 "columns 17-19 hold \"%s\", not a NAACCR version with a flat layout (140, 150, 160 "
                                 "or 180); this is not a flat NAACCR file, or give its version (--naaccr-version)",
                                 s);
        g_free(s);
        return FALSE;
    }
    if (!is_flat_version(version)) {
        crtk_line_reader_problem(b, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_DICTIONARY, line, 17, FALSE, NULL,
                                 "NAACCR %d has no fixed-width (flat) layout; flat files exist only for versions 140, "
                                 "150, 160 and 180",
                                 version);
        return FALSE;
    }
    if (b->o->version && line_version && line_version != version)
        crtk_line_reader_problem(b, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_DICTIONARY, line, 17, FALSE,
                                 "naaccrRecordVersion", "the line says NAACCR version %d; read as %d as asked",
                                 line_version, version);
    if (!crtk_line_reader_load_dictionary(b, version, line, 17))
        return FALSE;

    char c1[2] = {chars ? text[0] : 0, 0};
    unsigned line_rt = (c1[0] & 0x80) ? 0 : crtk_record_type_parse(c1);
    unsigned rt = b->o->record_type ? b->o->record_type : line_rt;
    if (!rt) {
        /* Column 1 does not say: take the record type whose length the line has. */
        static const unsigned types[] = {CRTK_RT_A, CRTK_RT_C, CRTK_RT_I};
        for (int i = 0; i < 3 && !rt; i++)
            if ((size_t)crtk_dictionary_flat_length(b->dict, types[i]) == chars)
                rt = types[i];
        char *s = g_strescape(c1, NULL);
        if (!rt) {
            crtk_line_reader_problem(
                b, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_RECORD_TYPE, line, 1, FALSE, "recordType",
                "column 1 holds \"%s\", not a record type (A, M, C or I), and the line's length %lu is none of "
                "NAACCR %d's (A/M %d, C %d, I %d); give the record type (--record-type)",
                s, (unsigned long)chars, version, crtk_dictionary_flat_length(b->dict, CRTK_RT_A),
                crtk_dictionary_flat_length(b->dict, CRTK_RT_C), crtk_dictionary_flat_length(b->dict, CRTK_RT_I));
            g_free(s);
            return FALSE;
        }
        crtk_line_reader_problem(b, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_RECORD_TYPE, line, 1, FALSE, "recordType",
                                 "column 1 holds \"%s\", not a record type; read as record type %c, which has the "
                                 "line's length",
                                 s, crtk_record_type_letter(rt));
        g_free(s);
    } else if (b->o->record_type && line_rt && line_rt != rt) {
        crtk_line_reader_problem(b, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_RECORD_TYPE, line, 1, FALSE, "recordType",
                                 "the line says record type %c; read as record type %c as asked",
                                 crtk_record_type_letter(line_rt), crtk_record_type_letter(rt));
    }
    b->record_type = rt;
    r->line_length = crtk_dictionary_flat_length(b->dict, rt);

    int n = crtk_dictionary_count(b->dict);
    b->items = g_new(const crtk_item *, n);
    for (int i = 0; i < n; i++) {
        const crtk_item *it = crtk_dictionary_item(b->dict, i);
        if (it->start_column > 0 && it->length > 0 && (it->record_types & rt))
            b->items[b->n_items++] = it;
    }
    qsort(b->items, (size_t)b->n_items, sizeof *b->items, cmp_start);
    crtk_line_reader_prepare(b, line);
    /* The fast path's tables, when no two items share a column. */
    int cols = 0;
    gboolean overlap = FALSE;
    for (int k = 0; k < b->n_items; k++) {
        const crtk_item *it = b->items[k];
        if (it->start_column <= cols)
            overlap = TRUE;
        if (it->start_column + it->length - 1 > cols)
            cols = it->start_column + it->length - 1;
    }
    if (!overlap && cols <= G_MAXUINT16 && b->n_items < 1 << 15) {
        r->n_cols = cols;
        r->item_at = g_new(guint32, cols > 0 ? cols : 1);
        for (int c = 0; c < cols; c++)
            r->item_at[c] = NO_ITEM;
        r->fields = g_new(struct field, b->n_items ? b->n_items : 1);
        for (int k = 0; k < b->n_items; k++) {
            const crtk_item *it = b->items[k];
            r->fields[k] = (struct field){(guint16)(it->start_column - 1),
                                          (guint16)(it->start_column - 1 + it->length), !it->trim_none};
            for (int c = it->start_column - 1; c < it->start_column - 1 + it->length; c++)
                r->item_at[c] = (guint32)k << 17 | (guint32)r->fields[k].trim << 16 | r->fields[k].end;
        }
    }
    return TRUE;
}

static void line_length_problem(reader *r, long line, size_t chars)
{
    crtk_line_reader_problem(&r->b, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_LINE_LENGTH, line, 0, chars > 0, NULL,
                             "line %ld is %lu characters long; NAACCR %d record type %c lines are %d characters%s",
                             line, (unsigned long)chars, crtk_dictionary_version(r->b.dict),
                             crtk_record_type_letter(r->b.record_type), r->line_length,
                             chars ? "" : " (an empty line)");
}

int crtk_naaccr_flat_read(crtk_in *in, const char *name, const crtk_read_options *options,
                          const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats)
{
    reader r = {0};
    crtk_line_reader *b = &r.b;
    crtk_line_reader_begin(b, in, name, options, handlers, user, stats);
    r.offs = g_array_new(FALSE, FALSE, sizeof(guint));

    int result = 0;
    long line_no = 0;
    long empty_first = 0, empty_count = 0; /* empty lines not yet reported (they are fine at the end) */
    gboolean set_up = FALSE;
    const char *line;
    size_t len;
    while (!b->aborted) {
        int got = crtk_line_source_next(&b->src, &line, &len);
        if (got < 0) {
            crtk_line_reader_problem(b, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_IO, line_no + 1, 0, FALSE, NULL, "%s",
                                     b->src.error->message);
            result = -1;
            break;
        }
        if (got == 0)
            break;
        line_no++;
        if (len && line[len - 1] == '\r')
            len--;
        if (len == 0) {
            if (!empty_count)
                empty_first = line_no;
            empty_count++;
            continue;
        }
        size_t text_len, chars;
        const char *text = decode_line(&r, line, len, &text_len, &chars);
        gboolean first = FALSE;
        if (!set_up) {
            if (!setup(&r, text, chars, line_no)) {
                result = -1;
                break;
            }
            set_up = first = TRUE;
        }
        /* Empty lines followed by data are wrong-length lines. */
        for (long i = 0; i < empty_count && !b->aborted; i++)
            line_length_problem(&r, empty_first + i, 0);
        empty_count = 0;
        split_line(&r, text, chars, line_no);
        if (first) {
            crtk_line_reader_take_root(b);
            if (handlers->header && handlers->header(b->header, user) == CRTK_ABORT)
                b->aborted = TRUE;
        }
        if (b->aborted)
            break;
        crtk_line_reader_group(b, line_no);
        if (b->aborted)
            break;
        if (chars != (size_t)r.line_length)
            line_length_problem(&r, line_no, chars);
        crtk_line_reader_fill(b, line_no, first);
    }
    if (result == 0 && !b->aborted)
        crtk_line_reader_emit_patient(b);
    if (b->aborted && result == 0)
        result = 1;
    b->st->aborted = result == 1;
    g_array_free(r.offs, TRUE);
    g_free(r.item_at);
    g_free(r.fields);
    g_free(r.nonblank);
    crtk_line_reader_end(b);
    return result;
}

/* ======================================================================== */
/* Writing                                                                  */
/* ======================================================================== */

typedef struct {
    const crtk_item **items;   /* items written, longest first (so items inside blocks win) */
    int n_items;
    int length;                /* line length in characters */
    gunichar *cells;           /* the line being built, one character per column */
    gunichar *value;           /* one value's characters (room for the longest field) */
    GString *buf;
    int *slot_of;              /* per item index: its position in items, -1 when not written; NULL when
                                * items share columns (then every line takes the general path) */
} flat_state;

static int cmp_longest(const void *a, const void *b)
{
    const crtk_item *x = *(const crtk_item *const *)a, *y = *(const crtk_item *const *)b;
    if (x->length != y->length)
        return y->length - x->length;
    if (x->start_column != y->start_column)
        return x->start_column - y->start_column;
    return x->index - y->index;
}

static gboolean flat_begin(crtk_writer *w, GError **error)
{
    if (!crtk_dictionary_has_flat_layout(w->dict)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_UNSUPPORTED,
                    "NAACCR %d has no fixed-width (flat) layout: official flat layouts end with version 18, and "
                    "later versions are exchanged as NAACCR XML only; write XML or CSV, or convert to "
                    "--naaccr-version 18",
                    crtk_dictionary_version(w->dict));
        return FALSE;
    }
    flat_state *s = g_new0(flat_state, 1);
    w->state = s;
    s->length = crtk_dictionary_flat_length(w->dict, w->record_type);
    int n = crtk_dictionary_count(w->dict);
    s->items = g_new(const crtk_item *, n);
    for (int i = 0; i < n; i++) {
        const crtk_item *it = crtk_dictionary_item(w->dict, i);
        if (it->start_column > 0 && it->length > 0 && (it->record_types & w->record_type) &&
            it->start_column + it->length - 1 <= s->length)
            s->items[s->n_items++] = it;
    }
    qsort(s->items, (size_t)s->n_items, sizeof *s->items, cmp_longest);
    /* Lines whose values are plain ASCII are written byte by byte, in any order, when no two items
     * share a column. */
    guint8 *used = g_new0(guint8, (size_t)s->length + 1);
    gboolean overlap = FALSE;
    for (int k = 0; k < s->n_items && !overlap; k++)
        for (int c = s->items[k]->start_column - 1; c < s->items[k]->start_column - 1 + s->items[k]->length; c++) {
            if (used[c])
                overlap = TRUE;
            used[c] = 1;
        }
    g_free(used);
    if (!overlap) {
        s->slot_of = g_new(int, n);
        for (int i = 0; i < n; i++)
            s->slot_of[i] = -1;
        for (int k = 0; k < s->n_items; k++)
            s->slot_of[s->items[k]->index] = k;
    }
    s->value = g_new(gunichar, s->n_items ? (size_t)s->items[0]->length : 1);
    s->cells = g_new(gunichar, (size_t)s->length);
    s->buf = g_string_sized_new((gsize)s->length * 2 + 2);
    return TRUE;
}

/* Decodes a value into characters (Latin-1 when it is not UTF-8), line breaks becoming blanks.
 * Returns the number of characters (may exceed max, then only max are stored). */
static size_t value_chars(const char *v, size_t len, gunichar *out, size_t max)
{
    size_t n = 0;
    gboolean utf8 = g_utf8_validate_len(v, len, NULL);
    const char *p = v, *e = v + len;
    while (p < e) {
        gunichar c;
        if (utf8) {
            c = g_utf8_get_char(p);
            p = g_utf8_next_char(p);
        } else {
            c = (unsigned char)*p++;
        }
        if (c == '\r') {
            if (p < e && *p == '\n')
                p++;
            c = ' ';
        } else if (c == '\n') {
            c = ' ';
        }
        if (n < max)
            out[n] = c;
        n++;
    }
    return n;
}

static gboolean put_element(crtk_writer *w, flat_state *s, const crtk_element *e, crtk_level level,
                            const crtk_record *r, int tumor, GError **error)
{
    for (int k = 0; k < s->n_items; k++) {
        const crtk_item *it = s->items[k];
        if (it->level != level)
            continue;
        size_t len;
        const char *v = crtk_element_get(e, it->index, &len);
        if (!v)
            continue;
        size_t width = (size_t)it->length;
        gunichar *field = s->cells + it->start_column - 1;
        gunichar *tmp = s->value;
        size_t n = value_chars(v, len, tmp, width);
        if (n > width) {
            GString *where = g_string_new(NULL);
            if (level == CRTK_LEVEL_ROOT) {
                g_string_append(where, "file header");
            } else {
                const char *pid = crtk_record_patient_id(r);
                g_string_append_printf(where, "patient %ld", w->patients + 1);
                if (*pid)
                    g_string_append_printf(where, " (%s)", pid);
                if (tumor)
                    g_string_append_printf(where, ", tumor %d", tumor);
            }
            char *sh = len > 60 ? g_strdup_printf("%.57s...", v) : g_strdup(v);
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "%s: item %s: value \"%s\" is %lu characters, but its flat field (columns %d-%d) is %d wide; "
                        "flat output never cuts values",
                        where->str, it->id, sh, (unsigned long)n, it->start_column, it->start_column + it->length - 1,
                        it->length);
            g_free(sh);
            g_string_free(where, TRUE);
            return FALSE;
        }
        gboolean digits = TRUE;
        for (size_t i = 0; i < n && digits; i++)
            digits = tmp[i] >= '0' && tmp[i] <= '9';
        size_t pad = width - n;
        size_t at = 0;
        gunichar fill = ' ';
        switch (it->padding) {
        case CRTK_PAD_LEFT_BLANK:
            at = pad;
            break;
        case CRTK_PAD_LEFT_ZERO:
            if (digits) {
                at = pad;
                fill = '0';
            }
            break;
        case CRTK_PAD_RIGHT_ZERO:
            fill = '0';
            break;
        default:
            break;
        }
        for (size_t i = 0; i < width; i++)
            field[i] = fill;
        memcpy(field + at, tmp, n * sizeof(gunichar));
    }
    return TRUE;
}

/* Puts the element's values of its level into line (blank where nothing is put), as put_element
 * does.  FALSE when a value is not plain ASCII, holds a line break or is too long for its field: the
 * general path then writes the line (and reports what is wrong). */
static gboolean put_element_plain(const flat_state *s, const crtk_element *e, crtk_level level, char *line)
{
    for (int i = 0; i < e->n_set; i++) {
        int k = s->slot_of[e->set[i]];
        if (k < 0)
            continue;
        const crtk_item *it = s->items[k];
        if (it->level != level)
            continue;
        const char *v = e->arena->str + e->off[it->index];
        size_t n = e->len[it->index], width = (size_t)it->length;
        if (n > width)
            return FALSE;
        gboolean digits = TRUE;
        for (size_t j = 0; j < n; j++) {
            unsigned char c = (unsigned char)v[j];
            if (c >= 0x80 || c == '\n' || c == '\r')
                return FALSE;
            if (c < '0' || c > '9')
                digits = FALSE;
        }
        char *field = line + it->start_column - 1;
        size_t pad = width - n;
        switch (it->padding) {
        case CRTK_PAD_LEFT_BLANK:
            memcpy(field + pad, v, n); /* the field is blank already */
            break;
        case CRTK_PAD_LEFT_ZERO:
            if (digits) {
                memset(field, '0', pad);
                memcpy(field + pad, v, n);
            } else {
                memcpy(field, v, n);
            }
            break;
        case CRTK_PAD_RIGHT_ZERO:
            memcpy(field, v, n);
            memset(field + n, '0', pad);
            break;
        default:
            memcpy(field, v, n);
            break;
        }
    }
    return TRUE;
}

/* Appends the line of one tumor (or of a patient without tumors) to s->buf when every value is plain
 * ASCII; FALSE (nothing appended) otherwise. */
static gboolean write_line_plain(crtk_writer *w, flat_state *s, const crtk_record *r, const crtk_element *tumor)
{
    gsize at = s->buf->len;
    g_string_set_size(s->buf, at + (gsize)s->length + 1);
    char *line = s->buf->str + at;
    memset(line, ' ', (size_t)s->length);
    if (!put_element_plain(s, &w->header->root, CRTK_LEVEL_ROOT, line) ||
        !put_element_plain(s, &r->patient, CRTK_LEVEL_PATIENT, line) ||
        (tumor && !put_element_plain(s, tumor, CRTK_LEVEL_TUMOR, line))) {
        g_string_truncate(s->buf, at);
        return FALSE;
    }
    /* Record type and version always say what the file is. */
    line[0] = crtk_record_type_letter(w->record_type);
    if (s->length >= 19) {
        int v = crtk_dictionary_version(w->dict);
        line[16] = (char)('0' + v / 100 % 10);
        line[17] = (char)('0' + v / 10 % 10);
        line[18] = (char)('0' + v % 10);
    }
    line[s->length] = '\n';
    return TRUE;
}

static gboolean write_line(crtk_writer *w, flat_state *s, const crtk_record *r, const crtk_element *tumor, int tumor_no,
                           GError **error)
{
    if (s->slot_of && write_line_plain(w, s, r, tumor))
        return TRUE;
    for (int i = 0; i < s->length; i++)
        s->cells[i] = ' ';
    if (!put_element(w, s, &w->header->root, CRTK_LEVEL_ROOT, r, 0, error) ||
        !put_element(w, s, &r->patient, CRTK_LEVEL_PATIENT, r, 0, error) ||
        (tumor && !put_element(w, s, tumor, CRTK_LEVEL_TUMOR, r, tumor_no, error)))
        return FALSE;
    /* Record type and version always say what the file is. */
    s->cells[0] = (gunichar)crtk_record_type_letter(w->record_type);
    if (s->length >= 19) {
        int v = crtk_dictionary_version(w->dict);
        s->cells[16] = (gunichar)('0' + v / 100 % 10);
        s->cells[17] = (gunichar)('0' + v / 10 % 10);
        s->cells[18] = (gunichar)('0' + v % 10);
    }
    for (int i = 0; i < s->length; i++) {
        gunichar c = s->cells[i];
        if (c < 0x80)
            g_string_append_c(s->buf, (char)c);
        else
            g_string_append_unichar(s->buf, c);
    }
    g_string_append_c(s->buf, '\n');
    return TRUE;
}

static gboolean flat_record(crtk_writer *w, const crtk_record *r, GError **error)
{
    flat_state *s = w->state;
    gsize mark = s->buf->len;
    gboolean ok = TRUE;
    if (r->n_tumors == 0)
        ok = write_line(w, s, r, NULL, 0, error);
    for (int i = 0; i < r->n_tumors && ok; i++)
        ok = write_line(w, s, r, &r->tumors[i], i + 1, error);
    if (!ok) {
        g_string_truncate(s->buf, mark);
        return FALSE;
    }
    if (s->buf->len >= (1 << 16)) {
        crtk_out_write(w->out, s->buf->str, s->buf->len);
        g_string_truncate(s->buf, 0);
    }
    return TRUE;
}

static gboolean flat_end(crtk_writer *w, GError **error)
{
    (void)error;
    flat_state *s = w->state;
    crtk_out_write(w->out, s->buf->str, s->buf->len);
    g_string_truncate(s->buf, 0);
    return TRUE;
}

static void flat_free(crtk_writer *w)
{
    flat_state *s = w->state;
    if (!s)
        return;
    g_free(s->items);
    g_free(s->slot_of);
    g_free(s->cells);
    g_free(s->value);
    g_string_free(s->buf, TRUE);
    g_free(s);
    w->state = NULL;
}

const crtk_writer_ops crtk_flat_writer_ops = {flat_begin, flat_record, flat_end, flat_free};
