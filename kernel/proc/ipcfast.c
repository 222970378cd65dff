/*
 * ipcfast.c: the IPC fast path, in the style of seL4's: the hot path of
 * a client and a server, a call that meets the server waiting in recv
 * or reply_recv and the server's reply_recv that answers it and waits
 * for the next call, goes from one thread to the other in one switch.
 *
 * The slow path is the reference: an operation of ipc/ that completes
 * another process's wait wakes it (proc_ipc_wake puts its thread on the
 * run queue), then the caller, which now waits itself, sleeps
 * (ipccall_finish), and the scheduler takes the first runnable thread.
 * When nothing else was runnable, that is the thread just woken.  The
 * fast path makes that one switch directly: the IPC layer holds back
 * the wake of the operation for it (ipc.h: ipc_hold; the first wake,
 * the only one on this path) and, when
 * the caller blocks and the run queue is empty, hands the CPU to the
 * woken thread with sched_handoff; in every other case it wakes it as
 * the slow path would have, just later, before anything else ran.  The
 * IPC operation is the general one or a specialised one that does what
 * the general one does in its case, field for field (ipc/fast.c), so
 * every result, badge, reply and error is the same; so is the order in
 * which threads run, the new time slice and the count of switches.
 *
 * It applies to messages without a buffer or handles, so that what runs
 * with interrupts masked stays short (the receive half of a reply_recv
 * that finds a sender queued still copies that sender's buffer, at most
 * IPC_MSG_BUF_MAX bytes), and only while ipcfast_on.  In its plain case
 * (ipc/fast.c: a partner already waiting, no error) the operation is
 * the specialised one, which ipccall.c runs on the few words it decodes
 * from the guest; otherwise the general one of ipc/ops.c.
 */
#include "proc/ipcfast.h"

#include "waitq.h"
#include "arch/x86_64/irq.h"
#include "proc/ipccall.h"

bool ipcfast_on = true;

/* ipcfast_begin: see ipcfast.h.  Interrupts are masked from here to the
 * switch, so no interrupt can make a thread runnable between the wake
 * the slow path would have made and the switch. */
bool ipcfast_begin(const struct ipc_msg *m, uint64_t *fl)
{
    if (!ipcfast_on || m->has_buf || m->nhandles != 0)
        return false;
    ipcfast_enter(fl);
    return true;
}

/* ipcfast_leave: see ipcfast.h. */
void ipcfast_leave(uint64_t fl)
{
    (void)ipc_hold_end();
    irq_restore(fl);
}

/* ipcfast_wake_held: see ipcfast.h. */
uint32_t ipcfast_wake_held(struct proc *p, int r, uint64_t fl)
{
    struct ipc_proc *held = ipc_hold.held;

    if (held)
        waitq_wake_all(&((struct proc *)held->owner)->ipc_wq);
    irq_restore(fl);
    return ipccall_finish(p, r);
}
