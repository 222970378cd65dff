/*
 * hostcall.c: host functions for processes: the table of every import
 * the kernel satisfies, one trampoline that runs them, guest-memory
 * access, and Wisp's own module "wisp" (sleep_ms, getpid, yield; its
 * IPC calls are in ipccall.c, the system calls in sysinfo.c and
 * consdev.c, the device calls in devcap.c).
 *
 * The host functions are made once at boot (hostcall_init) and shared by
 * every instance; a call finds its process in the exec it runs on (the
 * hook's context, set by engine.c).
 * The WASI calls are in wasi.c; spec/abi.md states each call's contract.
 */
#include "proc/hostcall.h"
#include "proc/devcap.h"
#include "proc/ipccall.h"
#include "proc/oracle.h"
#include "proc/sysinfo.h"
#include "proc/wasifs.h"

#include <stdbool.h>

#include "kstring.h"
#include "sched.h"
#include "thread.h"
#include "timer.h"
#include "mm/kmalloc.h"

/*
 * host_mem: a kernel pointer to guest bytes [off, off+len) of the calling
 * instance's memory 0, or NULL if any of them is outside it (or there is
 * no memory).  The only way host calls touch guest memory.
 */
void *host_mem(wasm_host_call *c, uint32_t off, uint64_t len)
{
    return host_range(c->memory, off, len);
}

/* host_put32: store v little-endian at guest address off; 0 or
 * HOST_FAULT.  (x86-64 is little-endian, as Wasm memory is.) */
uint32_t host_put32(wasm_host_call *c, uint32_t off, uint32_t v)
{
    void *p = host_mem(c, off, 4);
    if (!p)
        return HOST_FAULT;
    memcpy(p, &v, 4);
    return 0;
}

/* host_put64: as host_put32, for 64 bits. */
uint32_t host_put64(wasm_host_call *c, uint32_t off, uint64_t v)
{
    void *p = host_mem(c, off, 8);
    if (!p)
        return HOST_FAULT;
    memcpy(p, &v, 8);
    return 0;
}

/* host_now_ns: nanoseconds since boot, from the timer, interpolated
 * between ticks with the TSC (timer_ns). */
uint64_t host_now_ns(void)
{
    return timer_ns();
}

/* host_pause: see hostcall.h.  Kernel C is not preempted (sched.h), so
 * a long host call must offer the CPU itself. */
uint32_t host_pause(struct proc *p)
{
    if (!p->killed && thread_current()->slice_left <= 0)
        sched_yield();
    return p->killed ? HOST_KILLED : 0;
}

/* ---- the "wisp" module -------------------------------------------------- */

/* wisp.sleep_ms(ms) -> 0: block ms milliseconds; a kill ends it early. */
static uint32_t wisp_sleep(struct proc *p, wasm_host_call *c)
{
    sleep_ms(host_arg32(c, 0));
    return p->killed ? HOST_KILLED : 0;
}

/* wisp.getpid() -> pid. */
static uint32_t wisp_getpid(struct proc *p, wasm_host_call *c)
{
    (void)c;
    return (uint32_t)p->pid;
}

/* wisp.yield() -> 0: let the other runnable threads run first. */
static uint32_t wisp_yield(struct proc *p, wasm_host_call *c)
{
    (void)c;
    sched_yield();
    return p->killed ? HOST_KILLED : 0;
}

static const struct host_entry wisp_entries[] = {
    { "wisp", "sleep_ms", "i:i", wisp_sleep },
    { "wisp", "getpid", ":i", wisp_getpid },
    { "wisp", "yield", ":i", wisp_yield },
};
static const int nwisp = sizeof wisp_entries / sizeof wisp_entries[0];

/* ---- the trampoline and the table ---------------------------------------- */

/*
 * host_tramp: the wasm_host_fn of every host function but proc_exit and
 * those with one of their own (host_entry: ipccall_own), a raw one
 * (interp/wasm.h): the arguments are the interpreter's own slots, read
 * in place by host_arg32/host_arg64, and the result goes back in slot
 * 0, so a host call converts no value.  It runs the entry's
 * implementation for the calling process (host_run).
 */
static wasm_status host_tramp(wasm_host_call *c)
{
    const struct host_entry *e = c->env;
    return host_run(c, e->impl);
}

