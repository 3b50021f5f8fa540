/* test_edits.c — unit tests of the edit engine (registry/edits.c, registry/edit_expr.c) and of
 * every core (tier V1) edit of schemas/edits/core.tsv: each gets at least one passing and one
 * failing record, built in code on the NAACCR 26 dictionary (sexAssignedAtBirth) and, where the
 * version matters, NAACCR 25 (sex).  Also: the rule language, edit sets, user edit directories,
 * over-rides, edits skipped for missing items, crtk_edits_involving and the statistics.
 */
#include "edit_expr.h"
#include "edits.h"
#include "date.h"
#include "naaccr_read.h"
#include "test_util.h"

#include <glib/gstdio.h>
#include <string.h>

static crtk_dictionary *dict260, *dict250;

/* ---- records -------------------------------------------------------------------------- */

static void put(crtk_record *r, int tumor, const char *id, const char *value)
{
    const crtk_item *it = crtk_dictionary_find(r->dict, id);
    g_assert_nonnull(it);
    crtk_element *e = it->level == CRTK_LEVEL_PATIENT ? &r->patient : &r->tumors[tumor];
    crtk_element_set_str(e, it->index, value);
}

/* "item=value;item=value" on tumor t (patient items go to the patient); value may be empty. */
static void apply(crtk_record *r, int tumor, const char *changes)
{
    if (!changes)
        return;
    char **parts = g_strsplit(changes, ";", -1);
    for (char **p = parts; *p; p++) {
        if (!**p)
            continue;
        char *eq = strchr(*p, '=');
        g_assert_nonnull(eq);
        *eq = '\0';
        put(r, tumor, g_strstrip(*p), eq + 1);
    }
    g_strfreev(parts);
}

/* A breast cancer of 2022 that passes every edit. */
static crtk_record *good_record(crtk_dictionary *d)
{
    crtk_record *r = crtk_record_new(d);
    r->ordinal = 1;
    crtk_record_add_tumor(r);
    apply(r, 0, "patientIdNumber=00000001;dateOfBirth=19600515;race1=01;race2=88;race3=88;race4=88;race5=88;"
                "spanishHispanicOrigin=0;vitalStatus=1;dateOfLastContact=20230601;causeOfDeath=0000;"
                "icdRevisionNumber=0");
    put(r, 0, crtk_dictionary_find(d, "sexAssignedAtBirth") ? "sexAssignedAtBirth" : "sex", "2");
    apply(r, 0, "primarySite=C504;laterality=1;histologicTypeIcdO3=8500;behaviorCodeIcdO3=3;dateOfDiagnosis=20220310;"
                "ageAtDiagnosis=061;sequenceNumberCentral=00;typeOfReportingSource=1;diagnosticConfirmation=1;"
                "addrAtDxState=MD;countyAtDx=005");
    /* what an abstract must also hold (schemas/edit-tables/required-items.tsv) */
    apply(r, 0, "nameLast=DOE;nameFirst=JANE;classOfCase=10;accessionNumberHosp=202200001;sequenceNumberHospital=00;"
                "reportingFacility=0012345678;dateOf1stContact=20220305;medicalRecordNumber=MR000001;"
                "addrAtDxPostalCode=21201;primaryPayerAtDx=02;cancerStatus=1;gradeClinical=2;gradePathological=2;"
                "summaryStage2018=1;eodPrimaryTumor=100;eodRegionalNodes=000;eodMets=00;ajccTnmClinT=cT1;ajccTnmClinN=cN0;ajccTnmClinM=cM0;ajccTnmClinStageGroup=1A;"
                "rxSummSurgPrimSite=22;rxSummScopeRegLnSur=2;rxSummSurgOthRegDis=0;reasonForNoSurgery=0;"
                "phase1RadiationTreatmentModality=02;reasonForNoRadiation=0;rxSummChemo=00;rxSummHormone=01;"
                "rxSummBrm=00;rxSummTransplntEndocr=00;rxSummOther=0;rxSummSystemicSurSeq=0;rxSummSurgRadSeq=3;"
                "autopsy=0");
    /* NAACCR 14-25: a blank date says why in its flag (11: no proper value applies) */
    for (int i = 0; i < crtk_dictionary_count(d); i++) {
        const crtk_item *it = crtk_dictionary_item(d, i);
        if (it->type != CRTK_TYPE_DATE || it->level == CRTK_LEVEL_ROOT)
            continue;
        const crtk_element *el = it->level == CRTK_LEVEL_PATIENT ? &r->patient : &r->tumors[0];
        if (crtk_element_has(el, it->index))
            continue;
        char *flag = g_strdup_printf("%sFlag", it->id);
        if (!strncmp(it->id, "subsqRx", 7) && strlen(it->id) > 10) {
            g_free(flag);
            flag = g_strdup_printf("subsqRx%.3scrsDateFlag", it->id + 7);
        }
        if (crtk_dictionary_find(d, flag))
            put(r, 0, flag, "11");
        g_free(flag);
    }
    return r;
}

typedef struct {
    GPtrArray *ids;     /* "ID/tumor" */
    GPtrArray *msgs;
    GPtrArray *items;   /* space-joined items */
} seen;

static int collect(const crtk_edit_failure *f, void *user)
{
    seen *s = user;
    g_ptr_array_add(s->ids, g_strdup_printf("%s/%d", f->edit_id, f->tumor));
    g_ptr_array_add(s->msgs, g_strdup(f->message));
    g_ptr_array_add(s->items, g_strjoinv(" ", (char **)f->items));
    g_assert_cmpint(f->n_items, ==, (int)g_strv_length((char **)f->items));
    g_assert_cmpstr(f->patient_id, ==, "00000001");
    return CRTK_CONTINUE;
}

static void seen_init(seen *s)
{
    s->ids = g_ptr_array_new_with_free_func(g_free);
    s->msgs = g_ptr_array_new_with_free_func(g_free);
    s->items = g_ptr_array_new_with_free_func(g_free);
}

static void seen_clear(seen *s)
{
    g_ptr_array_free(s->ids, TRUE);
    g_ptr_array_free(s->msgs, TRUE);
    g_ptr_array_free(s->items, TRUE);
}

static int find_id(const seen *s, const char *id)
{
    size_t n = strlen(id);
    for (guint i = 0; i < s->ids->len; i++) {
        const char *x = s->ids->pdata[i];
        if (!strncmp(x, id, n) && x[n] == '/')
            return (int)i;
    }
    return -1;
}

static crtk_edits *load(const char *set, const char *dir, crtk_dictionary *d)
{
    GError *err = NULL;
    crtk_edits *e = crtk_edits_load(set, dir, d, &err);
    g_assert_no_error(err);
    g_assert_nonnull(e);
    crtk_edits_set_today(e, 2024, 6, 15);
    return e;
}

static void test_good_record_passes(void)
{
    for (int v = 0; v < 2; v++) {
        crtk_dictionary *d = v ? dict250 : dict260;
        crtk_edits *e = load("all", NULL, d);
        crtk_record *r = good_record(d);
        seen s;
        seen_init(&s);
        int n = crtk_edits_run_record(e, r, collect, &s);
        for (guint i = 0; i < s.ids->len; i++)
            g_printerr("unexpected failure %s: %s\n", (char *)s.ids->pdata[i], (char *)s.msgs->pdata[i]);
        g_assert_cmpint(n, ==, 0);
        crtk_edits_stats st = crtk_edits_stats_get(e);
        g_assert_cmpint(st.patients, ==, 1);
        g_assert_cmpint(st.tumors, ==, 1);
        g_assert_cmpint(st.tumors_passing, ==, 1);
        seen_clear(&s);
        crtk_record_free(r);
        crtk_edits_free(e);
    }
}

/* ---- one case per edit and outcome ------------------------------------------------------- */

typedef struct {
    const char *edit;
    gboolean fails;
    const char *tumor1;  /* changes to tumor 1 (and patient items) */
    const char *tumor2;  /* when set, a second tumor: a copy of the first with these changes */
    int version;         /* 0 = 260 */
} edit_case;

