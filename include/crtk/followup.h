/* followup.h — the annual follow-up of a hospital registry: who is followed, who is due or
 * lost, posting a contact, and the Commission on Cancer follow-up rates.
 *
 * The rules (CoC Standard 6.5, SEER Training "Follow-up" pages; see docs/followup.md):
 *
 *   - every living analytic patient (Class of Case 10-22) is followed at least once a year;
 *   - not followed: non-analytic classes, foreign residents, patients whose only tumors are
 *     benign/borderline, cervix in situ, or in-situ/localized basal or squamous cell skin
 *     carcinoma, patients past 100 years of age without a contact for a year, and Class of
 *     Case 00 diagnosed from 2006 on;
 *   - a living patient is due 12 months after the Date of Last Contact and lost (delinquent)
 *     more than 15 months after it (both windows are store settings);
 *   - the follow-up rate is (dead + current) / eligible, computed for the patients diagnosed
 *     since the reference date (target 80 %) and for those of the last five years (90 %).
 *
 * A patient is classified once, whatever the number of tumors; each tumor also carries the
 * reason it is not followed, for the per-tumor variants.  Classification works on plain
 * coded values (crtk_followup_patient), so it is tested without a store; crtk_followup_scan
 * fills those values from a store with one read-only query.
 */
#ifndef CRTK_FOLLOWUP_H
#define CRTK_FOLLOWUP_H

#include "export.h"

#include <glib.h>
#include "store.h"

/* ---- statuses and reasons ------------------------------------------------------------------ */

typedef enum {
    CRTK_FU_EXCLUDED = 0, /* not followed; see the reason */
    CRTK_FU_DEAD,
    CRTK_FU_CURRENT,      /* alive, contact within the due window */
    CRTK_FU_DUE,          /* alive, due window reached, lost window not passed */
    CRTK_FU_LOST,         /* alive, lost window passed (or no date of last contact) */
    CRTK_FU_N_STATUS
} crtk_followup_status;

/* Why a patient or tumor is not followed, in the order the reasons are tried. */
typedef enum {
    CRTK_FU_FOLLOWED = 0,
    CRTK_FU_NON_ANALYTIC,    /* Class of Case other than 00, 10-14, 20-22 */
    CRTK_FU_FOREIGN,         /* resident of a foreign country (patient) */
    CRTK_FU_BENIGN,          /* behavior 0 or 1 */
    CRTK_FU_CERVIX_IN_SITU,  /* C53x, behavior 2 */
    CRTK_FU_SKIN,            /* C44x basal/squamous cell, in situ or localized */
    CRTK_FU_AGE_OVER_100,    /* alive, 100 or older, no contact within the due window (patient) */
    CRTK_FU_CLASS_00,        /* Class of Case 00 diagnosed on or after 2006-01-01 */
    CRTK_FU_N_REASON
} crtk_followup_reason;

/* "excluded", "dead", "current", "due", "lost" (the words of --status and of JSON output). */
CRTK_API const char *crtk_followup_status_name(crtk_followup_status st);
/* -1 when the word is not a status. */
CRTK_API int crtk_followup_status_parse(const char *word);
/* Stable short codes ("non-analytic", "foreign", "benign", "cervix-in-situ", "skin", "age-over-100",
 * "class-00"; "" for followed) and words for people. */
CRTK_API const char *crtk_followup_reason_code(crtk_followup_reason r);
CRTK_API const char *crtk_followup_reason_text(crtk_followup_reason r);

/* ---- rules --------------------------------------------------------------------------------- */

typedef struct crtk_followup_rules {
    int as_of;             /* YYYYMMDD */
    int today;             /* YYYYMMDD: posting refuses later dates */
    int due_months;        /* followupDueMonths, default 12 */
    int lost_months;       /* followupLostMonths, default 15 */
    int reference_date;    /* referenceDate, YYYYMMDD; 0 when unset */
    int required_since;    /* followupRequiredSince, default 20050101 (CoC 2021: 1988-2004 no longer required) */
    int last_dx_year;      /* the rates count diagnoses up to the end of this year; default as-of year - 1 */
    char home_countries[64]; /* followupHomeCountries: addresses in these countries are not foreign */
} crtk_followup_rules;

