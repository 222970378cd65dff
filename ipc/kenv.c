/*
 * kenv.c: the IPC core's environment in the kernel: its objects come
 * from the kernel heap.  Host programs (tests, bench) provide their own
 * ipc_alloc/ipc_free instead (calloc/free), so this file is kernel-only.
 */
#include "ipc/ipc.h"
#include "mm/kmalloc.h"

#ifdef IPC_ORACLE
/* The test kernel's allocation-failure switch (kernel/proc/oracle.c):
 * while positive, each allocation fails and counts it down, so the
 * ENOMEM paths run on demand. */
int ipc_alloc_failures;
#endif

/* ipc_alloc: zeroed kernel memory, or NULL when the heap is exhausted. */
void *ipc_alloc(size_t bytes)
{
#ifdef IPC_ORACLE
    if (ipc_alloc_failures > 0) {
        ipc_alloc_failures--;
        return NULL;
    }
#endif
    return kzalloc(bytes);
}

/* ipc_free: give back a block from ipc_alloc. */
void ipc_free(void *block)
{
    kfree(block);
}
