/* derived.h — derived variables: age at diagnosis, SEER/IARC recodes, survival time.
 *
 * Everything here works on plain values (the codes as written in a NAACCR
 * record: "C504", "8500", "3", "20230115"), so the same functions serve SQL
 * (registry/derived_sql.c), exports and reports.  See docs/derived.md for the
 * variables, their codes and the decisions taken where the rules were unclear.
 *
 * Recode tables come from the TSV files of schemas/recodes/ (embedded in the binary) and are
 * compiled, on first use, into interval tables indexed by primary site; all
 * functions are thread-safe and return static strings.
 */
#ifndef CRTK_DERIVED_H
#define CRTK_DERIVED_H

#include "export.h"

#include <stdbool.h>
#include <glib.h>
#include "record.h"
#include "date.h"

/* ---- age at diagnosis and age groups ------------------------------------------ */

#define CRTK_AGE_UNKNOWN 999

/* Age at diagnosis [230] in completed years from Date of Birth [240] and Date of
 * Diagnosis [390], NAACCR rules: 999 when either year is unknown or the age would
 * exceed 120; one year is subtracted when the birthday had not yet come (months
 * compared when both are known, days when the months are equal and both days are
 * known).  A diagnosis less than a year before birth gives 0 ("diagnosed in
 * utero"), one further before birth 999. */
CRTK_API int crtk_age_at_diagnosis(const char *date_of_birth, const char *date_of_diagnosis);
CRTK_API int crtk_age_at_diagnosis_dates(crtk_date birth, crtk_date dx);

/* SEER "Age recode with <1 year olds" (19 groups): "00" (<1), "01" (1-4), "02"
 * (5-9) ... "18" (85+), "99" unknown.  age < 0 or > 120 (or 999) is unknown. */
CRTK_API const char *crtk_age_group_19(int age);
/* SEER 18-group age recode: "01" (0-4) ... "18" (85+), "99" unknown. */
CRTK_API const char *crtk_age_group_18(int age);

typedef struct crtk_age_band {
    const char *code19;    /* "00".."18" */
    const char *code18;    /* "01".."18" */
    int age_from, age_to;  /* completed years; 85+ ends at 120 */
    long us2000_std_pop;   /* 2000 U.S. standard population (Census P25-1130) */
    const char *label;
} crtk_age_band;

/* The 19 age bands in order (n = 19); total standard population in *total if given. */
CRTK_API const crtk_age_band *crtk_age_bands(int *n, long *total);
/* The 2000 U.S. standard population of a 19-group code ("00".."18"), -1 if unknown. */
CRTK_API long crtk_us2000_std_pop(const char *code19);

/* ---- recodes ------------------------------------------------------------------ */

typedef enum crtk_recode_id {
    CRTK_RECODE_SEER_2023 = 0,       /* SEER Site Recode 2023 Revision (01..81, 99) */
    CRTK_RECODE_SEER_2023_EXPANDED,  /* 2023 Revision Expanded (01..84, 99) */
    CRTK_RECODE_SEER_WHO2008,        /* ICD-O-3/WHO 2008 Definition (20010..37000, 99999) */
    CRTK_RECODE_SEER_2003,           /* ICD-O-3 (1/27/2003) Definition */
    CRTK_RECODE_SEER_2003_NO_KMS,    /* 2003 without Mesothelioma and Kaposi Sarcoma */
    CRTK_RECODE_ICCC3,               /* ICCC-3 third edition (ICD-O-3), original */
    CRTK_RECODE_ICCC_WHO2008,        /* ICCC-3 ICD-O-3/WHO 2008 */
    CRTK_RECODE_ICCC_IARC2017,       /* ICCC-3 third edition based on ICD-O-3/IARC 2017 */
    CRTK_RECODE_AYA_2020,            /* SEER AYA Site Recode 2020 Revision (001..218, 999) */
    CRTK_RECODE_AYA_WHO2008,         /* SEER AYA Site Recode/WHO 2008 (01..56, 99) */
    CRTK_RECODE_LYMPHOID_2021,       /* SEER Lymphoid Neoplasm Recode 2021 (01..44, 99) */
    CRTK_RECODE_BRAIN_CNS_2020,      /* SEER Brain/CNS Recode 2020 (01..27, 99) */
    CRTK_RECODE_COUNT
} crtk_recode_id;

/* A tumour's coded values, parsed once and reused by every recode. */
typedef struct crtk_tumor_codes {
    int site;   /* 0..809 for C000..C809; -1 present but not a valid site; -2 missing */
    int hist;   /* 4-digit histology, -1 missing/invalid */
    int beh;    /* behavior digit, -1 missing/invalid */
    int year;   /* year of diagnosis, -1 unknown */
} crtk_tumor_codes;

