/* submission.c — `crtk submit`: new and changed cases to the central registry, with edits, the
 * refusal rule and the QA summary (see submission.h).
 *
 * One pass over the selected patients (crtk_store_foreach) stamps the export date into each
 * tumor, converts the record when another NAACCR version or record type is asked, runs the
 * edits on the record as it will be sent, and writes it.  Only when the file is complete and
 * accepted does the store change, in one transaction: Date Case Report Exported on the tumors
 * sent and a row in crtk_transmission.
 */
#include "submission.h"
#include "convert.h"
#include "crtk/date.h"
#include "edits.h"
#include "metafile_store.h"
#include "naaccr_write.h"
#include "problem.h"
#include "store_submission.h"
#include "row_spool.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void crtk_submission_options_init(crtk_submission_options *o)
{
    memset(o, 0, sizeof *o);
    o->record_type = CRTK_RT_A;
    o->since = "last";
    o->edit_set = "state-submission";
    o->max_error_rate = 10.0;
}

void crtk_submission_result_clear(crtk_submission_result *r)
{
    g_free(r->reason);
    g_free(r->sha256);
    g_free(r->qa_text);
    g_free(r->qa_xlsx);
    g_free(r->qa_error);
    if (r->qa.info)
        crtk_qa_clear(&r->qa);
    memset(r, 0, sizeof *r);
}

char *crtk_file_sha256(const char *path, GError **error)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: %s", path, g_strerror(errno));
        return NULL;
    }
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    guchar buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        g_checksum_update(c, buf, (gssize)n);
    gboolean bad = ferror(f);
    fclose(f);
    char *hex = bad ? NULL : g_strdup(g_checksum_get_string(c));
    g_checksum_free(c);
    if (bad)
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: read error", path);
    return hex;
}

typedef struct {
    crtk_writer *w;
    crtk_converter *conv;
    crtk_record *out;
    crtk_edits *edits;
    crtk_dictionary *from;
    const char *today;
    int exported_index;        /* dateCaseReportExported in the store's dictionary, -1 if none */
    row_spool *sent;           /* the tumor row ids written, in a temporary file */
    gboolean *failing;         /* per tumor of the current record */
    int n_failing_cap;
    long failing_tumors;
    crtk_qa *qa;
    GError *error;
    /* the store's state metafile (crtk metafile use), run beside crtk's edits */
    crtk_mf_runner *mf_run;
    GHashTable *mf_index;      /* const crtk_mf_edit_info* -> index + 1 in mf_failures */
    long *mf_failures;         /* per edit of the runner */
    const crtk_record *mf_rec;
    int mf_tumor;
} submit_ctx;

static int on_failure(const crtk_edit_failure *f, void *user)
{
    submit_ctx *c = user;
    crtk_qa_add_failure(c->qa, f->patient_id, f->tumor, f->edit_id, f->message);
    return CRTK_CONTINUE;
}

static int on_failure_mark(const crtk_edit_failure *f, void *user)
{
    submit_ctx *c = user;
    /* called through a small trampoline below with the record's tumor count in c->n_failing_cap */
    if (f->tumor == 0) {
        for (int i = 0; i < c->n_failing_cap; i++)
            c->failing[i] = TRUE;
    } else if (f->tumor <= c->n_failing_cap) {
        c->failing[f->tumor - 1] = TRUE;
    }
    return on_failure(f, user);
}

static int on_mf_result(const crtk_mf_result *res, void *user)
{
    submit_ctx *c = user;
    if (res->status == CRTK_MF_PASS)
        return CRTK_CONTINUE;
    int k = GPOINTER_TO_INT(g_hash_table_lookup(c->mf_index, res->edit));
    if (k > 0)
        c->mf_failures[k - 1]++;
    c->failing[c->mf_tumor] = TRUE;
    GString *msg = g_string_new(res->status == CRTK_MF_ERROR ? "could not finish: " : "");
    g_string_append(msg, res->message);
    for (int i = 0; res->extra && res->extra[i]; i++)
        g_string_append_printf(msg, "%s%s", msg->len ? "; " : "", res->extra[i]);
    crtk_qa_add_failure(c->qa, crtk_record_patient_id(c->mf_rec), c->mf_tumor + 1, res->edit->tag, msg->str);
    g_string_free(msg, TRUE);
    return CRTK_CONTINUE;
}

