/*
 * strsort.c: generate strings, sort them, checksum the order; a benchmark
 * of byte compares, indirect calls (the comparator) and swaps.  Each unit of
 * scale makes SS_COUNT random lowercase strings of 4..19 letters from a
 * small alphabet (so many share long prefixes), sorts an array of pointers
 * to them with bc_qsort, checks the order and hashes it.
 */
#include "common/bench.h"

#define SS_COUNT 2000           /* strings per round */
#define SS_MAXLEN 20            /* longest string incl. its NUL */

static char ss_pool[SS_COUNT][SS_MAXLEN];
static const char *ss_ptr[SS_COUNT];

/* ss_cmp: bc_qsort comparator of two `const char *` elements. */
static int ss_cmp(const void *a, const void *b)
{
    return bc_strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ss_make: fill the pool with fresh strings from *rng and point at them. */
static void ss_make(uint64_t *rng)
{
    for (int i = 0; i < SS_COUNT; i++) {
        uint64_t r = bc_rand(rng);
        int len = 4 + (int)(r % 16);
        for (int k = 0; k < len; k++) {
            r = r ? r : bc_rand(rng);
            ss_pool[i][k] = (char)('a' + r % 6);
            r /= 6;
        }
        ss_pool[i][len] = '\0';
        ss_ptr[i] = ss_pool[i];
    }
}

/*
 * ss_round: make, sort and hash one set of strings.
 * Returns the hash of the sorted sequence, or 0 if it is not sorted (a bug
 * that the checksum comparison then reports).
 */
static uint64_t ss_round(uint64_t *rng)
{
    ss_make(rng);
    bc_qsort(ss_ptr, SS_COUNT, sizeof ss_ptr[0], ss_cmp);
    uint64_t h = BC_FNV_BASIS;
    for (int i = 0; i < SS_COUNT; i++) {
        if (i > 0 && bc_strcmp(ss_ptr[i - 1], ss_ptr[i]) > 0)
            return 0;
        const char *s = ss_ptr[i];
        size_t n = 0;
        while (s[n])
            n++;
        h = bc_fnv(h, s, n + 1);
    }
    return h;
}

/*
 * bench_strsort: scale rounds of ss_round.
 * Returns the checksum of all rounds, in order.
 */
uint64_t bench_strsort(uint32_t scale)
{
    uint64_t rng = 1234, h = 0;
    for (uint32_t i = 0; i < scale; i++)
        h = bc_mix(h, ss_round(&rng));
    return h;
}
