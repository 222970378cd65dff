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

#include "panic.h"
#include "param.h"
#include "mm/mm.h"
#include "mm/pmm.h"
#include "arch/x86_64/memlayout.h"

/* A reserved piece of the area range. */
struct varea {
    uint64_t base, size;
};
static struct varea vareas[VAREA_MAX];  /* sorted by base */
static int nvareas;

/*
 * varea_reserve: the lowest free run of size bytes (page multiple) with an
 * unmapped page before it, recorded as an area.  Returns its base, or 0
 * when the range or the table (VAREA_MAX) is full.
 */
static uint64_t varea_reserve(uint64_t size)
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
    vareas[i] = (struct varea){ at, size };
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
 * vm_stack_alloc: a kernel stack of bytes (rounded up to pages), mapped,
 * zeroed, no-execute, with an unmapped guard page right below it.
 * Returns the top (the initial %rsp), or NULL when out of frames or areas.
 */
void *vm_stack_alloc(size_t bytes)
{
    uint64_t n = PGROUNDUP((uint64_t)bytes), flags = mm_irq_off();
    uint64_t base = n ? varea_reserve(n + PGSIZE) : 0;
    if (base && !vm_map_fresh(base + PGSIZE, n, PTE_W | PTE_NX)) {
        varea_drop(varea_find("vm_stack_alloc", base, 0));
        base = 0;
    }
    mm_irq_restore(flags);
    return base ? (void *)(base + PGSIZE + n) : NULL;
}
// book: vm_stack_alloc

/* vm_stack_free: unmap and free a stack from vm_stack_alloc(bytes), given
 * its top.  Panics if top/bytes do not name one. */
void vm_stack_free(void *top, size_t bytes)
{
    uint64_t n = PGROUNDUP((uint64_t)bytes), flags = mm_irq_off();
    uint64_t base = (uint64_t)top - n - PGSIZE;
    int i = varea_find("vm_stack_free", base, n + PGSIZE);
    vm_unmap_free(base + PGSIZE, n);
    varea_drop(i);
    mm_irq_restore(flags);
}

/* vm_region_reserve: max_bytes (rounded up to pages) of address space,
 * nothing mapped.  Returns the base, or NULL if no room is left. */
void *vm_region_reserve(size_t max_bytes)
{
    uint64_t flags = mm_irq_off();
    uint64_t base = varea_reserve(PGROUNDUP((uint64_t)max_bytes));
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
