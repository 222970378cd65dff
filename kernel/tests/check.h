/*
 * check.h: the CHECK macro of the kernel's host unit tests (pmm_test.c,
 * heap_test.c): counts every check, prints the failing ones with their
 * line, and leaves the totals in nchecks / nfailed for the summary line.
 */
#ifndef WISP_TESTS_CHECK_H
#define WISP_TESTS_CHECK_H

#include <stdbool.h>
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

#endif
