/* test_output.c — the output module (registry/common/output.c, include/crtk/output.h).
 *
 * Each test works in its own temporary directory and checks what a user would see on
 * disk: the target's bytes and mode, and that no temporary file is left behind, after a
 * success and after every kind of injected failure (a full disk part-way, a failed
 * fsync, a failed rename); protected files (a store and its journal) reached by name,
 * through a symbolic link or through a hard link are refused and left untouched.
 */
#include "crtk/output.h"
#include "io.h"
#include "problem.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *make_dir(void)
{
    GError *error = NULL;
    char *d = g_dir_make_tmp("crtk-test-output-XXXXXX", &error);
    g_assert_no_error(error);
    return d;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted and joined by spaces (hidden temporary files included). */
static char *listing(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    while ((n = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(n));
    g_dir_close(d);
    g_ptr_array_sort(names, by_name);
    g_ptr_array_add(names, NULL);
    char *s = g_strjoinv(" ", (char **)names->pdata);
    g_ptr_array_free(names, TRUE);
    return s;
}

static void remove_dir(char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    while ((n = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, n, NULL);
        unlink(p);
        g_free(p);
    }
    g_dir_close(d);
    rmdir(dir);
    g_free(dir);
}

static char *contents(const char *path)
{
    char *s = NULL;
    if (!g_file_get_contents(path, &s, NULL, NULL))
        return NULL;
    return s;
}

static void test_replaces_whole_owner_only(void)
{
    char *dir = make_dir();
    char *p = g_build_filename(dir, "out.csv", NULL);
    g_assert_true(g_file_set_contents(p, "old", -1, NULL));
    g_assert_cmpint(chmod(p, 0644), ==, 0);
    GError *error = NULL;
    g_assert_true(crtk_output_write_file(p, "new contents\n", 13, &error));
    g_assert_no_error(error);
    char *c = contents(p);
    g_assert_cmpstr(c, ==, "new contents\n");
    struct stat st;
    g_assert_cmpint(stat(p, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600); /* an existing 0644 file does not stay 0644 */
    char *l = listing(dir);
    g_assert_cmpstr(l, ==, "out.csv");
    g_free(l), g_free(c), g_free(p);
    remove_dir(dir);
}

/* A failure of each kind leaves the old file as it was and no temporary file. */
static void check_injected(const char *mode, gint64 bytes)
{
    char *dir = make_dir();
    char *p = g_build_filename(dir, "letters.csv", NULL);
    g_assert_true(g_file_set_contents(p, "previous run", -1, NULL));
    crtk_output_inject_failure(mode, bytes);
    GError *error = NULL;
    char big[10000];
    memset(big, 'x', sizeof big);
    gboolean ok = crtk_output_write_file(p, big, sizeof big, &error);
    crtk_output_inject_failure(NULL, 0);
    g_assert_false(ok);
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_IO);
    g_assert_nonnull(strstr(error->message, "letters.csv"));
    if (!strcmp(mode, "write"))
        g_assert_nonnull(strstr(error->message, g_strerror(ENOSPC)));
    g_clear_error(&error);
    char *c = contents(p);
    g_assert_cmpstr(c, ==, "previous run");
    char *l = listing(dir);
    g_assert_cmpstr(l, ==, "letters.csv");
    g_free(l), g_free(c);
    /* the same through crtk_out (export, convert) */
    crtk_output_inject_failure(mode, bytes);
    crtk_out *o = crtk_out_open(p, &error);
    g_assert_no_error(error);
    for (int i = 0; i < 300; i++)
        crtk_out_write(o, big, sizeof big);
    ok = crtk_out_close(o, &error);
    crtk_output_inject_failure(NULL, 0);
    g_assert_false(ok);
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_IO);
    g_clear_error(&error);
    c = contents(p);
    g_assert_cmpstr(c, ==, "previous run");
    l = listing(dir);
    g_assert_cmpstr(l, ==, "letters.csv");
    g_free(l), g_free(c), g_free(p);
    remove_dir(dir);
}

static void test_full_disk(void)
{
    check_injected("write", 4096);
    check_injected("write", 0);
}

static void test_failed_sync(void)
{
    check_injected("sync", 0);
}

static void test_failed_rename(void)
{
    check_injected("rename", 0);
}

static void test_stream(void)
{
    char *dir = make_dir();
    char *p = g_build_filename(dir, "due.csv", NULL);
    GError *error = NULL;
    crtk_output *o = crtk_output_begin(p, &error);
    g_assert_nonnull(o);
    FILE *f = crtk_output_stream(o, &error);
    g_assert_nonnull(f);
    fprintf(f, "a,b\n1,2\n");
    g_assert_false(g_file_test(p, G_FILE_TEST_EXISTS)); /* nothing under the final name until commit */
    g_assert_true(crtk_output_fclose(o, f, &error));
    char *c = contents(p);
    g_assert_cmpstr(c, ==, "a,b\n1,2\n");
    g_free(c), g_free(p);
    remove_dir(dir);
}

static void test_protected(void)
{
    char *dir = make_dir();
    char *store = g_build_filename(dir, "reg.db", NULL);
    char *wal = g_build_filename(dir, "reg.db-wal", NULL);
    char *sym = g_build_filename(dir, "out.xml", NULL);
    char *hard = g_build_filename(dir, "hard.xml", NULL);
    char *dangling = g_build_filename(dir, "wal-link", NULL);
    g_assert_true(g_file_set_contents(store, "not really sqlite", -1, NULL));
    g_assert_cmpint(symlink("reg.db", sym), ==, 0);
    g_assert_cmpint(link(store, hard), ==, 0);
    g_assert_cmpint(symlink("reg.db-wal", dangling), ==, 0);
    crtk_output_protect(store);
    const char *targets[] = {store, wal, sym, hard, dangling};
    for (size_t i = 0; i < G_N_ELEMENTS(targets); i++) {
        GError *error = NULL;
        g_assert_false(crtk_output_write_file(targets[i], "x", 1, &error));
        g_assert_error(error, CRTK_ERROR, CRTK_ERROR_USAGE);
        g_assert_nonnull(strstr(error->message, "registry store"));
        g_clear_error(&error);
    }
    char *c = contents(store);
    g_assert_cmpstr(c, ==, "not really sqlite");
    g_free(c);
    g_assert_false(g_file_test(wal, G_FILE_TEST_EXISTS));
    /* a second registration survives one unprotect (a store opened twice) */
    crtk_output_protect(store);
    crtk_output_unprotect(store);
    g_assert_false(crtk_output_check_target(store, NULL));
    crtk_output_unprotect(store);
    g_assert_true(crtk_output_check_target(store, NULL));
    /* a symbolic link to an ordinary file is followed: the file is replaced, the link kept */
    GError *error = NULL;
    g_assert_true(crtk_output_write_file(sym, "xml", 3, &error));
    g_assert_no_error(error);
    g_assert_true(g_file_test(sym, G_FILE_TEST_IS_SYMLINK));
    c = contents(store);
    g_assert_cmpstr(c, ==, "xml");
    g_free(c);
    g_free(store), g_free(wal), g_free(sym), g_free(hard), g_free(dangling);
    remove_dir(dir);
}

static void test_sqlite_refused(void)
{
    char *dir = make_dir();
    char *p = g_build_filename(dir, "other.db", NULL);
    const char head[] = "SQLite format 3\0rest of a page";
    g_assert_true(g_file_set_contents(p, head, sizeof head, NULL));
    GError *error = NULL;
    g_assert_false(crtk_output_write_file(p, "x", 1, &error));
    g_assert_error(error, CRTK_ERROR, CRTK_ERROR_USAGE);
    g_clear_error(&error);
    gsize len;
    char *c;
    g_assert_true(g_file_get_contents(p, &c, &len, NULL));
    g_assert_cmpuint(len, ==, sizeof head);
    g_free(c), g_free(p);
    remove_dir(dir);
}

static void test_device_written_directly(void)
{
    GError *error = NULL;
    g_assert_true(crtk_output_write_file("/dev/null", "x", 1, &error));
    g_assert_no_error(error);
    if (g_file_test("/dev/full", G_FILE_TEST_EXISTS)) {
        g_assert_false(crtk_output_write_file("/dev/full", "x", 1, &error));
        g_assert_error(error, CRTK_ERROR, CRTK_ERROR_IO);
        g_clear_error(&error);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/output/replaces-whole-owner-only", test_replaces_whole_owner_only);
    g_test_add_func("/output/full-disk", test_full_disk);
    g_test_add_func("/output/failed-sync", test_failed_sync);
    g_test_add_func("/output/failed-rename", test_failed_rename);
    g_test_add_func("/output/stream", test_stream);
    g_test_add_func("/output/protected", test_protected);
    g_test_add_func("/output/sqlite-refused", test_sqlite_refused);
    g_test_add_func("/output/device", test_device_written_directly);
    return g_test_run();
}
