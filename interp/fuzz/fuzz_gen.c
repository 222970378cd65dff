/*
 * fuzz_gen.c: a second libFuzzer target that turns its input into a
 * VALID module and runs it.
 *
 * Mutating binaries mostly produces modules the validator rejects, so the
 * compiler and interpreter see little new code.  Here the input bytes are
 * choices for a small generator of well-typed code: nested blocks, loops
 * and ifs (with and without an i32 result), br/br_if/br_table to any
 * enclosing label, calls, locals, loads and stores, i32/i64 arithmetic,
 * select, memory.size/grow.  Every function has type (i32 i32) -> i32.
 *
 * Oracles besides the sanitizers:
 *   - the engine must accept every generated module (a rejection is a
 *     validator bug: abort);
 *   - each export, called twice on two fresh instances with the same
 *     arguments, must end the same way with the same result (catches
 *     reads of uninitialised state).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../host/host_alloc.h"
#include "../wasm.h"

#define GEN_MAX_FUNCS 4         /* functions per module */
#define GEN_MAX_DEPTH 6         /* nesting of expressions and blocks */
#define GEN_MAX_BODY 8192       /* bytes of one function body */
#define GEN_MAX_LABELS 64       /* enclosing labels tracked */
#define GEN_FUEL 3000           /* safe points per call */
#define GEN_MAX_MODULE (GEN_MAX_FUNCS * (GEN_MAX_BODY + 8) + 256)

/* The generator: input bytes as choices, a body being written, labels. */
typedef struct {
    const uint8_t *in;
    size_t nin, pos;
    uint8_t body[GEN_MAX_BODY];
    size_t len;
    bool full;                  /* body space ran low: only leaves now */
    uint8_t arity[GEN_MAX_LABELS];  /* per enclosing label: 0 or 1 (i32) */
    int nlabels;
    uint32_t nfuncs;
} gen;

/* The next choice byte (0 once the input is used up). */
static uint8_t g_byte(gen *g)
{
    return g->pos < g->nin ? g->in[g->pos++] : 0;
}

/* A choice in [0, n). */
static uint32_t g_pick(gen *g, uint32_t n)
{
    return g_byte(g) % n;
}

static void g_emit(gen *g, uint8_t b)
{
    if (g->len < GEN_MAX_BODY)
        g->body[g->len++] = b;
    if (g->len + 1024 > GEN_MAX_BODY)   /* room to close what is open */
        g->full = true;
}

/* Signed LEB128 (i32.const, i64.const). */
static void g_sleb(gen *g, int64_t v)
{
    for (;;) {
        uint8_t b = v & 0x7f;
        v >>= 7;
        if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
            g_emit(g, b);
            return;
        }
        g_emit(g, b | 0x80);
    }
}

/* Unsigned LEB128 into any buffer; returns the bytes written. */
static size_t leb_u(uint8_t *out, uint32_t v)
{
    size_t n = 0;
    do {
        out[n] = v & 0x7f;
        v >>= 7;
        out[n] |= v ? 0x80 : 0;
        n++;
    } while (v);
    return n;
}

static void g_uleb(gen *g, uint32_t v)
{
    uint8_t b[5];
    size_t n = leb_u(b, v);
    for (size_t i = 0; i < n; i++)
        g_emit(g, b[i]);
}

static void g_expr(gen *g, int depth);
static void g_stmts(gen *g, int depth);

/* A 32-bit constant: small, edge or random. */
static void g_const(gen *g)
{
    static const int32_t edges[] = {0, 1, -1, INT32_MIN, INT32_MAX, 31, 32,
                                    65535, 65536, 4096};
    uint8_t k = g_byte(g);
    int32_t v;
    if (k < 128) {
        v = (int32_t)(k % 16) - 4;
    } else if (k < 200) {
        v = edges[k % 10];
    } else {
        uint32_t r = (uint32_t)g_byte(g) | (uint32_t)g_byte(g) << 8 |
                     (uint32_t)g_byte(g) << 16 | (uint32_t)g_byte(g) << 24;
        v = (int32_t)r;
    }
    g_emit(g, 0x41);
    g_sleb(g, v);
}

