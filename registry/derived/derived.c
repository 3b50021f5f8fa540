/* derived.c — dates, age at diagnosis, age groups and the table-driven recodes (see derived.h).
 *
 * Recode tables (schemas/recodes/ TSV files, written by tools/dev/gen-recodes.py) are
 * compiled on first use: each row becomes a rule with sorted histology
 * intervals, a behavior bit mask and year limits, and for every primary site
 * (000..999, plus one slot for "present but not a valid site") the rules whose
 * site lists admit it are listed in file order.  A look-up then walks only the
 * candidate rules of the tumour's site, first match wins (README §4).
 */
#include "derived.h"
#include "schemas.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- dates ------------------------------------------------------------------ */

/* Digits text[0..n-1] as a number, -1 if any is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* ---- age ---------------------------------------------------------------------- */

int crtk_age_at_diagnosis_dates(crtk_date birth, crtk_date dx)
{
    if (!birth.year || !dx.year)
        return CRTK_AGE_UNKNOWN;
    int age = dx.year - birth.year;
    if (birth.month && dx.month) {
        if (dx.month < birth.month)
            age--;
        else if (dx.month == birth.month && birth.day && dx.day && dx.day < birth.day)
            age--;
    }
    if (age == -1)
        return 0; /* diagnosed before birth, less than a year before: "000 ... diagnosed in utero" */
    if (age < 0 || age > 120)
        return CRTK_AGE_UNKNOWN;
    return age;
}

int crtk_age_at_diagnosis(const char *date_of_birth, const char *date_of_diagnosis)
{
    return crtk_age_at_diagnosis_dates(crtk_date_parse(date_of_birth), crtk_date_parse(date_of_diagnosis));
}

/* ---- tables ------------------------------------------------------------------- */

/* Next line of an embedded text: sets *line and *len (without the newline); FALSE at the end. */
static gboolean next_line(const char **p, const char *end, const char **line, size_t *len)
{
    if (*p >= end)
        return FALSE;
    const char *s = *p;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *e = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    if (e > s && e[-1] == '\r')
        e--;
    *line = s;
    *len = (size_t)(e - s);
    return TRUE;
}

/* Splits a TSV line into at most max fields (NUL-terminated copies in buf). */
static int split_tab(const char *line, size_t len, char *buf, char **fields, int max)
{
    memcpy(buf, line, len);
    buf[len] = 0;
    int n = 0;
    char *s = buf;
    fields[n++] = s;
    for (; *s; s++) {
        if (*s == '\t') {
            *s = 0;
            if (n == max)
                break;
            fields[n++] = s + 1;
        }
    }
    return n;
}

/* ---- age bands ------------------------------------------------------------------ */

typedef struct {
    crtk_age_band bands[19];
    int n;
    long total;
    const char *code19_by_age[121];
    const char *code18_by_age[121];
    GStringChunk *chunk;
} age_table;

static age_table *age_table_get(void)
{
    static gsize once = 0;
    static age_table *t;
    if (g_once_init_enter(&once)) {
        age_table *a = g_new0(age_table, 1);
        a->chunk = g_string_chunk_new(512);
        size_t len = 0;
        const char *text = crtk_schema_text("recodes/age-groups.tsv", &len);
        const char *p = text, *end = text ? text + len : NULL, *line;
        size_t ll;
        gboolean header = TRUE;
        while (text && next_line(&p, end, &line, &ll)) {
            if (ll == 0 || line[0] == '#')
                continue;
            if (header) {
                header = FALSE;
                continue;
            }
            char buf[256], *f[8];
            if (ll >= sizeof buf)
                continue;
            int nf = split_tab(line, ll, buf, f, 8);
            if (nf < 6 || strcmp(f[0], "99") == 0 || a->n == 19)
                continue;
            crtk_age_band *b = &a->bands[a->n++];
            b->code19 = g_string_chunk_insert_const(a->chunk, f[0]);
            b->age_from = atoi(f[1]);
            b->age_to = atoi(f[2]);
            b->code18 = g_string_chunk_insert_const(a->chunk, f[3]);
            b->us2000_std_pop = atol(f[4]);
            b->label = g_string_chunk_insert_const(a->chunk, f[5]);
            a->total += b->us2000_std_pop;
            for (int age = b->age_from; age <= b->age_to && age <= 120; age++) {
                if (age >= 0) {
                    a->code19_by_age[age] = b->code19;
                    a->code18_by_age[age] = b->code18;
                }
            }
        }
        t = a;
        g_once_init_leave(&once, 1);
    }
    return t;
}

