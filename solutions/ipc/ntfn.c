/*
 * ntfn.c: notifications: signal and wait (model: op_signal, op_wait).
 * A notification is a u32 word of pending bits and a FIFO of waiters; a
 * signal never blocks and is never lost (an unbadged handle signals bit
 * 1), which is what lets interrupts and watchers use it.
 */
#include "ipc/core.h"
#include "kernel/labtodo.h"

/*
 * ipc_signal: through notification handle slot.  Checks: EBADF (not an
 * open notification handle), EACCES (no s).  bits = the handle's badge,
 * or 1 if unbadged, are posted (ipc_ntfn_post, whose result it
 * returns: ok).  Never blocks.
 */
int ipc_signal(struct ipc_proc *p, uint32_t slot)
{
    struct ipc_handle *h;
    int err;

    ipc_got_reset(&p->got);
    err = ipc_check_handle(p, slot, IPC_KIND_NTFN, IPC_R_SEND, &h);
    if (err)
        return ipc_ret(p, err);
    return ipc_ret(p, ipc_ntfn_post(h->obj, h->badge ? h->badge : 1));
}

/*
 * ipc_ntfn_post: what a signal with bits (nonzero) does to notification
 * o; never blocks, and never loses a signal.  With waiters queued, the
 * oldest one is dequeued and wakes with ok and got.word = bits (its got
 * reset first: nothing else applies); the word stays 0.  With none, the
 * bits are ORed into the word, where they wait, with every bit posted
 * since, for the next ipc_wait.  Counted in o->delivered.  Returns
 * IPC_OK.
 */
int ipc_ntfn_post(struct ipc_obj *o, uint32_t bits)
{
    // LAB 6 BEGIN ipc_ntfn_post
    o->delivered++;
    if (o->waitq.head) {
        struct ipc_proc *w = ipc_dequeue(&o->waitq);
        ipc_got_reset(&w->got);
        w->got.word = bits;
        ipc_wake(w, IPC_OK);
    } else {
        o->word |= bits;
    }
    return IPC_OK;
    // LAB 6 BUG signal_overwrites_the_word
    // o->delivered++;
    // if (o->waitq.head) {
    //     struct ipc_proc *w = ipc_dequeue(&o->waitq);
    //     ipc_got_reset(&w->got);
    //     w->got.word = bits;
    //     ipc_wake(w, IPC_OK);
    // } else {
    //     o->word = bits;
    // }
    // return IPC_OK;
    // LAB 6 STUB posts nothing and returns ENOSYS, so a signal fails and a waiter waits until its last signaller goes
    // (void)o, (void)bits;
    // LAB_TODO(6, "ipc_ntfn_post");
    // return IPC_ENOSYS;
    // LAB 6 END
}

/*
 * ipc_wait: on notification handle slot.  Checks: EBADF, EACCES (no r).
 * A nonzero word is returned (got.word) and cleared; else EPIPE if no s
 * handle is left, else p blocks at the tail of the wait queue.
 */
int ipc_wait(struct ipc_proc *p, uint32_t slot)
{
    struct ipc_handle *h;
    struct ipc_obj *o;
    int err;

    ipc_got_reset(&p->got);
    err = ipc_check_handle(p, slot, IPC_KIND_NTFN, IPC_R_RECV, &h);
    if (err)
        return ipc_ret(p, err);
    o = h->obj;
    if (o->word) {
        p->got.word = o->word;
        o->word = 0;
        return ipc_ret(p, IPC_OK);
    }
    if (o->nsend == 0)
        return ipc_ret(p, IPC_EPIPE);
    p->state = IPC_WAIT;
    p->on = o;
    p->via = slot;
    ipc_enqueue(&o->waitq, p);
    return ipc_ret(p, IPC_BLOCKED);
}
