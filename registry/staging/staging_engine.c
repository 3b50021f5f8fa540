/* staging_engine.c — crtk's staging decision engine: table matching, schema selection, a staging run.
 *
 * Follows SEER's reference engine (imsweb/staging-client-java: DecisionEngine, Staging.stage,
 * StagingDataProvider.lookupSchema, StagingRange.contains) rule for rule; ../shared/staging/README.md
 * §4–6 states the rules.  Speed comes from the compiled form (staging_private.h): key ids instead of
 * hash maps, one-input tables looked up by hash, schema selection narrowed by per-site and
 * per-histology bitsets before any table is matched, and a run object reused between cases.
 */
#include "staging_private.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------- keys, cells ---------- */

int crtk_staging_key(crtk_staging *alg, const char *name)
{
    gpointer v = g_hash_table_lookup(alg->key_ids, name);
    if (v)
        return GPOINTER_TO_INT(v) - 1;
    const char *s = g_string_chunk_insert_const(alg->strings, name);
    g_ptr_array_add(alg->key_names, (gpointer)s);
    alg->nkeys = (int)alg->key_names->len;
    g_hash_table_insert(alg->key_ids, (gpointer)s, GINT_TO_POINTER(alg->nkeys));
    return alg->nkeys - 1;
}

int crtk_staging_key_lookup(const crtk_staging *alg, const char *name)
{
    return GPOINTER_TO_INT(g_hash_table_lookup(alg->key_ids, name)) - 1;
}

gboolean crtk_staging_parsable(const char *s, int len)
{
    if (len <= 0 || s[len - 1] == '.')
        return FALSE;
    int i = 0;
    if (s[0] == '-') {
        if (len == 1)
            return FALSE;
        i = 1;
    }
    int dots = 0;
    for (; i < len; i++) {
        if (s[i] == '.') {
            if (++dots > 1)
                return FALSE;
        } else if (s[i] < '0' || s[i] > '9')
            return FALSE;
    }
    return TRUE;
}

static gboolean is_ref(const char *s, size_t n)
{
    return n >= 2 && !strncmp(s, "{{", 2) && n >= 2 && !strcmp(s + n - 2, "}}");
}

static int ref_key(crtk_staging *alg, const char *s)
{
    size_t n = strlen(s);
    if (!is_ref(s, n))
        return -1;
    /* trimBraces: length > 3 */
    if (n <= 3)
        return -1;
    char *k = g_strndup(s + 2, n - 4);
    int id = crtk_staging_key(alg, k);
    g_free(k);
    return id;
}

/* strtof for the cell bounds at load time: short plain integers (most bounds) are converted
 * directly, which gives the same float as strtof (every integer below 2^24 is exact, and the
 * int -> float conversion rounds to nearest as strtof does); anything else goes to strtof. */
static float bound_float(const char *s, int len)
{
    int i = s[0] == '-';
    if (len - i > 0 && len - i <= 9) {
        long v = 0;
        int j = i;
        for (; j < len && s[j] >= '0' && s[j] <= '9'; j++)
            v = v * 10 + (s[j] - '0');
        if (j == len)
            return (float)(i ? -v : v);
    }
    return strtof(s, NULL);
}

static void make_item(crtk_staging *alg, st_item *it, const char *lo, const char *hi)
{
    memset(it, 0, sizeof *it);
    it->lo = g_string_chunk_insert_const(alg->strings, lo);
    it->hi = lo == hi ? it->lo : g_string_chunk_insert_const(alg->strings, hi);
    it->lolen = (int)strlen(lo);
    it->hilen = lo == hi ? it->lolen : (int)strlen(hi);
    it->lo_ref = ref_key(alg, lo);
    it->hi_ref = lo == hi ? it->lo_ref : ref_key(alg, hi);
    if (it->lo_ref < 0 && it->hi_ref < 0) {
        /* an unresolved {{x}} of 3 characters or fewer is kept literally, as upstream */
        if (lo == hi || !strcmp(lo, hi))
            it->exact = 1;
        else if (crtk_staging_parsable(lo, it->lolen) && crtk_staging_parsable(hi, it->hilen)) {
            it->numeric = 1;
            it->lof = bound_float(lo, it->lolen);
            it->hif = bound_float(hi, it->hilen);
        }
    }
    it->has_dot = memchr(lo, '.', (size_t)it->lolen) || memchr(hi, '.', (size_t)it->hilen);
}

/* Copies [p, q) with ASCII white space trimmed at both ends (g_strstrip's rule) into BUF (SIZE
 * bytes) or, when longer, into a new string stored in *HEAP; returns the copy. */
static char *trimmed_copy(const char *p, const char *q, char *buf, size_t size, char **heap)
{
    while (p < q && g_ascii_isspace(*p))
        p++;
    while (q > p && g_ascii_isspace(q[-1]))
        q--;
    size_t n = (size_t)(q - p);
    char *d = n < size ? buf : (*heap = g_malloc(n + 1));
    memcpy(d, p, n);
    d[n] = 0;
    return d;
}

/* One comma-separated item [p, q) of a cell: "lo-hi" or a single value.  Java's split("-") drops
 * trailing empty parts, so a range is a text with exactly one '-' once its trailing '-'s are
 * ignored ("1-2-" is 1..2, "-5" is ""..5, "5-" the value "5-"). */
static void parse_item(crtk_staging *alg, st_item *it, const char *p, const char *q)
{
    const char *e = q, *dash = NULL;
    while (e > p && e[-1] == '-')
        e--;
    int dashes = 0;
    for (const char *c = p; c < e; c++)
        if (*c == '-' && !dashes++)
            dash = c;
    char b1[128], b2[128], b3[128], *h1 = NULL, *h2 = NULL, *h3 = NULL;
    if (dashes == 1) {
        char *lo = trimmed_copy(p, dash, b1, sizeof b1, &h1), *hi = trimmed_copy(dash + 1, e, b2, sizeof b2, &h2);
        size_t ll = strlen(lo), hl = strlen(hi);
        if (ll == hl || (crtk_staging_parsable(lo, (int)ll) && crtk_staging_parsable(hi, (int)hl)) || is_ref(lo, ll) ||
            is_ref(hi, hl))
            make_item(alg, it, lo, hi);
        else {
            char *whole = trimmed_copy(p, q, b3, sizeof b3, &h3);
            make_item(alg, it, whole, whole);
        }
    } else {
        char *whole = trimmed_copy(p, q, b3, sizeof b3, &h3);
        make_item(alg, it, whole, whole);
    }
    g_free(h1);
    g_free(h2);
    g_free(h3);
}

void crtk_staging_parse_cell(crtk_staging *alg, const char *text, st_cell *cell)
{
    cell->n = 0;
    cell->items = NULL;
    if (!strcmp(text, "*")) {
        cell->items = g_new0(st_item, 1);
        cell->items[0].star = 1;
        cell->items[0].lo_ref = cell->items[0].hi_ref = -1;
        cell->n = 1;
        return;
    }
    /* Items are the text split at ','.  An empty cell is one empty item (Java's split); g_strsplit
     * used to give none and was special-cased to the same. */
    int n = 1;
    for (const char *c = text; *c; c++)
        n += *c == ',';
    cell->items = g_new0(st_item, n);
    const char *p = text;
    for (;;) {
        const char *q = strchr(p, ',');
        if (!q)
            q = p + strlen(p);
        parse_item(alg, &cell->items[cell->n++], p, q);
        if (!*q)
            break;
        p = q + 1;
    }
}

