/* followup_worksheets.c — the follow-up due list (see followup_worksheets.h): every patient
 * classified by registry/followup, the statuses asked for kept, grouped by next follow-up source
 * or physician, oldest last contact first, as text, CSV, JSON Lines or Excel.  The rate worksheet
 * is followup_rate_sheet.c.
 */
#include "followup_worksheets.h"
#include "crtk/output.h"
#include "excel_common.h"
#include "codes.h"
#include "json.h"
#include "physicians.h"
#include "csv.h"
#include "due_order.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

/* A date YYYYMMDD as "YYYY-MM-DD" (0: ""). */
static char *pretty(int d)
{
    return d ? g_strdup_printf("%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100) : g_strdup("");
}

/* A date YYYYMMDD as "YYYYMMDD" (0: ""). */
static char *plain(int d)
{
    return d ? g_strdup_printf("%08d", d) : g_strdup("");
}

/* ---- the due list ------------------------------------------------------------------------------ */

enum { T_NUMBER, T_SITE, T_HIST, T_BEH, T_DX, T_CLASS, T_REASON, T_N };

typedef struct {
    char *group, *pid, *name, *dlc, *next, *physician, *mrn, *accession, *phone;
    char *physician_name; /* from the store's physician directory; "" when not in it */
    crtk_followup_status status;
    crtk_followup_reason reason;
    int last_contact, months, due_date, lost_after, age;
    gint64 row;
    GPtrArray *tumors; /* char*[T_N] (GStrv) */
} due_row;

struct crtk_due_list {
    crtk_store *store;           /* borrowed: each patient is read again from it as it is written */
    gboolean reading;            /* our read transaction is open on store (crtk_store_read_begin) */
    gboolean want[CRTK_FU_N_STATUS];
    int group_by; /* crtk_due_group */
    due_order *order;            /* the listed patients' sort keys, out of memory (due_order.h) */
    long n_rows;
    long counts[CRTK_FU_N_STATUS];
    crtk_followup_rules rules;
    GHashTable *physician_names; /* code -> name, from the directory (crtk/physicians.h) */
    char *registry;              /* registryName setting ("" when unset): the title */
    char *footer;                /* the printed footer's name (crtk_print_source_name) */
    GError *error;               /* the first failure of a scan callback */
};
typedef struct crtk_due_list due_ctx;

static void due_row_free(due_row *r)
{
    g_free(r->group), g_free(r->pid), g_free(r->name), g_free(r->dlc), g_free(r->next), g_free(r->physician);
    g_free(r->physician_name);
    g_free(r->mrn), g_free(r->accession), g_free(r->phone);
    g_ptr_array_free(r->tumors, TRUE);
    g_free(r);
}

static char *pretty_coded(const char *v)
{
    return crtk_followup_date_text(v, "");
}

static char *dup0(const char *v)
{
    return g_strdup(v ? v : "");
}

static char *next_source_label(const char *code)
{
    if (!code)
        return g_strdup("(next follow-up source not coded)");
    const char *l = crtk_code_label("nextFollowUpSource", code);
    return g_strdup_printf("%s %s", code, l ? l : "");
}

/* The group a patient is listed under (NULL when the list is not grouped): a next follow-up
 * source or a physician, never anything of the patient's own. */
static char *group_label(const due_ctx *c, const crtk_followup_patient *p)
{
    if (c->group_by == CRTK_DUE_GROUP_NEXT_SOURCE)
        return next_source_label(crtk_followup_next_source(p));
    if (c->group_by != CRTK_DUE_GROUP_PHYSICIAN)
        return NULL;
    const char *code = crtk_followup_physician(p);
    const char *name = code ? g_hash_table_lookup(c->physician_names, code) : NULL;
    if (name && *name)
        return g_strdup_printf("%s (%s)", name, code);
    if (code && *code)
        return g_strdup_printf("%s %s", strlen(code) == 10 ? "NPI" : "physician", code);
    return g_strdup("(no follow-up physician)");
}

/* The row of the list for a classified patient. */
static due_row *due_row_new(const due_ctx *c, const crtk_followup_patient *p)
{
    due_row *r = g_new0(due_row, 1);
    r->pid = dup0(p->item[CRTK_FU_PATIENT_ID_NUMBER]);
    const char *la = p->item[CRTK_FU_NAME_LAST], *f = p->item[CRTK_FU_NAME_FIRST], *m = p->item[CRTK_FU_NAME_MIDDLE];
    r->name = la || f ? g_strdup_printf("%s, %s%s%s", la ? la : "", f ? f : "", m ? " " : "", m ? m : "")
                      : g_strdup("");
    r->dlc = dup0(p->item[CRTK_FU_DATE_OF_LAST_CONTACT]);
    r->status = p->status;
    r->reason = p->reason;
    r->last_contact = p->last_contact;
    r->months = p->months_since_contact;
    r->due_date = p->due_date;
    r->lost_after = p->lost_after;
    r->age = p->age;
    r->row = p->patient_id;
    r->next = dup0(crtk_followup_next_source(p));
    r->physician = dup0(crtk_followup_physician(p));
    r->physician_name = dup0(g_hash_table_lookup(c->physician_names, r->physician));
    r->phone = dup0(p->item[CRTK_FU_TELEPHONE]);
    const crtk_followup_tumor *pt = p->principal >= 0 ? &p->tumors[p->principal] : NULL;
    r->mrn = dup0(pt ? pt->item[CRTK_FU_MEDICAL_RECORD_NUMBER] : NULL);
    r->accession = dup0(pt ? pt->item[CRTK_FU_ACCESSION_NUMBER] : NULL);
    r->group = group_label(c, p);
    r->tumors = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    for (int i = 0; i < p->n_tumors; i++) {
        const crtk_followup_tumor *t = &p->tumors[i];
        char **v = g_new0(char *, T_N + 1);
        v[T_NUMBER] = dup0(t->item[CRTK_FU_TUMOR_RECORD_NUMBER]);
        v[T_SITE] = dup0(t->item[CRTK_FU_PRIMARY_SITE]);
        v[T_HIST] = dup0(t->item[CRTK_FU_HISTOLOGY]);
        v[T_BEH] = dup0(t->item[CRTK_FU_BEHAVIOR]);
        v[T_DX] = dup0(t->item[CRTK_FU_DATE_OF_DIAGNOSIS]);
        v[T_CLASS] = dup0(t->item[CRTK_FU_CLASS_OF_CASE]);
        v[T_REASON] = g_strdup(crtk_followup_reason_code(t->reason));
        g_ptr_array_add(r->tumors, v);
    }
    return r;
}

/* First pass: count every status, and keep the sort keys of the patients listed. */
static int due_one(crtk_followup_patient *p, void *user)
{
    due_ctx *c = user;
    c->counts[p->status]++;
    if (!c->want[p->status])
        return CRTK_CONTINUE;
    char *group = group_label(c, p);
    gboolean ok = due_order_add(c->order, p->patient_id, group, p->last_contact, &c->error);
    g_free(group);
    if (!ok)
        return CRTK_ABORT;
    c->n_rows++;
    return CRTK_CONTINUE;
}

/* Second pass: every patient's place in patientIdNumber order (the patient_key index). */
typedef struct {
    due_ctx *c;
    gint64 rank;
} rank_ctx;

static int rank_one(int n, const char *const *v, const char *const *names, void *user)
{
    (void)n, (void)names;
    rank_ctx *k = user;
    return due_order_rank(k->c->order, g_ascii_strtoll(v[0], NULL, 10), ++k->rank, &k->c->error) ? CRTK_CONTINUE
                                                                                                    : CRTK_ABORT;
}

/* A scan's error, or the callback's when it stopped the scan. */
static gboolean scan_result(due_ctx *c, gboolean ok, GError **error)
{
    if (c->error) {
        g_clear_error(error);
        g_propagate_error(error, c->error);
        c->error = NULL;
        return FALSE;
    }
    return ok;
}

crtk_due_list *crtk_due_list_build(crtk_store *s, const crtk_followup_rules *rules,
                                  const gboolean want[CRTK_FU_N_STATUS], crtk_due_group group, GError **error)
{
    crtk_due_list *c = g_new0(crtk_due_list, 1);
    c->store = s;
    memcpy(c->want, want, sizeof c->want);
    c->group_by = group;
    c->rules = *rules;
    c->physician_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    c->registry = crtk_store_get_setting(s, "registryName");
    if (!c->registry)
        c->registry = g_strdup("");
    c->footer = crtk_print_source_name(s, NULL);
    /* both passes and the writing read one state of the store */
    if (!crtk_store_read_begin(s, &c->reading, error) || !(c->order = due_order_new(error))) {
        crtk_due_list_free(c);
        return NULL;
    }
    GPtrArray *dir = crtk_store_physicians(s, error);
    if (!dir) {
        crtk_due_list_free(c);
        return NULL;
    }
    for (guint i = 0; i < dir->len; i++) {
        crtk_physician *ph = dir->pdata[i];
        g_hash_table_replace(c->physician_names, g_strdup(ph->code), g_strdup(ph->name ? ph->name : ""));
    }
    g_ptr_array_free(dir, TRUE);
    gboolean ok = scan_result(c, crtk_followup_scan(s, &c->rules, CRTK_FU_SCAN_LIST, due_one, c, error), error);
    if (ok && c->n_rows) {
        rank_ctx k = {c, 0};
        ok = scan_result(c,
                         crtk_store_select(s, "SELECT id FROM patient ORDER BY coalesce(\"patientIdNumber\", ''), id", NULL, 0,
                                           rank_one, &k, error),
                         error);
    }
    /* a read that failed on the way (the physician directory) is an error, not a list without it */
    if (!ok || !crtk_store_reads_ok(s, error) || !due_order_finish(c->order, error)) {
        crtk_due_list_free(c);
        return NULL;
    }
    return c;
}

void crtk_due_list_free(crtk_due_list *l)
{
    if (!l)
        return;
    if (l->reading)
        crtk_store_read_end(l->store);
    due_order_free(l->order);
    if (l->physician_names)
        g_hash_table_destroy(l->physician_names);
    g_free(l->registry);
    g_free(l->footer);
    g_clear_error(&l->error);
    g_free(l);
}

long crtk_due_list_rows(const crtk_due_list *l)
{
    return l->n_rows;
}

long crtk_due_list_count(const crtk_due_list *l, crtk_followup_status status)
{
    return l->counts[status];
}

/* ---- reading the list back, in order ---------------------------------------------------------- */

/* Patients read from the store at once: one query per batch instead of one per patient. */
#define DUE_BATCH 256

typedef gboolean (*due_row_fn)(const due_row *r, long index, void *user, GError **error);

typedef struct {
    due_ctx *c;
    due_row_fn fn;
    void *user;
    GArray *rows;       /* gint64 row ids of the batch, in list order */
    GHashTable *made;   /* row id -> due_row, of the batch */
    long index;
} each_ctx;

static int make_one(crtk_followup_patient *p, void *user)
{
    each_ctx *e = user;
    due_row *r = due_row_new(e->c, p);
    g_hash_table_replace(e->made, &r->row, r);
    return CRTK_CONTINUE;
}

static gboolean flush_batch(each_ctx *e, GError **error)
{
    if (!e->rows->len)
        return TRUE;
    GString *where = g_string_new("p.id IN (");
    for (guint i = 0; i < e->rows->len; i++)
        g_string_append_printf(where, "%s%" G_GINT64_FORMAT, i ? "," : "", g_array_index(e->rows, gint64, i));
    g_string_append_c(where, ')');
    crtk_store_query q = {.where = where->str};
    gboolean ok = crtk_followup_scan_query(e->c->store, &e->c->rules, CRTK_FU_SCAN_LIST, &q, make_one, e, error);
    g_string_free(where, TRUE);
    for (guint i = 0; ok && i < e->rows->len; i++) {
        gint64 row = g_array_index(e->rows, gint64, i);
        const due_row *r = g_hash_table_lookup(e->made, &row);
        if (!r) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO,
                        "patient row %" G_GINT64_FORMAT " of the follow-up list is no longer in the store", row);
            ok = FALSE;
        } else {
            ok = e->fn(r, e->index++, e->user, error);
        }
    }
    g_array_set_size(e->rows, 0);
    g_hash_table_remove_all(e->made);
    return ok;
}

