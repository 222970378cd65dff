/*
 * fast.c: the specialised call and reply_recv of the hot path, in the
 * style of seL4's fastpath_call and fastpath_reply_recv: a client's
 * call that meets its server already waiting in recv or reply_recv,
 * and the server's reply_recv that answers a caller and finds nobody
 * queued, each with a message of words alone (no buffer, no grants).
 *
 * Each one first tests every condition that makes its operation the
 * plain case, changing nothing; if one fails it returns IPC_FAST_NO and
 * the caller runs the general operation (ops.c), which stays the
 * reference.  When they all hold, the general operation would pass
 * every check and take one branch of each test; these do what that
 * branch does, field for field and in the same order (the caller's got
 * reset, the receiver's got filled as ipc_transfer fills it, the reply
 * object taken from the spare and installed, the same wake through the
 * same hook), so every result, slot, count and trace is the one the
 * general operation gives.  One liberty: the wake comes last, after
 * what the operation does to its own process.  A wake hook only takes
 * note (the woken thread runs once the operation is over), so nothing
 * can tell, and nothing need be kept across the hook's call.
 * ipc/tests/fast.c compares the two.
 */
#include "ipc/core.h"
#include "kernel/labtodo.h"

struct ipc_fast_stats ipc_fast_stats;

/* got_words: *g as ipc_transfer leaves it for message m (its words
 * little-endian u32s at any alignment) sent with badge, without
 * a buffer or grants: every other field as ipc_got_reset sets it.  g is
 * a blocked process's, so it already is as ipc_got_reset left it when
 * its operation began (ipc/invariants.c checks it): only the fields of
 * the message are written.  The words go two at a time (x86 loads and
 * stores 8 bytes at any alignment), by stores the compiler inlines: a
 * call of memcpy would cost more than the copy. */
static inline void got_words(struct ipc_got *g, uint32_t badge,
                             const struct ipc_fast_msg *m)
{
    const unsigned char *w = m->words, *pairs_end = w + 8 * (m->nwords / 2);
    unsigned char *to = (unsigned char *)g->words;

    g->has_msg = true;
    g->badge = badge;
    g->label = m->label;
    g->nwords = m->nwords;
    for (; w < pairs_end; w += 8, to += 8)
        __builtin_memcpy(to, w, 8);
    if (m->nwords % 2)
        __builtin_memcpy(to, w, 4);
}

/* reply_install: ipc_install(p, o, 0, 0) for reply object o, which no
 * handle names yet.  A free slot is all zeros (ipc_slot_clear leaves it
 * so; ipc/invariants.c checks it), and a reply handle has no rights, no
 * badge and no place in the derivation tree: so of the slot only obj
 * and holder change, and of the counts only nheld and nhandles. */
static inline int reply_install(struct ipc_proc *p, struct ipc_obj *o)
{
    int slot = 0;

    while (p->handles[slot].obj)    /* p had room when it began to receive */
        slot++;
    p->handles[slot].obj = o;
    p->handles[slot].holder = p;
    p->nheld++;
    o->nhandles++;
    return slot;
}

/* reply_used: what ipc_uninstall(p, rslot) and then ipc_reply_done(o)
 * do to the reply handle in rslot, which names o, when o's caller is
 * alive and has no spare: the slot is emptied and o becomes the
 * caller's spare, all zeros but its kind.  Only what differs is
 * written.  In the slot: obj and holder (the rest of a reply handle is
 * zero already: see reply_install).  In o: the caller, the domain
 * ipc_obj_new gave it, and its count of handles (one); a reply object
 * never has queues, a word, a target, an I/O window, deliveries or a
 * place on a domain's list. */
static inline void reply_used(struct ipc_proc *p, uint32_t rslot,
                              struct ipc_obj *o)
{
    struct ipc_proc *c = o->caller;

    p->handles[rslot].obj = NULL;
    p->handles[rslot].holder = NULL;
    p->nheld--;
    o->ns = NULL;
    o->nhandles = 0;
    o->caller = NULL;
    c->spare = o;
}

/* recv_room: whether p, holding `held` handles, passes ipc_check_recv's
 * free-slot rule (its receive buffer is inside its memory: see ipc.h). */
static inline bool recv_room(const struct ipc_proc *p, int held)
{
    return held <= IPC_HANDLES_MAX - IPC_RECV_FREE_SLOTS || p->kcall;
}

/*
 * ipc_fast_call: see ipc.h.  The plain case of do_send(IPC_CALL): slot
 * an endpoint handle with s, at most IPC_MSG_WORDS_MAX words (no buffer
 * nor grants: the caller's decoding saw to that), rb and the free slots
 * fine, a receive handle left, a spare reply object, and a receiver
 * queued.  Then: the rendezvous with the oldest receiver, which wakes
 * with ok, and p waits for the reply in IPC_REPLY.
 */
