/*
 * revoke.c: unit tests of the derivation tree and revoke (ipc/revoke.c,
 * spec/ipc.md "Revoke"): what counts as derived (dup, give, a copied
 * grant, the kernel's copy for spawn; a move keeps its place; a close
 * passes children up), who wakes with ECANCELED and in what order, a
 * pending message that loses a grant, and trees too deep for recursion.
 */
#include "ipc/kref.h"
#include "ipc/tests/tenv.h"

/*
 * A server's handle, dup'd and handed to a client, copied on by the
 * client to a third process in a message, copied again by spawn's way:
 * one revoke takes back all of them, and the server keeps its own.
 */
static void reaches_every_copy(void)
{
    t_setup(4);
    CHECK_EQ(ipc_ep_create(P(1)), IPC_OK);                  /* p1 0 */
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_SEND | IPC_R_GRANT, 7), IPC_OK); /* p1 1 */
    CHECK_EQ(ipc_give(P(1), 1, P(2)), IPC_OK);              /* p2 0 */
    CHECK_EQ(ipc_ep_create(P(3)), IPC_OK);                  /* p3 0 = ep2 */
    CHECK_EQ(ipc_give(P(3), 0, P(2)), IPC_OK);              /* p2 1 */
    CHECK_EQ(ipc_recv(P(3), 0, NULL), IPC_BLOCKED);
    struct ipc_msg m = t_msg(1);
    t_grant(&m, 0, 'c');
    CHECK_EQ(ipc_send(P(2), 1, &m), IPC_OK);                /* p3 1 */
    CHECK_EQ(t_kcopy(P(3), 1, 0, P(4)), 0);               /* p4 0 */
    CHECK_EQ(ipc_revoke(P(1), 1), IPC_OK);
    CHECK_EQ(P(1)->got.n, 3u);
    CHECK(!P(2)->handles[0].obj && !P(3)->handles[1].obj && !P(4)->handles[0].obj);
    CHECK(P(2)->handles[1].obj && P(3)->handles[0].obj);   /* ep2 stays */
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_EBADF);             /* next use */
    CHECK_EQ(P(1)->handles[1].rights, IPC_R_SEND | IPC_R_GRANT);
    CHECK_EQ(OBJ(P(1), 0)->nhandles, 2);
    CHECK_EQ(ipc_revoke(P(1), 0), IPC_OK);                  /* p1's dup */
    CHECK_EQ(P(1)->got.n, 1u);
    CHECK_EQ(ipc_revoke(P(1), 0), IPC_OK);
    CHECK_EQ(P(1)->got.n, 0u);
    for (int i = 0; i < IPC_HANDLES_MAX; i++)             /* spawn's way */
        CHECK_EQ(t_kcopy(P(1), 0, (uint32_t)i + 1, P(4)), i);
    CHECK_EQ(t_kcopy(P(1), 0, 0, P(4)), -IPC_EMFILE);
    CHECK_EQ(P(4)->handles[5].badge, 6u);
    CHECK_EQ(ipc_revoke(P(1), 0), IPC_OK);
    CHECK_EQ(P(1)->got.n, (uint32_t)IPC_HANDLES_MAX);
    t_teardown();
}

/*
 * A handle moved in a message keeps its place; one whose parent is
 * closed goes up to its grandparent: a revoke from the top reaches both.
 * A revoke in the middle reaches only below it.
 */
static void moves_and_closes(void)
{
    t_setup(3);
    t_serve(1, 2, 2);                       /* p1 0 root, p2 0 child */
    CHECK_EQ(ipc_dup(P(2), 0, IPC_R_SEND, 0), IPC_OK);      /* p2 1 */
    CHECK_EQ(ipc_dup(P(2), 1, IPC_R_SEND, 0), IPC_OK);      /* p2 2 */
    CHECK_EQ(ipc_ep_create(P(3)), IPC_OK);                  /* p3 0 = ep2 */
    CHECK_EQ(ipc_give(P(3), 0, P(2)), IPC_OK);              /* p2 3 */
    CHECK_EQ(ipc_recv(P(3), 0, NULL), IPC_BLOCKED);
    struct ipc_msg m = t_msg(1);
    t_grant(&m, 1, 'm');
    CHECK_EQ(ipc_send(P(2), 3, &m), IPC_OK);                /* p3 1 */
    CHECK(P(3)->handles[1].parent == &P(2)->handles[0]);
    CHECK(P(2)->handles[2].parent == &P(3)->handles[1]);    /* followed */
    CHECK_EQ(ipc_close(P(2), 0), IPC_OK);   /* p3 1 goes up to p1 0 */
    CHECK(P(3)->handles[1].parent == &P(1)->handles[0]);
    CHECK_EQ(ipc_revoke(P(3), 1), IPC_OK);                  /* p2 2 only */
    CHECK_EQ(P(3)->got.n, 1u);
    CHECK(P(3)->handles[1].obj && !P(2)->handles[2].obj);
    CHECK_EQ(ipc_revoke(P(1), 0), IPC_OK);
    CHECK_EQ(P(1)->got.n, 1u);
    CHECK(!P(3)->handles[1].obj && P(3)->handles[0].obj);
    t_teardown();
}

