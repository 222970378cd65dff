/*
 * link.c: instantiation (spec 4.5.4): checks each import against what
 * the module declares, creates the defined functions, tables, memories
 * and globals, and applies the active segments in order.  Also the bulk
 * memory and table instructions, which need the instance's segments.
 */
#include "wasm_int.h"
#include "ops.h"

/* A link error naming the import: "<msg>: module.name". */
static bool link_error(wasm_error *err, const wl_import *im, const char *msg)
{
    char who[120];
    size_t n = 0;
    for (const char *s = im->module; *s && n < 58; s++)
        who[n++] = *s;
    who[n++] = '.';
    for (const char *s = im->name; *s && n < 117; s++)
        who[n++] = *s;
    who[n] = 0;
    wl_error2(err, WASM_ERR_LINK, 0, msg, ": ", who);
    return false;
}

/* Limits subtyping (spec 4.5.2): `have` (the actual object) fits `want`. */
static bool limits_match(uint32_t size, wasm_limits have, wasm_limits want)
{
    if (size < want.min)
        return false;
    if (!want.has_max)
        return true;
    return have.has_max && have.max <= want.max;
}

/* True if the external matches import im of module m. */
static bool import_matches(const wasm_module *m, const wl_import *im,
                           const wasm_extern *ex)
{
    switch (im->kind) {
    case WASM_EXTERN_FUNC:
        return wl_functype_eq(ex->of.func->type, &m->types[im->index].ft);
    case WASM_EXTERN_TABLE: {
        const wl_table *t = &m->tables[im->index];
        const wasm_table *have = ex->of.table;
        return have->elem_type == t->elem_type &&
               limits_match(have->size, have->limits, t->limits);
    }
    case WASM_EXTERN_MEMORY: {
        const wasm_memory *have = ex->of.memory;
        return limits_match(have->pages, have->limits, m->mems[im->index]);
    }
    default: {
        const wl_global *g = &m->globals[im->index];
        return ex->of.global->type == g->type && ex->of.global->mut == g->mut;
    }
    }
}

/* Puts the imports into the instance's index spaces. */
static bool link_imports(wasm_instance *inst, const wasm_extern *imports,
                         uint32_t n, wasm_error *err)
{
    const wasm_module *m = inst->mod;
    uint32_t nf = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wl_import *im = &m->imports[i];
        const wasm_extern *ex = i < n ? &imports[i] : NULL;
        if (!ex || !ex->of.func)
            return link_error(err, im, "unknown import");
        if (ex->kind != im->kind || !import_matches(m, im, ex))
            return link_error(err, im, "incompatible import type");
        switch (im->kind) {
        case WASM_EXTERN_FUNC: inst->funcs[nf++] = ex->of.func; break;
        case WASM_EXTERN_TABLE: inst->tables[im->index] = ex->of.table; break;
        case WASM_EXTERN_MEMORY: inst->mems[im->index] = ex->of.memory; break;
        default: inst->globals[im->index] = ex->of.global; break;
        }
    }
    return true;
}

/* The value of a constant expression in a (partly built) instance. */
static uint64_t eval_const(const wasm_instance *inst, const wl_const *c)
{
    switch (c->kind) {
    case CE_GLOBAL: return inst->globals[c->index]->bits;
    case CE_FUNC: return (uint64_t)(uintptr_t)inst->funcs[c->index];
    default: return c->bits;
    }
}

/* bytes rounded up to the arena's 8-byte pieces. */
static size_t r8(size_t bytes)
{
    return (bytes + 7) & ~(size_t)7;
}

/* The arena bytes an instance of m takes: the instance itself, the
 * arrays of alloc_arrays and the items of eval_elems (keep the three in
 * step; a miss costs a WL_ARENA_BLOCK, never correctness). */
static size_t instance_bytes(const wasm_module *m)
{
    size_t n = r8(sizeof(wasm_instance)) +
               r8((m->nfuncs + (size_t)1) * sizeof(wasm_func *)) +
               r8((m->nfuncs + (size_t)1) * sizeof(wasm_func)) +
               r8((m->ntables + (size_t)1) * sizeof(void *)) +
               r8((m->nmems + (size_t)1) * sizeof(void *)) +
               r8((m->nglobals + (size_t)1) * sizeof(void *)) +
               r8((m->nelems + (size_t)1) * sizeof(void *)) +
               r8((m->nelems + (size_t)1) * sizeof(uint32_t)) +
               r8(m->ndatas + (size_t)1);
    for (uint32_t i = 0; i < m->nelems; i++)
        n += r8((m->elems[i].count + (size_t)1) * sizeof(wasm_ref));
    return n;
}

