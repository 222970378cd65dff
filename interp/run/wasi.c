/*
 * wasi.c: the WASI preview1 function table, guest-memory helpers, and the
 * calls that touch no files: args, environ, clocks, randomness, exit,
 * sched_yield, poll_oneoff (clocks only) and socket stubs.
 *
 * Each WASI function is a wasi_impl that returns a WASI errno; one
 * trampoline (wasi_tramp) turns that into the i32 result the guest sees.
 * Only proc_exit is different: it ends the run with WASM_EXITED.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "wasi.h"

/* ---- guest memory -------------------------------------------------------- */

/*
 * Needs: a host call made through a wasi_binding.
 * Returns a host pointer to guest bytes [off, off+len) of the calling
 * instance's memory 0, or NULL when the range is out of bounds or there is
 * no memory (the caller then returns WASI_EFAULT).
 */
void *wasi_mem(wasm_host_call *c, uint64_t off, uint64_t len)
{
    const wasi_binding *b = c->env;
    wasm_instance *inst = c->caller ? c->caller : b->ctx->inst;
    wasm_memory *mem = inst ? wasm_instance_memory(inst) : NULL;
    return mem ? wasm_memory_ptr(mem, off, len) : NULL;
}

/* Stores v little-endian at p (guest memory is little-endian, and guest
 * pointers need not be aligned). */
void wasi_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* As wasi_le32, for 64 bits. */
void wasi_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Stores a u32 at guest address off; returns 0 or WASI_EFAULT. */
uint32_t wasi_put32(wasm_host_call *c, uint32_t off, uint32_t v)
{
    uint8_t *p = wasi_mem(c, off, 4);
    if (!p)
        return WASI_EFAULT;
    wasi_le32(p, v);
    return 0;
}

/* Stores a u64 at guest address off; returns 0 or WASI_EFAULT. */
uint32_t wasi_put64(wasm_host_call *c, uint32_t off, uint64_t v)
{
    uint8_t *p = wasi_mem(c, off, 8);
    if (!p)
        return WASI_EFAULT;
    wasi_le64(p, v);
    return 0;
}

/* Argument i as an unsigned 32-bit value (i32 parameters). */
uint32_t wasi_arg32(const wasm_host_call *c, int i)
{
    return c->args[i].of.i32;
}

/* Argument i as an unsigned 64-bit value (i64 parameters). */
uint64_t wasi_arg64(const wasm_host_call *c, int i)
{
    return c->args[i].of.i64;
}

/*
 * Returns the WASI errno for a host errno value.  Anything without a WASI
 * counterpart becomes WASI_EIO.
 */
uint32_t wasi_errno(int e)
{
    static const struct { int host; uint32_t wasi; } map[] = {
        {E2BIG, WASI_E2BIG}, {EACCES, WASI_EACCES}, {EAGAIN, WASI_EAGAIN},
        {EBADF, WASI_EBADF}, {EBUSY, WASI_EBUSY}, {EEXIST, WASI_EEXIST},
        {EFAULT, WASI_EFAULT}, {EFBIG, WASI_EFBIG}, {EINTR, WASI_EINTR},
        {EINVAL, WASI_EINVAL}, {EIO, WASI_EIO}, {EISDIR, WASI_EISDIR},
        {ELOOP, WASI_ELOOP}, {EMFILE, WASI_EMFILE}, {EMLINK, WASI_EMLINK},
        {ENAMETOOLONG, WASI_ENAMETOOLONG}, {ENFILE, WASI_ENFILE},
        {ENODEV, WASI_ENODEV}, {ENOENT, WASI_ENOENT}, {ENOMEM, WASI_ENOMEM},
        {ENOSPC, WASI_ENOSPC}, {ENOSYS, WASI_ENOSYS},
        {ENOTDIR, WASI_ENOTDIR}, {ENOTEMPTY, WASI_ENOTEMPTY},
        {EOPNOTSUPP, WASI_ENOTSUP}, {ENOTTY, WASI_ENOTTY},
        {ENXIO, WASI_ENXIO}, {EOVERFLOW, WASI_EOVERFLOW},
        {EPERM, WASI_EPERM}, {EPIPE, WASI_EPIPE}, {ERANGE, WASI_ERANGE},
        {EROFS, WASI_EROFS}, {ESPIPE, WASI_ESPIPE}, {ETXTBSY, WASI_ETXTBSY},
        {EXDEV, WASI_EXDEV},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].host == e)
            return map[i].wasi;
    return WASI_EIO;
}

/* ---- args and environ ---------------------------------------------------- */

/*
 * Writes the string vector v[0..n) into guest memory: pointers at ptrs,
 * NUL-terminated strings packed at buf (sizes from *_sizes_get).
 * Returns 0 or WASI_EFAULT.
 */
