/* store_import.c — loading NAACCR files (XML, flat, CSV) into a store, one transaction per file.
 *
 * Matching (documented in docs/store.md):
 *  - a patient is the stored patient with the same patientIdNumber or, failing that, the patient
 *    of a stored tumor with the same reportingFacility and medicalRecordNumber (a central
 *    registry receiving a facility's cases again under the facility's own identifiers);
 *  - a tumor of that patient is the stored tumor with, in this order of preference,
 *    the same tumorRecordNumber; the same accessionNumberHosp and sequenceNumberHospital;
 *    the same sequenceNumberCentral; or the same primarySite and dateOfDiagnosis.
 * A matched patient or tumor is updated (--on-conflict update: changed items are
 * written and audited), left alone (skip), or makes the whole file fail (fail).
 * A file with errors (or a fatal problem) leaves the store as it was, unless forced.
 * Files of another NAACCR version are converted to the store's version on the way
 * (convert.h), with the same report of items that cannot be kept.
 */
#include "store_private.h"
#include "crtk/duplicates.h"
#include "convert.h"

#include <string.h>

typedef struct {
    crtk_store *s;
    const crtk_import_options *o;
    crtk_import_stats *st;
    crtk_problem_fn on_problem;
    void *user;
    const char *path;
    crtk_converter *conv;
    crtk_record *conv_rec;
    crtk_stored_patient *existing;
    sqlite3_stmt *find;
    sqlite3_stmt *find_facility;  /* by reportingFacility + medicalRecordNumber, NULL if the version lacks them */
    GError *error;
    gboolean failed;
    char *audit_note;
    long errors;
    crtk_dictionary *src_dict;
    const crtk_header *header;
} import_ctx;

static int import_problem(const crtk_problem *p, void *user)
{
    import_ctx *c = user;
    if (p->severity != CRTK_SEVERITY_WARNING)
        c->errors++;
    if (c->on_problem)
        return c->on_problem(p, c->user);
    return CRTK_CONTINUE;
}

static int import_header(const crtk_header *h, void *user)
{
    import_ctx *c = user;
    c->header = h;
    if (h->dict != c->s->dict && crtk_dictionary_version(h->dict) != c->s->version) {
        c->conv = crtk_converter_new(h->dict, c->s->dict, CRTK_RT_A);
        c->conv_rec = crtk_record_new(c->s->dict);
        c->src_dict = h->dict;
    } else if (crtk_dictionary_count(h->dict) != crtk_dictionary_count(c->s->dict)) {
        /* Same version, other user dictionaries: map by naaccrId. */
        c->conv = crtk_converter_new(h->dict, c->s->dict, CRTK_RT_A);
        c->conv_rec = crtk_record_new(c->s->dict);
        c->src_dict = h->dict;
    }
    /* NaaccrData items go with every tumor of the file. */
    return CRTK_CONTINUE;
}

static const char *val(const crtk_element *e, const crtk_dictionary *d, const char *id)
{
    const char *v = crtk_element_get_id(e, d, id);
    return v ? v : "";
}

static gboolean same_nonempty(const crtk_element *a, const crtk_element *b, const crtk_dictionary *d, const char *id)
{
    const char *x = val(a, d, id), *y = val(b, d, id);
    return *x && *y && !strcmp(x, y);
}

/* Which stored tumor (index into existing) is the incoming one? -1 if none. */
static int match_tumor(import_ctx *c, const crtk_element *in, const gboolean *taken)
{
    const crtk_dictionary *d = c->s->dict;
    const crtk_record *ex = c->existing->record;
    for (int rule = 0; rule < 4; rule++) {
        for (int i = 0; i < ex->n_tumors; i++) {
            if (taken[i])
                continue;
            const crtk_element *t = &ex->tumors[i];
            gboolean m = FALSE;
            switch (rule) {
            case 0: m = same_nonempty(in, t, d, "tumorRecordNumber"); break;
            case 1:
                m = same_nonempty(in, t, d, "accessionNumberHosp") && same_nonempty(in, t, d, "sequenceNumberHospital");
                break;
            case 2: m = same_nonempty(in, t, d, "sequenceNumberCentral"); break;
            case 3: m = same_nonempty(in, t, d, "primarySite") && same_nonempty(in, t, d, "dateOfDiagnosis"); break;
            }
            if (m)
                return i;
        }
    }
    return -1;
}

