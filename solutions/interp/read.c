/*
 * read.c: the reader under decode.c and compile.c: bounded reads of
 * bytes, LEB128 integers, value types, UTF-8 names, counted arrays and
 * limits (spec 5.1-5.3), each failing with the spec's "malformed" message
 * and the offset where it stopped.  Also a small hash set for the
 * decoder's duplicate checks.
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

/* Records an error at the cursor. */
void wr_fail(wl_reader *r, wasm_error_kind kind, const char *msg)
{
    wr_fail_at(r, kind, r->p, msg);
}

/* Fails with the spec's text for running off the current limit. */
void wr_eof(wl_reader *r)
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

/*
 * wr_leb: reads the LEB128 integer of at most `bits` bits (1..64) at the
 * cursor (spec 5.2.2) and returns it: unsigned when !sign, else signed
 * and sign-extended to 64 bits.  Each byte holds seven value bits, lowest
 * group first; its top bit (0x80) says another byte follows.  The spec
 * allows at most ceil(bits / 7) bytes, and in the last of those the bits
 * beyond `bits` must be zero (unsigned) or copies of the value's sign bit
 * (signed; the sign bit is the highest of the `bits`).  So for 32 bits,
 * 0x80 0x80 0x80 0x80 0x00 is 0; 0x80 0x80 0x80 0x80 0x80 0x00 fails
 * "integer representation too long" (a sixth byte); unsigned, 0xff 0xff
 * 0xff 0xff 0x7f fails "integer too large" (bits 32..34 set), but
 * signed it is -1, as 0x7f alone is.  Both are malformed errors
 * reported at the integer's first byte (wr_fail_at); running into r->end
 * fails through wr_eof.  Never reads at or past r->end; after a failure
 * it returns 0.  Every count, index, size and constant of a module goes
 * through here, so a decoder that accepted a sixth byte would read the
 * same module differently from every other engine.
 */
