/*
 * waitq.h: wait queues, the kernel's only way to block.
 *
 * A thread that must wait for something (a byte typed, a thread to
 * exit, an IPC partner) sleeps on a waitq; whoever makes the condition
 * true wakes it.  Always re-check the condition in a loop:
 *
 *     uint64_t fl = irq_save();        // only if an interrupt handler
 *     while (!condition)               // can change the condition
 *         if (!waitq_sleep(&q))
 *             break;                   // thread_interrupt'ed
 *     irq_restore(fl);
 *
 * Kernel C is never preempted, so between two threads the check and the
 * sleep cannot be separated; only an interrupt handler can slip in
 * between them, which is what the masking above prevents (the "lost
 * wakeup").  Wake functions may be called from interrupt handlers.
 */
#ifndef WISP_WAITQ_H
#define WISP_WAITQ_H

#include <stdbool.h>

struct thread;

/* A queue of sleeping threads, linked through thread->next: a FIFO,
 * unless its sleepers are placed otherwise (waitq_sleep_at). */
struct waitq {
    struct thread *head, *tail;
};

/* Where a sleeper goes on its queue (waitq_sleep_at): waitq_push, or
 * an insertion that keeps the queue in some order.  Interrupts off. */
typedef void (*waitq_place_fn)(struct waitq *q, struct thread *t);

#define WAITQ_INIT { 0, 0 }

void waitq_init(struct waitq *q);
/* waitq_sleep: block the current thread on q until woken.  Returns true
 * when woken by waitq_wake_*, false when thread_interrupt'ed (also at
 * once, without sleeping, if an interrupt was already pending).  The
 * caller's interrupt state (masked or not) is the same on return. */
bool waitq_sleep(struct waitq *q);
/* waitq_sleep_at: waitq_sleep, with the thread put on q by place(q, t)
 * instead of at the tail (the timer keeps its sleepers sorted). */
bool waitq_sleep_at(struct waitq *q, waitq_place_fn place);
void waitq_wake_one(struct waitq *q);   /* its first sleeper, if any */
void waitq_wake_all(struct waitq *q);

/* waitq_empty: no thread waits on q (inline: the scheduler asks it of
 * the run queue on every switch). */
static inline bool waitq_empty(const struct waitq *q)
{
    return q->head == 0;
}

/* Queue primitives for the scheduler, the timer and thread.c; each needs
 * interrupts off.  waitq_wake makes t (sleeping on q) runnable. */
void waitq_push(struct waitq *q, struct thread *t);
struct thread *waitq_pop(struct waitq *q);
bool waitq_remove(struct waitq *q, struct thread *t);
void waitq_wake(struct waitq *q, struct thread *t);

#endif
