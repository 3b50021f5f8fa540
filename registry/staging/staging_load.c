/* staging_load.c — reads SEER staging algorithm JSON (schemas and tables) into crtk's compiled form.
 *
 * Sources: crtk's bundle (one JSON document {"algorithm","version","schemas":[],"tables":[],"glossary":[terms]},
 * as tools/dev/gen-staging.py writes it, optionally gzip-compressed; the embedded algorithms are bundles),
 * a SEER zip, or a directory holding schemas/ and tables/ (or one zip).  Of the glossary/ entries only the
 * terms are kept.  JSON is parsed with
 * staging_json.c (one arena per document); every table cell is parsed here once (README §3.6), the
 * engine never parses text.
 */
#include "staging_private.h"

#include "staging_json.h"
#include <string.h>
#include <zlib.h>

#define LOAD_ERROR g_quark_from_static_string("crtk-staging-load")

static const char *str_member(const sj_node *o, const char *name)
{
    return sj_str(sj_get(o, name));
}

static const sj_node *array_member(const sj_node *o, const char *name)
{
    const sj_node *n = sj_get(o, name);
    return sj_is(n, SJ_ARR) ? n : NULL;
}

static const char *intern(crtk_staging *alg, const char *s)
{
    return s ? g_string_chunk_insert_const(alg->strings, s) : NULL;
}

/* A code's description as a registrar reads it: SEER writes some in Markdown ("**In situ,
 * intraepithelial, noninvasive**" over a list of "- " lines); the bold markers are dropped, the
 * lines kept. */
static const char *intern_plain(crtk_staging *alg, const char *v)
{
    if (!strstr(v, "**"))
        return intern(alg, v);
    GString *plain = g_string_sized_new(strlen(v));
    for (const char *p = v; *p; p++) {
        if (p[0] == '*' && p[1] == '*') {
            p++;
            continue;
        }
        g_string_append_c(plain, *p);
    }
    const char *out = intern(alg, plain->str);
    g_string_free(plain, TRUE);
    return out;
}

static gboolean check_header(crtk_staging *alg, const sj_node *o, const char *what, GError **error)
{
    const char *a = str_member(o, "algorithm"), *v = str_member(o, "version");
    if (!a || !v)
        return TRUE; /* not required in bundles */
    if (!alg->algorithm) {
        alg->algorithm = g_strdup(a);
        alg->version = g_strdup(v);
    } else if (strcmp(alg->algorithm, a) || strcmp(alg->version, v)) {
        g_set_error(error, LOAD_ERROR, 1, "%s: algorithm %s %s differs from %s %s loaded before", what, a, v,
                    alg->algorithm, alg->version);
        return FALSE;
    }
    return TRUE;
}

static st_endpoint parse_endpoint(crtk_staging *alg, const char *text, int col_key, gboolean *ok)
{
    st_endpoint e = {0};
    e.col_key = col_key;
    e.value_ref = -1;
    e.jump = -1;
    const char *colon = strchr(text, ':');
    char *type = g_strstrip(g_strndup(text, colon ? (gsize)(colon - text) : strlen(text)));
    char *value = colon ? g_strstrip(g_strdup(colon + 1)) : NULL;
    *ok = TRUE;
    if (!strcmp(type, "VALUE"))
        e.type = value ? EP_VALUE : EP_VALUE_REMOVE;
    else if (!strcmp(type, "JUMP"))
        e.type = EP_JUMP;
    else if (!strcmp(type, "MATCH"))
        e.type = EP_MATCH;
    else if (!strcmp(type, "STOP"))
        e.type = EP_STOP;
    else if (!strcmp(type, "ERROR"))
        e.type = EP_ERROR;
    else
        *ok = FALSE;
    if (e.type == EP_JUMP && (!value || !*value))
        *ok = FALSE;
    e.value = intern(alg, value);
    if (e.type == EP_VALUE && value) {
        size_t n = strlen(value);
        /* translateValue: the whole value is one {{key}} */
        if (n >= 4 && !strncmp(value, "{{", 2) && strstr(value, "}}") == value + n - 2) {
            char *k = g_strndup(value + 2, n - 4);
            e.value_ref = crtk_staging_key(alg, k);
            g_free(k);
        }
    }
    g_free(type);
    g_free(value);
    return e;
}

