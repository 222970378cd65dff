/*
 * serial.h: the 16550 UART on COM1: polled output, input polled or by
 * interrupt (console.c).
 * The serial port is Wisp's only console: QEMU connects it to a terminal
 * (make qemu) or to a pipe (the test harness).
 */
#ifndef WISP_SERIAL_H
#define WISP_SERIAL_H

#include <stdbool.h>

void serial_init(void);
void serial_putc(char c);
bool serial_can_read(void);
int serial_getc(void);
void serial_rx_irq_on(void);
int serial_read(void);

#endif
