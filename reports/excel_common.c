/* excel_common.c — shared parts of the Excel reports: the selection, the title block, formats,
 * workbooks written whole through crtk/output.h and their print setup, count tables, and the table
 * of reports (see excel_common.h).  Small-cell suppression is suppression.c.
 */
#include "excel_common.h"
#include "crtk/output.h"
#include "excel_reports.h"
#include "derived.h"
#include "problem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void crtk_report_options_init(crtk_report_options *o)
{
    memset(o, 0, sizeof *o);
    o->top = 10;
}

const char *crtk_report_site_group(const char *site, const char *hist, const char *beh, const char *dxdate)
{
    return crtk_seer_site_recode(site, hist, beh, dxdate);
}

const char *crtk_report_site_label(const char *code)
{
    const char *l = crtk_recode_label(CRTK_RECODE_SEER_2023, code, false);
    return l ? l : "Unknown or not classified";
}

static const crtk_report_def reports[] = {
    {"site-table", "Primary site table",
     "Cases by site group (SEER Site Recode 2023), with class of case (analytic, non-analytic), sex, and "
     "stage at diagnosis in Summary Stage 2018 groups (SEER Summary Stage 2000 before 2018); totals and a "
     "bar chart of the ten largest groups.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_site_table,
#else
     NULL,
#endif
     FALSE},
    {"stage", "Stage at diagnosis by site",
     "Summary stage distribution (in situ, localized, regional, distant, benign/not applicable, unknown) of "
     "the top site groups, in counts and percentages, with a stacked bar chart.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_stage,
#else
     NULL,
#endif
     FALSE},
    {"trends", "Cases by year of diagnosis",
     "Cases by year of diagnosis for all sites (analytic and non-analytic) and for the top site groups, "
     "with a line chart.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_trends,
#else
     NULL,
#endif
     FALSE},
    {"age", "Age at diagnosis by sex",
     "Cases by SEER 5-year age group (age at diagnosis, computed from the dates when item 230 is blank) and "
     "sex, with percentages and a column chart.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_age,
#else
     NULL,
#endif
     FALSE},
    {"followup", "Follow-up rates",
     "The CoC follow-up rate worksheet (lines A-E) for the reference-date cohort (target 80%) and the last "
     "five years (target 90%), patients counted once, and the patients due and lost by next follow-up source.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_followup,
#else
     NULL,
#endif
     TRUE},
    {"quality", "Data quality",
     "The NAACCR and NPCR data-quality measures (death-certificate-only share; missing sex, age, race, county; "
     "possible duplicates; share passing the edits) against their published standards, cases by year and "
     "reporting facility, and the failures per edit of the state-submission edit set.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_quality,
#else
     NULL,
#endif
     FALSE},
    {"survival", "Observed survival by stage",
     "Observed (all causes) Kaplan-Meier survival at 1, 3 and 5 years with 95% confidence intervals by summary "
     "stage for the top site groups, with numbers at risk and a chart; death-certificate-only and autopsy-only "
     "cases, and cases whose survival time is unknown, are left out.",
#ifdef CRTK_HAVE_XLSXWRITER
     crtk_report_survival,
#else
     NULL,
#endif
     FALSE},
};

const crtk_report_def *crtk_reports(int *n)
{
    *n = (int)G_N_ELEMENTS(reports);
    return reports;
}

const crtk_report_def *crtk_report_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(reports); i++)
        if (!strcmp(reports[i].name, name))
            return &reports[i];
    return NULL;
}

