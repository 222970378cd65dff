/*
 * unreachable: executes the Wasm `unreachable` instruction.
 * Expected: "trap: unreachable in func N (crash)".
 */
#include <stdio.h>

/* crash: __builtin_trap() compiles to `unreachable`. */
__attribute__((noinline)) static void crash(void)
{
    __builtin_trap();
}

int main(void)
{
    printf("unreachable: about to trap\n");
    fflush(stdout);
    crash();
    return 0;
}
