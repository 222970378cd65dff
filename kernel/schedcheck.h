/*
 * schedcheck.h: the scheduler's invariant, checked on the kernel's own
 * queues, and a trace of every scheduler transition, in a kernel built
 * with SCHED_DEBUG (make ... SCHED_DEBUG=1; make test builds one,
 * build/kdebug/debug.iso).  In the normal kernel every hook below is an
 * empty inline function: nothing is compiled in.
 *
 * The invariant (spec/sched.md): at every switch each thread is in
 * exactly one place: running (the one CPU's current thread), on the run
 * queue (once), on one wait queue (once, the one it names in
 * waiting_on), dead (a zombie, on no queue), or, for the idle thread
 * alone, parked (never queued).  The trace's events are replayed by
 * spec/sched/model.py, which checks the same invariant on its own state
 * and compares it with the kernel's state dump (`schedtrace`).
 */
#ifndef WISP_SCHEDCHECK_H
#define WISP_SCHEDCHECK_H

#include <stdbool.h>

struct thread;
struct waitq;

#ifdef SCHED_DEBUG
/* schedcheck_init: the boot thread runs, idle is parked, runq is the run
 * queue; recording starts.  Called once, by sched_init. */
void schedcheck_init(struct thread *boot, struct thread *idle,
                     const struct waitq *runq);
void schedcheck_new(struct thread *t);          /* t registered */
void schedcheck_free(struct thread *t);         /* t reaped */
/* schedcheck_push: t appended to q (recorded when q is the run queue). */
void schedcheck_push(const struct waitq *q, struct thread *t);
/* schedcheck_wake: t taken off wait queue q (waitq_remove). */
void schedcheck_wake(const struct waitq *q, struct thread *t);
/* schedcheck_block: the running thread t stops with state (SLEEPING on
 * t->waiting_on, or ZOMBIE).  Interrupts off. */
void schedcheck_block(struct thread *t, int state);
/* schedcheck_switch: schedule() chose next to follow prev (maybe the
 * same); checks the invariant, and panics, printing the trace, if it
 * does not hold.  Interrupts off, before the switch. */
void schedcheck_switch(struct thread *prev, struct thread *next);
/* schedcheck_cmd: the monitor's `schedtrace [plant]` (monitor.c). */
void schedcheck_cmd(int argc, char **argv);
#else
static inline void schedcheck_init(struct thread *boot, struct thread *idle,
                                   const struct waitq *runq)
{
    (void)boot, (void)idle, (void)runq;
}
static inline void schedcheck_new(struct thread *t) { (void)t; }
static inline void schedcheck_free(struct thread *t) { (void)t; }
static inline void schedcheck_push(const struct waitq *q, struct thread *t)
{
    (void)q, (void)t;
}
static inline void schedcheck_wake(const struct waitq *q, struct thread *t)
{
    (void)q, (void)t;
}
static inline void schedcheck_block(struct thread *t, int state)
{
    (void)t, (void)state;
}
static inline void schedcheck_switch(struct thread *prev, struct thread *next)
{
    (void)prev, (void)next;
}
#endif

#endif
