/* followup.c — the annual follow-up: who is followed, due, lost; posting contacts; CoC rates.
 *
 * How it works.  Classification takes plain coded values (crtk_followup_patient) and the
 * rules (windows, reference date, as-of date), first per tumor (is this tumor one that
 * follow-up is required for?), then per patient (is the patient followed at all, dead,
 * current, due or lost?).  crtk_followup_scan fills the values of every patient from one
 * read-only query over patient JOIN tumor, ordered by patient, copying a patient's values into
 * a string chunk that is cleared for the next one, so memory stays flat and 100,000 patients
 * take a fraction of a second.  The rate worksheet adds classified patients into two cohorts.
 * Posting goes through crtk_store_set_items, which checks the values, writes the audit trail
 * and sets Date Case Last Changed; all the changes of one contact (or one CSV file) are one
 * transaction.
 *
 * Sources of the rules (quoted in the comments below; see docs/followup.md):
 *   [CoC]  Commission on Cancer, Optimal Resources for Cancer Care (2020), Standard 6.5, and the
 *          2021 change: follow-up no longer required for cases diagnosed 1988-2004.
 *   [SEER] SEER Training, Follow-up: requirements.html, intro/requirements.html,
 *          procedures/frequency.html, intro/calculations.html (the rate worksheet).
 *   [NAACCR] NAACCR Volume II items 610, 1750, 1760, 1770, 1772, 1790, 1791, 1800, 1910.
 */
#include "followup.h"
#include "csv.h"
#include "codes.h"
#include "derived.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ------------------------------------------------------------------------------------ */

static const char *const status_names[CRTK_FU_N_STATUS] = {"excluded", "dead", "current", "due", "lost"};

const char *crtk_followup_status_name(crtk_followup_status st)
{
    return (unsigned)st < CRTK_FU_N_STATUS ? status_names[st] : "?";
}

int crtk_followup_status_parse(const char *word)
{
    for (int i = 0; i < CRTK_FU_N_STATUS; i++)
        if (word && !g_ascii_strcasecmp(word, status_names[i]))
            return i;
    if (word && (!g_ascii_strcasecmp(word, "not-followed") || !g_ascii_strcasecmp(word, "delinquent")))
        return !g_ascii_strcasecmp(word, "delinquent") ? CRTK_FU_LOST : CRTK_FU_EXCLUDED;
    return -1;
}

static const struct {
    const char *code, *text;
} reasons[CRTK_FU_N_REASON] = {
    {"", "followed"},
    {"non-analytic", "non-analytic class of case"},
    {"foreign", "foreign resident"},
    {"benign", "benign or borderline tumors only"},
    {"cervix-in-situ", "cervix in situ only"},
    {"skin", "in-situ or localized basal/squamous cell skin carcinoma only"},
    {"age-over-100", "over 100 years of age, no contact for a year"},
    {"class-00", "class of case 00 diagnosed from 2006 on"},
};

const char *crtk_followup_reason_code(crtk_followup_reason r)
{
    return (unsigned)r < CRTK_FU_N_REASON ? reasons[r].code : "?";
}

const char *crtk_followup_reason_text(crtk_followup_reason r)
{
    return (unsigned)r < CRTK_FU_N_REASON ? reasons[r].text : "?";
}

/* naaccrIds of the items, and which scans need them. */
static const struct {
    const char *id;
    gboolean for_rate;
} items[CRTK_FU_N_ITEMS] = {
    [CRTK_FU_PATIENT_ID_NUMBER] = {"patientIdNumber", TRUE},
    [CRTK_FU_NAME_LAST] = {"nameLast", FALSE},
    [CRTK_FU_NAME_FIRST] = {"nameFirst", FALSE},
    [CRTK_FU_NAME_MIDDLE] = {"nameMiddle", FALSE},
    [CRTK_FU_DATE_OF_BIRTH] = {"dateOfBirth", TRUE},
    [CRTK_FU_DATE_OF_LAST_CONTACT] = {"dateOfLastContact", TRUE},
    [CRTK_FU_VITAL_STATUS] = {"vitalStatus", TRUE},
    [CRTK_FU_ADDR_CURRENT_COUNTRY] = {"addrCurrentCountry", TRUE},
    [CRTK_FU_ADDR_CURRENT_STREET] = {"addrCurrentNoStreet", FALSE},
    [CRTK_FU_ADDR_CURRENT_SUPPL] = {"addrCurrentSupplementl", FALSE},
    [CRTK_FU_ADDR_CURRENT_CITY] = {"addrCurrentCity", FALSE},
    [CRTK_FU_ADDR_CURRENT_STATE] = {"addrCurrentState", FALSE},
    [CRTK_FU_ADDR_CURRENT_POSTAL] = {"addrCurrentPostalCode", FALSE},
    [CRTK_FU_TELEPHONE] = {"telephone", FALSE},
    [CRTK_FU_TUMOR_RECORD_NUMBER] = {"tumorRecordNumber", FALSE},
    [CRTK_FU_CLASS_OF_CASE] = {"classOfCase", TRUE},
    [CRTK_FU_PRIMARY_SITE] = {"primarySite", TRUE},
    [CRTK_FU_HISTOLOGY] = {"histologicTypeIcdO3", TRUE},
    [CRTK_FU_BEHAVIOR] = {"behaviorCodeIcdO3", TRUE},
    [CRTK_FU_DATE_OF_DIAGNOSIS] = {"dateOfDiagnosis", TRUE},
    [CRTK_FU_SUMMARY_STAGE_2018] = {"summaryStage2018", TRUE},
    [CRTK_FU_DERIVED_SUMMARY_STAGE_2018] = {"derivedSummaryStage2018", TRUE},
    [CRTK_FU_SUMMARY_STAGE_2000] = {"seerSummaryStage2000", TRUE},
    [CRTK_FU_DERIVED_SS2000] = {"derivedSs2000", TRUE},
    [CRTK_FU_SUMMARY_STAGE_1977] = {"seerSummaryStage1977", TRUE},
    [CRTK_FU_AGE_AT_DIAGNOSIS] = {"ageAtDiagnosis", TRUE},
    [CRTK_FU_ADDR_AT_DX_COUNTRY] = {"addrAtDxCountry", TRUE},
    [CRTK_FU_NEXT_FOLLOWUP_SOURCE] = {"nextFollowUpSource", TRUE},
    [CRTK_FU_NPI_PHYSICIAN_FOLLOWUP] = {"npiPhysicianFollowUp", FALSE},
    [CRTK_FU_PHYSICIAN_FOLLOWUP] = {"physicianFollowUp", FALSE},
    [CRTK_FU_NPI_PHYSICIAN_MANAGING] = {"npiPhysicianManaging", FALSE},
    [CRTK_FU_MEDICAL_RECORD_NUMBER] = {"medicalRecordNumber", FALSE},
    [CRTK_FU_ACCESSION_NUMBER] = {"accessionNumberHosp", FALSE},
    [CRTK_FU_CANCER_STATUS] = {"cancerStatus", FALSE},
    [CRTK_FU_CONTACT_NAME] = {"followUpContactName", FALSE},
    [CRTK_FU_CONTACT_STREET] = {"followUpContactNost", FALSE},
    [CRTK_FU_CONTACT_SUPPL] = {"followUpContactSuppl", FALSE},
    [CRTK_FU_CONTACT_CITY] = {"followUpContactCity", FALSE},
    [CRTK_FU_CONTACT_STATE] = {"followUpContactState", FALSE},
    [CRTK_FU_CONTACT_POSTAL] = {"followUpContactPostal", FALSE},
};

