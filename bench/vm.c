/*
 * vm.c: a small register-machine bytecode interpreter, running a Collatz
 * program; a benchmark of an interpreter inside the interpreter (a dispatch
 * switch, unpredictable branches, register-file loads and stores).  Each
 * unit of scale runs the program for the numbers below VM_LIMIT + round % 8
 * and folds in the total number of Collatz steps and of executed
 * instructions.
 */
#include "common/bench.h"

#define VM_LIMIT 500            /* Collatz start values per round */
#define VM_NREGS 8              /* registers of the machine */

enum { VM_LI, VM_MOV, VM_ADD, VM_MUL, VM_AND, VM_SHR, VM_LT, VM_EQ,
       VM_JMP, VM_JZ, VM_JNZ, VM_HALT };

/* One instruction: op, destination/test register a, sources b and c, and
 * an immediate (LI's value, a jump's target). */
typedef struct {
    uint8_t op, a, b, c;
    int32_t imm;
} vm_insn;

/* total (r3) = sum over 1 <= n < r1 of the Collatz steps of n. */
static const vm_insn vm_prog[] = {
    /*  0 */ { VM_LI, 0, 0, 0, 1 },      /* n = 1 */
    /*  1 */ { VM_LI, 3, 0, 0, 0 },      /* total = 0 */
    /*  2 */ { VM_LI, 5, 0, 0, 1 },      /* one */
    /*  3 */ { VM_LI, 6, 0, 0, 3 },      /* three */
    /*  4 */ { VM_LT, 4, 0, 1, 0 },      /* loop_n: while n < limit */
    /*  5 */ { VM_JZ, 4, 0, 0, 19 },
    /*  6 */ { VM_MOV, 2, 0, 0, 0 },     /* x = n */
    /*  7 */ { VM_EQ, 4, 2, 5, 0 },      /* loop_x: until x == 1 */
    /*  8 */ { VM_JNZ, 4, 0, 0, 17 },
    /*  9 */ { VM_ADD, 3, 3, 5, 0 },     /* total++ */
    /* 10 */ { VM_AND, 4, 2, 5, 0 },
    /* 11 */ { VM_JZ, 4, 0, 0, 15 },     /* even? */
    /* 12 */ { VM_MUL, 2, 2, 6, 0 },     /* x = 3x + 1 */
    /* 13 */ { VM_ADD, 2, 2, 5, 0 },
    /* 14 */ { VM_JMP, 0, 0, 0, 7 },
    /* 15 */ { VM_SHR, 2, 2, 5, 0 },     /* x = x / 2 */
    /* 16 */ { VM_JMP, 0, 0, 0, 7 },
    /* 17 */ { VM_ADD, 0, 0, 5, 0 },     /* next: n++ */
    /* 18 */ { VM_JMP, 0, 0, 0, 4 },
    /* 19 */ { VM_HALT, 0, 0, 0, 0 },
};

/*
 * vm_exec: run prog from instruction 0 until HALT with registers r.
 * Needs a well-formed program (registers < VM_NREGS, targets in range).
 * Returns the number of instructions executed; results stay in r.
 */
static uint64_t vm_exec(const vm_insn *prog, uint64_t r[VM_NREGS])
{
    uint64_t count = 0;
    for (uint32_t pc = 0;; count++) {
        const vm_insn *i = &prog[pc++];
        switch (i->op) {
        case VM_LI:   r[i->a] = (uint64_t)(int64_t)i->imm; break;
        case VM_MOV:  r[i->a] = r[i->b]; break;
        case VM_ADD:  r[i->a] = r[i->b] + r[i->c]; break;
        case VM_MUL:  r[i->a] = r[i->b] * r[i->c]; break;
        case VM_AND:  r[i->a] = r[i->b] & r[i->c]; break;
        case VM_SHR:  r[i->a] = r[i->b] >> (r[i->c] & 63); break;
        case VM_LT:   r[i->a] = r[i->b] < r[i->c]; break;
        case VM_EQ:   r[i->a] = r[i->b] == r[i->c]; break;
        case VM_JMP:  pc = (uint32_t)i->imm; break;
        case VM_JZ:   if (!r[i->a]) pc = (uint32_t)i->imm; break;
        case VM_JNZ:  if (r[i->a]) pc = (uint32_t)i->imm; break;
        default:      return count + 1;   /* VM_HALT */
        }
    }
}

/*
 * bench_vm: scale rounds of the Collatz program.
 * Returns the checksum of every round's step total and instruction count.
 */
uint64_t bench_vm(uint32_t scale)
{
    uint64_t h = 0;
    for (uint32_t i = 0; i < scale; i++) {
        uint64_t r[VM_NREGS] = { 0 };
        r[1] = VM_LIMIT + (i % 8);
        uint64_t n = vm_exec(vm_prog, r);
        h = bc_mix(bc_mix(h, r[3]), n);
    }
    return h;
}
