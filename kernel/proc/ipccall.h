/*
 * ipccall.h: the IPC host calls of module "wisp" (kernel/proc/ipccall.c),
 * for hostcall.c's table.  proc_ipc_wake, the IPC layer's wake hook of
 * every process, is declared in proc.h.
 */
#ifndef WISP_IPCCALL_H
#define WISP_IPCCALL_H

#include "proc/hostcall.h"
#include "proc/oracle.h"

/* ipccall_finish: the result of an IPC operation of p's that returned r:
 * r, or if it is IPC_BLOCKED, the result left in p->ipc once its
 * completion woke p (p->ipc.got holds what p received); HOST_KILLED if a
 * kill ended the wait.  Sleeps p's thread meanwhile. */
uint32_t ipccall_finish(struct proc *p, int r);

/* proc_ipc_woke: what proc_ipc_wake records of a wake besides waking p's
 * thread: in the IPC oracle's test kernel, its log of wakes; else
 * nothing.  The fast path calls it for the wake it held (ipcfast.h). */
static inline void proc_ipc_woke(struct proc *p)
{
#ifdef IPC_ORACLE
    oracle_woke(p->pid);
#else
    (void)p;
#endif
}

/* ipccall_own: the host function of the IPC call whose implementation
 * is impl, if it has its own (call and reply_recv, the hot path: the
 * trampoline's work inlined into it, host_run); NULL for the others,
 * which hostcall.c's host_tramp runs. */
wasm_host_fn ipccall_own(host_impl impl);

extern const struct host_entry ipc_entries[];
extern const int ipc_nentries;

#endif
