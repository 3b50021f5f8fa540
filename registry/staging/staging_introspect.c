/* staging_introspect.c — what a staging algorithm is made of, answered as SEER's reference engine answers it:
 * the keys a schema reads and writes (upstream Staging.getInputs / getOutputs), the tables a schema uses and
 * the schemas a table is used in (getInvolvedTables / getInvolvedSchemas), schema discriminators, glossary
 * terms, and a table cell's text and parsed ranges.  Used by tests against upstream's unit tests and by
 * tools that document or check an algorithm; staging a case never calls it.
 *
 * The walks work on the compiled algorithm (staging_private.h), keys as flags indexed by key id.  The
 * tables a table path reaches are found depth first through its JUMP endpoints, rows and endpoints in
 * order, each table once: upstream's order, which matters for getInputs because a key an earlier table
 * writes (an ENDPOINT column) is no input to the tables after it.  Within a table upstream reads the
 * columns in their order; crtk keeps INPUT and ENDPOINT columns apart and reads the INPUT columns first,
 * which is the same for every table of SEER's algorithms (all put their INPUT columns first).
 */
#include "staging_private.h"

#include <string.h>

static const st_schema *schema_by_id(const crtk_staging *alg, const char *schema_id)
{
    int si = schema_id ? crtk_staging_find_schema(alg, schema_id) : -1;
    return si < 0 ? NULL : alg->schemas->pdata[si];
}

static int table_index(const crtk_staging *alg, const char *table_id)
{
    return table_id ? GPOINTER_TO_INT(g_hash_table_lookup(alg->table_ids, table_id)) - 1 : -1;
}

