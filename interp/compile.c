/*
 * compile.c: validates a function body and compiles it, in one pass, into
 * slot code (ops.h).
 *
 * The frame of a running function is one array of 64-bit slots:
 *
 *     [ params | declared locals | constants | operand-stack temporaries ]
 *
 * An operand at stack height i that had to be computed lives in temporary
 * slot i.  A local.get or a constant pushes no code at all: its operand
 * entry just remembers the local's or the constant's slot, and the
 * instruction that consumes it names that slot directly.  Such "lazy"
 * entries are copied into their own temporaries ("materialized") where a
 * value must sit in its canonical slot: at block boundaries, as call
 * arguments, and before a local.set overwrites a local still referenced.
 * Only the bottom WL_LAZY_MAX stack positions may hold lazy locals, so
 * that those checks never scan a deep stack.
 *
 * Control flow (blocks, branches, calls) is in control.c.
 */
#include "compile.h"

/* Records a validation error at the current instruction. */
bool cc_fail(cc *c, wasm_error_kind kind, const char *msg)
{
    if (!c->failed)
        wr_fail_at(c->r, kind, c->op_at, msg);
    c->failed = true;
    return false;
}

/* Grows a scratch array to hold `need` elements of `elem` bytes. */
bool cc_grow(cc *c, void **buf, uint32_t *cap, size_t elem, uint32_t need)
{
    if (need <= *cap)
        return true;
    uint32_t ncap = *cap ? *cap : 64;
    while (ncap < need)
        ncap *= 2;
    void *nb = wl_alloc(c->m->rt, (size_t)ncap * elem);
    if (!nb)
        return cc_fail(c, WASM_ERR_NOMEM, "out of memory");
    if (*buf) {
        memcpy(nb, *buf, (size_t)*cap * elem);
        wl_free(c->m->rt, *buf, (size_t)*cap * elem);
    }
    *buf = nb;
    *cap = ncap;
    return true;
}

/* True while compiling unreachable code: nothing is emitted then. */
bool cc_dead(const cc *c)
{
    const cc_ctrl *t = &c->cs[c->nc - 1];
    return t->unreachable || t->dead;
}

/* Appends one word (nothing in unreachable code). */
void cc_word(cc *c, uint32_t w)
{
    if (c->failed || cc_dead(c) ||
        !cc_grow(c, (void **)&c->code, &c->capcode, 4, c->ncode + 1))
        return;
    c->code[c->ncode++] = w;
}

/*
 * cc_fuse_last_two: as a new op starts, or a label is placed, the two
 * ops before are final (every fusion that takes an op back takes the
 * last one, and none looks back across a label), so a pair of them with
 * no label between (cur_op is NO_LABEL after one) may become
 * one superinstruction: a COPY, then a plain i32.load, a forward
 * BR_UNLESS or a LOOP_BR_IF; two i32.adds in a row; a plain load
 * whose result a plain store of the same width stores (a field copy:
 * an i32, an i64 or a byte; `feeds` names the store's value word, which
 * must be the load's destination word); an f64.load, then an f64.mul or
 * an f64.add; an i32.add or i32.and, then an i32.load8_u (a string
 * walked byte by byte); an i32.add or an i32.load, then a loop's
 * BR_IF (a counter or a pointer advanced, then the back edge); two
 * i32.stores (a struct's fields set); a COPY or two, then a BR or a
 * LOOP_BR (a branch's moves, and its jump); an i32.add, then a CALL (an
 * argument computed, `f(n - 1)`); an i64.add, then a RETURN1 (`return a
 * + b`); two field copies in a row (a fused op and the one before it:
 * see below); a forward BR_IF or BR_UNLESS, then a LOOP_BR (a loop whose
 * exit test comes last: `br_if $exit; br $loop`).  Only the first
 * op word changes: the second op keeps its words, its op word now
 * skipped, so no position the compiler has recorded moves (not even a
 * branch's target word, still waiting in a chain for its label).
 * The fused op is then the last op (cur_op): the second op is no longer
 * one of its own, so nothing can take it back from under the fused one,
 * and the fused op may pair with the op after it in turn (a rule whose
 * first op is a fused one: OP_COPY_LOAD, then the load and br_table of a
 * guest interpreter's dispatch; an f64.load and f64.add, then the
 * f64.store of the sum), or with the op before it, at once (a rule whose
 * second op is a fused one: a field copy, then another).
 */
