/*
 * ipccall.c: the IPC host calls of module "wisp" (services/lib/wisp.h):
 * endpoints, notifications, handles, messages, and spawn with handles
 * (which hands the spawner a process handle on its child).
 *
 * Each call is the ABI layer around one operation of ipc/: it checks the
 * guest pointers it reads or writes (the message, the wisp_in, the
 * outputs: EFAULT, before anything changes), copies the message into a
 * struct ipc_msg, runs the operation, and when the operation blocks,
 * sleeps the process's thread on p->ipc_wq until the operation that
 * completes it makes the process IPC_RUNNING again and calls its wake
 * hook (proc_ipc_wake).  Then it writes what the process got into the
 * guest.  call and reply_recv in their plain case skip the copy: they
 * read the few fields they need in place and run the specialised
 * operation of ipc/fast.c (ipcfast.c has the fast path).  A kill ends
 * the sleep: the call traps "killed" (HOST_KILLED); proc_kill has
 * already run ipc_exit, so partners got EPIPE.
 *
 * Unlike the pointer rule of spec/abi.md, a bad pointer here is the errno
 * EFAULT, not a trap: spec/ipc.md makes a bad IPC argument an error the
 * program can handle.  spec/abi.md "wisp: IPC and spawn" states each
 * call's contract.
 */
#include "proc/ipccall.h"

#include <stdbool.h>
#include <stddef.h>

#include "kprintf.h"
#include "kstring.h"
#include "ipc/kref.h"
#include "mm/kmalloc.h"
#include "proc/initrd.h"
#include "proc/ipcdebug.h"
#include "proc/oracle.h"
#include "proc/ipcfast.h"

/* The guest's wisp_msg and wisp_in (services/lib/wisp.h), every field a
 * little-endian u32 at any alignment: copied in and out with memcpy. */
struct g_msg {
    uint32_t label, nwords, words[IPC_MSG_WORDS_MAX];
    uint32_t buf, len, nhandles, handles[IPC_MSG_HANDLES_MAX];
};
struct g_in {
    uint32_t buf, cap;                  /* in */
    uint32_t badge, label, nwords, words[IPC_MSG_WORDS_MAX];
    uint32_t len, copied, nhandles, handles[IPC_MSG_HANDLES_MAX];
    int32_t reply;
};
_Static_assert(sizeof(struct g_msg) == 68, "wisp_msg is 68 bytes");
_Static_assert(sizeof(struct g_in) == 84, "wisp_in is 84 bytes");

#define GRANT_MOVE 0x10000u             /* WISP_GRANT_MOVE */
#define GRANT_SLOT 0xffffu              /* the slot bits of a grant */
#define SPAWN_BADGE_PID 0x20000u        /* WISP_SPAWN_BADGE_PID */
#define IPC_EBADMODE 0                  /* a mode the core rejects */
/* The hot calls' implementations: the table names them, but they run
 * inlined into their own host functions (ipccall_own). */
#define HOT inline __attribute__((always_inline))

/* ---- blocking and waking --------------------------------------------- */

/* proc_ipc_wake: the IPC layer's wake hook: ip's operation is complete
 * (ip is IPC_RUNNING, result and got set): wake its sleeping thread.  (A
 * wake the fast path holds does not come here: ipcfast.h.) */
void proc_ipc_wake(struct ipc_proc *ip)
{
    struct proc *p = ip->owner;

    proc_ipc_woke(p);                   /* the oracle's wake lines */
    waitq_wake_all(&p->ipc_wq);
}

/*
 * ipccall_finish: the result of an operation that returned r: r
 * itself, or if it blocked, the result its completion left in p->ipc
 * once p is running again.  HOST_KILLED when a kill ends the wait.
 * (A kernel built with IPC_DEBUG checks the invariants here first.)
 * No interrupt handler touches IPC state and kernel C is not
 * preempted, so checking the state and sleeping cannot miss a wake.
 */
uint32_t ipccall_finish(struct proc *p, int r)
{
    ipcdebug_check("after an IPC host call");
    if (r != IPC_BLOCKED)
        return (uint32_t)r;
    while (p->ipc.state != IPC_RUNNING && !p->killed)
        waitq_sleep(&p->ipc_wq);
    return p->killed ? HOST_KILLED : (uint32_t)p->ipc.result;
}

/* ---- guest structs ---------------------------------------------------- */

