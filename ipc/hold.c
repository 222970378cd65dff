/*
 * hold.c: holding a wake (ipc.h: ipc_hold).  The state is one per IPC
 * layer, not per process: operations run one at a time (ipc.h), and a
 * hold lasts from before an operation to just after it.
 */
#include "ipc/ipc.h"

struct ipc_hold ipc_hold;

/* ipc_hold_release: see ipc.h. */
void ipc_hold_release(void)
{
    struct ipc_proc *first = ipc_hold.held;

    ipc_hold.on = false;
    ipc_hold.held = NULL;
    first->wake(first);
}