static gboolean update_element(import_ctx *c, const char *table, gint64 row, gint64 patient_id, gint64 tumor_id,
                               const char *key, const crtk_element *have, const crtk_element *in, gboolean tumor,
                               gboolean *changed_any)
{
    crtk_store *s = c->s;
    for (int k = 0; k < in->n_set; k++) {
        int idx = in->set[k];
        const crtk_item *it = crtk_dictionary_item(s->dict, idx);
        if (crtk_store_item_in_tumor_table(it) != tumor)
            continue;
        /* The store's patient number stays: it is the key (a facility may send its own). */
        if (!tumor && !strcmp(it->id, "patientIdNumber"))
            continue;
        size_t nl, ol;
        const char *nv = crtk_element_get(in, idx, &nl);
        const char *ov = crtk_element_get(have, idx, &ol);
        if (ov && nl == ol && memcmp(nv, ov, nl) == 0)
            continue;
        sqlite3_stmt *st = crtk_store_item_stmt(s, it, TRUE, &c->error);
        if (!st)
            return FALSE;
        sqlite3_bind_text(st, 1, nv, (int)nl, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, row);
        gboolean ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
        if (!ok) {
            crtk_store_set_sqlite_error(s, &c->error, "cannot update a value");
            return FALSE;
        }
        crtk_store_mark_used(s, idx);
        if (!crtk_store_audit(s, patient_id, tumor_id, key, it->id, ov, nv, &c->error))
            return FALSE;
        c->st->values_changed++;
        *changed_any = TRUE;
    }
    return TRUE;
}

