/* guest-kit: pfn/mfn translation and the page allocator. The allocator starts with the pages
 * after the boot stack up to the end of the start-of-day mapping (the ABI guarantees at least
 * 512 KiB past the boot stack, ending on a 4 MiB boundary) and grows as gk_pt_init maps the
 * rest of memory 1:1. */
#include "internal.h"

#define PAD_BYTES (512ULL << 10)
#define MAP_ALIGN (4ULL << 20)
#define CPUID_EXT_MAX 0x80000000U
#define CPUID_EXT_FEATURES 0x80000001U
#define CPUID_EDX_NX (1U << 20)

static uint64_t first_pfn, next_pfn, end_pfn; /* bump range [next_pfn, end_pfn) */
static void *free_list;                       /* freed pages, linked through their first word */
static uint64_t nr_free_listed;
static uint64_t direct_pages; /* pfns [0, direct_pages) are mapped 1:1 */
static uint64_t m2p_limit;    /* M2P entries that may be read (0: unknown, search the p2m) */
static uint64_t nx_mask;

static const uint64_t *const m2p = (const uint64_t *)PV_MACH2PHYS_VIRT_START;

uint64_t gk_virt_to_pfn(const void *va)
{
    return ((uint64_t)(uintptr_t)va - GK_VIRT_BASE) / GK_PAGE_SIZE;
}

void *gk_pfn_to_virt(uint64_t pfn)
{
    return (void *)(uintptr_t)(GK_VIRT_BASE + pfn * GK_PAGE_SIZE);
}

uint64_t gk_nr_pages(void)
{
    return gk_start_info->nr_pages;
}

uint64_t gk_direct_pages(void)
{
    return direct_pages;
}

uint64_t gk_pfn_to_mfn(uint64_t pfn)
{
    const uint64_t *p2m = (const uint64_t *)(uintptr_t)gk_start_info->mfn_list;

    return pfn < gk_start_info->nr_pages ? p2m[pfn] : GK_INVALID_FRAME;
}

/* Without the M2P's size, the p2m is searched instead. */
static uint64_t search_p2m(uint64_t mfn)
{
    for (uint64_t pfn = 0; pfn < gk_start_info->nr_pages; pfn++) {
        if (gk_pfn_to_mfn(pfn) == mfn)
            return pfn;
    }
    return GK_INVALID_FRAME;
}

uint64_t gk_mfn_to_pfn(uint64_t mfn)
{
    uint64_t pfn;

    if (!m2p_limit)
        return search_p2m(mfn);
    if (mfn >= m2p_limit)
        return GK_INVALID_FRAME;
    pfn = m2p[mfn];
    return gk_pfn_to_mfn(pfn) == mfn ? pfn : GK_INVALID_FRAME;
}

uint64_t gk_virt_to_mfn(const void *va)
{
    return gk_pfn_to_mfn(gk_virt_to_pfn(va));
}

void *gk_mfn_to_virt(uint64_t mfn)
{
    uint64_t pfn = gk_mfn_to_pfn(mfn);

    return pfn < direct_pages ? gk_pfn_to_virt(pfn) : NULL;
}

uint64_t gk_pte_nx(void)
{
    return nx_mask;
}

/* The CPUID the hypervisor shows (Xen's forced-emulation prefix): eax, ebx, ecx, edx. */
static void cpuid(uint32_t leaf, uint32_t r[4])
{
    r[0] = leaf;
    r[2] = 0;
    __asm__ volatile(PV_CPUID : "+a"(r[0]), "=b"(r[1]), "+c"(r[2]), "=d"(r[3]));
}

static uint64_t nx_supported(void)
{
    uint32_t r[4];

    cpuid(CPUID_EXT_MAX, r);
    if (r[0] < CPUID_EXT_FEATURES)
        return 0;
    cpuid(CPUID_EXT_FEATURES, r);
    return (r[3] & CPUID_EDX_NX) ? 1ULL << 63 : 0;
}

void gk_mm_init(uint64_t boot_rsp)
{
    uint64_t map_end = (boot_rsp + PAD_BYTES + MAP_ALIGN - 1) & ~(MAP_ALIGN - 1);
    long max_mfn = gk_hypercall_memory_op(PV_XENMEM_maximum_ram_page, NULL);

    first_pfn = next_pfn = gk_virt_to_pfn((const void *)(uintptr_t)boot_rsp);
    end_pfn = gk_virt_to_pfn((const void *)(uintptr_t)map_end);
    if (end_pfn > gk_start_info->nr_pages)
        end_pfn = gk_start_info->nr_pages;
    if (next_pfn > end_pfn)
        next_pfn = end_pfn;
    direct_pages = end_pfn;
    m2p_limit = max_mfn > 0 ? (uint64_t)max_mfn : 0;
    nx_mask = nx_supported();
}

void gk_mm_grow(uint64_t new_direct_pages)
{
    direct_pages = new_direct_pages;
    if (new_direct_pages > end_pfn)
        end_pfn = new_direct_pages;
}

bool gk_page_in_pool(uint64_t pfn)
{
    return pfn >= first_pfn && pfn < next_pfn;
}

void *gk_page_take(void)
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
    return page;
}

void *gk_page_alloc(void)
{
    void *page = gk_page_take();

    if (page)
        memset(page, 0, GK_PAGE_SIZE);
    return page;
}

void gk_page_free(void *page)
{
    uint64_t pfn = gk_virt_to_pfn(page);

    if (!page || !gk_page_in_pool(pfn) || ((uintptr_t)page & (GK_PAGE_SIZE - 1)))
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
