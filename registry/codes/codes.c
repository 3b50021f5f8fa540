/* codes.c — the code tables of schemas/codes/, read once from the embedded files (see codes.h). */
#include "codes.h"
#include "schemas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MORPH_FIRST 8000
#define MORPH_SLOTS ((9999 - MORPH_FIRST + 1) * 10)
#define SITE_SLOTS 810
#define SML_VERSIONS 2 /* 0 = 2015 list, 1 = 2022 list */

struct crtk_code_table {
    const char *name;
    crtk_code *codes;
    int n;
    unsigned mask;        /* open-addressing table of the plain codes (not the ranges) */
    int *slots;           /* index into codes + 1; 0 = empty */
    unsigned char *slot_len;
    int n_ranges;
    int *ranges;          /* indexes of range codes in codes */
    int key_len;          /* > 0 when every plain code has this length (fast reject) */
    char **search_text;   /* lower-case label + extra, per code */
};

typedef struct {
    const char *site;
    crtk_laterality_rule rule;
    int from_year;
} paired_entry;

static struct {
    GStringChunk *chunk;
    GHashTable *lists;      /* list name -> crtk_code_table* */
    GHashTable *items;      /* item -> crtk_code_table* */
    const char **item_names;
    int n_items;
    crtk_morphology *morph; /* all entries */
    int n_morph;
    const crtk_morphology *morph_by_key[MORPH_SLOTS];
    unsigned char hist_seen[9999 - MORPH_FIRST + 1];
    const char *topo_label[SITE_SLOTS];
    paired_entry paired[SITE_SLOTS];
    GHashTable *counties;   /* "ST" -> GHashTable of "ccc" */
    short sml_group[SML_VERSIONS][SITE_SLOTS]; /* group index + 1, 0 = none */
    int sml_n_groups[SML_VERSIONS];
    unsigned char *sml_bits[SML_VERSIONS];     /* per group: MORPH_SLOTS bits */
} T;

/* ---- TSV reading ---------------------------------------------------------- */

typedef struct {
    const char *p, *end;
    char *fields[16];
    int n;
    GString *line;
    int col[16];  /* wanted column -> index in the line, -1 if absent */
} tsv;

static gboolean tsv_next_raw(tsv *t)
{
    for (;;) {
        if (t->p >= t->end)
            return FALSE;
        const char *nl = memchr(t->p, '\n', (size_t)(t->end - t->p));
        const char *le = nl ? nl : t->end;
        g_string_truncate(t->line, 0);
        g_string_append_len(t->line, t->p, le - t->p);
        t->p = nl ? nl + 1 : t->end;
        if (t->line->len && t->line->str[t->line->len - 1] == '\r')
            g_string_truncate(t->line, t->line->len - 1);
        if (t->line->len == 0 || t->line->str[0] == '#')
            continue;
        t->n = 0;
        char *s = t->line->str;
        for (;;) {
            char *tab = strchr(s, '\t');
            if (t->n < 16)
                t->fields[t->n++] = s;
            if (!tab)
                break;
            *tab = '\0';
            s = tab + 1;
        }
        return TRUE;
    }
}

/* Opens an embedded TSV and maps the wanted columns (NULL-terminated names). */
static gboolean tsv_open(tsv *t, const char *name, const char *const *cols)
{
    size_t len = 0;
    const char *text = crtk_schema_text(name, &len);
    memset(t, 0, sizeof *t);
    t->line = g_string_new(NULL);
    if (!text) {
        g_warning("crtk: embedded table %s is missing", name);
        return FALSE;
    }
    t->p = text, t->end = text + len;
    if (!tsv_next_raw(t))
        return FALSE;
    for (int i = 0; cols[i]; i++) {
        t->col[i] = -1;
        for (int j = 0; j < t->n; j++)
            if (!strcmp(t->fields[j], cols[i]))
                t->col[i] = j;
    }
    return TRUE;
}

static const char *tsv_get(tsv *t, int i)
{
    int c = t->col[i];
    return c >= 0 && c < t->n ? t->fields[c] : "";
}

