/*
 * fmt.h: printf-style formatting, independent of where the characters go.
 *
 * Pure freestanding C (stdarg, stddef, stdint only): the kernel uses it for
 * kprintf, and the host unit test (kernel/tests/fmt_test.c) compiles the
 * same file to check every conversion.
 *
 * Supported: %d %i %u %x %X %p %s %c %%; flags '-' (left align) and '0'
 * (zero pad); a width (digits or '*'); a precision for %s ('.N' or '.*',
 * the most characters printed); length modifiers l, ll, z.  %p prints
 * 0x followed by 16 hex digits.  An unknown conversion is printed as is.
 */
#ifndef WISP_FMT_H
#define WISP_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* A sink receives the formatted characters one at a time. */
typedef void (*fmt_sink)(void *arg, char c);

int fmt_vformat(fmt_sink sink, void *arg, const char *fmt, va_list ap);
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
