/* test_csv.c — the CSV reader and writer (registry/naaccr_csv.c).
 *
 * Records are built in code, written as CSV to memory, read back and compared;
 * CSV text is also written by hand to test quoting, the header row and what
 * the reader reports (line, column, patient and item of problems).
 */
#include "naaccr_write.h"
#include "test_util.h"

#include <string.h>

/* ---- helpers -------------------------------------------------------------------- */

/* crtk_element_set_id that must succeed (the item exists in the dictionary). */
static void set_id(crtk_element *e, const crtk_dictionary *d, const char *id, const char *value)
{
    if (!crtk_element_set_id(e, d, id, value))
        g_error("NAACCR %d has no item %s", crtk_dictionary_version(d), id);
}

typedef struct {
    crtk_problem_code code;
    crtk_severity severity;
    long line, column, patient;
    int tumor;
    char *patient_id, *item, *message;
} seen_problem;

typedef struct {
    GPtrArray *records;
    GArray *problems;
    crtk_header *header;
    int header_calls;
    int patients_before_header;
    crtk_read_stats stats;
    int rc;
} result;

static int on_header(const crtk_header *h, void *user)
{
    result *r = user;
    r->header_calls++;
    r->patients_before_header = (int)r->records->len;
    if (!r->header)
        r->header = crtk_header_copy(h);
    return CRTK_CONTINUE;
}

static int on_patient(crtk_record *rec, void *user)
{
    result *r = user;
    crtk_record *c = crtk_record_new(rec->dict);
    crtk_record_copy(c, rec);
    g_ptr_array_add(r->records, c);
    return CRTK_CONTINUE;
}

static int on_problem(const crtk_problem *p, void *user)
{
    result *r = user;
    seen_problem s = {p->code, p->severity, p->line, p->column, p->patient, p->tumor,
                      g_strdup(p->patient_id), g_strdup(p->item), g_strdup(p->message)};
    g_array_append_val(r->problems, s);
    if (g_test_verbose()) {
        char *t = crtk_problem_format(p);
        g_test_message("%s", t);
        g_free(t);
    }
    return CRTK_CONTINUE;
}

static void result_clear(result *r)
{
    g_ptr_array_free(r->records, TRUE);
    for (guint i = 0; i < r->problems->len; i++) {
        seen_problem *p = &g_array_index(r->problems, seen_problem, i);
        g_free(p->patient_id), g_free(p->item), g_free(p->message);
    }
    g_array_free(r->problems, TRUE);
    crtk_header_free(r->header);
}

static void read_csv_len(const char *data, size_t len, const crtk_read_options *o, result *r)
{
    memset(r, 0, sizeof *r);
    r->records = g_ptr_array_new_with_free_func((GDestroyNotify)crtk_record_free);
    r->problems = g_array_new(FALSE, TRUE, sizeof(seen_problem));
    crtk_read_handlers h = {on_header, on_patient, on_problem};
    crtk_in *in = crtk_in_open_memory(data, len);
    g_assert_nonnull(in);
    r->rc = crtk_naaccr_csv_read(in, "test.csv", o, &h, r, &r->stats);
    crtk_in_close(in);
}

static void read_csv(const char *text, const crtk_read_options *o, result *r)
{
    read_csv_len(text, strlen(text), o, r);
}

#define RECORD(res, i) ((crtk_record *)g_ptr_array_index((res)->records, (i)))
#define PROBLEM(res, i) (&g_array_index((res)->problems, seen_problem, (i)))

static int count_problems(const result *r, crtk_problem_code code)
{
    int n = 0;
    for (guint i = 0; i < r->problems->len; i++)
        if (g_array_index(r->problems, seen_problem, i).code == code)
            n++;
    return n;
}

static const char *pval(const crtk_record *r, const char *id)
{
    return crtk_element_get_id(&r->patient, r->dict, id);
}

static const char *tval(const crtk_record *r, int t, const char *id)
{
    g_assert_cmpint(t, <, r->n_tumors);
    return crtk_element_get_id(&r->tumors[t], r->dict, id);
}

static const char *hval(const result *r, const char *id)
{
    return crtk_element_get_id(&r->header->root, r->header->dict, id);
}

