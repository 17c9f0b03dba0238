/* The validated guest page-table core (mm.h): general and type references on frames, the 64-bit
 * PV entry rules, validation of tables, and checked entry updates, as one state machine.
 *
 * A frame changes type only when its type count is 0; the first page-table or descriptor
 * reference validates it (every entry takes its references), the last page-table reference
 * releases what its entries hold. An entry update takes the new entry's references before the
 * old one's go. After Xen's get_page/put_page, _get_page_type/_put_page_type, get_page_from_lNe,
 * put_page_from_lNe, promote/demote_lN_table, adjust_guest_lNe and mod_lN_entry; the masks are
 * arch_init_memory's. */
#include "console.h"
#include "logdirty.h"
#include "mm_internal.h"
#include "paging.h"
#include "pv-abi/errno.h"

#define PTE_FLAGS (~PTE_ADDR)
/* What a guest may set at every level (Xen's base_disallow_mask, inverted). PWT, PCD, PSE/PAT and
 * G are refused; L1 entries may use G but not the grant bit, which only grant mappings carry
 * (grant_pte.c): a table holding one is not valid again until that entry is gone. Cache
 * attributes in L1 entries (PWT, PCD, PAT) stay refused until domains can be given I/O memory
 * (Xen's l1_disallow_mask). */
#define PTE_GUEST_OK (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D | PTE_AVAIL | PTE_AVAIL_HIGH | PTE_NX)
#define L1_DISALLOWED ((PTE_FLAGS & ~(PTE_GUEST_OK | PTE_G)) | PTE_GNTTAB)
#define LN_DISALLOWED (PTE_FLAGS & ~PTE_GUEST_OK)
/* Flags an entry may change without new references (Xen's FASTPATH_FLAG_WHITELIST). */
#define PTE_SAME_REFS_MASK (PTE_NX | PTE_AVAIL_HIGH | PTE_AVAIL | PTE_G | PTE_D | PTE_A | PTE_US)
/* An mfn of all ones in the 40-bit field is the guest's way of writing INVALID_MFN. */
#define MFN_FIELD_ALL_ONES (PTE_ADDR >> PAGE_SHIFT)

static uint64_t pte_mfn(uint64_t e)
{
    return (e & PTE_ADDR) >> PAGE_SHIFT;
}

static bool is_table_type(uint32_t type)
{
    return type >= PGT_l1 && type <= PGT_l4;
}

static unsigned type_level(uint32_t type_info)
{
    return (type_info & PGT_type_mask) >> 28; /* 1-4 for PGT_l1..PGT_l4 */
}

/* Not one of the hypervisor's L4 slots, whose guest values are ignored, then overwritten. */
static bool is_guest_slot(unsigned level, unsigned slot)
{
    return level != 4 || slot < HV_L4_FIRST || slot > HV_L4_LAST;
}

static bool is_io_frame(uint64_t mfn);

/* Xen forces _PAGE_USER on every present entry (the guest kernel runs in ring 3), marks L1
 * entries the guest made for its kernel alone, and sets the accessed bit in L4 entries. Xen also
 * makes guest user mappings global; here no guest mapping is global (G is dropped), because the
 * vCPU and kernel/user switches reload %cr3 without flushing global translations. An I/O frame
 * (only dom0's entries reach here with one) asked for as write-back becomes uncached (PCD|PWT),
 * as Xen does without mmio-relax. */
HOT_MM uint64_t mm_adjust_entry(unsigned level, uint64_t e)
{
    if (!(e & PTE_P))
        return e;
    if (level == 1) {
        if (!(e & PTE_US))
            e |= PTE_GUEST_KERNEL | PTE_US;
        if (!(e & (PTE_PWT | PTE_PCD | PTE_PSE)) && is_io_frame(pte_mfn(e)))
            e |= PTE_PCD | PTE_PWT;
        if ((e & PTE_RW) && is_io_frame(pte_mfn(e)) && arch_mmio_ro(pte_mfn(e)))
            e &= ~PTE_RW; /* Xen's mmio_ro_ranges: the mapping is made read-only */
        return e & ~PTE_G;
    }
    return e | PTE_US | (level == 4 ? PTE_A : 0);
}

