/*
 * proc.c: the process table, spawn, exit, kill and wait.
 *
 * spawn builds everything a process needs in the caller's thread (so
 * every failure is reported to the caller as a sentence and nothing is
 * left behind), then starts a detached kernel thread that runs the
 * program's _start.  When the program returns, exits, traps or is
 * killed, that same thread prints one line saying how it ended, frees
 * every engine object, takes the process out of the table and exits;
 * the scheduler frees its stack.  Nothing else ever frees a process.
 * spec/process.md has the states and their transitions.
 */
#include "proc/proc.h"

#include "console.h"
#include "fmt.h"
#include "kprintf.h"
#include "kstring.h"
#include "labtodo.h"
#include "panic.h"
#include "sched.h"
#include "thread.h"
#include "arch/x86_64/irq.h"
#include "ipc/kref.h"
#include "mm/kmalloc.h"
#include "proc/initrd.h"
#include "proc/modcache.h"
#include "proc/proccheck.h"
#include "proc/sysinfo.h"
#include "proc/wasifs.h"

static struct proc *ptable[PROC_MAX];   /* NULL = free slot */
static int next_pid = 1;
static size_t last_heap_peak;           /* of the last process that ended */

/* proc_init: make the host functions.  Needs kheap_init. */
void proc_init(void)
{
    if (!hostcall_init())
        panic("proc: out of memory making the host functions");
    modcache_init();
}

/* proc_current: the process the running thread belongs to, or NULL. */
struct proc *proc_current(void)
{
    return thread_current()->owner;
}

/* proc_find: the process with this pid, or NULL. */
struct proc *proc_find(int pid)
{
    for (int i = 0; i < PROC_MAX; i++)
        if (ptable[i] && ptable[i]->pid == pid)
            return ptable[i];
    return NULL;
}

int proc_next_pid(void)
{
    return next_pid;
}

bool proc_alive(int pid)
{
    return proc_find(pid) != NULL;
}

size_t proc_module_bytes(int pid)
{
    struct proc *p = proc_find(pid);
    return p ? p->module_bytes : 0;
}

size_t proc_heap_bytes(int pid)
{
    struct proc *p = proc_find(pid);
    return p ? p->heap_bytes : 0;
}

size_t proc_last_heap_peak(void)
{
    return last_heap_peak;
}

int proc_count(void)
{
    int n = 0;
    for (int i = 0; i < PROC_MAX; i++)
        n += ptable[i] != NULL;
    return n;
}

/* proc_foreach: see proc.h.  fn must not block. */
void proc_foreach(void (*fn)(struct proc *p, void *arg), void *arg)
{
    for (int i = 0; i < PROC_MAX; i++)
        if (ptable[i])
            fn(ptable[i], arg);
}

/* proc_destroy: free p and everything it holds (any stage of spawn). */
static void proc_destroy(struct proc *p)
{
    if (p->pobj && p->pobj->target)
        ipc_pobj_ended(p->pobj);    /* a spawn that failed half-way */
    wasifs_free(p);
    proc_engine_free(p);
    kfree(p->imports);
    kfree(p->argv);
    kfree(p);
}

/*
 * proc_report: print the one line that says how p ended, and return the
 * exit code for thread_exit.  r is what the run of its code returned:
 *   status WASM_OK (it returned from _start) or WASM_EXITED (proc_exit):
 *       "[pid 4 hello.wasm] exit 0", code 0 or r.exit_code;
 *   p->killed (a kill stopped it; r then says only how it was stopped,
 *   "killed" in a host call, "stopped by embedder" at a safe point,
 *   which is not the news):
 *       "[pid 4 loop.wasm] killed", code 128 + 9;
 *   any other status, a trap:
 *       "[pid 4 oob.wasm] trap: out of bounds memory access in func 3
 *       (write_loop)", code 128 + 6: r.message (for WASM_TRAPPED; any
 *       other status is "paused call cannot continue"), then the index
 *       of the function that was running, r.func_index, and its name
 *       from the module's name section (wasm_module_func_name), in
 *       parentheses, or nothing when the module does not name it.
 * The name is what makes the line useful: a programmer looks for
 * write_loop, not for function 3 of a module they never disassembled.
 */
