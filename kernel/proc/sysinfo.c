/*
 * sysinfo.c: the host calls of module "wisp" that let init and the shell
 * manage processes and look at the system (services/lib/wisp.h): kill
 * and limit (through process handles), watch, proc_info, mem_info,
 * ipc_info, and the initrd's files
 * (initrd_stat, initrd_read: init's manifest, the file service).
 *
 * A watch is the kernel's promise to signal a notification when a
 * process ends.  The kernel holds a reference with `s` to that
 * notification (ipc/kref.h) from the watch until the signal, so neither
 * the object nor its waiters' hope of a signal goes away meanwhile.
 * The watches live in one short list; a process's own watches (those it
 * asked for) are dropped when it ends, and the watches on a process are
 * signalled then (sysinfo_proc_end).
 */
#include "proc/sysinfo.h"

#include "kstring.h"
#include "thread.h"
#include "ipc/kref.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "proc/initrd.h"
#include "proc/wasifs.h"

/* One watch: when process pid ends, OR bits into ntfn. */
struct watch {
    int watcher;                    /* the process that asked */
    int pid;                        /* the process watched */
    struct ipc_obj *ntfn;           /* a kernel reference, rights s */
    uint32_t bits;                  /* the handle's badge, or 1 */
    struct watch *next;
};

static struct watch *watches;       /* every watch, newest first */

/* ---- kill and watch ---------------------------------------------------- */

/*
 * target_of: the process p may act on through its process handle h
 * with right: *t = it.  0, or EBADF (h not a process handle), EACCES (h
 * lacks right), ESRCH (its process has ended).
 */
static uint32_t target_of(struct proc *p, uint32_t h, uint32_t right,
                          struct proc **t)
{
    struct ipc_proc *ip;
    int r = ipc_pobj_target(&p->ipc, h, right, &ip);
    *t = r == 0 ? ip->owner : NULL;
    return (uint32_t)r;
}

/*
 * kill(h, pid) -> errno: end process pid and everything it started, as
 * the monitor's kill does, without waiting for the end.  The authority
 * is h: a process handle with the kill right, and pid must be its
 * process or one that process started (directly or not).  EBADF,
 * EACCES, ESRCH (h's process has ended, or pid is not one of those).
 */
static uint32_t sys_kill(struct proc *p, wasm_host_call *c)
{
    struct proc *t, *q = proc_find((int32_t)host_arg32(c, 1));
    uint32_t r = target_of(p, host_arg32(c, 0), IPC_R_KILL, &t);
    if (r != 0)
        return r;
    if (!q || !proc_descends(q, t))
        return WASI_ESRCH;
    proc_kill(q->pid);
    return 0;
}

/*
 * limit(h, procs, mem) -> errno: lower the quota of h's process (kill
 * right needed): at most procs live descendants and mem bytes of linear
 * memory for it and them.  Limits only go down (EPERM for more than it
 * has); what it holds already stays.  EBADF, EACCES, ESRCH as kill.
 */
static uint32_t sys_limit(struct proc *p, wasm_host_call *c)
{
    struct proc *t;
    uint32_t procs = host_arg32(c, 1), mem = host_arg32(c, 2);
    uint32_t r = target_of(p, host_arg32(c, 0), IPC_R_KILL, &t);
    if (r != 0)
        return r;
    if (procs > (uint32_t)t->quota.procs_max || mem > t->quota.mem_max)
        return WASI_EPERM;
    t->quota.procs_max = (int)procs;
    t->quota.mem_max = mem;
    return 0;
}

/* watch_count: the watches process pid has asked for. */
static int watch_count(int pid)
{
    int n = 0;
    for (struct watch *w = watches; w; w = w->next)
        n += w->watcher == pid;
    return n;
}

/*
 * watch(pid, h) -> errno: signal notification h (with s) when process
 * pid ends, at once if it has already ended.  Checks: h a notification
 * handle (EBADF) with s (EACCES); pid ever started (ESRCH); at most
 * PROC_WATCHES_MAX pending watches per process (ENOSPC); memory (ENOMEM).
 */
