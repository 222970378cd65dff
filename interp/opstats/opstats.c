/*
 * opstats.c: op and op-pair counts for the op-counting build of wisp-run
 * (`make wisp-run-opstats`: exec.c compiled with -DWL_OPSTATS calls
 * wl_opstats_count before every dispatch).  At exit, when the environment
 * variable WISP_OPSTATS names a file, the counts are appended to it, one
 * line each:  `op A count` and `pair A B count` (A then B, op numbers as
 * in ops.h, in hex).  bench/opstats.py sums such files and ranks the
 * pairs: the candidates for superinstructions.  Host code only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NOPS 512                        /* OP_MASK + 1 */

static uint64_t ops[NOPS];
static uint64_t pairs[NOPS][NOPS];
static uint32_t prev = NOPS;            /* none yet */

/* Counts op, and the pair (the op before it, op). */
void wl_opstats_count(uint32_t op)
{
    ops[op]++;
    if (prev < NOPS)
        pairs[prev][op]++;
    prev = op;
}

/* Appends every non-zero count to $WISP_OPSTATS. */
static void dump(void)
{
    const char *path = getenv("WISP_OPSTATS");
    FILE *f = path ? fopen(path, "a") : NULL;
    if (!f)
        return;
    for (int a = 0; a < NOPS; a++) {
        if (ops[a])
            fprintf(f, "op %x %llu\n", a, (unsigned long long)ops[a]);
        for (int b = 0; b < NOPS; b++)
            if (pairs[a][b])
                fprintf(f, "pair %x %x %llu\n", a, b,
                        (unsigned long long)pairs[a][b]);
    }
    fclose(f);
}

/* Registers dump with atexit before main runs (a gcc/clang constructor:
 * wisp-run itself needs no change). */
__attribute__((constructor)) static void opstats_init(void)
{
    atexit(dump);
}
