/*
 * main_hosted.c: the driver of a benchmark as a program (native, or a
 * wasm32-wasi command).  Built with -DBENCH_FN=bench_<name>.
 *
 * Usage: <bench> SCALE   prints the checksum of BENCH_FN(SCALE) in decimal.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#ifndef BENCH_FN
#error "build with -DBENCH_FN=bench_<name>"
#endif

/*
 * bm_scale: parse the SCALE argument.
 * Returns 1..UINT32_MAX, or 0 when s is not such a decimal number.
 */
static uint32_t bm_scale(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v == 0 || v > UINT32_MAX)
        return 0;
    return (uint32_t)v;
}

int main(int argc, char **argv)
{
    uint32_t scale = argc == 2 ? bm_scale(argv[1]) : 0;
    if (scale == 0) {
        fprintf(stderr, "usage: %s SCALE   (SCALE: 1..4294967295)\n",
                argc > 0 ? argv[0] : "bench");
        return 2;
    }
    printf("%" PRIu64 "\n", BENCH_FN(scale));
    return 0;
}
