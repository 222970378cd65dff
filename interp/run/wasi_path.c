/*
 * wasi_path.c: preopened directories and the WASI path_* calls.
 *
 * The sandbox rule: a guest path is always relative to a directory
 * descriptor the guest holds, and resolving it can never reach a file
 * outside the preopened tree that descriptor came from.  The resolver
 * (wasi_resolve) walks the path one component at a time with openat and
 * O_NOFOLLOW, keeping a stack of the directories it entered:
 *   - an absolute path is refused (ENOTCAPABLE);
 *   - ".." pops the stack, and popping past the start is refused;
 *   - a symlink is never followed by the host: its target is read with
 *     readlinkat and spliced into the rest of the path, so it is checked by
 *     the same rules (absolute targets and ".." past the start are refused).
 * The last component is handed to an *at() call with O_NOFOLLOW or
 * AT_SYMLINK_NOFOLLOW, so a symlink swapped in after the check is not
 * followed either.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

/* A resolved guest path: the host directory holding it and its last name. */
typedef struct {
    int dir;                /* host directory descriptor */
    bool owned;             /* dir was opened by the resolver: close it */
    char name[NAME_MAX + 1];
} wasi_loc;

/* The resolver's state while it walks a path. */
typedef struct {
    int base;                       /* start directory (the guest's; kept) */
    int stack[WASI_MAX_DEPTH];      /* directories entered below base */
    int depth;
    int links;                      /* symlinks expanded so far */
    char rest[2 * WASI_MAX_PATH];   /* path text not yet walked */
} wasi_walk;

/* The directory the walk is in. */
static int walk_cur(const wasi_walk *wk)
{
    return wk->depth ? wk->stack[wk->depth - 1] : wk->base;
}

/* ".." : leaves the current directory; refused at the start directory. */
static uint32_t walk_up(wasi_walk *wk)
{
    if (wk->depth == 0)
        return WASI_ENOTCAPABLE;
    close(wk->stack[--wk->depth]);
    return 0;
}

/*
 * Takes the next component off wk->rest into comp.  *last is true when
 * nothing but slashes follows it.  Returns 0 or WASI_ENAMETOOLONG.
 */
static uint32_t walk_next(wasi_walk *wk, char comp[NAME_MAX + 1], bool *last)
{
    const char *p = wk->rest, *end;
    size_t n;
    while (*p == '/')
        p++;
    end = strchr(p, '/');
    n = end ? (size_t)(end - p) : strlen(p);
    if (n > NAME_MAX)
        return WASI_ENAMETOOLONG;
    memcpy(comp, p, n);
    comp[n] = '\0';
    p += n;
    memmove(wk->rest, p, strlen(p) + 1);
    p = wk->rest;
    while (*p == '/')
        p++;
    *last = *p == '\0';
    return 0;
}

/*
 * If comp (in the current directory) is a symlink, splices its target in
 * front of the rest of the path and sets *expanded.  Returns 0, or
 * ENOTCAPABLE (absolute target), ELOOP (too many), ENAMETOOLONG.
 */
static uint32_t walk_link(wasi_walk *wk, const char *comp, bool *expanded)
{
    char target[WASI_MAX_PATH];
    ssize_t n = readlinkat(walk_cur(wk), comp, target, sizeof target - 1);
    *expanded = false;
    if (n < 0)
        return 0;       /* not a symlink (or gone): the caller's call decides */
    target[n] = '\0';
    if (target[0] == '/')
        return WASI_ENOTCAPABLE;
    if (++wk->links > WASI_MAX_SYMLINKS)
        return WASI_ELOOP;
    if ((size_t)n + 1 + strlen(wk->rest) >= sizeof wk->rest)
        return WASI_ENAMETOOLONG;
    memmove(wk->rest + n + 1, wk->rest, strlen(wk->rest) + 1);
    memcpy(wk->rest, target, (size_t)n);
    wk->rest[n] = '/';
    *expanded = true;
    return 0;
}

/* Enters directory comp (not "." or ".."), expanding it if a symlink. */
static uint32_t walk_enter(wasi_walk *wk, const char *comp)
{
    bool expanded;
    uint32_t err;
    int fd;
    if (wk->depth == WASI_MAX_DEPTH)
        return WASI_ENAMETOOLONG;
    fd = openat(walk_cur(wk), comp,
                O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        wk->stack[wk->depth++] = fd;
        return 0;
    }
    if (errno != ELOOP && errno != ENOTDIR)
        return wasi_errno(errno);
    if ((err = walk_link(wk, comp, &expanded)) != 0)
        return err;
    return expanded ? 0 : WASI_ENOTDIR;
}

