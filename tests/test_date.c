/* test_date.c — the date module (include/crtk/date.h) against hand-worked calendar answers:
 * coded NAACCR dates, dates as people type them, precision, comparison of partial dates, month
 * arithmetic (the follow-up windows) and day counts. */
#include <glib.h>
#include <string.h>
#include "date.h"

static int ymd_of(const char *text, unsigned flags)
{
    crtk_date d;
    return crtk_date_parse_naaccr(text, strlen(text), flags, &d) ? crtk_date_to_ymd(d) : -1;
}

static void test_naaccr(void)
{
    g_assert_cmpint(ymd_of("20220310", CRTK_DATE_CALENDAR), ==, 20220310);
    g_assert_cmpint(ymd_of("202203", CRTK_DATE_CALENDAR), ==, 20220300);
    g_assert_cmpint(ymd_of("2022", CRTK_DATE_CALENDAR), ==, 20220000);
    g_assert_cmpint(ymd_of("2022    ", CRTK_DATE_CALENDAR), ==, 20220000);  /* flat: blanks */
    g_assert_cmpint(ymd_of("20230231", CRTK_DATE_CALENDAR), ==, -1);        /* no 31 February */
    g_assert_cmpint(ymd_of("20230231", 0), ==, 20230231);                   /* XML's pattern allows it */
    g_assert_cmpint(ymd_of("20240229", CRTK_DATE_CALENDAR), ==, 20240229);  /* leap year */
    g_assert_cmpint(ymd_of("19000229", CRTK_DATE_CALENDAR), ==, -1);        /* 1900 is not */
    g_assert_cmpint(ymd_of("20000229", CRTK_DATE_CALENDAR), ==, 20000229);  /* 2000 is */
    g_assert_cmpint(ymd_of("20221310", 0), ==, -1);
    g_assert_cmpint(ymd_of("20220300", 0), ==, -1);
    g_assert_cmpint(ymd_of("2022-03-10", 0), ==, -1);
    g_assert_cmpint(ymd_of("202", 0), ==, -1);
    g_assert_cmpint(ymd_of("", 0), ==, -1);
    g_assert_cmpint(ymd_of("0000", 0), ==, -1);
    g_assert_cmpint(ymd_of("17990101", CRTK_DATE_NAACCR_YEARS), ==, -1);
    g_assert_cmpint(ymd_of("21000101", CRTK_DATE_NAACCR_YEARS), ==, -1);
    g_assert_cmpint(ymd_of("202203", CRTK_DATE_FULL), ==, -1);
}

static void test_lenient(void)
{
    crtk_date d = crtk_date_parse("2023  15");
    g_assert_cmpint(crtk_date_to_ymd(d), ==, 20230000);
    d = crtk_date_parse("20230431"); /* April has 30 days: the day becomes unknown */
    g_assert_cmpint(crtk_date_to_ymd(d), ==, 20230400);
    d = crtk_date_parse("2023-04-15");
    g_assert_cmpint(crtk_date_to_ymd(d), ==, 20230415);
    d = crtk_date_parse("99999999");
    g_assert_cmpint(crtk_date_precision_of(d), ==, CRTK_DATE_UNKNOWN);
    d = crtk_date_parse(NULL);
    g_assert_cmpint(crtk_date_precision_of(d), ==, CRTK_DATE_UNKNOWN);
}

static void test_input(void)
{
    static const struct { const char *in; int ymd; } good[] = {
        {"2026-03-10", 20260310}, {"03/10/2026", 20260310}, {"3/1/2026", 20260301}, {"20260310", 20260310},
        {"2026-03", 20260300}, {"03/2026", 20260300}, {"202603", 20260300}, {"2026", 20260000},
        {" 2026-3-1 ", 20260301}, {"02/29/2024", 20240229},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        crtk_date d;
        GError *err = NULL;
        g_assert_true(crtk_date_parse_input(good[i].in, &d, &err));
        g_assert_no_error(err);
        g_assert_cmpint(crtk_date_to_ymd(d), ==, good[i].ymd);
    }
    static const char *bad[] = {"02/29/2023", "2026-13-01", "13/01/2026", "2026-02-30", "10.03.2026", "March 2026",
                                "20260230", "", "26-03-10", "1700-01-01", "2026-00-10", "00/10/2026"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        crtk_date d;
        GError *err = NULL;
        g_assert_false(crtk_date_parse_input(bad[i], &d, &err));
        g_assert_nonnull(err);
        g_error_free(err);
    }
    GError *err = NULL;
    crtk_date d;
    crtk_date_parse_input("2023-02-29", &d, &err);
    g_assert_nonnull(strstr(err->message, "has 28 days"));
    g_error_free(err);
    err = NULL;
    /* a huge paste is cut in the message, never echoed whole */
    char *huge = g_strnfill(100000, '9');
    g_assert_false(crtk_date_parse_input(huge, &d, &err));
    g_assert_cmpuint(strlen(err->message), <, 300);
    g_assert_nonnull(strstr(err->message, "100,000 bytes"));
    g_error_free(err);
    g_free(huge);
}

