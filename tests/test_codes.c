/* test_codes.c — unit tests of the code tables (registry/codes.c): item code lists, search,
 * ICD-O-3 topography and morphology with year-dependent validity, paired sites, counties and the
 * SEER site/histology list.  The last tests compare the embedded tables with the reference files
 * in ../shared/codes and are skipped when that folder is absent.
 */
#include "codes.h"
#include "test_util.h"

#include <stdio.h>
#include <string.h>
#include <glib.h>

static void test_item_lists(void)
{
    g_assert_cmpstr(crtk_code_label("laterality", "1"), ==, "Right (origin of primary)");
    g_assert_null(crtk_code_label("laterality", "7"));
    g_assert_null(crtk_code_label("laterality", ""));
    g_assert_true(crtk_code_valid("laterality", "9"));
    g_assert_false(crtk_code_valid("laterality", "09"));
    /* NAACCR 26 sex assigned at birth has fewer codes than sex */
    g_assert_true(crtk_code_valid("sex", "3"));
    g_assert_false(crtk_code_valid("sexAssignedAtBirth", "3"));
    g_assert_true(crtk_code_valid("sexAssignedAtBirth", "2"));
    /* items sharing a list */
    g_assert_true(crtk_code_valid("race5", "88"));
    g_assert_cmpstr(crtk_code_label("race3", "01"), ==, "White");
    g_assert_true(crtk_code_valid("addrCurrentState", "MD"));
    /* range codes */
    g_assert_true(crtk_code_valid("tumorSizeSummary", "025"));
    g_assert_true(crtk_code_valid("tumorSizeSummary", "989"));
    g_assert_false(crtk_code_valid("tumorSizeSummary", "25"));
    g_assert_false(crtk_code_valid("tumorSizeSummary", "0x5"));
    g_assert_cmpstr(crtk_code_label("tumorSizeSummary", "100"), ==, "Exact size in millimeters (2 mm to 988 mm)");
    g_assert_true(crtk_code_valid_len("laterality", "12", 1));
    /* no list */
    g_assert_null(crtk_code_label("patientIdNumber", "1"));
    int n = -1;
    g_assert_null(crtk_code_list("nameLast", &n));
    g_assert_cmpint(n, ==, 0);
    /* lists of special items */
    g_assert_nonnull(crtk_code_list("primarySite", &n));
    g_assert_cmpint(n, ==, 330);
    g_assert_nonnull(crtk_code_list("topography", &n));
    g_assert_cmpint(n, ==, 330);
    g_assert_nonnull(crtk_code_list("morphology", &n));
    g_assert_cmpint(n, >, 1300);
    g_assert_true(crtk_code_valid("histologicTypeIcdO3", "8140"));
    g_assert_false(crtk_code_valid("histologicTypeIcdO3", "8140/3"));
    g_assert_true(crtk_code_valid("morphology", "8140/3"));
    g_assert_true(crtk_code_valid("countyAtDx", "510"));
    g_assert_true(strstr(crtk_code_label("countyAtDx", "510"), "MD") != NULL);
    /* the item names */
    const char *const *items = crtk_code_items(&n);
    g_assert_cmpint(n, >, 250);
    gboolean lat = FALSE, morph = FALSE;
    for (int i = 0; i < n; i++) {
        lat |= !strcmp(items[i], "laterality");
        morph |= !strcmp(items[i], "morphology");
        if (i)
            g_assert_cmpint(strcmp(items[i - 1], items[i]), <, 0);
    }
    g_assert_null(items[n]);
    g_assert_true(lat && morph);
}

