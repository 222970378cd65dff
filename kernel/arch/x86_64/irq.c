/*
 * irq.c: device interrupts.  The PICs deliver IRQ n on vector
 * IRQ_BASE + n; trap() passes those vectors here.  A handler runs with
 * interrupts off (the IDT gates are interrupt gates), on the stack of
 * whatever thread was interrupted, and must be short: it never blocks,
 * never switches threads, at most wakes one up.
 */
#include "irq.h"

#include "panic.h"
#include "arch/x86_64/pic.h"

static void (*handlers[NIRQS])(void);
static uint64_t counts[NIRQS];
static uint64_t spurious;

/* irq_init: remap the PICs to IRQ_BASE; every IRQ stays masked until a
 * handler is registered.  Needs interrupts off. */
void irq_init(void)
{
    pic_init(IRQ_BASE);
}

/* irq_register: route irq (0..15) to fn and unmask it.  Needs: no
 * handler yet for irq (one device per line in Wisp). */
void irq_register(int irq, void (*fn)(void))
{
    if (irq < 0 || irq >= NIRQS || handlers[irq])
        panic("irq_register: bad or taken IRQ %d", irq);
    handlers[irq] = fn;
    pic_unmask(irq);
}

/*
 * irq_dispatch: handle the interrupt that arrived on vector (IRQ_BASE ..
 * IRQ_BASE + 15).  Spurious IRQs 7 and 15 are counted and ignored; a
 * real one is counted, acknowledged (EOI) and handed to its handler.
 * Sending the EOI first is safe: the CPU keeps interrupts off until the
 * iretq, so the PIC's next interrupt cannot nest inside this one.
 */
void irq_dispatch(uint64_t vector)
{
    int irq = (int)(vector - IRQ_BASE);
    if ((irq == 7 || irq == 15) && pic_spurious(irq)) {
        spurious++;
        return;
    }
    counts[irq]++;
    pic_eoi(irq);
    if (handlers[irq])
        handlers[irq]();
}

/* irq_count: interrupts handled on irq so far (spurious ones excluded). */
uint64_t irq_count(int irq)
{
    return irq >= 0 && irq < NIRQS ? counts[irq] : 0;
}

/* irq_spurious: spurious IRQ 7 and 15 seen so far. */
uint64_t irq_spurious(void)
{
    return spurious;
}
