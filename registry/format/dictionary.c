/* dictionary.c — NAACCR base, default user and user dictionaries (see dictionary.h).
 *
 * Base and default user dictionaries come from the TSV files in schemas/naaccr/
 * embedded in the binary; user dictionaries are parsed from NAACCR dictionary
 * XML (dictionary_xml.c).  A runtime dictionary keeps its items in one array
 * and finds them through an open-addressing hash on naaccrId and a GLib hash
 * on item number.
 */
#include "dictionary.h"
#include "dictionary_private.h"
#include "date.h"
#include "schemas.h"

#include <stdlib.h>
#include <string.h>

static const int versions[] = {140, 150, 160, 180, 210, 220, 230, 240, 250, 260, 0};

const int *crtk_naaccr_versions(void)
{
    return versions;
}

static gboolean known_version(int v)
{
    for (const int *p = versions; *p; p++)
        if (*p == v)
            return TRUE;
    return FALSE;
}

int crtk_naaccr_version_parse(const char *text)
{
    if (!text)
        return 0;
    if (text[0] == 'v' || text[0] == 'V')
        text++;
    char *end;
    double d = g_ascii_strtod(text, &end);
    /* Range first: converting NaN, infinity or a huge number to int is undefined behaviour. */
    if (end == text || *end || !(d >= 0 && d < 10000))
        return 0;
    int v = d < 100 ? (int)(d * 10 + 0.5) : (int)d;
    return known_version(v) ? v : 0;
}

int crtk_naaccr_version_from_uri(const char *uri)
{
    static const char prefix[] = "http://naaccr.org/naaccrxml/naaccr-dictionary-";
    if (!uri || strncmp(uri, prefix, sizeof prefix - 1) != 0)
        return 0;
    const char *v = uri + sizeof prefix - 1;
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || strcmp(end, ".xml") != 0)
        return 0;
    return known_version((int)n) ? (int)n : 0;
}

char *crtk_base_dictionary_uri(int version)
{
    return g_strdup_printf("http://naaccr.org/naaccrxml/naaccr-dictionary-%d.xml", version);
}

char *crtk_default_user_dictionary_uri(int version)
{
    if (version >= 220)
        return NULL;
    return g_strdup_printf("http://naaccr.org/naaccrxml/user-defined-naaccr-dictionary-%d.xml", version);
}

/* ---- names ------------------------------------------------------------------ */

const char *crtk_level_name(crtk_level level)
{
    switch (level) {
    case CRTK_LEVEL_ROOT: return "NaaccrData";
    case CRTK_LEVEL_PATIENT: return "Patient";
    default: return "Tumor";
    }
}

static const char *const type_names[] = {"text", "digits", "alpha", "mixed", "numeric", "date", "dateTime"};

const char *crtk_data_type_name(crtk_data_type type)
{
    return type_names[type];
}

static const char *const padding_names[] = {"none", "rightBlank", "leftBlank", "rightZero", "leftZero"};

const char *crtk_padding_name(crtk_padding padding)
{
    return padding_names[padding];
}

gboolean crtk_parse_level(const char *s, crtk_level *level)
{
    if (!strcmp(s, "NaaccrData"))
        *level = CRTK_LEVEL_ROOT;
    else if (!strcmp(s, "Patient"))
        *level = CRTK_LEVEL_PATIENT;
    else if (!strcmp(s, "Tumor"))
        *level = CRTK_LEVEL_TUMOR;
    else
        return FALSE;
    return TRUE;
}

gboolean crtk_parse_data_type(const char *s, crtk_data_type *type)
{
    if (!*s) {
        *type = CRTK_TYPE_TEXT;
        return TRUE;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(type_names); i++)
        if (!strcmp(s, type_names[i])) {
            *type = (crtk_data_type)i;
            return TRUE;
        }
    return FALSE;
}

gboolean crtk_parse_padding(const char *s, crtk_padding *padding)
{
    if (!*s) {
        *padding = CRTK_PAD_NONE;
        return TRUE;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(padding_names); i++)
        if (!strcmp(s, padding_names[i])) {
            *padding = (crtk_padding)i;
            return TRUE;
        }
    return FALSE;
}

