/* test_util.h — helpers shared by the unit tests (tests/test_*.c link tests/test_util.c).
 *
 * - One private temporary directory per test process, removed with everything in it at exit.
 * - The reference data in ../shared (CRTK_SHARED_DIR): a test that needs it asks tu_shared(); when
 *   it is absent the test is skipped with a message saying why (g_test_skip), and when the
 *   environment variable CI=true it FAILS instead, since a CI run must not lose its oracle.
 *   The same rule for external programs (pdftotext, unzip): tu_program().
 * - tu_finish(): the exit status of the test program.  When every test that ran passed but some
 *   were skipped, it prints "SKIPPED: ..." and returns 77, so CTest shows the program as skipped
 *   instead of passed (a partial skip is visible, not silent).
 * - tu_run_crtk(): runs the crtk binary (CRTK_BINARY) with arguments and optional standard input,
 *   capturing standard output and standard error.
 *
 * Tests that use tu_shared() are labelled `needs-reference-data` in CTest (tests/CMakeLists.txt
 * finds them by the call).
 */
#ifndef CRTK_TEST_UTIL_H
#define CRTK_TEST_UTIL_H

#include <glib.h>

/* g_test_init plus the bookkeeping of tu_finish. */
void tu_init(int *argc, char ***argv);
/* g_test_run's status, turned into 77 when tests were skipped and none failed. */
int tu_finish(int status);

/* The private temporary directory (created on first use, removed at exit). */
const char *tu_tmpdir(void);
/* A path in it (g_free); tu_write_tmp also writes text there (len -1: NUL-terminated). */
char *tu_tmp_path(const char *name);
char *tu_write_tmp(const char *name, const char *text, gssize len);
/* A new empty directory inside it, named after prefix (g_free); removed at exit like the rest,
 * or earlier with tu_remove_tree. */
char *tu_make_tmpdir(const char *prefix);
/* Removes a file or a directory with everything in it (links are removed, not followed). */
void tu_remove_tree(const char *path);

/* Skips the current test saying why, or fails it when CI=true.  Always returns FALSE. */
gboolean tu_skip(const char *why);
/* The path of rel under ../shared (g_free), or NULL after tu_skip() when it is absent.  The
 * environment variable CRTK_SHARED_DIR, when set, replaces the configured ../shared. */
char *tu_shared(const char *rel);
/* The path of an external program (g_free), or NULL after tu_skip() naming what it is for. */
char *tu_program(const char *name, const char *what_for);

/* Runs crtk with args (NULL-terminated, without the program name); input (may be NULL: empty)
 * is its standard input.  out and err (may be NULL) receive what it wrote (g_free).  Returns
 * the exit status, or -1 when it died of a signal. */
int tu_run_crtk(const char *const *args, const char *input, gssize input_len, char **out, char **err);

/* SHA-256 of a file computed by sha256sum(1) (an implementation independent of crtk's), as
 * lower-case hex (g_free), or NULL after tu_skip() when sha256sum is not installed. */
char *tu_sha256sum(const char *path);

#endif
