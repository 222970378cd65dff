/*
 * ipcdebug.c: the IPC invariants on the kernel's state (ipcdebug.h), in a
 * kernel built with IPC_DEBUG.  The world is every process of the table
 * and the kernel's numbering domain; not exact, because the kernel holds
 * references of its own (kref.h: process objects, watch notifications,
 * the console device), which the counters include and no table shows.
 */
#ifdef IPC_DEBUG
#include "proc/ipcdebug.h"

#include "ipc/invariants.h"
#include "panic.h"
#include "param.h"
#include "proc/proc.h"

static struct ipc_proc *world[PROC_MAX];
static int nworld;
static unsigned long nchecks;

/* ipcdebug_checks: see ipcdebug.h. */
unsigned long ipcdebug_checks(void)
{
    return nchecks;
}

/* gather: one more process of the table. */
static void gather(struct proc *p, void *arg)
{
    (void)arg;
    if (nworld < PROC_MAX)
        world[nworld++] = &p->ipc;
}

/* ipcdebug_check: see ipcdebug.h.  Interrupts never touch IPC state and
 * kernel C is not preempted, so the state cannot change under it. */
void ipcdebug_check(const char *where)
{
    struct ipc_violation v;

    nworld = 0;
    proc_foreach(gather, NULL);
    struct ipc_world w = { world, nworld, &ipc_kernel_ns, false };
    if (!ipc_check_invariants(&w, &v))
        panic("IPC invariant broken %s: %s (pid %d, object %ld)", where, v.what,
              v.pid, v.obj);
    nchecks++;
}
#endif
