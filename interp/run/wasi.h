/*
 * wasi.h: WASI preview1 ("wasi_snapshot_preview1") for the host runner.
 *
 * The runner gives a guest three kinds of descriptors: stdio (0, 1, 2),
 * preopened directories (3, 4, ... in --dir order) and whatever the guest
 * opens below them.  Every guest pointer and length is checked against the
 * caller's linear memory with wasm_memory_ptr; a bad one makes the call
 * return WASI_EFAULT (the WASI convention: host functions report errors as
 * errno values, they do not trap).  Paths are resolved one component at a
 * time from the preopened directory and can never leave it (wasi_path.c).
 */
#ifndef WISP_RUN_WASI_H
#define WISP_RUN_WASI_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>

#include "../wasm.h"

/* ---- limits (one place, one comment each) ------------------------------ */
#define WASI_MAX_FDS 1024       /* guest descriptors: stdio + preopens + files */
#define WASI_MAX_IOVS 1024      /* iovecs in one fd_read/fd_write (= IOV_MAX) */
#define WASI_MAX_PATH 4096      /* bytes in one guest path (= PATH_MAX) */
#define WASI_MAX_DEPTH 256      /* directories held open while resolving */
#define WASI_MAX_SYMLINKS 32    /* symlinks expanded in one resolution */
#define WASI_MAX_POLL 256       /* subscriptions in one poll_oneoff */

/* ---- WASI errno values (WASI's numbering, not the host's) -------------- */
enum {
    WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EAGAIN = 6,
    WASI_EBADF = 8, WASI_EBUSY = 10, WASI_EEXIST = 20, WASI_EFAULT = 21,
    WASI_EFBIG = 22, WASI_EINTR = 27, WASI_EINVAL = 28, WASI_EIO = 29,
    WASI_EISDIR = 31, WASI_ELOOP = 32, WASI_EMFILE = 33, WASI_EMLINK = 34,
    WASI_ENAMETOOLONG = 37, WASI_ENFILE = 41, WASI_ENODEV = 43,
    WASI_ENOENT = 44, WASI_ENOMEM = 48, WASI_ENOSPC = 51, WASI_ENOSYS = 52,
    WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55, WASI_ENOTSUP = 58,
    WASI_ENOTTY = 59, WASI_ENXIO = 60, WASI_EOVERFLOW = 61, WASI_EPERM = 63,
    WASI_EPIPE = 64, WASI_ERANGE = 68, WASI_EROFS = 69, WASI_ESPIPE = 70,
    WASI_ETXTBSY = 74, WASI_EXDEV = 75, WASI_ENOTCAPABLE = 76,
};

/* WASI file types (fdstat, filestat, dirent). */
enum {
    WASI_FT_UNKNOWN = 0, WASI_FT_BLOCK = 1, WASI_FT_CHAR = 2, WASI_FT_DIR = 3,
    WASI_FT_REGULAR = 4, WASI_FT_SOCK_DGRAM = 5, WASI_FT_SOCK_STREAM = 6,
    WASI_FT_SYMLINK = 7,
};

/* Rights the runner reports (it does not restrict by rights: the sandbox
 * is the preopened directory).  A tty drops seek/tell so isatty() works. */
#define WASI_RIGHT_FD_SEEK (1ull << 2)
#define WASI_RIGHT_FD_TELL (1ull << 5)
#define WASI_RIGHT_FD_READ (1ull << 1)
#define WASI_RIGHT_FD_WRITE (1ull << 6)
#define WASI_RIGHTS_ALL ((1ull << 30) - 1)

/* fdflags, oflags, lookupflags, whence. */
enum {
    WASI_FDFLAG_APPEND = 1, WASI_FDFLAG_DSYNC = 2, WASI_FDFLAG_NONBLOCK = 4,
    WASI_FDFLAG_RSYNC = 8, WASI_FDFLAG_SYNC = 16,
    WASI_O_CREAT = 1, WASI_O_DIRECTORY = 2, WASI_O_EXCL = 4, WASI_O_TRUNC = 8,
    WASI_LOOKUP_SYMLINK_FOLLOW = 1,
};

/* One guest descriptor.  host < 0 means the slot is free. */
typedef struct {
    int host;               /* the host descriptor */
    bool stdio;             /* 0..2: never closed by the runner */
    char *preopen;          /* guest name of a preopened directory, or NULL */
    DIR *dir;               /* fd_readdir stream (on a dup of host), or NULL */
    uint64_t dir_pos;       /* entries already returned from dir */
} wasi_fd;

struct wasi_ctx;
typedef uint32_t (*wasi_impl)(struct wasi_ctx *w, wasm_host_call *c);

/* What a host function's env points at: its context and implementation. */
typedef struct {
    struct wasi_ctx *ctx;
    wasi_impl impl;
} wasi_binding;

#define WASI_NFUNCS 45          /* functions in wasi_snapshot_preview1 */

typedef struct wasi_ctx {
    int argc;
    char *const *argv;      /* guest argv: argv[0] is the program name */
    int envc;
    char *const *envv;      /* "KEY=VALUE" strings */
    wasm_instance *inst;    /* the instance, for calls made from outside */
    wasi_fd fds[WASI_MAX_FDS];
    wasi_binding bind[WASI_NFUNCS];
} wasi_ctx;

/* wasi.c */
void wasi_init(wasi_ctx *w, int argc, char *const *argv, int envc,
               char *const *envv);
void wasi_fini(wasi_ctx *w);
wasm_func *wasi_func(wasi_ctx *w, const wasm_runtime *rt, const char *name,
                     bool *known);
void *wasi_mem(wasm_host_call *c, uint64_t off, uint64_t len);
uint32_t wasi_put32(wasm_host_call *c, uint32_t off, uint32_t v);
uint32_t wasi_put64(wasm_host_call *c, uint32_t off, uint64_t v);
uint32_t wasi_errno(int host_errno);
uint32_t wasi_arg32(const wasm_host_call *c, int i);
uint64_t wasi_arg64(const wasm_host_call *c, int i);
void wasi_le32(uint8_t *p, uint32_t v);
void wasi_le64(uint8_t *p, uint64_t v);

/* wasi_fd.c */
int wasi_fd_add(wasi_ctx *w, int host);
wasi_fd *wasi_fd_get(wasi_ctx *w, uint32_t fd);
uint8_t wasi_filetype(unsigned mode);
void wasi_filestat(uint8_t out[64], const void *host_stat);
struct timespec;
uint32_t wasi_times(uint64_t atim, uint64_t mtim, uint32_t fstflags,
                    struct timespec ts[2]);
uint32_t wasi_fd_read(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_write(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_pread(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_pwrite(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_seek(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_tell(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_close(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_renumber(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_fdstat_get(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_fdstat_set_flags(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_filestat_get(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_filestat_set_size(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_filestat_set_times(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_sync(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_datasync(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_advise(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_allocate(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_prestat_get(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_prestat_dir_name(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_fd_readdir(wasi_ctx *w, wasm_host_call *c);

/* wasi_path.c */
int wasi_preopen(wasi_ctx *w, const char *host_dir, const char *guest_name);
uint32_t wasi_path_open(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_path_filestat_get(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_path_filestat_set_times(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_path_create_directory(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_path_remove_directory(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_path_unlink_file(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_path_rename(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_path_link(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_path_symlink(wasi_ctx *w, wasm_host_call *c);
uint32_t wasi_path_readlink(wasi_ctx *w, wasm_host_call *c);

#endif /* WISP_RUN_WASI_H */
