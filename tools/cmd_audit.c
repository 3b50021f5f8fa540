/* cmd_audit.c — `crtk audit DB [--patient P] [--since D] [--verify [--against FILE]] [--checkpoint [FILE]]`:
 * the audit trail of a store, its check, and its checkpoints (anchors kept outside the store). */
#include "commands.h"
#include "crtk/json.h"
#include "crtk/store.h"

#include <string.h>

static int print_entry(const crtk_audit_entry *e, void *user)
{
    gboolean json = *(gboolean *)user;
    if (json) {
        GString *s = g_string_new("{");
        crtk_json_field_int(s, "id", e->id, TRUE);
        crtk_json_field_str(s, "at", e->at, FALSE);
        crtk_json_field_str(s, "user", e->user, FALSE);
        crtk_json_field_str(s, "command", e->command ? e->command : "", FALSE);
        if (e->patient_key)
            crtk_json_field_str(s, "patientIdNumber", e->patient_key, FALSE);
        if (e->patient_id)
            crtk_json_field_int(s, "patientRow", e->patient_id, FALSE);
        if (e->tumor_id)
            crtk_json_field_int(s, "tumorRow", e->tumor_id, FALSE);
        if (e->item)
            crtk_json_field_str(s, "item", e->item, FALSE);
        if (e->old_value)
            crtk_json_field_str(s, "old", e->old_value, FALSE);
        if (e->new_value)
            crtk_json_field_str(s, "new", e->new_value, FALSE);
        if (e->row_digest)
            crtk_json_field_str(s, "rowDigest", e->row_digest, FALSE);
        g_string_append_c(s, '}');
        puts(s->str);
        g_string_free(s, TRUE);
    } else {
        printf("%6" G_GINT64_FORMAT "  %s  %-10s %-16s", e->id, e->at, e->user, e->command ? e->command : "");
        if (e->patient_key || e->patient_id)
            printf("  patient %s", e->patient_key ? e->patient_key : "?");
        if (e->tumor_id)
            printf(" tumor row %" G_GINT64_FORMAT, e->tumor_id);
        if (e->item && !strcmp(e->item, "row") && e->row_digest)
            printf("  %s digest %.16s", e->tumor_id ? "tumor" : "patient",
                   strcmp(e->row_digest, "-") ? e->row_digest : "- (deleted)");
        else if (e->item)
            printf("  %s: %s -> %s", e->item, e->old_value ? e->old_value : "(empty)",
                   e->new_value ? e->new_value : "(empty)");
        putchar('\n');
    }
    return 0;
}

static char *checkpoint_file;
static gboolean checkpoint_wanted;

static gboolean take_checkpoint(const char *name, const char *value, gpointer data, GError **error)
{
    (void)name, (void)data, (void)error;
    checkpoint_wanted = TRUE;
    g_free(checkpoint_file);
    checkpoint_file = value ? g_strdup(value) : NULL;
    return TRUE;
}

static int checkpoint(crtk_store *s, const char *db, const char *key)
{
    char *file = checkpoint_file ? g_strdup(checkpoint_file) : crtk_store_checkpoint_path(db);
    char *line = NULL;
    GError *error = NULL;
    int rc = EXIT_OK;
    if (!crtk_store_audit_checkpoint(s, file, key, &line, &error)) {
        crtk_cli_error("%s", error->message);
        rc = error->code == CRTK_ERROR_DATA ? EXIT_DATA : EXIT_USAGE;
        g_error_free(error);
    } else {
        GString *f = g_string_new(NULL);
        crtk_json_field_str(f, "store", db, FALSE);
        crtk_json_field_str(f, "checkpointFile", file, FALSE);
        crtk_json_field_str(f, "checkpoint", line, FALSE);
        crtk_cli_message("info", TRUE, f, "%s: checkpoint appended to %s: %s", db, file, line);
        g_string_free(f, TRUE);
    }
    g_free(line);
    g_free(file);
    return rc;
}

