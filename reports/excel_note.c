/* excel_note.c — notes that print whole (see excel_common.h): a long note is written in one
 * cell merged across the table's columns, wrapped, in a row tall enough for the lines it takes.
 * A note left in a single cell runs past the table to the right, and the printed page (fit to
 * the table's width) cuts it off; neither Excel nor LibreOffice sizes a merged row by itself,
 * so the height is worked out here from the text's length and the columns' width.
 */
#include "excel_common.h"

#ifdef CRTK_HAVE_XLSXWRITER
#include <math.h>

int crtk_report_note_block(crtk_report *r, lxw_worksheet *ws, int y, int last_col, double width, const char *text)
{
    if (!r->f_note_wrap) {
        r->f_note_wrap = workbook_add_format(r->wb);
        format_set_italic(r->f_note_wrap);
        format_set_font_color(r->f_note_wrap, 0x595959);
        format_set_text_wrap(r->f_note_wrap);
        format_set_align(r->f_note_wrap, LXW_ALIGN_VERTICAL_TOP);
    }
    /* a column width counts digits ("0"); text of the default font averages about 0.85 of a
     * digit, so a line holds about 1.1 characters per unit of width, words wrapping unevenly */
    double per_line = width * 1.1 > 10 ? width * 1.1 : 10;
    long len = g_utf8_strlen(text, -1);
    int lines = (int)ceil((double)len / per_line + 0.25); /* a quarter line spare for the wrapping */
    if (lines < 1)
        lines = 1;
    if (last_col > 0)
        worksheet_merge_range(ws, (lxw_row_t)y, 0, (lxw_row_t)y, (lxw_col_t)last_col, text, r->f_note_wrap);
    else
        worksheet_write_string(ws, (lxw_row_t)y, 0, text, r->f_note_wrap);
    worksheet_set_row(ws, (lxw_row_t)y, 15.0 * lines, NULL);
    return y + 1;
}
#endif
