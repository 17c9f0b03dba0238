/* The scheduler: per-CPU run queues, weighted fair share with caps, blocking and waking, idle
 * CPUs pulling work, and the checks made on every exit to a guest. */
#include "sched.h"
#include "testhook.h"
#include "arch.h"
#include "conring.h"
#include "evtchn.h"
#include "percpu.h"
#include "pv-abi/shared_info.h"
#include "smp.h"
#include "spinlock.h"
#include "time.h"
#include "vcpu.h"

#define MAX_RUNQ (MAX_DOMAINS * 2)

struct runq {
    spinlock_t lock;
    unsigned n;
    struct vcpu *v[MAX_RUNQ];
};

HOT static bool eligible(const struct vcpu *v, uint64_t now)
{
    const struct domain *d = v->domain;

    if (v->run_state != VCPU_RUNNABLE || d->state != DOM_RUNNING || d->paused)
        return false;
    /* A capped domain that used its share of this period waits for the next one. */
    return !d->cap || now - d->cap_period >= SCHED_CAP_PERIOD_NS ||
           d->cap_used < SCHED_CAP_PERIOD_NS / 100 * d->cap;
}

static struct runq runqs[MAX_CPUS];
static uint64_t idle_ns[MAX_CPUS];    /* time each CPU spent idle before its current idle spell */
static uint64_t idle_since[MAX_CPUS]; /* start of its current idle spell, 0 while it works */
static uint64_t poll_ns[MAX_CPUS];    /* how long each CPU polls before it halts */
#define POLL_MIN_NS 20000
#define POLL_MAX_NS 1000000

static bool allowed_on(const struct vcpu *v, unsigned cpu)
{
    return __atomic_load_n(&v->hard_affinity, __ATOMIC_RELAXED) >> cpu & 1;
}

/* The CPU with the shortest run queue among those v may run on (CPU 0 if none is online). */
static unsigned least_loaded_cpu(const struct vcpu *v)
{
    unsigned best = MAX_CPUS;

    for (unsigned c = 0; c < arch_nr_cpus(); c++)
        if (allowed_on(v, c) && (best == MAX_CPUS || runqs[c].n < runqs[best].n))
            best = c;
    return best == MAX_CPUS ? 0 : best;
}

void sched_init_cpu(unsigned cpu)
{
    runqs[cpu] = (struct runq){.lock = SPINLOCK_INIT};
    poll_ns[cpu] = 0;
}

void sched_add_vcpu(struct vcpu *v)
{
    unsigned cpu = least_loaded_cpu(v);
    struct runq *q = &runqs[cpu];

    spin_lock(&q->lock);
    if (q->n < MAX_RUNQ) {
        v->processor = cpu;
        v->queued = true;
        q->v[q->n++] = v;
    }
    spin_unlock(&q->lock);
}

static void dequeue(struct runq *q, struct vcpu *v)
{
    for (unsigned i = 0; i < q->n; i++)
        if (q->v[i] == v) {
            q->v[i] = q->v[--q->n];
            v->queued = false;
            return;
        }
}

void sched_remove_domain(struct domain *d)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        struct runq *q = &runqs[v->processor];

        spin_lock(&q->lock);
        if (v->queued)
            dequeue(q, v);
        spin_unlock(&q->lock);
    }
}

/* Make CPU cpu look at its run queues soon: a CPU polling in its idle loop sees the flag, the
 * others get an IPI (under emulation, waking a halted CPU's thread is what costs the sender). */
static void resched_cpu(unsigned cpu)
{
    __atomic_store_n(&arch_percpu_of(cpu)->poll_wake, true, __ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&arch_percpu_of(cpu)->polling, __ATOMIC_SEQ_CST))
        arch_ipi_resched(cpu);
}

void sched_kick(struct vcpu *v)
{
    unsigned cpu = v->processor;

    if (cpu == percpu()->cpu_id)
        percpu()->need_resched = true;
    else if (v->running || arch_percpu_of(cpu)->idle)
        resched_cpu(cpu);
}

static uint64_t queue_min_vruntime(const struct runq *q, const struct vcpu *except)
{
    uint64_t min = ~0UL;

    for (unsigned i = 0; i < q->n; i++)
        if (q->v[i] != except && q->v[i]->run_state == VCPU_RUNNABLE && q->v[i]->vruntime < min)
            min = q->v[i]->vruntime;
    return min;
}

