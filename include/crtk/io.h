/* io.h — byte streams in and out of files, with gzip when the file is compressed.
 *
 * crtk_in reads a plain or gzip-compressed file (detected from its first bytes,
 * so "-" for standard input works too).  crtk_out buffers writes to a file and
 * compresses them when the name ends in ".gz".  Files are written through the
 * output module (crtk/output.h): a temporary file (mode 0600, since they hold data
 * about people) renamed into place at crtk_out_close, never the registry store.
 */
#ifndef CRTK_IO_H
#define CRTK_IO_H

#include "export.h"

#include <stddef.h>
#include <glib.h>

typedef struct crtk_in crtk_in;
typedef struct crtk_out crtk_out;

CRTK_API crtk_in *crtk_in_open(const char *path, GError **error);
/* A stream over memory (not copied; must outlive the stream). */
CRTK_API crtk_in *crtk_in_open_memory(const char *data, size_t len);
/* Reads up to len bytes; returns bytes read, 0 at end, -1 on error (error set). */
CRTK_API gssize crtk_in_read(crtk_in *in, void *buf, size_t len, GError **error);
/* Looks at the next up to want bytes (decompressed) without consuming them: the following
 * crtk_in_read calls return them again.  This is how a format is detected on a stream that
 * cannot be reopened (standard input).  Returns the bytes, NUL-terminated, owned by the stream
 * and valid until the next call on it, with their count in *got (less than want only at the end
 * of the stream); NULL with error on a read error. */
CRTK_API const char *crtk_in_peek(crtk_in *in, size_t want, size_t *got, GError **error);
CRTK_API gboolean crtk_in_is_gzip(const crtk_in *in);
CRTK_API void crtk_in_close(crtk_in *in);

/* Opens path for writing (gzip when it ends in .gz); "-" is standard output. */
CRTK_API crtk_out *crtk_out_open(const char *path, GError **error);
/* An output into a GString (for tests and in-memory use). */
CRTK_API crtk_out *crtk_out_open_string(GString *target);
CRTK_API void crtk_out_write(crtk_out *out, const void *data, size_t len);
CRTK_API void crtk_out_puts(crtk_out *out, const char *s);
CRTK_API void crtk_out_putc(crtk_out *out, char c);
CRTK_API void crtk_out_printf(crtk_out *out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Flushes and closes; returns FALSE (error set) if any write failed. */
CRTK_API gboolean crtk_out_close(crtk_out *out, GError **error);
/* Closes without reporting and removes the file (for failed conversions). */
CRTK_API void crtk_out_abandon(crtk_out *out);

/* Reads a whole file into memory (plain or gzip). */
CRTK_API gboolean crtk_read_whole_file(const char *path, char **data, size_t *len, GError **error);

#endif
