/*
 * decode.c: the WebAssembly binary format (spec chapter 5).
 *
 * A wl_reader walks the bytes; every read checks the current limit (the
 * end of the section or function being read) and fails with the spec's
 * "malformed" message and the offset where it stopped.  Sections are read
 * in their fixed order into the arrays of struct wasm_module; function
 * bodies are handed to compile.c, which validates and compiles them in the
 * same pass.
 */
#include "wasm_int.h"

/* ---- the reader -------------------------------------------------------- */

/* Offset of the cursor from the start of the module. */
uint32_t wr_offset(const wl_reader *r)
{
    return (uint32_t)(r->p - r->base);
}

/* Records an error at byte `at`; the first error wins. */
void wr_fail_at(wl_reader *r, wasm_error_kind kind, const uint8_t *at,
                const char *msg)
{
    if (!r->failed)
        wl_error(r->err, kind, (uint32_t)(at - r->base), msg);
    r->failed = true;
    r->p = r->end;             /* later reads fail fast */
}

void wr_fail(wl_reader *r, wasm_error_kind kind, const char *msg)
{
    wr_fail_at(r, kind, r->p, msg);
}

/* Fails with the spec's text for running off the current limit. */
static void wr_eof(wl_reader *r)
{
    wr_fail(r, WASM_ERR_MALFORMED, r->end < r->limit
            ? "unexpected end of section or function" : "unexpected end");
}

/* One byte, or 0 after failing at the end. */
uint8_t wr_u8(wl_reader *r)
{
    if (r->p >= r->end) {
        wr_eof(r);
        return 0;
    }
    return *r->p++;
}

/* True if the unused high bits of the last byte of a LEB128 of `bits`
 * bits are as the spec requires: zero (unsigned) or copies of the sign
 * bit (signed).  `used` is how many value bits that byte holds (1..7). */
static bool leb_tail_ok(uint8_t b, unsigned used, bool sign)
{
    uint8_t rest = (uint8_t)(b & 0x7f) >> (sign ? used - 1 : used);
    uint8_t all = (uint8_t)(0x7f >> (sign ? used - 1 : used));
    return rest == 0 || (sign && rest == all);
}

/* LEB128 of at most `bits` bits (spec 5.2.2): at most ceil(bits/7)
 * bytes, and the unused bits of the last byte checked by leb_tail_ok.
 * Signed values are sign-extended to 64 bits. */
static uint64_t wr_leb(wl_reader *r, unsigned bits, bool sign)
{
    uint64_t v = 0;
    unsigned shift = 0;
    const uint8_t *start = r->p;
    for (;;) {
        if (r->p >= r->end) {
            wr_eof(r);
            return 0;
        }
        uint8_t b = *r->p++;
        if (shift + 7 >= bits) {
            const char *bad = (b & 0x80) ? "integer representation too long"
                : !leb_tail_ok(b, bits - shift, sign) ? "integer too large"
                : NULL;
            if (bad) {
                wr_fail_at(r, WASM_ERR_MALFORMED, start, bad);
                return 0;
            }
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (sign && shift < 64 && (b & 0x40))
                v |= ~(uint64_t)0 << shift;
            return v;
        }
    }
}

uint32_t wr_u32(wl_reader *r) { return (uint32_t)wr_leb(r, 32, false); }
int32_t wr_s32(wl_reader *r) { return (int32_t)wr_leb(r, 32, true); }
int64_t wr_s33(wl_reader *r) { return (int64_t)wr_leb(r, 33, true); }
int64_t wr_s64(wl_reader *r) { return (int64_t)wr_leb(r, 64, true); }

/* Little-endian fixed-width words (float immediates). */
uint32_t wr_fixed32(wl_reader *r)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)wr_u8(r) << (8 * i);
    return v;
}

uint64_t wr_fixed64(wl_reader *r)
{
    uint64_t lo = wr_fixed32(r);
    return lo | (uint64_t)wr_fixed32(r) << 32;
}

bool wl_is_reftype(uint8_t b)
{
    return b == WASM_FUNCREF || b == WASM_EXTERNREF;
}

