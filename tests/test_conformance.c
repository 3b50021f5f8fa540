/* test_conformance.c — the NAACCR XML samples in ../shared get the verdicts the standard gives them.
 *
 * samples/validity/<folder>/ is the NAACCR XML validity suite: every file of
 * "valid" must read without errors; every file of "invalid" and
 * "invalid_library_only" must give errors; every file of "invalid_relaxed"
 * gives errors in strict mode and none with relaxed_namespace.  Where the
 * problem is known, its code is checked too.  The other samples have known
 * contents (counts of patients, tumors and problems).  Every valid file is
 * also written with the XML writer and read back: the same values come out.
 * Skipped when ../shared is absent.
 */
#include "io.h"
#include "naaccr_read.h"
#include "naaccr_write.h"
#include "test_util.h"

#include <string.h>
#include <glib.h>

#define SAMPLES CRTK_SHARED_DIR "/naaccr/samples"

typedef struct {
    long errors, warnings, fatal;
    GPtrArray *codes;      /* code names of errors and fatal problems, in order */
    GPtrArray *messages;
    GPtrArray *digests;    /* per patient: its values, for comparing two reads */
    crtk_writer *writer;   /* when set, every patient is written to it */
    GString *out;
} outcome;

static void digest_element(GString *s, const crtk_element *e, const crtk_dictionary *d, const char *what)
{
    g_string_append_printf(s, "%s\n", what);
    for (int i = 0; i < crtk_dictionary_count(d); i++) {
        size_t len;
        const char *v = crtk_element_get(e, i, &len);
        if (v)
            g_string_append_printf(s, "  %s=[%s]\n", crtk_dictionary_item(d, i)->id, v);
    }
    if (e->extensions && e->extensions->len)
        g_string_append_printf(s, "  extensions=[%s]\n", e->extensions->str);
}

static int on_header(const crtk_header *h, void *user)
{
    outcome *o = user;
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "record type %c\n", crtk_record_type_letter(h->record_type));
    digest_element(s, &h->root, h->dict, "NaaccrData");
    g_ptr_array_add(o->digests, g_string_free(s, FALSE));
    if (o->out) {
        GError *error = NULL;
        o->writer = crtk_writer_open_out(crtk_out_open_string(o->out), h->dict, h, NULL, &error);
        g_assert_no_error(error);
    }
    return CRTK_CONTINUE;
}

static int on_patient(crtk_record *r, void *user)
{
    outcome *o = user;
    GString *s = g_string_new(NULL);
    digest_element(s, &r->patient, r->dict, "Patient");
    for (int t = 0; t < r->n_tumors; t++)
        digest_element(s, &r->tumors[t], r->dict, "Tumor");
    g_ptr_array_add(o->digests, g_string_free(s, FALSE));
    if (o->writer) {
        GError *error = NULL;
        g_assert_true(crtk_writer_write(o->writer, r, &error));
        g_assert_no_error(error);
    }
    return CRTK_CONTINUE;
}

static int on_problem(const crtk_problem *p, void *user)
{
    outcome *o = user;
    if (p->severity == CRTK_SEVERITY_WARNING) {
        o->warnings++;
    } else {
        o->errors++;
        if (p->severity == CRTK_SEVERITY_FATAL)
            o->fatal++;
        g_ptr_array_add(o->codes, g_strdup(crtk_problem_code_name(p->code)));
    }
    char *line = crtk_problem_format(p);
    g_ptr_array_add(o->messages, line);
    g_test_message("%s", line);
    return CRTK_CONTINUE;
}

static outcome *outcome_new(void)
{
    outcome *o = g_new0(outcome, 1);
    o->codes = g_ptr_array_new_with_free_func(g_free);
    o->messages = g_ptr_array_new_with_free_func(g_free);
    o->digests = g_ptr_array_new_with_free_func(g_free);
    return o;
}

static void outcome_free(outcome *o)
{
    g_ptr_array_free(o->codes, TRUE);
    g_ptr_array_free(o->messages, TRUE);
    g_ptr_array_free(o->digests, TRUE);
    if (o->out)
        g_string_free(o->out, TRUE);
    g_free(o);
}

static crtk_read_handlers handlers = {on_header, on_patient, on_problem};

