/* test_dictionary.c — unit tests of NAACCR dictionaries (registry/dictionary.c, registry/dictionary_xml.c).
 *
 * The built-in dictionaries (schemas/naaccr/, embedded) must hold exactly the
 * items of the official ones: the counts below are those of NAACCR's base
 * dictionaries and default user dictionaries (as tabulated in
 * ../shared/naaccr/README.md sections 1.2 and 4), and when ../shared is there
 * every item is compared with the official XML.  User dictionaries are parsed
 * from the sample and from the 23 state registry dictionaries (a ZIP in
 * ../shared, unpacked with unzip at test time).  Tests that need ../shared
 * skip themselves when it is absent.
 */
#include "dictionary.h"
#include "test_util.h"

#include <errno.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#define SHARED CRTK_SHARED_DIR "/naaccr"

/* TRUE when path (in ../shared) is there; else the test is skipped (a failure under CI=true). */
static gboolean shared_file(const char *path)
{
    g_assert_true(g_str_has_prefix(path, CRTK_SHARED_DIR "/"));
    char *p = tu_shared(path + strlen(CRTK_SHARED_DIR "/"));
    g_free(p);
    return p != NULL;
}

/* ---- the built-in dictionaries ------------------------------------------------------- */

typedef struct {
    int version;
    int base;                   /* items in the base dictionary */
    int root, patient, tumor;   /* base items by level */
    int in_c, in_i;             /* base items of record types C and I (all are in A and M) */
    int default_user;           /* items of the default user dictionary (all Tumor level) */
    int default_user_c, default_user_i;
} expected_counts;

static const expected_counts counts[] = {
    {140, 527, 5, 48, 474, 509, 441, 21, 20, 16},
    {150, 534, 5, 48, 481, 516, 448, 21, 20, 16},
    {160, 564, 5, 48, 511, 546, 478, 23, 22, 18},
    {180, 772, 5, 51, 716, 724, 684, 19, 17, 14},
    {210, 798, 5, 55, 738, 750, 709, 2, 2, 2},
    {220, 810, 5, 55, 750, 762, 721, 0, 0, 0},
    {230, 782, 5, 53, 724, 734, 693, 0, 0, 0},
    {240, 783, 5, 51, 727, 735, 695, 0, 0, 0},
    {250, 780, 5, 49, 726, 732, 693, 0, 0, 0},
    {260, 771, 5, 49, 717, 723, 684, 0, 0, 0},
};

static void test_versions_and_counts(void)
{
    const int *v = crtk_naaccr_versions();
    for (guint k = 0; k < G_N_ELEMENTS(counts); k++)
        g_assert_cmpint(v[k], ==, counts[k].version);
    g_assert_cmpint(v[G_N_ELEMENTS(counts)], ==, 0);

    for (guint k = 0; k < G_N_ELEMENTS(counts); k++) {
        const expected_counts *c = &counts[k];
        GError *error = NULL;
        crtk_dictionary *d = crtk_dictionary_new(c->version, &error);
        g_assert_no_error(error);
        g_assert_nonnull(d);
        g_assert_cmpint(crtk_dictionary_version(d), ==, c->version);
        g_assert_cmpint(crtk_dictionary_count(d), ==, c->base + c->default_user);
        int base = 0, user = 0, level[3] = {0}, rt_a = 0, rt_m = 0, rt_c = 0, rt_i = 0, user_c = 0, user_i = 0;
        char *base_uri = crtk_base_dictionary_uri(c->version);
        char *user_uri = crtk_default_user_dictionary_uri(c->version);
        for (int i = 0; i < crtk_dictionary_count(d); i++) {
            const crtk_item *it = crtk_dictionary_item(d, i);
            g_assert_cmpint(it->index, ==, i);
            g_assert_false(it->user_defined);
            g_assert_cmpint(it->length, >, 0);
            g_assert_true(it->record_types & CRTK_RT_A);
            g_assert_true(it->record_types & CRTK_RT_M);
            if (!strcmp(it->source_uri, base_uri)) {
                base++;
                level[it->level]++;
                rt_a += !!(it->record_types & CRTK_RT_A);
                rt_m += !!(it->record_types & CRTK_RT_M);
                rt_c += !!(it->record_types & CRTK_RT_C);
                rt_i += !!(it->record_types & CRTK_RT_I);
            } else {
                g_assert_nonnull(user_uri);
                g_assert_cmpstr(it->source_uri, ==, user_uri);
                g_assert_cmpint(it->level, ==, CRTK_LEVEL_TUMOR);
                user++;
                user_c += !!(it->record_types & CRTK_RT_C);
                user_i += !!(it->record_types & CRTK_RT_I);
            }
            /* Every item is found again by its id and its number. */
            g_assert_true(crtk_dictionary_find(d, it->id) == it);
            g_assert_true(crtk_dictionary_find_number(d, it->number) == it);
        }
        g_assert_cmpint(base, ==, c->base);
        g_assert_cmpint(level[CRTK_LEVEL_ROOT], ==, c->root);
        g_assert_cmpint(level[CRTK_LEVEL_PATIENT], ==, c->patient);
        g_assert_cmpint(level[CRTK_LEVEL_TUMOR], ==, c->tumor);
        g_assert_cmpint(rt_a, ==, c->base);
        g_assert_cmpint(rt_m, ==, c->base);
        g_assert_cmpint(rt_c, ==, c->in_c);
        g_assert_cmpint(rt_i, ==, c->in_i);
        g_assert_cmpint(user, ==, c->default_user);
        g_assert_cmpint(user_c, ==, c->default_user_c);
        g_assert_cmpint(user_i, ==, c->default_user_i);
        g_assert_cmpstr(crtk_dictionary_base_uri(d), ==, base_uri);
        g_assert_true(crtk_dictionary_has_uri(d, base_uri));
        if (user_uri)
            g_assert_true(crtk_dictionary_has_uri(d, user_uri));
        g_assert_null(crtk_dictionary_user_uris(d));
        /* The five NaaccrData items of every version. */
        static const struct { const char *id; int number; } root_items[] = {
            {"recordType", 10}, {"registryType", 30}, {"registryId", 40}, {"npiRegistryId", 45},
            {"naaccrRecordVersion", 50}};
        for (guint i = 0; i < G_N_ELEMENTS(root_items); i++) {
            const crtk_item *it = crtk_dictionary_find(d, root_items[i].id);
            g_assert_nonnull(it);
            g_assert_cmpint(it->number, ==, root_items[i].number);
            g_assert_cmpint(it->level, ==, CRTK_LEVEL_ROOT);
        }
        g_free(base_uri);
        g_free(user_uri);
        crtk_dictionary_unref(d);
    }
}

