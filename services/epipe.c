/*
 * epipe MODE: a client whose server dies mid-call.  Creates an endpoint,
 * starts `dier MODE` with a receive handle to it, and calls it once; the
 * call must end with EPIPE (spec/ipc.md: every call that blocks ends with
 * exactly one answer).  MODE: trap, exit (dier dies holding the call),
 * hold (dier holds the call and blocks in recv until the monitor kills
 * it), grant (the call grants dier a notification's receive handle;
 * dier waits on it until the monitor kills epipe, blocked in its call).
 * Exit 0 when the call returned EPIPE.
 */
#include <stdio.h>
#include <string.h>

#include "wisp.h"

/* start_dier: an endpoint (*ep) served by `dier mode`. */
static int32_t start_dier(const char *mode, int32_t *ep)
{
    int32_t rh, pid, r;
    if ((r = wisp_ep_create(ep)) || (r = wisp_dup(*ep, WISP_R_RECV, 0, &rh)))
        return r;
    r = wisp_spawn("dier", 4, mode, (uint32_t)strlen(mode) + 1, &rh, 1, &pid);
    wisp_close(rh);
    if (r == 0)
        printf("epipe: dier %s is pid %d\n", mode, (int)pid);
    return r;
}

/* grant_ntfn: make m grant (move) the receive handle of a new
 * notification whose only send handle epipe keeps. */
static int32_t grant_ntfn(wisp_msg *m)
{
    int32_t n, nr, r;
    if ((r = wisp_ntfn_create(&n)) || (r = wisp_dup(n, WISP_R_RECV, 0, &nr)))
        return r;
    m->nhandles = 1;
    m->handles[0] = (uint32_t)nr | WISP_GRANT_MOVE;
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "trap";
    int32_t ep, r;
    wisp_msg m = wisp_msg_words(1, 0, NULL);
    wisp_in in = { .cap = 0 };
    if ((r = start_dier(mode, &ep)) ||
        (strcmp(mode, "grant") == 0 && (r = grant_ntfn(&m)))) {
        printf("epipe: setup failed: %s\n", wisp_strerror(r));
        return 2;
    }
    printf("epipe: calling dier\n");
    fflush(stdout);
    r = wisp_call(ep, &m, &in);
    printf("epipe: call -> %s%s\n", wisp_strerror(r),
           r == WISP_EPIPE ? ": the server died holding my call" : "");
    return r != WISP_EPIPE;
}
