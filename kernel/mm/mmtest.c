/*
 * mmtest.c: deliberate memory faults and heap exhaustion, run from the
 * monitor so the tests (harness/tests/test_mem_*.py) can watch the kernel
 * catch them.  Each fault function prints first (so it is not a leaf and
 * has a frame for the backtrace) and uses inline assembly where C would
 * call the access undefined behaviour.
 */
#include "mm/mmtest.h"

#include <stdbool.h>
#include <stdint.h>

#include "kprintf.h"
#include "kstring.h"
#include "param.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/vm.h"

#define OVERFLOW_STACK 8192       /* bytes of the stack `fault stack` fills */
#define FILL_REPORT (256ul << 20) /* heapfill says how far it got this often */

static volatile uint64_t recurse_limit = UINT64_MAX;   /* never reached */
static uint8_t nx_code[16] = { 0xc3 };                 /* ret, in .data */

/* mm_recurse: call itself with 128 bytes of locals per frame until the
 * stack runs out (the limit is never reached; it only keeps the compiler
 * from calling the recursion infinite). */
__attribute__((noinline)) static uint64_t mm_recurse(uint64_t n)
{
    volatile uint8_t pad[128];
    pad[0] = (uint8_t)n;
    if (n == recurse_limit)
        return pad[0];
    return mm_recurse(n + 1) + pad[0];
}

/* mm_overflow: the first function on the fresh stack. */
__attribute__((noinline)) static void mm_overflow(void)
{
    mm_recurse(0);
}

// book: fault_stack
/*
 * mm_fault_stack: allocate a guarded kernel stack, switch to it and
 * recurse until it overflows into the guard page.  The page fault cannot
 * be delivered on that stack either, so the CPU raises a double fault,
 * which runs on its own IST stack and reports.  Never returns.
 */
void mm_fault_stack(void)
{
    uint8_t *top = vm_stack_alloc(OVERFLOW_STACK);
    if (!top) {
        kprintf("fault stack: no memory for a stack\n");
        return;
    }
    uint8_t *base = top - OVERFLOW_STACK;
    kprintf("stack %p-%p, guard page %p-%p\n", (void *)base, (void *)top,
            (void *)(base - PGSIZE), (void *)base);
    __asm__ volatile("movq %0, %%rsp\n\t"
                     "xorl %%ebp, %%ebp\n\t"
                     "callq *%1" : : "r"(top), "r"(mm_overflow) : "memory");
}
// book: fault_stack

/* mm_fault_wp: write a byte into the kernel's own (read-only) text. */
void mm_fault_wp(void)
{
    uint8_t *text = (uint8_t *)(uintptr_t)mm_fault_wp;
    kprintf("writing to %p (kernel text)\n", (void *)text);
    __asm__ volatile("movb $0xc3, (%0)" : : "r"(text) : "memory");
}

/* mm_fault_nx: jump to a `ret` instruction stored in .data. */
void mm_fault_nx(void)
{
    kprintf("executing %p (kernel data)\n", (void *)nx_code);
    __asm__ volatile("callq *%0" : : "r"(nx_code) : "memory");
}

/* mm_fault_null: read through a null pointer. */
void mm_fault_null(void)
{
    kprintf("reading %p\n", (void *)0);
    uint64_t v;
    __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(0ul) : "memory");
}

/* mm_fault_pmm_double: free a frame twice: pmm_free must panic. */
void mm_fault_pmm_double(void)
{
    uint64_t pa = pmm_alloc();
    kprintf("freeing frame 0x%lx twice\n", pa);
    pmm_free(pa);
    pmm_free(pa);
}

/* mm_fault_heap_double: kfree a block twice: kfree must panic. */
void mm_fault_heap_double(void)
{
    void *p = kmalloc(100);
    kprintf("freeing %p twice\n", p);
    kfree(p);
    kfree(p);
}

static void *filled;              /* heapfill's blocks, linked through
                                     their first word */
static size_t filled_blocks, filled_bytes;

/*
 * mm_heapfill_cmd: `heapfill`: kmalloc blocks of HEAPFILL_CHUNK bytes,
 * halving the size each time kmalloc returns NULL, down to 1 byte, until
 * even that fails: the heap (and with it every free frame) is exhausted.
 * Prints a line every FILL_REPORT bytes, so a big machine shows progress.
 */
