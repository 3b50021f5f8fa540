/* convert_file.c — file-to-file conversion (see convert_file.h): the reader's header handler
 * picks the target dictionary and opens the writer, the patient handler converts and writes each
 * record, and the end closes the writer (or abandons it, removing the partial file).
 */
#include "convert_file.h"
#include "convert.h"

#include <string.h>

void crtk_convert_options_init(crtk_convert_options *o)
{
    memset(o, 0, sizeof *o);
    o->from = CRTK_FORMAT_UNKNOWN;
    crtk_read_options_init(&o->read);
    crtk_write_options_init(&o->write);
    o->write.format = CRTK_FORMAT_UNKNOWN;
    o->report_changes = TRUE;
}

typedef struct {
    const crtk_convert_options *o;
    const char *out_path;
    crtk_write_options wo;
    crtk_converter *conv;
    crtk_writer *writer;
    crtk_record *out_rec;
    crtk_dictionary *to;
    GError *error;         /* why the conversion failed (not the input's problems) */
    gboolean identity;     /* same dictionary and record type: records pass through */
    crtk_problem_fn problem;
    void *user;
} convert_ctx;

static int on_problem(const crtk_problem *p, void *user)
{
    convert_ctx *c = user;
    return c->problem ? c->problem(p, c->user) : CRTK_CONTINUE;
}

/* The target dictionary: the input's, or the target version with the user dictionaries that fit it. */
static crtk_dictionary *target_dictionary(convert_ctx *c, crtk_dictionary *from, int v)
{
    if (v == crtk_dictionary_version(from))
        return crtk_dictionary_ref(from);
    crtk_dictionary *to = crtk_dictionary_new(v, &c->error);
    const GPtrArray *uds = c->o->read.user_dictionaries;
    for (guint i = 0; to && uds && i < uds->len; i++) {
        const crtk_user_dictionary *ud = g_ptr_array_index(uds, i);
        int uv = crtk_user_dictionary_version(ud);
        if ((!uv || uv == v) && !crtk_dictionary_add_user(to, ud, &c->error)) {
            crtk_dictionary_unref(to);
            to = NULL;
        }
    }
    return to;
}

static int on_header(const crtk_header *h, void *user)
{
    convert_ctx *c = user;
    int v = c->o->target_version ? c->o->target_version : crtk_dictionary_version(h->dict);
    unsigned rt = c->o->target_record_type ? c->o->target_record_type : h->record_type;
    c->to = target_dictionary(c, h->dict, v);
    if (!c->to)
        return CRTK_ABORT;
    c->conv = crtk_converter_new(h->dict, c->to, rt);
    c->identity = crtk_converter_is_identity(c->conv) || (c->to == h->dict && rt == h->record_type);
    crtk_header *th = crtk_converter_header(c->conv, h);
    c->wo.record_type = rt;
    c->writer = crtk_writer_open(c->out_path, c->to, th, &c->wo, &c->error);
    crtk_header_free(th);
    if (!c->writer)
        return CRTK_ABORT;
    c->out_rec = crtk_record_new(c->to);
    return CRTK_CONTINUE;
}

static int on_patient(crtk_record *r, void *user)
{
    convert_ctx *c = user;
    const crtk_record *w = r;
    if (!c->identity) {
        crtk_converter_record(c->conv, r, c->out_rec);
        w = c->out_rec;
    }
    return crtk_writer_write(c->writer, w, &c->error) ? CRTK_CONTINUE : CRTK_ABORT;
}

int crtk_convert_file(const char *in_path, const char *out_path, const crtk_convert_options *options,
                      crtk_problem_fn problem, void *user, crtk_convert_result *result, GError **error)
{
    convert_ctx c = {.o = options, .out_path = out_path, .wo = options->write, .problem = problem, .user = user};
    crtk_convert_result res;
    memset(&res, 0, sizeof res);
    if (c.wo.format == CRTK_FORMAT_UNKNOWN)
        c.wo.format = crtk_format_from_name(out_path);
    if (c.wo.format == CRTK_FORMAT_UNKNOWN)
        c.wo.format = CRTK_FORMAT_XML;
    res.format = c.wo.format;
    crtk_read_options ro = options->read;
    ro.skip_extensions = ro.skip_extensions || c.wo.drop_extensions || c.wo.format != CRTK_FORMAT_XML;
    crtk_read_handlers h = {.header = on_header, .patient = on_patient, .problem = on_problem};
    int r = crtk_naaccr_read_file(in_path, options->from, &ro, &h, &c, &res.input);
    int rc = 0;
    if (c.to) {
        res.version = crtk_dictionary_version(c.to);
        res.record_type = c.wo.record_type;
    }
    if (r != 0 || c.error) {
        if (c.writer)
            crtk_writer_abandon(c.writer);
        c.writer = NULL;
        if (c.error) {
            g_propagate_error(error, c.error);
            c.error = NULL;
            rc = r == -1 ? -1 : 1;
        } else {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: nothing written: reading stopped at a fatal problem",
                        in_path);
            rc = -1;
        }
        goto out;
    }
    if (c.writer) {
        res.removed_controls = c.writer->removed_controls;
        res.patients = c.writer->patients;
        res.tumors = c.writer->tumors;
        gboolean closed = crtk_writer_close(c.writer, error);
        c.writer = NULL;
        if (!closed) {
            rc = 1;
            goto out;
        }
    }
    if (options->report_changes && c.conv)
        crtk_converter_report(c.conv, in_path, on_problem, &c);
out:
    if (result)
        *result = res;
    crtk_converter_free(c.conv);
    crtk_record_free(c.out_rec);
    if (c.to)
        crtk_dictionary_unref(c.to);
    return rc;
}
