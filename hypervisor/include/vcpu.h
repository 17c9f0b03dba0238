/* vCPU runtime state (common/vcpu.c): per-vCPU timers, run-state accounting and the guest areas,
 * for the builder, the scheduler, domain teardown and the vcpu_op hypercalls. */
#ifndef HV_VCPU_H
#define HV_VCPU_H
#include "domain.h"

/* Builder, for each new vCPU: its timers (with Xen's default 10 ms periodic tick for PV
 * vCPUs) and its run state (offline since now). */
void vcpu_init(struct vcpu *v, uint64_t now);
/* Teardown of an ended domain, before its event channels and memory are released: kill every
 * vCPU timer (waiting for functions still running) and give back registered vcpu_info frames. */
void vcpu_domain_teardown(struct domain *d);

/* Scheduler, under the run-queue lock of v->processor: account the time since v entered its
 * run state to that state and enter `state` (PV_RUNSTATE_*) at now. */
void vcpu_runstate_change(struct vcpu *v, int state, uint64_t now);
/* v's run state as recorded; with `to_now`, the current state's time counted up to now. */
void vcpu_runstate_get(const struct vcpu *v, struct pv_vcpu_runstate_info *rs, bool to_now);
/* Scheduler, on the CPU that switches: prev leaves (its page tables still loaded; its periodic
 * timer stops), next arrives (its page tables loaded; its periodic timer resumes, ticking at
 * once if a period has passed). Both rewrite the vCPU's registered runstate area. */
void vcpu_switch_out(struct vcpu *prev);
void vcpu_switch_in(struct vcpu *next, uint64_t now);

/* v's periodic tick becomes `period` ns (0: none), set by cur. Another vCPU's new period applies
 * from its next tick (or its next switch-in). */
void vcpu_set_periodic(struct vcpu *cur, struct vcpu *v, uint64_t period);
/* Move v's vcpu_info to `offset` in frame mfn (checked by the caller: in the page, aligned, v
 * not moved before, v the caller or offline). 0, or -PV_EINVAL if the frame is not a writable
 * page of v's domain or v's vcpu_info moved meanwhile. */
long vcpu_info_register(struct vcpu *v, uint64_t mfn, uint64_t offset);
/* VCPUOP_send_nmi: make an NMI pending for v and wake it (Xen's vcpu_kick) unless one already
 * was; the exit path delivers it (arch_bounce_nmi_if_pending). */
void vcpu_send_nmi(struct vcpu *v);

#endif