void mm_heapfill_cmd(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (filled) {
        kprintf("heapfill: already filled (heapfree first)\n");
        return;
    }
    for (size_t size = HEAPFILL_CHUNK; size >= sizeof(void *);) {
        void **p = kmalloc(size);
        if (!p) {
            size /= 2;
            continue;
        }
        *p = filled;
        filled = p;
        filled_blocks++;
        if ((filled_bytes + size) / FILL_REPORT != filled_bytes / FILL_REPORT)
            kprintf("heapfill: %zu MiB\n", (filled_bytes + size) >> 20);
        filled_bytes += size;
    }
    kprintf("heapfill: %zu blocks, %zu KiB; kmalloc now returns NULL\n",
            filled_blocks, filled_bytes / 1024);
}

/* mm_heapfree_cmd: `heapfree`: free every block heapfill took. */
void mm_heapfree_cmd(int argc, char **argv)
{
    (void)argc, (void)argv;
    size_t n = 0;
    while (filled) {
        void *next = *(void **)filled;
        kfree(filled);
        filled = next;
        n++;
    }
    kprintf("heapfree: freed %zu blocks, %zu KiB\n", n, filled_bytes / 1024);
    filled_blocks = filled_bytes = 0;
}

static int vm_checks, vm_failed;

/* VCHECK: count a check of the vmtest command; print it if it failed. */
#define VCHECK(cond) vcheck((cond), #cond)

static void vcheck(bool ok, const char *what)
{
    vm_checks++;
    if (!ok) {
        vm_failed++;
        kprintf("vmtest: FAILED: %s\n", what);
    }
}

/* all_bytes: are the n bytes at p all equal to v? */
static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != v)
            return false;
    }
    return true;
}

/* vmtest_region: a region grows in place (old bytes kept, new ones zero),
 * refuses to pass its reservation, shrinks, and keeps a gap to the next. */
static void vmtest_region(void)
{
    const size_t K = 1024;
    uint8_t *r = vm_region_reserve(1024 * K);
    VCHECK(r != NULL && !vm_is_mapped(r));
    if (!r)
        return;
    bool grew = vm_region_resize(r, 0, 64 * K);
    VCHECK(grew);                           /* false: out of frames */
    if (grew) {
        VCHECK(vm_is_mapped(r + 64 * K - 1) && !vm_is_mapped(r + 64 * K));
        VCHECK(all_bytes(r, 64 * K, 0));
        memset(r, 0xa5, 64 * K);
        grew = vm_region_resize(r, 64 * K, 256 * K);
        VCHECK(grew);
    }
    if (grew) {
        VCHECK(all_bytes(r, 64 * K, 0xa5) && all_bytes(r + 64 * K, 192 * K, 0));
        VCHECK(!vm_region_resize(r, 256 * K, 2048 * K));   /* > reserved */
        VCHECK(vm_is_mapped(r + 256 * K - 1) && !vm_is_mapped(r + 256 * K));
        VCHECK(vm_region_resize(r, 256 * K, 16 * K));
        VCHECK(!vm_is_mapped(r + 16 * K) && all_bytes(r, 16 * K, 0xa5));
    } else {
        VCHECK(!vm_is_mapped(r));                       /* nothing half-done */
    }
    uint8_t *r2 = vm_region_reserve(4 * K);
    VCHECK(r2 != NULL &&
           (r2 >= r + 1024 * K + PGSIZE || r2 + 4 * K + PGSIZE <= r));
    vm_region_release(r, 1024 * K);
    VCHECK(!vm_is_mapped(r));
    if (r2)
        vm_region_release(r2, 4 * K);
}

/* vmtest_stack: a stack is mapped up to its top, with the guard below. */
static void vmtest_stack(void)
{
    uint8_t *top = vm_stack_alloc(16384);
    VCHECK(top != NULL);
    if (!top)
        return;
    VCHECK(vm_is_mapped(top - 1) && vm_is_mapped(top - 16384));
    VCHECK(!vm_is_mapped(top - 16384 - 1));
    VCHECK(!vm_is_mapped(top - 16384 - PGSIZE));
    top[-1] = 1;
    vm_stack_free(top, 16384);
    VCHECK(!vm_is_mapped(top - 1));
}

/*
 * mm_vmtest_cmd: `vmtest`: exercise regions, stacks and a multi-page heap
 * block, then check that every frame came back.  Prints
 * "vmtest: N checks, M failed".
 */
