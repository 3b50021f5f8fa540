/* test_surgery.c — site-specific surgery tables (crtk/surgery.h): which coding-manual year applies,
 * the table chosen by site and histology, and codes/meanings, against values read by hand from
 * ../shared/codes/surgery/site-specific-surgery-tables-2023.xml and -2021.xml (embedded copies). */
#include "crtk/surgery.h"

#include <string.h>

static void test_manual_year(void)
{
    g_assert_cmpint(crtk_surgery_manual_year(2003), ==, 0);
    g_assert_cmpint(crtk_surgery_manual_year(2004), ==, 2004);
    g_assert_cmpint(crtk_surgery_manual_year(2019), ==, 2018); /* README: 2019-2020 use the 2018 tables */
    g_assert_cmpint(crtk_surgery_manual_year(2020), ==, 2018);
    g_assert_cmpint(crtk_surgery_manual_year(2023), ==, 2023);
    g_assert_cmpint(crtk_surgery_manual_year(2026), ==, 2024);
    g_assert_cmpint(crtk_surgery_manual_year(9999), ==, 0);
}

static void test_tables(void)
{
    const crtk_surgery_code *c = NULL;
    int n = 0;
    g_assert_cmpstr(crtk_surgery_table("C504", "8500", 2023, &c, &n), ==, "Breast");
    g_assert_cmpint(n, >, 10);
    g_assert_cmpstr(c[0].code, ==, "A000");
    g_assert_cmpstr(crtk_surgery_meaning("C504", "8500", 2023, "A200"), ==,
                    "Partial mastectomy, NOS; less than total mastectomy, NOS");
    g_assert_null(crtk_surgery_meaning("C504", "8500", 2023, "ZZZZ"));
    g_assert_null(crtk_surgery_meaning("C504", "8500", 2023, "22")); /* 2-digit codes end in 2022 */
    g_assert_cmpstr(crtk_surgery_meaning("C504", NULL, 2021, "22"), !=, NULL);
    /* range bounds: C000-C009 is oral cavity, C142 is in "All Other Sites" */
    g_assert_cmpstr(crtk_surgery_table("C005", NULL, 2023, NULL, NULL), ==, "Oral Cavity");
    g_assert_cmpstr(crtk_surgery_table("C142", NULL, 2023, NULL, NULL), ==, "All Other Sites");
    /* the 2023 breast table has no histology exclusion (read from the XML) */
    g_assert_cmpstr(crtk_surgery_table("C504", "9861", 2023, NULL, NULL), ==, "Breast");
    g_assert_null(crtk_surgery_table("C504", "8500", 2003, NULL, NULL));
    g_assert_null(crtk_surgery_table("", "8500", 2023, NULL, NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/surgery/manual-year", test_manual_year);
    g_test_add_func("/surgery/tables", test_tables);
    return g_test_run();
}
