/* test_xml_scan.c — unit tests of the streaming XML scanner (registry/xml_scan.c).
 *
 * Each test feeds bytes through crtk_in_open_memory (plain or gzip) and checks
 * the tokens the scanner hands out, written as a compact transcript:
 *   <qname{ns} attr{ns}=value ...>   start tag ({} when no namespace, {?} unbound prefix)
 *   </qname>                         end tag
 *   [text]                           character data (decoded)
 * or the error with its line:column.  Large inputs check that tokens split
 * across the scanner's 256 KiB buffer come out whole and in the right place.
 */
#include "io.h"
#include "xml_scan.h"

#include <string.h>
#include <zlib.h>
#include <glib.h>

/* ---- helpers ---------------------------------------------------------------- */

static void append_ns(GString *s, const char *ns, bool unbound)
{
    if (unbound)
        g_string_append(s, "{?}");
    else if (ns)
        g_string_append_printf(s, "{%s}", ns);
}

/* Scans data and returns the transcript; on an error it ends with "ERROR line:col: message". */
static char *transcript(const char *data, size_t len, bool skip_space)
{
    crtk_in *in = crtk_in_open_memory(data, len);
    g_assert_nonnull(in);
    crtk_xml_scanner *sc = crtk_xml_scanner_new(in);
    crtk_xml_scanner_skip_space(sc, skip_space);
    GString *s = g_string_new(NULL);
    crtk_xml_token t;
    for (;;) {
        crtk_xml_kind k = crtk_xml_next(sc, &t);
        if (k == CRTK_XML_EOF)
            break;
        if (k == CRTK_XML_ERROR) {
            long line, col;
            const char *msg = crtk_xml_scanner_error(sc, &line, &col);
            g_string_append_printf(s, "ERROR %ld:%ld: %s", line, col, msg);
            /* Errors are sticky. */
            g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_ERROR);
            break;
        }
        if (k == CRTK_XML_START) {
            g_string_append_printf(s, "<%.*s", (int)t.qname_len, t.qname);
            append_ns(s, t.ns, t.ns_unbound);
            for (int i = 0; i < t.n_attrs; i++) {
                const crtk_xml_attr *a = &t.attrs[i];
                g_string_append_printf(s, " %.*s", (int)a->qname_len, a->qname);
                if (!a->is_xmlns)
                    append_ns(s, a->ns, a->ns_unbound);
                g_string_append_c(s, '=');
                g_string_append_len(s, a->value, (gssize)a->value_len);
            }
            g_string_append(s, t.empty ? "/>" : ">");
        } else if (k == CRTK_XML_END) {
            g_string_append_printf(s, "</%.*s>", (int)t.qname_len, t.qname);
        } else {
            g_string_append_c(s, '[');
            g_string_append_len(s, t.text, (gssize)t.text_len);
            g_string_append_c(s, ']');
        }
    }
    crtk_xml_scanner_free(sc);
    crtk_in_close(in);
    return g_string_free(s, FALSE);
}

static void assert_transcript(const char *xml, const char *expected)
{
    char *got = transcript(xml, strlen(xml), true);
    if (strcmp(got, expected) != 0) {
        g_test_message("for %s: expected the tokens %s, got %s", xml, expected, got);
        g_test_fail();
    }
    g_free(got);
}

/* The error of a document that must fail, as "line:col: message". */
static char *error_of(const char *data, size_t len)
{
    char *t = transcript(data, len, false);
    char *e = strstr(t, "ERROR ");
    char *r = g_strdup(e ? e + 6 : t);
    g_free(t);
    return r;
}

static void assert_error(const char *xml, const char *place, const char *words)
{
    char *e = error_of(xml, strlen(xml));
    if (!g_str_has_prefix(e, place) || !strstr(e, words)) {
        g_test_message("for %s: expected an error at %s containing \"%s\", got \"%s\"", xml, place, words, e);
        g_test_fail();
    }
    g_free(e);
}

