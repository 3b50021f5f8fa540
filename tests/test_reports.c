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

/* Number of hidden cells that can be derived; the first one's reference in *which. */
static int derivable_cells(workbook *w, int sheet, sums *q, char **which)
{
    int nref = (int)q->refs->len, nv = 0;
    int *var = g_new(int, nref);
    for (int i = 0; i < nref; i++)
        var[i] = is_hidden(cell(w, sheet, q->refs->pdata[i])) ? nv++ : -1;
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
        guint b = r;
        for (guint i = r; i < m->len; i++)
            if (fabs(((double *)m->pdata[i])[j]) > fabs(((double *)m->pdata[b])[j]))
                b = i;
        if (r >= m->len || fabs(((double *)m->pdata[b])[j]) < 1e-9)
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
    int found = 0;
    for (int i = 0; i < nref; i++) {
        if (var[i] < 0 || piv[var[i]] < 0)
            continue;
        const double *o = m->pdata[piv[var[i]]];
        gboolean alone = TRUE;
        for (int k = 0; k < nv; k++)
            if (k != var[i] && fabs(o[k]) > 1e-9)
                alone = FALSE;
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
    g_test_add_func("/reports/followup", test_followup);
    g_test_add_func("/reports/suppression-selection", test_suppression_and_selection);
    g_test_add_func("/reports/suppression-not-derivable", test_suppression_not_derivable);
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