int crtk_report_year(const char *date)
{
    if (!date || strlen(date) < 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (!g_ascii_isdigit(date[i]))
            return 0;
    int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
    return y >= 1800 && y <= 2999 ? y : 0;
}

#ifndef CRTK_HAVE_XLSXWRITER

gboolean crtk_report_run(crtk_store *s, const crtk_report_def *def, const char *path, const crtk_report_options *o,
                         GError **error)
{
    (void)s, (void)def, (void)path, (void)o;
    g_set_error(error, CRTK_ERROR, CRTK_ERROR_UNSUPPORTED, "crtk was built without libxlsxwriter: no Excel reports");
    return FALSE;
}

#else

gboolean crtk_report_aggregate(crtk_report *r, const char *const *specs, int n, crtk_store_row_fn fn, void *user,
                               GError **error)
{
    return crtk_store_aggregate(r->store, &r->query, specs, n, fn, user, error);
}

gboolean crtk_report_scan(crtk_report *r, const char *const *specs, int n, crtk_store_row_fn fn, void *user,
                          GError **error)
{
    return crtk_store_scan_items(r->store, &r->query, specs, n, fn, user, error);
}

gboolean crtk_report_suppressed(const crtk_report *r, long n)
{
    return r->opt->suppress_below > 0 && n > 0 && n < r->opt->suppress_below;
}

gboolean crtk_report_count(crtk_report *r, lxw_worksheet *ws, int row, int col, long n, lxw_format *f)
{
    if (crtk_report_suppressed(r, n)) {
        char buf[32];
        g_snprintf(buf, sizeof buf, "<%d", r->opt->suppress_below);
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, buf, r->f_text_right);
        return FALSE;
    }
    worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, (double)n, f ? f : r->f_count);
    return TRUE;
}

void crtk_report_pct(crtk_report *r, lxw_worksheet *ws, int row, int col, long n, long d, lxw_format *f)
{
    if (d <= 0) {
        worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, f ? f : r->f_pct);
        return;
    }
    if (crtk_report_suppressed(r, n) || crtk_report_suppressed(r, d)) {
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, "*", r->f_text_right);
        return;
    }
    worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, (double)n / (double)d, f ? f : r->f_pct);
}

/* Print setup of every sheet, in one place: fit to the page width (as many pages down as
 * needed), centred, narrow margins, and a footer with the registry name, the date and
 * "Page N of M".  Orientation and repeated header rows come with the header row. */
lxw_workbook *crtk_xlsx_begin(const char *path, gboolean constant_memory, crtk_output **out, GError **error)
{
    *out = crtk_output_begin(path, error);
    if (!*out)
        return NULL;
    lxw_workbook_options o = {.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(crtk_output_temp_path(*out), &o);
    if (!wb) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot create the workbook", path);
        crtk_output_abort(*out);
        *out = NULL;
    }
    return wb;
}

gboolean crtk_xlsx_commit(lxw_workbook *wb, crtk_output *out, const char *path, GError **error)
{
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot write the workbook: %s", path, lxw_strerror(e));
        crtk_output_abort(out);
        return FALSE;
    }
    return crtk_output_commit(out, error);
}

void crtk_xlsx_abandon(lxw_workbook *wb, crtk_output *out)
{
    if (wb)
        workbook_close(wb);
    if (out)
        crtk_output_abort(out);
}

void crtk_sheet_print_setup(lxw_worksheet *ws, const char *left, const char *as_of, gboolean landscape, int header_row)
{
    if (landscape)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_center_horizontally(ws);
    worksheet_set_margins(ws, 0.5, 0.5, 0.6, 0.7);
    worksheet_set_paper(ws, 1); /* Letter */
    if (header_row >= 0)
        worksheet_repeat_rows(ws, (lxw_row_t)header_row, (lxw_row_t)header_row);
    /* "&" starts a code in a footer: double it in the registry's name; a footer holds 255 characters */
    GString *reg = g_string_new(NULL);
    for (const char *p = left && *left ? left : "crtk"; *p && reg->len < 120; p++) {
        if (*p == '&')
            g_string_append_c(reg, '&');
        g_string_append_c(reg, *p);
    }
    char date[32] = "";
    if (as_of && strlen(as_of) >= 8)
        g_snprintf(date, sizeof date, "&C&8As of %.4s-%.2s-%.2s", as_of, as_of + 4, as_of + 6);
    char *footer = g_strdup_printf("&L&8%s%s&R&8Page &P of &N", reg->str, date);
    lxw_header_footer_options fo = {.margin = 0.3};
    worksheet_set_footer_opt(ws, footer, &fo);
    g_free(footer);
    g_string_free(reg, TRUE);
}

/* Width of one character of the default font (11-point Calibri), in widths of "0": what a
 * column width counts.  Rounded up, so that the lines counted are never too few. */
