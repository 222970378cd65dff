/*
 * badindirect [null]: calls through a function pointer of the wrong type
 * (default) or through a null pointer.
 * Expected: "trap: indirect call type mismatch in func N (call_it)", or
 * with `null`, "trap: uninitialized element in func N (call_it)".
 */
#include <stdio.h>
#include <string.h>

typedef int (*binop)(int, int);

/* one_arg: the function the pointer really points to. */
__attribute__((noinline)) static int one_arg(int x)
{
    return x + 1;
}

/* call_it: calls f as a two-argument function (call_indirect). */
__attribute__((noinline)) static int call_it(binop f)
{
    return f(1, 2);
}

int main(int argc, char **argv)
{
    volatile binop f = (binop)(void *)one_arg;
    if (argc > 1 && strcmp(argv[1], "null") == 0)
        f = NULL;
    printf("badindirect: calling through a %s pointer\n",
           f ? "wrongly typed" : "null");
    fflush(stdout);
    printf("result %d\n", call_it(f));
    return 0;
}
