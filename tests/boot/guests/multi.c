/*
 * Boot test guest "multi": one of several domains booted together with different sizes. It
 * checks that it got the memory its module options asked for ("pages=N" repeats the figure
 * for the check): start_info.nr_pages, the reservation, the memory map; that its p2m names
 * distinct frames; and that every free page of its start-of-day mapping is its own to write
 * and read back.
 */
#include "bt.h"

/* Every pfn maps a frame of its own: one bit per machine frame, below maximum_ram_page. */
static void check_p2m_distinct(uint64_t nr)
{
    const uint64_t *p2m = (const uint64_t *)(uintptr_t)gk_start_info->mfn_list;
    long max_page = gk_hypercall_memory_op(PV_XENMEM_maximum_ram_page, NULL);
    uint64_t bitmap_pages = ((uint64_t)max_page / 8 + GK_PAGE_SIZE - 1) / GK_PAGE_SIZE;
    uint8_t *pages[16];

    GK_ASSERT(max_page > 0 && bitmap_pages <= 16);
    for (uint64_t i = 0; i < bitmap_pages; i++)
        GK_ASSERT((pages[i] = gk_page_alloc()) != NULL);
    for (uint64_t pfn = 0; pfn < nr; pfn++) {
        uint64_t mfn = p2m[pfn];
        uint8_t *byte;

        if (mfn >= (uint64_t)max_page) {
            GK_FAIL("pfn %lu: mfn %#lx is not below maximum_ram_page %#lx", pfn, mfn, max_page);
            return;
        }
        byte = &pages[mfn / 8 / GK_PAGE_SIZE][(mfn / 8) % GK_PAGE_SIZE];
        if (*byte & (1u << (mfn % 8))) {
            GK_FAIL("pfn %lu: mfn %#lx is mapped twice", pfn, mfn);
            return;
        }
        *byte |= (uint8_t)(1u << (mfn % 8));
    }
}

/* Write and read back every page the allocator has left. */
static void touch_free_pages(void)
{
    uint64_t left = gk_pages_free(), n = 0;
    void *page;

    while ((page = gk_page_alloc()) != NULL) {
        volatile uint64_t *w = page;
        uint64_t pfn = gk_virt_to_pfn(page);

        w[0] = pfn ^ 0x6d756c7469ULL;
        w[511] = ~pfn;
        if (w[0] != (pfn ^ 0x6d756c7469ULL) || w[511] != ~pfn)
            GK_FAIL("page %lu does not keep what was written", pfn);
        n++;
    }
    GK_EXPECT_EQ(n, left);
    GK_EXPECT_GE(n, 64);
}

GK_TEST(multi)
{
    uint64_t pages;
    pv_domid_t self = PV_DOMID_SELF;
    struct pv_e820_entry e;
    struct pv_memory_map m = {.nr_entries = 1, .buffer = PV_GUEST_PTR(&e)};

    GK_ASSERT(bt_cmdline_uint("pages", &pages));
    GK_EXPECT_EQ(gk_start_info->nr_pages, pages);
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_current_reservation, &self), (long)pages);
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_memory_map, &m), 0);
    GK_EXPECT_EQ(e.size, pages * GK_PAGE_SIZE);
    check_p2m_distinct(pages);
    touch_free_pages();
}
