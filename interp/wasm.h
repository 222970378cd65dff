/*
 * wasm.h: the public interface of Wisp's WebAssembly engine.
 *
 * The engine is freestanding C11: it includes nothing beyond stdint, stddef,
 * stdbool, limits and float, and it reaches the outside world only through
 * what the embedder hands it here: an allocator, limits, host functions and a
 * fuel hook.  The same code is linked into the kernel (where the embedder is
 * the process layer) and into host tools (wisp-run, the spec-test runner, the
 * fuzzer, the benchmarks).
 *
 * Life of a program:
 *   wasm_module_load()    decode + validate + compile to the internal form
 *   wasm_instantiate()    link imports, create memories/tables/globals, run
 *                         active segments (the start function is NOT run)
 *   wasm_exec_new()       a value stack and a call stack: one Wasm "thread"
 *   wasm_call()           run a function; returns a status, never longjmps
 *   wasm_resume()         continue after the fuel hook asked for a pause
 *
 * Traps are values (wasm_result), not control transfers.
 */
#ifndef WISP_WASM_H
#define WISP_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- value types and values ------------------------------------------ */

typedef enum {
    WASM_I32 = 0x7F,
    WASM_I64 = 0x7E,
    WASM_F32 = 0x7D,
    WASM_F64 = 0x7C,
    WASM_V128 = 0x7B,      /* decoded so errors are precise; never executed */
    WASM_FUNCREF = 0x70,
    WASM_EXTERNREF = 0x6F,
} wasm_valtype;

/* A reference: funcref holds a wasm_func *, externref an embedder value.
 * WASM_NULL_REF (0) is the null reference of either type, so an embedder
 * that wants to pass the host value 0 as an externref must encode it
 * (the spec-test runner passes ref.extern N as N + 1). */
typedef uintptr_t wasm_ref;
#define WASM_NULL_REF ((wasm_ref)0)

/* A typed value as it crosses the API.  Floats travel as raw bits so that
 * NaN payloads survive untouched. */
typedef struct {
    wasm_valtype type;
    union {
        uint32_t i32;
        uint64_t i64;
        uint32_t f32;      /* IEEE-754 binary32 bits */
        uint64_t f64;      /* IEEE-754 binary64 bits */
        wasm_ref ref;
    } of;
} wasm_value;

typedef struct {
    uint32_t nparams, nresults;
    const wasm_valtype *params;
    const wasm_valtype *results;
} wasm_functype;

typedef struct {
    uint32_t min;
    uint32_t max;          /* meaningful only when has_max */
    bool has_max;
} wasm_limits;

/* ---- the embedder ------------------------------------------------------ */

/* Memory the engine asks for.  All three must be set.
 *   alloc:      zeroed block of `bytes`, or NULL when out of memory.
 *   free:       gives back a block from alloc (bytes = its size).
 *   mem_resize: (re)allocates linear-memory storage; old may be NULL
 *               (old_bytes 0).  New bytes read as zero, old bytes are kept;
 *               returns NULL on failure and then leaves `old` untouched.
 *               The kernel backs it with frames, the host with realloc.
 *               new_bytes == 0 releases the storage; if the embedder
 *               returns a block even then (realloc(p, 0) style), the
 *               engine gives that block back through free(ctx, block, 0). */
typedef struct {
    void *(*alloc)(void *ctx, size_t bytes);
    void (*free)(void *ctx, void *block, size_t bytes);
    void *(*mem_resize)(void *ctx, void *old, size_t old_bytes,
                        size_t new_bytes);
    void *ctx;
} wasm_allocator;

/* The embedder's settings; passed by pointer to everything that allocates,
 * and must outlive every object made with it. */
typedef struct {
    wasm_allocator alloc;
    uint32_t max_memory_pages;    /* cap on any memory's size, <= 65536;
                                     memory.grow past it returns -1 */
    uint32_t max_table_elems;     /* cap on any table's size */
    uint32_t value_stack_slots;   /* operand + locals, in 64-bit slots */
    uint32_t max_call_depth;      /* deeper calls trap "call stack exhausted" */
} wasm_runtime;

/* Fills `rt` with the defaults (64 Ki value slots, depth 4096, 65536 pages,
 * 10 Mi table elements) and the given allocator. */
void wasm_runtime_init(wasm_runtime *rt, wasm_allocator alloc);

/* ---- errors and results -------------------------------------------------- */

