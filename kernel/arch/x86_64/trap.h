/*
 * trap.h: the saved machine state of an exception, as vectors.asm lays it
 * out on the stack, and the C entry point trap().
 */
#ifndef WISP_TRAP_H
#define WISP_TRAP_H

#include <stdint.h>

/* Lowest address first: the registers trap_common pushed last come first. */
struct trapframe {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;        /* pushed by the stub */
    uint64_t err;           /* pushed by the CPU, or 0 by the stub */
    uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

#define T_DIVIDE 0
#define T_BREAKPOINT 3
#define T_INVALID_OP 6
#define T_DOUBLE_FAULT 8
#define T_GP 13
#define T_PAGE_FAULT 14

void trap(struct trapframe *tf);
const char *trap_name(uint64_t vector);

#endif
