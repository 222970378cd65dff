/*
 * sched.h: the round-robin scheduler.
 *
 * Kernel C code is never preempted: a kernel thread runs until it
 * blocks (waitq_sleep, sleep_ms, thread_join), yields or exits.  Wasm
 * code is preempted at interpreter safe points: when a thread's slice
 * (SCHED_SLICE_TICKS) is over and another thread is runnable, the timer
 * interrupt calls the thread's preempt hook, which asks the engine to
 * stop at its next back-edge or call; the engine's fuel hook then calls
 * sched_yield().
 */
#ifndef WISP_SCHED_H
#define WISP_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct thread;

/* sched_init: turn the running boot code (kmain) into the first thread
 * ("monitor") and create the idle thread.  Needs kheap_init; call before
 * interrupts are enabled. */
void sched_init(void);
void sched_yield(void);         /* let every other runnable thread run */
/* sched_set_preempt_hook: the timer calls hook(ctx) in interrupt context
 * when t's slice is over (PROCESSES passes a wrapper around
 * wasm_exec_interrupt); hook NULL removes it.  The hook must not block,
 * print or allocate. */
void sched_set_preempt_hook(struct thread *t, void (*hook)(void *ctx),
                            void *ctx);
/* sched_ready: make a sleeping or new thread runnable (interrupt-safe). */
void sched_ready(struct thread *t);
/* sched_tick: the timer's per-tick accounting (interrupt context). */
void sched_tick(void);
uint64_t sched_switches(void);  /* context switches since boot */
/* sched_block: the current thread stops running with state `state`
 * (an enum thread_state: SLEEPING, on some queue, or ZOMBIE) and the
 * next runnable thread runs.  Needs interrupts off; returns (with them
 * still off) when the thread is made runnable and chosen again. */
void sched_block(int state);
struct waitq;
/* sched_handoff: wake the one sleeper of `from` and sleep on `to` in
 * one switch, when no other thread is runnable (the same outcome as
 * waitq_wake_all then waitq_sleep); false, nothing done, otherwise. */
bool sched_handoff(struct waitq *from, struct waitq *to);

#endif
