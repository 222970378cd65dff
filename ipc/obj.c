/*
 * obj.c: IPC objects, numbering domains and handle tables, and the
 * last-handle rules of spec/ipc.md (model: _install, _close).
 *
 * The model asks "does anyone hold a handle with right X to this object?"
 * by scanning every process (_holders).  The kernel cannot afford that on
 * every send, so each object counts the handles naming it (nhandles) and
 * those of them with s and with r (nsend, nrecv): every change to a table
 * goes through ipc_install / ipc_uninstall, which keep the counts.
 */
#include "ipc/core.h"

/* The kernel processes' numbering domain: ep1, ntfn2, ... in creation
 * order since boot. */
struct ipc_ns ipc_kernel_ns = { .next_id = 1 };

/* Objects allocated and not yet freed, in every domain (leak checks). */
static int objs_live;

/*
 * ipc_ns_init: an empty domain whose first object will be number 1.
 */
void ipc_ns_init(struct ipc_ns *ns)
{
    ns->next_id = 1;
    ns->objs = ns->objs_tail = NULL;
}

/*
 * ipc_proc_init: p running in domain ns with an empty table and no
 * spare reply object.  Needs: p not in any queue (fresh memory).
 */
void ipc_proc_init(struct ipc_proc *p, struct ipc_ns *ns, int pid,
                   void *(*mem)(struct ipc_proc *, uint32_t, uint32_t),
                   void (*wake)(struct ipc_proc *), void *owner)
{
    __builtin_memset(p, 0, sizeof *p);
    p->pid = pid;
    p->state = IPC_RUNNING;
    p->ns = ns;
    p->mem = mem;
    p->wake = wake;
    p->owner = owner;
    ipc_got_reset(&p->got);
}

/*
 * ipc_objs_live: objects allocated by the core and not yet freed
 * (endpoints, notifications, reply objects in use or kept as spares).
 */
int ipc_objs_live(void)
{
    return objs_live;
}

/*
 * ipc_obj_new: see core.h.  The number is taken only once the memory is
 * there, so a failed create changes nothing (not even the numbering).
 */
struct ipc_obj *ipc_obj_new(struct ipc_ns *ns, enum ipc_kind kind)
{
    struct ipc_obj *o = ipc_alloc(sizeof *o);

    if (!o)
        return NULL;
    objs_live++;
    o->kind = kind;
    o->ns = ns;
    if (kind == IPC_KIND_REPLY || kind == IPC_KIND_PROC ||
        kind == IPC_KIND_IO)
        return o;                   /* unnumbered, unlisted */
    o->id = ns->next_id++;
    if (ns->objs_tail)
        ns->objs_tail->next = o;
    else
        ns->objs = o;
    ns->objs_tail = o;
    return o;
}

/*
 * ipc_obj_free: see core.h.  Unlisting walks the domain's list: objects
 * die rarely (last close), so the list stays singly linked.  Only the
 * numbered kinds (id != 0: endpoints, notifications) are listed.
 */
void ipc_obj_free(struct ipc_obj *o)
{
    struct ipc_ns *ns = o->ns;

    if (o->id != 0 && ns) {
        struct ipc_obj **pp = &ns->objs, *prev = NULL;
        while (*pp && *pp != o) {
            prev = *pp;
            pp = &(*pp)->next;
        }
        if (*pp)
            *pp = o->next;
        if (ns->objs_tail == o)
            ns->objs_tail = prev;
    }
    objs_live--;
    ipc_free(o);
}

/*
 * ipc_reply_done: see core.h.  A live caller without a spare keeps the
 * object for its next call: a call/reply round trip then allocates
 * nothing.  Needs: no handle names o any more.
 */
void ipc_reply_done(struct ipc_obj *o)
{
    struct ipc_proc *c = o->caller;

    if (c && !c->spare) {
        __builtin_memset(o, 0, sizeof *o);
        o->kind = IPC_KIND_REPLY;
        c->spare = o;
        return;
    }
    ipc_obj_free(o);
}

