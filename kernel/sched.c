/*
 * sched.c: the scheduler: one run queue, round robin.
 *
 * The running thread is `cur`; every other thread that could run waits
 * in `runq`, oldest first.  schedule() takes the first one and switches
 * to it; when the queue is empty the idle thread runs, which halts the
 * CPU until an interrupt makes some thread runnable.
 *
 * A switch happens only when the running thread asks for it (it yields,
 * sleeps or exits), never inside an interrupt handler.  Interrupt
 * handlers may only make threads runnable (sched_ready); that is why the
 * queue operations below run with interrupts masked, and why that is
 * the only locking a single-CPU kernel needs.
 */
#include "sched.h"

#include "labtodo.h"
#include "panic.h"
#include "schedcheck.h"
#include "thread.h"
#include "waitq.h"
#include "arch/x86_64/irq.h"

/* switch.asm */
void sched_switch(uint64_t *save_ksp, uint64_t load_ksp);

static struct thread *cur;              /* the running thread */
static struct thread *idle;             /* runs when nothing else can */
static struct waitq runq;               /* runnable threads, FIFO */
static uint64_t nswitches;

/* thread_current: the running thread (NULL before sched_init). */
struct thread *thread_current(void)
{
    return cur;
}

/* sched_switches: context switches since boot. */
uint64_t sched_switches(void)
{
    return nswitches;
}

/*
 * schedule: give the CPU to the first runnable thread (the idle thread
 * if none).  Needs interrupts off and cur->state already set: RUNNABLE
 * (and queued), SLEEPING (and on a wait queue) or ZOMBIE.  Returns when
 * cur is chosen again, interrupts still off.
 */
static void schedule(void)
{
    struct thread *prev = cur;
    struct thread *next = waitq_pop(&runq);
    if (!next)
        next = idle;
    next->state = THREAD_RUNNING;
    next->slice_left = SCHED_SLICE_TICKS;
    schedcheck_switch(prev, next);     /* SCHED_DEBUG kernels only */
    if (next == prev)
        return;
    cur = next;
    nswitches++;
    sched_switch(&prev->ksp, next->ksp);
    /* Here prev runs again, after some other thread switched back. */
    thread_reap_dead();
}

/* sched_ready: append t to the run queue.  Interrupt-safe. */
void sched_ready(struct thread *t)
{
    uint64_t fl = irq_save();
    t->state = THREAD_RUNNABLE;
    waitq_push(&runq, t);
    irq_restore(fl);
}

/*
 * sched_yield: let every other runnable thread run once before the
 * current one runs again.  The current thread goes to the *tail* of the
 * run queue, RUNNABLE, and schedule() switches to the head; that is
 * what makes the scheduler round robin.  Returns at once, without a
 * switch, when no other thread is runnable, and when the idle thread
 * calls it (the idle thread is never on the run queue).  Either way the
 * caller comes back with a fresh slice (SCHED_SLICE_TICKS).  The run
 * queue is also changed by interrupt handlers (sched_ready), so
 * interrupts are masked from the test of the queue to the switch.
 */
void sched_yield(void)
{
    // LAB 5: your code here (sched_yield)
    LAB_TODO(5, "sched_yield");
}

/* sched_block: see sched.h. */
void sched_block(int state)
{
    if (irqs_on())
        panic("sched_block with interrupts on");
    if (!cur || cur == idle)
        panic("sched_block: %s cannot block", cur ? "the idle thread" :
              "code before sched_init");
    cur->state = (enum thread_state)state;
    schedcheck_block(cur, state);
    schedule();
}

/*
 * sched_handoff: what waitq_wake_all(from) followed by waitq_sleep(to)
 * do when `from` has one sleeper and nothing else is runnable, in one
 * switch: the thread sleeping on `from` runs at once and the current
 * thread sleeps at the tail of `to`, with no pass through the run
 * queue.  With the run queue empty, the thread woken would have been
 * the only one on it and so the one schedule() chose: the outcome is the
 * same, thread for thread, including the new slice.  Refused (false,
 * nothing changed) when some thread is runnable, when `from` has no
 * sleeper or more than one, when the current thread has a
 * thread_interrupt pending (waitq_sleep would return at once) or is the
 * idle thread.  Otherwise returns true once the current thread is woken
 * and chosen again; its wait ends as waitq_sleep's does (a pending
 * interrupt it woke for is consumed).  Needs interrupts off, from before
 * whatever made `from`'s sleeper due to wake (so that no interrupt can
 * have made a thread runnable since), and returns with them still off:
 * its one caller, the IPC fast path, masks them for the whole host call.
 */