/* General references. */

static bool ref_get(uint64_t mfn, uint16_t owner)
{
    struct page_info *pg = frame_info(mfn);

    if (!pg || pg->owner != owner || pg->count == UINT32_MAX)
        return false;
    pg->count++;
    return true;
}

HOT_MM int mm_get_page(uint64_t mfn, const struct domain *d)
{
    return ref_get(mfn, d->domid) ? 0 : -PV_EINVAL;
}

/* Inline here: a call on the update path costs a block lookup under TCG (docs/benchmarks.md). */
static inline void put_page(uint64_t mfn)
{
    struct page_info *pg = frame_info(mfn);

    BUG_ON(!pg || !pg->count);
    pg->count--;
}

void mm_put_page(uint64_t mfn)
{
    put_page(mfn);
}

/* The references one entry holds. */

/* I/O memory (Xen's iomem_caps): a domain may map the machine frames outside RAM and those of
 * DOMID_IO (the first MiB, firmware) that its iomem_caps hold (ioport.h), never the interrupt
 * controllers' windows. A domain holding I/O ports or memory may also choose cache attributes
 * (PWT, PCD, PAT) in its L1 entries (Xen's l1_disallowed_mask): does L1 entry e of a table of
 * owner's set a bit it may not? */
static bool l1_disallowed(uint16_t owner, uint64_t e)
{
    struct domain *d;

    if (!(e & L1_DISALLOWED)) /* the common case: no need to find the owner */
        return false;
    d = frame_domain(owner);
    if (d && (!rangeset_is_empty(&d->iomem_caps) || !rangeset_is_empty(&d->ioport_caps)))
        return e & L1_DISALLOWED & ~(PTE_PWT | PTE_PCD | PTE_PSE);
    return true;
}

static bool is_io_frame(uint64_t mfn)
{
    const struct page_info *pg = frame_info(mfn);

    return !pg || pg->owner == DOMID_IO;
}

bool mm_io_frame_ok(struct domain *d, uint64_t mfn)
{
    return d && is_io_frame(mfn) && !mm_io_denied(mfn) &&
           rangeset_contains(&d->iomem_caps, mfn, mfn);
}

/* Foreign mappings (mmu_update with a foreign domain, Xen's pg_owner): an L1 entry of one
 * domain's table maps a frame of another's memory list. Its references are the frame owner's
 * counts, changed under the owner's mm_lock, which is taken after the table owner's (domain locks
 * go by ascending domid, and domain 0 is the only domain that makes foreign mappings). They are
 * counted as held from outside (grant_refs, grant_rw), so the owner's teardown leaves such a frame
 * allocated until the last one goes, which then frees it. A hypervisor frame shared with the
 * owner (its grant table, shared_info) may be mapped too, as Xen's (the domain builder writes the
 * new domain's grant entries so); it is freed at its last reference after mm_unshare_frame.
 * Any failure is Xen's -EBUSY. */
static NOINLINE int get_foreign_refs(struct domain *pg_owner, uint64_t e)
{
    uint64_t mfn = pte_mfn(e);
    int rc = -PV_EBUSY;

    spin_lock(&pg_owner->mm_lock);
    if (!pg_owner->mm_dying && frame_owned_by(pg_owner, mfn) &&
        !mm_get_grant_ref(mfn, pg_owner, e & PTE_RW))
        rc = 0;
    spin_unlock(&pg_owner->mm_lock);
    return rc;
}

/* A shared frame that mm_unshare_frame left to its foreign mappings goes with the last one (a
 * shared frame still shared keeps the hypervisor's own reference). */
static void free_unshared(uint64_t mfn)
{
    struct page_info *pg = frame_info(mfn);

    if (pg->count)
        return;
    BUG_ON(pg->type_info & PGT_count_mask);
    pg->owner = DOMID_HV;
    pg->type_info = PGT_none;
    frame_free(mfn);
}

/* The last writable reference of a foreign frame: the CPUs of the domain that mapped it may still
 * hold the translation, and the owner may make the frame a page table next. */
