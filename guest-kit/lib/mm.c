/* guest-kit: pfn/mfn translation and the page allocator. The allocator hands out the pages
 * after the boot stack, up to the end of the start-of-day mapping, which the ABI guarantees
 * to extend at least 512 KiB past the boot stack and to end on a 4 MiB boundary. */
#include "internal.h"

#define PAD_BYTES (512ULL << 10)
#define MAP_ALIGN (4ULL << 20)

static uint64_t first_pfn, next_pfn, end_pfn; /* bump range [next_pfn, end_pfn) */
static void *free_list;                       /* freed pages, linked through their first word */
static uint64_t nr_free_listed;

uint64_t gk_virt_to_pfn(const void *va)
{
    return ((uint64_t)(uintptr_t)va - GK_VIRT_BASE) / GK_PAGE_SIZE;
}

void *gk_pfn_to_virt(uint64_t pfn)
{
    return (void *)(uintptr_t)(GK_VIRT_BASE + pfn * GK_PAGE_SIZE);
}

uint64_t gk_pfn_to_mfn(uint64_t pfn)
{
    const uint64_t *p2m = (const uint64_t *)(uintptr_t)gk_start_info->mfn_list;

    return pfn < gk_start_info->nr_pages ? p2m[pfn] : GK_INVALID_FRAME;
}

uint64_t gk_mfn_to_pfn(uint64_t mfn)
{
    const uint64_t *p2m = (const uint64_t *)(uintptr_t)gk_start_info->mfn_list;

    for (uint64_t pfn = 0; pfn < gk_start_info->nr_pages; pfn++) {
        if (p2m[pfn] == mfn)
            return pfn;
    }
    return GK_INVALID_FRAME;
}

uint64_t gk_virt_to_mfn(const void *va)
{
    return gk_pfn_to_mfn(gk_virt_to_pfn(va));
}

void gk_mm_init(uint64_t boot_rsp)
{
    uint64_t map_end = (boot_rsp + PAD_BYTES + MAP_ALIGN - 1) & ~(MAP_ALIGN - 1);

    first_pfn = next_pfn = gk_virt_to_pfn((const void *)(uintptr_t)boot_rsp);
    end_pfn = gk_virt_to_pfn((const void *)(uintptr_t)map_end);
    if (end_pfn > gk_start_info->nr_pages)
        end_pfn = gk_start_info->nr_pages;
    if (next_pfn > end_pfn)
        next_pfn = end_pfn;
}

void *gk_page_alloc(void)
{
    void *page;

    if (free_list) {
        page = free_list;
        free_list = *(void **)page;
        nr_free_listed--;
    } else if (next_pfn < end_pfn) {
        page = gk_pfn_to_virt(next_pfn++);
    } else {
        return NULL;
    }
    memset(page, 0, GK_PAGE_SIZE);
    return page;
}

void gk_page_free(void *page)
{
    uint64_t pfn = gk_virt_to_pfn(page);

    if (!page || pfn < first_pfn || pfn >= next_pfn || ((uintptr_t)page & (GK_PAGE_SIZE - 1)))
        gk_panic("gk_page_free: %p was not allocated", page);
    *(void **)page = free_list;
    free_list = page;
    nr_free_listed++;
}

uint64_t gk_pages_free(void)
{
    return end_pfn - next_pfn + nr_free_listed;
}

void gk_mm_range(uint64_t *first, uint64_t *end)
{
    *first = first_pfn;
    *end = end_pfn;
}
