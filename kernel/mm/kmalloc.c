/*
 * kmalloc.c: the kernel heap: heap.c's allocator over the arena
 * [KHEAP_BASE, KHEAP_BASE + KHEAP_SIZE), whose pages are mapped from
 * frames as it grows and unmapped (frames freed) as it shrinks.  Because
 * the arena is virtually contiguous, a block may be larger than a page
 * even though its frames are scattered.
 */
#include "mm/kmalloc.h"

#include "kprintf.h"
#include "kstring.h"
#include "panic.h"
#include "mm/heap.h"
#include "mm/mm.h"
#include "mm/pmm.h"
#include "arch/x86_64/memlayout.h"

static struct heap kheap;

/* kheap_grow: back [from, to) with fresh frames; false if out of them. */
static bool kheap_grow(uintptr_t from, uintptr_t to)
{
    return vm_map_fresh(from, to - from, PTE_W | PTE_NX);
}

/* kheap_shrink: unmap [from, to) and free its frames. */
static void kheap_shrink(uintptr_t from, uintptr_t to)
{
    vm_unmap_free(from, to - from);
}

/* kheap_init: an empty heap.  Needs vm_init (it maps pages). */
void kheap_init(void)
{
    heap_init(&kheap, KHEAP_BASE, KHEAP_SIZE, kheap_grow, kheap_shrink);
}

/* kmalloc: n bytes, 16-byte aligned, contents undefined; NULL when the
 * frames run out (never panics).  kmalloc(0) returns a unique block. */
void *kmalloc(size_t n)
{
    uint64_t flags = mm_irq_off();
    void *p = heap_alloc(&kheap, n);
    mm_irq_restore(flags);
    return p;
}

/* kzalloc: kmalloc, then zero the n bytes. */
void *kzalloc(size_t n)
{
    void *p = kmalloc(n);
    if (p)
        memset(p, 0, n);
    return p;
}

/* kfree: give back p from kmalloc (NULL is ignored).  Any other pointer,
 * or one already freed, is a kernel bug: panic, saying which. */
void kfree(void *p)
{
    if (!p)
        return;
    uint64_t flags = mm_irq_off();
    enum heap_err err = heap_free(&kheap, p);
    mm_irq_restore(flags);
    if (err == HEAP_DOUBLE_FREE)
        panic("kfree: double free of %p", p);
    if (err == HEAP_BAD_POINTER)
        panic("kfree: %p is not a block kmalloc returned", p);
    if (err == HEAP_CORRUPT)
        panic("kfree: heap corrupted at %p (a write past the end of a block?)",
              p);
}

/* kheap_get_stats: a snapshot of the heap's counters. */
void kheap_get_stats(struct kheap_stats *out)
{
    uint64_t flags = mm_irq_off();
    *out = (struct kheap_stats){ kheap.bytes_used, kheap.bytes_free,
                                 kheap.allocs, kheap.frees, kheap.failures };
    mm_irq_restore(flags);
}

/* mm_print_stats: two lines for the monitor's `mem`: frames and heap. */
void mm_print_stats(void)
{
    struct kheap_stats s;
    kheap_get_stats(&s);
    kprintf("frames: %zu free, %zu used, %zu total (%zu KiB free)\n",
            pmm_free_frames(), pmm_used_frames(), pmm_total_frames(),
            pmm_free_frames() * (PGSIZE / 1024));
    kprintf("heap: %zu bytes in use, %zu free, %zu allocs, %zu frees, "
            "%zu failures\n", s.bytes_in_use, s.bytes_free, s.allocs,
            s.frees, s.failures);
}
