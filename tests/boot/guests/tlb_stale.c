/*
 * Boot test "tlb_stale": a frame changes type while another vCPU's CPU may still hold a
 * translation of it. vCPU 1 writes page P through a writable mapping (its CPU caches the
 * translation) and then only spins; vCPU 0 removes that mapping and pins P as an L1 table. The
 * pin must flush vCPU 1's CPU (it has not reloaded %cr3 since the mapping went), so vCPU 1's
 * next write faults instead of writing into a page table. Then the same after vCPU 1 reloaded
 * %cr3 itself (NEW_BASEPTR with its own root) once the mapping was gone: the TLB flush clock
 * lets the pin skip that CPU (docs/hypercalls.md), and the write must fault all the same.
 * Run with a CPU per vCPU (--smp 2), so that vCPU 1 keeps its CPU and its TLB throughout.
 */
#include "bt_mmu.h"
#include "gk/smp.h"

static struct bt_region region;
static volatile uint64_t helper_val; /* what CMD_WRITE writes (even: not a present entry) */
static volatile bool helper_faulted;

enum { CMD_WRITE = 1, CMD_RELOAD, CMD_END };

/* vCPU 1: on CMD_WRITE it writes the region's first page (a #PF caught and noted), on
 * CMD_RELOAD it loads its own root again; it spins between commands, never blocking. */
static void helper(void *arg)
{
    (void)arg;
    for (;;) {
        uint32_t c;

        while (!(c = bt_helper_cmd))
            __asm__ volatile("pause");
        if (c == CMD_END)
            break;
        if (c == CMD_RELOAD) {
            GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_BASEPTR, bt_cur_l4(), 0), 0);
        } else {
            helper_faulted =
                bt_access_faults((volatile uint64_t *)region.va + 1, &helper_val, true);
        }
        bt_helper_answer();
    }
    bt_helper_answer();
}

/* One round: P writable at the region's first page, written by vCPU 1, unmapped here (and
 * flushed here only), vCPU 1 reloading its root if `reload`, P pinned as an L1 table. */
static void round(bool reload)
{
    struct bt_table p;

    GK_ASSERT(bt_table_new(&p, NULL)); /* zeroes, mapped read-only at p.va */
    GK_ASSERT_EQ(bt_mmu(bt_region_pte(&region, 0), (p.mfn << 12) | BT_PTE_RWD), 0);
    helper_val = 0x1000;
    bt_helper_ask(CMD_WRITE);
    GK_EXPECT(!helper_faulted);
    GK_EXPECT_EQ(p.va[1], 0x1000);
    GK_ASSERT_EQ(bt_mmu(bt_region_pte(&region, 0), 0), 0);
    GK_EXPECT_EQ(bt_invlpg(region.va), 0);
    if (reload)
        bt_helper_ask(CMD_RELOAD);
    GK_ASSERT_EQ(bt_pin(1, p.mfn), 0);
    helper_val = 0x2000;
    bt_helper_ask(CMD_WRITE);
    if (!helper_faulted)
        GK_FAIL("%s: vCPU 1 wrote into a pinned L1 table through a stale translation",
                reload ? "after its own reload" : "without a reload");
    GK_EXPECT_EQ(p.va[1], 0x1000); /* the table as it was pinned */
    GK_EXPECT_EQ(bt_unpin(p.mfn), 0);
    GK_EXPECT_EQ(bt_table_free(&p), 0);
}

GK_TEST(tlb_stale)
{
    GK_ASSERT(bt_region_init(&region));
    GK_ASSERT_EQ(gk_smp_up(1, helper, NULL), 0);
    round(false);
    round(true);
    bt_helper_ask(CMD_END);
    GK_EXPECT_EQ(bt_region_fini(&region), 0);
}