static double char_width(gunichar c, gboolean bold)
{
    double w;
    if (c < 128 && strchr(" il.,:;'|!()[]/-", (int)c))
        w = 0.55;
    else if (c == 'f' || c == 't' || c == 'r' || c == 'j' || c == 'I' || c == 'J')
        w = 0.7;
    else if (c == 'm' || c == 'w')
        w = 1.45;
    else if (c == 'M' || c == 'W')
        w = 1.6;
    else if (g_unichar_isupper(c))
        w = 1.15;
    else if (g_unichar_isdigit(c))
        w = 1.0;
    else
        w = 0.95;
    return bold ? w * 1.08 : w;
}

int crtk_xlsx_wrapped_lines(const char *text, double width, gboolean bold)
{
    /* a cell keeps a little padding on each side */
    double room = width > 2 ? width - 0.8 : 1.2;
    int lines = 1;
    double used = 0;      /* width used on the current line */
    if (!text)
        return 1;
    for (const char *p = text; *p;) {
        if (*p == '\n') {
            lines++, used = 0, p++;
            continue;
        }
        if (*p == ' ') {
            used += char_width(' ', bold), p++;
            continue;
        }
        /* a word runs to the next space or line break, or just past a hyphen (LibreOffice and
         * Excel break there, not at a slash: "Benign/borderline" is one word) */
        const char *e = p;
        double w = 0;
        while (*e && *e != ' ' && *e != '\n') {
            gunichar c = g_utf8_get_char(e);
            w += char_width(c, bold);
            e = g_utf8_next_char(e);
            if (c == '-')
                break;
        }
        if (used > 0 && used + w > room) {
            lines++;
            used = 0;
        }
        while (w > room) { /* a word wider than the cell is broken where it reaches the edge */
            lines++;
            w -= room;
        }
        used += w;
        p = e;
    }
    return lines;
}

void crtk_report_print_setup(crtk_report *r, lxw_worksheet *ws)
{
    char *name = *r->registry ? g_strdup(r->registry) : crtk_print_source_name(r->store, NULL);
    crtk_sheet_print_setup(ws, name, r->as_of, FALSE, -1);
    g_free(name);
}

void crtk_report_label(crtk_report *r, lxw_worksheet *ws, int row, const char *text, gboolean bold)
{
    worksheet_write_string(ws, (lxw_row_t)row, 0, text, bold ? r->f_label_bold_wrap : r->f_label_wrap);
    int lines = crtk_xlsx_wrapped_lines(text, CRTK_REPORT_LABEL_WIDTH, bold);
    if (lines > 1)
        worksheet_set_row(ws, (lxw_row_t)row, 15.0 * lines, NULL);
}

void crtk_report_print_layout(lxw_worksheet *ws, int header_row, double table_width)
{
    /* a portrait Letter page holds about 95 characters of the default font at 100% */
    if (table_width > 110)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    if (header_row >= 0)
        worksheet_repeat_rows(ws, (lxw_row_t)header_row, (lxw_row_t)header_row);
}

void crtk_report_columns(lxw_worksheet *ws, int first_col, int last_col, double width)
{
    /* one column at a time: overlapping ranges would make the workbook invalid */
    for (int c = first_col; c <= last_col; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width, NULL);
}

void crtk_report_chart_data(lxw_worksheet *ws, int first_col, int last_col, lxw_chart *chart)
{
    lxw_row_col_options hidden = {.hidden = LXW_TRUE};
    for (int c = first_col; c <= last_col; c++)
        worksheet_set_column_opt(ws, (lxw_col_t)c, (lxw_col_t)c, 16, NULL, &hidden);
    if (chart)
        chart_show_hidden_data(chart);
}

lxw_worksheet *crtk_report_sheet(crtk_report *r, const char *sheet_name, const char *title, const char *note,
                                 int *row)
{
    lxw_worksheet *ws = workbook_add_worksheet(r->wb, sheet_name);
    crtk_report_print_setup(r, ws);
    worksheet_set_column(ws, 0, 0, 42, NULL);
    crtk_report_columns(ws, 1, 30, 12);
    int y = 0;
    worksheet_write_string(ws, (lxw_row_t)y++, 0, title, r->f_title);
    char *made_by = r->opt->made_by ? g_strdup(r->opt->made_by) : g_strdup_printf("crtk report %s", r->name);
    char *line = g_strdup_printf("%s%sAs of %.4s-%.2s-%.2s; made by %s", r->registry, *r->registry ? ". " : "",
                                 r->as_of, r->as_of + 4, r->as_of + 6, made_by);
    g_free(made_by);
    worksheet_write_string(ws, (lxw_row_t)y++, 0, line, r->f_subtitle);
    g_free(line);
    line = g_strdup_printf("Selection: %s", r->selection);
    worksheet_write_string(ws, (lxw_row_t)y++, 0, line, r->f_note);
    g_free(line);
    if (r->opt->suppress_below > 0) {
        line = g_strdup_printf("Counts from 1 to %d are not shown (\"<%d\"), nor shares built on them (\"*\").",
                               r->opt->suppress_below - 1, r->opt->suppress_below);
        worksheet_write_string(ws, (lxw_row_t)y++, 0, line, r->f_note);
        g_free(line);
    }
    if (note)
        worksheet_write_string(ws, (lxw_row_t)y++, 0, note, r->f_note);
    *row = y + 1;
    return ws;
}