bool wl_is_valtype(uint8_t b)
{
    return b == WASM_I32 || b == WASM_I64 || b == WASM_F32 ||
           b == WASM_F64 || wl_is_reftype(b);
}

/* A value type byte; v128 is refused with its own message. */
static uint8_t wr_valtype(wl_reader *r)
{
    const uint8_t *at = r->p;
    uint8_t b = wr_u8(r);
    if (b == WASM_V128)
        wr_fail_at(r, WASM_ERR_MALFORMED, at, "SIMD not supported");
    else if (!r->failed && !wl_is_valtype(b))
        wr_fail_at(r, WASM_ERR_MALFORMED, at, "malformed value type");
    return b;
}

static uint8_t wr_reftype(wl_reader *r)
{
    const uint8_t *at = r->p;
    uint8_t b = wr_u8(r);
    if (!r->failed && !wl_is_reftype(b))
        wr_fail_at(r, WASM_ERR_MALFORMED, at, "malformed reference type");
    return b;
}

/* True if s[0,n) is well-formed UTF-8 (no overlongs, no surrogates, at
 * most U+10FFFF), as the spec requires of every name. */
static bool utf8_ok(const uint8_t *s, uint32_t n)
{
    uint32_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        uint32_t len, cp;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
        else return false;
        if (n - i < len)
            return false;
        for (uint32_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return false;
        i += len;
    }
    return true;
}

/* A name: length-prefixed UTF-8, copied NUL-terminated into the arena. */
static const uint32_t no_name[2] = { 0, 0 };

/* The length of a name from wr_name (names may hold NUL bytes). */
uint32_t wl_name_len(const char *name)
{
    return ((const uint32_t *)(const void *)name)[-1];
}

static const char *wr_name(wl_reader *r)
{
    const char *none = (const char *)&no_name[1];
    uint32_t n = wr_u32(r);
    if (r->failed)
        return none;
    if ((size_t)(r->end - r->p) < n) {
        wr_fail(r, WASM_ERR_MALFORMED, r->end < r->limit
                ? "unexpected end of section or function"
                : "unexpected end");
        return none;
    }
    if (!utf8_ok(r->p, n)) {
        wr_fail(r, WASM_ERR_MALFORMED, "malformed UTF-8 encoding");
        return none;
    }
    /* the length goes in front: names may contain NUL (wl_name_len) */
    uint32_t *block = wl_arena_alloc(&r->m->arena, (size_t)n + 5);
    if (!block) {
        wr_fail(r, WASM_ERR_NOMEM, "out of memory");
        return none;
    }
    block[0] = n;
    char *s = (char *)(block + 1);
    memcpy(s, r->p, n);
    r->p += n;
    return s;
}

/* ---- sections -------------------------------------------------------------- */

/* Arena array of n elements of `size` bytes; fails the reader on no memory
 * or when the count is larger than `max` (or than the bytes left could
 * possibly describe, a cheap guard against huge allocations). */
static void *wr_array(wl_reader *r, uint32_t n, size_t size, uint32_t max,
                      const char *toomany)
{
    if (r->failed)
        return NULL;
    if (n > max) {
        wr_fail(r, WASM_ERR_MALFORMED, toomany);
        return NULL;
    }
    void *p = wl_arena_alloc(&r->m->arena, (size_t)n * size + 8);
    if (!p)
        wr_fail(r, WASM_ERR_NOMEM, "out of memory");
    return p;
}

/* A vector count that cannot exceed the bytes left (each entry takes at
 * least one byte), so bogus counts fail before any allocation. */
static uint32_t wr_count(wl_reader *r)
{
    uint32_t n = wr_u32(r);
    if (!r->failed && n > (size_t)(r->end - r->p))
        wr_fail(r, WASM_ERR_MALFORMED, r->end < r->limit
                ? "unexpected end of section or function"
                : "unexpected end");
    return r->failed ? 0 : n;
}

