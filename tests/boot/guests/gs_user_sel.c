/*
 * Boot test "gs_user_sel": set_segment_base(SEGBASE_GS_USER_SEL, sel) loads the user-mode %gs
 * selector (Linux does it on every context switch, load_gs_index). As in Xen
 * (xen/arch/x86/pv/misc-hypercalls.c): a non-null selector gets RPL 3, a selector that cannot
 * be loaded leaves the user %gs null, the call returns 0 either way, the user GS base becomes
 * the descriptor's, and the kernel's %gs (base and use) is untouched.
 */
#include "bt.h"

#define MSR_GS_BASE 0xc0000101
#define MSR_SHADOW_GS_BASE 0xc0000102
#define HV_DATA_SEL 0xe010

static uint64_t kernel_word = 0x6b6b;

/* clang-format off */
BT_TRIGGER(u_read_gs_sel, "", "movl %gs, %eax", "");
/* clang-format on */

static uint64_t user_gs_selector(void)
{
    return (uint64_t)gk_user_run((long (*)(void))(uintptr_t)u_read_gs_sel) & 0xffff;
}

static uint64_t kernel_gs_word(void)
{
    uint64_t v;

    __asm__ volatile("movq %%gs:0, %0" : "=r"(v));
    return v;
}

static void load(uint64_t sel, uint64_t want_sel)
{
    char what[48];

    lib_snprintf(what, sizeof(what), "GS_USER_SEL %#lx", sel);
    BT_EQ(what, gk_hypercall_set_segment_base(PV_SEGBASE_GS_USER_SEL, sel), 0);
    BT_EQ(what, user_gs_selector(), want_sel);
    BT_EQ(what, bt_rdmsr(MSR_SHADOW_GS_BASE), 0); /* flat descriptor or null: base 0 */
    BT_EQ(what, kernel_gs_word(), kernel_word);
}

GK_TEST(gs_user_sel)
{
    const uint64_t kbase = (uint64_t)(uintptr_t)&kernel_word;

    GK_ASSERT_EQ(gk_user_init(), 0);
    GK_ASSERT_EQ(gk_hypercall_set_segment_base(PV_SEGBASE_GS_KERNEL, kbase), 0);
    GK_EXPECT_EQ(gk_hypercall_set_segment_base(PV_SEGBASE_GS_USER, 0x5000), 0);
    load(PV_FLAT_USER_DS32, PV_FLAT_USER_DS32);
    load(0, 0);
    load(PV_FLAT_USER_DS32 & ~3, PV_FLAT_USER_DS32); /* RPL 3 is forced */
    load(HV_DATA_SEL, 0);                            /* DPL 0: cannot be loaded, null */
    load(0x000f, 0);                                 /* LDT: there is none, null */
    /* A base set afterwards applies to the loaded selector. */
    GK_EXPECT_EQ(gk_hypercall_set_segment_base(PV_SEGBASE_GS_USER_SEL, PV_FLAT_USER_DS32), 0);
    GK_EXPECT_EQ(gk_hypercall_set_segment_base(PV_SEGBASE_GS_USER, 0x5000), 0);
    GK_EXPECT_EQ(bt_rdmsr(MSR_SHADOW_GS_BASE), 0x5000);
    GK_EXPECT_EQ(bt_rdmsr(MSR_GS_BASE), kbase);
    GK_EXPECT_EQ(user_gs_selector(), PV_FLAT_USER_DS32);
    GK_EXPECT_EQ(kernel_gs_word(), kernel_word);
}
