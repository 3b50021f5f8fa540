/* naaccr_xml_read.c — the streaming NAACCR XML reader (see naaccr_read.h).
 *
 * Drives the XML scanner through the structure of the standard:
 *
 *   NaaccrData (attributes; Items; extensions; Patients)
 *     Patient (Items; extensions; Tumors)
 *       Tumor (Items; extensions)
 *
 * and checks what the standard asks of it: namespace, root attributes, known
 * items at the right level and allowed for the record type, no duplicate item
 * in one element, naaccrNum matching naaccrId, and each value's length and
 * data type.  Elements in other namespaces are extensions: kept (raw) or
 * skipped, never an error.  Problems of a patient are held until the patient
 * ends, so that each carries the patientIdNumber.
 */
#include "naaccr_read.h"
#include "xml_scan.h"
#include "record_private.h"

#include <stdlib.h>
#include <string.h>

#define NAACCR_NS "http://naaccr.org/naaccrxml"

typedef enum { IN_NONE, IN_ROOT, IN_PATIENT, IN_TUMOR } container;

typedef struct {
    crtk_problem p;
    char *message, *item;
} pending;

typedef struct {
    crtk_xml_scanner *sc;
    const char *name;
    const crtk_read_options *o;
    const crtk_read_handlers *h;
    void *user;
    crtk_read_stats *st;
    crtk_dictionary *dict;
    crtk_header *header;
    crtk_record *rec;
    gboolean header_sent;
    gboolean aborted;
    container where;
    crtk_element *cur;
    int phase[4];               /* per container: 0 items, 1 extensions, 2 children */
    /* the Item being read */
    gboolean in_item;
    const crtk_item *item;      /* NULL when the value is not kept */
    long item_line, item_col;
    GString *value;
    /* skipping or keeping a subtree (extension or bad element) */
    int skip_depth;             /* > 0: inside a subtree that started at this depth */
    gboolean keep_subtree;
    GString *ext;
    crtk_element *ext_target;
    /* item prediction: the item that followed each item last time (files repeat their order) */
    int *next_item;             /* per item index, -1 unknown */
    int first_item[3];          /* per level: the first item of an element */
    int prev_item;              /* index of the previous item in this element, -1 at its start */
    int pieces;                 /* text pieces of the current Item value */
    const char *naaccr_ns;      /* the scanner's string for the NAACCR namespace */
    const crtk_item **items;    /* the dictionary's items by index */
    /* duplicate detection */
    guint32 *seen;
    guint32 stamp;
    /* problems held until the patient ends */
    GArray *pending;
    int tumor_no;
    GHashTable *unknown_msgs;   /* id -> suggestion text */
    char *missing_user_dicts;   /* URIs named by the file that were not given */
    gboolean missing_reported;
    gboolean naaccr_is_default; /* NaaccrData in the NAACCR namespace */
} reader;

static int emit(reader *r, const crtk_problem *p)
{
    if (r->aborted)
        return 0; /* a handler said stop: no more calls */
    if (p->severity == CRTK_SEVERITY_WARNING)
        r->st->warnings++;
    else
        r->st->errors++;
    if (p->severity == CRTK_SEVERITY_FATAL)
        r->st->fatal = TRUE;
    if (r->h->problem && r->h->problem(p, r->user) == CRTK_ABORT)
        r->aborted = TRUE;
    return 0;
}

static void problem(reader *r, crtk_severity sev, crtk_problem_code code, long line, long col, const char *item,
                    const char *fmt, ...) G_GNUC_PRINTF(7, 8);
static void problem(reader *r, crtk_severity sev, crtk_problem_code code, long line, long col, const char *item,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    crtk_problem p = {.code = code, .severity = sev, .file = r->name, .line = line, .column = col, .item = item,
                      .message = msg};
    if (r->where >= IN_PATIENT && sev != CRTK_SEVERITY_FATAL) {
        p.patient = r->rec->ordinal;
        p.tumor = r->where == IN_TUMOR ? r->tumor_no : 0;
        pending pd = {p, msg, g_strdup(item)};
        pd.p.message = pd.message;
        pd.p.item = pd.item;
        g_array_append_val(r->pending, pd);
        return;
    }
    emit(r, &p);
    g_free(msg);
}

