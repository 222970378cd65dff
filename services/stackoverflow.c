/*
 * stackoverflow: recursion with no end.  The recursion keeps its state in
 * Wasm locals (no address taken), so it exhausts the engine's call stack,
 * not the C stack in linear memory.
 * Expected: "trap: call stack exhausted in func N (recurse)".
 */
#include <stdio.h>

/* Globals the recursion touches; volatile, so the compiler can neither
 * prove the recursion endless (and warn) nor turn it into a loop. */
static volatile unsigned depth_limit = ~0u, sink;

/* recurse: the store to sink after the call keeps it from being a tail
 * call; nothing lives in linear memory, so only the engine's call stack
 * grows. */
__attribute__((noinline)) static unsigned recurse(unsigned n)
{
    unsigned r;
    if (n == depth_limit)
        return 0;
    r = recurse(n + 1);
    sink = r;
    return r + n;
}

int main(void)
{
    printf("stackoverflow: recursing forever\n");
    fflush(stdout);
    printf("result %u\n", recurse(0));
    return 0;
}
