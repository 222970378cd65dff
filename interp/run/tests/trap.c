/* trap.c: programs that trap in wasm (wisp-run test; not compared with
 * the native build, which dies by a signal instead). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) static int poke_far(uintptr_t addr)
{
    volatile int *p = (volatile int *)addr;
    return *p;
}

__attribute__((noinline)) static int divide(int a, int b)
{
    return a / b;
}

static volatile int depth, sink;

/* Recursion with no frame in linear memory: only the engine's call stack
 * grows, until it is exhausted.  The volatile store after the call keeps
 * the compiler from turning the recursion into a loop. */
__attribute__((noinline)) static int recurse(int n)
{
    int r;
    depth++;
    if (depth < 0)
        return n;
    r = recurse(n + 1);
    sink = r;
    return r + 1;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    printf("about to trap: %s\n", what);
    fflush(stdout);
    if (strcmp(what, "oob") == 0)
        return poke_far(0xfffffff0u);
    if (strcmp(what, "div") == 0)
        return divide(argc, argc - 2);
    if (strcmp(what, "unreachable") == 0)
        __builtin_trap();
    if (strcmp(what, "recurse") == 0)
        return recurse(1);
    if (strcmp(what, "loop") == 0)
        for (volatile int i = 0;; i++)
            ;
    printf("no trap\n");
    return 0;
}
