/* store_edits.c — an edit set over a store's cases, one patient at a time (see store_edits.h). */
#include "store_edits.h"

typedef struct {
    crtk_edits *edits;
    crtk_edit_fn fn;
    void *user;
} run_ctx;

static int run_one(crtk_stored_patient *p, void *user)
{
    run_ctx *c = user;
    crtk_edits_run_record(c->edits, p->record, c->fn, c->user);
    return CRTK_CONTINUE;
}

gboolean crtk_store_run_edits(crtk_store *s, crtk_edits *edits, const char *where, crtk_edit_fn fn, void *user,
                              GError **error)
{
    if (crtk_edits_dictionary(edits) != crtk_store_dictionary(s)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "the edits were loaded for another dictionary");
        return FALSE;
    }
    run_ctx c = {edits, fn, user};
    /* one row per patient: nothing to compare across records, and nothing to remember */
    crtk_edits_set_cross_record(edits, FALSE);
    if (!where || !*where)
        return crtk_store_foreach(s, NULL, run_one, &c, error);
    /* Edits that compare a patient's tumors need all of them: select the patients with a matching
       tumor, and run on every tumor of those patients. */
    char *w = g_strdup_printf("t.patient_id IN (SELECT tt.patient_id FROM tumor tt JOIN patient pp ON pp.id = "
                              "tt.patient_id WHERE (%s))", where);
    gboolean ok = crtk_store_foreach(s, w, run_one, &c, error);
    g_free(w);
    return ok;
}
