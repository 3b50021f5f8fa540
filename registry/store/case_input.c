/* case_input.c — values as people type them, turned into the coded values a case holds
 * (see crtk_case_input_normalize in case_entry.h): item numbers for naaccrIds, dates in the
 * common forms (crtk/date.h), ICD-O sites with their dot (C50.4), and histology with its
 * behaviour (8500/3).  Only the form is changed here; the store checks the values as ever. */
#include "case_entry.h"
#include "date.h"
#include "problem.h"

#include <string.h>

/* The behaviour item that goes with a histology item, or NULL. */
static const char *behavior_item_of(const char *histology_id)
{
    if (!strcmp(histology_id, "histologicTypeIcdO3"))
        return "behaviorCodeIcdO3";
    if (!strcmp(histology_id, "histologyIcdO2"))
        return "behaviorIcdO2";
    return NULL;
}

static gboolean all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return FALSE;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isdigit(s[i]))
            return FALSE;
    return TRUE;
}

/* An ICD-O topography item: primarySite and the other four-character C-code items. */
static gboolean is_site_item(const crtk_item *it)
{
    return !strcmp(it->id, "primarySite") || (it->length == 4 && strstr(it->id, "Site") != NULL);
}

gboolean crtk_case_input_normalize(const crtk_dictionary *d, GPtrArray *items, GPtrArray *values, GError **error)
{
    GString *problems = g_string_new(NULL);
    for (guint i = 0; i < items->len; i++) {
        const char *name = items->pdata[i];
        const char *v = values->pdata[i];
        const crtk_item *it = crtk_dictionary_find(d, name);
        if (!it && all_digits(name, strlen(name)) && *name)
            it = crtk_dictionary_lookup(d, name); /* an item number, as `crtk dictionary` takes it */
        if (!it && *name && all_digits(name, strlen(name))) {
            /* a number: no spelling suggestions ("400" is not "p16") */
            g_string_append_printf(problems, "%sNAACCR %d has no item number %s", problems->len ? "\n" : "",
                                   crtk_dictionary_version(d), name);
            continue;
        }
        if (!it)
            continue; /* the store names it, with suggestions */
        if (strcmp(name, it->id) != 0) {
            g_free(items->pdata[i]);
            items->pdata[i] = g_strdup(it->id);
        }
        char *fixed = NULL;
        if (it->type == CRTK_TYPE_DATE && *v && (strchr(v, '-') || strchr(v, '/'))) {
            crtk_date dt;
            GError *e = NULL;
            if (crtk_date_parse_input(v, &dt, &e)) {
                char buf[9];
                fixed = g_strdup(crtk_date_format_naaccr(dt, buf));
            } else {
                g_string_append_printf(problems, "%s%s: %s", problems->len ? "\n" : "", it->id, e->message);
                g_error_free(e);
            }
        } else if (is_site_item(it) && strchr(v, '.')) {
            /* C50.4 -> C504 */
            if (strlen(v) == 5 && g_ascii_toupper(v[0]) == 'C' && g_ascii_isdigit(v[1]) && g_ascii_isdigit(v[2]) &&
                v[3] == '.' && g_ascii_isdigit(v[4])) {
                fixed = g_strdup_printf("C%c%c%c", v[1], v[2], v[4]);
            } else {
                char *shown = crtk_cut_for_message(v);
                g_string_append_printf(problems, "%s%s: %s is not an ICD-O site: write C504 or C50.4",
                                       problems->len ? "\n" : "", it->id, shown);
                g_free(shown);
            }
        } else if (behavior_item_of(it->id) && strchr(v, '/')) {
            /* 8500/3 -> histology 8500 and behaviour 3 */
            const char *slash = strchr(v, '/');
            const crtk_item *beh = crtk_dictionary_find(d, behavior_item_of(it->id));
            if (beh && slash - v == 4 && all_digits(slash + 1, 1) && g_ascii_isdigit(v[0]) && g_ascii_isdigit(v[1]) &&
                g_ascii_isdigit(v[2]) && g_ascii_isdigit(v[3])) {
                fixed = g_strndup(v, 4);
                g_ptr_array_add(items, g_strdup(beh->id));
                g_ptr_array_add(values, g_strdup(slash + 1));
            } else {
                char *shown = crtk_cut_for_message(v);
                g_string_append_printf(problems, "%s%s: %s is not an ICD-O histology: write 8500, or 8500/3 "
                                       "for histology and behavior",
                                       problems->len ? "\n" : "", it->id, shown);
                g_free(shown);
            }
        }
        if (fixed) {
            g_free(values->pdata[i]);
            values->pdata[i] = fixed;
        }
    }
    gboolean ok = problems->len == 0;
    if (!ok)
        g_set_error_literal(error, CRTK_ERROR, CRTK_ERROR_DATA, problems->str);
    g_string_free(problems, TRUE);
    return ok;
}
