/*
 * engine.c: the Wasm engine as the kernel embeds it.
 *
 * Each process has its own wasm_runtime whose allocator context is the
 * process, so every byte the engine takes for it is counted (ps shows
 * it) and given back when it ends:
 *   - engine objects (the instance, the exec's value and call stacks)
 *     come from the kernel heap; the compiled module is shared by all
 *     processes of one program and counted apart (modcache.c);
 *   - linear memory is a virtual region of PROC_MEM_MAX_PAGES pages
 *     reserved at instantiation, whose pages are mapped as memory.grow
 *     asks: the memory grows in place, never copied, and its address
 *     never changes.
 * The exec's fuel hook is where a process is preempted or stopped.
 */
#include "proc/proc.h"

#include "kstring.h"
#include "sched.h"
#include "thread.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "proc/hostcall.h"
#include "proc/modcache.h"

#define PROC_MEM_MAX_BYTES ((size_t)PROC_MEM_MAX_PAGES * 65536)

/* eng_alloc: a zeroed heap block for the engine, counted in the process. */
static void *eng_alloc(void *ctx, size_t bytes)
{
    struct proc *p = ctx;
    void *b = kzalloc(bytes ? bytes : 1);
    if (b)
        p->heap_bytes += bytes;
    if (p->heap_bytes > p->heap_peak)
        p->heap_peak = p->heap_bytes;
    return b;
}

/* eng_free: gives back a block from eng_alloc (bytes = its size). */
static void eng_free(void *ctx, void *block, size_t bytes)
{
    struct proc *p = ctx;
    if (!block)
        return;
    kfree(block);
    p->heap_bytes -= bytes < p->heap_bytes ? bytes : p->heap_bytes;
}

/*
 * eng_mem_map: eng_mem_resize's mapping, its quota already charged: old
 * NULL reserves the region and maps new_bytes of it, new_bytes 0 unmaps
 * and releases it, anything else maps or unmaps at its end.  Returns the
 * base, or NULL (nothing changed) when the virtual space or the frames
 * run out, or after a release.
 */
static void *eng_mem_map(struct proc *p, void *old, size_t old_bytes,
                         size_t new_bytes)
{
    if (!old) {
        old = vm_region_reserve(PROC_MEM_MAX_BYTES);
        if (!old)
            return NULL;
        if (!vm_region_resize(old, 0, new_bytes)) {
            vm_region_release(old, PROC_MEM_MAX_BYTES);
            return NULL;
        }
    } else if (new_bytes == 0) {
        vm_region_resize(old, old_bytes, 0);
        vm_region_release(old, PROC_MEM_MAX_BYTES);
        old = NULL;
    } else if (!vm_region_resize(old, old_bytes, new_bytes)) {
        return NULL;
    }
    p->mem_bytes = p->mem_bytes - old_bytes + new_bytes;
    return old;
}

/*
 * eng_mem_resize: linear memory storage.  old NULL: reserve a region of
 * PROC_MEM_MAX_BYTES and map new_bytes of it; new_bytes 0: unmap and
 * release; otherwise map or unmap pages at the end of the region, which
 * does not move.  Every byte is charged to the memory quota of p and
 * its ancestors (tree.c) first.  Returns the base, or NULL (nothing
 * changed) when the limit, a quota, the virtual space or the frames run
 * out.
 */
static void *eng_mem_resize(void *ctx, void *old, size_t old_bytes,
                            size_t new_bytes)
{
    struct proc *p = ctx;
    void *base;
    long long delta = (long long)new_bytes - (long long)old_bytes;
    if (new_bytes > PROC_MEM_MAX_BYTES || !proc_quota_mem(p, delta))
        return NULL;
    base = eng_mem_map(p, old, old_bytes, new_bytes);
    if (!base && new_bytes != 0)
        proc_quota_mem(p, -delta);      /* nothing changed after all */
    return base;
}

/* proc_ipc_mem: the IPC layer's mem hook: a pointer to bytes
 * [off, off+len) of ip's process's memory 0, or NULL if any is outside it
 * or the process has no memory (yet, or any more). */
void *proc_ipc_mem(struct ipc_proc *ip, uint32_t off, uint32_t len)
{
    struct proc *p = ip->owner;
    return host_range(p->inst ? wasm_instance_memory(p->inst) : NULL, off,
                      len);
}

/* proc_runtime_init: p's runtime: its allocator and the PROC_* limits. */
void proc_runtime_init(struct proc *p)
{
    wasm_allocator a = { eng_alloc, eng_free, eng_mem_resize, p };
    wasm_runtime_init(&p->rt, a);
    p->rt.max_memory_pages = PROC_MEM_MAX_PAGES;
    p->rt.max_table_elems = PROC_TABLE_MAX;
    p->rt.value_stack_slots = PROC_VALUE_SLOTS;
    p->rt.max_call_depth = PROC_CALL_DEPTH;
}

// book: fuel_hook
/*
 * proc_hook: the exec's fuel hook, run by the process's own thread at a
 * safe point (a loop back-edge or a call) after proc_preempt asked for
 * it or a kill did.  Plain kernel code here: it may switch threads.
 */
static wasm_hook_action proc_hook(wasm_exec *ex, void *ctx)
{
    struct proc *p = ctx;
    wasm_exec_set_fuel(ex, UINT64_MAX);
    if (p->killed)
        return WASM_HOOK_STOP;
    sched_yield();
    return p->killed ? WASM_HOOK_STOP : WASM_HOOK_CONTINUE;
}

/* proc_preempt_hook: the timer says p's slice is over (interrupt
 * context: only sets the engine's flag; the next safe point calls
 * proc_hook). */
void proc_preempt_hook(void *ctx)
{
    struct proc *p = ctx;
    wasm_exec_interrupt(p->exec);
}
// book: fuel_hook

/* proc_exec_setup: p's exec, its fuel hook set with p as its context
 * (which is also how a host call finds its process: hostcall.c).  False
 * when out of memory. */
bool proc_exec_setup(struct proc *p)
{
    p->exec = wasm_exec_new(&p->rt);
    if (!p->exec)
        return false;
    wasm_exec_set_hook(p->exec, proc_hook, p);
    wasm_exec_set_fuel(p->exec, UINT64_MAX);
    return true;
}

/*
 * proc_engine_free: give back every engine object of p, in the reverse
 * order of creation (the exec, the instance with its linear memory, the
 * reference to the shared module).  Safe on a half-built process.
 */
void proc_engine_free(struct proc *p)
{
    if (p->thread)
        sched_set_preempt_hook(p->thread, NULL, NULL);
    if (p->exec)
        wasm_exec_free(p->exec);
    if (p->inst)
        wasm_instance_free(p->inst);
    if (p->module)
        modcache_put(p->module);
    p->exec = NULL;
    p->inst = NULL;
    p->module = NULL;
}
