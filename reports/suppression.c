/* suppression.c — small-cell suppression of the reports' tables (see excel_common.h): counts
 * from 1 to below the threshold are hidden ("<N"), then complementary cells ("x") until no hidden
 * count can be worked out from the row and column totals (crtk_supp_derivable checks that by
 * solving the table's sums), and the cells, shares and note are written to a sheet.
 */
#include "excel_common.h"
#include "excel_reports.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct crtk_supp {
    int nrows, ncols;
    long *v;
    unsigned char *state;
    GArray *sums;  /* int: total index, n, member indexes ... */
};

crtk_supp *crtk_supp_new(int nrows, int ncols)
{
    crtk_supp *s = g_new0(crtk_supp, 1);
    s->nrows = nrows;
    s->ncols = ncols;
    s->v = g_new0(long, (gsize)(nrows * ncols > 0 ? nrows * ncols : 1));
    s->state = g_new0(unsigned char, (gsize)(nrows * ncols > 0 ? nrows * ncols : 1));
    s->sums = g_array_new(FALSE, FALSE, sizeof(int));
    return s;
}

void crtk_supp_free(crtk_supp *s)
{
    if (!s)
        return;
    g_free(s->v);
    g_free(s->state);
    g_array_free(s->sums, TRUE);
    g_free(s);
}

void crtk_supp_set(crtk_supp *s, int row, int col, long n)
{
    s->v[row * s->ncols + col] = n;
}

long crtk_supp_get(const crtk_supp *s, int row, int col)
{
    return s->v[row * s->ncols + col];
}

void crtk_supp_sum(crtk_supp *s, int trow, int tcol, const int *rows, const int *cols, int n)
{
    int t = trow * s->ncols + tcol;
    g_array_append_val(s->sums, t);
    g_array_append_val(s->sums, n);
    for (int k = 0; k < n; k++) {
        int m = rows[k] * s->ncols + cols[k];
        g_array_append_val(s->sums, m);
    }
}

void crtk_supp_row_sums(crtk_supp *s, int tcol, int c0, int c1)
{
    int n = c1 - c0 + 1;
    int *rows = g_new(int, n), *cols = g_new(int, n);
    for (int r = 0; r < s->nrows; r++) {
        for (int k = 0; k < n; k++) {
            rows[k] = r;
            cols[k] = c0 + k;
        }
        crtk_supp_sum(s, r, tcol, rows, cols, n);
    }
    g_free(rows);
    g_free(cols);
}

void crtk_supp_col_sums(crtk_supp *s, int trow, int r0, int r1, int c0, int c1)
{
    int n = r1 - r0 + 1;
    if (n <= 0)
        return;
    int *rows = g_new(int, n), *cols = g_new(int, n);
    for (int c = c0; c <= c1; c++) {
        for (int k = 0; k < n; k++) {
            rows[k] = r0 + k;
            cols[k] = c;
        }
        crtk_supp_sum(s, trow, c, rows, cols, n);
    }
    g_free(rows);
    g_free(cols);
}

crtk_supp_state crtk_supp_state_of(const crtk_supp *s, int row, int col)
{
    return (crtk_supp_state)s->state[row * s->ncols + col];
}

int crtk_supp_count(const crtk_supp *s, crtk_supp_state st)
{
    int n = 0;
    for (int i = 0; i < s->nrows * s->ncols; i++)
        n += s->state[i] == st;
    return n;
}

/* Each published sum as an equation over the hidden cells: sum of hidden members minus the
 * hidden total = a known number.  A hidden cell can be worked out exactly when its unit vector
 * lies in the row space of those equations: after reduction to row echelon form, its column
 * is a pivot whose row has no other entry. */