/* Limits (spec 5.3.8); `mem` applies the 65536-page bound. */
static wasm_limits wr_limits(wl_reader *r, bool mem)
{
    wasm_limits l = { 0, 0, false };
    const uint8_t *at = r->p;
    uint8_t flag = wr_u8(r);
    if (flag > 1) {
        wr_fail_at(r, WASM_ERR_MALFORMED, at, "integer too large");
        return l;
    }
    l.min = wr_u32(r);
    if (flag == 1) {
        l.has_max = true;
        l.max = wr_u32(r);
    }
    if (r->failed)
        return l;
    if (mem && (l.min > WL_MAX_PAGES || (l.has_max && l.max > WL_MAX_PAGES)))
        wr_fail_at(r, WASM_ERR_INVALID, at,
                   "memory size must be at most 65536 pages (4GiB)");
    else if (l.has_max && l.min > l.max)
        wr_fail_at(r, WASM_ERR_INVALID, at,
                   "size minimum must not be greater than maximum");
    return l;
}

/* FNV-1a over n bytes, continuing from h. */
static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n--)
        h = (h ^ *b++) * 16777619u;
    return h;
}

/* A hash set of indices 0..n-1 (open addressing, power-of-two size) used
 * to find duplicates in linear time: types to canonicalize, export names
 * to check for uniqueness. */
typedef struct {
    uint32_t *slot;             /* index + 1, 0 = empty */
    uint32_t mask;
    const wasm_runtime *rt;
} wl_set;

/* A set for n entries; false when out of memory. */
static bool set_init(wl_set *s, const wasm_runtime *rt, uint32_t n)
{
    uint32_t size = 16;
    while (size < 2 * (uint64_t)n)
        size *= 2;
    s->rt = rt;
    s->mask = size - 1;
    s->slot = wl_alloc(rt, (size_t)size * 4);
    return s->slot != NULL;
}

static void set_free(wl_set *s)
{
    wl_free(s->rt, s->slot, ((size_t)s->mask + 1) * 4);
}

/* The types of a function type as hashable bytes. */
static uint32_t type_hash(const wasm_functype *ft)
{
    uint32_t h = fnv(2166136261u, &ft->nparams, 4);
    h = fnv(h, ft->params, ft->nparams * sizeof(wasm_valtype));
    h = fnv(h, &ft->nresults, 4);
    return fnv(h, ft->results, ft->nresults * sizeof(wasm_valtype));
}

/* Sets every type's canon to the first structurally equal type, so that
 * call_indirect within a module compares type pointers. */
static void canonicalize(wl_reader *r)
{
    wasm_module *m = r->m;
    wl_set s;
    if (r->failed)
        return;
    if (!set_init(&s, m->rt, m->ntypes)) {
        wr_fail(r, WASM_ERR_NOMEM, "out of memory");
        return;
    }
    for (uint32_t i = 0; i < m->ntypes; i++) {
        uint32_t k = type_hash(&m->types[i].ft) & s.mask;
        while (s.slot[k] &&
               !wl_functype_eq(&m->types[s.slot[k] - 1].ft, &m->types[i].ft))
            k = (k + 1) & s.mask;
        if (!s.slot[k])
            s.slot[k] = i + 1;
        m->types[i].canon = s.slot[k] - 1;
    }
    set_free(&s);
}

/* Fails at `at` if two exports share a name (spec: names are unique). */
static void unique_exports(wl_reader *r)
{
    wasm_module *m = r->m;
    wl_set s;
    if (r->failed)
        return;
    if (!set_init(&s, m->rt, m->nexports)) {
        wr_fail(r, WASM_ERR_NOMEM, "out of memory");
        return;
    }
    for (uint32_t i = 0; i < m->nexports && !r->failed; i++) {
        const char *name = m->exports[i].name;
        uint32_t len = wl_name_len(name);
        uint32_t k = fnv(2166136261u, name, len) & s.mask;
        for (; s.slot[k]; k = (k + 1) & s.mask) {
            const char *other = m->exports[s.slot[k] - 1].name;
            if (wl_name_len(other) == len && !memcmp(other, name, len)) {
                wr_fail_at(r, WASM_ERR_INVALID, r->base + m->exports[i].offset,
                           "duplicate export name");
                break;
            }
        }
        s.slot[k] = i + 1;
    }
    set_free(&s);
}

