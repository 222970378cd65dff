; vectors.asm: the first instructions of every exception handler.
;
; On an exception or interrupt the CPU pushes SS, RSP, RFLAGS, CS, RIP and, for some
; vectors only, an error code.  Each stub below pushes a dummy error code
; when the CPU did not, then its vector number, so every exception leaves
; the same layout; trap_common saves the general registers on top and
; calls trap(struct trapframe *) in trap.c.

bits 64
section .text

extern trap
global trap_common

%macro VEC_NOERR 1
vector%1:
    push 0                  ; no error code from the CPU: a dummy one
    push %1                 ; the vector number
    jmp trap_common
%endmacro

%macro VEC_ERR 1
vector%1:
    push %1                 ; the CPU already pushed the error code
    jmp trap_common
%endmacro

VEC_NOERR 0
VEC_NOERR 1
VEC_NOERR 2
VEC_NOERR 3
VEC_NOERR 4
VEC_NOERR 5
VEC_NOERR 6
VEC_NOERR 7
VEC_ERR   8
VEC_NOERR 9
VEC_ERR   10
VEC_ERR   11
VEC_ERR   12
VEC_ERR   13
VEC_ERR   14
VEC_NOERR 15
VEC_NOERR 16
VEC_ERR   17
VEC_NOERR 18
VEC_NOERR 19
VEC_NOERR 20
VEC_ERR   21
VEC_NOERR 22
VEC_NOERR 23
VEC_NOERR 24
VEC_NOERR 25
VEC_NOERR 26
VEC_NOERR 27
VEC_NOERR 28
VEC_ERR   29
VEC_ERR   30
VEC_NOERR 31

; Device interrupts: IRQ 0..15 of the PICs, remapped to vectors 32..47
; (irq.c).  The CPU pushes no error code for them.
%assign i 32
%rep 16
VEC_NOERR i
%assign i i + 1
%endrep

; book: trap_common
; trap_common: save the registers (struct trapframe, trap.h), call trap,
; restore them and return from the interrupt.  The stack is 16-byte
; aligned at the call: the CPU aligns it before pushing its 5 words, and we
; push 2 + 15 more.
trap_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp            ; trap(tf): the frame is where the stack is
    cld                     ; the C ABI expects the direction flag clear
    call trap
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16             ; drop the vector number and error code
    iretq
; book: trap_common

section .rodata
global trap_vectors
align 8
; trap_vectors: the address of each stub (48), for idt_init.
trap_vectors:
%assign i 0
%rep 48
    dq vector %+ i
%assign i i + 1
%endrep

; No executable stack needed (tells the linker so).
section .note.GNU-stack noalloc noexec nowrite progbits