static void flush_pending(reader *r)
{
    const char *pid = r->rec ? crtk_record_patient_id(r->rec) : NULL;
    for (guint i = 0; i < r->pending->len; i++) {
        pending *pd = &g_array_index(r->pending, pending, i);
        pd->p.patient_id = pid && *pid ? pid : NULL;
        emit(r, &pd->p);
        g_free(pd->message);
        g_free(pd->item);
    }
    g_array_set_size(r->pending, 0);
}

static gboolean is_name(const crtk_xml_token *t, const char *name)
{
    size_t n = strlen(name);
    return t->local_len == n && memcmp(t->local, name, n) == 0;
}

static gboolean attr_is(const crtk_xml_attr *a, const char *name)
{
    size_t n = strlen(name);
    return a->local_len == n && memcmp(a->local, name, n) == 0;
}

/* Is the element one of the standard's (in the NAACCR namespace, or unqualified in relaxed mode)? */
static gboolean standard_element(reader *r, const crtk_xml_token *t)
{
    if (t->ns)
        return t->ns == r->naaccr_ns || strcmp(t->ns, NAACCR_NS) == 0;
    if (t->ns_unbound)
        return FALSE;
    return !r->naaccr_is_default; /* no namespace at all: only when the root had none (relaxed) */
}

static gboolean valid_time_generated(const char *s)
{
    /* xsd:dateTime: YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)? */
    GRegex *re = g_regex_new("^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:"
                             "([0-5][0-9]|60)(\\.[0-9]+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$",
                             0, 0, NULL);
    gboolean ok = g_regex_match(re, s, 0, NULL);
    g_regex_unref(re);
    return ok;
}

static const crtk_user_dictionary *find_user_dictionary(reader *r, const char *uri)
{
    if (!r->o->user_dictionaries)
        return NULL;
    for (guint i = 0; i < r->o->user_dictionaries->len; i++) {
        const crtk_user_dictionary *ud = g_ptr_array_index(r->o->user_dictionaries, i);
        if (!strcmp(crtk_user_dictionary_uri(ud), uri))
            return ud;
    }
    return NULL;
}

static void send_header(reader *r)
{
    if (r->header_sent || !r->header)
        return;
    r->header_sent = TRUE;
    if (r->h->header && r->h->header(r->header, r->user) == CRTK_ABORT)
        r->aborted = TRUE;
}

