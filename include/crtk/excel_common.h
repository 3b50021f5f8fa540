/* excel_common.h — what the Excel reports share: options, the selection, formats, the title block,
 * small-count suppression, tables with frozen headers and filters, and the list of reports.
 *
 * A report is a function that fills a libxlsxwriter workbook from the store.  It asks the
 * store with plain SQL over `tumor t JOIN patient p ON p.id = t.patient_id` restricted by the
 * selection (crtk_report_aggregate), so every number in a workbook is a count a registrar can redo
 * with one SELECT (docs/reports.md gives them).
 *
 *   crtk_report_options o;  crtk_report_options_init(&o);  o.year_from = 2018;
 *   crtk_report_run(store, crtk_report_find("site-table"), "sites.xlsx", &o, &error);
 */
#ifndef CRTK_EXCEL_COMMON_H
#define CRTK_EXCEL_COMMON_H

#include "export.h"

#include <glib.h>
#include "store.h"
#include "output.h"

typedef struct crtk_report_options {
    const char *where;   /* SQL condition over tumor t and patient p (read-only), or NULL */
    int year_from;       /* year of diagnosis, 0 = no lower bound */
    int year_to;         /* 0 = no upper bound */
    int suppress_below;  /* counts 1..N-1 are shown as "<N" (0 = show all) */
    int top;             /* number of top site groups for stage, trends, survival (default 10) */
    const char *as_of;   /* YYYYMMDD, NULL = today (crtk_today) */
    const char *selection_text;  /* the selection in words, instead of the one made from where and years */
    const char *edit_set;        /* quality: edit set to run (default state-submission; "" = none) */
    const struct crtk_qa *qa;    /* quality: show these results instead of computing them (submission QA) */
    const char *made_by;         /* the command named under each title (default "crtk report NAME") */
    gboolean all_classes;        /* stage and site tables: stage of all classes of case (default: analytic only) */
    gboolean current_year;       /* trends: keep the current (incomplete) year of diagnosis (default: left out) */
    gboolean all_edits;          /* quality: list every edit of the set (default: failing edits only) */
} crtk_report_options;

CRTK_API void crtk_report_options_init(crtk_report_options *o);

/* The name a printed footer gives the source of a workbook (free with g_free): the store's
 * registryName setting, else "Registry " and its registryId setting, else the base name of path
 * (NULL: the store's own file), else "crtk".  s may be NULL (then the base name of path). */
CRTK_API char *crtk_print_source_name(crtk_store *s, const char *path);
/* The same for a file named on the command line: a registry store is opened read-only for its
 * settings; any other file (a NAACCR XML or flat file) is named by its base name. */
CRTK_API char *crtk_print_source_name_of_file(const char *path);

#ifdef CRTK_HAVE_XLSXWRITER
#include <xlsxwriter.h>

typedef struct crtk_report {
    crtk_store *store;
    const crtk_report_options *opt;
    const char *name;          /* report name, e.g. "site-table" */
    lxw_workbook *wb;
    crtk_store_query query;    /* the selection: the user's --where and the diagnosis years */
    char *selection;           /* the selection in words */
    char *registry;            /* registry name (setting registryName) or "" */
    char *as_of;               /* YYYYMMDD */
    int as_of_year;
    /* formats */
    lxw_format *f_title, *f_subtitle, *f_note, *f_header, *f_label, *f_label_bold, *f_count, *f_count_total,
        *f_pct, *f_pct_total, *f_dec, *f_text_right, *f_ok, *f_bad, *f_section,
        *f_pct_few,  /* a share from fewer than 10 cases: "45.0%†" in grey italics */
        *f_note_wrap, /* a note wrapped in its merged cell (made by crtk_report_note_block when first used) */
        *f_label_wrap, *f_label_bold_wrap, /* row labels that wrap (crtk_report_label) */
        *f_chart_label; /* labels of a chart's data in hidden columns: shrunk, never spilling into a printed cell */
} crtk_report;

/* Item specs (crtk_store_aggregate) reports share: the sex item of any NAACCR version
 * (sexAssignedAtBirth from 26, sex before) and the summary stage (coded 2018, derived 2018, coded
 * 2000, derived 2000: the first present). */
#define CRTK_REPORT_SEX_SPEC "sexAssignedAtBirth|sex"
#define CRTK_REPORT_STAGE_SPEC "summaryStage2018|derivedSummaryStage2018|seerSummaryStage2000|derivedSs2000"

