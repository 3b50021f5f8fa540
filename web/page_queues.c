/* page_queues.c — work queues, the new-patient form with its duplicate check, and a new tumor. */
#include "crtk/duplicates.h"
#include "crtk/entry.h"
#include "codes.h"
#include "store_search.h"
#include "store_users.h"
#include <stdlib.h>
#include "web.h"

#include <string.h>

crtk_stored_patient *crtk_web_load_patient(crtk_web_req *r, const char *key);

typedef struct {
    crtk_web_req *r;
    GString *o;
    int today, n, late, failing, unread;
    crtk_stored_patient *p;
} queue_ctx;

/* A coded date as people read it: MM/DD/YYYY (MM/YYYY, YYYY when partial). */
static char *date_words(const char *d)
{
    size_t n = strlen(d);
    if (n >= 8)
        return g_strdup_printf("%.2s/%.2s/%.4s", d + 4, d + 6, d);
    if (n == 6)
        return g_strdup_printf("%.2s/%.4s", d + 4, d);
    return g_strdup(d);
}

/* Commission on Cancer timeliness: abstracted within six months of the first contact.  The last
 * day of the window (YYYYMMDD), 0 when the first contact is not a full date. */
static int window_end(const char *first_contact)
{
    int fc = strlen(first_contact) >= 8 ? atoi(first_contact) : 0;
    if (fc < 18000101 || fc % 100 == 0 || fc / 100 % 100 == 0)
        return 0;
    int y = fc / 10000, m = fc / 100 % 100 + 6, d = fc % 100;
    if (m > 12)
        y++, m -= 12;
    if (m >= 1 && m <= 12 && g_date_valid_year((GDateYear)y)) /* Aug 31 + 6 months: the last of February */
        d = MIN(d, (int)g_date_get_days_in_month((GDateMonth)m, (GDateYear)y));
    return y * 10000 + m * 100 + d;
}

/* What the registrar reads in the Timeliness column. */
static char *timeliness_words(const char *first_contact, int today, gboolean *late)
{
    int end = window_end(first_contact);
    *late = end && today > end;
    if (!end)
        return g_strdup(*first_contact ? "first contact not a full date" : "no date of first contact");
    char ends[16];
    g_snprintf(ends, sizeof ends, "%08d", end);
    char *w = date_words(ends);
    char *s = g_strdup_printf(*late ? "past 6 months (ended %s)" : "due by %s", w);
    g_free(w);
    return s;
}

static int count_failures(const crtk_edit_failure *f, void *user)
{
    int *n = user;
    (*n)++;
    return 0;
}

static int queue_row(gint64 tumor_id, gint64 patient_id, const char *const *v, void *data)
{
    queue_ctx *c = data;
    int ordinal = 0, fails = 0;
    if (!crtk_store_load_patient(c->r->web->store, patient_id, c->p, NULL)) {
        c->unread++; /* said under the table: a row without its tumor number and edits would mislead */
        return 0;
    }
    for (int i = 0; i < c->p->record->n_tumors; i++)
        if (c->p->tumor_ids[i] == tumor_id)
            ordinal = i + 1;
    if (c->r->web->edits) {
        c->p->record->ordinal = 1;
        crtk_edits_run_record(c->r->web->edits, c->p->record, count_failures, &fails);
    }
    gboolean late;
    char *timely = timeliness_words(v[7], c->today, &late), *dx = date_words(v[6]);
    c->n++;
    c->late += late;
    c->failing += fails > 0;
    char *e = g_uri_escape_string(v[0], NULL, FALSE);
    char name[256];
    g_snprintf(name, sizeof name, "%s, %s", v[1], v[2]);
    crtk_html_printf(c->o, "<tr><td><a href=\"/patients/%s/tumors/%d\">%s / %d</a></td><td>%s</td><td>%s</td><td>%s</td>",
                     e, ordinal, v[0], ordinal, name, v[3], v[4]);
    crtk_html_printf(c->o, "<td>%s</td><td>%s</td><td>%s</td><td class=fails>%d</td><td%R>%s</td></tr>", v[5], dx, v[8], fails,
                     late ? " class=late" : "", timely);
    g_free(e), g_free(timely), g_free(dx);
    return 0;
}

void crtk_page_queues(crtk_web_req *r)
{
    if (!crtk_web_require(r, CRTK_MAY_READ_CASES))
        return;
    GString *o = crtk_html_page(r, "Work queues");
    char *today = crtk_today();
    queue_ctx c = {.r = r, .o = o, .today = atoi(today), .p = crtk_stored_patient_new(r->web->store)};
    g_free(today);
    g_string_append(o, "<h1>Work queues</h1><h2>Abstracts not complete</h2>"
                       "<p>Incomplete and held abstracts, oldest first (200 at most), with the number of edits their "
                       "patient fails and the Commission on Cancer's timeliness (abstracted within six months of "
                       "first contact).</p><table class=queue id=queue-incomplete><thead><tr><th>Patient / tumor</th>"
                       "<th>Name</th><th>MRN</th><th>Accession</th><th>Site</th><th>Diagnosed</th><th>Status</th>"
                       "<th>Failing edits</th><th>Timeliness</th></tr></thead><tbody>");
    GError *error = NULL;
    if (!crtk_store_abstract_queue(r->web->store, 200, queue_row, &c, &error)) {
        crtk_html_printf(o, "<tr><td colspan=9 class=error>%s</td></tr>", error->message);
        g_error_free(error);
    }
    crtk_html_printf(o, "</tbody></table><p>%d abstracts shown; %d with failing edits; %d past the timeliness window.</p>",
                     c.n, c.failing, c.late);
    if (c.unread)
        crtk_html_printf(o, "<p class=error>%d abstracts of the queue could not be read from the store and are not "
                            "shown. Try again; if it keeps happening, tell the registry's administrator.</p>", c.unread);
    crtk_page_followup_lists(r, o);
    crtk_stored_patient_free(c.p);
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
            char *today = crtk_today();
            crtk_element_set_id(t, d, "dateCaseInitiated", today);
            g_free(today);
            gint64 tid = crtk_store_insert_tumor(s, pid, t, &error);
            ok = tid != 0 && crtk_store_set_abstract_status(s, pid, tid, "incomplete", &error);
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
    /* a tumor begun in the workspace is recorded as incomplete: crtk submit holds it back until complete */
    gint64 tid = 0;
    gboolean ok = crtk_store_begin(s, &error) && (tid = crtk_store_insert_tumor(s, p->patient_id, t, &error)) != 0 &&
                  crtk_store_set_abstract_status(s, p->patient_id, tid, "incomplete", &error) && crtk_store_commit(s, &error);
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
