/* test_followup.c — unit tests of the annual follow-up (registry/followup/, reports/letters.c).
 *
 * One store of 20 made-up patients whose right answers were worked out by hand (the table in
 * make_store): patients 11, 12, 15 and 16 months after their last contact, the dead, every
 * reason not to follow, a patient with several tumors, patients past 100, no date of last
 * contact, diagnoses before 2005 and in the current year.  Today is 2026-03-15 (CRTK_TODAY), the
 * reference date 2008-01-01.  The tests check every status, every line of both rate cohorts,
 * the per-year and per-tumor counts, the posting rules, the CSV posting (all or nothing) and the
 * letters' words (through pdftotext: skipped when it is absent, a failure under CI=true).
 */
#include "followup.h"
#include "followup_worksheets.h"
#include "csv.h"
#include "letters.h"
#include "store.h"
#include "test_util.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#define TODAY "20260315"

typedef struct {
    char *dir, *db;
    crtk_store *s;
    crtk_followup_rules rules;
} fixture;

/* Patient and tumor items as "naaccrId=value;..." */
typedef struct {
    const char *patient;
    const char *tumors[3];
} spec;

#define ADDR "addrCurrentNoStreet=1 Elm St;addrCurrentCity=Springfield;addrCurrentState=IL;addrCurrentPostalCode=627010000;addrCurrentCountry=USA"
#define ALIVE "vitalStatus=1;dateOfBirth=19500101;" ADDR
#define BREAST "classOfCase=14;primarySite=C509;histologicTypeIcdO3=8500;behaviorCodeIcdO3=3;npiPhysicianFollowUp=1111111111;nextFollowUpSource=1"

/* The right answers (as of 2026-03-15, reference date 2008-01-01):
 *   status              rate cohort 1 (2008-2025)      cohort 2 (2021-2025)
 *   01 current (11 mo)  D, 2022                        D, 2022
 *   02 due (12 mo)      D, 2022                        D, 2022
 *   03 due (15 mo)      D, 2022                        D, 2022
 *   04 lost (16 mo)     E, 2015 (age 99: not over 100) -
 *   05 dead             B, 2022                        B, 2022
 *   06 excluded non-analytic, 07 foreign, 08 benign, 09 cervix in situ, 10 skin: not counted
 *   11 excluded age over 100 (lost)  B, 2022           B, 2022
 *   12 excluded class 00 (2015)
 *   13 due (13 mo), tumors 2012, 2023 (+ benign 2024)  D, 2012 (per tumor: 2012 + 2023)  D, 2023
 *   14 excluded non-analytic (class 38 + benign)
 *   15 lost (17 mo), in situ only     E, 2023                        E, 2023
 *   16 current, 101 years old         B, 2022                        B, 2022
 *   17 lost, diagnosed 2003           -                              -
 *   18 lost, no date of last contact  E, 2024                        E, 2024
 *   19 current, class 00 in 2005      -                              -
 *   20 current, diagnosed 2026        -                              -
 */