/* Counts the selection's tumors grouped by specs (crtk_store_aggregate: the count is the last value). */
CRTK_API gboolean crtk_report_aggregate(crtk_report *r, const char *const *specs, int n, crtk_store_row_fn fn, void *user,
                                        GError **error);
/* Every tumor of the selection with the values of specs (crtk_store_scan_items). */
CRTK_API gboolean crtk_report_scan(crtk_report *r, const char *const *specs, int n, crtk_store_row_fn fn, void *user,
                                   GError **error);

/* A new sheet with the title block (title, registry and date, selection, suppression note, and
 * note when given).  Returns the sheet; *row is set to the first free row. */
CRTK_API lxw_worksheet *crtk_report_sheet(crtk_report *r, const char *sheet_name, const char *title, const char *note,
                                 int *row);
/* A workbook written through crtk/output.h: libxlsxwriter writes a temporary file beside path,
 * which crtk_xlsx_commit renames into place (owner-only) when the workbook closed cleanly; on any
 * error, and in crtk_xlsx_abandon, nothing is left.  constant_memory: rows are written as they come
 * (each row before the next; memory does not grow with the sheet).  NULL with error when the file
 * cannot be made. */
CRTK_API lxw_workbook *crtk_xlsx_begin(const char *path, gboolean constant_memory, crtk_output **out,
                                       GError **error);
/* Closes wb and puts the file in place; FALSE with error (and no file) otherwise.  Frees both. */
CRTK_API gboolean crtk_xlsx_commit(lxw_workbook *wb, crtk_output *out, const char *path, GError **error);
CRTK_API void crtk_xlsx_abandon(lxw_workbook *wb, crtk_output *out);

/* Print setup of any crtk worksheet (the reports', the follow-up list and rates, the edits
 * workbook): Letter paper, fit to the page width (as many pages down as needed), centred, narrow
 * margins, landscape or portrait, the header row repeated on every page (header_row < 0: none), and
 * a footer with left (the registry name; NULL: "crtk"), "As of YYYY-MM-DD" from as_of (YYYYMMDD;
 * NULL: none) and "Page N of M". */
CRTK_API void crtk_sheet_print_setup(lxw_worksheet *ws, const char *left, const char *as_of, gboolean landscape,
                                     int header_row);
/* Lines a cell width characters wide (a column width as Excel counts it: widths of "0" in the
 * default font) needs for text wrapped at its spaces and hyphens, its own line breaks kept; words
 * wider than the cell take the lines they are broken into.  Errs towards more lines: rows are
 * sized from it, since a spreadsheet does not size rows when it opens a file, and a row too short
 * clips its text on paper.  bold: the text is bold (wider). */
CRTK_API int crtk_xlsx_wrapped_lines(const char *text, double width, gboolean bold);
/* Width, in the same units, of the longest word of text that a wrapped cell cannot break (words
 * end at spaces and after hyphens; "Benign/borderline" is one word): a column narrower than it
 * breaks the word in the middle. */
CRTK_API double crtk_xlsx_longest_word(const char *text, gboolean bold);
/* Print setup shared by every sheet (called by crtk_report_sheet): fit to page width, footer
 * with the registry name (crtk_print_source_name when the store has none), the report date and
 * "Page N of M". */
CRTK_API void crtk_report_print_setup(crtk_report *r, lxw_worksheet *ws);
/* Orientation for a table table_width characters wide (landscape past a portrait page) and the
 * header row repeated on every printed page (header_row < 0: none). */
CRTK_API void crtk_report_print_layout(lxw_worksheet *ws, int header_row, double table_width);
/* Sets the width of columns first..last (one column at a time). */
CRTK_API void crtk_report_columns(lxw_worksheet *ws, int first_col, int last_col, double width);
/* Hides the columns holding a chart's data (so they are not printed) and lets the chart plot
 * hidden cells. */
CRTK_API void crtk_report_chart_data(lxw_worksheet *ws, int first_col, int last_col, lxw_chart *chart);
/* Writes text as a note that prints whole: in row y, in one cell merged over columns 0..last_col
 * (width characters wide in all), wrapped, the row tall enough for its lines.  Returns y + 1.
 *
 *   y = crtk_report_note_block(r, ws, y, 16, 180, "Left out: 3 death-certificate-only cases.");
 */
CRTK_API int crtk_report_note_block(crtk_report *r, lxw_worksheet *ws, int y, int last_col, double width,
                                    const char *text);