int cmd_audit(int argc, char **argv)
{
    char *patient = NULL, *since = NULL, *format = NULL, *against = NULL, *key = NULL;
    gboolean verify = FALSE;
    checkpoint_wanted = FALSE;
    GOptionEntry entries[] = {
        {"patient", 0, 0, G_OPTION_ARG_STRING, &patient, "only this patient (patientIdNumber)", "P"},
        {"since", 0, 0, G_OPTION_ARG_STRING, &since, "only changes at or after this date (YYYY-MM-DD)", "D"},
        {"verify", 0, 0, G_OPTION_ARG_NONE, &verify, "check that no entry, value or row was changed, added or removed "
         "outside crtk", NULL},
        {"against", 0, 0, G_OPTION_ARG_FILENAME, &against, "with --verify: also check the trail against the "
         "checkpoints in FILE", "FILE"},
        {"checkpoint", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, (gpointer)take_checkpoint,
         "append the chain's head, count and time to FILE (default DB.checkpoints; owner-only, append-only)", "FILE"},
        {"key", 0, 0, G_OPTION_ARG_FILENAME, &key, "HMAC-SHA-256 key file for checkpoints (kept away from the store)",
         "FILE"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default) or json (JSON Lines)", "FMT"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB - list or verify the audit trail");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx, "Each entry: who, when, which command, patient, tumor, item, old and new value.\n"
                                          "Entries are chained by SHA-256 hashes and state each changed row's digest:\n"
                                          "--verify exits 1 if the chain, a value or a row was changed outside crtk.\n"
                                          "docs/store.md describes what is detected and what is not.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (format && strcmp(format, "text") && strcmp(format, "json")) {
        crtk_cli_error("audit: --format must be text or json, not %s", format);
        rc = EXIT_USAGE;
        goto out;
    }
    gboolean json = format && !strcmp(format, "json");
    if (json) /* errors and the --verify verdicts as JSON Lines too */
        crtk_cli_messages_json(stdout);
    if (argc != 2) {
        crtk_cli_error("audit: name the store DB (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], TRUE, NULL, "audit");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    if (checkpoint_wanted && !verify) {
        rc = checkpoint(s, argv[1], key);
        goto out;
    }
    if (verify) {
        char *report = NULL;
        gboolean healthy;
        if (!crtk_store_quick_check(s, &healthy, &report, &error)) {
            crtk_cli_error("%s", error->message);
            g_error_free(error);
            rc = EXIT_USAGE;
            goto out;
        }
        GString *f = g_string_new(NULL);
        crtk_json_field_str(f, "store", argv[1], FALSE);
        crtk_json_field_str(f, "check", "storeHealth", FALSE);
        if (!healthy) {
            g_string_append(f, ",\"ok\":false");
            crtk_json_field_str(f, "quickCheck", report, FALSE);
            crtk_cli_message("error", TRUE, f, "%s: store DAMAGED (SQLite quick_check):\n%s\n%s: restore it from a backup "
                             "(crtk backup); do not write to it", argv[1], report, argv[1]);
            g_string_free(f, TRUE);
            g_free(report);
            rc = EXIT_DATA;
            goto out;
        }
        g_string_append(f, ",\"ok\":true");
        crtk_cli_message("info", TRUE, f, "%s: store healthy (SQLite quick_check: ok)", argv[1]);
        g_string_truncate(f, 0);
        g_free(report);
        crtk_audit_check r;
        crtk_json_field_str(f, "store", argv[1], FALSE);
        crtk_json_field_str(f, "check", "auditTrail", FALSE);
        if (!crtk_store_audit_check(s, against, key, &r, &error)) {
            crtk_cli_error("%s", error->message);
            g_error_free(error);
            rc = EXIT_USAGE;
        } else if (r.why) {
            g_string_append(f, ",\"ok\":false");
            crtk_json_field_str(f, "why", r.why, FALSE);
            crtk_cli_message("error", TRUE, f, "%s: audit trail BROKEN: %s", argv[1], r.why);
            rc = EXIT_DATA;
        } else {
            GString *t = g_string_new(NULL);
            g_string_printf(t, "%s: audit trail intact: %" G_GINT64_FORMAT " entries", argv[1], r.entries);
            g_string_append(f, ",\"ok\":true");
            crtk_json_field_int(f, "entries", r.entries, FALSE);
            if (r.rows_covered) {
                g_string_append_printf(t, ", %" G_GINT64_FORMAT " rows match their digests", r.rows);
                crtk_json_field_int(f, "rows", r.rows, FALSE);
            }
            g_string_append_printf(f, ",\"rowsChecked\":%s", r.rows_covered ? "true" : "false");
            if (against) {
                g_string_append_printf(t, ", %" G_GINT64_FORMAT " checkpoint%s matched", r.checkpoints,
                                       r.checkpoints == 1 ? "" : "s");
                crtk_json_field_int(f, "checkpoints", r.checkpoints, FALSE);
            }
            if (!r.rows_covered)
                g_string_append_printf(t, "\n%s: rows not checked: the store predates row digests (opening it for "
                                          "writing, e.g. crtk upgrade, adds them)", argv[1]);
            crtk_cli_message("info", TRUE, f, "%s", t->str);
            g_string_free(t, TRUE);
        }
        g_string_free(f, TRUE);
        crtk_audit_check_clear(&r);
        if (rc == EXIT_OK && checkpoint_wanted)
            rc = checkpoint(s, argv[1], key);
        goto out;
    }
    char *since_norm = since ? g_strdup(since) : NULL;
    if (!crtk_store_audit_list(s, patient, since_norm, print_entry, &json, &error)) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
    }
    g_free(since_norm);
out:
    crtk_store_close(s);
    g_free(patient), g_free(since), g_free(format), g_free(against), g_free(key);
    g_free(checkpoint_file);
    checkpoint_file = NULL;
    crtk_cli_messages_json(NULL);
    g_option_context_free(ctx);
    return rc;
}
