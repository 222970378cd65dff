/*
 * pong: the IPC demo's server, started by ping with a receive handle in
 * slot 0.  Answers every call with label + 1, every word + 1 and the
 * buffer reversed, checking each call carries ping's badge; when no
 * sender is left (ping exited) its recv returns EPIPE and it says so.
 */
#include <stdio.h>

#include "wisp.h"

#define PONG_EP 0               /* the receive handle ping gave */
#define PING_BADGE 7
#define PONG_BUF 64

int main(void)
{
    uint8_t buf[PONG_BUF], rev[PONG_BUF];
    wisp_in in = { .buf = (uint32_t)(uintptr_t)buf, .cap = PONG_BUF };
    int served = 0, badges = 0;
    int32_t r = wisp_recv(PONG_EP, &in);
    while (r == 0) {
        badges += in.badge == PING_BADGE;
        for (uint32_t k = 0; k < in.copied; k++)
            rev[k] = buf[in.copied - 1 - k];
        wisp_msg m = wisp_msg_words(in.label + 1, in.nwords, in.words);
        for (uint32_t k = 0; k < m.nwords; k++)
            m.words[k]++;
        m.buf = (uint32_t)(uintptr_t)rev;
        m.len = in.copied;
        int32_t rep = in.reply;
        served++;
        r = wisp_reply_recv(rep, &m, PONG_EP, &in);
    }
    printf("pong: served %d calls, %d with ping's badge; recv -> %s%s\n",
           served, badges, wisp_strerror(r),
           r == WISP_EPIPE ? ": no sender left" : "");
    return r != WISP_EPIPE;
}
