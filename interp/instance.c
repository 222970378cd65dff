/*
 * instance.c: runtime objects (functions, memories, tables, globals) and
 * instantiation: linking imports, creating what the module defines,
 * running the active segments (spec 4.5.4).  Also the bulk memory and
 * table operations, which share the segment bookkeeping.
 */
#include "wasm_int.h"
#include "ops.h"

/* Structural equality of function types. */
bool wl_functype_eq(const wasm_functype *a, const wasm_functype *b)
{
    if (a == b)
        return true;
    if (a->nparams != b->nparams || a->nresults != b->nresults)
        return false;
    for (uint32_t i = 0; i < a->nparams; i++)
        if (a->params[i] != b->params[i])
            return false;
    for (uint32_t i = 0; i < a->nresults; i++)
        if (a->results[i] != b->results[i])
            return false;
    return true;
}

/* ---- host functions ------------------------------------------------------- */

/* A host function; its type is copied into the same block. */
wasm_func *wasm_func_new_host(const wasm_runtime *rt, const wasm_functype *type,
                              wasm_host_fn fn, void *env)
{
    if (type->nparams > WL_MAX_PARAMS || type->nresults > WL_MAX_PARAMS)
        return NULL;
    size_t n = (size_t)type->nparams + type->nresults;
    size_t bytes = sizeof(wasm_func) + sizeof(wasm_functype) +
                   n * sizeof(wasm_valtype);
    wasm_func *f = wl_alloc(rt, bytes);
    if (!f)
        return NULL;
    wasm_functype *ft = (wasm_functype *)(f + 1);
    wasm_valtype *v = (wasm_valtype *)(ft + 1);
    memcpy(v, type->params, type->nparams * sizeof *v);
    memcpy(v + type->nparams, type->results, type->nresults * sizeof *v);
    ft->nparams = type->nparams;
    ft->nresults = type->nresults;
    ft->params = v;
    ft->results = v + type->nparams;
    f->type = ft;
    f->host = fn;
    f->env = env;
    f->rt = rt;
    f->raw = false;
    return f;
}

/* A raw host function (wasm.h): one that reads and writes the slots. */
wasm_func *wasm_func_new_host_raw(const wasm_runtime *rt,
                                  const wasm_functype *type,
                                  wasm_host_fn fn, void *env)
{
    wasm_func *f = wasm_func_new_host(rt, type, fn, env);
    if (f)
        f->raw = true;
    return f;
}

/* Frees a host function (functions of instances are not freed here). */
void wasm_func_free(wasm_func *f)
{
    if (!f || !f->host)
        return;
    size_t n = (size_t)f->type->nparams + f->type->nresults;
    wl_free(f->rt, f, sizeof(wasm_func) + sizeof(wasm_functype) +
                      n * sizeof(wasm_valtype));
}

/* The function's type (canonical within its module for Wasm functions). */
const wasm_functype *wasm_func_type(const wasm_func *f)
{
    return f->type;
}

/* The function's index in its module (0 for host functions). */
uint32_t wasm_func_index(const wasm_func *f)
{
    return f->index;
}

/* The module of a Wasm function, or NULL for a host function. */
const wasm_module *wasm_func_module(const wasm_func *f)
{
    return f->inst ? f->inst->mod : NULL;
}

/* ---- memories ---------------------------------------------------------------- */

/* A memory of limits.min pages, or NULL (no memory, or over the
 * runtime's page cap). */
wasm_memory *wasm_memory_new(const wasm_runtime *rt, wasm_limits limits)
{
    if (limits.min > rt->max_memory_pages || limits.min > WL_MAX_PAGES)
        return NULL;
    wasm_memory *mem = wl_alloc(rt, sizeof *mem);
    if (!mem)
        return NULL;
    mem->rt = rt;
    mem->limits = limits;
    mem->pages = limits.min;
    mem->size = (uint64_t)limits.min * WL_PAGE;
    if (mem->size) {
        mem->data = rt->alloc.mem_resize(rt->alloc.ctx, NULL, 0, mem->size);
        if (!mem->data) {
            wl_free(rt, mem, sizeof *mem);
            return NULL;
        }
    }
    return mem;
}