static void test_data_type_counts(void)
{
    /* dataType distribution of the recent base dictionaries. */
    static const struct { int version; int n[7]; } types[] = {
        /*          text digits alpha mixed numeric date dateTime */
        {240, {251, 450, 12, 21, 2, 47, 0}},
        {250, {254, 427, 11, 22, 19, 42, 5}},
        {260, {254, 425, 11, 12, 22, 42, 5}},
    };
    for (guint k = 0; k < G_N_ELEMENTS(types); k++) {
        crtk_dictionary *d = crtk_dictionary_new(types[k].version, NULL);
        int n[7] = {0};
        for (int i = 0; i < crtk_dictionary_count(d); i++)
            n[crtk_dictionary_item(d, i)->type]++;
        for (int t = 0; t < 7; t++)
            g_assert_cmpint(n[t], ==, types[k].n[t]);
        crtk_dictionary_unref(d);
    }
}

static void test_unknown_version(void)
{
    GError *error = NULL;
    g_assert_null(crtk_dictionary_new(170, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_UNSUPPORTED);
    g_assert_nonnull(strstr(error->message, "170"));
    g_clear_error(&error);
}

static void test_version_names(void)
{
    g_assert_cmpint(crtk_naaccr_version_parse("25"), ==, 250);
    g_assert_cmpint(crtk_naaccr_version_parse("250"), ==, 250);
    g_assert_cmpint(crtk_naaccr_version_parse("25.0"), ==, 250);
    g_assert_cmpint(crtk_naaccr_version_parse("v18"), ==, 180);
    g_assert_cmpint(crtk_naaccr_version_parse("14"), ==, 140);
    g_assert_cmpint(crtk_naaccr_version_parse("17"), ==, 0);
    g_assert_cmpint(crtk_naaccr_version_parse("25x"), ==, 0);
    g_assert_cmpint(crtk_naaccr_version_parse(""), ==, 0);
    g_assert_cmpint(crtk_naaccr_version_parse(NULL), ==, 0);
    /* Regression: these were converted to int unchecked (undefined behaviour; clang's UBSan
       reports it) from --naaccr-version or a dictionary's naaccrVersion. */
    g_assert_cmpint(crtk_naaccr_version_parse("1e300"), ==, 0);
    g_assert_cmpint(crtk_naaccr_version_parse("-1e300"), ==, 0);
    g_assert_cmpint(crtk_naaccr_version_parse("nan"), ==, 0);
    g_assert_cmpint(crtk_naaccr_version_parse("inf"), ==, 0);
    g_assert_cmpint(crtk_naaccr_version_parse("-25"), ==, 0);
    g_assert_cmpint(crtk_naaccr_version_from_uri("http://naaccr.org/naaccrxml/naaccr-dictionary-240.xml"), ==, 240);
    g_assert_cmpint(crtk_naaccr_version_from_uri("http://naaccr.org/naaccrxml/naaccr-dictionary-241.xml"), ==, 0);
    g_assert_cmpint(crtk_naaccr_version_from_uri("http://naaccr.org/naaccrxml/naaccr-dictionary-240.xmlx"), ==, 0);
    g_assert_cmpint(crtk_naaccr_version_from_uri("whatever"), ==, 0);
    char *u = crtk_default_user_dictionary_uri(210);
    g_assert_cmpstr(u, ==, "http://naaccr.org/naaccrxml/user-defined-naaccr-dictionary-210.xml");
    g_free(u);
    g_assert_null(crtk_default_user_dictionary_uri(220));
    g_assert_cmpuint(crtk_record_type_parse("A"), ==, CRTK_RT_A);
    g_assert_cmpuint(crtk_record_type_parse("I"), ==, CRTK_RT_I);
    g_assert_cmpuint(crtk_record_type_parse("U"), ==, 0);
    g_assert_cmpuint(crtk_record_type_parse("AM"), ==, 0);
    g_assert_cmpint(crtk_record_type_letter(CRTK_RT_C), ==, 'C');
    char buf[8];
    g_assert_cmpstr(crtk_record_types_format(CRTK_RT_ALL, buf), ==, "A,M,C,I");
    g_assert_cmpstr(crtk_record_types_format(CRTK_RT_A | CRTK_RT_M, buf), ==, "A,M");
}

static void test_lookups(void)
{
    crtk_dictionary *d = crtk_dictionary_new(250, NULL);
    const crtk_item *ps = crtk_dictionary_find(d, "primarySite");
    g_assert_nonnull(ps);
    g_assert_cmpint(ps->number, ==, 400);
    g_assert_cmpint(ps->level, ==, CRTK_LEVEL_TUMOR);
    g_assert_cmpint(ps->length, ==, 4);
    g_assert_cmpint(ps->type, ==, CRTK_TYPE_TEXT);
    g_assert_cmpuint(ps->record_types, ==, CRTK_RT_ALL);
    g_assert_cmpint(ps->start_column, ==, 0);
    g_assert_true(crtk_dictionary_find_number(d, 400) == ps);
    g_assert_true(crtk_dictionary_lookup(d, "400") == ps);
    g_assert_true(crtk_dictionary_lookup(d, "primarySite") == ps);
    g_assert_true(crtk_dictionary_find_len(d, "primarySiteXYZ", 11) == ps);
    g_assert_null(crtk_dictionary_find_len(d, "primarySite", 10));
    g_assert_null(crtk_dictionary_find(d, "primarysite"));
    g_assert_null(crtk_dictionary_find(d, ""));
    g_assert_null(crtk_dictionary_lookup(d, ""));
    g_assert_null(crtk_dictionary_lookup(d, "99999999999999999999"));
    g_assert_null(crtk_dictionary_find_number(d, 220000));
    const crtk_item *pid = crtk_dictionary_lookup(d, "20");
    g_assert_cmpstr(pid->id, ==, "patientIdNumber");
    g_assert_cmpint(pid->level, ==, CRTK_LEVEL_PATIENT);
    g_assert_cmpint(pid->type, ==, CRTK_TYPE_DIGITS);
    g_assert_cmpint(pid->padding, ==, CRTK_PAD_LEFT_ZERO);
    const crtk_item *ts = crtk_dictionary_find(d, "textStaging");
    g_assert_cmpuint(ts->record_types, ==, CRTK_RT_A | CRTK_RT_M);
    g_assert_cmpint(ts->length, ==, 4000);
    /* v26 dropped sex (#220) for sexAssignedAtBirth (#225). */
    g_assert_nonnull(crtk_dictionary_find(d, "sex"));
    crtk_dictionary *d26 = crtk_dictionary_new(260, NULL);
    g_assert_null(crtk_dictionary_find(d26, "sex"));
    g_assert_cmpint(crtk_dictionary_find(d26, "sexAssignedAtBirth")->number, ==, 225);
    g_assert_cmpint(crtk_dictionary_find(d26, "sexAssignedAtBirth")->level, ==, CRTK_LEVEL_PATIENT);
    crtk_dictionary_unref(d26);

    GPtrArray *s = crtk_dictionary_suggest(d, "primarySit", 3);
    g_assert_cmpuint(s->len, >=, 1);
    g_assert_cmpstr(g_ptr_array_index(s, 0), ==, "primarySite");
    g_ptr_array_free(s, TRUE);
    s = crtk_dictionary_suggest(d, "PATIENTIDNUMBER", 1);
    g_assert_cmpuint(s->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(s, 0), ==, "patientIdNumber");
    g_ptr_array_free(s, TRUE);
    s = crtk_dictionary_suggest(d, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", 5);
    g_assert_cmpuint(s->len, ==, 0);
    g_ptr_array_free(s, TRUE);

    /* Old flat columns: v18 has them, v25 not. */
    crtk_dictionary *d18 = crtk_dictionary_new(180, NULL);
    const crtk_item *nl = crtk_dictionary_find(d18, "nameLast");
    g_assert_cmpint(nl->start_column, ==, 4049);
    g_assert_cmpint(crtk_dictionary_find(d18, "patientIdNumber")->start_column, ==, 42);
    g_assert_cmpint(crtk_dictionary_find(d18, "naaccrRecordVersion")->start_column, ==, 17);
    g_assert_cmpint(crtk_dictionary_find(d18, "stateRequestorItems")->start_column, ==, 3049);
    g_assert_cmpint(crtk_dictionary_find(d18, "textRemarks")->start_column, ==, 21135);
    g_assert_true(crtk_dictionary_find(d18, "npcrSpecificField")->trim_none);
    crtk_dictionary_unref(d18);
    crtk_dictionary *d14 = crtk_dictionary_new(140, NULL);
    g_assert_cmpint(crtk_dictionary_find(d14, "nameLast")->start_column, ==, 3340);
    g_assert_cmpint(crtk_dictionary_find(d14, "npcrSpecificField")->start_column, ==, 1306);
    crtk_dictionary_unref(d14);

    crtk_dictionary *r = crtk_dictionary_ref(d);
    g_assert_true(r == d);
    crtk_dictionary_unref(r);
    crtk_dictionary_unref(d);
}

static void test_flat_lengths(void)
{
    static const struct { int version, i, c, a; } lengths[] = {
        {140, 3339, 5564, 22824}, {150, 3339, 5564, 22824}, {160, 3339, 5564, 22824}, {180, 4048, 6154, 24194}};
    for (guint k = 0; k < G_N_ELEMENTS(lengths); k++) {
        crtk_dictionary *d = crtk_dictionary_new(lengths[k].version, NULL);
        g_assert_true(crtk_dictionary_has_flat_layout(d));
        g_assert_cmpint(crtk_dictionary_flat_length(d, CRTK_RT_I), ==, lengths[k].i);
        g_assert_cmpint(crtk_dictionary_flat_length(d, CRTK_RT_C), ==, lengths[k].c);
        g_assert_cmpint(crtk_dictionary_flat_length(d, CRTK_RT_A), ==, lengths[k].a);
        g_assert_cmpint(crtk_dictionary_flat_length(d, CRTK_RT_M), ==, lengths[k].a);
        /* The items of each record type tile the record: no gap, no overlap. */
        for (unsigned rt = CRTK_RT_A; rt <= CRTK_RT_I; rt <<= 1) {
            int len = crtk_dictionary_flat_length(d, rt);
            guint8 *used = g_new0(guint8, len + 1);
            for (int i = 0; i < crtk_dictionary_count(d); i++) {
                const crtk_item *it = crtk_dictionary_item(d, i);
                if (!(it->record_types & rt))
                    continue;
                g_assert_cmpint(it->start_column, >, 0);
                for (int col = it->start_column; col < it->start_column + it->length; col++) {
                    g_assert_cmpint(col, <=, len);
                    g_assert_cmpint(used[col], ==, 0);
                    used[col] = 1;
                }
            }
            for (int col = 1; col <= len; col++)
                g_assert_cmpint(used[col], ==, 1);
            g_free(used);
        }
        crtk_dictionary_unref(d);
    }
    for (int v = 210; v <= 260; v += 10) {
        crtk_dictionary *d = crtk_dictionary_new(v, NULL);
        g_assert_false(crtk_dictionary_has_flat_layout(d));
        g_assert_cmpint(crtk_dictionary_flat_length(d, CRTK_RT_I), ==, 0);
        for (int i = 0; i < crtk_dictionary_count(d); i++)
            g_assert_cmpint(crtk_dictionary_item(d, i)->start_column, ==, 0);
        crtk_dictionary_unref(d);
    }
}

/* ---- values --------------------------------------------------------------------------- */

static void check(crtk_data_type type, int length, const char *v, const char *expect)
{
    crtk_item it = {.id = "x", .length = length, .type = type};
    crtk_problem_code code = CRTK_PROBLEM_COUNT;
    const char *why = crtk_item_check_value(&it, v, strlen(v), &code);
    if (!expect) {
        if (why)
            g_error("%s value \"%s\" (length %d) should be valid: %s", crtk_data_type_name(type), v, length, why);
        return;
    }
    if (!why)
        g_error("%s value \"%s\" (length %d) should be invalid", crtk_data_type_name(type), v, length);
    if (!strcmp(expect, "long"))
        g_assert_cmpint(code, ==, CRTK_PROBLEM_TOO_LONG);
    else
        g_assert_cmpint(code, ==, CRTK_PROBLEM_BAD_VALUE);
}

static void test_value_checks(void)
{
    const char *ok = NULL, *bad = "bad", *longv = "long";
    check(CRTK_TYPE_TEXT, 4, "C509", ok);
    check(CRTK_TYPE_TEXT, 4, " a b", ok);
    check(CRTK_TYPE_TEXT, 4, "C5090", longv);
    check(CRTK_TYPE_TEXT, 4, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", ok);        /* 4 characters, 8 bytes */
    check(CRTK_TYPE_TEXT, 4, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9x", longv);
    check(CRTK_TYPE_DIGITS, 3, "007", ok);
    check(CRTK_TYPE_DIGITS, 3, "07", bad);   /* must fill the length */
    check(CRTK_TYPE_DIGITS, 3, "0a7", bad);
    check(CRTK_TYPE_DIGITS, 3, " 07", bad);
    check(CRTK_TYPE_DIGITS, 3, "0070", longv);
    check(CRTK_TYPE_ALPHA, 2, "NY", ok);
    check(CRTK_TYPE_ALPHA, 2, "ny", bad);
    check(CRTK_TYPE_ALPHA, 2, "N1", bad);
    check(CRTK_TYPE_ALPHA, 2, "N", bad);
    check(CRTK_TYPE_ALPHA, 2, "NYC", longv);
    check(CRTK_TYPE_MIXED, 4, "A1B2", ok);
    check(CRTK_TYPE_MIXED, 4, "a1B2", bad);
    check(CRTK_TYPE_MIXED, 4, "A1B", bad);
    check(CRTK_TYPE_MIXED, 4, "A1-2", bad);
    check(CRTK_TYPE_NUMERIC, 5, "12", ok);
    check(CRTK_TYPE_NUMERIC, 5, "3.5", ok);
    check(CRTK_TYPE_NUMERIC, 5, "03.50", ok);
    check(CRTK_TYPE_NUMERIC, 5, "1.", bad);
    check(CRTK_TYPE_NUMERIC, 5, ".5", bad);
    check(CRTK_TYPE_NUMERIC, 5, "-1", bad);
    check(CRTK_TYPE_NUMERIC, 5, "1.2.3", bad);
    check(CRTK_TYPE_NUMERIC, 5, "1 2", bad);
    check(CRTK_TYPE_NUMERIC, 5, "123456", longv);
    check(CRTK_TYPE_DATE, 8, "20240115", ok);
    check(CRTK_TYPE_DATE, 8, "202401", ok);
    check(CRTK_TYPE_DATE, 8, "2024", ok);
    check(CRTK_TYPE_DATE, 8, "18991231", ok);
    check(CRTK_TYPE_DATE, 8, "17991231", bad);
    check(CRTK_TYPE_DATE, 8, "21000101", bad);
    check(CRTK_TYPE_DATE, 8, "20241301", bad);
    check(CRTK_TYPE_DATE, 8, "20240132", bad);
    check(CRTK_TYPE_DATE, 8, "20240100", bad);
    check(CRTK_TYPE_DATE, 8, "2024011", bad);
    check(CRTK_TYPE_DATE, 8, "20240115 ", longv);
    check(CRTK_TYPE_DATE, 8, "2024  15", bad);
    check(CRTK_TYPE_DATETIME, 25, "2024", ok);
    check(CRTK_TYPE_DATETIME, 25, "2024-01", ok);
    check(CRTK_TYPE_DATETIME, 25, "2024-01-15", ok);
    check(CRTK_TYPE_DATETIME, 25, "2024-01-15T10:30:00Z", ok);
    check(CRTK_TYPE_DATETIME, 25, "2024-01-15T10:30:00-05:00", ok);
    check(CRTK_TYPE_DATETIME, 25, "2024-01-15T10:30:00+14:00", ok);
    check(CRTK_TYPE_DATETIME, 25, "2024-01-15T10:30:00+14:30", bad);
    check(CRTK_TYPE_DATETIME, 25, "2024-01-15T10:30:00", bad); /* a time needs its zone */
    check(CRTK_TYPE_DATETIME, 25, "2024-01-15T24:00:00Z", bad);
    check(CRTK_TYPE_DATETIME, 25, "2024-13-15", bad);
    check(CRTK_TYPE_DATETIME, 25, "0000-01-15", bad);
    check(CRTK_TYPE_DATETIME, 25, "20240115", bad);
    check(CRTK_TYPE_DATETIME, 25, "2024-01-15T10:30", bad);
    check(CRTK_TYPE_DATETIME, 25, "2024-01-15T10:30:00.5Z", bad);
    check(CRTK_TYPE_DATETIME, 20, "2024-01-15T10:30:00-05:00", longv);
    /* Texts allowed to be unlimited (specification 1.1-1.5). */
    crtk_item it = {.id = "x", .length = 2, .type = CRTK_TYPE_TEXT, .unlimited_text = true};
    crtk_problem_code code;
    g_assert_null(crtk_item_check_value(&it, "long text", 9, &code));
}

static void test_names(void)
{
    g_assert_cmpstr(crtk_level_name(CRTK_LEVEL_ROOT), ==, "NaaccrData");
    g_assert_cmpstr(crtk_level_name(CRTK_LEVEL_PATIENT), ==, "Patient");
    g_assert_cmpstr(crtk_level_name(CRTK_LEVEL_TUMOR), ==, "Tumor");
    g_assert_cmpstr(crtk_data_type_name(CRTK_TYPE_DATETIME), ==, "dateTime");
    g_assert_cmpstr(crtk_padding_name(CRTK_PAD_LEFT_ZERO), ==, "leftZero");
}

/* ---- user dictionaries ------------------------------------------------------------------ */

typedef struct {
    GPtrArray *messages; /* "LINE:COL item: message" */
    int errors;
} problems;

static int collect(const crtk_problem *p, void *user)
{
    problems *ps = user;
    if (p->severity != CRTK_SEVERITY_WARNING)
        ps->errors++;
    g_ptr_array_add(ps->messages, g_strdup_printf("%s%ld:%ld %s: %s", p->severity == CRTK_SEVERITY_WARNING ? "warning " : "",
                                                  p->line, p->column, p->item ? p->item : "-", p->message));
    return CRTK_CONTINUE;
}

static void problems_init(problems *ps)
{
    ps->messages = g_ptr_array_new_with_free_func(g_free);
    ps->errors = 0;
}

static gboolean has_message(problems *ps, const char *prefix, const char *words)
{
    for (guint i = 0; i < ps->messages->len; i++) {
        const char *m = g_ptr_array_index(ps->messages, i);
        if (g_str_has_prefix(m, prefix) && strstr(m, words))
            return TRUE;
    }
    for (guint i = 0; i < ps->messages->len; i++)
        g_test_message("problem: %s", (char *)g_ptr_array_index(ps->messages, i));
    return FALSE;
}

static void test_path_text_dictionary(void)
{
    const char *path = SHARED "/samples/user-dictionary/path-text-dictionary.xml";
    if (!shared_file(path))
        return;
    problems ps;
    problems_init(&ps);
    GError *error = NULL;
    crtk_user_dictionary *ud = crtk_user_dictionary_load(path, collect, &ps, &error);
    g_assert_no_error(error);
    g_assert_nonnull(ud);
    g_assert_cmpint(ps.errors, ==, 0);
    g_assert_cmpstr(crtk_user_dictionary_uri(ud), ==, "https://my.org/naaccrxml/path-text-dictionary.xml");
    g_assert_cmpint(crtk_user_dictionary_version(ud), ==, 0);
    g_assert_cmpint(crtk_user_dictionary_count(ud), ==, 11);
    int unlimited = 0;
    for (int i = 0; i < 11; i++) {
        const crtk_item *it = crtk_user_dictionary_item(ud, i);
        g_assert_cmpint(it->number, >=, 10000);
        g_assert_cmpint(it->number, <=, 10010);
        g_assert_cmpint(it->level, ==, CRTK_LEVEL_TUMOR);
        g_assert_true(it->user_defined);
        unlimited += it->unlimited_text;
    }
    g_assert_cmpint(unlimited, ==, 9);
    /* Version-independent: it adds to v18 (its sample's version) and to v25 alike. */
    for (int v = 180; v <= 250; v += 70) {
        crtk_dictionary *d = crtk_dictionary_new(v, NULL);
        int before = crtk_dictionary_count(d);
        g_assert_true(crtk_dictionary_add_user(d, ud, &error));
        g_assert_no_error(error);
        g_assert_cmpint(crtk_dictionary_count(d), ==, before + 11);
        g_assert_cmpstr(crtk_dictionary_user_uris(d), ==, "https://my.org/naaccrxml/path-text-dictionary.xml");
        const crtk_item *it = crtk_dictionary_find_number(d, 10000);
        g_assert_nonnull(it);
        g_assert_true(crtk_dictionary_find(d, it->id) == it);
        g_assert_true(it->user_defined);
        g_assert_cmpstr(it->source_uri, ==, "https://my.org/naaccrxml/path-text-dictionary.xml");
        /* Adding the same dictionary again changes nothing. */
        g_assert_true(crtk_dictionary_add_user(d, ud, &error));
        g_assert_cmpint(crtk_dictionary_count(d), ==, before + 11);
        crtk_dictionary_unref(d);
    }
    crtk_user_dictionary_free(ud);
    g_ptr_array_free(ps.messages, TRUE);
}

static void find_xml(const char *dir, GPtrArray *out)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d)
        return;
    const char *name;
    while ((name = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, name, NULL);
        if (g_file_test(p, G_FILE_TEST_IS_DIR))
            find_xml(p, out);
        else if (g_str_has_suffix(name, ".xml") || g_str_has_suffix(name, ".XML"))
            g_ptr_array_add(out, g_strdup(p));
        g_free(p);
    }
    g_dir_close(d);
}

static void test_state_registry_dictionaries(void)
{
    const char *zip = SHARED "/dictionaries/registry-user-dictionaries/user-defined-dictionaries-backup-20250221.zip";
    if (!shared_file(zip))
        return;
    char *unzip = tu_program("unzip", "opening the registry user dictionaries ZIP");
    if (!unzip)
        return;
    GError *error = NULL;
    char *tmp = tu_make_tmpdir("dict");
    const char *argv[] = {unzip, "-q", "-o", zip, "-d", tmp, NULL};
    int status;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    find_xml(tmp, files);
    g_assert_cmpuint(files->len, ==, 23);

    int loaded = 0, added = 0, items = 0;
    for (guint i = 0; i < files->len; i++) {
        const char *path = g_ptr_array_index(files, i);
        char *base = g_path_get_basename(path);
        problems ps;
        problems_init(&ps);
        crtk_user_dictionary *ud = crtk_user_dictionary_load(path, collect, &ps, &error);
        if (!strcmp(base, "KS NAACCR Dictionary_V25.xml")) {
            /* Kansas names items "StudyID1", "StudyDate1", ...: a naaccrId must start with a lower-case
               letter (the NAACCR XML standard; the NAACCR Java library refuses them too).  The problems
               name each item with its line. */
            g_assert_null(ud);
            g_assert_error(error, CRTK_ERROR, CRTK_ERROR_DATA);
            g_assert_true(has_message(&ps, "106:5 StudyID1:", "naaccrId must start with a lower-case letter"));
            g_assert_true(has_message(&ps, "113:5 StudyDate1:", "naaccrId must start with a lower-case letter"));
            g_clear_error(&error);
        } else {
            if (!ud)
                g_error("%s: %s", path, error->message);
            g_assert_cmpint(ps.errors, ==, 0);
            loaded++;
            int uv = crtk_user_dictionary_version(ud);
            g_assert_true(uv == 250 || uv == 0); /* some name no naaccrVersion */
            g_assert_cmpint(crtk_user_dictionary_count(ud), >, 0);
            crtk_dictionary *d = crtk_dictionary_new(250, NULL);
            int before = crtk_dictionary_count(d);
            if (crtk_dictionary_add_user(d, ud, &error)) {
                added++;
                items += crtk_user_dictionary_count(ud);
                g_assert_cmpint(crtk_dictionary_count(d), ==, before + crtk_user_dictionary_count(ud));
                for (int k = 0; k < crtk_user_dictionary_count(ud); k++) {
                    const crtk_item *u = crtk_user_dictionary_item(ud, k);
                    const crtk_item *it = crtk_dictionary_find(d, u->id);
                    g_assert_nonnull(it);
                    g_assert_true(crtk_dictionary_find_number(d, u->number) == it);
                    g_assert_cmpint(it->length, ==, u->length);
                    g_assert_cmpint(it->level, ==, u->level);
                    g_assert_cmpstr(it->source_uri, ==, crtk_user_dictionary_uri(ud));
                }
            } else {
                /* A clash must name the item. */
                gboolean named = FALSE;
                for (int k = 0; k < crtk_user_dictionary_count(ud); k++)
                    if (strstr(error->message, crtk_user_dictionary_item(ud, k)->id))
                        named = TRUE;
                if (!named)
                    g_error("%s: the clash does not name an item: %s", path, error->message);
                g_test_message("%s: %s", base, error->message);
                g_clear_error(&error);
            }
            crtk_dictionary_unref(d);
            crtk_user_dictionary_free(ud);
        }
        g_ptr_array_free(ps.messages, TRUE);
        g_free(base);
    }
    g_assert_cmpint(loaded, ==, 22);
    g_assert_cmpint(added, ==, 22);
    g_assert_cmpint(items, >, 400);
    g_ptr_array_free(files, TRUE);
    tu_remove_tree(tmp);
    g_assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));
    g_free(tmp);
    g_free(unzip);
}

