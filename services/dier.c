/*
 * dier MODE: a server that never answers, for epipe.c.  Slot 0 is a
 * receive handle.  Receives one call, then by MODE: trap (unreachable),
 * exit (exit 3), hold (recv again: blocked until the monitor kills it),
 * grant (wait on the notification the call granted: EPIPE once the
 * caller is gone; then its reply returns EPIPE too, and so does recv).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wisp.h"

#define DIER_EP 0

/* outlive: the grant mode, after the caller's death. */
static int outlive(const wisp_in *got)
{
    uint32_t word = 0;
    wisp_in in = { .cap = 0 };
    wisp_msg m = wisp_msg_words(0, 0, NULL);
    if (got->nhandles != 1) {
        printf("dier: the call granted %u handles, not 1\n",
               (unsigned)got->nhandles);
        return 1;
    }
    printf("dier: holding the call, waiting on the caller's notification\n");
    fflush(stdout);
    int32_t w = wisp_wait((int32_t)got->handles[0], &word);
    int32_t r = wisp_reply(got->reply, &m);
    int32_t v = wisp_recv(DIER_EP, &in);
    printf("dier: wait -> %s, reply -> %s, recv -> %s\n", wisp_strerror(w),
           wisp_strerror(r), wisp_strerror(v));
    return !(w == WISP_EPIPE && r == WISP_EPIPE && v == WISP_EPIPE);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "trap";
    wisp_in in = { .cap = 0 };
    int32_t r = wisp_recv(DIER_EP, &in);
    if (r != 0) {
        printf("dier: recv -> %s\n", wisp_strerror(r));
        return 1;
    }
    printf("dier: got a call (label %u, reply handle %d)\n",
           (unsigned)in.label, (int)in.reply);
    if (strcmp(mode, "grant") == 0)
        return outlive(&in);
    if (strcmp(mode, "hold") == 0) {
        printf("dier: holding the call, blocked in recv\n");
        fflush(stdout);
        r = wisp_recv(DIER_EP, &in);
        printf("dier: recv -> %s\n", wisp_strerror(r));
        return 1;
    }
    printf("dier: %s with the call unanswered\n",
           strcmp(mode, "exit") == 0 ? "exiting" : "trapping");
    fflush(stdout);
    if (strcmp(mode, "exit") == 0)
        exit(3);
    __builtin_trap();
}
