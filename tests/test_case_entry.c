/* test_case_entry.c — unit tests of abstracting in the library (registry/store/case_entry.c,
 * crtk_store_next_patient_id_number) and of file-to-file conversion (registry/format/
 * convert_file.c).  Expected values are worked by hand from the inputs written here. */
#include "case_entry.h"
#include "convert_file.h"
#include "store.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct {
    char *dir;
    crtk_store *s;
} fixture;

static void setup(fixture *f, gconstpointer data)
{
    (void)data;
    f->dir = g_dir_make_tmp("crtk-case-XXXXXX", NULL);
    char *db = g_build_filename(f->dir, "r.db", NULL);
    GError *err = NULL;
    f->s = crtk_store_create(db, 260, NULL, &err);
    g_assert_no_error(err);
    crtk_store_set_actor(f->s, "tester", "test");
    g_free(db);
}

static void teardown(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_store_close(f->s);
    GDir *d = g_dir_open(f->dir, 0, NULL);
    const char *n;
    while ((n = g_dir_read_name(d))) {
        char *p = g_build_filename(f->dir, n, NULL);
        g_unlink(p);
        g_free(p);
    }
    g_dir_close(d);
    g_rmdir(f->dir);
    g_free(f->dir);
}

static const char *value(fixture *f, const char *name, const char *item)
{
    static char buf[64];
    crtk_case_ref ref;
    GError *err = NULL;
    g_assert_true(crtk_case_resolve(f->s, name, &ref, &err));
    crtk_record *r = ref.stored->record;
    const crtk_element *e = ref.tumor_no ? &r->tumors[ref.tumor_no - 1] : &r->patient;
    const char *v = crtk_element_get_id(e, r->dict, item);
    g_strlcpy(buf, v ? v : "", sizeof buf);
    crtk_case_ref_clear(&ref);
    return buf;
}

