/* test_reports.c — the Excel reports (reports/excel_*.c) checked number by number: each
 * workbook is read back (a small ZIP and sheet-XML reader below) and its cells are compared
 * with plain SQL counts over the store.  The store holds generated data (crtk-generate, 2000
 * patients, NAACCR 26) when the generator is built, else sample-data/sample-registry.xml.
 * Also: Kaplan-Meier on a hand-worked example, small-count suppression, the selection.
 */
#include "excel_common.h"
#include "excel_reports.h"
#include "derived.h"
#include "followup.h"
#include "qa_summary.h"
#include "distinct_keys.h"
#include "store.h"
#include "edits.h"
#include "test_util.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#ifndef CRTK_HAVE_XLSXWRITER
int main(void)
{
    return 77;
}
#else

static char *tmpdir;
static crtk_store *store;
static const char *AS_OF = "20260630";

/* ---- reading an .xlsx back --------------------------------------------------------------- */

static guint32 u32(const guchar *p) { return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24; }
static guint16 u16(const guchar *p) { return (guint16)(p[0] | p[1] << 8); }

/* The entries of a ZIP file: name -> contents (GBytes). */
static GHashTable *zip_read(const char *path)
{
    gchar *data;
    gsize len;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    const guchar *d = (const guchar *)data;
    gsize eocd = len >= 22 ? len - 22 : 0;
    while (eocd > 0 && u32(d + eocd) != 0x06054b50)
        eocd--;
    g_assert_cmpuint(u32(d + eocd), ==, 0x06054b50);
    guint n = u16(d + eocd + 10);
    gsize off = u32(d + eocd + 16);
    GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
    for (guint i = 0; i < n; i++) {
        g_assert_cmpuint(u32(d + off), ==, 0x02014b50);
        guint method = u16(d + off + 10);
        gsize csize = u32(d + off + 20), usize = u32(d + off + 24);
        guint nlen = u16(d + off + 28), xlen = u16(d + off + 30), clen = u16(d + off + 32);
        gsize local = u32(d + off + 42);
        char *name = g_strndup((const char *)d + off + 46, nlen);
        const guchar *src = d + local + 30 + u16(d + local + 26) + u16(d + local + 28);
        guchar *buf = g_malloc(usize + 1);
        if (method == 0) {
            memcpy(buf, src, usize);
        } else {
            g_assert_cmpuint(method, ==, 8);
            z_stream z = {0};
            g_assert_cmpint(inflateInit2(&z, -15), ==, Z_OK);
            z.next_in = (Bytef *)src;
            z.avail_in = (uInt)csize;
            z.next_out = buf;
            z.avail_out = (uInt)usize;
            int rc = inflate(&z, Z_FINISH);
            g_assert_true(rc == Z_STREAM_END);
            inflateEnd(&z);
        }
        buf[usize] = 0;
        g_hash_table_insert(out, name, g_bytes_new_take(buf, usize));
        off += 46 + nlen + xlen + clen;
    }
    g_free(data);
    return out;
}

static char *xml_unescape(const char *s, gsize n)
{
    GString *o = g_string_new(NULL);
    for (gsize i = 0; i < n; i++) {
        if (s[i] == '&') {
            static const struct { const char *e; char c; } ents[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
            gboolean done = FALSE;
            for (size_t k = 0; k < G_N_ELEMENTS(ents); k++)
                if (!strncmp(s + i, ents[k].e, strlen(ents[k].e))) {
                    g_string_append_c(o, ents[k].c);
                    i += strlen(ents[k].e) - 1;
                    done = TRUE;
                    break;
                }
            if (!done)
                g_string_append_c(o, s[i]);
        } else {
            g_string_append_c(o, s[i]);
        }
    }
    return g_string_free(o, FALSE);
}

/* A workbook: sheets[i] maps "B7" -> value text (shared strings resolved). */
typedef struct {
    GPtrArray *sheets;   /* GHashTable* */
    GHashTable *zip;
} workbook;

static void workbook_free(workbook *w)
{
    g_ptr_array_free(w->sheets, TRUE);
    g_hash_table_destroy(w->zip);
    g_free(w);
}

static workbook *workbook_read(const char *path)
{
    workbook *w = g_new0(workbook, 1);
    w->zip = zip_read(path);
    w->sheets = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_destroy);
    GPtrArray *strings = g_ptr_array_new_with_free_func(g_free);
    GBytes *sst = g_hash_table_lookup(w->zip, "xl/sharedStrings.xml");
    if (sst) {
        const char *p = g_bytes_get_data(sst, NULL);
        while ((p = strstr(p, "<si>"))) {
            const char *t = strstr(p, "<t");
            t = strchr(t, '>') + 1;
            const char *e = strstr(t, "</t>");
            g_ptr_array_add(strings, xml_unescape(t, (gsize)(e - t)));
            p = e;
        }
    }
    for (int i = 1;; i++) {
        char name[64];
        g_snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", i);
        GBytes *b = g_hash_table_lookup(w->zip, name);
        if (!b)
            break;
        GHashTable *cells = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        const char *p = g_bytes_get_data(b, NULL);
        while ((p = strstr(p, "<c r=\""))) {
            const char *r = p + 6, *re = strchr(r, '"');
            const char *end = strchr(p, '>');
            gboolean shared = g_strstr_len(p, end - p, "t=\"s\"") != NULL;
            gboolean inl = g_strstr_len(p, end - p, "t=\"str\"") != NULL;
            (void)inl;
            if (end[-1] == '/') { /* <c .../> blank */
                p = end;
                continue;
            }
            const char *v = strstr(end, "<v>"), *close = strstr(end, "</c>");
            if (v && v < close) {
                const char *ve = strstr(v, "</v>");
                char *val = xml_unescape(v + 3, (gsize)(ve - v - 3));
                if (shared) {
                    char *s = g_strdup(g_ptr_array_index(strings, (guint)atoi(val)));
                    g_free(val);
                    val = s;
                }
                g_hash_table_insert(cells, g_strndup(r, (gsize)(re - r)), val);
            }
            p = close;
        }
        g_ptr_array_add(w->sheets, cells);
    }
    g_ptr_array_free(strings, TRUE);
    return w;
}

static const char *cell(workbook *w, int sheet, const char *ref)
{
    g_assert_cmpint(sheet, <, (int)w->sheets->len);
    return g_hash_table_lookup(g_ptr_array_index(w->sheets, sheet), ref);
}

/* The cell at column col (a letter) and row row. */
static const char *cell_at(workbook *w, int sheet, char col, int row)
{
    char ref[16];
    g_snprintf(ref, sizeof ref, "%c%d", col, row);
    return cell(w, sheet, ref);
}

/* Row (1-based) whose column A is label, the last such row when last; 0 if none. */
static int find_row(workbook *w, int sheet, const char *label, gboolean last)
{
    int found = 0;
    for (int r = 1; r < 5000; r++) {
        char ref[16];
        g_snprintf(ref, sizeof ref, "A%d", r);
        const char *v = cell(w, sheet, ref);
        if (v && !strcmp(v, label)) {
            found = r;
            if (!last)
                return r;
        }
    }
    return found;
}

static long num(workbook *w, int sheet, char col, int row)
{
    char ref[16];
    g_snprintf(ref, sizeof ref, "%c%d", col, row);
    const char *v = cell(w, sheet, ref);
    if (!v)
        return 0;
    return atol(v);
}

/* ---- SQL over the store ------------------------------------------------------------------- */

static int one_long(int n, const char *const *v, const char *const *names, void *user)
{
    (void)n, (void)names;
    *(long *)user = v[0] ? atol(v[0]) : 0;
    return 1;
}

static long sql_long(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    long v = -1;
    GError *e = NULL;
    if (!crtk_store_select(store, sql, NULL, 0, one_long, &v, &e))
        g_error("%s: %s", sql, e->message);
    g_free(sql);
    return v;
}

#define FROM " FROM tumor t JOIN patient p ON p.id = t.patient_id "
#define SITE "crtk_seer_site_recode(t.primarySite, t.histologicTypeIcdO3, t.behaviorCodeIcdO3, t.dateOfDiagnosis)"
#define STAGE "coalesce(t.summaryStage2018, t.derivedSummaryStage2018, t.seerSummaryStage2000, t.derivedSs2000)"
#define ANALYTIC "t.classOfCase IN ('00','10','11','12','13','14','20','21','22')"

typedef struct {
    GPtrArray *codes;
} codes_ctx;

static int code_row(int n, const char *const *v, const char *const *names, void *user)
{
    (void)n, (void)names;
    g_ptr_array_add(((codes_ctx *)user)->codes, g_strdup(v[0] ? v[0] : ""));
    return 0;
}

static GPtrArray *sql_codes(const char *sql)
{
    codes_ctx c = {g_ptr_array_new_with_free_func(g_free)};
    GError *e = NULL;
    if (!crtk_store_select(store, sql, NULL, 0, code_row, &c, &e))
        g_error("%s", e->message);
    return c.codes;
}

static char *run_report(const char *name, const crtk_report_options *o0)
{
    crtk_report_options o;
    if (o0)
        o = *o0;
    else
        crtk_report_options_init(&o);
    if (!o.as_of)
        o.as_of = AS_OF;
    char *path = g_strdup_printf("%s/%s-%d.xlsx", tmpdir, name, g_random_int_range(0, 1000000));
    GError *e = NULL;
    if (!crtk_report_run(store, crtk_report_find(name), path, &o, &e))
        g_error("%s: %s", name, e->message);
    return path;
}

/* ---- the tests ---------------------------------------------------------------------------------- */

static void test_site_table(void)
{
    char *path = run_report("site-table", NULL);
    workbook *w = workbook_read(path);
    GPtrArray *codes = sql_codes("SELECT DISTINCT " SITE FROM "ORDER BY 1");
    g_assert_cmpuint(codes->len, >, 5);
    for (guint i = 0; i < codes->len; i++) {
        const char *code = g_ptr_array_index(codes, i);
        int row = find_row(w, 0, crtk_report_site_label(code), FALSE);
        g_assert_cmpint(row, >, 0);
        long total = sql_long("SELECT count(*)" FROM "WHERE " SITE " = '%s'", code);
        g_assert_cmpint(num(w, 0, 'B', row), ==, total);
        g_assert_cmpint(num(w, 0, 'D', row), ==, sql_long("SELECT count(*)" FROM "WHERE " SITE " = '%s' AND " ANALYTIC, code));
        g_assert_cmpint(num(w, 0, 'E', row), ==, sql_long("SELECT count(*)" FROM "WHERE " SITE " = '%s' AND NOT " ANALYTIC
                                                          " OR " SITE " = '%s' AND t.classOfCase IS NULL", code, code));
        g_assert_cmpint(num(w, 0, 'F', row), ==, sql_long("SELECT count(*)" FROM "WHERE " SITE " = '%s' AND p.sexAssignedAtBirth = '1'", code));
        g_assert_cmpint(num(w, 0, 'G', row), ==, sql_long("SELECT count(*)" FROM "WHERE " SITE " = '%s' AND p.sexAssignedAtBirth = '2'", code));
        g_assert_cmpint(num(w, 0, 'J', row), ==, sql_long("SELECT count(*)" FROM "WHERE " SITE " = '%s' AND " ANALYTIC " AND " STAGE " = '1'", code));
        g_assert_cmpint(num(w, 0, 'L', row), ==, sql_long("SELECT count(*)" FROM "WHERE " SITE " = '%s' AND " ANALYTIC " AND " STAGE " = '7'", code));
        g_assert_cmpint(num(w, 0, 'K', row), ==, sql_long("SELECT count(*)" FROM "WHERE " SITE " = '%s' AND " ANALYTIC " AND " STAGE " IN ('2','3','4','5')", code));
    }
    int all = find_row(w, 0, "All sites", FALSE);
    g_assert_cmpint(num(w, 0, 'B', all), ==, sql_long("SELECT count(*)" FROM));
    g_assert_cmpint(num(w, 0, 'I', all), ==, sql_long("SELECT count(*)" FROM "WHERE " ANALYTIC " AND " STAGE " = '0'"));
    /* title, selection, frozen header and filter are there */
    g_assert_cmpstr(cell(w, 0, "A1"), ==, "Primary site table");
    g_assert_true(g_str_has_prefix(cell(w, 0, "A3"), "Selection: all tumors"));
    GBytes *sheet = g_hash_table_lookup(w->zip, "xl/worksheets/sheet1.xml");
    g_assert_nonnull(strstr(g_bytes_get_data(sheet, NULL), "state=\"frozen\""));
    g_assert_nonnull(strstr(g_bytes_get_data(sheet, NULL), "<autoFilter"));
    g_assert_nonnull(g_hash_table_lookup(w->zip, "xl/charts/chart1.xml"));
    g_ptr_array_free(codes, TRUE);
    workbook_free(w);
    g_free(path);
}