static GByteArray *gzip_bytes(const void *data, size_t len, int members)
{
    GByteArray *out = g_byte_array_new();
    size_t part = len / (size_t)members;
    for (int m = 0; m < members; m++) {
        size_t from = part * (size_t)m, n = m == members - 1 ? len - from : part;
        z_stream z;
        memset(&z, 0, sizeof z);
        g_assert_cmpint(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
        z.next_in = (unsigned char *)data + from;
        z.avail_in = (uInt)n;
        unsigned char buf[16384];
        int rc;
        do {
            z.next_out = buf;
            z.avail_out = sizeof buf;
            rc = deflate(&z, Z_FINISH);
            g_assert_true(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
            g_byte_array_append(out, buf, (guint)(sizeof buf - z.avail_out));
        } while (rc != Z_STREAM_END);
        deflateEnd(&z);
    }
    return out;
}

/* ---- decoding ------------------------------------------------------------------ */

static void test_entities(void)
{
    assert_transcript("<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#xe9;&#x1F600;</a>",
                      "<a>[<>&'\"AB\xC3\xA9\xF0\x9F\x98\x80]</a>");
    assert_transcript("<a x=\"&lt;&#x41;&quot;'\" y='\"&apos;'/>", "<a x=<A\"' y=\"'/></a>");
    /* No reference: the text is passed as is. */
    assert_transcript("<a>plain \"text\" 'here'</a>", "<a>[plain \"text\" 'here']</a>");
}

static void test_cdata(void)
{
    assert_transcript("<a><![CDATA[<b>&amp; ]] > ]]]]></a>", "<a>[<b>&amp; ]] > ]]]</a>");
    /* CDATA and text come as separate TEXT tokens; the token says which was CDATA. */
    const char *xml = "<a>x<![CDATA[y]]>z</a>";
    crtk_in *in = crtk_in_open_memory(xml, strlen(xml));
    crtk_xml_scanner *sc = crtk_xml_scanner_new(in);
    crtk_xml_token t;
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_START);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_TEXT);
    g_assert_false(t.cdata);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_TEXT);
    g_assert_true(t.cdata);
    g_assert_cmpmem(t.text, t.text_len, "y", 1);
    g_assert_cmpmem(t.raw, t.raw_len, "<![CDATA[y]]>", 13);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_TEXT);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_END);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_EOF);
    crtk_xml_scanner_free(sc);
    crtk_in_close(in);
}

static void test_comments_and_pi_skipped(void)
{
    assert_transcript("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                      "<!-- before -->\n<?app some data?>\n<!DOCTYPE a [ <!ELEMENT a ANY> ]>\n"
                      "<a><!-- inside - with dash -->t<?pi x?>u</a>\n<!-- after -->\n<?after?>\n",
                      "<a>[t][u]</a>");
    assert_error("<a><!-- bad -- comment --></a>", "1:13:", "'--' is not allowed");
    assert_error("<a/>\n<?xml version=\"1.0\"?>", "2:1:", "only at the very start");
    assert_error("<?xml version=\"2\"?><a/>", "1:1:", "malformed XML declaration");
    assert_error("<?xml version=\"1.0\" encoding=\"EBCDIC\"?><a/>", "1:1:", "encoding EBCDIC is not supported");
}

static void test_line_ends(void)
{
    /* CR LF and a lone CR become LF in text; in attribute values CR, LF and TAB become spaces. */
    assert_transcript("<a x=\"1\r\n2\t3\n4\">x\r\ny\rz\r</a>", "<a x=1 2 3 4>[x\ny\nz\n]</a>");
    /* A CR as a character reference survives. */
    assert_transcript("<a>x&#13;y&#xD;&#10;</a>", "<a>[x\ry\r\n]</a>");
    /* Lines count LF, so CR LF files give the same line numbers as LF files. */
    assert_error("<a>\r\n<b>\r\n</c></a>", "3:1:", "does not match <b> opened on line 2");
}