static const spec patients[] = {
    {"patientIdNumber=00000001;nameLast=ONE;nameFirst=ANNA;dateOfLastContact=20250415;" ALIVE,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20220601"}},
    {"patientIdNumber=00000002;nameLast=TWO;nameFirst=BEN;dateOfLastContact=20250315;" ALIVE,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20220601;followUpContactName=Mary Friend;"
             "followUpContactNost=5 Oak Ave;followUpContactCity=Springfield;followUpContactState=IL;"
             "followUpContactPostal=62702"}},
    {"patientIdNumber=00000003;nameLast=THREE;nameFirst=CARA;dateOfLastContact=20241215;" ALIVE,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20220601"}},
    {"patientIdNumber=00000004;nameLast=FOUR;nameFirst=DAN;dateOfLastContact=20241115;vitalStatus=1;"
     "dateOfBirth=19260401;" ADDR,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20150601;npiPhysicianFollowUp=2222222222"}},
    {"patientIdNumber=00000005;nameLast=FIVE;nameFirst=EVE;dateOfLastContact=20240110;vitalStatus=0;"
     "dateOfBirth=19500101;" ADDR,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20220601"}},
    {"patientIdNumber=00000006;nameLast=SIX;dateOfLastContact=20200101;" ALIVE,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20220601;classOfCase=30"}},
    {"patientIdNumber=00000007;nameLast=SEVEN;dateOfLastContact=20200101;vitalStatus=1;addrCurrentCountry=MEX",
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20220601"}},
    {"patientIdNumber=00000008;nameLast=EIGHT;dateOfLastContact=20200101;" ALIVE,
     {"classOfCase=14;primarySite=C700;histologicTypeIcdO3=9530;behaviorCodeIcdO3=0;dateOfDiagnosis=20220601"}},
    {"patientIdNumber=00000009;nameLast=NINE;dateOfLastContact=20200101;" ALIVE,
     {"classOfCase=14;primarySite=C539;histologicTypeIcdO3=8070;behaviorCodeIcdO3=2;dateOfDiagnosis=20220601"}},
    {"patientIdNumber=00000010;nameLast=TEN;dateOfLastContact=20200101;" ALIVE,
     {"classOfCase=14;primarySite=C445;histologicTypeIcdO3=8090;behaviorCodeIcdO3=3;summaryStage2018=1;"
      "dateOfDiagnosis=20220601"}},
    {"patientIdNumber=00000011;nameLast=ELEVEN;dateOfLastContact=20240601;vitalStatus=1;dateOfBirth=19250101;" ADDR,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20220601"}},
    {"patientIdNumber=00000012;nameLast=TWELVE;dateOfLastContact=20200101;" ALIVE,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20150601;classOfCase=00"}},
    {"patientIdNumber=00000013;nameLast=THIRTEEN;nameFirst=MIA;dateOfLastContact=20250120;" ALIVE,
     {BREAST ";tumorRecordNumber=01;primarySite=C504;dateOfDiagnosis=20120501",
      "tumorRecordNumber=02;classOfCase=20;primarySite=C619;histologicTypeIcdO3=8140;behaviorCodeIcdO3=3;"
      "dateOfDiagnosis=20230201;npiPhysicianFollowUp=1111111111",
      "tumorRecordNumber=03;classOfCase=14;primarySite=C700;histologicTypeIcdO3=9530;behaviorCodeIcdO3=0;"
      "dateOfDiagnosis=20240301"}},
    {"patientIdNumber=00000014;nameLast=FOURTEEN;dateOfLastContact=20200101;" ALIVE,
     {"classOfCase=38;primarySite=C349;histologicTypeIcdO3=8140;behaviorCodeIcdO3=3;dateOfDiagnosis=20220601",
      "classOfCase=14;primarySite=C700;histologicTypeIcdO3=9530;behaviorCodeIcdO3=0;dateOfDiagnosis=20230601"}},
    {"patientIdNumber=00000015;nameLast=FIFTEEN;nameFirst=OLGA;dateOfLastContact=20241001;" ALIVE,
     {BREAST ";tumorRecordNumber=01;behaviorCodeIcdO3=2;dateOfDiagnosis=20230301"}},
    {"patientIdNumber=00000016;nameLast=SIXTEEN;dateOfLastContact=20260110;vitalStatus=1;dateOfBirth=19240601;" ADDR,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20220601"}},
    {"patientIdNumber=00000017;nameLast=SEVENTEEN;dateOfLastContact=20240101;" ALIVE,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20030401"}},
    {"patientIdNumber=00000018;nameLast=EIGHTEEN;" ALIVE,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20240701"}},
    {"patientIdNumber=00000019;nameLast=NINETEEN;dateOfLastContact=20250801;" ALIVE,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20050301;classOfCase=00"}},
    {"patientIdNumber=00000020;nameLast=TWENTY;dateOfLastContact=20260105;" ALIVE,
     {BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20260105"}},
};

static void set_items(crtk_element *e, crtk_dictionary *d, const char *items)
{
    char **kv = g_strsplit(items, ";", -1);
    for (char **p = kv; *p; p++) {
        char *eq = strchr(*p, '=');
        g_assert_nonnull(eq);
        *eq = 0;
        g_assert_true(crtk_element_set_id(e, d, *p, eq + 1)); /* later values win (BREAST;site=...) */
    }
    g_strfreev(kv);
}

static void make_store(fixture *f)
{
    crtk_dictionary *d = crtk_store_dictionary(f->s);
    crtk_record *r = crtk_record_new(d);
    GError *error = NULL;
    g_assert_true(crtk_store_begin(f->s, &error));
    for (size_t i = 0; i < G_N_ELEMENTS(patients); i++) {
        crtk_record_clear(r);
        set_items(&r->patient, d, patients[i].patient);
        gint64 pid = crtk_store_insert_patient(f->s, &r->patient, &error);
        g_assert_no_error(error);
        g_assert_cmpint(pid, >, 0);
        for (int t = 0; t < 3 && patients[i].tumors[t]; t++) {
            crtk_element *e = crtk_record_add_tumor(r);
            set_items(e, d, patients[i].tumors[t]);
            g_assert_cmpint(crtk_store_insert_tumor(f->s, pid, e, &error), >, 0);
            g_assert_no_error(error);
        }
    }
    g_assert_true(crtk_store_commit(f->s, &error));
    crtk_record_free(r);
    g_assert_true(crtk_store_set_setting(f->s, "referenceDate", "20080101", &error));
    g_assert_true(crtk_store_set_setting(f->s, "registryName", "Mercy Hospital Cancer Registry", &error));
    g_assert_true(crtk_store_set_setting(f->s, "registryPhone", "2175550100", &error));
    g_assert_true(crtk_store_set_setting(f->s, "registryAddress", "1 Hospital Way / Springfield, IL 62701", &error));
    g_assert_no_error(error);
}

static void setup(fixture *f, gconstpointer data)
{
    (void)data;
    f->dir = tu_make_tmpdir("followup");
    f->db = g_build_filename(f->dir, "reg.db", NULL);
    GError *error = NULL;
    f->s = crtk_store_create(f->db, 260, NULL, &error);
    g_assert_no_error(error);
    crtk_store_set_actor(f->s, "tester", "test");
    make_store(f);
    g_assert_true(crtk_followup_rules_from_store(f->s, NULL, &f->rules, &error));
    g_assert_no_error(error);
    g_assert_cmpint(f->rules.as_of, ==, 20260315);
}

static void teardown(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_store_close(f->s);
    tu_remove_tree(f->dir);
    g_free(f->db);
    g_free(f->dir);
}

/* ---- results by patient ------------------------------------------------------------------------ */

typedef struct {
    crtk_followup_status status;
    crtk_followup_reason reason;
    int months, age, principal;
    gboolean early_only;
} result;

static int collect(crtk_followup_patient *p, void *user)
{
    GHashTable *h = user;
    result *r = g_new0(result, 1);
    r->status = p->status;
    r->reason = p->reason;
    r->months = p->months_since_contact;
    r->age = p->age;
    r->principal = p->principal;
    r->early_only = p->in_situ_or_benign_only;
    g_hash_table_insert(h, g_strdup(p->item[CRTK_FU_PATIENT_ID_NUMBER]), r);
    return CRTK_CONTINUE;
}

static GHashTable *classify_all(fixture *f, const crtk_followup_rules *r)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GError *error = NULL;
    g_assert_true(crtk_followup_scan(f->s, r, CRTK_FU_SCAN_LIST, collect, h, &error));
    g_assert_no_error(error);
    return h;
}

static const result *get(GHashTable *h, int n)
{
    char key[16];
    g_snprintf(key, sizeof key, "%08d", n);
    const result *r = g_hash_table_lookup(h, key);
    g_assert_nonnull(r);
    return r;
}

static char *value(crtk_store *s, const char *sql)
{
    char *out = NULL;
    int cb(int n, const char *const *v, const char *const *names, void *u);
    g_assert_true(crtk_store_select(s, sql, NULL, 0, cb, &out, NULL));
    return out;
}

int cb(int n, const char *const *v, const char *const *names, void *u)
{
    (void)n, (void)names;
    char **out = u;
    g_free(*out);
    *out = g_strdup(v[0] ? v[0] : "(null)");
    return 0;
}

/* ---- dates and single rules ---------------------------------------------------------------------- */

static crtk_followup_reason reason_of(const char *items)
{
    crtk_followup_tumor t;
    memset(&t, 0, sizeof t);
    char **kv = g_strsplit(items, ";", -1);
    for (char **p = kv; *p; p++) {
        char *eq = strchr(*p, '=');
        *eq = 0;
        for (int i = CRTK_FU_N_PATIENT_ITEMS; i < CRTK_FU_N_ITEMS; i++)
            if (!strcmp(crtk_followup_item_id(i), *p))
                t.item[i] = eq + 1;
    }
    crtk_followup_reason r = crtk_followup_tumor_reason(&t);
    g_strfreev(kv);
    return r;
}

static void test_tumor_rules(void)
{
    const char *inv = "primarySite=C509;histologicTypeIcdO3=8500;behaviorCodeIcdO3=3;dateOfDiagnosis=20200101";
    char *s;
#define R(extra) (s = g_strconcat(inv, ";", extra, NULL), reason = reason_of(s), g_free(s), reason)
    crtk_followup_reason reason;
    /* analytic classes */
    static const char *const analytic[] = {"10", "11", "12", "13", "14", "20", "21", "22"};
    for (size_t i = 0; i < G_N_ELEMENTS(analytic); i++) {
        char *e = g_strconcat("classOfCase=", analytic[i], NULL);
        g_assert_cmpint(R(e), ==, CRTK_FU_FOLLOWED);
        g_free(e);
    }
    static const char *const non[] = {"30", "31", "32", "33", "34", "35", "36", "37", "38",
                                      "40", "41", "42", "43", "49", "99", "1", "xx"};
    for (size_t i = 0; i < G_N_ELEMENTS(non); i++) {
        char *e = g_strconcat("classOfCase=", non[i], NULL);
        g_assert_cmpint(R(e), ==, CRTK_FU_NON_ANALYTIC);
        g_free(e);
    }
    g_assert_cmpint(reason_of(inv), ==, CRTK_FU_NON_ANALYTIC); /* no class: unknown */
    g_assert_cmpint(R("classOfCase=14;behaviorCodeIcdO3=0"), ==, CRTK_FU_BENIGN);
    g_assert_cmpint(R("classOfCase=14;behaviorCodeIcdO3=1"), ==, CRTK_FU_BENIGN);
    g_assert_cmpint(R("classOfCase=14;behaviorCodeIcdO3=2"), ==, CRTK_FU_FOLLOWED); /* breast in situ */
    g_assert_cmpint(R("classOfCase=14;primarySite=C530;behaviorCodeIcdO3=2"), ==, CRTK_FU_CERVIX_IN_SITU);
    g_assert_cmpint(R("classOfCase=14;primarySite=C539;behaviorCodeIcdO3=3"), ==, CRTK_FU_FOLLOWED);
    /* skin: basal/squamous, in situ or localized */
    g_assert_cmpint(R("classOfCase=14;primarySite=C443;histologicTypeIcdO3=8070;behaviorCodeIcdO3=2"), ==, CRTK_FU_SKIN);
    g_assert_cmpint(R("classOfCase=14;primarySite=C443;histologicTypeIcdO3=8090;behaviorCodeIcdO3=3;"
                      "summaryStage2018=1"), ==, CRTK_FU_SKIN);
    g_assert_cmpint(R("classOfCase=14;primarySite=C443;histologicTypeIcdO3=8090;behaviorCodeIcdO3=3;"
                      "seerSummaryStage2000=1"), ==, CRTK_FU_SKIN);
    g_assert_cmpint(R("classOfCase=14;primarySite=C443;histologicTypeIcdO3=8090;behaviorCodeIcdO3=3;"
                      "summaryStage2018=3"), ==, CRTK_FU_FOLLOWED); /* regional */
    g_assert_cmpint(R("classOfCase=14;primarySite=C443;histologicTypeIcdO3=8090;behaviorCodeIcdO3=3"), ==,
                    CRTK_FU_FOLLOWED); /* stage unknown */
    g_assert_cmpint(R("classOfCase=14;primarySite=C443;histologicTypeIcdO3=8720;behaviorCodeIcdO3=3;"
                      "summaryStage2018=1"), ==, CRTK_FU_FOLLOWED); /* melanoma */
    /* class 00: followed before 2006, not from 2006 on */
    g_assert_cmpint(R("classOfCase=00;dateOfDiagnosis=20051231"), ==, CRTK_FU_FOLLOWED);
    g_assert_cmpint(R("classOfCase=00;dateOfDiagnosis=20060101"), ==, CRTK_FU_CLASS_00);
    g_assert_cmpint(R("classOfCase=00;dateOfDiagnosis="), ==, CRTK_FU_CLASS_00);
#undef R
}

/* ---- statuses -------------------------------------------------------------------------------------- */

static void test_statuses(fixture *f, gconstpointer data)
{
    (void)data;
    GHashTable *h = classify_all(f, &f->rules);
    g_assert_cmpint(g_hash_table_size(h), ==, 20);
    struct {
        int n;
        crtk_followup_status st;
        crtk_followup_reason reason;
        int months;
    } want[] = {
        {1, CRTK_FU_CURRENT, 0, 11},
        {2, CRTK_FU_DUE, 0, 12},
        {3, CRTK_FU_DUE, 0, 15},
        {4, CRTK_FU_LOST, 0, 16},
        {5, CRTK_FU_DEAD, 0, 26},
        {6, CRTK_FU_EXCLUDED, CRTK_FU_NON_ANALYTIC, 74},
        {7, CRTK_FU_EXCLUDED, CRTK_FU_FOREIGN, 74},
        {8, CRTK_FU_EXCLUDED, CRTK_FU_BENIGN, 74},
        {9, CRTK_FU_EXCLUDED, CRTK_FU_CERVIX_IN_SITU, 74},
        {10, CRTK_FU_EXCLUDED, CRTK_FU_SKIN, 74},
        {11, CRTK_FU_EXCLUDED, CRTK_FU_AGE_OVER_100, 21},
        {12, CRTK_FU_EXCLUDED, CRTK_FU_CLASS_00, 74},
        {13, CRTK_FU_DUE, 0, 13},
        {14, CRTK_FU_EXCLUDED, CRTK_FU_NON_ANALYTIC, 74},
        {15, CRTK_FU_LOST, 0, 17},
        {16, CRTK_FU_CURRENT, 0, 2},
        {17, CRTK_FU_LOST, 0, 26},
        {18, CRTK_FU_LOST, 0, -1},
        {19, CRTK_FU_CURRENT, 0, 7},
        {20, CRTK_FU_CURRENT, 0, 2},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        const result *r = get(h, want[i].n);
        if (r->status != want[i].st || r->reason != want[i].reason || r->months != want[i].months)
            g_error("patient %d: %s/%s %d months, expected %s/%s %d", want[i].n, crtk_followup_status_name(r->status),
                    crtk_followup_reason_code(r->reason), r->months, crtk_followup_status_name(want[i].st),
                    crtk_followup_reason_code(want[i].reason), want[i].months);
    }
    g_assert_cmpint(get(h, 4)->age, ==, 99);   /* birthday 2026-04-01 still to come */
    g_assert_cmpint(get(h, 16)->age, ==, 101);
    g_assert_cmpint(get(h, 13)->principal, ==, 1); /* latest followed tumor: the 2023 prostate */
    g_assert_true(get(h, 15)->early_only);
    g_assert_false(get(h, 13)->early_only);
    g_hash_table_destroy(h);
}

static void test_windows_from_settings(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    g_assert_true(crtk_store_set_setting(f->s, "followupDueMonths", "13", &error));
    g_assert_true(crtk_store_set_setting(f->s, "followupLostMonths", "16", &error));
    crtk_followup_rules r;
    g_assert_true(crtk_followup_rules_from_store(f->s, NULL, &r, &error));
    GHashTable *h = classify_all(f, &r);
    g_assert_cmpint(get(h, 2)->status, ==, CRTK_FU_CURRENT); /* 12 months < 13 */
    g_assert_cmpint(get(h, 13)->status, ==, CRTK_FU_DUE);     /* 13 months */
    g_assert_cmpint(get(h, 4)->status, ==, CRTK_FU_DUE);      /* exactly 16 */
    g_assert_cmpint(get(h, 15)->status, ==, CRTK_FU_LOST);    /* 17 */
    g_hash_table_destroy(h);
    /* an as-of date a month later */
    g_assert_true(crtk_followup_rules_from_store(f->s, "2026-04-15", &r, &error));
    h = classify_all(f, &r);
    g_assert_cmpint(get(h, 2)->status, ==, CRTK_FU_DUE);
    g_assert_cmpint(get(h, 15)->status, ==, CRTK_FU_LOST);
    /* 04 turned 100 on 2026-04-01 and is past the due window: no longer followed */
    g_assert_cmpint(get(h, 4)->status, ==, CRTK_FU_EXCLUDED);
    g_assert_cmpint(get(h, 4)->reason, ==, CRTK_FU_AGE_OVER_100);
    g_hash_table_destroy(h);
    /* settings that make no sense */
    g_assert_true(crtk_store_set_setting(f->s, "followupLostMonths", "6", &error));
    g_assert_false(crtk_followup_rules_from_store(f->s, NULL, &r, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_USAGE);
    g_clear_error(&error);
    g_assert_false(crtk_followup_rules_from_store(f->s, "2026-02-30", &r, &error));
    g_clear_error(&error);
}

static void test_home_countries(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    g_assert_true(crtk_store_set_setting(f->s, "followupHomeCountries", "USA MEX", &error));
    crtk_followup_rules r;
    g_assert_true(crtk_followup_rules_from_store(f->s, NULL, &r, &error));
    GHashTable *h = classify_all(f, &r);
    g_assert_cmpint(get(h, 7)->status, ==, CRTK_FU_LOST);
    g_hash_table_destroy(h);
    /* Next Follow-Up Source 8 marks a foreign resident too */
    GError *e = NULL;
    gint64 pid = crtk_store_find_patient(f->s, "00000001");
    char *tid = value(f->s, "SELECT t.id FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE p.patientIdNumber = '00000001'");
    const char *items[] = {"nextFollowUpSource"}, *values[] = {"8"};
    g_assert_true(crtk_store_set_items(f->s, pid, g_ascii_strtoll(tid, NULL, 10), items, values, 1, &e));
    g_free(tid);
    h = classify_all(f, &r);
    g_assert_cmpint(get(h, 1)->reason, ==, CRTK_FU_FOREIGN);
    g_hash_table_destroy(h);
}

/* ---- rates ------------------------------------------------------------------------------------------ */

static void assert_line(const crtk_followup_rate_line *l, long a, long b, long c, long d, long e)
{
    if (l->a != a || l->b != b || l->c != c || l->d != d || l->e != e)
        g_error("year %d: A %ld B %ld C %ld D %ld E %ld, expected %ld %ld %ld %ld %ld", l->year, l->a, l->b, l->c, l->d,
                l->e, a, b, c, d, e);
}

static const crtk_followup_rate_line *year(const crtk_followup_cohort *c, int y)
{
    for (guint i = 0; i < c->years->len; i++)
        if (g_array_index(c->years, crtk_followup_rate_line, i).year == y)
            return &g_array_index(c->years, crtk_followup_rate_line, i);
    g_error("no year %d", y);
    return NULL;
}

static void test_rates(fixture *f, gconstpointer data)
{
    (void)data;
    crtk_followup_rate rate;
    crtk_followup_rate_init(&rate, &f->rules, FALSE);
    GError *error = NULL;
    g_assert_true(crtk_followup_rate_compute(f->s, &rate, &error));
    g_assert_no_error(error);
    const crtk_followup_cohort *c1 = &rate.cohort[0], *c2 = &rate.cohort[1];
    g_assert_cmpint(c1->from, ==, 20080101);
    g_assert_cmpint(c1->to, ==, 20251231);
    g_assert_cmpint(c2->from, ==, 20210101);
    g_assert_cmpint(c2->to, ==, 20251231);
    g_assert_cmpfloat(c1->target, ==, 80.0);
    g_assert_cmpfloat(c2->target, ==, 90.0);
    /* cohort 1: A 10 (01 02 03 04 05 11 13 15 16 18), B 3 (05 11 16), C 7, D 4 (01 02 03 13), E 3 (04 15 18) */
    assert_line(&c1->total, 10, 3, 7, 4, 3);
    g_assert_cmpfloat_with_epsilon(crtk_followup_rate_percent(&c1->total), 70.0, 1e-9);
    g_assert_false(crtk_followup_rate_pass(c1, &c1->total));
    g_assert_cmpint(c1->years->len, ==, 18); /* 2008..2025 */
    assert_line(year(c1, 2012), 1, 0, 1, 1, 0);
    assert_line(year(c1, 2015), 1, 0, 1, 0, 1);
    assert_line(year(c1, 2022), 6, 3, 3, 3, 0);
    assert_line(year(c1, 2023), 1, 0, 1, 0, 1);
    assert_line(year(c1, 2024), 1, 0, 1, 0, 1);
    assert_line(year(c1, 2010), 0, 0, 0, 0, 0);
    /* cohort 2: without 04 (2015); 13 counts in 2023 */
    assert_line(&c2->total, 9, 3, 6, 4, 2);
    g_assert_cmpfloat_with_epsilon(crtk_followup_rate_percent(&c2->total), 700.0 / 9.0, 1e-9);
    g_assert_false(crtk_followup_rate_pass(c2, &c2->total));
    g_assert_cmpint(c2->years->len, ==, 5);
    assert_line(year(c2, 2022), 6, 3, 3, 3, 0);
    assert_line(year(c2, 2023), 2, 0, 2, 1, 1);
    assert_line(year(c2, 2024), 1, 0, 1, 0, 1);
    crtk_followup_rate_clear(&rate);

    /* per tumor: 13 has followed tumors in 2012 and 2023 */
    crtk_followup_rate_init(&rate, &f->rules, TRUE);
    g_assert_true(crtk_followup_rate_compute(f->s, &rate, &error));
    assert_line(&rate.cohort[0].total, 11, 3, 8, 5, 3);
    assert_line(year(&rate.cohort[0], 2023), 2, 0, 2, 1, 1);
    assert_line(&rate.cohort[1].total, 9, 3, 6, 4, 2);
    crtk_followup_rate_clear(&rate);

    /* without a reference date the cohort starts in 2005 (CoC 2021): 17 (2003) stays out, 19 (class 00
     * diagnosed in 2005, current) comes in */
    g_assert_true(crtk_store_set_setting(f->s, "referenceDate", "", &error));
    crtk_followup_rules r;
    g_assert_true(crtk_followup_rules_from_store(f->s, NULL, &r, &error));
    crtk_followup_rate_init(&rate, &r, FALSE);
    g_assert_true(crtk_followup_rate_compute(f->s, &rate, &error));
    g_assert_cmpint(rate.cohort[0].from, ==, 20050101);
    assert_line(&rate.cohort[0].total, 11, 3, 8, 5, 3);
    assert_line(year(&rate.cohort[0], 2005), 1, 0, 1, 1, 0);
    crtk_followup_rate_clear(&rate);
    /* a recent reference date makes the five-year cohort shorter */
    g_assert_true(crtk_store_set_setting(f->s, "referenceDate", "20230101", &error));
    g_assert_true(crtk_followup_rules_from_store(f->s, NULL, &r, &error));
    crtk_followup_rate_init(&rate, &r, FALSE);
    g_assert_true(crtk_followup_rate_compute(f->s, &rate, &error));
    g_assert_cmpint(rate.cohort[1].from, ==, 20230101);
    assert_line(&rate.cohort[0].total, 3, 0, 3, 1, 2); /* 13 (2023), 15, 18 */
    assert_line(&rate.cohort[1].total, 3, 0, 3, 1, 2);
    crtk_followup_rate_clear(&rate);
}

static void test_rate_pass(void)
{
    crtk_followup_cohort c = {.target = 80.0};
    crtk_followup_rate_line l = {.a = 10, .b = 2, .d = 6};
    g_assert_true(crtk_followup_rate_pass(&c, &l)); /* exactly 80 % */
    l.d = 5;
    g_assert_false(crtk_followup_rate_pass(&c, &l));
    crtk_followup_rate_line none = {0};
    g_assert_true(crtk_followup_rate_pass(&c, &none));
    g_assert_cmpfloat(crtk_followup_rate_percent(&none), ==, 0.0);
}

/* One rounding rule, half up to tenths (worked by hand): 13/16 = 81.25 -> 81.3 (printf's %.1f gives
 * 81.2, to even); 1/8 = 12.5 -> 12.5; 2/3 = 66.67 -> 66.7; 1/16 = 6.25 -> 6.3; 5/7 = 71.43 -> 71.4. */
static void test_rate_rounding(void)
{
    crtk_followup_rate_line l = {.a = 16, .b = 3, .d = 10};
    g_assert_cmpint(crtk_followup_rate_tenths(&l), ==, 813);
    l = (crtk_followup_rate_line){.a = 8, .d = 1};
    g_assert_cmpint(crtk_followup_rate_tenths(&l), ==, 125);
    l = (crtk_followup_rate_line){.a = 3, .b = 1, .d = 1};
    g_assert_cmpint(crtk_followup_rate_tenths(&l), ==, 667);
    l = (crtk_followup_rate_line){.a = 16, .d = 1};
    g_assert_cmpint(crtk_followup_rate_tenths(&l), ==, 63);
    l = (crtk_followup_rate_line){.a = 7, .b = 1, .d = 4};
    g_assert_cmpint(crtk_followup_rate_tenths(&l), ==, 714);
    l = (crtk_followup_rate_line){0};
    g_assert_cmpint(crtk_followup_rate_tenths(&l), ==, 0);
}

/* ---- posting ---------------------------------------------------------------------------------------- */

static char *item_of(fixture *f, const char *pid, const char *item, const char *tumor_record)
{
    char *sql;
    if (tumor_record)
        sql = g_strdup_printf("SELECT t.\"%s\" FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE "
                              "p.patientIdNumber = '%s' AND t.tumorRecordNumber = '%s'", item, pid, tumor_record);
    else
        sql = g_strdup_printf("SELECT \"%s\" FROM patient WHERE patientIdNumber = '%s'", item, pid);
    char *v = value(f->s, sql);
    g_free(sql);
    return v;
}

#define ASSERT_ITEM(pid, item, tumor, want)                                                                          \
    do {                                                                                                             \
        char *v_ = item_of(f, pid, item, tumor);                                                                     \
        g_assert_cmpstr(v_, ==, want);                                                                               \
        g_free(v_);                                                                                                  \
    } while (0)

static void test_post(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *audit0 = value(f->s, "SELECT count(*) FROM audit");
    const char *cs[] = {"1"};
    crtk_followup_contact c = {.date = "2026-03-01", .vital_status = "1", .cancer_status = cs, .n_cancer_status = 1,
                               .source = "2"};
    g_assert_true(crtk_followup_post(f->s, &f->rules, "00000002", &c, &error));
    g_assert_no_error(error);
    ASSERT_ITEM("00000002", "dateOfLastContact", NULL, "20260301");
    ASSERT_ITEM("00000002", "vitalStatus", NULL, "1");
    ASSERT_ITEM("00000002", "cancerStatus", "01", "1");
    ASSERT_ITEM("00000002", "dateOfLastCancerStatus", "01", "20260301");
    ASSERT_ITEM("00000002", "followUpSource", "01", "2");
    ASSERT_ITEM("00000002", "dateCaseLastChanged", "01", TODAY);
    char *audit1 = value(f->s, "SELECT count(*) FROM audit");
    g_assert_cmpint(atoi(audit1), >=, atoi(audit0) + 5);
    char *who = value(f->s, "SELECT user FROM audit WHERE item = 'dateOfLastContact' ORDER BY id DESC LIMIT 1");
    g_assert_cmpstr(who, ==, "tester");
    g_free(who), g_free(audit0), g_free(audit1);
    GHashTable *h = classify_all(f, &f->rules);
    g_assert_cmpint(get(h, 2)->status, ==, CRTK_FU_CURRENT);
    g_hash_table_destroy(h);

    /* the future is refused, even with force */
    crtk_followup_contact future = {.date = "20260316", .vital_status = "1", .force = TRUE};
    g_assert_false(crtk_followup_post(f->s, &f->rules, "00000002", &future, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_DATA);
    g_assert_nonnull(strstr(error->message, "future"));
    g_clear_error(&error);
    ASSERT_ITEM("00000002", "dateOfLastContact", NULL, "20260301");

    /* older than recorded: refused, then accepted with force */
    crtk_followup_contact older = {.date = "20260201", .vital_status = "1"};
    g_assert_false(crtk_followup_post(f->s, &f->rules, "00000002", &older, &error));
    g_assert_nonnull(strstr(error->message, "older"));
    g_clear_error(&error);
    ASSERT_ITEM("00000002", "dateOfLastContact", NULL, "20260301");
    older.force = TRUE;
    g_assert_true(crtk_followup_post(f->s, &f->rules, "00000002", &older, &error));
    ASSERT_ITEM("00000002", "dateOfLastContact", NULL, "20260201");

    /* the same date again is no change and no error */
    g_assert_true(crtk_followup_post(f->s, &f->rules, "00000002", &older, &error));

    /* before the diagnosis (patient 18 has no date of last contact, diagnosis 2024-07) */
    crtk_followup_contact early = {.date = "20240615", .vital_status = "1"};
    g_assert_false(crtk_followup_post(f->s, &f->rules, "00000018", &early, &error));
    g_assert_nonnull(strstr(error->message, "diagnosis"));
    g_clear_error(&error);
    ASSERT_ITEM("00000018", "dateOfLastContact", NULL, "(null)");

    /* a death, with its cause; then an "alive" contact is refused without force */
    crtk_followup_contact death = {.date = "20260310", .vital_status = "0", .cause_of_death = "C509"};
    g_assert_true(crtk_followup_post(f->s, &f->rules, "00000003", &death, &error));
    ASSERT_ITEM("00000003", "vitalStatus", NULL, "0");
    ASSERT_ITEM("00000003", "causeOfDeath", NULL, "C509");
    ASSERT_ITEM("00000003", "icdRevisionNumber", NULL, "1");
    crtk_followup_contact alive = {.date = "20260312", .vital_status = "1"};
    g_assert_false(crtk_followup_post(f->s, &f->rules, "00000003", &alive, &error));
    g_assert_nonnull(strstr(error->message, "dead"));
    g_clear_error(&error);
    alive.force = TRUE;
    g_assert_true(crtk_followup_post(f->s, &f->rules, "00000003", &alive, &error));
    ASSERT_ITEM("00000003", "vitalStatus", NULL, "1");

    /* cancer status per tumor, by tumor record number and by primary site */
    const char *per[] = {"01=1", "C619=2"};
    crtk_followup_contact pt = {.date = "20260302", .vital_status = "1", .cancer_status = per, .n_cancer_status = 2};
    g_assert_true(crtk_followup_post(f->s, &f->rules, "00000013", &pt, &error));
    g_assert_no_error(error);
    ASSERT_ITEM("00000013", "cancerStatus", "01", "1");
    ASSERT_ITEM("00000013", "cancerStatus", "02", "2");
    ASSERT_ITEM("00000013", "cancerStatus", "03", "(null)");
    ASSERT_ITEM("00000013", "dateCaseLastChanged", "03", TODAY); /* the contact is every tumor's */
    const char *bad[] = {"07=1"};
    pt.cancer_status = bad;
    pt.n_cancer_status = 1;
    g_assert_false(crtk_followup_post(f->s, &f->rules, "00000013", &pt, &error));
    g_assert_nonnull(strstr(error->message, "no tumor 07"));
    g_clear_error(&error);

    /* wrong codes and unknown patients */
    crtk_followup_contact wrong = {.date = "20260302", .vital_status = "2"};
    g_assert_false(crtk_followup_post(f->s, &f->rules, "00000013", &wrong, &error));
    g_clear_error(&error);
    const char *cs7[] = {"7"};
    crtk_followup_contact wrong2 = {.date = "20260302", .vital_status = "1", .cancer_status = cs7, .n_cancer_status = 1};
    g_assert_false(crtk_followup_post(f->s, &f->rules, "00000013", &wrong2, &error));
    g_clear_error(&error);
    crtk_followup_contact wrong3 = {.date = "20260302", .vital_status = "1", .source = "6"};
    g_assert_false(crtk_followup_post(f->s, &f->rules, "00000013", &wrong3, &error));
    g_clear_error(&error);
    crtk_followup_contact cod_alive = {.date = "20260302", .vital_status = "1", .cause_of_death = "C509"};
    g_assert_false(crtk_followup_post(f->s, &f->rules, "00000013", &cod_alive, &error));
    g_clear_error(&error);
    g_assert_false(crtk_followup_post(f->s, &f->rules, "99999999", &alive, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_DATA);
    g_clear_error(&error);

    /* the trail is intact */
    gint64 checked, badid;
    char *why = NULL;
    g_assert_true(crtk_store_audit_verify(f->s, &checked, &badid, &why, NULL));
    g_free(why);
}

static void test_post_csv(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    int posted = -1;
    char *csv = g_build_filename(f->dir, "returned.csv", NULL);
    char *audit0 = value(f->s, "SELECT count(*) FROM audit");
    /* line 4 is in the future: nothing may be posted */
    g_assert_true(g_file_set_contents(csv,
                                      "patientIdNumber,date,vitalStatus,cancerStatus,source\n"
                                      "00000002,2026-03-01,1,1,3\n"
                                      "00000013,20260302,1,\"01=1;02=2\",2\n"
                                      "00000004,20270101,1,,\n", -1, NULL));
    g_assert_false(crtk_followup_post_csv(f->s, &f->rules, csv, FALSE, &posted, &error));
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "returned.csv:4:"));
    g_assert_nonnull(strstr(error->message, "future"));
    g_clear_error(&error);
    g_assert_cmpint(posted, ==, 0);
    ASSERT_ITEM("00000002", "dateOfLastContact", NULL, "20250315");
    ASSERT_ITEM("00000013", "cancerStatus", "02", "(null)");
    char *audit1 = value(f->s, "SELECT count(*) FROM audit");
    g_assert_cmpstr(audit0, ==, audit1);
    g_free(audit1);

    /* an older date on line 3, with CRLF line ends */
    g_assert_true(g_file_set_contents(csv,
                                      "patientIdNumber,date,vitalStatus\r\n"
                                      "00000002,2026-03-01,1\r\n"
                                      "00000003,20240101,1\r\n", -1, NULL));
    g_assert_false(crtk_followup_post_csv(f->s, &f->rules, csv, FALSE, &posted, &error));
    g_assert_nonnull(strstr(error->message, "returned.csv:3:"));
    g_clear_error(&error);
    ASSERT_ITEM("00000002", "dateOfLastContact", NULL, "20250315");
    /* with force it goes in */
    g_assert_true(crtk_followup_post_csv(f->s, &f->rules, csv, TRUE, &posted, &error));
    g_assert_no_error(error);
    g_assert_cmpint(posted, ==, 2);
    ASSERT_ITEM("00000003", "dateOfLastContact", NULL, "20240101");

    /* a good file */
    g_assert_true(g_file_set_contents(csv,
                                      "patientIdNumber,date,vitalStatus,cancerStatus,source,causeOfDeath\n"
                                      "00000004,2026-03-10,1,1,2,\n"
                                      "\n"
                                      "00000013,20260302,1,\"01=1;02=2\",2,\n"
                                      "00000015,20260305,0,,07,C509\n", -1, NULL));
    g_assert_true(crtk_followup_post_csv(f->s, &f->rules, csv, FALSE, &posted, &error));
    g_assert_no_error(error);
    g_assert_cmpint(posted, ==, 3);
    ASSERT_ITEM("00000004", "dateOfLastContact", NULL, "20260310");
    ASSERT_ITEM("00000013", "cancerStatus", "02", "2");
    ASSERT_ITEM("00000015", "vitalStatus", NULL, "0");
    ASSERT_ITEM("00000015", "followUpSourceCentral", NULL, "07");

    /* a bad header */
    g_assert_true(g_file_set_contents(csv, "patient,when,vitalStatus\n00000004,20260311,1\n", -1, NULL));
    g_assert_false(crtk_followup_post_csv(f->s, &f->rules, csv, FALSE, &posted, &error));
    g_assert_nonnull(strstr(error->message, "returned.csv:1:"));
    g_assert_nonnull(strstr(error->message, "when"));
    g_clear_error(&error);
    g_free(audit0);
    g_free(csv);
}

/* ---- letters ------------------------------------------------------------------------------------------ */

typedef struct {
    crtk_letters *l;
    gboolean want[CRTK_FU_N_STATUS];
    int skipped;
} letters_ctx;

static int add_letter(crtk_followup_patient *p, void *user)
{
    letters_ctx *c = user;
    const char *why;
    if (c->want[p->status] && !crtk_letters_add(c->l, p, &why))
        c->skipped++;
    return CRTK_CONTINUE;
}

static crtk_letters *make_letters(fixture *f, crtk_letter_to to, int *skipped)
{
    crtk_letter_registry reg = {"Mercy Hospital Cancer Registry", "2175550100", "1 Hospital Way / Springfield, IL 62701",
                                NULL, NULL, f->rules.as_of};
    letters_ctx c = {crtk_letters_new(to, &reg), {0}, 0};
    c.want[CRTK_FU_DUE] = c.want[CRTK_FU_LOST] = TRUE;
    g_assert_true(crtk_followup_scan(f->s, &f->rules, CRTK_FU_SCAN_LIST, add_letter, &c, NULL));
    *skipped = c.skipped;
    return c.l;
}

/* The PDF's text by pdftotext, or NULL after tu_skip() (a failure under CI=true) when it is absent. */
static char *pdf_text(const char *pdf)
{
    char *exe = tu_program("pdftotext", "reading the PDF letters back");
    if (!exe)
        return NULL;
    char *out = NULL;
    int status;
    const char *argv[] = {exe, "-layout", pdf, "-", NULL};
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
                               NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_free(exe);
    /* pdftotext may break a phrase over lines: one space for every run of white space */
    GRegex *ws = g_regex_new("\\s+", 0, 0, NULL);
    char *flat = g_regex_replace_literal(ws, out, -1, 0, " ", 0, NULL);
    g_regex_unref(ws);
    g_free(out);
    return flat;
}

static void test_letters_patient(fixture *f, gconstpointer data)
{
    (void)data;
    int skipped;
    crtk_letters *l = make_letters(f, CRTK_LETTER_PATIENT, &skipped);
    /* due or lost: 02 03 04 13 15 17 18; all have addresses except... all have (ALIVE has ADDR) */
    g_assert_cmpint(crtk_letters_count(l), ==, 7);
    g_assert_cmpint(skipped, ==, 0);
    gboolean found_early = FALSE;
    for (guint i = 0; i < crtk_letters_count(l); i++) {
        const crtk_letter *x = crtk_letters_get(l, i);
        char *body = crtk_letter_body_text(l, x), *form = crtk_letter_form_text(l, x);
        char *lb = g_ascii_strdown(body, -1), *lf = g_ascii_strdown(form, -1);
        g_assert_null(strstr(lb, "cancer"));
        g_assert_null(strstr(lf, "cancer"));
        g_assert_nonnull(strstr(body, "Mercy Hospital Registry"));
        g_assert_nonnull(strstr(body, "(217) 555-0100"));
        if (x->in_situ_or_benign_only) {
            found_early = TRUE;
            g_assert_nonnull(strstr(body, "found early"));
            g_assert_nonnull(strstr(x->recipient, "Olga Fifteen"));
        } else {
            g_assert_null(strstr(body, "found early"));
        }
        g_free(body), g_free(form), g_free(lb), g_free(lf);
    }
    g_assert_true(found_early);
    char *pdf = g_build_filename(f->dir, "letters.pdf", NULL), *csv = g_build_filename(f->dir, "letters.csv", NULL);
    GError *error = NULL;
    g_assert_true(crtk_letters_write_pdf(l, pdf, &error));
    g_assert_true(crtk_letters_write_csv(l, csv, &error));
    g_assert_no_error(error);
    char *csvtext;
    g_assert_true(g_file_get_contents(csv, &csvtext, NULL, NULL));
    g_assert_true(g_str_has_prefix(csvtext, "letter,to,variant,recipient,"));
    g_assert_nonnull(strstr(csvtext, "Ben Two"));
    g_assert_nonnull(strstr(csvtext, "Springfield, IL 62701-0000"));
    g_assert_nonnull(strstr(csvtext, "in-situ-or-benign"));
    char *lower = g_ascii_strdown(csvtext, -1);
    g_assert_null(strstr(lower, "cancer"));
    g_free(lower);
    g_free(csvtext);
    char *text = pdf_text(pdf);
    if (text) {
        g_assert_nonnull(strstr(text, "Mercy Hospital Registry"));
        g_assert_nonnull(strstr(text, "Telephone (217) 555-0100"));
        g_assert_nonnull(strstr(text, "Dear Ben Two:"));
        g_assert_nonnull(strstr(text, "1 Elm St"));
        g_assert_nonnull(strstr(text, "Reply form"));
        g_assert_nonnull(strstr(text, "March 15, 2026"));
        g_assert_nonnull(strstr(text, "found early"));
        g_assert_nonnull(strstr(text, "Letter 7 of 7"));
        char *lt = g_ascii_strdown(text, -1);
        g_assert_null(strstr(lt, "cancer"));
        g_free(lt);
        g_free(text);
    }
    g_free(pdf), g_free(csv);
    crtk_letters_free(l);
}

static void test_letters_physician(fixture *f, gconstpointer data)
{
    (void)data;
    int skipped;
    crtk_letters *l = make_letters(f, CRTK_LETTER_PHYSICIAN, &skipped);
    /* NPI 1111111111: 02 03 13 15 17 18; NPI 2222222222: 04 */
    g_assert_cmpint(crtk_letters_count(l), ==, 2);
    const crtk_letter *a = crtk_letters_get(l, 0), *b = crtk_letters_get(l, 1);
    g_assert_cmpstr(a->key, ==, "1111111111");
    g_assert_cmpint(a->patients->len, ==, 6);
    g_assert_cmpstr(b->key, ==, "2222222222");
    g_assert_cmpint(b->patients->len, ==, 1);
    g_assert_cmpint(crtk_letters_unaddressed(l), ==, 2);
    g_assert_true(a->unaddressed && b->unaddressed && !a->recipient); /* no "Physician code ..." letter */
    crtk_letters_free(l);

    /* salutations from the names people write */
    static const char *const names[][2] = {{"Anna Nguyen, MD", "Dr. Nguyen"}, {"Nguyen, Anna", "Dr. Nguyen"},
                                           {"Dr. Anna Nguyen", "Dr. Nguyen"}, {"Brian Patel MD PhD", "Dr. Patel"},
                                           {"Nguyen, Anna, M.D.", "Dr. Nguyen"}};
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        char *sal = crtk_letter_salutation_name(names[i][0]);
        g_assert_cmpstr(sal, ==, names[i][1]);
        g_free(sal);
    }
    g_assert_null(crtk_letter_salutation_name(""));

    /* with a physician directory */
    char *dir = g_build_filename(f->dir, "physicians.csv", NULL);
    g_assert_true(g_file_set_contents(dir, "id,name,address1,city,state,postalCode\n"
                                           "1111111111,\"Dr. Ada Lovelace, MD\",20 Clinic Rd,Springfield,IL,62703\n", -1,
                                      NULL));
    crtk_letter_registry reg = {"Mercy Hospital Cancer Registry", "2175550100", NULL, NULL, NULL, f->rules.as_of};
    letters_ctx c = {crtk_letters_new(CRTK_LETTER_PHYSICIAN, &reg), {0}, 0};
    c.want[CRTK_FU_DUE] = TRUE;
    GError *error = NULL;
    g_assert_true(crtk_letters_load_physicians(c.l, dir, &error));
    g_assert_true(crtk_followup_scan(f->s, &f->rules, CRTK_FU_SCAN_LIST, add_letter, &c, NULL));
    g_assert_cmpint(crtk_letters_count(c.l), ==, 1); /* due: 02 03 13, all NPI 1111111111 */
    const crtk_letter *x = crtk_letters_get(c.l, 0);
    g_assert_cmpstr(x->recipient, ==, "Dr. Ada Lovelace, MD");
    g_assert_cmpstr(x->address[2], ==, "Springfield, IL 62703");
    char *body = crtk_letter_body_text(c.l, x);
    g_assert_nonnull(strstr(body, "Mercy Hospital Cancer Registry")); /* physicians get the real name */
    g_assert_nonnull(strstr(body, "Prostate gland")); /* C619 in words (topography table) */
    g_assert_null(strstr(body, "C619"));
    g_assert_nonnull(strstr(body, "Dear Dr. Lovelace:"));
    g_assert_nonnull(strstr(body, "Mia Thirteen"));
    g_free(body);
    char *pdf = g_build_filename(f->dir, "phys.pdf", NULL);
    g_assert_true(crtk_letters_write_pdf(c.l, pdf, &error));
    char *text = pdf_text(pdf);
    if (text) {
        g_assert_nonnull(strstr(text, "Dear Dr. Lovelace:"));
        g_assert_nonnull(strstr(text, "Ben Two"));
        g_assert_nonnull(strstr(text, "Cara Three"));
        g_assert_nonnull(strstr(text, "Mia Thirteen"));
        g_assert_nonnull(strstr(text, "Evidence of disease"));
        g_free(text);
    }
    g_free(pdf), g_free(dir);
    crtk_letters_free(c.l);
}

static void test_letters_contact(fixture *f, gconstpointer data)
{
    (void)data;
    int skipped;
    crtk_letters *l = make_letters(f, CRTK_LETTER_CONTACT, &skipped);
    /* only 02 has a follow-up contact */
    g_assert_cmpint(crtk_letters_count(l), ==, 1);
    g_assert_cmpint(skipped, ==, 6);
    const crtk_letter *x = crtk_letters_get(l, 0);
    g_assert_cmpstr(x->recipient, ==, "Mary Friend");
    char *body = crtk_letter_body_text(l, x);
    g_assert_nonnull(strstr(body, "Ben Two"));
    char *lb = g_ascii_strdown(body, -1);
    g_assert_null(strstr(lb, "cancer"));
    g_free(lb), g_free(body);
    crtk_letters_free(l);
}

/* ---- the due list ------------------------------------------------------------------------------ */

static void add_patient(fixture *f, const char *patient, const char *tumor)
{
    crtk_dictionary *d = crtk_store_dictionary(f->s);
    crtk_record *r = crtk_record_new(d);
    GError *error = NULL;
    g_assert_true(crtk_store_begin(f->s, &error));
    set_items(&r->patient, d, patient);
    gint64 pid = crtk_store_insert_patient(f->s, &r->patient, &error);
    g_assert_no_error(error);
    crtk_element *t = crtk_record_add_tumor(r);
    set_items(t, d, tumor);
    g_assert_cmpint(crtk_store_insert_tumor(f->s, pid, t, &error), >, 0);
    g_assert_true(crtk_store_commit(f->s, &error));
    g_assert_no_error(error);
    crtk_record_free(r);
}

/* The list as CSV, read back with crtk's CSV reader: "patientIdNumber,dateOfLastContact\n" a patient. */
static char *due_csv(fixture *f, const crtk_due_list *l)
{
    char *path = g_build_filename(f->dir, "due.csv", NULL);
    FILE *out = fopen(path, "w");
    GError *error = NULL;
    g_assert_true(crtk_due_list_write_csv(l, out, &error));
    g_assert_no_error(error);
    g_assert_cmpint(fclose(out), ==, 0);
    crtk_csv_reader *r = crtk_csv_reader_open(path, &error);
    g_assert_no_error(error);
    GString *s = g_string_new(NULL);
    int rc, line = 0;
    while ((rc = crtk_csv_reader_next(r, &error)) > 0) {
        if (line++ == 0) { /* the header names the columns */
            g_assert_cmpstr(crtk_csv_reader_field(r, 0, NULL), ==, "patientIdNumber");
            g_assert_cmpstr(crtk_csv_reader_field(r, 4, NULL), ==, "dateOfLastContact");
            continue;
        }
        g_string_append_printf(s, "%s,%s\n", crtk_csv_reader_field(r, 0, NULL), crtk_csv_reader_field(r, 4, NULL));
    }
    g_assert_no_error(error);
    crtk_csv_reader_free(r);
    g_unlink(path);
    g_free(path);
    return g_string_free(s, FALSE);
}

/* Patients with the same last contact are listed in patientIdNumber order whatever the order they
 * were stored in; the list reads one state of the store from build to free, however the store
 * changes meanwhile (its rows are read again as they are written, so a list that did not hold its
 * read transaction would show the change). */
static void test_due_list(fixture *f, gconstpointer data)
{
    (void)data;
    /* stored 99, 97, 98: all last seen 2023-02-01, lost as of 2026-03-15 */
    add_patient(f, "patientIdNumber=00000099;nameLast=NINETYNINE;dateOfLastContact=20230201;" ALIVE,
                BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20220101");
    add_patient(f, "patientIdNumber=00000097;nameLast=NINETYSEVEN;dateOfLastContact=20230201;" ALIVE,
                BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20220101");
    add_patient(f, "patientIdNumber=00000098;nameLast=NINETYEIGHT;dateOfLastContact=20230201;" ALIVE,
                BREAST ";tumorRecordNumber=01;dateOfDiagnosis=20220101");
    gboolean want[CRTK_FU_N_STATUS] = {0};
    want[CRTK_FU_LOST] = want[CRTK_FU_DUE] = TRUE;
    GError *error = NULL;
    crtk_due_list *l = crtk_due_list_build(f->s, &f->rules, want, CRTK_DUE_GROUP_NONE, &error);
    g_assert_no_error(error);
    char *before = due_csv(f, l);
    /* as many rows as the patients classified due or lost one by one (crtk_followup_scan) */
    GHashTable *h = classify_all(f, &f->rules);
    long expected = 0;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, h);
    while (g_hash_table_iter_next(&it, &k, &v))
        expected += want[((result *)v)->status];
    g_hash_table_destroy(h);
    g_assert_cmpint(crtk_due_list_rows(l), ==, expected);
    g_assert_nonnull(strstr(before, "00000097,20230201\n00000098,20230201\n00000099,20230201\n"));
    char **lines = g_strsplit(before, "\n", -1);
    g_assert_cmpint(g_strv_length(lines) - 1, ==, expected);
    for (char **p = lines + 1; *p && **p; p++)
        g_assert_cmpint(strcmp(p[-1] + 9, *p + 9), <=, 0); /* oldest last contact first */
    g_strfreev(lines);

    /* another connection posts a contact for 97: it is current now */
    crtk_store *other = crtk_store_open(f->db, FALSE, &error);
    g_assert_no_error(error);
    crtk_store_set_actor(other, "clerk", "test");
    crtk_followup_contact c = {.date = "20260301", .vital_status = "1"};
    g_assert_true(crtk_followup_post(other, &f->rules, "00000097", &c, &error));
    g_assert_no_error(error);
    /* this connection cannot write while its list reads */
    g_assert_false(crtk_store_begin(f->s, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_USAGE);
    g_clear_error(&error);
    char *again = due_csv(f, l);
    g_assert_cmpstr(again, ==, before);
    crtk_due_list_free(l);
    crtk_store_close(other);

    l = crtk_due_list_build(f->s, &f->rules, want, CRTK_DUE_GROUP_NONE, &error);
    g_assert_no_error(error);
    char *after = due_csv(f, l);
    g_assert_null(strstr(after, "00000097"));
    g_assert_nonnull(strstr(after, "00000098,20230201\n00000099,20230201\n"));
    g_assert_cmpint(crtk_due_list_rows(l), ==, expected - 1);
    crtk_due_list_free(l);
    g_assert_true(crtk_store_begin(f->s, &error));
    crtk_store_rollback(f->s);
    g_free(before), g_free(again), g_free(after);
}

int main(int argc, char **argv)
{
    g_setenv("CRTK_TODAY", TODAY, TRUE);
    tu_init(&argc, &argv);
    g_test_add_func("/followup/tumor-rules", test_tumor_rules);
    g_test_add_func("/followup/rate-pass", test_rate_pass);
    g_test_add_func("/followup/rate-rounding", test_rate_rounding);
#define T(name, fn) g_test_add("/followup/" name, fixture, NULL, setup, fn, teardown)
    T("statuses", test_statuses);
    T("windows-from-settings", test_windows_from_settings);
    T("home-countries", test_home_countries);
    T("rates", test_rates);
    T("post", test_post);
    T("post-csv", test_post_csv);
    T("letters-patient", test_letters_patient);
    T("letters-physician", test_letters_physician);
    T("letters-contact", test_letters_contact);
    T("due-list", test_due_list);
    return tu_finish(g_test_run());
}
