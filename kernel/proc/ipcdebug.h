/*
 * ipcdebug.h: spec/ipc.md's invariants checked on the kernel's own IPC
 * state after every IPC host call, in a kernel built with IPC_DEBUG
 * (make IPC_DEBUG=1 ...); nothing at all in the normal kernel.
 */
#ifndef WISP_PROC_IPCDEBUG_H
#define WISP_PROC_IPCDEBUG_H

#ifdef IPC_DEBUG
/* ipcdebug_check: panic, naming what broke and `where`, if an invariant
 * (ipc/invariants.h) does not hold over every process in the table. */
void ipcdebug_check(const char *where);
/* ipcdebug_checks: how many checks have passed since boot (ipcstat). */
unsigned long ipcdebug_checks(void);
#else
static inline void ipcdebug_check(const char *where)
{
    (void)where;
}
#endif

#endif