static uint32_t sys_watch(struct proc *p, wasm_host_call *c)
{
    int pid = (int32_t)host_arg32(c, 0);
    uint32_t h = host_arg32(c, 1);
    struct ipc_obj *o = ipc_obj_of(&p->ipc, h, IPC_KIND_NTFN, 0);
    struct watch *w;
    if (!o)
        return WASI_EBADF;
    if (!ipc_obj_of(&p->ipc, h, IPC_KIND_NTFN, IPC_R_SEND))
        return IPC_EACCES;
    uint32_t bits = p->ipc.handles[h].badge ? p->ipc.handles[h].badge : 1;
    if (pid <= 0 || pid >= proc_next_pid())     /* never started */
        return WASI_ESRCH;
    if (!proc_alive(pid)) {
        ipc_notify(o, bits);            /* ended already */
        return 0;
    }
    if (watch_count(p->pid) >= PROC_WATCHES_MAX)
        return WASI_ENOSPC;
    if (!(w = kmalloc(sizeof *w)))
        return WASI_ENOMEM;
    *w = (struct watch){ p->pid, pid, o, bits, watches };
    ipc_kref_hold(o, IPC_R_SEND);
    watches = w;
    return 0;
}

/*
 * sysinfo_proc_end: see sysinfo.h.  Watches on pid are signalled in
 * the order they were made, newest first.
 */
void sysinfo_proc_end(int pid)
{
    struct watch **pp = &watches;
    while (*pp) {
        struct watch *w = *pp;
        if (w->pid != pid && w->watcher != pid) {
            pp = &w->next;
            continue;
        }
        if (w->pid == pid)
            ipc_notify(w->ntfn, w->bits);
        ipc_kref_drop(w->ntfn, IPC_R_SEND);
        *pp = w->next;
        kfree(w);
    }
    consdev_proc_end(pid);
}

/* ---- proc_info --------------------------------------------------------- */

/* The guest's wisp_proc_info (64 bytes). */
struct g_proc_info {
    int32_t pid;
    uint32_t state, mem_bytes, heap_bytes, cpu_ticks;
    char ipc_state[8];
    char name[36];
};
_Static_assert(sizeof(struct g_proc_info) == 64, "wisp_proc_info");

/* What proc_info's walk looks for and finds. */
struct nth {
    uint32_t i;                     /* counts down to the one wanted */
    struct proc *p;
};

/* nth_proc: the walk's step: keep p if it is the n->i-th process seen. */
static void nth_proc(struct proc *p, void *arg)
{
    struct nth *n = arg;
    if (!n->p && n->i-- == 0)
        n->p = p;
}

/* proc_state_code: 0 running (or sleeping outside IPC), 1 blocked in
 * IPC, 2 ending (killed, or its thread is freeing it). */
static uint32_t proc_state_code(const struct proc *p)
{
    if (p->state != PROC_LIVE || p->killed || p->ipc.state == IPC_DEAD)
        return 2;
    return p->ipc.state != IPC_RUNNING;
}

/* proc_info(i, out) -> errno: the i-th live process in table order, or
 * ENOENT past the last. */
static uint32_t sys_proc_info(struct proc *self, wasm_host_call *c)
{
    struct nth n = { host_arg32(c, 0), NULL };
    void *out = host_mem(c, host_arg32(c, 1), sizeof(struct g_proc_info));
    struct g_proc_info g = { 0 };
    (void)self;
    if (!out)
        return HOST_FAULT;
    proc_foreach(nth_proc, &n);
    if (!n.p)
        return WASI_ENOENT;
    g.pid = n.p->pid;
    g.state = proc_state_code(n.p);
    g.mem_bytes = (uint32_t)n.p->mem_bytes;
    g.heap_bytes = (uint32_t)n.p->heap_bytes;
    g.cpu_ticks = (uint32_t)n.p->thread->cpu_ticks;
    strlcpy(g.ipc_state, ipc_state_name(n.p->ipc.state), sizeof g.ipc_state);
    strlcpy(g.name, n.p->name, sizeof g.name);
    memcpy(out, &g, sizeof g);
    return 0;
}

/* ---- mem_info and ipc_info -------------------------------------------- */

/* mem_info(out) -> 0: frames, heap, IPC objects, processes (24 bytes). */
static uint32_t sys_mem_info(struct proc *p, wasm_host_call *c)
{
    struct kheap_stats st;
    uint32_t g[6];
    void *out = host_mem(c, host_arg32(c, 0), sizeof g);
    (void)p;
    if (!out)
        return HOST_FAULT;
    kheap_get_stats(&st);
    g[0] = (uint32_t)pmm_total_frames();
    g[1] = (uint32_t)pmm_free_frames();
    g[2] = (uint32_t)st.bytes_in_use;
    g[3] = (uint32_t)st.bytes_free;
    g[4] = (uint32_t)ipc_objs_live();
    g[5] = (uint32_t)proc_count();
    memcpy(out, g, sizeof g);
    return 0;
}

