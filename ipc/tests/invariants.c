/*
 * invariants.c: unit tests of the invariant checker (ipc/invariants.c):
 * it holds on what the core builds, and each kind of corruption, made by
 * hand and undone at once, is reported.  (Every other test's CHECK runs
 * the checker too: tenv.c.)
 */
#include "ipc/tests/tenv.h"

#include "ipc/invariants.h"

/* broken: the violation found in processes 1..n now ("" if none). */
static const char *broken(int n)
{
    struct ipc_proc *ps[T_PROCS];
    struct ipc_violation v;

    for (int i = 0; i < n; i++)
        ps[i] = P(i + 1);
    struct ipc_world w = { ps, n, P(1)->ns, true };
    return ipc_check_invariants(&w, &v) ? "" : v.what;
}

/* A server (1) with a call of 2 held and a call of 3 queued; each
 * corruption is undone before the next. */
static void corruptions(void)
{
    struct ipc_obj *ep, *reply;
    const char *why;
    int saved;

    t_setup(3);
    t_serve(1, 2, 3);
    CHECK_EQ(ipc_call(P(2), 0, &(struct ipc_msg){ .label = 1 }, NULL), IPC_BLOCKED);
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_OK);
    CHECK_EQ(ipc_call(P(3), 0, &(struct ipc_msg){ .label = 2 }, NULL), IPC_BLOCKED);
    CHECK(broken(3)[0] == '\0');
    ep = OBJ(P(1), 0);
    reply = OBJ(P(1), 1);

    P(1)->nheld++;
    why = broken(3);
    P(1)->nheld--;
    CHECK(why[0] != '\0');

    saved = ep->nsend;
    ep->nsend = 0;
    why = broken(3);
    ep->nsend = saved;
    CHECK(why[0] != '\0');

    ep->sendq.tail = NULL;                  /* a queue's tail lost */
    why = broken(3);
    ep->sendq.tail = P(3);
    CHECK(why[0] != '\0');

    P(3)->state = IPC_RECV;                 /* queued as the wrong kind */
    why = broken(3);
    P(3)->state = IPC_CALL;
    CHECK(why[0] != '\0');

    reply->caller = NULL;                   /* the reply forgets its caller */
    why = broken(3);
    reply->caller = P(2);
    CHECK(why[0] != '\0');

    P(2)->got.words[7] = 1;                 /* a caller got something */
    why = broken(3);
    P(2)->got.words[7] = 0;
    CHECK(why[0] != '\0');

    P(3)->got.reply = 0;                    /* ... and so did a sender */
    why = broken(3);
    P(3)->got.reply = -1;
    CHECK(why[0] != '\0');

    ep->recvq = ep->sendq;                  /* both queues non-empty */
    why = broken(3);
    ep->recvq = (struct ipc_queue){ NULL, NULL };
    CHECK(why[0] != '\0');
    CHECK(broken(3)[0] == '\0');
    t_teardown();
}

void test_invariants(void)
{
    corruptions();
}
