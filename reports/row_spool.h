/* row_spool.h — a list of row ids too long to keep in memory (private to libcrtk-reports): written
 * once in order to an unnamed temporary file, then read back in the same order, a chunk at a time.
 *
 * A submission remembers the tumors it sent, to stamp them once the file is accepted; at 8 bytes a
 * tumor in memory that grew with the submission.  The file holds nothing but row ids (no patient
 * data), is created owner-only in the temporary directory (TMPDIR) and unlinked at once, so
 * nothing is left behind however the process ends.
 */
#ifndef CRTK_ROW_SPOOL_H
#define CRTK_ROW_SPOOL_H

#include <glib.h>

typedef struct row_spool row_spool;

/* NULL with error (CRTK_ERROR_IO) when the temporary file cannot be made. */
row_spool *row_spool_new(GError **error);
void row_spool_free(row_spool *sp);
/* Appends ids; FALSE with error on a write failure (a full disk), which is remembered. */
gboolean row_spool_add(row_spool *sp, const gint64 *ids, gsize n, GError **error);
/* Ids added so far. */
guint64 row_spool_count(const row_spool *sp);
/* Reads the ids back from the first, up to max at a time into ids: the number read (0 at the
 * end), or -1 with error.  Adding ends with the first read. */
gssize row_spool_read(row_spool *sp, gint64 *ids, gsize max, GError **error);

#endif
