/* Pinned page tables (MMUEXT_PIN_Ln_TABLE, MMUEXT_UNPIN_TABLE) and the release of everything a
 * dead domain's page tables still hold (Xen's do_mmuext_op pin cases, vcpu_destroy_pagetables
 * and relinquish_memory). */
#include "console.h"
#include "pv-abi/errno.h"
#include "mm.h"

/* A pin holds one general and one type reference, taken once: pinning is not nested. */
int mm_pin(struct domain *d, uint64_t mfn, unsigned level)
{
    struct page_info *pg;
    int rc;

    if (level < 1 || level > 4)
        return -PV_EINVAL;
    rc = mm_get_page_and_type(mfn, d, mm_level_type(level));
    if (rc)
        return rc;
    pg = frame_info(mfn);
    if (pg->type_info & PGT_pinned) {
        mm_put_page_and_type(mfn);
        return -PV_EINVAL;
    }
    pg->type_info |= PGT_pinned;
    return 0;
}

int mm_unpin(struct domain *d, uint64_t mfn)
{
    struct page_info *pg;

    if (mm_get_page(mfn, d))
        return -PV_EINVAL;
    pg = frame_info(mfn);
    if (!(pg->type_info & PGT_pinned)) {
        mm_put_page(mfn);
        return -PV_EINVAL;
    }
    pg->type_info &= ~PGT_pinned;
    mm_put_page_and_type(mfn); /* the pin's references */
    mm_put_page(mfn);
    return 0;
}

static void drop_root(uint64_t *mfn)
{
    if (*mfn)
        mm_put_page_and_type(*mfn);
    *mfn = 0;
}

void mm_domain_teardown(struct domain *d)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        if (!d->vcpu[i])
            continue;
        drop_root(&d->vcpu[i]->kernel_l4_mfn);
        drop_root(&d->vcpu[i]->user_l4_mfn);
    }
    for (uint64_t mfn = d->first_page; mfn != FRAME_NONE; mfn = frame_info(mfn)->next) {
        struct page_info *pg = frame_info(mfn);

        if (pg->type_info & PGT_pinned) {
            pg->type_info &= ~PGT_pinned;
            mm_put_page_and_type(mfn);
        }
    }
    /* Roots and pins are where every chain of references starts (linear entries cannot form
     * cycles): with them gone, nothing of the domain may hold a reference any more but other
     * domains' grant mappings. */
    for (uint64_t mfn = d->first_page; mfn != FRAME_NONE; mfn = frame_info(mfn)->next) {
        const struct page_info *pg = frame_info(mfn);

        BUG_ON(pg->count != pg->grant_refs || (pg->type_info & PGT_count_mask) != pg->grant_rw ||
               pg->linear);
    }
}
