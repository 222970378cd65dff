/*
 * handle.c: the operations on handles themselves: ep_create, ntfn_create,
 * dup, close and give (model: op_ep_create, op_ntfn_create, op_dup,
 * op_close, op_give).  Each checks in the model's order before it
 * changes anything.
 */
#include "ipc/core.h"
#include "kernel/labtodo.h"

/*
 * create: a new object of kind in p's domain, named by a handle with
 * every right and no badge in p's lowest free slot (got.h).
 * Returns IPC_OK, IPC_EMFILE (no free slot) or IPC_ENOMEM.
 */
static int create(struct ipc_proc *p, enum ipc_kind kind)
{
    struct ipc_obj *o;

    ipc_got_reset(&p->got);
    if (p->nheld == IPC_HANDLES_MAX)
        return ipc_ret(p, IPC_EMFILE);
    o = ipc_obj_new(p->ns, kind);
    if (!o)
        return ipc_ret(p, IPC_ENOMEM);
    p->got.h = ipc_install(p, o, IPC_R_ALL, 0);
    return ipc_ret(p, IPC_OK);
}

/* ipc_ep_create: a new endpoint (spec/ipc.md ep_create). */
int ipc_ep_create(struct ipc_proc *p)
{
    return create(p, IPC_KIND_EP);
}

/* ipc_ntfn_create: a new notification, word 0 (spec/ipc.md ntfn_create). */
int ipc_ntfn_create(struct ipc_proc *p)
{
    return create(p, IPC_KIND_NTFN);
}

/*
 * open_obj: p's open endpoint, notification or process handle in slot,
 * or NULL (a free slot, out of range, or a reply handle: EBADF for dup,
 * give).
 */
static struct ipc_handle *open_obj(struct ipc_proc *p, uint32_t slot)
{
    if (slot >= IPC_HANDLES_MAX || !p->handles[slot].obj ||
        p->handles[slot].obj->kind == IPC_KIND_REPLY)
        return NULL;
    return &p->handles[slot];
}

/*
 * ipc_dup: a second handle to the object of slot, with `rights` and a
 * badge, in p's lowest free slot (got.h): attenuation (the new handle
 * may have fewer rights, never more) and minting (a nonzero badge is
 * stamped on it, once).  Checks, in this order, the first failing one
 * the result: EBADF (slot is not an open endpoint, notification or
 * process handle: open_obj), EINVAL (rights has bits beyond srgk),
 * EACCES (rights has a bit the handle lacks), EINVAL (a nonzero badge
 * for a handle that already has one: a badge never changes), EMFILE (no
 * free slot).  The new handle's badge is `badge` if nonzero, else the
 * handle's own (so an unbadged copy of a badged handle keeps it), and
 * it is derived from the handle (ipc_derive: revoke takes it back).
 */
int ipc_dup(struct ipc_proc *p, uint32_t slot, uint32_t rights,
            uint32_t badge)
{
    // LAB 6 BEGIN ipc_dup
    struct ipc_handle *h = open_obj(p, slot);

    ipc_got_reset(&p->got);
    if (!h)
        return ipc_ret(p, IPC_EBADF);
    if (rights & ~IPC_R_ANY)
        return ipc_ret(p, IPC_EINVAL);
    if (rights & ~h->rights)
        return ipc_ret(p, IPC_EACCES);
    if (badge && h->badge)
        return ipc_ret(p, IPC_EINVAL);
    if (p->nheld == IPC_HANDLES_MAX)
        return ipc_ret(p, IPC_EMFILE);
    p->got.h = ipc_derive(p, h, rights, badge ? badge : h->badge);
    return ipc_ret(p, IPC_OK);
    // LAB 6 BUG dup_can_widen_rights
    // struct ipc_handle *h = open_obj(p, slot);
    //
    // ipc_got_reset(&p->got);
    // if (!h)
    //     return ipc_ret(p, IPC_EBADF);
    // if (rights & ~IPC_R_ANY)
    //     return ipc_ret(p, IPC_EINVAL);
    // if (rights && !(rights & h->rights))    /* a right it does not hold */
    //     return ipc_ret(p, IPC_EACCES);
    // if (badge && h->badge)
    //     return ipc_ret(p, IPC_EINVAL);
    // if (p->nheld == IPC_HANDLES_MAX)
    //     return ipc_ret(p, IPC_EMFILE);
    // p->got.h = ipc_derive(p, h, rights, badge ? badge : h->badge);
    // return ipc_ret(p, IPC_OK);
    // LAB 6 STUB duplicates nothing and returns ENOSYS, so no handle can be weakened or badged
    // (void)slot, (void)rights, (void)badge;
    // LAB_TODO(6, "ipc_dup");
    // ipc_got_reset(&p->got);
    // return ipc_ret(p, IPC_ENOSYS);
    // LAB 6 END
}

/*
 * ipc_close: free slot `slot` by the last-handle rules (EBADF if it is
 * not open).  May wake processes (ipc_close_slot).
 */
int ipc_close(struct ipc_proc *p, uint32_t slot)
{
    ipc_got_reset(&p->got);
    if (slot >= IPC_HANDLES_MAX || !p->handles[slot].obj)
        return ipc_ret(p, IPC_EBADF);
    ipc_close_slot(p, slot);
    return ipc_ret(p, IPC_OK);
}

/*
 * ipc_give: copy p's handle `slot` (same rights and badge, derived from
 * it) into `to`'s lowest free slot; p->got.h and to->got.h name that slot.  Needs: to
 * running.  Checks: EBADF (not an open endpoint, notification or
 * process handle), EMFILE (to's table full).
 */
int ipc_give(struct ipc_proc *p, uint32_t slot, struct ipc_proc *to)
{
    struct ipc_handle *h = open_obj(p, slot);

    ipc_got_reset(&p->got);
    if (!h)
        return ipc_ret(p, IPC_EBADF);
    if (to->nheld == IPC_HANDLES_MAX)
        return ipc_ret(p, IPC_EMFILE);
    p->got.h = ipc_derive(to, h, h->rights, h->badge);
    to->got.h = p->got.h;
    return ipc_ret(p, IPC_OK);
}
