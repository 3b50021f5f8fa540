/* web.h — what the pages of the workspace share: the server's state, one request, HTML helpers. */
#ifndef CRTK_WEB_H
#define CRTK_WEB_H
#include <libsoup/soup.h>
#include "crtk/users.h"
#include "edits.h"
#include "store.h"

typedef struct crtk_web {
    crtk_store *store;
    crtk_sessions *sessions;
    crtk_edits *edits;        /* the store's edit set, loaded once (NULL when it failed) */
    gboolean tls;
} crtk_web;

typedef struct crtk_web_req {
    crtk_web *web;
    SoupServerMessage *msg;
    const char *method;
    const char *path;
    GHashTable *query;        /* name -> value of the URL's query */
    GHashTable *form;         /* of a POST body (urlencoded) */
    const char *body;         /* the raw POST body */
    gsize body_len;
    const crtk_session *session;
} crtk_web_req;

/* ---- responses (server.c) ---- */
void crtk_web_send(crtk_web_req *r, int status, const char *content_type, GString *body);
void crtk_web_redirect(crtk_web_req *r, const char *to);
void crtk_web_error(crtk_web_req *r, int status, const char *message);
/* Records that the session's user sees PATIENT_KEY (ACTION: "view patient", ...).  TRUE when it is
 * recorded; otherwise answers 503 (nothing of the patient is shown unrecorded) and returns FALSE. */
gboolean crtk_web_log_view(crtk_web_req *r, const char *patient_key, const char *action);
/* TRUE when the session's role may; otherwise answers 403 and returns FALSE. */
gboolean crtk_web_require(crtk_web_req *r, crtk_permission what);
const char *crtk_web_param(crtk_web_req *r, const char *name); /* form, then query; NULL if absent */

/* ---- HTML (html.c) ---- */
void crtk_html_escape(GString *out, const char *text);
void crtk_html_printf(GString *out, const char *fmt, ...); /* own format: %s escaped, %R raw HTML, %d int, %L gint64 */
/* Starts a page: doctype, head, the navigation with the user and the logout form. */
GString *crtk_html_page(crtk_web_req *r, const char *title);
void crtk_html_end(GString *out);
void crtk_html_csrf(crtk_web_req *r, GString *out);

/* ---- pages ---- */
void crtk_page_patients(crtk_web_req *r);
void crtk_page_patient(crtk_web_req *r, const char *patient_key);
void crtk_page_history(crtk_web_req *r, const char *patient_key);
void crtk_page_followup_post(crtk_web_req *r, const char *patient_key);
void crtk_page_new_patient(crtk_web_req *r);
void crtk_page_new_tumor(crtk_web_req *r, const char *patient_key);
void crtk_page_abstract(crtk_web_req *r, const char *patient_key, int tumor);
void crtk_page_abstract_check(crtk_web_req *r, const char *patient_key, int tumor);
void crtk_page_codes(crtk_web_req *r);
void crtk_page_queues(crtk_web_req *r);
void crtk_page_abstract_pdf(crtk_web_req *r, const char *patient_key, int tumor); /* page_pdf.c */
void crtk_page_followup_lists(crtk_web_req *r, GString *o);                         /* page_followup.c */
/* page_stage.c: the tumor's staging schema, and which stage items it does not use */
typedef struct crtk_web_schema crtk_web_schema;
crtk_web_schema *crtk_web_schema_for(const crtk_record *rec, int tumor); /* NULL: no schema */
const char *crtk_web_schema_label(const crtk_web_schema *sc);
gboolean crtk_web_schema_hides(const crtk_web_schema *sc, const crtk_item *it, const char *value);
void crtk_web_schema_free(crtk_web_schema *sc);
void crtk_web_schema_preload(void); /* loads them in a thread of its own, so the first abstract does not wait */
void crtk_web_add_computed(crtk_web_req *r, crtk_stored_patient *p, int t, GPtrArray *pi, GPtrArray *pv, GPtrArray *ti,
                           GPtrArray *tv, const char *status);                      /* page_computed.c */
#endif
