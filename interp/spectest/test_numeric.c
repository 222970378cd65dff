/*
 * test_numeric.c: host unit test of interp/numeric.h.
 *
 * Two kinds of checks.  First, hand-picked edge cases with the expected
 * bits written out (NaNs, signed zeros, infinities, ties, the boundaries
 * of every conversion, denormals).  Second, a cross-check on a few hundred
 * thousand pseudo-random bit patterns against an independent reference:
 * the host's libm and long double arithmetic, which numeric.h itself may
 * not use.  Prints every failure and the line
 * `numeric: N checks, M failed`; exits 1 iff M > 0.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../numeric.h"

static unsigned long nchecks, nfailed;

/* Records one check; prints the failure with both values in hex. */
static void check(bool ok, const char *what, int line, uint64_t got,
                  uint64_t want)
{
    nchecks++;
    if (ok)
        return;
    nfailed++;
    if (nfailed <= 50)
        printf("FAIL line %d: %s: got 0x%llx, want 0x%llx\n", line, what,
               (unsigned long long)got, (unsigned long long)want);
}

#define EQ(what, got, want) \
    check((uint64_t)(got) == (uint64_t)(want), what, __LINE__, \
          (uint64_t)(got), (uint64_t)(want))

/* Bits helpers for readability. */
#define B32(f) num_f32_bits(f)
#define B64(d) num_f64_bits(d)
#define F32(u) num_f32_from_bits(u)
#define F64(u) num_f64_from_bits(u)

/* Common f32 / f64 bit patterns. */
#define P0F 0x00000000u
#define N0F 0x80000000u
#define PINFF 0x7f800000u
#define NINFF 0xff800000u
#define CNANF 0x7fc00000u          /* canonical NaN */
#define SNANF 0x7fa00000u          /* signalling NaN, payload 0x200000 */
#define P0D 0x0000000000000000ull
#define N0D 0x8000000000000000ull
#define PINFD 0x7ff0000000000000ull
#define NINFD 0xfff0000000000000ull
#define CNAND 0x7ff8000000000000ull
#define SNAND 0x7ff4000000000000ull

/* Needs nothing; checks min and max: NaNs, signed zeros, infinities. */
static void test_minmax(void)
{
    EQ("f32.min(+0,-0)", B32(num_f32_min(F32(P0F), F32(N0F))), N0F);
    EQ("f32.min(-0,+0)", B32(num_f32_min(F32(N0F), F32(P0F))), N0F);
    EQ("f32.max(-0,+0)", B32(num_f32_max(F32(N0F), F32(P0F))), P0F);
    EQ("f32.max(+0,-0)", B32(num_f32_max(F32(P0F), F32(N0F))), P0F);
    EQ("f32.min(1,cnan)", B32(num_f32_min(1.0f, F32(CNANF))), CNANF);
    EQ("f32.max(-cnan,1)", B32(num_f32_max(F32(0xffc00000u), 1.0f)),
       0xffc00000u);
    EQ("f32.min(snan,1) quiet", B32(num_f32_min(F32(SNANF), 1.0f)),
       SNANF | NUM_F32_QUIET);
    EQ("f32.max(1,snan) quiet", B32(num_f32_max(1.0f, F32(SNANF))),
       SNANF | NUM_F32_QUIET);
    EQ("f32.min(-inf,+inf)", B32(num_f32_min(F32(NINFF), F32(PINFF))), NINFF);
    EQ("f32.max(-inf,+inf)", B32(num_f32_max(F32(NINFF), F32(PINFF))), PINFF);
    EQ("f32.min(-1,2)", B32(num_f32_min(-1.0f, 2.0f)), B32(-1.0f));
    EQ("f32.max(-1,2)", B32(num_f32_max(-1.0f, 2.0f)), B32(2.0f));
    EQ("f64.min(+0,-0)", B64(num_f64_min(F64(P0D), F64(N0D))), N0D);
    EQ("f64.max(-0,+0)", B64(num_f64_max(F64(N0D), F64(P0D))), P0D);
    EQ("f64.min(cnan,1)", B64(num_f64_min(F64(CNAND), 1.0)), CNAND);
    EQ("f64.max(1,snan) quiet", B64(num_f64_max(1.0, F64(SNAND))),
       SNAND | NUM_F64_QUIET);
    EQ("f64.min(-inf,5)", B64(num_f64_min(F64(NINFD), 5.0)), NINFD);
    EQ("f64.max(-5,-inf)", B64(num_f64_max(-5.0, F64(NINFD))), B64(-5.0));
}