static void test_stage(void)
{
    /* analytic cases by default, as the stage columns of the site table; the sheet says so */
    char *path = run_report("stage", NULL);
    workbook *w = workbook_read(path);
    int all = find_row(w, 0, "All sites", FALSE);
    g_assert_cmpint(all, >, 0);
    g_assert_nonnull(strstr(cell(w, 0, "A4"), "analytic cases only"));
    g_assert_cmpint(num(w, 0, 'B', all), ==, sql_long("SELECT count(*)" FROM "WHERE " ANALYTIC));
    g_assert_cmpint(num(w, 0, 'C', all), ==, sql_long("SELECT count(*)" FROM "WHERE " ANALYTIC " AND " STAGE " = '0'"));
    g_assert_cmpint(num(w, 0, 'F', all), ==, sql_long("SELECT count(*)" FROM "WHERE " ANALYTIC " AND " STAGE " = '7'"));
    /* the first site row is the most frequent site group */
    GPtrArray *top = sql_codes("SELECT " SITE FROM "WHERE " ANALYTIC " AND " SITE " <> '99' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1");
    int row = find_row(w, 0, crtk_report_site_label(g_ptr_array_index(top, 0)), FALSE);
    g_assert_cmpint(row, >, 0);
    g_assert_cmpint(num(w, 0, 'D', row), ==, sql_long("SELECT count(*)" FROM "WHERE " ANALYTIC " AND " SITE " = '%s' AND " STAGE " = '1'",
                                                      (char *)g_ptr_array_index(top, 0)));
    /* and the site table's stage columns give the same count for that group */
    char *sp = run_report("site-table", NULL);
    workbook *ws = workbook_read(sp);
    int srow = find_row(ws, 0, crtk_report_site_label(g_ptr_array_index(top, 0)), FALSE);
    g_assert_cmpint(num(ws, 0, 'J', srow), ==, num(w, 0, 'D', row));
    workbook_free(ws);
    g_free(sp);
    g_assert_nonnull(g_hash_table_lookup(w->zip, "xl/charts/chart1.xml"));
    g_ptr_array_free(top, TRUE);
    workbook_free(w);
    g_free(path);

    /* all classes when asked */
    crtk_report_options o;
    crtk_report_options_init(&o);
    o.all_classes = TRUE;
    path = run_report("stage", &o);
    w = workbook_read(path);
    all = find_row(w, 0, "All sites", FALSE);
    g_assert_nonnull(strstr(cell(w, 0, "A4"), "all classes of case"));
    g_assert_cmpint(num(w, 0, 'B', all), ==, sql_long("SELECT count(*)" FROM));
    g_assert_cmpint(num(w, 0, 'H', all), ==, sql_long("SELECT count(*)" FROM "WHERE " STAGE " IS NULL OR " STAGE " NOT IN ('0','1','2','3','4','5','7','8')"));
    workbook_free(w);
    g_free(path);
}

static void test_trends(void)
{
    char *path = run_report("trends", NULL);
    workbook *w = workbook_read(path);
    GPtrArray *years = sql_codes("SELECT DISTINCT substr(t.dateOfDiagnosis, 1, 4)" FROM "ORDER BY 1");
    int head = find_row(w, 0, "Year of diagnosis", FALSE);
    g_assert_cmpint(head, >, 0);
    for (guint i = 0; i < years->len; i++) {
        const char *y = g_ptr_array_index(years, i);
        int row = head + 1 + (int)i;
        g_assert_cmpint(num(w, 0, 'A', row), ==, atol(y));
        g_assert_cmpint(num(w, 0, 'B', row), ==, sql_long("SELECT count(*)" FROM "WHERE substr(t.dateOfDiagnosis, 1, 4) = '%s'", y));
        g_assert_cmpint(num(w, 0, 'C', row), ==, sql_long("SELECT count(*)" FROM "WHERE substr(t.dateOfDiagnosis, 1, 4) = '%s' AND " ANALYTIC, y));
        /* column E: the most frequent site group */
        g_assert_cmpint(num(w, 0, 'E', row), ==, sql_long(
            "SELECT count(*)" FROM "WHERE substr(t.dateOfDiagnosis, 1, 4) = '%s' AND " SITE " = (SELECT " SITE FROM
            "WHERE " SITE " <> '99' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)", y));
    }
    int all = find_row(w, 0, "All years", FALSE);
    g_assert_cmpint(num(w, 0, 'B', all), ==, sql_long("SELECT count(*)" FROM));
    g_ptr_array_free(years, TRUE);
    workbook_free(w);
    g_free(path);

    /* dated in the last year of diagnosis in the data: that incomplete year is left out, and said */
    long last = sql_long("SELECT max(substr(t.dateOfDiagnosis, 1, 4))" FROM);
    char as_of[16];
    g_snprintf(as_of, sizeof as_of, "%04ld0630", last);
    crtk_report_options o;
    crtk_report_options_init(&o);
    o.as_of = as_of;
    path = run_report("trends", &o);
    w = workbook_read(path);
    g_assert_nonnull(strstr(cell(w, 0, "A4"), "is left out"));
    all = find_row(w, 0, "All years", FALSE);
    g_assert_cmpint(num(w, 0, 'A', all - 1), !=, last);
    g_assert_cmpint(num(w, 0, 'B', all), ==, sql_long("SELECT count(*)" FROM "WHERE coalesce(substr(t.dateOfDiagnosis, 1, 4), '') <> '%ld'", last));
    workbook_free(w);
    g_free(path);
    o.current_year = TRUE;
    path = run_report("trends", &o);
    w = workbook_read(path);
    all = find_row(w, 0, "All years", FALSE);
    g_assert_cmpint(num(w, 0, 'B', all), ==, sql_long("SELECT count(*)" FROM));
    g_assert_nonnull(strstr(cell(w, 0, "A4"), "is included"));
    workbook_free(w);
    g_free(path);
}

static void test_age(void)
{
    char *path = run_report("age", NULL);
    workbook *w = workbook_read(path);
    int nb;
    const crtk_age_band *b = crtk_age_bands(&nb, NULL);
    for (int i = 0; i < nb; i++) {
        int row = find_row(w, 0, b[i].label, FALSE);
        g_assert_cmpint(row, >, 0);
        const char *age = "crtk_age_group(coalesce(t.ageAtDiagnosis, crtk_age_at_dx(p.dateOfBirth, t.dateOfDiagnosis)))";
        g_assert_cmpint(num(w, 0, 'B', row), ==, sql_long("SELECT count(*)" FROM "WHERE %s = '%s'", age, b[i].code19));
        g_assert_cmpint(num(w, 0, 'D', row), ==, sql_long("SELECT count(*)" FROM "WHERE %s = '%s' AND p.sexAssignedAtBirth = '1'", age, b[i].code19));
        g_assert_cmpint(num(w, 0, 'E', row), ==, sql_long("SELECT count(*)" FROM "WHERE %s = '%s' AND p.sexAssignedAtBirth = '2'", age, b[i].code19));
    }
    g_assert_cmpint(num(w, 0, 'B', find_row(w, 0, "All ages", FALSE)), ==, sql_long("SELECT count(*)" FROM));
    workbook_free(w);
    g_free(path);
}

static int run_whole(crtk_stored_patient *p, void *user)
{
    crtk_edits_run_record(user, p->record, NULL, NULL);
    return 0;
}

static void test_quality(void)
{
    char *path = run_report("quality", NULL);
    workbook *w = workbook_read(path);
    int row = find_row(w, 0, "Death-certificate-only cases", FALSE);
    g_assert_cmpint(num(w, 0, 'B', row), ==, sql_long("SELECT count(*)" FROM "WHERE t.typeOfReportingSource = '7'"));
    g_assert_cmpint(num(w, 0, 'C', row), ==, sql_long("SELECT count(*)" FROM));
    row = find_row(w, 0, "Sex missing or unknown", FALSE);
    g_assert_cmpint(num(w, 0, 'B', row), ==, sql_long("SELECT count(*)" FROM "WHERE p.sexAssignedAtBirth IS NULL OR p.sexAssignedAtBirth = '9'"));
    row = find_row(w, 0, "Race missing or unknown", FALSE);
    g_assert_cmpint(num(w, 0, 'B', row), ==, sql_long("SELECT count(*)" FROM "WHERE p.race1 IS NULL OR p.race1 = '99'"));
    row = find_row(w, 0, "County at diagnosis missing or unknown", FALSE);
    g_assert_cmpint(num(w, 0, 'B', row), ==, sql_long("SELECT count(*)" FROM "WHERE t.countyAtDx IS NULL OR t.countyAtDx = '999'"));
    row = find_row(w, 0, "Age at diagnosis unknown", FALSE);
    g_assert_cmpint(num(w, 0, 'B', row), ==, sql_long("SELECT count(*)" FROM "WHERE CAST(coalesce(t.ageAtDiagnosis, crtk_age_at_dx(p.dateOfBirth, t.dateOfDiagnosis)) AS INTEGER) = 999"));
    row = find_row(w, 0, "Possible duplicate tumor reports", FALSE);
    g_assert_cmpint(num(w, 0, 'B', row), ==, sql_long(
        "SELECT count(*) - count(DISTINCT CASE WHEN p.socialSecurityNumber IS NOT NULL AND p.socialSecurityNumber NOT IN "
        "('999999999','000000000') THEN 'S' || p.socialSecurityNumber WHEN p.nameLast IS NOT NULL AND p.dateOfBirth IS NOT NULL "
        "THEN 'N' || upper(p.nameLast) || '|' || upper(coalesce(p.nameFirst, '')) || '|' || p.dateOfBirth ELSE 'P' || t.patient_id END "
        "|| '|' || coalesce(substr(t.primarySite, 1, 3), '') || '|' || coalesce(substr(t.histologicTypeIcdO3, 1, 3), '') || '|' || "
        "coalesce(t.laterality, '') || '|' || coalesce(substr(t.dateOfDiagnosis, 1, 4), ''))" FROM));
    row = find_row(w, 0, "Tumors passing all edits", FALSE);
    g_assert_cmpint(row, >, 0);
    g_assert_cmpint(num(w, 0, 'C', row), ==, sql_long("SELECT count(*)" FROM));
    /* the edits summary (which reads only the items the edits name) agrees with a plain run of
     * the same edit set over whole records */
    crtk_qa qa;
    crtk_qa_init(&qa);
    g_assert_true(crtk_qa_run_edits(store, NULL, "state-submission", &qa, NULL));
    g_assert_cmpint(num(w, 0, 'B', row), ==, qa.tumors_passing);
    crtk_edits *ed = crtk_edits_load("state-submission", NULL, crtk_store_dictionary(store), NULL);
    g_assert_nonnull(ed);
    g_assert_true(crtk_store_foreach(store, NULL, run_whole, ed, NULL));
    crtk_edits_stats st = crtk_edits_stats_get(ed);
    g_assert_cmpint(st.tumors_passing, ==, qa.tumors_passing);
    g_assert_cmpint(st.tumors, ==, qa.tumors_checked);
    for (guint i = 0; i < qa.edits->len; i++) {
        crtk_qa_edit *q = g_ptr_array_index(qa.edits, i);
        const crtk_edit_info *info = crtk_edits_find(ed, q->id);
        g_assert_nonnull(info);
        if (info->failures != q->failures)
            g_error("edit %s: %ld failures over whole records, %ld in the report", q->id, info->failures, q->failures);
    }
    crtk_edits_free(ed);
    /* by year (sheet 2) */
    GPtrArray *years = sql_codes("SELECT DISTINCT substr(t.dateOfDiagnosis, 1, 4)" FROM "ORDER BY 1");
    for (guint i = 0; i < years->len; i++) {
        const char *y = g_ptr_array_index(years, i);
        int r = find_row(w, 1, y, FALSE);
        g_assert_cmpint(num(w, 1, 'B', r), ==, sql_long("SELECT count(DISTINCT t.patient_id)" FROM "WHERE substr(t.dateOfDiagnosis, 1, 4) = '%s'", y));
        g_assert_cmpint(num(w, 1, 'C', r), ==, sql_long("SELECT count(*)" FROM "WHERE substr(t.dateOfDiagnosis, 1, 4) = '%s'", y));
    }
    /* by facility (sheet 4) */
    GPtrArray *fac = sql_codes("SELECT DISTINCT t.reportingFacility" FROM "WHERE t.reportingFacility IS NOT NULL ORDER BY 1");
    for (guint i = 0; i < fac->len; i++) {
        const char *f = g_ptr_array_index(fac, i);
        int r = find_row(w, 3, f, FALSE);
        g_assert_cmpint(num(w, 3, 'C', r), ==, sql_long("SELECT count(*)" FROM "WHERE t.reportingFacility = '%s'", f));
    }
    /* the edits sheet lists the failing edits only (all of them when asked), and says so */
    int failing = 0;
    for (guint i = 0; i < qa.edits->len; i++)
        failing += ((crtk_qa_edit *)g_ptr_array_index(qa.edits, i))->failures > 0;
    g_assert_cmpint(failing, >, 0);
    for (int pass = 0; pass < 2; pass++) {
        workbook *wq = w;
        char *p2 = NULL;
        if (pass == 1) {
            crtk_report_options o;
            crtk_report_options_init(&o);
            o.all_edits = TRUE;
            p2 = run_report("quality", &o);
            wq = workbook_read(p2);
        }
        int es = -1;
        for (guint k = 0; k < wq->sheets->len; k++)
            if (g_strcmp0(cell(wq, (int)k, "A1"), "Failures per edit") == 0)
                es = (int)k;
        g_assert_cmpint(es, >=, 0);
        int head = find_row(wq, es, "Edit", FALSE), all = find_row(wq, es, "All edits", FALSE);
        for (int y = head + 1; y < all; y++)
            if (pass == 0)
                g_assert_cmpint(num(wq, es, 'D', y), >, 0);
        g_assert_cmpint(all - head - 1, ==, pass == 0 ? failing : (int)qa.edits->len);
        g_assert_nonnull(strstr(cell(wq, es, "A4"), pass == 0 ? "Only the" : "All "));
        if (pass == 1) {
            workbook_free(wq);
            g_free(p2);
        }
    }
    crtk_qa_clear(&qa);
    g_ptr_array_free(years, TRUE);
    g_ptr_array_free(fac, TRUE);
    workbook_free(w);
    g_free(path);
}

