/* store_submission.c — the store's side of submissions: which tumors to send, stamping
 * Date Case Report Exported, and the transmission history (table crtk_transmission).
 *
 * The audit trail tells what changed after the last transmission: when a
 * transmission is recorded, the id of its own audit entry is kept in the setting
 * submissionAuditMark, and every audit entry with a larger id is a later change.
 * That covers changes made on the day of the last export, which the dates alone
 * (YYYYMMDD) cannot tell apart.  See store_submission.h.
 */
#include "store_private.h"
#include "date.h"
#include "store_submission.h"
#include "derived.h"

#include <stdlib.h>
#include <string.h>

gboolean crtk_store_enable_derived(crtk_store *s, GError **error)
{
    return crtk_derived_register_sqlite(s->db, error);
}

static gboolean has_item(crtk_store *s, const char *id)
{
    return crtk_dictionary_find(s->dict, id) != NULL;
}

static gboolean valid_date(const char *text)
{
    crtk_date d;
    return crtk_date_parse_naaccr(text, strlen(text), CRTK_DATE_FULL | CRTK_DATE_CALENDAR, &d);
}

char *crtk_store_submission_where(crtk_store *s, const char *since, GError **error)
{
    if (!since || !*since)
        since = "last";
    if (!strcmp(since, "all"))
        return g_strdup("1");
    gboolean exported = has_item(s, "dateCaseReportExported"), changed = has_item(s, "dateCaseLastChanged");
    if (!exported) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "NAACCR %d has no item dateCaseReportExported: cannot tell what was sent", s->version);
        return NULL;
    }
    GString *w = g_string_new("(t.\"dateCaseReportExported\" IS NULL");
    if (!strcmp(since, "last")) {
        if (changed)
            g_string_append(w, " OR t.\"dateCaseLastChanged\" > t.\"dateCaseReportExported\"");
        char *mark = crtk_store_get_setting(s, "submissionAuditMark");
        gint64 m = mark ? g_ascii_strtoll(mark, NULL, 10) : 0;
        g_free(mark);
        if (m > 0)
            g_string_append_printf(w,
                " OR t.id IN (SELECT tumor_id FROM audit WHERE id > %" G_GINT64_FORMAT " AND tumor_id IS NOT NULL"
                " AND item IS NOT 'row')"
                " OR t.patient_id IN (SELECT patient_id FROM audit WHERE id > %" G_GINT64_FORMAT
                " AND tumor_id IS NULL AND patient_id IS NOT NULL AND item IS NOT 'row')", m, m);
            /* ("row" entries state digests of rows changed by the entries before them, or of every row
               when the store was upgraded: not changes of their own; store_digest.c) */
    } else if (valid_date(since)) {
        if (changed)
            g_string_append_printf(w, " OR t.\"dateCaseLastChanged\" >= '%s'", since);
    } else {
        g_string_free(w, TRUE);
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "--since must be last, all or a date YYYYMMDD, not \"%s\"",
                    since);
        return NULL;
    }
    g_string_append_c(w, ')');
    return g_string_free(w, FALSE);
}

char *crtk_store_unfinished_where(crtk_store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = SQLITE_DONE;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'crtk_abstract'", -1, &st,
                           NULL) == SQLITE_OK)
        rc = sqlite3_step(st);
    gboolean table = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    /* A failed read would send the held cases: the submission refuses to be recorded after it. */
    crtk_store_note_read_error(s, rc, "cannot read the abstract statuses");
    if (!table)
        return g_strdup("0");
    return g_strdup("t.id IN (SELECT tumor_id FROM crtk_abstract WHERE status <> 'complete')");
}