int ipc_fast_call(struct ipc_proc *p, uint32_t slot,
                  const struct ipc_fast_msg *m, const struct ipc_rbuf *rb)
{
    // LAB 6 BEGIN ipc_fast_call
    struct ipc_handle *h = ipc_handle_of(p, slot, IPC_KIND_EP);
    struct ipc_obj *ep, *reply;
    struct ipc_proc *r;

    if (!h || !(h->rights & IPC_R_SEND) || m->nwords > IPC_MSG_WORDS_MAX)
        return IPC_FAST_NO;
    ep = h->obj;
    if (!ep->recvq.head || ep->nrecv == 0 || !p->spare ||
        !recv_room(p, p->nheld))
        return IPC_FAST_NO;
    ipc_got_reset(&p->got);                     /* do_send */
    p->rbuf = *rb;
    r = ipc_dequeue(&ep->recvq);
    got_words(&r->got, h->badge, m);            /* ipc_rendezvous */
    ep->delivered++;
    reply = p->spare;
    p->spare = NULL;
    reply->caller = p;
    r->got.reply = reply_install(r, reply);
    p->state = IPC_REPLY;
    p->on = reply;
    p->badge = 0;
    p->result = IPC_BLOCKED;                    /* ipc_ret, via */
    p->via = slot;
    ipc_fast_stats.calls++;
    ipc_wake(r, IPC_OK);                        /* last: see the top */
    return IPC_BLOCKED;
    // LAB 6 BUG fast_call_loses_the_badge
    // struct ipc_handle *h = ipc_handle_of(p, slot, IPC_KIND_EP);
    // struct ipc_obj *ep, *reply;
    // struct ipc_proc *r;
    //
    // if (!h || !(h->rights & IPC_R_SEND) || m->nwords > IPC_MSG_WORDS_MAX)
    //     return IPC_FAST_NO;
    // ep = h->obj;
    // if (!ep->recvq.head || ep->nrecv == 0 || !p->spare ||
    //     !recv_room(p, p->nheld))
    //     return IPC_FAST_NO;
    // ipc_got_reset(&p->got);                     /* do_send */
    // p->rbuf = *rb;
    // r = ipc_dequeue(&ep->recvq);
    // got_words(&r->got, 0, m);                   /* ipc_rendezvous */
    // ep->delivered++;
    // reply = p->spare;
    // p->spare = NULL;
    // reply->caller = p;
    // r->got.reply = reply_install(r, reply);
    // p->state = IPC_REPLY;
    // p->on = reply;
    // p->badge = 0;
    // p->result = IPC_BLOCKED;                    /* ipc_ret, via */
    // p->via = slot;
    // ipc_fast_stats.calls++;
    // ipc_wake(r, IPC_OK);                        /* last: see the top */
    // return IPC_BLOCKED;
    // LAB 6 STUB declines every call (IPC_FAST_NO), so each takes the general operation: the same results, more instructions
    // (void)p, (void)slot, (void)m, (void)rb, (void)got_words,
    //     (void)recv_room, (void)reply_install;
    // LAB_TODO(6, "ipc_fast_call");
    // return IPC_FAST_NO;
    // LAB 6 END
}

/*
 * ipc_fast_reply_recv: see ipc.h.  The plain case of ipc_reply_recv:
 * rslot a reply handle whose caller is alive (and has no spare, as
 * always: its spare became this reply object), at most IPC_MSG_WORDS_MAX
 * words, then slot an endpoint handle with r, rb and the free slots fine
 * once the reply handle is gone, a send handle left, and no sender
 * queued.  Then: the caller gets the reply and wakes with ok (ipc_reply)
 * and p waits at the tail of the receive queue (do_recv).
 */
int ipc_fast_reply_recv(struct ipc_proc *p, uint32_t rslot,
                        const struct ipc_fast_msg *m, uint32_t slot,
                        const struct ipc_rbuf *rb)
{
    // LAB 6 BEGIN ipc_fast_reply_recv
    struct ipc_handle *rh = ipc_handle_of(p, rslot, IPC_KIND_REPLY);
    struct ipc_handle *h = ipc_handle_of(p, slot, IPC_KIND_EP);
    struct ipc_obj *reply, *ep;
    struct ipc_proc *caller;

    if (!rh || !h || !(h->rights & IPC_R_RECV) ||
        m->nwords > IPC_MSG_WORDS_MAX || !rh->obj->caller ||
        rh->obj->caller->spare)
        return IPC_FAST_NO;
    ep = h->obj;
    if (ep->sendq.head || ep->nsend == 0 || !recv_room(p, p->nheld - 1))
        return IPC_FAST_NO;
    reply = rh->obj;                            /* ipc_reply */
    caller = reply->caller;
    ipc_got_reset(&p->got);
    reply_used(p, rslot, reply);                /* its handle, object */
    got_words(&caller->got, 0, m);
    p->rbuf = *rb;                              /* do_recv */
    p->state = IPC_RECV;
    p->on = ep;
    ipc_enqueue(&ep->recvq, p);
    p->result = IPC_BLOCKED;
    p->via = slot;
    ipc_fast_stats.reply_recvs++;
    ipc_wake(caller, IPC_OK);                   /* ipc_reply's, last */
    return IPC_BLOCKED;
    // LAB 6 STUB declines every reply_recv (IPC_FAST_NO), so each takes the general operations: the same results, more instructions
    // (void)p, (void)rslot, (void)m, (void)slot, (void)rb, (void)reply_used;
    // LAB_TODO(6, "ipc_fast_reply_recv");
    // return IPC_FAST_NO;
    // LAB 6 END
}
