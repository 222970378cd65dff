/*
 * producer [N]: the producer half of an IPC demo.  Creates an endpoint,
 * starts consumer.wasm with a receive-only handle on it, and streams N
 * numbered messages (default 100) with plain sends, each with a buffer
 * whose length and bytes follow from its number and a checksum in its
 * words.  Ends with one call that asks the consumer for its count, and
 * prints both sides' view.  The consumer checks order and contents.
 *
 * The consumer gets the producer's standard slots (console, fs, names)
 * when it has them, so its output goes where the producer's goes, and
 * the endpoint after them; its argument names that slot.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pc.h"

/* pc_setup: the endpoint, the consumer started on it; *sh = the
 * producer's send handle.  0, or -1 after saying why. */
static int pc_setup(int32_t *sh)
{
    int32_t ep, rh = -1, pid, hs[4], n = 0, probe, err;
    char arg[8];
    for (int32_t s = 0; s < 3 && wisp_dup(s, 0, 0, &probe) == 0; s++) {
        wisp_close(probe);          /* slot s is open: pass it on */
        hs[n++] = s;
    }
    if ((err = wisp_ep_create(&ep)) == 0 &&
        (err = wisp_dup(ep, WISP_R_RECV, 0, &rh)) == 0 &&
        (err = wisp_dup(ep, WISP_R_SEND, 0, sh)) == 0) {
        hs[n] = rh;
        int len = snprintf(arg, sizeof arg, "%d", (int)n);
        err = wisp_spawn("consumer.wasm", 13, arg, (uint32_t)len + 1, hs,
                         (uint32_t)n + 1, &pid);
    }
    wisp_close(rh);                 /* the consumer holds the only receiver */
    wisp_close(ep);
    if (err) {
        printf("producer: cannot start the consumer: %s\n",
               wisp_strerror(err));
        return -1;
    }
    printf("producer: consumer is pid %d\n", (int)pid);
    return 0;
}

/* pc_send: message seq through sh; adds its bytes to *bytes.  0 or the
 * errno. */
static int32_t pc_send(int32_t sh, uint32_t seq, uint64_t *bytes)
{
    static uint8_t buf[PC_BUF_MAX];
    uint32_t len = pc_len(seq);
    pc_fill(buf, seq, len);
    wisp_msg m = {.label = PC_DATA, .nwords = 2};
    m.words[0] = seq;
    m.words[1] = pc_sum(buf, len);
    m.buf = (uint32_t)(uintptr_t)buf;
    m.len = len;
    *bytes += len;
    return wisp_send(sh, &m);
}

/* main: start the consumer, stream N messages, ask for its count;
 * exit 0 if it got them all intact. */
int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100;
    int32_t sh, err = 0;
    uint64_t bytes = 0;
    uint32_t seq;
    if (n <= 0 || n > 1000000) {
        fprintf(stderr, "producer: N must be 1..1000000\n");
        return 2;
    }
    if (pc_setup(&sh) != 0)
        return 1;
    for (seq = 0; seq < (uint32_t)n && !err; seq++)
        err = pc_send(sh, seq, &bytes);
    if (err) {
        printf("producer: send %u failed: %s\n", (unsigned)seq - 1,
               wisp_strerror(err));
        return 1;
    }
    wisp_msg done = {.label = PC_DONE, .nwords = 1, .words = {seq}};
    wisp_in in = {0};
    if ((err = wisp_call(sh, &done, &in)) != 0) {
        printf("producer: the final call failed: %s\n", wisp_strerror(err));
        return 1;
    }
    printf("producer: sent %u messages (%llu bytes); the consumer got %u, "
           "%u bad\n", (unsigned)seq, (unsigned long long)bytes,
           (unsigned)in.words[0], (unsigned)in.words[1]);
    return in.words[0] == seq && in.words[1] == 0 ? 0 : 1;
}
