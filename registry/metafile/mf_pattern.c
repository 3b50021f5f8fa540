/* mf_pattern.c — GenEDITS patterns (MATCH, INLIST's third argument): compile and match.
 *
 * A pattern is compiled into a small NFA (Thompson construction) and matched against the whole
 * value by simulating all states at once, so matching is linear in the value's length whatever
 * the pattern (a hostile pattern cannot make it run long).  The pattern language is the one of
 * the reference's regex grammar: d a u l x b @ ? classes, c1:c2 ranges, !c escapes, {..} and
 * [..] groups of comma/pipe separated alternatives, * and + repetition, anything else literal.
 * Blanks after a comma and at the end are ignored; a pattern of n blanks matches n blanks.
 */
#include "mf_private.h"

#include <ctype.h>
#include <string.h>

enum { I_CHAR, I_SPLIT, I_JMP, I_MATCH };
enum { C_LIT, C_RANGE, C_DIGIT, C_ALPHA, C_UPPER, C_LOWER, C_ALNUM, C_BLANK, C_NONBLANK, C_ANY };

typedef struct { unsigned char op, cls, lo, hi; int x, y; } pinst;

struct mf_pattern {
    pinst *code;
    int n;
};

/* ---- parsing into a fragment list ------------------------------------------------ */

typedef struct {
    const char *s;
    size_t i, n;
    GArray *code;   /* pinst */
    int depth;
    gboolean bad;
} pparse;

static int emit(pparse *p, pinst in)
{
    g_array_append_val(p->code, in);
    return (int)p->code->len - 1;
}
#define PI(k) (&g_array_index(p->code, pinst, (k)))

