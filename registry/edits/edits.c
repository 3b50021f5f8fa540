/* edits.c — loading edit files, choosing an edit set, running edits on records (see edits.h). */
#include "edits.h"
#include "edit_expr.h"
#include "problem.h"
#include "schemas.h"
#include "generated_edits.h"
#include "date.h"
#include "crtk/staging.h"

#include <stdlib.h>
#include <string.h>

/* One row of an edit file. */
typedef struct {
    char *f[9];   /* id name agency level sets items override message rule */
    char *source; /* file:line */
} edit_row;

enum { C_ID, C_NAME, C_AGENCY, C_LEVEL, C_SETS, C_ITEMS, C_OVERRIDE, C_MESSAGE, C_RULE, C_N };
static const char *const COLS[C_N] = {"id", "name", "agency", "level", "sets", "items", "override", "message", "rule"};

/* One compiled instance of an edit (an edit "for each item" has one per item). */
typedef struct {
    int def;                    /* index of the edit in core->infos */
    edit_expr *expr;
    crtk_edit_level level;
    const crtk_item *override;
    char override_codes[16];    /* codes of the flag that make the edit pass */
    const char **items;         /* reported naaccrIds, NULL-terminated */
    int n_items;
    const char *template_item;  /* $item, or NULL */
    const crtk_item *template_it;
    GPtrArray *involved;        /* const crtk_item* */
    gboolean blank_passes;      /* the rule passes when all its items are blank (and looks at no other record) */
    int *refs;                  /* item indexes the rule reads */
    int n_refs;
} edit_inst;

typedef struct {
    int ref;
    crtk_dictionary *dict;
    GStringChunk *chunk;
    GArray *infos;              /* crtk_edit_info of every active edit (counters unused here) */
    GPtrArray *insts;           /* edit_inst* */
    GPtrArray *skipped;         /* char* */
    char **sets;
    crtk_record *blank;         /* a patient with one tumor and no values */
    int pid_index;              /* patientIdNumber, -1 if none */
} edits_core;

struct crtk_edits {
    edits_core *core;
    GArray *infos;              /* crtk_edit_info: copies with counters */
    int *info_of;               /* core info index -> index in infos, or -1 */
    GPtrArray *insts;           /* borrowed edit_inst* */
    edit_state *state;
    gboolean cross_record_off;  /* P01 does not remember patients (crtk_edits_set_cross_record) */
    int today_y, today_m, today_d;
    crtk_edits_stats stats;
    GString *detail, *msg;
    GPtrArray *fail_items;
    /* items -> instances that pass when blank: run them only when one of their items has a value */
    int *by_item_off;           /* n_items + 1 offsets into by_item */
    int *by_item;               /* instance indexes */
    int n_dict_items;
    unsigned *mark;             /* per instance: stamp of the last element where one of its items was set */
    unsigned stamp;
    struct crtk_stage_record_reader *stage_reader; /* the schema edits' (edit_schema.c) */
};

static gint cmp_strp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *keep(edits_core *c, const char *s)
{
    return g_string_chunk_insert_const(c->chunk, s ? s : "");
}

/* ---- reading edit files -------------------------------------------------------- */

static void row_free(gpointer p)
{
    edit_row *r = p;
    for (int i = 0; i < C_N; i++)
        g_free(r->f[i]);
    g_free(r->source);
    g_free(r);
}

static gboolean parse_file(const char *text, size_t len, const char *name, GPtrArray *rows, GError **error)
{
    int col[C_N];
    gboolean have_header = FALSE;
    long line_no = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line_no++;
        char *line = g_strndup(p, (gsize)(le - p));
        p = nl ? nl + 1 : end;
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[--ll] = '\0';
        if (!ll || line[0] == '#') {
            g_free(line);
            continue;
        }
        char **fields = g_strsplit(line, "\t", -1);
        int nf = (int)g_strv_length(fields);
        if (!have_header) {
            for (int i = 0; i < C_N; i++) {
                col[i] = -1;
                for (int j = 0; j < nf; j++)
                    if (!strcmp(g_strstrip(fields[j]), COLS[i]))
                        col[i] = j;
            }
            have_header = TRUE;
            if (col[C_ID] < 0 || col[C_RULE] < 0) {
                g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                            "%s:%ld: the header line must name the columns id and rule (and name, agency, level, "
                            "sets, items, override, message)", name, line_no);
                g_strfreev(fields);
                g_free(line);
                return FALSE;
            }
        } else {
            edit_row *r = g_new0(edit_row, 1);
            for (int i = 0; i < C_N; i++)
                r->f[i] = g_strdup(col[i] >= 0 && col[i] < nf ? g_strstrip(fields[col[i]]) : "");
            r->source = g_strdup_printf("%s:%ld", name, line_no);
            if (!*r->f[C_ID]) {
                g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: the edit has no id", r->source);
                row_free(r);
                g_strfreev(fields);
                g_free(line);
                return FALSE;
            }
            g_ptr_array_add(rows, r);
        }
        g_strfreev(fields);
        g_free(line);
    }
    return TRUE;
}

