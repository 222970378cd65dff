/*
 * errors.c: unit tests of the check order (spec/ipc.md: the first
 * failing check is the result, and an error changes nothing), EMFILE,
 * and ENOMEM (not in the model: kernel memory exhausted).
 */
#include "ipc/tests/tenv.h"

#include <string.h>

/* snapshot: what an error must not change: p's table and the count of
 * live objects. */
struct snap {
    struct ipc_handle h[IPC_HANDLES_MAX];
    int live, nheld;
    enum ipc_state st;
};

static struct snap snap(struct ipc_proc *p)
{
    struct snap s;

    memcpy(s.h, p->handles, sizeof s.h);
    s.live = ipc_objs_live();
    s.nheld = p->nheld;
    s.st = p->state;
    return s;
}

/* same: p's table names what it did, with the same rights and badges
 * (the derivation links may change under it: another's close passes
 * children up), and the counts and state are unchanged. */
static bool same(struct ipc_proc *p, struct snap s)
{
    struct snap n = snap(p);

    for (int i = 0; i < IPC_HANDLES_MAX; i++)
        if (n.h[i].obj != s.h[i].obj || n.h[i].rights != s.h[i].rights ||
            n.h[i].badge != s.h[i].badge)
            return false;
    return n.live == s.live && n.nheld == s.nheld && n.st == s.st;
}

/*
 * The message checks, one failing check removed at a time: EINVAL beats
 * EACCES beats EBADF beats EMSGSIZE beats EFAULT; and before them all
 * the handle's EBADF/EACCES; after them a call's EFAULT/EMFILE, EPIPE.
 */
static void send_order(void)
{
    t_setup(2);
    t_serve(1, 2, 2);
    CHECK_EQ(ipc_dup(P(2), 0, IPC_R_SEND, 0), IPC_OK);   /* p2 1: s */
    CHECK_EQ(ipc_dup(P(2), 0, IPC_R_RECV, 0), IPC_OK);   /* p2 2: r */
    struct snap s = snap(P(2));
    struct ipc_msg m = t_msg_buf(1, T_MEM, 1);   /* EFAULT */
    m.len = IPC_MSG_BUF_MAX + 1;                 /* EMSGSIZE */
    t_grant(&m, 9, 'c');                         /* EBADF */
    t_grant(&m, 9, 'c');                         /* EINVAL: twice */
    CHECK_EQ(ipc_send(P(2), 7, &m), IPC_EBADF);
    CHECK_EQ(ipc_send(P(2), 99, &m), IPC_EBADF);
    CHECK_EQ(ipc_send(P(2), 2, &m), IPC_EACCES);
    CHECK_EQ(ipc_send(P(2), 1, &m), IPC_EINVAL);
    m.nhandles = 1;
    CHECK_EQ(ipc_send(P(2), 1, &m), IPC_EACCES);
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_EBADF);
    m.handles[0].slot = 2;
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_EMSGSIZE);
    m.len = 1;
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_EFAULT);
    m.buf = T_MEM - 1;
    struct ipc_rbuf rb = t_rbuf(T_MEM - 2, 3);
    CHECK_EQ(ipc_call(P(2), 0, &m, &rb), IPC_EFAULT);
    rb.cap = 2;
    for (int i = 0; i < IPC_HANDLES_MAX - 3 - IPC_RECV_FREE_SLOTS + 1; i++)
        CHECK_EQ(ipc_dup(P(2), 1, IPC_R_SEND, 0), IPC_OK);
    struct snap full = snap(P(2));
    CHECK_EQ(ipc_call(P(2), 0, &m, &rb), IPC_EMFILE);
    CHECK_EQ(ipc_recv(P(2), 0, &rb), IPC_EMFILE);
    CHECK(same(P(2), full));
    CHECK_EQ(ipc_send(P(2), 0, &m), IPC_BLOCKED);    /* a send needs none */
    ipc_exit(P(2));
    (void)s;
    t_teardown();

    /* the message's own EINVALs: too many words, handles, a bad mode
     * (before the grant right is looked at: p2 1 has s only) */
    t_setup(2);
    t_serve(1, 2, 2);
    CHECK_EQ(ipc_dup(P(2), 0, IPC_R_SEND, 0), IPC_OK);
    CHECK_EQ(ipc_close(P(2), 0), IPC_OK);
    s = snap(P(2));
    m = t_msg(1);
    m.nwords = IPC_MSG_WORDS_MAX + 1;
    CHECK_EQ(ipc_try_send(P(2), 1, &m), IPC_EINVAL);
    m = t_msg(1);
    m.nhandles = IPC_MSG_HANDLES_MAX + 1;
    CHECK_EQ(ipc_try_send(P(2), 1, &m), IPC_EINVAL);
    m = t_msg(1);
    t_grant(&m, 0, 'x');
    CHECK_EQ(ipc_try_send(P(2), 1, &m), IPC_EINVAL);
    m = t_msg(1);
    CHECK_EQ(ipc_close(P(1), 0), IPC_OK);    /* no r handle left */
    CHECK_EQ(ipc_send(P(2), 1, &m), IPC_EPIPE);
    CHECK_EQ(ipc_call(P(2), 1, &m, NULL), IPC_EPIPE);
    CHECK(same(P(2), s));
    CHECK_EQ(ipc_objs_live(), 1);            /* the failed call freed nothing
                                                and kept no reply object */
    t_teardown();
}