/* Enters a block/loop/if whose label has `arity` (0 or 1) values. */
static bool g_push_label(gen *g, uint8_t arity)
{
    if (g->nlabels == GEN_MAX_LABELS)
        return false;
    g->arity[g->nlabels++] = arity;
    return true;
}

/* A label index (relative depth) whose arity is `arity`; -1 if none. */
static int g_label(gen *g, uint8_t arity)
{
    int start = (int)g_pick(g, (uint32_t)g->nlabels + 1);
    for (int k = 0; k < g->nlabels; k++) {
        int d = (start + k) % g->nlabels;
        if (g->arity[g->nlabels - 1 - d] == arity)
            return d;
    }
    return -1;
}

/* A branch (br_if, br_table or br) to an enclosing label of arity 0;
 * leaves the stack as it found it (br makes the rest unreachable, which
 * is still valid). */
static void g_branch(gen *g, int depth)
{
    int l = g_label(g, 0);
    uint32_t kind = g_pick(g, 4);
    if (l < 0)
        return;
    if (kind == 3 && g->nlabels > 0) {      /* br_table over arity-0 labels */
        uint32_t n = g_pick(g, 4);
        int ls[5];
        for (uint32_t i = 0; i <= n; i++)
            ls[i] = g_label(g, 0);
        g_expr(g, depth + 1);
        g_emit(g, 0x0e);
        g_uleb(g, n);
        for (uint32_t i = 0; i <= n; i++)
            g_uleb(g, (uint32_t)ls[i]);
        return;
    }
    if (kind == 2) {
        g_emit(g, 0x0c);                   /* br */
    } else {
        g_expr(g, depth + 1);
        g_emit(g, 0x0d);                   /* br_if */
    }
    g_uleb(g, (uint32_t)l);
}

/* One statement: leaves nothing on the stack. */
static void g_stmt(gen *g, int depth)
{
    uint32_t k = g->full || depth >= GEN_MAX_DEPTH ? 0 : g_pick(g, 8);
    switch (k) {
    case 0:                                 /* local.set */
        g_expr(g, depth + 1);
        g_emit(g, 0x21);
        g_uleb(g, g_pick(g, 4));
        break;
    case 1:                                 /* i32.store */
        g_expr(g, depth + 1);
        g_expr(g, depth + 1);
        g_emit(g, 0x36);
        g_uleb(g, 2);
        g_uleb(g, g_pick(g, 64));
        break;
    case 2:                                 /* block or loop, no result */
    case 3:
        if (!g_push_label(g, 0))
            break;
        g_emit(g, k == 2 ? 0x02 : 0x03);
        g_emit(g, 0x40);
        g_stmts(g, depth + 1);
        g->nlabels--;
        g_emit(g, 0x0b);
        break;
    case 4:                                 /* if/else, no result */
        g_expr(g, depth + 1);
        if (!g_push_label(g, 0)) {
            g_emit(g, 0x1a);
            break;
        }
        g_emit(g, 0x04);
        g_emit(g, 0x40);
        g_stmts(g, depth + 1);
        g_emit(g, 0x05);
        g_stmts(g, depth + 1);
        g->nlabels--;
        g_emit(g, 0x0b);
        break;
    case 5:
    case 6:
        g_branch(g, depth);
        break;
    default:                                /* drop an expression */
        g_expr(g, depth + 1);
        g_emit(g, 0x1a);
        break;
    }
}

/* Zero to three statements. */
static void g_stmts(gen *g, int depth)
{
    uint32_t n = g_pick(g, 4);
    for (uint32_t i = 0; i < n; i++)
        g_stmt(g, depth);
}

/* A block or loop with an i32 result; inside, maybe a br_if carrying a
 * value to the block (loops take no values: they branch empty). */
static void g_block_expr(gen *g, int depth, bool loop)
{
    if (!g_push_label(g, loop ? 0 : 1)) {
        g_const(g);
        return;
    }
    g_emit(g, loop ? 0x03 : 0x02);
    g_emit(g, 0x7f);
    g_stmts(g, depth + 1);
    if (!loop && g_pick(g, 2)) {            /* br_if 0 with a value */
        g_expr(g, depth + 1);
        g_expr(g, depth + 1);
        g_emit(g, 0x0d);
        g_uleb(g, 0);
        g_emit(g, 0x1a);
    }
    g_expr(g, depth + 1);
    g->nlabels--;
    g_emit(g, 0x0b);
}