static int find_row(GPtrArray *rows, const char *id)
{
    for (guint i = 0; i < rows->len; i++)
        if (!strcmp(((edit_row *)rows->pdata[i])->f[C_ID], id))
            return (int)i;
    return -1;
}

/* Adds the rows of one file; within a file ids must be unique; replace: a later file's row
 * replaces an earlier row with its id (user edits), otherwise a repeat is an error. */
static gboolean add_rows(GPtrArray *all, GPtrArray *rows, gboolean replace, GError **error)
{
    GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < rows->len; i++) {
        edit_row *r = rows->pdata[i];
        if (g_hash_table_contains(ids, r->f[C_ID])) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: edit %s is defined twice", r->source, r->f[C_ID]);
            g_hash_table_destroy(ids);
            return FALSE;
        }
        g_hash_table_add(ids, r->f[C_ID]);
    }
    g_hash_table_destroy(ids);
    while (rows->len) {
        edit_row *r = g_ptr_array_steal_index(rows, 0);
        int at = find_row(all, r->f[C_ID]);
        if (at >= 0 && !replace) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: edit %s is already defined at %s", r->source,
                        r->f[C_ID], ((edit_row *)all->pdata[at])->source);
            row_free(r);
            return FALSE;
        }
        if (at >= 0) {
            row_free(all->pdata[at]);
            all->pdata[at] = r;
        } else {
            g_ptr_array_add(all, r);
        }
    }
    return TRUE;
}

static gboolean read_all(const char *extra_dir, const crtk_dictionary *dict, GPtrArray *all, GError **error)
{
    /* the edits made from tables (required items, dates) */
    char *generated = crtk_generated_edits_tsv(dict, error);
    if (!generated)
        return FALSE;
    GPtrArray *grows = g_ptr_array_new_with_free_func(row_free);
    gboolean gok = parse_file(generated, strlen(generated), "schemas/edit-tables", grows, error) &&
                   add_rows(all, grows, FALSE, error);
    g_ptr_array_free(grows, TRUE);
    g_free(generated);
    if (!gok)
        return FALSE;
    for (const crtk_embedded_file *f = crtk_schema_files(); f && f->name; f++) {
        if (strncmp(f->name, "edits/", 6) || !g_str_has_suffix(f->name, ".tsv"))
            continue;
        char *name = g_strdup_printf("schemas/%s", f->name);
        GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
        gboolean ok = parse_file(f->data, f->len, name, rows, error) && add_rows(all, rows, FALSE, error);
        g_ptr_array_free(rows, TRUE);
        g_free(name);
        if (!ok)
            return FALSE;
    }
    if (!extra_dir)
        return TRUE;
    GDir *dir = g_dir_open(extra_dir, 0, error);
    if (!dir) {
        g_prefix_error(error, "edits directory: ");
        return FALSE;
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    while ((n = g_dir_read_name(dir)))
        if (g_str_has_suffix(n, ".tsv"))
            g_ptr_array_add(names, g_build_filename(extra_dir, n, NULL));
    g_dir_close(dir);
    g_ptr_array_sort(names, cmp_strp);
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < names->len; i++) {
        char *text = NULL;
        gsize len = 0;
        if (!g_file_get_contents(names->pdata[i], &text, &len, error)) {
            ok = FALSE;
            break;
        }
        GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
        ok = parse_file(text, len, names->pdata[i], rows, error) && add_rows(all, rows, TRUE, error);
        g_ptr_array_free(rows, TRUE);
        g_free(text);
    }
    g_ptr_array_free(names, TRUE);
    return ok;
}

