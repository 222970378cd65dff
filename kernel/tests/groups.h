/*
 * groups.h: named groups of checks in a host unit test, so that a test
 * (or a lab grader) can run one group alone: `kernel_sym_test edges`.
 */
#ifndef WISP_TESTS_GROUPS_H
#define WISP_TESTS_GROUPS_H

#include <stdio.h>
#include <string.h>

/* One group: a name and the function that runs its checks. */
struct test_group {
    const char *name;
    void (*run)(void);
};

/*
 * run_groups: run the groups named in argv[1..argc) in that order, or
 * every group of g[0..n) when none is named.  Returns 0, or 2 after
 * naming an unknown group (and the known ones) on stderr.
 */
static inline int run_groups(const struct test_group *g, int n, int argc, char **argv)
{
    if (argc < 2) {
        for (int i = 0; i < n; i++)
            g[i].run();
        return 0;
    }
    for (int a = 1; a < argc; a++) {
        int i = 0;
        while (i < n && strcmp(g[i].name, argv[a]) != 0)
            i++;
        if (i == n) {
            fprintf(stderr, "%s: no group '%s'; groups:", argv[0], argv[a]);
            for (i = 0; i < n; i++)
                fprintf(stderr, " %s", g[i].name);
            fprintf(stderr, "\n");
            return 2;
        }
        g[i].run();
    }
    return 0;
}

#endif
