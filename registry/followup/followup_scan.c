/* followup_scan.c — crtk_followup_scan: the values of every patient and its tumors from one
 * streaming read of the store (crtk_store_scan_items), patient by patient, gathered into a string chunk that is
 * cleared for the next patient (memory stays flat), classified (followup_rules.c) and handed to the
 * caller. */
#include "followup.h"
#include "followup_private.h"
#include "date.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- scanning ---------------------------------------------------------------------------------- */

typedef struct {
    const crtk_followup_rules *rules;
    crtk_followup_fn fn;
    void *user;
    int col[CRTK_FU_N_ITEMS];  /* result column of each item, -1 when not selected */
    gint64 current;            /* patient row id being gathered, 0 none */
    crtk_followup_patient p;
    GArray *tumors;
    GStringChunk *chunk;
    gboolean aborted;
} scan_ctx;

static const char *keep(scan_ctx *c, const char *v)
{
    return v && *v ? g_string_chunk_insert(c->chunk, v) : NULL;
}

static int flush(scan_ctx *c)
{
    if (!c->current)
        return CRTK_CONTINUE;
    c->p.tumors = (crtk_followup_tumor *)(void *)c->tumors->data;
    c->p.n_tumors = (int)c->tumors->len;
    crtk_followup_classify(c->rules, &c->p);
    int rc = c->fn(&c->p, c->user);
    c->current = 0;
    g_array_set_size(c->tumors, 0);
    g_string_chunk_clear(c->chunk);
    return rc;
}

static int scan_row(int n, const char *const *v, const char *const *names, void *user)
{
    (void)n, (void)names;
    scan_ctx *c = user;
    gint64 pid = g_ascii_strtoll(v[0], NULL, 10);
    if (pid != c->current) {
        if (flush(c) == CRTK_ABORT) {
            c->aborted = TRUE;
            return CRTK_ABORT;
        }
        c->current = pid;
        memset(&c->p, 0, sizeof c->p);
        c->p.patient_id = pid;
        for (int i = 0; i < CRTK_FU_N_PATIENT_ITEMS; i++)
            if (c->col[i] >= 0)
                c->p.item[i] = keep(c, v[c->col[i]]);
    }
    crtk_followup_tumor t;
    memset(&t, 0, sizeof t);
    t.tumor_id = g_ascii_strtoll(v[1], NULL, 10);
    for (int i = CRTK_FU_N_PATIENT_ITEMS; i < CRTK_FU_N_ITEMS; i++)
        if (c->col[i] >= 0)
            t.item[i] = keep(c, v[c->col[i]]);
    g_array_append_val(c->tumors, t);
    return CRTK_CONTINUE;
}

gboolean crtk_followup_scan(crtk_store *s, const crtk_followup_rules *r, int what, crtk_followup_fn fn,
                            void *user, GError **error)
{
    return crtk_followup_scan_query(s, r, what, NULL, fn, user, error);
}

gboolean crtk_followup_scan_query(crtk_store *s, const crtk_followup_rules *r, int what, const crtk_store_query *q,
                                  crtk_followup_fn fn, void *user, GError **error)
{
    scan_ctx c;
    memset(&c, 0, sizeof c);
    c.rules = r;
    c.fn = fn;
    c.user = user;
    c.tumors = g_array_new(FALSE, FALSE, sizeof(crtk_followup_tumor));
    c.chunk = g_string_chunk_new(4096);
    crtk_dictionary *d = crtk_store_dictionary(s);
    /* columns: patient row, tumor row, then the items this version has */
    const char *specs[CRTK_FU_N_ITEMS];
    int nspec = 0;
    for (int i = 0; i < CRTK_FU_N_ITEMS; i++) {
        c.col[i] = -1;
        if (what == CRTK_FU_SCAN_RATE && !fu_items[i].for_rate)
            continue;
        if (!crtk_dictionary_find(d, fu_items[i].id))
            continue; /* not in this NAACCR version: stays blank */
        specs[nspec] = fu_items[i].id;
        c.col[i] = 2 + nspec++;
    }
    gboolean ok = crtk_store_scan_items(s, q, specs, nspec, scan_row, &c, error);
    if (ok && !c.aborted)
        flush(&c);
    g_array_free(c.tumors, TRUE);
    g_string_chunk_free(c.chunk);
    return ok;
}