static gboolean collect(gint64 row, const char *group, void *user, GError **error)
{
    (void)group;
    each_ctx *e = user;
    g_array_append_val(e->rows, row);
    return e->rows->len < DUE_BATCH || flush_batch(e, error);
}

/* Calls fn for every patient of the list, in its order, read again from the store. */
static gboolean due_each(const crtk_due_list *list, due_row_fn fn, void *user, GError **error)
{
    each_ctx e = {(due_ctx *)list, fn, user, g_array_sized_new(FALSE, FALSE, sizeof(gint64), DUE_BATCH),
                  g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, (GDestroyNotify)due_row_free), 0};
    gboolean ok = due_order_each(list->order, collect, &e, error) && flush_batch(&e, error);
    g_array_free(e.rows, TRUE);
    g_hash_table_destroy(e.made);
    return ok;
}

static char *status_word(const due_row *r)
{
    if (r->status == CRTK_FU_EXCLUDED)
        return g_strdup_printf("excluded:%s", crtk_followup_reason_code(r->reason));
    return g_strdup(crtk_followup_status_name(r->status));
}

/* "C504 2021-03-01; C619 2023 (not followed: benign)" */
static char *tumors_text(const due_row *r)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < r->tumors->len; i++) {
        char **t = r->tumors->pdata[i];
        char *dx = pretty_coded(t[T_DX]);
        g_string_append_printf(s, "%s%s%s%s", s->len ? "; " : "", *t[T_SITE] ? t[T_SITE] : "site?", *dx ? " " : "",
                               dx);
        if (*t[T_HIST])
            g_string_append_printf(s, " %s/%s", t[T_HIST], t[T_BEH]);
        if (*t[T_REASON])
            g_string_append_printf(s, " (not followed: %s)", t[T_REASON]);
        g_free(dx);
    }
    return g_string_free(s, FALSE);
}