static void tsv_close(tsv *t)
{
    g_string_free(t->line, TRUE);
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *keep(const char *s)
{
    return g_string_chunk_insert_const(T.chunk, s);
}

/* ---- code lists ------------------------------------------------------------ */

static gboolean is_range_code(const char *c, size_t *half)
{
    const char *dash = strchr(c, '-');
    if (!dash)
        return FALSE;
    size_t a = (size_t)(dash - c), b = strlen(dash + 1);
    if (a == 0 || a != b)
        return FALSE;
    for (size_t i = 0; i < a; i++)
        if (!g_ascii_isdigit(c[i]) || !g_ascii_isdigit(dash[1 + i]))
            return FALSE;
    *half = a;
    return TRUE;
}

static inline unsigned code_hash(const char *s, size_t len)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h ^ (h >> 15);
}

static const crtk_code *slot_find(const crtk_code_table *l, const char *code, size_t len)
{
    if (len >= 256)
        return NULL;
    unsigned h = code_hash(code, len) & l->mask;
    for (int k; (k = l->slots[h]); h = (h + 1) & l->mask)
        if (l->slot_len[h] == len && !memcmp(l->codes[k - 1].code, code, len))
            return &l->codes[k - 1];
    return NULL;
}

static crtk_code_table *list_new(const char *name, GArray *codes)
{
    crtk_code_table *l = g_new0(crtk_code_table, 1);
    l->name = keep(name);
    l->n = (int)codes->len;
    l->codes = (crtk_code *)g_array_free(codes, FALSE);
    unsigned size = 8;
    while (size < (unsigned)l->n * 2 + 2)
        size <<= 1;
    l->mask = size - 1;
    l->slots = g_new0(int, size);
    l->slot_len = g_new0(unsigned char, size);
    l->ranges = g_new(int, l->n + 1);
    l->key_len = -1;
    for (int i = 0; i < l->n; i++) {
        size_t half;
        if (is_range_code(l->codes[i].code, &half)) {
            l->ranges[l->n_ranges++] = i;
            if (l->key_len == -1)
                l->key_len = (int)half;
            else if (l->key_len != (int)half)
                l->key_len = 0;
            continue;
        }
        int cl = (int)strlen(l->codes[i].code);
        if (cl < 256 && !slot_find(l, l->codes[i].code, (size_t)cl)) {
            unsigned h = code_hash(l->codes[i].code, (size_t)cl) & l->mask;
            while (l->slots[h])
                h = (h + 1) & l->mask;
            l->slots[h] = i + 1;
            l->slot_len[h] = (unsigned char)cl;
        }
        if (l->key_len == -1)
            l->key_len = cl;
        else if (l->key_len != cl)
            l->key_len = 0;
    }
    if (l->key_len < 0)
        l->key_len = 0;
    g_hash_table_insert(T.lists, (gpointer)l->name, l);
    return l;
}

static void load_code_lists(void)
{
    static const char *const cols[] = {"list", "code", "label", NULL};
    tsv t;
    if (tsv_open(&t, "codes/code-lists.tsv", cols)) {
        GArray *cur = NULL;
        char *cur_name = NULL;
        while (tsv_next_raw(&t)) {
            const char *name = tsv_get(&t, 0);
            if (!cur_name || strcmp(cur_name, name)) {
                if (cur)
                    list_new(cur_name, cur);
                g_free(cur_name);
                cur_name = g_strdup(name);
                cur = g_array_new(FALSE, TRUE, sizeof(crtk_code));
            }
            crtk_code c = {keep(tsv_get(&t, 1)), keep(tsv_get(&t, 2)), NULL};
            g_array_append_val(cur, c);
        }
        if (cur)
            list_new(cur_name, cur);
        g_free(cur_name);
    }
    tsv_close(&t);
    static const char *const icols[] = {"item", "list", NULL};
    if (tsv_open(&t, "codes/item-lists.tsv", icols)) {
        while (tsv_next_raw(&t)) {
            crtk_code_table *l = g_hash_table_lookup(T.lists, tsv_get(&t, 1));
            if (l)
                g_hash_table_insert(T.items, (gpointer)keep(tsv_get(&t, 0)), l);
        }
    }
    tsv_close(&t);
}

