/* followup_rules.c — the annual follow-up rules: names of statuses and reasons, the rules from
 * the store settings (windows, reference date), and the classification of tumors and patients
 * (followed or not, dead, current, due, lost).  The scan is in followup_scan.c, the rates in
 * followup_rates.c, posting in followup_post.c.
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
#include "followup_private.h"
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
const fu_item_info fu_items[CRTK_FU_N_ITEMS] = {
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
    return (unsigned)it < CRTK_FU_N_ITEMS ? fu_items[it].id : NULL;
}

/* ---- dates ------------------------------------------------------------------------------------ */

int fu_ymd(int y, int m, int d)
{
    return y * 10000 + m * 100 + d;
}

/* Follow-up computes with full dates as YYYYMMDD integers; the arithmetic is the date module's. */
int fu_parse_full_date(const char *text)
{
    crtk_date d;
    if (!text || !crtk_date_parse_naaccr(text, strlen(text), CRTK_DATE_FULL | CRTK_DATE_CALENDAR, &d)) {
        if (!text || !crtk_date_parse_input(text, &d, NULL) || crtk_date_precision_of(d) != CRTK_DATE_DAY)
            return 0;
    }
    return crtk_date_to_ymd(d);
}

int fu_date_bound(const char *text, gboolean latest)
{
    return crtk_date_to_ymd(crtk_date_bound(crtk_date_parse(text), latest));
}

int fu_add_months(int date, int months)
{
    return crtk_date_to_ymd(crtk_date_add_months(crtk_date_from_ymd(date), months));
}

int fu_months_between(int a, int b)
{
    return crtk_date_months_between(crtk_date_from_ymd(a), crtk_date_from_ymd(b));
}

/* Completed years from a to b. */
int fu_years_between(int a, int b)
{
    int y = b / 10000 - a / 10000;
    if (b % 10000 < a % 10000)
        y--;
    return y;
}

/* ---- rules ------------------------------------------------------------------------------------ */

int fu_today_int(void)
{
    char *t = crtk_today();
    int v = fu_parse_full_date(t);
    g_free(t);
    return v;
}

void crtk_followup_rules_init(crtk_followup_rules *r, int as_of)
{
    memset(r, 0, sizeof *r);
    r->today = fu_today_int();
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
    int d = fu_date_bound(v, FALSE);
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
        a = fu_parse_full_date(as_of);
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

gboolean fu_blank(const char *v)
{
    if (!v)
        return TRUE;
    while (*v == ' ')
        v++;
    return !*v;
}

int fu_int_prefix(const char *v, int n)
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
    int c = fu_int_prefix(cls, 2);
    return c == 0 || (c >= 10 && c <= 14) || (c >= 20 && c <= 22);
}

/* The first coded summary stage: SS2018, derived SS2018, SS2000, derived SS2000, SS1977. */
static const char *summary_stage(const crtk_followup_tumor *t)
{
    static const crtk_followup_item order[] = {CRTK_FU_SUMMARY_STAGE_2018, CRTK_FU_DERIVED_SUMMARY_STAGE_2018,
                                               CRTK_FU_SUMMARY_STAGE_2000, CRTK_FU_DERIVED_SS2000,
                                               CRTK_FU_SUMMARY_STAGE_1977};
    for (size_t i = 0; i < G_N_ELEMENTS(order); i++)
        if (!fu_blank(t->item[order[i]]))
            return t->item[order[i]];
    return NULL;
}

crtk_followup_reason crtk_followup_tumor_reason(crtk_followup_tumor *t)
{
    const char *cls = t->item[CRTK_FU_CLASS_OF_CASE], *site = t->item[CRTK_FU_PRIMARY_SITE];
    const char *beh = t->item[CRTK_FU_BEHAVIOR];
    t->dx_date = fu_date_bound(t->item[CRTK_FU_DATE_OF_DIAGNOSIS], FALSE);
    char b = beh && *beh ? beh[0] : 0;
    /* [SEER intro/requirements] excluded from the rate: "Non-analytic cases (Class of Case 30-49, 99)". */
    if (!analytic_class(cls))
        return CRTK_FU_NON_ANALYTIC;
    /* [SEER] "Benign and borderline histologies (behavior codes 0, 1)". */
    if (b == '0' || b == '1')
        return CRTK_FU_BENIGN;
    /* [SEER] "Carcinoma in situ of the cervix" (C53.0-C53.9, behavior 2). */
    gboolean site_ok = site && strlen(site) == 4 && (site[0] == 'C' || site[0] == 'c');
    int s3 = site_ok ? fu_int_prefix(site + 1, 2) : -1;
    if (s3 == 53 && b == '2')
        return CRTK_FU_CERVIX_IN_SITU;
    /* [SEER] "In-situ and localized basal and squamous cell carcinomas of the skin": C44.x with
     * ICD-O-3 squamous (8050-8084) or basal cell (8090-8110) histology, behavior 2, or behavior 3
     * with summary stage 0 (in situ) or 1 (localized).  Unknown stage: followed. */
    if (s3 == 44) {
        int h = fu_int_prefix(t->item[CRTK_FU_HISTOLOGY], 4);
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
    return !fu_blank(c) && g_ascii_strcasecmp(c, "ZZU") && g_ascii_strcasecmp(c, "ZZN");
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
    int dob = fu_date_bound(p->item[CRTK_FU_DATE_OF_BIRTH], TRUE);
    if (dob)
        return fu_years_between(dob, r->as_of);
    int age = -1;
    for (int i = 0; i < p->n_tumors; i++) {
        int a = fu_int_prefix(p->tumors[i].item[CRTK_FU_AGE_AT_DIAGNOSIS], 3);
        int dx = fu_date_bound(p->tumors[i].item[CRTK_FU_DATE_OF_DIAGNOSIS], TRUE);
        if (a < 0 || a > 120 || !dx)
            continue;
        int since = dx <= r->as_of ? fu_years_between(dx, r->as_of) : 0;
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
    p->last_contact = fu_date_bound(p->item[CRTK_FU_DATE_OF_LAST_CONTACT], FALSE);
    p->months_since_contact = p->last_contact ? fu_months_between(p->last_contact, r->as_of) : -1;
    p->due_date = p->last_contact ? fu_add_months(p->last_contact, r->due_months) : 0;
    p->lost_after = p->last_contact ? fu_add_months(p->last_contact, r->lost_months) : 0;
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
    return fu_blank(v) ? NULL : v;
}

const char *crtk_followup_physician(const crtk_followup_patient *p)
{
    if (p->principal < 0)
        return NULL;
    /* [NAACCR 2475] group physician work lists and letters by NPI--Physician--Follow-Up; the
     * older 2470 code is used when the NPI is blank ("99999999" = unknown). */
    const crtk_followup_tumor *t = &p->tumors[p->principal];
    const char *v = t->item[CRTK_FU_NPI_PHYSICIAN_FOLLOWUP];
    if (fu_blank(v)) {
        v = t->item[CRTK_FU_PHYSICIAN_FOLLOWUP];
        if (v && !strcmp(v, "99999999"))
            v = NULL;
    }
    return fu_blank(v) ? NULL : v;
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