static outcome *validate(const char *path, gboolean relaxed, GPtrArray *user_dictionaries, crtk_read_stats *st,
                         gboolean write_back)
{
    crtk_read_options opt;
    crtk_read_options_init(&opt);
    opt.relaxed_namespace = relaxed;
    opt.user_dictionaries = user_dictionaries;
    outcome *o = outcome_new();
    if (write_back)
        o->out = g_string_new(NULL);
    crtk_read_stats local;
    int rc = crtk_naaccr_read_file(path, CRTK_FORMAT_UNKNOWN, &opt, &handlers, o, st ? st : &local);
    if (!st)
        st = &local;
    g_assert_cmpint(st->errors, ==, o->errors);
    g_assert_cmpint(st->warnings, ==, o->warnings);
    g_assert_cmpint(rc, ==, o->fatal ? -1 : 0);
    if (o->writer) {
        GError *error = NULL;
        g_assert_true(crtk_writer_close(o->writer, &error));
        g_assert_no_error(error);
        o->writer = NULL;
    }
    return o;
}

/* The NAACCR samples of ../shared; without them the test is skipped (a failure under CI=true). */
static gboolean have_samples(void)
{
    char *p = tu_shared("naaccr/samples");
    g_free(p);
    return p != NULL;
}

/* What each known file of the validity suite breaks (first error's code), so that a file
 * rejected for the wrong reason is caught too. */
static const struct { const char *file, *code; } known[] = {
    {"invalid_bad-attribute-1.xml", "structure"},
    {"invalid_bad-attribute-2.xml", "structure"},
    {"invalid_bad-tag-1.xml", "structure"},
    {"invalid_bad-tag-2.xml", "structure"},
    {"invalid_bad-tag-3.xml", "structure"},
    {"invalid_bad-tag-4.xml", "structure"},
    {"invalid_garbage-1.xml", "syntax"},
    {"invalid_missing-required-attribute-1.xml", "root-attribute"},
    {"invalid_namespace-1.xml", "syntax"},
    {"invalid_unbalanced-tags-1.xml", "syntax"},
    {"invalid_unbalanced-tags-2.xml", "syntax"},
    {"invalid_unbalanced-tags-3.xml", "syntax"},
    {"invalid_bad-data-item-2.xml", "wrong-level"},
    {"invalid_bad-data-item-4.xml", "unknown-item"},
    {"invalid_bad-naaccr-item-number.xml", "wrong-item-number"},
    {"invalid_unknown-data-item-1.xml", "unknown-item"},
    {"invalid_value-to-long-1.xml", "value-too-long"},
    {"invalid_default-namespace-missing-1.xml", "namespace"},
    {"invalid_user-attribute-missing-namespace-1.xml", "root-attribute"},
    {"invalid_user-attribute-missing-namespace-2.xml", "root-attribute"},
};

static const char *known_code(const char *file)
{
    for (guint i = 0; i < G_N_ELEMENTS(known); i++)
        if (!strcmp(known[i].file, file))
            return known[i].code;
    return NULL;
}

static GPtrArray *files_of(const char *folder)
{
    char *dir = g_build_filename(SAMPLES, "validity", folder, NULL);
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    const char *name;
    while ((name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".xml"))
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
    g_dir_close(d);
    g_free(dir);
    return files;
}

/* Writes what was read and reads it again: the same values must come back, without a problem. */
static void check_round_trip(const char *path, outcome *first)
{
    if (!first->out)
        return;
    crtk_in *in = crtk_in_open_memory(first->out->str, first->out->len);
    outcome *second = outcome_new();
    crtk_read_stats st;
    int rc = crtk_naaccr_xml_read(in, "written.xml", NULL, &handlers, second, &st);
    crtk_in_close(in);
    if (rc != 0 || second->errors || second->warnings)
        g_error("%s: reading back what the writer wrote gave problems:\n%s", path, first->out->str);
    g_assert_cmpuint(second->digests->len, ==, first->digests->len);
    for (guint i = 0; i < first->digests->len; i++)
        g_assert_cmpstr(g_ptr_array_index(second->digests, i), ==, g_ptr_array_index(first->digests, i));
    outcome_free(second);
}

static void check_folder(const char *folder, gboolean valid, gboolean relaxed, guint expected_files)
{
    GPtrArray *files = files_of(folder);
    g_assert_cmpuint(files->len, ==, expected_files);
    for (guint i = 0; i < files->len; i++) {
        const char *path = g_ptr_array_index(files, i);
        char *base = g_path_get_basename(path);
        outcome *o = validate(path, relaxed, NULL, NULL, valid);
        if (valid && o->errors)
            g_error("%s must be valid%s, but has %ld error(s)", path, relaxed ? " in relaxed mode" : "", o->errors);
        if (!valid && !o->errors)
            g_error("%s must be invalid, but has no error", path);
        const char *code = known_code(base);
        if (!valid && code && strcmp(g_ptr_array_index(o->codes, 0), code) != 0)
            g_error("%s: the first error is %s, expected %s", path, (char *)g_ptr_array_index(o->codes, 0), code);
        if (valid)
            check_round_trip(path, o);
        outcome_free(o);
        g_free(base);
    }
    g_ptr_array_free(files, TRUE);
}

