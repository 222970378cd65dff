/*
 * fast.c: unit tests of the specialised call and reply_recv (ipc/fast.c):
 * one client/server conversation is run twice, once through the general
 * operations and once through the specialised ones wherever they apply,
 * and after every step the two worlds must look the same, process for
 * process (state, result, what it got, its table, its queue, its wakes);
 * where a specialised operation declines (IPC_FAST_NO) it must have
 * changed nothing.
 */
#include "ipc/tests/tenv.h"

#include <stdio.h>
#include <string.h>

#define STEPS_MAX 64
#define DIGEST_MAX 4096

/* What one step left, in both runs. */
static char digests[2][STEPS_MAX][DIGEST_MAX];
static int nsteps[2];

/* digest: everything about processes 1..n a program or a later
 * operation could observe, as text (objects by kind and counts, never by
 * address). */
static void digest(int n, char *out, size_t size)
{
    size_t k = 0;

    k += (size_t)snprintf(out + k, size - k, "live %d wakes", ipc_objs_live());
    for (int i = 0; i < t_nwakelog; i++)
        k += (size_t)snprintf(out + k, size - k, " %d", t_wakelog[i]);
    for (int i = 1; i <= n; i++) {
        struct ipc_proc *p = P(i);
        const struct ipc_got *g = &p->got;
        k += (size_t)snprintf(out + k, size - k,
            "\n%d: %s r%d on%d via%u q%d rb%d/%u/%u spare%d held%d | "
            "h%d w%u m%d b%u l%u n%u [%u %u %u %u %u %u %u %u] buf%d %u %u "
            "nh%u reply%d n%u |",
            p->pid, ipc_state_name(p->state), p->result,
            p->on ? (int)p->on->kind : 0, p->state == IPC_RUNNING ? 0 : p->via,
            p->qnext ? p->qnext->pid : 0, p->rbuf.has, p->rbuf.ptr,
            p->rbuf.cap, p->spare != NULL, p->nheld, g->h, g->word,
            g->has_msg, g->badge, g->label, g->nwords, g->words[0],
            g->words[1], g->words[2], g->words[3], g->words[4], g->words[5],
            g->words[6], g->words[7], g->has_buf, g->len, g->copied,
            g->nhandles, g->reply, g->n);
        for (int s = 0; s < IPC_HANDLES_MAX; s++) {
            const struct ipc_handle *h = &p->handles[s];
            if (h->obj)
                k += (size_t)snprintf(out + k, size - k,
                    " %d:k%d r%u b%u n%d/%d/%d c%d", s, (int)h->obj->kind,
                    h->rights, h->badge, h->obj->nhandles, h->obj->nsend,
                    h->obj->nrecv,
                    h->obj->caller ? h->obj->caller->pid : 0);
        }
    }
}

static int run_no;                  /* 0: general, 1: specialised */

/* record: the digest of this step of this run. */
static void record(int n)
{
    if (nsteps[run_no] < STEPS_MAX)
        digest(n, digests[run_no][nsteps[run_no]++], DIGEST_MAX);
}

/* fmsg: message m as ipc_fast_call takes it (its words in place). */
static struct ipc_fast_msg fmsg(const struct ipc_msg *m)
{
    return (struct ipc_fast_msg){ m->label, m->nwords, m->words };
}

/* call: ipc_call in the first run; in the second ipc_fast_call, which
 * must apply exactly when `plain` says (else it changes nothing, and
 * the general operation runs). */
static int call(int n, int i, uint32_t slot, const struct ipc_msg *m,
                const struct ipc_rbuf *rb, bool plain)
{
    if (run_no == 1) {
        struct ipc_fast_msg f = fmsg(m);
        char before[DIGEST_MAX], after[DIGEST_MAX];
        digest(n, before, sizeof before);
        int r = ipc_fast_call(P(i), slot, &f, rb);
        CHECK_EQ(r != IPC_FAST_NO, plain);
        if (r != IPC_FAST_NO)
            return r;
        digest(n, after, sizeof after);
        CHECK(strcmp(before, after) == 0);
    }
    return ipc_call(P(i), slot, m, rb);
}

