/* domctl's lifecycle commands that read a domain or load it (domctl_ops.h): getdomaininfo (and
 * the record sysctl getdomaininfolist lists), max_mem, the vCPU contexts, hypercall_init. After
 * Xen 4.17's common/domctl.c and arch/x86/domctl.c. */
#include "pv-abi/domctl.h"
#include "pv-abi/errno.h"
#include "x86/cpu.h"
#include "domctl_ops.h"
#include "frame.h"
#include "guest_access.h"
#include "lib.h"
#include "mm.h"
#include "vcpu.h"
#include "vcpu_context.h"

#define SHUTDOWN_CODE_NONE 0xFFFFFFFFU /* Xen's SHUTDOWN_CODE_INVALID, shown as it is */

/* Xen's shutdown code: the reason once the domain shut down, the one SCHEDOP_shutdown_code
 * recorded ahead, else none (all ones, which Xen shifts into the flags unmasked). */
static uint32_t shutdown_code(const struct domain *d)
{
    if (d->state != DOM_RUNNING && d->shutdown_reason != DOMAIN_DESTROYED)
        return d->shutdown_reason;
    return d->shutdown_code_set ? d->shutdown_code : SHUTDOWN_CODE_NONE;
}

/* Blocked if every vCPU that is up is blocked, running if one runs; neither if none is up. */
static uint32_t vcpu_flags(const struct domain *d, struct pv_domctl_getdomaininfo *info)
{
    uint32_t flags = PV_DOMINF_blocked;

    info->max_vcpu_id = PV_INVALID_MAX_VCPU_ID;
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        const struct vcpu *v = d->vcpu[i];
        struct pv_vcpu_runstate_info rs;

        vcpu_runstate_get(v, &rs, true);
        info->cpu_time += rs.time[PV_RUNSTATE_running];
        info->max_vcpu_id = i;
        if (v->run_state == VCPU_OFFLINE)
            continue;
        if (v->run_state != VCPU_BLOCKED)
            flags &= ~PV_DOMINF_blocked;
        if (__atomic_load_n(&v->running, __ATOMIC_ACQUIRE))
            flags |= PV_DOMINF_running;
        info->nr_online_vcpus++;
    }
    return info->nr_online_vcpus ? flags : 0;
}

static uint32_t domain_flags(const struct domain *d)
{
    bool dead = d->state == DOM_DEAD || d->state == DOM_DEAD_CRASHED;
    bool shut_down = d->state != DOM_RUNNING && d->shutdown_reason != DOMAIN_DESTROYED;

    return (d->dying && dead ? PV_DOMINF_dying : 0) | (shut_down ? PV_DOMINF_shutdown : 0) |
           (d->ctl_pauses ? PV_DOMINF_paused : 0) | (d->xs_domain ? PV_DOMINF_xs_domain : 0) |
           shutdown_code(d) << PV_DOMINF_shutdownshift;
}

static uint8_t host_paddr_bits(void)
{
    uint32_t r[4];

    cpuid_count(0x80000008, 0, r);
    return (uint8_t)r[0];
}

void domctl_fill_info(const struct domain *d, struct pv_domctl_getdomaininfo *info)
{
    memset(info, 0, sizeof(*info));
    info->domain = d->domid;
    info->flags = vcpu_flags(d, info) | domain_flags(d);
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = d->shared_info_mfn;
    memcpy(info->handle, d->handle, sizeof(info->handle));
    info->gpaddr_bits = host_paddr_bits(); /* a PV domain sees machine addresses */
    /* Xen gives the hardware domain, when PV, the PIT. */
    info->arch_config.emulation_flags = d->privileged ? PV_X86_EMU_PIT : 0;
    info->arch_config.misc_flags = d->arch_misc_flags;
}

/* The domain asked for, or the first one with a higher id (Xen 4.17); -ESRCH past the last. */
long domctl_getdomaininfo(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    domains_collect(); /* a destroyed domain whose last frame went since is gone now */
    d = domain_by_id(op->domain);
    if (!d) {
        if (op->domain >= PV_DOMID_FIRST_RESERVED)
            return -PV_EINVAL;
        for (unsigned id = op->domain; !d && id < MAX_DOMAINS; id++)
            d = domain_by_id(id);
        if (!d)
            return -PV_ESRCH;
    }
    domctl_fill_info(d, &op->u.getdomaininfo);
    op->domain = d->domid;
    domctl_copyback();
    return 0;
}

/* max_memkb / 4 pages, at most 2^32 - 1 as Xen's max_pages; a domain above it may only shrink. */
long domctl_max_mem(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    uint64_t pages = op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10);

    d->max_pages = MIN(pages, (uint64_t)UINT32_MAX);
    return 0;
}

/* ---- vCPU contexts ---- */

/* Validated as VCPUOP_initialise (vcpu_context.c) with d paused. A null ctxt resets the vCPU
 * (Xen's vcpu_reset): no context, down, its tables let go. */
long domctl_setvcpucontext(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    static struct pv_vcpu_guest_context ctxt; /* under the domctl lock; 5 KiB off the stack */
    struct vcpu *t = domain_vcpu(d, op->u.vcpucontext.vcpu);
    long rc;

    if (d == v->domain || !t)
        return -PV_EINVAL;
    if (op->u.vcpucontext.ctxt &&
        guest_copy_from(&ctxt, guest_handle_of(op->u.vcpucontext.ctxt), sizeof(ctxt)))
        return -PV_EFAULT;
    domain_pause(d);
    if (op->u.vcpucontext.ctxt)
        rc = vcpu_context_set(t, &ctxt, true);
    else
        vcpu_context_reset(t), rc = 0;
    domain_unpause(d);
    return rc;
}

/* The registers of a stopped vCPU (the domain is paused while they are read). Another vCPU of
 * the caller's own domain is refused here (Xen pauses just that vCPU). */
long domctl_getvcpucontext(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    static struct pv_vcpu_guest_context ctxt; /* under the domctl lock */
    struct vcpu *t = domain_vcpu(d, op->u.vcpucontext.vcpu);

    if (!t || d == v->domain)
        return -PV_EINVAL;
    if (!__atomic_load_n(&t->initialised, __ATOMIC_ACQUIRE))
        return -PV_ENODATA;
    domain_pause(d);
    vcpu_context_get(t, &ctxt);
    domain_unpause(d);
    domctl_copyback();
    if (guest_copy_to(guest_handle_of(op->u.vcpucontext.ctxt), &ctxt, sizeof(ctxt)))
        return -PV_EFAULT;
    return 0;
}

/* ---- hypercall_init ---- */

/* The hypercall page into a frame of d: -EINVAL if d does not own it, -EPERM if it cannot be
 * writable (a page table, a descriptor table). */
long domctl_hypercall_init(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    uint64_t mfn = op->u.hypercall_init.gmfn;
    long rc = 0;

    spin_lock(&d->mm_lock);
    if (mm_get_page(mfn, d))
        rc = -PV_EINVAL;
    else if (mm_get_page_type(mfn, PGT_writable))
        rc = -PV_EPERM;
    else {
        arch_hypercall_page_fill(mm_frame_ptr(mfn));
        mm_put_page_type(mfn);
    }
    if (rc != -PV_EINVAL)
        mm_put_page(mfn);
    spin_unlock(&d->mm_lock);
    return rc;
}
