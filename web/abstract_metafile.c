/* abstract_metafile.c — the store's state metafile (`crtk metafile use`) in the abstract form:
 * its edits (the recorded edit set) run beside the store's own edit set when a tumor is shown,
 * saved or checked live, and their failures are listed like crtk's.
 *
 * The metafile is opened and its edits compiled once, then kept while the store's recorded path
 * and SHA-256 and the file's size and modification time stay the same; when any of them changes
 * it is opened again through crtk_metafile_open_for_store, which checks the SHA-256.  A file that
 * no longer matches what was recorded is not run: the form shows one failure "metafile" saying
 * why (run `crtk metafile use` again).  The server handles one request at a time (libsoup main
 * loop), so one cache for the process is enough.
 */
#include "crtk/metafile_store.h"
#include "web.h"

#include <glib/gstdio.h>
#include <string.h>

/* Called from page_abstract.c (run_edits). */
void crtk_web_metafile_edits(crtk_web *web, const crtk_record *rec, int tumor, crtk_edit_fn fn, void *user);

static struct {
    crtk_store *store;
    char *path, *sha, *set;     /* the settings it was opened for */
    gint64 size, mtime;
    crtk_metafile *mf;
    crtk_mf_runner *run;
    crtk_dictionary *dict;
    char *error;                /* why it is not run (SHA-256 mismatch, unreadable) */
} cache;

static void cache_clear(void)
{
    crtk_mf_runner_free(cache.run);
    crtk_metafile_free(cache.mf);
    g_free(cache.path), g_free(cache.sha), g_free(cache.set), g_free(cache.error);
    memset(&cache, 0, sizeof cache);
}

static gboolean same_as_cached(crtk_store *s, const char *path, const char *sha, const char *set, const GStatBuf *st,
                               gboolean have_st)
{
    return cache.store == s && cache.path && !strcmp(cache.path, path) && !g_strcmp0(cache.sha, sha) &&
           !g_strcmp0(cache.set, set) && have_st && cache.size == (gint64)st->st_size &&
           cache.mtime == (gint64)st->st_mtime;
}

/* Brings the cache up to date; FALSE when the store has no metafile. */
static gboolean refresh(crtk_web *web, crtk_dictionary *dict)
{
    char *path = crtk_store_get_setting(web->store, CRTK_SETTING_METAFILE_PATH);
    if (!path || !*path) {
        g_free(path);
        cache_clear();
        return FALSE;
    }
    char *sha = crtk_store_get_setting(web->store, CRTK_SETTING_METAFILE_SHA256);
    char *set = crtk_store_get_setting(web->store, CRTK_SETTING_METAFILE_SET);
    GStatBuf st;
    gboolean have_st = g_stat(path, &st) == 0;
    if (!same_as_cached(web->store, path, sha, set, &st, have_st)) {
        cache_clear();
        cache.store = web->store;
        cache.path = g_strdup(path), cache.sha = g_strdup(sha), cache.set = g_strdup(set);
        cache.size = have_st ? (gint64)st.st_size : -1;
        cache.mtime = have_st ? (gint64)st.st_mtime : -1;
        GError *err = NULL;
        char *mset = NULL;
        cache.mf = crtk_metafile_open_for_store(web->store, &mset, &err);
        if (cache.mf)
            cache.run = crtk_mf_runner_new(cache.mf, mset, NULL, dict, &err);
        cache.dict = dict;
        if (err)
            cache.error = g_strdup_printf("state edits (metafile) not run: %s", err->message);
        g_clear_error(&err);
        g_free(mset);
    }
    if (cache.run && cache.dict != dict) {
        crtk_mf_runner_free(cache.run);
        GError *err = NULL;
        cache.run = crtk_mf_runner_new(cache.mf, cache.set && *cache.set ? cache.set : NULL, NULL, dict, &err);
        cache.dict = dict;
        if (err)
            cache.error = g_strdup_printf("state edits (metafile) not run: %s", err->message);
        g_clear_error(&err);
    }
    g_free(path), g_free(sha), g_free(set);
    return TRUE;
}

typedef struct {
    const crtk_record *rec;
    int tumor;                  /* 1-based */
    crtk_edit_fn fn;
    void *user;
} pass_on;

static int on_result(const crtk_mf_result *res, void *user)
{
    pass_on *p = user;
    if (res->status == CRTK_MF_PASS)
        return CRTK_CONTINUE;
    GString *msg = g_string_new(res->status == CRTK_MF_ERROR ? "could not finish: " : "");
    g_string_append(msg, res->message);
    for (int i = 0; res->extra && res->extra[i]; i++)
        g_string_append_printf(msg, "%s%s", msg->len ? "; " : "", res->extra[i]);
    g_string_append(msg, " (state edit)");
    crtk_edit_failure f = {0};
    f.patient = p->rec->ordinal;
    f.patient_id = crtk_record_patient_id(p->rec);
    f.tumor = p->tumor;
    f.edit_id = res->edit->tag;
    f.edit_name = res->edit->name;
    f.agency = res->edit->agency;
    f.items = res->items;
    f.n_items = res->n_items;
    f.message = msg->str;
    int rc = p->fn(&f, p->user);
    g_string_free(msg, TRUE);
    return rc;
}

void crtk_web_metafile_edits(crtk_web *web, const crtk_record *rec, int tumor, crtk_edit_fn fn, void *user)
{
    if (!refresh(web, rec->dict))
        return;
    if (cache.error || !cache.run) {
        static const char *const none[] = {NULL};
        crtk_edit_failure f = {0};
        f.patient = rec->ordinal;
        f.patient_id = crtk_record_patient_id(rec);
        f.edit_id = "metafile";
        f.edit_name = "State metafile";
        f.items = none;
        f.message = cache.error ? cache.error : "state edits (metafile) not run";
        fn(&f, user);
        return;
    }
    pass_on p = {rec, tumor, fn, user};
    if (tumor >= 1 && tumor <= rec->n_tumors)
        crtk_mf_runner_run(cache.run, rec, NULL, tumor - 1, on_result, &p);
}
