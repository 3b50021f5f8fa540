/* test_submission.c — submissions (reports/submission.c, registry/store_submission.c): the
 * selection of new and changed tumors, the file and its checksum, Date Case Report Exported
 * stamped and audited without touching Date Case Last Changed, the transmission history,
 * nothing new on a second run, changes made the same day, the refusal above the error rate
 * (store unchanged, file removed) and --force, --since, another NAACCR version, and the QA
 * summary's numbers against plain SQL counts.
 */
#include "naaccr_read.h"
#include "qa_summary.h"
#include "store.h"
#include "store_submission.h"
#include "submission.h"
#include "test_util.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static int one_long(int n, const char *const *v, const char *const *names, void *user)
{
    (void)n, (void)names;
    *(long *)user = v[0] ? atol(v[0]) : 0;
    return 1;
}

static long sql_long(crtk_store *s, const char *sql)
{
    long v = -1;
    GError *e = NULL;
    if (!crtk_store_select(s, sql, NULL, 0, one_long, &v, &e))
        g_error("%s: %s", sql, e->message);
    return v;
}

static crtk_store *new_store(const char *name)
{
    char *db = tu_tmp_path(name);
    GError *e = NULL;
    crtk_store *s = crtk_store_create(db, 260, NULL, &e);
    g_assert_no_error(e);
    char *xml = g_build_filename(CRTK_SOURCE_DIR, "sample-data", "sample-registry.xml", NULL);
    crtk_import_options io = {0};
    crtk_import_stats st = {0};
    g_assert_true(crtk_store_import(s, xml, &io, NULL, NULL, &st, &e));
    g_assert_no_error(e);
    crtk_store_set_setting(s, "reportingFacility", "0000123456", NULL);
    g_free(xml);
    g_free(db);
    return s;
}

static char *out_path(const char *name)
{
    return tu_tmp_path(name);
}

/* Runs `crtk edits --format=json --set SET FILE` (another process, reading the file back) and returns the
 * tumors that fail at least one edit: "tumors" minus "tumorsPassing" of its total line. */
static long edits_engine_failing(const char *file, const char *set)
{
    const char *args[] = {"edits", "--format=json", "--set", set, file, NULL};
    char *out = NULL, *err = NULL;
    int rc = tu_run_crtk(args, NULL, 0, &out, &err);
    g_assert_cmpint(rc, !=, -1);
    const char *total = strstr(out, "\"summary\":\"total\"");
    g_assert_nonnull(total);
    const char *t = strstr(total, "\"tumors\":"), *p = strstr(total, "\"tumorsPassing\":");
    g_assert_nonnull(t);
    g_assert_nonnull(p);
    long failing = atol(t + strlen("\"tumors\":")) - atol(p + strlen("\"tumorsPassing\":"));
    g_free(out), g_free(err);
    return failing;
}

static int count_tr(const crtk_transmission *t, void *user)
{
    GPtrArray *a = user;
    g_ptr_array_add(a, g_strdup_printf("%" G_GINT64_FORMAT " %s %" G_GINT64_FORMAT " %s", t->id, t->file, t->tumors,
                                       t->sha256));
    return 0;
}

typedef struct {
    long patients, tumors;
    const char *exported;   /* every tumor must carry this 2110, when set */
    gboolean no_names;      /* nameLast must be absent */
    int version;
    long bad;
} read_counts;

static int count_patient(crtk_record *r, void *user)
{
    read_counts *c = user;
    c->patients++;
    c->tumors += r->n_tumors;
    c->version = crtk_dictionary_version(r->dict);
    for (int i = 0; c->exported && i < r->n_tumors; i++)
        c->bad += g_strcmp0(crtk_element_get_id(&r->tumors[i], r->dict, "dateCaseReportExported"), c->exported) != 0;
    if (c->no_names)
        c->bad += crtk_element_get_id(&r->patient, r->dict, "nameLast") != NULL;
    return 0;
}

static read_counts read_back(const char *path, const char *exported, gboolean no_names)
{
    read_counts c = {0, 0, exported, no_names, 0, 0};
    crtk_read_options ro;
    crtk_read_options_init(&ro);
    crtk_read_handlers h = {NULL, count_patient, NULL};
    crtk_read_stats st = {0};
    g_assert_cmpint(crtk_naaccr_read_file(path, CRTK_FORMAT_XML, &ro, &h, &c, &st), ==, 0);
    g_assert_cmpint(st.errors, ==, 0);
    return c;
}