static int cmp_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_interval(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* A cell of many items that are all plain values or ranges of whole numbers (no '*', no
 * {{reference}}, no text range, no '.') is matched by binary search: its values sorted, its ranges
 * merged into disjoint intervals (a union: the same values match), kept after its items. */
static void sort_cell(st_cell *c)
{
    if (c->n < 6 || c->n > 60000)
        return;
    int nt = 0, ni = 0;
    for (int i = 0; i < c->n; i++) {
        const st_item *it = &c->items[i];
        if (it->exact)
            nt++;
        else if (it->numeric && !it->has_dot)
            ni++;
        else
            return;
    }
    gsize base = (gsize)c->n * sizeof(st_item);
    c->items = g_realloc(c->items, base + (gsize)nt * sizeof(char *) + (gsize)ni * 2 * sizeof(float));
    const char **texts = (const char **)(void *)((char *)c->items + base);
    float *iv = (float *)(void *)(texts + nt);
    int t = 0, k = 0;
    for (int i = 0; i < c->n; i++) {
        const st_item *it = &c->items[i];
        if (it->exact)
            texts[t++] = it->lo;
        else {
            iv[2 * k] = it->lof;
            iv[2 * k + 1] = it->hif;
            k++;
        }
    }
    qsort(texts, (size_t)nt, sizeof *texts, cmp_text);
    qsort(iv, (size_t)ni, 2 * sizeof(float), cmp_interval);
    int m = 0;
    for (int i = 0; i < ni; i++) {
        if (m > 0 && iv[2 * i] <= iv[2 * (m - 1) + 1]) {
            if (iv[2 * i + 1] > iv[2 * (m - 1) + 1])
                iv[2 * (m - 1) + 1] = iv[2 * i + 1];
        } else {
            iv[2 * m] = iv[2 * i];
            iv[2 * m + 1] = iv[2 * i + 1];
            m++;
        }
    }
    c->nsorted = (guint16)nt;
    c->nintervals = (guint16)m;
}

/* ---------- matching ---------- */

typedef struct view {
    const char *const *val;
    const guint8 *st;
} view;

static inline const char *vget(view w, int k)
{
    return w.st[k] == ST_SET ? w.val[k] : "";
}

/* The value under test, with its number form computed on first need. */
typedef struct tval {
    const char *s;
    int len;
    int parsed; /* 0 not yet, 1 number, 2 not a number */
    int dot;
    float f;
} tval;

static inline gboolean tval_number(tval *v)
{
    if (!v->parsed) {
        if (crtk_staging_parsable(v->s, v->len)) {
            v->parsed = 1;
            v->f = strtof(v->s, NULL);
            v->dot = memchr(v->s, '.', (size_t)v->len) != NULL;
        } else
            v->parsed = 2;
    }
    return v->parsed == 1;
}

/* memcmp for the short codes of staging tables, inline (a call per comparison was a fifth of a
 * schema selection's time) */
static inline int short_cmp(const char *a, const char *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i])
            return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
    return 0;
}

static gboolean range_generic(const char *lo, const char *hi, tval *v)
{
    int ll = (int)strlen(lo), hl = (int)strlen(hi);
    if (!(ll == hl && !memcmp(lo, hi, (size_t)ll)) && crtk_staging_parsable(lo, ll) && crtk_staging_parsable(hi, hl)) {
        if (!tval_number(v))
            return FALSE;
        if (!strchr(lo, '.') && !strchr(hi, '.') && v->dot)
            return FALSE;
        float a = strtof(lo, NULL), b = strtof(hi, NULL);
        return v->f >= a && v->f <= b;
    }
    if (ll != hl || ll != v->len)
        return FALSE;
    return memcmp(lo, v->s, (size_t)ll) <= 0 && memcmp(hi, v->s, (size_t)ll) >= 0;
}

static inline gboolean item_contains(const st_item *it, tval *v, view ctx)
{
    if (it->star)
        return TRUE;
    if (it->exact)
        return v->len == it->lolen && v->s[0] == it->lo[0] && !short_cmp(v->s, it->lo, v->len);
    if (it->lo_ref >= 0 || it->hi_ref >= 0) {
        const char *lo = it->lo_ref >= 0 ? vget(ctx, it->lo_ref) : it->lo;
        const char *hi = it->hi_ref >= 0 ? vget(ctx, it->hi_ref) : it->hi;
        return range_generic(lo, hi, v);
    }
    if (it->numeric) {
        if (!tval_number(v))
            return FALSE;
        if (!it->has_dot && v->dot)
            return FALSE;
        return v->f >= it->lof && v->f <= it->hif;
    }
    if (it->lolen != it->hilen || it->lolen != v->len)
        return FALSE;
    if ((unsigned char)v->s[0] < (unsigned char)it->lo[0] || (unsigned char)v->s[0] > (unsigned char)it->hi[0])
        return FALSE;
    return short_cmp(it->lo, v->s, v->len) <= 0 && short_cmp(it->hi, v->s, v->len) >= 0;
}

/* A sorted cell (see st_cell): the value is one of the texts, or a whole number in an interval. */
static gboolean sorted_cell_contains(const st_cell *c, tval *v)
{
    const char *const *texts = (const char *const *)(const void *)(c->items + c->n);
    int lo = 0, hi = c->nsorted - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, d = strcmp(v->s, texts[mid]);
        if (!d)
            return TRUE;
        if (d < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    if (!c->nintervals || !tval_number(v) || v->dot)
        return FALSE; /* every interval is of whole numbers: a value with a '.' is in none (item_contains) */
    const float *iv = (const float *)(const void *)(texts + c->nsorted);
    lo = 0, hi = c->nintervals - 1;
    int last = -1; /* the last interval starting at or below the value */
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (iv[2 * mid] <= v->f) {
            last = mid;
            lo = mid + 1;
        } else
            hi = mid - 1;
    }
    return last >= 0 && v->f <= iv[2 * last + 1];
}

static inline gboolean cell_contains(const st_cell *c, tval *v, view ctx)
{
    if (c->n <= 0)
        return TRUE; /* no value: not tested (an empty list matches too) */
    if (c->nsorted || c->nintervals)
        return sorted_cell_contains(c, v);
    for (int i = 0; i < c->n; i++)
        if (item_contains(&c->items[i], v, ctx))
            return TRUE;
    return FALSE;
}

/* Does row R of T match the values VALS (the first 16 INPUT columns; the others are read from CTX)? */
static inline gboolean row_matches(const st_table *t, int r, tval *vals, view ctx, const guint8 *filter)
{
    int nin = t->nin;
    const st_cell *row = &t->cells[(gsize)r * nin];
    for (int o = 0; o < nin; o++) {
        int c = nin <= 16 ? t->test_order[o] : o;
        if (filter && filter[t->in_keys[c]] == ST_ABSENT)
            continue;
        tval tmp, *v = &tmp;
        if (c < 16)
            v = &vals[c];
        else {
            tmp.s = vget(ctx, t->in_keys[c]);
            tmp.len = (int)strlen(tmp.s);
            tmp.parsed = 0;
        }
        if (!cell_contains(&row[c], v, ctx))
            return FALSE;
    }
    return TRUE;
}

/* Index of the first matching row, or -1.  FILTER (or NULL): test only columns whose key is supplied. */
static int find_row(const st_table *t, view ctx, const guint8 *filter)
{
    if (t->exact) {
        int key = t->in_keys[0];
        if (filter && filter[key] == ST_ABSENT)
            return t->nrows > 0 ? 0 : -1;
        tval v = {vget(ctx, key), 0, 0, 0, 0};
        v.len = (int)strlen(v.s);
        int best = GPOINTER_TO_INT(g_hash_table_lookup(t->exact, v.s)) - 1;
        for (int i = 0; i < t->nothers; i++) {
            if (best >= 0 && t->others[i].row >= best)
                break;
            if (cell_contains(t->others[i].cell, &v, ctx))
                return t->others[i].row;
        }
        return best;
    }
    tval vals[16];
    int nin = t->nin;
    for (int c = 0; c < nin && c < 16; c++) {
        vals[c].s = vget(ctx, t->in_keys[c]);
        vals[c].len = (int)strlen(vals[c].s);
        vals[c].parsed = 0;
    }
    if (t->idx_rows && !(filter && filter[t->in_keys[t->idx_col]] == ST_ABSENT)) {
        /* candidates: the rows holding the value of the indexed column exactly, merged in row
         * order with the rows whose cell there is a range or '*'; no other row can match */
        const int *bucket = g_hash_table_lookup(t->idx_rows, vals[t->idx_col].s);
        int nb = bucket ? bucket[0] : 0, i = 0, j = 0;
        while (i < nb || j < t->idx_nothers) {
            int r = j >= t->idx_nothers || (i < nb && bucket[1 + i] < t->idx_other_rows[j]) ? bucket[1 + i++]
                                                                                           : t->idx_other_rows[j++];
            if (row_matches(t, r, vals, ctx, filter))
                return r;
        }
        return -1;
    }
    for (int r = 0; r < t->nrows; r++)
        if (row_matches(t, r, vals, ctx, filter))
            return r;
    return -1;
}

