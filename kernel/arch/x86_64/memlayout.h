/*
 * memlayout.h: where things live in the kernel's virtual address space.
 *
 * The kernel is linked in the top 2 GiB of the address space (the "higher
 * half"), at KERNBASE + 1 MiB, and loaded by GRUB at physical 1 MiB.  The
 * boot page tables (kernel/boot/entry.asm) map physical [0, 2 GiB) at
 * KERNBASE and identity-map [0, 4 GiB); vm_init (kernel/mm/vm.c) replaces
 * them with the layout below, which has nothing in the lower half at all:
 *
 *   0x0000000000000000  unmapped: a null or small pointer faults
 *   0xffff800000000000  DMAP_BASE: RAM at and above 2 GiB, physical pa
 *                       at DMAP_BASE + pa (up to DMAP_SIZE)
 *   0xffffc00000000000  KHEAP_BASE: the kernel heap (kmalloc), grown a
 *                       page at a time, up to KHEAP_SIZE
 *   0xffffd00000000000  VAREA_BASE: kernel stacks (each with an unmapped
 *                       guard page below) and regions (Wasm linear
 *                       memories), pages mapped on demand, VAREA_SIZE
 *   0xffffffff80000000  KERNBASE: physical [0, 2 GiB), with the kernel
 *                       image's text read-only and its data no-execute
 */
#ifndef WISP_MEMLAYOUT_H
#define WISP_MEMLAYOUT_H

#include <stdint.h>

#define KERNBASE 0xffffffff80000000ul   /* virtual address of physical 0 */
#define KERNLINK (KERNBASE + 0x100000)    /* where the kernel is linked */
#define KMAP_SIZE 0x80000000ul          /* bytes of physical RAM at KERNBASE */

#define DMAP_BASE 0xffff800000000000ul  /* direct map of RAM >= KMAP_SIZE */
#define DMAP_SIZE 0x8000000000ul        /* 512 GiB: one PML4 slot */
#define KHEAP_BASE 0xffffc00000000000ul /* kernel heap arena */
#define KHEAP_SIZE 0x1000000000ul       /* 64 GiB of address space */
#define VAREA_BASE 0xffffd00000000000ul /* stacks and regions */
#define VAREA_SIZE 0x100000000000ul     /* 16 TiB of address space */

/*
 * p2v: physical address -> kernel virtual address.  Below KMAP_SIZE that is
 * the KERNBASE window (already there at boot); above it the direct map,
 * which exists only once vm_init has run.
 */
static inline void *p2v(uint64_t pa)
{
    return (void *)(pa < KMAP_SIZE ? pa + KERNBASE : pa + DMAP_BASE);
}

/* v2p: the inverse of p2v, for addresses in either window. */
static inline uint64_t v2p(uint64_t va)
{
    return va >= KERNBASE ? va - KERNBASE : va - DMAP_BASE;
}

#define P2V(pa) p2v((uint64_t)(pa))
#define V2P(va) v2p((uint64_t)(va))

#endif
