/*
 * fuzz_engine.c: the libFuzzer target for Wisp's Wasm engine.
 *
 * For each input: decode + validate + compile it (wasm_module_load); if it
 * is a valid module, satisfy every import with a dummy of the requested
 * type (host functions returning zeros, fresh memories, tables and
 * globals), instantiate it, run the start function and then each exported
 * function (up to FUZZ_MAX_EXPORTS) twice: with zero arguments and with
 * arguments generated from a hash of the input.  A fuel hook
 * stops every call after FUZZ_FUEL safe points, and the allocator has a
 * budget, so no input can hang or exhaust the fuzzer.
 *
 * Besides the sanitizers' findings, the target aborts when the engine
 * breaks its own API contract (an error without a kind, an offset past the
 * input, a trap without a message): those are bugs too.
 *
 * Built with clang-14 -fsanitize=fuzzer,address,undefined and the engine's
 * sources compiled in (interp/fuzz/Makefrag).  Run without -fuzz options
 * on files, it replays them once each: that is how the regression inputs in
 * interp/fuzz/regressions/ are tested.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../wasm.h"

/* The limits keep the worst input to a few seconds under ASan: a loop can
 * run FUZZ_FUEL times, and one iteration can fill or copy a whole memory or
 * table, or run every instruction of a -max_len sized body once. */
#define FUZZ_FUEL 5000                  /* safe points per call */
#define FUZZ_MAX_PAGES 16               /* 1 MiB per memory */
#define FUZZ_MAX_TABLE 10000            /* elements per table */
#define FUZZ_MAX_DEPTH 1000             /* Wasm call depth */
#define FUZZ_STACK_SLOTS 65536          /* value-stack slots */
#define FUZZ_MAX_EXPORTS 16             /* exported functions called */
#define FUZZ_HEAP_BUDGET (512ull << 20) /* bytes the engine may hold */
#define FUZZ_MAX_ARGS 64                /* params of a called function */

/* ---- a budgeted allocator ------------------------------------------------ */

static uint64_t fuzz_heap_used;

static void *fuzz_alloc(void *ctx, size_t bytes)
{
    void *p;
    (void)ctx;
    if (bytes > FUZZ_HEAP_BUDGET - fuzz_heap_used)
        return NULL;
    if ((p = calloc(1, bytes ? bytes : 1)))
        fuzz_heap_used += bytes;
    return p;
}

static void fuzz_free(void *ctx, void *block, size_t bytes)
{
    (void)ctx;
    if (!block)
        return;
    fuzz_heap_used -= bytes <= fuzz_heap_used ? bytes : fuzz_heap_used;
    free(block);
}

/* realloc with zeroed new bytes, within the budget. */
static void *fuzz_resize(void *ctx, void *old, size_t old_bytes,
                         size_t new_bytes)
{
    uint8_t *p;
    (void)ctx;
    if (new_bytes > old_bytes &&
        new_bytes - old_bytes > FUZZ_HEAP_BUDGET - fuzz_heap_used)
        return NULL;
    if (!(p = realloc(old, new_bytes ? new_bytes : 1)))
        return NULL;
    if (new_bytes > old_bytes)
        memset(p + old_bytes, 0, new_bytes - old_bytes);
    fuzz_heap_used += new_bytes;
    fuzz_heap_used -= old_bytes <= fuzz_heap_used ? old_bytes : fuzz_heap_used;
    return p;
}

/* ---- dummy imports -------------------------------------------------------- */

/* The zero value of type t (null for references). */
static wasm_value fuzz_zero(wasm_valtype t)
{
    wasm_value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    return v;
}

/* A dummy host function: returns zeros of its result types (env points at
 * its wasm_functype). */
static wasm_status fuzz_host(wasm_host_call *c)
{
    const wasm_functype *t = c->env;
    for (uint32_t i = 0; i < t->nresults; i++)
        c->results[i] = fuzz_zero(t->results[i]);
    return WASM_OK;
}

/* Everything made to satisfy one module's imports. */
typedef struct {
    uint32_t n;
    wasm_extern *ext;
    wasm_functype *types;   /* for fuzz_host; point into the module */
} fuzz_imports;