static gboolean load_table(crtk_staging *alg, const sj_node *o, GError **error)
{
    const char *id = str_member(o, "id");
    const sj_node *def = array_member(o, "definition");
    if (!id || !def) {
        g_set_error(error, LOAD_ERROR, 1, "table %s: no id or definition", id ? id : "(no id)");
        return FALSE;
    }
    if (!check_header(alg, o, id, error))
        return FALSE;
    if (g_hash_table_contains(alg->table_ids, id)) {
        g_set_error(error, LOAD_ERROR, 1, "table %s: defined twice", id);
        return FALSE;
    }
    st_table *t = g_new0(st_table, 1);
    t->id = intern(alg, id);
    guint ncols = sj_len(def);
    int *coltype = g_new0(int, ncols), *colkey = g_new0(int, ncols);
    t->in_keys = g_new0(int, ncols + 1);
    t->end_keys = g_new0(int, ncols + 1);
    GString *endcols = g_string_new(NULL);
    for (guint c = 0; c < ncols; c++) {
        const sj_node *cn = sj_at(def, c);
        const sj_node *co = sj_is(cn, SJ_OBJ) ? cn : NULL;
        const char *key = co ? str_member(co, "key") : NULL, *type = co ? str_member(co, "type") : NULL;
        if (!key || !type || (strcmp(type, "INPUT") && strcmp(type, "ENDPOINT") && strcmp(type, "DESCRIPTION"))) {
            g_set_error(error, LOAD_ERROR, 1, "table %s: column %u has no key or an unknown type", id, c + 1);
            goto fail;
        }
        colkey[c] = crtk_staging_key(alg, key);
        coltype[c] = type[0];
        if (type[0] == 'I')
            t->in_keys[t->nin++] = colkey[c];
        else if (type[0] == 'E') {
            t->end_keys[t->nend++] = colkey[c];
            if (endcols->len)
                g_string_append_c(endcols, '+');
            g_string_append(endcols, key);
        }
    }
    t->end_columns = intern(alg, endcols->str);
    const sj_node *rows = array_member(o, "rows");
    t->nrows = rows ? (int)sj_len(rows) : 0;
    t->cells = g_new0(st_cell, (gsize)t->nrows * t->nin + 1);
    t->cell_text = g_new0(const char *, (gsize)t->nrows * t->nin + 1);
    t->eps = g_new0(st_endpoint, (gsize)t->nrows * t->nend + 1);
    for (int r = 0; r < t->nrows; r++) {
        const sj_node *rn = sj_at(rows, r);
        const sj_node *ra = sj_is(rn, SJ_ARR) ? rn : NULL;
        if (!ra || sj_len(ra) != ncols) {
            g_set_error(error, LOAD_ERROR, 1, "table %s: row %d has %u values but should have %u", id, r + 1,
                        ra ? sj_len(ra) : 0, ncols);
            goto fail;
        }
        int ii = 0, ei = 0;
        gboolean first_desc = TRUE;
        for (guint c = 0; c < ncols; c++) {
            const sj_node *vn = sj_at(ra, c);
            const char *v = NULL;
            if (sj_is(vn, SJ_STR))
                v = vn->u.str;
            else if (vn && !sj_is(vn, SJ_NULL)) {
                g_set_error(error, LOAD_ERROR, 1, "table %s: row %d column %u is not a string", id, r + 1, c + 1);
                goto fail;
            }
            if (coltype[c] == 'D' && first_desc && v && *v) {
                first_desc = FALSE;
                if (!t->desc)
                    t->desc = g_new0(const char *, t->nrows + 1);
                t->desc[r] = intern_plain(alg, v);
            }
            if (coltype[c] == 'I') {
                gsize ci = (gsize)r * t->nin + ii++;
                st_cell *cell = &t->cells[ci];
                if (!v)
                    cell->n = -1;
                else
                    crtk_staging_parse_cell(alg, v, cell);
                /* most cells are one value written as is: its item's text is the cell's, interned already */
                if (v && cell->n == 1 && cell->items[0].lo && !strcmp(cell->items[0].lo, v))
                    t->cell_text[ci] = cell->items[0].lo;
                else
                    t->cell_text[ci] = intern(alg, v);
                for (int k = 0; k < cell->n; k++)
                    if (cell->items[k].lo_ref >= 0 || cell->items[k].hi_ref >= 0)
                        t->has_refs = TRUE;
            } else if (coltype[c] == 'E') {
                gboolean ok;
                if (!v) {
                    g_set_error(error, LOAD_ERROR, 1, "table %s: row %d column %u: endpoint missing", id, r + 1, c + 1);
                    goto fail;
                }
                t->eps[(gsize)r * t->nend + ei++] = parse_endpoint(alg, v, colkey[c], &ok);
                if (!ok) {
                    g_set_error(error, LOAD_ERROR, 1,
                                "table %s: row %d column %u: invalid endpoint '%s' (JUMP, VALUE, MATCH, STOP or ERROR)",
                                id, r + 1, c + 1, v);
                    goto fail;
                }
            }
        }
    }
    g_free(coltype);
    g_free(colkey);
    g_string_free(endcols, TRUE);
    g_ptr_array_add(alg->tables, t);
    g_hash_table_insert(alg->table_ids, (gpointer)t->id, GINT_TO_POINTER(alg->tables->len));
    return TRUE;
fail:
    g_free(coltype);
    g_free(colkey);
    g_string_free(endcols, TRUE);
    /* cells were allocated from item arrays; free what we own */
    for (gsize i = 0; i < (gsize)t->nrows * t->nin; i++)
        g_free(t->cells[i].items);
    g_free(t->cells);
    g_free(t->cell_text);
    g_free(t->eps);
    g_free(t->in_keys);
    g_free(t->end_keys);
    g_free(t->desc);
    g_free(t);
    return FALSE;
}

