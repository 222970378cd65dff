; switch.asm: the context switch, and the first instructions of every new
; thread.
;
; A thread is switched out only by calling sched_switch (from schedule in
; sched.c), never from an interrupt handler.  So the switch is an ordinary
; function call, and the SysV ABI already tells us what to save: the
; callee-saved registers rbx, rbp, r12-r15, plus the two control words
; whose settings must survive a call (the x87 control word and the MXCSR,
; rounding modes and exception masks).  Everything else, rax, rcx, rdx,
; rsi, rdi, r8-r11 and all XMM registers, is caller-saved: the caller of
; sched_switch already assumes they are lost.

bits 64
section .text

extern thread_start
global sched_switch
global thread_trampoline

; book: sched_switch
; sched_switch(uint64_t *save_ksp, uint64_t load_ksp): push the current
; thread's callee-saved registers and control words on its stack, store
; %rsp in *save_ksp, load load_ksp into %rsp, and pop the other thread's
; registers from there.  The final ret returns into the other thread,
; wherever it called sched_switch (or into thread_trampoline, for a new
; thread).  Needs interrupts off.
sched_switch:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, 8
    stmxcsr [rsp]           ; SSE control/status (rounding, masks)
    fnstcw [rsp + 4]        ; x87 control word (precision, rounding)
    mov [rdi], rsp          ; the old thread's context is its stack top
    mov rsp, rsi            ; ... and from here on we are the new thread
    ldmxcsr [rsp]
    fldcw [rsp + 4]
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret
; book: sched_switch

; thread_trampoline: where a new thread's first sched_switch "returns"
; to.  thread_create left fn in r12 and arg in r13 (popped by the switch)
; and an aligned stack; thread_start(fn, arg) never returns.
thread_trampoline:
    mov rdi, r12
    mov rsi, r13
    call thread_start
    ud2                     ; not reached

; No executable stack needed (tells the linker so).
section .note.GNU-stack noalloc noexec nowrite progbits