/* Makes a dummy for import desc d into *e; false when that fails. */
static bool fuzz_dummy(const wasm_runtime *rt, const wasm_extern_desc *d,
                       wasm_functype *type, wasm_extern *e)
{
    e->kind = d->kind;
    switch (d->kind) {
    case WASM_EXTERN_FUNC:
        *type = d->func;
        e->of.func = wasm_func_new_host(rt, &d->func, fuzz_host, type);
        return e->of.func != NULL;
    case WASM_EXTERN_TABLE:
        e->of.table = wasm_table_new(rt, d->elem_type, d->limits,
                                     WASM_NULL_REF);
        return e->of.table != NULL;
    case WASM_EXTERN_MEMORY:
        e->of.memory = wasm_memory_new(rt, d->limits);
        return e->of.memory != NULL;
    case WASM_EXTERN_GLOBAL:
        e->of.global = wasm_global_new(rt, fuzz_zero(d->global_type),
                                       d->global_mutable);
        return e->of.global != NULL;
    }
    return false;
}

/* Frees the dummies made so far (those with a non-NULL object). */
static void fuzz_imports_free(fuzz_imports *im)
{
    for (uint32_t i = 0; i < im->n; i++) {
        wasm_extern *e = &im->ext[i];
        if (e->kind == WASM_EXTERN_FUNC && e->of.func)
            wasm_func_free(e->of.func);
        else if (e->kind == WASM_EXTERN_TABLE && e->of.table)
            wasm_table_free(e->of.table);
        else if (e->kind == WASM_EXTERN_MEMORY && e->of.memory)
            wasm_memory_free(e->of.memory);
        else if (e->kind == WASM_EXTERN_GLOBAL && e->of.global)
            wasm_global_free(e->of.global);
    }
    free(im->ext);
    free(im->types);
}

/* Builds a dummy for every import of m; false if any cannot be made. */
static bool fuzz_imports_make(const wasm_runtime *rt, const wasm_module *m,
                              fuzz_imports *im)
{
    im->n = wasm_module_import_count(m);
    im->ext = calloc(im->n + 1, sizeof *im->ext);
    im->types = calloc(im->n + 1, sizeof *im->types);
    if (!im->ext || !im->types)
        return false;
    for (uint32_t i = 0; i < im->n; i++) {
        wasm_extern_desc d;
        wasm_module_import(m, i, &d);
        if (!fuzz_dummy(rt, &d, &im->types[i], &im->ext[i]))
            return false;
    }
    return true;
}

/* ---- running ------------------------------------------------------------- */

/* Every call stops after FUZZ_FUEL safe points. */
static wasm_hook_action fuzz_out_of_fuel(wasm_exec *ex, void *ctx)
{
    (void)ex;
    (void)ctx;
    return WASM_HOOK_STOP;
}

/* Checks what the API promises about a finished call. */
static void fuzz_check_result(wasm_exec *ex, wasm_result r)
{
    wasm_value out[8];
    if (r.status == WASM_TRAPPED && !r.message)
        abort();        /* a trap must always say why */
    if (r.status == WASM_OK)
        wasm_exec_results(ex, out, 8);
    if (r.status == WASM_PAUSED)
        wasm_exec_reset(ex);
}

/* Argument bits worth trying: zero, one, all ones, the sign bit alone,
 * the largest positive, NaN/inf/-0 patterns of both float widths. */
static const uint64_t fuzz_interesting[] = {
    0, 1, ~0ull, 0x80000000ull, 0x7fffffffull, 0x8000000000000000ull,
    0x7fffffffffffffffull, 0x7fc00000ull, 0x7f800000ull,
    0x7ff8000000000000ull, 0x7ff0000000000000ull, 0xffffull, 65536, 31, 64,
};

