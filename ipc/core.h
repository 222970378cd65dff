/*
 * core.h: what the C files of ipc/ share and nobody else needs: objects
 * and handle tables (obj.c), messages (msg.c), notifications (ntfn.c),
 * and the FIFO queues and waking (here, inline: they are on every
 * operation's path).
 *
 * Every helper works on the live structures and assumes its caller has
 * already made every check: an operation checks first, in the order of
 * spec/ipc.md, and only then calls these, so an error changes nothing.
 */
#ifndef WISP_IPC_CORE_H
#define WISP_IPC_CORE_H

#include "ipc/ipc.h"

/* ---- obj.c: objects, handle tables, the last-handle rules ------------ */

/* ipc_obj_new: a zeroed object of kind, counted by ipc_objs_live; an
 * endpoint or notification is numbered and listed in ns.  NULL when
 * memory is exhausted (nothing changed). */
struct ipc_obj *ipc_obj_new(struct ipc_ns *ns, enum ipc_kind kind);
/* ipc_obj_free: unlist and free an object no handle and no queue names. */
void ipc_obj_free(struct ipc_obj *o);
/* ipc_reply_done: reply object o has been used up (replied to or its
 * handle closed): keep it as its caller's spare, or free it. */
void ipc_reply_done(struct ipc_obj *o);
/* ipc_install: put a handle in p's lowest free slot (one must be free);
 * returns the slot.  Counts it in the object. */
int ipc_install(struct ipc_proc *p, struct ipc_obj *o, uint32_t rights,
                uint32_t badge);
/* ipc_uninstall: empty open slot `slot` of p and uncount it; returns
 * what it held.  No last-handle rule: a moved handle lives on.  The
 * handles derived from it go to its parent (ipc_tree_unlink). */
struct ipc_handle ipc_uninstall(struct ipc_proc *p, uint32_t slot);
/* ipc_slot_clear: ipc_uninstall's second half, once the slot has left
 * the derivation tree: empty the slot, uncount it, return what it held
 * (spec/wp/handles.c proves its contract). */
struct ipc_handle ipc_slot_clear(struct ipc_proc *p, uint32_t slot);
/* ---- revoke.c: the derivation tree (spec/ipc.md "Revoke") ---------- */

/* ipc_derive: a handle naming from's object with rights and badge in
 * to's lowest free slot (one must be free), derived from `from`: its
 * child in the tree.  Returns the slot.  What dup, give, a copied grant
 * and spawn's list do. */
int ipc_derive(struct ipc_proc *to, struct ipc_handle *from, uint32_t rights,
               uint32_t badge);
/* ipc_move: move src's open slot `slot` to dst's lowest free slot (one
 * must be free), keeping its rights, badge and place in the tree (its
 * parent and children follow it).  Returns the new slot.  What a grant
 * by move does. */
int ipc_move(struct ipc_proc *src, uint32_t slot, struct ipc_proc *dst);
/* ipc_tree_unlink: take h out of the tree (its children become its
 * parent's, or roots); h's own links are cleared. */
void ipc_tree_unlink(struct ipc_handle *h);
/* ipc_live_grants: m as a blocked sender src can still send it: without
 * the grants of slots a revoke emptied while it waited (copied to *buf
 * when some are gone, else m itself). */
const struct ipc_msg *ipc_live_grants(const struct ipc_proc *src,
                                      const struct ipc_msg *m,
                                      struct ipc_msg *buf);

/* ipc_close_slot: close open slot `slot` of p by the last-handle rules
 * (model: _close), waking whoever they concern, in the model's order. */
void ipc_close_slot(struct ipc_proc *p, uint32_t slot);
/* ipc_obj_released: endpoint or notification o lost a holder (a handle
 * or a kernel reference, already uncounted): rules 2-4 (wakes with EPIPE
 * whoever can no longer be answered; frees o when nobody holds it). */
void ipc_obj_released(struct ipc_obj *o);
/* ipc_handle_of: p's open slot `slot` if it names an object of kind,
 * else NULL.  (Inline, as the next: every operation starts here.) */
static inline struct ipc_handle *ipc_handle_of(struct ipc_proc *p,
                                               uint32_t slot,
                                               enum ipc_kind kind)
{
    struct ipc_handle *h;

    if (slot >= IPC_HANDLES_MAX)
        return NULL;
    h = &p->handles[slot];
    return h->obj && h->obj->kind == kind ? h : NULL;
}

/* ipc_check_handle: 0 if slot is an open handle of kind with right, else
 * IPC_EBADF or IPC_EACCES (model: _ep_handle, _ntfn_handle); *out is the
 * handle or NULL. */
static inline int ipc_check_handle(struct ipc_proc *p, uint32_t slot,
                                   enum ipc_kind kind, uint32_t right,
                                   struct ipc_handle **out)
{
    struct ipc_handle *h = ipc_handle_of(p, slot, kind);

