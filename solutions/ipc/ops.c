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
#include "kernel/labtodo.h"

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
 * says whether it may wait for a receiver (try_send may not).  First
 * every check, by send_checks (an error is the result and changes
 * nothing).  Then, with a receiver queued, the oldest one gets the
 * message through ipc_rendezvous (with the badge of the handle used,
 * into the receive buffer it blocked with) and wakes with ok; a sender
 * returns ok, a caller IPC_BLOCKED (the rendezvous left it in
 * IPC_REPLY).  With none: EAGAIN if it may not block; else p blocks at
 * the tail of the endpoint's send queue, in state `kind`, keeping its
 * message, the badge and (a call) rb for the receiver that will take
 * them.
 */
static int do_send(struct ipc_proc *p, uint32_t slot, const struct ipc_msg *m,
                   const struct ipc_rbuf *rb, enum ipc_state kind, bool block)
{
    // LAB 6 BEGIN do_send
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
    // LAB 6 BUG send_queue_is_a_stack
    // struct ipc_handle *h;
    // struct ipc_obj *ep;
    // int err;
    //
    // ipc_got_reset(&p->got);
    // err = send_checks(p, slot, m, rb, kind == IPC_CALL, &h);
    // if (err)
    //     return ipc_ret(p, err);
    // ep = h->obj;
    // if (rb)
    //     p->rbuf = *rb;
    // else
    //     p->rbuf.has = false;
    // if (ep->recvq.head) {
    //     struct ipc_proc *r = ipc_dequeue(&ep->recvq);
    //     ipc_rendezvous(ep, p, kind, m, h->badge, r, &r->rbuf);
    //     ipc_wake(r, IPC_OK);
    //     return ipc_ret(p, kind == IPC_CALL ? IPC_BLOCKED : IPC_OK);
    // }
    // if (!block) {
    //     p->rbuf.has = false;
    //     return ipc_ret(p, IPC_EAGAIN);
    // }
    // p->msg = *m;
    // p->badge = h->badge;
    // p->state = kind;
    // p->on = ep;
    // p->qnext = ep->sendq.head;      /* the newest first */
    // ep->sendq.head = p;
    // if (!ep->sendq.tail)
    //     ep->sendq.tail = p;
    // return ipc_ret(p, IPC_BLOCKED);
    // LAB 6 STUB sends nothing and returns ENOSYS, so send, try_send and call all fail
    // (void)slot, (void)m, (void)rb, (void)kind, (void)block, (void)send_checks;
    // LAB_TODO(6, "do_send");
    // ipc_got_reset(&p->got);
    // return ipc_ret(p, IPC_ENOSYS);
    // LAB 6 END
}

/* via: r, the result of an operation through slot; if p blocked, slot
 * is remembered as the handle it waits through (revoke cancels it if
 * that handle goes: ipc/revoke.c).  An error leaves p as it was. */
static int via(struct ipc_proc *p, uint32_t slot, int r)
{
    if (r == IPC_BLOCKED)
        p->via = slot;
    return r;
}

/* ipc_send: spec/ipc.md send (blocks until a receiver takes it). */
int ipc_send(struct ipc_proc *p, uint32_t slot, const struct ipc_msg *m)
{
    return via(p, slot, do_send(p, slot, m, NULL, IPC_SEND, true));
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
    return via(p, slot, do_send(p, slot, m, rb, IPC_CALL, true));
}

/*
 * do_recv: recv or try_recv through slot into rb.  Checks, in this
 * order (the first that fails is the result, and changes nothing):
 * EBADF/EACCES (slot must be an endpoint handle with r), EFAULT/EMFILE
 * (rb, and the free slots a delivery may need: ipc_check_recv), EPIPE
 * (no handle with s is left: nobody could ever send).  Then, with a
 * sender queued, the oldest one's message is received (ipc_rendezvous
 * with the message, badge and kind it blocked with; p->got holds what
 * p sees): a sender wakes with ok, a caller moves to IPC_REPLY, left
 * blocked until its reply.  With none: EAGAIN if it may not block
 * (try_recv); else p blocks at the tail of the receive queue, keeping
 * rb.
 */
