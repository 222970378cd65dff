/*
 * sleeper [TIMES [MS]]: sleeps MS milliseconds TIMES times with
 * wisp.sleep_ms, printing how long each sleep took by the monotonic
 * clock (kernel ticks).  Defaults: 3 times, 100 ms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wisp.h"

/* now_ms: the monotonic clock in milliseconds. */
static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    int times = argc > 1 ? atoi(argv[1]) : 3;
    int ms = argc > 2 ? atoi(argv[2]) : 100;
    if (times <= 0 || ms < 0) {
        fprintf(stderr, "sleeper: TIMES must be > 0 and MS >= 0\n");
        return 2;
    }
    for (int i = 1; i <= times; i++) {
        long long t0 = now_ms();
        wisp_sleep_ms((unsigned)ms);
        printf("sleeper: %d/%d slept %lld ms (asked %d)\n", i, times,
               now_ms() - t0, ms);
    }
    return 0;
}
