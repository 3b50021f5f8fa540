/* xml_scan.c — streaming XML 1.0 tokenizer with well-formedness checks (see xml_scan.h).
 *
 * How it works: bytes live in one buffer, buf[pos..end), with a NUL sentinel
 * at buf[end].  Each token is parsed by a function that either completes it
 * (and advances pos) or answers MORE when the token runs past the end of the
 * buffer; the caller then refills (moving the unread bytes to the front and
 * growing the buffer when a single token does not fit) and parses the token
 * again from its start.  Parsing is therefore a pure function of the token's
 * bytes, and line counting is committed only when a token completes.
 *
 * The hot loops (character data, attribute values) run over a 256-entry class
 * table so that ordinary ASCII bytes cost one load and one test.
 */
#include "xml_scan.h"
#include "problem.h"

#include <string.h>
#include <glib.h>

/* The fuzz build (tests/fuzz/) makes the buffer tiny so that tokens straddle its end everywhere. */
#ifndef CRTK_XML_INITIAL_BUF
#define INITIAL_BUF (256 * 1024)
#define MIN_READ (64 * 1024)
#else
#define INITIAL_BUF CRTK_XML_INITIAL_BUF
#define MIN_READ CRTK_XML_MIN_READ
#endif
#define MAX_TOKEN (256u * 1024 * 1024) /* a single tag or text larger than this is refused */
#define MAX_DEPTH 4096
#define NS_XML "http://www.w3.org/XML/1998/namespace"
#define NS_XMLNS "http://www.w3.org/2000/xmlns/"

enum { OK = 0, MORE = 1, ERR = 2 };

/* Character classes for data and attribute values. */
enum { C_PLAIN = 0, C_NL, C_LT, C_AMP, C_CR, C_RBRACKET, C_CTRL, C_HIGH, C_QUOT, C_APOS, C_TAB };
static unsigned char cls[256];
/* The same for attribute values, where ']' is an ordinary byte. */
static unsigned char attr_cls[256];
/* Bytes that end the fast path's value scan (see crtk_xml_simple_item). */
static unsigned char fast_cls[256];
/* Name characters: 1 = may start a name, 2 = may continue a name. */
static unsigned char name_cls[256];
/* The bytes of an id the fast path takes (ASCII letters, digits, '_'); the rest go the slow way. */
static unsigned char fast_id_cls[256];
/* White space between elements: 1 blank, tab or CR, 2 newline. */
static unsigned char space_cls[256];

static void init_tables(void)
{
    static gsize done = 0;
    if (g_once_init_enter(&done)) {
        for (int c = 0; c < 256; c++) {
            unsigned char k = C_PLAIN;
            if (c < 0x20)
                k = C_CTRL;
            else if (c >= 0x80)
                k = C_HIGH;
            cls[c] = k;
            unsigned char n = 0;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80)
                n = 3;
            else if ((c >= '0' && c <= '9') || c == '-' || c == '.')
                n = 2;
            name_cls[c] = n;
            fast_id_cls[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        }
        space_cls[' '] = space_cls['\t'] = space_cls['\r'] = 1;
        space_cls['\n'] = 2;
        cls['\n'] = C_NL;
        cls['\r'] = C_CR;
        cls['\t'] = C_TAB;
        cls['<'] = C_LT;
        cls['&'] = C_AMP;
        cls[']'] = C_RBRACKET;
        cls['"'] = C_QUOT;
        cls['\''] = C_APOS;
        memcpy(attr_cls, cls, sizeof cls);
        attr_cls[']'] = C_PLAIN;
        memcpy(fast_cls, cls, sizeof cls);
        fast_cls['"'] = fast_cls['\''] = fast_cls['\t'] = 0;
        g_once_init_leave(&done, 1);
    }
}

typedef struct {
    char *prefix; /* "" for the default namespace */
    char *uri;    /* "" undeclares the default namespace */
    int depth;
} ns_binding;

typedef struct {
    size_t name_off; /* into names */
    size_t name_len;
    long line;
} open_element;

struct crtk_xml_scanner {
    crtk_in *in;
    char *buf;
    size_t pos, end, cap;
    long long buf_abs;      /* absolute offset of buf[0] */
    bool eof;
    bool failed;
    char *err;
    long err_line, err_col;
    long line;              /* line number at pos */
    long long line_start;   /* absolute offset of the start of that line */
    char *names;            /* names of open elements, back to back */
    size_t names_len, names_cap;
    open_element *open;     /* the open elements, innermost last */
    int n_open, cap_open;
    GArray *ns;             /* ns_binding */
    GPtrArray *dead;        /* strings of popped bindings, freed at the next call */
    const char *default_ns; /* current default namespace or NULL */
    crtk_xml_attr *attrs;
    int cap_attrs;
    size_t *attr_val_off;   /* scratch offsets for decoded values, (size_t)-1 if in buffer */
    GString *scratch;
    bool pending_end;
    bool skip_space;
    bool root_seen, root_closed;
    bool doctype_seen;
    bool started;           /* first token examined (BOM and XML declaration) */
    bool bom;
    int encoding;           /* 0 UTF-8, 1 ISO-8859-1, 2 windows-1252 */
    char *encoding_name;
    char *raw_tmp;          /* raw bytes before transcoding */
    size_t raw_tmp_cap;
};

/* ---- errors and lines ------------------------------------------------------ */

static void locate(const crtk_xml_scanner *sc, const char *p, long *line, long *col)
{
    /* p is inside the buffer at or after pos; count from pos. */
    long l = sc->line;
    long long ls = sc->line_start;
    const char *q = sc->buf + sc->pos;
    while (q < p) {
        const char *nl = memchr(q, '\n', (size_t)(p - q));
        if (!nl)
            break;
        l++;
        ls = sc->buf_abs + (nl + 1 - sc->buf);
        q = nl + 1;
    }
    *line = l;
    *col = (long)(sc->buf_abs + (p - sc->buf) - ls) + 1;
}