static uint64_t wr_leb(wl_reader *r, unsigned bits, bool sign)
{
    // LAB 3 BEGIN wr_leb
    uint64_t v = 0;
    unsigned shift = 0;
    const uint8_t *start = r->p;
    for (;;) {
        if (r->p >= r->end) {
            wr_eof(r);
            return 0;
        }
        uint8_t b = *r->p++;
        if (shift + 7 >= bits) {            /* the last byte allowed */
            /* its bits above the value: all 0, or (signed) all copies of
             * the sign bit, which is the value's own top bit */
            unsigned keep = sign ? bits - shift - 1 : bits - shift;
            uint8_t rest = (uint8_t)(b & 0x7f) >> keep;
            uint8_t ones = (uint8_t)(0x7f >> keep);
            const char *bad = (b & 0x80) ? "integer representation too long"
                : rest != 0 && !(sign && rest == ones) ? "integer too large"
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
    // LAB 3 BUG leb_accepts_overlong
    // uint64_t v = 0;
    // unsigned shift = 0;
    // const uint8_t *start = r->p;
    // for (;;) {
    //     if (r->p >= r->end) {
    //         wr_eof(r);
    //         return 0;
    //     }
    //     uint8_t b = *r->p++;
    //     if (shift + 7 >= bits && shift < bits && !(b & 0x80)) {
    //         unsigned keep = sign ? bits - shift - 1 : bits - shift;
    //         uint8_t rest = (uint8_t)(b & 0x7f) >> keep;
    //         uint8_t ones = (uint8_t)(0x7f >> keep);
    //         if (rest != 0 && !(sign && rest == ones)) {
    //             wr_fail_at(r, WASM_ERR_MALFORMED, start, "integer too large");
    //             return 0;
    //         }
    //     }
    //     if (shift < 64)
    //         v |= (uint64_t)(b & 0x7f) << shift;
    //     shift += 7;
    //     if (!(b & 0x80)) {
    //         if (sign && shift < 64 && (b & 0x40))
    //             v |= ~(uint64_t)0 << shift;
    //         return v;
    //     }
    // }
    // LAB 3 STUB reads no integer, so no module loads ("lab 3: wr_leb is not written yet")
    // (void)bits, (void)sign;
    // wr_fail(r, WASM_ERR_MALFORMED, "lab 3: wr_leb is not written yet");
    // return 0;
    // LAB 3 END
}

/* The LEB128 sizes of the format. */
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

/* Eight little-endian bytes. */
uint64_t wr_fixed64(wl_reader *r)
{
    uint64_t lo = wr_fixed32(r);
    return lo | (uint64_t)wr_fixed32(r) << 32;
}

/* funcref or externref. */
bool wl_is_reftype(uint8_t b)
{
    return b == WASM_FUNCREF || b == WASM_EXTERNREF;
}

/* A value type Wisp supports (v128 is not one). */
bool wl_is_valtype(uint8_t b)
{
    return b == WASM_I32 || b == WASM_I64 || b == WASM_F32 ||
           b == WASM_F64 || wl_is_reftype(b);
}

/* A value type byte; v128 is refused with its own message. */
uint8_t wr_valtype(wl_reader *r)
{
    const uint8_t *at = r->p;
    uint8_t b = wr_u8(r);
    if (b == WASM_V128)
        wr_fail_at(r, WASM_ERR_MALFORMED, at, "SIMD not supported");
    else if (!r->failed && !wl_is_valtype(b))
        wr_fail_at(r, WASM_ERR_MALFORMED, at, "malformed value type");
    return b;
}

/* A reference type byte. */
uint8_t wr_reftype(wl_reader *r)
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

/* The empty name, with its length word, for reads that failed. */
static const uint32_t no_name[2] = { 0, 0 };

/* The length of a name from wr_name (names may hold NUL bytes). */
uint32_t wl_name_len(const char *name)
{
    return ((const uint32_t *)(const void *)name)[-1];
}

/* A name: length-prefixed UTF-8, copied NUL-terminated into the arena
 * behind its length (see wl_name_len). */
const char *wr_name(wl_reader *r)
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
void *wr_array(wl_reader *r, uint32_t n, size_t size, uint32_t max,
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
uint32_t wr_count(wl_reader *r)
{
    uint32_t n = wr_u32(r);
    if (!r->failed && n > (size_t)(r->end - r->p))
        wr_fail(r, WASM_ERR_MALFORMED, r->end < r->limit
                ? "unexpected end of section or function"
                : "unexpected end");
    return r->failed ? 0 : n;
}

/*
 * wr_limits: reads limits (spec 5.3.8) at the cursor and returns them: a
 * flag byte, 0x00 (a minimum only) or 0x01 (a minimum and a maximum),
 * then the minimum and, for 0x01, the maximum, each a u32 (wr_u32);
 * has_max says whether there was a maximum.  A memory's limits count
 * 64 KiB pages (`mem`), a table's count elements.  Fails the reader, each
 * error at the flag byte: a flag above 1 is malformed, "integer too
 * large"; for a memory, a minimum or maximum above WL_MAX_PAGES (65536
 * pages, 4 GiB: all a 32-bit address can reach) is invalid, "memory size
 * must be at most 65536 pages (4GiB)"; a maximum below the minimum is
 * invalid, "size minimum must not be greater than maximum".  After a
 * failure the limits returned do not matter.
 */
wasm_limits wr_limits(wl_reader *r, bool mem)
{
    wasm_limits l = { 0, 0, false };
    // LAB 3 BEGIN wr_limits
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
    // LAB 3 BUG limits_without_the_page_bound
    // const uint8_t *at = r->p;
    // uint8_t flag = wr_u8(r);
    // if (flag > 1) {
    //     wr_fail_at(r, WASM_ERR_MALFORMED, at, "integer too large");
    //     return l;
    // }
    // l.min = wr_u32(r);
    // if (flag == 1) {
    //     l.has_max = true;
    //     l.max = wr_u32(r);
    // }
    // if (r->failed)
    //     return l;
    // if (l.has_max && l.min > l.max)
    //     wr_fail_at(r, WASM_ERR_INVALID, at,
    //                "size minimum must not be greater than maximum");
    // (void)mem;
    // LAB 3 STUB reads no limits, so no module with a memory or a table loads ("lab 3: wr_limits is not written yet")
    // (void)mem;
    // wr_fail(r, WASM_ERR_MALFORMED, "lab 3: wr_limits is not written yet");
    // LAB 3 END
    return l;
}

/* FNV-1a over n bytes, continuing from h. */
uint32_t wl_fnv(uint32_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n--)
        h = (h ^ *b++) * 16777619u;
    return h;
}


/* A set for n entries; false when out of memory. */
bool wl_set_init(wl_set *s, const wasm_runtime *rt, uint32_t n)
{
    uint32_t size = 16;
    while (size < 2 * (uint64_t)n)
        size *= 2;
    s->rt = rt;
    s->mask = size - 1;
    s->slot = wl_alloc(rt, (size_t)size * 4);
    return s->slot != NULL;
}

/* Frees the set's table. */
void wl_set_free(wl_set *s)
{
    wl_free(s->rt, s->slot, ((size_t)s->mask + 1) * 4);
}