/* Section 1: function types. */
static void sec_type(wl_reader *r)
{
    wasm_module *m = r->m;
    m->ntypes = wr_count(r);
    m->types = wr_array(r, m->ntypes, sizeof(wl_type), WL_MAX_TYPES,
                        "too many types");
    for (uint32_t i = 0; i < m->ntypes && !r->failed; i++) {
        if (wr_u8(r) != 0x60) {
            wr_fail_at(r, WASM_ERR_MALFORMED, r->p - 1,
                       "integer representation too long");
            return;
        }
        wasm_functype *ft = &m->types[i].ft;
        for (int side = 0; side < 2 && !r->failed; side++) {
            uint32_t n = wr_count(r);
            wasm_valtype *v = wr_array(r, n, sizeof *v, WL_MAX_PARAMS,
                                       "too many parameters or results");
            for (uint32_t k = 0; k < n && !r->failed; k++)
                v[k] = (wasm_valtype)wr_valtype(r);
            if (side == 0) { ft->nparams = n; ft->params = v; }
            else { ft->nresults = n; ft->results = v; }
        }
    }
    canonicalize(r);
}

/* Checks a type index read at `at`. */
static uint32_t wr_typeidx(wl_reader *r)
{
    const uint8_t *at = r->p;
    uint32_t t = wr_u32(r);
    if (!r->failed && t >= r->m->ntypes)
        wr_fail_at(r, WASM_ERR_INVALID, at, "unknown type");
    return t;
}

/* A table type: reference type then limits. */
static void wr_tabletype(wl_reader *r, wl_table *t)
{
    t->elem_type = wr_reftype(r);
    t->limits = wr_limits(r, false);
}

/* A global type: value type then mutability. */
static void wr_globaltype(wl_reader *r, wl_global *g)
{
    g->type = wr_valtype(r);
    const uint8_t *at = r->p;
    uint8_t mut = wr_u8(r);
    if (!r->failed && mut > 1)
        wr_fail_at(r, WASM_ERR_MALFORMED, at, "malformed mutability");
    g->mut = mut == 1;
}

/* Section 2: imports.  The arrays of functions, tables, memories and
 * globals are allocated here at their import counts and grown by the
 * later sections. */
static void sec_import(wl_reader *r)
{
    wasm_module *m = r->m;
    m->nimports = wr_count(r);
    m->imports = wr_array(r, m->nimports, sizeof(wl_import), WL_MAX_IMPORTS,
                          "too many imports");
    m->tables = wr_array(r, m->nimports, sizeof(wl_table), WL_MAX_IMPORTS, "");
    m->globals = wr_array(r, m->nimports, sizeof(wl_global), WL_MAX_IMPORTS,
                          "");
    for (uint32_t i = 0; i < m->nimports && !r->failed; i++) {
        wl_import *im = &m->imports[i];
        im->module = wr_name(r);
        im->name = wr_name(r);
        const uint8_t *at = r->p;
        im->kind = wr_u8(r);
        if (r->failed)
            return;
        switch (im->kind) {
        case WASM_EXTERN_FUNC:
            im->index = wr_typeidx(r);
            m->nfunc_imports++;
            break;
        case WASM_EXTERN_TABLE:
            im->index = m->ntable_imports++;
            wr_tabletype(r, &m->tables[im->index]);
            break;
        case WASM_EXTERN_MEMORY:
            if (m->nmem_imports > 0) {
                wr_fail_at(r, WASM_ERR_INVALID, at, "multiple memories");
                return;
            }
            im->index = m->nmem_imports++;
            m->mems[im->index] = wr_limits(r, true);
            break;
        case WASM_EXTERN_GLOBAL:
            im->index = m->nglobal_imports++;
            wr_globaltype(r, &m->globals[im->index]);
            break;
        default:
            wr_fail_at(r, WASM_ERR_MALFORMED, at, "malformed import kind");
        }
    }
    m->ntables = m->ntable_imports;
    m->nmems = m->nmem_imports;
    m->nglobals = m->nglobal_imports;
    m->nfuncs = m->nfunc_imports;
    m->func_types = wr_array(r, m->nfuncs, sizeof(uint32_t), WL_MAX_FUNCS, "");
    for (uint32_t i = 0, k = 0; i < m->nimports && m->func_types; i++)
        if (m->imports[i].kind == WASM_EXTERN_FUNC)
            m->func_types[k++] = m->imports[i].index;
}

