/*
 * idt.c: build and load the IDT.  Each of the 32 exception vectors and the
 * 16 device-interrupt vectors (IRQ 0..15, see irq.c) gets an interrupt
 * gate pointing at its stub in vectors.asm; the stubs build a struct
 * trapframe and call trap() (trap.c).  Interrupt gates turn interrupts
 * off on entry, so no handler is ever interrupted.
 */
#include "idt.h"

#include <stdint.h>

#include "arch/x86_64/gdt.h"
#include "arch/x86_64/x86.h"

#define T_DOUBLE_FAULT 8
#define GATE_INTERRUPT 0x8e   /* present, ring 0, 64-bit interrupt gate */

/* One 16-byte IDT entry (a "gate"). */
struct gate {
    uint16_t off_lo;
    uint16_t sel;           /* code segment to run the handler in */
    uint8_t ist;            /* 0, or the IST slot whose stack to switch to */
    uint8_t type;
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t reserved;
} __attribute__((packed));

extern const uint64_t trap_vectors[NVECTORS];   /* vectors.asm */

static struct gate idt[NVECTORS];

/* set_gate: point vector v at handler, on IST slot ist (0 = current stack). */
static void set_gate(int v, uint64_t handler, int ist)
{
    idt[v] = (struct gate){
        .off_lo = handler & 0xffff,
        .sel = SEG_KCODE,
        .ist = (uint8_t)ist,
        .type = GATE_INTERRUPT,
        .off_mid = (handler >> 16) & 0xffff,
        .off_hi = (uint32_t)(handler >> 32),
    };
}

/*
 * idt_init: install all exception and interrupt gates, load the IDT.  Needs
 * gdt_init() first (the double-fault gate uses IST1 from the TSS).
 */
void idt_init(void)
{
    for (int v = 0; v < NVECTORS; v++)
        set_gate(v, trap_vectors[v], v == T_DOUBLE_FAULT ? IST_DOUBLE_FAULT : 0);
    struct dtr d = { sizeof idt - 1, (uint64_t)idt };
    lidt(&d);
}

/*
 * idt_clear: load an empty IDT (test path for `fault triple`).  After it,
 * any exception finds no gate, which escalates to a double fault, which
 * finds no gate either: a triple fault, and the CPU resets.
 */
void idt_clear(void)
{
    struct dtr d = { 0, 0 };
    lidt(&d);
}
