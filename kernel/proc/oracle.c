/*
 * oracle.c: the test kernel's "wisptest" host calls (oracle.h), built
 * only with IPC_ORACLE.  The oracle program runs IPC scripts through the
 * real "wisp" host calls of real worker processes; these calls are its
 * control channel and its eyes, and live outside every handle table, so
 * the workers' tables hold exactly what the script made:
 *
 *   cmd_put/cmd_get   a mailbox per worker: the driver's command for its
 *   rep_put/rep_get   next step, and the worker's report of its result
 *   state(pid)        0 running, 1 blocked in IPC, 2 dead, 3 gone: how
 *                     the driver sees that a step blocked or ended
 *   wakes(buf, cap)   the pids whose blocked operation was completed
 *                     since the last look, in order (proc_ipc_wake)
 *   give(from, slot, to, h_out)   the script's setup step give: a copy
 *                     of a handle into another table, as spawn hands
 *                     handles to a child (ipc_kcopy: the copy is derived from the handle)
 *   fail_allocs(n)    the next n IPC object allocations fail (ENOMEM)
 *   kdev(to, h_out)   the script's kdev: a console device for `to`, made
 *                     by consdev.c's own consdev_make
 *   kinput(d)         the script's kinput: device d (1: the script's
 *                     first) signalled by consdev.c's consdev_signal
 *   mark()            the next object number: where a script's start
 *                     (the last script's devices are dropped)
 *   dump(pids, n, base)  prints the trace's final-state lines
 */
#ifdef IPC_ORACLE
#include "proc/oracle.h"

#include <stdbool.h>

#include "ipc/ipc.h"
#include "ipc/kref.h"
#include "kprintf.h"
#include "kstring.h"
#include "proc/sysinfo.h"

extern int ipc_alloc_failures;          /* ipc/kenv.c */

struct box {
    int pid;                            /* 0: unused */
    uint32_t ncmd, nrep;                /* 0: empty */
    char cmd[ORACLE_BOX_MAX], rep[ORACLE_BOX_MAX];
};
static struct box boxes[ORACLE_PROCS_MAX];
static int wakes[ORACLE_WAKES_MAX];
static int nwakes;

/* oracle_woke: see oracle.h. */
void oracle_woke(int pid)
{
    if (nwakes < ORACLE_WAKES_MAX)
        wakes[nwakes++] = pid;
}

/* box_of: pid's mailbox, made on first use; NULL when all are taken by
 * live processes (a dead one's is reused). */
static struct box *box_of(int pid)
{
    struct box *free = NULL;
    for (int i = 0; i < ORACLE_PROCS_MAX; i++) {
        if (boxes[i].pid == pid)
            return &boxes[i];
        struct proc *q = boxes[i].pid ? proc_find(boxes[i].pid) : NULL;
        if (!free && (!q || q->killed || q->ipc.state == IPC_DEAD))
            free = &boxes[i];
    }
    if (free)
        *free = (struct box){ .pid = pid };
    return free;
}

/* put: copy len bytes at guest a into a mailbox text (EINVAL: too long,
 * EAGAIN: still full). */
static uint32_t put(wasm_host_call *c, uint32_t a, uint32_t len,
                    char *to, uint32_t *n)
{
    const void *src = host_mem(c, a, len);
    if (!src)
        return HOST_FAULT;
    if (len == 0 || len > ORACLE_BOX_MAX)
        return WASI_EINVAL;
    if (*n)
        return 6;                       /* EAGAIN */
    memcpy(to, src, len);
    *n = len;
    return 0;
}

/* get: take a mailbox text into guest a (cap bytes), *n_out = its length;
 * EAGAIN when empty. */
static uint32_t get(wasm_host_call *c, uint32_t a, uint32_t cap,
                    uint32_t nout, char *from, uint32_t *n)
{
    char *dst = host_mem(c, a, cap);
    if (!dst || !host_mem(c, nout, 4))
        return HOST_FAULT;
    if (!*n)
        return 6;                       /* EAGAIN */
    if (*n > cap)
        return WASI_EINVAL;
    memcpy(dst, from, *n);
    host_put32(c, nout, *n);
    *n = 0;
    return 0;
}

/* cmd_put(pid, buf, len) -> errno: the driver's command for worker pid. */
static uint32_t t_cmd_put(struct proc *p, wasm_host_call *c)
{
    struct box *b = box_of((int)host_arg32(c, 0));
    (void)p;
    if (!b)
        return WASI_EINVAL;
    return put(c, host_arg32(c, 1), host_arg32(c, 2), b->cmd, &b->ncmd);
}

/* cmd_get(buf, cap, n_out) -> errno: the caller's own next command. */
static uint32_t t_cmd_get(struct proc *p, wasm_host_call *c)
{
    struct box *b = box_of(p->pid);
    if (!b)
        return WASI_EINVAL;
    return get(c, host_arg32(c, 0), host_arg32(c, 1), host_arg32(c, 2),
               b->cmd, &b->ncmd);
}

