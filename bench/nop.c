/*
 * nop.c: the empty benchmark.  Built like the others but not in the engine
 * table: bench/sections/startup.py times it to show how much of every
 * engine's column is the fixed cost of starting the process and loading
 * the module.
 */
#include "common/bench.h"

/* bench_nop: no work.  Returns scale, so its checksum is still checked. */
uint64_t bench_nop(uint32_t scale)
{
    return scale;
}
