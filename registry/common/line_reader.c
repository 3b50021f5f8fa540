/* line_reader.c — records from lines: grouping consecutive lines of one patient, shared by the flat
 * and CSV readers (naaccr_flat.c, naaccr_csv.c).  See line_reader.h for what each step does.
 */
#include "line_reader.h"
#include "record_private.h"

#include <string.h>

int crtk_line_source_next(crtk_line_source *src, const char **line, size_t *len)
{
    for (;;) {
        char *nl = src->scanned < src->end ? memchr(src->buf + src->scanned, '\n', src->end - src->scanned) : NULL;
        if (nl) {
            *line = src->buf + src->start;
            *len = (size_t)(nl - (src->buf + src->start));
            src->start = src->scanned = (size_t)(nl - src->buf) + 1;
            return 1;
        }
        src->scanned = src->end;
        if (src->eof) {
            if (src->start < src->end) {
                *line = src->buf + src->start;
                *len = src->end - src->start;
                src->start = src->scanned = src->end;
                return 1;
            }
            return 0;
        }
        if (src->start > 0) {
            memmove(src->buf, src->buf + src->start, src->end - src->start);
            src->end -= src->start;
            src->scanned -= src->start;
            src->start = 0;
        }
        if (src->end == src->cap) {
            src->cap *= 2;
            src->buf = g_realloc(src->buf, src->cap);
        }
        gssize got = crtk_in_read(src->in, src->buf + src->end, src->cap - src->end, &src->error);
        if (got < 0)
            return -1;
        if (got == 0)
            src->eof = TRUE;
        src->end += (size_t)got;
        src->bytes += got;
    }
}

void crtk_line_reader_begin(crtk_line_reader *r, crtk_in *in, const char *name, const crtk_read_options *options,
                            const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats)
{
    memset(r, 0, sizeof *r);
    if (!options) {
        crtk_read_options_init(&r->defaults);
        options = &r->defaults;
    }
    if (!stats)
        stats = &r->local_stats;
    memset(stats, 0, sizeof *stats);
    r->name = name;
    r->o = options;
    r->h = handlers;
    r->user = user;
    r->st = stats;
    r->conv = g_string_new(NULL);
    r->src.in = in;
    r->src.cap = 1 << 16;
    r->src.buf = g_malloc(r->src.cap);
}

void crtk_line_reader_end(crtk_line_reader *r)
{
    r->st->bytes = r->src.bytes;
    if (r->src.error)
        g_error_free(r->src.error);
    g_free(r->src.buf);
    g_string_free(r->conv, TRUE);
    g_free(r->items);
    g_free(r->root_reported);
    g_free(r->pos_of);
    g_free(r->shared);
    g_free(r->level_at);
    g_free(r->val_ptr);
    g_free(r->val_off);
    g_free(r->val_len);
    g_free(r->val_set);
    g_free(r->tum_set);
    if (r->val_arena)
        g_string_free(r->val_arena, TRUE);
    crtk_record_free(r->rec);
    crtk_header_free(r->header);
    if (r->dict)
        crtk_dictionary_unref(r->dict);
}

void crtk_line_reader_problem(crtk_line_reader *r, crtk_severity sev, crtk_problem_code code, long line, long col,
                              gboolean in_patient, const char *item, const char *fmt, ...)
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

gboolean crtk_line_reader_load_dictionary(crtk_line_reader *r, int version, long line, long col)
{
    GError *err = NULL;
    r->dict = crtk_dictionary_new(version, &err);
    if (!r->dict) {
        crtk_line_reader_problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_DICTIONARY, line, col, FALSE, NULL, "%s",
                                 err->message);
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
                crtk_line_reader_problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_DICTIONARY, 0, 0, FALSE, NULL, "%s",
                                         err->message);
                g_error_free(err);
                return FALSE;
            }
        }
    return TRUE;
}

long crtk_line_reader_column(const crtk_line_reader *r, const crtk_item *it)
{
    return r->col_of ? r->col_of[it->index] : it->start_column;
}

void crtk_line_reader_prepare(crtk_line_reader *r, long header_line)
{
    int n = crtk_dictionary_count(r->dict);
    r->pid_item = crtk_dictionary_find(r->dict, "patientIdNumber");
    if (r->pid_item && !crtk_line_reader_column(r, r->pid_item))
        r->pid_item = NULL;
    r->root_reported = g_new0(guint8, n);
    r->pos_of = g_new(int, n);
    for (int i = 0; i < n; i++)
        r->pos_of[i] = -1;
    r->shared = g_new(int, r->n_items ? r->n_items : 1);
    r->level_at = g_new(guint8, r->n_items ? r->n_items : 1);
    r->n_shared = 0;
    for (int k = 0; k < r->n_items; k++) {
        r->pos_of[r->items[k]->index] = k;
        r->level_at[k] = (guint8)r->items[k]->level;
        if (r->items[k]->level != CRTK_LEVEL_TUMOR)
            r->shared[r->n_shared++] = k;
    }
    r->header = crtk_header_new(r->dict, r->record_type);
    r->header->root.line = header_line;
    r->rec = crtk_record_new(r->dict);
    size_t slots = r->n_items ? (size_t)r->n_items : 1;
    r->val_ptr = g_new0(const char *, slots);
    r->val_off = g_new0(guint32, slots);
    r->val_len = g_new0(guint32, slots);
    r->val_set = g_new(int, slots);
    r->tum_set = g_new(int, slots);
    r->n_val_set = r->n_tum_set = 0;
    r->val_arena = g_string_sized_new(8192);
}