static int table_ref(crtk_staging *alg, const char *id, const char *schema, GError **error)
{
    if (!id)
        return -1;
    int i = GPOINTER_TO_INT(g_hash_table_lookup(alg->table_ids, id)) - 1;
    if (i < 0)
        g_set_error(error, LOAD_ERROR, 1, "schema %s: table %s does not exist", schema, id);
    return i < 0 ? -2 : i;
}

static st_kv *load_kvs(crtk_staging *alg, const sj_node *a, int *n)
{
    *n = a ? (int)sj_len(a) : 0;
    st_kv *kv = g_new0(st_kv, *n + 1);
    int m = 0;
    for (int i = 0; i < *n; i++) {
        const sj_node *e = sj_at(a, i);
        if (!sj_is(e, SJ_OBJ))
            continue;
        const sj_node *o = e;
        const char *k = str_member(o, "key");
        if (!k)
            continue;
        kv[m].key = crtk_staging_key(alg, k);
        kv[m].value = intern(alg, str_member(o, "value"));
        m++;
    }
    *n = m;
    return kv;
}

static st_keymap *load_keymaps(crtk_staging *alg, const sj_node *a, int *n)
{
    *n = a ? (int)sj_len(a) : 0;
    st_keymap *m = g_new0(st_keymap, *n + 1);
    int k = 0;
    for (int i = 0; i < *n; i++) {
        const sj_node *e = sj_at(a, i);
        if (!sj_is(e, SJ_OBJ))
            continue;
        const char *from = str_member(e, "from");
        const char *to = str_member(e, "to");
        if (!from || !to)
            continue;
        m[k].from = crtk_staging_key(alg, from);
        m[k].to = crtk_staging_key(alg, to);
        k++;
    }
    *n = k;
    return m;
}

static st_tpath *load_paths(crtk_staging *alg, const sj_node *a, int *n, const char *schema, GError **error)
{
    *n = a ? (int)sj_len(a) : 0;
    st_tpath *p = g_new0(st_tpath, *n + 1);
    for (int i = 0; i < *n; i++) {
        const sj_node *e = sj_at(a, i);
        const sj_node *o = sj_is(e, SJ_OBJ) ? e : NULL;
        const char *id = o ? str_member(o, "id") : NULL;
        if (!id) {
            g_set_error(error, LOAD_ERROR, 1, "schema %s: a table path has no id", schema);
            *n = i;
            return p;
        }
        p[i].table = table_ref(alg, id, schema, error);
        if (p[i].table < 0) {
            *n = i;
            return p;
        }
        p[i].in = load_keymaps(alg, array_member(o, "input_mapping"), &p[i].nin);
        p[i].out = load_keymaps(alg, array_member(o, "output_mapping"), &p[i].nout);
    }
    return p;
}

static void free_paths(st_tpath *p, int n)
{
    for (int i = 0; i < n; i++) {
        g_free(p[i].in);
        g_free(p[i].out);
    }
    g_free(p);
}

static void free_schema(st_schema *s)
{
    for (int m = 0; m < s->nmappings; m++) {
        st_mapping *mp = &s->mappings[m];
        g_free(mp->init);
        free_paths(mp->incl, mp->nincl);
        free_paths(mp->excl, mp->nexcl);
        free_paths(mp->paths, mp->npaths);
    }
    g_free(s->mappings);
    g_free(s->inputs);
    g_free(s->outputs);
    g_free(s->init);
    g_free(s->input_of_key);
    if (s->input_of_naaccr)
        g_hash_table_destroy(s->input_of_naaccr);
    g_free(s->output_of_key);
    g_free(s->outputs_sorted);
    g_free(s->discriminators);
    g_free(s);
}

