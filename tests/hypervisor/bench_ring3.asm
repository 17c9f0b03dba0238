; Reference measurement for `make bench`: a bare SYSCALL/SYSRET round trip from ring 3, timed by
; the hypervisor itself (the floor of the hypercall entry path).
; C prototypes implemented:
;   uint64_t bench_ring3_run(uint64_t user_rip, uint64_t user_rsp);  runs user code, returns its rax
;   void bench_resume(uint64_t result);                              from the #UD that ends it
;   void bench_lstar(void);                                          MSR_LSTAR while measuring
;   extern const char bench_user_code[], bench_user_code_end[];      the ring-3 loop (copied)
%include "asm-offsets.inc"

section .text
bits 64
global bench_ring3_run, bench_resume, bench_lstar, bench_user_code, bench_user_code_end

bench_ring3_run:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    mov [rel saved_rsp], rsp
    push SEL_USER_SS
    push rsi
    push 2                              ; rflags: interrupts off in the loop
    push SEL_USER_CS64
    push rdi
    swapgs                              ; the #UD entry from ring 3 swaps back
    iretq

bench_resume:
    mov rax, rdi
    mov rsp, [rel saved_rsp]
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

bench_lstar:
    o64 sysret

; Ring-3 loop: rax = TSC cycles of the fastest of 200 runs of 500 syscall/sysret round trips
; (a short run is rarely interrupted by the host's scheduler), then ud2.
bench_user_code:
    mov r10d, 200
    mov r8, -1
.run:
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov rsi, rax
    mov r9d, 500
.loop:
    syscall
    dec r9d
    jnz .loop
    rdtsc
    shl rdx, 32
    or rax, rdx
    sub rax, rsi
    cmp rax, r8
    cmovb r8, rax
    dec r10d
    jnz .run
    mov rax, r8
    ud2
bench_user_code_end:

section .bss
saved_rsp: resq 1
