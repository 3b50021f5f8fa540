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
#include "crtk/convert.h"
#include "crtk/naaccr_read.h"
#include "crtk/naaccr_write.h"

#include <string.h>

typedef struct {
    const char *in_path, *out_path;
    crtk_write_options wo;
    int target_version;
    unsigned target_record_type;
    GPtrArray *user_dicts;
    crtk_converter *conv;
    crtk_writer *writer;
    crtk_record *out_rec;
    crtk_dictionary *to;
    gboolean failed;
    long problems_shown, max_problems;
    gboolean quiet;
    gboolean identity;   /* same dictionary and record type: records pass through */
} convert_ctx;

static int on_problem(const crtk_problem *p, void *user)
{
    convert_ctx *c = user;
    if (c->quiet && p->severity == CRTK_SEVERITY_WARNING)
        return CRTK_CONTINUE;
    if (c->max_problems > 0 && c->problems_shown >= c->max_problems)
        return CRTK_CONTINUE;
    c->problems_shown++;
    char *s = crtk_problem_format(p);
    fprintf(stderr, "crtk: %s\n", s);
    g_free(s);
    return CRTK_CONTINUE;
}

static int on_header(const crtk_header *h, void *user)
{
    convert_ctx *c = user;
    GError *error = NULL;
    int v = c->target_version ? c->target_version : crtk_dictionary_version(h->dict);
    unsigned rt = c->target_record_type ? c->target_record_type : h->record_type;
    if (v == crtk_dictionary_version(h->dict)) {
        c->to = crtk_dictionary_ref(h->dict);
    } else {
        c->to = crtk_dictionary_new(v, &error);
        for (guint i = 0; c->to && i < c->user_dicts->len; i++) {
            const crtk_user_dictionary *ud = g_ptr_array_index(c->user_dicts, i);
            int uv = crtk_user_dictionary_version(ud);
            if ((!uv || uv == v) && !crtk_dictionary_add_user(c->to, ud, &error)) {
                crtk_dictionary_unref(c->to);
                c->to = NULL;
            }
        }
        if (!c->to) {
            crtk_cli_error("%s", error->message);
            g_error_free(error);
            c->failed = TRUE;
            return CRTK_ABORT;
        }
    }
    c->conv = crtk_converter_new(h->dict, c->to, rt);
    c->identity = crtk_converter_is_identity(c->conv) || (c->to == h->dict && rt == h->record_type);
    crtk_header *th = crtk_converter_header(c->conv, h);
    c->wo.record_type = rt;
    c->writer = crtk_writer_open(c->out_path, c->to, th, &c->wo, &error);
    crtk_header_free(th);
    if (!c->writer) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        c->failed = TRUE;
        return CRTK_ABORT;
    }
    c->out_rec = crtk_record_new(c->to);
    return CRTK_CONTINUE;
}

static int on_patient(crtk_record *r, void *user)
{
    convert_ctx *c = user;
    GError *error = NULL;
    const crtk_record *w = r;
    if (!c->identity) {
        crtk_converter_record(c->conv, r, c->out_rec);
        w = c->out_rec;
    }
    if (!crtk_writer_write(c->writer, w, &error)) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        c->failed = TRUE;
        return CRTK_ABORT;
    }
    return CRTK_CONTINUE;
}

