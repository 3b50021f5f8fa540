/* cmd_edits_metafile.c — `crtk edits FILE|DB --metafile STATE.smf [--set TAG] [--edits ID,...]`:
 * the state's EDITS metafile run natively, its results in crtk's edit reporting.
 *
 * Each failing edit on a record becomes a crtk_edit_failure whose edit is the metafile's EditTag
 * and goes through the same printer as crtk's own edits (text, JSON Lines, CSV, xlsx).  Edits that
 * cannot run (do not compile, lack an item, call an external DLL crtk has no engine for) are
 * listed as skipped on standard error and counted in the summary, never passed silently.
 * The summary names the metafile, its version (EE_Control MFContentVersion) and the edit set.
 */
#include "commands.h"
#include "cmd_edits_metafile.h"
#include "crtk/edits_xlsx.h"
#include "crtk/json.h"
#include "crtk/naaccr_read.h"
#include "crtk/store.h"

#include <string.h>

typedef struct {
    const char *id, *name, *agency;
    long failures, errors;
} mf_total;

struct mf_edits_run {
    crtk_metafile *mf;
    const char *set;
    char **only;
    GHashTable *by_dict;     /* crtk_dictionary* -> crtk_mf_runner* */
    GPtrArray *runners;
    GArray *totals;          /* mf_total */
    GHashTable *total_at;    /* tag -> index */
    long patients, tumors, tumors_passing, failures, errors;
    GError *error;
    crtk_edit_fn on_failure;
    void *user;
    /* the record being run */
    const crtk_record *rec;
    int tumor;
    int tumor_failures;
};

mf_edits_run *mf_edits_run_new(crtk_metafile *mf, const char *set, const char *edits_csv, crtk_edit_fn on_failure, void *user)
{
    mf_edits_run *m = g_new0(mf_edits_run, 1);
    m->mf = mf;
    m->set = set;
    m->only = edits_csv ? g_strsplit(edits_csv, ",", -1) : NULL;
    if (m->only)
        for (char **p = m->only; *p; p++)
            g_strstrip(*p);
    m->by_dict = g_hash_table_new(g_direct_hash, g_direct_equal);
    m->runners = g_ptr_array_new_with_free_func((GDestroyNotify)crtk_mf_runner_free);
    m->totals = g_array_new(FALSE, TRUE, sizeof(mf_total));
    m->total_at = g_hash_table_new(g_str_hash, g_str_equal);
    m->on_failure = on_failure;
    m->user = user;
    return m;
}

void mf_edits_run_free(mf_edits_run *m)
{
    if (!m)
        return;
    g_hash_table_destroy(m->by_dict);
    g_ptr_array_free(m->runners, TRUE);
    g_array_free(m->totals, TRUE);
    g_hash_table_destroy(m->total_at);
    g_strfreev(m->only);
    g_clear_error(&m->error);
    g_free(m);
}

const GError *mf_edits_run_error(const mf_edits_run *m) { return m->error; }

static crtk_mf_runner *runner_for(mf_edits_run *m, crtk_dictionary *dict)
{
    crtk_mf_runner *r = g_hash_table_lookup(m->by_dict, dict);
    if (r || m->error)
        return r;
    r = crtk_mf_runner_new(m->mf, m->set, (const char *const *)m->only, dict, &m->error);
    if (!r)
        return NULL;
    g_hash_table_insert(m->by_dict, dict, r);
    g_ptr_array_add(m->runners, r);
    for (int i = 0; i < crtk_mf_runner_count(r); i++) {
        const crtk_mf_edit_info *e = crtk_mf_runner_edit(r, i);
        if (!g_hash_table_contains(m->total_at, e->tag)) {
            mf_total t = {e->tag, e->name, e->agency, 0, 0};
            g_hash_table_insert(m->total_at, (gpointer)e->tag, GINT_TO_POINTER(m->totals->len));
            g_array_append_val(m->totals, t);
        }
    }
    const GPtrArray *sk = crtk_mf_runner_skipped(r);
    for (guint i = 0; i < sk->len; i++)
        fprintf(stderr, "crtk: %s: skipped %s\n", crtk_metafile_name(m->mf), (const char *)sk->pdata[i]);
    return r;
}

