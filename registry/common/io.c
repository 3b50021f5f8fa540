/* io.c — buffered file input/output with transparent gzip (see io.h). */
#include "io.h"
#include "problem.h"
#include "crtk/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct crtk_in {
    int fd;                 /* -1 for memory */
    const char *mem;        /* memory source */
    size_t mem_len, mem_pos;
    gboolean gzip;
    z_stream z;
    unsigned char *zbuf;    /* compressed input */
    size_t zbuf_cap;
    gboolean z_end;         /* underlying file exhausted */
    gboolean member_done;   /* the current gzip member ended */
    unsigned char peek[2];  /* bytes read while sniffing, served first */
    size_t peek_len, peek_pos;
    unsigned char *ahead;   /* decoded bytes looked at by crtk_in_peek, served first by crtk_in_read */
    size_t ahead_len, ahead_pos;
    char *path;
};

static gssize raw_read(crtk_in *in, void *buf, size_t len, GError **error)
{
    if (in->peek_pos < in->peek_len) {
        size_t n = MIN(len, in->peek_len - in->peek_pos);
        memcpy(buf, in->peek + in->peek_pos, n);
        in->peek_pos += n;
        return (gssize)n;
    }
    if (in->fd < 0) {
        size_t n = MIN(len, in->mem_len - in->mem_pos);
        memcpy(buf, in->mem + in->mem_pos, n);
        in->mem_pos += n;
        return (gssize)n;
    }
    for (;;) {
        ssize_t n = read(in->fd, buf, len);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot read: %s", in->path, g_strerror(errno));
        return -1;
    }
}

static gboolean sniff(crtk_in *in, GError **error)
{
    size_t got = 0;
    while (got < 2) {
        gssize n = raw_read(in, in->peek + got, 2 - got, error);
        if (n < 0)
            return FALSE;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    in->peek_len = got;
    in->peek_pos = 0;
    if (got == 2 && in->peek[0] == 0x1f && in->peek[1] == 0x8b) {
        in->gzip = TRUE;
        memset(&in->z, 0, sizeof in->z);
        if (inflateInit2(&in->z, 15 + 32) != Z_OK) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot start gzip decompression", in->path);
            return FALSE;
        }
        in->zbuf_cap = 1 << 18;
        in->zbuf = g_malloc(in->zbuf_cap);
    }
    return TRUE;
}

crtk_in *crtk_in_open(const char *path, GError **error)
{
    int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot open: %s", path, g_strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: is a directory", path);
        close(fd);
        return NULL;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    crtk_in *in = g_new0(crtk_in, 1);
    in->fd = fd;
    in->path = g_strdup(path);
    if (!sniff(in, error)) {
        crtk_in_close(in);
        return NULL;
    }
    return in;
}

crtk_in *crtk_in_open_memory(const char *data, size_t len)
{
    crtk_in *in = g_new0(crtk_in, 1);
    in->fd = -1;
    in->mem = data;
    in->mem_len = len;
    in->path = g_strdup("(memory)");
    if (!sniff(in, NULL)) {
        crtk_in_close(in);
        return NULL;
    }
    return in;
}

gboolean crtk_in_is_gzip(const crtk_in *in)
{
    return in->gzip;
}

/* The next decoded (decompressed) bytes of the stream. */
static gssize decoded_read(crtk_in *in, void *buf, size_t len, GError **error)
{
    if (!in->gzip)
        return raw_read(in, buf, len, error);
    in->z.next_out = buf;
    in->z.avail_out = (uInt)MIN(len, (size_t)UINT_MAX);
    while (in->z.avail_out > 0) {
        if (in->z.avail_in == 0 && !in->z_end) {
            gssize n = raw_read(in, in->zbuf, in->zbuf_cap, error);
            if (n < 0)
                return -1;
            if (n == 0)
                in->z_end = TRUE;
            in->z.next_in = in->zbuf;
            in->z.avail_in = (uInt)n;
        }
        if (in->z.avail_in == 0 && in->z_end) {
            if (!in->member_done) {
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: truncated gzip file", in->path);
                return -1;
            }
            break;
        }
        if (in->member_done) {
            /* More bytes after a complete member: concatenated gzip members, as gzip(1) allows. */
            inflateReset(&in->z);
            in->member_done = FALSE;
        }
        int rc = inflate(&in->z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            in->member_done = TRUE;
            continue;
        }
        if (rc != Z_OK && !(rc == Z_BUF_ERROR && in->z.avail_in == 0)) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: corrupt gzip data: %s", in->path,
                        in->z.msg ? in->z.msg : "inflate failed");
            return -1;
        }
    }
    return (gssize)(len - in->z.avail_out);
}

