/*
 * heap.h: a first-fit heap with boundary tags over one growable arena, the
 * pure part of kmalloc.  The arena is the virtual range [base, base + max);
 * the heap asks `grow` to back [top, new_top) with memory and `shrink` to
 * take [new_top, top) back.  kernel/mm/kmalloc.c gives it page-mapping
 * callbacks; the host unit test (kernel/tests/heap_test.c) a plain buffer.
 */
#ifndef WISP_HEAP_H
#define WISP_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_ALIGN 16          /* every block and payload is aligned to this */
#define HEAP_PAGE 4096ul       /* the arena grows and shrinks in these */

struct hblock;

struct heap {
    uintptr_t base, top, limit;   /* arena [base, top) backed, up to limit */
    bool (*grow)(uintptr_t from, uintptr_t to);
    void (*shrink)(uintptr_t from, uintptr_t to);
    struct hblock *free;          /* the free blocks, a doubly linked list */
    struct hblock *last;          /* the block that ends at top, or NULL */
    size_t bytes_used, bytes_free;  /* block bytes, headers included */
    size_t allocs, frees, failures;
};

/* Why heap_free refused a pointer. */
enum heap_err {
    HEAP_OK,
    HEAP_BAD_POINTER,      /* not a block heap_alloc returned */
    HEAP_DOUBLE_FREE,      /* a block that is already free */
    HEAP_CORRUPT,          /* the block's tags disagree: an overrun */
};

void heap_init(struct heap *h, uintptr_t base, size_t max,
               bool (*grow)(uintptr_t, uintptr_t),
               void (*shrink)(uintptr_t, uintptr_t));
void *heap_alloc(struct heap *h, size_t n);
enum heap_err heap_free(struct heap *h, void *p);
size_t heap_block_size(const void *p);

/* What heap_census finds walking every block of the arena in order. */
struct heap_census {
    size_t used, free;       /* blocks of each kind */
    size_t largest_free;     /* bytes of the biggest free block */
    size_t free_pairs;       /* free blocks right after a free block */
    bool tags_ok;            /* every header valid, every back link true */
};
void heap_census(const struct heap *h, struct heap_census *c);

#endif
