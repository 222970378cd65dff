/*
 * mm.h: helpers shared by the files of kernel/mm/ (not a public API).
 */
#ifndef WISP_MM_H
#define WISP_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/x86.h"

#define RFLAGS_IF (1ul << 9)

/*
 * mm_irq_off: disable interrupts and return the old flags for
 * mm_irq_restore.  Interrupt masking is the kernel's only lock: an
 * interrupt handler that allocated in the middle of an allocation would
 * see half-updated lists.
 */
static inline uint64_t mm_irq_off(void)
{
    uint64_t flags = read_rflags();
    cli();
    return flags;
}

/* mm_irq_restore: re-enable interrupts if mm_irq_off found them on. */
static inline void mm_irq_restore(uint64_t flags)
{
    if (flags & RFLAGS_IF)
        __asm__ volatile("sti" : : : "memory");
}

/* Internal to mm/: map and unmap kernel pages (vm.c). */
#define PTE_W (1ul << 1)                /* writable */
#define PTE_PCD (1ul << 4)              /* cache disabled (MMIO) */
#define PTE_NX (1ul << 63)              /* no instruction fetch */
bool vm_map_fresh(uint64_t va, uint64_t len, uint64_t flags);
void vm_unmap_free(uint64_t va, uint64_t len);

#endif
