/* case_edits.c — edits run at once on a case being abstracted (see case_edits.h).
 *
 * As in abstracting software, the change is saved first; then the edits that
 * involve the changed items run on the whole patient and their failures are
 * shown, so the registrar can fix them (or set an over-ride after review). */
#include "case_edits.h"
#include "edits.h"
#include "crtk/metafile_store.h"
#include "crtk/json.h"

#include <stdlib.h>

#include <string.h>

typedef struct {
    FILE *out;
    int n;
    gboolean json;
} shown;

/* One JSON Lines message: {"level":"failure","tumor":N,"edit":...,"name":...,"message":...,"override":...}. */
static void json_failure(FILE *out, int tumor, const char *edit_id, const char *edit_name, const char *message,
                         const char *override_item)
{
    GString *o = g_string_new("{\"level\":\"failure\"");
    if (tumor)
        g_string_append_printf(o, ",\"tumor\":%d", tumor);
    if (edit_id) {
        g_string_append(o, ",\"edit\":");
        crtk_json_append_string(o, edit_id, -1);
    }
    if (edit_name) {
        g_string_append(o, ",\"name\":");
        crtk_json_append_string(o, edit_name, -1);
    }
    g_string_append(o, ",\"message\":");
    crtk_json_append_string(o, message, -1);
    if (override_item) {
        g_string_append(o, ",\"override\":");
        crtk_json_append_string(o, override_item, -1);
    }
    g_string_append(o, "}\n");
    fputs(o->str, out);
    g_string_free(o, TRUE);
}

static int show_failure(const crtk_edit_failure *f, void *user)
{
    shown *s = user;
    if (s->json) {
        s->n++;
        json_failure(s->out, f->tumor, f->edit_id, f->edit_name, f->message, f->override_item);
        return 0;
    }
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
    return crtk_case_run_edits_as(s, patient_id, items, n_items, FALSE, out);
}

int crtk_case_run_edits_as(crtk_store *s, gint64 patient_id, const char *const *items, int n_items, gboolean json,
                           FILE *out)
{
    char *set = crtk_store_get_setting(s, "editSet");
    GError *error = NULL;
    crtk_edits *all = crtk_edits_load(set ? set : "hospital", NULL, crtk_store_dictionary(s), &error);
    g_free(set);
    if (!all) {
        if (json)
            json_failure(out, 0, NULL, NULL, error->message, NULL);
        else
            fprintf(out, "(edits not run: %s)\n", error->message);
        g_error_free(error);
        return 0;
    }
    const char **ids = g_new0(const char *, n_items + 1);
    for (int i = 0; i < n_items; i++)
        ids[i] = items[i];
    crtk_edits *some = crtk_edits_involving(all, ids);
    g_free(ids);
    if (some)
        crtk_edits_set_cross_record(some, FALSE); /* one record per stored patient */
    shown sh = {out, 0, json};
    crtk_stored_patient *p = crtk_stored_patient_new(s);
    if (some && crtk_store_load_patient(s, patient_id, p, &error)) {
        p->record->ordinal = 1;
        crtk_edits_run_record(some, p->record, show_failure, &sh);
        if (!json) {
            sh.n += crtk_metafile_case_run(s, p->record, items, n_items, out); /* the state's metafile, if recorded */
        } else {
            /* the metafile's lines, each as one message */
            char *buf = NULL;
            size_t len = 0;
            FILE *mem = open_memstream(&buf, &len);
            if (mem) {
                sh.n += crtk_metafile_case_run(s, p->record, items, n_items, mem);
                fclose(mem);
                gchar **lines = g_strsplit(buf ? buf : "", "\n", -1);
                for (gchar **l = lines; *l; l++)
                    if (**l)
                        json_failure(out, 0, NULL, NULL, g_strstrip(*l), NULL);
                g_strfreev(lines);
                free(buf);
            }
        }
    }
    g_clear_error(&error);
    crtk_stored_patient_free(p);
    if (some && some != all)
        crtk_edits_free(some);
    crtk_edits_free(all);
    return sh.n;
}
