/*
 * bounds: the kernel's check of the pointers a program hands it, tried
 * at the edges of linear memory (harness/tests/test_proc_isolation.py).
 *
 * It grows its memory by one page of its own, so the end of memory is
 * nobody else's, and makes each case an IPC call whose pointer or
 * length lies at an edge: a range inside memory gets past the call's
 * pointer checks and the call answers what comes next (a new handle,
 * EAGAIN, ENOENT, EINVAL), a range that is not is EFAULT, an error the
 * program can handle (spec/abi.md).  One line per case, each with the
 * answer expected, then a summary per group:
 *
 *   bounds: edges: 11 cases, 0 wrong
 *   bounds: wraps: 4 cases, 0 wrong
 *
 * The edges: the last bytes of memory are inside, a range that goes one
 * byte past them is not, an empty range just at the end is.  The wraps:
 * a pointer and a length whose sum passes 2^32 (where a 32-bit sum would
 * come out small, inside).  Last, two WASI calls: random_get of the last
 * byte returns 0, and random_get of the last byte and one past is a bad
 * pointer, which ends the program:
 *
 *   "trap: bad host-call pointer in func N (__wasi_random_get)"
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "wisp.h"

#define BD_PAGE 65536u
#define BD_IN_SIZE 84u              /* sizeof (wisp_in) */

static uint32_t bd_end;             /* the size of memory: one past it */
static int bd_cases, bd_wrong;

/* bd_case: prints one case: what was tried, the answer and the one
 * expected; counts it, and a wrong answer. */
static void bd_case(const char *what, int32_t got, int32_t want)
{
    bool ok = got == want;
    printf("bounds: %-52s -> %-6s (want %s)%s\n", what, wisp_strerror(got),
           wisp_strerror(want), ok ? "" : "  WRONG");
    bd_cases++;
    bd_wrong += !ok;
}

/* bd_summary: the summary line of a group of cases, then a new group. */
static void bd_summary(const char *group)
{
    printf("bounds: %s: %d cases, %d wrong\n", group, bd_cases, bd_wrong);
    bd_cases = bd_wrong = 0;
}

/* bd_at: the byte at address a of linear memory (a pointer the compiler
 * cannot prove anything about). */
static void *bd_at(uint32_t a)
{
    return (void *)(uintptr_t)a;
}

/* bd_recv_into: try_recv on ep into [ptr, ptr + cap): EAGAIN (nothing is
 * queued) once the buffer passed the check. */
static int32_t bd_recv_into(int32_t ep, uint32_t ptr, uint32_t cap)
{
    wisp_in in = { .buf = ptr, .cap = cap };
    return wisp_try_recv(ep, &in);
}

/* bd_spawn: spawn with the name [name, name + len) and the handle list
 * [hs, hs + 4 n); every other pointer is good. */
static int32_t bd_spawn(uint32_t name, uint32_t len, uint32_t hs, uint32_t n)
{
    int32_t pid, proc;
    return wisp_spawn_proc(bd_at(name), len, "", 0, bd_at(hs), n, &pid,
                           &proc);
}

/* bd_edges: the last bytes are inside, one byte more is not. */
static void bd_edges(int32_t ep)
{
    uint32_t e = bd_end;
    int32_t h, r = wisp_ep_create(bd_at(e - 4));
    wisp_msg m = wisp_msg_words(1, 0, NULL);
    bd_case("ep_create, h_out in the last 4 bytes", r, WISP_OK);
    if (r == WISP_OK) {
        memcpy(&h, bd_at(e - 4), 4);
        wisp_close(h);
    }
    bd_case("ep_create, h_out in the last 3 bytes and 1 past",
            wisp_ep_create(bd_at(e - 3)), WISP_EFAULT);
    bd_case("ep_create, h_out just past the end",
            wisp_ep_create(bd_at(e)), WISP_EFAULT);
    memset(bd_at(e - BD_IN_SIZE - 1), 0, BD_IN_SIZE + 1);  /* no buffer */
    bd_case("try_recv, its wisp_in in the last 84 bytes",
            wisp_try_recv(ep, bd_at(e - BD_IN_SIZE)), WISP_EAGAIN);
    bd_case("try_recv, its wisp_in 1 byte past the end",
            wisp_try_recv(ep, bd_at(e - BD_IN_SIZE + 1)), WISP_EFAULT);
    bd_case("try_recv into the last byte", bd_recv_into(ep, e - 1, 1),
            WISP_EAGAIN);
    bd_case("try_recv into the last byte and 1 past",
            bd_recv_into(ep, e - 1, 2), WISP_EFAULT);
    bd_case("try_recv into 1 byte just past the end",
            bd_recv_into(ep, e, 1), WISP_EFAULT);
    m.buf = e - 1;
    m.len = 1;
    bd_case("try_send of the last byte", wisp_try_send(ep, &m), WISP_EAGAIN);
    m.len = 2;
    bd_case("try_send of the last byte and 1 past", wisp_try_send(ep, &m),
            WISP_EFAULT);
    bd_case("spawn, an empty name just at the end", bd_spawn(e, 0, 0, 0),
            WISP_ENOENT);
    bd_summary("edges");
}

/* bd_wraps: a pointer and a length whose sum passes 2^32. */
static void bd_wraps(int32_t ep)
{
    bd_case("try_recv into 0xfffffff0 bytes at 16 (sum 2^32)",
            bd_recv_into(ep, 16, 0xfffffff0u), WISP_EFAULT);
    bd_case("try_recv into 1 byte at 0xffffffff (sum 2^32)",
            bd_recv_into(ep, 0xffffffffu, 1), WISP_EFAULT);
    bd_case("spawn, a name of 0xfffffff0 bytes at 16",
            bd_spawn(16, 0xfffffff0u, 0, 0), WISP_EFAULT);
    bd_case("spawn, 2^30 handles at 16 (4 * 2^30 = 2^32 bytes)",
            bd_spawn(16, 5, 16, 0x40000000u), WISP_EFAULT);
    bd_summary("wraps");
}

/* bd_random: random_get of the last byte, then of the last two bytes
 * and one past, which must end the program. */
static void bd_random(void)
{
    printf("bounds: random_get of the last byte -> %d\n",
           (int)__wasi_random_get(bd_at(bd_end - 1), 1));
    printf("bounds: random_get of the last byte and 1 past: must trap\n");
    fflush(stdout);
    int r = __wasi_random_get(bd_at(bd_end - 1), 2);
    printf("bounds: random_get of the last byte and 1 past RETURNED %d\n", r);
}

int main(void)
{
    int32_t ep;
    printf("bounds: pointers at the edges of linear memory\n");
    size_t pages = __builtin_wasm_memory_grow(0, 1);  /* after stdio's */
    if (pages == (size_t)-1 || wisp_ep_create(&ep) != 0) {
        printf("bounds: cannot set up (memory or an endpoint)\n");
        return 2;
    }
    bd_end = (uint32_t)((pages + 1) * BD_PAGE);
    printf("bounds: memory ends at 0x%x\n", (unsigned)bd_end);
    bd_edges(ep);
    bd_wraps(ep);
    bd_random();
    return 1;
}
