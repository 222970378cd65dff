/*
 * invoke.c: `wisp-run --invoke NAME prog.wasm ARGS...`: call one export
 * with numbers from the command line and print what it returns.
 *
 * Arguments are parsed by the parameter's type: i32/i64 in decimal (signed
 * or unsigned range) or 0x hex, f32/f64 in any form strtod accepts
 * (decimal, hex float, inf, nan).  Results print one per line: integers in
 * signed decimal, floats with the fewest digits that read back to the same
 * bits.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

/*
 * Parses s as an integer of `bits` bits: decimal (optionally negative) or
 * 0x hex.  Accepts the signed and the unsigned range.  Returns false if s
 * is not such a number.
 */
static bool inv_int(const char *s, int bits, uint64_t *out)
{
    bool neg = s[0] == '-';
    const char *p = neg ? s + 1 : s;
    int base = (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) ? 16 : 10;
    uint64_t max = bits == 64 ? UINT64_MAX : UINT32_MAX;
    unsigned long long v;
    char *end;
    if (!(p[0] >= '0' && p[0] <= '9'))
        return false;
    errno = 0;
    v = strtoull(base == 16 ? p + 2 : p, &end, base);
    if (errno || *end || end == p || v > max)
        return false;
    if (neg && v > (max >> 1) + 1)
        return false;
    *out = (neg ? 0 - (uint64_t)v : (uint64_t)v) & max;
    return true;
}

/* Parses argument s for a parameter of type t into v; false if bad. */
static bool inv_arg(const char *s, wasm_valtype t, wasm_value *v)
{
    char *end;
    v->type = t;
    errno = 0;
    if (t == WASM_I32 || t == WASM_I64) {
        uint64_t x;
        if (!inv_int(s, t == WASM_I32 ? 32 : 64, &x))
            return false;
        if (t == WASM_I32)
            v->of.i32 = (uint32_t)x;
        else
            v->of.i64 = x;
        return true;
    }
    if (t == WASM_F32) {
        float f = strtof(s, &end);
        memcpy(&v->of.f32, &f, 4);
    } else if (t == WASM_F64) {
        double d = strtod(s, &end);
        memcpy(&v->of.f64, &d, 8);
    } else {
        return false;   /* references and v128 cannot be typed in */
    }
    return end != s && *end == '\0';
}

/* Prints d with the fewest significant digits that read back exactly. */
static void inv_print_f64(double d)
{
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    printf("%s\n", buf);
}

/* As inv_print_f64, for a float (round trip through strtof). */
static void inv_print_f32(float f)
{
    char buf[64];
    for (int prec = 1; prec <= 9; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, (double)f);
        if (strtof(buf, NULL) == f)
            break;
    }
    printf("%s\n", buf);
}

/* Prints one result value on its own line. */
static void inv_print(const wasm_value *v)
{
    float f;
    double d;
    switch (v->type) {
    case WASM_I32: printf("%" PRId32 "\n", (int32_t)v->of.i32); break;
    case WASM_I64: printf("%" PRId64 "\n", (int64_t)v->of.i64); break;
    case WASM_F32: memcpy(&f, &v->of.f32, 4); inv_print_f32(f); break;
    case WASM_F64: memcpy(&d, &v->of.f64, 8); inv_print_f64(d); break;
    case WASM_FUNCREF:
    case WASM_EXTERNREF:
        if (v->of.ref == WASM_NULL_REF)
            printf("ref.null\n");
        else
            printf("ref 0x%" PRIxPTR "\n", v->of.ref);
        break;
    default: printf("?\n"); break;
    }
}

/* Finds exported function `name`; prints why not and returns NULL. */
static wasm_func *inv_find(wasm_instance *inst, const char *name)
{
    wasm_extern e;
    if (!wasm_instance_export(inst, name, &e)) {
        fprintf(stderr, "wisp-run: --invoke: no export named '%s'\n", name);
        return NULL;
    }
    if (e.kind != WASM_EXTERN_FUNC) {
        fprintf(stderr, "wisp-run: --invoke: export '%s' is not a function\n",
                name);
        return NULL;
    }
    return e.of.func;
}

#define INV_MAX_VALUES 1024     /* params/results --invoke handles */

/*
 * Needs: an instantiated module (start function already run), an idle ex.
 * Returns the exit status: 0 after printing the results, 2 for a bad
 * name or argument, or what run_status says for a trap.
 */
int run_invoke(wasm_exec *ex, wasm_instance *inst, const char *name,
               int n, char **args)
{
    static wasm_value vals[INV_MAX_VALUES];
    wasm_func *f = inv_find(inst, name);
    const wasm_functype *t;
    wasm_result r;
    uint32_t nres;
    if (!f)
        return RUN_EXIT_USAGE;
    t = wasm_func_type(f);
    if ((uint32_t)n != t->nparams || t->nparams > INV_MAX_VALUES) {
        fprintf(stderr, "wisp-run: --invoke: '%s' takes %u argument%s, "
                "got %d\n", name, t->nparams, t->nparams == 1 ? "" : "s", n);
        return RUN_EXIT_USAGE;
    }
    for (int i = 0; i < n; i++) {
        if (!inv_arg(args[i], t->params[i], &vals[i])) {
            fprintf(stderr, "wisp-run: --invoke: argument %d ('%s') is not "
                    "a valid %s\n", i + 1, args[i],
                    t->params[i] == WASM_I32 ? "i32" :
                    t->params[i] == WASM_I64 ? "i64" :
                    t->params[i] == WASM_F32 ? "f32" :
                    t->params[i] == WASM_F64 ? "f64" : "number");
            return RUN_EXIT_USAGE;
        }
    }
    r = wasm_call(ex, f, vals, (uint32_t)n);
    if (r.status != WASM_OK)
        return run_status(wasm_instance_module(inst), r);
    nres = wasm_exec_results(ex, vals, INV_MAX_VALUES);
    for (uint32_t i = 0; i < nres && i < INV_MAX_VALUES; i++)
        inv_print(&vals[i]);
    fflush(stdout);
    return 0;
}