static NOINLINE void put_foreign_refs(uint16_t table_owner, uint64_t e)
{
    uint64_t mfn = pte_mfn(e);
    struct domain *d = frame_owner(mfn);

    BUG_ON(!d);
    spin_lock(&d->mm_lock);
    mm_put_grant_ref(mfn, e & PTE_RW);
    if ((e & PTE_RW) && !(frame_info(mfn)->type_info & PGT_count_mask))
        mm_flush_tlb(table_owner);
    if (!frame_in_memory_of(d, mfn))
        free_unshared(mfn);
    else if (d->mm_dying)
        frame_release_one(d, mfn); /* frees it once nothing references it */
    spin_unlock(&d->mm_lock);
}

/* An L1 entry maps data: a read-only one takes a general reference, a writable one also the
 * writable type, which a page table or descriptor page in use cannot take. I/O frames take
 * none, and are checked against the page owner's rights (Xen's iomem_access_permitted). A frame
 * of pg_owner (not NULL: another domain than the table's) is a foreign mapping. */
static int get_l1_refs(uint16_t owner, struct domain *pg_owner, uint64_t e)
{
    uint64_t mfn = pte_mfn(e);

    if (l1_disallowed(owner, e)) /* PSE is the PAT bit in an L1 entry */
        return -PV_EINVAL;
    if (mfn == MFN_FIELD_ALL_ONES)
        return -PV_EINVAL;
    if (is_io_frame(mfn)) /* Xen: "non-privileged attempt to map MMIO space" */
        return mm_io_frame_ok(pg_owner ? pg_owner : frame_domain(owner), mfn) ? 0 : -PV_EPERM;
    if (pg_owner)
        return get_foreign_refs(pg_owner, e);
    /* Only the table owner's frames: another domain's frame is mapped with a grant (grant_pte.c)
     * or named with mmu_update's foreign domain. */
    if (!ref_get(mfn, owner))
        return frame_info(mfn)->owner == DOMID_IO ? -PV_EPERM : -PV_EBUSY; /* I/O space: Xen */
    if ((e & PTE_RW) && mm_get_page_type(mfn, PGT_writable)) {
        put_page(mfn);
        return -PV_EBUSY;
    }
    return 0;
}

/* A read-only entry of a level-N table (N >= 2) may map a level-N table (a linear page table):
 * the table itself with no reference, or another validated one with a type reference. Chains
 * stay one step long: a table with linear entries cannot be mapped linearly, and a table mapped
 * linearly cannot take linear entries. */
static NOINLINE int get_linear_refs(uint64_t table_mfn, unsigned level, uint64_t e)
{
    struct page_info *table = frame_info(table_mfn), *pg;
    uint64_t mfn = pte_mfn(e);

    if (e & PTE_RW)
        return -PV_EINVAL;
    if (mfn == table_mfn)
        return 0;
    if (!ref_get(mfn, table->owner))
        return -PV_EINVAL;
    pg = frame_info(mfn);
    if (table->linear < 0 || table->linear == INT16_MAX || pg->linear > 0 ||
        pg->linear == INT16_MIN ||
        (pg->type_info & (PGT_type_mask | PGT_validated)) !=
            (mm_level_type(level) | PGT_validated) ||
        mm_get_page_type(mfn, mm_level_type(level))) {
        put_page(mfn);
        return -PV_EINVAL;
    }
    table->linear++;
    pg->linear--;
    return 0;
}

/* The references entry e of a level-`level` table takes (nothing if it is not present);
 * pg_owner: see get_l1_refs. */
HOT_MM static int get_entry_refs(uint64_t table_mfn, unsigned level, uint64_t e,
                                 struct domain *pg_owner)
{
    uint16_t owner = frame_info(table_mfn)->owner;
    uint64_t mfn = pte_mfn(e);
    int rc;

    if (!(e & PTE_P))
        return 0;
    if (level == 1)
        return get_l1_refs(owner, pg_owner, e);
    if (e & LN_DISALLOWED) /* PSE among them: no superpages */
        return -PV_EINVAL;
    if (!ref_get(mfn, owner))
        return -PV_EINVAL;
    rc = mm_get_page_type(mfn, mm_level_type(level - 1));
    if (rc)
        put_page(mfn);
    if (rc == -PV_EINVAL && !get_linear_refs(table_mfn, level, e))
        rc = 0;
    return rc;
}

