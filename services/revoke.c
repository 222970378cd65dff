/*
 * revoke: a server takes back what it gave (spec/ipc.md "Revoke").
 *
 *   revoke            the server: makes an endpoint, mints a badged
 *                     send+grant handle for a client, starts `revoke
 *                     client` and sends it a copy; answers one call from the
 *                     client and one from a third process the client
 *                     passed its handle on to; once both are queued in a
 *                     second call, revokes the handle it minted: both
 *                     copies go, and the server's own handles stay.
 *   revoke client     receives the server's handle on its slot 0;
 *                     starts `revoke third` with an endpoint of its own
 *                     and sends it a copy of the server's handle; calls the
 *                     server (telling it the third's pid), then calls
 *                     again, which the revoke ends with ECANCELED; its
 *                     next call is EBADF.
 *   revoke third      receives the copy on its slot 0, calls the server
 *                     through it, calls again (ECANCELED), then EBADF.
 *
 * Handles go in messages, and a child gets only a receive handle from
 * spawn: a send handle in a child's slot 0 or 1 would be its stdio or
 * file service (spec/abi.md "WASI over IPC").
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

/* handed: the handle the message on endpoint 0 (a receive handle from
 * spawn) grants, or -1. */
static int32_t handed(const char *who)
{
    wisp_in in = { .cap = 0 };
    int32_t r = wisp_recv(0, &in);
    if (r || in.nhandles != 1) {
        printf("revoke %s: recv -> %s\n", who, wisp_strerror(r));
        return -1;
    }
    return (int32_t)in.handles[0];
}

/* start: `revoke mode` with a receive handle on a new endpoint (*ep),
 * which it takes its handle from; its pid, or -1. */
static int32_t start(const char *mode, int32_t *ep)
{
    int32_t rh, pid, r;
    if ((r = wisp_ep_create(ep)) || (r = wisp_dup(*ep, WISP_R_RECV, 0, &rh)) ||
        (r = wisp_spawn("revoke", 6, mode, (uint32_t)strlen(mode) + 1, &rh, 1,
                        &pid))) {
        printf("revoke: starting %s -> %s\n", mode, wisp_strerror(r));
        return -1;
    }
    wisp_close(rh);
    return pid;
}

/* hand: send a copy of handle h in a message on endpoint ep. */
static int32_t hand(int32_t ep, int32_t h)
{
    wisp_msg m = wisp_msg_words(9, 0, NULL);
    m.nhandles = 1;
    m.handles[0] = (uint32_t)h;         /* a copy: derived from h */
    return wisp_send(ep, &m);
}

/* third: the server's handle comes from the client. */
static int third(void)
{
    int32_t h = handed("third");
    if (h < 0)
        return 2;
    printf("revoke third: got a copy of the server's handle from the client\n");
    int32_t r = call(h, 2, 0);
    printf("revoke third: call -> %s\n", wisp_strerror(r));
    return r ? 2 : after("third", h, 3);
}

/* client: the server's handle comes from the server; a copy goes on
 * to the third process. */
static int client(void)
{
    int32_t h = handed("client"), mine, pid = h < 0 ? -1 : start("third", &mine);
    if (pid < 0)
        return 2;
    int32_t r = hand(mine, h);
    printf("revoke client: passed a copy to pid %d -> %s\n", (int)pid,
           wisp_strerror(r));
    r = r ? r : call(h, 1, (uint32_t)pid);
    printf("revoke client: call -> %s\n", wisp_strerror(r));
    return r ? 2 : after("client", h, 4);
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
    int32_t ep, cl, intro, cpid, tpid = 0, r;
    uint32_t n;
    if ((r = wisp_ep_create(&ep)) ||
        (r = wisp_dup(ep, WISP_R_SEND | WISP_R_GRANT, 7, &cl)))
        return 2;
    if ((cpid = start("client", &intro)) < 0)
        return 2;
    if ((r = hand(intro, cl)) || (r = serve(ep, &tpid))) {
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
