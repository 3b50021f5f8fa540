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

crtk_format crtk_format_detect(const char *head, size_t len)
{
    const char *p = head, *end = head + len;
    if (len == 0)
        return CRTK_FORMAT_UNKNOWN; /* read as XML, which says the input is empty */
    if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    if (p < end && *p == '<')
        return CRTK_FORMAT_XML;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t line_len = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (memchr(p, ',', line_len) && g_strstr_len(p, (gssize)line_len, "patientIdNumber"))
        return CRTK_FORMAT_CSV;
    return CRTK_FORMAT_FLAT;
}

int crtk_naaccr_read_file(const char *path, crtk_format format, const crtk_read_options *options,
                          const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats)
{
    crtk_read_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    const char *name = strcmp(path, "-") == 0 ? "(standard input)" : path;
    GError *error = NULL;
    crtk_in *in = crtk_in_open(path, &error);
    if (in && format == CRTK_FORMAT_UNKNOWN)
        format = crtk_format_from_name(path);
    if (in && format == CRTK_FORMAT_UNKNOWN) {
        /* A look at the first bytes, kept for the reader: works on a pipe too. */
        size_t n = 0;
        const char *head = crtk_in_peek(in, 4096, &n, &error);
        if (head)
            format = crtk_format_detect(head, n);
        else
            g_clear_pointer(&in, crtk_in_close);
    }
    if (!in) {
        /* the problem names the file: the message need not say it again */
        const char *m = error->message;
        size_t pl = strlen(path);
        if (!strncmp(m, path, pl) && !strncmp(m + pl, ": ", 2))
            m += pl + 2;
        crtk_problem p = {.code = CRTK_PROBLEM_IO, .severity = CRTK_SEVERITY_FATAL, .file = name, .message = m};
        stats->errors++;
        stats->fatal = TRUE;
        if (handlers->problem)
            handlers->problem(&p, user);
        g_error_free(error);
        return -1;
    }
    int rc;
    switch (format) {
    case CRTK_FORMAT_CSV: rc = crtk_naaccr_csv_read(in, name, options, handlers, user, stats); break;
    case CRTK_FORMAT_FLAT: rc = crtk_naaccr_flat_read(in, name, options, handlers, user, stats); break;
    default: rc = crtk_naaccr_xml_read(in, name, options, handlers, user, stats); break;
    }
    crtk_in_close(in);
    return rc;
}
