/* convert.c — version-to-version and record-type conversion of NAACCR records (see convert.h). */
#include "convert.h"

#include <string.h>

typedef enum { MAP_DROP_UNKNOWN, MAP_DROP_RECORD_TYPE, MAP_DROP_LEVEL, MAP_SAME, MAP_TO_PATIENT, MAP_TO_TUMORS } map_kind;
typedef enum { VALUE_AS_IS, VALUE_DATE_TO_DATETIME, VALUE_DATETIME_TO_DATE, VALUE_SEX_TO_SAB } value_rule;

typedef struct {
    map_kind kind;
    int target;          /* target item index or -1 */
    value_rule rule;
    const char *how;     /* "renamed", "by number", ... for the report */
    long count;          /* values affected */
    long changed;        /* values rewritten */
    long inconsistent;   /* Tumor->Patient moves whose tumors disagreed */
    long too_long;       /* values longer than the target item holds (dropped) */
    long bad_type;       /* values kept that do not match the target item's data type */
    int target_length;   /* the target item's length, 0 when unlimited */
    const crtk_item *target_item;
} item_map;

struct crtk_converter {
    crtk_dictionary *from, *to;
    unsigned record_type;
    item_map *map;       /* per source item index */
    int n;
    gboolean identity;
    long dropped;
};

static const struct {
    const char *from, *to;
} replacements[] = {
    {"sex", "sexAssignedAtBirth"},
    {"sexAssignedAtBirth", "sex"},
    {NULL, NULL}};

crtk_converter *crtk_converter_new(crtk_dictionary *from, crtk_dictionary *to, unsigned record_type)
{
    crtk_converter *c = g_new0(crtk_converter, 1);
    c->from = crtk_dictionary_ref(from);
    c->to = crtk_dictionary_ref(to);
    c->record_type = record_type;
    c->n = crtk_dictionary_count(from);
    c->map = g_new0(item_map, c->n);
    c->identity = from == to;
    for (int i = 0; i < c->n; i++) {
        const crtk_item *s = crtk_dictionary_item(from, i);
        item_map *m = &c->map[i];
        m->target = -1;
        const crtk_item *t = crtk_dictionary_find(to, s->id);
        if (!t) {
            for (int k = 0; replacements[k].from; k++)
                if (!strcmp(s->id, replacements[k].from) && !crtk_dictionary_find(to, s->id)) {
                    t = crtk_dictionary_find(to, replacements[k].to);
                    if (t) {
                        m->how = "replaced";
                        if (!strcmp(s->id, "sex"))
                            m->rule = VALUE_SEX_TO_SAB;
                    }
                }
        }
        if (!t) {
            const crtk_item *by_num = crtk_dictionary_find_number(to, s->number);
            if (by_num && !crtk_dictionary_find(from, by_num->id)) {
                t = by_num;
                m->how = "renamed";
            }
        }
        if (!t) {
            m->kind = MAP_DROP_UNKNOWN;
            c->identity = FALSE;
            continue;
        }
        m->target = t->index;
        m->target_length = t->unlimited_text ? 0 : t->length;
        /* Re-check values only where the definition changed (checking every value would cost). */
        if (t->type != s->type || t->length != s->length)
            m->target_item = t;
        if (!(t->record_types & record_type)) {
            m->kind = MAP_DROP_RECORD_TYPE;
            c->identity = FALSE;
            continue;
        }
        if (s->type == CRTK_TYPE_DATE && t->type == CRTK_TYPE_DATETIME)
            m->rule = VALUE_DATE_TO_DATETIME;
        else if (s->type == CRTK_TYPE_DATETIME && t->type == CRTK_TYPE_DATE)
            m->rule = VALUE_DATETIME_TO_DATE;
        if (s->level == t->level)
            m->kind = MAP_SAME;
        else if (s->level == CRTK_LEVEL_TUMOR && t->level == CRTK_LEVEL_PATIENT)
            m->kind = MAP_TO_PATIENT;
        else if (s->level == CRTK_LEVEL_PATIENT && t->level == CRTK_LEVEL_TUMOR)
            m->kind = MAP_TO_TUMORS;
        else
            m->kind = MAP_DROP_LEVEL;
        if (m->kind != MAP_SAME || m->rule != VALUE_AS_IS || t->index != s->index)
            c->identity = FALSE;
    }
    return c;
}

void crtk_converter_free(crtk_converter *c)
{
    if (!c)
        return;
    crtk_dictionary_unref(c->from);
    crtk_dictionary_unref(c->to);
    g_free(c->map);
    g_free(c);
}

gboolean crtk_converter_is_identity(const crtk_converter *c)
{
    return c->identity;
}

crtk_dictionary *crtk_converter_target(const crtk_converter *c)
{
    return c->to;
}

long crtk_converter_dropped(const crtk_converter *c)
{
    return c->dropped;
}

