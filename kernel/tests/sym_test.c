/*
 * sym_test.c: host unit test of kernel/symbols.c (address -> name).
 *
 * A hand-made table checks the edges (below the first symbol, first and
 * last byte of a function, gaps, past the end); random tables check the
 * binary search against a linear scan.  Exits 1 on any failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "symbols.h"

/* The table sym_lookup() searches; in the kernel it is generated. */
const struct ksym ksym_table[] = {
    { 0x1000, 0x10, "first" },
    { 0x1010, 0x20, "second" },       /* adjacent to first */
    { 0x1100, 0x08, "after_gap" },    /* [0x1030, 0x1100) is a gap */
    { 0xffffffff80100000ull, 0x100, "high" },
};
const size_t ksym_count = sizeof ksym_table / sizeof ksym_table[0];

static int nchecks, nfailed;

/* expect: sym_lookup(addr) must give name (NULL: unknown) and offset. */
static void expect(uint64_t addr, const char *name, uint64_t off)
{
    uint64_t got_off = 12345;
    const char *got = sym_lookup(addr, &got_off);
    nchecks++;
    int ok = (got == NULL && name == NULL && got_off == 0) ||
             (got && name && strcmp(got, name) == 0 && got_off == off);
    if (!ok) {
        nfailed++;
        printf("FAIL 0x%llx: got %s+0x%llx, want %s+0x%llx\n",
               (unsigned long long)addr, got ? got : "(unknown)",
               (unsigned long long)got_off, name ? name : "(unknown)",
               (unsigned long long)off);
    }
}

/* test_edges: the boundaries of the hand-made table. */
static void test_edges(void)
{
    expect(0, NULL, 0);
    expect(0xfff, NULL, 0);                  /* just below the first */
    expect(0x1000, "first", 0);
    expect(0x100f, "first", 0xf);            /* last byte of first */
    expect(0x1010, "second", 0);             /* adjacent: no overlap */
    expect(0x102f, "second", 0x1f);
    expect(0x1030, NULL, 0);                 /* one past second: gap */
    expect(0x10ff, NULL, 0);
    expect(0x1100, "after_gap", 0);
    expect(0x1108, NULL, 0);                 /* past after_gap */
    expect(0xffffffff80100000ull, "high", 0);
    expect(0xffffffff801000ffull, "high", 0xff);
    expect(0xffffffff80100100ull, NULL, 0);  /* past the last */
    expect(UINT64_MAX, NULL, 0);
    nchecks++;
    if (sym_find(ksym_table, 0, 0x1000) != NULL) {   /* empty table */
        nfailed++;
        printf("FAIL: empty table found a symbol\n");
    }
}

/* linear: the obvious search, as a reference. */
static const struct ksym *linear(const struct ksym *t, size_t n, uint64_t a)
{
    for (size_t i = 0; i < n; i++) {
        if (a >= t[i].addr && a - t[i].addr < t[i].size)
            return &t[i];
    }
    return NULL;
}

/* test_random: sorted random tables, many addresses, vs linear(). */
static void test_random(void)
{
    static struct ksym t[64];
    srand(1);
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(rand() % 64);
        uint64_t a = (uint64_t)(rand() % 64);
        for (size_t i = 0; i < n; i++) {
            t[i] = (struct ksym){ a, (uint64_t)(rand() % 16), "f" };
            a += t[i].size + (uint64_t)(rand() % 3);
        }
        for (uint64_t x = 0; x < a + 4; x++) {
            nchecks++;
            const struct ksym *got = sym_find(t, n, x), *want = linear(t, n, x);
            if (got != want && ++nfailed <= 10)     /* the first ten say how */
                printf("FAIL random round %d: %zu symbols, addr %llu: got entry "
                       "%td, want %td (-1: none)\n", round, n,
                       (unsigned long long)x, got ? got - t : -1,
                       want ? want - t : -1);
        }
    }
}

static const struct test_group groups[] = {
    { "edges", test_edges },
    { "random", test_random },
};

/*
 * main: run the groups named as arguments (both when none is); exit
 * status 1 if any check failed, 2 for an unknown group.
 */
int main(int argc, char **argv)
{
    if (run_groups(groups, sizeof groups / sizeof groups[0], argc, argv))
        return 2;
    printf("sym_test: %d checks, %d failed\n", nchecks, nfailed);
    return nfailed ? 1 : 0;
}
