/*
 * vm.c: the kernel's page tables, kernel stacks with guard pages, and
 * regions mapped on demand.  The layout is drawn in
 * kernel/arch/x86_64/memlayout.h.
 *
 * x86-64 translates a virtual address through four tables of 512 8-byte
 * entries (PML4, PDPT, PD, PT), indexed by 9 bits each of the address
 * (bits 47-39, 38-30, 29-21, 20-12); the last 12 bits are the offset in
 * the 4 KiB page.  A PD entry with PTE_PS maps a whole 2 MiB page.  Every
 * table lives in a frame from pmm_alloc and is reached through P2V.
 */
#include "mm/vm.h"

#include "kprintf.h"
#include "labtodo.h"
#include "panic.h"
#include "param.h"
#include "multiboot.h"
#include "mm/mm.h"
#include "mm/pmm.h"
#include "arch/x86_64/memlayout.h"

#define PTE_P (1ul << 0)                /* present */
#define PTE_PS (1ul << 7)               /* in a PD: a 2 MiB page */
#define PTE_ADDR 0x000ffffffffff000ul   /* the frame address bits */
#define BIG (2ul << 20)                 /* bytes a PD entry maps with PTE_PS */
#define EFER_NXE (1ul << 11)            /* PTE_NX is honoured (else reserved) */
#define CR0_WP (1ul << 16)              /* ring 0 obeys read-only pages too */

/* PX: the index into the level-l table for va (3 = PML4 ... 0 = PT). */
#define PX(l, va) (((va) >> (12 + 9 * (l))) & 511)

extern char _boot_start[], _text_start[], _text_end[];
extern char _rodata_start[], _rodata_end[], _kernel_end[];

static uint64_t *kpml4;                 /* the kernel's PML4, via P2V */

/* invlpg: forget any cached translation of va (and cached tables). */
static void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

// book: walk
/*
 * walk: the entry for va in its level-`stop` table (0: the PT entry of a
 * 4 KiB page, 1: the PD entry of a 2 MiB page).  Missing tables on the way
 * are allocated (zeroed: nothing mapped) if create, else NULL is
 * returned; also NULL if a 2 MiB page is in the way or no frame is left.
 */
static uint64_t *walk(uint64_t va, int stop, bool create)
{
    uint64_t *t = kpml4;
    for (int l = 3; l > stop; l--) {
        uint64_t *e = &t[PX(l, va)];
        if (!(*e & PTE_P)) {
            uint64_t pa = create ? pmm_alloc() : 0;
            if (!pa)
                return NULL;
            *e = pa | PTE_P | PTE_W;    /* permissions go in the leaves */
        } else if (*e & PTE_PS) {
            return NULL;
        }
        t = P2V(*e & PTE_ADDR);
    }
    return &t[PX(stop, va)];
}
// book: walk

/* map_or_die: map va to pa (4 KiB, or 2 MiB if big) at boot; panics when
 * out of frames, since the kernel cannot run without its own mappings. */
static void map_or_die(uint64_t va, uint64_t pa, uint64_t flags, bool big)
{
    uint64_t *e = walk(va, big ? 1 : 0, true);
    if (!e)
        panic("vm_init: out of frames for page tables at %p", (void *)va);
    *e = pa | flags | PTE_P | (big ? PTE_PS : 0);
}

/*
 * image_flags: the permission bits (PTE_W, PTE_NX) of the kernel-image
 * page at physical pa, which map_window maps at KERNBASE + pa with a
 * 4 KiB page.  The sections are bounded by linker symbols (kernel.ld;
 * each section starts on a page boundary, so a page belongs to one):
 * a page in [_text_start, _text_end) holds code, read-only and
 * executable; one in [_rodata_start, _rodata_end) is read-only and
 * no-execute; every other page (the .boot sections, data, bss, the boot
 * stack) is writable and no-execute.  No page is both writable and
 * executable (W^X): code cannot be changed, and data cannot be run.
 */
static uint64_t image_flags(uint64_t pa)
{
    // LAB 2 BEGIN image_flags
    uint64_t va = pa + KERNBASE;
    if (va >= (uint64_t)_text_start && va < (uint64_t)_text_end)
        return 0;
    if (va >= (uint64_t)_rodata_start && va < (uint64_t)_rodata_end)
        return PTE_NX;
    return PTE_W | PTE_NX;
    // LAB 2 BUG image_flags_data_executable
    // uint64_t va = pa + KERNBASE;
    // if (va >= (uint64_t)_text_start && va < (uint64_t)_text_end)
    //     return 0;
    // if (va >= (uint64_t)_rodata_start && va < (uint64_t)_rodata_end)
    //     return PTE_NX;
    // return PTE_W;
    // LAB 2 BUG image_flags_text_writable
    // uint64_t va = pa + KERNBASE;
    // if (va >= (uint64_t)_rodata_start && va < (uint64_t)_rodata_end)
    //     return PTE_NX;
    // if (va >= (uint64_t)_text_start && va < (uint64_t)_text_end)
    //     return PTE_W;
    // return PTE_W | PTE_NX;
    // LAB 2 STUB gives every page of the image every permission, so the kernel's text is writable and its data executable
    // (void)pa;
    // LAB_TODO(2, "image_flags");
    // return PTE_W;
    // LAB 2 END
}

