/*
 * compile_ops.c: one case per Wasm instruction, on top of the stacks and
 * emitters of compile.c; and constant expressions.
 *
 * Each case reads the immediates, pops and type-checks the operands,
 * emits the internal op with its slots, and pushes the result.
 */
#include "compile.h"

#define I32 WASM_I32
#define I64 WASM_I64
#define F32 WASM_F32
#define F64 WASM_F64

/* Operand and result types of the numeric opcodes 0x45..0xC4, by ranges
 * (b == 0: unary). */
static const struct { uint8_t lo, hi, a, b, r; } num_sigs[] = {
    { 0x45, 0x45, I32, 0, I32 }, { 0x46, 0x4f, I32, I32, I32 },
    { 0x50, 0x50, I64, 0, I32 }, { 0x51, 0x5a, I64, I64, I32 },
    { 0x5b, 0x60, F32, F32, I32 }, { 0x61, 0x66, F64, F64, I32 },
    { 0x67, 0x69, I32, 0, I32 }, { 0x6a, 0x78, I32, I32, I32 },
    { 0x79, 0x7b, I64, 0, I64 }, { 0x7c, 0x8a, I64, I64, I64 },
    { 0x8b, 0x91, F32, 0, F32 }, { 0x92, 0x98, F32, F32, F32 },
    { 0x99, 0x9f, F64, 0, F64 }, { 0xa0, 0xa6, F64, F64, F64 },
    { 0xa7, 0xa7, I64, 0, I32 }, { 0xa8, 0xa9, F32, 0, I32 },
    { 0xaa, 0xab, F64, 0, I32 }, { 0xac, 0xad, I32, 0, I64 },
    { 0xae, 0xaf, F32, 0, I64 }, { 0xb0, 0xb1, F64, 0, I64 },
    { 0xb2, 0xb3, I32, 0, F32 }, { 0xb4, 0xb5, I64, 0, F32 },
    { 0xb6, 0xb6, F64, 0, F32 }, { 0xb7, 0xb8, I32, 0, F64 },
    { 0xb9, 0xba, I64, 0, F64 }, { 0xbb, 0xbb, F32, 0, F64 },
    { 0xbc, 0xbc, F32, 0, I32 }, { 0xbd, 0xbd, F64, 0, I64 },
    { 0xbe, 0xbe, I32, 0, F32 }, { 0xbf, 0xbf, I64, 0, F64 },
    { 0xc0, 0xc1, I32, 0, I32 }, { 0xc2, 0xc4, I64, 0, I64 },
};

/* Saturating truncations (0xFC 0..7): operand and result types. */
static const uint8_t sat_sigs[8][2] = {
    { F32, I32 }, { F32, I32 }, { F64, I32 }, { F64, I32 },
    { F32, I64 }, { F32, I64 }, { F64, I64 }, { F64, I64 },
};

/* Pairs of integer operators that run as one op when the first one's result
 * is the second one's first operand (either operand, for a commutative
 * second one): the most frequent such pairs in the op-pair counts of
 * bench/opstats.py over the benchmarks, CoreMark and Lua. */
static const struct { uint8_t first, second, fused, commutes; } num_pairs[] = {
    { 0x6a, 0x6a, OP_ADD_ADD, 1 },     /* a + b + c: sums, addresses */
    { 0x76, 0x71, OP_SHR_AND, 0 },     /* (a >> b) & c: bit fields */
    { 0x71, 0x74, OP_AND_SHL, 0 },     /* (a & b) << c: a field scaled */
    { 0x85, 0x7e, OP_XOR_MUL64, 1 },   /* (h ^ x) * p: FNV-style hashes */
};

/* Binary operator op on va and vb: when the instruction just emitted
 * computed its operand and the pair is in num_pairs, replaces that
 * instruction by the fused op (`fused d x y z`) and returns true. */
static bool fuse_pair(cc *c, uint32_t op, cc_val va, cc_val vb, uint8_t r)
{
    for (size_t i = 0; i < sizeof num_pairs / sizeof num_pairs[0]; i++) {
        uint32_t x, y, first = num_pairs[i].first;
        cc_val other = vb;
        if (num_pairs[i].second != op)
            continue;
        if (!cc_unemit(c, va, first, first, &x, &y)) {
            if (!num_pairs[i].commutes ||
                !cc_unemit(c, vb, first, first, &x, &y))
                return false;
            other = va;
        }
        cc_op(c, num_pairs[i].fused);
        cc_push_result(c, r);
        cc_slot(c, x);
        cc_slot(c, y);
        cc_slot(c, other.slot);
        return true;
    }
    return false;
}

