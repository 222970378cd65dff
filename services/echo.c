/*
 * echo: the echo service (proto.h, "echo"): every call is answered with
 * its own label, words and buffer (up to ECHO_BUF_MAX bytes); granted
 * handles are closed, not echoed.  The shell's `ping N` times round
 * trips to it, so its loop is one reply_recv per message and nothing
 * else.
 *
 * Slots (manifest `slots=console,fs,names,serve` with `register`): 0 the
 * console (stdout), 2 the name server, 3 its endpoint.
 */
#include "svc.h"

/*
 * echo_answer: the reply to in: its label, words and received bytes
 * (the buffer still holds them).  Closes any handles it granted.
 */
static bool echo_answer(const wisp_in *in, wisp_msg *out)
{
    *out = (wisp_msg){.label = in->label, .nwords = in->nwords};
    for (uint32_t i = 0; i < in->nwords && i < WISP_MSG_WORDS_MAX; i++)
        out->words[i] = in->words[i];
    out->buf = in->buf;
    out->len = in->copied;
    svc_drop_handles(in, 0);
    return true;
}

/* main: register "echo", then answer forever.  Ends only if its
 * endpoint cannot be received from (init restarts it). */
int main(void)
{
    static char buf[ECHO_BUF_MAX];
    return svc_run("echo", buf, sizeof buf, echo_answer);
}
