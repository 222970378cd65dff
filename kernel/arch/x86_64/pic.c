/*
 * pic.c: the legacy 8259A PIC pair.
 *
 * A PC has two 8259As: the master takes IRQ 0..7, the slave IRQ 8..15 and
 * is wired to the master's IRQ 2.  At power-on they deliver IRQ 0..7 on
 * vectors 8..15, which in protected mode collide with CPU exceptions
 * (8 is the double fault), so the first job is to remap them.  Each PIC
 * has a mask register (IMR: 1 = ignore that line) and an in-service
 * register (ISR: which IRQ it delivered and waits an EOI for).
 */
#include "pic.h"

#include <stdint.h>

#include "arch/x86_64/x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

#define ICW1_INIT 0x11      /* start initialisation, ICW4 follows */
#define ICW4_8086 0x01      /* 8086 mode (not 8080) */
#define OCW2_EOI 0x20       /* non-specific end of interrupt */
#define OCW3_READ_ISR 0x0b  /* next read of the command port gives ISR */
#define CASCADE_IRQ 2       /* the slave hangs off master line 2 */

static uint16_t mask = 0xffff;      /* IMR of both: bit n = IRQ n masked */

/* io_wait: give an old PIC time to settle between init words (a write
 * to the unused port 0x80 takes about a microsecond). */
static void io_wait(void)
{
    outb(0x80, 0);
}

/* pic_write_mask: load both IMRs from `mask`. */
static void pic_write_mask(void)
{
    outb(PIC1_DATA, mask & 0xff);
    outb(PIC2_DATA, mask >> 8);
}

/*
 * pic_init: program both PICs so IRQ n arrives on vector_base + n, with
 * every line masked except the cascade.  Needs interrupts off.
 */
void pic_init(int vector_base)
{
    outb(PIC1_CMD, ICW1_INIT); io_wait();
    outb(PIC2_CMD, ICW1_INIT); io_wait();
    outb(PIC1_DATA, (uint8_t)vector_base); io_wait();      /* ICW2 */
    outb(PIC2_DATA, (uint8_t)(vector_base + 8)); io_wait();
    outb(PIC1_DATA, 1 << CASCADE_IRQ); io_wait();          /* ICW3 */
    outb(PIC2_DATA, CASCADE_IRQ); io_wait();
    outb(PIC1_DATA, ICW4_8086); io_wait();                 /* ICW4 */
    outb(PIC2_DATA, ICW4_8086); io_wait();
    mask = (uint16_t)~(1u << CASCADE_IRQ);                 /* all but 2 */
    pic_write_mask();
}

/* pic_unmask: let irq (0..15) through. */
void pic_unmask(int irq)
{
    mask &= (uint16_t)~(1u << irq);
    pic_write_mask();
}

/* pic_mask: ignore irq (0..15). */
void pic_mask(int irq)
{
    mask |= (uint16_t)(1u << irq);
    pic_write_mask();
}

/*
 * pic_eoi: tell the PIC(s) irq has been handled, so lines of the same or
 * lower priority may interrupt again.  An IRQ from the slave needs an
 * EOI to both: the master saw it as IRQ 2.
 */
void pic_eoi(int irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, OCW2_EOI);
    outb(PIC1_CMD, OCW2_EOI);
}

/* pic_isr: the in-service register of the PIC whose command port is cmd. */
static uint8_t pic_isr(uint16_t cmd)
{
    outb(cmd, OCW3_READ_ISR);
    return inb(cmd);
}

/*
 * pic_spurious: is this IRQ 7 or 15 spurious?  When a line drops before
 * the CPU acknowledges it, the PIC still delivers its lowest-priority
 * vector (7, or 15 on the slave) but sets no ISR bit.  A spurious IRQ
 * must not get an EOI from its own PIC (it would end some other IRQ);
 * a spurious 15 still needs one to the master, which did see IRQ 2.
 */
bool pic_spurious(int irq)
{
    if (irq == 7)
        return !(pic_isr(PIC1_CMD) & 0x80);
    if (irq == 15 && !(pic_isr(PIC2_CMD) & 0x80)) {
        outb(PIC1_CMD, OCW2_EOI);
        return true;
    }
    return false;
}
