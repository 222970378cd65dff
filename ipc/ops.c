/*
 * ops.c: the endpoint operations: send, try_send, call, recv, try_recv,
 * reply and reply_recv (model: _send, _recv, op_reply, op_reply_recv).
 *
 * The hot path is a client's call meeting a server already queued in
 * reply_recv, and the server's next reply_recv: no scan of anything but
 * the message's own grants, and no allocation once the caller has a
 * spare reply object (obj.c: ipc_reply_done).
 */
#include "ipc/core.h"

/*
 * send_checks: the checks of send, try_send and call in the model's
 * order: EBADF/EACCES (the handle), the message's checks, for a call the
 * receive buffer's and free slots', then EPIPE (no r handle left), then
 * for a call ENOMEM (its reply object, allocated here before it can
 * block).  Returns 0 or the error; *hp is the handle.
 */
static int send_checks(struct ipc_proc *p, uint32_t slot,
                       const struct ipc_msg *m, const struct ipc_rbuf *rb,
                       bool call, struct ipc_handle **hp)
{
    int err = ipc_check_handle(p, slot, IPC_KIND_EP, IPC_R_SEND, hp);

    if (!err)
        err = ipc_check_msg(p, m, (*hp)->rights & IPC_R_GRANT);
    if (!err && call)
        err = ipc_check_recv(p, rb);
    if (!err && (*hp)->obj->nrecv == 0)
        err = IPC_EPIPE;
    if (!err && call && !p->spare) {
        p->spare = ipc_obj_new(p->ns, IPC_KIND_REPLY);
        if (!p->spare)
            err = IPC_ENOMEM;
    }
    return err;
}

/*
 * do_send: send (kind IPC_SEND) or call (IPC_CALL) through slot; block
 * says whether it may wait for a receiver (try_send may not).  With a
 * receiver queued the oldest gets the message and wakes; a sender
 * returns ok, a caller IPC_BLOCKED (now in IPC_REPLY).  Else EAGAIN, or
 * p blocks at the tail of the send queue with its message kept.
 */
static int do_send(struct ipc_proc *p, uint32_t slot, const struct ipc_msg *m,
                   const struct ipc_rbuf *rb, enum ipc_state kind, bool block)
{
    struct ipc_handle *h;
    struct ipc_obj *ep;
    int err;

    ipc_got_reset(&p->got);
    err = send_checks(p, slot, m, rb, kind == IPC_CALL, &h);
    if (err)
        return ipc_ret(p, err);
    ep = h->obj;
    if (rb)
        p->rbuf = *rb;
    else
        p->rbuf.has = false;
    if (ep->recvq.head) {
        struct ipc_proc *r = ipc_dequeue(&ep->recvq);
        ipc_rendezvous(ep, p, kind, m, h->badge, r, &r->rbuf);
        ipc_wake(r, IPC_OK);
        return ipc_ret(p, kind == IPC_CALL ? IPC_BLOCKED : IPC_OK);
    }
    if (!block) {
        p->rbuf.has = false;
        return ipc_ret(p, IPC_EAGAIN);
    }
    p->msg = *m;
    p->badge = h->badge;
    p->state = kind;
    p->on = ep;
    ipc_enqueue(&ep->sendq, p);
    return ipc_ret(p, IPC_BLOCKED);
}

/* ipc_send: spec/ipc.md send (blocks until a receiver takes it). */
int ipc_send(struct ipc_proc *p, uint32_t slot, const struct ipc_msg *m)
{
    return do_send(p, slot, m, NULL, IPC_SEND, true);
}

/* ipc_try_send: send, or EAGAIN if no receiver is queued. */
int ipc_try_send(struct ipc_proc *p, uint32_t slot, const struct ipc_msg *m)
{
    return do_send(p, slot, m, NULL, IPC_SEND, false);
}

/* ipc_call: send, then wait in IPC_REPLY for the reply (into rb) or
 * EPIPE; a call that meets no receiver waits in the send queue first. */
int ipc_call(struct ipc_proc *p, uint32_t slot, const struct ipc_msg *m,
             const struct ipc_rbuf *rb)
{
    return do_send(p, slot, m, rb, IPC_CALL, true);
}

