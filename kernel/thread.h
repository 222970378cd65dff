/*
 * thread.h: kernel threads.  Each has its own kernel stack (with an
 * unmapped guard page below it) and a saved context; all share the one
 * kernel address space.  A Wasm process (kernel/proc/) is one thread
 * whose owner field points at the process.
 */
#ifndef WISP_THREAD_H
#define WISP_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "param.h"
#include "waitq.h"

enum thread_state {
    THREAD_RUNNABLE,        /* on the run queue, waiting for the CPU */
    THREAD_RUNNING,         /* the current thread */
    THREAD_SLEEPING,        /* on a wait queue or the timer's sleep list */
    THREAD_ZOMBIE,          /* exited; its stack is freed when reaped */
};

// book: struct_thread
struct thread {
    char name[THREAD_NAME_MAX];
    int tid;                        /* unique, never reused */
    enum thread_state state;
    uint64_t ksp;                   /* saved %rsp while switched out */
    void *kstack_top;               /* from vm_stack_alloc, NULL for the
                                       boot thread (static stack) */
    uint64_t cpu_ticks;             /* timer ticks it was running at */
    int exit_code;                  /* valid once THREAD_ZOMBIE */
    void *owner;                    /* the process, or NULL */
    bool detached;                  /* reaped by the kernel, not joined */
    bool interrupted;               /* thread_interrupt pending */
    bool intr_woken;                /* ... and it woke the thread up */
    struct thread *next;            /* run queue / wait queue link */
    struct waitq *waiting_on;       /* the queue it sleeps on, or NULL */
    uint64_t wake_tick;             /* sleep_ms: when to wake */
    struct waitq exited;            /* thread_join sleeps here */
    int slice_left;                 /* ticks before preemption is due */
    void (*preempt_hook)(void *ctx);    /* sched_set_preempt_hook */
    void *preempt_ctx;
    struct thread *all_next;        /* list of every thread (threads, ps) */
    void (*fn)(void *);             /* what it runs, and its argument */
    void *arg;
};
// book: struct_thread

/* waitq_append: t to the tail of q, linked through t->next (waitq_push
 * without its SCHED_DEBUG record; inline here, where struct thread is
 * complete, for the IPC fast path's switch).  Interrupts off; t on no
 * queue. */
static inline void waitq_append(struct waitq *q, struct thread *t)
{
    t->next = 0;
    if (q->tail)
        q->tail->next = t;
    else
        q->head = t;
    q->tail = t;
}

/* thread_create: a new runnable thread that calls fn(arg); returning
 * from fn is thread_exit(0).  name is copied (truncated to fit).  NULL
 * if out of memory.  The creator must thread_join it, or thread_detach
 * it so the kernel reaps it. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
_Noreturn void thread_exit(int code);
struct thread *thread_current(void);
/* thread_join: wait for t to exit, free its stack and structure, return
 * its exit code.  t must not be detached nor joined twice. */
int thread_join(struct thread *t);
/* thread_detach: nobody will join t; when it exits (or now, if it
 * already has) the kernel reaps it. */
void thread_detach(struct thread *t);
/* thread_interrupt: wake t from any wait queue or sleep_ms; that
 * waitq_sleep returns false.  If t is not sleeping, its next waitq_sleep
 * returns false at once.  Callable from interrupt handlers. */
void thread_interrupt(struct thread *t);
/* thread_foreach: fn(t, arg) for every thread not yet reaped (for ps);
 * fn must not block nor create or reap threads. */
void thread_foreach(void (*fn)(struct thread *t, void *arg), void *arg);
size_t thread_count(void);          /* threads not yet reaped */
const char *thread_state_name(enum thread_state s);
/* thread_stack_holds: [addr, addr+len) is on the running thread's stack
 * (for backtraces). */
bool thread_stack_holds(uint64_t addr, size_t len);

/* For the scheduler (sched.c) only. */
struct thread *thread_alloc(const char *name, void (*fn)(void *), void *arg);
struct thread *thread_boot(const char *name);
void thread_reap_dead(void);

#endif
