/* qa_summary.c — counts, data-quality measures and edits summary of a selection of tumors, and
 * the text form of the QA summary (the workbook form is in excel_quality.c).  See qa_summary.h.
 *
 * Every count is one plain SELECT over `tumor t JOIN patient p ON p.id = t.patient_id`
 * restricted by the selection, run through crtk_store_select; docs/reports.md gives them.
 */
#include "qa_summary.h"
#include "crtk/output.h"
#include "excel_common.h"
#include "excel_reports.h"
#include "problem.h"
#include "derived.h"
#include "distinct_keys.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void crtk_qa_init(crtk_qa *qa)
{
    memset(qa, 0, sizeof *qa);
    qa->info = g_ptr_array_new_with_free_func(g_free);
    qa->by_year = g_ptr_array_new();
    qa->by_site = g_ptr_array_new();
    qa->by_facility = g_ptr_array_new();
    qa->by_class = g_ptr_array_new();
    qa->edits = g_ptr_array_new();
    qa->failures = g_ptr_array_new();
    qa->title = g_strdup("Data-quality summary");
}

static void free_counts(GPtrArray *a)
{
    if (!a)
        return;
    for (guint i = 0; i < a->len; i++) {
        crtk_qa_count *c = g_ptr_array_index(a, i);
        g_free(c->code);
        g_free(c->label);
        g_free(c);
    }
    g_ptr_array_free(a, TRUE);
}

void crtk_qa_clear(crtk_qa *qa)
{
    if (qa->info)
        g_ptr_array_free(qa->info, TRUE);
    free_counts(qa->by_year);
    free_counts(qa->by_site);
    free_counts(qa->by_facility);
    free_counts(qa->by_class);
    for (guint i = 0; qa->edits && i < qa->edits->len; i++) {
        crtk_qa_edit *e = g_ptr_array_index(qa->edits, i);
        g_free(e->id), g_free(e->name), g_free(e->agency), g_free(e);
    }
    if (qa->edits)
        g_ptr_array_free(qa->edits, TRUE);
    for (guint i = 0; qa->failures && i < qa->failures->len; i++) {
        crtk_qa_failure *f = g_ptr_array_index(qa->failures, i);
        g_free(f->patient_id), g_free(f->edit_id), g_free(f->message), g_free(f);
    }
    if (qa->failures)
        g_ptr_array_free(qa->failures, TRUE);
    g_free(qa->edit_set);
    g_free(qa->title);
    memset(qa, 0, sizeof *qa);
}

