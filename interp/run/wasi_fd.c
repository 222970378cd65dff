/*
 * wasi_fd.c: WASI calls on open descriptors: read/write (plain and
 * positioned), seek/tell, close/renumber, fdstat, filestat, sync,
 * prestat and readdir.
 *
 * A guest descriptor is an index into wasi_ctx.fds; each holds one host
 * descriptor.  Guest iovecs are translated into host iovecs after every
 * one of them has been checked against linear memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi.h"

/* ---- the descriptor table ----------------------------------------------- */

/* Returns the live descriptor fd, or NULL (the caller returns EBADF). */
wasi_fd *wasi_fd_get(wasi_ctx *w, uint32_t fd)
{
    if (fd >= WASI_MAX_FDS || w->fds[fd].host < 0)
        return NULL;
    return &w->fds[fd];
}

/*
 * Needs: host, an open host descriptor the table takes over.
 * Returns the lowest free guest descriptor now holding it, or -1 when the
 * table is full (host is then left open for the caller to close).
 */
int wasi_fd_add(wasi_ctx *w, int host)
{
    for (int i = 3; i < WASI_MAX_FDS; i++) {
        if (w->fds[i].host >= 0)
            continue;
        memset(&w->fds[i], 0, sizeof w->fds[i]);
        w->fds[i].host = host;
        return i;
    }
    return -1;
}

/* Releases everything slot f holds except what stdio must keep. */
static void wasi_fd_release(wasi_fd *f)
{
    if (f->dir)
        closedir(f->dir);
    if (!f->stdio)
        close(f->host);
    free(f->preopen);
    memset(f, 0, sizeof *f);
    f->host = -1;
}

/* The WASI file type for a host st_mode. */
uint8_t wasi_filetype(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFBLK: return WASI_FT_BLOCK;
    case S_IFCHR: return WASI_FT_CHAR;
    case S_IFDIR: return WASI_FT_DIR;
    case S_IFREG: return WASI_FT_REGULAR;
    case S_IFSOCK: return WASI_FT_SOCK_STREAM;
    case S_IFLNK: return WASI_FT_SYMLINK;
    default: return WASI_FT_UNKNOWN;
    }
}

static uint64_t wasi_ts(const struct timespec *ts)
{
    return (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
}

/* Encodes a host struct stat as a 64-byte WASI filestat. */
void wasi_filestat(uint8_t out[64], const void *host_stat)
{
    const struct stat *st = host_stat;
    memset(out, 0, 64);
    wasi_le64(out + 0, (uint64_t)st->st_dev);
    wasi_le64(out + 8, (uint64_t)st->st_ino);
    out[16] = wasi_filetype(st->st_mode);
    wasi_le64(out + 24, (uint64_t)st->st_nlink);
    wasi_le64(out + 32, (uint64_t)st->st_size);
    wasi_le64(out + 40, wasi_ts(&st->st_atim));
    wasi_le64(out + 48, wasi_ts(&st->st_mtim));
    wasi_le64(out + 56, wasi_ts(&st->st_ctim));
}

/* ---- reading and writing -------------------------------------------------- */

/*
 * Translates n guest iovecs at guest address iovs into host iovecs in
 * out[0..n).  Returns 0, WASI_EINVAL (too many) or WASI_EFAULT (the array
 * or any buffer lies outside memory).
 */
static uint32_t wasi_iovs(wasm_host_call *c, uint32_t iovs, uint32_t n,
                          struct iovec *out)
{
    const uint8_t *arr = wasi_mem(c, iovs, (uint64_t)n * 8);
    if (n > WASI_MAX_IOVS)
        return WASI_EINVAL;
    if (!arr)
        return WASI_EFAULT;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf, len;
        memcpy(&buf, arr + 8 * i, 4);
        memcpy(&len, arr + 8 * i + 4, 4);
        out[i].iov_base = wasi_mem(c, buf, len);
        out[i].iov_len = len;
        if (!out[i].iov_base)
            return WASI_EFAULT;
    }
    return 0;
}

/* The four I/O calls differ only in direction and positioning. */
enum { IO_READ, IO_WRITE, IO_PREAD, IO_PWRITE };

/*
 * Shared body of fd_read/fd_write/fd_pread/fd_pwrite:
 * (fd, iovs, iovs_len, [offset: i64,] nbytes_out).
 */