double crtk_xlsx_longest_word(const char *text, gboolean bold)
{
    double longest = 0, w = 0;
    for (const char *p = text; p && *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == ' ' || c == '\n') {
            w = 0;
            continue;
        }
        w += char_width(c, bold);
        longest = MAX(longest, w);
        if (c == '-')
            w = 0;
    }
    return longest;
}

void crtk_report_header(crtk_report *r, lxw_worksheet *ws, int row, const char *const *labels, int n)
{
    /* wrapped headers get the height of their longest label (columns 12 wide, the first 42); a
     * column is widened to its label's longest word ("Benign/borderline"), which would otherwise
     * be broken in the middle */
    int lines = 2;
    double width = 0;
    for (int i = 0; i < n; i++) {
        double w = i == 0 ? CRTK_REPORT_LABEL_WIDTH : 12;
        double word = crtk_xlsx_longest_word(labels[i], TRUE) + 1.0;
        if (word > w) {
            w = ceil(word);
            worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
        }
        width += w;
        int l = crtk_xlsx_wrapped_lines(labels[i], w, TRUE);
        if (l > lines)
            lines = l;
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)i, labels[i], r->f_header);
    }
    worksheet_set_row(ws, (lxw_row_t)row, 15.0 * lines, NULL);
    worksheet_freeze_panes(ws, (lxw_row_t)(row + 1), 1);
    crtk_report_print_layout(ws, row, width);
}

void crtk_report_filter(lxw_worksheet *ws, int header_row, int last_row, int ncols)
{
    if (last_row > header_row)
        worksheet_autofilter(ws, (lxw_row_t)header_row, 0, (lxw_row_t)last_row, (lxw_col_t)(ncols - 1));
}

gboolean crtk_report_is_analytic(const char *class_of_case)
{
    static const char *const codes[] = {"00", "10", "11", "12", "13", "14", "20", "21", "22"};
    for (size_t i = 0; class_of_case && i < G_N_ELEMENTS(codes); i++)
        if (!strcmp(class_of_case, codes[i]))
            return TRUE;
    return FALSE;
}

const char *crtk_report_classes_text(const crtk_report *r)
{
    return r->opt->all_classes ? "all classes of case" : "analytic cases only (class of case 00, 10-14, 20-22)";
}

/* ---- count tables ---------------------------------------------------------------------------- */

crtk_counts *crtk_counts_new(int ncols)
{
    crtk_counts *c = g_new0(crtk_counts, 1);
    c->row_keys = g_ptr_array_new_with_free_func(g_free);
    c->row_index = g_hash_table_new(g_str_hash, g_str_equal);
    c->ncols = ncols;
    c->cells = g_array_new(FALSE, TRUE, sizeof(long));
    return c;
}

void crtk_counts_free(crtk_counts *c)
{
    if (!c)
        return;
    g_hash_table_destroy(c->row_index);
    g_ptr_array_free(c->row_keys, TRUE);
    g_array_free(c->cells, TRUE);
    g_free(c);
}

int crtk_counts_row(crtk_counts *c, const char *key)
{
    gpointer v = g_hash_table_lookup(c->row_index, key);
    if (v)
        return GPOINTER_TO_INT(v) - 1;
    char *k = g_strdup(key);
    g_ptr_array_add(c->row_keys, k);
    int i = (int)c->row_keys->len - 1;
    g_hash_table_insert(c->row_index, k, GINT_TO_POINTER(i + 1));
    g_array_set_size(c->cells, c->row_keys->len * (guint)c->ncols);
    return i;
}

