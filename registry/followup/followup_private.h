/* followup_private.h — private to registry/followup/: the date arithmetic and value tests the
 * rules, the scan, the rates and posting share (dates are full YYYYMMDD integers, 0 unknown). */
#ifndef CRTK_FOLLOWUP_PRIVATE_H
#define CRTK_FOLLOWUP_PRIVATE_H

#include "followup.h"

/* The naaccrId of each follow-up item, and whether the rate scan needs it. */
typedef struct {
    const char *id;
    gboolean for_rate;
} fu_item_info;
extern const fu_item_info fu_items[CRTK_FU_N_ITEMS];

/* y, m, d as YYYYMMDD. */
int fu_ymd(int y, int m, int d);
/* A full date (NAACCR YYYYMMDD or a date a person typed) as YYYYMMDD; 0 when not a full date. */
int fu_parse_full_date(const char *text);
/* The earliest (latest FALSE) or latest day a partial NAACCR date can be, as YYYYMMDD. */
int fu_date_bound(const char *text, gboolean latest);
int fu_add_months(int date, int months);
int fu_months_between(int a, int b);
/* Completed years from a to b. */
int fu_years_between(int a, int b);
/* Today (CRTK_TODAY honoured) as YYYYMMDD. */
int fu_today_int(void);
/* NULL, empty or only spaces. */
gboolean fu_blank(const char *v);
/* The number the first n characters of v make, -1 when they are not all digits. */
int fu_int_prefix(const char *v, int n);

#endif
