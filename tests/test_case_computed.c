/* test_case_computed.c — the items the workspace fills on save (include/crtk/case_computed.h),
 * against hand-worked answers: age at diagnosis (birthday not yet reached, reached, unknown), the
 * abstractor's code from a user name, Date Case Completed only when the status becomes complete,
 * and what the registrar typed winning over what would be computed. */
#include <glib.h>
#include <string.h>
#include "crtk/case_computed.h"

typedef struct {
    crtk_dictionary *d;
    crtk_record *r;
    GPtrArray *items, *values;
} fixture;

static void setup(fixture *f, const char *dob, const char *dx, const char *abstracted_by, const char *age)
{
    f->d = crtk_dictionary_new(260, NULL);
    g_assert_nonnull(f->d);
    f->r = crtk_record_new(f->d);
    crtk_element_set_id(&f->r->patient, f->d, "dateOfBirth", dob);
    crtk_element *t = crtk_record_add_tumor(f->r);
    crtk_element_set_id(t, f->d, "dateOfDiagnosis", dx);
    if (abstracted_by)
        crtk_element_set_id(t, f->d, "abstractedBy", abstracted_by);
    if (age)
        crtk_element_set_id(t, f->d, "ageAtDiagnosis", age);
    f->items = g_ptr_array_new_with_free_func(g_free);
    f->values = g_ptr_array_new_with_free_func(g_free);
}

static void teardown(fixture *f)
{
    crtk_record_free(f->r);
    crtk_dictionary_unref(f->d);
    g_ptr_array_free(f->items, TRUE), g_ptr_array_free(f->values, TRUE);
}

/* The value computed for id, or NULL when it is not among the additions. */
static const char *added(fixture *f, const char *id)
{
    for (guint i = 0; i < f->items->len; i++)
        if (!strcmp(f->items->pdata[i], id))
            return f->values->pdata[i];
    return NULL;
}

static void test_age(void)
{
    fixture f;
    /* born 26 July 1963, diagnosed 31 October 2019: 56 (birthday passed) */
    setup(&f, "19630726", "20191031", "XYZ", NULL);
    crtk_case_computed_input in = {.stored = f.r, .tumor = 0, .user = "abby", .today = "20261205"};
    g_assert_cmpint(crtk_case_computed_items(&in, f.items, f.values), ==, 1);
    g_assert_cmpstr(added(&f, "ageAtDiagnosis"), ==, "056");
    g_assert_null(added(&f, "abstractedBy")); /* already filled: kept */
    teardown(&f);
    /* the diagnosis date changed in this save to 25 July 2020, the day before the birthday: still 56 */
    setup(&f, "19630726", "20191031", "XYZ", "056");
    const char *items[] = {"dateOfDiagnosis", NULL}, *values[] = {"20200725", NULL};
    in = (crtk_case_computed_input){.stored = f.r, .tumor = 0, .items = items, .values = values, .today = "20261205"};
    g_assert_cmpint(crtk_case_computed_items(&in, f.items, f.values), ==, 0); /* 056 stored: no change */
    values[0] = "20200726"; /* the birthday: 57 */
    g_assert_cmpint(crtk_case_computed_items(&in, f.items, f.values), ==, 1);
    g_assert_cmpstr(added(&f, "ageAtDiagnosis"), ==, "057");
    teardown(&f);
    /* no birth date: 999 */
    setup(&f, "", "20191031", "XYZ", NULL);
    in = (crtk_case_computed_input){.stored = f.r, .tumor = 0, .today = "20261205"};
    crtk_case_computed_items(&in, f.items, f.values);
    g_assert_cmpstr(added(&f, "ageAtDiagnosis"), ==, "999");
    teardown(&f);
}

static void test_abstractor_and_completed(void)
{
    fixture f;
    setup(&f, "19630726", "20191031", NULL, "056");
    crtk_case_computed_input in = {.stored = f.r, .tumor = 0, .user = "j.doe-2", .status_before = "incomplete",
                                   .status_after = "complete", .today = "20261205"};
    g_assert_cmpint(crtk_case_computed_items(&in, f.items, f.values), ==, 2);
    g_assert_cmpstr(added(&f, "abstractedBy"), ==, "JDO"); /* letters and digits only */
    g_assert_cmpstr(added(&f, "dateCaseCompleted"), ==, "20261205");
    g_ptr_array_set_size(f.items, 0), g_ptr_array_set_size(f.values, 0);
    /* already complete, saved again: the completion date stays */
    in.status_before = "complete";
    in.user = NULL;
    g_assert_cmpint(crtk_case_computed_items(&in, f.items, f.values), ==, 0);
    /* put on hold: not completed */
    in.status_before = "incomplete";
    in.status_after = "on hold";
    g_assert_cmpint(crtk_case_computed_items(&in, f.items, f.values), ==, 0);
    /* typed by the registrar in the same save: theirs wins */
    const char *items[] = {"abstractedBy", "dateCaseCompleted", NULL}, *values[] = {"KLM", "20261201", NULL};
    in = (crtk_case_computed_input){.stored = f.r, .tumor = 0, .items = items, .values = values, .user = "abby",
                                    .status_before = "incomplete", .status_after = "complete", .today = "20261205"};
    g_assert_cmpint(crtk_case_computed_items(&in, f.items, f.values), ==, 0);
    /* no such tumor: nothing */
    in.tumor = 3;
    g_assert_cmpint(crtk_case_computed_items(&in, f.items, f.values), ==, 0);
    teardown(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/case_computed/age", test_age);
    g_test_add_func("/case_computed/abstractor_and_completed", test_abstractor_and_completed);
    return g_test_run();
}