/* reply_recv: as call, for reply_recv. */
static int reply_recv(int n, int i, uint32_t rslot, const struct ipc_msg *m,
                      uint32_t slot, const struct ipc_rbuf *rb, bool plain)
{
    if (run_no == 1) {
        struct ipc_fast_msg f = fmsg(m);
        char before[DIGEST_MAX], after[DIGEST_MAX];
        digest(n, before, sizeof before);
        int r = ipc_fast_reply_recv(P(i), rslot, &f, slot, rb);
        CHECK_EQ(r != IPC_FAST_NO, plain);
        if (r != IPC_FAST_NO)
            return r;
        digest(n, after, sizeof after);
        CHECK(strcmp(before, after) == 0);
    }
    return ipc_reply_recv(P(i), rslot, m, slot, rb);
}

/*
 * conversation: a server (1) and two clients (2, 3, the second through
 * a badged handle): round trips of 0 to 8 words, a call that finds the
 * server busy (queued: the reply_recv then receives it, the general
 * way), a reply to a caller that died, a call through an empty slot and
 * one with too many words.
 */
static void conversation(void)
{
    static const uint32_t w[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    struct ipc_rbuf srb = t_rbuf(1000, 64), crb = t_rbuf(2000, 16);
    const int n = 3;

    t_setup(n);
    t_serve(1, 2, 2);
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_SEND, 77), IPC_OK);
    CHECK_EQ(ipc_give(P(1), (uint32_t)P(1)->got.h, P(3)), IPC_OK);
    CHECK_EQ(ipc_recv(P(1), 0, &srb), IPC_BLOCKED);
    record(n);
    for (uint32_t k = 0; k <= 8; k++) {
        struct ipc_msg m = t_msg_words(10 + k, k, w);
        int c = 2 + (int)(k & 1);
        /* (a client's first call makes its spare reply object: the
         * general operation's work) */
        CHECK_EQ(call(n, c, 0, &m, &crb, k >= 2), IPC_BLOCKED);
        record(n);
        struct ipc_msg a = t_msg_words(100 + k, 8 - k, w);
        CHECK_EQ(reply_recv(n, 1, (uint32_t)P(1)->got.reply, &a, 0, &srb,
                            true), IPC_BLOCKED);
        record(n);
    }
    /* 2 calls; then 3 calls and queues behind the busy server */
    struct ipc_msg m = t_msg(7);
    CHECK_EQ(call(n, 2, 0, &m, &crb, true), IPC_BLOCKED);
    uint32_t r2 = (uint32_t)P(1)->got.reply;
    CHECK_EQ(call(n, 3, 0, &m, &crb, false), IPC_BLOCKED);
    record(n);
    /* a sender is queued: the general reply_recv receives 3's call */
    CHECK_EQ(reply_recv(n, 1, r2, &m, 0, &srb, false), IPC_OK);
    record(n);
    /* 3 dies before its reply: reply_recv to a dead caller declines */
    uint32_t r3 = (uint32_t)P(1)->got.reply;
    ipc_exit(P(3));
    record(n);
    CHECK_EQ(reply_recv(n, 1, r3, &m, 0, &srb, false), IPC_BLOCKED);
    record(n);
    /* a call through an empty slot: EBADF, generally */
    CHECK_EQ(call(n, 2, 5, &m, &crb, false), IPC_EBADF);
    record(n);
    /* the server waits; 2's call with 9 words: EINVAL, generally */
    struct ipc_msg big = t_msg(9);
    big.nwords = IPC_MSG_WORDS_MAX + 1;
    CHECK_EQ(call(n, 2, 0, &big, &crb, false), IPC_EINVAL);
    record(n);
    t_teardown();
}

void test_fast(void)
{
    uint64_t calls = ipc_fast_stats.calls;
    uint64_t rr = ipc_fast_stats.reply_recvs;

    for (run_no = 0; run_no < 2; run_no++) {
        nsteps[run_no] = 0;
        conversation();
    }
    CHECK_EQ(nsteps[0], nsteps[1]);
    for (int i = 0; i < nsteps[0] && i < nsteps[1]; i++)
        if (strcmp(digests[0][i], digests[1][i]) != 0) {
            CHECK(!"the specialised run looks like the general one");
            printf("step %d, general:\n%s\nspecialised:\n%s\n", i,
                   digests[0][i], digests[1][i]);
            break;
        }
    CHECK_EQ(ipc_fast_stats.calls - calls, 8u);
    CHECK_EQ(ipc_fast_stats.reply_recvs - rr, 9u);
}
