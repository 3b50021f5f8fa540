/* dictionary_xml.c — reads user dictionaries in NAACCR dictionary XML (see dictionary.h).
 *
 * States publish their own items as NAACCR dictionary XML: a NaaccrDictionary
 * root with dictionaryUri, naaccrVersion and specificationVersion, and
 * ItemDef elements inside ItemDefs.  This reader is tolerant of layout (any
 * attribute order and spacing, a missing namespace is only a warning) and
 * strict about content: every ItemDef must have a valid naaccrId, number,
 * level, length, type, padding and record types, with no duplicates.
 */
#include "dictionary_private.h"
#include "xml_scan.h"

#include <stdlib.h>
#include <string.h>

#define NAACCR_NS "http://naaccr.org/naaccrxml"

typedef struct {
    const char *name;
    crtk_problem_fn fn;
    void *user;
    int errors;
} reporter;

static void report(reporter *r, crtk_severity sev, crtk_problem_code code, long line, long col, const char *item,
                   const char *fmt, ...) G_GNUC_PRINTF(7, 8);
static void report(reporter *r, crtk_severity sev, crtk_problem_code code, long line, long col, const char *item,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (sev != CRTK_SEVERITY_WARNING)
        r->errors++;
    if (r->fn) {
        crtk_problem p = {.code = code, .severity = sev, .file = r->name, .line = line, .column = col,
                          .item = item, .message = msg};
        r->fn(&p, r->user);
    }
    g_free(msg);
}

static char *attr_dup(const crtk_xml_token *t, const char *name)
{
    for (int i = 0; i < t->n_attrs; i++) {
        const crtk_xml_attr *a = &t->attrs[i];
        if (!a->is_xmlns && a->local_len == strlen(name) && memcmp(a->local, name, a->local_len) == 0)
            return g_strndup(a->value, a->value_len);
    }
    return NULL;
}

static gboolean valid_id(const char *id)
{
    if (!(id[0] >= 'a' && id[0] <= 'z'))
        return FALSE;
    size_t n = strlen(id);
    if (n < 2 || n > 50)
        return FALSE;
    for (const char *p = id; *p; p++)
        if (!g_ascii_isalnum(*p))
            return FALSE;
    return TRUE;
}

static gboolean parse_int(const char *s, int *out)
{
    if (!s || !*s)
        return FALSE;
    char *end;
    long v = strtol(g_strstrip((char *)s), &end, 10);
    if (*end || v < 0 || v > 1000000)
        return FALSE;
    *out = (int)v;
    return TRUE;
}

