/* test_xml_reader.c — unit tests of the streaming NAACCR XML reader (registry/naaccr_xml_read.c)
 * and of reading back what the XML writer (registry/naaccr_xml_write.c) writes.
 *
 * Documents are built in memory and read with crtk_in_open_memory; handlers
 * copy what they are given (header, patients with their tumors, problems) so
 * each test can assert on exact values, counts, codes and places.
 */
#include "io.h"
#include "naaccr_read.h"
#include "naaccr_write.h"

#include <string.h>
#include <glib.h>

#define NS "xmlns=\"http://naaccr.org/naaccrxml\""
#define ROOT25(rt) "<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" " \
                   "recordType=\"" rt "\" specificationVersion=\"1.8\" " NS ">\n"

typedef struct {
    crtk_problem_code code;
    crtk_severity severity;
    long line, column, patient;
    int tumor;
    char *patient_id, *item, *message;
} seen_problem;

typedef struct {
    int headers;
    int events;              /* order: header must be event 0 */
    int header_event;
    unsigned record_type;
    char *spec;
    GHashTable *root;        /* naaccrId -> value */
    char *root_ext;
    GPtrArray *patients;     /* GHashTable*: "id" / "T1.id" -> value, "ext" / "T1.ext" -> extensions */
    GArray *problems;        /* seen_problem */
    int abort_after_patients;/* > 0: answer CRTK_ABORT at that patient */
    int abort_after_problems;
    crtk_read_stats stats;
    int result;
} collected;

static void copy_element(GHashTable *into, const char *prefix, const crtk_element *e, const crtk_dictionary *d)
{
    for (int i = 0; i < e->n_set; i++) {
        int idx = e->set[i];
        size_t len;
        const char *v = crtk_element_get(e, idx, &len);
        g_assert_nonnull(v);
        g_assert_cmpuint(strlen(v), ==, len);
        g_hash_table_insert(into, g_strdup_printf("%s%s", prefix, crtk_dictionary_item(d, idx)->id), g_strdup(v));
    }
    if (e->extensions && e->extensions->len)
        g_hash_table_insert(into, g_strdup_printf("%sext", prefix), g_strdup(e->extensions->str));
}

static int on_header(const crtk_header *h, void *user)
{
    collected *c = user;
    c->headers++;
    c->header_event = c->events++;
    c->record_type = h->record_type;
    c->spec = g_strdup(h->specification_version);
    copy_element(c->root, "", &h->root, h->dict);
    if (h->root.extensions && h->root.extensions->len)
        c->root_ext = g_strdup(h->root.extensions->str);
    return CRTK_CONTINUE;
}

static int on_patient(crtk_record *r, void *user)
{
    collected *c = user;
    c->events++;
    GHashTable *p = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    copy_element(p, "", &r->patient, r->dict);
    for (int t = 0; t < r->n_tumors; t++) {
        char *prefix = g_strdup_printf("T%d.", t + 1);
        copy_element(p, prefix, &r->tumors[t], r->dict);
        g_free(prefix);
    }
    g_hash_table_insert(p, g_strdup("tumors"), g_strdup_printf("%d", r->n_tumors));
    g_hash_table_insert(p, g_strdup("ordinal"), g_strdup_printf("%ld", r->ordinal));
    g_ptr_array_add(c->patients, p);
    if (c->abort_after_patients && (int)c->patients->len >= c->abort_after_patients)
        return CRTK_ABORT;
    return CRTK_CONTINUE;
}

static int on_problem(const crtk_problem *p, void *user)
{
    collected *c = user;
    seen_problem s = {p->code, p->severity, p->line, p->column, p->patient, p->tumor, g_strdup(p->patient_id),
                      g_strdup(p->item), g_strdup(p->message)};
    g_array_append_val(c->problems, s);
    char *line = crtk_problem_format(p);
    g_test_message("problem: %s", line);
    g_free(line);
    if (c->abort_after_problems && (int)c->problems->len >= c->abort_after_problems)
        return CRTK_ABORT;
    return CRTK_CONTINUE;
}

static collected *collected_new(void)
{
    collected *c = g_new0(collected, 1);
    c->root = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    c->patients = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
    c->problems = g_array_new(FALSE, TRUE, sizeof(seen_problem));
    c->header_event = -1;
    return c;
}

static void collected_free(collected *c)
{
    for (guint i = 0; i < c->problems->len; i++) {
        seen_problem *s = &g_array_index(c->problems, seen_problem, i);
        g_free(s->patient_id), g_free(s->item), g_free(s->message);
    }
    g_array_free(c->problems, TRUE);
    g_ptr_array_free(c->patients, TRUE);
    g_hash_table_unref(c->root);
    g_free(c->spec);
    g_free(c->root_ext);
    g_free(c);
}

static void read_into(collected *c, const char *xml, size_t len, const crtk_read_options *o)
{
    crtk_in *in = crtk_in_open_memory(xml, len);
    crtk_read_handlers h = {on_header, on_patient, on_problem};
    c->result = crtk_naaccr_xml_read(in, "test.xml", o, &h, c, &c->stats);
    crtk_in_close(in);
    /* The statistics agree with what the handlers saw. */
    g_assert_cmpint(c->stats.errors + c->stats.warnings, ==, (long)c->problems->len);
}

static collected *read_with(const char *xml, const crtk_read_options *o)
{
    collected *c = collected_new();
    read_into(c, xml, strlen(xml), o);
    return c;
}

static collected *read_xml(const char *xml)
{
    return read_with(xml, NULL);
}

static const char *value(collected *c, int patient, const char *key)
{
    g_assert_cmpint(patient, <, (int)c->patients->len);
    return g_hash_table_lookup(g_ptr_array_index(c->patients, patient), key);
}

static seen_problem *problem_at(collected *c, guint i)
{
    g_assert_cmpuint(i, <, c->problems->len);
    return &g_array_index(c->problems, seen_problem, i);
}