gboolean crtk_supp_derivable(const crtk_supp *s, int *cell)
{
    int ncell = s->nrows * s->ncols;
    int *var = g_new(int, (gsize)(ncell > 0 ? ncell : 1));
    int nv = 0;
    for (int i = 0; i < ncell; i++)
        var[i] = s->state[i] ? nv++ : -1;
    if (nv == 0) {
        g_free(var);
        return FALSE;
    }
    GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);
    const int *a = (const int *)(void *)s->sums->data;
    for (guint p = 0; p < s->sums->len;) {
        int t = a[p], n = a[p + 1];
        double *eq = g_new0(double, (gsize)nv);
        gboolean any = FALSE;
        if (var[t] >= 0) {
            eq[var[t]] -= 1;
            any = TRUE;
        }
        for (int k = 0; k < n; k++) {
            int m = a[p + 2 + k];
            if (var[m] >= 0) {
                eq[var[m]] += 1;
                any = TRUE;
            }
        }
        p += 2 + (guint)n;
        if (any)
            g_ptr_array_add(rows, eq);
        else
            g_free(eq);
    }
    /* reduced row echelon form */
    int *pivot_row = g_new(int, (gsize)nv);
    for (int j = 0; j < nv; j++)
        pivot_row[j] = -1;
    guint r = 0;
    for (int j = 0; j < nv && r < rows->len; j++) {
        guint best = r;
        for (guint i = r; i < rows->len; i++)
            if (fabs(((double *)rows->pdata[i])[j]) > fabs(((double *)rows->pdata[best])[j]))
                best = i;
        double *pr = rows->pdata[best];
        if (fabs(pr[j]) < 1e-9)
            continue;
        rows->pdata[best] = rows->pdata[r];
        rows->pdata[r] = pr;
        double d = pr[j];
        for (int k = 0; k < nv; k++)
            pr[k] /= d;
        for (guint i = 0; i < rows->len; i++) {
            if (i == r)
                continue;
            double *q = rows->pdata[i];
            double f = q[j];
            if (fabs(f) < 1e-12)
                continue;
            for (int k = 0; k < nv; k++)
                q[k] -= f * pr[k];
        }
        pivot_row[j] = (int)r;
        r++;
    }
    gboolean found = FALSE;
    for (int i = 0; i < ncell && !found; i++) {
        if (var[i] < 0 || pivot_row[var[i]] < 0)
            continue;
        const double *q = rows->pdata[pivot_row[var[i]]];
        gboolean alone = TRUE;
        for (int k = 0; k < nv && alone; k++)
            if (k != var[i] && fabs(q[k]) > 1e-9)
                alone = FALSE;
        if (alone) {
            found = TRUE;
            if (cell)
                *cell = i;
        }
    }
    g_free(pivot_row);
    g_ptr_array_free(rows, TRUE);
    g_free(var);
    return found;
}

/* Hides one more cell of a sum containing cell i: the smallest positive shown member (a
 * total only when no member is left; a zero only when nothing positive is).  FALSE if none. */
static gboolean hide_partner(crtk_supp *s, int i, int only)
{
    const int *a = (const int *)(void *)s->sums->data;
    int best = -1, best_rank = 0;
    long best_v = 0;
    for (guint p = 0; p < s->sums->len;) {
        int t = a[p], n = a[p + 1];
        gboolean has = (only < 0 || (int)p == only) && t == i;
        for (int k = 0; k < n && !has && (only < 0 || (int)p == only); k++)
            has = a[p + 2 + k] == i;
        if (has) {
            for (int k = -1; k < n; k++) {
                int m = k < 0 ? t : a[p + 2 + k];
                if (m == i || s->state[m])
                    continue;
                long v = s->v[m];
                int rank = (v > 0 ? 0 : 2) + (k < 0 ? 1 : 0); /* positive member < positive total < zero */
                if (best < 0 || rank < best_rank || (rank == best_rank && v < best_v)) {
                    best = m;
                    best_rank = rank;
                    best_v = v;
                }
            }
        }
        p += 2 + (guint)n;
    }
    if (best < 0)
        return FALSE;
    s->state[best] = CRTK_SUPP_COMPLEMENT;
    return TRUE;
}