/* A value as shown in a message: at most 60 bytes. */
static char *shown(const char *v, size_t len)
{
    return len > 60 ? g_strdup_printf("%.57s...", v) : g_strndup(v, len);
}

static gboolean same_value(const char *a, size_t la, const char *b, size_t lb)
{
    return la == lb && (la == 0 || memcmp(a, b, la) == 0);
}

void crtk_line_reader_clear_values(crtk_line_reader *r)
{
    for (int i = 0; i < r->n_val_set; i++)
        r->val_len[r->val_set[i]] = 0;
    for (int i = 0; i < r->n_tum_set; i++)
        r->val_len[r->tum_set[i]] = 0;
    r->n_val_set = r->n_tum_set = 0;
    r->val_unordered = FALSE;
    g_string_truncate(r->val_arena, 0);
}

/* The line's value at position k, NULL when blank. */
static inline const char *line_value(const crtk_line_reader *r, int k, size_t *len)
{
    *len = r->val_len[k];
    if (!*len)
        return NULL;
    return r->val_ptr[k] ? r->val_ptr[k] : r->val_arena->str + r->val_off[k];
}

void crtk_line_reader_set_value(crtk_line_reader *r, const crtk_item *it, const char *v, size_t len, gboolean stable,
                                long line, long col)
{
    int k = r->pos_of[it->index];
    g_return_if_fail(k >= 0 && len < G_MAXUINT32);
    char *copy = NULL;
    if (memchr(v, 0, len)) {
        /* A NUL byte cannot be kept in NAACCR XML or in crtk's text values: it becomes a blank. */
        crtk_line_reader_problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_BAD_VALUE, line, col, TRUE, it->id,
                                 "the value holds a NUL byte (0x00), which is not text; it is read as a blank");
        v = copy = g_strndup(v, len);
        for (size_t i = 0; i < len; i++)
            if (!copy[i])
                copy[i] = ' ';
        stable = FALSE;
    }
    if (!len)
        return;
    if (stable) {
        r->val_ptr[k] = v;
    } else {
        r->val_ptr[k] = NULL;
        r->val_off[k] = (guint32)r->val_arena->len;
        g_string_append_len(r->val_arena, v, (gssize)len);
    }
    if (!r->val_len[k]) {
        if (r->level_at[k] != CRTK_LEVEL_TUMOR) {
            r->val_set[r->n_val_set++] = k;
        } else {
            if (r->n_tum_set && k < r->tum_set[r->n_tum_set - 1])
                r->val_unordered = TRUE;
            r->tum_set[r->n_tum_set++] = k;
        }
    }
    r->val_len[k] = (guint32)len;
    g_free(copy);
}

const char *crtk_line_reader_latin1(crtk_line_reader *r, const char *v, size_t *len)
{
    g_string_truncate(r->conv, 0);
    for (size_t i = 0; i < *len; i++)
        g_string_append_unichar(r->conv, (unsigned char)v[i]);
    *len = r->conv->len;
    return r->conv->str;
}

void crtk_line_reader_take_root(crtk_line_reader *r)
{
    for (int i = 0; i < r->n_val_set; i++) {
        int k = r->val_set[i];
        const crtk_item *it = r->items[k];
        size_t vl;
        const char *v = line_value(r, k, &vl);
        if (it->level == CRTK_LEVEL_ROOT)
            crtk_element_set(&r->header->root, it->index, v, vl);
    }
}

static void check_value(crtk_line_reader *r, const crtk_item *it, const char *v, size_t len, long line, long col,
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
        crtk_line_reader_problem(r, CRTK_SEVERITY_ERROR, code, line, col, in_patient, it->id,
                                 "value \"%s\" is %lu characters; %s allows %d", s,
                                 (unsigned long)g_utf8_strlen(v, (gssize)len), it->id, it->length);
    else
        crtk_line_reader_problem(r, CRTK_SEVERITY_ERROR, code, line, col, in_patient, it->id, "value \"%s\": %s", s,
                                 why);
    g_free(s);
}