static gboolean load_schema(crtk_staging *alg, const sj_node *o, GError **error_out)
{
    GError *local = NULL, **error = &local;
    const char *id = str_member(o, "id");
    if (!id) {
        g_set_error(error_out, LOAD_ERROR, 1, "a schema has no id");
        return FALSE;
    }
    if (!check_header(alg, o, id, error_out))
        return FALSE;
    st_schema *s = g_new0(st_schema, 1);
    s->id = intern(alg, id);
    s->name = intern(alg, str_member(o, "name"));
    const sj_node *num = sj_get(o, "schema_num");
    if (sj_is(num, SJ_INT))
        s->schema_num = (int)num->u.i;
    s->sel_table = table_ref(alg, str_member(o, "schema_selection_table"), id, error);
    if (s->sel_table < 0) {
        if (s->sel_table == -1)
            g_set_error(error, LOAD_ERROR, 1, "schema %s: no schema_selection_table", id);
        goto fail;
    }
    const char *oi = str_member(o, "on_invalid_input");
    s->on_invalid = !oi || !strcmp(oi, "CONTINUE") ? ON_INVALID_CONTINUE
                    : !strcmp(oi, "FAIL")           ? ON_INVALID_FAIL
                                                    : ON_INVALID_FAIL_STAGING;
    const sj_node *in = array_member(o, "inputs");
    int nin = in ? (int)sj_len(in) : 0;
    s->inputs = g_new0(st_input, nin + 1);
    for (int i = 0; i < nin; i++) {
        const sj_node *e = sj_at(in, i);
        const sj_node *io = sj_is(e, SJ_OBJ) ? e : NULL;
        const char *key = io ? str_member(io, "key") : NULL;
        if (!key) {
            g_set_error(error, LOAD_ERROR, 1, "schema %s: input %d has no key", id, i + 1);
            goto fail;
        }
        st_input *inp = &s->inputs[s->ninputs++];
        inp->key = crtk_staging_key(alg, key);
        inp->table = table_ref(alg, str_member(io, "table"), id, error);
        if (inp->table == -2)
            goto fail;
        inp->used_for_staging = sj_truthy(sj_get(io, "used_for_staging"));
        inp->def = intern(alg, str_member(io, "default"));
        inp->naaccr_id = intern(alg, str_member(io, "naaccr_xml_id"));
        if (str_member(io, "default_table")) {
            g_set_error(error, LOAD_ERROR, 1, "schema %s: input %s: default_table is not supported", id, key);
            goto fail;
        }
    }
    const sj_node *disc = array_member(o, "schema_discriminators");
    s->discriminators = g_new0(const char *, (disc ? sj_len(disc) : 0) + 1);
    for (guint i = 0; disc && i < sj_len(disc); i++) {
        const char *key = sj_str(sj_at(disc, i));
        if (!key) {
            g_set_error(error, LOAD_ERROR, 1, "schema %s: schema_discriminators holds a value that is not a key", id);
            goto fail;
        }
        s->discriminators[s->ndiscriminators++] = intern(alg, key);
    }
    const sj_node *out = array_member(o, "outputs");
    s->has_outputs = out != NULL;
    int nout = out ? (int)sj_len(out) : 0;
    s->outputs = g_new0(st_output, nout + 1);
    for (int i = 0; i < nout; i++) {
        const sj_node *e = sj_at(out, i);
        const sj_node *oo = sj_is(e, SJ_OBJ) ? e : NULL;
        const char *key = oo ? str_member(oo, "key") : NULL;
        if (!key) {
            g_set_error(error, LOAD_ERROR, 1, "schema %s: output %d has no key", id, i + 1);
            goto fail;
        }
        st_output *op = &s->outputs[s->noutputs++];
        op->key = crtk_staging_key(alg, key);
        op->table = table_ref(alg, str_member(oo, "table"), id, error);
        if (op->table == -2)
            goto fail;
        op->def = intern(alg, str_member(oo, "default"));
        op->naaccr_id = intern(alg, str_member(oo, "naaccr_xml_id"));
    }
    s->init = load_kvs(alg, array_member(o, "initial_context"), &s->ninit);
    const sj_node *maps = array_member(o, "mappings");
    int nmap = maps ? (int)sj_len(maps) : 0;
    s->mappings = g_new0(st_mapping, nmap + 1);
    for (int i = 0; i < nmap; i++) {
        const sj_node *e = sj_at(maps, i);
        const sj_node *mo = sj_is(e, SJ_OBJ) ? e : NULL;
        const char *mid = mo ? str_member(mo, "id") : NULL;
        if (!mid) {
            g_set_error(error, LOAD_ERROR, 1, "schema %s: mapping %d has no id", id, i + 1);
            goto fail;
        }
        st_mapping *m = &s->mappings[s->nmappings++];
        m->id = intern(alg, mid);
        m->init = load_kvs(alg, array_member(mo, "initial_context"), &m->ninit);
        m->incl = load_paths(alg, array_member(mo, "inclusion_tables"), &m->nincl, id, error);
        if (*error)
            goto fail;
        m->excl = load_paths(alg, array_member(mo, "exclusion_tables"), &m->nexcl, id, error);
        if (*error)
            goto fail;
        m->has_paths = array_member(mo, "tables") != NULL;
        m->paths = load_paths(alg, array_member(mo, "tables"), &m->npaths, id, error);
        if (*error)
            goto fail;
    }
    g_ptr_array_add(alg->schemas, s);
    return TRUE;
fail:
    free_schema(s);
    if (!local)
        g_set_error(&local, LOAD_ERROR, 1, "schema %s: invalid", id);
    g_propagate_error(error_out, local);
    return FALSE;
}