const char *crtk_followup_item_id(crtk_followup_item it)
{
    return (unsigned)it < CRTK_FU_N_ITEMS ? items[it].id : NULL;
}

/* ---- dates ------------------------------------------------------------------------------------ */

static int ymd(int y, int m, int d)
{
    return y * 10000 + m * 100 + d;
}

/* Follow-up computes with full dates as YYYYMMDD integers; the arithmetic is the date module's. */
static int parse_full_date(const char *text)
{
    crtk_date d;
    if (!text || !crtk_date_parse_naaccr(text, strlen(text), CRTK_DATE_FULL | CRTK_DATE_CALENDAR, &d)) {
        if (!text || !crtk_date_parse_input(text, &d, NULL) || crtk_date_precision_of(d) != CRTK_DATE_DAY)
            return 0;
    }
    return crtk_date_to_ymd(d);
}

static int date_bound(const char *text, gboolean latest)
{
    return crtk_date_to_ymd(crtk_date_bound(crtk_date_parse(text), latest));
}

static int add_months(int date, int months)
{
    return crtk_date_to_ymd(crtk_date_add_months(crtk_date_from_ymd(date), months));
}

static int months_between(int a, int b)
{
    return crtk_date_months_between(crtk_date_from_ymd(a), crtk_date_from_ymd(b));
}

/* Completed years from a to b. */
static int years_between(int a, int b)
{
    int y = b / 10000 - a / 10000;
    if (b % 10000 < a % 10000)
        y--;
    return y;
}

/* ---- rules ------------------------------------------------------------------------------------ */

static int today_int(void)
{
    char *t = crtk_today();
    int v = parse_full_date(t);
    g_free(t);
    return v;
}

void crtk_followup_rules_init(crtk_followup_rules *r, int as_of)
{
    memset(r, 0, sizeof *r);
    r->today = today_int();
    r->as_of = as_of ? as_of : r->today;
    /* [SEER] letters start at 12 months after the last contact; a case is delinquent when no
     * follow-up was obtained within 15 months after it. */
    r->due_months = 12;
    r->lost_months = 15;
    /* [CoC 2021] follow-up is no longer required for cases diagnosed 1988-2004. */
    r->required_since = 20050101;
    r->last_dx_year = r->as_of / 10000 - 1;
    /* The United States and its territories; a Canadian registry sets CAN. */
    g_strlcpy(r->home_countries, "USA ASM GUM MNP PRI UMI VIR", sizeof r->home_countries);
}

static gboolean setting_int(crtk_store *s, const char *key, int lo, int hi, int *out, GError **error)
{
    char *v = crtk_store_get_setting(s, key);
    if (!v || !*v) {
        g_free(v);
        return TRUE;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (*end || errno || n < lo || n > hi) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "setting %s=%s: expected a number from %d to %d", key, v,
                    lo, hi);
        g_free(v);
        return FALSE;
    }
    *out = (int)n;
    g_free(v);
    return TRUE;
}

static gboolean setting_date(crtk_store *s, const char *key, int *out, GError **error)
{
    char *v = crtk_store_get_setting(s, key);
    if (!v || !*v) {
        g_free(v);
        return TRUE;
    }
    int d = date_bound(v, FALSE);
    if (!d) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "setting %s=%s: expected a date YYYYMMDD", key, v);
        g_free(v);
        return FALSE;
    }
    *out = d;
    g_free(v);
    return TRUE;
}

gboolean crtk_followup_rules_from_store(crtk_store *s, const char *as_of, crtk_followup_rules *r, GError **error)
{
    int a = 0;
    if (as_of && *as_of && g_ascii_strcasecmp(as_of, "today")) {
        a = parse_full_date(as_of);
        if (!a) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "as-of date %s: expected YYYYMMDD or YYYY-MM-DD", as_of);
            return FALSE;
        }
    }
    crtk_followup_rules_init(r, a);
    if (!setting_int(s, "followupDueMonths", 1, 120, &r->due_months, error) ||
        !setting_int(s, "followupLostMonths", 1, 240, &r->lost_months, error) ||
        !setting_date(s, "referenceDate", &r->reference_date, error) ||
        !setting_date(s, "followupRequiredSince", &r->required_since, error))
        return FALSE;
    if (r->lost_months < r->due_months) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "settings: followupLostMonths (%d) is shorter than followupDueMonths (%d)", r->lost_months,
                    r->due_months);
        return FALSE;
    }
    char *home = crtk_store_get_setting(s, "followupHomeCountries");
    if (home && *home)
        g_strlcpy(r->home_countries, home, sizeof r->home_countries);
    g_free(home);
    return TRUE;
}

