/* Scheduling vCPUs on the CPUs and leaving the hypervisor towards a guest.
 * Each CPU has a run queue with a lock; a vCPU's run_state, running and processor fields change
 * only under the lock of the queue that holds it. Policy: weighted fair share (the runnable vCPU
 * with the least weighted CPU time runs next, 10 ms slices), per-domain caps, idle CPUs pull work
 * from busy ones, and a vCPU runs only on the CPUs of its hard affinity. */
#ifndef HV_SCHED_H
#define HV_SCHED_H
#include "domain.h"
#include "percpu.h"
#include "pv-abi/shared_info.h"

#define SCHED_DEFAULT_WEIGHT 256
#define SCHED_SLICE_NS 10000000UL
#define SCHED_CAP_PERIOD_NS 100000000UL

void sched_init_cpu(unsigned cpu);
void sched_add_vcpu(struct vcpu *v);
/* Take a domain's vCPUs off the run queues (none may be running). */
void sched_remove_domain(struct domain *d);
/* Make a blocked vCPU runnable, and make sure the CPU that should notice (to run it, or to
 * deliver an event to it while it runs) does. */
void sched_wake(struct vcpu *v);
/* VCPUOP_up / VCPUOP_down: an offline vCPU becomes runnable (as a wake-up); an up one goes
 * offline, leaving its CPU at its next exit if it runs. */
void sched_vcpu_up(struct vcpu *v);
void sched_vcpu_down(struct vcpu *v);
/* d's pause count changed (domain_pause, domain_unpause): each vCPU is kicked, and one off its
 * CPU takes the run state Xen's vcpu_sleep_nosync or vcpu_wake gives it (a runnable one is
 * offline while d is paused, runnable again after); a blocked one stays blocked. Also the look
 * domain_pause makes before it waits (sched_domain_running). */
void sched_pause_changed(struct domain *d);
/* Force v through the hypervisor soon (events, shutdown of its domain, a flush). */
void sched_kick(struct vcpu *v);
/* Block the current vCPU until sched_wake: with unmask, until an event is pending for it
 * (SCHEDOP_block: unmasks events); without, leaving its event mask alone (SCHEDOP_poll). */
void sched_block(struct vcpu *v, bool unmask);
/* Give up the CPU on the way out of this hypercall. */
void sched_yield(void);
/* Start running guests on this CPU. */
NORETURN void sched_start(void);
/* After a hypercall (hv_syscall), may SYSRET return to the untouched frame at once: same vCPU,
 * no event to deliver, and a rip SYSRET can return to (a non-canonical one takes the slow path,
 * which makes it a #GP)? A rewritten frame (iret) leaves at once; the rest is one expression
 * without branches (each ends a TCG block; every load is safe: v is the running vCPU). */
static inline bool sched_fast_return(const struct cpu_regs *r)
{
    const struct percpu *pc = percpu();
    const struct vcpu *v = pc->current;
    const struct pv_vcpu_info *vi = v->vcpu_info;

    return r->entry_vector == ENTRY_SYSCALL && is_canonical(r->rip) & !pc->need_resched &
           (v->run_state == VCPU_RUNNABLE) & (v->domain->state == DOM_RUNNING) &
           !v->domain->paused & ((vi->evtchn_upcall_pending == 0) | (vi->evtchn_upcall_mask != 0));
}
/* Called from the exit path: events, rescheduling, frame checks. Returns 1 if SYSRET is safe. */
int hv_exit_prepare(struct cpu_regs *r);
/* v may run only on the CPUs of the mask (bit n: CPU n; at least one online, checked by the
 * caller); if its CPU is not one of them, that CPU moves it to one at its next scheduling. */
void sched_set_hard_affinity(struct vcpu *v, uint64_t cpus);
/* d's proportional weight (1..65535) and cap (percent of one CPU, 0 none). */
void sched_set_credit(struct domain *d, unsigned weight, unsigned cap);
/* Nanoseconds CPU cpu has spent idle since boot. */
uint64_t sched_idle_ns(unsigned cpu);
/* Is any vCPU of d loaded on some CPU? Once the caller has made d ineligible (paused, ended),
 * a vCPU that a CPU is choosing at that moment counts too (its run queue's lock is taken). */
bool sched_domain_running(const struct domain *d);

#endif