/* qlen: the processes in q. */
static uint32_t qlen(const struct ipc_queue *q)
{
    uint32_t n = 0;
    for (const struct ipc_proc *p = q->head; p; p = p->qnext)
        n++;
    return n;
}

/*
 * ipc_info(i, out) -> errno: the i-th live endpoint or notification of
 * the kernel's domain, in number order (24 bytes: id, kind, handles
 * (the kernel's own references count), senders, receivers or waiters,
 * messages or signals delivered), or ENOENT past the last.
 */
static uint32_t sys_ipc_info(struct proc *p, wasm_host_call *c)
{
    uint32_t i = host_arg32(c, 0), g[6];
    void *out = host_mem(c, host_arg32(c, 1), sizeof g);
    const struct ipc_obj *o = ipc_kernel_ns.objs;
    (void)p;
    if (!out)
        return HOST_FAULT;
    for (; o && i > 0; i--)
        o = o->next;
    if (!o)
        return WASI_ENOENT;
    g[0] = o->id;
    g[1] = (uint32_t)o->kind;
    g[2] = (uint32_t)o->nhandles;
    g[3] = qlen(&o->sendq);
    g[4] = qlen(o->kind == IPC_KIND_EP ? &o->recvq : &o->waitq);
    g[5] = (uint32_t)o->delivered;
    memcpy(out, g, sizeof g);
    return 0;
}

/* ---- the initrd ---------------------------------------------------------- */

/* initrd_stat(i, name, cap, size_out) -> errno: file i's name
 * (NUL-terminated) and size.  Pointers first (cap bytes at name, 4 at
 * size_out), then ENOENT past the last file, EINVAL if the name and its
 * NUL do not fit in cap bytes (they always fit in INITRD_NAME_MAX). */
static uint32_t sys_initrd_stat(struct proc *p, wasm_host_call *c)
{
    uint32_t cap = host_arg32(c, 2);
    char *name = host_mem(c, host_arg32(c, 1), cap);
    const struct initrd_file *f;
    (void)p;
    if (!name || !host_mem(c, host_arg32(c, 3), 4))
        return HOST_FAULT;
    if (host_arg32(c, 0) >= (uint32_t)initrd_count())
        return WASI_ENOENT;
    f = initrd_get((int)host_arg32(c, 0));
    if (strlen(f->name) >= cap)
        return WASI_EINVAL;
    strlcpy(name, f->name, cap);
    return host_put32(c, host_arg32(c, 3), f->size);
}

/* initrd_read(i, off, buf, len, n_out) -> errno: up to len bytes of file
 * i from offset off into buf; *n_out = how many (0 at or past the end).
 * Pointers first, then ENOENT past the last file. */
static uint32_t sys_initrd_read(struct proc *p, wasm_host_call *c)
{
    uint32_t off = host_arg32(c, 1), len = host_arg32(c, 3), n = 0;
    char *buf = host_mem(c, host_arg32(c, 2), len);
    const struct initrd_file *f;
    (void)p;
    if (!buf || !host_mem(c, host_arg32(c, 4), 4))
        return HOST_FAULT;
    if (host_arg32(c, 0) >= (uint32_t)initrd_count())
        return WASI_ENOENT;
    f = initrd_get((int)host_arg32(c, 0));
    if (off < f->size)
        n = f->size - off < len ? f->size - off : len;
    memcpy(buf, f->data + off, n);
    return host_put32(c, host_arg32(c, 4), n);
}

const struct host_entry sys_entries[] = {
    { "wisp", "kill", "ii:i", sys_kill },
    { "wisp", "limit", "iii:i", sys_limit },
    { "wisp", "watch", "ii:i", sys_watch },
    { "wisp", "proc_info", "ii:i", sys_proc_info },
    { "wisp", "mem_info", "i:i", sys_mem_info },
    { "wisp", "ipc_info", "ii:i", sys_ipc_info },
    { "wisp", "initrd_stat", "iiii:i", sys_initrd_stat },
    { "wisp", "initrd_read", "iiiii:i", sys_initrd_read },
};
const int sys_nentries = sizeof sys_entries / sizeof sys_entries[0];
