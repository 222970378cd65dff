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

// book: pcmd_run
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
// book: pcmd_run

/* pcmd_kill: kill PID. */
void pcmd_kill(int argc, char **argv)
{
    int pid = argc == 2 ? parse_pid(argv[1]) : -1;
    if (argc != 2)
        kprintf("usage: kill PID   (ps lists the pids)\n");
    else if (pid < 0)
        kprintf("kill: '%s' is not a pid (a positive number)\n", argv[1]);
    else if (!proc_kill(pid))
        kprintf("kill: no process %d\n", pid);
}

/* ps_state: what a process is doing, from its state and its thread's. */
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
    case THREAD_SLEEPING: return "sleeping";
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

/* pcmd_spawncost: placeholder until the measurement lands. */
void pcmd_spawncost(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("spawncost: not yet\n");
}
