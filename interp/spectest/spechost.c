/*
 * spechost.c: the host side of the spec-test runner.
 *
 * The embedder the engine sees: a malloc-backed allocator, the default
 * limits, a fuel hook, and the `spectest` module every script may import
 * from (print functions, four globals, a table, a memory).  Imports are
 * resolved by (module, name) through a registry of named instances that
 * `register` commands fill; the newest registration of a name wins.
 */
#define _POSIX_C_SOURCE 200809L
#include "spectest.h"
#include "../host/host_alloc.h"

#include <stdlib.h>
#include <string.h>

/* The fuel hook: a call that used SPEC_FUEL safe points is a runaway
 * (the engine then traps "stopped by embedder"). */
static wasm_hook_action host_hook(wasm_exec *exec, void *ctx)
{
    (void)exec;
    (void)ctx;
    return WASM_HOOK_STOP;
}

/* ---- the spectest module ----------------------------------------------- */

static const wasm_valtype t_i32[] = { WASM_I32 };
static const wasm_valtype t_i64[] = { WASM_I64 };
static const wasm_valtype t_f32[] = { WASM_F32 };
static const wasm_valtype t_f64[] = { WASM_F64 };
static const wasm_valtype t_i32_f32[] = { WASM_I32, WASM_F32 };
static const wasm_valtype t_f64_f64[] = { WASM_F64, WASM_F64 };

static const struct {
    const char *name;
    wasm_functype type;
} host_prints[7] = {
    { "print", { 0, 0, NULL, NULL } },
    { "print_i32", { 1, 0, t_i32, NULL } },
    { "print_i64", { 1, 0, t_i64, NULL } },
    { "print_f32", { 1, 0, t_f32, NULL } },
    { "print_f64", { 1, 0, t_f64, NULL } },
    { "print_i32_f32", { 2, 0, t_i32_f32, NULL } },
    { "print_f64_f64", { 2, 0, t_f64_f64, NULL } },
};

static const struct {
    const char *name;
    wasm_value init;
} host_globals[4] = {
    { "global_i32", { WASM_I32, { .i32 = 666 } } },
    { "global_i64", { WASM_I64, { .i64 = 666 } } },
    /* 666.6 as binary32 and binary64 bits */
    { "global_f32", { WASM_F32, { .f32 = 0x4426a666u } } },
    { "global_f64", { WASM_F64, { .f64 = 0x4084d4cccccccccdull } } },
};

/* The print functions: print their arguments under -v, else nothing. */
static wasm_status host_print(wasm_host_call *call)
{
    const wasm_functype *t = call->env;
    if (t == NULL)
        return WASM_OK;
    for (uint32_t i = 0; i < t->nparams; i++) {
        char buf[64];
        spec_format_value(buf, sizeof(buf), &call->args[i]);
        printf("%s%s", i ? " " : "spectest print: ", buf);
    }
    printf("%s\n", t->nparams ? "" : "spectest print");
    return WASM_OK;
}

/* Creates the spectest objects; false when out of memory. */
static bool host_module_init(spec_world *w)
{
    for (int i = 0; i < 7; i++) {
        const wasm_functype *t = &host_prints[i].type;
        w->print[i] = wasm_func_new_host(&w->rt, t, host_print,
                                         w->verbose ? (void *)t : NULL);
        if (w->print[i] == NULL)
            return false;
    }
    for (int i = 0; i < 4; i++) {
        w->globals[i] = wasm_global_new(&w->rt, host_globals[i].init, false);
        if (w->globals[i] == NULL)
            return false;
    }
    w->table = wasm_table_new(&w->rt, WASM_FUNCREF,
                              (wasm_limits){ 10, 20, true }, WASM_NULL_REF);
    w->memory = wasm_memory_new(&w->rt, (wasm_limits){ 1, 2, true });
    return w->table != NULL && w->memory != NULL;
}