static void test_bom(void)
{
    assert_transcript("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xE2\x80\x99</a>",
                      "<a>[\xE2\x80\x99]</a>");
    /* Columns count from after the BOM. */
    assert_error("\xEF\xBB\xBF<a></b>", "1:4:", "end tag </b> does not match <a>");
    assert_error("\xFF\xFE<\0a\0/\0>\0", "1:1:", "UTF-16");
}

static void test_namespaces(void)
{
    assert_transcript("<n:a xmlns:n=\"urn:x\" xmlns=\"urn:d\"><b n:at=\"1\" at2=\"2\" xml:lang=\"en\"/>"
                      "<n:c xmlns:n=\"urn:y\"/><n:d/><e xmlns=\"\"/></n:a>",
                      "<n:a{urn:x} xmlns:n=urn:x xmlns=urn:d>"
                      "<b{urn:d} n:at{urn:x}=1 at2=2 xml:lang{http://www.w3.org/XML/1998/namespace}=en/></b>"
                      "<n:c{urn:y} xmlns:n=urn:y/></n:c><n:d{urn:x}/></n:d><e xmlns=/></e></n:a>");
    /* An undeclared prefix is flagged on the token, not an error (relaxed mode accepts it). */
    assert_transcript("<p:a q:x=\"1\"/>", "<p:a{?} q:x{?}=1/></p:a>");
    /* The prefix of an end tag is resolved with the bindings of its start tag. */
    const char *xml = "<r xmlns:p=\"urn:p\"><p:a xmlns:p=\"urn:q\"></p:a></r>";
    crtk_in *in = crtk_in_open_memory(xml, strlen(xml));
    crtk_xml_scanner *sc = crtk_xml_scanner_new(in);
    crtk_xml_token t;
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_START);
    g_assert_cmpint(t.depth, ==, 1);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_START);
    g_assert_cmpint(t.depth, ==, 2);
    g_assert_cmpstr(t.ns, ==, "urn:q");
    g_assert_cmpmem(t.local, t.local_len, "a", 1);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_END);
    g_assert_cmpstr(t.ns, ==, "urn:q");
    g_assert_cmpint(t.depth, ==, 2);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_END);
    g_assert_cmpint(t.depth, ==, 1);
    crtk_xml_scanner_free(sc);
    crtk_in_close(in);
    assert_error("<a xmlns:p=\"\"/>", "1:4:", "empty URI");
    assert_error("<a xmlns:xmlns=\"urn:x\"/>", "1:4:", "xmlns cannot be declared");
    assert_error("<p:/>", "1:2:", "invalid qualified name");
}

static void test_token_positions(void)
{
    const char *xml = "<a>\n  <b x=\"1\"\n     y=\"2\">text</b>\n</a>";
    crtk_in *in = crtk_in_open_memory(xml, strlen(xml));
    crtk_xml_scanner *sc = crtk_xml_scanner_new(in);
    crtk_xml_scanner_skip_space(sc, true);
    crtk_xml_token t;
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_START);
    g_assert_cmpint(t.line, ==, 1);
    g_assert_cmpint(t.column, ==, 1);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_START);
    g_assert_cmpint(t.line, ==, 2);
    g_assert_cmpint(t.column, ==, 3);
    g_assert_cmpint(t.offset, ==, 6);
    g_assert_cmpint(t.n_attrs, ==, 2);
    g_assert_cmpint(t.attrs[0].line, ==, 2);
    g_assert_cmpint(t.attrs[0].column, ==, 6);
    g_assert_cmpint(t.attrs[1].line, ==, 3);
    g_assert_cmpint(t.attrs[1].column, ==, 6);
    g_assert_cmpmem(t.raw, t.raw_len, "<b x=\"1\"\n     y=\"2\">", 20);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_TEXT);
    g_assert_cmpint(t.line, ==, 3);
    g_assert_cmpint(t.column, ==, 12);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_END);
    g_assert_cmpint(t.line, ==, 3);
    g_assert_cmpint(t.column, ==, 16);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_END);
    g_assert_cmpint(t.line, ==, 4);
    g_assert_cmpint(t.column, ==, 1);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_EOF);
    g_assert_cmpint(crtk_xml_scanner_offset(sc), ==, (long long)strlen(xml));
    crtk_xml_scanner_free(sc);
    crtk_in_close(in);
}

