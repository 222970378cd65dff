; entry.asm: from GRUB to kmain.
;
; GRUB (multiboot2) jumps to _start in 32-bit protected mode with paging
; off, EAX = the multiboot2 magic and EBX = the physical address of the boot
; information.  We must build page tables, turn on PAE and long mode, enable
; paging, load a GDT with a 64-bit code segment and jump into it.  Only then
; can the kernel's C code, linked in the higher half at KERNBASE + 1 MiB,
; run.  Everything here lives in the low ".boot" sections, which the linker
; script places at physical = virtual 1 MiB, because until paging is on the
; CPU can only use physical addresses.

KERNBASE    equ 0xffffffff80000000
MB2_MAGIC   equ 0xe85250d6          ; what GRUB looks for in the image
MB2_ARCH    equ 0                   ; i386 protected mode entry
PTE_P       equ 1 << 0              ; page-table entry: present
PTE_W       equ 1 << 1              ; writable
PTE_PS      equ 1 << 7              ; in a page directory: a 2 MiB page
CR0_PG      equ 1 << 31
CR0_WP      equ 1 << 16
CR0_EM      equ 1 << 2
CR0_MP      equ 1 << 1
CR4_PAE     equ 1 << 5
CR4_OSFXSR  equ 1 << 9
CR4_OSXMMEXCPT equ 1 << 10
EFER        equ 0xc0000080
EFER_LME    equ 1 << 8
COM1        equ 0x3f8

extern kmain
extern boot_stack_top

global _start
global mb2_header
global start64
global start64_high

section .multiboot
align 8
; book: header
mb2_header:
    dd MB2_MAGIC
    dd MB2_ARCH
    dd mb2_header_end - mb2_header
    dd -(MB2_MAGIC + MB2_ARCH + (mb2_header_end - mb2_header))
    ; Entry address tag (type 3): jump to _start, whatever the ELF says.
    align 8
    dw 3, 0
    dd 12
    dd _start
    ; No framebuffer tag: Wisp talks only over the serial port, so GRUB
    ; leaves the display alone.  End tag (type 0, size 8):
    align 8
    dw 0, 0
    dd 8
mb2_header_end:
; book: header

section .boot.text progbits alloc exec
bits 32
; _start: 32-bit entry from GRUB.  Needs EAX = multiboot2 magic, EBX = info.
_start:
    cli
    mov edi, eax                    ; kmain's first argument: the magic
    mov esi, ebx                    ; second argument: the info address
    mov esp, boot32_stack_top       ; a tiny low stack, for calls below

    ; book: cpuid
    ; Long mode exists only if CPUID has the extended leaf 0x80000001 and
    ; its EDX bit 29 (LM) is set.
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz no_long_mode
    ; book: cpuid

    call build_page_tables

    ; book: long_mode
    mov eax, pml4
    mov cr3, eax                    ; the top of the page-table tree
    mov eax, cr4
    or eax, CR4_PAE                 ; 64-bit entries: required by long mode
    mov cr4, eax
    mov ecx, EFER
    rdmsr
    or eax, EFER_LME                ; ask for long mode...
    wrmsr
    mov eax, cr0
    or eax, CR0_PG | CR0_WP         ; ...which turns on with paging
    mov cr0, eax
    lgdt [gdt64_ptr]
    jmp 0x08:start64                ; reload CS with the 64-bit code segment
    ; book: long_mode

; build_page_tables: map physical [0, 4 GiB) twice with 2 MiB pages:
; identity (so the next instructions keep running once paging is on) and
; physical [0, 2 GiB) at KERNBASE (where the C code is linked).
; Needs the tables to be in low memory; clobbers eax, ecx, edx, edi.
build_page_tables:
    push edi
    mov edi, pml4                   ; zero pml4, both pdpts and 4 pds
    mov ecx, (7 * 4096) / 4
    xor eax, eax
    rep stosd
    ; book: page_tables
    mov dword [pml4], pdpt_low + PTE_P + PTE_W
    mov dword [pml4 + 511 * 8], pdpt_high + PTE_P + PTE_W
    mov ecx, 0                      ; pdpt_low[i] = pd[i], i = 0..3
.pdpt:
    mov eax, ecx
    shl eax, 12
    add eax, pds + PTE_P + PTE_W
    mov [pdpt_low + ecx * 8], eax
    inc ecx
    cmp ecx, 4
    jb .pdpt
    mov dword [pdpt_high + 510 * 8], pds + PTE_P + PTE_W
    mov dword [pdpt_high + 511 * 8], pds + 4096 + PTE_P + PTE_W
    mov ecx, 0                      ; pds[j] = j * 2 MiB, j = 0..2047
.pd:
    mov eax, ecx
    shl eax, 21
    or eax, PTE_P + PTE_W + PTE_PS
    mov edx, ecx
    shr edx, 11                     ; bits 32+ of j * 2 MiB
    mov [pds + ecx * 8], eax
    mov [pds + ecx * 8 + 4], edx
    inc ecx
    cmp ecx, 2048
    jb .pd
    ; book: page_tables
    pop edi
    ret

; no_long_mode: say why on COM1 and stop (a 32-bit CPU cannot run Wisp).
no_long_mode:
    mov esi, no_lm_msg
.next:
    lodsb
    test al, al
    jz .stop
    mov dx, COM1
    out dx, al
    jmp .next
.stop:
    cli
    hlt
    jmp .stop

bits 64
; start64: first 64-bit instruction, still at a low address.  Jump to the
; higher-half copy of the code, where the C compiler expects to run.
start64:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    mov rax, start64_high
    jmp rax

section .text
; start64_high: set up the C environment and call kmain(magic, info).
start64_high:
    mov rsp, [rel boot_stack_top]
    xor ebp, ebp                    ; backtraces stop at a zero frame pointer
    ; book: sse
    mov rax, cr0
    and rax, ~CR0_EM                ; no x87 emulation: the FPU is real
    or rax, CR0_MP
    mov cr0, rax
    mov rax, cr4
    or rax, CR4_OSFXSR | CR4_OSXMMEXCPT   ; the OS saves SSE state, wants #XM
    mov cr4, rax
    ; book: sse
    mov edi, edi                    ; upper halves are undefined after the
    mov esi, esi                    ; switch from 32-bit mode: clear them
    call kmain
.hang:
    cli
    hlt
    jmp .hang

section .boot.data progbits alloc write
align 16
; The boot GDT: null, 64-bit kernel code (0x08), kernel data (0x10).
; kernel/arch/x86_64/gdt.c replaces it with one that also holds a TSS.
gdt64:
    dq 0
    dq 0x00af9a000000ffff           ; code: present, ring 0, L (64-bit)
    dq 0x00cf92000000ffff           ; data: present, ring 0, writable
gdt64_end:
gdt64_ptr:
    dw gdt64_end - gdt64 - 1
    dq gdt64
no_lm_msg:
    db "Wisp: this CPU has no 64-bit long mode", 13, 10, 0

section .boot.bss nobits alloc write
align 4096
pml4:       resb 4096
pdpt_low:   resb 4096
pdpt_high:  resb 4096
pds:        resb 4 * 4096
boot32_stack:
            resb 1024
boot32_stack_top:

; No executable stack needed (tells the linker so).
section .note.GNU-stack noalloc noexec nowrite progbits