static int fail_at(crtk_xml_scanner *sc, const char *p, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static int fail_at(crtk_xml_scanner *sc, const char *p, const char *fmt, ...)
{
    if (sc->failed)
        return ERR;
    va_list ap;
    va_start(ap, fmt);
    sc->err = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (p)
        locate(sc, p, &sc->err_line, &sc->err_col);
    else {
        sc->err_line = sc->line;
        sc->err_col = (long)(sc->buf_abs + (long long)sc->pos - sc->line_start) + 1;
    }
    sc->failed = true;
    return ERR;
}

/* ---- buffer ---------------------------------------------------------------- */

static const unsigned short cp1252_high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

static size_t transcode(int encoding, const unsigned char *src, size_t n, char *dst)
{
    char *d = dst;
    for (size_t i = 0; i < n; i++) {
        unsigned c = src[i];
        if (c >= 0x80 && c < 0xA0 && encoding == 2)
            c = cp1252_high[c - 0x80];
        if (c < 0x80) {
            *d++ = (char)c;
        } else if (c < 0x800) {
            *d++ = (char)(0xC0 | (c >> 6));
            *d++ = (char)(0x80 | (c & 0x3F));
        } else {
            *d++ = (char)(0xE0 | (c >> 12));
            *d++ = (char)(0x80 | ((c >> 6) & 0x3F));
            *d++ = (char)(0x80 | (c & 0x3F));
        }
    }
    return (size_t)(d - dst);
}

/* Returns 1 if bytes were added, 0 at end of input, -1 on a read error. */
static int fill(crtk_xml_scanner *sc)
{
    if (sc->eof)
        return 0;
    if (sc->pos > 0) {
        memmove(sc->buf, sc->buf + sc->pos, sc->end - sc->pos);
        sc->buf_abs += (long long)sc->pos;
        sc->end -= sc->pos;
        sc->pos = 0;
    }
    size_t want = sc->encoding ? MIN_READ * 3 : MIN_READ;
    if (sc->cap - 1 - sc->end < want) {
        if (sc->end > MAX_TOKEN) {
            fail_at(sc, NULL, "a single tag or text is longer than %u MiB", MAX_TOKEN >> 20);
            return -1;
        }
        while (sc->cap - 1 - sc->end < want)
            sc->cap *= 2;
        sc->buf = g_realloc(sc->buf, sc->cap);
    }
    GError *error = NULL;
    gssize n;
    if (!sc->encoding) {
        n = crtk_in_read(sc->in, sc->buf + sc->end, sc->cap - 1 - sc->end, &error);
    } else {
        size_t room = (sc->cap - 1 - sc->end) / 3;
        if (sc->raw_tmp_cap < room) {
            sc->raw_tmp_cap = room;
            sc->raw_tmp = g_realloc(sc->raw_tmp, room);
        }
        n = crtk_in_read(sc->in, sc->raw_tmp, room, &error);
        if (n > 0)
            n = (gssize)transcode(sc->encoding, (unsigned char *)sc->raw_tmp, (size_t)n, sc->buf + sc->end);
    }
    if (n < 0) {
        fail_at(sc, NULL, "%s", error ? error->message : "read error");
        g_clear_error(&error);
        return -1;
    }
    if (n == 0) {
        sc->eof = true;
        sc->buf[sc->end] = 0;
        return 0;
    }
    sc->end += (size_t)n;
    sc->buf[sc->end] = 0;
    return 1;
}

crtk_xml_scanner *crtk_xml_scanner_new(crtk_in *in)
{
    init_tables();
    crtk_xml_scanner *sc = g_new0(crtk_xml_scanner, 1);
    sc->in = in;
    sc->cap = INITIAL_BUF;
    sc->buf = g_malloc(sc->cap);
    sc->buf[0] = 0;
    sc->line = 1;
    sc->names_cap = 1024;
    sc->names = g_malloc(sc->names_cap);
    sc->cap_open = 16;
    sc->open = g_new(open_element, sc->cap_open);
    sc->ns = g_array_new(FALSE, FALSE, sizeof(ns_binding));
    sc->dead = g_ptr_array_new_with_free_func(g_free);
    sc->scratch = g_string_sized_new(1024);
    sc->cap_attrs = 16;
    sc->attrs = g_new0(crtk_xml_attr, sc->cap_attrs);
    sc->attr_val_off = g_new0(size_t, sc->cap_attrs);
    return sc;
}

void crtk_xml_scanner_free(crtk_xml_scanner *sc)
{
    if (!sc)
        return;
    for (guint i = 0; i < sc->ns->len; i++) {
        ns_binding *b = &g_array_index(sc->ns, ns_binding, i);
        g_free(b->prefix);
        g_free(b->uri);
    }
    g_array_free(sc->ns, TRUE);
    g_ptr_array_free(sc->dead, TRUE);
    g_free(sc->open);
    g_free(sc->names);
    g_string_free(sc->scratch, TRUE);
    g_free(sc->attrs);
    g_free(sc->attr_val_off);
    g_free(sc->buf);
    g_free(sc->err);
    g_free(sc->encoding_name);
    g_free(sc->raw_tmp);
    g_free(sc);
}

const char *crtk_xml_scanner_error(const crtk_xml_scanner *sc, long *line, long *column)
{
    if (line)
        *line = sc->err_line;
    if (column)
        *column = sc->err_col;
    return sc->err;
}

void crtk_xml_scanner_skip_space(crtk_xml_scanner *sc, bool skip)
{
    sc->skip_space = skip;
}

const char *crtk_xml_scanner_encoding(const crtk_xml_scanner *sc)
{
    return sc->encoding_name;
}

long long crtk_xml_scanner_offset(const crtk_xml_scanner *sc)
{
    return sc->buf_abs + (long long)sc->pos;
}

bool crtk_xml_text_is_space(const crtk_xml_token *tok)
{
    for (size_t i = 0; i < tok->text_len; i++) {
        char c = tok->text[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return false;
    }
    return true;
}

/* ---- characters ------------------------------------------------------------ */

/* Checks one UTF-8 encoded character that starts with a byte >= 0x80.
 * Returns its length, 0 when the sequence runs past e (need more), -1 if invalid. */
static int utf8_char(const unsigned char *p, const unsigned char *e)
{
    unsigned c = p[0];
    int n;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return -1;
    }
    if (p + n > e) {
        /* Check what is there, so that a bad byte is reported even at the end. */
        for (const unsigned char *q = p + 1; q < e; q++)
            if ((*q & 0xC0) != 0x80)
                return -1;
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return -1;
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return -1;
    return n;
}

static bool xml_char_ok(unsigned long cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Checks an entity or character reference at p ('&').  Returns its length,
 * 0 if it runs past e, -1 (with error set) if invalid. */
static int check_reference(crtk_xml_scanner *sc, const char *p, const char *e)
{
    const char *q = p + 1;
    const char *limit = MIN(e, p + 40);
    while (q < limit && *q != ';' && *q != '<' && *q != '&' && *q != ' ' && *q != '\n' && *q != '"' && *q != '\'')
        q++;
    if (q >= limit) {
        if (limit == e)
            return 0;
        fail_at(sc, p, "'&' must start an entity such as &amp; (write & as &amp;)");
        return -1;
    }
    if (*q != ';') {
        fail_at(sc, p, "'&' must start an entity such as &amp; (write & as &amp;)");
        return -1;
    }
    size_t len = (size_t)(q - p - 1);
    const char *name = p + 1;
    if (len > 1 && name[0] == '#') {
        unsigned long cp = 0;
        bool hex = name[1] == 'x';
        size_t i = hex ? 2 : 1;
        if (i == len)
            goto bad_char;
        for (; i < len; i++) {
            char c = name[i];
            unsigned d;
            if (c >= '0' && c <= '9')
                d = (unsigned)(c - '0');
            else if (hex && c >= 'a' && c <= 'f')
                d = (unsigned)(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F')
                d = (unsigned)(c - 'A' + 10);
            else
                goto bad_char;
            cp = cp * (hex ? 16 : 10) + d;
            if (cp > 0x10FFFF)
                goto bad_char;
        }
        if (!xml_char_ok(cp))
            goto bad_char;
        return (int)(q - p + 1);
    bad_char:
        fail_at(sc, p, "invalid character reference &%.*s;", (int)len, name);
        return -1;
    }
    if ((len == 2 && (memcmp(name, "lt", 2) == 0 || memcmp(name, "gt", 2) == 0)) ||
        (len == 3 && memcmp(name, "amp", 3) == 0) ||
        (len == 4 && (memcmp(name, "apos", 4) == 0 || memcmp(name, "quot", 4) == 0)))
        return (int)(q - p + 1);
    fail_at(sc, p, "undefined entity &%.*s; (XML knows only &lt; &gt; &amp; &apos; &quot;)", (int)len, name);
    return -1;
}

static void append_utf8(GString *s, unsigned long cp)
{
    char b[4];
    int n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    g_string_append_len(s, b, n);
}

/* Decodes already checked text into scratch: references, CR LF -> LF, and for
 * attribute values the white-space normalisation of XML 1.0 section 3.3.3. */
static void decode_into(GString *out, const char *p, size_t len, bool attribute, bool refs)
{
    const char *e = p + len;
    while (p < e) {
        char c = *p;
        if (c == '&' && refs) {
            const char *semi = memchr(p, ';', (size_t)(e - p));
            const char *name = p + 1;
            size_t n = (size_t)(semi - name);
            if (name[0] == '#') {
                bool hex = name[1] == 'x';
                unsigned long cp = strtoul(name + (hex ? 2 : 1), NULL, hex ? 16 : 10);
                append_utf8(out, cp);
            } else if (n == 2 && name[0] == 'l') {
                g_string_append_c(out, '<');
            } else if (n == 2) {
                g_string_append_c(out, '>');
            } else if (n == 3) {
                g_string_append_c(out, '&');
            } else if (name[0] == 'a') {
                g_string_append_c(out, '\'');
            } else {
                g_string_append_c(out, '"');
            }
            p = semi + 1;
            continue;
        }
        if (c == '\r') {
            g_string_append_c(out, attribute ? ' ' : '\n');
            p++;
            if (p < e && *p == '\n')
                p++;
            continue;
        }
        if (attribute && (c == '\n' || c == '\t'))
            c = ' ';
        g_string_append_c(out, c);
        p++;
    }
}

/* ---- names and namespaces -------------------------------------------------- */

/* Parses a name at p; returns its end, or NULL (need more when *more). */
static const char *scan_name(const char *p, const char *e, bool *more)
{
    *more = false;
    if (p >= e) {
        *more = true;
        return NULL;
    }
    if (!(name_cls[(unsigned char)*p] & 1))
        return NULL;
    p++;
    while (name_cls[(unsigned char)*p])
        p++;
    if (p >= e) {
        *more = true;
        return NULL;
    }
    return p;
}

static const char *lookup_prefix(const crtk_xml_scanner *sc, const char *prefix, size_t len)
{
    if (len == 3 && memcmp(prefix, "xml", 3) == 0)
        return NS_XML;
    for (guint i = sc->ns->len; i-- > 0;) {
        const ns_binding *b = &g_array_index(sc->ns, ns_binding, i);
        if (strlen(b->prefix) == len && memcmp(b->prefix, prefix, len) == 0)
            return b->uri;
    }
    return NULL;
}

static void recompute_default(crtk_xml_scanner *sc)
{
    sc->default_ns = NULL;
    for (guint i = sc->ns->len; i-- > 0;) {
        const ns_binding *b = &g_array_index(sc->ns, ns_binding, i);
        if (b->prefix[0] == 0) {
            sc->default_ns = b->uri[0] ? b->uri : NULL;
            return;
        }
    }
}

static void pop_bindings(crtk_xml_scanner *sc, int depth)
{
    if (sc->ns->len == 0 || g_array_index(sc->ns, ns_binding, sc->ns->len - 1).depth < depth)
        return;
    bool changed = false;
    while (sc->ns->len > 0) {
        ns_binding *b = &g_array_index(sc->ns, ns_binding, sc->ns->len - 1);
        if (b->depth < depth)
            break;
        if (b->prefix[0] == 0)
            changed = true;
        /* The END token may still point at the URI: free it at the next call. */
        g_ptr_array_add(sc->dead, b->prefix);
        g_ptr_array_add(sc->dead, b->uri);
        g_array_set_size(sc->ns, sc->ns->len - 1);
    }
    if (changed)
        recompute_default(sc);
}

static inline void split_qname(const char *q, size_t len, const char **local, size_t *local_len, size_t *prefix_len)
{
    const char *colon = NULL;
    for (size_t i = 0; i < len; i++)
        if (q[i] == ':') {
            colon = q + i;
            break;
        }
    if (colon) {
        *prefix_len = (size_t)(colon - q);
        *local = colon + 1;
        *local_len = len - *prefix_len - 1;
    } else {
        *prefix_len = 0;
        *local = q;
        *local_len = len;
    }
}

/* ---- tokens ---------------------------------------------------------------- */

static int start_tag(crtk_xml_scanner *sc, crtk_xml_token *tok, const char *p, const char *e)
{
    const char *start = p;
    bool more;
    const char *q = p + 1;
    const char *name_end = scan_name(q, e, &more);
    if (!name_end) {
        if (more)
            return MORE;
        return fail_at(sc, q, "'<' must start a tag name (write < as &lt;)");
    }
    if (sc->root_closed)
        return fail_at(sc, p, "content after the end of the root element");
    if (sc->n_open >= MAX_DEPTH)
        return fail_at(sc, p, "elements nested more than %d deep", MAX_DEPTH);
    tok->qname = q;
    tok->qname_len = (size_t)(name_end - q);
    int n = 0;
    sc->scratch->len = 0;
    long line = sc->line;
    long long line_start = sc->line_start;
    /* Line counting inside the tag (new lines between attributes). */
#define NEWLINE_AT(ptr) do { line++; line_start = sc->buf_abs + ((ptr) + 1 - sc->buf); } while (0)
    p = name_end;
    bool empty = false;
    for (;;) {
        bool space = false;
        while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            if (*p == '\n')
                NEWLINE_AT(p);
            p++;
            space = true;
        }
        if (p >= e)
            return MORE;
        if (*p == '>') {
            p++;
            break;
        }
        if (*p == '/') {
            if (p + 1 >= e)
                return MORE;
            if (p[1] != '>')
                return fail_at(sc, p, "'/' in a tag must be followed by '>'");
            p += 2;
            empty = true;
            break;
        }
        if (!space)
            return fail_at(sc, p, "attributes must be separated by white space");
        const char *an = p;
        const char *an_end = scan_name(an, e, &more);
        if (!an_end) {
            if (more)
                return MORE;
            return fail_at(sc, an, "invalid character in a tag (expected an attribute name, '>' or '/>')");
        }
        p = an_end;
        while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            if (*p == '\n')
                NEWLINE_AT(p);
            p++;
        }
        if (p >= e)
            return MORE;
        if (*p != '=')
            return fail_at(sc, p, "attribute %.*s must have '=' and a quoted value", (int)(an_end - an), an);
        p++;
        while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            if (*p == '\n')
                NEWLINE_AT(p);
            p++;
        }
        if (p >= e)
            return MORE;
        char quote = *p;
        if (quote != '"' && quote != '\'')
            return fail_at(sc, p, "the value of attribute %.*s must be in quotes", (int)(an_end - an), an);
        const char *vs = ++p;
        bool needs_decode = false, refs = false;
        for (;;) {
            while (!attr_cls[(unsigned char)*p])
                p++;
            unsigned char c = (unsigned char)*p;
            if (c == (unsigned char)quote)
                break;
            switch (cls[c]) {
            case C_QUOT:
            case C_APOS:
                p++;
                break;
            case C_NL:
                NEWLINE_AT(p);
                needs_decode = true;
                p++;
                break;
            case C_TAB:
            case C_CR:
                needs_decode = true;
                p++;
                break;
            case C_LT:
                return fail_at(sc, p, "'<' is not allowed in an attribute value (write &lt;)");
            case C_AMP: {
                int r = check_reference(sc, p, e);
                if (r == 0)
                    return MORE;
                if (r < 0)
                    return ERR;
                needs_decode = refs = true;
                p += r;
                break;
            }
            case C_HIGH: {
                int r = utf8_char((const unsigned char *)p, (const unsigned char *)e);
                if (r == 0)
                    return MORE;
                if (r < 0)
                    return fail_at(sc, p, "invalid UTF-8 byte 0x%02X", (unsigned char)*p);
                p += r;
                break;
            }
            default: /* C_CTRL */
                if (p >= e)
                    return MORE;
                return fail_at(sc, p, "control character 0x%02X is not allowed in XML 1.0", c);
            }
        }
        if (n == sc->cap_attrs) {
            sc->cap_attrs *= 2;
            sc->attrs = g_renew(crtk_xml_attr, sc->attrs, sc->cap_attrs);
            sc->attr_val_off = g_renew(size_t, sc->attr_val_off, sc->cap_attrs);
        }
        crtk_xml_attr *a = &sc->attrs[n];
        a->ns = NULL;
        a->ns_unbound = false;
        a->is_xmlns = false;
        a->qname = an;
        a->qname_len = (size_t)(an_end - an);
        long acol;
        a->line = line;
        acol = (long)(sc->buf_abs + (an - sc->buf) - line_start) + 1;
        a->column = acol;
        if (needs_decode) {
            sc->attr_val_off[n] = sc->scratch->len;
            decode_into(sc->scratch, vs, (size_t)(p - vs), true, refs);
            a->value_len = sc->scratch->len - sc->attr_val_off[n];
            g_string_append_c(sc->scratch, 0);
        } else {
            sc->attr_val_off[n] = (size_t)-1;
            a->value = vs;
            a->value_len = (size_t)(p - vs);
        }
        n++;
        p++; /* closing quote */
    }
#undef NEWLINE_AT
    /* The whole tag is here: commit. */
    for (int i = 0; i < n; i++)
        if (sc->attr_val_off[i] != (size_t)-1)
            sc->attrs[i].value = sc->scratch->str + sc->attr_val_off[i];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (sc->attrs[i].qname_len == sc->attrs[j].qname_len &&
                memcmp(sc->attrs[i].qname, sc->attrs[j].qname, sc->attrs[i].qname_len) == 0)
                return fail_at(sc, sc->attrs[i].qname, "attribute %.*s appears twice", (int)sc->attrs[i].qname_len,
                               sc->attrs[i].qname);
    int depth = sc->n_open + 1;
    bool default_changed = false;
    for (int i = 0; i < n; i++) {
        crtk_xml_attr *a = &sc->attrs[i];
        bool xmlns = a->qname_len >= 5 && a->qname[0] == 'x' && memcmp(a->qname, "xmlns", 5) == 0 &&
                     (a->qname_len == 5 || a->qname[5] == ':');
        if (!xmlns)
            continue;
        a->is_xmlns = true;
        a->ns = NS_XMLNS;
        const char *prefix = a->qname_len == 5 ? "" : a->qname + 6;
        size_t plen = a->qname_len == 5 ? 0 : a->qname_len - 6;
        if (a->qname_len > 5 && a->value_len == 0)
            return fail_at(sc, a->qname, "namespace prefix %.*s cannot be bound to an empty URI", (int)plen, prefix);
        if (plen == 5 && memcmp(prefix, "xmlns", 5) == 0)
            return fail_at(sc, a->qname, "the prefix xmlns cannot be declared");
        if (plen == 3 && memcmp(prefix, "xml", 3) == 0 &&
            !(a->value_len == strlen(NS_XML) && memcmp(a->value, NS_XML, a->value_len) == 0))
            return fail_at(sc, a->qname, "the prefix xml cannot be bound to another URI");
        ns_binding b = {g_strndup(prefix, plen), g_strndup(a->value, a->value_len), depth};
        g_array_append_val(sc->ns, b);
        if (plen == 0)
            default_changed = true;
    }
    if (default_changed)
        recompute_default(sc);
    /* Resolve names. */
    size_t plen;
    split_qname(tok->qname, tok->qname_len, &tok->local, &tok->local_len, &plen);
    tok->ns_unbound = false;
    if (plen == 0) {
        tok->ns = sc->default_ns;
    } else {
        tok->ns = lookup_prefix(sc, tok->qname, plen);
        if (tok->ns && !tok->ns[0])
            tok->ns = NULL;
        tok->ns_unbound = tok->ns == NULL;
        if (tok->local_len == 0 || memchr(tok->local, ':', tok->local_len))
            return fail_at(sc, tok->qname, "invalid qualified name %.*s", (int)tok->qname_len, tok->qname);
    }
    for (int i = 0; i < n; i++) {
        crtk_xml_attr *a = &sc->attrs[i];
        size_t ap;
        split_qname(a->qname, a->qname_len, &a->local, &a->local_len, &ap);
        if (a->is_xmlns || ap == 0)
            continue;
        a->ns = lookup_prefix(sc, a->qname, ap);
        if (a->ns && !a->ns[0])
            a->ns = NULL;
        a->ns_unbound = a->ns == NULL;
    }
    /* Push the element. */
    if (sc->n_open == sc->cap_open) {
        sc->cap_open *= 2;
        sc->open = g_renew(open_element, sc->open, sc->cap_open);
    }
    if (sc->names_len + tok->qname_len > sc->names_cap) {
        while (sc->names_len + tok->qname_len > sc->names_cap)
            sc->names_cap *= 2;
        sc->names = g_realloc(sc->names, sc->names_cap);
    }
    open_element oe = {sc->names_len, tok->qname_len, sc->line};
    memcpy(sc->names + sc->names_len, tok->qname, tok->qname_len);
    sc->names_len += tok->qname_len;
    sc->open[sc->n_open++] = oe;
    sc->root_seen = true;
    tok->kind = CRTK_XML_START;
    tok->empty = empty;
    tok->attrs = sc->attrs;
    tok->n_attrs = n;
    tok->depth = depth;
    tok->raw = start;
    tok->raw_len = (size_t)(p - start);
    sc->pos = (size_t)(p - sc->buf);
    sc->line = line;
    sc->line_start = line_start;
    if (empty)
        sc->pending_end = true;
    return OK;
}

static void close_element(crtk_xml_scanner *sc, crtk_xml_token *tok)
{
    open_element oe = sc->open[sc->n_open - 1];
    int depth = sc->n_open;
    tok->kind = CRTK_XML_END;
    tok->depth = depth;
    tok->qname = sc->names + oe.name_off;
    tok->qname_len = oe.name_len;
    size_t plen;
    split_qname(tok->qname, tok->qname_len, &tok->local, &tok->local_len, &plen);
    tok->ns = plen ? lookup_prefix(sc, tok->qname, plen) : sc->default_ns;
    if (tok->ns && !tok->ns[0])
        tok->ns = NULL;
    tok->ns_unbound = plen && !tok->ns;
    tok->n_attrs = 0;
    pop_bindings(sc, depth);
    /* The name stays in place (valid until the next push, so until the next call). */
    sc->n_open--;
    sc->names_len = oe.name_off;
    if (sc->n_open == 0)
        sc->root_closed = true;
}

static int end_tag(crtk_xml_scanner *sc, crtk_xml_token *tok, const char *p, const char *e)
{
    const char *start = p;
    const char *q = p + 2;
    bool more;
    const char *name_end = scan_name(q, e, &more);
    if (!name_end) {
        if (more)
            return MORE;
        return fail_at(sc, q, "'</' must be followed by an element name");
    }
    size_t len = (size_t)(name_end - q);
    p = name_end;
    long line = sc->line;
    long long line_start = sc->line_start;
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
        if (*p == '\n') {
            line++;
            line_start = sc->buf_abs + (p + 1 - sc->buf);
        }
        p++;
    }
    if (p >= e)
        return MORE;
    if (*p != '>')
        return fail_at(sc, p, "end tag </%.*s> must close with '>'", (int)len, q);
    p++;
    if (sc->n_open == 0)
        return fail_at(sc, start, "end tag </%.*s> without a start tag", (int)len, q);
    open_element oe = sc->open[sc->n_open - 1];
    bool same = oe.name_len == len;
    for (size_t i = 0; same && i < len; i++)
        same = sc->names[oe.name_off + i] == q[i];
    if (!same)
        return fail_at(sc, start, "end tag </%.*s> does not match <%.*s> opened on line %ld", (int)len, q,
                       (int)oe.name_len, sc->names + oe.name_off, oe.line);
    close_element(sc, tok);
    tok->raw = start;
    tok->raw_len = (size_t)(p - start);
    sc->pos = (size_t)(p - sc->buf);
    sc->line = line;
    sc->line_start = line_start;
    return OK;
}

