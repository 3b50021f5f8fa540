/* cmd_codes.c — `crtk codes ITEM [SEARCH]`: the codes of a coded item, or those matching words.
 *
 * ITEM is a naaccrId (primarySite, histologicTypeIcdO3, laterality, sex, ...), an item number of
 * the current NAACCR dictionary, or one of topography / morphology.  Without SEARCH every code is
 * listed; with SEARCH the codes that start with it or whose label holds all its words.  Without
 * ITEM the items that have code lists are listed.  Exit 0 when something is shown, 1 when nothing
 * matches, 2 on usage errors.
 */
#include "commands.h"
#include "crtk/codes.h"
#include "crtk/dictionary.h"
#include "crtk/json.h"

#include <string.h>

static void print_code(const char *item, const crtk_code *c, gboolean json, gboolean morph)
{
    const crtk_morphology *m = NULL;
    if (morph) {
        int h = 0, b = 0;
        if (sscanf(c->code, "%4d/%1d", &h, &b) == 2)
            m = crtk_morphology_find(h, b);
    }
    if (json) {
        GString *s = g_string_new("{");
        crtk_json_field_str(s, "item", item, TRUE);
        crtk_json_field_str(s, "code", c->code, FALSE);
        crtk_json_field_str(s, "label", c->label, FALSE);
        if (m) {
            if (m->valid_from)
                crtk_json_field_int(s, "validFrom", m->valid_from, FALSE);
            if (m->valid_to)
                crtk_json_field_int(s, "validTo", m->valid_to, FALSE);
            if (m->reportable == CRTK_REPORTABLE_NEVER)
                crtk_json_field_str(s, "reportable", "no", FALSE);
            else if (m->reportable == CRTK_REPORTABLE_YEARS) {
                char buf[32];
                g_snprintf(buf, sizeof buf, "%d-%d", m->reportable_from, m->reportable_to);
                if (!m->reportable_to)
                    g_snprintf(buf, sizeof buf, "%d-", m->reportable_from);
                crtk_json_field_str(s, "reportable", buf, FALSE);
            }
        }
        g_string_append_c(s, '}');
        puts(s->str);
        g_string_free(s, TRUE);
    } else {
        printf("%-8s %s\n", c->code, c->label);
    }
}

/* A county item (countyAtDx, countyCurrent, ...): its codes are 3-digit FIPS codes of many states. */
static gboolean is_county_item(const char *item)
{
    const char *label = g_str_has_prefix(item, "county") ? crtk_code_label(item, "001") : NULL;
    return label && g_str_has_prefix(label, "county of ");
}

/* TRUE when every word of words (lower case) is in text, case-insensitive. */
static gboolean has_words(const char *text, char **words)
{
    char *t = g_utf8_strdown(text, -1);
    gboolean all = TRUE;
    for (char **w = words; *w && all; w++)
        all = !**w || strstr(t, *w) != NULL;
    g_free(t);
    return all;
}

/* The counties of a county item by name: those of STATE (NULL: of every state) whose code starts
 * with SEARCH or whose "name, ST" holds every word of it (NULL: all); then the item's special codes
 * (998, 999) that match.  Returns how many were printed. */
static int print_counties(const char *item, const char *state, const char *search, gboolean json)
{
    size_t n = 0;
    const crtk_county *all = crtk_counties(&n);
    char *low = search ? g_utf8_strdown(search, -1) : NULL;
    char **words = low ? g_strsplit_set(low, " ,", -1) : NULL;
    gboolean digits = search && *search && strspn(search, "0123456789") == strlen(search);
    int shown = 0;
    for (size_t i = 0; i < n; i++) {
        const crtk_county *c = &all[i];
        if (state && g_ascii_strcasecmp(state, c->state))
            continue;
        char *place = g_strdup_printf("%s, %s", c->name, c->state);
        gboolean match = !search || (digits ? g_str_has_prefix(c->county, search) : has_words(place, words));
        if (match) {
            shown++;
            if (json) {
                GString *s = g_string_new("{");
                crtk_json_field_str(s, "item", item, TRUE);
                crtk_json_field_str(s, "code", c->county, FALSE);
                crtk_json_field_str(s, "label", c->name, FALSE);
                crtk_json_field_str(s, "state", c->state, FALSE);
                g_string_append_c(s, '}');
                puts(s->str);
                g_string_free(s, TRUE);
            } else {
                printf("%-8s %s\n", c->county, place);
            }
        }
        g_free(place);
    }
    /* the codes that name no county (the words of case show, registry/store/case_view.c) */
    static const crtk_code special[] = {{"998", "residence outside the reporting state, county not known", NULL},
                                        {"999", "county unknown", NULL}};
    for (size_t i = 0; i < G_N_ELEMENTS(special); i++)
        if (!search || (digits ? g_str_has_prefix(special[i].code, search) : has_words(special[i].label, words))) {
            print_code(item, &special[i], json, FALSE);
            shown++;
        }
    g_strfreev(words);
    g_free(low);
    return shown;
}

