/* cmd_sql.c — `crtk sql DB "SELECT ..."`: a read-only query over a store, with crtk's SQL functions
 * (derived variables: crtk_seer_site_recode, crtk_iccc, crtk_aya, crtk_age_at_dx, crtk_age_group, ...),
 * printed as CSV (default), JSON Lines or aligned text. */
#include "commands.h"
#include "crtk/excel_common.h"
#include "crtk/json.h"
#include "crtk/csv.h"
#include "crtk/store.h"
#include "crtk/listing_xlsx.h"

#include <string.h>

typedef struct {
    int format; /* 0 csv, 1 json, 2 text, 3 xlsx */
    gboolean header_done;
    long rows;
    const char *output, *title, *footer; /* xlsx */
    crtk_listing_xlsx *x;
    GError *error;
} sql_ctx;

/* --format xlsx: text values as text cells (codes and ids keep their leading zeros), numbers (a
 * count, an average) as number cells; the workbook is made at the first row, when the column
 * names are known. */
static int xlsx_row(int n, const char *const *v, const gboolean *numbers, const char *const *names, void *user)
{
    sql_ctx *c = user;
    if (!c->x) {
        c->x = crtk_listing_xlsx_open(c->output, c->title, c->footer, names, NULL, n, &c->error);
        if (!c->x)
            return CRTK_ABORT;
    }
    c->rows++;
    return crtk_listing_xlsx_row_typed(c->x, v, numbers, n) ? CRTK_CONTINUE : CRTK_ABORT;
}

static int print_row(int n, const char *const *v, const gboolean *numbers, const char *const *names, void *user)
{
    sql_ctx *c = user;
    if (c->format == 3)
        return xlsx_row(n, v, numbers, names, c);
    GString *s = g_string_new(NULL);
    if (c->format != 1 && !c->header_done) {
        for (int i = 0; i < n; i++) {
            if (c->format == 0)
                crtk_csv_append_field(s, names[i], i == 0);
            else
                g_string_append_printf(s, "%s%s", i ? "\t" : "", names[i]);
        }
        puts(s->str);
        g_string_truncate(s, 0);
        c->header_done = TRUE;
    }
    if (c->format == 1) {
        g_string_append_c(s, '{');
        for (int i = 0; i < n; i++) {
            if (i)
                g_string_append_c(s, ',');
            crtk_json_append_string(s, names[i], -1);
            g_string_append_c(s, ':');
            if (v[i])
                crtk_json_append_string(s, v[i], -1);
            else
                g_string_append(s, "null");
        }
        g_string_append_c(s, '}');
    } else {
        for (int i = 0; i < n; i++) {
            if (c->format == 0)
                crtk_csv_append_field(s, v[i], i == 0);
            else
                g_string_append_printf(s, "%s%s", i ? "\t" : "", v[i] ? v[i] : "");
        }
    }
    puts(s->str);
    g_string_free(s, TRUE);
    c->rows++;
    return 0;
}

int cmd_sql(int argc, char **argv)
{
    char *format = NULL, *output = NULL;
    int time_limit = 60;
    GOptionEntry entries[] = {
        {"time-limit", 0, 0, G_OPTION_ARG_INT, &time_limit, "stop a query after SECONDS (default 60; 0 none)",
         "SECONDS"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "csv (default), json (JSON Lines), text, or xlsx (with -o)", "FMT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "the workbook to write (FILE.xlsx; --format xlsx then goes without saying)", "FILE"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB \"SELECT ...\" - a read-only query with crtk's SQL functions");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Tables: patient, tumor (tumor.patient_id = patient.id), one column per NAACCR item named by\n"
        "naaccrId.  Functions: see docs/derived.md (crtk_seer_site_recode, crtk_iccc, crtk_aya,\n"
        "crtk_age_at_dx, crtk_age_group, crtk_recode_label, ...).  Only reading is allowed.\n"
        "Example: crtk sql reg.db \"SELECT crtk_seer_site_recode(primarySite, histologicTypeIcdO3,\n"
        "         behaviorCodeIcdO3, dateOfDiagnosis) AS site, count(*) FROM tumor GROUP BY site\"");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc != 3) {
        crtk_cli_error("sql: give DB and one SELECT statement (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    sql_ctx c = {0};
    if (!format && output && (g_str_has_suffix(output, ".xlsx") || g_str_has_suffix(output, ".XLSX")))
        c.format = 3; /* the name picks the format */
    else if (!format || !strcmp(format, "csv"))
        c.format = 0;
    else if (!strcmp(format, "json"))
        c.format = 1;
    else if (!strcmp(format, "text"))
        c.format = 2;
    else if (!strcmp(format, "xlsx"))
        c.format = 3;
    else {
        crtk_cli_error("sql: --format must be csv, json, text or xlsx");
        rc = EXIT_USAGE;
        goto out;
    }
    if ((c.format == 3) != (output != NULL) ||
        (output && !(g_str_has_suffix(output, ".xlsx") || g_str_has_suffix(output, ".XLSX")))) {
        crtk_cli_error(c.format == 3 ? "sql: --format xlsx writes a workbook: -o FILE.xlsx"
                                     : "sql: -o is for --format xlsx (FILE.xlsx); other formats go to standard output");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], TRUE, NULL, "sql");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    crtk_store_set_query_time_limit(s, time_limit < 0 ? 0 : time_limit);
    char *source = crtk_print_source_name(s, argv[1]); /* the footer: the registry's name */
    c.output = output;
    c.footer = source;
    c.title = argv[2];
    if (!crtk_store_select_typed(s, argv[2], NULL, 0, print_row, &c, &error) || c.error) {
        crtk_cli_error("%s", c.error ? c.error->message : error->message);
        g_clear_error(&error);
        g_clear_error(&c.error);
        crtk_listing_xlsx_abandon(c.x);
        c.x = NULL;
        rc = EXIT_USAGE;
    } else if (c.format == 3) {
        if (!c.x) /* no row: the header still tells what was asked */
            c.x = crtk_listing_xlsx_open(output, argv[2], source, (const char *const[]){"(no rows)"}, NULL, 1, &error);
        if (!c.x || !crtk_listing_xlsx_close(c.x, &error)) {
            crtk_cli_error("sql: %s", error->message);
            g_error_free(error);
            rc = EXIT_USAGE;
        } else {
            fprintf(stderr, "crtk: %s: %ld row%s\n", output, c.rows, c.rows == 1 ? "" : "s");
        }
        c.x = NULL;
    }
    g_free(source);
out:
    crtk_store_close(s);
    g_free(format);
    g_free(output);
    g_option_context_free(ctx);
    return rc;
}
