/*
 * timer.c: the tick.  The PIT interrupts TIMER_HZ times a second; each
 * interrupt advances `ticks`, wakes the threads whose sleep_ms is over,
 * and lets the scheduler account for the running thread (sched_tick).
 *
 * The threads in sleep_ms wait on one queue, `sleepers`, kept sorted by
 * the tick they wake at: the tick only ever looks at its head.
 */
#include "timer.h"

#include "labtodo.h"
#include "param.h"
#include "sched.h"
#include "thread.h"
#include "waitq.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/pit.h"

static volatile uint64_t ticks;         /* written only by the handler */
static volatile uint64_t tick_tsc;      /* the TSC at the last tick */
static volatile uint64_t tick_cycles;   /* TSC cycles between the last two
                                           ticks (0 until there are two) */
static struct waitq sleepers;           /* threads in sleep_ms, soonest
                                           wake_tick first */

/*
 * sleepq_insert: put thread t, whose wake_tick is set, on the sleep
 * queue q in wake-tick order: after every thread that wakes at the same
 * tick or earlier, before the first one that wakes later.  So the head
 * is always the next thread due, and threads due at the same tick wake
 * in the order they fell asleep (first come, first served).  Keeps q a
 * well-formed waitq: head, the next links, and tail (the last thread),
 * which waitq_remove and waitq_wake rely on.  This is waitq_sleep_at's
 * `place` for sleep_ms; it runs with interrupts off, since the timer
 * interrupt reads the queue.
 */
static void sleepq_insert(struct waitq *q, struct thread *t)
{
    // LAB 5: your code here (sleepq_insert)
    LAB_TODO(5, "sleepq_insert");
    waitq_push(q, t);
}

/* wake_sleepers: make runnable every sleeper whose wake tick has come.
 * The queue is sorted, so they are all at its head, and a tick at which
 * nobody is due costs one comparison.  Interrupt context. */
static void wake_sleepers(void)
{
    struct thread *t;
    while ((t = sleepers.head) && t->wake_tick <= ticks)
        waitq_wake(&sleepers, t);
}

/* rdtsc: the time-stamp counter (one per instruction under QEMU
 * -icount shift=0, the host's rate otherwise). */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* timer_irq: IRQ 0, TIMER_HZ times a second, interrupts off.  Notes
 * the TSC, so that timer_ns can interpolate between ticks. */
static void timer_irq(void)
{
    uint64_t now = rdtsc();
    if (tick_tsc)
        tick_cycles = now - tick_tsc;
    tick_tsc = now;
    ticks++;
    wake_sleepers();            /* first: sched_tick must see them queued */
    sched_tick();
}

/* timer_init: start the PIT at TIMER_HZ and route IRQ 0 to timer_irq.
 * Needs irq_init; ticks start once interrupts are enabled. */
void timer_init(void)
{
    pit_init(TIMER_HZ);
    irq_register(IRQ_TIMER, timer_irq);
}

/* timer_ticks: ticks since interrupts were enabled. */
uint64_t timer_ticks(void)
{
    return ticks;
}

/* timer_ms: the same in milliseconds. */
uint64_t timer_ms(void)
{
    return ticks * 1000 / TIMER_HZ;
}

// book: timer_ns
/*
 * timer_ns: nanoseconds since the first tick, finer than a tick: the
 * ticks counted, plus the part of the current tick that has passed,
 * estimated from the TSC as a fraction of the last tick's cycles.  The
 * fraction is kept below one tick, so the clock never goes backwards,
 * even when a tick is late (interrupts masked) or the TSC's rate
 * changes: the next tick's count is always ahead of it.
 */
uint64_t timer_ns(void)
{
    const uint64_t tick_ns = 1000000000ull / TIMER_HZ;
    uint64_t fl = irq_save();
    uint64_t t = ticks, base = tick_tsc, per = tick_cycles, now = rdtsc();
    irq_restore(fl);
    uint64_t ns = t * tick_ns;
    if (per && now > base) {
        uint64_t d = now - base;
        ns += d >= per ? tick_ns - 1 : d * tick_ns / per;
    }
    return ns;
}
// book: timer_ns

/*
 * sleep_ms: sleep until ms milliseconds, rounded up to whole ticks, have
 * been counted (the first tick may come at once, so the real time slept
 * is up to one tick shorter), without using the CPU meanwhile; return
 * early if the thread is thread_interrupt'ed (the interrupt is then
 * consumed).  The thread computes its wake tick, then sleeps on the
 * sorted sleep queue (waitq_sleep_at with sleepq_insert) until the tick
 * wakes it, and checks again: a wake-up only means "look again".
 * Interrupts are masked from reading `ticks` to going to sleep: the
 * timer interrupt changes `ticks` and reads the queue, and a tick that
 * came between the check and the sleep would not find the thread on
 * the queue yet: it would sleep a tick too long.
 */
void sleep_ms(uint64_t ms)
{
    if (ms == 0) {
        sched_yield();
        return;
    }
    if (ms > UINT64_MAX / 2 / TIMER_HZ)
        ms = UINT64_MAX / 2 / TIMER_HZ;     /* forever, without overflow */
    // LAB 5: your code here (sleep_ms)
    LAB_TODO(5, "sleep_ms");
    (void)sleepq_insert;
    uint64_t end = ticks + (ms * TIMER_HZ + 999) / 1000;
    while (ticks < end)
        sched_yield();
}
