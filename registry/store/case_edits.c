/* case_edits.c — edits run at once on a case being abstracted (see case_edits.h).
 *
 * As in abstracting software, the change is saved first; then the edits that
 * involve the changed items run on the whole patient and their failures are
 * shown, so the registrar can fix them (or set an over-ride after review). */
#include "case_edits.h"
#include "edits.h"
#include "crtk/metafile_store.h"

typedef struct {
    FILE *out;
    int n;
} shown;

static int show_failure(const crtk_edit_failure *f, void *user)
{
    shown *s = user;
    if (s->n++ == 0)
        fprintf(s->out, "edits that fail now:\n");
    if (f->tumor)
        fprintf(s->out, "  tumor %d  ", f->tumor);
    else
        fprintf(s->out, "  patient  ");
    fprintf(s->out, "%s (%s): %s", f->edit_id, f->edit_name, f->message);
    if (f->override_item)
        fprintf(s->out, " [over-ride after review: %s]", f->override_item);
    fputc('\n', s->out);
    return 0;
}

int crtk_case_run_edits(crtk_store *s, gint64 patient_id, const char *const *items, int n_items, FILE *out)
{
    char *set = crtk_store_get_setting(s, "editSet");
    GError *error = NULL;
    crtk_edits *all = crtk_edits_load(set ? set : "hospital", NULL, crtk_store_dictionary(s), &error);
    g_free(set);
    if (!all) {
        fprintf(out, "(edits not run: %s)\n", error->message);
        g_error_free(error);
        return 0;
    }
    const char **ids = g_new0(const char *, n_items + 1);
    for (int i = 0; i < n_items; i++)
        ids[i] = items[i];
    crtk_edits *some = crtk_edits_involving(all, ids);
    g_free(ids);
    shown sh = {out, 0};
    crtk_stored_patient *p = crtk_stored_patient_new(s);
    if (some && crtk_store_load_patient(s, patient_id, p, &error)) {
        p->record->ordinal = 1;
        crtk_edits_run_record(some, p->record, show_failure, &sh);
        sh.n += crtk_metafile_case_run(s, p->record, items, n_items, out);  /* the state's metafile, if recorded */
    }
    g_clear_error(&error);
    crtk_stored_patient_free(p);
    if (some && some != all)
        crtk_edits_free(some);
    crtk_edits_free(all);
    return sh.n;
}
