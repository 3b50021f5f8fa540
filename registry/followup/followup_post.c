/* followup_post.c — posting follow-up contacts: one contact (or a death) for a patient and all
 * its tumors, or many from a CSV file, through crtk_store_set_items (values checked, audit trail,
 * Date Case Last Changed), each contact or file one transaction. */
#include "followup.h"
#include "followup_private.h"
#include "csv.h"
#include "date.h"
#include "codes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- posting ------------------------------------------------------------------------------------- */

/* a (a full YYYYMMDD) is before the NAACCR date b, compared on b's precision. */
static gboolean before(const char *a, const char *b)
{
    if (fu_blank(b))
        return FALSE;
    crtk_date d = crtk_date_parse(b);
    if (d.year <= 0)
        return FALSE;
    int n = d.month ? (d.day ? 8 : 6) : 4;
    return strncmp(a, b, n) < 0;
}

static char *pretty_date(const char *v)
{
    if (!v || strlen(v) != 8)
        return g_strdup(v ? v : "");
    return g_strdup_printf("%.4s-%.2s-%.2s", v, v + 4, v + 6);
}

/* Finds the tumor a --cancer-status key names: #row, tumorRecordNumber (01 = 1), or a primary site
 * that only one tumor has. */
static int find_tumor(const crtk_stored_patient *sp, crtk_dictionary *d, const char *key)
{
    const crtk_record *r = sp->record;
    if (key[0] == '#') {
        gint64 row = g_ascii_strtoll(key + 1, NULL, 10);
        for (int i = 0; i < r->n_tumors; i++)
            if (sp->tumor_ids[i] == row)
                return i;
        return -1;
    }
    for (int i = 0; i < r->n_tumors; i++) {
        const char *trn = crtk_element_get_id(&r->tumors[i], d, "tumorRecordNumber");
        if (trn && (!strcmp(trn, key) || (g_ascii_isdigit(key[0]) && atoi(trn) == atoi(key) &&
                                          strspn(key, "0123456789") == strlen(key))))
            return i;
    }
    int found = -1;
    for (int i = 0; i < r->n_tumors; i++) {
        const char *site = crtk_element_get_id(&r->tumors[i], d, "primarySite");
        if (site && !g_ascii_strcasecmp(site, key)) {
            if (found >= 0)
                return -2;
            found = i;
        }
    }
    return found;
}

static char *tumor_list(const crtk_stored_patient *sp, crtk_dictionary *d)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < sp->record->n_tumors; i++) {
        const char *trn = crtk_element_get_id(&sp->record->tumors[i], d, "tumorRecordNumber");
        const char *site = crtk_element_get_id(&sp->record->tumors[i], d, "primarySite");
        if (i)
            g_string_append(s, ", ");
        if (trn)
            g_string_append(s, trn);
        else
            g_string_append_printf(s, "#%" G_GINT64_FORMAT, sp->tumor_ids[i]);
        if (site)
            g_string_append_printf(s, " (%s)", site);
    }
    if (!s->len)
        g_string_append(s, "none");
    return g_string_free(s, FALSE);
}

static gboolean valid_code(const char *item, const char *code)
{
    return crtk_code_list(item, NULL) ? crtk_code_valid(item, code) : TRUE;
}

