/* listing_xlsx.c — a listing as a workbook a person opens and prints (see listing_xlsx.h).
 *
 * Values wrap in their columns (a long meaning is printed whole, never cut off by the next
 * column), and each row is made as tall as its longest value needs (crtk_xlsx_wrapped_lines), as
 * it is written: a spreadsheet does not size rows when it opens a file.  The header row is sized
 * the same way, and a column is widened to its header's longest word.
 */
#include "listing_xlsx.h"
#include "crtk/output.h"
#include "excel_common.h"
#include "problem.h"

#include <math.h>
#include <string.h>
#include <xlsxwriter.h>

#define MAX_ROWS 1048576 /* Excel's rows */

struct crtk_listing_xlsx {
    crtk_output *out;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *text, *head;
    char *path;
    int n_cols;
    lxw_row_t row;          /* the next row to write */
    lxw_row_t first;        /* the first data row */
    gboolean full;
    double *widths;         /* of the columns, in characters */
};

crtk_listing_xlsx *crtk_listing_xlsx_open(const char *path, const char *title, const char *footer,
                                          const char *const *heads, const double *widths, int n, GError **error)
{
    crtk_output *out;
    lxw_workbook *wb = crtk_xlsx_begin(path, TRUE, &out, error);
    if (!wb)
        return NULL;
    crtk_listing_xlsx *x = g_new0(crtk_listing_xlsx, 1);
    x->out = out;
    x->wb = wb;
    x->path = g_strdup(path);
    x->n_cols = n;
    x->ws = workbook_add_worksheet(wb, "Listing");
    lxw_format *t = workbook_add_format(wb);
    format_set_bold(t);
    format_set_font_size(t, 13);
    x->head = workbook_add_format(wb);
    format_set_bold(x->head);
    format_set_text_wrap(x->head);
    format_set_align(x->head, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(x->head, 0xDDE4EE);
    format_set_bottom(x->head, LXW_BORDER_THIN);
    x->text = workbook_add_format(wb);
    format_set_num_format(x->text, "@"); /* text: 00000161 stays 00000161, 0400 stays 0400 */
    format_set_text_wrap(x->text);
    format_set_align(x->text, LXW_ALIGN_VERTICAL_TOP);
    x->widths = g_new(double, n);
    double total = 0;
    int head_lines = 1;
    for (int i = 0; i < n; i++) {
        const char *h = heads[i] ? heads[i] : "";
        double w = widths && widths[i] > 0 ? widths[i] : 12;
        w = MAX(w, ceil(crtk_xlsx_longest_word(h, TRUE) + 1.0));
        worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
        x->widths[i] = w;
        total += w;
        head_lines = MAX(head_lines, crtk_xlsx_wrapped_lines(h, w, TRUE));
    }
    worksheet_write_string(x->ws, 0, 0, title ? title : "", t);
    worksheet_set_row(x->ws, 2, 15.0 * head_lines, NULL);
    for (int i = 0; i < n; i++)
        worksheet_write_string(x->ws, 2, (lxw_col_t)i, heads[i] ? heads[i] : "", x->head);
    worksheet_freeze_panes(x->ws, 3, 0);
    char *today = crtk_today();
    crtk_sheet_print_setup(x->ws, footer, today, total > 95, 2);
    g_free(today);
    x->first = x->row = 3;
    return x;
}

gboolean crtk_listing_xlsx_row(crtk_listing_xlsx *x, const char *const *values, int n)
{
    return crtk_listing_xlsx_row_typed(x, values, NULL, n);
}

gboolean crtk_listing_xlsx_row_typed(crtk_listing_xlsx *x, const char *const *values, const gboolean *numbers, int n)
{
    if (x->row >= MAX_ROWS) {
        x->full = TRUE;
        return FALSE;
    }
    int lines = 1;
    for (int i = 0; i < n && i < x->n_cols; i++)
        if (values[i] && *values[i])
            lines = MAX(lines, crtk_xlsx_wrapped_lines(values[i], x->widths[i], FALSE));
    if (lines > 1) /* before the row's cells: in constant memory a row is written as it comes */
        worksheet_set_row(x->ws, x->row, 15.0 * MIN(lines, 20), NULL);
    for (int i = 0; i < n && i < x->n_cols; i++) {
        if (!values[i] || !*values[i])
            continue;
        if (numbers && numbers[i])
            worksheet_write_number(x->ws, x->row, (lxw_col_t)i, g_ascii_strtod(values[i], NULL), NULL);
        else
            worksheet_write_string(x->ws, x->row, (lxw_col_t)i, values[i], x->text);
    }
    x->row++;
    return TRUE;
}

long crtk_listing_xlsx_rows(const crtk_listing_xlsx *x)
{
    return (long)(x->row - x->first);
}

gboolean crtk_listing_xlsx_close(crtk_listing_xlsx *x, GError **error)
{
    if (x->full) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "%s: more rows than a sheet holds (%d): nothing written; narrow the selection or write CSV",
                    x->path, MAX_ROWS - (int)x->first);
        crtk_listing_xlsx_abandon(x);
        return FALSE;
    }
    worksheet_autofilter(x->ws, 2, 0, x->row > x->first ? x->row - 1 : x->first, (lxw_col_t)(x->n_cols - 1));
    gboolean ok = crtk_xlsx_commit(x->wb, x->out, x->path, error);
    g_free(x->path);
    g_free(x->widths);
    g_free(x);
    return ok;
}

void crtk_listing_xlsx_abandon(crtk_listing_xlsx *x)
{
    if (!x)
        return;
    crtk_xlsx_abandon(x->wb, x->out);
    g_free(x->path);
    g_free(x->widths);
    g_free(x);
}
