/* staging_json.c — a strict JSON reader into one arena, for the staging algorithm data
 * (staging_json.h says why).  Containers are built on two scratch stacks and copied into the
 * arena when they close, so a document costs one allocation per 256 KiB block. */
#include "staging_json.h"

#include <errno.h>
#include <string.h>

#define SJ_ERROR g_quark_from_static_string("crtk-staging-json")
#define SJ_MAX_DEPTH 512
#define SJ_BLOCK (256 * 1024)

struct sj_doc {
    GSList *blocks;     /* arena blocks (the first is current) */
    char *cur;          /* next free byte of the current block */
    gsize left;         /* bytes left in it */
    sj_node *root;
};

typedef struct {
    const char *p, *start, *end;
    const char *what;
    sj_doc *doc;
    GPtrArray *items;   /* scratch: elements of the open arrays */
    GArray *members;    /* scratch: members of the open objects */
    GError **error;
    gboolean failed;
} parser;

static void *arena(sj_doc *d, gsize size)
{
    size = (size + 7) & ~(gsize)7;
    if (size > d->left) {
        gsize bs = size > SJ_BLOCK ? size : SJ_BLOCK;
        char *b = g_malloc(bs);
        d->blocks = g_slist_prepend(d->blocks, b);
        d->cur = b;
        d->left = bs;
    }
    void *r = d->cur;
    d->cur += size;
    d->left -= size;
    return r;
}