/* i32 binary and unary operators worth mixing. */
static const uint8_t gen_binops[] = {
    0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74,
    0x75, 0x76, 0x77, 0x78, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c,
    0x4d, 0x4e, 0x4f,
};
static const uint8_t gen_unops[] = {0x45, 0x67, 0x68, 0x69, 0xc0, 0xc1};

/* One expression: leaves exactly one i32 on the stack. */
static void g_expr(gen *g, int depth)
{
    uint32_t k = g->full || depth >= GEN_MAX_DEPTH ? g_pick(g, 2)
                                                    : g_pick(g, 14);
    switch (k) {
    case 0: g_const(g); break;
    case 1: g_emit(g, 0x20); g_uleb(g, g_pick(g, 4)); break;
    case 2: case 3:
        g_expr(g, depth + 1);
        g_expr(g, depth + 1);
        g_emit(g, gen_binops[g_pick(g, sizeof gen_binops)]);
        break;
    case 4:
        g_expr(g, depth + 1);
        g_emit(g, gen_unops[g_pick(g, sizeof gen_unops)]);
        break;
    case 5:                                 /* i32.load */
        g_expr(g, depth + 1);
        g_emit(g, 0x28);
        g_uleb(g, 2);
        g_uleb(g, g_pick(g, 64));
        break;
    case 6:                                 /* call */
        g_expr(g, depth + 1);
        g_expr(g, depth + 1);
        g_emit(g, 0x10);
        g_uleb(g, g_pick(g, g->nfuncs));
        break;
    case 7: g_block_expr(g, depth, false); break;
    case 8: g_block_expr(g, depth, true); break;
    case 9:                                 /* if/else with a result */
        g_expr(g, depth + 1);
        if (!g_push_label(g, 1)) {
            g_emit(g, 0x45);
            break;
        }
        g_emit(g, 0x04);
        g_emit(g, 0x7f);
        g_expr(g, depth + 1);
        g_emit(g, 0x05);
        g_expr(g, depth + 1);
        g->nlabels--;
        g_emit(g, 0x0b);
        break;
    case 10:                                /* select */
        g_expr(g, depth + 1);
        g_expr(g, depth + 1);
        g_expr(g, depth + 1);
        g_emit(g, 0x1b);
        break;
    case 11:                                /* local.tee */
        g_expr(g, depth + 1);
        g_emit(g, 0x22);
        g_uleb(g, g_pick(g, 4));
        break;
    case 12:                                /* memory.grow / memory.size */
        if (g_pick(g, 2)) {
            g_expr(g, depth + 1);
            g_emit(g, 0x40);
        } else {
            g_emit(g, 0x3f);
        }
        g_emit(g, 0x00);
        break;
    default:                                /* through i64 and back */
        g_expr(g, depth + 1);
        g_emit(g, g_pick(g, 2) ? 0xac : 0xad);  /* extend_i32_s/u */
        g_emit(g, 0x42);
        g_sleb(g, (int64_t)g_byte(g) - 128);
        g_emit(g, 0x7c + g_pick(g, 3));         /* i64.add/sub/mul */
        g_emit(g, 0xa7);                        /* i32.wrap_i64 */
        break;
    }
}

/* Appends section `id` with contents b[0..n) to out. */
static size_t put_section(uint8_t *out, uint8_t id, const uint8_t *b,
                          size_t n)
{
    size_t k = 0;
    out[k++] = id;
    k += leb_u(out + k, (uint32_t)n);
    memcpy(out + k, b, n);
    return k + n;
}

/*
 * Builds the module for the input into out (GEN_MAX_MODULE bytes); returns
 * its length.  Type 0 = (i32 i32) -> i32; memory 1 page (max 2); every
 * function exported as "f<i>".
 */
