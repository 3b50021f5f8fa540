/* cmd_codes_schema.c — `crtk codes ITEM` in a context: the codes of a staging schema's input
 * (--schema), of the site-specific surgery table (--site/--histology/--year), or both taken from a
 * stored tumor (--store DB --tumor PATIENT/TUMOR), each code with its meaning from SEER's data.
 */
#include "commands.h"
#include "crtk/case_entry.h"
#include "crtk/dictionary.h"
#include "crtk/json.h"
#include "crtk/staging.h"
#include "crtk/store.h"
#include "crtk/surgery.h"

#include <stdlib.h>
#include <string.h>

/* A meaning of several lines: continuation lines indented under the first. */
static void print_text_code(const char *code, const char *meaning, const char *mark)
{
    char *m = g_strstrip(g_strdup(meaning ? meaning : ""));
    GString *t = g_string_new(NULL);
    for (const char *p = m; *p; p++) {
        if (*p == '\n') {
            while (p[1] == '\n')
                p++;
            g_string_append(t, "\n           ");
        } else
            g_string_append_c(t, *p);
    }
    printf("%s%-8s %s\n", mark, *code ? code : "(blank)", t->str);
    g_string_free(t, TRUE);
    g_free(m);
}

static void print_json_code(const char *item, const char *field, const char *ctx, const char *code, const char *meaning)
{
    GString *s = g_string_new("{");
    crtk_json_field_str(s, "item", item, TRUE);
    crtk_json_field_str(s, field, ctx, FALSE);
    crtk_json_field_str(s, "code", code, FALSE);
    if (meaning)
        crtk_json_field_str(s, "label", meaning, FALSE);
    g_string_append_c(s, '}');
    puts(s->str);
    g_string_free(s, TRUE);
}

/* The naaccrId of ITEM when it is an item number or a naaccrId in other case; else ITEM. */
static char *item_id(const char *item)
{
    crtk_dictionary *d = crtk_dictionary_new(CRTK_NAACCR_CURRENT_VERSION, NULL);
    const crtk_item *it = d ? crtk_dictionary_lookup(d, item) : NULL;
    char *id = g_strdup(it ? it->id : item);
    if (d)
        crtk_dictionary_unref(d);
    return id;
}

/* The codes of a schema's input with their meanings; VALUE (a tumor's, or NULL) is shown first. */
static int schema_codes(const char *item, const crtk_staging *alg, int si, gboolean json, const char *value)
{
    const char *key = crtk_staging_schema_input(alg, si, item);
    const char *sid = crtk_staging_schema_id(alg, (guint)si), *sname = crtk_staging_schema_name(alg, (guint)si);
    if (!key) {
        crtk_cli_error("codes: schema %s (%s) has no input %s", sid, sname, item);
        return EXIT_DATA;
    }
    GArray *codes = crtk_staging_input_codes(alg, si, key);
    if (!codes) {
        crtk_cli_error("codes: input %s of schema %s has no code table", item, sid);
        return EXIT_DATA;
    }
    const char *naaccr = NULL;
    crtk_staging_input_info(alg, si, key, NULL, NULL, &naaccr);
    if (!json) {
        printf("# %s for schema %s (%s), %s %s\n", naaccr ? naaccr : key, sid, sname, crtk_staging_algorithm(alg),
               crtk_staging_version(alg));
        if (value) {
            const char *m = crtk_staging_input_meaning(alg, si, key, value);
            printf("# the tumor's value: \"%s\" %s\n", value, m ? "(a code of this schema)" : "(NOT a code of this schema)");
        }
    }
    for (guint i = 0; i < codes->len; i++) {
        const crtk_staging_code *c = &g_array_index(codes, crtk_staging_code, i);
        if (json)
            print_json_code(naaccr ? naaccr : key, "schema", sid, c->code, c->meaning);
        else
            print_text_code(c->code, c->meaning, "");
    }
    int rc = codes->len ? EXIT_OK : EXIT_DATA;
    g_array_unref(codes);
    return rc;
}

