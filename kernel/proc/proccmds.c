/*
 * proccmds.c: the monitor's process commands: ls, run, ps, kill, and
 * spawncost (what `make bench` reads).
 */
#include "proc/proccmds.h"

#include "kprintf.h"
#include "kstring.h"
#include "thread.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "proc/initrd.h"
#include "proc/proc.h"

/* pcmd_ls: the initrd's files and their sizes. */
void pcmd_ls(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (int i = 0; i < initrd_count(); i++)
        kprintf("  %-24s %8u bytes\n", initrd_get(i)->name,
                initrd_get(i)->size);
    kprintf("%d files\n", initrd_count());
}

/* parse_pid: argument s as a positive decimal pid, or -1. */
static int parse_pid(const char *s)
{
    int v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v > 0 ? v : -1;
}

/*
 * pcmd_run: run NAME [args...] [&].  Without "&" the monitor waits for
 * the program (Ctrl-C kills it); with it, the monitor says the pid and
 * comes straight back.
 */
void pcmd_run(int argc, char **argv)
{
    char err[160];
    bool bg = argc > 1 && strcmp(argv[argc - 1], "&") == 0;
    if (bg)
        argv[--argc] = NULL;
    if (argc < 2) {
        kprintf("usage: run NAME [args...] [&]   (ls lists the programs)\n");
        return;
    }
    int pid = proc_spawn(argv[1], argc - 1, argv + 1, err, sizeof err);
    if (pid < 0) {
        kprintf("run: %s: %s\n", argv[1], err);
        return;
    }
    if (bg)
        kprintf("[pid %d] started in the background\n", pid);
    else
        proc_wait(pid);
}

/* pcmd_kill: kill PID, and wait until it has ended (its "killed" line
 * comes before the next prompt).  The operator's precise tool: that
 * process alone (proc_kill_one); what it started goes to its parent. */
void pcmd_kill(int argc, char **argv)
{
    int pid = argc == 2 ? parse_pid(argv[1]) : -1;
    if (argc != 2)
        kprintf("usage: kill PID   (ps lists the pids)\n");
    else if (pid < 0)
        kprintf("kill: '%s' is not a pid (a positive number)\n", argv[1]);
    else if (!proc_kill_one(pid))
        kprintf("kill: no process %d\n", pid);
    else
        proc_wait(pid);
}

/* ps_state: what a process is doing, from its state and its thread's;
 * a process asleep in IPC says where (recv, call, reply, wait, ...). */
static const char *ps_state(const struct proc *p)
{
    if (p->state == PROC_NEW)
        return "new";
    if (p->state == PROC_ZOMBIE)
        return "zombie";
    if (p->killed)
        return "killed";
    switch (p->thread->state) {
    case THREAD_RUNNING: return "running";
    case THREAD_RUNNABLE: return "ready";
    case THREAD_SLEEPING:
        return p->ipc.state == IPC_RUNNING ? "sleeping"
                                           : ipc_state_name(p->ipc.state);
    default: return "ending";
    }
}

/* ps_line: one row of ps. */
static void ps_line(struct proc *p, void *arg)
{
    (void)arg;
    kprintf("  %4d %-20s %-9s %7zu %7zu %8lu\n", p->pid, p->name,
            ps_state(p), p->mem_bytes / 1024, p->heap_bytes / 1024,
            p->thread->cpu_ticks);
}

/* pcmd_ps: pid, name, state, linear memory, engine heap, CPU ticks. */
void pcmd_ps(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("  %4s %-20s %-9s %7s %7s %8s\n", "PID", "NAME", "STATE",
            "MEM(K)", "HEAP(K)", "TICKS");
    proc_foreach(ps_line, NULL);
    kprintf("%d processes\n", proc_count());
}

/* rdtsc: the time-stamp counter (guest instructions under QEMU's
 * -icount shift=0). */
static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* heap_in_use: bytes of the kernel heap handed out now. */
static size_t heap_in_use(void)
{
    struct kheap_stats st;
    kheap_get_stats(&st);
    return st.bytes_in_use;
}

