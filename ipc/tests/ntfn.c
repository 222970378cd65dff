/*
 * ntfn.c: unit tests of notifications: a signal is never lost (bits OR
 * into the word), wait takes and clears the word, waiters are FIFO and
 * woken with their bits, and EPIPE without a signaller.
 */
#include "ipc/tests/tenv.h"

static void signal_wait(void)
{
    t_setup(3);
    CHECK_EQ(ipc_ntfn_create(P(1)), IPC_OK);
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_SEND, 4), IPC_OK);       /* 1: bit 4 */
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_SEND, 0), IPC_OK);       /* 2: bit 1 */
    CHECK_EQ(ipc_signal(P(1), 1), IPC_OK);
    CHECK_EQ(ipc_signal(P(1), 2), IPC_OK);
    CHECK_EQ(ipc_signal(P(1), 2), IPC_OK);
    CHECK_EQ(ipc_wait(P(1), 1), IPC_EACCES);
    CHECK_EQ(ipc_wait(P(1), 0), IPC_OK);
    CHECK_EQ(P(1)->got.word, 5u);
    CHECK_EQ(OBJ(P(1), 0)->word, 0u);
    CHECK_EQ(OBJ(P(1), 0)->delivered, 3u);
    CHECK_EQ(ipc_give(P(1), 0, P(2)), IPC_OK);
    CHECK_EQ(ipc_give(P(1), 0, P(3)), IPC_OK);
    CHECK_EQ(ipc_wait(P(2), 0), IPC_BLOCKED);
    CHECK_EQ(ipc_wait(P(3), 0), IPC_BLOCKED);
    CHECK_EQ(ipc_signal(P(1), 1), IPC_OK);
    CHECK(t[2].wakes == 1 && P(2)->result == IPC_OK && P(2)->got.word == 4);
    CHECK_EQ(t[3].wakes, 0);
    CHECK_EQ(OBJ(P(1), 0)->word, 0u);     /* taken by the waiter */
    CHECK_EQ(ipc_signal(P(1), 2), IPC_OK);
    CHECK(t[3].wakes == 1 && P(3)->got.word == 1);
    CHECK_EQ(ipc_signal(P(1), 5), IPC_EBADF);
    t_teardown();
}

/* The last s handle going wakes waiters with EPIPE; wait with no
 * signaller left is EPIPE, but a pending word is still returned. */
static void no_signaller(void)
{
    t_setup(2);
    CHECK_EQ(ipc_ntfn_create(P(1)), IPC_OK);
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_RECV, 0), IPC_OK);
    CHECK_EQ(ipc_give(P(1), 1, P(2)), IPC_OK);
    CHECK_EQ(ipc_wait(P(2), 0), IPC_BLOCKED);
    CHECK_EQ(ipc_signal(P(1), 0), IPC_OK);
    CHECK_EQ(ipc_signal(P(1), 0), IPC_OK);       /* the word: 1 */
    CHECK_EQ(ipc_wait(P(2), 0), IPC_OK);
    CHECK_EQ(ipc_signal(P(1), 0), IPC_OK);
    ipc_exit(P(1));                              /* the only s handle */
    CHECK_EQ(ipc_wait(P(2), 0), IPC_OK);         /* the pending word */
    CHECK_EQ(ipc_wait(P(2), 0), IPC_EPIPE);
    t_teardown();
    t_setup(2);
    CHECK_EQ(ipc_ntfn_create(P(1)), IPC_OK);
    CHECK_EQ(ipc_give(P(1), 0, P(2)), IPC_OK);
    CHECK_EQ(ipc_dup(P(2), 0, IPC_R_RECV, 0), IPC_OK);
    CHECK_EQ(ipc_close(P(2), 0), IPC_OK);
    CHECK_EQ(ipc_wait(P(2), 1), IPC_BLOCKED);
    ipc_exit(P(1));
    CHECK(t[2].wakes == 1 && P(2)->result == IPC_EPIPE);
    t_teardown();
}

void test_ntfn(void)
{
    signal_wait();
    no_signaller();
}
