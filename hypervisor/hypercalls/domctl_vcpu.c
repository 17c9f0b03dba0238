/* domctl's vCPU, scheduling and time commands, with Xen 4.17's checks in Xen's order
 * (common/domctl.c, sched/core.c, sched/credit.c, arch/x86/domctl.c and time.c): what a vCPU
 * does and where it may run, the credit scheduler's weight and cap, the domain's wallclock
 * offset and its TSC mode. */
#include "domctl_ops.h"
#include "guest_access.h"
#include "lib.h"
#include "pv-abi/errno.h"
#include "sched.h"
#include "smp.h"
#include "time.h"
#include "vcpu.h"

#define CPU_BYTES ((MAX_CPUS + 7) / 8)

/* The vCPU an argument names: -EINVAL past the domain's vCPUs, -ESRCH if that one is absent. */
static long vcpu_of(struct domain *d, uint32_t id, struct vcpu **v)
{
    if (id >= d->nr_vcpus)
        return -PV_EINVAL;
    *v = d->vcpu[id];
    return *v ? 0 : -PV_ESRCH;
}

long domctl_getvcpuinfo(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    struct pv_domctl_getvcpuinfo *a = &op->u.getvcpuinfo;
    struct pv_vcpu_runstate_info rs;
    struct vcpu *v;
    long rc;

    if ((rc = vcpu_of(d, a->vcpu, &v)))
        return rc;
    vcpu_runstate_get(v, &rs, true);
    a->online = v->run_state == VCPU_RUNNABLE || v->run_state == VCPU_BLOCKED;
    a->blocked = v->run_state == VCPU_BLOCKED;
    a->running = __atomic_load_n(&v->running, __ATOMIC_RELAXED);
    a->cpu_time = rs.time[PV_RUNSTATE_running];
    a->cpu = __atomic_load_n(&v->processor, __ATOMIC_RELAXED);
    domctl_copyback();
    return 0;
}

/* The caller's bitmap as a CPU mask, as Xen's xenctl_bitmap_to_bitmap reads it: as many bytes
 * as both sides have, the bits past nr_bits in the caller's last byte dropped. */
static long bitmap_read(const struct pv_ctl_bitmap *b, uint64_t *mask)
{
    unsigned nbits = arch_nr_cpus(), guest_bytes = (b->nr_bits + 7) / 8;
    unsigned copy = guest_bytes < (nbits + 7) / 8 ? guest_bytes : (nbits + 7) / 8;
    uint8_t bytes[CPU_BYTES] = {0};

    if (copy && guest_copy_from(bytes, guest_handle_of(b->bitmap), copy))
        return -PV_EFAULT;
    if (copy && (b->nr_bits & 7) && guest_bytes == copy) /* (a wrapped count copies nothing) */
        bytes[copy - 1] &= (uint8_t)~(0xff << (b->nr_bits & 7));
    *mask = 0;
    for (unsigned c = 0; c < nbits; c++)
        *mask |= (uint64_t)(bytes[c / 8] >> (c % 8) & 1) << c;
    return 0;
}

/* A CPU mask into the caller's bitmap (Xen's bitmap_to_xenctl_bitmap): the bytes both sides
 * have, then zeros up to the caller's nr_bits. */
static long bitmap_write(const struct pv_ctl_bitmap *b, uint64_t mask)
{
    unsigned nbits = arch_nr_cpus(), guest_bytes = (b->nr_bits + 7) / 8;
    unsigned copy = guest_bytes < (nbits + 7) / 8 ? guest_bytes : (nbits + 7) / 8;
    uint8_t bytes[CPU_BYTES] = {0}, zero = 0;

    for (unsigned c = 0; c < nbits; c++)
        bytes[c / 8] |= (uint8_t)((mask >> c & 1) << (c % 8));
    if (copy && guest_copy_to(guest_handle_of(b->bitmap), bytes, copy))
        return -PV_EFAULT;
    for (unsigned i = copy; i < guest_bytes; i++)
        if (guest_copy_to(guest_handle_of(b->bitmap + i), &zero, 1))
            return -PV_EFAULT;
    return 0;
}

static uint64_t online_cpus(void)
{
    return (1UL << arch_nr_cpus()) - 1;
}

/* The hard affinity first (-EINVAL if it leaves no online CPU), then the soft one; each map
 * goes back as the scheduler uses it. A failing soft map restores the old hard one, as Xen. */
static long set_affinity(struct vcpu *v, const struct pv_domctl_vcpuaffinity *a)
{
    uint64_t old_hard = v->hard_affinity, mask;
    long rc;

    if (a->flags & PV_VCPUAFFINITY_HARD) {
        if ((rc = bitmap_read(&a->cpumap_hard, &mask)))
            return rc;
        if (!(mask & online_cpus()))
            return -PV_EINVAL;
        sched_set_hard_affinity(v, mask);
        if ((rc = bitmap_write(&a->cpumap_hard, mask & online_cpus())))
            return rc;
    }
    if (a->flags & PV_VCPUAFFINITY_SOFT) {
        if ((rc = bitmap_read(&a->cpumap_soft, &mask))) {
            if (a->flags & PV_VCPUAFFINITY_HARD)
                sched_set_hard_affinity(v, old_hard);
            return rc;
        }
        __atomic_store_n(&v->soft_affinity, mask, __ATOMIC_RELAXED);
        return bitmap_write(&a->cpumap_soft, mask & online_cpus() & v->hard_affinity);
    }
    return 0;
}

