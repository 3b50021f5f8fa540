/* output.c — whole-or-absent output files, refusing to overwrite the store (see crtk/output.h).
 *
 * begin: resolve the target (following symbolic links), refuse it when it is a protected
 * file, create ".NAME.XXXXXX" next to it with mode 0600.  write: loop over write(2),
 * remember the first error.  commit: fsync, close, rename over the target, fsync the
 * directory.  Every failure path unlinks the temporary file.
 */
#include "crtk/output.h"
#include "problem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct crtk_output {
    char *path;      /* as given */
    char *final;     /* resolved target that the rename replaces */
    char *tmp;       /* temporary file, NULL when writing a device directly */
    int fd;
    gint64 written;
    int err;         /* first write error (errno) */
};

static GMutex protect_lock;
static GPtrArray *protected_paths; /* canonical paths (char *) */

static const char *const companions[] = {"", "-wal", "-shm", "-journal"};

static char *inject_mode;     /* "write", "sync", "rename" or NULL */
static gint64 inject_bytes;
static gboolean inject_read;

static void read_injection(void)
{
    if (inject_read)
        return;
    inject_read = TRUE;
    const char *e = g_getenv("CRTK_TEST_OUTPUT_FAIL");
    if (!e || !*e)
        return;
    if (g_str_has_prefix(e, "write:")) {
        inject_mode = g_strdup("write");
        inject_bytes = g_ascii_strtoll(e + 6, NULL, 10);
    } else {
        inject_mode = g_strdup(e);
    }
}

void crtk_output_inject_failure(const char *mode, gint64 bytes)
{
    inject_read = TRUE;
    g_free(inject_mode);
    inject_mode = g_strdup(mode);
    inject_bytes = bytes;
}

static gboolean injected(const char *mode)
{
    read_injection();
    return inject_mode && strcmp(inject_mode, mode) == 0;
}

/* The canonical form of a path that may not exist yet: its directory resolved, plus its name. */
static char *canonical(const char *path)
{
    char *r = realpath(path, NULL);
    if (r) {
        char *g = g_strdup(r);
        free(r);
        return g;
    }
    char *dir = g_path_get_dirname(path), *base = g_path_get_basename(path);
    char *rd = realpath(dir, NULL);
    char *out = rd ? g_build_filename(rd, base, NULL) : g_strdup(path);
    free(rd);
    g_free(dir);
    g_free(base);
    return out;
}

/* Follows symbolic links (also dangling ones) to the file a write would land in. */
static char *resolve_target(const char *path)
{
    char *cur = g_strdup(path);
    for (int hops = 0; hops < 40; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            break;
        char *link = g_file_read_link(cur, NULL);
        if (!link)
            break;
        char *next;
        if (g_path_is_absolute(link)) {
            next = link;
        } else {
            char *dir = g_path_get_dirname(cur);
            next = g_build_filename(dir, link, NULL);
            g_free(dir);
            g_free(link);
        }
        g_free(cur);
        cur = next;
    }
    char *c = canonical(cur);
    g_free(cur);
    return c;
}

void crtk_output_protect(const char *path)
{
    /* One entry per registration (a store opened twice is registered twice), so that
     * closing one handle keeps the file protected while the other is open. */
    char *c = canonical(path);
    g_mutex_lock(&protect_lock);
    if (!protected_paths)
        protected_paths = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(protected_paths, c);
    g_mutex_unlock(&protect_lock);
}

void crtk_output_unprotect(const char *path)
{
    char *c = canonical(path);
    g_mutex_lock(&protect_lock);
    for (guint i = 0; protected_paths && i < protected_paths->len; i++)
        if (strcmp(protected_paths->pdata[i], c) == 0) {
            g_ptr_array_remove_index(protected_paths, i);
            break;
        }
    g_mutex_unlock(&protect_lock);
    g_free(c);
}

/* An SQLite database (a store that this process has not opened, or has not opened yet) is
 * never replaced by an output either: its first 16 bytes say what it is. */
static gboolean is_sqlite_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return FALSE;
    struct stat st;
    char head[16];
    gboolean yes = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read(fd, head, sizeof head) == sizeof head &&
                   memcmp(head, "SQLite format 3", 16) == 0;
    close(fd);
    return yes;
}

static gboolean refused(const char *path, const char *final, GError **error)
{
    if (is_sqlite_file(final)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "%s: refusing to write an output over an SQLite database (a registry store?); "
                    "choose another file name", path);
        return TRUE;
    }
    struct stat ts;
    gboolean have_ts = stat(final, &ts) == 0;
    gboolean hit = FALSE;
    const char *which = NULL;
    g_mutex_lock(&protect_lock);
    for (guint i = 0; protected_paths && i < protected_paths->len && !hit; i++) {
        for (size_t k = 0; k < G_N_ELEMENTS(companions) && !hit; k++) {
            char *p = g_strconcat(protected_paths->pdata[i], companions[k], NULL);
            struct stat ps;
            if (strcmp(p, final) == 0)
                hit = TRUE;
            else if (have_ts && stat(p, &ps) == 0 && ps.st_dev == ts.st_dev && ps.st_ino == ts.st_ino)
                hit = TRUE;
            if (hit)
                which = protected_paths->pdata[i];
            g_free(p);
        }
    }
    if (hit)
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "%s: refusing to write an output over the registry store %s (or its journal); "
                    "choose another file name", path, which);
    g_mutex_unlock(&protect_lock);
    return hit;
}

