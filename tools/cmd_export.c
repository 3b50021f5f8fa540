/* cmd_export.c — `crtk export DB -o FILE`: write cases of a store as NAACCR XML, flat or CSV. */
#include "commands.h"
#include "crtk/convert.h"
#include "crtk/derived.h"
#include "crtk/naaccr_write.h"
#include "crtk/store.h"

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

int cmd_export(int argc, char **argv)
{
    char *output = NULL, *format = NULL, *record_type = NULL, *version = NULL, *where = NULL, *spec = NULL;
    gboolean derived = FALSE;
    gint endpoint = 0;
    GOptionEntry entries[] = {
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "file to write (.xml, .xml.gz, .csv, .txt for flat)", "FILE"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "xml, flat or csv (default: from the file name)", "FMT"},
        {"record-type", 0, 0, G_OPTION_ARG_STRING, &record_type, "A (default), M, C or I (I leaves out confidential items)", "T"},
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "write another NAACCR version (converted)", "V"},
        {"where", 0, 0, G_OPTION_ARG_STRING, &where, "SQL condition over tumor and patient columns (read-only)", "SQL"},
        {"specification-version", 0, 0, G_OPTION_ARG_STRING, &spec, "XML specificationVersion (default 1.8)", "S"},
        {"derived", 0, 0, G_OPTION_ARG_NONE, &derived, "fill derived items: Age at Diagnosis (when empty), survival months and flags, Vital Status Recode", NULL},
        {"study-cutoff", 0, 0, G_OPTION_ARG_INT, &endpoint, "with --derived: survival study cut-off year (default: this year)", "YEAR"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB -o FILE - write cases of a store as a NAACCR file");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx, "Example: crtk export reg.db -o breast.xml --where \"primarySite LIKE 'C50%'\"");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    export_ctx c = {0};
    crtk_dictionary *to = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
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
    fprintf(stderr, "crtk: %s: %ld patient%s, %ld tumor%s written (NAACCR %d, record type %c)\n", output, patients,
            patients == 1 ? "" : "s", tumors, tumors == 1 ? "" : "s", v, crtk_record_type_letter(wo.record_type));
out:
    if (c.w)
        crtk_writer_abandon(c.w);
    crtk_converter_free(c.conv);
    crtk_record_free(c.out);
    if (to)
        crtk_dictionary_unref(to);
    crtk_store_close(s);
    g_free(output), g_free(format), g_free(record_type), g_free(version), g_free(where), g_free(spec);
    g_option_context_free(ctx);
    return rc;
}