const char *crtk_age_group_19(int age)
{
    if (age < 0 || age > 120)
        return "99";
    const char *c = age_table_get()->code19_by_age[age];
    return c ? c : "99";
}

const char *crtk_age_group_18(int age)
{
    if (age < 0 || age > 120)
        return "99";
    const char *c = age_table_get()->code18_by_age[age];
    return c ? c : "99";
}

const crtk_age_band *crtk_age_bands(int *n, long *total)
{
    age_table *a = age_table_get();
    if (n)
        *n = a->n;
    if (total)
        *total = a->total;
    return a->bands;
}

long crtk_us2000_std_pop(const char *code19)
{
    if (!code19)
        return -1;
    age_table *a = age_table_get();
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->bands[i].code19, code19) == 0)
            return a->bands[i].us2000_std_pop;
    /* also accept an unpadded number ("5") */
    char *end;
    long v = strtol(code19, &end, 10);
    if (end != code19 && *end == 0 && v >= 0 && v < a->n)
        return a->bands[v].us2000_std_pop;
    return -1;
}

/* ---- recode tables ---------------------------------------------------------------- */

enum {
    NEED_SITE = 1,         /* a valid primary site C000..C809 */
    NEED_SITE_PRESENT = 2, /* a non-blank site (an invalid one matches only rows open to any site) */
    NEED_HIST = 4,
    NEED_BEH = 8,
    NEED_YEAR = 16
};

typedef struct {
    const char *name;
    const char *file;
    const char *title;
    unsigned need;
    const char *aliases[3];
} recode_def;