static void test_search(void)
{
    GPtrArray *hits = crtk_code_search("primarySite", "breast");
    g_assert_nonnull(hits);
    g_assert_cmpuint(hits->len, ==, 9);
    g_assert_cmpstr(((crtk_code *)hits->pdata[0])->code, ==, "C500"); /* Nipple: found by the group title */
    g_assert_cmpstr(((crtk_code *)hits->pdata[8])->code, ==, "C509");
    g_ptr_array_free(hits, TRUE);
    hits = crtk_code_search("primarySite", "BREAST nos"); /* C506 by its synonym "Tail of breast, NOS" */
    g_assert_cmpuint(hits->len, ==, 2);
    g_assert_cmpstr(((crtk_code *)hits->pdata[1])->code, ==, "C509");
    g_ptr_array_free(hits, TRUE);
    hits = crtk_code_search("primarySite", "C50.1");
    g_assert_cmpuint(hits->len, ==, 1);
    g_assert_cmpstr(((crtk_code *)hits->pdata[0])->code, ==, "C501");
    g_ptr_array_free(hits, TRUE);
    hits = crtk_code_search("primarySite", "c34");
    g_assert_cmpuint(hits->len, ==, 6);
    g_ptr_array_free(hits, TRUE);
    hits = crtk_code_search("primarySite", "areola"); /* an inclusion term */
    g_assert_cmpuint(hits->len, ==, 1);
    g_ptr_array_free(hits, TRUE);
    hits = crtk_code_search("laterality", "xyzzy");
    g_assert_cmpuint(hits->len, ==, 0);
    g_ptr_array_free(hits, TRUE);
    hits = crtk_code_search("tumorSizeSummary", "025");
    g_assert_cmpuint(hits->len, ==, 1);
    g_assert_cmpstr(((crtk_code *)hits->pdata[0])->code, ==, "002-988");
    g_ptr_array_free(hits, TRUE);
    hits = crtk_code_search("morphology", "8140/");
    g_assert_cmpuint(hits->len, >=, 4);
    g_assert_cmpstr(((crtk_code *)hits->pdata[0])->code, ==, "8140/0");
    g_ptr_array_free(hits, TRUE);
    g_assert_null(crtk_code_search("nameLast", "x"));
}

static void test_topography(void)
{
    g_assert_cmpstr(crtk_topography_label("C504"), ==, "Upper-outer quadrant of breast");
    g_assert_null(crtk_topography_label("C270"));
    g_assert_null(crtk_topography_label("C42.1"));
    g_assert_nonnull(crtk_topography_label("C421"));
    g_assert_null(crtk_topography_label("C800"));
    g_assert_nonnull(crtk_topography_label("C809"));
    g_assert_cmpint(crtk_site_number("C504", 4), ==, 504);
    g_assert_cmpint(crtk_site_number("c504", 4), ==, -1);
    g_assert_cmpint(crtk_site_number("C50", 3), ==, -1);
}

static void test_morphology(void)
{
    const crtk_morphology *m = crtk_morphology_find(8140, 3);
    g_assert_nonnull(m);
    g_assert_cmpstr(m->code, ==, "8140/3");
    g_assert_cmpstr(m->label, ==, "Adenocarcinoma, NOS");
    g_assert_cmpint(m->valid_from, ==, 0);
    g_assert_null(crtk_morphology_find(8006, 3));
    g_assert_null(crtk_morphology_find(8500, 1));
    /* new in 2018 */
    g_assert_false(crtk_morphology_valid(8256, 3, 2017));
    g_assert_true(crtk_morphology_valid(8256, 3, 2018));
    g_assert_true(crtk_morphology_valid(8256, 3, 0)); /* unknown year */
    /* used until 2009 only */
    g_assert_true(crtk_morphology_valid(9835, 3, 2009));
    g_assert_false(crtk_morphology_valid(9835, 3, 2010));
    g_assert_true(crtk_histology_valid(9835, 2009));
    g_assert_false(crtk_histology_valid(9835, 2021));
    /* 2021+ ICD-O-3.2 code */
    g_assert_false(crtk_morphology_valid(9993, 3, 2020));
    g_assert_true(crtk_morphology_valid(9993, 3, 2021));
    g_assert_true(crtk_histology_valid(8140, 1990));
    g_assert_false(crtk_histology_valid(1234, 0));
    /* reportability notes */
    g_assert_cmpint(crtk_morphology_reportable(8140, 3, 2020), ==, -1);
    g_assert_cmpint(crtk_morphology_reportable(8211, 2, 2023), ==, 0);  /* 2022+; NOT REPORTABLE */
    g_assert_cmpint(crtk_morphology_reportable(8343, 2, 2018), ==, 1);  /* REPORTABLE 2017-2020 ONLY */
    g_assert_cmpint(crtk_morphology_reportable(8343, 2, 2021), ==, 0);
    g_assert_cmpint(crtk_morphology_reportable(9975, 3, 2009), ==, 0);  /* REPORTABLE 2010+ */
    g_assert_cmpint(crtk_morphology_reportable(9975, 3, 2010), ==, 1);
    g_assert_cmpint(crtk_morphology_reportable(9975, 3, 0), ==, 1);
    g_assert_cmpint(crtk_morphology_reportable(8006, 3, 0), ==, -2);
    /* a /1 code with some not-reportable terms keeps the behavior rule (CNS) */
    g_assert_cmpint(crtk_morphology_reportable(9080, 1, 2022), ==, -1);
}

