/* guest-kit: the pseudo-physical view of memory and the page allocator.
 *
 * A PV guest numbers its memory itself: pfns 0 .. nr_pages-1. Page tables hold MACHINE frame
 * numbers (mfns). pfn -> mfn is the p2m, the array at start_info.mfn_list that the guest owns and
 * keeps; mfn -> pfn is the hypervisor's read-only M2P at PV_MACH2PHYS_VIRT_START, which the guest
 * keeps in step with MMU_MACHPHYS_UPDATE. The kit maps every pfn at GK_VIRT_BASE + pfn * 4096:
 * the builder's initial mapping, extended over all of memory at boot (gk/pt.h). */
#ifndef GK_MM_H
#define GK_MM_H

#include <stdbool.h>
#include <stdint.h>

#define GK_INVALID_FRAME (~0ULL)

/* Virtual address <-> pfn in the 1:1 mapping. */
uint64_t gk_virt_to_pfn(const void *va);
void *gk_pfn_to_virt(uint64_t pfn);

/* pfn -> mfn through the p2m; GK_INVALID_FRAME if pfn >= nr_pages. */
uint64_t gk_pfn_to_mfn(uint64_t pfn);
/* mfn -> pfn through the M2P, checked against the p2m (the M2P also holds other domains'
 * numbers); GK_INVALID_FRAME if the frame is not ours. */
uint64_t gk_mfn_to_pfn(uint64_t mfn);
uint64_t gk_virt_to_mfn(const void *va);
/* The 1:1 address of one of our frames, or NULL if it is not ours or not mapped 1:1. */
void *gk_mfn_to_virt(uint64_t mfn);

/* Pages of the domain, and how many of them (from pfn 0) the 1:1 mapping covers. */
uint64_t gk_nr_pages(void);
uint64_t gk_direct_pages(void);

/* Give pfn another machine frame, as a guest does with frames it gets from the hypervisor: the
 * 1:1 entry, the M2P entry (MMU_MACHPHYS_UPDATE) in one mmu_update batch, then the p2m entry
 * (bracketed by shared_info.arch.p2m_generation) and a flush of the old translation. The frame
 * must be ours. Returns 0 or the hypercall's error (nothing changed). */
long gk_pfn_set_frame(uint64_t pfn, uint64_t mfn);

/* Publish the p2m for tools, as Mini-OS and Linux do: shared_info.arch.max_pfn (= nr_pages;
 * XENMEM_maximum_gpfn then answers max_pfn - 1), the 3-level frame list
 * (pfn_to_mfn_frame_list_list) and the linear p2m (p2m_vaddr, p2m_cr3, p2m_generation). Maps
 * shared_info if needed. Returns 0, -PV_ENOMEM, or the error of mapping shared_info. */
long gk_p2m_publish(void);

/* Allocate one zeroed, page-aligned page of the 1:1 mapping, or NULL if none is left. */
void *gk_page_alloc(void);

/* Give back a page from gk_page_alloc (it must be mapped writable again). */
void gk_page_free(void *page);

/* Pages still free, and the range the allocator manages: [first_pfn, end_pfn). */
uint64_t gk_pages_free(void);
void gk_mm_range(uint64_t *first_pfn, uint64_t *end_pfn);

#endif /* GK_MM_H */