void crtk_counts_add(crtk_counts *c, const char *row_key, int col, long n)
{
    int i = crtk_counts_row(c, row_key);
    g_array_index(c->cells, long, (guint)(i * c->ncols + col)) += n;
}

long crtk_counts_get(const crtk_counts *c, int row, int col)
{
    return g_array_index(c->cells, long, (guint)(row * c->ncols + col));
}

long crtk_counts_row_total(const crtk_counts *c, int row)
{
    long t = 0;
    for (int j = 0; j < c->ncols; j++)
        t += crtk_counts_get(c, row, j);
    return t;
}

long crtk_counts_col_total(const crtk_counts *c, int col)
{
    long t = 0;
    for (guint i = 0; i < c->row_keys->len; i++)
        t += crtk_counts_get(c, (int)i, col);
    return t;
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void crtk_counts_sort_keys(crtk_counts *c)
{
    guint n = c->row_keys->len;
    int nc = c->ncols;
    /* sort a copy of the keys, then rebuild the cells in that order */
    char **keys = g_new(char *, n);
    for (guint i = 0; i < n; i++)
        keys[i] = g_ptr_array_index(c->row_keys, i);
    qsort(keys, n, sizeof(char *), cmp_keys);
    GArray *cells = g_array_new(FALSE, TRUE, sizeof(long));
    g_array_set_size(cells, n * (guint)nc);
    for (guint i = 0; i < n; i++) {
        int old = GPOINTER_TO_INT(g_hash_table_lookup(c->row_index, keys[i])) - 1;
        for (int j = 0; j < nc; j++)
            g_array_index(cells, long, i * (guint)nc + (guint)j) = g_array_index(c->cells, long, (guint)(old * nc + j));
    }
    g_array_free(c->cells, TRUE);
    c->cells = cells;
    g_ptr_array_set_free_func(c->row_keys, NULL);
    g_ptr_array_set_size(c->row_keys, 0);
    g_ptr_array_set_free_func(c->row_keys, g_free);
    for (guint i = 0; i < n; i++) {
        g_ptr_array_add(c->row_keys, keys[i]);
        g_hash_table_insert(c->row_index, keys[i], GINT_TO_POINTER((int)i + 1));
    }
    g_free(keys);
}

/* ---- running a report ---------------------------------------------------------------------- */

static void make_formats(crtk_report *r)
{
    lxw_workbook *wb = r->wb;
    r->f_title = workbook_add_format(wb);
    format_set_bold(r->f_title);
    format_set_font_size(r->f_title, 14);
    r->f_subtitle = workbook_add_format(wb);
    format_set_font_size(r->f_subtitle, 11);
    r->f_note = workbook_add_format(wb);
    format_set_italic(r->f_note);
    format_set_font_color(r->f_note, 0x595959);
    r->f_section = workbook_add_format(wb);
    format_set_bold(r->f_section);
    format_set_font_size(r->f_section, 12);
    r->f_header = workbook_add_format(wb);
    format_set_bold(r->f_header);
    format_set_text_wrap(r->f_header);
    format_set_align(r->f_header, LXW_ALIGN_CENTER);
    format_set_align(r->f_header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bg_color(r->f_header, 0xD9E1F2);
    format_set_border(r->f_header, LXW_BORDER_THIN);
    r->f_label = workbook_add_format(wb);
    r->f_label_bold = workbook_add_format(wb);
    format_set_bold(r->f_label_bold);
    format_set_top(r->f_label_bold, LXW_BORDER_THIN);
    r->f_label_wrap = workbook_add_format(wb);
    format_set_text_wrap(r->f_label_wrap); /* bottom-aligned: its last line beside the counts */
    r->f_label_bold_wrap = workbook_add_format(wb);
    format_set_text_wrap(r->f_label_bold_wrap);
    format_set_bold(r->f_label_bold_wrap);
    format_set_top(r->f_label_bold_wrap, LXW_BORDER_THIN);
    r->f_chart_label = workbook_add_format(wb);
    format_set_text_wrap(r->f_chart_label); /* wrapped text never spills out of its cell */
    r->f_count = workbook_add_format(wb);
    format_set_num_format(r->f_count, "#,##0");
    r->f_count_total = workbook_add_format(wb);
    format_set_num_format(r->f_count_total, "#,##0");
    format_set_bold(r->f_count_total);
    format_set_top(r->f_count_total, LXW_BORDER_THIN);
    r->f_pct = workbook_add_format(wb);
    format_set_num_format(r->f_pct, "0.0%");
    r->f_pct_total = workbook_add_format(wb);
    format_set_num_format(r->f_pct_total, "0.0%");
    format_set_bold(r->f_pct_total);
    format_set_top(r->f_pct_total, LXW_BORDER_THIN);
    r->f_pct_few = workbook_add_format(wb);
    format_set_num_format(r->f_pct_few, "0.0%\"\u2020\"");
    format_set_italic(r->f_pct_few);
    format_set_font_color(r->f_pct_few, 0x7F7F7F);
    r->f_dec = workbook_add_format(wb);
    format_set_num_format(r->f_dec, "0.000");
    r->f_text_right = workbook_add_format(wb);
    format_set_align(r->f_text_right, LXW_ALIGN_RIGHT);
    r->f_ok = workbook_add_format(wb);
    format_set_font_color(r->f_ok, 0x006100);
    format_set_bg_color(r->f_ok, 0xC6EFCE);
    r->f_bad = workbook_add_format(wb);
    format_set_font_color(r->f_bad, 0x9C0006);
    format_set_bg_color(r->f_bad, 0xFFC7CE);
}

static gboolean check_where(crtk_report *r, GError **error)
{
    gint64 p, t;
    if (!crtk_store_query_count(r->store, &r->query, &p, &t, error))
        return FALSE;
    if (t == 0) {
        /* an empty workbook would look like a registry with no cases: say so and write nothing */
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "no tumor matches the selection (%s): nothing written",
                    r->selection);
        return FALSE;
    }
    return TRUE;
}

gboolean crtk_report_run(crtk_store *s, const crtk_report_def *def, const char *path, const crtk_report_options *o,
                         GError **error)
{
    crtk_report_options defaults;
    if (!o) {
        crtk_report_options_init(&defaults);
        o = &defaults;
    }
    if (def->own_cohorts && ((o->where && *o->where) || o->year_from > 0 || o->year_to > 0)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "the %s report counts the Commission on Cancer's cohorts (the reference date and the last five "
                    "years): --where and --years do not apply to it",
                    def->name);
        return FALSE;
    }
    crtk_report r = {0};
    r.store = s;
    r.opt = o;
    r.name = def->name;
    r.as_of = o->as_of && strlen(o->as_of) == 8 ? g_strdup(o->as_of) : crtk_today();
    r.as_of_year = crtk_report_year(r.as_of);
    r.registry = crtk_store_get_setting(s, "registryName");
    if (!r.registry)
        r.registry = g_strdup("");
    GString *sel = g_string_new(NULL);
    if (o->where && *o->where) {
        r.query.where = o->where;
        g_string_append_printf(sel, "tumors where %s", o->where);
    }
    if (o->year_from > 0 || o->year_to > 0) {
        r.query.year_item = "dateOfDiagnosis";
        r.query.year_from = o->year_from;
        r.query.year_to = o->year_to;
        g_string_append_printf(sel, "%sdiagnosed ", sel->len ? ", " : "");
        if (o->year_from > 0 && o->year_to > 0)
            g_string_append_printf(sel, "%d-%d", o->year_from, o->year_to);
        else if (o->year_from > 0)
            g_string_append_printf(sel, "from %d", o->year_from);
        else
            g_string_append_printf(sel, "until %d", o->year_to);
    }
    if (!sel->len)
        g_string_append(sel, def->own_cohorts ? "the patients of the follow-up cohorts below (analytic cases)"
                                              : "all tumors in the store");
    if (o->selection_text)
        g_string_assign(sel, o->selection_text);
    r.selection = g_string_free(sel, FALSE);
    gboolean ok = o->qa ? TRUE : check_where(&r, error);
    crtk_output *out = NULL;
    if (ok) {
        r.wb = crtk_xlsx_begin(path, FALSE, &out, error);
        ok = r.wb != NULL;
    }
    if (ok) {
        lxw_doc_properties props = {0};
        char *title = g_strdup_printf("%s%s%s", def->title, *r.registry ? " - " : "", r.registry);
        props.title = title;
        props.author = "crtk";
        props.comments = r.selection;
        workbook_set_properties(r.wb, &props);
        make_formats(&r);
        ok = def->build(&r, error);
        g_free(title);
        /* the output module writes data about people owner-only (0600), whole or not at all */
        if (ok)
            ok = crtk_xlsx_commit(r.wb, out, path, error);
        else
            crtk_xlsx_abandon(r.wb, out);
        out = NULL;
    }
    g_free(r.selection);
    g_free(r.registry);
    g_free(r.as_of);
    return ok;
}

