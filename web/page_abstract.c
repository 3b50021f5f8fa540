/* page_abstract.c — the abstract form of one tumor (GET), saving it (POST), the live check the
 * script asks for as the registrar types (POST .../check, JSON) and the code look-up (/codes).
 *
 * The form lists every Patient- and Tumor-level item of the store's dictionary, blanks included,
 * in the sections of case_view.h; each control is named by its naaccrId, labelled with the NAACCR
 * name and number, inside an element with data-item.  The edits of the store's edit set run on the
 * patient and each failure is shown, with data-edit-id, inside every item it names.  Saving goes
 * through crtk_store_set_items (values checked, audit trail, dateCaseLastChanged, sequence numbers). */
#include "crtk/entry.h"
#include "case_view.h"
#include "codes.h"
#include "json.h"
#include "store_users.h"
#include "web.h"

#include <string.h>

crtk_stored_patient *crtk_web_load_patient(crtk_web_req *r, const char *key);
void crtk_web_metafile_edits(crtk_web *web, const crtk_record *rec, int tumor, crtk_edit_fn fn, void *user);

enum { SELECT_MAX = 80 };

typedef struct failure {
    char *id, *name, *message;
    char **items;
} failure;

static void failure_free(failure *f)
{
    g_free(f->id), g_free(f->name), g_free(f->message);
    g_strfreev(f->items);
    g_free(f);
}

typedef struct {
    GPtrArray *list;
    int tumor;
} collect;

static int on_failure(const crtk_edit_failure *f, void *user)
{
    collect *c = user;
    if (f->tumor && f->tumor != c->tumor)
        return 0;
    failure *x = g_new0(failure, 1);
    x->id = g_strdup(f->edit_id);
    x->name = g_strdup(f->edit_name);
    x->message = g_strdup(f->message);
    x->items = g_new0(char *, f->n_items + 1);
    for (int i = 0; i < f->n_items; i++)
        x->items[i] = g_strdup(f->items[i]);
    g_ptr_array_add(c->list, x);
    return 0;
}

static GPtrArray *run_edits(crtk_web *web, crtk_record *rec, int tumor)
{
    collect c = {g_ptr_array_new_with_free_func((GDestroyNotify)failure_free), tumor};
    if (web->edits) {
        rec->ordinal = 1;
        crtk_edits_run_record(web->edits, rec, on_failure, &c);
    }
    rec->ordinal = 1;
    crtk_web_metafile_edits(web, rec, tumor, on_failure, &c); /* the store's state metafile (abstract_metafile.c) */
    return c.list;
}

static gboolean form_item(const crtk_item *it)
{
    return it->level == CRTK_LEVEL_PATIENT || it->level == CRTK_LEVEL_TUMOR;
}

/* The stored value shown in the form: dates as MM/DD/YYYY. */
static char *shown_value(const crtk_item *it, const char *v)
{
    if (!v)
        return g_strdup("");
    if (it->type == CRTK_TYPE_DATE) {
        size_t n = strlen(v);
        if (n == 8)
            return g_strdup_printf("%.2s/%.2s/%.4s", v + 4, v + 6, v);
        if (n == 6)
            return g_strdup_printf("%.2s/%.4s", v + 4, v);
    }
    return g_strdup(v);
}

/* The control of an item; meaning: the words for its value (NULL: none). */
static void item_control(GString *o, const crtk_item *it, const char *value, const char *meaning, gboolean may_change)
{
    int n = 0;
    crtk_code_list(it->id, &n);
    const char *ro = may_change ? "" : " readonly aria-readonly=true";
    if (n > 0 && n <= SELECT_MAX) {
        crtk_html_printf(o, "<select id=\"f-%s\" name=\"%s\"%R>", it->id, it->id, may_change ? "" : " disabled");
        g_string_append(o, "<option value=\"\"></option>");
        int cn = 0;
        const crtk_code *codes = crtk_code_list(it->id, &cn);
        gboolean found = !*value;
        for (int i = 0; i < cn; i++) {
            gboolean sel = *value && !strcmp(value, codes[i].code);
            found |= sel;
            crtk_html_printf(o, "<option value=\"%s\"%R>%s — %s</option>", codes[i].code, sel ? " selected" : "",
                             codes[i].code, codes[i].label);
        }
        if (!found)
            crtk_html_printf(o, "<option value=\"%s\" selected>%s — not a code of this item</option>", value, value);
        g_string_append(o, "</select>");
    } else if (it->length > 100) {
        crtk_html_printf(o, "<textarea id=\"f-%s\" name=\"%s\" maxlength=%d rows=3%R>%s</textarea>", it->id, it->id,
                         it->length, ro, value);
    } else if (it->type == CRTK_TYPE_DATE) {
        crtk_html_printf(o, "<input id=\"f-%s\" name=\"%s\" value=\"%s\" size=10 placeholder=\"MM/DD/YYYY\" data-date%R>",
                         it->id, it->id, value, ro);
    } else {
        crtk_html_printf(o, "<input id=\"f-%s\" name=\"%s\" value=\"%s\" size=%d maxlength=%d%R%R>", it->id, it->id, value,
                         it->length < 40 ? it->length + 2 : 40, it->length, n > 0 ? " data-codes" : "", ro);
        if (n > 0 && *value && meaning)
            crtk_html_printf(o, " <span class=meaning>%s</span>", meaning);
    }
}

