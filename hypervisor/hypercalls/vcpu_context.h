/* A vCPU's full context (struct pv_vcpu_guest_context) in and out: VCPUOP_initialise and the
 * toolstack's setvcpucontext / getvcpucontext share these, so a context is checked one way. */
#ifndef HV_VCPU_CONTEXT_H
#define HV_VCPU_CONTEXT_H
#include "domain.h"
#include "pv-abi/arch_x86.h"
#include "pv-abi/vm_assist.h"

/* The assists Xen accepts from a 64-bit PV guest (vm_assist, and a context's vm_assist). */
#define VMASST_VALID                                                                               \
    ((1UL << PV_VMASST_TYPE_writable_pagetables) | (1UL << PV_VMASST_TYPE_pae_extended_cr3) |     \
     (1UL << PV_VMASST_TYPE_architectural_iopl) | (1UL << PV_VMASST_TYPE_runstate_update_flag) |  \
     (1UL << PV_VMASST_TYPE_m2p_strict))

/* Load c into v (Xen's arch_set_info_guest, 64-bit PV): checked whole, then the frames it
 * names taken (all or none), then the registers; VGCF_online brings v up. A vCPU that has a
 * context: -EEXIST, or if again (setvcpucontext) the same tables are required (-EOPNOTSUPP)
 * and only the registers change. -EINVAL for a bad context, the frame errors otherwise. A first
 * context of vCPU 0 sets the domain's vm_assist (a restore: the assists the guest had). */
long vcpu_context_set(struct vcpu *v, const struct pv_vcpu_guest_context *c, bool again);
/* Xen's vcpu_reset for a vCPU that runs nowhere (its domain paused): its GDT, LDT and page-table
 * roots are let go, it has no context and is down; nothing to do for one without context. */
void vcpu_context_reset(struct vcpu *v);
/* v's context as setvcpucontext would take it back (v not running: paused or never run). */
void vcpu_context_get(struct vcpu *v, struct pv_vcpu_guest_context *c);

#endif
