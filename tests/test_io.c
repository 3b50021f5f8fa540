/* test_io.c — unit tests of the byte streams (registry/common/io.c) and of format detection
 * (registry/format/naaccr_read.c): crtk_in_peek gives the first bytes without consuming them
 * (plain and gzip, memory and a pipe that cannot be reopened), crtk_format_detect tells XML,
 * CSV and flat apart, and crtk_naaccr_read_file reads "-" (standard input) in every format.
 */
#include "io.h"
#include "naaccr_read.h"
#include "naaccr_write.h"
#include "test_util.h"

#include <string.h>
#include <unistd.h>
#include <zlib.h>

static const char xml[] =
    "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/"
    "naaccr-dictionary-260.xml\" recordType=\"I\" specificationVersion=\"1.8\" xmlns=\"http://naaccr.org/naaccrxml\">\n"
    "<Patient><Item naaccrId=\"patientIdNumber\">00000001</Item><Tumor><Item naaccrId=\"primarySite\">C509</Item>"
    "</Tumor></Patient>\n<Patient><Item naaccrId=\"patientIdNumber\">00000002</Item><Tumor><Item "
    "naaccrId=\"primarySite\">C619</Item></Tumor><Tumor><Item naaccrId=\"primarySite\">C180</Item></Tumor></Patient>\n"
    "</NaaccrData>\n";