const char *const crtk_followup_setting_keys[] = {
    "registryName",  "registryPhone",     "registryAddress",    "registryLetterName",    "registryLetterAddress",
    "referenceDate", "followupDueMonths", "followupLostMonths", "followupRequiredSince", "followupHomeCountries",
    NULL};

gboolean crtk_followup_setting_is_key(const char *key)
{
    for (int k = 0; crtk_followup_setting_keys[k]; k++)
        if (!strcmp(key, crtk_followup_setting_keys[k]))
            return TRUE;
    return FALSE;
}

char *crtk_followup_setting_default(const char *key)
{
    crtk_followup_rules r;
    crtk_followup_rules_init(&r, 0);
    if (!strcmp(key, "followupDueMonths"))
        return g_strdup_printf("%d", r.due_months);
    if (!strcmp(key, "followupLostMonths"))
        return g_strdup_printf("%d", r.lost_months);
    if (!strcmp(key, "followupRequiredSince"))
        return g_strdup_printf("%d", r.required_since);
    if (!strcmp(key, "followupHomeCountries"))
        return g_strdup(r.home_countries);
    return NULL;
}

/* ---- classification --------------------------------------------------------------------------- */

static gboolean blank(const char *v)
{
    if (!v)
        return TRUE;
    while (*v == ' ')
        v++;
    return !*v;
}

static int int_prefix(const char *v, int n)
{
    if (!v)
        return -1;
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!g_ascii_isdigit(v[i]))
            return -1;
        x = x * 10 + (v[i] - '0');
    }
    return x;
}

/* [NAACCR 610] analytic classes: 00, 10-14, 20-22; all others (30-38, 40-43, 49, 99) are
 * non-analytic.  A blank class is taken as unknown (99). */
static gboolean analytic_class(const char *cls)
{
    if (!cls || strlen(cls) != 2)
        return FALSE;
    int c = int_prefix(cls, 2);
    return c == 0 || (c >= 10 && c <= 14) || (c >= 20 && c <= 22);
}

/* The first coded summary stage: SS2018, derived SS2018, SS2000, derived SS2000, SS1977. */
static const char *summary_stage(const crtk_followup_tumor *t)
{
    static const crtk_followup_item order[] = {CRTK_FU_SUMMARY_STAGE_2018, CRTK_FU_DERIVED_SUMMARY_STAGE_2018,
                                               CRTK_FU_SUMMARY_STAGE_2000, CRTK_FU_DERIVED_SS2000,
                                               CRTK_FU_SUMMARY_STAGE_1977};
    for (size_t i = 0; i < G_N_ELEMENTS(order); i++)
        if (!blank(t->item[order[i]]))
            return t->item[order[i]];
    return NULL;
}

crtk_followup_reason crtk_followup_tumor_reason(crtk_followup_tumor *t)
{
    const char *cls = t->item[CRTK_FU_CLASS_OF_CASE], *site = t->item[CRTK_FU_PRIMARY_SITE];
    const char *beh = t->item[CRTK_FU_BEHAVIOR];
    t->dx_date = date_bound(t->item[CRTK_FU_DATE_OF_DIAGNOSIS], FALSE);
    char b = beh && *beh ? beh[0] : 0;
    /* [SEER intro/requirements] excluded from the rate: "Non-analytic cases (Class of Case 30-49, 99)". */
    if (!analytic_class(cls))
        return CRTK_FU_NON_ANALYTIC;
    /* [SEER] "Benign and borderline histologies (behavior codes 0, 1)". */
    if (b == '0' || b == '1')
        return CRTK_FU_BENIGN;
    /* [SEER] "Carcinoma in situ of the cervix" (C53.0-C53.9, behavior 2). */
    gboolean site_ok = site && strlen(site) == 4 && (site[0] == 'C' || site[0] == 'c');
    int s3 = site_ok ? int_prefix(site + 1, 2) : -1;
    if (s3 == 53 && b == '2')
        return CRTK_FU_CERVIX_IN_SITU;
    /* [SEER] "In-situ and localized basal and squamous cell carcinomas of the skin": C44.x with
     * ICD-O-3 squamous (8050-8084) or basal cell (8090-8110) histology, behavior 2, or behavior 3
     * with summary stage 0 (in situ) or 1 (localized).  Unknown stage: followed. */
    if (s3 == 44) {
        int h = int_prefix(t->item[CRTK_FU_HISTOLOGY], 4);
        gboolean bcc_scc = (h >= 8050 && h <= 8084) || (h >= 8090 && h <= 8110);
        const char *ss = summary_stage(t);
        if (bcc_scc && (b == '2' || (b == '3' && ss && (ss[0] == '0' || ss[0] == '1') && !ss[1])))
            return CRTK_FU_SKIN;
    }
    /* [SEER requirements.html] not followed: "patients diagnosed on or after January 1, 2006
     * with Class of Case 00" (CoC requires follow-up of classes 10-22 only).  A class 00 tumor
     * with no diagnosis year is taken as diagnosed from 2006 on. */
    if (cls[0] == '0' && cls[1] == '0' && (!t->dx_date || t->dx_date >= 20060101))
        return CRTK_FU_CLASS_00;
    return CRTK_FU_FOLLOWED;
}

/* A country code that says where someone lives (not blank, not ZZU unknown, not ZZN North
 * America NOS, which may be home). */
static gboolean known_country(const char *c)
{
    return !blank(c) && g_ascii_strcasecmp(c, "ZZU") && g_ascii_strcasecmp(c, "ZZN");
}

static gboolean home_country(const crtk_followup_rules *r, const char *c)
{
    size_t n = strlen(c);
    for (const char *p = r->home_countries; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *q = p;
        while (*q && *q != ' ' && *q != ',')
            q++;
        if ((size_t)(q - p) == n && !g_ascii_strncasecmp(p, c, n))
            return TRUE;
        p = q;
    }
    return FALSE;
}

/* [SEER] "Foreign residents" are not followed: the current address's country, else the country
 * at diagnosis of the latest tumor, outside the registry's home countries; or a tumor coded
 * Next Follow-Up Source 8 "Foreign residents (not followed)". */
