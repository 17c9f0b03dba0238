/* memory_op's XENMEM_acquire_resource (pv-abi/memory_op.h): the frames of another domain's grant
 * table for the toolstack, which then maps them with mmu_update naming that domain (Linux's
 * IOCTL_PRIVCMD_MMAP_RESOURCE). After Xen 4.17's acquire_resource and gnttab_acquire_resource. */
#include "pv-abi/errno.h"
#include "grant_table.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "pv-abi/grant_table.h"
#include "pv-abi/memory_op.h"

/* Xen's rcu_lock_remote_domain_by_id and its XSM_DM_PRIV check: another domain that exists (not
 * DOMID_SELF, not the caller), and privilege. */
static long remote_domain(struct vcpu *v, pv_domid_t domid, struct domain **d)
{
    if (!(*d = domain_by_id(domid)))
        return -PV_ESRCH;
    if (*d == v->domain || !v->domain->privileged)
        return -PV_EPERM;
    return 0;
}

/* The resource's size in frames (0: none of that id); types other than the grant table are not
 * offered (-EOPNOTSUPP). */
static long max_frames(const struct domain *d, const struct pv_mem_acquire_resource *r)
{
    if (r->type != PV_XENMEM_resource_grant_table)
        return -PV_EOPNOTSUPP;
    /* Status frames exist with grant table version 2 only, which is not offered. */
    return r->id == PV_XENMEM_resource_grant_table_id_shared
               ? (long)MIN(d->max_grant_frames, GNTTAB_MAX_FRAMES)
               : 0;
}

/* The shared frames [frame, frame + nr): the table grows to hold them, as setup_table. */
static long grant_frames(struct vcpu *v, struct domain *d, const struct pv_mem_acquire_resource *r)
{
    uint64_t mfns[GNTTAB_MAX_FRAMES];

    if (gnttab_setup_table(v->domain, d->domid, (unsigned)(r->frame + r->nr_frames), mfns) !=
        PV_GNTST_okay)
        return -PV_EINVAL; /* the domain's table is gone, or no room to grow */
    return guest_copy_to(guest_handle_of(r->frame_list), &mfns[r->frame], r->nr_frames * 8)
               ? -PV_EFAULT
               : 0;
}

long memory_acquire_resource(struct vcpu *v, guest_handle arg)
{
    struct pv_mem_acquire_resource r;
    struct domain *d;
    long rc, max;

    if (guest_copy_from(&r, arg, sizeof(r)))
        return -PV_EFAULT;
    if (r.pad)
        return -PV_EINVAL;
    if ((rc = remote_domain(v, r.domid, &d)))
        return rc;
    if ((max = max_frames(d, &r)) < 0)
        return max;
    if (!max)
        return -PV_EINVAL;
    if (!r.frame_list) { /* the size query */
        if (r.nr_frames)
            return -PV_EINVAL;
        r.nr_frames = (uint32_t)max;
        return guest_copy_to(guest_handle_add(arg, offsetof(struct pv_mem_acquire_resource,
                                                            nr_frames)),
                             &r.nr_frames, sizeof(r.nr_frames))
                   ? -PV_EFAULT
                   : 0;
    }
    if (!r.nr_frames || r.frame >= (uint64_t)max || r.nr_frames > max - r.frame)
        return -PV_EINVAL;
    return grant_frames(v, d, &r);
}
