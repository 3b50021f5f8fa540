/* cmd_convert.c — `crtk convert IN OUT`: NAACCR file to file, streaming, with no store.
 *
 * Formats come from the file names (.xml, .xml.gz, .csv, .txt/.dat/.fwf for
 * flat) or --from/--to.  The target version (--naaccr-version) and record type
 * (--record-type) default to the input's.  Problems of the input are printed to
 * standard error with their place; items the target cannot hold are listed
 * with counts.  A fatal problem removes the partial output.
 * Exit 0: written, input clean; 1: written but the input had errors, or fatal; 2: usage.
 */
#include "commands.h"
#include "crtk/convert_file.h"
#include "crtk/json.h"

#include <string.h>

typedef struct {
    long problems_shown, max_problems;
    gboolean quiet;
} convert_ctx;

static int on_problem(const crtk_problem *p, void *user)
{
    convert_ctx *c = user;
    if (c->quiet && p->severity == CRTK_SEVERITY_WARNING)
        return CRTK_CONTINUE;
    if (c->max_problems > 0 && c->problems_shown >= c->max_problems)
        return CRTK_CONTINUE;
    c->problems_shown++;
    return crtk_cli_print_problem(p, NULL);
}

int cmd_convert(int argc, char **argv)
{
    char **user_dicts = NULL;
    char *from = NULL, *to = NULL, *version = NULL, *record_type = NULL, *spec = NULL, *messages = NULL;
    gboolean relaxed = FALSE, ignore_unknown = FALSE, no_grouping = FALSE, numbers = FALSE, zero = FALSE;
    gboolean drop_ext = FALSE, quiet = FALSE;
    gint max_problems = 100;
    GOptionEntry entries[] = {
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "target NAACCR version (default: the input's)", "V"},
        {"record-type", 0, 0, G_OPTION_ARG_STRING, &record_type, "target record type A, M, C or I (default: the input's)", "T"},
        {"user-dictionary", 'u', 0, G_OPTION_ARG_FILENAME_ARRAY, &user_dicts, "NAACCR user dictionary XML (repeatable)", "FILE"},
        {"from", 0, 0, G_OPTION_ARG_STRING, &from, "input format xml, flat or csv (default: from the name or content)", "FMT"},
        {"to", 0, 0, G_OPTION_ARG_STRING, &to, "output format xml, flat or csv (default: from the name)", "FMT"},
        {"relaxed", 0, 0, G_OPTION_ARG_NONE, &relaxed, "accept a missing NAACCR namespace (XML input)", NULL},
        {"ignore-unknown", 0, 0, G_OPTION_ARG_NONE, &ignore_unknown, "unknown items are warnings (and dropped)", NULL},
        {"no-grouping", 0, 0, G_OPTION_ARG_NONE, &no_grouping, "flat/CSV input: each line is its own patient", NULL},
        {"write-item-numbers", 0, 0, G_OPTION_ARG_NONE, &numbers, "XML output: naaccrNum on every Item", NULL},
        {"zero-padding", 0, 0, G_OPTION_ARG_NONE, &zero, "XML output: apply leftZero padding of the dictionary", NULL},
        {"drop-extensions", 0, 0, G_OPTION_ARG_NONE, &drop_ext, "XML output: leave out extension elements", NULL},
        {"specification-version", 0, 0, G_OPTION_ARG_STRING, &spec, "XML output: specificationVersion (default 1.8)", "S"},
        {"max-problems", 0, 0, G_OPTION_ARG_INT, &max_problems, "print at most N input problems (default 100; 0 = all)", "N"},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "do not print warnings", NULL},
        {"messages", 0, 0, G_OPTION_ARG_STRING, &messages, "text (default) or json: problems and the summary as "
         "JSON Lines on standard output (standard error when OUT is -)", "FMT"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("IN OUT - convert a NAACCR file between XML, flat and CSV and between versions");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Examples:\n"
        "  crtk convert cases.xml.gz cases.csv\n"
        "  crtk convert old.txt new.xml --naaccr-version 26      (flat 18 to XML 26)\n"
        "  crtk convert abstracts.xml incidence.xml --record-type I   (drops confidential items)\n"
        "Flat output exists only for NAACCR 14-18; newer versions are XML only.");
    int rc = EXIT_OK;
    GPtrArray *dicts = NULL;
    convert_ctx c = {.max_problems = max_problems, .quiet = quiet};
    crtk_convert_options o;
    crtk_convert_options_init(&o);
    gboolean json = FALSE;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (!crtk_cli_messages_parse("convert", messages, &json)) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (json)
        crtk_cli_messages_json(argc == 3 && !strcmp(argv[2], "-") ? stderr : stdout);
    if (argc != 3) {
        crtk_cli_error("convert: give IN and OUT (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    const char *in_path = argv[1], *out_path = argv[2];
    o.write.format = to ? crtk_format_parse(to) : crtk_format_from_name(out_path);
    if (to && o.write.format == CRTK_FORMAT_UNKNOWN) {
        crtk_cli_error("convert: --to must be xml, flat or csv");
        rc = EXIT_USAGE;
        goto out;
    }
    if (o.write.format == CRTK_FORMAT_UNKNOWN && crtk_cli_format_of_name(out_path)) {
        /* a name crtk knows as something else (.xlsx, .pdf, .json): not a NAACCR file */
        crtk_cli_error("convert: %s: convert writes NAACCR XML, flat or CSV files: name the output .xml, "
                       ".xml.gz, .csv or .txt (flat)%s", out_path,
                       !strcmp(crtk_cli_format_of_name(out_path), "xlsx")
                           ? " (a workbook of chosen items is crtk export DB --columns ... -o FILE.xlsx)" : "");
        rc = EXIT_USAGE;
        goto out;
    }
    if (o.write.format == CRTK_FORMAT_UNKNOWN)
        o.write.format = CRTK_FORMAT_XML;
    if (to && !crtk_cli_output_name_fits("convert", out_path, crtk_format_name(o.write.format))) {
        rc = EXIT_USAGE;
        goto out;
    }
    o.write.write_item_numbers = numbers;
    o.write.zero_padding = zero;
    o.write.drop_extensions = drop_ext;
    o.write.specification_version = spec;
    o.from = crtk_format_parse(from);
    if (from && o.from == CRTK_FORMAT_UNKNOWN) {
        crtk_cli_error("convert: --from must be xml, flat or csv");
        rc = EXIT_USAGE;
        goto out;
    }
    if (version && !(o.target_version = crtk_naaccr_version_parse(version))) {
        crtk_cli_error("convert: unknown NAACCR version %s (known: %s)", version, crtk_cli_known_versions());
        rc = EXIT_USAGE;
        goto out;
    }
    if (record_type && !(o.target_record_type = crtk_record_type_parse(record_type))) {
        crtk_cli_error("convert: --record-type must be A, M, C or I");
        rc = EXIT_USAGE;
        goto out;
    }
    if (o.write.format == CRTK_FORMAT_FLAT && o.target_version > 180) {
        crtk_cli_error("convert: NAACCR %d has no fixed-width (flat) layout; official flat layouts end with "
                       "version 18 and later versions are exchanged as XML only (write .xml or .csv, or use "
                       "--naaccr-version 18)", o.target_version);
        rc = EXIT_USAGE;
        goto out;
    }
    if (!strcmp(in_path, out_path)) {
        crtk_cli_error("convert: IN and OUT are the same file");
        rc = EXIT_USAGE;
        goto out;
    }
    dicts = crtk_cli_load_user_dictionaries(user_dicts);
    if (!dicts) {
        rc = EXIT_USAGE;
        goto out;
    }
    o.read.relaxed_namespace = relaxed;
    o.read.ignore_unknown = ignore_unknown;
    o.read.no_grouping = no_grouping;
    o.read.user_dictionaries = dicts;
    o.report_changes = !quiet;
    crtk_convert_result res;
    GError *error = NULL;
    int r = crtk_convert_file(in_path, out_path, &o, on_problem, &c, &res, &error);
    if (r != 0) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        rc = r < 0 ? EXIT_DATA : EXIT_USAGE;
        goto out;
    }
    if (res.removed_controls && !quiet)
        crtk_cli_message("warning", FALSE, NULL, "%ld control character%s left out of values (XML 1.0 cannot hold them)",
                         res.removed_controls, res.removed_controls == 1 ? "" : "s");
    GString *f = g_string_new(NULL);
    crtk_json_field_str(f, "input", in_path, FALSE);
    crtk_json_field_str(f, "output", out_path, FALSE);
    crtk_json_field_int(f, "patients", res.patients, FALSE);
    crtk_json_field_int(f, "tumors", res.tumors, FALSE);
    crtk_json_field_int(f, "naaccrVersion", res.version, FALSE);
    char rt[2] = {crtk_record_type_letter(res.record_type), 0};
    crtk_json_field_str(f, "recordType", rt, FALSE);
    crtk_json_field_str(f, "format", crtk_format_name(res.format), FALSE);
    crtk_json_field_int(f, "inputErrors", res.input.errors, FALSE);
    crtk_json_field_int(f, "inputWarnings", res.input.warnings, FALSE);
    crtk_cli_message("info", FALSE, f, "%s -> %s: %ld patient%s, %ld tumor%s (NAACCR %d, record type %c, %s); input: %ld error%s, %ld warning%s",
            in_path, out_path, res.patients, res.patients == 1 ? "" : "s", res.tumors, res.tumors == 1 ? "" : "s",
            res.version, crtk_record_type_letter(res.record_type), crtk_format_name(res.format),
            res.input.errors, res.input.errors == 1 ? "" : "s", res.input.warnings, res.input.warnings == 1 ? "" : "s");
    g_string_free(f, TRUE);
    if (res.input.errors)
        rc = EXIT_DATA;
out:
    if (dicts)
        g_ptr_array_free(dicts, TRUE);
    g_strfreev(user_dicts);
    g_free(from), g_free(to), g_free(version), g_free(record_type), g_free(spec), g_free(messages);
    crtk_cli_messages_json(NULL);
    g_option_context_free(ctx);
    return rc;
}
