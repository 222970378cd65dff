/*
 * threadcmds.c: monitor commands that show and exercise interrupts, the
 * timer and threads: uptime, irqstat, threads, spin, swbench, churn,
 * and threadtest, a self-test whose output the harness checks
 * (harness/tests/test_threads_*.py).
 */
#include "threadcmds.h"

#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "kstring.h"
#include "kprintf.h"
#include "param.h"
#include "sched.h"
#include "thread.h"
#include "timer.h"
#include "waitq.h"
#include "arch/x86_64/irq.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"

/* parse_count: argv word s as a decimal number in [1, max] into *out;
 * false (after saying why) otherwise. */
static bool parse_count(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (max - d) / 10)
            break;                      /* too big */
        v = v * 10 + d;
    }
    if (*p || v == 0) {
        kprintf("'%s' is not a number from 1 to %lu\n", s, max);
        return false;
    }
    *out = v;
    return true;
}

/* tcmd_uptime: time since interrupts were enabled. */
void tcmd_uptime(int argc, char **argv)
{
    (void)argc, (void)argv;
    uint64_t ms = timer_ms();
    kprintf("up %lu.%03lu s (%lu ticks at %d Hz)\n", ms / 1000, ms % 1000,
            timer_ticks(), TIMER_HZ);
}

/* tcmd_irqstat: interrupts per IRQ line, spurious ones, console input.
 * `irqstat spurious` first raises vectors 39 and 47 by software, which
 * look exactly like spurious IRQs 7 and 15 (no in-service bit). */
void tcmd_irqstat(int argc, char **argv)
{
    static const char *const names[NIRQS] = {
        [IRQ_TIMER] = "timer", [IRQ_COM1] = "com1",
    };
    if (argc == 2 && strcmp(argv[1], "spurious") == 0) {
        __asm__ volatile("int $39; int $47" : : : "memory");
    } else if (argc != 1) {
        kprintf("usage: irqstat [spurious]\n");
        return;
    }
    for (int i = 0; i < NIRQS; i++)
        if (irq_count(i) || names[i])
            kprintf("  irq %2d %-6s %lu\n", i, names[i] ? names[i] : "",
                    irq_count(i));
    kprintf("  spurious: %lu\n", irq_spurious());
    kprintf("  console: %lu bytes received, %lu dropped\n",
            console_received(), console_dropped());
    kprintf("  context switches: %lu\n", sched_switches());
}

/* show_thread: one `threads` line. */
static void show_thread(struct thread *t, void *arg)
{
    (void)arg;
    kprintf("  %4d %-16s %-9s %8lu\n", t->tid, t->name,
            thread_state_name(t->state), t->cpu_ticks);
}

/* tcmd_threads: every thread, its state and CPU ticks. */
void tcmd_threads(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("   tid name             state     cputicks\n");
    thread_foreach(show_thread, 0);
    kprintf("%zu threads\n", thread_count());
}

/* tcmd_spin: busy-wait MS milliseconds without yielding (interrupts on:
 * the timer ticks and typed bytes are buffered meanwhile). */
void tcmd_spin(int argc, char **argv)
{
    uint64_t ms;
    if (argc != 2 || !parse_count(argv[1], 600000, &ms)) {
        kprintf("usage: spin MS (1..600000)\n");
        return;
    }
    uint64_t start = timer_ms();
    while (timer_ms() - start < ms)
        __asm__ volatile("pause");
    kprintf("spun %lu ms\n", timer_ms() - start);
}

/* rdtsc: the time-stamp counter (instructions under QEMU -icount). */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* yielder: yield *(uint64_t *)arg times. */
static void yielder(void *arg)
{
    for (uint64_t i = *(uint64_t *)arg; i > 0; i--)
        sched_yield();
}

/*
 * tcmd_swbench: two threads yield to each other N times each; prints the
 * TSC cycles and the context switches in between, and their ratio.
 */
void tcmd_swbench(int argc, char **argv)
{
    uint64_t n;
    if (argc != 2 || !parse_count(argv[1], 10000000, &n)) {
        kprintf("usage: swbench N (1..10000000)\n");
        return;
    }
    struct thread *a = thread_create("swbench-a", yielder, &n);
    struct thread *b = thread_create("swbench-b", yielder, &n);
    uint64_t sw0 = sched_switches(), t0 = rdtsc();
    if (a)
        thread_join(a);
    if (b)
        thread_join(b);
    uint64_t cycles = rdtsc() - t0, sw = sched_switches() - sw0;
    if (!a || !b) {
        kprintf("swbench: out of memory\n");
        return;
    }
    kprintf("swbench: %lu switches in %lu cycles: %lu cycles per switch\n",
            sw, cycles, cycles / sw);
}

/* churn_worker: a short thread: it exits at once with the code in arg. */
static void churn_worker(void *arg)
{
    thread_exit((int)(uintptr_t)arg);
}

/* churn_batch: start n (at most CHURN_BATCH) churn_workers numbered from
 * first, detach the odd ones and join the even ones, counting in c[]:
 * joined, wrong exit codes, detached, not created. */
#define CHURN_BATCH 16
static void churn_batch(uint64_t first, uint64_t n, uint64_t c[4])
{
    struct thread *t[CHURN_BATCH];
    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = first + i;
        t[i] = thread_create("churn", churn_worker, (void *)(uintptr_t)k);
        if (!t[i])
            c[3]++;
        else if (k % 2) {
            thread_detach(t[i]);
            t[i] = 0;
            c[2]++;
        }
    }
    for (uint64_t i = 0; i < n; i++) {
        if (!t[i])
            continue;
        c[1] += thread_join(t[i]) != (int)(first + i);
        c[0]++;
    }
}

/*
 * tcmd_churn: N short threads, CHURN_BATCH at a time, half of them
 * joined, half detached (the kernel reaps those).  Prints how many, and
 * the threads, heap bytes and free frames before and after, which must
 * be equal: nothing a thread took may stay behind.
 */
void tcmd_churn(int argc, char **argv)
{
    uint64_t n, c[4] = { 0 };
    if (argc != 2 || !parse_count(argv[1], 1000000, &n)) {
        kprintf("usage: churn N (1..1000000)\n");
        return;
    }
    struct kheap_stats h0, h1;
    size_t n0 = thread_count(), f0 = pmm_free_frames();
    kheap_get_stats(&h0);
    for (uint64_t i = 0; i < n; i += CHURN_BATCH)
        churn_batch(i, n - i < CHURN_BATCH ? n - i : CHURN_BATCH, c);
    /* a detached thread is reaped after its last switch: give the last
     * ones that switch (a second at most) */
    for (int i = 0; i < TIMER_HZ && thread_count() > n0; i++)
        sleep_ms(1000 / TIMER_HZ);
    size_t n1 = thread_count(), f1 = pmm_free_frames();
    kheap_get_stats(&h1);
    kprintf("churn: %lu threads: %lu joined (%lu wrong exit codes), "
            "%lu detached, %lu not created\n", n, c[0], c[1], c[2], c[3]);
    kprintf("churn: threads %zu -> %zu, heap bytes %zu -> %zu, "
            "free frames %zu -> %zu\n", n0, n1, h0.bytes_in_use,
            h1.bytes_in_use, f0, f1);
}