/* rep_put(buf, len) -> errno: the caller's report of its last step. */
static uint32_t t_rep_put(struct proc *p, wasm_host_call *c)
{
    struct box *b = box_of(p->pid);
    if (!b)
        return WASI_EINVAL;
    return put(c, host_arg32(c, 0), host_arg32(c, 1), b->rep, &b->nrep);
}

/* rep_get(pid, buf, cap, n_out) -> errno: worker pid's report. */
static uint32_t t_rep_get(struct proc *p, wasm_host_call *c)
{
    struct box *b = box_of((int)host_arg32(c, 0));
    (void)p;
    if (!b)
        return WASI_EINVAL;
    return get(c, host_arg32(c, 1), host_arg32(c, 2), host_arg32(c, 3),
               b->rep, &b->nrep);
}

/* state(pid) -> 0 running, 1 blocked in IPC, 2 dead (its IPC has ended:
 * ipc_exit ran), 3 gone (released too: its watches are signalled). */
static uint32_t t_state(struct proc *p, wasm_host_call *c)
{
    struct proc *q = proc_find((int)host_arg32(c, 0));
    (void)p;
    if (!q)
        return 3;
    if (q->killed || q->ipc.state == IPC_DEAD)
        return 2;
    return q->ipc.state == IPC_RUNNING ? 0 : 1;
}

/* wakes(buf, cap) -> how many pids (u32 each) of the wake log it copied
 * to buf; the log is then empty. */
static uint32_t t_wakes(struct proc *p, wasm_host_call *c)
{
    uint32_t cap = host_arg32(c, 1), n = 0;
    char *dst = host_mem(c, host_arg32(c, 0), 4ull * cap);
    (void)p;
    if (!dst)
        return HOST_FAULT;
    for (; n < cap && (int)n < nwakes; n++)
        memcpy(dst + 4 * n, &wakes[n], 4);
    nwakes = 0;
    return n;
}

/* give(from, slot, to, h_out) -> errno: the model's op_give between two
 * processes: EBADF unless slot of `from` is an open endpoint or
 * notification handle, EMFILE if `to` has no free slot. */
static uint32_t t_give(struct proc *p, wasm_host_call *c)
{
    struct proc *from = proc_find((int)host_arg32(c, 0));
    struct proc *to = proc_find((int)host_arg32(c, 2));
    uint32_t slot = host_arg32(c, 1), out = host_arg32(c, 3);
    (void)p;
    if (!host_mem(c, out, 4))
        return HOST_FAULT;
    if (!from || !to)
        return WASI_EINVAL;
    const struct ipc_handle *h = slot < IPC_HANDLES_MAX
                                     ? &from->ipc.handles[slot] : NULL;
    if (!h || !h->obj || (h->obj->kind != IPC_KIND_EP &&
                          h->obj->kind != IPC_KIND_NTFN))
        return IPC_EBADF;
    int r = ipc_kcopy(&from->ipc, slot, 0, &to->ipc);
    if (r < 0)
        return (uint32_t)-r;
    return host_put32(c, out, (uint32_t)r);
}

/* fail_allocs(n) -> 0: the next n IPC allocations fail. */
static uint32_t t_fail_allocs(struct proc *p, wasm_host_call *c)
{
    (void)p;
    ipc_alloc_failures = (int)host_arg32(c, 0);
    return 0;
}

static struct ipc_obj *devs[ORACLE_DEVS_MAX];  /* this script's devices */
static int ndevs;

/* kdev(to, h_out) -> errno: the model's op_kdev, through consdev_make:
 * EMFILE (to's table full), ENOMEM (the switch); EINVAL if to is no
 * live process or the script has ORACLE_DEVS_MAX devices already. */
static uint32_t t_kdev(struct proc *p, wasm_host_call *c)
{
    struct proc *to = proc_find((int)host_arg32(c, 0));
    uint32_t out = host_arg32(c, 1);
    (void)p;
    if (!host_mem(c, out, 4))
        return HOST_FAULT;
    if (!to || to->killed || to->ipc.state != IPC_RUNNING ||
        ndevs == ORACLE_DEVS_MAX)
        return WASI_EINVAL;
    int r = consdev_make(&to->ipc, &devs[ndevs]);
    if (r < 0)
        return (uint32_t)-r;
    ndevs++;
    return host_put32(c, out, (uint32_t)r);
}

/* kinput(d) -> errno: the model's op_kinput, through consdev_signal:
 * device d (1..) of this script gets input; EINVAL if there is none. */
static uint32_t t_kinput(struct proc *p, wasm_host_call *c)
{
    uint32_t d = host_arg32(c, 0);
    (void)p;
    if (d < 1 || d > (uint32_t)ndevs)
        return WASI_EINVAL;
    consdev_signal(devs[d - 1]);
    return 0;
}