unsigned crtk_record_type_parse(const char *letter)
{
    if (!letter || !letter[0] || letter[1])
        return 0;
    switch (letter[0]) {
    case 'A': return CRTK_RT_A;
    case 'M': return CRTK_RT_M;
    case 'C': return CRTK_RT_C;
    case 'I': return CRTK_RT_I;
    default: return 0;
    }
}

char crtk_record_type_letter(unsigned rt)
{
    switch (rt) {
    case CRTK_RT_A: return 'A';
    case CRTK_RT_M: return 'M';
    case CRTK_RT_C: return 'C';
    case CRTK_RT_I: return 'I';
    default: return '?';
    }
}

const char *crtk_record_types_format(unsigned bits, char *buf)
{
    char *p = buf;
    static const char letters[] = "AMCI";
    for (int i = 0; i < 4; i++)
        if (bits & (1u << i)) {
            if (p != buf)
                *p++ = ',';
            *p++ = letters[i];
        }
    *p = 0;
    return buf;
}

gboolean crtk_parse_record_types(const char *s, unsigned *bits)
{
    *bits = 0;
    if (!*s) {
        *bits = CRTK_RT_ALL;
        return TRUE;
    }
    gchar **parts = g_strsplit(s, ",", -1);
    gboolean ok = TRUE;
    for (gchar **p = parts; *p; p++) {
        char *t = g_strstrip(*p);
        unsigned b = crtk_record_type_parse(t);
        if (!b)
            ok = FALSE;
        *bits |= b;
    }
    g_strfreev(parts);
    return ok && *bits;
}

/* ---- value checks ------------------------------------------------------------ */

static size_t utf8_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static gboolean is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static gboolean check_date(const char *v, size_t len)
{
    /* NAACCR XML's pattern ^(18|19|20)\d\d((0[1-9]|1[012])(0[1-9]|[12]\d|3[01])?)?$: any day 01-31 */
    crtk_date d;
    if (len == 0 || v[len - 1] == ' ')
        return FALSE;
    return crtk_date_parse_naaccr(v, len, CRTK_DATE_NAACCR_YEARS, &d);
}

static gboolean two_digits(const char *p, int lo, int hi)
{
    if (!is_digit(p[0]) || !is_digit(p[1]))
        return FALSE;
    int n = (p[0] - '0') * 10 + (p[1] - '0');
    return n >= lo && n <= hi;
}

static gboolean check_datetime(const char *v, size_t len)
{
    /* YYYY[-MM[-DD[Thh:mm:ss]]][Z|(+|-)hh:mm], year 0001-9999 */
    size_t i = 0;
    if (len < 4)
        return FALSE;
    for (; i < 4; i++)
        if (!is_digit(v[i]))
            return FALSE;
    if (memcmp(v, "0000", 4) == 0)
        return FALSE;
    gboolean has_time = FALSE;
    if (i < len && v[i] == '-' && i + 3 <= len && two_digits(v + i + 1, 1, 12)) {
        i += 3;
        if (i < len && v[i] == '-' && i + 3 <= len && two_digits(v + i + 1, 1, 31)) {
            i += 3;
            if (i < len && v[i] == 'T') {
                if (i + 9 > len || !two_digits(v + i + 1, 0, 23) || v[i + 3] != ':' || !two_digits(v + i + 4, 0, 59) ||
                    v[i + 6] != ':' || !two_digits(v + i + 7, 0, 60))
                    return FALSE;
                i += 9;
                has_time = TRUE;
            }
        }
    }
    if (i == len)
        return !has_time; /* a time needs a zone */
    if (v[i] == 'Z')
        return i + 1 == len;
    if (v[i] == '+' || v[i] == '-') {
        if (i + 6 != len || v[i + 3] != ':')
            return FALSE;
        if (!is_digit(v[i + 1]) || !is_digit(v[i + 2]) || !is_digit(v[i + 4]) || !is_digit(v[i + 5]))
            return FALSE;
        int h = (v[i + 1] - '0') * 10 + (v[i + 2] - '0');
        int m = (v[i + 4] - '0') * 10 + (v[i + 5] - '0');
        return (h <= 13 && m <= 59) || (h == 14 && m == 0);
    }
    return FALSE;
}

