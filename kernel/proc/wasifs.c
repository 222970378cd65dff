/*
 * wasifs.c: WASI over IPC, part 2 (wasifs.h): files, through the file
 * service's endpoint in slot 1 (the FS_* protocol of proto.h).
 *
 * A process's descriptors 3 and up live in its struct wasifs: fd 3 is
 * the preopened directory "/" (there whenever slot 1 is an endpoint
 * send handle), the others what path_open made.  A path is resolved
 * here, against its directory descriptor's path, into a normalised
 * absolute path ("." and empty parts dropped, ".." going up but never
 * above "/"), which the file service receives whole: the service never
 * sees a relative path, and no path escapes the root.  The file offset
 * is kept here too; the service is told it with every read and write.
 * Every failure is a WASI errno (the service's replies are already
 * errnos); a bad pointer traps, as everywhere (hostcall.h).
 */
#include "proc/wasifs.h"

#include "kstring.h"
#include "mm/kmalloc.h"

/* fd_at: the open descriptor fd (>= 3) of p, or NULL (EBADF).  fd 3
 * needs the file service in slot 1. */
static struct wasifs_fd *fd_at(struct proc *p, uint32_t fd)
{
    struct wasifs *w = p->wasifs;
    if (fd < 3 || fd >= 3 + WASIFS_FDS || !wasifs_has(p, WISP_SLOT_FS))
        return NULL;
    if (fd == 3 && w->preopen_closed)
        return NULL;
    return w->fds[fd - 3].type ? &w->fds[fd - 3] : NULL;
}

/* ---- paths ----------------------------------------------------------------- */

/*
 * path_join: dir (absolute, normalised) then rel (len bytes), normalised
 * into out[FS_PATH_MAX].  Returns 0, EINVAL (a NUL byte in rel) or
 * ENAMETOOLONG.
 */
