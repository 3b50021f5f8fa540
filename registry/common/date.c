/* date.c — NAACCR dates with their precision: parsing (coded, lenient, typed by people),
 * validation, comparison, month arithmetic and formatting.  See include/crtk/date.h. */
#include "date.h"
#include "problem.h"

#include <stdlib.h>
#include <string.h>

int crtk_days_in_month(int year, int month)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return dim[month - 1];
}

crtk_date_precision crtk_date_precision_of(crtk_date d)
{
    if (d.year <= 0)
        return CRTK_DATE_UNKNOWN;
    if (d.month <= 0)
        return CRTK_DATE_YEAR;
    return d.day > 0 ? CRTK_DATE_DAY : CRTK_DATE_MONTH;
}

gboolean crtk_date_is_valid(crtk_date d)
{
    if (d.year < 1 || d.year > 9999)
        return FALSE;
    if (d.month == 0)
        return d.day == 0;
    if (d.month < 1 || d.month > 12)
        return FALSE;
    return d.day == 0 || (d.day >= 1 && d.day <= crtk_days_in_month(d.year, d.month));
}

/* Digits s[0..n-1] as a number, -1 if any is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

gboolean crtk_date_parse_naaccr(const char *text, size_t len, unsigned flags, crtk_date *out)
{
    crtk_date d = {0, 0, 0};
    *out = d;
    if (!text)
        return FALSE;
    while (len > 0 && text[len - 1] == ' ')
        len--;
    if (len != 4 && len != 6 && len != 8)
        return FALSE;
    if ((flags & CRTK_DATE_FULL) && len != 8)
        return FALSE;
    int y = digits(text, 4);
    if (y < 1)
        return FALSE;
    if ((flags & CRTK_DATE_NAACCR_YEARS) && (y < 1800 || y > 2099))
        return FALSE;
    d.year = y;
    if (len >= 6) {
        d.month = digits(text + 4, 2);
        if (d.month < 1 || d.month > 12)
            return FALSE;
    }
    if (len == 8) {
        d.day = digits(text + 6, 2);
        int max = (flags & CRTK_DATE_CALENDAR) ? crtk_days_in_month(d.year, d.month) : 31;
        if (d.day < 1 || d.day > max)
            return FALSE;
    }
    *out = d;
    return TRUE;
}

crtk_date crtk_date_parse(const char *text)
{
    crtk_date d = {0, 0, 0};
    if (!text)
        return d;
    while (*text == ' ' || *text == '\t')
        text++;
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r' || text[n - 1] == '\n'))
        n--;
    if (n < 4)
        return d;
    char buf[8] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
    if (n >= 7 && text[4] == '-') {
        memcpy(buf, text, 4);
        memcpy(buf + 4, text + 5, 2);
        if (n >= 10 && text[7] == '-')
            memcpy(buf + 6, text + 8, 2);
    } else {
        memcpy(buf, text, n < 8 ? n : 8);
    }
    int y = digits(buf, 4), m = digits(buf + 4, 2), dd = digits(buf + 6, 2);
    if (y < 1000 || y > 9998)
        return d;
    d.year = y;
    if (m < 1 || m > 12)
        return d;
    d.month = m;
    if (dd >= 1 && dd <= crtk_days_in_month(y, m))
        d.day = dd;
    return d;
}

/* Splits s on sep into at most 3 digit-only parts; the number of parts, -1 when a part is not
 * 1 to 4 digits. */
static int split_parts(const char *s, char sep, int *v, int *w)
{
    int n = 0;
    const char *p = s;
    for (;;) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (n == 3 || len < 1 || len > 4)
            return -1;
        int x = digits(p, (int)len);
        if (x < 0)
            return -1;
        v[n] = x;
        w[n] = (int)len;
        n++;
        if (!e)
            break;
        p = e + 1;
    }
    return n;
}

gboolean crtk_date_parse_input(const char *text, crtk_date *out, GError **error)
{
    static const char *forms = "YYYY-MM-DD, MM/DD/YYYY, YYYYMMDD (or YYYY-MM, MM/YYYY, YYYYMM, YYYY)";
    crtk_date d = {0, 0, 0};
    *out = d;
    char *t = g_strstrip(g_strdup(text ? text : ""));
    char *shown = crtk_cut_for_message(t); /* quoted; a long value is cut, never echoed whole */
    size_t n = strlen(t);
    gboolean shaped = FALSE;
    int v[3], w[3];
    if (n > 0 && strchr(t, '-')) {
        int k = split_parts(t, '-', v, w);
        if (k >= 2 && w[0] == 4 && w[1] <= 2 && (k < 3 || w[2] <= 2)) {
            d.year = v[0], d.month = v[1], d.day = k == 3 ? v[2] : 0;
            shaped = TRUE;
        }
    } else if (n > 0 && strchr(t, '/')) {
        int k = split_parts(t, '/', v, w);
        if (k == 3 && w[0] <= 2 && w[1] <= 2 && w[2] == 4) {
            d.month = v[0], d.day = v[1], d.year = v[2];
            shaped = TRUE;
        } else if (k == 2 && w[0] <= 2 && w[1] == 4) {
            d.month = v[0], d.year = v[1];
            shaped = TRUE;
        }
    } else if (n == 4 || n == 6 || n == 8) {
        int y = digits(t, 4), m = n >= 6 ? digits(t + 4, 2) : 0, dd = n == 8 ? digits(t + 6, 2) : 0;
        if (y >= 0 && m >= 0 && dd >= 0) {
            d.year = y, d.month = m, d.day = dd;
            shaped = TRUE;
            if ((n >= 6 && m == 0) || (n == 8 && dd == 0))
                d.month = -1; /* 00 as a part: impossible */
        }
    }
    if (!shaped) {
        g_set_error(error, CRTK_ERROR, 0, "%s is not a date: write %s", shown, forms);
        g_free(t);
        g_free(shown);
        return FALSE;
    }
    if (d.year < 1800 || d.year > 2099) {
        g_set_error(error, CRTK_ERROR, 0, "%s: year %d is out of range (1800-2099)", shown, d.year);
        g_free(t);
        g_free(shown);
        return FALSE;
    }
    if (d.month < 0 || d.month > 12 || (d.month == 0 && d.day)) {
        g_set_error(error, CRTK_ERROR, 0, "%s: there is no month %d", shown, d.month < 0 ? 0 : d.month);
        g_free(t);
        g_free(shown);
        return FALSE;
    }
    if (d.day && d.day > crtk_days_in_month(d.year, d.month)) {
        g_set_error(error, CRTK_ERROR, 0, "%s: %04d-%02d has %d days", shown, d.year, d.month,
                    crtk_days_in_month(d.year, d.month));
        g_free(t);
        g_free(shown);
        return FALSE;
    }
    g_free(t);
    g_free(shown);
    *out = d;
    return TRUE;
}