#endif

/* The footer's name for the source of a workbook (excel_common.h): needs no libxlsxwriter. */
char *crtk_print_source_name(crtk_store *s, const char *path)
{
    char *name = s ? crtk_store_get_setting(s, "registryName") : NULL;
    if (name && *g_strstrip(name))
        return name;
    g_free(name);
    char *id = s ? crtk_store_get_setting(s, "registryId") : NULL;
    if (id && *g_strstrip(id)) {
        name = g_strdup_printf("Registry %s", id);
        g_free(id);
        return name;
    }
    g_free(id);
    if (!path && s)
        path = crtk_store_path(s);
    return path && *path ? g_path_get_basename(path) : g_strdup("crtk");
}

char *crtk_print_source_name_of_file(const char *path)
{
    if (!path)
        return g_strdup("crtk");
    /* a registry store is an SQLite file: it starts with "SQLite format 3" */
    char head[16] = "";
    FILE *f = fopen(path, "rb");
    gboolean store = f && fread(head, 1, sizeof head, f) == sizeof head && !memcmp(head, "SQLite format 3", 16);
    if (f)
        fclose(f);
    crtk_store *s = store ? crtk_store_open(path, TRUE, NULL) : NULL;
    char *name = crtk_print_source_name(s, path);
    if (s)
        crtk_store_close(s);
    return name;
}

