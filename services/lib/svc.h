/*
 * svc.h: what every system service of Wisp does the same way: the handle
 * slots init gives a service, registering with the name server, looking
 * a name up, and dropping handles a message granted that it does not
 * want.  spec/services.md states the slots and the manifest that sets
 * them; proto.h the protocols.
 */
#ifndef WISP_SERVICES_SVC_H
#define WISP_SERVICES_SVC_H

#include <stdbool.h>
#include <stdint.h>

#include "proto.h"
#include "wisp.h"

/* A service's slots (the manifest's `slots=`): 0..2 are the standard
 * slots of proto.h (or a placeholder, `-`), 3 is its own endpoint
 * (`serve`, rights srg, unbadged), which init creates and keeps, so a
 * restarted service serves the same endpoint and its clients keep their
 * handles. */
#define SVC_SLOT_SERVE 3

/* The badge of the handle every service registers with the name server
 * (a send handle on its endpoint).  One value for all, so that init can
 * register them again, on their behalf, for a restarted name server. */
#define SVC_BADGE_NAMED 0xfff0u

/* Free slots an operation that receives needs (spec/ipc.md,
 * RECV_FREE_SLOTS): a server keeps this many slots free. */
#define SVC_RECV_FREE 5

/* The u32 a wisp_msg/wisp_in field holds for a pointer (wasm32). */
#define SVC_PTR(p) ((uint32_t)(uintptr_t)(p))

/* svc_register: registers `name` with the name server (slot names) as a
 * send handle on endpoint ep with badge `badge` (0: unbadged).  Needs a
 * names handle with the grant right and NAMES_MAY_REGISTER in its badge.
 * Returns 0 or the errno (of dup, the call, or the reply's label). */
int32_t svc_register(int32_t names, int32_t ep, uint32_t badge,
                     const char *name);

/* svc_lookup: *h = the handle registered under `name` (a new slot the
 * caller owns).  Returns 0, ENOENT, or the call's errno. */
int32_t svc_lookup(int32_t names, const char *name, int32_t *h);

/* svc_drop_handles: closes the handles in->handles[first..] that a
 * received message granted, so a client cannot fill a server's table. */
void svc_drop_handles(const wisp_in *in, uint32_t first);

/* svc_reply_msg: a reply with label (0 or an errno) and up to three
 * result words (n of them), no buffer, no handles. */
wisp_msg svc_reply_msg(uint32_t label, uint32_t n, uint32_t w0, uint32_t w1,
                       uint32_t w2);

/* svc_handler: handles one received message *in (its bytes at in->buf).
 * Fills *out and returns true to reply now; false to answer later with
 * wisp_reply (the handler kept in->reply).  A message sent without call
 * (in->reply < 0) gets no reply either way. */
typedef bool (*svc_handler)(const wisp_in *in, wisp_msg *out);

/* svc_serve: the server loop on endpoint ep with the receive buffer
 * (buf, cap): receive, handle, then reply and receive again in one
 * reply_recv.  Returns only when receiving fails (its errno). */
int32_t svc_serve(int32_t ep, void *buf, uint32_t cap, svc_handler fn);

/* svc_run: a service's main after its set-up: registers `name` (unless
 * NULL) as svc_register(WISP_SLOT_NAMES, SVC_SLOT_SERVE,
 * SVC_BADGE_NAMED, name), then svc_serve on SVC_SLOT_SERVE.  Prints a
 * line for a failed registration (and serves all the same) and for the
 * receive error that ends it.  Returns 1, the exit code. */
int svc_run(const char *name, void *buf, uint32_t cap, svc_handler fn);

#endif