static uint32_t wasi_io(wasi_ctx *w, wasm_host_call *c, int op)
{
    static struct iovec iov[WASI_MAX_IOVS];
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    uint32_t n = wasi_arg32(c, 2), err;
    bool positioned = op == IO_PREAD || op == IO_PWRITE;
    off_t at = positioned ? (off_t)wasi_arg64(c, 3) : 0;
    ssize_t got;
    if (!f)
        return WASI_EBADF;
    if ((err = wasi_iovs(c, wasi_arg32(c, 1), n, iov)) != 0)
        return err;
    if (!wasi_mem(c, wasi_arg32(c, positioned ? 4 : 3), 4))
        return WASI_EFAULT;     /* checked first: no I/O without a result */
    if (positioned && at < 0)
        return WASI_EINVAL;
    switch (op) {
    case IO_READ: got = readv(f->host, iov, (int)n); break;
    case IO_WRITE: got = writev(f->host, iov, (int)n); break;
    case IO_PREAD: got = preadv(f->host, iov, (int)n, at); break;
    default: got = pwritev(f->host, iov, (int)n, at); break;
    }
    if (got < 0)
        return wasi_errno(errno);
    return wasi_put32(c, wasi_arg32(c, positioned ? 4 : 3), (uint32_t)got);
}

uint32_t wasi_fd_read(wasi_ctx *w, wasm_host_call *c)
{
    return wasi_io(w, c, IO_READ);
}

uint32_t wasi_fd_write(wasi_ctx *w, wasm_host_call *c)
{
    return wasi_io(w, c, IO_WRITE);
}

uint32_t wasi_fd_pread(wasi_ctx *w, wasm_host_call *c)
{
    return wasi_io(w, c, IO_PREAD);
}

uint32_t wasi_fd_pwrite(wasi_ctx *w, wasm_host_call *c)
{
    return wasi_io(w, c, IO_PWRITE);
}

/* fd_seek(fd, offset: i64, whence, newoffset_out). */
uint32_t wasi_fd_seek(wasi_ctx *w, wasm_host_call *c)
{
    static const int whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    uint32_t wh = wasi_arg32(c, 2);
    off_t pos;
    if (!f)
        return WASI_EBADF;
    if (wh > 2)
        return WASI_EINVAL;
    if (!wasi_mem(c, wasi_arg32(c, 3), 8))
        return WASI_EFAULT;
    pos = lseek(f->host, (off_t)wasi_arg64(c, 1), whence[wh]);
    if (pos < 0)
        return wasi_errno(errno);
    return wasi_put64(c, wasi_arg32(c, 3), (uint64_t)pos);
}

uint32_t wasi_fd_tell(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    off_t pos;
    if (!f)
        return WASI_EBADF;
    pos = lseek(f->host, 0, SEEK_CUR);
    if (pos < 0)
        return wasi_errno(errno);
    return wasi_put64(c, wasi_arg32(c, 1), (uint64_t)pos);
}

/* ---- closing and renumbering ------------------------------------------- */

uint32_t wasi_fd_close(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    if (!f)
        return WASI_EBADF;
    wasi_fd_release(f);
    return 0;
}

/* fd_renumber(from, to): to is closed, then from moves to it. */
uint32_t wasi_fd_renumber(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *from = wasi_fd_get(w, wasi_arg32(c, 0));
    wasi_fd *to = wasi_fd_get(w, wasi_arg32(c, 1));
    if (!from || !to)
        return WASI_EBADF;
    if (from == to)
        return 0;
    wasi_fd_release(to);
    *to = *from;
    memset(from, 0, sizeof *from);
    from->host = -1;
    return 0;
}

/* ---- fdstat and filestat --------------------------------------------------- */

/* fd_fdstat_get(fd, fdstat_out): type, flags and (unrestricted) rights. */
uint32_t wasi_fd_fdstat_get(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    uint8_t *out = wasi_mem(c, wasi_arg32(c, 1), 24);
    struct stat st;
    uint64_t rights = WASI_RIGHTS_ALL;
    uint16_t flags = 0;
    int fl;
    if (!f)
        return WASI_EBADF;
    if (!out)
        return WASI_EFAULT;
    if (fstat(f->host, &st) != 0 || (fl = fcntl(f->host, F_GETFL)) < 0)
        return wasi_errno(errno);
    if (S_ISCHR(st.st_mode) && isatty(f->host))
        rights &= ~(WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL);
    flags |= (fl & O_APPEND) ? WASI_FDFLAG_APPEND : 0;
    flags |= (fl & O_NONBLOCK) ? WASI_FDFLAG_NONBLOCK : 0;
    flags |= (fl & O_DSYNC) ? WASI_FDFLAG_DSYNC : 0;
    flags |= ((fl & O_SYNC) == O_SYNC) ? WASI_FDFLAG_SYNC : 0;
    memset(out, 0, 24);
    out[0] = wasi_filetype(st.st_mode);
    out[2] = (uint8_t)flags;
    wasi_le64(out + 8, rights);
    wasi_le64(out + 16, WASI_RIGHTS_ALL);
    return 0;
}