/*
 * ipc_install: see core.h.  The lowest free slot, as POSIX descriptors.
 */
int ipc_install(struct ipc_proc *p, struct ipc_obj *o, uint32_t rights,
                uint32_t badge)
{
    int slot = 0;

    /* (for Frama-C's WP, make spec-wp: the slots below `slot` are taken
     * and a free one lies ahead, so the scan stops inside the table) */
    /*@ loop invariant 0 <= slot < IPC_HANDLES_MAX;
        loop invariant \forall integer i; 0 <= i < slot ==>
                       p->handles[i].obj != \null;
        loop invariant \exists integer i; slot <= i < IPC_HANDLES_MAX &&
                       p->handles[i].obj == \null;
        loop assigns slot;
        loop variant IPC_HANDLES_MAX - slot;
    */
    while (p->handles[slot].obj)
        slot++;
    p->handles[slot] = (struct ipc_handle){ o, rights, badge, .holder = p };
    p->nheld++;
    o->nhandles++;
    o->nsend += (rights & IPC_R_SEND) != 0;
    o->nrecv += (rights & IPC_R_RECV) != 0;
    return slot;
}

/*
 * ipc_uninstall: see core.h.  The slot leaves the derivation tree
 * first, so no other handle points at it once it is free.
 */
struct ipc_handle ipc_uninstall(struct ipc_proc *p, uint32_t slot)
{
    ipc_tree_unlink(&p->handles[slot]);
    return ipc_slot_clear(p, slot);
}

/*
 * ipc_slot_clear: see core.h.
 */
struct ipc_handle ipc_slot_clear(struct ipc_proc *p, uint32_t slot)
{
    struct ipc_handle h;
    struct ipc_obj *o;

    h = p->handles[slot];
    o = h.obj;
    p->handles[slot] = (struct ipc_handle){ NULL, 0, 0, NULL, NULL, NULL,
                                            NULL, NULL };
    p->nheld--;
    o->nhandles--;
    o->nsend -= (h.rights & IPC_R_SEND) != 0;
    o->nrecv -= (h.rights & IPC_R_RECV) != 0;
    return h;
}

/*
 * wake_all: every process in q wakes with EPIPE, oldest first.
 */
static void wake_all(struct ipc_queue *q)
{
    while (q->head)
        ipc_wake_err(ipc_dequeue(q), IPC_EPIPE);
}

/*
 * ipc_close_slot: see core.h.  Rule 1: a reply handle closed unused
 * frees its object and wakes its caller with EPIPE; an endpoint's or
 * notification's counts then decide the rest (ipc_obj_released).
 */
void ipc_close_slot(struct ipc_proc *p, uint32_t slot)
{
    struct ipc_obj *o = ipc_uninstall(p, slot).obj;

    if (o->kind == IPC_KIND_REPLY) {
        struct ipc_proc *caller = o->caller;
        ipc_reply_done(o);
        if (caller)
            ipc_wake_err(caller, IPC_EPIPE);
        return;
    }
    ipc_obj_released(o);
}

/*
 * ipc_obj_released: see core.h.  Rules 2-4 of spec/ipc.md in the model's
 * order (_close): no holder left frees o; else an endpoint with no r
 * holder wakes its senders and callers, and an endpoint or notification
 * with no s holder its receivers or waiters, all with EPIPE.
 */
void ipc_obj_released(struct ipc_obj *o)
{
    if (o->nhandles == 0) {
        /* every blocked process holds a handle to what it waits on, so
         * the queues are empty; wake any anyway rather than dangle */
        wake_all(&o->sendq);
        wake_all(&o->recvq);
        wake_all(&o->waitq);
        ipc_obj_free(o);
        return;
    }
    if (o->kind == IPC_KIND_PROC || o->kind == IPC_KIND_IO)
        return;                     /* nobody ever waits on one */
    if (o->kind == IPC_KIND_EP && o->nrecv == 0)
        wake_all(&o->sendq);
    if (o->nsend == 0)
        wake_all(o->kind == IPC_KIND_EP ? &o->recvq : &o->waitq);
}
