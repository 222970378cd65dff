/*
 * pmm.h: the physical memory manager, which hands out 4 KiB frames.
 *
 * The frames are the RAM the multiboot2 memory map calls available, minus
 * the first 1 MiB, the kernel image, the multiboot information and the boot
 * modules (the initrd).  A frame is named by its physical address; the
 * kernel reaches its contents through P2V (arch/x86_64/memlayout.h).
 */
#ifndef WISP_PMM_H
#define WISP_PMM_H

#include <stddef.h>
#include <stdint.h>

#define PGSIZE 4096ul                        /* bytes in a frame and a page */
#define PGROUNDUP(a) (((a) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~(PGSIZE - 1))

void pmm_init(void);          /* frames from the multiboot2 map, minus the kernel
                                 image, boot modules, reserved ranges, low 1 MiB */
uint64_t pmm_alloc(void);     /* physical address of a zeroed 4 KiB frame, 0 if none */
void pmm_free(uint64_t pa);   /* panics on a double free or a bad address */
size_t pmm_free_frames(void);
size_t pmm_used_frames(void);
size_t pmm_total_frames(void);

/* The highest physical address (exclusive) of any available RAM. */
uint64_t pmm_ram_end(void);

#endif
