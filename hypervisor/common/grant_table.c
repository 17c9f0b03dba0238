/* Grant tables (grant_table.h): a domain's table and its lifetime, setup_table, query_size,
 * swap_grant_ref and dump_table (Xen's grant_table_init, gnttab_grow_table, grant_table_destroy
 * and the small GNTTABOP_* handlers of xen/common/grant_table.c). */
#include "console.h"
#include "pv-abi/errno.h"
#include "frame.h"
#include "grant_table.h"
#include "lib.h"
#include "mm.h"

_Static_assert(sizeof(struct gnttab) <= PAGE_SIZE, "struct gnttab must fit a page");
_Static_assert(sizeof(struct pv_grant_entry_v1) * GNTTAB_ENTRIES_PER_FRAME == PAGE_SIZE,
               "v1 entries fill a table frame");
_Static_assert(sizeof(union pv_grant_entry_v2) * GNTTAB_V2_PER_FRAME == PAGE_SIZE &&
                   GNTTAB_ENTRIES_PER_FRAME % GNTTAB_ACTIVE_PER_PAGE == 0,
               "v2 entries fill a table frame; whole pages of active entries per table frame");

uint64_t gnttab_page_alloc(void)
{
    uint64_t mfn = frame_alloc();

    if (mfn != FRAME_NONE)
        memset(mm_frame_ptr(mfn), 0, PAGE_SIZE);
    return mfn;
}

/* ---- the table's frames ---- */

/* Append a table frame, shared with d, and its pages of active entries. */
static bool add_frame(struct domain *d, struct gnttab *gt)
{
    uint64_t s = gnttab_page_alloc(), *a = &gt->active[gt->nr_frames * GNTTAB_ACTIVE_PAGES];
    bool ok = s != FRAME_NONE;

    for (unsigned i = 0; i < GNTTAB_ACTIVE_PAGES; i++)
        ok &= (a[i] = gnttab_page_alloc()) != FRAME_NONE;
    if (!ok) {
        frame_free(s); /* frame_free ignores FRAME_NONE */
        for (unsigned i = 0; i < GNTTAB_ACTIVE_PAGES; i++)
            frame_free(a[i]);
        return false;
    }
    mm_share_frame(d, s);
    gt->shared[gt->nr_frames++] = s;
    return true;
}

/* The last table frame goes: nothing may reference it but the hypervisor (never granted). */
static void drop_frame(struct domain *d, struct gnttab *gt)
{
    unsigned i = --gt->nr_frames;

    if (mm_unshare_frame(d, gt->shared[i])) /* else freed by a foreign mapping's last unmap */
        frame_free(gt->shared[i]);
    for (unsigned j = 0; j < GNTTAB_ACTIVE_PAGES; j++)
        frame_free(gt->active[i * GNTTAB_ACTIVE_PAGES + j]);
}

/* Grow to nr frames, with version 2's status frames, all or nothing (Xen's gnttab_grow_table). */
static bool grow(struct domain *d, struct gnttab *gt, unsigned nr)
{
    unsigned had = gt->nr_frames;

    while (gt->nr_frames < nr && add_frame(d, gt))
        ;
    if (gt->nr_frames == MAX(nr, had) && (gt->version == 1 || gnttab_status_grow(d, gt)))
        return true;
    while (gt->nr_frames > had)
        drop_frame(d, gt);
    return false;
}

int gnttab_init(struct domain *d)
{
    uint64_t mfn = gnttab_page_alloc();
    struct gnttab *gt;

    if (mfn == FRAME_NONE)
        return -PV_ENOMEM;
    gt = mm_frame_ptr(mfn);
    gt->self_mfn = mfn;
    gt->maptrack_free = GNTTAB_NO_HANDLE;
    gt->maptrack_max = GNTTAB_MAPTRACK_FRAMES;
    gt->version = 1;
    gt->max_version = 2; /* Xen's gnttab=max-ver default; createdomain's grant_opts may lower it */
    if (!add_frame(d, gt)) {
        frame_free(mfn);
        return -PV_ENOMEM;
    }
    d->gnttab = gt;
    return 0;
}