/* Lock the run queue that holds v (v->processor changes only under it). */
static struct runq *lock_vcpu_runq(const struct vcpu *v)
{
    for (;;) {
        unsigned cpu = __atomic_load_n(&v->processor, __ATOMIC_ACQUIRE);

        spin_lock(&runqs[cpu].lock);
        if (v->processor == cpu)
            return &runqs[cpu];
        spin_unlock(&runqs[cpu].lock);
    }
}

/* pick_next finds a vCPU eligible (d unpaused, running) and marks it running in one section
 * under its run queue's lock: a bare read of the flag misses a CPU that found it eligible just
 * before the caller paused or ended d and marks it running just after. Taking and releasing the
 * lock first waits for such a pick (the flag is set then); a pick after it sees the change. */
bool sched_domain_running(const struct domain *d)
{
    bool running = false;

    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        spin_unlock(&lock_vcpu_runq(d->vcpu[i])->lock);
        running |= __atomic_load_n(&d->vcpu[i]->running, __ATOMIC_ACQUIRE);
    }
    return running;
}

/* Would v, just made runnable, deserve its CPU more than the vCPU running there (counting that
 * one's time in its current slice)? Then the CPU should reschedule now, not at its slice end. */
static bool preempts(const struct vcpu *v, uint64_t now)
{
    const struct vcpu *cur = __atomic_load_n(&arch_percpu_of(v->processor)->current, __ATOMIC_ACQUIRE);
    uint64_t start, ran;

    if (!cur || cur == v)
        return false;
    start = __atomic_load_n(&cur->run_start, __ATOMIC_RELAXED);
    ran = now > start ? now - start : 0;
    return v->vruntime < cur->vruntime + ran * SCHED_DEFAULT_WEIGHT /
                                             (cur->domain->weight ? cur->domain->weight : 1);
}

/* v waits behind another vCPU on its CPU: kick an idle CPU that may run it (it steals v). */
static void offer_to_idle(const struct vcpu *v)
{
    for (unsigned c = 0; c < arch_nr_cpus(); c++)
        if (c != percpu()->cpu_id && allowed_on(v, c) && arch_percpu_of(c)->idle) {
            resched_cpu(c);
            return;
        }
}

/* The run state of a vCPU off its CPU (Xen: blocked; runnable if it may run; else offline: a
 * paused domain's, one woken while paused too, as Xen's vcpu_wake). */
static int stopped_runstate(const struct vcpu *v)
{
    if (v->run_state == VCPU_BLOCKED)
        return PV_RUNSTATE_blocked;
    if (v->run_state == VCPU_RUNNABLE && v->domain->state == DOM_RUNNING && !v->domain->paused)
        return PV_RUNSTATE_runnable;
    return PV_RUNSTATE_offline;
}

/* v leaves state `from` (blocked: a wake-up; offline: VCPUOP_up) and becomes runnable. */
static void make_runnable(struct vcpu *v, enum vcpu_run_state from)
{
    uint64_t now = time_now_ns();
    struct runq *q = lock_vcpu_runq(v);
    bool woke = v->run_state == from, preempt = false;

    if (woke) {
        uint64_t min = queue_min_vruntime(q, v);

        v->run_state = VCPU_RUNNABLE;
        /* A long sleeper does not get to monopolise the CPU with its old, small vruntime. */
        if (min != ~0UL && v->vruntime < min)
            v->vruntime = min;
        if (!v->running)
            vcpu_runstate_change(v, stopped_runstate(v), now);
        preempt = !v->running && preempts(v, now);
    }
    spin_unlock(&q->lock);
    /* The idle flags are read after the unlock is visible: an idle CPU whose look (a trylock in
     * steal) missed v has its flag set before that look (idle_until_runnable). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (preempt && v->processor != percpu()->cpu_id)
        resched_cpu(v->processor);
    else
        sched_kick(v);
    if (woke && !preempt && !v->running && !arch_percpu_of(v->processor)->idle)
        offer_to_idle(v);
}

void sched_wake(struct vcpu *v)
{
    make_runnable(v, VCPU_BLOCKED);
}

void sched_vcpu_up(struct vcpu *v)
{
    make_runnable(v, VCPU_OFFLINE);
}

void sched_vcpu_down(struct vcpu *v)
{
    struct runq *q = lock_vcpu_runq(v);

    v->run_state = VCPU_OFFLINE;
    if (!v->running)
        vcpu_runstate_change(v, PV_RUNSTATE_offline, time_now_ns());
    spin_unlock(&q->lock);
    sched_kick(v);
}

void sched_pause_changed(struct domain *d)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct runq *q = lock_vcpu_runq(d->vcpu[i]);

        if (!d->vcpu[i]->running)
            vcpu_runstate_change(d->vcpu[i], stopped_runstate(d->vcpu[i]), time_now_ns());
        spin_unlock(&q->lock);
        sched_kick(d->vcpu[i]);
    }
}

void sched_block(struct vcpu *v, bool unmask)
{
    struct runq *q = &runqs[v->processor];

    spin_lock(&q->lock);
    if (unmask)
        v->vcpu_info->evtchn_upcall_mask = 0; /* blocking re-enables event delivery, as in Xen */
    if (v->run_state == VCPU_RUNNABLE && (!unmask || !v->vcpu_info->evtchn_upcall_pending))
        v->run_state = VCPU_BLOCKED; /* (not if another vCPU just took it down) */
    spin_unlock(&q->lock);
}