static void load_topography(void)
{
    static const char *const cols[] = {"code", "label", "group_label", "synonyms", NULL};
    tsv t;
    GArray *codes = g_array_new(FALSE, TRUE, sizeof(crtk_code));
    if (tsv_open(&t, "codes/topography.tsv", cols)) {
        while (tsv_next_raw(&t)) {
            const char *code = tsv_get(&t, 0);
            int n = crtk_site_number(code, strlen(code));
            if (n < 0)
                continue;
            char *extra = g_strdup_printf("%s; %s", tsv_get(&t, 2), tsv_get(&t, 3));
            crtk_code c = {keep(code), keep(tsv_get(&t, 1)), keep(extra)};
            g_free(extra);
            T.topo_label[n] = c.label;
            g_array_append_val(codes, c);
        }
    }
    tsv_close(&t);
    crtk_code_table *l = list_new("primarySite", codes);
    g_hash_table_insert(T.items, (gpointer)keep("primarySite"), l);
    g_hash_table_insert(T.items, (gpointer)keep("topography"), l);
}

static int year_or_zero(const char *s)
{
    return *s ? atoi(s) : 0;
}

static void load_morphology(void)
{
    static const char *const cols[] = {"code", "histology", "behavior", "valid_from", "valid_to", "reportable", "label", NULL};
    tsv t;
    GArray *m = g_array_new(FALSE, TRUE, sizeof(crtk_morphology));
    if (tsv_open(&t, "codes/morphology.tsv", cols)) {
        while (tsv_next_raw(&t)) {
            crtk_morphology e = {0};
            e.code = keep(tsv_get(&t, 0));
            e.histology = atoi(tsv_get(&t, 1));
            e.behavior = atoi(tsv_get(&t, 2));
            e.valid_from = year_or_zero(tsv_get(&t, 3));
            e.valid_to = year_or_zero(tsv_get(&t, 4));
            const char *rep = tsv_get(&t, 5);
            if (!*rep) {
                e.reportable = CRTK_REPORTABLE_BY_BEHAVIOR;
            } else if (!strcmp(rep, "no")) {
                e.reportable = CRTK_REPORTABLE_NEVER;
            } else {
                e.reportable = CRTK_REPORTABLE_YEARS;
                const char *dash = strchr(rep, '-');
                e.reportable_from = atoi(rep);
                e.reportable_to = dash ? atoi(dash + 1) : 0;
            }
            e.label = keep(tsv_get(&t, 6));
            if (e.histology < MORPH_FIRST || e.histology > 9999 || e.behavior < 0 || e.behavior > 9)
                continue;
            g_array_append_val(m, e);
        }
    }
    tsv_close(&t);
    T.n_morph = (int)m->len;
    T.morph = (crtk_morphology *)g_array_free(m, FALSE);
    GArray *morph_codes = g_array_new(FALSE, TRUE, sizeof(crtk_code));
    GArray *hist_codes = g_array_new(FALSE, TRUE, sizeof(crtk_code));
    for (int i = 0; i < T.n_morph; i++) {
        crtk_morphology *e = &T.morph[i];
        T.morph_by_key[(e->histology - MORPH_FIRST) * 10 + e->behavior] = e;
        crtk_code c = {e->code, e->label, NULL};
        g_array_append_val(morph_codes, c);
    }
    /* 4-digit histology list: label of /3 when there is one, else of the lowest behavior */
    for (int h = MORPH_FIRST; h <= 9999; h++) {
        const crtk_morphology *best = NULL;
        for (int b = 0; b < 10; b++) {
            const crtk_morphology *e = T.morph_by_key[(h - MORPH_FIRST) * 10 + b];
            if (e && (!best || b == 3))
                best = e;
        }
        if (!best)
            continue;
        T.hist_seen[h - MORPH_FIRST] = 1;
        char code[8];
        g_snprintf(code, sizeof code, "%04d", h);
        crtk_code c = {keep(code), best->label, NULL};
        g_array_append_val(hist_codes, c);
    }
    g_hash_table_insert(T.items, (gpointer)keep("morphology"), list_new("morphology", morph_codes));
    g_hash_table_insert(T.items, (gpointer)keep("histologicTypeIcdO3"), list_new("histologicTypeIcdO3", hist_codes));
}

static void load_paired(void)
{
    static const char *const cols[] = {"site", "rule", "from_year", NULL};
    tsv t;
    if (tsv_open(&t, "codes/paired-sites.tsv", cols)) {
        while (tsv_next_raw(&t)) {
            const char *site = tsv_get(&t, 0), *rule = tsv_get(&t, 1);
            int n = crtk_site_number(site, strlen(site));
            if (n < 0)
                continue;
            paired_entry *p = &T.paired[n];
            p->site = keep(site);
            p->rule = !strcmp(rule, "PAIRED_OR_NOT") ? CRTK_LATERALITY_PAIRED_OR_NOT
                      : !strcmp(rule, "RIGHT_ONLY")  ? CRTK_LATERALITY_RIGHT_ONLY
                                                     : CRTK_LATERALITY_PAIRED;
            p->from_year = year_or_zero(tsv_get(&t, 2));
        }
    }
    tsv_close(&t);
}