static void test_valid(void)
{
    if (have_samples())
        check_folder("valid", TRUE, FALSE, 10);
}

static void test_invalid(void)
{
    if (have_samples())
        check_folder("invalid", FALSE, FALSE, 12);
}

static void test_invalid_library_only(void)
{
    if (have_samples())
        check_folder("invalid_library_only", FALSE, FALSE, 5);
}

static void test_invalid_relaxed(void)
{
    if (!have_samples())
        return;
    check_folder("invalid_relaxed", FALSE, FALSE, 3);
    check_folder("invalid_relaxed", TRUE, TRUE, 3);
    /* Relaxed mode turns those errors into warnings; it does not hide them. */
    GPtrArray *files = files_of("invalid_relaxed");
    for (guint i = 0; i < files->len; i++) {
        outcome *o = validate(g_ptr_array_index(files, i), TRUE, NULL, NULL, FALSE);
        g_assert_cmpint(o->warnings, >=, 1);
        outcome_free(o);
    }
    g_ptr_array_free(files, TRUE);
}

static void test_valid_names_unknown_user_dictionary(void)
{
    /* valid_standard-file-2.xml names userDictionaryUri="whatever" and needs none of its items:
       valid, with one warning that says so. */
    if (!have_samples())
        return;
    outcome *o = validate(SAMPLES "/validity/valid/valid_standard-file-2.xml", FALSE, NULL, NULL, FALSE);
    g_assert_cmpint(o->errors, ==, 0);
    g_assert_cmpint(o->warnings, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(o->messages, 0), "user dictionary whatever"));
    outcome_free(o);
}

typedef struct {
    const char *file;
    gboolean valid;
    long patients, tumors, errors;
    const char *code;     /* every error has this code */
    const char *words;    /* the first problem says this */
} sample;

static const sample samples[] = {
    {"xml/test2.xml", FALSE, 2, 3, 6, "not-in-record-type", "textStaging is not part of record type I"},
    {"xml/test_ASCII_with_control_chars.xml", FALSE, 1, 1, 1, "syntax", "control character 0x07"},
    {"xml/test_UTF-8_with_bom.xml", TRUE, 1, 1, 0, NULL, NULL},
    {"xml/test-cdata.xml", TRUE, 1, 1, 0, NULL, NULL},
    {"xml/synthetic-data_naaccr-180-incidence_10-tumors.xml", TRUE, 10, 10, 0, NULL, NULL},
    {"xml/xml-reader-bad-time-generated.xml", FALSE, 1, 1, 1, "root-attribute", "timeGenerated 2021-04-12T9:12:41.322-04:00"},
    {"xml/xml-reader-switched-level.xml", FALSE, 2, 3, 2, "wrong-level", "dateOfLastCancerStatus is a Tumor item"},
    {"generated/naaccr-xml-sample-v240-incidence-10.xml.gz", TRUE, 9, 10, 0, NULL, NULL},
    {"generated/naaccr-xml-sample-v250-incidence-10.xml.gz", TRUE, 10, 10, 0, NULL, NULL},
};

static void test_other_samples(void)
{
    if (!have_samples())
        return;
    for (guint i = 0; i < G_N_ELEMENTS(samples); i++) {
        const sample *s = &samples[i];
        char *path = g_build_filename(SAMPLES, s->file, NULL);
        crtk_read_stats st;
        outcome *o = validate(path, FALSE, NULL, &st, s->valid);
        g_test_message("%s: %ld patients, %ld tumors, %ld errors", s->file, st.patients, st.tumors, st.errors);
        g_assert_cmpint(st.patients, ==, s->patients);
        g_assert_cmpint(st.tumors, ==, s->tumors);
        g_assert_cmpint(st.errors, ==, s->errors);
        g_assert_cmpint(st.fatal, ==, s->code && !strcmp(s->code, "syntax"));
        for (guint k = 0; k < o->codes->len; k++)
            g_assert_cmpstr(g_ptr_array_index(o->codes, k), ==, s->code);
        if (s->words && !strstr(g_ptr_array_index(o->messages, 0), s->words))
            g_error("%s: \"%s\" does not say \"%s\"", s->file, (char *)g_ptr_array_index(o->messages, 0), s->words);
        if (s->valid) {
            g_assert_cmpint(st.warnings, ==, 0);
            check_round_trip(path, o);
        }
        outcome_free(o);
        g_free(path);
    }
}