/* Rewrites a value by its rule into buf; returns the value to store. */
static const char *apply_rule(item_map *m, const char *v, size_t len, char *buf, size_t *out_len)
{
    *out_len = len;
    switch (m->rule) {
    case VALUE_DATE_TO_DATETIME:
        if (len == 8 || len == 6) {
            size_t n = 0;
            memcpy(buf, v, 4);
            n = 4;
            buf[n++] = '-';
            memcpy(buf + n, v + 4, 2);
            n += 2;
            if (len == 8) {
                buf[n++] = '-';
                memcpy(buf + n, v + 6, 2);
                n += 2;
            }
            *out_len = n;
            m->changed++;
            return buf;
        }
        return v;
    case VALUE_DATETIME_TO_DATE: {
        size_t n = 0;
        for (size_t i = 0; i < len && i < 10 && n < 8; i++)
            if (v[i] >= '0' && v[i] <= '9')
                buf[n++] = v[i];
        if (n == 4 || n == 6 || n == 8) {
            *out_len = n;
            m->changed++;
            return buf;
        }
        return v;
    }
    case VALUE_SEX_TO_SAB:
        /* sex codes: 1 male, 2 female, 3 intersex/DSD, 4 transsexual NOS, 5 natal male, 6 natal female, 9 unknown;
           sexAssignedAtBirth: 1 male, 2 female, 9 unknown. */
        if (len == 1) {
            char o = v[0];
            char n = o == '1' || o == '5' ? '1' : o == '2' || o == '6' ? '2' : '9';
            if (n != o)
                m->changed++;
            buf[0] = n;
            *out_len = 1;
            return buf;
        }
        return v;
    default:
        return v;
    }
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static void put(crtk_converter *c, item_map *m, crtk_element *dst, const char *v, size_t len)
{
    char buf[64];
    size_t n;
    const char *w = apply_rule(m, v, len, buf, &n);
    if (m->target_length && n > (size_t)m->target_length && utf8_chars(w, n) > (size_t)m->target_length) {
        /* The target version's item is shorter: the value cannot be kept (and is never cut). */
        m->too_long++;
        c->dropped++;
        return;
    }
    if (m->target_item) {
        crtk_problem_code code;
        if (crtk_item_check_value(m->target_item, w, n, &code))
            m->bad_type++; /* kept as coded, and reported: the target's edits will show it */
    }
    crtk_element_set(dst, m->target, w, n);
}

static void convert_element(crtk_converter *c, const crtk_element *src, crtk_element *dst, crtk_record *rec,
                            const crtk_record *srec, gboolean is_patient)
{
    for (int k = 0; k < src->n_set; k++) {
        int idx = src->set[k];
        item_map *m = &c->map[idx];
        size_t len;
        const char *v = crtk_element_get(src, idx, &len);
        switch (m->kind) {
        case MAP_SAME:
            m->count++;
            put(c, m, dst, v, len);
            break;
        case MAP_TO_TUMORS:
            if (is_patient) {
                m->count++;
                for (int t = 0; t < rec->n_tumors; t++)
                    if (!crtk_element_has(&rec->tumors[t], m->target))
                        put(c, m, &rec->tumors[t], v, len);
            }
            break;
        case MAP_TO_PATIENT:
            if (!is_patient) {
                m->count++;
                if (!crtk_element_has(&rec->patient, m->target)) {
                    put(c, m, &rec->patient, v, len);
                } else {
                    size_t have_len;
                    const char *have = crtk_element_get(&rec->patient, m->target, &have_len);
                    if (have_len != len || memcmp(have, v, len) != 0)
                        m->inconsistent++;
                }
            }
            break;
        default:
            m->count++;
            c->dropped++;
            break;
        }
    }
    (void)srec;
}

void crtk_converter_record(crtk_converter *c, const crtk_record *src, crtk_record *dst)
{
    crtk_record_clear(dst);
    dst->ordinal = src->ordinal;
    for (int t = 0; t < src->n_tumors; t++)
        crtk_record_add_tumor(dst);
    /* Tumors first, so that Tumor->Patient moves take the first tumor's value... */
    for (int t = 0; t < src->n_tumors; t++) {
        convert_element(c, &src->tumors[t], &dst->tumors[t], dst, src, FALSE);
        if (src->tumors[t].extensions && src->tumors[t].extensions->len)
            crtk_element_add_extension(&dst->tumors[t], src->tumors[t].extensions->str, src->tumors[t].extensions->len);
    }
    /* ...unless the patient itself still holds the item: a real Patient value wins. */
    convert_element(c, &src->patient, &dst->patient, dst, src, TRUE);
    if (src->patient.extensions && src->patient.extensions->len)
        crtk_element_add_extension(&dst->patient, src->patient.extensions->str, src->patient.extensions->len);
}

crtk_header *crtk_converter_header(crtk_converter *c, const crtk_header *src)
{
    crtk_header *h = crtk_header_new(c->to, c->record_type);
    h->specification_version = g_strdup(src->specification_version);
    h->time_generated = g_strdup(src->time_generated);
    for (guint i = 0; i < src->extra_attributes->len; i++)
        g_ptr_array_add(h->extra_attributes, g_strdup(g_ptr_array_index(src->extra_attributes, i)));
    for (int k = 0; k < src->root.n_set; k++) {
        int idx = src->root.set[k];
        item_map *m = &c->map[idx];
        size_t len;
        const char *v = crtk_element_get(&src->root, idx, &len);
        m->count++;
        if (m->kind == MAP_SAME)
            put(c, m, &h->root, v, len);
        else
            c->dropped++;
    }
    if (src->root.extensions && src->root.extensions->len)
        crtk_element_add_extension(&h->root, src->root.extensions->str, src->root.extensions->len);
    return h;
}

static void say(const char *file, crtk_problem_fn fn, void *user, const char *item, char *msg)
{
    crtk_problem p = {.code = CRTK_PROBLEM_CONVERSION, .severity = CRTK_SEVERITY_WARNING, .file = file,
                      .item = item, .message = msg};
    fn(&p, user);
    g_free(msg);
}

void crtk_converter_report(const crtk_converter *c, const char *file, crtk_problem_fn fn, void *user)
{
    int to_v = crtk_dictionary_version(c->to);
    for (int i = 0; i < c->n; i++) {
        const item_map *m = &c->map[i];
        if (!m->count)
            continue;
        const crtk_item *s = crtk_dictionary_item(c->from, i);
        const crtk_item *t = m->target >= 0 ? crtk_dictionary_item(c->to, m->target) : NULL;
        switch (m->kind) {
        case MAP_DROP_UNKNOWN:
            say(file, fn, user, s->id,
                g_strdup_printf("NAACCR %d has no item %s (#%d): %ld value%s dropped", to_v, s->id, s->number,
                                m->count, m->count == 1 ? "" : "s"));
            break;
        case MAP_DROP_RECORD_TYPE:
            say(file, fn, user, s->id,
                g_strdup_printf("%s is not part of record type %c: %ld value%s left out", s->id,
                                crtk_record_type_letter(c->record_type), m->count, m->count == 1 ? "" : "s"));
            break;
        case MAP_DROP_LEVEL:
            say(file, fn, user, s->id,
                g_strdup_printf("%s moved from %s to %s level in NAACCR %d: %ld value%s dropped", s->id,
                                crtk_level_name(s->level), crtk_level_name(t->level), to_v, m->count,
                                m->count == 1 ? "" : "s"));
            break;
        case MAP_TO_PATIENT: {
            char *extra = m->inconsistent
                              ? g_strdup_printf("; %ld tumor values differed and were not kept", m->inconsistent)
                              : g_strdup("");
            say(file, fn, user, s->id,
                g_strdup_printf("%s is a Patient item in NAACCR %d: moved from Tumor level (first tumor's value)%s",
                                s->id, to_v, extra));
            g_free(extra);
            break;
        }
        case MAP_TO_TUMORS:
            say(file, fn, user, s->id,
                g_strdup_printf("%s is a Tumor item in NAACCR %d: copied from Patient level to every tumor", s->id,
                                to_v));
            break;
        default:
            break;
        }
        if (m->too_long)
            say(file, fn, user, s->id,
                g_strdup_printf("%s is only %d characters long in NAACCR %d: %ld longer value%s dropped (not cut)",
                                t ? t->id : s->id, m->target_length, to_v, m->too_long, m->too_long == 1 ? "" : "s"));
        if (m->bad_type)
            say(file, fn, user, s->id,
                g_strdup_printf("%s is %s of length %d in NAACCR %d: %ld value%s kept as coded but not valid there",
                                t ? t->id : s->id, t ? crtk_data_type_name(t->type) : "?", t ? t->length : 0, to_v,
                                m->bad_type, m->bad_type == 1 ? "" : "s"));
        if (m->kind == MAP_SAME && m->how) {
            char *extra = m->changed ? g_strdup_printf(", %ld recoded", m->changed) : g_strdup("");
            say(file, fn, user, s->id,
                g_strdup_printf("%s %s as %s (#%d) in NAACCR %d: %ld value%s%s", s->id, m->how, t->id, t->number, to_v,
                                m->count, m->count == 1 ? "" : "s", extra));
            g_free(extra);
        }
        else if (m->kind == MAP_SAME && m->changed)
            say(file, fn, user, s->id,
                g_strdup_printf("%s changed from %s to %s: %ld value%s rewritten", s->id,
                                crtk_data_type_name(s->type), crtk_data_type_name(t->type), m->changed,
                                m->changed == 1 ? "" : "s"));
    }
}

int crtk_converter_target_of(const crtk_converter *c, int source_index)
{
    if (c->identity)
        return source_index;
    if (source_index < 0 || source_index >= c->n)
        return -1;
    return c->map[source_index].target;
}
