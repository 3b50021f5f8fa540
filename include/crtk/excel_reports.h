/* excel_reports.h — the builders of the Excel reports, one file each (reports/excel_NAME.c).
 * Each fills r->wb from the store; see excel_common.h for the helpers and the report table. */
#ifndef CRTK_EXCEL_REPORTS_H
#define CRTK_EXCEL_REPORTS_H

#include "export.h"
#include "excel_common.h"

#ifdef CRTK_HAVE_XLSXWRITER
CRTK_API gboolean crtk_report_site_table(crtk_report *r, GError **error);
CRTK_API gboolean crtk_report_stage(crtk_report *r, GError **error);
CRTK_API gboolean crtk_report_trends(crtk_report *r, GError **error);
CRTK_API gboolean crtk_report_age(crtk_report *r, GError **error);
CRTK_API gboolean crtk_report_followup(crtk_report *r, GError **error);
CRTK_API gboolean crtk_report_quality(crtk_report *r, GError **error);
CRTK_API gboolean crtk_report_survival(crtk_report *r, GError **error);

/* Summary stage group of a tumor from Summary Stage 2018 [764], else Derived SS2018 [762], else SEER
 * Summary Stage 2000 [759], else Derived SS2000 [3020]: 0 in situ, 1 localized, 2 regional, 3 distant,
 * 4 benign/borderline or not applicable, 5 unknown/unstaged. */
enum { CRTK_STAGE_IN_SITU, CRTK_STAGE_LOCAL, CRTK_STAGE_REGIONAL, CRTK_STAGE_DISTANT, CRTK_STAGE_NA,
       CRTK_STAGE_UNKNOWN, CRTK_STAGE_COUNT };
CRTK_API extern const char *const crtk_stage_labels[CRTK_STAGE_COUNT];
CRTK_API int crtk_report_stage_group(const char *code);
/* Top n site groups by count in the selection (codes, newly allocated array of g_strdup'ed strings). */
CRTK_API GPtrArray *crtk_report_top_sites(crtk_report *r, int n, GError **error);

/* Kaplan-Meier estimate from n (time, event) pairs (event 1 = death, 0 = censored; ties: deaths
 * before censorings).  At time t: the survival, its Greenwood variance term sum d/(n(n-d)) and the
 * number at risk (time >= t). */
typedef struct crtk_km_point {
    double survival;      /* S(t) = P(T > t) */
    double greenwood;     /* sum over event times <= t of d / (n (n - d)) */
    long at_risk;         /* cases with time >= t */
    double ci_low, ci_high; /* 95% confidence interval (log-log), NaN when not computable */
} crtk_km_point;
/* times[] and events[] are sorted by the function (in place, together). */
CRTK_API void crtk_km(long *times, int *events, long n, const long *at, int n_at, crtk_km_point *out);
/* The same estimate from counts by distinct time: time[] ascending, deaths[i] and censored[i] the
 * cases of time[i] (memory that does not grow with the cases). */
CRTK_API void crtk_km_counts(const long *time, const long *deaths, const long *censored, long n_times,
                             const long *at, int n_at, crtk_km_point *out);
#endif
#endif