static void load_counties(void)
{
    static const char *const cols[] = {"state", "counties", NULL};
    tsv t;
    /* county code -> states having it, for the county items' code lists */
    GHashTable *states_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GPtrArray *order = g_ptr_array_new();
    if (tsv_open(&t, "codes/state-county.tsv", cols)) {
        while (tsv_next_raw(&t)) {
            const char *state = keep(tsv_get(&t, 0));
            GHashTable *set = g_hash_table_new(g_str_hash, g_str_equal);
            char **cs = g_strsplit(tsv_get(&t, 1), ",", -1);
            for (char **c = cs; *c; c++) {
                if (!**c)
                    continue;
                const char *k = keep(*c);
                g_hash_table_add(set, (gpointer)k);
                GString *s = g_hash_table_lookup(states_of, k);
                if (!s) {
                    s = g_string_new("county of ");
                    g_hash_table_insert(states_of, g_strdup(k), s);
                    g_ptr_array_add(order, (gpointer)k);
                } else {
                    g_string_append(s, ", ");
                }
                g_string_append(s, state);
            }
            g_strfreev(cs);
            g_hash_table_insert(T.counties, (gpointer)state, set);
        }
    }
    tsv_close(&t);
    g_ptr_array_sort(order, cmp_str);
    GArray *codes = g_array_new(FALSE, TRUE, sizeof(crtk_code));
    GPtrArray *sorted = order;
    for (guint i = 0; i < sorted->len; i++) {
        const char *k = sorted->pdata[i];
        GString *s = g_hash_table_lookup(states_of, k);
        crtk_code c = {k, keep(s->str), NULL};
        g_string_free(s, TRUE);
        g_array_append_val(codes, c);
    }
    g_ptr_array_free(order, TRUE);
    g_hash_table_destroy(states_of);
    crtk_code_table *l = list_new("county", codes);
    static const char *const county_items[] = {"countyAtDx", "countyAtDxAnalysis", "countyAtDxGeocode1990",
        "countyAtDxGeocode2000", "countyAtDxGeocode2010", "countyAtDxGeocode2020", "countyCurrent", NULL};
    for (int i = 0; county_items[i]; i++)
        g_hash_table_insert(T.items, (gpointer)keep(county_items[i]), l);
}

static void sml_add_range(int v, const char *a, const char *z, short group)
{
    int lo = crtk_site_number(a, strlen(a)), hi = crtk_site_number(z, strlen(z));
    if (lo < 0 || hi < 0)
        return;
    for (int s = lo; s <= hi && s < SITE_SLOTS; s++)
        if (T.topo_label[s] && !T.sml_group[v][s])
            T.sml_group[v][s] = group;
}

static void load_site_morphology(void)
{
    static const char *const cols[] = {"list", "group", "sites", "morphologies", NULL};
    tsv t;
    GPtrArray *rows[SML_VERSIONS] = {g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free)};
    GPtrArray *sites[SML_VERSIONS] = {g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free)};
    if (tsv_open(&t, "codes/site-morphology-list.tsv", cols)) {
        while (tsv_next_raw(&t)) {
            int v = !strcmp(tsv_get(&t, 0), "2015") ? 0 : !strcmp(tsv_get(&t, 0), "2022") ? 1 : -1;
            if (v < 0)
                continue;
            g_ptr_array_add(sites[v], g_strdup(tsv_get(&t, 2)));
            g_ptr_array_add(rows[v], g_strdup(tsv_get(&t, 3)));
        }
    }
    tsv_close(&t);
    const size_t bytes = (MORPH_SLOTS + 7) / 8;
    for (int v = 0; v < SML_VERSIONS; v++) {
        int ng = (int)rows[v]->len;
        T.sml_n_groups[v] = ng;
        T.sml_bits[v] = g_malloc0(bytes * (size_t)(ng ? ng : 1));
        for (int g = 0; g < ng; g++) {
            char **parts = g_strsplit(sites[v]->pdata[g], ",", -1);
            for (char **p = parts; *p; p++) {
                char *s = g_strstrip(*p);
                char *dash = strchr(s, '-');
                if (dash) {
                    *dash = '\0';
                    sml_add_range(v, s, dash + 1, (short)(g + 1));
                } else {
                    sml_add_range(v, s, s, (short)(g + 1));
                }
            }
            g_strfreev(parts);
            unsigned char *bits = T.sml_bits[v] + bytes * (size_t)g;
            char **ms = g_strsplit(rows[v]->pdata[g], ",", -1);
            for (char **m = ms; *m; m++) {
                int h = 0, b = 0;
                if (sscanf(*m, "%4d/%1d", &h, &b) == 2 && h >= MORPH_FIRST && h <= 9999) {
                    int k = (h - MORPH_FIRST) * 10 + b;
                    bits[k >> 3] |= (unsigned char)(1u << (k & 7));
                }
            }
            g_strfreev(ms);
        }
        g_ptr_array_free(rows[v], TRUE);
        g_ptr_array_free(sites[v], TRUE);
    }
}

