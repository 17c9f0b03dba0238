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
    if (r->id == PV_XENMEM_resource_grant_table_id_shared)
        return (long)MIN(d->max_grant_frames, GNTTAB_MAX_FRAMES);
    return r->id == PV_XENMEM_resource_grant_table_id_status
               ? (long)GNTTAB_STATUS_FRAMES(MIN(d->max_grant_frames, GNTTAB_MAX_FRAMES))
               : 0;
}

/* The shared frames [frame, frame + nr): the table grows to hold them, as setup_table. Status
 * frames (version 2 only): the table grows to the frames that need them, if it may grow that
 * far (Xen's gnttab_get_status_frame_mfn). */
static long grant_frames(struct vcpu *v, struct domain *d, const struct pv_mem_acquire_resource *r)
{
    uint64_t mfns[GNTTAB_MAX_FRAMES], end = r->frame + r->nr_frames;
    bool status = r->id == PV_XENMEM_resource_grant_table_id_status;
    unsigned grow = (unsigned)(status ? end * GNTTAB_STATUS_PER_FRAME / GNTTAB_V2_PER_FRAME : end);
    uint32_t version = 0;

    if (status && (gnttab_get_version(v->domain, d->domid, &version) || version != 2))
        return -PV_EINVAL; /* no status frames in version 1 */
    if (grow <= d->max_grant_frames &&
        gnttab_setup_table(v->domain, d->domid, grow, mfns) != PV_GNTST_okay)
        return -PV_EINVAL; /* the domain's table is gone, or no room to grow */
    if (status && gnttab_get_status_frames(v->domain, d->domid, (unsigned)end, mfns))
        return -PV_EINVAL; /* not grown that far */
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