static crtk_staging *alg_new(void)
{
    crtk_staging *alg = g_new0(crtk_staging, 1);
    alg->strings = g_string_chunk_new(1 << 16);
    alg->key_ids = g_hash_table_new(g_str_hash, g_str_equal);
    alg->key_names = g_ptr_array_new();
    alg->tables = g_ptr_array_new();
    alg->table_ids = g_hash_table_new(g_str_hash, g_str_equal);
    alg->schemas = g_ptr_array_new();
    alg->glossary = g_ptr_array_new();
    crtk_staging_key(alg, "site");
    crtk_staging_key(alg, "hist");
    crtk_staging_key(alg, "year_dx");
    crtk_staging_key(alg, "ctx_alg_version");
    crtk_staging_key(alg, "ctx_year_current");
    return alg;
}

void crtk_staging_free(crtk_staging *alg)
{
    if (!alg)
        return;
    for (guint i = 0; i < alg->tables->len; i++) {
        st_table *t = alg->tables->pdata[i];
        for (gsize c = 0; c < (gsize)t->nrows * t->nin; c++)
            g_free(t->cells[c].items);
        g_free(t->cells);
        g_free(t->eps);
        g_free(t->in_keys);
        g_free(t->end_keys);
        if (t->exact)
            g_hash_table_destroy(t->exact);
        g_free(t->others);
        if (t->idx_rows)
            g_hash_table_destroy(t->idx_rows);
        g_free(t->idx_other_rows);
        g_free(t->cell_text);
        g_free(t->desc);
        g_free(t);
    }
    for (guint i = 0; i < alg->schemas->len; i++)
        free_schema(alg->schemas->pdata[i]);
    g_ptr_array_free(alg->tables, TRUE);
    g_ptr_array_free(alg->schemas, TRUE);
    g_ptr_array_free(alg->glossary, TRUE);
    g_hash_table_destroy(alg->table_ids);
    g_hash_table_destroy(alg->key_ids);
    g_ptr_array_free(alg->key_names, TRUE);
    if (alg->valid_sites)
        g_hash_table_destroy(alg->valid_sites);
    if (alg->valid_hists)
        g_hash_table_destroy(alg->valid_hists);
    g_free(alg->all_schemas);
    g_free(alg->is_input);
    if (alg->naaccr_keys)
        g_ptr_array_free(alg->naaccr_keys, TRUE);
    if (alg->naaccr_of_key)
        g_hash_table_destroy(alg->naaccr_of_key);
    g_string_chunk_free(alg->strings);
    g_free(alg->algorithm);
    g_free(alg->version);
    g_free(alg);
}

/* Parses one JSON document into *DOC; returns its root object (the caller frees *DOC). */
static const sj_node *parse_object(sj_doc **doc, const char *data, gsize len, const char *what, GError **error)
{
    GError *e = NULL;
    *doc = sj_parse(data, len, what, &e);
    if (!*doc) {
        g_set_error(error, LOAD_ERROR, 1, "%s", e->message);
        g_error_free(e);
        return NULL;
    }
    const sj_node *root = sj_root(*doc);
    if (!sj_is(root, SJ_OBJ)) {
        g_set_error(error, LOAD_ERROR, 1, "%s: not a JSON object", what);
        return NULL;
    }
    return root;
}