static gint by_number(gconstpointer a, gconstpointer b, gpointer d)
{
    const crtk_item *x = crtk_dictionary_item(d, *(const int *)a), *y = crtk_dictionary_item(d, *(const int *)b);
    return x->number - y->number;
}

/* Renders the form; typed: values to show instead of the stored ones (after a refused save). */
static void render(crtk_web_req *r, crtk_stored_patient *p, int t, GHashTable *typed, GHashTable *item_errors,
                   const char *error, int status)
{
    crtk_store *s = r->web->store;
    crtk_dictionary *d = crtk_store_dictionary(s);
    const char *key = crtk_record_patient_id(p->record);
    char *ekey = g_uri_escape_string(key, NULL, FALSE);
    GPtrArray *fails = run_edits(r->web, p->record, t + 1);
    char *title = g_strdup_printf("Abstract: patient %s, tumor %d", key, t + 1);
    GString *o = crtk_html_page(r, title);
    crtk_html_printf(o, "<h1>%s</h1><p><a href=\"/patients/%s\">Patient page</a> · <a href=\"/patients/%s/history\">Audit history</a></p>",
                     title, ekey, ekey);
    if (error)
        crtk_html_printf(o, "<p class=error role=alert id=save-error>Not saved: %s</p>", error);
    const char *saved = crtk_web_param(r, "saved");
    if (saved && !error)
        crtk_html_printf(o, "<p class=ok role=status id=saved>Saved (%s item%s changed).</p>", saved,
                         !strcmp(saved, "1") ? "" : "s");
    crtk_html_printf(o, "<form method=post action=\"/patients/%s/tumors/%d\" id=abstract class=abstract>", ekey, t + 1);
    crtk_html_csrf(r, o);
    char *st = crtk_store_abstract_status(s, p->tumor_ids[t]);
    const char *stv = typed && g_hash_table_lookup(typed, "crtk_abstract_status") ? g_hash_table_lookup(typed, "crtk_abstract_status") : st;
    g_string_append(o, "<div class=toolbar><label for=crtk_abstract_status>Abstract status</label> "
                       "<select id=crtk_abstract_status name=crtk_abstract_status>");
    const char *sts[] = {"incomplete", "complete", "on hold"};
    for (int i = 0; i < 3; i++)
        crtk_html_printf(o, "<option%R>%s</option>", !strcmp(stv, sts[i]) ? " selected" : "", sts[i]);
    g_string_append(o, "</select> <button type=submit>Save</button></div>");
    g_free(st);
    /* the failing edits, linked to their first item */
    crtk_html_printf(o, "<section class=edits aria-live=polite id=edit-list><h2>Edits that fail (%d)</h2><ul>", (int)fails->len);
    for (guint i = 0; i < fails->len; i++) {
        failure *f = fails->pdata[i];
        crtk_html_printf(o, "<li data-edit-id=\"%s\"><a href=\"#f-%s\">%s</a>: %s</li>", f->id, f->items[0] ? f->items[0] : "",
                         f->id, f->message);
    }
    g_string_append(o, "</ul></section>");
    /* items in NAACCR item number order, as registrars know them */
    int nd = crtk_dictionary_count(d);
    int *order = g_new(int, nd);
    for (int i = 0; i < nd; i++)
        order[i] = i;
    g_qsort_with_data(order, nd, sizeof(int), by_number, d);
    crtk_web_schema *schema = crtk_web_schema_for(p->record, t); /* page_stage.c */
    GString *unused = g_string_new(NULL);
    for (int sec = 0; sec < crtk_section_count(); sec++) {
        const char *sname = crtk_section_name(sec);
        gboolean dup = FALSE;
        for (int j = 0; j < sec; j++)
            dup |= !strcmp(crtk_section_name(j), sname);
        if (dup)
            continue;
        gboolean open = FALSE;
        for (int oi = 0; oi < nd; oi++) {
            int i = order[oi];
            const crtk_item *it = crtk_dictionary_item(d, i);
            if (!form_item(it) || strcmp(crtk_item_section(it), sname) != 0)
                continue;
            if (!open) {
                crtk_html_printf(o, "<fieldset class=section><legend>%s</legend>", sname);
                if (g_str_has_prefix(sname, "Stage and prognostic factors") && crtk_web_schema_label(schema))
                    crtk_html_printf(o, "<p class=schema>Staging schema: <span id=schema>%s</span></p>",
                                     crtk_web_schema_label(schema));
                open = TRUE;
            }
            const crtk_element *e = it->level == CRTK_LEVEL_PATIENT ? &p->record->patient : &p->record->tumors[t];
            const char *tv = typed ? g_hash_table_lookup(typed, it->id) : NULL;
            char *v = tv ? g_strdup(tv) : shown_value(it, crtk_element_get(e, i, NULL));
            GString *o_section = o;
            if (crtk_web_schema_hides(schema, it, v))
                o = unused; /* collapsed below: the schema does not use it */
            const char *ierr = item_errors ? g_hash_table_lookup(item_errors, it->id) : NULL;
            char num[16];
            g_snprintf(num, sizeof num, "%d", it->number);
            crtk_html_printf(o, "<div class=\"item%R\" data-item=\"%s\"><label for=\"f-%s\">%s <span class=num>[%s]</span></label> ",
                             ierr ? " bad" : "", it->id, it->id, it->name, num);
            char mbuf[96];
            item_control(o, it, v, *v ? crtk_value_meaning_in(d, e, it, v, mbuf, sizeof mbuf) : NULL,
                         crtk_role_may_change_item(r->session->role, it));
            crtk_html_printf(o, " <span class=check aria-live=polite>%s</span>", ierr ? ierr : "");
            for (guint k = 0; k < fails->len; k++) {
                failure *f = fails->pdata[k];
                if (g_strv_contains((const char *const *)f->items, it->id))
                    crtk_html_printf(o, "<p class=edit data-edit-id=\"%s\" role=alert>%s: %s</p>", f->id, f->id, f->message);
            }
            g_string_append(o, "</div>\n");
            g_free(v);
            o = o_section;
        }
        if (unused->len) {
            crtk_html_printf(o, "<details class=not-in-schema><summary>Items this tumor's staging schema does not use</summary>%R</details>",
                             unused->str);
            g_string_truncate(unused, 0);
        }
        if (open)
            g_string_append(o, "</fieldset>\n");
    }
    g_free(order);
    crtk_web_schema_free(schema);
    g_string_free(unused, TRUE);
    g_string_append(o, "<div class=toolbar><button type=submit>Save</button></div></form>");
    crtk_html_end(o);
    crtk_web_send(r, status, "text/html; charset=utf-8", o);
    g_ptr_array_free(fails, TRUE);
    g_free(title);
    g_free(ekey);
}

