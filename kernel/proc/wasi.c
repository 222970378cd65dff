/*
 * wasi.c: the WASI preview1 calls the kernel provides
 * ("wasi_snapshot_preview1"): what a wasi-libc program needs to start,
 * print, read input and files, read the clocks, get random bytes, sleep
 * and exit.
 *
 * Descriptors 0, 1 and 2 are the console: IPC calls to the console
 * service through slot 0 when the program has one (wasifs.h), else the
 * serial line (output only).  Descriptors 3 and up are the files of the
 * file service in slot 1 (wasifs.c, which also has the path_* calls).
 * The table mirrors the host runner's (interp/run/wasi.c): same
 * signature strings, same errno numbering.  Pointer checks: see
 * hostcall.h; spec/abi.md states each contract.
 */
#include "proc/hostcall.h"

#include <stdbool.h>

#include "kprintf.h"
#include "kstring.h"
#include "param.h"
#include "sched.h"
#include "thread.h"
#include "timer.h"
#include "proc/wasifs.h"

#define NS_PER_TICK (1000000000ull / TIMER_HZ)

/* ---- args and environ ---------------------------------------------------- */

/* args_sizes_get(argc_out, bufsize_out). */
static uint32_t wasi_args_sizes_get(struct proc *p, wasm_host_call *c)
{
    if (host_put32(c, host_arg32(c, 0), (uint32_t)p->argc))
        return HOST_FAULT;
    return host_put32(c, host_arg32(c, 1), (uint32_t)p->argbytes);
}

/* args_get(argv_out, buf_out): argc pointers at argv_out, the strings
 * (with NULs) packed at buf_out, as args_sizes_get promised. */
static uint32_t wasi_args_get(struct proc *p, wasm_host_call *c)
{
    uint32_t ptrs = host_arg32(c, 0), buf = host_arg32(c, 1);
    char *dst = host_mem(c, buf, p->argbytes);
    if (!dst || !host_mem(c, ptrs, 4ull * (uint64_t)p->argc))
        return HOST_FAULT;
    memcpy(dst, p->argv[0], p->argbytes);   /* the strings are packed */
    for (int i = 0; i < p->argc; i++)
        host_put32(c, ptrs + 4u * (uint32_t)i,
                   buf + (uint32_t)(p->argv[i] - p->argv[0]));
    return 0;
}

/* environ_sizes_get: no environment variables (0 and 0). */
static uint32_t wasi_environ_sizes_get(struct proc *p, wasm_host_call *c)
{
    (void)p;
    if (host_put32(c, host_arg32(c, 0), 0))
        return HOST_FAULT;
    return host_put32(c, host_arg32(c, 1), 0);
}

/* environ_get: nothing to write. */
static uint32_t wasi_environ_get(struct proc *p, wasm_host_call *c)
{
    (void)p, (void)c;
    return 0;
}

/* ---- clocks, randomness, scheduling -------------------------------------- */

/* clock_ns: clock id's reading; false for an unknown id.  0 (realtime)
 * and 1 (monotonic) both count from boot: there is no RTC driver; 2 and 3
 * (process and thread CPU time) are the ticks the thread ran. */
static bool clock_ns(struct proc *p, uint32_t id, uint64_t *ns)
{
    if (id > 3)
        return false;
    *ns = id < 2 ? host_now_ns() : p->thread->cpu_ticks * NS_PER_TICK;
    return true;
}

/* clock_res_get(id, res_out): 1 us for the realtime and monotonic
 * clocks (ticks interpolated with the TSC: finer than that in fact, but
 * only as accurate as the last tick's TSC rate), one timer tick for the
 * CPU-time clocks, which count whole ticks. */
static uint32_t wasi_clock_res_get(struct proc *p, wasm_host_call *c)
{
    (void)p;
    uint32_t id = host_arg32(c, 0);
    if (id > 3)
        return WASI_EINVAL;
    return host_put64(c, host_arg32(c, 1), id < 2 ? 1000 : NS_PER_TICK);
}

