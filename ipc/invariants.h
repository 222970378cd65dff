/*
 * invariants.h: the invariants of spec/ipc.md checked on the C core's own
 * data structures (model: check_invariants, which checks them on the
 * model's states).  The host runner checks them after every script step,
 * the unit tests after every check, a kernel built with IPC_DEBUG after
 * every IPC host call, and spec-c's exhaustive search in every state.
 */
#ifndef WISP_IPC_INVARIANTS_H
#define WISP_IPC_INVARIANTS_H

#include <stdbool.h>

#include "ipc/ipc.h"

/*
 * The part of the world a check looks at: every process that holds a
 * handle or waits on an object (dead ones too), and the domain whose
 * endpoints and notifications are listed.  exact: only the tables hold
 * references (no kernel references, kref.h), so each object's counters
 * must equal what the tables hold; else they may be larger.
 */
struct ipc_world {
    struct ipc_proc *const *procs;
    int nprocs;
    const struct ipc_ns *ns;
    bool exact;
};

/*
 * A violation: what broke (a sentence of spec/ipc.md's invariants), and
 * the pid and object number it concerns (-1 when none applies).
 */
struct ipc_violation {
    const char *what;
    int pid;
    long obj;
};

/*
 * ipc_check_invariants: whether every invariant holds in w; if one does
 * not, *v says which (the first found).  Reads only; needs every object
 * a handle or a queue names to be live memory (a freed one is what a
 * sanitizer or the domain list check catches).
 */
bool ipc_check_invariants(const struct ipc_world *w, struct ipc_violation *v);

#endif