static uint32_t wasi_put_strings(wasm_host_call *c, char *const *v, int n,
                                 uint32_t ptrs, uint32_t buf)
{
    for (int i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        char *dst = wasi_mem(c, buf, len);
        if (!dst || wasi_put32(c, ptrs + 4u * (uint32_t)i, buf))
            return WASI_EFAULT;
        memcpy(dst, v[i], len);
        buf += (uint32_t)len;
    }
    return 0;
}

/* Writes the count of v and the bytes its strings need (with NULs). */
static uint32_t wasi_put_sizes(wasm_host_call *c, char *const *v, int n,
                               uint32_t count_ptr, uint32_t size_ptr)
{
    uint64_t bytes = 0;
    for (int i = 0; i < n; i++)
        bytes += strlen(v[i]) + 1;
    if (bytes > UINT32_MAX)
        return WASI_E2BIG;
    if (wasi_put32(c, count_ptr, (uint32_t)n) ||
        wasi_put32(c, size_ptr, (uint32_t)bytes))
        return WASI_EFAULT;
    return 0;
}

static uint32_t wasi_args_get(wasi_ctx *w, wasm_host_call *c)
{
    return wasi_put_strings(c, w->argv, w->argc, wasi_arg32(c, 0),
                            wasi_arg32(c, 1));
}

static uint32_t wasi_args_sizes_get(wasi_ctx *w, wasm_host_call *c)
{
    return wasi_put_sizes(c, w->argv, w->argc, wasi_arg32(c, 0),
                          wasi_arg32(c, 1));
}

static uint32_t wasi_environ_get(wasi_ctx *w, wasm_host_call *c)
{
    return wasi_put_strings(c, w->envv, w->envc, wasi_arg32(c, 0),
                            wasi_arg32(c, 1));
}

static uint32_t wasi_environ_sizes_get(wasi_ctx *w, wasm_host_call *c)
{
    return wasi_put_sizes(c, w->envv, w->envc, wasi_arg32(c, 0),
                          wasi_arg32(c, 1));
}

/* ---- clocks, randomness, scheduling -------------------------------------- */

/* Maps a WASI clock id to the host's; false for an unknown id. */
static bool wasi_clock(uint32_t id, clockid_t *out)
{
    static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC,
                                    CLOCK_PROCESS_CPUTIME_ID,
                                    CLOCK_THREAD_CPUTIME_ID};
    if (id >= 4)
        return false;
    *out = ids[id];
    return true;
}

static uint64_t wasi_ns(const struct timespec *ts)
{
    return (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
}

static uint32_t wasi_clock_res_get(wasi_ctx *w, wasm_host_call *c)
{
    clockid_t id;
    struct timespec ts;
    (void)w;
    if (!wasi_clock(wasi_arg32(c, 0), &id))
        return WASI_EINVAL;
    if (clock_getres(id, &ts) != 0)
        return wasi_errno(errno);
    return wasi_put64(c, wasi_arg32(c, 1), wasi_ns(&ts));
}

/* clock_time_get(id, precision: i64, time_out); precision is ignored. */
static uint32_t wasi_clock_time_get(wasi_ctx *w, wasm_host_call *c)
{
    clockid_t id;
    struct timespec ts;
    (void)w;
    if (!wasi_clock(wasi_arg32(c, 0), &id))
        return WASI_EINVAL;
    if (clock_gettime(id, &ts) != 0)
        return wasi_errno(errno);
    return wasi_put64(c, wasi_arg32(c, 2), wasi_ns(&ts));
}

static uint32_t wasi_random_get(wasi_ctx *w, wasm_host_call *c)
{
    uint32_t len = wasi_arg32(c, 1);
    uint8_t *p = wasi_mem(c, wasi_arg32(c, 0), len);
    (void)w;
    if (!p)
        return WASI_EFAULT;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno != EINTR)
            return wasi_errno(errno);
        if (n > 0) {
            p += n;
            len -= (uint32_t)n;
        }
    }
    return 0;
}

static uint32_t wasi_sched_yield(wasi_ctx *w, wasm_host_call *c)
{
    (void)w;
    (void)c;
    sched_yield();
    return 0;
}

/* Subscriptions are 48 bytes: userdata u64 @0, tag u8 @8 (0 = clock),
 * clock id u32 @16, timeout u64 @24, flags u16 @40 (1 = absolute).
 * Events are 32 bytes: userdata @0, error u16 @8, type u8 @10.  (The host
 * is little-endian like Wasm, so memcpy reads the fields.) */
#define POLL_SUB 48
#define POLL_EVENT 32

/*
 * The nanoseconds until the earliest clock subscription of in[0..n) is
 * due (UINT64_MAX if there is none), in *ns.  Returns 0 or WASI_EINVAL
 * for an unknown clock.
 */
