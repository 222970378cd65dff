/*
 * family [N]: a line of N processes (default 3), each the parent of the
 * next: `family N` starts `family N-1`, down to 1.  Each says it is
 * ready, then sleeps until it is killed.  The process life cycle's test
 * (harness/tests/test_spec_proc.py) kills a middle one alone and checks
 * that its child moves up to its parent (spec/process.md).
 */
#include <stdio.h>
#include <stdlib.h>

#include "wisp.h"

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 3;
    if (n < 1 || n > 16) {
        fprintf(stderr, "family: N must be from 1 to 16\n");
        return 2;
    }
    if (n > 1) {
        char arg[4];
        int32_t pid;
        int len = snprintf(arg, sizeof arg, "%d", n - 1);
        int32_t err = wisp_spawn("family.wasm", 11, arg, (uint32_t)len + 1,
                                 NULL, 0, &pid);
        if (err) {
            printf("family: level %d: spawn: %s\n", n, wisp_strerror(err));
            return 1;
        }
    }
    printf("family: level %d ready\n", n);
    fflush(stdout);
    for (;;)
        wisp_sleep_ms(100000);
}