static void test_white_space(void)
{
    const char *xml = "<a>\n  <b> </b>\n</a>";
    char *t = transcript(xml, strlen(xml), false);
    g_assert_cmpstr(t, ==, "<a>[\n  ]<b>[ ]</b>[\n]</a>");
    g_free(t);
    assert_transcript(xml, "<a><b></b></a>");
    /* White space around the root is never a token. */
    t = transcript("\n <a/> \n", 8, false);
    g_assert_cmpstr(t, ==, "<a/></a>");
    g_free(t);
}

/* ---- well-formedness errors, each with its place ----------------------------------- */

static void test_errors(void)
{
    assert_error("<a>\n  <b></c>\n</a>", "2:6:", "end tag </c> does not match <b> opened on line 2");
    assert_error("<a>\nx &foo; y</a>", "2:3:", "undefined entity &foo;");
    assert_error("<a>\nx &amp y</a>", "2:3:", "'&' must start an entity");
    assert_error("<a>&#0;</a>", "1:4:", "invalid character reference");
    assert_error("<a>&#xD800;</a>", "1:4:", "invalid character reference");
    assert_error("<a>&#x110000;</a>", "1:4:", "invalid character reference");
    assert_error("<a>\nab\x07</a>", "2:3:", "control character 0x07");
    assert_error("<a x=\"\x01\"/>", "1:7:", "control character 0x01");
    assert_error("<a>\n\xC3\x28</a>", "2:1:", "invalid UTF-8 byte 0xC3");
    assert_error("<a>\xC0\xAF</a>", "1:4:", "invalid UTF-8");     /* overlong */
    assert_error("<a>\xED\xA0\x80</a>", "1:4:", "invalid UTF-8"); /* surrogate */
    assert_error("<a>\xF5\x80\x80\x80</a>", "1:4:", "invalid UTF-8");
    assert_error("<a>x\xE2\x82</a>", "1:5:", "invalid UTF-8");    /* cut short */
    assert_error("<a x='1'\n   x='2'/>", "2:4:", "attribute x appears twice");
    assert_error("<a>\n<b>\n", "3:1:", "<b> opened on line 2 is not closed");
    assert_error("<a>\n<b attr=\"x", "2:1:", "unexpected end of file");
    assert_error("<a>\n<!-- never closed", "2:1:", "unexpected end of file");
    assert_error("<a>x\xC3", "1:5:", "incomplete UTF-8 character at end of file");
    assert_error("<a>x]]>y</a>", "1:5:", "']]>' is not allowed");
    assert_error("<a>1 < 2</a>", "1:7:", "'<' must start a tag name");
    assert_error("<a x=\"<\"/>", "1:7:", "'<' is not allowed in an attribute value");
    assert_error("<a x=1/>", "1:6:", "must be in quotes");
    assert_error("<a x=\"1\"y=\"2\"/>", "1:9:", "separated by white space");
    assert_error("<a></a>\n<b/>", "2:1:", "content after the end of the root element");
    assert_error("<a/>x", "1:5:", "text after the end of the root element");
    assert_error("hello", "1:1:", "text before the root element");
    assert_error("", "1:1:", "no root element");
    assert_error("  \n ", "2:2:", "no root element");
    assert_error("</a>", "1:1:", "without a start tag");
    assert_error("<a>&#x41", "1:4:", "unexpected end of file in an entity reference");
    assert_error("<a><![CDATA[x]]></a><![CDATA[y]]>", "1:21:", "CDATA section outside the root element");
    assert_error("<a><!DOCTYPE a></a>", "1:4:", "DOCTYPE is allowed only once, before the root element");
}

static void test_deep_nesting_refused(void)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < 5000; i++)
        g_string_append(s, "<a>");
    char *e = error_of(s->str, s->len);
    g_assert_nonnull(strstr(e, "nested more than 4096 deep"));
    g_assert_true(g_str_has_prefix(e, "1:12289:"));
    g_free(e);
    g_string_free(s, TRUE);
}