/* Reads the NaaccrData start tag.  Returns FALSE when reading cannot go on. */
static gboolean root_start(reader *r, const crtk_xml_token *t)
{
    if (!is_name(t, "NaaccrData")) {
        problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_STRUCTURE, t->line, t->column, NULL,
                "the root element must be NaaccrData, not <%.*s>", (int)t->qname_len, t->qname);
        return FALSE;
    }
    if (!t->ns) {
        r->naaccr_is_default = FALSE;
        problem(r, r->o->relaxed_namespace ? CRTK_SEVERITY_WARNING : CRTK_SEVERITY_ERROR, CRTK_PROBLEM_NAMESPACE,
                t->line, t->column, NULL,
                "NaaccrData is not in the NAACCR namespace; add xmlns=\"" NAACCR_NS "\"%s",
                r->o->relaxed_namespace ? "" : " (or read with --relaxed)");
    } else if (strcmp(t->ns, NAACCR_NS) != 0) {
        problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_NAMESPACE, t->line, t->column, NULL,
                "NaaccrData is in the namespace %s; NAACCR XML uses " NAACCR_NS, t->ns);
        return FALSE;
    } else {
        r->naaccr_is_default = TRUE;
        r->naaccr_ns = t->ns;
    }
    const char *base = NULL, *rt = NULL, *spec = NULL, *udu = NULL, *tg = NULL;
    char *vals[5] = {0};
    GPtrArray *extra = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < t->n_attrs; i++) {
        const crtk_xml_attr *a = &t->attrs[i];
        char *v = g_strndup(a->value, a->value_len);
        if (a->is_xmlns) {
            /* Keep declarations of other namespaces, so extensions can be written back. */
            if (!(a->value_len == strlen(NAACCR_NS) && memcmp(a->value, NAACCR_NS, a->value_len) == 0))
                g_ptr_array_add(extra, g_strdup_printf("%.*s=\"%s\"", (int)a->qname_len, a->qname, v));
            g_free(v);
            continue;
        }
        gboolean plain = a->ns == NULL && !a->ns_unbound && a->qname_len == a->local_len;
        int slot = -1;
        if (plain && attr_is(a, "baseDictionaryUri"))
            slot = 0;
        else if (plain && attr_is(a, "recordType"))
            slot = 1;
        else if (plain && attr_is(a, "specificationVersion"))
            slot = 2;
        else if (plain && attr_is(a, "userDictionaryUri"))
            slot = 3;
        else if (plain && attr_is(a, "timeGenerated"))
            slot = 4;
        if (slot >= 0) {
            vals[slot] = v;
            continue;
        }
        if (a->ns) {
            g_ptr_array_add(extra, g_strdup_printf("%.*s=\"%s\"", (int)a->qname_len, a->qname, v));
        } else {
            problem(r, r->o->relaxed_namespace ? CRTK_SEVERITY_WARNING : CRTK_SEVERITY_ERROR, CRTK_PROBLEM_ROOT_ATTRIBUTE,
                    a->line, a->column, NULL,
                    a->ns_unbound ? "attribute %.*s uses a namespace prefix that is not declared"
                                  : "attribute %.*s is not a NaaccrData attribute; extra attributes must be in their own namespace",
                    (int)a->qname_len, a->qname);
        }
        g_free(v);
    }
    base = vals[0], rt = vals[1], spec = vals[2], udu = vals[3], tg = vals[4];
    gboolean ok = TRUE;
    int version = 0;
    if (!base) {
        problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_ROOT_ATTRIBUTE, t->line, t->column, NULL,
                "NaaccrData must have a baseDictionaryUri (which names the NAACCR version)");
        ok = FALSE;
    } else if (!(version = crtk_naaccr_version_from_uri(base))) {
        problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_DICTIONARY, t->line, t->column, NULL,
                "baseDictionaryUri %s is not a NAACCR base dictionary crtk knows (versions 140-260)", base);
        ok = FALSE;
    }
    unsigned record_type = 0;
    if (ok) {
        if (!rt) {
            problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_ROOT_ATTRIBUTE, t->line, t->column, NULL,
                    "NaaccrData must have a recordType (A, M, C or I); reading as A");
            record_type = CRTK_RT_A;
        } else if (!(record_type = crtk_record_type_parse(rt))) {
            problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_ROOT_ATTRIBUTE, t->line, t->column, NULL,
                    "recordType %s is not A, M, C or I; reading as A", rt);
            record_type = CRTK_RT_A;
        }
        double specv = 1.0;
        if (!spec) {
            problem(r, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_ROOT_ATTRIBUTE, t->line, t->column, NULL,
                    "no specificationVersion; taken as 1.0 (required from specification 1.5 on)");
        } else {
            static const char *const specs[] = {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", NULL};
            gboolean known = FALSE;
            for (int i = 0; specs[i]; i++)
                if (!strcmp(spec, specs[i]))
                    known = TRUE;
            if (!known)
                problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_ROOT_ATTRIBUTE, t->line, t->column, NULL,
                        "specificationVersion %s is not one of 1.0 to 1.8", spec);
            else
                specv = g_ascii_strtod(spec, NULL);
        }
        if (tg && !valid_time_generated(tg))
            problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_ROOT_ATTRIBUTE, t->line, t->column, NULL,
                    "timeGenerated %s is not a valid date and time (such as 2024-08-23T09:11:35-04:00)", tg);
        GError *err = NULL;
        r->dict = crtk_dictionary_new(version, &err);
        if (!r->dict) {
            problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_DICTIONARY, t->line, t->column, NULL, "%s", err->message);
            g_error_free(err);
            ok = FALSE;
        }
        if (ok && udu) {
            gchar **uris = g_regex_split_simple("\\s+", g_strstrip(vals[3]), 0, 0);
            int n = 0;
            GString *missing = g_string_new(NULL);
            for (gchar **u = uris; *u; u++) {
                if (!**u)
                    continue;
                n++;
                if (crtk_dictionary_has_uri(r->dict, *u))
                    continue;
                const crtk_user_dictionary *ud = find_user_dictionary(r, *u);
                if (!ud) {
                    if (missing->len)
                        g_string_append_c(missing, ' ');
                    g_string_append(missing, *u);
                    continue;
                }
                if (!crtk_dictionary_add_user(r->dict, ud, &err)) {
                    problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_DICTIONARY, t->line, t->column, NULL, "%s",
                            err->message);
                    g_clear_error(&err);
                    ok = FALSE;
                }
            }
            if (n > 1 && specv < 1.2)
                problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_ROOT_ATTRIBUTE, t->line, t->column, NULL,
                        "several userDictionaryUri values need specificationVersion 1.2 or later");
            if (missing->len)
                r->missing_user_dicts = g_string_free(missing, FALSE);
            else
                g_string_free(missing, TRUE);
            g_strfreev(uris);
        }
        /* User dictionaries given but not named by the file are used too: many files carry state items
           without naming their dictionary. */
        if (ok && r->o->user_dictionaries)
            for (guint i = 0; i < r->o->user_dictionaries->len; i++) {
                const crtk_user_dictionary *ud = g_ptr_array_index(r->o->user_dictionaries, i);
                int uv = crtk_user_dictionary_version(ud);
                if (uv && uv != version)
                    continue;
                if (!crtk_dictionary_add_user(r->dict, ud, &err)) {
                    problem(r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_DICTIONARY, t->line, t->column, NULL, "%s",
                            err->message);
                    g_clear_error(&err);
                    ok = FALSE;
                }
            }
    }
    if (ok) {
        r->header = crtk_header_new(r->dict, record_type);
        r->header->specification_version = g_strdup(spec);
        r->header->time_generated = g_strdup(tg);
        r->header->user_dictionary_uris = g_strdup(udu);
        for (guint i = 0; i < extra->len; i++)
            g_ptr_array_add(r->header->extra_attributes, g_strdup(g_ptr_array_index(extra, i)));
        r->header->root.line = t->line;
        r->rec = crtk_record_new(r->dict);
        int n = crtk_dictionary_count(r->dict);
        r->seen = g_new0(guint32, n);
        r->next_item = g_new(int, n);
        r->items = g_new(const crtk_item *, n);
        for (int i = 0; i < n; i++)
            r->items[i] = crtk_dictionary_item(r->dict, i);
        for (int i = 0; i < n; i++)
            r->next_item[i] = -1;
        r->first_item[0] = r->first_item[1] = r->first_item[2] = -1;
        r->prev_item = -1;
        r->cur = &r->header->root;
        r->where = IN_ROOT;
        r->stamp++;
    }
    g_ptr_array_free(extra, TRUE);
    for (int i = 0; i < 5; i++)
        g_free(vals[i]);
    return ok;
}

