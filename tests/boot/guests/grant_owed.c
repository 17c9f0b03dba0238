/*
 * Boot test "grant_owed": a mapping ended in two steps by one unmap_grant_ref call (the fuzz
 * campaign's PANIC "BUG at hypervisor/mm/page_table.c:552", grant unmap). The domain grants a
 * page of its own to itself (command line self=) and maps it with both parts, host and device
 * (PV_GNTMAP_host_map | PV_GNTMAP_device_map), then reads through the mapping so that its L1
 * entry is accessed. One call of two ops then unmaps the host part (host_addr only: the
 * entry may be in a TLB, so its references wait for the flush at the end of the call) and the
 * device part (dev_bus_addr only). The handle must stay the mapping's until the host part's
 * references are gone at the end of the call: before the fix the device part's unmap freed it
 * (the mark that the host part was owed did not fit in the handle's flags), and the end of the
 * call dropped references through the freed handle, whose ref field now named the next free
 * handle: the hypervisor hit BUG_ON(!pg->grant_refs) in mm_put_grant_ref, or dropped another
 * mapping's references. Checked after it: both ops okay, the entry's GTF_reading/GTF_writing
 * clear, the handle gone (a third unmap: bad_handle), the page mapped and unmapped again, the
 * grant ended, and (the case's pattern) every frame back.
 */
#include "bt.h"
#include "gk/gnttab.h"

#define REF 16
#define VA 0x0000100000000000ULL /* L4 slot 32, as grant.c */

/* Map (self, REF) at VA with both parts and read through it; the handle. */
static uint32_t map_both(uint64_t self, uint64_t mfn)
{
    struct pv_gnttab_map_grant_ref op = {.host_addr = VA,
                                         .flags = PV_GNTMAP_host_map | PV_GNTMAP_device_map,
                                         .ref = REF,
                                         .dom = (pv_domid_t)self};
    uint64_t pte, old;

    GK_ASSERT_EQ(gk_pt_prepare_pte(gk_kernel_space(), VA, &pte, &old), 0);
    GK_ASSERT_EQ(gk_hypercall_grant_table_op(PV_GNTTABOP_map_grant_ref, &op, 1), 0);
    GK_ASSERT_EQ(op.status, PV_GNTST_okay);
    GK_EXPECT_EQ(op.dev_bus_addr, mfn << 12);
    GK_EXPECT_EQ(*(volatile uint64_t *)VA, 0x0a0a0a0a0a0a0a0aULL); /* the entry is accessed */
    GK_EXPECT_EQ(gk_gnttab_flags(REF) & (PV_GTF_reading | PV_GTF_writing),
                 PV_GTF_reading | PV_GTF_writing);
    return op.handle;
}

GK_TEST(grant_owed)
{
    uint64_t self = 0, *page = gk_page_alloc(), mfn;
    struct pv_gnttab_unmap_grant_ref u[3];
    uint32_t h;

    GK_ASSERT(bt_cmdline_uint("self", &self));
    GK_ASSERT(page != NULL);
    for (unsigned i = 0; i < 512; i++)
        page[i] = 0x0a0a0a0a0a0a0a0aULL;
    mfn = gk_virt_to_mfn(page);
    GK_ASSERT_EQ(gk_gnttab_init(1), 0);
    GK_ASSERT_EQ(gk_gnttab_grant_ref(REF, (pv_domid_t)self, mfn, false), 0);

    for (unsigned round = 0; round < 2; round++) {
        h = map_both(self, mfn);
        u[0] = (struct pv_gnttab_unmap_grant_ref){.host_addr = VA, .handle = h, .status = 99};
        u[1] = (struct pv_gnttab_unmap_grant_ref){
            .dev_bus_addr = mfn << 12, .handle = h, .status = 99};
        u[2] = (struct pv_gnttab_unmap_grant_ref){
            .host_addr = VA, .dev_bus_addr = mfn << 12, .handle = h, .status = 99};
        /* round 0: host part, then device part; round 1: the same, and the handle once more */
        GK_ASSERT_EQ(gk_hypercall_grant_table_op(PV_GNTTABOP_unmap_grant_ref, u, 2 + round), 0);
        GK_EXPECT_EQ(u[0].status, PV_GNTST_okay);
        GK_EXPECT_EQ(u[1].status, PV_GNTST_okay);
        if (round)
            GK_EXPECT_EQ(u[2].status, PV_GNTST_bad_handle);
        GK_EXPECT_EQ(gk_pt_lookup(gk_kernel_space(), VA), 0);
        GK_EXPECT_EQ(gk_gnttab_flags(REF) & (PV_GTF_reading | PV_GTF_writing), 0);
        u[2].status = 99;
        GK_ASSERT_EQ(gk_hypercall_grant_table_op(PV_GNTTABOP_unmap_grant_ref, &u[2], 1), 0);
        GK_EXPECT_EQ(u[2].status, PV_GNTST_bad_handle);
    }
    GK_EXPECT_EQ(gk_gnttab_end(REF), 0);
}
