/*
 * threadtest.c: `threadtest`, a self-test of threads, the scheduler,
 * sleeping, joining, interrupting and reaping.  It prints what happened
 * (the harness checks the lines, harness/tests/test_threads_*.py) and a
 * last line "threadtest: PASS" or "threadtest: FAIL (...)".
 */
#include "threadcmds.h"

#include <stdbool.h>
#include <stdint.h>

#include "backtrace.h"
#include "kprintf.h"
#include "param.h"
#include "sched.h"
#include "thread.h"
#include "timer.h"
#include "waitq.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"

#define RR_ROUNDS 3
#define NWORKERS 3

static int failures;

/* check: count and report a failed expectation. */
static void check(bool ok, const char *what)
{
    if (!ok) {
        failures++;
        kprintf("  FAILED: %s\n", what);
    }
}

/* rr_worker: print a line per round, yielding in between; exit with
 * 10 + the number in arg. */
static void rr_worker(void *arg)
{
    for (int r = 1; r <= RR_ROUNDS; r++) {
        kprintf("  rr %s %d\n", thread_current()->name, r);
        sched_yield();
    }
    thread_exit(10 + (int)(uintptr_t)arg);
}

/* start: thread_create, counting a failure if memory ran out. */
static struct thread *start(const char *name, void (*fn)(void *), void *arg)
{
    struct thread *t = thread_create(name, fn, arg);
    check(t != 0, "thread_create (out of memory?)");
    return t;
}

/* phase_rr: three threads take turns; joins them, checks exit codes. */
static void phase_rr(void)
{
    static const char *const names[NWORKERS] = { "w1", "w2", "w3" };
    struct thread *t[NWORKERS];
    kprintf("threadtest: round robin\n");
    for (int i = 0; i < NWORKERS; i++)
        t[i] = start(names[i], rr_worker, (void *)(uintptr_t)(i + 1));
    for (int i = 0; i < NWORKERS; i++) {
        if (!t[i])
            continue;
        int code = thread_join(t[i]);
        kprintf("  joined %s: exit code %d\n", names[i], code);
        check(code == 11 + i, "exit code");
    }
}

/* sleep_worker: sleep_ms(*arg) and report the ticks it took. */
static void sleep_worker(void *arg)
{
    uint64_t ms = (uint64_t)(uintptr_t)arg;
    uint64_t t0 = timer_ticks();
    sleep_ms(ms);
    uint64_t dt = timer_ticks() - t0, want = ms * TIMER_HZ / 1000;
    kprintf("  slept %lu ms: %lu ticks (asked %lu)\n", ms, dt, want);
    check(dt >= want && dt <= want + 2, "sleep length");
}

/* phase_sleep: three sleepers, longest first; they wake shortest first,
 * and all together take about as long as the longest. */
static void phase_sleep(void)
{
    static const uint64_t ms[NWORKERS] = { 100, 50, 20 };
    struct thread *t[NWORKERS];
    kprintf("threadtest: sleep\n");
    uint64_t t0 = timer_ticks();
    for (int i = 0; i < NWORKERS; i++)
        t[i] = start("sleeper", sleep_worker, (void *)(uintptr_t)ms[i]);
    for (int i = 0; i < NWORKERS; i++)
        if (t[i])
            thread_join(t[i]);
    uint64_t dt = timer_ticks() - t0;
    kprintf("  all three took %lu ticks\n", dt);
    check(dt < (100 + 50 + 20) * TIMER_HZ / 1000, "sleepers overlap");
}

static struct waitq never;      /* nobody wakes this queue */

/* intr_worker: sleep on `never`, then for 10 s; both must be cut short
 * by thread_interrupt. */
static void intr_worker(void *arg)
{
    (void)arg;
    bool woken = waitq_sleep(&never);
    kprintf("  waitq_sleep returned %s\n", woken ? "true" : "false");
    uint64_t t0 = timer_ticks();
    sleep_ms(10000);
    kprintf("  sleep_ms(10000) ended after %lu ticks\n", timer_ticks() - t0);
}

/* phase_interrupt: interrupt a thread sleeping on a wait queue, then in
 * sleep_ms. */