/* unemit_wide: if v was computed by the op just emitted, `op d w0 ..
 * w(n-1)` (n >= 2 operand slots), removes it and sets w[0..n) to its
 * operand slots (cc_unemit takes back the first two). */
static bool unemit_wide(cc *c, cc_val v, uint32_t op, uint32_t n,
                        uint32_t *w)
{
    uint32_t at = c->last_dst - 1;
    if (c->last_dst == NO_LABEL || at + 2 + n != c->ncode ||
        c->code[at] != op)
        return false;
    for (uint32_t i = 2; i < n; i++)
        w[i] = c->code[at + 2 + i];
    return cc_unemit(c, v, op, op, &w[0], &w[1]) != 0;
}

/* If v was computed by the OP_SHR_AND just emitted, removes it and sets
 * w[] to its three operand slots. */
static bool unemit_field(cc *c, cc_val v, uint32_t w[3])
{
    return unemit_wide(c, v, OP_SHR_AND, 3, w);
}

/* emit_add_of: `op d a b c e`, the fused add of a three-slot value
 * (w[]) and other, its result of type r pushed; true. */
static bool emit_add_of(cc *c, uint32_t op, uint8_t r, const uint32_t w[3],
                        cc_val other)
{
    cc_op(c, op);
    cc_push_result(c, r);
    cc_slot(c, w[0]);
    cc_slot(c, w[1]);
    cc_slot(c, w[2]);
    cc_slot(c, other.slot);
    return true;
}

/* An i32.add of a bit field just extracted by OP_SHR_AND and another
 * value, base + ((i >> 3) & 0xff0): one OP_SHR_AND_ADD (a guest
 * interpreter's operand field scaled into an offset from its base). */
static bool fuse_field_add(cc *c, cc_val va, cc_val vb, uint8_t r)
{
    uint32_t w[3];
    cc_val other = vb;
    if (!unemit_field(c, va, w)) {
        if (!unemit_field(c, vb, w))
            return false;
        other = va;
    }
    return emit_add_of(c, OP_SHR_AND_ADD, r, w, other);
}

/* If v was computed by the i32.shl or OP_AND_SHL just emitted, removes
 * it and sets w[] to the three slots of `(a & b) << c`: for a plain
 * shift, b is a constant of all ones; false when no constant slot is
 * left for it. */
static bool unemit_scale(cc *c, cc_val v, uint32_t w[3])
{
    uint32_t at = c->last_dst - 1;
    if (c->last_dst == NO_LABEL || v.kind != VK_TEMP ||
        c->code[c->last_dst] != v.slot || (SLOT_TEMP | c->last_h) != v.slot)
        return false;
    if (c->code[at] == 0x74 && at + 4 == c->ncode) {
        w[1] = cc_const(c, 0xffffffffu);
        return w[1] != NO_LABEL &&
               cc_unemit(c, v, 0x74, 0x74, &w[0], &w[2]) != 0;
    }
    return unemit_wide(c, v, OP_AND_SHL, 3, w);
}

/* An i32.add of a scaled index and a base, base + (i << 3) or base +
 * ((i & 127) << 2): one OP_AND_SHL_ADD (an array element's address; a
 * load from it then folds it in, op + OP_ADDR_SCALED). */
static bool fuse_index_add(cc *c, cc_val va, cc_val vb, uint8_t r)
{
    uint32_t w[3];
    cc_val other = vb;
    if (!unemit_scale(c, va, w)) {
        if (c->failed || !unemit_scale(c, vb, w))
            return false;
        other = va;
    }
    return emit_add_of(c, OP_AND_SHL_ADD, r, w, other);
}