/* ---- the buffer: tokens larger than it, and tokens split across its end ----------------- */

static void test_large_tokens(void)
{
    const size_t big = 300 * 1024 + 7;
    GString *s = g_string_new("<?xml version=\"1.0\"?>\n<a v=\"");
    for (size_t i = 0; i < big; i++)
        g_string_append_c(s, (char)('A' + i % 26));
    g_string_append(s, "\">\n");
    size_t text_start = s->len;
    for (size_t i = 0; i < big; i++)
        g_string_append_c(s, i % 1000 == 999 ? '\n' : (char)('a' + i % 26));
    size_t text_end = s->len;
    g_string_append(s, "&amp;</a>\n");

    crtk_in *in = crtk_in_open_memory(s->str, s->len);
    crtk_xml_scanner *sc = crtk_xml_scanner_new(in);
    crtk_xml_token t;
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_START);
    g_assert_cmpint(t.n_attrs, ==, 1);
    g_assert_cmpuint(t.attrs[0].value_len, ==, big);
    g_assert_cmpint(t.attrs[0].value[0], ==, 'A');
    g_assert_cmpint(t.attrs[0].value[big - 1], ==, (char)('A' + (big - 1) % 26));
    g_assert_cmpint(t.line, ==, 2);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_TEXT);
    g_assert_cmpuint(t.text_len, ==, text_end - text_start + 2); /* "\n" before, "&" decoded after */
    g_assert_cmpint(t.text[0], ==, '\n');
    g_assert_cmpmem(t.text + 1, t.text_len - 2, s->str + text_start, text_end - text_start);
    g_assert_cmpint(t.text[t.text_len - 1], ==, '&');
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_END);
    g_assert_cmpint(t.line, ==, 3 + (long)(big / 1000));
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_EOF);
    crtk_xml_scanner_free(sc);
    crtk_in_close(in);
    g_string_free(s, TRUE);
}

/* A file of many items, each on its own line, with multi-byte characters and
 * references, so that some tag, reference and UTF-8 sequence straddles every
 * refill of the buffer.  Returns the document; *n_items gets the item count. */
static GString *many_items(int n_items)
{
    GString *s = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<NaaccrData xmlns=\"http://naaccr.org/naaccrxml\">\n");
    for (int i = 0; i < n_items; i++)
        g_string_append_printf(s, "  <Item naaccrId=\"item%d\" naaccrNum=\"%d\">v%d \xC3\xA9&amp;\xE2\x82\xAC%.*s</Item>\n", i, i,
                               i, i % 37, "..................................................");
    g_string_append(s, "</NaaccrData>\n");
    return s;
}

static void check_many_items(crtk_in *in, int n_items)
{
    crtk_xml_scanner *sc = crtk_xml_scanner_new(in);
    crtk_xml_scanner_skip_space(sc, true);
    crtk_xml_token t;
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_START);
    char want[128];
    for (int i = 0; i < n_items; i++) {
        g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_START);
        g_assert_cmpint(t.line, ==, 3 + i);
        g_assert_cmpint(t.column, ==, 3);
        g_assert_cmpstr(t.ns, ==, "http://naaccr.org/naaccrxml");
        g_assert_cmpint(t.n_attrs, ==, 2);
        int n = g_snprintf(want, sizeof want, "item%d", i);
        g_assert_cmpmem(t.attrs[0].value, t.attrs[0].value_len, want, (size_t)n);
        g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_TEXT);
        n = g_snprintf(want, sizeof want, "v%d \xC3\xA9&\xE2\x82\xAC%.*s", i, i % 37,
                       "..................................................");
        g_assert_cmpmem(t.text, t.text_len, want, (size_t)n);
        g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_END);
        g_assert_cmpint(t.line, ==, 3 + i);
    }
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_END);
    g_assert_cmpint(t.line, ==, 3 + n_items);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_EOF);
    crtk_xml_scanner_free(sc);
}