/* Every built-in item is the official one: compare with the NAACCR dictionary XML in ../shared. */
static void test_same_as_official_xml(void)
{
    if (!shared_file(SHARED "/dictionaries/base"))
        return;
    for (guint k = 0; k < G_N_ELEMENTS(counts); k++) {
        int v = counts[k].version;
        crtk_dictionary *d = crtk_dictionary_new(v, NULL);
        for (int part = 0; part < 2; part++) {
            char *path = part == 0 ? g_strdup_printf(SHARED "/dictionaries/base/naaccr-dictionary-%d.xml", v)
                                   : g_strdup_printf(SHARED "/dictionaries/default-user/user-defined-naaccr-dictionary-%d.xml", v);
            if (part == 1 && !counts[k].default_user) {
                g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
                g_free(path);
                continue;
            }
            GError *error = NULL;
            crtk_user_dictionary *ud = crtk_user_dictionary_load(path, NULL, NULL, &error);
            g_assert_no_error(error);
            g_assert_cmpint(crtk_user_dictionary_version(ud), ==, v);
            g_assert_cmpint(crtk_user_dictionary_count(ud), ==, part == 0 ? counts[k].base : counts[k].default_user);
            for (int i = 0; i < crtk_user_dictionary_count(ud); i++) {
                const crtk_item *x = crtk_user_dictionary_item(ud, i);
                const crtk_item *it = crtk_dictionary_find(d, x->id);
                if (!it)
                    g_error("%s: item %s is not built in", path, x->id);
                g_assert_cmpint(it->number, ==, x->number);
                g_assert_cmpstr(it->name, ==, x->name);
                g_assert_cmpint(it->level, ==, x->level);
                g_assert_cmpint(it->length, ==, x->length);
                g_assert_cmpint(it->type, ==, x->type);
                g_assert_cmpint(it->padding, ==, x->padding);
                g_assert_cmpuint(it->record_types, ==, x->record_types);
                g_assert_cmpint(it->start_column, ==, x->start_column);
                g_assert_cmpint(it->trim_none, ==, x->trim_none);
                g_assert_cmpint(it->unlimited_text, ==, x->unlimited_text);
            }
            /* Loading the official dictionary as a user dictionary adds nothing: identical re-declarations. */
            if (part == 1) {
                int before = crtk_dictionary_count(d);
                g_assert_true(crtk_dictionary_has_uri(d, crtk_user_dictionary_uri(ud)));
                g_assert_true(crtk_dictionary_add_user(d, ud, &error));
                g_assert_cmpint(crtk_dictionary_count(d), ==, before);
            }
            crtk_user_dictionary_free(ud);
            g_free(path);
        }
        crtk_dictionary_unref(d);
    }
}