/* Emits `op d a` or `op d a b` after popping operands of type a (and b). */
static bool emit_numeric(cc *c, uint32_t op, uint8_t a, uint8_t b, uint8_t r)
{
    cc_val va, vb;
    if (b && !cc_pop(c, b, &vb))
        return false;
    if (!cc_pop(c, a, &va))
        return false;
    if (op == 0x6a && !cc_dead(c) && (fuse_field_add(c, va, vb, r) ||
                                      fuse_index_add(c, va, vb, r)))
        return !c->failed;
    if (b && !cc_dead(c) && fuse_pair(c, op, va, vb, r))
        return !c->failed;
    cc_op(c, op);
    cc_push_result(c, r);
    cc_slot(c, va.slot);
    if (b)
        cc_slot(c, vb.slot);
    return !c->failed;
}

/* A numeric opcode.  Conversions that keep the bits (wrap, reinterpret)
 * emit nothing: i32 values are always read through their low 32 bits. */
static bool numeric(cc *c, uint8_t op)
{
    for (size_t i = 0; i < sizeof num_sigs / sizeof num_sigs[0]; i++) {
        if (op < num_sigs[i].lo || op > num_sigs[i].hi)
            continue;
        if (op == 0xa7 || (op >= 0xbc && op <= 0xbf)) {
            cc_val v;
            if (!cc_pop(c, num_sigs[i].a, &v))
                return false;
            cc_push(c, num_sigs[i].r, v.kind, v.slot);
            return !c->failed;
        }
        return emit_numeric(c, op, num_sigs[i].a, num_sigs[i].b,
                            num_sigs[i].r);
    }
    return cc_fail(c, WASM_ERR_MALFORMED, "illegal opcode");
}

/* Pushes a constant (a constant slot, or an OP_CONST64 when the function
 * has used up its constant slots). */
static bool constant(cc *c, uint8_t type, uint64_t bits)
{
    if (c->r->failed)
        return false;
    uint32_t s = cc_const(c, bits);
    if (c->failed)
        return false;
    if (s != NO_LABEL) {
        cc_push(c, type, VK_CONST, s);
    } else {
        cc_op(c, OP_CONST64);
        cc_push_result(c, type);
        cc_word(c, (uint32_t)bits);
        cc_word(c, (uint32_t)(bits >> 32));
    }
    return !c->failed;
}

/* Natural alignment (log2 of the access size) of loads and stores
 * 0x28..0x3E. */
static const uint8_t mem_align[23] = {
    2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2,   /* loads */
    2, 3, 2, 3, 0, 1, 0, 1, 2,                  /* stores */
};
static const uint8_t mem_type[23] = {
    I32, I64, F32, F64, I32, I32, I32, I32, I64, I64, I64, I64, I64, I64,
    I32, I64, F32, F64, I32, I32, I64, I64, I64,
};

/* Fails unless the module has memory 0. */
static bool need_memory(cc *c)
{
    if (c->m->nmems == 0)
        return cc_fail(c, WASM_ERR_INVALID, "unknown memory 0");
    return true;
}

/* If addr was computed by the OP_AND_SHL_ADD just emitted, removes it
 * and sets w[] to its four operand slots. */
static bool unemit_scaled(cc *c, cc_val addr, uint32_t w[4])
{
    return unemit_wide(c, addr, OP_AND_SHL_ADD, 4, w);
}

/* Emits the address operand(s) of a load or store: an address computed
 * by an i32.add just before is folded in (op + OP_ADDR_ADD, two slots),
 * and so is one computed by an OP_AND_SHL_ADD into a load (op +
 * OP_ADDR_SCALED, four slots: an array element). */
static void emit_address(cc *c, uint8_t op, cc_val addr, bool result,
                         uint8_t type)
{
    uint32_t a, b, w[4];
    if (result && unemit_scaled(c, addr, w)) {
        cc_op(c, op + OP_ADDR_SCALED);
        cc_push_result(c, type);
        for (int i = 0; i < 4; i++)
            cc_slot(c, w[i]);
        return;
    }
    bool fused = cc_unemit(c, addr, 0x6a, 0x6a, &a, &b) != 0;
    cc_op(c, fused ? op + OP_ADDR_ADD : op);
    if (result)
        cc_push_result(c, type);
    cc_slot(c, fused ? a : addr.slot);
    if (fused)
        cc_slot(c, b);
}

