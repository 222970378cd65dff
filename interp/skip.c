/*
 * skip.c: decodes a function body without validating it.
 *
 * The spec decodes the whole module before validating any of it, so a
 * module that is both malformed (say, truncated in its data section) and
 * invalid (a type error in a function) must be reported as malformed.
 * The compiler validates while it decodes; when it finds a validation
 * error in a body it records it and hands the body to skip_body, which
 * only checks that the rest of it decodes.  The error is reported once
 * the whole module has decoded (see module_finish in decode.c).
 */
#include "wasm_int.h"

/* Skips the block type after block, loop or if. */
static void skip_blocktype(wl_reader *r)
{
    if (r->p < r->end && (*r->p == 0x40 || wl_is_valtype(*r->p)))
        r->p++;
    else
        wr_s33(r);
}

/* Skips the immediates of a 0xFC instruction. */
static void skip_fc(wl_reader *r)
{
    uint32_t sub = wr_u32(r);
    if (r->failed)
        return;
    if (sub > 17) {
        wr_fail(r, WASM_ERR_MALFORMED, "illegal opcode");
        return;
    }
    static const uint8_t nidx[18] = { 0, 0, 0, 0, 0, 0, 0, 0,
                                      1, 1, 0, 0, 2, 1, 2, 1, 1, 1 };
    static const uint8_t nzero[18] = { 0, 0, 0, 0, 0, 0, 0, 0,
                                       1, 0, 2, 1, 0, 0, 0, 0, 0, 0 };
    for (int i = 0; i < nidx[sub]; i++)
        wr_u32(r);
    for (int i = 0; i < nzero[sub]; i++)
        wr_u8(r);
}

/* Skips the immediates of opcode op; adjusts *depth for blocks. */
static void skip_instr(wl_reader *r, uint8_t op, uint32_t *depth)
{
    if (!wl_known_opcode(op)) {
        wr_fail_at(r, WASM_ERR_MALFORMED, r->p - 1, "illegal opcode");
        return;
    }
    if (op >= 0x02 && op <= 0x04) {
        skip_blocktype(r);
        ++*depth;
    } else if (op == 0x0b) {
        --*depth;
    } else if (op == 0x0c || op == 0x0d || op == 0x10 || op == 0xd2 ||
               (op >= 0x20 && op <= 0x26)) {
        wr_u32(r);
    } else if (op == 0x11 || (op >= 0x28 && op <= 0x3e)) {
        wr_u32(r);
        wr_u32(r);
    } else if (op == 0x0e || op == 0x1c) {
        uint32_t n = wr_u32(r);
        for (uint64_t i = 0; i < (uint64_t)n + (op == 0x0e) && !r->failed; i++)
            op == 0x0e ? (void)wr_u32(r) : (void)wr_u8(r);
    } else if (op == 0x3f || op == 0x40 || op == 0xd0) {
        wr_u8(r);
    } else if (op == 0x41) {
        wr_s32(r);
    } else if (op == 0x42) {
        wr_s64(r);
    } else if (op == 0x43) {
        wr_fixed32(r);
    } else if (op == 0x44) {
        wr_fixed64(r);
    } else if (op == 0xfc) {
        skip_fc(r);
    }
}

/* Decodes the instructions of a body from r->p (after the locals) to its
 * final end, which must be the last byte.  False (with r failed) if the
 * body is malformed. */
bool wl_skip_body(wl_reader *r)
{
    uint32_t depth = 1;
    while (depth > 0 && !r->failed)
        skip_instr(r, wr_u8(r), &depth);
    if (!r->failed && r->p != r->end)
        wr_fail(r, WASM_ERR_MALFORMED, "section size mismatch");
    return !r->failed;
}
