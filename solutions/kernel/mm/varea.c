/*
 * varea.c: kernel stacks and regions, both carved out of the area range
 * [VAREA_BASE, VAREA_BASE + VAREA_SIZE) (memlayout.h).
 *
 * An area is a reserved run of virtual pages; only the pages in use are
 * mapped.  Between any two areas at least one page stays unmapped, and a
 * stack's area starts with one more: its guard page.  A stack grows down,
 * so overflowing it touches the guard, which faults instead of silently
 * overwriting whatever lies below.  A region (a Wasm linear memory) grows
 * up in place: growing maps fresh frames after the last mapped page, so
 * the memory never moves and nothing is copied.
 */
#include "mm/vm.h"

#include "labtodo.h"
#include "panic.h"
#include "param.h"
#include "mm/mm.h"
#include "mm/pmm.h"
#include "arch/x86_64/memlayout.h"

/* A reserved piece of the area range. */
struct varea {
    uint64_t base, size;
    bool stack;             /* a kernel stack: its lowest page is the guard */
};
static struct varea vareas[VAREA_MAX];  /* sorted by base */
static int nvareas;

/*
 * varea_reserve: the lowest free run of size bytes (page multiple) with an
 * unmapped page before it, recorded as an area (a kernel stack's if
 * stack).  Returns its base, or 0 when the range or the table (VAREA_MAX)
 * is full.
 */
static uint64_t varea_reserve(uint64_t size, bool stack)
{
    uint64_t prev_end = VAREA_BASE, at = 0;
    int i;
    for (i = 0; i < nvareas; i++) {
        if (prev_end + PGSIZE + size <= vareas[i].base)
            break;
        prev_end = vareas[i].base + vareas[i].size;
    }
    if (nvareas == VAREA_MAX || size == 0 || size > VAREA_SIZE ||
        prev_end + PGSIZE + size > VAREA_BASE + VAREA_SIZE)
        return 0;
    at = prev_end + PGSIZE;
    for (int j = nvareas; j > i; j--)
        vareas[j] = vareas[j - 1];
    vareas[i] = (struct varea){ at, size, stack };
    nvareas++;
    return at;
}

/* varea_find: the index of the area at exactly base and of size bytes;
 * panics (naming `who`) if there is none: the caller has a bug. */
static int varea_find(const char *who, uint64_t base, uint64_t size)
{
    for (int i = 0; i < nvareas; i++) {
        if (vareas[i].base == base && (size == 0 || vareas[i].size == size))
            return i;
    }
    panic("%s: %p is not an area of %lu bytes it handed out", who,
          (void *)base, size);
}

/* varea_drop: forget area i (its pages must be unmapped already). */
static void varea_drop(int i)
{
    for (nvareas--; i < nvareas; i++)
        vareas[i] = vareas[i + 1];
}

// book: vm_stack_alloc
/*
 * vm_stack_alloc: a kernel stack of bytes (rounded up to whole pages),
 * mapped, zeroed, writable and no-execute, with an unmapped guard page
 * right below it.  The stack's area is one page bigger than the stack
 * and reserved as a stack (varea_reserve(size, true)), which is how
 * vm_stack_guard, and so the fault report, recognise its guard page: the
 * area's lowest page, never mapped; the stack fills the rest, up to the
 * area's end.  Returns the stack's top (the initial %rsp, the first byte
 * past the stack: stacks grow down), or NULL, with nothing reserved or
 * mapped, when bytes is 0 or the areas or the frames run out.  Masks
 * interrupts while it changes the area table (mm_irq_off).
 */
void *vm_stack_alloc(size_t bytes)
{
    // LAB 2 BEGIN vm_stack_alloc
    uint64_t n = PGROUNDUP((uint64_t)bytes), flags = mm_irq_off();
    uint64_t base = n ? varea_reserve(n + PGSIZE, true) : 0;
    if (base && !vm_map_fresh(base + PGSIZE, n, PTE_W | PTE_NX)) {
        varea_drop(varea_find("vm_stack_alloc", base, 0));
        base = 0;
    }
    mm_irq_restore(flags);
    return base ? (void *)(base + PGSIZE + n) : NULL;
    // LAB 2 BUG vm_stack_alloc_top_one_page_low
    // uint64_t n = PGROUNDUP((uint64_t)bytes), flags = mm_irq_off();
    // uint64_t base = n ? varea_reserve(n + PGSIZE, true) : 0;
    // if (base && !vm_map_fresh(base + PGSIZE, n, PTE_W | PTE_NX)) {
    //     varea_drop(varea_find("vm_stack_alloc", base, 0));
    //     base = 0;
    // }
    // mm_irq_restore(flags);
    // return base ? (void *)(base + n) : NULL;
    // LAB 2 BUG vm_stack_alloc_maps_the_guard
    // uint64_t n = PGROUNDUP((uint64_t)bytes), flags = mm_irq_off();
    // uint64_t base = n ? varea_reserve(n + PGSIZE, true) : 0;
    // if (base && !vm_map_fresh(base, n + PGSIZE, PTE_W | PTE_NX)) {
    //     varea_drop(varea_find("vm_stack_alloc", base, 0));
    //     base = 0;
    // }
    // mm_irq_restore(flags);
    // return base ? (void *)(base + PGSIZE + n) : NULL;
    // LAB 2 STUB makes the stack a region, which has no guard page of its own, so an overflow is not reported as one
    // LAB_TODO(2, "vm_stack_alloc");
    // uint8_t *r = vm_region_reserve(bytes);
    // if (r && !vm_region_resize(r, 0, bytes)) {
    //     vm_region_release(r, bytes);
    //     r = NULL;
    // }
    // return r ? r + PGROUNDUP((uint64_t)bytes) : NULL;
    // LAB 2 END
}
// book: vm_stack_alloc