/* exit_tramp: the host function of proc_exit(code), the entry with
 * no implementation: the program ends with that exit code. */
static wasm_status exit_tramp(wasm_host_call *c)
{
    c->exit_code = (int32_t)host_arg32(c, 0);
    return WASM_EXITED;
}

/* Every host function, made by hostcall_init: wisp's, its IPC calls,
 * its system calls (sysinfo.c), the console device's (consdev.c) and
 * the I/O capabilities' (devcap.c),
 * then WASI's (wasi.c) and WASI's file calls (wasifs.c). */
static wasm_func **host_funcs;
static wasm_runtime host_rt;

static const struct {
    const struct host_entry *entries;
    const int *n;
} host_tables[] = {
    { wisp_entries, &nwisp },
    { ipc_entries, &ipc_nentries },
    { sys_entries, &sys_nentries },
    { consdev_entries, &consdev_nentries },
    { devcap_entries, &devcap_nentries },
    { wasi_entries, &wasi_nentries },
    { wasifs_entries, &wasifs_nentries },
#ifdef IPC_ORACLE
    { oracle_entries, &oracle_nentries },   /* the test kernel's only */
#endif
};
#define NTABLES (int)(sizeof host_tables / sizeof host_tables[0])

/* host_entry_at: entry i of the concatenated tables; NULL past the end. */
static const struct host_entry *host_entry_at(int i)
{
    for (int t = 0; t < NTABLES; i -= *host_tables[t++].n)
        if (i < *host_tables[t].n)
            return &host_tables[t].entries[i];
    return NULL;
}

/* host_count: the number of host functions. */
static int host_count(void)
{
    int n = 0;
    for (int t = 0; t < NTABLES; t++)
        n += *host_tables[t].n;
    return n;
}

/* host_sig: parse a table signature into t (ps, rs hold 8 each). */
static void host_sig(const char *sig, wasm_functype *t, wasm_valtype *ps,
                     wasm_valtype *rs)
{
    wasm_valtype *v = ps;
    uint32_t *count = &t->nparams;
    *t = (wasm_functype){ 0, 0, ps, rs };
    for (; *sig; sig++) {
        if (*sig == ':') {
            v = rs;
            count = &t->nresults;
        } else {
            v[(*count)++] = *sig == 'I' ? WASM_I64 : WASM_I32;
        }
    }
}

static void *hrt_alloc(void *ctx, size_t bytes)
{
    (void)ctx;
    return kzalloc(bytes ? bytes : 1);
}

static void hrt_free(void *ctx, void *block, size_t bytes)
{
    (void)ctx, (void)bytes;
    kfree(block);
}

/* Host functions own no linear memory. */
static void *hrt_resize(void *ctx, void *old, size_t ob, size_t nb)
{
    (void)ctx, (void)old, (void)ob, (void)nb;
    return NULL;
}

/*
 * hostcall_init: make every host function (shared by all processes, for
 * the kernel's lifetime).  Needs kheap_init; false when out of memory.
 */
bool hostcall_init(void)
{
    int n = host_count();
    wasm_runtime_init(&host_rt, (wasm_allocator){ hrt_alloc, hrt_free,
                                                  hrt_resize, NULL });
    host_funcs = kzalloc(sizeof *host_funcs * (size_t)n);
    if (!host_funcs)
        return false;
    for (int i = 0; i < n; i++) {
        const struct host_entry *e = host_entry_at(i);
        wasm_valtype ps[8], rs[8];
        wasm_functype t;
        host_sig(e->sig, &t, ps, rs);
        wasm_host_fn fn = !e->impl ? exit_tramp : ipccall_own(e->impl);
        if (!fn)
            fn = host_tramp;
        host_funcs[i] = wasm_func_new_host_raw(&host_rt, &t, fn, (void *)e);
        if (!host_funcs[i])
            return false;
    }
    return true;
}

/* hostcall_resolve: see proc.h. */
wasm_func *hostcall_resolve(const char *module, const char *name)
{
    const struct host_entry *e;
    for (int i = 0; (e = host_entry_at(i)) != NULL; i++)
        if (strcmp(e->module, module) == 0 && strcmp(e->name, name) == 0)
            return host_funcs[i];
    return NULL;
}