static gboolean foreign_resident(const crtk_followup_rules *r, const crtk_followup_patient *p, int latest)
{
    for (int i = 0; i < p->n_tumors; i++)
        if (p->tumors[i].reason == CRTK_FU_FOLLOWED && p->tumors[i].item[CRTK_FU_NEXT_FOLLOWUP_SOURCE] &&
            !strcmp(p->tumors[i].item[CRTK_FU_NEXT_FOLLOWUP_SOURCE], "8"))
            return TRUE;
    const char *c = p->item[CRTK_FU_ADDR_CURRENT_COUNTRY];
    if (!known_country(c))
        c = latest >= 0 ? p->tumors[latest].item[CRTK_FU_ADDR_AT_DX_COUNTRY] : NULL;
    return known_country(c) && !home_country(r, c);
}

/* Age in completed years at the as-of date, as a lower bound: the date of birth with unknown
 * parts taken as late as possible; without a year of birth, the age at diagnosis plus the whole
 * years since. */
static int age_at(const crtk_followup_rules *r, const crtk_followup_patient *p)
{
    int dob = date_bound(p->item[CRTK_FU_DATE_OF_BIRTH], TRUE);
    if (dob)
        return years_between(dob, r->as_of);
    int age = -1;
    for (int i = 0; i < p->n_tumors; i++) {
        int a = int_prefix(p->tumors[i].item[CRTK_FU_AGE_AT_DIAGNOSIS], 3);
        int dx = date_bound(p->tumors[i].item[CRTK_FU_DATE_OF_DIAGNOSIS], TRUE);
        if (a < 0 || a > 120 || !dx)
            continue;
        int since = dx <= r->as_of ? years_between(dx, r->as_of) : 0;
        if (a + since > age)
            age = a + since;
    }
    return age;
}

void crtk_followup_classify(const crtk_followup_rules *r, crtk_followup_patient *p)
{
    int followed = 0, latest = -1, latest_followed = -1;
    crtk_followup_reason tumor_reason = CRTK_FU_N_REASON;
    gboolean early_only = TRUE;
    for (int i = 0; i < p->n_tumors; i++) {
        crtk_followup_tumor *t = &p->tumors[i];
        t->reason = crtk_followup_tumor_reason(t);
        if (latest < 0 || t->dx_date >= p->tumors[latest].dx_date)
            latest = i;
        if (t->reason == CRTK_FU_FOLLOWED) {
            followed++;
            if (latest_followed < 0 || t->dx_date >= p->tumors[latest_followed].dx_date)
                latest_followed = i;
            const char *b = t->item[CRTK_FU_BEHAVIOR];
            if (!b || (b[0] != '0' && b[0] != '1' && b[0] != '2'))
                early_only = FALSE;
        } else if (t->reason < tumor_reason) {
            tumor_reason = t->reason;
        }
    }
    p->principal = latest_followed >= 0 ? latest_followed : latest;
    p->in_situ_or_benign_only = followed > 0 && early_only;
    p->age = age_at(r, p);
    p->last_contact = date_bound(p->item[CRTK_FU_DATE_OF_LAST_CONTACT], FALSE);
    p->months_since_contact = p->last_contact ? months_between(p->last_contact, r->as_of) : -1;
    p->due_date = p->last_contact ? add_months(p->last_contact, r->due_months) : 0;
    p->lost_after = p->last_contact ? add_months(p->last_contact, r->lost_months) : 0;
    p->reason = CRTK_FU_FOLLOWED;

    /* Not followed.  A patient is followed when at least one tumor is; the reasons are tried in
     * the order of crtk_followup_reason, so a patient whose tumors are all excluded gets the first
     * reason among them (or "foreign" when that comes first). */
    gboolean foreign = foreign_resident(r, p, latest);
    if (!followed)
        p->reason = tumor_reason < CRTK_FU_N_REASON ? tumor_reason : CRTK_FU_NON_ANALYTIC;
    if (foreign && (!followed ? CRTK_FU_FOREIGN < p->reason : TRUE))
        p->reason = CRTK_FU_FOREIGN;
    if (p->reason != CRTK_FU_FOLLOWED) {
        p->status = CRTK_FU_EXCLUDED;
        return;
    }
    /* [NAACCR 1760] Vital Status 0 = dead (historic SEER code 4 = dead too). */
    const char *vs = p->item[CRTK_FU_VITAL_STATUS];
    if (vs && (!strcmp(vs, "0") || !strcmp(vs, "4"))) {
        p->status = CRTK_FU_DEAD;
        return;
    }
    /* Alive (a blank vital status is taken as alive: the item has no "unknown" code). */
    gboolean current = p->last_contact && r->as_of < p->due_date;
    /* [SEER requirements.html] not followed: "patients whose age exceeds 100 years and who are
     * without contact for more than 12 months" (the due window). */
    if (!current && p->age >= 100) {
        p->status = CRTK_FU_EXCLUDED;
        p->reason = CRTK_FU_AGE_OVER_100;
        return;
    }
    /* [SEER/CRStar] current: under 12 months since the last contact; due: 12 to 15 months; lost
     * (delinquent): "no follow-up information obtained within 15 months after the Date of Last
     * Contact".  No date of last contact at all: lost. */
    if (current)
        p->status = CRTK_FU_CURRENT;
    else if (p->last_contact && r->as_of <= p->lost_after)
        p->status = CRTK_FU_DUE;
    else
        p->status = CRTK_FU_LOST;
}

const char *crtk_followup_next_source(const crtk_followup_patient *p)
{
    if (p->principal < 0)
        return NULL;
    const char *v = p->tumors[p->principal].item[CRTK_FU_NEXT_FOLLOWUP_SOURCE];
    return blank(v) ? NULL : v;
}

