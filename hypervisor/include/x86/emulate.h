/* Emulation of the privileged instructions a PV guest kernel may execute (docs/porting.md §9). */
#ifndef HV_EMULATE_H
#define HV_EMULATE_H
#include "domain.h"

enum emul_rc {
    EMUL_OK,          /* emulated; regs updated and rip advanced past the instruction */
    EMUL_FAULT,       /* deliver the fault described in struct emul_fault to the guest */
    EMUL_NOT_HANDLED, /* not something we emulate: caller delivers the original fault */
};

struct emul_fault {
    uint8_t vector;
    bool has_ec;
    uint32_t ec;
    uint64_t cr2; /* for #PF raised while fetching/reading guest memory */
};

/* Called on a #GP taken in guest context (kernel or user). */
enum emul_rc emul_priv_op(struct vcpu *v, struct cpu_regs *regs, struct emul_fault *f);
/* Called on a #UD taken in guest context: handles the forced-emulation prefix (ud2 'xen' cpuid). */
enum emul_rc emul_invalid_op(struct vcpu *v, struct cpu_regs *regs, struct emul_fault *f);
/* If the instruction at regs->rip is a software interrupt (int N, int3, into), return N and set
 * *len to its length; otherwise return -1. */
int emul_soft_int(const struct cpu_regs *regs, unsigned *len);

#endif