static int submit_one(crtk_stored_patient *p, void *user)
{
    submit_ctx *c = user;
    crtk_record *rec = p->record;
    if (c->exported_index >= 0)
        for (int i = 0; i < rec->n_tumors; i++)
            crtk_element_set_str(&rec->tumors[i], c->exported_index, c->today);
    if (!row_spool_add(c->sent, p->tumor_ids, (gsize)rec->n_tumors, &c->error))
        return CRTK_ABORT;
    const crtk_record *r = rec;
    if (c->conv) {
        crtk_converter_record(c->conv, rec, c->out);
        c->out->ordinal = rec->ordinal;
        r = c->out;
    }
    if (c->edits || c->mf_run) {
        c->failing = g_renew(gboolean, c->failing, r->n_tumors ? r->n_tumors : 1);
        memset(c->failing, 0, sizeof(gboolean) * (size_t)(r->n_tumors ? r->n_tumors : 1));
        c->n_failing_cap = r->n_tumors;
        if (c->edits)
            crtk_edits_run_record(c->edits, r, on_failure_mark, c);
        c->mf_rec = r;
        for (int t = 0; c->mf_run && t < r->n_tumors; t++) {
            c->mf_tumor = t;
            crtk_mf_runner_run(c->mf_run, r, NULL, t, on_mf_result, c);
        }
        for (int i = 0; i < r->n_tumors; i++)
            c->failing_tumors += c->failing[i];
    }
    if (!crtk_writer_write(c->w, r, &c->error))
        return CRTK_ABORT;
    return CRTK_CONTINUE;
}

static char *qa_path(const char *output, const char *ext)
{
    return g_strconcat(output, ext, NULL);
}

