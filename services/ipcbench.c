/*
 * ipcbench.c: the IPC round trip, measured from inside the guest
 * (bench/sections/ipc.py runs it under QEMU -icount shift=0).
 *
 *   run ipcbench [TICKS]     the client: spawns ipcbench as its server,
 *                            then measures three message sizes
 *   ipcbench server          the server (spawned by the client with the
 *                            endpoint's receive handle in slot 0)
 *
 * One round trip is the client's wisp_call plus the server's
 * wisp_reply_recv, each in its own Wasm loop: so it counts two host
 * calls through the interpreter, the IPC core, two thread switches and
 * both loops.  The messages: empty (label only), 8 words, and a 4 KiB
 * buffer sent with the call and echoed back with the reply.  The server
 * echoes label, words and buffer; the client checks the last echo.
 *
 * Timing: WASI's monotonic clock, which the kernel counts in timer ticks
 * (10 ms) and interpolates between them with the TSC.  The client starts
 * when the clock moves (at once with that interpolation; at a tick edge
 * with a clock of tick resolution) and makes round trips in batches of
 * BATCH, reading the clock after each batch, until TICKS ticks' worth of
 * nanoseconds have passed: to within one batch.  Under -icount shift=0 one nanosecond of the guest's clock is
 * one guest instruction, so ns per round trip = instructions per round
 * trip.  Nothing is subtracted: the clock reads (one per batch) count.
 *
 * For comparison it then times the cheapest host call (wisp_getpid) in
 * the same way.  Prints, per size, then for the null call:
 *   ipcbench: SIZE: N round trips in T ns: X.X ns per round trip
 *   ipcbench: null host call: N calls in T ns: X.X ns per call
 * then `ipcbench: done`; exit 0.  Any IPC error: a message, exit 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#include "wisp.h"

#define BATCH 256   /* round trips between clock reads: a read costs about
                       470 instructions, under 2 per round trip */
#define TICK_NS 10000000ull         /* one kernel timer tick (100 Hz) */
#define TICKS_DEFAULT 50            /* ticks measured per message size */
#define TICKS_MAX 10000
#define BUF_BYTES 4096              /* the buffer of the 4 KiB case */
#define WARMUP 64                   /* round trips before measuring */

static uint8_t sendbuf[BUF_BYTES], recvbuf[BUF_BYTES];

/* fail: report an IPC error and end the process with status 1. */
static void fail(const char *what, int32_t err)
{
    printf("ipcbench: %s: error %d\n", what, (int)err);
    exit(1);
}

/* now_ns: the monotonic clock (ticks, interpolated between ticks by the
 * kernel: spec/abi.md). */
static uint64_t now_ns(void)
{
    __wasi_timestamp_t t = 0;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0)
        fail("clock_time_get", -1);
    return t;
}


/*
 * serve: the server loop on endpoint slot 0: receive, echo label, words
 * and buffer, receive the next.  Returns when the client is gone (EPIPE:
 * no send handle left).  Needs: slot 0 an endpoint handle with r.
 */
static int serve(void)
{
    wisp_in in = { .buf = (uint32_t)(uintptr_t)recvbuf, .cap = BUF_BYTES };
    wisp_msg ans = { 0 };
    int32_t err = wisp_recv(0, &in);

    while (err == WISP_OK) {
        ans.label = in.label;
        ans.nwords = in.nwords;
        if (in.nwords > 0)          /* a fixed-size copy: a few loads and
                                       stores, not an interpreted loop */
            memcpy(ans.words, in.words, sizeof ans.words);
        ans.buf = in.buf;
        ans.len = in.copied;
        err = wisp_reply_recv(in.reply, &ans, 0, &in);
    }
    if (err != WISP_EPIPE)
        fail("server: recv", err);
    return 0;
}

/*
 * start_server: a new endpoint; the server gets a receive-only copy, the
 * client keeps a send-only one (so if either dies, the other gets EPIPE
 * rather than waiting forever).  Returns the client's send slot.
 */
