/* The hypervisor side of vcpu_op (hypercalls/vcpu_op.c): per-vCPU timers, run-state accounting
 * and the guest areas, with the hooks the builder, the scheduler and domain teardown call. */
#ifndef HV_VCPU_H
#define HV_VCPU_H
#include "domain.h"

/* Builder, for each new vCPU: its timers (with Xen's default 10 ms periodic tick for PV
 * vCPUs) and its run state (offline since now). */
void vcpu_op_init(struct vcpu *v, uint64_t now);
/* Teardown of an ended domain, before its event channels and memory are released: kill every
 * vCPU timer (waiting for functions still running) and give back registered vcpu_info frames. */
void vcpu_op_domain_teardown(struct domain *d);

/* Scheduler, under the run-queue lock of v->processor: account the time since v entered its
 * run state to that state and enter `state` (PV_RUNSTATE_*) at now. */
void vcpu_runstate_change(struct vcpu *v, int state, uint64_t now);
/* Scheduler, on the CPU that switches: prev leaves (its page tables still loaded; its periodic
 * timer stops), next arrives (its page tables loaded; its periodic timer resumes, ticking at
 * once if a period has passed). Both rewrite the vCPU's registered runstate area. */
void vcpu_switch_out(struct vcpu *prev);
void vcpu_switch_in(struct vcpu *next, uint64_t now);

#endif
