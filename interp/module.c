/*
 * module.c: loading and freeing a module, the custom "name" section, and
 * the API's questions about a module (imports, exports, names).
 */
#include "wasm_int.h"

/* The "name" custom section: keeps function names for trap messages.  It
 * is optional metadata, so a damaged one is ignored, never an error. */
static void sec_names(wasm_module *m, const uint8_t *p, const uint8_t *end)
{
    wasm_error scratch = { 0 };
    wl_reader r = { .base = p, .p = p, .end = end, .limit = end, .m = m,
                    .err = &scratch };
    while (r.p < r.end && !r.failed) {
        uint8_t id = wr_u8(&r);
        uint32_t size = wr_u32(&r);
        if (r.failed || size > (size_t)(r.end - r.p))
            return;
        const uint8_t *next = r.p + size;
        if (id == 1 && !m->func_names && m->nfuncs) {
            m->func_names = wl_arena_alloc(&m->arena,
                                           m->nfuncs * sizeof(char *));
            if (!m->func_names)
                return;
            uint32_t n = wr_u32(&r);
            for (uint32_t i = 0; i < n && !r.failed; i++) {
                uint32_t idx = wr_u32(&r);
                const char *name = wr_name(&r);
                if (!r.failed && idx < m->nfuncs)
                    m->func_names[idx] = name;
            }
        }
        r.p = next;
    }
}

/* Section 0: custom.  Its name must be valid UTF-8 inside the section;
 * the contents are skipped except for "name". */
void wl_sec_custom(wl_reader *r)
{
    const char *name = wr_name(r);
    if (!r->failed && wl_name_eq(name, "name"))
        sec_names(r->m, r->p, r->end);
    r->p = r->end;
}

/* Decodes, validates and compiles a module (see wasm.h). */
wasm_module *wasm_module_load(const wasm_runtime *rt, const uint8_t *bytes,
                              size_t len, wasm_error *err)
{
    wasm_error scratch;
    err = wl_error_init(err, &scratch);
    wl_arena arena;
    wl_arena_init(&arena, rt);
    wasm_module *m = wl_arena_alloc(&arena, sizeof *m);
    wasm_limits *mems = wl_arena_alloc(&arena, 2 * sizeof *mems);
    if (!m || !mems || len > UINT32_MAX) {
        wl_arena_free(&arena);
        wl_error(err, WASM_ERR_NOMEM, 0, "out of memory");
        return NULL;
    }
    m->rt = rt;
    m->arena = arena;
    m->mems = mems;
    m->start = -1;
    wl_reader r = { .base = bytes, .p = bytes, .end = bytes + len,
                    .limit = bytes + len, .m = m, .err = err };
    static const uint8_t magic[4] = { 0, 'a', 's', 'm' };
    if (len < 4 || memcmp(bytes, magic, 4) != 0)
        wr_fail(&r, WASM_ERR_MALFORMED, "magic header not detected");
    else if (r.p += 4, wr_fixed32(&r) != 1 && !r.failed)
        wr_fail_at(&r, WASM_ERR_MALFORMED, bytes + 4, "unknown binary version");
    if (!r.failed)
        wl_read_sections(&r);
    if (r.failed) {
        wasm_module_free(m);
        return NULL;
    }
    return m;
}

/* Frees a module and everything it holds (one arena). */
void wasm_module_free(wasm_module *m)
{
    if (!m)
        return;
    while (m->zombies) {
        wasm_instance *z = m->zombies;
        m->zombies = z->next_zombie;
        wasm_instance_free(z);
    }
    wl_arena arena = m->arena;   /* m itself lives in the arena */
    wl_arena_free(&arena);
}

/* The number of imports. */
uint32_t wasm_module_import_count(const wasm_module *m)
{
    return m->nimports;
}

/* The number of exports. */
uint32_t wasm_module_export_count(const wasm_module *m)
{
    return m->nexports;
}

/* Describes entity `index` of `kind` (types as declared). */
static void describe(const wasm_module *m, uint8_t kind, uint32_t index,
                     wasm_extern_desc *out)
{
    out->kind = (wasm_extern_kind)kind;
    switch (kind) {
    case WASM_EXTERN_FUNC:
        out->func = m->types[m->func_types[index]].ft;
        break;
    case WASM_EXTERN_TABLE:
        out->elem_type = (wasm_valtype)m->tables[index].elem_type;
        out->limits = m->tables[index].limits;
        break;
    case WASM_EXTERN_MEMORY:
        out->limits = m->mems[index];
        break;
    default:
        out->global_type = (wasm_valtype)m->globals[index].type;
        out->global_mutable = m->globals[index].mut;
    }
}

/* Import i as declared; type indices are resolved to types. */
void wasm_module_import(const wasm_module *m, uint32_t i, wasm_extern_desc *out)
{
    const wl_import *im = &m->imports[i];
    memset(out, 0, sizeof *out);
    if (im->kind == WASM_EXTERN_FUNC)
        out->func = m->types[im->index].ft;
    else
        describe(m, im->kind, im->index, out);
    out->kind = (wasm_extern_kind)im->kind;
    out->module = im->module;
    out->name = im->name;
}

/* Export i with its type as declared. */
void wasm_module_export(const wasm_module *m, uint32_t i, wasm_extern_desc *out)
{
    const wl_export *e = &m->exports[i];
    memset(out, 0, sizeof *out);
    describe(m, e->kind, e->index, out);
    out->name = e->name;
}

/* Function `index`'s name from the "name" section, or NULL. */
const char *wasm_module_func_name(const wasm_module *m, uint32_t index)
{
    if (!m->func_names || index >= m->nfuncs)
        return NULL;
    return m->func_names[index];
}
