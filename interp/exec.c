/*
 * exec.c: the interpreter: one loop, one switch over the internal ops of
 * ops.h.
 *
 * The state of the running function lives in C locals so that the
 * compiler keeps it in registers: pc (the next code word), fp (the
 * frame's slot array), mem/memsize (memory 0 of the current instance) and
 * tick (safe points left before the fuel hook must look).  Wasm calls do
 * not recurse in C: a call pushes a wl_frame on exec->frames and carries
 * on in the same loop, so a deep Wasm recursion can exhaust only the
 * explicit limits of the runtime, never the C stack.
 *
 * Traps are values: a failing check jumps to the loop's exit, which
 * returns a wasm_result.  x86-64 is little-endian, as Wasm memory is, so
 * loads and stores are plain memcpy of the bytes.
 */
#include "wasm_int.h"
#include "ops.h"
#include "numeric.h"

/* Checks that almost never fail: tells the compiler to lay out the hot
 * path straight (a hint only; gcc and clang both understand it). */
#define UNLIKELY(c) __builtin_expect(!!(c), 0)

/* Slot access: i32 and f32 values use the low 32 bits of a slot. */
#define S(k)    fp[pc[k]]
#define U32(k)  ((uint32_t)S(k))
#define I32(k)  ((int32_t)U32(k))
#define I64(k)  ((int64_t)S(k))
#define F32(k)  num_f32_from_bits(U32(k))
#define F64(k)  num_f64_from_bits(S(k))
#define PUT_F32(k, v) (S(k) = num_f32_bits(v))
#define PUT_F64(k, v) (S(k) = num_f64_bits(v))
/* A branch: to the target of the distance word pc[k], a signed count of
 * words from that word.  Written as two pointer steps, not as an int sum
 * added to pc, so that it compiles to a sign extension and one lea. */
#define JUMP(k) (pc = &pc[k] + (int32_t)pc[k])

/* The safe points a run may pass before the hook looks at the fuel: the
 * remaining fuel, at most WL_FUEL_CHUNK, and at least 1 (fuel already out
 * means the very next safe point calls the hook). */
static uint32_t refill(wasm_exec *ex)
{
    uint64_t n = ex->hook ? ex->fuel : WL_FUEL_CHUNK;
    if (n > WL_FUEL_CHUNK)
        n = WL_FUEL_CHUNK;
    ex->chunk = n ? (uint32_t)n : 1;
    return ex->chunk;
}

/* Charges the safe points passed since the last refill. */
static void charge(wasm_exec *ex, uint32_t tick)
{
    uint64_t used = ex->chunk - tick;
    if (ex->hook)
        ex->fuel -= used < ex->fuel ? used : ex->fuel;
    ex->chunk = tick;
}

/*
 * safepoint: the slow path of a safe point, taken when the loop's
 * countdown *tick has reached 0, so the whole chunk granted at the last
 * refill is used up: charge it (charge(ex, 0)).  Then the embedder gets
 * its say, through its hook, when the fuel is gone (only an exec with a
 * hook has fuel: ex->fuel == 0) or when wasm_exec_interrupt asked
 * (ex->interrupt, which is consumed: cleared before the hook runs, so an
 * interrupt that arrives during the hook is seen next time).  The hook
 * answers continue, pause or stop (it may refill the fuel first); an
 * interrupt with no hook to ask means stop.  With nothing to ask, the
 * answer is continue.  Last, *tick = refill(ex): a new chunk, measured
 * against the fuel the hook may just have set.  Returns the answer, and
 * for a stop sets *trap to the trap the call ends with,
 * WASM_TRAP_STOPPED.  It runs once every WL_FUEL_CHUNK safe points at
 * most, never on the fast path, so it may take its time.
 */
static wasm_hook_action safepoint(wasm_exec *ex, uint32_t *tick,
                                  wasm_trap *trap)
{
    // LAB 4: your code here (safepoint)
    (void)ex, (void)tick;
    *trap = WASM_TRAP_TODO_SAFEPOINT;
    return WASM_HOOK_STOP;
}

/*
 * mem_check: may a load or store of n bytes (1, 2, 4 or 8) at effective
 * address ea touch a linear memory of `size` bytes?  It may when every
 * byte it touches, ea up to ea + n - 1, lies inside: WASM_TRAP_NONE; else
 * WASM_TRAP_MEMORY_OOB, before a single byte is read or written.  ea is a
 * 32-bit address plus a 32-bit offset added in 64 bits, so it cannot
 * wrap around, and size is at most 4 GiB, so neither can ea + n.  This
 * one comparison is all that keeps a program inside its memory: the
 * bytes past `size` are the kernel's.  It runs on every load and store,
 * inlined: keep it a single comparison.
 */
WL_INLINE wasm_trap mem_check(uint64_t ea, uint32_t n, uint64_t size)
{
    // LAB 4: your code here (mem_check)
    (void)ea, (void)n, (void)size;
    return WASM_TRAP_TODO_MEM_CHECK;
}

/*
 * br_table_jump: moves *pc, which points at an OP_BR_TABLE instruction
 * (ops.h: `OP_BR_TABLE idx n target*(n+1)`, (*pc)[2] is n; an
 * OP_LOOP_BR_TABLE has the same words), to the target
 * that the index i (the value of slot idx) picks: targets 0 .. n-1 for
 * i < n, and the last one, the default, for any i >= n.  A target word
 * holds the distance from that word to the target, as a signed 32-bit
 * number: negative for a jump back to a loop.  Returns WASM_TRAP_NONE
 * (br_table cannot trap; validation proved every target).  The pointer
 * arithmetic must be signed: added as an unsigned 32-bit number, a
 * backward distance becomes a jump four gigabytes forward.
 */
WL_INLINE wasm_trap br_table_jump(const uint32_t **pc, uint32_t i)
{
    // LAB 4: your code here (br_table_jump)
    (void)pc, (void)i;
    return WASM_TRAP_TODO_BR_TABLE;
}