#ifdef CRTK_HAVE_XLSXWRITER
/* ---- stage and top sites ----------------------------------------------------------------------- */

const char *const crtk_stage_labels[CRTK_STAGE_COUNT] = {"In situ", "Localized", "Regional", "Distant",
                                                         "Benign/borderline or N/A", "Unknown/unstaged"};

int crtk_report_stage_group(const char *code)
{
    if (!code || !code[0] || code[1])
        return CRTK_STAGE_UNKNOWN;
    switch (code[0]) {
    case '0': return CRTK_STAGE_IN_SITU;
    case '1': return CRTK_STAGE_LOCAL;
    case '2': case '3': case '4': case '5': return CRTK_STAGE_REGIONAL;
    case '7': return CRTK_STAGE_DISTANT;
    case '8': return CRTK_STAGE_NA;
    default: return CRTK_STAGE_UNKNOWN;
    }
}

static int top_row(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    crtk_counts *c = user;
    crtk_counts_add(c, crtk_report_site_group(v[0], v[1], v[2], v[3]), 0, v[4] ? atol(v[4]) : 0);
    return CRTK_CONTINUE;
}

typedef struct { const char *code; long n; } code_count;

static int cmp_code_count(const void *a, const void *b)
{
    const code_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->code, y->code);
}

GPtrArray *crtk_report_top_sites(crtk_report *r, int n, GError **error)
{
    static const char *const specs[] = {"primarySite", "histologicTypeIcdO3", "behaviorCodeIcdO3", "dateOfDiagnosis:4"};
    crtk_counts *c = crtk_counts_new(1);
    gboolean ok = crtk_report_aggregate(r, specs, G_N_ELEMENTS(specs), top_row, c, error);
    GPtrArray *out = NULL;
    if (ok) {
        guint m = c->row_keys->len;
        code_count *cc = g_new(code_count, m ? m : 1);
        for (guint i = 0; i < m; i++)
            cc[i] = (code_count){g_ptr_array_index(c->row_keys, i), crtk_counts_get(c, (int)i, 0)};
        qsort(cc, m, sizeof *cc, cmp_code_count);
        out = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < m && (int)out->len < n; i++)
            if (strcmp(cc[i].code, "99"))
                g_ptr_array_add(out, g_strdup(cc[i].code));
        g_free(cc);
    }
    crtk_counts_free(c);
    return out;
}
#endif