const char *crtk_item_check_value(const crtk_item *item, const char *v, size_t len, crtk_problem_code *code)
{
    *code = CRTK_PROBLEM_BAD_VALUE;
    switch (item->type) {
    case CRTK_TYPE_TEXT:
        if (len > (size_t)item->length && !item->unlimited_text && utf8_length(v, len) > (size_t)item->length) {
            *code = CRTK_PROBLEM_TOO_LONG;
            return "value is longer than the item allows";
        }
        return NULL;
    case CRTK_TYPE_DIGITS:
        if (len > (size_t)item->length) {
            *code = CRTK_PROBLEM_TOO_LONG;
            return "value is longer than the item allows";
        }
        for (size_t i = 0; i < len; i++)
            if (!is_digit(v[i]))
                return "digits item must hold only the digits 0-9";
        if (len != (size_t)item->length)
            return "digits item must fill its whole length (keep leading zeros)";
        return NULL;
    case CRTK_TYPE_ALPHA:
        if (len > (size_t)item->length) {
            *code = CRTK_PROBLEM_TOO_LONG;
            return "value is longer than the item allows";
        }
        for (size_t i = 0; i < len; i++)
            if (v[i] < 'A' || v[i] > 'Z')
                return "alpha item must hold only the capital letters A-Z";
        if (len != (size_t)item->length)
            return "alpha item must fill its whole length";
        return NULL;
    case CRTK_TYPE_MIXED:
        if (len > (size_t)item->length) {
            *code = CRTK_PROBLEM_TOO_LONG;
            return "value is longer than the item allows";
        }
        for (size_t i = 0; i < len; i++)
            if (!is_digit(v[i]) && (v[i] < 'A' || v[i] > 'Z'))
                return "mixed item must hold only capital letters and digits";
        if (len != (size_t)item->length)
            return "mixed item must fill its whole length";
        return NULL;
    case CRTK_TYPE_NUMERIC: {
        if (len > (size_t)item->length) {
            *code = CRTK_PROBLEM_TOO_LONG;
            return "value is longer than the item allows";
        }
        size_t i = 0;
        while (i < len && is_digit(v[i]))
            i++;
        if (i == 0)
            return "numeric item must be a number such as 12 or 3.5";
        if (i < len) {
            if (v[i] != '.' || i + 1 == len)
                return "numeric item must be a number such as 12 or 3.5";
            for (i++; i < len; i++)
                if (!is_digit(v[i]))
                    return "numeric item must be a number such as 12 or 3.5";
        }
        return NULL;
    }
    case CRTK_TYPE_DATE:
        if (len > (size_t)item->length) {
            *code = CRTK_PROBLEM_TOO_LONG;
            return "value is longer than the item allows";
        }
        if (!check_date(v, len))
            return "date must be YYYYMMDD, YYYYMM or YYYY (year 1800-2099)";
        return NULL;
    case CRTK_TYPE_DATETIME:
        if (len > (size_t)item->length) {
            *code = CRTK_PROBLEM_TOO_LONG;
            return "value is longer than the item allows";
        }
        if (!check_datetime(v, len))
            return "date-time must be YYYY[-MM[-DD[Thh:mm:ss(Z|+hh:mm)]]]";
        return NULL;
    }
    return NULL;
}

/* ---- runtime dictionary -------------------------------------------------------- */