static void test_paired_sites(void)
{
    g_assert_cmpint(crtk_paired_site("C504", 4, 2020), ==, CRTK_LATERALITY_PAIRED);
    g_assert_cmpint(crtk_paired_site("C342", 4, 2020), ==, CRTK_LATERALITY_RIGHT_ONLY);
    g_assert_cmpint(crtk_paired_site("C300", 4, 2020), ==, CRTK_LATERALITY_PAIRED_OR_NOT);
    g_assert_cmpint(crtk_paired_site("C180", 4, 2020), ==, CRTK_LATERALITY_NOT_PAIRED);
    g_assert_cmpint(crtk_paired_site("C809", 4, 2020), ==, CRTK_LATERALITY_NOT_PAIRED);
    /* CNS sites from 2004 */
    g_assert_cmpint(crtk_paired_site("C710", 4, 2003), ==, CRTK_LATERALITY_PAIRED_OR_NOT);
    g_assert_cmpint(crtk_paired_site("C710", 4, 2004), ==, CRTK_LATERALITY_PAIRED);
    g_assert_cmpint(crtk_paired_site("C710", 4, 0), ==, CRTK_LATERALITY_PAIRED_OR_NOT);
    g_assert_cmpstr(crtk_laterality_rule_name(CRTK_LATERALITY_PAIRED), ==, "PAIRED");
    g_assert_cmpstr(crtk_laterality_rule_name(CRTK_LATERALITY_NOT_PAIRED), ==, "");
}

