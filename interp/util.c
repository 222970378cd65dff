/*
 * util.c: allocation through the embedder, arenas, error text.
 *
 * The engine never calls malloc: everything goes through the allocator in
 * wasm_runtime.  A module keeps all its decoded tables in one arena so
 * that freeing it cannot leak a piece.
 */
#include "wasm_int.h"

#define WL_ARENA_BLOCK 16384u   /* default arena block size */

struct wl_block {
    wl_block *next;
    size_t bytes;               /* whole block, this header included */
};

/* Fills rt with the defaults of wasm.h and `alloc`. */
void wasm_runtime_init(wasm_runtime *rt, wasm_allocator alloc)
{
    rt->alloc = alloc;
    rt->max_memory_pages = WL_MAX_PAGES;
    rt->max_table_elems = 10u * 1024 * 1024;
    rt->value_stack_slots = 64u * 1024;
    rt->max_call_depth = 4096;
}

/* A zeroed block from the embedder, or NULL. */
void *wl_alloc(const wasm_runtime *rt, size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    return rt->alloc.alloc(rt->alloc.ctx, bytes);
}

/* Gives back a block from wl_alloc (NULL is ignored). */
void wl_free(const wasm_runtime *rt, void *p, size_t bytes)
{
    if (p)
        rt->alloc.free(rt->alloc.ctx, p, bytes == 0 ? 1 : bytes);
}

/* An empty arena drawing from rt. */
void wl_arena_init(wl_arena *a, const wasm_runtime *rt)
{
    a->rt = rt;
    a->head = NULL;
    a->cur = NULL;
    a->left = 0;
}

/* Makes a new block of `want` bytes (its header included) the arena's
 * current one; false when out of memory. */
static bool arena_block(wl_arena *a, size_t want)
{
    wl_block *b = wl_alloc(a->rt, want);
    if (!b)
        return false;
    b->next = a->head;
    b->bytes = want;
    a->head = b;
    a->cur = (uint8_t *)(b + 1);
    a->left = want - sizeof(wl_block);
    return true;
}

/* An arena whose first block holds exactly `bytes` (pieces rounded up to
 * 8 as wl_arena_alloc does): for an object whose size is known up front,
 * an instance, which then costs no WL_ARENA_BLOCK minimum.  A piece
 * beyond it still works (a new block).  False when out of memory. */
bool wl_arena_init_exact(wl_arena *a, const wasm_runtime *rt, size_t bytes)
{
    wl_arena_init(a, rt);
    return arena_block(a, bytes + sizeof(wl_block));
}

/* A zeroed, 8-byte aligned piece of `bytes` living as long as the arena;
 * NULL when out of memory. */
void *wl_arena_alloc(wl_arena *a, size_t bytes)
{
    bytes = (bytes + 7) & ~(size_t)7;
    if (bytes > a->left) {
        size_t want = bytes + sizeof(wl_block);
        if (!arena_block(a, want < WL_ARENA_BLOCK ? WL_ARENA_BLOCK : want))
            return NULL;
    }
    void *p = a->cur;
    a->cur += bytes;
    a->left -= bytes;
    return p;
}

/* Frees every block of the arena. */
void wl_arena_free(wl_arena *a)
{
    wl_block *b = a->head;
    while (b) {
        wl_block *next = b->next;
        wl_free(a->rt, b, b->bytes);
        b = next;
    }
    a->head = NULL;
    a->left = 0;
}

/* Appends NUL-terminated `s` to buf (of size cap) at *len, truncating. */
static void append(char *buf, size_t cap, size_t *len, const char *s)
{
    while (s && *s && *len + 1 < cap)
        buf[(*len)++] = *s++;
    buf[*len] = 0;
}

/* Records the first error only: later ones are consequences. */
void wl_error2(wasm_error *err, wasm_error_kind kind, uint32_t offset,
               const char *msg, const char *a, const char *b)
{
    if (!err || err->kind != WASM_ERR_NONE)
        return;
    size_t len = 0;
    err->kind = kind;
    err->offset = offset;
    err->message[0] = 0;
    append(err->message, sizeof err->message, &len, msg);
    append(err->message, sizeof err->message, &len, a);
    append(err->message, sizeof err->message, &len, b);
}

/* wl_error2 without the extra parts. */
void wl_error(wasm_error *err, wasm_error_kind kind, uint32_t offset,
              const char *msg)
{
    wl_error2(err, kind, offset, msg, NULL, NULL);
}

