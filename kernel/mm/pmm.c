/*
 * pmm.c: the physical memory manager.  Builds the frame bitmap (frames.c)
 * from the multiboot2 memory map and hands out zeroed frames.
 *
 * pmm_init adds every available region, then removes what must never be
 * handed out: the first 1 MiB (BIOS data, the real-mode IVT, legacy
 * device memory), the kernel image from the .boot sections to
 * _kernel_end, GRUB's multiboot information, the boot modules (the
 * initrd) and the bitmaps themselves.  Reserved and ACPI regions are never
 * added, and if a firmware's map has one overlap an available region, the
 * overlap is removed too.
 */
#include "mm/pmm.h"

#include <stdbool.h>

#include "kprintf.h"
#include "multiboot.h"
#include "panic.h"
#include "mm/frames.h"
#include "mm/mm.h"
#include "arch/x86_64/memlayout.h"

#define LOW_MEM 0x100000ul        /* the first 1 MiB is never handed out */

extern char _boot_start[], _kernel_end[];

static struct frames fr;
static uint64_t ram_end;          /* end of the highest available region */

/* A physical range [lo, hi) pmm_init must leave alone. */
struct prange {
    uint64_t lo, hi;
};

/*
 * find_ram_end: the end of the highest available region, capped where the
 * direct map ends (memlayout.h); RAM above is ignored.
 */
static uint64_t find_ram_end(void)
{
    uint64_t end = 0;
    for (int i = 0; i < mbinfo.nmmap; i++) {
        const struct mb_region *r = &mbinfo.mmap[i];
        if (r->type == MB_MEM_AVAILABLE && r->base + r->len > end)
            end = r->base + r->len;
    }
    return end > DMAP_SIZE ? DMAP_SIZE : PGROUNDDOWN(end);
}

/* keep_out: the ranges never handed out, bitmaps not yet included.
 * Fills k (room for 3 + MB_MODS_MAX) and returns how many. */
static int keep_out(struct prange *k)
{
    int n = 0;
    k[n++] = (struct prange){ 0, LOW_MEM };
    k[n++] = (struct prange){ (uint64_t)_boot_start, V2P(_kernel_end) };
    k[n++] = (struct prange){ mbinfo.info_pa,
                              mbinfo.info_pa + mbinfo.info_len };
    for (int i = 0; i < mbinfo.nmods; i++)
        k[n++] = (struct prange){ mbinfo.mods[i].start, mbinfo.mods[i].end };
    return n;
}

/* overlap_end: the end of a range in k overlapping [lo, hi), or 0. */
static uint64_t overlap_end(const struct prange *k, int n, uint64_t lo,
                            uint64_t hi)
{
    for (int i = 0; i < n; i++) {
        if (k[i].lo < hi && lo < k[i].hi)
            return k[i].hi;
    }
    return 0;
}

/*
 * place_bitmaps: a page-aligned physical spot of `bytes` inside one
 * available region, below KMAP_SIZE (so P2V reaches it before vm_init)
 * and clear of every range in k.  Panics if there is none.
 */
static uint64_t place_bitmaps(const struct prange *k, int n, uint64_t bytes)
{
    for (int i = 0; i < mbinfo.nmmap; i++) {
        const struct mb_region *r = &mbinfo.mmap[i];
        if (r->type != MB_MEM_AVAILABLE)
            continue;
        uint64_t end = r->base + r->len, at = PGROUNDUP(r->base), past;
        while (at + bytes <= end && at + bytes <= KMAP_SIZE) {
            if ((past = overlap_end(k, n, at, at + bytes)) == 0)
                return at;
            at = PGROUNDUP(past);
        }
    }
    panic("pmm_init: no room below 2 GiB for the frame bitmaps (%lu bytes)",
          bytes);
}

/*
 * pmm_init: build the frame bitmap.  Needs mb_parse done and the boot
 * page tables (P2V below 2 GiB).  Afterwards pmm_alloc works.
 */
void pmm_init(void)
{
    struct prange k[4 + MB_MODS_MAX];
    int n = keep_out(k);
    ram_end = find_ram_end();
    uint64_t bytes = PGROUNDUP(2 * frames_words(ram_end) * sizeof(uint64_t));
    uint64_t at = place_bitmaps(k, n, bytes);
    k[n++] = (struct prange){ at, at + bytes };
    frames_setup(&fr, P2V(at), ram_end);
    for (int i = 0; i < mbinfo.nmmap; i++) {
        if (mbinfo.mmap[i].type == MB_MEM_AVAILABLE)
            frames_add(&fr, mbinfo.mmap[i].base, mbinfo.mmap[i].len);
    }
    for (int i = 0; i < mbinfo.nmmap; i++) {   /* overlaps: reserved wins */
        if (mbinfo.mmap[i].type != MB_MEM_AVAILABLE)
            frames_remove(&fr, mbinfo.mmap[i].base, mbinfo.mmap[i].len);
    }
    for (int i = 0; i < n; i++)
        frames_remove(&fr, k[i].lo, k[i].hi - k[i].lo);
    if (fr.total == 0)
        panic("pmm_init: the memory map left no free frame");
}

/* zero_frame: clear the 4 KiB at pa (rep stosq: fast, even under TCG). */
static void zero_frame(uint64_t pa)
{
    void *p = P2V(pa);
    uint64_t n = PGSIZE / 8;
    __asm__ volatile("rep stosq" : "+D"(p), "+c"(n) : "a"(0ul) : "memory");
}

/* pmm_alloc: a zeroed frame's physical address, or 0 if none is left. */
uint64_t pmm_alloc(void)
{
    uint64_t flags = mm_irq_off();
    uint64_t pa = frames_alloc(&fr);
    mm_irq_restore(flags);
    if (pa)
        zero_frame(pa);
    return pa;
}

// book: pmm_free
/*
 * pmm_free: return frame pa.  A misaligned address, one that is not a RAM
 * frame pmm_alloc could have returned (the kernel image, a module, a hole)
 * or a frame that is already free is a kernel bug: panic, saying which.
 */
void pmm_free(uint64_t pa)
{
    uint64_t flags = mm_irq_off();
    enum frames_err err = frames_free(&fr, pa);
    mm_irq_restore(flags);
    if (err == FRAMES_UNALIGNED)
        panic("pmm_free: 0x%lx is not frame-aligned", pa);
    if (err == FRAMES_DOUBLE_FREE)
        panic("pmm_free: double free of frame 0x%lx", pa);
    if (err == FRAMES_NOT_RAM && pa >= (uint64_t)_boot_start &&
        pa < V2P(_kernel_end))
        panic("pmm_free: frame 0x%lx is in the kernel image", pa);
    if (err == FRAMES_NOT_RAM)
        panic("pmm_free: 0x%lx is not a RAM frame pmm_alloc hands out", pa);
}
// book: pmm_free

/* The counts the monitor's `mem` prints. */
size_t pmm_free_frames(void) { return fr.total - fr.nused; }
size_t pmm_used_frames(void) { return fr.nused; }
size_t pmm_total_frames(void) { return fr.total; }
uint64_t pmm_ram_end(void) { return ram_end; }
