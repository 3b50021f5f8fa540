/* row_spool.c — row ids spooled to an unnamed temporary file (see row_spool.h). */
#include "row_spool.h"
#include "crtk/problem.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

struct row_spool {
    FILE *f;
    guint64 count;
    gboolean reading;
    GError *error; /* the first failure: every later call fails with it */
};

static gboolean spool_failed(row_spool *sp, const char *what, int err, GError **error)
{
    if (!sp->error)
        g_set_error(&sp->error, CRTK_ERROR, CRTK_ERROR_IO, "cannot keep the list of tumors (%s, temporary file): %s",
                    what, g_strerror(err));
    if (error)
        *error = g_error_copy(sp->error);
    return FALSE;
}

row_spool *row_spool_new(GError **error)
{
    char *path = NULL;
    GError *e = NULL;
    int fd = g_file_open_tmp("crtk-rows-XXXXXX", &path, &e); /* mode 0600 */
    if (fd < 0) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "cannot keep the list of tumors: %s", e->message);
        g_error_free(e);
        return NULL;
    }
    g_unlink(path);
    g_free(path);
    row_spool *sp = g_new0(row_spool, 1);
    sp->f = fdopen(fd, "w+b");
    if (!sp->f) {
        int err = errno;
        close(fd);
        spool_failed(sp, "opening", err, error);
        row_spool_free(sp);
        return NULL;
    }
    return sp;
}

void row_spool_free(row_spool *sp)
{
    if (!sp)
        return;
    if (sp->f)
        fclose(sp->f);
    g_clear_error(&sp->error);
    g_free(sp);
}

gboolean row_spool_add(row_spool *sp, const gint64 *ids, gsize n, GError **error)
{
    if (sp->error)
        return spool_failed(sp, "writing", 0, error);
    g_return_val_if_fail(!sp->reading, FALSE);
    if (n && fwrite(ids, sizeof *ids, n, sp->f) != n)
        return spool_failed(sp, "writing", errno, error);
    sp->count += n;
    return TRUE;
}

guint64 row_spool_count(const row_spool *sp)
{
    return sp->count;
}

gssize row_spool_read(row_spool *sp, gint64 *ids, gsize max, GError **error)
{
    if (sp->error)
        return spool_failed(sp, "reading", 0, error), -1;
    if (!sp->reading) {
        if (fflush(sp->f) != 0)
            return spool_failed(sp, "writing", errno, error), -1;
        rewind(sp->f);
        sp->reading = TRUE;
    }
    size_t got = fread(ids, sizeof *ids, max, sp->f);
    if (got < max && ferror(sp->f))
        return spool_failed(sp, "reading", errno, error), -1;
    return (gssize)got;
}