void crtk_supp_run(crtk_supp *s, int below)
{
    int ncell = s->nrows * s->ncols;
    memset(s->state, 0, (gsize)(ncell > 0 ? ncell : 1));
    if (below <= 1)
        return;
    for (int i = 0; i < ncell; i++)
        if (s->v[i] > 0 && s->v[i] < below)
            s->state[i] = CRTK_SUPP_PRIMARY;
    /* first the quick rule: no sum may have exactly one hidden cell */
    const int *a = (const int *)(void *)s->sums->data;
    gboolean changed = TRUE;
    while (changed) {
        changed = FALSE;
        for (guint p = 0; p < s->sums->len;) {
            int t = a[p], n = a[p + 1];
            int hidden = s->state[t] ? 1 : 0, which = t;
            for (int k = 0; k < n; k++)
                if (s->state[a[p + 2 + k]]) {
                    hidden++;
                    which = a[p + 2 + k];
                }
            if (hidden == 1 && hide_partner(s, which, (int)p))
                changed = TRUE;
            p += 2 + (guint)n;
        }
    }
    /* then the exact check over all sums together */
    int cell;
    int guard = ncell + 1;
    while (guard-- > 0 && crtk_supp_derivable(s, &cell))
        if (!hide_partner(s, cell, -1))
            break;
}

gboolean crtk_report_supp_count(crtk_report *r, lxw_worksheet *ws, int y, int x, const crtk_supp *s, int row, int col,
                                 lxw_format *f)
{
    crtk_supp_state st = crtk_supp_state_of(s, row, col);
    if (st == CRTK_SUPP_SHOWN) {
        worksheet_write_number(ws, (lxw_row_t)y, (lxw_col_t)x, (double)crtk_supp_get(s, row, col), f ? f : r->f_count);
        return TRUE;
    }
    char buf[32];
    if (st == CRTK_SUPP_PRIMARY)
        g_snprintf(buf, sizeof buf, "<%d", r->opt->suppress_below);
    else
        g_strlcpy(buf, "x", sizeof buf);
    worksheet_write_string(ws, (lxw_row_t)y, (lxw_col_t)x, buf, r->f_text_right);
    return FALSE;
}

void crtk_report_supp_pct(crtk_report *r, lxw_worksheet *ws, int y, int x, long n, gboolean n_shown, long d,
                          gboolean d_shown, lxw_format *f)
{
    if (d <= 0) {
        worksheet_write_blank(ws, (lxw_row_t)y, (lxw_col_t)x, f ? f : r->f_pct);
        return;
    }
    if (!n_shown || !d_shown) {
        worksheet_write_string(ws, (lxw_row_t)y, (lxw_col_t)x, "*", r->f_text_right);
        return;
    }
    worksheet_write_number(ws, (lxw_row_t)y, (lxw_col_t)x, (double)n / (double)d, f ? f : r->f_pct);
}

void crtk_report_supp_note(crtk_report *r, lxw_worksheet *ws, int y, const crtk_supp *s)
{
    int p = crtk_supp_count(s, CRTK_SUPP_PRIMARY), c = crtk_supp_count(s, CRTK_SUPP_COMPLEMENT);
    if (p + c == 0)
        return;
    char *line = g_strdup_printf(
        "Suppressed: %d count%s from 1 to %d (\"<%d\"), to protect the people counted; and %d further count%s "
        "(\"x\") so that none of them can be worked out from the row and column totals. Shares built on a "
        "suppressed count are not shown (\"*\"); charts leave suppressed values out.",
        p, p == 1 ? "" : "s", r->opt->suppress_below - 1, r->opt->suppress_below, c, c == 1 ? "" : "s");
    worksheet_write_string(ws, (lxw_row_t)y, 0, line, r->f_note);
    g_free(line);
}