/* Parses the four values (any may be NULL); dx_date is a NAACCR date or a bare year. */
CRTK_API void crtk_tumor_codes_parse(crtk_tumor_codes *c, const char *site, const char *hist,
                            const char *beh, const char *dx_date);

/* Short names used by SQL and the command line: "seer-2023", "seer-2023-expanded",
 * "seer-who2008", "seer-2003", "seer-2003-without-kms", "iccc-3", "iccc-who2008",
 * "iccc-iarc2017", "aya-2020", "aya-who2008", "lymphoid-2021", "brain-cns-2020".
 * Also accepts the upstream version strings ("2023 Revision", "WHO 2008 Definition",
 * "Third edition based on ICD-O-3/IARC 2017", ...). -1 if not known. */
CRTK_API int crtk_recode_find(const char *name);
CRTK_API const char *crtk_recode_name(crtk_recode_id id);
CRTK_API const char *crtk_recode_title(crtk_recode_id id);
/* The code meaning "unknown / not classified" (extended = ICCC extended classification). */
CRTK_API const char *crtk_recode_unknown(crtk_recode_id id, bool extended);
/* FALSE (with error) if the recode's table cannot be loaded; loading is otherwise implicit. */
CRTK_API gboolean crtk_recode_load(crtk_recode_id id, GError **error);

/* The recode of a tumour: first matching row of the table (README §4 algorithm), or
 * the unknown code.  extended picks the ICCC extended classification (the unknown
 * code for tables without one).  Never NULL; the string is static. */
CRTK_API const char *crtk_recode(crtk_recode_id id, const crtk_tumor_codes *c, bool extended);
/* Same, but a missing or invalid primary site does not make the result unknown: it
 * matches only the rows open to any site (the haematopoietic rows of the SEER
 * tables).  Used by the cause-specific classification. */
CRTK_API const char *crtk_recode_any_site(crtk_recode_id id, const crtk_tumor_codes *c, bool extended);
/* Same from text values. */
CRTK_API const char *crtk_recode_values(crtk_recode_id id, const char *site, const char *hist,
                               const char *beh, const char *dx_date, bool extended);
/* The table's label for a code ("Lip", "Hodgkin lymphomas"...), NULL if none. */
CRTK_API const char *crtk_recode_label(crtk_recode_id id, const char *code, bool extended);

/* Conveniences for the usual variables. */
CRTK_API const char *crtk_seer_site_recode(const char *site, const char *hist, const char *beh, const char *dx_date);
CRTK_API const char *crtk_seer_site_recode_who2008(const char *site, const char *hist);
CRTK_API const char *crtk_iccc_recode(const char *site, const char *hist, const char *beh, bool extended); /* IARC 2017 */
CRTK_API const char *crtk_aya_recode(const char *site, const char *hist, const char *beh);                 /* 2020 */

/* SEER "ICCC major category" (2 digits) from a 3-digit ICCC recode: 011-015 -> 01 ...
 * 121-122 -> 15, 999/other -> 99 (group XI split into 11-14 as README §4). */
CRTK_API const char *crtk_iccc_major(const char *iccc_recode);

/* ---- survival time (SEER rules, per patient) ------------------------------------ */

/* One tumour of a patient.  Date parts as coded: 9999 (year) and 99 (month, day)
 * are unknown, a negative value is a blank part; impossible parts (month 13, day
 * 31 of April) are treated as unknown where the rules say so (docs/derived.md).
 * Patient items (DOLC, vital status, birth) are given per tumour as in flat files;
 * they must agree for survival to be computable. */
typedef struct crtk_survival_tumor {
    int dx_year, dx_month, dx_day;
    int dolc_year, dolc_month, dolc_day;
    int birth_year, birth_month, birth_day;
    int seq_num_central;          /* Sequence Number--Central, -1 blank */
    int vital_status;             /* 0 dead, 1 alive, other = unknown */
    int type_of_reporting_source; /* 6 autopsy only, 7 death certificate only */
} crtk_survival_tumor;

typedef struct crtk_survival_result {
    char months[5];      /* Surv-Mos Active Followup [1784], "9999" unknown */
    char days[6];        /* survival days, "99999" unknown */
    char flag[2];        /* Surv-Flag Active Followup [1783]: 0,1,2,3,8,9 */
    char months_pa[5];   /* Surv-Mos Presumed Alive [1787] */
    char days_pa[6];
    char flag_pa[2];     /* Surv-Flag Presumed Alive [1786] */
    int sorted_index;    /* 1-based chronological position among the patient's tumours */
    char date_dx[9];             /* Surv-Date DX Recode [1788], "" when blank */
    char date_active[9];         /* Surv-Date Active Followup [1782], "" when blank */
    char date_presumed_alive[9]; /* Surv-Date Presumed Alive [1785], "" when blank */
} crtk_survival_result;