static const char bad_dictionary[] =
    "<?xml version=\"1.0\"?>\n"
    "<NaaccrDictionary dictionaryUri=\"urn:bad\" naaccrVersion=\"250\" specificationVersion=\"1.8\"\n"
    "                  xmlns=\"http://naaccr.org/naaccrxml\">\n"
    "  <ItemDefs>\n"
    "    <ItemDef naaccrId=\"stateA\" naaccrNum=\"9500\" parentXmlElement=\"Tumor\" length=\"5\"/>\n"     /* 5 */
    "    <ItemDef naaccrId=\"stateA\" naaccrNum=\"9501\" parentXmlElement=\"Tumor\" length=\"5\"/>\n"     /* 6: dup id */
    "    <ItemDef naaccrId=\"stateB\" naaccrNum=\"9502\" parentXmlElement=\"Tumor\" length=\"five\"/>\n"  /* 7 */
    "    <ItemDef naaccrId=\"stateC\" naaccrNum=\"9500\" parentXmlElement=\"Tumor\" length=\"1\"/>\n"     /* 8: dup num */
    "    <ItemDef naaccrId=\"stateD\" naaccrNum=\"9503\" parentXmlElement=\"Patient\" length=\"0\"/>\n"   /* 9 */
    "    <ItemDef naaccrId=\"stateE\" naaccrNum=\"9504\" parentXmlElement=\"Tumour\" length=\"1\"\n"
    "             dataType=\"number\" padding=\"left\" recordTypes=\"A,X\" colour=\"red\"/>\n"          /* 10-11 */
    "    <ItemDef naaccrId=\"1state\" naaccrNum=\"x\" parentXmlElement=\"Tumor\" length=\"1\"/>\n"        /* 12 */
    "  </ItemDefs>\n"
    "</NaaccrDictionary>\n";

