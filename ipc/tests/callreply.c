/*
 * callreply.c: unit tests of call, reply, reply_recv, send/recv FIFO,
 * badges and the truncation rule (spec/ipc.md "Messages", "Operations").
 */
#include "ipc/tests/tenv.h"

#include <string.h>

/*
 * A server queued in recv meets a call: it wakes with the message (badge,
 * label, words, buffer, reply slot); its reply wakes the caller with the
 * reply message in the call's rbuf, badge 0.
 */
static void call_reply(void)
{
    static const uint32_t w[3] = { 7, 8, 9 };
    struct ipc_rbuf srb = t_rbuf(1000, 64), crb = t_rbuf(2000, 16);
    struct ipc_msg m = t_msg_words(5, 3, w);

    t_setup(2);
    t_serve(1, 2, 2);
    CHECK_EQ(ipc_recv(P(1), 0, &srb), IPC_BLOCKED);
    CHECK_EQ(P(1)->state, IPC_RECV);
    memcpy(t[2].mem + 100, "hello, server", 13);
    m.has_buf = true;
    m.buf = 100;
    m.len = 13;
    CHECK_EQ(ipc_call(P(2), 0, &m, &crb), IPC_BLOCKED);
    CHECK_EQ(P(2)->state, IPC_REPLY);
    CHECK_EQ(t[1].wakes, 1);
    CHECK_EQ(P(1)->result, IPC_OK);
    CHECK(P(1)->got.has_msg && P(1)->got.label == 5 && P(1)->got.badge == 0);
    CHECK(P(1)->got.nwords == 3 && P(1)->got.words[2] == 9);
    CHECK(P(1)->got.has_buf && P(1)->got.len == 13 && P(1)->got.copied == 13);
    CHECK(memcmp(t[1].mem + 1000, "hello, server", 13) == 0);
    CHECK_EQ(P(1)->got.reply, 1);
    CHECK_EQ(P(1)->got.nhandles, 0u);

    struct ipc_msg r = t_msg_buf(42, 300, 5);
    memcpy(t[1].mem + 300, "done!", 5);
    CHECK_EQ(ipc_reply(P(1), 1, &r), IPC_OK);
    CHECK_EQ(t[2].wakes, 1);
    CHECK_EQ(P(2)->state, IPC_RUNNING);
    CHECK_EQ(P(2)->result, IPC_OK);
    CHECK(P(2)->got.label == 42 && P(2)->got.badge == 0);
    CHECK(P(2)->got.copied == 5 && memcmp(t[2].mem + 2000, "done!", 5) == 0);
    CHECK_EQ(P(2)->got.reply, -1);
    CHECK(P(1)->handles[1].obj == NULL);            /* reply used up */
    CHECK_EQ(ipc_reply(P(1), 1, &r), IPC_EBADF);     /* a second reply */
    t_teardown();
}

/*
 * Senders queue in the order they blocked and are received in that
 * order; each wakes with ok when its message is taken.
 */
static void fifo(void)
{
    t_setup(4);
    t_serve(1, 2, 4);
    for (int i = 2; i <= 4; i++) {
        struct ipc_msg m = t_msg(100 + (uint32_t)i);
        CHECK_EQ(ipc_send(P(i), 0, &m), IPC_BLOCKED);
    }
    for (int i = 2; i <= 4; i++) {
        CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_OK);
        CHECK_EQ(P(1)->got.label, 100u + (uint32_t)i);
        CHECK_EQ(t[i].wakes, 1);
        CHECK_EQ(P(i)->result, IPC_OK);
        for (int j = i + 1; j <= 4; j++)
            CHECK_EQ(t[j].wakes, 0);
    }
    CHECK_EQ(ipc_try_recv(P(1), 0, NULL), IPC_EAGAIN);
    struct ipc_msg m = t_msg(1);
    CHECK_EQ(ipc_try_send(P(2), 0, &m), IPC_EAGAIN);
    t_teardown();
}

/*
 * Receivers queue FIFO too; a call meets the oldest.
 */
static void recv_fifo(void)
{
    struct ipc_rbuf rb = t_rbuf(0, 0);

    t_setup(3);
    t_serve(1, 2, 3);
    CHECK_EQ(ipc_recv(P(1), 0, &rb), IPC_BLOCKED);
    CHECK_EQ(ipc_recv(P(2), 0, &rb), IPC_BLOCKED);
    struct ipc_msg m = t_msg(9);
    CHECK_EQ(ipc_try_send(P(3), 0, &m), IPC_OK);
    CHECK(t[1].wakes == 1 && t[2].wakes == 0);
    CHECK_EQ(ipc_call(P(3), 0, &m, NULL), IPC_BLOCKED);
    CHECK(t[2].wakes == 1 && P(2)->got.reply >= 0);
    t_teardown();
}

/*
 * Truncation: min(len, cap) bytes land, the rest of the receive buffer
 * is untouched; the receiver sees both numbers; no rbuf = capacity 0.
 */
