/* vcpu_op (pv-abi/vcpu_op.h) and set_timer_op: decode and check the guest's arguments, then act
 * through the vCPU core (common/vcpu.c) and the scheduler. After Xen's common/domain.c
 * do_vcpu_op and arch_set_info_guest (4.17). */
#include "pv-abi/arch_x86.h"
#include "pv-abi/errno.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "vcpu_context.h"
#include "sched.h"
#include "pv-abi/sched_op.h"
#include "pv-abi/shared_info.h"
#include "time.h"
#include "vcpu.h"

#define PERIOD_MIN_NS 1000000ULL          /* Xen refuses periods under 1 ms */
#define PERIOD_MAX_NS (~0ULL >> 2)        /* Xen's STIME_DELTA_MAX */
#define HUGE_TIMEOUT_NS (1ULL << 50)      /* set_timer_op: ~13 days, Xen's "wrapped" limit */
#define HUGE_TIMEOUT_FIRE_NS 100000000ULL /* ... and when such a timer fires instead */

/* Taking the last vCPU that is up down powers the domain off, as in Xen. */
static long op_down(struct vcpu *v)
{
    struct domain *d = v->domain;

    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (i != v->id && d->vcpu[i]->run_state != VCPU_OFFLINE) {
            sched_vcpu_down(v);
            return 0;
        }
    domain_shutdown(d, PV_SHUTDOWN_poweroff);
    return 0;
}

/* Run-state queries and the registered area. */

static long op_get_runstate_info(const struct vcpu *v, guest_handle arg)
{
    struct pv_vcpu_runstate_info rs;

    vcpu_runstate_get(v, &rs, true);
    return guest_copy_to(arg, &rs, sizeof(rs)) ? -PV_EFAULT : 0;
}

static long op_register_runstate(struct vcpu *cur, struct vcpu *v, guest_handle arg)
{
    struct pv_vcpu_register_runstate_memory_area area;
    struct pv_vcpu_runstate_info rs;

    if (guest_copy_from(&area, arg, sizeof(area)) || !guest_range_ok(area.addr, sizeof(rs)))
        return -PV_EFAULT;
    v->runstate_area = area.addr;
    if (!area.addr)
        return 0;
    vcpu_runstate_get(v, &rs, v != cur); /* Xen: the raw record for itself, up to now for others */
    guest_copy_to(guest_handle_of(area.addr), &rs, sizeof(rs)); /* through the caller's tables; failure ignored */
    return 0;
}

/* Timers. */

static long op_set_periodic(struct vcpu *cur, struct vcpu *v, guest_handle arg)
{
    struct pv_vcpu_set_periodic_timer p;

    if (guest_copy_from(&p, arg, sizeof(p)))
        return -PV_EFAULT;
    if (p.period_ns < PERIOD_MIN_NS || p.period_ns > PERIOD_MAX_NS)
        return -PV_EINVAL;
    vcpu_set_periodic(cur, v, p.period_ns);
    return 0;
}

/* Times are signed in Xen (s_time_t): one at or beyond 2^63 is in the past. */
static long op_set_singleshot(struct vcpu *cur, struct vcpu *v, guest_handle arg)
{
    struct pv_vcpu_set_singleshot_timer s;
    int64_t timeout;

    if (v != cur)
        return -PV_EINVAL;
    if (guest_copy_from(&s, arg, sizeof(s)))
        return -PV_EFAULT;
    timeout = (int64_t)s.timeout_abs_ns;
    if ((s.flags & PV_VCPU_SSHOTTMR_future) && timeout < (int64_t)time_now_ns())
        return -PV_ETIME;
    timer_set(&v->singleshot_timer, timeout < 0 ? 0 : (uint64_t)timeout);
    return 0;
}

/* VCPUOP_register_vcpu_info (Xen 4.17's map_vcpu_info rules). */

