/* store_read_error.c — a failed read in a function that cannot return an error is not forgotten.
 * Some store readers have no GError (settings, a patient's key, a user, the used items): when
 * SQLite fails one of their steps they note the error on the store (the first one is kept), and
 * crtk_store_open, crtk_store_begin and crtk_store_commit refuse to go on with it, so a read error
 * is never taken for "no such row" by anything that writes. */
#include "store_private.h"

void crtk_store_note_read_error(crtk_store *s, int rc, const char *what)
{
    if (rc == SQLITE_ROW || rc == SQLITE_DONE || s->read_error)
        return;
    GError *e = NULL;
    crtk_store_step_failed(s, rc, &e, what);
    s->read_error = e;
}

gboolean crtk_store_read_failed(crtk_store *s, GError **error)
{
    if (!s->read_error)
        return FALSE;
    if (error && !*error)
        *error = g_error_copy(s->read_error);
    return TRUE;
}

gboolean crtk_store_reads_ok(crtk_store *s, GError **error)
{
    return !crtk_store_read_failed(s, error);
}
