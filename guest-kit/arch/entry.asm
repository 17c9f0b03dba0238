; guest-kit/arch/entry.asm - trap, event, failsafe and syscall entry; return with the iret
; hypercall; context save; entry to user mode.
;
; Implements (prototypes in guest-kit/include/gk/traps.h and gk/user.h):
;   gk_trap_stubs[256]   addresses of the per-vector entry stubs (const uint64_t[256])
;   gk_event_entry, gk_failsafe_entry, gk_syscall_entry   callback entry points
;   long gk_context_save(struct gk_context *ctx)
;   void gk_user_enter(uint64_t rip, uint64_t rsp, uint64_t rflags)
; Every entry builds a struct gk_regs on the stack and calls
;   void gk_trap_dispatch(struct gk_regs *regs)
;
; The hypervisor's bounce frame, from rsp upwards: rcx, r11, [error code], rip, cs, rflags,
; rsp, ss. rcx and r11 hold the interrupted values (delivery clobbered the registers), so
; every stub pops them back first.

%include "asm_defs.inc"

bits 64
default rel

extern gk_trap_dispatch
extern hypercall_page

section .text

; Vectors for which the CPU pushes an error code.
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 \
                           || (v) == 29 || (v) == 30)

%assign vec 0
%rep 256
    align 16
gk_trap_stub_%[vec]:
    pop rcx
    pop r11
%if !HAS_ERROR_CODE(vec)
    push 0                          ; error code slot
%endif
    push vec
    jmp gk_trap_common
%assign vec vec + 1
%endrep

; Event upcall: same frame as a vector without error code.
global gk_event_entry
gk_event_entry:
    pop rcx
    pop r11
    push 0
    push GK_VEC_EVENT
    jmp gk_trap_common

; Failsafe: rcx, r11, ds, es, fs, gs precede the frame. The kit uses null data selectors,
; so the saved ones are dropped and the return reloads nulls.
global gk_failsafe_entry
gk_failsafe_entry:
    pop rcx
    pop r11
    add rsp, 32
    push 0
    push GK_VEC_FAILSAFE
    jmp gk_trap_common

; SYSCALL from guest user mode: rcx/r11 are the user's return rip/rflags.
global gk_syscall_entry
gk_syscall_entry:
    pop rcx
    pop r11
    push 0
    push GK_VEC_SYSCALL
    jmp gk_trap_common

; Save the interrupted registers in struct gk_regs order, call the C dispatcher, restore,
; and return with the iret hypercall.
gk_trap_common:
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
    cld
    mov rdi, rsp
    call gk_trap_dispatch
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
    ; A SYSCALL going back to user mode returns SYSRET-style (VGCF_in_syscall: rcx and r11
    ; become rip and rflags); everything else with a plain iret. The flags this clobbers are
    ; not the guest's: those come from the frame.
    cmp qword [rsp], GK_VEC_SYSCALL
    jne .plain
    test byte [rsp + GK_REGS_cs - GK_REGS_vector], 3 ; cs of the frame: RPL 3 = to user mode
    jz .plain
    lea rsp, [rsp + 16]             ; vector, error code
    mov dword [rsp + 12], 0         ; drop the saved upcall mask from the cs slot
    push PV_VGCF_in_syscall
    jmp hypercall_page + PV_HYPERCALL_iret * PV_HYPERCALL_PAGE_STUB_SIZE
.plain:
    lea rsp, [rsp + 16]
    mov dword [rsp + 12], 0
    push 0                          ; iret flags: not a SYSRET-style return
    jmp hypercall_page + PV_HYPERCALL_iret * PV_HYPERCALL_PAGE_STUB_SIZE

; long gk_context_save(struct gk_context *ctx): returns 0; gk_context_resume makes it
; return again with another value.
global gk_context_save
gk_context_save:
    mov [rdi + GK_CTX_rbx], rbx
    mov [rdi + GK_CTX_rbp], rbp
    mov [rdi + GK_CTX_r12], r12
    mov [rdi + GK_CTX_r13], r13
    mov [rdi + GK_CTX_r14], r14
    mov [rdi + GK_CTX_r15], r15
    lea rax, [rsp + 8]              ; the caller's rsp once we have returned
    mov [rdi + GK_CTX_rsp], rax
    mov rax, [rsp]                  ; return address
    mov [rdi + GK_CTX_rip], rax
    xor eax, eax
    ret

; void gk_user_enter(uint64_t rip, uint64_t rsp, uint64_t rflags): iret to user mode, with no
; kernel value left in a register.
global gk_user_enter
gk_user_enter:
    push PV_FLAT_USER_SS
    push rsi
    push rdx
    push PV_FLAT_USER_CS            ; RPL 3: the hypervisor switches to user mode
    push rdi
    push 0                          ; iret flags
    xor eax, eax
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor esi, esi
    xor edi, edi
    xor ebp, ebp
    xor r8d, r8d
    xor r9d, r9d
    xor r10d, r10d
    xor r11d, r11d
    xor r12d, r12d
    xor r13d, r13d
    xor r14d, r14d
    xor r15d, r15d
    jmp hypercall_page + PV_HYPERCALL_iret * PV_HYPERCALL_PAGE_STUB_SIZE

section .rodata
align 8
global gk_trap_stubs
gk_trap_stubs:
%assign vec 0
%rep 256
    dq gk_trap_stub_%[vec]
%assign vec vec + 1
%endrep