/* ---- compiling --------------------------------------------------------------------- */

static gboolean in_set(const char *sets, const char *set)
{
    if (!set || !strcmp(set, "all") || !*sets)
        return TRUE;
    gboolean hit = FALSE;
    char **parts = g_strsplit(sets, ",", -1);
    for (char **p = parts; *p; p++)
        if (!strcmp(g_strstrip(*p), set))
            hit = TRUE;
    g_strfreev(parts);
    return hit;
}

/* Resolves an item spec "a|b" / "x?" to the first item the dictionary has (NULL if none). */
static const crtk_item *resolve_spec(const crtk_dictionary *d, const char *spec, gboolean *optional)
{
    char *s = g_strdup(spec);
    g_strstrip(s);
    size_t l = strlen(s);
    *optional = l && s[l - 1] == '?';
    if (*optional)
        s[l - 1] = '\0';
    const crtk_item *found = NULL;
    char **alts = g_strsplit(s, "|", -1);
    for (char **a = alts; *a && !found; a++) {
        const crtk_item *it = crtk_dictionary_find(d, g_strstrip(*a));
        if (it && it->level != CRTK_LEVEL_ROOT)
            found = it;
    }
    g_strfreev(alts);
    g_free(s);
    return found;
}

static void add_involved(GPtrArray *a, const crtk_item *it)
{
    if (!it)
        return;
    for (guint i = 0; i < a->len; i++)
        if (a->pdata[i] == it)
            return;
    g_ptr_array_add(a, (gpointer)it);
}

static void inst_free(gpointer p)
{
    edit_inst *in = p;
    edit_expr_free(in->expr);
    g_free(in->items);
    g_free(in->refs);
    if (in->involved)
        g_ptr_array_free(in->involved, TRUE);
    g_free(in);
}

/* Compiles one instance; returns NULL with *skip set when items are missing, NULL with error on a
 * bad rule. */
