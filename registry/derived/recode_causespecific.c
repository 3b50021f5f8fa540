/* recode_causespecific.c — SEER cause-specific and other-cause death classification
 * (see derived.h, docs/derived.md; rules of codes/README.md §5.3).
 *
 * The site-specific causes come from schemas/recodes/cause-specific-*.tsv: one
 * row per (ICD revision, sequence type 0 or 1-59, site recode) listing causes
 * compared on their first 3 characters and causes compared on all 4.
 */
#include "derived.h"
#include "schemas.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char lo[5], hi[5];
} cause_span;

typedef struct {
    GArray *c3; /* cause_span, 3-character codes */
    GArray *c4; /* cause_span, 4-character codes */
} cause_row;

typedef struct {
    GHashTable *rows; /* "rev|seqtype|siterecode" -> cause_row */
    gboolean ok;
} cause_table;

static const char *const table_files[] = {
    [CRTK_CAUSE_TABLE_2023] = "recodes/cause-specific-2023.tsv",
    [CRTK_CAUSE_TABLE_WHO2008] = "recodes/cause-specific-2008.tsv",
    [CRTK_CAUSE_TABLE_WHO2008_PRE_FIX] = "recodes/cause-specific-2008-pre-fix.tsv",
};

static cause_table tables[3];
static gsize table_once[3];

static void parse_causes(const char *list, int width, GArray *out)
{
    gchar **items = g_strsplit(list, ",", -1);
    for (int i = 0; items[i]; i++) {
        char *it = g_strstrip(items[i]);
        if (!*it)
            continue;
        cause_span sp;
        memset(&sp, 0, sizeof sp);
        char *dash = strchr(it, '-');
        if (dash) {
            *dash = 0;
            g_strlcpy(sp.lo, g_strstrip(it), sizeof sp.lo);
            g_strlcpy(sp.hi, g_strstrip(dash + 1), sizeof sp.hi);
        } else {
            g_strlcpy(sp.lo, it, sizeof sp.lo);
            g_strlcpy(sp.hi, it, sizeof sp.hi);
        }
        if ((int)strlen(sp.lo) == width && (int)strlen(sp.hi) == width)
            g_array_append_val(out, sp);
    }
    g_strfreev(items);
}

static void row_free(gpointer p)
{
    cause_row *r = p;
    g_array_free(r->c3, TRUE);
    g_array_free(r->c4, TRUE);
    g_free(r);
}