typedef struct crtk_survival_options {
    int endpoint_year;   /* study cut-off year (cut-off date 31 Dec); 0 = current year */
    crtk_date today;     /* "today" for the future-DOLC check; year 0 = the real date */
} crtk_survival_options;

/* Computes survival for the n tumours of one patient (out has n entries) and the
 * patient's Vital Status Recode [1762] into vsr (the vital status as coded, "1" when
 * last seen after the cut-off year, "" when blank), exactly as the SEER reference
 * implementation (imsweb/algorithms SurvivalTimeUtils 2.2) does; see docs/derived.md. */
CRTK_API void crtk_survival_compute(const crtk_survival_tumor *tumors, int n, const crtk_survival_options *opt,
                           crtk_survival_result *out, char vsr[2]);

/* The same for a record: reads dateOfDiagnosis, sequenceNumberCentral,
 * typeOfReportingSource (tumour) and dateOfLastContact, vitalStatus, dateOfBirth
 * (patient, or tumour where the dictionary puts them there).  out needs
 * r->n_tumors entries (may be NULL when r has no tumours). */
CRTK_API void crtk_survival_record(const crtk_record *r, const crtk_survival_options *opt,
                          crtk_survival_result *out, char vsr[2]);
/* Computes and stores the results in the record's survival items (survMosActiveFollowup,
 * survFlagActiveFollowup, survMosPresumedAlive, survFlagPresumedAlive,
 * survDateActiveFollowup, survDatePresumedAlive, survDateDxRecode, vitalStatusRecode)
 * where the dictionary has them; returns how many values were set. */
CRTK_API int crtk_survival_apply(crtk_record *r, const crtk_survival_options *opt);

/* Fills, in a record, the NAACCR items that are derived variables (what `crtk export --derived`
 * writes): Age at Diagnosis [230] of every tumor where it is empty (3 digits, "999" unknown), and
 * the survival items of crtk_survival_apply (SEER rules, docs/derived.md).  Items the record's
 * dictionary lacks are skipped.  Returns how many values were set. */
CRTK_API int crtk_derived_fill_record(crtk_record *r, const crtk_survival_options *opt);

/* ---- cause-specific death classification ---------------------------------------- */

typedef struct crtk_cause_specific {
    char cause_specific[2];  /* SEER cause-specific death classification: 0 alive or other cause, 1 this cancer, 8 unknown cause, 9 N/A */
    char other_cause[2];     /* SEER other cause of death classification: 0, 1, 8, 9 */
} crtk_cause_specific;

typedef enum crtk_cause_table {
    CRTK_CAUSE_TABLE_2023 = 0,       /* with SEER Site Recode 2023 */
    CRTK_CAUSE_TABLE_WHO2008,        /* with the WHO 2008 site recode (after the 2025-10 fix) */
    CRTK_CAUSE_TABLE_WHO2008_PRE_FIX /* WHO 2008 table as before the 2025-10 fix */
} crtk_cause_table;

/* SEER cause-specific and other-cause death classification of one tumour.
 * seq_num: Sequence Number--Central text; icd_revision: ICD Revision Number [1920];
 * cause: Cause of Death [1910]; dolc_year: year of last contact (0 unknown);
 * endpoint_year: study cut-off year (0 = current year). */
CRTK_API crtk_cause_specific crtk_cause_specific_classify(crtk_cause_table table, const char *seq_num,
                                                 const char *icd_revision, const char *cause,
                                                 const char *site, const char *hist,
                                                 const char *beh, const char *dx_date,
                                                 int dolc_year, int endpoint_year);

/* ---- SQL -------------------------------------------------------------------------- */

typedef struct sqlite3 sqlite3;
/* Registers the deterministic SQLite functions of docs/derived.md:
 *   crtk_age_at_dx(dob, dxdate), crtk_age_group(age), crtk_age_group_18(age),
 *   crtk_us2000_std_pop(age_group), crtk_seer_site_recode(site, hist, beh, dxdate),
 *   crtk_seer_site_recode_expanded(site, hist, beh, dxdate), crtk_seer_site_recode_2008(site, hist),
 *   crtk_iccc(site, hist, beh), crtk_iccc_extended(site, hist, beh), crtk_iccc_major(site, hist, beh),
 *   crtk_aya(site, hist, beh), crtk_aya_2008(site, hist, beh), crtk_lymphoid_recode(site, hist),
 *   crtk_brain_cns_recode(site, hist, beh), crtk_recode(name, site, hist, beh, dxdate[, extended]),
 *   crtk_recode_label(name, code). */
CRTK_API gboolean crtk_derived_register_sqlite(sqlite3 *db, GError **error);

#endif
