/*
 * symbols.h: the kernel's own function names, for backtraces.
 *
 * The table is generated at build time from the linked kernel (see
 * kernel/tools/mksymtab.py and kernel/Makefrag), sorted by address.  The
 * lookup code is pure C so the host unit test can check it.
 */
#ifndef WISP_SYMBOLS_H
#define WISP_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

/* One function: [addr, addr + size) holds its code. */
struct ksym {
    uint64_t addr;
    uint64_t size;
    const char *name;
};

/* Generated: every function of the kernel image, by increasing address. */
extern const struct ksym ksym_table[];
extern const size_t ksym_count;

const struct ksym *sym_find(const struct ksym *tab, size_t n, uint64_t addr);
const char *sym_lookup(uint64_t addr, uint64_t *offset);

#endif
