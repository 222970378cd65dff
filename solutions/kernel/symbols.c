/*
 * symbols.c: address -> function name, by binary search in a sorted table.
 */
#include "symbols.h"

#include "labtodo.h"

/*
 * sym_find: the entry of tab[0..n) whose range [addr, addr + size)
 * contains a, or NULL if none does.  Needs tab sorted by addr, ranges
 * not overlapping; there may be gaps between them, and a may lie below
 * the first entry or beyond the last.  Takes O(log n) steps: a kernel has
 * thousands of functions and a backtrace looks up every frame.
 */
const struct ksym *sym_find(const struct ksym *tab, size_t n, uint64_t a)
{
    // LAB 1 BEGIN sym_find
    size_t lo = 0, hi = n;          /* candidates: tab[lo..hi) */
    while (lo < hi) {               /* find the first entry with addr > a */
        size_t mid = lo + (hi - lo) / 2;
        if (tab[mid].addr <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;                /* a is below every symbol */
    const struct ksym *s = &tab[lo - 1];
    return a - s->addr < s->size ? s : NULL;
    // LAB 1 BUG sym_find_one_past_the_end
    // size_t lo = 0, hi = n;
    // while (lo < hi) {
    //     size_t mid = lo + (hi - lo) / 2;
    //     if (tab[mid].addr <= a)
    //         lo = mid + 1;
    //     else
    //         hi = mid;
    // }
    // if (lo == 0)
    //     return NULL;
    // const struct ksym *s = &tab[lo - 1];
    // return a - s->addr <= s->size ? s : NULL;
    // LAB 1 STUB finds nothing, so every name in a backtrace is '?'
    // (void)tab, (void)n, (void)a;
    // LAB_TODO(1, "sym_find");
    // return NULL;
    // LAB 1 END
}

/*
 * sym_lookup: the name of the kernel function containing addr, with
 * *offset set to addr minus the function's start; NULL (and *offset 0)
 * for an address outside every known function.
 */
const char *sym_lookup(uint64_t addr, uint64_t *offset)
{
    const struct ksym *s = sym_find(ksym_table, ksym_count, addr);
    *offset = s ? addr - s->addr : 0;
    return s ? s->name : NULL;
}
