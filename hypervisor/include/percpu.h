/* Per-CPU data, reached through %gs in the hypervisor (the entry stubs swapgs on guest entry). */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H
#include "arch.h"
#include "types.h"

struct vcpu;

struct percpu {
    struct percpu *self;  /* %gs:0, for percpu() */
    uint64_t stack_top;   /* top of this CPU's hypervisor stack; the guest frame sits below it */
    uint64_t scratch;     /* the SYSCALL entry parks the guest rsp here */
    unsigned cpu_id;
    struct vcpu *current; /* the vCPU whose frame is on this stack, or NULL when idle */
    struct vcpu *lazy;    /* idle with this vCPU's page tables still loaded (sched.c put_prev) */
    uint64_t holds;       /* bit d: domain d's page tables are loaded, or being switched from/to */
    bool need_resched;    /* set by the timer tick: pick another vCPU on the way out */
    uint64_t hypercall_tsc; /* TSC at the current hypercall's first preemption check, or 0 */
    unsigned preempt_checks; /* hypercall_preempt_check calls, for reading the TSC at every 16th */
    bool idle;                       /* halted in the idle loop */
    bool in_multicall;               /* a multicall is dispatching its entries */
    bool mc_preempted;               /* an entry asked for a continuation (args in mc_args) */
    uint64_t mc_args[4];
    volatile uint32_t flush_pending; /* another CPU asked for a TLB flush (ipi.c) */
    bool resched_sent;               /* a resched IPI is on its way here and not yet taken */
    bool polling, poll_wake;         /* spinning in the idle loop; asked to look (sched.c) */
    uint64_t flush_time;             /* tlb_clock read before this CPU's last full flush */
};

/* The TLB flush clock (ipi.c, after Xen's tlbflush_clock): events that leave translations to
 * flush take a tick, and a CPU that reloaded %cr3 since an event's tick holds none from before. */
extern uint64_t tlb_clock;

static inline struct percpu *percpu(void)
{
    struct percpu *p;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}


/* The guest register frame of the vCPU running on this CPU (top of the per-CPU stack). */
static inline struct cpu_regs *percpu_guest_regs(void)
{
    return (struct cpu_regs *)(percpu()->stack_top) - 1;
}

#endif
