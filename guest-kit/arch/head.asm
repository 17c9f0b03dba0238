; guest-kit/arch/head.asm - the image's ELF notes, entry point, hypercall page and stacks.
;
; Implements:  _start (entered by the domain builder; not called from C)
;   in:  rsi = virtual address of struct pv_start_info, rsp = top of the boot stack page,
;        cs/ss = flat kernel selectors, events masked (vcpu_info.evtchn_upcall_mask = 1)
;   then calls  void gk_start(struct pv_start_info *si, uint64_t boot_rsp)  (lib/boot.c)
; Exports:    uint8_t hypercall_page[4096]  (filled by the builder, see PV_ELFNOTE_HYPERCALL_PAGE)

%include "asm_defs.inc"

bits 64
default rel

; One "Xen" note: namesz 4, descsz, type, name, desc, each padded to 4 bytes.
%macro xen_note_str 2 ; type, string
    align 4, db 0
    dd 4, %%end - %%desc, %1
    db "Xen", 0
%%desc:
    db %2, 0
%%end:
    align 4, db 0
%endmacro

%macro xen_note_u64 2 ; type, value
    align 4, db 0
    dd 4, 8, %1
    db "Xen", 0
    dq %2
%endmacro

section .note.Xen note alloc noexec nowrite align=4
    xen_note_str PV_ELFNOTE_GUEST_OS, "guest-kit"
    xen_note_str PV_ELFNOTE_GUEST_VERSION, "1"
    xen_note_str PV_ELFNOTE_XEN_VERSION, "xen-3.0"
    xen_note_str PV_ELFNOTE_LOADER, "generic"
    xen_note_str PV_ELFNOTE_FEATURES, ""        ; nothing required, nothing optional
    xen_note_u64 PV_ELFNOTE_VIRT_BASE, GK_VIRT_BASE
    xen_note_u64 PV_ELFNOTE_PADDR_OFFSET, 0     ; p_paddr = p_vaddr - VIRT_BASE (guest.lds)
    xen_note_u64 PV_ELFNOTE_ENTRY, _start
    xen_note_u64 PV_ELFNOTE_HYPERCALL_PAGE, hypercall_page

section .text.head progbits alloc exec nowrite align=16
global _start
extern gk_start
_start:
    cld
    mov rdi, rsi                    ; arg 1: start_info
    mov rsi, rsp                    ; arg 2: boot stack top, the end of the start-of-day layout
    lea rsp, [gk_boot_stack_top]
    xor ebp, ebp
    call gk_start                   ; never returns
.stuck:
    jmp .stuck

section .text.hypercall_page progbits alloc exec nowrite align=4096
global hypercall_page
hypercall_page:
    times 4096 db 0xcc              ; int3 until the builder writes the stubs

section .bss nobits alloc noexec write align=4096
global gk_boot_stack_top, gk_entry_stack_top, gk_user_stack_top
gk_boot_stack:
    resb 16384
gk_boot_stack_top:                  ; the kit's kernel stack
gk_entry_stack:
    resb 16384
gk_entry_stack_top:                 ; stack_switch target: user->kernel entries start here
gk_user_stack:
    resb 16384
gk_user_stack_top:                  ; stack for gk_user_run
