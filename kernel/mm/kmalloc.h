/*
 * kmalloc.h: the kernel heap.
 *
 * kmalloc never panics: when memory runs out it returns NULL and the caller
 * must cope (fail the request, keep the kernel running).  kfree panics on a
 * pointer it never handed out or one already freed: those are kernel bugs.
 */
#ifndef WISP_KMALLOC_H
#define WISP_KMALLOC_H

#include <stddef.h>

void kheap_init(void);
void *kmalloc(size_t n);      /* 16-byte aligned; NULL when out of memory */
void *kzalloc(size_t n);      /* kmalloc, then zeroed */
void kfree(void *p);          /* NULL ok; panics on a bad or double free */

struct kheap_stats {
    size_t bytes_in_use;      /* bytes of the blocks handed out, headers
                                 included (16 bytes a block) */
    size_t bytes_free;        /* bytes the heap holds in free blocks;
                                 in_use + free = the heap's mapped size */
    size_t allocs;            /* successful kmalloc calls */
    size_t frees;             /* kfree calls on a non-NULL pointer */
    size_t failures;          /* kmalloc calls that returned NULL */
};
void kheap_get_stats(struct kheap_stats *out);

/* Print frames and heap statistics on the console (the monitor's `mem`). */
void mm_print_stats(void);

#endif