static int on_result(const crtk_mf_result *res, void *user)
{
    mf_edits_run *m = user;
    if (res->status == CRTK_MF_PASS)
        return CRTK_CONTINUE;
    mf_total *t = &g_array_index(m->totals, mf_total, GPOINTER_TO_INT(g_hash_table_lookup(m->total_at, res->edit->tag)));
    if (res->status == CRTK_MF_ERROR) {
        t->errors++;
        m->errors++;
    } else {
        t->failures++;
        m->failures++;
    }
    m->tumor_failures++;
    GString *msg = g_string_new(res->message);
    for (int i = 0; res->extra && res->extra[i]; i++)
        g_string_append_printf(msg, "%s%s", msg->len ? "; " : "", res->extra[i]);
    crtk_edit_failure f = {0};
    f.patient = m->rec->ordinal;
    f.patient_id = crtk_record_patient_id(m->rec);
    f.tumor = m->tumor + 1;
    f.edit_id = res->edit->tag;
    f.edit_name = res->edit->name;
    f.agency = res->edit->agency;
    f.items = res->items;
    f.n_items = res->n_items;
    f.message = msg->str;
    f.record = m->rec;
    int rc = m->on_failure ? m->on_failure(&f, m->user) : CRTK_CONTINUE;
    g_string_free(msg, TRUE);
    return rc;
}

gboolean mf_edits_run_record(mf_edits_run *m, const crtk_record *rec)
{
    crtk_mf_runner *r = runner_for(m, rec->dict);
    if (!r)
        return FALSE;
    m->rec = rec;
    m->patients++;
    for (int t = 0; t < rec->n_tumors; t++) {
        m->tumor = t;
        m->tumor_failures = 0;
        crtk_mf_runner_run(r, rec, NULL, t, on_result, m);
        m->tumors++;
        if (!m->tumor_failures)
            m->tumors_passing++;
    }
    return TRUE;
}

static int store_patient(crtk_stored_patient *p, void *user)
{
    return mf_edits_run_record(user, p->record) ? CRTK_CONTINUE : CRTK_ABORT;
}

gboolean mf_edits_run_store(mf_edits_run *m, struct crtk_store *s, const char *where, GError **error)
{
    if (!crtk_store_foreach(s, where, store_patient, m, error))
        return FALSE;
    /* the walk stopped because the edits could not be made ready (a lookup table not read) */
    return m->error == NULL;
}

long mf_edits_run_failures(const mf_edits_run *m) { return m->failures + m->errors; }

void mf_edits_run_summary(const mf_edits_run *m, FILE *out, gboolean json, gboolean every, long files)
{
    const crtk_mf_set_info *si = m->runners->len ? crtk_mf_runner_set(m->runners->pdata[0])
                                 : m->set && g_ascii_strcasecmp(m->set, "all") ? crtk_metafile_find_set(m->mf, m->set) : NULL;
    long skipped = m->runners->len ? (long)crtk_mf_runner_skipped(m->runners->pdata[0])->len : 0;
    const char *version = crtk_metafile_control(m->mf, "MFContentVersion");
    double share = m->tumors ? 100.0 * (double)m->tumors_passing / (double)m->tumors : 100.0;
    if (json) {
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < m->totals->len; i++) {
            const mf_total *t = &g_array_index(m->totals, mf_total, i);
            if (!t->failures && !t->errors && !every)
                continue;
            g_string_assign(s, "{");
            crtk_json_field_str(s, "summary", "edit", TRUE);
            crtk_json_field_str(s, "edit", t->id, FALSE);
            crtk_json_field_str(s, "name", t->name, FALSE);
            crtk_json_field_int(s, "failures", t->failures, FALSE);
            if (t->errors)
                crtk_json_field_int(s, "errors", t->errors, FALSE);
            g_string_append_c(s, '}');
            fprintf(out, "%s\n", s->str);
        }
        g_string_assign(s, "{");
        crtk_json_field_str(s, "summary", "total", TRUE);
        crtk_json_field_str(s, "metafile", crtk_metafile_name(m->mf), FALSE);
        crtk_json_field_str(s, "metafileVersion", version, FALSE);
        crtk_json_field_str(s, "set", si ? si->tag : "all", FALSE);
        crtk_json_field_int(s, "files", files, FALSE);
        crtk_json_field_int(s, "patients", m->patients, FALSE);
        crtk_json_field_int(s, "tumors", m->tumors, FALSE);
        crtk_json_field_int(s, "tumorsPassing", m->tumors_passing, FALSE);
        g_string_append_printf(s, ",\"passingPercent\":%.1f", share);
        crtk_json_field_int(s, "failures", m->failures, FALSE);
        crtk_json_field_int(s, "errors", m->errors, FALSE);
        crtk_json_field_int(s, "edits", m->totals->len, FALSE);
        crtk_json_field_int(s, "skipped", skipped, FALSE);
        g_string_append_c(s, '}');
        fprintf(out, "%s\n", s->str);
        g_string_free(s, TRUE);
        return;
    }
    fprintf(out, "Edits (metafile %s version %s, set %s, %u edits, %ld skipped): %ld patient%s, %ld tumor%s; "
                 "%ld tumor%s (%.1f%%) pass every edit; %ld failure%s",
            crtk_metafile_name(m->mf), *version ? version : "?", si ? si->tag : "all", m->totals->len, skipped,
            m->patients, m->patients == 1 ? "" : "s", m->tumors, m->tumors == 1 ? "" : "s", m->tumors_passing,
            m->tumors_passing == 1 ? "" : "s", share, m->failures, m->failures == 1 ? "" : "s");
    if (m->errors)
        fprintf(out, ", %ld edit run%s that could not finish", m->errors, m->errors == 1 ? "" : "s");
    fputc('\n', out);
    for (guint i = 0; i < m->totals->len; i++) {
        const mf_total *t = &g_array_index(m->totals, mf_total, i);
        if (t->failures || t->errors || every)
            fprintf(out, "  %-28s %8ld  %s%s\n", t->id, t->failures + t->errors, t->name, t->errors ? " (some runs could not finish)" : "");
    }
}