static const edit_case CASES[] = {
    /* schema edits (SEER's eod_public 3.3 breast tables read by hand: grade_clinical_91491 has no Q,
     * ss2018_breast_69079 no 6; EOD 100/000/00 derives Summary Stage 1; surgery: the 2023 manual) */
    {"SCH01", TRUE, "gradeClinical=Q", NULL, 0},
    {"SCH01", FALSE, "gradeClinical=H", NULL, 0},
    {"SCH01", TRUE, "estrogenReceptorSummary=5", NULL, 0},
    {"SCH01", FALSE, "estrogenReceptorSummary=7", NULL, 0},
    {"SCH01", TRUE, "summaryStage2018=6", NULL, 0},
    {"SCH01", FALSE, "gradeClinical=Q;dateOfDiagnosis=20170310", NULL, 0},
    {"SCH02", TRUE, "eodMets=", NULL, 0},
    {"SCH03", TRUE, "summaryStage2018=3", NULL, 0},
    {"SCH03", FALSE, "summaryStage2018=3;eodMets=", NULL, 0},
    {"SCH04", TRUE, "dateOfDiagnosis=20230310;rxSummSurgPrimSite=;rxSummSurgPrimSite2023=ZZZZ", NULL, 0},
    {"SCH04", FALSE, "dateOfDiagnosis=20230310;rxSummSurgPrimSite=;rxSummSurgPrimSite2023=A200", NULL, 0},
    {"SCH04", TRUE, "rxSummSurgPrimSite=25", NULL, 0},
    {"SCH04", FALSE, "rxSummSurgPrimSite=99", NULL, 0},
    {"SCH05", TRUE, "ajccTnmClinT=banana", NULL, 0},
    {"SCH05", FALSE, "ajccTnmClinT=pTis(DCIS)", NULL, 0},
    /* S01 Primary Site */
    {"S01", TRUE, "primarySite=C270", NULL, 0},
    {"S01", TRUE, "primarySite=", NULL, 0},
    {"S01", FALSE, "primarySite=C809;laterality=0", NULL, 0},
    /* S02 Histologic Type, year-aware */
    {"S02", TRUE, "primarySite=C341;histologicTypeIcdO3=8256;dateOfDiagnosis=20170310", NULL, 0},
    {"S02", FALSE, "primarySite=C341;histologicTypeIcdO3=8256;dateOfDiagnosis=20180310", NULL, 0},
    {"S02", TRUE, "histologicTypeIcdO3=9835;dateOfDiagnosis=20210310", NULL, 0},
    {"S02", FALSE, "histologicTypeIcdO3=9835;dateOfDiagnosis=2009;ageAtDiagnosis=049", NULL, 0},
    /* S03 Behavior */
    {"S03", TRUE, "behaviorCodeIcdO3=6", NULL, 0},
    {"S03", FALSE, "behaviorCodeIcdO3=2", NULL, 0},
    /* S04 Laterality: 5 only from 2010 */
    {"S04", TRUE, "laterality=7", NULL, 0},
    {"S04", TRUE, "laterality=5;dateOfDiagnosis=20090310", NULL, 0},
    {"S04", FALSE, "laterality=5;dateOfDiagnosis=20100310", NULL, 0},
    /* S05 Sex: code list of the version's item */
    {"S05", TRUE, "sexAssignedAtBirth=3", NULL, 0},
    {"S05", FALSE, "sexAssignedAtBirth=9", NULL, 0},
    {"S05", FALSE, "sex=3", NULL, 250},
    {"S05", TRUE, "sex=7", NULL, 250},
    /* S06 Age at Diagnosis */
    {"S06", TRUE, "ageAtDiagnosis=121", NULL, 0},
    {"S06", TRUE, "ageAtDiagnosis=61", NULL, 0},
    {"S06", FALSE, "ageAtDiagnosis=999", NULL, 0},
    {"S06", FALSE, "ageAtDiagnosis=120", NULL, 0},
    /* S07 Date of Diagnosis */
    {"S07", TRUE, "dateOfDiagnosis=20221301", NULL, 0},
    {"S07", TRUE, "dateOfDiagnosis=20240701", NULL, 0},   /* after "today" (2024-06-15) */
    {"S07", TRUE, "dateOfDiagnosis=18990101", NULL, 0},
    {"S07", FALSE, "dateOfDiagnosis=202203", NULL, 0},
    {"S07", FALSE, "dateOfDiagnosis=2024", NULL, 0},
    {"S07", FALSE, "dateOfDiagnosis=", NULL, 0},
    /* S08 Date of Birth */
    {"S08", TRUE, "dateOfBirth=18000101", NULL, 0},
    {"S08", TRUE, "dateOfBirth=19600230", NULL, 0},
    {"S08", FALSE, "dateOfBirth=19600229", NULL, 0},
    /* S09 Date of Last Contact */
    {"S09", TRUE, "dateOfLastContact=20230230", NULL, 0},
    {"S09", TRUE, "dateOfLastContact=20250101", NULL, 0},
    {"S09", FALSE, "dateOfLastContact=20230228", NULL, 0},
    /* S10 Vital Status */
    {"S10", TRUE, "vitalStatus=2", NULL, 0},
    {"S10", FALSE, "vitalStatus=0;causeOfDeath=C509;icdRevisionNumber=1", NULL, 0},
    /* S11 Type of Reporting Source */
    {"S11", TRUE, "typeOfReportingSource=9", NULL, 0},
    {"S11", FALSE, "typeOfReportingSource=8", NULL, 0},
    /* S12 Diagnostic Confirmation: 3 from 2010 */
    {"S12", TRUE, "diagnosticConfirmation=0", NULL, 0},
    {"S12", TRUE, "diagnosticConfirmation=3;dateOfDiagnosis=20090310;ageAtDiagnosis=048", NULL, 0},
    {"S12", FALSE, "diagnosticConfirmation=3;dateOfDiagnosis=20100310;ageAtDiagnosis=049", NULL, 0},
    /* S13 Sequence Number--Central */
    {"S13", TRUE, "sequenceNumberCentral=90", NULL, 0},
    {"S13", FALSE, "sequenceNumberCentral=98", NULL, 0},
    /* S14 Race 1-5 */
    {"S14", TRUE, "race1=88", NULL, 0},
    {"S14", TRUE, "race2=01", NULL, 0},                       /* repeated race */
    {"S14", TRUE, "race2=88;race3=02", NULL, 0},              /* no race after an 88 */
    {"S14", TRUE, "race1=99;race2=01", NULL, 0},
    {"S14", TRUE, "race5=", NULL, 0},
    {"S14", FALSE, "race1=01;race2=02;race3=88", NULL, 0},
    {"S14", FALSE, "race1=99;race2=99;race3=99;race4=99;race5=99", NULL, 0},
    /* S15 Spanish/Hispanic Origin */
    {"S15", TRUE, "spanishHispanicOrigin=A", NULL, 0},
    {"S15", FALSE, "spanishHispanicOrigin=9", NULL, 0},
    /* S16 Addr at DX--State, County at DX */
    {"S16", TRUE, "countyAtDx=002", NULL, 0},
    {"S16", TRUE, "addrAtDxState=QQ", NULL, 0},
    {"S16", FALSE, "countyAtDx=999", NULL, 0},
    {"S16", FALSE, "addrAtDxState=XX;countyAtDx=999", NULL, 0},
    {"S16", FALSE, "addrAtDxState=;countyAtDx=", NULL, 0},
    {"S16", FALSE, "addrAtDxState=CT;countyAtDx=110", NULL, 0}, /* a planning region (2022) */
    {"S16", FALSE, "addrAtDxState=CT;countyAtDx=009", NULL, 0}, /* a former county */
    {"S16", TRUE, "addrAtDxState=CT;countyAtDx=200", NULL, 0},
    /* S18 Over-ride flags (one instance per flag) */
    {"S18", TRUE, "overRideSiteType=2", NULL, 0},
    {"S18", FALSE, "overRideAgeSiteMorph=3", NULL, 0},
    {"S18", FALSE, "overRideSiteType=1", NULL, 0},
    /* I01 Site/histology list (IF25), over-ride Site/Type */
    {"I01", TRUE, "histologicTypeIcdO3=9050", NULL, 0},
    {"I01", FALSE, "histologicTypeIcdO3=9050;overRideSiteType=1", NULL, 0},
    /* I02 Morphology type/behavior, over-ride Histology 1 or 3 */
    {"I02", TRUE, "behaviorCodeIcdO3=1", NULL, 0},
    {"I02", FALSE, "behaviorCodeIcdO3=1;overRideHistology=1", NULL, 0},
    {"I02", FALSE, "behaviorCodeIcdO3=1;overRideHistology=3", NULL, 0},
    {"I02", TRUE, "behaviorCodeIcdO3=1;overRideHistology=2", NULL, 0},
    {"I02", TRUE, "primarySite=C341;histologicTypeIcdO3=8256;dateOfDiagnosis=20170310;laterality=1", NULL, 0},
    /* I03 In situ at an ill-defined site (IF39) */
    {"I03", TRUE, "primarySite=C809;laterality=0;behaviorCodeIcdO3=2;histologicTypeIcdO3=8010", NULL, 0},
    {"I03", FALSE, "primarySite=C809;laterality=0;behaviorCodeIcdO3=2;histologicTypeIcdO3=8010;overRideSiteBehavior=1", NULL, 0},
    {"I03", FALSE, "behaviorCodeIcdO3=2", NULL, 0},
    /* I04 Reportability */
    {"I04", TRUE, "primarySite=C449;laterality=1;histologicTypeIcdO3=8070", NULL, 0},
    {"I04", TRUE, "primarySite=C539;laterality=0;histologicTypeIcdO3=8070;behaviorCodeIcdO3=2", NULL, 0},
    {"I04", TRUE, "histologicTypeIcdO3=8000;behaviorCodeIcdO3=0", NULL, 0},
    {"I04", TRUE, "primarySite=C700;laterality=0;histologicTypeIcdO3=9530;behaviorCodeIcdO3=0;dateOfDiagnosis=20030310;ageAtDiagnosis=042", NULL, 0},
    {"I04", FALSE, "primarySite=C700;laterality=0;histologicTypeIcdO3=9530;behaviorCodeIcdO3=0;dateOfDiagnosis=20040310;ageAtDiagnosis=043", NULL, 0},
    {"I04", TRUE, "primarySite=C739;laterality=0;histologicTypeIcdO3=8343;behaviorCodeIcdO3=2;dateOfDiagnosis=20210310;ageAtDiagnosis=060", NULL, 0},
    {"I04", FALSE, "primarySite=C739;laterality=0;histologicTypeIcdO3=8343;behaviorCodeIcdO3=2;dateOfDiagnosis=20190310;ageAtDiagnosis=058", NULL, 0},
    {"I04", FALSE, "primarySite=C449;laterality=1;histologicTypeIcdO3=8720", NULL, 0},
    /* I06 Site and sex */
    {"I06", TRUE, "sexAssignedAtBirth=1;primarySite=C569", NULL, 0},
    {"I06", TRUE, "primarySite=C619;laterality=0;histologicTypeIcdO3=8140", NULL, 0},
    {"I06", FALSE, "sexAssignedAtBirth=2;primarySite=C569", NULL, 0},
    {"I06", FALSE, "sexAssignedAtBirth=9;primarySite=C619;laterality=0;histologicTypeIcdO3=8140", NULL, 0},
    {"I06", TRUE, "sex=5;primarySite=C569", NULL, 250},
    {"I06", FALSE, "sex=3;primarySite=C569", NULL, 250},
    /* I07 Laterality and paired sites (IF24) */
    {"I07", TRUE, "laterality=0", NULL, 0},
    {"I07", TRUE, "primarySite=C180;laterality=9;histologicTypeIcdO3=8140", NULL, 0},
    {"I07", TRUE, "primarySite=C342;laterality=2;histologicTypeIcdO3=8140", NULL, 0},
    {"I07", FALSE, "primarySite=C342;laterality=1;histologicTypeIcdO3=8140", NULL, 0},
    {"I07", FALSE, "primarySite=C180;laterality=0;histologicTypeIcdO3=8140", NULL, 0},
    {"I07", FALSE, "primarySite=C300;laterality=0;histologicTypeIcdO3=8070", NULL, 0},
    {"I07", FALSE, "primarySite=C710;laterality=0;histologicTypeIcdO3=9440;dateOfDiagnosis=20030310;ageAtDiagnosis=042", NULL, 0},
    {"I07", TRUE, "primarySite=C710;laterality=0;histologicTypeIcdO3=9440;dateOfDiagnosis=20040310;ageAtDiagnosis=043", NULL, 0},
    /* I09 In situ needs microscopic confirmation (IF31), over-ride Histology 2 or 3 */
    {"I09", TRUE, "behaviorCodeIcdO3=2;diagnosticConfirmation=6", NULL, 0},
    {"I09", FALSE, "behaviorCodeIcdO3=2;diagnosticConfirmation=6;overRideHistology=2", NULL, 0},
    {"I09", FALSE, "behaviorCodeIcdO3=2;diagnosticConfirmation=4", NULL, 0},
    /* I11 DCO and autopsy-only cases */
    {"I11", TRUE, "typeOfReportingSource=7", NULL, 0},
    {"I11", TRUE, "typeOfReportingSource=7;vitalStatus=0;causeOfDeath=C509;icdRevisionNumber=1;diagnosticConfirmation=9;dateOfLastContact=20220320", NULL, 0},
    {"I11", FALSE, "typeOfReportingSource=7;vitalStatus=0;causeOfDeath=C509;icdRevisionNumber=1;diagnosticConfirmation=9;dateOfLastContact=20220310", NULL, 0},
    {"I11", FALSE, "typeOfReportingSource=7;vitalStatus=1;overRideReportSource=1", NULL, 0},
    {"I11", TRUE, "typeOfReportingSource=6", NULL, 0},
    {"I11", FALSE, "typeOfReportingSource=6;vitalStatus=0;causeOfDeath=C509;icdRevisionNumber=1", NULL, 0},
    /* I12 Diagnosis before birth, over-ride Age/Site/Morph 2 or 3 (in utero) */
    {"I12", TRUE, "dateOfBirth=20220401;ageAtDiagnosis=000", NULL, 0},
    {"I12", FALSE, "dateOfBirth=20220401;ageAtDiagnosis=000;overRideAgeSiteMorph=2", NULL, 0},
    {"I12", TRUE, "dateOfBirth=20220401;ageAtDiagnosis=000;overRideAgeSiteMorph=1", NULL, 0},
    {"I12", FALSE, "dateOfBirth=2022;ageAtDiagnosis=000", NULL, 0},  /* same year, parts unknown: not certainly before */
    /* I13 Age against the dates */
    {"I13", TRUE, "ageAtDiagnosis=050", NULL, 0},
    {"I13", TRUE, "ageAtDiagnosis=062", NULL, 0},
    {"I13", TRUE, "ageAtDiagnosis=999", NULL, 0},
    {"I13", FALSE, "dateOfBirth=1960;ageAtDiagnosis=062", NULL, 0},
    {"I13", FALSE, "dateOfBirth=1960;ageAtDiagnosis=061", NULL, 0},
    {"I13", FALSE, "dateOfBirth=;ageAtDiagnosis=999", NULL, 0},
    /* I14 Last contact before diagnosis or birth */
    {"I14", TRUE, "dateOfLastContact=20210101", NULL, 0},
    {"I14", FALSE, "dateOfLastContact=202203", NULL, 0},
    /* I15 Vital status and cause of death */
    {"I15", TRUE, "causeOfDeath=C509", NULL, 0},
    {"I15", TRUE, "vitalStatus=0;causeOfDeath=0000;icdRevisionNumber=0", NULL, 0},
    {"I15", TRUE, "vitalStatus=0;causeOfDeath=C509;icdRevisionNumber=9", NULL, 0},
    {"I15", FALSE, "vitalStatus=0;causeOfDeath=C509;icdRevisionNumber=1", NULL, 0},
    {"I15", FALSE, "vitalStatus=0;causeOfDeath=7777;icdRevisionNumber=9;dateOfLastContact=19980601;dateOfDiagnosis=19970101;ageAtDiagnosis=036", NULL, 0},
    /* I19 Behavior and sequence number series */
    {"I19", TRUE, "sequenceNumberCentral=60", NULL, 0},
    {"I19", TRUE, "primarySite=C700;laterality=0;histologicTypeIcdO3=9530;behaviorCodeIcdO3=0;sequenceNumberCentral=00", NULL, 0},
    {"I19", FALSE, "primarySite=C700;laterality=0;histologicTypeIcdO3=9530;behaviorCodeIcdO3=0;sequenceNumberCentral=60", NULL, 0},
    {"I19", FALSE, "sequenceNumberCentral=99", NULL, 0},
    /* I23 Unknown primary and laterality (IF138) */
    {"I23", TRUE, "primarySite=C809;laterality=9;histologicTypeIcdO3=8000", NULL, 0},
    {"I23", FALSE, "primarySite=C809;laterality=0;histologicTypeIcdO3=8000", NULL, 0},
    /* generated valid-code edits */
    {"VC-grade", TRUE, "grade=X", NULL, 0},
    {"VC-grade", FALSE, "grade=9", NULL, 0},
    {"VC-tumorSizeSummary", TRUE, "tumorSizeSummary=9x9", NULL, 0},
    {"VC-tumorSizeSummary", FALSE, "tumorSizeSummary=025", NULL, 0},
    {"VC-countyAtDxAnalysis", TRUE, "countyAtDxAnalysis=002", NULL, 0},
    {"VC-countyAtDxAnalysis", FALSE, "countyAtDxAnalysis=005", NULL, 0},
    /* P02 Sequence numbers across the patient's tumors */
    {"P02", TRUE, "sequenceNumberCentral=00", "sequenceNumberCentral=00;primarySite=C180;laterality=0;histologicTypeIcdO3=8140", 0},
    {"P02", FALSE, "sequenceNumberCentral=01", "sequenceNumberCentral=02;primarySite=C180;laterality=0;histologicTypeIcdO3=8140;dateOfDiagnosis=20230105", 0},
    {"P02", TRUE, "sequenceNumberCentral=02", "sequenceNumberCentral=01;primarySite=C180;laterality=0;histologicTypeIcdO3=8140;dateOfDiagnosis=20230105", 0},
    {"P02", TRUE, "sequenceNumberCentral=01", "sequenceNumberCentral=01;primarySite=C180;laterality=0;histologicTypeIcdO3=8140;dateOfDiagnosis=20230105", 0},
    {"P02", TRUE, "sequenceNumberCentral=02", NULL, 0},
    {"P02", FALSE, "sequenceNumberCentral=00", "sequenceNumberCentral=60;primarySite=C700;laterality=0;histologicTypeIcdO3=9530;behaviorCodeIcdO3=0", 0},
    {"P02", TRUE, "sequenceNumberCentral=00", "sequenceNumberCentral=62;primarySite=C700;laterality=0;histologicTypeIcdO3=9530;behaviorCodeIcdO3=0", 0},
    {"P02", FALSE, "sequenceNumberCentral=01", "sequenceNumberCentral=02;primarySite=C180;laterality=0;histologicTypeIcdO3=8140;dateOfDiagnosis=2022", 0},
};

