/*
 * pit.h: the 8253/8254 programmable interval timer, channel 0 (IRQ 0).
 */
#ifndef WISP_PIT_H
#define WISP_PIT_H

#define PIT_HZ 1193182      /* the PIT's input clock, in Hz */

void pit_init(int hz);      /* interrupt hz times a second */

#endif
