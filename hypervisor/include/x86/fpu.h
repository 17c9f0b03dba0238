/* Guest FPU state: saved and restored eagerly with the vCPU, plus the virtual CR0.TS. */
#ifndef HV_FPU_H
#define HV_FPU_H
#include "domain.h"
#include "arch.h"

void fpu_save(struct vcpu *v);
void fpu_restore(struct vcpu *v);
/* fpu_taskswitch / CLTS / MOV CR0.TS: set or clear the guest's virtual TS. */
void vcpu_fpu_taskswitch(struct vcpu *v, bool set);
/* #NM from a guest: with virtual TS set, clear it and deliver #NM to the guest. */
void fpu_device_not_available(struct vcpu *v, struct cpu_regs *r);

#endif
