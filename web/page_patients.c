/* page_patients.c — the patient index (search), the patient's page with its tumors and the
 * follow-up contact form, and the patient's audit history (changes and views). */
#include "crtk/entry.h"
#include "case_view.h"
#include "codes.h"
#include "followup.h"
#include "store_search.h"
#include "store_users.h"
#include "web.h"

#include <string.h>

enum { SEARCH_LIMIT = 50 };

static const char *pv(crtk_stored_patient *p, const char *id)
{
    const char *v = crtk_element_get_id(&p->record->patient, p->record->dict, id);
    return v ? v : "";
}

static const char *tv(crtk_stored_patient *p, int t, const char *id)
{
    const char *v = crtk_element_get_id(&p->record->tumors[t], p->record->dict, id);
    return v ? v : "";
}

/* A coded date as people read it. */
static char *pretty_date(const char *d)
{
    if (strlen(d) == 8)
        return g_strdup_printf("%.2s/%.2s/%.4s", d + 4, d + 6, d);
    if (strlen(d) == 6)
        return g_strdup_printf("%.2s/%.4s", d + 4, d);
    return g_strdup(d);
}

static char *ssn_shown(crtk_web_req *r, const char *ssn)
{
    if (!*ssn)
        return g_strdup("");
    if (crtk_role_may(r->session->role, CRTK_MAY_SEE_FULL_SSN))
        return g_strdup(ssn);
    size_t n = strlen(ssn);
    return g_strdup_printf("***-**-%s", n >= 4 ? ssn + n - 4 : ssn);
}

typedef struct result_rows {
    crtk_web_req *r;
    GString *o;
} result_rows;

/* A line of the search results. */
static void result_row(const crtk_patient_summary *p, void *data)
{
    result_rows *rr = data;
    char *key = g_uri_escape_string(p->key, NULL, FALSE);
    char *dob = pretty_date(p->birth_date);
    char *ssn = ssn_shown(rr->r, p->ssn);
    char *name = g_strdup_printf("%s, %s", p->name_last, p->name_first);
    crtk_html_printf(rr->o, "<tr><td><a href=\"/patients/%s\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>", key, p->key,
                     name, dob, ssn);
    crtk_html_printf(rr->o, "<td>%s</td><td>%s</td><td>%d</td></tr>", p->mrn, p->accession, p->tumors);
    g_free(key), g_free(dob), g_free(ssn), g_free(name);
}

void crtk_page_patients(crtk_web_req *r)
{
    if (!crtk_web_require(r, CRTK_MAY_READ_CASES))
        return;
    const char *q = crtk_web_param(r, "q");
    GString *o = crtk_html_page(r, "Patients");
    crtk_html_printf(o,
        "<h1>Patients</h1><form method=get action=\"/patients\" role=search class=search>"
        "<label for=q>Find a patient</label> <input type=search id=q name=q value=\"%s\" autofocus "
        "placeholder=\"last name[, first], MRN, accession, patient id, SSN last four, birth date\" size=60> "
        "<button type=submit>Search</button></form>", q ? q : "");
    if (crtk_role_may(r->session->role, CRTK_MAY_ADD_CASES))
        g_string_append(o, "<p><a href=\"/patients/new\">New patient</a></p>");
    crtk_patient_query pq;
    char **keep = NULL;
    if (q && crtk_entry_patient_query(q, &pq, &keep)) {
        GError *error = NULL;
        gint64 t0 = g_get_monotonic_time();
        GArray *ids = crtk_store_search_patients(r->web->store, &pq, SEARCH_LIMIT, &error);
        if (!ids) {
            crtk_html_printf(o, "<p class=error>%s</p>", error->message);
            g_error_free(error);
        } else {
            crtk_html_printf(o, "<p class=count id=result-count>%d patient%s found", (int)ids->len, ids->len == 1 ? "" : "s");
            if (ids->len == SEARCH_LIMIT)
                g_string_append(o, " (the first 50: narrow the search)");
            g_string_append(o, "</p>");
            if (ids->len) {
                g_string_append(o, "<table class=results><thead><tr><th>Patient id</th><th>Name</th><th>Born</th>"
                                   "<th>SSN</th><th>MRN</th><th>Accession</th><th>Tumors</th></tr></thead><tbody>");
                result_rows rows = {r, o};
                gboolean read = crtk_store_patient_summaries(r->web->store, ids, result_row, &rows, &error);
                g_string_append(o, "</tbody></table>");
                if (!read) { /* a list read in part would pass for the whole of it */
                    crtk_html_printf(o, "<p class=error>The patients found could not all be read: %s</p>", error->message);
                    g_clear_error(&error);
                }
            }
            g_string_append_printf(o, "<p class=timing>%.1f ms</p>", (double)(g_get_monotonic_time() - t0) / 1000.0);
            g_array_free(ids, TRUE);
        }
        g_strfreev(keep);
    }
    crtk_html_end(o);
    crtk_web_send(r, 200, "text/html; charset=utf-8", o);
}