char *crtk_date_format_naaccr(crtk_date d, char buf[9])
{
    switch (crtk_date_precision_of(d)) {
    case CRTK_DATE_DAY:
        g_snprintf(buf, 9, "%04d%02d%02d", d.year % 10000, d.month % 100, d.day % 100);
        break;
    case CRTK_DATE_MONTH:
        g_snprintf(buf, 9, "%04d%02d", d.year % 10000, d.month % 100);
        break;
    case CRTK_DATE_YEAR:
        g_snprintf(buf, 9, "%04d", d.year % 10000);
        break;
    default:
        buf[0] = 0;
    }
    return buf;
}

char *crtk_date_format_iso(crtk_date d, char buf[11])
{
    switch (crtk_date_precision_of(d)) {
    case CRTK_DATE_DAY:
        g_snprintf(buf, 11, "%04d-%02d-%02d", d.year % 10000, d.month % 100, d.day % 100);
        break;
    case CRTK_DATE_MONTH:
        g_snprintf(buf, 11, "%04d-%02d", d.year % 10000, d.month % 100);
        break;
    case CRTK_DATE_YEAR:
        g_snprintf(buf, 11, "%04d", d.year % 10000);
        break;
    default:
        buf[0] = 0;
    }
    return buf;
}

int crtk_date_compare(crtk_date a, crtk_date b)
{
    if (a.year <= 0 || b.year <= 0)
        return 0;
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month <= 0 || b.month <= 0)
        return 0;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day <= 0 || b.day <= 0)
        return 0;
    return a.day < b.day ? -1 : a.day > b.day;
}

int crtk_date_to_ymd(crtk_date d)
{
    if (d.year <= 0)
        return 0;
    return d.year * 10000 + (d.month > 0 ? d.month : 0) * 100 + (d.month > 0 && d.day > 0 ? d.day : 0);
}

crtk_date crtk_date_from_ymd(int v)
{
    crtk_date d = {v / 10000, v / 100 % 100, v % 100};
    if (v <= 0)
        d.year = d.month = d.day = 0;
    if (d.month == 0)
        d.day = 0;
    return d;
}

crtk_date crtk_date_bound(crtk_date d, gboolean latest)
{
    if (d.year <= 0)
        return (crtk_date){0, 0, 0};
    crtk_date r = d;
    if (r.month <= 0)
        r.month = latest ? 12 : 1, r.day = 0;
    if (r.day <= 0)
        r.day = latest ? crtk_days_in_month(r.year, r.month) : 1;
    return r;
}

crtk_date crtk_date_add_months(crtk_date d, int months)
{
    if (d.year <= 0)
        return (crtk_date){0, 0, 0};
    if (d.month <= 0) {
        /* whole years only can be added to a year */
        crtk_date r = {d.year + months / 12, 0, 0};
        return r;
    }
    int n = d.year * 12 + (d.month - 1) + months;
    crtk_date r = {n / 12, n % 12 + 1, 0};
    if (d.day > 0) {
        int dim = crtk_days_in_month(r.year, r.month);
        r.day = d.day > dim ? dim : d.day;
    }
    return r;
}

int crtk_date_months_between(crtk_date a, crtk_date b)
{
    int ia = crtk_date_to_ymd(a), ib = crtk_date_to_ymd(b);
    if (ib < ia)
        return -crtk_date_months_between(b, a);
    int k = (b.year - a.year) * 12 + (b.month - a.month);
    if (k > 0)
        k--;
    /* The largest k with a + k months <= b: the same arithmetic as crtk_date_add_months. */
    while (crtk_date_to_ymd(crtk_date_add_months(a, k + 1)) <= ib)
        k++;
    return k;
}

long crtk_date_to_days(crtk_date d)
{
    /* days from civil (proleptic Gregorian), shifted so 0001-01-01 is 0 */
    long y = d.year, m = d.month > 0 ? d.month : 1, dd = d.day > 0 ? d.day : 1;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 306; /* days from 1970-01-01 would be - 719468 */
}

crtk_date crtk_date_today(void)
{
    const char *fixed = g_getenv("CRTK_TODAY");
    crtk_date d;
    if (fixed && crtk_date_parse_naaccr(fixed, strlen(fixed), CRTK_DATE_CALENDAR | CRTK_DATE_FULL, &d))
        return d;
    GDateTime *now = g_date_time_new_now_local();
    d.year = g_date_time_get_year(now);
    d.month = g_date_time_get_month(now);
    d.day = g_date_time_get_day_of_month(now);
    g_date_time_unref(now);
    return d;
}