static void test_km(void)
{
    long t[] = {4, 2, 1, 3, 2};
    int e[] = {0, 0, 1, 1, 1};
    long at[] = {0, 2, 3, 5};
    crtk_km_point p[4];
    crtk_km(t, e, 5, at, 4, p);
    g_assert_cmpfloat_with_epsilon(p[0].survival, 1.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(p[1].survival, 0.8 * 0.75, 1e-12); /* deaths at 1 (5 at risk), 2 (4 at risk) */
    g_assert_cmpfloat_with_epsilon(p[2].survival, 0.6 * 0.5, 1e-12);  /* death at 3 (2 at risk) */
    g_assert_cmpfloat_with_epsilon(p[3].survival, 0.3, 1e-12);
    g_assert_cmpint(p[1].at_risk, ==, 4);
    g_assert_cmpint(p[2].at_risk, ==, 2);
    g_assert_cmpint(p[3].at_risk, ==, 0);
    g_assert_cmpfloat_with_epsilon(p[1].greenwood, 1.0 / (5 * 4) + 1.0 / (4 * 3), 1e-12);
    g_assert_true(p[1].ci_low < p[1].survival && p[1].survival < p[1].ci_high);

    /* the same cases as counts by time (what the report keeps): the same estimates */
    long tm[] = {1, 2, 3, 4}, d[] = {1, 1, 1, 0}, c[] = {0, 1, 0, 1};
    crtk_km_point q[4];
    crtk_km_counts(tm, d, c, 4, at, 4, q);
    for (int k = 0; k < 4; k++) {
        g_assert_cmpfloat_with_epsilon(q[k].survival, p[k].survival, 1e-12);
        g_assert_cmpfloat_with_epsilon(q[k].greenwood, p[k].greenwood, 1e-12);
        g_assert_cmpint(q[k].at_risk, ==, p[k].at_risk);
    }
    /* at 3: 2 at risk (times 3 and 4), at 2: 4 (a death and a censoring at 2 are still at risk) */
    long at2[] = {2, 3, 4, 9};
    crtk_km_counts(tm, d, c, 4, at2, 4, q);
    g_assert_cmpint(q[0].at_risk, ==, 4);
    g_assert_cmpint(q[1].at_risk, ==, 2);
    g_assert_cmpint(q[2].at_risk, ==, 1);
    g_assert_cmpint(q[3].at_risk, ==, 0);
    g_assert_cmpfloat_with_epsilon(q[3].survival, 0.3, 1e-12);
}

static void test_survival(void)
{
    char *path = run_report("survival", NULL);
    workbook *w = workbook_read(path);
    int all = find_row(w, 0, "All sites", TRUE); /* the last: all stages */
    g_assert_cmpstr(cell_at(w, 0, 'B', all), ==, "All stages");
    const char *eligible = "WHERE coalesce(t.typeOfReportingSource, '') NOT IN ('6','7') AND coalesce(t.classOfCase, '') NOT IN "
                           "('38','49') AND length(t.dateOfDiagnosis) = 8 AND length(p.dateOfLastContact) = 8 AND "
                           "p.dateOfLastContact >= t.dateOfDiagnosis AND p.dateOfLastContact <= '20260630'";
    g_assert_cmpint(num(w, 0, 'C', all), ==, sql_long("SELECT count(*)" FROM "%s", eligible));
    g_assert_cmpint(num(w, 0, 'D', all), ==, sql_long("SELECT count(*)" FROM "%s AND p.vitalStatus = '0'", eligible));
    /* numbers at risk at 1 year: followed at least 365 days */
    g_assert_cmpint(num(w, 0, 'F', all), ==, sql_long("SELECT count(*)" FROM "%s AND julianday(substr(p.dateOfLastContact,1,4)||'-'||"
        "substr(p.dateOfLastContact,5,2)||'-'||substr(p.dateOfLastContact,7,2)) - julianday(substr(t.dateOfDiagnosis,1,4)||'-'||"
        "substr(t.dateOfDiagnosis,5,2)||'-'||substr(t.dateOfDiagnosis,7,2)) >= 365", eligible));
    /* and at 5 years (1826 days): the report counts days past 5 years together */
    g_assert_cmpint(num(w, 0, 'N', all), ==, sql_long("SELECT count(*)" FROM "%s AND julianday(substr(p.dateOfLastContact,1,4)||'-'||"
        "substr(p.dateOfLastContact,5,2)||'-'||substr(p.dateOfLastContact,7,2)) - julianday(substr(t.dateOfDiagnosis,1,4)||'-'||"
        "substr(t.dateOfDiagnosis,5,2)||'-'||substr(t.dateOfDiagnosis,7,2)) >= 1826", eligible));
    double s1 = g_ascii_strtod(cell_at(w, 0, 'G', all), NULL);
    g_assert_true(s1 > 0.3 && s1 <= 1.0);
    double s5 = g_ascii_strtod(cell_at(w, 0, 'O', all), NULL);
    g_assert_true(s5 <= s1);
    g_assert_nonnull(g_hash_table_lookup(w->zip, "xl/charts/chart1.xml"));
    /* estimates from fewer than 10 cases are marked: a row with Cases < 10 has its 1-year estimate
     * in the style whose number format ends in a dagger, others not */
    GBytes *st = g_hash_table_lookup(w->zip, "xl/styles.xml");
    const char *styles = g_bytes_get_data(st, NULL);
    const char *fmt = strstr(styles, "formatCode=\"0.0%&quot;\u2020&quot;\"");
    g_assert_nonnull(fmt);
    int few_id = atoi(strstr(fmt - 40, "numFmtId=\"") + 10);
    GBytes *sh = g_hash_table_lookup(w->zip, "xl/worksheets/sheet1.xml");
    char *sx = g_strndup(g_bytes_get_data(sh, NULL), g_bytes_get_size(sh));
    /* the xf index of each cell style: position in cellXfs */
    const char *xfs = strstr(styles, "<cellXfs");
    GArray *xf_fmt = g_array_new(FALSE, FALSE, sizeof(int));
    for (const char *p = xfs; (p = strstr(p + 1, "<xf ")) && p < strstr(xfs, "</cellXfs>");) {
        int id = atoi(strstr(p, "numFmtId=\"") + 10);
        g_array_append_val(xf_fmt, id);
    }
    int marked = 0, unmarked = 0;
    for (int y = find_row(w, 0, "Site group", FALSE) + 1; y < all; y++) {
        const char *n = cell_at(w, 0, 'C', y), *g = cell_at(w, 0, 'G', y);
        if (!n || !g || !g_ascii_isdigit(g[0]))
            continue;
        char ref[16];
        g_snprintf(ref, sizeof ref, "<c r=\"G%d\"", y);
        const char *c = strstr(sx, ref), *sa = c ? strstr(c, " s=\"") : NULL;
        g_assert_nonnull(sa);
        int xf = atoi(sa + 4);
        gboolean is_few = xf < (int)xf_fmt->len && g_array_index(xf_fmt, int, xf) == few_id;
        g_assert_cmpint(is_few, ==, atol(n) < 10);
        if (is_few)
            marked++;
        else
            unmarked++;
    }
    g_test_message("survival: %d estimates marked as from fewer than 10 cases, %d not", marked, unmarked);
    g_assert_cmpint(marked, >, 0);
    g_assert_cmpint(unmarked, >, 0);
    g_assert_nonnull(strstr(cell(w, 0, "A4"), "fewer than 10 cases"));
    g_array_free(xf_fmt, TRUE);
    g_free(sx);
    workbook_free(w);
    g_free(path);
}

/* The survival sheet prints on pages one wide (landscape, fit to the width, the header row on
 * every page) at a readable scale: its columns add up to no more than 180 characters as written
 * (Letter landscape holds about 137 at 100%, so the scale stays near 80%; it was 60%); no two column ranges overlap
 * (Excel would call the workbook damaged); the note above the table is one merged, wrapped cell
 * across the table in a row tall enough for it; a site group's name longer than its column wraps
 * in a taller row, so nothing is cut off. */
static const char *xml_attr(const char *el, const char *name, char *buf, gsize size)
{
    char key[64];
    g_snprintf(key, sizeof key, " %s=\"", name);
    const char *end = strchr(el, '>'), *p = strstr(el, key);
    if (!p || p > end)
        return NULL;
    p += strlen(key);
    g_strlcpy(buf, p, MIN(size, (gsize)(strchr(p, '"') - p) + 1));
    return buf;
}

static void test_survival_print(void)
{
    char *path = run_report("survival", NULL);
    workbook *w = workbook_read(path);
    GBytes *b = g_hash_table_lookup(w->zip, "xl/worksheets/sheet1.xml");
    char *x = g_strndup(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
    g_assert_nonnull(strstr(x, "orientation=\"landscape\""));
    g_assert_nonnull(strstr(x, "fitToHeight=\"0\""));
    g_assert_nonnull(strstr(x, "<pageSetUpPr fitToPage=\"1\"/>"));
    GBytes *wbx = g_hash_table_lookup(w->zip, "xl/workbook.xml");
    g_assert_nonnull(strstr(g_bytes_get_data(wbx, NULL), "name=\"_xlnm.Print_Titles\" localSheetId=\"0\""));
    /* the columns: no overlap, A-Q within 175 characters */
    double width[32] = {0};
    gboolean seen[32] = {FALSE};
    char buf[64];
    for (const char *p = x; (p = strstr(p, "<col ")); p++) {
        int lo = atoi(xml_attr(p, "min", buf, sizeof buf)), hi = atoi(xml_attr(p, "max", buf, sizeof buf));
        double wd = g_ascii_strtod(xml_attr(p, "width", buf, sizeof buf), NULL);
        for (int c = lo; c <= hi && c < 32; c++) {
            if (seen[c])
                g_error("column %d is in two <col> ranges", c);
            seen[c] = TRUE;
            width[c] = wd;
        }
    }
    double total = 0;
    for (int c = 1; c <= 17; c++)
        total += width[c];
    g_test_message("survival: columns A-Q %.1f characters wide", total);
    g_assert_cmpfloat(total, <=, 180);
    /* the note: merged across A-Q, wrapped, in a tall row */
    g_assert_nonnull(strstr(x, "<mergeCell ref=\"A4:Q4\"/>"));
    g_assert_nonnull(strstr(cell(w, 0, "A4"), "fewer than 10 cases"));
    GBytes *st = g_hash_table_lookup(w->zip, "xl/styles.xml");
    const char *styles = g_bytes_get_data(st, NULL);
    GPtrArray *xfs = g_ptr_array_new_with_free_func(g_free);
    const char *xf0 = strstr(styles, "<cellXfs"), *xf1 = strstr(xf0, "</cellXfs>");
    for (const char *p = xf0; (p = strstr(p + 1, "<xf ")) && p < xf1;) {
        const char *e = strstr(p, "<xf ") == p ? strstr(p + 1, "<xf ") : NULL;
        if (!e || e > xf1)
            e = xf1;
        g_ptr_array_add(xfs, g_strndup(p, (gsize)(e - p)));
    }
    /* a cell's row height (0 when not set) and whether its style wraps */
#define ROW_HT(y) (g_snprintf(buf, sizeof buf, "<row r=\"%d\" ", (y)), \
                   strstr(x, buf) && xml_attr(strstr(x, buf), "ht", buf, sizeof buf) ? g_ascii_strtod(buf, NULL) : 0.0)
    g_assert_cmpfloat(ROW_HT(4), >=, 30);
    int head = find_row(w, 0, "Site group", FALSE), last = find_row(w, 0, "All sites", TRUE);
    int wrapped = 0;
    for (int y = head + 1; y <= last; y++) {
        const char *label = cell_at(w, 0, 'A', y);
        if ((double)g_utf8_strlen(label, -1) <= width[1] - 1)
            continue;
        g_snprintf(buf, sizeof buf, "<c r=\"A%d\"", y);
        const char *c = strstr(x, buf);
        g_assert_nonnull(c);
        int s = atoi(xml_attr(c, "s", buf, sizeof buf));
        g_assert_cmpint(s, <, (int)xfs->len);
        if (!strstr(xfs->pdata[s], "wrapText=\"1\""))
            g_error("row %d: \"%s\" is longer than its column and does not wrap", y, label);
        if (ROW_HT(y) < 29)
            g_error("row %d: \"%s\" wraps in a row too low for two lines", y, label);
        wrapped++;
    }
#undef ROW_HT
    g_test_message("survival: %d site group names wrapped in their column", wrapped);
    g_ptr_array_free(xfs, TRUE);
    g_free(x);
    workbook_free(w);
    g_free(path);
}

static void test_followup(void)
{
    char *path = run_report("followup", NULL);
    workbook *w = workbook_read(path);
    crtk_followup_rules rules;
    g_assert_true(crtk_followup_rules_from_store(store, AS_OF, &rules, NULL));
    crtk_followup_rate rate;
    crtk_followup_rate_init(&rate, &rules, FALSE);
    g_assert_true(crtk_followup_rate_compute(store, &rate, NULL));
    int a = find_row(w, 0, "A  Eligible analytic patients (denominator)", FALSE);
    g_assert_cmpint(num(w, 0, 'B', a), ==, rate.cohort[0].total.a);
    g_assert_cmpint(num(w, 0, 'B', a + 1), ==, rate.cohort[0].total.b);
    g_assert_cmpint(num(w, 0, 'B', a + 4), ==, rate.cohort[0].total.e);
    int a2 = find_row(w, 0, "A  Eligible analytic patients (denominator)", TRUE);
    g_assert_cmpint(num(w, 0, 'B', a2), ==, rate.cohort[1].total.a);
    crtk_followup_rate_clear(&rate);
    workbook_free(w);
    g_free(path);
}

/* ---- can a suppressed cell be worked out from the totals? ----
 * Independent of the library: the sheet's cells as read back, the sums the layout
 * publishes, and Gaussian elimination over the hidden cells.  A hidden cell is derivable
 * when its unit vector is in the row space of the equations restricted to hidden cells. */
typedef struct {
    GPtrArray *eqs;   /* int arrays: [n, total ref index, member ref indexes...] */
    GPtrArray *refs;  /* char*: cell references */
    GHashTable *idx;  /* ref -> index + 1 */
} sums;

static int ref_index(sums *q, const char *ref)
{
    gpointer v = g_hash_table_lookup(q->idx, ref);
    if (v)
        return GPOINTER_TO_INT(v) - 1;
    char *k = g_strdup(ref);
    g_ptr_array_add(q->refs, k);
    g_hash_table_insert(q->idx, k, GINT_TO_POINTER((int)q->refs->len));
    return (int)q->refs->len - 1;
}

static void add_sum(sums *q, const char *total, GPtrArray *members)
{
    int *e = g_new(int, members->len + 2);
    e[0] = (int)members->len;
    e[1] = ref_index(q, total);
    for (guint k = 0; k < members->len; k++)
        e[2 + k] = ref_index(q, members->pdata[k]);
    g_ptr_array_add(q->eqs, e);
}

static gboolean is_hidden(const char *v)
{
    return v && (v[0] == '<' || !strcmp(v, "x"));
}

/* The sums of q as equations over the hidden cells (var[i]: the unknown of reference i, -1 when
 * shown), reduced by Gauss-Jordan elimination into *m; returns piv: the row solving each unknown,
 * -1 when none does. */
static int *reduce_sums(const sums *q, const int *var, int nv, GPtrArray **m_out)
{
    GPtrArray *m = g_ptr_array_new_with_free_func(g_free);
    for (guint e = 0; e < q->eqs->len; e++) {
        const int *x = q->eqs->pdata[e];
        double *row = g_new0(double, nv + 1);
        if (var[x[1]] >= 0)
            row[var[x[1]]] -= 1;
        for (int k = 0; k < x[0]; k++)
            if (var[x[2 + k]] >= 0)
                row[var[x[2 + k]]] += 1;
        g_ptr_array_add(m, row);
    }
    int *piv = g_new(int, nv + 1);
    guint r = 0;
    for (int j = 0; j < nv; j++) {
        piv[j] = -1;
        if (r >= m->len)
            continue;
        guint b = r;
        for (guint i = r; i < m->len; i++)
            if (fabs(((double *)m->pdata[i])[j]) > fabs(((double *)m->pdata[b])[j]))
                b = i;
        if (fabs(((double *)m->pdata[b])[j]) < 1e-9)
            continue;
        gpointer t = m->pdata[b];
        m->pdata[b] = m->pdata[r];
        m->pdata[r] = t;
        double *pr = m->pdata[r], d = pr[j];
        for (int k = 0; k < nv; k++)
            pr[k] /= d;
        for (guint i = 0; i < m->len; i++) {
            double *o = m->pdata[i], f = o[j];
            if (i != r && f != 0)
                for (int k = 0; k < nv; k++)
                    o[k] -= f * pr[k];
        }
        piv[j] = (int)r++;
    }
    *m_out = m;
    return piv;
}

/* TRUE when unknown v is worked out alone: its row of the reduced system names no other unknown. */
static gboolean solved_alone(const GPtrArray *m, const int *piv, int v, int nv)
{
    if (v < 0 || piv[v] < 0)
        return FALSE;
    const double *o = m->pdata[piv[v]];
    for (int k = 0; k < nv; k++)
        if (k != v && fabs(o[k]) > 1e-9)
            return FALSE;
    return TRUE;
}

/* Number of hidden cells that can be derived; the first one's reference in *which. */
static int derivable_cells(workbook *w, int sheet, sums *q, char **which)
{
    int nref = (int)q->refs->len, nv = 0;
    int *var = g_new(int, nref);
    for (int i = 0; i < nref; i++)
        var[i] = is_hidden(cell(w, sheet, q->refs->pdata[i])) ? nv++ : -1;
    GPtrArray *m = NULL;
    int *piv = reduce_sums(q, var, nv, &m);
    int found = 0;
    for (int i = 0; i < nref; i++) {
        gboolean alone = solved_alone(m, piv, var[i], nv);
        if (alone && found++ == 0 && which)
            *which = g_strdup(q->refs->pdata[i]);
    }
    g_free(piv);
    g_ptr_array_free(m, TRUE);
    g_free(var);
    return found;
}

static char *ref_of(char col, int row)
{
    return g_strdup_printf("%c%d", col, row);
}

/* The sums the site table publishes: per row B = D+E (class), B = F+G+H (sex), D = I..N
 * (stage of the analytic cases); per column the "All sites" row = the rows above. */
static void site_table_sums(workbook *w, sums *q)
{
    int head = find_row(w, 0, "Site group", FALSE), all = find_row(w, 0, "All sites", FALSE);
    g_assert_cmpint(all, >, head + 1);
    for (int y = head + 1; y <= all; y++) {
        GPtrArray *mb = g_ptr_array_new_with_free_func(g_free);
        char *t = ref_of('B', y);
        g_ptr_array_add(mb, ref_of('D', y));
        g_ptr_array_add(mb, ref_of('E', y));
        add_sum(q, t, mb);
        g_ptr_array_set_size(mb, 0);
        for (char c = 'F'; c <= 'H'; c++)
            g_ptr_array_add(mb, ref_of(c, y));
        add_sum(q, t, mb);
        g_ptr_array_set_size(mb, 0);
        for (char c = 'I'; c <= 'N'; c++)
            g_ptr_array_add(mb, ref_of(c, y));
        char *d = ref_of('D', y);
        add_sum(q, d, mb);
        g_free(d);
        g_free(t);
        g_ptr_array_free(mb, TRUE);
    }
    const char cols[] = "BDEFGHIJKLMN";
    for (const char *c = cols; *c; c++) {
        GPtrArray *mb = g_ptr_array_new_with_free_func(g_free);
        for (int y = head + 1; y < all; y++)
            g_ptr_array_add(mb, ref_of(*c, y));
        char *t = ref_of(*c, all);
        add_sum(q, t, mb);
        g_free(t);
        g_ptr_array_free(mb, TRUE);
    }
}

static void test_suppression_not_derivable(void)
{
    int thresholds[] = {5, 11, 16, 40};
    for (size_t k = 0; k < G_N_ELEMENTS(thresholds); k++) {
        crtk_report_options o;
        crtk_report_options_init(&o);
        o.suppress_below = thresholds[k];
        o.year_from = 2021;
        o.year_to = 2021;
        char *path = run_report("site-table", &o);
        workbook *w = workbook_read(path);
        sums q = {g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free),
                  g_hash_table_new(g_str_hash, g_str_equal)};
        site_table_sums(w, &q);
        int hidden = 0, small = 0;
        for (guint i = 0; i < q.refs->len; i++) {
            const char *v = cell(w, 0, q.refs->pdata[i]);
            g_assert_nonnull(v);
            if (is_hidden(v))
                hidden++;
            else
                g_assert_true(atol(v) == 0 || atol(v) >= thresholds[k]);
            small += v[0] == '<';
        }
        char *which = NULL;
        int n = derivable_cells(w, 0, &q, &which);
        if (n)
            g_error("suppress below %d: %d suppressed cells can be worked out from the totals (first %s)",
                    thresholds[k], n, which);
        g_test_message("suppress below %d: %d cells hidden (%d small), none derivable", thresholds[k], hidden, small);
        g_assert_cmpint(small, >, 0);
        /* shares of a hidden total are hidden; the note says what was done */
        int head = find_row(w, 0, "Site group", FALSE), all = find_row(w, 0, "All sites", FALSE);
        for (int y = head + 1; y <= all; y++)
            if (is_hidden(cell_at(w, 0, 'B', y)))
                g_assert_cmpstr(cell_at(w, 0, 'C', y), ==, "*");
        g_assert_nonnull(cell_at(w, 0, 'A', all + 2));
        g_assert_nonnull(strstr(cell_at(w, 0, 'A', all + 2), "none of them can be worked out"));
        /* the top-sites sheet hides what the site table hides, and charts shown counts only */
        int h2 = find_row(w, 1, "Site group", FALSE);
        int charted = 0;
        for (int y = h2 + 1; cell_at(w, 1, 'A', y) && cell_at(w, 1, 'B', y); y++) {
            int r0 = find_row(w, 0, cell_at(w, 1, 'A', y), FALSE);
            g_assert_cmpint(is_hidden(cell_at(w, 1, 'B', y)), ==, is_hidden(cell_at(w, 0, 'B', r0)));
            if (!is_hidden(cell_at(w, 1, 'B', y))) {
                g_assert_cmpstr(cell_at(w, 1, 'H', h2 + 1 + charted), ==, cell_at(w, 1, 'A', y));
                charted++;
            }
        }
        g_assert_null(cell_at(w, 1, 'H', h2 + 1 + charted));
        g_hash_table_destroy(q.idx);
        g_ptr_array_free(q.refs, TRUE);
        g_ptr_array_free(q.eqs, TRUE);
        workbook_free(w);
        g_free(path);
    }
}