const char *crtk_followup_physician(const crtk_followup_patient *p)
{
    if (p->principal < 0)
        return NULL;
    /* [NAACCR 2475] group physician work lists and letters by NPI--Physician--Follow-Up; the
     * older 2470 code is used when the NPI is blank ("99999999" = unknown). */
    const crtk_followup_tumor *t = &p->tumors[p->principal];
    const char *v = t->item[CRTK_FU_NPI_PHYSICIAN_FOLLOWUP];
    if (blank(v)) {
        v = t->item[CRTK_FU_PHYSICIAN_FOLLOWUP];
        if (v && !strcmp(v, "99999999"))
            v = NULL;
    }
    return blank(v) ? NULL : v;
}

/* ---- scanning ---------------------------------------------------------------------------------- */

typedef struct {
    const crtk_followup_rules *rules;
    crtk_followup_fn fn;
    void *user;
    int col[CRTK_FU_N_ITEMS];  /* result column of each item, -1 when not selected */
    gint64 current;            /* patient row id being gathered, 0 none */
    crtk_followup_patient p;
    GArray *tumors;
    GStringChunk *chunk;
    gboolean aborted;
} scan_ctx;

static const char *keep(scan_ctx *c, const char *v)
{
    return v && *v ? g_string_chunk_insert(c->chunk, v) : NULL;
}

static int flush(scan_ctx *c)
{
    if (!c->current)
        return CRTK_CONTINUE;
    c->p.tumors = (crtk_followup_tumor *)(void *)c->tumors->data;
    c->p.n_tumors = (int)c->tumors->len;
    crtk_followup_classify(c->rules, &c->p);
    int rc = c->fn(&c->p, c->user);
    c->current = 0;
    g_array_set_size(c->tumors, 0);
    g_string_chunk_clear(c->chunk);
    return rc;
}

static int scan_row(int n, const char *const *v, const char *const *names, void *user)
{
    (void)n, (void)names;
    scan_ctx *c = user;
    gint64 pid = g_ascii_strtoll(v[0], NULL, 10);
    if (pid != c->current) {
        if (flush(c) == CRTK_ABORT) {
            c->aborted = TRUE;
            return CRTK_ABORT;
        }
        c->current = pid;
        memset(&c->p, 0, sizeof c->p);
        c->p.patient_id = pid;
        for (int i = 0; i < CRTK_FU_N_PATIENT_ITEMS; i++)
            if (c->col[i] >= 0)
                c->p.item[i] = keep(c, v[c->col[i]]);
    }
    crtk_followup_tumor t;
    memset(&t, 0, sizeof t);
    t.tumor_id = g_ascii_strtoll(v[1], NULL, 10);
    for (int i = CRTK_FU_N_PATIENT_ITEMS; i < CRTK_FU_N_ITEMS; i++)
        if (c->col[i] >= 0)
            t.item[i] = keep(c, v[c->col[i]]);
    g_array_append_val(c->tumors, t);
    return CRTK_CONTINUE;
}

gboolean crtk_followup_scan(crtk_store *s, const crtk_followup_rules *r, int what, crtk_followup_fn fn,
                            void *user, GError **error)
{
    scan_ctx c;
    memset(&c, 0, sizeof c);
    c.rules = r;
    c.fn = fn;
    c.user = user;
    c.tumors = g_array_new(FALSE, FALSE, sizeof(crtk_followup_tumor));
    c.chunk = g_string_chunk_new(4096);
    crtk_dictionary *d = crtk_store_dictionary(s);
    /* columns: patient row, tumor row, then the items this version has */
    const char *specs[CRTK_FU_N_ITEMS];
    int nspec = 0;
    for (int i = 0; i < CRTK_FU_N_ITEMS; i++) {
        c.col[i] = -1;
        if (what == CRTK_FU_SCAN_RATE && !items[i].for_rate)
            continue;
        if (!crtk_dictionary_find(d, items[i].id))
            continue; /* not in this NAACCR version: stays blank */
        specs[nspec] = items[i].id;
        c.col[i] = 2 + nspec++;
    }
    gboolean ok = crtk_store_scan_items(s, NULL, specs, nspec, scan_row, &c, error);
    if (ok && !c.aborted)
        flush(&c);
    g_array_free(c.tumors, TRUE);
    g_string_chunk_free(c.chunk);
    return ok;
}

/* ---- rates -------------------------------------------------------------------------------------- */

static void cohort_init(crtk_followup_cohort *c, const char *name, const char *title, int from, int to,
                        double target)
{
    memset(c, 0, sizeof *c);
    c->name = name;
    c->title = title;
    c->from = from;
    c->to = to;
    c->target = target;
    c->years = g_array_new(FALSE, TRUE, sizeof(crtk_followup_rate_line));
    for (int y = from / 10000; from <= to && y <= to / 10000; y++) {
        crtk_followup_rate_line l = {.year = y};
        g_array_append_val(c->years, l);
    }
}

void crtk_followup_rate_init(crtk_followup_rate *rate, const crtk_followup_rules *r, gboolean per_tumor)
{
    memset(rate, 0, sizeof *rate);
    rate->rules = *r;
    rate->per_tumor = per_tumor;
    /* [SEER worksheet] run twice: all eligible analytic patients "from the cancer registry
     * reference date" (target 80 %), and those "from the last five years or since reference
     * date, whichever is shorter" (90 %).  The first cohort starts at the later of the reference
     * date and followupRequiredSince (2005-01-01: [CoC 2021]); both end with the last complete
     * diagnosis year (as-of year - 1): the cases of the current year are not yet due. */
    int to = ymd(r->last_dx_year, 12, 31);
    int from1 = MAX(r->reference_date, r->required_since);
    int from2 = MAX(from1, ymd(r->last_dx_year - 4, 1, 1));
    cohort_init(&rate->cohort[0], "reference", "Since the reference date", from1, to, 80.0);
    cohort_init(&rate->cohort[1], "five-year", "Last five years (or since the reference date, if shorter)", from2, to,
                90.0);
}

void crtk_followup_rate_clear(crtk_followup_rate *rate)
{
    for (int k = 0; k < 2; k++)
        if (rate->cohort[k].years)
            g_array_free(rate->cohort[k].years, TRUE);
    memset(rate, 0, sizeof *rate);
}

