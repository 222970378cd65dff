/*
 * x86.h: thin wrappers around x86-64 instructions that C cannot express:
 * I/O ports, control registers, MSRs, descriptor-table loads, halting.
 *
 * All are static inline so each compiles to the single instruction it
 * names; "memory" clobbers stop the compiler from moving memory accesses
 * across instructions that have side effects.
 */
#ifndef WISP_X86_H
#define WISP_X86_H

#include <stdint.h>

/* inb: read a byte from an I/O port. */
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* outb: write a byte to an I/O port. */
static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/* inw / outw / inl: 16- and 32-bit port access (device capabilities). */
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* outl: write 32 bits to an I/O port. */
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/*
 * READ_REG: define a function `name` that returns a register the C
 * compiler cannot name, read by one `mov`.
 */
#define READ_REG(name, reg)                                 \
    static inline uint64_t name(void)                       \
    {                                                       \
        uint64_t v;                                         \
        __asm__ volatile("mov %%" reg ", %0" : "=r"(v));    \
        return v;                                           \
    }

READ_REG(read_cr0, "cr0")   /* paging, write protection, FPU control */
READ_REG(read_cr2, "cr2")   /* the address of the last page fault */
READ_REG(read_cr3, "cr3")   /* the physical address of the PML4 */
READ_REG(read_cr4, "cr4")   /* PAE, SSE enable, ... */
READ_REG(read_rbp, "rbp")   /* the frame pointer */
READ_REG(read_rsp, "rsp")   /* the stack pointer */

/* read_rflags: the flags register (IF, bit 9, says interrupts are on). */
static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

/* rdmsr: read a model-specific register (e.g. MSR_EFER). */
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

/* The operand of lgdt/lidt: a 16-bit limit and a 64-bit base. */
struct dtr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* lidt: make the CPU use the IDT described by d. */
static inline void lidt(const struct dtr *d)
{
    __asm__ volatile("lidt %0" : : "m"(*d) : "memory");
}

/* lgdt: make the CPU use the GDT described by d (segments not reloaded). */
static inline void lgdt(const struct dtr *d)
{
    __asm__ volatile("lgdt %0" : : "m"(*d) : "memory");
}

/* ltr: load TR, the register that names the TSS, with selector sel. */
static inline void ltr(uint16_t sel)
{
    __asm__ volatile("ltr %0" : : "r"(sel) : "memory");
}

/* cli: disable maskable interrupts. */
static inline void cli(void)
{
    __asm__ volatile("cli" : : : "memory");
}

/* hlt: sleep until the next interrupt (forever, with interrupts off). */
static inline void hlt(void)
{
    __asm__ volatile("hlt" : : : "memory");
}

/* Tells the CPU we are in a spin-wait loop (saves power, helps SMT). */
static inline void cpu_relax(void)
{
    __asm__ volatile("pause" : : : "memory");
}

#define MSR_EFER 0xc0000080u

#endif