static void run_case(gconstpointer data)
{
    const edit_case *c = data;
    crtk_dictionary *d = c->version == 250 ? dict250 : dict260;
    crtk_edits *e = load("all", NULL, d);
    g_assert_nonnull(crtk_edits_find(e, c->edit));
    crtk_record *r = good_record(d);
    apply(r, 0, c->tumor1);
    if (c->tumor2) {
        crtk_element *t2 = crtk_record_add_tumor(r);
        crtk_element *t1 = &r->tumors[0]; /* after add: the array may have moved */
        for (int k = 0; k < t1->n_set; k++) {
            size_t len;
            const char *v = crtk_element_get(t1, t1->set[k], &len);
            if (v)
                crtk_element_set(t2, t1->set[k], v, len);
        }
        apply(r, 1, c->tumor2);
    }
    seen s;
    seen_init(&s);
    crtk_edits_run_record(e, r, collect, &s);
    int at = find_id(&s, c->edit);
    if (c->fails && at < 0) {
        for (guint i = 0; i < s.ids->len; i++)
            g_printerr("  failed: %s: %s\n", (char *)s.ids->pdata[i], (char *)s.msgs->pdata[i]);
        g_error("%s should fail on {%s}{%s}", c->edit, c->tumor1, c->tumor2 ? c->tumor2 : "");
    }
    if (!c->fails && at >= 0)
        g_error("%s should pass on {%s}{%s}: %s", c->edit, c->tumor1, c->tumor2 ? c->tumor2 : "",
                (char *)s.msgs->pdata[at]);
    if (at >= 0) {
        /* the message is filled in: no placeholder left */
        g_assert_null(strchr(s.msgs->pdata[at], '{'));
        g_assert_cmpstr(s.items->pdata[at], !=, "");
    }
    crtk_edits_stats st = crtk_edits_stats_get(e);
    g_assert_cmpint(st.tumors, ==, r->n_tumors);
    seen_clear(&s);
    crtk_record_free(r);
    crtk_edits_free(e);
}

