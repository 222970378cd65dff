/*
 * grants.c: unit tests of handles carried by messages: move and copy,
 * the receiver's lowest free slots, rights and badges kept, transfer at
 * the rendezvous (not when the sender blocks), grants in a reply.
 */
#include "ipc/tests/tenv.h"

/*
 * A blocked sender still holds what it grants; at the rendezvous a move
 * takes the handle from it and a copy leaves it; the receiver's new
 * handles keep rights and badge, in its lowest free slots.
 */
static void move_copy(void)
{
    t_setup(2);
    t_serve(1, 2, 2);                       /* p2: 0 = ep1 srg */
    CHECK_EQ(ipc_ntfn_create(P(2)), IPC_OK);        /* p2 1 = ntfn2 */
    CHECK_EQ(ipc_dup(P(2), 1, IPC_R_SEND, 5), IPC_OK);  /* p2 2 */
    CHECK_EQ(ipc_ntfn_create(P(1)), IPC_OK);        /* p1 1 = ntfn3 */
    CHECK_EQ(ipc_close(P(1), 1), IPC_OK);           /* freed: no holder */
    CHECK_EQ(ipc_objs_live(), 2);
    struct ipc_msg m = t_msg(1);
    t_grant(&m, 2, 'm');
    t_grant(&m, 1, 'c');
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_BLOCKED);
    CHECK(P(2)->handles[2].obj != NULL);    /* still held while blocked */
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_OK);
    CHECK_EQ(P(1)->got.nhandles, 2u);
    CHECK(P(1)->got.handles[0] == 1 && P(1)->got.handles[1] == 2);
    CHECK(P(1)->handles[1].rights == IPC_R_SEND && P(1)->handles[1].badge == 5);
    CHECK(P(1)->handles[2].rights == IPC_R_ALL && P(1)->handles[2].badge == 0);
    CHECK(P(2)->handles[2].obj == NULL && P(2)->handles[1].obj != NULL);
    CHECK_EQ(P(2)->nheld, 2);
    CHECK_EQ(P(1)->nheld, 3);
    CHECK_EQ(OBJ(P(1), 1)->nhandles, 3);    /* moved, then copied */
    t_teardown();
}

/*
 * Grants need g on the handle sent through (EACCES), never for a reply;
 * reply handles cannot be granted (EBADF); a reply may move handles to
 * its caller.
 */
static void grant_rules(void)
{
    t_setup(2);
    t_serve(1, 2, 2);
    CHECK_EQ(ipc_dup(P(2), 0, IPC_R_SEND, 0), IPC_OK);  /* p2 1: s only */
    struct ipc_msg m = t_msg(1);
    t_grant(&m, 0, 'c');
    CHECK_EQ(ipc_send(P(2), 1, &m), IPC_EACCES);
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_BLOCKED);
    struct ipc_msg c = t_msg(2);
    CHECK_EQ(ipc_call(P(2), 1, &c, NULL), IPC_BLOCKED);
    uint32_t r = SLOT(P(1)->got.reply);
    CHECK_EQ(ipc_ntfn_create(P(1)), IPC_OK);
    uint32_t n = (uint32_t)P(1)->got.h;
    struct ipc_msg g = t_msg(3);
    t_grant(&g, r, 'c');
    CHECK_EQ(ipc_reply(P(1), r, &g), IPC_EBADF);    /* a reply handle */
    g = t_msg(3);
    t_grant(&g, n, 'm');
    CHECK_EQ(ipc_reply(P(1), r, &g), IPC_OK);
    CHECK(P(2)->got.nhandles == 1 && P(2)->got.handles[0] == 2);
    CHECK(P(1)->handles[n].obj == NULL);
    CHECK_EQ(OBJ(P(2), 2)->kind, IPC_KIND_NTFN);
    t_teardown();
}

void test_grants(void)
{
    move_copy();
    grant_rules();
}