gboolean crtk_staging_range_contains(const char *low, const char *high, const char *value, const char *const *ctx)
{
    const char *lo = low, *hi = high;
    size_t ll = strlen(low), hl = strlen(high);
    for (int pass = 0; pass < 2; pass++) {
        const char *s = pass ? high : low;
        size_t n = pass ? hl : ll;
        if (is_ref(s, n) && n > 3) {
            const char *r = "";
            for (int i = 0; ctx && ctx[i]; i += 2)
                if (strlen(ctx[i]) == n - 4 && !strncmp(ctx[i], s + 2, n - 4))
                    r = ctx[i + 1] ? ctx[i + 1] : "";
            if (pass)
                hi = r;
            else
                lo = r;
        }
    }
    tval v = {value ? value : "", 0, 0, 0, 0};
    v.len = (int)strlen(v.s);
    return range_generic(lo, hi, &v);
}

/* ---------- compile ---------- */

static int cmp_schema(gconstpointer a, gconstpointer b)
{
    return strcmp((*(st_schema *const *)a)->id, (*(st_schema *const *)b)->id);
}

static void index_table(st_table *t)
{
    if (t->nin != 1 || t->has_refs || t->nrows < 4)
        return;
    t->exact = g_hash_table_new(g_str_hash, g_str_equal);
    t->others = g_new0(st_other, t->nrows + 1);
    for (int r = 0; r < t->nrows; r++) {
        const st_cell *c = &t->cells[r];
        gboolean only_exact = c->n > 0;
        for (int i = 0; i < c->n; i++)
            if (!c->items[i].exact)
                only_exact = FALSE;
        if (only_exact) {
            for (int i = 0; i < c->n; i++)
                if (!g_hash_table_contains(t->exact, c->items[i].lo))
                    g_hash_table_insert(t->exact, (gpointer)c->items[i].lo, GINT_TO_POINTER(r + 1));
        } else {
            t->others[t->nothers].row = r;
            t->others[t->nothers].cell = c;
            t->nothers++;
        }
    }
}

static gboolean cell_only_exact(const st_cell *c)
{
    for (int i = 0; i < c->n; i++)
        if (!c->items[i].exact)
            return FALSE;
    return c->n > 0;
}

/* Tables with several INPUT columns are scanned row by row; a big one gets an index on the column
 * with the fewest cells that are not plain values: per exact value the rows holding it, plus the
 * rows whose cell in that column is a range, '*' or empty.  A column with a {{reference}} is not
 * indexed, and an index that would leave a typical lookup a quarter of the rows is dropped. */
static void index_multi_column_table(st_table *t)
{
    if (t->nin < 2 || t->nin > 16 || t->nrows < 16)
        return;
    int best = -1, best_others = t->nrows / 4;
    for (int c = 0; c < t->nin; c++) {
        int others = 0, refs = 0;
        for (int r = 0; r < t->nrows && !refs && others < best_others; r++) {
            const st_cell *cell = &t->cells[(gsize)r * t->nin + c];
            for (int i = 0; i < cell->n; i++)
                if (cell->items[i].lo_ref >= 0 || cell->items[i].hi_ref >= 0)
                    refs = 1;
            others += !cell_only_exact(cell);
        }
        if (!refs && others < best_others) {
            best_others = others;
            best = c;
        }
    }
    if (best < 0)
        return;
    GHashTable *lists = g_hash_table_new(g_str_hash, g_str_equal); /* value -> GArray of rows */
    int *other_rows = g_new(int, t->nrows), nothers = 0, entries = 0;
    for (int r = 0; r < t->nrows; r++) {
        const st_cell *cell = &t->cells[(gsize)r * t->nin + best];
        if (!cell_only_exact(cell)) {
            other_rows[nothers++] = r;
            continue;
        }
        for (int i = 0; i < cell->n; i++) {
            GArray *rows = g_hash_table_lookup(lists, cell->items[i].lo);
            if (!rows)
                g_hash_table_insert(lists, (gpointer)cell->items[i].lo, rows = g_array_new(FALSE, FALSE, sizeof(int)));
            if (!rows->len || g_array_index(rows, int, rows->len - 1) != r) { /* a value twice in one cell */
                g_array_append_val(rows, r);
                entries++;
            }
        }
    }
    guint distinct = g_hash_table_size(lists);
    gboolean worth = distinct > 0 && nothers + entries / (double)distinct < t->nrows / 4.0;
    if (worth) {
        t->idx_col = best;
        t->idx_rows = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
        t->idx_other_rows = other_rows;
        t->idx_nothers = nothers;
    } else
        g_free(other_rows);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, lists);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        GArray *rows = v;
        if (worth) {
            int *list = g_new(int, rows->len + 1);
            list[0] = (int)rows->len;
            memcpy(list + 1, rows->data, rows->len * sizeof(int));
            g_hash_table_insert(t->idx_rows, k, list);
        }
        g_array_free(rows, TRUE);
    }
    g_hash_table_destroy(lists);
}

static void order_tests(st_table *t)
{
    if (t->nin > 16)
        return;
    double items[16] = {0};
    for (int c = 0; c < t->nin; c++) {
        t->test_order[c] = (guint8)c;
        for (int r = 0; r < t->nrows; r++)
            items[c] += MAX(t->cells[(gsize)r * t->nin + c].n, 0);
    }
    for (int i = 1; i < t->nin; i++) /* a stable insertion sort: most items first */
        for (int j = i; j > 0 && items[t->test_order[j]] > items[t->test_order[j - 1]]; j--) {
            guint8 x = t->test_order[j];
            t->test_order[j] = t->test_order[j - 1];
            t->test_order[j - 1] = x;
        }
}

static const st_table *table_by_id(const crtk_staging *alg, const char *id)
{
    int i = GPOINTER_TO_INT(g_hash_table_lookup(alg->table_ids, id)) - 1;
    return i < 0 ? NULL : alg->tables->pdata[i];
}

/* The values of a one-INPUT-column table (upstream getAllInputValues). */
static GPtrArray *table_values(const st_table *t)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    if (!t || t->nin != 1)
        return out;
    for (int r = 0; r < t->nrows; r++) {
        const st_cell *c = &t->cells[r];
        for (int i = 0; i < c->n; i++) {
            const st_item *it = &c->items[i];
            if (it->star)
                continue;
            if (!strcmp(it->lo, it->hi))
                g_ptr_array_add(out, g_strdup(it->lo));
            else {
                char *e1, *e2;
                long lo = strtol(it->lo, &e1, 10), hi = strtol(it->hi, &e2, 10);
                if (*e1 || *e2 || hi - lo > 100000)
                    continue;
                for (long v = lo; v <= hi; v++)
                    g_ptr_array_add(out, g_strdup_printf("%0*ld", it->lolen, v));
            }
        }
    }
    return out;
}

static GHashTable *selection_index(crtk_staging *alg, const char *table, int key)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GPtrArray *vals = table_values(table_by_id(alg, table));
    guint8 *st = g_new0(guint8, alg->nkeys);
    const char **val = g_new0(const char *, alg->nkeys);
    view ctx = {val, st};
    for (guint i = 0; i < vals->len; i++) {
        const char *v = vals->pdata[i];
        if (g_hash_table_contains(h, v))
            continue;
        guint64 *bits = g_new0(guint64, alg->nwords);
        tval tv = {v, (int)strlen(v), 0, 0, 0};
        for (guint s = 0; s < alg->schemas->len; s++) {
            const st_schema *sc = alg->schemas->pdata[s];
            const st_table *t = alg->tables->pdata[sc->sel_table];
            int col = -1;
            for (int c = 0; c < t->nin; c++)
                if (t->in_keys[c] == key)
                    col = c;
            gboolean may = col < 0;
            for (int r = 0; !may && r < t->nrows; r++) {
                const st_cell *cell = &t->cells[(gsize)r * t->nin + col];
                gboolean refs = FALSE;
                for (int k = 0; k < cell->n; k++)
                    if (cell->items[k].lo_ref >= 0 || cell->items[k].hi_ref >= 0)
                        refs = TRUE;
                if (refs || cell_contains(cell, &tv, ctx)) /* tv keeps its number form from cell to cell */
                    may = TRUE;
            }
            if (may)
                bits[s / 64] |= (guint64)1 << (s % 64);
        }
        g_hash_table_insert(h, g_strdup(v), bits);
    }
    g_free(st);
    g_free(val);
    g_ptr_array_free(vals, TRUE);
    return h;
}