/*
 * indirect_callee: the function call_indirect calls: element i of table
 * t, which must be a function of type `want` (canonical within the
 * caller's module).  Sets *callee and returns WASM_TRAP_NONE, or returns
 * the trap: WASM_TRAP_UNDEFINED_ELEMENT when i is not below the table's
 * size, WASM_TRAP_UNINIT_ELEMENT when the element is null, and
 * WASM_TRAP_INDIRECT_MISMATCH when its type is not `want`: the same
 * params and the same results, in order (wl_functype_eq; equal pointers
 * are the common, cheap case).  The table may hold functions of any type
 * and of other instances, so this check at run time is the only thing
 * that keeps a caller from passing an i32 where the callee's validated
 * code reads a reference.
 */
WL_INLINE wasm_trap indirect_callee(const wasm_table *t, uint32_t i,
                                    const wasm_functype *want,
                                    wasm_func **callee)
{
    // LAB 4: your code here (indirect_callee)
    (void)t, (void)i, (void)want, (void)callee;
    return WASM_TRAP_TODO_INDIRECT;
}

/* slot_value: the API value of type t held in slot bits (as
 * wl_bits_value, inline: every host call converts each argument).  A
 * 32-bit type keeps the low half; i64, f64 and references all 64 bits. */
static inline wasm_value slot_value(wasm_valtype t, uint64_t bits)
{
    wasm_value v;
    v.type = t;
    v.of.i64 = t == WASM_I32 || t == WASM_F32 ? (uint32_t)bits : bits;
    return v;
}

/*
 * host_status: what a host call that did not return WASM_OK ends the
 * run with: an exit (its code in *res) or a trap "host" with the host
 * function's message (or the generic one).
 */
static __attribute__((noinline)) wasm_status
host_status(wasm_status st, const wasm_host_call *call, wasm_result *res)
{
    if (st == WASM_EXITED) {
        res->exit_code = call->exit_code;
        return st;
    }
    res->trap = WASM_TRAP_HOST;
    res->message = call->trap_message ? call->trap_message
                                      : wasm_trap_message(WASM_TRAP_HOST);
    return WASM_TRAPPED;
}

/* raw_status: host_status for a raw host call of ex that did not return
 * WASM_OK, and its trap message cleared once read, so that the next call
 * starts without one.  Out of line, and handed ex rather than its
 * raw_call: so no pointer stays live across the host call only for this
 * rare path (one spill and one reload fewer per call). */
static __attribute__((noinline)) wasm_status
raw_status(wasm_exec *ex, wasm_status st, wasm_result *res)
{
    st = host_status(st, &ex->raw_call, res);
    ex->raw_call.trap_message = NULL;
    return st;
}

/*
 * host_call_raw: calls raw host function f (wasm.h) on slots[0..], where
 * its arguments are and its results go: no conversion, no buffer, so it
 * is inlined into the call path of the loop.  What f sees is the exec's
 * own ex->raw_call, of which a call sets only the four fields that
 * change (exec, exec_ctx, args and results stay as wasm_exec_new and
 * wasm_exec_set_hook left them).  Returns f's status; *res as
 * raw_status sets it.
 */
WL_INLINE wasm_status host_call_raw(wasm_exec *ex, wasm_func *f,
                                    uint64_t *slots, wasm_instance *caller,
                                    wasm_memory *memory, wasm_result *res)
{
    wasm_host_call *call = &ex->raw_call;
    call->caller = caller;
    call->memory = memory;
    call->env = f->env;
    call->slots = slots;
    wasm_status st = f->host(call);
    if (UNLIKELY(st != WASM_OK))
        st = raw_status(ex, st, res);
    return st;
}

/*
 * Calls host function f with the arguments in slots[0..]; its results
 * replace them.  Returns its status; *msg / *code as it set them.  The
 * values travel in a buffer on the C stack (WL_HOST_VALUES of them, more
 * than any WASI or Wisp import needs), or on the heap for a bigger
 * arity, so an exec holds no buffer sized for the worst case.  Not
 * inlined: the buffer must not enlarge the interpreter loop's frame.
 */
static __attribute__((noinline)) wasm_status
host_call(wasm_exec *ex, wasm_func *f, uint64_t *slots,
          wasm_instance *caller, wasm_memory *memory, wasm_result *res)
{
    if (f->raw)
        return host_call_raw(ex, f, slots, caller, memory, res);
    const wasm_functype *ft = f->type;
    size_t n = (size_t)ft->nparams + ft->nresults;
    wasm_value buf[WL_HOST_VALUES], *in = buf;
    if (n > WL_HOST_VALUES && !(in = wl_alloc(ex->rt, n * sizeof *in))) {
        res->trap = WASM_TRAP_HOST;
        res->message = "out of memory for a host call's values";
        return WASM_TRAPPED;
    }
    wasm_value *out = in + ft->nparams;
    for (uint32_t i = 0; i < ft->nparams; i++)
        in[i] = slot_value(ft->params[i], slots[i]);
    for (uint32_t i = 0; i < ft->nresults; i++)
        out[i] = slot_value(ft->results[i], 0);
    wasm_host_call call = { ex, caller, f->env, in, out, NULL, 0, NULL,
                            ex->hook_ctx, memory };
    wasm_status st = f->host(&call);
    if (st == WASM_OK) {
        for (uint32_t i = 0; i < ft->nresults; i++)
            slots[i] = wl_value_bits(&out[i]);
    } else {
        st = host_status(st, &call, res);
    }
    if (in != buf)
        wl_free(ex->rt, in, n * sizeof *in);
    return st;
}

/* Copies a callee's zeroed locals and constants into its frame.  Up to
 * WL_INIT_FAST of them (the common case) go as one block of that fixed
 * size, a few moves with no branch on the count: init[] is padded to it
 * with zeros, and the frame has room for it (compile.c), so the extra
 * slots copied are temporaries, which are written before they are read. */
static inline void copy_init(uint64_t *d, const wl_code *code)
{
    if (code->ninit <= WL_INIT_FAST)
        memcpy(d, code->init, WL_INIT_FAST * 8);
    else
        memcpy(d, code->init, (size_t)code->ninit * 8);
}

/* Binary and unary operator cases: d = expr over a (and b). */
#define BIN(op, T, GET, PUT) case op: { \
        T a = GET(2), b = GET(3); PUT; (void)a; (void)b; pc += 4; break; }
#define CMP(op, GET, expr) case op: { \
        S(1) = (uint32_t)(GET(2) expr GET(3)); pc += 4; break; }