/* grant_of: wisp_msg.handles[i] as a grant: slot | GRANT_MOVE moves,
 * a plain slot copies, any other bit is a mode the core calls EINVAL. */
static struct ipc_grant grant_of(uint32_t h)
{
    struct ipc_grant g = { h & GRANT_SLOT, 'c' };
    if (h & ~(GRANT_SLOT | GRANT_MOVE))
        g.mode = IPC_EBADMODE;
    else if (h & GRANT_MOVE)
        g.mode = 'm';
    return g;
}

/* msg_read: the wisp_msg at kernel pointer src (its 68 bytes checked)
 * into *m.  len 0 is no buffer.  Every field of *m the core reads is set
 * (no memset: this is every message's path): the grants only up to
 * nhandles, as the core looks at no other (more than
 * IPC_MSG_HANDLES_MAX is EINVAL before any is looked at). */
static void msg_read(const void *src, struct ipc_msg *m)
{
    struct g_msg g;
    memcpy(&g, src, sizeof g);
    m->label = g.label;
    m->nwords = g.nwords;
    memcpy(m->words, g.words, sizeof m->words);
    m->has_buf = g.len != 0;
    m->buf = g.buf;
    m->len = g.len;
    m->nhandles = g.nhandles;
    for (uint32_t i = 0; i < g.nhandles && i < IPC_MSG_HANDLES_MAX; i++)
        m->handles[i] = grant_of(g.handles[i]);
}

/* msg_get: the wisp_msg at guest address a into *m (msg_read); false
 * (EFAULT) if its 68 bytes are not all inside memory. */
static bool msg_get(wasm_host_call *c, uint32_t a, struct ipc_msg *m)
{
    const void *src = host_mem(c, a, sizeof(struct g_msg));
    if (!src)
        return false;
    msg_read(src, m);
    return true;
}

/* rbuf_read: the receive buffer named by the wisp_in at kernel pointer
 * gin (its 84 bytes checked).  cap 0 is none. */
static struct ipc_rbuf rbuf_read(const char *gin)
{
    uint32_t f[2];                      /* buf, cap */
    memcpy(f, gin, sizeof f);
    return (struct ipc_rbuf){ f[1] != 0, f[0], f[1] };
}

/* rbuf_get: the receive buffer named by the wisp_in at a; NULL (EFAULT)
 * if its 84 bytes are not all inside memory, else a kernel pointer to
 * them for in_put (linear memory never shrinks nor moves, so it stays
 * good while the call waits). */
static char *rbuf_get(wasm_host_call *c, uint32_t a, struct ipc_rbuf *rb)
{
    char *src = host_mem(c, a, sizeof(struct g_in));
    if (src)
        *rb = rbuf_read(src);
    return src;
}

/* rd32: the little-endian u32 at guest bytes at (any alignment). */
static inline uint32_t rd32(const char *at)
{
    uint32_t v;
    memcpy(&v, at, 4);
    return v;
}

#define GM(field) offsetof(struct g_msg, field)
#define GI(field) offsetof(struct g_in, field)

/* The wisp_in's out-fields, badge to reply, lie in struct ipc_got as
 * in the guest's struct (ipc/ipc.h), so in_put copies them as one
 * block.  Each field, checked: */