/* P01 keeps the patients it has seen in a temporary database, not in memory: a patient that comes
 * back after 60,000 others (more than the database's 2 MiB cache holds) is still compared with its
 * first record, and patients are told apart by their whole id. */
static void test_p01_many_patients(void)
{
    crtk_edits *all = load("all", NULL, dict260);
    const char *ids[] = {"race2", NULL};
    crtk_edits *e = crtk_edits_involving(all, ids);
    g_assert_nonnull(crtk_edits_find(e, "P01"));
    crtk_record *r = good_record(dict260);
    char pid[16];
    for (long i = 1; i <= 60000; i++) {
        g_snprintf(pid, sizeof pid, "%08ld", i);
        put(r, 0, "patientIdNumber", pid);
        r->ordinal = i;
        g_assert_cmpint(crtk_edits_run_record(e, r, NULL, NULL), ==, 0);
    }
    seen s;
    seen_init(&s);
    put(r, 0, "race2", "02");
    put(r, 0, "patientIdNumber", "00000001");
    r->ordinal = 60001;
    g_assert_cmpint(crtk_edits_run_record(e, r, collect, &s), ==, 1);
    g_assert_nonnull(strstr(s.msgs->pdata[0], "race2 differ from patient 1"));
    put(r, 0, "patientIdNumber", "0000000"); /* a prefix of an id seen: a new patient */
    r->ordinal = 60002;
    g_assert_cmpint(crtk_edits_run_record(e, r, collect, &s), ==, 0);
    g_assert_null(crtk_edits_error(e));
    seen_clear(&s);
    crtk_record_free(r);
    crtk_edits_free(e);
    crtk_edits_free(all);
}

static void test_p01_repeated_patient(void)
{
    crtk_edits *e = load("all", NULL, dict260);
    crtk_record *r = good_record(dict260);
    seen s;
    seen_init(&s);
    g_assert_cmpint(crtk_edits_run_record(e, r, collect, &s), ==, 0);
    /* the same record again (same ordinal): an abstractor re-running edits, not a repeat */
    put(r, 0, "dateOfBirth", "19610515");
    put(r, 0, "ageAtDiagnosis", "060");
    g_assert_cmpint(crtk_edits_run_record(e, r, collect, &s), ==, 0);
    /* the patient comes again later in the file with the same items: passes */
    r->ordinal = 7;
    g_assert_cmpint(crtk_edits_run_record(e, r, collect, &s), ==, 0);
    /* ... and with a different date of birth and race: fails once, at patient level */
    r->ordinal = 9;
    put(r, 0, "dateOfBirth", "19620515");
    put(r, 0, "ageAtDiagnosis", "059");
    put(r, 0, "race1", "02");
    g_assert_cmpint(crtk_edits_run_record(e, r, collect, &s), ==, 1);
    g_assert_cmpstr(s.ids->pdata[0], ==, "P01/0");
    g_assert_nonnull(strstr(s.msgs->pdata[0], "dateOfBirth, race1 differ from patient 1"));
    g_assert_nonnull(strstr(s.items->pdata[0], "patientIdNumber dateOfBirth sexAssignedAtBirth race1"));
    /* a patient-level failure makes its tumors fail too */
    crtk_edits_stats st = crtk_edits_stats_get(e);
    g_assert_cmpint(st.patients, ==, 4);
    g_assert_cmpint(st.tumors_passing, ==, 3);
    g_assert_cmpint(crtk_edits_find(e, "P01")->failures, ==, 1);
    /* reset forgets the patients */
    crtk_edits_reset(e);
    r->ordinal = 10;
    g_assert_cmpint(crtk_edits_run_record(e, r, collect, &s), ==, 0);
    g_assert_cmpint(crtk_edits_stats_get(e).patients, ==, 1);
    seen_clear(&s);
    crtk_record_free(r);
    crtk_edits_free(e);
}