#define UN(op, PUT) case op: { PUT; pc += 3; break; }
#define IDIV(op, bits, sign, rem) case op: { uint64_t v; \
        trap = num_idiv(bits, sign, rem, S(2), S(3), &v); \
        if (UNLIKELY(trap != WASM_TRAP_NONE)) goto trapped; \
        S(1) = v; pc += 4; break; }
#define BR_CMP(op, GET, expr) \
    case op: \
        if (GET(1) expr GET(2)) { JUMP(3); break; } \
        pc += 4; break; \
    case op + OP_LOOP_FUSED: \
        if (GET(1) expr GET(2)) { JUMP(3); SAFEPOINT(); break; } \
        pc += 4; break; \
    case op + OP_ADD_BR: \
        S(1) = (uint32_t)(U32(2) + U32(3)); \
        if (GET(1) expr GET(4)) { JUMP(5); break; } \
        pc += 6; break; \
    case op + OP_LOOP_ADD_BR: \
        S(1) = (uint32_t)(U32(2) + U32(3)); \
        if (GET(1) expr GET(4)) { JUMP(5); SAFEPOINT(); break; } \
        pc += 6; break;
/* An i32.and, then an == or != compare of its result and a branch:
 * `op d x y b target`, forward (op) or backward (loop_op). */
#define AND_BR(op, loop_op, expr) \
    case op: \
        S(1) = U32(2) & U32(3); \
        if (U32(1) expr U32(4)) { JUMP(5); break; } \
        pc += 6; break; \
    case loop_op: \
        S(1) = U32(2) & U32(3); \
        if (U32(1) expr U32(4)) { JUMP(5); SAFEPOINT(); break; } \
        pc += 6; break;

/* Bounds-checked memory access at slot k's address + the offset word. */
#define EA(k) ((uint64_t)U32(k) + pc[3])
#define LOAD(op, T, N, conv) case op: { \
        uint64_t ea = EA(2); T v; \
        trap = mem_check(ea, N, memsize); \
        if (UNLIKELY(trap != WASM_TRAP_NONE)) goto trapped; \
        memcpy(&v, mem + ea, N); S(1) = conv; pc += 4; break; }
#define STORE(op, T, N) case op: { \
        uint64_t ea = EA(1); T v = (T)S(2); \
        trap = mem_check(ea, N, memsize); \
        if (UNLIKELY(trap != WASM_TRAP_NONE)) goto trapped; \
        memcpy(mem + ea, &v, N); pc += 4; break; }
#define EA2 ((uint64_t)(uint32_t)(U32(2) + U32(3)) + pc[4])
#define EA2S ((uint64_t)(uint32_t)(U32(1) + U32(2)) + pc[4])
#define LOAD2(op, T, N, conv) case op + OP_ADDR_ADD: { \
        uint64_t ea = EA2; T v; \
        trap = mem_check(ea, N, memsize); \
        if (UNLIKELY(trap != WASM_TRAP_NONE)) goto trapped; \
        memcpy(&v, mem + ea, N); S(1) = conv; pc += 5; break; }
#define STORE2(op, T, N) case op + OP_ADDR_ADD: { \
        uint64_t ea = EA2S; T v = (T)S(3); \
        trap = mem_check(ea, N, memsize); \
        if (UNLIKELY(trap != WASM_TRAP_NONE)) goto trapped; \
        memcpy(mem + ea, &v, N); pc += 5; break; }
#define EA3 ((uint64_t)(uint32_t)(((U32(2) & U32(3)) << (U32(4) & 31)) + \
                                  U32(5)) + pc[6])
#define LOAD3(op, T, N, conv) case op + OP_ADDR_SCALED: { \
        uint64_t ea = EA3; T v; \
        trap = mem_check(ea, N, memsize); \
        if (UNLIKELY(trap != WASM_TRAP_NONE)) goto trapped; \
        memcpy(&v, mem + ea, N); S(1) = conv; pc += 7; break; }
#define LOADS(op, T, N, conv) LOAD(op, T, N, conv) LOAD2(op, T, N, conv) \
        LOAD3(op, T, N, conv)
/* An i32 load (at address ADDR, LEN words) and the br_table after it,
 * indexed by the loaded value: the load's own result is written as
 * well, then the br_table runs as its case below would. */
#define LOAD_BR_TABLE_AT(op, T, N, ADDR, LEN) case op + OP_LOAD_BR_TABLE: \
        LOAD_BR_TABLE_RUN(T, N, ADDR, LEN)
#define LOAD_BR_TABLE_RUN(T, N, ADDR, LEN) { \
        uint64_t ea = ADDR; T v; \
        trap = mem_check(ea, N, memsize); \
        if (UNLIKELY(trap != WASM_TRAP_NONE)) goto trapped; \
        memcpy(&v, mem + ea, N); S(1) = (uint32_t)v; pc += LEN; \
        bool back = pc[0] == OP_LOOP_BR_TABLE; \
        trap = br_table_jump(&pc, (uint32_t)v); \
        if (UNLIKELY(trap != WASM_TRAP_NONE)) goto trapped; \
        if (back) SAFEPOINT(); \
        break; }
#define LOAD_BR_TABLE(op, T, N) LOAD_BR_TABLE_AT(op, T, N, EA(2), 4) \
        LOAD_BR_TABLE_AT(op + OP_ADDR_ADD, T, N, EA2, 5) \
        LOAD_BR_TABLE_AT(op + OP_ADDR_SCALED, T, N, EA3, 7)
#define STORES(op, T, N) STORE(op, T, N) STORE2(op, T, N)
/* A load, then a store of its value (`op d a off store b d off2`, the
 * store's op word skipped), its words at pc[o]: the load is checked, and
 * traps, first; the store is checked before a byte is written, as its
 * own. */
#define COPY_FIELD(o, T, N) do { \
        uint64_t ea = (uint64_t)U32((o) + 2) + pc[(o) + 3]; T v; \
        trap = mem_check(ea, N, memsize); \
        if (UNLIKELY(trap != WASM_TRAP_NONE)) goto trapped; \
        memcpy(&v, mem + ea, N); S((o) + 1) = v; \
        ea = (uint64_t)U32((o) + 5) + pc[(o) + 7]; \
        trap = mem_check(ea, N, memsize); \
        if (UNLIKELY(trap != WASM_TRAP_NONE)) goto trapped; \
        memcpy(mem + ea, &v, N); } while (0)
