/*
 * hello: prints a greeting, its pid and its arguments, then exits 0.
 * The first program a new kernel runs.
 */
#include <stdio.h>

#include "wisp.h"

int main(int argc, char **argv)
{
    printf("hello from wasm, pid %d\n", (int)wisp_getpid());
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    return 0;
}
