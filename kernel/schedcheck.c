/*
 * schedcheck.c: the scheduler's invariant on the kernel's own queues and
 * the trace of its transitions (schedcheck.h), in a kernel built with
 * SCHED_DEBUG.
 *
 * Every hook records one event in a ring (SCHEDTRACE_EVENTS); the
 * monitor's `schedtrace` prints the events since the last dump and then
 * the place of every thread, taken at the same instant as the last
 * event, so spec/sched/model.py can replay the events and compare its
 * state with the kernel's.  At every switch schedcheck_switch checks the
 * invariant on the real queues and panics if it is broken, printing the
 * undumped events first: the model then shows where the trace went
 * wrong.  `schedtrace plant` plants a known bug (the next thread to
 * sleep is also left on the run queue) to show that both checks catch
 * it.
 */
#ifdef SCHED_DEBUG
#include "schedcheck.h"

#include <stdint.h>

#include "kprintf.h"
#include "kstring.h"
#include "panic.h"
#include "param.h"
#include "thread.h"
#include "waitq.h"
#include "arch/x86_64/irq.h"

struct event {
    char op;                /* N I X R B W F: see record's callers */
    char st;                /* B: 'S' sleeping, 'Z' zombie */
    int a, b;               /* tids */
    int pos;                /* B S: where on the queue it went */
    uint64_t q;             /* the queue's address */
};

/* A thread's place in a state dump. */
struct place {
    int tid;
    const char *where;      /* run ready wait dead idle lost */
    uint64_t q;
    int pos;
};

static struct event ring[SCHEDTRACE_EVENTS];
static uint64_t nwritten, nread;        /* event sequence numbers */
static const struct waitq *runq;
static struct thread *idle;
static struct thread *running;
static bool planted;
static struct place snap[SCHEDTRACE_THREADS];
static int nsnap;
static bool snap_full;

/* record: append an event (interrupt-safe: hooks run in both). */
static void record(char op, int a, int b, char st, const void *q, int pos)
{
    uint64_t fl = irq_save();
    struct event *e = &ring[nwritten++ % SCHEDTRACE_EVENTS];
    *e = (struct event){ op, st, a, b, pos, (uint64_t)q };
    irq_restore(fl);
}

/* index_in: t's index on q, -1 if absent; -2 if q is longer than every
 * thread there is (a cycle: a corrupted queue). */
static int index_in(const struct waitq *q, const struct thread *t)
{
    size_t steps = 0;
    for (const struct thread *p = q->head; p; p = p->next, steps++) {
        if (steps > thread_count())
            return -2;
        if (p == t)
            return (int)steps;
    }
    return -1;
}

/* count_in: how many times t is on q (a cycle counts as 2). */
static int count_in(const struct waitq *q, const struct thread *t)
{
    int n = 0;
    size_t steps = 0;
    for (const struct thread *p = q->head; p; p = p->next) {
        if (++steps > thread_count() + 1)
            return 2;
        n += p == t;
    }
    return n;
}

void schedcheck_init(struct thread *boot, struct thread *idle_thread,
                     const struct waitq *run_queue)
{
    runq = run_queue;
    idle = idle_thread;
    running = boot;
    record('I', idle->tid, 0, 0, 0, 0);
    record('X', 0, boot->tid, 0, 0, 0);
}

void schedcheck_new(struct thread *t)
{
    record('N', t->tid, 0, 0, 0, 0);
}

void schedcheck_free(struct thread *t)
{
    record('F', t->tid, 0, 0, 0, 0);
}

void schedcheck_push(const struct waitq *q, struct thread *t)
{
    if (q == runq)
        record('R', t->tid, 0, 0, 0, 0);
}

void schedcheck_wake(const struct waitq *q, struct thread *t)
{
    record('W', t->tid, 0, 0, q, 0);
}

void schedcheck_block(struct thread *t, int state)
{
    if (state == THREAD_ZOMBIE) {
        record('B', t->tid, 0, 'Z', 0, 0);
        return;
    }
    const struct waitq *q = t->waiting_on;
    record('B', t->tid, 0, 'S', q, q ? index_in(q, t) : -1);
    if (planted) {                  /* the planted bug: also ready */
        planted = false;
        waitq_push((struct waitq *)runq, t);
    }
}

/* A check's findings: the first broken rule, about which thread. */
struct verdict {
    struct thread *next;
    const char *what;
    const struct thread *who;
    size_t runnable;                /* threads that belong on the queue */
};