#define LOAD_STORE(op, T, N) case op: COPY_FIELD(0, T, N); pc += 8; break;
/* An f64.load at address ADDR (LEN words: `op d ...`), then the f64
 * operator after it, `0xa0 d2 x y` or `0xa2 d2 x y` (its op word
 * skipped), computing `expr` over its operands a and b; both written in
 * turn, as the two ops would. */
#define LOAD_ARITH_F64(op, ADDR, LEN, expr) case op: { \
        uint64_t ea = ADDR, v; \
        trap = mem_check(ea, 8, memsize); \
        if (UNLIKELY(trap != WASM_TRAP_NONE)) goto trapped; \
        memcpy(&v, mem + ea, 8); S(1) = v; \
        double a = F64(LEN + 2), b = F64(LEN + 3); \
        PUT_F64(LEN + 1, expr); pc += LEN + 4; break; }
#define TRAP(t) do { trap = (t); goto trapped; } while (0)
#define TRAPIF(c, t) do { if (UNLIKELY(c)) TRAP(t); } while (0)
#define LOAD_MEM() do { \
        mem = inst->mem0 ? inst->mem0->data : NULL; \
        memsize = inst->mem0 ? inst->mem0->size : 0; } while (0)
#define SAVE() do { ex->pc = pc; ex->fp = fp; ex->func = fn; } while (0)
/* The slow path works on copies of tick and trap: a local whose address
 * escapes lives in memory for the whole loop, and these must stay in
 * registers (the same goes for fp at wl_exec_grow). */
#define SAFEPOINT() do { \
        if (UNLIKELY(--tick == 0)) { \
            uint32_t tick_ = 0; \
            wasm_trap trap_ = WASM_TRAP_NONE; \
            SAVE(); \
            wasm_hook_action act_ = safepoint(ex, &tick_, &trap_); \
            tick = tick_; \
            trap = trap_; \
            if (act_ == WASM_HOOK_PAUSE) goto paused; \
            if (act_ == WASM_HOOK_STOP) goto trapped; \
            LOAD_MEM(); \
        } } while (0)

wasm_trap wl_bulk(wasm_instance *inst, const uint32_t *pc, uint64_t *fp);

/* The op-counting build (interp/opstats/, `make wisp-run-opstats`) sees
 * every op the loop dispatches; the normal build compiles OPSTAT away. */
#ifdef WL_OPSTATS
void wl_opstats_count(uint32_t op);
#define OPSTAT(op) wl_opstats_count(op)
#else
#define OPSTAT(op) ((void)0)
#endif

/* Runs from the state saved in ex until the entry function returns, a
 * trap, an exit or a pause. */