static void test_counties(void)
{
    g_assert_true(crtk_county_valid("MD", 2, "005", 3));
    g_assert_true(crtk_county_valid("MD", 2, "510", 3));
    g_assert_false(crtk_county_valid("MD", 2, "002", 3));
    g_assert_true(crtk_county_valid("CA", 2, "037", 3));
    g_assert_false(crtk_county_valid("ZZ", 2, "001", 3));
    g_assert_false(crtk_county_valid("MD", 2, "05", 2));
    g_assert_true(crtk_state_has_counties("PR", 2));
    g_assert_false(crtk_state_has_counties("XX", 2));
    g_assert_false(crtk_state_has_counties("GB", 2)); /* SEER registry areas are not states */
    /* names, as the Census writes them (independent cities, boroughs, census areas) */
    g_assert_cmpstr(crtk_county_name("MD", 2, "033", 3), ==, "Prince George's County");
    g_assert_cmpstr(crtk_county_name("md", 2, "510", 3), ==, "Baltimore city");
    g_assert_cmpstr(crtk_county_name("VA", 2, "510", 3), ==, "Alexandria city");
    g_assert_cmpstr(crtk_county_name("AK", 2, "020", 3), ==, "Anchorage Municipality");
    g_assert_cmpstr(crtk_county_name("CA", 2, "037", 3), ==, "Los Angeles County");
    g_assert_cmpstr(crtk_county_name("NM", 2, "013", 3), ==, "Do\xc3\xb1" "a Ana County");
    g_assert_cmpstr(crtk_county_name("SD", 2, "113", 3), ==, "Shannon County"); /* a former code */
    /* Puerto Rico's municipios, with their Spanish accents in UTF-8 */
    g_assert_cmpstr(crtk_county_name("PR", 2, "127", 3), ==, "San Juan Municipio");
    g_assert_cmpstr(crtk_county_name("PR", 2, "097", 3), ==, "Mayag\xc3\xbc" "ez Municipio");
    g_assert_cmpstr(crtk_county_name("pr", 2, "054", 3), ==, "Florida Municipio"); /* the one even code */
    g_assert_cmpstr(crtk_county_name("PR", 2, "011", 3), ==, "A\xc3\xb1" "asco Municipio");
    g_assert_cmpstr(crtk_county_name("PR", 2, "153", 3), ==, "Yauco Municipio");
    g_assert_null(crtk_county_name("PR", 2, "002", 3));
    /* Connecticut: the planning regions (county equivalents since 2022) beside the former counties */
    g_assert_cmpstr(crtk_county_name("CT", 2, "110", 3), ==, "Capitol Planning Region");
    g_assert_cmpstr(crtk_county_name("CT", 2, "190", 3), ==, "Western Connecticut Planning Region");
    g_assert_cmpstr(crtk_county_name("CT", 2, "001", 3), ==, "Fairfield County");
    g_assert_true(crtk_county_valid("CT", 2, "110", 3)); /* a valid county of CT for the county edits */
    g_assert_true(crtk_county_valid("CT", 2, "190", 3));
    g_assert_true(crtk_county_valid("CT", 2, "015", 3));
    g_assert_false(crtk_county_valid("CT", 2, "200", 3));
    g_assert_false(crtk_county_valid("MD", 2, "110", 3));
    g_assert_null(crtk_county_name("MD", 2, "999", 3));
    g_assert_null(crtk_county_name("MD", 2, "002", 3));
    g_assert_null(crtk_county_name("MD", 2, "03", 2));
    g_assert_null(crtk_county_name(NULL, 0, "033", 3));
    size_t n = 0;
    const crtk_county *all = crtk_counties(&n);
    g_assert_cmpuint(n, >, 3100); /* every county of the 50 states and DC */
    size_t pr = 0, ct = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0) /* by state, then code */
            g_assert_cmpint(strcmp(all[i - 1].state, all[i].state) * 1000 + strcmp(all[i - 1].county, all[i].county), <, 0);
        g_assert_true(g_utf8_validate(all[i].name, -1, NULL));
        if (!strcmp(all[i].state, "PR")) { /* each municipio is a valid county of PR (state-county.tsv) */
            g_assert_true(crtk_county_valid("PR", 2, all[i].county, 3));
            pr++;
        }
        ct += !strcmp(all[i].state, "CT");
    }
    g_assert_cmpuint(pr, ==, 78); /* every municipio of Puerto Rico */
    g_assert_cmpuint(ct, ==, 17); /* 8 former counties and 9 planning regions */
}

static void test_site_morphology(void)
{
    g_assert_cmpint(crtk_site_morphology_valid("C504", 4, 8500, 3, 2022), ==, 1);
    g_assert_cmpint(crtk_site_morphology_valid("C504", 4, 8500, 3, 2010), ==, 1);
    g_assert_cmpint(crtk_site_morphology_valid("C504", 4, 9050, 3, 2022), ==, 0);
    g_assert_cmpint(crtk_site_morphology_valid("C270", 4, 8500, 3, 2022), ==, -1);
    /* 8256/3 (2018+) is on the 2022 list only: unknown and 2018-2021 years use either list */
    g_assert_cmpint(crtk_site_morphology_valid("C341", 4, 8256, 3, 2022), ==, 1);
    g_assert_cmpint(crtk_site_morphology_valid("C341", 4, 8256, 3, 2019), ==, 1);
    g_assert_cmpint(crtk_site_morphology_valid("C341", 4, 8256, 3, 2015), ==, 0);
    g_assert_cmpint(crtk_site_morphology_valid("C341", 4, 8256, 3, 0), ==, 1);
}