static const recode_def defs[CRTK_RECODE_COUNT] = {
    [CRTK_RECODE_SEER_2023] = {"seer-2023", "recodes/seer-site-2023.tsv", "SEER Site Recode ICD-O-3 2023 Revision",
                               NEED_SITE | NEED_HIST | NEED_BEH | NEED_YEAR, {"2023 Revision", "seer", NULL}},
    [CRTK_RECODE_SEER_2023_EXPANDED] = {"seer-2023-expanded", "recodes/seer-site-2023-expanded.tsv",
                                        "SEER Site Recode ICD-O-3 2023 Revision Expanded",
                                        NEED_SITE | NEED_HIST | NEED_BEH | NEED_YEAR, {"2023 Revision Expanded", NULL, NULL}},
    [CRTK_RECODE_SEER_WHO2008] = {"seer-who2008", "recodes/seer-site-who2008.tsv", "SEER Site Recode ICD-O-3/WHO 2008 Definition",
                                  NEED_SITE | NEED_HIST, {"WHO 2008 Definition", "seer-2008", NULL}},
    [CRTK_RECODE_SEER_2003] = {"seer-2003", "recodes/seer-site-2003.tsv", "SEER Site Recode ICD-O-3 (1/27/2003) Definition",
                               NEED_SITE | NEED_HIST, {"2003 Definition", NULL, NULL}},
    [CRTK_RECODE_SEER_2003_NO_KMS] = {"seer-2003-without-kms", "recodes/seer-site-2003-without-kms.tsv",
                                      "SEER Site Recode ICD-O-3 (1/27/2003) Definition without Mesothelioma and Kaposi Sarcoma",
                                      NEED_SITE | NEED_HIST,
                                      {"2003 Definition without Mesothelioma and Kaposi Sarcoma", NULL, NULL}},
    [CRTK_RECODE_ICCC3] = {"iccc-3", "recodes/iccc-3.tsv", "ICCC-3, third edition based on ICD-O-3",
                           NEED_SITE | NEED_HIST, {"Third edition (ICCC-3) based on ICD-O-3", NULL, NULL}},
    [CRTK_RECODE_ICCC_WHO2008] = {"iccc-who2008", "recodes/iccc-who2008.tsv", "ICCC-3, ICD-O-3/WHO 2008",
                                  NEED_SITE | NEED_HIST | NEED_BEH, {"ICD-O-3/WHO 2008", NULL, NULL}},
    [CRTK_RECODE_ICCC_IARC2017] = {"iccc-iarc2017", "recodes/iccc-iarc2017.tsv",
                                   "ICCC-3, third edition based on ICD-O-3/IARC 2017", NEED_SITE | NEED_HIST | NEED_BEH,
                                   {"Third edition based on ICD-O-3/IARC 2017", "iccc", NULL}},
    [CRTK_RECODE_AYA_2020] = {"aya-2020", "recodes/aya-2020.tsv", "SEER AYA Site Recode 2020 Revision",
                              NEED_SITE | NEED_HIST | NEED_BEH, {"AYA 2020 Revision", "aya", NULL}},
    [CRTK_RECODE_AYA_WHO2008] = {"aya-who2008", "recodes/aya-who2008.tsv", "SEER AYA Site Recode/WHO 2008 Definition",
                                 NEED_SITE | NEED_HIST | NEED_BEH, {"AYA WHO 2008 Definition", NULL, NULL}},
    [CRTK_RECODE_LYMPHOID_2021] = {"lymphoid-2021", "recodes/lymphoid-2021.tsv", "SEER Lymphoid Neoplasm Recode 2021 Revision",
                                   NEED_SITE | NEED_HIST, {"Lymphoid Neoplasm 2021 Revision", "lymphoid", NULL}},
    [CRTK_RECODE_BRAIN_CNS_2020] = {"brain-cns-2020", "recodes/brain-cns-2020.tsv", "SEER Brain/CNS Recode 2020 Revision",
                                    NEED_SITE_PRESENT | NEED_HIST | NEED_BEH, {"Brain/CNS 2020 Revision", "brain-cns", NULL}},
};

#define SITE_SLOTS 1001 /* 000..999 and one slot for a present but invalid site */
#define SITE_INVALID_SLOT 1000

typedef struct {
    uint16_t lo, hi;
} span;

typedef struct {
    const char *code;
    const char *code_ext; /* NULL when the table has none for this row */
    const char *label;
    uint32_t hist_in, hist_out; /* first span */
    uint16_t n_hist_in, n_hist_out;
    uint16_t beh_mask;          /* accepted behaviors; 0 with beh_any */
    bool beh_any;
    int year_min, year_max;     /* -1 = no limit */
} rule;

typedef struct {
    rule *rules;
    int n_rules;
    span *spans;
    uint32_t site_off[SITE_SLOTS + 1];
    uint16_t *cand;
    char unknown[8], unknown_ext[8];
    char *error; /* load error, NULL when fine */
    GStringChunk *chunk;
} table;

static table tables[CRTK_RECODE_COUNT];
static gsize table_once[CRTK_RECODE_COUNT];

/* Parses a list of codes/ranges ("9050-9055,9140") of a given width into spans; FALSE on bad syntax. */
static gboolean parse_spans(const char *s, int width, GArray *out, int max_value)
{
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        if (n > 0) {
            int lo, hi;
            if (n == (size_t)width) {
                lo = hi = digits(s, width);
            } else if (n == (size_t)(2 * width + 1) && s[width] == '-') {
                lo = digits(s, width);
                hi = digits(s + width + 1, width);
            } else {
                return FALSE;
            }
            if (lo < 0 || hi < 0 || lo > hi || hi > max_value)
                return FALSE;
            span sp = {(uint16_t)lo, (uint16_t)hi};
            g_array_append_val(out, sp);
        }
        s += n;
        if (*s == ',')
            s++;
    }
    return TRUE;
}