/* Needs nothing; checks the four roundings on ties, zeros, NaNs, bounds. */
static void test_rounding32(void)
{
    EQ("nearest(0.5)", B32(num_f32_nearest(0.5f)), P0F);
    EQ("nearest(-0.5)", B32(num_f32_nearest(-0.5f)), N0F);
    EQ("nearest(1.5)", B32(num_f32_nearest(1.5f)), B32(2.0f));
    EQ("nearest(2.5)", B32(num_f32_nearest(2.5f)), B32(2.0f));
    EQ("nearest(-3.5)", B32(num_f32_nearest(-3.5f)), B32(-4.0f));
    EQ("nearest(-0)", B32(num_f32_nearest(F32(N0F))), N0F);
    EQ("nearest(2^23-0.5)", B32(num_f32_nearest(8388607.5f)),
       B32(8388608.0f));
    EQ("nearest(2^23+1)", B32(num_f32_nearest(8388609.0f)), B32(8388609.0f));
    EQ("nearest(denormal)", B32(num_f32_nearest(F32(0x80000001u))), N0F);
    EQ("nearest(-inf)", B32(num_f32_nearest(F32(NINFF))), NINFF);
    EQ("nearest(snan)", B32(num_f32_nearest(F32(SNANF))),
       SNANF | NUM_F32_QUIET);
    EQ("nearest(-cnan)", B32(num_f32_nearest(F32(0xffc00000u))), 0xffc00000u);
    EQ("trunc(-0.5)", B32(num_f32_trunc(-0.5f)), N0F);
    EQ("trunc(-1.9)", B32(num_f32_trunc(-1.9f)), B32(-1.0f));
    EQ("trunc(snan)", B32(num_f32_trunc(F32(SNANF))), SNANF | NUM_F32_QUIET);
    EQ("floor(-0.5)", B32(num_f32_floor(-0.5f)), B32(-1.0f));
    EQ("floor(-0)", B32(num_f32_floor(F32(N0F))), N0F);
    EQ("floor(0.5)", B32(num_f32_floor(0.5f)), P0F);
    EQ("floor(-denormal)", B32(num_f32_floor(F32(0x80000001u))), B32(-1.0f));
    EQ("ceil(-0.5)", B32(num_f32_ceil(-0.5f)), N0F);
    EQ("ceil(0.5)", B32(num_f32_ceil(0.5f)), B32(1.0f));
    EQ("ceil(denormal)", B32(num_f32_ceil(F32(1))), B32(1.0f));
    EQ("ceil(+inf)", B32(num_f32_ceil(F32(PINFF))), PINFF);
    EQ("ceil(max)", B32(num_f32_ceil(F32(0x7f7fffffu))), 0x7f7fffffu);
    EQ("floor(snan)", B32(num_f32_floor(F32(SNANF))), SNANF | NUM_F32_QUIET);
}

