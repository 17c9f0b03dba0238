/* guest-kit: pfn/mfn translation and a page allocator over the free pages of the initial
 * mapping (until the kit can build page tables, only those pages are usable). */
#ifndef GK_MM_H
#define GK_MM_H

#include <stdbool.h>
#include <stdint.h>

#define GK_INVALID_FRAME (~0ULL)

/* Virtual address <-> pseudo-physical frame, inside the initial mapping. */
uint64_t gk_virt_to_pfn(const void *va);
void *gk_pfn_to_virt(uint64_t pfn);

/* pfn -> machine frame through the p2m (start_info.mfn_list); GK_INVALID_FRAME if out of
 * range. mfn -> pfn searches the p2m (no M2P needed); GK_INVALID_FRAME if not ours. */
uint64_t gk_pfn_to_mfn(uint64_t pfn);
uint64_t gk_mfn_to_pfn(uint64_t mfn);
uint64_t gk_virt_to_mfn(const void *va);

/* Allocate one zeroed, page-aligned page, or NULL if none is left. */
void *gk_page_alloc(void);

/* Give back a page from gk_page_alloc. */
void gk_page_free(void *page);

/* Pages still free, and the range the allocator manages: [first_pfn, end_pfn). */
uint64_t gk_pages_free(void);
void gk_mm_range(uint64_t *first_pfn, uint64_t *end_pfn);

#endif /* GK_MM_H */