/* Rules with the standard's defaults for an as-of date (YYYYMMDD; 0 = today). */
CRTK_API void crtk_followup_rules_init(crtk_followup_rules *r, int as_of);
/* Rules from a store's settings; as_of NULL = today (CRTK_TODAY honoured).  Fails on a bad
 * date or setting. */
CRTK_API gboolean crtk_followup_rules_from_store(crtk_store *s, const char *as_of, crtk_followup_rules *r, GError **error);

/* The store settings of the follow-up (registry name and addresses for letters, windows, reference
 * date, ...), in the order they are shown; NULL-terminated. */
CRTK_API extern const char *const crtk_followup_setting_keys[];
/* TRUE when key is one of crtk_followup_setting_keys. */
CRTK_API gboolean crtk_followup_setting_is_key(const char *key);
/* The value a follow-up setting has when it is not set, as text (free with g_free), or NULL when
 * it has none. */
CRTK_API char *crtk_followup_setting_default(const char *key);
/* The value a follow-up setting is in effect with: the stored value, else its default (then
 * *is_default, when not NULL, is TRUE), else NULL.  Free with g_free. */
CRTK_API char *crtk_followup_setting_value(crtk_store *s, const char *key, gboolean *is_default);
/* Changes follow-up settings: assignments are "KEY=VALUE" texts (n of them; "KEY=" removes the
 * setting), applied in one transaction that is kept only when every key is a follow-up setting
 * (else CRTK_ERROR_USAGE naming the assignment) and the settings still make sense together
 * (crtk_followup_rules_from_store; its error).  Changes are audited by the store.  FALSE with
 * nothing changed on any failure. */
CRTK_API gboolean crtk_followup_settings_set(crtk_store *s, const char *const *assignments, int n, GError **error);

/* ---- classification ------------------------------------------------------------------------ */

/* The items follow-up reads: patient items first, then tumor items. */
typedef enum {
    /* patient */
    CRTK_FU_PATIENT_ID_NUMBER, CRTK_FU_NAME_LAST, CRTK_FU_NAME_FIRST, CRTK_FU_NAME_MIDDLE, CRTK_FU_DATE_OF_BIRTH,
    CRTK_FU_DATE_OF_LAST_CONTACT, CRTK_FU_VITAL_STATUS, CRTK_FU_ADDR_CURRENT_COUNTRY, CRTK_FU_ADDR_CURRENT_STREET,
    CRTK_FU_ADDR_CURRENT_SUPPL, CRTK_FU_ADDR_CURRENT_CITY, CRTK_FU_ADDR_CURRENT_STATE, CRTK_FU_ADDR_CURRENT_POSTAL,
    CRTK_FU_TELEPHONE,
    CRTK_FU_N_PATIENT_ITEMS,
    /* tumor */
    CRTK_FU_TUMOR_RECORD_NUMBER = CRTK_FU_N_PATIENT_ITEMS, CRTK_FU_CLASS_OF_CASE, CRTK_FU_PRIMARY_SITE,
    CRTK_FU_HISTOLOGY, CRTK_FU_BEHAVIOR, CRTK_FU_DATE_OF_DIAGNOSIS, CRTK_FU_SUMMARY_STAGE_2018,
    CRTK_FU_DERIVED_SUMMARY_STAGE_2018, CRTK_FU_SUMMARY_STAGE_2000, CRTK_FU_DERIVED_SS2000, CRTK_FU_SUMMARY_STAGE_1977,
    CRTK_FU_AGE_AT_DIAGNOSIS, CRTK_FU_ADDR_AT_DX_COUNTRY, CRTK_FU_NEXT_FOLLOWUP_SOURCE, CRTK_FU_NPI_PHYSICIAN_FOLLOWUP,
    CRTK_FU_PHYSICIAN_FOLLOWUP, CRTK_FU_NPI_PHYSICIAN_MANAGING, CRTK_FU_MEDICAL_RECORD_NUMBER, CRTK_FU_ACCESSION_NUMBER,
    CRTK_FU_CANCER_STATUS, CRTK_FU_CONTACT_NAME, CRTK_FU_CONTACT_STREET, CRTK_FU_CONTACT_SUPPL, CRTK_FU_CONTACT_CITY,
    CRTK_FU_CONTACT_STATE, CRTK_FU_CONTACT_POSTAL,
    CRTK_FU_N_ITEMS
} crtk_followup_item;

