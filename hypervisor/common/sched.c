/* A round-robin scheduler of vCPUs on one CPU, and the checks made on every exit to a guest. */
#include "sched.h"
#include "bounce.h"
#include "conring.h"
#include "console.h"
#include "ctrlreg.h"
#include "debugreg.h"
#include "desc_tables.h"
#include "evtchn.h"
#include "msr.h"
#include "fpu.h"
#include "paging.h"
#include "percpu.h"
#include "shared_info.h"
#include "time.h"
#include "x86/cpu.h"
#include "x86/desc.h"

extern char exit_iret_insn[];

static struct vcpu *runq[MAX_DOMAINS * 2];
static unsigned nr_runq, next_slot;

void sched_add_vcpu(struct vcpu *v)
{
    if (nr_runq < ARRAY_SIZE(runq))
        runq[nr_runq++] = v;
}

static bool can_run(const struct vcpu *v)
{
    return v->run_state == VCPU_RUNNABLE && v->domain->state == DOM_RUNNING;
}

void sched_wake(struct vcpu *v)
{
    if (v->run_state == VCPU_BLOCKED)
        v->run_state = VCPU_RUNNABLE;
}

void sched_block(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_mask = 0; /* blocking re-enables event delivery, as in Xen */
    if (!v->vcpu_info->evtchn_upcall_pending)
        v->run_state = VCPU_BLOCKED;
}

void sched_sleep(struct vcpu *v)
{
    v->run_state = VCPU_BLOCKED;
}

void sched_yield(void)
{
    percpu()->need_resched = true;
}

bool sched_is_return_fault(const struct cpu_regs *r)
{
    return r->rip == (uint64_t)exit_iret_insn;
}

static uint16_t read_sel(int which)
{
    uint16_t s = 0;

    switch (which) {
    case 0: __asm__ volatile("mov %%ds, %0" : "=r"(s)); break;
    case 1: __asm__ volatile("mov %%es, %0" : "=r"(s)); break;
    case 2: __asm__ volatile("mov %%fs, %0" : "=r"(s)); break;
    default: __asm__ volatile("mov %%gs, %0" : "=r"(s)); break;
    }
    return s;
}

static void save_segments(struct vcpu *v)
{
    v->ds = read_sel(0);
    v->es = read_sel(1);
    v->fs = read_sel(2);
    v->gs = read_sel(3);
    v->fs_base = rdmsr(MSR_FS_BASE);
    if (v->kernel_mode)
        v->gs_base_kernel = rdmsr(MSR_SHADOW_GS_BASE);
    else
        v->gs_base_user = rdmsr(MSR_SHADOW_GS_BASE);
}

/* A selector the guest may hold in a data segment register: null or a DPL-3 data/readable code. */
static bool data_sel_ok(uint16_t sel)
{
    uint64_t d = gdt_read(sel);

    if ((sel & ~3) == 0)
        return true;
    return (d & (1UL << 47)) && ((d >> 45) & 3) == 3 && (d & (1UL << 44)) &&
           (!(d & (1UL << 43)) || (d & (1UL << 41)));
}

/* Loads the data selectors; a selector that is no longer valid is left null and reported. */
static bool load_segments(struct vcpu *v)
{
    bool ok = data_sel_ok(v->ds) && data_sel_ok(v->es) && data_sel_ok(v->fs) && data_sel_ok(v->gs);
    uint64_t self = (uint64_t)percpu();

    if (ok) {
        __asm__ volatile("mov %0, %%ds; mov %1, %%es; mov %2, %%fs; mov %3, %%gs" ::"r"(v->ds),
                         "r"(v->es), "r"(v->fs), "r"(v->gs));
    } else {
        __asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%fs; mov %0, %%gs" ::"r"(0));
    }
    wrmsr(MSR_GS_BASE, self); /* loading %gs cleared the hypervisor's own base */
    wrmsr(MSR_FS_BASE, v->fs_base);
    wrmsr(MSR_SHADOW_GS_BASE, v->kernel_mode ? v->gs_base_kernel : v->gs_base_user);
    return ok;
}