/* Skips a comment, processing instruction, CDATA or DOCTYPE body up to the
 * terminator; checks characters.  Returns pointer past terminator, NULL with
 * *status set otherwise. */
static const char *scan_until(crtk_xml_scanner *sc, const char *p, const char *e, const char *term, bool comment,
                              long *line, long long *line_start, bool *has_cr, int *status)
{
    size_t tlen = strlen(term);
    *has_cr = false;
    for (;;) {
        if (p + tlen > e) {
            *status = MORE;
            return NULL;
        }
        unsigned char c = (unsigned char)*p;
        if (c == (unsigned char)term[0] && memcmp(p, term, tlen) == 0)
            return p + tlen;
        if (comment && c == '-' && p[1] == '-') {
            *status = fail_at(sc, p, "'--' is not allowed inside a comment");
            return NULL;
        }
        if (c == '\n') {
            (*line)++;
            *line_start = sc->buf_abs + (p + 1 - sc->buf);
        } else if (c == '\r') {
            *has_cr = true;
        } else if (c < 0x20 && c != '\t') {
            *status = fail_at(sc, p, "control character 0x%02X is not allowed in XML 1.0", c);
            return NULL;
        } else if (c >= 0x80) {
            int r = utf8_char((const unsigned char *)p, (const unsigned char *)e);
            if (r == 0) {
                *status = MORE;
                return NULL;
            }
            if (r < 0) {
                *status = fail_at(sc, p, "invalid UTF-8 byte 0x%02X", c);
                return NULL;
            }
            p += r;
            continue;
        }
        p++;
    }
}