/* Looks `name` up in the spectest module; false if it has no such export. */
static bool host_export(const spec_world *w, const char *name, wasm_extern *out)
{
    for (int i = 0; i < 7; i++)
        if (strcmp(name, host_prints[i].name) == 0) {
            *out = (wasm_extern){ WASM_EXTERN_FUNC, { .func = w->print[i] } };
            return true;
        }
    for (int i = 0; i < 4; i++)
        if (strcmp(name, host_globals[i].name) == 0) {
            *out = (wasm_extern){ WASM_EXTERN_GLOBAL,
                                  { .global = w->globals[i] } };
            return true;
        }
    if (strcmp(name, "table") == 0) {
        *out = (wasm_extern){ WASM_EXTERN_TABLE, { .table = w->table } };
        return true;
    }
    if (strcmp(name, "memory") == 0) {
        *out = (wasm_extern){ WASM_EXTERN_MEMORY, { .memory = w->memory } };
        return true;
    }
    return false;
}

/* ---- the world --------------------------------------------------------- */

/* See spectest.h. */
bool spec_world_init(spec_world *w, bool verbose)
{
    memset(w, 0, sizeof(*w));
    w->verbose = verbose;
    wasm_runtime_init(&w->rt, host_allocator());
    w->exec = wasm_exec_new(&w->rt);
    if (w->exec == NULL || !host_module_init(w)) {
        fprintf(stderr, "spectest: out of memory creating the host module\n");
        return false;
    }
    wasm_exec_set_hook(w->exec, host_hook, NULL);
    return spec_register(w, "spectest", 8, NULL);
}

/* See spectest.h.  Instances go before modules and before the host
 * objects they may import. */
void spec_world_free(spec_world *w)
{
    for (uint32_t i = w->nmods; i-- > 0;)
        if (w->mods[i].inst != NULL)
            wasm_instance_free(w->mods[i].inst);
    for (uint32_t i = w->nmods; i-- > 0;)
        wasm_module_free(w->mods[i].module);
    for (int i = 0; i < 7; i++)
        if (w->print[i] != NULL)
            wasm_func_free(w->print[i]);
    for (int i = 0; i < 4; i++)
        if (w->globals[i] != NULL)
            wasm_global_free(w->globals[i]);
    if (w->table != NULL)
        wasm_table_free(w->table);
    if (w->memory != NULL)
        wasm_memory_free(w->memory);
    if (w->exec != NULL)
        wasm_exec_free(w->exec);
    memset(w, 0, sizeof(*w));
}

/* See spectest.h. */
bool spec_register(spec_world *w, const char *name, size_t len,
                   wasm_instance *inst)
{
    if (w->nreg == SPEC_MAX_REGISTER)
        return false;
    w->reg[w->nreg++] = (spec_reg){ name, len, inst };
    return true;
}

/* Finds the newest registration of module name `mod`; NULL if none. */
static const spec_reg *find_reg(const spec_world *w, const char *mod)
{
    size_t len = strlen(mod);
    for (uint32_t i = w->nreg; i-- > 0;)
        if (w->reg[i].namelen == len && memcmp(w->reg[i].name, mod, len) == 0)
            return &w->reg[i];
    return NULL;
}

/* See spectest.h.  Only the names are resolved here: whether the kind and
 * type fit is the engine's check (wasm_instantiate). */
bool spec_resolve(spec_world *w, const wasm_module *m, wasm_extern *imports,
                  uint32_t max, char *why, size_t whylen)
{
    uint32_t n = wasm_module_import_count(m);
    if (n > max) {
        snprintf(why, whylen, "too many imports for the runner (%u)", n);
        return false;
    }
    for (uint32_t i = 0; i < n; i++) {
        wasm_extern_desc d;
        wasm_module_import(m, i, &d);
        const spec_reg *r = find_reg(w, d.module);
        bool found = r != NULL && (r->inst == NULL
                                       ? host_export(w, d.name, &imports[i])
                                       : wasm_instance_export(r->inst, d.name,
                                                              &imports[i]));
        if (!found) {
            snprintf(why, whylen, "unknown import: %s.%s", d.module, d.name);
            return false;
        }
    }
    return true;
}
