/* test_store.c — unit tests of the registry store (registry/store*.c): schema and file mode,
 * import with matching and conflicts, transactions that leave the store unchanged, export
 * giving back every value, case changes with audit, the audit chain, backup, read-only SQL,
 * sequence numbers and upgrade. */
#include "naaccr_read.h"
#include "naaccr_write.h"
#include "store.h"
#include "store_private.h" /* crtk_store_exec: a write of the store's own code inside a caller's unit */
#include "test_util.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HEAD(v, rt) "<?xml version=\"1.0\"?>\n<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-" v ".xml\" " \
                    "recordType=\"" rt "\" specificationVersion=\"1.8\" xmlns=\"http://naaccr.org/naaccrxml\">\n"

static const char file1[] = HEAD("260", "A")
    "<Item naaccrId=\"registryId\">0000012345</Item>\n"
    "<Patient><Item naaccrId=\"patientIdNumber\">00000001</Item><Item naaccrId=\"sexAssignedAtBirth\">2</Item>"
    "<Item naaccrId=\"dateOfBirth\">19500315</Item><Item naaccrId=\"nameLast\">O&apos;Brien &amp; Co</Item>\n"
    "<Tumor><Item naaccrId=\"tumorRecordNumber\">01</Item><Item naaccrId=\"primarySite\">C504</Item>"
    "<Item naaccrId=\"dateOfDiagnosis\">202103</Item><Item naaccrId=\"behaviorCodeIcdO3\">3</Item>"
    "<Item naaccrId=\"textRemarks\">line one\nline two  </Item></Tumor>\n"
    "<Tumor><Item naaccrId=\"tumorRecordNumber\">02</Item><Item naaccrId=\"primarySite\">C619</Item>"
    "<Item naaccrId=\"dateOfDiagnosis\">2023</Item><Item naaccrId=\"behaviorCodeIcdO3\">3</Item></Tumor></Patient>\n"
    "<Patient><Item naaccrId=\"patientIdNumber\">00000002</Item><Item naaccrId=\"sexAssignedAtBirth\">1</Item>"
    "<Tumor><Item naaccrId=\"tumorRecordNumber\">01</Item><Item naaccrId=\"primarySite\">C340</Item></Tumor></Patient>\n"
    "</NaaccrData>\n";

/* Same patient 1 with a changed tumor 2 and a new tumor 3. */
static const char file2[] = HEAD("260", "A")
    "<Patient><Item naaccrId=\"patientIdNumber\">00000001</Item><Item naaccrId=\"sexAssignedAtBirth\">2</Item>"
    "<Tumor><Item naaccrId=\"tumorRecordNumber\">02</Item><Item naaccrId=\"primarySite\">C619</Item>"
    "<Item naaccrId=\"dateOfDiagnosis\">20230704</Item><Item naaccrId=\"behaviorCodeIcdO3\">3</Item></Tumor>\n"
    "<Tumor><Item naaccrId=\"tumorRecordNumber\">03</Item><Item naaccrId=\"primarySite\">C180</Item></Tumor></Patient>\n"
    "</NaaccrData>\n";

/* A new patient, then an error (value too long): the whole file must fail. */
static const char file_bad[] = HEAD("260", "A")
    "<Patient><Item naaccrId=\"patientIdNumber\">00000009</Item>"
    "<Tumor><Item naaccrId=\"primarySite\">C509</Item></Tumor></Patient>\n"
    "<Patient><Item naaccrId=\"patientIdNumber\">000000100</Item></Patient>\n"
    "</NaaccrData>\n";

/* The same case in NAACCR 25 (sex instead of sexAssignedAtBirth). */
static const char file_v25[] = HEAD("250", "I")
    "<Patient><Item naaccrId=\"patientIdNumber\">00000005</Item><Item naaccrId=\"sex\">6</Item>"
    "<Tumor><Item naaccrId=\"primarySite\">C500</Item></Tumor></Patient>\n"
    "</NaaccrData>\n";

typedef struct {
    char *dir;
    char *db;
    crtk_store *s;
} fixture;

static char *write_temp(fixture *f, const char *name, const char *text)
{
    char *p = g_build_filename(f->dir, name, NULL);
    g_assert_true(g_file_set_contents(p, text, -1, NULL));
    return p;
}

