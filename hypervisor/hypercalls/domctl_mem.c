/* The domctl commands on a domain's memory (domctl_ops.h): getpageframeinfo3, the page types
 * the toolstack reads to save a domain or inspect its tables (Xen 4.17's arch_do_domctl). */
#include "domctl_ops.h"
#include "frame.h"
#include "guest_access.h"
#include "pv-abi/errno.h"

#define PFINFO_MAX 1024 /* entries in one call, as Xen */

/* The type of one frame of d as Xen reports it: XTAB for a frame not in its memory (the
 * hypervisor's frames it shares included), else its table level and pin. The type stays after
 * its last reference, until the frame takes another (Xen's too). */
static uint64_t frame_type(const struct domain *d, uint64_t mfn)
{
    const struct page_info *pg;
    uint64_t type;

    if (!frame_in_memory_of(d, mfn))
        return PV_DOMCTL_PFINFO_XTAB;
    pg = frame_info(mfn);
    switch (pg->type_info & PGT_type_mask) {
    case PGT_l1:
    case PGT_l2:
    case PGT_l3:
    case PGT_l4:
        type = (uint64_t)((pg->type_info & PGT_type_mask) >> 28) << PV_DOMCTL_PFINFO_LTAB_SHIFT;
        break;
    default:
        type = PV_DOMCTL_PFINFO_NOTAB;
    }
    return pg->type_info & PGT_pinned ? type | PV_DOMCTL_PFINFO_LPINTAB : type;
}

long domctl_getpageframeinfo3(struct vcpu *v, struct domain *d, struct pv_domctl *op)
{
    const struct pv_domctl_getpageframeinfo3 *a = &op->u.getpageframeinfo3;

    if (a->num > PFINFO_MAX)
        return -PV_E2BIG;
    for (uint64_t i = 0; i < a->num; i++) {
        guest_handle at = guest_handle_of(a->array + i * 8);
        uint64_t mfn, type;

        if (guest_copy_from(&mfn, at, 8))
            return -PV_EFAULT;
        spin_lock(&d->mm_lock);
        type = frame_type(d, mfn);
        spin_unlock(&d->mm_lock);
        if (guest_copy_to(at, &type, 8))
            return -PV_EFAULT;
    }
    return 0;
}
