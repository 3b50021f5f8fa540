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
    g_option_context_free(ctx);
    return rc;
}
