/*
 * fault.c: one small function per exception kind.  Each is noinline so it
 * shows up by name in the FAULT line and the backtrace, and each uses
 * inline assembly, because in C most of these would be undefined behaviour
 * that the compiler may assume away.  Each also prints a line first: gcc
 * gives a leaf function that needs no stack no frame (no push %rbp) even
 * with -fno-omit-frame-pointer, and then the backtrace would skip its
 * caller; calling kprintf makes every trigger a non-leaf with a frame.
 */
#include "fault.h"

#include <stdbool.h>
#include <stdint.h>

#include "kprintf.h"
#include "kstring.h"
#include "arch/x86_64/idt.h"
#include "mm/mmtest.h"

/* Canonical, lower half, far above the 4 GiB the boot tables map. */
#define UNMAPPED_ADDR 0x00000dead0000000ull
/* Not canonical (bits 63..47 differ): any access is a #GP. */
#define NONCANON_ADDR 0xdead000000000000ull

/* fault_pf: read an unmapped address: page fault, cr2 = the address. */
__attribute__((noinline)) static void fault_pf(void)
{
    kprintf("reading %p\n", (void *)UNMAPPED_ADDR);
    uint64_t v;
    __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(UNMAPPED_ADDR) : "memory");
}

/* fault_gp: read a non-canonical address: general protection fault. */
__attribute__((noinline)) static void fault_gp(void)
{
    kprintf("reading %p\n", (void *)NONCANON_ADDR);
    uint64_t v;
    __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(NONCANON_ADDR) : "memory");
}

/* fault_ud: ud2 is defined to be an invalid opcode. */
__attribute__((noinline)) static void fault_ud(void)
{
    kprintf("executing ud2\n");
    __asm__ volatile("ud2");
}

/* fault_de: divide by zero. */
__attribute__((noinline)) static void fault_de(void)
{
    kprintf("dividing 1 by 0\n");
    __asm__ volatile("xorl %%edx, %%edx\n\t"
                     "movl $1, %%eax\n\t"
                     "xorl %%ecx, %%ecx\n\t"
                     "divl %%ecx" : : : "rax", "rcx", "rdx");
}

/*
 * fault_bp: execute int3 with known values in ten registers and check
 * that the handler, which returns for a breakpoint, gave them all back.
 */
__attribute__((noinline)) static void fault_bp(void)
{
    kprintf("executing int3\n");
    /* Set after the call: a call may clobber these registers. */
    register uint64_t r8 __asm__("r8") = 0x8888888888888888ull;
    register uint64_t r9 __asm__("r9") = 0x9999999999999999ull;
    register uint64_t r10 __asm__("r10") = 0xaaaaaaaaaaaaaaaaull;
    register uint64_t r11 __asm__("r11") = 0xbbbbbbbbbbbbbbbbull;
    uint64_t b = 0xb0b0, c = 0xc0c0, d = 0xd0d0, si = 0x5151, di = 0xd1d1;
    __asm__ volatile("int3"
                     : "+b"(b), "+c"(c), "+d"(d), "+S"(si), "+D"(di),
                       "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11)
                     : : "memory");
    bool ok = b == 0xb0b0 && c == 0xc0c0 && d == 0xd0d0 && si == 0x5151 &&
              di == 0xd1d1 && r8 == 0x8888888888888888ull &&
              r9 == 0x9999999999999999ull && r10 == 0xaaaaaaaaaaaaaaaaull &&
              r11 == 0xbbbbbbbbbbbbbbbbull;
    kprintf("back from the breakpoint: registers %s\n",
            ok ? "intact" : "CORRUPTED");
}

/*
 * fault_df: point %rsp at unmapped memory and push.  The push page-faults;
 * delivering that page fault needs the same broken stack and faults
 * again, which the CPU turns into a double fault.  Only the IST1 stack
 * (gdt.c) lets the double-fault handler run at all.
 */
__attribute__((noinline)) static void fault_df(void)
{
    kprintf("switching to the stack at %p\n", (void *)UNMAPPED_ADDR);
    __asm__ volatile("movq %0, %%rsp\n\t"
                     "pushq $0" : : "r"(UNMAPPED_ADDR) : "memory");
}

/* fault_triple: with no IDT even a double fault has no handler. */
__attribute__((noinline)) static void fault_triple(void)
{
    kprintf("loading an empty IDT, then executing ud2\n");
    idt_clear();
    __asm__ volatile("ud2");
}

static const struct {
    const char *name;
    const char *what;
    void (*fn)(void);
} kinds[] = {
    { "pf", "page fault: read an unmapped address", fault_pf },
    { "gp", "general protection fault: non-canonical address", fault_gp },
    { "ud", "invalid opcode: ud2", fault_ud },
    { "de", "divide error: divide by zero", fault_de },
    { "bp", "breakpoint: int3 (not fatal: the handler returns)", fault_bp },
    { "df", "double fault: push onto an unmapped stack", fault_df },
    { "triple", "triple fault: no IDT (the machine resets)", fault_triple },
    { "stack", "kernel stack overflow into its guard page", mm_fault_stack },
    { "wp", "page fault: write to the read-only kernel text", mm_fault_wp },
    { "nx", "page fault: execute no-execute kernel data", mm_fault_nx },
    { "null", "page fault: read through a null pointer", mm_fault_null },
    { "pmmdf", "panic: free a physical frame twice", mm_fault_pmm_double },
    { "heapdf", "panic: kfree a heap block twice", mm_fault_heap_double },
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

/*
 * fault_cmd: `fault <kind>` raises the named exception, which does not
 * return (except `bp`); with no or an unknown kind, prints the usage and
 * returns.
 */
void fault_cmd(int argc, char **argv)
{
    for (size_t i = 0; argc == 2 && i < NKINDS; i++) {
        if (strcmp(argv[1], kinds[i].name) == 0) {
            kprintf("raising %s\n", kinds[i].what);
            kinds[i].fn();
            if (strcmp(kinds[i].name, "bp") != 0)
                kprintf("fault %s did not fault!\n", kinds[i].name);
            return;
        }
    }
    if (argc >= 2)
        kprintf("unknown fault kind '%s'\n", argv[1]);
    kprintf("usage: fault <kind>, where kind is one of:\n");
    for (size_t i = 0; i < NKINDS; i++)
        kprintf("  %-7s %s\n", kinds[i].name, kinds[i].what);
}
