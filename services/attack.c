/*
 * attack: a hostile program, one attack on other programs per mode, for
 * harness/tests/test_authority.py.  Each tries to kill, starve, freeze
 * or lock out someone it was given no power over, says what it got, and
 * ends (or waits to be killed).
 *
 *   attack kill      kill every pid up to 300, through every slot, 3 times
 *   attack write     one fd_write of 64 iovecs naming 8 MiB each (512 MiB)
 *   attack squat     spawn itself until the spawn fails, then sleep (every
 *                    child does the same): a full process table
 *   attack mem       children that grow their memory until it fails, then
 *                    wait to be killed
 *   attack fsfill    open /manifest until the file service says no
 *   attack fsclose   FS_CLOSE every id the file service could hand out
 *   attack victim    (the target of fsclose) write a file in two halves
 *   attack monitor   hand the serial line to the kernel monitor
 *   attack handles   fill the handle table, then print
 *   attack badfd     fd_seek, fd_readdir, path_filestat_get on a closed fd
 *                    with pointers outside memory
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#include "svc.h"

#define ATK_PIDS 300                /* pids the kill attack tries */
#define ATK_IOVS 64                 /* iovecs in the write attack */
#define ATK_MIB (1u << 20)
#define ATK_BAD 0xfffffff0u         /* a pointer outside any memory */

/* atk_kill: every slot as a process handle against every pid. */
static int atk_kill(void)
{
    int tried = 0, done = 0;
    for (int round = 0; round < 3; round++)
        for (int32_t pid = 1; pid <= ATK_PIDS; pid++)
            for (int32_t h = 0; h < WISP_HANDLES_MAX; h++, tried++)
                done += wisp_kill(h, pid) == 0;
    printf("attack kill: %d of %d kills accepted\n", done, tried);
    return 0;
}

/* atk_write: 8 MiB of lines, then one fd_write naming them ATK_IOVS
 * times. */
static int atk_write(void)
{
    static __wasi_ciovec_t iov[ATK_IOVS];
    size_t size = 8 * ATK_MIB, n = 64;
    char *buf = malloc(size);
    __wasi_size_t done = 0;
    if (!buf) {
        puts("attack write: no memory");
        return 1;
    }
    memset(buf, '.', n - 1);
    buf[n - 1] = '\n';
    for (; n < size; n *= 2)
        memcpy(buf + n, buf, n);
    for (int i = 0; i < ATK_IOVS; i++)
        iov[i] = (__wasi_ciovec_t){(const uint8_t *)buf, size};
    printf("attack write: 512 MiB in one fd_write\n");
    fflush(stdout);
    int err = __wasi_fd_write(1, iov, ATK_IOVS, &done);
    printf("attack write: the call returned %d after %u bytes\n", err,
           (unsigned)done);
    return 0;
}

/* atk_squat: spawn copies of ourselves until it fails; the first one
 * says how many processes it then holds (with its descendants). */
static int atk_squat(int top)
{
    int32_t pid, err = 0;
    int n = 0;
    while (err == 0 && n < 200) {           /* keeps no handles: */
        err = wisp_spawn("attack.wasm", 11, "squat\0child", 12, NULL, 0,
                         &pid);             /* only the table stops it */
        n += err == 0;
    }
    if (top) {
        struct wisp_proc_info p;
        uint32_t all = 0;
        wisp_sleep_ms(500);         /* the children squat too */
        while (wisp_proc_info(all, &p) == 0)
            all++;
        printf("attack squat: spawn failed (%s); %u processes live\n",
               wisp_strerror(err), (unsigned)all);
        fflush(stdout);
    }
    for (;;)
        wisp_sleep_ms(100000);
}

/* atk_mem: children grow their memory 1 MiB at a time until it fails;
 * each says how far it got. */
static int atk_mem(int child)
{
    int32_t pid, h;
    unsigned mib = 0;
    if (child) {
        while (__builtin_wasm_memory_grow(0, 16) != (size_t)-1)
            mib++;
        printf("attack mem: child grew %u MiB\n", mib);
        fflush(stdout);
        for (;;)
            wisp_sleep_ms(100000);
    }
    for (int i = 0; i < 12; i++)
        if (wisp_spawn_proc("attack.wasm", 11, "mem\0child", 10, NULL, 0,
                            &pid, &h) != 0)
            break;
    wisp_sleep_ms(3000);
    puts("attack mem: done");
    fflush(stdout);
    for (;;)
        wisp_sleep_ms(100000);
}

/* atk_fsfill: FS_OPEN of /manifest straight to the file service,
 * naming owner 0 as it once trusted, until it says no. */
