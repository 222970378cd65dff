/*
 * death.c: unit tests of the last-handle rules and of ipc_exit: every
 * call that blocked ends with exactly one answer, and nothing leaks.
 */
#include "ipc/tests/tenv.h"

/* A server dies holding the reply handle: its caller wakes with EPIPE. */
static void server_dies(void)
{
    t_setup(2);
    t_serve(1, 2, 2);
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_BLOCKED);
    struct ipc_msg m = t_msg(1);
    CHECK_EQ(ipc_call(P(2), 0, &m, NULL), IPC_BLOCKED);
    ipc_exit(P(1));
    CHECK_EQ(P(1)->state, IPC_DEAD);
    CHECK_EQ(t[2].wakes, 1);
    CHECK_EQ(P(2)->result, IPC_EPIPE);
    CHECK(!P(2)->got.has_msg);
    ipc_exit(P(1));                             /* a second exit: nothing */
    CHECK_EQ(t[2].wakes, 1);
    t_teardown();
}

/* A caller dies while its call is being served: the reply is EPIPE,
 * uses up the reply handle, and transfers nothing. */
static void caller_dies(void)
{
    t_setup(2);
    t_serve(1, 2, 2);
    struct ipc_msg m = t_msg(1);
    CHECK_EQ(ipc_call(P(2), 0, &m, NULL), IPC_BLOCKED);
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_OK);
    uint32_t r = SLOT(P(1)->got.reply);
    ipc_exit(P(2));
    CHECK_EQ(ipc_ntfn_create(P(1)), IPC_OK);
    struct ipc_msg g = t_msg(2);
    t_grant(&g, (uint32_t)P(1)->got.h, 'm');
    CHECK_EQ(ipc_reply(P(1), r, &g), IPC_EPIPE);
    CHECK(P(1)->handles[r].obj == NULL);
    CHECK(P(1)->handles[g.handles[0].slot].obj != NULL);   /* not moved */
    CHECK_EQ(ipc_close(P(1), r), IPC_EBADF);
    t_teardown();
}

/* Closing a reply handle unused answers the caller with EPIPE. */
static void reply_closed(void)
{
    t_setup(2);
    t_serve(1, 2, 2);
    struct ipc_msg m = t_msg(1);
    CHECK_EQ(ipc_call(P(2), 0, &m, NULL), IPC_BLOCKED);
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_OK);
    CHECK_EQ(ipc_close(P(1), (uint32_t)P(1)->got.reply), IPC_OK);
    CHECK(t[2].wakes == 1 && P(2)->result == IPC_EPIPE);
    t_teardown();
}

/*
 * The endpoint's last r handle goes while callers and senders are
 * queued: all wake with EPIPE in queue order; new sends are EPIPE; the
 * last s handle going wakes queued receivers.
 */
static void last_handles(void)
{
    t_setup(4);
    CHECK_EQ(ipc_ep_create(P(1)), IPC_OK);
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_SEND, 0), IPC_OK);
    CHECK_EQ(ipc_give(P(1), 1, P(2)), IPC_OK);      /* p2, p4: s only */
    CHECK_EQ(ipc_give(P(1), 1, P(4)), IPC_OK);
    CHECK_EQ(ipc_give(P(1), 0, P(3)), IPC_OK);      /* p3: srg */
    CHECK_EQ(ipc_close(P(1), 1), IPC_OK);
    CHECK_EQ(ipc_close(P(1), 0), IPC_OK);
    struct ipc_msg m = t_msg(1);
    CHECK_EQ(ipc_call(P(4), 0, &m, NULL), IPC_BLOCKED);
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_BLOCKED);
    CHECK(t[4].wakes == 0 && t[2].wakes == 0);
    CHECK_EQ(ipc_objs_live(), 2);           /* ep + p4's reply object */
    ipc_exit(P(3));                         /* the last r handle */
    CHECK(t[4].wakes == 1 && P(4)->result == IPC_EPIPE);
    CHECK(t[2].wakes == 1 && P(2)->result == IPC_EPIPE);
    CHECK(t_nwakelog == 2 && t_wakelog[0] == 4 && t_wakelog[1] == 2);
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_EPIPE);
    CHECK_EQ(ipc_objs_live(), 2);           /* p4 keeps its spare */
    t_teardown();
    t_setup(2);
    t_serve(1, 2, 2);
    CHECK_EQ(ipc_dup(P(2), 0, IPC_R_RECV, 0), IPC_OK);
    CHECK_EQ(ipc_close(P(2), 0), IPC_OK);
    CHECK_EQ(ipc_recv(P(2), 1, NULL), IPC_BLOCKED);
    CHECK_EQ(ipc_close(P(1), 0), IPC_OK);   /* no s handle is left */
    CHECK(t[2].wakes == 1 && P(2)->result == IPC_EPIPE);
    CHECK_EQ(ipc_recv(P(2), 1, NULL), IPC_EPIPE);
    t_teardown();
}

/*
 * Everyone dies in every state (queued sender, queued receiver, caller
 * in reply, waiter): every blocked one alive gets EPIPE, nothing leaks.
 */
static void everyone_dies(void)
{
    t_setup(6);
    t_serve(1, 2, 4);
    CHECK_EQ(ipc_ntfn_create(P(5)), IPC_OK);
    CHECK_EQ(ipc_give(P(5), 0, P(6)), IPC_OK);
    struct ipc_msg m = t_msg_buf(1, 0, 10);
    t_grant(&m, 0, 'c');
    CHECK_EQ(ipc_call(P(2), 0, &m, NULL), IPC_BLOCKED);
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_OK);
    CHECK_EQ(ipc_call(P(3), 0, &m, NULL), IPC_BLOCKED);
    CHECK_EQ(ipc_send(P(4), 0, &m), IPC_BLOCKED);
    CHECK_EQ(ipc_wait(P(6), 0), IPC_BLOCKED);
    ipc_exit(P(3));                 /* leaves the middle of the queue */
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_OK);
    CHECK_EQ(t[4].wakes, 1);
    ipc_exit(P(5));                 /* p6 still holds s: no wake */
    CHECK_EQ(t[6].wakes, 0);
    ipc_exit(P(1));
    CHECK(t[2].wakes == 1 && P(2)->result == IPC_EPIPE);
    t_teardown();
}

void test_death(void)
{
    server_dies();
    caller_dies();
    reply_closed();
    last_handles();
    everyone_dies();
}
