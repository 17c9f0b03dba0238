/* Machine frames: the frame table (owner, type, counts per frame) and the free pool. */
#ifndef HV_FRAME_H
#define HV_FRAME_H
#include "types.h"

#define FRAME_NONE (~0UL)
#define DOMID_FREE 0x7ff0 /* frame is in the free pool */
#define DOMID_HV 0x7ff2   /* frame belongs to the hypervisor (DOMID_XEN) */
#define DOMID_IO 0x7ff1   /* firmware and device space: the first MiB and non-RAM (DOMID_IO) */

struct domain;

/* type_info, after Xen's PGT_*: the page type (bits 30-28), pinned (bit 31), validated (bit 27:
 * the contents were checked for the current type) and the type count (bits 26-0). */
#define PGT_none (0U << 28)
#define PGT_l1 (1U << 28)
#define PGT_l2 (2U << 28)
#define PGT_l3 (3U << 28)
#define PGT_l4 (4U << 28)
#define PGT_seg_desc (5U << 28)
#define PGT_writable (7U << 28)
#define PGT_type_mask (7U << 28)
#define PGT_pinned (1U << 31)
#define PGT_validated (1U << 27)
#define PGT_count_mask ((1U << 27) - 1)

/* One entry per machine frame. [frame] fields change only under the frame allocator. */
struct page_info {
    uint64_t next;      /* [frame] next mfn in the free list or the owner's list, FRAME_NONE ends */
    uint64_t prev;      /* [frame] previous mfn in the owner's list, FRAME_NONE at the head */
    uint32_t count;     /* general reference count (mappings, pins) */
    uint32_t type_info; /* page type and type count (used by the PV MMU) */
    uint16_t owner;     /* domid, DOMID_FREE or DOMID_HV */
    int16_t linear;     /* [mm] page tables: > 0 linear entries it holds, < 0 its linear uses */
    uint16_t grant_refs; /* [mm] general references held from outside the owner: grant mappings
                            and other domains' foreign mappings (in count) */
    uint16_t grant_rw;   /* [mm] writable type references held by them (in the type count) */
    uint64_t tlb_stamp;  /* [mm] TLB flush clock when the type count last fell to 0 (a type
                            change flushes only CPUs that have not flushed since); [frame] in
                            the pool: when the frame was freed (its allocation flushes so) */
};

/* Take over a frame table of nr_frames entries; every frame starts owned by the hypervisor. */
void frame_init(struct page_info *table, uint64_t nr_frames);
/* Give [first, first+count) to the free pool. */
void frame_add_free(uint64_t first, uint64_t count);
/* An mfn owned by the hypervisor, or FRAME_NONE. The allocators return a frame only after every
 * CPU that may still translate to it (it was freed since that CPU's last flush) has flushed. */
uint64_t frame_alloc(void);
/* 2^order contiguous frames, aligned to their size and below frame `limit`, owned by the
 * hypervisor: the first mfn, or FRAME_NONE (XENMEM_exchange's machine-contiguous extents). */
uint64_t frame_alloc_run(unsigned order, uint64_t limit);
void frame_free(uint64_t mfn); /* back to the pool (must not be owned by a domain) */
uint64_t frame_free_count(void);
extern struct page_info *frame_tab; /* frame_nr entries, set by frame_init */
extern uint64_t frame_nr;           /* machine frames (the table's entries) */
/* NULL if mfn is beyond the table; inline: the page-table paths look frames up many times. */
static inline struct page_info *frame_info(uint64_t mfn)
{
    return mfn < frame_nr ? &frame_tab[mfn] : NULL;
}

/* Ownership: give a hypervisor frame to d (counts against d->tot_pages), and take all back.
 * frame_release_all frees every frame of d that nothing references any more; frames still
 * referenced (other domains' grant mappings of a dead domain's memory) stay d's until their last
 * reference goes, when the holder calls frame_release_one (which does nothing for a frame
 * still referenced or not on d's list). */
void frame_assign(struct domain *d, uint64_t mfn);
void frame_release_all(struct domain *d);
void frame_release_one(struct domain *d, uint64_t mfn);
/* Is mfn a frame owned by d? Is it one of d's memory list (not a hypervisor frame shared with
 * d, such as shared_info)? */
bool frame_owned_by(const struct domain *d, uint64_t mfn);
/* The domain record that owns mfn (its memory or a hypervisor frame shared with it: the last
 * record frame_assign or frame_note_owner saw with that domid), or NULL for a frame of the
 * hypervisor, of DOMID_IO or free. */
struct domain *frame_owner(uint64_t mfn);
void frame_note_owner(struct domain *d);
/* The last record frame_assign or frame_note_owner saw with that domid, or NULL. */
struct domain *frame_domain(uint16_t domid);
bool frame_in_memory_of(const struct domain *d, uint64_t mfn);

#endif