static void unknown_item(reader *r, long line, long column, const char *id, size_t id_len)
{
    char *key = g_strndup(id, id_len);
    const char *hint = g_hash_table_lookup(r->unknown_msgs, key);
    if (!hint) {
        GString *s = g_string_new(NULL);
        GPtrArray *sug = crtk_dictionary_suggest(r->dict, key, 3);
        if (sug->len) {
            g_string_append(s, "; did you mean ");
            for (guint i = 0; i < sug->len; i++)
                g_string_append_printf(s, "%s%s", i ? (i + 1 == sug->len ? " or " : ", ") : "",
                                       (char *)g_ptr_array_index(sug, i));
            g_string_append_c(s, '?');
        }
        g_ptr_array_free(sug, TRUE);
        if (r->missing_user_dicts)
            g_string_append_printf(s, " The file names user dictionary %s, which crtk was not given "
                                      "(use --user-dictionary FILE).", r->missing_user_dicts);
        hint = s->str;
        g_hash_table_insert(r->unknown_msgs, g_strdup(key), g_string_free(s, FALSE));
        hint = g_hash_table_lookup(r->unknown_msgs, key);
    }
    if (r->missing_user_dicts)
        r->missing_reported = TRUE;
    problem(r, r->o->ignore_unknown ? CRTK_SEVERITY_WARNING : CRTK_SEVERITY_ERROR, CRTK_PROBLEM_UNKNOWN_ITEM, line,
            column, key, "unknown item: NAACCR %d has no naaccrId \"%s\"%s", crtk_dictionary_version(r->dict), key,
            hint);
    g_free(key);
}