/* A load or store with its memarg. */
static bool memory_access(cc *c, uint8_t op)
{
    uint32_t align = wr_u32(c->r), offset = wr_u32(c->r);
    cc_val addr, val;
    if (c->r->failed || !need_memory(c))
        return false;
    if (align > mem_align[op - 0x28])
        return cc_fail(c, WASM_ERR_INVALID,
                       "alignment must not be larger than natural");
    uint8_t t = mem_type[op - 0x28];
    uint32_t a, off;
    if (op <= 0x35) {
        if (!cc_pop(c, I32, &addr))
            return false;
        /* an i32.load of an address just loaded: following a pointer */
        if (op == 0x28 && cc_unemit(c, addr, 0x28, 0x28, &a, &off)) {
            cc_op(c, OP_LOAD_LOAD);
            cc_push_result(c, t);
            cc_slot(c, a);
            cc_word(c, off);
        } else {
            emit_address(c, op, addr, true, t);
        }
    } else {
        if (!cc_pop(c, t, &val) || !cc_pop(c, I32, &addr))
            return false;
        emit_address(c, op, addr, false, 0);
        cc_slot(c, val.slot);
    }
    cc_word(c, offset);
    return !c->failed;
}

/* A reserved zero byte (memory.size, memory.grow, ...). */
static bool zero_byte(cc *c)
{
    uint8_t b = wr_u8(c->r);
    if (!c->r->failed && b != 0)
        return cc_fail(c, WASM_ERR_MALFORMED, "zero byte expected");
    return !c->r->failed;
}

/* An index immediate that must be below `limit`. */
static bool index_imm(cc *c, uint32_t limit, const char *unknown, uint32_t *x)
{
    *x = wr_u32(c->r);
    if (c->r->failed)
        return false;
    if (*x >= limit)
        return cc_fail(c, WASM_ERR_INVALID, unknown);
    return true;
}

/* Pops n operands of the given types (last one on top) and emits
 * `op imm... slots...` with no result.  Used by the bulk operations. */
static bool emit_effect(cc *c, uint32_t op, const uint32_t *imm, int nimm,
                        const uint8_t *types, int n)
{
    cc_val v[4];
    for (int i = n; i-- > 0;)
        if (!cc_pop(c, types[i], &v[i]))
            return false;
    cc_op(c, op);
    for (int i = 0; i < nimm; i++)
        cc_word(c, imm[i]);
    for (int i = 0; i < n; i++)
        cc_slot(c, v[i].slot);
    return !c->failed;
}

/* memory.init, data.drop, memory.copy, memory.fill (0xFC 8..11). */
static bool bulk_memory(cc *c, uint32_t sub)
{
    static const uint8_t three[3] = { I32, I32, I32 };
    uint32_t x = 0;
    if (sub == 8 || sub == 9) {
        /* without a data count the check waits for the module's end */
        if (!c->m->has_datacount && !c->m->data_use_at)
            c->m->data_use_at = c->op_at;
        if (!index_imm(c, c->m->has_datacount ? c->m->datacount : UINT32_MAX,
                       "unknown data segment", &x))
            return false;
        if (sub == 9)
            return emit_effect(c, OP_DATA_DROP, &x, 1, NULL, 0);
    }
    if (!zero_byte(c) || (sub == 10 && !zero_byte(c)) || !need_memory(c))
        return false;
    if (sub == 8)
        return emit_effect(c, OP_MEMORY_INIT, &x, 1, three, 3);
    return emit_effect(c, sub == 10 ? OP_MEMORY_COPY : OP_MEMORY_FILL,
                       NULL, 0, three, 3);
}

/* The element type of table x (after index_imm). */
static uint8_t table_type(cc *c, uint32_t x)
{
    return c->m->tables[x].elem_type;
}

/* table.init, elem.drop, table.copy (0xFC 12..14). */
static bool bulk_table(cc *c, uint32_t sub)
{
    static const uint8_t three[3] = { I32, I32, I32 };
    wasm_module *m = c->m;
    uint32_t x[2];
    if (sub == 13) {
        if (!index_imm(c, m->nelems, "unknown elem segment", &x[0]))
            return false;
        return emit_effect(c, OP_ELEM_DROP, x, 1, NULL, 0);
    }
    if (sub == 12) {                     /* table.init elem table */
        if (!index_imm(c, m->nelems, "unknown elem segment", &x[1]) ||
            !index_imm(c, m->ntables, "unknown table", &x[0]))
            return false;
        if (m->elems[x[1]].elem_type != table_type(c, x[0]))
            return cc_fail(c, WASM_ERR_INVALID, "type mismatch");
        return emit_effect(c, OP_TABLE_INIT, x, 2, three, 3);
    }
    if (!index_imm(c, m->ntables, "unknown table", &x[0]) ||
        !index_imm(c, m->ntables, "unknown table", &x[1]))
        return false;
    if (table_type(c, x[0]) != table_type(c, x[1]))
        return cc_fail(c, WASM_ERR_INVALID, "type mismatch");
    return emit_effect(c, OP_TABLE_COPY, x, 2, three, 3);
}

