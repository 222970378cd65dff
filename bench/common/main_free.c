/*
 * main_free.c: the driver of a benchmark as a freestanding wasm32 module
 * (no imports, no WASI), for `wisp-run --invoke run` and for wabt's
 * `wasm-interp --run-all-exports`, which can only call exports without
 * parameters.  So the scale is baked in: built with -DBENCH_FN=bench_<name>
 * -DBENCH_RUN_SCALE=N.
 */
#include "bench.h"

#if !defined(BENCH_FN) || !defined(BENCH_RUN_SCALE)
#error "build with -DBENCH_FN=bench_<name> -DBENCH_RUN_SCALE=N"
#endif

/*
 * run: the module's one export.  Returns the checksum as an i64.
 */
uint64_t run(void)
{
    return BENCH_FN(BENCH_RUN_SCALE);
}