gboolean crtk_output_check_target(const char *path, GError **error)
{
    char *final = resolve_target(path);
    gboolean ok = !refused(path, final, error);
    g_free(final);
    return ok;
}

crtk_output *crtk_output_begin(const char *path, GError **error)
{
    char *final = resolve_target(path);
    if (refused(path, final, error)) {
        g_free(final);
        return NULL;
    }
    crtk_output *o = g_new0(crtk_output, 1);
    o->path = g_strdup(path);
    o->final = final;
    struct stat st;
    if (stat(final, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot write: it is a directory", path);
            crtk_output_abort(o);
            return NULL;
        }
        o->fd = open(final, O_WRONLY | O_CLOEXEC);
    } else {
        char *dir = g_path_get_dirname(final), *base = g_path_get_basename(final);
        o->tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
        g_free(dir);
        g_free(base);
        o->fd = g_mkstemp_full(o->tmp, O_RDWR | O_CLOEXEC, 0600);
        if (o->fd < 0) {
            g_free(o->tmp);
            o->tmp = NULL;
        }
    }
    if (o->fd < 0) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot create: %s", path, g_strerror(errno));
        crtk_output_abort(o);
        return NULL;
    }
    return o;
}

int crtk_output_fd(const crtk_output *o)
{
    return o->fd;
}

const char *crtk_output_temp_path(const crtk_output *o)
{
    return o->tmp ? o->tmp : o->final;
}

const char *crtk_output_path(const crtk_output *o)
{
    return o->path;
}

static void set_write_error(const crtk_output *o, GError **error)
{
    g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot write: %s", o->path, g_strerror(o->err));
}

gboolean crtk_output_write(crtk_output *o, const void *data, size_t len, GError **error)
{
    const char *p = data;
    while (len > 0 && !o->err) {
        size_t chunk = len;
        if (injected("write")) {
            if (o->written >= inject_bytes) {
                o->err = ENOSPC;
                break;
            }
            chunk = MIN(chunk, (size_t)(inject_bytes - o->written));
        }
        ssize_t n = write(o->fd, p, chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            o->err = errno;
            break;
        }
        p += n;
        len -= (size_t)n;
        o->written += n;
    }
    if (o->err) {
        set_write_error(o, error);
        return FALSE;
    }
    return TRUE;
}

static void sync_dir(const char *file)
{
    char *dir = g_path_get_dirname(file);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse fsync on a directory */
        close(fd);
    }
    g_free(dir);
}

gboolean crtk_output_commit(crtk_output *o, GError **error)
{
    if (!o->err && injected("write")) {
        /* Outputs written by name (libxlsxwriter) are checked by their final size. */
        struct stat st;
        if (fstat(o->fd, &st) == 0 && st.st_size > inject_bytes)
            o->err = ENOSPC;
    }
    if (!o->err && o->tmp) {
        if (injected("sync"))
            o->err = EIO;
        else if (fsync(o->fd) != 0)
            o->err = errno;
    }
    if (o->err) {
        set_write_error(o, error);
        crtk_output_abort(o);
        return FALSE;
    }
    int rc = close(o->fd);
    o->fd = -1;
    if (rc != 0) {
        o->err = errno;
        set_write_error(o, error);
        crtk_output_abort(o);
        return FALSE;
    }
    if (o->tmp) {
        if (injected("rename") || rename(o->tmp, o->final) != 0) {
            int e = injected("rename") ? EIO : errno;
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot put the file in place: %s", o->path,
                        g_strerror(e));
            crtk_output_abort(o);
            return FALSE;
        }
        g_free(o->tmp);
        o->tmp = NULL;
        sync_dir(o->final);
    }
    crtk_output_abort(o);
    return TRUE;
}

void crtk_output_abort(crtk_output *o)
{
    if (!o)
        return;
    if (o->fd >= 0)
        close(o->fd);
    if (o->tmp)
        unlink(o->tmp);
    g_free(o->tmp);
    g_free(o->final);
    g_free(o->path);
    g_free(o);
}

gboolean crtk_output_write_file(const char *path, const void *data, size_t len, GError **error)
{
    crtk_output *o = crtk_output_begin(path, error);
    if (!o)
        return FALSE;
    if (!crtk_output_write(o, data, len, error)) {
        crtk_output_abort(o);
        return FALSE;
    }
    return crtk_output_commit(o, error);
}

FILE *crtk_output_stream(crtk_output *o, GError **error)
{
    int fd = dup(o->fd);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot write: %s", o->path, g_strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    return f;
}

gboolean crtk_output_fclose(crtk_output *o, FILE *stream, GError **error)
{
    int e = 0;
    if (fflush(stream) != 0)
        e = errno;
    if (ferror(stream) && !e)
        e = EIO;
    if (fclose(stream) != 0 && !e)
        e = errno;
    if (e) {
        o->err = e;
        set_write_error(o, error);
        crtk_output_abort(o);
        return FALSE;
    }
    return crtk_output_commit(o, error);
}

gboolean crtk_output_close_stdout(GError **error)
{
    int e = 0;
    if (fflush(stdout) != 0)
        e = errno;
    if (ferror(stdout) && !e)
        e = EIO;
    if (fclose(stdout) != 0 && !e)
        e = errno;
    if (e) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "standard output: cannot write: %s", g_strerror(e));
        return FALSE;
    }
    return TRUE;
}
