/* ops.c: the interpreter's checked operations on ordinary values
 * (wisp-run test): integer division and remainder of every sign, a dense
 * switch (br_table), calls through a table of function pointers
 * (call_indirect), float-to-integer conversions near the limits, and
 * array accesses; all defined in C, so the native build prints the same. */
#include <stdint.h>
#include <stdio.h>

static uint32_t seed = 2024;

static uint32_t next(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed;
}

/* Quotients and remainders of both signs, 32 and 64 bits. */
static void divisions(void)
{
    static const int32_t a[] = { 7, -7, 2147483647, -2147483647 - 1, 0, 1 };
    static const int32_t b[] = { 2, -2, 3, -3, 2147483647, 1 };
    for (unsigned i = 0; i < 6; i++)
        for (unsigned j = 0; j < 6; j++) {
            int64_t x = (int64_t)a[i] * 3 + j, y = (int64_t)b[j] - (int64_t)i;
            printf("%d/%d=%d %%=%d  %u/%u=%u %%=%u  %lld/%lld=%lld %%=%lld\n",
                   a[i], b[j], a[i] / b[j], a[i] % b[j],
                   (uint32_t)a[i], (uint32_t)b[j], (uint32_t)a[i] / (uint32_t)b[j],
                   (uint32_t)a[i] % (uint32_t)b[j], (long long)x, (long long)y,
                   (long long)(y ? x / y : 0), (long long)(y ? x % y : 0));
        }
}

/* A switch dense enough to become a jump table (br_table). */
static uint32_t step(uint32_t state, uint32_t input)
{
    switch ((state + input) % 11) {
    case 0: return state * 3 + 1;
    case 1: return state / 2;
    case 2: return state ^ input;
    case 3: return state + 17;
    case 4: return state - input;
    case 5: return state << 1;
    case 6: return state >> 3;
    case 7: return ~state;
    case 8: return state * input;
    case 9: return state | 0x100;
    default: return state & 0xffff;
    }
}

static uint32_t op_add(uint32_t x, uint32_t y) { return x + y; }
static uint32_t op_sub(uint32_t x, uint32_t y) { return x - y; }
static uint32_t op_mul(uint32_t x, uint32_t y) { return x * y; }
static uint32_t op_mod(uint32_t x, uint32_t y) { return y ? x % y : x; }

/* Calls through a table of function pointers (call_indirect). */
static uint32_t (*const ops[4])(uint32_t, uint32_t) = {
    op_add, op_sub, op_mul, op_mod,
};

/* Conversions near the limits of each integer type. */
static void conversions(void)
{
    static const double d[] = { -2147483648.9, 2147483647.9, -0.9, 0.9,
                                4294967295.5, -9223372036854774784.0,
                                9223372036854774784.0, 1e18, 12345.678 };
    for (unsigned i = 0; i < 9; i++) {
        double v = d[i];
        if (v > -2147483649.0 && v < 2147483648.0)
            printf("i32(%.1f)=%d\n", v, (int32_t)v);
        if (v > -1.0 && v < 4294967296.0)
            printf("u32(%.1f)=%u\n", v, (uint32_t)v);
        printf("i64(%.1f)=%lld\n", v, (long long)v);
        float f = (float)v;
        if (f > -1.0f && f < 18446744073709551616.0f)
            printf("u64(%.1f)=%llu\n", (double)f, (unsigned long long)f);
    }
}

int main(void)
{
    static uint32_t data[4096];
    divisions();
    uint32_t state = 1, sum = 0;
    for (unsigned i = 0; i < 20000; i++) {
        state = step(state, next() & 0xff);
        data[i % 4096] += state;
        sum = ops[next() % 4](sum, state);
    }
    printf("state %u sum %u\n", state, sum);
    uint64_t h = 0;
    for (unsigned i = 0; i < 4096; i++)
        h = h * 31 + data[(i * 7) % 4096];
    printf("data %llu first %u last %u\n", (unsigned long long)h, data[0],
           data[4095]);
    conversions();
    return 0;
}
