/*
 * crowd: fills the process table.  Starts pong processes, each with a
 * receive handle to an endpoint whose only send handle crowd keeps, until
 * spawn fails; that must be EAGAIN (the table is full, PROC_MAX), not a
 * crash.  When crowd exits its send handle goes, so every pong's recv
 * returns EPIPE and they all end.
 */
#include <stdio.h>

#include "wisp.h"

int main(void)
{
    int32_t ep, rh, pid, r;
    int n = 0;
    if ((r = wisp_ep_create(&ep)) || (r = wisp_dup(ep, WISP_R_RECV, 0, &rh))) {
        printf("crowd: setup: %s\n", wisp_strerror(r));
        return 2;
    }
    while ((r = wisp_spawn_str("pong", &rh, 1, &pid)) == 0)
        n++;
    printf("crowd: %d processes started, then spawn -> %s\n", n,
           wisp_strerror(r));
    return r != WISP_EAGAIN;
}