static void fail(parser *ps, const char *at, const char *msg)
{
    if (ps->failed)
        return;
    ps->failed = TRUE;
    int line = 1, col = 1;
    for (const char *q = ps->start; q < at && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    g_set_error(ps->error, SJ_ERROR, 1, "%s: line %d, column %d: %s", ps->what, line, col, msg);
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static sj_node *new_node(parser *ps, sj_type t)
{
    sj_node *n = arena(ps->doc, sizeof *n);
    memset(n, 0, sizeof *n);
    n->type = t;
    return n;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Parses the string at ps->p (its opening quote); returns its text in the arena, length in *len. */
static const char *parse_string(parser *ps, guint32 *len)
{
    const char *open = ps->p++;
    const char *q = ps->p;
    gboolean escapes = FALSE;
    while (q < ps->end && *q != '"') {
        if ((unsigned char)*q < 0x20) {
            fail(ps, q, "a control character in a string");
            return NULL;
        }
        if (*q == '\\') {
            escapes = TRUE;
            q++;
        }
        q++;
    }
    if (q >= ps->end) {
        fail(ps, open, "a string without its closing quote");
        return NULL;
    }
    gsize raw = (gsize)(q - ps->p);
    if (raw > G_MAXUINT32 - 1) {
        fail(ps, open, "a string too long");
        return NULL;
    }
    char *out = arena(ps->doc, raw + 1);
    if (!escapes) {
        if (!g_utf8_validate(ps->p, (gssize)raw, NULL)) {
            fail(ps, ps->p, "a string that is not UTF-8");
            return NULL;
        }
        memcpy(out, ps->p, raw);
        out[raw] = 0;
        *len = (guint32)raw;
        ps->p = q + 1;
        return out;
    }
    char *o = out;
    const char *r = ps->p;
    while (r < q) {
        if (*r != '\\') {
            const char *run = r;
            while (r < q && *r != '\\')
                r++;
            if (!g_utf8_validate(run, r - run, NULL)) {
                fail(ps, run, "a string that is not UTF-8");
                return NULL;
            }
            memcpy(o, run, (gsize)(r - run));
            o += r - run;
            continue;
        }
        r++;
        switch (*r) {
        case '"': *o++ = '"'; r++; break;
        case '\\': *o++ = '\\'; r++; break;
        case '/': *o++ = '/'; r++; break;
        case 'b': *o++ = '\b'; r++; break;
        case 'f': *o++ = '\f'; r++; break;
        case 'n': *o++ = '\n'; r++; break;
        case 'r': *o++ = '\r'; r++; break;
        case 't': *o++ = '\t'; r++; break;
        case 'u': {
            int u = q - r >= 5 ? hex4(r + 1) : -1;
            if (u < 0) {
                fail(ps, r - 1, "a \\u escape without four hex digits");
                return NULL;
            }
            r += 5;
            gunichar ch = (gunichar)u;
            if (u >= 0xD800 && u <= 0xDBFF) { /* a high surrogate must be followed by a low one */
                int lo = q - r >= 6 && r[0] == '\\' && r[1] == 'u' ? hex4(r + 2) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    fail(ps, r - 6, "a lone surrogate in a \\u escape");
                    return NULL;
                }
                ch = 0x10000 + (((gunichar)u - 0xD800) << 10) + ((gunichar)lo - 0xDC00);
                r += 6;
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                fail(ps, r - 6, "a lone surrogate in a \\u escape");
                return NULL;
            }
            o += g_unichar_to_utf8(ch, o); /* never longer than the escape it replaces */
            break;
        }
        default:
            fail(ps, r - 1, "an unknown escape in a string");
            return NULL;
        }
    }
    *o = 0;
    *len = (guint32)(o - out);
    ps->p = q + 1;
    return out;
}

static sj_node *parse_number(parser *ps)
{
    const char *s = ps->p, *q = s;
    gboolean integral = TRUE;
    if (q < ps->end && *q == '-')
        q++;
    if (q < ps->end && *q == '0')
        q++;
    else if (q < ps->end && *q >= '1' && *q <= '9')
        while (q < ps->end && g_ascii_isdigit(*q))
            q++;
    else {
        fail(ps, s, "not a JSON value");
        return NULL;
    }
    if (q < ps->end && *q == '.') {
        integral = FALSE;
        q++;
        if (q >= ps->end || !g_ascii_isdigit(*q)) {
            fail(ps, q, "a number without digits after its point");
            return NULL;
        }
        while (q < ps->end && g_ascii_isdigit(*q))
            q++;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        integral = FALSE;
        q++;
        if (q < ps->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= ps->end || !g_ascii_isdigit(*q)) {
            fail(ps, q, "a number without digits in its exponent");
            return NULL;
        }
        while (q < ps->end && g_ascii_isdigit(*q))
            q++;
    }
    char buf[64];
    gsize n = (gsize)(q - s);
    char *text = n < sizeof buf ? buf : g_malloc(n + 1);
    memcpy(text, s, n);
    text[n] = 0;
    sj_node *node = NULL;
    if (integral) {
        char *e;
        errno = 0;
        gint64 v = g_ascii_strtoll(text, &e, 10);
        if (errno == 0 && *e == 0) {
            node = new_node(ps, SJ_INT);
            node->u.i = v;
        }
    }
    if (!node) {
        node = new_node(ps, SJ_REAL);
        node->u.real = g_ascii_strtod(text, NULL);
    }
    if (text != buf)
        g_free(text);
    ps->p = q;
    return node;
}

static sj_node *parse_value(parser *ps, int depth);

static sj_node *parse_array(parser *ps, int depth)
{
    const char *open = ps->p++;
    guint base = ps->items->len;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
    } else {
        for (;;) {
            sj_node *v = parse_value(ps, depth + 1);
            if (!v)
                goto bad;
            g_ptr_array_add(ps->items, v);
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == ']') {
                ps->p++;
                break;
            }
            fail(ps, ps->p >= ps->end ? open : ps->p, ps->p >= ps->end ? "an array without its ]" : "expected , or ]");
            goto bad;
        }
    }
    sj_node *a = new_node(ps, SJ_ARR);
    a->n = ps->items->len - base;
    a->u.items = arena(ps->doc, sizeof(sj_node *) * (a->n ? a->n : 1));
    if (a->n)
        memcpy(a->u.items, ps->items->pdata + base, sizeof(sj_node *) * a->n);
    g_ptr_array_set_size(ps->items, base);
    return a;
bad:
    g_ptr_array_set_size(ps->items, base);
    return NULL;
}