static uint32_t poll_timeout(const uint8_t *in, uint32_t n, uint64_t *ns)
{
    *ns = UINT64_MAX;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *s = in + POLL_SUB * i;
        uint64_t t;
        if (s[8] != 0)
            continue;
        memcpy(&t, s + 24, 8);
        if (s[40] & 1) {
            clockid_t id;
            struct timespec now;
            uint32_t cid;
            memcpy(&cid, s + 16, 4);
            if (!wasi_clock(cid, &id) || clock_gettime(id, &now) != 0)
                return WASI_EINVAL;
            t = t > wasi_ns(&now) ? t - wasi_ns(&now) : 0;
        }
        if (t < *ns)
            *ns = t;
    }
    return 0;
}

/* Sleeps ns nanoseconds, through signals. */
static void poll_sleep(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000ull),
                          (long)(ns % 1000000000ull)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/*
 * poll_oneoff(in, out, nsubscriptions, nevents_out), minimal: fd
 * subscriptions are reported ready at once (stdio and files never block
 * for long in a batch runner); with none, it sleeps until the earliest
 * clock is due and reports the clocks.  Enough for sleep and nanosleep.
 */
static uint32_t wasi_poll_oneoff(wasi_ctx *w, wasm_host_call *c)
{
    uint32_t n = wasi_arg32(c, 2), nev = 0, err;
    const uint8_t *in = wasi_mem(c, wasi_arg32(c, 0), (uint64_t)n * POLL_SUB);
    uint8_t *out = wasi_mem(c, wasi_arg32(c, 1), (uint64_t)n * POLL_EVENT);
    bool fd_ready = false;
    uint64_t ns;
    (void)w;
    if (n == 0 || n > WASI_MAX_POLL)
        return WASI_EINVAL;
    if (!in || !out || !wasi_mem(c, wasi_arg32(c, 3), 4))
        return WASI_EFAULT;
    if ((err = poll_timeout(in, n, &ns)) != 0)
        return err;
    for (uint32_t i = 0; i < n; i++)
        fd_ready |= in[POLL_SUB * i + 8] != 0;
    if (!fd_ready && ns != UINT64_MAX)
        poll_sleep(ns);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *s = in + POLL_SUB * i;
        uint8_t *e = out + POLL_EVENT * nev;
        if (fd_ready && s[8] == 0)
            continue;   /* an fd is ready, so no clock has fired */
        memset(e, 0, POLL_EVENT);
        memcpy(e, s, 8);
        e[10] = s[8];   /* the event type is the subscription's tag */
        nev++;
    }
    return wasi_put32(c, wasi_arg32(c, 3), nev);
}

/* proc_exit(code): ends the run; the code reaches the runner's exit. */
static wasm_status wasi_proc_exit(wasm_host_call *c)
{
    c->exit_code = (int32_t)wasi_arg32(c, 0);
    return WASM_EXITED;
}

/* Calls WASI defines but this runner does not support. */
static uint32_t wasi_nosys(wasi_ctx *w, wasm_host_call *c)
{
    (void)w;
    (void)c;
    return WASI_ENOSYS;
}

/* fd_fdstat_set_rights: rights are not enforced, so narrowing is a no-op. */
static uint32_t wasi_ok(wasi_ctx *w, wasm_host_call *c)
{
    (void)w;
    (void)c;
    return 0;
}

/* ---- the table ------------------------------------------------------------ */

/* One WASI function: name, signature ("params:results", i = i32,
 * I = i64), implementation. */
typedef struct {
    const char *name;
    const char *sig;
    wasi_impl impl;
} wasi_entry;