static void test_bad_dictionary(void)
{
    problems ps;
    problems_init(&ps);
    GError *error = NULL;
    crtk_user_dictionary *ud =
        crtk_user_dictionary_parse(bad_dictionary, sizeof bad_dictionary - 1, "bad.xml", collect, &ps, &error);
    g_assert_null(ud);
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_DATA);
    g_assert_nonnull(strstr(error->message, "bad.xml: not a usable NAACCR dictionary"));
    g_clear_error(&error);
    g_assert_true(has_message(&ps, "6:5 stateA:", "defined twice"));
    g_assert_true(has_message(&ps, "7:5 stateB:", "length must be a positive whole number"));
    g_assert_true(has_message(&ps, "8:5 stateC:", "naaccrNum 9500 is used twice"));
    g_assert_true(has_message(&ps, "9:5 stateD:", "length must be a positive whole number"));
    g_assert_true(has_message(&ps, "10:5 stateE:", "parentXmlElement must be"));
    g_assert_true(has_message(&ps, "10:5 stateE:", "dataType number"));
    g_assert_true(has_message(&ps, "10:5 stateE:", "padding left"));
    g_assert_true(has_message(&ps, "10:5 stateE:", "recordTypes"));
    g_assert_true(has_message(&ps, "warning 11:65 -:", "colour is not part of the standard"));
    g_assert_true(has_message(&ps, "12:5 1state:", "naaccrId must start with a lower-case letter"));
    g_assert_true(has_message(&ps, "12:5 1state:", "naaccrNum must be a whole number"));
    g_assert_cmpint(ps.errors, ==, 10);
    g_ptr_array_free(ps.messages, TRUE);

    /* Not XML at all, not a dictionary, no URI. */
    static const struct { const char *xml, *problem; } cases[] = {
        {"<NaaccrDictionary", "1:1 -: unexpected end of file"},
        {"<NaaccrData xmlns=\"http://naaccr.org/naaccrxml\"/>", "1:1 -: the root element must be NaaccrDictionary"},
        {"<NaaccrDictionary xmlns=\"http://naaccr.org/naaccrxml\"><ItemDefs/></NaaccrDictionary>",
         "1:1 -: NaaccrDictionary must have a dictionaryUri"},
        {"<NaaccrDictionary dictionaryUri=\"u\" naaccrVersion=\"170\"/>", "1:1 -: naaccrVersion 170"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        problems_init(&ps);
        ud = crtk_user_dictionary_parse(cases[i].xml, strlen(cases[i].xml), "x.xml", collect, &ps, &error);
        g_assert_null(ud);
        g_assert_nonnull(error);
        g_clear_error(&error);
        g_assert_true(has_message(&ps, cases[i].problem, ""));
        g_ptr_array_free(ps.messages, TRUE);
    }
}