/* Other names of ICD-O-3 morphology codes (schemas/codes/morphology-synonyms.tsv): "8500/3" and
 * "8500" (every behavior) -> the terms, joined by " | ". */
static GHashTable *load_synonyms(void)
{
    GHashTable *syn = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t len = 0;
    const char *data = crtk_schema_text("codes/morphology-synonyms.tsv", &len);
    const char *p = data, *end = data ? data + len : NULL;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *line = p;
        p = nl ? nl + 1 : end;
        if (line == le || *line == '#' || !strncmp(line, "histology\t", 10))
            continue;
        char *l = g_strndup(line, (gsize)(le - line));
        char **f = g_strsplit(l, "\t", 3);
        if (g_strv_length(f) == 3) {
            char *keys[2] = {g_strdup_printf("%s/%s", f[0], f[1]), g_strdup(f[0])};
            for (int k = 0; k < 2; k++) {
                GString *g = g_hash_table_lookup(syn, keys[k]);
                if (!g) {
                    g = g_string_new(NULL);
                    g_hash_table_insert(syn, g_strdup(keys[k]), g);
                }
                g_string_append_printf(g, " | %s", f[2]);
                g_free(keys[k]);
            }
        }
        g_strfreev(f);
        g_free(l);
    }
    return syn;
}

static void build_search_text(gpointer key, gpointer value, gpointer user)
{
    (void)key;
    GHashTable *synonyms = user;
    crtk_code_table *l = value;
    if (l->search_text)
        return;
    gboolean morph = !strcmp(l->name, "morphology") || !strcmp(l->name, "histologicTypeIcdO3");
    l->search_text = g_new0(char *, l->n + 1);
    for (int i = 0; i < l->n; i++) {
        GString *other = morph ? g_hash_table_lookup(synonyms, l->codes[i].code) : NULL;
        char *s = g_strconcat(l->codes[i].label, l->codes[i].extra ? " " : "", l->codes[i].extra ? l->codes[i].extra : "",
                              other ? other->str : "", NULL);
        char *low = g_ascii_strdown(s, -1);
        l->search_text[i] = (char *)keep(low);
        g_free(s);
        g_free(low);
    }
}

static void load(void)
{
    static gsize done = 0;
    if (!g_once_init_enter(&done))
        return;
    T.chunk = g_string_chunk_new(64 * 1024);
    T.lists = g_hash_table_new(g_str_hash, g_str_equal);
    T.items = g_hash_table_new(g_str_hash, g_str_equal);
    T.counties = g_hash_table_new(g_str_hash, g_str_equal);
    load_code_lists();
    load_topography();
    load_morphology();
    load_paired();
    load_counties();
    load_site_morphology();
    GHashTable *synonyms = load_synonyms();
    g_hash_table_foreach(T.lists, build_search_text, synonyms);
    GHashTableIter syn_it;
    gpointer sk, sv;
    g_hash_table_iter_init(&syn_it, synonyms);
    while (g_hash_table_iter_next(&syn_it, &sk, &sv))
        g_string_free(sv, TRUE);
    g_hash_table_destroy(synonyms);
    GPtrArray *names = g_ptr_array_new();
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, T.items);
    while (g_hash_table_iter_next(&it, &k, NULL))
        g_ptr_array_add(names, k);
    g_ptr_array_sort(names, cmp_str);
    T.n_items = (int)names->len;
    g_ptr_array_add(names, NULL);
    T.item_names = (const char **)g_ptr_array_free(names, FALSE);
    g_once_init_leave(&done, 1);
}

