/* store_aggregate.c — queries keyed by naaccrIds: counts grouped by items and scans of items over a
 * selection of tumors, for reports, follow-up and QA summaries.  The only place their SQL is
 * written; see crtk_store_query in include/crtk/store.h. */
#include "store_private.h"

#include <stdlib.h>
#include <string.h>

/* Appends the SQL expression of one item spec; FALSE with error when the spec is malformed. */
static gboolean append_spec(crtk_store *s, GString *sql, const char *spec, GError **error)
{
    const char *colon = strchr(spec, ':');
    int prefix = 0;
    size_t idlen = colon ? (size_t)(colon - spec) : strlen(spec);
    if (colon) {
        char *end;
        long n = strtol(colon + 1, &end, 10);
        if (*end || n < 1 || n > 1000) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "item spec \"%s\": after ':' give a length 1-1000", spec);
            return FALSE;
        }
        prefix = (int)n;
    }
    char *ids = g_strndup(spec, idlen);
    char **alts = g_strsplit(ids, "|", -1);
    g_free(ids);
    GString *e = g_string_new(NULL);
    int n = 0;
    for (char **a = alts; *a; a++) {
        if (!**a) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "item spec \"%s\": an empty naaccrId", spec);
            g_strfreev(alts);
            g_string_free(e, TRUE);
            return FALSE;
        }
        const crtk_item *it = crtk_dictionary_find(s->dict, *a);
        if (!it)
            continue; /* not in this store's NAACCR version */
        g_string_append_printf(e, "%s%s.\"%s\"", n++ ? ", " : "", crtk_store_item_in_tumor_table(it) ? "t" : "p", it->id);
    }
    g_strfreev(alts);
    const char *expr = e->str;
    char *wrapped = NULL;
    if (n == 0)
        expr = "NULL";
    else if (n > 1)
        expr = wrapped = g_strdup_printf("coalesce(%s)", e->str);
    if (prefix)
        g_string_append_printf(sql, "substr(%s, 1, %d)", expr, prefix);
    else
        g_string_append(sql, expr);
    g_free(wrapped);
    g_string_free(e, TRUE);
    return TRUE;
}

/* FROM ... WHERE ... for the query (the user's where stays a read-only condition: crtk_store_select
 * checks the statement). */
static gboolean append_from_where(crtk_store *s, GString *sql, const crtk_store_query *q, GError **error)
{
    g_string_append(sql, " FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE (");
    g_string_append(sql, q && q->where && *q->where ? q->where : "1");
    g_string_append_c(sql, ')');
    if (q && q->year_item && (q->year_from > 0 || q->year_to > 0)) {
        g_string_append(sql, " AND ");
        char *spec = g_strdup_printf("%s:4", q->year_item);
        gboolean ok = append_spec(s, sql, spec, error);
        g_free(spec);
        if (!ok)
            return FALSE;
        g_string_append_printf(sql, " BETWEEN '%04d' AND '%04d'", q->year_from > 0 ? q->year_from : 0,
                               q->year_to > 0 ? q->year_to : 9999);
    }
    if (q && q->patient_from > 0)
        g_string_append_printf(sql, " AND p.id >= %" G_GINT64_FORMAT, q->patient_from);
    if (q && q->tumor_rows) {
        g_string_append(sql, " AND t.id IN (");
        for (guint i = 0; i < q->tumor_rows->len; i++)
            g_string_append_printf(sql, "%s%" G_GINT64_FORMAT, i ? "," : "", g_array_index(q->tumor_rows, gint64, i));
        g_string_append(sql, q->tumor_rows->len ? ")" : "NULL)");
    }
    if (q && q->patient_to > 0)
        g_string_append_printf(sql, " AND p.id <= %" G_GINT64_FORMAT, q->patient_to);
    return TRUE;
}

