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
/* ipcfast_enter: what ipcfast_begin does once the fast path applies,
 * for an operation the caller has already found to qualify (the
 * specialised ones of ipc/fast.c): interrupts masked, *fl their flags,
 * the first wake held back.  ipcfast_finish or ipcfast_leave ends it. */
void ipcfast_enter(uint64_t *fl);
/* ipcfast_leave: end what ipcfast_enter began when the operation did
 * nothing after all (IPC_FAST_NO: no wake was held); interrupts as in
 * fl. */
void ipcfast_leave(uint64_t fl);
/* ipcfast_hold: proc_ipc_wake's first step: true if p's wake is held
 * back for ipcfast_finish (the caller does nothing more). */
bool ipcfast_hold(struct proc *p);
/* ipcfast_finish: ipccall_finish(p, r) for an operation that started
 * with ipcfast_begin (fl its flags): the process it woke runs at once
 * if p blocks and no other thread is runnable. */
uint32_t ipcfast_finish(struct proc *p, int r, uint64_t fl);

#endif