int cmd_convert(int argc, char **argv)
{
    char **user_dicts = NULL;
    char *from = NULL, *to = NULL, *version = NULL, *record_type = NULL, *spec = NULL;
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
    convert_ctx c = {0};
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc != 3) {
        crtk_cli_error("convert: give IN and OUT (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    c.in_path = argv[1];
    c.out_path = argv[2];
    c.max_problems = max_problems;
    c.quiet = quiet;
    crtk_write_options_init(&c.wo);
    c.wo.format = to ? crtk_format_parse(to) : crtk_format_from_name(c.out_path);
    if (to && c.wo.format == CRTK_FORMAT_UNKNOWN) {
        crtk_cli_error("convert: --to must be xml, flat or csv");
        rc = EXIT_USAGE;
        goto out;
    }
    if (c.wo.format == CRTK_FORMAT_UNKNOWN)
        c.wo.format = CRTK_FORMAT_XML;
    c.wo.write_item_numbers = numbers;
    c.wo.zero_padding = zero;
    c.wo.drop_extensions = drop_ext;
    c.wo.specification_version = spec;
    crtk_format f = crtk_format_parse(from);
    if (from && f == CRTK_FORMAT_UNKNOWN) {
        crtk_cli_error("convert: --from must be xml, flat or csv");
        rc = EXIT_USAGE;
        goto out;
    }
    if (version && !(c.target_version = crtk_naaccr_version_parse(version))) {
        crtk_cli_error("convert: unknown NAACCR version %s (known: 14, 15, 16, 18, 21-26)", version);
        rc = EXIT_USAGE;
        goto out;
    }
    if (record_type && !(c.target_record_type = crtk_record_type_parse(record_type))) {
        crtk_cli_error("convert: --record-type must be A, M, C or I");
        rc = EXIT_USAGE;
        goto out;
    }
    if (c.wo.format == CRTK_FORMAT_FLAT && c.target_version > 180) {
        crtk_cli_error("convert: NAACCR %d has no fixed-width (flat) layout; official flat layouts end with "
                       "version 18 and later versions are exchanged as XML only (write .xml or .csv, or use "
                       "--naaccr-version 18)", c.target_version);
        rc = EXIT_USAGE;
        goto out;
    }
    if (!strcmp(c.in_path, c.out_path)) {
        crtk_cli_error("convert: IN and OUT are the same file");
        rc = EXIT_USAGE;
        goto out;
    }
    dicts = crtk_cli_load_user_dictionaries(user_dicts);
    if (!dicts) {
        rc = EXIT_USAGE;
        goto out;
    }
    c.user_dicts = dicts;
    crtk_read_options o;
    crtk_read_options_init(&o);
    o.relaxed_namespace = relaxed;
    o.ignore_unknown = ignore_unknown;
    o.no_grouping = no_grouping;
    o.user_dictionaries = dicts;
    o.skip_extensions = drop_ext || c.wo.format != CRTK_FORMAT_XML;
    crtk_read_handlers h = {.header = on_header, .patient = on_patient, .problem = on_problem};
    crtk_read_stats st;
    int r = crtk_naaccr_read_file(c.in_path, f, &o, &h, &c, &st);
    GError *error = NULL;
    if (r != 0 || c.failed) {
        if (c.writer)
            crtk_writer_abandon(c.writer);
        c.writer = NULL;
        if (!c.failed)
            crtk_cli_error("%s: nothing written: reading stopped at a fatal problem", c.in_path);
        rc = c.failed && r != -1 ? EXIT_USAGE : EXIT_DATA;
        goto out;
    }
    long removed = c.writer->removed_controls;
    long patients = c.writer->patients, tumors = c.writer->tumors;
    if (!crtk_writer_close(c.writer, &error)) {
        c.writer = NULL;
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
        goto out;
    }
    c.writer = NULL;
    if (!quiet)
        crtk_converter_report(c.conv, c.in_path, on_problem, &c);
    if (removed && !quiet)
        fprintf(stderr, "crtk: warning: %ld control character%s left out of values (XML 1.0 cannot hold them)\n",
                removed, removed == 1 ? "" : "s");
    fprintf(stderr, "crtk: %s -> %s: %ld patient%s, %ld tumor%s (NAACCR %d, record type %c, %s); input: %ld error%s, %ld warning%s\n",
            c.in_path, c.out_path, patients, patients == 1 ? "" : "s", tumors, tumors == 1 ? "" : "s",
            crtk_dictionary_version(c.to), crtk_record_type_letter(c.wo.record_type), crtk_format_name(c.wo.format),
            st.errors, st.errors == 1 ? "" : "s", st.warnings, st.warnings == 1 ? "" : "s");
    if (st.errors)
        rc = EXIT_DATA;
out:
    if (c.writer)
        crtk_writer_abandon(c.writer);
    crtk_converter_free(c.conv);
    crtk_record_free(c.out_rec);
    if (c.to)
        crtk_dictionary_unref(c.to);
    if (dicts)
        g_ptr_array_free(dicts, TRUE);
    g_strfreev(user_dicts);
    g_free(from), g_free(to), g_free(version), g_free(record_type), g_free(spec);
    g_option_context_free(ctx);
    return rc;
}