typedef struct {
    const due_ctx *c;
    FILE *f;
    char *group; /* of the previous row */
} text_ctx;

/* Prints s in a column width characters wide (UTF-8 characters, not bytes): padded with spaces, or
 * cut to width - 1 characters and "~" when longer, so the columns after it stay in line.  The
 * whole value is in the CSV, JSON and workbook forms of the list. */
static void text_cell(FILE *f, const char *s, int width)
{
    if (!g_utf8_validate(s, -1, NULL))
        s = "?";
    glong n = g_utf8_strlen(s, -1);
    if (n > width) {
        const char *cut = g_utf8_offset_to_pointer(s, width - 1);
        fprintf(f, "%.*s~", (int)(cut - s), s);
        return;
    }
    fprintf(f, "%s%*s", s, (int)(width - n), "");
}

static gboolean text_row(const due_row *x, long index, void *user, GError **error)
{
    text_ctx *t = user;
    FILE *f = t->f;
    if (!index || (x->group && g_strcmp0(t->group, x->group))) {
        if (x->group) {
            long n = due_order_group_count(t->c->order, x->group, error);
            if (n < 0)
                return FALSE;
            fprintf(f, "\n== %s: %ld patient%s ==\n", x->group, n, n == 1 ? "" : "s");
        } else {
            fputc('\n', f);
        }
        fprintf(f, "%-10s %-26s %-12s %6s  %-24s %-4s %-24s %s\n", "PATIENT", "NAME", "LAST CONTACT", "MONTHS",
                "STATUS", "NEXT", "PHYSICIAN", "TUMORS");
        g_free(t->group);
        t->group = g_strdup(x->group);
    }
    char *dlc = pretty_coded(x->dlc), *st = status_word(x), *tu = tumors_text(x);
    char months[16] = "?";
    if (x->months >= 0 || x->last_contact)
        g_snprintf(months, sizeof months, "%d", x->months);
    fprintf(f, "%-10s ", x->pid);
    text_cell(f, x->name, 26);
    fprintf(f, " %-12s %6s  %-24s %-4s ", *dlc ? dlc : "(none)", months, st, x->next);
    text_cell(f, *x->physician_name ? x->physician_name : x->physician, 24);
    fprintf(f, " %s\n", tu);
    g_free(dlc), g_free(st), g_free(tu);
    return TRUE;
}

