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
 * held back for ipcfast_finish: ipc.h, ipc_hold); false: the slow path,
 * nothing done. */
bool ipcfast_begin(const struct ipc_msg *m, uint64_t *fl);

/* ipcfast_enter: what ipcfast_begin does once the fast path applies,
 * for an operation the caller has already found to qualify (the
 * specialised ones of ipc/fast.c): interrupts masked, *fl their flags,
 * the first wake held back.  ipcfast_finish or ipcfast_leave ends it.
 * Inline: it is on every round trip's path. */
static inline void ipcfast_enter(uint64_t *fl)
{
    *fl = irq_save();
    ipc_hold_begin();
}

/* ipcfast_leave: end what ipcfast_enter began when the operation did
 * nothing after all (IPC_FAST_NO: no wake was held); interrupts as in
 * fl. */
void ipcfast_leave(uint64_t fl);

/* ipcfast_wake_held: the end of ipcfast_finish when there is no
 * handoff: the process whose wake was held (ipc_hold.held, which
 * proc_ipc_woke already noted), if any, woken as the slow path would
 * have woken it, interrupts as in fl, then ipccall_finish(p, r). */
uint32_t ipcfast_wake_held(struct proc *p, int r, uint64_t fl);

/* ipcfast_finish: ipccall_finish(p, r) for an operation that started
 * with ipcfast_begin or ipcfast_enter (fl its flags): the process it
 * woke runs at once if p blocks and no other thread is runnable.  After
 * a handoff p runs again because its partner answered (or a kill woke
 * it): the common case, answered and not killed, returns the result at
 * once, as ipccall_finish would.  Inline, so that on the round trip's
 * path it costs no frame of its own.  The held wake is noted
 * (proc_ipc_woke) when the hold ends, before anything else can wake: in
 * the order the slow path's hook would have noted it.  Nothing but p
 * and fl is needed after the switch (a refused handoff finds the held
 * process in ipc_hold again), so nothing else is kept across it. */
static inline uint32_t ipcfast_finish(struct proc *p, int r, uint64_t fl)
{
    struct ipc_proc *held = ipc_hold_end();
    struct proc *woken;

    if (!held)
        return ipcfast_wake_held(p, r, fl);
    woken = held->owner;
    proc_ipc_woke(woken);
    if (r != IPC_BLOCKED)
        return ipcfast_wake_held(p, r, fl);
    if (!sched_handoff(&woken->ipc_wq, &p->ipc_wq))
        return ipcfast_wake_held(p, IPC_BLOCKED, fl);
    irq_restore(fl);
    if (p->ipc.state == IPC_RUNNING && !p->killed) {
        ipcdebug_check("after an IPC host call");
        return (uint32_t)p->ipc.result;
    }
    return ipccall_finish(p, IPC_BLOCKED);
}

#endif
