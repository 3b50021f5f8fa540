/* store_upgrade.c — moving a store to another NAACCR version (`crtk upgrade`).
 *
 * The tables are rebuilt for the new dictionary inside one transaction: every
 * patient and tumor keeps its row id, and its values go through the same
 * conversion as `crtk convert` (items kept by naaccrId, renamed items by
 * number, sex -> sexAssignedAtBirth for 26, level moves, date/dateTime).  What
 * the conversion dropped or changed is written to the audit trail, with the
 * version change itself.
 */
#include "store_private.h"
#include "convert.h"

#include <string.h>

typedef struct {
    crtk_store *s;
    crtk_converter *conv;
    crtk_record *out;
    sqlite3_stmt *ins_p, *ins_t;
    int *param;          /* new dict item index -> parameter */
    guint8 *used;        /* new dict item index -> has a value */
    GError *error;
    long patients, tumors;
    gboolean drop_values;  /* may values be dropped (each is then audited)? */
    long dropped;          /* values the new version has no item for */
    char *first_drop;      /* where the first one is, for the refusal */
} upgrade_ctx;

/* Values of e that the new version has no item for: refused, or audited one by one. */
static gboolean note_dropped(upgrade_ctx *c, const crtk_stored_patient *p, const crtk_element *e, gint64 tumor_id)
{
    crtk_dictionary *from = c->s->dict;
    const char *pkey = crtk_record_patient_id(p->record);
    gboolean ok = TRUE;
    for (int k = 0; ok && k < e->n_set; k++) {
        int idx = e->set[k];
        if (!e->len[idx] || crtk_converter_target_of(c->conv, idx) >= 0)
            continue;
        const crtk_item *it = crtk_dictionary_item(from, idx);
        c->dropped++;
        if (!c->first_drop)
            c->first_drop = g_strdup_printf("patient %s, item %s", pkey ? pkey : "?", it->id);
        if (c->drop_values) {
            char *old = g_strndup(e->arena->str + e->off[idx], e->len[idx]);
            ok = crtk_store_audit(c->s, p->patient_id, tumor_id, pkey, it->id, old, NULL, &c->error);
            g_free(old);
        }
    }
    return ok;
}

static gboolean bind_element(upgrade_ctx *c, sqlite3_stmt *st, const crtk_element *e, crtk_dictionary *d,
                             gboolean tumor)
{
    for (int k = 0; k < e->n_set; k++) {
        int idx = e->set[k];
        const crtk_item *it = crtk_dictionary_item(d, idx);
        if (crtk_store_item_in_tumor_table(it) != tumor || !c->param[idx])
            continue;
        sqlite3_bind_text(st, c->param[idx], e->arena->str + e->off[idx], (int)e->len[idx], SQLITE_STATIC);
        c->used[idx] = 1;
    }
    return TRUE;
}

static int upgrade_one(crtk_stored_patient *p, void *user)
{
    upgrade_ctx *c = user;
    crtk_dictionary *d = crtk_converter_target(c->conv);
    if (!note_dropped(c, p, &p->record->patient, 0))
        return CRTK_ABORT;
    for (int t = 0; t < p->record->n_tumors; t++)
        if (!note_dropped(c, p, &p->record->tumors[t], p->tumor_ids[t]))
            return CRTK_ABORT;
    crtk_converter_record(c->conv, p->record, c->out);
    sqlite3_reset(c->ins_p);
    sqlite3_clear_bindings(c->ins_p);
    sqlite3_bind_int64(c->ins_p, 1, p->patient_id);
    bind_element(c, c->ins_p, &c->out->patient, d, FALSE);
    if (sqlite3_step(c->ins_p) != SQLITE_DONE) {
        crtk_store_set_sqlite_error(c->s, &c->error, "cannot copy a patient");
        return CRTK_ABORT;
    }
    c->patients++;
    for (int t = 0; t < c->out->n_tumors; t++) {
        sqlite3_reset(c->ins_t);
        sqlite3_clear_bindings(c->ins_t);
        sqlite3_bind_int64(c->ins_t, 1, p->tumor_ids[t]);
        sqlite3_bind_int64(c->ins_t, 2, p->patient_id);
        bind_element(c, c->ins_t, &c->out->tumors[t], d, TRUE);
        if (sqlite3_step(c->ins_t) != SQLITE_DONE) {
            crtk_store_set_sqlite_error(c->s, &c->error, "cannot copy a tumor");
            return CRTK_ABORT;
        }
        c->tumors++;
    }
    return CRTK_CONTINUE;
}

typedef struct {
    crtk_store *s;
    crtk_problem_fn fn;
    void *user;
    gboolean ok;
    GError **error;
} report_ctx;

static int audit_report(const crtk_problem *p, void *user)
{
    report_ctx *r = user;
    if (r->fn)
        r->fn(p, r->user);
    if (r->ok && !crtk_store_audit(r->s, 0, 0, NULL, p->item, p->message, NULL, r->error))
        r->ok = FALSE;
    return CRTK_CONTINUE;
}