/* gzip bytes of text, made with zlib directly (not through crtk_out). */
static GByteArray *gzip_bytes(const char *text, size_t len)
{
    z_stream z = {0};
    g_assert_cmpint(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
    GByteArray *out = g_byte_array_sized_new((guint)compressBound((uLong)len) + 32);
    g_byte_array_set_size(out, (guint)compressBound((uLong)len) + 32);
    z.next_in = (Bytef *)text;
    z.avail_in = (uInt)len;
    z.next_out = out->data;
    z.avail_out = out->len;
    g_assert_cmpint(deflate(&z, Z_FINISH), ==, Z_STREAM_END);
    g_byte_array_set_size(out, (guint)z.total_out);
    deflateEnd(&z);
    return out;
}

static char *read_all(crtk_in *in)
{
    GString *s = g_string_new(NULL);
    char buf[7]; /* small reads: the peeked bytes come back in pieces */
    gssize n;
    while ((n = crtk_in_read(in, buf, sizeof buf, NULL)) > 0)
        g_string_append_len(s, buf, n);
    g_assert_cmpint(n, ==, 0);
    return g_string_free(s, FALSE);
}

static void test_peek_memory(void)
{
    crtk_in *in = crtk_in_open_memory(xml, sizeof xml - 1);
    size_t got = 0;
    const char *head = crtk_in_peek(in, 10, &got, NULL);
    g_assert_cmpuint(got, ==, 10);
    g_assert_true(memcmp(head, xml, 10) == 0);
    /* a longer look after a read keeps the unread bytes only */
    char two[2];
    g_assert_cmpint(crtk_in_read(in, two, 2, NULL), ==, 2);
    head = crtk_in_peek(in, 40, &got, NULL);
    g_assert_cmpuint(got, ==, 40);
    g_assert_true(memcmp(head, xml + 2, 40) == 0);
    char *rest = read_all(in);
    g_assert_cmpstr(rest, ==, xml + 2);
    g_free(rest);
    crtk_in_close(in);
    /* asking for more than there is gives all of it */
    in = crtk_in_open_memory("abc", 3);
    head = crtk_in_peek(in, 4096, &got, NULL);
    g_assert_cmpuint(got, ==, 3);
    g_assert_cmpstr(head, ==, "abc");
    rest = read_all(in);
    g_assert_cmpstr(rest, ==, "abc");
    g_free(rest);
    crtk_in_close(in);
}

static void test_peek_gzip(void)
{
    GByteArray *gz = gzip_bytes(xml, sizeof xml - 1);
    crtk_in *in = crtk_in_open_memory((const char *)gz->data, gz->len);
    g_assert_true(crtk_in_is_gzip(in));
    size_t got = 0;
    const char *head = crtk_in_peek(in, 64, &got, NULL);
    g_assert_cmpuint(got, ==, 64);
    g_assert_true(memcmp(head, xml, 64) == 0); /* decompressed bytes */
    g_assert_cmpint(crtk_format_detect(head, got), ==, CRTK_FORMAT_XML);
    char *all = read_all(in);
    g_assert_cmpstr(all, ==, xml);
    g_free(all);
    crtk_in_close(in);
    g_byte_array_unref(gz);
}

static void test_detect(void)
{
    static const struct {
        const char *head;
        crtk_format want;
    } cases[] = {
        {"<?xml version=\"1.0\"?><NaaccrData>", CRTK_FORMAT_XML},
        {"\xEF\xBB\xBF<NaaccrData>", CRTK_FORMAT_XML},
        {" \r\n\t<NaaccrData>", CRTK_FORMAT_XML},
        {"patientIdNumber,primarySite\r\n00000001,C509\r\n", CRTK_FORMAT_CSV},
        {"\xEF\xBB\xBFrecordType,patientIdNumber\n", CRTK_FORMAT_CSV},
        {"patientIdNumber\n00000001\n", CRTK_FORMAT_FLAT},      /* no comma: not a CSV header */
        {"I180 ,patient\n1,patientIdNumber\n", CRTK_FORMAT_FLAT}, /* the word only on line 2 */
        {"I 180        0000012345", CRTK_FORMAT_FLAT},
        {"", CRTK_FORMAT_UNKNOWN},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("case %u: %s", i, cases[i].head);
        g_assert_cmpint(crtk_format_detect(cases[i].head, strlen(cases[i].head)), ==, cases[i].want);
    }
    /* only len bytes count */
    g_assert_cmpint(crtk_format_detect("   <x", 3), ==, CRTK_FORMAT_FLAT);
}

typedef struct {
    long patients, tumors;
    GString *ids;
} counted;

static int print_problem(const crtk_problem *p, void *user)
{
    (void)user;
    g_test_message("%s:%ld: %s", p->file, (long)p->line, p->message);
    return CRTK_CONTINUE;
}

static int count_patient(crtk_record *r, void *user)
{
    counted *c = user;
    c->patients++;
    c->tumors += r->n_tumors;
    g_string_append_printf(c->ids, "%s;", crtk_element_get_id(&r->patient, r->dict, "patientIdNumber"));
    return CRTK_CONTINUE;
}

/* Reads bytes through "-": standard input is replaced by a pipe holding them (a pipe cannot be
 * reopened or rewound, so a second open would find it empty). */
static counted read_stdin(const void *bytes, size_t len, crtk_format format, crtk_read_stats *st)
{
    int fds[2];
    g_assert_cmpint(pipe(fds), ==, 0);
    g_assert_cmpuint(len, <, 65536); /* fits in the pipe's buffer: no writer thread needed */
    g_assert_cmpint(write(fds[1], bytes, len), ==, (gssize)len);
    close(fds[1]);
    int saved = dup(0);
    g_assert_cmpint(dup2(fds[0], 0), ==, 0);
    close(fds[0]);
    counted c = {0, 0, g_string_new(NULL)};
    crtk_read_options o;
    crtk_read_options_init(&o);
    o.version = 180;
    crtk_read_handlers h = {.patient = count_patient, .problem = print_problem};
    crtk_naaccr_read_file("-", format, &o, &h, &c, st);
    g_assert_cmpint(dup2(saved, 0), ==, 0);
    close(saved);
    return c;
}

/* Two patients written as flat 18 or CSV by the writer (to be read back through "-"). */
static GString *write_as(crtk_format f, int version)
{
    GString *out = g_string_new(NULL);
    crtk_dictionary *d = crtk_dictionary_new(version, NULL);
    crtk_header *h = crtk_header_new(d, CRTK_RT_I);
    crtk_write_options wo;
    crtk_write_options_init(&wo);
    wo.format = f;
    wo.record_type = CRTK_RT_I;
    crtk_writer *w = crtk_writer_open_out(crtk_out_open_string(out), d, h, &wo, NULL);
    g_assert_nonnull(w);
    crtk_record *r = crtk_record_new(d);
    /* two records built by hand (ids and sites as in xml[]) */
    const char *ids[] = {"00000001", "00000002"};
    for (int i = 0; i < 2; i++) {
        crtk_record_clear(r);
        crtk_element_set_id(&r->patient, d, "patientIdNumber", ids[i]);
        crtk_record_add_tumor(r);
        crtk_element_set_id(&r->tumors[0], d, "primarySite", i ? "C619" : "C509");
        g_assert_true(crtk_writer_write(w, r, NULL));
    }
    g_assert_true(crtk_writer_close(w, NULL));
    crtk_record_free(r);
    crtk_header_free(h);
    crtk_dictionary_unref(d);
    return out;
}

static void test_read_stdin(void)
{
    crtk_read_stats st;
    counted c = read_stdin(xml, sizeof xml - 1, CRTK_FORMAT_UNKNOWN, &st);
    g_assert_cmpint(st.errors, ==, 0);
    g_assert_cmpint(c.patients, ==, 2);
    g_assert_cmpint(c.tumors, ==, 3);
    g_assert_cmpstr(c.ids->str, ==, "00000001;00000002;");
    g_string_free(c.ids, TRUE);

    GByteArray *gz = gzip_bytes(xml, sizeof xml - 1);
    c = read_stdin(gz->data, gz->len, CRTK_FORMAT_UNKNOWN, &st);
    g_assert_cmpint(st.errors, ==, 0);
    g_assert_cmpint(c.tumors, ==, 3);
    g_string_free(c.ids, TRUE);
    g_byte_array_unref(gz);

    for (int k = 0; k < 2; k++) {
        crtk_format f = k ? CRTK_FORMAT_CSV : CRTK_FORMAT_FLAT;
        GString *text = write_as(f, 180);
        g_assert_cmpint(crtk_format_detect(text->str, text->len), ==, f);
        c = read_stdin(text->str, text->len, CRTK_FORMAT_UNKNOWN, &st);
        g_assert_cmpint(st.errors, ==, 0);
        g_assert_cmpint(c.patients, ==, 2);
        g_assert_cmpstr(c.ids->str, ==, "00000001;00000002;");
        g_string_free(c.ids, TRUE);
        g_string_free(text, TRUE);
    }
}

int main(int argc, char **argv)
{
    tu_init(&argc, &argv);
    g_test_add_func("/io/peek-memory", test_peek_memory);
    g_test_add_func("/io/peek-gzip", test_peek_gzip);
    g_test_add_func("/io/detect-format", test_detect);
    g_test_add_func("/io/read-standard-input", test_read_stdin);
    return tu_finish(g_test_run());
}
