/*
 * Boot test "tlb_stale_free": a translation the guest never flushed must not outlive its frame.
 * The guest writes page P through a writable mapping (the CPU caches the translation), removes
 * every mapping of P without a flush (its right: the ABI leaves flushes to the guest), gives P
 * back (decrease_reservation) and takes a frame again (increase_reservation hands out the top
 * of the free list: P), pins it as an L1 table and writes through the old translation. That
 * write must fault: the frame's type change after its trip through the free list finds no
 * record of the old mapping (the allocator clears it), so decrease_reservation (and
 * XENMEM_exchange) flush the domain's CPUs before a frame goes back. Without that the write
 * lands in a validated L1 table, and the guest maps any machine frame it likes.
 */
#include "bt_mmu.h"

static struct bt_region region;

static long reservation(unsigned op, uint64_t *list)
{
    struct pv_memory_reservation r = {.extent_start = (uint64_t)(uintptr_t)list, .nr_extents = 1,
                                      .domid = PV_DOMID_SELF};

    return gk_hypercall_memory_op(op, &r);
}

GK_TEST(tlb_stale_free)
{
    uint64_t *page = gk_page_alloc(), mfn, pfn, list[1], one_to_one;
    volatile uint64_t *w;
    struct gk_trap_record rec;

    GK_ASSERT(page != NULL);
    GK_ASSERT(bt_region_init(&region));
    w = (volatile uint64_t *)region.va;
    one_to_one = gk_pt_lookup(gk_kernel_space(), (uint64_t)page);
    memset(page, 0, 4096);
    mfn = gk_virt_to_mfn(page);
    pfn = gk_mfn_to_pfn(mfn);
    GK_ASSERT_EQ(bt_mmu(bt_region_pte(&region, 0), (mfn << 12) | BT_PTE_RWD), 0);
    w[1] = 0x1000; /* the translation is cached now */
    GK_ASSERT_EQ(bt_mmu(bt_region_pte(&region, 0), 0), 0);
    GK_ASSERT_EQ(bt_uvm((uint64_t)page, 0, 0), 0); /* the 1:1 mapping too; no flush either */
    list[0] = mfn;
    GK_ASSERT_EQ(reservation(PV_XENMEM_decrease_reservation, list), 1);
    list[0] = pfn;
    GK_ASSERT_EQ(reservation(PV_XENMEM_increase_reservation, list), 1);
    gk_test_log("gave back mfn %#lx, got %#lx", mfn, list[0]);
    GK_ASSERT_EQ(list[0], mfn); /* else the test proves nothing */
    GK_ASSERT_EQ(bt_pin(1, mfn), 0);
    if (gk_trap_catch(&rec) == 0) {
        w[1] = 0x2000;
        gk_trap_uncatch();
        GK_FAIL("wrote into a pinned L1 table through a translation from before the frame was "
                "given back and allocated again");
    } else {
        GK_EXPECT_EQ(rec.vector, GK_VEC_PF);
    }
    GK_EXPECT_EQ(bt_peek(mfn, 1), 0); /* as increase_reservation gave it: zeroed */
    GK_EXPECT_EQ(bt_unpin(mfn), 0);
    GK_EXPECT_EQ(bt_uvm((uint64_t)page, one_to_one, PV_UVMF_INVLPG | PV_UVMF_LOCAL), 0);
    gk_page_free(page);
    GK_EXPECT_EQ(bt_region_fini(&region), 0);
}
