/*
 * compile.h: the state shared by compile.c (the validator's stacks and the
 * code emitter), control.c (blocks, branches, calls) and compile_ops.c
 * (one case per Wasm instruction).
 *
 * The validator follows the spec's algorithm (appendix "Validation
 * Algorithm"): an operand stack of types and a stack of control frames.
 * Each operand entry also says where its value lives at run time: in its
 * own temporary slot, in a local (a local.get not yet copied), or in a
 * constant slot.  That is what lets local.get and i32.const cost nothing:
 * the instruction that consumes them names the local or constant slot.
 */
#ifndef WISP_COMPILE_H
#define WISP_COMPILE_H

#include "wasm_int.h"
#include "ops.h"

/* Slot words are tagged while compiling and fixed up at the end, when the
 * number of constants (which sit between locals and temporaries) is
 * known. */
#define SLOT_TEMP  0x40000000u
#define SLOT_CONST 0x80000000u
#define SLOT_MASK  0x3fffffffu
#define NO_LABEL   0xffffffffu

enum { VK_TEMP, VK_LOCAL, VK_CONST };           /* where a value lives */
enum { CK_FUNC, CK_BLOCK, CK_LOOP, CK_IF, CK_ELSE };

typedef struct {
    uint8_t type;           /* value type; 0 = unknown (unreachable code) */
    uint8_t kind;           /* VK_* */
    uint32_t slot;          /* tagged slot word */
} cc_val;

typedef struct {
    uint8_t kind;           /* CK_* */
    bool unreachable;       /* after br/return/unreachable in this frame */
    bool dead;              /* the whole frame is unreachable code */
    uint32_t height;        /* operand height below the frame's params */
    uint32_t nparams, nresults;
    const wasm_valtype *params, *results;
    uint32_t label;         /* loop: its start; else chain of forward refs */
    uint32_t else_ref;      /* if: the jump to the else arm */
} cc_ctrl;

typedef struct {
    wasm_module *m;
    wl_reader *r;
    const uint8_t *op_at;   /* start of the instruction being compiled */
    uint32_t *code;
    uint32_t ncode, capcode;
    uint32_t *fix;          /* positions of tagged slot words */
    uint32_t nfix, capfix;
    cc_val *vs;
    uint32_t h, capvs, maxh;
    cc_ctrl *cs;
    uint32_t nc, capcs;
    uint8_t *ltypes;        /* type of every local */
    uint32_t nlocals, nparams;
    uint64_t *consts;
    uint32_t nconsts;
    uint32_t last_dst;      /* position of the last result word, or NO_LABEL */
    uint32_t last_h;        /* the height that result was pushed at */
    uint32_t cur_op;        /* position of the last op, or NO_LABEL after a */
    uint32_t prev_op;       /* label; the op before it (superinstructions) */
    uint32_t prev2_op;      /* and the op before that (cc_unemit goes back) */
    cc_val *scr;            /* scratch for popped operands */
    uint32_t capscr;
    bool failed;
} cc;

/* compile.c */
bool cc_fail(cc *c, wasm_error_kind kind, const char *msg);
bool cc_grow(cc *c, void **buf, uint32_t *cap, size_t elem, uint32_t need);
bool cc_dead(const cc *c);
void cc_op(cc *c, uint32_t op);
void cc_fuse_last_two(cc *c);
void cc_word(cc *c, uint32_t w);
void cc_slot(cc *c, uint32_t slot);
void cc_push(cc *c, uint8_t type, uint8_t kind, uint32_t slot);
void cc_push_result(cc *c, uint8_t type);
bool cc_pop(cc *c, uint8_t want, cc_val *out);
uint32_t cc_const(cc *c, uint64_t bits);
void cc_copy(cc *c, uint32_t dst, uint32_t src);
void cc_materialize(cc *c, uint32_t i);
void cc_flush_locals(cc *c, uint32_t local);
void cc_push_local(cc *c, uint32_t local);
void cc_set_unreachable(cc *c);
uint32_t cc_unemit(cc *c, cc_val v, uint32_t lo, uint32_t hi, uint32_t *a,
                   uint32_t *b);

/* control.c */
bool cc_push_ctrl(cc *c, const cc_ctrl *t);
bool cc_block(cc *c, uint8_t kind);
bool cc_else(cc *c);
bool cc_end(cc *c);
bool cc_br(cc *c, uint32_t depth, int cond);
bool cc_br_table(cc *c);
bool cc_return(cc *c);
bool cc_call(cc *c, const wasm_functype *ft, uint32_t op, uint32_t a,
             uint32_t b);

/* compile_ops.c: one instruction at c->r->p; false on error. */
bool cc_instr(cc *c, uint8_t opcode);

#endif /* WISP_COMPILE_H */