/* Loads the patient of a patientIdNumber; answers 404 and returns NULL when there is none. */
crtk_stored_patient *crtk_web_load_patient(crtk_web_req *r, const char *key);
crtk_stored_patient *crtk_web_load_patient(crtk_web_req *r, const char *key)
{
    gint64 id = key[0] == '#' ? 0 : crtk_store_find_patient(r->web->store, key);
    crtk_stored_patient *p = crtk_stored_patient_new(r->web->store);
    if (!id || !crtk_store_load_patient(r->web->store, id, p, NULL)) {
        crtk_stored_patient_free(p);
        crtk_web_error(r, 404, "No such patient");
        return NULL;
    }
    return p;
}

static void option_list(GString *o, const char *item, const char *current, gboolean blank)
{
    int n = 0;
    const crtk_code *codes = crtk_code_list(item, &n);
    if (blank)
        g_string_append(o, "<option value=\"\"></option>");
    for (int i = 0; i < n; i++)
        crtk_html_printf(o, "<option value=\"%s\"%R>%s — %s</option>", codes[i].code,
                         current && !strcmp(current, codes[i].code) ? " selected" : "", codes[i].code, codes[i].label);
}

void crtk_page_patient(crtk_web_req *r, const char *key)
{
    if (!crtk_web_require(r, CRTK_MAY_READ_CASES))
        return;
    crtk_stored_patient *p = crtk_web_load_patient(r, key);
    if (!p)
        return;
    if (!crtk_web_log_view(r, key, "view patient")) {
        crtk_stored_patient_free(p);
        return;
    }
    char *ekey = g_uri_escape_string(key, NULL, FALSE);
    char *name = g_strdup_printf("%s, %s %s", pv(p, "nameLast"), pv(p, "nameFirst"), pv(p, "nameMiddle"));
    GString *o = crtk_html_page(r, name);
    char *dob = pretty_date(pv(p, "dateOfBirth")), *ssn = ssn_shown(r, pv(p, "socialSecurityNumber"));
    char *dlc = pretty_date(pv(p, "dateOfLastContact"));
    crtk_html_printf(o, "<h1>%s</h1><dl class=facts><dt>Patient id</dt><dd id=patient-id>%s</dd><dt>Born</dt><dd>%s</dd>"
                        "<dt>SSN</dt><dd>%s</dd><dt>Sex</dt><dd>%s</dd>", name, key, dob, ssn,
                     crtk_code_label("sex", pv(p, "sex")) ? crtk_code_label("sex", pv(p, "sex")) : pv(p, "sex"));
    crtk_html_printf(o, "<dt>Last contact</dt><dd>%s</dd><dt>Vital status</dt><dd>%s</dd></dl>", dlc,
                     crtk_code_label("vitalStatus", pv(p, "vitalStatus")) ? crtk_code_label("vitalStatus", pv(p, "vitalStatus")) : "");
    g_free(dob), g_free(ssn), g_free(dlc);
    g_string_append(o, "<h2>Tumors</h2><table class=tumors><thead><tr><th>#</th><th>Site</th><th>Histology</th>"
                       "<th>Diagnosed</th><th>Accession</th><th>Abstract</th><th>Print</th></tr></thead><tbody>");
    for (int t = 0; t < p->record->n_tumors; t++) {
        const char *site = tv(p, t, "primarySite");
        char *dx = pretty_date(tv(p, t, "dateOfDiagnosis"));
        char *status = crtk_store_abstract_status(r->web->store, p->tumor_ids[t]);
        const char *sl = crtk_code_label("primarySite", site);
        crtk_html_printf(o, "<tr><td><a href=\"/patients/%s/tumors/%d\">Tumor %d</a></td><td>%s %s</td><td>%s/%s</td>"
                            "<td>%s</td><td>%s</td><td class=\"status\">%s</td>"
                            "<td><a class=pdf href=\"/patients/%s/tumors/%d/abstract.pdf\">Abstract (PDF)</a></td></tr>",
                         ekey, t + 1, t + 1, site, sl ? sl : "", tv(p, t, "histologicTypeIcdO3"), tv(p, t, "behaviorCodeIcdO3"),
                         dx, tv(p, t, "accessionNumberHosp"), status, ekey, t + 1);
        g_free(dx);
        g_free(status);
    }
    g_string_append(o, "</tbody></table>");
    if (crtk_role_may(r->session->role, CRTK_MAY_ADD_CASES)) {
        crtk_html_printf(o, "<form method=post action=\"/patients/%s/tumors\" class=newtumor>", ekey);
        crtk_html_csrf(r, o);
        g_string_append(o, "<button type=submit id=new-tumor>New tumor</button></form>");
    }
    crtk_html_printf(o, "<p><a href=\"/patients/%s/history\">Audit history</a></p>", ekey);
    if (crtk_role_may(r->session->role, CRTK_MAY_POST_FOLLOWUP)) {
        crtk_html_printf(o, "<h2 id=followup>Post a follow-up contact</h2><form method=post action=\"/patients/%s/followup\" class=followup>", ekey);
        crtk_html_csrf(r, o);
        g_string_append(o, "<p><label for=fu-date>Date of contact (MM/DD/YYYY or YYYY-MM-DD)</label> "
                           "<input id=fu-date name=date required></p><p><label for=fu-vital>Vital status</label> "
                           "<select id=fu-vital name=vitalStatus required>");
        option_list(o, "vitalStatus", "1", FALSE);
        g_string_append(o, "</select></p><p><label for=fu-cancer>Cancer status</label> <select id=fu-cancer name=cancerStatus>");
        option_list(o, "cancerStatus", NULL, TRUE);
        g_string_append(o, "</select></p><p><label for=fu-source>Source</label> <select id=fu-source name=followUpSource>");
        option_list(o, "followUpSource", NULL, TRUE);
        g_string_append(o, "</select></p><p><button type=submit>Post contact</button></p></form>");
    }
    const char *posted = crtk_web_param(r, "posted");
    if (posted)
        g_string_append(o, "<p class=ok role=status id=posted>Contact posted.</p>");
    crtk_html_end(o);
    crtk_web_send(r, 200, "text/html; charset=utf-8", o);
    g_free(name);
    g_free(ekey);
    crtk_stored_patient_free(p);
}

