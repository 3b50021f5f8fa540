/* case_view.c — sections, meanings and the edit form of a case (see case_view.h). */
#include "case_view.h"
#include "codes.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    int from, to;
    const char *name;
} sections[] = {
    {1, 59, "Record identification"},
    {60, 379, "Demographics"},
    {380, 539, "Diagnosis"},
    {540, 699, "Hospital"},
    {700, 1199, "Stage and prognostic factors"},
    {1200, 1699, "Treatment"},
    {1960, 1973, "Diagnosis"},                    /* site, histology, behavior and grade in ICD-O-1 */
    {1975, 1975, "Stage and prognostic factors"}, /* Derived Summary Grade 2018 */
    {1700, 1979, "Follow-up, recurrence and death"},
    {1980, 2199, "Edit over-rides and record administration"},
    {2200, 2499, "Confidential (names, addresses, identifiers)"},
    {2500, 2699, "Text"},
    /* Collaborative Stage (2800-2937), the stage derived from it (2940-3050, 3400-3492), the
     * derived SEER and NPCR stage groups (3600-3655) and the SEER site-specific factors (3700-3710) */
    {3300, 3312, "Demographics"}, /* the RuralUrban Continuum, beside RUCA and URIC */
    {2800, 3099, "Stage and prognostic factors"},
    {3400, 3499, "Stage and prognostic factors"},
    {3600, 3719, "Stage and prognostic factors"},
    {2700, 3799, "Other"},
    {3800, 3999, "Stage and prognostic factors (site-specific data items)"},
    {4000, 99999, "Other"},
};

/* Treatment items wherever their numbers fall (rxHosp* among Hospital's numbers, rxSumm* and the
 * radiation phases among Stage's and Other's): a registrar looks for them under Treatment. */
static gboolean is_treatment_item(const char *id)
{
    static const char *const prefixes[] = {"rx", "phase", "rad", "reasonForNo", "date1stCrsRx", "dateInitialRx",
                                           "neoadjuvant", "numberPhasesOfRadTx", "totalDose", "readmSameHosp", NULL};
    for (int i = 0; prefixes[i]; i++)
        if (g_str_has_prefix(id, prefixes[i]))
            return TRUE;
    return FALSE;
}

const char *crtk_item_section(const crtk_item *item)
{
    if (is_treatment_item(item->id))
        return "Treatment";
    for (unsigned i = 0; i < G_N_ELEMENTS(sections); i++)
        if (item->number >= sections[i].from && item->number <= sections[i].to)
            return sections[i].name;
    return "Other";
}

int crtk_section_count(void)
{
    return (int)G_N_ELEMENTS(sections);
}

const char *crtk_section_name(int i)
{
    return sections[i].name;
}

const char *crtk_value_meaning(const crtk_item *item, const char *value)
{
    return crtk_code_label(item->id, value);
}

static gboolean section_first(int i)
{
    /* "Other" appears twice; show it once. */
    for (int j = 0; j < i; j++)
        if (!strcmp(sections[j].name, sections[i].name))
            return FALSE;
    return TRUE;
}

/* Calls show for each item of the level that has a value, section by section, with the
 * section's name when it is the first item shown in that section (NULL otherwise). */
typedef void (*item_fn)(GString *out, const char *section, const crtk_item *it, const char *value, const char *meaning);

const char *crtk_county_state_item(const crtk_item *county)
{
    return g_str_has_prefix(county->id, "countyAtDx")      ? "addrAtDxState"
           : g_str_has_prefix(county->id, "countyCurrent") ? "addrCurrentState"
                                                           : NULL;
}

const char *crtk_county_meaning(const char *state, const char *county, char *buf, size_t size)
{
    if (!strcmp(county, "999"))
        return "county unknown";
    if (!strcmp(county, "998"))
        return "residence outside the reporting state, county not known";
    if (!state || !crtk_state_has_counties(state, strlen(state)))
        return NULL;
    gboolean valid = crtk_county_valid(state, strlen(state), county, strlen(county));
    const char *name = valid ? crtk_county_name(state, strlen(state), county, strlen(county)) : NULL;
    if (name)
        g_snprintf(buf, size, "%s, %s", name, state);
    else
        g_snprintf(buf, size, valid ? "a county of %s" : "not a county of %s", state);
    return buf;
}

/* The meaning of a county code (countyAtDx..., countyCurrent) read with the state of the same
 * address in the same record: the code lists hold a county code once for every state that has it. */
static const char *county_meaning(const crtk_dictionary *d, const crtk_element *e, const crtk_item *it, const char *v,
                                  char *buf, size_t size)
{
    const char *state_id = crtk_county_state_item(it);
    if (!state_id)
        return NULL;
    const crtk_item *st = crtk_dictionary_find(d, state_id);
    const char *state = st && st->level == it->level ? crtk_element_get(e, st->index, NULL) : NULL;
    return crtk_county_meaning(state, v, buf, size);
}

/* The meaning of an ICD-O-3 histology read with the behavior of the same tumor: 8500 with
 * behavior 2 is "Ductal carcinoma in situ", not the invasive term of the histology alone. */
static const char *histology_meaning(const crtk_dictionary *d, const crtk_element *e, const crtk_item *it,
                                     const char *v)
{
    if (strcmp(it->id, "histologicTypeIcdO3") || strlen(v) != 4 || strspn(v, "0123456789") != 4)
        return NULL;
    const crtk_item *beh = crtk_dictionary_find(d, "behaviorCodeIcdO3");
    const char *b = beh && beh->level == it->level ? crtk_element_get(e, beh->index, NULL) : NULL;
    if (!b || strlen(b) != 1 || !g_ascii_isdigit(*b))
        return NULL;
    const crtk_morphology *m = crtk_morphology_find(atoi(v), *b - '0');
    return m ? m->label : NULL;
}