static wasm_result run(wasm_exec *ex)
{
    // book: run_state
    const uint32_t *pc = ex->pc;
    uint64_t *fp = ex->fp;
    wasm_func *fn = ex->func, *callee;
    wasm_instance *inst = fn->inst;
    uint8_t *mem;
    uint64_t memsize, *nfp;
    uint32_t tick = refill(ex);
    wasm_trap trap;
    wasm_result res = { WASM_OK, WASM_TRAP_NONE, NULL, 0, 0 };
    LOAD_MEM();
    for (;;) {
        /* The mask costs one AND and proves pc[0] in range: the jump
         * table has an entry for every value up to OP_MASK (the case
         * below), so the compiler drops its range check. */
        OPSTAT(pc[0] & OP_MASK);
        switch (pc[0] & OP_MASK) {
        case OP_UNREACHABLE:
        case OP_MASK:        /* no op: makes the jump table cover pc[0] & OP_MASK */
            TRAP(WASM_TRAP_UNREACHABLE);
        case OP_BR:
            JUMP(1);
            break;
    // book: run_state
        case OP_BR_IF:
            if (U32(1)) JUMP(2); else pc += 3;
            break;
        case OP_BR_UNLESS:
            if (U32(1)) pc += 3; else JUMP(2);
            break;
        case OP_LOOP_BR:
            JUMP(1);
            SAFEPOINT();
            break;
        case OP_LOOP_BR_IF:
            if (!U32(1)) { pc += 3; break; }
            JUMP(2);
            SAFEPOINT();
            break;
        case OP_LOOP_BR_UNLESS:
            if (U32(1)) { pc += 3; break; }
            JUMP(2);
            SAFEPOINT();
            break;
        BR_CMP(OP_BR_EQ, U32, ==)
        BR_CMP(OP_BR_NE, U32, !=)
        BR_CMP(OP_BR_LT_S, I32, <)
        BR_CMP(OP_BR_LT_U, U32, <)
        BR_CMP(OP_BR_GT_S, I32, >)
        BR_CMP(OP_BR_GT_U, U32, >)
        BR_CMP(OP_BR_LE_S, I32, <=)
        BR_CMP(OP_BR_LE_U, U32, <=)
        BR_CMP(OP_BR_GE_S, I32, >=)
        BR_CMP(OP_BR_GE_U, U32, >=)
        AND_BR(OP_AND_BR_EQ, OP_LOOP_AND_BR_EQ, ==)
        AND_BR(OP_AND_BR_NE, OP_LOOP_AND_BR_NE, !=)
        case OP_BR_TABLE:
            trap = br_table_jump(&pc, U32(1));
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            break;
        case OP_LOOP_BR_TABLE:
            trap = br_table_jump(&pc, U32(1));
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            SAFEPOINT();
            break;
        case OP_COPY:
            S(1) = S(2);
            pc += 3;
            break;
        case OP_COPY2:
            S(1) = S(2);
            S(3) = S(4);
            pc += 5;
            break;
        case OP_COPY_BR_UNLESS:       /* pc[3] is the branch's op */
            S(1) = S(2);
            if (U32(4)) pc += 6; else JUMP(5);
            break;
        case OP_COPY_LOOP_BR_IF:
            S(1) = S(2);
            if (!U32(4)) { pc += 6; break; }
            JUMP(5);
            SAFEPOINT();
            break;
        case OP_ADD2:                 /* pc[4] is the second add's op */
            S(1) = (uint32_t)(U32(2) + U32(3));
            S(5) = (uint32_t)(U32(6) + U32(7));
            pc += 8;
            break;
        case OP_COPY_LOAD: {          /* pc[3] is the load's op */
            S(1) = S(2);
            uint64_t ea = (uint64_t)U32(5) + pc[6];
            uint32_t v;
            trap = mem_check(ea, 4, memsize);
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            memcpy(&v, mem + ea, 4);
            S(4) = v;
            pc += 7;
            break;
        }
        case OP_COPY_LOAD_BR_TABLE: { /* OP_COPY_LOAD, then 0x1b8 */
            S(1) = S(2);
            uint64_t ea = (uint64_t)U32(5) + pc[6];
            uint32_t v;
            trap = mem_check(ea, 4, memsize);
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            memcpy(&v, mem + ea, 4);
            S(4) = v;
            pc += 7;
        }
            LOAD_BR_TABLE_RUN(uint32_t, 4, EA3, 7)
        LOAD_ARITH_F64(OP_LOAD_MUL_F64, EA(2), 4, a * b)
        LOAD_ARITH_F64(OP_LOAD2_MUL_F64, EA2, 5, a * b)
        LOAD_ARITH_F64(OP_LOAD_ADD_F64, EA(2), 4, a + b)
        case OP_LOAD_ADD_STORE_F64: { /* OP_LOAD_ADD_F64, then f64.store */
            uint64_t ea = EA(2), v;
            trap = mem_check(ea, 8, memsize);
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            memcpy(&v, mem + ea, 8);
            S(1) = v;
            PUT_F64(5, F64(6) + F64(7));
            ea = (uint64_t)U32(9) + pc[11];
            v = S(10);
            trap = mem_check(ea, 8, memsize);
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            memcpy(mem + ea, &v, 8);
            pc += 12;
            break;
        }
        case OP_ADD_LOAD8:            /* pc[4] is the load's op */
            S(1) = (uint32_t)(U32(2) + U32(3));
            goto load8_second;
        case OP_AND_LOAD8:
            S(1) = U32(2) & U32(3);
        load8_second: {
            uint64_t ea = (uint64_t)U32(6) + pc[7];
            trap = mem_check(ea, 1, memsize);
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            S(5) = mem[ea];
            pc += 8;
            break;
        }
        case OP_ADD_LOOP_BR_IF:       /* pc[4] is the branch's op */
            S(1) = (uint32_t)(U32(2) + U32(3));
            if (!U32(5)) { pc += 7; break; }
            JUMP(6);
            SAFEPOINT();
            break;
        case OP_LOAD_LOOP_BR_IF: {    /* pc[4] is the branch's op */
            uint64_t ea = EA(2);
            uint32_t v;
            trap = mem_check(ea, 4, memsize);
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            memcpy(&v, mem + ea, 4);
            S(1) = v;
            if (!U32(5)) { pc += 7; break; }
            JUMP(6);
            SAFEPOINT();
            break;
        }
        case OP_STORE2: {             /* pc[4] is the second store's op */
            uint64_t ea = EA(1);
            uint32_t v = U32(2);
            trap = mem_check(ea, 4, memsize);
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            memcpy(mem + ea, &v, 4);
            ea = (uint64_t)U32(5) + pc[7];
            v = U32(6);
            trap = mem_check(ea, 4, memsize);
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            memcpy(mem + ea, &v, 4);
            pc += 8;
            break;
        }
        case OP_COPY_BR:              /* pc[3] is the jump's op */
            S(1) = S(2);
            JUMP(4);
            break;
        case OP_COPY_LOOP_BR:
            S(1) = S(2);
            JUMP(4);
            SAFEPOINT();
            break;
        case OP_BR_IF_LOOP_BR:        /* pc[3] is the back edge's op */
            if (U32(1)) {
                JUMP(2);
                break;
            }
            JUMP(4);
            SAFEPOINT();
            break;
        case OP_BR_UNLESS_LOOP_BR:
            if (!U32(1)) {
                JUMP(2);
                break;
            }
            JUMP(4);
            SAFEPOINT();
            break;
        case OP_COPY2_LOOP_BR:        /* pc[5] is the jump's op */
            S(1) = S(2);
            S(3) = S(4);
            JUMP(6);
            SAFEPOINT();
            break;
        case OP_ADD_CALL:             /* pc[4] is the call's op */
            S(1) = (uint32_t)(U32(2) + U32(3));
            callee = inst->funcs[pc[5]];
            nfp = fp + pc[6];
            pc += 7;
            goto call;
        case OP_ADD64_RETURN1:        /* pc[4] is the return's op */
            S(1) = S(2) + S(3);
            fp[0] = S(5);
            goto ret;
        case OP_ADD_ADD:
            S(1) = (uint32_t)(U32(2) + U32(3) + U32(4));
            pc += 5;
            break;
        case OP_SHR_AND:
            S(1) = (U32(2) >> (U32(3) & 31)) & U32(4);
            pc += 5;
            break;
        case OP_LOAD_LOAD: {          /* each load checked as its own */
            uint64_t ea = EA(2);
            uint32_t v;
            trap = mem_check(ea, 4, memsize);
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            memcpy(&v, mem + ea, 4);
            ea = (uint64_t)v + pc[4];
            trap = mem_check(ea, 4, memsize);
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            memcpy(&v, mem + ea, 4);
            S(1) = v;
            pc += 5;
            break;
        }
        case OP_SHR_AND_ADD:
            S(1) = (uint32_t)(((U32(2) >> (U32(3) & 31)) & U32(4)) + U32(5));
            pc += 6;
            break;
        case OP_AND_SHL_ADD:
            S(1) = (uint32_t)(((U32(2) & U32(3)) << (U32(4) & 31)) + U32(5));
            pc += 6;
            break;
        case OP_AND_SHL:
            S(1) = (uint32_t)((U32(2) & U32(3)) << (U32(4) & 31));
            pc += 5;
            break;
        case OP_XOR_MUL64:
            S(1) = (S(2) ^ S(3)) * S(4);
            pc += 5;
            break;
        case OP_CONST64:
            S(1) = pc[2] | (uint64_t)pc[3] << 32;
            pc += 4;
            break;
        case OP_SELECT:
            S(1) = U32(4) ? S(2) : S(3);
            pc += 5;
            break;
        // book: return
        case OP_RETURN_N:
            for (uint32_t i = 0, base = pc[1]; i < pc[2]; i++)
                fp[i] = fp[base + i];
            goto ret;
        case OP_RETURN1:
            fp[0] = S(1);
            /* fall through */
        case OP_RETURN:
        ret:
            if (UNLIKELY(ex->depth == 0))
                goto done;
            ex->depth--;
            pc = ex->frames[ex->depth].pc;
            fp = ex->frames[ex->depth].fp;
            fn = ex->frames[ex->depth].func;
            /* Same instance: mem and memsize are current (memory.grow
             * and host calls reload them).  Else the callee's instance
             * may have grown a shared memory: reload. */
            if (fn->inst != inst) {
                inst = fn->inst;
                LOAD_MEM();
            }
            break;
        // book: return
        // book: call
        case OP_CALL:
            callee = inst->funcs[pc[1]];
            nfp = fp + pc[2];
            pc += 3;
            goto call;
        case OP_CALL_INDIRECT:
            trap = indirect_callee(inst->tables[pc[2]], U32(3),
                                   &inst->mod->types[pc[1]].ft, &callee);
            if (UNLIKELY(trap != WASM_TRAP_NONE))
                goto trapped;
            nfp = fp + pc[4];
            pc += 5;
            goto call;
        call:
            if (UNLIKELY(callee->host != NULL)) {
                /* No SAVE(): only a resume reads the saved state, and a
                 * host call ends in a result, a trap or an exit, never
                 * a pause. */
                wasm_status st = callee->raw
                    ? host_call_raw(ex, callee, nfp, inst, inst->mem0, &res)
                    : host_call(ex, callee, nfp, inst, inst->mem0, &res);
                if (st == WASM_EXITED) {
                    res.status = st;
                    goto leave;
                }
                if (st != WASM_OK)
                    goto host_trapped;
                LOAD_MEM();
                SAFEPOINT();
                break;
            }
            if (UNLIKELY(ex->depth >= ex->max_depth ||
                         nfp + callee->code->frame > ex->stack_end)) {
                uint64_t *gfp = fp, *gnfp = nfp;
                trap = wl_exec_grow(ex, &gfp, &gnfp, callee->code->frame);
                TRAPIF(trap != WASM_TRAP_NONE, trap);
                fp = gfp;
                nfp = gnfp;
            }
            ex->frames[ex->depth].pc = pc;
            ex->frames[ex->depth].fp = fp;
            ex->frames[ex->depth].func = fn;
            ex->depth++;
            copy_init(nfp + callee->code->nparams, callee->code);
            fp = nfp;
            pc = callee->code->code;
            fn = callee;
            if (fn->inst != inst) {
                inst = fn->inst;
                LOAD_MEM();
            }
            SAFEPOINT();
            break;
        // book: call
        // book: call_import
        case OP_CALL_IMPORT:          /* func argbase, then COPY d argbase */
            callee = inst->funcs[pc[1]];
            nfp = fp + pc[2];
            if (UNLIKELY(!callee->raw)) {
                pc += 3;              /* the COPY runs once it returns */
                goto call;
            }
            {
                wasm_status st = host_call_raw(ex, callee, nfp, inst,
                                               inst->mem0, &res);
                if (UNLIKELY(st != WASM_OK)) {
                    if (st != WASM_EXITED)
                        goto host_trapped;
                    res.status = st;
                    goto leave;
                }
            }
            S(4) = nfp[0];            /* the COPY's work, done here */
            pc += 6;
            LOAD_MEM();
            SAFEPOINT();
            break;
        // book: call_import
        case OP_GLOBAL_GET:
            S(1) = inst->globals[pc[2]]->bits;
            pc += 3;
            break;
        case OP_GLOBAL_SET:
            inst->globals[pc[1]]->bits = S(2);
            pc += 3;
            break;
        LOADS(0x28, uint32_t, 4, v)
        LOADS(0x29, uint64_t, 8, v)
        LOADS(0x2a, uint32_t, 4, v)
        LOADS(0x2b, uint64_t, 8, v)
        LOADS(0x2c, int8_t, 1, (uint32_t)(int32_t)v)
        LOADS(0x2d, uint8_t, 1, v)
        LOADS(0x2e, int16_t, 2, (uint32_t)(int32_t)v)
        LOADS(0x2f, uint16_t, 2, v)
        LOADS(0x30, int8_t, 1, (uint64_t)(int64_t)v)
        LOADS(0x31, uint8_t, 1, v)
        LOADS(0x32, int16_t, 2, (uint64_t)(int64_t)v)
        LOADS(0x33, uint16_t, 2, v)
        LOADS(0x34, int32_t, 4, (uint64_t)(int64_t)v)
        LOADS(0x35, uint32_t, 4, v)
        STORES(0x36, uint32_t, 4)
        STORES(0x37, uint64_t, 8)
        STORES(0x38, uint32_t, 4)
        STORES(0x39, uint64_t, 8)
        STORES(0x3a, uint8_t, 1)
        STORES(0x3b, uint16_t, 2)
        STORES(0x3c, uint8_t, 1)
        STORES(0x3d, uint16_t, 2)
        STORES(0x3e, uint32_t, 4)
        LOAD_STORE(OP_LOAD_STORE, uint32_t, 4)
        LOAD_STORE(OP_LOAD_STORE64, uint64_t, 8)
        LOAD_STORE(OP_LOAD_STORE8, uint8_t, 1)
        case OP_LOAD_STORE2:          /* pc[8] is the second copy's op */
            COPY_FIELD(0, uint32_t, 4);
            COPY_FIELD(8, uint32_t, 4);
            pc += 16;
            break;
        LOAD_BR_TABLE(0x28, uint32_t, 4)
        LOAD_BR_TABLE(0x2c, int8_t, 1)
        LOAD_BR_TABLE(0x2d, uint8_t, 1)
        LOAD_BR_TABLE(0x2e, int16_t, 2)
        LOAD_BR_TABLE(0x2f, uint16_t, 2)
        case OP_MEMORY_SIZE:
            S(1) = inst->mem0->pages;
            pc += 2;
            break;
        case OP_MEMORY_GROW:
            S(1) = (uint32_t)wl_memory_grow(inst->mem0, U32(2));
            LOAD_MEM();
            pc += 3;
            break;
#include "exec_num.inc"
        case OP_REF_IS_NULL:
            S(1) = S(2) == 0;
            pc += 3;
            break;
        case OP_REF_FUNC:
            S(1) = (uint64_t)(uintptr_t)inst->funcs[pc[2]];
            pc += 3;
            break;
        case OP_TABLE_GET: {
            wasm_table *t = inst->tables[pc[2]];
            TRAPIF(U32(3) >= t->size, WASM_TRAP_TABLE_OOB);
            S(1) = t->elems[U32(3)];
            pc += 4;
            break;
        }
        case OP_TABLE_SET: {
            wasm_table *t = inst->tables[pc[1]];
            TRAPIF(U32(2) >= t->size, WASM_TRAP_TABLE_OOB);
            t->elems[U32(2)] = (wasm_ref)S(3);
            pc += 4;
            break;
        }
        case OP_TABLE_SIZE:
            S(1) = inst->tables[pc[2]]->size;
            pc += 3;
            break;
        case OP_TABLE_GROW:
            S(1) = (uint32_t)wl_table_grow(inst->tables[pc[2]], U32(4),
                                           (wasm_ref)S(3));
            pc += 5;
            break;
        case OP_MEMORY_INIT: case OP_DATA_DROP: case OP_MEMORY_COPY:
        case OP_MEMORY_FILL: case OP_TABLE_INIT: case OP_ELEM_DROP:
        case OP_TABLE_COPY: case OP_TABLE_FILL: {
            static const uint8_t len[] = { 5, 2, 4, 4, 6, 2, 6, 0, 0, 5 };
            trap = wl_bulk(inst, pc, fp);
            if (trap != WASM_TRAP_NONE)
                goto trapped;
            pc += len[pc[0] - OP_MEMORY_INIT];
            break;
        }
        default:                     /* not reached: compile.c's ops only */
            res.trap = WASM_TRAP_UNREACHABLE;
            res.message = "invalid internal op";
            goto host_trapped;
        }
    }
    // book: exits
trapped:
    res.status = WASM_TRAPPED;
    res.trap = trap;
    res.message = wasm_trap_message(trap);
host_trapped:
    res.status = WASM_TRAPPED;
    res.func_index = fn->index;
    ex->bt_func = fn;                  /* frames stay for the backtrace */
    ex->bt_depth = ex->depth;
leave:
    charge(ex, tick);
    ex->state = EX_IDLE;
    ex->depth = 0;
    return res;
paused:
    charge(ex, tick);
    ex->state = EX_PAUSED;
    res.status = WASM_PAUSED;
    return res;
done:
    charge(ex, tick);
    ex->state = EX_DONE;
    return res;
    // book: exits
}

