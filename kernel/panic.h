/*
 * panic.h: stopping the kernel, cleanly (halt) or because of a bug (panic).
 *
 * Both end the QEMU run through the isa-debug-exit device at port 0xf4,
 * after a marker line the test harness looks for:
 *     WISP-EXIT: 0   clean halt (QEMU then exits with status 1)
 *     WISP-EXIT: 1   panic or fatal fault (QEMU exits with status 3)
 */
#ifndef WISP_PANIC_H
#define WISP_PANIC_H

void panic(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
void panic_begin(void);
void kexit(int code) __attribute__((noreturn));

#endif
