/* store_audit.c — the store's audit trail: appending entries to the hash chain, listing them,
 * and verifying the chain against the head crtk keeps in the settings (docs/store.md). */
#include "store_private.h"
#include "crtk/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

gboolean crtk_store_load_audit_head(crtk_store *s, GError **error)
{
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", &st, error))
        return FALSE;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s->audit_last_id = sqlite3_column_int64(st, 0);
        s->audit_head = g_strdup((const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    return !crtk_store_step_failed(s, rc, error, "cannot read the audit trail");
}

/* The head and count that crtk keeps in the settings must describe the table's last entry:
 * otherwise entries were removed or added outside crtk, and appending would bury the evidence. */
gboolean crtk_store_audit_head_agrees(crtk_store *s, GError **error)
{
    char *head = crtk_store_get_setting(s, "auditHead");
    char *count = crtk_store_get_setting(s, "auditCount");
    gboolean ok;
    if (crtk_store_read_failed(s, error)) { /* a settings read failed: SQLite's error, not a forgery */
        g_free(head);
        g_free(count);
        return FALSE;
    }
    if (s->audit_last_id == 0)
        ok = FALSE; /* every store has entries from its creation on: an empty trail was emptied */
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

/* TRUE when the audit table has the row_digest column (schema 2, or a newer store read-only). */
static gboolean audit_has_row_digest(crtk_store *s)
{
    return sqlite3_table_column_metadata(s->db, NULL, "audit", "row_digest", NULL, NULL, NULL, NULL, NULL) == SQLITE_OK;
}

/* ---- appending ------------------------------------------------------------------------------- */

/* Version 1 (stores of schema 1, and their entries before the marker): fields joined by \x1f. */
static char *audit_hash_v1(const char *prev, gint64 id, const char *at, const char *user, const char *command,
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

/* Version 2: every field length-prefixed (crtk_digest_field), NULL told from empty, the row digest
 * included.  docs/store.md gives the rule. */
static char *audit_hash_v2(const char *prev, gint64 id, const char *at, const char *user, const char *command,
                           gint64 patient_id, gint64 tumor_id, const char *patient_key, const char *item,
                           const char *old_value, const char *new_value, const char *row_digest)
{
    /* one buffer, hashed once (the same bytes as field by field) */
    GString *c = g_string_sized_new(512);
    crtk_digest_text(c, "crtk-audit/2");
    crtk_digest_text(c, prev);
    crtk_digest_int(c, id, FALSE);
    crtk_digest_text(c, at);
    crtk_digest_text(c, user);
    crtk_digest_text(c, command);
    crtk_digest_int(c, patient_id, patient_id == 0);
    crtk_digest_int(c, tumor_id, tumor_id == 0);
    crtk_digest_text(c, patient_key);
    crtk_digest_text(c, item);
    crtk_digest_text(c, old_value);
    crtk_digest_text(c, new_value);
    crtk_digest_text(c, row_digest);
    char hex[65];
    char *h = g_strdup(crtk_digest_hex(c, hex));
    g_string_free(c, TRUE);
    return h;
}

gboolean crtk_store_audit(crtk_store *s, gint64 patient_id, gint64 tumor_id, const char *patient_key,
                          const char *item, const char *old_value, const char *new_value, GError **error)
{
    return crtk_store_audit_row(s, patient_id, tumor_id, patient_key, item, old_value, new_value, NULL, error);
}

gboolean crtk_store_audit_row(crtk_store *s, gint64 patient_id, gint64 tumor_id, const char *patient_key,
                              const char *item, const char *old_value, const char *new_value, const char *row_digest,
                              GError **error)
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
    gboolean v2 = s->schema_version >= 2;
    if (!s->audit_insert &&
        !crtk_store_prepare(s, v2 ? "INSERT INTO audit(at, user, command, patient_id, tumor_id, patient_key, item, "
                                    "old_value, new_value, hash, row_digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                                  : "INSERT INTO audit(at, user, command, patient_id, tumor_id, patient_key, item, "
                                    "old_value, new_value, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                            &s->audit_insert, error))
        return FALSE;
    char *at = crtk_store_now();
    gint64 id = s->audit_last_id + 1;
    char *h = v2 ? audit_hash_v2(s->audit_head, id, at, s->user, s->command, patient_id, tumor_id, patient_key, item,
                                 old_value, new_value, row_digest)
                 : audit_hash_v1(s->audit_head, id, at, s->user, s->command, patient_id, tumor_id, patient_key, item,
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
    if (v2)
        sqlite3_bind_text(st, 11, row_digest, -1, SQLITE_TRANSIENT);
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
    if (!crtk_store_prepare(s, audit_has_row_digest(s)
            ? "SELECT id, at, user, command, patient_id, tumor_id, patient_key, item, old_value, new_value, hash, row_digest "
              "FROM audit WHERE (?1 IS NULL OR patient_key = ?1) AND (?2 IS NULL OR at >= ?2) ORDER BY id"
            : "SELECT id, at, user, command, patient_id, tumor_id, patient_key, item, old_value, new_value, hash, NULL "
              "FROM audit WHERE (?1 IS NULL OR patient_key = ?1) AND (?2 IS NULL OR at >= ?2) ORDER BY id",
            &st, error))
        return FALSE;
    sqlite3_bind_text(st, 1, patient_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
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
            .row_digest = (const char *)sqlite3_column_text(st, 11),
        };
        if (fn(&e, user) == CRTK_ABORT) {
            rc = SQLITE_DONE;
            break;
        }
    }
    /* A failed read is not the end of the trail (a verify would call a cut chain intact). */
    gboolean failed = crtk_store_step_failed(s, rc, error, "cannot read the audit trail");
    sqlite3_finalize(st);
    return !failed;
}


/* ---- checkpoints: anchors outside the store ------------------------------------------------------- */

char *crtk_store_checkpoint_path(const char *store_path)
{
    return g_strconcat(store_path, ".checkpoints", NULL);
}

static GBytes *read_key(const char *key_file, GError **error)
{
    char *data;
    gsize len;
    if (!g_file_get_contents(key_file, &data, &len, error))
        return NULL;
    if (len < 16) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "%s: a key needs at least 16 bytes (e.g. head -c 32 "
                    "/dev/urandom > %s)", key_file, key_file);
        g_free(data);
        return NULL;
    }
    return g_bytes_new_take(data, len);
}

static char *checkpoint_mac(GBytes *key, const char *text)
{
    gsize klen;
    const guchar *k = g_bytes_get_data(key, &klen);
    return g_compute_hmac_for_string(G_CHECKSUM_SHA256, k, klen, text, -1);
}

typedef struct {
    gint64 count;
    char *head, *at;
    int line;
} checkpoint;

static void checkpoint_clear(gpointer p)
{
    checkpoint *c = p;
    g_free(c->head);
    g_free(c->at);
}

/* Reads FILE's lines "crtk-checkpoint/1 AT COUNT HEAD [hmac-sha256:MAC]"; with a key each must carry
 * the right MAC.  A line that does not parse is an error: a checkpoint file is crtk's own. */
static GArray *read_checkpoints(const char *file, GBytes *key, char **why, GError **error)
{
    char *data;
    if (!g_file_get_contents(file, &data, NULL, error))
        return NULL;
    GArray *out = g_array_new(FALSE, TRUE, sizeof(checkpoint));
    g_array_set_clear_func(out, checkpoint_clear);
    char **lines = g_strsplit(data, "\n", -1);
    for (int i = 0; lines[i] && !*why; i++) {
        if (!*lines[i])
            continue;
        char **f = g_strsplit(lines[i], " ", -1);
        guint n = g_strv_length(f);
        char *end = NULL;
        gint64 count = n >= 4 ? g_ascii_strtoll(f[2], &end, 10) : 0;
        if (n < 4 || n > 5 || strcmp(f[0], "crtk-checkpoint/1") != 0 || !end || *end || count <= 0 ||
            strlen(f[3]) != 64) {
            *why = g_strdup_printf("%s line %d is not a crtk checkpoint: the checkpoint file was changed", file, i + 1);
        } else if (key) {
            char *text = g_strjoin(" ", f[0], f[1], f[2], f[3], NULL);
            char *mac = checkpoint_mac(key, text);
            if (n != 5 || !g_str_has_prefix(f[4], "hmac-sha256:") || strcmp(f[4] + 12, mac) != 0)
                *why = g_strdup_printf("%s line %d (checkpoint of %s): its HMAC does not match the key: the checkpoint "
                                       "file was changed, or the key is not the one it was made with", file, i + 1, f[1]);
            g_free(mac);
            g_free(text);
        }
        if (!*why) {
            checkpoint c = {count, g_strdup(f[3]), g_strdup(f[1]), i + 1};
            g_array_append_val(out, c);
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(data);
    return out;
}

/* ---- verifying -------------------------------------------------------------------------------------- */

static gboolean audit_check_snapshot(crtk_store *s, const char *checkpoints, GBytes *key, crtk_audit_check *r,
                                     GError **error);

void crtk_audit_check_clear(crtk_audit_check *r)
{
    g_free(r->why);
    g_free(r->head);
    memset(r, 0, sizeof *r);
}

gboolean crtk_store_audit_check(crtk_store *s, const char *checkpoints, const char *key_file, crtk_audit_check *r,
                                GError **error)
{
    memset(r, 0, sizeof *r);
    GBytes *key = NULL;
    if (key_file && !(key = read_key(key_file, error)))
        return FALSE;
    /* The chain, the head kept in the settings and the rows are read in one snapshot (one read
     * transaction): a writer committing in between would otherwise look like a forgery. */
    if (!crtk_store_exec(s, "BEGIN;", error)) {
        if (key)
            g_bytes_unref(key);
        return FALSE;
    }
    gboolean ok = audit_check_snapshot(s, checkpoints, key, r, error);
    sqlite3_exec(s->db, "COMMIT;", NULL, NULL, NULL);
    if (key)
        g_bytes_unref(key);
    return ok;
}

gboolean crtk_store_audit_verify(crtk_store *s, gint64 *checked, gint64 *bad_id, char **why, GError **error)
{
    crtk_audit_check r;
    *why = NULL;
    *bad_id = 0;
    *checked = 0;
    if (!crtk_store_audit_check(s, NULL, NULL, &r, error))
        return FALSE;
    *checked = r.entries;
    *bad_id = r.bad_entry;
    *why = r.why;
    r.why = NULL;
    gboolean intact = *why == NULL;
    crtk_audit_check_clear(&r);
    return intact;
}

static void trail_row_free(gpointer p)
{
    crtk_trail_row *t = p;
    g_free(t->digest);
    g_free(t);
}

static void broken(crtk_audit_check *r, gint64 entry, char *why)
{
    if (r->why) {
        g_free(why);
        return;
    }
    r->bad_entry = entry;
    r->why = why;
}

static gboolean audit_check_snapshot(crtk_store *s, const char *checkpoints, GBytes *key, crtk_audit_check *r,
                                     GError **error)
{
    GArray *cps = NULL;
    GHashTable *wanted = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free); /* entry -> hash */
    if (checkpoints) {
        cps = read_checkpoints(checkpoints, key, &r->why, error);
        if (!cps) {
            g_hash_table_destroy(wanted);
            return FALSE;
        }
        for (guint i = 0; i < cps->len; i++)
            g_hash_table_insert(wanted, g_memdup2(&g_array_index(cps, checkpoint, i).count, sizeof(gint64)), NULL);
    }
    gboolean has_rd = audit_has_row_digest(s);
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, has_rd
            ? "SELECT id, at, user, command, patient_id, tumor_id, patient_key, item, old_value, new_value, hash, row_digest "
              "FROM audit ORDER BY id"
            : "SELECT id, at, user, command, patient_id, tumor_id, patient_key, item, old_value, new_value, hash, NULL "
              "FROM audit ORDER BY id", &st, error)) {
        g_hash_table_destroy(wanted);
        if (cps)
            g_array_free(cps, TRUE);
        return FALSE;
    }
    GHashTable *trail = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, trail_row_free);
    char *prev = NULL;
    int rc;
    gint64 expect = 1, n = 0;
    gboolean v2 = FALSE, chain_ok = TRUE;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64(st, 0);
        const char *stored = (const char *)sqlite3_column_text(st, 10);
        const char *item = (const char *)sqlite3_column_text(st, 7);
        const char *nv = (const char *)sqlite3_column_text(st, 9);
        if (id != expect) {
            broken(r, expect, g_strdup_printf("entry %" G_GINT64_FORMAT " is missing (the next one is %" G_GINT64_FORMAT ")",
                                              expect, id));
            chain_ok = FALSE;
            break;
        }
        /* From the marker on, entries follow the version-2 rule (the marker too). */
        if (!v2 && item && !strcmp(item, CRTK_AUDIT_CHAIN_MARK) && nv && !strcmp(nv, "2"))
            v2 = TRUE;
        gint64 pid = sqlite3_column_int64(st, 4), tid = sqlite3_column_int64(st, 5);
        const char *rd = v2 ? (const char *)sqlite3_column_text(st, 11) : NULL;
        char *h = v2 ? audit_hash_v2(prev, id, (const char *)sqlite3_column_text(st, 1),
                                     (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
                                     pid, tid, (const char *)sqlite3_column_text(st, 6), item,
                                     (const char *)sqlite3_column_text(st, 8), nv, rd)
                     : audit_hash_v1(prev, id, (const char *)sqlite3_column_text(st, 1),
                                     (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
                                     pid, tid, (const char *)sqlite3_column_text(st, 6), item,
                                     (const char *)sqlite3_column_text(st, 8), nv);
        if (!stored || strcmp(h, stored) != 0) {
            broken(r, id, g_strdup_printf("entry %" G_GINT64_FORMAT " was changed after it was written (its hash does "
                                          "not match)", id));
            g_free(h);
            chain_ok = FALSE;
            break;
        }
        if (rd && (pid || tid)) {
            gint64 k = crtk_trail_key(tid ? 1 : 0, tid ? tid : pid);
            crtk_trail_row *t = g_hash_table_lookup(trail, &k);
            if (!t) {
                t = g_new0(crtk_trail_row, 1);
                g_hash_table_insert(trail, g_memdup2(&k, sizeof k), t);
            }
            g_free(t->digest);
            t->digest = g_strdup(rd);
            t->entry = id;
            t->patient_id = pid;
        }
        if (g_hash_table_contains(wanted, &id))
            g_hash_table_insert(wanted, g_memdup2(&id, sizeof id), g_strdup(h));
        g_free(prev);
        prev = h;
        expect++;
        n++;
    }
    sqlite3_finalize(st);
    gboolean ok = TRUE;
    if (chain_ok && crtk_store_step_failed(s, rc, error, "cannot read the audit trail"))
        ok = FALSE;
    r->entries = n;
    r->rows_covered = v2;
    if (ok && chain_ok) {
        /* The last entry's hash is also kept in the settings: removing entries at the end is seen too,
         * and so is removing the settings themselves (every store keeps them from its first entry). */
        char *head = crtk_store_get_setting(s, "auditHead");
        char *count = crtk_store_get_setting(s, "auditCount");
        char *sv = crtk_store_get_setting(s, "schemaVersion");
        gint64 recorded = count ? g_ascii_strtoll(count, NULL, 10) : 0;
        if (n == 0)
            broken(r, 1, g_strdup("the audit trail is empty, but every store has entries from its creation on: "
                                  "entries were removed"));
        else if (!head || !count)
            broken(r, n, g_strdup("the head of the chain (settings auditHead and auditCount) was removed: "
                                  "entries may have been removed at the end"));
        else if (recorded != n || strcmp(head, prev ? prev : "") != 0)
            broken(r, n + 1, recorded > n ? g_strdup_printf("the trail ends at entry %" G_GINT64_FORMAT
                                                            " but %s entries were recorded: entries were removed", n,
                                                            count)
                                          : g_strdup_printf("the trail does not end where crtk last wrote it (entry %s): "
                                                            "entries were changed, added or removed outside crtk",
                                                            count));
        else if (!v2 && sv && atoi(sv) >= 2)
            broken(r, 1, g_strdup_printf("the store has row digests (schema %s) but no entry of the trail starts "
                                         "them (%s): the trail was replaced", sv, CRTK_AUDIT_CHAIN_MARK));
        r->head = g_strdup(prev);
        g_free(head);
        g_free(count);
        g_free(sv);
    }
    /* Checkpoints: each names an entry and its hash; a trail rewritten before it (even rehashed) differs. */
    for (guint i = 0; ok && cps && i < cps->len; i++) {
        checkpoint *c = &g_array_index(cps, checkpoint, i);
        const char *h = g_hash_table_lookup(wanted, &c->count);
        if (c->count > n && chain_ok)
            broken(r, n + 1, g_strdup_printf("the checkpoint of %s (%s line %d) recorded %" G_GINT64_FORMAT " entries; "
                                             "the trail has %" G_GINT64_FORMAT ": entries were removed", c->at,
                                             checkpoints, c->line, c->count, n));
        else if (h && strcmp(h, c->head) != 0)
            broken(r, c->count, g_strdup_printf("entry %" G_GINT64_FORMAT " is not the one checkpointed at %s (%s line %d): "
                                                "the trail was rewritten at or before entry %" G_GINT64_FORMAT,
                                                c->count, c->at, checkpoints, c->line, c->count));
        else if (h)
            r->checkpoints++;
    }
    if (ok && chain_ok && v2) {
        char *why = NULL;
        ok = crtk_store_digest_verify(s, trail, &r->rows, &why, error);
        if (why)
            broken(r, 0, why);
    }
    g_free(prev);
    g_hash_table_destroy(trail);
    g_hash_table_destroy(wanted);
    if (cps)
        g_array_free(cps, TRUE);
    return ok;
}

char *crtk_store_audit_head(crtk_store *s, gint64 *count)
{
    char *c = crtk_store_get_setting(s, "auditCount");
    if (count)
        *count = c ? g_ascii_strtoll(c, NULL, 10) : 0;
    g_free(c);
    return crtk_store_get_setting(s, "auditHead");
}

gboolean crtk_store_audit_checkpoint(crtk_store *s, const char *file, const char *key_file, char **line,
                                     GError **error)
{
    *line = NULL;
    GBytes *key = NULL;
    if (key_file && !(key = read_key(key_file, error)))
        return FALSE;
    crtk_audit_check r;
    gboolean ok = crtk_store_audit_check(s, NULL, NULL, &r, error);
    if (ok && r.why) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: audit trail BROKEN: %s: no checkpoint was written", s->path,
                    r.why);
        ok = FALSE;
    }
    if (ok) {
        char *at = crtk_store_now();
        char *text = g_strdup_printf("crtk-checkpoint/1 %s %" G_GINT64_FORMAT " %s", at, r.entries, r.head);
        char *mac = key ? checkpoint_mac(key, text) : NULL;
        char *l = mac ? g_strdup_printf("%s hmac-sha256:%s\n", text, mac) : g_strdup_printf("%s\n", text);
        /* Append-only, owner-only; never replaced (crtk/output.h's atomic replace is not wanted here). */
        int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0 || write(fd, l, strlen(l)) != (ssize_t)strlen(l) || fsync(fd) != 0) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot append the checkpoint: %s", file, g_strerror(errno));
            ok = FALSE;
        }
        if (fd >= 0)
            close(fd);
        if (ok)
            *line = g_strdup(text);
        g_free(l);
        g_free(mac);
        g_free(text);
        g_free(at);
    }
    crtk_audit_check_clear(&r);
    if (key)
        g_bytes_unref(key);
    return ok;
}
