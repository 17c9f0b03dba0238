/* The MSRs a PV guest kernel may read and write through the emulated RDMSR/WRMSR: Xen's PV
 * view (guest_rdmsr/guest_wrmsr and the PV read_msr/write_msr), anything else raises #GP. */
#ifndef HV_MSR_H
#define HV_MSR_H
#include "domain.h"

#define MSR_HYPERCALL_PAGE 0x40000000u /* write (mfn << 12) to fill that frame with stubs */

/* Read MSR idx as v sees it. 0, or -1: the guest gets #GP(0). */
int msr_guest_read(struct vcpu *v, uint32_t idx, uint64_t *val);
/* Write MSR idx for v. 0, or -1: the guest gets #GP(0). v must be the running vCPU: some writes
 * go straight to hardware (FS/GS bases, TSC_AUX, PRED_CMD). */
int msr_guest_write(struct vcpu *v, uint32_t idx, uint64_t val);
/* Load v's MSRs that guests use natively when v is switched in (the core calls it): TSC_AUX,
 * read by RDTSCP and RDPID, where guests have those instructions. */
void msr_load(struct vcpu *v);
/* Does the guest have TSC_AUX (it has RDTSCP or RDPID)? */
bool msr_has_tsc_aux(void);

/* The hypercall-page MSR (hypercall_page.c): fill frame mfn of d with stubs, holding a writable
 * type reference meanwhile (0, or -PV_EINVAL/-PV_EPERM). The FS/GS bases: segbase.h. */
int hypercall_page_write(struct domain *d, uint64_t mfn);

#endif