static void test_values_of_samples(void)
{
    /* test-cdata.xml: a value in CDATA, and a root-level extension element kept as it was. */
    if (!have_samples())
        return;
    outcome *o = validate(SAMPLES "/xml/test-cdata.xml", FALSE, NULL, NULL, FALSE);
    g_assert_cmpuint(o->digests->len, ==, 2);
    g_assert_nonnull(strstr(g_ptr_array_index(o->digests, 0), "registryId=[0000000001]"));
    g_assert_nonnull(strstr(g_ptr_array_index(o->digests, 0),
                            "extensions=[<other:MyOuterTag><other:MyInnerTag>Something</other:MyInnerTag>"
                            "</other:MyOuterTag>]")); /* white space between elements is not kept */
    g_assert_nonnull(strstr(g_ptr_array_index(o->digests, 1), "primarySite=[C123]"));
    g_assert_nonnull(strstr(g_ptr_array_index(o->digests, 1), "patientIdNumber=[00000001]"));
    outcome_free(o);
    /* The UTF-8 file with a BOM keeps its non-ASCII characters. */
    o = validate(SAMPLES "/xml/test_UTF-8_with_bom.xml", FALSE, NULL, NULL, FALSE);
    gboolean quote = FALSE;
    for (guint i = 0; i < o->digests->len; i++)
        if (strstr(g_ptr_array_index(o->digests, i), "\xE2\x80\x99"))
            quote = TRUE;
    g_assert_true(quote);
    outcome_free(o);
}

static void test_user_dictionary_sample(void)
{
    if (!have_samples())
        return;
    const char *data = SAMPLES "/user-dictionary/HL7_AS_NAACCR_XML_V18_ABS.XML";
    /* Without its dictionary: the items it defines are unknown, and the message names the dictionary. */
    crtk_read_stats st;
    outcome *o = validate(data, FALSE, NULL, &st, FALSE);
    g_assert_cmpint(st.errors, >, 0);
    for (guint k = 0; k < o->codes->len; k++)
        g_assert_cmpstr(g_ptr_array_index(o->codes, k), ==, "unknown-item");
    g_assert_nonnull(strstr(g_ptr_array_index(o->messages, 0), "https://my.org/naaccrxml/path-text-dictionary.xml"));
    outcome_free(o);
    /* With it: valid. */
    GError *error = NULL;
    crtk_user_dictionary *ud =
        crtk_user_dictionary_load(SAMPLES "/user-dictionary/path-text-dictionary.xml", NULL, NULL, &error);
    g_assert_no_error(error);
    GPtrArray *dicts = g_ptr_array_new();
    g_ptr_array_add(dicts, ud);
    o = validate(data, FALSE, dicts, &st, TRUE);
    g_assert_cmpint(st.errors, ==, 0);
    g_assert_cmpint(st.warnings, ==, 0);
    g_assert_cmpint(st.patients, ==, 1);
    g_assert_nonnull(o->out);
    /* The written file names the user dictionary. */
    g_assert_nonnull(strstr(o->out->str, "userDictionaryUri=\"https://my.org/naaccrxml/path-text-dictionary.xml\""));
    outcome_free(o);
    g_ptr_array_free(dicts, TRUE);
    crtk_user_dictionary_free(ud);
}

int main(int argc, char **argv)
{
    tu_init(&argc, &argv);
    g_test_add_func("/conformance/valid", test_valid);
    g_test_add_func("/conformance/invalid", test_invalid);
    g_test_add_func("/conformance/invalid-library-only", test_invalid_library_only);
    g_test_add_func("/conformance/invalid-relaxed", test_invalid_relaxed);
    g_test_add_func("/conformance/valid-names-unknown-user-dictionary", test_valid_names_unknown_user_dictionary);
    g_test_add_func("/conformance/other-samples", test_other_samples);
    g_test_add_func("/conformance/values-of-samples", test_values_of_samples);
    g_test_add_func("/conformance/user-dictionary-sample", test_user_dictionary_sample);
    return tu_finish(g_test_run());
}
