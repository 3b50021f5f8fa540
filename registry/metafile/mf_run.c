/* mf_run.c — running a metafile's edits on records (crtk_mf_runner) and `eval` of statements.
 *
 * A runner compiles the chosen edits once for a dictionary and keeps one run state per edit, so
 * running a record allocates nothing that grows with the store.  For each record, each field an
 * edit reads is presented as the metafile expects: the item's value left-justified and padded
 * with blanks to EE_Fields.FieldLength (a missing item is all blanks), taken from the tumor,
 * else the patient, else the NaaccrData items.  An edit fails when its logic returns anything
 * but 1 (falling off the end passes) or when it saved an error; warnings leave it passing.
 */
#include "mf_builtins.h"

#include <string.h>

#define MF_ERROR g_quark_from_static_string("crtk-metafile")

typedef struct mf_compiled {
    mf_edit *edit;
    mf_program *prog;
    mf_run run;
    GPtrArray *item_ids;     /* naaccrIds of the fields the dictionary has */
    GString *values;         /* padded field values for the current record */
} mf_compiled;

struct crtk_mf_runner {
    crtk_metafile *mf;
    crtk_dictionary *dict;
    const crtk_mf_set_info *set;
    GPtrArray *compiled;     /* mf_compiled* */
    GPtrArray *skipped;      /* char* */
    GPtrArray *extra_view;   /* const char* for results */
};

static const char *item_value(const crtk_record *rec, const crtk_header *hdr, int tumor, int item, size_t *len)
{
    const char *v = NULL;
    *len = 0;
    if (item < 0)
        return NULL;
    if (rec && tumor >= 0 && tumor < rec->n_tumors)
        v = crtk_element_get(&rec->tumors[tumor], item, len);
    if (!v && rec)
        v = crtk_element_get(&rec->patient, item, len);
    if (!v && hdr)
        v = crtk_element_get(&hdr->root, item, len);
    return v;
}

/* Fills run->field_values with the padded values (storage in buf). */
static void present_fields(mf_run *run, GString *buf, const crtk_record *rec, const crtk_header *hdr, int tumor)
{
    const mf_program *p = run->prog;
    g_string_truncate(buf, 0);
    size_t *offs = g_newa(size_t, p->fields->len + 1);
    for (guint i = 0; i < p->fields->len; i++) {
        const mf_slot_field *f = p->fields->pdata[i];
        size_t len;
        const char *v = item_value(rec, hdr, tumor, f->item, &len);
        offs[i] = buf->len;
        if (v)
            g_string_append_len(buf, v, (gssize)len);
        while ((int)(buf->len - offs[i]) < f->width)
            g_string_append_c(buf, ' ');
        run->field_lens[i] = (int)(buf->len - offs[i]);
        g_string_append_c(buf, 0);
    }
    for (guint i = 0; i < p->fields->len; i++)
        run->field_values[i] = buf->str + offs[i];
}

static gboolean in_list(const char *tag, const char *const *only)
{
    for (; *only; only++)
        if (g_ascii_strcasecmp(*only, tag) == 0)
            return TRUE;
    return FALSE;
}

