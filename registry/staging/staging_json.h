/* staging_json.h — a small JSON reader for the staging algorithm data (staging_load.c).
 *
 * The whole document is parsed into nodes kept in one arena and freed at once: SEER's algorithm
 * data (6 MB of JSON for Collaborative Stage) loads in a fraction of the time json-glib takes to
 * build and then free its tree of GObjects and hash tables, which was most of the time of a short
 * `crtk case set` or `crtk stage` run.  Strict RFC 8259: UTF-8 text, no comments, no trailing
 * commas; nesting at most 512 deep; a repeated object key keeps its first value. */
#ifndef CRTK_STAGING_JSON_H
#define CRTK_STAGING_JSON_H

#include <glib.h>

typedef enum { SJ_NULL, SJ_FALSE, SJ_TRUE, SJ_INT, SJ_REAL, SJ_STR, SJ_ARR, SJ_OBJ } sj_type;

typedef struct sj_node sj_node;
struct sj_node {
    sj_type type;
    guint32 n;            /* SJ_STR: bytes; SJ_ARR: elements; SJ_OBJ: members */
    union {
        const char *str;  /* SJ_STR: NUL-terminated (may hold NUL bytes before n) */
        gint64 i;         /* SJ_INT */
        double real;      /* SJ_REAL */
        sj_node **items;  /* SJ_ARR */
        struct sj_member *members; /* SJ_OBJ, in document order */
    } u;
};
typedef struct sj_member {
    const char *key;
    sj_node *value;
} sj_member;

typedef struct sj_doc sj_doc;

/* Parses DATA (LEN bytes); NULL with an error naming WHAT, the line and the column. */
sj_doc *sj_parse(const char *data, gsize len, const char *what, GError **error);
const sj_node *sj_root(const sj_doc *d);
void sj_doc_free(sj_doc *d);

static inline gboolean sj_is(const sj_node *n, sj_type t) { return n && n->type == t; }
/* The member NAME of object O (NULL when O is not an object or has no such member). */
const sj_node *sj_get(const sj_node *o, const char *name);
/* Elements of an array (0 when A is not one), and the I-th. */
static inline guint sj_len(const sj_node *a) { return sj_is(a, SJ_ARR) ? a->n : 0; }
static inline const sj_node *sj_at(const sj_node *a, guint i) { return i < sj_len(a) ? a->u.items[i] : NULL; }
/* The string of N, or NULL when N is not a string. */
static inline const char *sj_str(const sj_node *n) { return sj_is(n, SJ_STR) ? n->u.str : NULL; }
/* TRUE for true and for a number other than 0 (as json-glib's json_node_get_boolean). */
gboolean sj_truthy(const sj_node *n);

#endif
