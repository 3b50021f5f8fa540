/* edits_xlsx.c — edit failures and their summary as an .xlsx workbook (see edits_xlsx.h).
 *
 * The failures are written as they come (constant memory).  The printed footer is set when the
 * workbook closes, once the source is known: the name given with crtk_edits_xlsx_set_source, else
 * the registry name of the store the failures came from, else the file's name (a NAACCR file has
 * no registry name), with the date of the run and "Page N of M".
 */
#include "edits_xlsx.h"
#include "crtk/output.h"
#include "excel_common.h"

#include <xlsxwriter.h>
#include <string.h>
#include <sys/stat.h>

#define N_COLS 12

struct crtk_edits_xlsx {
    lxw_workbook *wb;
    lxw_worksheet *fails;
    lxw_format *bold, *head, *title, *text, *wrap, *num;
    char *path;
    crtk_output *out; /* the workbook is written to its temporary file, then committed */
    lxw_row_t row;
    char *source;     /* crtk_edits_xlsx_set_source, or NULL */
    char *file;       /* the first file or store with a failure, or NULL */
    char *last_file;  /* the file of the last failure */
    int n_files;      /* files or stores with failures */
    gboolean every;   /* the summary lists every edit, not the failing ones only */
};

#define MAX_ROWS 1048575 /* Excel's limit, less the header */