static int atk_fsfill(void)
{
    int n = 0;
    uint32_t err = 0;
    while (err == 0 && n < 100) {
        wisp_msg m = {.label = FS_OPEN, .nwords = 2};
        wisp_in in = {0};
        m.words[0] = 0;
        m.words[1] = 0;
        m.buf = SVC_PTR("/manifest");
        m.len = 9;
        err = (uint32_t)wisp_call(WISP_SLOT_FS, &m, &in);
        err = err ? err : in.label;
        n += err == 0;
    }
    printf("attack fsfill: %d files open, then %s\n", n,
           wisp_strerror((int32_t)err));
    fflush(stdout);
    for (;;)
        wisp_sleep_ms(100000);
}

/* atk_fsclose: FS_CLOSE of every index with many generations. */
static int atk_fsclose(void)
{
    int closed = 0, tried = 0;
    for (uint32_t gen = 0; gen < 64; gen++)     /* ids in use are the lowest */
        for (uint32_t i = 1; i <= 256; i++, tried++) {
            wisp_msg m = {.label = FS_CLOSE, .nwords = 1};
            wisp_in in = {0};
            m.words[0] = gen << 16 | i;
            closed += wisp_call(WISP_SLOT_FS, &m, &in) == 0 && in.label == 0;
        }
    printf("attack fsclose: %d of %d closes accepted\n", closed, tried);
    return 0;
}

/* atk_victim: a file written in two halves, 3 s apart. */
static int atk_victim(void)
{
    int fd = open("/tmp/victim", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ssize_t a = write(fd, "first half\n", 11), b;
    printf("victim: first half written (%d)\n", (int)a);
    fflush(stdout);
    wisp_sleep_ms(3000);
    b = write(fd, "second half\n", 12);
    printf("victim: second half: %s\n", b == 12 ? "written" : "LOST");
    return close(fd) != 0 || b != 12;
}

/* atk_monitor: monitor() through every slot, and CONS_MONITOR through
 * our console handle. */
static int atk_monitor(void)
{
    wisp_msg m = {.label = CONS_MONITOR};
    wisp_in in = {0};
    int granted = 0;
    for (int32_t h = 0; h < WISP_HANDLES_MAX; h++)
        granted += wisp_monitor(h) == 0;
    int32_t err = wisp_call(WISP_SLOT_CONSOLE, &m, &in);
    printf("attack monitor: %d of %d monitor calls accepted; "
           "CONS_MONITOR: %s\n", granted, WISP_HANDLES_MAX,
           wisp_strerror(err ? err : (int32_t)in.label));
    return 0;
}

/* atk_handles: every free slot taken by a new endpoint, then stdout. */
static int atk_handles(void)
{
    int32_t h;
    int n = 0;
    while (wisp_ep_create(&h) == 0)
        n++;
    printf("attack handles: %d endpoints made, table full, stdout works\n",
           n);
    return 0;
}

/* atk_badfd: the errno of three calls on a closed fd, pointers bad. */
static int atk_badfd(void)
{
    __wasi_filesize_t pos;
    __wasi_size_t used;
    int seek = __wasi_fd_seek(42, 0, __WASI_WHENCE_SET,
                              (__wasi_filesize_t *)ATK_BAD);
    int rdir = __wasi_fd_readdir(42, (uint8_t *)ATK_BAD, 64, 0,
                                 (__wasi_size_t *)ATK_BAD);
    int stat = __wasi_path_filestat_get(42, 0, "x",
                                        (__wasi_filestat_t *)ATK_BAD);
    (void)pos, (void)used;
    printf("attack badfd: fd_seek %d, fd_readdir %d, path_filestat_get %d "
           "(EBADF is %d)\n", seek, rdir, stat, __WASI_ERRNO_BADF);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    int child = argc > 2;
    if (strcmp(mode, "kill") == 0) return atk_kill();
    if (strcmp(mode, "write") == 0) return atk_write();
    if (strcmp(mode, "squat") == 0) return atk_squat(!child);
    if (strcmp(mode, "mem") == 0) return atk_mem(child);
    if (strcmp(mode, "fsfill") == 0) return atk_fsfill();
    if (strcmp(mode, "fsclose") == 0) return atk_fsclose();
    if (strcmp(mode, "victim") == 0) return atk_victim();
    if (strcmp(mode, "monitor") == 0) return atk_monitor();
    if (strcmp(mode, "handles") == 0) return atk_handles();
    if (strcmp(mode, "badfd") == 0) return atk_badfd();
    puts("usage: attack kill|write|squat|mem|fsfill|fsclose|victim|monitor|"
         "handles|badfd");
    return 2;
}