/* Which line a patient falls on: 'B' dead or 100+, 'D' current, 'E' lost. */
static char rate_line(const crtk_followup_rules *r, const crtk_followup_patient *p)
{
    /* [SEER worksheet] B: "Number dead (or 100 years old or older)". */
    if (p->status == CRTK_FU_DEAD || p->age >= 100)
        return 'B';
    /* D: "current: known to be alive within the last 15 months"; E = C - D. */
    if (p->last_contact && r->as_of <= p->lost_after)
        return 'D';
    return 'E';
}

static void count(crtk_followup_rate_line *l, char line)
{
    l->a++;
    if (line == 'B')
        l->b++;
    else
        l->c++;
    if (line == 'D')
        l->d++;
    else if (line == 'E')
        l->e++;
}

void crtk_followup_rate_add(crtk_followup_rate *rate, const crtk_followup_patient *p)
{
    /* Only patients followed: the worksheet takes out benign/borderline, cervix in situ, skin,
     * foreign residents and non-analytic cases; a patient past 100 stays in (line B). */
    if (p->status == CRTK_FU_EXCLUDED && p->reason != CRTK_FU_AGE_OVER_100)
        return;
    char line = rate_line(&rate->rules, p);
    for (int k = 0; k < 2; k++) {
        crtk_followup_cohort *c = &rate->cohort[k];
        int first = -1;
        for (int i = 0; i < p->n_tumors; i++) {
            const crtk_followup_tumor *t = &p->tumors[i];
            if (t->reason != CRTK_FU_FOLLOWED || !t->dx_date || t->dx_date < c->from || t->dx_date > c->to)
                continue;
            if (rate->per_tumor) {
                count(&c->total, line);
                count(&g_array_index(c->years, crtk_followup_rate_line, t->dx_date / 10000 - c->from / 10000), line);
            } else if (first < 0 || t->dx_date < p->tumors[first].dx_date) {
                first = i;
            }
        }
        /* A patient is counted once, in the year of the first diagnosis in the cohort. */
        if (!rate->per_tumor && first >= 0) {
            count(&c->total, line);
            count(&g_array_index(c->years, crtk_followup_rate_line,
                                 p->tumors[first].dx_date / 10000 - c->from / 10000),
                  line);
        }
    }
}

static int rate_one(crtk_followup_patient *p, void *user)
{
    crtk_followup_rate_add(user, p);
    return CRTK_CONTINUE;
}

gboolean crtk_followup_rate_compute(crtk_store *s, crtk_followup_rate *rate, GError **error)
{
    return crtk_followup_scan(s, &rate->rules, CRTK_FU_SCAN_RATE, rate_one, rate, error);
}

double crtk_followup_rate_percent(const crtk_followup_rate_line *l)
{
    return l->a ? 100.0 * (double)(l->b + l->d) / (double)l->a : 0.0;
}

gboolean crtk_followup_rate_pass(const crtk_followup_cohort *c, const crtk_followup_rate_line *l)
{
    /* Compared in whole hundredths of a percent, so 80.00 passes 80 whatever the rounding. */
    return !l->a || (l->b + l->d) * 10000 >= (long)(c->target * 100) * l->a;
}


/* ---- posting ------------------------------------------------------------------------------------- */

/* a (a full YYYYMMDD) is before the NAACCR date b, compared on b's precision. */
static gboolean before(const char *a, const char *b)
{
    if (blank(b))
        return FALSE;
    crtk_date d = crtk_date_parse(b);
    if (d.year <= 0)
        return FALSE;
    int n = d.month ? (d.day ? 8 : 6) : 4;
    return strncmp(a, b, n) < 0;
}

static char *pretty_date(const char *v)
{
    if (!v || strlen(v) != 8)
        return g_strdup(v ? v : "");
    return g_strdup_printf("%.4s-%.2s-%.2s", v, v + 4, v + 6);
}

/* Finds the tumor a --cancer-status key names: #row, tumorRecordNumber (01 = 1), or a primary site
 * that only one tumor has. */
static int find_tumor(const crtk_stored_patient *sp, crtk_dictionary *d, const char *key)
{
    const crtk_record *r = sp->record;
    if (key[0] == '#') {
        gint64 row = g_ascii_strtoll(key + 1, NULL, 10);
        for (int i = 0; i < r->n_tumors; i++)
            if (sp->tumor_ids[i] == row)
                return i;
        return -1;
    }
    for (int i = 0; i < r->n_tumors; i++) {
        const char *trn = crtk_element_get_id(&r->tumors[i], d, "tumorRecordNumber");
        if (trn && (!strcmp(trn, key) || (g_ascii_isdigit(key[0]) && atoi(trn) == atoi(key) &&
                                          strspn(key, "0123456789") == strlen(key))))
            return i;
    }
    int found = -1;
    for (int i = 0; i < r->n_tumors; i++) {
        const char *site = crtk_element_get_id(&r->tumors[i], d, "primarySite");
        if (site && !g_ascii_strcasecmp(site, key)) {
            if (found >= 0)
                return -2;
            found = i;
        }
    }
    return found;
}

static char *tumor_list(const crtk_stored_patient *sp, crtk_dictionary *d)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < sp->record->n_tumors; i++) {
        const char *trn = crtk_element_get_id(&sp->record->tumors[i], d, "tumorRecordNumber");
        const char *site = crtk_element_get_id(&sp->record->tumors[i], d, "primarySite");
        if (i)
            g_string_append(s, ", ");
        if (trn)
            g_string_append(s, trn);
        else
            g_string_append_printf(s, "#%" G_GINT64_FORMAT, sp->tumor_ids[i]);
        if (site)
            g_string_append_printf(s, " (%s)", site);
    }
    if (!s->len)
        g_string_append(s, "none");
    return g_string_free(s, FALSE);
}

static gboolean valid_code(const char *item, const char *code)
{
    return crtk_code_list(item, NULL) ? crtk_code_valid(item, code) : TRUE;
}