static int span_cmp(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return (int)x->lo - (int)y->lo;
}

/* Sorts and merges the spans appended after index from. */
static void normalize_spans(GArray *a, guint from)
{
    guint n = a->len - from;
    if (n < 2)
        return;
    span *s = &g_array_index(a, span, from);
    qsort(s, n, sizeof *s, span_cmp);
    guint w = 0;
    for (guint i = 1; i < n; i++) {
        if ((int)s[i].lo <= (int)s[w].hi + 1) {
            if (s[i].hi > s[w].hi)
                s[w].hi = s[i].hi;
        } else {
            s[++w] = s[i];
        }
    }
    g_array_set_size(a, from + w + 1);
}

static gboolean span_has(const span *s, int n, int v)
{
    for (int i = 0; i < n; i++) {
        if (v < s[i].lo)
            return FALSE;
        if (v <= s[i].hi)
            return TRUE;
    }
    return FALSE;
}

static void table_load(crtk_recode_id id)
{
    table *t = &tables[id];
    const recode_def *def = &defs[id];
    size_t len = 0;
    const char *text = crtk_schema_text(def->file, &len);
    if (!text) {
        t->error = g_strdup_printf("recode table %s is not built in", def->file);
        return;
    }
    t->chunk = g_string_chunk_new(4096);
    GArray *rules = g_array_new(FALSE, TRUE, sizeof(rule));
    GArray *spans = g_array_new(FALSE, FALSE, sizeof(span));
    GArray *site_sets = g_array_new(FALSE, TRUE, sizeof(guint64) * 16); /* 1024-bit sets: in, out, open */
    GArray *open_site = g_array_new(FALSE, TRUE, sizeof(gboolean));
    const char *p = text, *end = text + len, *line;
    size_t ll;
    int lineno = 0;
    gboolean header = TRUE;
    char *buf = g_malloc(len + 1);
    g_strlcpy(t->unknown, "99", sizeof t->unknown);
    t->unknown_ext[0] = 0;
    while (next_line(&p, end, &line, &ll)) {
        lineno++;
        if (ll == 0)
            continue;
        if (line[0] == '#') {
            if (ll > 11 && strncmp(line, "# unknown: ", 11) == 0 && ll - 11 < sizeof t->unknown) {
                memcpy(t->unknown, line + 11, ll - 11);
                t->unknown[ll - 11] = 0;
            } else if (ll > 15 && strncmp(line, "# unknown_ext: ", 15) == 0 && ll - 15 < sizeof t->unknown_ext) {
                memcpy(t->unknown_ext, line + 15, ll - 15);
                t->unknown_ext[ll - 15] = 0;
            }
            continue;
        }
        char *f[12];
        int nf = split_tab(line, ll, buf, f, 12);
        if (header) {
            header = FALSE;
            if (nf < 10 || strcmp(f[0], "recode") != 0 || strcmp(f[2], "sites_in") != 0 || strcmp(f[6], "beh_in") != 0) {
                t->error = g_strdup_printf("%s: unexpected header", def->file);
                break;
            }
            continue;
        }
        if (nf < 10) {
            t->error = g_strdup_printf("%s:%d: expected 10 columns", def->file, lineno);
            break;
        }
        rule r;
        memset(&r, 0, sizeof r);
        r.code = g_string_chunk_insert_const(t->chunk, f[0]);
        r.code_ext = f[1][0] ? g_string_chunk_insert_const(t->chunk, f[1]) : NULL;
        r.label = g_string_chunk_insert_const(t->chunk, f[9]);
        /* sites */
        guint64 sets[16];
        memset(sets, 0, sizeof sets);
        GArray *tmp = g_array_new(FALSE, FALSE, sizeof(span));
        gboolean ok = parse_spans(f[2], 3, tmp, 999);
        gboolean open = tmp->len == 0;
        for (guint i = 0; ok && i < tmp->len; i++)
            for (int s = g_array_index(tmp, span, i).lo; s <= g_array_index(tmp, span, i).hi; s++)
                sets[s >> 6] |= (guint64)1 << (s & 63);
        if (open)
            for (int s = 0; s < 1000; s++)
                sets[s >> 6] |= (guint64)1 << (s & 63);
        g_array_set_size(tmp, 0);
        ok = ok && parse_spans(f[3], 3, tmp, 999);
        for (guint i = 0; ok && i < tmp->len; i++)
            for (int s = g_array_index(tmp, span, i).lo; s <= g_array_index(tmp, span, i).hi; s++)
                sets[s >> 6] &= ~((guint64)1 << (s & 63));
        g_array_free(tmp, TRUE);
        /* histology */
        r.hist_in = spans->len;
        ok = ok && parse_spans(f[4], 4, spans, 9999);
        normalize_spans(spans, r.hist_in);
        r.n_hist_in = (uint16_t)(spans->len - r.hist_in);
        r.hist_out = spans->len;
        ok = ok && parse_spans(f[5], 4, spans, 9999);
        normalize_spans(spans, r.hist_out);
        r.n_hist_out = (uint16_t)(spans->len - r.hist_out);
        /* behavior */
        GArray *beh = g_array_new(FALSE, FALSE, sizeof(span));
        ok = ok && parse_spans(f[6], 1, beh, 9);
        r.beh_any = beh->len == 0;
        for (guint i = 0; i < beh->len; i++)
            for (int b = g_array_index(beh, span, i).lo; b <= g_array_index(beh, span, i).hi; b++)
                r.beh_mask |= (uint16_t)(1u << b);
        g_array_free(beh, TRUE);
        r.year_min = f[7][0] ? atoi(f[7]) : -1;
        r.year_max = f[8][0] ? atoi(f[8]) : -1;
        if (!ok) {
            t->error = g_strdup_printf("%s:%d: bad code list", def->file, lineno);
            break;
        }
        g_array_append_val(rules, r);
        g_array_append_vals(site_sets, sets, 1);
        g_array_append_val(open_site, open);
    }
    g_free(buf);
    if (!t->error && rules->len > 65535)
        t->error = g_strdup_printf("%s: too many rows", def->file);
    if (!t->unknown_ext[0])
        g_strlcpy(t->unknown_ext, t->unknown, sizeof t->unknown_ext);
    if (t->error) {
        g_array_free(rules, TRUE);
        g_array_free(spans, TRUE);
        g_array_free(site_sets, TRUE);
        g_array_free(open_site, TRUE);
        return;
    }
    /* candidate rules per site slot */
    GArray *cand = g_array_new(FALSE, FALSE, sizeof(uint16_t));
    for (int s = 0; s < SITE_SLOTS; s++) {
        t->site_off[s] = cand->len;
        for (guint i = 0; i < rules->len; i++) {
            const guint64 *set = (const guint64 *)(site_sets->data + (gsize)i * sizeof(guint64) * 16);
            gboolean in = s == SITE_INVALID_SLOT ? g_array_index(open_site, gboolean, i)
                                                 : (gboolean)((set[s >> 6] >> (s & 63)) & 1);
            if (in) {
                uint16_t k = (uint16_t)i;
                g_array_append_val(cand, k);
            }
        }
    }
    t->site_off[SITE_SLOTS] = cand->len;
    t->n_rules = (int)rules->len;
    t->rules = (rule *)g_array_free(rules, FALSE);
    t->spans = (span *)g_array_free(spans, FALSE);
    t->cand = (uint16_t *)g_array_free(cand, FALSE);
    g_array_free(site_sets, TRUE);
    g_array_free(open_site, TRUE);
}