void crtk_line_reader_emit_patient(crtk_line_reader *r)
{
    if (!r->have_patient || r->aborted)
        return;
    r->have_patient = FALSE;
    if (r->h->patient && r->h->patient(r->rec, r->user) == CRTK_ABORT)
        r->aborted = TRUE;
}

void crtk_line_reader_group(crtk_line_reader *r, long line)
{
    size_t plen = 0, clen = 0;
    const char *pid = r->pid_item ? line_value(r, r->pos_of[r->pid_item->index], &plen) : NULL;
    const char *cur = r->have_patient && r->pid_item ? crtk_element_get(&r->rec->patient, r->pid_item->index, &clen) : NULL;
    gboolean same = !r->o->no_grouping && r->have_patient && pid && cur && same_value(pid, plen, cur, clen);
    if (!same) {
        crtk_line_reader_emit_patient(r);
        if (r->aborted)
            return;
        crtk_record_clear(r->rec);
        r->rec->ordinal = ++r->st->patients;
        r->rec->patient.line = line;
        r->have_patient = TRUE;
        r->lines_in_group = 0;
        r->group_line = line;
        for (int i = 0; i < r->n_val_set; i++) {
            int k = r->val_set[i];
            const crtk_item *it = r->items[k];
            size_t vl;
            const char *v = line_value(r, k, &vl);
            if (it->level == CRTK_LEVEL_PATIENT)
                crtk_element_set(&r->rec->patient, it->index, v, vl);
        }
    }
    r->lines_in_group++;
    const char *p = crtk_record_patient_id(r->rec);
    r->ctx_patient = r->rec->ordinal;
    r->ctx_pid = *p ? p : NULL;
    r->ctx_tumor = r->lines_in_group;
}

/* Checks one item of the line (the value v, or NULL when the line leaves it blank) and puts a Tumor
 * value into the tumor, which it adds on the first Tumor value. */
static void fill_item(crtk_line_reader *r, int k, long line, gboolean first, crtk_element **tumor)
{
    const crtk_item *it = r->items[k];
    const char *unit = r->rows ? "row" : "line";
    long col = crtk_line_reader_column(r, it);
    size_t len;
    const char *v = line_value(r, k, &len);
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
                crtk_line_reader_problem(r, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_INCONSISTENT, line, col, TRUE, it->id,
                                         "the file-level item %s is \"%s\" here but \"%s\" on the first %s; the "
                                         "first value is kept (later differences in %s are not reported)",
                                         it->id, a, b, unit, it->id);
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
                /* flat: "first line 12"; CSV: "first row (line 12)" */
                char *where = r->rows ? g_strdup_printf("row (line %ld)", r->group_line)
                                      : g_strdup_printf("line %ld", r->group_line);
                crtk_line_reader_problem(r, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_INCONSISTENT, line, col, TRUE, it->id,
                                         "patient item %s is \"%s\" on this %s but \"%s\" on the patient's "
                                         "first %s; the first value is kept",
                                         it->id, a, unit, b, where);
                g_free(where);
                g_free(a);
                g_free(b);
            }
        }
    } else if (v) {
        check_value(r, it, v, len, line, col, TRUE);
        if (!*tumor) {
            *tumor = crtk_record_add_tumor(r->rec);
            (*tumor)->line = line;
            r->st->tumors++;
        }
        crtk_element_set(*tumor, it->index, v, len);
    }
}

void crtk_line_reader_fill(crtk_line_reader *r, long line, gboolean first)
{
    crtk_element *tumor = NULL;
    if (r->val_unordered) {
        for (int k = 0; k < r->n_items && !r->aborted; k++)
            fill_item(r, k, line, first, &tumor);
        return;
    }
    /* The same items in the same order as above, without visiting the Tumor items the line leaves
     * blank: the NaaccrData and Patient items (all of them: a blank one may disagree with the first
     * line) merged with the Tumor values the line holds, both ascending by position. */
    int i = 0;
    const gboolean check = r->o->check_values;
    for (int j = 0; j < r->n_tum_set && !r->aborted; j++) {
        int b = r->tum_set[j];
        for (; i < r->n_shared && r->shared[i] < b && !r->aborted; i++)
            fill_item(r, r->shared[i], line, first, &tumor);
        /* A Tumor value: fill_item's last branch, inline. */
        const crtk_item *it = r->items[b];
        size_t len = r->val_len[b];
        const char *v = r->val_ptr[b] ? r->val_ptr[b] : r->val_arena->str + r->val_off[b];
        crtk_problem_code code;
        if (check && crtk_item_check_value(it, v, len, &code))
            check_value(r, it, v, len, line, crtk_line_reader_column(r, it), TRUE);
        if (!tumor) {
            tumor = crtk_record_add_tumor(r->rec);
            tumor->line = line;
            r->st->tumors++;
        }
        crtk_element_put(tumor, it->index, v, len);
    }
    for (; i < r->n_shared && !r->aborted; i++)
        fill_item(r, r->shared[i], line, first, &tumor);
}