/* clock_time_get(id, precision: i64, time_out); precision is ignored. */
static uint32_t wasi_clock_time_get(struct proc *p, wasm_host_call *c)
{
    uint64_t ns;
    if (!clock_ns(p, host_arg32(c, 0), &ns))
        return WASI_EINVAL;
    return host_put64(c, host_arg32(c, 2), ns);
}

/* rdrand_ok: the CPU has RDRAND (CPUID.1:ECX bit 30). */
static bool rdrand_ok(void)
{
    uint32_t a = 1, b, cx = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(cx), "=d"(d));
    return cx & (1u << 30);
}

/* random64: RDRAND when the CPU has it and it delivers; otherwise
 * xorshift64*, seeded from the time-stamp counter at first use (not
 * cryptographic: QEMU's default CPU has no RDRAND). */
static uint64_t random64(void)
{
    static int have = -1;
    static uint64_t state;
    uint64_t v;
    uint8_t ok = 0;
    if (have < 0)
        have = rdrand_ok();
    if (have)
        __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
    if (ok)
        return v;
    if (state == 0) {
        uint32_t lo, hi;
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        state = ((uint64_t)hi << 32 | lo) | 1;
    }
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dull;
}

/* random_get(buf, len): len random bytes at buf (a host_pause every
 * HOST_CHUNK bytes). */
static uint32_t wasi_random_get(struct proc *p, wasm_host_call *c)
{
    uint32_t len = host_arg32(c, 1);
    uint8_t *dst = host_mem(c, host_arg32(c, 0), len);
    if (!dst)
        return HOST_FAULT;
    for (uint32_t i = 0; i < len; i += 8) {
        uint64_t v = random64();
        memcpy(dst + i, &v, len - i < 8 ? len - i : 8);
        if ((i + 8) % HOST_CHUNK == 0 && host_pause(p) != 0)
            return HOST_KILLED;
    }
    return 0;
}

/* sched_yield() -> 0. */
static uint32_t wasi_sched_yield(struct proc *p, wasm_host_call *c)
{
    (void)c;
    sched_yield();
    return p->killed ? HOST_KILLED : 0;
}

/* ---- descriptors: stdio, then files (wasifs.c) ------------------------ */

/*
 * iov_check: the n iovecs at iov (n <= PROC_IOVS_MAX, else EINVAL) name
 * buffers wholly inside the caller's memory (else HOST_FAULT) whose
 * total fits an i32 (else EINVAL).  Every buffer is checked before any
 * byte moves, so a bad pointer ends the program without partial output.
 */
static uint32_t iov_check(wasm_host_call *c, const uint8_t *iov, uint32_t n)
{
    uint64_t total = 0;
    if (n > PROC_IOVS_MAX)
        return WASI_EINVAL;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf, len;
        memcpy(&buf, iov + 8 * i, 4);
        memcpy(&len, iov + 8 * i + 4, 4);
        if (!host_mem(c, buf, len))
            return HOST_FAULT;
        total += len;
    }
    return total > INT32_MAX ? WASI_EINVAL : 0;
}

/* serial_write: print the n iovecs (checked) on the serial line,
 * HOST_CHUNK bytes at a time with a host_pause after each; *done = the
 * bytes printed (a kill ends the call, HOST_KILLED). */
static uint32_t serial_write(struct proc *p, wasm_host_call *c,
                             const uint8_t *iov, uint32_t n, uint32_t *done)
{
    *done = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf, len;
        memcpy(&buf, iov + 8 * i, 4);
        memcpy(&len, iov + 8 * i + 4, 4);
        const char *s = host_mem(c, buf, len);
        for (uint32_t k = 0; k < len; k++) {
            console_putc(s[k]);
            if (++*done % HOST_CHUNK == 0 && host_pause(p) != 0)
                return HOST_KILLED;
        }
    }
    return 0;
}

/*
 * fd_io: fd_write (wr) or fd_read (fd, iovs, iovs_len, nbytes_out).
 * fds 0-2 go to the console endpoint in slot 0 when there is one
 * (wasifs.h); without it fds 1 and 2 print on the serial line and fd 0
 * has no input (EBADF).  fds 3 and up are files.  A transfer that fails
 * after moving bytes reports the bytes, as POSIX does.
 */
