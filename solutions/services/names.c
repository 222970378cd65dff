/*
 * names: the name server (proto.h: NAMES_REGISTER, NAMES_LOOKUP;
 * spec/services.md).  Services register a send handle under a name;
 * clients look the name up and get a copy of that handle in the reply.
 *
 * Only init decides who may register: it mints the name-server handles
 * of the services it trusts with NAMES_MAY_REGISTER in their badge, and
 * a badge cannot be changed once set.  A name belongs to the badge that
 * registered it: the same badge may register it again (a restarted
 * service: the new handle replaces the old one), another badge gets
 * EEXIST.  A registration outlives the process that made it: clients
 * keep finding the handle until it is replaced.
 *
 * Slots (manifest: `slots=-,-,notify,serve`): 2 a send handle on init's
 * notification, signalled after every registration (init waits for a
 * service's name before starting the next service); 3 the name server's
 * endpoint.  Slot 0 is not a console, so the WASI layer prints this
 * program's rare messages straight to the serial line: the name server
 * must never wait for the console, which registers through it.
 */
#include <stdbool.h>
#include <string.h>

#include "labtodo.h"
#include "svc.h"

#define NM_SLOT_NOTIFY 2
#define NM_FIXED 4                  /* slots 0..3, held for good */
/* Registrations at once (more is ENOSPC): NAMES_MAX, each holding a
 * slot, with SVC_RECV_FREE slots free to receive. */
#define NM_CAP NAMES_MAX

_Static_assert(NM_FIXED + NM_CAP + SVC_RECV_FREE <= WISP_HANDLES_MAX,
               "names: table size");

struct nm_entry {
    bool used;
    char name[NAME_MAX_LEN + 1];
    int32_t h;                      /* the registered handle */
    uint32_t badge;                 /* who registered it */
};

static struct nm_entry nm_table[NM_CAP];

/*
 * nm_name: the name in a received buffer as a C string in out, or false
 * if it is not a name: 1..NAME_MAX_LEN bytes of printable ASCII without
 * spaces, wholly received.
 */
static bool nm_name(const wisp_in *in, const char *buf, char *out)
{
    if (in->len == 0 || in->len > NAME_MAX_LEN || in->copied != in->len)
        return false;
    for (uint32_t i = 0; i < in->len; i++)
        if (buf[i] <= ' ' || buf[i] > '~')
            return false;
    memcpy(out, buf, in->len);
    out[in->len] = '\0';
    return true;
}

/* nm_find: the entry named name, or NULL. */
static struct nm_entry *nm_find(const char *name)
{
    for (int i = 0; i < NM_CAP; i++)
        if (nm_table[i].used && strcmp(nm_table[i].name, name) == 0)
            return &nm_table[i];
    return NULL;
}

/* nm_free_entry: an unused entry, or NULL when the table is full. */
static struct nm_entry *nm_free_entry(void)
{
    for (int i = 0; i < NM_CAP; i++)
        if (!nm_table[i].used)
            return &nm_table[i];
    return NULL;
}

/*
 * nm_register: NAMES_REGISTER of name (NULL: not a name) from in, a
 * message that granted in->nhandles handles.  Returns the reply's label,
 * after the checks in proto.h's order: EACCES if in's badge lacks
 * NAMES_MAY_REGISTER (only init mints such badges); EINVAL for no name
 * or no handle; EEXIST if another badge registered name; ENOSPC if the
 * table is full.  On success name maps to in->handles[0] and in's
 * badge: a new entry, or the same badge's entry for name, whose old
 * handle is closed (a restarted service registers again); every other
 * granted handle is closed, and so is every one on an error (a client
 * cannot fill the table of handles).  After a registration the name
 * server signals init's notification (slot NM_SLOT_NOTIFY).
 */
