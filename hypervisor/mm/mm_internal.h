/* Declarations shared by the files of mm/ only (and by the host tests of the page-table core). */
#ifndef HV_MM_INTERNAL_H
#define HV_MM_INTERNAL_H
#include "mm.h"

static inline uint32_t mm_level_type(unsigned level)
{
    return level << 28; /* PGT_l1..PGT_l4 */
}

/* page_table.c: the flags forced on a stored entry of a level-`level` table, and the release of
 * the references one entry holds (nothing for a grant entry, which holds none of its own). */
uint64_t mm_adjust_entry(unsigned level, uint64_t e);
void mm_put_entry_refs(uint64_t table_mfn, unsigned level, uint64_t e);
/* Is e, an entry of a level-`level` table, a foreign mapping (a present L1 entry mapping memory
 * of another domain than the table's, not a grant mapping)? */
bool mm_is_foreign_entry(uint64_t table_mfn, unsigned level, uint64_t e);
/* Write one 8-byte word (slot) of a frame the caller holds a general reference on, as a frame of
 * that type: -PV_EINVAL, nothing written, if it cannot take the type. */
int mm_write_as(uint64_t mfn, uint32_t type, unsigned slot, uint64_t val);

/* paging.c: copy the hypervisor's L4 slots 256-271 into a guest L4 (mapped at l4); and map
 * (present) or unmap the read-only M2P's slot of a guest L4 (VMASST_TYPE_m2p_strict). */
void paging_fill_hv_slots(uint64_t *l4);
void paging_m2p_slot(uint64_t *l4, bool present);

/* pin.c: Xen's VMASST_TYPE_m2p_strict rule for an L4 (mfn) that was just validated: the M2P
 * slot stays only under m2p_strict (without it, an L4 gets the slot when it becomes a kernel
 * root). */
void mm_m2p_validated_l4(const struct domain *d, uint64_t mfn);

/* descriptor.c: audit all 512 descriptors of a frame taking the descriptor type (0 or
 * -PV_EINVAL), and Xen's 64-bit PV audit of one GDT/LDT descriptor: not-present ones and
 * code/data segments are accepted (DPL raised to 3), 64-bit call gates only to a guest or the
 * flat kernel code selector (their DPL moves to the selector's RPL and becomes 0, so using one
 * traps for emulation); every other system descriptor is refused. Rewrites *desc; 0 or
 * -PV_EINVAL. */
int mm_validate_seg_desc(uint64_t mfn);
int mm_check_descriptor(uint64_t *desc);

#endif
