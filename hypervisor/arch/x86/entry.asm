; Entry and exit stubs: SYSCALL from guests, exceptions and interrupts, and the return to a guest.
; C prototypes implemented/called:
;   void entry_syscall(void);                 (MSR_LSTAR)      -> bool hv_syscall(struct cpu_regs *)
;   void entry_syscall32(void);               (MSR_CSTAR)      -> bool hv_syscall(struct cpu_regs *)
;   void entry_vector_N(void);                (IDT, N = 0..255) -> void hv_trap(struct cpu_regs *)
;   void arch_exit_to_guest(void);           resumes the frame at percpu()->stack_top - sizeof(regs)
;   int hv_exit_prepare(struct cpu_regs *);   C: events, scheduling; returns 1 if SYSRET may be used
%include "asm-offsets.inc"

extern hv_syscall, hv_trap, hv_exit_prepare

%macro SAVE_GPRS 0
    push rdi
    push rsi
    push rdx
    push rcx
    push rax
    push r8
    push r9
    push r10
    push r11
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
%endmacro

%macro RESTORE_GPRS 0
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    pop r11
    pop r10
    pop r9
    pop r8
    pop rax
    pop rcx
    pop rdx
    pop rsi
    pop rdi
%endmacro

section .text.hot.entry                 ; first in .text.hot, with the C of the hot paths (types.h HOT)
bits 64

