/* guest-kit: the virtual IDT (set_trap_table), trap frames, and catching expected traps. */
#ifndef GK_TRAPS_H
#define GK_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

/* Exception vectors. */
enum {
    GK_VEC_DE = 0,             /* divide error */
    GK_VEC_DB = 1,             /* debug */
    GK_VEC_NMI = 2,            /* NMI (also the NMI callback) */
    GK_VEC_BP = 3,             /* int3 */
    GK_VEC_OF = 4,             /* into */
    GK_VEC_BR = 5,             /* bound */
    GK_VEC_UD = 6,             /* invalid opcode */
    GK_VEC_NM = 7,             /* device not available */
    GK_VEC_DF = 8,             /* double fault */
    GK_VEC_TS = 10,            /* invalid TSS */
    GK_VEC_NP = 11,            /* segment not present */
    GK_VEC_SS = 12,            /* stack fault */
    GK_VEC_GP = 13,            /* general protection */
    GK_VEC_PF = 14,            /* page fault */
    GK_VEC_MF = 16,            /* x87 error */
    GK_VEC_AC = 17,            /* alignment check */
    GK_VEC_MC = 18,            /* machine check */
    GK_VEC_XM = 19,            /* SIMD error */
    GK_VEC_SYSCALL_INT = 0x80, /* int $0x80, installed with DPL 3 */
    /* Not IDT vectors: entries through the callbacks, reported with these numbers. */
    GK_VEC_EVENT = 256,    /* event channel upcall */
    GK_VEC_FAILSAFE = 257, /* failsafe callback */
    GK_VEC_SYSCALL = 258,  /* SYSCALL from guest user mode */
};

/* Registers saved on every entry, lowest address first (the order guest-kit/arch/entry.asm
 * pushes them). The last five are the bounce frame the hypervisor built. Handlers may change
 * any of them; they are restored by the iret hypercall on return. */
struct gk_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;     /* GK_VEC_* or the IDT vector */
    uint64_t error_code; /* the hardware error code, or 0 for vectors without one */
    uint64_t rip;
    uint64_t cs; /* bits 0-15 selector (RPL 0: kernel, 3: user); 32-39 saved upcall mask */
    uint64_t rflags;
    uint64_t rsp;
    uint64_t ss;
};

/* True if the trap interrupted guest user mode. */
static inline bool gk_regs_from_user(const struct gk_regs *r)
{
    return (r->cs & 3) == 3;
}

/* What a caught trap looked like. */
struct gk_trap_record {
    uint64_t vector;
    uint64_t error_code;
    uint64_t cr2; /* from vcpu_info.arch.cr2 for #PF; ~0 if shared_info is not mapped */
    uint64_t rip; /* where the trap happened */
    uint64_t cs;
    uint64_t rflags;
    uint64_t rsp;
};

/* Install the default table: vectors 0-31 (#BP and #OF with DPL 3) and 0x80 (DPL 3). */
void gk_traps_init(void);

/* Add or replace vector's entry with the kit's stub, given DPL (0-3) and whether events are
 * masked on entry; re-issues set_trap_table. Returns its result. */
long gk_trap_install(unsigned int vector, unsigned int dpl, bool mask_events);

/* Remove vector's entry (the hypervisor then treats it as unhandled). */
long gk_trap_remove(unsigned int vector);

/* A saved kernel context: callee-saved registers, stack pointer and resume address (set by
 * gk_context_save), and the virtual rflags to resume with (set by its C caller). */
struct gk_context {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
    uint64_t rflags;
};

/* Save the caller's context, like setjmp(): returns 0 now, and returns again (with the value
 * given to the resume) when a trap or syscall handler resumes it (entry.asm). */
__attribute__((returns_twice)) long gk_context_save(struct gk_context *ctx);

/* Make the trap frame resume ctx, so that its gk_context_save returns value. */
void gk_context_resume(struct gk_regs *regs, const struct gk_context *ctx, long value);

/*
 * Catch the next trap, like setjmp(): evaluates to 0 when armed; when a trap then happens (in
 * the calling function or below it), the kit fills *rec, disarms, and the expression returns
 * 1 a second time, in the same place. Locals changed between the two returns must be
 * volatile. One catch at a time; the calling function must not have returned.
 */
#define gk_trap_catch(rec) (gk_trap_arm(rec), (int)gk_context_save(&gk_catch_context))

/* Used by gk_trap_catch(). */
extern struct gk_context gk_catch_context;
void gk_trap_arm(struct gk_trap_record *rec);

/* Disarm a catch that did not fire. */
void gk_trap_uncatch(void);

/* Optional hooks a guest may define (weak defaults in the kit). Each returns true if it
 * handled the entry, false to fall through to the default (an unexpected trap is fatal;
 * events are dispatched by gk_events; a user syscall returns -PV_ENOSYS). gk_syscall_hook
 * also sees every system call from user mode the kit did not enter (none is waiting in
 * gk_user_run/gk_task_run): unhandled, that is fatal. */
bool gk_trap_hook(struct gk_regs *regs);
bool gk_syscall_hook(struct gk_regs *regs);

/* Counters of entries by kind, for tests. */
extern volatile uint64_t gk_nr_events, gk_nr_failsafe, gk_nr_traps;

/* Called by entry.asm for every entry. */
void gk_trap_dispatch(struct gk_regs *regs);

#endif /* GK_TRAPS_H */
