/*
 * counter [NAME [STEPS]]: CPU-bound work that prints its progress.
 *
 * Each step spins through a few million additions (no host calls, no
 * yields), then prints "NAME: step i/STEPS".  Two counters run at once
 * both make progress only if the kernel preempts them.  Defaults: NAME
 * "counter", STEPS 5.
 */
#include <stdio.h>
#include <stdlib.h>

#define SPIN 200000     /* loop iterations per step */

/* spin: n rounds of arithmetic the compiler cannot fold away. */
static unsigned spin(unsigned n)
{
    volatile unsigned acc = 0;
    for (unsigned i = 0; i < n; i++)
        acc += i ^ (acc >> 3);
    return acc;
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "counter";
    int steps = argc > 2 ? atoi(argv[2]) : 5;
    if (steps <= 0) {
        fprintf(stderr, "counter: STEPS must be a positive number\n");
        return 2;
    }
    for (int i = 1; i <= steps; i++) {
        spin(SPIN);
        printf("%s: step %d/%d\n", name, i, steps);
    }
    return 0;
}