/* The handle operations' checks, EMFILE, and a full table. */
static void handle_errors(void)
{
    t_setup(2);
    CHECK_EQ(ipc_close(P(1), 0), IPC_EBADF);
    CHECK_EQ(ipc_close(P(1), 1000), IPC_EBADF);
    CHECK_EQ(ipc_dup(P(1), 0, 0, 0), IPC_EBADF);
    CHECK_EQ(ipc_wait(P(1), 0), IPC_EBADF);
    for (int i = 0; i < IPC_HANDLES_MAX; i++) {
        CHECK_EQ(ipc_ep_create(P(1)), IPC_OK);
        CHECK_EQ(P(1)->got.h, i);
    }
    CHECK_EQ(ipc_ep_create(P(1)), IPC_EMFILE);
    CHECK_EQ(ipc_ntfn_create(P(1)), IPC_EMFILE);
    CHECK_EQ(ipc_dup(P(1), 3, IPC_R_SEND, 0), IPC_EMFILE);
    CHECK_EQ(ipc_signal(P(1), 3), IPC_EBADF);           /* an endpoint */
    CHECK_EQ(ipc_close(P(1), 3), IPC_OK);
    CHECK_EQ(ipc_close(P(1), 5), IPC_OK);
    CHECK_EQ(ipc_ep_create(P(1)), IPC_OK);
    CHECK_EQ(P(1)->got.h, 3);                   /* the lowest free slot */
    CHECK_EQ(OBJ(P(1), 3)->id, IPC_HANDLES_MAX + 1u); /* in order */
    for (int i = 0; i < IPC_HANDLES_MAX; i++)
        CHECK_EQ(ipc_ep_create(P(2)), i == 0 ? IPC_OK : IPC_OK);
    CHECK_EQ(ipc_give(P(2), 0, P(1)), IPC_OK);
    CHECK_EQ(ipc_give(P(2), 0, P(1)), IPC_EMFILE);
    CHECK_EQ(ipc_give(P(2), 99, P(1)), IPC_EBADF);
    t_teardown();
}

/*
 * ENOMEM: a create or a call that cannot allocate changes nothing, not
 * even the numbering; the call's reply object is allocated before it
 * blocks, so the rendezvous later never fails.
 */
static void enomem(void)
{
    t_setup(2);
    t_serve(1, 2, 2);
    struct snap s = snap(P(2));
    t_alloc_fail = 1;
    CHECK_EQ(ipc_ep_create(P(2)), IPC_ENOMEM);
    CHECK(same(P(2), s));
    t_alloc_fail = 1;
    struct ipc_msg m = t_msg(1);
    CHECK_EQ(ipc_call(P(2), 0, &m, NULL), IPC_ENOMEM);
    CHECK(same(P(2), s) && OBJ(P(1), 0)->sendq.head == NULL);
    CHECK_EQ(ipc_ntfn_create(P(2)), IPC_OK);
    CHECK_EQ(OBJ(P(2), 1)->id, 2u);
    CHECK_EQ(ipc_call(P(2), 0, &m, NULL), IPC_BLOCKED);  /* queued */
    t_alloc_fail = 1000;
    CHECK_EQ(ipc_recv(P(1), 0, NULL), IPC_OK);            /* cannot fail */
    CHECK(P(1)->got.reply >= 0 && P(2)->state == IPC_REPLY);
    t_alloc_fail = 0;
    t_teardown();
}

void test_errors(void)
{
    send_order();
    handle_errors();
    enomem();
}
