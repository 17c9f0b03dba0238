/* The guest's virtual control registers, as Xen shows them to PV guests: CR0 (only TS is the
 * guest's), CR2, CR3 (the kernel page-table root) and CR4 (TSD and DE are the guest's, PAE, MCE,
 * OSFXSR, OSXMMEXCPT mirror the hypervisor's). Used by the MOV CRn emulation; the core may use
 * them for vCPU context records. */
#ifndef HV_CTRLREG_H
#define HV_CTRLREG_H
#include "domain.h"

/* Read CR0, CR2, CR3 or CR4. 0, or -PV_EINVAL for any other register. */
int ctrlreg_read(struct vcpu *v, unsigned cr, uint64_t *val);
/* Write CR0 (only TS may change: -PV_EPERM otherwise), CR2, CR3 (mm_new_baseptr's result, so
 * possibly -PV_ERESTART) or CR4 (bits the guest does not own are ignored, never an error).
 * -PV_EINVAL for any other register. */
int ctrlreg_write(struct vcpu *v, unsigned cr, uint64_t val);
/* Load the hardware part of v's virtual control registers when v is switched in (the core
 * calls it): CR4.TSD follows the guest's TSD, so that its user-mode RDTSC faults. */
void ctrlreg_load(struct vcpu *v);

#endif
