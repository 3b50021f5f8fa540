/* store_audit.c — the store's audit trail: appending entries to the SHA-256 hash chain, listing them,
 * and verifying the chain against the head crtk keeps in the settings (docs/store.md). */
#include "store_private.h"
#include "crtk/output.h"

#include <string.h>

gboolean crtk_store_load_audit_head(crtk_store *s, GError **error)
{
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", &st, error))
        return FALSE;
    if (sqlite3_step(st) == SQLITE_ROW) {
        s->audit_last_id = sqlite3_column_int64(st, 0);
        s->audit_head = g_strdup((const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    return TRUE;
}

/* The head and count that crtk keeps in the settings must describe the table's last entry:
 * otherwise entries were removed or added outside crtk, and appending would bury the evidence. */
gboolean crtk_store_audit_head_agrees(crtk_store *s, GError **error)
{
    char *head = crtk_store_get_setting(s, "auditHead");
    char *count = crtk_store_get_setting(s, "auditCount");
    gboolean ok;
    if (!head && !count)
        ok = s->audit_last_id == 0;
    else
        ok = head && count && g_ascii_strtoll(count, NULL, 10) == s->audit_last_id && s->audit_head &&
             strcmp(head, s->audit_head) == 0;
    if (!ok)
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                    "%s: the audit trail was changed outside crtk (its last entry is not the one crtk recorded); "
                    "nothing was written: run crtk audit %s --verify and restore the store from a backup",
                    s->path, s->path);
    g_free(head);
    g_free(count);
    return ok;
}

/* ---- audit --------------------------------------------------------------------------------- */

static char *audit_hash(const char *prev, gint64 id, const char *at, const char *user, const char *command,
                        gint64 patient_id, gint64 tumor_id, const char *patient_key, const char *item,
                        const char *old_value, const char *new_value)
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    char *text = g_strdup_printf("%s\x1f%" G_GINT64_FORMAT "\x1f%s\x1f%s\x1f%s\x1f%" G_GINT64_FORMAT "\x1f%" G_GINT64_FORMAT
                                 "\x1f%s\x1f%s\x1f%s\x1f%s",
                                 prev ? prev : "", id, at, user, command ? command : "", patient_id, tumor_id,
                                 patient_key ? patient_key : "", item ? item : "", old_value ? old_value : "\x1e",
                                 new_value ? new_value : "\x1e");
    g_checksum_update(c, (const guchar *)text, (gssize)strlen(text));
    char *h = g_strdup(g_checksum_get_string(c));
    g_checksum_free(c);
    g_free(text);
    return h;
}

gboolean crtk_store_audit(crtk_store *s, gint64 patient_id, gint64 tumor_id, const char *patient_key,
                          const char *item, const char *old_value, const char *new_value, GError **error)
{
    if (old_value && !*old_value)
        old_value = NULL;
    if (new_value && !*new_value)
        new_value = NULL;
    /* Who, with what command, which patient and item: one line each in `crtk audit`, so no control
     * character (a newline would forge a line) and nothing that is not UTF-8. */
    const char *const fields[] = {s->user, s->command, patient_key, item};
    const char *const names[] = {"user name", "command", "patient", "item"};
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
        if (!crtk_store_plain_text(fields[i])) {
            char *shown = g_strescape(fields[i], NULL);
            char *cut = crtk_cut_for_message(shown);
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                        "%s: the %s %s holds a control character or is not UTF-8 text: nothing was written",
                        s->path, names[i], cut);
            g_free(cut);
            g_free(shown);
            return FALSE;
        }
    char *at = crtk_store_now();
    gint64 id = s->audit_last_id + 1;
    char *h = audit_hash(s->audit_head, id, at, s->user, s->command, patient_id, tumor_id, patient_key, item,
                         old_value, new_value);
    sqlite3_stmt *st = s->audit_insert;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, s->user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->command, -1, SQLITE_STATIC);
    if (patient_id)
        sqlite3_bind_int64(st, 4, patient_id);
    else
        sqlite3_bind_null(st, 4);
    if (tumor_id)
        sqlite3_bind_int64(st, 5, tumor_id);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_text(st, 6, patient_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, item, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, old_value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, new_value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, h, -1, SQLITE_TRANSIENT);
    gboolean ok = sqlite3_step(st) == SQLITE_DONE;
    g_free(at);
    if (!ok) {
        crtk_store_set_sqlite_error(s, error, "cannot write the audit trail");
        g_free(h);
        return FALSE;
    }
    s->audit_last_id = sqlite3_last_insert_rowid(s->db);
    g_free(s->audit_head);
    s->audit_head = h;
    return TRUE;
}