/* ---- against the reference files (skipped without ../shared) -------------------------- */

/* The path of codes/REL in ../shared, or NULL after tu_skip (a failure under CI=true). */
static char *shared_path(const char *rel)
{
    char *r = g_build_filename("codes", rel, NULL);
    char *p = tu_shared(r);
    g_free(r);
    return p;
}

/* Minimal CSV: two columns, quotes, no header. */
static GPtrArray *read_pairs(const char *path)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    const char *p = text;
    if (!strncmp(p, "\xef\xbb\xbf", 3))
        p += 3;
    while (*p) {
        GString *field = g_string_new(NULL);
        int col = 0;
        char *code = NULL;
        gboolean quoted = FALSE;
        for (;; p++) {
            if (quoted) {
                if (*p == '"' && p[1] == '"') {
                    g_string_append_c(field, '"');
                    p++;
                } else if (*p == '"') {
                    quoted = FALSE;
                } else if (!*p) {
                    break;
                } else {
                    g_string_append_c(field, *p);
                }
                continue;
            }
            if (*p == '"') {
                quoted = TRUE;
            } else if (*p == ',' && col == 0) {
                code = g_strdup(field->str);
                g_string_truncate(field, 0);
                col++;
            } else if (*p == '\n' || *p == '\r' || !*p) {
                break;
            } else {
                g_string_append_c(field, *p);
            }
        }
        if (code) {
            g_ptr_array_add(out, code);
            g_ptr_array_add(out, g_strdup(field->str));
        }
        g_string_free(field, TRUE);
        while (*p == '\n' || *p == '\r')
            p++;
    }
    g_free(text);
    return out;
}

static void test_shared_topography(void)
{
    char *path = shared_path("icdo3/primarySite.csv");
    if (!path)
        return;
    GPtrArray *pairs = read_pairs(path);
    g_assert_nonnull(pairs);
    g_assert_cmpuint(pairs->len, ==, 660);
    for (guint i = 0; i < pairs->len; i += 2)
        g_assert_cmpstr(crtk_topography_label(pairs->pdata[i]), ==, pairs->pdata[i + 1]);
    g_ptr_array_free(pairs, TRUE);
    g_free(path);
}

static void test_shared_morphology(void)
{
    char *path = shared_path("icdo3/histologicTypeIcdO3_preferredTermsOnly.csv");
    if (!path)
        return;
    GPtrArray *pairs = read_pairs(path);
    g_assert_nonnull(pairs);
    for (guint i = 0; i < pairs->len; i += 2) {
        int h = 0, b = 0;
        g_assert_cmpint(sscanf(pairs->pdata[i], "%4d/%1d", &h, &b), ==, 2);
        const crtk_morphology *m = crtk_morphology_find(h, b);
        g_assert_nonnull(m);
        g_assert_cmpstr(m->label, ==, pairs->pdata[i + 1]);
    }
    g_ptr_array_free(pairs, TRUE);
    g_free(path);
}

