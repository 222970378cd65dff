/*
 * hostcall.h: what the host calls of kernel/proc/ share: the result
 * codes, guest-memory access, and the functions of each import module.
 *
 * A host call's implementation returns a WASI errno (0 = success), which
 * the guest receives as its i32 result, or one of the two HOST_* codes
 * below, which end the process instead.  Every guest pointer goes through
 * host_mem (or, for IPC's buffers, proc_ipc_mem), which checks it against
 * the caller's linear memory with host_range.
 */
#ifndef WISP_HOSTCALL_H
#define WISP_HOSTCALL_H

#include <stddef.h>
#include <stdint.h>

#include "labtodo.h"
#include "proc/proc.h"

#define HOST_FAULT 0xffffffffu      /* a bad pointer: trap "bad host-call
                                       pointer" */
#define HOST_KILLED 0xfffffffeu     /* killed while blocked: trap "killed" */

/* The WASI errno values the kernel returns (WASI's numbering). */
enum {
    WASI_ESUCCESS = 0, WASI_EBADF = 8, WASI_EINVAL = 28, WASI_ENOSYS = 52,
    WASI_ENOTSUP = 58, WASI_ESPIPE = 70,
};

typedef uint32_t (*host_impl)(struct proc *p, wasm_host_call *c);

/* One host function: import module and name, signature ("params:results",
 * i = i32, I = i64) and implementation (NULL: proc_exit, which
 * hostcall.c's exit_tramp runs).  hostcall.c's host_tramp runs the
 * implementation, except for the few calls so hot that the trampoline's
 * call level counts: those have their own host function, made with
 * host_run (ipccall.h: ipccall_own). */
struct host_entry {
    const char *module;
    const char *name;
    const char *sig;
    host_impl impl;
};

/*
 * host_range: a kernel pointer to bytes [off, off + len) of linear memory
 * mem, or NULL if any byte of the range lies outside the memory's
 * wasm_memory_size(mem) bytes, or if mem is NULL (a program without a
 * memory).  The guest chose off (any u32) and often len too: len may be
 * a guest's count times an element size, up to 2^38, and may be 0, when
 * the range is inside if it starts inside or just at the end ([size,
 * size) is, [size + 1, size + 1) is not).  The check must hold for
 * every value: no sum in it may wrap (a range that wraps past 2^32 or
 * 2^64 ends "before" it starts).  Every pointer a host call or IPC
 * follows into a program's memory comes from here (host_mem,
 * proc_ipc_mem): it is the kernel's half of isolation, where the
 * engine's own bounds checks on loads and stores end.  Inline: a round
 * trip of IPC runs it six times, and inlined the checks of one call
 * share the load of the size and lose a call and return each.
 */
static inline void *host_range(wasm_memory *mem, uint32_t off,
                               uint64_t len)
{
    // LAB 8: your code here (host_range)
    LAB_TODO(8, "host_range");
    (void)len;
    if (!mem || off > wasm_memory_size(mem))
        return NULL;
    return wasm_memory_data(mem) + off;
}

void *host_mem(wasm_host_call *c, uint32_t off, uint64_t len);
uint32_t host_put32(wasm_host_call *c, uint32_t off, uint32_t v);
uint32_t host_put64(wasm_host_call *c, uint32_t off, uint64_t v);
/* host_arg32 / host_arg64: argument i (an i32 or i64 parameter), read
 * in the interpreter's slots: every host function is a raw one
 * (hostcall.c: host_tramp). */
static inline uint32_t host_arg32(const wasm_host_call *c, int i)
{
    return (uint32_t)c->slots[i];
}

static inline uint64_t host_arg64(const wasm_host_call *c, int i)
{
    return c->slots[i];
}

/*
 * host_run: a host call of implementation impl from the program of
 * process c->exec_ctx (engine.c makes it the hook's context): the
 * trampoline's work, inline, so that a call's own host function (see
 * host_entry) is host_run with a constant impl, which the compiler
 * inlines.  impl's result goes back as the i32 the guest sees, in slot
 * 0; HOST_FAULT and HOST_KILLED become a trap that ends the process.  A
 * killed process's calls do nothing: they trap "killed" (its IPC has
 * ended already: proc_kill).
 */
static inline wasm_status host_run(wasm_host_call *c, host_impl impl)
{
    struct proc *p = c->exec_ctx;
    uint32_t r = p->killed ? HOST_KILLED : impl(p, c);
    if (r == HOST_FAULT || r == HOST_KILLED) {
        c->trap_message = r == HOST_FAULT ? "bad host-call pointer"
                                          : "killed";
        return WASM_TRAPPED;
    }
    c->slots[0] = r;
    return WASM_OK;
}

uint64_t host_now_ns(void);
/* host_pause: what a host call does between two chunks of work whose
 * size a guest chose (HOST_CHUNK bytes of output, ...): HOST_KILLED if
 * p has been killed, else 0 after letting the other threads run if p's
 * time slice is over.  So no host call runs unbounded in the kernel. */
uint32_t host_pause(struct proc *p);

/* wasi.c: the wasi_snapshot_preview1 table. */
extern const struct host_entry wasi_entries[];
extern const int wasi_nentries;

#endif
