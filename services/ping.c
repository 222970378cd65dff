/*
 * ping [N]: the IPC demo's client.  Creates an endpoint, starts pong with
 * a receive-only handle to it, keeps a send handle badged PING_BADGE, and
 * makes N calls (default 100), each with a label, 8 words and a 64-byte
 * buffer; pong answers every word + 1 and the buffer reversed.  Checks
 * every reply and prints a summary; when it exits, its send handle goes
 * and pong's recv returns EPIPE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wisp.h"

#define PING_BADGE 7
#define PING_BUF 64

/* now_ms: the monotonic clock in milliseconds. */
static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* setup: the endpoint, pong started on it; *sh = ping's send handle. */
static int setup(int32_t *sh)
{
    int32_t ep, rh, pid, r;
    if ((r = wisp_ep_create(&ep)) || (r = wisp_dup(ep, WISP_R_RECV, 0, &rh)) ||
        (r = wisp_dup(ep, WISP_R_SEND, PING_BADGE, sh)) ||
        (r = wisp_spawn_str("pong", &rh, 1, &pid))) {
        printf("ping: setup failed: %s\n", wisp_strerror(r));
        return -1;
    }
    wisp_close(rh);             /* pong holds the only receive handle */
    wisp_close(ep);             /* ... and ping only its badged sender */
    printf("ping: pong is pid %d\n", (int)pid);
    return 0;
}

/* round_trip: call i through sh; 0 if the reply is exactly what pong owes. */
static int round_trip(int32_t sh, uint32_t i)
{
    uint8_t out[PING_BUF], back[PING_BUF];
    uint32_t w[WISP_MSG_WORDS_MAX];
    for (uint32_t k = 0; k < WISP_MSG_WORDS_MAX; k++)
        w[k] = i * 8 + k;
    for (uint32_t k = 0; k < PING_BUF; k++)
        out[k] = (uint8_t)(i + k);
    wisp_msg m = wisp_msg_words(i + 1, WISP_MSG_WORDS_MAX, w);
    m.buf = (uint32_t)(uintptr_t)out;
    m.len = PING_BUF;
    wisp_in in = { .buf = (uint32_t)(uintptr_t)back, .cap = PING_BUF };
    int32_t r = wisp_call(sh, &m, &in);
    int bad = r != 0 || in.label != i + 2 || in.badge != 0 ||
              in.nwords != WISP_MSG_WORDS_MAX || in.len != PING_BUF ||
              in.copied != PING_BUF || in.reply != -1 || in.nhandles != 0;
    for (uint32_t k = 0; !bad && k < WISP_MSG_WORDS_MAX; k++)
        bad = in.words[k] != w[k] + 1;
    for (uint32_t k = 0; !bad && k < PING_BUF; k++)
        bad = back[k] != out[PING_BUF - 1 - k];
    if (bad)
        printf("ping: round %u: call -> %s, label %u: wrong reply\n",
               (unsigned)i, wisp_strerror(r), (unsigned)in.label);
    return bad;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100, bad = 0;
    int32_t sh;
    if (n <= 0 || setup(&sh) < 0)
        return 2;
    long t0 = now_ms();
    for (int i = 0; i < n; i++)
        bad += round_trip(sh, (uint32_t)i);
    long ms = now_ms() - t0;
    printf("ping: %d round trips, %d bad (8 words and %d bytes each way), "
           "%ld ms\n", n, bad, PING_BUF, ms);
    return bad != 0;
}