static uint32_t nm_register(const wisp_in *in, const char *name)
{
    // LAB 7 BEGIN nm_register
    struct nm_entry *e = NULL;
    uint32_t err = 0;
    if (!(in->badge & NAMES_MAY_REGISTER))
        err = WISP_EACCES;
    else if (!name || in->nhandles == 0)
        err = WISP_EINVAL;
    else if ((e = nm_find(name)) && e->badge != in->badge)
        err = WISP_EEXIST;
    else if (!e && !(e = nm_free_entry()))
        err = WISP_ENOSPC;
    if (err) {
        svc_drop_handles(in, 0);
        return err;
    }
    if (e->used)
        wisp_close(e->h);           /* registered again: replace */
    *e = (struct nm_entry){.used = true, .h = (int32_t)in->handles[0],
                           .badge = in->badge};
    strcpy(e->name, name);
    svc_drop_handles(in, 1);
    wisp_signal(NM_SLOT_NOTIFY);    /* no notify handle: EBADF, ignored */
    return 0;
    // LAB 7 BUG names_take_over
    // struct nm_entry *e = NULL;
    // uint32_t err = 0;
    // if (!(in->badge & NAMES_MAY_REGISTER))
    //     err = WISP_EACCES;
    // else if (!name || in->nhandles == 0)
    //     err = WISP_EINVAL;
    // else if (!(e = nm_find(name)) && !(e = nm_free_entry()))
    //     err = WISP_ENOSPC;
    // if (err) {
    //     svc_drop_handles(in, 0);
    //     return err;
    // }
    // if (e->used)
    //     wisp_close(e->h);           /* registered again: replace */
    // *e = (struct nm_entry){.used = true, .h = (int32_t)in->handles[0],
    //                        .badge = in->badge};
    // strcpy(e->name, name);
    // svc_drop_handles(in, 1);
    // wisp_signal(NM_SLOT_NOTIFY);    /* no notify handle: EBADF, ignored */
    // return 0;
    // LAB 7 STUB takes every registration into a new entry and checks nothing, so anyone may register, a name may be registered twice (a lookup finds the first) and restarts fill the table
    // LAB_TODO(7, "nm_register");
    // struct nm_entry *e = name && in->nhandles ? nm_free_entry() : NULL;
    // if (!e) {
    //     svc_drop_handles(in, 0);
    //     return WISP_EINVAL;
    // }
    // *e = (struct nm_entry){.used = true, .h = (int32_t)in->handles[0],
    //                        .badge = in->badge};
    // strcpy(e->name, name);
    // svc_drop_handles(in, 1);
    // wisp_signal(NM_SLOT_NOTIFY);
    // return 0;
    // LAB 7 END
}

/*
 * nm_lookup: NAMES_LOOKUP of name; fills *out, the reply: 0 and a copy
 * of the registered handle, ENOENT, or EINVAL for a malformed name.
 */
static void nm_lookup(const wisp_in *in, const char *name, wisp_msg *out)
{
    struct nm_entry *e = name ? nm_find(name) : NULL;
    svc_drop_handles(in, 0);
    *out = svc_reply_msg(name ? WISP_ENOENT : WISP_EINVAL, 0, 0, 0, 0);
    if (e) {
        out->label = 0;
        out->nhandles = 1;
        out->handles[0] = (uint32_t)e->h;       /* a copy */
    }
}

/* nm_handle: one received message (svc_handler); fills *out, the
 * reply. */
static bool nm_handle(const wisp_in *in, wisp_msg *out)
{
    char name[NAME_MAX_LEN + 1];
    bool ok = nm_name(in, (const char *)(uintptr_t)in->buf, name);
    if (in->label == NAMES_REGISTER) {
        *out = svc_reply_msg(nm_register(in, ok ? name : NULL), 0, 0, 0, 0);
    } else if (in->label == NAMES_LOOKUP) {
        nm_lookup(in, ok ? name : NULL, out);
    } else {
        svc_drop_handles(in, 0);
        *out = svc_reply_msg(WISP_EINVAL, 0, 0, 0, 0);
    }
    return true;
}

/* main: serve forever (the name server registers nothing itself).
 * Ends (and init restarts it) only if its endpoint cannot be received
 * from. */
int main(void)
{
    static char buf[NAME_MAX_LEN + 1];
    return svc_run(NULL, buf, sizeof buf, nm_handle);
}
