/*
 * sse.c: compiled WITH SSE (see kernel/Makefrag).  If entry.asm forgot to
 * enable SSE (CR4.OSFXSR), the first SSE instruction here raises #UD and
 * the kernel reports an "invalid opcode" fault at boot.
 */
#include "sse.h"

/*
 * sse_selftest: do a little double arithmetic in SSE registers; returns 1
 * when the result is the exact IEEE-754 one.  Only ints cross the
 * interface: the caller is compiled without SSE.
 */
int sse_selftest(void)
{
    volatile double a = 1.5, b = 2.25;   /* volatile: no constant folding */
    double c = a * b + 0.125;
    return c == 3.5;
}