void cc_fuse_last_two(cc *c)
{
    static const struct {
        uint16_t first, first_len, second, second_len, feeds, fused;
    } pairs[] = {
        { OP_COPY, 3, 0x28, 4, 0, OP_COPY_LOAD },
        { OP_COPY, 3, OP_BR_UNLESS, 3, 0, OP_COPY_BR_UNLESS },
        { OP_COPY, 3, OP_LOOP_BR_IF, 3, 0, OP_COPY_LOOP_BR_IF },
        { 0x6a, 4, 0x6a, 4, 0, OP_ADD2 },
        { 0x28, 4, 0x36, 4, 2, OP_LOAD_STORE },
        { 0x29, 4, 0x37, 4, 2, OP_LOAD_STORE64 },
        { 0x2d, 4, 0x3a, 4, 2, OP_LOAD_STORE8 },
        { 0x2b, 4, 0xa2, 4, 0, OP_LOAD_MUL_F64 },
        { 0x2b + OP_ADDR_ADD, 5, 0xa2, 4, 0, OP_LOAD2_MUL_F64 },
        { 0x2b, 4, 0xa0, 4, 0, OP_LOAD_ADD_F64 },
        { OP_LOAD_ADD_F64, 8, 0x39, 4, 0, OP_LOAD_ADD_STORE_F64 },
        { OP_COPY_LOAD, 7, 0x28 + OP_ADDR_SCALED + OP_LOAD_BR_TABLE, 7, 0,
          OP_COPY_LOAD_BR_TABLE },
        { 0x6a, 4, 0x2d, 4, 0, OP_ADD_LOAD8 },
        { 0x71, 4, 0x2d, 4, 0, OP_AND_LOAD8 },
        { 0x6a, 4, OP_LOOP_BR_IF, 3, 0, OP_ADD_LOOP_BR_IF },
        { 0x28, 4, OP_LOOP_BR_IF, 3, 0, OP_LOAD_LOOP_BR_IF },
        { 0x36, 4, 0x36, 4, 0, OP_STORE2 },
        { OP_COPY, 3, OP_BR, 2, 0, OP_COPY_BR },
        { OP_COPY, 3, OP_LOOP_BR, 2, 0, OP_COPY_LOOP_BR },
        { OP_COPY2, 5, OP_LOOP_BR, 2, 0, OP_COPY2_LOOP_BR },
        { 0x6a, 4, OP_CALL, 3, 0, OP_ADD_CALL },
        { 0x7c, 4, OP_RETURN1, 2, 0, OP_ADD64_RETURN1 },
        { OP_LOAD_STORE, 8, OP_LOAD_STORE, 8, 0, OP_LOAD_STORE2 },
        { OP_BR_IF, 3, OP_LOOP_BR, 2, 0, OP_BR_IF_LOOP_BR },
        { OP_BR_UNLESS, 3, OP_LOOP_BR, 2, 0, OP_BR_UNLESS_LOOP_BR },
    };
    if (c->failed || cc_dead(c))
        return;
    for (;;) {
        uint32_t p = c->prev_op, q = c->cur_op;
        size_t i = 0, n = sizeof pairs / sizeof pairs[0];
        if (p == NO_LABEL || q == NO_LABEL)
            return;
        /* positions first: in code compiled as unreachable, cur_op and
         * prev_op may name ops never written, at or past ncode */
        while (i < n &&
               !(p + pairs[i].first_len == q &&
                 q + pairs[i].second_len == c->ncode &&
                 c->code[p] == pairs[i].first &&
                 c->code[q] == pairs[i].second &&
                 (!pairs[i].feeds ||
                  c->code[q + pairs[i].feeds] == c->code[p + 1])))
            i++;
        if (i == n)
            return;
        c->code[p] = pairs[i].fused;
        c->cur_op = p;
        c->prev_op = c->prev2_op;     /* the fused op may fuse with the */
        c->prev2_op = NO_LABEL;       /* one before it in turn */
    }
}

/* Starts an instruction; it ends the window of the local.set peephole.
 * cur_op/prev_op remember where the last two ops start, for fusing them
 * (control.c: unemit_operand; cc_fuse_last_two), and prev2_op the one
 * before, which becomes prev_op again when cc_unemit takes the last op
 * back. */