/* table.grow, table.size, table.fill (0xFC 15..17), table.get/set. */
static bool table_op(cc *c, uint32_t op)
{
    uint32_t x;
    cc_val v[3];
    if (!index_imm(c, c->m->ntables, "unknown table", &x))
        return false;
    uint8_t t = table_type(c, x);
    if (op == OP_TABLE_FILL) {
        const uint8_t types[3] = { I32, t, I32 };
        return emit_effect(c, op, &x, 1, types, 3);
    }
    if (op == OP_TABLE_SET) {
        const uint8_t types[2] = { I32, t };
        return emit_effect(c, op, &x, 1, types, 2);
    }
    int n = op == OP_TABLE_SIZE ? 0 : op == OP_TABLE_GET ? 1 : 2;
    const uint8_t types[2] = { op == OP_TABLE_GET ? I32 : t, I32 };
    for (int i = n; i-- > 0;)
        if (!cc_pop(c, types[i], &v[i]))
            return false;
    cc_op(c, op);
    cc_push_result(c, op == OP_TABLE_GET ? t : I32);
    cc_word(c, x);
    for (int i = 0; i < n; i++)
        cc_slot(c, v[i].slot);
    return !c->failed;
}

/* The 0xFC prefix: saturating truncation, bulk memory, table ops. */
static bool prefix_fc(cc *c)
{
    uint32_t sub = wr_u32(c->r);
    if (c->r->failed)
        return false;
    if (sub <= 7)
        return emit_numeric(c, OP_TRUNC_SAT + sub, sat_sigs[sub][0], 0,
                            sat_sigs[sub][1]);
    if (sub <= 11)
        return bulk_memory(c, sub);
    if (sub <= 14)
        return bulk_table(c, sub);
    if (sub == 15)
        return table_op(c, OP_TABLE_GROW);
    if (sub == 16)
        return table_op(c, OP_TABLE_SIZE);
    if (sub == 17)
        return table_op(c, OP_TABLE_FILL);
    return cc_fail(c, WASM_ERR_MALFORMED, "illegal opcode");
}

/* True for the numeric value types (select without a type). */
static bool is_num(uint8_t t)
{
    return t == I32 || t == I64 || t == F32 || t == F64;
}

/* select (typed: 0x1C with one value type). */
static bool select_op(cc *c, bool typed)
{
    uint8_t t = 0;
    cc_val cond, a, b;
    if (typed) {
        uint32_t n = wr_u32(c->r);
        if (c->r->failed)
            return false;
        if (n != 1)
            return cc_fail(c, WASM_ERR_INVALID, "invalid result arity");
        const uint8_t *at = c->r->p;
        t = wr_u8(c->r);
        if (!c->r->failed && !wl_is_valtype(t)) {
            c->op_at = at;
            return cc_fail(c, WASM_ERR_MALFORMED, "malformed value type");
        }
    }
    if (!cc_pop(c, I32, &cond) || !cc_pop(c, t, &b) || !cc_pop(c, t, &a))
        return false;
    if (!typed) {
        if ((a.type && !is_num(a.type)) || (b.type && !is_num(b.type)) ||
            (a.type && b.type && a.type != b.type))
            return cc_fail(c, WASM_ERR_INVALID, "type mismatch");
        t = a.type ? a.type : b.type;
    }
    cc_op(c, OP_SELECT);
    cc_push_result(c, t);
    cc_slot(c, a.slot);
    cc_slot(c, b.slot);
    cc_slot(c, cond.slot);
    return !c->failed;
}

/* True if some operand of the current frame still names `local`. */
static bool local_referenced(const cc *c, uint32_t local)
{
    uint32_t top = c->h < WL_LAZY_MAX ? c->h : WL_LAZY_MAX;
    for (uint32_t i = c->cs[c->nc - 1].height; i < top; i++)
        if (c->vs[i].kind == VK_LOCAL && c->vs[i].slot == local)
            return true;
    return false;
}