static edit_inst *compile_inst(edits_core *core, const edit_row *r, int def, const char *template_item,
                               char **skip, GError **error)
{
    edit_env env;
    edit_env_init(&env, core->dict);
    env.item_template = template_item;
    GError *err = NULL;
    edit_expr *x = edit_expr_compile(r->f[C_RULE], &env, &err);
    if (!x) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: edit %s: rule %s", r->source, r->f[C_ID], err->message);
        g_error_free(err);
        edit_env_clear(&env);
        return NULL;
    }
    edit_inst *in = g_new0(edit_inst, 1);
    in->def = def;
    in->expr = x;
    in->involved = g_ptr_array_new();
    GPtrArray *missing = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < env.missing->len; i++)
        g_ptr_array_add(missing, g_strdup(env.missing->pdata[i]));
    in->refs = g_new(int, env.refs->len + 1);
    for (guint i = 0; i < env.refs->len; i++) {
        add_involved(in->involved, env.refs->pdata[i]);
        in->refs[in->n_refs++] = ((const crtk_item *)env.refs->pdata[i])->index;
    }
    if (!env.uses_loops && !env.missing->len) {
        edit_state *st = edit_state_new();
        edit_ctx bc = {.rec = core->blank, .tumor = 0, .other = -1, .today_y = 2000, .today_m = 1, .today_d = 1,
                       .state = st};
        in->blank_passes = edit_expr_eval(x, &bc);
        edit_state_free(st);
    }
    /* level */
    const char *lv = r->f[C_LEVEL];
    if (!strcmp(lv, "patient")) {
        if (env.uses_tumor_items) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "%s: edit %s is a patient-level edit but its rule uses tumor items (use other. inside "
                        "count_tumors/any_other, or level tumor)", r->source, r->f[C_ID]);
            goto bad;
        }
        in->level = CRTK_EDIT_PATIENT;
    } else if (!strcmp(lv, "tumor")) {
        in->level = CRTK_EDIT_TUMOR;
    } else if (!*lv) {
        in->level = env.uses_tumor_items ? CRTK_EDIT_TUMOR : CRTK_EDIT_PATIENT;
    } else {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: edit %s: level must be tumor, patient or blank",
                    r->source, r->f[C_ID]);
        goto bad;
    }
    /* reported items */
    GPtrArray *items = g_ptr_array_new();
    if (template_item) {
        in->template_item = keep(core, template_item);
        in->template_it = crtk_dictionary_find(core->dict, template_item);
        if (in->template_it)
            g_ptr_array_add(items, (gpointer)in->template_it->id);
    } else {
        char **specs = g_strsplit(r->f[C_ITEMS], ",", -1);
        for (char **s = specs; *s; s++) {
            if (!*g_strstrip(*s))
                continue;
            gboolean optional;
            const crtk_item *it = resolve_spec(core->dict, *s, &optional);
            if (it) {
                g_ptr_array_add(items, (gpointer)it->id);
                add_involved(in->involved, it);
            } else if (!optional) {
                gboolean seen = FALSE;
                for (guint i = 0; i < missing->len; i++)
                    seen |= !strcmp(missing->pdata[i], *s);
                if (!seen)
                    g_ptr_array_add(missing, g_strdup(*s));
            }
        }
        g_strfreev(specs);
    }
    in->n_items = (int)items->len;
    g_ptr_array_add(items, NULL);
    in->items = (const char **)g_ptr_array_free(items, FALSE);
    /* over-ride */
    if (*r->f[C_OVERRIDE]) {
        char *spec = g_strdup(r->f[C_OVERRIDE]);
        char *eq = strchr(spec, '=');
        const char *codes = "1";
        if (eq) {
            *eq = '\0';
            codes = eq + 1;
        }
        gboolean optional;
        in->override = resolve_spec(core->dict, spec, &optional);
        size_t k = 0;
        for (const char *c = codes; *c && k + 1 < sizeof in->override_codes; c++)
            if (*c != ',' && *c != ' ')
                in->override_codes[k++] = *c;
        in->override_codes[k] = '\0';
        add_involved(in->involved, in->override);
        g_free(spec);
    }
    if (missing->len) {
        GString *s = g_string_new(NULL);
        g_string_append_printf(s, "%s%s%s: needs ", r->f[C_ID], template_item ? " for " : "",
                               template_item ? template_item : "");
        for (guint i = 0; i < missing->len; i++)
            g_string_append_printf(s, "%s%s", i ? ", " : "", (char *)missing->pdata[i]);
        g_string_append_printf(s, " (not in the NAACCR %d dictionary)", crtk_dictionary_version(core->dict));
        *skip = g_string_free(s, FALSE);
        g_ptr_array_free(missing, TRUE);
        edit_env_clear(&env);
        inst_free(in);
        return NULL;
    }
    g_ptr_array_free(missing, TRUE);
    edit_env_clear(&env);
    return in;
bad:
    g_ptr_array_free(missing, TRUE);
    edit_env_clear(&env);
    inst_free(in);
    return NULL;
}

/* Compiles one instance of an edit (for template_item, or NULL) and keeps it, or notes why it is
 * skipped; counts what was made and takes its level.  FALSE (error set) when the rule is wrong. */
static gboolean add_inst(edits_core *core, const edit_row *r, int def, const char *template_item,
                         crtk_edit_info *info, int *made, GError **error)
{
    char *skip = NULL;
    edit_inst *in = compile_inst(core, r, def, template_item, &skip, error);
    if (in) {
        g_ptr_array_add(core->insts, in);
        info->level = in->level;
        (*made)++;
    } else if (skip) {
        g_ptr_array_add(core->skipped, skip);
    } else {
        return FALSE;
    }
    return TRUE;
}

static void core_unref(edits_core *c)
{
    if (!c || --c->ref > 0)
        return;
    g_ptr_array_free(c->insts, TRUE);
    g_ptr_array_free(c->skipped, TRUE);
    g_array_free(c->infos, TRUE);
    g_strfreev(c->sets);
    crtk_record_free(c->blank);
    g_string_chunk_free(c->chunk);
    crtk_dictionary_unref(c->dict);
    g_free(c);
}

static crtk_edits *edits_new(edits_core *core)
{
    crtk_edits *e = g_new0(crtk_edits, 1);
    core->ref++;
    e->core = core;
    e->infos = g_array_new(FALSE, TRUE, sizeof(crtk_edit_info));
    e->info_of = g_new(int, core->infos->len + 1);
    for (guint i = 0; i <= core->infos->len; i++)
        e->info_of[i] = -1;
    e->insts = g_ptr_array_new();
    e->state = edit_state_new();
    e->detail = g_string_new(NULL);
    e->msg = g_string_new(NULL);
    /* today: CRTK_TODAY (set by --today) or the clock, as every part of crtk sees it */
    crtk_date today = crtk_date_today();
    e->today_y = today.year, e->today_m = today.month, e->today_d = today.day;
    return e;
}

