/* The domctl commands that give a domain machine I/O (domctl_ops.h): irq_permission,
 * iomem_permission, ioport_permission, with Xen 4.17's checks in its order (common/domctl.c,
 * arch/x86/domctl.c). The caller may give or take only what it holds itself; what the target
 * holds is its rangesets (common/ioport.c), read by the PIRQ, page-table and port-I/O code. */
#include "domctl_ops.h"
#include "pirq.h"
#include "pv-abi/errno.h"

#define IOPORTS_NR 0x10000

/* Give (allow) or take [first, last] of set: -PV_EPERM unless the caller holds all of it in
 * its own set (Xen's *_access_permitted(current->domain, ...); XSM's hook allows the rest). */
static long permit(struct rangeset *own, struct rangeset *set, uint64_t first, uint64_t last,
                   bool allow)
{
    if (!rangeset_contains(own, first, last))
        return -PV_EPERM;
    return allow ? rangeset_add(set, first, last) : rangeset_remove(set, first, last);
}

long domctl_irq_permission(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    const struct pv_domctl_irq_permission *a = &op->u.irq_permission;

    if (a->pirq >= PIRQ_NR) /* the caller's nr_pirqs */
        return -PV_EINVAL;
    return permit(&v->domain->irq_caps, &d->irq_caps, a->pirq, a->pirq, a->allow_access);
}

long domctl_iomem_permission(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    const struct pv_domctl_iomem_permission *a = &op->u.iomem_permission;
    uint64_t last = a->first_mfn + a->nr_mfns - 1;

    if (last < a->first_mfn) /* wraps (nr_mfns 0 too, unless first_mfn is 0) */
        return -PV_EINVAL;
    return permit(&v->domain->iomem_caps, &d->iomem_caps, a->first_mfn, last, a->allow_access);
}

long domctl_ioport_permission(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    const struct pv_domctl_ioport_permission *a = &op->u.ioport_permission;
    uint32_t end = a->first_port + a->nr_ports; /* 32-bit, as Xen's unsigned int */

    if (end <= a->first_port || end > IOPORTS_NR)
        return -PV_EINVAL;
    return permit(&v->domain->ioport_caps, &d->ioport_caps, a->first_port, end - 1,
                  a->allow_access);
}