/* mark() -> the number the next endpoint or notification will get. */
static uint32_t t_mark(struct proc *p, wasm_host_call *c)
{
    (void)p, (void)c;
    while (ndevs > 0)
        ipc_kref_drop(devs[--ndevs], IPC_R_SEND);
    return ipc_kernel_ns.next_id;
}

/* ---- dump: the trace's final state ------------------------------------- */

static const int *dpids;                /* model pid i+1 is dpids[i] */
static int dn;
static uint32_t dbase;                  /* object dbase is the script's 1 */

/* mpid: the model's pid of kernel pid `pid` (0 if not a worker). */
static int mpid(int pid)
{
    for (int i = 0; i < dn; i++)
        if (dpids[i] == pid)
            return i + 1;
    return 0;
}

static void dump_obj(const struct ipc_obj *o)
{
    kprintf("%s%u", o->kind == IPC_KIND_EP ? "ep" : "ntfn",
            o->id - dbase + 1);
}

static void dump_queue(const char *name, const struct ipc_queue *q)
{
    kprintf(" %s=", name);
    if (!q->head)
        kprintf("-");
    for (const struct ipc_proc *p = q->head; p; p = p->qnext)
        kprintf("%d%s", mpid(p->pid), p->qnext ? "," : "");
}

static void dump_handle(int slot, const struct ipc_handle *h)
{
    kprintf(" %d=", slot);
    if (h->obj->kind == IPC_KIND_REPLY) {
        if (h->obj->caller)
            kprintf("reply:%d", mpid(h->obj->caller->pid));
        else
            kprintf("reply:-");
        return;
    }
    if (h->obj->kind == IPC_KIND_EP || h->obj->kind == IPC_KIND_NTFN)
        dump_obj(h->obj);
    else
        kprintf("proc");
    kprintf(":%c%c%c%s:%u", h->rights & IPC_R_SEND ? 's' : '-',
            h->rights & IPC_R_RECV ? 'r' : '-',
            h->rights & IPC_R_GRANT ? 'g' : '-',
            h->rights & IPC_R_KILL ? "k" : "", h->badge);
}

static void dump_proc(int i, struct proc *q)
{
    kprintf("proc %d ", i + 1);
    if (!q || q->killed || q->ipc.state == IPC_DEAD) {
        kprintf("dead\n");
        return;
    }
    kprintf("%s", ipc_state_name(q->ipc.state));
    if (q->ipc.state >= IPC_SEND && q->ipc.state <= IPC_WAIT) {
        kprintf(":");
        dump_obj(q->ipc.on);
    }
    for (int s = 0; s < IPC_HANDLES_MAX; s++)
        if (q->ipc.handles[s].obj)
            dump_handle(s, &q->ipc.handles[s]);
    kprintf("\n");
}

/* dump(pids, n, base) -> errno: "final", a line per worker (pids[i] is
 * the script's process i+1), a line per endpoint and notification
 * numbered base or later (base is the script's first), as spec/ipc.md's
 * traces end. */
static uint32_t t_dump(struct proc *p, wasm_host_call *c)
{
    static int pids[ORACLE_PROCS_MAX];
    uint32_t n = host_arg32(c, 1);
    const void *src = host_mem(c, host_arg32(c, 0), 4ull * n);
    (void)p;
    if (!src)
        return HOST_FAULT;
    if (n > ORACLE_PROCS_MAX)
        return WASI_EINVAL;
    memcpy(pids, src, 4 * n);
    dpids = pids, dn = (int)n, dbase = host_arg32(c, 2);
    kprintf("final\n");
    for (int i = 0; i < dn; i++)
        dump_proc(i, proc_find(pids[i]));
    for (const struct ipc_obj *o = ipc_kernel_ns.objs; o; o = o->next) {
        if (o->id < dbase)
            continue;
        dump_obj(o);
        if (o->kind == IPC_KIND_EP) {
            dump_queue("sendq", &o->sendq);
            dump_queue("recvq", &o->recvq);
        } else {
            kprintf(" word=%u", o->word);
            dump_queue("waitq", &o->waitq);
        }
        kprintf("\n");
    }
    return 0;
}

const struct host_entry oracle_entries[] = {
    { "wisptest", "cmd_put", "iii:i", t_cmd_put },
    { "wisptest", "cmd_get", "iii:i", t_cmd_get },
    { "wisptest", "rep_put", "ii:i", t_rep_put },
    { "wisptest", "rep_get", "iiii:i", t_rep_get },
    { "wisptest", "state", "i:i", t_state },
    { "wisptest", "wakes", "ii:i", t_wakes },
    { "wisptest", "give", "iiii:i", t_give },
    { "wisptest", "fail_allocs", "i:i", t_fail_allocs },
    { "wisptest", "kdev", "ii:i", t_kdev },
    { "wisptest", "kinput", "i:i", t_kinput },
    { "wisptest", "mark", ":i", t_mark },
    { "wisptest", "dump", "iii:i", t_dump },
};
const int oracle_nentries = sizeof oracle_entries / sizeof oracle_entries[0];
#endif