void mm_vmtest_cmd(int argc, char **argv)
{
    (void)argc, (void)argv;
    vm_checks = vm_failed = 0;
    size_t frames0 = pmm_free_frames();
    vmtest_region();
    vmtest_stack();
    uint8_t *big = kmalloc(100000);
    VCHECK(big != NULL && ((uintptr_t)big & 15) == 0);
    if (big)
        memset(big, 0x5a, 100000);
    kfree(big);
    VCHECK(!vm_is_mapped((uint8_t *)0) && !vm_is_mapped((uint8_t *)0x100000));
    VCHECK(pmm_free_frames() == frames0);
    kprintf("vmtest: %d checks, %d failed\n", vm_checks, vm_failed);
}

#define WASM_PAGE 65536ul         /* memory.grow's unit */

static int grow_failed;

/* grow_check: count a failed check of memgrow and print it. */
static void grow_check(bool ok, const char *what, size_t kib)
{
    if (!ok) {
        grow_failed++;
        kprintf("memgrow: FAILED: %s (at %zu KiB)\n", what, kib);
    }
}

/* tag_pages: write a tag into the first byte of every page of r's
 * [from, to): the page's number, never 0. */
static void tag_pages(uint8_t *r, size_t from, size_t to)
{
    for (size_t off = from; off < to; off += PGSIZE)
        r[off] = (uint8_t)(off / PGSIZE % 255 + 1);
}

/* tags_are: does every page of r's [from, to) hold its tag (tagged), or
 * only zeros in its first byte (!tagged)? */
static bool tags_are(const uint8_t *r, size_t from, size_t to, bool tagged)
{
    for (size_t off = from; off < to; off += PGSIZE) {
        if (r[off] != (tagged ? (uint8_t)(off / PGSIZE % 255 + 1) : 0))
            return false;
    }
    return true;
}

/*
 * memgrow_round: one life of a Wasm linear memory in a region of max
 * bytes, as the engine drives it: grow one Wasm page at a time up to max,
 * shrink a page at a time to half, grow back to max at once (fresh pages
 * read zero, kept ones their tags), shrink to nothing at once and release
 * the region, as a process's exit does.
 */
static void memgrow_round(size_t max)
{
    uint8_t *r = vm_region_reserve(max);
    grow_check(r != NULL, "vm_region_reserve", 0);
    if (!r)
        return;
    size_t size = 0;
    while (size < max && vm_region_resize(r, size, size + WASM_PAGE)) {
        tag_pages(r, size, size + WASM_PAGE);
        size += WASM_PAGE;
    }
    grow_check(size == max, "grow a Wasm page at a time (out of frames?)",
               size / 1024);
    while (size > max / 2 && vm_region_resize(r, size, size - WASM_PAGE))
        size -= WASM_PAGE;
    grow_check(size == max / 2 && tags_are(r, 0, size, true) &&
               !vm_is_mapped(r + size), "shrink a Wasm page at a time",
               size / 1024);
    if (vm_region_resize(r, size, max)) {
        grow_check(tags_are(r, 0, size, true) && tags_are(r, size, max, false),
                   "grow at once: old pages kept, new ones zero", max / 1024);
        size = max;
    }
    grow_check(size == max, "grow at once (out of frames?)", size / 1024);
    grow_check(vm_region_resize(r, size, 0) && !vm_is_mapped(r) &&
               !vm_is_mapped(r + max - 1), "shrink to nothing", 0);
    vm_region_release(r, max);
}

/*
 * mm_memgrow_cmd: `memgrow`: MEMGROW_ROUNDS lives of a Wasm linear memory
 * of PROC_MEM_MAX_PAGES pages (memgrow_round), then the frames in use
 * compared with the count before: every frame mapped for the memory and
 * every page table made for it must have come back.  Prints
 * "memgrow: N rounds of a M KiB memory: frames in use A before, B after"
 * after any failed check.
 */
void mm_memgrow_cmd(int argc, char **argv)
{
    (void)argc, (void)argv;
    size_t max = (size_t)PROC_MEM_MAX_PAGES * WASM_PAGE;
    size_t used0 = pmm_used_frames();
    grow_failed = 0;
    for (int i = 0; i < MEMGROW_ROUNDS; i++)
        memgrow_round(max);
    kprintf("memgrow: %d rounds of a %zu KiB memory: frames in use %zu "
            "before, %zu after\n", MEMGROW_ROUNDS, max / 1024, used0,
            pmm_used_frames());
}
