/*
 * thread.c: creating, ending and reaping kernel threads.
 *
 * A thread is a struct thread (from kzalloc) and a kernel stack (from
 * vm_stack_alloc, with an unmapped guard page below it, so an overflow
 * faults instead of corrupting memory).  A thread that exits becomes a
 * zombie: it cannot free the stack it is still running on.  Whoever
 * joins it frees both; a detached zombie is freed by the next thread
 * that runs after it switched away for the last time (thread_reap_dead).
 */
#include "thread.h"

#include "kstring.h"
#include "labtodo.h"
#include "panic.h"
#include "sched.h"
#include "schedcheck.h"
#include "arch/x86_64/irq.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"

/* switch.asm: a new thread's first "return address". */
void thread_trampoline(void);
_Noreturn void thread_start(void (*fn)(void *), void *arg);

#define MXCSR_DEFAULT 0x1f80    /* all SSE exceptions masked, round to
                                   nearest: the power-on state */
#define FCW_DEFAULT 0x037f      /* the x87 state after fninit */

static struct thread boot_thread;       /* kmain's, on the boot stack */
static struct thread *all;              /* every thread not yet reaped */
static size_t nthreads;
static int next_tid = 1;
static struct thread *dead;             /* detached zombies to free */

static const char *const state_names[] = {
    [THREAD_RUNNABLE] = "runnable", [THREAD_RUNNING] = "running",
    [THREAD_SLEEPING] = "sleeping", [THREAD_ZOMBIE] = "zombie",
};

/* thread_state_name: "runnable", "running", "sleeping" or "zombie". */
const char *thread_state_name(enum thread_state s)
{
    return (unsigned)s < 4 ? state_names[s] : "?";
}

/* thread_register: give t a tid and name and append it to the list of
 * all threads.  No masking: no interrupt handler reads the list. */
static void thread_register(struct thread *t, const char *name)
{
    strlcpy(t->name, name, sizeof t->name);
    t->tid = next_tid++;
    struct thread **pp = &all;
    while (*pp)
        pp = &(*pp)->all_next;
    *pp = t;
    nthreads++;
    schedcheck_new(t);
}

/* thread_boot: adopt the code running on the boot stack as a thread
 * named name, RUNNING.  Called once, by sched_init. */
struct thread *thread_boot(const char *name)
{
    thread_register(&boot_thread, name);
    boot_thread.state = THREAD_RUNNING;
    return &boot_thread;
}

/*
 * initial_frame: lay out a new stack under top as if the thread had
 * called sched_switch from thread_trampoline: what sched_switch pops
 * (control words, r15..r12, rbx, rbp), then its return address.  r12
 * and r13 carry fn and arg to the trampoline.  rbp = 0 ends backtraces.
 * Returns the saved stack pointer (the thread's context).
 */
static uint64_t initial_frame(void *top, void (*fn)(void *), void *arg)
{
    uint64_t *sp = (uint64_t *)top - 10;    /* ret leaves %rsp 16-aligned */
    memset(sp, 0, 10 * sizeof *sp);
    sp[0] = MXCSR_DEFAULT | ((uint64_t)FCW_DEFAULT << 32);
    sp[3] = (uint64_t)arg;                  /* r13 */
    sp[4] = (uint64_t)fn;                   /* r12 */
    sp[7] = (uint64_t)thread_trampoline;    /* sched_switch's ret */
    return (uint64_t)sp;
}

/*
 * thread_alloc: a new thread that will run fn(arg), not yet runnable.
 * Returns NULL (nothing allocated) if the heap or the frames run out.
 */
struct thread *thread_alloc(const char *name, void (*fn)(void *), void *arg)
{
    struct thread *t = kzalloc(sizeof *t);
    if (!t)
        return 0;
    t->kstack_top = vm_stack_alloc(THREAD_STACK_SIZE);
    if (!t->kstack_top) {
        kfree(t);
        return 0;
    }
    t->fn = fn;
    t->arg = arg;
    t->ksp = initial_frame(t->kstack_top, fn, arg);
    thread_register(t, name);
    return t;
}

/* thread_create: see thread.h. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
    struct thread *t = thread_alloc(name, fn, arg);
    if (t)
        sched_ready(t);
    return t;
}

/*
 * thread_start: the first C a new thread runs (from thread_trampoline,
 * right after its first switch, interrupts off).  Finishes the switch
 * like schedule() does, turns interrupts on (threads run with them on),
 * runs fn(arg) and exits with 0 if fn returns.
 */
_Noreturn void thread_start(void (*fn)(void *), void *arg)
{
    thread_reap_dead();
    irq_enable();
    fn(arg);
    thread_exit(0);
}

/*
 * thread_exit: end the current thread with code.  It becomes a zombie,
 * its joiner is woken, and it switches away for good; its stack is
 * freed later by whoever reaps it.  Interrupts stay off to the switch.
 */
_Noreturn void thread_exit(int code)
{
    struct thread *t = thread_current();
    if (t == &boot_thread)
        panic("thread_exit: the boot thread cannot exit");
    (void)irq_save();               /* never restored: we never return */
    t->exit_code = code;
    waitq_wake_all(&t->exited);
    if (t->detached) {
        t->next = dead;
        dead = t;
    }
    sched_block(THREAD_ZOMBIE);
    panic("thread_exit: zombie %d ran again", t->tid);
}

