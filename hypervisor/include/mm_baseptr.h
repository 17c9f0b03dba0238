/* The one page-table call the privileged-instruction emulator needs (MOV to %cr3). */
#ifndef HV_MM_BASEPTR_H
#define HV_MM_BASEPTR_H
#include "domain.h"

/* Provided by the memory code (core): make frame mfn the vCPU's kernel page-table root, as
 * MMUEXT_NEW_BASEPTR does (validate and pin it as an L4, release the old root, load it when v
 * runs in kernel mode). Returns 0, -PV_ERESTART to have the instruction retried, or another
 * negative errno, which the emulator turns into #GP(0). */
int mm_new_baseptr(struct vcpu *v, uint64_t mfn);
/* The same for the user page-table root (MMUEXT_NEW_USER_BASEPTR); mfn 0 removes it. */
int mm_new_user_baseptr(struct vcpu *v, uint64_t mfn);

#endif
