/*
 * probe.c: wasm-probe, a small host driver for the engine's own tests
 * (harness/tests/test_interp_*.py).  Not part of the library: it uses
 * libc and exercises the API paths that wisp-run does not, such as
 * pausing and resuming, interrupts and small runtime limits.
 *
 *   wasm-probe [options] prog.wasm NAME [args...]
 *   wasm-probe --load prog.wasm      decode and validate only: prints
 *                     "loaded: N imports, M exports" (exit 0) or the error
 *     --fuel N          fuel per refill; the hook refills and CONTINUEs
 *     --pause           ... or PAUSEs, and the probe resumes (counted)
 *     --stop-after K    the hook says STOP at its K-th call
 *     --interrupt       wasm_exec_interrupt before the call
 *     --depth N         max_call_depth
 *     --slots N         value_stack_slots
 *     --no-alloc-in-call  the allocator refuses everything once the call
 *                       starts (so the stacks cannot grow)
 *     --raw             the imports are raw host functions (wasm.h), as
 *                       the kernel's are
 *
 * Every function import is a host function: "env.exit" exits with its
 * first argument, "env.trap" traps ("host trap"), anything else returns
 * the sum of its integer arguments as its first result.  Output lines: "result <type> <value>" per result,
 * "trap: <message> in func N", "exit N", "pauses N", "hook-calls N".
 * Exit status: 0 done, 3 trap, 4 exit, 2 load/link error ("<kind> at
 * offset N: <message>").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_alloc.h"
#include "wasm.h"

/* --no-alloc-in-call: set just before the call. */
static bool deny_alloc;

/* The host allocator, unless deny_alloc. */
static void *probe_alloc(void *ctx, size_t bytes)
{
    return deny_alloc ? NULL : host_alloc(ctx, bytes);
}

typedef struct {
    uint64_t fuel;
    int pause, stop_after, calls;
} probe_hook;

/* The fuel hook: refills, then continues, pauses or stops. */
static wasm_hook_action hook(wasm_exec *ex, void *ctx)
{
    probe_hook *h = ctx;
    h->calls++;
    if (h->stop_after && h->calls >= h->stop_after)
        return WASM_HOOK_STOP;
    wasm_exec_set_fuel(ex, h->fuel);
    return h->pause ? WASM_HOOK_PAUSE : WASM_HOOK_CONTINUE;
}

/* The env of env.trap's host function (env.exit's is NULL; any other
 * import's, a copy of its type). */
static const wasm_functype trap_env;

/* host_trap: env.trap's outcome, raw or not. */
static wasm_status host_trap(wasm_host_call *call)
{
    call->trap_message = "host trap";
    return WASM_TRAPPED;
}

/* Host import: env.exit exits, env.trap traps, others sum their integer
 * arguments. */
static wasm_status host(wasm_host_call *call)
{
    const wasm_functype *ft = call->env;
    if (ft == NULL) {
        call->exit_code = (int32_t)call->args[0].of.i32;
        return WASM_EXITED;
    }
    if (ft == &trap_env)
        return host_trap(call);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < ft->nparams; i++)
        sum += call->args[i].type == WASM_I32 ? call->args[i].of.i32
                                              : call->args[i].of.i64;
    if (ft->nresults)
        call->results[0].of.i64 = call->results[0].type == WASM_I32
                                      ? (uint32_t)sum : sum;
    return WASM_OK;
}

/* The same as a raw host function (--raw): the arguments and the result
 * in the interpreter's slots. */
static wasm_status host_raw(wasm_host_call *call)
{
    const wasm_functype *ft = call->env;
    if (ft == NULL) {
        call->exit_code = (int32_t)call->slots[0];
        return WASM_EXITED;
    }
    if (ft == &trap_env)
        return host_trap(call);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < ft->nparams; i++)
        sum += ft->params[i] == WASM_I32 ? (uint32_t)call->slots[i]
                                         : call->slots[i];
    if (ft->nresults)
        call->slots[0] = ft->results[0] == WASM_I32 ? (uint32_t)sum : sum;
    return WASM_OK;
}

/* Reads a whole file; exits on error. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap && !(buf = realloc(buf, cap = cap * 2 + 4096)))
            exit(2);
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

static const char *kinds[] = { "ok", "malformed", "invalid", "unlinkable",
                               "uninstantiable", "nomem" };

/* Host functions for every function import (other kinds: link error),
 * raw ones if raw. */
static wasm_extern *make_imports(const wasm_runtime *rt, const wasm_module *m,
                                 bool raw)
{
    uint32_t n = wasm_module_import_count(m);
    wasm_extern *ims = calloc(n + 1, sizeof *ims);
    for (uint32_t i = 0; i < n; i++) {
        wasm_extern_desc d;
        wasm_module_import(m, i, &d);
        ims[i].kind = d.kind;
        if (d.kind != WASM_EXTERN_FUNC)
            continue;
        const wasm_functype *ft = &d.func;
        wasm_functype *copy = malloc(sizeof *copy);
        *copy = *ft;
        bool env = !strcmp(d.module, "env");
        void *ctx = env && !strcmp(d.name, "exit") ? NULL
                  : env && !strcmp(d.name, "trap") ? (void *)&trap_env
                                                   : copy;
        ims[i].of.func = raw ? wasm_func_new_host_raw(rt, ft, host_raw, ctx)
                             : wasm_func_new_host(rt, ft, host, ctx);
    }
    return ims;
}

