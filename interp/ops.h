/*
 * ops.h: the internal instruction set ("slot code") that compile.c emits
 * and exec.c runs.
 *
 * An instruction is a 32-bit op word followed by operand words.  Operands
 * are frame slots (indices into the function's frame of 64-bit slots:
 * locals first, then the function's constants, then operand-stack
 * temporaries), code positions (word indices into the function's code) or
 * plain immediates.  A branch target word holds the distance from that
 * word to the target (negative for loops).  Where a Wasm opcode maps one-to-one onto an internal
 * op (loads, stores, every numeric operator) the op keeps the Wasm
 * opcode's number, so the compiler can pass it straight through.
 *
 * Layouts (d = destination slot, a/b/c = source slots):
 *   numeric unary      op d a            numeric binary   op d a b
 *   load               op d addr offset  store            op addr val offset
 */
#ifndef WISP_OPS_H
#define WISP_OPS_H

enum {
    OP_UNREACHABLE = 0x00,
    OP_BR = 0x01,            /* target                         forward jump */
    OP_BR_IF = 0x02,         /* cond target                    jump if cond != 0 */
    OP_BR_UNLESS = 0x03,     /* cond target                    jump if cond == 0 */
    OP_BR_TABLE = 0x04,      /* idx n target*(n+1)             forward only */
    OP_RETURN = 0x05,        /* results already in slots 0.. */
    OP_RETURN1 = 0x06,       /* s                              slot 0 = s */
    OP_RETURN_N = 0x07,      /* base n                         slots 0..n-1 = base.. */
    OP_CALL = 0x08,          /* func argbase                   safe point */
    OP_CALL_INDIRECT = 0x09, /* type table idx argbase         safe point */
    OP_COPY = 0x0A,          /* d s */
    OP_LOOP_BR = 0x0B,       /* target                         backward jump, safe point */
    OP_LOOP_BR_IF = 0x0C,    /* cond target                    the same, conditional */
    OP_LOOP_BR_UNLESS = 0x0D,/* cond target */
    OP_BR_LT_S = 0x0E,       /* a b target   fused i32 compare + branch ... */
    OP_BR_LT_U = 0x0F,
    OP_BR_GE_S = 0x10,
    OP_BR_GE_U = 0x11,
    OP_BR_EQ = 0x12,
    OP_BR_NE = 0x13,
    OP_BR_GT_S = 0x14,
    OP_BR_GT_U = 0x15,
    OP_BR_LE_S = 0x16,
    OP_BR_LE_U = 0x17,
    OP_CONST64 = 0x18,       /* d lo hi                        when out of constant slots */
    OP_LOOP_BR_TABLE = 0x19, /* idx n target*(n+1)             a target goes back: safe point */
    OP_LOAD_LOAD = 0x1A,     /* d a off off2                   d = i32.load(i32.load(a + off) + off2) */
    OP_SELECT = 0x1B,        /* d a b c                        d = c ? a : b */
    /* superinstructions chosen from op-pair counts (bench/opstats.py) */
    OP_COPY2 = 0x1C,         /* d s d2 s2                      two COPYs in turn */
    OP_ADD_ADD = 0x1D,       /* d a b c                        d = a + b + c (i32) */
    OP_SHR_AND = 0x1E,       /* d a b c                        d = (a >> b) & c (i32, shr_u) */
    OP_XOR_MUL64 = 0x1F,     /* d a b c                        d = (a ^ b) * c (i64) */
    OP_AND_SHL = 0x20,       /* d a b c                        d = (a & b) << c (i32) */
    OP_SHR_AND_ADD = 0x21,   /* d a b c e                      d = ((a >> b) & c) + e (i32) */
    OP_AND_SHL_ADD = 0x22,   /* d a b c e                      d = ((a & b) << c) + e (i32) */
    OP_GLOBAL_GET = 0x23,    /* d g */
    OP_GLOBAL_SET = 0x24,    /* g s */
    OP_TABLE_GET = 0x25,     /* d table idx */
    OP_TABLE_SET = 0x26,     /* table idx val */
    /* 0x28..0x3E: loads and stores, as in Wasm */
    OP_MEMORY_SIZE = 0x3F,   /* d */
    OP_MEMORY_GROW = 0x40,   /* d delta */
    /* 0x45..0xC4: numeric operators, as in Wasm */
    OP_REF_IS_NULL = 0xD1,   /* d a */
    OP_REF_FUNC = 0xD2,      /* d func */
    /* an i32.and fused in front of an == or != compare-and-branch (a bit
     * test, `if (x & m)`: the compare with 0):
     *                          d x y b target  d = x & y; jump if d == b */
    OP_AND_BR_EQ = 0xD3,
    OP_AND_BR_NE = 0xD4,     /* d x y b target  d = x & y; jump if d != b */
    OP_LOOP_AND_BR_EQ = 0xD5,/* the same, backward, a safe point */
    OP_LOOP_AND_BR_NE = 0xD6,
    /* two ops in a row, the second keeping its own words (its op word
     * skipped):                d s 0x28 d2 a off   COPY, then i32.load */
    OP_COPY_LOAD = 0xD7,
    OP_ADD2 = 0xD8,          /* d a b 0x6a d2 a2 b2   two i32.adds in turn */
    OP_COPY_BR_UNLESS = 0xD9,/* d s 0x03 cond target  COPY, then BR_UNLESS */
    OP_COPY_LOOP_BR_IF = 0xDA,/* d s 0x0C cond target COPY, then LOOP_BR_IF */
    /* a load, then a store of the loaded value (a field copy, mem[b +
     * off2] = mem[a + off]); the load still writes d:
     *                          d a off 0x36 b d off2   i32.load, i32.store */
    OP_LOAD_STORE = 0xDB,
    OP_LOAD_STORE64 = 0xDC,  /* d a off 0x37 b d off2   i64.load, i64.store */
    OP_LOAD_STORE8 = 0xDD,   /* d a off 0x3A b d off2   i32.load8_u, i32.store8 */
    /* a call of an imported function with one result, then the COPY of
     * that result to d (its op word and words inside this op: a
     * local.set after the call names its local there).  A raw host
     * function runs at once and the COPY is done in place; any other
     * callee is called as by OP_CALL, returning to the COPY:
     *                          func argbase 0x0A d argbase */
    OP_CALL_IMPORT = 0xDE,
    OP_TRUNC_SAT = 0xE0,     /* 0xE0 + the 0xFC sub-opcode 0..7: d a */
    OP_MEMORY_INIT = 0xE8,   /* seg d s n */
    OP_DATA_DROP = 0xE9,     /* seg */
    OP_MEMORY_COPY = 0xEA,   /* d s n */
    OP_MEMORY_FILL = 0xEB,   /* d val n */
    OP_TABLE_INIT = 0xEC,    /* table seg d s n */
    OP_ELEM_DROP = 0xED,     /* seg */
    OP_TABLE_COPY = 0xEE,    /* dst src d s n */
    OP_TABLE_GROW = 0xEF,    /* d table init n */
    OP_TABLE_SIZE = 0xF0,    /* d table */
    OP_TABLE_FILL = 0xF1,    /* table i val n */
    /* OP_BR_LT_S.. + OP_LOOP_FUSED: the same, backward, a safe point */
    OP_LOOP_FUSED = 0x100,
    /* loads and stores + OP_ADDR_ADD: the address is the i32 sum of two
     * slots (a folded i32.add):  load  op d a b offset
     *                            store op a b val offset */
    OP_ADDR_ADD = 0x100,
    /* loads + OP_ADDR_SCALED: the address is ((a & b) << c) + e, in i32 (a
     * folded OP_AND_SHL_ADD: an array element, its index scaled by the
     * element's size):       load  op d a b c e offset */
    OP_ADDR_SCALED = 0xF0,
    /* the i32 loads (0x28, 0x2C..0x2F, and + OP_ADDR_ADD or
     * + OP_ADDR_SCALED) + OP_LOAD_BR_TABLE:
     * the load, then the OP_BR_TABLE or OP_LOOP_BR_TABLE right after it,
     * whose index is the loaded value, in one dispatch (a switch on a
     * value read from memory: a guest interpreter's opcode) */
    OP_LOAD_BR_TABLE = 0xA0,
    /* OP_BR_LT_S.. + OP_ADD_BR: an i32.add fused in front of the compare
     * (a superinstruction):  op d x y b target  d = x + y; jump if d ? b.
     * + OP_LOOP_ADD_BR: the same, backward, a safe point. */
    OP_ADD_BR = 0x1D0,
    OP_LOOP_ADD_BR = 0x1E0,
    /* three more ops fused once final, as OP_COPY_LOAD (an op's words,
     * then the next op's, its op word skipped); an f64 load, then an f64
     * multiply or add (a dot product's step, `c += a * b`), and that
     * add then storing (`c[j] += ...`):
     *                          d a off 0xa2 d2 x y      f64.load, f64.mul */
    OP_LOAD_MUL_F64 = 0x140,
    OP_LOAD2_MUL_F64 = 0x141,/* d a b off 0xa2 d2 x y   f64.load (+ OP_ADDR_ADD), f64.mul */
    OP_LOAD_ADD_F64 = 0x142, /* d a off 0xa0 d2 x y     f64.load, f64.add */
    OP_LOAD_ADD_STORE_F64 = 0x143, /* d a off 0xa0 d2 x y 0x39 b v off2
                              *                          ..., then f64.store */
    /* OP_COPY_LOAD, then an i32.load + OP_ADDR_SCALED + OP_LOAD_BR_TABLE
     * (a guest interpreter's whole dispatch: its program counter
     * advanced, its instruction read, the handler looked up and jumped
     * to):                 d s 0x28 d2 a off 0x1b8 d3 a b c e off3 ... */
    OP_COPY_LOAD_BR_TABLE = 0x144,
    /* more ops fused once final, the second keeping its words:
     *                          d a b 0x2d d2 a2 off    i32.add, i32.load8_u */
    OP_ADD_LOAD8 = 0x145,
    OP_AND_LOAD8 = 0x146,    /* d a b 0x2d d2 a2 off    i32.and, i32.load8_u */
    OP_ADD_LOOP_BR_IF = 0x147,/* d a b 0x0c cond target i32.add, OP_LOOP_BR_IF */
    OP_LOAD_LOOP_BR_IF = 0x148,/* d a off 0x0c cond target i32.load, OP_LOOP_BR_IF */
    OP_STORE2 = 0x149,       /* a v off 0x36 a2 v2 off2 two i32.stores in turn */
    /* the moves of a branch, then its jump:
     *                          d s 0x01 target            COPY, then BR */
    OP_COPY_BR = 0x14A,
    OP_COPY_LOOP_BR = 0x14B, /* d s 0x0b target            COPY, then LOOP_BR */
    OP_COPY2_LOOP_BR = 0x14C,/* d s d2 s2 0x0b target      COPY2, then LOOP_BR */
    /* an argument computed, then the call; a sum, then the return:
     *                          d a b 0x08 func argbase    i32.add, then CALL */
    OP_ADD_CALL = 0x14D,
    OP_ADD64_RETURN1 = 0x14E,/* d a b 0x06 s               i64.add, then RETURN1 */
    /* two field copies in a row (a struct's fields copied one by one):
     *                          OP_LOAD_STORE's 8 words, then another's */
    OP_LOAD_STORE2 = 0x14F,
    /* a loop's exit test, then its back edge (`br_if $exit; br $loop`):
     *                          c target 0x0b target2       BR_IF, then LOOP_BR */
    OP_BR_IF_LOOP_BR = 0x150,
    OP_BR_UNLESS_LOOP_BR = 0x151,/* c target 0x0b target2  BR_UNLESS, then LOOP_BR */
    /* Every op is below OP_MASK + 1: exec.c dispatches on pc[0] & OP_MASK
     * over a jump table of OP_MASK + 1 entries, with no range check. */
    OP_MASK = 0x1FF,
};

#endif /* WISP_OPS_H */
