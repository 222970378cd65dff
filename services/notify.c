/*
 * notify [K]: the notification demo.  Creates a notification, starts K
 * signallers (default 4, at most 8), signaller i with a send handle
 * badged 1 << i, keeps only a receive handle, and waits: each wait
 * returns the badges ORed in since the last one.  Once every signaller
 * has exited, no send handle is left and wait returns EPIPE.  Exit 0 when
 * it saw every badge, and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>

#include "wisp.h"

/* start: k signallers on notification n. */
static int32_t start(int32_t n, int k)
{
    for (int i = 0; i < k; i++) {
        int32_t h, pid, r;
        if ((r = wisp_dup(n, WISP_R_SEND, 1u << i, &h)) ||
            (r = wisp_spawn_str("signaller", &h, 1, &pid)))
            return r;
        wisp_close(h);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int k = argc > 1 ? atoi(argv[1]) : 4, waits = 0;
    int32_t n, rh, r;
    uint32_t all = 0, word;
    if (k < 1 || k > 8) {
        printf("notify: K must be 1..8\n");
        return 2;
    }
    if ((r = wisp_ntfn_create(&n)) || (r = wisp_dup(n, WISP_R_RECV, 0, &rh)) ||
        (r = start(n, k))) {
        printf("notify: setup: %s\n", wisp_strerror(r));
        return 2;
    }
    wisp_close(n);              /* the signallers hold every send handle */
    while ((r = wisp_wait(rh, &word)) == 0) {
        printf("notify: wait -> word 0x%x\n", (unsigned)word);
        all |= word;
        waits++;
    }
    printf("notify: %d waits saw badges 0x%x (expected 0x%x); then wait -> "
           "%s\n", waits, (unsigned)all, (1u << k) - 1, wisp_strerror(r));
    return !(all == (1u << k) - 1 && r == WISP_EPIPE);
}
