/* staging_case.c — staging a tumor from its NAACCR items: which algorithm a diagnosis year uses, and
 * the mapping between NAACCR items and algorithm keys (naaccr_xml_id in SEER's JSON).
 *
 * A record holds every item, but the reference engine refuses keys a schema does not define
 * (UNKNOWN_INPUT).  So a tumor is staged in two steps: schema selection with every mapped item,
 * then the run with only the inputs of the schema found.
 */
#include "staging_private.h"

#include <string.h>

const char *crtk_staging_algorithm_for_year(int year)
{
    if (year >= 2018)
        return "eod";
    if (year >= 2016)
        return "tnm";
    if (year >= 2004)
        return "cs";
    return NULL;
}

static const char *item_value(const crtk_staging *alg, int k, crtk_stage_item_fn get, void *user, char *buf,
                              gsize buflen)
{
    const char *id = g_hash_table_lookup(alg->naaccr_of_key, alg->key_names->pdata[k]);
    if (!id)
        return NULL;
    const char *v = get(id, user);
    if (!v || !*v)
        return NULL;
    if (k == alg->key_year) { /* year_dx: the year of dateOfDiagnosis */
        g_strlcpy(buf, v, MIN(buflen, 5));
        return buf;
    }
    return v;
}

crtk_stage_result crtk_stage_run_stage_items(crtk_stage_run *run, crtk_stage_item_fn get, void *user)
{
    const crtk_staging *alg = crtk_stage_run_algorithm(run);
    char buf[8];
    crtk_stage_run_reset(run);
    for (int k = 0; k < alg->nkeys; k++) {
        if (!alg->is_input[k])
            continue;
        const char *v = item_value(alg, k, get, user, buf, sizeof buf);
        if (v)
            crtk_stage_run_set(run, alg->key_names->pdata[k], v);
    }
    if (crtk_stage_run_lookup(run) == 1) {
        const st_schema *s = alg->schemas->pdata[crtk_stage_run_candidate(run, 0)];
        crtk_stage_run_reset(run);
        for (int i = 0; i < s->ninputs; i++) {
            int k = s->inputs[i].key;
            const char *v = item_value(alg, k, get, user, buf, sizeof buf);
            if (v)
                crtk_stage_run_set(run, alg->key_names->pdata[k], v);
        }
    }
    return crtk_stage_run_stage(run);
}

/* ---- bulk staging: items mapped to columns once ---------------------------------- */

struct crtk_stage_item_map {
    const crtk_staging *alg;
    int *col; /* per key: the column holding its NAACCR item, or -1 */
};

crtk_stage_item_map *crtk_stage_item_map_new(const crtk_staging *alg, const char *const *naaccr_ids, int n)
{
    crtk_stage_item_map *m = g_new0(crtk_stage_item_map, 1);
    m->alg = alg;
    m->col = g_new(int, alg->nkeys > 0 ? alg->nkeys : 1);
    for (int k = 0; k < alg->nkeys; k++) {
        const char *id = g_hash_table_lookup(alg->naaccr_of_key, alg->key_names->pdata[k]);
        m->col[k] = -1;
        for (int c = 0; id && c < n; c++)
            if (naaccr_ids[c] && !strcmp(naaccr_ids[c], id)) {
                m->col[k] = c;
                break;
            }
    }
    return m;
}

gboolean crtk_staging_key_is_input(const crtk_staging *alg, const char *key)
{
    int k = crtk_staging_key_lookup(alg, key);
    return k >= 0 && alg->is_input[k];
}

void crtk_stage_item_map_free(crtk_stage_item_map *m)
{
    if (!m)
        return;
    g_free(m->col);
    g_free(m);
}

/* The value of key K in the row (NULL when absent or blank); year_dx is the year of dateOfDiagnosis. */
static const char *row_value(const crtk_stage_item_map *m, int k, const char *const *values, char *year)
{
    int c = m->col[k];
    const char *v = c >= 0 ? values[c] : NULL;
    if (!v || !*v)
        return NULL;
    if (k == m->alg->key_year) {
        g_strlcpy(year, v, 5);
        return year;
    }
    return v;
}

crtk_stage_result crtk_stage_run_stage_row(crtk_stage_run *run, const crtk_stage_item_map *map, const char *const *values)
{
    const crtk_staging *alg = map->alg;
    g_return_val_if_fail(crtk_stage_run_algorithm(run) == alg, CRTK_STAGE_FAILED_NO_MATCHING_SCHEMA);
    char year[8];
    crtk_stage_run_reset(run);
    for (int k = 0; k < alg->nkeys; k++) {
        if (!alg->is_input[k])
            continue;
        const char *v = row_value(map, k, values, year);
        if (v)
            crtk_stage_run_set_id(run, k, v);
    }
    if (crtk_stage_run_lookup(run) == 1) {
        const st_schema *s = alg->schemas->pdata[crtk_stage_run_candidate(run, 0)];
        crtk_stage_run_reset(run);
        for (int i = 0; i < s->ninputs; i++) {
            int k = s->inputs[i].key;
            const char *v = row_value(map, k, values, year);
            if (v)
                crtk_stage_run_set_id(run, k, v);
        }
    }
    return crtk_stage_run_stage(run);
}
