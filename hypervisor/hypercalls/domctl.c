/* domctl: domain control for the toolstack (pv-abi/domctl.h). Xen's checks in Xen's order (the
 * argument, the interface version, the target domain, then the default XSM policy); no command
 * is implemented yet, so a caller the policy admits gets -ENOSYS. */
#include "pv-abi/domctl.h"
#include "pv-abi/errno.h"
#include "hypercall_table.h"

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

long hc_domctl(struct vcpu *v, guest_handle u_domctl)
{
    struct pv_domctl op;
    struct domain *d;
    long rc;

    if (guest_copy_from(&op, u_domctl, sizeof(op)))
        return -PV_EFAULT;
    if (op.interface_version != PV_DOMCTL_INTERFACE_VERSION)
        return -PV_EACCES;
    if ((rc = domctl_target(&op, &d)) || (rc = domctl_policy(v)))
        return rc;
    return -PV_ENOSYS; /* the toolstack's commands come with it */
}