static void test_format_compare(void)
{
    char b9[9], b11[11];
    crtk_date d = {2026, 3, 0};
    g_assert_cmpstr(crtk_date_format_naaccr(d, b9), ==, "202603");
    g_assert_cmpstr(crtk_date_format_iso(d, b11), ==, "2026-03");
    d.day = 9;
    g_assert_cmpstr(crtk_date_format_naaccr(d, b9), ==, "20260309");
    g_assert_cmpstr(crtk_date_format_iso(d, b11), ==, "2026-03-09");
    g_assert_cmpstr(crtk_date_format_naaccr((crtk_date){0, 0, 0}, b9), ==, "");
    /* partial dates compare on the parts both know */
    g_assert_cmpint(crtk_date_compare((crtk_date){2023, 0, 0}, (crtk_date){2023, 4, 15}), ==, 0);
    g_assert_cmpint(crtk_date_compare((crtk_date){2023, 4, 0}, (crtk_date){2023, 5, 1}), <, 0);
    g_assert_cmpint(crtk_date_compare((crtk_date){2023, 4, 16}, (crtk_date){2023, 4, 15}), >, 0);
    g_assert_cmpint(crtk_date_compare((crtk_date){2022, 12, 31}, (crtk_date){2023, 0, 0}), <, 0);
    g_assert_cmpint(crtk_date_compare((crtk_date){0, 0, 0}, (crtk_date){2023, 1, 1}), ==, 0);
}

static void test_arithmetic(void)
{
    /* bounds of partial dates */
    g_assert_cmpint(crtk_date_to_ymd(crtk_date_bound(crtk_date_parse("2025"), FALSE)), ==, 20250101);
    g_assert_cmpint(crtk_date_to_ymd(crtk_date_bound(crtk_date_parse("2025"), TRUE)), ==, 20251231);
    g_assert_cmpint(crtk_date_to_ymd(crtk_date_bound(crtk_date_parse("202402"), TRUE)), ==, 20240229);
    g_assert_cmpint(crtk_date_to_ymd(crtk_date_bound(crtk_date_parse("99999999"), FALSE)), ==, 0);
    g_assert_cmpint(crtk_date_to_ymd(crtk_date_bound(crtk_date_parse(""), FALSE)), ==, 0);
    /* adding months keeps the day or takes the last day of a shorter month */
    g_assert_cmpint(crtk_date_to_ymd(crtk_date_add_months(crtk_date_from_ymd(20250131), 1)), ==, 20250228);
    g_assert_cmpint(crtk_date_to_ymd(crtk_date_add_months(crtk_date_from_ymd(20240131), 1)), ==, 20240229);
    g_assert_cmpint(crtk_date_to_ymd(crtk_date_add_months(crtk_date_from_ymd(20241115), 15)), ==, 20260215);
    g_assert_cmpint(crtk_date_to_ymd(crtk_date_add_months(crtk_date_from_ymd(20260315), -15)), ==, 20241215);
    /* completed months: the largest k with a + k months <= b */
    static const int months[][3] = {
        {20250415, 20260315, 11}, {20250315, 20260315, 12}, {20250316, 20260315, 11}, {20241215, 20260315, 15},
        {20241115, 20260315, 16}, {20250131, 20250228, 1}, {20260315, 20250315, -12}, {20250131, 20250227, 0},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(months); i++)
        g_assert_cmpint(crtk_date_months_between(crtk_date_from_ymd(months[i][0]), crtk_date_from_ymd(months[i][1])), ==,
                        months[i][2]);
    /* day numbers: 0001-01-01 is day 0, 1970-01-01 is day 719162 (the Unix epoch), 2000 had 366 days */
    g_assert_cmpint(crtk_date_to_days((crtk_date){1, 1, 1}), ==, 0);
    g_assert_cmpint(crtk_date_to_days((crtk_date){1970, 1, 1}), ==, 719162);
    g_assert_cmpint(crtk_date_to_days((crtk_date){2001, 1, 1}) - crtk_date_to_days((crtk_date){2000, 1, 1}), ==, 366);
    g_assert_cmpint(crtk_date_to_days((crtk_date){2026, 12, 4}) - crtk_date_to_days((crtk_date){2026, 3, 1}), ==, 278);
}

static void test_today(void)
{
    g_setenv("CRTK_TODAY", "20261204", TRUE);
    g_assert_cmpint(crtk_date_to_ymd(crtk_date_today()), ==, 20261204);
    g_setenv("CRTK_TODAY", "20260231", TRUE); /* not a date: the clock is used */
    g_assert_cmpint(crtk_date_today().year, >=, 2026);
    g_unsetenv("CRTK_TODAY");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/date/naaccr", test_naaccr);
    g_test_add_func("/date/lenient", test_lenient);
    g_test_add_func("/date/input", test_input);
    g_test_add_func("/date/format-compare", test_format_compare);
    g_test_add_func("/date/arithmetic", test_arithmetic);
    g_test_add_func("/date/today", test_today);
    return g_test_run();
}
