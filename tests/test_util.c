/* test_util.c — helpers shared by the unit tests (see test_util.h). */
#include "test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *tmpdir;
static int skips;

void tu_remove_tree(const char *path)
{
    if (!g_file_test(path, G_FILE_TEST_IS_DIR) || g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
        g_unlink(path);
        return;
    }
    GDir *d = g_dir_open(path, 0, NULL);
    if (d) {
        const char *name;
        while ((name = g_dir_read_name(d))) {
            char *p = g_build_filename(path, name, NULL);
            tu_remove_tree(p);
            g_free(p);
        }
        g_dir_close(d);
    }
    g_rmdir(path);
}

static void remove_tmpdir(void)
{
    if (tmpdir)
        tu_remove_tree(tmpdir);
    g_free(tmpdir);
    tmpdir = NULL;
}

void tu_init(int *argc, char ***argv)
{
    g_test_init(argc, argv, NULL);
}

int tu_finish(int status)
{
    if (status == 0 && skips > 0) {
        printf("SKIPPED: %d test%s could not run (see the # SKIP lines above)\n", skips, skips == 1 ? "" : "s");
        return 77;
    }
    return status;
}

const char *tu_tmpdir(void)
{
    if (!tmpdir) {
        GError *e = NULL;
        tmpdir = g_dir_make_tmp("crtk-test-XXXXXX", &e);
        g_assert_no_error(e);
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

char *tu_tmp_path(const char *name)
{
    return g_build_filename(tu_tmpdir(), name, NULL);
}

char *tu_write_tmp(const char *name, const char *text, gssize len)
{
    char *p = tu_tmp_path(name);
    GError *e = NULL;
    g_assert_true(g_file_set_contents(p, text, len, &e));
    g_assert_no_error(e);
    return p;
}

char *tu_make_tmpdir(const char *prefix)
{
    char *tmpl = g_strdup_printf("%s/%s-XXXXXX", tu_tmpdir(), prefix);
    g_assert_nonnull(g_mkdtemp(tmpl));
    return tmpl;
}

gboolean tu_skip(const char *why)
{
    if (g_strcmp0(g_getenv("CI"), "true") == 0) {
        g_test_fail_printf("CI=true and this test cannot run: %s", why);
    } else {
        skips++;
        g_test_skip(why);
    }
    return FALSE;
}

/* ../shared as configured, or the environment's CRTK_SHARED_DIR (to try a test without it). */
static const char *shared_dir(void)
{
    const char *e = g_getenv("CRTK_SHARED_DIR");
    return e && *e ? e : CRTK_SHARED_DIR;
}

char *tu_shared(const char *rel)
{
    char *p = g_build_filename(shared_dir(), rel, NULL);
    if (g_file_test(p, G_FILE_TEST_EXISTS))
        return p;
    char *why = g_file_test(shared_dir(), G_FILE_TEST_IS_DIR)
                    ? g_strdup_printf("reference file %s is absent from ../shared", p)
                    : g_strdup_printf("reference data ../shared (%s) is absent", shared_dir());
    tu_skip(why);
    g_free(why);
    g_free(p);
    return NULL;
}

char *tu_program(const char *name, const char *what_for)
{
    char *p = g_find_program_in_path(name);
    if (!p) {
        char *why = g_strdup_printf("%s is not installed (needed for %s; tools/dev/install-deps.sh installs it)", name,
                                    what_for);
        tu_skip(why);
        g_free(why);
    }
    return p;
}

static char *slurp(const char *path)
{
    char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

int tu_run_crtk(const char *const *args, const char *input, gssize input_len, char **out, char **err)
{
    static int serial;
    int n = ++serial;
    char name[64];
    g_snprintf(name, sizeof name, "run%d.in", n);
    char *in_path = tu_write_tmp(name, input ? input : "", input ? input_len : 0);
    g_snprintf(name, sizeof name, "run%d.out", n);
    char *out_path = tu_tmp_path(name);
    g_snprintf(name, sizeof name, "run%d.err", n);
    char *err_path = tu_tmp_path(name);
    int fin = open(in_path, O_RDONLY | O_CLOEXEC);
    int fout = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int ferr = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    g_assert_true(fin >= 0 && fout >= 0 && ferr >= 0);
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)CRTK_BINARY);
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    GPid pid;
    GError *e = NULL;
    g_assert_true(g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)argv->pdata, NULL,
                                                   G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, fin, fout, ferr, NULL,
                                                   NULL, 0, &pid, NULL, NULL, NULL, &e));
    g_assert_no_error(e);
    close(fin), close(fout), close(ferr);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        g_assert_cmpint(errno, ==, EINTR);
    g_spawn_close_pid(pid);
    if (out)
        *out = slurp(out_path);
    if (err)
        *err = slurp(err_path);
    g_ptr_array_free(argv, TRUE);
    g_free(in_path), g_free(out_path), g_free(err_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

char *tu_sha256sum(const char *path)
{
    char *exe = tu_program("sha256sum", "an independent checksum");
    if (!exe)
        return NULL;
    const char *argv[] = {exe, "-b", path, NULL};
    char *out = NULL;
    int status;
    GError *e = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &e));
    g_assert_no_error(e);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_free(exe);
    char *sp = strchr(out, ' ');
    g_assert_nonnull(sp);
    *sp = 0;
    g_assert_cmpuint(strlen(out), ==, 64);
    return out;
}