static gboolean prepare_copy(crtk_store *s, upgrade_ctx *c, crtk_dictionary *to, GError **error)
{
    c->param = g_new0(int, crtk_dictionary_count(to));
    for (int t = 0; t < 2; t++) {
        GString *sql = g_string_new(t ? "INSERT INTO tumor_new(id, patient_id" : "INSERT INTO patient_new(id");
        GString *vals = g_string_new(t ? "?1, ?2" : "?1");
        int n = t ? 2 : 1;
        for (int i = 0; i < crtk_dictionary_count(to); i++) {
            const crtk_item *it = crtk_dictionary_item(to, i);
            if (crtk_store_item_in_tumor_table(it) != (t == 1))
                continue;
            n++;
            g_string_append_printf(sql, ", \"%s\"", it->id);
            g_string_append_printf(vals, ", ?%d", n);
            c->param[i] = n;
        }
        g_string_append_printf(sql, ") VALUES (%s)", vals->str);
        gboolean ok = crtk_store_prepare(s, sql->str, t ? &c->ins_t : &c->ins_p, error);
        g_string_free(sql, TRUE);
        g_string_free(vals, TRUE);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

gboolean crtk_store_upgrade(crtk_store *s, int version, crtk_problem_fn on_problem, void *user, GError **error)
{
    return crtk_store_change_version(s, version, FALSE, on_problem, user, error);
}

gboolean crtk_store_change_version(crtk_store *s, int version, gboolean drop_values, crtk_problem_fn on_problem,
                                   void *user, GError **error)
{
    if (version == s->version) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "%s is already NAACCR %d", s->path, version);
        return FALSE;
    }
    crtk_dictionary *to = crtk_dictionary_new(version, error);
    if (!to)
        return FALSE;
    /* User dictionaries that name no version (or the new one) come along. */
    sqlite3_stmt *st;
    GPtrArray *dropped_dicts = g_ptr_array_new_with_free_func(g_free);
    gboolean dicts_read = TRUE;
    if (crtk_store_prepare(s, "SELECT uri, xml FROM crtk_user_dictionary ORDER BY rowid", &st, error)) {
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *xml = (const char *)sqlite3_column_text(st, 1);
            crtk_user_dictionary *ud = crtk_user_dictionary_parse(xml, strlen(xml), "stored", NULL, NULL, NULL);
            int uv = ud ? crtk_user_dictionary_version(ud) : -1;
            if (ud && (uv == 0 || uv == version))
                crtk_dictionary_add_user(to, ud, NULL);
            else
                g_ptr_array_add(dropped_dicts, g_strdup((const char *)sqlite3_column_text(st, 0)));
            crtk_user_dictionary_free(ud);
        }
        if (crtk_store_step_failed(s, rc, error, "cannot read the user dictionaries"))
            dicts_read = FALSE;
        sqlite3_finalize(st);
    }
    upgrade_ctx c = {.s = s, .drop_values = drop_values};
    c.used = g_new0(guint8, crtk_dictionary_count(to));
    c.conv = crtk_converter_new(s->dict, to, CRTK_RT_A);
    c.out = crtk_record_new(to);
    crtk_store_forget_statements(s);
    gboolean ok = dicts_read && crtk_store_exec(s, "PRAGMA foreign_keys = OFF;", error) && crtk_store_begin(s, error);
    /* Every row gets a new digest below: a row changed outside crtk must be found first, not absorbed. */
    if (ok && !crtk_store_digest_check_all(s, error)) {
        crtk_store_rollback(s);
        ok = FALSE;
    } else if (ok) {
        /* Build the new tables with the new dictionary's columns. */
        crtk_dictionary *old = s->dict;
        GArray *op = s->patient_cols, *ot = s->tumor_cols;
        s->dict = to;
        crtk_store_build_columns(s);
        GString *p = crtk_store_table_sql(s, "patient_new", s->patient_cols, FALSE);
        GString *t = crtk_store_table_sql(s, "tumor_new", s->tumor_cols, TRUE);
        g_array_free(s->patient_cols, TRUE);
        g_array_free(s->tumor_cols, TRUE);
        s->dict = old;
        s->patient_cols = op;
        s->tumor_cols = ot;
        ok = crtk_store_exec(s, p->str, error) && crtk_store_exec(s, t->str, error) && prepare_copy(s, &c, to, error);
        g_string_free(p, TRUE);
        g_string_free(t, TRUE);
    }
    if (ok) {
        ok = crtk_store_foreach(s, NULL, upgrade_one, &c, error);
        if (ok && c.error) {
            g_propagate_error(error, c.error);
            c.error = NULL;
            ok = FALSE;
        }
        if (ok && c.dropped && !drop_values) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "NAACCR %d has no item for %ld value%s of this store (the first: %s); nothing was changed: "
                        "to drop them (each is recorded in the audit trail, after a backup) give --drop-values",
                        version, c.dropped, c.dropped == 1 ? "" : "s", c.first_drop);
            ok = FALSE;
        }
    }
    g_free(c.first_drop);
    sqlite3_finalize(c.ins_p);
    sqlite3_finalize(c.ins_t);
    c.ins_p = c.ins_t = NULL;
    if (ok)
        ok = crtk_store_exec(s,
                             "DROP TABLE tumor; DROP TABLE patient;"
                             "ALTER TABLE patient_new RENAME TO patient; ALTER TABLE tumor_new RENAME TO tumor;"
                             "CREATE INDEX tumor_patient ON tumor(patient_id);",
                             error);
    if (ok && crtk_dictionary_find(to, "patientIdNumber"))
        ok = crtk_store_exec(s, "CREATE INDEX patient_key ON patient(\"patientIdNumber\");", error);
    if (ok && crtk_dictionary_find(to, "reportingFacility") && crtk_dictionary_find(to, "medicalRecordNumber"))
        ok = crtk_store_exec(s, "CREATE INDEX tumor_facility_mrn ON tumor(\"reportingFacility\", "
                                "\"medicalRecordNumber\");", error);
    /* The items in use, by the new dictionary's names. */
    if (ok)
        ok = crtk_store_exec(s, "CREATE TABLE IF NOT EXISTS crtk_used_item (name TEXT PRIMARY KEY); "
                                "DELETE FROM crtk_used_item;", error);
    for (int i = 0; ok && i < crtk_dictionary_count(to); i++) {
        if (!c.used[i])
            continue;
        if ((ok = crtk_store_prepare(s, "INSERT INTO crtk_used_item(name) VALUES (?1)", &st, error))) {
            sqlite3_bind_text(st, 1, crtk_dictionary_item(to, i)->id, -1, SQLITE_STATIC);
            ok = sqlite3_step(st) == SQLITE_DONE;
            sqlite3_finalize(st);
        }
    }
    char from_v[16], to_v[16];
    g_snprintf(from_v, sizeof from_v, "%d", s->version);
    g_snprintf(to_v, sizeof to_v, "%d", version);
    if (ok)
        ok = crtk_store_put_setting_raw(s, "naaccrVersion", to_v, error) &&
             crtk_store_audit(s, 0, 0, NULL, "naaccrVersion", from_v, to_v, error);
    for (guint i = 0; ok && i < dropped_dicts->len; i++) {
        const char *uri = g_ptr_array_index(dropped_dicts, i);
        ok = crtk_store_audit(s, 0, 0, NULL, "userDictionary", uri, NULL, error);
        if (ok && crtk_store_prepare(s, "DELETE FROM crtk_user_dictionary WHERE uri = ?1", &st, error)) {
            sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
            ok = !crtk_store_step_failed(s, sqlite3_step(st), error, "cannot drop a user dictionary");
            sqlite3_finalize(st);
        }
    }
    if (ok) {
        report_ctx r = {s, on_problem, user, TRUE, error};
        crtk_converter_report(c.conv, s->path, audit_report, &r);
        ok = r.ok;
    }
    /* The new tables' rows: their digests, stated in the trail (the old tables' triggers went with them). */
    s->digest_installed = FALSE;
    crtk_store_digest_forget(s);
    if (ok && s->schema_version >= 2)
        ok = crtk_store_digest_all(s, error);
    if (ok)
        ok = crtk_store_commit(s, error);
    else
        crtk_store_rollback(s);
    if (s->schema_version >= 2)
        crtk_store_digest_install(s, ok ? error : NULL);
    crtk_store_exec(s, "PRAGMA foreign_keys = ON;", NULL);
    if (ok) {
        /* Switch the open store to the new dictionary. */
        crtk_dictionary_unref(s->dict);
        s->dict = crtk_dictionary_ref(to);
        s->version = version;
        g_array_free(s->patient_cols, TRUE);
        g_array_free(s->tumor_cols, TRUE);
        crtk_store_build_columns(s);
        if (s->insert_patient)
            sqlite3_finalize(s->insert_patient);
        if (s->insert_tumor)
            sqlite3_finalize(s->insert_tumor);
        s->insert_patient = s->insert_tumor = NULL;
        g_free(s->param_of_item);
        s->param_of_item = NULL;
        g_free(s->used);
        s->used = c.used;
        c.used = NULL;
        s->used_known = TRUE;
        g_array_set_size(s->used_new, 0);
    }
    g_free(c.used);
    g_free(c.param);
    crtk_record_free(c.out);
    crtk_converter_free(c.conv);
    crtk_dictionary_unref(to);
    g_ptr_array_free(dropped_dicts, TRUE);
    return ok;
}