/* Arena arrays of the instance; false when out of memory. */
static bool alloc_arrays(wasm_instance *inst)
{
    const wasm_module *m = inst->mod;
    wl_arena *a = &inst->arena;
    inst->funcs = wl_arena_alloc(a, (m->nfuncs + 1) * sizeof(wasm_func *));
    inst->own_funcs = wl_arena_alloc(a, (m->nfuncs + 1) * sizeof(wasm_func));
    inst->tables = wl_arena_alloc(a, (m->ntables + 1) * sizeof(void *));
    inst->mems = wl_arena_alloc(a, (m->nmems + 1) * sizeof(void *));
    inst->globals = wl_arena_alloc(a, (m->nglobals + 1) * sizeof(void *));
    inst->elem_items = wl_arena_alloc(a, (m->nelems + 1) * sizeof(void *));
    inst->elem_len = wl_arena_alloc(a, (m->nelems + 1) * sizeof(uint32_t));
    inst->data_dropped = wl_arena_alloc(a, m->ndatas + 1);
    return inst->funcs && inst->own_funcs && inst->tables && inst->mems &&
           inst->globals && inst->elem_items && inst->elem_len &&
           inst->data_dropped;
}

/* Whether every table and memory m defines fits the runtime's limits
 * (else WASM_ERR_LIMIT: a limit of the embedder, not a lack of memory). */
static bool within_limits(const wasm_module *m, const wasm_runtime *rt,
                          wasm_error *err)
{
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
        if (m->tables[i].limits.min > rt->max_table_elems) {
            wl_error(err, WASM_ERR_LIMIT, 0,
                     "table larger than the limit (max_table_elems)");
            return false;
        }
    for (uint32_t i = m->nmem_imports; i < m->nmems; i++)
        if (m->mems[i].min > rt->max_memory_pages) {
            wl_error(err, WASM_ERR_LIMIT, 0,
                     "memory larger than the limit (max_memory_pages)");
            return false;
        }
    return true;
}

/* Creates the defined functions, tables, memories and globals. */
static bool create_defined(wasm_instance *inst, wasm_error *err)
{
    const wasm_module *m = inst->mod;
    const wasm_runtime *rt = inst->rt;
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        wasm_func *f = &inst->own_funcs[i];
        f->type = &m->types[m->types[m->func_types[i]].canon].ft;
        f->inst = inst;
        f->code = &m->codes[i - m->nfunc_imports];
        f->index = i;
        inst->funcs[i] = f;
    }
    if (!within_limits(m, rt, err))
        return false;
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
        if (!(inst->tables[i] = wasm_table_new(rt,
                (wasm_valtype)m->tables[i].elem_type, m->tables[i].limits,
                WASM_NULL_REF)))
            goto nomem;
    for (uint32_t i = m->nmem_imports; i < m->nmems; i++)
        if (!(inst->mems[i] = wasm_memory_new(rt, m->mems[i])))
            goto nomem;
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        wasm_global *g = wl_alloc(rt, sizeof *g);
        if (!(inst->globals[i] = g))
            goto nomem;
        g->rt = rt;
        g->type = m->globals[i].type;
        g->mut = m->globals[i].mut;
        g->bits = eval_const(inst, &m->globals[i].init);
    }
    inst->mem0 = m->nmems ? inst->mems[0] : NULL;
    return true;
nomem:
    wl_error(err, WASM_ERR_NOMEM, 0, "out of memory");
    return false;
}

/* Evaluates the items of every element segment. */
static bool eval_elems(wasm_instance *inst, wasm_error *err)
{
    const wasm_module *m = inst->mod;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wl_elem *e = &m->elems[i];
        wasm_ref *refs = wl_arena_alloc(&inst->arena,
                                        (e->count + 1) * sizeof(wasm_ref));
        if (!refs) {
            wl_error(err, WASM_ERR_NOMEM, 0, "out of memory");
            return false;
        }
        for (uint32_t k = 0; k < e->count; k++)
            refs[k] = (wasm_ref)eval_const(inst, &e->items[k]);
        inst->elem_items[i] = refs;
        inst->elem_len[i] = e->mode == SEG_DECLARATIVE ? 0 : e->count;
    }
    return true;
}