gboolean crtk_followup_post(crtk_store *s, const crtk_followup_rules *r, const char *patient,
                            const crtk_followup_contact *c, GError **error)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    int date = parse_full_date(c->date);
    if (!date) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "date %s: expected a full date YYYYMMDD or YYYY-MM-DD",
                    c->date ? c->date : "(none)");
        return FALSE;
    }
    char dv[9];
    g_snprintf(dv, sizeof dv, "%08d", date);
    if (!c->vital_status || (strcmp(c->vital_status, "0") && strcmp(c->vital_status, "1"))) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "vital status %s: expected 0 (dead) or 1 (alive)",
                    c->vital_status ? c->vital_status : "(none)");
        return FALSE;
    }
    gboolean dead = c->vital_status[0] == '0';
    /* A contact cannot be later than today: the date of a returned letter is the date written on
     * it, or the postmark, never a date to come ([SEER] responses page). */
    if (date > r->today) {
        char *t = g_strdup_printf("%08d", r->today), *pt = pretty_date(t), *pd = pretty_date(dv);
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "date %s is in the future (today is %s)", pd, pt);
        g_free(t), g_free(pt), g_free(pd);
        return FALSE;
    }
    if (c->cause_of_death && *c->cause_of_death && !dead) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "a cause of death needs vital status 0 (dead)");
        return FALSE;
    }
    const char *source_item = NULL;
    if (c->source && *c->source) {
        /* 1 digit: Follow-Up Source [1790] of the tumors; 2 digits: Follow-up Source Central [1791]. */
        source_item = strlen(c->source) == 1 ? "followUpSource" : "followUpSourceCentral";
        if (!crtk_dictionary_find(d, source_item) || !valid_code(source_item, c->source)) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "source %s is not a code of %s", c->source, source_item);
            return FALSE;
        }
    }
    gint64 pid = crtk_store_find_patient(s, patient);
    if (!pid) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "no patient %s in the store", patient ? patient : "");
        return FALSE;
    }
    crtk_stored_patient *sp = crtk_stored_patient_new(s);
    if (!crtk_store_load_patient(s, pid, sp, error)) {
        crtk_stored_patient_free(sp);
        return FALSE;
    }
    crtk_record *rec = sp->record;
    int nt = rec->n_tumors;
    const char **status = g_new0(const char *, nt + 1);
    gboolean ok = TRUE;
    char *pd = pretty_date(dv);
    const char *old_dlc = crtk_element_get_id(&rec->patient, d, "dateOfLastContact");
    const char *old_vs = crtk_element_get_id(&rec->patient, d, "vitalStatus");
    gboolean was_dead = old_vs && (!strcmp(old_vs, "0") || !strcmp(old_vs, "4"));

    /* Cancer status [1770]: 1 no evidence, 2 evidence, 9 unknown; per tumor or for all. */
    for (int i = 0; ok && i < c->n_cancer_status; i++) {
        const char *spec = c->cancer_status[i], *eq = strchr(spec, '=');
        const char *code = eq ? eq + 1 : spec;
        if (strcmp(code, "1") && strcmp(code, "2") && strcmp(code, "9")) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                        "cancer status %s: expected 1 (no evidence), 2 (evidence) or 9 (unknown)", spec);
            ok = FALSE;
            break;
        }
        if (!eq) {
            for (int k = 0; k < nt; k++)
                status[k] = code;
            continue;
        }
        char *key = g_strndup(spec, eq - spec);
        g_strstrip(key);
        int k = find_tumor(sp, d, key);
        if (k < 0) {
            char *list = tumor_list(sp, d);
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "patient %s: %s tumor %s (tumors: %s)", patient,
                        k == -2 ? "more than one" : "no", key, list);
            g_free(list);
            ok = FALSE;
        } else {
            status[k] = code;
        }
        g_free(key);
    }
    if (ok && c->n_cancer_status && !crtk_dictionary_find(d, "cancerStatus")) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "NAACCR %d has no item cancerStatus", crtk_store_version(s));
        ok = FALSE;
    }

    /* The recorded history must stay consistent, unless the clerk says it is a correction. */
    if (ok && !c->force) {
        char *po = pretty_date(old_dlc);
        if (was_dead && (!dead || g_strcmp0(old_dlc, dv))) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "patient %s is recorded dead on %s; a contact %s %s changes that (use --force to correct it)",
                        patient, po, dead ? "with death on" : "alive on", pd);
            ok = FALSE;
        } else if (old_dlc && before(dv, old_dlc)) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "patient %s: date %s is older than the date of last contact recorded, %s (use --force to "
                        "correct it)", patient, pd, po);
            ok = FALSE;
        }
        g_free(po);
        for (int k = 0; ok && k < nt; k++) {
            const char *dx = crtk_element_get_id(&rec->tumors[k], d, "dateOfDiagnosis");
            if (dx && before(dv, dx)) {
                char *px = pretty_date(dx);
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                            "patient %s: date %s is before a date of diagnosis, %s (use --force to correct it)",
                            patient, pd, px);
                g_free(px);
                ok = FALSE;
            }
        }
    }

    /* One transaction: patient items, then each tumor. */
    if (ok)
        ok = crtk_store_begin(s, error);
    if (ok) {
        const char *pi[6], *pv[6];
        int n = 0;
        pi[n] = "dateOfLastContact", pv[n++] = dv;
        pi[n] = "vitalStatus", pv[n++] = c->vital_status;
        if (dead && c->cause_of_death && *c->cause_of_death) {
            pi[n] = "causeOfDeath", pv[n++] = c->cause_of_death;
            /* [NAACCR 1920] ICD revision 1 = ICD-10, for a cause coded in ICD-10 (letter + digits). */
            if (g_ascii_isalpha(c->cause_of_death[0]) && crtk_dictionary_find(d, "icdRevisionNumber"))
                pi[n] = "icdRevisionNumber", pv[n++] = "1";
        }
        /* Follow-up Source Central is a patient item from NAACCR 24 on, a tumor item before. */
        const crtk_item *src = source_item ? crtk_dictionary_find(d, source_item) : NULL;
        gboolean src_patient = src && src->level == CRTK_LEVEL_PATIENT;
        if (src_patient)
            pi[n] = source_item, pv[n++] = c->source;
        ok = crtk_store_set_items(s, pid, 0, pi, pv, n, error);
        gboolean has_dlcs = crtk_dictionary_find(d, "dateOfLastCancerStatus") != NULL;
        for (int k = 0; ok && k < nt; k++) {
            const char *ti[3], *tv[3];
            int m = 0;
            if (status[k]) {
                ti[m] = "cancerStatus", tv[m++] = status[k];
                if (has_dlcs)
                    ti[m] = "dateOfLastCancerStatus", tv[m++] = dv;
            }
            if (src && !src_patient)
                ti[m] = source_item, tv[m++] = c->source;
            if (m)
                ok = crtk_store_set_items(s, pid, sp->tumor_ids[k], ti, tv, m, error);
        }
        if (ok)
            ok = crtk_store_commit(s, error);
        else
            crtk_store_rollback(s);
    }
    g_free(pd);
    g_free(status);
    crtk_stored_patient_free(sp);
    return ok;
}

