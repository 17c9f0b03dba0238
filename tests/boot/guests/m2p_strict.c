/*
 * Boot test "m2p_strict": VMASST_TYPE_m2p_strict, Xen's rule (public/xen.h, arch/x86/mm.c
 * promote_l4_table, new_guest_cr3, MMUEXT_NEW_USER_BASEPTR) for the read-only M2P's L4 slot
 * (256) of a guest L4, read back from the L4 page itself and through the M2P's address:
 *   - without the assist, an L4 is validated with slot 256 empty, gets it when it becomes a
 *     kernel root and never as a user root only (so the M2P is not visible there);
 *   - with it, an L4 is validated with the slot and loses it when it becomes a user root, for
 *     good (a kernel root again does not bring it back: the M2P is gone from that table);
 *   - an L4 validated before the assist was turned on keeps its empty slot while the assist
 *     is on, and gets it as a kernel root once the assist is off.
 * The L4s are private copies of the kernel's address space (bt_tree_build), so the kernel runs
 * on with any of them as its root.
 */
#include "bt_mmu.h"

#define M2P_SLOT 256

static uint64_t boot_l4;

static uint64_t m2p_slot(const struct bt_tree *t)
{
    return bt_peek(t->l4.mfn, M2P_SLOT);
}

/* Is the M2P readable at its address while t is the kernel root? */
static bool m2p_mapped_in(const struct bt_tree *t)
{
    bool mapped;

    GK_ASSERT_EQ(bt_ext(PV_MMUEXT_NEW_BASEPTR, t->l4.mfn, 0), 0);
    mapped = !bt_is_unmapped(PV_MACH2PHYS_VIRT_START);
    GK_ASSERT_EQ(bt_ext(PV_MMUEXT_NEW_BASEPTR, boot_l4, 0), 0);
    return mapped;
}

static void tree_new(struct bt_tree *t)
{
    BT_REQUIRE_EQ(bt_tree_build(t, 0, 0), true);
    BT_REQUIRE_EQ(bt_pin(4, t->l4.mfn), 0);
}

static void tree_done(struct bt_tree *t)
{
    GK_EXPECT_EQ(bt_unpin(t->l4.mfn), 0);
    GK_EXPECT_EQ(bt_tree_free(t), 0);
}

/* Without the assist. (One private tree at a time: a tree's L1 copies map later pages
 * writable, so a second tree's tables could not be validated while the first is pinned.) */
static void check_default(void)
{
    static struct bt_tree t;

    tree_new(&t);
    GK_EXPECT_EQ(m2p_slot(&t), 0);
    GK_EXPECT_NE(bt_peek(t.l4.mfn, M2P_SLOT + 1), 0); /* the other hypervisor slots */
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_USER_BASEPTR, t.l4.mfn, 0), 0);
    GK_EXPECT_EQ(m2p_slot(&t), 0); /* a user root only: no M2P */
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
    GK_EXPECT(m2p_mapped_in(&t)); /* a kernel root: it got the slot */
    GK_EXPECT_NE(m2p_slot(&t), 0);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_USER_BASEPTR, t.l4.mfn, 0), 0);
    GK_EXPECT_NE(m2p_slot(&t), 0); /* and keeps it as a user root */
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
    tree_done(&t);
}

/* An L4 validated before the assist is turned on keeps its empty slot, even as a kernel root,
 * until the assist is off again. */
static void check_turned_on_later(void)
{
    static struct bt_tree t;

    tree_new(&t);
    GK_ASSERT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_enable, PV_VMASST_TYPE_m2p_strict), 0);
    GK_EXPECT_EQ(m2p_slot(&t), 0);
    GK_EXPECT(!m2p_mapped_in(&t));
    GK_EXPECT(!bt_is_unmapped(PV_MACH2PHYS_VIRT_START)); /* the boot L4 still has it */
    GK_ASSERT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_disable, PV_VMASST_TYPE_m2p_strict), 0);
    GK_EXPECT(m2p_mapped_in(&t));
    tree_done(&t);
}

static void check_strict(void)
{
    static struct bt_tree t;

    GK_ASSERT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_enable, PV_VMASST_TYPE_m2p_strict), 0);
    tree_new(&t);
    GK_EXPECT_NE(m2p_slot(&t), 0); /* validated with the slot */
    GK_EXPECT(m2p_mapped_in(&t));
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_USER_BASEPTR, t.l4.mfn, 0), 0);
    GK_EXPECT_EQ(m2p_slot(&t), 0); /* a user root: zapped */
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
    GK_EXPECT(!m2p_mapped_in(&t)); /* not given back as a kernel root */
    GK_EXPECT_EQ(m2p_slot(&t), 0);
    GK_ASSERT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_disable, PV_VMASST_TYPE_m2p_strict), 0);
    tree_done(&t);
}

GK_TEST(m2p_strict)
{
    boot_l4 = bt_cur_l4();
    GK_ASSERT(!bt_is_unmapped(PV_MACH2PHYS_VIRT_START));
    check_default();
    check_turned_on_later();
    check_strict();
}