void cc_op(cc *c, uint32_t op)
{
    cc_fuse_last_two(c);
    c->last_dst = NO_LABEL;
    c->prev2_op = c->prev_op;
    c->prev_op = c->cur_op;
    c->cur_op = c->ncode;
    cc_word(c, op);
}

/* Appends a slot word, remembering tagged ones for the final fix-up. */
void cc_slot(cc *c, uint32_t slot)
{
    if (c->failed || cc_dead(c))
        return;
    if ((slot & (SLOT_TEMP | SLOT_CONST)) &&
        cc_grow(c, (void **)&c->fix, &c->capfix, 4, c->nfix + 1))
        c->fix[c->nfix++] = c->ncode;
    cc_word(c, slot);
}

/* Pushes an operand; a temporary's slot is its height. */
void cc_push(cc *c, uint8_t type, uint8_t kind, uint32_t slot)
{
    if (c->h >= WL_MAX_HEIGHT) {
        cc_fail(c, WASM_ERR_INVALID, "operand stack too deep");
        return;
    }
    if (!cc_grow(c, (void **)&c->vs, &c->capvs, sizeof(cc_val), c->h + 1))
        return;
    cc_val *v = &c->vs[c->h];
    v->type = type;
    v->kind = kind;
    v->slot = kind == VK_TEMP ? (SLOT_TEMP | c->h) : slot;
    c->h++;
    if (c->h > c->maxh)
        c->maxh = c->h;
}

/* Pushes the result of the instruction being emitted and emits its
 * destination slot word, noting it for the local.set peephole. */
void cc_push_result(cc *c, uint8_t type)
{
    cc_push(c, type, VK_TEMP, 0);
    if (c->failed || cc_dead(c))
        return;
    c->last_dst = c->ncode;
    c->last_h = c->h - 1;
    cc_slot(c, SLOT_TEMP | (c->h - 1));
}

/*
 * cc_pop: pops the top operand into *out and checks its type: `want` is
 * the value type the instruction needs, or 0 for any.  The operands of
 * the innermost control frame t = c->cs[c->nc - 1] are the entries
 * c->vs[t->height .. c->h).  Returns true on success; on a type error it
 * returns cc_fail(c, WASM_ERR_INVALID, "type mismatch").
 *
 *   - Above t->height: the entry c->vs[c->h - 1] is removed into *out;
 *     it is a mismatch when both want and the entry's type are known
 *     (nonzero) and differ.
 *   - At t->height the frame has no operand left.  Popping through the
 *     frame's base would take a value of the enclosing block: a mismatch,
 *     unless the frame is unreachable (t->unreachable: after br, return,
 *     unreachable...), where the stack is polymorphic: the pop succeeds
 *     with an unknown operand, type 0 (it matches any type), kind VK_TEMP,
 *     slot SLOT_TEMP | c->h, and the height stays.  *out is set so in
 *     both cases.
 *
 * No instruction may ever see a value of the wrong type or a value that
 * is not there: at run time the interpreter trusts these checks.
 */
bool cc_pop(cc *c, uint8_t want, cc_val *out)
{
    // LAB 3: your code here (cc_pop)
    (void)want;
    out->type = 0;
    out->kind = VK_TEMP;
    out->slot = SLOT_TEMP | c->h;
    return cc_fail(c, WASM_ERR_INVALID, "lab 3: cc_pop is not written yet");
}

/* The slot of a function constant (shared by equal constants), or
 * NO_LABEL when the function has too many distinct ones. */
uint32_t cc_const(cc *c, uint64_t bits)
{
    const uint32_t mask = 2 * WL_MAX_CONSTS - 1;
    if (!c->consts) {
        c->consts = wl_alloc(c->m->rt, WL_MAX_CONSTS * sizeof(uint64_t) +
                                       2 * WL_MAX_CONSTS * sizeof(uint16_t));
        if (!c->consts) {
            cc_fail(c, WASM_ERR_NOMEM, "out of memory");
            return NO_LABEL;
        }
    }
    /* a hash table of constant index + 1 sits after the constants */
    uint16_t *table = (uint16_t *)(c->consts + WL_MAX_CONSTS);
    uint32_t k = (uint32_t)((bits * 0x9e3779b97f4a7c15ull) >> 40) & mask;
    for (; table[k]; k = (k + 1) & mask)
        if (c->consts[table[k] - 1] == bits)
            return SLOT_CONST | (table[k] - 1u);
    if (c->nconsts >= WL_MAX_CONSTS)
        return NO_LABEL;
    c->consts[c->nconsts] = bits;
    table[k] = (uint16_t)++c->nconsts;
    return SLOT_CONST | (c->nconsts - 1);
}

