/* Read-only queries on a guest's page tables for code outside the core: the software walk of its
 * 4-level tables (the checked guest accessor, the writable-pagetable emulation, update_va_mapping,
 * grant mappings) and whether a frame is one of its L1 tables in use. */
#include "guest_access.h"
#include "mm.h"
#include "paging.h"

uint64_t *mm_walk_l1e(uint64_t l4_mfn, uint64_t va, uint64_t *l1_mfn, uint64_t *upper_and)
{
    uint64_t mfn = l4_mfn, and = ~0UL;

    if (!guest_range_ok(va, 1))
        return NULL;
    for (unsigned level = 4; level > 1; level--) {
        uint64_t e;

        if (!frame_info(mfn))
            return NULL;
        e = ((const uint64_t *)mm_frame_ptr(mfn))[pt_index(va, level)];
        if (!(e & PTE_P) || (e & PTE_PSE))
            return NULL; /* not present, or a superpage (PV guests have none) */
        and &= e;
        mfn = (e & PTE_ADDR) >> PAGE_SHIFT;
    }
    if (!frame_info(mfn))
        return NULL;
    if (l1_mfn)
        *l1_mfn = mfn;
    if (upper_and)
        *upper_and = and;
    return &((uint64_t *)mm_frame_ptr(mfn))[pt_index(va, 1)];
}

/* Xen's ptwr_do_page_fault (and page_lock) and create_grant_pv_mapping ask the same. */
bool mm_is_l1_table(const struct domain *d, uint64_t mfn)
{
    const struct page_info *pg = frame_info(mfn);

    return pg && pg->owner == d->domid && (pg->type_info & PGT_type_mask) == PGT_l1 &&
           (pg->type_info & PGT_validated) && (pg->type_info & PGT_count_mask);
}