static size_t gen_module(gen *g, uint8_t *out)
{
    static uint8_t code[GEN_MAX_FUNCS * (GEN_MAX_BODY + 8) + 8];
    static const uint8_t types[] = {1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f};
    static const uint8_t mems[] = {1, 1, 1, 2};
    uint8_t funcs[GEN_MAX_FUNCS + 1], exps[GEN_MAX_FUNCS * 5 + 1];
    size_t n = 8, nc = 1, ne = 1;
    memcpy(out, "\0asm\1\0\0\0", 8);
    g->nfuncs = 1 + g_pick(g, GEN_MAX_FUNCS);
    funcs[0] = exps[0] = code[0] = (uint8_t)g->nfuncs;
    for (uint32_t i = 0; i < g->nfuncs; i++) {
        funcs[1 + i] = 0;
        exps[ne++] = 2;
        exps[ne++] = 'f';
        exps[ne++] = (uint8_t)('0' + i);
        exps[ne++] = 0;
        exps[ne++] = (uint8_t)i;
        g->len = 0;
        g->full = false;
        g->nlabels = 0;
        g_push_label(g, 1);                  /* the function's own label */
        g_emit(g, 1);                        /* locals: 2 x i32 */
        g_emit(g, 2);
        g_emit(g, 0x7f);
        g_stmts(g, 0);
        g_expr(g, 0);
        g_emit(g, 0x0b);
        nc += leb_u(code + nc, (uint32_t)g->len);
        memcpy(code + nc, g->body, g->len);
        nc += g->len;
    }
    n += put_section(out + n, 1, types, sizeof types);
    n += put_section(out + n, 3, funcs, 1 + g->nfuncs);
    n += put_section(out + n, 5, mems, sizeof mems);
    n += put_section(out + n, 7, exps, ne);
    n += put_section(out + n, 10, code, nc);
    return n;
}

/* ---- running ------------------------------------------------------------ */

static wasm_hook_action gen_stop(wasm_exec *ex, void *ctx)
{
    (void)ex;
    (void)ctx;
    return WASM_HOOK_STOP;
}

/* How one call ended, for comparing two runs. */
typedef struct {
    wasm_status status;
    wasm_trap trap;
    uint32_t result;
} gen_outcome;

/* Instantiates m afresh and calls export i with (a, b). */
static gen_outcome gen_call(const wasm_runtime *rt, const wasm_module *m,
                            uint32_t i, uint32_t a, uint32_t b)
{
    gen_outcome o = {WASM_OK, WASM_TRAP_NONE, 0};
    wasm_error err;
    wasm_instance *inst = wasm_instantiate(rt, m, NULL, 0, &err);
    wasm_exec *ex = inst ? wasm_exec_new(rt) : NULL;
    char name[3] = {'f', (char)('0' + i), 0};
    wasm_extern e;
    if (!inst || !ex || !wasm_instance_export(inst, name, &e))
        abort();                    /* a valid, import-free module */
    wasm_value args[2] = {{WASM_I32, {.i32 = a}}, {WASM_I32, {.i32 = b}}};
    wasm_exec_set_hook(ex, gen_stop, NULL);
    wasm_exec_set_fuel(ex, GEN_FUEL);
    wasm_result r = wasm_call(ex, e.of.func, args, 2);
    o.status = r.status;
    o.trap = r.trap;
    if (r.status == WASM_TRAPPED && !r.message)
        abort();
    if (r.status == WASM_OK) {
        wasm_value v;
        if (wasm_exec_results(ex, &v, 1) != 1 || v.type != WASM_I32)
            abort();
        o.result = v.of.i32;
    }
    wasm_exec_free(ex);
    wasm_instance_free(inst);
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's entry: generate, load (must succeed), run each export twice. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t bytes[GEN_MAX_MODULE];
    static gen g;
    wasm_allocator al = host_allocator();
    wasm_runtime rt;
    wasm_error err;
    wasm_module *m;
    size_t len;
    memset(&g, 0, sizeof g);
    g.in = data;
    g.nin = size;
    len = gen_module(&g, bytes);
    wasm_runtime_init(&rt, al);
    rt.max_memory_pages = 16;
    rt.max_call_depth = 500;
    if (!(m = wasm_module_load(&rt, bytes, len, &err)))
        abort();    /* the generator only writes valid modules */
    for (uint32_t i = 0; i < g.nfuncs; i++) {
        uint32_t a = g_byte(&g), b = (uint32_t)g_byte(&g) << 24;
        gen_outcome x = gen_call(&rt, m, i, a, b);
        gen_outcome y = gen_call(&rt, m, i, a, b);
        if (memcmp(&x, &y, sizeof x) != 0)
            abort();    /* the same call on the same state must agree */
    }
    wasm_module_free(m);
    return 0;
}
