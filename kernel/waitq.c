/*
 * waitq.c: wait queues.  A waitq is a FIFO of threads linked through
 * thread->next (the timer keeps its sleep queue sorted instead); the
 * scheduler's run queue is one too.  Every function masks interrupts
 * for the few instructions that change a queue, because the timer and
 * serial interrupt handlers wake threads.
 */
#include "waitq.h"

#include "panic.h"
#include "sched.h"
#include "schedcheck.h"
#include "thread.h"
#include "arch/x86_64/irq.h"

/* waitq_init: an empty queue (a zeroed struct waitq is one too). */
void waitq_init(struct waitq *q)
{
    q->head = q->tail = 0;
}

/* waitq_push: append t to q.  Needs interrupts off; t on no queue. */
void waitq_push(struct waitq *q, struct thread *t)
{
    waitq_append(q, t);
    schedcheck_push(q, t);
}

/* waitq_pop: remove and return q's first thread, NULL if empty.  Needs
 * interrupts off. */
struct thread *waitq_pop(struct waitq *q)
{
    struct thread *t = q->head;
    if (t) {
        q->head = t->next;
        if (!q->head)
            q->tail = 0;
        t->next = 0;
    }
    return t;
}

/* waitq_remove: take t out of q wherever it is; false if it was not
 * there.  Needs interrupts off. */
bool waitq_remove(struct waitq *q, struct thread *t)
{
    struct thread *prev = 0;
    for (struct thread *p = q->head; p; prev = p, p = p->next) {
        if (p != t)
            continue;
        if (prev)
            prev->next = t->next;
        else
            q->head = t->next;
        if (q->tail == t)
            q->tail = prev;
        t->next = 0;
        schedcheck_wake(q, t);
        return true;
    }
    return false;
}

/*
 * waitq_sleep_at: put the current thread on q where place(q, t) puts it
 * and run others until a waitq_wake_* (returns true) or thread_interrupt
 * (returns false) makes it runnable again.  A pending thread_interrupt
 * makes it return false without sleeping.  Interrupts are masked from
 * the check of the pending interrupt to the switch, and restored to the
 * caller's state after.
 */
bool waitq_sleep_at(struct waitq *q, waitq_place_fn place)
{
    uint64_t fl = irq_save();
    struct thread *t = thread_current();
    if (!t)
        panic("waitq_sleep before sched_init");
    bool woken = false;
    if (!t->interrupted) {
        t->waiting_on = q;
        place(q, t);
        sched_block(THREAD_SLEEPING);
        woken = !t->intr_woken;     /* who made us runnable? */
    }
    if (!woken)
        t->interrupted = t->intr_woken = false;     /* consumed */
    irq_restore(fl);
    return woken;
}

/* waitq_sleep: waitq_sleep_at the tail of q (first come, first woken). */
bool waitq_sleep(struct waitq *q)
{
    return waitq_sleep_at(q, waitq_push);
}

/* waitq_wake: make t, which sleeps on q, runnable.  Needs interrupts
 * off. */
void waitq_wake(struct waitq *q, struct thread *t)
{
    if (waitq_remove(q, t)) {
        t->waiting_on = 0;
        sched_ready(t);
    }
}

/* waitq_wake_one: wake the first thread on q (on a FIFO, the one that
 * has slept longest), if any.  Callable from interrupt handlers. */
void waitq_wake_one(struct waitq *q)
{
    uint64_t fl = irq_save();
    if (q->head)
        waitq_wake(q, q->head);
    irq_restore(fl);
}

/* waitq_wake_all: wake every thread sleeping on q.  Callable from
 * interrupt handlers. */
void waitq_wake_all(struct waitq *q)
{
    uint64_t fl = irq_save();
    while (q->head)
        waitq_wake(q, q->head);
    irq_restore(fl);
}