/* Frees a memory and its storage. */
void wasm_memory_free(wasm_memory *mem)
{
    if (!mem)
        return;
    const wasm_runtime *rt = mem->rt;
    if (mem->data) {
        void *rest = rt->alloc.mem_resize(rt->alloc.ctx, mem->data,
                                          mem->size, 0);
        if (rest)
            rt->alloc.free(rt->alloc.ctx, rest, 0);
    }
    wl_free(rt, mem, sizeof *mem);
}

/* [offset, offset+len) inside the memory, checked in 64 bits. */
void *wasm_memory_ptr(const wasm_memory *mem, uint64_t offset, uint64_t len)
{
    if (offset > mem->size || len > mem->size - offset)
        return NULL;
    return mem->data + offset;
}

/* memory.grow: the old size in pages, or -1 past the max or on no memory. */
int32_t wl_memory_grow(wasm_memory *mem, uint32_t delta)
{
    uint64_t pages = (uint64_t)mem->pages + delta;
    uint32_t old = mem->pages;
    if (pages > WL_MAX_PAGES || pages > mem->rt->max_memory_pages ||
        (mem->limits.has_max && pages > mem->limits.max))
        return -1;
    if (delta == 0)
        return (int32_t)old;
    const wasm_runtime *rt = mem->rt;
    uint8_t *d = rt->alloc.mem_resize(rt->alloc.ctx, mem->data, mem->size,
                                      pages * WL_PAGE);
    if (!d)
        return -1;
    mem->data = d;
    mem->pages = (uint32_t)pages;
    mem->size = pages * WL_PAGE;
    return (int32_t)old;
}

/* ---- tables ------------------------------------------------------------------ */

/* A table of limits.min elements, all `init`. */
wasm_table *wasm_table_new(const wasm_runtime *rt, wasm_valtype elem_type,
                           wasm_limits limits, wasm_ref init)
{
    if (limits.min > rt->max_table_elems)
        return NULL;
    wasm_table *t = wl_alloc(rt, sizeof *t);
    if (!t)
        return NULL;
    t->rt = rt;
    t->elem_type = (uint8_t)elem_type;
    t->limits = limits;
    t->size = limits.min;
    t->elems = wl_alloc(rt, (size_t)t->size * sizeof(wasm_ref));
    if (!t->elems) {
        wl_free(rt, t, sizeof *t);
        return NULL;
    }
    for (uint32_t i = 0; i < t->size; i++)
        t->elems[i] = init;
    return t;
}

/* Frees a table and its elements. */
void wasm_table_free(wasm_table *t)
{
    if (!t)
        return;
    wl_free(t->rt, t->elems, (size_t)t->size * sizeof(wasm_ref));
    wl_free(t->rt, t, sizeof *t);
}

/* table.grow: the old size, or -1 past the max or on no memory. */
int32_t wl_table_grow(wasm_table *t, uint32_t delta, wasm_ref init)
{
    uint64_t n = (uint64_t)t->size + delta;
    uint32_t old = t->size;
    if (n > t->rt->max_table_elems || n > UINT32_MAX ||
        (t->limits.has_max && n > t->limits.max))
        return -1;
    if (delta == 0)
        return (int32_t)old;
    wasm_ref *e = wl_alloc(t->rt, (size_t)n * sizeof(wasm_ref));
    if (!e)
        return -1;
    memcpy(e, t->elems, (size_t)old * sizeof(wasm_ref));
    for (uint64_t i = old; i < n; i++)
        e[i] = init;
    wl_free(t->rt, t->elems, (size_t)old * sizeof(wasm_ref));
    t->elems = e;
    t->size = (uint32_t)n;
    return (int32_t)old;
}

/* ---- globals ----------------------------------------------------------------- */

wasm_global *wasm_global_new(const wasm_runtime *rt, wasm_value init,
                             bool mutable_)
{
    wasm_global *g = wl_alloc(rt, sizeof *g);
    if (!g)
        return NULL;
    g->rt = rt;
    g->type = (uint8_t)init.type;
    g->mut = mutable_;
    g->bits = wl_value_bits(&init);
    return g;
}

/* Frees a global made by wasm_global_new or an instance. */
void wasm_global_free(wasm_global *g)
{
    if (g)
        wl_free(g->rt, g, sizeof *g);
}

/* The global's current value. */
wasm_value wasm_global_get(const wasm_global *g)
{
    return wl_bits_value((wasm_valtype)g->type, g->bits);
}
