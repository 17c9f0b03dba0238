/* Checked writes of one page-table entry (mmu_update's MMU_NORMAL_PT_UPDATE and
 * MMU_PT_UPDATE_PRESERVE_AD; Xen's do_mmu_update and mod_l1_entry..mod_l4_entry). */
#include "console.h"
#include "pv-abi/errno.h"
#include "mm.h"
#include "paging.h"

/* Flags an entry may change without new references (Xen's FASTPATH_FLAG_WHITELIST). */
#define PTE_SAME_REFS_MASK (PTE_NX | PTE_AVAIL_HIGH | PTE_AVAIL | PTE_G | PTE_D | PTE_A | PTE_US)

/* One 8-byte store, so the CPU never walks a half-written entry. With preserve_ad the accessed
 * and dirty bits the CPU set in the old entry are kept: if it sets more while we write, retry. */
static void store_entry(uint64_t *p, uint64_t old, uint64_t val, bool preserve_ad)
{
    uint64_t seen = old;

    if (!preserve_ad) {
        __atomic_store_n(p, val, __ATOMIC_RELEASE);
        return;
    }
    while (!__atomic_compare_exchange_n(p, &seen, val | (seen & (PTE_A | PTE_D)), false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        BUG_ON((seen ^ old) & ~(PTE_A | PTE_D)); /* only the CPU writes here meanwhile */
}

/* An entry of a validated table: the new value's references are taken before the old one's are
 * dropped, so an entry replaced by one mapping the same frame never releases it in between. */
static int mod_table_entry(uint64_t mfn, unsigned level, unsigned slot, uint64_t val,
                           bool preserve_ad)
{
    uint64_t *p = (uint64_t *)mm_frame_ptr(mfn) + slot;
    uint64_t old = __atomic_load_n(p, __ATOMIC_ACQUIRE);
    int rc;

    if (!mm_is_guest_slot(level, slot))
        return -PV_EINVAL;
    if (level == 1 && (old & PTE_P) && (old & PTE_GNTTAB))
        return -PV_EINVAL; /* a grant mapping changes through the grant table only */
    if (val & PTE_P) {
        if (val & mm_disallowed_flags(level))
            return -PV_EINVAL;
        if (!((old ^ val) & ~PTE_SAME_REFS_MASK)) {
            /* Same frame, same presence, access and caching: the references stay. */
            store_entry(p, old, mm_adjust_entry(level, val), preserve_ad);
            return 0;
        }
        rc = mm_get_entry_refs(mfn, level, val);
        if (rc)
            return rc;
    }
    store_entry(p, old, mm_adjust_entry(level, val), preserve_ad);
    mm_put_entry_refs(mfn, level, old);
    return 0;
}

/* A frame in no page-table or descriptor use is plain memory of the domain, written as such if
 * it can take the writable type. */
static int write_plain(uint64_t mfn, unsigned slot, uint64_t val)
{
    if (mm_get_page_type(mfn, PGT_writable))
        return -PV_EINVAL;
    __atomic_store_n((uint64_t *)mm_frame_ptr(mfn) + slot, val, __ATOMIC_RELEASE);
    mm_put_page_type(mfn);
    return 0;
}

int mm_mod_entry(struct domain *d, uint64_t pte_maddr, uint64_t val, bool preserve_ad)
{
    uint64_t mfn = pte_maddr >> PAGE_SHIFT;
    unsigned slot = (pte_maddr & (PAGE_SIZE - 1)) / 8;
    uint32_t info, type;
    int rc;

    if ((pte_maddr & 7) || mm_get_page(mfn, d))
        return -PV_EINVAL;
    info = frame_info(mfn)->type_info;
    type = info & PGT_type_mask;
    if (!(info & PGT_count_mask) || !(info & PGT_validated))
        rc = write_plain(mfn, slot, val);
    else if (type >= PGT_l1 && type <= PGT_l4)
        rc = mod_table_entry(mfn, type >> 28, slot, val, preserve_ad);
    else if (type == PGT_writable)
        rc = write_plain(mfn, slot, val);
    else
        rc = -PV_EINVAL; /* descriptors change through update_descriptor only */
    mm_put_page(mfn);
    return rc;
}