/* Handles the last component: ".", "..", a symlink to follow, or a name.
 * Sets *done when loc->name is final. */
static uint32_t walk_last(wasi_walk *wk, const char *comp, bool follow,
                          wasi_loc *loc, bool *done)
{
    uint32_t err = 0;
    bool expanded = false;
    *done = true;
    if (strcmp(comp, "..") == 0)
        err = walk_up(wk);
    else if (follow && strcmp(comp, ".") != 0)
        err = walk_link(wk, comp, &expanded);
    if (err || expanded) {
        *done = !expanded;
        return err;
    }
    strcpy(loc->name, comp[0] && strcmp(comp, "..") ? comp : ".");
    return 0;
}

/*
 * Needs: guest descriptor fd, path[0..len) (not NUL-terminated).
 * Resolves the path inside fd's tree (see the top of this file).  On 0,
 * loc holds the directory and last name; release it with loc_done.
 * Returns a WASI errno otherwise (nothing left open).
 */
static uint32_t wasi_resolve(wasi_ctx *w, uint32_t fd, const char *path,
                             size_t len, bool follow, wasi_loc *loc)
{
    static wasi_walk wk;
    wasi_fd *f = wasi_fd_get(w, fd);
    uint32_t err = 0;
    bool last = false, done = false;
    if (!f)
        return WASI_EBADF;
    if (len == 0)
        return WASI_ENOENT;
    if (len >= WASI_MAX_PATH)
        return WASI_ENAMETOOLONG;
    if (memchr(path, '\0', len))
        return WASI_EINVAL;
    if (path[0] == '/')
        return WASI_ENOTCAPABLE;
    wk.base = f->host;
    wk.depth = wk.links = 0;
    memcpy(wk.rest, path, len);
    wk.rest[len] = '\0';
    while (!err && !done) {
        char comp[NAME_MAX + 1];
        if ((err = walk_next(&wk, comp, &last)) != 0)
            break;
        if (last)
            err = walk_last(&wk, comp, follow, loc, &done);
        else if (strcmp(comp, "..") == 0)
            err = walk_up(&wk);
        else if (comp[0] && strcmp(comp, ".") != 0)
            err = walk_enter(&wk, comp);
    }
    for (int i = 0; i + (err ? 0 : 1) < wk.depth; i++)
        close(wk.stack[i]);     /* all but the directory holding the name */
    loc->dir = walk_cur(&wk);
    loc->owned = !err && wk.depth > 0;
    return err;
}

/* Releases what wasi_resolve left open. */
static void loc_done(wasi_loc *loc)
{
    if (loc->owned)
        close(loc->dir);
}

/*
 * Resolves the guest path given by arguments (ptr_arg, ptr_arg + 1)
 * relative to the guest descriptor in argument fd_arg.
 */
static uint32_t wasi_locate(wasi_ctx *w, wasm_host_call *c, int fd_arg,
                            int ptr_arg, bool follow, wasi_loc *loc)
{
    uint32_t len = wasi_arg32(c, ptr_arg + 1);
    const char *p = wasi_mem(c, wasi_arg32(c, ptr_arg), len);
    if (!p)
        return WASI_EFAULT;
    return wasi_resolve(w, wasi_arg32(c, fd_arg), p, len, follow, loc);
}

/* 0 when r == 0, else the WASI errno for the host's errno. */
static uint32_t host_result(int r)
{
    return r == 0 ? 0 : wasi_errno(errno);
}

/* ---- preopens -------------------------------------------------------------- */

/*
 * Opens host_dir and adds it as a preopened directory the guest sees as
 * guest_name.  Returns the guest descriptor, or -1 with errno set.
 */