    *out = h;
    if (!h)
        return IPC_EBADF;
    return h->rights & right ? 0 : IPC_EACCES;
}

/* ---- msg.c: messages ------------------------------------------------ */

/* ipc_check_msg: the first error the message earns (model: _check_msg), or
 * 0.  grant_ok: the handle it goes through has the grant right. */
int ipc_check_msg(struct ipc_proc *p, const struct ipc_msg *m, bool grant_ok);
/* ipc_check_recv: EFAULT (rbuf outside p's memory), EMFILE (fewer than
 * IPC_RECV_FREE_SLOTS free slots) or 0 (model: _check_recv). */
int ipc_check_recv(struct ipc_proc *p, const struct ipc_rbuf *rb);
/* ipc_got_reset: no field applies (h and reply -1, the rest zero).
 * Every operation starts with it, so it is inline, and written field by
 * field: a memset of the struct's 92 bytes compiles to `rep stosq`, one
 * instruction per 8 bytes plus its setup, where these compile to a
 * dozen stores.  (Its padding is never written, so it stays the zero of
 * the process's fresh memory.) */
static inline void ipc_got_reset(struct ipc_got *g)
{
    g->h = -1;
    g->word = 0;
    g->has_msg = false;
    g->badge = 0;
    g->label = 0;
    g->nwords = 0;
    for (int i = 0; i < IPC_MSG_WORDS_MAX; i++)
        g->words[i] = 0;
    g->has_buf = false;
    g->len = 0;
    g->copied = 0;
    g->nhandles = 0;
    for (int i = 0; i < IPC_MSG_HANDLES_MAX; i++)
        g->handles[i] = 0;
    g->reply = -1;
    g->n = 0;
}
/* ipc_transfer: deliver m from src (sent with badge) to dst, which
 * receives into rb, filling dst->got (model: _transfer): the words, the
 * buffer by the truncation rule, the grants. */
void ipc_transfer(struct ipc_proc *src, const struct ipc_msg *m,
                  uint32_t badge, struct ipc_proc *dst,
                  const struct ipc_rbuf *rb);
/* ipc_rendezvous: sender's message (sent with kind IPC_SEND or IPC_CALL)
 * goes to receiver; a call's reply object (the sender's spare) goes to
 * the receiver's table and the sender waits in IPC_REPLY (model:
 * _rendezvous).  Counts the delivery in ep. */
void ipc_rendezvous(struct ipc_obj *ep, struct ipc_proc *sender,
                    enum ipc_state kind, const struct ipc_msg *m,
                    uint32_t badge, struct ipc_proc *receiver,
                    const struct ipc_rbuf *rb);

/* ---- ntfn.c ------------------------------------------------------------ */

/* ipc_ntfn_post: what a signal with bits does to notification o: the
 * oldest waiter wakes with word = bits, or with none word |= bits.
 * Returns IPC_OK. */
int ipc_ntfn_post(struct ipc_obj *o, uint32_t bits);

/* ---- queues and waking ----------------------------------------------- */

/* ipc_enqueue: p goes to the tail of q. */
static inline void ipc_enqueue(struct ipc_queue *q, struct ipc_proc *p)
{
    p->qnext = NULL;
    if (q->tail)
        q->tail->qnext = p;
    else
        q->head = p;
    q->tail = p;
}

/* ipc_dequeue: the head of q, taken out of it (q must not be empty). */
static inline struct ipc_proc *ipc_dequeue(struct ipc_queue *q)
{
    struct ipc_proc *p = q->head;

    q->head = p->qnext;
    if (!q->head)
        q->tail = NULL;
    p->qnext = NULL;
    return p;
}

/* ipc_wake: blocked p runs again with result (its got already filled, or
 * reset for an error): model _wake.  Calls its wake hook last, unless
 * the wake is held (ipc.h: ipc_hold).  Inline, hold and all: a held wake
 * is the IPC fast path's, and costs it no call. */
static inline void ipc_wake(struct ipc_proc *p, int result)
{
    p->state = IPC_RUNNING;
    p->on = NULL;
    p->badge = 0;
    p->rbuf.has = false;
    p->result = result;
    if (ipc_hold.on) {
        if (!ipc_hold.held) {
            ipc_hold.held = p;
            return;
        }
        ipc_hold_release();
    }
    p->wake(p);
}

/* ipc_wake_err: wake p with an error and no fields. */
static inline void ipc_wake_err(struct ipc_proc *p, int err)
{
    ipc_got_reset(&p->got);
    ipc_wake(p, err);
}

/* ipc_ret: the end of an operation: p->result = rc, returned. */
static inline int ipc_ret(struct ipc_proc *p, int rc)
{
    p->result = rc;
    return rc;
}

#endif