static int proc_report(struct proc *p, wasm_result r)
{
    // LAB 8: your code here (proc_report)
    LAB_TODO(8, "proc_report");
    kprintf("[pid %d %s] ", p->pid, p->name);
    if (r.status == WASM_OK || r.status == WASM_EXITED) {
        kprintf("exit %d\n", r.status == WASM_OK ? 0 : r.exit_code);
        return r.status == WASM_OK ? 0 : r.exit_code;
    }
    if (p->killed) {
        kprintf("killed\n");
        return 128 + 9;
    }
    kprintf("trap: %s\n", r.status == WASM_TRAPPED ? r.message
            : "paused call cannot continue");
    return 128 + 6;
}

/* proc_unlist: take ended p out of the table and wake its foreground
 * waiter, which sleeps in console_getc (proc_wait); it runs, and sees p
 * gone, once this thread exits. */
static void proc_unlist(struct proc *p)
{
    uint64_t fl = irq_save();
    for (int i = 0; i < PROC_MAX; i++)
        if (ptable[i] == p)
            ptable[i] = NULL;
    proccheck_gone(p);                  /* PROC_DEBUG kernels only */
    if (p->waiter && p->waiter->state == THREAD_SLEEPING)
        thread_interrupt(p->waiter);
    thread_current()->owner = NULL;
    irq_restore(fl);
}

/*
 * proc_release: ended p (a zombie whose end line is printed) gives back
 * everything it holds; its own thread runs this and exits right after.
 * When it returns, nothing of p may be left: no memory, no handle, no
 * place in the table or in a quota; nobody may be left waiting on p;
 * and nothing may still point at p, which is freed last (proc_destroy).
 * Each helper undoes one thing that spawn or the run made:
 *   ipc_exit          its IPC: leaves any queue, closes its handles,
 *                     answers the partners blocked on what only it held
 *                     (a no-op the second time: a kill did it already)
 *   ipc_pobj_ended    its process object, whose kernel reference is
 *                     p->pobj: handles on it now name an ended process
 *   proc_orphans      the processes it started go to its parent
 *   proc_engine_free  its engine objects and linear memory (the memory
 *                     goes back to the quotas)
 *   proc_quota_count  its place in its ancestors' process counts
 *   proc_unlist       its slot in the table (wakes a foreground `run`)
 *   sysinfo_proc_end  its watchers: init, the shell, the file service
 * The order matters wherever one step needs what another takes away:
 * IPC ends first, while p's linear memory is still there (as long as p
 * is in a queue, a receiver may take its message, and the message's
 * buffer is in that memory); p->heap_peak is kept in
 * last_heap_peak (spawncost reads it) before the engine goes; and the
 * watchers hear of the end only once p holds nothing, not even its
 * slot or its place in a quota, because what a watcher does first is
 * start it again.
 */
static void proc_release(struct proc *p)
{
    // LAB 8: your code here (proc_release)
    LAB_TODO(8, "proc_release");
    ipc_exit(&p->ipc);
    ipc_pobj_ended(p->pobj);
    p->pobj = NULL;
    proc_orphans(p);
    proc_quota_count(p, -1);
    proc_unlist(p);
    sysinfo_proc_end(p->pid);
}

// book: proc_end
/* proc_main: the process's thread: run the start function (if any) and
 * _start, close its files, report, give back everything, exit. */
static void proc_main(void *arg)
{
    struct proc *p = arg;
    wasm_func *start = wasm_instance_start(p->inst);
    wasm_extern e;
    wasm_result r = { .status = WASM_OK };
    wasifs_start(p);            /* stdio over IPC if its slots say so */
    if (start && !p->killed)
        r = wasm_call(p->exec, start, NULL, 0);
    wasm_instance_export(p->inst, "_start", &e);
    if (r.status == WASM_OK && !p->killed)
        r = wasm_call(p->exec, e.of.func, NULL, 0);
    if (p->killed)
        r.status = WASM_TRAPPED;
    else
        wasifs_exit(p);         /* close its files while it can call (a
                                   killed one cannot: fs reclaims them) */
    p->state = PROC_ZOMBIE;
    int code = proc_report(p, r);
    proccheck_report(p, code);
    proc_release(p);
    thread_exit(code);
}
// book: proc_end

/* set_args: p->argv = { p->name, argv[1..argc) }, strings packed in one
 * block after the pointers (as WASI's args_get hands them out).  Returns
 * NULL or what is wrong. */
