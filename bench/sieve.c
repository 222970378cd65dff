/*
 * sieve.c: the sieve of Eratosthenes over a byte array, a benchmark of
 * tight loops with memory stores.  Each unit of scale sieves the numbers
 * below SV_LIMIT - (round % 64), counts the primes and sums the last ones.
 */
#include "common/bench.h"

#define SV_LIMIT (1u << 17)     /* numbers sieved per round (bytes of flags) */

static unsigned char sv_composite[SV_LIMIT];

/*
 * sv_round: sieve [0, limit) with limit <= SV_LIMIT.
 * Returns a checksum of the prime count and the primes' sum.
 */
static uint64_t sv_round(uint32_t limit)
{
    bc_fill(sv_composite, 0, limit);
    for (uint32_t p = 2; p * p < limit; p++)
        if (!sv_composite[p])
            for (uint32_t m = p * p; m < limit; m += p)
                sv_composite[m] = 1;
    uint32_t count = 0;
    uint64_t sum = 0;
    for (uint32_t n = 2; n < limit; n++)
        if (!sv_composite[n]) {
            count++;
            sum += n;
        }
    return bc_mix(count, sum);
}

/*
 * bench_sieve: scale rounds of sv_round with slightly varying limits.
 * Returns the checksum of all rounds, in order.
 */
uint64_t bench_sieve(uint32_t scale)
{
    uint64_t h = 0;
    for (uint32_t i = 0; i < scale; i++)
        h = bc_mix(h, sv_round(SV_LIMIT - (i % 64)));
    return h;
}