crtk_mf_runner *crtk_mf_runner_new(crtk_metafile *mf, const char *set, const char *const *only,
                                   crtk_dictionary *dict, GError **error)
{
    const crtk_mf_set_info *si = NULL;
    GArray *members = NULL;
    if (set && *set && g_ascii_strcasecmp(set, "all") != 0) {
        si = crtk_metafile_find_set(mf, set);
        if (!si) {
            GString *names = g_string_new(NULL);
            for (guint i = 0; i < mf->sets->len; i++) {
                const crtk_mf_set_info *s = mf->sets->pdata[i];
                g_string_append_printf(names, "%s%s (%s)", i ? ", " : "", s->tag, s->name);
            }
            g_set_error(error, MF_ERROR, 1, "%s has no edit set \"%s\"; its sets: %s", mf->base, set, names->len ? names->str : "none");
            g_string_free(names, TRUE);
            return NULL;
        }
        for (guint i = 0; i < mf->sets->len; i++)
            if (mf->sets->pdata[i] == si)
                members = g_hash_table_lookup(mf->set_members, GINT_TO_POINTER(g_array_index(mf->set_pkeys, int, i)));
    }
    if (only)
        for (const char *const *o = only; *o; o++)
            if (!crtk_metafile_find_edit(mf, *o)) {
                g_set_error(error, MF_ERROR, 1, "%s has no edit %s", mf->base, *o);
                return NULL;
            }
    crtk_mf_runner *r = g_new0(crtk_mf_runner, 1);
    r->mf = mf;
    r->dict = dict ? crtk_dictionary_ref(dict) : NULL;
    r->set = si;
    r->compiled = g_ptr_array_new();
    r->skipped = g_ptr_array_new_with_free_func(g_free);
    r->extra_view = g_ptr_array_new();
    for (guint i = 0; i < mf->edits->len; i++) {
        mf_edit *e = mf->edits->pdata[i];
        if (members) {
            gboolean in = FALSE;
            for (guint k = 0; k < members->len; k++)
                if (g_array_index(members, int, k) == e->pkey)
                    in = TRUE;
            if (!in)
                continue;
        }
        if (only && !in_list(e->info.tag, only))
            continue;
        /* every field must be a dictionary item */
        const char *missing = NULL;
        int missing_num = 0;
        for (guint k = 0; dict && k < e->field_numbers->len; k++) {
            int num = g_array_index(e->field_numbers, int, k);
            if (!crtk_dictionary_find_number(dict, num)) {
                missing = e->field_names->pdata[k];
                missing_num = num;
                break;
            }
        }
        if (missing) {
            g_ptr_array_add(r->skipped, g_strdup_printf("%s: field \"%s\" (item #%d) is not in the data's dictionary", e->info.tag, missing, missing_num));
            continue;
        }
        GError *err = NULL;
        mf_compile_ctx ctx = {mf, e, dict, e->info.tag};
        mf_program *p = mf_compile(&ctx, e->info.logic, &err);
        if (!p) {
            g_ptr_array_add(r->skipped, g_strdup_printf("%s: does not compile: %s", e->info.tag, err->message));
            g_clear_error(&err);
            continue;
        }
        if (p->uses_dll && (p->dll_reason || !mf->dll_fn)) {
            g_ptr_array_add(r->skipped, g_strdup_printf("%s: %s", e->info.tag, p->dll_reason ? p->dll_reason : "calls the Collaborative Stage DLL (EXTERNALDLL), which needs crtk's staging engine"));
            mf_program_free(p);
            continue;
        }
        mf_compiled *c = g_new0(mf_compiled, 1);
        c->edit = e;
        c->prog = p;
        mf_run_init(&c->run, mf, e, p);
        c->item_ids = g_ptr_array_new();
        for (guint k = 0; k < p->fields->len; k++) {
            const mf_slot_field *f = p->fields->pdata[k];
            if (f->item_id)
                g_ptr_array_add(c->item_ids, (gpointer)f->item_id);
        }
        g_ptr_array_add(c->item_ids, NULL);
        c->values = g_string_new(NULL);
        g_ptr_array_add(r->compiled, c);
    }
    /* A lookup table that could not be read is the metafile's read error, not an edit to skip:
     * running without it would give other verdicts than the state's. */
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, mf->tables);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const mf_table *t = v;
        if (t->load_error) {
            g_set_error(error, MF_ERROR, 1, "%s: %s", mf->base, t->load_error);
            crtk_mf_runner_free(r);
            return NULL;
        }
    }
    return r;
}

void crtk_mf_runner_free(crtk_mf_runner *r)
{
    if (!r)
        return;
    for (guint i = 0; i < r->compiled->len; i++) {
        mf_compiled *c = r->compiled->pdata[i];
        mf_run_clear(&c->run);
        mf_program_free(c->prog);
        g_ptr_array_free(c->item_ids, TRUE);
        g_string_free(c->values, TRUE);
        g_free(c);
    }
    g_ptr_array_free(r->compiled, TRUE);
    g_ptr_array_free(r->skipped, TRUE);
    g_ptr_array_free(r->extra_view, TRUE);
    if (r->dict)
        crtk_dictionary_unref(r->dict);
    g_free(r);
}