gssize crtk_in_read(crtk_in *in, void *buf, size_t len, GError **error)
{
    if (in->ahead_pos < in->ahead_len) {
        size_t n = MIN(len, in->ahead_len - in->ahead_pos);
        memcpy(buf, in->ahead + in->ahead_pos, n);
        in->ahead_pos += n;
        return (gssize)n;
    }
    return decoded_read(in, buf, len, error);
}

const char *crtk_in_peek(crtk_in *in, size_t want, size_t *got, GError **error)
{
    if (in->ahead_pos > 0) { /* keep only what has not been read yet */
        memmove(in->ahead, in->ahead + in->ahead_pos, in->ahead_len - in->ahead_pos);
        in->ahead_len -= in->ahead_pos;
        in->ahead_pos = 0;
    }
    in->ahead = g_realloc(in->ahead, MAX(want, in->ahead_len) + 1);
    while (in->ahead_len < want) {
        gssize n = decoded_read(in, in->ahead + in->ahead_len, want - in->ahead_len, error);
        if (n < 0)
            return NULL;
        if (n == 0)
            break;
        in->ahead_len += (size_t)n;
    }
    in->ahead[in->ahead_len] = 0;
    *got = MIN(want, in->ahead_len);
    return (const char *)in->ahead;
}

void crtk_in_close(crtk_in *in)
{
    if (!in)
        return;
    if (in->gzip)
        inflateEnd(&in->z);
    if (in->fd >= 0)
        close(in->fd);
    g_free(in->zbuf);
    g_free(in->ahead);
    g_free(in->path);
    g_free(in);
}

/* ---- output --------------------------------------------------------------- */

#define OUT_BUF (1 << 20)

struct crtk_out {
    int fd;               /* -1 for string */
    GString *target;
    gboolean gzip;
    z_stream z;
    unsigned char *zbuf;
    char *buf;
    size_t len;
    gboolean failed;
    int err;
    char *path;
    gboolean is_stdout;
    crtk_output *file;    /* a file written whole-or-absent (see crtk/output.h) */
    GError *file_error;
};

static void write_all(crtk_out *out, const void *data, size_t len)
{
    if (out->file) {
        if (!out->failed && !crtk_output_write(out->file, data, len, out->file_error ? NULL : &out->file_error))
            out->failed = TRUE;
        return;
    }
    const char *p = data;
    while (len > 0 && !out->failed) {
        ssize_t n = write(out->fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            out->failed = TRUE;
            out->err = errno;
            return;
        }
        p += n;
        len -= (size_t)n;
    }
}

static void deflate_out(crtk_out *out, const void *data, size_t len, int flush)
{
    out->z.next_in = (unsigned char *)data;
    out->z.avail_in = (uInt)len;
    do {
        out->z.next_out = out->zbuf;
        out->z.avail_out = OUT_BUF;
        int rc = deflate(&out->z, flush);
        if (rc == Z_STREAM_ERROR) {
            out->failed = TRUE;
            out->err = EIO;
            return;
        }
        write_all(out, out->zbuf, OUT_BUF - out->z.avail_out);
    } while (out->z.avail_out == 0);
}

static void flush_buf(crtk_out *out)
{
    if (out->len == 0)
        return;
    if (out->target)
        g_string_append_len(out->target, out->buf, (gssize)out->len);
    else if (out->gzip)
        deflate_out(out, out->buf, out->len, Z_NO_FLUSH);
    else
        write_all(out, out->buf, out->len);
    out->len = 0;
}

