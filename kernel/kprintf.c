/*
 * kprintf.c: the console.  Formatting is fmt.c's job; this file only
 * decides where characters go (COM1) and turns "\n" into "\r\n", which a
 * terminal needs to return the cursor to the start of the line.
 */
#include "kprintf.h"

#include "fmt.h"
#include "serial.h"

/* console_putc: write one character to the console, \n as \r\n. */
void console_putc(char c)
{
    if (c == '\n')
        serial_putc('\r');
    serial_putc(c);
}

/* console_sink: fmt_vformat's sink for the console (arg unused). */
static void console_sink(void *arg, char c)
{
    (void)arg;
    console_putc(c);
}

/* kvprintf: kprintf with a va_list.  Returns the characters printed. */
int kvprintf(const char *fmt, va_list ap)
{
    return fmt_vformat(console_sink, 0, fmt, ap);
}

/*
 * kprintf: print to the console; the conversions are listed in fmt.h.
 * Safe to call from any context (polled output, no locks yet).
 */
int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}