/* ---- engine ------------------------------------------------------------------------------ */

static void test_messages_and_items(void)
{
    crtk_edits *e = load("all", NULL, dict260);
    crtk_record *r = good_record(dict260);
    apply(r, 0, "primarySite=C180;laterality=9;histologicTypeIcdO3=8140;overRideSiteType=5");
    seen s;
    seen_init(&s);
    crtk_edits_run_record(e, r, collect, &s);
    int at = find_id(&s, "I07");
    g_assert_cmpint(at, >=, 0);
    g_assert_cmpstr(s.ids->pdata[at], ==, "I07/1");
    g_assert_cmpstr(s.msgs->pdata[at], ==,
                    "Laterality 9 does not fit Primary Site C180: paired organs need 1-5 or 9 (some midline parts also "
                    "0; middle lobe of lung never left), every other site 0.");
    g_assert_cmpstr(s.items->pdata[at], ==, "primarySite laterality dateOfDiagnosis");
    at = find_id(&s, "S18");
    g_assert_cmpint(at, >=, 0);
    g_assert_cmpstr(s.items->pdata[at], ==, "overRideSiteType");
    g_assert_nonnull(strstr(s.msgs->pdata[at], "Over-ride flag overRideSiteType is \"5\""));
    const crtk_edit_info *info = crtk_edits_find(e, "I01");
    g_assert_cmpstr(info->override_item, ==, "overRideSiteType");
    g_assert_cmpstr(info->override_values, ==, "1");
    g_assert_cmpstr(crtk_edits_find(e, "I09")->override_values, ==, "2,3");
    g_assert_cmpint(crtk_edits_find(e, "S05")->level, ==, CRTK_EDIT_PATIENT);
    g_assert_cmpint(crtk_edits_find(e, "S01")->level, ==, CRTK_EDIT_TUMOR);
    seen_clear(&s);
    crtk_record_free(r);
    crtk_edits_free(e);
}

static void test_sets(void)
{
    crtk_edits *all = load(NULL, NULL, dict260);
    crtk_edits *hosp = load("hospital", NULL, dict260);
    crtk_edits *state = load("state-submission", NULL, dict260);
    g_assert_nonnull(crtk_edits_find(state, "S13"));
    g_assert_nonnull(crtk_edits_find(state, "P02"));
    g_assert_null(crtk_edits_find(hosp, "S13"));
    g_assert_null(crtk_edits_find(hosp, "P02"));
    g_assert_nonnull(crtk_edits_find(hosp, "I01"));
    g_assert_nonnull(crtk_edits_find(hosp, "VC-grade"));
    g_assert_cmpint(crtk_edits_count(all), >=, crtk_edits_count(state));
    /* the hospital registry's own items (CoC) and the central registry's (type of reporting source) */
    g_assert_nonnull(crtk_edits_find(hosp, "R-accessionNumberHosp"));
    g_assert_null(crtk_edits_find(state, "R-accessionNumberHosp"));
    g_assert_nonnull(crtk_edits_find(state, "R-typeOfReportingSource"));
    g_assert_null(crtk_edits_find(hosp, "R-typeOfReportingSource"));
    const char *const *sets = crtk_edits_sets(all);
    g_assert_cmpstr(sets[0], ==, "hospital");
    g_assert_cmpstr(sets[1], ==, "state-submission");
    g_assert_null(sets[2]);
    GError *err = NULL;
    g_assert_null(crtk_edits_load("nosuchset", NULL, dict260, &err));
    g_assert_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
    g_assert_nonnull(strstr(err->message, "hospital"));
    g_error_free(err);
    crtk_edits_free(all);
    crtk_edits_free(hosp);
    crtk_edits_free(state);
}

/* ---- edits made from tables: required items, dates, follow-up consistency -------------------- */

static int cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The ids (without "/tumor") of the failures of the good record after changes, space-separated and sorted. */
static char *fails_after(const char *set, crtk_dictionary *d, const char *changes)
{
    crtk_edits *e = load(set, NULL, d);
    crtk_record *r = good_record(d);
    apply(r, 0, changes);
    seen s;
    seen_init(&s);
    crtk_edits_run_record(e, r, collect, &s);
    GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < s.ids->len; i++) {
        char *id = g_strdup(s.ids->pdata[i]);
        *strchr(id, '/') = 0;
        g_ptr_array_add(ids, id);
    }
    g_ptr_array_sort(ids, cmp_str);
    g_ptr_array_add(ids, NULL);
    char *out = g_strjoinv(" ", (char **)ids->pdata);
    g_ptr_array_free(ids, TRUE);
    seen_clear(&s);
    crtk_record_free(r);
    crtk_edits_free(e);
    return out;
}

static void expect_fails(const char *set, crtk_dictionary *d, const char *changes, const char *expected)
{
    char *got = fails_after(set, d, changes);
    if (strcmp(got, expected))
        g_printerr("after %s: got \"%s\", expected \"%s\"\n", changes, got, expected);
    g_assert_cmpstr(got, ==, expected);
    g_free(got);
}

static void test_required_items(void)
{
    /* the abstracting case of issue 12: blank class of case, accession, facility, stage, grade, treatment
     * and last contact each fail the hospital set with an edit that names the item (a blank class of case
     * holds the case to the analytic list) */
    expect_fails("hospital", dict260, "classOfCase=", "R-classOfCase");
    expect_fails("hospital", dict260, "accessionNumberHosp=", "R-accessionNumberHosp");
    expect_fails("hospital", dict260, "reportingFacility=", "R-reportingFacility");
    expect_fails("hospital", dict260, "summaryStage2018=", "R-summaryStage2018");
    expect_fails("hospital", dict260, "gradeClinical=", "R-gradeClinical SCH02"); /* breast uses it for staging */
    expect_fails("hospital", dict260, "rxSummSurgPrimSite=", "R-rxSummSurgPrimSite");
    expect_fails("hospital", dict260, "dateOfLastContact=", "R-dateOfLastContact");
    expect_fails("hospital", dict260, "classOfCase=;summaryStage2018=", "R-classOfCase R-summaryStage2018");
    /* a non-analytic case (class 32: diagnosed and treated elsewhere, seen for recurrence) needs no stage */
    expect_fails("hospital", dict260, "classOfCase=32;summaryStage2018=;gradeClinical=", "");
    /* years: the 2018 grade items are not required before 2018, the old grade item is */
    expect_fails("hospital", dict260, "dateOfDiagnosis=20150310;ageAtDiagnosis=054;gradeClinical=;gradePathological=;"
                 "summaryStage2018=;ajccTnmClinT=;ajccTnmClinN=;ajccTnmClinM=;ajccTnmClinStageGroup=;"
                 "phase1RadiationTreatmentModality=", "R-grade R-rxSummRadiation");
    /* 2023 and later: the 4-character surgery item */
    expect_fails("hospital", dict260, "dateOfDiagnosis=20230310;ageAtDiagnosis=062", "R-rxSummSurgPrimSite2023");
    /* the central registry's items are in the state set only */
    expect_fails("state-submission", dict260, "typeOfReportingSource=", "R-typeOfReportingSource S11");
    expect_fails("hospital", dict260, "typeOfReportingSource=", "S11");
}

static void test_date_edits(void)
{
    /* today is 2024-06-15 (load); a surgery date after it, an impossible day, a date before diagnosis */
    expect_fails("hospital", dict260, "rxDateSurgery=20240616", "D1-rxDateSurgery");
    expect_fails("hospital", dict260, "rxDateSurgery=20240615", "");
    expect_fails("hospital", dict260, "rxDateSurgery=20230231", "D1-rxDateSurgery");
    expect_fails("hospital", dict260, "rxDateSurgery=20220309", "D2-rxDateSurgery");
    expect_fails("hospital", dict260, "rxDateSurgery=202203", ""); /* same month: not certainly before */
    /* a date that may come before diagnosis (first contact) must still come after birth */
    expect_fails("hospital", dict260, "dateOf1stContact=20220101", "");
    expect_fails("hospital", dict260, "dateOf1stContact=19590101", "D2-dateOf1stContact");
    /* NAACCR 14-22 date flags: a date needs no flag, a blank date needs one */
    crtk_dictionary *d22 = crtk_dictionary_new(220, NULL);
    g_assert_nonnull(d22);
    expect_fails("hospital", d22, "", "");
    expect_fails("hospital", d22, "rxDateSurgery=20220320", "D3-rxDateSurgery");
    expect_fails("hospital", d22, "rxDateSurgery=20220320;rxDateSurgeryFlag=", "");
    expect_fails("hospital", d22, "rxDateSurgeryFlag=", "D3-rxDateSurgery");
    crtk_dictionary_unref(d22);
}

