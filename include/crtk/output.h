/* output.h — every file crtk writes, written so that it is either whole or absent.
 *
 * An output is written to a temporary file in the target's own directory (created
 * with mode 0600, since crtk's outputs hold data about people), synced to disk, and
 * renamed over the target; the directory is then synced so the rename survives a
 * crash.  Any failure removes the temporary file and leaves the target as it was.
 *
 * A file that must never be replaced by an output — the registry store and its
 * "-wal", "-shm" and "-journal" companions — is registered with
 * crtk_output_protect() (the store layer does this when it opens a store); an
 * output whose target is such a file (the same device and inode, or the same path
 * after resolving symbolic links) is refused before anything is created.  So is a
 * target that is an SQLite database (a store this process has not opened).
 *
 * A target that is a symbolic link is followed: the file it points to is replaced
 * and the link kept.  A target that exists and is not a regular file (a device such
 * as /dev/null, a FIFO) is written directly, without a temporary file.
 *
 * Errors are CRTK_ERROR / CRTK_ERROR_IO with the path and the system's reason.
 *
 * Test hook: the environment variable CRTK_TEST_OUTPUT_FAIL injects failures
 * ("write:N" — writes fail with "No space left on device" once N bytes have been
 * written to an output; "sync" — fsync fails; "rename" — the final rename fails).
 * crtk_output_inject_failure() does the same from a program.
 */
#ifndef CRTK_OUTPUT_H
#define CRTK_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include <glib.h>

#include "crtk/export.h"

typedef struct crtk_output crtk_output;

/* Registers a file (normally a registry store) that outputs may never replace;
 * its -wal, -shm and -journal companions are protected with it.  Registrations
 * are counted: each crtk_output_protect() is undone by one crtk_output_unprotect(). */
CRTK_API void crtk_output_protect(const char *path);
/* Removes a registration made by crtk_output_protect(). */
CRTK_API void crtk_output_unprotect(const char *path);

/* FALSE (error set) when path resolves to a protected file. */
CRTK_API gboolean crtk_output_check_target(const char *path, GError **error);

/* Starts an output to path: checks the target, creates the temporary file.
 * Returns NULL (error set) when the target is refused or cannot be created. */
CRTK_API crtk_output *crtk_output_begin(const char *path, GError **error);
/* The open descriptor of the temporary file (or of the device written directly). */
CRTK_API int crtk_output_fd(const crtk_output *o);
/* The temporary file's name: for libraries that write to a name themselves
 * (libxlsxwriter).  They must write this file in place, then the caller commits. */
CRTK_API const char *crtk_output_temp_path(const crtk_output *o);
/* The final name, as given. */
CRTK_API const char *crtk_output_path(const crtk_output *o);
/* Writes all of data; FALSE (error set) on the first failure, which is remembered:
 * commit then fails too. */
CRTK_API gboolean crtk_output_write(crtk_output *o, const void *data, size_t len, GError **error);
/* Syncs, renames into place, syncs the directory, frees o.  On failure the
 * temporary file is removed, the target untouched, error set. */
CRTK_API gboolean crtk_output_commit(crtk_output *o, GError **error);
/* Removes the temporary file and frees o (NULL is ignored). */
CRTK_API void crtk_output_abort(crtk_output *o);

/* The whole of data to path through begin/write/commit. */
CRTK_API gboolean crtk_output_write_file(const char *path, const void *data, size_t len, GError **error);

/* A stdio stream over the output (for code that writes with fprintf).  The stream
 * is the caller's until crtk_output_fclose(), which flushes and closes it, then
 * commits (or, when any write failed, aborts) the output. */
CRTK_API FILE *crtk_output_stream(crtk_output *o, GError **error);
CRTK_API gboolean crtk_output_fclose(crtk_output *o, FILE *stream, GError **error);

/* Flushes and closes standard output; FALSE (error set, e.g. "No space left on
 * device") when anything written to it was lost.  Call once, at exit. */
CRTK_API gboolean crtk_output_close_stdout(GError **error);

/* Test hook (see above): mode "write" with bytes, "sync", "rename", or NULL to clear. */
CRTK_API void crtk_output_inject_failure(const char *mode, gint64 bytes);

#endif
