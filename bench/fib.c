/*
 * fib.c: doubly recursive Fibonacci, a benchmark of calls and returns.
 * Each unit of scale computes fib(24) or fib(25) the slow way (about 100k
 * to 250k calls), alternating so the compiler cannot hoist the call.
 */
#include "common/bench.h"

/* fib_rec: the n-th Fibonacci number, by the exponential recursion. */
static uint64_t fib_rec(uint32_t n)
{
    if (n < 2)
        return n;
    return fib_rec(n - 1) + fib_rec(n - 2);
}

/*
 * bench_fib: scale rounds of fib(24 + round % 2).
 * Returns the checksum of all results, in order.
 */
uint64_t bench_fib(uint32_t scale)
{
    uint64_t h = 0;
    for (uint32_t i = 0; i < scale; i++)
        h = bc_mix(h, fib_rec(24 + (i & 1)));
    return h;
}