gboolean crtk_submit(crtk_store *s, const crtk_submission_options *o, crtk_submission_result *r, GError **error)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(r, 0, sizeof *r);
    crtk_qa_init(&r->qa);
    g_free(r->qa.title);
    r->qa.title = g_strdup("Submission QA summary");
    /* one pass over the tumors sent, one over them again to stamp them: a small page cache does as
     * well as a large one, and keeps a submission under 64 MiB however many tumors it sends */
    if (!crtk_store_set_cache(s, 8192, error))
        return FALSE;
    /* The file, its edits and its QA summary are made from one state of the store: the QA counts
       select the same tumors as the file by the same condition, and none can change in between. */
    gboolean reading = FALSE;
    if (!crtk_store_read_begin(s, &reading, error))
        return FALSE;
    const char *since = o->since && *o->since ? o->since : "last";
    char *where = crtk_store_submission_where(s, since, error);
    if (!where) {
        if (reading)
            crtk_store_read_end(s);
        return FALSE;
    }
    if (!o->include_incomplete) {
        /* abstracts not finished in the workspace wait; say how many */
        char *held = crtk_store_unfinished_where(s);
        char *both = g_strdup_printf("(%s) AND (%s)", where, held);
        gint64 np = 0, nt = 0;
        if (!crtk_store_count(s, both, &np, &nt, error)) {
            g_free(held), g_free(both), g_free(where);
            if (reading)
                crtk_store_read_end(s);
            return FALSE;
        }
        r->left_out = (long)nt;
        g_free(both);
        both = g_strdup_printf("(%s) AND NOT (%s)", where, held);
        g_free(where), g_free(held);
        where = both;
    }
    gboolean ok = FALSE;
    submit_ctx c = {0};
    crtk_metafile *mf = NULL;
    char *mf_set = NULL, *edits_what = NULL, *mf_what = NULL;
    crtk_dictionary *to = NULL;
    char *today = crtk_today();
    const char *set = o->edit_set && *o->edit_set && strcmp(o->edit_set, "none") ? o->edit_set : NULL;
    c.from = crtk_store_dictionary(s);
    int v = o->naaccr_version ? o->naaccr_version : crtk_store_version(s);
    to = v == crtk_store_version(s) ? crtk_dictionary_ref(c.from) : crtk_dictionary_new(v, error);
    if (!to)
        goto out;
    unsigned rt = o->record_type ? o->record_type : CRTK_RT_A;
    c.conv = crtk_converter_new(c.from, to, rt);
    if (crtk_converter_is_identity(c.conv) && rt == CRTK_RT_A) {
        crtk_converter_free(c.conv);
        c.conv = NULL;
    } else {
        c.out = crtk_record_new(to);
    }
    if (set) {
        c.edits = crtk_edits_load(set, o->edits_dir, to, error);
        if (!c.edits)
            goto out;
        crtk_edits_set_cross_record(c.edits, FALSE); /* one record per stored patient: nothing to remember */
    }
    /* The state metafile recorded in the store (crtk metafile use), with its recorded edit set: a
     * file changed since it was recorded is refused (open_for_store checks its SHA-256). */
    GError *mf_err = NULL;
    mf = crtk_metafile_open_for_store(s, &mf_set, &mf_err);
    if (mf_err) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "state metafile: %s", mf_err->message);
        g_error_free(mf_err);
        goto out;
    }
    if (mf) {
        c.mf_run = crtk_mf_runner_new(mf, mf_set, NULL, to, &mf_err);
        if (!c.mf_run) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "state metafile %s: %s", crtk_metafile_name(mf), mf_err->message);
            g_error_free(mf_err);
            goto out;
        }
        int n = crtk_mf_runner_count(c.mf_run);
        c.mf_failures = g_new0(long, n ? n : 1);
        c.mf_index = g_hash_table_new(g_direct_hash, g_direct_equal);
        for (int i = 0; i < n; i++)
            g_hash_table_insert(c.mf_index, (gpointer)crtk_mf_runner_edit(c.mf_run, i), GINT_TO_POINTER(i + 1));
        const crtk_mf_set_info *si = crtk_mf_runner_set(c.mf_run);
        const char *version = crtk_metafile_control(mf, "MFContentVersion");
        mf_what = g_strdup_printf("metafile %s version %s set %s", crtk_metafile_name(mf), *version ? version : "?",
                                  si ? si->tag : "all");
    }
    edits_what = set && mf_what ? g_strdup_printf("%s + %s", set, mf_what) : g_strdup(set ? set : mf_what);

    const crtk_item *exp = crtk_dictionary_find(c.from, "dateCaseReportExported");
    c.exported_index = exp ? exp->index : -1;
    c.today = today;
    /* the tumors sent, to stamp once the file is accepted: in a temporary file, as in memory they
       grew with the submission (8 bytes a tumor) */
    c.sent = row_spool_new(error);
    if (!c.sent)
        goto out;
    c.qa = &r->qa;

    crtk_write_options wo;
    crtk_write_options_init(&wo);
    wo.format = CRTK_FORMAT_XML;
    wo.record_type = rt;
    crtk_header *h = crtk_header_new(to, rt);
    char *rid = crtk_store_get_setting(s, "registryId");
    if (rid)
        crtk_element_set_id(&h->root, to, "registryId", rid);
    g_free(rid);
    c.w = crtk_writer_open(o->output, to, h, &wo, error);
    crtk_header_free(h);
    if (!c.w)
        goto out;
    if (!crtk_store_foreach(s, where, submit_one, &c, error) || c.error) {
        if (c.error) {
            g_propagate_error(error, c.error);
            c.error = NULL;
        }
        crtk_writer_abandon(c.w);
        c.w = NULL;
        goto out;
    }
    r->patients = c.w->patients;
    r->tumors = c.w->tumors;
    if (r->tumors == 0) {
        crtk_writer_abandon(c.w); /* removes the file */
        c.w = NULL;
        r->nothing_new = TRUE;
        ok = TRUE;
        goto out;
    }
    if (!crtk_writer_close(c.w, error)) {
        c.w = NULL;
        goto out;
    }
    c.w = NULL;
    r->sha256 = crtk_file_sha256(o->output, error);
    if (!r->sha256) {
        remove(o->output);
        goto out;
    }
    r->failing_tumors = c.failing_tumors;
    r->error_rate = r->tumors ? 100.0 * (double)c.failing_tumors / (double)r->tumors : 0.0;

    /* QA counts over the tumors written: the selection's condition, in the same read transaction */
    crtk_store_query written = {.where = where};
    gboolean counted = crtk_qa_compute(s, &written, &r->qa, error);
    if (!counted) {
        remove(o->output);
        goto out;
    }
    if (c.edits)
        crtk_qa_take_edits(&r->qa, c.edits, set, r->tumors, r->tumors - c.failing_tumors);
    if (c.mf_run) {
        for (int i = 0; i < crtk_mf_runner_count(c.mf_run); i++) {
            const crtk_mf_edit_info *e = crtk_mf_runner_edit(c.mf_run, i);
            crtk_qa_add_edit(&r->qa, e->tag, e->name, e->agency, c.mf_failures[i]);
        }
        g_free(r->qa.edit_set);
        r->qa.edit_set = g_strdup(edits_what);
        r->qa.tumors_checked = r->tumors;
        r->qa.tumors_passing = r->tumors - c.failing_tumors;
    }
    if (edits_what)
        crtk_qa_finish(&r->qa);
    if (edits_what && r->error_rate > o->max_error_rate + 1e-9) {
        r->reason = g_strdup_printf("%ld of %ld tumors (%.2f%%) fail at least one edit of %s; at most %g%% "
                                    "is allowed (--max-error-rate); correct the cases or send with --force",
                                    r->failing_tumors, r->tumors, r->error_rate, edits_what, o->max_error_rate);
        if (!o->force) {
            r->refused = TRUE;
            remove(o->output);
        }
    }

    char *base = g_path_get_basename(o->output);
    crtk_qa_info(&r->qa, "Status", "%s", r->refused ? "REFUSED: not sent" : r->reason ? "SENT with --force" : "sent");
    if (r->reason)
        crtk_qa_info(&r->qa, "Reason", "%s", r->reason);
    crtk_qa_info(&r->qa, "File", "%s%s", base, r->refused ? " (removed)" : "");
    crtk_qa_info(&r->qa, "SHA-256", "%s", r->refused ? "-" : r->sha256);
    crtk_qa_info(&r->qa, "Store", "%s", crtk_store_path(s));
    char *fac = crtk_store_get_setting(s, "reportingFacility"), *reg = crtk_store_get_setting(s, "registryId");
    crtk_qa_info(&r->qa, "Reporting facility", "%s",
                 fac ? fac : "(not set: crtk settings DB reportingFacility=ID)");
    if (reg)
        crtk_qa_info(&r->qa, "Registry ID", "%s", reg);
    g_free(fac), g_free(reg);
    crtk_qa_info(&r->qa, "NAACCR version", "%d (record version %d)", v / 10, v);
    crtk_qa_info(&r->qa, "Record type", "%c", crtk_record_type_letter(rt));
    crtk_qa_info(&r->qa, "Selection", "%s", !strcmp(since, "last") ? "new or changed since the last submission"
                                            : !strcmp(since, "all") ? "all tumors" : "new, or changed on or after");
    char iso[11];
    if (strcmp(since, "last") && strcmp(since, "all")) {
        crtk_date_format_iso(crtk_date_parse(since), iso);
        crtk_qa_info(&r->qa, "Changed on or after", "%s", *iso ? iso : since);
    }
    crtk_qa_info(&r->qa, "Date exported", "%s", crtk_date_format_iso(crtk_date_parse(today), iso));
    crtk_qa_info(&r->qa, "Edit set", "%s", set ? set : "none");
    if (mf) {
        char *sum = crtk_store_get_setting(s, CRTK_SETTING_METAFILE_SHA256);
        const crtk_mf_set_info *si = crtk_mf_runner_set(c.mf_run);
        crtk_qa_info(&r->qa, "State metafile", "%s", crtk_metafile_name(mf));
        crtk_qa_info(&r->qa, "Metafile version", "%s", crtk_metafile_control(mf, "MFContentVersion"));
        crtk_qa_info(&r->qa, "Metafile edit set", "%s (%d edits run, %u skipped)", si ? si->tag : "all",
                     crtk_mf_runner_count(c.mf_run), crtk_mf_runner_skipped(c.mf_run)->len);
        crtk_qa_info(&r->qa, "Metafile SHA-256", "%s", sum ? sum : "");
        g_free(sum);
    }
    crtk_qa_info(&r->qa, "Failing tumors", "%ld of %ld (%.2f%%; allowed %g%%)", r->failing_tumors, r->tumors,
                 r->error_rate, o->max_error_rate);
    g_free(base);

    if (reading && r->refused) {
        crtk_store_read_end(s);
        reading = FALSE;
    }
    if (!r->refused) {
        /* The tumors are stamped in the state of the store the file was made from: a change saved by
           another user meanwhile would otherwise be stamped as sent although the file lacks it.  When
           the store moved, nothing is stamped and the file is removed (run submit again). */
        gboolean stored = reading ? crtk_store_read_to_write(s, error) : crtk_store_begin(s, error);
        if (stored)
            reading = FALSE;
        gint64 chunk[4096];
        gssize got;
        while (stored && (got = row_spool_read(c.sent, chunk, G_N_ELEMENTS(chunk), error)) != 0)
            stored = got > 0 && crtk_store_mark_exported(s, chunk, (gsize)got, today, error);
        if (stored) {
            char *name = g_path_get_basename(o->output);
            char vbuf[8];
            g_snprintf(vbuf, sizeof vbuf, "%c", crtk_record_type_letter(rt));
            crtk_transmission t = {.file = name, .sha256 = r->sha256, .patients = r->patients, .tumors = r->tumors,
                                   .naaccr_version = v, .record_type = vbuf, .edit_set = edits_what ? edits_what : "none",
                                   .since = since, .failing_tumors = r->failing_tumors};
            r->transmission_id = crtk_store_add_transmission(s, &t, error);
            stored = r->transmission_id > 0;
            g_free(name);
        }
        if (stored)
            stored = crtk_store_commit(s, error);
        else
            crtk_store_rollback(s);
        if (!stored) {
            remove(o->output);
            goto out;
        }
        char id[32];
        g_snprintf(id, sizeof id, "%" G_GINT64_FORMAT, r->transmission_id);
        g_ptr_array_insert(r->qa.info, 0, g_strdup(id));
        g_ptr_array_insert(r->qa.info, 0, g_strdup("Transmission"));
    }
    /* The audit chain's head after this submission: an anchor outside the store (docs/store.md). */
    gint64 entries = 0;
    char *head = crtk_store_audit_head(s, &entries);
    crtk_qa_info(&r->qa, "Audit chain head", "%s (entry %" G_GINT64_FORMAT ")", head ? head : "-", entries);
    g_free(head);
    /* From here on the submission is sent and recorded: a QA summary that cannot be written is
     * reported as such (r->qa_error), never as a failed submission. */
    GError *qa_err = NULL;
    r->qa_text = qa_path(o->output, ".qa.txt");
    /* A setting or the chain head that could not be read would be a blank in the summary. */
    gboolean qa_ok = crtk_store_reads_ok(s, &qa_err) && crtk_qa_write_text(&r->qa, r->qa_text, &qa_err);
