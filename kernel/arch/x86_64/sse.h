/*
 * sse.h: a boot-time check that SSE works.  sse.c is compiled with
 * KERNEL_SSE_CFLAGS, like the Wasm engine will be, so it also proves that
 * SSE and non-SSE objects link into one kernel.
 */
#ifndef WISP_SSE_H
#define WISP_SSE_H

int sse_selftest(void);

#endif