/* The site-specific surgery codes for a site/histology/diagnosis year. */
static int surgery_codes(const char *item, const char *site, const char *hist, int year, gboolean json,
                         const char *value)
{
    gboolean four = !strcmp(item, "rxSummSurgPrimSite2023");
    if (!site || !year) {
        crtk_cli_error("codes: %s needs --site and --year (or --store and --tumor)", item);
        return EXIT_USAGE;
    }
    if (four ? year < 2023 : year >= 2023) {
        crtk_cli_error("codes: %s is coded for diagnoses %s; use %s for %d", item, four ? "from 2023" : "to 2022",
                       four ? "rxSummSurgPrimSite" : "rxSummSurgPrimSite2023", year);
        return EXIT_USAGE;
    }
    const crtk_surgery_code *codes = NULL;
    int n = 0;
    const char *title = crtk_surgery_table(site, hist, year, &codes, &n);
    if (!title) {
        crtk_cli_error("codes: no site-specific surgery table for site %s%s%s in %d", site, hist ? ", histology " : "",
                       hist ? hist : "", year);
        return EXIT_DATA;
    }
    if (!json) {
        printf("# %s: the %s table of the %d coding manual (site %s)\n", item, title, crtk_surgery_manual_year(year),
               site);
        if (value)
            printf("# the tumor's value: \"%s\" %s\n", value,
                   crtk_surgery_meaning(site, hist, year, value) ? "(a code of this table)" : "(NOT a code of this table)");
    }
    for (int i = 0; i < n; i++) {
        if (json)
            print_json_code(item, "table", title, codes[i].code, codes[i].meaning);
        else
            print_text_code(codes[i].code, codes[i].meaning, codes[i].level > 0 ? "  " : "");
    }
    return EXIT_OK;
}

typedef struct {
    const crtk_record *rec;
    int tumor;
} tumor_ref;

/* crtk_stage_item_fn over a tumor of a record */
static const char *tumor_item(const char *naaccr_id, void *user)
{
    const tumor_ref *t = user;
    return crtk_record_tumor_item(t->rec, t->tumor, naaccr_id);
}

int crtk_cli_codes_in_context(const char *item_arg, const crtk_cli_codes_context *c, gboolean json)
{
    char *item = item_id(item_arg);
    gboolean surgery = !strcmp(item, "rxSummSurgPrimSite") || !strcmp(item, "rxSummSurgPrimSite2023");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    crtk_case_ref ref = {0};
    char *site = g_strdup(c->site), *hist = g_strdup(c->histology), *value = NULL;
    int year = c->year;
    const crtk_staging *alg = NULL;
    int si = -1;
    GError *error = NULL;
    if (!surgery || c->schema) {
        alg = crtk_staging_get(c->algorithm ? c->algorithm : "eod", &error);
        if (!alg) {
            crtk_cli_error("codes: %s", error->message);
            g_error_free(error);
            rc = EXIT_USAGE;
            goto out;
        }
    }
    if (c->tumor || c->store) {
        if (!c->tumor || !c->store) {
            crtk_cli_error("codes: --tumor and --store go together");
            rc = EXIT_USAGE;
            goto out;
        }
        s = crtk_cli_open_store(c->store, TRUE, NULL, "codes");
        if (!s) {
            rc = EXIT_USAGE;
            goto out;
        }
        if (!crtk_case_resolve(s, c->tumor, &ref, &error)) {
            crtk_cli_error("codes: %s", error->message);
            g_error_free(error);
            rc = EXIT_DATA;
            goto out;
        }
        const crtk_record *r = ref.stored->record;
        int t = ref.tumor_no ? ref.tumor_no - 1 : 0;
        if (t >= r->n_tumors || (!ref.tumor_no && r->n_tumors != 1)) {
            crtk_cli_error("codes: name one tumor: PATIENT/TUMOR (the patient has %d)", r->n_tumors);
            rc = EXIT_USAGE;
            goto out;
        }
        tumor_ref tr = {r, t};
        const char *v;
        if (!site && (v = tumor_item("primarySite", &tr)))
            site = g_strdup(v);
        if (!hist && (v = tumor_item("histologicTypeIcdO3", &tr)))
            hist = g_strdup(v);
        if (!year && (v = tumor_item("dateOfDiagnosis", &tr)) && strlen(v) >= 4) {
            char y[5];
            g_strlcpy(y, v, sizeof y);
            year = atoi(y);
        }
        if ((v = tumor_item(item, &tr)))
            value = g_strdup(v);
        if (!surgery && !c->schema) {
            si = crtk_staging_schema_of_items(alg, tumor_item, &tr);
            if (si < 0) {
                crtk_cli_error("codes: tumor %s: no single %s schema for its site, histology and discriminators",
                               c->tumor, crtk_staging_algorithm(alg));
                rc = EXIT_DATA;
                goto out;
            }
        }
    }
    if (surgery) {
        rc = surgery_codes(item, site, hist, year, json, value);
        goto out;
    }
    if (c->schema) {
        si = crtk_staging_find_schema_any(alg, c->schema);
        if (si < 0) {
            crtk_cli_error("codes: no schema \"%s\" in %s %s", c->schema, crtk_staging_algorithm(alg),
                           crtk_staging_version(alg));
            rc = EXIT_USAGE;
            goto out;
        }
    }
    if (si < 0) {
        crtk_cli_error("codes: %s: give --schema (or --store and --tumor)", item);
        rc = EXIT_USAGE;
        goto out;
    }
    rc = schema_codes(item, alg, si, json, value);
out:
    crtk_case_ref_clear(&ref);
    if (s)
        crtk_store_close(s);
    g_free(item);
    g_free(site);
    g_free(hist);
    g_free(value);
    return rc;
}