/* Grows an arena array from `old` to `n` elements of `size`. */
static void *regrow(wl_reader *r, void *old, uint32_t oldn, uint32_t n,
                    size_t size, uint32_t max, const char *toomany)
{
    void *p = wr_array(r, n, size, max, toomany);
    if (p && oldn)
        memcpy(p, old, (size_t)oldn * size);
    return p;
}

/* Section 3: the type of every defined function. */
static void sec_function(wl_reader *r)
{
    wasm_module *m = r->m;
    uint32_t n = wr_count(r);
    if (n > WL_MAX_FUNCS - m->nfunc_imports) {
        wr_fail(r, WASM_ERR_MALFORMED, "too many functions");
        return;
    }
    m->nfuncs = m->nfunc_imports + n;
    m->func_types = wr_array(r, m->nfuncs, sizeof(uint32_t), WL_MAX_FUNCS,
                             "too many functions");
    uint32_t k = 0;
    for (uint32_t i = 0; i < m->nimports && m->func_types; i++)
        if (m->imports[i].kind == WASM_EXTERN_FUNC)
            m->func_types[k++] = m->imports[i].index;
    for (uint32_t i = 0; i < n && !r->failed; i++)
        m->func_types[k++] = wr_typeidx(r);
}

/* Section 4: tables. */
static void sec_table(wl_reader *r)
{
    wasm_module *m = r->m;
    uint32_t n = wr_count(r);
    if (n > WL_MAX_TABLES - m->ntable_imports) {
        wr_fail(r, WASM_ERR_MALFORMED, "too many tables");
        return;
    }
    m->tables = regrow(r, m->tables, m->ntables, m->ntables + n,
                       sizeof(wl_table), WL_MAX_TABLES, "too many tables");
    for (uint32_t i = 0; i < n && !r->failed; i++)
        wr_tabletype(r, &m->tables[m->ntables++]);
}

/* Section 5: memories (at most one in WebAssembly 2.0). */
static void sec_memory(wl_reader *r)
{
    wasm_module *m = r->m;
    uint32_t n = wr_count(r);
    if (n > 1 || m->nmems + n > 1) {
        wr_fail(r, WASM_ERR_INVALID, "multiple memories");
        return;
    }
    for (uint32_t i = 0; i < n && !r->failed; i++)
        m->mems[m->nmems++] = wr_limits(r, true);
}

/* Section 6: globals with their initialisers. */
static void sec_global(wl_reader *r)
{
    wasm_module *m = r->m;
    uint32_t n = wr_count(r);
    if (n > WL_MAX_GLOBALS - m->nglobals) {
        wr_fail(r, WASM_ERR_MALFORMED, "too many globals");
        return;
    }
    m->globals = regrow(r, m->globals, m->nglobals, m->nglobals + n,
                        sizeof(wl_global), WL_MAX_GLOBALS, "too many globals");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        wl_global *g = &m->globals[m->nglobals];
        wr_globaltype(r, g);
        if (!r->failed)
            wl_const_expr(m, r, g->type, &g->init);
        m->nglobals++;
    }
}

/* The number of entities of export kind `kind`. */
static uint32_t extern_count(const wasm_module *m, uint8_t kind)
{
    switch (kind) {
    case WASM_EXTERN_FUNC: return m->nfuncs;
    case WASM_EXTERN_TABLE: return m->ntables;
    case WASM_EXTERN_MEMORY: return m->nmems;
    default: return m->nglobals;
    }
}

static const char *const unknown_kind[] = {
    "unknown function", "unknown table", "unknown memory", "unknown global",
};