gboolean crtk_store_aggregate(crtk_store *s, const crtk_store_query *q, const char *const *specs, int n_specs,
                              crtk_store_row_fn fn, void *user, GError **error)
{
    GString *sql = g_string_new("SELECT ");
    gboolean ok = TRUE;
    for (int i = 0; i < n_specs && ok; i++) {
        if (i)
            g_string_append(sql, ", ");
        ok = append_spec(s, sql, specs[i], error);
    }
    g_string_append(sql, n_specs ? ", count(*)" : "count(*)");
    ok = ok && append_from_where(s, sql, q, error);
    if (ok && n_specs) {
        g_string_append(sql, " GROUP BY ");
        for (int i = 0; i < n_specs; i++)
            g_string_append_printf(sql, "%s%d", i ? ", " : "", i + 1);
    }
    ok = ok && crtk_store_select(s, sql->str, NULL, 0, fn, user, error);
    g_string_free(sql, TRUE);
    return ok;
}

/* A long list of tumor rows is not spelt into the SQL (an IN list of hundreds of thousands of
 * numbers costs the parser memory and time that grow with it): the scan reads the query without it
 * and keeps the rows whose tumor id is in the sorted list. */
#define SCAN_IN_LIST_MAX 5000

typedef struct {
    const gint64 *ids;
    guint n;
    crtk_store_row_fn fn;
    void *user;
} rows_filter;

static int cmp_id(const void *a, const void *b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
    return x < y ? -1 : x > y;
}

static int filter_row(int ncols, const char *const *v, const char *const *names, void *user)
{
    rows_filter *f = user;
    gint64 id = g_ascii_strtoll(v[1], NULL, 10);
    if (!bsearch(&id, f->ids, f->n, sizeof id, cmp_id))
        return CRTK_CONTINUE;
    return f->fn(ncols, v, names, f->user);
}

gboolean crtk_store_scan_items(crtk_store *s, const crtk_store_query *q, const char *const *specs, int n_specs,
                               crtk_store_row_fn fn, void *user, GError **error)
{
    if (q && q->tumor_rows && q->tumor_rows->len > SCAN_IN_LIST_MAX) {
        GArray *ids = g_array_sized_new(FALSE, FALSE, sizeof(gint64), q->tumor_rows->len);
        g_array_append_vals(ids, q->tumor_rows->data, q->tumor_rows->len);
        g_array_sort(ids, cmp_id);
        rows_filter f = {(const gint64 *)(const void *)ids->data, ids->len, fn, user};
        crtk_store_query all = *q;
        all.tumor_rows = NULL;
        gboolean ok = crtk_store_scan_items(s, &all, specs, n_specs, filter_row, &f, error);
        g_array_free(ids, TRUE);
        return ok;
    }
    GString *sql = g_string_new("SELECT p.id, t.id");
    gboolean ok = TRUE;
    for (int i = 0; i < n_specs && ok; i++) {
        g_string_append(sql, ", ");
        ok = append_spec(s, sql, specs[i], error);
    }
    ok = ok && append_from_where(s, sql, q, error);
    g_string_append(sql, " ORDER BY p.id, t.id");
    ok = ok && crtk_store_select(s, sql->str, NULL, 0, fn, user, error);
    g_string_free(sql, TRUE);
    return ok;
}

static int count_row(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    gint64 *c = user;
    c[0] = v[0] ? g_ascii_strtoll(v[0], NULL, 10) : 0;
    c[1] = v[1] ? g_ascii_strtoll(v[1], NULL, 10) : 0;
    return CRTK_ABORT;
}

gboolean crtk_store_query_count(crtk_store *s, const crtk_store_query *q, gint64 *patients, gint64 *tumors,
                                GError **error)
{
    GString *sql = g_string_new("SELECT count(DISTINCT p.id), count(*)");
    gint64 c[2] = {0, 0};
    gboolean ok = append_from_where(s, sql, q, error) && crtk_store_select(s, sql->str, NULL, 0, count_row, c, error);
    g_string_free(sql, TRUE);
    if (patients)
        *patients = c[0];
    if (tumors)
        *tumors = c[1];
    return ok;
}

gboolean crtk_store_patient_range(crtk_store *s, gint64 *first, gint64 *last, GError **error)
{
    gint64 c[2] = {0, 0};
    gboolean ok = crtk_store_select(s, "SELECT min(id), max(id) FROM patient", NULL, 0, count_row, c, error);
    *first = c[0];
    *last = c[1];
    return ok;
}