static void spawn_second(const char *name, size_t grew, uint64_t first_cycles);

/*
 * pcmd_spawncost: spawncost [N [NAME]]: spawn NAME (default hello) N
 * times (default 10), one after the other, and print the mean cycles of
 * proc_spawn alone and of spawn-to-reaped, and the kernel bytes one
 * process holds beyond its linear memory: its heap blocks (the compiled
 * module among them) plus its thread's stack; then the same for a second
 * process of the program started while a first one runs, and what that
 * one holds at its peak (the exec's stacks grow as the program's calls
 * need, so a process ends up holding more than it spawned with).
 */
void pcmd_spawncost(int argc, char **argv)
{
    int n = argc > 1 ? parse_pid(argv[1]) : 10;
    const char *name = argc > 2 ? argv[2] : "hello";
    char err[160];
    uint64_t spawn = 0, life = 0;
    size_t heap = 0, module = 0, grew = 0;
    if (n < 1 || n > 1000 || argc > 3) {
        kprintf("usage: spawncost [N (1..1000) [NAME]]\n");
        return;
    }
    for (int i = 0; i < n; i++) {
        size_t h0 = heap_in_use();
        uint64_t t0 = rdtsc();
        int pid = proc_spawn(name, 1, (char **)&name, err, sizeof err);
        uint64_t t1 = rdtsc();
        if (pid < 0) {
            kprintf("spawncost: %s: %s\n", name, err);
            return;
        }
        heap = heap_in_use() - h0;
        module = proc_module_bytes(pid);
        size_t engine = proc_heap_bytes(pid);
        proc_wait(pid);
        if (proc_last_heap_peak() > engine)
            grew = proc_last_heap_peak() - engine;
        spawn += t1 - t0;
        life += rdtsc() - t0;
    }
    kprintf("spawncost: %s x%d: spawn %lu cycles, spawn to reaped %lu "
            "cycles (means)\n", name, n, spawn / (uint64_t)n,
            life / (uint64_t)n);
    kprintf("spawncost: kernel bytes per process: %zu = heap %zu "
            "(module %zu, the rest %zu) + thread stack %d\n",
            heap + THREAD_STACK_SIZE, heap, module, heap - module,
            THREAD_STACK_SIZE);
    spawn_second(name, grew, spawn / (uint64_t)n);
}

/* spawn_second: the bytes a second process of `name` costs while a first
 * one runs (it shares the first one's compiled module), when spawned and
 * at its peak (`grew`: how much a process's engine heap grew as it ran);
 * and the cycles of that spawn, which finds the module compiled (the
 * module cache, proc/modcache.c): `first` minus that is what compiling
 * the module cost, reported per byte of the .wasm file. */
static void spawn_second(const char *name, size_t grew, uint64_t first_cycles)
{
    char err[160];
    int first = proc_spawn(name, 1, (char **)&name, err, sizeof err);
    size_t h0 = heap_in_use();
    uint64_t t0 = rdtsc();
    int second = proc_spawn(name, 1, (char **)&name, err, sizeof err);
    uint64_t cached = rdtsc() - t0;
    size_t heap = heap_in_use() - h0;
    if (first > 0)
        proc_wait(first);
    if (second > 0)
        proc_wait(second);
    if (first < 0 || second < 0)
        kprintf("spawncost: %s: %s\n", name, err);
    else {
        kprintf("spawncost: a second process of the same program: %zu = "
                "heap %zu + thread stack %d\n", heap + THREAD_STACK_SIZE,
                heap, THREAD_STACK_SIZE);
        kprintf("spawncost: ... at its peak: %zu (its stacks grew by %zu "
                "while it ran)\n", heap + THREAD_STACK_SIZE + grew, grew);
        const struct initrd_file *f = initrd_find(name);
        uint64_t size = f ? f->size : 0;
        uint64_t compile = first_cycles > cached ? first_cycles - cached : 0;
        kprintf("spawncost: cached spawn %lu cycles; compiling %lu bytes "
                "of module %lu cycles (%lu per byte)\n", cached, size,
                compile, size ? compile / size : 0);
    }
}