void crtk_qa_info(crtk_qa *qa, const char *label, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(qa->info, g_strdup(label));
    g_ptr_array_add(qa->info, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static gboolean is_analytic(const char *code)
{
    static const char *const analytic[] = {"00", "10", "11", "12", "13", "14", "20", "21", "22"};
    for (size_t i = 0; code && i < G_N_ELEMENTS(analytic); i++)
        if (!strcmp(code, analytic[i]))
            return TRUE;
    return FALSE;
}

/* Days between two whole NAACCR dates (YYYYMMDD), or G_MININT when either is not a whole date. */
static int days_between(const char *from, const char *to)
{
    GDate a, b;
    for (int k = 0; k < 2; k++) {
        const char *v = k ? to : from;
        if (!v || strlen(v) != 8 || strspn(v, "0123456789") != 8)
            return G_MININT;
        int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0'), m = (v[4] - '0') * 10 + (v[5] - '0'), d = (v[6] - '0') * 10 + (v[7] - '0');
        if (!g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
            return G_MININT;
        g_date_set_dmy(k ? &b : &a, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
    }
    return g_date_days_between(&a, &b);
}

static const char *class_label(const char *code)
{
    static const char *const analytic[] = {"00", "10", "11", "12", "13", "14", "20", "21", "22"};
    if (!code || !*code)
        return "Unknown";
    for (size_t i = 0; i < G_N_ELEMENTS(analytic); i++)
        if (!strcmp(code, analytic[i]))
            return "Analytic";
    return "Non-analytic";
}

static void set_measure(crtk_qa_measure *m, const char *id, const char *name, const char *unit, long num, long den,
                        const char *source)
{
    m->id = id;
    m->name = name;
    m->unit = unit;
    m->numerator = num;
    m->denominator = den;
    double scale = !strcmp(unit, "%") ? 100.0 : 1000.0;
    m->value = den > 0 ? scale * (double)num / (double)den : NAN;
    m->source = source;
    for (int k = 0; k < CRTK_QA_STANDARDS; k++)
        m->standards[k] = (crtk_qa_standard){NULL, NAN, FALSE};
}

static void standard(crtk_qa_measure *m, int k, double limit, gboolean inclusive)
{
    static const char *const names[CRTK_QA_STANDARDS] = {"NAACCR Gold", "NPCR national (23 months)",
                                                         "USCS publication"};
    m->standards[k] = (crtk_qa_standard){names[k], limit, inclusive};
}

int crtk_qa_meets(const crtk_qa_measure *m, int k)
{
    const crtk_qa_standard *s = &m->standards[k];
    if (isnan(s->limit) || isnan(m->value))
        return -1;
    double v = round(m->value * 1e6) / 1e6;
    if (m->higher_is_better)
        return s->inclusive ? v >= s->limit : v > s->limit;
    return s->inclusive ? v <= s->limit : v < s->limit;
}

#define SRC_CERT "NAACCR certification criteria; CDC NPCR data-quality standards; USCS publication criteria"

/* One pass over the selected tumors; the groups and the measures are added up here. */
/* The scan comes in patient then tumor order (crtk_store_scan_items), so a patient is counted when
 * its row id differs from the last one counted: no set of patient ids is kept (memory stays flat). */
typedef struct {
    GHashTable *counts[4];    /* code -> group_acc, for year, site, facility, class */
    gint64 last_pid;          /* the patient row id counted last, 0 none */
    long patients;            /* patients seen */
    crtk_distinct_keys *seen; /* set 0: duplicate keys seen; set 1: person keys seen (bounded memory) */
    GError *error;            /* from seen */
    long tumors, dco, sex, age, race, county, micro, dup_tumors;
    long analytic, staged, timely, timed; /* hospital measures: analytic tumors, with a stage; with both
                                             dates, abstracted within 6 months of first contact */
} scan_acc;

typedef struct {
    long tumors;
    long patients;
    gint64 last_pid; /* the patient counted last in this group */
} group_acc;

static void add_group(GHashTable *h, const char *code, gint64 pid)
{
    group_acc *g = g_hash_table_lookup(h, code ? code : "");
    if (!g) {
        g = g_new0(group_acc, 1);
        g_hash_table_insert(h, g_strdup(code ? code : ""), g);
    }
    g->tumors++;
    if (g->last_pid != pid) {
        g->last_pid = pid;
        g->patients++;
    }
}

static gboolean blank(const char *v)
{
    return !v || !*v;
}

static gboolean eq(const char *v, const char *code)
{
    return v && !strcmp(v, code);
}

/* Six months from the date of first contact, as the Commission on Cancer counts abstracting time. */
#define TIMELY_DAYS 183

/* columns (crtk_store_scan_items): patient row, tumor row, then 1 trs, 2 sex, 3 age, 4 dob, 5 dx, 6 race1,
 * 7 county, 8 dxconf, 9 site, 10 hist, 11 beh, 12 laterality, 13 facility, 14 class, 15 ssn, 16 last, 17 first,
 * 18 first contact, 19 case completed, 20 stage
 * (v below starts one column after the patient row, so the item numbers above index it) */
static int scan_row(int ncols, const char *const *row, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    scan_acc *a = user;
    const char *const *v = row + 1;
    gint64 pid = g_ascii_strtoll(row[0], NULL, 10);
    a->tumors++;
    if (a->last_pid != pid) {
        a->last_pid = pid;
        a->patients++;
    }
    a->dco += eq(v[1], "7");
    a->sex += blank(v[2]) || eq(v[2], "9");
    int age = blank(v[3]) ? crtk_age_at_diagnosis(v[4], v[5]) : atoi(v[3]);
    a->age += age == 999;
    a->race += blank(v[6]) || eq(v[6], "99");
    a->county += blank(v[7]) || eq(v[7], "999");
    a->micro += eq(v[8], "1") || eq(v[8], "2") || eq(v[8], "3") || eq(v[8], "4");
    if (is_analytic(v[14])) {
        a->analytic++;
        int g = crtk_report_stage_group(v[20]);
        a->staged += g != CRTK_STAGE_UNKNOWN;
        int days = days_between(v[18], v[19]);
        if (days != G_MININT && days >= 0) {
            a->timed++;
            a->timely += days <= TIMELY_DAYS;
        }
    }
    char year[5] = "";
    if (v[5] && strlen(v[5]) >= 4)
        memcpy(year, v[5], 4), year[4] = 0;
    add_group(a->counts[0], year, pid);
    add_group(a->counts[1], crtk_report_site_group(v[9], v[10], v[11], v[5]), pid);
    add_group(a->counts[2], v[13], pid);
    add_group(a->counts[3], v[14], pid);
    /* possible duplicates */
    char *person;
    if (!blank(v[15]) && strcmp(v[15], "999999999") && strcmp(v[15], "000000000"))
        person = g_strconcat("S", v[15], NULL);
    else if (!blank(v[16]) && !blank(v[4])) {
        char *l = g_ascii_strup(v[16], -1), *f = g_ascii_strup(v[17] ? v[17] : "", -1);
        person = g_strconcat("N", l, "|", f, "|", v[4], NULL);
        g_free(l), g_free(f);
    } else
        person = g_strconcat("P", row[0], NULL);
    char *key = g_strdup_printf("%s|%.3s|%.3s|%s|%.4s", person, v[9] ? v[9] : "", v[10] ? v[10] : "",
                                v[12] ? v[12] : "", v[5] ? v[5] : "");
    int fresh_key = crtk_distinct_keys_add(a->seen, 0, key, strlen(key), &a->error);
    /* distinct person keys: patient records minus these share identifiers with another record */
    int fresh_person = fresh_key < 0 ? -1 : crtk_distinct_keys_add(a->seen, 1, person, strlen(person), &a->error);
    g_free(key);
    g_free(person);
    if (fresh_key < 0 || fresh_person < 0)
        return CRTK_ABORT;
    a->dup_tumors += fresh_key == 0;
    return CRTK_CONTINUE;
}

static int cmp_count(const void *x, const void *y)
{
    const crtk_qa_count *a = *(crtk_qa_count *const *)x, *b = *(crtk_qa_count *const *)y;
    if (!*a->code != !*b->code)
        return *a->code ? -1 : 1; /* unknown last */
    return strcmp(a->code, b->code);
}

static void groups_out(GHashTable *h, GPtrArray *into, int kind)
{
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, h);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        group_acc *g = v;
        crtk_qa_count *c = g_new0(crtk_qa_count, 1);
        c->code = g_strdup(k);
        if (kind == 1)
            c->label = g_strdup(crtk_report_site_label(c->code));
        else if (kind == 3)
            c->label = g_strdup_printf("%s (%s)", *c->code ? c->code : "blank", class_label(c->code));
        else
            c->label = g_strdup(*c->code ? c->code : "Unknown");
        c->patients = g->patients;
        c->tumors = g->tumors;
        g_ptr_array_add(into, c);
    }
    g_ptr_array_sort(into, cmp_count);
}

gboolean crtk_qa_compute(crtk_store *s, const crtk_store_query *q, crtk_qa *qa, GError **error)
{
    /* position 0 of v in scan_row is the tumor row id; items follow from 1 */
    static const char *const specs[] = {"typeOfReportingSource", "sexAssignedAtBirth|sex", "ageAtDiagnosis",
                                        "dateOfBirth", "dateOfDiagnosis", "race1", "countyAtDx",
                                        "diagnosticConfirmation", "primarySite", "histologicTypeIcdO3",
                                        "behaviorCodeIcdO3", "laterality", "reportingFacility", "classOfCase",
                                        "socialSecurityNumber", "nameLast", "nameFirst", "dateOf1stContact",
                                        "dateCaseCompletedCoc|dateCaseCompleted", CRTK_REPORT_STAGE_SPEC};
    scan_acc a = {0};
    for (int i = 0; i < 4; i++)
        a.counts[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    a.seen = crtk_distinct_keys_new(2, error);
    gboolean ok = a.seen && crtk_store_scan_items(s, q, specs, G_N_ELEMENTS(specs), scan_row, &a, error);
    if (ok && a.error) {
        g_propagate_error(error, a.error);
        a.error = NULL;
        ok = FALSE;
    }
    if (ok) {
        qa->tumors = a.tumors;
        qa->patients = a.patients;
        /* distinct persons among the patient records */
        qa->duplicate_patients = qa->patients - crtk_distinct_keys_count(a.seen, 1);
        int n = 0;
        crtk_qa_measure *ms = qa->measures;
        long t = a.tumors;
        set_measure(&ms[n], "dco", "Death-certificate-only cases", "%", a.dco, t, SRC_CERT);
        standard(&ms[n], 0, 3, FALSE), standard(&ms[n], 1, 3, TRUE), standard(&ms[n], 2, 5, TRUE);
        n++;
        set_measure(&ms[n], "sex", "Sex missing or unknown", "%", a.sex, t, SRC_CERT);
        standard(&ms[n], 0, 2, FALSE), standard(&ms[n], 1, 2, TRUE), standard(&ms[n], 2, 3, TRUE);
        n++;
        set_measure(&ms[n], "age", "Age at diagnosis unknown", "%", a.age, t, SRC_CERT);
        standard(&ms[n], 0, 2, FALSE), standard(&ms[n], 1, 2, TRUE), standard(&ms[n], 2, 3, TRUE);
        n++;
        set_measure(&ms[n], "race", "Race missing or unknown", "%", a.race, t, SRC_CERT);
        standard(&ms[n], 0, 3, FALSE), standard(&ms[n], 1, 3, TRUE), standard(&ms[n], 2, 5, TRUE);
        n++;
        set_measure(&ms[n], "county", "County at diagnosis missing or unknown", "%", a.county, t, SRC_CERT);
        standard(&ms[n], 0, 2, FALSE), standard(&ms[n], 1, 2, TRUE);
        n++;
        set_measure(&ms[n], "duplicates", "Possible duplicate tumor reports", "per 1,000", a.dup_tumors, t, SRC_CERT);
        standard(&ms[n], 0, 1, FALSE), standard(&ms[n], 1, 1, TRUE);
        n++;
        set_measure(&ms[n], "microscopic", "Microscopically confirmed (information)", "%", a.micro, t,
                    "no standard; commonly reported");
        ms[n].higher_is_better = TRUE;
        n++;
        /* what a hospital's cancer committee looks at beside the certification measures */
        set_measure(&ms[n], "staged", "Analytic cases staged (hospital)", "%", a.staged, a.analytic,
                    "hospital measure: Summary Stage 2018 (or SS2000) coded and not unknown; class of case 00-22");
        ms[n].higher_is_better = TRUE;
        n++;
        set_measure(&ms[n], "timeliness", "Abstracted within 6 months (hospital)",
                    "%", a.timely, a.timed,
                    "hospital measure (Commission on Cancer timeliness): Date Case Completed - CoC (or Date Case "
                    "Completed) within 183 days of Date of 1st Contact; cases with both dates");
        ms[n].higher_is_better = TRUE;
        n++;
        qa->n_measures = n;
        groups_out(a.counts[0], qa->by_year, 0);
        groups_out(a.counts[1], qa->by_site, 1);
        groups_out(a.counts[2], qa->by_facility, 2);
        groups_out(a.counts[3], qa->by_class, 3);
    }
    for (int i = 0; i < 4; i++)
        g_hash_table_destroy(a.counts[i]);
    crtk_distinct_keys_free(a.seen);
    if (a.error)
        g_error_free(a.error);
    return ok;
}

/* ---- edits ----------------------------------------------------------------------------------- */

static int cmp_edit(const void *a, const void *b)
{
    const crtk_qa_edit *x = *(crtk_qa_edit *const *)a, *y = *(crtk_qa_edit *const *)b;
    if (x->failures != y->failures)
        return x->failures > y->failures ? -1 : 1;
    return strcmp(x->id, y->id);
}

void crtk_qa_take_edits(crtk_qa *qa, const crtk_edits *edits, const char *edit_set, long tumors_checked,
                        long tumors_passing)
{
    qa->edits_run = TRUE;
    g_free(qa->edit_set);
    qa->edit_set = g_strdup(edit_set ? edit_set : "all");
    qa->tumors_checked = tumors_checked;
    qa->tumors_passing = tumors_passing;
    qa->failures_total = 0;
    for (int i = 0; i < crtk_edits_count(edits); i++) {
        const crtk_edit_info *e = crtk_edits_get(edits, i);
        crtk_qa_edit *q = g_new0(crtk_qa_edit, 1);
        q->id = g_strdup(e->id);
        q->name = g_strdup(e->name);
        q->agency = g_strdup(e->agency ? e->agency : "");
        q->failures = e->failures;
        qa->failures_total += e->failures;
        g_ptr_array_add(qa->edits, q);
    }
    g_ptr_array_sort(qa->edits, cmp_edit);
    int free_text = 0;
    GPtrArray *unchecked = crtk_edits_unchecked(edits, &free_text);
    crtk_qa_info(qa, "Items unchecked", "%u items no edit of set %s reads (%d of them free text): crtk edits --unchecked "
                 "lists them", unchecked->len, qa->edit_set, free_text);
    g_ptr_array_free(unchecked, TRUE);
}

void crtk_qa_add_edit(crtk_qa *qa, const char *id, const char *name, const char *agency, long failures)
{
    crtk_qa_edit *q = g_new0(crtk_qa_edit, 1);
    q->id = g_strdup(id);
    q->name = g_strdup(name ? name : "");
    q->agency = g_strdup(agency ? agency : "");
    q->failures = failures;
    qa->failures_total += failures;
    qa->edits_run = TRUE;
    g_ptr_array_add(qa->edits, q);
}

void crtk_qa_add_failure(crtk_qa *qa, const char *patient_id, int tumor, const char *edit_id, const char *message)
{
    if (qa->failures->len >= CRTK_QA_FAILURES_LISTED) {
        qa->failures_unlisted++;
        return;
    }
    crtk_qa_failure *f = g_new0(crtk_qa_failure, 1);
    f->patient_id = g_strdup(patient_id ? patient_id : "");
    f->tumor = tumor;
    f->edit_id = g_strdup(edit_id);
    f->message = g_strdup(message);
    g_ptr_array_add(qa->failures, f);
}

/* The edits run in worker threads, each over a range of patient rows with its own read-only
 * connection to the store and its own compiled edits; their statistics are added up. */
typedef struct {
    const char *path;
    crtk_store_query query;   /* the selection, restricted to this job's patients */
    const char *set;
    GError *error;
    crtk_edits *ed;      /* kept for the per-edit counts */
    crtk_edits_stats st;
    crtk_store *store;
} edits_job;

/* The items the edits read: every naaccrId named in their items, over-ride, message or rule text
 * (tokens of letters and digits that the dictionary knows), and the patient and tumor numbers. */
static GArray *edit_items(const crtk_edits *ed, crtk_dictionary *dict)
{
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    GArray *out = g_array_new(FALSE, FALSE, sizeof(int));
    const char *always[] = {"patientIdNumber", "tumorRecordNumber"};
    GString *text = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(always); i++)
        g_string_append_printf(text, " %s", always[i]);
    for (int i = 0; i < crtk_edits_count(ed); i++) {
        const crtk_edit_info *e = crtk_edits_get(ed, i);
        g_string_append_printf(text, " %s %s %s %s", e->items ? e->items : "", e->override_item ? e->override_item : "",
                               e->message ? e->message : "", e->rule ? e->rule : "");
    }
    const char *p = text->str;
    while (*p) {
        while (*p && !g_ascii_isalnum(*p))
            p++;
        const char *b = p;
        while (g_ascii_isalnum(*p) || *p == '_')
            p++;
        if (p > b) {
            char *tok = g_strndup(b, (gsize)(p - b));
            const crtk_item *it = crtk_dictionary_find(dict, tok);
            if (it && it->level != CRTK_LEVEL_ROOT && !g_hash_table_contains(seen, GINT_TO_POINTER(it->index + 1))) {
                g_hash_table_add(seen, GINT_TO_POINTER(it->index + 1));
                g_array_append_val(out, it->index);
            }
            g_free(tok);
        }
    }
    g_string_free(text, TRUE);
    g_hash_table_destroy(seen);
    return out;
}

typedef struct {
    crtk_edits *ed;
    crtk_record *rec;
    crtk_dictionary *dict;
    GArray *items;        /* item indexes, in select order after patient_id */
    gint64 current;       /* patient row id of rec, 0 = none */
} rows_ctx;

static void flush_record(rows_ctx *c)
{
    if (c->current) {
        c->rec->ordinal++;
        crtk_edits_run_record(c->ed, c->rec, NULL, NULL);
        long ord = c->rec->ordinal;
        crtk_record_clear(c->rec);
        c->rec->ordinal = ord;
    }
    c->current = 0;
}

/* columns (crtk_store_scan_items): patient row, tumor row, then the items */
static int edit_row(int ncols, const char *const *row, const char *const *names, void *user)
{
    (void)names;
    rows_ctx *c = user;
    const char *const *v = row + 1;
    ncols--;
    gint64 pid = g_ascii_strtoll(row[0], NULL, 10);
    gboolean first = pid != c->current;
    if (first) {
        flush_record(c);
        c->current = pid;
    }
    crtk_element *t = crtk_record_add_tumor(c->rec);
    for (int i = 1; i < ncols; i++) {
        if (!v[i] || !*v[i])
            continue;
        int idx = g_array_index(c->items, int, i - 1);
        const crtk_item *it = crtk_dictionary_item(c->dict, idx);
        if (it->level == CRTK_LEVEL_PATIENT) {
            if (first)
                crtk_element_set(&c->rec->patient, idx, v[i], strlen(v[i]));
        } else {
            crtk_element_set(t, idx, v[i], strlen(v[i]));
        }
    }
    return CRTK_CONTINUE;
}

/* Runs the edits over the selection with one query of the items they read. */
static gboolean run_edits_rows(crtk_store *s, crtk_edits *ed, const crtk_store_query *q, GError **error)
{
    crtk_dictionary *dict = crtk_store_dictionary(s);
    rows_ctx c = {ed, crtk_record_new(dict), dict, edit_items(ed, dict), 0};
    const char **specs = g_new(const char *, c.items->len + 1);
    for (guint i = 0; i < c.items->len; i++)
        specs[i] = crtk_dictionary_item(dict, g_array_index(c.items, int, i))->id;
    gboolean ok = crtk_store_scan_items(s, q, specs, (int)c.items->len, edit_row, &c, error);
    if (ok)
        flush_record(&c);
    g_free(specs);
    g_array_free(c.items, TRUE);
    crtk_record_free(c.rec);
    return ok;
}

static gpointer edits_worker(gpointer data)
{
    edits_job *j = data;
    j->store = crtk_store_open(j->path, TRUE, &j->error);
    if (!j->store)
        return NULL;
    j->ed = crtk_edits_load(j->set, NULL, crtk_store_dictionary(j->store), &j->error);
    if (!j->ed)
        return NULL;
    /* a store holds each patient once (import matches by patientIdNumber): P01 has nothing to
       compare across records, and remembering every patient would grow with the store */
    crtk_edits_set_cross_record(j->ed, FALSE);
    if (run_edits_rows(j->store, j->ed, &j->query, &j->error))
        j->st = crtk_edits_stats_get(j->ed);
    return NULL;
}

#define EDIT_THREADS 2

static gboolean edits_start(crtk_store *s, const crtk_store_query *q, const char *edit_set, edits_job *jobs,
                            GThread **th, GError **error)
{
    gint64 mm[2] = {0, 0};
    if (!crtk_store_patient_range(s, &mm[0], &mm[1], error))
        return FALSE;
    gint64 span = (mm[1] - mm[0]) / EDIT_THREADS + 1;
    for (int i = 0; i < EDIT_THREADS; i++) {
        gint64 lo = mm[0] + span * i, hi = i == EDIT_THREADS - 1 ? mm[1] : lo + span - 1;
        jobs[i].path = crtk_store_path(s);
        jobs[i].set = edit_set;
        if (q)
            jobs[i].query = *q;
        jobs[i].query.patient_from = lo > 0 ? lo : 1;
        jobs[i].query.patient_to = hi > 0 ? hi : 1;
        th[i] = g_thread_new("edits", edits_worker, &jobs[i]);
    }
    return TRUE;
}

static gboolean edits_finish(crtk_qa *qa, const char *edit_set, edits_job *jobs, GThread **th, GError **error)
{
    gboolean ok = TRUE;
    for (int i = 0; i < EDIT_THREADS; i++)
        g_thread_join(th[i]);
    for (int i = 0; i < EDIT_THREADS; i++)
        if (jobs[i].error && ok) {
            g_propagate_error(error, jobs[i].error);
            jobs[i].error = NULL;
            ok = FALSE;
        }
    if (ok) {
        long tumors = 0, passing = 0;
        for (int i = 0; i < EDIT_THREADS; i++)
            tumors += jobs[i].st.tumors, passing += jobs[i].st.tumors_passing;
        crtk_qa_take_edits(qa, jobs[0].ed, edit_set, tumors, passing);
        /* add the other workers' failures, edit by edit */
        for (guint e = 0; e < qa->edits->len; e++) {
            crtk_qa_edit *q = g_ptr_array_index(qa->edits, e);
            for (int i = 1; i < EDIT_THREADS; i++) {
                const crtk_edit_info *info = crtk_edits_find(jobs[i].ed, q->id);
                if (info) {
                    q->failures += info->failures;
                    qa->failures_total += info->failures;
                }
            }
        }
        g_ptr_array_sort(qa->edits, cmp_edit);
    }
    for (int i = 0; i < EDIT_THREADS; i++) {
        g_clear_error(&jobs[i].error);
        if (jobs[i].ed)
            crtk_edits_free(jobs[i].ed);
        crtk_store_close(jobs[i].store);
    }
    return ok;
}

gboolean crtk_qa_run_edits(crtk_store *s, const crtk_store_query *q, const char *edit_set, crtk_qa *qa, GError **error)
{
    edits_job jobs[EDIT_THREADS] = {0};
    GThread *th[EDIT_THREADS];
    if (!edits_start(s, q, edit_set, jobs, th, error))
        return FALSE;
    return edits_finish(qa, edit_set, jobs, th, error);
}

gboolean crtk_qa_collect(crtk_store *s, const crtk_store_query *q, const char *edit_set, crtk_qa *qa, GError **error)
{
    if (!edit_set || !*edit_set)
        return crtk_qa_compute(s, q, qa, error);
    /* load the set once here so that an unknown set is reported before any work */
    crtk_edits *probe = crtk_edits_load(edit_set, NULL, crtk_store_dictionary(s), error);
    if (!probe)
        return FALSE;
    crtk_edits_free(probe);
    edits_job jobs[EDIT_THREADS] = {0};
    GThread *th[EDIT_THREADS];
    if (!edits_start(s, q, edit_set, jobs, th, error))
        return FALSE;
    GError *e1 = NULL;
    gboolean ok = crtk_qa_compute(s, q, qa, &e1);
    gboolean ok2 = edits_finish(qa, edit_set, jobs, th, ok ? error : NULL);
    if (!ok)
        g_propagate_error(error, e1);
    return ok && ok2;
}

void crtk_qa_finish(crtk_qa *qa)
{
    if (!qa->edits_run)
        return;
    g_ptr_array_sort(qa->edits, cmp_edit); /* edits added one by one (crtk_qa_add_edit) */
    for (int i = 0; i < qa->n_measures; i++)
        if (!strcmp(qa->measures[i].id, "edits"))
            return;
    if (qa->n_measures >= (int)G_N_ELEMENTS(qa->measures))
        return;
    crtk_qa_measure *m = &qa->measures[qa->n_measures++];
    char *name = g_strdup_printf("Tumors passing all edits (%s)", qa->edit_set);
    set_measure(m, "edits", "Tumors passing all edits", "%", qa->tumors_passing, qa->tumors_checked, SRC_CERT);
    g_free(name);
    m->higher_is_better = TRUE;
    standard(m, 0, 100, TRUE), standard(m, 1, 99, TRUE), standard(m, 2, 97, TRUE);
}

/* ---- text ------------------------------------------------------------------------------------ */

static void fmt_value(GString *o, const crtk_qa_measure *m)
{
    if (isnan(m->value))
        g_string_append_printf(o, "%10s", "-");
    else
        g_string_append_printf(o, "%9.2f%s", m->value, !strcmp(m->unit, "%") ? "%" : " ");
}

static void fmt_standard(GString *o, const crtk_qa_measure *m, int k)
{
    const crtk_qa_standard *s = &m->standards[k];
    if (isnan(s->limit)) {
        g_string_append_printf(o, "  %-16s", "-");
        return;
    }
    char lim[32];
    g_snprintf(lim, sizeof lim, "%s%g%s", m->higher_is_better ? (s->inclusive ? ">=" : ">") : (s->inclusive ? "<=" : "<"),
               s->limit, !strcmp(m->unit, "%") ? "%" : "");
    int meets = crtk_qa_meets(m, k);
    char cell[48];
    g_snprintf(cell, sizeof cell, "%s %s", lim, meets < 0 ? "" : meets ? "met" : "NOT MET");
    g_string_append_printf(o, "  %-16s", cell);
}

/* A table of patients and tumors by group.  The patient total is the number of patients, each
 * counted once: a patient with tumors in two groups is in both rows, and a note says so. */
static void text_groups(GString *o, const char *title, const char *what, GPtrArray *a, long patients)
{
    g_string_append_printf(o, "\n%s\n  %-50s %10s %10s\n", title, what, "Patients", "Tumors");
    long t = 0, p = 0;
    for (guint i = 0; i < a->len; i++) {
        crtk_qa_count *c = g_ptr_array_index(a, i);
        g_string_append_printf(o, "  %-50s %10ld %10ld\n", c->label, c->patients, c->tumors);
        t += c->tumors;
        p += c->patients;
    }
    g_string_append_printf(o, "  %-50s %10ld %10ld\n", "Total", patients, t);
    if (p != patients)
        g_string_append(o, "  (a patient with tumors in more than one row is counted in each; the total counts each "
                           "patient once)\n");
}

gboolean crtk_qa_write_text(const crtk_qa *qa, const char *path, GError **error)
{
    GString *o = g_string_new(NULL);
    g_string_append_printf(o, "%s\n", qa->title);
    for (size_t i = strlen(qa->title); i > 0; i--)
        g_string_append_c(o, '=');
    g_string_append_c(o, '\n');
    for (guint i = 0; i + 1 < qa->info->len; i += 2)
        g_string_append_printf(o, "%-22s %s\n", (char *)g_ptr_array_index(qa->info, i),
                               (char *)g_ptr_array_index(qa->info, i + 1));
    g_string_append_printf(o, "%-22s %ld\n%-22s %ld\n", "Patients", qa->patients, "Tumors", qa->tumors);

    g_string_append(o, "\nData-quality measures (per tumor; standards in docs/reports.md)\n");
    g_string_append_printf(o, "  %-42s %9s %9s %10s  %-16s  %-16s  %-16s\n", "Measure", "Count", "Of", "Value",
                           "NAACCR Gold", "NPCR national", "USCS");
    for (int i = 0; i < qa->n_measures; i++) {
        const crtk_qa_measure *m = &qa->measures[i];
        g_string_append_printf(o, "  %-42s %9ld %9ld ", m->name, m->numerator, m->denominator);
        fmt_value(o, m);
        for (int k = 0; k < CRTK_QA_STANDARDS; k++)
            fmt_standard(o, m, k);
        if (!strcmp(m->unit, "per 1,000"))
            g_string_append(o, "  (per 1,000)");
        g_string_append_c(o, '\n');
    }
    g_string_append_printf(o, "  Patient records sharing identifiers with another record: %ld\n",
                           qa->duplicate_patients);

    text_groups(o, "By year of diagnosis", "Year", qa->by_year, qa->patients);
    text_groups(o, "By site group (SEER Site Recode 2023)", "Site group", qa->by_site, qa->patients);
    text_groups(o, "By reporting facility", "Facility", qa->by_facility, qa->patients);
    text_groups(o, "By class of case", "Class of case", qa->by_class, qa->patients);

    if (qa->edits_run) {
        g_string_append_printf(o, "\nEdits (set %s): %ld tumors checked, %ld pass every edit (%.2f%%), %ld failures\n",
                               qa->edit_set, qa->tumors_checked, qa->tumors_passing,
                               qa->tumors_checked ? 100.0 * (double)qa->tumors_passing / (double)qa->tumors_checked : 100.0,
                               qa->failures_total);
        g_string_append_printf(o, "  %-16s %9s  %s\n", "Edit", "Failures", "Name");
        for (guint i = 0; i < qa->edits->len; i++) {
            crtk_qa_edit *e = g_ptr_array_index(qa->edits, i);
            if (e->failures > 0)
                g_string_append_printf(o, "  %-16s %9ld  %s\n", e->id, e->failures, e->name);
        }
        long passing_edits = 0;
        for (guint i = 0; i < qa->edits->len; i++)
            passing_edits += ((crtk_qa_edit *)g_ptr_array_index(qa->edits, i))->failures == 0;
        g_string_append_printf(o, "  (%ld other edits of the set found no failure)\n", passing_edits);
    }
    if (qa->failures->len) {
        g_string_append_printf(o, "\nFailing cases (%u failures listed)\n  %-12s %5s  %-16s %s\n", qa->failures->len,
                               "Patient", "Tumor", "Edit", "Message");
        for (guint i = 0; i < qa->failures->len; i++) {
            crtk_qa_failure *f = g_ptr_array_index(qa->failures, i);
            g_string_append_printf(o, "  %-12s %5d  %-16s %s\n", f->patient_id, f->tumor, f->edit_id, f->message);
        }
        if (qa->failures_unlisted)
            g_string_append_printf(o, "  ... and %ld more failures, not listed here (crtk edits lists them all)\n",
                                   qa->failures_unlisted);
    }
    gboolean ok = crtk_output_write_file(path, o->str, o->len, error);
    g_string_free(o, TRUE);
    return ok;
}

gboolean crtk_qa_write_xlsx(crtk_store *s, const crtk_qa *qa, const char *path, GError **error)
{
    crtk_report_options o;
    crtk_report_options_init(&o);
    o.qa = qa;
    o.selection_text = "the tumors of this submission";
    o.made_by = "crtk submit (the QA summary of the submission)";
    return crtk_report_run(s, crtk_report_find("quality"), path, &o, error);
}