/*
 * Processes queued through a revoked handle wake with ECANCELED, in
 * queue order; one queued through a handle that stays keeps waiting,
 * though it loses another; a waiter and a receiver likewise.
 */
static void cancels_in_queue_order(void)
{
    t_setup(5);
    t_serve(1, 2, 4);                       /* p2..p4: 0 = ep1 */
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_SEND, 0), IPC_OK);      /* p1 1 */
    CHECK_EQ(ipc_give(P(1), 1, P(3)), IPC_OK);              /* p3 1 */
    struct ipc_msg m = t_msg(1);
    CHECK_EQ(ipc_call(P(4), 0, &m, NULL), IPC_BLOCKED);
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_BLOCKED);
    CHECK_EQ(ipc_send(P(3), 1, &m), IPC_BLOCKED);
    CHECK_EQ(ipc_revoke(P(1), 1), IPC_OK);  /* p3's way in only */
    CHECK_EQ(t_nwakelog, 1);
    CHECK(t_wakelog[0] == 3 && P(3)->result == IPC_ECANCELED);
    CHECK_EQ(ipc_revoke(P(1), 0), IPC_OK);
    CHECK_EQ(t_nwakelog, 3);
    CHECK(t_wakelog[1] == 4 && t_wakelog[2] == 2);          /* queue order */
    CHECK(P(4)->result == IPC_ECANCELED && P(2)->result == IPC_ECANCELED);
    CHECK(OBJ(P(1), 0)->sendq.head == NULL);
    CHECK_EQ(ipc_ntfn_create(P(5)), IPC_OK);                /* p5 0 */
    CHECK_EQ(ipc_give(P(5), 0, P(2)), IPC_OK);              /* p2 0 */
    CHECK_EQ(ipc_wait(P(2), 0), IPC_BLOCKED);
    CHECK_EQ(ipc_dup(P(5), 0, IPC_R_RECV, 0), IPC_OK);      /* p5 1 */
    CHECK_EQ(ipc_revoke(P(5), 0), IPC_OK);
    CHECK(P(2)->state == IPC_RUNNING && P(2)->result == IPC_ECANCELED);
    CHECK_EQ(P(5)->got.n, 2u);
    t_teardown();
}

/* A blocked sender's message that grants a revoked handle goes without
 * it; the grants that stay arrive. */
static void pending_grant(void)
{
    t_setup(2);
    t_serve(1, 2, 2);
    CHECK_EQ(ipc_ntfn_create(P(1)), IPC_OK);                /* p1 1 */
    CHECK_EQ(ipc_give(P(1), 1, P(2)), IPC_OK);              /* p2 1 */
    CHECK_EQ(ipc_ntfn_create(P(2)), IPC_OK);                /* p2 2 */
    struct ipc_msg m = t_msg(1);
    t_grant(&m, 1, 'm');
    t_grant(&m, 2, 'c');
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_BLOCKED);
    CHECK_EQ(ipc_revoke(P(1), 1), IPC_OK);
    CHECK_EQ(P(2)->state, IPC_SEND);                        /* still waits */
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_OK);
    CHECK_EQ(P(1)->got.nhandles, 1u);
    CHECK(P(1)->handles[P(1)->got.handles[0]].obj == P(2)->handles[2].obj);
    t_teardown();
}

/*
 * A chain as long as the tables allow, through every process, and a
 * wide tree: revoke walks them without recursion; a close in the middle
 * of the chain keeps it whole.  Errors: a free slot, a reply handle, a
 * slot out of range are EBADF.
 */
static void deep_and_wide(void)
{
    t_setup(T_PROCS);
    CHECK_EQ(ipc_ep_create(P(1)), IPC_OK);
    int n = 0;
    for (int k = 0; k < 20; k++)
        for (int i = 1; i <= T_PROCS; i++, n++) {
            struct ipc_proc *from = P(i), *to = P(i % T_PROCS + 1);
            uint32_t s = (uint32_t)(n ? from->got.h : 0);
            CHECK_EQ(ipc_give(from, s, to), IPC_OK);
        }
    CHECK_EQ(ipc_close(P(2), 0), IPC_OK);   /* the chain closes up */
    for (int i = 0; i < 30; i++)
        CHECK_EQ(ipc_dup(P(1), 0, IPC_R_SEND, 0), IPC_OK);
    CHECK_EQ(ipc_revoke(P(1), 0), IPC_OK);
    CHECK_EQ(P(1)->got.n, (uint32_t)(n - 1 + 30));
    CHECK_EQ(OBJ(P(1), 0)->nhandles, 1);
    CHECK_EQ(ipc_revoke(P(1), 5), IPC_EBADF);
    CHECK_EQ(ipc_revoke(P(1), IPC_HANDLES_MAX), IPC_EBADF);
    t_serve(3, 4, 4);
    struct ipc_msg m = t_msg(1);
    CHECK_EQ(ipc_call(P(4), 0, &m, NULL), IPC_BLOCKED);
    CHECK_EQ(ipc_recv(P(3), 0, NULL), IPC_OK);
    CHECK_EQ(ipc_revoke(P(3), (uint32_t)P(3)->got.reply), IPC_EBADF);
    t_teardown();
}

void test_revoke(void)
{
    reaches_every_copy();
    moves_and_closes();
    cancels_in_queue_order();
    pending_grant();
    deep_and_wide();
}