void sched_yield(void)
{
    percpu()->need_resched = true;
}

/* Charge the CPU time prev used since it was switched in. */
static void account(struct vcpu *prev, uint64_t now)
{
    struct domain *d = prev->domain;
    uint64_t ran = now - prev->run_start;

    prev->runtime += ran;

    prev->vruntime += ran * SCHED_DEFAULT_WEIGHT / (d->weight ? d->weight : 1);
    if (now - d->cap_period >= SCHED_CAP_PERIOD_NS) {
        d->cap_period = now;
        d->cap_used = 0;
    }
    __atomic_add_fetch(&d->cap_used, ran, __ATOMIC_RELAXED);
}

/* The eligible vCPU of q allowed on cpu with the least weighted CPU time (prev competes too). */
static struct vcpu *best_in(struct runq *q, struct vcpu *prev, uint64_t now, unsigned cpu)
{
    struct vcpu *best = NULL;

    for (unsigned i = 0; i < q->n; i++) {
        struct vcpu *v = q->v[i];

        if ((v->running && v != prev) || !eligible(v, now) || !allowed_on(v, cpu))
            continue;
        if (!best || v->vruntime < best->vruntime)
            best = v;
    }
    return best;
}

/* An idle CPU takes a waiting vCPU from another CPU's queue, unless that CPU is polling in its
 * idle loop: it takes the vCPU itself at once, maybe with its page tables still loaded (lazy
 * idle). A halted one would take longer to wake (under TCG an IPI wakes a sleeping thread), and
 * one skipped whatever its state left work waiting on a host that descheduled its thread. */
static struct vcpu *steal(unsigned me, uint64_t now)
{
    for (unsigned c = 0; c < arch_nr_cpus(); c++) {
        struct runq *from = &runqs[c], *to = &runqs[me];
        struct vcpu *v;

        if (c == me || arch_percpu_of(c)->polling || !spin_trylock(&from->lock))
            continue;
        v = best_in(from, NULL, now, me);
        if (v && spin_trylock(&to->lock)) {
            dequeue(from, v);
            v->processor = me;
            v->queued = true;
            to->v[to->n++] = v;
            spin_unlock(&to->lock);
        } else {
            v = NULL;
        }
        spin_unlock(&from->lock);
        if (v)
            return v;
    }
    return NULL;
}

/* Move the vCPUs queued on cpu (q, locked) that may no longer run there (their hard affinity
 * changed) to a CPU they may run on; one whose target queue is busy moves at a later pass. */
static void push_disallowed(struct runq *q, unsigned cpu)
{
    for (unsigned i = 0; i < q->n; i++) {
        struct vcpu *v = q->v[i];
        unsigned to = v->running || allowed_on(v, cpu) ? cpu : least_loaded_cpu(v);
        struct runq *tq = &runqs[to];

        if (to == cpu || !spin_trylock(&tq->lock))
            continue;
        if (tq->n < MAX_RUNQ) {
            q->v[i--] = q->v[--q->n];
            __atomic_store_n(&v->processor, to, __ATOMIC_RELEASE);
            tq->v[tq->n++] = v;
            resched_cpu(to);
        }
        spin_unlock(&tq->lock);
    }
}

