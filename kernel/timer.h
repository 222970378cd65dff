/*
 * timer.h: the periodic timer (the PIT on IRQ 0 at TIMER_HZ, param.h):
 * ticks since boot, uptime in milliseconds, and sleeping.
 */
#ifndef WISP_TIMER_H
#define WISP_TIMER_H

#include <stdint.h>

void timer_init(void);          /* program the PIT, hook IRQ 0 (needs
                                   irq_init and sched_init) */
uint64_t timer_ticks(void);     /* timer interrupts since timer_init */
uint64_t timer_ms(void);        /* the same in milliseconds */
/* timer_ns: nanoseconds since the first tick, interpolated between ticks
 * with the TSC: monotonic, finer than a tick (timer.c). */
uint64_t timer_ns(void);

/* sleep_ms: block the current thread for at least ms milliseconds
 * (rounded up to whole ticks); returns early if thread_interrupt'ed.
 * ms == 0 just yields.  Needs: a thread (after sched_init). */
void sleep_ms(uint64_t ms);

#endif