static int cmp_name(gconstpointer a, gconstpointer b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* NAMES sorted, each name once (the set answers of this file). */
static GPtrArray *sorted_set(GPtrArray *names)
{
    g_ptr_array_sort(names, cmp_name);
    guint kept = 0;
    for (guint i = 0; i < names->len; i++)
        if (kept == 0 || strcmp(names->pdata[i], names->pdata[kept - 1]))
            names->pdata[kept++] = names->pdata[i];
    g_ptr_array_set_size(names, kept);
    return names;
}

/* The names of the keys flagged in FLAGS (nkeys entries), sorted. */
static GPtrArray *flagged_keys(const crtk_staging *alg, const guint8 *flags)
{
    GPtrArray *names = g_ptr_array_new();
    for (int k = 0; k < alg->nkeys; k++)
        if (flags[k])
            g_ptr_array_add(names, alg->key_names->pdata[k]);
    return sorted_set(names);
}

/* ---- tables reached through JUMPs ---- */

typedef struct table_set {
    guint8 *member; /* per table */
    GArray *order;  /* int: table indexes in the order reached */
    GArray *stack;  /* int: tables still to visit */
} table_set;

static void table_set_init(table_set *set, const crtk_staging *alg)
{
    set->member = g_new0(guint8, alg->tables->len + 1);
    set->order = g_array_new(FALSE, FALSE, sizeof(int));
    set->stack = g_array_new(FALSE, FALSE, sizeof(int));
}

static void table_set_clear(table_set *set, const crtk_staging *alg)
{
    memset(set->member, 0, alg->tables->len);
    g_array_set_size(set->order, 0);
}

static void table_set_free(table_set *set)
{
    g_free(set->member);
    g_array_free(set->order, TRUE);
    g_array_free(set->stack, TRUE);
}

/* Adds table TI and every table it reaches through JUMP endpoints (upstream's getInvolvedTables of a table):
 * depth first, rows and their endpoints in order; tables already in SET are not walked again. */
static void reach_tables(const crtk_staging *alg, int ti, table_set *set)
{
    g_array_set_size(set->stack, 0);
    g_array_append_val(set->stack, ti);
    while (set->stack->len) {
        int t_index = g_array_index(set->stack, int, set->stack->len - 1);
        g_array_set_size(set->stack, set->stack->len - 1);
        if (set->member[t_index])
            continue;
        set->member[t_index] = 1;
        g_array_append_val(set->order, t_index);
        const st_table *t = alg->tables->pdata[t_index];
        /* pushed last to first, so the first JUMP is walked first, as a recursive walk would */
        for (gsize e = (gsize)t->nrows * t->nend; e-- > 0;)
            if (t->eps[e].type == EP_JUMP && !set->member[t->eps[e].jump])
                g_array_append_val(set->stack, t->eps[e].jump);
    }
}

static void reach_path_tables(const crtk_staging *alg, const st_tpath *paths, int n, table_set *set)
{
    for (int i = 0; i < n; i++)
        reach_tables(alg, paths[i].table, set);
}

/* Every table schema S uses (upstream's involved_tables, which SEER's schema files list the same way): its
 * selection table, the tables validating its inputs and outputs, its mappings' inclusion, exclusion and
 * path tables, and the tables those JUMP to. */
static void reach_schema_tables(const crtk_staging *alg, const st_schema *s, table_set *set)
{
    reach_tables(alg, s->sel_table, set);
    for (int i = 0; i < s->ninputs; i++)
        if (s->inputs[i].table >= 0)
            reach_tables(alg, s->inputs[i].table, set);
    for (int i = 0; i < s->noutputs; i++)
        if (s->outputs[i].table >= 0)
            reach_tables(alg, s->outputs[i].table, set);
    for (int m = 0; m < s->nmappings; m++) {
        const st_mapping *mp = &s->mappings[m];
        reach_path_tables(alg, mp->incl, mp->nincl, set);
        reach_path_tables(alg, mp->excl, mp->nexcl, set);
        reach_path_tables(alg, mp->paths, mp->npaths, set);
    }
}

/* The key a table path's key map gives for KEY: with an input map the 'from' of the last entry whose 'to'
 * is KEY, with an output map the 'to' of the last entry whose 'from' is KEY; KEY itself when none. */
static int mapped_key(const st_keymap *map, int n, int key, gboolean input_map)
{
    for (int i = n - 1; i >= 0; i--)
        if ((input_map ? map[i].to : map[i].from) == key)
            return input_map ? map[i].from : map[i].to;
    return key;
}

/* ---- the keys a schema reads (upstream getInputs) ---- */

typedef struct input_walk {
    const crtk_staging *alg;
    guint8 *found;     /* keys read: the answer */
    guint8 *excluded;  /* keys an earlier table or a mapping's initial context writes: no inputs from then on */
    guint8 *path_read; /* keys read by the table path being walked */
    table_set reached;
} input_walk;

static void read_key(input_walk *w, int key)
{
    if (!w->excluded[key])
        w->found[key] = w->path_read[key] = 1;
}

/* A {{key}} reference in a cell or a VALUE endpoint reads the key, unless it is a context key (upstream's
 * "extra inputs" of a table). */
static void read_reference(input_walk *w, const st_tpath *p, int ref)
{
    if (ref >= 0 && ref != w->alg->key_ctx_version && ref != w->alg->key_ctx_year)
        read_key(w, mapped_key(p->in, p->nin, ref, TRUE));
}

/* One table path: in every table it reaches, the INPUT columns are read (input map applied), then its
 * ENDPOINT columns (output map applied) are written, which excludes them from the inputs of every later
 * table unless this path read them already, then the {{key}} references are read. */
static void walk_path_inputs(input_walk *w, const st_tpath *p)
{
    const crtk_staging *alg = w->alg;
    memset(w->path_read, 0, (size_t)alg->nkeys);
    table_set_clear(&w->reached, alg);
    reach_tables(alg, p->table, &w->reached);
    for (guint i = 0; i < w->reached.order->len; i++) {
        const st_table *t = alg->tables->pdata[g_array_index(w->reached.order, int, i)];
        for (int c = 0; c < t->nin; c++)
            read_key(w, mapped_key(p->in, p->nin, t->in_keys[c], TRUE));
        for (int c = 0; c < t->nend; c++) {
            int written = mapped_key(p->out, p->nout, t->end_keys[c], FALSE);
            if (!w->path_read[written])
                w->excluded[written] = 1;
        }
        for (gsize c = 0; t->has_refs && c < (gsize)t->nrows * t->nin; c++)
            for (int k = 0; k < t->cells[c].n; k++) {
                read_reference(w, p, t->cells[c].items[k].lo_ref);
                read_reference(w, p, t->cells[c].items[k].hi_ref);
            }
        for (gsize e = 0; e < (gsize)t->nrows * t->nend; e++)
            if (t->eps[e].type == EP_VALUE)
                read_reference(w, p, t->eps[e].value_ref);
    }
}

static void walk_paths_inputs(input_walk *w, const st_tpath *paths, int n)
{
    for (int i = 0; i < n; i++)
        walk_path_inputs(w, &paths[i]);
}

GPtrArray *crtk_staging_schema_inputs(const crtk_staging *alg, const char *schema_id, const char *const *context)
{
    const st_schema *s = schema_by_id(alg, schema_id);
    if (!s)
        return NULL;
    guint8 *involved = context ? crtk_staging_mappings_involved(alg, s, context) : NULL;
    input_walk w = {alg, g_new0(guint8, alg->nkeys), g_new0(guint8, alg->nkeys), g_new0(guint8, alg->nkeys), {0}};
    table_set_init(&w.reached, alg);
    const st_table *sel = alg->tables->pdata[s->sel_table];
    for (int c = 0; c < sel->nin; c++)
        w.found[sel->in_keys[c]] = 1;
    for (int m = 0; m < s->nmappings; m++) {
        const st_mapping *mp = &s->mappings[m];
        /* inclusion and exclusion tables are read whether or not the mapping applies */
        walk_paths_inputs(&w, mp->incl, mp->nincl);
        walk_paths_inputs(&w, mp->excl, mp->nexcl);
        if (!mp->has_paths || (involved && !involved[m]))
            continue;
        for (int i = 0; i < mp->ninit; i++)
            w.excluded[mp->init[i].key] = 1;
        walk_paths_inputs(&w, mp->paths, mp->npaths);
    }
    /* context keys are never supplied */
    w.found[alg->key_ctx_version] = w.found[alg->key_ctx_year] = 0;
    GPtrArray *keys = flagged_keys(alg, w.found);
    table_set_free(&w.reached);
    g_free(w.found);
    g_free(w.excluded);
    g_free(w.path_read);
    g_free(involved);
    return keys;
}

/* ---- the keys a schema writes (upstream getOutputs) ---- */

GPtrArray *crtk_staging_schema_outputs(const crtk_staging *alg, const char *schema_id, const char *const *context)
{
    const st_schema *s = schema_by_id(alg, schema_id);
    if (!s)
        return NULL;
    guint8 *written = g_new0(guint8, alg->nkeys);
    if (s->has_outputs) {
        for (int i = 0; i < s->noutputs; i++)
            written[s->outputs[i].key] = 1;
    } else {
        guint8 *involved = context ? crtk_staging_mappings_involved(alg, s, context) : NULL;
        table_set reached;
        table_set_init(&reached, alg);
        for (int m = 0; m < s->nmappings; m++) {
            const st_mapping *mp = &s->mappings[m];
            if (!mp->has_paths || (involved && !involved[m]))
                continue;
            for (int i = 0; i < mp->npaths; i++) {
                const st_tpath *p = &mp->paths[i];
                table_set_clear(&reached, alg);
                reach_tables(alg, p->table, &reached);
                for (guint j = 0; j < reached.order->len; j++) {
                    const st_table *t = alg->tables->pdata[g_array_index(reached.order, int, j)];
                    for (int c = 0; c < t->nend; c++)
                        written[mapped_key(p->out, p->nout, t->end_keys[c], FALSE)] = 1;
                }
            }
        }
        table_set_free(&reached);
        g_free(involved);
    }
    GPtrArray *keys = flagged_keys(alg, written);
    g_free(written);
    return keys;
}

/* ---- tables and schemas ---- */

GPtrArray *crtk_staging_involved_tables(const crtk_staging *alg, const char *schema_id)
{
    const st_schema *s = schema_by_id(alg, schema_id);
    if (!s)
        return NULL;
    table_set reached;
    table_set_init(&reached, alg);
    reach_schema_tables(alg, s, &reached);
    GPtrArray *ids = g_ptr_array_new();
    for (guint i = 0; i < reached.order->len; i++)
        g_ptr_array_add(ids, (gpointer)((const st_table *)alg->tables->pdata[g_array_index(reached.order, int, i)])->id);
    table_set_free(&reached);
    return sorted_set(ids);
}

GPtrArray *crtk_staging_involved_schemas(const crtk_staging *alg, const char *table_id)
{
    GPtrArray *ids = g_ptr_array_new();
    int ti = table_index(alg, table_id);
    if (ti < 0)
        return ids;
    table_set reached;
    table_set_init(&reached, alg);
    for (guint i = 0; i < alg->schemas->len; i++) {
        const st_schema *s = alg->schemas->pdata[i];
        table_set_clear(&reached, alg);
        reach_schema_tables(alg, s, &reached);
        if (reached.member[ti])
            g_ptr_array_add(ids, (gpointer)s->id);
    }
    table_set_free(&reached);
    return ids; /* schemas are sorted by id */
}

/* ---- discriminators and glossary ---- */

static void add_discriminators(GPtrArray *keys, const st_schema *s)
{
    for (int i = 0; i < s->ndiscriminators; i++)
        g_ptr_array_add(keys, (gpointer)s->discriminators[i]);
}

GPtrArray *crtk_staging_schema_discriminators(const crtk_staging *alg, const char *schema_id)
{
    const st_schema *s = schema_by_id(alg, schema_id);
    if (!s)
        return NULL;
    GPtrArray *keys = g_ptr_array_new();
    add_discriminators(keys, s);
    return sorted_set(keys);
}

GPtrArray *crtk_staging_all_discriminators(const crtk_staging *alg)
{
    GPtrArray *keys = g_ptr_array_new();
    for (guint i = 0; i < alg->schemas->len; i++)
        add_discriminators(keys, alg->schemas->pdata[i]);
    return sorted_set(keys);
}

guint crtk_staging_glossary_count(const crtk_staging *alg) { return alg->glossary->len; }

const char *crtk_staging_glossary_term(const crtk_staging *alg, guint i)
{
    return i < alg->glossary->len ? alg->glossary->pdata[i] : NULL;
}

/* ---- table cells ---- */

/* Index of INPUT cell (ROW, KEY) of TABLE_ID in its table's cell arrays, or -1 when there is none. */
static gssize cell_index(const crtk_staging *alg, const char *table_id, guint row, const char *key,
                         const st_table **table)
{
    int ti = table_index(alg, table_id), k = key ? crtk_staging_key_lookup(alg, key) : -1;
    if (ti < 0 || k < 0)
        return -1;
    const st_table *t = alg->tables->pdata[ti];
    if (row >= (guint)t->nrows)
        return -1;
    for (int c = 0; c < t->nin; c++)
        if (t->in_keys[c] == k) {
            *table = t;
            return (gssize)row * t->nin + c;
        }
    return -1;
}

const char *crtk_staging_table_cell(const crtk_staging *alg, const char *table_id, guint row, const char *key)
{
    const st_table *t = NULL;
    gssize c = cell_index(alg, table_id, row, key, &t);
    return c < 0 ? NULL : t->cell_text[c];
}

GArray *crtk_staging_table_cell_ranges(const crtk_staging *alg, const char *table_id, guint row, const char *key)
{
    const st_table *t = NULL;
    gssize c = cell_index(alg, table_id, row, key, &t);
    if (c < 0)
        return NULL;
    const st_cell *cell = &t->cells[c];
    GArray *ranges = g_array_new(FALSE, TRUE, sizeof(crtk_staging_range));
    for (int i = 0; i < cell->n; i++) {
        crtk_staging_range r = {cell->items[i].lo, cell->items[i].hi};
        g_array_append_val(ranges, r);
    }
    return ranges;
}