void crtk_page_followup_post(crtk_web_req *r, const char *key)
{
    if (!crtk_web_require(r, CRTK_MAY_POST_FOLLOWUP))
        return;
    crtk_stored_patient *p = crtk_web_load_patient(r, key);
    if (!p)
        return;
    crtk_stored_patient_free(p);
    GError *error = NULL;
    char *date = crtk_entry_date(crtk_web_param(r, "date"), &error);
    crtk_followup_rules rules;
    const char *cs = crtk_web_param(r, "cancerStatus");
    const char *status[1] = {cs};
    crtk_followup_contact c = {.vital_status = crtk_web_param(r, "vitalStatus"),
                               .cancer_status = status,
                               .n_cancer_status = cs && *cs ? 1 : 0,
                               .source = crtk_web_param(r, "followUpSource")};
    if (c.source && !*c.source)
        c.source = NULL;
    gboolean ok = date && *date && crtk_followup_rules_from_store(r->web->store, NULL, &rules, &error);
    if (ok) {
        c.date = date;
        ok = crtk_followup_post(r->web->store, &rules, key, &c, &error);
    } else if (!error) {
        g_set_error(&error, CRTK_ERROR, CRTK_ERROR_USAGE, "give the date of the contact");
    }
    g_free(date);
    if (!ok) {
        GString *o = crtk_html_page(r, "Contact not posted");
        char *ekey = g_uri_escape_string(key, NULL, FALSE);
        crtk_html_printf(o, "<h1>Contact not posted</h1><p class=error role=alert>%s</p><p><a href=\"/patients/%s\">Back</a></p>",
                         error->message, ekey);
        g_free(ekey);
        g_error_free(error);
        crtk_html_end(o);
        crtk_web_send(r, 400, "text/html; charset=utf-8", o);
        return;
    }
    char *ekey = g_uri_escape_string(key, NULL, FALSE);
    char *to = g_strdup_printf("/patients/%s?posted=1", ekey);
    crtk_web_redirect(r, to);
    g_free(to);
    g_free(ekey);
}

