/*
 * kref.c: the kernel's own references to IPC objects (kref.h).
 *
 * A kernel reference is counted in the object exactly as a handle is
 * (nhandles, and nsend/nrecv for its rights) but lives in no table, so
 * the counters alone say who may still signal or receive: the
 * last-handle rules (obj.c, ipc_close_slot) then treat the kernel as one
 * more holder.  Same environment as the rest of the core: no sleeping,
 * printing or threads.
 */
#include "ipc/kref.h"

#include "ipc/core.h"

/*
 * ipc_obj_of: see kref.h.
 */
struct ipc_obj *ipc_obj_of(struct ipc_proc *p, uint32_t slot,
                           enum ipc_kind kind, uint32_t rights)
{
    struct ipc_handle *h = ipc_handle_of(p, slot, kind);

    if (!h || kind == IPC_KIND_REPLY || (h->rights & rights) != rights)
        return NULL;
    return h->obj;
}

/*
 * count: add d (+1 or -1) kernel references with rights to o's counters.
 */
static void count(struct ipc_obj *o, uint32_t rights, int d)
{
    o->nhandles += d;
    o->nsend += (rights & IPC_R_SEND) ? d : 0;
    o->nrecv += (rights & IPC_R_RECV) ? d : 0;
}

/*
 * ipc_kntfn_create: see kref.h.
 */
struct ipc_obj *ipc_kntfn_create(struct ipc_ns *ns, uint32_t rights)
{
    struct ipc_obj *o = ipc_obj_new(ns, IPC_KIND_NTFN);

    if (o)
        count(o, rights, +1);
    return o;
}

/*
 * ipc_kref_hold: see kref.h.  Needs o a live endpoint or notification
 * (one a handle or another kernel reference keeps alive).
 */
void ipc_kref_hold(struct ipc_obj *o, uint32_t rights)
{
    count(o, rights, +1);
}

/*
 * ipc_kref_drop: see kref.h.  The last-handle rules as ipc_close_slot
 * applies them to an endpoint or notification (ipc_obj_released).
 */
void ipc_kref_drop(struct ipc_obj *o, uint32_t rights)
{
    count(o, rights, -1);
    ipc_obj_released(o);
}

/*
 * ipc_notify: see kref.h.  What signal does (model: op_signal), with the
 * kernel as the signaller.
 */
void ipc_notify(struct ipc_obj *o, uint32_t bits)
{
    (void)ipc_ntfn_post(o, bits);   /* always ok, once written (lab 6) */
}

/*
 * ipc_pobj_create: see kref.h.  The kernel's reference has no rights:
 * it only keeps the object alive while the process lives.
 */
struct ipc_obj *ipc_pobj_create(struct ipc_proc *target)
{
    struct ipc_obj *o = ipc_obj_new(target->ns, IPC_KIND_PROC);

    if (o) {
        o->target = target;
        count(o, 0, +1);
    }
    return o;
}

/*
 * ipc_pobj_ended: see kref.h.
 */
void ipc_pobj_ended(struct ipc_obj *o)
{
    o->target = NULL;
    ipc_kref_drop(o, 0);
}

/*
 * ipc_pobj_target: see kref.h.  The checks in the order of spec/abi.md
 * (kill): the handle, its right, then whether the process still lives.
 */
int ipc_pobj_target(struct ipc_proc *p, uint32_t slot, uint32_t right,
                    struct ipc_proc **target)
{
    struct ipc_handle *h = ipc_handle_of(p, slot, IPC_KIND_PROC);

    *target = NULL;
    if (!h)
        return IPC_EBADF;
    if ((h->rights & right) != right)
        return IPC_EACCES;
    if (!h->obj->target)
        return IPC_ESRCH;
    *target = h->obj->target;
    return 0;
}

/*
 * ipc_kobj_create: see kref.h.
 */
struct ipc_obj *ipc_kobj_create(struct ipc_ns *ns, enum ipc_kind kind)
{
    struct ipc_obj *o = ipc_obj_new(ns, kind);

    if (o)
        count(o, 0, +1);
    return o;
}

/*
 * ipc_kgive: see kref.h.
 */
int ipc_kgive(struct ipc_obj *o, uint32_t rights, uint32_t badge,
              struct ipc_proc *to)
{
    if (to->nheld == IPC_HANDLES_MAX)
        return -IPC_EMFILE;
    return ipc_install(to, o, rights, badge);
}

/*
 * ipc_kcopy: see kref.h.
 */
int ipc_kcopy(struct ipc_proc *from, uint32_t slot, uint32_t badge,
              struct ipc_proc *to)
{
    struct ipc_handle *h = &from->handles[slot];

    if (to->nheld == IPC_HANDLES_MAX)
        return -IPC_EMFILE;
    return ipc_derive(to, h, h->rights, badge ? badge : h->badge);
}
