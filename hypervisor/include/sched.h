/* Scheduling vCPUs on this CPU and leaving the hypervisor towards a guest. */
#ifndef HV_SCHED_H
#define HV_SCHED_H
#include "domain.h"

void sched_add_vcpu(struct vcpu *v);
/* Make a blocked vCPU runnable again (an event arrived). */
void sched_wake(struct vcpu *v);
/* Block the current vCPU until an event is pending for it. */
void sched_block(struct vcpu *v);
/* Block v without touching its event mask (SCHEDOP_poll); sched_wake ends it. */
void sched_sleep(struct vcpu *v);
/* Give up the CPU on the way out of this hypercall. */
void sched_yield(void);
/* Start running guests on this CPU. */
NORETURN void sched_start(void);
/* Did the hypervisor fault on its final iretq to a guest? */
bool sched_is_return_fault(const struct cpu_regs *r);
/* Called from the exit path: events, rescheduling, frame checks. Returns 1 if SYSRET is safe. */
int hv_exit_prepare(struct cpu_regs *r);

#endif