static void truncation(void)
{
    struct ipc_rbuf rb = t_rbuf(500, 4);

    t_setup(2);
    t_serve(1, 2, 2);
    memset(t[1].mem + 500, 0xee, 16);
    memcpy(t[2].mem, "abcdefgh", 8);
    struct ipc_msg m = t_msg_buf(3, 0, 8);
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_BLOCKED);
    CHECK_EQ(ipc_recv(P(1), 0, &rb), IPC_OK);
    CHECK(P(1)->got.len == 8 && P(1)->got.copied == 4);
    CHECK(memcmp(t[1].mem + 500, "abcd", 4) == 0 && t[1].mem[504] == 0xee);
    CHECK_EQ(P(2)->result, IPC_OK);                 /* the sender is not told */
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_BLOCKED);
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_OK);
    CHECK(P(1)->got.has_buf && P(1)->got.len == 8 && P(1)->got.copied == 0);
    struct ipc_msg e = t_msg_buf(3, 0, 0);          /* an empty buffer */
    CHECK_EQ(ipc_send(P(2), 0, &e), IPC_BLOCKED);
    CHECK_EQ(ipc_recv(P(1), 0, &rb), IPC_OK);
    CHECK(P(1)->got.has_buf && P(1)->got.len == 0 && P(1)->got.copied == 0);
    t_teardown();
}

/*
 * Badges: a minted handle's badge reaches the receiver; it cannot be
 * re-badged; rights only shrink; a badge-0 dup keeps the badge.
 */
static void badges(void)
{
    t_setup(2);
    CHECK_EQ(ipc_ep_create(P(1)), IPC_OK);
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_SEND, 77), IPC_OK);
    CHECK_EQ(P(1)->got.h, 1);
    CHECK_EQ(ipc_dup(P(1), 1, IPC_R_SEND, 78), IPC_EINVAL);
    CHECK_EQ(ipc_dup(P(1), 1, IPC_R_SEND | IPC_R_RECV, 0), IPC_EACCES);
    CHECK_EQ(ipc_dup(P(1), 1, 16, 0), IPC_EINVAL);
    CHECK_EQ(ipc_dup(P(1), 1, IPC_R_KILL, 0), IPC_EACCES);
    CHECK_EQ(ipc_dup(P(1), 1, 0, 0), IPC_OK);       /* no rights at all */
    CHECK_EQ(P(1)->handles[2].badge, 77u);
    CHECK_EQ(ipc_give(P(1), 1, P(2)), IPC_OK);
    CHECK_EQ(P(2)->got.h, 0);
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_BLOCKED);
    struct ipc_msg m = t_msg(1);
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_OK);
    CHECK_EQ(P(1)->got.badge, 77u);
    CHECK_EQ(ipc_recv(P(2), 0, NULL), IPC_EACCES);
    t_teardown();
}

/*
 * reply_recv: the reply is made, then the receive; a dead caller's EPIPE
 * is not reported; an error in the reply's checks does nothing.  The
 * round trip reuses the caller's reply object (no allocation).
 */
static void reply_recv(void)
{
    t_setup(3);
    t_serve(1, 2, 3);
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_BLOCKED);
    struct ipc_msg m = t_msg(1);
    int live = -1;
    for (int i = 0; i < 5; i++) {
        if (i > 0)                  /* the round trip must not allocate */
            t_alloc_fail = 1000;
        CHECK_EQ(ipc_call(P(2), 0, &m, NULL), IPC_BLOCKED);
        CHECK_EQ(P(1)->result, IPC_OK);
        if (live < 0)
            live = ipc_objs_live();
        CHECK_EQ(ipc_objs_live(), live);
        t_alloc_fail = 1000;
        uint32_t r = SLOT(P(1)->got.reply);
        CHECK_EQ(ipc_reply_recv(P(1), r, &m, 0, NULL), IPC_BLOCKED);
        t_alloc_fail = 0;
        CHECK_EQ(P(2)->result, IPC_OK);
        CHECK_EQ(t[2].wakes, i + 1);
    }
    CHECK_EQ(ipc_call(P(2), 0, &m, NULL), IPC_BLOCKED);
    uint32_t r = SLOT(P(1)->got.reply);
    CHECK_EQ(ipc_reply_recv(P(1), 0, &m, 0, NULL), IPC_EBADF);  /* not a reply */
    CHECK_EQ(P(1)->state, IPC_RUNNING);
    struct ipc_msg bad = t_msg_buf(1, T_MEM, 1);
    CHECK_EQ(ipc_reply_recv(P(1), r, &bad, 0, NULL), IPC_EFAULT);
    CHECK(P(1)->handles[r].obj != NULL);            /* nothing done */
    ipc_exit(P(2));                                 /* the caller dies */
    CHECK_EQ(ipc_send(P(3), 0, &m), IPC_BLOCKED);
    CHECK_EQ(ipc_reply_recv(P(1), r, &m, 0, NULL), IPC_OK);    /* recv's */
    CHECK_EQ(P(1)->got.label, 1u);
    CHECK_EQ(t[3].wakes, 1);
    CHECK_EQ(ipc_reply_recv(P(1), r, &m, 0, NULL), IPC_EBADF);
    t_teardown();
}

void test_callreply(void)
{
    call_reply();
    fifo();
    recv_fifo();
    truncation();
    badges();
    reply_recv();
}