/* table.init semantics: copies n refs of segment e from s to table t at d. */
static wasm_trap table_init(wasm_instance *inst, wasm_table *t, uint32_t e,
                            uint64_t d, uint64_t s, uint64_t n)
{
    if (s + n > inst->elem_len[e] || d + n > t->size)
        return WASM_TRAP_TABLE_OOB;
    memcpy(t->elems + d, inst->elem_items[e] + s, n * sizeof(wasm_ref));
    return WASM_TRAP_NONE;
}

/* memory.init semantics for data segment x. */
static wasm_trap memory_init(wasm_instance *inst, uint32_t x, uint64_t d,
                             uint64_t s, uint64_t n)
{
    const wl_data *seg = &inst->mod->datas[x];
    uint64_t len = inst->data_dropped[x] ? 0 : seg->len;
    wasm_memory *mem = inst->mem0;
    if (s + n > len || !mem || d + n > mem->size)
        return WASM_TRAP_MEMORY_OOB;
    if (n)
        memcpy(mem->data + d, seg->bytes + s, n);
    return WASM_TRAP_NONE;
}

/* Applies the active segments in order, then drops them (spec 4.5.4). */
static bool run_segments(wasm_instance *inst, wasm_error *err)
{
    const wasm_module *m = inst->mod;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wl_elem *e = &m->elems[i];
        if (e->mode != SEG_ACTIVE)
            continue;
        uint32_t off = (uint32_t)eval_const(inst, &e->offset);
        wasm_trap t = table_init(inst, inst->tables[e->table], i, off, 0,
                                 e->count);
        inst->elem_len[i] = 0;
        if (t != WASM_TRAP_NONE) {
            wl_error(err, WASM_ERR_TRAP, 0, wasm_trap_message(t));
            return false;
        }
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const wl_data *d = &m->datas[i];
        if (d->mode != SEG_ACTIVE)
            continue;
        uint32_t off = (uint32_t)eval_const(inst, &d->offset);
        wasm_trap t = memory_init(inst, i, off, 0, d->len);
        inst->data_dropped[i] = true;
        if (t != WASM_TRAP_NONE) {
            wl_error(err, WASM_ERR_TRAP, 0, wasm_trap_message(t));
            return false;
        }
    }
    return true;
}

/* Links, creates and initialises an instance (see wasm.h). */
wasm_instance *wasm_instantiate(const wasm_runtime *rt, const wasm_module *m,
                                const wasm_extern *imports, uint32_t nimports,
                                wasm_error *err)
{
    wasm_error scratch;
    err = wl_error_init(err, &scratch);
    wl_arena arena;
    wasm_instance *inst = NULL;
    if (wl_arena_init_exact(&arena, rt, instance_bytes(m)))
        inst = wl_arena_alloc(&arena, sizeof *inst);
    if (!inst) {
        wl_error(err, WASM_ERR_NOMEM, 0, "out of memory");
        return NULL;
    }
    inst->rt = rt;
    inst->mod = m;
    inst->arena = arena;
    if (!alloc_arrays(inst)) {
        wl_error(err, WASM_ERR_NOMEM, 0, "out of memory");
    } else if (link_imports(inst, imports, nimports, err) &&
               create_defined(inst, err) && eval_elems(inst, err)) {
        if (run_segments(inst, err))
            return inst;
        /* A trap in a segment: earlier segments may have put this
         * instance's functions into an imported table, where the spec
         * keeps them callable.  The module owns the instance from now. */
        wasm_module *mm = (wasm_module *)m;
        inst->next_zombie = mm->zombies;
        mm->zombies = inst;
        return NULL;
    }
    wasm_instance_free(inst);
    return NULL;
}

/* Frees what the instance created (never its imports). */
void wasm_instance_free(wasm_instance *inst)
{
    if (!inst)
        return;
    const wasm_module *m = inst->mod;
    for (uint32_t i = m->ntable_imports; inst->tables && i < m->ntables; i++)
        wasm_table_free(inst->tables[i]);
    for (uint32_t i = m->nmem_imports; inst->mems && i < m->nmems; i++)
        wasm_memory_free(inst->mems[i]);
    for (uint32_t i = m->nglobal_imports; inst->globals && i < m->nglobals; i++)
        wasm_global_free(inst->globals[i]);
    wl_arena arena = inst->arena;
    wl_arena_free(&arena);
}