const char *mf_edits_run_set_tag(const mf_edits_run *m)
{
    const crtk_mf_set_info *si = m->runners->len ? crtk_mf_runner_set(m->runners->pdata[0])
                                 : m->set && g_ascii_strcasecmp(m->set, "all") ? crtk_metafile_find_set(m->mf, m->set) : NULL;
    return si ? si->tag : "all";
}

gboolean mf_edits_run_xlsx_close(const mf_edits_run *m, crtk_edits_xlsx *x, GError **error)
{
    GArray *rows = g_array_new(FALSE, TRUE, sizeof(crtk_edits_xlsx_row));
    for (guint i = 0; i < m->totals->len; i++) {
        const mf_total *t = &g_array_index(m->totals, mf_total, i);
        crtk_edits_xlsx_row row = {t->id, t->name, t->agency, t->failures + t->errors, 0};
        g_array_append_val(rows, row);
    }
    const char *version = crtk_metafile_control(m->mf, "MFContentVersion");
    char *what = g_strdup_printf("metafile %s version %s, edit set %s", crtk_metafile_name(m->mf), *version ? version : "?",
                                 mf_edits_run_set_tag(m));
    gboolean ok = crtk_edits_xlsx_close_rows(x, (const crtk_edits_xlsx_row *)(void *)rows->data, (int)rows->len, m->tumors,
                                             m->tumors_passing, what, error);
    g_free(what);
    g_array_free(rows, TRUE);
    return ok;
}

int mf_edits_list(crtk_metafile *mf, const char *set, FILE *out, gboolean json)
{
    const crtk_mf_set_info *si = NULL;
    if (set && g_ascii_strcasecmp(set, "all") != 0 && !(si = crtk_metafile_find_set(mf, set))) {
        crtk_cli_error("edits: %s has no edit set \"%s\"", crtk_metafile_name(mf), set);
        return EXIT_USAGE;
    }
    if (!json) {
        fprintf(out, "metafile %s version %s\n", crtk_metafile_name(mf), crtk_metafile_control(mf, "MFContentVersion"));
        for (int i = 0; i < crtk_metafile_set_count(mf); i++) {
            const crtk_mf_set_info *s = crtk_metafile_set(mf, i);
            fprintf(out, "set %-10s %s (%d edits)\n", s->tag, s->name, s->n_edits);
        }
    }
    for (int i = 0; i < crtk_metafile_edit_count(mf); i++) {
        const crtk_mf_edit_info *e = crtk_metafile_edit(mf, i);
        if (si) {
            gboolean in = FALSE;
            char **sets = g_strsplit(e->sets, ",", -1);
            for (char **p = sets; *p; p++)
                if (strcmp(*p, si->tag) == 0)
                    in = TRUE;
            g_strfreev(sets);
            if (!in)
                continue;
        }
        if (json) {
            GString *s = g_string_new("{");
            crtk_json_field_str(s, "edit", e->tag, TRUE);
            crtk_json_field_str(s, "name", e->name, FALSE);
            crtk_json_field_str(s, "agency", e->agency, FALSE);
            crtk_json_field_str(s, "sets", e->sets, FALSE);
            g_string_append_c(s, '}');
            fprintf(out, "%s\n", s->str);
            g_string_free(s, TRUE);
        } else {
            fprintf(out, "%-12s %-8s %s\n", e->tag, e->agency, e->name);
        }
    }
    return EXIT_OK;
}
