/* test_convert.c — unit tests of version and record-type conversion (registry/convert.c):
 * items kept by naaccrId, sex -> sexAssignedAtBirth (26) and back, date <-> dateTime,
 * values too long for the target dropped (never cut) and reported, record type I leaving
 * out confidential items, and the identity conversion. */
#include "convert.h"

#include <string.h>
#include <glib.h>

typedef struct {
    GString *all;
} report;

static int collect(const crtk_problem *p, void *user)
{
    report *r = user;
    g_string_append_printf(r->all, "%s: %s\n", p->item ? p->item : "-", p->message);
    return CRTK_CONTINUE;
}

static const char *get(const crtk_record *r, const crtk_element *e, const char *id)
{
    const char *v = crtk_element_get_id(e, r->dict, id);
    return v ? v : "";
}

static void test_25_to_26(void)
{
    crtk_dictionary *d25 = crtk_dictionary_new(250, NULL), *d26 = crtk_dictionary_new(260, NULL);
    crtk_record *in = crtk_record_new(d25), *out = crtk_record_new(d26);
    crtk_element_set_id(&in->patient, d25, "patientIdNumber", "00000042");
    crtk_element_set_id(&in->patient, d25, "sex", "5"); /* transsexual, natal male -> 1 */
    crtk_element *t = crtk_record_add_tumor(in);
    crtk_element_set_id(t, d25, "primarySite", "C504");
    crtk_element_set_id(t, d25, "comorbidComplication1", "E119"); /* not in 26 */
    crtk_converter *c = crtk_converter_new(d25, d26, CRTK_RT_A);
    g_assert_false(crtk_converter_is_identity(c));
    crtk_converter_record(c, in, out);
    g_assert_cmpstr(get(out, &out->patient, "patientIdNumber"), ==, "00000042");
    g_assert_cmpstr(get(out, &out->patient, "sexAssignedAtBirth"), ==, "1");
    g_assert_cmpint(out->n_tumors, ==, 1);
    g_assert_cmpstr(get(out, &out->tumors[0], "primarySite"), ==, "C504");
    g_assert_cmpint(crtk_converter_dropped(c), ==, 1);
    report r = {g_string_new(NULL)};
    crtk_converter_report(c, "f", collect, &r);
    g_assert_nonnull(strstr(r.all->str, "comorbidComplication1: NAACCR 260 has no item comorbidComplication1"));
    g_assert_nonnull(strstr(r.all->str, "sex: sex replaced as sexAssignedAtBirth"));
    g_assert_nonnull(strstr(r.all->str, "1 recoded"));
    g_string_free(r.all, TRUE);
    crtk_converter_free(c);
    /* and back: sexAssignedAtBirth -> sex */
    crtk_record *back = crtk_record_new(d25);
    c = crtk_converter_new(d26, d25, CRTK_RT_A);
    crtk_converter_record(c, out, back);
    g_assert_cmpstr(get(back, &back->patient, "sex"), ==, "1");
    crtk_converter_free(c);
    crtk_record_free(back);
    crtk_record_free(in);
    crtk_record_free(out);
    crtk_dictionary_unref(d25);
    crtk_dictionary_unref(d26);
}

static void test_date_to_datetime_and_too_long(void)
{
    crtk_dictionary *d24 = crtk_dictionary_new(240, NULL), *d25 = crtk_dictionary_new(250, NULL);
    crtk_dictionary *d18 = crtk_dictionary_new(180, NULL);
    crtk_record *in = crtk_record_new(d24), *out = crtk_record_new(d25), *old = crtk_record_new(d18);
    crtk_element *t = crtk_record_add_tumor(in);
    crtk_element_set_id(t, d24, "pathDateSpecCollect1", "20210315");
    crtk_element_set_id(t, d24, "figoStage", "3C1");
    crtk_record *in2 = crtk_record_new(d25);
    crtk_element_set_id(crtk_record_add_tumor(in2), d25, "figoStage", "1B");
    crtk_converter *c = crtk_converter_new(d24, d25, CRTK_RT_A);
    crtk_converter_record(c, in, out);
    g_assert_cmpstr(get(out, &out->tumors[0], "pathDateSpecCollect1"), ==, "2021-03-15");
    g_assert_cmpstr(get(out, &out->tumors[0], "figoStage"), ==, "3C1");
    crtk_converter_free(c);
    /* 25 -> 18: dateTime back to a date; figoStage is 2 long in 18: dropped, not cut */
    c = crtk_converter_new(d25, d18, CRTK_RT_A);
    crtk_converter_record(c, out, old);
    g_assert_cmpstr(get(old, &old->tumors[0], "pathDateSpecCollect1"), ==, "20210315");
    g_assert_cmpstr(get(old, &old->tumors[0], "figoStage"), ==, "");
    report r = {g_string_new(NULL)};
    crtk_converter_report(c, "f", collect, &r);
    g_assert_nonnull(strstr(r.all->str, "figoStage is only 2 characters long in NAACCR 180: 1 longer value dropped"));
    g_string_free(r.all, TRUE);
    crtk_converter_free(c);
    /* "1B" fits the length of 18's figoStage but not its type (digits): kept, and reported */
    c = crtk_converter_new(d25, d18, CRTK_RT_A);
    crtk_converter_record(c, in2, old);
    g_assert_cmpstr(get(old, &old->tumors[0], "figoStage"), ==, "1B");
    r.all = g_string_new(NULL);
    crtk_converter_report(c, "f", collect, &r);
    g_assert_nonnull(strstr(r.all->str, "figoStage is digits of length 2 in NAACCR 180: 1 value kept as coded but not valid there"));
    g_string_free(r.all, TRUE);
    crtk_converter_free(c);
    crtk_record_free(in2);
    crtk_record_free(in);
    crtk_record_free(out);
    crtk_record_free(old);
    crtk_dictionary_unref(d24);
    crtk_dictionary_unref(d25);
    crtk_dictionary_unref(d18);
}

static void test_record_type_i(void)
{
    crtk_dictionary *d = crtk_dictionary_new(260, NULL);
    crtk_record *in = crtk_record_new(d), *out = crtk_record_new(d);
    crtk_element_set_id(&in->patient, d, "nameLast", "Doe");
    crtk_element_set_id(&in->patient, d, "dateOfBirth", "19500101");
    crtk_converter *c = crtk_converter_new(d, d, CRTK_RT_I);
    crtk_converter_record(c, in, out);
    g_assert_cmpstr(get(out, &out->patient, "nameLast"), ==, "");
    g_assert_cmpstr(get(out, &out->patient, "dateOfBirth"), ==, "19500101");
    report r = {g_string_new(NULL)};
    crtk_converter_report(c, "f", collect, &r);
    g_assert_nonnull(strstr(r.all->str, "nameLast is not part of record type I"));
    g_string_free(r.all, TRUE);
    crtk_converter_free(c);
    /* A keeps everything: identity */
    c = crtk_converter_new(d, d, CRTK_RT_A);
    g_assert_true(crtk_converter_is_identity(c));
    crtk_converter_free(c);
    crtk_record_free(in);
    crtk_record_free(out);
    crtk_dictionary_unref(d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/convert/25-to-26-and-back", test_25_to_26);
    g_test_add_func("/convert/date-datetime-and-too-long", test_date_to_datetime_and_too_long);
    g_test_add_func("/convert/record-type-i", test_record_type_i);
    return g_test_run();
}
