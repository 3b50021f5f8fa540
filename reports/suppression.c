/* suppression.c — small-cell suppression of the reports' tables (see excel_common.h): counts
 * from 1 to below the threshold are hidden ("<N"), then complementary cells ("x") until no hidden
 * count can be worked out from the row and column totals (crtk_supp_derivable checks that by
 * solving the table's sums), and the cells, shares and note are written to a sheet.
 *
 * A table may hold cells that are not written on the sheet but follow from what is, such as the
 * cases of the site groups a report leaves out ("All sites" minus the rows shown)
 * (crtk_supp_unpublished).  They are taken as known to the reader, which can only ask for more
 * hiding, never less; a small one is protected like a hidden count, and hiding one costs the
 * reader nothing, so they are the first complementary cells chosen.  The note does not count them.
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
    unsigned char *unpub;  /* 1: not written on the sheet (crtk_supp_unpublished) */
    GArray *sums;  /* int: total index, n, member indexes ... */
};

crtk_supp *crtk_supp_new(int nrows, int ncols)
{
    crtk_supp *s = g_new0(crtk_supp, 1);
    s->nrows = nrows;
    s->ncols = ncols;
    s->v = g_new0(long, (gsize)(nrows * ncols > 0 ? nrows * ncols : 1));
    s->state = g_new0(unsigned char, (gsize)(nrows * ncols > 0 ? nrows * ncols : 1));
    s->unpub = g_new0(unsigned char, (gsize)(nrows * ncols > 0 ? nrows * ncols : 1));
    s->sums = g_array_new(FALSE, FALSE, sizeof(int));
    return s;
}

void crtk_supp_free(crtk_supp *s)
{
    if (!s)
        return;
    g_free(s->v);
    g_free(s->state);
    g_free(s->unpub);
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

void crtk_supp_unpublished(crtk_supp *s, int row, int col)
{
    s->unpub[row * s->ncols + col] = 1;
}

crtk_supp_state crtk_supp_state_of(const crtk_supp *s, int row, int col)
{
    return (crtk_supp_state)s->state[row * s->ncols + col];
}

int crtk_supp_count(const crtk_supp *s, crtk_supp_state st)
{
    int n = 0;
    for (int i = 0; i < s->nrows * s->ncols; i++)
        n += s->state[i] == st && !s->unpub[i];
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

/* Hides one more cell to protect cell i, among the shown cells of the sums that hold i (only
 * sum `only` when only >= 0): a positive unpublished cell (which the reader does not see anyway),
 * else the smallest positive member, else the smallest positive total.  A zero is never hidden:
 * a reader may know it for other reasons, and a hidden value worked out through zeros alone would
 * be zero.  When those sums have no such cell (and only < 0), every sum holding a hidden cell is
 * looked at: a hidden cell can be worked out only through a sum that shows a positive count.
 * FALSE if there is none. */
static gboolean hide_partner(crtk_supp *s, int i, int only)
{
    const int *a = (const int *)(void *)s->sums->data;
    int best = -1, best_rank = 0;
    long best_v = 0;
    for (int wide = 0; wide < 2 && best < 0; wide++) {
        if (wide && only >= 0)
            break;
        for (guint p = 0; p < s->sums->len;) {
            int t = a[p], n = a[p + 1];
            gboolean has = FALSE;
            if (only < 0 || (int)p == only)
                for (int k = -1; k < n && !has; k++) {
                    int m = k < 0 ? t : a[p + 2 + k];
                    has = wide ? s->state[m] != CRTK_SUPP_SHOWN : m == i;
                }
            for (int k = -1; has && k < n; k++) {
                int m = k < 0 ? t : a[p + 2 + k];
                if (m == i || s->state[m] || s->v[m] <= 0)
                    continue;
                long v = s->v[m];
                int rank = s->unpub[m] ? -1 : k < 0 ? 1 : 0; /* unpublished < member < total */
                if (best < 0 || rank < best_rank || (rank == best_rank && v < best_v)) {
                    best = m;
                    best_rank = rank;
                    best_v = v;
                }
            }
            p += 2 + (guint)n;
        }
    }
    if (best < 0)
        return FALSE;
    s->state[best] = CRTK_SUPP_COMPLEMENT;
    return TRUE;
}

/* Cell indexes by value, largest first (then in table order). */
static gint cmp_larger(gconstpointer a, gconstpointer b, gpointer user)
{
    const crtk_supp *s = user;
    int i = *(const int *)a, j = *(const int *)b;
    if (s->v[i] != s->v[j])
        return s->v[i] > s->v[j] ? -1 : 1;
    return i - j;
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
    if (crtk_supp_derivable(s, NULL))
        return;
    /* last, give back what the greedy steps hid without need: each complementary cell that is
     * written on the sheet, the largest first, is shown again when no hidden cell can then be
     * worked out (a table's cells hidden one after the other often end up hiding more than the
     * protection needs) */
    GArray *comp = g_array_new(FALSE, FALSE, sizeof(int));
    for (int i = 0; i < ncell; i++)
        if (s->state[i] == CRTK_SUPP_COMPLEMENT && !s->unpub[i])
            g_array_append_val(comp, i);
    g_array_sort_with_data(comp, cmp_larger, s);
    for (guint k = 0; k < comp->len; k++) {
        int i = g_array_index(comp, int, k);
        s->state[i] = CRTK_SUPP_SHOWN;
        if (crtk_supp_derivable(s, NULL))
            s->state[i] = CRTK_SUPP_COMPLEMENT;
    }
    g_array_free(comp, TRUE);
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

/* The words of the note, or NULL when nothing was suppressed. */
static char *supp_note_text(const crtk_report *r, const crtk_supp *s)
{
    int p = crtk_supp_count(s, CRTK_SUPP_PRIMARY), c = crtk_supp_count(s, CRTK_SUPP_COMPLEMENT);
    if (p + c == 0)
        return NULL;
    return g_strdup_printf(
        "Suppressed: %d count%s from 1 to %d (\"<%d\"), to protect the people counted; and %d further count%s "
        "(\"x\") so that none of them can be worked out from the row and column totals. Shares built on a "
        "suppressed count are not shown (\"*\"); charts leave suppressed values out.",
        p, p == 1 ? "" : "s", r->opt->suppress_below - 1, r->opt->suppress_below, c, c == 1 ? "" : "s");
}

void crtk_report_supp_note(crtk_report *r, lxw_worksheet *ws, int y, const crtk_supp *s)
{
    char *line = supp_note_text(r, s);
    if (line)
        worksheet_write_string(ws, (lxw_row_t)y, 0, line, r->f_note);
    g_free(line);
}

int crtk_report_supp_note_block(crtk_report *r, lxw_worksheet *ws, int y, const crtk_supp *s, int last_col,
                                double width, const char *extra)
{
    char *line = supp_note_text(r, s);
    if (!line)
        return y;
    if (extra) {
        char *t = g_strconcat(line, " ", extra, NULL);
        g_free(line);
        line = t;
    }
    y = crtk_report_note_block(r, ws, y, last_col, width, line);
    g_free(line);
    return y;
}
