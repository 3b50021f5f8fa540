/* mf_store.c — a registry store's state metafile: recorded once (`crtk metafile use`), used by
 * `crtk edits DB` and by the edits that run while abstracting (`crtk case set`).
 *
 * The store keeps the metafile's absolute path, its SHA-256 and the chosen edit set as settings
 * (written through the store layer, in its transaction, audited like every setting).  Opening it
 * again checks the SHA-256, so a metafile replaced behind the registry's back is refused with a
 * message that says to run `crtk metafile use` again.
 */
#include "mf_private.h"
#include "crtk/metafile_store.h"

#include <string.h>

#define MF_ERROR g_quark_from_static_string("crtk-metafile")

static char *file_sha256(const char *path, GError **error)
{
    gchar *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, error))
        return NULL;
    char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
    g_free(data);
    return sum;
}

gboolean crtk_metafile_use(crtk_store *s, const char *path, const char *set, GError **error)
{
    crtk_metafile *mf = crtk_metafile_open(path, error);
    if (!mf)
        return FALSE;
    if (set && *set && !crtk_metafile_find_set(mf, set)) {
        g_set_error(error, MF_ERROR, 1, "%s has no edit set \"%s\"", crtk_metafile_name(mf), set);
        crtk_metafile_free(mf);
        return FALSE;
    }
    crtk_metafile_free(mf);
    char *abs = g_canonicalize_filename(path, NULL);
    char *sum = file_sha256(abs, error);
    gboolean ok = sum && crtk_store_set_setting(s, CRTK_SETTING_METAFILE_PATH, abs, error) &&
                  crtk_store_set_setting(s, CRTK_SETTING_METAFILE_SHA256, sum, error) &&
                  crtk_store_set_setting(s, CRTK_SETTING_METAFILE_SET, set ? set : "", error);
    g_free(abs);
    g_free(sum);
    return ok;
}

crtk_metafile *crtk_metafile_open_for_store(crtk_store *s, char **set, GError **error)
{
    if (set)
        *set = NULL;
    char *path = crtk_store_get_setting(s, CRTK_SETTING_METAFILE_PATH);
    if (!path || !*path) {
        g_free(path);
        return NULL;
    }
    char *want = crtk_store_get_setting(s, CRTK_SETTING_METAFILE_SHA256);
    char *sum = file_sha256(path, error);
    crtk_metafile *mf = NULL;
    if (sum && want && strcmp(sum, want) != 0)
        g_set_error(error, MF_ERROR, 1, "the state metafile %s changed since it was recorded (sha256 %.12s..., recorded %.12s...); "
                    "run `crtk metafile use` again", path, sum, want);
    else if (sum)
        mf = crtk_metafile_open(path, error);
    if (mf && set) {
        char *st = crtk_store_get_setting(s, CRTK_SETTING_METAFILE_SET);
        if (st && *st)
            *set = st;
        else
            g_free(st);
    }
    g_free(sum);
    g_free(want);
    g_free(path);
    return mf;
}

static int show(const crtk_mf_result *res, void *user)
{
    void **u = user;
    FILE *out = u[0];
    int *n = u[1];
    int tumor = *(int *)u[2];
    if (res->status == CRTK_MF_PASS)
        return CRTK_CONTINUE;
    if ((*n)++ == 0)
        fprintf(out, "state edits (metafile) that fail now:\n");
    fprintf(out, "  tumor %d  %s (%s): %s", tumor + 1, res->edit->tag, res->edit->name, res->message);
    for (int i = 0; res->extra && res->extra[i]; i++)
        fprintf(out, "; %s", res->extra[i]);
    fputc('\n', out);
    return CRTK_CONTINUE;
}

int crtk_metafile_case_run(crtk_store *s, const crtk_record *record, const char *const *items, int n_items, FILE *out)
{
    GError *err = NULL;
    char *set = NULL;
    crtk_metafile *mf = crtk_metafile_open_for_store(s, &set, &err);
    if (!mf) {
        if (err)
            fprintf(out, "(state edits not run: %s)\n", err->message);
        g_clear_error(&err);
        return 0;
    }
    crtk_dictionary *dict = record->dict;
    /* the edits reading any changed item */
    GPtrArray *tags = g_ptr_array_new();
    for (int i = 0; i < crtk_metafile_edit_count(mf); i++) {
        const crtk_mf_edit_info *e = crtk_metafile_edit(mf, i);
        gboolean hit = FALSE;
        for (int k = 0; e->fields[k] && !hit; k++)
            for (int j = 0; j < n_items && !hit; j++) {
                const crtk_item *it = crtk_dictionary_find(dict, items[j]);
                if (it && it->number == e->field_numbers[k])
                    hit = TRUE;
            }
        if (hit)
            g_ptr_array_add(tags, (gpointer)e->tag);
    }
    g_ptr_array_add(tags, NULL);
    int n = 0;
    if (tags->len > 1) {
        crtk_mf_runner *r = crtk_mf_runner_new(mf, set, (const char *const *)tags->pdata, dict, &err);
        if (!r) {
            /* edits outside the chosen set: run the set's edits only */
            g_clear_error(&err);
        } else {
            for (int t = 0; t < record->n_tumors; t++) {
                void *u[3] = {out, &n, &t};
                crtk_mf_runner_run(r, record, NULL, t, show, u);
            }
            crtk_mf_runner_free(r);
        }
    }
    g_ptr_array_free(tags, TRUE);
    g_free(set);
    crtk_metafile_free(mf);
    return n;
}
