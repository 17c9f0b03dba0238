/* The L1 entries of grant mappings (mm.h): where one may go, and its installation, check and
 * removal (Xen's create_grant_pv_mapping, replace_grant_pv_mapping, steal_linear_address). */
#include "console.h"
#include "pv-abi/errno.h"
#include "mm_internal.h"
#include "paging.h"

/* The bits that tell a grant entry from any other entry at the same place. */
#define GRANT_PTE_ID (PTE_ADDR | PTE_P | PTE_RW | PTE_GNTTAB)

static bool is_grant(uint64_t e)
{
    return (e & PTE_P) && (e & PTE_GNTTAB);
}

static uint64_t *entry_ptr(uint64_t pte_maddr)
{
    return (uint64_t *)mm_frame_ptr(pte_maddr >> PAGE_SHIFT) + (pte_maddr & (PAGE_SIZE - 1)) / 8;
}

bool mm_grant_pte_ok(const struct domain *d, uint64_t pte_maddr)
{
    return !(pte_maddr & 7) && mm_is_l1_table(d, pte_maddr >> PAGE_SHIFT);
}

uint64_t mm_grant_pte_of_va(const struct vcpu *v, uint64_t va)
{
    uint64_t l1_mfn, maddr;

    if (!v->kernel_l4_mfn || !mm_walk_l1e(v->kernel_l4_mfn, va, &l1_mfn, NULL))
        return 0;
    maddr = (l1_mfn << PAGE_SHIFT) + pt_index(va, 1) * 8;
    return mm_grant_pte_ok(v->domain, maddr) ? maddr : 0;
}

int mm_grant_pte_set(struct domain *d, uint64_t pte_maddr, uint64_t val)
{
    uint64_t *p = entry_ptr(pte_maddr), old = __atomic_load_n(p, __ATOMIC_ACQUIRE);

    BUG_ON(!is_grant(val) || !mm_grant_pte_ok(d, pte_maddr));
    if (is_grant(old))
        return -PV_EBUSY; /* another grant mapping's: only its unmap may remove it */
    /* A foreign mapping's references need its owner's lock, which the grant operation may hold
     * already (the granter): the caller unmaps it first. */
    if (mm_is_foreign_entry(pte_maddr >> PAGE_SHIFT, 1, old))
        return -PV_EBUSY;
    __atomic_store_n(p, mm_adjust_entry(1, val), __ATOMIC_RELEASE);
    mm_put_entry_refs(pte_maddr >> PAGE_SHIFT, 1, old);
    return 0;
}

/* The frame needs to be typed L1 only: while it is, the guest cannot have written it as data,
 * even if no table references it now. */
bool mm_grant_pte_holds(const struct domain *d, uint64_t pte_maddr, uint64_t val)
{
    const struct page_info *pg = frame_info(pte_maddr >> PAGE_SHIFT);

    if ((pte_maddr & 7) || !pg || pg->owner != d->domid ||
        (pg->type_info & PGT_type_mask) != PGT_l1)
        return false;
    return !((__atomic_load_n(entry_ptr(pte_maddr), __ATOMIC_ACQUIRE) ^ val) & GRANT_PTE_ID);
}

uint64_t mm_grant_pte_clear(uint64_t pte_maddr, uint64_t repl)
{
    return __atomic_exchange_n(entry_ptr(pte_maddr), repl, __ATOMIC_ACQ_REL);
}

bool mm_grant_pte_is_grant(uint64_t e)
{
    return is_grant(e);
}

uint64_t mm_grant_pte_take(uint64_t pte_maddr)
{
    return __atomic_exchange_n(entry_ptr(pte_maddr), 0, __ATOMIC_ACQ_REL);
}