static void test_followup_consistency(void)
{
    /* a death posted with autopsy 0 "not applicable, patient alive" */
    expect_fails("hospital", dict260, "vitalStatus=0;causeOfDeath=C509;icdRevisionNumber=1", "FU01");
    expect_fails("hospital", dict260, "vitalStatus=0;causeOfDeath=C509;icdRevisionNumber=1;autopsy=2", "");
    expect_fails("hospital", dict260, "autopsy=1", "FU01");
}

static void test_unchecked(void)
{
    crtk_edits *e = load("hospital", NULL, dict260);
    int ft = -1;
    GPtrArray *u = crtk_edits_unchecked(e, &ft);
    gboolean text_seen = FALSE, site_seen = FALSE;
    for (guint i = 0; i < u->len; i++) {
        const crtk_item *it = u->pdata[i];
        text_seen |= !strcmp(it->id, "textRemarks");
        site_seen |= !strcmp(it->id, "primarySite");
    }
    g_assert_true(text_seen);   /* free text: no edit reads it */
    g_assert_false(site_seen);  /* S01 checks it */
    g_assert_cmpint(ft, >, 0);
    g_assert_cmpint(ft, <, (int)u->len);
    g_ptr_array_free(u, TRUE);
    crtk_edits_free(e);
}

static void test_version_skips(void)
{
    /* NAACCR 26 has no sex item, 25 no sexAssignedAtBirth: S05 and I06 resolve to the one there is */
    crtk_edits *e26 = load(NULL, NULL, dict260);
    crtk_edits *e25 = load(NULL, NULL, dict250);
    g_assert_nonnull(crtk_edits_find(e26, "S05"));
    g_assert_nonnull(crtk_edits_find(e25, "S05"));
    g_assert_nonnull(crtk_edits_find(e26, "I06"));
    /* valid-code edits of items that version lacks are skipped and listed */
    g_assert_null(crtk_edits_find(e25, "VC-tobaccoUseCigarettes"));
    gboolean listed = FALSE;
    const GPtrArray *sk = crtk_edits_skipped(e25);
    for (guint i = 0; i < sk->len; i++)
        listed |= g_str_has_prefix(sk->pdata[i], "VC-tobaccoUseCigarettes: needs tobaccoUseCigarettes");
    g_assert_true(listed);
    crtk_edits_free(e26);
    crtk_edits_free(e25);
}

static char *write_dir(const char *file, const char *text)
{
    char *dir = tu_make_tmpdir("edits");
    char *path = g_build_filename(dir, file, NULL);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    g_free(path);
    return dir;
}

static void remove_dir(char *dir)
{
    tu_remove_tree(dir);
    g_free(dir);
}

#define HEADER "id\tname\tagency\tlevel\tsets\titems\toverride\tmessage\trule\n"

