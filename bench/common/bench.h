/*
 * bench.h: what every Wisp benchmark kernel may use.
 *
 * A benchmark is one file bench/<name>.c defining
 *     uint64_t bench_<name>(uint32_t scale);
 * that does work proportional to `scale` and returns a deterministic
 * checksum of it.  The same kernel is compiled three ways (native, wasm32
 * WASI command, freestanding wasm32 module), so it may use nothing from libc:
 * only the helpers below (bench/common/lib.c), which behave bit-for-bit the
 * same on every target.
 */
#ifndef WISP_BENCH_H
#define WISP_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* Every benchmark kernel, one line each (drivers pick one by name). */
uint64_t bench_fib(uint32_t scale);
uint64_t bench_sieve(uint32_t scale);
uint64_t bench_hash(uint32_t scale);
uint64_t bench_matmul(uint32_t scale);
uint64_t bench_strsort(uint32_t scale);
uint64_t bench_lz(uint32_t scale);
uint64_t bench_vm(uint32_t scale);
uint64_t bench_nop(uint32_t scale);      /* nop.c: start-up cost */

/* splitmix64: a tiny PRNG whose output is the same on every target. */
uint64_t bc_rand(uint64_t *state);

/* Folds v into the running checksum h (order-sensitive). */
uint64_t bc_mix(uint64_t h, uint64_t v);

/* FNV-1a 64 of n bytes, continuing from h (start with BC_FNV_BASIS). */
#define BC_FNV_BASIS 0xcbf29ce484222325ull
uint64_t bc_fnv(uint64_t h, const void *p, size_t n);

/* Byte helpers: plain loops, so every engine runs the same code. */
void bc_copy(void *dst, const void *src, size_t n);
void bc_fill(void *dst, int byte, size_t n);
int bc_strcmp(const char *a, const char *b);

/* In-place sort of n elements of `size` bytes (size <= BC_SORT_MAXELEM)
 * by cmp; not stable.  An introsort-free quicksort with insertion sort for
 * small ranges; deterministic, so the order of equal keys is the same on
 * every target too. */
#define BC_SORT_MAXELEM 64
void bc_qsort(void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *));

#endif