static void test_tokens_across_buffer_refills(void)
{
    const int n = 40000; /* about 3 MB: a dozen refills of the 256 KiB buffer */
    GString *s = many_items(n);
    g_assert_cmpuint(s->len, >, 10u * 256 * 1024);
    crtk_in *in = crtk_in_open_memory(s->str, s->len);
    check_many_items(in, n);
    crtk_in_close(in);
    g_string_free(s, TRUE);
}

static void test_error_place_deep_in_file(void)
{
    /* A bad byte far past the first buffer is reported at its own line and column. */
    GString *s = many_items(20000);
    char *p = strstr(s->str, "item15000\"");
    g_assert_nonnull(p);
    char *v = strchr(p, '>') + 3; /* "v15" -> the second digit */
    v[0] = '\x01';
    char *e = error_of(s->str, s->len);
    const char *line_start = p;
    while (line_start[-1] != '\n')
        line_start--;
    char *want = g_strdup_printf("%d:%ld:", 3 + 15000, (long)(v - line_start) + 1);
    if (!g_str_has_prefix(e, want) || !strstr(e, "control character 0x01"))
        g_error("expected %s control character, got %s", want, e);
    g_free(want);
    g_free(e);
    g_string_free(s, TRUE);
}

static void test_gzip_stream(void)
{
    const int n = 20000;
    GString *s = many_items(n);
    GByteArray *gz = gzip_bytes(s->str, s->len, 1);
    g_assert_cmpuint(gz->len, <, s->len / 4);
    crtk_in *in = crtk_in_open_memory((const char *)gz->data, gz->len);
    g_assert_true(crtk_in_is_gzip(in));
    check_many_items(in, n);
    crtk_in_close(in);
    g_byte_array_unref(gz);

    /* Concatenated gzip members read as one stream, as gzip(1) does. */
    gz = gzip_bytes(s->str, s->len, 3);
    in = crtk_in_open_memory((const char *)gz->data, gz->len);
    check_many_items(in, n);
    crtk_in_close(in);

    /* A truncated gzip file is an error, not a silent end. */
    char *e = error_of((const char *)gz->data, gz->len / 2);
    g_assert_nonnull(strstr(e, "gzip"));
    g_free(e);
    g_byte_array_unref(gz);
    g_string_free(s, TRUE);
}