static void deschedule(struct vcpu *prev, struct cpu_regs *r)
{
    prev->regs = *r;
    save_segments(prev);
    fpu_save(prev);
}

static void context_switch(struct vcpu *prev, struct vcpu *next, struct cpu_regs *r)
{
    if (prev == next)
        return;
    if (prev)
        deschedule(prev, r);
    *r = next->regs;
    percpu()->current = next;
    vcpu_load_cr3(next);
    fpu_restore(next);
    debugreg_load(next);
    desc_load(next);
    ctrlreg_load(next);
    msr_load(next);
    if (!load_segments(next)) {
        uint16_t sel[4] = {next->ds, next->es, next->fs, next->gs};

        next->ds = next->es = next->fs = next->gs = 0;
        bounce_failsafe(next, r, "saved data segment selectors are no longer valid", sel);
    }
}

static struct vcpu *pick_next(void)
{
    evtchn_poll_expire(time_now_ns()); /* SCHEDOP_poll timeouts, at tick granularity */
    for (unsigned i = 0; i < nr_runq; i++) {
        struct vcpu *v = runq[(next_slot + i) % nr_runq];

        if (can_run(v)) {
            next_slot = (next_slot + i + 1) % nr_runq;
            return v;
        }
    }
    return NULL;
}

/* Wait for a runnable vCPU; power off once every domain has ended. */
static struct vcpu *idle_until_runnable(void)
{
    struct vcpu *v;

    while (!(v = pick_next())) {
        domains_check_all_ended();
        conring_poll_input();
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
    return v;
}

static void schedule(struct cpu_regs *r)
{
    struct percpu *pc = percpu();
    struct vcpu *prev = pc->current, *next;

    pc->need_resched = false;
    next = pick_next();
    if (!next && prev && can_run(prev))
        return;
    if (!next) {
        /* Nothing to run: leave every guest address space before freeing ended domains. */
        if (prev)
            deschedule(prev, r);
        pc->current = prev = NULL;
        paging_load_cr3(paging_idle_l4());
        domains_reap_ended();
        next = idle_until_runnable();
    }
    context_switch(prev, next, r);
    domains_reap_ended();
}

/* Nothing to do on the way out of a hypercall: same vCPU, no event to deliver. */
static bool fast_return(const struct percpu *pc, const struct cpu_regs *r)
{
    const struct vcpu *v = pc->current;

    return r->entry_vector == ENTRY_SYSCALL && !pc->need_resched && v && can_run(v) &&
           !(v->vcpu_info->evtchn_upcall_pending && !v->vcpu_info->evtchn_upcall_mask);
}

int hv_exit_prepare(struct cpu_regs *r)
{
    struct percpu *pc = percpu();

    if (!regs_from_guest(r))
        return 0; /* an interrupt that arrived while the hypervisor idled */
    if (fast_return(pc, r))
        return 1; /* the SYSCALL frame is untouched: SYSRET returns to it */
    for (;;) {
        struct vcpu *v = pc->current;
        const char *bad;

        if (!v || !can_run(v) || pc->need_resched) {
            conring_drain_all();
            schedule(r);
            v = pc->current;
        }
        bounce_events_if_pending(v, r);
        if (!can_run(v))
            continue;
        if (!(bad = bounce_check_frame(r)))
            return r->entry_vector == ENTRY_SYSCALL;
        bounce_failsafe(v, r, bad, NULL);
    }
}

void sched_start(void)
{
    extern void entry_exit_to_guest(void) NORETURN;
    struct cpu_regs *r = percpu_guest_regs();

    /* A dummy ring-3 frame: hv_exit_prepare switches in the first runnable vCPU over it. */
    r->cs = SEL_RING3_CS64;
    percpu()->current = NULL;
    percpu()->need_resched = true;
    entry_exit_to_guest();
}
