/*
 * gdt.c: replace the boot GDT (entry.asm) with the kernel's own, which adds
 * a 64-bit TSS.  The TSS's only job in Wisp is IST1: the stack the CPU
 * switches to when it delivers a double fault, so that a double fault
 * caused by a broken stack can still be reported.
 */
#include "gdt.h"

#include <stdint.h>

#include "param.h"
#include "arch/x86_64/x86.h"

/* The 64-bit TSS (Intel SDM vol. 3, "64-bit TSS"). */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];        /* stacks for privilege changes (unused) */
    uint64_t reserved1;
    uint64_t ist[7];        /* ist[0] is IST1 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;    /* past the limit: no I/O permission bitmap */
} __attribute__((packed));

static struct tss tss;
static uint8_t df_stack[IST_STACK_SIZE] __attribute__((aligned(16)));

/* null, code, data, TSS (two slots) */
static uint64_t gdt[5] = {
    0,
    0x00af9a000000ffffull,  /* code: present, ring 0, executable, L=1 */
    0x00cf92000000ffffull,  /* data: present, ring 0, writable */
};

/* tss_descriptor: fill gdt[i], gdt[i+1] with a 16-byte descriptor for t. */
static void tss_descriptor(int i, struct tss *t)
{
    uint64_t base = (uint64_t)t;
    uint64_t limit = sizeof *t - 1;
    gdt[i] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
             (0x89ull << 40) |                  /* present, 64-bit TSS */
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[i + 1] = base >> 32;
}

/*
 * reload_segments: make CS, DS, ES, SS use the new GDT.  CS can only be
 * changed by a far jump/return, hence the pushed selector + lretq.
 */
static void reload_segments(void)
{
    __asm__ volatile(
        "pushq %[cs]\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %[ds], %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        : : [cs] "i"(SEG_KCODE), [ds] "i"(SEG_KDATA) : "rax", "memory");
}

/*
 * gdt_init: load the kernel GDT and the TSS.  Needs: running on the boot
 * GDT.  Holds: afterwards a double fault runs on df_stack.
 */
void gdt_init(void)
{
    tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(df_stack + sizeof df_stack);
    tss.iomap_base = sizeof tss;
    tss_descriptor(SEG_TSS / 8, &tss);
    struct dtr d = { sizeof gdt - 1, (uint64_t)gdt };
    lgdt(&d);
    reload_segments();
    ltr(SEG_TSS);
}
