/*
 * lib.c: the few library routines the benchmark kernels share.
 *
 * They stand in for libc so the kernels also build as freestanding wasm32
 * modules, and so that native, WASI and freestanding builds execute the same
 * algorithm (a libc qsort or memcpy would differ between targets and make the
 * comparison meaningless).
 */
#include "bench.h"

/*
 * bc_rand: next output of splitmix64.
 * Needs a state word (any value).  Returns 64 pseudo-random bits and
 * advances *state.
 */
uint64_t bc_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/*
 * bc_mix: fold v into checksum h.
 * Returns the new checksum; any change to v or to the order of folds
 * changes it (a multiply-xorshift step).
 */
uint64_t bc_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

/*
 * bc_fnv: FNV-1a 64 over n bytes at p, starting from h.
 * Returns the updated hash.
 */
uint64_t bc_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/*
 * bc_copy: copy n bytes from src to dst; the ranges must not overlap.
 */
void bc_copy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

/*
 * bc_fill: set n bytes at dst to byte.
 */
void bc_fill(void *dst, int byte, size_t n)
{
    unsigned char *d = dst;
    for (size_t i = 0; i < n; i++)
        d[i] = (unsigned char)byte;
}

/*
 * bc_strcmp: compare NUL-terminated strings as unsigned bytes.
 * Returns <0, 0 or >0 like strcmp.
 */
int bc_strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;
    while (*x && *x == *y) {
        x++;
        y++;
    }
    return (int)*x - (int)*y;
}

/* Swaps two elements of `size` bytes. */
static void bc_swap(unsigned char *a, unsigned char *b, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        unsigned char t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

/*
 * bc_isort: insertion sort of n elements at base; for short ranges.
 */
static void bc_isort(unsigned char *base, size_t n, size_t size,
                     int (*cmp)(const void *, const void *))
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            unsigned char *a = base + (j - 1) * size, *b = base + j * size;
            if (cmp(a, b) <= 0)
                break;
            bc_swap(a, b, size);
        }
}

/*
 * bc_partition: Hoare partition of n >= 2 elements around the median of the
 * first, middle and last.  Returns k with 1 <= k < n such that every element
 * of [0,k) is <= every element of [k,n).
 */
static size_t bc_partition(unsigned char *base, size_t n, size_t size,
                           int (*cmp)(const void *, const void *))
{
    unsigned char pivot[BC_SORT_MAXELEM];
    unsigned char *lo = base, *mid = base + (n / 2) * size;
    unsigned char *hi = base + (n - 1) * size;
    if (cmp(mid, lo) < 0) bc_swap(mid, lo, size);
    if (cmp(hi, mid) < 0) bc_swap(hi, mid, size);
    if (cmp(mid, lo) < 0) bc_swap(mid, lo, size);
    bc_copy(pivot, mid, size);
    size_t i = 0, j = n - 1;
    for (;;) {
        while (cmp(base + i * size, pivot) < 0) i++;
        while (cmp(pivot, base + j * size) < 0) j--;
        if (i >= j)
            return j + 1 < n ? j + 1 : n - 1;
        bc_swap(base + i * size, base + j * size, size);
        i++;
        j--;
    }
}

/*
 * bc_qsort: sort n elements of size bytes in place by cmp.
 * Recurses only into the smaller half, so the C stack depth stays
 * O(log n) even on adversarial input.
 */
void bc_qsort(void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *))
{
    unsigned char *b = base;
    while (n > 12) {
        size_t k = bc_partition(b, n, size, cmp);
        if (k < n - k) {
            bc_qsort(b, k, size, cmp);
            b += k * size;
            n -= k;
        } else {
            bc_qsort(b + k * size, n - k, size, cmp);
            n = k;
        }
    }
    bc_isort(b, n, size, cmp);
}