static gboolean is_blank(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

static int parse_alts(pparse *p, char close);

/* Emits one atom at p->i; returns its first instruction index, -1 at the end of a sequence. */
static int parse_atom(pparse *p, char close)
{
    if (p->i >= p->n)
        return -1;
    unsigned char c = (unsigned char)p->s[p->i];
    if (c == ',' || c == '|' || (close && c == (unsigned char)close))
        return -1;
    if (c == '}' || c == ']') {     /* a stray closer: literal */
        p->i++;
        return emit(p, (pinst){I_CHAR, C_LIT, c, c, 0, 0});
    }
    if (c == '{' || c == '[') {
        if (++p->depth > 64) {
            p->bad = TRUE;
            return -1;
        }
        char want = c == '{' ? '}' : ']';
        p->i++;
        size_t save = p->i;
        /* {+} and {*}: the characters themselves */
        if (p->i + 1 < p->n && (p->s[p->i] == '+' || p->s[p->i] == '*') && p->s[p->i + 1] == want) {
            unsigned char lit = (unsigned char)p->s[p->i];
            p->i += 2;
            p->depth--;
            return emit(p, (pinst){I_CHAR, C_LIT, lit, lit, 0, 0});
        }
        p->i = save;
        int start = parse_alts(p, want);
        if (p->i < p->n && p->s[p->i] == want)
            p->i++;
        else
            p->bad = TRUE;
        p->depth--;
        return start;
    }
    p->i++;
    pinst in = {I_CHAR, C_LIT, c, c, 0, 0};
    switch (c) {
    case 'd': in.cls = C_DIGIT; break;
    case 'a': in.cls = C_ALPHA; break;
    case 'u': in.cls = C_UPPER; break;
    case 'l': in.cls = C_LOWER; break;
    case 'x': in.cls = C_ALNUM; break;
    case 'b': in.cls = C_BLANK; break;
    case '@': in.cls = C_NONBLANK; break;
    case '?': in.cls = C_ANY; break;
    case '!':
        if (p->i < p->n) {
            unsigned char e = (unsigned char)p->s[p->i++];
            in.lo = in.hi = e;
        }
        break;
    default:
        /* a literal c1:c2 range (both ends plain literals) */
        if (p->i + 1 < p->n && p->s[p->i] == ':' && !strchr("xaulbd@?!:{}[]()+*-,|.", p->s[p->i + 1])) {
            in.cls = C_RANGE;
            in.hi = (unsigned char)p->s[p->i + 1];
            p->i += 2;
        }
        break;
    }
    return emit(p, in);
}

/* A sequence of atoms with * / + repetition; returns its first instruction. */
static int parse_seq(pparse *p, char close)
{
    int first = -1;
    int prev = -1;          /* start of the previous atom, for repetition */
    for (;;) {
        if (p->bad)
            return first < 0 ? emit(p, (pinst){I_JMP, 0, 0, 0, (int)p->code->len + 1, 0}) : first;
        if (p->i < p->n && (p->s[p->i] == '*' || p->s[p->i] == '+') && prev >= 0) {
            gboolean star = p->s[p->i] == '*';
            p->i++;
            /* the atom occupies [prev, len); wrap it: star = SPLIT(atom, out) before it */
            int end = (int)p->code->len;
            if (star) {
                /* insert a SPLIT at prev by moving the atom one down */
                pinst blank = {0};
                g_array_insert_val(p->code, (guint)prev, blank);
                /* fix jumps inside the moved atom */
                for (int k = prev + 1; k <= end; k++) {
                    if (PI(k)->op == I_SPLIT || PI(k)->op == I_JMP) {
                        if (PI(k)->x >= prev) PI(k)->x++;
                        if (PI(k)->op == I_SPLIT && PI(k)->y >= prev) PI(k)->y++;
                    }
                }
                end++;
                *PI(prev) = (pinst){I_SPLIT, 0, 0, 0, prev + 1, end + 1};
                emit(p, (pinst){I_JMP, 0, 0, 0, prev, 0});
            } else {
                emit(p, (pinst){I_SPLIT, 0, 0, 0, prev, end + 1});
            }
            if (first < 0)
                first = prev;
            continue;
        }
        int at = (int)p->code->len;
        int a = parse_atom(p, close);
        if (a < 0)
            break;
        prev = at;
        if (first < 0)
            first = at;
    }
    if (first < 0)  /* empty sequence */
        first = emit(p, (pinst){I_JMP, 0, 0, 0, (int)p->code->len + 1, 0});
    return first;
}

/* Alternatives separated by , or |; layout: SPLIT(alt1, next) alt1 JMP(end) SPLIT ... */
static int parse_alts(pparse *p, char close)
{
    int start = (int)p->code->len;
    GArray *jumps = g_array_new(FALSE, FALSE, sizeof(int));
    for (;;) {
        int split = emit(p, (pinst){I_SPLIT, 0, 0, 0, 0, 0});
        PI(split)->x = split + 1;
        parse_seq(p, close);
        int j = emit(p, (pinst){I_JMP, 0, 0, 0, 0, 0});
        g_array_append_val(jumps, j);
        PI(split)->y = (int)p->code->len;
        if (p->i < p->n && (p->s[p->i] == ',' || p->s[p->i] == '|') && !p->bad) {
            p->i++;
            continue;
        }
        /* the last alternative: its SPLIT becomes a plain fall-through */
        PI(split)->op = I_JMP;
        break;
    }
    int end = (int)p->code->len;
    for (guint k = 0; k < jumps->len; k++)
        PI(g_array_index(jumps, int, k))->x = end;
    g_array_free(jumps, TRUE);
    /* a no-op so that `end` is a valid instruction */
    emit(p, (pinst){I_JMP, 0, 0, 0, end + 1, 0});
    return start;
}

mf_pattern *mf_pattern_compile(const char *text, size_t len)
{
    mf_pattern *pt = g_new0(mf_pattern, 1);
    GArray *code = g_array_new(FALSE, FALSE, sizeof(pinst));
    gboolean all_blank = len > 0;
    for (size_t i = 0; i < len; i++)
        if (!is_blank((unsigned char)text[i]))
            all_blank = FALSE;
    if (all_blank) {
        for (size_t i = 0; i < len && i < 4096; i++) {
            pinst in = {I_CHAR, C_BLANK, 0, 0, 0, 0};
            g_array_append_val(code, in);
        }
    } else {
        /* ",\s+" -> "," and trailing blanks removed */
        GString *s = g_string_sized_new(len);
        for (size_t i = 0; i < len; i++) {
            g_string_append_c(s, text[i]);
            if (text[i] == ',')
                while (i + 1 < len && is_blank((unsigned char)text[i + 1]))
                    i++;
        }
        while (s->len && is_blank((unsigned char)s->str[s->len - 1]))
            g_string_truncate(s, s->len - 1);
        pparse p = {s->str, 0, s->len, code, 0, FALSE};
        parse_alts(&p, 0);
        if (p.i < p.n) /* stray closer at top level: rest is literal */
            for (; p.i < p.n; p.i++) {
                pinst in = {I_CHAR, C_LIT, (unsigned char)s->str[p.i], (unsigned char)s->str[p.i], 0, 0};
                g_array_append_val(code, in);
            }
        g_string_free(s, TRUE);
    }
    pinst m = {I_MATCH, 0, 0, 0, 0, 0};
    g_array_append_val(code, m);
    pt->n = (int)code->len;
    pt->code = (pinst *)g_array_free(code, FALSE);
    return pt;
}

void mf_pattern_free(mf_pattern *pt)
{
    if (!pt)
        return;
    g_free(pt->code);
    g_free(pt);
}

static gboolean class_ok(const pinst *in, unsigned char c)
{
    switch (in->cls) {
    case C_LIT: return c == in->lo;
    case C_RANGE: return c >= in->lo && c <= in->hi;
    case C_DIGIT: return c >= '0' && c <= '9';
    case C_ALPHA: return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    case C_UPPER: return c >= 'A' && c <= 'Z';
    case C_LOWER: return c >= 'a' && c <= 'z';
    case C_ALNUM: return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    case C_BLANK: return is_blank(c);
    case C_NONBLANK: return !is_blank(c);
    case C_ANY: return c != '\n' && c != '\r';
    }
    return FALSE;
}

static void add_state(const mf_pattern *pt, int *list, int *n, unsigned *mark, unsigned gen, int pc, int depth)
{
    while (pc >= 0 && pc < pt->n && mark[pc] != gen) {
        mark[pc] = gen;
        const pinst *in = &pt->code[pc];
        if (in->op == I_JMP) {
            pc = in->x;
        } else if (in->op == I_SPLIT) {
            if (depth < 10000)
                add_state(pt, list, n, mark, gen, in->x, depth + 1);
            pc = in->y;
        } else {
            list[(*n)++] = pc;
            return;
        }
    }
}

gboolean mf_pattern_match(const mf_pattern *pt, const char *s, size_t len)
{
    int *cur = g_new(int, (gsize)pt->n * 2 + 2);
    int *next = cur + pt->n + 1;
    unsigned *mark = g_new0(unsigned, (gsize)pt->n);
    unsigned gen = 1;
    int nc = 0;
    add_state(pt, cur, &nc, mark, gen, 0, 0);
    for (size_t i = 0; i < len && nc > 0; i++) {
        unsigned char c = (unsigned char)s[i];
        int nn = 0;
        gen++;
        for (int k = 0; k < nc; k++) {
            const pinst *in = &pt->code[cur[k]];
            if (in->op == I_CHAR && class_ok(in, c))
                add_state(pt, next, &nn, mark, gen, cur[k] + 1, 0);
        }
        int *t = cur;
        cur = next;
        next = t;
        nc = nn;
    }
    gboolean ok = FALSE;
    for (int k = 0; k < nc; k++)
        if (pt->code[cur[k]].op == I_MATCH)
            ok = TRUE;
    g_free(cur < next ? cur : next);
    g_free(mark);
    return ok;
}