/* Most files write items in the same order every time: the item that followed the previous one
 * last time (or came first in this kind of element), the slot that remembers it. */
static inline int *guess_slot(reader *r)
{
    crtk_level lv = r->where == IN_ROOT ? CRTK_LEVEL_ROOT : r->where == IN_PATIENT ? CRTK_LEVEL_PATIENT
                                                                                   : CRTK_LEVEL_TUMOR;
    return r->prev_item >= 0 ? &r->next_item[r->prev_item] : &r->first_item[lv];
}

/* Finds the item of an Item element (known: the caller found it already) and checks where it stands;
 * sets r->item when its value is kept. */
static void item_begin(reader *r, const crtk_item *known, const char *id, size_t id_len, const char *num,
                       size_t num_len)
{
    long line = r->item_line, column = r->item_col;
    int *slot = guess_slot(r);
    const crtk_item *it = known;
    if (!it && *slot >= 0) {
        const crtk_item *guess = r->items[*slot];
        if (guess->id_len == id_len && memcmp(guess->id, id, id_len) == 0)
            it = guess;
    }
    if (!it) {
        it = crtk_dictionary_find_len(r->dict, id, id_len);
        if (it)
            *slot = it->index;
    }
    if (it)
        r->prev_item = it->index;
    if (!it) {
        unknown_item(r, line, column, id, id_len);
        return;
    }
    if (num) {
        gboolean digits = num_len > 0 && num_len < 9;
        int n = 0;
        for (size_t i = 0; i < num_len && digits; i++) {
            if (num[i] < '0' || num[i] > '9')
                digits = FALSE;
            else
                n = n * 10 + (num[i] - '0');
        }
        if (!digits || n != it->number)
            problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_WRONG_NUMBER, line, column, it->id,
                    "naaccrNum %.*s does not match %s, which is item %d", (int)num_len, num, it->id, it->number);
    }
    crtk_level level = r->where == IN_ROOT ? CRTK_LEVEL_ROOT : r->where == IN_PATIENT ? CRTK_LEVEL_PATIENT
                                                                                      : CRTK_LEVEL_TUMOR;
    if (it->level != level) {
        problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_WRONG_LEVEL, line, column, it->id,
                "%s is a %s item, found in %s; its value is ignored", it->id, crtk_level_name(it->level),
                crtk_level_name(level));
        return;
    }
    if (!(it->record_types & r->header->record_type)) {
        char buf[8];
        problem(r, r->o->ignore_unknown ? CRTK_SEVERITY_WARNING : CRTK_SEVERITY_ERROR, CRTK_PROBLEM_RECORD_TYPE,
                line, column, it->id,
                "%s is not part of record type %c (only %s); its value is ignored", it->id,
                crtk_record_type_letter(r->header->record_type), crtk_record_types_format(it->record_types, buf));
        return;
    }
    if (r->seen[it->index] == r->stamp) {
        problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_DUPLICATE_ITEM, line, column, it->id,
                "%s appears twice in the same %s; the first value is kept", it->id, crtk_level_name(level));
        return;
    }
    r->seen[it->index] = r->stamp;
    r->item = it;
}


