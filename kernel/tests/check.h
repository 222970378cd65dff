/*
 * check.h: the CHECK and CHECK_EQ macros of the kernel's host unit tests
 * (pmm_test.c, heap_test.c): count every check, print the failing ones
 * with their line (CHECK_EQ: with the value that came and the one
 * wanted), and leave the totals in nchecks / nfailed for the summary.
 */
#ifndef WISP_TESTS_CHECK_H
#define WISP_TESTS_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

static int nchecks, nfailed;

/* check: count one check; report it if it failed. */
static inline void check(int line, bool ok, const char *what)
{
    nchecks++;
    if (!ok) {
        nfailed++;
        printf("FAIL line %d: %s\n", line, what);
    }
}

#define CHECK(cond) check(__LINE__, (cond), #cond)

/* check_eq: count one check that got == want; report both if not. */
static inline void check_eq(int line, uint64_t got, uint64_t want, const char *what)
{
    nchecks++;
    if (got != want) {
        nfailed++;
        printf("FAIL line %d: %s: got %#llx (%llu), want %#llx (%llu)\n", line, what,
               (unsigned long long)got, (unsigned long long)got,
               (unsigned long long)want, (unsigned long long)want);
    }
}

#define CHECK_EQ(got, want) \
    check_eq(__LINE__, (uint64_t)(got), (uint64_t)(want), #got " == " #want)

#endif
