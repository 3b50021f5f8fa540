/* duplicates.c — likely matches of a new patient (see include/crtk/duplicates.h). */
#include "crtk/duplicates.h"
#include "store.h"
#include "store_search.h"

#include <string.h>

static void dup_free(crtk_duplicate *d)
{
    g_free(d->patient_key);
    g_free(d->name);
    g_free(d->birth_date);
    g_free(d);
}

/* Levenshtein distance, stopping early above 2. */
static int distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if ((n > m ? n - m : m - n) > 2 || n > 64 || m > 64)
        return 3;
    int prev[65], cur[65];
    for (size_t j = 0; j <= m; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, sizeof(int) * (m + 1));
    }
    return prev[m];
}

typedef struct {
    GPtrArray *out;
    char *last, *first; /* folded */
    const char *by;
} ctx;

static void add(ctx *c, gint64 id, const char *key, const char *last, const char *first, const char *birth,
                const char *reason)
{
    for (guint i = 0; i < c->out->len; i++)
        if (((crtk_duplicate *)c->out->pdata[i])->patient_id == id)
            return;
    crtk_duplicate *d = g_new0(crtk_duplicate, 1);
    d->patient_id = id;
    d->patient_key = g_strdup(key);
    d->name = g_strdup_printf("%s, %s", last, first);
    d->birth_date = g_strdup(birth);
    d->reason = reason;
    g_ptr_array_add(c->out, d);
}

static int candidate(gint64 id, const char *key, const char *last, const char *first, const char *birth,
                     const char *ssn, void *data)
{
    ctx *c = data;
    if (!strcmp(c->by, "ssn")) {
        add(c, id, key, last, first, birth, "same SSN");
        return 0;
    }
    char *fl = crtk_fold_text(last), *ff = crtk_fold_text(first);
    gboolean same = *c->last && !strcmp(fl, c->last) && !strcmp(ff, c->first);
    gboolean similar = *c->last && distance(fl, c->last) <= 2 && ff[0] == c->first[0];
    if (!strcmp(c->by, "dob") && same)
        add(c, id, key, last, first, birth, "same name and birth date");
    else if (!strcmp(c->by, "dob") && similar)
        add(c, id, key, last, first, birth, "similar name, same birth date");
    else if (!strcmp(c->by, "mrn") && (same || similar))
        add(c, id, key, last, first, birth, "similar name, same medical record number");
    g_free(fl);
    g_free(ff);
    return 0;
}

GPtrArray *crtk_find_duplicates(crtk_store *s, const crtk_element *patient, const char *mrn, GError **error)
{
    crtk_dictionary *d = crtk_store_dictionary(s);
    const char *ssn = crtk_element_get_id(patient, d, "socialSecurityNumber");
    const char *dob = crtk_element_get_id(patient, d, "dateOfBirth");
    const char *last = crtk_element_get_id(patient, d, "nameLast");
    const char *first = crtk_element_get_id(patient, d, "nameFirst");
    ctx c = {g_ptr_array_new_with_free_func((GDestroyNotify)dup_free), crtk_fold_text(last ? last : ""),
             crtk_fold_text(first ? first : ""), NULL};
    gboolean ok = TRUE;
    if (ssn && strlen(ssn) == 9 && strcmp(ssn, "999999999") && strcmp(ssn, "000000000")) {
        c.by = "ssn";
        ok = crtk_store_persons_by(s, "ssn", ssn, 20, candidate, &c, error);
    }
    if (ok && dob && strlen(dob) == 8 && *c.last) {
        c.by = "dob";
        ok = crtk_store_persons_by(s, "dob", dob, 500, candidate, &c, error);
    }
    if (ok && mrn && *mrn && *c.last) {
        c.by = "mrn";
        ok = crtk_store_persons_by(s, "mrn", mrn, 20, candidate, &c, error);
    }
    g_free(c.last);
    g_free(c.first);
    if (!ok) {
        g_ptr_array_free(c.out, TRUE);
        return NULL;
    }
    return c.out;
}