/*
 * Before the instruction just emitted (at c->cur_op, its result word
 * right after it) is retargeted to write `local`: inserts in front of it
 * one COPY for each operand still naming the local, which then names
 * that copy.  The copies read the local before the instruction writes
 * it, and they are correct on every path that reaches them: those
 * operands were pushed before the instruction, and the local cannot have
 * changed since (cc_flush_locals).  The instruction reads none of those
 * temporaries, which lie below its own operands.  So `x = x + 1` with x
 * still on the stack costs one COPY, not two (the copy of x, then the
 * sum copied into x).  Returns false, changing nothing, when the
 * instruction's words are not where this expects them, and false when
 * out of memory (cc_grow fails the compile).
 */
static bool copies_before(cc *c, uint32_t local)
{
    uint32_t at = c->cur_op, n = 0, j = c->nfix;
    uint32_t top = c->h < WL_LAZY_MAX ? c->h : WL_LAZY_MAX;
    if (at == NO_LABEL || at + 1 != c->last_dst)
        return false;
    for (uint32_t i = c->cs[c->nc - 1].height; i < top; i++)
        n += c->vs[i].kind == VK_LOCAL && c->vs[i].slot == local;
    if (!cc_grow(c, (void **)&c->code, &c->capcode, 4, c->ncode + 3 * n) ||
        !cc_grow(c, (void **)&c->fix, &c->capfix, 4, c->nfix + n))
        return false;
    memmove(c->code + at + 3 * n, c->code + at, (c->ncode - at) * 4);
    while (j > 0 && c->fix[j - 1] >= at)
        j--;
    memmove(c->fix + j + n, c->fix + j, (c->nfix - j) * 4);
    for (uint32_t k = j + n; k < c->nfix + n; k++)
        c->fix[k] += 3 * n;
    for (uint32_t i = c->cs[c->nc - 1].height, k = 0; i < top; i++) {
        if (c->vs[i].kind != VK_LOCAL || c->vs[i].slot != local)
            continue;
        c->code[at + 3 * k] = OP_COPY;
        c->code[at + 3 * k + 1] = SLOT_TEMP | i;
        c->code[at + 3 * k + 2] = local;
        c->fix[j + k] = at + 3 * k + 1;
        k++;
        c->vs[i].kind = VK_TEMP;
        c->vs[i].slot = SLOT_TEMP | i;
    }
    c->ncode += 3 * n;
    c->nfix += n;
    c->prev_op = at + 3 * (n - 1);
    c->cur_op += 3 * n;
    c->last_dst += 3 * n;
    return true;
}

/* local.set / local.tee.  When the value was just computed into its
 * temporary, the instruction that computed it is retargeted to write the
 * local directly (no copy), with copies_before when operands on the
 * stack still name the local.  A local set to its own value (local.get
 * x, local.set x) costs nothing. */
static bool local_set(cc *c, bool tee)
{
    uint32_t x;
    cc_val v;
    if (!index_imm(c, c->nlocals, "unknown local", &x) ||
        !cc_pop(c, c->ltypes[x], &v))
        return false;
    if (!cc_dead(c) && !(v.kind == VK_LOCAL && v.slot == x)) {
        if (v.kind == VK_TEMP && c->last_dst != NO_LABEL &&
            c->code[c->last_dst] == v.slot && c->last_h == c->h &&
            (!local_referenced(c, x) || copies_before(c, x))) {
            c->code[c->last_dst] = x;
            c->last_dst = NO_LABEL;
        } else {
            cc_flush_locals(c, x);
            cc_copy(c, x, v.slot);
        }
    }
    if (tee)
        cc_push_local(c, x);
    return !c->failed;
}