gboolean crtk_followup_post(crtk_store *s, const crtk_followup_rules *r, const char *patient,
                            const crtk_followup_contact *c, GError **error)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    int date = fu_parse_full_date(c->date);
    if (!date) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "date %s: expected a full date YYYYMMDD or YYYY-MM-DD",
                    c->date ? c->date : "(none)");
        return FALSE;
    }
    char dv[9];
    g_snprintf(dv, sizeof dv, "%08d", date);
    if (!c->vital_status || (strcmp(c->vital_status, "0") && strcmp(c->vital_status, "1"))) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "vital status %s: expected 0 (dead) or 1 (alive)",
                    c->vital_status ? c->vital_status : "(none)");
        return FALSE;
    }
    gboolean dead = c->vital_status[0] == '0';
    /* A contact cannot be later than today: the date of a returned letter is the date written on
     * it, or the postmark, never a date to come ([SEER] responses page). */
    if (date > r->today) {
        char *t = g_strdup_printf("%08d", r->today), *pt = pretty_date(t), *pd = pretty_date(dv);
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "date %s is in the future (today is %s)", pd, pt);
        g_free(t), g_free(pt), g_free(pd);
        return FALSE;
    }
    if (c->cause_of_death && *c->cause_of_death && !dead) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "a cause of death needs vital status 0 (dead)");
        return FALSE;
    }
    const char *source_item = NULL;
    if (c->source && *c->source) {
        /* 1 digit: Follow-Up Source [1790] of the tumors; 2 digits: Follow-up Source Central [1791]. */
        source_item = strlen(c->source) == 1 ? "followUpSource" : "followUpSourceCentral";
        if (!crtk_dictionary_find(d, source_item) || !valid_code(source_item, c->source)) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "source %s is not a code of %s", c->source, source_item);
            return FALSE;
        }
    }
    gint64 pid = crtk_store_find_patient(s, patient);
    if (!pid && !crtk_store_reads_ok(s, error)) /* SQLite's error, not "no such patient" */
        return FALSE;
    if (!pid) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "no patient %s in the store", patient ? patient : "");
        return FALSE;
    }
    crtk_stored_patient *sp = crtk_stored_patient_new(s);
    if (!crtk_store_load_patient(s, pid, sp, error)) {
        crtk_stored_patient_free(sp);
        return FALSE;
    }
    crtk_record *rec = sp->record;
    int nt = rec->n_tumors;
    const char **status = g_new0(const char *, nt + 1);
    gboolean ok = TRUE;
    char *pd = pretty_date(dv);
    const char *old_dlc = crtk_element_get_id(&rec->patient, d, "dateOfLastContact");
    const char *old_vs = crtk_element_get_id(&rec->patient, d, "vitalStatus");
    gboolean was_dead = old_vs && (!strcmp(old_vs, "0") || !strcmp(old_vs, "4"));

    /* Cancer status [1770]: 1 no evidence, 2 evidence, 9 unknown; per tumor or for all. */
    for (int i = 0; ok && i < c->n_cancer_status; i++) {
        const char *spec = c->cancer_status[i], *eq = strchr(spec, '=');
        const char *code = eq ? eq + 1 : spec;
        if (strcmp(code, "1") && strcmp(code, "2") && strcmp(code, "9")) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                        "cancer status %s: expected 1 (no evidence), 2 (evidence) or 9 (unknown)", spec);
            ok = FALSE;
            break;
        }
        if (!eq) {
            for (int k = 0; k < nt; k++)
                status[k] = code;
            continue;
        }
        char *key = g_strndup(spec, eq - spec);
        g_strstrip(key);
        int k = find_tumor(sp, d, key);
        if (k < 0) {
            char *list = tumor_list(sp, d);
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "patient %s: %s tumor %s (tumors: %s)", patient,
                        k == -2 ? "more than one" : "no", key, list);
            g_free(list);
            ok = FALSE;
        } else {
            status[k] = code;
        }
        g_free(key);
    }
    if (ok && c->n_cancer_status && !crtk_dictionary_find(d, "cancerStatus")) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "NAACCR %d has no item cancerStatus", crtk_store_version(s));
        ok = FALSE;
    }

    /* The recorded history must stay consistent, unless the clerk says it is a correction. */
    if (ok && !c->force) {
        char *po = pretty_date(old_dlc);
        if (was_dead && (!dead || g_strcmp0(old_dlc, dv))) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "patient %s is recorded dead on %s; a contact %s %s changes that (use --force to correct it)",
                        patient, po, dead ? "with death on" : "alive on", pd);
            ok = FALSE;
        } else if (old_dlc && before(dv, old_dlc)) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "patient %s: date %s is older than the date of last contact recorded, %s (use --force to "
                        "correct it)", patient, pd, po);
            ok = FALSE;
        }
        g_free(po);
        for (int k = 0; ok && k < nt; k++) {
            const char *dx = crtk_element_get_id(&rec->tumors[k], d, "dateOfDiagnosis");
            if (dx && before(dv, dx)) {
                char *px = pretty_date(dx);
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                            "patient %s: date %s is before a date of diagnosis, %s (use --force to correct it)",
                            patient, pd, px);
                g_free(px);
                ok = FALSE;
            }
        }
    }

    /* One transaction: patient items, then each tumor. */
    if (ok)
        ok = crtk_store_begin(s, error);
    if (ok) {
        const char *pi[6], *pv[6];
        int n = 0;
        pi[n] = "dateOfLastContact", pv[n++] = dv;
        pi[n] = "vitalStatus", pv[n++] = c->vital_status;
        if (dead && c->cause_of_death && *c->cause_of_death) {
            pi[n] = "causeOfDeath", pv[n++] = c->cause_of_death;
            /* [NAACCR 1920] ICD revision 1 = ICD-10, for a cause coded in ICD-10 (letter + digits). */
            if (g_ascii_isalpha(c->cause_of_death[0]) && crtk_dictionary_find(d, "icdRevisionNumber"))
                pi[n] = "icdRevisionNumber", pv[n++] = "1";
        }
        /* Follow-up Source Central is a patient item from NAACCR 24 on, a tumor item before. */
        const crtk_item *src = source_item ? crtk_dictionary_find(d, source_item) : NULL;
        gboolean src_patient = src && src->level == CRTK_LEVEL_PATIENT;
        if (src_patient)
            pi[n] = source_item, pv[n++] = c->source;
        ok = crtk_store_set_items(s, pid, 0, pi, pv, n, error);
        gboolean has_dlcs = crtk_dictionary_find(d, "dateOfLastCancerStatus") != NULL;
        for (int k = 0; ok && k < nt; k++) {
            const char *ti[3], *tv[3];
            int m = 0;
            if (status[k]) {
                ti[m] = "cancerStatus", tv[m++] = status[k];
                if (has_dlcs)
                    ti[m] = "dateOfLastCancerStatus", tv[m++] = dv;
            }
            if (src && !src_patient)
                ti[m] = source_item, tv[m++] = c->source;
            if (m)
                ok = crtk_store_set_items(s, pid, sp->tumor_ids[k], ti, tv, m, error);
        }
        if (ok)
            ok = crtk_store_commit(s, error);
        else
            crtk_store_rollback(s);
    }
    g_free(pd);
    g_free(status);
    crtk_stored_patient_free(sp);
    return ok;
}

