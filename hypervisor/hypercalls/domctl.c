/* domctl: domain control for the toolstack (pv-abi/domctl.h). Xen's checks in Xen's order (the
 * argument, the interface version, the target domain, the default XSM policy), then one
 * function per command (domctl_ops.h); the lifecycle commands are here. */
#include "pv-abi/domctl.h"
#include "pv-abi/errno.h"
#include "domctl_ops.h"
#include "hypercall_table.h"
#include "spinlock.h"

/* The target as Xen looks it up before asking the policy: none for the commands that take no
 * domain (or PV_DOMID_IO / PV_DOMID_INVALID where those are allowed); -ESRCH if it is absent. */
static long domctl_target(const struct pv_domctl *op, struct domain **d)
{
    *d = NULL;
    switch (op->cmd) {
    case PV_DOMCTL_createdomain:
        return 0;
    case PV_DOMCTL_assign_device:
    case PV_DOMCTL_deassign_device:
        if (op->domain == PV_DOMID_IO)
            return 0;
        if (op->domain == PV_DOMID_INVALID)
            return -PV_ESRCH;
        break;
    case PV_DOMCTL_test_assign_device:
    case PV_DOMCTL_vm_event_op:
        if (op->domain == PV_DOMID_INVALID)
            return 0;
        break;
    }
    *d = domain_by_id(op->domain);
    return *d ? 0 : -PV_ESRCH;
}

/* Xen's XSM dummy policy for domctl: every command is for a privileged caller; the pass-through
 * mappings also for the target's device model and getdomaininfo also for the xenstore domain,
 * neither of which exists here. */
static long domctl_policy(const struct vcpu *v)
{
    return v->domain->privileged ? 0 : -PV_EPERM;
}

/* One function per command (domctl_ops.h); -ENOSYS for the commands not implemented. */
static long domctl_dispatch(struct vcpu *v, struct domain *d, struct pv_domctl *op, bool *copyback)
{
    switch (op->cmd) {
    case PV_DOMCTL_setvcpuaffinity:
        return domctl_setvcpuaffinity(v, d, op, copyback);
    case PV_DOMCTL_getvcpuinfo:
        return domctl_getvcpuinfo(v, d, op, copyback);
    case PV_DOMCTL_scheduler_op:
        return domctl_scheduler_op(v, d, op, copyback);
    case PV_DOMCTL_settimeoffset:
        return domctl_settimeoffset(v, d, op, copyback);
    case PV_DOMCTL_getvcpuaffinity:
        return domctl_getvcpuaffinity(v, d, op, copyback);
    case PV_DOMCTL_gettscinfo:
        return domctl_gettscinfo(v, d, op, copyback);
    case PV_DOMCTL_settscinfo:
        return domctl_settscinfo(v, d, op, copyback);
    default:
        return -PV_ENOSYS;
    }
}

long hc_domctl(struct vcpu *v, guest_handle u_domctl)
{
    static spinlock_t domctl_lock = SPINLOCK_INIT; /* one command at a time, as Xen */
    struct pv_domctl op;
    struct domain *d;
    bool copyback = false;
    long rc;

    if (guest_copy_from(&op, u_domctl, sizeof(op)))
        return -PV_EFAULT;
    if (op.interface_version != PV_DOMCTL_INTERFACE_VERSION)
        return -PV_EACCES;
    if ((rc = domctl_target(&op, &d)) || (rc = domctl_policy(v)))
        return rc;
    if (!spin_trylock(&domctl_lock)) /* as Xen: come back rather than spin with events off */
        return hypercall_continue(PV_HYPERCALL_domctl, 1, (const uint64_t[]){u_domctl.gva});
    rc = domctl_dispatch(v, d, &op, &copyback);
    spin_unlock(&domctl_lock);
    if (copyback && guest_copy_to(u_domctl, &op, sizeof(op)))
        rc = -PV_EFAULT;
    return rc;
}
