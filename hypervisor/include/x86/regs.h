/* The register frame built by the entry stubs on the per-CPU stack (layout used by nasm via
 * asm-offsets). The order follows Xen's cpu_user_regs so context records map field by field. */
#ifndef HV_REGS_H
#define HV_REGS_H
#include "types.h"

struct cpu_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;   /* hardware error code, 0 if none */
    uint32_t entry_vector; /* exception vector, or ENTRY_SYSCALL for the SYSCALL path */
    uint64_t rip, cs, rflags, rsp, ss; /* hardware interrupt frame */
};

#define ENTRY_SYSCALL 0x100 /* entry_vector of a frame built by the SYSCALL entry */

/* Did the frame interrupt a guest rather than the hypervisor? Guests run in ring 3; one that
 * reached virtual-8086 mode (QEMU's TCG lets a 32-bit IRET from ring 3 set EFLAGS.VM) shows a
 * real-mode CS with RPL 0, so RFLAGS.VM counts too. */
static inline bool regs_from_guest(const struct cpu_regs *r)
{
    return (r->cs & 3) == 3 || (r->rflags & (1UL << 17));
}

#endif