/* Width of the label column (column 0) of a report sheet, in characters. */
#define CRTK_REPORT_LABEL_WIDTH 42
/* Writes a row label (a site group's name) in column 0, wrapped when it is wider than the column,
 * with the row made tall enough for it: long names print whole, never cut off by the next cell. */
CRTK_API void crtk_report_label(crtk_report *r, lxw_worksheet *ws, int row, const char *text, gboolean bold);
/* Writes a header row (wrapped, tall enough for its longest label), freezes the panes below it
 * and right of the first column, repeats it on every printed page and picks the orientation. */
CRTK_API void crtk_report_header(crtk_report *r, lxw_worksheet *ws, int row, const char *const *labels, int n);
/* Filter buttons on the header row over the rows below it (leave total rows out of last_row). */
CRTK_API void crtk_report_filter(lxw_worksheet *ws, int header_row, int last_row, int ncols);
/* Writes a count, suppressed ("<N") when 0 < n < suppress_below.  Returns TRUE if shown. */
CRTK_API gboolean crtk_report_count(crtk_report *r, lxw_worksheet *ws, int row, int col, long n, lxw_format *f);
/* Writes a share n/d as a percentage; blank when d is 0, "<N" when n (or d) is suppressed. */
CRTK_API void crtk_report_pct(crtk_report *r, lxw_worksheet *ws, int row, int col, long n, long d, lxw_format *f);
/* TRUE when a count would be hidden. */
CRTK_API gboolean crtk_report_suppressed(const crtk_report *r, long n);

/* ---- small-cell suppression that cannot be undone ----
 * A table of counts (nrows x ncols, totals included as ordinary cells) and the sums it
 * publishes ("this cell is the sum of those").  crtk_supp_run hides the counts from 1 to
 * below-1 (primary) and then further cells (complementary: the smallest positive counts of the
 * same sums; never a zero) until no hidden cell can be worked out from the shown cells and the
 * sums — checked by linear algebra over all the sums together, not one sum at a time — and last
 * shows again each complementary cell, the largest first, that the protection does not need.
 * A count written in two places is written from one cell (crtk_report_supp_count with the same
 * row and column), so that it is hidden or shown in both.
 *
 *   crtk_supp *sp = crtk_supp_new(3, 3);            // two rows and their total row
 *   ... crtk_supp_set(sp, row, col, n) for every cell ...
 *   crtk_supp_row_sums(sp, 0, 1, 2);                // column 0 = columns 1 + 2, every row
 *   crtk_supp_col_sums(sp, 2, 0, 1, 0, 2);          // row 2 = rows 0 + 1, every column
 *   crtk_supp_run(sp, 11);
 *   crtk_report_supp_count(r, ws, y, x, sp, row, col, NULL);   // "<11", "x" or the count */
typedef struct crtk_supp crtk_supp;
typedef enum { CRTK_SUPP_SHOWN = 0, CRTK_SUPP_PRIMARY, CRTK_SUPP_COMPLEMENT } crtk_supp_state;

CRTK_API crtk_supp *crtk_supp_new(int nrows, int ncols);
CRTK_API void crtk_supp_free(crtk_supp *s);
CRTK_API void crtk_supp_set(crtk_supp *s, int row, int col, long n);
CRTK_API long crtk_supp_get(const crtk_supp *s, int row, int col);
/* Publishes: cell (trow, tcol) = sum of the n cells (rows[k], cols[k]). */
CRTK_API void crtk_supp_sum(crtk_supp *s, int trow, int tcol, const int *rows, const int *cols, int n);
/* Marks cell (row, col) as not written on the sheet, though it follows from what is (such as the
 * cases of the site groups a table leaves out: "All sites" minus the rows shown).  It is taken as
 * known to the reader unless hidden; a small one (1 to below-1) is hidden and protected like the
 * others, and a positive one is the first choice of complementary cell (hiding it costs the
 * reader nothing).  crtk_supp_count does not count it. */
CRTK_API void crtk_supp_unpublished(crtk_supp *s, int row, int col);
/* Publishes, for every row, (row, tcol) = sum of columns c0..c1 of that row. */
CRTK_API void crtk_supp_row_sums(crtk_supp *s, int tcol, int c0, int c1);
/* Publishes, for every column c in c0..c1, (trow, c) = sum of rows r0..r1 of that column. */
CRTK_API void crtk_supp_col_sums(crtk_supp *s, int trow, int r0, int r1, int c0, int c1);
/* Hides (see above); below <= 1 hides nothing. */
CRTK_API void crtk_supp_run(crtk_supp *s, int below);
CRTK_API crtk_supp_state crtk_supp_state_of(const crtk_supp *s, int row, int col);
CRTK_API int crtk_supp_count(const crtk_supp *s, crtk_supp_state st);
/* TRUE when some hidden cell's value follows from the shown cells and the sums (used by
 * crtk_supp_run and by the tests); *cell gets its index (row * ncols + col) if given. */