static void edits_take(crtk_edits *e, edit_inst *in)
{
    if (e->info_of[in->def] < 0) {
        e->info_of[in->def] = (int)e->infos->len;
        g_array_append_val(e->infos, g_array_index(e->core->infos, crtk_edit_info, in->def));
    }
    g_ptr_array_add(e->insts, in);
}

/* Builds the item -> instance index of the instances that pass when blank. */
static void edits_index(crtk_edits *e)
{
    int n = crtk_dictionary_count(e->core->dict);
    e->n_dict_items = n;
    e->by_item_off = g_new0(int, n + 2);
    for (guint i = 0; i < e->insts->len; i++) {
        const edit_inst *in = e->insts->pdata[i];
        if (in->blank_passes)
            for (int k = 0; k < in->n_refs; k++)
                if (in->refs[k] >= 0 && in->refs[k] < n)
                    e->by_item_off[in->refs[k] + 1]++;
    }
    for (int i = 0; i < n; i++)
        e->by_item_off[i + 1] += e->by_item_off[i];
    e->by_item = g_new(int, e->by_item_off[n] + 1);
    int *fill = g_new0(int, n + 1);
    for (guint i = 0; i < e->insts->len; i++) {
        const edit_inst *in = e->insts->pdata[i];
        if (in->blank_passes)
            for (int k = 0; k < in->n_refs; k++)
                if (in->refs[k] >= 0 && in->refs[k] < n)
                    e->by_item[e->by_item_off[in->refs[k]] + fill[in->refs[k]]++] = (int)i;
    }
    g_free(fill);
    e->mark = g_new0(unsigned, e->insts->len + 1);
    e->stamp = 0;
}

static void mark_set(crtk_edits *e, const crtk_element *el)
{
    for (int k = 0; k < el->n_set; k++) {
        int idx = el->set[k];
        if (idx < 0 || idx >= e->n_dict_items || el->len[idx] == 0)
            continue;
        for (int j = e->by_item_off[idx]; j < e->by_item_off[idx + 1]; j++)
            e->mark[e->by_item[j]] = e->stamp;
    }
}