static void test_latin1(void)
{
    const char xml[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a x=\"\xE9t\xE9\">caf\xE9 \xFC\xDF &#233;</a>";
    char *t = transcript(xml, sizeof xml - 1, true);
    g_assert_cmpstr(t, ==, "<a x=\xC3\xA9t\xC3\xA9>[caf\xC3\xA9 \xC3\xBC\xC3\x9F \xC3\xA9]</a>");
    g_free(t);
    const char cp[] = "<?xml version='1.0' encoding='windows-1252'?><a>\x80 \x93q\x94</a>";
    t = transcript(cp, sizeof cp - 1, true);
    g_assert_cmpstr(t, ==, "<a>[\xE2\x82\xAC \xE2\x80\x9Cq\xE2\x80\x9D]</a>");
    g_free(t);

    crtk_in *in = crtk_in_open_memory(xml, sizeof xml - 1);
    crtk_xml_scanner *sc = crtk_xml_scanner_new(in);
    crtk_xml_token tok;
    g_assert_cmpint(crtk_xml_next(sc, &tok), ==, CRTK_XML_START);
    g_assert_cmpstr(crtk_xml_scanner_encoding(sc), ==, "ISO-8859-1");
    crtk_xml_scanner_free(sc);
    crtk_in_close(in);

    /* A large Latin-1 file: conversion as the buffer is refilled. */
    GString *s = g_string_new("<?xml version=\"1.0\" encoding=\"latin1\"?>\n<r>\n");
    for (int i = 0; i < 30000; i++)
        g_string_append_printf(s, "<i n=\"%d\">Ren\xE9\xE9 M\xFCller %d</i>\n", i, i);
    g_string_append(s, "</r>\n");
    in = crtk_in_open_memory(s->str, s->len);
    sc = crtk_xml_scanner_new(in);
    crtk_xml_scanner_skip_space(sc, true);
    g_assert_cmpint(crtk_xml_next(sc, &tok), ==, CRTK_XML_START);
    for (int i = 0; i < 30000; i++) {
        g_assert_cmpint(crtk_xml_next(sc, &tok), ==, CRTK_XML_START);
        g_assert_cmpint(tok.line, ==, 3 + i);
        g_assert_cmpint(crtk_xml_next(sc, &tok), ==, CRTK_XML_TEXT);
        char *want = g_strdup_printf("Ren\xC3\xA9\xC3\xA9 M\xC3\xBCller %d", i);
        g_assert_cmpmem(tok.text, tok.text_len, want, strlen(want));
        g_free(want);
        g_assert_cmpint(crtk_xml_next(sc, &tok), ==, CRTK_XML_END);
    }
    g_assert_cmpint(crtk_xml_next(sc, &tok), ==, CRTK_XML_END);
    g_assert_cmpint(crtk_xml_next(sc, &tok), ==, CRTK_XML_EOF);
    crtk_xml_scanner_free(sc);
    crtk_in_close(in);
    g_string_free(s, TRUE);
}

/* The fast path for <Item naaccrId="ID">VALUE</Item>: takes only what it can take exactly, and
 * leaves everything else (references, other bytes, line breaks, attributes) to crtk_xml_next. */
static void test_simple_item(void)
{
    const char xml[] = "<NaaccrData xmlns=\"urn:n\">\n"
                       "  <Item naaccrId=\"patientIdNumber\">00000001</Item>\n"  /* 2: fast */
                       "  <Item naaccrId=\"nameLast\">O'Neil \"Jr\"\t&gt; x</Item>\n" /* 3: reference: slow */
                       "  <Item naaccrId=\"nameFirst\">Zo\xC3\xAB</Item>\n"      /* 4: non-ASCII: slow */
                       "  <Item naaccrId=\"x\xFF\">1</Item>\n"                    /* 5: id not ASCII: slow */
                       "  <Item naaccrId=\"a\" naaccrNum=\"1\">1</Item>\n"         /* 6: more attributes: slow */
                       "  <Item naaccrId=\"textRemarks\">a\nb</Item>\n"           /* 7: two lines: slow */
                       "  <Item naaccrId=\"primarySite\">C509 ]</Item>\n"          /* 8: ']': slow */
                       "  <Item naaccrId=\"sex\"></Item>\n"                       /* 9: empty: fast */
                       "  <Item naaccrId=\"primarySite\">C509</Item>\n"            /* 10: fast */
                       "</NaaccrData>\n";
    crtk_in *in = crtk_in_open_memory(xml, sizeof xml - 1);
    crtk_xml_scanner *sc = crtk_xml_scanner_new(in);
    crtk_xml_scanner_skip_space(sc, true);
    const char *id, *v;
    size_t id_len, v_len;
    long line, col;
    bool expected;
    crtk_xml_token t;
    /* Not before the root element. */
    g_assert_false(crtk_xml_simple_item(sc, NULL, 0, &expected, &id, &id_len, &v, &v_len, &line, &col));
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_START);
    g_assert_cmpstr(crtk_xml_scanner_default_ns(sc), ==, "urn:n");
    g_assert_true(crtk_xml_simple_item(sc, NULL, 0, &expected, &id, &id_len, &v, &v_len, &line, &col));
    g_assert_cmpmem(id, id_len, "patientIdNumber", 15);
    g_assert_cmpmem(v, v_len, "00000001", 8);
    g_assert_cmpint(line, ==, 2);
    g_assert_cmpint(col, ==, 3);
    for (int l = 3; l <= 4; l++) {
        g_assert_false(crtk_xml_simple_item(sc, NULL, 0, &expected, &id, &id_len, &v, &v_len, &line, &col));
        g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_START);
        g_assert_cmpint(t.line, ==, l);
        g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_TEXT);
        g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_END);
    }
    /* Regression: line 5's id is not UTF-8; the fast path took it, now the slow path says so. */
    g_assert_false(crtk_xml_simple_item(sc, NULL, 0, &expected, &id, &id_len, &v, &v_len, &line, &col));
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_ERROR);
    long el, ec;
    g_assert_nonnull(strstr(crtk_xml_scanner_error(sc, &el, &ec), "invalid UTF-8"));
    g_assert_cmpint(el, ==, 5);
    g_assert_cmpint(ec, ==, 20);
    crtk_xml_scanner_free(sc);
    crtk_in_close(in);

    /* Without the bad line, the rest reads through. */
    GString *s = g_string_new(xml);
    char *bad = strstr(s->str, "  <Item naaccrId=\"x\xFF");
    g_string_erase(s, bad - s->str, strchr(bad, '\n') + 1 - bad);
    in = crtk_in_open_memory(s->str, s->len);
    sc = crtk_xml_scanner_new(in);
    crtk_xml_scanner_skip_space(sc, true);
    g_assert_cmpint(crtk_xml_next(sc, &t), ==, CRTK_XML_START);
    int fast = 0, slow = 0, guessed = 0;
    for (;;) {
        /* The guess is said to be expected exactly when it is the id; a guess that is a prefix of
         * the id is not the id. */
        const char *guess = fast == 0 ? "patientId" : fast == 1 ? "sex" : "primarySite";
        if (crtk_xml_simple_item(sc, guess, strlen(guess), &expected, &id, &id_len, &v, &v_len, &line, &col)) {
            gboolean is = id_len == strlen(guess) && memcmp(id, guess, id_len) == 0;
            g_assert_cmpint(expected, ==, is);
            guessed += expected;
            fast++;
            continue;
        }
        crtk_xml_kind k = crtk_xml_next(sc, &t);
        g_assert_cmpint(k, !=, CRTK_XML_ERROR);
        if (k == CRTK_XML_EOF)
            break;
        if (k == CRTK_XML_START)
            slow++;
    }
    g_assert_cmpint(fast, ==, 3);
    g_assert_cmpint(guessed, ==, 2);
    g_assert_cmpint(slow, ==, 5);
    crtk_xml_scanner_free(sc);
    crtk_in_close(in);
    g_string_free(s, TRUE);
}