/* area_ending_at: the index of the area that ends at top and holds at
 * least n bytes; panics (naming `who`) if there is none. */
static int area_ending_at(const char *who, uint64_t top, uint64_t n)
{
    for (int i = 0; i < nvareas; i++) {
        if (vareas[i].base + vareas[i].size == top && vareas[i].size >= n)
            return i;
    }
    panic("%s: %p is not the top of a %lu-byte stack it handed out", who,
          (void *)top, n);
}

/* vm_stack_free: unmap and free a stack from vm_stack_alloc(bytes), given
 * its top, and give its whole area back.  Panics if top/bytes do not
 * name one. */
void vm_stack_free(void *top, size_t bytes)
{
    uint64_t n = PGROUNDUP((uint64_t)bytes), flags = mm_irq_off();
    int i = area_ending_at("vm_stack_free", (uint64_t)top, n);
    vm_unmap_free(vareas[i].base, vareas[i].size);
    varea_drop(i);
    mm_irq_restore(flags);
}

/*
 * vm_stack_guard: is va in the guard page of a kernel stack, the
 * unmapped lowest page of a stack's area?  If so, and lo and hi are not
 * NULL, *lo and *hi get the stack's bounds [lo, hi) above the guard.
 * For the fault report: it reads the area table without masking
 * interrupts, since it runs when the kernel has already stopped.
 */
bool vm_stack_guard(uint64_t va, uint64_t *lo, uint64_t *hi)
{
    for (int i = 0; i < nvareas; i++) {
        const struct varea *a = &vareas[i];
        if (!a->stack || va < a->base || va - a->base >= PGSIZE ||
            vm_is_mapped((void *)va))
            continue;
        if (lo && hi) {
            *lo = a->base + PGSIZE;
            *hi = a->base + a->size;
        }
        return true;
    }
    return false;
}

/* vm_region_reserve: max_bytes (rounded up to pages) of address space,
 * nothing mapped.  Returns the base, or NULL if no room is left. */
void *vm_region_reserve(size_t max_bytes)
{
    uint64_t flags = mm_irq_off();
    uint64_t base = varea_reserve(PGROUNDUP((uint64_t)max_bytes), false);
    mm_irq_restore(flags);
    return (void *)base;
}

// book: vm_region_resize
/*
 * vm_region_resize: the region at base has old_bytes mapped (rounded up to
 * pages); make it new_bytes.  Growing maps zeroed frames after the old
 * end, shrinking unmaps and frees the pages past the new end.  Returns
 * false, with nothing changed, when frames run out or new_bytes exceeds
 * the reservation.
 */
bool vm_region_resize(void *base, size_t old_bytes, size_t new_bytes)
{
    uint64_t b = (uint64_t)base, flags = mm_irq_off();
    uint64_t o = PGROUNDUP((uint64_t)old_bytes);
    uint64_t n = PGROUNDUP((uint64_t)new_bytes);
    int i = varea_find("vm_region_resize", b, 0);
    bool ok = n <= vareas[i].size;
    if (ok && n > o)
        ok = vm_map_fresh(b + o, n - o, PTE_W | PTE_NX);
    else if (ok && n < o)
        vm_unmap_free(b + n, o - n);
    mm_irq_restore(flags);
    return ok;
}
// book: vm_region_resize

/* vm_region_release: unmap and free all of the region at base (reserved
 * with max_bytes) and give its address space back. */
void vm_region_release(void *base, size_t max_bytes)
{
    uint64_t b = (uint64_t)base, flags = mm_irq_off();
    uint64_t size = PGROUNDUP((uint64_t)max_bytes);
    int i = varea_find("vm_region_release", b, size);
    vm_unmap_free(b, size);
    varea_drop(i);
    mm_irq_restore(flags);
}
