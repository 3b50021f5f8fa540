/* store_backup.c — a consistent copy of a store while it is in use (crtk_store_backup). */
#include "store_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


gboolean crtk_store_backup(crtk_store *s, const char *dest, GError **error)
{
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot create: %s", dest,
                    errno == EEXIST ? "the file exists already" : g_strerror(errno));
        return FALSE;
    }
    close(fd);
    sqlite3 *d = NULL;
    if (sqlite3_open_v2(dest, &d, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot open: %s", dest, sqlite3_errmsg(d));
        sqlite3_close(d);
        unlink(dest);
        return FALSE;
    }
    sqlite3_backup *b = sqlite3_backup_init(d, "main", s->db, "main");
    gboolean ok = b != NULL;
    if (b) {
        int rc;
        do {
            rc = sqlite3_backup_step(b, 256);
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                sqlite3_sleep(20);
        } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
        ok = rc == SQLITE_DONE;
        sqlite3_backup_finish(b);
    }
    if (!ok)
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: backup failed: %s", dest, sqlite3_errmsg(d));
    else
        sqlite3_exec(d, "PRAGMA journal_mode = DELETE;", NULL, NULL, NULL);
    sqlite3_close(d);
    if (!ok)
        unlink(dest);
    return ok;
}
