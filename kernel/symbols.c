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
    // LAB 1: your code here (sym_find)
    (void)tab, (void)n, (void)a;
    LAB_TODO(1, "sym_find");
    return NULL;
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