/* Reads the posted values of the form's items: changes (naaccrId -> store value) per level; items the
 * role may not change but changed go to *forbidden; bad dates to errors. */
static void posted_changes(crtk_web_req *r, crtk_stored_patient *p, int t, GPtrArray *pi, GPtrArray *pv, GPtrArray *ti,
                           GPtrArray *tvs, GHashTable *errors, const crtk_item **forbidden)
{
    crtk_dictionary *d = crtk_store_dictionary(r->web->store);
    GHashTableIter iter;
    gpointer k, v;
    g_hash_table_iter_init(&iter, r->form);
    while (g_hash_table_iter_next(&iter, &k, &v)) {
        const crtk_item *it = crtk_dictionary_find(d, k);
        if (!it || !form_item(it))
            continue;
        char *value;
        if (it->type == CRTK_TYPE_DATE) {
            GError *e = NULL;
            value = crtk_entry_date(v, &e);
            if (!value) {
                g_hash_table_insert(errors, g_strdup(it->id), g_strdup(e->message));
                g_error_free(e);
                continue;
            }
        } else {
            value = g_strdup(v);
            /* fixed-width codes: surrounding blanks are not typed on purpose (text items keep theirs) */
            if (it->length <= 100)
                g_strstrip(value);
        }
        const crtk_element *e = it->level == CRTK_LEVEL_PATIENT ? &p->record->patient : &p->record->tumors[t];
        const char *old = crtk_element_get(e, it->index, NULL);
        if (!strcmp(old ? old : "", value)) {
            g_free(value);
            continue;
        }
        if (!crtk_role_may_change_item(r->session->role, it))
            *forbidden = it;
        gboolean pat = it->level == CRTK_LEVEL_PATIENT;
        g_ptr_array_add(pat ? pi : ti, g_strdup(it->id));
        g_ptr_array_add(pat ? pv : tvs, value);
    }
}

