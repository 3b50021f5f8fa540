/* store_sequence.c — NAACCR sequence numbering: sequenceNumberHospital and sequenceNumberCentral
 * of a patient's tumors renumbered in diagnosis order (00/01.. in situ and malignant, 60/61..
 * non-malignant), see crtk_store_renumber_sequences in store.h.
 */
#include "store_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


typedef struct {
    gint64 id;
    char date[9];   /* YYYYMMDD with unknown parts as 99 so that they sort last within the year */
    gboolean malignant;
} seq_row;

static int cmp_seq(const void *a, const void *b)
{
    const seq_row *x = a, *y = b;
    int c = strcmp(x->date, y->date);
    if (c)
        return c;
    return x->id < y->id ? -1 : x->id > y->id;
}

gboolean crtk_store_renumber_sequences(crtk_store *s, gint64 patient_id, GError **error)
{
    const char *items[] = {"sequenceNumberHospital", "sequenceNumberCentral"};
    if (!crtk_dictionary_find(s->dict, "dateOfDiagnosis") || !crtk_dictionary_find(s->dict, "behaviorCodeIcdO3"))
        return TRUE;
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, "SELECT id, \"dateOfDiagnosis\", \"behaviorCodeIcdO3\" FROM tumor WHERE patient_id = ?1",
                            &st, error))
        return FALSE;
    sqlite3_bind_int64(st, 1, patient_id);
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(seq_row));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        seq_row r = {.id = sqlite3_column_int64(st, 0)};
        const char *d = (const char *)sqlite3_column_text(st, 1);
        const char *b = (const char *)sqlite3_column_text(st, 2);
        memcpy(r.date, "99999999", 9);
        if (d)
            memcpy(r.date, d, MIN(strlen(d), 8));
        /* Behavior 2 (in situ) and 3 (malignant) share the 00-59 series; 0 and 1 use 60-87. */
        r.malignant = !b || b[0] == '2' || b[0] == '3' || b[0] == '6' || b[0] == '9';
        g_array_append_val(rows, r);
    }
    sqlite3_finalize(st);
    if (crtk_store_step_failed(s, rc, error, "cannot read the tumors to number")) {
        g_array_free(rows, TRUE);
        return FALSE;
    }
    g_array_sort(rows, cmp_seq);
    int n_mal = 0, n_non = 0;
    for (guint i = 0; i < rows->len; i++) {
        if (g_array_index(rows, seq_row, i).malignant)
            n_mal++;
        else
            n_non++;
    }
    char *key = crtk_store_patient_key(s, patient_id);
    gboolean ok = TRUE;
    int k_mal = 0, k_non = 0;
    for (guint i = 0; ok && i < rows->len; i++) {
        seq_row *r = &g_array_index(rows, seq_row, i);
        int seq;
        if (r->malignant)
            seq = n_mal == 1 ? 0 : ++k_mal;
        else
            seq = n_non == 1 ? 60 : 60 + ++k_non;
        if (seq > 59 && r->malignant)
            seq = 59;
        if (seq > 87)
            seq = 87;
        char v[3];
        g_snprintf(v, sizeof v, "%02d", seq);
        for (int j = 0; ok && j < 2; j++) {
            const crtk_item *it = crtk_dictionary_find(s->dict, items[j]);
            gboolean changed;
            if (it)
                ok = crtk_store_set_one(s, "tumor", r->id, patient_id, r->id, key, it, v, &changed, error);
        }
    }
    g_free(key);
    g_array_free(rows, TRUE);
    return ok;
}
