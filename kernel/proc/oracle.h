/*
 * oracle.h: the test kernel's "wisptest" host calls (kernel/proc/
 * oracle.c), built only with IPC_ORACLE: what the oracle program
 * (spec/ipc/oracle/oracle.c) needs to drive IPC scripts through the real
 * system calls of real processes and print their traces (spec/ipc.md,
 * "The oracle through the system calls").  A normal kernel has none of
 * this: the oracle's module does not even link there.
 */
#ifndef WISP_ORACLE_H
#define WISP_ORACLE_H

#ifdef IPC_ORACLE
#include "proc/hostcall.h"

#define ORACLE_PROCS_MAX 8          /* workers one script may have */
#define ORACLE_WAKES_MAX 64         /* wakes one step may log */
#define ORACLE_BOX_MAX 256          /* bytes of a command or a report */
#define ORACLE_DEVS_MAX 8           /* console devices one script may make */

/* oracle_woke: proc_ipc_woke's note that pid's blocked operation was
 * completed by another's (logged in order, for the trace's wake lines). */
void oracle_woke(int pid);

extern const struct host_entry oracle_entries[];
extern const int oracle_nentries;
#endif

#endif