static void assert_problem(collected *c, guint i, crtk_problem_code code, crtk_severity sev, long line, long col,
                           const char *item, const char *words)
{
    seen_problem *p = problem_at(c, i);
    g_assert_cmpstr(crtk_problem_code_name(p->code), ==, crtk_problem_code_name(code));
    g_assert_cmpint(p->severity, ==, sev);
    if (line)
        g_assert_cmpint(p->line, ==, line);
    if (col)
        g_assert_cmpint(p->column, ==, col);
    g_assert_cmpstr(p->item, ==, item);
    if (!strstr(p->message, words))
        g_error("problem %u: \"%s\" does not contain \"%s\"", i, p->message, words);
}

/* ---- structure and values ------------------------------------------------------- */

static const char two_patients[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    ROOT25("A")
    "  <Item naaccrId=\"registryId\">0000012345</Item>\n"
    "  <Patient>\n"
    "    <Item naaccrId=\"patientIdNumber\" naaccrNum=\"20\">00000001</Item>\n"
    "    <Item naaccrId=\"nameLast\">  Smith-Jones  </Item>\n"
    "    <Item naaccrId=\"nameFirst\">Ren&#233;e &amp; Zo\xC3\xAB</Item>\n"
    "    <Item naaccrId=\"nameMiddle\"></Item>\n"
    "    <Tumor>\n"
    "      <Item naaccrId=\"primarySite\">C509</Item>\n"
    "      <Item naaccrId=\"dateOfDiagnosis\">20240115</Item>\n"
    "      <Item naaccrId=\"textRemarks\">line one\n  line two <![CDATA[<raw> & ]]>end</Item>\n"
    "    </Tumor>\n"
    "    <Tumor>\n"
    "      <Item naaccrId=\"primarySite\">C180</Item>\n"
    "      <Item naaccrId=\"ageAtDiagnosis\">007</Item>\n"
    "    </Tumor>\n"
    "  </Patient>\n"
    "  <Patient>\n"
    "    <Item naaccrId=\"patientIdNumber\">00000002</Item>\n"
    "    <Tumor><Item naaccrId=\"primarySite\">C619</Item></Tumor>\n"
    "  </Patient>\n"
    "  <Patient/>\n"
    "</NaaccrData>\n";

static void test_counts_and_header(void)
{
    collected *c = read_xml(two_patients);
    g_assert_cmpint(c->result, ==, 0);
    g_assert_cmpint(c->headers, ==, 1);
    g_assert_cmpint(c->header_event, ==, 0);
    g_assert_cmpint(c->stats.patients, ==, 3);
    g_assert_cmpint(c->stats.tumors, ==, 3);
    g_assert_cmpint(c->stats.errors, ==, 0);
    g_assert_cmpint(c->stats.warnings, ==, 0);
    g_assert_false(c->stats.fatal);
    g_assert_false(c->stats.aborted);
    g_assert_cmpint(c->stats.bytes, ==, (long long)strlen(two_patients));
    g_assert_cmpuint(c->patients->len, ==, 3);
    g_assert_cmpuint(c->record_type, ==, CRTK_RT_A);
    g_assert_cmpstr(c->spec, ==, "1.8");
    g_assert_cmpstr(g_hash_table_lookup(c->root, "registryId"), ==, "0000012345");
    g_assert_cmpstr(value(c, 0, "tumors"), ==, "2");
    g_assert_cmpstr(value(c, 1, "tumors"), ==, "1");
    g_assert_cmpstr(value(c, 2, "tumors"), ==, "0");
    g_assert_cmpstr(value(c, 2, "ordinal"), ==, "3");
    collected_free(c);
}

static void test_values_exact(void)
{
    collected *c = read_xml(two_patients);
    g_assert_cmpstr(value(c, 0, "patientIdNumber"), ==, "00000001");
    g_assert_cmpstr(value(c, 0, "nameLast"), ==, "  Smith-Jones  ");
    g_assert_cmpstr(value(c, 0, "nameFirst"), ==, "Ren\xC3\xA9" "e & Zo\xC3\xAB");
    g_assert_null(value(c, 0, "nameMiddle")); /* empty is absent */
    g_assert_cmpstr(value(c, 0, "T1.primarySite"), ==, "C509");
    g_assert_cmpstr(value(c, 0, "T1.dateOfDiagnosis"), ==, "20240115");
    g_assert_cmpstr(value(c, 0, "T1.textRemarks"), ==, "line one\n  line two <raw> & end");
    g_assert_cmpstr(value(c, 0, "T2.primarySite"), ==, "C180");
    g_assert_cmpstr(value(c, 0, "T2.ageAtDiagnosis"), ==, "007");
    g_assert_null(value(c, 0, "T2.dateOfDiagnosis"));
    g_assert_cmpstr(value(c, 1, "patientIdNumber"), ==, "00000002");
    g_assert_cmpstr(value(c, 1, "T1.primarySite"), ==, "C619");
    g_assert_null(value(c, 2, "patientIdNumber"));
    collected_free(c);
}

static void test_header_without_patients(void)
{
    collected *c = read_xml(
        "<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-240.xml\" recordType=\"I\" "
        "specificationVersion=\"1.7\" timeGenerated=\"2024-08-23T09:11:35-04:00\" " NS "/>");
    g_assert_cmpint(c->result, ==, 0);
    g_assert_cmpint(c->headers, ==, 1);
    g_assert_cmpint(c->stats.patients, ==, 0);
    g_assert_cmpuint(c->record_type, ==, CRTK_RT_I);
    g_assert_cmpuint(c->problems->len, ==, 0);
    collected_free(c);
}

static void test_unknown_item(void)
{
    const char *xml = ROOT25("A")
        "<Patient>\n"
        "  <Item naaccrId=\"patientIdNumber\">00000009</Item>\n"
        "  <Tumor>\n"
        "    <Item naaccrId=\"primarySit\">C509</Item>\n"
        "  </Tumor>\n"
        "</Patient></NaaccrData>";
    collected *c = read_xml(xml);
    g_assert_cmpint(c->result, ==, 0);
    g_assert_cmpuint(c->problems->len, ==, 1);
    assert_problem(c, 0, CRTK_PROBLEM_UNKNOWN_ITEM, CRTK_SEVERITY_ERROR, 5, 5, "primarySit",
                   "NAACCR 250 has no naaccrId \"primarySit\"; did you mean primarySite");
    seen_problem *p = problem_at(c, 0);
    g_assert_cmpint(p->patient, ==, 1);
    g_assert_cmpint(p->tumor, ==, 1);
    /* The patient's problems are held until the patient ends, so they carry its ID. */
    g_assert_cmpstr(p->patient_id, ==, "00000009");
    g_assert_null(value(c, 0, "T1.primarySite"));
    collected_free(c);

    crtk_read_options o;
    crtk_read_options_init(&o);
    o.ignore_unknown = TRUE;
    c = read_with(xml, &o);
    g_assert_cmpuint(c->problems->len, ==, 1);
    assert_problem(c, 0, CRTK_PROBLEM_UNKNOWN_ITEM, CRTK_SEVERITY_WARNING, 5, 5, "primarySit", "did you mean");
    g_assert_cmpint(c->stats.errors, ==, 0);
    collected_free(c);
}

static void test_wrong_level(void)
{
    collected *c = read_xml(ROOT25("A")
        "<Item naaccrId=\"patientIdNumber\">00000001</Item>\n"
        "<Patient>\n"
        "  <Item naaccrId=\"primarySite\">C509</Item>\n"
        "  <Tumor><Item naaccrId=\"vitalStatus\">1</Item></Tumor>\n"
        "</Patient></NaaccrData>");
    g_assert_cmpuint(c->problems->len, ==, 3);
    assert_problem(c, 0, CRTK_PROBLEM_WRONG_LEVEL, CRTK_SEVERITY_ERROR, 2, 1, "patientIdNumber",
                   "patientIdNumber is a Patient item, found in NaaccrData");
    assert_problem(c, 1, CRTK_PROBLEM_WRONG_LEVEL, CRTK_SEVERITY_ERROR, 4, 3, "primarySite",
                   "primarySite is a Tumor item, found in Patient");
    assert_problem(c, 2, CRTK_PROBLEM_WRONG_LEVEL, CRTK_SEVERITY_ERROR, 5, 10, "vitalStatus",
                   "vitalStatus is a Patient item, found in Tumor");
    g_assert_null(g_hash_table_lookup(c->root, "patientIdNumber"));
    g_assert_null(value(c, 0, "primarySite"));
    g_assert_null(value(c, 0, "T1.vitalStatus"));
    collected_free(c);
}

static void test_record_type_filtering(void)
{
    const char *xml = ROOT25("I")
        "<Patient>\n"
        "  <Item naaccrId=\"patientIdNumber\">00000001</Item>\n"
        "  <Item naaccrId=\"nameLast\">Smith</Item>\n"
        "  <Tumor>\n"
        "    <Item naaccrId=\"primarySite\">C509</Item>\n"
        "    <Item naaccrId=\"textStaging\">T2 N0</Item>\n"
        "  </Tumor>\n"
        "</Patient></NaaccrData>";
    collected *c = read_xml(xml);
    g_assert_cmpuint(c->problems->len, ==, 2);
    assert_problem(c, 0, CRTK_PROBLEM_RECORD_TYPE, CRTK_SEVERITY_ERROR, 4, 3, "nameLast",
                   "nameLast is not part of record type I (only A,M,C)");
    assert_problem(c, 1, CRTK_PROBLEM_RECORD_TYPE, CRTK_SEVERITY_ERROR, 7, 5, "textStaging",
                   "not part of record type I (only A,M)");
    g_assert_cmpstr(value(c, 0, "patientIdNumber"), ==, "00000001");
    g_assert_cmpstr(value(c, 0, "T1.primarySite"), ==, "C509");
    g_assert_null(value(c, 0, "nameLast"));
    g_assert_null(value(c, 0, "T1.textStaging"));
    collected_free(c);
}

static void test_duplicate_item(void)
{
    collected *c = read_xml(ROOT25("A")
        "<Patient>\n"
        "  <Item naaccrId=\"patientIdNumber\">00000001</Item>\n"
        "  <Item naaccrId=\"patientIdNumber\">00000002</Item>\n"
        "  <Tumor><Item naaccrId=\"primarySite\">C509</Item></Tumor>\n"
        "  <Tumor><Item naaccrId=\"primarySite\">C500</Item></Tumor>\n"
        "</Patient></NaaccrData>");
    /* The same item in two tumors is not a duplicate. */
    g_assert_cmpuint(c->problems->len, ==, 1);
    assert_problem(c, 0, CRTK_PROBLEM_DUPLICATE_ITEM, CRTK_SEVERITY_ERROR, 4, 3, "patientIdNumber",
                   "appears twice in the same Patient; the first value is kept");
    g_assert_cmpstr(value(c, 0, "patientIdNumber"), ==, "00000001");
    g_assert_cmpstr(value(c, 0, "T1.primarySite"), ==, "C509");
    g_assert_cmpstr(value(c, 0, "T2.primarySite"), ==, "C500");
    collected_free(c);
}

static const char bad_values[] = ROOT25("A")
    "<Patient>\n"
    "  <Item naaccrId=\"patientIdNumber\">000000012345</Item>\n"
    "  <Item naaccrId=\"dateOfBirth\">1960130</Item>\n"
    "  <Item naaccrId=\"nameLast\">\xE6\x9D\x8E\xE6\x9D\x8E\xE6\x9D\x8E\xE6\x9D\x8E\xE6\x9D\x8E\xE6\x9D\x8E"
    "\xE6\x9D\x8E\xE6\x9D\x8E\xE6\x9D\x8E\xE6\x9D\x8E\xE6\x9D\x8E\xE6\x9D\x8E\xE6\x9D\x8E\xE6\x9D\x8E</Item>\n"
    "  <Tumor>\n"
    "    <Item naaccrId=\"dateOfDiagnosis\">2024AB01</Item>\n"
    "    <Item naaccrId=\"addrAtDxState\">ny</Item>\n"
    "    <Item naaccrId=\"ageAtDiagnosis\">7</Item>\n"
    "    <Item naaccrId=\"seerSiteSpecificFact1\">1.</Item>\n"
    "    <Item naaccrId=\"pathDateSpecCollect1\">2024-01-15T10:30:00</Item>\n"
    "  </Tumor>\n"
    "</Patient></NaaccrData>";

static void test_value_checks(void)
{
    collected *c = read_xml(bad_values);
    g_assert_cmpint(c->result, ==, 0);
    g_assert_cmpuint(c->problems->len, ==, 7);
    assert_problem(c, 0, CRTK_PROBLEM_TOO_LONG, CRTK_SEVERITY_ERROR, 3, 3, "patientIdNumber",
                   "value \"000000012345\" is 12 characters; patientIdNumber allows 8");
    assert_problem(c, 1, CRTK_PROBLEM_BAD_VALUE, CRTK_SEVERITY_ERROR, 4, 3, "dateOfBirth", "date must be");
    /* 14 Chinese characters (42 bytes) fit a 40-character text item: lengths count characters. */
    assert_problem(c, 2, CRTK_PROBLEM_BAD_VALUE, CRTK_SEVERITY_ERROR, 7, 5, "dateOfDiagnosis", "date must be");
    assert_problem(c, 3, CRTK_PROBLEM_BAD_VALUE, CRTK_SEVERITY_ERROR, 8, 5, "addrAtDxState", "capital letters");
    assert_problem(c, 4, CRTK_PROBLEM_BAD_VALUE, CRTK_SEVERITY_ERROR, 9, 5, "ageAtDiagnosis",
                   "must fill its whole length");
    assert_problem(c, 5, CRTK_PROBLEM_BAD_VALUE, CRTK_SEVERITY_ERROR, 10, 5, "seerSiteSpecificFact1",
                   "numeric item must be a number");
    /* A date-time with a time needs a time zone. */
    assert_problem(c, 6, CRTK_PROBLEM_BAD_VALUE, CRTK_SEVERITY_ERROR, 11, 5, "pathDateSpecCollect1", "date-time");
    g_assert_null(value(c, 0, "nameLast") ? NULL : "nameLast missing");
    collected_free(c);
}

static void test_value_checks_off(void)
{
    crtk_read_options o;
    crtk_read_options_init(&o);
    g_assert_true(o.check_values);
    o.check_values = FALSE;
    collected *c = read_with(bad_values, &o);
    g_assert_cmpuint(c->problems->len, ==, 0);
    /* Values are kept as they are, even when wrong. */
    g_assert_cmpstr(value(c, 0, "patientIdNumber"), ==, "000000012345");
    g_assert_cmpstr(value(c, 0, "T1.addrAtDxState"), ==, "ny");
    collected_free(c);
}

static void test_wrong_number(void)
{
    collected *c = read_xml(ROOT25("A")
        "<Patient><Item naaccrNum=\"1\" naaccrId=\"patientIdNumber\">00000001</Item>"
        "<Item naaccrId=\"nameLast\" naaccrNum=\"2230\">Smith</Item></Patient></NaaccrData>");
    g_assert_cmpuint(c->problems->len, ==, 1);
    assert_problem(c, 0, CRTK_PROBLEM_WRONG_NUMBER, CRTK_SEVERITY_ERROR, 2, 10, "patientIdNumber",
                   "naaccrNum 1 does not match patientIdNumber, which is item 20");
    collected_free(c);
}

static const char with_extensions[] = ROOT25("A")
    "<Item naaccrId=\"registryId\">0000012345</Item>\n"
    "<x:Root xmlns:x=\"urn:ext\" a=\"1\">root <x:b/></x:Root>\n"
    "<Patient>\n"
    "  <Item naaccrId=\"patientIdNumber\">00000001</Item>\n"
    "  <other:MyOuterTag xmlns:other=\"urn:other\"><other:MyInnerTag>A &amp; B</other:MyInnerTag></other:MyOuterTag>\n"
    "  <Tumor>\n"
    "    <Item naaccrId=\"primarySite\">C509</Item>\n"
    "    <y:T xmlns:y=\"urn:y\"><![CDATA[<cdata>]]></y:T>\n"
    "  </Tumor>\n"
    "</Patient>\n"
    "</NaaccrData>";

static void test_extensions_kept(void)
{
    collected *c = read_xml(with_extensions);
    g_assert_cmpuint(c->problems->len, ==, 0);
    g_assert_cmpstr(c->root_ext, ==, "<x:Root xmlns:x=\"urn:ext\" a=\"1\">root <x:b/></x:Root>");
    g_assert_cmpstr(value(c, 0, "ext"), ==,
                    "<other:MyOuterTag xmlns:other=\"urn:other\"><other:MyInnerTag>A &amp; B</other:MyInnerTag>"
                    "</other:MyOuterTag>");
    g_assert_cmpstr(value(c, 0, "T1.ext"), ==, "<y:T xmlns:y=\"urn:y\"><![CDATA[<cdata>]]></y:T>");
    g_assert_cmpstr(value(c, 0, "T1.primarySite"), ==, "C509");
    collected_free(c);

    crtk_read_options o;
    crtk_read_options_init(&o);
    o.skip_extensions = TRUE;
    c = read_with(with_extensions, &o);
    g_assert_cmpuint(c->problems->len, ==, 0);
    g_assert_null(c->root_ext);
    g_assert_null(value(c, 0, "ext"));
    g_assert_null(value(c, 0, "T1.ext"));
    g_assert_cmpstr(value(c, 0, "T1.primarySite"), ==, "C509");
    collected_free(c);
}

static void test_structure_problems(void)
{
    collected *c = read_xml(ROOT25("A")
        "<Patient a=\"1\">\n"
        "  <Tumor><Item naaccrId=\"primarySite\">C509</Item></Tumor>\n"
        "  <Item naaccrId=\"patientIdNumber\">00000001</Item>\n"
        "  stray text\n"
        "  <Tumour/>\n"
        "  <Item naaccrId=\"nameLast\">a<b>c</b></Item>\n"
        "  <Item naaccrNum=\"20\">x</Item>\n"
        "</Patient></NaaccrData>");
    g_assert_cmpint(c->result, ==, 0);
    g_assert_cmpuint(c->problems->len, ==, 8);
    assert_problem(c, 0, CRTK_PROBLEM_STRUCTURE, CRTK_SEVERITY_ERROR, 2, 10, NULL, "<Patient> has no attributes");
    /* Each Item after a Tumor is out of order. */
    assert_problem(c, 1, CRTK_PROBLEM_STRUCTURE, CRTK_SEVERITY_ERROR, 4, 3, NULL, "Items must come before the Tumors");
    assert_problem(c, 2, CRTK_PROBLEM_STRUCTURE, CRTK_SEVERITY_ERROR, 0, 0, NULL, "unexpected text \"");
    assert_problem(c, 3, CRTK_PROBLEM_STRUCTURE, CRTK_SEVERITY_ERROR, 6, 3, NULL, "unknown element <Tumour> in Patient");
    assert_problem(c, 4, CRTK_PROBLEM_STRUCTURE, CRTK_SEVERITY_ERROR, 7, 3, NULL, "Items must come before the Tumors");
    assert_problem(c, 5, CRTK_PROBLEM_STRUCTURE, CRTK_SEVERITY_ERROR, 7, 30, NULL, "an Item holds only text, not <b>");
    assert_problem(c, 6, CRTK_PROBLEM_STRUCTURE, CRTK_SEVERITY_ERROR, 8, 3, NULL, "Items must come before the Tumors");
    assert_problem(c, 7, CRTK_PROBLEM_STRUCTURE, CRTK_SEVERITY_ERROR, 8, 3, NULL, "Item without naaccrId");
    g_assert_nonnull(strstr(problem_at(c, 2)->message, "stray text"));
    collected_free(c);
}

static void test_fatal_problems(void)
{
    collected *c = read_xml(ROOT25("A") "<Patient>\n<Item naaccrId=\"patientIdNumber\">1</Itm>\n</Patient></NaaccrData>");
    g_assert_cmpint(c->result, ==, -1);
    g_assert_true(c->stats.fatal);
    g_assert_cmpuint(c->patients->len, ==, 0);
    guint last = c->problems->len - 1;
    assert_problem(c, last, CRTK_PROBLEM_SYNTAX, CRTK_SEVERITY_FATAL, 3, 35, NULL, "not well-formed XML: end tag </Itm>");
    collected_free(c);

    c = read_xml("<Naaccr " NS "/>");
    g_assert_cmpint(c->result, ==, -1);
    assert_problem(c, 0, CRTK_PROBLEM_STRUCTURE, CRTK_SEVERITY_FATAL, 1, 1, NULL, "root element must be NaaccrData");
    g_assert_cmpint(c->headers, ==, 0);
    collected_free(c);

    c = read_xml("<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-990.xml\" "
                 "recordType=\"A\" " NS "/>");
    g_assert_cmpint(c->result, ==, -1);
    assert_problem(c, 0, CRTK_PROBLEM_DICTIONARY, CRTK_SEVERITY_FATAL, 1, 1, NULL, "naaccr-dictionary-990.xml");
    collected_free(c);

    c = read_xml("<NaaccrData recordType=\"A\" " NS "/>");
    g_assert_cmpint(c->result, ==, -1);
    assert_problem(c, 0, CRTK_PROBLEM_ROOT_ATTRIBUTE, CRTK_SEVERITY_FATAL, 1, 1, NULL, "baseDictionaryUri");
    collected_free(c);

    c = read_xml("<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" "
                 "recordType=\"A\" xmlns=\"urn:not-naaccr\"/>");
    g_assert_cmpint(c->result, ==, -1);
    assert_problem(c, 0, CRTK_PROBLEM_NAMESPACE, CRTK_SEVERITY_FATAL, 1, 1, NULL, "urn:not-naaccr");
    collected_free(c);
}

static const char bad_root[] = "<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" "
                               "recordType=\"X\" specificationVersion=\"2.0\" timeGenerated=\"yesterday\" " NS "/>";

static void test_root_attributes(void)
{
    collected *c = read_xml(bad_root);
    g_assert_cmpint(c->result, ==, 0);
    g_assert_cmpuint(c->problems->len, ==, 3);
    assert_problem(c, 0, CRTK_PROBLEM_ROOT_ATTRIBUTE, CRTK_SEVERITY_ERROR, 1, 1, NULL, "recordType X");
    assert_problem(c, 1, CRTK_PROBLEM_ROOT_ATTRIBUTE, CRTK_SEVERITY_ERROR, 1, 1, NULL, "specificationVersion 2.0");
    assert_problem(c, 2, CRTK_PROBLEM_ROOT_ATTRIBUTE, CRTK_SEVERITY_ERROR, 1, 1, NULL, "timeGenerated yesterday");
    collected_free(c);

    c = read_xml("<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" "
                 "recordType=\"C\" " NS "/>");
    g_assert_cmpuint(c->problems->len, ==, 1);
    assert_problem(c, 0, CRTK_PROBLEM_ROOT_ATTRIBUTE, CRTK_SEVERITY_WARNING, 1, 1, NULL, "no specificationVersion");
    g_assert_cmpint(c->stats.errors, ==, 0);
    collected_free(c);
}

/* ---- handlers that stop the reader ---------------------------------------------------- */

static void test_handler_abort(void)
{
    collected *c = collected_new();
    c->abort_after_patients = 1;
    read_into(c, two_patients, strlen(two_patients), NULL);
    g_assert_cmpint(c->result, ==, 1);
    g_assert_true(c->stats.aborted);
    g_assert_cmpuint(c->patients->len, ==, 1);
    g_assert_cmpint(c->stats.patients, ==, 1);
    g_assert_cmpint(c->stats.bytes, <, (long long)strlen(two_patients));
    collected_free(c);

    /* A problem handler can stop the reading too, and is not called again after it said stop
       (regression: the patient's held problems were all delivered after the first said stop). */
    c = collected_new();
    c->abort_after_problems = 1;
    read_into(c, bad_values, strlen(bad_values), NULL);
    g_assert_cmpint(c->result, ==, 1);
    g_assert_true(c->stats.aborted);
    g_assert_cmpuint(c->problems->len, ==, 1);
    g_assert_cmpuint(c->patients->len, ==, 0);
    collected_free(c);
    c = collected_new();
    c->abort_after_problems = 2;
    read_into(c, bad_root, sizeof bad_root - 1, NULL);
    g_assert_cmpint(c->result, ==, 1);
    g_assert_cmpuint(c->problems->len, ==, 2);
    g_assert_cmpint(c->headers, ==, 0);
    collected_free(c);
}

static int abort_header(const crtk_header *h, void *user)
{
    (void)h;
    (*(int *)user)++;
    return CRTK_ABORT;
}

static int count_patient(crtk_record *r, void *user)
{
    (void)r;
    (*(int *)user) += 100;
    return CRTK_CONTINUE;
}

static void test_header_abort(void)
{
    int calls = 0;
    crtk_in *in = crtk_in_open_memory(two_patients, strlen(two_patients));
    crtk_read_handlers h = {abort_header, count_patient, NULL};
    crtk_read_stats st;
    g_assert_cmpint(crtk_naaccr_xml_read(in, "t.xml", NULL, &h, &calls, &st), ==, 1);
    g_assert_cmpint(calls, ==, 1);
    g_assert_true(st.aborted);
    crtk_in_close(in);
}

/* ---- user dictionaries ------------------------------------------------------------------- */

static const char state_dictionary[] =
    "<NaaccrDictionary dictionaryUri=\"urn:state:dict\" naaccrVersion=\"250\" specificationVersion=\"1.8\" " NS ">\n"
    "  <ItemDefs>\n"
    "    <ItemDef naaccrId=\"stateCaseNumber\" naaccrNum=\"9500\" naaccrName=\"State Case Number\" "
    "parentXmlElement=\"Tumor\" length=\"10\" dataType=\"digits\" recordTypes=\"A,M,C,I\"/>\n"
    "  </ItemDefs>\n"
    "</NaaccrDictionary>\n";

static const char names_state_dictionary[] =
    "<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" "
    "userDictionaryUri=\"urn:state:dict\" recordType=\"I\" specificationVersion=\"1.8\" " NS ">\n"
    "<Patient><Tumor>\n"
    "  <Item naaccrId=\"primarySite\">C509</Item>\n"
    "  <Item naaccrId=\"stateCaseNumber\">0000000042</Item>\n"
    "</Tumor></Patient></NaaccrData>";

static void test_user_dictionary_given(void)
{
    GError *error = NULL;
    crtk_user_dictionary *ud =
        crtk_user_dictionary_parse(state_dictionary, strlen(state_dictionary), "state.xml", NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(ud);
    crtk_read_options o;
    crtk_read_options_init(&o);
    o.user_dictionaries = g_ptr_array_new();
    g_ptr_array_add(o.user_dictionaries, ud);
    collected *c = read_with(names_state_dictionary, &o);
    g_assert_cmpuint(c->problems->len, ==, 0);
    g_assert_cmpstr(value(c, 0, "T1.stateCaseNumber"), ==, "0000000042");
    collected_free(c);
    g_ptr_array_free(o.user_dictionaries, TRUE);
    crtk_user_dictionary_free(ud);
}

static void test_user_dictionary_missing(void)
{
    /* Named but not given, and an item needs it: an error that names the dictionary. */
    collected *c = read_xml(names_state_dictionary);
    g_assert_cmpuint(c->problems->len, ==, 1);
    assert_problem(c, 0, CRTK_PROBLEM_UNKNOWN_ITEM, CRTK_SEVERITY_ERROR, 4, 3, "stateCaseNumber",
                   "names user dictionary urn:state:dict, which crtk was not given");
    collected_free(c);

    /* Named but not given, and no item needs it (as in the validity sample valid_standard-file-2.xml):
       only a warning, the file is valid. */
    c = read_xml("<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" "
                 "userDictionaryUri=\"whatever\" recordType=\"I\" specificationVersion=\"1.8\" " NS ">"
                 "<Patient><Item naaccrId=\"patientIdNumber\">00000001</Item></Patient></NaaccrData>");
    g_assert_cmpint(c->result, ==, 0);
    g_assert_cmpint(c->stats.errors, ==, 0);
    g_assert_cmpuint(c->problems->len, ==, 1);
    assert_problem(c, 0, CRTK_PROBLEM_DICTIONARY, CRTK_SEVERITY_WARNING, 0, 0, NULL,
                   "names user dictionary whatever, which crtk was not given; no item in the file needed it");
    collected_free(c);
}

/* ---- relaxed namespace mode --------------------------------------------------------------- */

static void test_relaxed_namespace(void)
{
    const char *xml = "<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" "
                      "recordType=\"I\" specificationVersion=\"1.8\" extra=\"1\" p:other=\"2\">"
                      "<Patient><Item naaccrId=\"patientIdNumber\">00000001</Item></Patient></NaaccrData>";
    collected *c = read_xml(xml);
    g_assert_cmpint(c->stats.errors, ==, 3);
    assert_problem(c, 0, CRTK_PROBLEM_NAMESPACE, CRTK_SEVERITY_ERROR, 1, 1, NULL, "not in the NAACCR namespace");
    assert_problem(c, 1, CRTK_PROBLEM_ROOT_ATTRIBUTE, CRTK_SEVERITY_ERROR, 1, 0, NULL, "extra");
    assert_problem(c, 2, CRTK_PROBLEM_ROOT_ATTRIBUTE, CRTK_SEVERITY_ERROR, 1, 0, NULL, "not declared");
    collected_free(c);
    crtk_read_options o;
    crtk_read_options_init(&o);
    o.relaxed_namespace = TRUE;
    c = read_with(xml, &o);
    g_assert_cmpint(c->stats.errors, ==, 0);
    g_assert_cmpint(c->stats.warnings, ==, 3);
    g_assert_cmpstr(value(c, 0, "patientIdNumber"), ==, "00000001");
    collected_free(c);
}

/* ---- what the writer writes, the reader reads back --------------------------------------- */

typedef struct {
    const char *id;
    const char *value;
    int tumor; /* 0 = patient */
} set_value;

static void test_writer_round_trip(void)
{
    GError *error = NULL;
    crtk_dictionary *d = crtk_dictionary_new(250, &error);
    g_assert_no_error(error);
    static const set_value values[] = {
        {"patientIdNumber", "00000042", 0},
        {"nameLast", "O'Brien & <Sons> \"Ltd\"", 0},
        {"nameFirst", "Zo\xC3\xAB \xE6\x9D\x8E \xE2\x82\xAC", 0},
        {"dateOfBirth", "19600131", 0},
        {"primarySite", "C509", 1},
        {"tumorRecordNumber", "01", 1},
        {"textRemarks", "line1\r\nline2\rline3\n  indented  & <tag> ]]> end \t tab", 1},
        {"textStaging", "   leading and trailing blanks   ", 1},
        {"primarySite", "C180", 2},
        {"textRemarks", "a\x07" "b", 2},
    };
    crtk_header *h = crtk_header_new(d, CRTK_RT_A);
    g_assert_true(crtk_element_set_id(&h->root, d, "registryId", "0000012345"));
    crtk_record *r = crtk_record_new(d);
    crtk_element *tumors[3] = {&r->patient, crtk_record_add_tumor(r), crtk_record_add_tumor(r)};
    for (guint i = 0; i < G_N_ELEMENTS(values); i++)
        g_assert_true(crtk_element_set_id(tumors[values[i].tumor], d, values[i].id, values[i].value));

    GString *out = g_string_new(NULL);
    crtk_writer *w = crtk_writer_open_out(crtk_out_open_string(out), d, h, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(crtk_writer_write(w, r, &error));
    g_assert_true(crtk_writer_write(w, r, &error));
    g_assert_no_error(error);
    /* The BEL byte cannot be written in XML 1.0: left out and counted, once per record written. */
    g_assert_cmpint(w->removed_controls, ==, 2);
    g_assert_true(crtk_writer_close(w, &error));
    g_assert_no_error(error);

    g_test_message("%s", out->str);
    g_assert_nonnull(strstr(out->str, "specificationVersion=\"1.8\""));
    g_assert_nonnull(strstr(out->str, "line1&#13;\nline2&#13;line3"));
    g_assert_nonnull(strstr(out->str, "O'Brien &amp; &lt;Sons&gt; \"Ltd\""));
    g_assert_null(strchr(out->str, '\x07'));

    collected *c = collected_new();
    read_into(c, out->str, out->len, NULL);
    g_assert_cmpint(c->result, ==, 0);
    g_assert_cmpuint(c->problems->len, ==, 0);
    g_assert_cmpint(c->headers, ==, 1);
    g_assert_cmpuint(c->record_type, ==, CRTK_RT_A);
    g_assert_cmpstr(c->spec, ==, "1.8");
    g_assert_cmpstr(g_hash_table_lookup(c->root, "registryId"), ==, "0000012345");
    g_assert_cmpuint(c->patients->len, ==, 2);
    for (int p = 0; p < 2; p++) {
        g_assert_cmpstr(value(c, p, "tumors"), ==, "2");
        for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
            char *key = values[i].tumor ? g_strdup_printf("T%d.%s", values[i].tumor, values[i].id)
                                        : g_strdup(values[i].id);
            const char *want = strchr(values[i].value, '\x07') ? "ab" : values[i].value;
            g_assert_cmpstr(value(c, p, key), ==, want);
            g_free(key);
        }
        /* Nothing more than what was set. */
        g_assert_cmpuint(g_hash_table_size(g_ptr_array_index(c->patients, p)), ==, G_N_ELEMENTS(values) + 2);
    }
    collected_free(c);
    g_string_free(out, TRUE);
    crtk_record_free(r);
    crtk_header_free(h);
    crtk_dictionary_unref(d);
}

static void test_writer_extensions_round_trip(void)
{
    /* Read a file with extensions, write it, read it again: the extensions survive. */
    collected *first = read_xml(with_extensions);
    g_assert_cmpuint(first->problems->len, ==, 0);
    GError *error = NULL;
    crtk_dictionary *d = crtk_dictionary_new(250, &error);
    crtk_record *r = crtk_record_new(d);
    crtk_element_set_id(&r->patient, d, "patientIdNumber", "00000001");
    crtk_element_add_extension(&r->patient, value(first, 0, "ext"), strlen(value(first, 0, "ext")));
    crtk_element *t = crtk_record_add_tumor(r);
    crtk_element_set_id(t, d, "primarySite", "C509");
    crtk_element_add_extension(t, value(first, 0, "T1.ext"), strlen(value(first, 0, "T1.ext")));
    GString *out = g_string_new(NULL);
    crtk_writer *w = crtk_writer_open_out(crtk_out_open_string(out), d, NULL, NULL, &error);
    g_assert_nonnull(w);
    g_assert_true(crtk_writer_write(w, r, &error));
    g_assert_true(crtk_writer_close(w, &error));
    g_assert_no_error(error);
    collected *second = collected_new();
    read_into(second, out->str, out->len, NULL);
    g_assert_cmpuint(second->problems->len, ==, 0);
    g_assert_cmpstr(value(second, 0, "ext"), ==, value(first, 0, "ext"));
    g_assert_cmpstr(value(second, 0, "T1.ext"), ==, value(first, 0, "T1.ext"));
    collected_free(second);
    collected_free(first);
    g_string_free(out, TRUE);
    crtk_record_free(r);
    crtk_dictionary_unref(d);
}

/* ---- streaming: memory does not grow with the file -------------------------------------- */

static int count_only(crtk_record *r, void *user)
{
    (*(long *)user) += r->n_tumors;
    /* Values read on the fast path and across buffer refills are exact. */
    char want[16];
    g_snprintf(want, sizeof want, "%08ld", r->ordinal - 1);
    g_assert_cmpstr(crtk_record_patient_id(r), ==, want);
    g_assert_cmpint(r->n_tumors, ==, 2);
    g_snprintf(want, sizeof want, "C%03ld", (r->ordinal - 1) % 1000);
    g_assert_cmpstr(crtk_element_get_id(&r->tumors[0], r->dict, "primarySite"), ==, want);
    g_snprintf(want, sizeof want, "C%03ld", r->ordinal % 1000);
    g_assert_cmpstr(crtk_element_get_id(&r->tumors[1], r->dict, "primarySite"), ==, want);
    g_assert_cmpstr(crtk_element_get_id(&r->tumors[1], r->dict, "textRemarks"), ==, "caf\xC3\xA9 & co");
    return CRTK_CONTINUE;
}

static void test_many_patients(void)
{
    GString *s = g_string_new(ROOT25("A"));
    const int n = 5000;
    for (int i = 0; i < n; i++)
        g_string_append_printf(s,
                               "<Patient><Item naaccrId=\"patientIdNumber\">%08d</Item>"
                               "<Tumor><Item naaccrId=\"primarySite\">C%03d</Item></Tumor>"
                               "<Tumor><Item naaccrId=\"primarySite\">C%03d</Item>"
                               "<Item naaccrId=\"textRemarks\">caf\xC3\xA9 &amp; co</Item></Tumor></Patient>\n",
                               i, i % 1000, (i + 1) % 1000);
    g_string_append(s, "</NaaccrData>\n");
    crtk_in *in = crtk_in_open_memory(s->str, s->len);
    long tumors = 0;
    crtk_read_handlers h = {NULL, count_only, NULL};
    crtk_read_stats st;
    g_assert_cmpint(crtk_naaccr_xml_read(in, "many.xml", NULL, &h, &tumors, &st), ==, 0);
    g_assert_cmpint(st.patients, ==, n);
    g_assert_cmpint(st.tumors, ==, 2 * n);
    g_assert_cmpint(tumors, ==, 2 * n);
    g_assert_cmpint(st.errors, ==, 0);
    g_assert_cmpuint(s->len, >, 3u * 256 * 1024);
    crtk_in_close(in);
    g_string_free(s, TRUE);
}

static void test_fast_path_checks(void)
{
    /* Regression: the fast path for plain <Item naaccrId="ID">VALUE</Item> took an id with bytes
       that are not UTF-8 and reported an unknown item instead of a file that is not well-formed. */
    collected *c = read_xml(ROOT25("A") "<Patient><Item naaccrId=\"x\xFF\xC3\">00000001</Item></Patient></NaaccrData>");
    g_assert_cmpint(c->result, ==, -1);
    g_assert_cmpuint(c->problems->len, ==, 1);
    assert_problem(c, 0, CRTK_PROBLEM_SYNTAX, CRTK_SEVERITY_FATAL, 2, 27, NULL, "invalid UTF-8 byte 0xFF");
    collected_free(c);
    /* An Item in another default namespace is an extension, not an item. */
    c = read_xml(ROOT25("A") "<Patient><x:E xmlns:x=\"urn:x\"><Item xmlns=\"urn:x\" naaccrId=\"patientIdNumber\">1</Item>"
                 "</x:E><Item naaccrId=\"patientIdNumber\">00000001</Item></Patient></NaaccrData>");
    g_assert_cmpint(c->result, ==, 0);
    g_assert_cmpuint(c->problems->len, ==, 1);
    assert_problem(c, 0, CRTK_PROBLEM_STRUCTURE, CRTK_SEVERITY_ERROR, 2, 0, NULL, "Items must come before");
    g_assert_cmpstr(value(c, 0, "patientIdNumber"), ==, "00000001");
    collected_free(c);
    /* The NAACCR namespace by a prefix, items without it: not NAACCR items. */
    c = read_xml("<n:NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" "
                 "recordType=\"A\" specificationVersion=\"1.8\" xmlns:n=\"http://naaccr.org/naaccrxml\">"
                 "<n:Patient><Item naaccrId=\"patientIdNumber\">00000001</Item>"
                 "<n:Item naaccrId=\"nameLast\">Smith</n:Item></n:Patient></n:NaaccrData>");
    g_assert_cmpuint(c->problems->len, ==, 2);
    assert_problem(c, 0, CRTK_PROBLEM_NAMESPACE, CRTK_SEVERITY_ERROR, 1, 180, NULL, "<Item> has no namespace");
    assert_problem(c, 1, CRTK_PROBLEM_STRUCTURE, CRTK_SEVERITY_ERROR, 1, 228, NULL, "Items must come before");
    g_assert_null(value(c, 0, "patientIdNumber"));
    g_assert_cmpstr(value(c, 0, "nameLast"), ==, "Smith");
    collected_free(c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xml_reader/counts-and-header", test_counts_and_header);
    g_test_add_func("/xml_reader/values-exact", test_values_exact);
    g_test_add_func("/xml_reader/header-without-patients", test_header_without_patients);
    g_test_add_func("/xml_reader/unknown-item", test_unknown_item);
    g_test_add_func("/xml_reader/wrong-level", test_wrong_level);
    g_test_add_func("/xml_reader/record-type-filtering", test_record_type_filtering);
    g_test_add_func("/xml_reader/duplicate-item", test_duplicate_item);
    g_test_add_func("/xml_reader/value-checks", test_value_checks);
    g_test_add_func("/xml_reader/value-checks-off", test_value_checks_off);
    g_test_add_func("/xml_reader/wrong-number", test_wrong_number);
    g_test_add_func("/xml_reader/extensions-kept", test_extensions_kept);
    g_test_add_func("/xml_reader/structure-problems", test_structure_problems);
    g_test_add_func("/xml_reader/fatal-problems", test_fatal_problems);
    g_test_add_func("/xml_reader/root-attributes", test_root_attributes);
    g_test_add_func("/xml_reader/handler-abort", test_handler_abort);
    g_test_add_func("/xml_reader/header-abort", test_header_abort);
    g_test_add_func("/xml_reader/user-dictionary-given", test_user_dictionary_given);
    g_test_add_func("/xml_reader/user-dictionary-missing", test_user_dictionary_missing);
    g_test_add_func("/xml_reader/relaxed-namespace", test_relaxed_namespace);
    g_test_add_func("/xml_reader/writer-round-trip", test_writer_round_trip);
    g_test_add_func("/xml_reader/writer-extensions-round-trip", test_writer_extensions_round_trip);
    g_test_add_func("/xml_reader/many-patients", test_many_patients);
    g_test_add_func("/xml_reader/fast-path-checks", test_fast_path_checks);
    return g_test_run();
}