/* The naaccrId of an item ("dateOfLastContact"). */
CRTK_API const char *crtk_followup_item_id(crtk_followup_item it);

typedef struct crtk_followup_tumor {
    gint64 tumor_id;                          /* row id in the store, 0 when not from a store */
    const char *item[CRTK_FU_N_ITEMS];        /* tumor items (indexes from CRTK_FU_N_PATIENT_ITEMS); NULL = blank */
    /* results */
    crtk_followup_reason reason;              /* CRTK_FU_FOLLOWED or why the tumor is not followed */
    int dx_date;                              /* YYYYMMDD, unknown parts early; 0 when unknown */
} crtk_followup_tumor;

typedef struct crtk_followup_patient {
    gint64 patient_id;
    const char *item[CRTK_FU_N_PATIENT_ITEMS];
    crtk_followup_tumor *tumors;
    int n_tumors;
    /* results */
    crtk_followup_status status;
    crtk_followup_reason reason;              /* for CRTK_FU_EXCLUDED */
    int last_contact;                         /* YYYYMMDD, unknown parts early; 0 when unknown */
    int months_since_contact;                 /* completed months to the as-of date; -1 when unknown */
    int due_date, lost_after;                 /* DLC + due months, DLC + lost months (0 when unknown) */
    int age;                                  /* completed years at the as-of date (lower bound); -1 unknown */
    int principal;                            /* index of the tumor that names the next source and physician:
                                                 the latest diagnosed followed tumor (else the latest); -1 none */
    gboolean in_situ_or_benign_only;          /* every followed tumor has behavior 0, 1 or 2 */
} crtk_followup_patient;

/* Why one tumor is not followed (also sets t->dx_date). */
CRTK_API crtk_followup_reason crtk_followup_tumor_reason(crtk_followup_tumor *t);
/* Classifies a patient and its tumors for the rules. */
CRTK_API void crtk_followup_classify(const crtk_followup_rules *r, crtk_followup_patient *p);

/* The patient's next follow-up source code and following physician (NPI, else physician code),
 * from the principal tumor; NULL when blank. */
CRTK_API const char *crtk_followup_next_source(const crtk_followup_patient *p);
CRTK_API const char *crtk_followup_physician(const crtk_followup_patient *p);

/* ---- scanning a store ------------------------------------------------------------------------ */

enum {
    CRTK_FU_SCAN_RATE = 0, /* only the items the rules need */
    CRTK_FU_SCAN_LIST = 1  /* also names, addresses, physicians, identifiers */
};

/* Called once per patient that has tumors, classified, in patient row order.  The patient and
 * its values are valid during the call only.  Return CRTK_ABORT to stop. */
typedef int (*crtk_followup_fn)(crtk_followup_patient *p, void *user);
/* One read-only query over patient JOIN tumor; items the store's version lacks stay blank. */
CRTK_API gboolean crtk_followup_scan(crtk_store *s, const crtk_followup_rules *r, int what, crtk_followup_fn fn,
                            void *user, GError **error);
/* The same over the patients of a query (q->where may name p.id; a patient's tumors outside the
 * query are left out of it). */
CRTK_API gboolean crtk_followup_scan_query(crtk_store *s, const crtk_followup_rules *r, int what,
                                          const crtk_store_query *q, crtk_followup_fn fn, void *user, GError **error);

/* ---- follow-up rates (SEER Training "Follow-up Calculations" worksheet) ------------------------ */

typedef struct crtk_followup_rate_line {
    int year;              /* year of diagnosis; 0 for the cohort total */
    long a;                /* eligible analytic patients (the denominator) */
    long b;                /* dead, or 100 years old or older */
    long c;                /* living: A - B */
    long d;                /* current: alive with a contact within the lost window */
    long e;                /* lost to follow-up: C - D */
} crtk_followup_rate_line;