gboolean crtk_store_mark_exported(crtk_store *s, const gint64 *tumor_ids, gsize n, const char *date, GError **error)
{
    if (!has_item(s, "dateCaseReportExported")) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "NAACCR %d has no item dateCaseReportExported", s->version);
        return FALSE;
    }
    gboolean key = has_item(s, "patientIdNumber");
    sqlite3_stmt *get = NULL, *put = NULL;
    if (!crtk_store_begin(s, error))
        return FALSE;
    crtk_store_mark_used(s, crtk_dictionary_find(s->dict, "dateCaseReportExported")->index);
    gboolean ok = crtk_store_prepare(s, key ? "SELECT t.patient_id, t.\"dateCaseReportExported\", p.\"patientIdNumber\" "
                                              "FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE t.id = ?1"
                                            : "SELECT t.patient_id, t.\"dateCaseReportExported\", NULL "
                                              "FROM tumor t WHERE t.id = ?1", &get, error) &&
                  crtk_store_prepare(s, "UPDATE tumor SET \"dateCaseReportExported\" = ?1 WHERE id = ?2", &put, error);
    for (gsize i = 0; ok && i < n; i++) {
        sqlite3_reset(get);
        sqlite3_bind_int64(get, 1, tumor_ids[i]);
        int grc = sqlite3_step(get);
        if (crtk_store_step_failed(s, grc, error, "cannot read a tumor")) {
            ok = FALSE;
            break;
        }
        if (grc != SQLITE_ROW)
            continue; /* deleted meanwhile */
        gint64 pid = sqlite3_column_int64(get, 0);
        const char *old = (const char *)sqlite3_column_text(get, 1);
        if (old && !strcmp(old, date))
            continue;
        char *old_copy = g_strdup(old);
        char *pkey = g_strdup((const char *)sqlite3_column_text(get, 2));
        sqlite3_reset(put);
        sqlite3_bind_text(put, 1, date, -1, SQLITE_STATIC);
        sqlite3_bind_int64(put, 2, tumor_ids[i]);
        if (sqlite3_step(put) != SQLITE_DONE) {
            crtk_store_set_sqlite_error(s, error, "cannot set dateCaseReportExported");
            ok = FALSE;
        } else {
            ok = crtk_store_audit(s, pid, tumor_ids[i], pkey, "dateCaseReportExported", old_copy, date, error);
        }
        g_free(old_copy);
        g_free(pkey);
        if (ok)
            ok = crtk_store_digest_interim(s, error); /* between two tumors: a safe point */
    }
    sqlite3_finalize(get);
    sqlite3_finalize(put);
    if (!ok) {
        crtk_store_rollback(s);
        return FALSE;
    }
    return crtk_store_commit(s, error);
}

gint64 crtk_store_add_transmission(crtk_store *s, const crtk_transmission *t, GError **error)
{
    if (!crtk_store_begin(s, error))
        return 0;
    char *now = crtk_store_now();
    sqlite3_stmt *st = NULL;
    gint64 id = 0;
    gboolean ok = crtk_store_prepare(s,
        "INSERT INTO crtk_transmission(at, user, file, sha256, patients, tumors, naaccr_version, record_type, "
        "edit_set, since, failing_tumors) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", &st, error);
    if (ok) {
        sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, t->user ? t->user : s->user, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, t->file, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, t->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, t->patients);
        sqlite3_bind_int64(st, 6, t->tumors);
        sqlite3_bind_int(st, 7, t->naaccr_version);
        sqlite3_bind_text(st, 8, t->record_type, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, t->edit_set, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, t->since, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 11, t->failing_tumors);
        ok = sqlite3_step(st) == SQLITE_DONE;
        if (!ok)
            crtk_store_set_sqlite_error(s, error, "cannot record the transmission");
        id = sqlite3_last_insert_rowid(s->db);
        sqlite3_finalize(st);
    }
    if (ok) {
        char *what = g_strdup_printf("%" G_GINT64_FORMAT " %s sha256:%s tumors:%" G_GINT64_FORMAT, id, t->file,
                                     t->sha256 ? t->sha256 : "", t->tumors);
        ok = crtk_store_audit(s, 0, 0, NULL, "transmission", NULL, what, error);
        g_free(what);
    }
    if (ok) {
        char mark[32];
        g_snprintf(mark, sizeof mark, "%" G_GINT64_FORMAT, s->audit_last_id);
        ok = crtk_store_put_setting_raw(s, "submissionAuditMark", mark, error);
    }
    g_free(now);
    if (!ok) {
        crtk_store_rollback(s);
        return 0;
    }
    return crtk_store_commit(s, error) ? id : 0;
}

gboolean crtk_store_list_transmissions(crtk_store *s, crtk_transmission_fn fn, void *user, GError **error)
{
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "SELECT id, at, user, file, sha256, patients, tumors, naaccr_version, record_type, "
                               "edit_set, since, failing_tumors FROM crtk_transmission ORDER BY id", &st, error))
        return FALSE;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        crtk_transmission t = {
            .id = sqlite3_column_int64(st, 0),
            .at = (const char *)sqlite3_column_text(st, 1),
            .user = (const char *)sqlite3_column_text(st, 2),
            .file = (const char *)sqlite3_column_text(st, 3),
            .sha256 = (const char *)sqlite3_column_text(st, 4),
            .patients = sqlite3_column_int64(st, 5),
            .tumors = sqlite3_column_int64(st, 6),
            .naaccr_version = sqlite3_column_int(st, 7),
            .record_type = (const char *)sqlite3_column_text(st, 8),
            .edit_set = (const char *)sqlite3_column_text(st, 9),
            .since = (const char *)sqlite3_column_text(st, 10),
            .failing_tumors = sqlite3_column_int64(st, 11),
        };
        if (fn(&t, user) == CRTK_ABORT) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return !crtk_store_step_failed(s, rc, error, "cannot read the transmissions");
}
