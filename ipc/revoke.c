/*
 * revoke.c: the derivation tree of handles and revoke (spec/ipc.md
 * "Revoke"; model: op_revoke, _descendants), as seL4's capability
 * derivation tree and its Revoke.
 *
 * A handle made from another one (dup, give, a copy granted in a
 * message, spawn's list) is that handle's child; a moved handle keeps
 * its place; a closed one leaves its children to its parent.  Each
 * handle keeps its parent, its first child and its siblings (struct
 * ipc_handle), so the tree needs no memory of its own and nothing here
 * can fail.  Revoke removes a handle's descendants, every one of which
 * names the same object with at most its rights: no last-handle rule
 * can fire, and the work is one step per descendant and per queued
 * process, bounded by the handle tables' size (no recursion: a kernel
 * stack is small and a tree may be thousands deep).
 */
#include "ipc/core.h"

/* link_child: h (a root with no siblings) becomes parent's first child. */
static void link_child(struct ipc_handle *h, struct ipc_handle *parent)
{
    h->parent = parent;
    h->prev = NULL;
    h->next = parent->child;
    if (parent->child)
        parent->child->prev = h;
    parent->child = h;
}

/*
 * ipc_derive: see core.h.  ipc_install fills the slot (a root); the
 * link makes it from's child.
 */
int ipc_derive(struct ipc_proc *to, struct ipc_handle *from, uint32_t rights,
               uint32_t badge)
{
    int slot = ipc_install(to, from->obj, rights, badge);

    link_child(&to->handles[slot], from);
    return slot;
}

/*
 * ipc_move: see core.h.  The new slot takes over the old one's links
 * (whoever pointed at the old slot points at the new), then the old
 * slot, a root without children now, is uninstalled: the object's
 * counts are back where they were.
 */
int ipc_move(struct ipc_proc *src, uint32_t slot, struct ipc_proc *dst)
{
    struct ipc_handle *h = &src->handles[slot];
    int to = ipc_install(dst, h->obj, h->rights, h->badge);
    struct ipc_handle *n = &dst->handles[to];

    n->parent = h->parent;
    n->child = h->child;
    n->next = h->next;
    n->prev = h->prev;
    if (n->prev)
        n->prev->next = n;
    else if (n->parent)
        n->parent->child = n;
    if (n->next)
        n->next->prev = n;
    for (struct ipc_handle *c = n->child; c; c = c->next)
        c->parent = n;
    h->parent = h->child = h->next = h->prev = NULL;
    ipc_uninstall(src, slot);
    return to;
}

/*
 * ipc_tree_unlink: see core.h.  The children keep their order and take
 * h's place among its siblings; a root's children become roots, which
 * have no siblings.
 */
void ipc_tree_unlink(struct ipc_handle *h)
{
    struct ipc_handle *p = h->parent, *c = h->child, *last = NULL;

    for (struct ipc_handle *x = c; x; x = x->next) {
        x->parent = p;
        last = x;
    }
    if (!p) {
        while (c) {
            struct ipc_handle *nx = c->next;
            c->next = c->prev = NULL;
            c = nx;
        }
    } else if (c) {
        c->prev = h->prev;
        last->next = h->next;
        if (h->prev)
            h->prev->next = c;
        else
            p->child = c;
        if (h->next)
            h->next->prev = last;
    } else {
        if (h->prev)
            h->prev->next = h->next;
        else
            p->child = h->next;
        if (h->next)
            h->next->prev = h->prev;
    }
    h->parent = h->child = h->next = h->prev = NULL;
}

/*
 * ipc_live_grants: see core.h.  A blocked sender's table only loses
 * handles while it waits (to a revoke), so an open granted slot still
 * holds the handle that was checked when it sent.
 */
const struct ipc_msg *ipc_live_grants(const struct ipc_proc *src,
                                      const struct ipc_msg *m,
                                      struct ipc_msg *buf)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < m->nhandles; i++)
        n += src->handles[m->handles[i].slot].obj != NULL;
    if (n == m->nhandles)
        return m;
    *buf = *m;
    buf->nhandles = 0;
    for (uint32_t i = 0; i < m->nhandles; i++)
        if (src->handles[m->handles[i].slot].obj)
            buf->handles[buf->nhandles++] = m->handles[i];
    return buf;
}

/* derived_from: whether d is a descendant of h (h an ancestor of d). */
static bool derived_from(const struct ipc_handle *d, const struct ipc_handle *h)
{
    for (d = d->parent; d; d = d->parent)
        if (d == h)
            return true;
    return false;
}

/*
 * cancel: every process in q that blocked through a descendant of h
 * leaves q and wakes with IPC_ECANCELED, oldest first; the others keep
 * their places.
 */
static void cancel(struct ipc_queue *q, const struct ipc_handle *h)
{
    struct ipc_proc **pp = &q->head, *prev = NULL;

    while (*pp) {
        struct ipc_proc *x = *pp;
        if (!derived_from(&x->handles[x->via], h)) {
            prev = x;
            pp = &x->qnext;
            continue;
        }
        *pp = x->qnext;
        if (q->tail == x)
            q->tail = prev;
        x->qnext = NULL;
        ipc_wake_err(x, IPC_ECANCELED);
    }
}

/*
 * remove_descendants: uninstall every descendant of h, leaves first
 * (each one removed is a leaf, so nothing is passed up); returns how
 * many.  Walks down to a leaf, removes it, and goes on from its parent.
 */
static uint32_t remove_descendants(struct ipc_handle *h)
{
    struct ipc_handle *c = h->child;
    uint32_t n = 0;

    while (c) {
        while (c->child)
            c = c->child;
        struct ipc_handle *up = c->parent;
        ipc_uninstall(c->holder, (uint32_t)(c - c->holder->handles));
        n++;
        c = up == h ? h->child : up->child ? up->child : up;
    }
    return n;
}

/*
 * ipc_revoke: see ipc.h.  Checks: EBADF (slot not an open handle, or a
 * reply handle).  Then, as spec/ipc.md orders it: the processes queued
 * on the object through a descendant are cancelled, in queue order
 * (send, receive, wait queue); then the descendants leave their tables.
 * No last-handle rule is applied: every descendant has at most h's
 * rights, and h stays, so the object keeps a holder of each right a
 * descendant had (the invariants check it).
 */
int ipc_revoke(struct ipc_proc *p, uint32_t slot)
{
    struct ipc_handle *h;
    struct ipc_obj *o;

    ipc_got_reset(&p->got);
    if (slot >= IPC_HANDLES_MAX || !p->handles[slot].obj ||
        p->handles[slot].obj->kind == IPC_KIND_REPLY)
        return ipc_ret(p, IPC_EBADF);
    h = &p->handles[slot];
    o = h->obj;
    cancel(&o->sendq, h);
    cancel(&o->recvq, h);
    cancel(&o->waitq, h);
    p->got.n = remove_descendants(h);
    return ipc_ret(p, IPC_OK);
}