static const wasi_entry wasi_table[WASI_NFUNCS] = {
    {"args_get", "ii:i", wasi_args_get},
    {"args_sizes_get", "ii:i", wasi_args_sizes_get},
    {"environ_get", "ii:i", wasi_environ_get},
    {"environ_sizes_get", "ii:i", wasi_environ_sizes_get},
    {"clock_res_get", "ii:i", wasi_clock_res_get},
    {"clock_time_get", "iIi:i", wasi_clock_time_get},
    {"fd_advise", "iIIi:i", wasi_fd_advise},
    {"fd_allocate", "iII:i", wasi_fd_allocate},
    {"fd_close", "i:i", wasi_fd_close},
    {"fd_datasync", "i:i", wasi_fd_datasync},
    {"fd_fdstat_get", "ii:i", wasi_fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii:i", wasi_fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII:i", wasi_ok},
    {"fd_filestat_get", "ii:i", wasi_fd_filestat_get},
    {"fd_filestat_set_size", "iI:i", wasi_fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi:i", wasi_fd_filestat_set_times},
    {"fd_pread", "iiiIi:i", wasi_fd_pread},
    {"fd_prestat_get", "ii:i", wasi_fd_prestat_get},
    {"fd_prestat_dir_name", "iii:i", wasi_fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi:i", wasi_fd_pwrite},
    {"fd_read", "iiii:i", wasi_fd_read},
    {"fd_readdir", "iiiIi:i", wasi_fd_readdir},
    {"fd_renumber", "ii:i", wasi_fd_renumber},
    {"fd_seek", "iIii:i", wasi_fd_seek},
    {"fd_sync", "i:i", wasi_fd_sync},
    {"fd_tell", "ii:i", wasi_fd_tell},
    {"fd_write", "iiii:i", wasi_fd_write},
    {"path_create_directory", "iii:i", wasi_path_create_directory},
    {"path_filestat_get", "iiiii:i", wasi_path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi:i", wasi_path_filestat_set_times},
    {"path_link", "iiiiiii:i", wasi_path_link},
    {"path_open", "iiiiiIIii:i", wasi_path_open},
    {"path_readlink", "iiiiii:i", wasi_path_readlink},
    {"path_remove_directory", "iii:i", wasi_path_remove_directory},
    {"path_rename", "iiiiii:i", wasi_path_rename},
    {"path_symlink", "iiiii:i", wasi_path_symlink},
    {"path_unlink_file", "iii:i", wasi_path_unlink_file},
    {"poll_oneoff", "iiii:i", wasi_poll_oneoff},
    {"proc_exit", "i:", NULL},
    {"proc_raise", "i:i", wasi_nosys},
    {"random_get", "ii:i", wasi_random_get},
    {"sched_yield", ":i", wasi_sched_yield},
    {"sock_accept", "iii:i", wasi_nosys},
    {"sock_recv", "iiiiii:i", wasi_nosys},
    {"sock_send", "iiiii:i", wasi_nosys},
};

/* The generic host function: runs the binding's impl, returns its errno. */
static wasm_status wasi_tramp(wasm_host_call *c)
{
    const wasi_binding *b = c->env;
    c->results[0].type = WASM_I32;
    c->results[0].of.i32 = b->impl(b->ctx, c);
    return WASM_OK;
}

/* Parses a table signature into a functype (arrays of at least 16). */
static void wasi_sig(const char *sig, wasm_functype *t, wasm_valtype *ps,
                     wasm_valtype *rs)
{
    wasm_valtype *v = ps;
    uint32_t *count = &t->nparams;
    t->nparams = t->nresults = 0;
    t->params = ps;
    t->results = rs;
    for (; *sig; sig++) {
        if (*sig == ':') {
            v = rs;
            count = &t->nresults;
            continue;
        }
        v[(*count)++] = *sig == 'I' ? WASM_I64 : WASM_I32;
    }
}

/*
 * Needs: w initialised, rt the runtime the instance will use.
 * Returns a new host function for wasi_snapshot_preview1.`name`, or NULL
 * (with *known false when WASI has no such function, true when out of
 * memory).  The caller frees it with wasm_func_free after the instance.
 */
wasm_func *wasi_func(wasi_ctx *w, const wasm_runtime *rt, const char *name,
                     bool *known)
{
    for (int i = 0; i < WASI_NFUNCS; i++) {
        const wasi_entry *e = &wasi_table[i];
        wasm_valtype ps[16], rs[16];
        wasm_functype t;
        if (strcmp(e->name, name) != 0)
            continue;
        *known = true;
        wasi_sig(e->sig, &t, ps, rs);
        w->bind[i].ctx = w;
        w->bind[i].impl = e->impl;
        return wasm_func_new_host(rt, &t, e->impl ? wasi_tramp : wasi_proc_exit,
                                  &w->bind[i]);
    }
    *known = false;
    return NULL;
}

/*
 * Sets up w: the guest's argv/environ (borrowed, must outlive w) and the
 * stdio descriptors 0..2.  Preopens are added with wasi_preopen.
 */
void wasi_init(wasi_ctx *w, int argc, char *const *argv, int envc,
               char *const *envv)
{
    memset(w, 0, sizeof *w);
    w->argc = argc;
    w->argv = argv;
    w->envc = envc;
    w->envv = envv;
    for (int i = 0; i < WASI_MAX_FDS; i++)
        w->fds[i].host = -1;
    for (int i = 0; i < 3; i++) {
        w->fds[i].host = i;
        w->fds[i].stdio = true;
    }
}

/* Closes every descriptor the guest left open (never the host's stdio). */
void wasi_fini(wasi_ctx *w)
{
    for (int i = 0; i < WASI_MAX_FDS; i++) {
        wasi_fd *f = &w->fds[i];
        if (f->host < 0 || f->stdio)
            continue;
        if (f->dir)
            closedir(f->dir);
        close(f->host);
        free(f->preopen);
        f->host = -1;
    }
}