void gnttab_free(struct domain *d)
{
    struct gnttab *gt = d->gnttab;
    uint64_t self = gt->self_mfn;

    BUG_ON(!gt->dead || gt->nr_pinned);
    gnttab_status_free(d, gt);
    while (gt->nr_frames)
        drop_frame(d, gt);
    for (unsigned i = 0; i < gt->maptrack_limit / GNTTAB_MAPS_PER_PAGE; i++) {
        uint64_t *dir = mm_frame_ptr(gt->maptrack_dir[i / GNTTAB_MAPTRACK_PER_DIR]);

        frame_free(dir[i % GNTTAB_MAPTRACK_PER_DIR]);
        if ((i + 1) % GNTTAB_MAPTRACK_PER_DIR == 0 ||
            i + 1 == gt->maptrack_limit / GNTTAB_MAPS_PER_PAGE)
            frame_free(gt->maptrack_dir[i / GNTTAB_MAPTRACK_PER_DIR]);
    }
    d->gnttab = NULL;
    frame_free(self);
}

void gnttab_destroy(struct domain *d)
{
    d->gnttab->dead = true;
    if (!d->gnttab->nr_pinned)
        gnttab_free(d);
}

/* ---- sub-ops on one domain's table ---- */

/* The domain a sub-op names (Xen's rcu_lock_domain_by_any_id), or NULL. */
static struct domain *by_any_id(struct domain *caller, unsigned dom)
{
    return dom == PV_DOMID_SELF ? caller : domain_by_id(dom);
}

/* Xen's XSM_TARGET default: the domain itself, or a privileged one. */
static bool may_act_on(const struct domain *caller, const struct domain *d)
{
    return caller == d || caller->privileged;
}

/* The checks every GNTTABOP on a named domain's table begins with, in Xen's order: the domain,
 * the caller's right to it, its table still there. On PV_GNTST_okay *dp is the domain, its
 * mm_lock held. */
static int16_t lock_table(struct domain *caller, unsigned dom, struct domain **dp)
{
    struct domain *d = by_any_id(caller, dom);

    if (!d)
        return PV_GNTST_bad_domain;
    if (!may_act_on(caller, d))
        return PV_GNTST_permission_denied;
    spin_lock(&d->mm_lock);
    if (gnttab_live(d)) {
        *dp = d;
        return PV_GNTST_okay;
    }
    spin_unlock(&d->mm_lock);
    return PV_GNTST_bad_domain;
}

int16_t gnttab_setup_table(struct domain *caller, unsigned dom, unsigned nr_frames,
                           uint64_t mfns[GNTTAB_MAX_FRAMES])
{
    struct domain *d;
    int16_t rc = lock_table(caller, dom, &d);
    struct gnttab *gt;

    if (rc)
        return rc;
    gt = d->gnttab;
    if (nr_frames > MIN(d->max_grant_frames, GNTTAB_MAX_FRAMES) || !grow(d, gt, nr_frames))
        rc = PV_GNTST_general_error;
    else
        for (unsigned i = 0; i < nr_frames; i++)
            mfns[i] = gt->shared[i];
    spin_unlock(&d->mm_lock);
    return rc;
}

int16_t gnttab_query_size(struct domain *caller, unsigned dom, uint32_t *nr, uint32_t *max)
{
    struct domain *d;
    int16_t rc = lock_table(caller, dom, &d);

    if (rc)
        return rc;
    *nr = d->gnttab->nr_frames;
    *max = d->max_grant_frames;
    spin_unlock(&d->mm_lock);
    return PV_GNTST_okay;
}

/* Does d still have its table (until it is reaped)? Its version then. */
static unsigned version_of(struct domain *d)
{
    unsigned version = 0;

    spin_lock(&d->mm_lock);
    if (gnttab_live(d))
        version = d->gnttab->version;
    spin_unlock(&d->mm_lock);
    return version;
}