crtk_edits_xlsx *crtk_edits_xlsx_open(const char *path, const char *title, GError **error)
{
    crtk_output *out;
    lxw_workbook *wb = crtk_xlsx_begin(path, TRUE, &out, error);
    if (!wb)
        return NULL;
    crtk_edits_xlsx *x = g_new0(crtk_edits_xlsx, 1);
    x->out = out;
    x->wb = wb;
    x->path = g_strdup(path);
    x->bold = workbook_add_format(wb);
    format_set_bold(x->bold);
    x->title = workbook_add_format(wb);
    format_set_bold(x->title);
    format_set_font_size(x->title, 14);
    x->head = workbook_add_format(wb);
    format_set_bold(x->head);
    format_set_bg_color(x->head, 0xDDE4EE);
    format_set_bottom(x->head, LXW_BORDER_THIN);
    x->fails = workbook_add_worksheet(wb, "Failures");
    worksheet_write_string(x->fails, 0, 0, title, x->title);
    /* who, and the chart to pull (name, medical record number, accession), then what failed */
    static const char *const cols[] = {"File or store", "Patient", "Patient ID", "Name", "Medical record no.",
                                       "Accession no.", "Tumor", "Edit", "Edit name", "Message",
                                       "Items", "Over-ride after review"};
    static const double widths[] = {16, 8, 10, 20, 13, 12, 7, 14, 28, 60, 28, 16};
    x->text = workbook_add_format(wb);
    format_set_num_format(x->text, "@");
    format_set_align(x->text, LXW_ALIGN_VERTICAL_TOP);
    x->num = workbook_add_format(wb); /* the ordinals centred, apart from the ids beside them */
    format_set_align(x->num, LXW_ALIGN_CENTER);
    format_set_align(x->num, LXW_ALIGN_VERTICAL_TOP);
    x->wrap = workbook_add_format(wb);
    format_set_text_wrap(x->wrap);
    format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(x->head);
    format_set_align(x->head, LXW_ALIGN_VERTICAL_TOP);
    for (int c = 0; c < N_COLS; c++) {
        worksheet_write_string(x->fails, 2, (lxw_col_t)c, cols[c], x->head);
        worksheet_set_column(x->fails, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
    }
    worksheet_set_row(x->fails, 2, 30, NULL);
    worksheet_freeze_panes(x->fails, 3, 0);
    x->row = 3;
    return x;
}

void crtk_edits_xlsx_add(crtk_edits_xlsx *x, const char *file, const crtk_edit_failure *f)
{
    if (x->row >= MAX_ROWS)
        return;
    lxw_row_t r = x->row++;
    lxw_format *top = x->text;
    if (file && g_strcmp0(file, x->last_file)) {
        if (!x->file)
            x->file = g_strdup(file);
        g_free(x->last_file);
        x->last_file = g_strdup(file);
        x->n_files++;
    }
    worksheet_write_string(x->fails, r, 0, file, x->wrap);
    worksheet_write_number(x->fails, r, 1, (double)f->patient, x->num);
    worksheet_write_string(x->fails, r, 2, f->patient_id, top);
    const crtk_record *rec = f->record;
    int name_lines = 1;
    if (rec) {
        const char *last = crtk_element_get_id(&rec->patient, rec->dict, "nameLast");
        const char *first = crtk_element_get_id(&rec->patient, rec->dict, "nameFirst");
        if (last || first) {
            char *name = g_strdup_printf("%s%s%s", last ? last : "", last && first ? ", " : "", first ? first : "");
            worksheet_write_string(x->fails, r, 3, name, x->wrap);
            name_lines = crtk_xlsx_wrapped_lines(name, 20, FALSE);
            g_free(name);
        }
        /* the tumor's chart; for a patient-level edit, the first tumor's */
        int t = f->tumor > 0 && f->tumor <= rec->n_tumors ? f->tumor - 1 : rec->n_tumors ? 0 : -1;
        if (t >= 0) {
            const char *mrn = crtk_element_get_id(&rec->tumors[t], rec->dict, "medicalRecordNumber");
            const char *acc = crtk_element_get_id(&rec->tumors[t], rec->dict, "accessionNumberHosp");
            if (mrn)
                worksheet_write_string(x->fails, r, 4, mrn, top);
            if (acc)
                worksheet_write_string(x->fails, r, 5, acc, top);
        }
    }
    if (f->tumor)
        worksheet_write_number(x->fails, r, 6, f->tumor, x->num);
    worksheet_write_string(x->fails, r, 7, f->edit_id, x->wrap);
    worksheet_write_string(x->fails, r, 8, f->edit_name, x->wrap);
    worksheet_write_string(x->fails, r, 9, f->message, x->wrap);
    char *items = g_strjoinv(" ", (char **)f->items);
    worksheet_write_string(x->fails, r, 10, items, x->wrap);
    int item_lines = MAX(crtk_xlsx_wrapped_lines(items, 28, FALSE), crtk_xlsx_wrapped_lines(f->edit_id, 14, FALSE));
    if (f->override_item)
        item_lines = MAX(item_lines, crtk_xlsx_wrapped_lines(f->override_item, 16, FALSE));
    g_free(items);
    if (f->override_item)
        worksheet_write_string(x->fails, r, 11, f->override_item, x->wrap);
    /* rows are sized here (a spreadsheet does not size them when it opens the file): the message
       and the items wrap in their columns */
    int lines = MAX(crtk_xlsx_wrapped_lines(f->message, 60, FALSE), crtk_xlsx_wrapped_lines(f->edit_name, 28, FALSE));
    lines = MAX(MAX(lines, name_lines), MAX(item_lines, crtk_xlsx_wrapped_lines(file, 16, FALSE)));
    worksheet_set_row(x->fails, r, 15.0 * MIN(lines, 12), NULL);
}

void crtk_edits_xlsx_list_every_edit(crtk_edits_xlsx *x, gboolean every) { x->every = every; }

void crtk_edits_xlsx_set_source(crtk_edits_xlsx *x, const char *name)
{
    g_free(x->source);
    x->source = name && *name ? g_strdup(name) : NULL;
}

/* The footer's name: the one given, else the registry name of the (first) store or file the
 * failures came from, "and N more" when they came from several. */
static char *footer_name(const crtk_edits_xlsx *x)
{
    if (x->source)
        return g_strdup(x->source);
    if (!x->file)
        return g_strdup("crtk");
    char *name = crtk_print_source_name_of_file(x->file);
    if (x->n_files > 1) {
        char *more = g_strdup_printf("%s and %d more", name, x->n_files - 1);
        g_free(name);
        name = more;
    }
    return name;
}

static void free_x(crtk_edits_xlsx *x)
{
    g_free(x->path);
    g_free(x->source);
    g_free(x->file);
    g_free(x->last_file);
    g_free(x);
}

gboolean crtk_edits_xlsx_close_rows(crtk_edits_xlsx *x, const crtk_edits_xlsx_row *rows, int n_rows, long tumors,
                                    long passing, const char *what, GError **error)
{
    worksheet_autofilter(x->fails, 2, 0, x->row > 3 ? x->row - 1 : 3, N_COLS - 1);
    lxw_worksheet *s = workbook_add_worksheet(x->wb, "Summary");
    worksheet_write_string(s, 0, 0, "Edits summary", x->title);
    if (what)
        worksheet_write_string(s, 0, 1, what, NULL);
    static const char *const cols[] = {"Edit", "Name", "Agency", "Failures", "Over-ridden"};
    double id_width = 14; /* the longest edit id listed shows whole (VC-stateAtDxGeocode2020) */
    for (int i = 0; i < n_rows; i++)
        if (x->every || rows[i].failures || rows[i].overridden)
            id_width = MAX(id_width, MIN(48.0, (double)strlen(rows[i].id) + 2));
    worksheet_set_column(s, 0, 0, id_width, NULL);
    worksheet_set_column(s, 1, 1, 60, NULL);
    worksheet_set_column(s, 2, 4, 12, NULL);
    lxw_format *pct = workbook_add_format(x->wb);
    format_set_num_format(pct, "0.0%");
    /* rows in order: the workbook is written in constant-memory mode, where a row written after a
     * later one is lost */
    worksheet_write_string(s, 1, 0, "Tumors checked", NULL);
    worksheet_write_number(s, 1, 3, (double)tumors, NULL);
    worksheet_write_string(s, 2, 0, "Tumors passing every edit", NULL);
    worksheet_write_number(s, 2, 3, (double)passing, NULL);
    if (tumors)
        worksheet_write_number(s, 2, 4, (double)passing / (double)tumors, pct);
    /* which edits the table lists, said where the reader looks */
    int listed = 0;
    for (int i = 0; i < n_rows; i++)
        listed += x->every || rows[i].failures || rows[i].overridden;
    char *which = x->every ? g_strdup_printf("Every edit that ran (%d), those that passed with 0 failures", n_rows)
                           : g_strdup_printf("Failing and over-ridden edits only (%d of the %d that ran; "
                                             "crtk edits --all-edits lists every edit)", listed, n_rows);
    worksheet_write_string(s, 3, 0, which, NULL);
    g_free(which);
    for (int c = 0; c < 5; c++)
        worksheet_write_string(s, 4, (lxw_col_t)c, cols[c], x->head);
    long failures = 0;
    lxw_row_t r = 5;
    for (int i = 0; i < n_rows; i++) {
        const crtk_edits_xlsx_row *in = &rows[i];
        failures += in->failures;
        if (!x->every && !in->failures && !in->overridden)
            continue;
        worksheet_write_string(s, r, 0, in->id, NULL);
        worksheet_write_string(s, r, 1, in->name ? in->name : "", NULL);
        worksheet_write_string(s, r, 2, in->agency ? in->agency : "", NULL);
        worksheet_write_number(s, r, 3, (double)in->failures, NULL);
        worksheet_write_number(s, r, 4, (double)in->overridden, NULL);
        r++;
    }
    worksheet_write_string(s, r, 0, "Total", x->bold);
    worksheet_write_number(s, r, 3, (double)failures, x->bold);
    if (r > 5)
        worksheet_autofilter(s, 4, 0, r - 1, 4);
    worksheet_freeze_panes(s, 5, 0);
    /* the footers, now that the source is known (a footer is written when the workbook closes,
     * even in constant-memory mode) */
    char *name = footer_name(x), *today = crtk_today();
    crtk_sheet_print_setup(x->fails, name, today, TRUE, 2);
    crtk_sheet_print_setup(s, name, today, FALSE, 4);
    g_free(name);
    g_free(today);
    gboolean ok = crtk_xlsx_commit(x->wb, x->out, x->path, error);
    free_x(x);
    return ok;
}

gboolean crtk_edits_xlsx_close(crtk_edits_xlsx *x, GPtrArray *edit_sets, GError **error)
{
    GArray *rows = g_array_new(FALSE, TRUE, sizeof(crtk_edits_xlsx_row));
    long tumors = 0, passing = 0;
    for (guint k = 0; k < edit_sets->len; k++) {
        crtk_edits *e = edit_sets->pdata[k];
        crtk_edits_stats st = crtk_edits_stats_get(e);
        tumors += st.tumors;
        passing += st.tumors_passing;
        for (int i = 0; i < crtk_edits_count(e); i++) {
            const crtk_edit_info *in = crtk_edits_get(e, i);
            crtk_edits_xlsx_row row = {in->id, in->name, in->agency, in->failures, in->overridden};
            g_array_append_val(rows, row);
        }
    }
    gboolean ok = crtk_edits_xlsx_close_rows(x, (const crtk_edits_xlsx_row *)(void *)rows->data, (int)rows->len, tumors,
                                             passing, NULL, error);
    g_array_free(rows, TRUE);
    return ok;
}

void crtk_edits_xlsx_abandon(crtk_edits_xlsx *x)
{
    if (!x)
        return;
    crtk_xlsx_abandon(x->wb, x->out);
    free_x(x);
}