static int xml_declaration(crtk_xml_scanner *sc, const char *body, size_t len, const char *at)
{
    /* Attributes of <?xml ... ?>: version, encoding, standalone. */
    char *s = g_strndup(body, len);
    int rc = OK;
    GRegex *re = g_regex_new("^\\s+version\\s*=\\s*(['\"])1\\.[0-9]+\\1"
                             "(\\s+encoding\\s*=\\s*(['\"])([A-Za-z][A-Za-z0-9._-]*)\\3)?"
                             "(\\s+standalone\\s*=\\s*(['\"])(yes|no)\\6)?\\s*$",
                             0, 0, NULL);
    GMatchInfo *mi = NULL;
    if (!g_regex_match(re, s, 0, &mi)) {
        rc = fail_at(sc, at, "malformed XML declaration <?xml%s?>", s);
    } else {
        char *enc = g_match_info_fetch(mi, 4);
        if (enc && *enc) {
            char *up = g_ascii_strup(enc, -1);
            sc->encoding_name = g_strdup(enc);
            if (!strcmp(up, "UTF-8") || !strcmp(up, "UTF8") || !strcmp(up, "US-ASCII") || !strcmp(up, "ASCII"))
                sc->encoding = 0;
            else if (!strcmp(up, "ISO-8859-1") || !strcmp(up, "LATIN1") || !strcmp(up, "ISO_8859-1") ||
                     !strcmp(up, "LATIN-1"))
                sc->encoding = 1;
            else if (!strcmp(up, "WINDOWS-1252") || !strcmp(up, "CP1252"))
                sc->encoding = 2;
            else
                rc = fail_at(sc, at, "encoding %s is not supported (use UTF-8)", enc);
            g_free(up);
        }
        g_free(enc);
    }
    g_match_info_free(mi);
    g_regex_unref(re);
    g_free(s);
    return rc;
}