gboolean crtk_due_list_write_text(const crtk_due_list *c, FILE *f, const char *db, GError **error)
{
    const crtk_followup_rules *r = &c->rules;
    char *asof = pretty(r->as_of);
    fprintf(f, "Follow-up list of %s as of %s: due %d to %d months after the last contact, lost after %d\n", db,
            asof, r->due_months, r->lost_months, r->lost_months);
    g_free(asof);
    text_ctx t = {c, f, NULL};
    gboolean ok = due_each(c, text_row, &t, error);
    g_free(t.group);
    if (!ok)
        return FALSE;
    long shown = c->n_rows;
    fprintf(f, "\n%ld patient%s listed.  All patients: ", shown, shown == 1 ? "" : "s");
    for (int s = 0; s < CRTK_FU_N_STATUS; s++)
        fprintf(f, "%s%s %ld", s ? ", " : "", crtk_followup_status_name(s), c->counts[s]);
    fputc('\n', f);
    return TRUE;
}

static const char *const due_columns[] = {"group", "patientIdNumber", "name", "status", "reason",
                                          "dateOfLastContact", "monthsSinceContact", "dueDate", "lostAfter",
                                          "nextFollowUpSource", "physician", "medicalRecordNumber",
                                          "accessionNumberHosp", "telephone", "age", "tumors", NULL};


