/*
 * ipcfast.h: the IPC fast path (kernel/proc/ipcfast.c): a call that
 * wakes a waiting server, and a reply_recv that wakes its caller and
 * then waits, switch straight to the thread they wake.
 */
#ifndef WISP_IPCFAST_H
#define WISP_IPCFAST_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc/ipc.h"
#include "sched.h"
#include "arch/x86_64/irq.h"
#include "proc/ipccall.h"
#include "proc/ipcdebug.h"
#include "proc/proc.h"

/* ipcfast_on: whether call and reply_recv take the fast path (the
 * monitor's `ipcfast on|off`; on at boot).  Either way every result is
 * the same: the fast path is an optimisation only (spec/ipc.md). */
extern bool ipcfast_on;

/* ipcfast_begin: before the operation of a call or reply_recv that
 * sends m: true if the fast path applies (then interrupts are masked,
 * *fl holds the flags, and the first process the operation wakes is
 * held back for ipcfast_finish); false: the slow path, nothing done. */
bool ipcfast_begin(const struct ipc_msg *m, uint64_t *fl);
/* The fast path's state from ipcfast_enter to ipcfast_finish (or
 * ipcfast_leave): ipcfast_holding, whether the first wake is held back,
 * and ipcfast_held, the process whose wake was, or NULL.  Only the
 * functions of this header and of ipcfast.c touch them. */
extern bool ipcfast_holding;
extern struct proc *ipcfast_held;

/* ipcfast_enter: what ipcfast_begin does once the fast path applies,
 * for an operation the caller has already found to qualify (the
 * specialised ones of ipc/fast.c): interrupts masked, *fl their flags,
 * the first wake held back.  ipcfast_finish or ipcfast_leave ends it.
 * Inline, as ipcfast_hold: both are on every round trip's path. */
static inline void ipcfast_enter(uint64_t *fl)
{
    *fl = irq_save();
    ipcfast_holding = true;
    ipcfast_held = NULL;
}

/* ipcfast_leave: end what ipcfast_enter began when the operation did
 * nothing after all (IPC_FAST_NO: no wake was held); interrupts as in
 * fl. */
void ipcfast_leave(uint64_t fl);
/* ipcfast_release: wake the held process (its thread on the run
 * queue), now that a second wake came in the same operation; it is no
 * longer held, nor is any later wake of this operation. */
void ipcfast_release(void);

/* ipcfast_hold: proc_ipc_wake's first step: true if p's wake is held
 * back for ipcfast_finish (the caller does nothing more).  A second
 * wake in one operation (none on the paths taken here, but the rule is
 * general) first wakes the held one, so threads reach the run queue in
 * the slow path's order. */
static inline bool ipcfast_hold(struct proc *p)
{
    if (!ipcfast_holding)
        return false;
    if (ipcfast_held) {
        ipcfast_release();
        return false;
    }
    ipcfast_held = p;
    return true;
}

/* ipcfast_wake_held: the end of ipcfast_finish when there is no
 * handoff: the held process, if any, woken as the slow path would have
 * woken it, interrupts as in fl, then ipccall_finish(p, r). */
uint32_t ipcfast_wake_held(struct proc *p, int r, uint64_t fl);

/* ipcfast_finish: ipccall_finish(p, r) for an operation that started
 * with ipcfast_begin or ipcfast_enter (fl its flags): the process it
 * woke runs at once if p blocks and no other thread is runnable.  After
 * a handoff p runs again because its partner answered (or a kill woke
 * it): the common case, answered and not killed, returns the result at
 * once, as ipccall_finish would.  Inline, so that on the round trip's
 * path it costs no frame of its own.  (ipcfast_held stays as it is:
 * NULL if it was released, and the next ipcfast_enter clears it.) */
static inline uint32_t ipcfast_finish(struct proc *p, int r, uint64_t fl)
{
    struct proc *woken = ipcfast_held;

    ipcfast_holding = false;
    if (!woken || r != IPC_BLOCKED ||
        !sched_handoff(&woken->ipc_wq, &p->ipc_wq))
        return ipcfast_wake_held(p, r, fl);
    irq_restore(fl);
    if (p->ipc.state == IPC_RUNNING && !p->killed) {
        ipcdebug_check("after an IPC host call");
        return (uint32_t)p->ipc.result;
    }
    return ipccall_finish(p, r);
}

#endif
