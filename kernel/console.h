/*
 * console.h: console input: bytes received on COM1 by the serial
 * interrupt, kept in a ring buffer of CONSOLE_RXBUF bytes (param.h)
 * until a thread reads them.  When the buffer is full, new bytes are
 * dropped and counted.  (Output is console_putc/kprintf, kprintf.h.)
 */
#ifndef WISP_CONSOLE_H
#define WISP_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

void console_init(void);        /* enable the COM1 receive interrupt
                                   (needs irq_init) */
/* console_getc: the next byte typed (0..255), blocking until there is
 * one; -1 if the waiting thread was thread_interrupt'ed. */
int console_getc(void);
/* console_try_getc: true and *c = the next byte if one is waiting;
 * false at once otherwise. */
bool console_try_getc(int *c);
uint64_t console_dropped(void); /* bytes lost to a full buffer */
uint64_t console_received(void);/* bytes received in total */

#endif