/* The values of a row, as text, in due_columns order (newly allocated); dates as YYYYMMDD like
 * NAACCR's, or YYYY-MM-DD for people (nice). */
static char **due_values(const due_row *x, gboolean nice)
{
    char **v = g_new0(char *, G_N_ELEMENTS(due_columns));
    int i = 0;
    v[i++] = dup0(x->group);
    v[i++] = dup0(x->pid);
    v[i++] = dup0(x->name);
    v[i++] = g_strdup(crtk_followup_status_name(x->status));
    v[i++] = g_strdup(x->status == CRTK_FU_EXCLUDED ? crtk_followup_reason_code(x->reason) : "");
    v[i++] = nice ? pretty_coded(x->dlc) : dup0(x->dlc);
    v[i++] = x->last_contact ? g_strdup_printf("%d", x->months) : g_strdup("");
    v[i++] = nice ? pretty(x->due_date) : plain(x->due_date);
    v[i++] = nice ? pretty(x->lost_after) : plain(x->lost_after);
    v[i++] = dup0(x->next);
    v[i++] = dup0(x->physician);
    v[i++] = dup0(x->mrn);
    v[i++] = dup0(x->accession);
    v[i++] = dup0(x->phone);
    v[i++] = x->age >= 0 ? g_strdup_printf("%d", x->age) : g_strdup("");
    v[i++] = tumors_text(x);
    return v;
}

typedef struct {
    const due_ctx *c;
    FILE *f;
    GString *s; /* written out every 64 KiB */
} stream_ctx;

static void stream_flush(stream_ctx *t, gboolean all)
{
    if (all || t->s->len > 1 << 16) {
        fwrite(t->s->str, 1, t->s->len, t->f);
        g_string_truncate(t->s, 0);
    }
}

static gboolean csv_row(const due_row *x, long index, void *user, GError **error)
{
    (void)index, (void)error;
    stream_ctx *t = user;
    int first_col = t->c->group_by ? 0 : 1;
    char **v = due_values(x, FALSE);
    for (int i = first_col; due_columns[i]; i++)
        crtk_csv_append_for_people(t->s, v[i], i == first_col);
    g_string_append(t->s, "\r\n");
    g_strfreev(v);
    stream_flush(t, FALSE);
    return TRUE;
}

gboolean crtk_due_list_write_csv(const crtk_due_list *c, FILE *f, GError **error)
{
    stream_ctx t = {c, f, g_string_new(NULL)};
    int first_col = c->group_by ? 0 : 1;
    for (int i = first_col; due_columns[i]; i++)
        crtk_csv_append_for_people(t.s, due_columns[i], i == first_col);
    g_string_append(t.s, "\r\n");
    gboolean ok = due_each(c, csv_row, &t, error);
    stream_flush(&t, TRUE);
    g_string_free(t.s, TRUE);
    return ok;
}

static void json_opt(GString *s, const char *name, const char *v)
{
    if (v && *v)
        crtk_json_field_str(s, name, v, FALSE);
    else
        g_string_append_printf(s, ",\"%s\":null", name);
}