/* Parses argument text as a value of type t. */
static wasm_value parse_arg(wasm_valtype t, const char *s)
{
    wasm_value v = { .type = t };
    if (t == WASM_F32) {
        float f = strtof(s, NULL);
        memcpy(&v.of.f32, &f, 4);
    } else if (t == WASM_F64) {
        double d = strtod(s, NULL);
        memcpy(&v.of.f64, &d, 8);
    } else if (t == WASM_I32) {
        v.of.i32 = (uint32_t)strtoll(s, NULL, 0);
    } else {
        v.of.i64 = (uint64_t)strtoll(s, NULL, 0);
    }
    return v;
}

/* Prints the results or the outcome; returns the exit status. */
static int report(wasm_exec *ex, wasm_result r, const wasm_module *m)
{
    if (r.status == WASM_TRAPPED) {
        const char *name = wasm_module_func_name(m, r.func_index);
        printf("trap: %s in func %u%s%s\n", r.message, r.func_index,
               name ? " " : "", name ? name : "");
        wasm_func *bt[4];
        uint32_t n = wasm_exec_backtrace(ex, bt, 4);
        printf("backtrace %u:", n);
        for (uint32_t i = 0; i < n && i < 4; i++)
            printf(" %u", wasm_func_index(bt[i]));
        printf("\n");
        return 3;
    }
    if (r.status == WASM_EXITED) {
        printf("exit %d\n", r.exit_code);
        return 4;
    }
    wasm_value out[16];
    uint32_t n = wasm_exec_results(ex, out, 16);
    for (uint32_t i = 0; i < n && i < 16; i++) {
        if (out[i].type == WASM_I32)
            printf("result i32 %" PRId32 "\n", (int32_t)out[i].of.i32);
        else if (out[i].type == WASM_I64)
            printf("result i64 %" PRId64 "\n", (int64_t)out[i].of.i64);
        else
            printf("result bits 0x%" PRIx64 "\n", out[i].of.i64);
    }
    return 0;
}

/* --load: decodes and validates the module at path, nothing more (no
 * linking, no instantiation: no code of the engine that runs a module);
 * returns the exit status. */
static int load_only(const wasm_runtime *rt, const char *path)
{
    size_t len;
    uint8_t *bytes = slurp(path, &len);
    wasm_error err;
    wasm_module *m = wasm_module_load(rt, bytes, len, &err);
    free(bytes);
    if (!m) {
        printf("%s at offset %u: %s\n", kinds[err.kind], err.offset,
               err.message);
        return 2;
    }
    printf("loaded: %u imports, %u exports\n", wasm_module_import_count(m),
           wasm_module_export_count(m));
    wasm_module_free(m);
    return 0;
}

/* Loads, links and calls as the options say (see the top). */
int main(int argc, char **argv)
{
    probe_hook h = { 0 };
    wasm_runtime rt;
    wasm_allocator a = host_allocator();
    bool interrupt = false, no_alloc_in_call = false, load = false;
    bool raw = false;
    a.alloc = probe_alloc;
    wasm_runtime_init(&rt, a);
    int i = 1;
    for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
        if (!strcmp(argv[i], "--pause")) h.pause = 1;
        else if (!strcmp(argv[i], "--interrupt")) interrupt = true;
        else if (!strcmp(argv[i], "--no-alloc-in-call")) no_alloc_in_call = true;
        else if (!strcmp(argv[i], "--load")) load = true;
        else if (!strcmp(argv[i], "--raw")) raw = true;
        else if (i + 1 >= argc) break;
        else if (!strcmp(argv[i], "--fuel")) h.fuel = strtoull(argv[++i], 0, 0);
        else if (!strcmp(argv[i], "--stop-after")) h.stop_after = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--depth")) rt.max_call_depth = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--slots")) rt.value_stack_slots = atoi(argv[++i]);
    }
    if (load && argc - i == 1)
        return load_only(&rt, argv[i]);
    if (argc - i < 2 || load) {
        fprintf(stderr, "usage: wasm-probe [options] prog.wasm NAME [args...]\n"
                        "       wasm-probe --load prog.wasm\n");
        return 2;
    }
    size_t len;
    uint8_t *bytes = slurp(argv[i], &len);
    wasm_error err;
    wasm_module *m = wasm_module_load(&rt, bytes, len, &err);
    wasm_instance *inst = NULL;
    if (m)
        inst = wasm_instantiate(&rt, m, make_imports(&rt, m, raw),
                                wasm_module_import_count(m), &err);
    if (!inst) {
        printf("%s at offset %u: %s\n", kinds[err.kind], err.offset,
               err.message);
        return 2;
    }
    wasm_extern fx;
    if (!wasm_instance_export(inst, argv[i + 1], &fx) ||
        fx.kind != WASM_EXTERN_FUNC) {
        printf("no function export %s\n", argv[i + 1]);
        return 2;
    }
    const wasm_functype *ft = wasm_func_type(fx.of.func);
    wasm_value args[64];
    uint32_t nargs = 0;
    for (int k = i + 2; k < argc && nargs < 64 && nargs < ft->nparams; k++)
        args[nargs] = parse_arg(ft->params[nargs], argv[k]), nargs++;
    wasm_exec *ex = wasm_exec_new(&rt);
    if (h.fuel || h.stop_after) {
        wasm_exec_set_hook(ex, hook, &h);
        wasm_exec_set_fuel(ex, h.fuel);
    }
    if (interrupt)
        wasm_exec_interrupt(ex);
    deny_alloc = no_alloc_in_call;
    wasm_result r = wasm_call(ex, fx.of.func, args, nargs);
    int pauses = 0;
    while (r.status == WASM_PAUSED) {
        pauses++;
        r = wasm_resume(ex);
    }
    int status = report(ex, r, m);
    printf("pauses %d\nhook-calls %d\n", pauses, h.calls);
    return status;
}