static void phase_interrupt(void)
{
    kprintf("threadtest: interrupt\n");
    struct thread *t = start("intr", intr_worker, 0);
    if (!t)
        return;
    sleep_ms(20);
    kprintf("  intr is %s\n", thread_state_name(t->state));
    check(t->state == THREAD_SLEEPING, "sleeping on the wait queue");
    thread_interrupt(t);
    sleep_ms(20);
    thread_interrupt(t);
    thread_join(t);
}

/* noop: a thread that ends at once. */
static void noop(void *arg)
{
    (void)arg;
}

/* phase_detach: a detached thread is reaped without a join. */
static void phase_detach(void)
{
    kprintf("threadtest: detach\n");
    size_t before = thread_count();
    struct thread *t = start("detached", noop, 0);
    if (!t)
        return;
    thread_detach(t);
    sleep_ms(20);
    kprintf("  threads %zu -> %zu after the detached one ended\n", before,
            thread_count());
    check(thread_count() == before, "detached thread reaped");
}

/* A CPU-bound thread standing in for a Wasm program: its loop test plays
 * the interpreter's safe point, its preempt hook the engine's
 * wasm_exec_interrupt. */
struct spinner {
    volatile bool stop_asked;       /* set by the hook (interrupt context) */
    int preempted;                  /* yields the hook caused */
};

/* spinner_hook: the timer says the slice is over: ask for a stop. */
static void spinner_hook(void *ctx)
{
    ((struct spinner *)ctx)->stop_asked = true;
}

/* spinner_run: spin for SPIN_TICKS, yielding only when the hook asked. */
#define SPIN_TICKS (SCHED_SLICE_TICKS * 6)
static void spinner_run(void *arg)
{
    struct spinner *s = arg;
    struct thread *me = thread_current();
    sched_set_preempt_hook(me, spinner_hook, s);
    uint64_t end = timer_ticks() + SPIN_TICKS;
    while (timer_ticks() < end) {
        if (s->stop_asked) {            /* the "safe point" */
            s->stop_asked = false;
            s->preempted++;
            sched_yield();
        }
    }
    sched_set_preempt_hook(me, 0, 0);
    kprintf("  %s: preempted %d times, %lu cpu ticks\n", me->name,
            s->preempted, me->cpu_ticks);
}

/* phase_preempt: two spinners that never yield by themselves both run,
 * taking turns at every slice. */
static void phase_preempt(void)
{
    static struct spinner s[2];
    kprintf("threadtest: preempt\n");
    struct thread *a = start("spin1", spinner_run, &s[0]);
    struct thread *b = start("spin2", spinner_run, &s[1]);
    if (a)
        thread_join(a);
    if (b)
        thread_join(b);
    for (int i = 0; i < 2; i++) {
        check(s[i].preempted >= 2, "a spinner was preempted");
        s[i] = (struct spinner){ 0 };
    }
}

/* bt_worker: print a backtrace from a thread's own stack. */
static void bt_worker(void *arg)
{
    (void)arg;
    backtrace();
}

/* phase_backtrace: a backtrace on a thread stack reaches thread_start. */
static void phase_backtrace(void)
{
    kprintf("threadtest: backtrace\n");
    struct thread *t = start("bt", bt_worker, 0);
    if (t)
        thread_join(t);
}

/* tcmd_threadtest: run every phase; compare threads, heap bytes and free
 * frames before and after (all must be back). */
void tcmd_threadtest(int argc, char **argv)
{
    (void)argc, (void)argv;
    failures = 0;
    struct kheap_stats h0, h1;
    size_t n0 = thread_count(), f0 = pmm_free_frames();
    kheap_get_stats(&h0);
    phase_rr();
    phase_sleep();
    phase_interrupt();
    phase_detach();
    phase_preempt();
    phase_backtrace();
    size_t n1 = thread_count(), f1 = pmm_free_frames();
    kheap_get_stats(&h1);
    kprintf("threadtest: threads %zu -> %zu, heap bytes %zu -> %zu, "
            "free frames %zu -> %zu\n", n0, n1, h0.bytes_in_use,
            h1.bytes_in_use, f0, f1);
    check(n0 == n1 && h0.bytes_in_use == h1.bytes_in_use && f0 == f1,
          "everything freed");
    if (failures)
        kprintf("threadtest: FAIL (%d checks)\n", failures);
    else
        kprintf("threadtest: PASS\n");
}