/* Drop the type reference an entry of table_mfn holds; a linear one counted on both sides. */
static void put_type_from(uint64_t mfn, uint64_t table_mfn)
{
    struct page_info *pg = frame_info(mfn), *table = frame_info(table_mfn);

    BUG_ON(!pg || !table);
    if ((pg->type_info & PGT_type_mask) == (table->type_info & PGT_type_mask)) {
        BUG_ON(pg->linear >= 0 || table->linear <= 0);
        pg->linear++;
        table->linear--;
    }
    mm_put_page_type(mfn);
}

bool mm_is_foreign_entry(uint64_t table_mfn, unsigned level, uint64_t e)
{
    uint64_t mfn = pte_mfn(e);

    return level == 1 && (e & PTE_P) && !(e & PTE_GNTTAB) && !is_io_frame(mfn) &&
           frame_info(mfn)->owner != frame_info(table_mfn)->owner;
}

HOT_MM void mm_put_entry_refs(uint64_t table_mfn, unsigned level, uint64_t e)
{
    uint64_t mfn = pte_mfn(e);

    if (!(e & PTE_P))
        return;
    if (level == 1 && (e & PTE_D))
        logdirty_mark(mfn); /* written through an entry that goes: not harvested any more */
    if (level == 1 && ((e & PTE_GNTTAB) || is_io_frame(mfn)))
        return; /* a grant mapping holds the references (grant_pte.c); I/O frames have none */
    if (level == 1 && frame_info(mfn)->owner != frame_info(table_mfn)->owner) { /* foreign */
        put_foreign_refs(frame_info(table_mfn)->owner, e);
        return;
    }
    if (level == 1) {
        if (e & PTE_RW)
            mm_put_page_type(mfn);
    } else if (mfn == table_mfn) {
        return; /* the table mapping itself took nothing */
    } else {
        put_type_from(mfn, table_mfn);
    }
    put_page(mfn);
}

/* Whole tables. */

/* Drop the references of the entries below slot n. */
static void put_entries_below(uint64_t mfn, unsigned level, const uint64_t *t, unsigned n)
{
    while (n-- > 0)
        if (is_guest_slot(level, n))
            mm_put_entry_refs(mfn, level, t[n]);
}

/* Take every entry's references, or none (the offending entry's error). */
static int validate_table(uint64_t mfn, unsigned level)
{
    uint64_t *t = mm_frame_ptr(mfn);

    for (unsigned i = 0; i < 512; i++) {
        uint64_t e = t[i];
        int rc;

        if (!is_guest_slot(level, i))
            continue;
        if ((rc = get_entry_refs(mfn, level, e, NULL))) {
            put_entries_below(mfn, level, t, i);
            return rc;
        }
        t[i] = mm_adjust_entry(level, e);
    }
    if (level == 4)
        paging_fill_hv_slots(t);
    return 0;
}

/* Type references. */

/* The first type reference: the frame may change type, and is validated unless it still holds a
 * validated writable or descriptor type from earlier. */
static NOINLINE int get_first_type(uint64_t mfn, struct page_info *pg, uint32_t type)
{
    uint32_t info = pg->type_info;
    int rc;

    if ((info & PGT_type_mask) != type) {
        /* The frame may still be reachable through translations made for its old use (a
         * writable mapping, or walks through it as a table, or a %cr3 kept by an idle CPU):
         * none may survive the change. Also from PGT_none, which a failed validation leaves
         * with the stamp of the frame's last use as a table (a fresh frame's 0 flushes none). */
        mm_flush_tlb_since(pg->owner, pg->tlb_stamp);
        info = type | (type == PGT_writable ? PGT_validated : 0);
    }
    pg->type_info = info + 1;
    if (info & PGT_validated)
        return 0;
    /* The count stays 1 and PGT_validated clear while the entries are checked: any other
     * reference of this type taken meanwhile (a table reaching itself) is refused. */
    pg->linear = 0;
    rc = type == PGT_seg_desc ? mm_validate_seg_desc(mfn) : validate_table(mfn, type_level(type));
    if (rc) {
        pg->type_info = PGT_none; /* every reference the entries took has been dropped */
        return rc;
    }
    pg->type_info |= PGT_validated;
    return 0;
}