static void setup(fixture *f, gconstpointer data)
{
    (void)data;
    f->dir = tu_make_tmpdir("store");
    f->db = g_build_filename(f->dir, "reg.db", NULL);
    GError *error = NULL;
    f->s = crtk_store_create(f->db, 260, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(f->s);
    crtk_store_set_actor(f->s, "tester", "test");
}

static void teardown(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_store_close(f->s);
    tu_remove_tree(f->dir);
    g_free(f->db);
    g_free(f->dir);
}

static gint64 count(crtk_store *s, const char *what)
{
    gint64 p = 0, t = 0;
    g_assert_true(crtk_store_count(s, NULL, &p, &t, NULL));
    return !strcmp(what, "patients") ? p : t;
}

typedef struct {
    long errors;
} problems_seen;

static int on_problem(const crtk_problem *p, void *user)
{
    if (p->severity != CRTK_SEVERITY_WARNING)
        ((problems_seen *)user)->errors++;
    return CRTK_CONTINUE;
}

static gboolean import_text(fixture *f, const char *name, const char *text, crtk_conflict conflict,
                            crtk_import_stats *st, GError **error)
{
    char *p = write_temp(f, name, text);
    crtk_import_options o = {0};
    crtk_read_options_init(&o.read);
    o.on_conflict = conflict;
    problems_seen seen = {0};
    gboolean ok = crtk_store_import(f->s, p, &o, on_problem, &seen, st, error);
    g_free(p);
    return ok;
}

static char *value(crtk_store *s, const char *sql)
{
    typedef struct {
        char *v;
    } box;
    box b = {0};
    GError *error = NULL;
    int cb(int n, const char *const *v, const char *const *names, void *u);
    gboolean ok = crtk_store_select(s, sql, NULL, 0, cb, &b, &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    return b.v;
}

int cb(int n, const char *const *v, const char *const *names, void *u)
{
    (void)n, (void)names;
    char **out = u;
    g_free(*out);
    *out = g_strdup(v[0] ? v[0] : "(null)");
    return 0;
}

/* Regression: a store opened with a 60 s limit on every query, so `crtk report quality` stopped
 * after 60 s on a store of a million tumors.  A store now opens without one (crtk sql and the
 * workspace set their own). */
static void test_no_default_time_limit(fixture *f, gconstpointer data)
{
    (void)data;
    g_assert_cmpint(crtk_store_query_time_limit(f->s), ==, 0);
    GError *error = NULL;
    crtk_store *ro = crtk_store_open(f->db, TRUE, &error);
    g_assert_no_error(error);
    g_assert_cmpint(crtk_store_query_time_limit(ro), ==, 0);
    crtk_store_set_query_time_limit(ro, 60);
    g_assert_cmpint(crtk_store_query_time_limit(ro), ==, 60);
    crtk_store_close(ro);
}

static void test_create(fixture *f, gconstpointer data)
{
    (void)data;
    GStatBuf sb;
    g_assert_cmpint(g_stat(f->db, &sb), ==, 0);
    g_assert_cmpint(sb.st_mode & 0777, ==, 0600);
    sqlite3 *db;
    sqlite3_stmt *st;
    g_assert_cmpint(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    g_assert_cmpstr((const char *)sqlite3_column_text(st, 0), ==, "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* one column per item, named by naaccrId */
    char *n = value(f->s, "SELECT count(*) FROM pragma_table_info('tumor') WHERE name = 'primarySite'");
    g_assert_cmpstr(n, ==, "1");
    g_free(n);
    n = value(f->s, "SELECT count(*) FROM pragma_table_info('patient') WHERE name = 'sexAssignedAtBirth'");
    g_assert_cmpstr(n, ==, "1");
    g_free(n);
    /* import looks patients up by patient number and by facility + medical record number: both indexed
       (without the second, every new patient of an import scanned the whole tumor table) */
    n = value(f->s, "SELECT count(*) FROM pragma_index_list('tumor') WHERE name = 'tumor_facility_mrn'");
    g_assert_cmpstr(n, ==, "1");
    g_free(n);
    n = value(f->s, "SELECT count(*) FROM pragma_index_list('patient') WHERE name = 'patient_key'");
    g_assert_cmpstr(n, ==, "1");
    g_free(n);
    char *v = crtk_store_get_setting(f->s, "naaccrVersion");
    g_assert_cmpstr(v, ==, "260");
    g_free(v);
    GError *error = NULL;
    g_assert_null(crtk_store_create(f->db, 260, NULL, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_IO);
    g_clear_error(&error);
}

static void test_import_twice(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    GError *error = NULL;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, &error));
    g_assert_no_error(error);
    g_assert_cmpint(st.patients_added, ==, 2);
    g_assert_cmpint(st.tumors_added, ==, 3);
    g_assert_cmpint(count(f->s, "patients"), ==, 2);
    g_assert_cmpint(count(f->s, "tumors"), ==, 3);
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, &error));
    g_assert_cmpint(st.patients_added, ==, 0);
    g_assert_cmpint(st.values_changed, ==, 0);
    g_assert_cmpint(count(f->s, "patients"), ==, 2);
    g_assert_cmpint(count(f->s, "tumors"), ==, 3);
    /* exact text: leading zeros, apostrophes, line breaks and trailing spaces */
    char *v = value(f->s, "SELECT nameLast FROM patient WHERE patientIdNumber = '00000001'");
    g_assert_cmpstr(v, ==, "O'Brien & Co");
    g_free(v);
    v = value(f->s, "SELECT textRemarks FROM tumor WHERE primarySite = 'C504'");
    g_assert_cmpstr(v, ==, "line one\nline two  ");
    g_free(v);
    /* NaaccrData items go with the tumors */
    v = value(f->s, "SELECT count(*) FROM tumor WHERE registryId = '0000012345'");
    g_assert_cmpstr(v, ==, "3");
    g_free(v);
}

static void test_import_update_and_match(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    g_assert_true(import_text(f, "b.xml", file2, CRTK_CONFLICT_UPDATE, &st, NULL));
    g_assert_cmpint(st.patients_added, ==, 0);
    g_assert_cmpint(st.tumors_added, ==, 1);   /* tumor 03 is new */
    g_assert_cmpint(st.tumors_updated, ==, 1); /* tumor 02 matched by tumorRecordNumber */
    g_assert_cmpint(count(f->s, "tumors"), ==, 4);
    char *v = value(f->s, "SELECT dateOfDiagnosis FROM tumor WHERE tumorRecordNumber = '02'");
    g_assert_cmpstr(v, ==, "20230704");
    g_free(v);
    /* the change is audited with old and new value */
    v = value(f->s, "SELECT old_value || '>' || new_value FROM audit WHERE item = 'dateOfDiagnosis'");
    g_assert_cmpstr(v, ==, "2023>20230704");
    g_free(v);
}

static void test_import_facility_identifiers(fixture *f, gconstpointer data)
{
    (void)data;
    static const char a[] = HEAD("260", "A")
        "<Patient><Item naaccrId=\"patientIdNumber\">00000001</Item>"
        "<Tumor><Item naaccrId=\"reportingFacility\">0000001111</Item><Item naaccrId=\"medicalRecordNumber\">MRN42</Item>"
        "<Item naaccrId=\"primarySite\">C504</Item></Tumor></Patient></NaaccrData>\n";
    /* the facility sends the same person again under another patient number, with a new tumor */
    static const char b[] = HEAD("260", "A")
        "<Patient><Item naaccrId=\"patientIdNumber\">00007777</Item>"
        "<Tumor><Item naaccrId=\"reportingFacility\">0000001111</Item><Item naaccrId=\"medicalRecordNumber\">MRN42</Item>"
        "<Item naaccrId=\"primarySite\">C619</Item></Tumor></Patient></NaaccrData>\n";
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", a, CRTK_CONFLICT_UPDATE, &st, NULL));
    g_assert_true(import_text(f, "b.xml", b, CRTK_CONFLICT_UPDATE, &st, NULL));
    g_assert_cmpint(st.patients_added, ==, 0);
    g_assert_cmpint(st.tumors_added, ==, 1);
    g_assert_cmpint(count(f->s, "patients"), ==, 1);
    g_assert_cmpint(count(f->s, "tumors"), ==, 2);
}

static void test_import_needs_patient_number(fixture *f, gconstpointer data)
{
    (void)data;
    static const char noid[] = HEAD("260", "A")
        "<Patient><Tumor><Item naaccrId=\"primarySite\">C509</Item></Tumor></Patient></NaaccrData>\n";
    crtk_import_stats st;
    GError *error = NULL;
    g_assert_false(import_text(f, "noid.xml", noid, CRTK_CONFLICT_UPDATE, &st, &error));
    g_assert_nonnull(error);
    g_clear_error(&error);
    g_assert_cmpint(count(f->s, "patients"), ==, 0);
}

static void test_two_writers_keep_the_chain(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    /* a second process opens the store, then the first writes, then the second writes */
    crtk_store *other = crtk_store_open(f->db, FALSE, NULL);
    g_assert_nonnull(other);
    gint64 pid = crtk_store_find_patient(f->s, "00000002");
    const char *items[] = {"nameLast"};
    const char *a[] = {"FIRST"}, *b[] = {"SECOND"};
    g_assert_true(crtk_store_set_items(f->s, pid, 0, items, a, 1, NULL));
    g_assert_true(crtk_store_set_items(other, pid, 0, items, b, 1, NULL));
    crtk_store_close(other);
    gint64 checked, bad;
    char *why = NULL;
    gboolean ok = crtk_store_audit_verify(f->s, &checked, &bad, &why, NULL);
    g_assert_cmpstr(why, ==, NULL);
    g_assert_true(ok);
}

static void test_import_conflict_modes(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    GError *error = NULL;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    g_assert_true(import_text(f, "b.xml", file2, CRTK_CONFLICT_SKIP, &st, NULL));
    g_assert_cmpint(st.patients_skipped, ==, 1);
    g_assert_cmpint(count(f->s, "tumors"), ==, 3);
    g_assert_false(import_text(f, "b.xml", file2, CRTK_CONFLICT_FAIL, &st, &error));
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "00000001"));
    g_clear_error(&error);
    g_assert_cmpint(count(f->s, "tumors"), ==, 3);
}