static void test_create_numbers_and_set(fixture *f, gconstpointer data)
{
    (void)data;
    GError *err = NULL;
    char *next = crtk_store_next_patient_id_number(f->s, &err);
    g_assert_cmpstr(next, ==, "00000001"); /* empty store */
    g_free(next);

    /* a patient numbered 00000041 by hand: the next one is 42, not 2 */
    const char *i1[] = {"patientIdNumber", "nameLast"}, *v1[] = {"00000041", "Smith"};
    crtk_case_created made = {0};
    g_assert_true(crtk_case_create(f->s, 0, i1, v1, 2, &made, &err));
    g_assert_no_error(err);
    g_assert_cmpint(made.tumor_id, ==, 0); /* no tumor item, no tumor */
    g_free(made.patient_id_number);

    const char *i2[] = {"nameLast", "primarySite", "dateOfDiagnosis"}, *v2[] = {"Jones", "C504", "20240105"};
    g_setenv("CRTK_TODAY", "20260102", TRUE);
    g_assert_true(crtk_case_create(f->s, 0, i2, v2, 3, &made, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(made.patient_id_number, ==, "00000042");
    g_assert_cmpint(made.tumor_id, >, 0);
    g_free(made.patient_id_number);
    g_assert_cmpstr(value(f, "00000042/1", "primarySite"), ==, "C504");
    g_assert_cmpstr(value(f, "00000042/1", "dateCaseLastChanged"), ==, "20260102");
    g_assert_cmpstr(value(f, "00000042/1", "sequenceNumberHospital"), ==, "00"); /* one malignant tumor */

    /* every problem is reported, one line each, and nothing is written */
    const char *i3[] = {"primarySit", "primarySite"}, *v3[] = {"C50", "C5000"};
    g_assert_false(crtk_case_create(f->s, 0, i3, v3, 2, &made, &err));
    g_assert_error(err, CRTK_ERROR, CRTK_ERROR_USAGE);
    g_assert_nonnull(strstr(err->message, "no item primarySit; did you mean primarySite"));
    g_assert_nonnull(strstr(err->message, "\nprimarySite=C5000: "));
    g_clear_error(&err);
    gint64 patients = 0, tumors = 0;
    g_assert_true(crtk_store_count(f->s, NULL, &patients, &tumors, &err));
    g_assert_cmpint(patients, ==, 2);
    g_assert_cmpint(tumors, ==, 1);

    /* a second tumor; then a tumor item needs the tumor named */
    crtk_case_ref ref;
    g_assert_true(crtk_case_resolve(f->s, "00000042", &ref, &err));
    const char *i4[] = {"primarySite", "dateOfDiagnosis", "behaviorCodeIcdO3"}, *v4[] = {"C619", "2025", "3"};
    g_assert_true(crtk_case_create(f->s, ref.patient_id, i4, v4, 3, &made, &err));
    g_free(made.patient_id_number);
    crtk_case_ref_clear(&ref);
    g_assert_true(crtk_case_resolve(f->s, "00000042", &ref, &err));
    const char *i5[] = {"primarySite"}, *v5[] = {"C508"};
    g_assert_false(crtk_case_set(f->s, &ref, i5, v5, 1, &err));
    g_assert_error(err, CRTK_ERROR, CRTK_ERROR_USAGE);
    g_clear_error(&err);
    crtk_case_ref_clear(&ref);
    g_assert_true(crtk_case_resolve(f->s, "00000042/1", &ref, &err));
    g_assert_true(crtk_case_set(f->s, &ref, i5, v5, 1, &err));
    crtk_case_ref_clear(&ref);
    g_assert_cmpstr(value(f, "00000042/1", "primarySite"), ==, "C508");
    g_assert_cmpstr(value(f, "00000042/2", "sequenceNumberHospital"), ==, "02"); /* renumbered by date */

    g_assert_false(crtk_case_resolve(f->s, "00000042/3", &ref, &err));
    g_assert_error(err, CRTK_ERROR, CRTK_ERROR_DATA);
    g_assert_cmpstr(strstr(err->message, "patient"), ==, "patient 00000042 has no tumor 3 (it has 2)");
    g_clear_error(&err);
    g_unsetenv("CRTK_TODAY");
}

/* patientIdNumber finds a patient: case set may not give a patient another's number (the store would
 * then hold two patients under one key) nor clear it; a number of its own is fine. */
static void test_set_patient_key(fixture *f, gconstpointer data)
{
    (void)data;
    GError *err = NULL;
    crtk_case_created made = {0};
    const char *ia[] = {"patientIdNumber", "nameLast"}, *va[] = {"00000001", "Ames"}, *vb[] = {"00000002", "Baker"};
    g_assert_true(crtk_case_create(f->s, 0, ia, va, 2, &made, &err));
    g_free(made.patient_id_number);
    g_assert_true(crtk_case_create(f->s, 0, ia, vb, 2, &made, &err));
    g_free(made.patient_id_number);

    crtk_case_ref ref;
    g_assert_true(crtk_case_resolve(f->s, "00000002", &ref, &err));
    const char *ik[] = {"nameLast", "patientIdNumber"}, *taken[] = {"Bakker", "00000001"}, *blank[] = {"Bakker", ""};
    g_assert_false(crtk_case_set(f->s, &ref, ik, taken, 2, &err));
    g_assert_error(err, CRTK_ERROR, CRTK_ERROR_DATA);
    g_assert_nonnull(strstr(err->message, "patientIdNumber 00000001 belongs to another patient (#1)"));
    g_clear_error(&err);
    g_assert_false(crtk_case_set(f->s, &ref, ik, blank, 2, &err));
    g_assert_error(err, CRTK_ERROR, CRTK_ERROR_DATA);
    g_assert_nonnull(strstr(err->message, "cannot be blank"));
    g_clear_error(&err);
    crtk_case_ref_clear(&ref);
    /* nothing was changed, not even the name set beside it */
    g_assert_cmpstr(value(f, "00000002", "nameLast"), ==, "Baker");
    g_assert_cmpstr(value(f, "00000001", "nameLast"), ==, "Ames");

    const char *own[] = {"Bakker", "00000002"}, *fresh[] = {"Bakker", "00000009"};
    g_assert_true(crtk_case_resolve(f->s, "00000002", &ref, &err));
    g_assert_true(crtk_case_set(f->s, &ref, ik, own, 2, &err)); /* its own number again */
    g_assert_no_error(err);
    crtk_case_ref_clear(&ref);
    g_assert_true(crtk_case_resolve(f->s, "00000002", &ref, &err));
    g_assert_true(crtk_case_set(f->s, &ref, ik, fresh, 2, &err));
    g_assert_no_error(err);
    crtk_case_ref_clear(&ref);
    g_assert_cmpstr(value(f, "00000009", "nameLast"), ==, "Bakker");
}

static void test_form_changes(fixture *f, gconstpointer data)
{
    (void)data;
    GError *err = NULL;
    const char *i[] = {"nameLast", "nameFirst", "primarySite"}, *v[] = {"Smith", "Ann", "C504"};
    crtk_case_created made = {0};
    g_assert_true(crtk_case_create(f->s, 0, i, v, 3, &made, &err));
    g_free(made.patient_id_number);
    crtk_case_ref ref;
    g_assert_true(crtk_case_resolve(f->s, "00000001", &ref, &err));
    /* nameFirst removed (cleared), nameLast unchanged, nameMiddle added */
    GPtrArray *ci = g_ptr_array_new_with_free_func(g_free), *cv = g_ptr_array_new_with_free_func(g_free);
    g_assert_true(crtk_case_form_changes(f->s, &ref, "# comment\npatientIdNumber: 00000001\nnameLast: Smith\nnameMiddle: B\n", ci, cv, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(ci->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(ci, 0), ==, "nameMiddle");
    g_assert_cmpstr(g_ptr_array_index(cv, 0), ==, "B");
    g_assert_cmpstr(g_ptr_array_index(ci, 1), ==, "nameFirst");
    g_assert_cmpstr(g_ptr_array_index(cv, 1), ==, "");
    g_ptr_array_set_size(ci, 0), g_ptr_array_set_size(cv, 0);
    /* a tumor item cannot be set on the patient's form */
    g_assert_false(crtk_case_form_changes(f->s, &ref, "patientIdNumber: 00000001\nnameLast: Smith\nprimarySite: C500\n", ci, cv, &err));
    g_assert_error(err, CRTK_ERROR, CRTK_ERROR_DATA);
    g_assert_cmpstr(err->message, ==, "primarySite is a Tumor item and cannot be set here");
    g_clear_error(&err);
    /* a line with nothing before its colon names no item: refused with its line (found by
     * fuzz_case_form: it was taken as an item named "") */
    g_ptr_array_set_size(ci, 0), g_ptr_array_set_size(cv, 0);
    g_assert_false(crtk_case_form_changes(f->s, &ref, "patientIdNumber: 00000001\nnameLast: Smith\nnameFirst: Ann\n  : x\n", ci,
                                          cv, &err));
    g_assert_error(err, CRTK_ERROR, CRTK_ERROR_DATA);
    g_assert_cmpstr(err->message, ==, "line 4: expected \"item: value\", found \"  : x\"");
    g_assert_cmpuint(ci->len, ==, 0);
    g_clear_error(&err);
    char *form = crtk_case_form(f->s, &ref);
    g_assert_nonnull(strstr(form, "# crtk case edit: patient 00000001\n"));
    g_assert_nonnull(strstr(form, "nameFirst: Ann"));
    g_free(form);
    g_ptr_array_free(ci, TRUE), g_ptr_array_free(cv, TRUE);
    crtk_case_ref_clear(&ref);
}

static int count_problems(const crtk_problem *p, void *user)
{
    (void)p;
    (*(int *)user)++;
    return CRTK_CONTINUE;
}

static void test_convert_file(fixture *f, gconstpointer data)
{
    (void)data;
    char *in = g_build_filename(f->dir, "in.csv", NULL), *out = g_build_filename(f->dir, "out.xml", NULL);
    g_assert_true(g_file_set_contents(in, "patientIdNumber,primarySite,dateOfDiagnosis\n"
                                          "00000007,C504,20240105\n00000007,C619,2023\n00000008,C340,\n", -1, NULL));
    crtk_convert_options o;
    crtk_convert_options_init(&o);
    crtk_convert_result res;
    int problems = 0;
    GError *err = NULL;
    g_assert_cmpint(crtk_convert_file(in, out, &o, count_problems, &problems, &res, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpint(res.patients, ==, 2); /* consecutive lines of one patient are grouped */
    g_assert_cmpint(res.tumors, ==, 3);
    g_assert_cmpint(res.format, ==, CRTK_FORMAT_XML);
    char *text = NULL;
    g_assert_true(g_file_get_contents(out, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "<Item naaccrId=\"primarySite\">C619</Item>"));
    g_free(text);
    /* flat output of NAACCR 26 cannot be opened: nothing is left behind */
    char *flat = g_build_filename(f->dir, "out.txt", NULL);
    g_assert_cmpint(crtk_convert_file(in, flat, &o, NULL, NULL, &res, &err), ==, 1);
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_false(g_file_test(flat, G_FILE_TEST_EXISTS));
    g_unlink(in), g_unlink(out);
    g_free(in), g_free(out), g_free(flat);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/case/create-numbers-set", fixture, NULL, setup, test_create_numbers_and_set, teardown);
    g_test_add("/case/set-patient-key", fixture, NULL, setup, test_set_patient_key, teardown);
    g_test_add("/case/form-changes", fixture, NULL, setup, test_form_changes, teardown);
    g_test_add("/convert/file", fixture, NULL, setup, test_convert_file, teardown);
    return g_test_run();
}