/* The module's start function in this instance, or NULL. */
wasm_func *wasm_instance_start(const wasm_instance *inst)
{
    const wasm_module *m = inst->mod;
    return m->start < 0 ? NULL : inst->funcs[m->start];
}

/* Looks an export up by name (len bytes, NUL allowed). */
bool wasm_instance_export_n(const wasm_instance *inst, const char *name,
                            size_t len, wasm_extern *out)
{
    const wasm_module *m = inst->mod;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const wl_export *e = &m->exports[i];
        if (wl_name_len(e->name) != len || memcmp(e->name, name, len) != 0)
            continue;
        out->kind = (wasm_extern_kind)e->kind;
        switch (e->kind) {
        case WASM_EXTERN_FUNC: out->of.func = inst->funcs[e->index]; break;
        case WASM_EXTERN_TABLE: out->of.table = inst->tables[e->index]; break;
        case WASM_EXTERN_MEMORY: out->of.memory = inst->mems[e->index]; break;
        default: out->of.global = inst->globals[e->index]; break;
        }
        return true;
    }
    return false;
}

/* Looks an export up by NUL-terminated name. */
bool wasm_instance_export(const wasm_instance *inst, const char *name,
                          wasm_extern *out)
{
    size_t len = 0;
    while (name[len])
        len++;
    return wasm_instance_export_n(inst, name, len, out);
}

/* Memory 0 of the instance, or NULL. */
wasm_memory *wasm_instance_memory(const wasm_instance *inst)
{
    return inst->mem0;
}

/* The module the instance was made from. */
const wasm_module *wasm_instance_module(const wasm_instance *inst)
{
    return inst->mod;
}

/* table.copy within or between tables (memmove semantics). */
static wasm_trap table_copy(wasm_table *dt, wasm_table *st, uint64_t d,
                            uint64_t s, uint64_t n)
{
    if (s + n > st->size || d + n > dt->size)
        return WASM_TRAP_TABLE_OOB;
    memmove(dt->elems + d, st->elems + s, n * sizeof(wasm_ref));
    return WASM_TRAP_NONE;
}

/* table.fill. */
static wasm_trap table_fill(wasm_table *t, uint64_t i, wasm_ref v, uint64_t n)
{
    if (i + n > t->size)
        return WASM_TRAP_TABLE_OOB;
    for (uint64_t k = 0; k < n; k++)
        t->elems[i + k] = v;
    return WASM_TRAP_NONE;
}

/* memory.copy and memory.fill, bounds-checked in 64 bits. */
static wasm_trap memory_bulk(wasm_memory *mem, bool fill, uint64_t d,
                             uint64_t s, uint64_t n)
{
    if (d + n > mem->size || (!fill && s + n > mem->size))
        return WASM_TRAP_MEMORY_OOB;
    if (n == 0)
        return WASM_TRAP_NONE;
    if (fill)
        memset(mem->data + d, (int)(uint8_t)s, n);
    else
        memmove(mem->data + d, mem->data + s, n);
    return WASM_TRAP_NONE;
}

/* The bulk instructions (ops.h layouts), called from the interpreter:
 * rare and long, so they live outside its loop. */
wasm_trap wl_bulk(wasm_instance *inst, const uint32_t *pc, uint64_t *fp)
{
#define A(k) ((uint64_t)(uint32_t)fp[pc[k]])
    switch (pc[0]) {
    case OP_MEMORY_INIT:
        return memory_init(inst, pc[1], A(2), A(3), A(4));
    case OP_DATA_DROP:
        inst->data_dropped[pc[1]] = true;
        return WASM_TRAP_NONE;
    case OP_MEMORY_COPY:
        return memory_bulk(inst->mem0, false, A(1), A(2), A(3));
    case OP_MEMORY_FILL:
        return memory_bulk(inst->mem0, true, A(1), A(2), A(3));
    case OP_TABLE_INIT:
        return table_init(inst, inst->tables[pc[1]], pc[2], A(3), A(4), A(5));
    case OP_ELEM_DROP:
        inst->elem_len[pc[1]] = 0;
        return WASM_TRAP_NONE;
    case OP_TABLE_COPY:
        return table_copy(inst->tables[pc[1]], inst->tables[pc[2]], A(3),
                          A(4), A(5));
    case OP_TABLE_FILL:
        return table_fill(inst->tables[pc[1]], A(2), (wasm_ref)fp[pc[3]],
                          A(4));
    }
#undef A
    return WASM_TRAP_UNREACHABLE;
}
