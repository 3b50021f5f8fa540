/* page_followup.c — the follow-up due and lost lists on the work queues page: every followed
 * living patient whose contact is due (12 months after the Date of Last Contact by default) or who
 * is lost (past 15 months, or no date), from crtk_followup_scan with the store's rules, each with a
 * link to the patient's page where the contact is posted, the next follow-up source with its
 * meaning and the physician by name from the store's directory.  200 rows per list at most; the
 * counts are of all. */
#include "crtk/codes.h"
#include "crtk/followup.h"
#include "crtk/physicians.h"
#include "web.h"

#include <string.h>

enum { LIST_MAX = 200 };

typedef struct {
    crtk_store *store;
    GHashTable *physicians; /* code -> the words shown: each physician read from the store once */
    GString *rows[2]; /* due, lost */
    int count[2];
} lists;

/* "1 — Physician letter" */
static char *source_words(const char *code)
{
    if (!code)
        return g_strdup("");
    const char *meaning = crtk_code_label("nextFollowUpSource", code);
    return meaning ? g_strdup_printf("%s — %s", code, meaning) : g_strdup(code);
}

/* "Anna Nguyen, MD (10000003)", or the code and that the directory does not hold it (owned by L) */
static const char *physician_words(lists *l, const char *code)
{
    if (!code)
        return "";
    const char *known = g_hash_table_lookup(l->physicians, code);
    if (known)
        return known;
    crtk_physician *ph = crtk_store_physician_get(l->store, code);
    char *w = ph && ph->name ? g_strdup_printf("%s (%s)", ph->name, code)
                             : g_strdup_printf("%s (not in the physician directory)", code);
    crtk_physician_free(ph);
    g_hash_table_insert(l->physicians, g_strdup(code), w);
    return w;
}

static char *date_words(int ymd)
{
    return ymd ? g_strdup_printf("%02d/%02d/%04d", ymd / 100 % 100, ymd % 100, ymd / 10000) : g_strdup("unknown");
}

static int on_patient(crtk_followup_patient *p, void *user)
{
    lists *l = user;
    int k = p->status == CRTK_FU_DUE ? 0 : p->status == CRTK_FU_LOST ? 1 : -1;
    if (k < 0 || ++l->count[k] > LIST_MAX)
        return 0;
    const char *id = p->item[CRTK_FU_PATIENT_ID_NUMBER] ? p->item[CRTK_FU_PATIENT_ID_NUMBER] : "";
    char *e = g_uri_escape_string(id, NULL, FALSE);
    char *last = date_words(p->last_contact), *due = date_words(p->due_date);
    char *src = source_words(crtk_followup_next_source(p));
    const char *doc = physician_words(l, crtk_followup_physician(p));
    crtk_html_printf(l->rows[k], "<tr data-patient=\"%s\"><td><a href=\"/patients/%s#followup\">%s</a></td><td>%s, %s</td>"
                                 "<td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td></tr>",
                     id, e, id, p->item[CRTK_FU_NAME_LAST] ? p->item[CRTK_FU_NAME_LAST] : "",
                     p->item[CRTK_FU_NAME_FIRST] ? p->item[CRTK_FU_NAME_FIRST] : "", last, due, p->months_since_contact,
                     src, doc);
    g_free(e), g_free(last), g_free(due), g_free(src);
    return 0;
}

void crtk_page_followup_lists(crtk_web_req *r, GString *o)
{
    crtk_followup_rules rules;
    GError *error = NULL;
    lists l = {r->web->store, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
               {g_string_new(NULL), g_string_new(NULL)}, {0, 0}};
    gboolean ok = crtk_followup_rules_from_store(r->web->store, NULL, &rules, &error) &&
                  crtk_followup_scan(r->web->store, &rules, CRTK_FU_SCAN_LIST, on_patient, &l, &error) &&
                  crtk_store_reads_ok(r->web->store, &error); /* a physician not read is not "not in the directory" */
    g_string_append(o, "<h2 id=followup>Follow-up</h2><p>Living analytic patients whose follow-up is due or who are "
                       "lost (the store's follow-up settings; <code>crtk followup due</code> gives the same lists). "
                       "Open the patient to post a contact.</p>");
    if (!ok) {
        crtk_html_printf(o, "<p class=error>%s</p>", error->message);
        g_error_free(error);
    }
    static const char *const title[] = {"Due", "Lost to follow-up"}, *const id[] = {"followup-due", "followup-lost"};
    for (int k = 0; k < 2; k++) {
        crtk_html_printf(o, "<h3>%s</h3><table class=queue id=%s><thead><tr><th>Patient</th><th>Name</th>"
                            "<th>Last contact</th><th>Due</th><th>Months since</th><th>Next source</th>"
                            "<th>Physician</th></tr></thead><tbody>%R</tbody></table><p id=%s-count>%d patients%s.</p>",
                         title[k], id[k], l.rows[k]->str, id[k], l.count[k],
                         l.count[k] > LIST_MAX ? " (the first 200 shown)" : "");
        g_string_free(l.rows[k], TRUE);
    }
    g_hash_table_destroy(l.physicians);
}
