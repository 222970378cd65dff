/*
 * kprintf.h: formatted output to the console (the serial port).
 */
#ifndef WISP_KPRINTF_H
#define WISP_KPRINTF_H

#include <stdarg.h>

void console_putc(char c);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

#endif