static int cmp_key_name(const void *a, const void *b, void *user)
{
    const crtk_staging *alg = ((void **)user)[0];
    const st_schema *s = ((void **)user)[1];
    return strcmp(alg->key_names->pdata[s->outputs[*(const int *)a].key],
                  alg->key_names->pdata[s->outputs[*(const int *)b].key]);
}

/* NAACCR XML ids are looked up case-insensitively (crtk_staging_schema_input) */
static guint ascii_case_hash(gconstpointer p)
{
    guint h = 5381;
    for (const char *s = p; *s; s++)
        h = h * 33 + (guint)g_ascii_tolower(*s);
    return h;
}

static gboolean ascii_case_equal(gconstpointer a, gconstpointer b)
{
    return !g_ascii_strcasecmp(a, b);
}

gboolean crtk_staging_compile(crtk_staging *alg, GError **error)
{
    if (!table_by_id(alg, "primary_site") || !table_by_id(alg, "histology")) {
        g_set_error(error, g_quark_from_static_string("crtk-staging-load"), 1,
                    "%s %s: the tables primary_site and histology are required", alg->algorithm, alg->version);
        return FALSE;
    }
    for (guint i = 0; i < alg->tables->len; i++) {
        st_table *t = alg->tables->pdata[i];
        for (gsize e = 0; e < (gsize)t->nrows * t->nend; e++)
            if (t->eps[e].type == EP_JUMP) {
                int j = GPOINTER_TO_INT(g_hash_table_lookup(alg->table_ids, t->eps[e].value)) - 1;
                if (j < 0) {
                    g_set_error(error, g_quark_from_static_string("crtk-staging-load"), 1,
                                "table %s: JUMP to table %s, which does not exist", t->id, t->eps[e].value);
                    return FALSE;
                }
                t->eps[e].jump = j;
            }
        for (gsize c = 0; c < (gsize)t->nrows * t->nin; c++)
            sort_cell(&t->cells[c]);
        index_table(t);
        index_multi_column_table(t);
        order_tests(t);
    }
    g_ptr_array_sort(alg->schemas, cmp_schema);
    alg->key_site = crtk_staging_key(alg, "site");
    alg->key_hist = crtk_staging_key(alg, "hist");
    alg->key_year = crtk_staging_key(alg, "year_dx");
    alg->key_ctx_version = crtk_staging_key(alg, "ctx_alg_version");
    alg->key_ctx_year = crtk_staging_key(alg, "ctx_year_current");
    int nkeys = alg->nkeys, mapping_index = 0;
    for (guint i = 0; i < alg->schemas->len; i++) {
        st_schema *s = alg->schemas->pdata[i];
        for (int m = 0; m < s->nmappings; m++)
            s->mappings[m].index = mapping_index++;
    }
    alg->is_input = g_new0(guint8, nkeys);
    alg->naaccr_keys = g_ptr_array_new();
    alg->naaccr_of_key = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < alg->schemas->len; i++) {
        st_schema *s = alg->schemas->pdata[i];
        s->input_of_key = g_new(int, nkeys);
        s->output_of_key = g_new(int, nkeys);
        for (int k = 0; k < nkeys; k++)
            s->input_of_key[k] = s->output_of_key[k] = -1;
        s->input_of_naaccr = g_hash_table_new(ascii_case_hash, ascii_case_equal);
        for (int k = 0; k < s->ninputs; k++) {
            s->input_of_key[s->inputs[k].key] = k;
            if (s->inputs[k].naaccr_id && !g_hash_table_contains(s->input_of_naaccr, s->inputs[k].naaccr_id))
                g_hash_table_insert(s->input_of_naaccr, (gpointer)s->inputs[k].naaccr_id, GINT_TO_POINTER(k + 1));
            alg->is_input[s->inputs[k].key] = 1;
            const char *name = alg->key_names->pdata[s->inputs[k].key];
            if (s->inputs[k].naaccr_id && !g_hash_table_contains(alg->naaccr_of_key, name)) {
                g_hash_table_insert(alg->naaccr_of_key, (gpointer)name, (gpointer)s->inputs[k].naaccr_id);
                g_ptr_array_add(alg->naaccr_keys, (gpointer)name);
            }
        }
        for (int k = 0; k < s->noutputs; k++) {
            s->output_of_key[s->outputs[k].key] = k;
            const char *name = alg->key_names->pdata[s->outputs[k].key];
            if (s->outputs[k].naaccr_id && !g_hash_table_contains(alg->naaccr_of_key, name)) {
                g_hash_table_insert(alg->naaccr_of_key, (gpointer)name, (gpointer)s->outputs[k].naaccr_id);
                g_ptr_array_add(alg->naaccr_keys, (gpointer)name);
            }
        }
        s->outputs_sorted = g_new(int, s->noutputs + 1);
        for (int k = 0; k < s->noutputs; k++)
            s->outputs_sorted[k] = k;
        void *user[2] = {alg, s};
        g_qsort_with_data(s->outputs_sorted, s->noutputs, sizeof(int), cmp_key_name, user);
    }
    alg->nwords = (int)(alg->schemas->len + 63) / 64;
    if (alg->nwords == 0)
        alg->nwords = 1;
    alg->all_schemas = g_new0(guint64, alg->nwords);
    for (guint s = 0; s < alg->schemas->len; s++)
        alg->all_schemas[s / 64] |= (guint64)1 << (s % 64);
    alg->valid_sites = selection_index(alg, "primary_site", alg->key_site);
    alg->valid_hists = selection_index(alg, "histology", alg->key_hist);
    return TRUE;
}

/* ---------- a run ---------- */

typedef struct arena_block {
    struct arena_block *next;
    gsize used, size;
    char data[];
} arena_block;

struct crtk_stage_run {
    const crtk_staging *alg;
    int nkeys;
    /* inputs as supplied */
    guint8 *in_st;
    const char **in_val;
    GArray *in_keys; /* int, supplied order */
    GPtrArray *unknown; /* names of unknown keys */
    GPtrArray *unknown_val;
    /* context */
    guint8 *st;
    const char **val;
    /* persistent context (ctx_year_current, ...) */
    GArray *ctx_keys;
    GPtrArray *ctx_vals;
    char year_now[8];
    /* run-lifetime strings: inputs, trimmed values, messages */
    arena_block *arena, *cur;
    /* results */
    crtk_stage_result result;
    int schema;
    GArray *cands;
    GArray *errors;
    GPtrArray *path;
    GArray *outs; /* int: output index of the schema, sorted */
    guint64 *bits;
    int *stack;
    int nstack;
    GHashTable *path_names;
};

static char *arena_alloc(crtk_stage_run *r, gsize n)
{
    n = (n + 7) & ~(gsize)7;
    while (r->cur && r->cur->used + n > r->cur->size) {
        if (!r->cur->next) {
            gsize size = MAX(n, (gsize)1 << 16);
            arena_block *b = g_malloc(sizeof *b + size);
            b->next = NULL;
            b->used = 0;
            b->size = size;
            r->cur->next = b;
        }
        r->cur = r->cur->next;
        r->cur->used = 0;
    }
    char *p = r->cur->data + r->cur->used;
    r->cur->used += n;
    return p;
}