CRTK_API gboolean crtk_supp_derivable(const crtk_supp *s, int *cell);
/* Writes cell (row, col) of the table at sheet position (y, x): the count, "<N" (primary) or
 * "x" (complementary).  Returns TRUE when the count is shown. */
CRTK_API gboolean crtk_report_supp_count(crtk_report *r, lxw_worksheet *ws, int y, int x, const crtk_supp *s, int row, int col,
                                 lxw_format *f);
/* A share n/d that is written only when both counts are shown ("*" otherwise). */
CRTK_API void crtk_report_supp_pct(crtk_report *r, lxw_worksheet *ws, int y, int x, long n, gboolean n_shown, long d,
                          gboolean d_shown, lxw_format *f);
/* The note under the table saying what was suppressed and why (nothing when none was). */
CRTK_API void crtk_report_supp_note(crtk_report *r, lxw_worksheet *ws, int y, const crtk_supp *s);
/* The same note followed by extra (NULL: nothing more), written so that it prints whole
 * (crtk_report_note_block over columns 0..last_col, width characters).  Returns the row after it,
 * or y when nothing was suppressed. */
CRTK_API int crtk_report_supp_note_block(crtk_report *r, lxw_worksheet *ws, int y, const crtk_supp *s, int last_col,
                                         double width, const char *extra);

/* TRUE for an analytic case (class of case 00, 10-14, 20-22). */
CRTK_API gboolean crtk_report_is_analytic(const char *class_of_case);
/* Words for the notes: "analytic cases only (class of case 00, 10-14, 20-22)" or "all classes of case". */
CRTK_API const char *crtk_report_classes_text(const crtk_report *r);

/* Year of diagnosis of a NAACCR date text, 0 if unknown. */
CRTK_API int crtk_report_year(const char *date);

/* ---- a simple table of counts: rows × columns, built from aggregated query rows ---- */
typedef struct crtk_counts {
    GPtrArray *row_keys;    /* char*: in order of first use unless sorted */
    GHashTable *row_index;  /* key -> index+1 */
    int ncols;
    GArray *cells;          /* long[nrows * ncols] */
} crtk_counts;

CRTK_API crtk_counts *crtk_counts_new(int ncols);
CRTK_API void crtk_counts_free(crtk_counts *c);
CRTK_API int crtk_counts_row(crtk_counts *c, const char *key);          /* index, adding the row if new */
CRTK_API void crtk_counts_add(crtk_counts *c, const char *row_key, int col, long n);
CRTK_API long crtk_counts_get(const crtk_counts *c, int row, int col);
CRTK_API long crtk_counts_row_total(const crtk_counts *c, int row);
CRTK_API long crtk_counts_col_total(const crtk_counts *c, int col);
/* Sorts rows by key (strcmp). */
CRTK_API void crtk_counts_sort_keys(crtk_counts *c);
#endif

/* ---- the reports -------------------------------------------------------------------------- */
typedef struct crtk_report_def {
    const char *name;
    const char *title;
    const char *description;   /* one paragraph for crtk report --list */
#ifdef CRTK_HAVE_XLSXWRITER
    gboolean (*build)(crtk_report *r, GError **error);
#else
    void *build;
#endif
    gboolean own_cohorts;      /* the report chooses its patients (followup): a --where or --years is refused */
} crtk_report_def;

/* All reports in --list order (n set to their number). */
CRTK_API const crtk_report_def *crtk_reports(int *n);
CRTK_API const crtk_report_def *crtk_report_find(const char *name);
/* Builds a report into path (.xlsx).  FALSE with error on a bad selection, a store or file error,
 * or when crtk was built without libxlsxwriter. */
CRTK_API gboolean crtk_report_run(crtk_store *s, const crtk_report_def *def, const char *path, const crtk_report_options *o,
                         GError **error);

/* The SEER Site Recode 2023 group of a tumor ("01".."81", "99") and its label. */
CRTK_API const char *crtk_report_site_group(const char *site, const char *hist, const char *beh, const char *dxdate);
CRTK_API const char *crtk_report_site_label(const char *code);

#endif