/* The next value of a xorshift64 generator (state must be nonzero). */
static uint64_t fuzz_rand(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* An argument of type t: zero when rng is NULL, else an interesting
 * value or random bits, as the generator says. */
static wasm_value fuzz_arg(wasm_valtype t, uint64_t *rng)
{
    wasm_value v = fuzz_zero(t);
    uint64_t r;
    if (!rng || t == WASM_FUNCREF || t == WASM_EXTERNREF)
        return v;
    r = fuzz_rand(rng);
    if (r & 1)
        r = fuzz_interesting[(r >> 1) % (sizeof fuzz_interesting /
                                         sizeof fuzz_interesting[0])];
    if (t == WASM_I32 || t == WASM_F32)
        v.of.i32 = (uint32_t)r;
    else
        v.of.i64 = r;
    return v;
}

/* Calls f with zero arguments (rng NULL) or generated ones; skips
 * functions with v128 parameters (never executed). */
static void fuzz_call(wasm_exec *ex, wasm_func *f, uint64_t *rng)
{
    const wasm_functype *t = wasm_func_type(f);
    wasm_value args[FUZZ_MAX_ARGS];
    if (t->nparams > FUZZ_MAX_ARGS)
        return;
    for (uint32_t i = 0; i < t->nparams; i++) {
        if (t->params[i] == WASM_V128)
            return;
        args[i] = fuzz_arg(t->params[i], rng);
    }
    wasm_exec_set_fuel(ex, FUZZ_FUEL);
    fuzz_check_result(ex, wasm_call(ex, f, args, t->nparams));
}

/* Runs the start function and the exported functions of inst. */
static void fuzz_run(const wasm_runtime *rt, wasm_instance *inst,
                     uint64_t seed)
{
    const wasm_module *m = wasm_instance_module(inst);
    wasm_exec *ex = wasm_exec_new(rt);
    uint32_t nexp = wasm_module_export_count(m), called = 0;
    if (!ex)
        return;
    wasm_exec_set_hook(ex, fuzz_out_of_fuel, NULL);
    if (wasm_instance_start(inst))
        fuzz_call(ex, wasm_instance_start(inst), NULL);
    for (uint32_t i = 0; i < nexp && called < FUZZ_MAX_EXPORTS; i++) {
        wasm_extern_desc d;
        wasm_extern e;
        wasm_module_export(m, i, &d);
        if (d.kind != WASM_EXTERN_FUNC ||
            !wasm_instance_export(inst, d.name, &e) ||
            e.kind != WASM_EXTERN_FUNC)
            continue;
        fuzz_call(ex, e.of.func, NULL);         /* default arguments */
        fuzz_call(ex, e.of.func, &seed);        /* and generated ones */
        called++;
    }
    wasm_exec_free(ex);
}

/* Checks what the API promises about a load or link error. */
static void fuzz_check_error(const wasm_error *err, size_t size)
{
    if (err->kind == WASM_ERR_NONE || err->offset > size ||
        !memchr(err->message, '\0', sizeof err->message) ||
        err->message[0] == '\0')
        abort();
}

/* A nonzero seed that follows the input (FNV-1a), so generated arguments
 * change when the fuzzer mutates the module and replay the same. */
static uint64_t fuzz_seed(const uint8_t *data, size_t size)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 0x100000001b3ull;
    return h ? h : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's entry: one input, start to finish, everything freed. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wasm_allocator a = {fuzz_alloc, fuzz_free, fuzz_resize, NULL};
    wasm_runtime rt;
    wasm_error err;
    fuzz_imports im = {0, NULL, NULL};
    wasm_instance *inst = NULL;
    wasm_module *m;
    wasm_runtime_init(&rt, a);
    rt.max_memory_pages = FUZZ_MAX_PAGES;
    rt.max_table_elems = FUZZ_MAX_TABLE;
    rt.max_call_depth = FUZZ_MAX_DEPTH;
    rt.value_stack_slots = FUZZ_STACK_SLOTS;
    memset(&err, 0, sizeof err);
    if (!(m = wasm_module_load(&rt, data, size, &err))) {
        fuzz_check_error(&err, size);
        return 0;
    }
    if (fuzz_imports_make(&rt, m, &im)) {
        memset(&err, 0, sizeof err);
        inst = wasm_instantiate(&rt, m, im.ext, im.n, &err);
        if (inst)
            fuzz_run(&rt, inst, fuzz_seed(data, size));
        else
            fuzz_check_error(&err, size);
    }
    if (inst)
        wasm_instance_free(inst);
    fuzz_imports_free(&im);
    wasm_module_free(m);
    return 0;
}