static void test_shared_lookups(void)
{
    char *dir = shared_path("naaccr-lookups");
    if (!dir)
        return;
    GDir *d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    const char *name;
    int files = 0;
    while ((name = g_dir_read_name(d))) {
        if (!g_str_has_suffix(name, ".csv") || g_str_has_prefix(name, "county"))
            continue;
        char *item = g_strndup(name, strlen(name) - 4);
        char *path = g_build_filename(dir, name, NULL);
        GPtrArray *pairs = read_pairs(path);
        g_assert_nonnull(pairs);
        for (guint i = 0; i < pairs->len; i += 2) {
            const char *code = pairs->pdata[i];
            if (!*code)
                continue;
            const char *dash = strchr(code, '-');
            if (dash && dash > code && g_ascii_isdigit(code[0]) && g_ascii_isdigit(dash[1])) {
                /* a range: its ends are codes */
                char *lo = g_strndup(code, (gsize)(dash - code));
                g_assert_true(crtk_code_valid(item, lo));
                g_assert_true(crtk_code_valid(item, dash + 1));
                g_free(lo);
                continue;
            }
            if (!crtk_code_valid(item, code))
                g_error("%s: code \"%s\" is not in the embedded list", item, code);
        }
        files++;
        g_ptr_array_free(pairs, TRUE);
        g_free(path);
        g_free(item);
    }
    g_dir_close(d);
    g_assert_cmpint(files, >, 250);
    g_free(dir);
}

static gboolean search_finds(const char *item, const char *text, const char *code)
{
    GPtrArray *hits = crtk_code_search(item, text);
    gboolean found = FALSE;
    for (guint i = 0; hits && i < hits->len && !found; i++)
        found = !strcmp(((const crtk_code *)hits->pdata[i])->code, code);
    if (hits)
        g_ptr_array_free(hits, TRUE);
    return found;
}

/* What a registrar types finds the code by its other names (issue 14: "infiltrating duct" is 8500). */
static void test_synonyms(void)
{
    g_assert_true(search_finds("histologicTypeIcdO3", "infiltrating duct", "8500"));
    g_assert_true(search_finds("morphology", "infiltrating duct", "8500/3"));
    g_assert_true(search_finds("morphology", "ductal carcinoma", "8500/3"));
    g_assert_false(search_finds("morphology", "infiltrating duct", "8140/3"));
}

/* Every 7th other name of the reference lookups finds its code (with the reference's terms as
 * typed, punctuation and all). */
static void test_shared_synonyms(void)
{
    char *path = shared_path("icdo3/histologicTypeIcdO3_allTerms.csv");
    if (!path)
        return; /* shared_path has said why (skipped, or a failure under CI=true) */
    char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    char **lines = g_strsplit(text, "\n", -1);
    int tried = 0, found = 0;
    for (int i = 1; lines[0] && lines[i]; i++) {
        /* hist,beh,"term",alternate */
        char *l = lines[i];
        if (i % 7)
            continue;
        if (!g_str_has_suffix(g_strchomp(l), ",alternate") || strlen(l) < 8)
            continue;
        char code[7] = {l[0], l[1], l[2], l[3], '/', l[5], 0};
        char *term = g_strndup(l + 7, strlen(l) - 7 - strlen(",alternate"));
        if (term[0] == '"')
            memmove(term, term + 1, strlen(term)), term[strlen(term) - 1] = 0;
        tried++;
        if (search_finds("morphology", term, code))
            found++;
        else if (found + 50 > tried)
            g_printerr("not found: %s %s\n", code, term);
        g_free(term);
    }
    g_assert_cmpint(tried, >, 500);
    g_assert_cmpint(found, ==, tried);
    g_strfreev(lines);
    g_free(text);
    g_free(path);
}

int main(int argc, char **argv)
{
    tu_init(&argc, &argv);
    g_test_add_func("/codes/item-lists", test_item_lists);
    g_test_add_func("/codes/search", test_search);
    g_test_add_func("/codes/topography", test_topography);
    g_test_add_func("/codes/morphology", test_morphology);
    g_test_add_func("/codes/paired-sites", test_paired_sites);
    g_test_add_func("/codes/counties", test_counties);
    g_test_add_func("/codes/site-morphology", test_site_morphology);
    g_test_add_func("/codes/shared/topography", test_shared_topography);
    g_test_add_func("/codes/shared/morphology", test_shared_morphology);
    g_test_add_func("/codes/shared/lookups", test_shared_lookups);
    g_test_add_func("/codes/synonyms", test_synonyms);
    g_test_add_func("/codes/shared/synonyms", test_shared_synonyms);
    return tu_finish(g_test_run());
}
