/*
 * threadtest.c: `threadtest`, a self-test of threads, the scheduler,
 * sleeping, joining, interrupting, reaping and preempting.  It prints what happened
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

/* phase_rr: three threads take turns; joins them, checks exit codes and
 * that joining freed them. */
static void phase_rr(void)
{
    static const char *const names[NWORKERS] = { "w1", "w2", "w3" };
    struct thread *t[NWORKERS];
    kprintf("threadtest: round robin\n");
    size_t before = thread_count();
    for (int i = 0; i < NWORKERS; i++)
        t[i] = start(names[i], rr_worker, (void *)(uintptr_t)(i + 1));
    for (int i = 0; i < NWORKERS; i++) {
        if (!t[i])
            continue;
        int code = thread_join(t[i]);
        kprintf("  joined %s: exit code %d\n", names[i], code);
        check(code == 11 + i, "exit code");
    }
    kprintf("  threads: %zu before, %zu after the joins\n", before,
            thread_count());
    check(thread_count() == before, "joined threads freed");
}

/* A sleeper of phase_sleep: how long it sleeps, and its name. */
struct nap {
    uint64_t ms;
    const char *name;
};

/* volatile_ticks: t's CPU ticks, which the timer interrupt counts. */
static uint64_t volatile_ticks(struct thread *t)
{
    return *(volatile uint64_t *)&t->cpu_ticks;
}

/* sleep_worker: sleep_ms(nap->ms) and report the ticks it took and the
 * CPU ticks it was charged meanwhile (a sleeper must not use the CPU). */
static void sleep_worker(void *arg)
{
    const struct nap *n = arg;
    struct thread *me = thread_current();
    uint64_t t0 = timer_ticks(), c0 = volatile_ticks(me);
    sleep_ms(n->ms);
    uint64_t dt = timer_ticks() - t0, want = n->ms * TIMER_HZ / 1000;
    uint64_t cpu = volatile_ticks(me) - c0;
    kprintf("  slept %lu ms (%s): %lu ticks (asked %lu), %lu cpu ticks\n",
            n->ms, n->name, dt, want, cpu);
    check(dt >= want && dt <= want + 2, "sleep length");
    check(cpu <= 1, "a sleeper uses no CPU");
}

/* phase_sleep: four sleepers, the longest first and two of the same
 * length; they wake shortest first, the two alike in the order they
 * fell asleep, and all together take about as long as the longest.
 * The phase starts right after a tick (sleep_ms(10)), so all four fall
 * asleep before the next one and the two alike are due at one tick. */
static void phase_sleep(void)
{
    static const struct nap naps[] = {
        { 100, "a" }, { 50, "b" }, { 20, "c" }, { 50, "d" },
    };
    enum { NNAPS = sizeof naps / sizeof naps[0] };
    struct thread *t[NNAPS];
    kprintf("threadtest: sleep\n");
    sleep_ms(10);
    uint64_t t0 = timer_ticks();
    for (int i = 0; i < NNAPS; i++)
        t[i] = start("sleeper", sleep_worker, (void *)&naps[i]);
    for (int i = 0; i < NNAPS; i++)
        if (t[i])
            thread_join(t[i]);
    uint64_t dt = timer_ticks() - t0;
    kprintf("  all four took %lu ticks\n", dt);
    check(dt < (100 + 50 + 20) * TIMER_HZ / 1000, "sleepers overlap");
}

static struct waitq never;      /* nobody wakes this queue */

/* intr_worker: sleep on `never`, then for 1 s; both must be cut short
 * by thread_interrupt. */
static void intr_worker(void *arg)
{
    (void)arg;
    bool woken = waitq_sleep(&never);
    kprintf("  waitq_sleep returned %s\n", woken ? "true" : "false");
    uint64_t t0 = timer_ticks();
    sleep_ms(1000);
    kprintf("  sleep_ms(1000) ended after %lu ticks\n", timer_ticks() - t0);
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

/* exit_later: sleep 50 ms, then exit with 7. */
static void exit_later(void *arg)
{
    (void)arg;
    sleep_ms(50);
    thread_exit(7);
}

/* poke: sleep 20 ms, then thread_interrupt the thread in arg. */
static void poke(void *arg)
{
    sleep_ms(20);
    thread_interrupt(arg);
}

/* phase_join_interrupt: the tester is interrupted while it joins a
 * thread that ends later.  The join must still wait for the exit code,
 * and the interrupt must stay pending: the tester's next sleep_ms
 * returns at once. */
static void phase_join_interrupt(void)
{
    kprintf("threadtest: join, interrupted\n");
    struct thread *j = start("joinee", exit_later, 0);
    struct thread *p = start("poker", poke, thread_current());
    if (j) {
        int code = thread_join(j);
        uint64_t t0 = timer_ticks();
        sleep_ms(200);
        uint64_t dt = timer_ticks() - t0;
        kprintf("  joined joinee: exit code %d; the next sleep_ms(200) took "
                "%lu ticks\n", code, dt);
        check(code == 7, "the join waited for the exit code");
        check(dt == 0, "the interrupt stayed pending");
    }
    if (p)
        thread_join(p);
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
    int turns;                      /* times it ran after the other one */
};

static struct spinner *volatile last_spinner;   /* the last one to spin */

/* spinner_hook: the timer says the slice is over: ask for a stop. */
static void spinner_hook(void *ctx)
{
    ((struct spinner *)ctx)->stop_asked = true;
}

/* spinner_run: spin until it was charged SPIN_TICKS ticks of CPU,
 * yielding only when the hook asked; count the turns it got (runs that
 * followed the other spinner's). */
#define SPIN_TICKS (SCHED_SLICE_TICKS * 6)
static void spinner_run(void *arg)
{
    struct spinner *s = arg;
    struct thread *me = thread_current();
    sched_set_preempt_hook(me, spinner_hook, s);
    uint64_t c0 = volatile_ticks(me);
    while (volatile_ticks(me) - c0 < SPIN_TICKS) {
        if (last_spinner != s) {
            last_spinner = s;
            s->turns++;
        }
        if (s->stop_asked) {            /* the "safe point" */
            s->stop_asked = false;
            s->preempted++;
            sched_yield();
        }
    }
    sched_set_preempt_hook(me, 0, 0);
    kprintf("  %s: %d turns, preempted %d times, %lu cpu ticks\n", me->name,
            s->turns, s->preempted, me->cpu_ticks - c0);
}

/* phase_preempt: a spinner that never yields by itself runs alone while
 * the tester sleeps, so its slice ends with nobody waiting; when the
 * tester wakes, it must get the CPU within a tick or two all the same.
 * Then a second spinner starts, and the two take turns at every slice. */
static void phase_preempt(void)
{
    static struct spinner s[2];
    kprintf("threadtest: preempt\n");
    last_spinner = 0;
    struct thread *a = start("spin1", spinner_run, &s[0]);
    uint64_t t0 = timer_ticks();
    sleep_ms(100);
    uint64_t dt = timer_ticks() - t0;
    kprintf("  sleep_ms(100) beside spin1 took %lu ticks\n", dt);
    check(dt <= 100 * TIMER_HZ / 1000 + 2, "the sleeper got the CPU back");
    struct thread *b = start("spin2", spinner_run, &s[1]);
    if (a)
        thread_join(a);
    if (b)
        thread_join(b);
    for (int i = 0; i < 2; i++) {
        check(s[i].turns >= 3, "the spinners took turns");
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
    phase_join_interrupt();
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
