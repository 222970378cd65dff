/* clock.c: clocks, sleeping and randomness, printed as facts that hold on
 * any run (wisp-run test). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int64_t ns(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(void)
{
    struct timespec res, nap = {0, 2000000};
    int64_t t0 = ns(CLOCK_MONOTONIC), t1;
    int nonzero = 0;
    unsigned char buf[64] = {0};
    printf("realtime after 2020: %d\n", time(NULL) > 1577836800);
    printf("realtime agrees with time(): %d\n",
           ns(CLOCK_REALTIME) / 1000000000 - time(NULL) <= 1);
    printf("clock_getres ok: %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0
           && res.tv_sec == 0 && res.tv_nsec > 0);
    printf("nanosleep: %d\n", nanosleep(&nap, NULL));
    printf("usleep: %d\n", usleep(1000));
    t1 = ns(CLOCK_MONOTONIC);
    printf("monotonic advanced by the sleeps: %d\n", t1 - t0 >= 3000000);
    printf("process cputime readable: %d\n",
           ns(CLOCK_PROCESS_CPUTIME_ID) >= 0);
    arc4random_buf(buf, sizeof buf);
    for (size_t i = 0; i < sizeof buf; i++)
        nonzero += buf[i] != 0;
    printf("random bytes mostly nonzero: %d\n", nonzero > 32);
    return 0;
}