HOT_MM int mm_get_page_type(uint64_t mfn, uint32_t type)
{
    struct page_info *pg = frame_info(mfn);
    uint32_t info;

    BUG_ON(!pg || !pg->count);
    BUG_ON(type != PGT_writable && type != PGT_seg_desc && !is_table_type(type));
    info = pg->type_info;
    if ((info & PGT_count_mask) == PGT_count_mask)
        return -PV_EINVAL; /* the type count would overflow */
    if (!(info & PGT_count_mask))
        return get_first_type(mfn, pg, type);
    if ((info & PGT_type_mask) != type || !(info & PGT_validated))
        return -PV_EINVAL; /* in use as something else, or being validated further up */
    pg->type_info = info + 1;
    return 0;
}

HOT_MM void mm_put_page_type(uint64_t mfn)
{
    struct page_info *pg = frame_info(mfn);
    uint32_t info;

    BUG_ON(!pg || !(pg->type_info & PGT_count_mask));
    info = pg->type_info;
    if ((info & PGT_count_mask) == 1) {
        /* A pin holds a type reference: the last one cannot go while the frame is pinned. */
        BUG_ON(info & PGT_pinned);
        if (is_table_type(info & PGT_type_mask) && (info & PGT_validated)) {
            logdirty_mark(mfn); /* the CPU's accessed and dirty bits since the last harvest */
            pg->type_info = info & ~PGT_validated;
            put_entries_below(mfn, type_level(info), mm_frame_ptr(mfn), 512);
            /* Linear uses hold type references, and every linear entry was just dropped. */
            BUG_ON(pg->linear);
            info &= ~PGT_validated; /* the type stays until the next first reference */
        }
        pg->tlb_stamp = mm_tlb_stamp(); /* after the entries that used it were changed */
    }
    pg->type_info = info - 1;
}

int mm_get_page_and_type(uint64_t mfn, const struct domain *d, uint32_t type)
{
    uint32_t info;
    bool fresh_l4;
    int rc;

    if (mm_get_page(mfn, d))
        return -PV_EINVAL;
    info = frame_info(mfn)->type_info; /* an L4 validated now, not one that already was */
    fresh_l4 = type == PGT_l4 && ((info & PGT_type_mask) != PGT_l4 || !(info & PGT_validated));
    if ((rc = mm_get_page_type(mfn, type)))
        put_page(mfn);
    else if (fresh_l4)
        mm_m2p_validated_l4(d, mfn);
    return rc;
}

void mm_put_page_and_type(uint64_t mfn)
{
    mm_put_page_type(mfn);
    put_page(mfn);
}

/* Checked entry updates. */

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
 * dropped, so an entry replaced by one mapping the same frame never releases it in between. An
 * entry that keeps its frame, presence, access and caching keeps its references. */
static int mod_table_entry(uint64_t mfn, unsigned level, unsigned slot, uint64_t val,
                           bool preserve_ad, struct domain *pg_owner)
{
    uint64_t *p = (uint64_t *)mm_frame_ptr(mfn) + slot;
    uint64_t old = __atomic_load_n(p, __ATOMIC_ACQUIRE);
    bool same_refs = (val & PTE_P) && !((old ^ val) & ~PTE_SAME_REFS_MASK);
    int rc;

    if (!is_guest_slot(level, slot))
        return -PV_EINVAL;
    if (level == 1 && (old & PTE_P) && (old & PTE_GNTTAB))
        return -PV_EINVAL; /* a grant mapping changes through the grant table only */
    if ((val & PTE_P) &&
        (level == 1 ? l1_disallowed(frame_info(mfn)->owner, val) : !!(val & LN_DISALLOWED)))
        return -PV_EINVAL;
    if (!same_refs && (rc = get_entry_refs(mfn, level, val, level == 1 ? pg_owner : NULL)))
        return rc;
    store_entry(p, old, mm_adjust_entry(level, val), preserve_ad);
    logdirty_mark(mfn);
    if (level == 1 && (old & PTE_P) && (old & PTE_D) && same_refs)
        logdirty_mark(pte_mfn(old)); /* (a changed entry reports it as its references go) */
    if (!same_refs)
        mm_put_entry_refs(mfn, level, old);
    return 0;
}