typedef enum {
    WASM_ERR_NONE = 0,
    WASM_ERR_MALFORMED,     /* binary cannot be decoded (spec: malformed) */
    WASM_ERR_INVALID,       /* decodes but fails validation (spec: invalid) */
    WASM_ERR_LINK,          /* imports do not match (spec: unlinkable) */
    WASM_ERR_TRAP,          /* a segment trapped during instantiation */
    WASM_ERR_NOMEM,         /* the allocator said no */
    WASM_ERR_LIMIT,         /* a memory or table over the runtime's limit
                               (max_memory_pages, max_table_elems) */
} wasm_error_kind;

/* Why loading or instantiating failed.  `offset` is the byte offset in the
 * module binary where decoding or validation stopped (0 when none applies);
 * `message` is a precise sentence, e.g. "type mismatch: expected i32, got
 * f64" or "unknown import: env.foo". */
typedef struct {
    wasm_error_kind kind;
    uint32_t offset;
    char message[160];
} wasm_error;

typedef enum {
    WASM_OK = 0,            /* finished; results are available */
    WASM_TRAPPED,           /* a trap ended the call (see trap, message) */
    WASM_EXITED,            /* a host function asked to exit (exit_code) */
    WASM_PAUSED,            /* the fuel hook asked to pause: wasm_resume */
} wasm_status;

typedef enum {
    WASM_TRAP_NONE = 0,
    WASM_TRAP_UNREACHABLE,          /* "unreachable" */
    WASM_TRAP_MEMORY_OOB,           /* "out of bounds memory access" */
    WASM_TRAP_TABLE_OOB,            /* "out of bounds table access" */
    WASM_TRAP_DIV_ZERO,             /* "integer divide by zero" */
    WASM_TRAP_INT_OVERFLOW,         /* "integer overflow" */
    WASM_TRAP_BAD_CONVERSION,       /* "invalid conversion to integer" */
    WASM_TRAP_INDIRECT_MISMATCH,    /* "indirect call type mismatch" */
    WASM_TRAP_UNINIT_ELEMENT,       /* "uninitialized element" */
    WASM_TRAP_UNDEFINED_ELEMENT,    /* "undefined element" */
    WASM_TRAP_CALL_STACK_EXHAUSTED, /* "call stack exhausted" */
    WASM_TRAP_STOPPED,              /* "stopped by embedder" (fuel hook) */
    WASM_TRAP_HOST,                 /* a host function trapped: its message */
    WASM_TRAP_NOMEM,                /* "out of memory" (allocator said no) */
    /* A hole of lab 4 (labs/lab4.md) that is still its stub traps with
     * its own code: "lab 4: num_idiv is not written yet", and so on. */
    WASM_TRAP_TODO_IDIV,
    WASM_TRAP_TODO_TRUNC,
    WASM_TRAP_TODO_MEM_CHECK,
    WASM_TRAP_TODO_BR_TABLE,
    WASM_TRAP_TODO_INDIRECT,
    WASM_TRAP_TODO_SAFEPOINT,
} wasm_trap;

typedef struct {
    wasm_status status;
    wasm_trap trap;
    const char *message;    /* static text for the trap (never NULL when
                               status == WASM_TRAPPED) */
    uint32_t func_index;    /* function executing when it trapped */
    int32_t exit_code;      /* for WASM_EXITED */
} wasm_result;

/* The spec's text for a trap kind ("integer divide by zero", ...). */
const char *wasm_trap_message(wasm_trap trap);

/* ---- modules -------------------------------------------------------------- */

typedef struct wasm_module wasm_module;
typedef struct wasm_instance wasm_instance;
typedef struct wasm_func wasm_func;
typedef struct wasm_table wasm_table;
typedef struct wasm_memory wasm_memory;
typedef struct wasm_global wasm_global;
typedef struct wasm_exec wasm_exec;

typedef enum {
    WASM_EXTERN_FUNC = 0,
    WASM_EXTERN_TABLE = 1,
    WASM_EXTERN_MEMORY = 2,
    WASM_EXTERN_GLOBAL = 3,
} wasm_extern_kind;

/* What an import asks for or an export offers, as declared in the module. */
typedef struct {
    wasm_extern_kind kind;
    const char *module;      /* imports only; NUL-terminated, valid UTF-8 */
    const char *name;
    wasm_functype func;      /* WASM_EXTERN_FUNC */
    wasm_valtype elem_type;  /* WASM_EXTERN_TABLE */
    wasm_limits limits;      /* WASM_EXTERN_TABLE, WASM_EXTERN_MEMORY */
    wasm_valtype global_type;/* WASM_EXTERN_GLOBAL */
    bool global_mutable;
} wasm_extern_desc;

/* A runtime object satisfying an import, or found by an export. */
typedef struct {
    wasm_extern_kind kind;
    union {
        wasm_func *func;
        wasm_table *table;
        wasm_memory *memory;
        wasm_global *global;
    } of;
} wasm_extern;