static void test_tolerant_layout(void)
{
    /* Any attribute order and spacing, no namespace (a warning), empty optional attributes
       (as in the Idaho registry's dictionary: dataType="" padding="" trim=""). */
    static const char xml[] =
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<NaaccrDictionary  specificationVersion = '1.8'\n naaccrVersion=\"250\" dictionaryUri=\" urn:ok \">\n"
        "<!-- a comment -->\n"
        "<ItemDefs>\n"
        "  <ItemDef length = \"1\" parentXmlElement=\"Tumor\" naaccrId=\"stateFlag\" naaccrNum=\"9600\"\n"
        "           recordTypes=\"A,M,C,I\" dataType=\"\" padding=\"\" trim=\"\" naaccrName=\"State Flag\"/>\n"
        "  <ItemDef naaccrId=\"stateText\" naaccrNum=\"9601\" parentXmlElement=\"Patient\" length=\"20\"\n"
        "           recordTypes=\" A, M \" dataType=\"text\" trim=\"none\" padding=\"rightBlank\"/>\n"
        "</ItemDefs>\n"
        "</NaaccrDictionary>\n";
    problems ps;
    problems_init(&ps);
    GError *error = NULL;
    crtk_user_dictionary *ud = crtk_user_dictionary_parse(xml, sizeof xml - 1, "ok.xml", collect, &ps, &error);
    g_assert_no_error(error);
    g_assert_nonnull(ud);
    g_assert_cmpint(ps.errors, ==, 0);
    g_assert_true(has_message(&ps, "warning 2:1 -:", "should be in the namespace"));
    g_assert_cmpstr(crtk_user_dictionary_uri(ud), ==, "urn:ok");
    g_assert_cmpint(crtk_user_dictionary_count(ud), ==, 2);
    const crtk_item *a = crtk_user_dictionary_item(ud, 0), *b = crtk_user_dictionary_item(ud, 1);
    g_assert_cmpstr(a->id, ==, "stateFlag");
    g_assert_cmpstr(a->name, ==, "State Flag");
    g_assert_cmpint(a->type, ==, CRTK_TYPE_TEXT);
    g_assert_cmpint(a->padding, ==, CRTK_PAD_NONE);
    g_assert_false(a->trim_none);
    g_assert_cmpstr(b->name, ==, "stateText"); /* no naaccrName: the id */
    g_assert_cmpint(b->level, ==, CRTK_LEVEL_PATIENT);
    g_assert_cmpuint(b->record_types, ==, CRTK_RT_A | CRTK_RT_M);
    g_assert_true(b->trim_none);
    g_assert_cmpint(b->padding, ==, CRTK_PAD_RIGHT_BLANK);
    crtk_user_dictionary_free(ud);
    g_ptr_array_free(ps.messages, TRUE);
}

