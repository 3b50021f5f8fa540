/* page_computed.c — before the abstract form's save: the items the workspace fills itself
 * (crtk_case_computed_items: age at diagnosis, abstractor, date case completed) added to the
 * tumor's changes, for roles that may edit abstracts (a follow-up clerk's save computes nothing). */
#include "crtk/case_computed.h"
#include "store_users.h"
#include "web.h"

void crtk_web_add_computed(crtk_web_req *r, crtk_stored_patient *p, int t, GPtrArray *pi, GPtrArray *pv, GPtrArray *ti,
                           GPtrArray *tv, const char *status)
{
    if (!crtk_role_may(r->session->role, CRTK_MAY_EDIT_ABSTRACT))
        return;
    GPtrArray *items = g_ptr_array_new(), *values = g_ptr_array_new();
    for (guint i = 0; i < pi->len; i++)
        g_ptr_array_add(items, pi->pdata[i]), g_ptr_array_add(values, pv->pdata[i]);
    for (guint i = 0; i < ti->len; i++)
        g_ptr_array_add(items, ti->pdata[i]), g_ptr_array_add(values, tv->pdata[i]);
    g_ptr_array_add(items, NULL), g_ptr_array_add(values, NULL);
    char *before = crtk_store_abstract_status(r->web->store, p->tumor_ids[t]), *today = crtk_today();
    crtk_case_computed_input in = {.stored = p->record, .tumor = t, .items = (const char *const *)items->pdata,
                                   .values = (const char *const *)values->pdata, .status_before = before,
                                   .status_after = status && *status ? status : NULL, .user = r->session->user,
                                   .today = today};
    crtk_case_computed_items(&in, ti, tv);
    g_free(before), g_free(today);
    g_ptr_array_free(items, TRUE), g_ptr_array_free(values, TRUE);
}