/* ---- public: lists --------------------------------------------------------- */

const crtk_code_table *crtk_code_table_get(const char *item)
{
    load();
    return item ? g_hash_table_lookup(T.items, item) : NULL;
}

const char *crtk_code_table_name(const crtk_code_table *list)
{
    return list ? list->name : NULL;
}

static const crtk_code *list_find(const crtk_code_table *l, const char *code, size_t len)
{
    if (!l || len == 0)
        return NULL;
    if (l->key_len > 0 && (size_t)l->key_len != len)
        return NULL;
    const crtk_code *c = slot_find(l, code, len);
    if (c)
        return c;
    for (int i = 0; i < l->n_ranges; i++) {
        const crtk_code *r = &l->codes[l->ranges[i]];
        const char *dash = strchr(r->code, '-');
        size_t half = (size_t)(dash - r->code);
        if (half != len)
            continue;
        gboolean digits = TRUE;
        for (size_t j = 0; j < len; j++)
            if (!g_ascii_isdigit(code[j]))
                digits = FALSE;
        if (digits && memcmp(code, r->code, len) >= 0 && memcmp(code, dash + 1, len) <= 0)
            return r;
    }
    return NULL;
}

gboolean crtk_code_table_has(const crtk_code_table *list, const char *code, size_t len)
{
    return list_find(list, code, len) != NULL;
}

const crtk_code *crtk_code_list(const char *item, int *n)
{
    const crtk_code_table *l = crtk_code_table_get(item);
    if (n)
        *n = l ? l->n : 0;
    return l ? l->codes : NULL;
}

const char *crtk_code_label(const char *item, const char *code)
{
    const crtk_code *c = code ? list_find(crtk_code_table_get(item), code, strlen(code)) : NULL;
    return c ? c->label : NULL;
}

gboolean crtk_code_valid(const char *item, const char *code)
{
    return code && list_find(crtk_code_table_get(item), code, strlen(code)) != NULL;
}

gboolean crtk_code_valid_len(const char *item, const char *code, size_t len)
{
    return code && list_find(crtk_code_table_get(item), code, len) != NULL;
}

GPtrArray *crtk_code_search(const char *item, const char *text)
{
    const crtk_code_table *l = crtk_code_table_get(item);
    if (!l)
        return NULL;
    GPtrArray *out = g_ptr_array_new();
    /* the code prefix: text without dots and blanks */
    GString *prefix = g_string_new(NULL);
    for (const char *p = text ? text : ""; *p; p++)
        if (*p != '.' && !g_ascii_isspace(*p))
            g_string_append_c(prefix, *p);
    char *low = g_ascii_strdown(text ? text : "", -1);
    char **words = g_strsplit_set(low, " \t,", -1);
    const crtk_code *range_in = prefix->len ? list_find(l, prefix->str, prefix->len) : NULL;
    for (int i = 0; i < l->n; i++) {
        const crtk_code *c = &l->codes[i];
        gboolean hit = prefix->len > 0 && g_ascii_strncasecmp(c->code, prefix->str, prefix->len) == 0;
        if (!hit && range_in && range_in == c)
            hit = TRUE; /* the text is a code inside this range entry, e.g. 025 in 002-988 */
        if (!hit) {
            gboolean all = FALSE;
            for (char **w = words; *w; w++) {
                if (!**w)
                    continue;
                if (!strstr(l->search_text[i], *w)) {
                    all = FALSE;
                    break;
                }
                all = TRUE;
            }
            hit = all;
        }
        if (hit)
            g_ptr_array_add(out, (gpointer)c);
    }
    g_strfreev(words);
    g_free(low);
    g_string_free(prefix, TRUE);
    return out;
}

const char *const *crtk_code_items(int *n)
{
    load();
    if (n)
        *n = T.n_items;
    return T.item_names;
}

/* ---- public: ICD-O-3 ---------------------------------------------------------- */

int crtk_site_number(const char *site, size_t len)
{
    if (!site || len != 4 || site[0] != 'C' || !g_ascii_isdigit(site[1]) || !g_ascii_isdigit(site[2]) ||
        !g_ascii_isdigit(site[3]))
        return -1;
    int n = (site[1] - '0') * 100 + (site[2] - '0') * 10 + (site[3] - '0');
    return n < SITE_SLOTS ? n : -1;
}

