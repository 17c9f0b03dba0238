/* Emits structure offsets and constants for the nasm stubs; the build turns them into
 * build/hypervisor/asm-offsets.inc. Not linked into the image. */
#include "x86/layout.h"
#include "domain.h"
#include "percpu.h"
#include "pv-abi/hypercall.h"
#include "pv-abi/shared_info.h"
#include "x86/regs.h"

#define OFFSET(sym, val) __asm__ volatile("\n@@OFFSET " #sym " %0" ::"i"(val))

void asm_offsets(void);
void asm_offsets(void)
{
    OFFSET(REGS_R15, offsetof(struct cpu_regs, r15));
    OFFSET(REGS_RAX, offsetof(struct cpu_regs, rax));
    OFFSET(REGS_RCX, offsetof(struct cpu_regs, rcx));
    OFFSET(REGS_R11, offsetof(struct cpu_regs, r11));
    OFFSET(REGS_ERROR_CODE, offsetof(struct cpu_regs, error_code));
    OFFSET(REGS_ENTRY_VECTOR, offsetof(struct cpu_regs, entry_vector));
    OFFSET(REGS_RIP, offsetof(struct cpu_regs, rip));
    OFFSET(REGS_CS, offsetof(struct cpu_regs, cs));
    OFFSET(REGS_RFLAGS, offsetof(struct cpu_regs, rflags));
    OFFSET(REGS_RSP, offsetof(struct cpu_regs, rsp));
    OFFSET(REGS_SS, offsetof(struct cpu_regs, ss));
    OFFSET(REGS_SIZE, sizeof(struct cpu_regs));
    OFFSET(PCPU_SELF, offsetof(struct percpu, self));
    OFFSET(PCPU_STACK_TOP, offsetof(struct percpu, stack_top));
    OFFSET(PCPU_SCRATCH, offsetof(struct percpu, scratch));
    OFFSET(PCPU_CURRENT, offsetof(struct percpu, current));
    OFFSET(VCPU_KERNEL_MODE, offsetof(struct vcpu, kernel_mode));
    OFFSET(VCPU_VCPU_INFO, offsetof(struct vcpu, vcpu_info));
    OFFSET(VI_UPCALL_PENDING, offsetof(struct pv_vcpu_info, evtchn_upcall_pending));
    OFFSET(VI_UPCALL_MASK, offsetof(struct pv_vcpu_info, evtchn_upcall_mask));
    OFFSET(HC_XEN_VERSION, PV_HYPERCALL_xen_version);
    OFFSET(XEN_VERSION_VALUE, HV_XEN_VERSION);
    OFFSET(ENTRY_SYSCALL_VEC, ENTRY_SYSCALL);
    OFFSET(HV_IMAGE_BASE, HV_IMAGE_BASE);
    OFFSET(HV_LOAD_PHYS, HV_LOAD_PHYS);
    OFFSET(SEL_USER_CS64, 0xe033);
    OFFSET(SEL_USER_SS, 0xe02b);
    OFFSET(SEL_USER_CS32, 0xe023);
}