static const table *table_get(crtk_recode_id id)
{
    if (g_once_init_enter(&table_once[id])) {
        table_load(id);
        g_once_init_leave(&table_once[id], 1);
    }
    return &tables[id];
}

gboolean crtk_recode_load(crtk_recode_id id, GError **error)
{
    if ((int)id < 0 || id >= CRTK_RECODE_COUNT) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no such recode");
        return FALSE;
    }
    const table *t = table_get(id);
    if (t->error) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s", t->error);
        return FALSE;
    }
    return TRUE;
}

/* ---- input parsing -------------------------------------------------------------- */

static const char *skip_blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Length without trailing blanks. */
static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return n;
}

static int parse_site(const char *s)
{
    if (!s)
        return -2;
    s = skip_blank(s);
    size_t n = trimmed_len(s);
    if (n == 0)
        return -2;
    if (s[0] != 'C' && s[0] != 'c')
        return -1;
    int v;
    if (n == 4)
        v = digits(s + 1, 3);
    else if (n == 5 && s[3] == '.') /* C50.4 */
        v = digits(s + 1, 2) >= 0 && digits(s + 4, 1) >= 0 ? digits(s + 1, 2) * 10 + digits(s + 4, 1) : -1;
    else
        return -1;
    if (v < 0 || v > 809)
        return -1;
    return v;
}