static void test_failed_file_leaves_store(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    GError *error = NULL;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    char *audit_before = value(f->s, "SELECT count(*) FROM audit");
    g_assert_false(import_text(f, "bad.xml", file_bad, CRTK_CONFLICT_UPDATE, &st, &error));
    g_assert_nonnull(error);
    g_clear_error(&error);
    g_assert_cmpint(count(f->s, "patients"), ==, 2); /* 00000009 was rolled back */
    char *audit_after = value(f->s, "SELECT count(*) FROM audit");
    g_assert_cmpstr(audit_before, ==, audit_after);
    g_free(audit_before);
    g_free(audit_after);
    gint64 checked, bad;
    char *why = NULL;
    g_assert_true(crtk_store_audit_verify(f->s, &checked, &bad, &why, NULL));
    g_free(why);
    /* a file that cannot be read at all */
    g_assert_false(import_text(f, "garbage.xml", "<NaaccrData", CRTK_CONFLICT_UPDATE, &st, &error));
    g_clear_error(&error);
    g_assert_cmpint(count(f->s, "patients"), ==, 2);
}

static void test_import_other_version(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "v25.xml", file_v25, CRTK_CONFLICT_UPDATE, &st, NULL));
    /* sex 6 (transsexual, natal female) becomes sexAssignedAtBirth 2 */
    char *v = value(f->s, "SELECT sexAssignedAtBirth FROM patient WHERE patientIdNumber = '00000005'");
    g_assert_cmpstr(v, ==, "2");
    g_free(v);
}

typedef struct {
    GString *xml;
    crtk_writer *w;
} export_ctx;

static int export_cb(crtk_stored_patient *p, void *user)
{
    export_ctx *c = user;
    g_assert_true(crtk_writer_write(c->w, p->record, NULL));
    return CRTK_CONTINUE;
}

typedef struct {
    GPtrArray *dumps;
} dump_ctx;

