/* staging_items.c — schema-aware coding: the valid codes of a schema's inputs (SSDIs, grades, EOD)
 * with SEER's meaning of each, read from the input's validation table, and the schema of a tumor.
 *
 * Used by `crtk codes ITEM --schema S`, `crtk case show` and the schema edits (edits_schema.c).
 */
#include "staging_private.h"

#include <string.h>

int crtk_staging_find_schema_any(const crtk_staging *alg, const char *id_or_name)
{
    if (!alg || !id_or_name)
        return -1;
    int si = crtk_staging_find_schema(alg, id_or_name);
    if (si >= 0)
        return si;
    for (guint i = 0; i < alg->schemas->len; i++) {
        const st_schema *s = alg->schemas->pdata[i];
        if (!g_ascii_strcasecmp(s->id, id_or_name) || (s->name && !g_ascii_strcasecmp(s->name, id_or_name)))
            return (int)i;
    }
    return -1;
}

static const st_input *schema_input(const crtk_staging *alg, int si, const char *key)
{
    if (!alg || si < 0 || (guint)si >= alg->schemas->len || !key)
        return NULL;
    const st_schema *s = alg->schemas->pdata[si];
    int k = crtk_staging_key_lookup(alg, key);
    if (k >= 0 && s->input_of_key[k] >= 0)
        return &s->inputs[s->input_of_key[k]];
    int i = GPOINTER_TO_INT(g_hash_table_lookup(s->input_of_naaccr, key)) - 1; /* the first, any case */
    return i >= 0 ? &s->inputs[i] : NULL;
}

const char *crtk_staging_schema_input(const crtk_staging *alg, int si, const char *item)
{
    const st_input *in = schema_input(alg, si, item);
    return in ? alg->key_names->pdata[in->key] : NULL;
}

GArray *crtk_staging_input_codes(const crtk_staging *alg, int si, const char *key)
{
    const st_input *in = schema_input(alg, si, key);
    if (!in || in->table < 0)
        return NULL;
    const st_table *t = alg->tables->pdata[in->table];
    if (!t->desc || t->nin == 0)
        return NULL; /* the bundle kept no code texts for this table (CS) */
    GArray *a = g_array_new(FALSE, TRUE, sizeof(crtk_staging_code));
    for (int r = 0; r < t->nrows; r++) {
        const char *code = t->cell_text[(gsize)r * t->nin]; /* the first INPUT column */
        crtk_staging_code c = {code ? code : "", t->desc[r]};
        g_array_append_val(a, c);
    }
    return a;
}

const char *crtk_staging_input_meaning(const crtk_staging *alg, int si, const char *key, const char *value)
{
    const st_input *in = schema_input(alg, si, key);
    if (!in || in->table < 0)
        return NULL;
    const st_table *t = alg->tables->pdata[in->table];
    const char *kname = alg->key_names->pdata[in->key];
    const char *kv[] = {kname, value ? value : "", NULL};
    int row = crtk_staging_table_row(alg, t->id, kv);
    if (row < 0 || !t->desc)
        return NULL;
    return t->desc[row];
}

gboolean crtk_staging_input_info(const crtk_staging *alg, int si, const char *key, gboolean *used_for_staging,
                                 const char **def, const char **naaccr_id)
{
    const st_input *in = schema_input(alg, si, key);
    if (!in)
        return FALSE;
    if (used_for_staging)
        *used_for_staging = in->used_for_staging;
    if (def)
        *def = in->def;
    if (naaccr_id)
        *naaccr_id = in->naaccr_id;
    return TRUE;
}

guint crtk_staging_schema_input_count(const crtk_staging *alg, int si)
{
    if (!alg || si < 0 || (guint)si >= alg->schemas->len)
        return 0;
    return (guint)((const st_schema *)alg->schemas->pdata[si])->ninputs;
}

const char *crtk_staging_schema_input_key(const crtk_staging *alg, int si, guint i)
{
    if (i >= crtk_staging_schema_input_count(alg, si))
        return NULL;
    const st_schema *s = alg->schemas->pdata[si];
    return alg->key_names->pdata[s->inputs[i].key];
}

int crtk_staging_schema_of_items(const crtk_staging *alg, crtk_stage_item_fn get, void *user)
{
    crtk_stage_run *run = crtk_stage_run_new(alg);
    for (int k = 0; k < alg->nkeys; k++) {
        if (!alg->is_input[k])
            continue;
        const char *id = g_hash_table_lookup(alg->naaccr_of_key, alg->key_names->pdata[k]);
        const char *v = id ? get(id, user) : NULL;
        if (!v || !*v)
            continue;
        char buf[8];
        if (k == alg->key_year) {
            g_strlcpy(buf, v, sizeof buf < 5 ? sizeof buf : 5);
            v = buf;
        }
        crtk_stage_run_set(run, alg->key_names->pdata[k], v);
    }
    int si = crtk_stage_run_lookup(run) == 1 ? crtk_stage_run_candidate(run, 0) : -1;
    crtk_stage_run_free(run);
    return si;
}