static gboolean status_changes(crtk_store *s, gint64 tumor_id, const char *status)
{
    char *cur = crtk_store_abstract_status(s, tumor_id);
    gboolean diff = strcmp(cur, status) != 0;
    g_free(cur);
    return diff;
}

static void save(crtk_web_req *r, crtk_stored_patient *p, int t)
{
    crtk_store *s = r->web->store;
    GPtrArray *pi = g_ptr_array_new_with_free_func(g_free), *pvals = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *ti = g_ptr_array_new_with_free_func(g_free), *tvals = g_ptr_array_new_with_free_func(g_free);
    GHashTable *errors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    const crtk_item *forbidden = NULL;
    posted_changes(r, p, t, pi, pvals, ti, tvals, errors, &forbidden);
    const char *status = crtk_web_param(r, "crtk_abstract_status");
    GError *error = NULL;
    if (forbidden) {
        char *m = g_strdup_printf("Your role (%s) may not change %s [%d]", crtk_role_name(r->session->role),
                                  forbidden->name, forbidden->number);
        crtk_web_error(r, 403, m);
        g_free(m);
    } else if (!crtk_role_may(r->session->role, CRTK_MAY_EDIT_ABSTRACT) && status && status_changes(s, p->tumor_ids[t], status)) {
        crtk_web_error(r, 403, "Your role may not change the abstract status");
    } else if (g_hash_table_size(errors) > 0) {
        render(r, p, t, r->form, errors, "some values are not valid (see the items marked)", 400);
    } else {
        crtk_web_add_computed(r, p, t, pi, pvals, ti, tvals, status); /* page_computed.c */
        gboolean ok = crtk_store_begin(s, &error);
        if (ok && pi->len)
            ok = crtk_store_set_items(s, p->patient_id, 0, (const char *const *)pi->pdata, (const char *const *)pvals->pdata,
                                      (int)pi->len, &error);
        if (ok && ti->len)
            ok = crtk_store_set_items(s, p->patient_id, p->tumor_ids[t], (const char *const *)ti->pdata,
                                      (const char *const *)tvals->pdata, (int)ti->len, &error);
        if (ok && status)
            ok = crtk_store_set_abstract_status(s, p->patient_id, p->tumor_ids[t], status, &error);
        ok = ok && crtk_store_commit(s, &error);
        if (!ok) {
            crtk_store_rollback(s);
            render(r, p, t, r->form, errors, error->message, 400);
            g_error_free(error);
        } else {
            char *ekey = g_uri_escape_string(crtk_record_patient_id(p->record), NULL, FALSE);
            char *to = g_strdup_printf("/patients/%s/tumors/%d?saved=%u", ekey, t + 1, pi->len + ti->len);
            crtk_web_redirect(r, to);
            g_free(to);
            g_free(ekey);
        }
    }
    g_hash_table_destroy(errors);
    g_ptr_array_free(pi, TRUE), g_ptr_array_free(pvals, TRUE), g_ptr_array_free(ti, TRUE), g_ptr_array_free(tvals, TRUE);
}

void crtk_page_abstract(crtk_web_req *r, const char *key, int tumor)
{
    if (!crtk_web_require(r, CRTK_MAY_READ_CASES))
        return;
    crtk_stored_patient *p = crtk_web_load_patient(r, key);
    if (!p)
        return;
    if (tumor > p->record->n_tumors) {
        crtk_web_error(r, 404, "No such tumor");
    } else if (!strcmp(r->method, "POST")) {
        save(r, p, tumor - 1);
    } else if (crtk_web_log_view(r, key, "view abstract")) {
        render(r, p, tumor - 1, NULL, NULL, NULL, 200);
    }
    crtk_stored_patient_free(p);
}

