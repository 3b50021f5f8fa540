/* naaccr_read.c — read options, format detection and opening any NAACCR file (see naaccr_read.h). */
#include "naaccr_read.h"

#include <string.h>

void crtk_read_options_init(crtk_read_options *o)
{
    memset(o, 0, sizeof *o);
    o->check_values = TRUE;
}

static gboolean ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && g_ascii_strcasecmp(s + a - b, suffix) == 0;
}

crtk_format crtk_format_from_name(const char *path)
{
    char *p = g_strdup(path);
    if (ends_with(p, ".gz"))
        p[strlen(p) - 3] = 0;
    crtk_format f = CRTK_FORMAT_UNKNOWN;
    if (ends_with(p, ".xml"))
        f = CRTK_FORMAT_XML;
    else if (ends_with(p, ".csv"))
        f = CRTK_FORMAT_CSV;
    else if (ends_with(p, ".txt") || ends_with(p, ".dat") || ends_with(p, ".fwf") || ends_with(p, ".flat") ||
             ends_with(p, ".naaccr"))
        f = CRTK_FORMAT_FLAT;
    g_free(p);
    return f;
}

crtk_format crtk_format_parse(const char *name)
{
    if (!name)
        return CRTK_FORMAT_UNKNOWN;
    if (!g_ascii_strcasecmp(name, "xml"))
        return CRTK_FORMAT_XML;
    if (!g_ascii_strcasecmp(name, "flat") || !g_ascii_strcasecmp(name, "fixed"))
        return CRTK_FORMAT_FLAT;
    if (!g_ascii_strcasecmp(name, "csv"))
        return CRTK_FORMAT_CSV;
    return CRTK_FORMAT_UNKNOWN;
}

const char *crtk_format_name(crtk_format format)
{
    switch (format) {
    case CRTK_FORMAT_XML: return "xml";
    case CRTK_FORMAT_FLAT: return "flat";
    case CRTK_FORMAT_CSV: return "csv";
    default: return "unknown";
    }
}

int crtk_naaccr_read_file(const char *path, crtk_format format, const crtk_read_options *options,
                          const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats)
{
    crtk_read_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    GError *error = NULL;
    crtk_in *in = crtk_in_open(path, &error);
    if (!in) {
        crtk_problem p = {.code = CRTK_PROBLEM_IO, .severity = CRTK_SEVERITY_FATAL, .file = path,
                          .message = error->message};
        stats->errors++;
        stats->fatal = TRUE;
        if (handlers->problem)
            handlers->problem(&p, user);
        g_error_free(error);
        return -1;
    }
    if (format == CRTK_FORMAT_UNKNOWN)
        format = crtk_format_from_name(path);
    int rc;
    if (format == CRTK_FORMAT_UNKNOWN) {
        /* Look at the first bytes: '<' (after a BOM or white space) is XML; a header line with
           naaccrIds is CSV; anything else is taken as a flat file. */
        crtk_in_close(in);
        char head[4096];
        size_t n = 0;
        in = crtk_in_open(path, &error);
        if (!in) {
            g_error_free(error);
            return -1;
        }
        gssize got;
        while (n < sizeof head - 1 && (got = crtk_in_read(in, head + n, sizeof head - 1 - n, NULL)) > 0)
            n += (size_t)got;
        head[n] = 0;
        crtk_in_close(in);
        const char *p = head;
        if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
            p += 3;
        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
            p++;
        const char *nl = strchr(p, '\n');
        size_t line_len = nl ? (size_t)(nl - p) : strlen(p);
        if (*p == '<')
            format = CRTK_FORMAT_XML;
        else if (memchr(p, ',', line_len) && g_strstr_len(p, (gssize)line_len, "patientIdNumber"))
            format = CRTK_FORMAT_CSV;
        else
            format = CRTK_FORMAT_FLAT;
        in = crtk_in_open(path, &error);
        if (!in) {
            g_error_free(error);
            return -1;
        }
    }
    switch (format) {
    case CRTK_FORMAT_CSV: rc = crtk_naaccr_csv_read(in, path, options, handlers, user, stats); break;
    case CRTK_FORMAT_FLAT: rc = crtk_naaccr_flat_read(in, path, options, handlers, user, stats); break;
    default: rc = crtk_naaccr_xml_read(in, path, options, handlers, user, stats); break;
    }
    crtk_in_close(in);
    return rc;
}
