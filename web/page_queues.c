/* page_queues.c — work queues, the new-patient form with its duplicate check, and a new tumor. */
#include "crtk/duplicates.h"
#include "crtk/entry.h"
#include "codes.h"
#include "store_search.h"
#include "web.h"

#include <string.h>

crtk_stored_patient *crtk_web_load_patient(crtk_web_req *r, const char *key);

void crtk_page_queues(crtk_web_req *r)
{
    if (!crtk_web_require(r, CRTK_MAY_READ_CASES))
        return;
    GString *o = crtk_html_page(r, "Work queues");
    g_string_append(o, "<h1>Work queues</h1><p>Not written yet: incomplete abstracts, failing edits, timeliness and "
                       "follow-up due/lost lists are on the command line (crtk edits, crtk followup due).</p>");
    crtk_html_end(o);
    crtk_web_send(r, 200, "text/html; charset=utf-8", o);
}

static const char *const new_fields[][2] = {
    {"nameLast", "Last name"}, {"nameFirst", "First name"}, {"nameMiddle", "Middle name"},
    {"dateOfBirth", "Date of birth (MM/DD/YYYY)"}, {"sex", "Sex"}, {"socialSecurityNumber", "Social security number"},
    {"medicalRecordNumber", "Medical record number"}};

static void new_form(crtk_web_req *r, int status, const char *error, GPtrArray *dups)
{
    GString *o = crtk_html_page(r, "New patient");
    g_string_append(o, "<h1>New patient</h1>");
    if (error)
        crtk_html_printf(o, "<p class=error role=alert>%s</p>", error);
    if (dups && dups->len) {
        g_string_append(o, "<section class=duplicates id=duplicates role=alert><h2>This may be a patient already in the "
                           "registry</h2><ul>");
        for (guint i = 0; i < dups->len; i++) {
            crtk_duplicate *x = dups->pdata[i];
            char *e = g_uri_escape_string(x->patient_key, NULL, FALSE);
            crtk_html_printf(o, "<li><a href=\"/patients/%s\">%s</a> %s, born %s — %s</li>", e, x->patient_key, x->name,
                             x->birth_date, x->reason);
            g_free(e);
        }
        g_string_append(o, "</ul><p>Open the patient above, or add a new patient anyway if this is another person.</p></section>");
    }
    g_string_append(o, "<form method=post action=\"/patients/new\" class=newpatient>");
    crtk_html_csrf(r, o);
    for (unsigned i = 0; i < G_N_ELEMENTS(new_fields); i++) {
        const char *id = new_fields[i][0];
        const char *v = r->form ? g_hash_table_lookup(r->form, id) : NULL;
        crtk_html_printf(o, "<p data-item=\"%s\"><label for=\"n-%s\">%s</label> ", id, id, new_fields[i][1]);
        if (!strcmp(id, "sex")) {
            crtk_html_printf(o, "<select id=\"n-%s\" name=\"%s\"><option value=\"\"></option>", id, id);
            int n = 0;
            const crtk_code *c = crtk_code_list("sex", &n);
            for (int k = 0; k < n; k++)
                crtk_html_printf(o, "<option value=\"%s\"%R>%s — %s</option>", c[k].code,
                                 v && !strcmp(v, c[k].code) ? " selected" : "", c[k].code, c[k].label);
            g_string_append(o, "</select></p>");
        } else {
            crtk_html_printf(o, "<input id=\"n-%s\" name=\"%s\" value=\"%s\"%R></p>", id, id, v ? v : "",
                             i == 0 ? " required autofocus" : "");
        }
    }
    if (dups && dups->len)
        g_string_append(o, "<input type=hidden name=not_a_duplicate value=1>"
                           "<p><button type=submit id=add-anyway>Add as a new patient anyway</button></p></form>");
    else
        g_string_append(o, "<p><button type=submit>Check and add</button></p></form>");
    crtk_html_end(o);
    crtk_web_send(r, status, "text/html; charset=utf-8", o);
}

