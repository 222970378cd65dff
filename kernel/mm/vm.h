/*
 * vm.h: the kernel's virtual address space.
 *
 * vm_init replaces the boot page tables with the kernel's own 4-level
 * tables: all RAM mapped (at KERNBASE for P2V, and in the direct map), the
 * kernel's text read-only, its data non-executable, low memory and the null
 * page unmapped.  Kernel stacks get an unmapped guard page below them;
 * regions are reserved virtual ranges whose pages are mapped on demand
 * (Wasm linear memories grow in place there).
 */
#ifndef WISP_VM_H
#define WISP_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void vm_init(void);           /* the kernel's own 4-level tables: all RAM mapped,
                                 text RO, data NX, null page unmapped */
void *vm_stack_alloc(size_t bytes);   /* kernel stack + unmapped guard page below;
                                         returns the top, NULL if out of memory */
void vm_stack_free(void *top, size_t bytes);
bool vm_stack_guard(uint64_t va, uint64_t *lo, uint64_t *hi);
                              /* va in a stack's guard page? [*lo, *hi): the stack */
void *vm_region_reserve(size_t max_bytes);  /* virtual space only, NULL if none */
bool vm_region_resize(void *base, size_t old_bytes, size_t new_bytes);
                              /* grow: map zeroed frames; shrink: unmap + free;
                                 false (nothing changed) when out of frames */
void vm_region_release(void *base, size_t max_bytes);

/* Is the byte at va mapped now?  (For backtraces and tests; false before
 * vm_init.) */
bool vm_is_mapped(const void *va);

#endif