static long op_register_vcpu_info(struct vcpu *cur, struct vcpu *v, guest_handle arg)
{
    struct pv_vcpu_register_vcpu_info r;

    if (guest_copy_from(&r, arg, sizeof(r)))
        return -PV_EFAULT;
    /* A misaligned offset would make every event's atomic update a split lock (XSA-327). */
    if (r.offset > PAGE_SIZE - sizeof(struct pv_vcpu_info) ||
        r.offset % _Alignof(struct pv_vcpu_info) || v->vcpu_info_mfn ||
        (v != cur && v->run_state != VCPU_OFFLINE))
        return -PV_EINVAL;
    return vcpu_info_register(v, r.mfn, r.offset);
}

/* Decoding. */

static long vcpu_timer_op(unsigned cmd, struct vcpu *cur, struct vcpu *v, guest_handle arg)
{
    switch (cmd) {
    case PV_VCPUOP_set_periodic_timer:
        return op_set_periodic(cur, v, arg);
    case PV_VCPUOP_stop_periodic_timer:
        vcpu_set_periodic(cur, v, 0);
        return 0;
    case PV_VCPUOP_set_singleshot_timer:
        return op_set_singleshot(cur, v, arg);
    case PV_VCPUOP_stop_singleshot_timer:
        if (v != cur)
            return -PV_EINVAL;
        timer_stop(&v->singleshot_timer);
        return 0;
    }
    return -PV_ENOSYS;
}

/* vcpu_op(cmd, vcpuid, arg). register_vcpu_time_memory_area and the *_phys_area variants: not
 * implemented (-ENOSYS; Linux then does without). */
long hc_vcpu_op(struct vcpu *cur, int cmd, unsigned int vcpuid, guest_handle arg)
{
    struct pv_vcpu_guest_context ctxt; /* 5 KiB of the 64 KiB stack */
    struct vcpu *v;

    if (!(v = domain_vcpu(cur->domain, vcpuid)))
        return -PV_ENOENT;
    switch (cmd) {
    case PV_VCPUOP_initialise:
        if (guest_copy_from(&ctxt, arg, sizeof(ctxt)))
            return -PV_EFAULT;
        return vcpu_context_set(v, &ctxt, false);
    case PV_VCPUOP_up:
        if (!__atomic_load_n(&v->initialised, __ATOMIC_ACQUIRE))
            return -PV_EINVAL;
        sched_vcpu_up(v);
        return 0;
    case PV_VCPUOP_down:
        return op_down(v);
    case PV_VCPUOP_is_up:
        return v->run_state != VCPU_OFFLINE;
    case PV_VCPUOP_get_runstate_info:
        return op_get_runstate_info(v, arg);
    case PV_VCPUOP_register_runstate_memory_area:
        return op_register_runstate(cur, v, arg);
    case PV_VCPUOP_register_vcpu_info:
        return op_register_vcpu_info(cur, v, arg);
    case PV_VCPUOP_get_physid:
        return -PV_EINVAL; /* only for the hardware domain's pinned vCPUs */
    case PV_VCPUOP_send_nmi: /* no argument; the NMI waits until the vCPU can take it */
        if (arg.gva)
            return -PV_EINVAL;
        vcpu_send_nmi(v);
        return 0;
    }
    return vcpu_timer_op(cmd, cur, v, arg);
}

/* set_timer_op(timeout): the vCPU's single-shot timer (Xen's do_set_timer_op): 0 stops it; a
 * negative or "wrapped" time (over 2^50 ns ahead) fires in 100 ms instead. Returns 0. */
long hc_set_timer_op(struct vcpu *v, uint64_t timeout)
{
    uint64_t now = time_now_ns();
    int64_t offset = (int64_t)(timeout - now); /* unsigned: a timeout near INT64_MIN must not overflow */

    if (!timeout)
        timer_stop(&v->singleshot_timer);
    else if ((int64_t)timeout < 0 || (offset > 0 && (uint64_t)offset >= HUGE_TIMEOUT_NS))
        timer_set(&v->singleshot_timer, now + HUGE_TIMEOUT_FIRE_NS);
    else
        timer_set(&v->singleshot_timer, timeout);
    return 0;
}