/* Decodes, validates and compiles `bytes` (which the module does not keep).
 * Returns NULL and fills `err` (kind, offset, message) on any failure; never
 * reads outside bytes[0, len). */
wasm_module *wasm_module_load(const wasm_runtime *rt, const uint8_t *bytes,
                              size_t len, wasm_error *err);
void wasm_module_free(wasm_module *m);

uint32_t wasm_module_import_count(const wasm_module *m);
void wasm_module_import(const wasm_module *m, uint32_t i, wasm_extern_desc *out);
uint32_t wasm_module_export_count(const wasm_module *m);
void wasm_module_export(const wasm_module *m, uint32_t i, wasm_extern_desc *out);

/* Name of function `index` from the name section, or NULL. */
const char *wasm_module_func_name(const wasm_module *m, uint32_t index);

/* ---- instances ------------------------------------------------------------ */

/* Links `imports` (one per import, in the module's import order) and
 * creates the instance: checks each import's kind and type ("incompatible
 * import type" otherwise), allocates memories, tables and globals, applies
 * active element and data segments in order (a trap here gives
 * WASM_ERR_TRAP, as the spec's uninstantiable).  Does not run the start
 * function: see wasm_instance_start. */
wasm_instance *wasm_instantiate(const wasm_runtime *rt, const wasm_module *m,
                                const wasm_extern *imports, uint32_t nimports,
                                wasm_error *err);
void wasm_instance_free(wasm_instance *inst);

/* The start function, or NULL if the module has none. */
wasm_func *wasm_instance_start(const wasm_instance *inst);

/* Finds an export by name; false if there is none. */
bool wasm_instance_export(const wasm_instance *inst, const char *name,
                          wasm_extern *out);

/* The same for a name of `len` bytes that may contain NUL bytes (Wasm
 * names may; the spec suite's names.wast has one). */
bool wasm_instance_export_n(const wasm_instance *inst, const char *name,
                            size_t len, wasm_extern *out);

/* Memory 0 of the instance (defined or imported), or NULL. */
wasm_memory *wasm_instance_memory(const wasm_instance *inst);
const wasm_module *wasm_instance_module(const wasm_instance *inst);

/* ---- functions, including host functions -------------------------------- */

/* What a host function sees.  It reads args, writes results (their types
 * are the function type's), and returns WASM_OK, WASM_TRAPPED (after
 * setting trap_message) or WASM_EXITED (after setting exit_code).
 * `caller` is the instance whose code made the call (NULL when the host
 * function is called directly through wasm_call), `memory` its memory 0
 * (NULL then, or when it has none): what the host function's guest
 * pointers point into, at hand without a lookup.
 *
 * A raw host function (wasm_func_new_host_raw) sees the values as the
 * interpreter keeps them instead, with no conversion: args and results
 * are NULL and slots[0..nparams) hold the arguments, where it leaves its
 * results (slots[0..nresults)), each one 64-bit word: i64, f64 and
 * references all 64 bits, i32 and f32 in the low 32 bits, and a result
 * of those must have its high 32 bits zero.  slots is NULL for the
 * others.
 *
 * exec_ctx is the ctx given to wasm_exec_set_hook for the calling exec
 * (NULL without one): the embedder's own state for that exec, such as
 * the process it runs, found without a lookup. */
typedef struct {
    wasm_exec *exec;
    wasm_instance *caller;
    void *env;
    const wasm_value *args;
    wasm_value *results;
    const char *trap_message;
    int32_t exit_code;
    uint64_t *slots;
    void *exec_ctx;
    wasm_memory *memory;
} wasm_host_call;

typedef wasm_status (*wasm_host_fn)(wasm_host_call *call);

/* A host function of type `type` (copied).  NULL when out of memory. */
wasm_func *wasm_func_new_host(const wasm_runtime *rt, const wasm_functype *type,
                              wasm_host_fn fn, void *env);
/* The same for a raw host function (see wasm_host_call): the cheapest
 * call there is from Wasm code to its embedder (an OS's system calls). */
wasm_func *wasm_func_new_host_raw(const wasm_runtime *rt,
                                  const wasm_functype *type,
                                  wasm_host_fn fn, void *env);
void wasm_func_free(wasm_func *f);   /* host functions only */
const wasm_functype *wasm_func_type(const wasm_func *f);

/* A function's index in its module (0 for host functions), and its module
 * (NULL for host functions): with wasm_module_func_name, a name. */
uint32_t wasm_func_index(const wasm_func *f);
const wasm_module *wasm_func_module(const wasm_func *f);