static int do_recv(struct ipc_proc *p, uint32_t slot,
                   const struct ipc_rbuf *rb, bool block)
{
    // LAB 6 BEGIN do_recv
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
    // LAB 6 BUG recv_wakes_the_caller
    // struct ipc_handle *h;
    // struct ipc_obj *ep;
    // int err;
    //
    // ipc_got_reset(&p->got);
    // err = ipc_check_handle(p, slot, IPC_KIND_EP, IPC_R_RECV, &h);
    // if (!err)
    //     err = ipc_check_recv(p, rb);
    // if (!err && h->obj->nsend == 0)
    //     err = IPC_EPIPE;
    // if (err)
    //     return ipc_ret(p, err);
    // ep = h->obj;
    // if (ep->sendq.head) {
    //     struct ipc_proc *q = ipc_dequeue(&ep->sendq);
    //     ipc_rendezvous(ep, q, q->state, &q->msg, q->badge, p, rb);
    //     ipc_got_reset(&q->got);       /* its message is delivered */
    //     ipc_wake(q, IPC_OK);
    //     return ipc_ret(p, IPC_OK);
    // }
    // if (!block)
    //     return ipc_ret(p, IPC_EAGAIN);
    // p->rbuf = rb ? *rb : (struct ipc_rbuf){ false, 0, 0 };
    // p->state = IPC_RECV;
    // p->on = ep;
    // ipc_enqueue(&ep->recvq, p);
    // return ipc_ret(p, IPC_BLOCKED);
    // LAB 6 STUB receives nothing and returns ENOSYS, so recv, try_recv and reply_recv all fail
    // (void)slot, (void)rb, (void)block;
    // LAB_TODO(6, "do_recv");
    // ipc_got_reset(&p->got);
    // return ipc_ret(p, IPC_ENOSYS);
    // LAB 6 END
}

/* ipc_recv: spec/ipc.md recv (blocks until a message comes). */
int ipc_recv(struct ipc_proc *p, uint32_t slot, const struct ipc_rbuf *rb)
{
    return via(p, slot, do_recv(p, slot, rb, true));
}

/* ipc_try_recv: recv, or EAGAIN if no sender is queued. */
int ipc_try_recv(struct ipc_proc *p, uint32_t slot, const struct ipc_rbuf *rb)
{
    return do_recv(p, slot, rb, false);
}

/*
 * ipc_reply: answer the call whose reply handle is in slot rslot; never
 * blocks.  Checks: EBADF (rslot is not an open reply handle), then the
 * message's checks (ipc_check_msg; a reply needs no grant right).  Then
 * the handle is used up, whatever happens next: it leaves p's table
 * (no last-handle rule: this is its reply, not an abandoned call) and
 * its object is done (ipc_reply_done).  The caller is the one the reply
 * object names, and only that one: alive, it gets the message (badge 0,
 * into the receive buffer of its call) and wakes with ok, and reply
 * returns ok; dead (the object forgot it), reply returns EPIPE with
 * nothing transferred.
 */
int ipc_reply(struct ipc_proc *p, uint32_t rslot, const struct ipc_msg *m)
{
    // LAB 6 BEGIN ipc_reply
    struct ipc_handle *h = ipc_handle_of(p, rslot, IPC_KIND_REPLY);
    int err = h ? ipc_check_msg(p, m, true) : IPC_EBADF;
    struct ipc_proc *caller;
    struct ipc_obj *r;

    ipc_got_reset(&p->got);
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
    // LAB 6 BUG reply_to_the_last_caller
    // /* the call p received last is the one being answered */
    // uint32_t last = p->got.reply >= 0 ? (uint32_t)p->got.reply : rslot;
    // struct ipc_handle *h = ipc_handle_of(p, last, IPC_KIND_REPLY);
    // int err = h ? ipc_check_msg(p, m, true) : IPC_EBADF;
    // struct ipc_proc *caller;
    // struct ipc_obj *r;
    //
    // ipc_got_reset(&p->got);
    // if (err)
    //     return ipc_ret(p, err);
    // r = h->obj;
    // caller = r->caller;
    // ipc_uninstall(p, last);
    // ipc_reply_done(r);
    // if (!caller)
    //     return ipc_ret(p, IPC_EPIPE);
    // ipc_transfer(p, m, 0, caller, &caller->rbuf);
    // ipc_wake(caller, IPC_OK);
    // return ipc_ret(p, IPC_OK);
    // LAB 6 STUB answers nothing and returns ENOSYS, so a caller gets only EPIPE, when its server closes the reply handle or dies
    // (void)rslot, (void)m;
    // LAB_TODO(6, "ipc_reply");
    // ipc_got_reset(&p->got);
    // return ipc_ret(p, IPC_ENOSYS);
    // LAB 6 END
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
    return via(p, slot, do_recv(p, slot, rb, true));
}