/* setvcpuaffinity and getvcpuaffinity: the vCPU, then the flags (HARD and/or SOFT; FORCE has no
 * pin to undo here). */
long domctl_vcpuaffinity(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    const struct pv_domctl_vcpuaffinity *a = &op->u.vcpuaffinity;
    struct vcpu *v;
    long rc;

    if ((rc = vcpu_of(d, a->vcpu, &v)))
        return rc;
    if (!(a->flags & (PV_VCPUAFFINITY_HARD | PV_VCPUAFFINITY_SOFT)))
        return -PV_EINVAL;
    if (op->cmd == PV_DOMCTL_setvcpuaffinity)
        return set_affinity(v, a);
    if ((a->flags & PV_VCPUAFFINITY_HARD) && (rc = bitmap_write(&a->cpumap_hard, v->hard_affinity)))
        return rc;
    return a->flags & PV_VCPUAFFINITY_SOFT ? bitmap_write(&a->cpumap_soft, v->soft_affinity) : 0;
}

/* The credit scheduler's view of the scheduler (sched_adjust, csched_dom_cntl): the argument
 * always goes back. putinfo: weight 0 and cap 0xffff leave those as they are. */
long domctl_scheduler_op(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    struct pv_domctl_scheduler_op *a = &op->u.scheduler_op;

    domctl_copyback();
    if (a->sched_id != PV_SCHEDULER_CREDIT || a->cmd > PV_DOMCTL_SCHEDOP_getvcpuinfo)
        return -PV_EINVAL;
    if (a->cmd == PV_DOMCTL_SCHEDOP_getinfo) {
        a->u.credit.weight = (uint16_t)d->weight;
        a->u.credit.cap = (uint16_t)d->cap;
        return 0;
    }
    if (a->cmd != PV_DOMCTL_SCHEDOP_putinfo)
        return -PV_EINVAL; /* no per-vCPU parameters in the credit scheduler */
    sched_set_credit(d, a->u.credit.weight ? a->u.credit.weight : d->weight,
                     a->u.credit.cap != 0xffff ? a->u.credit.cap : d->cap);
    return 0;
}

/* Xen's domain_set_time_offset: the wallclock the domain sees moves at once. */
long domctl_settimeoffset(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    spin_lock(&d->lock);
    d->time_offset = op->u.settimeoffset.time_offset_seconds;
    if (d->shared_info)
        time_publish_wallclock(d);
    spin_unlock(&d->lock);
    return 0;
}

/* Xen's tsc_get_info for a domain whose RDTSC runs natively at the host's rate. */
static void tsc_get(const struct domain *d, struct pv_domctl_tsc_info *t)
{
    struct time_scale sc;

    memset(t, 0, sizeof(*t));
    t->tsc_mode = d->tsc_mode;
    t->incarnation = d->privileged ? 0 : d->tsc_incarnation + 1;
    if (d->tsc_mode == PV_TSC_MODE_NEVER_EMULATE)
        return;
    t->gtsc_khz = (uint32_t)time_tsc_khz();
    time_scale_for(time_tsc_khz() * 1000, &sc);
    t->elapsed_nsec = time_scale_delta(arch_rdtsc(), &sc);
    if ((int64_t)t->elapsed_nsec < 0)
        t->elapsed_nsec = 0;
}

/* Xen's tsc_set_info: the privileged domain keeps its native TSC whatever is asked. Modes that
 * need an emulated RDTSC (always_emulate, or another rate) are not supported: -EOPNOTSUPP. */
static long tsc_set(struct domain *d, const struct pv_domctl_tsc_info *t)
{
    if (d->privileged)
        return 0;
    switch (t->tsc_mode) {
    case PV_TSC_MODE_DEFAULT:
        if (t->gtsc_khz && t->gtsc_khz != time_tsc_khz())
            return -PV_EOPNOTSUPP;
        break;
    case PV_TSC_MODE_NEVER_EMULATE:
        break;
    case PV_TSC_MODE_ALWAYS_EMULATE:
        return -PV_EOPNOTSUPP;
    default:
        return -PV_EINVAL;
    }
    spin_lock(&d->lock);
    d->tsc_mode = t->tsc_mode;
    d->tsc_incarnation = t->incarnation;
    spin_unlock(&d->lock);
    return 0;
}

/* gettscinfo and settscinfo: never on the caller's own domain (Xen pauses the target around
 * them); what gettscinfo reads goes back. */
long domctl_tscinfo(struct vcpu *cur, struct domain *d, struct pv_domctl *op)
{
    long rc = 0;

    if (d == cur->domain)
        return -PV_EINVAL;
    domain_pause(d);
    if (op->cmd == PV_DOMCTL_settscinfo)
        rc = tsc_set(d, &op->u.tsc_info);
    else
        tsc_get(d, &op->u.tsc_info);
    domain_unpause(d);
    if (op->cmd == PV_DOMCTL_gettscinfo)
        domctl_copyback();
    return rc;
}