static const char *set_args(struct proc *p, int argc, char **argv)
{
    size_t bytes = strlen(p->name) + 1;
    for (int i = 1; i < argc; i++)
        bytes += strlen(argv[i]) + 1;
    if (bytes > PROC_ARGS_MAX)
        return "arguments too long (PROC_ARGS_MAX)";
    p->argc = argc < 1 ? 1 : argc;
    p->argv = kmalloc(sizeof(char *) * (size_t)p->argc + bytes);
    if (!p->argv)
        return "out of memory";
    char *s = (char *)(p->argv + p->argc);
    for (int i = 0; i < p->argc; i++) {
        const char *a = i == 0 ? p->name : argv[i];
        p->argv[i] = s;
        s += strlcpy(s, a, bytes) + 1;
    }
    p->argbytes = bytes;
    return NULL;
}

/* Load and link failures as "<kind> at offset 0x..: <message>". */
static void load_error(char *err, size_t n, const wasm_error *we)
{
    static const char *const kinds[] = {
        [WASM_ERR_NONE] = "error", [WASM_ERR_MALFORMED] = "malformed module",
        [WASM_ERR_INVALID] = "invalid module", [WASM_ERR_LINK] = "link error",
        [WASM_ERR_TRAP] = "instantiation trap",
        [WASM_ERR_NOMEM] = "out of memory", [WASM_ERR_LIMIT] = "over a limit",
    };
    unsigned k = (unsigned)we->kind <= WASM_ERR_LIMIT ? we->kind : 0;
    fmt_snprintf(err, n, "%s at offset 0x%x: %s", kinds[k], we->offset,
                 we->message);
}

/*
 * link: p->imports, one host function per import of p->module.  Returns
 * NULL or the reason (an import the kernel does not provide, or memory).
 */
static const char *link(struct proc *p, char *err, size_t n)
{
    uint32_t count = wasm_module_import_count(p->module);
    p->imports = kzalloc(sizeof *p->imports * (count ? count : 1));
    if (!p->imports)
        return "out of memory";
    for (uint32_t i = 0; i < count; i++) {
        wasm_extern_desc d;
        wasm_module_import(p->module, i, &d);
        wasm_func *f = d.kind == WASM_EXTERN_FUNC
                           ? hostcall_resolve(d.module, d.name) : NULL;
        if (!f) {
            fmt_snprintf(err, n, "unknown import: %s.%s", d.module, d.name);
            return err;
        }
        p->imports[i].kind = WASM_EXTERN_FUNC;
        p->imports[i].of.func = f;
    }
    return NULL;
}

/*
 * build: load, link and instantiate p's program f, make its exec.
 * Returns NULL or the reason, which may be written into err[0..n).
 */
static const char *build(struct proc *p, const struct initrd_file *f,
                         char *err, size_t n)
{
    wasm_error we;
    wasm_extern e;
    const char *why;
    p->module = modcache_get(f, &p->module_bytes, &we);
    if (!p->module) {
        load_error(err, n, &we);
        return err;
    }
    if ((why = link(p, err, n)) != NULL)
        return why;
    p->inst = wasm_instantiate(&p->rt, p->module, p->imports,
                               wasm_module_import_count(p->module), &we);
    if (!p->inst) {
        load_error(err, n, &we);
        return err;
    }
    if (!wasm_instance_export(p->inst, "_start", &e) ||
        e.kind != WASM_EXTERN_FUNC)
        return "no exported function _start (not a WASI command)";
    if (!proc_exec_setup(p))
        return "out of memory";
    return NULL;
}

/* free_slot: an empty process-table slot, or -1. */
static int free_slot(void)
{
    for (int i = 0; i < PROC_MAX; i++)
        if (!ptable[i])
            return i;
    return -1;
}

/*
 * spawn_room: 0 if parent (NULL: the kernel) may start one more process
 * now, else the errno with the reason in err: EAGAIN when the table is
 * full, or when only the last PROC_RESERVED slots are free and they are
 * not parent's to take (they are init's, so that init can always start
 * a service again); EDQUOT when parent or an ancestor has its quota of
 * processes.
 */
static int spawn_room(const struct proc *parent, char *err, size_t errlen)
{
    int left = PROC_MAX - proc_count();
    if (left == 0 || (left <= PROC_RESERVED && parent && !parent->reserve)) {
        fmt_snprintf(err, errlen, "too many processes (PROC_MAX%s)",
                     left ? "; the last PROC_RESERVED are init's" : "");
        return PROC_EAGAIN;
    }
    if (proc_quota_room(parent) != 0) {
        fmt_snprintf(err, errlen, "over the quota of processes of pid %d "
                     "or its parents (wisp.limit)", parent->pid);
        return PROC_EDQUOT;
    }
    return 0;
}

