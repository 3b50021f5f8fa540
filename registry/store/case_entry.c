/* case_entry.c — abstracting use cases (see case_entry.h): naming a case (PATIENT[/TUMOR]),
 * creating a patient or a tumor from item values, setting items of a case in one transaction, and
 * turning an edited text form back into the changes it makes.
 *
 * Values are checked against their items before any write; the store audits every change.
 */
#include "case_entry.h"
#include "case_view.h"
#include "problem.h"

#include <string.h>

gboolean crtk_case_resolve(crtk_store *s, const char *name, crtk_case_ref *ref, GError **error)
{
    memset(ref, 0, sizeof *ref);
    char *pat = g_strdup(name);
    char *slash = strchr(pat, '/');
    if (slash)
        *slash++ = 0;
    gboolean ok = FALSE;
    ref->patient_id = crtk_store_find_patient(s, pat);
    const crtk_item *pid_item = crtk_dictionary_find(crtk_store_dictionary(s), "patientIdNumber");
    size_t plen = strlen(pat);
    if (!ref->patient_id && pid_item && plen > 0 && plen < (size_t)pid_item->length &&
        strspn(pat, "0123456789") == plen) {
        /* "161" for patient 00000161: the leading zeros restored to the item's length */
        char *padded = g_strdup_printf("%0*d%s", pid_item->length - (int)plen, 0, pat);
        ref->patient_id = crtk_store_find_patient(s, padded);
        g_free(padded);
    }
    if (!ref->patient_id && !crtk_store_reads_ok(s, error)) /* SQLite's error, not "no such patient" */
        goto out;
    if (!ref->patient_id) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "no patient %s in %s", pat, crtk_store_path(s));
        goto out;
    }
    ref->stored = crtk_stored_patient_new(s);
    if (!crtk_store_load_patient(s, ref->patient_id, ref->stored, error))
        goto out;
    if (slash) {
        int n = ref->stored->record->n_tumors;
        if (slash[0] == '#') {
            gint64 id = g_ascii_strtoll(slash + 1, NULL, 10);
            for (int i = 0; i < n; i++)
                if (ref->stored->tumor_ids[i] == id)
                    ref->tumor_no = i + 1;
        } else {
            char *end;
            long k = strtol(slash, &end, 10);
            if (!*end && k >= 1 && k <= n)
                ref->tumor_no = (int)k;
        }
        if (!ref->tumor_no) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "patient %s has no tumor %s (it has %d)", pat, slash, n);
            goto out;
        }
        ref->tumor_id = ref->stored->tumor_ids[ref->tumor_no - 1];
    }
    ok = TRUE;
out:
    g_free(pat);
    if (!ok)
        crtk_case_ref_clear(ref);
    return ok;
}

void crtk_case_ref_clear(crtk_case_ref *ref)
{
    if (!ref)
        return;
    crtk_stored_patient_free(ref->stored);
    memset(ref, 0, sizeof *ref);
}

/* Fills the patient element pe and the tumor element te (NULL: patient items only) from
 * assignments; every problem is appended to problems as one line. */
static void fill_elements(crtk_store *s, const char *const *items, const char *const *values, int n,
                          crtk_element *pe, crtk_element *te, gboolean *has_tumor, GString *problems)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    for (int i = 0; i < n; i++) {
        const char *id = items[i], *v = values[i];
        const crtk_item *it = crtk_dictionary_find(d, id);
        if (problems->len)
            g_string_append_c(problems, '\n');
        gsize mark = problems->len;
        if (!it) {
            GPtrArray *sug = crtk_dictionary_suggest(d, id, 3);
            g_string_append_printf(problems, "NAACCR %d has no item %s", crtk_store_version(s), id);
            for (guint k = 0; k < sug->len; k++)
                g_string_append_printf(problems, "%s%s", k ? ", " : "; did you mean ",
                                       (char *)g_ptr_array_index(sug, k));
            if (sug->len)
                g_string_append_c(problems, '?');
            g_ptr_array_free(sug, TRUE);
            continue;
        }
        crtk_problem_code code;
        const char *why = *v ? crtk_item_check_value(it, v, strlen(v), &code) : NULL;
        if (why) {
            g_string_append_printf(problems, "%s=%s: %s (length %d, %s)", id, v, why, it->length,
                                   crtk_data_type_name(it->type));
        } else if (it->level == CRTK_LEVEL_PATIENT) {
            crtk_element_set_str(pe, it->index, v);
        } else if (te) {
            crtk_element_set_str(te, it->index, v);
            *has_tumor = TRUE;
        } else {
            g_string_append_printf(problems, "%s is a %s item and belongs to a tumor", id,
                                   crtk_level_name(it->level));
        }
        if (problems->len == mark && mark)
            g_string_truncate(problems, mark - 1); /* no problem: take the separator back */
    }
}

