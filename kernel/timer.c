/*
 * timer.c: the tick.  The PIT interrupts TIMER_HZ times a second; each
 * interrupt advances `ticks`, wakes the threads whose sleep_ms is over,
 * and lets the scheduler account for the running thread (sched_tick).
 */
#include "timer.h"

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
static struct waitq sleepers;           /* threads in sleep_ms */
static uint64_t next_wake = UINT64_MAX; /* earliest wake_tick in sleepers */

/* wake_sleepers: make every sleeper whose time has come runnable and
 * recompute next_wake.  Interrupt context.  Walks the whole queue, which
 * is short; a kernel with many sleepers would keep it sorted. */
static void wake_sleepers(void)
{
    uint64_t soonest = UINT64_MAX;
    struct thread *t = sleepers.head;
    while (t) {
        struct thread *next = t->next;
        if (t->wake_tick <= ticks)
            waitq_wake(&sleepers, t);
        else if (t->wake_tick < soonest)
            soonest = t->wake_tick;
        t = next;
    }
    next_wake = soonest;
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
    if (ticks >= next_wake)
        wake_sleepers();
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
 * is up to one tick shorter).  Interrupts are masked from computing the
 * wake tick to going to sleep: the timer interrupt reads both.
 */
void sleep_ms(uint64_t ms)
{
    if (ms == 0) {
        sched_yield();
        return;
    }
    if (ms > UINT64_MAX / 2 / TIMER_HZ)
        ms = UINT64_MAX / 2 / TIMER_HZ;     /* forever, without overflow */
    struct thread *t = thread_current();
    uint64_t fl = irq_save();
    t->wake_tick = ticks + (ms * TIMER_HZ + 999) / 1000;
    if (t->wake_tick < next_wake)
        next_wake = t->wake_tick;
    while (ticks < t->wake_tick && waitq_sleep(&sleepers))
        ;
    irq_restore(fl);
}