/* make_code: the errno of a failed build whose reason is err. */
static int make_code(const char *err)
{
    if (strncmp(err, "out of memory", 13) == 0)
        return PROC_ENOMEM;
    return strncmp(err, "over a limit", 12) == 0 ? PROC_EDQUOT : PROC_EINVAL;
}

/* proc_make: a new process running program f for parent (thread
 * created, IPC state and process object made, not yet listed), or NULL
 * with the reason in err and the errno in *code. */
static struct proc *proc_make(struct proc *parent,
                              const struct initrd_file *f, int argc,
                              char **argv, char *err, size_t errlen,
                              int *code)
{
    const char *why;
    struct proc *p = kzalloc(sizeof *p);
    if (!p)
        why = "out of memory";
    else {
        strlcpy(p->name, f->name, sizeof p->name);
        p->parent = parent;
        proc_quota_init(p);
        proc_runtime_init(p);
        ipc_proc_init(&p->ipc, &ipc_kernel_ns, 0, proc_ipc_mem,
                      proc_ipc_wake, p);
        if (!(why = set_args(p, argc, argv)) &&
            !(why = build(p, f, err, errlen)) &&
            (!(p->pobj = ipc_pobj_create(&p->ipc)) ||
             !(p->thread = thread_create(p->name, proc_main, p))))
            why = "out of memory";
    }
    if (!why)
        return p;
    if (why != err)
        fmt_snprintf(err, errlen, "%s", why);
    *code = make_code(err);
    if (p)
        proc_destroy(p);
    return NULL;
}

/* proc_spawn: see proc.h. */
int proc_spawn(const char *name, int argc, char **argv, char *err,
               size_t errlen)
{
    return proc_spawn_by(NULL, name, argc, argv, err, errlen);
}

/* proc_spawn_by: see proc.h.  Runs in the caller's thread; the new
 * process's thread runs when the caller next blocks or yields. */
int proc_spawn_by(struct proc *parent, const char *name, int argc,
                  char **argv, char *err, size_t errlen)
{
    const struct initrd_file *f = initrd_find(name);
    int code;
    struct proc *p;
    if (!f) {
        fmt_snprintf(err, errlen, "no such program in the initrd (try ls)");
        return -PROC_ENOENT;
    }
    if ((code = spawn_room(parent, err, errlen)) != 0)
        return -code;
    if (!(p = proc_make(parent, f, argc, argv, err, errlen, &code)))
        return -code;
    p->pid = p->ipc.pid = next_pid++;
    p->state = PROC_LIVE;
    p->thread->owner = p;
    sched_set_preempt_hook(p->thread, proc_preempt_hook, p);
    ptable[free_slot()] = p;
    proc_quota_count(p, +1);
    proccheck_spawn(p);
    thread_detach(p->thread);
    return p->pid;
}

/* stop: ask live p to stop.  It ends at its next safe point, or at
 * once if it sleeps in a host call. */
static void stop(struct proc *p)
{
    if (p->state != PROC_LIVE)
        return;
    p->killed = true;
    proccheck_stop(p);
    ipc_exit(&p->ipc);          /* partners get EPIPE now */
    wasm_exec_interrupt(p->exec);
    thread_interrupt(p->thread);
}

/* kill_one: proc_kill's walk: stop p if it descends from root (so a
 * program cannot outrun its killer by spawning: the whole subtree is
 * stopped before any of it runs again). */
static void kill_one(struct proc *p, void *root)
{
    if (proc_descends(p, root))
        stop(p);
}

/* proc_kill: see proc.h. */
bool proc_kill(int pid)
{
    struct proc *p = proc_find(pid);
    if (!p)
        return false;
    proccheck_kill(pid, true);
    proc_foreach(kill_one, p);
    proccheck_kill_done();
    return true;
}

/* proc_kill_one: see proc.h. */
bool proc_kill_one(int pid)
{
    struct proc *p = proc_find(pid);
    if (p) {
        proccheck_kill(pid, false);
        stop(p);
        proccheck_kill_done();
    }
    return p != NULL;
}

/* proc_wait: see proc.h.  Sleeps reading the console; the process's
 * end interrupts that sleep (proc_main). */
void proc_wait(int pid)
{
    struct proc *p = proc_find(pid);
    if (!p)
        return;
    p->waiter = thread_current();
    while (proc_alive(pid)) {
        if (console_getc() == 0x03) {
            kprintf("^C\n");
            proc_kill(pid);
        }
    }
}