static guint32 hash_id(const char *s, size_t len)
{
    guint32 h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static void rebuild_hash(crtk_dictionary *d)
{
    guint n = d->items->len;
    guint size = 64;
    while (size < n * 4)
        size *= 2;
    g_free(d->table);
    d->table = g_new0(int, size);
    g_free(d->id_lens);
    d->id_lens = g_new(size_t, n ? n : 1);
    d->table_mask = size - 1;
    g_hash_table_remove_all(d->by_number);
    for (guint i = 0; i < n; i++) {
        crtk_item *it = g_ptr_array_index(d->items, i);
        it->index = (int)i;
        d->id_lens[i] = it->id_len = strlen(it->id);
        guint32 h = hash_id(it->id, d->id_lens[i]) & d->table_mask;
        while (d->table[h])
            h = (h + 1) & d->table_mask;
        d->table[h] = (int)i + 1;
        g_hash_table_insert(d->by_number, GINT_TO_POINTER(it->number), it);
    }
}

const crtk_item *crtk_dictionary_find_len(const crtk_dictionary *d, const char *id, size_t len)
{
    guint32 h = hash_id(id, len) & d->table_mask;
    for (;;) {
        int slot = d->table[h];
        if (!slot)
            return NULL;
        if (d->id_lens[slot - 1] == len) {
            const crtk_item *it = g_ptr_array_index(d->items, slot - 1);
            if (memcmp(it->id, id, len) == 0)
                return it;
        }
        h = (h + 1) & d->table_mask;
    }
}

const crtk_item *crtk_dictionary_find(const crtk_dictionary *d, const char *id)
{
    return crtk_dictionary_find_len(d, id, strlen(id));
}

const crtk_item *crtk_dictionary_find_number(const crtk_dictionary *d, int number)
{
    return g_hash_table_lookup(d->by_number, GINT_TO_POINTER(number));
}

const crtk_item *crtk_dictionary_lookup(const crtk_dictionary *d, const char *s)
{
    if (!s || !*s)
        return NULL;
    gboolean digits = TRUE;
    for (const char *p = s; *p; p++)
        if (!is_digit(*p))
            digits = FALSE;
    if (digits)
        return crtk_dictionary_find_number(d, atoi(s));
    return crtk_dictionary_find(d, s);
}

static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    int *row = g_new(int, lb + 1);
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int prev = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cur = row[j];
            int cost = g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 1]) ? 0 : 1;
            int v = MIN(MIN(row[j] + 1, row[j - 1] + 1), prev + cost);
            row[j] = v;
            prev = cur;
        }
    }
    int r = row[lb];
    g_free(row);
    return r;
}

typedef struct {
    int dist;
    const char *id;
} scored;

static int cmp_scored(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->dist != y->dist)
        return x->dist - y->dist;
    return strcmp(x->id, y->id);
}

GPtrArray *crtk_dictionary_suggest(const crtk_dictionary *d, const char *id, int max)
{
    guint n = d->items->len;
    scored *s = g_new(scored, n);
    char *lower = g_ascii_strdown(id, -1);
    for (guint i = 0; i < n; i++) {
        const crtk_item *it = g_ptr_array_index(d->items, i);
        s[i].id = it->id;
        s[i].dist = edit_distance(id, it->id);
        char *l = g_ascii_strdown(it->id, -1);
        if (strlen(lower) >= 4 && strstr(l, lower))
            s[i].dist = MIN(s[i].dist, 2);
        g_free(l);
    }
    g_free(lower);
    qsort(s, n, sizeof *s, cmp_scored);
    GPtrArray *out = g_ptr_array_new();
    int limit = MAX(3, (int)strlen(id) / 2);
    for (guint i = 0; i < n && (int)out->len < max; i++)
        if (s[i].dist <= limit)
            g_ptr_array_add(out, (gpointer)s[i].id);
    g_free(s);
    return out;
}

static crtk_dictionary *dictionary_alloc(void)
{
    crtk_dictionary *d = g_new0(crtk_dictionary, 1);
    d->refcount = 1;
    d->items = g_ptr_array_new_with_free_func(g_free);
    d->strings = g_string_chunk_new(16384);
    d->by_number = g_hash_table_new(g_direct_hash, g_direct_equal);
    d->user_uris = g_ptr_array_new_with_free_func(g_free);
    return d;
}

/* g_strsplit(text, "\n", -1), with memchr: GLib's version calls strstr on the rest of the text for
 * each line, which AddressSanitizer's interceptor makes quadratic (about 10 ms per dictionary in
 * sanitizer and fuzz builds). */
