/*
 * ipc_host.c: the host-side cost of an IPC round trip in the C core
 * (ipc/, linked from build/host/libipc.a): no interpreter, no scheduler,
 * no host-call trampoline, only the bookkeeping of spec/ipc.md.
 *
 * Two struct ipc_proc share one numbering domain.  The server has made
 * an endpoint and given the client a send handle (badge 1); it waits in
 * recv.  One round trip is the client's ipc_call (which meets the
 * queued server: rendezvous, the server "wakes") and the server's
 * ipc_reply_recv (the reply wakes the client, and the server queues
 * again), exactly the path of a call + reply_recv in the kernel, minus
 * the two thread switches.  Three messages: empty (label only), 8
 * words, and a 4 KiB buffer sent with the call and echoed back with the
 * reply.  The server echoes the words and the label, and the last reply
 * is checked, so a core that stopped delivering would fail here.
 *
 *   usage: ipc_host [ROUNDS [BATCHES]]   (defaults 20000 and 21)
 *
 * Prints one line per message size:
 *   ipc_host: SIZE: ROUNDS round trips x BATCHES, NS ns per round trip
 * where NS is the median over the batches of the batch's time / ROUNDS.
 * The time is the thread's CPU time (CLOCK_THREAD_CPUTIME_ID): on a
 * machine shared with QEMU runs, wall-clock batches that were preempted
 * would count other programs' time.  Exit status 1 with a message on any
 * IPC error, a wrong echo or a leaked object.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipc/ipc.h"
#include "kernel/labtodo.h"

#define MEM_BYTES (128 * 1024)      /* each process's "linear memory" */
#define BUF_BYTES 4096              /* the buffer size of the 4 KiB case */
#define BATCHES_MAX 101

/* A process: its IPC side and its memory. */
struct hproc {
    struct ipc_proc ipc;
    uint8_t mem[MEM_BYTES];
};

static struct hproc client, server;
static long wakes;                  /* wake hook calls, for the check */

/* ipc_alloc / ipc_free: the environment the core asks of a host
 * program (ipc.h): zeroed memory or NULL. */
void *ipc_alloc(size_t bytes)
{
    return calloc(1, bytes);
}

void ipc_free(void *block)
{
    free(block);
}

/* lab_todo_say: a lab hole of the core is still its stub
 * (kernel/labtodo.h): say so on standard error. */
void lab_todo_say(int lab, const char *name)
{
    fprintf(stderr, "LAB-TODO: lab %d: %s is not written yet\n", lab, name);
}

/* mem hook: bytes [off, off+len) of p's memory, or NULL if any is
 * outside it (64-bit sum: no wrap-around). */
static void *hmem(struct ipc_proc *p, uint32_t off, uint32_t len)
{
    struct hproc *h = p->owner;
    if ((uint64_t)off + len > MEM_BYTES)
        return NULL;
    return h->mem + off;
}

/* wake hook: nothing to schedule on the host; count it. */
static void hwake(struct ipc_proc *p)
{
    (void)p;
    wakes++;
}

/* die: report an IPC result that should not happen, and exit 1. */
static void die(const char *what, int rc)
{
    fprintf(stderr, "ipc_host: %s: %s (%d)\n", what, ipc_err_name(rc), rc);
    exit(1);
}

/* expect: rc must be want, else die. */
static void expect(const char *what, int rc, int want)
{
    if (rc != want)
        die(what, rc);
}

/*
 * setup: the server makes an endpoint (slot 0, srg), mints a send-only
 * copy with badge 1, gives it to the client (its slot 0) and closes its
 * own copy; then it waits in recv.  Needs: fresh processes.
 */
static void setup(struct ipc_ns *ns, const struct ipc_rbuf *srb)
{
    ipc_ns_init(ns);
    ipc_proc_init(&server.ipc, ns, 1, hmem, hwake, &server);
    ipc_proc_init(&client.ipc, ns, 2, hmem, hwake, &client);
    expect("ep_create", ipc_ep_create(&server.ipc), IPC_OK);
    expect("dup", ipc_dup(&server.ipc, 0, IPC_R_SEND, 1), IPC_OK);
    expect("give", ipc_give(&server.ipc, 1, &client.ipc), IPC_OK);
    expect("close", ipc_close(&server.ipc, 1), IPC_OK);
    expect("recv", ipc_recv(&server.ipc, 0, srb), IPC_BLOCKED);
}