/* fd_fdstat_set_flags(fd, flags): only APPEND and NONBLOCK can change. */
uint32_t wasi_fd_fdstat_set_flags(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    uint32_t fl = wasi_arg32(c, 1);
    int host = 0;
    if (!f)
        return WASI_EBADF;
    if (fl & ~(uint32_t)(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK))
        return WASI_ENOTSUP;
    host |= (fl & WASI_FDFLAG_APPEND) ? O_APPEND : 0;
    host |= (fl & WASI_FDFLAG_NONBLOCK) ? O_NONBLOCK : 0;
    if (fcntl(f->host, F_SETFL, host) != 0)
        return wasi_errno(errno);
    return 0;
}

uint32_t wasi_fd_filestat_get(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    uint8_t *out = wasi_mem(c, wasi_arg32(c, 1), 64);
    struct stat st;
    if (!f)
        return WASI_EBADF;
    if (!out)
        return WASI_EFAULT;
    if (fstat(f->host, &st) != 0)
        return wasi_errno(errno);
    wasi_filestat(out, &st);
    return 0;
}

uint32_t wasi_fd_filestat_set_size(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    if (!f)
        return WASI_EBADF;
    if (ftruncate(f->host, (off_t)wasi_arg64(c, 1)) != 0)
        return wasi_errno(errno);
    return 0;
}

/*
 * Builds host timespecs for (atim, mtim, fstflags) as WASI passes them to
 * the *_set_times calls.  Returns 0 or WASI_EINVAL for contradictory flags.
 */
uint32_t wasi_times(uint64_t atim, uint64_t mtim, uint32_t fl,
                    struct timespec ts[2])
{
    uint64_t v[2] = {atim, mtim};
    for (int i = 0; i < 2; i++) {
        uint32_t set = fl >> (2 * i) & 1, now = fl >> (2 * i + 1) & 1;
        if (set && now)
            return WASI_EINVAL;
        ts[i].tv_sec = (time_t)(v[i] / 1000000000ull);
        ts[i].tv_nsec = set ? (long)(v[i] % 1000000000ull)
                            : now ? UTIME_NOW : UTIME_OMIT;
    }
    return 0;
}

/* fd_filestat_set_times(fd, atim: i64, mtim: i64, fstflags). */
uint32_t wasi_fd_filestat_set_times(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    struct timespec ts[2];
    uint32_t err;
    if (!f)
        return WASI_EBADF;
    err = wasi_times(wasi_arg64(c, 1), wasi_arg64(c, 2), wasi_arg32(c, 3), ts);
    if (err)
        return err;
    return futimens(f->host, ts) ? wasi_errno(errno) : 0;
}

uint32_t wasi_fd_sync(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    if (!f)
        return WASI_EBADF;
    return fsync(f->host) ? wasi_errno(errno) : 0;
}

uint32_t wasi_fd_datasync(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    if (!f)
        return WASI_EBADF;
    return fdatasync(f->host) ? wasi_errno(errno) : 0;
}

/* fd_advise(fd, offset, len, advice): advice is only a hint; accepted. */
uint32_t wasi_fd_advise(wasi_ctx *w, wasm_host_call *c)
{
    if (!wasi_fd_get(w, wasi_arg32(c, 0)))
        return WASI_EBADF;
    return wasi_arg32(c, 3) > 5 ? WASI_EINVAL : 0;
}

/* fd_allocate(fd, offset, len): makes the file at least offset+len long. */
uint32_t wasi_fd_allocate(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    uint64_t end = wasi_arg64(c, 1) + wasi_arg64(c, 2);
    struct stat st;
    if (!f)
        return WASI_EBADF;
    if (end < wasi_arg64(c, 1) || end > INT64_MAX)
        return WASI_EFBIG;
    if (fstat(f->host, &st) != 0)
        return wasi_errno(errno);
    if ((uint64_t)st.st_size >= end)
        return 0;
    return ftruncate(f->host, (off_t)end) ? wasi_errno(errno) : 0;
}

