/* cmd_export.c — `crtk export DB -o FILE`: write cases of a store as NAACCR XML, flat or CSV. */
#include "commands.h"
#include "crtk/convert.h"
#include "crtk/derived.h"
#include "crtk/excel_common.h"
#include "crtk/json.h"
#include "crtk/naaccr_write.h"
#include "crtk/store.h"
#include "crtk/case_view.h"
#include "crtk/codes.h"
#include "crtk/listing_xlsx.h"

#include <string.h>

typedef struct {
    crtk_writer *w;
    crtk_converter *conv;
    crtk_record *out;
    GError *error;
    gboolean derive;               /* --derived: compute derived items into each record */
    crtk_survival_options surv;
} export_ctx;

static int export_one(crtk_stored_patient *p, void *user)
{
    export_ctx *c = user;
    if (c->derive)
        crtk_derived_fill_record(p->record, &c->surv);
    const crtk_record *r = p->record;
    if (c->conv) {
        crtk_converter_record(c->conv, p->record, c->out);
        r = c->out;
    }
    if (!crtk_writer_write(c->w, r, &c->error))
        return CRTK_ABORT;
    return CRTK_CONTINUE;
}

/* ---- a listing a person opens: --format xlsx --columns ITEM,... ------------------------------- */

typedef struct {
    crtk_listing_xlsx *x;
    int n_items;
    const crtk_item **items;
    gboolean *meaning;   /* a column of meanings after this item's */
    int *state_at;       /* for a county column, where its address's state is in a row (else -1) */
    char (*words)[96];   /* a county's meaning in words, one buffer per column (the row points to them) */
    const char **row;
    int n_cols;
} listing_ctx;

static int listing_row(int ncols, const char *const *v, const char *const *names, void *user)
{
    (void)ncols, (void)names;
    listing_ctx *c = user;
    int k = 0;
    for (int i = 0; i < c->n_items; i++) {
        const char *val = v[2 + i]; /* after the patient and tumor row ids */
        c->row[k++] = val;
        if (!c->meaning[i])
            continue;
        const char *m = NULL;
        if (val && *val && c->state_at[i] >= 0) /* a county: named with the state of its address */
            m = crtk_county_meaning(v[c->state_at[i]], val, c->words[i], sizeof c->words[i]);
        c->row[k++] = m ? m : val && *val ? crtk_code_label(c->items[i]->id, val) : NULL;
    }
    return crtk_listing_xlsx_row(c->x, c->row, c->n_cols) ? CRTK_CONTINUE : CRTK_ABORT;
}

/* One row per tumor of the selection with the columns asked for (patient items repeated on each of
 * the patient's tumors), as text cells; --meanings adds the code's meaning beside each coded item. */