static GString *write_csv(crtk_dictionary *d, const crtk_header *header, unsigned rt, const char *columns,
                          crtk_record **recs, int n, GError **error)
{
    GString *s = g_string_new(NULL);
    crtk_write_options o;
    crtk_write_options_init(&o);
    o.format = CRTK_FORMAT_CSV;
    o.record_type = rt;
    o.csv_columns = columns;
    crtk_writer *w = crtk_writer_open_out(crtk_out_open_string(s), d, header, &o, error);
    if (!w) {
        g_string_free(s, TRUE);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        if (!crtk_writer_write(w, recs[i], error)) {
            crtk_writer_abandon(w);
            g_string_free(s, TRUE);
            return NULL;
        }
    if (!crtk_writer_close(w, error)) {
        g_string_free(s, TRUE);
        return NULL;
    }
    return s;
}

static void assert_elements_equal(const crtk_dictionary *d, const crtk_element *a, const crtk_element *b,
                                  const char *what)
{
    for (int i = 0; i < crtk_dictionary_count(d); i++) {
        const char *x = crtk_element_get(a, i, NULL), *y = crtk_element_get(b, i, NULL);
        if (g_strcmp0(x, y) != 0)
            g_error("%s: item %s differs: \"%s\" vs \"%s\"", what, crtk_dictionary_item(d, i)->id, x ? x : "(absent)",
                    y ? y : "(absent)");
    }
}

static void assert_records_equal(const crtk_record *a, const crtk_record *b)
{
    assert_elements_equal(a->dict, &a->patient, &b->patient, "patient");
    g_assert_cmpint(a->n_tumors, ==, b->n_tumors);
    for (int t = 0; t < a->n_tumors; t++)
        assert_elements_equal(a->dict, &a->tumors[t], &b->tumors[t], "tumor");
}

/* Item 220 Sex became sexAssignedAtBirth (#225) in NAACCR 26. */
#define SEX(d) (crtk_dictionary_find((d), "sex") ? "sex" : "sexAssignedAtBirth")

static crtk_dictionary *dict(int version)
{
    GError *e = NULL;
    crtk_dictionary *d = crtk_dictionary_new(version, &e);
    g_assert_no_error(e);
    return d;
}

static char *first_line(const GString *s)
{
    const char *nl = strchr(s->str, '\n');
    g_assert_nonnull(nl);
    return g_strndup(s->str, (gsize)(nl - s->str));
}

/* Three patients: two tumors, no tumor, one tumor; values that need quoting. */
static void make_patients(crtk_dictionary *d, crtk_record **recs)
{
    for (int p = 0; p < 3; p++)
        recs[p] = crtk_record_new(d);
    set_id(&recs[0]->patient, d, "patientIdNumber", "00000001");
    set_id(&recs[0]->patient, d, SEX(d), "2");
    set_id(&recs[0]->patient, d, "dateOfBirth", "19500101");
    crtk_element *t = crtk_record_add_tumor(recs[0]);
    set_id(t, d, "primarySite", "C500");
    set_id(t, d, "dateOfDiagnosis", "20200115");
    set_id(t, d, "sequenceNumberCentral", "01");
    t = crtk_record_add_tumor(recs[0]);
    set_id(t, d, "primarySite", "C340");
    set_id(t, d, "sequenceNumberCentral", "02");
    set_id(t, d, "addrAtDxCity", "SMALLVILLE, \"NORTH\"");
    set_id(&recs[1]->patient, d, "patientIdNumber", "00000002");
    set_id(&recs[1]->patient, d, SEX(d), "1");
    set_id(&recs[2]->patient, d, "patientIdNumber", "00000003");
    set_id(&recs[2]->patient, d, SEX(d), "1");
    t = crtk_record_add_tumor(recs[2]);
    set_id(t, d, "primarySite", "C180");
    set_id(t, d, "addrAtDxCity", "  PADDED  ");
}

/* ---- writing and round trips ----------------------------------------------------- */

static void roundtrip(int version, unsigned rt, gboolean give_version)
{
    crtk_dictionary *d = dict(version);
    crtk_header *h = crtk_header_new(d, rt);
    set_id(&h->root, d, "registryId", "0000012345");
    set_id(&h->root, d, "registryType", "1");
    crtk_record *recs[3];
    make_patients(d, recs);
    GError *e = NULL;
    GString *s = write_csv(d, h, rt, NULL, recs, 3, &e);
    g_assert_no_error(e);

    /* Header row: every item of the record type; NaaccrData, then Patient, then Tumor items. */
    char *head = first_line(s);
    gchar **cols = g_strsplit(head, ",", -1);
    int expect = 0;
    for (int i = 0; i < crtk_dictionary_count(d); i++)
        if (crtk_dictionary_item(d, i)->record_types & rt)
            expect++;
    g_assert_cmpint((int)g_strv_length(cols), ==, expect);
    int last_level = 0;
    for (int i = 0; cols[i]; i++) {
        const crtk_item *it = crtk_dictionary_find(d, cols[i]);
        g_assert_nonnull(it);
        g_assert_cmpint((int)it->level, >=, last_level);
        g_assert_true(it->record_types & rt);
        last_level = (int)it->level;
    }
    g_assert_cmpint(last_level, ==, CRTK_LEVEL_TUMOR);
    g_strfreev(cols);
    g_free(head);
    /* One row per tumor, one for the patient without tumors: header + 4 rows. */
    int rows = 0;
    for (gsize i = 0; i < s->len; i++)
        rows += s->str[i] == '\n';
    g_assert_cmpint(rows, ==, 5);

    crtk_read_options o;
    crtk_read_options_init(&o);
    if (give_version)
        o.version = version;
    result r;
    read_csv_len(s->str, s->len, &o, &r);
    g_assert_cmpint(r.rc, ==, 0);
    if (r.problems->len)
        g_error("%u problems, first: %s", r.problems->len, PROBLEM(&r, 0)->message);
    g_assert_cmpint(r.header_calls, ==, 1);
    g_assert_cmpint(r.patients_before_header, ==, 0);
    g_assert_cmpint(crtk_dictionary_version(r.header->dict), ==, version);
    g_assert_cmpint(r.header->record_type, ==, rt);
    g_assert_cmpuint(r.records->len, ==, 3);
    g_assert_cmpint(r.stats.tumors, ==, 3);
    g_assert_cmpstr(hval(&r, "registryId"), ==, "0000012345");
    char vtext[8];
    g_snprintf(vtext, sizeof vtext, "%d", version);
    g_assert_cmpstr(hval(&r, "naaccrRecordVersion"), ==, vtext);
    for (int p = 0; p < 3; p++)
        assert_records_equal(recs[p], RECORD(&r, p));

    /* And again to CSV: the same bytes. */
    crtk_record *back[3] = {RECORD(&r, 0), RECORD(&r, 1), RECORD(&r, 2)};
    GString *again = write_csv(r.header->dict, r.header, 0, NULL, back, 3, &e);
    g_assert_no_error(e);
    g_assert_cmpstr(again->str, ==, s->str);
    g_string_free(again, TRUE);
    result_clear(&r);
    g_string_free(s, TRUE);
    for (int p = 0; p < 3; p++)
        crtk_record_free(recs[p]);
    crtk_header_free(h);
    crtk_dictionary_unref(d);
}

static void test_roundtrip(void)
{
    roundtrip(260, CRTK_RT_I, FALSE);
    roundtrip(260, CRTK_RT_A, FALSE);  /* record type from the recordType column */
    roundtrip(180, CRTK_RT_C, FALSE);  /* version from the naaccrRecordVersion column */
    roundtrip(140, CRTK_RT_I, TRUE);
    roundtrip(220, CRTK_RT_M, FALSE);
}

static void test_quoting(void)
{
    crtk_dictionary *d = dict(260);
    crtk_record *r = crtk_record_new(d);
    set_id(&r->patient, d, "patientIdNumber", "00000001");
    set_id(&r->patient, d, "nameLast", "SMITH, JR");       /* a comma */
    set_id(&r->patient, d, "nameFirst", " ANN ");          /* blanks: not quoted, kept */
    set_id(&r->patient, d, "nameMiddle", "O\"NEIL");       /* a quote */
    crtk_element *t = crtk_record_add_tumor(r);
    set_id(t, d, "primarySite", "C500");
    set_id(t, d, "textRemarks", "LINE 1\nLINE 2");          /* LF */
    set_id(t, d, "textDxProcPe", "A\r\nB");                 /* CRLF */
    set_id(t, d, "textDxProcLabTests", "SAYS \"HI, THERE\"\n"); /* all of them */
    set_id(t, d, "textDxProcScopes", "Caf\xc3\xa9");
    GError *e = NULL;
    GString *s = write_csv(d, NULL, CRTK_RT_A,
                           "patientIdNumber,nameLast,nameFirst,nameMiddle,primarySite,textRemarks,textDxProcPe,"
                           "textDxProcLabTests,textDxProcScopes",
                           &r, 1, &e);
    g_assert_no_error(e);
    g_assert_cmpstr(s->str, ==,
                    "patientIdNumber,nameLast,nameFirst,nameMiddle,primarySite,textRemarks,textDxProcPe,"
                    "textDxProcLabTests,textDxProcScopes\n"
                    "00000001,\"SMITH, JR\", ANN ,\"O\"\"NEIL\",C500,\"LINE 1\nLINE 2\",\"A\r\nB\","
                    "\"SAYS \"\"HI, THERE\"\"\n\",Caf\xc3\xa9\n");
    crtk_read_options o;
    crtk_read_options_init(&o);
    o.record_type = CRTK_RT_A;
    result res;
    read_csv_len(s->str, s->len, &o, &res);
    g_assert_cmpuint(res.problems->len, ==, 0);
    g_assert_cmpuint(res.records->len, ==, 1);
    assert_records_equal(r, RECORD(&res, 0));
    g_assert_cmpstr(tval(RECORD(&res, 0), 0, "textDxProcPe"), ==, "A\r\nB");
    g_assert_cmpstr(pval(RECORD(&res, 0), "nameFirst"), ==, " ANN ");
    result_clear(&res);
    g_string_free(s, TRUE);
    crtk_record_free(r);
    crtk_dictionary_unref(d);
}

static void test_columns_option(void)
{
    crtk_dictionary *d = dict(260);
    crtk_record *recs[3];
    make_patients(d, recs);
    GError *e = NULL;
    GString *s = write_csv(d, NULL, CRTK_RT_I, "patientIdNumber, primarySite,dateOfDiagnosis,naaccrRecordVersion", recs,
                           3, &e);
    g_assert_no_error(e);
    g_assert_cmpstr(s->str, ==,
                    "patientIdNumber,primarySite,dateOfDiagnosis,naaccrRecordVersion\n"
                    "00000001,C500,20200115,260\n"
                    "00000001,C340,,260\n"
                    "00000002,,,260\n"
                    "00000003,C180,,260\n");
    g_string_free(s, TRUE);

    /* Unknown, doubled and out-of-record-type columns are refused. */
    s = write_csv(d, NULL, CRTK_RT_I, "patientIdNumber,primarySiet", recs, 3, &e);
    g_assert_null(s);
    g_assert_error(e, CRTK_ERROR, CRTK_ERROR_USAGE);
    g_assert_nonnull(strstr(e->message, "primarySiet"));
    g_assert_nonnull(strstr(e->message, "primarySite"));
    g_clear_error(&e);
    s = write_csv(d, NULL, CRTK_RT_I, "patientIdNumber,nameLast", recs, 3, &e);
    g_assert_null(s);
    g_assert_error(e, CRTK_ERROR, CRTK_ERROR_USAGE);
    g_assert_nonnull(strstr(e->message, "nameLast"));
    g_clear_error(&e);
    s = write_csv(d, NULL, CRTK_RT_I, "dateOfBirth,dateOfBirth", recs, 3, &e);
    g_assert_null(s);
    g_assert_error(e, CRTK_ERROR, CRTK_ERROR_USAGE);
    g_assert_nonnull(strstr(e->message, "twice"));
    g_clear_error(&e);
    for (int p = 0; p < 3; p++)
        crtk_record_free(recs[p]);
    crtk_dictionary_unref(d);
}

static void test_latin1(void)
{
    crtk_dictionary *d = dict(260);
    crtk_record *r = crtk_record_new(d);
    set_id(&r->patient, d, "patientIdNumber", "00000001");
    set_id(&r->patient, d, "nameLast", "M\xfcLLER"); /* Latin-1, not UTF-8 */
    GError *e = NULL;
    GString *s = write_csv(d, NULL, CRTK_RT_C, "patientIdNumber,nameLast", &r, 1, &e);
    g_assert_no_error(e);
    g_assert_cmpstr(s->str, ==, "patientIdNumber,nameLast\n00000001,M\xc3\xbcLLER\n");
    g_string_free(s, TRUE);
    /* Read: a Latin-1 field becomes UTF-8, a UTF-8 one stays. */
    crtk_read_options o;
    crtk_read_options_init(&o);
    o.record_type = CRTK_RT_C;
    result res;
    read_csv("patientIdNumber,nameLast,nameFirst\n00000001,M\xfcLLER,Jos\xc3\xa9\n", &o, &res);
    g_assert_cmpuint(res.problems->len, ==, 0);
    g_assert_cmpstr(pval(RECORD(&res, 0), "nameLast"), ==, "M\xc3\xbcLLER");
    g_assert_cmpstr(pval(RECORD(&res, 0), "nameFirst"), ==, "Jos\xc3\xa9");
    result_clear(&res);
    crtk_record_free(r);
    crtk_dictionary_unref(d);
}

/* ---- reading --------------------------------------------------------------------- */

static void test_unknown_column(void)
{
    const char *text = "patientIdNumber,primarySiet,sexAssignedAtBirth,primarySite\n"
                       "00000001,X,1,C500\n";
    result r;
    read_csv(text, NULL, &r);
    g_assert_cmpint(r.rc, ==, 0);
    g_assert_cmpuint(r.problems->len, ==, 1);
    const seen_problem *p = PROBLEM(&r, 0);
    g_assert_cmpint(p->code, ==, CRTK_PROBLEM_UNKNOWN_ITEM);
    g_assert_cmpint(p->severity, ==, CRTK_SEVERITY_ERROR);
    g_assert_cmpint(p->line, ==, 1);
    g_assert_cmpint(p->column, ==, 2);
    g_assert_cmpstr(p->item, ==, "primarySiet");
    g_assert_nonnull(strstr(p->message, "did you mean primarySite"));
    g_assert_cmpint(r.stats.errors, ==, 1);
    /* The other columns are read. */
    g_assert_cmpuint(r.records->len, ==, 1);
    g_assert_cmpstr(pval(RECORD(&r, 0), "sexAssignedAtBirth"), ==, "1");
    g_assert_cmpstr(tval(RECORD(&r, 0), 0, "primarySite"), ==, "C500");
    result_clear(&r);

    crtk_read_options o;
    crtk_read_options_init(&o);
    o.ignore_unknown = TRUE;
    read_csv(text, &o, &r);
    g_assert_cmpuint(r.problems->len, ==, 1);
    g_assert_cmpint(PROBLEM(&r, 0)->severity, ==, CRTK_SEVERITY_WARNING);
    g_assert_cmpint(r.stats.warnings, ==, 1);
    g_assert_cmpint(r.stats.errors, ==, 0);
    result_clear(&r);

    /* Item numbers are accepted as column names; duplicates and record-type misfits are not. */
    read_csv("20,400,primarySite,nameLast\n00000001,C500,C501,SMITH\n", NULL, &r);
    g_assert_cmpint(count_problems(&r, CRTK_PROBLEM_DUPLICATE_ITEM), ==, 1);
    g_assert_cmpint(count_problems(&r, CRTK_PROBLEM_RECORD_TYPE), ==, 1);
    g_assert_cmpuint(r.problems->len, ==, 2);
    g_assert_cmpint(PROBLEM(&r, 0)->column, ==, 3);
    g_assert_cmpint(PROBLEM(&r, 1)->column, ==, 4);
    g_assert_cmpstr(pval(RECORD(&r, 0), "patientIdNumber"), ==, "00000001");
    g_assert_cmpstr(tval(RECORD(&r, 0), 0, "primarySite"), ==, "C500");
    g_assert_null(pval(RECORD(&r, 0), "nameLast"));
    result_clear(&r);
}

static void test_field_count(void)
{
    const char *text = "patientIdNumber,sexAssignedAtBirth,primarySite\n"
                       "00000001,1,C500\n"
                       "00000002,2,C340,EXTRA\n"
                       "00000003,1\n"
                       "00000004,2,C180\n";
    result r;
    read_csv(text, NULL, &r);
    g_assert_cmpint(r.rc, ==, 0);
    g_assert_cmpuint(r.problems->len, ==, 2);
    g_assert_cmpint(PROBLEM(&r, 0)->code, ==, CRTK_PROBLEM_SYNTAX);
    g_assert_cmpint(PROBLEM(&r, 0)->severity, ==, CRTK_SEVERITY_ERROR);
    g_assert_cmpint(PROBLEM(&r, 0)->line, ==, 3);
    g_assert_nonnull(strstr(PROBLEM(&r, 0)->message, "4 fields"));
    g_assert_cmpint(PROBLEM(&r, 1)->line, ==, 4);
    g_assert_cmpuint(r.records->len, ==, 2);
    g_assert_cmpstr(pval(RECORD(&r, 1), "patientIdNumber"), ==, "00000004");
    g_assert_cmpint(RECORD(&r, 1)->ordinal, ==, 2);
    result_clear(&r);
}

static void test_bad_quoting(void)
{
    result r;
    read_csv("patientIdNumber,sexAssignedAtBirth,primarySite\n"
             "00000001,1,\"C5\"00\n"
             "00000002,2,C3\"40\n"
             "00000003,1,C180\n",
             NULL, &r);
    g_assert_cmpint(r.rc, ==, 0);
    g_assert_cmpint(count_problems(&r, CRTK_PROBLEM_SYNTAX), ==, 2);
    g_assert_cmpint(PROBLEM(&r, 0)->line, ==, 2);
    g_assert_cmpint(PROBLEM(&r, 0)->column, ==, 16);
    g_assert_cmpint(PROBLEM(&r, 1)->line, ==, 3);
    g_assert_cmpuint(r.records->len, ==, 3);
    g_assert_cmpstr(tval(RECORD(&r, 0), 0, "primarySite"), ==, "C500");
    result_clear(&r);

    /* A quote never closed swallows the rest of the file: fatal, naming the line where it opened. */
    read_csv("patientIdNumber,sexAssignedAtBirth,primarySite\n"
             "00000001,1,C500\n"
             "00000002,2,\"C340\n"
             "00000003,1,C180\n",
             NULL, &r);
    g_assert_cmpint(r.rc, ==, -1);
    g_assert_true(r.stats.fatal);
    g_assert_cmpuint(r.problems->len, ==, 1);
    g_assert_cmpint(PROBLEM(&r, 0)->severity, ==, CRTK_SEVERITY_FATAL);
    g_assert_cmpint(PROBLEM(&r, 0)->line, ==, 3);
    g_assert_nonnull(strstr(PROBLEM(&r, 0)->message, "never closed"));
    g_assert_cmpuint(r.records->len, ==, 0); /* reading stopped before the first patient was complete */
    result_clear(&r);
}

static void test_bom_crlf_and_line_numbers(void)
{
    result r;
    read_csv("\xef\xbb\xbfpatientIdNumber,addrAtDxCity,dateOfDiagnosis\r\n"
             "00000001,\"TWO\r\nLINES\",20200101\r\n"
             "\r\n"
             "00000002,,20201399\r\n"
             "00000003,,2020",
             NULL, &r);
    g_assert_cmpint(r.rc, ==, 0);
    g_assert_cmpuint(r.records->len, ==, 3);
    g_assert_cmpstr(tval(RECORD(&r, 0), 0, "addrAtDxCity"), ==, "TWO\r\nLINES");
    g_assert_cmpint(RECORD(&r, 0)->patient.line, ==, 2);
    g_assert_cmpint(RECORD(&r, 1)->patient.line, ==, 5);
    g_assert_cmpstr(tval(RECORD(&r, 2), 0, "dateOfDiagnosis"), ==, "2020");
    /* The bad date is on line 5 (the quoted value took two lines, line 4 is empty), column 3. */
    g_assert_cmpuint(r.problems->len, ==, 1);
    const seen_problem *p = PROBLEM(&r, 0);
    g_assert_cmpint(p->code, ==, CRTK_PROBLEM_BAD_VALUE);
    g_assert_cmpint(p->line, ==, 5);
    g_assert_cmpint(p->column, ==, 3);
    g_assert_cmpint(p->patient, ==, 2);
    g_assert_cmpint(p->tumor, ==, 1);
    g_assert_cmpstr(p->patient_id, ==, "00000002");
    g_assert_cmpstr(p->item, ==, "dateOfDiagnosis");
    result_clear(&r);

    /* Header only, and an empty file. */
    read_csv("patientIdNumber,sexAssignedAtBirth\n", NULL, &r);
    g_assert_cmpint(r.rc, ==, 0);
    g_assert_cmpint(r.header_calls, ==, 1);
    g_assert_cmpuint(r.records->len, ==, 0);
    result_clear(&r);
    read_csv("", NULL, &r);
    g_assert_cmpint(r.rc, ==, 0);
    g_assert_cmpuint(r.records->len, ==, 0);
    g_assert_cmpuint(r.problems->len, ==, 0);
    result_clear(&r);
}

static void test_grouping(void)
{
    const char *text = "registryId,patientIdNumber,sexAssignedAtBirth,primarySite\n"
                       "0000012345,00000001,1,C500\n"
                       "0000012345,00000001,2,C340\n"
                       "0000012345,00000002,2,C180\n"
                       "0000012345,00000001,1,C619\n"
                       "0000012345,,1,C710\n"
                       "0000012345,,1,C711\n";
    result r;
    read_csv(text, NULL, &r);
    g_assert_cmpint(r.rc, ==, 0);
    g_assert_cmpuint(r.records->len, ==, 5);
    g_assert_cmpint(RECORD(&r, 0)->n_tumors, ==, 2);
    g_assert_cmpstr(pval(RECORD(&r, 0), "sexAssignedAtBirth"), ==, "1");
    g_assert_cmpstr(tval(RECORD(&r, 0), 1, "primarySite"), ==, "C340");
    g_assert_cmpstr(pval(RECORD(&r, 1), "patientIdNumber"), ==, "00000002");
    g_assert_cmpint(RECORD(&r, 2)->n_tumors, ==, 1);
    g_assert_cmpint(RECORD(&r, 3)->n_tumors, ==, 1); /* blank ids are not grouped */
    g_assert_cmpint(RECORD(&r, 4)->n_tumors, ==, 1);
    g_assert_cmpstr(hval(&r, "registryId"), ==, "0000012345");
    g_assert_cmpuint(r.problems->len, ==, 1);
    const seen_problem *p = PROBLEM(&r, 0);
    g_assert_cmpint(p->code, ==, CRTK_PROBLEM_INCONSISTENT);
    g_assert_cmpint(p->severity, ==, CRTK_SEVERITY_WARNING);
    g_assert_cmpint(p->line, ==, 3);
    g_assert_cmpint(p->column, ==, 3);
    g_assert_cmpint(p->patient, ==, 1);
    g_assert_cmpint(p->tumor, ==, 2);
    g_assert_cmpstr(p->patient_id, ==, "00000001");
    g_assert_cmpstr(p->item, ==, "sexAssignedAtBirth");
    result_clear(&r);

    crtk_read_options o;
    crtk_read_options_init(&o);
    o.no_grouping = TRUE;
    read_csv(text, &o, &r);
    g_assert_cmpuint(r.records->len, ==, 6);
    g_assert_cmpuint(r.problems->len, ==, 0);
    g_assert_cmpstr(pval(RECORD(&r, 1), "sexAssignedAtBirth"), ==, "2");
    result_clear(&r);
}

static void test_version_and_type(void)
{
    result r;
    /* Nothing says: 260 and I. */
    read_csv("patientIdNumber\n00000001\n", NULL, &r);
    g_assert_cmpint(crtk_dictionary_version(r.header->dict), ==, CRTK_NAACCR_CURRENT_VERSION);
    g_assert_cmpint(r.header->record_type, ==, CRTK_RT_I);
    g_assert_cmpuint(r.records->len, ==, 1);
    g_assert_cmpint(RECORD(&r, 0)->n_tumors, ==, 0);
    result_clear(&r);
    /* The first row's naaccrRecordVersion and recordType. */
    read_csv("recordType,naaccrRecordVersion,patientIdNumber,nameLast\nC,180,00000001,SMITH\n", NULL, &r);
    g_assert_cmpuint(r.problems->len, ==, 0);
    g_assert_cmpint(crtk_dictionary_version(r.header->dict), ==, 180);
    g_assert_cmpint(r.header->record_type, ==, CRTK_RT_C);
    g_assert_cmpstr(pval(RECORD(&r, 0), "nameLast"), ==, "SMITH");
    result_clear(&r);
    /* Options win over the file (with a warning). */
    crtk_read_options o;
    crtk_read_options_init(&o);
    o.version = 220;
    o.record_type = CRTK_RT_A;
    read_csv("recordType,naaccrRecordVersion,patientIdNumber\nC,180,00000001\n", &o, &r);
    g_assert_cmpint(crtk_dictionary_version(r.header->dict), ==, 220);
    g_assert_cmpint(r.header->record_type, ==, CRTK_RT_A);
    g_assert_cmpint(count_problems(&r, CRTK_PROBLEM_DICTIONARY), ==, 1);
    g_assert_cmpint(count_problems(&r, CRTK_PROBLEM_RECORD_TYPE), ==, 1);
    g_assert_cmpint(r.stats.errors, ==, 0);
    result_clear(&r);
    /* A version crtk does not know is an error; 260 is used. */
    read_csv("naaccrRecordVersion,patientIdNumber\n999,00000001\n", NULL, &r);
    g_assert_cmpint(crtk_dictionary_version(r.header->dict), ==, 260);
    g_assert_cmpint(count_problems(&r, CRTK_PROBLEM_DICTIONARY), ==, 1);
    g_assert_cmpint(PROBLEM(&r, 0)->line, ==, 2);
    g_assert_cmpint(PROBLEM(&r, 0)->column, ==, 1);
    result_clear(&r);
}

/* ---- shared sample: flat 18 and its CSV give the same records ------------------- */

static int keep_patient(crtk_record *rec, void *user)
{
    crtk_record *c = crtk_record_new(rec->dict);
    crtk_record_copy(c, rec);
    g_ptr_array_add(user, c);
    return CRTK_CONTINUE;
}

static void test_sample_via_flat(void)
{
    char *path = tu_shared("codes/samples/synthetic-data_naaccr-18-incidence_5-records.txt");
    if (!path)
        return;
    char *data;
    size_t len;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_free(path);
    GPtrArray *flat = g_ptr_array_new_with_free_func((GDestroyNotify)crtk_record_free);
    crtk_read_handlers h = {NULL, keep_patient, NULL};
    crtk_read_stats st;
    crtk_in *in = crtk_in_open_memory(data, len);
    g_assert_cmpint(crtk_naaccr_flat_read(in, "sample.txt", NULL, &h, flat, &st), ==, 0);
    crtk_in_close(in);
    g_assert_cmpuint(flat->len, ==, 5);
    crtk_dictionary *d = ((crtk_record *)g_ptr_array_index(flat, 0))->dict;
    GError *e = NULL;
    GString *csv = write_csv(d, NULL, CRTK_RT_I, NULL, (crtk_record **)flat->pdata, (int)flat->len, &e);
    g_assert_no_error(e);
    result r;
    read_csv_len(csv->str, csv->len, NULL, &r);
    g_assert_cmpuint(r.problems->len, ==, 0);
    g_assert_cmpint(crtk_dictionary_version(r.header->dict), ==, 180);
    g_assert_cmpuint(r.records->len, ==, 5);
    for (guint i = 0; i < 5; i++)
        assert_records_equal(g_ptr_array_index(flat, i), RECORD(&r, i));
    result_clear(&r);
    g_string_free(csv, TRUE);
    g_ptr_array_free(flat, TRUE);
    g_free(data);
}

int main(int argc, char **argv)
{
    tu_init(&argc, &argv);
    g_test_add_func("/csv/write/roundtrip", test_roundtrip);
    g_test_add_func("/csv/write/quoting", test_quoting);
    g_test_add_func("/csv/write/columns-option", test_columns_option);
    g_test_add_func("/csv/latin1", test_latin1);
    g_test_add_func("/csv/read/unknown-column", test_unknown_column);
    g_test_add_func("/csv/read/field-count", test_field_count);
    g_test_add_func("/csv/read/bad-quoting", test_bad_quoting);
    g_test_add_func("/csv/read/bom-crlf-line-numbers", test_bom_crlf_and_line_numbers);
    g_test_add_func("/csv/read/grouping", test_grouping);
    g_test_add_func("/csv/read/version-and-record-type", test_version_and_type);
    g_test_add_func("/csv/sample/naaccr18-via-flat", test_sample_via_flat);
    return tu_finish(g_test_run());
}