static const char *arena_strndup(crtk_stage_run *r, const char *s, gsize n)
{
    char *p = arena_alloc(r, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static const char *arena_printf(crtk_stage_run *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static const char *arena_printf(crtk_stage_run *r, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = g_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < (int)sizeof buf)
        return arena_strndup(r, buf, (gsize)n);
    va_start(ap, fmt);
    char *big = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    const char *p = arena_strndup(r, big, strlen(big));
    g_free(big);
    return p;
}

crtk_stage_run *crtk_stage_run_new(const crtk_staging *alg)
{
    crtk_stage_run *r = g_new0(crtk_stage_run, 1);
    r->alg = alg;
    r->nkeys = alg->nkeys;
    r->in_st = g_new0(guint8, r->nkeys);
    r->in_val = g_new0(const char *, r->nkeys);
    r->st = g_new0(guint8, r->nkeys);
    r->val = g_new0(const char *, r->nkeys);
    r->in_keys = g_array_new(FALSE, FALSE, sizeof(int));
    r->unknown = g_ptr_array_new();
    r->unknown_val = g_ptr_array_new();
    r->ctx_keys = g_array_new(FALSE, FALSE, sizeof(int));
    r->ctx_vals = g_ptr_array_new_with_free_func(g_free);
    time_t now = time(NULL);
    struct tm tm;
    g_snprintf(r->year_now, sizeof r->year_now, "%d", localtime_r(&now, &tm) ? tm.tm_year + 1900 : 1970);
    r->arena = g_malloc(sizeof(arena_block) + (1 << 16));
    r->arena->next = NULL;
    r->arena->used = 0;
    r->arena->size = 1 << 16;
    r->cur = r->arena;
    r->cands = g_array_new(FALSE, FALSE, sizeof(int));
    r->errors = g_array_new(FALSE, FALSE, sizeof(crtk_stage_error));
    r->path = g_ptr_array_new();
    r->outs = g_array_new(FALSE, FALSE, sizeof(int));
    r->bits = g_new0(guint64, alg->nwords);
    r->stack = g_new0(int, alg->tables->len + 1);
    r->schema = -1;
    return r;
}

void crtk_stage_run_free(crtk_stage_run *r)
{
    if (!r)
        return;
    g_free(r->in_st);
    g_free(r->in_val);
    g_free(r->st);
    g_free(r->val);
    g_array_free(r->in_keys, TRUE);
    g_ptr_array_free(r->unknown, TRUE);
    g_ptr_array_free(r->unknown_val, TRUE);
    g_array_free(r->ctx_keys, TRUE);
    g_ptr_array_free(r->ctx_vals, TRUE);
    for (arena_block *b = r->arena, *n; b; b = n) {
        n = b->next;
        g_free(b);
    }
    g_array_free(r->cands, TRUE);
    g_array_free(r->errors, TRUE);
    g_ptr_array_free(r->path, TRUE);
    g_array_free(r->outs, TRUE);
    g_free(r->bits);
    g_free(r->stack);
    if (r->path_names)
        g_hash_table_destroy(r->path_names);
    g_free(r);
}

static void clear_results(crtk_stage_run *r)
{
    r->schema = -1;
    r->result = CRTK_STAGE_STAGED;
    g_array_set_size(r->cands, 0);
    g_array_set_size(r->errors, 0);
    g_ptr_array_set_size(r->path, 0);
    g_array_set_size(r->outs, 0);
}

void crtk_stage_run_reset(crtk_stage_run *r)
{
    for (guint i = 0; i < r->in_keys->len; i++)
        r->in_st[g_array_index(r->in_keys, int, i)] = ST_ABSENT;
    g_array_set_size(r->in_keys, 0);
    g_ptr_array_set_size(r->unknown, 0);
    g_ptr_array_set_size(r->unknown_val, 0);
    r->cur = r->arena;
    r->arena->used = 0;
    clear_results(r);
}

void crtk_stage_run_set(crtk_stage_run *r, const char *key, const char *value)
{
    int k = crtk_staging_key_lookup(r->alg, key);
    const char *v = value ? arena_strndup(r, value, strlen(value)) : NULL;
    if (k < 0) {
        for (guint i = 0; i < r->unknown->len; i++)
            if (!strcmp(r->unknown->pdata[i], key)) {
                r->unknown_val->pdata[i] = (gpointer)v;
                return;
            }
        g_ptr_array_add(r->unknown, (gpointer)arena_strndup(r, key, strlen(key)));
        g_ptr_array_add(r->unknown_val, (gpointer)v);
        return;
    }
    if (r->in_st[k] == ST_ABSENT)
        g_array_append_val(r->in_keys, k);
    r->in_st[k] = v ? ST_SET : ST_NULL;
    r->in_val[k] = v;
}

const crtk_staging *crtk_stage_run_algorithm(const crtk_stage_run *r) { return r->alg; }

int crtk_staging_key_id(const crtk_staging *alg, const char *key)
{
    return crtk_staging_key_lookup(alg, key);
}

void crtk_stage_run_set_id(crtk_stage_run *r, int k, const char *value)
{
    if (k < 0 || k >= r->nkeys)
        return;
    if (r->in_st[k] == ST_ABSENT)
        g_array_append_val(r->in_keys, k);
    r->in_st[k] = value ? ST_SET : ST_NULL;
    r->in_val[k] = value;
}

void crtk_stage_run_set_context(crtk_stage_run *r, const char *key, const char *value)
{
    int k = crtk_staging_key_lookup(r->alg, key);
    if (k < 0)
        return;
    for (guint i = 0; i < r->ctx_keys->len; i++)
        if (g_array_index(r->ctx_keys, int, i) == k) {
            g_free(r->ctx_vals->pdata[i]);
            r->ctx_vals->pdata[i] = g_strdup(value);
            return;
        }
    g_array_append_val(r->ctx_keys, k);
    g_ptr_array_add(r->ctx_vals, g_strdup(value));
}

static inline const char *in_get(const crtk_stage_run *r, int k)
{
    return r->in_st[k] == ST_SET ? r->in_val[k] : NULL;
}

guint crtk_stage_run_lookup(crtk_stage_run *r)
{
    const crtk_staging *alg = r->alg;
    g_array_set_size(r->cands, 0);
    const char *site = in_get(r, alg->key_site), *hist = in_get(r, alg->key_hist);
    const guint64 *sb = NULL, *hb = NULL;
    if (site && !(sb = g_hash_table_lookup(alg->valid_sites, site)))
        return 0;
    if (hist && !(hb = g_hash_table_lookup(alg->valid_hists, hist)))
        return 0;
    gboolean disc = FALSE;
    for (guint i = 0; i < r->in_keys->len && !disc; i++) {
        int k = g_array_index(r->in_keys, int, i);
        if (k != alg->key_site && k != alg->key_hist && r->in_st[k] == ST_SET && r->in_val[k][0])
            disc = TRUE;
    }
    for (guint i = 0; i < r->unknown->len && !disc; i++)
        if (r->unknown_val->pdata[i] && ((char *)r->unknown_val->pdata[i])[0])
            disc = TRUE;
    if (disc && (!site || !*site || !hist || !*hist))
        return 0;
    if (!site && !hist)
        return 0;
    for (int w = 0; w < alg->nwords; w++)
        r->bits[w] = alg->all_schemas[w] & (sb ? sb[w] : ~(guint64)0) & (hb ? hb[w] : ~(guint64)0);
    view in = {r->in_val, r->in_st};
    for (int w = 0; w < alg->nwords; w++) {
        guint64 b = r->bits[w];
        while (b) {
            int s = w * 64 + __builtin_ctzll(b);
            b &= b - 1;
            const st_schema *sc = alg->schemas->pdata[s];
            if (find_row(alg->tables->pdata[sc->sel_table], in, r->in_st) >= 0)
                g_array_append_val(r->cands, s);
        }
    }
    return r->cands->len;
}

static void add_error(crtk_stage_run *r, crtk_stage_error_type type, const char *key, const char *table,
                      const char *columns, const char *message)
{
    crtk_stage_error e = {type, key, table, columns, message};
    g_array_append_val(r->errors, e);
}

static inline void ctx_put(crtk_stage_run *r, int k, const char *v)
{
    r->st[k] = v ? ST_SET : ST_NULL;
    r->val[k] = v;
}

static const char *trim(crtk_stage_run *r, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    size_t a = 0, b = n;
    while (a < b && (unsigned char)s[a] <= ' ')
        a++;
    while (b > a && (unsigned char)s[b - 1] <= ' ')
        b--;
    if (a == 0 && b == n)
        return s;
    return arena_strndup(r, s + a, b - a);
}

/* translateValue: a whole-value {{key}} is replaced by the context value ("" when absent). */
static const char *translate(crtk_stage_run *r, const char *v)
{
    if (!v)
        return NULL;
    size_t n = strlen(v);
    if (n >= 4 && !strncmp(v, "{{", 2) && !strcmp(v + n - 2, "}}")) {
        char name[256];
        if (n - 4 >= sizeof name)
            return "";
        memcpy(name, v + 2, n - 4);
        name[n - 4] = 0;
        int k = crtk_staging_key_lookup(r->alg, name);
        if (k < 0 || r->st[k] == ST_ABSENT)
            return "";
        return r->st[k] == ST_SET ? r->val[k] : NULL;
    }
    return v;
}

static const char *table_inputs_string(crtk_stage_run *r, const st_table *t)
{
    GString *s = g_string_new(NULL);
    for (int c = 0; c < t->nin; c++) {
        int k = t->in_keys[c];
        const char *v = r->st[k] == ST_SET ? r->val[k] : NULL;
        if (c)
            g_string_append_c(s, ',');
        const char *tv = v ? trim(r, v) : NULL;
        g_string_append(s, tv && *tv ? tv : "<blank>");
    }
    const char *out = arena_strndup(r, s->str, s->len);
    g_string_free(s, TRUE);
    return out;
}

static const char *key_name(const crtk_stage_run *r, int k)
{
    return r->alg->key_names->pdata[k];
}

/* "mapping.table" for the path, made once per (mapping, table) and kept in the run. */
static const char *path_name(crtk_stage_run *r, const st_mapping *m, int ti)
{
    if (!r->path_names)
        r->path_names = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    gsize key = (gsize)m->index * (r->alg->tables->len + 1) + (gsize)ti + 1;
    gpointer hk = GSIZE_TO_POINTER(key);
    char *name = g_hash_table_lookup(r->path_names, hk);
    if (name)
        return name;
    name = g_strdup_printf("%s.%s", m->id, ((st_table *)r->alg->tables->pdata[ti])->id);
    g_hash_table_insert(r->path_names, hk, name);
    return name;
}

static gboolean process_table(crtk_stage_run *r, const st_mapping *m, int ti, const st_tpath *path)
{
    const crtk_staging *alg = r->alg;
    const st_table *t = alg->tables->pdata[ti];
    gboolean cont = TRUE;
    for (int i = 0; i < r->nstack; i++)
        if (r->stack[i] == ti) {
            const st_table *pt = alg->tables->pdata[path->table];
            add_error(r, CRTK_STAGE_ERR_INFINITE_LOOP, NULL, t->id, NULL,
                      arena_printf(r,
                                   "The processing of '%s' has entered an infinite recursive state.  Table '%s' was "
                                   "accessed multiple times.",
                                   pt->id, t->id));
            return TRUE;
        }
    g_ptr_array_add(r->path, (gpointer)path_name(r, m, ti));
    r->stack[r->nstack++] = ti;
    view ctx = {r->val, r->st};
    int row = find_row(t, ctx, NULL);
    if (row < 0) {
        add_error(r, CRTK_STAGE_ERR_MATCH_NOT_FOUND, NULL, t->id, t->end_columns,
                  arena_printf(r, "Match not found in table '%s' (%s)", t->id, table_inputs_string(r, t)));
    } else {
        const st_endpoint *eps = &t->eps[(gsize)row * t->nend];
        for (int e = 0; e < t->nend; e++) {
            const st_endpoint *ep = &eps[e];
            switch (ep->type) {
            case EP_STOP:
                cont = FALSE;
                break;
            case EP_JUMP:
                cont = process_table(r, m, ep->jump, path);
                break;
            case EP_ERROR: {
                const char *msg = ep->value;
                if (!msg || !*msg)
                    msg = arena_printf(r, "Matching resulted in an error in table '%s' for column '%s' (%s)", t->id,
                                       key_name(r, ep->col_key), table_inputs_string(r, t));
                add_error(r, CRTK_STAGE_ERR_STAGING_ERROR, NULL, t->id, key_name(r, ep->col_key), msg);
                break;
            }
            case EP_VALUE:
            case EP_VALUE_REMOVE: {
                const char *v = NULL;
                gboolean null_v = FALSE;
                if (ep->type == EP_VALUE) {
                    if (ep->value_ref >= 0) {
                        int k = ep->value_ref;
                        v = r->st[k] == ST_SET ? r->val[k] : r->st[k] == ST_NULL ? NULL : "";
                        null_v = r->st[k] == ST_NULL;
                    } else
                        v = ep->value;
                }
                gboolean mapped = FALSE;
                for (int o = 0; o < path->nout; o++)
                    if (path->out[o].from == ep->col_key) {
                        mapped = TRUE;
                        int k = path->out[o].to;
                        if (ep->type == EP_VALUE_REMOVE)
                            r->st[k] = ST_ABSENT;
                        else
                            ctx_put(r, k, null_v ? NULL : v);
                    }
                if (!mapped) {
                    if (ep->type == EP_VALUE_REMOVE)
                        r->st[ep->col_key] = ST_ABSENT;
                    else
                        ctx_put(r, ep->col_key, null_v ? NULL : v);
                }
                break;
            }
            default:
                break;
            }
        }
    }
    r->nstack--;
    return cont;
}

/* Inclusion/exclusion test on the context with the path's input mapping applied temporarily. */
static gboolean path_matches(crtk_stage_run *r, const st_tpath *p)
{
    guint8 sst[32];
    const char *sval[32];
    int n = MIN(p->nin, 32);
    for (int i = 0; i < n; i++) {
        sst[i] = r->st[p->in[i].to];
        sval[i] = r->val[p->in[i].to];
    }
    for (int i = 0; i < n; i++)
        if (r->st[p->in[i].from] != ST_ABSENT) {
            r->st[p->in[i].to] = r->st[p->in[i].from];
            r->val[p->in[i].to] = r->val[p->in[i].from];
        }
    view ctx = {r->val, r->st};
    gboolean m = find_row(r->alg->tables->pdata[p->table], ctx, NULL) >= 0;
    for (int i = n - 1; i >= 0; i--) {
        r->st[p->in[i].to] = sst[i];
        r->val[p->in[i].to] = sval[i];
    }
    return m;
}

static gboolean mapping_involved(crtk_stage_run *r, const st_mapping *m)
{
    for (int i = 0; i < m->nincl; i++)
        if (!path_matches(r, &m->incl[i]))
            return FALSE;
    for (int i = 0; i < m->nexcl; i++)
        if (path_matches(r, &m->excl[i]))
            return FALSE;
    return TRUE;
}

static gboolean input_valid(crtk_stage_run *r, const st_input *in)
{
    if (in->table < 0)
        return TRUE;
    view ctx = {r->val, r->st};
    return find_row(r->alg->tables->pdata[in->table], ctx, NULL) >= 0;
}

crtk_stage_result crtk_stage_run_stage(crtk_stage_run *r)
{
    const crtk_staging *alg = r->alg;
    clear_results(r);
    if (!in_get(r, alg->key_site) || !in_get(r, alg->key_hist))
        return r->result = CRTK_STAGE_FAILED_MISSING_SITE_OR_HISTOLOGY;
    guint n = crtk_stage_run_lookup(r);
    if (n != 1)
        return r->result = n == 0 ? CRTK_STAGE_FAILED_NO_MATCHING_SCHEMA : CRTK_STAGE_FAILED_MULTIPLE_MATCHING_SCHEMAS;
    r->schema = g_array_index(r->cands, int, 0);
    const st_schema *s = alg->schemas->pdata[r->schema];
    for (guint i = 0; i < r->in_keys->len; i++) {
        int k = g_array_index(r->in_keys, int, i);
        if (s->input_of_key[k] < 0)
            add_error(r, CRTK_STAGE_ERR_UNKNOWN_INPUT, key_name(r, k), NULL, NULL,
                      arena_printf(r, "Unknown input key supplied: %s", key_name(r, k)));
    }
    for (guint i = 0; i < r->unknown->len; i++)
        add_error(r, CRTK_STAGE_ERR_UNKNOWN_INPUT, r->unknown->pdata[i], NULL, NULL,
                  arena_printf(r, "Unknown input key supplied: %s", (char *)r->unknown->pdata[i]));
    if (r->errors->len)
        return r->result = CRTK_STAGE_FAILED_INVALID_INPUT;

    /* context = inputs + context keys */
    memset(r->st, ST_ABSENT, (size_t)r->nkeys);
    for (guint i = 0; i < r->in_keys->len; i++) {
        int k = g_array_index(r->in_keys, int, i);
        r->st[k] = r->in_st[k];
        r->val[k] = r->in_val[k];
    }
    ctx_put(r, alg->key_ctx_version, alg->version);
    ctx_put(r, alg->key_ctx_year, r->year_now);
    for (guint i = 0; i < r->ctx_keys->len; i++)
        ctx_put(r, g_array_index(r->ctx_keys, int, i), r->ctx_vals->pdata[i]);

    /* year_dx check (isContextValid: every value trimmed, null as blank) */
    {
        int yi = s->input_of_key[alg->key_year];
        if (yi < 0)
            return r->result = CRTK_STAGE_FAILED_INVALID_YEAR_DX;
        const st_input *yin = &s->inputs[yi];
        if (yin->table >= 0) {
            const st_table *t = alg->tables->pdata[yin->table];
            guint8 sst[16];
            const char *sval[16];
            int nc = MIN(t->nin, 16);
            for (int c = 0; c < nc; c++) {
                int k = t->in_keys[c];
                sst[c] = r->st[k];
                sval[c] = r->val[k];
                if (r->st[k] == ST_SET)
                    r->val[k] = trim(r, r->val[k]);
            }
            gboolean ok = input_valid(r, yin);
            for (int c = nc - 1; c >= 0; c--) {
                r->st[t->in_keys[c]] = sst[c];
                r->val[t->in_keys[c]] = sval[c];
            }
            if (!ok)
                return r->result = CRTK_STAGE_FAILED_INVALID_YEAR_DX;
        }
    }

    /* trim every context value */
    for (guint i = 0; i < r->in_keys->len; i++) {
        int k = g_array_index(r->in_keys, int, i);
        if (r->st[k] == ST_SET)
            r->val[k] = trim(r, r->val[k]);
    }
    for (guint i = 0; i < r->ctx_keys->len; i++) {
        int k = g_array_index(r->ctx_keys, int, i);
        if (r->st[k] == ST_SET)
            r->val[k] = trim(r, r->val[k]);
    }

    /* defaults, then validation */
    gboolean stop = FALSE;
    for (int i = 0; i < s->ninputs; i++) {
        const st_input *in = &s->inputs[i];
        if (r->st[in->key] != ST_SET) {
            const char *d = in->def ? translate(r, in->def) : "";
            ctx_put(r, in->key, d);
        }
    }
    for (int i = 0; i < s->ninputs; i++) {
        const st_input *in = &s->inputs[i];
        if (r->in_st[in->key] != ST_SET || !r->val[in->key] || !r->val[in->key][0] || in->table < 0)
            continue;
        if (!input_valid(r, in)) {
            const st_table *t = alg->tables->pdata[in->table];
            add_error(r, in->used_for_staging ? CRTK_STAGE_ERR_INVALID_REQUIRED_INPUT : CRTK_STAGE_ERR_INVALID_NON_REQUIRED_INPUT,
                      key_name(r, in->key), t->id, NULL,
                      arena_printf(r, "Invalid '%s' value (%s)", key_name(r, in->key), r->val[in->key]));
            if (s->on_invalid == ON_INVALID_FAIL || (in->used_for_staging && s->on_invalid == ON_INVALID_FAIL_STAGING))
                stop = TRUE;
        }
    }
    if (stop)
        return r->result = CRTK_STAGE_FAILED_INVALID_INPUT;

    for (int i = 0; i < s->noutputs; i++) {
        const st_output *o = &s->outputs[i];
        ctx_put(r, o->key, o->def ? translate(r, o->def) : "");
    }
    for (int i = 0; i < s->ninit; i++)
        ctx_put(r, s->init[i].key, translate(r, s->init[i].value));

    for (int mi = 0; mi < s->nmappings; mi++) {
        const st_mapping *m = &s->mappings[mi];
        if (!mapping_involved(r, m))
            continue;
        for (int i = 0; i < m->nincl; i++)
            g_ptr_array_add(r->path, (gpointer)path_name(r, m, m->incl[i].table));
        for (int i = 0; i < m->nexcl; i++)
            g_ptr_array_add(r->path, (gpointer)path_name(r, m, m->excl[i].table));
        for (int i = 0; i < m->ninit; i++)
            ctx_put(r, m->init[i].key, m->init[i].value);
        for (int pi = 0; pi < m->npaths; pi++) {
            const st_tpath *p = &m->paths[pi];
            const st_table *pt = alg->tables->pdata[p->table];
            for (int i = 0; i < p->nin; i++) {
                int from = p->in[i].from;
                if (r->st[from] == ST_ABSENT) {
                    add_error(r, CRTK_STAGE_ERR_UNKNOWN_INPUT_MAPPING, key_name(r, from), pt->id, NULL,
                              arena_printf(r, "Input mapping '%s' does not exist for table '%s'", key_name(r, from),
                                           pt->id));
                    continue;
                }
                r->st[p->in[i].to] = r->st[from];
                r->val[p->in[i].to] = r->val[from];
            }
            r->nstack = 0;
            gboolean cont = process_table(r, m, p->table, p);
            for (int i = 0; i < p->nin; i++)
                r->st[p->in[i].to] = ST_ABSENT;
            if (!cont)
                break;
        }
    }

    /* outputs: only schema outputs survive; validate those with a table */
    for (int i = 0; i < s->noutputs; i++) {
        int oi = s->outputs_sorted[i];
        const st_output *o = &s->outputs[oi];
        if (r->st[o->key] == ST_ABSENT)
            continue;
        g_array_append_val(r->outs, oi);
    }
    for (guint i = 0; i < r->outs->len; i++) {
        const st_output *o = &s->outputs[g_array_index(r->outs, int, i)];
        if (o->table < 0)
            continue;
        view ctx = {r->val, r->st};
        const st_table *t = alg->tables->pdata[o->table];
        if (find_row(t, ctx, NULL) < 0) {
            const char *v = r->st[o->key] == ST_SET ? r->val[o->key] : NULL;
            add_error(r, CRTK_STAGE_ERR_INVALID_OUTPUT, key_name(r, o->key), t->id, NULL,
                      arena_printf(r, "Invalid '%s' value (%s)", key_name(r, o->key), v && *v ? v : "<blank>"));
        }
    }
    return r->result = CRTK_STAGE_STAGED;
}

/* ---------- accessors ---------- */

int crtk_stage_run_schema(const crtk_stage_run *r) { return r->schema; }
guint crtk_stage_run_candidate_count(const crtk_stage_run *r) { return r->cands->len; }
int crtk_stage_run_candidate(const crtk_stage_run *r, guint i) { return g_array_index(r->cands, int, i); }
guint crtk_stage_run_output_count(const crtk_stage_run *r) { return r->outs->len; }
guint crtk_stage_run_error_count(const crtk_stage_run *r) { return r->errors->len; }
const crtk_stage_error *crtk_stage_run_error(const crtk_stage_run *r, guint i)
{
    return &g_array_index(r->errors, crtk_stage_error, i);
}
guint crtk_stage_run_path_count(const crtk_stage_run *r) { return r->path->len; }
const char *crtk_stage_run_path(const crtk_stage_run *r, guint i) { return r->path->pdata[i]; }

const char *crtk_stage_run_output(const crtk_stage_run *r, guint i, const char **value)
{
    const st_schema *s = r->alg->schemas->pdata[r->schema];
    const st_output *o = &s->outputs[g_array_index(r->outs, int, i)];
    if (value)
        *value = r->st[o->key] == ST_SET ? r->val[o->key] : NULL;
    return key_name(r, o->key);
}

gboolean crtk_stage_run_get_output(const crtk_stage_run *r, const char *key, const char **value)
{
    for (guint i = 0; i < r->outs->len; i++) {
        const char *v;
        if (!strcmp(crtk_stage_run_output(r, i, &v), key)) {
            if (value)
                *value = v;
            return TRUE;
        }
    }
    return FALSE;
}

const char *crtk_stage_result_name(crtk_stage_result res)
{
    static const char *names[] = {"STAGED",
                                  "FAILED_MISSING_SITE_OR_HISTOLOGY",
                                  "FAILED_NO_MATCHING_SCHEMA",
                                  "FAILED_MULITPLE_MATCHING_SCHEMAS",
                                  "FAILED_INVALID_YEAR_DX",
                                  "FAILED_INVALID_INPUT"};
    return (unsigned)res < G_N_ELEMENTS(names) ? names[res] : "?";
}

const char *crtk_stage_error_type_name(crtk_stage_error_type t)
{
    static const char *names[] = {"UNKNOWN_INPUT", "INVALID_REQUIRED_INPUT", "INVALID_NON_REQUIRED_INPUT",
                                  "INVALID_OUTPUT", "MATCH_NOT_FOUND", "STAGING_ERROR",
                                  "UNKNOWN_INPUT_MAPPING", "INFINITE_LOOP"};
    return (unsigned)t < G_N_ELEMENTS(names) ? names[t] : "?";
}

const char *crtk_staging_algorithm(const crtk_staging *alg) { return alg->algorithm; }
const char *crtk_staging_version(const crtk_staging *alg) { return alg->version; }
guint crtk_staging_schema_count(const crtk_staging *alg) { return alg->schemas->len; }
const char *crtk_staging_schema_id(const crtk_staging *alg, guint i)
{
    return ((st_schema *)alg->schemas->pdata[i])->id;
}

int crtk_staging_find_schema(const crtk_staging *alg, const char *id)
{
    guint lo = 0, hi = alg->schemas->len;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        int c = strcmp(((st_schema *)alg->schemas->pdata[mid])->id, id);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const char *crtk_staging_key_naaccr_id(const crtk_staging *alg, const char *key)
{
    return g_hash_table_lookup(alg->naaccr_of_key, key);
}

const GPtrArray *crtk_staging_naaccr_keys(const crtk_staging *alg) { return alg->naaccr_keys; }

gboolean crtk_staging_code_valid(const crtk_staging *alg, const char *schema_id, const char *key, const char *value,
                                 int year_current)
{
    int si = crtk_staging_find_schema(alg, schema_id);
    int k = crtk_staging_key_lookup(alg, key);
    if (si < 0 || k < 0)
        return FALSE;
    const st_schema *s = alg->schemas->pdata[si];
    int ii = s->input_of_key[k];
    if (ii < 0)
        return FALSE;
    if (s->inputs[ii].table < 0)
        return TRUE;
    /* No run is made: the schema edits ask this for every site-specific item of every tumor, and a
     * run allocates per key.  The validation table sees the value, the version and the year only. */
    enum { ON_STACK = 4096 };
    guint8 st_stack[ON_STACK];
    const char *val_stack[ON_STACK];
    gboolean heap = alg->nkeys > ON_STACK;
    guint8 *st = heap ? g_new(guint8, alg->nkeys) : st_stack;
    const char **val = heap ? g_new(const char *, alg->nkeys) : val_stack;
    memset(st, ST_ABSENT, (size_t)alg->nkeys);
    char year[16];
    if (!year_current) {
        time_t now = time(NULL);
        struct tm tm;
        year_current = localtime_r(&now, &tm) ? tm.tm_year + 1900 : 1970;
    }
    if (year_current >= 1000 && year_current <= 9999) { /* the usual case, without printf's cost */
        for (int i = 3, y = year_current; i >= 0; i--, y /= 10)
            year[i] = (char)('0' + y % 10);
        year[4] = 0;
    } else
        g_snprintf(year, sizeof year, "%d", year_current);
    const char *v = value ? value : "";
    size_t a = 0, b = strlen(v);
    while (a < b && (unsigned char)v[a] <= ' ')
        a++;
    while (b > a && (unsigned char)v[b - 1] <= ' ')
        b--;
    char *trimmed = g_strndup(v + a, b - a);
    st[alg->key_ctx_version] = ST_SET, val[alg->key_ctx_version] = alg->version;
    st[alg->key_ctx_year] = ST_SET, val[alg->key_ctx_year] = year;
    st[k] = ST_SET, val[k] = trimmed;
    view ctx = {val, st};
    gboolean ok = find_row(alg->tables->pdata[s->inputs[ii].table], ctx, NULL) >= 0;
    g_free(trimmed);
    if (heap) {
        g_free(st);
        g_free(val);
    }
    return ok;
}

/* ---------- metadata and single-table queries (upstream Staging helpers) ---------- */

static gboolean valid_value(const crtk_staging *alg, GHashTable *h, const char *v)
{
    (void)alg;
    return v && g_hash_table_contains(h, v);
}

gboolean crtk_staging_valid_site(const crtk_staging *alg, const char *site)
{
    return valid_value(alg, alg->valid_sites, site);
}

gboolean crtk_staging_valid_hist(const crtk_staging *alg, const char *hist)
{
    return valid_value(alg, alg->valid_hists, hist);
}

gboolean crtk_staging_table_exists(const crtk_staging *alg, const char *table_id)
{
    return table_by_id(alg, table_id) != NULL;
}

const char *crtk_staging_schema_name(const crtk_staging *alg, guint i)
{
    return ((st_schema *)alg->schemas->pdata[i])->name;
}

int crtk_staging_schema_num(const crtk_staging *alg, guint i)
{
    return ((st_schema *)alg->schemas->pdata[i])->schema_num;
}

int crtk_staging_input_used_for_staging(const crtk_staging *alg, const char *schema_id, const char *key)
{
    int si = crtk_staging_find_schema(alg, schema_id), k = crtk_staging_key_lookup(alg, key);
    if (si < 0 || k < 0)
        return -1;
    const st_schema *s = alg->schemas->pdata[si];
    return s->input_of_key[k] < 0 ? -1 : s->inputs[s->input_of_key[k]].used_for_staging;
}

/* A scratch run whose context holds KV (key, value pairs; value NULL = null), trimmed when TRIM. */
static crtk_stage_run *scratch(const crtk_staging *alg, const char *const *kv, gboolean ctx_keys, gboolean trim_null)
{
    crtk_stage_run *r = crtk_stage_run_new(alg);
    memset(r->st, ST_ABSENT, (size_t)r->nkeys);
    for (int i = 0; kv && kv[i]; i += 2) {
        int k = crtk_staging_key_lookup(alg, kv[i]);
        if (k < 0)
            continue;
        const char *v = kv[i + 1];
        if (trim_null)
            v = v ? trim(r, v) : "";
        ctx_put(r, k, v);
    }
    if (ctx_keys) {
        ctx_put(r, alg->key_ctx_version, alg->version);
        ctx_put(r, alg->key_ctx_year, r->year_now);
    }
    return r;
}

int crtk_staging_table_row(const crtk_staging *alg, const char *table_id, const char *const *kv)
{
    const st_table *t = table_by_id(alg, table_id);
    if (!t)
        return -2;
    crtk_stage_run *r = scratch(alg, kv, TRUE, FALSE);
    view ctx = {r->val, r->st};
    int row = find_row(t, ctx, NULL);
    crtk_stage_run_free(r);
    return row;
}

guint8 *crtk_staging_mappings_involved(const crtk_staging *alg, const st_schema *s, const char *const *kv)
{
    crtk_stage_run *r = scratch(alg, kv, FALSE, FALSE);
    guint8 *involved = g_new0(guint8, s->nmappings + 1);
    for (int m = 0; m < s->nmappings; m++)
        involved[m] = mapping_involved(r, &s->mappings[m]);
    crtk_stage_run_free(r);
    return involved;
}

gboolean crtk_staging_context_valid(const crtk_staging *alg, const char *schema_id, const char *key,
                                    const char *const *kv)
{
    int si = crtk_staging_find_schema(alg, schema_id), k = crtk_staging_key_lookup(alg, key);
    if (si < 0 || k < 0 || !kv || !kv[0])
        return FALSE;
    const st_schema *s = alg->schemas->pdata[si];
    if (s->input_of_key[k] < 0)
        return FALSE;
    crtk_stage_run *r = scratch(alg, kv, FALSE, TRUE);
    gboolean ok = input_valid(r, &s->inputs[s->input_of_key[k]]);
    crtk_stage_run_free(r);
    return ok;
}

gboolean crtk_stage_run_set_keys(crtk_stage_run *r, const char *line, gsize len, GError **error)
{
    gsize i = 0;
    while (i < len) {
        gsize end = i;
        while (end < len && line[end] != ';')
            end++;
        gsize eq = i;
        while (eq < end && line[eq] != '=')
            eq++;
        if (eq == end || eq == i || memchr(line + i, 0, end - i)) {
            g_set_error(error, g_quark_from_static_string("crtk-staging"), 1, "column %" G_GSIZE_FORMAT ": '%.*s' is not key=value",
                        i + 1, (int)MIN(end - i, 60), line + i);
            return FALSE;
        }
        char key[256];
        if (eq - i >= sizeof key) {
            g_set_error(error, g_quark_from_static_string("crtk-staging"), 1, "column %" G_GSIZE_FORMAT ": key too long", i + 1);
            return FALSE;
        }
        memcpy(key, line + i, eq - i);
        key[eq - i] = 0;
        gsize vlen = end - eq - 1;
        if (vlen == 6 && !memcmp(line + eq + 1, "<null>", 6))
            crtk_stage_run_set(r, key, NULL);
        else {
            const char *v = arena_strndup(r, line + eq + 1, vlen);
            int k = crtk_staging_key_lookup(r->alg, key);
            if (k >= 0)
                crtk_stage_run_set_id(r, k, v);
            else
                crtk_stage_run_set(r, key, v);
        }
        i = end + 1;
    }
    return TRUE;
}