crtk_edits *crtk_edits_load(const char *set_name, const char *extra_dir, crtk_dictionary *dict, GError **error)
{
    g_return_val_if_fail(dict != NULL, NULL);
    GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
    if (!read_all(extra_dir, dict, rows, error)) {
        g_ptr_array_free(rows, TRUE);
        return NULL;
    }
    /* the sets the files name */
    GHashTable *sets = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *set_names = g_ptr_array_new();
    GPtrArray *owned = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < rows->len; i++) {
        char **parts = g_strsplit(((edit_row *)rows->pdata[i])->f[C_SETS], ",", -1);
        for (char **p = parts; *p; p++) {
            char *s = g_strstrip(*p);
            if (*s && !g_hash_table_contains(sets, s)) {
                char *c = g_strdup(s);
                g_ptr_array_add(owned, c);
                g_hash_table_add(sets, c);
                g_ptr_array_add(set_names, c);
            }
        }
        g_strfreev(parts);
    }
    if (set_name && strcmp(set_name, "all") && !g_hash_table_contains(sets, set_name)) {
        GString *known = g_string_new("all");
        for (guint i = 0; i < set_names->len; i++)
            g_string_append_printf(known, ", %s", (char *)set_names->pdata[i]);
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unknown edit set \"%s\" (known: %s)", set_name,
                    known->str);
        g_string_free(known, TRUE);
        g_hash_table_destroy(sets);
        g_ptr_array_free(set_names, TRUE);
        g_ptr_array_free(owned, TRUE);
        g_ptr_array_free(rows, TRUE);
        return NULL;
    }
    edits_core *core = g_new0(edits_core, 1);
    core->dict = crtk_dictionary_ref(dict);
    core->chunk = g_string_chunk_new(4096);
    core->infos = g_array_new(FALSE, TRUE, sizeof(crtk_edit_info));
    core->insts = g_ptr_array_new_with_free_func(inst_free);
    core->skipped = g_ptr_array_new_with_free_func(g_free);
    core->blank = crtk_record_new(dict);
    crtk_record_add_tumor(core->blank);
    const crtk_item *pid_item = crtk_dictionary_find(dict, "patientIdNumber");
    core->pid_index = pid_item ? pid_item->index : -1;
    g_ptr_array_sort(set_names, cmp_strp);
    core->sets = g_new0(char *, set_names->len + 1);
    for (guint i = 0; i < set_names->len; i++)
        core->sets[i] = g_strdup(set_names->pdata[i]);
    g_hash_table_destroy(sets);
    g_ptr_array_free(set_names, TRUE);
    g_ptr_array_free(owned, TRUE);

    gboolean ok = TRUE;
    for (guint i = 0; ok && i < rows->len; i++) {
        edit_row *r = rows->pdata[i];
        if (!in_set(r->f[C_SETS], set_name))
            continue;
        crtk_edit_info info = {0};
        info.id = keep(core, r->f[C_ID]);
        info.name = keep(core, r->f[C_NAME]);
        info.agency = keep(core, r->f[C_AGENCY]);
        info.sets = keep(core, r->f[C_SETS]);
        info.items = keep(core, r->f[C_ITEMS]);
        info.message = keep(core, *r->f[C_MESSAGE] ? r->f[C_MESSAGE] : r->f[C_NAME]);
        info.rule = keep(core, r->f[C_RULE]);
        info.source = keep(core, r->source);
        int def = (int)core->infos->len;
        int made = 0;
        if (strstr(r->f[C_RULE], "$item")) {
            char **specs = g_strsplit(r->f[C_ITEMS], ",", -1);
            for (char **s = specs; ok && *s; s++) {
                if (!*g_strstrip(*s))
                    continue;
                gboolean optional;
                const crtk_item *it = resolve_spec(dict, *s, &optional);
                if (!it)
                    continue; /* an item of the list the dictionary does not have */
                ok = add_inst(core, r, def, it->id, &info, &made, error);
            }
            g_strfreev(specs);
            if (ok && !made)
                g_ptr_array_add(core->skipped, g_strdup_printf("%s: none of its items is in the NAACCR %d dictionary",
                                                               r->f[C_ID], crtk_dictionary_version(dict)));
        } else {
            ok = add_inst(core, r, def, NULL, &info, &made, error);
        }
        if (made) {
            edit_inst *first = NULL;
            for (guint k = 0; k < core->insts->len; k++)
                if (((edit_inst *)core->insts->pdata[k])->def == def) {
                    first = core->insts->pdata[k];
                    break;
                }
            if (first && first->override) {
                info.override_item = first->override->id;
                GString *v = g_string_new(NULL);
                for (const char *c = first->override_codes; *c; c++)
                    g_string_append_printf(v, "%s%c", v->len ? "," : "", *c);
                info.override_values = keep(core, v->str);
                g_string_free(v, TRUE);
            }
            g_array_append_val(core->infos, info);
        }
    }
    g_ptr_array_free(rows, TRUE);
    if (!ok) {
        core->ref = 1;
        core_unref(core);
        return NULL;
    }
    crtk_edits *e = edits_new(core);
    for (guint i = 0; i < core->insts->len; i++)
        edits_take(e, core->insts->pdata[i]);
    edits_index(e);
    return e;
}

void crtk_edits_free(crtk_edits *e)
{
    if (!e)
        return;
    g_array_free(e->infos, TRUE);
    g_free(e->info_of);
    g_free(e->by_item_off);
    g_free(e->by_item);
    g_free(e->mark);
    g_ptr_array_free(e->insts, TRUE);
    edit_state_free(e->state);
    crtk_stage_record_reader_free(e->stage_reader);
    g_string_free(e->detail, TRUE);
    g_string_free(e->msg, TRUE);
    if (e->fail_items)
        g_ptr_array_free(e->fail_items, TRUE);
    core_unref(e->core);
    g_free(e);
}

crtk_edits *crtk_edits_involving(const crtk_edits *edits, const char *const *item_ids)
{
    crtk_edits *e = edits_new(edits->core);
    e->today_y = edits->today_y, e->today_m = edits->today_m, e->today_d = edits->today_d;
    for (guint i = 0; i < edits->insts->len; i++) {
        edit_inst *in = edits->insts->pdata[i];
        gboolean hit = FALSE;
        for (const char *const *id = item_ids; id && *id && !hit; id++)
            for (guint k = 0; k < in->involved->len && !hit; k++)
                hit = !strcmp(((const crtk_item *)in->involved->pdata[k])->id, *id);
        if (hit)
            edits_take(e, in);
    }
    edits_index(e);
    return e;
}