/* check_one: the invariant for one thread (thread_foreach callback). */
static void check_one(struct thread *t, void *arg)
{
    struct verdict *v = arg;
    int on_runq = count_in(runq, t);
    const char *bad = 0;
    if (t == v->next) {
        if (t->state != THREAD_RUNNING || on_runq || t->waiting_on)
            bad = "the running thread is also queued";
    } else if (t == idle) {
        if (on_runq)
            bad = "the idle thread is on the run queue";
    } else if (t->state == THREAD_RUNNABLE) {
        v->runnable++;
        if (on_runq != 1 || t->waiting_on)
            bad = on_runq ? "a runnable thread is on the run queue twice"
                          : "a runnable thread is on no queue";
    } else if (t->state == THREAD_SLEEPING) {
        if (on_runq)
            bad = "a sleeping thread is also on the run queue";
        else if (!t->waiting_on || count_in(t->waiting_on, t) != 1)
            bad = "a sleeping thread is not once on its wait queue";
    } else if (t->state == THREAD_ZOMBIE) {
        if (on_runq || t->waiting_on)
            bad = "a dead thread is still queued";
    } else {
        bad = "a thread is running but is not the current thread";
    }
    if (bad && !v->what) {
        v->what = bad;
        v->who = t;
    }
}

/* place_of: where the kernel's queues put t, for a dump. */
static struct place place_of(struct thread *t)
{
    struct place p = { t->tid, "lost", 0, 0 };
    int i = index_in(runq, t);
    if (t == running)
        p.where = "run";
    else if (t == idle)
        p.where = "idle";
    else if (i >= 0)
        p.where = "ready", p.pos = i;
    else if (t->state == THREAD_SLEEPING && t->waiting_on) {
        p.where = "wait";
        p.q = (uint64_t)t->waiting_on;
        p.pos = index_in(t->waiting_on, t);
    } else if (t->state == THREAD_ZOMBIE)
        p.where = "dead";
    return p;
}

/* snap_one: add t's place to the dump (thread_foreach callback). */
static void snap_one(struct thread *t, void *arg)
{
    (void)arg;
    if (nsnap < SCHEDTRACE_THREADS)
        snap[nsnap++] = place_of(t);
    else
        snap_full = true;
}

/* dump: print the events up to `upto` and the snapshot, as
 * spec/sched/model.py reads them. */
static void dump(uint64_t upto)
{
    uint64_t lost = upto - nread > SCHEDTRACE_EVENTS ?
                    upto - nread - SCHEDTRACE_EVENTS : 0;
    kprintf("schedtrace: begin idle=%d runq=%lx lost=%lu\n", idle->tid,
            (uint64_t)runq, lost);
    for (uint64_t s = nread + lost; s < upto; s++) {
        const struct event *e = &ring[s % SCHEDTRACE_EVENTS];
        switch (e->op) {
        case 'X':
            kprintf("E X %d %d\n", e->a, e->b);
            break;
        case 'W':
            kprintf("E W %d %lx\n", e->a, e->q);
            break;
        case 'B':
            if (e->st == 'S')
                kprintf("E B %d S %lx %d\n", e->a, e->q, e->pos);
            else
                kprintf("E B %d Z\n", e->a);
            break;
        default:
            kprintf("E %c %d\n", e->op, e->a);
        }
    }
    nread = upto;
    for (int i = 0; i < nsnap; i++) {
        const struct place *p = &snap[i];
        if (p->q)
            kprintf("T %d %s %lx %d\n", p->tid, p->where, p->q, p->pos);
        else
            kprintf("T %d %s %d\n", p->tid, p->where, p->pos);
    }
    kprintf("schedtrace: end%s\n", snap_full ? " (threads left out)" : "");
}

/* take_snapshot: every thread's place, now.  Interrupts off. */
static void take_snapshot(void)
{
    nsnap = 0;
    snap_full = false;
    thread_foreach(snap_one, 0);
}

void schedcheck_switch(struct thread *prev, struct thread *next)
{
    record('X', prev->tid, next->tid, 0, 0, 0);
    running = next;
    struct verdict v = { next, 0, 0, 0 };
    thread_foreach(check_one, &v);
    size_t queued = 0;
    for (const struct thread *p = runq->head; p && queued <= thread_count();
         p = p->next)
        queued++;
    if (!v.what && queued != v.runnable)
        v.what = "the run queue holds a thread that is not runnable";
    if (!v.what)
        return;
    take_snapshot();
    dump(nwritten);
    if (v.who)
        panic("scheduler invariant broken at switch %d -> %d: %s "
              "(thread %d, %s)", prev->tid, next->tid, v.what, v.who->tid,
              v.who->name);
    panic("scheduler invariant broken at switch %d -> %d: %s", prev->tid,
          next->tid, v.what);
}

/* schedcheck_cmd: `schedtrace` dumps the trace; `schedtrace plant`
 * plants the bug described at the top of this file. */
void schedcheck_cmd(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "plant") == 0) {
        planted = true;
        kprintf("schedtrace: planted: the next thread to sleep stays on "
                "the run queue\n");
        return;
    }
    if (argc != 1) {
        kprintf("usage: schedtrace [plant]\n");
        return;
    }
    uint64_t fl = irq_save();
    uint64_t upto = nwritten;
    take_snapshot();
    irq_restore(fl);
    dump(upto);
}
#endif