const char *crtk_topography_label(const char *site)
{
    load();
    int n = site ? crtk_site_number(site, strlen(site)) : -1;
    return n >= 0 ? T.topo_label[n] : NULL;
}

const crtk_morphology *crtk_morphology_find(int histology, int behavior)
{
    load();
    if (histology < MORPH_FIRST || histology > 9999 || behavior < 0 || behavior > 9)
        return NULL;
    return T.morph_by_key[(histology - MORPH_FIRST) * 10 + behavior];
}

static gboolean in_years(const crtk_morphology *e, int year)
{
    if (year <= 0)
        return TRUE;
    return (!e->valid_from || year >= e->valid_from) && (!e->valid_to || year <= e->valid_to);
}

gboolean crtk_morphology_valid(int histology, int behavior, int year)
{
    const crtk_morphology *e = crtk_morphology_find(histology, behavior);
    return e && in_years(e, year);
}

gboolean crtk_histology_valid(int histology, int year)
{
    load();
    if (histology < MORPH_FIRST || histology > 9999 || !T.hist_seen[histology - MORPH_FIRST])
        return FALSE;
    for (int b = 0; b < 10; b++) {
        const crtk_morphology *e = T.morph_by_key[(histology - MORPH_FIRST) * 10 + b];
        if (e && in_years(e, year))
            return TRUE;
    }
    return FALSE;
}

int crtk_morphology_reportable(int histology, int behavior, int year)
{
    const crtk_morphology *e = crtk_morphology_find(histology, behavior);
    if (!e)
        return -2;
    switch (e->reportable) {
    case CRTK_REPORTABLE_NEVER:
        return 0;
    case CRTK_REPORTABLE_YEARS:
        if (year <= 0)
            return 1;
        return (!e->reportable_from || year >= e->reportable_from) && (!e->reportable_to || year <= e->reportable_to);
    default:
        return -1;
    }
}

crtk_laterality_rule crtk_paired_site(const char *site, size_t len, int year)
{
    load();
    int n = crtk_site_number(site, len);
    if (n < 0 || !T.paired[n].site)
        return CRTK_LATERALITY_NOT_PAIRED;
    const paired_entry *p = &T.paired[n];
    if (p->from_year && (year <= 0 || year < p->from_year))
        return CRTK_LATERALITY_PAIRED_OR_NOT;
    return p->rule;
}

const char *crtk_laterality_rule_name(crtk_laterality_rule rule)
{
    switch (rule) {
    case CRTK_LATERALITY_PAIRED: return "PAIRED";
    case CRTK_LATERALITY_PAIRED_OR_NOT: return "PAIRED_OR_NOT";
    case CRTK_LATERALITY_RIGHT_ONLY: return "RIGHT_ONLY";
    default: return "";
    }
}

static GHashTable *state_set(const char *state, size_t slen)
{
    load();
    char st[4];
    if (slen != 2)
        return NULL;
    st[0] = state[0], st[1] = state[1], st[2] = '\0';
    return g_hash_table_lookup(T.counties, st);
}

gboolean crtk_state_has_counties(const char *state, size_t slen)
{
    return state && state_set(state, slen) != NULL;
}

gboolean crtk_county_valid(const char *state, size_t slen, const char *county, size_t clen)
{
    GHashTable *set = state ? state_set(state, slen) : NULL;
    if (!set || !county || clen != 3)
        return FALSE;
    char c[4] = {county[0], county[1], county[2], '\0'};
    return g_hash_table_contains(set, c);
}

static int sml_check(int v, int site, int key)
{
    int g = T.sml_group[v][site];
    if (!g)
        return 0;
    const unsigned char *bits = T.sml_bits[v] + (size_t)((MORPH_SLOTS + 7) / 8) * (size_t)(g - 1);
    return (bits[key >> 3] >> (key & 7)) & 1;
}

int crtk_site_morphology_valid(const char *site, size_t len, int histology, int behavior, int year)
{
    load();
    int n = crtk_site_number(site, len);
    if (n < 0 || !T.topo_label[n])
        return -1;
    if (histology < MORPH_FIRST || histology > 9999 || behavior < 0 || behavior > 9)
        return 0;
    int key = (histology - MORPH_FIRST) * 10 + behavior;
    if (year > 0 && year <= 2017)
        return sml_check(0, n, key);
    if (year >= 2022)
        return sml_check(1, n, key);
    return sml_check(0, n, key) || sml_check(1, n, key);
}