/* Choose what runs next on this CPU and mark it running (prev is still marked running). */
static struct vcpu *pick_next(struct vcpu *prev, uint64_t now)
{
    unsigned me = percpu()->cpu_id;
    struct runq *q = &runqs[me];
    struct vcpu *next;

    spin_lock(&q->lock);
    push_disallowed(q, me);
    next = best_in(q, prev, now, me);
    if (next)
        next->running = true;
    spin_unlock(&q->lock);
    if (!next && (next = steal(me, now))) {
        spin_lock(&q->lock);
        if (eligible(next, now) && !next->running)
            next->running = true;
        else
            next = NULL;
        spin_unlock(&q->lock);
    }
    return next;
}

uint64_t sched_idle_ns(unsigned cpu)
{
    uint64_t since = __atomic_load_n(&idle_since[cpu], __ATOMIC_RELAXED);
    uint64_t total = __atomic_load_n(&idle_ns[cpu], __ATOMIC_RELAXED), now = time_now_ns();

    return total + (since && now > since ? now - since : 0);
}

/* Spin (interrupts on) up to this CPU's poll window for a wake-up before halting; true if one
 * came. polling is cleared before poll_wake is taken: a resched_cpu that saw it set has set
 * poll_wake by then (KVM's halt polling). */
static bool idle_poll(struct percpu *pc)
{
    uint64_t start = time_now_ns();
    bool busy = false;

    for (unsigned c = 0; c < arch_nr_cpus(); c++) /* a wake-up is likely only from a busy CPU */
        busy |= c != pc->cpu_id && __atomic_load_n(&arch_percpu_of(c)->current, __ATOMIC_RELAXED);
    if (!busy)
        return false;
    __atomic_store_n(&pc->polling, true, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&pc->poll_wake, __ATOMIC_SEQ_CST) && !pc->need_resched &&
           time_now_ns() - start < poll_ns[pc->cpu_id])
        arch_idle_halt(true);
    __atomic_store_n(&pc->polling, false, __ATOMIC_SEQ_CST);
    bool woke = __atomic_exchange_n(&pc->poll_wake, false, __ATOMIC_SEQ_CST) | pc->need_resched;
    pc->need_resched = false; /* (the look follows) */
    return woke;
}

/* Nothing to run: idle with interrupts on until something becomes runnable. */
static struct vcpu *idle_until_runnable(void)
{
    struct percpu *pc = percpu();
    struct vcpu *v;

    __atomic_store_n(&idle_since[pc->cpu_id], time_now_ns() | 1, __ATOMIC_RELAXED);
    /* Idle before every look: a wake-up the look misses sees the flag and sends an IPI, which
     * ends the halt (make_runnable); one from this CPU is seen by the look after it. */
    __atomic_store_n(&pc->idle, true, __ATOMIC_SEQ_CST);
    while (!(v = pick_next(NULL, time_now_ns()))) {
        if (pc->cpu_id == 0) {
            testhook_poll();
            conring_poll_input();
            domains_reap_ended();
            domains_check_all_ended();
            if ((v = pick_next(NULL, time_now_ns())))
                break;
        }
        if (idle_poll(pc))
            continue;
        uint64_t t = time_now_ns(), *w = &poll_ns[pc->cpu_id];
        arch_idle_halt(false); /* a halt that a longer poll would have spared widens the window */
        *w = time_now_ns() - t > POLL_MAX_NS ? *w / 2 : MIN(MAX(*w * 2, POLL_MIN_NS), POLL_MAX_NS);
        arch_ipi_serve();
    }
    __atomic_store_n(&pc->idle, false, __ATOMIC_RELAXED);
    __atomic_store_n(&idle_ns[pc->cpu_id], idle_ns[pc->cpu_id] + time_now_ns() - idle_since[pc->cpu_id],
                     __ATOMIC_RELAXED); /* (the spell ends) */
    __atomic_store_n(&idle_since[pc->cpu_id], 0, __ATOMIC_RELAXED);
    return v;
}

