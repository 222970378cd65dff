/*
 * trap.c: what happens after an exception.  For now every CPU exception
 * but the breakpoint is fatal: the kernel has no user programs whose
 * faults it could handle, so a fault is a kernel bug.  trap() reports it
 * and stops the machine.
 * Device interrupts (vectors 32..47: timer, serial) go to irq.c.
 */
#include "trap.h"

#include "backtrace.h"
#include "kprintf.h"
#include "panic.h"
#include "symbols.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/x86.h"
#include "mm/pmm.h"
#include "mm/vm.h"

static const char *const names[NEXCEPTIONS] = {
    "divide error", "debug", "non-maskable interrupt", "breakpoint",
    "overflow", "bound range exceeded", "invalid opcode",
    "device not available", "double fault", "coprocessor segment overrun",
    "invalid TSS", "segment not present", "stack-segment fault",
    "general protection fault", "page fault", "reserved (15)",
    "x87 floating-point error", "alignment check", "machine check",
    "SIMD floating-point error", "virtualization exception",
    "control protection exception", "reserved (22)", "reserved (23)",
    "reserved (24)", "reserved (25)", "reserved (26)", "reserved (27)",
    "hypervisor injection", "VMM communication", "security exception",
    "reserved (31)",
};

/* trap_name: a human name for an exception vector. */
const char *trap_name(uint64_t vector)
{
    return vector < NEXCEPTIONS ? names[vector] : "interrupt";
}

/* dump_frame: every register the trap frame saved. */
static void dump_frame(const struct trapframe *tf)
{
    kprintf("registers:\n");
    kprintf("  rax=%p rbx=%p rcx=%p\n", (void *)tf->rax, (void *)tf->rbx,
            (void *)tf->rcx);
    kprintf("  rdx=%p rsi=%p rdi=%p\n", (void *)tf->rdx, (void *)tf->rsi,
            (void *)tf->rdi);
    kprintf("  rbp=%p rsp=%p r8=%p\n", (void *)tf->rbp, (void *)tf->rsp,
            (void *)tf->r8);
    kprintf("  r9=%p r10=%p r11=%p\n", (void *)tf->r9, (void *)tf->r10,
            (void *)tf->r11);
    kprintf("  r12=%p r13=%p r14=%p\n", (void *)tf->r12, (void *)tf->r13,
            (void *)tf->r14);
    kprintf("  r15=%p rflags=%p cs=0x%lx ss=0x%lx\n", (void *)tf->r15,
            (void *)tf->rflags, tf->cs, tf->ss);
    kprintf("  cr0=%p cr3=%p cr4=%p\n", (void *)read_cr0(),
            (void *)read_cr3(), (void *)read_cr4());
}

/*
 * pf_cause: spell out a page fault's error code: bit 0 = the page was
 * present (so a protection violation), 1 = write, 4 = instruction fetch.
 */
static void pf_cause(uint64_t err)
{
    kprintf("  cause: %s %s\n",
            (err & 16) ? "instruction fetch from" :
            (err & 2) ? "write to" : "read from",
            (err & 1) ? "a protected page" : "a not-present page");
}

/*
 * stack_overflow_note: if the fault touched the guard page below a kernel
 * stack, say so: the address a page fault names (cr2; a double fault
 * raised while delivering one leaves it there too), or else the byte just
 * below the saved rsp, where the push or call that faulted would have
 * written.
 */
static void stack_overflow_note(const struct trapframe *tf, uint64_t cr2)
{
    uint64_t lo, hi, at = cr2;
    bool has_cr2 = tf->vector == T_PAGE_FAULT || tf->vector == T_DOUBLE_FAULT;
    if (!has_cr2 || !vm_stack_guard(at, &lo, &hi)) {
        at = tf->rsp - 1;
        if (!vm_stack_guard(at, &lo, &hi))
            return;
    }
    kprintf("  kernel stack overflow: %p is in the guard page %p-%p below "
            "the stack %p-%p\n", (void *)at, (void *)(lo - PGSIZE),
            (void *)lo, (void *)lo, (void *)hi);
}

// book: fault_report
/*
 * fault_report: the fatal-exception path.  Prints
 *   FAULT: <name> (vector N) error=0x.. rip=0x.. <symbol>+0x.. [cr2=0x..]
 * then the registers and a backtrace starting at the faulting
 * instruction, and ends the run like a panic (WISP-EXIT: 1).
 */
static void fault_report(struct trapframe *tf)
{
    uint64_t cr2 = read_cr2();      /* read first: a later fault changes it */
    panic_begin();
    uint64_t off;
    const char *fn = sym_lookup(tf->rip, &off);
    kprintf("FAULT: %s (vector %lu) error=0x%lx rip=%p %s+0x%lx",
            trap_name(tf->vector), tf->vector, tf->err, (void *)tf->rip,
            fn ? fn : "?", off);
    if (tf->vector == T_PAGE_FAULT)
        kprintf(" cr2=%p", (void *)cr2);
    kprintf("\n");
    if (tf->vector == T_PAGE_FAULT)
        pf_cause(tf->err);
    if (tf->vector == T_DOUBLE_FAULT)
        kprintf("  (handled on the IST%d stack, rsp=%p)\n", 1,
                (void *)read_rsp());
    stack_overflow_note(tf, cr2);
    dump_frame(tf);
    bt_print_from(tf->rip, tf->rbp);
    kexit(1);
}
// book: fault_report

/*
 * breakpoint: int3 is a trap, not a fault: the saved rip is already past
 * the instruction, so returning simply continues.  It is the one exception
 * the kernel survives, which also exercises trap_common's return path.
 */
static void breakpoint(const struct trapframe *tf)
{
    uint64_t off;
    const char *fn = sym_lookup(tf->rip, &off);
    kprintf("breakpoint at rip=%p %s+0x%lx, continuing\n", (void *)tf->rip,
            fn ? fn : "?", off);
}

/*
 * trap: called by trap_common (vectors.asm) for every exception and
 * device interrupt, with interrupts off.  Returning resumes the
 * interrupted code with the registers in *tf.  Every exception but the
 * breakpoint is fatal.
 */
void trap(struct trapframe *tf)
{
    if (tf->vector >= IRQ_BASE && tf->vector < IRQ_BASE + NIRQS) {
        irq_dispatch(tf->vector);
        return;
    }
    if (tf->vector == T_BREAKPOINT) {
        breakpoint(tf);
        return;
    }
    if (tf->vector < NEXCEPTIONS)
        fault_report(tf);
    panic("unexpected interrupt vector %lu", tf->vector);
}
