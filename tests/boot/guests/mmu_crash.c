/*
 * Boot test guest "mmu_crash": a domain that takes its own address space away, which Xen
 * answers by crashing the domain (the fault that follows cannot be delivered: the bounce frame
 * has nowhere to go; xen/arch/x86/x86_64/entry.S create_bounce_frame). First it holds as much
 * PV MMU state as it can, so that the teardown of a crashed domain has to release all of it:
 * a pinned L1..L4 chain, an L1 hooked into the kernel tables, a read-only recursive L4 entry,
 * a GDT and an LDT, writable page tables on. Then, by "mode=":
 *   root   NEW_BASEPTR to a pinned L4 that maps nothing of the guest
 *   stack  update_va_mapping removes the pages under and around the stack pointer
 * It never prints a PASS line; if it survives, it says so with a FAIL line. The runner checks
 * the hypervisor's "crashed" line, the peer's PASS, and that every frame came back.
 */
#include "bt_mmu.h"

#define DATA_DPL3 0x00cff3000000ffffULL

static struct bt_region reg;

static void hold_state(void)
{
    static struct bt_table chain[4];
    uint64_t e[512] = {0}, *data = gk_page_alloc(), *gdt = gk_page_alloc(), *ldt = gk_page_alloc();
    uint64_t l4 = bt_cur_l4(), frame;

    GK_ASSERT(data && gdt && ldt);
    for (unsigned level = 1; level <= 4; level++) {
        e[0] = level == 1 ? (gk_virt_to_mfn(data) << 12) | BT_PTE_RWD
                          : (chain[level - 2].mfn << 12) | BT_PTE_TABLE;
        BT_REQUIRE_EQ(bt_table_new(&chain[level - 1], e), true);
    }
    BT_REQUIRE_EQ(bt_pin(4, chain[3].mfn), 0);
    BT_REQUIRE_EQ(bt_pin(1, chain[0].mfn), 0);
    BT_REQUIRE_EQ(bt_region_init(&reg), true);
    BT_REQUIRE_EQ(bt_mmu(bt_region_pte(&reg, 0), (gk_virt_to_mfn(data) << 12) | BT_PTE_RWD), 0);
    BT_REQUIRE_EQ(bt_mmu((l4 << 12) + 8 * 450, (l4 << 12) | BT_PTE_P | BT_PTE_US | BT_PTE_A), 0);
    gdt[1] = DATA_DPL3;
    ldt[0] = DATA_DPL3;
    BT_REQUIRE_EQ(bt_protect(gdt, false), 0);
    BT_REQUIRE_EQ(bt_protect(ldt, false), 0);
    frame = gk_virt_to_mfn(gdt);
    BT_REQUIRE_EQ(gk_hypercall(PV_HYPERCALL_set_gdt, &frame, 512, 0, 0, 0), 0);
    BT_REQUIRE_EQ(bt_ext(PV_MMUEXT_SET_LDT, (uint64_t)(uintptr_t)ldt, 1), 0);
    __asm__ volatile("movw %w0, %%es" ::"r"(0x07)); /* the LDT in use */
    BT_REQUIRE_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_enable, PV_VMASST_TYPE_writable_pagetables),
                  0);
}

static void crash_root(void)
{
    struct bt_table empty;

    BT_REQUIRE_EQ(bt_table_new(&empty, NULL), true);
    BT_REQUIRE_EQ(bt_pin(4, empty.mfn), 0);
    gk_test_log("crash: NEW_BASEPTR to an L4 that maps nothing of the guest");
    bt_ext(PV_MMUEXT_NEW_BASEPTR, empty.mfn, 0);
}

static void crash_stack(void)
{
    uint64_t sp = (uint64_t)(uintptr_t)__builtin_frame_address(0) & ~4095ULL;
    struct pv_multicall_entry mc[4];

    /* One multicall, so that nothing runs on the stack between the unmaps. */
    for (unsigned i = 0; i < 4; i++)
        mc[i] = (struct pv_multicall_entry){.op = PV_HYPERCALL_update_va_mapping,
                                            .args = {sp + 4096 - i * 4096, 0, PV_UVMF_INVLPG}};
    gk_test_log("crash: update_va_mapping removes the stack pages around %#lx", sp);
    gk_hypercall(PV_HYPERCALL_multicall, mc, 4, 0, 0, 0);
}

GK_TEST(mmu_crash)
{
    char mode[16];

    if (!gk_cmdline_get("mode", mode, sizeof(mode)))
        mode[0] = 0;
    hold_state();
    if (!lib_strcmp(mode, "root"))
        crash_root();
    else if (!lib_strcmp(mode, "stack"))
        crash_stack();
    GK_FAIL("mode \"%s\": the domain is still running", mode);
}
