/*
 * revoke: a server takes back what it gave (spec/ipc.md "Revoke").
 *
 *   revoke            the server: makes an endpoint, mints a badged
 *                     send+grant handle for a client and starts
 *                     `revoke client` with it; answers one call from the
 *                     client and one from a third process the client
 *                     passed its handle on to; once both are queued in a
 *                     second call, revokes the handle it minted: both
 *                     copies go, and the server's own handles stay.
 *   revoke client     gets the server's handle in slot 0; starts
 *                     `revoke third` with an endpoint of its own and
 *                     sends it a copy of the server's handle; calls the
 *                     server (telling it the third's pid), then calls
 *                     again, which the revoke ends with ECANCELED; its
 *                     next call is EBADF.
 *   revoke third      receives the copy on its slot 0, calls the server
 *                     through it, calls again (ECANCELED), then EBADF.
 *
 * Each prints what it saw; the exit code is 0 when it saw what the spec
 * says.  harness/tests/test_ipc_revoke.py runs it.
 */
#include <stdio.h>
#include <string.h>

#include "wisp.h"

/* call: a call through h with label and one word; the result. */
static int32_t call(int32_t h, uint32_t label, uint32_t word)
{
    wisp_msg m = wisp_msg_words(label, 1, &word);
    wisp_in in = { .cap = 0 };
    return wisp_call(h, &m, &in);
}

/* after: the calls a holder of a revoked handle makes: the one that
 * blocks until the revoke (ECANCELED), then the next (EBADF). */
static int after(const char *who, int32_t h, uint32_t label)
{
    int32_t r = call(h, label, 0);
    printf("revoke %s: call blocked until the revoke -> %s\n", who,
           wisp_strerror(r));
    int32_t r2 = call(h, label, 0);
    printf("revoke %s: next call -> %s\n", who, wisp_strerror(r2));
    return !(r == WISP_ECANCELED && r2 == WISP_EBADF);
}

/* third: slot 0 is the client's endpoint; the server's handle comes in
 * a message. */
static int third(void)
{
    wisp_in in = { .cap = 0 };
    int32_t r = wisp_recv(0, &in);
    if (r || in.nhandles != 1) {
        printf("revoke third: recv -> %s\n", wisp_strerror(r));
        return 2;
    }
    int32_t h = (int32_t)in.handles[0];
    printf("revoke third: got a copy of the server's handle from the client\n");
    r = call(h, 2, 0);
    printf("revoke third: call -> %s\n", wisp_strerror(r));
    return r ? 2 : after("third", h, 3);
}

/* client: slot 0 is the server's handle. */
static int client(void)
{
    int32_t mine, pid, r;
    if ((r = wisp_ep_create(&mine)) ||
        (r = wisp_spawn("revoke", 6, "third", 6, &mine, 1, &pid))) {
        printf("revoke client: setup -> %s\n", wisp_strerror(r));
        return 2;
    }
    wisp_msg m = wisp_msg_words(9, 0, NULL);
    m.nhandles = 1;
    m.handles[0] = 0;                   /* a copy of slot 0 */
    r = wisp_send(mine, &m);
    printf("revoke client: passed a copy to pid %d -> %s\n", (int)pid,
           wisp_strerror(r));
    r = r ? r : call(0, 1, (uint32_t)pid);
    printf("revoke client: call -> %s\n", wisp_strerror(r));
    return r ? 2 : after("client", 0, 4);
}

/* queued: whether process pid is blocked in a call's send queue. */
static int queued(int32_t pid)
{
    struct wisp_proc_info pi;
    for (uint32_t i = 0; wisp_proc_info(i, &pi) == 0; i++)
        if (pi.pid == pid)
            return strcmp(pi.ipc_state, "call") == 0;
    return 0;
}

/* serve: answer the client's call and the third's; *third = its pid. */
static int32_t serve(int32_t ep, int32_t *third)
{
    wisp_msg ok = wisp_msg_words(0, 0, NULL);
    for (int i = 0; i < 2; i++) {
        wisp_in in = { .cap = 0 };
        int32_t r = wisp_recv(ep, &in);
        if (r)
            return r;
        printf("revoke: call with label %u and badge %u\n",
               (unsigned)in.label, (unsigned)in.badge);
        if (in.label == 1)
            *third = (int32_t)in.words[0];
        if ((r = wisp_reply(in.reply, &ok)))
            return r;
    }
    return 0;
}

static int server(void)
{
    int32_t ep, cl, cpid, tpid = 0, r;
    uint32_t n;
    if ((r = wisp_ep_create(&ep)) ||
        (r = wisp_dup(ep, WISP_R_SEND | WISP_R_GRANT, 7, &cl)) ||
        (r = wisp_spawn("revoke", 6, "client", 7, &cl, 1, &cpid)) ||
        (r = serve(ep, &tpid))) {
        printf("revoke: setup -> %s\n", wisp_strerror(r));
        return 2;
    }
    for (int i = 0; i < 1000 && !(queued(cpid) && queued(tpid)); i++)
        wisp_sleep_ms(10);
    r = wisp_revoke(cl, &n);
    printf("revoke: revoke -> %s, %u handles taken back\n", wisp_strerror(r),
           (unsigned)n);
    wisp_msg m = wisp_msg_words(0, 0, NULL);
    int32_t own = wisp_try_send(cl, &m);
    printf("revoke: my own handle still works: try_send -> %s\n",
           wisp_strerror(own));
    return !(r == 0 && n == 2 && own == WISP_EAGAIN);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "client") == 0)
        return client();
    if (argc > 1 && strcmp(argv[1], "third") == 0)
        return third();
    return server();
}