static gchar **split_lines(const char *text, size_t len)
{
    GPtrArray *a = g_ptr_array_new();
    const char *p = text, *e = text + len;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        g_ptr_array_add(a, g_strndup(p, (gsize)((nl ? nl : e) - p)));
        if (!nl)
            break;
        p = nl + 1;
    }
    g_ptr_array_add(a, NULL);
    return (gchar **)g_ptr_array_free(a, FALSE);
}

/* Parses one embedded TSV dictionary into d.  Returns FALSE on a malformed file. */
static gboolean load_tsv(crtk_dictionary *d, const char *name, const char *uri, GError **error)
{
    size_t len;
    const char *text = crtk_schema_text(name, &len);
    if (!text) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "built-in dictionary %s is missing", name);
        return FALSE;
    }
    gchar **lines = split_lines(text, len);
    gboolean header = FALSE, ok = TRUE;
    const char *src = g_string_chunk_insert_const(d->strings, uri);
    for (int ln = 0; lines[ln]; ln++) {
        char *line = lines[ln];
        if (!*line || line[0] == '#')
            continue;
        if (!header) {
            header = TRUE;
            continue;
        }
        gchar **f = g_strsplit(line, "\t", -1);
        if (g_strv_length(f) < 11) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s:%d: expected 11 columns", name, ln + 1);
            g_strfreev(f);
            ok = FALSE;
            break;
        }
        crtk_item *it = g_new0(crtk_item, 1);
        it->number = atoi(f[0]);
        it->id = g_string_chunk_insert_const(d->strings, f[1]);
        it->name = g_string_chunk_insert_const(d->strings, f[2]);
        it->length = atoi(f[4]);
        it->trim_none = strcmp(f[7], "none") == 0;
        it->start_column = atoi(f[9]);
        it->unlimited_text = strcmp(f[10], "true") == 0;
        it->source_uri = src;
        if (!crtk_parse_level(f[3], &it->level) || !crtk_parse_data_type(f[5], &it->type) ||
            !crtk_parse_padding(f[6], &it->padding) || !crtk_parse_record_types(f[8], &it->record_types)) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s:%d: invalid item definition", name, ln + 1);
            g_free(it);
            g_strfreev(f);
            ok = FALSE;
            break;
        }
        g_ptr_array_add(d->items, it);
        g_strfreev(f);
    }
    g_strfreev(lines);
    return ok;
}

crtk_dictionary *crtk_dictionary_new(int version, GError **error)
{
    if (!known_version(version)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_UNSUPPORTED,
                    "NAACCR version %d is not supported (crtk knows 140, 150, 160, 180, 210-260)", version);
        return NULL;
    }
    crtk_dictionary *d = dictionary_alloc();
    d->version = version;
    d->base_uri = crtk_base_dictionary_uri(version);
    d->default_user_uri = crtk_default_user_dictionary_uri(version);
    char *name = g_strdup_printf("naaccr/dictionary-%d.tsv", version);
    gboolean ok = load_tsv(d, name, d->base_uri, error);
    g_free(name);
    if (ok && d->default_user_uri) {
        name = g_strdup_printf("naaccr/user-dictionary-%d.tsv", version);
        ok = load_tsv(d, name, d->default_user_uri, error);
        g_free(name);
    }
    if (!ok) {
        crtk_dictionary_unref(d);
        return NULL;
    }
    rebuild_hash(d);
    return d;
}

static gboolean same_definition(const crtk_item *a, const crtk_item *b)
{
    return a->number == b->number && a->length == b->length && a->level == b->level && a->type == b->type &&
           a->record_types == b->record_types && !strcmp(a->id, b->id);
}