/* Needs nothing; the binary64 versions of test_rounding32. */
static void test_rounding64(void)
{
    EQ("nearest(0.5)", B64(num_f64_nearest(0.5)), P0D);
    EQ("nearest(-0.5)", B64(num_f64_nearest(-0.5)), N0D);
    EQ("nearest(2.5)", B64(num_f64_nearest(2.5)), B64(2.0));
    EQ("nearest(-4.5)", B64(num_f64_nearest(-4.5)), B64(-4.0));
    EQ("nearest(2^52-0.5)", B64(num_f64_nearest(4503599627370495.5)),
       B64(4503599627370496.0));
    EQ("nearest(2^52+1)", B64(num_f64_nearest(4503599627370497.0)),
       B64(4503599627370497.0));
    EQ("nearest(snan)", B64(num_f64_nearest(F64(SNAND))),
       SNAND | NUM_F64_QUIET);
    EQ("trunc(-0.9)", B64(num_f64_trunc(-0.9)), N0D);
    EQ("trunc(-2^52+0.5)", B64(num_f64_trunc(-4503599627370495.5)),
       B64(-4503599627370495.0));
    EQ("floor(-0)", B64(num_f64_floor(F64(N0D))), N0D);
    EQ("floor(-1e-300)", B64(num_f64_floor(-1e-300)), B64(-1.0));
    EQ("ceil(-0.5)", B64(num_f64_ceil(-0.5)), N0D);
    EQ("ceil(1e-320)", B64(num_f64_ceil(1e-320)), B64(1.0));
    EQ("ceil(-inf)", B64(num_f64_ceil(F64(NINFD))), NINFD);
    EQ("ceil(cnan)", B64(num_f64_ceil(F64(CNAND))), CNAND);
}

/* Needs nothing; sqrt, and the bitwise sign operators on NaNs. */
static void test_sqrt_sign(void)
{
    EQ("f32.sqrt(4)", B32(num_f32_sqrt(4.0f)), B32(2.0f));
    EQ("f32.sqrt(-0)", B32(num_f32_sqrt(F32(N0F))), N0F);
    EQ("f32.sqrt(-1) canonical",
       B32(num_f32_sqrt(-1.0f)) & ~NUM_F32_SIGN, CNANF);
    EQ("f32.sqrt(snan)", B32(num_f32_sqrt(F32(SNANF))), SNANF | NUM_F32_QUIET);
    EQ("f32.sqrt(+inf)", B32(num_f32_sqrt(F32(PINFF))), PINFF);
    EQ("f64.sqrt(2)", B64(num_f64_sqrt(2.0)), 0x3ff6a09e667f3bcdull);
    EQ("f64.sqrt(-inf) canonical",
       B64(num_f64_sqrt(F64(NINFD))) & ~NUM_F64_SIGN, CNAND);
    EQ("f32.neg(snan)", B32(num_f32_neg(F32(SNANF))), SNANF | N0F);
    EQ("f32.abs(-snan)", B32(num_f32_abs(F32(SNANF | N0F))), SNANF);
    EQ("f32.copysign(snan,-0)", B32(num_f32_copysign(F32(SNANF), F32(N0F))),
       SNANF | N0F);
    EQ("f32.copysign(1,-nan)", B32(num_f32_copysign(1.0f, F32(0xffc00000u))),
       B32(-1.0f));
    EQ("f64.neg(snan)", B64(num_f64_neg(F64(SNAND))), SNAND | N0D);
    EQ("f64.abs(-0)", B64(num_f64_abs(F64(N0D))), P0D);
    EQ("f64.copysign(-snan,+0)", B64(num_f64_copysign(F64(SNAND | N0D), 0.0)),
       SNAND);
}

