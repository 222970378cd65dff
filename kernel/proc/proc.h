/*
 * proc.h: processes.  A process is one Wasm instance running on one
 * kernel thread, with its own linear memory, a handle table (filled by
 * the IPC layer, later) and a name, pid, state and exit code.  The states
 * and their transitions are in spec/process.md.
 */
#ifndef WISP_PROC_H
#define WISP_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "param.h"
#include "../interp/wasm.h"

struct thread;

enum proc_state {
    PROC_NEW,           /* spawn is building it; not yet started */
    PROC_LIVE,          /* its thread runs Wasm (ready, running or
                           sleeping in a host call: see the thread) */
    PROC_ZOMBIE,        /* ended; its thread is freeing everything */
};

/* The handle table: capabilities for IPC (empty until the IPC issue). */
struct proc_handles {
    int count;
};

// book: struct_proc
struct proc {
    int pid;
    char name[PROC_NAME_MAX];       /* the initrd file, e.g. "hello.wasm" */
    enum proc_state state;
    volatile bool killed;           /* kill asked; the thread stops at the
                                       next safe point or host call */
    int exit_code;
    struct thread *thread;
    struct thread *waiter;          /* a foreground `run`, or NULL */
    wasm_runtime rt;                /* allocator = this process's */
    wasm_module *module;            /* shared: kernel/proc/modcache.c */
    wasm_instance *inst;
    wasm_exec *exec;
    wasm_extern *imports;           /* one per import of the module */
    int argc;
    char **argv;                    /* argv[0] = name; packed after it */
    size_t argbytes;                /* bytes of the strings with NULs */
    size_t heap_bytes;              /* engine objects on the kernel heap */
    size_t heap_peak;               /* the most heap_bytes has been (the
                                       exec's stacks grow as calls need) */
    size_t module_bytes;            /* the compiled module's (shared by
                                       every process of this program) */
    size_t mem_bytes;               /* linear memory mapped */
    struct proc_handles handles;
};
// book: struct_proc

void proc_init(void);               /* host functions; needs kheap_init */
/* proc_spawn: start program `name` from the initrd with argv[0..argc)
 * (argv[0] is replaced by the file name).  Returns the new pid, or -1
 * with a one-line reason in err[0..errlen). */
int proc_spawn(const char *name, int argc, char **argv, char *err,
               size_t errlen);
/* proc_kill: ask process pid to stop; false if there is none. */
bool proc_kill(int pid);
/* proc_wait: wait for process pid to end; a Ctrl-C (0x03) typed on the
 * console meanwhile kills it.  Only the monitor thread calls it. */
void proc_wait(int pid);
bool proc_alive(int pid);
size_t proc_module_bytes(int pid);  /* the compiled module's heap bytes */
size_t proc_heap_bytes(int pid);    /* its engine objects' heap bytes */
size_t proc_last_heap_peak(void);   /* heap_peak of the last one ended */
int proc_count(void);
struct proc *proc_current(void);    /* NULL in a plain kernel thread */
/* proc_foreach: fn(p, arg) for every process in the table. */
void proc_foreach(void (*fn)(struct proc *p, void *arg), void *arg);

/* engine.c */
void proc_runtime_init(struct proc *p);
bool proc_exec_setup(struct proc *p);
void proc_preempt_hook(void *ctx);
void proc_engine_free(struct proc *p);

/* hostcall.c */
/* hostcall_resolve: the host function for import module.name, or NULL
 * (unknown import). */
wasm_func *hostcall_resolve(const char *module, const char *name);
bool hostcall_init(void);

#endif
