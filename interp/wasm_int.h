/*
 * wasm_int.h: the engine's internal structures, shared by decode.c,
 * compile.c, exec.c and instance.c.  Nothing here is part of the API.
 *
 * A module is decoded into plain arrays held in one arena; every function
 * body is compiled during validation into "slot code" (see compile.c):
 * 32-bit words naming an internal op followed by the frame slots it reads
 * and writes.
 */
#ifndef WISP_WASM_INT_H
#define WISP_WASM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm.h"

/* The only library calls the engine makes; both the kernel and the host
 * C library provide them. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* A freestanding build (the kernel's) treats memcpy as an ordinary
 * function and would call it for every 4-byte load and store; the
 * builtin is inlined at a known small size, as a hosted build does. */
#if !__STDC_HOSTED__
#define memcpy(dst, src, n) __builtin_memcpy(dst, src, n)
#endif

/* A small helper of the interpreter's loop, always inlined into it (see
 * NUM_INLINE in numeric.h). */
#define WL_INLINE static inline __attribute__((always_inline))

/* ---- limits (each bounds something a hostile module controls) ------------ */

#define WL_MAX_TYPES      100000u   /* entries in the type section */
#define WL_MAX_FUNCS      1000000u  /* functions, imported + defined */
#define WL_MAX_PARAMS     1000u     /* params or results of one type */
#define WL_MAX_LOCALS     50000u    /* locals of one function (params incl.) */
#define WL_MAX_IMPORTS    100000u   /* import or export entries */
#define WL_MAX_TABLES     100000u   /* tables, imported + defined */
#define WL_MAX_GLOBALS    1000000u  /* globals, imported + defined */
#define WL_MAX_SEGMENTS   100000u   /* element or data segments */
#define WL_MAX_ELEMS      10000000u /* items in one element segment */
#define WL_MAX_BR_TABLE   1000000u  /* labels of one br_table */
#define WL_BR_TABLE_BIAS  64u       /* leading default entries a br_table may
                                       grow by to absorb its index's `- k` */
#define WL_MAX_HEIGHT     65535u    /* operand stack depth in one function */
#define WL_MAX_CTRL       65535u    /* nested blocks in one function */
#define WL_MAX_CONSTS     4096u     /* distinct constants per function */
#define WL_INIT_FAST      8u        /* a call copies a callee's zeroed locals
                                       and constants as one block of this
                                       many slots when they fit in it */