static void transcode_rest(crtk_xml_scanner *sc)
{
    /* The declaration asked for a single-byte encoding: convert what is already buffered. */
    size_t n = sc->end - sc->pos;
    char *tmp = g_memdup2(sc->buf + sc->pos, n);
    size_t need = sc->pos + n * 3 + 1;
    if (sc->cap < need) {
        while (sc->cap < need)
            sc->cap *= 2;
        sc->buf = g_realloc(sc->buf, sc->cap);
    }
    size_t out = transcode(sc->encoding, (unsigned char *)tmp, n, sc->buf + sc->pos);
    sc->end = sc->pos + out;
    sc->buf[sc->end] = 0;
    g_free(tmp);
}

static int markup(crtk_xml_scanner *sc, crtk_xml_token *tok, const char *p, const char *e)
{
    if (p + 1 >= e)
        return MORE;
    char c = p[1];
    if (c == '/')
        return end_tag(sc, tok, p, e);
    if (c != '!' && c != '?')
        return start_tag(sc, tok, p, e);
    long line = sc->line;
    long long line_start = sc->line_start;
    bool has_cr;
    int status = OK;
    const char *after;
    if (c == '?') {
        bool more;
        const char *t = p + 2;
        const char *te = scan_name(t, e, &more);
        if (!te)
            return more ? MORE : fail_at(sc, t, "'<?' must be followed by a name");
        after = scan_until(sc, te, e, "?>", false, &line, &line_start, &has_cr, &status);
        if (!after)
            return status;
        size_t tl = (size_t)(te - t);
        bool is_xml = tl == 3 && g_ascii_strncasecmp(t, "xml", 3) == 0;
        if (is_xml) {
            long long abs = sc->buf_abs + (p - sc->buf);
            bool at_start = abs == (sc->bom ? 3 : 0);
            if (memcmp(t, "xml", 3) != 0 || !at_start || sc->root_seen)
                return fail_at(sc, p, "the XML declaration <?xml ...?> is allowed only at the very start of the file");
            size_t pos_before = sc->pos;
            if (xml_declaration(sc, te, (size_t)(after - 2 - te), p) != OK)
                return ERR;
            sc->pos = (size_t)(after - sc->buf);
            sc->line = line;
            sc->line_start = line_start;
            (void)pos_before;
            if (sc->encoding)
                transcode_rest(sc);
            return MORE + 10; /* skipped */
        }
        if (te < e && *te != '?' && *te != ' ' && *te != '\t' && *te != '\n' && *te != '\r')
            return fail_at(sc, te, "malformed processing instruction");
    } else if (p + 4 <= e && memcmp(p, "<!--", 4) == 0) {
        after = scan_until(sc, p + 4, e, "-->", true, &line, &line_start, &has_cr, &status);
        if (!after)
            return status;
    } else if (p + 9 <= e && memcmp(p, "<![CDATA[", 9) == 0) {
        if (sc->n_open == 0)
            return fail_at(sc, p, "CDATA section outside the root element");
        after = scan_until(sc, p + 9, e, "]]>", false, &line, &line_start, &has_cr, &status);
        if (!after)
            return status;
        tok->kind = CRTK_XML_TEXT;
        tok->cdata = true;
        tok->depth = sc->n_open;
        const char *body = p + 9;
        size_t blen = (size_t)(after - 3 - body);
        if (has_cr) {
            g_string_truncate(sc->scratch, 0);
            decode_into(sc->scratch, body, blen, false, false);
            tok->text = sc->scratch->str;
            tok->text_len = sc->scratch->len;
        } else {
            tok->text = body;
            tok->text_len = blen;
        }
        tok->raw = p;
        tok->raw_len = (size_t)(after - p);
        sc->pos = (size_t)(after - sc->buf);
        sc->line = line;
        sc->line_start = line_start;
        return OK;
    } else if (p + 9 <= e && memcmp(p, "<!DOCTYPE", 9) == 0) {
        if (sc->root_seen || sc->doctype_seen)
            return fail_at(sc, p, "DOCTYPE is allowed only once, before the root element");
        /* Skip, honouring quotes and the internal subset's brackets. */
        const char *q = p + 9;
        int bracket = 0;
        char quote = 0;
        for (;; q++) {
            if (q >= e)
                return MORE;
            if (*q == '\n') {
                line++;
                line_start = sc->buf_abs + (q + 1 - sc->buf);
            }
            if (quote) {
                if (*q == quote)
                    quote = 0;
            } else if (*q == '"' || *q == '\'') {
                quote = *q;
            } else if (*q == '[') {
                bracket++;
            } else if (*q == ']') {
                bracket--;
            } else if (*q == '>' && bracket <= 0) {
                break;
            }
        }
        after = q + 1;
        sc->doctype_seen = true;
    } else {
        if (p + 9 > e && !sc->eof)
            return MORE;
        return fail_at(sc, p, "'<!' must start a comment <!-- -->, a CDATA section or DOCTYPE");
    }
    sc->pos = (size_t)(after - sc->buf);
    sc->line = line;
    sc->line_start = line_start;
    return MORE + 10; /* skipped: no token */
}