/* The parts of a SEER zip, each a folder of JSON files, in the order they are loaded (schemas name tables). */
typedef enum { PART_TABLES, PART_SCHEMAS, PART_GLOSSARY, N_PARTS } alg_part;
static const char *const part_folders[N_PARTS] = {"tables", "schemas", "glossary"};

/* A glossary entry: only its term is kept (crtk_staging_glossary_count); an entry without a name is skipped. */
static void load_glossary_entry(crtk_staging *alg, const sj_node *o)
{
    const char *term = str_member(o, "name");
    if (term)
        g_ptr_array_add(alg->glossary, (gpointer)intern(alg, term));
}

static gboolean load_file_text(crtk_staging *alg, const char *data, gsize len, const char *name, alg_part part,
                               GError **error)
{
    sj_doc *doc = NULL;
    const sj_node *o = parse_object(&doc, data, len, name, error);
    gboolean ok = o != NULL;
    if (ok && part == PART_TABLES)
        ok = load_table(alg, o, error);
    else if (ok && part == PART_SCHEMAS)
        ok = load_schema(alg, o, error);
    else if (ok)
        load_glossary_entry(alg, o);
    if (!ok && error && *error && !strstr((*error)->message, name))
        g_prefix_error(error, "%s: ", name);
    sj_doc_free(doc);
    return ok;
}

static guint8 *gunzip(const guint8 *data, gsize len, gsize *out_len, GError **error)
{
    z_stream z = {0};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        g_set_error(error, LOAD_ERROR, 1, "zlib init failed");
        return NULL;
    }
    GByteArray *out = g_byte_array_new();
    guint8 buf[1 << 16];
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    int rc;
    do {
        z.next_out = buf;
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            g_set_error(error, LOAD_ERROR, 1, "bad gzip data: %s", z.msg ? z.msg : "truncated");
            inflateEnd(&z);
            g_byte_array_free(out, TRUE);
            return NULL;
        }
        g_byte_array_append(out, buf, sizeof buf - z.avail_out);
    } while (rc != Z_STREAM_END && (z.avail_in > 0 || z.avail_out == 0));
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        g_set_error(error, LOAD_ERROR, 1, "bad gzip data: truncated");
        g_byte_array_free(out, TRUE);
        return NULL;
    }
    *out_len = out->len;
    g_byte_array_append(out, (const guint8 *)"", 1);
    return g_byte_array_free(out, FALSE);
}