int gnttab_get_version(struct domain *caller, unsigned dom, uint32_t *version)
{
    struct domain *d = by_any_id(caller, dom);

    if (!d || !(*version = version_of(d)))
        return -PV_ESRCH;
    return may_act_on(caller, d) ? 0 : -PV_EPERM;
}

int16_t gnttab_get_status_frames(struct domain *caller, unsigned dom, unsigned nr_frames,
                                 uint64_t mfns[GNTTAB_STATUS_FRAMES(GNTTAB_MAX_FRAMES)])
{
    struct domain *d;
    int16_t rc = lock_table(caller, dom, &d);

    if (rc)
        return rc;
    if (nr_frames > d->gnttab->nr_status) /* none in version 1 */
        rc = PV_GNTST_general_error;
    else
        memcpy(mfns, d->gnttab->status, nr_frames * sizeof(mfns[0]));
    spin_unlock(&d->mm_lock);
    return rc;
}

/* Exchange n bytes at a and b. */
static void swap_bytes(void *a, void *b, size_t n)
{
    uint8_t t[sizeof(union pv_grant_entry_v2)];

    memcpy(t, a, n);
    memcpy(a, b, n);
    memcpy(b, t, n);
}

/* Both entries, and with version 2 their status words. */
static int16_t swap_locked(struct gnttab *gt, uint32_t ref_a, uint32_t ref_b)
{
    unsigned nr = gnttab_nr_entries(gt);

    if (ref_a >= nr || ref_b >= nr)
        return PV_GNTST_bad_gntref;
    if (ref_a == ref_b)
        return PV_GNTST_okay;
    if (gnttab_act(gt, ref_a)->pin || gnttab_act(gt, ref_b)->pin)
        return PV_GNTST_eagain;
    swap_bytes(gnttab_hdr(gt, ref_a), gnttab_hdr(gt, ref_b),
               gt->version == 1 ? sizeof(struct pv_grant_entry_v1) : sizeof(union pv_grant_entry_v2));
    if (gt->version == 2)
        swap_bytes(gnttab_status(gt, ref_a), gnttab_status(gt, ref_b), sizeof(uint16_t));
    return PV_GNTST_okay;
}

int16_t gnttab_swap_grant_ref(struct domain *caller, uint32_t ref_a, uint32_t ref_b)
{
    int16_t rc;

    spin_lock(&caller->mm_lock);
    rc = swap_locked(caller->gnttab, ref_a, ref_b);
    spin_unlock(&caller->mm_lock);
    return rc;
}

/* ---- dump_table ---- */

static void dump_locked(const struct domain *d, const struct gnttab *gt)
{
    unsigned nr = gnttab_nr_entries(gt), valid = 0;

    printk("(hv) grant table of domain %u: version %u, %u frames (%u max), %u pinned, %u handles\n",
           d->domid, gt->version, gt->nr_frames, d->max_grant_frames, gt->nr_pinned,
           gt->maptrack_limit);
    for (uint32_t ref = 0; ref < nr; ref++) {
        const struct pv_grant_entry_header *e = gnttab_hdr(gt, ref);
        const struct gnttab_active *act = gnttab_act(gt, ref);

        valid += (e->flags & PV_GTF_type_mask) != PV_GTF_invalid;
        if (act->pin)
            printk("(hv)   ref 0x%x: d%u mfn 0x%lx pin %08x; entry flags 0x%x/0x%x domid %u frame "
                   "0x%lx\n",
                   ref, act->domid, act->mfn, act->pin, e->flags, *gnttab_status(gt, ref),
                   e->domid, gnttab_frame(gt, ref));
    }
    printk("(hv)   %u entries not invalid\n", valid);
}

/* Our addition to the ABI: Xen no longer implements dump_table (its 'g' debug key prints the
 * same pinned-entry report). */
int16_t gnttab_dump_table(struct domain *caller, unsigned dom)
{
    struct domain *d;
    int16_t rc = lock_table(caller, dom, &d);

    if (rc)
        return rc;
    dump_locked(d, d->gnttab);
    spin_unlock(&d->mm_lock);
    return PV_GNTST_okay;
}