/* local.get, global.get, global.set. */
static bool variable(cc *c, uint8_t op)
{
    wasm_module *m = c->m;
    uint32_t x;
    cc_val v;
    if (op == 0x20) {
        if (!index_imm(c, c->nlocals, "unknown local", &x))
            return false;
        cc_push_local(c, x);
        return !c->failed;
    }
    if (!index_imm(c, m->nglobals, "unknown global", &x))
        return false;
    if (op == 0x23) {
        cc_op(c, OP_GLOBAL_GET);
        cc_push_result(c, m->globals[x].type);
        cc_word(c, x);
        return !c->failed;
    }
    if (!m->globals[x].mut)
        return cc_fail(c, WASM_ERR_INVALID, "global is immutable");
    if (!cc_pop(c, m->globals[x].type, &v))
        return false;
    cc_op(c, OP_GLOBAL_SET);
    cc_word(c, x);
    cc_slot(c, v.slot);
    return !c->failed;
}

/* call and call_indirect. */
static bool call_op(cc *c, uint8_t op)
{
    wasm_module *m = c->m;
    uint32_t x, t = 0;
    if (op == 0x10) {
        if (!index_imm(c, m->nfuncs, "unknown function", &x))
            return false;
        return cc_call(c, &m->types[m->func_types[x]].ft, OP_CALL, x, 0);
    }
    if (!index_imm(c, m->ntypes, "unknown type", &x) ||
        !index_imm(c, m->ntables, "unknown table", &t))
        return false;
    if (m->tables[t].elem_type != WASM_FUNCREF)
        return cc_fail(c, WASM_ERR_INVALID, "type mismatch");
    return cc_call(c, &m->types[x].ft, OP_CALL_INDIRECT, m->types[x].canon, t);
}

/* ref.null, ref.is_null, ref.func. */
static bool ref_op(cc *c, uint8_t op)
{
    wasm_module *m = c->m;
    uint32_t x;
    cc_val v;
    if (op == 0xd0) {
        uint8_t t = wr_u8(c->r);
        if (!c->r->failed && !wl_is_reftype(t))
            return cc_fail(c, WASM_ERR_MALFORMED, "malformed reference type");
        return constant(c, t, 0);
    }
    if (op == 0xd1) {
        if (!cc_pop(c, 0, &v))
            return false;
        if (v.type && !wl_is_reftype(v.type))
            return cc_fail(c, WASM_ERR_INVALID, "type mismatch");
        cc_op(c, OP_REF_IS_NULL);
        cc_push_result(c, I32);
        cc_slot(c, v.slot);
        return !c->failed;
    }
    if (!index_imm(c, m->nfuncs, "unknown function", &x))
        return false;
    if (!(m->declared[x / 8] & (1u << (x % 8))))
        return cc_fail(c, WASM_ERR_INVALID, "undeclared function reference");
    cc_op(c, OP_REF_FUNC);
    cc_push_result(c, WASM_FUNCREF);
    cc_word(c, x);
    return !c->failed;
}

/* memory.size and memory.grow. */
static bool memory_size_grow(cc *c, uint8_t op)
{
    cc_val n;
    if (!zero_byte(c) || !need_memory(c))
        return false;
    if (op == 0x40 && !cc_pop(c, I32, &n))
        return false;
    cc_op(c, op);
    cc_push_result(c, I32);
    if (op == 0x40)
        cc_slot(c, n.slot);
    return !c->failed;
}

/* Control instructions 0x00..0x11. */
static bool control(cc *c, uint8_t op)
{
    uint32_t x;
    switch (op) {
    case 0x00:
        cc_op(c, OP_UNREACHABLE);
        cc_set_unreachable(c);
        return !c->failed;
    case 0x01: return true;
    case 0x02: return cc_block(c, CK_BLOCK);
    case 0x03: return cc_block(c, CK_LOOP);
    case 0x04: return cc_block(c, CK_IF);
    case 0x05: return cc_else(c);
    case 0x0b: return cc_end(c);
    case 0x0c: case 0x0d:
        x = wr_u32(c->r);
        return !c->r->failed && cc_br(c, x, op == 0x0d);
    case 0x0e: return cc_br_table(c);
    case 0x0f: return cc_return(c);
    case 0x10: case 0x11: return call_op(c, op);
    }
    return cc_fail(c, WASM_ERR_MALFORMED, "illegal opcode");
}

