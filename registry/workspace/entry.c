/* entry.c — typed dates and search boxes made into store values and queries (see include/crtk/entry.h). */
#include "crtk/entry.h"
#include "problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gboolean all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isdigit(s[i]))
            return FALSE;
    return n > 0;
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

/* Splits on sep into at most 3 digit groups. */
static int groups(const char *t, char sep, char out[3][8])
{
    int n = 0;
    const char *p = t;
    while (n < 3) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || len > 4 || !all_digits(p, len))
            return -1;
        memcpy(out[n], p, len);
        out[n][len] = 0;
        n++;
        if (!e)
            return n;
        p = e + 1;
    }
    return -1;
}

char *crtk_entry_date(const char *text, GError **error)
{
    char *t = g_strstrip(g_strdup(text ? text : ""));
    int y = 0, m = 0, d = 0;
    char g[3][8];
    int n;
    size_t len = strlen(t);
    gboolean ok = TRUE;
    if (len == 0)
        return t;
    if (all_digits(t, len) && (len == 4 || len == 6 || len == 8)) {
        y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
        if (len >= 6)
            m = (t[4] - '0') * 10 + (t[5] - '0');
        if (len == 8)
            d = (t[6] - '0') * 10 + (t[7] - '0');
    } else if (strchr(t, '/') && (n = groups(t, '/', g)) >= 2) {
        /* MM/DD/YYYY or MM/YYYY */
        m = atoi(g[0]);
        if (n == 3 && strlen(g[2]) == 4)
            d = atoi(g[1]), y = atoi(g[2]);
        else if (n == 2 && strlen(g[1]) == 4)
            y = atoi(g[1]);
        else
            ok = FALSE;
        if (ok && (strlen(g[0]) > 2 || (n == 3 && strlen(g[1]) > 2)))
            ok = FALSE;
    } else if (strchr(t, '-') && (n = groups(t, '-', g)) >= 2 && strlen(g[0]) == 4) {
        y = atoi(g[0]);
        m = atoi(g[1]);
        if (n == 3)
            d = atoi(g[2]);
        if (strlen(g[1]) > 2 || (n == 3 && strlen(g[2]) > 2))
            ok = FALSE;
    } else {
        ok = FALSE;
    }
    if (ok && (y < 1800 || y > 2999))
        ok = FALSE;
    if (ok && (len != 4 || m) && (m < 1 || m > 12))
        ok = FALSE;
    if (ok && d && (d < 1 || d > days_in(y, m)))
        ok = FALSE;
    /* a full date needs a day */
    if (ok && ((strchr(t, '/') && groups(t, '/', g) == 3) || (strchr(t, '-') && groups(t, '-', g) == 3) || len == 8) &&
        d == 0)
        ok = FALSE;
    if (!ok) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                    "'%s' is not a date: type MM/DD/YYYY or YYYY-MM-DD (a real calendar day), MM/YYYY or YYYY", t);
        g_free(t);
        return NULL;
    }
    g_free(t);
    if (d)
        return g_strdup_printf("%04d%02d%02d", y, m, d);
    if (m)
        return g_strdup_printf("%04d%02d", y, m);
    return g_strdup_printf("%04d", y);
}

gboolean crtk_entry_patient_query(const char *text, crtk_patient_query *q, char ***storage)
{
    memset(q, 0, sizeof *q);
    *storage = NULL;
    char *t = g_strstrip(g_strdup(text ? text : ""));
    if (!*t) {
        g_free(t);
        return FALSE;
    }
    GPtrArray *keep = g_ptr_array_new();
    gboolean digit = FALSE;
    for (const char *c = t; *c; c++)
        digit |= g_ascii_isdigit(*c);
    if (!digit) {
        /* "last, first" or "last first" */
        char *comma = strchr(t, ',');
        char *first = NULL;
        if (comma) {
            *comma = 0;
            first = g_strstrip(comma + 1);
        } else if (strchr(t, ' ')) {
            char *sp = strrchr(t, ' ');
            *sp = 0;
            first = g_strstrip(sp + 1);
        }
        char *last = g_strdup(g_strstrip(t));
        g_ptr_array_add(keep, last);
        q->name_last = last;
        if (first && *first) {
            char *f = g_strdup(first);
            g_ptr_array_add(keep, f);
            q->name_first = f;
        }
    } else {
        char *code = g_strdup(t);
        g_ptr_array_add(keep, code);
        q->code = code;
        size_t n = strlen(t);
        if (n == 4 && all_digits(t, 4))
            q->ssn_last4 = code;
        char *bare = g_strdup(t);
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (t[i] != '-' && t[i] != ' ')
                bare[k++] = t[i];
        bare[k] = 0;
        g_ptr_array_add(keep, bare);
        if (k == 9 && all_digits(bare, 9) && (n == 9 || n == 11))
            q->ssn = bare;
        if (strchr(t, '/') || strchr(t, '-') || (n == 8 && all_digits(t, 8))) {
            char *d = crtk_entry_date(t, NULL);
            if (d && strlen(d) == 8) {
                g_ptr_array_add(keep, d);
                q->birth_date = d;
            } else {
                g_free(d);
            }
        }
    }
    g_ptr_array_add(keep, NULL);
    *storage = (char **)g_ptr_array_free(keep, FALSE);
    g_free(t);
    return TRUE;
}
