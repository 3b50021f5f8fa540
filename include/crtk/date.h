/* date.h — NAACCR dates: one date type with its precision, used by every part of crtk (reader
 * checks, edits, follow-up, survival, reports, the command line).
 *
 * A NAACCR date is written CCYYMMDD, CCYYMM or CCYY (XML leaves unknown parts out; flat files
 * fill them with blanks, or "99" in older files).  A crtk_date holds the parts that are known,
 * 0 for the others; the precision says how far it goes.  Dates people type (MM/DD/YYYY,
 * YYYY-MM-DD, ...) go through crtk_date_parse_input().  All functions are pure and thread-safe.
 */
#ifndef CRTK_DATE_H
#define CRTK_DATE_H

#include "export.h"

#include <glib.h>

/* A calendar date whose parts may be unknown (0).  A known day implies a known month. */
typedef struct crtk_date {
    int year;   /* 0 = unknown */
    int month;  /* 1-12; 0 = unknown (then day is 0 too) */
    int day;    /* 1-31; 0 = unknown */
} crtk_date;

typedef enum {
    CRTK_DATE_UNKNOWN = 0, /* no year */
    CRTK_DATE_YEAR,        /* CCYY */
    CRTK_DATE_MONTH,       /* CCYYMM */
    CRTK_DATE_DAY          /* CCYYMMDD */
} crtk_date_precision;

/* Flags of crtk_date_parse_naaccr(). */
enum {
    CRTK_DATE_CALENDAR = 1 << 0,     /* the day must exist in its month (20230231 is refused); without
                                        it any day 01-31 passes, as NAACCR XML's date pattern does */
    CRTK_DATE_NAACCR_YEARS = 1 << 1, /* years 1800-2099 only (NAACCR XML's date pattern) */
    CRTK_DATE_FULL = 1 << 2          /* year, month and day all required */
};

/* Days in a month of a year (Gregorian); 0 when the month is not 1-12. */
CRTK_API int crtk_days_in_month(int year, int month);
CRTK_API crtk_date_precision crtk_date_precision_of(crtk_date d);
/* TRUE when the known parts make a real date (month 1-12, day within its month, year 1-9999). */
CRTK_API gboolean crtk_date_is_valid(crtk_date d);

/* Strict parse of a coded NAACCR date: exactly 4, 6 or 8 digits after trailing blanks are
 * removed (text need not be NUL-terminated).  FALSE (and *out all unknown) when it is not one;
 * an empty or blank value is FALSE too.  flags: CRTK_DATE_* above. */
CRTK_API gboolean crtk_date_parse_naaccr(const char *text, size_t len, unsigned flags, crtk_date *out);

/* Lenient parse, for reading whatever a record holds: "CCYYMMDD", "CCYYMM", "CCYY" (blanks or
 * "99" for unknown parts, as in flat files) or ISO "CCYY-MM[-DD]".  Impossible parts (month 13,
 * day 31 of April, year 9999) become unknown, and so do the parts after them.  NULL or blank
 * gives an all-unknown date. */
CRTK_API crtk_date crtk_date_parse(const char *text);

/* A date as people type it: YYYY-MM-DD, YYYY-MM, MM/DD/YYYY, M/D/YYYY, MM/YYYY, YYYYMMDD,
 * YYYYMM or YYYY (surrounding blanks ignored).  It must be a real calendar date.  FALSE with
 * *error (CRTK_ERROR) saying which form was expected or which part is impossible. */
CRTK_API gboolean crtk_date_parse_input(const char *text, crtk_date *out, GError **error);

/* The NAACCR form of d: "CCYYMMDD", "CCYYMM" or "CCYY" by its precision, "" when unknown.
 * buf must hold 9 bytes; returns buf. */
CRTK_API char *crtk_date_format_naaccr(crtk_date d, char buf[9]);
/* "CCYY-MM-DD", "CCYY-MM", "CCYY" or "" into buf (11 bytes); returns buf. */
CRTK_API char *crtk_date_format_iso(crtk_date d, char buf[11]);

/* Compares the parts both dates know, from the year down: <0 when a is certainly before b,
 * >0 when certainly after, 0 when equal as far as both are known (2023 and 20230415 compare
 * equal).  An unknown year compares equal to everything. */
CRTK_API int crtk_date_compare(crtk_date a, crtk_date b);

/* Full dates as integers YYYYMMDD (unknown parts 0), for compact storage and ordering. */
CRTK_API int crtk_date_to_ymd(crtk_date d);
CRTK_API crtk_date crtk_date_from_ymd(int yyyymmdd);

/* The full date a partial date stands for at its earliest (latest = FALSE: month 1, day 1) or its
 * latest (month 12, last day of the month).  An unknown year stays unknown. */
CRTK_API crtk_date crtk_date_bound(crtk_date d, gboolean latest);
/* d plus months (may be negative): the day is kept, or becomes the last day of a shorter month.
 * Unknown parts stay unknown; an unknown year gives an unknown date. */
CRTK_API crtk_date crtk_date_add_months(crtk_date d, int months);
/* Completed months from a to b (full dates; negative when b is before a): the largest k with
 * a + k months <= b. */
CRTK_API int crtk_date_months_between(crtk_date a, crtk_date b);
/* Days from 0001-01-01 (full dates), for differences in days. */
CRTK_API long crtk_date_to_days(crtk_date d);

/* Today: the date in the environment variable CRTK_TODAY (YYYYMMDD) when it is set and valid,
 * else the local calendar date.  Commands set CRTK_TODAY from --today so runs are reproducible. */
CRTK_API crtk_date crtk_date_today(void);

#endif
