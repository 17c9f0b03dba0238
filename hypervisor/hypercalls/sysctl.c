/* sysctl: host control for the toolstack (pv-abi/sysctl.h). Xen's checks in Xen's order (the
 * argument, the interface version, then the default XSM policy), then one function per command
 * (domctl_ops.h). */
#include "pv-abi/errno.h"
#include "pv-abi/sysctl.h"
#include "domctl_ops.h"
#include "hypercall_table.h"

/* Up to max_domains records, from first_domain up in id order (Xen's for_each_domain), each
 * copied out as it is made (-EFAULT stops there, nothing copied back). Under the domctl lock,
 * so that no domain record is freed meanwhile. */
long sysctl_getdomaininfolist(struct vcpu *v, struct pv_sysctl *op)
{
    struct pv_sysctl_getdomaininfolist *l = &op->u.getdomaininfolist;
    struct pv_domctl_getdomaininfo info;
    uint32_t n = 0;

    domains_collect(); /* as getdomaininfo: a destroyed domain whose last frame went is gone */
    for (unsigned id = l->first_domain; id < MAX_DOMAINS && n < l->max_domains; id++) {
        struct domain *d = domain_by_id(id);

        if (!d)
            continue;
        domctl_fill_info(d, &info);
        if (guest_copy_to(guest_handle_add(guest_handle_of(l->buffer), (uint64_t)n * sizeof(info)),
                          &info, sizeof(info)))
            return -PV_EFAULT;
        n++;
    }
    l->num_domains = n;
    return 0;
}

/* One function per command (domctl_ops.h); -ENOSYS for the commands not implemented. */
static long sysctl_dispatch(struct vcpu *v, struct pv_sysctl *op)
{
    long rc;

    switch (op->cmd) {
    case PV_SYSCTL_getdomaininfolist:
        if (!domctl_lock_try())
            return -PV_ERESTART;
        rc = sysctl_getdomaininfolist(v, op);
        domctl_unlock();
        return rc;
    case PV_SYSCTL_readconsole:
        return sysctl_readconsole(v, op);
    case PV_SYSCTL_physinfo:
        return sysctl_physinfo(v, op);
    case PV_SYSCTL_sched_id:
        return sysctl_sched_id(v, op);
    case PV_SYSCTL_getcpuinfo:
        return sysctl_getcpuinfo(v, op);
    case PV_SYSCTL_cputopoinfo:
        return sysctl_cputopoinfo(v, op);
    default:
        return -PV_ENOSYS;
    }
}

long hc_sysctl(struct vcpu *v, guest_handle u_sysctl)
{
    struct pv_sysctl op;
    long rc;

    if (guest_copy_from(&op, u_sysctl, sizeof(op)))
        return -PV_EFAULT;
    if (op.interface_version != PV_SYSCTL_INTERFACE_VERSION)
        return -PV_EACCES;
    /* Xen's XSM dummy policy: privileged callers only (readconsole and getdomaininfolist also
     * for the xenstore domain). */
    if (!v->domain->privileged && !(v->domain->xs_domain && (op.cmd == PV_SYSCTL_readconsole ||
                                                             op.cmd == PV_SYSCTL_getdomaininfolist)))
        return -PV_EPERM;
    rc = sysctl_dispatch(v, &op);
    if (rc == -PV_ERESTART) /* the domctl lock was taken: come back, as Xen's sysctl lock */
        return hypercall_continue(PV_HYPERCALL_sysctl, 1, (const uint64_t[]){u_sysctl.gva});
    if (!rc && guest_copy_to(u_sysctl, &op, sizeof(op)))
        rc = -PV_EFAULT;
    return rc;
}
