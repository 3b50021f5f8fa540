/* case_computed.c — the items filled on save (age at diagnosis, abstractor, date case completed):
 * see case_computed.h. */
#include "crtk/case_computed.h"
#include "derived.h"

#include <string.h>

/* The value an item will have after the save: the change when there is one, else the stored one. */
static const char *after(const crtk_case_computed_input *in, const crtk_element *e, const char *id)
{
    for (int i = 0; in->items && in->items[i]; i++)
        if (!strcmp(in->items[i], id))
            return in->values[i];
    const char *v = crtk_element_get_id(e, in->stored->dict, id);
    return v ? v : "";
}

static int add(const crtk_case_computed_input *in, const crtk_element *t, const char *id, const char *value,
               GPtrArray *items, GPtrArray *values)
{
    if (!crtk_dictionary_find(in->stored->dict, id) || !strcmp(after(in, t, id), value))
        return 0;
    for (int i = 0; in->items && in->items[i]; i++)
        if (!strcmp(in->items[i], id))
            return 0; /* typed by the registrar in this save: theirs wins */
    g_ptr_array_add(items, g_strdup(id));
    g_ptr_array_add(values, g_strdup(value));
    return 1;
}

int crtk_case_computed_items(const crtk_case_computed_input *in, GPtrArray *items, GPtrArray *values)
{
    if (in->tumor < 0 || in->tumor >= in->stored->n_tumors)
        return 0;
    const crtk_element *t = &in->stored->tumors[in->tumor], *p = &in->stored->patient;
    int n = 0;
    char age[8];
    g_snprintf(age, sizeof age, "%03d", crtk_age_at_diagnosis(after(in, p, "dateOfBirth"), after(in, t, "dateOfDiagnosis")));
    n += add(in, t, "ageAtDiagnosis", age, items, values);
    if (in->user && !*after(in, t, "abstractedBy")) {
        char code[4] = {0};
        int k = 0;
        for (const char *c = in->user; *c && k < 3; c++)
            if (g_ascii_isalnum(*c))
                code[k++] = g_ascii_toupper(*c);
        if (k)
            n += add(in, t, "abstractedBy", code, items, values);
    }
    gboolean was_complete = in->status_before && !strcmp(in->status_before, "complete");
    if (in->status_after && !strcmp(in->status_after, "complete") && !was_complete && in->today)
        n += add(in, t, "dateCaseCompleted", in->today, items, values);
    return n;
}