/* window_end: the end of the highest RAM region (available or ACPI),
 * capped at KMAP_SIZE and rounded up to 2 MiB: the KERNBASE window. */
static uint64_t window_end(void)
{
    uint64_t end = 0;
    for (int i = 0; i < mbinfo.nmmap; i++) {
        const struct mb_region *r = &mbinfo.mmap[i];
        if (r->type != MB_MEM_RESERVED && r->type != MB_MEM_BAD &&
            r->base + r->len > end)
            end = r->base + r->len;
    }
    end = (end + BIG - 1) & ~(BIG - 1);
    return end > KMAP_SIZE ? KMAP_SIZE : end;
}

// book: map_window
/*
 * map_window: physical [0, window_end()) at KERNBASE, so P2V keeps
 * working.  2 MiB pages, writable and no-execute, except the 2 MiB blocks
 * holding the kernel image, which get 4 KiB pages with the image's
 * permissions (text read-only, data no-execute).
 */
static void map_window(void)
{
    uint64_t img_lo = (uint64_t)_boot_start, img_hi = V2P(_kernel_end);
    for (uint64_t pa = 0; pa < window_end(); pa += BIG) {
        if (pa + BIG <= img_lo || pa >= img_hi) {
            map_or_die(pa + KERNBASE, pa, PTE_W | PTE_NX, true);
            continue;
        }
        for (uint64_t p = pa; p < pa + BIG; p += PGSIZE)
            map_or_die(p + KERNBASE, p, image_flags(p), false);
    }
}
// book: map_window

/* map_dmap: available RAM at and above KMAP_SIZE at DMAP_BASE + pa, with
 * 2 MiB pages (writable, no-execute). */
static void map_dmap(void)
{
    for (int i = 0; i < mbinfo.nmmap; i++) {
        const struct mb_region *r = &mbinfo.mmap[i];
        uint64_t lo = r->base < KMAP_SIZE ? KMAP_SIZE : r->base;
        uint64_t hi = r->base + r->len;
        hi = hi > DMAP_SIZE ? DMAP_SIZE : hi;
        if (r->type != MB_MEM_AVAILABLE)
            continue;
        for (uint64_t pa = lo & ~(BIG - 1); pa < hi; pa += BIG)
            map_or_die(DMAP_BASE + pa, pa, PTE_W | PTE_NX, true);
    }
}

// book: vm_init
/*
 * vm_init: build the kernel's page tables and switch to them.  Needs
 * pmm_init.  Turns on EFER.NXE first (without it PTE_NX is a reserved bit
 * and every mapping using it faults) and CR0.WP.  The lower half is left
 * empty: the boot identity map is gone and a null pointer faults.  The
 * PDPTs of the heap and area slots are made now, so later mappings never
 * change the PML4.
 */
void vm_init(void)
{
    __asm__ volatile("wrmsr" : : "c"(MSR_EFER),
                     "a"((uint32_t)(rdmsr(MSR_EFER) | EFER_NXE)),
                     "d"((uint32_t)(rdmsr(MSR_EFER) >> 32)));
    uint64_t pa = pmm_alloc();
    if (!pa)
        panic("vm_init: no frame for the PML4");
    kpml4 = P2V(pa);
    if (!walk(KHEAP_BASE, 2, true) || !walk(VAREA_BASE, 2, true))
        panic("vm_init: no frames for the heap and area tables");
    map_window();
    map_dmap();
    __asm__ volatile("mov %0, %%cr3" : : "r"(pa) : "memory");
    __asm__ volatile("mov %0, %%cr0" : : "r"(read_cr0() | CR0_WP) : "memory");
}
// book: vm_init

/*
 * vm_map_fresh: back [va, va + len) (page-aligned, unmapped) with zeroed
 * frames, with flags (PTE_W, PTE_NX).  Returns true, or false with
 * nothing mapped when frames run out.
 */
bool vm_map_fresh(uint64_t va, uint64_t len, uint64_t flags)
{
    for (uint64_t off = 0; off < len; off += PGSIZE) {
        uint64_t pa = pmm_alloc();
        uint64_t *e = pa ? walk(va + off, 0, true) : NULL;
        if (!e) {
            if (pa)
                pmm_free(pa);
            vm_unmap_free(va, off);
            return false;
        }
        if (*e & PTE_P)
            panic("vm_map_fresh: %p is already mapped", (void *)(va + off));
        *e = pa | flags | PTE_P;
    }
    return true;
}