/* ---- stage, age and trends: the same question on the test store ----
 * The sums each sheet publishes, read off the report sources:
 *   stage:  per row, Cases (B) = the stages (C..H); "All sites" holds the groups not listed, so
 *           the rows above do not add up to it (no column sums); shares I..N = C..H / B.
 *   age:    per row, Total (B) = Male + Female + Other (D..F); "All ages" = the rows above for
 *           B, D, E, F; shares C = B / all B, G = D / all D, H = E / all E.
 *   trends: per row, All sites (B) = Analytic + Non-analytic (C + D); "All years" = the rows
 *           above for every count column (B, C, D and the top site groups). */
static sums sums_make(void)
{
    sums q = {g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free),
              g_hash_table_new(g_str_hash, g_str_equal)};
    return q;
}

static void sums_free(sums *q)
{
    g_hash_table_destroy(q->idx);
    g_ptr_array_free(q->refs, TRUE);
    g_ptr_array_free(q->eqs, TRUE);
}

/* total = cells (c0..c1, y) */
static void row_sum(sums *q, char tcol, int y, char c0, char c1)
{
    GPtrArray *mb = g_ptr_array_new_with_free_func(g_free);
    for (char c = c0; c <= c1; c++)
        g_ptr_array_add(mb, ref_of(c, y));
    char *t = ref_of(tcol, y);
    add_sum(q, t, mb);
    g_free(t);
    g_ptr_array_free(mb, TRUE);
}

/* (col, total) = cells (col, y0..y1) */
static void col_sum(sums *q, char col, int total, int y0, int y1)
{
    GPtrArray *mb = g_ptr_array_new_with_free_func(g_free);
    for (int y = y0; y <= y1; y++)
        g_ptr_array_add(mb, ref_of(col, y));
    char *t = ref_of(col, total);
    add_sum(q, t, mb);
    g_free(t);
    g_ptr_array_free(mb, TRUE);
}

/* A share is "*" when its count or its denominator is hidden (share x denominator = count). */
static void check_share(workbook *w, char scol, int sy, char ncol, int ny, char dcol, int dy)
{
    if (is_hidden(cell_at(w, 0, ncol, ny)) || is_hidden(cell_at(w, 0, dcol, dy)))
        g_assert_cmpstr(cell_at(w, 0, scol, sy), ==, "*");
}

/* Every cell of the sums is there, a shown one is 0 or at least `below`, and no hidden one can
 * be worked out; the number of small ("<N") cells. */
static int check_not_derivable(workbook *w, const char *what, int below, sums *q)
{
    int hidden = 0, small = 0;
    for (guint i = 0; i < q->refs->len; i++) {
        const char *v = cell(w, 0, q->refs->pdata[i]);
        if (!v)
            g_error("%s, suppress below %d: no cell %s", what, below, (char *)q->refs->pdata[i]);
        if (is_hidden(v))
            hidden++;
        else if (atol(v) != 0 && atol(v) < below)
            g_error("%s, suppress below %d: %s shows %s", what, below, (char *)q->refs->pdata[i], v);
        small += v[0] == '<';
    }
    char *which = NULL;
    int n = derivable_cells(w, 0, q, &which);
    if (n)
        g_error("%s, suppress below %d: %d suppressed cells can be worked out from the totals (first %s)", what, below,
                n, which);
    g_test_message("%s, suppress below %d: %d cells hidden (%d small), none derivable", what, below, hidden, small);
    return small;
}

static void test_stage_age_trends_not_derivable(void)
{
    int thresholds[] = {5, 11, 16};
    for (size_t k = 0; k < G_N_ELEMENTS(thresholds); k++) {
        int below = thresholds[k];
        crtk_report_options o;
        crtk_report_options_init(&o);
        o.suppress_below = below;
        o.year_from = 2021;
        o.year_to = 2021;

        /* stage */
        char *path = run_report("stage", &o);
        workbook *w = workbook_read(path);
        sums q = sums_make();
        int head = find_row(w, 0, "Site group", FALSE), all = find_row(w, 0, "All sites", FALSE);
        g_assert_cmpint(head, >, 0);
        g_assert_cmpint(all, >, head + 1);
        g_assert_cmpstr(cell_at(w, 0, 'H', head), ==, crtk_stage_labels[CRTK_STAGE_COUNT - 1]);
        for (int y = head + 1; y <= all; y++) {
            row_sum(&q, 'B', y, 'C', 'H');
            for (int j = 0; j < CRTK_STAGE_COUNT; j++)
                check_share(w, (char)('I' + j), y, (char)('C' + j), y, 'B', y);
        }
        g_assert_cmpint(check_not_derivable(w, "stage", below, &q), >, 0);
        sums_free(&q);
        workbook_free(w);
        g_free(path);

        /* age */
        path = run_report("age", &o);
        w = workbook_read(path);
        q = sums_make();
        head = find_row(w, 0, "Age at diagnosis", FALSE);
        all = find_row(w, 0, "All ages", FALSE);
        g_assert_cmpint(head, >, 0);
        g_assert_cmpint(all, >, head + 1);
        g_assert_cmpstr(cell_at(w, 0, 'F', head), ==, "Other/unknown sex");
        for (int y = head + 1; y <= all; y++) {
            row_sum(&q, 'B', y, 'D', 'F');
            check_share(w, 'C', y, 'B', y, 'B', all);
            check_share(w, 'G', y, 'D', y, 'D', all);
            check_share(w, 'H', y, 'E', y, 'E', all);
        }
        for (const char *c = "BDEF"; *c; c++)
            col_sum(&q, *c, all, head + 1, all - 1);
        g_assert_cmpint(check_not_derivable(w, "age", below, &q), >, 0);
        sums_free(&q);
        workbook_free(w);
        g_free(path);

        /* trends: all years (one year would make a single row) */
        crtk_report_options ot;
        crtk_report_options_init(&ot);
        ot.suppress_below = below;
        path = run_report("trends", &ot);
        w = workbook_read(path);
        q = sums_make();
        head = find_row(w, 0, "Year of diagnosis", FALSE);
        all = find_row(w, 0, "All years", FALSE);
        g_assert_cmpint(head, >, 0);
        g_assert_cmpint(all, >, head + 2);
        g_assert_cmpstr(cell_at(w, 0, 'D', head), ==, "Non-analytic");
        char last = 'D';
        while (last < 'Z' && cell_at(w, 0, (char)(last + 1), head))
            last++;
        g_assert_cmpint(last, >, 'E');
        g_assert_cmpint(last, <, 'Z'); /* the chart data start after a blank column */
        for (int y = head + 1; y < all; y++)
            row_sum(&q, 'B', y, 'C', 'D');
        row_sum(&q, 'B', all, 'C', 'D');
        for (char c = 'B'; c <= last; c++)
            col_sum(&q, c, all, head + 1, all - 1);
        g_assert_cmpint(check_not_derivable(w, "trends", below, &q), >, 0);
        sums_free(&q);
        workbook_free(w);
        g_free(path);
    }
}