/* Emits `COPY dst src`.  Right after another COPY, with no label between
 * them (a branch may land on the second one only if it stays an op of
 * its own), the two become one OP_COPY2, which does both in turn: the
 * moves of a branch and the local.sets of a loop's tail often come in
 * pairs. */
void cc_copy(cc *c, uint32_t dst, uint32_t src)
{
    if (!c->failed && !cc_dead(c) && c->cur_op != NO_LABEL &&
        c->cur_op + 3 == c->ncode && c->code[c->cur_op] == OP_COPY) {
        c->code[c->cur_op] = OP_COPY2;
        c->last_dst = NO_LABEL;
    } else {
        cc_op(c, OP_COPY);
    }
    cc_slot(c, dst);
    cc_slot(c, src);
}

/* Copies operand i into its own temporary (see the file comment). */
void cc_materialize(cc *c, uint32_t i)
{
    cc_val *v = &c->vs[i];
    if (v->kind == VK_TEMP)
        return;
    cc_copy(c, SLOT_TEMP | i, v->slot);
    v->kind = VK_TEMP;
    v->slot = SLOT_TEMP | i;
}

/* Before `local` is written: materializes the operands still naming it.
 * Only the current frame can hold such operands (block entry
 * materializes all lazy locals). */
void cc_flush_locals(cc *c, uint32_t local)
{
    uint32_t top = c->h < WL_LAZY_MAX ? c->h : WL_LAZY_MAX;
    for (uint32_t i = c->cs[c->nc - 1].height; i < top; i++)
        if (c->vs[i].kind == VK_LOCAL && c->vs[i].slot == local)
            cc_materialize(c, i);
}

/* local.get: a lazy operand naming the local, except high on the stack
 * (see WL_LAZY_MAX), where the value is copied at once. */
void cc_push_local(cc *c, uint32_t local)
{
    if (c->h < WL_LAZY_MAX) {
        cc_push(c, c->ltypes[local], VK_LOCAL, local);
        return;
    }
    cc_op(c, OP_COPY);
    cc_push_result(c, c->ltypes[local]);
    cc_slot(c, local);
}

/* After br, br_table, return or unreachable: the rest of the frame is
 * unreachable and its stack polymorphic.  The last two ops are final
 * then (nothing is emitted until a label), so they may fuse (the moves
 * of a br and its jump). */
void cc_set_unreachable(cc *c)
{
    cc_ctrl *t = &c->cs[c->nc - 1];
    cc_fuse_last_two(c);
    c->cur_op = c->prev_op = c->prev2_op = NO_LABEL;
    t->unreachable = true;
    c->h = t->height;
    c->last_dst = NO_LABEL;
}

/* Reads the local declarations; fills c->ltypes, c->nlocals. */
static bool read_locals(cc *c, const wasm_functype *ft)
{
    wl_reader *r = c->r;
    uint32_t groups = wr_u32(r);
    const uint8_t *start = r->p;
    uint64_t total = ft->nparams;
    for (uint32_t g = 0; g < groups && !r->failed; g++) {
        total += wr_u32(r);
        wr_u8(r);
        if (total > WL_MAX_LOCALS) {
            c->op_at = start;
            return cc_fail(c, WASM_ERR_MALFORMED, "too many locals");
        }
    }
    if (r->failed)
        return false;
    c->nlocals = (uint32_t)total;
    c->nparams = ft->nparams;
    c->ltypes = wl_alloc(c->m->rt, c->nlocals + 1);
    if (!c->ltypes)
        return cc_fail(c, WASM_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < ft->nparams; i++)
        c->ltypes[i] = (uint8_t)ft->params[i];
    r->p = start;
    for (uint32_t g = 0, k = ft->nparams; g < groups; g++) {
        uint32_t n = wr_u32(r);
        c->op_at = r->p;
        uint8_t t = wr_u8(r);
        if (t == WASM_V128)
            return cc_fail(c, WASM_ERR_MALFORMED, "SIMD not supported");
        if (!wl_is_valtype(t))
            return cc_fail(c, WASM_ERR_MALFORMED, "malformed value type");
        while (n--)
            c->ltypes[k++] = t;
    }
    return true;
}