static int cmp_term(gconstpointer a, gconstpointer b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Upstream keeps one glossary entry per term: sorted, each term once (interned, so equal terms are one pointer). */
static void sort_glossary(GPtrArray *terms)
{
    g_ptr_array_sort(terms, cmp_term);
    guint kept = 0;
    for (guint i = 0; i < terms->len; i++)
        if (kept == 0 || terms->pdata[i] != terms->pdata[kept - 1])
            terms->pdata[kept++] = terms->pdata[i];
    g_ptr_array_set_size(terms, kept);
}

static crtk_staging *finish(crtk_staging *alg, gboolean ok, GError **error)
{
    if (ok)
        sort_glossary(alg->glossary);
    if (ok && !alg->algorithm) {
        g_set_error(error, LOAD_ERROR, 1, "no algorithm/version in the data");
        ok = FALSE;
    }
    if (ok && !crtk_staging_compile(alg, error))
        ok = FALSE;
    if (!ok) {
        crtk_staging_free(alg);
        return NULL;
    }
    return alg;
}

crtk_staging *crtk_staging_load_bundle(const void *data, gsize len, GError **error)
{
    guint8 *plain = NULL;
    if (len >= 2 && ((const guint8 *)data)[0] == 0x1f && ((const guint8 *)data)[1] == 0x8b) {
        plain = gunzip(data, len, &len, error);
        if (!plain)
            return NULL;
        data = plain;
    }
    crtk_staging *alg = alg_new();
    sj_doc *doc = NULL;
    const sj_node *o = parse_object(&doc, data, len, "staging bundle", error);
    gboolean ok = o != NULL;
    if (ok) {
        const char *a = str_member(o, "algorithm"), *v = str_member(o, "version");
        const sj_node *tables = array_member(o, "tables"), *schemas = array_member(o, "schemas");
        if (!a || !v || !tables || !schemas) {
            g_set_error(error, LOAD_ERROR, 1, "staging bundle: needs algorithm, version, tables and schemas");
            ok = FALSE;
        } else {
            alg->algorithm = g_strdup(a);
            alg->version = g_strdup(v);
        }
        for (guint i = 0; ok && i < sj_len(tables); i++) {
            const sj_node *n = sj_at(tables, i);
            if (!sj_is(n, SJ_OBJ)) {
                g_set_error(error, LOAD_ERROR, 1, "staging bundle: table %u is not an object", i + 1);
                ok = FALSE;
            } else
                ok = load_table(alg, n, error);
        }
        for (guint i = 0; ok && i < sj_len(schemas); i++) {
            const sj_node *n = sj_at(schemas, i);
            if (!sj_is(n, SJ_OBJ)) {
                g_set_error(error, LOAD_ERROR, 1, "staging bundle: schema %u is not an object", i + 1);
                ok = FALSE;
            } else
                ok = load_schema(alg, n, error);
        }
        /* "glossary": the terms of the zip's glossary entries (absent when it has none) */
        const sj_node *glossary = array_member(o, "glossary");
        for (guint i = 0; ok && glossary && i < sj_len(glossary); i++) {
            const char *term = sj_str(sj_at(glossary, i));
            if (!term) {
                g_set_error(error, LOAD_ERROR, 1, "staging bundle: glossary term %u is not a string", i + 1);
                ok = FALSE;
            } else
                g_ptr_array_add(alg->glossary, (gpointer)intern(alg, term));
        }
    }
    sj_doc_free(doc);
    g_free(plain);
    return finish(alg, ok, error);
}

/* ---- zip ---- */

static guint32 rd32(const guint8 *p) { return p[0] | p[1] << 8 | p[2] << 16 | (guint32)p[3] << 24; }
static guint16 rd16(const guint8 *p) { return (guint16)(p[0] | p[1] << 8); }

static char *zip_entry(const guint8 *z, gsize zlen, guint32 off, guint16 method, guint32 csize, guint32 usize,
                       const char *name, GError **error)
{
    if ((gsize)off + 30 > zlen || rd32(z + off) != 0x04034b50) {
        g_set_error(error, LOAD_ERROR, 1, "zip entry %s: bad local header", name);
        return NULL;
    }
    gsize data = (gsize)off + 30 + rd16(z + off + 26) + rd16(z + off + 28);
    if (data > zlen || csize > zlen - data) {
        g_set_error(error, LOAD_ERROR, 1, "zip entry %s: truncated", name);
        return NULL;
    }
    if (method == 0) {
        char *s = g_malloc((gsize)csize + 1);
        memcpy(s, z + data, csize);
        s[csize] = 0;
        return s;
    }
    if (method != 8 || usize > (1u << 30)) {
        g_set_error(error, LOAD_ERROR, 1, "zip entry %s: unsupported compression", name);
        return NULL;
    }
    char *s = g_malloc((gsize)usize + 1);
    z_stream st = {0};
    inflateInit2(&st, -MAX_WBITS);
    st.next_in = (Bytef *)(z + data);
    st.avail_in = csize;
    st.next_out = (Bytef *)s;
    st.avail_out = usize;
    int rc = inflate(&st, Z_FINISH);
    inflateEnd(&st);
    if (rc != Z_STREAM_END || st.total_out != usize) {
        g_set_error(error, LOAD_ERROR, 1, "zip entry %s: bad compressed data", name);
        g_free(s);
        return NULL;
    }
    s[usize] = 0;
    return s;
}

static gboolean load_zip_data(crtk_staging *alg, const guint8 *z, gsize zlen, const char *path, GError **error)
{
    gsize eocd = 0;
    gboolean found = FALSE;
    for (gsize i = zlen >= 22 ? zlen - 22 : 0; zlen >= 22; i--) {
        if (rd32(z + i) == 0x06054b50) {
            eocd = i;
            found = TRUE;
            break;
        }
        if (i == 0 || zlen - i > 22 + 65535)
            break;
    }
    if (!found) {
        g_set_error(error, LOAD_ERROR, 1, "%s: not a zip file", path);
        return FALSE;
    }
    guint16 n = rd16(z + eocd + 10);
    guint32 cd = rd32(z + eocd + 16);
    for (alg_part part = 0; part < N_PARTS; part++) {
        char *want = g_strconcat(part_folders[part], "/", NULL);
        gsize p = cd;
        for (guint16 i = 0; i < n; i++) {
            if (p + 46 > zlen || rd32(z + p) != 0x02014b50) {
                g_set_error(error, LOAD_ERROR, 1, "%s: bad zip directory", path);
                g_free(want);
                return FALSE;
            }
            guint16 method = rd16(z + p + 10), nlen = rd16(z + p + 28), xlen = rd16(z + p + 30), clen = rd16(z + p + 32);
            guint32 csize = rd32(z + p + 20), usize = rd32(z + p + 24), off = rd32(z + p + 42);
            if (p + 46 + nlen > zlen) {
                g_set_error(error, LOAD_ERROR, 1, "%s: bad zip directory", path);
                g_free(want);
                return FALSE;
            }
            char *name = g_strndup((const char *)z + p + 46, nlen);
            p += 46 + (gsize)nlen + xlen + clen;
            const char *slash = strstr(name, want);
            gboolean take = slash && (slash == name || slash[-1] == '/') && g_str_has_suffix(name, ".json");
            if (take) {
                char *text = zip_entry(z, zlen, off, method, csize, usize, name, error);
                gboolean ok = text && load_file_text(alg, text, strlen(text), name, part, error);
                g_free(text);
                if (!ok) {
                    g_prefix_error(error, "%s: ", path);
                    g_free(name);
                    g_free(want);
                    return FALSE;
                }
            }
            g_free(name);
        }
        g_free(want);
    }
    return TRUE;
}

/* Loads the JSON files of folder PART of DIR (an unpacked zip); the glossary folder is optional. */
static gboolean load_dir_files(crtk_staging *alg, const char *dir, alg_part part, GError **error)
{
    char *sub = g_build_filename(dir, part_folders[part], NULL);
    if (part == PART_GLOSSARY && !g_file_test(sub, G_FILE_TEST_IS_DIR)) {
        g_free(sub);
        return TRUE;
    }
    GDir *d = g_dir_open(sub, 0, error);
    if (!d) {
        g_free(sub);
        return FALSE;
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    while ((n = g_dir_read_name(d)))
        if (g_str_has_suffix(n, ".json"))
            g_ptr_array_add(names, g_strdup(n));
    g_dir_close(d);
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < names->len; i++) {
        char *path = g_build_filename(sub, (char *)names->pdata[i], NULL);
        char *text = NULL;
        gsize len = 0;
        ok = g_file_get_contents(path, &text, &len, error) && load_file_text(alg, text, len, path, part, error);
        g_free(text);
        g_free(path);
    }
    g_ptr_array_free(names, TRUE);
    g_free(sub);
    return ok;
}

crtk_staging *crtk_staging_load(const char *path, GError **error)
{
    crtk_staging *alg = alg_new();
    gboolean ok;
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        char *tables = g_build_filename(path, "tables", NULL);
        gboolean unpacked = g_file_test(tables, G_FILE_TEST_IS_DIR);
        g_free(tables);
        if (unpacked) {
            ok = TRUE;
            for (alg_part part = 0; ok && part < N_PARTS; part++)
                ok = load_dir_files(alg, path, part, error);
        } else {
            /* a directory holding one zip */
            GDir *d = g_dir_open(path, 0, error);
            char *zip = NULL;
            int nzip = 0;
            const char *n;
            while (d && (n = g_dir_read_name(d)))
                if (g_str_has_suffix(n, ".zip")) {
                    nzip++;
                    g_free(zip);
                    zip = g_build_filename(path, n, NULL);
                }
            if (d)
                g_dir_close(d);
            if (nzip != 1) {
                if (d)
                    g_set_error(error, LOAD_ERROR, 1,
                                "%s: needs tables/ and schemas/ (an unpacked SEER algorithm) or exactly one .zip (found %d)",
                                path, nzip);
                g_free(zip);
                crtk_staging_free(alg);
                return NULL;
            }
            crtk_staging_free(alg);
            alg = crtk_staging_load(zip, error);
            g_free(zip);
            return alg;
        }
    } else {
        char *data = NULL;
        gsize len = 0;
        ok = g_file_get_contents(path, &data, &len, error);
        if (ok && g_str_has_suffix(path, ".zip"))
            ok = load_zip_data(alg, (const guint8 *)data, len, path, error);
        else if (ok) {
            g_free(alg->algorithm);
            crtk_staging_free(alg);
            alg = crtk_staging_load_bundle(data, len, error);
            if (!alg && error && *error)
                g_prefix_error(error, "%s: ", path);
            g_free(data);
            return alg;
        }
        g_free(data);
    }
    return finish(alg, ok, error);
}
