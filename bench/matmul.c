/*
 * matmul.c: dense matrix multiply in doubles, a benchmark of f64 loads,
 * multiplies and adds.  Each unit of scale fills two MM_N x MM_N matrices
 * from the PRNG and multiplies them.  The entries are small multiples of
 * 1/4, so every product and sum is exact in binary64 and the checksum does
 * not depend on how a compiler orders the additions.
 */
#include "common/bench.h"

#define MM_N 64                 /* matrix order */

static double mm_a[MM_N][MM_N], mm_b[MM_N][MM_N], mm_c[MM_N][MM_N];

/* mm_fill: set m to entries in {-2, -1.75, ..., 2} drawn from *rng. */
static void mm_fill(double m[MM_N][MM_N], uint64_t *rng)
{
    for (int i = 0; i < MM_N; i++)
        for (int j = 0; j < MM_N; j++)
            m[i][j] = (double)((int)(bc_rand(rng) % 17) - 8) * 0.25;
}

/* mm_mul: mm_c = mm_a * mm_b, in i-k-j order (unit stride inner loop). */
static void mm_mul(void)
{
    for (int i = 0; i < MM_N; i++) {
        for (int j = 0; j < MM_N; j++)
            mm_c[i][j] = 0.0;
        for (int k = 0; k < MM_N; k++) {
            double a = mm_a[i][k];
            for (int j = 0; j < MM_N; j++)
                mm_c[i][j] += a * mm_b[k][j];
        }
    }
}

/*
 * mm_sum: checksum of mm_c; each entry is a multiple of 1/16, so 16 * entry
 * converts to an integer exactly.
 */
static uint64_t mm_sum(void)
{
    uint64_t h = 0;
    for (int i = 0; i < MM_N; i++)
        for (int j = 0; j < MM_N; j++)
            h = h * 31 + (uint64_t)(int64_t)(mm_c[i][j] * 16.0);
    return h;
}

/*
 * bench_matmul: scale rounds of fill, multiply and sum.
 * Returns the checksum of all rounds, in order.
 */
uint64_t bench_matmul(uint32_t scale)
{
    uint64_t rng = 7, h = 0;
    for (uint32_t r = 0; r < scale; r++) {
        mm_fill(mm_a, &rng);
        mm_fill(mm_b, &rng);
        mm_mul();
        h = bc_mix(h, mm_sum());
    }
    return h;
}