/* thread_free: unlink t from the list of all threads and free its stack
 * and structure.  Needs: t a zombie that is not running. */
static void thread_free(struct thread *t)
{
    struct thread **pp = &all;
    while (*pp != t)
        pp = &(*pp)->all_next;
    *pp = t->all_next;
    nthreads--;
    schedcheck_free(t);
    vm_stack_free(t->kstack_top, THREAD_STACK_SIZE);
    kfree(t);
}

/*
 * thread_reap_dead: free every thread on the dead list: the detached
 * zombies, which nobody will join (thread_exit put them there).  A
 * thread cannot free the stack it runs on, so the one that exits only
 * lists itself; this runs right after every switch (the last line of
 * schedule, and thread_start for a thread's first run), on the stack
 * of the thread switched to, so no thread on the list is running.
 * thread_free unlinks each from the list of all threads and gives back
 * its stack and structure.  The list is changed with interrupts masked,
 * and only by threads (thread_exit), never by an interrupt handler, so
 * an empty list can be seen without masking them.
 */
void thread_reap_dead(void)
{
    // LAB 5 BEGIN thread_reap_dead
    if (!dead)          /* the common case; only threads change the list */
        return;
    uint64_t fl = irq_save();
    while (dead) {
        struct thread *t = dead;
        dead = t->next;
        thread_free(t);
    }
    irq_restore(fl);
    // LAB 5 STUB frees nothing, so every detached thread (every process's) leaks its stack and structure when it ends
    // if (dead)
    //     LAB_TODO(5, "thread_reap_dead");
    // LAB 5 END
}

/*
 * thread_join: wait until t is a zombie, then free it (thread_free: its
 * stack and structure) and return its exit code.  thread_exit wakes the
 * threads sleeping on t->exited; any wait-queue sleep may also end early
 * (thread_interrupt), so the state is checked again after each one.  A
 * thread_interrupt while waiting does not stop the wait: t must be
 * reaped, and nobody else will.  The interrupt is not lost either: it
 * stays pending (me->interrupted), so the caller's next sleep returns
 * false at once.  The checks above the wait (joining itself, a detached
 * thread, the boot thread) are programming errors: they panic.
 */
int thread_join(struct thread *t)
{
    struct thread *me = thread_current();
    if (t == me || t->detached || t == &boot_thread)
        panic("thread_join: cannot join thread %d", t->tid);
    // LAB 5 BEGIN thread_join
    bool interrupted = false;
    while (t->state != THREAD_ZOMBIE)
        if (!waitq_sleep(&t->exited))
            interrupted = true;
    me->interrupted |= interrupted;
    int code = t->exit_code;
    thread_free(t);
    return code;
    // LAB 5 BUG thread_join_forgets_the_interrupt
    // (void)me;
    // while (t->state != THREAD_ZOMBIE)
    //     waitq_sleep(&t->exited);
    // int code = t->exit_code;
    // thread_free(t);
    // return code;
    // LAB 5 STUB waits for t to end and returns its exit code, but frees nothing: every joined thread's stack and structure leak, and threads lists it as a zombie
    // LAB_TODO(5, "thread_join");
    // (void)me;
    // while (t->state != THREAD_ZOMBIE)
    //     waitq_sleep(&t->exited);
    // return t->exit_code;
    // LAB 5 END
}

/* thread_detach: see thread.h.  A thread already dead is freed now. */
void thread_detach(struct thread *t)
{
    uint64_t fl = irq_save();
    t->detached = true;
    if (t->state == THREAD_ZOMBIE)
        thread_free(t);
    irq_restore(fl);
}

/*
 * thread_interrupt: mark an interrupt pending for t and, if t sleeps on
 * a wait queue, take it off and make it runnable; its waitq_sleep sees
 * intr_woken and returns false.  Callable from interrupt handlers.
 */
void thread_interrupt(struct thread *t)
{
    uint64_t fl = irq_save();
    t->interrupted = true;
    if (t->state == THREAD_SLEEPING && t->waiting_on) {
        waitq_remove(t->waiting_on, t);
        t->waiting_on = 0;
        t->intr_woken = true;
        sched_ready(t);
    }
    irq_restore(fl);
}

/* thread_foreach: see thread.h (oldest thread first). */
void thread_foreach(void (*fn)(struct thread *t, void *arg), void *arg)
{
    for (struct thread *t = all; t; t = t->all_next)
        fn(t, arg);
}

/* thread_count: threads not yet reaped (zombies included). */
size_t thread_count(void)
{
    return nthreads;
}

/* thread_stack_holds: [addr, addr + len) lies inside the running thread's
 * kernel stack (false for the boot thread and before sched_init). */
bool thread_stack_holds(uint64_t addr, size_t len)
{
    struct thread *t = thread_current();
    if (!t || !t->kstack_top)
        return false;
    uint64_t top = (uint64_t)t->kstack_top;
    return addr >= top - THREAD_STACK_SIZE && addr + len <= top;
}