void crtk_page_new_patient(crtk_web_req *r)
{
    if (!crtk_web_require(r, CRTK_MAY_ADD_CASES))
        return;
    if (strcmp(r->method, "POST") != 0) {
        new_form(r, 200, NULL, NULL);
        return;
    }
    crtk_store *s = r->web->store;
    crtk_dictionary *d = crtk_store_dictionary(s);
    crtk_record *rec = crtk_record_new(d);
    crtk_element *t = crtk_record_add_tumor(rec);
    GError *error = NULL;
    char *msg = NULL;
    for (unsigned i = 0; i < G_N_ELEMENTS(new_fields) && !msg; i++) {
        const char *id = new_fields[i][0];
        const char *v = g_hash_table_lookup(r->form, id);
        const crtk_item *it = crtk_dictionary_find(d, id);
        if (!it || !v || !*v)
            continue;
        char *value = it->type == CRTK_TYPE_DATE ? crtk_entry_date(v, &error) : g_strstrip(g_strdup(v));
        if (!value) {
            msg = g_strdup_printf("%s: %s", new_fields[i][1], error->message);
            g_clear_error(&error);
            break;
        }
        if (!strcmp(id, "socialSecurityNumber")) { /* typed with dashes */
            char *o = value, *w = value;
            for (; *o; o++)
                if (*o != '-' && *o != ' ')
                    *w++ = *o;
            *w = 0;
        }
        crtk_element_set_str(it->level == CRTK_LEVEL_PATIENT ? &rec->patient : t, it->index, value);
        g_free(value);
    }
    const char *last = crtk_element_get_id(&rec->patient, d, "nameLast");
    if (!msg && (!last || !*last))
        msg = g_strdup("give at least the last name");
    if (msg) {
        new_form(r, 400, msg, NULL);
        g_free(msg);
        crtk_record_free(rec);
        return;
    }
    const char *mrn = crtk_element_get_id(t, d, "medicalRecordNumber");
    GPtrArray *dups = crtk_find_duplicates(s, &rec->patient, mrn, &error);
    if (dups && dups->len && !g_hash_table_lookup(r->form, "not_a_duplicate")) {
        new_form(r, 200, NULL, dups);
    } else if (dups) {
        char *key = crtk_store_next_patient_key(s);
        crtk_element_set_id(&rec->patient, d, "patientIdNumber", key);
        gint64 pid = 0;
        gboolean ok = crtk_store_begin(s, &error) && (pid = crtk_store_insert_patient(s, &rec->patient, &error)) != 0;
        if (ok && mrn) {
            const char *fac = crtk_store_get_setting(s, "reportingFacility");
            if (fac)
                crtk_element_set_id(t, d, "reportingFacility", fac);
            g_free((char *)fac);
            ok = crtk_store_insert_tumor(s, pid, t, &error) != 0;
        }
        ok = ok && crtk_store_commit(s, &error);
        if (!ok) {
            crtk_store_rollback(s);
            new_form(r, 400, error->message, NULL);
        } else {
            char *to = g_strdup_printf("/patients/%s", key);
            crtk_web_redirect(r, to);
            g_free(to);
        }
        g_free(key);
    } else {
        new_form(r, 500, error->message, NULL);
    }
    g_clear_error(&error);
    if (dups)
        g_ptr_array_free(dups, TRUE);
    crtk_record_free(rec);
}

void crtk_page_new_tumor(crtk_web_req *r, const char *key)
{
    if (!crtk_web_require(r, CRTK_MAY_ADD_CASES))
        return;
    crtk_stored_patient *p = crtk_web_load_patient(r, key);
    if (!p)
        return;
    crtk_store *s = r->web->store;
    crtk_dictionary *d = crtk_store_dictionary(s);
    crtk_record *rec = crtk_record_new(d);
    crtk_element *t = crtk_record_add_tumor(rec);
    char *today = crtk_today();
    char *fac = crtk_store_get_setting(s, "reportingFacility");
    crtk_element_set_id(t, d, "dateCaseInitiated", today);
    crtk_element_set_id(t, d, "dateCaseLastChanged", today);
    if (fac)
        crtk_element_set_id(t, d, "reportingFacility", fac);
    if (p->record->n_tumors) /* the medical record number of the patient's other tumors */
        crtk_element_set_id(t, d, "medicalRecordNumber",
                            crtk_element_get_id(&p->record->tumors[0], d, "medicalRecordNumber"));
    GError *error = NULL;
    gboolean ok = crtk_store_begin(s, &error) && crtk_store_insert_tumor(s, p->patient_id, t, &error) != 0 &&
                  crtk_store_commit(s, &error);
    if (!ok) {
        crtk_store_rollback(s);
        crtk_web_error(r, 400, error->message);
        g_error_free(error);
    } else {
        char *e = g_uri_escape_string(key, NULL, FALSE);
        char *to = g_strdup_printf("/patients/%s/tumors/%d", e, p->record->n_tumors + 1);
        crtk_web_redirect(r, to);
        g_free(to);
        g_free(e);
    }
    g_free(today);
    g_free(fac);
    crtk_record_free(rec);
    crtk_stored_patient_free(p);
}
