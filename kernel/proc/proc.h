/*
 * proc.h: processes.  A process is one Wasm instance running on one
 * kernel thread, with its own linear memory, its IPC state and handle
 * table (struct ipc_proc, ipc/ipc.h) and a name, pid, state and exit
 * code.  The states and their transitions are in spec/process.md.
 */
#ifndef WISP_PROC_H
#define WISP_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "param.h"
#include "waitq.h"
#include "../interp/wasm.h"
#include "ipc/ipc.h"

struct thread;
struct wasifs;

enum proc_state {
    PROC_NEW,           /* spawn is building it; not yet started */
    PROC_LIVE,          /* its thread runs Wasm (ready, running or
                           sleeping in a host call: see the thread) */
    PROC_ZOMBIE,        /* ended; its thread is freeing everything */
};

/* What a process and everything it started (its descendants) may hold
 * at once, and hold now (tree.c).  A spawn or a memory.grow must fit the
 * quota of the process and of every ancestor. */
struct proc_quota {
    int procs_max, procs;           /* live descendants */
    size_t mem_max, mem;            /* linear memory, its own and theirs */
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
    struct ipc_proc ipc;            /* IPC state and handle table; its
                                       owner is this struct proc */
    struct waitq ipc_wq;            /* its thread sleeps here while
                                       blocked in IPC (ipccall.c) */
    struct wasifs *wasifs;          /* WASI over IPC (wasifs.h), or NULL */
    struct ipc_obj *pobj;           /* its process object (spawn hands
                                       the spawner a handle to it) */
    struct proc *parent;            /* who spawned it; NULL for the
                                       kernel's (init, the monitor's run) */
    bool reserve;                   /* may take the table's last
                                       PROC_RESERVED slots (init) */
    struct proc_quota quota;        /* limits of it and its descendants */
};
// book: struct_proc

/* proc_spawn's errors (WASI errno numbers, as the spawn host call's) */
#define PROC_EDQUOT 19      /* over a limit: the spawner's quota, or a
                               memory or table larger than PROC_* */
#define PROC_EAGAIN 6       /* the process table is full */
#define PROC_EINVAL 28      /* the module does not load or link; args */
#define PROC_ENOENT 44      /* no such program in the initrd */
#define PROC_ENOMEM 48      /* kernel memory exhausted */

void proc_init(void);               /* host functions; needs kheap_init */
/* proc_spawn: start program `name` from the initrd with argv[0..argc)
 * (argv[0] is replaced by the file name), with an empty handle table.
 * Returns the new pid, or minus a WASI errno with a one-line reason in
 * err[0..errlen) (-PROC_E*, above).  The new process
 * runs when the caller next blocks or yields, so the caller may still
 * give it handles (ipc_give). */
int proc_spawn(const char *name, int argc, char **argv, char *err,
               size_t errlen);
/* proc_spawn_by: proc_spawn for process parent (NULL: the kernel): the
 * child is parent's, counts in its quota and every ancestor's
 * (PROC_EDQUOT when one is full), inherits parent's limits, and may not
 * take the last PROC_RESERVED slots unless parent->reserve. */
int proc_spawn_by(struct proc *parent, const char *name, int argc,
                  char **argv, char *err, size_t errlen);
/* proc_kill: ask process pid and every process it started (its
 * descendants) to stop; false if there is no pid.  Their IPC ends at
 * once (ipc_exit): partners blocked on them get EPIPE now, even if their
 * threads have yet to reach a safe point. */
bool proc_kill(int pid);
/* proc_kill_one: as proc_kill, for process pid alone (the monitor's
 * `kill`): what it started outlives it, as after an exit. */
bool proc_kill_one(int pid);
/* proc_wait: wait for process pid to end; a Ctrl-C (0x03) typed on the
 * console meanwhile kills it.  Only the monitor thread calls it. */
void proc_wait(int pid);
bool proc_alive(int pid);           /* a process with this pid lives */
struct proc *proc_find(int pid);    /* the live process pid, or NULL */
int proc_next_pid(void);            /* the next pid: every pid below it
                                       has been used (pids never repeat) */
size_t proc_module_bytes(int pid);  /* the compiled module's heap bytes */
size_t proc_heap_bytes(int pid);    /* its engine objects' heap bytes */
size_t proc_last_heap_peak(void);   /* heap_peak of the last one ended */
int proc_count(void);               /* live processes */
struct proc *proc_current(void);    /* NULL in a plain kernel thread */
/* proc_foreach: fn(p, arg) for every process in the table. */
void proc_foreach(void (*fn)(struct proc *p, void *arg), void *arg);

/* tree.c: the process tree and its quotas */
/* proc_descends: q is a or a descendant of a. */
bool proc_descends(const struct proc *q, const struct proc *a);
/* proc_quota_init: p's limits: its parent's, or with none the whole
 * machine's (PROC_MAX processes, no memory limit). */
void proc_quota_init(struct proc *p);
/* proc_quota_room: 0 if p and every ancestor can have one descendant
 * more, else PROC_EDQUOT. */
int proc_quota_room(const struct proc *p);
/* proc_quota_count: d (+1 or -1) descendants more for p's ancestors. */
void proc_quota_count(struct proc *p, int d);
/* proc_quota_mem: charge delta bytes of linear memory (negative: give
 * back) to p and its ancestors; false, changing nothing, if that would
 * take one over its mem_max. */
bool proc_quota_mem(struct proc *p, long long delta);
/* proc_orphans: p is ending: every process it started goes to p's
 * parent (keeping its place in the quotas). */
void proc_orphans(struct proc *p);

/* engine.c */
void proc_runtime_init(struct proc *p);
void *proc_ipc_mem(struct ipc_proc *ip, uint32_t off, uint32_t len);
bool proc_exec_setup(struct proc *p);
void proc_preempt_hook(void *ctx);
void proc_engine_free(struct proc *p);

/* ipccall.c */
void proc_ipc_wake(struct ipc_proc *ip);

/* hostcall.c */
/* hostcall_resolve: the host function for import module.name, or NULL
 * (unknown import). */
wasm_func *hostcall_resolve(const char *module, const char *name);
bool hostcall_init(void);

#endif
