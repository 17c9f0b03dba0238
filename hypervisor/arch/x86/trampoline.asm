; Application-processor start-up: 16-bit real mode at TRAMPOLINE_PHYS -> long mode -> ap_entry.
; Copied to TRAMPOLINE_PHYS by smpboot.c, which fills the data fields at the end.
; C prototype reached: void ap_entry(unsigned cpu) with the stack given in tr_stack.
TRAMPOLINE_PHYS equ 0x8000
%define REL(x) (TRAMPOLINE_PHYS + (x) - trampoline_start)

section .rodata
global trampoline_start, trampoline_end, tr_cr3, tr_stack, tr_entry, tr_cpu
bits 16
trampoline_start:
    cli
    cld
    xor ax, ax
    mov ds, ax
    lgdt [REL(tr_gdtr)]
    mov eax, cr0
    or eax, 1
    mov cr0, eax
    jmp dword 0x08:REL(pm32)
bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr4
    or eax, (1 << 5) | (1 << 7)         ; PAE, PGE
    mov cr4, eax
    mov eax, [REL(tr_cr3)]
    mov cr3, eax
    mov ecx, 0xC0000080                 ; EFER: LME, NXE, SCE
    rdmsr
    or eax, (1 << 8) | (1 << 11) | 1
    wrmsr
    mov eax, cr0
    or eax, 0x80010000                  ; PG, WP
    mov cr0, eax
    jmp 0x18:REL(lm64)
bits 64
lm64:
    mov rsp, [REL(tr_stack)]
    mov edi, [REL(tr_cpu)]
    mov rax, [REL(tr_entry)]
    jmp rax
align 8
tr_gdt:
    dq 0
    dq 0x00cf9a000000ffff               ; 0x08 32-bit code
    dq 0x00cf92000000ffff               ; 0x10 data
    dq 0x00af9a000000ffff               ; 0x18 64-bit code
tr_gdtr:
    dw 31
    dd REL(tr_gdt)
align 8
tr_cr3:   dq 0
tr_stack: dq 0
tr_entry: dq 0
tr_cpu:   dq 0
trampoline_end:
