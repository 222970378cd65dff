/*
 * consumer SLOT: the consumer half of the producer/consumer demo (see
 * producer.c); started by producer, not by hand.  Receives on the
 * endpoint in slot SLOT, checks that messages come in order with the
 * length and bytes their number says, and answers the final call with
 * its count and the number of bad messages, after printing a summary.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pc.h"

/* pc_bad: does message in (bytes in buf) differ from message `want`? */
static int pc_bad(const wisp_in *in, const uint8_t *buf, uint32_t want)
{
    uint32_t len = pc_len(want);
    if (in->label != PC_DATA || in->nwords < 2 || in->words[0] != want)
        return 1;
    if (in->len != len || in->copied != len)
        return 1;
    return pc_sum(buf, len) != in->words[1] || !pc_check(buf, want, len);
}

/* main: receive until PC_DONE, check each message, print a summary,
 * answer the final call with the count; exit 0 if all were intact. */
int main(int argc, char **argv)
{
    static uint8_t buf[PC_BUF_MAX];
    int32_t ep = argc > 1 ? (int32_t)strtol(argv[1], NULL, 10) : 0, err;
    uint32_t got = 0, bad = 0;
    uint64_t bytes = 0;
    wisp_in in;
    for (;;) {
        in = (wisp_in){.buf = (uint32_t)(uintptr_t)buf, .cap = sizeof buf};
        if ((err = wisp_recv(ep, &in)) != 0 || in.label == PC_DONE)
            break;
        if (pc_bad(&in, buf, got) && bad++ < 3)
            printf("consumer: message %u is wrong (label %u, number %u, "
                   "%u bytes)\n", (unsigned)got, (unsigned)in.label,
                   (unsigned)in.words[0], (unsigned)in.len);
        bytes += in.copied;
        got++;
    }
    if (err) {
        printf("consumer: recv failed after %u messages: %s%s\n",
               (unsigned)got, wisp_strerror(err), err == WISP_EBADF
               ? " (producer starts the consumer; run producer)" : "");
        return 1;
    }
    printf("consumer: %u messages, %llu bytes, %s\n", (unsigned)got,
           (unsigned long long)bytes, bad ? "some out of order or damaged"
                                          : "all in order and intact");
    wisp_msg ack = {.nwords = 2, .words = {got, bad}};
    if (in.reply >= 0)
        wisp_reply(in.reply, &ack);
    return bad ? 1 : 0;
}