/* ---- survival and follow-up: the same question on stores made by hand ----
 * Counts are chosen so that a small count sits in a table whose published totals would give it
 * back (Lung "unknown" = 22 - 7 - 5 - 9; a year's D = C - E).  The sums are read off the sheets
 * as a reader sees them; a cell is hidden when it reads "<N", "x" or "*" (a share or estimate).
 * References are "S!B7" (sheet S, 0-based) or "v:NAME" for a count the sheet gives as a share
 * (lost = share x cases; a year's B + D = rate x A), hidden when the share is not a number. */
static gint64 hand_id;

/* Adds a patient with one tumor: items NULL-terminated pairs, patient ones before "|". */
static void hand_case(crtk_store *s, const char *const *items)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    crtk_record *r = crtk_record_new(d);
    char key[16];
    g_snprintf(key, sizeof key, "%08" G_GINT64_FORMAT, ++hand_id);
    g_assert_true(crtk_element_set_id(&r->patient, d, "patientIdNumber", key));
    const char *const *p = items;
    for (; *p && strcmp(*p, "|"); p += 2)
        if (p[1] && *p[1] && !crtk_element_set_id(&r->patient, d, p[0], p[1]))
            g_error("patient item %s", p[0]);
    GError *error = NULL;
    gint64 pid = crtk_store_insert_patient(s, &r->patient, &error);
    g_assert_no_error(error);
    crtk_element *t = crtk_record_add_tumor(r);
    g_assert_true(crtk_element_set_id(t, d, "tumorRecordNumber", "01"));
    for (p++; *p; p += 2)
        if (p[1] && *p[1] && !crtk_element_set_id(t, d, p[0], p[1]))
            g_error("tumor item %s", p[0]);
    g_assert_cmpint(crtk_store_insert_tumor(s, pid, t, &error), >, 0);
    g_assert_no_error(error);
    crtk_record_free(r);
}

static crtk_store *hand_store(const char *name, char **path_out)
{
    char *path = g_strdup_printf("%s/%s.db", tmpdir, name);
    GError *error = NULL;
    crtk_store *s = crtk_store_create(path, 260, NULL, &error);
    g_assert_no_error(error);
    crtk_store_set_actor(s, "tester", "test");
    crtk_store_set_setting(s, "registryName", "Test Registry", NULL);
    crtk_store_set_setting(s, "referenceDate", "20150101", NULL);
    *path_out = path;
    return s;
}

static char *run_report_on(crtk_store *s, const char *name, int below, int top)
{
    crtk_report_options o;
    crtk_report_options_init(&o);
    o.as_of = AS_OF;
    o.suppress_below = below;
    if (top)
        o.top = top;
    char *path = g_strdup_printf("%s/%s-%d-%d.xlsx", tmpdir, name, below, g_random_int_range(0, 1000000));
    GError *e = NULL;
    if (!crtk_report_run(s, crtk_report_find(name), path, &o, &e))
        g_error("%s: %s", name, e->message);
    return path;
}

/* The survival store: (site, histology, behavior, stage, cases) groups; case j of a group is
 * diagnosed 15 March 2019 + j % 5, and dies (j % 3 == 0) 0-2 years later, is alive and
 * followed (j % 3 == 1), or alive and lost (j % 3 == 2: last contact 2024-01-01). */
static crtk_store *survival_store(char **path)
{
    static const struct {
        const char *site, *hist, *beh, *stage;
        int n;
    } groups[] = {
        {"C349", "8140", "3", "1", 7}, {"C349", "8140", "3", "2", 5}, {"C349", "8140", "3", "7", 9},
        {"C349", "8140", "3", "9", 1}, {"C504", "8500", "3", "1", 14}, {"C504", "8500", "3", "2", 6},
        {"C504", "8500", "2", "0", 3}, {"C504", "8500", "3", "7", 2}, {"C187", "8140", "3", "1", 8},
        {"C187", "8140", "3", "7", 2}, {"C187", "8140", "3", "2", 6}, {"C619", "8140", "3", "1", 9},
        {"C619", "8140", "3", "2", 3}, {"C649", "8312", "3", "1", 2},
    };
    crtk_store *s = hand_store("survival-hand", path);
    GError *error = NULL;
    g_assert_true(crtk_store_begin(s, &error));
    for (size_t g = 0; g < G_N_ELEMENTS(groups); g++)
        for (int j = 0; j < groups[g].n; j++) {
            int y = 2019 + j % 5;
            char dx[16], dlc[16];
            g_snprintf(dx, sizeof dx, "%04d0315", y);
            const char *vital = j % 3 == 0 ? "0" : "1";
            if (j % 3 == 0)
                g_snprintf(dlc, sizeof dlc, "%04d0910", y + (j / 3) % 3);
            else
                g_strlcpy(dlc, j % 3 == 1 ? "20260501" : "20240101", sizeof dlc);
            const char *items[] = {"dateOfBirth", "19500101", "sexAssignedAtBirth", j % 2 ? "1" : "2",
                                   "dateOfLastContact", dlc, "vitalStatus", vital, "|",
                                   "primarySite", groups[g].site, "histologicTypeIcdO3", groups[g].hist,
                                   "behaviorCodeIcdO3", groups[g].beh, "dateOfDiagnosis", dx,
                                   "classOfCase", "14", "typeOfReportingSource", "1",
                                   "summaryStage2018", groups[g].stage, NULL};
            hand_case(s, items);
        }
    g_assert_true(crtk_store_commit(s, &error));
    return s;
}

/* The follow-up store: lung cases of class 14, one tumor each, by year of diagnosis and line:
 * dead, current (contact 2026-01-01), due (2025-04-01: within the lost window, so line D), lost
 * (2023-01-01); next follow-up source 1 and 2 in turn. */
static crtk_store *followup_store(char **path)
{
    static const struct {
        int year, dead, current, due, lost;
    } years[] = {{2022, 10, 3, 0, 8}, {2023, 6, 11, 1, 1}};
    crtk_store *s = hand_store("followup-hand", path);
    GError *error = NULL;
    g_assert_true(crtk_store_begin(s, &error));
    int k = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(years); i++) {
        int n[4] = {years[i].dead, years[i].current, years[i].due, years[i].lost};
        static const char *const dlcs[4] = {"20250101", "20260101", "20250401", "20230101"};
        for (int line = 0; line < 4; line++)
            for (int j = 0; j < n[line]; j++, k++) {
                char dx[16];
                g_snprintf(dx, sizeof dx, "%04d0610", years[i].year);
                const char *items[] = {"dateOfBirth", "19500101", "sexAssignedAtBirth", "1",
                                       "dateOfLastContact", dlcs[line], "vitalStatus", line ? "1" : "0", "|",
                                       "primarySite", "C349", "histologicTypeIcdO3", "8140", "behaviorCodeIcdO3", "3",
                                       "dateOfDiagnosis", dx, "classOfCase", "14", "typeOfReportingSource", "1",
                                       "summaryStage2018", "2", "nextFollowUpSource", k % 2 ? "1" : "2", NULL};
                hand_case(s, items);
            }
    }
    g_assert_true(crtk_store_commit(s, &error));
    return s;
}

/* The sheet's value at "S!B7"; a "v:" reference's shown-ness is in virt. */
static const char *sheet_ref(workbook *w, const char *ref)
{
    const char *bang = strchr(ref, '!');
    g_assert_nonnull(bang);
    return cell(w, atoi(ref), bang + 1);
}

static char *sref(int sheet, char col, int row)
{
    return g_strdup_printf("%d!%c%d", sheet, col, row);
}

static gboolean is_number(const char *v)
{
    if (!v || !*v)
        return FALSE;
    char *end;
    g_ascii_strtod(v, &end);
    return *end == 0;
}

/* a cell hidden to a reader: "<N", "x" or "*" */
static gboolean hidden_text(const char *v)
{
    return v && (v[0] == '<' || !strcmp(v, "x") || !strcmp(v, "*"));
}

/* Adds total = sum of members (references given as a NULL-terminated list of g_strdup'ed
 * strings, freed). */
static void sum_of(sums *q, char *total, ...)
{
    va_list ap;
    va_start(ap, total);
    GPtrArray *mb = g_ptr_array_new_with_free_func(g_free);
    for (char *m; (m = va_arg(ap, char *));)
        g_ptr_array_add(mb, m);
    va_end(ap);
    add_sum(q, total, mb);
    g_free(total);
    g_ptr_array_free(mb, TRUE);
}

static void sum_list(sums *q, char *total, GPtrArray *members)
{
    add_sum(q, total, members);
    g_free(total);
    g_ptr_array_free(members, TRUE);
}

/* Hidden cells that can be worked out: as derivable_cells, over references to any sheet; virt
 * maps "v:" references to "hidden" or "shown". */
static int derivable_refs(workbook *w, sums *q, GHashTable *virt, char **which, int *n_hidden)
{
    int nref = (int)q->refs->len;
    int *var = g_new(int, nref > 0 ? nref : 1), nv = 0;
    for (int i = 0; i < nref; i++) {
        const char *ref = q->refs->pdata[i];
        gboolean h;
        if (g_str_has_prefix(ref, "v:")) {
            const char *st = g_hash_table_lookup(virt, ref);
            g_assert_nonnull(st);
            h = strcmp(st, "shown") != 0;
        } else {
            const char *v = sheet_ref(w, ref);
            if (!v)
                g_error("%s: no value on the sheet", ref);
            h = hidden_text(v);
            if (!h && !is_number(v))
                g_error("%s: \"%s\" is neither a count nor hidden", ref, v);
        }
        var[i] = h ? nv++ : -1;
    }
    *n_hidden = nv;
    GPtrArray *m = NULL;
    int *piv = reduce_sums(q, var, nv, &m);
    int found = 0;
    for (int i = 0; i < nref; i++) {
        gboolean alone = solved_alone(m, piv, var[i], nv);
        /* a hidden share's count ("v:") is not on the sheet: only cells written hidden count, and
         * the counts a sheet leaves out but must protect ("protect") */
        const char *ref = q->refs->pdata[i];
        gboolean counts = !g_str_has_prefix(ref, "v:") || !g_strcmp0(g_hash_table_lookup(virt, ref), "protect");
        if (alone && counts && found++ == 0 && which)
            *which = g_strdup(q->refs->pdata[i]);
    }
    g_free(piv);
    g_ptr_array_free(m, TRUE);
    g_free(var);
    return found;
}

static sums sums_new(void)
{
    return (sums){g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free),
                  g_hash_table_new(g_str_hash, g_str_equal)};
}

static void sums_clear(sums *q)
{
    g_hash_table_destroy(q->idx);
    g_ptr_array_free(q->refs, TRUE);
    g_ptr_array_free(q->eqs, TRUE);
}

/* Index of a sheet by name (workbook.xml order), -1 if none. */
static int sheet_index(workbook *w, const char *name)
{
    GBytes *b = g_hash_table_lookup(w->zip, "xl/workbook.xml");
    const char *p = g_bytes_get_data(b, NULL);
    for (int i = 0; (p = strstr(p, "<sheet name=\"")); i++) {
        p += 13;
        char *n = xml_unescape(p, (gsize)(strchr(p, '"') - p));
        gboolean same = !strcmp(n, name);
        g_free(n);
        if (same)
            return i;
    }
    return -1;
}

/* The value ranges of every chart of the workbook, as "S!C7"-style references to each cell, and
 * the number of charts. */
