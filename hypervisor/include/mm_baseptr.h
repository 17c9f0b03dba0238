/* A vCPU's page-table roots (mm/pin.c): the calls the privileged-instruction emulator (MOV to
 * %cr3) and the vCPU core need. */
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
/* Drop both roots of a vCPU that runs nowhere (the toolstack's vCPU reset), under its domain's
 * mm_lock. */
void mm_release_roots(struct vcpu *v);
/* Load v's kernel root if v is in user mode (its registered areas are kernel addresses); returns
 * the root loaded before, for mm_root_restore, which reloads it if it changed. */
uint64_t mm_kernel_root_enter(const struct vcpu *v);
void mm_root_restore(uint64_t cr3);

#endif