/* ---- running ------------------------------------------------------------------------ */

static const char *value_of(const crtk_record *r, int tumor, const crtk_item *it)
{
    if (!it)
        return "";
    const crtk_element *e = it->level == CRTK_LEVEL_PATIENT ? &r->patient
                            : tumor >= 0 && tumor < r->n_tumors ? &r->tumors[tumor]
                                                               : NULL;
    const char *v = e ? crtk_element_get(e, it->index, NULL) : NULL;
    return v ? v : "";
}

static void format_message(crtk_edits *e, const edit_inst *in, const crtk_edit_info *info, const crtk_record *r,
                           int tumor)
{
    GString *m = e->msg;
    g_string_truncate(m, 0);
    for (const char *p = info->message; *p;) {
        const char *close;
        if (*p == '{' && (close = strchr(p + 1, '}')) && close - p < 80) {
            char *key = g_strndup(p + 1, (gsize)(close - p - 1));
            if (!strcmp(key, "$item")) {
                g_string_append(m, in->template_item ? in->template_item : "");
            } else if (!strcmp(key, "$value")) {
                g_string_append(m, value_of(r, tumor, in->template_it));
            } else if (!strcmp(key, "$detail")) {
                g_string_append(m, e->detail->str);
            } else {
                gboolean optional;
                const crtk_item *it = resolve_spec(e->core->dict, key, &optional);
                if (it)
                    g_string_append(m, value_of(r, tumor, it));
                else if (!optional && !strchr(key, '|'))
                    g_string_append_printf(m, "{%s}", key);
            }
            g_free(key);
            p = close + 1;
        } else {
            g_string_append_c(m, *p++);
        }
    }
}

static gboolean overridden(const edit_inst *in, const crtk_record *r, int tumor)
{
    if (!in->override)
        return FALSE;
    const char *v = value_of(r, tumor, in->override);
    return v[0] && !v[1] && strchr(in->override_codes, v[0]) != NULL;
}

int crtk_edits_run_record(crtk_edits *e, const crtk_record *r, crtk_edit_fn fn, void *user)
{
    if (!e || !r || r->dict != e->core->dict)
        return -1;
    const char *pid = e->core->pid_index >= 0 ? crtk_element_get(&r->patient, e->core->pid_index, NULL) : NULL;
    if (!pid)
        pid = "";
    edit_ctx ctx = {.rec = r, .patient_id = pid, .tumor = -1, .other = -1, .today_y = e->today_y, .today_m = e->today_m,
                    .today_d = e->today_d, .state = e->cross_record_off ? NULL : e->state, .detail = e->detail,
                    .stage_reader = &e->stage_reader};
    int failures = 0;
    gboolean patient_failed = FALSE, stop = FALSE;
    e->stats.patients++;
    for (int pass = 0; pass < 2 && !stop; pass++) {
        /* pass 0: patient-level edits once; pass 1: tumor-level edits per tumor */
        int nt = pass == 0 ? 1 : r->n_tumors;
        for (int t = 0; t < nt && !stop; t++) {
            gboolean tumor_failed = FALSE;
            ctx.tumor = pass == 0 ? -1 : t;
            if (++e->stamp == 0) { /* wrapped: forget old marks */
                memset(e->mark, 0, sizeof(unsigned) * (e->insts->len + 1));
                e->stamp = 1;
            }
            mark_set(e, &r->patient);
            if (pass == 1)
                mark_set(e, &r->tumors[t]);
            for (guint i = 0; i < e->insts->len && !stop; i++) {
                const edit_inst *in = e->insts->pdata[i];
                if ((pass == 0) != (in->level == CRTK_EDIT_PATIENT))
                    continue;
                crtk_edit_info *info = &g_array_index(e->infos, crtk_edit_info, e->info_of[in->def]);
                if (in->blank_passes && e->mark[i] != e->stamp) {
                    info->evaluated++; /* every item blank: passes */
                    continue;
                }
                if (overridden(in, r, ctx.tumor)) {
                    info->overridden++;
                    continue;
                }
                info->evaluated++;
                g_string_truncate(e->detail, 0);
                if (edit_expr_eval(in->expr, &ctx))
                    continue;
                info->failures++;
                failures++;
                e->stats.failures++;
                if (pass == 0)
                    patient_failed = TRUE;
                else
                    tumor_failed = TRUE;
                if (fn) {
                    format_message(e, in, info, r, ctx.tumor);
                    crtk_edit_failure f = {
                        .patient = r->ordinal,
                        .patient_id = pid,
                        .tumor = pass == 0 ? 0 : t + 1,
                        .edit_id = info->id,
                        .edit_name = info->name,
                        .agency = info->agency,
                        .items = in->items,
                        .n_items = in->n_items,
                        .message = e->msg->str,
                        .override_item = in->override ? in->override->id : NULL,
                        .record = r,
                    };
                    if (fn(&f, user) == CRTK_ABORT)
                        stop = TRUE;
                }
            }
            if (pass == 1) {
                e->stats.tumors++;
                if (!tumor_failed && !patient_failed)
                    e->stats.tumors_passing++;
            }
        }
    }
    if (ctx.state && edit_state_error(ctx.state))
        return -2; /* P01 could not be checked: not a verdict */
    return failures;
}