/* Slots in [0, n) of a stack grown by doubling from `start` to cover
 * `need`, capped at `max`; 0 when need is over max. */
static size_t grown(size_t have, size_t start, size_t need, size_t max)
{
    size_t n = have ? have : start;
    while (n < need)
        n *= 2;
    if (n > max)
        n = max;
    return need > max ? 0 : n;
}

/* Grows the call stack to hold one more frame: WASM_TRAP_NONE, or
 * WASM_TRAP_CALL_STACK_EXHAUSTED at the runtime's max_call_depth, or
 * WASM_TRAP_NOMEM when the allocator says no (nothing changed). */
static wasm_trap grow_frames(wasm_exec *ex)
{
    size_t n = grown(ex->max_depth, WL_FRAMES_START, ex->depth + (size_t)1,
                     ex->rt->max_call_depth);
    if (!n)
        return WASM_TRAP_CALL_STACK_EXHAUSTED;
    wl_frame *f = wl_alloc(ex->rt, n * sizeof *f);
    if (!f)
        return WASM_TRAP_NOMEM;
    memcpy(f, ex->frames, (size_t)ex->depth * sizeof *f);
    wl_free(ex->rt, ex->frames, (size_t)ex->max_depth * sizeof *f);
    ex->frames = f;
    ex->max_depth = (uint32_t)n;
    return WASM_TRAP_NONE;
}