static sj_node *parse_object(parser *ps, int depth)
{
    const char *open = ps->p++;
    guint base = ps->members->len;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
    } else {
        for (;;) {
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != '"') {
                fail(ps, ps->p >= ps->end ? open : ps->p, "expected a member name in quotes");
                goto bad;
            }
            guint32 klen;
            const char *key = parse_string(ps, &klen);
            if (!key)
                goto bad;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                fail(ps, ps->p >= ps->end ? open : ps->p, "expected : after a member name");
                goto bad;
            }
            ps->p++;
            sj_node *v = parse_value(ps, depth + 1);
            if (!v)
                goto bad;
            sj_member m = {key, v};
            g_array_append_val(ps->members, m);
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == '}') {
                ps->p++;
                break;
            }
            fail(ps, ps->p >= ps->end ? open : ps->p, ps->p >= ps->end ? "an object without its }" : "expected , or }");
            goto bad;
        }
    }
    sj_node *o = new_node(ps, SJ_OBJ);
    o->n = ps->members->len - base;
    o->u.members = arena(ps->doc, sizeof(sj_member) * (o->n ? o->n : 1));
    if (o->n)
        memcpy(o->u.members, &g_array_index(ps->members, sj_member, base), sizeof(sj_member) * o->n);
    g_array_set_size(ps->members, base);
    return o;
bad:
    g_array_set_size(ps->members, base);
    return NULL;
}

static gboolean literal(parser *ps, const char *word)
{
    gsize n = strlen(word);
    if ((gsize)(ps->end - ps->p) >= n && memcmp(ps->p, word, n) == 0) {
        ps->p += n;
        return TRUE;
    }
    return FALSE;
}

static sj_node *parse_value(parser *ps, int depth)
{
    if (depth > SJ_MAX_DEPTH) {
        fail(ps, ps->p, "nested too deep");
        return NULL;
    }
    skip_ws(ps);
    if (ps->p >= ps->end) {
        fail(ps, ps->p, "a value is missing at the end");
        return NULL;
    }
    switch (*ps->p) {
    case '{': return parse_object(ps, depth);
    case '[': return parse_array(ps, depth);
    case '"': {
        guint32 len;
        const char *s = parse_string(ps, &len);
        if (!s)
            return NULL;
        sj_node *n = new_node(ps, SJ_STR);
        n->u.str = s;
        n->n = len;
        return n;
    }
    case 't':
        if (literal(ps, "true"))
            return new_node(ps, SJ_TRUE);
        break;
    case 'f':
        if (literal(ps, "false"))
            return new_node(ps, SJ_FALSE);
        break;
    case 'n':
        if (literal(ps, "null"))
            return new_node(ps, SJ_NULL);
        break;
    default:
        return parse_number(ps);
    }
    fail(ps, ps->p, "not a JSON value");
    return NULL;
}

sj_doc *sj_parse(const char *data, gsize len, const char *what, GError **error)
{
    sj_doc *d = g_new0(sj_doc, 1);
    parser ps = {.p = data, .start = data, .end = data + len, .what = what, .doc = d,
                 .items = g_ptr_array_new(), .members = g_array_new(FALSE, FALSE, sizeof(sj_member)), .error = error};
    if (len >= 3 && (guchar)data[0] == 0xEF && (guchar)data[1] == 0xBB && (guchar)data[2] == 0xBF)
        ps.p += 3; /* a UTF-8 byte-order mark */
    d->root = parse_value(&ps, 0);
    if (d->root) {
        skip_ws(&ps);
        if (ps.p < ps.end) {
            fail(&ps, ps.p, "text after the JSON value");
            d->root = NULL;
        }
    }
    g_ptr_array_free(ps.items, TRUE);
    g_array_free(ps.members, TRUE);
    if (!d->root) {
        sj_doc_free(d);
        return NULL;
    }
    return d;
}

const sj_node *sj_root(const sj_doc *d)
{
    return d->root;
}

void sj_doc_free(sj_doc *d)
{
    if (!d)
        return;
    g_slist_free_full(d->blocks, g_free);
    g_free(d);
}

const sj_node *sj_get(const sj_node *o, const char *name)
{
    if (!sj_is(o, SJ_OBJ))
        return NULL;
    for (guint i = 0; i < o->n; i++)
        if (strcmp(o->u.members[i].key, name) == 0)
            return o->u.members[i].value;
    return NULL;
}

gboolean sj_truthy(const sj_node *n)
{
    if (!n)
        return FALSE;
    switch (n->type) {
    case SJ_TRUE: return TRUE;
    case SJ_INT: return n->u.i != 0;
    case SJ_REAL: return n->u.real != 0.0;
    default: return FALSE;
    }
}
