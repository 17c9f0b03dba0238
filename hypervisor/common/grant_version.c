/* Grant table versions (grant_table.h): set_version, and the status frames of version 2 (Xen's
 * gnttab_set_version, gnttab_populate_status_frames and gnttab_unpopulate_status_frames). */
#include "pv-abi/errno.h"
#include "frame.h"
#include "grant_table.h"
#include "lib.h"
#include "mm.h"

#define RESERVED PV_GNTTAB_NR_RESERVED_ENTRIES
#define IN_USE (PV_GTF_reading | PV_GTF_writing)

bool gnttab_status_grow(struct domain *d, struct gnttab *gt)
{
    unsigned had = gt->nr_status, want = GNTTAB_STATUS_FRAMES(gt->nr_frames);

    for (unsigned i = had; i < want; i++)
        if ((gt->status[i] = gnttab_page_alloc()) == FRAME_NONE) {
            while (i-- > had)
                frame_free(gt->status[i]);
            return false;
        }
    for (unsigned i = had; i < want; i++)
        mm_share_frame(d, gt->status[i]);
    gt->nr_status = MAX(had, want);
    return true;
}

void gnttab_status_free(struct domain *d, struct gnttab *gt)
{
    while (gt->nr_status) {
        uint64_t mfn = gt->status[--gt->nr_status];

        if (mm_unshare_frame(d, mfn)) /* else freed by a foreign mapping's last unmap */
            frame_free(mfn);
    }
}

/* Why the table cannot switch: an entry from 8 up in use (the toolstack's may be), a reserved
 * entry version 1 cannot hold (transitive, or a frame above 32 bits), a status frame that
 * something maps. */
static int refuse_switch(const struct gnttab *gt)
{
    for (uint32_t ref = RESERVED; ref < gnttab_nr_entries(gt); ref++)
        if (gnttab_act(gt, ref)->pin)
            return -PV_EBUSY;
    for (uint32_t ref = 0; ref < RESERVED && gt->version == 2; ref++) {
        unsigned type = gnttab_hdr(gt, ref)->flags & PV_GTF_type_mask;

        if (type == PV_GTF_transitive || (type == PV_GTF_permit_access && gnttab_frame(gt, ref) >> 32))
            return -PV_ERANGE;
    }
    for (unsigned i = 0; i < gt->nr_status; i++)
        if (mm_shared_frame_mapped(gt->status[i]))
            return -PV_EBUSY;
    return 0;
}

/* The reserved entries in version 1 form, in-use flags included: a version 2 entry of another
 * type than permit_access becomes invalid. */
static void reserved_save(const struct gnttab *gt, struct pv_grant_entry_v1 *e)
{
    for (uint32_t ref = 0; ref < RESERVED; ref++) {
        const struct pv_grant_entry_header *h = gnttab_hdr(gt, ref);

        if (gt->version == 1)
            e[ref] = *gnttab_entry(gt, ref);
        else if ((h->flags & PV_GTF_type_mask) == PV_GTF_permit_access)
            e[ref] = (struct pv_grant_entry_v1){(uint16_t)(h->flags | *gnttab_status(gt, ref)),
                                                h->domid, (uint32_t)gnttab_frame(gt, ref)};
        else
            e[ref] = (struct pv_grant_entry_v1){0, 0, 0};
    }
}

static void reserved_restore(const struct gnttab *gt, const struct pv_grant_entry_v1 *e)
{
    for (uint32_t ref = 0; ref < RESERVED; ref++) {
        union pv_grant_entry_v2 *n = (union pv_grant_entry_v2 *)gnttab_hdr(gt, ref);

        if (gt->version == 1) {
            *gnttab_entry(gt, ref) = e[ref];
            continue;
        }
        *gnttab_status(gt, ref) = e[ref].flags & IN_USE;
        n->hdr.flags = e[ref].flags & ~IN_USE;
        n->hdr.domid = e[ref].domid;
        n->full_page.frame = e[ref].frame;
    }
}

/* Every entry is cleared but the reserved ones, which keep their grants in the new form. */
static int switch_locked(struct domain *d, struct gnttab *gt, uint8_t version)
{
    struct pv_grant_entry_v1 saved[RESERVED];
    int rc = refuse_switch(gt);

    if (rc)
        return rc;
    if (version == 2 && !gnttab_status_grow(d, gt))
        return -PV_ENOMEM;
    reserved_save(gt, saved);
    if (version == 1)
        gnttab_status_free(d, gt);
    for (unsigned i = 0; i < gt->nr_frames; i++)
        memset(mm_frame_ptr(gt->shared[i]), 0, PAGE_SIZE);
    gt->version = version;
    reserved_restore(gt, saved);
    return 0;
}

int gnttab_set_version(struct domain *d, uint32_t *version)
{
    struct gnttab *gt = d->gnttab; /* the caller's: live */
    uint32_t want = *version;
    int rc = -PV_EINVAL;

    spin_lock(&d->mm_lock);
    if (want == 2 && gt->max_version < 2)
        rc = -PV_ENOSYS; /* as before set_version existed */
    else if (want == 1 || want == 2)
        rc = want == gt->version ? 0 : switch_locked(d, gt, (uint8_t)want);
    *version = gt->version;
    spin_unlock(&d->mm_lock);
    return rc;
}