/*
 * Grows the stacks so that one more call frame fits and a frame of
 * `need` slots fits at *nfp: each doubles, up to the runtime's limits.
 * The value stack moves, so *fp, *nfp and every saved frame pointer are
 * rebased (ex->fp is not: it is written before any read, at a pause).
 * Returns WASM_TRAP_NONE, or the trap the call ends with: "call stack
 * exhausted" at a limit, "out of memory" when the allocator says no
 * (nothing changed either way).  Runs only where a call found its stacks
 * full, so an exec costs what its program uses, and the loop does no
 * extra work.
 */
wasm_trap wl_exec_grow(wasm_exec *ex, uint64_t **fp, uint64_t **nfp,
                       uint32_t need)
{
    wasm_trap t;
    if (ex->depth >= ex->max_depth && (t = grow_frames(ex)))
        return t;
    size_t have = (size_t)(ex->stack_end - ex->stack);
    size_t want = (size_t)(*nfp - ex->stack) + need;
    if (want <= have)
        return WASM_TRAP_NONE;
    size_t n = grown(have, WL_STACK_START, want, ex->rt->value_stack_slots);
    if (!n)
        return WASM_TRAP_CALL_STACK_EXHAUSTED;
    uint64_t *s = wl_alloc(ex->rt, n * 8);
    if (!s)
        return WASM_TRAP_NOMEM;
    memcpy(s, ex->stack, have * 8);
    for (uint32_t i = 0; i < ex->depth; i++)
        ex->frames[i].fp = s + (ex->frames[i].fp - ex->stack);
    *fp = s + (*fp - ex->stack);
    *nfp = s + (*nfp - ex->stack);
    wl_free(ex->rt, ex->stack, have * 8);
    ex->stack = s;
    ex->stack_end = s + n;
    return WASM_TRAP_NONE;
}

/* An exec whose value and call stacks start small (WL_STACK_START slots,
 * WL_FRAMES_START frames) and grow as calls need, up to rt's limits. */