gboolean crtk_case_create(crtk_store *s, gint64 patient_to, const char *const *items, const char *const *values,
                          int n, crtk_case_created *out, GError **error)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    crtk_record *r = crtk_record_new(d);
    crtk_element *t = crtk_record_add_tumor(r);
    gboolean has_tumor = FALSE, ok = FALSE;
    GString *problems = g_string_new(NULL);
    fill_elements(s, items, values, n, &r->patient, t, &has_tumor, problems);
    if (problems->len) {
        g_set_error_literal(error, CRTK_ERROR, CRTK_ERROR_USAGE, problems->str);
        goto out;
    }
    if (patient_to && r->patient.n_set) {
        g_set_error_literal(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                            "add-tumor takes tumor items only; change the patient with crtk case set");
        goto out;
    }
    const crtk_item *dclc = crtk_dictionary_find(d, "dateCaseLastChanged");
    if (dclc && (has_tumor || patient_to) && !crtk_element_has(t, dclc->index)) {
        char *today = crtk_today();
        crtk_element_set_str(t, dclc->index, today);
        g_free(today);
    }
    if (!crtk_store_begin(s, error))
        goto out;
    gint64 pid = patient_to;
    if (!pid) {
        const crtk_item *key = crtk_dictionary_find(d, "patientIdNumber");
        if (key && !crtk_element_has(&r->patient, key->index)) {
            char *id = crtk_store_next_patient_id_number(s, error);
            if (!id)
                goto rollback;
            crtk_element_set_str(&r->patient, key->index, id);
            g_free(id);
        }
        const char *k = crtk_record_patient_id(r);
        if (*k && crtk_store_find_patient(s, k)) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "patient %s exists already", k);
            goto rollback;
        }
        pid = crtk_store_insert_patient(s, &r->patient, error);
        if (!pid)
            goto rollback;
    }
    gint64 tid = 0;
    if (has_tumor || patient_to) {
        tid = crtk_store_insert_tumor(s, pid, t, error);
        if (!tid || !crtk_store_renumber_sequences(s, pid, error))
            goto rollback;
    }
    if (!crtk_store_commit(s, error))
        goto out;
    out->patient_id = pid;
    out->tumor_id = tid;
    out->patient_id_number = g_strdup(crtk_record_patient_id(r));
    ok = TRUE;
    goto out;
rollback:
    crtk_store_rollback(s);
out:
    g_string_free(problems, TRUE);
    crtk_record_free(r);
    return ok;
}

gboolean crtk_case_set(crtk_store *s, const crtk_case_ref *ref, const char *const *items, const char *const *values,
                       int n, GError **error)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    /* Patient items go to the patient; tumor items to the tumor named (or the only one). */
    GPtrArray *pi = g_ptr_array_new(), *pv = g_ptr_array_new(), *ti = g_ptr_array_new(), *tv = g_ptr_array_new();
    gboolean ok = TRUE;
    for (int i = 0; i < n; i++) {
        const crtk_item *it = crtk_dictionary_find(d, items[i]);
        gboolean patient = it ? it->level == CRTK_LEVEL_PATIENT : ref->tumor_id == 0;
        g_ptr_array_add(patient ? pi : ti, (gpointer)items[i]);
        g_ptr_array_add(patient ? pv : tv, (gpointer)values[i]);
    }
    gint64 tid = ref->tumor_id;
    if (ti->len && !tid) {
        if (ref->stored->record->n_tumors == 1) {
            tid = ref->stored->tumor_ids[0];
        } else {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                        "%s is a tumor item: name the tumor as PATIENT/N (the patient has %d tumors)",
                        (char *)g_ptr_array_index(ti, 0), ref->stored->record->n_tumors);
            ok = FALSE;
            goto out;
        }
    }
    GError *e = NULL;
    ok = crtk_store_begin(s, &e) &&
         (!pi->len || crtk_store_set_items(s, ref->patient_id, 0, (const char *const *)pi->pdata,
                                           (const char *const *)pv->pdata, (int)pi->len, &e)) &&
         (!ti->len || crtk_store_set_items(s, ref->patient_id, tid, (const char *const *)ti->pdata,
                                           (const char *const *)tv->pdata, (int)ti->len, &e)) &&
         crtk_store_commit(s, &e);
    if (!ok) {
        crtk_store_rollback(s);
        if (e) {
            g_set_error(error, e->domain, e->code, "%s (nothing was changed)", e->message);
            g_error_free(e);
        } else {
            g_set_error_literal(error, CRTK_ERROR, CRTK_ERROR_IO, "nothing was changed");
        }
    }