static void test_text_is_space(void)
{
    crtk_xml_token t = {.text = " \t\r\n", .text_len = 4};
    g_assert_true(crtk_xml_text_is_space(&t));
    t.text = " x ";
    t.text_len = 3;
    g_assert_false(crtk_xml_text_is_space(&t));
    t.text_len = 0;
    g_assert_true(crtk_xml_text_is_space(&t));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xml_scan/entities", test_entities);
    g_test_add_func("/xml_scan/cdata", test_cdata);
    g_test_add_func("/xml_scan/comments-and-pi-skipped", test_comments_and_pi_skipped);
    g_test_add_func("/xml_scan/line-ends", test_line_ends);
    g_test_add_func("/xml_scan/bom", test_bom);
    g_test_add_func("/xml_scan/namespaces", test_namespaces);
    g_test_add_func("/xml_scan/token-positions", test_token_positions);
    g_test_add_func("/xml_scan/white-space", test_white_space);
    g_test_add_func("/xml_scan/errors", test_errors);
    g_test_add_func("/xml_scan/deep-nesting-refused", test_deep_nesting_refused);
    g_test_add_func("/xml_scan/large-tokens", test_large_tokens);
    g_test_add_func("/xml_scan/tokens-across-buffer-refills", test_tokens_across_buffer_refills);
    g_test_add_func("/xml_scan/error-place-deep-in-file", test_error_place_deep_in_file);
    g_test_add_func("/xml_scan/gzip-stream", test_gzip_stream);
    g_test_add_func("/xml_scan/latin1", test_latin1);
    g_test_add_func("/xml_scan/simple-item", test_simple_item);
    g_test_add_func("/xml_scan/text-is-space", test_text_is_space);
    return g_test_run();
}