/* ---- memories, tables, globals (for embedders and host modules) --------- */

wasm_memory *wasm_memory_new(const wasm_runtime *rt, wasm_limits limits);
void wasm_memory_free(wasm_memory *mem);

/* A linear memory.  Its layout is public, unlike the other objects', so
 * that the two accessors below are inline: every host call that follows
 * a guest pointer checks it against the memory's size (the kernel's
 * host_range), several times in a hot IPC call.  Only the engine writes
 * these fields (wasm_memory_new, memory.grow, wasm_memory_grow). */
struct wasm_memory {
    const wasm_runtime *rt;
    uint8_t *data;
    uint64_t size;              /* bytes */
    uint32_t pages;
    wasm_limits limits;
};

/* The memory's first byte (valid until the next grow), and its size in
 * bytes. */
static inline uint8_t *wasm_memory_data(const wasm_memory *mem)
{
    return mem->data;
}

static inline uint64_t wasm_memory_size(const wasm_memory *mem)
{
    return mem->size;
}

/* Pointer to [offset, offset+len) inside the memory, or NULL if any byte of
 * it is out of bounds (computed in 64 bits; len 0 at offset == size is ok).
 * This is how every host call checks a guest pointer. */
void *wasm_memory_ptr(const wasm_memory *mem, uint64_t offset, uint64_t len);

wasm_table *wasm_table_new(const wasm_runtime *rt, wasm_valtype elem_type,
                           wasm_limits limits, wasm_ref init);
void wasm_table_free(wasm_table *t);

wasm_global *wasm_global_new(const wasm_runtime *rt, wasm_value init,
                             bool mutable_);
void wasm_global_free(wasm_global *g);
wasm_value wasm_global_get(const wasm_global *g);

/* ---- execution ------------------------------------------------------------ */

/* What the fuel hook tells the engine at a safe point. */
typedef enum {
    WASM_HOOK_CONTINUE,  /* go on (the hook should have refilled the fuel) */
    WASM_HOOK_PAUSE,     /* return WASM_PAUSED now; wasm_resume continues */
    WASM_HOOK_STOP,      /* end the call with trap WASM_TRAP_STOPPED */
} wasm_hook_action;

typedef wasm_hook_action (*wasm_fuel_hook)(wasm_exec *exec, void *ctx);

/* An execution context: a value stack and a call stack sized by `rt`.
 * NULL when out of memory. */
wasm_exec *wasm_exec_new(const wasm_runtime *rt);
void wasm_exec_free(wasm_exec *exec);

/* Safe points are loop back-edges and calls.  Each costs one unit of fuel;
 * when the fuel reaches zero, or after wasm_exec_interrupt, the hook is
 * called (with no hook set, fuel never runs out).  wasm_exec_interrupt may
 * be called from an interrupt handler: the hook is called within the next
 * 4096 safe points (the engine looks at the flag only that often); with no
 * hook set, an interrupt ends the call with WASM_TRAP_STOPPED.  A PAUSE
 * saves the position; wasm_resume continues at exactly that instruction. */
void wasm_exec_set_hook(wasm_exec *exec, wasm_fuel_hook hook, void *ctx);
void wasm_exec_set_fuel(wasm_exec *exec, uint64_t fuel);
uint64_t wasm_exec_fuel(const wasm_exec *exec);
void wasm_exec_interrupt(wasm_exec *exec);

/* Calls `f` with `args` (checked against its type: a mismatch is a trap
 * with message "argument type mismatch").  On WASM_OK the results are read
 * with wasm_exec_results.  The exec must be idle: not paused, and not
 * running (a host function cannot call back into the exec that called
 * it; use another exec), else the call is refused as a trap. */
wasm_result wasm_call(wasm_exec *exec, wasm_func *f, const wasm_value *args,
                      uint32_t nargs);

/* Continues a call that returned WASM_PAUSED. */
wasm_result wasm_resume(wasm_exec *exec);

/* Abandons a paused call so the exec is idle again. */
void wasm_exec_reset(wasm_exec *exec);

/* After a call returned WASM_TRAPPED: the Wasm call stack at the trap,
 * innermost first (the function that trapped, then its callers, down to
 * the function wasm_call started), up to `max` entries; returns the full
 * depth.  Valid until the next wasm_call on this exec. */
uint32_t wasm_exec_backtrace(const wasm_exec *exec, wasm_func **out,
                             uint32_t max);

/* Copies up to `max` results of the last finished call; returns how many
 * the function has. */
uint32_t wasm_exec_results(const wasm_exec *exec, wasm_value *out, uint32_t max);

#endif /* WISP_WASM_H */
