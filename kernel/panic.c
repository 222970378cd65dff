/*
 * panic.c: panic() and the end of every run.
 */
#include "panic.h"

#include <stdarg.h>
#include <stdint.h>

#include "backtrace.h"
#include "kprintf.h"
#include "arch/x86_64/x86.h"

/* QEMU's isa-debug-exit device: writing v makes QEMU exit with 2v+1. */
#define DEBUG_EXIT_PORT 0xf4

static int panicking;   /* set once the first panic or fault started */

/*
 * kexit: print "WISP-EXIT: code", tell QEMU to exit with status
 * 2*code+1, and, on a machine without the device, halt forever with
 * interrupts off.  Never returns.
 */
void kexit(int code)
{
    kprintf("WISP-EXIT: %d\n", code);
    outb(DEBUG_EXIT_PORT, (uint8_t)code);
    for (;;) {
        cli();
        hlt();
    }
}

/*
 * panic_begin: called first on every fatal path.  A second fatal error
 * while reporting the first (say, a fault inside the backtrace code)
 * would recurse forever; instead it stops the machine at once.
 */
void panic_begin(void)
{
    cli();
    if (panicking) {
        kprintf("PANIC: nested panic while reporting a fatal error\n");
        kexit(1);
    }
    panicking = 1;
}

/* dump_regs: the registers that describe the CPU's state at a panic. */
static void dump_regs(void)
{
    kprintf("registers:\n");
    kprintf("  rsp=%p rbp=%p rflags=%p\n", (void *)read_rsp(),
            (void *)read_rbp(), (void *)read_rflags());
    kprintf("  cr0=%p cr2=%p cr3=%p\n", (void *)read_cr0(),
            (void *)read_cr2(), (void *)read_cr3());
    kprintf("  cr4=%p efer=%p\n", (void *)read_cr4(),
            (void *)rdmsr(MSR_EFER));
}

/*
 * panic: report a kernel bug and stop.  Prints "PANIC: <message>", the
 * registers and a symbolised backtrace of the caller, then ends the run
 * with WISP-EXIT: 1.  Never returns; callable from anywhere.
 */
void panic(const char *fmt, ...)
{
    panic_begin();
    va_list ap;
    va_start(ap, fmt);
    kprintf("PANIC: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
    dump_regs();
    backtrace();
    kexit(1);
}