/*
 * rounds: n round trips of message m (the server echoes label, words
 * and buffer).  Needs: setup done, the server blocked in recv.  Returns
 * the nanoseconds they took.
 */
static double rounds(long n, const struct ipc_msg *m,
                     const struct ipc_rbuf *crb, const struct ipc_rbuf *srb)
{
    struct ipc_msg ans = *m;
    struct timespec t0, t1;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (long i = 0; i < n; i++) {
        int rc = ipc_call(&client.ipc, 0, m, crb);
        if (rc != IPC_BLOCKED)
            die("call", rc);
        const struct ipc_got *g = &server.ipc.got;
        ans.label = g->label;
        ans.nwords = g->nwords;
        __builtin_memcpy(ans.words, g->words, sizeof ans.words);
        rc = ipc_reply_recv(&server.ipc, (uint32_t)g->reply, &ans, 0, srb);
        if (rc != IPC_BLOCKED)
            die("reply_recv", rc);
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) * 1e9
        + (double)(t1.tv_nsec - t0.tv_nsec);
}

/* check: the last reply the client got is the echo of m. */
static void check(const struct ipc_msg *m)
{
    const struct ipc_got *g = &client.ipc.got;
    if (client.ipc.result != IPC_OK || !g->has_msg || g->label != m->label
        || g->nwords != m->nwords
        || memcmp(g->words, m->words, m->nwords * sizeof m->words[0])
        || (m->has_buf && (g->len != m->len || g->copied != m->len))) {
        fprintf(stderr, "ipc_host: the reply is not the echo of the call\n");
        exit(1);
    }
    if (m->has_buf && memcmp(client.mem + BUF_BYTES, client.mem, m->len)) {
        fprintf(stderr, "ipc_host: the echoed buffer differs\n");
        exit(1);
    }
}

/* cmp_double: qsort's order of two doubles. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * bench: batches of n round trips of one message size; prints its line.
 * The client sends from [0, 4K) of its memory and receives into
 * [4K, 8K); the server receives into [0, 4K) of its own and echoes from
 * there.
 */
static void bench(const char *name, uint32_t nwords, bool buf, long n,
                  int batches)
{
    struct ipc_ns ns;
    struct ipc_msg m = { .label = 42, .nwords = nwords };
    struct ipc_rbuf crb = { buf, BUF_BYTES, BUF_BYTES };
    struct ipc_rbuf srb = { buf, 0, BUF_BYTES };
    double per[BATCHES_MAX];

    for (uint32_t i = 0; i < nwords; i++)
        m.words[i] = 1000 + i;
    m.has_buf = buf;
    m.buf = 0;
    m.len = buf ? BUF_BYTES : 0;
    for (int i = 0; i < BUF_BYTES; i++)
        client.mem[i] = (uint8_t)(i * 7 + 1);
    setup(&ns, &srb);
    rounds(n / 10 + 1, &m, &crb, &srb);         /* warm the caches */
    for (int b = 0; b < batches; b++)
        per[b] = rounds(n, &m, &crb, &srb) / (double)n;
    check(&m);
    ipc_exit(&client.ipc);
    ipc_exit(&server.ipc);
    if (ipc_objs_live() != 0) {
        fprintf(stderr, "ipc_host: %d IPC objects leaked\n", ipc_objs_live());
        exit(1);
    }
    qsort(per, (size_t)batches, sizeof per[0], cmp_double);
    printf("ipc_host: %s: %ld round trips x %d, %.1f ns per round trip\n",
           name, n, batches, per[batches / 2]);
}

/* main: the three sizes, ROUNDS and BATCHES from the command line. */
int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
    long batches = argc > 2 ? strtol(argv[2], NULL, 10) : 21;

    if (argc > 3 || n < 1 || batches < 1 || batches > BATCHES_MAX) {
        fprintf(stderr, "usage: ipc_host [ROUNDS (>= 1) [BATCHES (1..%d)]]\n",
                BATCHES_MAX);
        return 2;
    }
    bench("0 words", 0, false, n, (int)batches);
    bench("8 words", 8, false, n, (int)batches);
    bench("4 KiB buffer", 0, true, n, (int)batches);
    return 0;
}
