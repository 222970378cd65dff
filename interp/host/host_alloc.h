/*
 * host_alloc.h: the engine's allocator on the host C library, shared by
 * the host tools (wisp-run, the spec-test runner, the fuzzers, wasm-probe).
 *
 * Header-only so that each tool's Makefrag needs no extra object.  The
 * kernel has its own allocator (kernel/proc/engine.c: kmalloc and
 * vm_region_*); this one is malloc and realloc.
 */
#ifndef WISP_HOST_ALLOC_H
#define WISP_HOST_ALLOC_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../wasm.h"

/* wasm_allocator.alloc: a zeroed block (never a NULL for 0 bytes). */
static inline void *host_alloc(void *ctx, size_t bytes)
{
    (void)ctx;
    return calloc(1, bytes ? bytes : 1);
}

/* wasm_allocator.free. */
static inline void host_free(void *ctx, void *block, size_t bytes)
{
    (void)ctx;
    (void)bytes;
    free(block);
}

/* wasm_allocator.mem_resize: realloc, zeroing the new tail; 0 bytes
 * releases the block (and returns NULL).  On failure `old` is untouched,
 * as realloc guarantees. */
static inline void *host_resize(void *ctx, void *old, size_t old_bytes,
                                size_t new_bytes)
{
    uint8_t *p;
    (void)ctx;
    if (new_bytes == 0) {
        free(old);
        return NULL;
    }
    p = realloc(old, new_bytes);
    if (p && new_bytes > old_bytes)
        memset(p + old_bytes, 0, new_bytes - old_bytes);
    return p;
}

/* The allocator the host tools hand to wasm_runtime_init. */
static inline wasm_allocator host_allocator(void)
{
    return (wasm_allocator){ host_alloc, host_free, host_resize, NULL };
}

#endif
