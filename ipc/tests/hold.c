/*
 * hold.c: unit tests of holding a wake (ipc.h: ipc_hold), which the
 * kernel's IPC fast path uses: the first wake of an operation skips the
 * wake hook and is handed back by ipc_hold_end; a second wake gives the
 * held one to its hook first, so hooks see the wakes in order; without a
 * hold every wake goes to the hook at once.
 */
#include "ipc/tests/tenv.h"

/* A call meets a waiting server under a hold: the server runs again
 * (state, result, message), but its hook is not called: ipc_hold_end
 * names it.  The reply, without a hold, wakes the caller as always. */
static void first_wake_held(void)
{
    struct ipc_msg m = t_msg(9);

    t_setup(2);
    t_serve(1, 2, 2);
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_BLOCKED);
    ipc_hold_begin();
    CHECK_EQ(ipc_call(P(2), 0, &m, NULL), IPC_BLOCKED);
    CHECK(ipc_hold_end() == P(1));
    CHECK(ipc_hold.held == P(1) && !ipc_hold.on);
    CHECK_EQ(t[1].wakes, 0);
    CHECK_EQ(t_nwakelog, 0);
    CHECK(P(1)->state == IPC_RUNNING && P(1)->result == IPC_OK);
    CHECK_EQ(P(1)->got.label, 9u);
    struct ipc_msg r = t_msg(10);
    CHECK_EQ(ipc_reply(P(1), (uint32_t)P(1)->got.reply, &r), IPC_OK);
    CHECK(t[2].wakes == 1 && P(2)->result == IPC_OK);
    t_teardown();
}

/* One operation wakes two (the endpoint's last r handle goes with a
 * caller and a sender queued): under a hold both reach their hooks, in
 * queue order, and nothing is left held. */
static void second_wake_releases(void)
{
    struct ipc_msg m = t_msg(1);

    t_setup(3);
    CHECK_EQ(ipc_ep_create(P(1)), IPC_OK);
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_SEND, 0), IPC_OK);
    CHECK_EQ(ipc_give(P(1), 1, P(2)), IPC_OK);      /* p2, p3: s only */
    CHECK_EQ(ipc_give(P(1), 1, P(3)), IPC_OK);
    CHECK_EQ(ipc_close(P(1), 1), IPC_OK);
    CHECK_EQ(ipc_call(P(3), 0, &m, NULL), IPC_BLOCKED);
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_BLOCKED);
    ipc_hold_begin();
    CHECK_EQ(ipc_close(P(1), 0), IPC_OK);   /* the last r handle */
    CHECK(ipc_hold_end() == NULL);
    CHECK(t[3].wakes == 1 && P(3)->result == IPC_EPIPE);
    CHECK(t[2].wakes == 1 && P(2)->result == IPC_EPIPE);
    CHECK(t_nwakelog == 2 && t_wakelog[0] == 3 && t_wakelog[1] == 2);
    t_teardown();
}

/* A hold over an operation that wakes nobody holds nobody; after
 * ipc_hold_end, wakes go to the hooks again. */
static void nothing_held(void)
{
    struct ipc_msg m = t_msg(2);

    t_setup(2);
    t_serve(1, 2, 2);
    ipc_hold_begin();
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_BLOCKED);
    CHECK(ipc_hold_end() == NULL);
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_OK);
    CHECK(t[1].wakes == 1 && P(1)->got.label == 2);
    t_teardown();
}

void test_hold(void)
{
    first_wake_held();
    second_wake_releases();
    nothing_held();
}
