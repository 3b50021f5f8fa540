/* form.c — urlencoded form parsing (see form.h). */
#include "form.h"

#include <string.h>

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes [p, e); NULL when malformed. */
static char *decode(const char *p, const char *e)
{
    GString *o = g_string_sized_new((gsize)(e - p));
    for (; p < e; p++) {
        if (*p == '+') {
            g_string_append_c(o, ' ');
        } else if (*p == '%') {
            if (e - p < 3 || hex(p[1]) < 0 || hex(p[2]) < 0) {
                g_string_free(o, TRUE);
                return NULL;
            }
            char c = (char)(hex(p[1]) * 16 + hex(p[2]));
            if (c == 0) {
                g_string_free(o, TRUE);
                return NULL;
            }
            g_string_append_c(o, c);
            p += 2;
        } else if (*p == 0) {
            g_string_free(o, TRUE);
            return NULL;
        } else {
            g_string_append_c(o, *p);
        }
    }
    if (!g_utf8_validate(o->str, (gssize)o->len, NULL)) {
        g_string_free(o, TRUE);
        return NULL;
    }
    return g_string_free(o, FALSE);
}

typedef gboolean (*field_fn)(char *name, char *value, void *user);

static gboolean each_field(const char *data, gsize len, field_fn fn, void *user)
{
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *fe = amp ? amp : end;
        if (fe > p) {
            const char *eq = memchr(p, '=', (size_t)(fe - p));
            char *name = decode(p, eq ? eq : fe);
            char *value = eq ? decode(eq + 1, fe) : g_strdup("");
            if (!name || !value) {
                g_free(name);
                g_free(value);
                return FALSE;
            }
            if (!fn(name, value, user))
                return FALSE;
        }
        p = fe + 1;
    }
    return TRUE;
}

typedef struct {
    GHashTable *t;
    guint n, max;
} table_ctx;

static gboolean add_to_table(char *name, char *value, void *user)
{
    table_ctx *c = user;
    if (++c->n > c->max) {
        g_free(name);
        g_free(value);
        return FALSE;
    }
    if (g_hash_table_contains(c->t, name)) {
        g_free(name);
        g_free(value);
    } else {
        g_hash_table_insert(c->t, name, value);
    }
    return TRUE;
}

GHashTable *crtk_web_form_parse(const char *data, gsize len, guint max_fields)
{
    table_ctx c = {g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free), 0, max_fields};
    if (data && !each_field(data, len, add_to_table, &c)) {
        g_hash_table_destroy(c.t);
        return NULL;
    }
    return c.t;
}

static gboolean add_name(char *name, char *value, void *user)
{
    g_ptr_array_add(user, name);
    g_free(value);
    return TRUE;
}

char **crtk_web_form_names(const char *data, gsize len)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
    if (data && !each_field(data, len, add_name, a))
        g_ptr_array_set_size(a, 0);
    g_ptr_array_set_free_func(a, NULL);
    g_ptr_array_add(a, NULL);
    return (char **)g_ptr_array_free(a, FALSE);
}