static void test_user_edits(void)
{
    char *dir = write_dir("md.tsv",
        "# Maryland edits\n" HEADER
        "MD01\tCounty required\tMD\t\tmd\tcountyAtDx\t\tCounty at DX must not be 999 ({countyAtDx})\tcountyAtDx != '999'\n"
        "MD02\tOld sex item\tMD\t\tmd\tsex\t\tuses sex\tsex in ('1', '2')\n"
        "S01\tPrimary Site (MD)\tMD\t\t\tprimarySite\t\tMD site rule\tprimarySite != 'C809'\n");
    crtk_edits *md = load("md", dir, dict260);
    g_assert_nonnull(crtk_edits_find(md, "MD01"));
    g_assert_null(crtk_edits_find(md, "MD02")); /* sex is not in NAACCR 26: skipped */
    /* the user's S01 (no sets: every set) replaces the built-in one */
    const crtk_edit_info *s01 = crtk_edits_find(md, "S01");
    g_assert_nonnull(s01);
    g_assert_cmpstr(s01->agency, ==, "MD");
    g_assert_true(g_str_has_suffix(s01->source, "md.tsv:5"));
    g_assert_null(crtk_edits_find(md, "I01"));
    crtk_record *r = good_record(dict260);
    put(r, 0, "countyAtDx", "999");
    seen s;
    seen_init(&s);
    g_assert_cmpint(crtk_edits_run_record(md, r, collect, &s), ==, 1);
    g_assert_cmpstr(s.ids->pdata[0], ==, "MD01/1");
    g_assert_cmpstr(s.msgs->pdata[0], ==, "County at DX must not be 999 (999)");
    seen_clear(&s);
    crtk_edits *md25 = load("md", dir, dict250);
    g_assert_nonnull(crtk_edits_find(md25, "MD02"));
    crtk_edits_free(md25);
    crtk_edits_free(md);
    crtk_record_free(r);
    remove_dir(dir);

    /* a rule that does not compile: the error names the file, line and column */
    dir = write_dir("bad.tsv", HEADER "X1\tBad\tMD\t\t\tprimarySite\t\tbad\tprimarySite = = 'C509'\n");
    GError *err = NULL;
    g_assert_null(crtk_edits_load(NULL, dir, dict260, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "bad.tsv:2: edit X1: rule column 15"));
    g_clear_error(&err);
    remove_dir(dir);
    dir = write_dir("bad.tsv", HEADER "X1\tBad\tMD\t\t\tprimarySite\t\tbad\tnosuch(primarySite)\n");
    g_assert_null(crtk_edits_load(NULL, dir, dict260, &err));
    g_assert_nonnull(strstr(err->message, "unknown function nosuch"));
    g_clear_error(&err);
    remove_dir(dir);
    dir = write_dir("dup.tsv", HEADER "X1\tA\tMD\t\t\t\t\ta\ttrue\nX1\tB\tMD\t\t\t\t\tb\ttrue\n");
    g_assert_null(crtk_edits_load(NULL, dir, dict260, &err));
    g_assert_nonnull(strstr(err->message, "defined twice"));
    g_clear_error(&err);
    remove_dir(dir);
    g_assert_null(crtk_edits_load(NULL, "/nonexistent/crtk-edits", dict260, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
}

static void test_involving(void)
{
    crtk_edits *e = load(NULL, NULL, dict260);
    const char *changed[] = {"laterality", NULL};
    crtk_edits *sub = crtk_edits_involving(e, changed);
    g_assert_nonnull(crtk_edits_find(sub, "S04"));
    g_assert_nonnull(crtk_edits_find(sub, "I07"));
    g_assert_nonnull(crtk_edits_find(sub, "I23"));
    g_assert_null(crtk_edits_find(sub, "S01"));
    g_assert_null(crtk_edits_find(sub, "I01"));
    const char *ov[] = {"overRideSiteType", NULL};
    crtk_edits *sub2 = crtk_edits_involving(e, ov);
    g_assert_nonnull(crtk_edits_find(sub2, "I01"));
    g_assert_nonnull(crtk_edits_find(sub2, "S18"));
    g_assert_cmpint(crtk_edits_count(sub2), ==, 2);
    crtk_record *r = good_record(dict260);
    put(r, 0, "laterality", "0");
    g_assert_cmpint(crtk_edits_run_record(sub, r, NULL, NULL), ==, 1);
    g_assert_cmpint(crtk_edits_stats_get(sub).failures, ==, 1);
    g_assert_cmpint(crtk_edits_stats_get(e).failures, ==, 0); /* separate statistics */
    crtk_edits_free(e); /* the subset outlives its parent */
    g_assert_cmpint(crtk_edits_run_record(sub, r, NULL, NULL), ==, 1);
    /* a record of another dictionary is refused */
    crtk_record *r25 = good_record(dict250);
    g_assert_cmpint(crtk_edits_run_record(sub, r25, NULL, NULL), ==, -1);
    crtk_record_free(r25);
    crtk_record_free(r);
    crtk_edits_free(sub);
    crtk_edits_free(sub2);
}

static int abort_first(const crtk_edit_failure *f, void *user)
{
    (void)f;
    (*(int *)user)++;
    return CRTK_ABORT;
}

static void test_abort_and_patient_without_tumors(void)
{
    crtk_edits *e = load(NULL, NULL, dict260);
    crtk_record *r = good_record(dict260);
    apply(r, 0, "primarySite=C270;laterality=7;behaviorCodeIcdO3=6");
    int calls = 0;
    crtk_edits_run_record(e, r, abort_first, &calls);
    g_assert_cmpint(calls, ==, 1);
    /* a patient without tumors: patient edits only */
    crtk_record_clear(r);
    apply(r, 0, "patientIdNumber=00000002;vitalStatus=5");
    crtk_edits_reset(e);
    g_assert_cmpint(crtk_edits_run_record(e, r, NULL, NULL), >=, 1);
    g_assert_cmpint(crtk_edits_stats_get(e).tumors, ==, 0);
    g_assert_cmpint(crtk_edits_find(e, "S10")->failures, ==, 1);
    crtk_record_free(r);
    crtk_edits_free(e);
}

/* ---- the rule language ------------------------------------------------------------------- */

/* Evaluates rule on record r, tumor 0 (-1 for patient level); fails the test on a compile error. */
static gboolean rule(const char *text, const crtk_record *r, int tumor)
{
    edit_env env;
    edit_env_init(&env, r->dict);
    GError *err = NULL;
    edit_expr *x = edit_expr_compile(text, &env, &err);
    if (!x)
        g_error("rule {%s}: %s", text, err->message);
    g_assert_cmpuint(env.missing->len, ==, 0);
    edit_ctx c = {.rec = r, .tumor = tumor, .other = -1, .today_y = 2024, .today_m = 6, .today_d = 15};
    gboolean res = edit_expr_eval(x, &c);
    edit_expr_free(x);
    edit_env_clear(&env);
    return res;
}

static char *compile_error(const char *text)
{
    edit_env env;
    edit_env_init(&env, dict260);
    GError *err = NULL;
    edit_expr *x = edit_expr_compile(text, &env, &err);
    char *msg = x ? NULL : g_strdup(err->message);
    edit_expr_free(x);
    g_clear_error(&err);
    edit_env_clear(&env);
    return msg;
}

static void test_language(void)
{
    crtk_record *r = good_record(dict260);
    crtk_element *t2 = crtk_record_add_tumor(r);
    (void)t2;
    apply(r, 1, "primarySite=C180;sequenceNumberCentral=02;dateOfDiagnosis=20230105");
    apply(r, 0, "sequenceNumberCentral=01");
    /* literals, precedence, if/then/else */
    g_assert_true(rule("true", r, 0));
    g_assert_false(rule("false", r, 0));
    g_assert_true(rule("true or false and false", r, 0));
    g_assert_false(rule("not true or false", r, 0));
    g_assert_true(rule("if false then false", r, 0));
    g_assert_false(rule("if false then true else false", r, 0));
    g_assert_true(rule("if primarySite = 'C504' then laterality = '1' else false", r, 0));
    g_assert_true(rule("1 + 2 = 3 and 5 - 7 = -2", r, 0));
    /* strings compare as text, numbers and digit strings as numbers */
    g_assert_true(rule("ageAtDiagnosis = '061'", r, 0));
    g_assert_false(rule("ageAtDiagnosis = '61'", r, 0));
    g_assert_true(rule("ageAtDiagnosis = 61 and ageAtDiagnosis < 100 and ageAtDiagnosis >= 61.0", r, 0));
    g_assert_true(rule("primarySite <> 'C509' and primarySite != 'C505' and primarySite == 'C504'", r, 0));
    g_assert_false(rule("primarySite < 5", r, 0));  /* not a number: only != holds */
    g_assert_true(rule("primarySite != 5", r, 0));
    /* in, ranges, between */
    g_assert_true(rule("primarySite in ('C500'..'C509', 'C619')", r, 0));
    g_assert_true(rule("primarySite not in ('C180'..'C189')", r, 0));
    g_assert_true(rule("not primarySite in ('C180'..'C189')", r, 0));
    g_assert_true(rule("ageAtDiagnosis in (60..62)", r, 0));
    g_assert_true(rule("ageAtDiagnosis between 60 and 61 and primarySite between 'C500' and 'C509'", r, 0));
    /* empty, alternatives, optional items */
    g_assert_true(rule("empty(nameMiddle) and present(primarySite) and not empty(primarySite)", r, 0));
    g_assert_true(rule("valid_code(sexAssignedAtBirth|sex)", r, 0));
    g_assert_true(rule("empty(sex?)", r, 0));
    g_assert_true(rule("coalesce(sex?, sexAssignedAtBirth) = '2'", r, 0));
    /* code tables */
    g_assert_true(rule("valid_code(laterality) and in_table(laterality, 'laterality')", r, 0));
    g_assert_true(rule("valid_code(primarySite) and valid_code(primarySite, 'topography')", r, 0));
    g_assert_false(rule("in_table('9', 'behaviorCodeIcdO3')", r, 0));
    g_assert_true(rule("valid(primarySite, laterality, dateOfDiagnosis, ageAtDiagnosis)", r, 0));
    g_assert_false(rule("valid(primarySite, nameMiddle)", r, 0));
    g_assert_true(rule("hist_valid(histologicTypeIcdO3, year(dateOfDiagnosis)) and morph_valid('8500', '3', 2022)", r, 0));
    g_assert_false(rule("morph_valid('8256', '3', 2017)", r, 0));
    g_assert_true(rule("morph_reportable('8211', '2', 2023) = 'no' and morph_reportable('8140', '3', 2023) = ''", r, 0));
    g_assert_true(rule("site_hist_valid(primarySite, histologicTypeIcdO3, behaviorCodeIcdO3, 2022)", r, 0));
    g_assert_true(rule("paired_site(primarySite) = 'PAIRED' and paired_site('C180') = ''", r, 0));
    g_assert_true(rule("paired_site('C710', 2003) = 'PAIRED_OR_NOT' and paired_site('C342', 2020) = 'RIGHT_ONLY'", r, 0));
    g_assert_true(rule("county_valid(addrAtDxState, countyAtDx) and not county_valid('MD', '002')", r, 0));
    g_assert_true(rule("has_counties('MD') and not has_counties('XX')", r, 0));
    /* dates */
    g_assert_true(rule("valid_date(dateOfDiagnosis) and valid_date('2022') and valid_date('202202')", r, 0));
    g_assert_false(rule("valid_date('20220230') or valid_date('2022 3') or valid_date('') or valid_date('202213')", r, 0));
    g_assert_true(rule("valid_date('20000229') and not valid_date('19000229')", r, 0));
    g_assert_false(rule("valid_date('18491231', 1850)", r, 0));
    g_assert_true(rule("not_future('20240615') and not_future('202406') and not_future('2024')", r, 0));
    g_assert_false(rule("not_future('20240616') or not_future('202407') or not_future('2025')", r, 0));
    g_assert_true(rule("year(dateOfDiagnosis) = 2022 and month(dateOfDiagnosis) = 3 and day(dateOfDiagnosis) = 10", r, 0));
    g_assert_false(rule("year('') < 3000 or year('') >= 0 or month('2022') = 0", r, 0)); /* unknown: NaN */
    g_assert_true(rule("date_before(dateOfBirth, dateOfDiagnosis) and date_after(dateOfDiagnosis, dateOfBirth)", r, 0));
    g_assert_false(rule("date_before('2022', '20220310') or date_before('202203', '20220310')", r, 0));
    g_assert_true(rule("date_before('202202', '20220310') and same_date('2022', '20220310') and same_date('202203', '20220310')", r, 0));
    g_assert_false(rule("same_date('20220311', '20220310') or same_date('202204', '2022031')", r, 0));
    g_assert_true(rule("age_at(dateOfBirth, dateOfDiagnosis) = 61", r, 0));
    g_assert_true(rule("age_min('1960', '20220310') = 61 and age_max('1960', '20220310') = 62", r, 0));
    g_assert_true(rule("age_min('19600310', '20220310') = 62 and age_max('19600311', '20220310') = 61", r, 0));
    g_assert_true(rule("current_year() = 2024", r, 0));
    /* text functions */
    g_assert_true(rule("substr(primarySite, 1, 3) = 'C50' and substr(primarySite, 4) = '4' and length(primarySite) = 4", r, 0));
    g_assert_true(rule("substr(primarySite, 9, 1) = '' and is_digits(ageAtDiagnosis) and not is_digits(primarySite)", r, 0));
    g_assert_true(rule("number(ageAtDiagnosis) = 61 and trim('  x ') = 'x'", r, 0));
    g_assert_true(rule("blank_if(race2, '88', '99') = '' and blank_if(race1, '88') = '01'", r, 0));
    g_assert_true(rule("distinct(race1, race2, race3) = false and distinct(race1, blank_if(race2, '88'), '')", r, 0));
    /* loops over the patient's tumors */
    g_assert_true(rule("count_tumors(true) = 2 and count_others(true) = 1", r, 0));
    g_assert_true(rule("any_other(other.primarySite = 'C180') and not any_other(other.primarySite = 'C504')", r, 0));
    g_assert_true(rule("all_others(other.sequenceNumberCentral > sequenceNumberCentral)", r, 0));
    g_assert_true(rule("count_tumors(other.sequenceNumberCentral between '01' and '59') = 2", r, -1));
    g_assert_true(rule("any_other(other.sequenceNumberCentral = '01')", r, 1));
    /* a patient-level evaluation sees no current tumor */
    g_assert_true(rule("empty(primarySite)", r, -1));
    /* compile errors name the column */
    char *m;
    g_assert_nonnull(m = compile_error("primarySite = "));
    g_assert_nonnull(strstr(m, "column"));
    g_free(m);
    g_assert_nonnull(m = compile_error("other.primarySite = 'C509'"));
    g_assert_nonnull(strstr(m, "other."));
    g_free(m);
    g_assert_nonnull(m = compile_error("any_other(count_tumors(true) = 1)"));
    g_free(m);
    g_assert_nonnull(m = compile_error("valid_code(nameLast)"));
    g_assert_nonnull(strstr(m, "no code table"));
    g_free(m);
    g_assert_nonnull(m = compile_error("valid_code(laterality, 'nosuchtable')"));
    g_free(m);
    g_assert_nonnull(m = compile_error("empty(laterality, primarySite)"));
    g_free(m);
    g_assert_nonnull(m = compile_error("'unclosed"));
    g_free(m);
    g_assert_nonnull(m = compile_error("laterality in (primarySite)"));
    g_free(m);
    g_assert_nonnull(m = compile_error("$item = '1'"));
    g_free(m);
    g_assert_nonnull(m = compile_error("true true"));
    g_free(m);
    g_assert_nonnull(m = compile_error("laterality # 1"));
    g_free(m);
    /* items the dictionary lacks are listed, not errors */
    edit_env env;
    edit_env_init(&env, dict260);
    GError *err = NULL;
    edit_expr *x = edit_expr_compile("sex = '1' or nosuchItem = '2' or sexAssignedAtBirth|sex = '2' or oldItem? = ''", &env, &err);
    g_assert_no_error(err);
    g_assert_nonnull(x);
    g_assert_cmpuint(env.missing->len, ==, 2);
    g_assert_cmpstr(env.missing->pdata[0], ==, "sex");
    g_assert_cmpstr(env.missing->pdata[1], ==, "nosuchItem");
    g_assert_false(env.uses_tumor_items);
    edit_expr_free(x);
    edit_env_clear(&env);
    crtk_record_free(r);
}

static void test_dates_parse(void)
{
    /* coded dates as the edits read them: flat blanks trimmed, real calendar days */
    crtk_date d;
    g_assert_true(crtk_date_parse_naaccr("20220310", 8, CRTK_DATE_CALENDAR, &d));
    g_assert_cmpint(crtk_date_to_ymd(d), ==, 20220310);
    g_assert_true(crtk_date_parse_naaccr("2022    ", 8, CRTK_DATE_CALENDAR, &d));
    g_assert_cmpint(d.month, ==, 0);
    g_assert_true(crtk_date_parse_naaccr("202203  ", 8, CRTK_DATE_CALENDAR, &d));
    g_assert_cmpint(d.month, ==, 3);
    g_assert_cmpint(d.day, ==, 0);
    g_assert_false(crtk_date_parse_naaccr("20229999", 8, CRTK_DATE_CALENDAR, &d));
    g_assert_false(crtk_date_parse_naaccr("20230229", 8, CRTK_DATE_CALENDAR, &d));
    g_assert_false(crtk_date_parse_naaccr("202", 3, CRTK_DATE_CALENDAR, &d));
    g_assert_false(crtk_date_parse_naaccr("0000", 4, CRTK_DATE_CALENDAR, &d));
}

/* ---- the reference samples (skipped without ../shared) -------------------------------------- */

typedef struct {
    crtk_edits *e;
    crtk_dictionary *dict;
    long failures;
} sample_run;

static int sample_patient(crtk_record *r, void *user)
{
    sample_run *s = user;
    if (!s->e) {
        GError *err = NULL;
        s->e = crtk_edits_load("all", NULL, r->dict, &err);
        g_assert_no_error(err);
    }
    int n = crtk_edits_run_record(s->e, r, NULL, NULL);
    g_assert_cmpint(n, >=, 0);
    s->failures += n;
    return CRTK_CONTINUE;
}

static void test_shared_samples(void)
{
    const char *files[] = {"codes/samples/synthetic-data_naaccr-xml-22-abstract_5-tumors.xml",
                           "codes/samples/synthetic-data_naaccr-18-incidence_5-records.txt",
                           "naaccr/samples/generated/naaccr-xml-sample-v250-incidence-10.xml.gz", NULL};
    for (int i = 0; files[i]; i++) {
        char *path = tu_shared(files[i]); /* each file absent: skipped (a failure under CI=true) */
        if (!path)
            return;
        crtk_read_options o;
        crtk_read_options_init(&o);
        crtk_read_handlers h = {.patient = sample_patient};
        sample_run s = {0};
        crtk_read_stats st;
        g_assert_cmpint(crtk_naaccr_read_file(path, CRTK_FORMAT_UNKNOWN, &o, &h, &s, &st), ==, 0);
        g_assert_nonnull(s.e);
        crtk_edits_stats es = crtk_edits_stats_get(s.e);
        g_assert_cmpint(es.patients, ==, st.patients);
        g_assert_cmpint(es.tumors, ==, st.tumors);
        g_assert_cmpint(es.failures, ==, s.failures);
        g_assert_cmpint(es.tumors_passing, <=, es.tumors);
        crtk_edits_free(s.e);
        g_free(path);
    }
}

int main(int argc, char **argv)
{
    tu_init(&argc, &argv);
    dict260 = crtk_dictionary_new(260, NULL);
    dict250 = crtk_dictionary_new(250, NULL);
    g_assert_nonnull(dict260);
    g_assert_nonnull(dict250);
    g_test_add_func("/edits/good-record-passes", test_good_record_passes);
    for (size_t i = 0; i < G_N_ELEMENTS(CASES); i++) {
        char *name = g_strdup_printf("/edits/case/%s/%s/%zu", CASES[i].edit, CASES[i].fails ? "fails" : "passes", i);
        g_test_add_data_func(name, &CASES[i], run_case);
        g_free(name);
    }
    g_test_add_func("/edits/P01/repeated-patient", test_p01_repeated_patient);
    g_test_add_func("/edits/P01/many-patients", test_p01_many_patients);
    g_test_add_func("/edits/messages-and-items", test_messages_and_items);
    g_test_add_func("/edits/sets", test_sets);
    g_test_add_func("/edits/required-items", test_required_items);
    g_test_add_func("/edits/date-edits", test_date_edits);
    g_test_add_func("/edits/followup-consistency", test_followup_consistency);
    g_test_add_func("/edits/unchecked", test_unchecked);
    g_test_add_func("/edits/version-skips", test_version_skips);
    g_test_add_func("/edits/user-edits", test_user_edits);
    g_test_add_func("/edits/involving", test_involving);
    g_test_add_func("/edits/abort-and-no-tumors", test_abort_and_patient_without_tumors);
    g_test_add_func("/edits/language", test_language);
    g_test_add_func("/edits/dates", test_dates_parse);
    g_test_add_func("/edits/shared-samples", test_shared_samples);
    int rc = g_test_run();
    crtk_dictionary_unref(dict260);
    crtk_dictionary_unref(dict250);
    return tu_finish(rc);
}