/* empty: does the table t map nothing? */
static bool empty(const uint64_t *t)
{
    for (int i = 0; i < 512; i++) {
        if (t[i])
            return false;
    }
    return true;
}

/* prune: after a PT under va was emptied, free it, and its PD if that is
 * empty too (PDPTs stay: the PML4 never changes after vm_init). */
static void prune(uint64_t va)
{
    uint64_t *pde = walk(va, 1, false);
    pmm_free(*pde & PTE_ADDR);
    *pde = 0;
    uint64_t *pdpte = walk(va, 2, false);
    if (empty(P2V(*pdpte & PTE_ADDR))) {
        pmm_free(*pdpte & PTE_ADDR);
        *pdpte = 0;
    }
    invlpg(va);
}

// book: unmap
/*
 * vm_unmap_free: unmap every mapped 4 KiB page in [va, va + len) (both
 * page-aligned) and give its frame back to pmm_free; then free each page
 * table the unmapping left empty (prune).  A page's PT entry is found
 * through its PD entry (walk to level 1, creating nothing); a PD entry
 * that is not present maps nothing in its whole 2 MiB, so the loop skips
 * to the next 2 MiB boundary at once, which keeps a big, sparse region
 * cheap to release; a 2 MiB page (PTE_PS) is never part of a range
 * unmapped here and is left alone.  Every cleared entry's old translation
 * may still sit in the TLB: invlpg drops it.
 */
void vm_unmap_free(uint64_t va, uint64_t len)
{
    // LAB 2 BEGIN vm_unmap_free
    for (uint64_t end = va + len, next; va < end; va = next) {
        next = (va + BIG) & ~(BIG - 1);
        uint64_t *pde = walk(va, 1, false);
        if (!pde || !(*pde & PTE_P) || (*pde & PTE_PS))
            continue;
        uint64_t *pt = P2V(*pde & PTE_ADDR);
        for (uint64_t a = va; a < next && a < end; a += PGSIZE) {
            if (pt[PX(0, a)] & PTE_P) {
                pmm_free(pt[PX(0, a)] & PTE_ADDR);
                pt[PX(0, a)] = 0;
                invlpg(a);
            }
        }
        if (empty(pt))
            prune(va);
    }
    // LAB 2 BUG vm_unmap_free_steps_2mib_from_va
    // for (uint64_t end = va + len, next; va < end; va = next) {
    //     next = va + BIG;
    //     uint64_t *pde = walk(va, 1, false);
    //     if (!pde || !(*pde & PTE_P) || (*pde & PTE_PS))
    //         continue;
    //     uint64_t *pt = P2V(*pde & PTE_ADDR);
    //     for (uint64_t a = va; a < next && a < end; a += PGSIZE) {
    //         if (pt[PX(0, a)] & PTE_P) {
    //             pmm_free(pt[PX(0, a)] & PTE_ADDR);
    //             pt[PX(0, a)] = 0;
    //             invlpg(a);
    //         }
    //     }
    //     if (empty(pt))
    //         prune(va);
    // }
    // LAB 2 BUG vm_unmap_free_keeps_empty_tables
    // for (uint64_t end = va + len, next; va < end; va = next) {
    //     next = (va + BIG) & ~(BIG - 1);
    //     uint64_t *pde = walk(va, 1, false);
    //     if (!pde || !(*pde & PTE_P) || (*pde & PTE_PS))
    //         continue;
    //     uint64_t *pt = P2V(*pde & PTE_ADDR);
    //     for (uint64_t a = va; a < next && a < end; a += PGSIZE) {
    //         if (pt[PX(0, a)] & PTE_P) {
    //             pmm_free(pt[PX(0, a)] & PTE_ADDR);
    //             pt[PX(0, a)] = 0;
    //             invlpg(a);
    //         }
    //     }
    // }
    // (void)prune;
    // LAB 2 STUB unmaps page by page but frees neither the frames nor the emptied tables, so every unmapping leaks
    // (void)prune;
    // LAB_TODO(2, "vm_unmap_free");
    // for (uint64_t a = va; a < va + len; a += PGSIZE) {
    //     uint64_t *e = walk(a, 0, false);
    //     if (e && (*e & PTE_P)) {
    //         *e = 0;
    //         invlpg(a);
    //     }
    // }
    // LAB 2 END
}
// book: unmap

/* vm_is_mapped: is the byte at va mapped (readable) now? */
bool vm_is_mapped(const void *va)
{
    uint64_t *t = kpml4, a = (uint64_t)va;
    if (!t)
        return false;               /* before vm_init */
    for (int l = 3; l >= 0; l--) {
        uint64_t e = t[PX(l, a)];
        if (!(e & PTE_P))
            return false;
        if (l == 0 || (e & PTE_PS))
            return true;
        t = P2V(e & PTE_ADDR);
    }
    return false;
}
