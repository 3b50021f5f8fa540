/* surgery.c — the site-specific surgery tables of each coding-manual year (see crtk/surgery.h), read
 * once from the embedded schemas/codes/surgery/surgery-YEAR.tsv and kept for the process. */
#include "crtk/surgery.h"
#include "schemas.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char *title;
    char **sites, **hist_incl, **hist_excl; /* range lists ("C500-C509", "9727") */
    GArray *codes;                          /* crtk_surgery_code */
} surg_table;

typedef struct {
    int year;
    GPtrArray *tables; /* surg_table * */
    GStringChunk *strings;
} surg_manual;

static GMutex lock;
static GHashTable *manuals; /* year -> surg_manual * */

static const int years[] = {2004, 2007, 2010, 2012, 2013, 2014, 2015, 2016, 2018, 2021, 2022, 2023, 2024};

int crtk_surgery_manual_year(int dx_year)
{
    int best = 0;
    for (unsigned i = 0; i < G_N_ELEMENTS(years); i++)
        if (years[i] <= dx_year && dx_year <= 9998)
            best = years[i];
    return best;
}

static char **split_list(const char *s)
{
    if (!s || !*s)
        return NULL;
    char **v = g_strsplit(s, ",", -1);
    for (char **p = v; *p; p++)
        g_strstrip(*p);
    return v;
}

/* VALUE (same length as the bounds) in one of the items "A" or "A-B" of LIST. */
static gboolean in_list(char **list, const char *value)
{
    size_t n = strlen(value);
    for (char **p = list; p && *p; p++) {
        const char *dash = strchr(*p, '-');
        if (!dash) {
            if (!strcmp(*p, value))
                return TRUE;
            continue;
        }
        size_t lo = (size_t)(dash - *p);
        if (lo == n && strlen(dash + 1) == n && strncmp(*p, value, n) <= 0 && strcmp(value, dash + 1) <= 0)
            return TRUE;
    }
    return FALSE;
}

static surg_manual *load_manual(int year)
{
    char name[64];
    g_snprintf(name, sizeof name, "codes/surgery/surgery-%d.tsv", year);
    size_t len = 0;
    const char *text = crtk_schema_text(name, &len);
    if (!text)
        return NULL;
    surg_manual *m = g_new0(surg_manual, 1);
    m->year = year;
    m->tables = g_ptr_array_new();
    m->strings = g_string_chunk_new(4096);
    char **lines = g_strsplit(text, "\n", -1);
    surg_table *cur = NULL;
    for (char **l = lines; *l; l++) {
        if (!**l || **l == '#' || g_str_has_prefix(*l, "table\t"))
            continue;
        char **f = g_strsplit(*l, "\t", -1);
        if (g_strv_length(f) >= 7) {
            if (!cur || strcmp(cur->title, f[0])) {
                cur = g_new0(surg_table, 1);
                cur->title = g_string_chunk_insert(m->strings, f[0]);
                cur->sites = split_list(f[1]);
                cur->hist_incl = split_list(f[2]);
                cur->hist_excl = split_list(f[3]);
                cur->codes = g_array_new(FALSE, TRUE, sizeof(crtk_surgery_code));
                g_ptr_array_add(m->tables, cur);
            }
            crtk_surgery_code c = {g_string_chunk_insert(m->strings, f[4]), g_string_chunk_insert(m->strings, f[6]),
                                   atoi(f[5])};
            g_array_append_val(cur->codes, c);
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    return m;
}

static const surg_table *find_table(const char *site, const char *hist, int dx_year)
{
    int year = crtk_surgery_manual_year(dx_year);
    if (!year || !site || !*site)
        return NULL;
    g_mutex_lock(&lock);
    if (!manuals)
        manuals = g_hash_table_new(g_direct_hash, g_direct_equal);
    surg_manual *m = g_hash_table_lookup(manuals, GINT_TO_POINTER(year));
    if (!m) {
        m = load_manual(year);
        if (m)
            g_hash_table_insert(manuals, GINT_TO_POINTER(year), m);
    }
    g_mutex_unlock(&lock);
    if (!m)
        return NULL;
    char s[8];
    g_strlcpy(s, site, sizeof s);
    g_strstrip(s);
    for (char *p = s; *p; p++)
        *p = g_ascii_toupper(*p);
    gboolean h = hist && strlen(hist) == 4;
    for (guint i = 0; i < m->tables->len; i++) {
        const surg_table *t = m->tables->pdata[i];
        if (t->sites && !in_list(t->sites, s))
            continue;
        if (h && t->hist_incl && !in_list(t->hist_incl, hist))
            continue;
        if (h && t->hist_excl && in_list(t->hist_excl, hist))
            continue;
        return t;
    }
    return NULL;
}

const char *crtk_surgery_table(const char *site, const char *histology, int dx_year, const crtk_surgery_code **codes,
                               int *n)
{
    const surg_table *t = find_table(site, histology, dx_year);
    if (codes)
        *codes = t ? (const crtk_surgery_code *)(void *)t->codes->data : NULL;
    if (n)
        *n = t ? (int)t->codes->len : 0;
    return t ? t->title : NULL;
}

const char *crtk_surgery_meaning(const char *site, const char *histology, int dx_year, const char *code)
{
    const crtk_surgery_code *c = NULL;
    int n = 0;
    if (!code || !crtk_surgery_table(site, histology, dx_year, &c, &n))
        return NULL;
    for (int i = 0; i < n; i++)
        if (!strcmp(c[i].code, code))
            return c[i].meaning;
    return NULL;
}