static int chart_values(workbook *w, GPtrArray *out)
{
    int charts = 0;
    for (int i = 1;; i++) {
        char name[64];
        g_snprintf(name, sizeof name, "xl/charts/chart%d.xml", i);
        GBytes *b = g_hash_table_lookup(w->zip, name);
        if (!b)
            break;
        charts++;
        char *x = g_strndup(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
        for (const char *p = x; (p = strstr(p, "<c:val>"));) {
            const char *f = strstr(p, "<c:f>") + 5, *fe = strstr(f, "</c:f>");
            char *formula = xml_unescape(f, (gsize)(fe - f));
            char *bang = strrchr(formula, '!');
            *bang = 0;
            char *sheet = formula[0] == '\'' ? g_strndup(formula + 1, strlen(formula) - 2) : g_strdup(formula);
            int si = sheet_index(w, sheet);
            g_assert_cmpint(si, >=, 0);
            char c0, c1;
            int r0, r1;
            g_assert_cmpint(sscanf(bang + 1, "$%c$%d:$%c$%d", &c0, &r0, &c1, &r1), ==, 4);
            for (char c = c0; c <= c1; c++)
                for (int r = r0; r <= r1; r++)
                    g_ptr_array_add(out, sref(si, c, r));
            g_free(sheet);
            g_free(formula);
            p = fe;
        }
        g_free(x);
    }
    return charts;
}

/* Survival: the sums of the counts (cases C, deaths D, at risk F, J, N, and lost = E x C) over
 * the stages of each site and over the sites of each stage (the sites shown are all of them
 * here), the curves' numbers at risk (years 0-5; year 0 = cases) and their sums over stages, and
 * the rule for estimates: none is shown when the cases or the number at risk at that time are
 * hidden. */
static void check_survival_sheet(workbook *w, int below, guint n_sites, const long *other)
{
    int head = find_row(w, 0, "Site group", FALSE), last = find_row(w, 0, "All sites", TRUE);
    g_assert_cmpint(last, >, head);
    sums q = sums_new();
    GHashTable *virt = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    static const char cols[] = "CDFJN";
    static const char *const stages[] = {"In situ", "Localized", "Regional", "Distant", "Benign/borderline or N/A",
                                         "Unknown/unstaged"};
    /* rows by (site, stage) */
    GHashTable *rowof = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GPtrArray *sites = g_ptr_array_new_with_free_func(g_free);
    for (int y = head + 1; y <= last; y++) {
        const char *site = cell_at(w, 0, 'A', y), *stage = cell_at(w, 0, 'B', y);
        g_assert_nonnull(site);
        g_assert_nonnull(stage);
        g_hash_table_insert(rowof, g_strdup_printf("%s|%s", site, stage), GINT_TO_POINTER(y));
        if (strcmp(site, "All sites") && !strcmp(stage, "All stages"))
            g_ptr_array_add(sites, g_strdup(site));
        /* lost to follow-up: a share of the cases, so a count when both are numbers */
        char *v = g_strdup_printf("v:lost%d", y);
        const char *share = cell_at(w, 0, 'E', y);
        g_hash_table_insert(virt, v, (gpointer)(is_number(share) ? "shown" : "hidden"));
        if (hidden_text(cell_at(w, 0, 'C', y)))
            g_assert_false(is_number(share));
        /* estimates: hidden with the cases or with the number at risk at that time */
        for (int k = 0; k < 3; k++) {
            char at = (char)('F' + 4 * k);
            gboolean hide = hidden_text(cell_at(w, 0, 'C', y)) || hidden_text(cell_at(w, 0, at, y));
            for (char c = (char)(at + 1); c <= at + 3; c++)
                if (hide && is_number(cell_at(w, 0, c, y)))
                    g_error("suppress below %d: row %d (%s, %s): the estimate in %c%d is shown beside a hidden count",
                            below, y, site, stage, c, y);
        }
    }
    g_assert_cmpuint(sites->len, ==, n_sites);
    for (int part = 0; part < 2; part++) {
        /* part 0: each site (and all sites) = its stages; part 1: each stage (and all stages) = the sites */
        GPtrArray *outer = g_ptr_array_new_with_free_func(g_free);
        if (part == 0) {
            for (guint i = 0; i < sites->len; i++)
                g_ptr_array_add(outer, g_strdup(sites->pdata[i]));
            g_ptr_array_add(outer, g_strdup("All sites"));
        } else {
            for (size_t s = 0; s < G_N_ELEMENTS(stages); s++)
                g_ptr_array_add(outer, g_strdup(stages[s]));
            g_ptr_array_add(outer, g_strdup("All stages"));
        }
        for (guint o = 0; o < outer->len; o++) {
            char *tkey = part == 0 ? g_strdup_printf("%s|All stages", (char *)outer->pdata[o])
                                   : g_strdup_printf("All sites|%s", (char *)outer->pdata[o]);
            int ty = GPOINTER_TO_INT(g_hash_table_lookup(rowof, tkey));
            g_free(tkey);
            if (!ty)
                continue; /* a stage without cases */
            GArray *ys = g_array_new(FALSE, FALSE, sizeof(int));
            guint n_inner = part == 0 ? G_N_ELEMENTS(stages) : sites->len;
            for (guint i = 0; i < n_inner; i++) {
                char *key = part == 0 ? g_strdup_printf("%s|%s", (char *)outer->pdata[o], stages[i])
                                      : g_strdup_printf("%s|%s", (char *)sites->pdata[i], (char *)outer->pdata[o]);
                int y = GPOINTER_TO_INT(g_hash_table_lookup(rowof, key));
                g_free(key);
                if (y)
                    g_array_append_val(ys, y);
            }
            for (const char *c = cols; *c; c++) {
                GPtrArray *mb = g_ptr_array_new_with_free_func(g_free);
                for (guint i = 0; i < ys->len; i++)
                    g_ptr_array_add(mb, sref(0, *c, g_array_index(ys, int, i)));
                if (part == 1 && other) /* the sites left out: unknown, their cases protected when small */
                    g_ptr_array_add(mb, g_strdup_printf("v:other%c%u", *c, o));
                sum_list(&q, sref(0, *c, ty), mb);
            }
            GPtrArray *mb = g_ptr_array_new_with_free_func(g_free);
            for (guint i = 0; i < ys->len; i++)
                g_ptr_array_add(mb, g_strdup_printf("v:lost%d", g_array_index(ys, int, i)));
            if (part == 1 && other)
                g_ptr_array_add(mb, g_strdup_printf("v:otherlost%u", o));
            sum_list(&q, g_strdup_printf("v:lost%d", ty), mb);
            if (part == 1 && other) {
                for (const char *c = cols; *c; c++)
                    g_hash_table_insert(virt, g_strdup_printf("v:other%c%u", *c, o),
                                        (gpointer)(*c == 'C' && other[o] > 0 && other[o] < below ? "protect" : "hidden"));
                g_hash_table_insert(virt, g_strdup_printf("v:otherlost%u", o), (gpointer)"hidden");
            }
            g_array_free(ys, TRUE);
        }
        g_ptr_array_free(outer, TRUE);
    }
    if (other) { /* the sites left out in all = over their stages (those with cases) */
        static const char more[] = "CDFJNl"; /* l: lost */
        for (const char *c = more; *c; c++) {
            GPtrArray *mb = g_ptr_array_new_with_free_func(g_free);
            for (guint st = 0; st < G_N_ELEMENTS(stages); st++) {
                char *k = *c == 'l' ? g_strdup_printf("v:otherlost%u", st) : g_strdup_printf("v:other%c%u", *c, st);
                if (g_hash_table_contains(virt, k))
                    g_ptr_array_add(mb, k);
                else
                    g_free(k);
            }
            sum_list(&q, *c == 'l' ? g_strdup("v:otherlost6") : g_strdup_printf("v:other%c6", *c), mb);
        }
    }
    /* the curves: numbers at risk by year (0-5) and stage; year 0 = the cases, years 1, 3, 5 the
     * survival sheet's; all stages = the stages */
    int cs = sheet_index(w, "Curves");
    g_assert_cmpint(cs, ==, 1);
    int rh = find_row(w, cs, "Years since diagnosis", TRUE);
    int sh = find_row(w, cs, "Years since diagnosis", FALSE);
    g_assert_cmpint(rh, >, sh);
    for (int k = 0; k <= 5; k++) {
        int y = rh + 1 + k;
        g_assert_cmpint(num(w, cs, 'A', y), ==, k);
        GPtrArray *mb = g_ptr_array_new_with_free_func(g_free);
        for (int s = 0; s < 6; s++) {
            char col = (char)('B' + s);
            const char *v = cell_at(w, cs, col, y);
            char *key = g_strdup_printf("All sites|%s", stages[s]);
            int sy = GPOINTER_TO_INT(g_hash_table_lookup(rowof, key));
            g_free(key);
            if (!sy) {
                g_assert_true(!v || !strcmp(v, "0"));
                continue;
            }
            g_ptr_array_add(mb, sref(cs, col, y));
            if (k == 0 || k % 2)
                sum_of(&q, sref(0, k == 0 ? 'C' : (char)('F' + 4 * (k / 2)), sy), sref(cs, col, y), NULL);
            /* the curve's point: hidden with the cases or the number at risk */
            const char *pt = cell_at(w, cs, col, sh + 1 + k);
            if ((hidden_text(cell_at(w, 0, 'C', sy)) || hidden_text(v)) && is_number(pt))
                g_error("suppress below %d: curve %s year %d shown beside a hidden count", below, stages[s], k);
        }
        sum_list(&q, sref(cs, 'H', y), mb);
        int ay = GPOINTER_TO_INT(g_hash_table_lookup(rowof, "All sites|All stages"));
        if (k == 0 || k % 2)
            sum_of(&q, sref(0, k == 0 ? 'C' : (char)('F' + 4 * (k / 2)), ay), sref(cs, 'H', y), NULL);
    }
    char *which = NULL;
    int hidden = 0;
    int n = derivable_refs(w, &q, virt, &which, &hidden);
    if (n)
        g_error("survival, suppress below %d: %d suppressed cells can be worked out from the totals (first %s)", below,
                n, which);
    g_test_message("survival, suppress below %d: %d cells hidden, none derivable", below, hidden);
    g_assert_cmpint(hidden, >, 0);
    /* the note says what was suppressed and why */
    gboolean noted = FALSE;
    for (int y = last + 1; y < last + 6; y++)
        noted |= cell_at(w, 0, 'A', y) && strstr(cell_at(w, 0, 'A', y), "none of them can be worked out") != NULL;
    g_assert_true(noted);
    /* the chart: only numbers, each the curve's point shown in the table (same year, same stage) */
    GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
    int charts = chart_values(w, vals);
    int points = 0;
    for (guint i = 0; i < vals->len; i++) {
        const char *v = sheet_ref(w, vals->pdata[i]);
        if (!v)
            continue; /* a gap */
        g_assert_true(is_number(v));
        points++;
    }
    gboolean any_point = FALSE;
    for (int k = 0; k <= 5; k++)
        for (int s = 0; s < 7; s++)
            any_point |= is_number(cell_at(w, cs, (char)('B' + s), sh + 1 + k));
    g_assert_cmpint(charts, ==, any_point ? 1 : 0);
    /* every charted number is a point of the table */
    GHashTable *shown = g_hash_table_new(g_str_hash, g_str_equal);
    for (int k = 0; k <= 5; k++)
        for (int s = 0; s < 7; s++) {
            const char *v = cell_at(w, cs, (char)('B' + s), sh + 1 + k);
            if (is_number(v))
                g_hash_table_add(shown, (gpointer)v);
        }
    for (guint i = 0; i < vals->len; i++) {
        const char *v = sheet_ref(w, vals->pdata[i]);
        if (v && !g_hash_table_contains(shown, v))
            g_error("suppress below %d: the chart plots %s (%s), which the table does not show", below, v,
                    (char *)vals->pdata[i]);
    }
    g_hash_table_destroy(shown);
    g_test_message("survival chart: %d points", points);
    g_ptr_array_free(vals, TRUE);
    g_ptr_array_free(sites, TRUE);
    g_hash_table_destroy(rowof);
    g_hash_table_destroy(virt);
    sums_clear(&q);
}

static void test_survival_not_derivable(void)
{
    char *db;
    crtk_store *s = survival_store(&db);
    int thresholds[] = {5, 11, 16, 100};
    for (size_t k = 0; k < G_N_ELEMENTS(thresholds); k++) {
        char *path = run_report_on(s, "survival", thresholds[k], 0);
        workbook *w = workbook_read(path);
        if (k == 0) { /* the counts are the hand-chosen ones: Lung is 7 + 5 + 9 + 1 */
            int lung = find_row(w, 0, "Lung and Bronchus", TRUE);
            g_assert_cmpstr(cell_at(w, 0, 'B', lung), ==, "All stages");
            g_assert_cmpint(num(w, 0, 'C', lung), ==, 22);
            g_assert_cmpstr(cell_at(w, 0, 'C', lung - 1), ==, "<5");
        }
        check_survival_sheet(w, thresholds[k], 5, NULL);
        workbook_free(w);
        g_free(path);
        /* the four largest sites only: Kidney (2 localized) is left out, and its 2 cases must not
         * be worked out from "All sites" (localized 14 + 7 + 8 + 9 + 2) either */
        static const long other[7] = {0, 2, 0, 0, 0, 0, 2};
        path = run_report_on(s, "survival", thresholds[k], 4);
        w = workbook_read(path);
        check_survival_sheet(w, thresholds[k], 4, other);
        workbook_free(w);
        g_free(path);
    }
    crtk_store_close(s);
    g_free(db);
}

/* Follow-up: lines A = B + C, C = D + E and the rate's B + D of each cohort and each year; the
 * years add up to the reference cohort; the cohorts are the same patients when the reference
 * cohort has none before the five-year one begins; the due-and-lost table adds up by row
 * (due or lost = due + lost) and column, and repeats its totals by status. */
static void check_followup_sheets(workbook *w, int below)
{
    sums q = sums_new();
    GHashTable *virt = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int a[2] = {find_row(w, 0, "A  Eligible analytic patients (denominator)", FALSE),
                find_row(w, 0, "A  Eligible analytic patients (denominator)", TRUE)};
    g_assert_cmpint(a[1], >, a[0]);
    for (int k = 0; k < 2; k++) {
        int y = a[k];
        g_assert_cmpstr(cell_at(w, 0, 'A', y + 5), ==, "Follow-up rate (B + D) / A");
        sum_of(&q, sref(0, 'B', y), sref(0, 'B', y + 1), sref(0, 'B', y + 2), NULL);     /* A = B + C */
        sum_of(&q, sref(0, 'B', y + 2), sref(0, 'B', y + 3), sref(0, 'B', y + 4), NULL); /* C = D + E */
        sum_of(&q, sref(0, 'B', y + 5), sref(0, 'B', y + 1), sref(0, 'B', y + 3), NULL); /* B + D */
        for (int i = 0; i < 6; i++)
            if (hidden_text(cell_at(w, 0, 'B', y + i)) || hidden_text(cell_at(w, 0, 'B', y)))
                g_assert_false(is_number(cell_at(w, 0, 'C', y + i)));
    }
    int head = find_row(w, 0, "Year of diagnosis", FALSE);
    g_assert_cmpint(head, >, a[1]);
    /* the five-year cohort's first year, from its title */
    const char *t5 = cell_at(w, 0, 'A', a[1] - 1);
    const char *dx = strstr(t5, "diagnosed ");
    g_assert_nonnull(dx);
    int first5 = atoi(dx + 10);
    gboolean before_empty = TRUE;
    GPtrArray *col_members[6];
    for (int j = 0; j < 6; j++)
        col_members[j] = g_ptr_array_new_with_free_func(g_free);
    int charted_years = 0, y;
    for (y = head + 1; is_number(cell_at(w, 0, 'A', y)); y++) {
        int year = (int)num(w, 0, 'A', y);
        if (year < first5 && g_strcmp0(cell_at(w, 0, 'B', y), "0"))
            before_empty = FALSE;
        sum_of(&q, sref(0, 'B', y), sref(0, 'C', y), sref(0, 'D', y), NULL);
        sum_of(&q, sref(0, 'D', y), sref(0, 'E', y), sref(0, 'F', y), NULL);
        char *bd = g_strdup_printf("v:bd%d", y);
        const char *rate = cell_at(w, 0, 'G', y);
        g_hash_table_insert(virt, g_strdup(bd), (gpointer)(is_number(rate) ? "shown" : "hidden"));
        sum_of(&q, g_strdup(bd), sref(0, 'C', y), sref(0, 'E', y), NULL);
        if (hidden_text(cell_at(w, 0, 'B', y)))
            g_assert_false(is_number(rate));
        charted_years += is_number(rate);
        for (int j = 0; j < 5; j++)
            g_ptr_array_add(col_members[j], sref(0, (char)('B' + j), y));
        g_ptr_array_add(col_members[5], bd);
    }
    g_assert_cmpint(y, >, head + 1);
    for (int j = 0; j < 6; j++)
        sum_list(&q, sref(0, 'B', a[0] + j), col_members[j]);
    if (before_empty)
        for (int j = 0; j < 6; j++)
            sum_of(&q, sref(0, 'B', a[1] + j), sref(0, 'B', a[0] + j), NULL);
    /* due and lost */
    int dl = sheet_index(w, "Due and lost");
    int h2 = find_row(w, dl, "Next follow-up source", FALSE), all = find_row(w, dl, "All sources", FALSE);
    g_assert_cmpint(all, >, h2 + 1);
    GPtrArray *cm[4];
    for (int j = 0; j < 4; j++)
        cm[j] = g_ptr_array_new_with_free_func(g_free);
    for (int r = h2 + 1; r <= all; r++) {
        sum_of(&q, sref(dl, 'E', r), sref(dl, 'C', r), sref(dl, 'D', r), NULL);
        if (r < all)
            for (int j = 0; j < 4; j++)
                g_ptr_array_add(cm[j], sref(dl, (char)('B' + j), r));
    }
    for (int j = 0; j < 4; j++)
        sum_list(&q, sref(dl, (char)('B' + j), all), cm[j]);
    static const char *const st[] = {"Current", "Due", "Lost"};
    for (int j = 0; j < 3; j++) {
        int r = find_row(w, dl, st[j], FALSE);
        g_assert_cmpint(r, >, all);
        sum_of(&q, sref(dl, 'B', r), sref(dl, (char)('B' + j), all), NULL);
    }
    char *which = NULL;
    int hidden = 0;
    int n = derivable_refs(w, &q, virt, &which, &hidden);
    if (n)
        g_error("followup, suppress below %d: %d suppressed cells can be worked out from the totals (first %s)", below,
                n, which);
    g_test_message("followup, suppress below %d: %d cells hidden, none derivable", below, hidden);
    g_assert_cmpint(hidden, >, 0);
    for (int s = 0; s < 2; s++) {
        gboolean noted = FALSE;
        for (int r = 1; r < 200; r++)
            noted |= cell_at(w, s == 0 ? 0 : dl, 'A', r) &&
                     strstr(cell_at(w, s == 0 ? 0 : dl, 'A', r), "none of them can be worked out") != NULL;
        g_assert_true(noted);
    }
    /* the chart: the rates shown, one bar each, and no chart when none is */
    GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
    int charts = chart_values(w, vals);
    g_assert_cmpint(charts, ==, charted_years ? 1 : 0);
    int bars = 0;
    for (guint i = 0; i < vals->len; i++) {
        const char *v = sheet_ref(w, vals->pdata[i]);
        g_assert_true(is_number(v));
        /* the same rate in the table */
        gboolean found = FALSE;
        for (int r = head + 1; r < y; r++)
            found |= !g_strcmp0(cell_at(w, 0, 'G', r), v);
        g_assert_true(found);
        bars++;
    }
    g_assert_cmpint(bars, ==, charted_years);
    g_ptr_array_free(vals, TRUE);
    g_hash_table_destroy(virt);
    sums_clear(&q);
}

static void test_followup_not_derivable(void)
{
    char *db;
    crtk_store *s = followup_store(&db);
    int thresholds[] = {5, 11, 16, 100};
    for (size_t k = 0; k < G_N_ELEMENTS(thresholds); k++) {
        char *path = run_report_on(s, "followup", thresholds[k], 0);
        workbook *w = workbook_read(path);
        if (k == 0) { /* the hand-chosen counts: 2022 has D = 3 = C - E = 11 - 8 */
            int y = find_row(w, 0, "2022", FALSE);
            g_assert_cmpint(y, >, 0);
            g_assert_cmpstr(cell_at(w, 0, 'E', y), ==, "<5");
        }
        check_followup_sheets(w, thresholds[k]);
        workbook_free(w);
        g_free(path);
    }
    crtk_store_close(s);
    g_free(db);
}

static void test_suppression_and_selection(void)
{
    crtk_report_options o;
    crtk_report_options_init(&o);
    o.suppress_below = 16;
    o.year_from = 2020;
    o.year_to = 2022;
    o.where = "t.behaviorCodeIcdO3 = '3'";
    char *path = run_report("site-table", &o);
    workbook *w = workbook_read(path);
    GHashTable *cells = g_ptr_array_index(w->sheets, 0);
    GHashTableIter it;
    gpointer k, v;
    int hidden = 0;
    int head = find_row(w, 0, "Site group", FALSE);
    g_hash_table_iter_init(&it, cells);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const char *ref = k, *val = v;
        int row = atoi(ref + 1);
        if (ref[0] == 'A' || ref[0] == 'C' || row <= head)
            continue;
        if (!strcmp(val, "<16")) {
            hidden++;
            continue;
        }
        long n = atol(val);
        g_assert_true(n == 0 || n >= 16);
    }
    g_assert_cmpint(hidden, >, 0);
    int all = find_row(w, 0, "All sites", FALSE);
    g_assert_cmpint(num(w, 0, 'B', all), ==, sql_long("SELECT count(*)" FROM "WHERE substr(t.dateOfDiagnosis,1,4) BETWEEN '2020' AND '2022' AND t.behaviorCodeIcdO3 = '3'"));
    g_assert_nonnull(strstr(cell(w, 0, "A3"), "diagnosed 2020-2022"));
    workbook_free(w);
    g_free(path);

    /* a selection that would change the store is refused */
    crtk_report_options bad;
    crtk_report_options_init(&bad);
    bad.where = "1); DELETE FROM tumor; SELECT (1";
    GError *e = NULL;
    char *p2 = g_build_filename(tmpdir, "bad.xlsx", NULL);
    g_assert_false(crtk_report_run(store, crtk_report_find("age"), p2, &bad, &e));
    g_assert_nonnull(e);
    g_clear_error(&e);
    g_assert_false(g_file_test(p2, G_FILE_TEST_EXISTS));
    g_free(p2);
}