/* Expands to two checks of a trapping conversion: its trap, its value. */
#define TRAP(fn, T, in, want_trap, want_val) do { \
        T out_ = 0; \
        wasm_trap t_ = fn(in, &out_); \
        EQ(#fn "(" #in ") trap", t_, want_trap); \
        if (t_ == WASM_TRAP_NONE) \
            EQ(#fn "(" #in ") value", out_, (T)(want_val)); \
    } while (0)

#define OK WASM_TRAP_NONE
#define OVF WASM_TRAP_INT_OVERFLOW
#define BAD WASM_TRAP_BAD_CONVERSION

/* Needs nothing; the boundaries of the eight trapping conversions. */
static void test_trunc_trapping(void)
{
    TRAP(num_i32_trunc_f32_s, int32_t, F32(CNANF), BAD, 0);
    TRAP(num_i32_trunc_f32_s, int32_t, -0x1p31f, OK, INT32_MIN);
    TRAP(num_i32_trunc_f32_s, int32_t, 0x1p31f, OVF, 0);
    TRAP(num_i32_trunc_f32_s, int32_t, 2147483520.0f, OK, 2147483520);
    TRAP(num_i32_trunc_f32_s, int32_t, -2147483904.0f, OVF, 0);
    TRAP(num_i32_trunc_f32_s, int32_t, -1.9f, OK, -1);
    TRAP(num_i32_trunc_f32_u, uint32_t, -0.99f, OK, 0);
    TRAP(num_i32_trunc_f32_u, uint32_t, -1.0f, OVF, 0);
    TRAP(num_i32_trunc_f32_u, uint32_t, 0x1p32f, OVF, 0);
    TRAP(num_i32_trunc_f32_u, uint32_t, 4294967040.0f, OK, 4294967040u);
    TRAP(num_i32_trunc_f32_u, uint32_t, F32(NINFF), OVF, 0);
    TRAP(num_i32_trunc_f64_s, int32_t, -2147483648.9, OK, INT32_MIN);
    TRAP(num_i32_trunc_f64_s, int32_t, -2147483649.0, OVF, 0);
    TRAP(num_i32_trunc_f64_s, int32_t, 2147483647.9, OK, INT32_MAX);
    TRAP(num_i32_trunc_f64_s, int32_t, 2147483648.0, OVF, 0);
    TRAP(num_i32_trunc_f64_s, int32_t, F64(SNAND), BAD, 0);
    TRAP(num_i32_trunc_f64_u, uint32_t, 4294967295.9, OK, UINT32_MAX);
    TRAP(num_i32_trunc_f64_u, uint32_t, 4294967296.0, OVF, 0);
    TRAP(num_i32_trunc_f64_u, uint32_t, -0.9999999, OK, 0);
    TRAP(num_i32_trunc_f64_u, uint32_t, F64(N0D), OK, 0);
    TRAP(num_i64_trunc_f32_s, int64_t, -0x1p63f, OK, INT64_MIN);
    TRAP(num_i64_trunc_f32_s, int64_t, 0x1p63f, OVF, 0);
    TRAP(num_i64_trunc_f32_s, int64_t, 9223371487098961920.0f, OK,
         9223371487098961920ll);
    TRAP(num_i64_trunc_f32_s, int64_t, F32(PINFF), OVF, 0);
    TRAP(num_i64_trunc_f32_u, uint64_t, 0x1p64f, OVF, 0);
    TRAP(num_i64_trunc_f32_u, uint64_t, 18446742974197923840.0f, OK,
         18446742974197923840ull);
    TRAP(num_i64_trunc_f32_u, uint64_t, 0x1p63f, OK, 0x8000000000000000ull);
    TRAP(num_i64_trunc_f32_u, uint64_t, F32(SNANF | N0F), BAD, 0);
    TRAP(num_i64_trunc_f64_s, int64_t, -0x1p63, OK, INT64_MIN);
    TRAP(num_i64_trunc_f64_s, int64_t, -9223372036854777856.0, OVF, 0);
    TRAP(num_i64_trunc_f64_s, int64_t, 9223372036854774784.0, OK,
         9223372036854774784ll);
    TRAP(num_i64_trunc_f64_s, int64_t, 0x1p63, OVF, 0);
    TRAP(num_i64_trunc_f64_u, uint64_t, 18446744073709549568.0, OK,
         18446744073709549568ull);
    TRAP(num_i64_trunc_f64_u, uint64_t, 0x1p64, OVF, 0);
    TRAP(num_i64_trunc_f64_u, uint64_t, -0.5, OK, 0);
    TRAP(num_i64_trunc_f64_u, uint64_t, F64(1), OK, 0);
}

/* Needs nothing; the saturating conversions at and past their bounds. */
static void test_trunc_sat(void)
{
    EQ("i32.sat_f32_s(nan)", num_i32_trunc_sat_f32_s(F32(CNANF)), 0);
    EQ("i32.sat_f32_s(-inf)", (uint32_t)num_i32_trunc_sat_f32_s(F32(NINFF)),
       (uint32_t)INT32_MIN);
    EQ("i32.sat_f32_s(2^31)", num_i32_trunc_sat_f32_s(0x1p31f), INT32_MAX);
    EQ("i32.sat_f32_u(-1)", num_i32_trunc_sat_f32_u(-1.0f), 0);
    EQ("i32.sat_f32_u(2^32)", num_i32_trunc_sat_f32_u(0x1p32f), UINT32_MAX);
    EQ("i32.sat_f64_s(-2^31-1)",
       (uint32_t)num_i32_trunc_sat_f64_s(-2147483649.0),
       (uint32_t)INT32_MIN);
    EQ("i32.sat_f64_s(1e300)", num_i32_trunc_sat_f64_s(1e300), INT32_MAX);
    EQ("i32.sat_f64_u(-nan)", num_i32_trunc_sat_f64_u(F64(CNAND | N0D)), 0);
    EQ("i32.sat_f64_u(4294967295.5)",
       num_i32_trunc_sat_f64_u(4294967295.5), UINT32_MAX);
    EQ("i64.sat_f32_s(-2^64)", num_i64_trunc_sat_f32_s(-0x1p64f),
       (uint64_t)INT64_MIN);
    EQ("i64.sat_f32_s(2^63)", num_i64_trunc_sat_f32_s(0x1p63f), INT64_MAX);
    EQ("i64.sat_f32_u(inf)", num_i64_trunc_sat_f32_u(F32(PINFF)), UINT64_MAX);
    EQ("i64.sat_f64_s(nan)", num_i64_trunc_sat_f64_s(F64(SNAND)), 0);
    EQ("i64.sat_f64_s(-1.5)", num_i64_trunc_sat_f64_s(-1.5), (uint64_t)-1);
    EQ("i64.sat_f64_u(-inf)", num_i64_trunc_sat_f64_u(F64(NINFD)), 0);
    EQ("i64.sat_f64_u(2^64)", num_i64_trunc_sat_f64_u(0x1p64), UINT64_MAX);
}

/* Needs nothing; unsigned converts (ties, sticky bits) and demote/promote. */
static void test_convert(void)
{
    EQ("f32.convert_i32_u(max)", B32(num_f32_convert_i32_u(UINT32_MAX)),
       B32(0x1p32f));
    EQ("f32.convert_i32_u(0x80000080) tie->even",
       B32(num_f32_convert_i32_u(0x80000080u)), B32(0x1p31f));
    EQ("f32.convert_i32_u(0x80000081) up",
       B32(num_f32_convert_i32_u(0x80000081u)), 0x4f000001u);
    EQ("f64.convert_i32_u(max)", B64(num_f64_convert_i32_u(UINT32_MAX)),
       B64(4294967295.0));
    EQ("f32.convert_i64_u(max)", B32(num_f32_convert_i64_u(UINT64_MAX)),
       B32(0x1p64f));
    EQ("f32.convert_i64_u(2^63+2^39) tie->even",
       B32(num_f32_convert_i64_u(0x8000008000000000ull)), B32(0x1p63f));
    EQ("f32.convert_i64_u(2^63+2^39+1) sticky",
       B32(num_f32_convert_i64_u(0x8000008000000001ull)), 0x5f000001u);
    EQ("f32.convert_i64_u(0xffffff7fffffffff)",
       B32(num_f32_convert_i64_u(0xffffff7fffffffffull)), 0x5f7fffffu);
    EQ("f64.convert_i64_u(2^63+1024) tie->even",
       B64(num_f64_convert_i64_u(0x8000000000000400ull)), B64(0x1p63));
    EQ("f64.convert_i64_u(2^63+1025) sticky",
       B64(num_f64_convert_i64_u(0x8000000000000401ull)),
       0x43e0000000000001ull);
    EQ("f64.convert_i64_u(max)", B64(num_f64_convert_i64_u(UINT64_MAX)),
       B64(0x1p64));
    EQ("demote(cnan)", B32(num_f32_demote_f64(F64(CNAND))), CNANF);
    EQ("demote(-snan)", B32(num_f32_demote_f64(F64(SNAND | N0D))),
       0xffe00000u);
    EQ("demote(1e300)", B32(num_f32_demote_f64(1e300)), PINFF);
    EQ("demote(-0)", B32(num_f32_demote_f64(F64(N0D))), N0F);
    EQ("demote(tiny)", B32(num_f32_demote_f64(0x1p-150)), P0F);
    EQ("demote(min denormal)", B32(num_f32_demote_f64(0x1.8p-150)), 1);
    EQ("promote(snan)", B64(num_f64_promote_f32(F32(SNANF))),
       0x7ffc000000000000ull);
    EQ("promote(-cnan)", B64(num_f64_promote_f32(F32(0xffc00000u))),
       0xfff8000000000000ull);
    EQ("promote(denormal)", B64(num_f64_promote_f32(F32(1))), B64(0x1p-149));
}

/* Needs nothing; clz/ctz/popcnt at 0 and all-ones, rotations mod width. */
static void test_bits(void)
{
    EQ("i32.clz(0)", num_i32_clz(0), 32);
    EQ("i32.clz(1)", num_i32_clz(1), 31);
    EQ("i32.clz(0x80000000)", num_i32_clz(0x80000000u), 0);
    EQ("i32.ctz(0)", num_i32_ctz(0), 32);
    EQ("i32.ctz(0x80000000)", num_i32_ctz(0x80000000u), 31);
    EQ("i32.popcnt(-1)", num_i32_popcnt(UINT32_MAX), 32);
    EQ("i32.popcnt(0xaaaa5555)", num_i32_popcnt(0xaaaa5555u), 16);
    EQ("i32.rotl(1,33)", num_i32_rotl(1, 33), 2);
    EQ("i32.rotl(x,0)", num_i32_rotl(0xabcd9876u, 0), 0xabcd9876u);
    EQ("i32.rotl(x,32)", num_i32_rotl(0xabcd9876u, 32), 0xabcd9876u);
    EQ("i32.rotr(1,1)", num_i32_rotr(1, 1), 0x80000000u);
    EQ("i32.rotr(x,-1)", num_i32_rotr(0xb0c1d2e3u, 0xffffffffu), 0x6183a5c7u);
    EQ("i64.clz(0)", num_i64_clz(0), 64);
    EQ("i64.clz(1)", num_i64_clz(1), 63);
    EQ("i64.ctz(0)", num_i64_ctz(0), 64);
    EQ("i64.ctz(2^63)", num_i64_ctz(0x8000000000000000ull), 63);
    EQ("i64.popcnt(-1)", num_i64_popcnt(UINT64_MAX), 64);
    EQ("i64.popcnt(0)", num_i64_popcnt(0), 0);
    EQ("i64.rotl(1,65)", num_i64_rotl(1, 65), 2);
    EQ("i64.rotl(x,64)", num_i64_rotl(0x123456789abcdef0ull, 64),
       0x123456789abcdef0ull);
    EQ("i64.rotr(1,1)", num_i64_rotr(1, 1), 0x8000000000000000ull);
    EQ("i64.rotr(x,-1)", num_i64_rotr(0xfe00dc00ull, UINT64_MAX),
       0x1fc01b800ull);
}

/* xorshift64*: a deterministic stream of bit patterns for the cross-checks. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* Needs got and want from the same operation; a NaN result only has to be
 * a quiet NaN (the edge tables pin the exact payload rules). */
static bool same32(float got, float want)
{
    if (isnan(want))
        return num_f32_isnan(got) && (B32(got) & NUM_F32_QUIET);
    return B32(got) == B32(want);
}

static bool same64(double got, double want)
{
    if (isnan(want))
        return num_f64_isnan(got) && (B64(got) & NUM_F64_QUIET);
    return B64(got) == B64(want);
}

/* A random float biased to interesting magnitudes: half the time raw bits,
 * half the time a value near an integer or a tie. */
static float rand_f32(void)
{
    uint64_t r = rng();
    if (r & 1)
        return F32((uint32_t)(r >> 32));
    return (float)((int64_t)(r >> 40) - (1 << 23)) * 0.5f;
}

static double rand_f64(void)
{
    uint64_t r = rng();
    if (r & 1)
        return F64(rng());
    return (double)((int64_t)(r >> 10) - (1ll << 53)) * 0.5;
}

#define XCHECK(what, ok, got, want) \
    check(ok, what, __LINE__, got, want)

/* Needs nothing; rounding and sqrt of random f32s against libm. */
static void cross_f32(int n)
{
    for (int i = 0; i < n; i++) {
        float f = rand_f32();
        XCHECK("f32.nearest", same32(num_f32_nearest(f), rintf(f)),
               B32(num_f32_nearest(f)), B32(rintf(f)));
        XCHECK("f32.trunc", same32(num_f32_trunc(f), truncf(f)),
               B32(num_f32_trunc(f)), B32(truncf(f)));
        XCHECK("f32.floor", same32(num_f32_floor(f), floorf(f)),
               B32(num_f32_floor(f)), B32(floorf(f)));
        XCHECK("f32.ceil", same32(num_f32_ceil(f), ceilf(f)),
               B32(num_f32_ceil(f)), B32(ceilf(f)));
        XCHECK("f32.sqrt", same32(num_f32_sqrt(f), sqrtf(f)),
               B32(num_f32_sqrt(f)), B32(sqrtf(f)));
    }
}

/* Needs nothing; rounding and sqrt of random f64s against libm. */
static void cross_f64(int n)
{
    for (int i = 0; i < n; i++) {
        double d = rand_f64();
        XCHECK("f64.nearest", same64(num_f64_nearest(d), rint(d)),
               B64(num_f64_nearest(d)), B64(rint(d)));
        XCHECK("f64.trunc", same64(num_f64_trunc(d), trunc(d)),
               B64(num_f64_trunc(d)), B64(trunc(d)));
        XCHECK("f64.floor", same64(num_f64_floor(d), floor(d)),
               B64(num_f64_floor(d)), B64(floor(d)));
        XCHECK("f64.ceil", same64(num_f64_ceil(d), ceil(d)),
               B64(num_f64_ceil(d)), B64(ceil(d)));
        XCHECK("f64.sqrt", same64(num_f64_sqrt(d), sqrt(d)),
               B64(num_f64_sqrt(d)), B64(sqrt(d)));
    }
}

/* Reference for a trapping conversion: truncate in long double (exact for
 * every float and double) and compare against the integer range there. */
static wasm_trap ref_trunc(long double x, long double lo, long double hi,
                           long double *t)
{
    if (isnan(x))
        return WASM_TRAP_BAD_CONVERSION;
    *t = truncl(x);
    return *t < lo || *t > hi ? WASM_TRAP_INT_OVERFLOW : WASM_TRAP_NONE;
}

/* Needs an integral long double in the int64 or uint64 range; returns its
 * two's complement bits for printing. */
static uint64_t ld_bits(long double v)
{
    return v < 0 ? (uint64_t)(int64_t)v : (uint64_t)v;
}

/* Needs a value x and the result of one conversion; checks trap and value
 * against ref_trunc over [lo, hi]. */
static void xtrunc(const char *what, long double x, long double lo,
                   long double hi, wasm_trap got, long double gotv)
{
    long double t = 0;
    wasm_trap want = ref_trunc(x, lo, hi, &t);
    XCHECK(what, got == want, got, want);
    if (got == WASM_TRAP_NONE && want == WASM_TRAP_NONE)
        XCHECK(what, gotv == t, ld_bits(gotv), ld_bits(t));
}

/* Runs one conversion into `var`, then checks it (the call must come
 * before `var` is read, hence the statement). */
#define XT(what, x, lo, hi, fn, var) do { \
        wasm_trap t_ = fn(x, &var); \
        xtrunc(what, x, lo, hi, t_, var); \
    } while (0)