static int history_row(const crtk_audit_entry *e, void *data)
{
    GString *o = data;
    crtk_html_printf(o, "<tr class=change><td>%s</td><td class=user>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
                     e->at, e->user, e->command ? e->command : "", e->item ? e->item : "", e->old_value ? e->old_value : "",
                     e->new_value ? e->new_value : "");
    return 0;
}

static int access_row(const char *at, const char *user, const char *action, void *data)
{
    crtk_html_printf(data, "<tr class=view><td>%s</td><td class=user>%s</td><td>%s</td></tr>", at, user, action);
    return 0;
}

void crtk_page_history(crtk_web_req *r, const char *key)
{
    if (!crtk_web_require(r, CRTK_MAY_READ_CASES))
        return;
    crtk_stored_patient *p = crtk_web_load_patient(r, key);
    if (!p)
        return;
    crtk_stored_patient_free(p);
    if (!crtk_web_log_view(r, key, "view history"))
        return;
    GString *o = crtk_html_page(r, "Audit history");
    char *ekey = g_uri_escape_string(key, NULL, FALSE);
    crtk_html_printf(o, "<h1>Audit history of patient <a href=\"/patients/%s\">%s</a></h1><h2>Changes</h2>"
                        "<table class=audit><thead><tr><th>When (UTC)</th><th>User</th><th>Command</th><th>Item</th>"
                        "<th>Old value</th><th>New value</th></tr></thead><tbody>", ekey, key);
    GError *error = NULL;
    gboolean ok = crtk_store_audit_list(r->web->store, key, NULL, history_row, o, &error);
    g_string_append(o, "</tbody></table><h2>Who viewed this patient</h2><table class=views><thead><tr><th>When (UTC)</th>"
                       "<th>User</th><th>What</th></tr></thead><tbody>");
    ok = ok && crtk_store_access_list(r->web->store, key, access_row, o, &error);
    g_string_append(o, "</tbody></table>");
    g_free(ekey);
    if (!ok) { /* a history read in part would pass for the whole of it */
        g_printerr("crtk serve: an audit history could not be read: %s\n", error->message);
        g_error_free(error);
        g_string_free(o, TRUE);
        crtk_web_error(r, 503, "The audit history could not be read from the store. Try again; if it keeps "
                               "happening, tell the registry's administrator.");
        return;
    }
    crtk_html_end(o);
    crtk_web_send(r, 200, "text/html; charset=utf-8", o);
}
