/*
 * crashloop N: N crash-and-restart cycles of a server, each of which
 * must leave nothing behind (harness/tests/test_proc_isolation.py runs
 * it between two `mem`s).
 *
 * Each cycle it makes an endpoint and starts a server, a process of
 * its own program (`crashloop serve SLOT`), giving it the endpoint's
 * only receive handle, and calls it once.  The server first takes
 * what a service holds: an endpoint and a notification of its own, 256
 * KiB of memory, a file in /tmp (when it has the file service), then
 * receives the call, which gives it the call's reply handle, and traps
 * holding everything ("trap: unreachable in func N (crash)").  The
 * kernel must tear all of it down: the call returns EPIPE (the reply
 * handle went with the server), and crashloop waits for the server's
 * end (wisp.watch) before it starts the next one.  Prints
 *
 *   crashloop: cycle K: call -> EPIPE
 *   crashloop: N cycles, N calls answered EPIPE
 *
 * and exits 0, or says what went wrong and exits 1.  The servers are
 * crashloop's children, one at a time: every cycle counts in its quota
 * of processes, so each ended server must give its place back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wisp.h"

#define CL_MEM (256 * 1024)         /* what a server allocates */
#define CL_SLOT_CONSOLE 0           /* the shell's standard slots */
#define CL_SLOT_FS 1

/* crash: the server's end: `unreachable`, holding everything. */
__attribute__((noinline)) static void crash(void)
{
    __builtin_trap();
}

/* cl_serve: `crashloop serve SLOT`: take an endpoint, a notification,
 * memory and (with the file service in slot CL_SLOT_FS, when SLOT is
 * past it) a file, receive one call on slot SLOT, crash. */
static int cl_serve(int32_t slot)
{
    int32_t ep, ntfn;
    wisp_in in = { .cap = 0 };
    char *mem = malloc(CL_MEM);
    FILE *f = slot > CL_SLOT_FS ? fopen("/tmp/crashloop", "w") : NULL;
    if (!mem || wisp_ep_create(&ep) != 0 || wisp_ntfn_create(&ntfn) != 0 ||
        (slot > CL_SLOT_FS && !f)) {
        printf("crashloop: the server cannot take its resources (%s)\n",
               mem ? "a handle or the file" : "memory");
        return 1;
    }
    memset(mem, 0x5a, CL_MEM);
    if (f) {                        /* the file stays open */
        fputs("crashloop was here\n", f);
        fflush(f);
    }
    int32_t r = wisp_recv(slot, &in);
    if (r != 0) {
        printf("crashloop: the server's recv -> %s\n", wisp_strerror(r));
        return 1;
    }
    crash();
    return 1;
}

/* The standard slots crashloop was started with (the console and the
 * file service, from the shell), found before it makes any handle. */
static int32_t cl_std[2];
static uint32_t cl_nstd;

/* cl_find_std: which of slots 0 and 1 hold a handle it was given. */
static void cl_find_std(void)
{
    int32_t probe;
    for (int32_t s = CL_SLOT_CONSOLE; s <= CL_SLOT_FS; s++)
        if (wisp_dup(s, WISP_R_SEND, 0, &probe) == 0) {
            wisp_close(probe);
            cl_std[cl_nstd++] = s;
        }
}

/* cl_handles: the spawn list for a server: the standard handles, then
 * rh.  Returns the number of entries; the server finds rh in the last
 * slot. */
static uint32_t cl_handles(int32_t rh, int32_t *hs)
{
    uint32_t n = 0;
    while (n < cl_nstd) {
        hs[n] = cl_std[n];
        n++;
    }
    hs[n++] = rh;
    return n;
}

/* cl_cycle: one server started on a new endpoint, called, and watched
 * to its end.  0, or 1 after saying what went wrong. */
static int cl_cycle(int k, int32_t ntfn)
{
    int32_t hs[3], ep, rh, pid, proc, w, r;
    uint32_t n, word;
    char arg[16];
    wisp_msg m = wisp_msg_words(1, 0, NULL);
    wisp_in in = { .cap = 0 };
    if ((r = wisp_ep_create(&ep)) != 0 ||
        (r = wisp_dup(ep, WISP_R_RECV, 0, &rh)) != 0) {
        printf("crashloop: cycle %d: an endpoint -> %s\n", k,
               wisp_strerror(r));
        return 1;
    }
    n = cl_handles(rh, hs);
    int len = snprintf(arg, sizeof arg, "serve%c%u", '\0', (unsigned)n - 1);
    r = wisp_spawn_proc("crashloop.wasm", 14, arg, (uint32_t)len + 1, hs, n,
                        &pid, &proc);
    wisp_close(rh);                 /* the server holds the only one */
    if (r != 0) {
        printf("crashloop: cycle %d: spawn -> %s\n", k, wisp_strerror(r));
        return 1;
    }
    if ((r = wisp_dup(ntfn, WISP_R_SEND, 0, &w)) != 0 ||
        (r = wisp_watch(pid, w)) != 0) {
        printf("crashloop: cycle %d: watch -> %s\n", k, wisp_strerror(r));
        return 1;
    }
    wisp_close(w);
    r = wisp_call(ep, &m, &in);
    printf("crashloop: cycle %d: call -> %s\n", k, wisp_strerror(r));
    if (r != WISP_EPIPE)
        return 1;
    wisp_wait(ntfn, &word);         /* its end, once all of it is gone */
    wisp_close(proc);
    wisp_close(ep);
    return 0;
}

int main(int argc, char **argv)
{
    int32_t ntfn;
    int n = argc > 1 ? atoi(argv[1]) : 10;
    if (argc > 2 && strcmp(argv[1], "serve") == 0)
        return cl_serve((int32_t)atoi(argv[2]));
    cl_find_std();
    if (wisp_ntfn_create(&ntfn) != 0) {
        printf("crashloop: cannot make its notification\n");
        return 1;
    }
    for (int k = 1; k <= n; k++)
        if (cl_cycle(k, ntfn) != 0)
            return 1;
    printf("crashloop: %d cycles, %d calls answered EPIPE\n", n, n);
    wisp_close(ntfn);
    return 0;
}
