/*
 * pit.c: the programmable interval timer.  Its channel 0 counts down from
 * a divisor at 1.193182 MHz and raises IRQ 0 each time it reaches zero;
 * in "rate generator" mode it reloads by itself, which gives a periodic
 * interrupt.
 */
#include "pit.h"

#include <stdint.h>

#include "arch/x86_64/x86.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CH0_RATE 0x34   /* channel 0, low then high byte, mode 2 */

/*
 * pit_init: make channel 0 interrupt hz times a second (19..1193182; the
 * divisor is rounded to the nearest integer).  Needs IRQ 0 masked or
 * interrupts off until its handler is registered.
 */
void pit_init(int hz)
{
    uint32_t div = (PIT_HZ + hz / 2) / hz;
    if (div > 0xffff)
        div = 0xffff;
    outb(PIT_CMD, PIT_CH0_RATE);
    outb(PIT_CH0, div & 0xff);
    outb(PIT_CH0, (div >> 8) & 0xff);
}
