/*
 * kref.h: the kernel's own references to IPC objects.
 *
 * Some kernel services hold an object the way a process holds a handle:
 * the console device (kernel/proc/consdev.c) is a notification the
 * kernel signals when serial input arrives, and wisp.watch
 * (kernel/proc/sysinfo.c) keeps a notification to signal when a process
 * ends.  A kernel reference counts as a handle for the last-handle rules
 * of spec/ipc.md: while the kernel holds a notification with `s`, its
 * waiters are not woken with EPIPE for want of a signaller, and the
 * object is not freed.  Dropping the last reference applies the same
 * rules a close does.  Same environment as ipc.h: thread context, no
 * locks, no sleeping.
 */
#ifndef WISP_IPC_KREF_H
#define WISP_IPC_KREF_H

#include <stdint.h>

#include "ipc/ipc.h"

/* ipc_obj_of: the endpoint or notification p's slot names, if the slot
 * is an open handle of that kind holding every bit of rights; NULL
 * otherwise (also for a reply handle). */
struct ipc_obj *ipc_obj_of(struct ipc_proc *p, uint32_t slot,
                           enum ipc_kind kind, uint32_t rights);

/* ipc_kntfn_create: a new notification in domain ns (word 0) whose only
 * holder is the kernel, with a reference of `rights`; NULL when out of
 * memory. */
struct ipc_obj *ipc_kntfn_create(struct ipc_ns *ns, uint32_t rights);
/* ipc_kref_hold: one more kernel reference to o with rights (the bits
 * count as a handle's: s for a signaller, r for a receiver). */
void ipc_kref_hold(struct ipc_obj *o, uint32_t rights);
/* ipc_kref_drop: give back a reference ipc_kref_hold or
 * ipc_kntfn_create took (the same rights).  The last-handle rules apply;
 * o may be freed. */
void ipc_kref_drop(struct ipc_obj *o, uint32_t rights);

/* ipc_notify: signal notification o from the kernel: the oldest waiter
 * wakes with word = bits, or with none, word |= bits.  bits != 0. */
void ipc_notify(struct ipc_obj *o, uint32_t bits);

/* ---- process objects ----------------------------------------------------
 * The kernel makes one per process (kernel/proc/proc.c) and holds a
 * reference to it, with no rights, until the process ends; handles to it
 * (spawn gives the spawner one with IPC_R_KILL) may outlive the process:
 * they then name an ended process, and ipc_pobj_target says ESRCH. */

/* ipc_pobj_create: a new process object naming target, held by the
 * kernel only; NULL when out of memory. */
struct ipc_obj *ipc_pobj_create(struct ipc_proc *target);
/* ipc_pobj_ended: o's process has ended: o names nobody from now on, and
 * the kernel drops its reference (o is freed if no handle names it). */
void ipc_pobj_ended(struct ipc_obj *o);
/* ipc_pobj_target: the process p's handle slot names, if the slot is an
 * open process handle with every bit of right: 0 and *target set; else
 * IPC_EBADF (no process handle), IPC_EACCES (a right it lacks) or
 * IPC_ESRCH (its process has ended), *target NULL. */
int ipc_pobj_target(struct ipc_proc *p, uint32_t slot, uint32_t right,
                    struct ipc_proc **target);

/* ipc_kobj_create: a new unnumbered object of kind (IPC_KIND_IO) held
 * by the kernel only, with a reference of no rights that it never
 * drops (the kernel's devices live as long as it does); NULL when out
 * of memory. */
struct ipc_obj *ipc_kobj_create(struct ipc_ns *ns, enum ipc_kind kind);

/* ipc_kgive: a handle naming o with rights and badge in to's lowest free
 * slot (how the kernel hands init the console device).  Returns the slot,
 * or -IPC_EMFILE with the table full.  to must be running. */
int ipc_kgive(struct ipc_obj *o, uint32_t rights, uint32_t badge,
              struct ipc_proc *to);

/* ipc_kcopy: a copy of from's handle slot (open, not a reply handle)
 * with its rights and badge `badge` (0: its own), derived from it (a
 * revoke of it takes the copy back), in to's lowest free slot: how spawn
 * hands a child the handles it lists.  Returns the slot, or -IPC_EMFILE
 * with to's table full.  to must be running. */
int ipc_kcopy(struct ipc_proc *from, uint32_t slot, uint32_t badge,
              struct ipc_proc *to);

#endif