static void item_start(reader *r, const crtk_xml_token *t)
{
    r->in_item = TRUE;
    r->item = NULL;
    r->pieces = 0;
    r->item_line = t->line;
    r->item_col = t->column;
    g_string_truncate(r->value, 0);
    crtk_xml_scanner_skip_space(r->sc, false);
    const char *id = NULL, *num = NULL;
    size_t id_len = 0, num_len = 0;
    for (int i = 0; i < t->n_attrs; i++) {
        const crtk_xml_attr *a = &t->attrs[i];
        if (a->is_xmlns)
            continue;
        if (!a->ns && attr_is(a, "naaccrId") && a->qname_len == 8) {
            id = a->value;
            id_len = a->value_len;
        } else if (!a->ns && attr_is(a, "naaccrNum") && a->qname_len == 9) {
            num = a->value;
            num_len = a->value_len;
        } else if (!a->ns) {
            problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_STRUCTURE, a->line, a->column, NULL,
                    "Item has no attribute %.*s (only naaccrId and naaccrNum)", (int)a->qname_len, a->qname);
        }
    }
    if (!id) {
        problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_STRUCTURE, t->line, t->column, NULL,
                "Item without naaccrId; its value is ignored");
        return;
    }
    item_begin(r, NULL, id, id_len, num, num_len);
}
/* Checks the value kept for it (v, vlen bytes) against its data type and length. */
static void check_kept_value(reader *r, const crtk_item *it, const char *v, size_t vlen)
{
    crtk_problem_code code;
    const char *why = crtk_item_check_value(it, v, vlen, &code);
    if (!why)
        return;
    char *shown = vlen > 60 ? g_strdup_printf("%.57s...", v) : g_strndup(v, vlen);
    if (code == CRTK_PROBLEM_TOO_LONG)
        problem(r, CRTK_SEVERITY_ERROR, code, r->item_line, r->item_col, it->id, "value \"%s\" is %lu characters; %s allows %d",
                shown, (unsigned long)g_utf8_strlen(v, (gssize)vlen), it->id, it->length);
    else
        problem(r, CRTK_SEVERITY_ERROR, code, r->item_line, r->item_col, it->id, "value \"%s\": %s", shown, why);
    g_free(shown);
}

static void item_end(reader *r)
{
    r->in_item = FALSE;
    crtk_xml_scanner_skip_space(r->sc, true);
    const crtk_item *it = r->item;
    if (!it || r->pieces == 0)
        return;
    if (r->pieces > 1)
        crtk_element_set(r->cur, it->index, r->value->str, r->value->len);
    size_t vlen;
    const char *v = crtk_element_get(r->cur, it->index, &vlen);
    if (v && r->o->check_values)
        check_kept_value(r, it, v, vlen);
}

static void begin_subtree(reader *r, const crtk_xml_token *t, gboolean keep, crtk_element *target)
{
    r->skip_depth = t->depth;
    r->keep_subtree = keep && target != NULL;
    r->ext_target = target;
    g_string_truncate(r->ext, 0);
    if (r->keep_subtree)
        g_string_append_len(r->ext, t->raw, (gssize)t->raw_len);
}

static inline void order_check(reader *r, int phase, const crtk_xml_token *t, const char *what)
{
    int *cur = &r->phase[r->where];
    if (*cur == phase)
        return;
    if (*cur > phase) {
        problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_STRUCTURE, t->line, t->column, NULL,
                "%s must come before %s in %s (the standard's order: Items, extensions, %s)", what,
                *cur == 2 ? (r->where == IN_ROOT ? "the Patients" : "the Tumors") : "extension elements",
                crtk_level_name((crtk_level)(r->where - 1)), r->where == IN_ROOT ? "Patients" : "Tumors");
    }
    if (*cur < phase)
        *cur = phase;
}

static void order_check_at(reader *r, long line, long column)
{
    if (r->phase[r->where] == 0)
        return;
    crtk_xml_token t = {.line = line, .column = column};
    order_check(r, 0, &t, "Items");
}