static void test_add_user_clashes(void)
{
    static const char clash_id[] =
        "<NaaccrDictionary dictionaryUri=\"urn:c1\" specificationVersion=\"1.8\" xmlns=\"http://naaccr.org/naaccrxml\">"
        "<ItemDefs><ItemDef naaccrId=\"primarySite\" naaccrNum=\"9700\" parentXmlElement=\"Tumor\" length=\"4\"/>"
        "</ItemDefs></NaaccrDictionary>";
    static const char clash_number[] =
        "<NaaccrDictionary dictionaryUri=\"urn:c2\" specificationVersion=\"1.8\" xmlns=\"http://naaccr.org/naaccrxml\">"
        "<ItemDefs><ItemDef naaccrId=\"myStateItem\" naaccrNum=\"400\" parentXmlElement=\"Tumor\" length=\"4\"/>"
        "</ItemDefs></NaaccrDictionary>";
    static const char with_column[] =
        "<NaaccrDictionary dictionaryUri=\"urn:c3\" specificationVersion=\"1.8\" xmlns=\"http://naaccr.org/naaccrxml\">"
        "<ItemDefs><ItemDef naaccrId=\"myColumnItem\" naaccrNum=\"9800\" parentXmlElement=\"Tumor\" length=\"4\" "
        "startColumn=\"2340\"/></ItemDefs></NaaccrDictionary>";
    static const char other_version[] =
        "<NaaccrDictionary dictionaryUri=\"urn:c4\" naaccrVersion=\"240\" xmlns=\"http://naaccr.org/naaccrxml\">"
        "<ItemDefs><ItemDef naaccrId=\"myItem\" naaccrNum=\"9900\" parentXmlElement=\"Tumor\" length=\"4\"/>"
        "</ItemDefs></NaaccrDictionary>";
    static const struct { const char *xml; const char *words; } cases[] = {
        {clash_id, "item primarySite is already defined by http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml"},
        {clash_number, "item number 400 of myStateItem is already used by primarySite"},
        {with_column, "item myColumnItem has a startColumn, which NAACCR 250 does not allow"},
        {other_version, "is for NAACCR version 240, but the data is version 250"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *error = NULL;
        crtk_user_dictionary *ud = crtk_user_dictionary_parse(cases[i].xml, strlen(cases[i].xml), "c.xml", NULL, NULL, &error);
        g_assert_no_error(error);
        crtk_dictionary *d = crtk_dictionary_new(250, NULL);
        int before = crtk_dictionary_count(d);
        g_assert_false(crtk_dictionary_add_user(d, ud, &error));
        g_assert_error(error, CRTK_ERROR, CRTK_ERROR_DATA);
        if (!strstr(error->message, cases[i].words))
            g_error("\"%s\" does not contain \"%s\"", error->message, cases[i].words);
        g_clear_error(&error);
        /* Nothing was added. */
        g_assert_cmpint(crtk_dictionary_count(d), ==, before);
        g_assert_null(crtk_dictionary_user_uris(d));
        crtk_dictionary_unref(d);
        crtk_user_dictionary_free(ud);
    }
    /* A startColumn is fine up to version 18. */
    GError *error = NULL;
    crtk_user_dictionary *ud = crtk_user_dictionary_parse(with_column, strlen(with_column), "c.xml", NULL, NULL, &error);
    crtk_dictionary *d = crtk_dictionary_new(180, NULL);
    g_assert_true(crtk_dictionary_add_user(d, ud, &error));
    g_assert_no_error(error);
    g_assert_cmpint(crtk_dictionary_find(d, "myColumnItem")->start_column, ==, 2340);
    crtk_dictionary_unref(d);
    crtk_user_dictionary_free(ud);
}

int main(int argc, char **argv)
{
    tu_init(&argc, &argv);
    g_test_add_func("/dictionary/versions-and-counts", test_versions_and_counts);
    g_test_add_func("/dictionary/data-type-counts", test_data_type_counts);
    g_test_add_func("/dictionary/unknown-version", test_unknown_version);
    g_test_add_func("/dictionary/version-names", test_version_names);
    g_test_add_func("/dictionary/lookups", test_lookups);
    g_test_add_func("/dictionary/flat-lengths", test_flat_lengths);
    g_test_add_func("/dictionary/value-checks", test_value_checks);
    g_test_add_func("/dictionary/names", test_names);
    g_test_add_func("/dictionary/same-as-official-xml", test_same_as_official_xml);
    g_test_add_func("/dictionary/path-text-dictionary", test_path_text_dictionary);
    g_test_add_func("/dictionary/state-registry-dictionaries", test_state_registry_dictionaries);
    g_test_add_func("/dictionary/bad-dictionary", test_bad_dictionary);
    g_test_add_func("/dictionary/tolerant-layout", test_tolerant_layout);
    g_test_add_func("/dictionary/add-user-clashes", test_add_user_clashes);
    return tu_finish(g_test_run());
}