static void test_first_and_again(void)
{
    g_setenv("CRTK_TODAY", "20270115", TRUE);
    crtk_store *s = new_store("a.db");
    long all = sql_long(s, "SELECT count(*) FROM tumor");
    long changed_before = sql_long(s, "SELECT count(*) FROM tumor WHERE dateCaseLastChanged IS NOT NULL");
    crtk_submission_options o;
    crtk_submission_options_init(&o);
    o.max_error_rate = 100;
    char *f1 = out_path("first.xml");
    o.output = f1;
    crtk_submission_result r;
    GError *e = NULL;
    g_assert_true(crtk_submit(s, &o, &r, &e));
    g_assert_no_error(e);
    g_assert_false(r.nothing_new);
    g_assert_false(r.refused);
    g_assert_cmpint(r.tumors, ==, all);
    g_assert_cmpint(r.patients, ==, sql_long(s, "SELECT count(DISTINCT patient_id) FROM tumor"));
    g_assert_cmpint(r.transmission_id, ==, 1);
    /* the checksum is the file's, as sha256sum(1) computes it */
    char *sum = tu_sha256sum(f1);
    if (sum)
        g_assert_cmpstr(sum, ==, r.sha256);
    g_free(sum);
    /* the file reads back with every tumor, stamped with the export date */
    read_counts rc = read_back(f1, "20270115", FALSE);
    g_assert_cmpint(rc.tumors, ==, all);
    g_assert_cmpint(rc.bad, ==, 0);
    /* the store: 2110 stamped and audited, 2100 untouched */
    g_assert_cmpint(sql_long(s, "SELECT count(*) FROM tumor WHERE dateCaseReportExported = '20270115'"), ==, all);
    g_assert_cmpint(sql_long(s, "SELECT count(*) FROM audit WHERE item = 'dateCaseReportExported' AND new_value = '20270115'"), ==, all);
    g_assert_cmpint(sql_long(s, "SELECT count(*) FROM tumor WHERE dateCaseLastChanged IS NOT NULL"), ==, changed_before);
    g_assert_cmpint(sql_long(s, "SELECT count(*) FROM tumor WHERE dateCaseLastChanged = '20270115'"), ==, 0);
    /* QA numbers equal plain SQL counts */
    g_assert_cmpint(r.qa.tumors, ==, all);
    long years = 0;
    for (guint i = 0; i < r.qa.by_year->len; i++)
        years += ((crtk_qa_count *)g_ptr_array_index(r.qa.by_year, i))->tumors;
    g_assert_cmpint(years, ==, all);
    g_assert_cmpstr(r.qa.measures[0].id, ==, "dco");
    g_assert_cmpint(r.qa.measures[0].numerator, ==, sql_long(s, "SELECT count(*) FROM tumor WHERE typeOfReportingSource = '7'"));
    g_assert_true(r.qa.edits_run);
    g_assert_cmpint(r.qa.tumors_checked, ==, all);
    g_assert_cmpint(r.qa.tumors_passing, ==, all - r.failing_tumors);
    g_assert_true(g_file_test(r.qa_text, G_FILE_TEST_EXISTS));
#ifdef CRTK_HAVE_XLSXWRITER
    g_assert_true(g_file_test(r.qa_xlsx, G_FILE_TEST_EXISTS));
#endif
    gchar *text;
    g_assert_true(g_file_get_contents(r.qa_text, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "Death-certificate-only cases"));
    g_assert_nonnull(strstr(text, r.sha256));
    g_free(text);
    crtk_submission_result_clear(&r);

    /* right away: nothing new, nothing written, nothing recorded */
    char *f2 = out_path("again.xml");
    o.output = f2;
    g_assert_true(crtk_submit(s, &o, &r, &e));
    g_assert_true(r.nothing_new);
    g_assert_false(g_file_test(f2, G_FILE_TEST_EXISTS));
    crtk_submission_result_clear(&r);
    GPtrArray *h = g_ptr_array_new_with_free_func(g_free);
    g_assert_true(crtk_store_list_transmissions(s, count_tr, h, NULL));
    g_assert_cmpuint(h->len, ==, 1);
    g_ptr_array_free(h, TRUE);

    /* a change made the same day (2100 = 2110) is sent; a patient change sends all its tumors */
    gint64 pid = crtk_store_find_patient(s, "00000002");
    g_assert_cmpint(pid, >, 0);
    const char *items[] = {"race1"}, *values[] = {"02"};
    g_assert_true(crtk_store_set_items(s, pid, 0, items, values, 1, &e));
    g_assert_no_error(e);
    long of_patient = sql_long(s, "SELECT count(*) FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE p.patientIdNumber = '00000002'");
    char *f3 = out_path("change.xml.gz");
    o.output = f3;
    g_assert_true(crtk_submit(s, &o, &r, &e));
    g_assert_no_error(e);
    g_assert_false(r.nothing_new);
    g_assert_cmpint(r.tumors, ==, of_patient);
    g_assert_cmpint(r.patients, ==, 1);
    g_assert_cmpint(r.transmission_id, ==, 2);
    crtk_submission_result_clear(&r);
    /* and again nothing */
    o.output = f2;
    g_assert_true(crtk_submit(s, &o, &r, &e));
    g_assert_true(r.nothing_new);
    crtk_submission_result_clear(&r);

    /* a later day: a tumor changed (2100 > 2110) */
    g_setenv("CRTK_TODAY", "20270201", TRUE);
    gint64 tid = 0;
    {
        crtk_stored_patient *sp = crtk_stored_patient_new(s);
        g_assert_true(crtk_store_load_patient(s, crtk_store_find_patient(s, "00000003"), sp, NULL));
        tid = sp->tumor_ids[0];
        const char *ti[] = {"laterality"}, *tv[] = {"9"};
        g_assert_true(crtk_store_set_items(s, sp->patient_id, tid, ti, tv, 1, &e));
        g_assert_no_error(e);
        crtk_stored_patient_free(sp);
    }
    char *f4 = out_path("later.xml");
    o.output = f4;
    g_assert_true(crtk_submit(s, &o, &r, &e));
    g_assert_cmpint(r.tumors, ==, 1);
    crtk_submission_result_clear(&r);

    /* --since all sends everything again; --since DATE what changed on or after it (plus unsent) */
    char *f5 = out_path("all.xml");
    o.output = f5;
    o.since = "20270201";
    g_assert_true(crtk_submit(s, &o, &r, &e));
    g_assert_cmpint(r.tumors, ==, 1);
    crtk_submission_result_clear(&r);
    o.since = "all";
    g_assert_true(crtk_submit(s, &o, &r, &e));
    g_assert_cmpint(r.tumors, ==, all);
    crtk_submission_result_clear(&r);
    o.since = "yesterday";
    g_assert_false(crtk_submit(s, &o, &r, &e));
    g_assert_nonnull(e);
    g_clear_error(&e);
    crtk_submission_result_clear(&r);

    /* the audit chain is intact after all this */
    gint64 checked, bad;
    char *why = NULL;
    g_assert_true(crtk_store_audit_verify(s, &checked, &bad, &why, NULL));
    g_free(why);
    crtk_store_close(s);
    g_free(f1), g_free(f2), g_free(f3), g_free(f4), g_free(f5);
    g_unsetenv("CRTK_TODAY");
}