static int parse_fixed(const char *s, int width)
{
    if (!s)
        return -1;
    s = skip_blank(s);
    size_t n = trimmed_len(s);
    if (n != (size_t)width)
        return -1;
    return digits(s, width);
}

void crtk_tumor_codes_parse(crtk_tumor_codes *c, const char *site, const char *hist,
                            const char *beh, const char *dx_date)
{
    c->site = parse_site(site);
    c->hist = parse_fixed(hist, 4);
    c->beh = parse_fixed(beh, 1);
    crtk_date d = crtk_date_parse(dx_date);
    c->year = d.year ? d.year : -1;
}

/* ---- look-up --------------------------------------------------------------------- */

int crtk_recode_find(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < CRTK_RECODE_COUNT; i++) {
        if (g_ascii_strcasecmp(name, defs[i].name) == 0)
            return i;
        for (int k = 0; k < 3 && defs[i].aliases[k]; k++)
            if (g_ascii_strcasecmp(name, defs[i].aliases[k]) == 0)
                return i;
    }
    return -1;
}

const char *crtk_recode_name(crtk_recode_id id)
{
    return (int)id >= 0 && id < CRTK_RECODE_COUNT ? defs[id].name : NULL;
}

const char *crtk_recode_title(crtk_recode_id id)
{
    return (int)id >= 0 && id < CRTK_RECODE_COUNT ? defs[id].title : NULL;
}

const char *crtk_recode_unknown(crtk_recode_id id, bool extended)
{
    if ((int)id < 0 || id >= CRTK_RECODE_COUNT)
        return "";
    const table *t = table_get(id);
    return extended ? t->unknown_ext : t->unknown;
}