/* ---- printing ----
 * Every workbook of crtk report prints on its own: each sheet's XML read back has the page
 * setup (fit to one page wide), centring, the footer with the registry name, the date and
 * "Page N of M", and the header row repeated on every page; wide tables print landscape.
 * Where LibreOffice is installed, each workbook is also converted to PDF. */
static const char *find_lo(void)
{
    static const char *const names[] = {"soffice", "libreoffice", "localc"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        char *p = g_find_program_in_path(names[i]);
        if (p) {
            static char found[4096];
            g_strlcpy(found, p, sizeof found);
            g_free(p);
            return found;
        }
    }
    return NULL;
}

static void print_workbooks(gboolean pdf_wanted)
{
    int n;
    const crtk_report_def *defs = crtk_reports(&n);
    const char *lo = find_lo();
    int pdfs = 0;
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < n; i++) {
        crtk_report_options o;
        crtk_report_options_init(&o);
        o.suppress_below = 11;
        char *path = run_report(defs[i].name, &o);
        workbook *w = workbook_read(path);
        GBytes *wbx = g_hash_table_lookup(w->zip, "xl/workbook.xml");
        g_assert_nonnull(wbx);
        const char *wbtext = g_bytes_get_data(wbx, NULL);
        for (guint k = 0; k < w->sheets->len; k++) {
            char name[64];
            g_snprintf(name, sizeof name, "xl/worksheets/sheet%u.xml", k + 1);
            GBytes *b = g_hash_table_lookup(w->zip, name);
            char *x = g_strndup(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
            if (!strstr(x, "<pageSetup") || !strstr(x, "fitToHeight=\"0\"") || !strstr(x, "fitToPage=\"1\"") ||
                !strstr(x, "<printOptions horizontalCentered=\"1\"") || !strstr(x, "<oddFooter>") ||
                !strstr(x, "Test Registry") || !strstr(x, "Page &amp;P of &amp;N") || !strstr(x, "As of 2026-06-30"))
                g_error("%s %s: print setup incomplete", defs[i].name, name);
            gboolean landscape = strstr(x, "orientation=\"landscape\"") != NULL;
            g_test_message("%s sheet %u: %s", defs[i].name, k + 1, landscape ? "landscape" : "portrait");
            g_free(x);
        }
        /* a repeated header row on the sheets with a table */
        g_assert_nonnull(strstr(wbtext, "_xlnm.Print_Titles"));
        workbook_free(w);
        g_ptr_array_add(paths, path);
    }
    if (lo && pdf_wanted) { /* one LibreOffice run converts them all */
        char *outdir = g_build_filename(tmpdir, "pdf", NULL);
        char *profile = g_strdup_printf("-env:UserInstallation=file://%s/lo-profile", tmpdir);
        GPtrArray *argv = g_ptr_array_new();
        const char *fixed[] = {lo, "--headless", profile, "--convert-to", "pdf", "--outdir", outdir};
        for (size_t k = 0; k < G_N_ELEMENTS(fixed); k++)
            g_ptr_array_add(argv, (gpointer)fixed[k]);
        for (guint k = 0; k < paths->len; k++)
            g_ptr_array_add(argv, paths->pdata[k]);
        g_ptr_array_add(argv, NULL);
        int status = 1;
        gchar *out = NULL, *err = NULL;
        gboolean ran = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                                    NULL);
        g_assert_true(ran);
        for (guint k = 0; k < paths->len; k++) {
            char *base = g_path_get_basename(paths->pdata[k]);
            *strrchr(base, '.') = 0;
            char *pdf = g_strdup_printf("%s/%s.pdf", outdir, base);
            if (!g_file_test(pdf, G_FILE_TEST_EXISTS))
                g_error("%s: LibreOffice could not convert it to PDF (exit %d): %s", base, status, err ? err : "");
            pdfs++;
            g_free(pdf);
            g_free(base);
        }
        g_ptr_array_free(argv, TRUE);
        g_free(out);
        g_free(err);
        g_free(profile);
        g_free(outdir);
    }
    g_ptr_array_free(paths, TRUE);
    if (pdf_wanted) {
        if (!lo && g_strcmp0(g_getenv("CI"), "true") == 0)
            g_error("LibreOffice is not installed (CI=true): tools/dev/install-deps.sh installs libreoffice-calc");
        if (!lo)
            g_test_skip("LibreOffice is not installed: workbooks not converted to PDF "
                        "(tools/dev/install-deps.sh installs libreoffice-calc)");
        else
            g_test_message("%d workbooks converted to PDF by LibreOffice", pdfs);
    }
}

static void test_print_setup(void)
{
    print_workbooks(FALSE);
}

static void test_print_pdf(void)
{
    print_workbooks(TRUE);
}

static void test_list(void)
{
    int n;
    const crtk_report_def *d = crtk_reports(&n);
    g_assert_cmpint(n, ==, 7);
    const char *names[] = {"site-table", "stage", "trends", "age", "followup", "quality", "survival"};
    for (int i = 0; i < n; i++) {
        g_assert_cmpstr(d[i].name, ==, names[i]);
        g_assert_true(strlen(d[i].description) > 40);
        g_assert_true(crtk_report_find(names[i]) == &d[i]);
    }
    g_assert_null(crtk_report_find("nope"));
}

static gboolean make_store(void)
{
    char *bindir = g_path_get_dirname(CRTK_BINARY);
    char *gen = g_build_filename(bindir, "crtk-generate", NULL);
    g_free(bindir);
    char *xml = g_build_filename(tmpdir, "data.xml", NULL);
    if (g_file_test(gen, G_FILE_TEST_IS_EXECUTABLE)) {
        char *argv[] = {gen, "--seed", "7", "--patients", "2000", "--naaccr-version", "26", "--quiet", "-o", xml, NULL};
        int status = 1;
        if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, NULL) || status != 0) {
            g_free(xml);
            xml = g_build_filename(CRTK_SOURCE_DIR, "sample-data", "sample-registry.xml", NULL);
        }
    } else {
        g_free(xml);
        xml = g_build_filename(CRTK_SOURCE_DIR, "sample-data", "sample-registry.xml", NULL);
    }
    g_free(gen);
    char *db = g_build_filename(tmpdir, "reports.db", NULL);
    GError *e = NULL;
    store = crtk_store_create(db, 260, NULL, &e);
    g_assert_no_error(e);
    crtk_store_set_setting(store, "registryName", "Test Registry", NULL);
    crtk_store_set_setting(store, "referenceDate", "20150101", NULL);
    crtk_import_options io = {0};
    crtk_import_stats st = {0};
    gboolean ok = crtk_store_import(store, xml, &io, NULL, NULL, &st, &e);
    if (!ok)
        g_error("import %s: %s", xml, e ? e->message : "errors");
    g_free(xml);
    g_free(db);
    return ok;
}

/* The QA counts over a list of tumor rows (a submission's) longer than the store layer spells into
 * SQL: the rows kept, the patients counted once each, by year, and the patient records sharing a
 * person key agree with SQL over the same rows. */