#define GOT_AS_IN(field)                                                  \
    _Static_assert(offsetof(struct ipc_got, field) -                      \
                   offsetof(struct ipc_got, badge) ==                     \
                   GI(field) - GI(badge) &&                               \
                   sizeof ((struct ipc_got *)0)->field ==                 \
                   sizeof ((struct g_in *)0)->field, "ipc_got." #field)
GOT_AS_IN(badge);
GOT_AS_IN(label);
GOT_AS_IN(nwords);
GOT_AS_IN(words);
GOT_AS_IN(len);
GOT_AS_IN(copied);
GOT_AS_IN(nhandles);
GOT_AS_IN(handles);
GOT_AS_IN(reply);
_Static_assert(GI(reply) + 4 == sizeof(struct g_in), "reply ends wisp_in");
#define IN_OUT_BYTES (sizeof(struct g_in) - GI(badge))

/* in_put: what p received (p->ipc.got) into the wisp_in at gin, from
 * rbuf_get; its in-fields stay.  Every field but buf and cap is
 * written, in one copy straight into the guest (see GOT_AS_IN). */
static inline void in_put(struct proc *p, char *gin)
{
    memcpy(gin + GI(badge), &p->ipc.got.badge, IN_OUT_BYTES);
}

/* put_out: for a call that makes a slot: store it at out on success. */
static uint32_t put_out(wasm_host_call *c, uint32_t out, uint32_t r,
                        uint32_t v)
{
    if (r == IPC_OK)
        host_put32(c, out, v);
    return r;
}

/* ---- the calls: handles and objects ------------------------------------ */

/* make: ep_create(h_out) or ntfn_create(h_out) -> errno, by op. */
static uint32_t make(struct proc *p, wasm_host_call *c,
                     int (*op)(struct ipc_proc *))
{
    uint32_t out = host_arg32(c, 0);
    if (!host_mem(c, out, 4))
        return IPC_EFAULT;
    uint32_t r = ipccall_finish(p, op(&p->ipc));
    return put_out(c, out, r, (uint32_t)p->ipc.got.h);
}

static uint32_t w_ep_create(struct proc *p, wasm_host_call *c)
{
    return make(p, c, ipc_ep_create);
}

static uint32_t w_ntfn_create(struct proc *p, wasm_host_call *c)
{
    return make(p, c, ipc_ntfn_create);
}

/* dup(h, rights, badge, h2_out) -> errno. */
static uint32_t w_dup(struct proc *p, wasm_host_call *c)
{
    uint32_t out = host_arg32(c, 3);
    if (!host_mem(c, out, 4))
        return IPC_EFAULT;
    uint32_t r = ipccall_finish(p, ipc_dup(&p->ipc, host_arg32(c, 0),
                                   host_arg32(c, 1), host_arg32(c, 2)));
    return put_out(c, out, r, (uint32_t)p->ipc.got.h);
}

/* close(h) -> errno. */
static uint32_t w_close(struct proc *p, wasm_host_call *c)
{
    return ipccall_finish(p, ipc_close(&p->ipc, host_arg32(c, 0)));
}

/* ---- the calls: messages ---------------------------------------------- */

typedef int (*msg_op)(struct ipc_proc *, uint32_t, const struct ipc_msg *);
typedef int (*recv_op)(struct ipc_proc *, uint32_t, const struct ipc_rbuf *);

/* sending: send(h, msg), try_send(h, msg) or reply(r, msg) -> errno, by
 * op (try_send and reply never block). */
static uint32_t sending(struct proc *p, wasm_host_call *c, msg_op op)
{
    struct ipc_msg m;
    if (!msg_get(c, host_arg32(c, 1), &m))
        return IPC_EFAULT;
    return ipccall_finish(p, op(&p->ipc, host_arg32(c, 0), &m));
}

static uint32_t w_send(struct proc *p, wasm_host_call *c)
{
    return sending(p, c, ipc_send);
}

static uint32_t w_try_send(struct proc *p, wasm_host_call *c)
{
    return sending(p, c, ipc_try_send);
}

static uint32_t w_reply(struct proc *p, wasm_host_call *c)
{
    return sending(p, c, ipc_reply);
}

/* receiving: recv(h, in) or try_recv(h, in) -> errno, by op; the message
 * lands in *in. */
static uint32_t receiving(struct proc *p, wasm_host_call *c, recv_op op)
{
    struct ipc_rbuf rb;
    char *gin = rbuf_get(c, host_arg32(c, 1), &rb);
    if (!gin)
        return IPC_EFAULT;
    uint32_t r = ipccall_finish(p, op(&p->ipc, host_arg32(c, 0), &rb));
    if (r == IPC_OK)
        in_put(p, gin);
    return r;
}

static uint32_t w_recv(struct proc *p, wasm_host_call *c)
{
    return receiving(p, c, ipc_recv);
}

static uint32_t w_try_recv(struct proc *p, wasm_host_call *c)
{
    return receiving(p, c, ipc_try_recv);
}

/* ---- the calls: the hot path ------------------------------------------ */

/*
 * A call or reply_recv: the guest's wisp_msg and wisp_in, each checked
 * once (EFAULT before anything changes), for whichever path runs.
 */
struct hot_args {
    wasm_memory *mem;                   /* the caller's memory */
    const char *gm;                     /* its wisp_msg */
    char *gin;                          /* its wisp_in */
};

/* hot_get: *a for the wisp_msg at guest address ma and the wisp_in at
 * ia; false (EFAULT) unless both are wholly inside memory. */
static inline bool hot_get(wasm_host_call *c, uint32_t ma, uint32_t ia,
                           struct hot_args *a)
{
    a->mem = c->memory;
    a->gm = host_range(a->mem, ma, sizeof(struct g_msg));
    a->gin = host_range(a->mem, ia, sizeof(struct g_in));
    return a->gm && a->gin;
}

/*
 * fast_decode: the decoding of call's and reply_recv's plain case (ipc/
 * fast.c), if this is one: ipcfast_on, the message without a buffer or
 * handles, and the receive buffer it names inside memory (the one check
 * of that buffer on this path).  Then *m names its label, word count
 * and words in place, *rb is the receive buffer, and true.  Else false:
 * the general path decodes it all and reports what is wrong (EFAULT,
 * EINVAL, ...).
 */
static inline bool fast_decode(const struct hot_args *a,
                               struct ipc_fast_msg *m, struct ipc_rbuf *rb)
{
    if (!ipcfast_on || rd32(a->gm + GM(len)) != 0 ||
        rd32(a->gm + GM(nhandles)) != 0)
        return false;
    *rb = rbuf_read(a->gin);
    if (rb->has && !host_range(a->mem, rb->ptr, rb->cap))
        return false;
    *m = (struct ipc_fast_msg){ rd32(a->gm + GM(label)),
                                rd32(a->gm + GM(nwords)), a->gm + GM(words) };
    return true;
}

/* hot_end: the end of an operation of call or reply_recv that returned
 * op (fast: begun with ipcfast_begin or ipcfast_enter, fl its flags):
 * wait for the partner's answer, then what p got into the wisp_in. */
static inline uint32_t hot_end(struct proc *p, int op, bool fast,
                               uint64_t fl, const struct hot_args *a)
{
    uint32_t r = fast ? ipcfast_finish(p, op, fl) : ipccall_finish(p, op);
    if (r == IPC_OK)
        in_put(p, a->gin);
    return r;
}

/* call(h, msg, in) -> errno; the reply lands in *in.  This and
 * reply_recv take the fast path when it applies (ipcfast.c): in their
 * plain case the specialised operation of ipc/fast.c, on what
 * fast_decode read; otherwise the general one. */
static HOT uint32_t w_call(struct proc *p, wasm_host_call *c)
{
    struct hot_args a;
    struct ipc_fast_msg fm;
    struct ipc_msg m;
    struct ipc_rbuf rb;
    uint32_t h = host_arg32(c, 0);
    uint64_t fl;
    if (!hot_get(c, host_arg32(c, 1), host_arg32(c, 2), &a))
        return IPC_EFAULT;
    if (fast_decode(&a, &fm, &rb)) {
        ipcfast_enter(&fl);
        int op = ipc_fast_call(&p->ipc, h, &fm, &rb);
        if (op != IPC_FAST_NO)
            return hot_end(p, op, true, fl, &a);
        ipcfast_leave(fl);
    }
    msg_read(a.gm, &m);
    rb = rbuf_read(a.gin);
    bool fast = ipcfast_begin(&m, &fl);
    return hot_end(p, ipc_call(&p->ipc, h, &m, &rb), fast, fl, &a);
}

/* reply_recv(r, msg, h, in) -> errno: reply, then recv's result. */
static HOT uint32_t w_reply_recv(struct proc *p, wasm_host_call *c)
{
    struct hot_args a;
    struct ipc_fast_msg fm;
    struct ipc_msg m;
    struct ipc_rbuf rb;
    uint32_t rs = host_arg32(c, 0), h = host_arg32(c, 2);
    uint64_t fl;
    if (!hot_get(c, host_arg32(c, 1), host_arg32(c, 3), &a))
        return IPC_EFAULT;
    if (fast_decode(&a, &fm, &rb)) {
        ipcfast_enter(&fl);
        int op = ipc_fast_reply_recv(&p->ipc, rs, &fm, h, &rb);
        if (op != IPC_FAST_NO)
            return hot_end(p, op, true, fl, &a);
        ipcfast_leave(fl);
    }
    msg_read(a.gm, &m);
    rb = rbuf_read(a.gin);
    bool fast = ipcfast_begin(&m, &fl);
    return hot_end(p, ipc_reply_recv(&p->ipc, rs, &m, h, &rb), fast, fl,
                   &a);
}

/* The host functions of call and reply_recv: each its own trampoline,
 * with the implementation inlined into it (host_run). */
static wasm_status call_host(wasm_host_call *c)
{
    return host_run(c, w_call);
}

static wasm_status reply_recv_host(wasm_host_call *c)
{
    return host_run(c, w_reply_recv);
}

/* ipccall_own: see ipccall.h. */
wasm_host_fn ipccall_own(host_impl impl)
{
    if (impl == w_call)
        return call_host;
    return impl == w_reply_recv ? reply_recv_host : NULL;
}

/* ---- the calls: notifications ------------------------------------------ */

/* signal(h) -> errno; never blocks. */
static uint32_t w_signal(struct proc *p, wasm_host_call *c)
{
    return ipccall_finish(p, ipc_signal(&p->ipc, host_arg32(c, 0)));
}

/* wait(h, word_out) -> errno. */
static uint32_t w_wait(struct proc *p, wasm_host_call *c)
{
    uint32_t out = host_arg32(c, 1);
    if (!host_mem(c, out, 4))
        return IPC_EFAULT;
    uint32_t r = ipccall_finish(p, ipc_wait(&p->ipc, host_arg32(c, 0)));
    return put_out(c, out, r, p->ipc.got.word);
}

/* revoke(h, n_out) -> errno: every handle derived from h taken back. */
static uint32_t w_revoke(struct proc *p, wasm_host_call *c)
{
    uint32_t out = host_arg32(c, 1);
    if (!host_mem(c, out, 4))
        return IPC_EFAULT;
    uint32_t r = ipccall_finish(p, ipc_revoke(&p->ipc, host_arg32(c, 0)));
    return put_out(c, out, r, p->ipc.got.n);
}

/* ---- spawn ------------------------------------------------------------- */

/* A spawn request, copied out of the guest. */
struct spawn_req {
    char name[INITRD_NAME_MAX];
    uint32_t nhandles;
    uint32_t slots[IPC_MSG_HANDLES_MAX];
    int argc;
    char **argv;                        /* kmalloc'd, strings after it */
};

/* spawn_args: req->argv = { name, the NUL-terminated strings of
 * args[0..len) }.  Returns 0 or an errno (EINVAL with a reason printed). */
static uint32_t spawn_args(struct spawn_req *req, const char *args,
                           uint32_t len)
{
    if (len > PROC_ARGS_MAX || (len > 0 && args[len - 1] != '\0')) {
        kprintf("spawn: %s\n", len > PROC_ARGS_MAX
                ? "arguments too long (PROC_ARGS_MAX)"
                : "arguments not NUL-terminated");
        return IPC_EINVAL;
    }
    int n = 1;
    for (uint32_t i = 0; i < len; i++)
        n += args[i] == '\0';
    req->argv = kmalloc(sizeof(char *) * (size_t)n + len);
    if (!req->argv)
        return IPC_ENOMEM;
    char *s = (char *)(req->argv + n);
    memcpy(s, args, len);
    req->argv[0] = req->name;
    for (int i = 1; i < n; s += strlen(s) + 1)
        req->argv[i++] = s;
    req->argc = n;
    return 0;
}

/* spawn_check: at most 4 entries (EINVAL); each an open handle of p
 * that is not a reply handle (EBADF; an entry with bits beyond the slot
 * and SPAWN_BADGE_PID names no slot either), SPAWN_BADGE_PID only on an
 * unbadged one (EINVAL); a free slot of p's for the new process's
 * handle (EMFILE). */
static uint32_t spawn_check(struct proc *p, const struct spawn_req *req)
{
    if (req->nhandles > IPC_MSG_HANDLES_MAX)
        return IPC_EINVAL;
    for (uint32_t i = 0; i < req->nhandles; i++) {
        uint32_t s = req->slots[i] & GRANT_SLOT;
        const struct ipc_handle *h = s < IPC_HANDLES_MAX
                                         ? &p->ipc.handles[s] : NULL;
        if ((req->slots[i] & ~(GRANT_SLOT | SPAWN_BADGE_PID)) || !h ||
            !h->obj || h->obj->kind == IPC_KIND_REPLY)
            return IPC_EBADF;
        if ((req->slots[i] & SPAWN_BADGE_PID) && h->badge)
            return IPC_EINVAL;
    }
    return p->ipc.nheld == IPC_HANDLES_MAX ? IPC_EMFILE : 0;
}

/* spawn_give: a copy of p's handle `entry` (a slot, maybe with
 * SPAWN_BADGE_PID: then badged with the child's pid) in child's lowest
 * free slot, derived from p's (revoke takes it back).  Checked by
 * spawn_check, so it fits. */
static void spawn_give(struct proc *p, uint32_t entry, struct proc *child)
{
    uint32_t badge = entry & SPAWN_BADGE_PID ? (uint32_t)child->pid : 0;
    ipc_kcopy(&p->ipc, entry & GRANT_SLOT, badge, &child->ipc);
}

/* spawn_start: start req's program as p's child, give it copies of the
 * listed handles in its slots 0, 1, ... before it runs, and p a handle
 * with the kill right on it (*h).  Its pid, or -errno. */
static int spawn_start(struct proc *p, struct spawn_req *req, int32_t *h)
{
    char err[160];
    int pid = proc_spawn_by(p, req->name, req->argc, req->argv, err,
                            sizeof err);
    if (pid == -PROC_EINVAL || pid == -PROC_ENOMEM ||
        (pid == -PROC_EDQUOT && strncmp(err, "over a limit", 12) == 0))
        kprintf("spawn: %s\n", err);  /* not a full quota: it says so */
    if (pid < 0)
        return pid;
    struct proc *child = proc_find(pid);
    for (uint32_t i = 0; i < req->nhandles; i++)
        spawn_give(p, req->slots[i], child);
    *h = ipc_kgive(child->pobj, IPC_R_KILL, 0, &p->ipc);
    return pid;
}

/*
 * spawn(name, name_len, args, args_len, handles, nhandles, pid_out,
 * h_out) -> errno.  Pointers first (EFAULT), then the handles (EINVAL,
 * EBADF) and a free slot for h_out (EMFILE), the name's length (ENOENT),
 * the arguments (EINVAL), then proc_spawn's errors (ENOENT, EAGAIN,
 * EDQUOT, EINVAL, ENOMEM).  *h_out = a process handle with the kill
 * right on the child.
 */
static uint32_t w_spawn(struct proc *p, wasm_host_call *c)
{
    struct spawn_req req = { .argv = NULL };
    uint32_t nlen = host_arg32(c, 1), alen = host_arg32(c, 3);
    const char *name = host_mem(c, host_arg32(c, 0), nlen);
    const char *args = host_mem(c, host_arg32(c, 2), alen);
    const void *hs = host_mem(c, host_arg32(c, 4), 4ull * host_arg32(c, 5));
    uint32_t out = host_arg32(c, 6), hout = host_arg32(c, 7), r;
    int32_t h = -1;
    if (!name || !args || !hs || !host_mem(c, out, 4) ||
        !host_mem(c, hout, 4))
        return IPC_EFAULT;
    req.nhandles = host_arg32(c, 5);
    if (req.nhandles <= IPC_MSG_HANDLES_MAX)
        memcpy(req.slots, hs, 4 * req.nhandles);
    if ((r = spawn_check(p, &req)) != 0)
        return r;
    if (nlen == 0 || nlen >= sizeof req.name)
        return PROC_ENOENT;             /* no program has such a name */
    memcpy(req.name, name, nlen);
    if ((r = spawn_args(&req, args, alen)) != 0)
        return r;
    int pid = spawn_start(p, &req, &h);
    kfree(req.argv);
    if (pid < 0)
        return (uint32_t)-pid;
    host_put32(c, hout, (uint32_t)h);
    return put_out(c, out, 0, (uint32_t)pid);
}

/* ---- the table ---------------------------------------------------------- */

const struct host_entry ipc_entries[] = {
    { "wisp", "ep_create", "i:i", w_ep_create },
    { "wisp", "ntfn_create", "i:i", w_ntfn_create },
    { "wisp", "dup", "iiii:i", w_dup },
    { "wisp", "close", "i:i", w_close },
    { "wisp", "send", "ii:i", w_send },
    { "wisp", "try_send", "ii:i", w_try_send },
    { "wisp", "call", "iii:i", w_call },
    { "wisp", "recv", "ii:i", w_recv },
    { "wisp", "try_recv", "ii:i", w_try_recv },
    { "wisp", "reply", "ii:i", w_reply },
    { "wisp", "reply_recv", "iiii:i", w_reply_recv },
    { "wisp", "signal", "i:i", w_signal },
    { "wisp", "wait", "ii:i", w_wait },
    { "wisp", "revoke", "ii:i", w_revoke },
    { "wisp", "spawn", "iiiiiiii:i", w_spawn },
};
const int ipc_nentries = sizeof ipc_entries / sizeof ipc_entries[0];