static void element_start(reader *r, const crtk_xml_token *t)
{
    if (t->empty == FALSE && 0)
        return;
    gboolean std = standard_element(r, t);
    if (!std) {
        /* An extension: an element of another namespace.  Never an error, unless its prefix is undeclared. */
        if (t->ns_unbound)
            problem(r, r->o->relaxed_namespace ? CRTK_SEVERITY_WARNING : CRTK_SEVERITY_ERROR, CRTK_PROBLEM_NAMESPACE,
                    t->line, t->column, NULL, "element <%.*s> uses a namespace prefix that is not declared",
                    (int)t->qname_len, t->qname);
        else if (!t->ns)
            problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_NAMESPACE, t->line, t->column, NULL,
                    "element <%.*s> has no namespace; extensions must be in their own namespace", (int)t->qname_len,
                    t->qname);
        if (r->in_item) {
            problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_STRUCTURE, t->line, t->column, NULL,
                    "an Item holds only text, not <%.*s>", (int)t->qname_len, t->qname);
            begin_subtree(r, t, FALSE, NULL);
            return;
        }
        if (r->where != IN_TUMOR)
            order_check(r, 1, t, "extension elements");
        begin_subtree(r, t, !r->o->skip_extensions, r->cur);
        return;
    }
    if (r->in_item) {
        problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_STRUCTURE, t->line, t->column, NULL,
                "an Item holds only text, not <%.*s>", (int)t->qname_len, t->qname);
        begin_subtree(r, t, FALSE, NULL);
        return;
    }
    if (is_name(t, "Item")) {
        order_check(r, 0, t, "Items");
        item_start(r, t);
        return;
    }
    if (r->where == IN_ROOT && is_name(t, "Patient")) {
        order_check(r, 2, t, "Patients");
        send_header(r);
        crtk_record_clear(r->rec);
        r->rec->ordinal = ++r->st->patients;
        r->rec->patient.line = t->line;
        r->where = IN_PATIENT;
        r->cur = &r->rec->patient;
        r->phase[IN_PATIENT] = 0;
        r->tumor_no = 0;
        r->prev_item = -1;
        r->stamp++;
    } else if (r->where == IN_PATIENT && is_name(t, "Tumor")) {
        order_check(r, 2, t, "Tumors");
        r->cur = crtk_record_add_tumor(r->rec);
        r->cur->line = t->line;
        r->where = IN_TUMOR;
        r->phase[IN_TUMOR] = 0;
        r->prev_item = -1;
        r->tumor_no++;
        r->st->tumors++;
        r->stamp++;
    } else {
        const char *expected = r->where == IN_ROOT ? "Item, Patient or an extension"
                               : r->where == IN_PATIENT ? "Item, Tumor or an extension"
                                                        : "Item or an extension";
        problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_STRUCTURE, t->line, t->column, NULL,
                "unknown element <%.*s> in %s (expected %s)", (int)t->qname_len, t->qname,
                crtk_level_name((crtk_level)(r->where - 1)), expected);
        begin_subtree(r, t, FALSE, NULL);
        return;
    }
    for (int i = 0; i < t->n_attrs; i++) {
        const crtk_xml_attr *a = &t->attrs[i];
        problem(r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_STRUCTURE, a->line, a->column, NULL,
                "<%.*s> has no attributes in the standard (found %.*s)", (int)t->qname_len, t->qname,
                (int)a->qname_len, a->qname);
    }
}

static void element_end(reader *r, const crtk_xml_token *t)
{
    if (r->in_item) {
        item_end(r);
        return;
    }
    (void)t;
    if (r->where == IN_TUMOR) {
        r->where = IN_PATIENT;
        r->cur = &r->rec->patient;
        r->stamp++;
        /* Items after a Tumor are out of order; keep counting them against the patient. */
        return;
    }
    if (r->where == IN_PATIENT) {
        flush_pending(r);
        if (r->aborted)
            return;
        r->where = IN_ROOT;
        r->cur = &r->header->root;
        if (r->h->patient && r->h->patient(r->rec, r->user) == CRTK_ABORT)
            r->aborted = TRUE;
        return;
    }
    if (r->where == IN_ROOT) {
        send_header(r);
        r->where = IN_NONE;
    }
}