bool sched_handoff(struct waitq *from, struct waitq *to)
{
    struct thread *prev = cur, *next = from->head;
    if (!next || next->next || !waitq_empty(&runq) || prev == idle ||
        prev->interrupted)
        return false;
    from->head = from->tail = 0;        /* next was its one sleeper */
    next->waiting_on = 0;
    schedcheck_wake(from, next);        /* SCHED_DEBUG kernels: the trace */
    schedcheck_push(&runq, next);       /* the slow path's would have */
    prev->waiting_on = to;
    waitq_append(to, prev);             /* waitq_push(to, prev), inline */
    schedcheck_push(to, prev);
    prev->state = THREAD_SLEEPING;
    schedcheck_block(prev, THREAD_SLEEPING);
    next->state = THREAD_RUNNING;
    next->slice_left = SCHED_SLICE_TICKS;
    schedcheck_switch(prev, next);
    cur = next;
    nswitches++;
    sched_switch(&prev->ksp, next->ksp);
    /* Here prev runs again, woken by some waitq_wake or interrupt. */
    thread_reap_dead();
    if (prev->intr_woken)
        prev->interrupted = prev->intr_woken = false;   /* consumed */
    return true;
}

/*
 * sched_tick: the timer's accounting, at every tick (interrupt context,
 * after the tick's sleepers were woken).  Charges the tick to the
 * running thread and counts down its slice (slice_left, never below
 * 0).  While the slice is over, at this tick or any later one, and some
 * other thread waits on the run queue, it calls the thread's preempt
 * hook, if it has one: a Wasm process's hook asks the engine to stop at
 * its next safe point, where the fuel hook yields (engine.c).  The test
 * is made at every tick, not only at the one where the slice runs out:
 * a thread woken later (a sleeper whose time came, the monitor woken by
 * a key) must get the CPU within a tick.  Kernel code has no hook and is
 * never preempted; the hook must not block, print or allocate.
 */
void sched_tick(void)
{
    struct thread *t = cur;
    if (!t)
        return;
    t->cpu_ticks++;
    // LAB 5: your code here (sched_tick)
    if (t->preempt_hook)
        LAB_TODO(5, "sched_tick");
}

/* sched_set_preempt_hook: see sched.h. */
void sched_set_preempt_hook(struct thread *t, void (*hook)(void *ctx),
                            void *ctx)
{
    uint64_t fl = irq_save();       /* the timer reads the pair */
    t->preempt_hook = hook;
    t->preempt_ctx = ctx;
    irq_restore(fl);
}

/*
 * idle_loop: the idle thread.  With interrupts off it checks for a
 * runnable thread; if there is none it halts.  "sti; hlt" is atomic in
 * effect: sti takes effect only after the next instruction, so an
 * interrupt that makes a thread runnable cannot slip in between the
 * check and the hlt (it would be lost until the next tick).
 */
static void idle_loop(void *arg)
{
    (void)arg;
    for (;;) {
        __asm__ volatile("cli" : : : "memory");
        if (!waitq_empty(&runq)) {
            cur->state = THREAD_RUNNABLE;   /* never queued: the fallback */
            schedule();
        }
        __asm__ volatile("sti; hlt" : : : "memory");
    }
}

/*
 * sched_init: make the running boot code (kmain, on the boot stack) the
 * first thread, "monitor", and create the idle thread.  Needs the heap
 * and interrupts off; panics if the idle thread cannot be allocated.
 */
void sched_init(void)
{
    cur = thread_boot("monitor");
    idle = thread_alloc("idle", idle_loop, 0);
    if (!idle)
        panic("sched_init: no memory for the idle thread");
    idle->state = THREAD_RUNNABLE;
    schedcheck_init(cur, idle, &runq);
}