int wasi_preopen(wasi_ctx *w, const char *host_dir, const char *guest_name)
{
    int h = open(host_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;
    char *name = strdup(guest_name);
    if (h < 0 || !name) {
        int e = errno;
        if (h >= 0)
            close(h);
        free(name);
        errno = e;
        return -1;
    }
    if ((fd = wasi_fd_add(w, h)) < 0) {
        close(h);
        free(name);
        errno = EMFILE;
        return -1;
    }
    w->fds[fd].preopen = name;
    return fd;
}

/* ---- path calls -------------------------------------------------------------- */

/* Host open(2) flags for path_open's oflags, rights and fdflags. */
static int open_flags(uint32_t oflags, uint64_t rights, uint32_t fdflags)
{
    bool rd = rights & WASI_RIGHT_FD_READ, wr = rights & WASI_RIGHT_FD_WRITE;
    int fl = O_CLOEXEC | O_NOFOLLOW;
    fl |= wr ? (rd ? O_RDWR : O_WRONLY) : O_RDONLY;
    fl |= (oflags & WASI_O_CREAT) ? O_CREAT : 0;
    fl |= (oflags & WASI_O_EXCL) ? O_EXCL : 0;
    fl |= (oflags & WASI_O_TRUNC) ? O_TRUNC : 0;
    if (oflags & WASI_O_DIRECTORY)
        fl = (fl & ~O_ACCMODE) | O_RDONLY | O_DIRECTORY;
    fl |= (fdflags & WASI_FDFLAG_APPEND) ? O_APPEND : 0;
    fl |= (fdflags & WASI_FDFLAG_NONBLOCK) ? O_NONBLOCK : 0;
    fl |= (fdflags & WASI_FDFLAG_DSYNC) ? O_DSYNC : 0;
    fl |= (fdflags & (WASI_FDFLAG_SYNC | WASI_FDFLAG_RSYNC)) ? O_SYNC : 0;
    return fl;
}

/* path_open(fd, dirflags, path, path_len, oflags, rights_base: i64,
 *           rights_inheriting: i64, fdflags, fd_out) */
uint32_t wasi_path_open(wasi_ctx *w, wasm_host_call *c)
{
    uint32_t out = wasi_arg32(c, 8), err;
    int fl = open_flags(wasi_arg32(c, 4), wasi_arg64(c, 5), wasi_arg32(c, 7));
    wasi_loc loc;
    int h, fd;
    if (!wasi_mem(c, out, 4))
        return WASI_EFAULT;
    err = wasi_locate(w, c, 0, 2, wasi_arg32(c, 1) & WASI_LOOKUP_SYMLINK_FOLLOW,
                      &loc);
    if (err)
        return err;
    h = openat(loc.dir, loc.name, fl, 0666);
    err = h < 0 ? wasi_errno(errno) : 0;
    loc_done(&loc);
    if (err)
        return err;
    if ((fd = wasi_fd_add(w, h)) < 0) {
        close(h);
        return WASI_EMFILE;
    }
    return wasi_put32(c, out, (uint32_t)fd);
}

/* path_filestat_get(fd, lookupflags, path, path_len, filestat_out) */
uint32_t wasi_path_filestat_get(wasi_ctx *w, wasm_host_call *c)
{
    uint8_t *out = wasi_mem(c, wasi_arg32(c, 4), 64);
    struct stat st;
    wasi_loc loc;
    uint32_t err;
    if (!out)
        return WASI_EFAULT;
    err = wasi_locate(w, c, 0, 2, wasi_arg32(c, 1) & WASI_LOOKUP_SYMLINK_FOLLOW,
                      &loc);
    if (err)
        return err;
    err = host_result(fstatat(loc.dir, loc.name, &st, AT_SYMLINK_NOFOLLOW));
    loc_done(&loc);
    if (!err)
        wasi_filestat(out, &st);
    return err;
}

/* path_filestat_set_times(fd, lookupflags, path, path_len, atim: i64,
 *                         mtim: i64, fstflags) */
uint32_t wasi_path_filestat_set_times(wasi_ctx *w, wasm_host_call *c)
{
    struct timespec ts[2];
    wasi_loc loc;
    uint32_t err = wasi_times(wasi_arg64(c, 4), wasi_arg64(c, 5),
                              wasi_arg32(c, 6), ts);
    if (err)
        return err;
    err = wasi_locate(w, c, 0, 2, wasi_arg32(c, 1) & WASI_LOOKUP_SYMLINK_FOLLOW,
                      &loc);
    if (err)
        return err;
    err = host_result(utimensat(loc.dir, loc.name, ts, AT_SYMLINK_NOFOLLOW));
    loc_done(&loc);
    return err;
}

/* The three calls of the form (fd, path, path_len) -> one *at() call. */
enum { PATH_MKDIR, PATH_RMDIR, PATH_UNLINK };

static uint32_t wasi_path_simple(wasi_ctx *w, wasm_host_call *c, int op)
{
    wasi_loc loc;
    uint32_t err = wasi_locate(w, c, 0, 1, false, &loc);
    int r;
    if (err)
        return err;
    if (op == PATH_MKDIR)
        r = mkdirat(loc.dir, loc.name, 0777);
    else
        r = unlinkat(loc.dir, loc.name, op == PATH_RMDIR ? AT_REMOVEDIR : 0);
    err = host_result(r);
    loc_done(&loc);
    return err;
}

uint32_t wasi_path_create_directory(wasi_ctx *w, wasm_host_call *c)
{
    return wasi_path_simple(w, c, PATH_MKDIR);
}

uint32_t wasi_path_remove_directory(wasi_ctx *w, wasm_host_call *c)
{
    return wasi_path_simple(w, c, PATH_RMDIR);
}

uint32_t wasi_path_unlink_file(wasi_ctx *w, wasm_host_call *c)
{
    return wasi_path_simple(w, c, PATH_UNLINK);
}

/* path_rename(fd, old, old_len, new_fd, new, new_len) */
uint32_t wasi_path_rename(wasi_ctx *w, wasm_host_call *c)
{
    wasi_loc from, to;
    uint32_t err = wasi_locate(w, c, 0, 1, false, &from);
    if (err)
        return err;
    if ((err = wasi_locate(w, c, 3, 4, false, &to)) == 0) {
        err = host_result(renameat(from.dir, from.name, to.dir, to.name));
        loc_done(&to);
    }
    loc_done(&from);
    return err;
}

/* path_link(old_fd, old_flags, old, old_len, new_fd, new, new_len) */
uint32_t wasi_path_link(wasi_ctx *w, wasm_host_call *c)
{
    wasi_loc from, to;
    uint32_t err = wasi_locate(w, c, 0, 2,
                               wasi_arg32(c, 1) & WASI_LOOKUP_SYMLINK_FOLLOW,
                               &from);
    if (err)
        return err;
    if ((err = wasi_locate(w, c, 4, 5, false, &to)) == 0) {
        err = host_result(linkat(from.dir, from.name, to.dir, to.name, 0));
        loc_done(&to);
    }
    loc_done(&from);
    return err;
}

/* path_symlink(target, target_len, fd, new, new_len).  Absolute targets
 * are refused: the resolver would never follow them anyway. */
uint32_t wasi_path_symlink(wasi_ctx *w, wasm_host_call *c)
{
    char target[WASI_MAX_PATH];
    uint32_t len = wasi_arg32(c, 1), err;
    const char *p = wasi_mem(c, wasi_arg32(c, 0), len);
    wasi_loc loc;
    if (!p)
        return WASI_EFAULT;
    if (len == 0 || len >= sizeof target || memchr(p, '\0', len))
        return len == 0 ? WASI_ENOENT : WASI_EINVAL;
    if (p[0] == '/')
        return WASI_ENOTCAPABLE;
    memcpy(target, p, len);
    target[len] = '\0';
    if ((err = wasi_locate(w, c, 2, 3, false, &loc)) != 0)
        return err;
    err = host_result(symlinkat(target, loc.dir, loc.name));
    loc_done(&loc);
    return err;
}

/* path_readlink(fd, path, path_len, buf, buf_len, bufused_out) */
uint32_t wasi_path_readlink(wasi_ctx *w, wasm_host_call *c)
{
    char target[WASI_MAX_PATH];
    uint32_t cap = wasi_arg32(c, 4), err;
    char *buf = wasi_mem(c, wasi_arg32(c, 3), cap);
    wasi_loc loc;
    ssize_t n;
    if (!buf)
        return WASI_EFAULT;
    if ((err = wasi_locate(w, c, 0, 1, false, &loc)) != 0)
        return err;
    n = readlinkat(loc.dir, loc.name, target, sizeof target);
    err = n < 0 ? wasi_errno(errno) : 0;
    loc_done(&loc);
    if (err)
        return err;
    if ((size_t)n > cap)
        n = (ssize_t)cap;
    memcpy(buf, target, (size_t)n);
    return wasi_put32(c, wasi_arg32(c, 5), (uint32_t)n);
}