static const char *recode_impl(crtk_recode_id id, const crtk_tumor_codes *c, bool extended, bool any_site)
{
    if ((int)id < 0 || id >= CRTK_RECODE_COUNT)
        return "";
    const table *t = table_get(id);
    const char *unknown = extended ? t->unknown_ext : t->unknown;
    unsigned need = defs[id].need;
    if (t->error)
        return unknown;
    if (!any_site && (need & NEED_SITE) && c->site < 0)
        return unknown;
    if (!any_site && (need & NEED_SITE_PRESENT) && c->site == -2)
        return unknown;
    if ((need & NEED_HIST) && c->hist < 0)
        return unknown;
    if ((need & NEED_BEH) && c->beh < 0)
        return unknown;
    if ((need & NEED_YEAR) && c->year < 0)
        return unknown;
    int slot = c->site >= 0 ? c->site : SITE_INVALID_SLOT;
    const uint16_t *k = t->cand + t->site_off[slot], *kend = t->cand + t->site_off[slot + 1];
    for (; k < kend; k++) {
        const rule *r = &t->rules[*k];
        if (r->n_hist_in && (c->hist < 0 || !span_has(t->spans + r->hist_in, r->n_hist_in, c->hist)))
            continue;
        if (r->n_hist_out && c->hist >= 0 && span_has(t->spans + r->hist_out, r->n_hist_out, c->hist))
            continue;
        if (!r->beh_any && (c->beh < 0 || !((r->beh_mask >> c->beh) & 1)))
            continue;
        if (r->year_min >= 0 && (c->year < 0 || c->year < r->year_min))
            continue;
        if (r->year_max >= 0 && (c->year < 0 || c->year > r->year_max))
            continue;
        if (extended)
            return r->code_ext ? r->code_ext : unknown;
        return r->code;
    }
    return unknown;
}

const char *crtk_recode(crtk_recode_id id, const crtk_tumor_codes *c, bool extended)
{
    return recode_impl(id, c, extended, false);
}

const char *crtk_recode_any_site(crtk_recode_id id, const crtk_tumor_codes *c, bool extended)
{
    return recode_impl(id, c, extended, true);
}

const char *crtk_recode_values(crtk_recode_id id, const char *site, const char *hist,
                               const char *beh, const char *dx_date, bool extended)
{
    crtk_tumor_codes c;
    crtk_tumor_codes_parse(&c, site, hist, beh, dx_date);
    return crtk_recode(id, &c, extended);
}

const char *crtk_recode_label(crtk_recode_id id, const char *code, bool extended)
{
    if ((int)id < 0 || id >= CRTK_RECODE_COUNT || !code)
        return NULL;
    const table *t = table_get(id);
    for (int i = 0; i < t->n_rules; i++) {
        const char *c = extended ? t->rules[i].code_ext : t->rules[i].code;
        if (c && strcmp(c, code) == 0)
            return t->rules[i].label;
    }
    return NULL;
}

const char *crtk_seer_site_recode(const char *site, const char *hist, const char *beh, const char *dx_date)
{
    return crtk_recode_values(CRTK_RECODE_SEER_2023, site, hist, beh, dx_date, false);
}

const char *crtk_seer_site_recode_who2008(const char *site, const char *hist)
{
    return crtk_recode_values(CRTK_RECODE_SEER_WHO2008, site, hist, NULL, NULL, false);
}

const char *crtk_iccc_recode(const char *site, const char *hist, const char *beh, bool extended)
{
    return crtk_recode_values(CRTK_RECODE_ICCC_IARC2017, site, hist, beh, NULL, extended);
}

const char *crtk_aya_recode(const char *site, const char *hist, const char *beh)
{
    return crtk_recode_values(CRTK_RECODE_AYA_2020, site, hist, beh, NULL, false);
}

const char *crtk_iccc_major(const char *iccc_recode)
{
    int v = parse_fixed(iccc_recode, 3);
    if (v < 0)
        return "99";
    switch (v) {
    case 112: return "11";
    case 114: return "12";
    case 115: return "13";
    case 111: case 113: case 116: return "14";
    default: break;
    }
    static const struct { int lo, hi; const char *major; } groups[] = {
        {11, 15, "01"}, {21, 25, "02"}, {31, 36, "03"}, {41, 42, "04"}, {50, 50, "05"},
        {61, 63, "06"}, {71, 73, "07"}, {81, 85, "08"}, {91, 95, "09"}, {101, 105, "10"},
        {121, 122, "15"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(groups); i++)
        if (v >= groups[i].lo && v <= groups[i].hi)
            return groups[i].major;
    return "99";
}