static gboolean json_row(const due_row *x, long index, void *user, GError **error)
{
    (void)index, (void)error;
    stream_ctx *out = user;
    GString *s = out->s;
    g_string_append_c(s, '{');
    crtk_json_field_str(s, "patientIdNumber", x->pid, TRUE);
    crtk_json_field_str(s, "status", crtk_followup_status_name(x->status), FALSE);
    json_opt(s, "reason", x->status == CRTK_FU_EXCLUDED ? crtk_followup_reason_code(x->reason) : NULL);
    if (x->status == CRTK_FU_EXCLUDED)
        crtk_json_field_str(s, "reasonText", crtk_followup_reason_text(x->reason), FALSE);
    json_opt(s, "name", x->name);
    json_opt(s, "dateOfLastContact", x->dlc);
    if (x->last_contact)
        crtk_json_field_int(s, "monthsSinceContact", x->months, FALSE);
    else
        g_string_append(s, ",\"monthsSinceContact\":null");
    char *d = plain(x->due_date), *l = plain(x->lost_after);
    json_opt(s, "dueDate", d);
    json_opt(s, "lostAfter", l);
    g_free(d), g_free(l);
    json_opt(s, "nextFollowUpSource", x->next);
    json_opt(s, "physician", x->physician);
    json_opt(s, "physicianName", x->physician_name);
    json_opt(s, "medicalRecordNumber", x->mrn);
    json_opt(s, "accessionNumberHosp", x->accession);
    json_opt(s, "telephone", x->phone);
    if (x->age >= 0)
        crtk_json_field_int(s, "age", x->age, FALSE);
    if (x->group)
        crtk_json_field_str(s, "group", x->group, FALSE);
    crtk_json_field_int(s, "patientRow", x->row, FALSE);
    g_string_append(s, ",\"tumors\":[");
    for (guint i = 0; i < x->tumors->len; i++) {
        char **t = x->tumors->pdata[i];
        g_string_append_printf(s, "%s{", i ? "," : "");
        static const char *const names[T_N] = {"tumorRecordNumber", "primarySite", "histologicTypeIcdO3",
                                               "behaviorCodeIcdO3", "dateOfDiagnosis", "classOfCase", "notFollowed"};
        gboolean first = TRUE;
        for (int j = 0; j < T_N; j++) {
            if (!*t[j])
                continue;
            crtk_json_field_str(s, names[j], t[j], first);
            first = FALSE;
        }
        g_string_append_c(s, '}');
    }
    g_string_append(s, "]}\n");
    stream_flush(out, FALSE);
    return TRUE;
}

gboolean crtk_due_list_write_json(const crtk_due_list *c, FILE *f, GError **error)
{
    stream_ctx t = {c, f, g_string_new(NULL)};
    gboolean ok = due_each(c, json_row, &t, error);
    stream_flush(&t, TRUE);
    g_string_free(t.s, TRUE);
    return ok;
}

/* The tumors as a clerk reads them, codes with their names: "C50.4 Breast, upper outer quadrant;
 * 8500/3 Infiltrating duct carcinoma, NOS; dx 2021-03-01", one tumor a line. */
static char *tumors_words(const due_row *r)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < r->tumors->len; i++) {
        char **t = r->tumors->pdata[i];
        if (s->len)
            g_string_append_c(s, '\n');
        const char *site = t[T_SITE];
        if (*site) {
            const char *label = crtk_topography_label(site);
            if (strlen(site) == 4)
                g_string_append_printf(s, "%.3s.%s", site, site + 3);
            else
                g_string_append(s, site);
            if (label)
                g_string_append_printf(s, " %s", label);
        } else {
            g_string_append(s, "site not coded");
        }
        if (*t[T_HIST]) {
            const crtk_morphology *m = crtk_morphology_find(atoi(t[T_HIST]), *t[T_BEH] ? atoi(t[T_BEH]) : 3);
            g_string_append_printf(s, "; %s/%s", t[T_HIST], *t[T_BEH] ? t[T_BEH] : "?");
            if (m && m->label) {
                const char *cut = strpbrk(m->label, "([");
                char *w = cut ? g_strndup(m->label, (gsize)(cut - m->label)) : g_strdup(m->label);
                g_string_append_printf(s, " %s", g_strstrip(w));
                g_free(w);
            }
        }
        char *dx = pretty_coded(t[T_DX]);
        if (*dx)
            g_string_append_printf(s, "; dx %s", dx);
        g_free(dx);
        if (*t[T_REASON])
            g_string_append_printf(s, " (not followed: %s)", t[T_REASON]);
    }
    return g_string_free(s, FALSE);
}

/* Lines a wrapped cell of width characters needs for text (crtk_xlsx_wrapped_lines): the row
 * height is set from it, as a spreadsheet does not size rows when it opens the file. */
static int wrapped_lines(const char *text, double width)
{
    return crtk_xlsx_wrapped_lines(text, width, FALSE);
}