out:
    g_ptr_array_free(pi, TRUE);
    g_ptr_array_free(pv, TRUE);
    g_ptr_array_free(ti, TRUE);
    g_ptr_array_free(tv, TRUE);
    return ok;
}

/* The element and level the ref names. */
static const crtk_element *ref_element(const crtk_case_ref *ref, crtk_level *level)
{
    crtk_record *r = ref->stored->record;
    *level = ref->tumor_no ? CRTK_LEVEL_TUMOR : CRTK_LEVEL_PATIENT;
    return ref->tumor_no ? &r->tumors[ref->tumor_no - 1] : &r->patient;
}

char *crtk_case_form(crtk_store *s, const crtk_case_ref *ref)
{
    crtk_level level;
    const crtk_element *e = ref_element(ref, &level);
    GString *form = g_string_new(NULL);
    char tumor_no[16];
    g_snprintf(tumor_no, sizeof tumor_no, "%d", ref->tumor_no);
    g_string_append_printf(form,
                           "# crtk case edit: patient %s%s%s\n"
                           "# One item per line as \"naaccrId: value\"; text after two spaces and # is a comment.\n"
                           "# Change a value, add a line to set an item, empty a value or delete a line to clear it.\n"
                           "# Save and quit to apply; nothing is applied if any value is invalid.\n",
                           crtk_record_patient_id(ref->stored->record), ref->tumor_no ? ", tumor " : "",
                           ref->tumor_no ? tumor_no : "");
    crtk_case_form_element(form, crtk_store_dictionary(s), e, level);
    return g_string_free(form, FALSE);
}

gboolean crtk_case_form_changes(crtk_store *s, const crtk_case_ref *ref, const char *text, GPtrArray *items,
                                GPtrArray *values, GError **error)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    crtk_level level;
    const crtk_element *e = ref_element(ref, &level);
    GPtrArray *fi = g_ptr_array_new_with_free_func(g_free), *fv = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = crtk_case_form_parse(text ? text : "", fi, fv, error);
    if (ok) {
        /* Lines removed clear their items. */
        for (int k = 0; k < e->n_set; k++) {
            const crtk_item *it = crtk_dictionary_item(d, e->set[k]);
            gboolean present = FALSE;
            for (guint i = 0; i < fi->len && !present; i++)
                present = !strcmp(g_ptr_array_index(fi, i), it->id);
            if (!present) {
                g_ptr_array_add(fi, g_strdup(it->id));
                g_ptr_array_add(fv, g_strdup(""));
            }
        }
    }
    /* Only what changed. */
    for (guint i = 0; ok && i < fi->len; i++) {
        const crtk_item *it = crtk_dictionary_find(d, g_ptr_array_index(fi, i));
        const char *old = it ? crtk_element_get(e, it->index, NULL) : NULL;
        if (it && g_strcmp0(old ? old : "", g_ptr_array_index(fv, i)) == 0)
            continue;
        if (it && it->level != level) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s is a %s item and cannot be set here", it->id,
                        crtk_level_name(it->level));
            ok = FALSE;
            break;
        }
        g_ptr_array_add(items, g_strdup(g_ptr_array_index(fi, i)));
        g_ptr_array_add(values, g_strdup(g_ptr_array_index(fv, i)));
    }
    g_ptr_array_free(fi, TRUE);
    g_ptr_array_free(fv, TRUE);
    return ok;
}