/* Section 7: exports, with unique names. */
static void sec_export(wl_reader *r)
{
    wasm_module *m = r->m;
    m->nexports = wr_count(r);
    m->exports = wr_array(r, m->nexports, sizeof(wl_export), WL_MAX_IMPORTS,
                          "too many exports");
    for (uint32_t i = 0; i < m->nexports && !r->failed; i++) {
        wl_export *e = &m->exports[i];
        e->offset = wr_offset(r);
        e->name = wr_name(r);
        e->kind = wr_u8(r);
        if (!r->failed && e->kind > WASM_EXTERN_GLOBAL) {
            wr_fail_at(r, WASM_ERR_MALFORMED, r->p - 1,
                       "malformed export kind");
            return;
        }
        const uint8_t *iat = r->p;
        e->index = wr_u32(r);
        if (r->failed)
            return;
        if (e->index >= extern_count(m, e->kind))
            wr_fail_at(r, WASM_ERR_INVALID, iat, unknown_kind[e->kind]);
        if (e->kind == WASM_EXTERN_FUNC)
            wl_declare(m, e->index);
    }
    unique_exports(r);
}

/* Section 8: the start function, of type [] -> []. */
static void sec_start(wl_reader *r)
{
    wasm_module *m = r->m;
    const uint8_t *at = r->p;
    uint32_t f = wr_u32(r);
    if (r->failed)
        return;
    if (f >= m->nfuncs) {
        wr_fail_at(r, WASM_ERR_INVALID, at, "unknown function");
        return;
    }
    const wasm_functype *ft = &m->types[m->func_types[f]].ft;
    if (ft->nparams || ft->nresults)
        wr_fail_at(r, WASM_ERR_INVALID, at, "start function");
    m->start = f;
}

/* A table index that must exist. */
static uint32_t wr_tableidx(wl_reader *r)
{
    const uint8_t *at = r->p;
    uint32_t t = wr_u32(r);
    if (!r->failed && t >= r->m->ntables)
        wr_fail_at(r, WASM_ERR_INVALID, at, "unknown table");
    return t;
}

/* The items of an element segment: function indices (flags bit 2 clear)
 * or constant expressions of the segment's type. */
static void elem_items(wl_reader *r, wl_elem *e, bool exprs)
{
    wasm_module *m = r->m;
    e->count = wr_count(r);
    e->items = wr_array(r, e->count, sizeof(wl_const), WL_MAX_ELEMS,
                        "too many elements");
    for (uint32_t i = 0; i < e->count && !r->failed; i++) {
        wl_const *c = &e->items[i];
        if (exprs) {
            wl_const_expr(m, r, e->elem_type, c);
            continue;
        }
        const uint8_t *at = r->p;
        c->kind = CE_FUNC;
        c->type = WASM_FUNCREF;
        c->index = wr_u32(r);
        if (!r->failed && c->index >= m->nfuncs)
            wr_fail_at(r, WASM_ERR_INVALID, at, "unknown function");
        wl_declare(m, c->index);
    }
}

/* One element segment (spec 5.5.12: eight encodings by flag bits:
 * bit 0 passive/declarative, bit 1 explicit table or declarative,
 * bit 2 expressions instead of function indices). */
static void elem_segment(wl_reader *r, wl_elem *e)
{
    const uint8_t *at = r->p;
    uint32_t flags = wr_u32(r);
    if (r->failed)
        return;
    if (flags > 7) {
        wr_fail_at(r, WASM_ERR_MALFORMED, at, "malformed elements segment kind");
        return;
    }
    bool exprs = flags & 4;
    e->elem_type = WASM_FUNCREF;
    e->mode = (flags & 1) ? ((flags & 2) ? SEG_DECLARATIVE : SEG_PASSIVE)
                          : SEG_ACTIVE;
    if (e->mode == SEG_ACTIVE) {
        e->table = (flags & 2) ? wr_tableidx(r) : 0;
        if (!(flags & 2) && !r->failed && r->m->ntables == 0)
            wr_fail_at(r, WASM_ERR_INVALID, at, "unknown table");
        if (!r->failed)
            wl_const_expr(r->m, r, WASM_I32, &e->offset);
    }
    if (flags & 3) {            /* an explicit element kind or type */
        const uint8_t *kat = r->p;
        if (exprs) {
            e->elem_type = wr_reftype(r);
        } else if (wr_u8(r) != 0 && !r->failed) {
            wr_fail_at(r, WASM_ERR_MALFORMED, kat, "malformed element kind");
        }
    }
    elem_items(r, e, exprs);
    if (!r->failed && e->mode == SEG_ACTIVE &&
        r->m->tables[e->table].elem_type != e->elem_type)
        wr_fail_at(r, WASM_ERR_INVALID, at, "type mismatch");
}