gboolean crtk_store_audit_list(crtk_store *s, const char *patient_key, const char *since, crtk_audit_fn fn,
                               void *user, GError **error)
{
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s,
            "SELECT id, at, user, command, patient_id, tumor_id, patient_key, item, old_value, new_value, hash "
            "FROM audit WHERE (?1 IS NULL OR patient_key = ?1) AND (?2 IS NULL OR at >= ?2) ORDER BY id",
            &st, error))
        return FALSE;
    sqlite3_bind_text(st, 1, patient_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        crtk_audit_entry e = {
            .id = sqlite3_column_int64(st, 0),
            .at = (const char *)sqlite3_column_text(st, 1),
            .user = (const char *)sqlite3_column_text(st, 2),
            .command = (const char *)sqlite3_column_text(st, 3),
            .patient_id = sqlite3_column_int64(st, 4),
            .tumor_id = sqlite3_column_int64(st, 5),
            .patient_key = (const char *)sqlite3_column_text(st, 6),
            .item = (const char *)sqlite3_column_text(st, 7),
            .old_value = (const char *)sqlite3_column_text(st, 8),
            .new_value = (const char *)sqlite3_column_text(st, 9),
            .hash = (const char *)sqlite3_column_text(st, 10),
        };
        if (fn(&e, user) == CRTK_ABORT)
            break;
    }
    sqlite3_finalize(st);
    return TRUE;
}

static gboolean audit_verify_snapshot(crtk_store *s, gint64 *checked, gint64 *bad_id, char **why, GError **error);

gboolean crtk_store_audit_verify(crtk_store *s, gint64 *checked, gint64 *bad_id, char **why, GError **error)
{
    /* The chain and the head kept in the settings are read in one snapshot (one read transaction):
     * a writer committing in between would otherwise look like removed entries. */
    if (!crtk_store_exec(s, "BEGIN;", error))
        return FALSE;
    gboolean r = audit_verify_snapshot(s, checked, bad_id, why, error);
    sqlite3_exec(s->db, "COMMIT;", NULL, NULL, NULL);
    return r;
}

static gboolean audit_verify_snapshot(crtk_store *s, gint64 *checked, gint64 *bad_id, char **why, GError **error)
{
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s,
            "SELECT id, at, user, command, patient_id, tumor_id, patient_key, item, old_value, new_value, hash "
            "FROM audit ORDER BY id", &st, error))
        return FALSE;
    char *prev = NULL;
    int rc;
    gint64 expect = 1, n = 0;
    gboolean ok = TRUE;
    *bad_id = 0;
    *why = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64(st, 0);
        const char *stored = (const char *)sqlite3_column_text(st, 10);
        if (id != expect) {
            *bad_id = expect;
            *why = g_strdup_printf("entry %" G_GINT64_FORMAT " is missing (the next one is %" G_GINT64_FORMAT ")",
                                   expect, id);
            ok = FALSE;
            break;
        }
        char *h = audit_hash(prev, id, (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
                             (const char *)sqlite3_column_text(st, 3), sqlite3_column_int64(st, 4),
                             sqlite3_column_int64(st, 5), (const char *)sqlite3_column_text(st, 6),
                             (const char *)sqlite3_column_text(st, 7), (const char *)sqlite3_column_text(st, 8),
                             (const char *)sqlite3_column_text(st, 9));
        if (!stored || strcmp(h, stored) != 0) {
            *bad_id = id;
            *why = g_strdup_printf("entry %" G_GINT64_FORMAT " was changed after it was written (its hash does not match)",
                                   id);
            g_free(h);
            ok = FALSE;
            break;
        }
        g_free(prev);
        prev = h;
        expect++;
        n++;
    }
    if (ok && crtk_store_step_failed(s, rc, error, "cannot read the audit trail")) {
        sqlite3_finalize(st);
        g_free(prev);
        return FALSE;
    }
    sqlite3_finalize(st);
    if (ok) {
        /* The last entry's hash is also kept in the settings: removing entries at the end is seen too,
         * and so is removing the settings themselves (every store keeps them from its first entry). */
        char *head = crtk_store_get_setting(s, "auditHead");
        char *count = crtk_store_get_setting(s, "auditCount");
        gint64 recorded = count ? g_ascii_strtoll(count, NULL, 10) : 0;
        if (n > 0 && (!head || !count)) {
            *bad_id = n;
            *why = g_strdup("the head of the chain (settings auditHead and auditCount) was removed: "
                            "entries may have been removed at the end");
            ok = FALSE;
        } else if (head && count && (recorded != n || strcmp(head, prev ? prev : "") != 0)) {
            *bad_id = n + 1;
            *why = recorded > n ? g_strdup_printf("the trail ends at entry %" G_GINT64_FORMAT
                                                  " but %s entries were recorded: entries were removed", n, count)
                                : g_strdup_printf("the trail does not end where crtk last wrote it (entry %s): "
                                                  "entries were changed, added or removed outside crtk", count);
            ok = FALSE;
        }
        g_free(head);
        g_free(count);
    }
    g_free(prev);
    *checked = n;
    return ok;
}
