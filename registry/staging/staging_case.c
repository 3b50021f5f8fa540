/* staging_case.c — staging a tumor from its NAACCR items: which algorithm a diagnosis year uses, and
 * the mapping between NAACCR items and algorithm keys (naaccr_xml_id in SEER's JSON).
 *
 * A record holds every item, but the reference engine refuses keys a schema does not define
 * (UNKNOWN_INPUT).  So a tumor is staged in two steps: schema selection with every mapped item,
 * then the run with only the inputs of the schema found.
 */
#include "staging_private.h"

#include "crtk/record.h"

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

/* Resets RUN to every mapped input of the row (the schema selection's inputs); YEAR holds year_dx. */
static void set_row_inputs(crtk_stage_run *run, const crtk_stage_item_map *map, const char *const *values, char *year)
{
    const crtk_staging *alg = map->alg;
    crtk_stage_run_reset(run);
    for (int k = 0; k < alg->nkeys; k++) {
        if (!alg->is_input[k])
            continue;
        const char *v = row_value(map, k, values, year);
        if (v)
            crtk_stage_run_set_id(run, k, v);
    }
}

crtk_stage_result crtk_stage_run_stage_row(crtk_stage_run *run, const crtk_stage_item_map *map, const char *const *values)
{
    const crtk_staging *alg = map->alg;
    g_return_val_if_fail(crtk_stage_run_algorithm(run) == alg, CRTK_STAGE_FAILED_NO_MATCHING_SCHEMA);
    char year[8];
    set_row_inputs(run, map, values, year);
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

/* ---- tumors of records: keys mapped to a dictionary's items once ------------------------ */

struct crtk_stage_record_reader {
    const crtk_staging *alg;
    crtk_stage_run *run;
    const crtk_dictionary *dict; /* the dictionary the map was made for */
    crtk_stage_item_map map;     /* col[k] = k when key k's item is in dict, else -1 */
    const crtk_item **item_of;   /* per key: the dictionary's item, or NULL */
    const char **values;         /* per key: the value of the tumor read last */
    char year[8];
};

crtk_stage_record_reader *crtk_stage_record_reader_new(const crtk_staging *alg)
{
    crtk_stage_record_reader *rr = g_new0(crtk_stage_record_reader, 1);
    rr->alg = alg;
    rr->run = crtk_stage_run_new(alg);
    rr->map.alg = alg;
    int n = alg->nkeys > 0 ? alg->nkeys : 1;
    rr->map.col = g_new(int, n);
    rr->item_of = g_new0(const crtk_item *, n);
    rr->values = g_new0(const char *, n);
    return rr;
}

void crtk_stage_record_reader_free(crtk_stage_record_reader *rr)
{
    if (!rr)
        return;
    crtk_stage_run_free(rr->run);
    g_free(rr->map.col);
    g_free(rr->item_of);
    g_free(rr->values);
    g_free(rr);
}

crtk_stage_run *crtk_stage_record_run(crtk_stage_record_reader *rr)
{
    return rr->run;
}

/* Points values[] at tumor T's items (mapping the keys first when the dictionary is new). */
static void read_tumor(crtk_stage_record_reader *rr, const crtk_record *rec, int t)
{
    const crtk_staging *alg = rr->alg;
    if (rec->dict != rr->dict) {
        for (int k = 0; k < alg->nkeys; k++) {
            const char *id = alg->is_input[k] ? g_hash_table_lookup(alg->naaccr_of_key, alg->key_names->pdata[k]) : NULL;
            rr->item_of[k] = id ? crtk_dictionary_find(rec->dict, id) : NULL;
            rr->map.col[k] = rr->item_of[k] ? k : -1;
        }
        rr->dict = rec->dict;
    }
    for (int k = 0; k < alg->nkeys; k++) {
        const crtk_item *it = rr->item_of[k];
        rr->values[k] =
            it ? crtk_element_get(it->level == CRTK_LEVEL_PATIENT ? &rec->patient : &rec->tumors[t], it->index, NULL) : NULL;
    }
}

int crtk_stage_record_schema(crtk_stage_record_reader *rr, const crtk_record *rec, int t)
{
    if (t < 0 || t >= rec->n_tumors)
        return -1;
    read_tumor(rr, rec, t);
    set_row_inputs(rr->run, &rr->map, rr->values, rr->year);
    return crtk_stage_run_lookup(rr->run) == 1 ? crtk_stage_run_candidate(rr->run, 0) : -1;
}

crtk_stage_result crtk_stage_record_stage(crtk_stage_record_reader *rr, const crtk_record *rec, int t)
{
    if (t < 0 || t >= rec->n_tumors) {
        crtk_stage_run_reset(rr->run);
        return CRTK_STAGE_FAILED_NO_MATCHING_SCHEMA;
    }
    read_tumor(rr, rec, t);
    return crtk_stage_run_stage_row(rr->run, &rr->map, rr->values);
}