/*
 * do_recv: recv or try_recv through slot into rb.  Checks: EBADF/EACCES,
 * EFAULT/EMFILE, EPIPE (no s handle left).  With a sender queued the
 * oldest one's message is received (got); a sender wakes with ok, a
 * caller moves to IPC_REPLY.  Else EAGAIN (!block) or p blocks at the
 * tail of the receive queue.
 */
static int do_recv(struct ipc_proc *p, uint32_t slot,
                   const struct ipc_rbuf *rb, bool block)
{
    struct ipc_handle *h;
    struct ipc_obj *ep;
    int err;

    ipc_got_reset(&p->got);
    err = ipc_check_handle(p, slot, IPC_KIND_EP, IPC_R_RECV, &h);
    if (!err)
        err = ipc_check_recv(p, rb);
    if (!err && h->obj->nsend == 0)
        err = IPC_EPIPE;
    if (err)
        return ipc_ret(p, err);
    ep = h->obj;
    if (ep->sendq.head) {
        struct ipc_proc *q = ipc_dequeue(&ep->sendq);
        enum ipc_state kind = q->state;
        ipc_rendezvous(ep, q, kind, &q->msg, q->badge, p, rb);
        if (kind == IPC_SEND) {
            ipc_got_reset(&q->got);
            ipc_wake(q, IPC_OK);
        }
        return ipc_ret(p, IPC_OK);
    }
    if (!block)
        return ipc_ret(p, IPC_EAGAIN);
    p->rbuf = rb ? *rb : (struct ipc_rbuf){ false, 0, 0 };
    p->state = IPC_RECV;
    p->on = ep;
    ipc_enqueue(&ep->recvq, p);
    return ipc_ret(p, IPC_BLOCKED);
}

/* ipc_recv: spec/ipc.md recv (blocks until a message comes). */
int ipc_recv(struct ipc_proc *p, uint32_t slot, const struct ipc_rbuf *rb)
{
    return do_recv(p, slot, rb, true);
}

/* ipc_try_recv: recv, or EAGAIN if no sender is queued. */
int ipc_try_recv(struct ipc_proc *p, uint32_t slot, const struct ipc_rbuf *rb)
{
    return do_recv(p, slot, rb, false);
}

/*
 * ipc_reply: answer the call of reply handle rslot; never blocks.
 * Checks: EBADF (not an open reply handle), the message's checks (no
 * grant right needed).  Then the handle is used up; a live caller wakes
 * with ok and the message (badge 0, into its call's rbuf) and reply
 * returns ok; a dead caller's reply is EPIPE with nothing transferred.
 */
int ipc_reply(struct ipc_proc *p, uint32_t rslot, const struct ipc_msg *m)
{
    struct ipc_handle *h = ipc_handle_of(p, rslot, IPC_KIND_REPLY);
    struct ipc_proc *caller;
    struct ipc_obj *r;
    int err;

    ipc_got_reset(&p->got);
    if (!h)
        return ipc_ret(p, IPC_EBADF);
    err = ipc_check_msg(p, m, true);
    if (err)
        return ipc_ret(p, err);
    r = h->obj;
    caller = r->caller;
    ipc_uninstall(p, rslot);
    ipc_reply_done(r);
    if (!caller)
        return ipc_ret(p, IPC_EPIPE);
    ipc_transfer(p, m, 0, caller, &caller->rbuf);
    ipc_wake(caller, IPC_OK);
    return ipc_ret(p, IPC_OK);
}

/*
 * ipc_reply_recv: reply, then recv.  An error of the reply's own checks
 * is the result and nothing is done; a dead caller's EPIPE is not
 * reported; then the result is exactly recv(slot, rb)'s.
 */
int ipc_reply_recv(struct ipc_proc *p, uint32_t rslot,
                   const struct ipc_msg *m, uint32_t slot,
                   const struct ipc_rbuf *rb)
{
    int err = ipc_reply(p, rslot, m);

    if (err != IPC_OK && err != IPC_EPIPE)
        return err;
    return do_recv(p, slot, rb, true);
}
