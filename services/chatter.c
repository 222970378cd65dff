/*
 * chatter [NAME [N]]: prints N lines (default 20), "NAME: line I of N,
 * in three pieces", each written in three pieces with a flush and a
 * yield between them.  Two chatters at once show the console service at
 * work: each piece is its own CONS_WRITE, yet every line comes out
 * whole, because the console keeps a partial line per sender until it
 * ends.  (Run from the kernel monitor, without the console service, the
 * pieces of two chatters interleave mid-line.)
 */
#include <stdio.h>
#include <stdlib.h>

#include "wisp.h"

/* piece: prints s and flushes it, then lets another program run. */
static void piece(const char *s)
{
    fputs(s, stdout);
    fflush(stdout);
    wisp_yield();
}

/* main: N lines of three pieces each. */
int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "chatter";
    int n = argc > 2 ? atoi(argv[2]) : 20;
    char buf[64];
    if (n <= 0) {
        fprintf(stderr, "chatter: N must be a positive number\n");
        return 2;
    }
    for (int i = 1; i <= n; i++) {
        snprintf(buf, sizeof buf, "%.40s: line ", name);
        piece(buf);
        snprintf(buf, sizeof buf, "%d of %d", i, n);
        piece(buf);
        piece(", in three pieces\n");
    }
    return 0;
}