static uint32_t fd_io(struct proc *p, wasm_host_call *c, bool wr)
{
    uint32_t fd = host_arg32(c, 0), n = host_arg32(c, 2), done = 0, r;
    const uint8_t *iov = host_mem(c, host_arg32(c, 1), 8ull * n);
    bool ipc_stdio = fd <= 2 && wasifs_has(p, WISP_SLOT_CONSOLE);
    if (!iov || !host_mem(c, host_arg32(c, 3), 4))
        return HOST_FAULT;
    if (fd <= 2 && (fd == 0) == wr)
        return WASI_EBADF;                  /* stdin is for reading */
    if ((fd == 0 && !ipc_stdio) || (fd > 2 && !wasifs_has(p, WISP_SLOT_FS)))
        return WASI_EBADF;                  /* no console input; no files */
    if ((r = iov_check(c, iov, n)) != 0)
        return r;
    if (ipc_stdio)
        r = wr ? wasifs_cons_write(p, c, iov, n, &done)
               : wasifs_cons_read(p, c, iov, n, &done);
    else if (fd <= 2)
        r = serial_write(p, c, iov, n, &done);
    else
        r = wasifs_fd_io(p, fd, wr, iov, n, &done);
    if (r == HOST_FAULT || r == HOST_KILLED || (r != 0 && done == 0))
        return r;
    return host_put32(c, host_arg32(c, 3), done);
}

/* fd_write(fd, iovs, iovs_len, nwritten_out). */
static uint32_t wasi_fd_write(struct proc *p, wasm_host_call *c)
{
    return fd_io(p, c, true);
}

/* fd_read(fd, iovs, iovs_len, nread_out). */
static uint32_t wasi_fd_read(struct proc *p, wasm_host_call *c)
{
    return fd_io(p, c, false);
}

/* fd_fdstat_get(fd, stat_out): fds 0-2 are character devices (a tty: no
 * seek rights, so stdio line-buffers); files and directories as
 * wasifs.c says; others EBADF. */
static uint32_t wasi_fd_fdstat_get(struct proc *p, wasm_host_call *c)
{
    uint32_t fd = host_arg32(c, 0);
    uint8_t *st = host_mem(c, host_arg32(c, 1), 24);
    uint64_t rights = fd == 0 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
    uint8_t fst[24];
    if (fd > 2 && wasifs_fd_fdstat(p, fd, fst) != 0)
        return WASI_EBADF;
    if (!st)
        return HOST_FAULT;
    if (fd > 2) {
        memcpy(st, fst, 24);
        return 0;
    }
    memset(st, 0, 24);
    st[0] = WASI_FT_CHAR;
    memcpy(st + 8, &rights, 8);
    return 0;
}

/* fd_close(fd): the console stays open (0); files close (wasifs.c). */
static uint32_t wasi_fd_close(struct proc *p, wasm_host_call *c)
{
    uint32_t fd = host_arg32(c, 0);
    return fd <= 2 ? 0 : wasifs_fd_close(p, fd);
}

/* fd_seek(fd, offset: i64, whence, newoffset_out): files only; the
 * console cannot seek (ESPIPE).  A closed fd is EBADF whatever the
 * pointer (a seek by 0 from the current offset asks, changing nothing). */
static uint32_t wasi_fd_seek(struct proc *p, wasm_host_call *c)
{
    uint32_t fd = host_arg32(c, 0), r;
    uint64_t pos;
    if (fd <= 2)
        return WASI_ESPIPE;
    r = wasifs_fd_seek(p, fd, 0, 1, &pos);      /* EBADF before pointers */
    if (r == WASI_EBADF || r == WASI_ESPIPE)
        return r;
    if (!host_mem(c, host_arg32(c, 3), 8))
        return HOST_FAULT;
    r = wasifs_fd_seek(p, fd, (int64_t)host_arg64(c, 1), host_arg32(c, 2),
                       &pos);
    return r ? r : host_put64(c, host_arg32(c, 3), pos);
}

