/*
 * proccheck.c: the process life cycle's invariants on the process table
 * and the trace of its transitions (proccheck.h), in a kernel built with
 * PROC_DEBUG.
 *
 * Each hook records one event in a ring (PROCTRACE_EVENTS); the
 * monitor's `proctrace` prints the events since the last dump, then
 * every process of the table (pid, parent, kill, quota) and the memory
 * counters (heap bytes in use, free frames), as spec/proc/model.py
 * reads them.  After every spawn and every end proccheck_verify checks
 * the table and panics, printing the undumped events first, if it is
 * wrong.  `proctrace plant` plants a known bug: the next process to end
 * hands its children to nobody, so they name a parent that is gone.
 */
#ifdef PROC_DEBUG
#include "proc/proccheck.h"

#include <stdint.h>

#include "kprintf.h"
#include "kstring.h"
#include "panic.h"
#include "param.h"
#include "arch/x86_64/irq.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "proc/proc.h"

struct event {
    char op;                /* S K k T R A G: see the hooks */
    int a, b;               /* pids (or a code) */
};

static struct event ring[PROCTRACE_EVENTS];
static uint64_t nwritten, nread;
static bool planted;

/* record: append an event.  Hooks run in thread context; the mask keeps
 * the ring whole should that ever change. */
static void record(char op, int a, int b)
{
    uint64_t fl = irq_save();
    ring[nwritten++ % PROCTRACE_EVENTS] = (struct event){ op, a, b };
    irq_restore(fl);
}

/* A walk over the table: the processes seen, and the first thing wrong. */
struct walk {
    struct proc *all[PROC_MAX];
    int n;
    const char *what;
    int pid;
};

static void gather(struct proc *p, void *arg)
{
    struct walk *w = arg;
    if (w->n < PROC_MAX)
        w->all[w->n++] = p;
}

static bool listed(const struct walk *w, const struct proc *p)
{
    for (int i = 0; i < w->n; i++)
        if (w->all[i] == p)
            return true;
    return false;
}

/* wrong: note the first broken rule. */
static void wrong(struct walk *w, const char *what, const struct proc *p)
{
    if (!w->what) {
        w->what = what;
        w->pid = p->pid;
    }
}

/* check_one: the rules for process p of the walk. */
static void check_one(struct walk *w, struct proc *p)
{
    int below = 0;
    size_t mem = p->mem_bytes;
    if (p->pid <= 0 || p->pid >= proc_next_pid())
        wrong(w, "a pid not handed out yet", p);
    if (p->parent && !listed(w, p->parent))
        wrong(w, "its parent is not in the table (an orphan not handed up)",
              p);
    for (int i = 0; i < w->n; i++) {
        struct proc *q = w->all[i];
        if (q != p && q->pid == p->pid)
            wrong(w, "two processes have the same pid", p);
        if (q != p && proc_descends(q, p))
            below++;
        if (q->parent == p)
            mem += q->quota.mem;
    }
    if (p->quota.procs != below)
        wrong(w, "its quota does not count exactly its descendants", p);
    if (p->quota.mem != mem)
        wrong(w, "its memory quota is not its memory and its children's",
              p);
}

static void dump(uint64_t upto, struct walk *w);

/* proccheck_verify: the invariants over the whole table; panic, after
 * printing the trace, naming the first that is broken. */
static void proccheck_verify(const char *when, int pid)
{
    static struct walk w;
    w.n = 0;
    w.what = 0;
    proc_foreach(gather, &w);
    for (int i = 0; i < w.n && !w.what; i++) {
        struct proc *p = w.all[i];
        if (p->parent && !listed(&w, p->parent)) {
            wrong(&w, "its parent is not in the table (an orphan not "
                  "handed up)", p);
            break;          /* the parent's memory is not to be read */
        }
    }
    for (int i = 0; i < w.n && !w.what; i++)
        check_one(&w, w.all[i]);
    if (!w.what)
        return;
    const char *what = w.what;
    int bad = w.pid;
    dump(nwritten, 0);
    panic("process invariant broken after %s of pid %d: pid %d: %s", when,
          pid, bad, what);
}

void proccheck_spawn(struct proc *p)
{
    record('S', p->pid, p->parent ? p->parent->pid : 0);
    proccheck_verify("the spawn", p->pid);
}

void proccheck_kill(int pid, bool tree)
{
    record('K', pid, tree);
}

void proccheck_kill_done(void)
{
    record('k', 0, 0);
}

void proccheck_stop(struct proc *p)
{
    record('T', p->pid, 0);
}

void proccheck_report(struct proc *p, int code)
{
    record('R', p->pid, code);
}

void proccheck_adopt(struct proc *q, struct proc *parent)
{
    record('A', q->pid, parent ? parent->pid : 0);
}

void proccheck_gone(struct proc *p)
{
    record('G', p->pid, 0);
    proccheck_verify("the end", p->pid);
}

bool proccheck_skip_orphans(void)
{
    bool skip = planted;
    planted = false;
    return skip;
}

/* dump: the events up to `upto`, then (with a walk) the table and the
 * memory counters.  A panic's dump has no walk: the table is suspect. */
static void dump(uint64_t upto, struct walk *w)
{
    uint64_t lost = upto - nread > PROCTRACE_EVENTS ?
                    upto - nread - PROCTRACE_EVENTS : 0;
    kprintf("proctrace: begin next=%d lost=%lu\n", proc_next_pid(), lost);
    for (uint64_t s = nread + lost; s < upto; s++) {
        const struct event *e = &ring[s % PROCTRACE_EVENTS];
        if (e->op == 'k')
            kprintf("E k\n");
        else
            kprintf("E %c %d %d\n", e->op, e->a, e->b);
    }
    nread = upto;
    if (w) {
        struct kheap_stats hs;
        kheap_get_stats(&hs);
        for (int i = 0; i < w->n; i++) {
            const struct proc *p = w->all[i];
            kprintf("P %d %d %d %d %lu %lu\n", p->pid,
                    p->parent ? p->parent->pid : 0, p->killed ? 1 : 0,
                    p->quota.procs, (uint64_t)p->quota.mem,
                    (uint64_t)p->mem_bytes);
        }
        kprintf("M %lu %lu\n", (uint64_t)hs.bytes_in_use,
                (uint64_t)pmm_free_frames());
    }
    kprintf("proctrace: end\n");
}

/* proccheck_cmd: `proctrace` dumps; `proctrace plant` plants the bug. */
void proccheck_cmd(int argc, char **argv)
{
    static struct walk w;
    if (argc == 2 && strcmp(argv[1], "plant") == 0) {
        planted = true;
        kprintf("proctrace: planted: the next process to end hands its "
                "children to nobody\n");
        return;
    }
    if (argc != 1) {
        kprintf("usage: proctrace [plant]\n");
        return;
    }
    w.n = 0;
    proc_foreach(gather, &w);       /* the table cannot change here */
    dump(nwritten, &w);
}
#endif