static void test_quality_tumor_rows(void)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    GPtrArray *odd = sql_codes("SELECT id FROM tumor WHERE id % 2 = 1 ORDER BY id DESC");
    for (guint i = 0; i < odd->len; i++) {
        gint64 id = g_ascii_strtoll(g_ptr_array_index(odd, i), NULL, 10);
        g_array_append_val(ids, id);
    }
    long max = sql_long("SELECT max(id) FROM tumor");
    for (gint64 k = 1; k <= 6000; k++) { /* rows that are not in the store: ignored */
        gint64 id = max + k;
        g_array_append_val(ids, id);
    }
    g_assert_cmpuint(ids->len, >, 5000);
    crtk_store_query q = {.tumor_rows = ids};
    crtk_qa qa;
    crtk_qa_init(&qa);
    g_assert_true(crtk_qa_compute(store, &q, &qa, NULL));
    g_assert_cmpint(qa.tumors, ==, (long)odd->len);
    g_assert_cmpint(qa.tumors, ==, sql_long("SELECT count(*) FROM tumor WHERE id %% 2 = 1"));
    g_assert_cmpint(qa.patients, ==, sql_long("SELECT count(DISTINCT patient_id) FROM tumor WHERE id %% 2 = 1"));
    for (guint i = 0; i < qa.by_year->len; i++) {
        crtk_qa_count *c = g_ptr_array_index(qa.by_year, i);
        g_assert_cmpint(c->patients, ==, sql_long("SELECT count(DISTINCT patient_id) FROM tumor WHERE id %% 2 = 1 AND "
                                                  "coalesce(substr(dateOfDiagnosis, 1, 4), '') = '%s'", c->code));
        g_assert_cmpint(c->tumors, ==, sql_long("SELECT count(*) FROM tumor WHERE id %% 2 = 1 AND "
                                                "coalesce(substr(dateOfDiagnosis, 1, 4), '') = '%s'", c->code));
    }
    g_assert_cmpint(qa.duplicate_patients, ==, sql_long(
        "SELECT count(DISTINCT p.id) - count(DISTINCT CASE WHEN p.socialSecurityNumber IS NOT NULL AND "
        "p.socialSecurityNumber NOT IN ('999999999','000000000') THEN 'S' || p.socialSecurityNumber WHEN p.nameLast IS NOT NULL "
        "AND p.dateOfBirth IS NOT NULL THEN 'N' || upper(p.nameLast) || '|' || upper(coalesce(p.nameFirst, '')) || '|' || "
        "p.dateOfBirth ELSE 'P' || p.id END)" FROM "WHERE t.id %% 2 = 1"));
    crtk_qa_clear(&qa);
    g_ptr_array_free(odd, TRUE);
    g_array_free(ids, TRUE);
}

/* distinct_keys.c: a key is new once per set, sets are separate, and the count is of distinct keys;
 * 50,000 keys make SQLite spill its 2 MiB cache to the temporary file. */
/* The hospital measures beside the certification ones, against plain SQL over the store: analytic
 * cases (class of case 00-22) with a stage that is not unknown, and those abstracted within 183 days
 * of the date of first contact (julianday arithmetic, not crtk's dates). */
static void test_quality_hospital_measures(void)
{
    crtk_qa qa;
    crtk_qa_init(&qa);
    g_assert_true(crtk_qa_compute(store, NULL, &qa, NULL));
    const crtk_qa_measure *staged = NULL, *timely = NULL;
    for (int i = 0; i < qa.n_measures; i++) {
        if (!strcmp(qa.measures[i].id, "staged"))
            staged = &qa.measures[i];
        if (!strcmp(qa.measures[i].id, "timeliness"))
            timely = &qa.measures[i];
    }
    g_assert_nonnull(staged);
    g_assert_nonnull(timely);
    const char *analytic = "t.classOfCase IN ('00','10','11','12','13','14','20','21','22')";
    /* the stage the reports read: the first of these columns the store has and the tumor holds */
    GString *stage = g_string_new("coalesce(");
    const char *cols[] = {"summaryStage2018", "derivedSummaryStage2018", "seerSummaryStage2000", "derivedSs2000"};
    int have = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(cols); i++)
        if (sql_long("SELECT count(*) FROM pragma_table_info('tumor') WHERE name = '%s'", cols[i]))
            g_string_append_printf(stage, "%st.%s", have++ ? ", " : "", cols[i]);
    g_string_append(stage, have == 1 ? ", NULL)" : ")");
    g_assert_cmpint(staged->denominator, ==, sql_long("SELECT count(*)" FROM "WHERE %s", analytic));
    g_assert_cmpint(staged->denominator, >, 0);
    g_assert_cmpint(staged->numerator, ==, sql_long("SELECT count(*)" FROM "WHERE %s AND %s IN ('0','1','2','3','4','5','7','8')",
                                                    analytic, stage->str));
    g_assert_cmpint(staged->numerator, >, 0);
    const char *days = "julianday(substr(t.dateCaseCompleted,1,4)||'-'||substr(t.dateCaseCompleted,5,2)||'-'||"
                       "substr(t.dateCaseCompleted,7,2)) - julianday(substr(t.dateOf1stContact,1,4)||'-'||"
                       "substr(t.dateOf1stContact,5,2)||'-'||substr(t.dateOf1stContact,7,2))";
    const char *both = "length(t.dateCaseCompleted) = 8 AND length(t.dateOf1stContact) = 8";
    if (!sql_long("SELECT count(*) FROM pragma_table_info('tumor') WHERE name = 'dateCaseCompletedCoc'") ||
        !sql_long("SELECT count(dateCaseCompletedCoc) FROM tumor")) {
        g_assert_cmpint(timely->denominator, ==, sql_long("SELECT count(*)" FROM "WHERE %s AND %s AND %s >= 0", analytic, both, days));
        g_assert_cmpint(timely->denominator, >, 0);
        g_assert_cmpint(timely->numerator, ==, sql_long("SELECT count(*)" FROM "WHERE %s AND %s AND %s BETWEEN 0 AND 183",
                                                        analytic, both, days));
        if (timely->numerator == timely->denominator)
            g_test_message("timeliness: every generated case was abstracted within 183 days");
    } else {
        g_test_message("timeliness not compared: the store has Date Case Completed - CoC values");
    }
    g_string_free(stage, TRUE);
    crtk_qa_clear(&qa);
}

/* The timeliness measure on cases worked by hand (the generated data has no late case): Date Case
 * Completed - CoC when coded, else Date Case Completed, within 183 days of Date of 1st Contact,
 * over analytic cases with both dates whole and in order. */
static void test_quality_timeliness_by_hand(void)
{
    static const char *const cases[][4] = {
        /* class, first contact, completed, completed - CoC */
        {"14", "20240101", "20240702", ""},         /* 183 days (2024 is a leap year): timely */
        {"14", "20240101", "20240703", ""},         /* 184 days: late */
        {"14", "20240101", "20250101", "20240301"}, /* CoC's date counts: 60 days, timely */
        {"22", "20240101", "20240201", "20241231"}, /* CoC's date counts: 365 days, late */
        {"00", "20240601", "20240601", ""},         /* the same day: timely */
        {"30", "20240101", "20240105", ""},         /* not analytic: not counted */
        {"14", "20240101", "", ""},                 /* not completed: not counted */
        {"14", "20240101", "2024", ""},             /* a partial date: not counted */
        {"14", "20240301", "20240201", ""},         /* completed before first contact: not counted */
    };
    char *dir = g_dir_make_tmp("crtk-timely-XXXXXX", NULL), *path = g_build_filename(dir, "t.db", NULL);
    GError *error = NULL;
    crtk_store *s = crtk_store_create(path, 260, NULL, &error);
    g_assert_no_error(error);
    crtk_store_set_actor(s, "tester", "test");
    crtk_dictionary *d = crtk_store_dictionary(s);
    crtk_record *r = crtk_record_new(d);
    g_assert_true(crtk_store_begin(s, &error));
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        crtk_record_clear(r);
        char key[16];
        g_snprintf(key, sizeof key, "%08zu", i + 1);
        g_assert_true(crtk_element_set_id(&r->patient, d, "patientIdNumber", key));
        gint64 pid = crtk_store_insert_patient(s, &r->patient, &error);
        g_assert_no_error(error);
        crtk_element *t = crtk_record_add_tumor(r);
        const char *ids[] = {"classOfCase", "dateOf1stContact", "dateCaseCompleted", "dateCaseCompletedCoc"};
        for (int k = 0; k < 4; k++)
            if (*cases[i][k])
                g_assert_true(crtk_element_set_id(t, d, ids[k], cases[i][k]));
        g_assert_cmpint(crtk_store_insert_tumor(s, pid, t, &error), >, 0);
        g_assert_no_error(error);
    }
    g_assert_true(crtk_store_commit(s, &error));
    crtk_record_free(r);
    crtk_qa qa;
    crtk_qa_init(&qa);
    g_assert_true(crtk_qa_compute(s, NULL, &qa, &error));
    g_assert_no_error(error);
    const crtk_qa_measure *timely = NULL;
    for (int i = 0; i < qa.n_measures; i++)
        if (!strcmp(qa.measures[i].id, "timeliness"))
            timely = &qa.measures[i];
    g_assert_nonnull(timely);
    g_assert_cmpint(timely->numerator, ==, 3);
    g_assert_cmpint(timely->denominator, ==, 5);
    crtk_qa_clear(&qa);
    crtk_store_close(s);
    tu_remove_tree(dir);
    g_free(path), g_free(dir);
}

/* A QA summary lists the first CRTK_QA_FAILURES_LISTED failing cases and counts the rest, so a
 * submission of a million failing tumors does not hold them all in memory; the text says so. */
static void test_qa_failures_listed(void)
{
    crtk_qa qa;
    crtk_qa_init(&qa);
    for (int i = 0; i < CRTK_QA_FAILURES_LISTED + 5; i++) {
        char pid[16];
        g_snprintf(pid, sizeof pid, "%08d", i + 1);
        crtk_qa_add_failure(&qa, pid, 1, "N0001", "a message");
    }
    g_assert_cmpuint(qa.failures->len, ==, 10000);
    g_assert_cmpint(qa.failures_unlisted, ==, 5);
    g_assert_cmpstr(((crtk_qa_failure *)g_ptr_array_index(qa.failures, 9999))->patient_id, ==, "00010000");
    char *dir = g_dir_make_tmp("crtk-qa-XXXXXX", NULL), *path = g_build_filename(dir, "qa.txt", NULL);
    GError *err = NULL;
    g_assert_true(crtk_qa_write_text(&qa, path, &err));
    char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "Failing cases (10000 failures listed)"));
    g_assert_nonnull(strstr(text, "  00010000         1  N0001            a message\n  ... and 5 more failures, not listed"));
    g_assert_null(strstr(text, "00010001"));
    g_free(text);
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
    crtk_qa_clear(&qa);
}

static void test_distinct_keys(void)
{
    GError *error = NULL;
    crtk_distinct_keys *k = crtk_distinct_keys_new(2, &error);
    g_assert_no_error(error);
    g_assert_cmpint(crtk_distinct_keys_add(k, 0, "S123456789", 10, &error), ==, 1);
    g_assert_cmpint(crtk_distinct_keys_add(k, 0, "S123456789", 10, &error), ==, 0);
    g_assert_cmpint(crtk_distinct_keys_add(k, 1, "S123456789", 10, &error), ==, 1); /* another set */
    g_assert_cmpint(crtk_distinct_keys_add(k, 0, "S12345678", 9, &error), ==, 1);   /* a prefix is another key */
    long repeats = 0;
    for (int i = 0; i < 50000; i++) {
        char key[32];
        int n = g_snprintf(key, sizeof key, "N%d", i % 40000); /* 10,000 keys come twice */
        int r = crtk_distinct_keys_add(k, 1, key, (size_t)n, &error);
        g_assert_cmpint(r, >=, 0);
        repeats += r == 0;
    }
    g_assert_no_error(error);
    g_assert_cmpint(repeats, ==, 10000);
    g_assert_cmpint(crtk_distinct_keys_count(k, 0), ==, 2);
    g_assert_cmpint(crtk_distinct_keys_count(k, 1), ==, 1 + 40000);
    crtk_distinct_keys_free(k);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("crtk-reports-XXXXXX", NULL);
    make_store();
    g_test_add_func("/reports/list", test_list);
    g_test_add_func("/reports/site-table", test_site_table);
    g_test_add_func("/reports/stage", test_stage);
    g_test_add_func("/reports/trends", test_trends);
    g_test_add_func("/reports/age", test_age);
    g_test_add_func("/reports/quality", test_quality);
    g_test_add_func("/reports/quality-tumor-rows", test_quality_tumor_rows);
    g_test_add_func("/reports/km", test_km);
    g_test_add_func("/reports/survival", test_survival);
    g_test_add_func("/reports/survival-print", test_survival_print);
    g_test_add_func("/reports/followup", test_followup);
    g_test_add_func("/reports/suppression-selection", test_suppression_and_selection);
    g_test_add_func("/reports/suppression-not-derivable", test_suppression_not_derivable);
    g_test_add_func("/reports/survival-suppression-not-derivable", test_survival_not_derivable);
    g_test_add_func("/reports/followup-suppression-not-derivable", test_followup_not_derivable);
    g_test_add_func("/reports/stage-age-trends-not-derivable", test_stage_age_trends_not_derivable);
    g_test_add_func("/reports/print-setup", test_print_setup);
    g_test_add_func("/reports/print-pdf", test_print_pdf);
    g_test_add_func("/reports/distinct-keys", test_distinct_keys);
    g_test_add_func("/reports/qa-failures-listed", test_qa_failures_listed);
    g_test_add_func("/reports/quality-hospital-measures", test_quality_hospital_measures);
    g_test_add_func("/reports/quality-timeliness-by-hand", test_quality_timeliness_by_hand);
    int rc = g_test_run();
    crtk_store_close(store);
    char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    g_free(cmd);
    return rc;
}
#endif