/* A NAACCR date written as a date cell when it is whole (YYYYMMDD), as text "YYYY-MM" or "YYYY"
 * when only part is known (kept as coded, never made up), nothing when blank. */
static void write_date_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *v, lxw_format *date,
                            lxw_format *text)
{
    if (!v || !*v)
        return;
    int n = (int)strlen(v);
    gboolean digits = TRUE;
    for (int i = 0; i < n; i++)
        digits &= g_ascii_isdigit(v[i]) != 0;
    if (n == 8 && digits) {
        int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0'), m = (v[4] - '0') * 10 + (v[5] - '0'), d = (v[6] - '0') * 10 + (v[7] - '0');
        if (g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y)) {
            lxw_datetime dt = {y, m, d, 0, 0, 0};
            worksheet_write_datetime(ws, row, col, &dt, date);
            return;
        }
    }
    char *t = pretty_coded(v);
    worksheet_write_string(ws, row, col, *t ? t : v, text);
    g_free(t);
}

/* The due list's sheet as its rows are written (constant memory: each row before the next). */
typedef struct {
    const due_ctx *c;
    lxw_worksheet *ws;
    lxw_format *date, *text, *wrap, *group, *number;
    lxw_row_t head_row;
    int first; /* the first of due_sheet_columns shown (1 when not grouped) */
} xlsx_ctx;

/* friendly headers, widths in characters: a landscape Letter page at about 75% (the group column
   only when grouped).  Status is wide enough for its longest word ("basal/squamous"), so that
   "excluded: in-situ or localized basal/squamous cell skin carcinoma only" wraps at its spaces. */
static const struct {
    const char *head;
    double width;
} due_sheet_columns[] = {
    {"Group", 18},        {"Patient ID", 10},         {"Name", 20},         {"Status", 16},
    {"Last contact", 10}, {"Months since", 7},        {"Next follow-up source", 16},
    {"Physician", 18},    {"Medical record no.", 14}, {"Telephone", 13},    {"Tumors", 40},
};

static gboolean xlsx_row(const due_row *x, long index, void *user, GError **error)
{
    (void)error;
    xlsx_ctx *w = user;
    const due_ctx *c = w->c;
    lxw_worksheet *ws = w->ws;
    lxw_format *date = w->date, *text = w->text, *wrap = w->wrap, *group = w->group, *number = w->number;
    const int first = w->first;
    lxw_row_t row = (lxw_row_t)(w->head_row + 1 + index);
    lxw_col_t col = 0;
    int lines = 1; /* the row's height: its wrapped cell with the most lines */
    if (c->group_by) {
        worksheet_write_string(ws, row, col, x->group, group);
        lines = MAX(lines, crtk_xlsx_wrapped_lines(x->group, due_sheet_columns[col].width, TRUE));
        col++;
    }
    worksheet_write_string(ws, row, col++, x->pid, text);
    worksheet_write_string(ws, row, col, x->name, wrap);
    lines = MAX(lines, wrapped_lines(x->name, due_sheet_columns[first + col].width));
    col++;
    char *st = x->status == CRTK_FU_EXCLUDED
                   ? g_strdup_printf("excluded: %s", crtk_followup_reason_text(x->reason))
                   : g_strdup(crtk_followup_status_name(x->status));
    worksheet_write_string(ws, row, col, st, wrap);
    lines = MAX(lines, wrapped_lines(st, due_sheet_columns[first + col].width));
    col++;
    g_free(st);
    write_date_cell(ws, row, col++, x->dlc, date, text);
    if (x->last_contact)
        worksheet_write_number(ws, row, col, x->months, number);
    col++;
    if (*x->next) {
        const char *l = crtk_code_label("nextFollowUpSource", x->next);
        char *v = l ? g_strdup_printf("%s \u2014 %s", x->next, l) : g_strdup(x->next);
        worksheet_write_string(ws, row, col, v, wrap);
        lines = MAX(lines, wrapped_lines(v, due_sheet_columns[first + col].width));
        g_free(v);
    }
    col++;
    if (*x->physician) {
        char *v = *x->physician_name ? g_strdup_printf("%s (%s)", x->physician_name, x->physician)
                                     : g_strdup_printf("%s (not in the directory)", x->physician);
        worksheet_write_string(ws, row, col, v, wrap);
        lines = MAX(lines, wrapped_lines(v, due_sheet_columns[first + col].width));
        g_free(v);
    }
    col++;
    if (*x->mrn)
        worksheet_write_string(ws, row, col, x->mrn, text);
    col++;
    if (*x->phone)
        worksheet_write_string(ws, row, col, x->phone, text);
    col++;
    char *tu = tumors_words(x);
    worksheet_write_string(ws, row, col, tu, wrap);
    lines = MAX(lines, wrapped_lines(tu, due_sheet_columns[first + col].width));
    g_free(tu);
    worksheet_set_row(ws, row, 13.5 * lines, NULL);
    return TRUE;
}

