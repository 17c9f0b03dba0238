/* vCPU runtime state: per-vCPU timers, run-state accounting and the guest areas a vCPU registered
 * (vcpu.h), for the builder, the scheduler, domain teardown and hypercalls/vcpu_op.c. After
 * Xen's common/domain.c and sched/core.c (4.17). */
#include "evtchn.h"
#include "pv-abi/errno.h"
#include "guest_access.h"
#include "lib.h"
#include "mm.h"
#include "mm_baseptr.h"
#include "sched.h"
#include "pv-abi/shared_info.h"
#include "time.h"
#include "vcpu.h"
#include "pv-abi/vm_assist.h"

#define PERIOD_DEFAULT_NS 10000000ULL /* Xen's 100 Hz tick for PV vCPUs */

/* Timers: their functions run on the CPU that armed them (timer.h). A timer event is
 * VIRQ_TIMER (-ENOENT if the guest bound no port: nothing to do). */

static void singleshot_fn(struct timer *t)
{
    evtchn_send_virq(t->data, PV_VIRQ_TIMER);
}

/* Xen's vcpu_periodic_timer_work: tick if a period has passed, then arm the next one. */
static void periodic_work(struct vcpu *v, uint64_t now)
{
    uint64_t next = v->periodic_last + v->periodic_period;

    if (!v->periodic_period)
        return;
    if (now >= next) {
        evtchn_send_virq(v, PV_VIRQ_TIMER);
        v->periodic_last = now;
        next = now + v->periodic_period;
    }
    timer_set(&v->periodic_timer, next);
}

static void periodic_fn(struct timer *t)
{
    periodic_work(t->data, time_now_ns());
}

/* A poll whose deadline passed ends (evtchn_poll_expire checks every poller's deadline). */
static void poll_fn(struct timer *t)
{
    evtchn_poll_expire(time_now_ns());
}

void vcpu_init(struct vcpu *v, uint64_t now)
{
    timer_init(&v->singleshot_timer, singleshot_fn, v);
    timer_init(&v->periodic_timer, periodic_fn, v);
    timer_init(&v->poll_timer, poll_fn, v);
    v->periodic_period = PERIOD_DEFAULT_NS;
    v->periodic_last = now;
    v->hard_affinity = v->soft_affinity = ~0UL;
    v->runstate =
        (struct pv_vcpu_runstate_info){.state = PV_RUNSTATE_offline, .state_entry_time = now};
}

void vcpu_domain_teardown(struct domain *d)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        timer_kill(&v->singleshot_timer);
        timer_kill(&v->periodic_timer);
        timer_kill(&v->poll_timer);
        if (v->vcpu_info_mfn) {
            v->vcpu_info = &d->shared_info->vcpu_info[v->id];
            mm_put_page_and_type(v->vcpu_info_mfn);
            v->vcpu_info_mfn = 0;
        }
    }
}

void vcpu_set_periodic(struct vcpu *cur, struct vcpu *v, uint64_t period)
{
    v->periodic_period = period;
    if (v == cur || !period)
        timer_stop(&v->periodic_timer);
    if (v == cur)
        periodic_work(v, time_now_ns());
}

/* Run states. Writers hold the run-queue lock; readers elsewhere retry on runstate_seq. */

void vcpu_runstate_change(struct vcpu *v, int state, uint64_t now)
{
    __atomic_store_n(&v->runstate_seq, v->runstate_seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    if (now > v->runstate.state_entry_time) {
        v->runstate.time[v->runstate.state] += now - v->runstate.state_entry_time;
        v->runstate.state_entry_time = now;
    }
    v->runstate.state = state;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&v->runstate_seq, v->runstate_seq + 1, __ATOMIC_RELAXED);
}

