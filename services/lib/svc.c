/*
 * svc.c: the helpers every system service shares (svc.h): registering a
 * name, looking one up, dropping unwanted granted handles, building a
 * reply.  Plain IPC calls of wisp.h; the protocols are proto.h's.
 */
#include "svc.h"

#include <stdio.h>
#include <string.h>

/*
 * svc_names_call: one call to the name server with `label` and `name` as
 * the buffer, granting `grant` (a slot | WISP_GRANT_MOVE) unless it is
 * -1.  Returns the call's errno (0: *in holds the reply, whose label is
 * the name server's answer).
 */
static int32_t svc_names_call(int32_t names, uint32_t label,
                              const char *name, int64_t grant, wisp_in *in)
{
    wisp_msg m = {.label = label};
    m.buf = SVC_PTR(name);
    m.len = (uint32_t)strlen(name);
    if (grant >= 0) {
        m.nhandles = 1;
        m.handles[0] = (uint32_t)grant;
    }
    *in = (wisp_in){0};
    return wisp_call(names, &m, in);
}

/* svc_register: see svc.h. */
int32_t svc_register(int32_t names, int32_t ep, uint32_t badge,
                     const char *name)
{
    int32_t h, err;
    wisp_in in;
    if ((err = wisp_dup(ep, WISP_R_SEND, badge, &h)) != 0)
        return err;
    /* Moved: once the call is received the name server holds it (and
     * closes it on an error); a call that fails leaves it here. */
    err = svc_names_call(names, NAMES_REGISTER, name,
                         (int64_t)((uint32_t)h | WISP_GRANT_MOVE), &in);
    if (err) {
        wisp_close(h);
        return err;
    }
    svc_drop_handles(&in, 0);
    return (int32_t)in.label;
}

/* svc_lookup: see svc.h. */
int32_t svc_lookup(int32_t names, const char *name, int32_t *h)
{
    wisp_in in;
    int32_t err = svc_names_call(names, NAMES_LOOKUP, name, -1, &in);
    if (err)
        return err;
    err = (int32_t)in.label;
    if (err == 0 && in.nhandles == 0)
        err = WISP_ENOENT;          /* a name server that broke protocol */
    if (err) {
        svc_drop_handles(&in, 0);
        return err;
    }
    *h = (int32_t)in.handles[0];
    svc_drop_handles(&in, 1);
    return 0;
}

/* svc_drop_handles: see svc.h. */
void svc_drop_handles(const wisp_in *in, uint32_t first)
{
    for (uint32_t i = first; i < in->nhandles && i < WISP_MSG_HANDLES_MAX;
         i++)
        wisp_close((int32_t)in->handles[i]);
}

/* svc_reply_msg: see svc.h. */
wisp_msg svc_reply_msg(uint32_t label, uint32_t n, uint32_t w0, uint32_t w1,
                       uint32_t w2)
{
    wisp_msg m = {.label = label, .nwords = n};
    m.words[0] = w0;
    m.words[1] = w1;
    m.words[2] = w2;
    return m;
}

/* svc_serve: see svc.h. */
int32_t svc_serve(int32_t ep, void *buf, uint32_t cap, svc_handler fn)
{
    wisp_in in = {.buf = SVC_PTR(buf), .cap = cap};
    int32_t err = wisp_recv(ep, &in);
    while (err == 0) {
        wisp_msg out;
        bool now = fn(&in, &out);
        int32_t r = in.reply;
        in = (wisp_in){.buf = SVC_PTR(buf), .cap = cap};
        if (now && r >= 0)
            err = wisp_reply_recv(r, &out, ep, &in);
        else
            err = wisp_recv(ep, &in);
    }
    return err;
}

/* svc_run: see svc.h. */
int svc_run(const char *name, void *buf, uint32_t cap, svc_handler fn)
{
    int32_t err = name ? svc_register(WISP_SLOT_NAMES, SVC_SLOT_SERVE,
                                      SVC_BADGE_NAMED, name) : 0;
    if (err)
        printf("%s: cannot register \"%s\": %s\n", name, name,
               wisp_strerror(err));
    err = svc_serve(SVC_SLOT_SERVE, buf, cap, fn);
    printf("%s: cannot receive on slot %d: %s\n", name ? name : "service",
           SVC_SLOT_SERVE, wisp_strerror(err));
    return 1;
}
