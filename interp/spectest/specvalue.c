/*
 * specvalue.c: the values of a spec-test script.
 *
 * wast2json writes every number as the decimal string of its raw bits
 * ({"type": "f32", "value": "2143289344"}), NaN patterns as
 * "nan:canonical" / "nan:arithmetic", and references as "null" or a
 * decimal host value.  A host reference N travels as N + 1 because the
 * engine's null reference is 0 (see wasm.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "spectest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Parses the decimal string s into *out, which must fit `bits` bits (a
 * leading '-' gives the two's complement); false on anything else. */
static bool parse_bits(const char *s, unsigned bits, uint64_t *out)
{
    bool neg = s[0] == '-';
    const char *digits = neg ? s + 1 : s;
    if (digits[0] < '0' || digits[0] > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(digits, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    if (bits < 64 && v >> bits != 0 && !(neg && v <= 1ull << (bits - 1)))
        return false;
    *out = neg ? (uint64_t)0 - v : v;
    if (bits < 64)
        *out &= (1ull << bits) - 1;
    return true;
}

/* Maps a JSON type name to a value type; false for v128 and the unknown. */
static bool parse_type(const char *t, wasm_valtype *out)
{
    static const struct { const char *name; wasm_valtype type; } types[] = {
        { "i32", WASM_I32 }, { "i64", WASM_I64 }, { "f32", WASM_F32 },
        { "f64", WASM_F64 }, { "externref", WASM_EXTERNREF },
        { "funcref", WASM_FUNCREF },
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(t, types[i].name) == 0) {
            *out = types[i].type;
            return true;
        }
    return false;
}

/* Needs a type already in out->type and the value string s; fills the
 * value.  References: "null", or a host value N stored as N + 1. */
static bool parse_payload(const char *s, wasm_value *out)
{
    uint64_t bits;
    switch (out->type) {
    case WASM_I32:
    case WASM_F32:
        if (!parse_bits(s, 32, &bits))
            return false;
        out->of.i32 = (uint32_t)bits;
        return true;
    case WASM_I64:
    case WASM_F64:
        if (!parse_bits(s, 64, &bits))
            return false;
        out->of.i64 = bits;
        return true;
    default:
        if (strcmp(s, "null") == 0) {
            out->of.ref = WASM_NULL_REF;
            return true;
        }
        if (out->type != WASM_EXTERNREF || !parse_bits(s, 32, &bits))
            return false;
        out->of.ref = (wasm_ref)bits + 1;
        return true;
    }
}

/* See spectest.h. */
bool spec_parse_value(const json_node *n, wasm_value *out, const char **why)
{
    const char *type = json_get_str(n, "type", NULL);
    const char *value = json_get_str(n, "value", NULL);
    memset(out, 0, sizeof(*out));
    if (type == NULL || !parse_type(type, &out->type)) {
        *why = "unsupported value type";
        return false;
    }
    if (value == NULL || !parse_payload(value, out)) {
        *why = "bad value";
        return false;
    }
    return true;
}

/* See spectest.h. */
bool spec_parse_expect(const json_node *n, spec_expect *out, const char **why)
{
    const char *type = json_get_str(n, "type", NULL);
    const char *value = json_get_str(n, "value", NULL);
    memset(out, 0, sizeof(*out));
    if (type == NULL || !parse_type(type, &out->v.type)) {
        *why = "unsupported value type";
        return false;
    }
    bool is_ref = out->v.type == WASM_FUNCREF ||
                  out->v.type == WASM_EXTERNREF;
    bool is_float = out->v.type == WASM_F32 || out->v.type == WASM_F64;
    if (value == NULL && is_ref) {
        out->pattern = SPEC_REF_NONNULL;
        return true;
    }
    if (value != NULL && is_float && strcmp(value, "nan:canonical") == 0) {
        out->pattern = SPEC_NAN_CANONICAL;
        return true;
    }
    if (value != NULL && is_float && strcmp(value, "nan:arithmetic") == 0) {
        out->pattern = SPEC_NAN_ARITHMETIC;
        return true;
    }
    if (value == NULL || !parse_payload(value, &out->v)) {
        *why = "bad expected value";
        return false;
    }
    return true;
}

/* Needs got->type == e->v.type; checks a NaN pattern on float bits.
 * Canonical: only the quiet bit in the payload, either sign.
 * Arithmetic: any NaN with the quiet bit set. */
static bool match_nan(const spec_expect *e, const wasm_value *got)
{
    bool f32 = got->type == WASM_F32;
    uint64_t bits = f32 ? got->of.f32 : got->of.f64;
    uint64_t quiet_nan = f32 ? 0x7fc00000ull : 0x7ff8000000000000ull;
    uint64_t magnitude = f32 ? 0x7fffffffull : 0x7fffffffffffffffull;
    if (e->pattern == SPEC_NAN_CANONICAL)
        return (bits & magnitude) == quiet_nan;
    return (bits & quiet_nan) == quiet_nan;
}

/* See spectest.h. */
bool spec_match(const spec_expect *e, const wasm_value *got)
{
    if (got->type != e->v.type)
        return false;
    switch (e->pattern) {
    case SPEC_NAN_CANONICAL:
    case SPEC_NAN_ARITHMETIC:
        return match_nan(e, got);
    case SPEC_REF_NONNULL:
        return got->of.ref != WASM_NULL_REF;
    case SPEC_EXACT:
        break;
    }
    switch (got->type) {
    case WASM_I32:
    case WASM_F32:
        return got->of.i32 == e->v.of.i32;
    case WASM_I64:
    case WASM_F64:
        return got->of.i64 == e->v.of.i64;
    default:
        return got->of.ref == e->v.of.ref;
    }
}

/* See spectest.h. */
void spec_format_value(char *buf, size_t n, const wasm_value *v)
{
    float f;
    double d;
    switch (v->type) {
    case WASM_I32:
        snprintf(buf, n, "i32:%u", v->of.i32);
        break;
    case WASM_I64:
        snprintf(buf, n, "i64:%llu", (unsigned long long)v->of.i64);
        break;
    case WASM_F32:
        memcpy(&f, &v->of.f32, sizeof(f));
        snprintf(buf, n, "f32:0x%08x (%.9g)", v->of.f32, (double)f);
        break;
    case WASM_F64:
        memcpy(&d, &v->of.f64, sizeof(d));
        snprintf(buf, n, "f64:0x%016llx (%.17g)",
                 (unsigned long long)v->of.f64, d);
        break;
    case WASM_EXTERNREF:
        if (v->of.ref == WASM_NULL_REF)
            snprintf(buf, n, "externref:null");
        else
            snprintf(buf, n, "externref:%llu",
                     (unsigned long long)(v->of.ref - 1));
        break;
    case WASM_FUNCREF:
        snprintf(buf, n, v->of.ref == WASM_NULL_REF ? "funcref:null"
                                                    : "funcref:non-null");
        break;
    default:
        snprintf(buf, n, "<type 0x%x>", (unsigned)v->type);
        break;
    }
}

/* See spectest.h. */
void spec_format_expect(char *buf, size_t n, const spec_expect *e)
{
    const char *t = e->v.type == WASM_F32 ? "f32" : "f64";
    switch (e->pattern) {
    case SPEC_NAN_CANONICAL:
        snprintf(buf, n, "%s:nan:canonical", t);
        break;
    case SPEC_NAN_ARITHMETIC:
        snprintf(buf, n, "%s:nan:arithmetic", t);
        break;
    case SPEC_REF_NONNULL:
        snprintf(buf, n, "%s:non-null",
                 e->v.type == WASM_FUNCREF ? "funcref" : "externref");
        break;
    case SPEC_EXACT:
        spec_format_value(buf, n, &e->v);
        break;
    }
}

/* See spectest.h. */
void spec_format_name(char *buf, size_t n, const char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 5 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, n - o, "\\%02x", c);
    }
    if (n > 0)
        buf[o < n ? o : n - 1] = '\0';
}
