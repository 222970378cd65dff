/*
 * irq.h: device interrupts (IRQ 0..15 of the two 8259 PICs, remapped to
 * vectors 32..47) and interrupt masking, the kernel's only lock.
 */
#ifndef WISP_IRQ_H
#define WISP_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_BASE 32             /* vector of IRQ 0 */
#define NIRQS 16
#define IRQ_TIMER 0             /* the PIT */
#define IRQ_COM1 4              /* the serial port */

void irq_init(void);            /* remap the PICs, every IRQ masked */
/* irq_register: call fn() (interrupt context, interrupts off) for every
 * interrupt on irq, and unmask it. */
void irq_register(int irq, void (*fn)(void));
void irq_dispatch(uint64_t vector);     /* trap() calls it for 32..47 */
uint64_t irq_count(int irq);            /* interrupts handled per IRQ */
uint64_t irq_spurious(void);            /* spurious IRQ 7 / 15 seen */

/* irq_save: mask interrupts; returns the previous flags for irq_restore. */
static inline uint64_t irq_save(void)
{
    uint64_t fl;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(fl) : : "memory");
    return fl;
}

/* irq_restore: unmask interrupts again if they were on at irq_save. */
static inline void irq_restore(uint64_t fl)
{
    if (fl & (1u << 9))
        __asm__ volatile("sti" : : : "memory");
}

/* irq_enable: let interrupts in (once the scheduler is ready). */
static inline void irq_enable(void)
{
    __asm__ volatile("sti" : : : "memory");
}

/* irqs_on: true when interrupts are enabled (RFLAGS.IF). */
static inline bool irqs_on(void)
{
    uint64_t fl;
    __asm__ volatile("pushfq; popq %0" : "=r"(fl));
    return (fl & (1u << 9)) != 0;
}

#endif