static int32_t start_server(const char *self)
{
    int32_t ep, rx, tx, pid;
    static const char args[] = "server";
    if (wisp_ep_create(&ep) || wisp_dup(ep, WISP_R_RECV, 0, &rx))
        fail("ep_create/dup", -1);
    int32_t err = wisp_spawn(self, (uint32_t)strlen(self), args, sizeof args,
                             &rx, 1, &pid);
    if (err)
        fail("spawn", err);
    if (wisp_dup(ep, WISP_R_SEND, 1, &tx) || wisp_close(rx) || wisp_close(ep))
        fail("dup/close", -1);
    return tx;
}

/* The round trip being measured: the client's send slot, the message
 * and where its replies land. */
static int32_t trip_h;
static wisp_msg trip_msg;
static wisp_in trip_in;

/* round_trips: n calls of trip_msg on trip_h. */
static void round_trips(long n)
{
    for (long i = 0; i < n; i++) {
        int32_t err = wisp_call(trip_h, &trip_msg, &trip_in);
        if (err)
            fail("call", err);
    }
}

/* null_calls: n calls of the cheapest host call, for comparison. */
static void null_calls(long n)
{
    for (long i = 0; i < n; i++)
        wisp_getpid();
}

/* check_echo: the last reply is trip_msg's echo (label, words, buffer). */
static void check_echo(void)
{
    const wisp_msg *m = &trip_msg;
    const wisp_in *in = &trip_in;
    if (in->label != m->label || in->nwords != m->nwords
        || memcmp(in->words, m->words, m->nwords * sizeof m->words[0])
        || in->len != m->len || in->copied != m->len
        || memcmp(recvbuf, sendbuf, m->len))
        fail("the reply is not the echo of the call", -1);
}

/*
 * measure: ops(BATCH) again and again from one clock tick to `ticks`
 * ticks later (see the top comment); prints the line of `name`, each op
 * being `unit` ("round trip", "call").
 */
static void measure(const char *name, void (*ops)(long), const char *unit,
                    uint32_t ticks)
{
    uint64_t t0, t1, end;
    long n = 0;

    ops(WARMUP);
    t0 = now_ns();
    while ((t1 = now_ns()) == t0)
        ;
    end = t1 + (uint64_t)ticks * TICK_NS;
    do {
        ops(BATCH);
        n += BATCH;
        t0 = now_ns();
    } while (t0 < end);
    printf("ipcbench: %s: %ld %ss in %llu ns: %.1f ns per %s\n", name, n,
           unit, (unsigned long long)(t0 - t1),
           (double)(t0 - t1) / (double)n, unit);
}

/* measure_ipc: the round trip of trip_msg, then its echo checked. */
static void measure_ipc(const char *name, uint32_t ticks)
{
    trip_in = (wisp_in){ .buf = (uint32_t)(uintptr_t)recvbuf,
                         .cap = BUF_BYTES };
    measure(name, round_trips, "round trip", ticks);
    check_echo();
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "server") == 0)
        return serve();
    long ticks = argc > 1 ? strtol(argv[1], NULL, 10) : TICKS_DEFAULT;
    if (argc > 2 || ticks < 1 || ticks > TICKS_MAX) {
        printf("usage: ipcbench [TICKS (1..%d)]\n", TICKS_MAX);
        return 2;
    }
    trip_h = start_server("ipcbench");
    trip_msg = (wisp_msg){ .label = 42 };
    measure_ipc("0 words", (uint32_t)ticks);
    trip_msg.nwords = 8;
    for (uint32_t i = 0; i < 8; i++)
        trip_msg.words[i] = 1000 + i;
    measure_ipc("8 words", (uint32_t)ticks);
    trip_msg.nwords = 0;
    for (int i = 0; i < BUF_BYTES; i++)
        sendbuf[i] = (uint8_t)(i * 7 + 1);
    trip_msg.buf = (uint32_t)(uintptr_t)sendbuf;
    trip_msg.len = BUF_BYTES;
    measure_ipc("4 KiB buffer", (uint32_t)ticks);
    measure("null host call", null_calls, "call", (uint32_t)ticks);
    printf("ipcbench: done\n");
    return 0;
}