wasm_exec *wasm_exec_new(const wasm_runtime *rt)
{
    wasm_exec *ex = wl_alloc(rt, sizeof *ex);
    if (!ex)
        return NULL;
    ex->rt = rt;
    size_t slots = grown(0, WL_STACK_START, 1, rt->value_stack_slots);
    size_t depth = grown(0, WL_FRAMES_START, 1, rt->max_call_depth);
    ex->stack = wl_alloc(rt, slots * 8);
    ex->frames = wl_alloc(rt, depth * sizeof(wl_frame));
    if (!ex->stack || !ex->frames) {
        wl_free(rt, ex->stack, slots * 8);
        wl_free(rt, ex->frames, depth * sizeof(wl_frame));
        wl_free(rt, ex, sizeof *ex);
        return NULL;
    }
    ex->stack_end = ex->stack + slots;
    ex->max_depth = (uint32_t)depth;
    ex->state = EX_IDLE;
    ex->raw_call.exec = ex;             /* the rest zero: no hook yet */
    return ex;
}

/* Frees an exec and its stacks (a paused call is abandoned). */
void wasm_exec_free(wasm_exec *ex)
{
    if (!ex)
        return;
    const wasm_runtime *rt = ex->rt;
    wl_free(rt, ex->stack, (size_t)(ex->stack_end - ex->stack) * 8);
    wl_free(rt, ex->frames, (size_t)ex->max_depth * sizeof(wl_frame));
    wl_free(rt, ex, sizeof *ex);
}

/* Installs the fuel hook (NULL: fuel never runs out). */
void wasm_exec_set_hook(wasm_exec *ex, wasm_fuel_hook hook, void *ctx)
{
    ex->hook = hook;
    ex->hook_ctx = ctx;
    ex->raw_call.exec_ctx = ctx;
}

/* Sets the fuel; takes effect at the next slow safe point or call. */
void wasm_exec_set_fuel(wasm_exec *ex, uint64_t fuel)
{
    ex->fuel = fuel;
}

/* The fuel left, as of the last safe point that looked (exact when the
 * hook runs and after a call returns). */
uint64_t wasm_exec_fuel(const wasm_exec *ex)
{
    return ex->fuel;
}

/* Async-safe: only sets a flag the next slow safe point reads. */
void wasm_exec_interrupt(wasm_exec *ex)
{
    ex->interrupt = 1;
}

/* A result for a call refused before it ran. */
static wasm_result refuse(const char *msg)
{
    wasm_result r = { WASM_TRAPPED, WASM_TRAP_HOST, msg, 0, 0 };
    return r;
}

/* True if args match f's parameter types. */
static bool args_match(const wasm_functype *ft, const wasm_value *args,
                       uint32_t nargs)
{
    if (nargs != ft->nparams)
        return false;
    for (uint32_t i = 0; i < nargs; i++)
        if (args[i].type != ft->params[i])
            return false;
    return true;
}

/* Calls f (see wasm.h): sets up the entry frame at the bottom of the
 * value stack and runs. */
wasm_result wasm_call(wasm_exec *ex, wasm_func *f, const wasm_value *args,
                      uint32_t nargs)
{
    if (ex->state == EX_PAUSED)
        return refuse("exec is paused");
    if (ex->state == EX_RUNNING)          /* a host function calling back */
        return refuse("exec is busy");
    if (!args_match(f->type, args, nargs))
        return refuse("argument type mismatch");
    /* the frame (a host function: its arguments and results) must fit
     * before anything is written to the stack */
    const wasm_functype *ft = f->type;
    size_t need = f->host ? (ft->nparams > ft->nresults ? ft->nparams
                                                        : ft->nresults)
                          : f->code->frame;
    uint64_t *base = ex->stack, *nbase = base;   /* for wl_exec_grow */
    ex->depth = 0;
    wasm_trap t = need > (size_t)(ex->stack_end - ex->stack)
                      ? wl_exec_grow(ex, &base, &nbase, (uint32_t)need)
                      : WASM_TRAP_NONE;
    if (t) {
        wasm_result res = { WASM_TRAPPED, t, wasm_trap_message(t),
                            f->index, 0 };
        return res;
    }
    ex->entry = f;
    ex->bt_func = NULL;
    for (uint32_t i = 0; i < nargs; i++)
        ex->stack[i] = wl_value_bits(&args[i]);
    if (f->host) {
        wasm_result res = { WASM_OK, WASM_TRAP_NONE, NULL, f->index, 0 };
        ex->state = EX_RUNNING;
        res.status = host_call(ex, f, ex->stack, NULL, NULL, &res);
        ex->state = res.status == WASM_OK ? EX_DONE : EX_IDLE;
        return res;
    }
    const wl_code *c = f->code;
    memcpy(ex->stack + c->nparams, c->init, (size_t)c->ninit * 8);
    ex->pc = c->code;
    ex->fp = ex->stack;
    ex->func = f;
    ex->state = EX_RUNNING;
    return run(ex);
}

/* Continues a paused call where the safe point stopped it. */
wasm_result wasm_resume(wasm_exec *ex)
{
    if (ex->state != EX_PAUSED)
        return refuse("exec is not paused");
    ex->state = EX_RUNNING;
    return run(ex);
}

/* Abandons a paused call: the exec is idle again. */
void wasm_exec_reset(wasm_exec *ex)
{
    ex->state = EX_IDLE;
    ex->depth = 0;
}

/* Results of the last call that finished, as typed values. */
uint32_t wasm_exec_results(const wasm_exec *ex, wasm_value *out, uint32_t max)
{
    if (ex->state != EX_DONE || !ex->entry)
        return 0;
    const wasm_functype *ft = ex->entry->type;
    for (uint32_t i = 0; i < ft->nresults && i < max; i++)
        out[i] = wl_bits_value(ft->results[i], ex->stack[i]);
    return ft->nresults;
}

/* The Wasm call stack at the last trap, innermost first (see wasm.h). */
uint32_t wasm_exec_backtrace(const wasm_exec *ex, wasm_func **out,
                             uint32_t max)
{
    if (!ex->bt_func || ex->state == EX_PAUSED)
        return 0;
    for (uint32_t i = 0; i <= ex->bt_depth && i < max; i++)
        out[i] = i == 0 ? ex->bt_func : ex->frames[ex->bt_depth - i].func;
    return ex->bt_depth + 1;
}
