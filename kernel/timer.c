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

/* timer_irq: IRQ 0, TIMER_HZ times a second, interrupts off. */
static void timer_irq(void)
{
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