gboolean crtk_due_list_write_xlsx(const crtk_due_list *c, const char *output, GError **error)
{
    const crtk_followup_rules *r = &c->rules;
    crtk_output *out;
    const lxw_row_t head_row = 3;
    if (c->n_rows > (long)LXW_ROW_MAX - head_row - 1) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "%s: %ld patients are more than a sheet holds (%ld); write CSV or narrow --status", output,
                    c->n_rows, (long)LXW_ROW_MAX - head_row - 1);
        return FALSE;
    }
    lxw_workbook *wb = crtk_xlsx_begin(output, TRUE, &out, error);
    if (!wb)
        return FALSE;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Follow-up list");
    lxw_format *title = workbook_add_format(wb), *head = workbook_add_format(wb), *date = workbook_add_format(wb),
               *text = workbook_add_format(wb), *wrap = workbook_add_format(wb), *group = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 13);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(head, 0xDDE4EE);
    format_set_bottom(head, LXW_BORDER_THIN);
    format_set_num_format(date, "mm/dd/yyyy");
    format_set_align(date, LXW_ALIGN_LEFT);
    format_set_align(date, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(text, "@"); /* ids and codes stay text: leading zeros kept */
    format_set_align(text, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(wrap);
    format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(group);
    format_set_text_wrap(group);
    format_set_align(group, LXW_ALIGN_VERTICAL_TOP);
    lxw_format *number = workbook_add_format(wb);
    format_set_align(number, LXW_ALIGN_VERTICAL_TOP);

    char *asof = pretty(r->as_of);
    char *t = g_strdup_printf("Follow-up list%s%s as of %s", *c->registry ? " of " : "", c->registry, asof);
    worksheet_write_string(ws, 0, 0, t, title);
    g_free(t);
    t = g_strdup_printf("Patients due %d to %d months after the last contact; lost after %d months. "
                        "Oldest last contact first%s.",
                        r->due_months, r->lost_months, r->lost_months,
                        c->group_by == 1 ? ", by next follow-up source" : c->group_by == 2 ? ", by physician" : "");
    worksheet_write_string(ws, 1, 0, t, NULL);
    g_free(t);
    g_free(asof);

    int first = c->group_by ? 0 : 1, ncols = (int)G_N_ELEMENTS(due_sheet_columns) - first, head_lines = 2;
    for (int i = 0; i < ncols; i++) {
        worksheet_write_string(ws, head_row, (lxw_col_t)i, due_sheet_columns[first + i].head, head);
        worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, due_sheet_columns[first + i].width, NULL);
        head_lines = MAX(head_lines, crtk_xlsx_wrapped_lines(due_sheet_columns[first + i].head,
                                                             due_sheet_columns[first + i].width, TRUE));
    }
    worksheet_set_row(ws, head_row, 15.0 * head_lines, NULL);
    xlsx_ctx w = {c, ws, date, text, wrap, group, number, head_row, first};
    if (!due_each(c, xlsx_row, &w, error)) {
        crtk_xlsx_abandon(wb, out);
        return FALSE;
    }
    lxw_row_t last = (lxw_row_t)(head_row + (c->n_rows ? c->n_rows : 1));
    if (!c->n_rows)
        worksheet_write_string(ws, head_row + 1, 0, "No patient of the statuses asked for.", NULL);
    worksheet_freeze_panes(ws, head_row + 1, 0);
    worksheet_autofilter(ws, head_row, 0, last, (lxw_col_t)(ncols - 1));
    char as_of[16];
    g_snprintf(as_of, sizeof as_of, "%08d", r->as_of);
    crtk_sheet_print_setup(ws, c->footer, as_of, TRUE, head_row);
    return crtk_xlsx_commit(wb, out, output, error);
}