int crtk_naaccr_xml_read(crtk_in *in, const char *name, const crtk_read_options *options,
                         const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats)
{
    crtk_read_options defaults;
    if (!options) {
        crtk_read_options_init(&defaults);
        options = &defaults;
    }
    crtk_read_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    reader r = {0};
    r.sc = crtk_xml_scanner_new(in);
    r.name = name;
    r.o = options;
    r.h = handlers;
    r.user = user;
    r.st = stats;
    r.value = g_string_sized_new(4096);
    r.ext = g_string_new(NULL);
    r.pending = g_array_new(FALSE, FALSE, sizeof(pending));
    r.unknown_msgs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    r.naaccr_is_default = TRUE;
    crtk_xml_scanner_skip_space(r.sc, true);
    crtk_xml_token t;
    int result = 0;
    while (!r.aborted) {
        if (r.naaccr_ns && !r.in_item && !r.skip_depth && r.where != IN_NONE &&
            crtk_xml_scanner_default_ns(r.sc) == r.naaccr_ns) {
            const char *id, *value;
            size_t id_len, value_len;
            long line, column;
            int g = *guess_slot(&r);
            const crtk_item *guess = g >= 0 ? r.items[g] : NULL;
            bool expected;
            if (crtk_xml_simple_item(r.sc, guess ? guess->id : NULL, guess ? guess->id_len : 0, &expected, &id,
                                     &id_len, &value, &value_len, &line, &column)) {
                order_check_at(&r, line, column);
                r.in_item = TRUE;
                r.item = NULL;
                r.pieces = 0;
                r.item_line = line;
                r.item_col = column;
                item_begin(&r, expected ? guess : NULL, id, id_len, NULL, 0);
                /* item_end, with the value at hand */
                r.in_item = FALSE;
                crtk_xml_scanner_skip_space(r.sc, true);
                if (r.item && value_len) {
                    crtk_element_put(r.cur, r.item->index, value, value_len);
                    if (r.o->check_values)
                        check_kept_value(&r, r.item, value, value_len);
                }
                continue;
            }
        }
        crtk_xml_kind k = crtk_xml_next(r.sc, &t);
        if (k == CRTK_XML_EOF)
            break;
        if (k == CRTK_XML_ERROR) {
            long line, col;
            const char *msg = crtk_xml_scanner_error(r.sc, &line, &col);
            flush_pending(&r);
            container w = r.where;
            r.where = IN_NONE;
            problem(&r, CRTK_SEVERITY_FATAL, CRTK_PROBLEM_SYNTAX, line, col, NULL, "not well-formed XML: %s", msg);
            r.where = w;
            result = -1;
            break;
        }
        if (r.skip_depth) {
            if (r.keep_subtree)
                g_string_append_len(r.ext, t.raw, (gssize)t.raw_len);
            if (k == CRTK_XML_END && t.depth == r.skip_depth) {
                if (r.keep_subtree && r.ext_target)
                    crtk_element_add_extension(r.ext_target, r.ext->str, r.ext->len);
                r.skip_depth = 0;
            }
            continue;
        }
        if (k == CRTK_XML_TEXT) {
            if (r.in_item) {
                if (!r.item) {
                    /* value not kept */
                } else if (r.pieces++ == 0) {
                    crtk_element_set(r.cur, r.item->index, t.text, t.text_len);
                } else {
                    if (r.pieces == 2) {
                        size_t n;
                        const char *first = crtk_element_get(r.cur, r.item->index, &n);
                        g_string_truncate(r.value, 0);
                        if (first)
                            g_string_append_len(r.value, first, (gssize)n);
                    }
                    g_string_append_len(r.value, t.text, (gssize)t.text_len);
                }
            } else if (!crtk_xml_text_is_space(&t)) {
                problem(&r, CRTK_SEVERITY_ERROR, CRTK_PROBLEM_STRUCTURE, t.line, t.column, NULL,
                        "unexpected text \"%.*s\" (values belong inside Item elements)", (int)MIN(t.text_len, 40),
                        t.text);
            }
            continue;
        }
        if (k == CRTK_XML_START) {
            if (t.depth == 1) {
                if (!root_start(&r, &t)) {
                    result = -1;
                    break;
                }
                continue;
            }
            element_start(&r, &t);
        } else if (k == CRTK_XML_END) {
            element_end(&r, &t);
        }
    }
    if (r.aborted && result == 0)
        result = 1;
    if (result == 0 && r.missing_user_dicts && !r.missing_reported) {
        problem(&r, CRTK_SEVERITY_WARNING, CRTK_PROBLEM_DICTIONARY, 0, 0, NULL,
                "the file names user dictionary %s, which crtk was not given; no item in the file needed it",
                r.missing_user_dicts);
    }
    stats->aborted = result == 1;
    stats->bytes = crtk_xml_scanner_offset(r.sc);
    flush_pending(&r);
    for (guint i = 0; i < r.pending->len; i++)
        g_free(g_array_index(r.pending, pending, i).message);
    g_array_free(r.pending, TRUE);
    g_hash_table_destroy(r.unknown_msgs);
    g_string_free(r.value, TRUE);
    g_string_free(r.ext, TRUE);
    g_free(r.seen);
    g_free(r.next_item);
    g_free(r.items);
    g_free(r.missing_user_dicts);
    crtk_record_free(r.rec);
    crtk_header_free(r.header);
    if (r.dict)
        crtk_dictionary_unref(r.dict);
    crtk_xml_scanner_free(r.sc);
    return result;
}