int mm_write_as(uint64_t mfn, uint32_t type, unsigned slot, uint64_t val)
{
    if (mm_get_page_type(mfn, type))
        return -PV_EINVAL;
    __atomic_store_n((uint64_t *)mm_frame_ptr(mfn) + slot, val, __ATOMIC_RELEASE);
    logdirty_mark(mfn);
    mm_put_page_type(mfn);
    return 0;
}

/* A frame in no page-table use is written as plain memory, as Xen does, if it can take the
 * writable type: a descriptor page cannot (it changes through update_descriptor only). */
HOT_MM int mm_mod_entry_foreign(struct domain *d, struct domain *pg_owner, uint64_t pte_maddr,
                                uint64_t val, bool preserve_ad)
{
    uint64_t mfn = pte_maddr >> PAGE_SHIFT;
    unsigned slot = (pte_maddr & (PAGE_SIZE - 1)) / 8;
    uint32_t info;
    int rc;

    if ((pte_maddr & 7) || mm_get_page(mfn, d))
        return -PV_EINVAL;
    info = frame_info(mfn)->type_info;
    if ((info & PGT_count_mask) && (info & PGT_validated) && is_table_type(info & PGT_type_mask))
        rc = mod_table_entry(mfn, type_level(info), slot, val, preserve_ad,
                             pg_owner == d ? NULL : pg_owner);
    else
        rc = mm_write_as(mfn, PGT_writable, slot, val);
    put_page(mfn);
    return rc;
}

int mm_mod_entry(struct domain *d, uint64_t pte_maddr, uint64_t val, bool preserve_ad)
{
    return mm_mod_entry_foreign(d, NULL, pte_maddr, val, preserve_ad);
}

/* References held from outside the domain's page tables. */

int mm_get_grant_ref(uint64_t mfn, const struct domain *d, bool writable)
{
    struct page_info *pg = frame_info(mfn);

    if (!pg || pg->grant_refs == UINT16_MAX || !ref_get(mfn, d->domid))
        return -PV_EINVAL;
    if (writable && mm_get_page_type(mfn, PGT_writable)) {
        put_page(mfn);
        return -PV_EBUSY;
    }
    pg->grant_refs++;
    pg->grant_rw += writable;
    return 0;
}

void mm_put_grant_ref(uint64_t mfn, bool writable)
{
    struct page_info *pg = frame_info(mfn);

    BUG_ON(!pg || !pg->grant_refs || (writable && !pg->grant_rw));
    pg->grant_refs--;
    if (writable) {
        pg->grant_rw--;
        mm_put_page_type(mfn);
    }
    put_page(mfn);
}

void mm_share_frame(struct domain *d, uint64_t mfn)
{
    struct page_info *pg = frame_info(mfn);

    BUG_ON(!pg || pg->owner != DOMID_HV || pg->count || (pg->type_info & PGT_count_mask));
    frame_note_owner(d);
    pg->owner = d->domid;
    pg->count = 1;
    pg->type_info = PGT_writable | PGT_validated | 1;
}

bool mm_shared_frame_mapped(uint64_t mfn)
{
    return frame_info(mfn)->count > 1; /* the hypervisor's reference, and others */
}

bool mm_unshare_frame(struct domain *d, uint64_t mfn)
{
    struct page_info *pg = frame_info(mfn);

    /* Only the hypervisor's own references and other domains' foreign mappings may be left once
     * the page tables are gone. */
    BUG_ON(!pg || pg->owner != d->domid || pg->count != 1u + pg->grant_refs ||
           pg->type_info != (PGT_writable | PGT_validated | (1u + pg->grant_rw)));
    if (pg->grant_refs) { /* freed by the last foreign unmap (put_foreign_refs) */
        pg->count--;
        pg->type_info--;
        return false;
    }
    pg->owner = DOMID_HV;
    pg->count = 0;
    pg->type_info = PGT_none;
    return true;
}