/* The text-format name of a value type byte. */
const char *wl_type_name(uint8_t t)
{
    switch (t) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_V128: return "v128";
    case WASM_FUNCREF: return "funcref";
    case WASM_EXTERNREF: return "externref";
    default: return "nothing";
    }
}

/* The spec's text for each trap. */
const char *wasm_trap_message(wasm_trap trap)
{
    switch (trap) {
    case WASM_TRAP_NONE: return "no trap";
    case WASM_TRAP_UNREACHABLE: return "unreachable";
    case WASM_TRAP_MEMORY_OOB: return "out of bounds memory access";
    case WASM_TRAP_TABLE_OOB: return "out of bounds table access";
    case WASM_TRAP_DIV_ZERO: return "integer divide by zero";
    case WASM_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_TRAP_BAD_CONVERSION: return "invalid conversion to integer";
    case WASM_TRAP_INDIRECT_MISMATCH: return "indirect call type mismatch";
    case WASM_TRAP_UNINIT_ELEMENT: return "uninitialized element";
    case WASM_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case WASM_TRAP_CALL_STACK_EXHAUSTED: return "call stack exhausted";
    case WASM_TRAP_STOPPED: return "stopped by embedder";
    case WASM_TRAP_HOST: return "host function trapped";
    case WASM_TRAP_NOMEM: return "out of memory";
    case WASM_TRAP_TODO_IDIV:
        return "lab 4: num_idiv is not written yet";
    case WASM_TRAP_TODO_TRUNC:
        return "lab 4: num_trunc_range is not written yet";
    case WASM_TRAP_TODO_MEM_CHECK:
        return "lab 4: mem_check is not written yet";
    case WASM_TRAP_TODO_BR_TABLE:
        return "lab 4: br_table_jump is not written yet";
    case WASM_TRAP_TODO_INDIRECT:
        return "lab 4: indirect_callee is not written yet";
    case WASM_TRAP_TODO_SAFEPOINT:
        return "lab 4: safepoint is not written yet";
    }
    return "unknown trap";
}

/* True if NUL-terminated a and b are equal. */
bool wl_streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* True if a name from the module (which may hold NUL bytes) equals the
 * NUL-terminated cstr. */
bool wl_name_eq(const char *name, const char *cstr)
{
    uint32_t n = wl_name_len(name);
    for (uint32_t i = 0; i < n; i++)
        if (cstr[i] != name[i] || cstr[i] == 0)
            return false;
    return cstr[n] == 0;
}

/* The slot bits of an API value: i32/f32 in the low 32 bits. */
uint64_t wl_value_bits(const wasm_value *v)
{
    switch (v->type) {
    case WASM_I32: return v->of.i32;
    case WASM_F32: return v->of.f32;
    case WASM_I64: return v->of.i64;
    case WASM_F64: return v->of.f64;
    default: return (uint64_t)v->of.ref;
    }
}

/* An API value of type t from slot bits. */
wasm_value wl_bits_value(wasm_valtype t, uint64_t bits)
{
    wasm_value v;
    v.type = t;
    v.of.i64 = 0;
    switch (t) {
    case WASM_I32: v.of.i32 = (uint32_t)bits; break;
    case WASM_F32: v.of.f32 = (uint32_t)bits; break;
    case WASM_I64: v.of.i64 = bits; break;
    case WASM_F64: v.of.f64 = bits; break;
    default: v.of.ref = (wasm_ref)bits; break;
    }
    return v;
}

/* True for the one-byte opcodes of WebAssembly 2.0, SIMD's prefix 0xFD
 * excluded. */
bool wl_known_opcode(uint8_t op)
{
    return op <= 0x05 || (op >= 0x0b && op <= 0x11) ||
           (op >= 0x1a && op <= 0x1c) || (op >= 0x20 && op <= 0x26) ||
           (op >= 0x28 && op <= 0xc4) || (op >= 0xd0 && op <= 0xd2) ||
           op == 0xfc;
}

/* Starts an error report: no error yet.  Returns err, or `scratch` when
 * the caller passed none. */
wasm_error *wl_error_init(wasm_error *err, wasm_error *scratch)
{
    if (!err)
        err = scratch;
    err->kind = WASM_ERR_NONE;
    err->offset = 0;
    err->message[0] = 0;
    return err;
}
