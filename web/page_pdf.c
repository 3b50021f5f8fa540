/* page_pdf.c — the printable abstract in the browser: GET /patients/{id}/tumors/{n}/abstract.pdf
 * answers the PDF of crtk_abstract_pdf (reports/abstract_pdf.c) for anyone who may read cases,
 * recorded as a view ("print abstract") in the patient's access log.  The SSN shows all nine
 * digits only to a role that may see them. */
#include "crtk/abstract_pdf.h"
#include "crtk/followup.h"
#include "store_users.h"
#include "web.h"

crtk_stored_patient *crtk_web_load_patient(crtk_web_req *r, const char *key);

void crtk_page_abstract_pdf(crtk_web_req *r, const char *key, int tumor)
{
    if (!crtk_web_require(r, CRTK_MAY_READ_CASES))
        return;
    crtk_stored_patient *p = crtk_web_load_patient(r, key);
    if (!p)
        return;
    if (tumor < 1 || tumor > p->record->n_tumors) {
        crtk_stored_patient_free(p);
        crtk_web_error(r, 404, "No such tumor");
        return;
    }
    char *name = crtk_followup_setting_value(r->web->store, "registryName", NULL);
    char *status = crtk_store_abstract_status(r->web->store, p->tumor_ids[tumor - 1]);
    crtk_abstract_pdf_options o = {.registry_name = name, .status = status, .printed_by = r->session->user,
                                   .full_ssn = crtk_role_may(r->session->role, CRTK_MAY_SEE_FULL_SSN)};
    GError *error = NULL;
    GBytes *pdf = crtk_abstract_pdf(p->record, tumor - 1, &o, &error);
    g_free(name), g_free(status);
    crtk_stored_patient_free(p);
    if (!pdf) {
        crtk_web_error(r, 500, error->message);
        g_error_free(error);
        return;
    }
    if (!crtk_web_log_view(r, key, "print abstract")) {
        g_bytes_unref(pdf);
        return;
    }
    gsize len = 0;
    const char *data = g_bytes_get_data(pdf, &len);
    GString *body = g_string_new_len(data, (gssize)len);
    g_bytes_unref(pdf);
    /* a fixed file name: the patient's number stays out of the browser's downloads list */
    soup_message_headers_replace(soup_server_message_get_response_headers(r->msg), "Content-Disposition",
                                 "inline; filename=\"abstract.pdf\"");
    crtk_web_send(r, 200, "application/pdf", body);
}