static const char *canonical_item(const char *arg)
{
    if (crtk_code_table_get(arg))
        return arg;
    /* an item number, or a naaccrId spelled with other case */
    static char found[128];
    crtk_dictionary *d = crtk_dictionary_new(CRTK_NAACCR_CURRENT_VERSION, NULL);
    const char *res = NULL;
    if (d) {
        const crtk_item *it = crtk_dictionary_lookup(d, arg);
        if (it && crtk_code_table_get(it->id)) {
            g_strlcpy(found, it->id, sizeof found);
            res = found;
        }
        crtk_dictionary_unref(d);
    }
    if (!res) {
        int n = 0;
        const char *const *items = crtk_code_items(&n);
        for (int i = 0; i < n; i++)
            if (!g_ascii_strcasecmp(items[i], arg))
                res = items[i];
    }
    return res;
}

int cmd_codes(int argc, char **argv)
{
    char *format = NULL, *schema = NULL, *algorithm = NULL, *site = NULL, *hist = NULL, *store = NULL, *tumor = NULL;
    char *state = NULL;
    int year = 0;
    GOptionEntry entries[] = {
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "output: text (default) or json (JSON Lines)", "FMT"},
        {"schema", 0, 0, G_OPTION_ARG_STRING, &schema,
         "the codes of ITEM (SSDI, grade, EOD, Summary Stage 2018) for this staging schema (id or name)", "SCHEMA"},
        {"algorithm", 0, 0, G_OPTION_ARG_STRING, &algorithm, "with --schema: eod (default), tnm or pediatric", "ALG"},
        {"site", 0, 0, G_OPTION_ARG_STRING, &site, "surgery codes: the primary site (C504) whose table applies", "SITE"},
        {"histology", 0, 0, G_OPTION_ARG_STRING, &hist, "surgery codes: the histology (4 digits), for tables that depend on it", "HIST"},
        {"year", 0, 0, G_OPTION_ARG_INT, &year, "surgery codes: the diagnosis year (chooses the coding manual)", "YEAR"},
        {"store", 0, 0, G_OPTION_ARG_STRING, &store, "with --tumor: the registry database", "DB"},
        {"tumor", 0, 0, G_OPTION_ARG_STRING, &tumor, "the codes for this tumor's schema or site table: PATIENT/TUMOR of --store", "P/T"},
        {"state", 0, 0, G_OPTION_ARG_STRING, &state, "county items: the counties of this state (USPS code), with their names", "ST"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("[ITEM [SEARCH...]] - look up the codes of a coded item");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "ITEM is a naaccrId (primarySite, histologicTypeIcdO3, laterality, sex, race1, ...), an item\n"
        "number, or topography / morphology (histology/behavior codes with their year notes).\n"
        "Without SEARCH all codes are listed; with SEARCH the codes that start with it (C50.1 finds\n"
        "C501) or whose label holds every word of it, case-insensitive.  Without ITEM the items that\n"
        "have code lists are listed.\n"
        "With --schema, ITEM is an input of a SEER staging schema and its codes and meanings are those\n"
        "of the schema's table: crtk codes estrogenReceptorSummary --schema breast.  Surgery of the\n"
        "primary site: crtk codes rxSummSurgPrimSite2023 --site C504 --year 2024.  Or from a stored\n"
        "tumor: crtk codes gradeClinical --store DB --tumor 00000001/1.\n"
        "County items (countyAtDx, countyCurrent, ...) list counties by name: crtk codes countyCurrent\n"
        "--state MD, or crtk codes countyAtDx prince george (every state), or crtk codes countyAtDx 033.\n"
        "Examples: crtk codes primarySite breast; crtk codes morphology 8140; crtk codes laterality\n"
        "Exit status: 0 codes shown, 1 nothing matches, 2 usage error.");
    int rc = EXIT_OK;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    gboolean json = format && !strcmp(format, "json");
    if (format && !json && strcmp(format, "text")) {
        crtk_cli_error("codes: --format must be text or json");
        rc = EXIT_USAGE;
        goto out;
    }
    if (schema || site || tumor || store || year || hist) {
        crtk_cli_codes_context ctxt = {schema, algorithm, site, hist, year, store, tumor};
        if (argc != 2) {
            crtk_cli_error("codes: --schema, --site or --tumor needs one ITEM");
            rc = EXIT_USAGE;
        } else
            rc = crtk_cli_codes_in_context(argv[1], &ctxt, json);
        goto out;
    }
    if (argc < 2) {
        int n = 0;
        const char *const *items = crtk_code_items(&n);
        for (int i = 0; i < n; i++) {
            int count = 0;
            crtk_code_list(items[i], &count);
            if (json) {
                GString *s = g_string_new("{");
                crtk_json_field_str(s, "item", items[i], TRUE);
                crtk_json_field_int(s, "codes", count, FALSE);
                g_string_append_c(s, '}');
                puts(s->str);
                g_string_free(s, TRUE);
            } else {
                printf("%-32s %d code%s\n", items[i], count, count == 1 ? "" : "s");
            }
        }
        goto out;
    }
    const char *item = canonical_item(argv[1]);
    if (!item) {
        crtk_cli_error("codes: no code list for \"%s\" (crtk codes without arguments lists the items that have one)",
                       argv[1]);
        rc = EXIT_USAGE;
        goto out;
    }
    if (state && !is_county_item(item)) {
        crtk_cli_error("codes: --state goes with a county item (countyAtDx, countyCurrent, ...), not %s", item);
        rc = EXIT_USAGE;
        goto out;
    }
    for (char *c = state; c && *c; c++)
        *c = g_ascii_toupper(*c);
    if (state && !crtk_state_has_counties(state, strlen(state))) {
        crtk_cli_error("codes: --state %s: not a state with counties (a USPS code: MD, PR, DC, ...)", state);
        rc = EXIT_USAGE;
        goto out;
    }
    if (is_county_item(item) && (state || argc > 2)) {
        char *text = argc > 2 ? g_strjoinv(" ", argv + 2) : NULL;
        if (!print_counties(item, state, text, json)) {
            fprintf(stderr, "crtk: codes: no county%s%s matches\n", state ? " of " : "", state ? state : "");
            rc = EXIT_DATA;
        }
        g_free(text);
        goto out;
    }
    gboolean morph = !strcmp(item, "morphology");
    GPtrArray *hits;
    if (argc > 2) {
        char *text = g_strjoinv(" ", argv + 2);
        hits = crtk_code_search(item, text);
        g_free(text);
    } else {
        int n = 0;
        const crtk_code *all = crtk_code_list(item, &n);
        hits = g_ptr_array_new();
        for (int i = 0; i < n; i++)
            g_ptr_array_add(hits, (gpointer)&all[i]);
    }
    for (guint i = 0; i < hits->len; i++)
        print_code(item, hits->pdata[i], json, morph);
    if (!hits->len) {
        fprintf(stderr, "crtk: codes: no code of %s matches\n", item);
        rc = EXIT_DATA;
    }
    g_ptr_array_free(hits, TRUE);
out:
    g_free(format);
    g_free(schema);
    g_free(algorithm);
    g_free(site);
    g_free(hist);
    g_free(store);
    g_free(tumor);
    g_free(state);
    g_option_context_free(ctx);
    return rc;
}