static int import_patient(crtk_record *r, void *user)
{
    import_ctx *c = user;
    crtk_store *s = c->s;
    c->st->patients_read++;
    c->st->tumors_read += r->n_tumors;
    /* NaaccrData-level items (registryId, recordType, ...) are kept with each tumor they came with. */
    if (c->header)
        for (int i = 0; i < r->n_tumors; i++)
            for (int k = 0; k < c->header->root.n_set; k++) {
                int idx = c->header->root.set[k];
                size_t len;
                const char *v = crtk_element_get(&c->header->root, idx, &len);
                if (!crtk_element_has(&r->tumors[i], idx))
                    crtk_element_set(&r->tumors[i], idx, v, len);
            }
    const crtk_record *in = r;
    if (c->conv) {
        crtk_converter_record(c->conv, r, c->conv_rec);
        in = c->conv_rec;
    }
    const char *key = val(&in->patient, s->dict, "patientIdNumber");
    gint64 pid = 0;
    if (*key) {
        sqlite3_reset(c->find);
        sqlite3_bind_text(c->find, 1, key, -1, SQLITE_STATIC);
        int frc = sqlite3_step(c->find);
        if (frc == SQLITE_ROW)
            pid = sqlite3_column_int64(c->find, 0);
        sqlite3_reset(c->find);
        if (crtk_store_step_failed(s, frc, &c->error, "cannot look up a patient"))
            goto fail;
    }
    if (!pid && c->find_facility) {
        /* A central registry: the reporting facility's own identifiers (its medical record number). */
        for (int i = 0; !pid && i < in->n_tumors; i++) {
            const char *fac = val(&in->tumors[i], s->dict, "reportingFacility");
            const char *mrn = val(&in->tumors[i], s->dict, "medicalRecordNumber");
            if (!*fac || !*mrn)
                continue;
            sqlite3_reset(c->find_facility);
            sqlite3_bind_text(c->find_facility, 1, fac, -1, SQLITE_STATIC);
            sqlite3_bind_text(c->find_facility, 2, mrn, -1, SQLITE_STATIC);
            int frc = sqlite3_step(c->find_facility);
            if (frc == SQLITE_ROW)
                pid = sqlite3_column_int64(c->find_facility, 0);
            sqlite3_reset(c->find_facility);
            if (crtk_store_step_failed(s, frc, &c->error, "cannot look up a patient"))
                goto fail;
        }
    }
    if (!pid && !*key) {
        /* Without a patientIdNumber the patient could never be found again (and would be added
           anew by every import of the file): an error, like any other that refuses the file. */
        crtk_problem p = {.code = CRTK_PROBLEM_BAD_VALUE, .severity = CRTK_SEVERITY_ERROR, .file = c->path,
                          .line = r->patient.line, .patient = r->ordinal, .item = "patientIdNumber",
                          .message = "the patient has no patientIdNumber; crtk cannot match it to the store "
                                     "(give every patient one, or --force to add it as a new patient)"};
        import_problem(&p, c);
        c->st->errors++;
        if (!c->o->force)
            return CRTK_CONTINUE;
    }
    if (!pid) {
        /* [web workspace] a likely duplicate of a patient already stored is added, with a warning */
        const char *mrn = in->n_tumors ? val(&in->tumors[0], s->dict, "medicalRecordNumber") : NULL;
        GPtrArray *dups = crtk_find_duplicates(s, &in->patient, mrn, &c->error);
        if (!dups) /* the search failed (SQLite's error): not "no duplicates" */
            goto fail;
        for (guint i = 0; dups && i < dups->len; i++) {
            crtk_duplicate *x = dups->pdata[i];
            char *m = g_strdup_printf("possible duplicate of patient %s (%s, born %s): %s; added as a new patient",
                                      x->patient_key, x->name, x->birth_date, x->reason);
            crtk_problem p = {.code = CRTK_PROBLEM_POSSIBLE_DUPLICATE, .severity = CRTK_SEVERITY_WARNING,
                              .file = c->path, .line = r->patient.line, .patient = r->ordinal, .patient_id = key,
                              .message = m};
            import_problem(&p, c);
            c->st->warnings++;
            g_free(m);
        }
        if (dups)
            g_ptr_array_free(dups, TRUE);
        pid = crtk_store_insert_patient(s, &in->patient, &c->error);
        if (!pid)
            goto fail;
        c->st->patients_added++;
        for (int i = 0; i < in->n_tumors; i++) {
            if (!crtk_store_insert_tumor(s, pid, &in->tumors[i], &c->error))
                goto fail;
            c->st->tumors_added++;
        }
        return CRTK_CONTINUE;
    }
    /* An existing patient. */
    if (c->o->on_conflict == CRTK_CONFLICT_FAIL) {
        g_set_error(&c->error, CRTK_ERROR, CRTK_ERROR_DATA,
                    "%s: patient %ld (patientIdNumber %s) is already in the store (--on-conflict fail)", c->path,
                    r->ordinal, key);
        goto fail;
    }
    if (c->o->on_conflict == CRTK_CONFLICT_SKIP) {
        c->st->patients_skipped++;
        c->st->tumors_skipped += in->n_tumors;
        return CRTK_CONTINUE;
    }
    if (!crtk_store_load_patient(s, pid, c->existing, &c->error))
        goto fail;
    gboolean changed = FALSE;
    if (!update_element(c, "patient", pid, pid, 0, key, &c->existing->record->patient, &in->patient, FALSE, &changed))
        goto fail;
    if (changed)
        c->st->patients_updated++;
    gboolean *taken = g_new0(gboolean, c->existing->record->n_tumors + 1);
    for (int i = 0; i < in->n_tumors; i++) {
        int m = match_tumor(c, &in->tumors[i], taken);
        if (m < 0) {
            if (!crtk_store_insert_tumor(s, pid, &in->tumors[i], &c->error)) {
                g_free(taken);
                goto fail;
            }
            c->st->tumors_added++;
            continue;
        }
        taken[m] = TRUE;
        gint64 tid = c->existing->tumor_ids[m];
        gboolean tchanged = FALSE;
        if (!update_element(c, "tumor", tid, pid, tid, key, &c->existing->record->tumors[m], &in->tumors[i], TRUE,
                            &tchanged)) {
            g_free(taken);
            goto fail;
        }
        if (tchanged)
            c->st->tumors_updated++;
    }
    g_free(taken);
    /* between two patients: the updated rows get their digests before they are many */
    if (!crtk_store_digest_interim(s, &c->error))
        goto fail;
    return CRTK_CONTINUE;
fail:
    c->failed = TRUE;
    return CRTK_ABORT;
}