#define WL_LAZY_MAX       64u       /* stack positions that may name a local
                                       (bounds the compiler's scans) */
#define WL_PAGE           65536u    /* bytes in a Wasm page */
#define WL_MAX_PAGES      65536u    /* the spec's 4 GiB memory limit */
#define WL_FUEL_CHUNK     4096u     /* safe points between interrupt checks */
#define WL_STACK_START    128u      /* an exec's first value stack, in slots
                                       (doubles as calls need, up to
                                       wasm_runtime.value_stack_slots) */
#define WL_FRAMES_START   16u       /* ... and its first call stack, frames
                                       (up to max_call_depth) */
#define WL_HOST_VALUES    16u       /* params + results of a host call kept
                                       on the C stack (WASI's largest,
                                       path_open, has 10); more go to the
                                       heap for the call */

/* ---- allocation ------------------------------------------------------------ */

/* An arena: blocks from the runtime allocator, all freed together. */
typedef struct wl_block wl_block;
typedef struct {
    const wasm_runtime *rt;
    wl_block *head;
    uint8_t *cur;
    size_t left;
} wl_arena;

void wl_arena_init(wl_arena *a, const wasm_runtime *rt);
bool wl_arena_init_exact(wl_arena *a, const wasm_runtime *rt, size_t bytes);
void *wl_arena_alloc(wl_arena *a, size_t bytes);
void wl_arena_free(wl_arena *a);
void *wl_alloc(const wasm_runtime *rt, size_t bytes);
void wl_free(const wasm_runtime *rt, void *p, size_t bytes);

/* Error helpers: fill `err` unless it already holds an error. */
void wl_error(wasm_error *err, wasm_error_kind kind, uint32_t offset,
              const char *msg);
void wl_error2(wasm_error *err, wasm_error_kind kind, uint32_t offset,
               const char *msg, const char *a, const char *b);
const char *wl_type_name(uint8_t t);
bool wl_streq(const char *a, const char *b);
uint32_t wl_name_len(const char *name);
uint64_t wl_value_bits(const wasm_value *v);
wasm_value wl_bits_value(wasm_valtype t, uint64_t bits);
bool wl_known_opcode(uint8_t op);
wasm_error *wl_error_init(wasm_error *err, wasm_error *scratch);
bool wl_name_eq(const char *name, const char *cstr);

/* ---- the decoded module --------------------------------------------------- */

/* A constant expression (spec 3.3.10), already checked. */
typedef enum { CE_CONST, CE_GLOBAL, CE_FUNC } wl_ce_kind;
typedef struct {
    uint8_t kind;          /* wl_ce_kind */
    uint8_t type;          /* its value type */
    uint32_t index;        /* global or function index */
    uint64_t bits;         /* CE_CONST: the raw value (null ref is 0) */
} wl_const;

typedef struct {
    wasm_functype ft;
    uint32_t canon;        /* index of the first structurally equal type */
} wl_type;

/* Compiled code of one defined function (see compile.c). */
typedef struct {
    const uint32_t *code;
    uint32_t ncode;
    uint32_t nparams, nresults;
    uint32_t nlocals;      /* params + declared locals */
    uint32_t ninit;        /* slots after the params filled from init[] */
    const uint64_t *init;  /* zeros for locals, then the constants, then
                              zeros up to WL_INIT_FAST slots at least */
    uint32_t frame;        /* slots the frame needs: locals+consts+temps,
                              and at least nparams + WL_INIT_FAST */
} wl_code;

typedef struct {
    uint8_t kind;          /* wasm_extern_kind */
    const char *module, *name;
    uint32_t index;        /* func: type index; table/memory/global: its index */
} wl_import;

typedef struct {
    const char *name;
    uint8_t kind;
    uint32_t index;
    uint32_t offset;       /* of its name in the binary, for errors */
} wl_export;

typedef struct {
    uint8_t elem_type;
    wasm_limits limits;
} wl_table;

typedef struct {
    uint8_t type;
    bool mut;
    wl_const init;         /* defined globals only */
} wl_global;

typedef enum { SEG_ACTIVE, SEG_PASSIVE, SEG_DECLARATIVE } wl_seg_mode;

typedef struct {
    uint8_t mode, elem_type;
    uint32_t table;
    wl_const offset;
    uint32_t count;
    wl_const *items;
} wl_elem;

typedef struct {
    uint8_t mode;
    uint32_t memory;
    wl_const offset;
    uint32_t len;
    const uint8_t *bytes;
} wl_data;

struct wasm_module {
    const wasm_runtime *rt;
    wl_arena arena;
    uint32_t ntypes;
    wl_type *types;
    uint32_t nimports;
    wl_import *imports;
    uint32_t nfuncs, nfunc_imports;
    uint32_t *func_types;       /* type index of every function */
    wl_code *codes;             /* defined functions: codes[i - nfunc_imports] */
    uint32_t ntables, ntable_imports;
    wl_table *tables;
    uint32_t nmems, nmem_imports;
    wasm_limits *mems;
    uint32_t nglobals, nglobal_imports;
    wl_global *globals;
    uint32_t nexports;
    wl_export *exports;
    int64_t start;              /* -1 when absent */
    uint32_t nelems;
    wl_elem *elems;
    uint32_t ndatas;
    wl_data *datas;
    bool has_datacount;
    uint32_t datacount;
    uint8_t *declared;          /* bit per function: may be ref.func'd */
    const char **func_names;    /* from the name section, may be NULL */
    wasm_error pending;         /* first validation error in a function
                                   body: reported only if the rest of the
                                   module decodes (malformed comes first) */
    wasm_instance *zombies;     /* instances whose segments trapped: kept
                                   (their functions may already sit in an
                                   imported table) until the module goes */
    const uint8_t *data_use_at; /* first memory.init/data.drop seen
                                   without a data count section */
};

/* Decoder cursor over the module bytes. */
typedef struct {
    const uint8_t *base;        /* start of the module */
    const uint8_t *p, *end;     /* current position and current limit */
    const uint8_t *limit;       /* end of the whole module */
    wasm_module *m;
    wasm_error *err;
    bool failed;
} wl_reader;

/* read.c: the reader, used by decode.c and compile.c. */
void wr_eof(wl_reader *r);
uint8_t wr_valtype(wl_reader *r);
uint8_t wr_reftype(wl_reader *r);
const char *wr_name(wl_reader *r);
void *wr_array(wl_reader *r, uint32_t n, size_t size, uint32_t max,
               const char *toomany);
uint32_t wr_count(wl_reader *r);
wasm_limits wr_limits(wl_reader *r, bool mem);
uint32_t wl_fnv(uint32_t h, const void *p, size_t n);
/* A hash set of indices 0..n-1 (open addressing, power-of-two size) used
 * to find duplicates in linear time: types to canonicalize, export names
 * to check for uniqueness. */
typedef struct {
    uint32_t *slot;             /* index + 1, 0 = empty */
    uint32_t mask;
    const wasm_runtime *rt;
} wl_set;
bool wl_set_init(wl_set *s, const wasm_runtime *rt, uint32_t n);
void wl_set_free(wl_set *s);

uint8_t wr_u8(wl_reader *r);
uint32_t wr_u32(wl_reader *r);
int32_t wr_s32(wl_reader *r);
int64_t wr_s33(wl_reader *r);
int64_t wr_s64(wl_reader *r);
uint32_t wr_fixed32(wl_reader *r);
uint64_t wr_fixed64(wl_reader *r);
void wr_fail(wl_reader *r, wasm_error_kind kind, const char *msg);
void wr_fail_at(wl_reader *r, wasm_error_kind kind, const uint8_t *at,
                const char *msg);
uint32_t wr_offset(const wl_reader *r);
bool wl_is_valtype(uint8_t b);
bool wl_is_reftype(uint8_t b);

/* decode.c: reads the sections after the header, in order. */
void wl_read_sections(wl_reader *r);
/* module.c: a custom section (the "name" section is kept). */
void wl_sec_custom(wl_reader *r);

/* compile.c: validates and compiles body of function `fidx`, whose bytes
 * are r->p .. r->end. */
bool wl_compile(wasm_module *m, uint32_t fidx, wl_reader *r);
void wl_declare(wasm_module *m, uint32_t f);
/* skip.c: decodes the rest of a body without validating it. */
bool wl_skip_body(wl_reader *r);
/* Reads and checks a constant expression of type `type`. */
bool wl_const_expr(wasm_module *m, wl_reader *r, uint8_t type, wl_const *out);

/* ---- runtime objects ------------------------------------------------------- */

struct wasm_func {
    const wasm_functype *type;  /* canonical within its module */
    wasm_instance *inst;        /* NULL for host functions */
    const wl_code *code;        /* NULL for host functions */
    uint32_t index;             /* index in its module */
    wasm_host_fn host;
    void *env;
    const wasm_runtime *rt;     /* host functions: for wasm_func_free */
    bool raw;                   /* a raw host function: sees the slots */
};

/* struct wasm_memory is public: wasm.h. */

struct wasm_table {
    const wasm_runtime *rt;
    wasm_ref *elems;
    uint32_t size;
    uint8_t elem_type;
    wasm_limits limits;
};

struct wasm_global {
    const wasm_runtime *rt;
    uint64_t bits;
    uint8_t type;
    bool mut;
};

struct wasm_instance {
    const wasm_runtime *rt;
    const wasm_module *mod;
    wl_arena arena;
    wasm_func **funcs;
    wasm_memory *mem0;          /* memory 0 or NULL: the one loads use */
    wasm_table **tables;
    wasm_memory **mems;
    wasm_global **globals;
    wasm_ref **elem_items;      /* per element segment, NULL once dropped */
    uint32_t *elem_len;
    bool *data_dropped;
    wasm_func *own_funcs;
    uint32_t nown;              /* objects below are freed with the instance */
    wasm_table **own_tables;
    wasm_memory **own_mems;
    wasm_global **own_globals;
    wasm_instance *next_zombie;
};

/* instance.c helpers used by exec.c */
int32_t wl_memory_grow(wasm_memory *mem, uint32_t delta);
int32_t wl_table_grow(wasm_table *t, uint32_t delta, wasm_ref init);
bool wl_functype_eq(const wasm_functype *a, const wasm_functype *b);

/* Call frames and the exec context (exec.c). */
typedef struct {
    const uint32_t *pc;         /* where the caller continues */
    uint64_t *fp;               /* the caller's frame */
    wasm_func *func;            /* the caller */
} wl_frame;

typedef enum { EX_IDLE, EX_PAUSED, EX_DONE, EX_RUNNING } wl_exec_state;

struct wasm_exec {
    const wasm_runtime *rt;
    uint64_t *stack;
    uint64_t *stack_end;
    wl_frame *frames;
    uint32_t depth, max_depth;
    uint8_t state;
    wasm_fuel_hook hook;
    void *hook_ctx;
    uint64_t fuel;
    volatile int interrupt;
    /* saved at a pause */
    const uint32_t *pc;
    uint64_t *fp;
    wasm_func *func;
    wasm_func *entry;           /* the function wasm_call started */
    uint32_t chunk;             /* safe points granted at the last refill */
    wasm_func *bt_func;         /* after a trap: the trapping function */
    uint32_t bt_depth;          /* ... and the frames below it */
    wasm_host_call raw_call;    /* what a raw host function sees: exec.c,
                                   host_call_raw */
};

/* exec.c: more stack for a call (see there) */
wasm_trap wl_exec_grow(wasm_exec *ex, uint64_t **fp, uint64_t **nfp,
                       uint32_t need);

#endif /* WISP_WASM_INT_H */