/* ---- preopens ------------------------------------------------------------ */

/* fd_prestat_get(fd, prestat_out): tag 0 (dir) and the name's length. */
uint32_t wasi_fd_prestat_get(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    uint8_t *out = wasi_mem(c, wasi_arg32(c, 1), 8);
    if (!f || !f->preopen)
        return WASI_EBADF;
    if (!out)
        return WASI_EFAULT;
    memset(out, 0, 8);
    wasi_le32(out + 4, (uint32_t)strlen(f->preopen));
    return 0;
}

/* fd_prestat_dir_name(fd, buf, len): the name, not NUL-terminated. */
uint32_t wasi_fd_prestat_dir_name(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    uint32_t len = wasi_arg32(c, 2);
    char *out = wasi_mem(c, wasi_arg32(c, 1), len);
    if (!f || !f->preopen)
        return WASI_EBADF;
    if (!out)
        return WASI_EFAULT;
    if (len < strlen(f->preopen))
        return WASI_ENAMETOOLONG;
    memcpy(out, f->preopen, strlen(f->preopen));
    return 0;
}

/* ---- readdir -------------------------------------------------------------- */

/*
 * Makes f->dir positioned so that the next readdir returns entry number
 * `cookie` (cookies are entry indexes).  Returns 0 or a WASI errno.
 */
static uint32_t wasi_dir_seek(wasi_fd *f, uint64_t cookie)
{
    if (!f->dir) {
        int d = dup(f->host);
        if (d < 0)
            return wasi_errno(errno);
        if (!(f->dir = fdopendir(d))) {
            close(d);
            return wasi_errno(errno);
        }
        f->dir_pos = 0;
        rewinddir(f->dir);
    }
    if (cookie < f->dir_pos) {
        rewinddir(f->dir);
        f->dir_pos = 0;
    }
    while (f->dir_pos < cookie) {
        errno = 0;
        if (!readdir(f->dir))
            return errno ? wasi_errno(errno) : 0;
        f->dir_pos++;
    }
    return 0;
}

/* The WASI file type for a dirent d_type. */
static uint8_t wasi_dtype(unsigned char t)
{
    switch (t) {
    case DT_BLK: return WASI_FT_BLOCK;
    case DT_CHR: return WASI_FT_CHAR;
    case DT_DIR: return WASI_FT_DIR;
    case DT_REG: return WASI_FT_REGULAR;
    case DT_SOCK: return WASI_FT_SOCK_STREAM;
    case DT_LNK: return WASI_FT_SYMLINK;
    default: return WASI_FT_UNKNOWN;
    }
}

/*
 * fd_readdir(fd, buf, buf_len, cookie: i64, bufused_out): packs 24-byte
 * dirent headers, each followed by its name, into buf; the last entry may
 * be cut short, which tells the guest to call again with a bigger buffer.
 * bufused < buf_len means the directory has no more entries.
 */
uint32_t wasi_fd_readdir(wasi_ctx *w, wasm_host_call *c)
{
    wasi_fd *f = wasi_fd_get(w, wasi_arg32(c, 0));
    uint32_t len = wasi_arg32(c, 2), used = 0, err;
    uint8_t *buf = wasi_mem(c, wasi_arg32(c, 1), len);
    struct dirent *d;
    if (!f)
        return WASI_EBADF;
    if (!buf)
        return WASI_EFAULT;
    if ((err = wasi_dir_seek(f, wasi_arg64(c, 3))) != 0)
        return err;
    while (used < len) {
        uint8_t ent[24];
        size_t nlen;
        errno = 0;
        if (!(d = readdir(f->dir))) {
            if (errno)
                return wasi_errno(errno);
            break;
        }
        f->dir_pos++;
        nlen = strlen(d->d_name);
        wasi_le64(ent, f->dir_pos);
        wasi_le64(ent + 8, (uint64_t)d->d_ino);
        wasi_le32(ent + 16, (uint32_t)nlen);
        memset(ent + 20, 0, 4);
        ent[20] = wasi_dtype(d->d_type);
        for (size_t i = 0; i < 24 + nlen && used < len; i++)
            buf[used++] = i < 24 ? ent[i] : (uint8_t)d->d_name[i - 24];
    }
    return wasi_put32(c, wasi_arg32(c, 4), used);
}
