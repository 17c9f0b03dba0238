; Multiboot entry: from 32-bit protected mode to long mode at the hypervisor's high address.
; C prototype implemented: the code here calls  void hv_main(uint32_t mb_magic, uint32_t mb_info);
%include "asm-offsets.inc"

MB_MAGIC    equ 0x1BADB002
MB_FLAGS    equ (1 << 1) | (1 << 16)   ; memory map wanted, a.out-kludge load addresses valid
VBASE       equ HV_IMAGE_BASE

extern hv_main, _edata, _end, boot_stack_top

section .multiboot
align 4
mb_header:
    dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
    dd mb_header - VBASE, HV_LOAD_PHYS, _edata - VBASE, _end - VBASE, start32 - VBASE

section .boot32 progbits alloc exec
bits 32
; "symbol - VBASE" is a 32-bit relocation the linker resolves and range-checks ("relocation
; truncated to fit" if it ever overflowed); nasm cannot know the symbol's final address and warns.
[warning -number-overflow]
global start32
start32:
    cli
    mov edi, eax                        ; multiboot magic
    mov esi, ebx                        ; multiboot info (physical)
    ; boot page tables: identity map the first GiB and map it again at HV_IMAGE_BASE
    mov eax, boot_l3_low - VBASE
    or eax, 3
    mov [boot_l4 - VBASE], eax
    mov eax, boot_l3_high - VBASE
    or eax, 3
    mov [boot_l4 - VBASE + ((VBASE >> 39) & 511) * 8], eax
    mov eax, boot_l2 - VBASE
    or eax, 3
    mov [boot_l3_low - VBASE], eax
    mov [boot_l3_high - VBASE + ((VBASE >> 30) & 511) * 8], eax
    xor ecx, ecx
.fill_l2:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83                        ; present, writable, 2 MiB page
    mov [boot_l2 - VBASE + ecx * 8], eax
    inc ecx
    cmp ecx, 512
    jne .fill_l2
    mov eax, boot_l4 - VBASE
    mov cr3, eax
    mov eax, cr4
    or eax, (1 << 5)                    ; PAE
    mov cr4, eax
    mov ecx, 0xC0000080                 ; EFER: long mode enable, NX enable
    rdmsr
    or eax, (1 << 8) | (1 << 11)
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1   ; paging, write-protect, protected mode
    mov cr0, eax
    lgdt [boot_gdtr - VBASE]
    jmp 0x08:(start64_low - VBASE)

[warning *number-overflow]
bits 64
start64_low:
    mov rax, start64
    jmp rax

section .text
start64:
    xor eax, eax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov rsp, [rel boot_stack_top]      ; a pointer variable in main.c
    sub rsp, 256                        ; the top keeps the guest register frame
    ; rdi = magic, rsi = multiboot info (already in place for the SysV ABI)
    call hv_main
.halt:
    cli
    hlt
    jmp .halt

section .data
align 16
boot_gdt:
    dq 0
    dq 0x00af9a000000ffff               ; 0x08: 64-bit ring-0 code
    dq 0x00cf92000000ffff               ; 0x10: data
boot_gdt_end:
boot_gdtr:
    dw boot_gdt_end - boot_gdt - 1
    dd boot_gdt - VBASE

section .bss
align 4096
global boot_l4
boot_l4:      resb 4096
boot_l3_low:  resb 4096
boot_l3_high: resb 4096
boot_l2:      resb 4096
