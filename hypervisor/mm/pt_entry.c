/* The 64-bit PV page-table entry rules: which entries a validated table may hold, the references
 * each one takes, and the flags the hypervisor forces (Xen's get_page_from_lNe, put_page_from_lNe,
 * promote_lN_table, demote_lN_table and adjust_guest_lNe; masks from arch_init_memory). */
#include "console.h"
#include "pv-abi/errno.h"
#include "mm.h"
#include "paging.h"

#define PTE_FLAGS (~PTE_ADDR)

/* What a guest may set at every level (Xen's base_disallow_mask, inverted). PWT, PCD, PSE/PAT and
 * G are refused; L1 entries may use G but not the grant bit, which only grant mappings carry
 * (grant_pte.c): a table holding one is not valid again until that entry is gone. Cache
 * attributes in L1 entries (PWT, PCD, PAT) stay refused until domains can be given I/O memory
 * (Xen's l1_disallow_mask). */
#define PTE_GUEST_OK (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D | PTE_AVAIL | PTE_AVAIL_HIGH | PTE_NX)
#define L1_DISALLOWED ((PTE_FLAGS & ~(PTE_GUEST_OK | PTE_G)) | PTE_GNTTAB)
#define LN_DISALLOWED (PTE_FLAGS & ~PTE_GUEST_OK)

/* An mfn of all ones in the 40-bit field is the guest's way of writing INVALID_MFN. */
#define MFN_FIELD_ALL_ONES (PTE_ADDR >> PAGE_SHIFT)

static uint64_t pte_mfn(uint64_t e)
{
    return (e & PTE_ADDR) >> PAGE_SHIFT;
}

uint64_t mm_disallowed_flags(unsigned level)
{
    return level == 1 ? L1_DISALLOWED : LN_DISALLOWED;
}

bool mm_is_guest_slot(unsigned level, unsigned slot)
{
    return level != 4 || slot < HV_L4_FIRST || slot > HV_L4_LAST;
}

/* Xen forces _PAGE_USER on every present entry (the guest kernel runs in ring 3), marks L1
 * entries the guest made for its kernel alone, and sets the accessed bit in L4 entries. Xen also
 * makes guest user mappings global; here no guest mapping is global (G is dropped), because the
 * vCPU and kernel/user switches reload %cr3 without flushing global translations. */
uint64_t mm_adjust_entry(unsigned level, uint64_t e)
{
    if (!(e & PTE_P))
        return e;
    if (level == 1) {
        if (!(e & PTE_US))
            e |= PTE_GUEST_KERNEL | PTE_US;
        return e & ~PTE_G;
    }
    return e | PTE_US | (level == 4 ? PTE_A : 0);
}

/* An L1 entry maps data: a read-only one takes a general reference, a writable one also the
 * writable type, which a page table or descriptor page in use cannot take. */
static int get_l1_refs(uint16_t owner, uint64_t e)
{
    uint64_t mfn = pte_mfn(e);

    if (e & L1_DISALLOWED)
        return -PV_EINVAL;
    if (!frame_info(mfn)) /* not RAM the hypervisor manages: MMIO, which no domain may map yet */
        return mfn == MFN_FIELD_ALL_ONES ? -PV_EINVAL : -PV_EPERM;
    /* Only the table owner's frames: another domain's frame is mapped with a grant (grant_pte.c)
     * and foreign mappings (mmu_update's page owner) would pass that domain here. */
    if (!mm_ref_get(mfn, owner))
        return frame_info(mfn)->owner == DOMID_IO ? -PV_EPERM : -PV_EBUSY; /* I/O space: Xen */
    if ((e & PTE_RW) && mm_get_page_type(mfn, PGT_writable)) {
        mm_put_page(mfn);
        return -PV_EBUSY;
    }
    return 0;
}

/* A read-only entry of a level-N table (N >= 2) may map a level-N table (a linear page table):
 * the table itself with no reference, or another validated one with a type reference. Chains
 * stay one step long: a table with linear entries cannot be mapped linearly, and a table mapped
 * linearly cannot take linear entries. */
static int get_linear_refs(uint64_t table_mfn, unsigned level, uint64_t e)
{
    struct page_info *table = frame_info(table_mfn), *pg;
    uint64_t mfn = pte_mfn(e);

    if (e & PTE_RW)
        return -PV_EINVAL;
    if (mfn == table_mfn)
        return 0;
    if (!mm_ref_get(mfn, table->owner))
        return -PV_EINVAL;
    pg = frame_info(mfn);
    if (table->linear < 0 || table->linear == INT16_MAX || pg->linear > 0 ||
        pg->linear == INT16_MIN ||
        (pg->type_info & (PGT_type_mask | PGT_validated)) !=
            (mm_level_type(level) | PGT_validated) ||
        mm_get_page_type(mfn, mm_level_type(level))) {
        mm_put_page(mfn);
        return -PV_EINVAL;
    }
    table->linear++;
    pg->linear--;
    return 0;
}

int mm_get_entry_refs(uint64_t table_mfn, unsigned level, uint64_t e)
{
    uint16_t owner = frame_info(table_mfn)->owner;
    uint64_t mfn = pte_mfn(e);
    int rc;

    if (!(e & PTE_P))
        return 0;
    if (level == 1)
        return get_l1_refs(owner, e);
    if (e & LN_DISALLOWED) /* PSE among them: no superpages */
        return -PV_EINVAL;
    if (!mm_ref_get(mfn, owner))
        return -PV_EINVAL;
    rc = mm_get_page_type(mfn, mm_level_type(level - 1));
    if (rc)
        mm_put_page(mfn);
    if (rc == -PV_EINVAL && !get_linear_refs(table_mfn, level, e))
        rc = 0;
    return rc;
}

void mm_put_entry_refs(uint64_t table_mfn, unsigned level, uint64_t e)
{
    uint64_t mfn = pte_mfn(e);

    if (!(e & PTE_P))
        return;
    if (level == 1 && (e & PTE_GNTTAB))
        return; /* the grant mapping holds the references (grant_pte.c) */
    if (level == 1) {
        if (e & PTE_RW)
            mm_put_page_type(mfn);
    } else if (mfn == table_mfn) {
        return; /* the table mapping itself took nothing */
    } else {
        mm_put_page_type_from(mfn, table_mfn);
    }
    mm_put_page(mfn);
}

/* Drop the references of the entries below slot n. */
static void put_entries_below(uint64_t mfn, unsigned level, const uint64_t *t, unsigned n)
{
    while (n-- > 0)
        if (mm_is_guest_slot(level, n))
            mm_put_entry_refs(mfn, level, t[n]);
}

int mm_validate_table(uint64_t mfn, unsigned level)
{
    uint64_t *t = mm_frame_ptr(mfn);

    /* The guest's values in the hypervisor slots of an L4 are ignored, then overwritten. */
    for (unsigned i = 0; i < 512; i++) {
        uint64_t e = t[i];
        int rc;

        if (!mm_is_guest_slot(level, i))
            continue;
        rc = mm_get_entry_refs(mfn, level, e);
        if (rc) {
            put_entries_below(mfn, level, t, i);
            return rc;
        }
        t[i] = mm_adjust_entry(level, e);
    }
    if (level == 4)
        paging_fill_hv_slots(t);
    return 0;
}

void mm_release_table(uint64_t mfn, unsigned level)
{
    put_entries_below(mfn, level, mm_frame_ptr(mfn), 512);
}
