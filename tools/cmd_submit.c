/* cmd_submit.c — `crtk submit DB -o FILE`: send new and changed cases to the central registry, with
 * the edits, the refusal rule and the QA summary; `crtk submit DB --history` lists what was sent. */
#include "commands.h"
#include "crtk/dictionary.h"
#include "crtk/json.h"
#include "crtk/store.h"
#include "crtk/store_submission.h"
#include "crtk/submission.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    gboolean json;
    long n;
} history_ctx;

static int print_transmission(const crtk_transmission *t, void *user)
{
    history_ctx *h = user;
    if (h->json) {
        GString *o = g_string_new("{");
        crtk_json_field_int(o, "id", t->id, TRUE);
        crtk_json_field_str(o, "at", t->at, FALSE);
        crtk_json_field_str(o, "user", t->user, FALSE);
        crtk_json_field_str(o, "file", t->file, FALSE);
        crtk_json_field_str(o, "sha256", t->sha256 ? t->sha256 : "", FALSE);
        crtk_json_field_int(o, "patients", t->patients, FALSE);
        crtk_json_field_int(o, "tumors", t->tumors, FALSE);
        crtk_json_field_int(o, "naaccrVersion", t->naaccr_version, FALSE);
        crtk_json_field_str(o, "recordType", t->record_type ? t->record_type : "", FALSE);
        crtk_json_field_str(o, "editSet", t->edit_set ? t->edit_set : "", FALSE);
        crtk_json_field_str(o, "since", t->since ? t->since : "", FALSE);
        crtk_json_field_int(o, "failingTumors", t->failing_tumors, FALSE);
        g_string_append_c(o, '}');
        printf("%s\n", o->str);
        g_string_free(o, TRUE);
    } else {
        if (h->n == 0)
            printf("%4s  %-24s  %-10s  %8s  %8s  %7s  %4s  %-16s  %s\n", "id", "at (UTC)", "user", "patients",
                   "tumors", "failing", "rt", "edit set", "file / sha256");
        printf("%4" G_GINT64_FORMAT "  %-24s  %-10s  %8" G_GINT64_FORMAT "  %8" G_GINT64_FORMAT "  %7" G_GINT64_FORMAT
               "  %c %d  %-16s  %s\n%62s%s\n",
               t->id, t->at, t->user, t->patients, t->tumors, t->failing_tumors,
               t->record_type && *t->record_type ? t->record_type[0] : '?', t->naaccr_version,
               t->edit_set ? t->edit_set : "", t->file, "", t->sha256 ? t->sha256 : "");
    }
    h->n++;
    return 0;
}

