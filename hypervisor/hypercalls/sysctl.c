/* sysctl: host control for the toolstack (pv-abi/sysctl.h). Xen's checks in Xen's order (the
 * argument, the interface version, then the default XSM policy), then one function per command
 * (domctl_ops.h). */
#include "pv-abi/errno.h"
#include "pv-abi/sysctl.h"
#include "domctl_ops.h"
#include "hypercall_table.h"

/* One function per command (domctl_ops.h); -ENOSYS for the commands not implemented. */
static long sysctl_dispatch(struct vcpu *v, struct pv_sysctl *op, bool *copyback)
{
    switch (op->cmd) {
    case PV_SYSCTL_readconsole:
        return sysctl_readconsole(v, op, copyback);
    case PV_SYSCTL_physinfo:
        return sysctl_physinfo(v, op, copyback);
    case PV_SYSCTL_sched_id:
        return sysctl_sched_id(v, op, copyback);
    case PV_SYSCTL_getcpuinfo:
        return sysctl_getcpuinfo(v, op, copyback);
    case PV_SYSCTL_cputopoinfo:
        return sysctl_cputopoinfo(v, op, copyback);
    default:
        return -PV_ENOSYS;
    }
}

long hc_sysctl(struct vcpu *v, guest_handle u_sysctl)
{
    struct pv_sysctl op;
    bool copyback = false;
    long rc;

    if (guest_copy_from(&op, u_sysctl, sizeof(op)))
        return -PV_EFAULT;
    if (op.interface_version != PV_SYSCTL_INTERFACE_VERSION)
        return -PV_EACCES;
    /* Xen's XSM dummy policy: privileged callers only (readconsole and getdomaininfolist also
     * for the xenstore domain, which does not exist here). */
    if (!v->domain->privileged)
        return -PV_EPERM;
    rc = sysctl_dispatch(v, &op, &copyback);
    if (copyback && guest_copy_to(u_sysctl, &op, sizeof(op)))
        rc = -PV_EFAULT;
    return rc;
}
