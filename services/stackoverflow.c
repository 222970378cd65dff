/*
 * stackoverflow: recursion with no end.  The recursion keeps its state in
 * Wasm locals (no address taken), so it exhausts the engine's call stack,
 * not the C stack in linear memory.
 * Expected: "trap: call stack exhausted in func N (recurse)".
 */
#include <stdio.h>

/* Never reached; volatile so the compiler cannot prove the recursion
 * endless (and warn) or remove the test. */
static volatile unsigned depth_limit = ~0u;

/* recurse: not a tail call (the addition happens after the return). */
__attribute__((noinline)) static unsigned recurse(unsigned n)
{
    if (n == depth_limit)
        return 0;
    return recurse(n + 1) + n;
}

int main(void)
{
    printf("stackoverflow: recursing forever\n");
    fflush(stdout);
    printf("result %u\n", recurse(0));
    return 0;
}