static int text(crtk_xml_scanner *sc, crtk_xml_token *tok, const char *p, const char *e, bool at_eof)
{
    const char *start = p;
    long line = sc->line;
    long long line_start = sc->line_start;
    /* Leading white space. */
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
        if (*p == '\n') {
            line++;
            line_start = sc->buf_abs + (p + 1 - sc->buf);
        }
        p++;
    }
    if (p >= e && !at_eof)
        return MORE;
    if (p >= e || *p == '<') {
        if (sc->skip_space || sc->n_open == 0) {
            sc->pos = (size_t)(p - sc->buf);
            sc->line = line;
            sc->line_start = line_start;
            return MORE + 10; /* skipped */
        }
    } else if (sc->n_open == 0) {
        return fail_at(sc, p, sc->root_closed ? "text after the end of the root element"
                                               : "text before the root element (is this an XML file?)");
    }
    bool needs_decode = false, refs = false;
    for (;;) {
        while (!cls[(unsigned char)*p])
            p++;
        unsigned char c = (unsigned char)*p;
        switch (cls[c]) {
        case C_LT:
            goto done;
        case C_NL:
            line++;
            line_start = sc->buf_abs + (p + 1 - sc->buf);
            p++;
            break;
        case C_TAB:
        case C_QUOT:
        case C_APOS:
            p++;
            break;
        case C_CR:
            needs_decode = true;
            p++;
            break;
        case C_RBRACKET:
            if (p + 2 >= e && !at_eof)
                return MORE;
            if (p[1] == ']' && p[2] == '>')
                return fail_at(sc, p, "']]>' is not allowed in text");
            p++;
            break;
        case C_AMP: {
            int r = check_reference(sc, p, e);
            if (r == 0) {
                if (at_eof)
                    return fail_at(sc, p, "unexpected end of file in an entity reference");
                return MORE;
            }
            if (r < 0)
                return ERR;
            needs_decode = refs = true;
            p += r;
            break;
        }
        case C_HIGH: {
            int r = utf8_char((const unsigned char *)p, (const unsigned char *)e);
            if (r == 0) {
                if (at_eof)
                    return fail_at(sc, p, "incomplete UTF-8 character at end of file");
                return MORE;
            }
            if (r < 0)
                return fail_at(sc, p, "invalid UTF-8 byte 0x%02X (is the file really UTF-8?)", c);
            p += r;
            break;
        }
        default: /* C_CTRL */
            if (p >= e) {
                if (at_eof)
                    goto done;
                return MORE;
            }
            return fail_at(sc, p, "control character 0x%02X is not allowed in XML 1.0", c);
        }
    }