; SYSCALL from guest (kernel: hypercall, user: bounced to the guest's syscall callback).
%macro SYSCALL_STACK 0
    swapgs
    mov [gs:PCPU_SCRATCH], rsp
    mov rsp, [gs:PCPU_STACK_TOP]
%endmacro

%macro SYSCALL_FRAME 1
    push SEL_USER_SS                    ; ss
    push qword [gs:PCPU_SCRATCH]        ; rsp
    push r11                            ; rflags
    push %1                             ; cs
    push rcx                            ; rip
%endmacro

; SYSCALL from 32-bit guest user code (compat mode): same path, a 32-bit code selector.
global entry_syscall32
entry_syscall32:
    SYSCALL_STACK
    SYSCALL_FRAME SEL_USER_CS32
    jmp syscall_common

global entry_syscall
entry_syscall:
    SYSCALL_STACK
    cmp rax, HC_XEN_VERSION             ; the null hypercall: xen_version_fast below
    je xen_version_fast
syscall_frame:
    SYSCALL_FRAME SEL_USER_CS64
syscall_common:
    push 0
    mov dword [rsp + 4], ENTRY_SYSCALL_VEC
    SAVE_GPRS
    cld
    mov rdi, rsp
    call hv_syscall                     ; true: nothing to do on the way out (the fast path)
    test eax, eax
    jz exit_path
exit_sysret:
    RESTORE_GPRS
    mov rcx, [rsp + REGS_RIP - REGS_ERROR_CODE]
    mov r11, [rsp + REGS_RFLAGS - REGS_ERROR_CODE]
    mov rsp, [rsp + REGS_RSP - REGS_ERROR_CODE]
    swapgs
    o64 sysret

; xen_version(XENVER_version, *) from the guest kernel, the call Linux makes to have its pending
; events delivered: answered here, without a frame, unless an event is to be delivered or the
; rip is not canonical (then rax is put back and the frame built). The rest of hv_syscall's exit
; test (sched_fast_return) needs no look here: IRQs are off until SYSRET, and whatever changes
; the vCPU's or the domain's state or asks for a reschedule interrupts this CPU, whose exit after
; SYSRET takes the slow path. Uses rax only.
xen_version_fast:
    test rdi, rdi                       ; XENVER_version (the sub-op is 64 bits wide)
    jnz .slow
    mov rax, [gs:PCPU_CURRENT]
    cmp byte [rax + VCPU_KERNEL_MODE], 0 ; user mode: a system call to bounce
    je .slow
    mov rax, [rax + VCPU_VCPU_INFO]
    cmp byte [rax + VI_UPCALL_PENDING], 0
    je .no_event
    cmp byte [rax + VI_UPCALL_MASK], 0
    je .slow                            ; an event to deliver on the way out
.no_event:
    mov rax, rcx                        ; SYSRET to a non-canonical rip faults in ring 0
    sar rax, 47
    inc rax                             ; canonical: 0 (lower half) or -1 (upper) -> 1 or 0
    cmp rax, 1
    ja .slow
    mov eax, XEN_VERSION_VALUE
    mov rsp, [gs:PCPU_SCRATCH]
    swapgs
    o64 sysret
.slow:
    mov eax, HC_XEN_VERSION
    jmp syscall_frame

; Exceptions and interrupts (from the vector stubs at the end of this file, out of the hot page).
exception_common:
    test byte [rsp + 16], 3             ; saved CS: from ring 3?
    jnz .from_guest
    test byte [rsp + 26], 2             ; saved RFLAGS.VM: a guest that slipped into vm86 mode
    jnz .from_guest
    ; A fault on the final iretq (a bad guest frame) arrives in ring 0 with the guest's GS loaded.
    push rax
    lea rax, [rel arch_exit_iret_insn]
    cmp [rsp + 16], rax
    pop rax
    jne .save
.from_guest:
    swapgs
.save:
    SAVE_GPRS
    cld
    mov rdi, rsp
    call hv_trap
    ; fall through

; Leave the hypervisor through the frame at rsp (the one the C code prepared).
global exit_path
exit_path:
    mov rdi, rsp
    call hv_exit_prepare
    test byte [rsp + REGS_CS], 3
    jz exit_to_ring0
    test eax, eax
    jnz exit_sysret
    RESTORE_GPRS
    add rsp, 8
    swapgs
global arch_exit_iret_insn
arch_exit_iret_insn:
    iretq
exit_to_ring0:
    RESTORE_GPRS
    add rsp, 8
    iretq

; Start running the vCPU whose frame is at the top of this CPU's stack (used once per CPU).
global arch_exit_to_guest
arch_exit_to_guest:
    mov rsp, [gs:PCPU_STACK_TOP]
    sub rsp, REGS_SIZE
    jmp exit_path

; int arch_copy_from_guest(void *dst, const void *src, size_t len), and arch_copy_to_guest the
; same: a copy through the page tables loaded now, the guest side's range checked by the caller
; (guest_access.c). 0, or -1 if an access faulted: hv_trap resumes a fault between
; arch_guest_copy and arch_guest_copy_end at arch_guest_copy_fault. 64-bit moves, never a string
; instruction (slow under TCG, MACHINE-NOTES.md).
global arch_copy_from_guest, arch_copy_to_guest, arch_guest_copy, arch_guest_copy_end
global arch_guest_copy_fault
arch_copy_from_guest:
arch_copy_to_guest:
arch_guest_copy:
    sub rdx, 8
    jb .tail
.word:
    mov rax, [rsi]
    mov [rdi], rax
    add rsi, 8
    add rdi, 8
    sub rdx, 8
    jae .word
.tail:
    add rdx, 8
    jz .done
.byte:
    mov al, [rsi]
    mov [rdi], al
    inc rsi
    inc rdi
    dec rdx
    jnz .byte
.done:
    xor eax, eax
    ret
arch_guest_copy_end:
arch_guest_copy_fault:
    mov eax, -1
    ret

; Exceptions and interrupts. Vectors with a hardware error code skip the dummy push.
section .text
%macro VECTOR 1
align 16
entry_vector_%1:
%if %1 = 8 || (%1 >= 10 && %1 <= 14) || %1 = 17 || %1 = 21 || %1 = 29 || %1 = 30
%else
    push 0
%endif
    mov dword [rsp + 4], %1
    jmp exception_common
%endmacro

%assign i 0
%rep 256
VECTOR i
%assign i i+1
%endrep

section .rodata
global entry_vector_table
entry_vector_table:
%assign i 0
%rep 256
    dq entry_vector_ %+ i
%assign i i+1
%endrep