enum { COL_PATIENT, COL_DATE, COL_VITAL, COL_CANCER, COL_SOURCE, COL_COD, N_COLS };

static int csv_column(const char *name)
{
    static const char *const names[][4] = {
        [COL_PATIENT] = {"patientIdNumber", "patient", NULL},
        [COL_DATE] = {"date", "dateOfLastContact", NULL},
        [COL_VITAL] = {"vitalStatus", "vital-status", "vital_status", NULL},
        [COL_CANCER] = {"cancerStatus", "cancer-status", "cancer_status", NULL},
        [COL_SOURCE] = {"source", "followUpSource", "followUpSourceCentral", NULL},
        [COL_COD] = {"causeOfDeath", "cause-of-death", "cause_of_death", NULL},
    };
    for (int i = 0; i < N_COLS; i++)
        for (int j = 0; names[i][j]; j++)
            if (!g_ascii_strcasecmp(name, names[i][j]))
                return i;
    return -1;
}

gboolean crtk_followup_post_csv(crtk_store *s, const crtk_followup_rules *r, const char *path, gboolean force,
                                int *posted, GError **error)
{
    GArray *lines = NULL;
    GPtrArray *rows = crtk_csv_read_all(path, &lines, error);
    *posted = 0;
    if (!rows)
        return FALSE;
    gboolean ok = TRUE;
    int col[N_COLS];
    for (int i = 0; i < N_COLS; i++)
        col[i] = -1;
    if (!rows->len) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: empty file (expected a header: "
                    "patientIdNumber,date,vitalStatus[,cancerStatus,source,causeOfDeath])", path);
        ok = FALSE;
    }
    int ncols = 0;
    if (ok) {
        char **head = g_ptr_array_index(rows, 0);
        for (int i = 0; head[i]; i++, ncols++) {
            int k = csv_column(head[i]);
            if (k < 0 || col[k] >= 0) {
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                            "%s:%d: column %d \"%s\": %s (columns: patientIdNumber, date, vitalStatus, cancerStatus, "
                            "source, causeOfDeath)", path, g_array_index(lines, int, 0), i + 1, head[i],
                            k < 0 ? "unknown column" : "given twice");
                ok = FALSE;
                break;
            }
            col[k] = i;
        }
        for (int k = COL_PATIENT; ok && k <= COL_VITAL; k++)
            if (col[k] < 0) {
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                            "%s:%d: the header needs the columns patientIdNumber, date and vitalStatus", path,
                            g_array_index(lines, int, 0));
                ok = FALSE;
            }
    }
    if (ok)
        ok = crtk_store_begin(s, error);
    for (guint i = 1; ok && i < rows->len; i++) {
        char **row = g_ptr_array_index(rows, i);
        int line = g_array_index(lines, int, i);
        int n = (int)g_strv_length(row);
        const char *v[N_COLS];
        for (int k = 0; k < N_COLS; k++)
            v[k] = col[k] >= 0 && col[k] < n && *row[col[k]] ? row[col[k]] : NULL;
        GError *e = NULL;
        if (n > ncols) {
            g_set_error(&e, CRTK_ERROR, CRTK_ERROR_DATA, "%d fields, the header has %d", n, ncols);
        } else if (!v[COL_PATIENT]) {
            g_set_error(&e, CRTK_ERROR, CRTK_ERROR_DATA, "no patientIdNumber");
        } else {
            /* cancerStatus: one code for all tumors, or TUMOR=CODE entries separated by ';' or spaces. */
            char **cs = v[COL_CANCER] ? g_strsplit_set(v[COL_CANCER], "; ", -1) : NULL;
            GPtrArray *list = g_ptr_array_new();
            for (char **q = cs; q && *q; q++)
                if (**q)
                    g_ptr_array_add(list, *q);
            crtk_followup_contact ct = {
                .date = v[COL_DATE],
                .vital_status = v[COL_VITAL],
                .cancer_status = (const char *const *)list->pdata,
                .n_cancer_status = (int)list->len,
                .source = v[COL_SOURCE],
                .cause_of_death = v[COL_COD],
                .force = force,
            };
            if (crtk_followup_post(s, r, v[COL_PATIENT], &ct, &e))
                (*posted)++;
            g_ptr_array_free(list, TRUE);
            g_strfreev(cs);
        }
        if (e) {
            g_set_error(error, e->domain, e->code, "%s:%d: %s (nothing was posted)", path, line, e->message);
            g_error_free(e);
            crtk_store_rollback(s);
            *posted = 0;
            ok = FALSE;
        }
    }
    if (ok && !crtk_store_commit(s, error)) {
        crtk_store_rollback(s);
        *posted = 0;
        ok = FALSE;
    }
    g_array_free(lines, TRUE);
    g_ptr_array_free(rows, TRUE);
    return ok;
}

char *crtk_followup_date_text(const char *coded, const char *unknown)
{
    if (!coded || !*coded)
        return g_strdup(unknown);
    size_t n = strlen(coded);
    if (n == 8)
        return g_strdup_printf("%.4s-%.2s-%.2s", coded, coded + 4, coded + 6);
    if (n == 6)
        return g_strdup_printf("%.4s-%.2s", coded, coded + 4);
    return g_strdup(coded);
}
