/* The validated page-table core of the PV MMU: general and type references on machine frames,
 * validation of guest page tables and descriptor pages, pinning, checked entry updates, and the
 * release of everything a dead domain still holds. Xen's model (xen/arch/x86/mm.c) for 64-bit PV
 * guests only, without preemption.
 *
 * Every frame has a general count (who may still use it at all) and a type with a type count
 * (frame.h). A frame holds one type at a time: writable (mapped RW somewhere), L1..L4 page table,
 * or segment descriptors. The type can change only while the type count is 0; the first reference
 * of a page-table or descriptor type validates the frame, the last page-table reference releases
 * what its entries hold. Results are 0 or a negative errno from pv-abi/errno.h. One CPU runs
 * guests and hypercalls in this version: nothing here takes a lock. */
#ifndef HV_MM_H
#define HV_MM_H
#include "domain.h"
#include "frame.h"

/* General reference on a frame owned by d (-PV_EINVAL if it is not, or the count is full). */
int mm_get_page(uint64_t mfn, const struct domain *d);
void mm_put_page(uint64_t mfn);

/* Type reference: type is PGT_writable, PGT_l1..PGT_l4 or PGT_seg_desc. -PV_EINVAL if the frame
 * holds another type with a non-zero count; a validation failure returns the offending entry's
 * error after undoing every reference taken. The caller holds a general reference. */
int mm_get_page_type(uint64_t mfn, uint32_t type);
void mm_put_page_type(uint64_t mfn);
/* Both at once (-PV_EINVAL if mfn is not d's), and their release. set_gdt and the LDT take
 * PGT_seg_desc this way for each frame they use. */
int mm_get_page_and_type(uint64_t mfn, const struct domain *d, uint32_t type);
void mm_put_page_and_type(uint64_t mfn);

/* MMUEXT_PIN_L<level>_TABLE: validate and hold the frame as a page table of that level until
 * unpinned. -PV_EINVAL: bad level, not d's frame, wrong type, or already pinned. */
int mm_pin(struct domain *d, uint64_t mfn, unsigned level);
/* MMUEXT_UNPIN_TABLE. -PV_EINVAL: not d's frame or not pinned. */
int mm_unpin(struct domain *d, uint64_t mfn);

/* MMU_NORMAL_PT_UPDATE (MMU_PT_UPDATE_PRESERVE_AD with preserve_ad): write val to the 8-byte
 * entry at machine address pte_maddr, which must be 8-byte aligned in a frame of d. In a frame in
 * use as a page table the new entry is validated and its references taken before the old one's
 * are dropped; a frame with no page-table or descriptor use is written as plain memory, as Xen
 * does. -PV_EINVAL: unaligned, not d's frame, descriptor page, hypervisor L4 slot, bad flags;
 * other errors as for validation. */
int mm_mod_entry(struct domain *d, uint64_t pte_maddr, uint64_t val, bool preserve_ad);
/* The same with mmu_update's foreign domain (Xen's pg_owner; NULL or d: d itself): a new L1
 * entry maps a frame of pg_owner's memory list, or is refused with -PV_EBUSY (another owner's
 * frame, the hypervisor's, pg_owner's memory going away, or a writable mapping of a frame in use
 * as a page table or descriptor page); I/O frames need pg_owner's I/O rights. Call with d's
 * mm_lock held and not pg_owner's (taken here), and d's domid below pg_owner's. Such an entry
 * holds references counted as from outside pg_owner (as a grant mapping's): pg_owner's frame
 * stays allocated until it goes, even after pg_owner's teardown. */
int mm_mod_entry_foreign(struct domain *d, struct domain *pg_owner, uint64_t pte_maddr,
                         uint64_t val, bool preserve_ad);

/* Drop the vCPUs' page-table roots and every pin of a domain that will not run again, so that
 * every count of its frames is 0 before its frames go back to the free pool, except for the
 * references other domains' grant and foreign mappings hold (checked); sets d->mm_dying. Its descriptor tables and its own
 * grant mappings must have let go first. */
void mm_domain_teardown(struct domain *d);

/* The references a grant mapping holds on a frame of d (common/grant_*.c): a general one, and
 * for a writable mapping the writable type, which a page table or descriptor page in use cannot
 * take. They are counted apart (grant_refs, grant_rw) so that teardown can tell them from the
 * domain's own. -PV_EINVAL if mfn is not d's or a count is full, -PV_EBUSY if it cannot be
 * writable. */
int mm_get_grant_ref(uint64_t mfn, const struct domain *d, bool writable);
void mm_put_grant_ref(uint64_t mfn, bool writable);

/* L1 entries of grant mappings carry PTE_GNTTAB and hold no references of their own (the grant
 * does). mm_mod_entry neither creates nor changes them, validation refuses them, and releasing
 * an L1 table skips them; they change only through these (grant_pte.c).
 * mm_grant_pte_of_va: the machine address of the L1 entry that maps va in v's kernel page
 * tables, or 0 if none of v's validated L1 tables holds it.
 * mm_grant_pte_ok: is pte_maddr an 8-byte aligned entry of one of d's validated L1 tables? */