gboolean crtk_store_import(crtk_store *s, const char *path, const crtk_import_options *options,
                           crtk_problem_fn on_problem, void *user, crtk_import_stats *stats, GError **error)
{
    crtk_import_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    import_ctx c = {.s = s, .o = options, .st = stats, .on_problem = on_problem, .user = user, .path = path};
    c.existing = crtk_stored_patient_new(s);
    if (!crtk_store_prepare(s, "SELECT id FROM patient WHERE \"patientIdNumber\" = ?1 ORDER BY id LIMIT 1", &c.find,
                            error)) {
        crtk_stored_patient_free(c.existing);
        return FALSE;
    }
    if (crtk_dictionary_find(s->dict, "reportingFacility") && crtk_dictionary_find(s->dict, "medicalRecordNumber") &&
        crtk_dictionary_find(s->dict, "patientIdNumber") &&
        !crtk_store_prepare(s, "SELECT patient_id FROM tumor WHERE \"reportingFacility\" = ?1 AND "
                               "\"medicalRecordNumber\" = ?2 ORDER BY id LIMIT 1", &c.find_facility, error)) {
        sqlite3_finalize(c.find);
        crtk_stored_patient_free(c.existing);
        return FALSE;
    }
    char *cmd = g_strdup_printf("import %s", path);
    char *saved_cmd = g_strdup(s->command);
    crtk_store_set_actor(s, NULL, cmd);
    gboolean ok = crtk_store_begin(s, error);
    crtk_read_stats rs = {0};
    if (ok) {
        crtk_read_options ro = options->read;
        /* The store's user dictionaries are known to it: offer them to the reader. */
        crtk_read_handlers h = {.header = import_header, .patient = import_patient, .problem = import_problem};
        int r = crtk_naaccr_read_file(path, CRTK_FORMAT_UNKNOWN, &ro, &h, &c, &rs);
        stats->errors += rs.errors;
        stats->warnings = rs.warnings;
        if (c.failed) {
            ok = FALSE;
            g_propagate_error(error, c.error);
            c.error = NULL;
        } else if (r != 0) {
            ok = FALSE;
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: not imported: reading stopped at a fatal problem",
                        path);
        } else if (stats->errors && !options->force) {
            ok = FALSE;
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "%s: not imported: the file has %ld error%s (see above; --force loads it anyway)", path,
                        stats->errors, stats->errors == 1 ? "" : "s");
        }
        if (ok && c.conv && on_problem)
            crtk_converter_report(c.conv, path, on_problem, user);
        if (ok)
            ok = crtk_store_commit(s, error);
        else
            crtk_store_rollback(s);
    }
    crtk_store_set_actor(s, NULL, saved_cmd);
    g_free(saved_cmd);
    g_free(cmd);
    sqlite3_finalize(c.find);
    sqlite3_finalize(c.find_facility);
    crtk_stored_patient_free(c.existing);
    crtk_converter_free(c.conv);
    crtk_record_free(c.conv_rec);
    if (c.error)
        g_error_free(c.error);
    return ok;
}