/* Section 9: element segments. */
static void sec_element(wl_reader *r)
{
    wasm_module *m = r->m;
    m->nelems = wr_count(r);
    m->elems = wr_array(r, m->nelems, sizeof(wl_elem), WL_MAX_SEGMENTS,
                        "too many segments");
    for (uint32_t i = 0; i < m->nelems && !r->failed; i++)
        elem_segment(r, &m->elems[i]);
}

/* Section 12: the number of data segments (needed by memory.init and
 * data.drop, which come before the data section). */
static void sec_datacount(wl_reader *r)
{
    r->m->datacount = wr_u32(r);
    r->m->has_datacount = true;
}

/* Section 10: code.  Each body is validated and compiled at once. */
static void sec_code(wl_reader *r)
{
    wasm_module *m = r->m;
    const uint8_t *at = r->p;
    uint32_t n = wr_u32(r);
    uint32_t ndefined = m->nfuncs - m->nfunc_imports;
    if (r->failed)
        return;
    if (n != ndefined) {
        wr_fail_at(r, WASM_ERR_MALFORMED, at,
                   "function and code section have inconsistent lengths");
        return;
    }
    m->codes = wr_array(r, n, sizeof(wl_code), WL_MAX_FUNCS,
                        "too many functions");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        uint32_t size = wr_u32(r);
        if (r->failed)
            return;
        if (size > (size_t)(r->end - r->p)) {
            wr_eof(r);
            return;
        }
        wl_reader body = *r;
        body.end = r->p + size;
        if (!wl_compile(m, m->nfunc_imports + i, &body)) {
            r->failed = true;
            return;
        }
        r->p = body.end;
    }
}

/* One data segment: flags 0 (active, memory 0), 1 (passive) or 2
 * (active, explicit memory). */
static void data_segment(wl_reader *r, wl_data *d)
{
    const uint8_t *at = r->p;
    uint32_t flags = wr_u32(r);
    if (r->failed)
        return;
    if (flags > 2) {
        wr_fail_at(r, WASM_ERR_MALFORMED, at, "malformed data segment kind");
        return;
    }
    d->mode = flags == 1 ? SEG_PASSIVE : SEG_ACTIVE;
    if (flags == 2) {
        const uint8_t *mat = r->p;
        d->memory = wr_u32(r);
        if (!r->failed && d->memory >= r->m->nmems)
            wr_fail_at(r, WASM_ERR_INVALID, mat, "unknown memory");
    } else if (flags == 0 && r->m->nmems == 0) {
        wr_fail_at(r, WASM_ERR_INVALID, at, "unknown memory");
    }
    if (d->mode == SEG_ACTIVE && !r->failed)
        wl_const_expr(r->m, r, WASM_I32, &d->offset);
    d->len = wr_u32(r);
    if (r->failed)
        return;
    if (d->len > (size_t)(r->end - r->p)) {
        wr_eof(r);
        return;
    }
    d->bytes = r->p;            /* copied by the caller's arena pass */
    r->p += d->len;
}

/* Section 11: data segments; their count must match the data count. */
static void sec_data(wl_reader *r)
{
    wasm_module *m = r->m;
    const uint8_t *at = r->p;
    m->ndatas = wr_count(r);
    if (!r->failed && m->has_datacount && m->ndatas != m->datacount) {
        wr_fail_at(r, WASM_ERR_MALFORMED, at,
                   "data count and data section have inconsistent lengths");
        return;
    }
    m->datas = wr_array(r, m->ndatas, sizeof(wl_data), WL_MAX_SEGMENTS,
                        "too many segments");
    for (uint32_t i = 0; i < m->ndatas && !r->failed; i++) {
        wl_data *d = &m->datas[i];
        data_segment(r, d);
        if (r->failed)
            return;
        uint8_t *copy = wl_arena_alloc(&m->arena, d->len);
        if (!copy) {
            wr_fail(r, WASM_ERR_NOMEM, "out of memory");
            return;
        }
        memcpy(copy, d->bytes, d->len);
        d->bytes = copy;
    }
}

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
static void sec_custom(wl_reader *r)
{
    const char *name = wr_name(r);
    if (!r->failed && wl_name_eq(name, "name"))
        sec_names(r->m, r->p, r->end);
    r->p = r->end;
}

