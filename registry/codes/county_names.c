/* county_names.c — the names of US counties by state and 3-digit FIPS code (schemas/codes/
 * county-names.tsv), so that a county code reads as "Prince George's County, MD" (crtk/codes.h). */
#include "crtk/codes.h"
#include "../common/schemas.h"

#include <stdlib.h>
#include <string.h>

static struct {
    crtk_county *all; /* by state, then code */
    size_t n;
    GHashTable *by_key; /* "ST ccc" -> crtk_county* */
    GStringChunk *text; /* the strings (not g_intern_string: GLib's quark table leaks a block as it grows) */
} N;

static int cmp_county(const void *a, const void *b)
{
    const crtk_county *x = a, *y = b;
    int c = strcmp(x->state, y->state);
    return c ? c : strcmp(x->county, y->county);
}

/* Reads the table once: comment lines (#), a header "state county name", then one county a line. */
static void load(void)
{
    static gsize done = 0;
    if (!g_once_init_enter(&done))
        return;
    size_t len = 0;
    const char *text = crtk_schema_text("codes/county-names.tsv", &len);
    GArray *rows = g_array_new(FALSE, TRUE, sizeof(crtk_county));
    N.by_key = g_hash_table_new(g_str_hash, g_str_equal);
    N.text = g_string_chunk_new(32 * 1024);
    if (!text)
        g_warning("crtk: embedded table codes/county-names.tsv is missing");
    gboolean header = TRUE;
    for (const char *p = text, *end = text ? text + len : NULL; p && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (*p != '#' && eol > p) {
            char *line = g_strndup(p, (size_t)(eol - p));
            char **f = g_strsplit(line, "\t", 3);
            if (header)
                header = FALSE;
            else if (g_strv_length(f) == 3 && strlen(f[0]) == 2 && strlen(f[1]) == 3) {
                crtk_county c = {g_string_chunk_insert_const(N.text, f[0]), g_string_chunk_insert_const(N.text, f[1]),
                                 g_string_chunk_insert(N.text, f[2])};
                g_array_append_val(rows, c);
            }
            g_strfreev(f);
            g_free(line);
        }
        p = eol + 1;
    }
    N.n = rows->len;
    N.all = (crtk_county *)g_array_free(rows, FALSE);
    qsort(N.all, N.n, sizeof *N.all, cmp_county);
    for (size_t i = 0; i < N.n; i++) {
        char key[8];
        g_snprintf(key, sizeof key, "%s %s", N.all[i].state, N.all[i].county);
        g_hash_table_insert(N.by_key, g_string_chunk_insert(N.text, key), &N.all[i]);
    }
    g_once_init_leave(&done, 1);
}

const char *crtk_county_name(const char *state, size_t slen, const char *county, size_t clen)
{
    if (!state || !county || slen != 2 || clen != 3)
        return NULL;
    load();
    char key[7] = {g_ascii_toupper(state[0]), g_ascii_toupper(state[1]), ' ', county[0], county[1], county[2], 0};
    const crtk_county *c = g_hash_table_lookup(N.by_key, key);
    return c ? c->name : NULL;
}

const crtk_county *crtk_counties(size_t *n)
{
    load();
    *n = N.n;
    return N.all;
}