/* ---- poll_oneoff: clock subscriptions (sleep, nanosleep) ---------------- */

/* sub_due: when subscription s (48 bytes) is due, for a poll that began
 * at start: now for an fd, else its clock's deadline (absolute, or
 * relative to start; clock ids are not told apart: all count from boot). */
static uint64_t sub_due(const uint8_t *s, uint64_t start)
{
    uint64_t t;
    memcpy(&t, s + 24, 8);
    if (s[8] != 0)
        return start;
    if (s[40] & 1)
        return t;
    return t > UINT64_MAX - start ? UINT64_MAX : start + t;
}

/*
 * poll_oneoff(in, out, nsubscriptions, nevents_out): sleeps until the
 * earliest subscription is due and reports those that are; an fd
 * subscription is due at once and reported with EBADF (no files to wait
 * for).  A kill ends the sleep and the process.
 */
static uint32_t wasi_poll_oneoff(struct proc *p, wasm_host_call *c)
{
    uint32_t n = host_arg32(c, 2), nev = 0;
    const uint8_t *in = host_mem(c, host_arg32(c, 0), 48ull * n);
    uint8_t *out = host_mem(c, host_arg32(c, 1), 32ull * n);
    uint64_t start = host_now_ns(), due = UINT64_MAX, now;
    if (!in || !out || !host_mem(c, host_arg32(c, 3), 4))
        return HOST_FAULT;
    if (n == 0)
        return WASI_EINVAL;
    for (uint32_t i = 0; i < n; i++)
        if (sub_due(in + 48 * i, start) < due)
            due = sub_due(in + 48 * i, start);
    if (due > start)
        sleep_ms((due - start + 999999) / 1000000);
    if (p->killed)
        return HOST_KILLED;
    now = host_now_ns();
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *s = in + 48 * i;
        uint8_t *e = out + 32 * nev;
        if (sub_due(s, start) > now && sub_due(s, start) != due)
            continue;                       /* not yet due */
        memset(e, 0, 32);
        memcpy(e, s, 8);                    /* userdata */
        e[8] = s[8] == 0 ? 0 : WASI_EBADF;  /* error (u16, low byte) */
        e[10] = s[8];                       /* type = the tag */
        nev++;
    }
    return host_put32(c, host_arg32(c, 3), nev);
}

/* ---- the table ------------------------------------------------------------ */

/* proc_exit has no implementation: exit_tramp ends the call (WASM_EXITED). */
const struct host_entry wasi_entries[] = {
    { "wasi_snapshot_preview1", "args_get", "ii:i", wasi_args_get },
    { "wasi_snapshot_preview1", "args_sizes_get", "ii:i", wasi_args_sizes_get },
    { "wasi_snapshot_preview1", "environ_get", "ii:i", wasi_environ_get },
    { "wasi_snapshot_preview1", "environ_sizes_get", "ii:i",
      wasi_environ_sizes_get },
    { "wasi_snapshot_preview1", "clock_res_get", "ii:i", wasi_clock_res_get },
    { "wasi_snapshot_preview1", "clock_time_get", "iIi:i", wasi_clock_time_get },
    { "wasi_snapshot_preview1", "fd_close", "i:i", wasi_fd_close },
    { "wasi_snapshot_preview1", "fd_fdstat_get", "ii:i", wasi_fd_fdstat_get },
    { "wasi_snapshot_preview1", "fd_read", "iiii:i", wasi_fd_read },
    { "wasi_snapshot_preview1", "fd_seek", "iIii:i", wasi_fd_seek },
    { "wasi_snapshot_preview1", "fd_write", "iiii:i", wasi_fd_write },
    { "wasi_snapshot_preview1", "poll_oneoff", "iiii:i", wasi_poll_oneoff },
    { "wasi_snapshot_preview1", "proc_exit", "i:", NULL },
    { "wasi_snapshot_preview1", "random_get", "ii:i", wasi_random_get },
    { "wasi_snapshot_preview1", "sched_yield", ":i", wasi_sched_yield },
};
const int wasi_nentries = sizeof wasi_entries / sizeof wasi_entries[0];