const GError *crtk_edits_error(const crtk_edits *e)
{
    return e ? edit_state_error(e->state) : NULL;
}

crtk_edits_stats crtk_edits_stats_get(const crtk_edits *e)
{
    return e->stats;
}

void crtk_edits_reset(crtk_edits *e)
{
    memset(&e->stats, 0, sizeof e->stats);
    for (guint i = 0; i < e->infos->len; i++) {
        crtk_edit_info *info = &g_array_index(e->infos, crtk_edit_info, i);
        info->failures = info->evaluated = info->overridden = 0;
    }
    edit_state_reset(e->state);
}

int crtk_edits_count(const crtk_edits *e)
{
    return (int)e->infos->len;
}

const crtk_edit_info *crtk_edits_get(const crtk_edits *e, int i)
{
    return i >= 0 && i < (int)e->infos->len ? &g_array_index(e->infos, crtk_edit_info, i) : NULL;
}

const crtk_edit_info *crtk_edits_find(const crtk_edits *e, const char *id)
{
    for (guint i = 0; i < e->infos->len; i++) {
        const crtk_edit_info *info = &g_array_index(e->infos, crtk_edit_info, i);
        if (!strcmp(info->id, id))
            return info;
    }
    return NULL;
}

const GPtrArray *crtk_edits_skipped(const crtk_edits *e)
{
    return e->core->skipped;
}

GPtrArray *crtk_edits_unchecked(const crtk_edits *e, int *free_text)
{
    crtk_dictionary *d = e->core->dict;
    int n = crtk_dictionary_count(d), text = 0;
    gboolean *seen = g_new0(gboolean, n);
    for (guint i = 0; i < e->insts->len; i++) {
        const edit_inst *in = e->insts->pdata[i];
        for (guint k = 0; k < in->involved->len; k++)
            seen[((const crtk_item *)in->involved->pdata[k])->index] = TRUE;
        for (int k = 0; k < in->n_refs; k++)
            seen[in->refs[k]] = TRUE;
    }
    GPtrArray *out = g_ptr_array_new();
    for (int i = 0; i < n; i++) {
        const crtk_item *it = crtk_dictionary_item(d, i);
        if (seen[i] || it->level == CRTK_LEVEL_ROOT)
            continue;
        g_ptr_array_add(out, (gpointer)it);
        text += it->type == CRTK_TYPE_TEXT && it->length >= 40;
    }
    g_free(seen);
    if (free_text)
        *free_text = text;
    return out;
}

const char *const *crtk_edits_sets(const crtk_edits *e)
{
    return (const char *const *)e->core->sets;
}

crtk_dictionary *crtk_edits_dictionary(const crtk_edits *e)
{
    return e->core->dict;
}

void crtk_edits_set_cross_record(crtk_edits *e, gboolean on)
{
    e->cross_record_off = !on;
    edit_state_reset(e->state);
}

void crtk_edits_set_today(crtk_edits *e, int year, int month, int day)
{
    e->today_y = year, e->today_m = month, e->today_d = day;
}