/* Needs nothing; the eight trapping conversions on random inputs scaled
 * near their bounds. */
static void cross_trunc(int n)
{
    const long double i32lo = -2147483648.0L, i32hi = 2147483647.0L;
    const long double u32hi = 4294967295.0L;
    const long double i64lo = -9223372036854775808.0L;
    const long double i64hi = 9223372036854775807.0L;
    const long double u64hi = 18446744073709551615.0L;
    for (int i = 0; i < n; i++) {
        double d = rand_f64() * (double)(1ull << (rng() % 64)) / 4096.0;
        float f = (float)d;
        int32_t a = 0; uint32_t b = 0; int64_t c = 0; uint64_t e = 0;
        XT("i32.trunc_f32_s", f, i32lo, i32hi, num_i32_trunc_f32_s, a);
        XT("i32.trunc_f32_u", f, 0, u32hi, num_i32_trunc_f32_u, b);
        XT("i32.trunc_f64_s", d, i32lo, i32hi, num_i32_trunc_f64_s, a);
        XT("i32.trunc_f64_u", d, 0, u32hi, num_i32_trunc_f64_u, b);
        XT("i64.trunc_f32_s", f, i64lo, i64hi, num_i64_trunc_f32_s, c);
        XT("i64.trunc_f32_u", f, 0, u64hi, num_i64_trunc_f32_u, e);
        XT("i64.trunc_f64_s", d, i64lo, i64hi, num_i64_trunc_f64_s, c);
        XT("i64.trunc_f64_u", d, 0, u64hi, num_i64_trunc_f64_u, e);
    }
}