/* The order rank of each section id (datacount, 12, sits between element
 * and code), 0 for custom sections. */
static const uint8_t section_rank[13] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10,
};

typedef void (*section_fn)(wl_reader *r);
static const section_fn section_fns[13] = {
    sec_custom, sec_type, sec_import, sec_function, sec_table, sec_memory,
    sec_global, sec_export, sec_start, sec_element, sec_code, sec_data,
    sec_datacount,
};

/* Checks what only the end of the module can tell. */
static void module_finish(wl_reader *r, bool saw_code)
{
    wasm_module *m = r->m;
    if (!saw_code && m->nfuncs > m->nfunc_imports)
        wr_fail(r, WASM_ERR_MALFORMED,
                "function and code section have inconsistent lengths");
    else if (m->has_datacount && m->ndatas != m->datacount)
        wr_fail(r, WASM_ERR_MALFORMED,
                "data count and data section have inconsistent lengths");
    else if (m->data_use_at && m->ndatas > 0)
        wr_fail_at(r, WASM_ERR_MALFORMED, m->data_use_at,
                   "data count section required");
    else if (m->data_use_at)
        wr_fail_at(r, WASM_ERR_INVALID, m->data_use_at,
                   "unknown data segment");
    else if (m->pending.kind != WASM_ERR_NONE && !r->failed) {
        *r->err = m->pending;
        r->failed = true;
    }
}

/* Allocates the bitset of referenceable functions once the function
 * count is known (before globals, exports and elements name them). */
static void alloc_declared(wl_reader *r)
{
    wasm_module *m = r->m;
    if (m->declared || r->failed)
        return;
    m->declared = wl_arena_alloc(&m->arena, m->nfuncs / 8 + 1);
    if (!m->declared)
        wr_fail(r, WASM_ERR_NOMEM, "out of memory");
}

/* Reads the sections after the header, in order. */
static void read_sections(wl_reader *r)
{
    unsigned last = 0;
    bool saw_code = false;
    while (r->p < r->limit && !r->failed) {
        r->end = r->limit;
        const uint8_t *at = r->p;
        uint8_t id = wr_u8(r);
        uint32_t size = wr_u32(r);
        if (r->failed)
            return;
        if (id > 12) {
            wr_fail_at(r, WASM_ERR_MALFORMED, at, "malformed section id");
            return;
        }
        if (size > (size_t)(r->limit - r->p)) {
            wr_fail(r, WASM_ERR_MALFORMED, "length out of bounds");
            return;
        }
        if (id != 0) {
            if (section_rank[id] <= last) {
                wr_fail_at(r, WASM_ERR_MALFORMED, at,
                           "unexpected content after last section");
                return;
            }
            last = section_rank[id];
        }
        if (id > 3)
            alloc_declared(r);
        saw_code |= id == 10;
        r->end = r->p + size;
        section_fns[id](r);
        if (!r->failed && r->p != r->end)
            wr_fail(r, WASM_ERR_MALFORMED, "section size mismatch");
        r->end = r->limit;
    }
    alloc_declared(r);
    if (!r->failed)
        module_finish(r, saw_code);
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
        read_sections(&r);
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

uint32_t wasm_module_import_count(const wasm_module *m)
{
    return m->nimports;
}

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

void wasm_module_export(const wasm_module *m, uint32_t i, wasm_extern_desc *out)
{
    const wl_export *e = &m->exports[i];
    memset(out, 0, sizeof *out);
    describe(m, e->kind, e->index, out);
    out->name = e->name;
}

const char *wasm_module_func_name(const wasm_module *m, uint32_t index)
{
    if (!m->func_names || index >= m->nfuncs)
        return NULL;
    return m->func_names[index];
}
