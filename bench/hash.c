/*
 * hash.c: hashing a large buffer, a benchmark of byte loads and 64-bit
 * multiplies.  The buffer is filled once from the PRNG; each unit of scale
 * hashes all of it with FNV-1a (byte at a time) and with a word-at-a-time
 * multiply-rotate hash in the style of xxHash, from a seed that changes per
 * round.
 */
#include "common/bench.h"

#define HS_BYTES (1u << 18)     /* size of the hashed buffer */

static uint64_t hs_buf[HS_BYTES / 8];

/* hs_rotl: rotate x left by r (0 < r < 64). */
static uint64_t hs_rotl(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

/*
 * hs_words: a four-lane multiply-rotate hash of n words (n % 4 == 0).
 * Returns the folded 64-bit hash.
 */
static uint64_t hs_words(const uint64_t *w, size_t n, uint64_t seed)
{
    const uint64_t p1 = 0x9e3779b185ebca87ull, p2 = 0xc2b2ae3d27d4eb4full;
    uint64_t a = seed + p1, b = seed + p2, c = seed, d = seed - p1;
    for (size_t i = 0; i < n; i += 4) {
        a = hs_rotl(a + w[i] * p2, 31) * p1;
        b = hs_rotl(b + w[i + 1] * p2, 31) * p1;
        c = hs_rotl(c + w[i + 2] * p2, 31) * p1;
        d = hs_rotl(d + w[i + 3] * p2, 31) * p1;
    }
    uint64_t h = hs_rotl(a, 1) + hs_rotl(b, 7) + hs_rotl(c, 12) + hs_rotl(d, 18);
    h ^= h >> 33;
    h *= p2;
    return h ^ (h >> 29);
}

/*
 * bench_hash: fill the buffer, then scale rounds of both hashes.
 * Returns the checksum of every round's two hashes, in order.
 */
uint64_t bench_hash(uint32_t scale)
{
    uint64_t rng = 42, h = 0;
    for (uint32_t i = 0; i < HS_BYTES / 8; i++)
        hs_buf[i] = bc_rand(&rng);
    for (uint32_t i = 0; i < scale; i++) {
        h = bc_mix(h, bc_fnv(BC_FNV_BASIS ^ i, hs_buf, HS_BYTES));
        h = bc_mix(h, hs_words(hs_buf, HS_BYTES / 8, i));
    }
    return h;
}