int crtk_mf_runner_count(const crtk_mf_runner *r) { return (int)r->compiled->len; }
const crtk_mf_edit_info *crtk_mf_runner_edit(const crtk_mf_runner *r, int i)
{
    return i >= 0 && i < (int)r->compiled->len ? &((mf_compiled *)r->compiled->pdata[i])->edit->info : NULL;
}
const GPtrArray *crtk_mf_runner_skipped(const crtk_mf_runner *r) { return r->skipped; }
const crtk_mf_set_info *crtk_mf_runner_set(const crtk_mf_runner *r) { return r->set; }

int crtk_mf_runner_run(crtk_mf_runner *r, const crtk_record *record, const crtk_header *header,
                       int tumor, crtk_mf_result_fn fn, void *user)
{
    int failures = 0;
    for (guint i = 0; i < r->compiled->len; i++) {
        mf_compiled *c = r->compiled->pdata[i];
        mf_run *run = &c->run;
        present_fields(run, c->values, record, header, tumor);
        mf_exec(run);
        crtk_mf_result res = {0};
        res.edit = &c->edit->info;
        res.items = (const char *const *)c->item_ids->pdata;
        res.n_items = (int)c->item_ids->len - 1;
        res.warned = run->warned;
        char *msg = NULL;
        if (run->error) {
            res.status = CRTK_MF_ERROR;
            msg = g_strdup_printf("the edit could not run: %s", run->error_text);
        } else if (run->failing || run->returned == 0) {
            res.status = CRTK_MF_FAIL;
            const char *text = run->message;
            if (!text && run->return_msg)
                text = mf_message_by_number(r->mf, c->edit, run->return_msg);
            if (!text)
                text = c->edit->info.message;
            msg = mf_render_message(run, text ? text : "");
        } else {
            res.status = CRTK_MF_PASS;
        }
        res.message = msg ? msg : "";
        g_ptr_array_set_size(r->extra_view, 0);
        for (guint k = 0; k < run->extra->len; k++)
            g_ptr_array_add(r->extra_view, run->extra->pdata[k]);
        g_ptr_array_add(r->extra_view, NULL);
        res.extra = (const char *const *)r->extra_view->pdata;
        if (res.status != CRTK_MF_PASS)
            failures++;
        int stop = fn ? fn(&res, user) : 0;
        g_free(msg);
        if (stop)
            break;
    }
    return failures;
}

int crtk_metafile_eval(crtk_metafile *mf, crtk_dictionary *dict, const crtk_record *record,
                       const crtk_header *header, int tumor, const char *text, GString *out, GError **error)
{
    mf_compile_ctx ctx = {mf, NULL, dict, "eval"};
    mf_program *p = mf_compile(&ctx, text, error);
    if (!p)
        return 2;
    if (p->dll_reason) {
        g_set_error(error, MF_ERROR, 2, "eval: %s", p->dll_reason);
        mf_program_free(p);
        return 2;
    }
    mf_run run;
    mf_run_init(&run, mf, NULL, p);
    GString *buf = g_string_new(NULL);
    present_fields(&run, buf, record, header, tumor);
    mf_exec(&run);
    for (guint i = 0; i < p->vars->len; i++) {
        const mf_var *v = p->vars->pdata[i];
        if (v->func >= 0)
            continue;
        g_string_append_printf(out, "%s=", v->name);
        mf_run_var_text(&run, v, out);
        g_string_append_c(out, '\n');
    }
    int rc = 0;
    if (run.message) {
        char *m = mf_render_message(&run, run.message);
        g_string_append_printf(out, "message=%s\n", m);
        g_free(m);
    }
    for (guint i = 0; i < run.extra->len; i++)
        g_string_append_printf(out, "message=%s\n", (char *)run.extra->pdata[i]);
    if (run.error) {
        g_set_error(error, MF_ERROR, 1, "eval, %s", run.error_text);
        rc = 1;
    } else {
        gboolean fail = run.failing || run.returned == 0;
        g_string_append_printf(out, "return=%s\n", fail ? "FAIL" : "PASS");
    }
    g_string_free(buf, TRUE);
    mf_run_clear(&run);
    mf_program_free(p);
    return rc;
}