/* One line "P|Tn id=value" per value (values escaped, so a line break in a text stays on its line),
 * sorted: equal dumps are equal sets of values. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dump_element(GPtrArray *lines, const char *who, const crtk_record *r, const crtk_element *el)
{
    for (int k = 0; k < el->n_set; k++) {
        const crtk_item *it = crtk_dictionary_item(r->dict, el->set[k]);
        char *v = g_strescape(crtk_element_get(el, it->index, NULL), NULL);
        g_ptr_array_add(lines, g_strdup_printf("%s %s=%s", who, it->id, v));
        g_free(v);
    }
}

static int dump_patient(crtk_record *r, void *user)
{
    dump_ctx *c = user;
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    dump_element(lines, "P", r, &r->patient);
    for (int t = 0; t < r->n_tumors; t++) {
        char who[16];
        g_snprintf(who, sizeof who, "T%d", t);
        dump_element(lines, who, r, &r->tumors[t]);
    }
    qsort(lines->pdata, lines->len, sizeof(char *), cmp_str);
    g_ptr_array_add(lines, NULL);
    g_ptr_array_add(c->dumps, g_strjoinv("\n", (char **)lines->pdata));
    g_ptr_array_free(lines, TRUE);
    return CRTK_CONTINUE;
}

static GPtrArray *dump_xml(const char *xml, size_t len)
{
    dump_ctx c = {g_ptr_array_new_with_free_func(g_free)};
    crtk_in *in = crtk_in_open_memory(xml, len);
    crtk_read_handlers h = {.patient = dump_patient};
    g_assert_cmpint(crtk_naaccr_xml_read(in, "mem", NULL, &h, &c, NULL), ==, 0);
    crtk_in_close(in);
    return c.dumps;
}

static void test_export_gives_back_values(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    export_ctx c = {g_string_new(NULL), NULL};
    crtk_write_options wo;
    crtk_write_options_init(&wo);
    wo.record_type = CRTK_RT_A;
    crtk_header *h = crtk_header_new(crtk_store_dictionary(f->s), CRTK_RT_A);
    c.w = crtk_writer_open_out(crtk_out_open_string(c.xml), crtk_store_dictionary(f->s), h, &wo, NULL);
    crtk_header_free(h);
    g_assert_true(crtk_store_foreach(f->s, NULL, export_cb, &c, NULL));
    g_assert_true(crtk_writer_close(c.w, NULL));
    GPtrArray *a = dump_xml(file1, sizeof file1 - 1), *b = dump_xml(c.xml->str, c.xml->len);
    /* exactly the file's values come back: the same sorted lines, patient by patient */
    g_assert_cmpuint(a->len, ==, 2);
    g_assert_cmpuint(b->len, ==, a->len);
    for (guint i = 0; i < a->len; i++)
        g_assert_cmpstr(g_ptr_array_index(b, i), ==, g_ptr_array_index(a, i));
    /* the line break and the trailing blanks of textRemarks survive */
    g_assert_nonnull(strstr(g_ptr_array_index(b, 0), "T0 textRemarks=line one\\nline two  \n"));
    g_ptr_array_free(a, TRUE);
    g_ptr_array_free(b, TRUE);
    g_string_free(c.xml, TRUE);
}

static void test_where_is_read_only(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    gint64 p, t;
    GError *error = NULL;
    g_assert_true(crtk_store_count(f->s, "primarySite LIKE 'C5%'", &p, &t, &error));
    g_assert_cmpint(t, ==, 1);
    g_assert_false(crtk_store_count(f->s, "1); DELETE FROM patient; SELECT (1", &p, &t, &error));
    g_assert_nonnull(error);
    g_clear_error(&error);
    g_assert_false(crtk_store_select(f->s, "DELETE FROM patient", NULL, 0, cb, NULL, &error));
    g_clear_error(&error);
    g_assert_cmpint(count(f->s, "patients"), ==, 2);
}

static void test_set_items_and_audit(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    g_setenv("CRTK_TODAY", "20261015", TRUE);
    gint64 pid = crtk_store_find_patient(f->s, "00000001");
    g_assert_cmpint(pid, >, 0);
    crtk_stored_patient *p = crtk_stored_patient_new(f->s);
    g_assert_true(crtk_store_load_patient(f->s, pid, p, NULL));
    g_assert_cmpint(p->record->n_tumors, ==, 2);
    const char *items[] = {"primarySite"};
    const char *vals[] = {"C508"};
    GError *error = NULL;
    g_assert_true(crtk_store_set_items(f->s, pid, p->tumor_ids[0], items, vals, 1, &error));
    g_assert_no_error(error);
    char *v = value(f->s, "SELECT primarySite || ' ' || dateCaseLastChanged FROM tumor WHERE tumorRecordNumber = '01' "
                          "AND patient_id = (SELECT id FROM patient WHERE patientIdNumber = '00000001')");
    g_assert_cmpstr(v, ==, "C508 20261015");
    g_free(v);
    v = value(f->s, "SELECT user || ' ' || old_value || '>' || new_value FROM audit WHERE item = 'primarySite'");
    g_assert_cmpstr(v, ==, "tester C504>C508");
    g_free(v);
    /* a value too long is refused and nothing changes */
    const char *bad_items[] = {"primarySite", "behaviorCodeIcdO3"};
    const char *bad_vals[] = {"C5", "33"};
    g_assert_false(crtk_store_set_items(f->s, pid, p->tumor_ids[0], bad_items, bad_vals, 2, &error));
    g_assert_nonnull(strstr(error->message, "behaviorCodeIcdO3"));
    g_clear_error(&error);
    v = value(f->s, "SELECT primarySite FROM tumor WHERE id = (SELECT min(id) FROM tumor)");
    g_assert_cmpstr(v, ==, "C508");
    g_free(v);
    /* an unknown item is refused with a suggestion */
    const char *unk[] = {"primarySit"};
    g_assert_false(crtk_store_set_items(f->s, pid, p->tumor_ids[0], unk, vals, 1, &error));
    g_assert_nonnull(strstr(error->message, "primarySite"));
    g_clear_error(&error);
    /* a patient item on a tumor is refused */
    const char *pat[] = {"dateOfBirth"};
    const char *pv[] = {"19500316"};
    g_assert_false(crtk_store_set_items(f->s, pid, p->tumor_ids[0], pat, pv, 1, &error));
    g_clear_error(&error);
    crtk_stored_patient_free(p);
    g_unsetenv("CRTK_TODAY");
}