static void item_def(crtk_user_dictionary *ud, reporter *r, const crtk_xml_token *t, GHashTable *ids,
                     GHashTable *numbers, double spec)
{
    static const char *const known[] = {"naaccrId", "naaccrNum", "naaccrName", "parentXmlElement", "length",
                                        "dataType", "padding", "trim", "recordTypes", "startColumn",
                                        "allowUnlimitedText", "sourceOfStandard", "regexValidation", NULL};
    for (int i = 0; i < t->n_attrs; i++) {
        const crtk_xml_attr *a = &t->attrs[i];
        if (a->is_xmlns || a->ns)
            continue;
        gboolean ok = FALSE;
        for (int k = 0; known[k]; k++)
            if (a->local_len == strlen(known[k]) && memcmp(a->local, known[k], a->local_len) == 0)
                ok = TRUE;
        if (!ok)
            report(r, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_DICTIONARY, a->line, a->column, NULL,
                   "ItemDef attribute %.*s is not part of the standard; ignored", (int)a->qname_len, a->qname);
    }
    char *id = attr_dup(t, "naaccrId"), *num = attr_dup(t, "naaccrNum"), *name = attr_dup(t, "naaccrName");
    char *parent = attr_dup(t, "parentXmlElement"), *length = attr_dup(t, "length");
    char *type = attr_dup(t, "dataType"), *padding = attr_dup(t, "padding"), *trim = attr_dup(t, "trim");
    char *rts = attr_dup(t, "recordTypes"), *start = attr_dup(t, "startColumn");
    char *unlimited = attr_dup(t, "allowUnlimitedText");
    crtk_item it = {0};
    const char *label = id ? id : "(no naaccrId)";
    int before = r->errors;
    if (!id || !valid_id(id))
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, id,
               "naaccrId must start with a lower-case letter and hold only letters and digits (2-50)");
    else if (spec >= 1.4 && strlen(id) > 32)
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, id,
               "naaccrId is longer than 32 characters (specification 1.4 and later)");
    else if (g_hash_table_contains(ids, id))
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, id,
               "naaccrId is defined twice in this dictionary");
    if (!parse_int(num, &it.number))
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, label,
               "naaccrNum must be a whole number");
    else if (g_hash_table_contains(numbers, GINT_TO_POINTER(it.number)))
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, label,
               "naaccrNum %d is used twice in this dictionary", it.number);
    if (!parent || !crtk_parse_level(g_strstrip(parent), &it.level))
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, label,
               "parentXmlElement must be NaaccrData, Patient or Tumor");
    if (!parse_int(length, &it.length) || it.length < 1)
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, label,
               "length must be a positive whole number");
    if (!crtk_parse_data_type(type ? g_strstrip(type) : "", &it.type))
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, label,
               "dataType %s is not one of text, digits, alpha, mixed, numeric, date, dateTime", type);
    if (!crtk_parse_padding(padding ? g_strstrip(padding) : "", &it.padding))
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, label,
               "padding %s is not one of none, rightBlank, leftBlank, rightZero, leftZero", padding);
    if (!crtk_parse_record_types(rts ? g_strstrip(rts) : "", &it.record_types))
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, label,
               "recordTypes must be a comma list of A, M, C, I");
    /* An empty trim="" is the default, as an empty dataType or padding is (the Idaho registry writes them). */
    if (trim && *g_strstrip(trim) && strcmp(trim, "all") && strcmp(trim, "none"))
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, label,
               "trim must be all or none");
    if (start && !parse_int(start, &it.start_column))
        report(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t->line, t->column, label,
               "startColumn must be a whole number");
    if (r->errors == before) {
        crtk_item *p = g_new(crtk_item, 1);
        *p = it;
        p->id = g_string_chunk_insert_const(ud->strings, id);
        p->name = g_string_chunk_insert_const(ud->strings, name ? name : id);
        p->trim_none = trim && !strcmp(trim, "none");
        p->unlimited_text = unlimited && !strcmp(g_strstrip(unlimited), "true");
        p->user_defined = TRUE;
        p->index = (int)ud->items->len;
        g_ptr_array_add(ud->items, p);
        g_hash_table_add(ids, g_strdup(id));
        g_hash_table_add(numbers, GINT_TO_POINTER(it.number));
    }
    g_free(id), g_free(num), g_free(name), g_free(parent), g_free(length), g_free(type);
    g_free(padding), g_free(trim), g_free(rts), g_free(start), g_free(unlimited);
}