/* Needs nothing; unsigned converts against long double (which holds every
 * uint64 exactly, so one rounding to float/double is the right answer),
 * and demote against the hardware conversion. */
static void cross_convert(int n)
{
    for (int i = 0; i < n; i++) {
        uint64_t u = rng() >> (rng() % 64);
        uint32_t w = (uint32_t)u;
        EQ("f32.convert_i64_u", B32(num_f32_convert_i64_u(u)),
           B32((float)(long double)u));
        EQ("f64.convert_i64_u", B64(num_f64_convert_i64_u(u)),
           B64((double)(long double)u));
        EQ("f32.convert_i32_u", B32(num_f32_convert_i32_u(w)),
           B32((float)(long double)w));
        double d = F64(rng());
        XCHECK("f32.demote_f64", same32(num_f32_demote_f64(d), (float)d),
               B32(num_f32_demote_f64(d)), B32((float)d));
    }
}

/* Runs every group; prints the summary; exits 1 iff a check failed. */
int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200000;
    test_minmax();
    test_rounding32();
    test_rounding64();
    test_sqrt_sign();
    test_trunc_trapping();
    test_trunc_sat();
    test_convert();
    test_bits();
    cross_f32(n);
    cross_f64(n);
    cross_trunc(n);
    cross_convert(n);
    printf("numeric: %lu checks, %lu failed\n", nchecks, nfailed);
    return nfailed ? 1 : 0;
}
