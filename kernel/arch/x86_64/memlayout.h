/*
 * memlayout.h: where the kernel lives in the virtual address space.
 *
 * The kernel is linked in the top 2 GiB of the address space (the "higher
 * half"), at KERNBASE + 1 MiB, and loaded by GRUB at physical 1 MiB.  The
 * boot page tables (kernel/boot/entry.asm) map physical [0, 2 GiB) at
 * KERNBASE and, for now, also identity-map [0, 4 GiB).
 */
#ifndef WISP_MEMLAYOUT_H
#define WISP_MEMLAYOUT_H

#define KERNBASE 0xffffffff80000000ul   /* virtual address of physical 0 */
#define KERNLINK (KERNBASE + 0x100000)    /* where the kernel is linked */
#define KMAP_SIZE 0x80000000ul          /* bytes of physical memory at KERNBASE */

/* Physical address -> kernel virtual address (only below KMAP_SIZE). */
#define P2V(pa) ((void *)((unsigned long)(pa) + KERNBASE))
/* Kernel virtual address -> physical address. */
#define V2P(va) ((unsigned long)(va) - KERNBASE)

#endif
