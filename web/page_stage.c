/* page_stage.c — which stage items the abstract form shows for a tumor: the staging engine
 * (crtk/staging.h) picks the tumor's schema (EOD from 2018, TNM 2016-2017, CS 2004-2015, by the
 * year of diagnosis; EOD when it is unknown) from its site, histology and discriminators, and the
 * schema's inputs — its SSDIs, grades and EOD items — and outputs are what applies.  In the stage
 * sections, an item that is a staging item of any algorithm but neither an input nor an output of
 * this schema, and has no value, goes in a collapsed "not used by this schema" list. */
#include "crtk/staging.h"
#include "case_view.h"
#include "web.h"

#include <stdlib.h>
#include <string.h>

struct crtk_web_schema {
    char *label;              /* "Breast (breast), EOD 3.3" */
    GHashTable *applies;      /* naaccrIds: the schema's inputs and outputs */
    GHashTable *staging;      /* naaccrIds: every staging item of eod, tnm and cs */
};

typedef struct {
    const crtk_record *rec;
    int t;
} getter;

static const char *get_item(const char *id, void *user)
{
    getter *g = user;
    const crtk_item *it = crtk_dictionary_find(g->rec->dict, id);
    if (!it)
        return NULL;
    const crtk_element *e = it->level == CRTK_LEVEL_PATIENT ? &g->rec->patient : &g->rec->tumors[g->t];
    return crtk_element_get(e, it->index, NULL);
}

static const char *const algorithms[] = {"eod", "tnm", "cs"};

static gpointer preload(gpointer unused)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(algorithms); i++)
        crtk_staging_get(algorithms[i], NULL); /* kept for the process; crtk_staging_get takes a lock */
    return unused;
}

void crtk_web_schema_preload(void)
{
    g_thread_unref(g_thread_new("crtk-staging-preload", preload, NULL));
}

static void add_keys(GHashTable *set, const crtk_staging *alg)
{
    const GPtrArray *keys = crtk_staging_naaccr_keys(alg);
    for (guint i = 0; keys && i < keys->len; i++) {
        const char *id = crtk_staging_key_naaccr_id(alg, keys->pdata[i]);
        if (id)
            g_hash_table_add(set, g_strdup(id));
    }
}

crtk_web_schema *crtk_web_schema_for(const crtk_record *rec, int t)
{
    if (t < 0 || t >= rec->n_tumors)
        return NULL;
    const char *dx = crtk_element_get_id(&rec->tumors[t], rec->dict, "dateOfDiagnosis");
    char year[5] = {0};
    if (dx)
        g_strlcpy(year, dx, sizeof year);
    const char *name = atoi(year) ? crtk_staging_algorithm_for_year(atoi(year)) : "eod";
    const crtk_staging *alg = name ? crtk_staging_get(name, NULL) : NULL;
    if (!alg)
        return NULL;
    crtk_stage_run *run = crtk_stage_run_new(alg);
    getter g = {rec, t};
    crtk_stage_run_stage_items(run, get_item, &g);
    int si = crtk_stage_run_schema(run);
    crtk_web_schema *sc = NULL;
    if (si >= 0) {
        sc = g_new0(crtk_web_schema, 1);
        const char *sid = crtk_staging_schema_id(alg, (guint)si);
        sc->label = g_strdup_printf("%s (%s), %s %s", crtk_staging_schema_name(alg, (guint)si), sid,
                                    crtk_staging_algorithm(alg), crtk_staging_version(alg));
        sc->applies = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        sc->staging = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        const GPtrArray *keys = crtk_staging_naaccr_keys(alg);
        for (guint i = 0; keys && i < keys->len; i++) {
            const char *id = crtk_staging_key_naaccr_id(alg, keys->pdata[i]);
            if (id && crtk_staging_input_used_for_staging(alg, sid, keys->pdata[i]) >= 0)
                g_hash_table_add(sc->applies, g_strdup(id));
        }
        for (guint i = 0; i < crtk_stage_run_output_count(run); i++) {
            const char *v, *k = crtk_stage_run_output(run, i, &v);
            const char *id = crtk_staging_key_naaccr_id(alg, k);
            if (id)
                g_hash_table_add(sc->applies, g_strdup(id));
        }
        for (unsigned i = 0; i < G_N_ELEMENTS(algorithms); i++) {
            const crtk_staging *a = crtk_staging_get(algorithms[i], NULL);
            if (a)
                add_keys(sc->staging, a);
        }
    }
    crtk_stage_run_free(run);
    return sc;
}

const char *crtk_web_schema_label(const crtk_web_schema *sc)
{
    return sc ? sc->label : NULL;
}

gboolean crtk_web_schema_hides(const crtk_web_schema *sc, const crtk_item *it, const char *value)
{
    if (!sc || (value && *value) || !g_str_has_prefix(crtk_item_section(it), "Stage and prognostic factors"))
        return FALSE;
    if (g_hash_table_contains(sc->applies, it->id))
        return FALSE;
    return g_hash_table_contains(sc->staging, it->id) || (it->number >= 3800 && it->number <= 3999);
}

void crtk_web_schema_free(crtk_web_schema *sc)
{
    if (!sc)
        return;
    g_free(sc->label);
    g_hash_table_destroy(sc->applies);
    g_hash_table_destroy(sc->staging);
    g_free(sc);
}