#ifdef CRTK_HAVE_XLSXWRITER
    if (qa_ok && !o->no_qa_xlsx) {
        r->qa_xlsx = qa_path(o->output, ".qa.xlsx");
        qa_ok = crtk_qa_write_xlsx(s, &r->qa, r->qa_xlsx, &qa_err) && crtk_store_reads_ok(s, &qa_err);
        if (!qa_ok)
            remove(r->qa_xlsx);
    }
#endif
    if (!qa_ok) {
        if (r->refused) {
            g_propagate_error(error, qa_err);
            goto out;
        }
        r->qa_error = g_strdup(qa_err->message);
        g_error_free(qa_err);
    }
    ok = TRUE;
out:
    if (c.w)
        crtk_writer_abandon(c.w);
    crtk_converter_free(c.conv);
    crtk_record_free(c.out);
    if (c.edits)
        crtk_edits_free(c.edits);
    crtk_mf_runner_free(c.mf_run);
    if (c.mf_index)
        g_hash_table_destroy(c.mf_index);
    g_free(c.mf_failures);
    crtk_metafile_free(mf);
    g_free(mf_set), g_free(mf_what), g_free(edits_what);
    row_spool_free(c.sent);
    if (reading)
        crtk_store_read_end(s);
    g_free(c.failing);
    if (to)
        crtk_dictionary_unref(to);
    g_free(today);
    g_free(where);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return ok;
}
