/* naaccr_csv.c — CSV with naaccrId headers (placeholder until the CSV codec lands). */
#include "naaccr_write.h"

int crtk_naaccr_csv_read(crtk_in *in, const char *name, const crtk_read_options *options,
                          const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats)
{
    (void)in, (void)options;
    crtk_problem p = {.code = CRTK_PROBLEM_IO, .severity = CRTK_SEVERITY_FATAL, .file = name,
                      .message = "CSV files are not supported yet"};
    stats->fatal = TRUE;
    if (handlers->problem)
        handlers->problem(&p, user);
    return -1;
}

static gboolean no(crtk_writer *w, GError **error)
{
    (void)w;
    g_set_error(error, CRTK_ERROR, CRTK_ERROR_UNSUPPORTED, "CSV output is not supported yet");
    return FALSE;
}
static gboolean no_rec(crtk_writer *w, const crtk_record *r, GError **error)
{
    (void)r;
    return no(w, error);
}
const crtk_writer_ops crtk_csv_writer_ops = {no, no_rec, no, NULL};
