/*
 * badhandle: a program that forges IPC handles.  A handle is a slot in
 * the process's own handle table, so a number it was never given names
 * nothing: every use of one is the error EBADF, and a handle used beyond
 * its rights is EACCES.  Errors, not traps: a program can handle them,
 * and nothing outside it is touched.
 *
 * It tries each case, prints what the kernel answered, and exits 0 if
 * every one was refused as spec/ipc.md says (1, naming the case, if
 * not).  Expected, one line per case, ending in:
 *   "badhandle: all 8 forged or misused handles refused"
 */
#include <stdio.h>

#include "wisp.h"

#define BH_UNGIVEN 9                /* a slot nobody gave this program */

static int bh_failed;

/* bh_check: prints one case and whether err is the expected error. */
static void bh_check(const char *what, int32_t err, int32_t want)
{
    printf("badhandle: %-44s -> %s\n", what, wisp_strerror(err));
    if (err != want) {
        printf("badhandle: UNEXPECTED: wanted %s\n", wisp_strerror(want));
        bh_failed++;
    }
}

/* bh_forged: uses slot numbers that hold no handle. */
static void bh_forged(void)
{
    wisp_msg m = {.label = 1};
    wisp_in in = {0};
    uint32_t word;
    int32_t h2;
    bh_check("call on slot 9 (never given)",
             wisp_call(BH_UNGIVEN, &m, &in), WISP_EBADF);
    bh_check("send on slot 16 (past the table)",
             wisp_try_send(WISP_HANDLES_MAX, &m), WISP_EBADF);
    bh_check("send on slot -1", wisp_try_send(-1, &m), WISP_EBADF);
    bh_check("wait on slot 9", wisp_wait(BH_UNGIVEN, &word), WISP_EBADF);
    bh_check("dup of slot 9", wisp_dup(BH_UNGIVEN, WISP_R_ALL, 0, &h2),
             WISP_EBADF);
}

/* bh_misused: real handles of its own, used beyond their rights or
 * with a bad message pointer. */
static void bh_misused(void)
{
    int32_t ep, send_only, n;
    wisp_in in = {0};
    if (wisp_ep_create(&ep) != 0 ||
        wisp_dup(ep, WISP_R_SEND, 0, &send_only) != 0 ||
        wisp_ntfn_create(&n) != 0) {
        printf("badhandle: UNEXPECTED: cannot make handles of its own\n");
        bh_failed++;
        return;
    }
    bh_check("recv on a send-only endpoint handle",
             wisp_try_recv(send_only, &in), WISP_EACCES);
    bh_check("signal through an endpoint handle", wisp_signal(ep),
             WISP_EBADF);
    bh_check("send with the message outside memory",
             wisp_try_send(ep, (const wisp_msg *)0xfffffff0u), WISP_EFAULT);
}

int main(void)
{
    bh_forged();
    bh_misused();
    if (bh_failed) {
        printf("badhandle: %d cases NOT refused as the spec says\n",
               bh_failed);
        return 1;
    }
    printf("badhandle: all 8 forged or misused handles refused\n");
    return 0;
}