/* Compiles one instruction whose opcode byte was just read. */
bool cc_instr(cc *c, uint8_t op)
{
    cc_val v;
    if (op <= 0x11)
        return control(c, op);
    if (op >= 0x28 && op <= 0x3e)
        return memory_access(c, op);
    if (op >= 0x45 && op <= 0xc4)
        return numeric(c, op);
    switch (op) {
    case 0x1a: return cc_pop(c, 0, &v);
    case 0x1b: return select_op(c, false);
    case 0x1c: return select_op(c, true);
    case 0x20: case 0x23: case 0x24: return variable(c, op);
    case 0x21: return local_set(c, false);
    case 0x22: return local_set(c, true);
    case 0x25: return table_op(c, OP_TABLE_GET);
    case 0x26: return table_op(c, OP_TABLE_SET);
    case 0x3f: case 0x40: return memory_size_grow(c, op);
    case 0x41: return constant(c, I32, (uint32_t)wr_s32(c->r));
    case 0x42: return constant(c, I64, (uint64_t)wr_s64(c->r));
    case 0x43: return constant(c, F32, wr_fixed32(c->r));
    case 0x44: return constant(c, F64, wr_fixed64(c->r));
    case 0xd0: case 0xd1: case 0xd2: return ref_op(c, op);
    case 0xfc: return prefix_fc(c);
    case 0xfd: return cc_fail(c, WASM_ERR_MALFORMED, "SIMD not supported");
    }
    return cc_fail(c, WASM_ERR_MALFORMED, "illegal opcode");
}

/* Marks function f as referenceable by ref.func (spec: C.refs). */
void wl_declare(wasm_module *m, uint32_t f)
{
    if (m->declared && f < m->nfuncs)
        m->declared[f / 8] |= (uint8_t)(1u << (f % 8));
}

/* The single instruction of a constant expression. */
static uint8_t const_instr(wasm_module *m, wl_reader *r, wl_const *out,
                           const uint8_t *at)
{
    uint8_t op = wr_u8(r);
    out->kind = CE_CONST;
    switch (op) {
    case 0x41: out->bits = (uint32_t)wr_s32(r); return I32;
    case 0x42: out->bits = (uint64_t)wr_s64(r); return I64;
    case 0x43: out->bits = wr_fixed32(r); return F32;
    case 0x44: out->bits = wr_fixed64(r); return F64;
    case 0xd0: {
        uint8_t t = wr_u8(r);
        if (!r->failed && !wl_is_reftype(t))
            wr_fail_at(r, WASM_ERR_MALFORMED, at, "malformed reference type");
        return t;
    }
    case 0xd2:
        out->kind = CE_FUNC;
        out->index = wr_u32(r);
        if (!r->failed && out->index >= m->nfuncs)
            wr_fail_at(r, WASM_ERR_INVALID, at, "unknown function");
        wl_declare(m, out->index);
        return WASM_FUNCREF;
    case 0x23:
        out->kind = CE_GLOBAL;
        out->index = wr_u32(r);
        if (!r->failed && out->index >= m->nglobal_imports)
            wr_fail_at(r, WASM_ERR_INVALID, at, "unknown global");
        else if (!r->failed && m->globals[out->index].mut)
            wr_fail_at(r, WASM_ERR_INVALID, at,
                       "constant expression required");
        return r->failed ? 0 : m->globals[out->index].type;
    case 0x0b:
        r->p--;
        return 0;
    }
    if (!r->failed)
        wr_fail_at(r, (wl_known_opcode(op) || op == 0xfd) ? WASM_ERR_INVALID
                   : WASM_ERR_MALFORMED, at, (wl_known_opcode(op) || op == 0xfd)
                   ? "constant expression required" : "illegal opcode");
    return 0;
}

/* Reads a constant expression of type `type` up to its end (see
 * wasm_int.h). */
bool wl_const_expr(wasm_module *m, wl_reader *r, uint8_t type, wl_const *out)
{
    const uint8_t *at = r->p;
    out->type = const_instr(m, r, out, at);
    if (r->failed)
        return false;
    const uint8_t *end_at = r->p;
    uint8_t b = wr_u8(r);
    if (r->failed)
        return false;
    if (b != 0x0b) {
        bool isconst = b == 0x41 || b == 0x42 || b == 0x43 || b == 0x44 ||
                       b == 0xd0 || b == 0xd2 || b == 0x23;
        wr_fail_at(r, WASM_ERR_INVALID, end_at, isconst
                   ? "type mismatch" : "constant expression required");
        return false;
    }
    if (out->type != type) {
        wr_fail_at(r, WASM_ERR_INVALID, at, "type mismatch");
        return false;
    }
    return true;
}