gboolean crtk_dictionary_add_user(crtk_dictionary *d, const crtk_user_dictionary *ud, GError **error)
{
    if (crtk_dictionary_has_uri(d, ud->uri))
        return TRUE; /* already there */
    if (ud->version && ud->version != d->version) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                    "user dictionary %s is for NAACCR version %d, but the data is version %d", ud->uri, ud->version,
                    d->version);
        return FALSE;
    }
    /* Check every item before adding any. */
    for (guint i = 0; i < ud->items->len; i++) {
        const crtk_item *u = g_ptr_array_index(ud->items, i);
        const crtk_item *by_id = crtk_dictionary_find(d, u->id);
        const crtk_item *by_num = crtk_dictionary_find_number(d, u->number);
        if (by_id && same_definition(by_id, u))
            continue;
        if (by_id) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "user dictionary %s: item %s is already defined by %s", ud->uri, u->id, by_id->source_uri);
            return FALSE;
        }
        if (by_num) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "user dictionary %s: item number %d of %s is already used by %s (%s)", ud->uri, u->number,
                        u->id, by_num->id, by_num->source_uri);
            return FALSE;
        }
        if (u->start_column && d->version > 180) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "user dictionary %s: item %s has a startColumn, which NAACCR %d does not allow", ud->uri, u->id,
                        d->version);
            return FALSE;
        }
    }
    const char *src = g_string_chunk_insert_const(d->strings, ud->uri);
    for (guint i = 0; i < ud->items->len; i++) {
        const crtk_item *u = g_ptr_array_index(ud->items, i);
        if (crtk_dictionary_find(d, u->id))
            continue;
        crtk_item *it = g_new(crtk_item, 1);
        *it = *u;
        it->id = g_string_chunk_insert_const(d->strings, u->id);
        it->name = g_string_chunk_insert_const(d->strings, u->name);
        it->source_uri = src;
        it->user_defined = TRUE;
        g_ptr_array_add(d->items, it);
    }
    g_ptr_array_add(d->user_uris, g_strdup(ud->uri));
    g_free(d->user_uris_joined);
    GString *j = g_string_new(NULL);
    for (guint i = 0; i < d->user_uris->len; i++) {
        if (i)
            g_string_append_c(j, ' ');
        g_string_append(j, g_ptr_array_index(d->user_uris, i));
    }
    d->user_uris_joined = g_string_free(j, FALSE);
    rebuild_hash(d);
    return TRUE;
}

crtk_dictionary *crtk_dictionary_ref(crtk_dictionary *d)
{
    g_atomic_int_inc(&d->refcount);
    return d;
}

void crtk_dictionary_unref(crtk_dictionary *d)
{
    if (!d || !g_atomic_int_dec_and_test(&d->refcount))
        return;
    g_ptr_array_free(d->items, TRUE);
    g_ptr_array_free(d->user_uris, TRUE);
    g_string_chunk_free(d->strings);
    g_hash_table_destroy(d->by_number);
    g_free(d->table);
    g_free(d->id_lens);
    g_free(d->base_uri);
    g_free(d->default_user_uri);
    g_free(d->user_uris_joined);
    g_free(d);
}

int crtk_dictionary_version(const crtk_dictionary *d)
{
    return d->version;
}

const char *crtk_dictionary_base_uri(const crtk_dictionary *d)
{
    return d->base_uri;
}

const char *crtk_dictionary_user_uris(const crtk_dictionary *d)
{
    return d->user_uris_joined;
}

gboolean crtk_dictionary_has_uri(const crtk_dictionary *d, const char *uri)
{
    if (!strcmp(uri, d->base_uri) || (d->default_user_uri && !strcmp(uri, d->default_user_uri)))
        return TRUE;
    for (guint i = 0; i < d->user_uris->len; i++)
        if (!strcmp(uri, g_ptr_array_index(d->user_uris, i)))
            return TRUE;
    return FALSE;
}

int crtk_dictionary_count(const crtk_dictionary *d)
{
    return (int)d->items->len;
}

const crtk_item *crtk_dictionary_item(const crtk_dictionary *d, int index)
{
    if (index < 0 || (guint)index >= d->items->len)
        return NULL;
    return g_ptr_array_index(d->items, index);
}

gboolean crtk_dictionary_has_flat_layout(const crtk_dictionary *d)
{
    return d->version <= 180;
}

int crtk_dictionary_flat_length(const crtk_dictionary *d, unsigned record_type)
{
    if (!crtk_dictionary_has_flat_layout(d))
        return 0;
    int len = 0;
    for (guint i = 0; i < d->items->len; i++) {
        const crtk_item *it = g_ptr_array_index(d->items, i);
        if (it->start_column && (it->record_types & record_type))
            len = MAX(len, it->start_column + it->length - 1);
    }
    return len;
}
