/*
 * Boot test guest "initrd": the ramdisk module given after the guest ("<path> initrd", docs/boot.md)
 * reaches it as Xen's start-of-day contract lays it out. This image has no MOD_START_PFN note, so
 * the ramdisk is mapped: start_info.mod_start is its virtual address inside the initial mapping
 * (after the image, before the p2m), mod_len its exact length, SIF_MOD_START_PFN clear.
 * initrd_pfn.c builds the same checks into an image with the note. The ramdisk is the file
 * boot.mk writes: INITRD_LEN bytes of INITRD_BYTE(i).
 */
#include "bt.h"

#define INITRD_LEN 12345 /* boot.mk: images/initrd.bin */
#define INITRD_BYTE(i) ((uint8_t)((i) * 131 + ((i) >> 8)))

extern char _end[];

/* First offset whose byte differs from the pattern, or len if none does. */
static uint64_t first_mismatch(const uint8_t *p, uint64_t len)
{
    for (uint64_t i = 0; i < len; i++)
        if (p[i] != INITRD_BYTE(i))
            return i;
    return len;
}

#ifndef INITRD_PFN
static void check_initrd(void)
{
    const struct pv_start_info *si = gk_start_info;
    const uint8_t *p = (const uint8_t *)si->mod_start;

    GK_EXPECT_EQ(si->flags & PV_SIF_MOD_START_PFN, 0);
    GK_ASSERT_EQ(si->mod_len, INITRD_LEN);
    GK_EXPECT_GE(si->mod_start, (uint64_t)(uintptr_t)_end);   /* after the image */
    GK_EXPECT_LT(si->mod_start + si->mod_len, si->mfn_list);  /* before the p2m */
    GK_EXPECT_EQ(si->mod_start & (GK_PAGE_SIZE - 1), 0);
    GK_EXPECT_EQ(first_mismatch(p, INITRD_LEN), INITRD_LEN);
}
#else
/* Unmapped: mod_start is the first pfn, mod_len the page-rounded length (as Xen's builder), the
 * pages after the mapping; the kit's 1:1 mapping of all memory reaches them. */
static void check_initrd(void)
{
    const struct pv_start_info *si = gk_start_info;
    uint64_t pages = (INITRD_LEN + GK_PAGE_SIZE - 1) / GK_PAGE_SIZE;
    const uint8_t *p = gk_pfn_to_virt(si->mod_start);

    GK_ASSERT(si->flags & PV_SIF_MOD_START_PFN);
    GK_ASSERT_EQ(si->mod_len, pages * GK_PAGE_SIZE);
    GK_EXPECT_GE(si->mod_start, gk_virt_to_pfn((void *)(si->pt_base + si->nr_pt_frames * 4096)));
    GK_ASSERT(si->mod_start + pages <= gk_direct_pages());
    GK_EXPECT_EQ(first_mismatch(p, INITRD_LEN), INITRD_LEN);
    for (uint64_t i = INITRD_LEN; i < si->mod_len; i++)
        if (!BT_EQ("tail of the last page", p[i], 0))
            break;
}
#endif

#ifdef INITRD_PFN
GK_TEST(initrd_pfn)
#else
GK_TEST(initrd)
#endif
{
    check_initrd();
}