static int show_history(const char *db, gboolean json)
{
    crtk_store *s = crtk_cli_open_store(db, TRUE, NULL, "submit");
    if (!s)
        return EXIT_USAGE;
    history_ctx h = {json, 0};
    GError *error = NULL;
    int rc = EXIT_OK;
    if (!crtk_store_list_transmissions(s, print_transmission, &h, &error)) {
        crtk_cli_error("submit: %s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
    } else if (h.n == 0 && !json) {
        printf("no submission yet\n");
    }
    crtk_store_close(s);
    return rc;
}

int cmd_submit(int argc, char **argv)
{
    char *output = NULL, *record_type = NULL, *version = NULL, *since = NULL, *set = NULL, *edits_dir = NULL,
         *rate = NULL, *user = NULL, *format = NULL;
    gboolean force = FALSE, history = FALSE, include_incomplete = FALSE;
    int show = 20;
    GOptionEntry entries[] = {
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "NAACCR XML file to write (.xml, or .xml.gz compressed)", "FILE"},
        {"record-type", 0, 0, G_OPTION_ARG_STRING, &record_type, "A (default), M, C or I", "T"},
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "NAACCR version to send (default: the store's)", "V"},
        {"since", 0, 0, G_OPTION_ARG_STRING, &since, "last (default): new or changed since the last submission; all; "
                                                      "or a date YYYYMMDD: changed on or after it", "last|DATE"},
        {"set", 's', 0, G_OPTION_ARG_STRING, &set, "edit set to run before sending (default state-submission; none)", "SET"},
        {"edits-dir", 'd', 0, G_OPTION_ARG_FILENAME, &edits_dir, "also load every *.tsv edit file of DIR", "DIR"},
        {"max-error-rate", 0, 0, G_OPTION_ARG_STRING, &rate, "refuse when more than P percent of the tumors fail an edit "
                                                            "(default 10)", "P"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &force, "send even above the error rate", NULL},
        {"include-incomplete", 0, 0, G_OPTION_ARG_NONE, &include_incomplete,
         "also send abstracts whose status (crtk serve) is incomplete or on hold", NULL},
        {"show-failures", 0, 0, G_OPTION_ARG_INT, &show, "failing cases to print (default 20; all are in FILE.qa.txt)", "N"},
        {"history", 0, 0, G_OPTION_ARG_NONE, &history, "list the submissions made from the store", NULL},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "--history output: text (default) or json (JSON Lines); refused without --history", "FMT"},
        {"user", 0, 0, G_OPTION_ARG_STRING, &user, "who is working (audit trail; default: login name)", "NAME"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB -o FILE - send new and changed cases to the central registry");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Selects the tumors not sent since their last change (Date Case Last Changed, item 2100, against Date Case\n"
        "Report Exported, item 2110, and the audit trail), runs the edit set on them, writes them as NAACCR XML,\n"
        "stamps item 2110 (audited) and records the transmission in the store.  A QA summary is written beside\n"
        "the file: FILE.qa.txt and FILE.qa.xlsx.  Running it again right away sends nothing.\n"
        "Example: crtk submit reg.db -o 2025-06.xml.gz --max-error-rate 5\n"
        "Exit status: 0 sent (or nothing new), 1 refused (too many tumors fail edits), 2 usage or system error.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    crtk_submission_result res = {0};
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (format && strcmp(format, "json") && strcmp(format, "text")) {
        crtk_cli_error("submit: --format must be text or json");
        rc = EXIT_USAGE;
        goto out;
    }
    if (history) {
        if (argc != 2) {
            crtk_cli_error("submit: --history needs DB");
            rc = EXIT_USAGE;
            goto out;
        }
        rc = show_history(argv[1], format && !strcmp(format, "json"));
        goto out;
    }
    if (format && !strcmp(format, "json")) {
        /* a send's messages are text only: refused, never silently ignored */
        crtk_cli_error("submit: --format json applies to --history only; a submission's messages are text "
                       "(the QA summary FILE.qa.xlsx holds its failures as data)");
        rc = EXIT_USAGE;
        goto out;
    }
    if (argc != 2 || !output) {
        crtk_cli_error("submit: give DB and -o FILE (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    if (!g_str_has_suffix(output, ".xml") && !g_str_has_suffix(output, ".xml.gz")) {
        crtk_cli_error("submit: %s: a submission is NAACCR XML: name it .xml or .xml.gz", output);
        rc = EXIT_USAGE;
        goto out;
    }
    crtk_submission_options o;
    crtk_submission_options_init(&o);
    o.output = output;
    o.force = force;
    o.include_incomplete = include_incomplete;
    o.edits_dir = edits_dir;
    if (set)
        o.edit_set = set;
    if (since)
        o.since = since;
    if (record_type && !(o.record_type = crtk_record_type_parse(record_type))) {
        crtk_cli_error("submit: --record-type must be A, M, C or I");
        rc = EXIT_USAGE;
        goto out;
    }
    if (version && !(o.naaccr_version = crtk_naaccr_version_parse(version))) {
        crtk_cli_error("submit: unknown NAACCR version %s", version);
        rc = EXIT_USAGE;
        goto out;
    }
    if (rate) {
        char *end;
        double p = g_ascii_strtod(rate, &end);
        if (*end == '%')
            end++;
        if (end == rate || *end || p < 0 || p > 100) {
            crtk_cli_error("submit: --max-error-rate must be a percentage from 0 to 100, not %s", rate);
            rc = EXIT_USAGE;
            goto out;
        }
        o.max_error_rate = p;
    }
    s = crtk_cli_open_store(argv[1], FALSE, user, "submit");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    if (!crtk_submit(s, &o, &res, &error)) {
        crtk_cli_error("submit: %s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
        goto out;
    }
    if (res.left_out)
        fprintf(stderr, "crtk: %ld tumor%s left out: abstract incomplete or on hold (crtk serve's status; "
                        "--include-incomplete sends them)\n", res.left_out, res.left_out == 1 ? "" : "s");
    if (res.nothing_new) {
        printf("nothing new to send: every tumor was sent since its last change\n");
        goto out;
    }
    long listed = 0;
    for (guint i = 0; i < res.qa.failures->len && listed < show; i++, listed++) {
        crtk_qa_failure *f = g_ptr_array_index(res.qa.failures, i);
        printf("patient %s, tumor %d: %s: %s\n", f->patient_id, f->tumor, f->edit_id, f->message);
    }
    if (res.qa.failures->len > (guint)listed)
        printf("... %u more failures in %s\n", res.qa.failures->len - (guint)listed, res.qa_text);
    if (res.refused) {
        crtk_cli_error("submit: REFUSED: %s", res.reason);
        fprintf(stderr, "crtk: %s was not written; the QA summary is in %s\n", output, res.qa_text);
        rc = EXIT_DATA;
        goto out;
    }
    if (res.reason)
        fprintf(stderr, "crtk: sent with --force: %s\n", res.reason);
    if (res.qa_error) {
        crtk_cli_error("submit: %s: sent and recorded (transmission %" G_GINT64_FORMAT
                       "); only the QA summary failed: %s", output, res.transmission_id, res.qa_error);
        rc = EXIT_DATA;
        goto out;
    }
    fprintf(stderr,
            "crtk: %s: transmission %" G_GINT64_FORMAT ": %ld patient%s, %ld tumor%s, %ld tumor%s failing edits (%.2f%%); "
            "sha256 %s; QA summary %s%s%s (%.2f s)\n",
            output, res.transmission_id, res.patients, res.patients == 1 ? "" : "s", res.tumors,
            res.tumors == 1 ? "" : "s", res.failing_tumors, res.failing_tumors == 1 ? "" : "s", res.error_rate, res.sha256, res.qa_text,
            res.qa_xlsx ? ", " : "", res.qa_xlsx ? res.qa_xlsx : "", res.seconds);
out:
    crtk_submission_result_clear(&res);
    crtk_store_close(s);
    g_free(output), g_free(record_type), g_free(version), g_free(since), g_free(set), g_free(edits_dir);
    g_free(rate), g_free(user), g_free(format);
    g_option_context_free(ctx);
    return rc;
}