crtk_user_dictionary *crtk_user_dictionary_parse(const char *data, size_t len, const char *name,
                                                 crtk_problem_fn on_problem, void *user, GError **error)
{
    reporter r = {name, on_problem, user, 0};
    crtk_in *in = crtk_in_open_memory(data, len);
    crtk_xml_scanner *sc = crtk_xml_scanner_new(in);
    crtk_xml_scanner_skip_space(sc, true);
    crtk_user_dictionary *ud = g_new0(crtk_user_dictionary, 1);
    ud->items = g_ptr_array_new_with_free_func(g_free);
    ud->strings = g_string_chunk_new(4096);
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *numbers = g_hash_table_new(g_direct_hash, g_direct_equal);
    crtk_xml_token t;
    double spec = 1.0;
    gboolean fatal = FALSE;
    for (;;) {
        crtk_xml_kind k = crtk_xml_next(sc, &t);
        if (k == CRTK_XML_EOF)
            break;
        if (k == CRTK_XML_ERROR) {
            long line, col;
            const char *msg = crtk_xml_scanner_error(sc, &line, &col);
            report(&r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_SYNTAX, line, col, NULL, "%s", msg);
            fatal = TRUE;
            break;
        }
        if (k == CRTK_XML_TEXT) {
            if (!crtk_xml_text_is_space(&t))
                report(&r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_STRUCTURE, t.line, t.column, NULL,
                       "unexpected text in a dictionary");
            continue;
        }
        if (k != CRTK_XML_START)
            continue;
        gboolean foreign = t.ns && strcmp(t.ns, NAACCR_NS) != 0;
        if (t.depth == 1) {
            if (t.local_len != 16 || memcmp(t.local, "NaaccrDictionary", 16) != 0) {
                report(&r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_STRUCTURE, t.line, t.column, NULL,
                       "the root element must be NaaccrDictionary, not %.*s", (int)t.qname_len, t.qname);
                fatal = TRUE;
                break;
            }
            if (!t.ns)
                report(&r, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_NAMESPACE, t.line, t.column, NULL,
                       "NaaccrDictionary should be in the namespace " NAACCR_NS);
            ud->uri = attr_dup(&t, "dictionaryUri");
            if (ud->uri)
                g_strstrip(ud->uri);
            char *v = attr_dup(&t, "naaccrVersion");
            char *s = attr_dup(&t, "specificationVersion");
            ud->description = attr_dup(&t, "description");
            if (!ud->uri || !*ud->uri)
                report(&r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t.line, t.column, NULL,
                       "NaaccrDictionary must have a dictionaryUri");
            if (v && *g_strstrip(v)) {
                ud->version = atoi(v);
                if (!crtk_naaccr_version_parse(v))
                    report(&r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DICTIONARY, t.line, t.column, NULL,
                           "naaccrVersion %s is not a NAACCR version crtk knows", v);
            }
            if (s) {
                ud->specification_version = g_strdup(g_strstrip(s));
                spec = g_ascii_strtod(s, NULL);
            }
            g_free(v);
            g_free(s);
        } else if (foreign) {
            continue; /* extensions are skipped */
        } else if (t.depth == 2 && t.local_len == 8 && memcmp(t.local, "ItemDefs", 8) == 0) {
            continue;
        } else if (t.depth == 3 && t.local_len == 7 && memcmp(t.local, "ItemDef", 7) == 0) {
            item_def(ud, &r, &t, ids, numbers, spec);
        } else if (t.depth == 2 && t.local_len == 15 && memcmp(t.local, "GroupedItemDefs", 15) == 0) {
            continue;
        } else if (t.depth == 3 && t.local_len == 14 && memcmp(t.local, "GroupedItemDef", 14) == 0) {
            report(&r, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_DICTIONARY, t.line, t.column, NULL,
                   "grouped items are not allowed in user dictionaries; ignored");
        } else {
            report(&r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_STRUCTURE, t.line, t.column, NULL,
                   "unexpected element %.*s in a dictionary", (int)t.qname_len, t.qname);
        }
    }
    g_hash_table_destroy(ids);
    g_hash_table_destroy(numbers);
    crtk_xml_scanner_free(sc);
    crtk_in_close(in);
    if (fatal || r.errors > 0 || !ud->uri) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: not a usable NAACCR dictionary (%d problem%s)", name,
                    MAX(r.errors, 1), r.errors == 1 ? "" : "s");
        crtk_user_dictionary_free(ud);
        return NULL;
    }
    return ud;
}

crtk_user_dictionary *crtk_user_dictionary_load(const char *path, crtk_problem_fn on_problem, void *user,
                                                GError **error)
{
    char *data;
    size_t len;
    if (!crtk_read_whole_file(path, &data, &len, error))
        return NULL;
    crtk_user_dictionary *ud = crtk_user_dictionary_parse(data, len, path, on_problem, user, error);
    g_free(data);
    return ud;
}

void crtk_user_dictionary_free(crtk_user_dictionary *ud)
{
    if (!ud)
        return;
    g_free(ud->uri);
    g_free(ud->specification_version);
    g_free(ud->description);
    g_ptr_array_free(ud->items, TRUE);
    g_string_chunk_free(ud->strings);
    g_free(ud);
}

const char *crtk_user_dictionary_uri(const crtk_user_dictionary *ud)
{
    return ud->uri;
}

int crtk_user_dictionary_version(const crtk_user_dictionary *ud)
{
    return ud->version;
}

int crtk_user_dictionary_count(const crtk_user_dictionary *ud)
{
    return (int)ud->items->len;
}

const crtk_item *crtk_user_dictionary_item(const crtk_user_dictionary *ud, int i)
{
    return g_ptr_array_index(ud->items, i);
}