/* Turns tagged slot words into frame indices and stores the function's
 * code, constants and frame size in the module. */
static bool finish(cc *c, wl_code *out, const wasm_functype *ft)
{
    uint32_t cbase = c->nlocals, tbase = c->nlocals + c->nconsts;
    for (uint32_t i = 0; i < c->nfix; i++) {
        uint32_t *w = &c->code[c->fix[i]];
        if (*w & SLOT_CONST)
            *w = cbase + (*w & SLOT_MASK);
        else if (*w & SLOT_TEMP)
            *w = tbase + (*w & SLOT_MASK);
    }
    wl_arena *a = &c->m->arena;
    uint32_t *code = wl_arena_alloc(a, (size_t)c->ncode * 4 + 4);
    out->ninit = c->nlocals - c->nparams + c->nconsts;
    /* at least WL_INIT_FAST slots: a call copies that many at once */
    uint32_t ncopy = out->ninit > WL_INIT_FAST ? out->ninit : WL_INIT_FAST;
    uint64_t *init = wl_arena_alloc(a, (size_t)ncopy * 8);
    if (!code || !init)
        return cc_fail(c, WASM_ERR_NOMEM, "out of memory");
    memcpy(code, c->code, (size_t)c->ncode * 4);
    memcpy(init + (c->nlocals - c->nparams), c->consts,
           (size_t)c->nconsts * 8);
    out->code = code;
    out->ncode = c->ncode;
    out->init = init;
    out->nparams = ft->nparams;
    out->nresults = ft->nresults;
    out->nlocals = c->nlocals;
    out->frame = tbase + c->maxh + 1;
    if (out->frame < c->nparams + WL_INIT_FAST)
        out->frame = c->nparams + WL_INIT_FAST;
    return true;
}

/* Frees the compiler's scratch arrays. */
static void cc_free(cc *c)
{
    const wasm_runtime *rt = c->m->rt;
    wl_free(rt, c->code, (size_t)c->capcode * 4);
    wl_free(rt, c->fix, (size_t)c->capfix * 4);
    wl_free(rt, c->vs, (size_t)c->capvs * sizeof(cc_val));
    wl_free(rt, c->cs, (size_t)c->capcs * sizeof(cc_ctrl));
    wl_free(rt, c->scr, (size_t)c->capscr * sizeof(cc_val));
    wl_free(rt, c->ltypes, c->nlocals + 1);
    wl_free(rt, c->consts, WL_MAX_CONSTS * sizeof(uint64_t) +
                           2 * WL_MAX_CONSTS * sizeof(uint16_t));
}

/* Validates and compiles the body of defined function fidx (see wasm_int.h). */
bool wl_compile(wasm_module *m, uint32_t fidx, wl_reader *r)
{
    cc c = { .m = m, .r = r, .op_at = r->p, .last_dst = NO_LABEL,
             .cur_op = NO_LABEL, .prev_op = NO_LABEL, .prev2_op = NO_LABEL };
    const wasm_functype *ft = &m->types[m->func_types[fidx]].ft;
    wasm_error *err = r->err, local = { 0 };
    bool ok = read_locals(&c, ft);
    const uint8_t *body = r->p;
    if (m->pending.kind != WASM_ERR_NONE) {   /* already invalid: decode only */
        cc_free(&c);
        return ok && wl_skip_body(r);
    }
    r->err = &local;
    cc_ctrl f = { .kind = CK_FUNC, .label = NO_LABEL, .else_ref = NO_LABEL,
                  .nresults = ft->nresults, .results = ft->results };
    ok = ok && cc_push_ctrl(&c, &f);
    while (ok && c.nc > 0) {
        c.op_at = r->p;
        uint8_t op = wr_u8(r);
        ok = !r->failed && cc_instr(&c, op) && !c.failed;
    }
    if (ok && r->p != r->end) {
        c.op_at = r->p;
        ok = cc_fail(&c, WASM_ERR_MALFORMED, "section size mismatch");
    }
    ok = ok && finish(&c, &m->codes[fidx - m->nfunc_imports], ft);
    cc_free(&c);
    r->err = err;
    if (!ok && local.kind == WASM_ERR_INVALID) {
        m->pending = local;                   /* see skip.c */
        r->p = body;
        r->failed = false;
        return wl_skip_body(r);
    }
    if (!ok && local.kind != WASM_ERR_NONE)
        *err = local;
    return ok;
}