static void table_load(crtk_cause_table which)
{
    cause_table *t = &tables[which];
    t->rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, row_free);
    size_t len = 0;
    const char *text = crtk_schema_text(table_files[which], &len);
    if (!text)
        return;
    gchar **lines = g_strsplit(text, "\n", -1);
    gboolean header = TRUE;
    for (int i = 0; lines[i]; i++) {
        char *line = lines[i];
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[n - 1] = 0;
        if (!*line || *line == '#')
            continue;
        if (header) {
            header = FALSE;
            continue;
        }
        gchar **f = g_strsplit(line, "\t", 6);
        if (g_strv_length(f) >= 5) {
            cause_row *r = g_new0(cause_row, 1);
            r->c3 = g_array_new(FALSE, FALSE, sizeof(cause_span));
            r->c4 = g_array_new(FALSE, FALSE, sizeof(cause_span));
            parse_causes(f[3], 3, r->c3);
            parse_causes(f[4], 4, r->c4);
            g_hash_table_replace(t->rows, g_strdup_printf("%s|%s|%s", f[0], f[1], f[2]), r);
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    t->ok = g_hash_table_size(t->rows) > 0;
}

static const cause_table *table_get(crtk_cause_table which)
{
    if (g_once_init_enter(&table_once[which])) {
        table_load(which);
        g_once_init_leave(&table_once[which], 1);
    }
    return &tables[which];
}

/* cause is normalised: upper case, no dot, no blanks, at least 3 characters. */
static bool in_spans(const GArray *a, const char *cause, int width)
{
    if ((int)strlen(cause) < width)
        return FALSE;
    for (guint i = 0; i < a->len; i++) {
        const cause_span *s = &g_array_index(a, cause_span, i);
        if (strncmp(cause, s->lo, (size_t)width) >= 0 && strncmp(cause, s->hi, (size_t)width) <= 0)
            return TRUE;
    }
    return FALSE;
}

static bool row_matches(const cause_table *t, int rev, bool seq00, const char *site_recode, const char *cause)
{
    char key[48];
    g_snprintf(key, sizeof key, "%d|%s|%s", rev, seq00 ? "0" : "1-59", site_recode);
    const cause_row *r = g_hash_table_lookup(t->rows, key);
    if (!r)
        return FALSE;
    return in_spans(r->c3, cause, 3) || in_spans(r->c4, cause, 4);
}

static bool code3_between(const char *cause, const char *lo, const char *hi)
{
    return strncmp(cause, lo, 3) >= 0 && strncmp(cause, hi, 3) <= 0;
}

/* Any cancer (sequence 00): ICD-8/9 140-239, ICD-9 042.2, ICD-10 C00-D48.9 and B21. */
static bool any_cancer(int rev, const char *cause)
{
    if (rev == 8 || rev == 9) {
        if (rev == 9 && strncmp(cause, "0422", 4) == 0)
            return TRUE;
        return code3_between(cause, "140", "239");
    }
    return code3_between(cause, "C00", "D48") || strncmp(cause, "B21", 3) == 0;
}

/* Unknown primary, secondary or multiple cancers (sequence 01+):
 * ICD-10 C79.8, C80, C97, D48.9; ICD-8/9 199. */
static bool unknown_primary(int rev, const char *cause)
{
    if (rev == 8 || rev == 9)
        return strncmp(cause, "199", 3) == 0;
    return strncmp(cause, "C798", 4) == 0 || strncmp(cause, "C80", 3) == 0 || strncmp(cause, "C97", 3) == 0 ||
           strncmp(cause, "D489", 4) == 0;
}

static crtk_cause_specific result(char cs, char other)
{
    crtk_cause_specific r;
    r.cause_specific[0] = cs;
    r.cause_specific[1] = 0;
    r.other_cause[0] = other;
    r.other_cause[1] = 0;
    return r;
}

crtk_cause_specific crtk_cause_specific_classify(crtk_cause_table table, const char *seq_num,
                                                 const char *icd_revision, const char *cause,
                                                 const char *site, const char *hist,
                                                 const char *beh, const char *dx_date,
                                                 int dolc_year, int endpoint_year)
{
    /* sequence number 00-59 only */
    int seq = -1;
    if (seq_num) {
        char *s = g_strstrip(g_strdup(seq_num));
        if (strlen(s) >= 1 && strlen(s) <= 2 && g_ascii_isdigit(s[0]) && (!s[1] || g_ascii_isdigit(s[1])))
            seq = atoi(s);
        g_free(s);
    }
    if (seq < 0 || seq > 59)
        return result('9', '9');
    if (endpoint_year <= 0) {
        GDateTime *now = g_date_time_new_now_local();
        endpoint_year = g_date_time_get_year(now);
        g_date_time_unref(now);
    }
    /* alive at the cut-off */
    char *rev_s = icd_revision ? g_strstrip(g_strdup(icd_revision)) : g_strdup("");
    int rev = -1;
    if (strlen(rev_s) == 1 && g_ascii_isdigit(rev_s[0]))
        rev = rev_s[0] - '0';
    g_free(rev_s);
    if (rev == 0 || (dolc_year > 0 && dolc_year > endpoint_year))
        return result('0', '0');
    /* cause of death: upper case, without dots and blanks */
    char code[8];
    int n = 0;
    for (const char *p = cause ? cause : ""; *p && n < 7; p++) {
        if (*p == '.' || *p == ' ' || *p == '\t')
            continue;
        code[n++] = (char)g_ascii_toupper(*p);
    }
    code[n] = 0;
    if (n == 0 || strcmp(code, "7777") == 0 || strcmp(code, "7797") == 0)
        return result('8', '8');
    if ((rev != 1 && rev != 8 && rev != 9) || n < 3)
        return result('0', '1');
    const cause_table *t = table_get(table);
    crtk_tumor_codes c;
    crtk_tumor_codes_parse(&c, site, hist, beh, dx_date);
    bool who2008 = table != CRTK_CAUSE_TABLE_2023;
    const char *recode = crtk_recode_any_site(who2008 ? CRTK_RECODE_SEER_WHO2008 : CRTK_RECODE_SEER_2023, &c, false);
    if (seq == 0) {
        if (any_cancer(rev, code))
            return result('1', '0');
    } else {
        if (unknown_primary(rev, code))
            return result('1', '0');
        /* deaths from melanoma count for tumours of melanoma histology (872-879) whatever the site */
        if (c.hist >= 8720 && c.hist <= 8799 && row_matches(t, rev, FALSE, who2008 ? "25010" : "37", code))
            return result('1', '0');
    }
    if (row_matches(t, rev, seq == 0, recode, code))
        return result('1', '0');
    return result('0', '1');
}