uint64_t mm_grant_pte_of_va(const struct vcpu *v, uint64_t va);
bool mm_grant_pte_ok(const struct domain *d, uint64_t pte_maddr);
/* Write grant entry val at a location mm_grant_pte_ok accepted; the entry it replaces loses its
 * references. -PV_EBUSY (nothing changed) if that entry is itself a grant entry. */
int mm_grant_pte_set(struct domain *d, uint64_t pte_maddr, uint64_t val);
/* Does pte_maddr still hold grant entry val (same frame, presence, RW; in a frame of d still
 * typed as an L1 table)? mm_grant_pte_clear then writes repl there (0, or an entry moved by
 * mm_grant_pte_take) and returns what it replaced, with the CPU's accessed bit. */
bool mm_grant_pte_holds(const struct domain *d, uint64_t pte_maddr, uint64_t val);
uint64_t mm_grant_pte_clear(uint64_t pte_maddr, uint64_t repl);
/* unmap_and_replace: remove the entry at a checked location and return it, with the references
 * it holds (none for a grant entry: mm_grant_pte_is_grant), for mm_grant_pte_clear to put
 * elsewhere. */
uint64_t mm_grant_pte_take(uint64_t pte_maddr);
bool mm_grant_pte_is_grant(uint64_t e);

/* A hypervisor frame the domain may map like its own memory (shared_info), as Xen's
 * share_xen_page_with_guest: owned by d, outside its memory list, and holding a general and a
 * writable type reference of the hypervisor's (so it never becomes a page table). Unshared
 * after mm_domain_teardown, when nothing but other domains' foreign mappings may hold a
 * reference: true if the frame is the hypervisor's again (the caller frees it), false if foreign
 * mappings still hold it (it stays d's and is freed at their last unmap). */
void mm_share_frame(struct domain *d, uint64_t mfn);
bool mm_unshare_frame(struct domain *d, uint64_t mfn);
/* Does anything map shared frame mfn (its owner, or another domain)? Under the owner's lock. */
bool mm_shared_frame_mapped(uint64_t mfn);

/* update_descriptor: write one audited descriptor at machine address maddr (8-byte aligned) of
 * d's frame, which must be a descriptor page or usable as writable memory. */
int mm_update_descriptor(struct domain *d, uint64_t maddr, uint64_t desc);

/* I/O memory (Xen's iomem_access_permitted): may d map mfn, a frame outside RAM or of DOMID_IO
 * that its iomem_caps hold and not mm_io_denied? (d may be NULL: no.) */
bool mm_io_frame_ok(struct domain *d, uint64_t mfn);
/* The IO-APIC page and the local APIC / MSI window: the hypervisor's, never a domain's (Xen's
 * deny list; XENMEM_machine_memory_map shows them reserved). */
#define MM_IOAPIC_MFN 0xfec00UL
#define MM_MSI_FIRST_MFN 0xfee00UL
#define MM_MSI_LAST_MFN 0xfeeffUL
static inline bool mm_io_denied(uint64_t mfn)
{
    return mfn == MM_IOAPIC_MFN || (mfn >= MM_MSI_FIRST_MFN && mfn <= MM_MSI_LAST_MFN);
}

/* Hooks the hypervisor implements and host unit tests replace: the hypervisor's mapping of a
 * frame (mm_frame_ptr.h: each build finds its own), and (paging.c) the flush of stale
 * translations of owner's frames before one of them changes type (owner DOMID_FREE: of frames
 * that were free, whoever mapped them, before the allocator hands them out). */
#include "mm_frame_ptr.h"
void mm_flush_tlb(uint16_t owner);
/* The same for translations left by an event stamped `stamp` (of mm_tlb_stamp): only CPUs that
 * have not reloaded %cr3 since. A CPU idling with the owner's page tables still loaded counts as
 * holding its translations, and a flush makes it load the idle ones. */
void mm_flush_tlb_since(uint16_t owner, uint64_t stamp);
uint64_t mm_tlb_stamp(void);

/* Walk the page tables under l4_mfn for va (walk.c): a pointer to the L1 entry that maps it (and
 * the L1 table's mfn, and the AND of the upper levels' flags), or NULL if va is outside the guest
 * part, an upper level is not present, or is a superpage. */
uint64_t *mm_walk_l1e(uint64_t l4_mfn, uint64_t va, uint64_t *l1_mfn, uint64_t *upper_and);
/* Is mfn one of d's frames, validated and in use as an L1 table (walk.c)? */
bool mm_is_l1_table(const struct domain *d, uint64_t mfn);

/* Page-table entry bits beyond paging.h's, as Xen names them for 64-bit PV guests. */
#define PTE_AVAIL (7UL << 9)           /* bits 9-11: the guest's own */
#define PTE_AVAIL_HIGH (0x7ffUL << 52) /* bits 52-62: the guest's own, except as below */
#define PTE_GUEST_KERNEL (1UL << 52)   /* set on L1 entries the guest made without _PAGE_USER */
#define PTE_GNTTAB (1UL << 62)         /* L1: a grant mapping (grant_pte.c) */

#endif
