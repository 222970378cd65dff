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

/* ---- who reads the serial line ----------------------------------------
 * The monitor, unless the kernel started a console service (init=NAME
 * on the command line, kernel/proc/consdev.c).  Then the service owns
 * the line and the monitor gets it only while a process is in
 * wisp.monitor(), until the monitor's `exit` command. */
enum console_owner {
    CONSOLE_MONITOR,            /* the kernel monitor reads the line */
    CONSOLE_SERVICE,            /* cons_read reads it (consdev.c) */
};
enum console_owner console_owner(void);
/* console_set_owner: hand the line over and wake whoever waits for it. */
void console_set_owner(enum console_owner o);
/* console_monitor_turn: the monitor loop, before each prompt: sleep
 * while a service owns the line.  True if the monitor slept, i.e. it
 * has just been given the line. */
bool console_monitor_turn(void);
/* console_wait_owner: sleep until the line is o's; false if this thread
 * was thread_interrupt'ed first. */
bool console_wait_owner(enum console_owner o);
/* console_wait_input: sleep until the service owns the line and bytes
 * arrived since *seen (a console_received count) are waiting; then
 * *seen = console_received().  False if thread_interrupt'ed. */
bool console_wait_input(uint64_t *seen);

#endif