/* Run-state accounting at a switch (vcpu.h), under v's run-queue lock. */
static void runstate_switch(struct vcpu *v, bool in, uint64_t now)
{
    struct runq *q = lock_vcpu_runq(v);

    vcpu_runstate_change(v, in ? PV_RUNSTATE_running : stopped_runstate(v), now);
    spin_unlock(&q->lock);
}

/* prev leaves this CPU: its state saved, no longer running. Its page tables stay loaded (Xen's
 * lazy idle) until the next vCPU's are, or a flush drops them (ipi.c): prev back first runs
 * without a %cr3 write (context.c), and meanwhile the CPU counts as holding its domain's. */
static void put_prev(struct percpu *pc, struct vcpu *prev, struct cpu_regs *r)
{
    arch_context_save(prev, r);
    runstate_switch(prev, false, time_now_ns());
    vcpu_switch_out(prev); /* while its page tables are loaded */
    pc->lazy = prev;
    pc->current = NULL;
    __atomic_store_n(&prev->running, false, __ATOMIC_RELEASE);
}

static __attribute__((noinline)) void schedule(struct cpu_regs *r) /* not in the hot page */
{
    struct percpu *pc = percpu();
    struct vcpu *prev = pc->current, *next;
    uint64_t now = time_now_ns();

    pc->need_resched = false;
    if (prev)
        account(prev, now);
    if (pc->cpu_id == 0 && testhook_due(now)) {
        /* The test image's domain control needs a CPU that holds no vCPU. */
        if (prev)
            put_prev(pc, prev, r);
        prev = NULL;
        testhook_poll();
    }
    next = pick_next(prev, now);
    if (next == prev && next) {
        prev->run_start = now;
        return;
    }
    if (prev)
        put_prev(pc, prev, r);
    if (!next)
        next = idle_until_runnable();
    next->run_start = time_now_ns();
    pc->current = next;
    arch_context_load(next, r);
    runstate_switch(next, true, next->run_start);
    vcpu_switch_in(next, next->run_start);
    domains_reap_ended(); /* prev's domain may have ended: free it once nothing runs it */
}

/* v may keep its CPU (the clock is read only for a capped domain). */
HOT static bool keeps_cpu(const struct vcpu *v)
{
    return eligible(v, v->domain->cap ? time_now_ns() : 0);
}

HOT int hv_exit_prepare(struct cpu_regs *r)
{
    struct percpu *pc = percpu();

    if (!regs_from_guest(r))
        return 0; /* an interrupt that arrived while the hypervisor idled */
    if ((r->rflags & (1UL << 17)) && pc->current) /* vm86 (see regs_from_guest): never resumed */
        domain_crash(pc->current->domain, "entered virtual-8086 mode");
    for (;;) {
        struct vcpu *v = pc->current;

        if (!v || pc->need_resched || !keeps_cpu(v)) {
            schedule(r);
            v = pc->current;
        }
        arch_bounce_nmi_if_pending(v, r);
        arch_bounce_events_if_pending(v, r);
        if (!keeps_cpu(v)) {
            pc->need_resched = true;
            continue;
        }
        if (arch_bounce_fix_frame(v, r))
            return r->entry_vector == ENTRY_SYSCALL;
    }
}

void sched_set_hard_affinity(struct vcpu *v, uint64_t cpus)
{
    struct runq *q = lock_vcpu_runq(v);

    __atomic_store_n(&v->hard_affinity, cpus, __ATOMIC_RELAXED);
    spin_unlock(&q->lock);
    if (!allowed_on(v, v->processor)) {
        if (v->processor == percpu()->cpu_id)
            percpu()->need_resched = true;
        else
            resched_cpu(v->processor); /* its CPU pushes it away at its next pick */
    }
}

void sched_set_credit(struct domain *d, unsigned weight, unsigned cap)
{
    __atomic_store_n(&d->weight, weight, __ATOMIC_RELAXED);
    __atomic_store_n(&d->cap, cap, __ATOMIC_RELAXED);
}

void sched_start(void)
{
    struct cpu_regs *r = percpu_guest_regs();

    /* A dummy ring-3 frame: hv_exit_prepare switches in the first runnable vCPU over it. */
    r->cs = SEL_RING3_CS64;
    percpu()->current = NULL;
    percpu()->need_resched = true;
    arch_exit_to_guest();
}