typedef struct crtk_followup_cohort {
    const char *name;      /* "reference" or "five-year" */
    const char *title;     /* words for people */
    int from, to;          /* diagnosis dates counted, YYYYMMDD */
    double target;         /* percent: 80 or 90 */
    crtk_followup_rate_line total;
    GArray *years;         /* crtk_followup_rate_line by year of diagnosis, ascending, every year from..to */
} crtk_followup_cohort;

typedef struct crtk_followup_rate {
    crtk_followup_rules rules;
    gboolean per_tumor;    /* count tumors instead of patients */
    crtk_followup_cohort cohort[2];
} crtk_followup_rate;

CRTK_API void crtk_followup_rate_init(crtk_followup_rate *rate, const crtk_followup_rules *r, gboolean per_tumor);
/* Adds a classified patient to both cohorts. */
CRTK_API void crtk_followup_rate_add(crtk_followup_rate *rate, const crtk_followup_patient *p);
CRTK_API void crtk_followup_rate_clear(crtk_followup_rate *rate);
/* Scans the store into an initialised rate. */
CRTK_API gboolean crtk_followup_rate_compute(crtk_store *s, crtk_followup_rate *rate, GError **error);
/* (B + D) / A in percent; 0 when A is 0. */
CRTK_API double crtk_followup_rate_percent(const crtk_followup_rate_line *l);
/* The rate as every output shows it: tenths of a percent, rounded half up (13 of 16 = 81.25% is
 * 813, shown 81.3 in text, JSON and the workbook); 0 when A is 0.  Pass or fail is decided on the
 * exact rate (crtk_followup_rate_pass), not on the rounded one. */
CRTK_API long crtk_followup_rate_tenths(const crtk_followup_rate_line *l);
/* The rate meets the cohort's target (a cohort without patients passes). */
CRTK_API gboolean crtk_followup_rate_pass(const crtk_followup_cohort *c, const crtk_followup_rate_line *l);

/* ---- posting a contact ------------------------------------------------------------------------ */

typedef struct crtk_followup_contact {
    const char *date;                /* the contact (or death) date: YYYYMMDD or YYYY-MM-DD */
    const char *vital_status;        /* "0" dead, "1" alive */
    const char *const *cancer_status; /* "CODE" for every tumor or "TUMOR=CODE"; TUMOR is a tumorRecordNumber,
                                         a primary site, or #row */
    int n_cancer_status;
    const char *source;              /* 1 digit: followUpSource of every tumor; 2 digits: followUpSourceCentral */
    const char *cause_of_death;      /* causeOfDeath, only with vital status 0 */
    gboolean force;                  /* accept a date older than the one recorded, before diagnosis, or
                                        changing a recorded death */
} crtk_followup_contact;

/* Records a contact for a patient (patientIdNumber or #row) and all its tumors, in one
 * transaction: dateOfLastContact and vitalStatus (patient), cancerStatus and
 * dateOfLastCancerStatus (tumors given a status), the source; dateCaseLastChanged and the
 * audit trail by crtk_store_set_items.  Refuses a date after r->today always, and without
 * force a date older than the recorded one or before a diagnosis. */
CRTK_API gboolean crtk_followup_post(crtk_store *s, const crtk_followup_rules *r, const char *patient,
                            const crtk_followup_contact *c, GError **error);

/* Posts every line of a CSV file (header: patientIdNumber, date, vitalStatus and optionally
 * cancerStatus, source, causeOfDeath), all or nothing; errors name the file and line.
 * *posted gets the number of contacts. */
CRTK_API gboolean crtk_followup_post_csv(crtk_store *s, const crtk_followup_rules *r, const char *path, gboolean force,
                                int *posted, GError **error);

/* A coded date as people read it: "YYYYMMDD" -> "YYYY-MM-DD", "YYYYMM" -> "YYYY-MM", anything else as it
 * is; an empty or NULL date gives a copy of unknown.  Free with g_free. */
CRTK_API char *crtk_followup_date_text(const char *coded, const char *unknown);

/* ---- small CSV helpers (RFC 4180) ------------------------------------------------------------- */

#endif
