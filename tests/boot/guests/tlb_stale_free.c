/*
 * Boot test "tlb_stale_free": a translation the guest never flushed must not outlive its frame.
 * The guest writes page P through a writable mapping (the CPU caches the translation), removes
 * every mapping of P without a flush (its right: the ABI leaves flushes to the guest), gives P
 * back (decrease_reservation, or XENMEM_exchange for a new frame) and takes a frame again
 * (increase_reservation hands out the top of the free list: P), pins it as an L1 table and
 * writes through the old translation. That write must fault: P's type change after its trip
 * through the free list finds no record of the old mapping (the allocator clears it), so the
 * allocator flushes every CPU that has not flushed since P was freed before it hands P out
 * (frame.c). Without that the write lands in a validated L1 table, and the guest maps any
 * machine frame it likes.
 */
#include "bt_mmu.h"

static struct bt_region region;

static long reservation(unsigned op, uint64_t *list)
{
    struct pv_memory_reservation r = {.extent_start = (uint64_t)(uintptr_t)list, .nr_extents = 1,
                                      .domid = PV_DOMID_SELF};

    return gk_hypercall_memory_op(op, &r);
}

/* P for a new frame at the same pfn, which stays mapped nowhere: P goes back. The domain holds
 * one frame more after the increase that follows (maxmem= on the case's line). */
static long exchange(uint64_t mfn, uint64_t pfn)
{
    uint64_t in = mfn, out = pfn;
    struct pv_memory_exchange x = {
        .in = {.extent_start = (uint64_t)(uintptr_t)&in, .nr_extents = 1, .domid = PV_DOMID_SELF},
        .out = {.extent_start = (uint64_t)(uintptr_t)&out, .nr_extents = 1,
                .domid = PV_DOMID_SELF}};

    return gk_hypercall_memory_op(PV_XENMEM_exchange, &x) ?: (long)x.nr_exchanged - 1;
}

static void round(bool by_exchange)
{
    uint64_t *page = gk_page_alloc(), mfn, pfn, list[1], one_to_one;
    volatile uint64_t *w = (volatile uint64_t *)region.va;
    struct gk_trap_record rec;

    GK_ASSERT(page != NULL);
    one_to_one = gk_pt_lookup(gk_kernel_space(), (uint64_t)page);
    memset(page, 0, 4096);
    mfn = gk_virt_to_mfn(page);
    pfn = gk_mfn_to_pfn(mfn);
    GK_ASSERT_EQ(bt_mmu(bt_region_pte(&region, 0), (mfn << 12) | BT_PTE_RWD), 0);
    w[1] = 0x1000; /* the translation is cached now */
    GK_ASSERT_EQ(bt_mmu(bt_region_pte(&region, 0), 0), 0);
    GK_ASSERT_EQ(bt_uvm((uint64_t)page, 0, 0), 0); /* the 1:1 mapping too; no flush either */
    list[0] = mfn;
    if (by_exchange)
        GK_ASSERT_EQ(exchange(mfn, pfn), 0);
    else
        GK_ASSERT_EQ(reservation(PV_XENMEM_decrease_reservation, list), 1);
    list[0] = pfn;
    GK_ASSERT_EQ(reservation(PV_XENMEM_increase_reservation, list), 1);
    gk_test_log("%s: gave back mfn %#lx, got %#lx", by_exchange ? "exchange" : "decrease", mfn,
                list[0]);
    GK_ASSERT_EQ(list[0], mfn); /* else the test proves nothing */
    GK_ASSERT_EQ(bt_pin(1, mfn), 0);
    if (gk_trap_catch(&rec) == 0) {
        w[1] = 0x2000;
        gk_trap_uncatch();
        GK_FAIL("%s: wrote into a pinned L1 table through a translation from before the frame "
                "was given back and allocated again", by_exchange ? "exchange" : "decrease");
    } else {
        GK_EXPECT_EQ(rec.vector, GK_VEC_PF);
    }
    GK_EXPECT_EQ(bt_peek(mfn, 1), 0); /* as increase_reservation gave it: zeroed */
    bt_peek(region.l1.mfn, 0);        /* bt_peek's window off P: it holds a reference */
    GK_EXPECT_EQ(bt_unpin(mfn), 0);
    /* P mapped back where it was (after an exchange, the new frame stays an extra one) */
    GK_EXPECT_EQ(bt_uvm((uint64_t)page, one_to_one, PV_UVMF_INVLPG | PV_UVMF_LOCAL), 0);
    gk_page_free(page);
}

GK_TEST(tlb_stale_free)
{
    GK_ASSERT(bt_region_init(&region));
    round(false);
    round(true);
    GK_EXPECT_EQ(bt_region_fini(&region), 0);
}