const char *crtk_value_meaning_in(const crtk_dictionary *d, const crtk_element *e, const crtk_item *item,
                                  const char *value, char *buf, size_t size)
{
    const char *m = value ? county_meaning(d, e, item, value, buf, size) : NULL;
    if (!m && value)
        m = histology_meaning(d, e, item, value);
    return m ? m : crtk_value_meaning(item, value);
}

static int cmp_item_number(const void *a, const void *b, void *user)
{
    const crtk_dictionary *d = user;
    const crtk_item *x = crtk_dictionary_item(d, *(const int *)a), *y = crtk_dictionary_item(d, *(const int *)b);
    if (x->number != y->number) /* user-dictionary items without a number (0) come last */
        return x->number == 0 ? 1 : y->number == 0 ? -1 : x->number < y->number ? -1 : 1;
    return *(const int *)a - *(const int *)b;
}

/* Within a section, items come in NAACCR item-number order: the order of the standard's layout,
 * which keeps an address, a date and its flag, a treatment and its date together. */
static void each_item(GString *out, const crtk_dictionary *d, const crtk_element *e, crtk_level level, item_fn show)
{
    int n = crtk_dictionary_count(d);
    int *order = g_new(int, n > 0 ? n : 1);
    for (int i = 0; i < n; i++)
        order[i] = i;
    g_qsort_with_data(order, n, sizeof *order, cmp_item_number, (gpointer)d);
    for (unsigned s = 0; s < G_N_ELEMENTS(sections); s++) {
        if (!section_first((int)s))
            continue;
        gboolean header = FALSE;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            const crtk_item *it = crtk_dictionary_item(d, i);
            if (strcmp(crtk_item_section(it), sections[s].name) != 0)
                continue;
            if (level == CRTK_LEVEL_PATIENT ? it->level != CRTK_LEVEL_PATIENT : it->level == CRTK_LEVEL_PATIENT)
                continue;
            const char *v = crtk_element_get(e, i, NULL);
            if (!v)
                continue;
            char buf[96];
            show(out, header ? NULL : sections[s].name, it, v, crtk_value_meaning_in(d, e, it, v, buf, sizeof buf));
            header = TRUE;
        }
    }
    g_free(order);
}

static void view_item(GString *out, const char *section, const crtk_item *it, const char *v, const char *m)
{
    if (section)
        g_string_append_printf(out, "  %s\n", section);
    if (strchr(v, '\n')) {
        g_string_append_printf(out, "    %-34.34s %4d %-32s |\n", it->name, it->number, it->id);
        gchar **lines = g_strsplit(v, "\n", -1);
        for (gchar **l = lines; *l; l++)
            g_string_append_printf(out, "      %s\n", *l);
        g_strfreev(lines);
    } else {
        /* the NAACCR name a registrar knows, then the item number and naaccrId */
        g_string_append_printf(out, "    %-34.34s %4d %-32s %-10s%s%s\n", it->name, it->number, it->id, v, m ? "  " : "",
                               m ? m : "");
    }
}

void crtk_case_view_element(GString *out, const crtk_dictionary *d, const crtk_element *e, crtk_level level)
{
    each_item(out, d, e, level, view_item);
}

static void form_item(GString *out, const char *section, const crtk_item *it, const char *v, const char *m)
{
    if (section)
        g_string_append_printf(out, "\n# --- %s ---\n", section);
    char *flat = g_strdup(v);
    gboolean multiline = strchr(flat, '\n') != NULL;
    if (multiline)
        g_strdelimit(flat, "\n", ' ');
    g_string_append_printf(out, "%s: %s  # %s%s%s%s\n", it->id, flat, it->name, m ? " = " : "", m ? m : "",
                           multiline ? " (line breaks shown as spaces)" : "");
    g_free(flat);
}

void crtk_case_form_element(GString *out, const crtk_dictionary *d, const crtk_element *e, crtk_level level)
{
    each_item(out, d, e, level, form_item);
}

gboolean crtk_case_form_parse(const char *text, GPtrArray *items, GPtrArray *values, GError **error)
{
    gchar **lines = g_strsplit(text, "\n", -1);
    gboolean ok = TRUE;
    for (int n = 0; lines[n]; n++) {
        char *l = lines[n];
        char *t = g_strstrip(g_strdup(l));
        if (!*t || t[0] == '#') {
            g_free(t);
            continue;
        }
        g_free(t);
        char *colon = strchr(l, ':');
        char *id = NULL;
        if (colon) {
            *colon = 0;
            id = g_strstrip(g_strdup(l));
            *colon = ':';
        }
        if (!id || !*id) { /* no colon, or nothing before it (found by fuzz_case_form) */
            char *shown = crtk_cut_for_message(l);
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "line %d: expected \"item: value\", found %s", n + 1,
                        shown);
            g_free(shown);
            g_free(id);
            ok = FALSE;
            break;
        }
        char *value = colon + 1;
        char *comment = strstr(value, "  # ");
        if (comment)
            *comment = 0;
        if (*value == ' ')
            value++;
        /* trailing blanks before the comment are the form's, not the value's */
        size_t len = strlen(value);
        while (len > 0 && value[len - 1] == ' ')
            value[--len] = 0;
        g_ptr_array_add(items, id);
        g_ptr_array_add(values, g_strdup(value));
    }
    g_strfreev(lines);
    return ok;
}
