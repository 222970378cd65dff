/*
 * flood [N [M]]: N clients (default 100) against one server.  Starts N
 * floodc processes, in order, each with a send handle to its endpoint,
 * and serves their calls until none is left (recv: EPIPE).  Each client
 * makes M calls (default 10) with words (client id, sequence number);
 * the server checks that no call is lost or duplicated and each client's
 * calls arrive in order, and that the first round arrives in the order
 * the clients blocked (FIFO, see fifo_check).  Prints a summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wisp.h"

#define FLOOD_MAX 120           /* clients at most (PROC_MAX is 128) */
/* The kernel's time slice in ticks (SCHED_SLICE_TICKS): a client that ran
 * for less was never preempted. */
#define SLICE_TICKS 5

static uint32_t next_seq[FLOOD_MAX];    /* each client's expected seq */
static uint32_t ticks[FLOOD_MAX];       /* its CPU ticks up to its first
                                           call's return (from seq 1) */
static int order[FLOOD_MAX], nfirst;    /* first calls, in arrival order */
static int lost, dups, reordered, strangers;

/* now_ms: the monotonic clock in milliseconds. */
static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* start: n floodc clients, each with a copy of send handle sh. */
static int start(int n, int m, int32_t sh)
{
    for (int i = 0; i < n; i++) {
        char args[24];
        int len = snprintf(args, sizeof args, "%d%c%d", i, 0, m) + 1;
        int32_t pid, r = wisp_spawn("floodc", 6, args, (uint32_t)len, &sh,
                                    1, &pid);
        if (r != 0) {
            printf("flood: spawn of client %d: %s\n", i, wisp_strerror(r));
            return -1;
        }
    }
    return 0;
}

/* take: account for one call (client id, seq, ticks). */
static void take(int n, const wisp_in *in)
{
    uint32_t id = in->words[0], seq = in->words[1];
    if (in->nwords != 3 || id >= (uint32_t)n) {
        strangers++;
        return;
    }
    if (seq < next_seq[id])
        dups++;
    else if (seq > next_seq[id])
        reordered++;
    if (seq == 0)
        order[nfirst++] = (int)id;
    if (seq == 1)
        ticks[id] = in->words[2];
    if (seq >= next_seq[id])
        next_seq[id] = seq + 1;
}

/* serve: answer every call on rh, (id, seq) -> (id, seq, id*1000+seq),
 * until no sender is left; returns how many calls it took. */
static int serve(int n, int32_t rh)
{
    wisp_in in = { .cap = 0 };
    int calls = 0;
    int32_t r = wisp_recv(rh, &in);
    while (r == 0) {
        take(n, &in);
        calls++;
        uint32_t w[3] = { in.words[0], in.words[1],
                          in.words[0] * 1000 + in.words[1] };
        wisp_msg m = wisp_msg_words(0, 3, w);
        r = wisp_reply_recv(in.reply, &m, rh, &in);
    }
    if (r != WISP_EPIPE)
        printf("flood: recv -> %s\n", wisp_strerror(r));
    return calls;
}

/*
 * fifo_check: the first calls must arrive in the order the clients made
 * them.  Clients are spawned in order and the scheduler's run queue is
 * FIFO, so a client that runs from its start to its first call without
 * being preempted calls before every client spawned after it; one that
 * ran a whole slice may have been preempted, and is left out.  Returns
 * the inversions among the others; *ordered = how many they are.
 */
static int fifo_check(int *ordered)
{
    int last = -1, inversions = 0;
    *ordered = 0;
    for (int i = 0; i < nfirst; i++) {
        int id = order[i];
        if (ticks[id] >= SLICE_TICKS)
            continue;
        (*ordered)++;
        if (id < last) {
            inversions++;
            printf("flood: client %d's first call came after client %d's\n",
                   id, last);
        }
        last = id > last ? id : last;
    }
    return inversions;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100, m = argc > 2 ? atoi(argv[2]) : 10;
    int32_t ep, sh, rh, r;
    if (n < 1 || n > FLOOD_MAX || m < 2) {
        printf("flood: N must be 1..%d and M >= 2\n", FLOOD_MAX);
        return 2;
    }
    if ((r = wisp_ep_create(&ep)) || (r = wisp_dup(ep, WISP_R_SEND, 0, &sh)) ||
        (r = wisp_dup(ep, WISP_R_RECV, 0, &rh))) {
        printf("flood: setup: %s\n", wisp_strerror(r));
        return 2;
    }
    wisp_close(ep);             /* the clients hold every send handle */
    long t0 = now_ms();
    r = start(n, m, sh);
    wisp_close(sh);
    if (r < 0)
        return 2;
    printf("flood: %d clients started, serving\n", n);
    fflush(stdout);
    long t1 = now_ms();
    int calls = serve(n, rh), ordered;
    long t2 = now_ms();
    for (int i = 0; i < n; i++)
        lost += next_seq[i] < (uint32_t)m ? m - (int)next_seq[i] : 0;
    int inv = fifo_check(&ordered);
    printf("flood: %d clients x %d calls: %d received, %d lost, "
           "%d duplicated, %d out of order, %d unknown\n", n, m, calls, lost,
           dups, reordered, strangers);
    printf("flood: FIFO: %d of %d first calls checked (the rest ran a full "
           "slice first), %d inversions\n", ordered, nfirst, inv);
    printf("flood: spawning took %ld ms, serving %ld ms\n", t1 - t0, t2 - t1);
    return calls != n * m || lost || dups || reordered || strangers || inv;
}