void crtk_page_abstract_check(crtk_web_req *r, const char *key, int tumor)
{
    if (!crtk_web_require(r, CRTK_MAY_READ_CASES))
        return;
    crtk_stored_patient *p = crtk_web_load_patient(r, key);
    if (!p)
        return;
    if (tumor > p->record->n_tumors) {
        crtk_web_error(r, 404, "No such tumor");
        crtk_stored_patient_free(p);
        return;
    }
    int t = tumor - 1;
    crtk_dictionary *d = crtk_store_dictionary(r->web->store);
    GString *o = g_string_new("{\"problems\":[");
    gboolean first = TRUE;
    GHashTableIter iter;
    gpointer k, v;
    g_hash_table_iter_init(&iter, r->form);
    while (g_hash_table_iter_next(&iter, &k, &v)) {
        const crtk_item *it = crtk_dictionary_find(d, k);
        if (!it || !form_item(it))
            continue;
        crtk_element *e = it->level == CRTK_LEVEL_PATIENT ? &p->record->patient : &p->record->tumors[t];
        char *value = NULL, *problem = NULL;
        if (it->type == CRTK_TYPE_DATE) {
            GError *err = NULL;
            value = crtk_entry_date(v, &err);
            if (!value) {
                problem = g_strdup(err->message);
                g_error_free(err);
            }
        } else {
            value = g_strdup(v);
            if (it->length <= 100)
                g_strstrip(value);
            int n = 0;
            crtk_code_list(it->id, &n);
            if (n > 0 && *value && !crtk_code_valid(it->id, value))
                problem = g_strdup_printf("%s is not a code of %s", value, it->name);
            else if ((int)g_utf8_strlen(value, -1) > it->length)
                problem = g_strdup_printf("longer than %d characters", it->length);
        }
        if (value)
            crtk_element_set_str(e, it->index, value);
        g_string_append(o, first ? "{" : ",{");
        first = FALSE;
        crtk_json_field_str(o, "item", it->id, TRUE);
        crtk_json_field_str(o, "problem", problem ? problem : "", FALSE);
        char mbuf[96];
        const char *meaning = value && *value ? crtk_value_meaning_in(d, e, it, value, mbuf, sizeof mbuf) : NULL;
        crtk_json_field_str(o, "meaning", meaning ? meaning : "", FALSE);
        g_string_append_c(o, '}');
        g_free(value);
        g_free(problem);
    }
    g_string_append(o, "],\"edits\":[");
    GPtrArray *fails = run_edits(r->web, p->record, tumor);
    for (guint i = 0; i < fails->len; i++) {
        failure *f = fails->pdata[i];
        g_string_append(o, i ? ",{" : "{");
        crtk_json_field_str(o, "id", f->id, TRUE);
        crtk_json_field_str(o, "message", f->message, FALSE);
        g_string_append(o, ",\"items\":[");
        for (int j = 0; f->items[j]; j++) {
            if (j)
                g_string_append_c(o, ',');
            crtk_json_append_string(o, f->items[j], -1);
        }
        g_string_append(o, "]}");
    }
    g_string_append(o, "]}");
    g_ptr_array_free(fails, TRUE);
    crtk_stored_patient_free(p);
    crtk_web_send(r, 200, "application/json", o);
}

void crtk_page_codes(crtk_web_req *r)
{
    if (!crtk_web_require(r, CRTK_MAY_READ_CASES))
        return;
    const char *item = crtk_web_param(r, "item"), *q = crtk_web_param(r, "q");
    GString *o = g_string_new("[");
    GPtrArray *found = item && q && *q ? crtk_code_search(item, q) : NULL;
    for (guint i = 0; found && i < found->len && i < 30; i++) {
        const crtk_code *c = found->pdata[i];
        g_string_append(o, i ? ",{" : "{");
        crtk_json_field_str(o, "code", c->code, TRUE);
        crtk_json_field_str(o, "label", c->label, FALSE);
        g_string_append_c(o, '}');
    }
    if (found)
        g_ptr_array_free(found, TRUE);
    g_string_append_c(o, ']');
    crtk_web_send(r, 200, "application/json", o);
}