static void test_refused_and_forced(void)
{
    crtk_store *s = new_store("b.db");
    crtk_submission_options o;
    crtk_submission_options_init(&o);
    o.max_error_rate = 0; /* the sample has a few tumors failing edits */
    char *f = out_path("refused.xml");
    o.output = f;
    crtk_submission_result r;
    GError *e = NULL;
    g_assert_true(crtk_submit(s, &o, &r, &e));
    g_assert_no_error(e);
    g_assert_true(r.refused);
    g_assert_cmpint(r.failing_tumors, >, 0);
    g_assert_nonnull(r.reason);
    g_assert_nonnull(strstr(r.reason, "fail at least one edit"));
    g_assert_false(g_file_test(f, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(r.qa_text, G_FILE_TEST_EXISTS));
    g_assert_cmpuint(r.qa.failures->len, >, 0);
    g_assert_cmpint(sql_long(s, "SELECT count(*) FROM tumor WHERE dateCaseReportExported IS NOT NULL"), ==, 0);
    g_assert_cmpint(sql_long(s, "SELECT count(*) FROM crtk_transmission"), ==, 0);
    long failing = r.failing_tumors;
    crtk_submission_result_clear(&r);
    o.force = TRUE;
    g_assert_true(crtk_submit(s, &o, &r, &e));
    g_assert_false(r.refused);
    g_assert_nonnull(r.reason);
    g_assert_cmpint(r.failing_tumors, ==, failing);
    g_assert_true(g_file_test(f, G_FILE_TEST_EXISTS));
    /* the failing count equals what `crtk edits` says of the file written (the same set) */
    g_assert_cmpint(r.failing_tumors, ==, edits_engine_failing(f, o.edit_set));
    g_assert_cmpint(sql_long(s, "SELECT count(*) FROM crtk_transmission WHERE failing_tumors > 0"), ==, 1);
    crtk_submission_result_clear(&r);
    crtk_store_close(s);
    g_free(f);
}

static void test_other_version(void)
{
    crtk_store *s = new_store("c.db");
    crtk_submission_options o;
    crtk_submission_options_init(&o);
    o.max_error_rate = 100;
    o.naaccr_version = 250;
    o.record_type = CRTK_RT_I;
    char *f = out_path("v25.xml");
    o.output = f;
    crtk_submission_result r;
    GError *e = NULL;
    g_assert_true(crtk_submit(s, &o, &r, &e));
    g_assert_no_error(e);
    read_counts rc = read_back(f, NULL, TRUE);
    g_assert_cmpint(rc.version, ==, 250);
    g_assert_cmpint(rc.bad, ==, 0);
    g_assert_cmpint(rc.tumors, ==, r.tumors);
    g_assert_cmpint(sql_long(s, "SELECT naaccr_version FROM crtk_transmission"), ==, 250);
    g_assert_cmpint(sql_long(s, "SELECT record_type = 'I' FROM crtk_transmission"), ==, 1);
    crtk_submission_result_clear(&r);
    crtk_store_close(s);
    g_free(f);
}

int main(int argc, char **argv)
{
    tu_init(&argc, &argv);
    g_test_add_func("/submission/first-and-again", test_first_and_again);
    g_test_add_func("/submission/refused-and-forced", test_refused_and_forced);
    g_test_add_func("/submission/other-version", test_other_version);
    return tu_finish(g_test_run());
}
