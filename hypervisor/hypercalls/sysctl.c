/* sysctl: host control for the toolstack (pv-abi/sysctl.h). Xen's checks in Xen's order (the
 * argument, the interface version, then the default XSM policy); no command is implemented
 * yet, so a caller the policy admits gets -ENOSYS. */
#include "pv-abi/errno.h"
#include "pv-abi/sysctl.h"
#include "hypercall_table.h"

long hc_sysctl(struct vcpu *v, guest_handle u_sysctl)
{
    struct pv_sysctl op;

    if (guest_copy_from(&op, u_sysctl, sizeof(op)))
        return -PV_EFAULT;
    if (op.interface_version != PV_SYSCTL_INTERFACE_VERSION)
        return -PV_EACCES;
    /* Xen's XSM dummy policy: privileged callers only (readconsole and getdomaininfolist also
     * for the xenstore domain, which does not exist here). */
    if (!v->domain->privileged)
        return -PV_EPERM;
    return -PV_ENOSYS; /* the toolstack's commands come with it */
}