static void test_audit_chain_detects_tampering(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    gint64 checked, bad;
    char *why = NULL;
    g_assert_true(crtk_store_audit_verify(f->s, &checked, &bad, &why, NULL));
    g_assert_cmpint(checked, >=, 6);
    crtk_store_close(f->s);
    sqlite3 *db;
    g_assert_cmpint(sqlite3_open(f->db, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "UPDATE audit SET new_value = 'x' WHERE id = 3", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
    f->s = crtk_store_open(f->db, FALSE, NULL);
    g_assert_false(crtk_store_audit_verify(f->s, &checked, &bad, &why, NULL));
    g_assert_cmpint(bad, ==, 3);
    g_free(why);
}

static void test_audit_chain_detects_removal(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    crtk_store_close(f->s);
    sqlite3 *db;
    g_assert_cmpint(sqlite3_open(f->db, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)", NULL, NULL, NULL), ==,
                    SQLITE_OK);
    sqlite3_close(db);
    f->s = crtk_store_open(f->db, FALSE, NULL);
    gint64 checked, bad;
    char *why = NULL;
    g_assert_false(crtk_store_audit_verify(f->s, &checked, &bad, &why, NULL));
    g_assert_nonnull(strstr(why, "removed"));
    g_free(why);
}

static void test_sequence_numbers(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_dictionary *d = crtk_store_dictionary(f->s);
    crtk_record *r = crtk_record_new(d);
    crtk_element_set_id(&r->patient, d, "patientIdNumber", "00000077");
    GError *error = NULL;
    g_assert_true(crtk_store_begin(f->s, &error));
    gint64 pid = crtk_store_insert_patient(f->s, &r->patient, &error);
    const char *dates[] = {"20240105", "20200301", "2022", "20210101"};
    const char *behs[] = {"3", "2", "0", "1"};
    for (int i = 0; i < 4; i++) {
        crtk_element *t = crtk_record_add_tumor(r);
        crtk_element_set_id(t, d, "dateOfDiagnosis", dates[i]);
        crtk_element_set_id(t, d, "behaviorCodeIcdO3", behs[i]);
        g_assert_cmpint(crtk_store_insert_tumor(f->s, pid, t, &error), >, 0);
    }
    g_assert_true(crtk_store_renumber_sequences(f->s, pid, &error));
    g_assert_true(crtk_store_commit(f->s, &error));
    /* malignant/in situ: 2020 in situ 01, 2024 malignant 02; non-malignant: 2021 61, 2022 62 */
    char *v = value(f->s, "SELECT group_concat(dateOfDiagnosis || ':' || sequenceNumberHospital || ':' || "
                          "sequenceNumberCentral, ' ') FROM (SELECT * FROM tumor ORDER BY dateOfDiagnosis)");
    g_assert_cmpstr(v, ==, "20200301:01:01 20210101:61:61 2022:62:62 20240105:02:02");
    g_free(v);
    crtk_record_free(r);
}

static void test_backup_and_upgrade(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    char *dest = g_build_filename(f->dir, "copy.db", NULL);
    GError *error = NULL;
    g_assert_true(crtk_store_backup(f->s, dest, &error));
    crtk_store *b = crtk_store_open(dest, TRUE, &error);
    g_assert_no_error(error);
    g_assert_cmpint(count(b, "tumors"), ==, 3);
    crtk_store_close(b);
    g_free(dest);
    /* downgrade 26 -> 25 maps sexAssignedAtBirth back to sex and keeps row ids */
    g_assert_true(crtk_store_upgrade(f->s, 250, NULL, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpint(crtk_store_version(f->s), ==, 250);
    char *v = value(f->s, "SELECT sex FROM patient WHERE patientIdNumber = '00000001'");
    g_assert_cmpstr(v, ==, "2");
    g_free(v);
    g_assert_cmpint(count(f->s, "tumors"), ==, 3);
    gint64 checked, bad;
    char *why = NULL;
    g_assert_true(crtk_store_audit_verify(f->s, &checked, &bad, &why, NULL));
    v = value(f->s, "SELECT count(*) FROM audit WHERE item = 'naaccrVersion' AND old_value = '260'");
    g_assert_cmpstr(v, ==, "1");
    g_free(v);
}

/* ---- row digests and checkpoints (issue 10; docs/store.md) ---- */

/* The documented encoding, written here again from docs/store.md (not the library's code). */
/* BLAKE2b-256 (the row digest's and the version-2 chain's hash, docs/store.md), as a hand-held
 * hasher independent of crtk's own (libsodium's streaming interface). */
typedef struct {
    crypto_generichash_state st;
    char hex[65];
    gboolean done;
} b2;
static b2 *b2_new(void)
{
    void *p = NULL;
    g_assert_cmpint(posix_memalign(&p, 64, sizeof(b2)), ==, 0);
    b2 *h = p;
    memset(h, 0, sizeof *h);
    g_assert_cmpint(sodium_init(), >=, 0);
    crypto_generichash_init(&h->st, NULL, 0, 32);
    return h;
}
static void b2_update(b2 *h, const void *data, gssize len)
{
    crypto_generichash_update(&h->st, data, (unsigned long long)len);
}
static const char *b2_hex(b2 *h)
{
    if (!h->done) {
        unsigned char out[32];
        crypto_generichash_final(&h->st, out, sizeof out);
        sodium_bin2hex(h->hex, sizeof h->hex, out, sizeof out);
        h->done = TRUE;
    }
    return h->hex;
}
static void b2_free(b2 *h) { free(h); }

static void lp(b2 *c, const char *v)
{
    guint64 n = v ? strlen(v) : G_MAXUINT64;
    guint8 b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (guint8)(n >> (56 - 8 * i));
    b2_update(c, b, 8);
    if (v)
        b2_update(c, v, (gssize)strlen(v));
}

static void sql_exec(fixture *f, const char *sql)
{
    crtk_store_close(f->s);
    f->s = NULL;
    sqlite3 *db;
    g_assert_cmpint(sqlite3_open(f->db, &db), ==, SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        g_error("%s: %s", sql, msg);
    sqlite3_close(db);
    f->s = crtk_store_open(f->db, FALSE, NULL);
    g_assert_nonnull(f->s);
    crtk_store_set_actor(f->s, "tester", "test");
}

static char *verify_why(fixture *f, const char *checkpoints)
{
    crtk_audit_check r;
    GError *error = NULL;
    g_assert_true(crtk_store_audit_check(f->s, checkpoints, NULL, &r, &error));
    g_assert_no_error(error);
    char *why = r.why;
    r.why = NULL;
    crtk_audit_check_clear(&r);
    return why;
}

static void test_row_digest_by_the_documented_rule(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    /* patient 00000002: patientIdNumber 00000002, sexAssignedAtBirth 1 (no other value); the
       table's signature over its value columns by name, read from SQLite's own schema */
    b2 *sig = b2_new();
    int ord_pin = -1, ord_sex = -1, k = 0;
    {
        sqlite3 *db;
        g_assert_cmpint(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
        sqlite3_stmt *q;
        g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('patient') WHERE name NOT IN "
                                               "('id', 'crtk_digest') ORDER BY CAST(name AS BLOB)", -1, &q, NULL), ==, SQLITE_OK);
        while (sqlite3_step(q) == SQLITE_ROW) {
            const char *n = (const char *)sqlite3_column_text(q, 0);
            lp(sig, n);
            if (!strcmp(n, "patientIdNumber"))
                ord_pin = k;
            if (!strcmp(n, "sexAssignedAtBirth"))
                ord_sex = k;
            k++;
        }
        sqlite3_finalize(q);
        sqlite3_close(db);
    }
    g_assert_cmpint(ord_pin, >=, 0);
    g_assert_cmpint(ord_sex, >, ord_pin); /* "p" < "s" */
    b2 *c = b2_new();
    lp(c, "crtk-row/2"), lp(c, "patient"), lp(c, b2_hex(sig));
    guint8 v1[] = {(guint8)(ord_pin >> 8), (guint8)ord_pin, 8, '0', '0', '0', '0', '0', '0', '0', '2'};
    guint8 v2[] = {(guint8)(ord_sex >> 8), (guint8)ord_sex, 1, '1'};
    b2_update(c, v1, sizeof v1);
    b2_update(c, v2, sizeof v2);
    b2_free(sig);
    char *v = value(f->s, "SELECT crtk_digest FROM patient WHERE patientIdNumber = '00000002'");
    g_assert_cmpstr(v, ==, b2_hex(c));
    g_free(v);
    /* and the "added" entry states it */
    v = value(f->s, "SELECT row_digest FROM audit WHERE item = 'patient' AND patient_key = '00000002'");
    g_assert_cmpstr(v, ==, b2_hex(c));
    g_free(v);
    b2_free(c);
    char *why = verify_why(f, NULL);
    g_assert_null(why);
}

static void test_digest_value_changed(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    sql_exec(f, "UPDATE tumor SET primarySite = 'C509' WHERE primarySite = 'C504'");
    char *why = verify_why(f, NULL);
    g_assert_nonnull(why);
    g_assert_nonnull(strstr(why, "tumor row 1 (patientIdNumber 00000001): its values do not match its digest"));
    g_free(why);
    /* a crtk write to that row refuses: it would absorb the forgery */
    gint64 pid = crtk_store_find_patient(f->s, "00000001");
    const char *items[] = {"primarySite"}, *vals[] = {"C508"};
    GError *error = NULL;
    g_assert_false(crtk_store_set_items(f->s, pid, 1, items, vals, 1, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_DATA);
    g_assert_nonnull(strstr(error->message, "tumor row 1 (patientIdNumber 00000001) was changed outside crtk"));
    g_error_free(error);
    why = verify_why(f, NULL);
    g_assert_nonnull(why);
    g_free(why);
}

static void test_digest_row_deleted(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    sql_exec(f, "DELETE FROM tumor WHERE primarySite = 'C340'");
    char *why = verify_why(f, NULL);
    g_assert_nonnull(why);
    g_assert_nonnull(strstr(why, "tumor row 3 (patientIdNumber 00000002) is missing"));
    g_free(why);
}

static void test_truncation_then_write(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    sql_exec(f, "DELETE FROM audit; DELETE FROM crtk_setting WHERE key IN ('auditHead', 'auditCount')");
    char *why = verify_why(f, NULL);
    g_assert_nonnull(strstr(why, "the audit trail is empty"));
    g_free(why);
    GError *error = NULL;
    g_assert_false(crtk_store_set_setting(f->s, "reportingFacility", "0000001234", &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_DATA);
    g_error_free(error);
    why = verify_why(f, NULL);
    g_assert_nonnull(strstr(why, "the audit trail is empty"));
    g_free(why);
}

static void test_rehash_behind_checkpoint(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_import_stats st;
    g_assert_true(import_text(f, "a.xml", file1, CRTK_CONFLICT_UPDATE, &st, NULL));
    char *cp = g_build_filename(f->dir, "reg.db.checkpoints", NULL), *line = NULL;
    GError *error = NULL;
    g_assert_true(crtk_store_audit_checkpoint(f->s, cp, NULL, &line, &error));
    g_assert_no_error(error);
    g_assert_true(g_str_has_prefix(line, "crtk-checkpoint/1 "));
    g_free(line);
    struct stat sb;
    g_assert_cmpint(g_stat(cp, &sb), ==, 0);
    g_assert_cmpint(sb.st_mode & 0777, ==, 0600);
    char *why = verify_why(f, cp);
    g_assert_null(why);
    /* Entry 3 says something else; every hash from it on recomputed by the documented rule. */
    crtk_store_close(f->s);
    sqlite3 *db;
    g_assert_cmpint(sqlite3_open(f->db, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "UPDATE audit SET new_value = 'forged' WHERE id = 3", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_stmt *q, *put;
    g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT id, at, user, command, patient_id, tumor_id, patient_key, item, "
                                           "old_value, new_value, row_digest, hash FROM audit ORDER BY id", -1, &q, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, "UPDATE audit SET hash = ?1 WHERE id = ?2", -1, &put, NULL), ==, SQLITE_OK);
    char *prev = NULL;
    while (sqlite3_step(q) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64(q, 0);
        if (id < 3) {
            g_free(prev);
            prev = g_strdup((const char *)sqlite3_column_text(q, 11));
            continue;
        }
        b2 *c = b2_new();
        lp(c, "crtk-audit/2"), lp(c, prev);
        for (int i = 0; i <= 10; i++)
            lp(c, (const char *)sqlite3_column_text(q, i));
        g_free(prev);
        prev = g_strdup(b2_hex(c));
        b2_free(c);
        sqlite3_bind_text(put, 1, prev, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(put, 2, id);
        g_assert_cmpint(sqlite3_step(put), ==, SQLITE_DONE);
        sqlite3_reset(put);
    }
    sqlite3_finalize(q);
    sqlite3_finalize(put);
    char *sql = g_strdup_printf("UPDATE crtk_setting SET value = '%s' WHERE key = 'auditHead'", prev);
    g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    g_free(sql);
    g_free(prev);
    sqlite3_close(db);
    f->s = crtk_store_open(f->db, TRUE, NULL);
    /* the rule is the documented one: without an anchor the rewrite cannot be seen */
    why = verify_why(f, NULL);
    g_assert_null(why);
    why = verify_why(f, cp);
    g_assert_nonnull(why);
    g_assert_nonnull(strstr(why, "is not the one checkpointed at"));
    g_assert_nonnull(strstr(why, "rewritten at or before entry"));
    g_free(why);
    g_free(cp);
}

static int first_value(int n, const char *const *v, const char *const *names, void *user)
{
    (void)n, (void)names;
    *(gint64 *)user = g_ascii_strtoll(v[0] ? v[0] : "0", NULL, 10);
    return CRTK_CONTINUE;
}

static int first_text(int n, const char *const *v, const char *const *names, void *user)
{
    (void)n, (void)names;
    *(char **)user = g_strdup(v[0] ? v[0] : "");
    return CRTK_CONTINUE;
}

/* A transaction that changes many rows gives them their digests as it goes, at safe points between
 * rows, instead of keeping every changed row in memory until commit; the trail stays intact. */
static void test_digest_interim_flush(fixture *f, gconstpointer data)
{
    (void)data;
    enum { N = 12000 };
    crtk_dictionary *d = crtk_store_dictionary(f->s);
    crtk_record *r = crtk_record_new(d);
    GError *error = NULL;
    gint64 *ids = g_new(gint64, N);
    g_assert_true(crtk_store_begin(f->s, &error));
    for (int i = 0; i < N; i++) {
        crtk_record_clear(r);
        char key[16];
        g_snprintf(key, sizeof key, "%08d", i + 1);
        g_assert_true(crtk_element_set_id(&r->patient, d, "patientIdNumber", key));
        ids[i] = crtk_store_insert_patient(f->s, &r->patient, &error);
        g_assert_no_error(error);
    }
    g_assert_true(crtk_store_commit(f->s, &error));
    crtk_record_free(r);

    /* one transaction around N changes, each a nested unit (as `followup post` of a CSV does) */
    g_assert_true(crtk_store_begin(f->s, &error));
    const char *items[] = {"nameLast"}, *values[] = {"SMITH"};
    for (int i = 0; i < N; i++) {
        g_assert_true(crtk_store_set_items(f->s, ids[i], 0, items, values, 1, &error));
        g_assert_no_error(error);
    }
    gint64 noted = -1;
    g_assert_true(crtk_store_select(f->s, "SELECT count(*) FROM temp.crtk_dirty", NULL, 0, first_value, &noted,
                                    &error));
    g_assert_no_error(error);
    /* every change writes the row and notes it at least: no more than half the interim's changes
       are noted rows (without interim flushes all N would be) */
    g_assert_cmpint(noted, >=, 0);
    g_assert_cmpint(noted, <=, 16384 / 2);
    g_assert_true(crtk_store_commit(f->s, &error));
    g_assert_no_error(error);

    crtk_audit_check c;
    g_assert_true(crtk_store_audit_check(f->s, NULL, NULL, &c, &error));
    g_assert_no_error(error);
    g_assert_null(c.why);
    g_assert_cmpint(c.rows, ==, N);
    crtk_audit_check_clear(&c);
    g_free(ids);
}

/* crtk_store_read_to_write: what is written follows from what was read (submit stamps the tumors
 * of the file it wrote).  A change committed by another connection after the read began refuses the
 * upgrade (CRTK_ERROR_CONFLICT) and nothing is written; without one, the write lands on the same
 * snapshot; a writer holding the lock makes it wait, then fail after the busy timeout. */
static void test_read_to_write(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_dictionary *d = crtk_store_dictionary(f->s);
    crtk_record *r = crtk_record_new(d);
    GError *error = NULL;
    g_assert_true(crtk_element_set_id(&r->patient, d, "patientIdNumber", "00000001"));
    g_assert_true(crtk_store_begin(f->s, &error));
    gint64 id = crtk_store_insert_patient(f->s, &r->patient, &error);
    g_assert_no_error(error);
    g_assert_true(crtk_store_commit(f->s, &error));
    crtk_record_free(r);
    crtk_store *other = crtk_store_open(f->db, FALSE, &error);
    g_assert_no_error(error);
    crtk_store_set_actor(other, "colleague", "test");
    const char *items[] = {"nameLast"}, *smith[] = {"SMITH"}, *jones[] = {"JONES"}, *brown[] = {"BROWN"};

    /* another connection commits between the read and the write: refused, nothing written */
    gboolean began = FALSE;
    g_assert_true(crtk_store_read_begin(f->s, &began, &error));
    g_assert_true(began);
    gint64 before = count(f->s, "patients");
    g_assert_true(crtk_store_set_items(other, id, 0, items, smith, 1, &error));
    g_assert_no_error(error);
    g_assert_false(crtk_store_read_to_write(f->s, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_CONFLICT);
    g_assert_nonnull(strstr(error->message, "changed while it was being read"));
    g_clear_error(&error);
    g_assert_cmpint(count(f->s, "patients"), ==, before); /* still reading the old state */
    crtk_store_read_end(f->s);

    /* no change in between: the write lands, and the trail verifies */
    g_assert_true(crtk_store_read_begin(f->s, &began, &error));
    g_assert_true(crtk_store_read_to_write(f->s, &error));
    g_assert_no_error(error);
    g_assert_true(crtk_store_set_items(f->s, id, 0, items, jones, 1, &error));
    g_assert_true(crtk_store_commit(f->s, &error));
    g_assert_no_error(error);
    char *v = NULL;
    g_assert_true(crtk_store_select(other, "SELECT nameLast FROM patient", NULL, 0, first_text, &v, &error));
    g_assert_cmpstr(v, ==, "JONES");
    g_free(v);

    /* another connection holds the write lock: wait up to the busy timeout, then fail (I/O) */
    g_setenv("CRTK_BUSY_TIMEOUT", "0.2", TRUE);
    g_assert_true(crtk_store_read_begin(f->s, &began, &error));
    g_assert_true(crtk_store_begin(other, &error));
    g_assert_true(crtk_store_set_items(other, id, 0, items, brown, 1, &error));
    g_assert_false(crtk_store_read_to_write(f->s, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_IO);
    g_clear_error(&error);
    crtk_store_rollback(other);
    g_assert_true(crtk_store_read_to_write(f->s, &error)); /* the other gave up: no change was committed */
    g_assert_no_error(error);
    crtk_store_rollback(f->s);
    g_unsetenv("CRTK_BUSY_TIMEOUT");

    /* not inside a read of this caller: a usage error */
    g_assert_false(crtk_store_read_to_write(f->s, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_USAGE);
    g_clear_error(&error);

    crtk_audit_check c;
    g_assert_true(crtk_store_audit_check(f->s, NULL, NULL, &c, &error));
    g_assert_no_error(error);
    g_assert_null(c.why);
    crtk_audit_check_clear(&c);
    crtk_store_close(other);
}

/* A unit of a transaction that fails undoes the whole transaction, and the units around it fail
 * too: a caller that went on writing after its inner unit failed writes nothing, and its commit
 * says so (before, the rollback of the inner unit ended the transaction, and the caller's later
 * writes were saved one by one, outside any transaction). */
static void test_failed_unit_fails_the_transaction(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    g_assert_true(crtk_store_begin(f->s, &error));                  /* the caller's transaction */
    g_assert_true(crtk_store_set_setting(f->s, "before", "1", &error)); /* a unit of it */
    g_assert_true(crtk_store_begin(f->s, &error));                  /* an inner unit ... */
    g_assert_true(crtk_store_set_setting(f->s, "inner", "2", &error));
    crtk_store_rollback(f->s);                                      /* ... that fails */
    /* the caller goes on regardless: its writes are held, and refused where they would begin */
    g_assert_false(crtk_store_set_setting(f->s, "after", "3", &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_USAGE);
    g_clear_error(&error);
    g_assert_true(crtk_store_exec(f->s, "INSERT INTO crtk_setting(key, value) VALUES ('raw', '4')", &error));
    g_assert_false(crtk_store_commit(f->s, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_USAGE);
    g_clear_error(&error);
    /* nothing of the transaction was written; the store works again */
    const char *keys[] = {"before", "inner", "after", "raw"};
    for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
        char *v = crtk_store_get_setting(f->s, keys[i]);
        if (v)
            g_test_message("setting %s = %s was written", keys[i], v);
        g_assert_null(v);
    }
    g_assert_true(crtk_store_set_setting(f->s, "later", "5", &error));
    g_assert_no_error(error);

    /* three deep: each enclosing unit ends before the store writes again; rolling back ends them too */
    g_assert_true(crtk_store_begin(f->s, &error));
    g_assert_true(crtk_store_begin(f->s, &error));
    g_assert_true(crtk_store_begin(f->s, &error));
    g_assert_true(crtk_store_set_setting(f->s, "deep", "6", &error));
    crtk_store_rollback(f->s);                 /* the innermost fails */
    g_assert_false(crtk_store_commit(f->s, &error)); /* the middle one cannot be saved */
    g_clear_error(&error);
    g_assert_false(crtk_store_begin(f->s, &error));  /* the outer one is still failed */
    g_clear_error(&error);
    crtk_store_rollback(f->s);                 /* and now ended */
    char *deep = crtk_store_get_setting(f->s, "deep");
    g_assert_null(deep);
    g_assert_true(crtk_store_set_setting(f->s, "last", "7", &error));
    char *last = crtk_store_get_setting(f->s, "last");
    g_assert_cmpstr(last, ==, "7");
    g_free(last);

    crtk_audit_check c;
    g_assert_true(crtk_store_audit_check(f->s, NULL, NULL, &c, &error));
    g_assert_no_error(error);
    g_assert_null(c.why);
    crtk_audit_check_clear(&c);
}

int main(int argc, char **argv)
{
    tu_init(&argc, &argv);
#define T(name, fn) g_test_add("/store/" name, fixture, NULL, setup, fn, teardown)
    T("create", test_create);
    T("no-default-time-limit", test_no_default_time_limit);
    T("import-twice", test_import_twice);
    T("import-update-and-match", test_import_update_and_match);
    T("import-conflict-modes", test_import_conflict_modes);
    T("import-facility-identifiers", test_import_facility_identifiers);
    T("import-needs-patient-number", test_import_needs_patient_number);
    T("two-writers-keep-the-chain", test_two_writers_keep_the_chain);
    T("failed-file-leaves-store", test_failed_file_leaves_store);
    T("import-other-version", test_import_other_version);
    T("export-gives-back-values", test_export_gives_back_values);
    T("where-is-read-only", test_where_is_read_only);
    T("set-items-and-audit", test_set_items_and_audit);
    T("audit-detects-tampering", test_audit_chain_detects_tampering);
    T("audit-detects-removal", test_audit_chain_detects_removal);
    T("sequence-numbers", test_sequence_numbers);
    T("backup-and-upgrade", test_backup_and_upgrade);
    T("row-digest-by-the-documented-rule", test_row_digest_by_the_documented_rule);
    T("digest-value-changed", test_digest_value_changed);
    T("digest-row-deleted", test_digest_row_deleted);
    T("truncation-then-write", test_truncation_then_write);
    T("rehash-behind-checkpoint", test_rehash_behind_checkpoint);
    T("digest-interim-flush", test_digest_interim_flush);
    T("read-to-write", test_read_to_write);
    T("failed-unit-fails-the-transaction", test_failed_unit_fails_the_transaction);
    return tu_finish(g_test_run());
}