void vcpu_runstate_get(const struct vcpu *v, struct pv_vcpu_runstate_info *rs, bool to_now)
{
    uint32_t seq;
    uint64_t now = time_now_ns();

    do {
        seq = __atomic_load_n(&v->runstate_seq, __ATOMIC_ACQUIRE);
        *rs = v->runstate;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((seq & 1) || seq != __atomic_load_n(&v->runstate_seq, __ATOMIC_RELAXED));
    if (to_now && now > rs->state_entry_time)
        rs->time[rs->state] += now - rs->state_entry_time;
}

/* Copy rs to the registered area through the loaded page tables, marking the update in
 * state_entry_time first if the domain asked for it (VMASST_TYPE_runstate_update_flag). */
static void runstate_area_copy(const struct vcpu *v, uint64_t va, struct pv_vcpu_runstate_info rs)
{
    guest_handle area = guest_handle_of(va);
    guest_handle entry =
        guest_handle_add(area, offsetof(struct pv_vcpu_runstate_info, state_entry_time));

    if (!(v->domain->vm_assist & (1UL << PV_VMASST_TYPE_runstate_update_flag))) {
        guest_copy_to(area, &rs, sizeof(rs)); /* a failed write is skipped, as in Xen */
        return;
    }
    rs.state_entry_time |= PV_RUNSTATE_UPDATE;
    guest_copy_to(entry, &rs.state_entry_time, sizeof(rs.state_entry_time));
    __atomic_thread_fence(__ATOMIC_RELEASE);
    guest_copy_to(area, &rs, sizeof(rs));
    __atomic_thread_fence(__ATOMIC_RELEASE);
    rs.state_entry_time &= ~PV_RUNSTATE_UPDATE;
    guest_copy_to(entry, &rs.state_entry_time, sizeof(rs.state_entry_time));
}

/* At a switch, through v's kernel page tables even if it was in user mode (as Xen's
 * update_guest_memory_policy): the area is a kernel address. */
static void runstate_area_update(const struct vcpu *v)
{
    struct pv_vcpu_runstate_info rs;
    uint64_t root;

    if (!v->runstate_area)
        return;
    vcpu_runstate_get(v, &rs, false);
    root = mm_kernel_root_enter(v);
    runstate_area_copy(v, v->runstate_area, rs);
    mm_root_restore(root);
}

void vcpu_switch_out(struct vcpu *prev)
{
    timer_stop(&prev->periodic_timer);
    runstate_area_update(prev);
}

void vcpu_switch_in(struct vcpu *next, uint64_t now)
{
    runstate_area_update(next);
    periodic_work(next, now);
}

/* Xen 4.17's map_vcpu_info, after the caller's checks of the offset and of v. */
long vcpu_info_register(struct vcpu *v, uint64_t mfn, uint64_t offset)
{
    struct domain *d = v->domain;
    struct pv_vcpu_info *info;

    if (mm_get_page_and_type(mfn, d, PGT_writable))
        return -PV_EINVAL; /* not the domain's, or a page table or descriptor page */
    info = (struct pv_vcpu_info *)((uint8_t *)mm_frame_ptr(mfn) + offset);
    spin_lock(&d->evtchn_lock); /* no event lands in the old copy after it was copied */
    if (v->vcpu_info_mfn) {
        spin_unlock(&d->evtchn_lock);
        mm_put_page_and_type(mfn);
        return -PV_EINVAL; /* another vCPU registered it meanwhile */
    }
    memcpy(info, v->vcpu_info, sizeof(*info));
    __atomic_store_n(&v->vcpu_info, info, __ATOMIC_RELEASE);
    v->vcpu_info_mfn = mfn;
    spin_unlock(&d->evtchn_lock);
    /* Everything pending, as Xen: a spurious upcall rather than a lost one. */
    __atomic_store_n(&info->evtchn_pending_sel, ~0UL, __ATOMIC_SEQ_CST);
    if (!__atomic_exchange_n(&info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        sched_kick(v);
    time_publish(v);
    return 0;
}

void vcpu_send_nmi(struct vcpu *v)
{
    if (!__atomic_exchange_n(&v->nmi_pending, true, __ATOMIC_ACQ_REL))
        sched_wake(v);
}