done:
    tok->kind = CRTK_XML_TEXT;
    tok->cdata = false;
    tok->depth = sc->n_open;
    if (needs_decode) {
        g_string_truncate(sc->scratch, 0);
        decode_into(sc->scratch, start, (size_t)(p - start), false, refs);
        tok->text = sc->scratch->str;
        tok->text_len = sc->scratch->len;
    } else {
        tok->text = start;
        tok->text_len = (size_t)(p - start);
    }
    tok->raw = start;
    tok->raw_len = (size_t)(p - start);
    sc->pos = (size_t)(p - sc->buf);
    sc->line = line;
    sc->line_start = line_start;
    return OK;
}

static int first_bytes(crtk_xml_scanner *sc)
{
    /* Needs at least 4 bytes (or the whole file) to look at the start. */
    while (sc->end - sc->pos < 4 && !sc->eof)
        if (fill(sc) < 0)
            return ERR;
    const unsigned char *b = (const unsigned char *)sc->buf;
    size_t n = sc->end;
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        return fail_at(sc, NULL, "the file is UTF-16; NAACCR XML files must be UTF-8 (convert it first)");
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        sc->pos = 3;
        sc->line_start = 3;
        sc->bom = true;
    }
    sc->started = true;
    return OK;
}

crtk_xml_kind crtk_xml_next(crtk_xml_scanner *sc, crtk_xml_token *tok)
{
    if (sc->dead->len)
        g_ptr_array_set_size(sc->dead, 0);
    if (sc->failed)
        return tok->kind = CRTK_XML_ERROR;
    if (sc->pending_end) {
        sc->pending_end = false;
        tok->line = sc->line;
        tok->column = (long)(sc->buf_abs + (long long)sc->pos - sc->line_start) + 1;
        tok->offset = sc->buf_abs + (long long)sc->pos;
        close_element(sc, tok);
        tok->raw = sc->buf + sc->pos;
        tok->raw_len = 0;
        tok->empty = false;
        return CRTK_XML_END;
    }
    if (!sc->started && first_bytes(sc) != OK)
        return tok->kind = CRTK_XML_ERROR;
    for (;;) {
        const char *p = sc->buf + sc->pos;
        const char *e = sc->buf + sc->end;
        if (p >= e) {
            int r = fill(sc);
            if (r < 0)
                return tok->kind = CRTK_XML_ERROR;
            if (r == 0) {
                if (sc->n_open > 0) {
                    open_element oe = sc->open[sc->n_open - 1];
                    fail_at(sc, NULL, "unexpected end of file: <%.*s> opened on line %ld is not closed",
                            (int)oe.name_len, sc->names + oe.name_off, oe.line);
                    return tok->kind = CRTK_XML_ERROR;
                }
                if (!sc->root_seen) {
                    fail_at(sc, NULL, "no root element: the file is empty or not XML");
                    return tok->kind = CRTK_XML_ERROR;
                }
                return tok->kind = CRTK_XML_EOF;
            }
            continue;
        }
        tok->line = sc->line;
        tok->column = (long)(sc->buf_abs + (p - sc->buf) - sc->line_start) + 1;
        tok->offset = sc->buf_abs + (p - sc->buf);
        int r;
        if (*p == '<')
            r = markup(sc, tok, p, e);
        else
            r = text(sc, tok, p, e, sc->eof);
        if (r == OK)
            return tok->kind;
        if (r == ERR)
            return tok->kind = CRTK_XML_ERROR;
        if (r == MORE + 10)
            continue; /* something skipped */
        /* MORE */
        int f = fill(sc);
        if (f < 0)
            return tok->kind = CRTK_XML_ERROR;
        if (f == 0) {
            p = sc->buf + sc->pos;
            e = sc->buf + sc->end;
            if (*p != '<') {
                r = text(sc, tok, p, e, true);
                if (r == OK)
                    return tok->kind;
                if (r == MORE + 10)
                    continue;
                if (r == ERR || sc->failed)
                    return tok->kind = CRTK_XML_ERROR;
            }
            fail_at(sc, p, "unexpected end of file inside a tag, comment or section");
            return tok->kind = CRTK_XML_ERROR;
        }
    }
}