enum { COL_PATIENT, COL_DATE, COL_VITAL, COL_CANCER, COL_SOURCE, COL_COD, N_COLS };

static int csv_column(const char *name)
{
    static const char *const names[][4] = {
        [COL_PATIENT] = {"patientIdNumber", "patient", NULL},
        [COL_DATE] = {"date", "dateOfLastContact", NULL},
        [COL_VITAL] = {"vitalStatus", "vital-status", "vital_status", NULL},
        [COL_CANCER] = {"cancerStatus", "cancer-status", "cancer_status", NULL},
        [COL_SOURCE] = {"source", "followUpSource", "followUpSourceCentral", NULL},
        [COL_COD] = {"causeOfDeath", "cause-of-death", "cause_of_death", NULL},
    };
    for (int i = 0; i < N_COLS; i++)
        for (int j = 0; names[i][j]; j++)
            if (!g_ascii_strcasecmp(name, names[i][j]))
                return i;
    return -1;
}

gboolean crtk_followup_post_csv(crtk_store *s, const crtk_followup_rules *r, const char *path, gboolean force,
                                int *posted, GError **error)
{
    GArray *lines = NULL;
    GPtrArray *rows = crtk_csv_read_all(path, &lines, error);
    *posted = 0;
    if (!rows)
        return FALSE;
    gboolean ok = TRUE;
    int col[N_COLS];
    for (int i = 0; i < N_COLS; i++)
        col[i] = -1;
    if (!rows->len) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: empty file (expected a header: "
                    "patientIdNumber,date,vitalStatus[,cancerStatus,source,causeOfDeath])", path);
        ok = FALSE;
    }
    int ncols = 0;
    if (ok) {
        char **head = g_ptr_array_index(rows, 0);
        for (int i = 0; head[i]; i++, ncols++) {
            int k = csv_column(head[i]);
            if (k < 0 || col[k] >= 0) {
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                            "%s:%d: column %d \"%s\": %s (columns: patientIdNumber, date, vitalStatus, cancerStatus, "
                            "source, causeOfDeath)", path, g_array_index(lines, int, 0), i + 1, head[i],
                            k < 0 ? "unknown column" : "given twice");
                ok = FALSE;
                break;
            }
            col[k] = i;
        }
        for (int k = COL_PATIENT; ok && k <= COL_VITAL; k++)
            if (col[k] < 0) {
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                            "%s:%d: the header needs the columns patientIdNumber, date and vitalStatus", path,
                            g_array_index(lines, int, 0));
                ok = FALSE;
            }
    }
    if (ok)
        ok = crtk_store_begin(s, error);
    for (guint i = 1; ok && i < rows->len; i++) {
        char **row = g_ptr_array_index(rows, i);
        int line = g_array_index(lines, int, i);
        int n = (int)g_strv_length(row);
        const char *v[N_COLS];
        for (int k = 0; k < N_COLS; k++)
            v[k] = col[k] >= 0 && col[k] < n && *row[col[k]] ? row[col[k]] : NULL;
        GError *e = NULL;
        if (n > ncols) {
            g_set_error(&e, CRTK_ERROR, CRTK_ERROR_DATA, "%d fields, the header has %d", n, ncols);
        } else if (!v[COL_PATIENT]) {
            g_set_error(&e, CRTK_ERROR, CRTK_ERROR_DATA, "no patientIdNumber");
        } else {
            /* cancerStatus: one code for all tumors, or TUMOR=CODE entries separated by ';' or spaces. */
            char **cs = v[COL_CANCER] ? g_strsplit_set(v[COL_CANCER], "; ", -1) : NULL;
            GPtrArray *list = g_ptr_array_new();
            for (char **q = cs; q && *q; q++)
                if (**q)
                    g_ptr_array_add(list, *q);
            crtk_followup_contact ct = {
                .date = v[COL_DATE],
                .vital_status = v[COL_VITAL],
                .cancer_status = (const char *const *)list->pdata,
                .n_cancer_status = (int)list->len,
                .source = v[COL_SOURCE],
                .cause_of_death = v[COL_COD],
                .force = force,
            };
            if (crtk_followup_post(s, r, v[COL_PATIENT], &ct, &e))
                (*posted)++;
            g_ptr_array_free(list, TRUE);
            g_strfreev(cs);
        }
        if (e) {
            g_set_error(error, e->domain, e->code, "%s:%d: %s (nothing was posted)", path, line, e->message);
            g_error_free(e);
            crtk_store_rollback(s);
            *posted = 0;
            ok = FALSE;
        }
    }
    if (ok && !crtk_store_commit(s, error)) {
        crtk_store_rollback(s);
        *posted = 0;
        ok = FALSE;
    }
    g_array_free(lines, TRUE);
    g_ptr_array_free(rows, TRUE);
    return ok;
}