static int export_listing(crtk_store *s, const char *db, const char *output, const char *columns, const char *where,
                          gboolean meanings)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    char **names = g_strsplit(columns, ",", -1);
    int n = (int)g_strv_length(names), rc = EXIT_OK;
    listing_ctx c = {.items = g_new0(const crtk_item *, n + 1),
                     .meaning = g_new0(gboolean, n + 1),
                     .state_at = g_new0(int, n + 1),
                     .words = g_malloc0_n((gsize)n + 1, sizeof(char[96]))};
    GPtrArray *scan = g_ptr_array_new(); /* the items read: the columns, then the states counties need */
    GPtrArray *heads = g_ptr_array_new_with_free_func(g_free);
    GArray *widths = g_array_new(FALSE, FALSE, sizeof(double));
    for (int i = 0; i < n; i++) {
        g_strstrip(names[i]);
        const crtk_item *it = *names[i] ? crtk_dictionary_lookup(d, names[i]) : NULL;
        if (!it || it->level == CRTK_LEVEL_ROOT) {
            GPtrArray *sug = *names[i] ? crtk_dictionary_suggest(d, names[i], 3) : g_ptr_array_new();
            crtk_cli_error("export: --columns: NAACCR %d has no %sitem %s%s%s%s", crtk_store_version(s),
                           it ? "patient or tumor " : "", names[i], sug->len ? "; did you mean " : "",
                           sug->len ? (char *)sug->pdata[0] : "", sug->len ? "?" : "");
            g_ptr_array_free(sug, TRUE);
            rc = EXIT_USAGE;
            goto out;
        }
        c.items[i] = it;
        g_ptr_array_add(scan, (gpointer)it->id);
        c.state_at[i] = -1;
        double w = it->length + 2 < 10 ? 10 : it->length + 2 > 30 ? 30 : it->length + 2;
        g_ptr_array_add(heads, g_strdup_printf("%s [%d]", it->name, it->number));
        g_array_append_val(widths, w);
        int nl = 0;
        c.meaning[i] = meanings && crtk_code_list(it->id, &nl) != NULL;
        if (c.meaning[i]) {
            double mw = 30;
            g_ptr_array_add(heads, g_strdup_printf("%s: meaning", it->name));
            g_array_append_val(widths, mw);
        }
    }
    for (int i = 0; i < n; i++) {
        const char *state_id = c.meaning[i] ? crtk_county_state_item(c.items[i]) : NULL;
        const crtk_item *st = state_id ? crtk_dictionary_find(d, state_id) : NULL;
        if (st) { /* read after the columns; row values start after the patient and tumor ids */
            c.state_at[i] = 2 + (int)scan->len;
            g_ptr_array_add(scan, (gpointer)st->id);
        }
    }
    c.n_items = n;
    c.n_cols = (int)heads->len;
    c.row = g_new0(const char *, c.n_cols + 1);
    GError *error = NULL;
    char *base = g_path_get_basename(db);
    char *title = g_strdup_printf("Cases of %s%s%s", base, where && *where ? " where " : "", where ? where : "");
    char *source = crtk_print_source_name(s, db); /* the footer: the registry's name */
    c.x = crtk_listing_xlsx_open(output, title, source, (const char *const *)heads->pdata,
                                 (const double *)(void *)widths->data, c.n_cols, &error);
    g_free(source);
    g_free(title);
    g_free(base);
    if (!c.x) {
        crtk_cli_error("export: %s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
        goto out;
    }
    crtk_store_query q = {.where = where};
    gboolean scanned =
        crtk_store_scan_items(s, &q, (const char *const *)scan->pdata, (int)scan->len, listing_row, &c, &error);
    long rows = crtk_listing_xlsx_rows(c.x);
    if (!scanned) {
        crtk_cli_error("export: %s", error->message);
        g_error_free(error);
        crtk_listing_xlsx_abandon(c.x);
        rc = EXIT_USAGE;
    } else if (!crtk_listing_xlsx_close(c.x, &error)) {
        crtk_cli_error("export: %s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
    } else {
        GString *f = g_string_new(NULL);
        crtk_json_field_str(f, "output", output, FALSE);
        crtk_json_field_int(f, "tumors", rows, FALSE);
        crtk_json_field_int(f, "columns", c.n_cols, FALSE);
        crtk_cli_message("info", FALSE, f, "%s: %ld tumor%s listed, %d column%s", output, rows, rows == 1 ? "" : "s",
                         c.n_cols, c.n_cols == 1 ? "" : "s");
        g_string_free(f, TRUE);
    }
out:
    g_strfreev(names);
    g_free(c.items);
    g_free(c.meaning);
    g_free(c.state_at);
    g_free(c.words);
    g_free(c.row);
    g_ptr_array_free(scan, TRUE);
    g_ptr_array_free(heads, TRUE);
    g_array_free(widths, TRUE);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    char *output = NULL, *format = NULL, *record_type = NULL, *version = NULL, *where = NULL, *spec = NULL;
    char *columns = NULL, *messages = NULL;
    gboolean derived = FALSE, meanings = FALSE;
    gint endpoint = 0;
    GOptionEntry entries[] = {
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "file to write (.xml, .xml.gz, .csv, .txt for flat)", "FILE"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "xml, flat, csv, or xlsx for a listing (default: from the file name)", "FMT"},
        {"columns", 0, 0, G_OPTION_ARG_STRING, &columns, "with xlsx: the items to list, naaccrIds or item numbers, comma-separated", "ITEM,..."},
        {"meanings", 0, 0, G_OPTION_ARG_NONE, &meanings, "with xlsx: the meaning of each code beside its column", NULL},
        {"record-type", 0, 0, G_OPTION_ARG_STRING, &record_type, "A (default), M, C or I (I leaves out confidential items)", "T"},
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "write another NAACCR version (converted)", "V"},
        {"where", 0, 0, G_OPTION_ARG_STRING, &where, "SQL condition over tumor and patient columns (read-only)", "SQL"},
        {"specification-version", 0, 0, G_OPTION_ARG_STRING, &spec, "XML specificationVersion (default 1.8)", "S"},
        {"derived", 0, 0, G_OPTION_ARG_NONE, &derived, "fill derived items: Age at Diagnosis (when empty), survival months and flags, Vital Status Recode", NULL},
        {"study-cutoff", 0, 0, G_OPTION_ARG_INT, &endpoint, "with --derived: survival study cut-off year (default: this year)", "YEAR"},
        {"messages", 0, 0, G_OPTION_ARG_STRING, &messages, "text (default) or json: messages as JSON Lines on "
         "standard output (standard error when -o is -)", "FMT"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB -o FILE - write cases of a store as a NAACCR file");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx, "Example: crtk export reg.db -o breast.xml --where \"primarySite LIKE 'C50%'\"\n"
                                          "A listing to open in a spreadsheet (one row per tumor, every value as text):\n"
                                          "  crtk export reg.db -o breast.xlsx --columns patientIdNumber,nameLast,primarySite,400 --meanings");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    export_ctx c = {0};
    crtk_dictionary *to = NULL;
    gboolean json = FALSE;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (!crtk_cli_messages_parse("export", messages, &json)) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (json)
        crtk_cli_messages_json(output && !strcmp(output, "-") ? stderr : stdout);
    if (argc != 2 || !output) {
        crtk_cli_error("export: give DB and -o FILE (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], TRUE, NULL, "export");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    gboolean xlsx = (format && !g_ascii_strcasecmp(format, "xlsx")) || g_str_has_suffix(output, ".xlsx") ||
                    g_str_has_suffix(output, ".XLSX");
    if (xlsx) {
        if ((format && g_ascii_strcasecmp(format, "xlsx")) || !(g_str_has_suffix(output, ".xlsx") || g_str_has_suffix(output, ".XLSX"))) {
            crtk_cli_error("export: %s: a listing is a workbook: name it .xlsx and use --format xlsx (or leave --format out)", output);
            rc = EXIT_USAGE;
        } else if (!columns || !*columns) {
            crtk_cli_error("export: a listing names its columns: --columns ITEM,... (naaccrIds or item numbers)");
            rc = EXIT_USAGE;
        } else if (record_type || version || spec || derived) {
            crtk_cli_error("export: --record-type, --naaccr-version, --specification-version and --derived are for NAACCR files, not a listing");
            rc = EXIT_USAGE;
        } else {
            rc = export_listing(s, argv[1], output, columns, where, meanings);
        }
        goto out;
    }
    if (columns || meanings) {
        crtk_cli_error("export: --columns and --meanings make a listing: -o FILE.xlsx");
        rc = EXIT_USAGE;
        goto out;
    }
    crtk_write_options wo;
    crtk_write_options_init(&wo);
    /* the file's name and its format agree, or nothing is written (a workbook named .xlsx holding
     * XML would open as garbage in front of a person) */
    crtk_format named = strcmp(output, "-") ? crtk_format_from_name(output) : CRTK_FORMAT_UNKNOWN;
    wo.format = format ? crtk_format_parse(format) : named;
    if (format && wo.format == CRTK_FORMAT_UNKNOWN) {
        crtk_cli_error("export: --format must be xml, flat or csv, not %s", format);
        rc = EXIT_USAGE;
        goto out;
    }
    if (strcmp(output, "-") && named == CRTK_FORMAT_UNKNOWN) {
        crtk_cli_error("export: %s: name the output .xml, .xml.gz, .csv or .txt (flat): export writes NAACCR XML, "
                       "CSV or flat files", output);
        rc = EXIT_USAGE;
        goto out;
    }
    if (format && named != CRTK_FORMAT_UNKNOWN && named != wo.format) {
        crtk_cli_error("export: %s is named as %s but --format is %s", output, crtk_format_name(named), format);
        rc = EXIT_USAGE;
        goto out;
    }
    if (wo.format == CRTK_FORMAT_UNKNOWN)
        wo.format = CRTK_FORMAT_XML;
    wo.record_type = record_type ? crtk_record_type_parse(record_type) : CRTK_RT_A;
    wo.specification_version = spec;
    if (!wo.record_type) {
        crtk_cli_error("export: --record-type must be A, M, C or I");
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    crtk_dictionary *from = crtk_store_dictionary(s);
    int v = version ? crtk_naaccr_version_parse(version) : crtk_store_version(s);
    if (!v) {
        crtk_cli_error("export: unknown NAACCR version %s (known: %s)", version, crtk_cli_known_versions());
        rc = EXIT_USAGE;
        goto out;
    }
    to = v == crtk_store_version(s) ? crtk_dictionary_ref(from) : crtk_dictionary_new(v, &error);
    if (!to) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
        goto out;
    }
    c.derive = derived;
    c.surv.endpoint_year = endpoint;
    c.conv = crtk_converter_new(from, to, wo.record_type);
    if (crtk_converter_is_identity(c.conv) && wo.record_type == CRTK_RT_A) {
        crtk_converter_free(c.conv);
        c.conv = NULL;
    } else {
        c.out = crtk_record_new(to);
    }
    crtk_header *h = crtk_header_new(to, wo.record_type);
    char *rid = crtk_store_get_setting(s, "registryId");
    if (rid)
        crtk_element_set_id(&h->root, to, "registryId", rid);
    g_free(rid);
    c.w = crtk_writer_open(output, to, h, &wo, &error);
    crtk_header_free(h);
    if (!c.w) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
        goto out;
    }
    if (!crtk_store_foreach(s, where, export_one, &c, &error) || c.error) {
        crtk_cli_error("%s", c.error ? c.error->message : error->message);
        g_clear_error(&error);
        g_clear_error(&c.error);
        crtk_writer_abandon(c.w);
        c.w = NULL;
        rc = EXIT_USAGE;
        goto out;
    }
    long patients = c.w->patients, tumors = c.w->tumors;
    if (!crtk_writer_close(c.w, &error)) {
        c.w = NULL;
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
        goto out;
    }
    c.w = NULL;
    if (c.conv)
        crtk_converter_report(c.conv, argv[1], (crtk_problem_fn)crtk_cli_print_problem, NULL);
    GString *f = g_string_new(NULL);
    crtk_json_field_str(f, "output", output, FALSE);
    crtk_json_field_int(f, "patients", patients, FALSE);
    crtk_json_field_int(f, "tumors", tumors, FALSE);
    crtk_json_field_int(f, "naaccrVersion", v, FALSE);
    char rt[2] = {crtk_record_type_letter(wo.record_type), 0};
    crtk_json_field_str(f, "recordType", rt, FALSE);
    crtk_cli_message("info", FALSE, f, "%s: %ld patient%s, %ld tumor%s written (NAACCR %d, record type %c)", output,
                     patients, patients == 1 ? "" : "s", tumors, tumors == 1 ? "" : "s", v,
                     crtk_record_type_letter(wo.record_type));
    g_string_free(f, TRUE);
out:
    if (c.w)
        crtk_writer_abandon(c.w);
    crtk_converter_free(c.conv);
    crtk_record_free(c.out);
    if (to)
        crtk_dictionary_unref(to);
    crtk_store_close(s);
    g_free(output), g_free(format), g_free(record_type), g_free(version), g_free(where), g_free(spec), g_free(columns), g_free(messages);
    crtk_cli_messages_json(NULL);
    g_option_context_free(ctx);
    return rc;
}