const char *crtk_xml_scanner_default_ns(const crtk_xml_scanner *sc)
{
    return sc->default_ns;
}

/* memcmp(a, b, n) == 0 for short strings, inline: eight bytes at a time, the last eight overlapping. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            if (a[i] != b[i])
                return false;
        return true;
    }
    guint64 x, y;
    for (size_t i = 0; i + 8 < n; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return false;
    }
    memcpy(&x, a + n - 8, 8);
    memcpy(&y, b + n - 8, 8);
    return x == y;
}

bool crtk_xml_simple_item(crtk_xml_scanner *sc, const char *expect, size_t expect_len, bool *expected,
                          const char **id, size_t *id_len, const char **value, size_t *value_len, long *line,
                          long *column)
{
    if (sc->failed || sc->pending_end || !sc->started || sc->n_open == 0)
        return false;
    char *p = sc->buf + sc->pos;
    const char *e = sc->buf + sc->end;
    if (sc->skip_space) {
        long l = sc->line;
        long long ls = sc->line_start;
        for (;;) {
            if (e - p >= 8) { /* runs of indentation, eight bytes at a time */
                guint64 w;
                memcpy(&w, p, 8);
                w ^= G_GUINT64_CONSTANT(0x2020202020202020);
                if (!w) {
                    p += 8;
                    continue;
                }
                if (G_BYTE_ORDER == G_LITTLE_ENDIAN)
                    p += __builtin_ctzll(w) / 8;
            }
            unsigned k = space_cls[(unsigned char)*p]; /* the NUL sentinel stops it */
            if (!k)
                break;
            if (k == 2) {
                l++;
                ls = sc->buf_abs + (p + 1 - sc->buf);
            }
            p++;
        }
        if (p >= e)
            return false;
        /* White space between elements is skipped either way: commit it. */
        sc->pos = (size_t)(p - sc->buf);
        sc->line = l;
        sc->line_start = ls;
    }
    if (e - p < 32 || memcmp(p, "<Item naaccrId=\"", 16) != 0)
        return false;
    const char *i = p + 16, *q;
    /* The id the caller expects is compared as a whole; any other is scanned.  ASCII only: an id
     * with other bytes takes the slow path, which checks its UTF-8. */
    if (expect && (size_t)(e - i) > expect_len + 2 && same_bytes(i, expect, expect_len) && i[expect_len] == '"') {
        q = i + expect_len;
        *expected = true;
    } else {
        for (q = i; fast_id_cls[(unsigned char)*q]; q++)
            ;
        *expected = false;
    }
    if (q == i || *q != '"' || q[1] != '>')
        return false;
    const char *v = q + 2, *r = v;
    while (!fast_cls[(unsigned char)*r])
        r++;
    if (*r != '<' || e - r < 7 || memcmp(r, "</Item>", 7) != 0)
        return false;
    *id = i;
    *id_len = (size_t)(q - i);
    *value = v;
    *value_len = (size_t)(r - v);
    *line = sc->line;
    *column = (long)(sc->buf_abs + (p - sc->buf) - sc->line_start) + 1;
    sc->pos = (size_t)(r + 7 - sc->buf);
    return true;
}