static uint32_t path_join(const char *dir, const char *rel, uint32_t len,
                          char *out)
{
    uint32_t n = (uint32_t)strlcpy(out, dir, FS_PATH_MAX), i = 0;
    if (n == 1)
        n = 0;                          /* "/": parts append as "/x" */
    while (i < len) {
        uint32_t s;
        while (i < len && rel[i] == '/')
            i++;
        for (s = i; i < len && rel[i] != '/'; i++)
            if (rel[i] == '\0')
                return WASI_EINVAL;
        if (i - s == 0 || (i - s == 1 && rel[s] == '.'))
            continue;
        if (i - s == 2 && rel[s] == '.' && rel[s + 1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                n--;
            n -= n > 0;                 /* and the '/' before it */
            continue;
        }
        if (n + 1 + (i - s) >= FS_PATH_MAX)
            return WASI_ENAMETOOLONG;
        out[n++] = '/';
        memcpy(out + n, rel + s, i - s);
        n += i - s;
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    return 0;
}

/*
 * resolve: the absolute path of guest string [ptr, ptr+len) relative to
 * directory descriptor fd, into out.  EBADF, ENOTDIR (the fd, checked
 * first); HOST_FAULT for a bad pointer; EINVAL, ENAMETOOLONG.
 */
static uint32_t resolve(struct proc *p, wasm_host_call *c, uint32_t fd,
                        uint32_t ptr, uint32_t len, char *out)
{
    const char *rel = host_mem(c, ptr, len);
    struct wasifs_fd *d;
    if (!(d = fd_at(p, fd)))
        return WASI_EBADF;
    if (d->type != WASI_FT_DIR)
        return WASI_ENOTDIR;
    if (!rel)
        return HOST_FAULT;
    if (len >= FS_PATH_MAX)
        return WASI_ENAMETOOLONG;
    return path_join(d->path, rel, len, out);
}

/* ---- calls to the file service ------------------------------------------ */

/*
 * fs_req: one FS_* request: label, nw words, and path (or NULL) as its
 * buffer; the reply's buffer lands in the window.  Returns 0 or an
 * errno (or HOST_KILLED); *got = the reply.
 */
static uint32_t fs_req(struct proc *p, uint32_t label, uint32_t nw,
                       const uint32_t *words, const char *path,
                       struct ipc_got *got)
{
    struct wasifs *w = p->wasifs;
    struct ipc_msg m = { .label = label, .nwords = nw };
    struct ipc_rbuf rb = { true, WASIFS_WIN_BASE, WASIFS_WIN };
    memcpy(m.words, words, 4 * nw);
    if (path) {
        m.has_buf = true;
        m.buf = WASIFS_WIN_BASE;
        m.len = (uint32_t)strlcpy(w->win, path, WASIFS_WIN);
    }
    return wasifs_call(p, WISP_SLOT_FS, &m, &rb, got);
}

/* fs_open_req: FS_OPEN of path with flags, for p (the service knows
 * whose the id is by the badge of p's handle). */
static uint32_t fs_open_req(struct proc *p, uint32_t flags, const char *path,
                            struct ipc_got *got)
{
    return fs_req(p, FS_OPEN, 1, &flags, path, got);
}

/* fs_id: the service's id of open descriptor d, opening the preopen
 * "/" at its first use. */
static uint32_t fs_id(struct proc *p, struct wasifs_fd *d, uint32_t *id)
{
    struct ipc_got got;
    uint32_t flags = FS_O_DIRECTORY, r;
    if (!d->has_id) {
        if ((r = fs_open_req(p, flags, d->path, &got)) != 0)
            return r;
        d->id = got.words[0];
        d->has_id = true;
    }
    *id = d->id;
    return 0;
}

/*
 * stat_put: a WASI filestat (64 bytes) at guest out for a file of type,
 * size and inode (the times are 0: the service keeps none).
 */
static uint32_t stat_put(wasm_host_call *c, uint32_t out, uint8_t type,
                         uint64_t size, uint64_t ino)
{
    uint8_t *st = host_mem(c, out, 64);
    uint64_t nlink = 1;
    if (!st)
        return HOST_FAULT;
    memset(st, 0, 64);
    memcpy(st + 8, &ino, 8);
    st[16] = type;
    memcpy(st + 24, &nlink, 8);
    memcpy(st + 32, &size, 8);
    return 0;
}

/* ---- descriptors ----------------------------------------------------------- */

/*
 * fd_new: a free descriptor of p for the service's id, type and rights;
 * its number in *fd.  A directory's path is copied.  EMFILE, ENOMEM.
 */
static uint32_t fd_new(struct proc *p, uint32_t id, uint8_t type,
                       uint64_t rights, const char *path, uint32_t *fd)
{
    struct wasifs *w = p->wasifs;
    for (int i = 1; i < WASIFS_FDS; i++) {
        struct wasifs_fd *d = &w->fds[i];
        if (d->type)
            continue;
        *d = (struct wasifs_fd){ .type = type, .has_id = true, .id = id,
                                 .rights = rights };
        if (type == WASI_FT_DIR) {
            size_t n = strlen(path) + 1;
            if (!(d->path = kmalloc(n))) {
                d->type = 0;
                return WASI_ENOMEM;
            }
            memcpy(d->path, path, n);
        }
        *fd = 3 + (uint32_t)i;
        return 0;
    }
    return WASI_EMFILE;
}

/*
 * path_open(dirfd, lookupflags, path, path_len, oflags, rights_base: i64,
 * rights_inheriting: i64, fdflags, fd_out): FS_OPEN of the resolved
 * path.  Writing is asked for by the FD_WRITE right (wasi-libc sets it
 * for O_WRONLY and O_RDWR); fdflags APPEND makes every write append.
 */
static uint32_t wf_path_open(struct proc *p, wasm_host_call *c)
{
    char path[FS_PATH_MAX];
    uint32_t oflags = host_arg32(c, 4) & 0xf, fd, r;
    uint64_t rights = host_arg64(c, 5);
    struct ipc_got got;
    if (!host_mem(c, host_arg32(c, 8), 4))
        return HOST_FAULT;
    r = resolve(p, c, host_arg32(c, 0), host_arg32(c, 2), host_arg32(c, 3),
                path);
    if (r != 0)
        return r;
    if (rights & WASI_RIGHT_FD_WRITE)
        oflags |= FS_O_WRITE;
    if ((r = fs_open_req(p, oflags, path, &got)) != 0)
        return r;
    uint8_t type = got.words[1] == FS_TYPE_DIR ? WASI_FT_DIR : WASI_FT_FILE;
    r = fd_new(p, got.words[0], type, rights, path, &fd);
    if (r != 0) {
        fs_req(p, FS_CLOSE, 1, &got.words[0], NULL, &got);
        return r;
    }
    p->wasifs->fds[fd - 3].append = host_arg32(c, 7) & WASI_FDFLAG_APPEND;
    return host_put32(c, host_arg32(c, 8), fd);
}

/*
 * file_io: read into or write from the n iovecs (checked) of open file
 * d, at its offset, one FS_READ/FS_WRITE per iovec (or per
 * IPC_MSG_BUF_MAX bytes); a short transfer ends it.  *done = bytes.
 */
static uint32_t file_io(struct proc *p, struct wasifs_fd *d, bool wr,
                        const uint8_t *iov, uint32_t n, uint32_t *done)
{
    struct ipc_got got;
    *done = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf, len;
        memcpy(&buf, iov + 8 * i, 4);
        memcpy(&len, iov + 8 * i + 4, 4);
        while (len > 0) {
            uint32_t chunk = len < IPC_MSG_BUF_MAX ? len : IPC_MSG_BUF_MAX;
            uint32_t w[3] = { d->id, d->append && wr ? 0xffffffffu
                                                   : (uint32_t)d->off,
                              chunk };
            struct ipc_msg m = { .label = wr ? FS_WRITE : FS_READ,
                                 .nwords = 3, .has_buf = wr, .buf = buf,
                                 .len = chunk };
            struct ipc_rbuf rb = { !wr, buf, chunk };
            memcpy(m.words, w, sizeof w);
            uint32_t r = wasifs_call(p, WISP_SLOT_FS, &m, &rb, &got);
            if (r != 0)
                return *done ? 0 : r;
            uint32_t k = got.words[0] < chunk ? got.words[0] : chunk;
            if (!wr && got.copied < k)
                k = got.copied;
            d->off = wr && d->append ? got.words[1] : d->off + k;
            *done += k;
            if (k < chunk)
                return 0;
            buf += k;
            len -= k;
        }
    }
    return 0;
}

/* check_rw: EBADF unless d is a file open with right; EISDIR for a
 * directory. */
static uint32_t check_rw(struct wasifs_fd *d, uint64_t right)
{
    if (!d)
        return WASI_EBADF;
    if (d->type == WASI_FT_DIR)
        return WASI_EISDIR;
    return d->rights & right ? 0 : WASI_EBADF;
}

/* wasifs_fd_io: see wasifs.h. */
uint32_t wasifs_fd_io(struct proc *p, uint32_t fd, bool wr,
                      const uint8_t *iov, uint32_t n, uint32_t *done)
{
    struct wasifs_fd *d = fd_at(p, fd);
    uint32_t r = check_rw(d, wr ? WASI_RIGHT_FD_WRITE : WASI_RIGHT_FD_READ);
    *done = 0;
    return r ? r : file_io(p, d, wr, iov, n, done);
}

/* wasifs_fd_fdstat: see wasifs.h.  A directory passes every right on
 * (wasi-libc's open asks for what the directory's fdstat allows). */
uint32_t wasifs_fd_fdstat(struct proc *p, uint32_t fd, uint8_t *st)
{
    struct wasifs_fd *d = fd_at(p, fd);
    uint64_t inherit = d && d->type == WASI_FT_DIR ? WASI_RIGHTS_ALL : 0;
    if (!d)
        return WASI_EBADF;
    memset(st, 0, 24);
    st[0] = d->type;
    st[2] = d->append ? WASI_FDFLAG_APPEND : 0;
    memcpy(st + 8, &d->rights, 8);
    memcpy(st + 16, &inherit, 8);
    return 0;
}

/* wasifs_fd_close: see wasifs.h.  The descriptor is gone even if the
 * service's FS_CLOSE fails (its error is returned). */
uint32_t wasifs_fd_close(struct proc *p, uint32_t fd)
{
    struct wasifs_fd *d = fd_at(p, fd);
    struct ipc_got got;
    uint32_t r = 0;
    if (!d)
        return WASI_EBADF;
    if (d->has_id)
        r = fs_req(p, FS_CLOSE, 1, &d->id, NULL, &got);
    if (fd == 3) {
        p->wasifs->preopen_closed = true;
        return r;
    }
    if (d->type == WASI_FT_DIR)
        kfree(d->path);
    *d = (struct wasifs_fd){ 0 };
    return r;
}

/* wasifs_exit: see wasifs.h. */
void wasifs_exit(struct proc *p)
{
    for (uint32_t fd = 3; p->wasifs && fd < 3 + WASIFS_FDS && !p->killed;
         fd++)
        if (fd_at(p, fd) && fd_at(p, fd)->has_id)
            wasifs_fd_close(p, fd);
}

/* file_size: the size of open descriptor d, from the service. */
static uint32_t file_size(struct proc *p, struct wasifs_fd *d,
                          uint64_t *size)
{
    struct ipc_got got;
    uint32_t id, r = fs_id(p, d, &id);
    if (r == 0 && (r = fs_req(p, FS_STAT, 1, &id, NULL, &got)) == 0)
        *size = got.words[1];
    return r;
}

/* wasifs_fd_seek: see wasifs.h.  Offsets stay below 4 GiB (the
 * protocol's offsets are u32): past it EOVERFLOW, below 0 EINVAL. */
uint32_t wasifs_fd_seek(struct proc *p, uint32_t fd, int64_t off,
                        uint32_t whence, uint64_t *pos)
{
    struct wasifs_fd *d = fd_at(p, fd);
    uint64_t base = 0;
    uint32_t r;
    if (!d)
        return WASI_EBADF;
    if (d->type == WASI_FT_DIR)
        return WASI_ESPIPE;
    if (whence > 2)
        return WASI_EINVAL;
    if (whence == 1)
        base = d->off;
    if (whence == 2 && (r = file_size(p, d, &base)) != 0)
        return r;
    if (off < 0 && 0 - (uint64_t)off > base)
        return WASI_EINVAL;
    if (off > 0 && (uint64_t)off >= 0xffffffffull - base)
        return WASI_EOVERFLOW;
    *pos = d->off = base + (uint64_t)off;
    return 0;
}

/* ---- the file calls of WASI's table ---------------------------------------- */

/* fd_prestat_get(fd, out): fd 3 is the preopened directory "/" (tag 0,
 * name length 1); every other fd EBADF, which ends wasi-libc's scan. */
static uint32_t wf_prestat_get(struct proc *p, wasm_host_call *c)
{
    uint8_t pre[8] = { 0, 0, 0, 0, 1, 0, 0, 0 };
    uint8_t *out = host_mem(c, host_arg32(c, 1), 8);
    if (host_arg32(c, 0) != 3 || !fd_at(p, 3))
        return WASI_EBADF;
    if (!out)
        return HOST_FAULT;
    memcpy(out, pre, 8);
    return 0;
}

/* fd_prestat_dir_name(fd, path, len): "/" (at most len bytes, no NUL). */
static uint32_t wf_prestat_dir_name(struct proc *p, wasm_host_call *c)
{
    uint32_t len = host_arg32(c, 2);
    char *out = host_mem(c, host_arg32(c, 1), len);
    if (host_arg32(c, 0) != 3 || !fd_at(p, 3))
        return WASI_EBADF;
    if (!out)
        return HOST_FAULT;
    if (len > 0)
        out[0] = '/';
    return 0;
}

/*
 * dirent_put: the WASI dirent of entry (next cookie, inode, type, name
 * of nlen bytes) at dst, cut at cap bytes (wasi-libc then asks again
 * with a bigger buffer).  Returns the bytes written.
 */
static uint32_t dirent_put(uint8_t *dst, uint32_t cap, uint64_t next,
                           uint64_t ino, uint8_t type, const char *name,
                           uint32_t nlen)
{
    uint8_t e[24 + WASIFS_WIN] = { 0 };
    uint32_t n = 24 + nlen < cap ? 24 + nlen : cap;
    memcpy(e, &next, 8);
    memcpy(e + 8, &ino, 8);
    memcpy(e + 16, &nlen, 4);
    e[20] = type;
    memcpy(e + 24, name, nlen);
    memcpy(dst, e, n);
    return n;
}

/* readdir_one: entry i of directory id as a dirent at dst (cap bytes
 * left); *n = bytes written, 0 past the last entry. */
static uint32_t readdir_one(struct proc *p, uint32_t id, uint32_t i,
                            uint8_t *dst, uint32_t cap, uint32_t *n)
{
    struct ipc_got got;
    uint32_t w[2] = { id, i }, r, nlen;
    const char *name = p->wasifs->win;
    *n = 0;
    if ((r = fs_req(p, FS_READDIR, 2, w, NULL, &got)) != 0 ||
        got.words[0] == 0)
        return r;
    for (nlen = got.copied; nlen > 0 && name[nlen - 1] == '\0'; nlen--)
        ;
    *n = dirent_put(dst, cap, i + 1ull, got.words[2] ? got.words[2] : i + 1,
                    got.words[1] == FS_TYPE_DIR ? WASI_FT_DIR : WASI_FT_FILE,
                    name, nlen);
    return 0;
}

/*
 * fd_readdir(fd, buf, buf_len, cookie: i64, bufused_out): the entries
 * from index `cookie` on, one FS_READDIR each, until buf is full or the
 * directory ends (bufused < buf_len tells wasi-libc it ended).  EBADF
 * and ENOTDIR come before the pointers are looked at.
 */
static uint32_t wf_fd_readdir(struct proc *p, wasm_host_call *c)
{
    uint32_t cap = host_arg32(c, 2), used = 0, id, n = 1, r;
    uint64_t cookie = host_arg64(c, 3);
    uint8_t *dst = host_mem(c, host_arg32(c, 1), cap);
    struct wasifs_fd *d = fd_at(p, host_arg32(c, 0));
    if (!d)
        return WASI_EBADF;
    if (d->type != WASI_FT_DIR)
        return WASI_ENOTDIR;
    if (!dst || !host_mem(c, host_arg32(c, 4), 4))
        return HOST_FAULT;
    if ((r = fs_id(p, d, &id)) != 0)
        return r;
    for (uint64_t i = cookie; used < cap && n > 0 && i < 0xffffffffu; i++) {
        if ((r = readdir_one(p, id, (uint32_t)i, dst + used, cap - used,
                             &n)) != 0)
            return r;
        used += n;
    }
    return host_put32(c, host_arg32(c, 4), used);
}

/* fd_filestat_get(fd, out): fds 0-2 are character devices; files and
 * directories as FS_STAT says. */
static uint32_t wf_fd_filestat_get(struct proc *p, wasm_host_call *c)
{
    uint32_t fd = host_arg32(c, 0), id, r;
    struct wasifs_fd *d = fd_at(p, fd);
    struct ipc_got got;
    if (fd <= 2)
        return stat_put(c, host_arg32(c, 1), WASI_FT_CHAR, 0, 0);
    if (!d)
        return WASI_EBADF;
    if ((r = fs_id(p, d, &id)) != 0 ||
        (r = fs_req(p, FS_STAT, 1, &id, NULL, &got)) != 0)
        return r;
    return stat_put(c, host_arg32(c, 1), got.words[0] == FS_TYPE_DIR
                    ? WASI_FT_DIR : WASI_FT_FILE, got.words[1], got.words[2]);
}

/* path_filestat_get(dirfd, lookupflags, path, path_len, out): the
 * directory fd and the path first (EBADF ...), then out. */
static uint32_t wf_path_filestat_get(struct proc *p, wasm_host_call *c)
{
    char path[FS_PATH_MAX];
    struct ipc_got got;
    uint32_t r;
    if ((r = resolve(p, c, host_arg32(c, 0), host_arg32(c, 2),
                     host_arg32(c, 3), path)) != 0 ||
        (r = fs_req(p, FS_PATH_STAT, 0, NULL, path, &got)) != 0)
        return r;
    return stat_put(c, host_arg32(c, 4), got.words[0] == FS_TYPE_DIR
                    ? WASI_FT_DIR : WASI_FT_FILE, got.words[1], got.words[2]);
}

/* path_req: the request label on path (dirfd, path, path_len) of c's
 * arguments 0, 1, 2: path_unlink_file, path_create_directory. */
static uint32_t path_req(struct proc *p, wasm_host_call *c, uint32_t label)
{
    char path[FS_PATH_MAX];
    struct ipc_got got;
    uint32_t r = resolve(p, c, host_arg32(c, 0), host_arg32(c, 1),
                         host_arg32(c, 2), path);
    return r ? r : fs_req(p, label, 0, NULL, path, &got);
}

/* path_unlink_file(dirfd, path, path_len): FS_UNLINK. */
static uint32_t wf_path_unlink_file(struct proc *p, wasm_host_call *c)
{
    return path_req(p, c, FS_UNLINK);
}

/* path_create_directory(dirfd, path, path_len): FS_MKDIR. */
static uint32_t wf_path_create_directory(struct proc *p, wasm_host_call *c)
{
    return path_req(p, c, FS_MKDIR);
}

/* path_remove_directory(dirfd, path, path_len): FS_RMDIR. */
static uint32_t wf_path_remove_directory(struct proc *p, wasm_host_call *c)
{
    return path_req(p, c, FS_RMDIR);
}

/* fd_tell(fd, offset_out): a file's offset; ESPIPE for fds 0-2 and
 * directories. */
static uint32_t wf_fd_tell(struct proc *p, wasm_host_call *c)
{
    uint32_t fd = host_arg32(c, 0);
    struct wasifs_fd *d = fd_at(p, fd);
    if (fd <= 2)
        return WASI_ESPIPE;
    if (!d)
        return WASI_EBADF;
    if (d->type == WASI_FT_DIR)
        return WASI_ESPIPE;
    return host_put64(c, host_arg32(c, 1), d->off);
}

/* fd_fdstat_set_flags(fd, flags): APPEND on and off for a file; the
 * other flags (sync, nonblock) mean nothing here and are ignored. */
static uint32_t wf_fd_fdstat_set_flags(struct proc *p, wasm_host_call *c)
{
    struct wasifs_fd *d = fd_at(p, host_arg32(c, 0));
    if (host_arg32(c, 0) <= 2)
        return 0;
    if (!d)
        return WASI_EBADF;
    d->append = host_arg32(c, 1) & WASI_FDFLAG_APPEND;
    return 0;
}

/* fd_filestat_set_size(fd, size: i64): FS_TRUNCATE (files open for
 * writing; sizes below 4 GiB). */
static uint32_t wf_fd_filestat_set_size(struct proc *p, wasm_host_call *c)
{
    struct wasifs_fd *d = fd_at(p, host_arg32(c, 0));
    uint64_t size = host_arg64(c, 1);
    struct ipc_got got;
    uint32_t r = check_rw(d, WASI_RIGHT_FD_WRITE);
    if (r != 0)
        return r;
    if (size >= 0xffffffffull)
        return WASI_EINVAL;
    uint32_t w[2] = { d->id, (uint32_t)size };
    return fs_req(p, FS_TRUNCATE, 2, w, NULL, &got);
}

#define WASI_M "wasi_snapshot_preview1"
const struct host_entry wasifs_entries[] = {
    { WASI_M, "fd_filestat_get", "ii:i", wf_fd_filestat_get },
    { WASI_M, "fd_filestat_set_size", "iI:i", wf_fd_filestat_set_size },
    { WASI_M, "fd_fdstat_set_flags", "ii:i", wf_fd_fdstat_set_flags },
    { WASI_M, "fd_prestat_dir_name", "iii:i", wf_prestat_dir_name },
    { WASI_M, "fd_prestat_get", "ii:i", wf_prestat_get },
    { WASI_M, "fd_readdir", "iiiIi:i", wf_fd_readdir },
    { WASI_M, "fd_tell", "ii:i", wf_fd_tell },
    { WASI_M, "path_create_directory", "iii:i", wf_path_create_directory },
    { WASI_M, "path_filestat_get", "iiiii:i", wf_path_filestat_get },
    { WASI_M, "path_open", "iiiiiIIii:i", wf_path_open },
    { WASI_M, "path_remove_directory", "iii:i", wf_path_remove_directory },
    { WASI_M, "path_unlink_file", "iii:i", wf_path_unlink_file },
};
const int wasifs_nentries = sizeof wasifs_entries / sizeof wasifs_entries[0];