crtk_out *crtk_out_open(const char *path, GError **error)
{
    int fd;
    crtk_output *file = NULL;
    gboolean is_stdout = strcmp(path, "-") == 0;
    if (is_stdout) {
        fflush(stdout);
        fd = dup(1);
        if (fd < 0) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "standard output: %s", g_strerror(errno));
            return NULL;
        }
    } else {
        file = crtk_output_begin(path, error);
        if (!file)
            return NULL;
        fd = crtk_output_fd(file);
    }
    crtk_out *out = g_new0(crtk_out, 1);
    out->fd = fd;
    out->file = file;
    out->path = g_strdup(path);
    out->is_stdout = is_stdout;
    out->buf = g_malloc(OUT_BUF);
    if (!is_stdout && g_str_has_suffix(path, ".gz")) {
        out->gzip = TRUE;
        out->zbuf = g_malloc(OUT_BUF);
        if (deflateInit2(&out->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot start gzip compression", path);
            crtk_out_abandon(out);
            return NULL;
        }
    }
    return out;
}

crtk_out *crtk_out_open_string(GString *target)
{
    crtk_out *out = g_new0(crtk_out, 1);
    out->fd = -1;
    out->target = target;
    out->buf = g_malloc(OUT_BUF);
    out->path = g_strdup("(memory)");
    return out;
}

void crtk_out_write(crtk_out *out, const void *data, size_t len)
{
    if (out->len + len > OUT_BUF) {
        flush_buf(out);
        if (len > OUT_BUF / 2) {
            if (out->target)
                g_string_append_len(out->target, data, (gssize)len);
            else if (out->gzip)
                deflate_out(out, data, len, Z_NO_FLUSH);
            else
                write_all(out, data, len);
            return;
        }
    }
    memcpy(out->buf + out->len, data, len);
    out->len += len;
}

void crtk_out_puts(crtk_out *out, const char *s)
{
    crtk_out_write(out, s, strlen(s));
}

void crtk_out_putc(crtk_out *out, char c)
{
    if (out->len + 1 > OUT_BUF)
        flush_buf(out);
    out->buf[out->len++] = c;
}

void crtk_out_printf(crtk_out *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    crtk_out_puts(out, s);
    g_free(s);
}

static void out_free(crtk_out *out)
{
    if (out->gzip)
        deflateEnd(&out->z);
    g_free(out->zbuf);
    g_free(out->buf);
    g_free(out->path);
    g_clear_error(&out->file_error);
    g_free(out);
}

gboolean crtk_out_close(crtk_out *out, GError **error)
{
    flush_buf(out);
    if (out->gzip)
        deflate_out(out, "", 0, Z_FINISH);
    if (out->file) {
        gboolean ok;
        if (out->failed) {
            if (out->file_error) {
                g_propagate_error(error, out->file_error);
                out->file_error = NULL;
            } else {
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot write: %s", out->path,
                            g_strerror(out->err ? out->err : EIO));
            }
            crtk_output_abort(out->file);
            ok = FALSE;
        } else {
            ok = crtk_output_commit(out->file, error);
        }
        out->file = NULL;
        out_free(out);
        return ok;
    }
    if (out->fd >= 0) {
        if (close(out->fd) != 0 && !out->failed) {
            out->failed = TRUE;
            out->err = errno;
        }
    }
    gboolean ok = !out->failed;
    if (!ok)
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "%s: cannot write: %s", out->path, g_strerror(out->err));
    out_free(out);
    return ok;
}

void crtk_out_abandon(crtk_out *out)
{
    if (!out)
        return;
    if (out->file)
        crtk_output_abort(out->file);
    else if (out->fd >= 0)
        close(out->fd);
    out->file = NULL;
    out_free(out);
}

gboolean crtk_read_whole_file(const char *path, char **data, size_t *len, GError **error)
{
    crtk_in *in = crtk_in_open(path, error);
    if (!in)
        return FALSE;
    GString *s = g_string_new(NULL);
    char buf[65536];
    for (;;) {
        gssize n = crtk_in_read(in, buf, sizeof buf, error);
        if (n < 0) {
            crtk_in_close(in);
            g_string_free(s, TRUE);
            return FALSE;
        }
        if (n == 0)
            break;
        g_string_append_len(s, buf, n);
    }
    crtk_in_close(in);
    *len = s->len;
    *data = g_string_free(s, FALSE);
    return TRUE;
}
