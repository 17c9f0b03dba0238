/*
 * Boot test "ldt_lazy": MMUEXT_SET_LDT takes no frame, as in Xen (arch/x86/mm.c MMUEXT_SET_LDT,
 * pv/mm.c pv_map_ldt_shadow_page, traps.c handle_ldt_mapping_fault): only its arguments are
 * checked, and each LDT page is looked up in the kernel's page tables when a selector first
 * needs it. Checked:
 *   - SET_LDT at an unmapped address, or at a page mapped writable, succeeds; loading a
 *     selector from it is then #PF with %cr2 at that descriptor's guest address (the frame
 *     cannot be a descriptor page), and the same selector loads once the page is mapped
 *     read-only;
 *   - a page holding a descriptor Xen refuses (a TSS) is #PF the same way;
 *   - an LDT page whose guest address is not canonical is #GP(selector | TI);
 *   - a page in use is held as a descriptor page (no writable mapping), and is let go by a new
 *     kernel root (NEW_BASEPTR: it is looked up again through the new tables) and by SET_LDT.
 */
#include "bt_mmu.h"

#define DATA_DPL3 0x00cff3000000ffffULL /* flat data, accessed, DPL 3 */
#define TSS64 ((0x9ULL << 40) | (1ULL << 47) | 0x67)
#define SEL(i) ((uint16_t)(((i) << 3) | 4 | 3))

BT_ASM_USED volatile uint64_t load_sel;
/* clang-format off */
BT_TRIGGER(trig_load_es, "movq load_sel(%rip), %rax", "movw %ax, %es", "");
/* clang-format on */

static long set_ldt(uint64_t base, unsigned ents)
{
    return bt_ext(PV_MMUEXT_SET_LDT, base, ents);
}

/* Load sel into %es (then null again): true if it loaded, else *f is the trap. */
static bool load(uint16_t sel, struct gk_regs *f)
{
    load_sel = sel;
    if (bt_trap(trig_load_es, f, NULL))
        return false;
    __asm__ volatile("movw %w0, %%es" ::"r"(0));
    return true;
}

static void expect_pf(const char *what, uint16_t sel, uint64_t cr2)
{
    struct gk_regs f;

    if (load(sel, &f)) {
        GK_FAIL("%s: the selector loaded", what);
        return;
    }
    BT_EQ(what, f.vector, GK_VEC_PF);
    BT_EQ(what, f.error_code & 1, 0); /* not present to the hypervisor's own read */
    BT_EQ(what, f.rip, (uint64_t)(uintptr_t)trig_load_es_insn);
    BT_EQ(what, bt_read_cr2(), cr2);
}

static void expect_loads(const char *what, uint16_t sel)
{
    struct gk_regs f;

    if (!load(sel, &f))
        GK_FAIL("%s: vector %lu (error %#lx)", what, f.vector, f.error_code);
}

static void check_unmapped(void)
{
    uint64_t va = bt_free_2m_va(0);

    GK_ASSERT(va != 0 && bt_is_unmapped(va));
    GK_EXPECT_EQ(set_ldt(va, 16), 0);
    expect_pf("an LDT at an unmapped address", SEL(1), va + 8);
    expect_pf("its entry 9", SEL(9), va + 72);
    GK_EXPECT_EQ(set_ldt(0, 0), 0);
}

static void check_writable_then_read_only(void)
{
    uint64_t *p = gk_page_alloc(), base = (uint64_t)(uintptr_t)p;

    GK_ASSERT(p != NULL);
    p[1] = DATA_DPL3;
    GK_EXPECT_EQ(set_ldt(base, 16), 0); /* mapped writable: fine until it is used */
    expect_pf("an LDT page mapped writable", SEL(1), base + 8);
    GK_EXPECT_EQ(p[1], DATA_DPL3);
    GK_EXPECT_EQ(bt_protect(p, false), 0);
    expect_loads("the same page mapped read-only", SEL(1));
    GK_EXPECT_EQ(bt_protect(p, true), -PV_EBUSY); /* held as a descriptor page now */
    /* A new kernel root lets it go (the same root, reloaded, as in Xen's new_guest_cr3). */
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_BASEPTR, bt_cur_l4(), 0), 0);
    GK_EXPECT_EQ(bt_protect(p, true), 0);
    GK_EXPECT_EQ(bt_protect(p, false), 0);
    expect_loads("taken again after the new root", SEL(1));
    GK_EXPECT_EQ(bt_protect(p, true), -PV_EBUSY);
    /* SET_LDT with the same arguments changes nothing; other ones let the page go. */
    GK_EXPECT_EQ(set_ldt(base, 16), 0);
    GK_EXPECT_EQ(bt_protect(p, true), -PV_EBUSY);
    GK_EXPECT_EQ(set_ldt(base, 32), 0);
    GK_EXPECT_EQ(bt_protect(p, true), 0);
    GK_EXPECT_EQ(set_ldt(0, 0), 0);
    gk_page_free(p);
}

static void check_bad_descriptor(void)
{
    uint64_t *p = gk_page_alloc(), base = (uint64_t)(uintptr_t)p;

    GK_ASSERT(p != NULL);
    p[1] = DATA_DPL3;
    p[4] = TSS64;
    GK_EXPECT_EQ(bt_protect(p, false), 0);
    GK_EXPECT_EQ(set_ldt(base, 16), 0);
    expect_pf("an LDT page holding a TSS descriptor", SEL(1), base + 8);
    GK_EXPECT_EQ(set_ldt(0, 0), 0);
    GK_EXPECT_EQ(bt_protect(p, true), 0);
    gk_page_free(p);
}

/* 8192 entries from the last page of the lower half: the second page is not canonical. */
static void check_non_canonical(void)
{
    struct gk_regs f;

    GK_EXPECT_EQ(set_ldt(0x00007ffffffff000ULL, 8192), 0);
    if (load(SEL(512), &f)) {
        GK_FAIL("a selector in the non-canonical LDT page loaded");
    } else {
        BT_EQ("non-canonical LDT page", f.vector, GK_VEC_GP);
        BT_EQ("non-canonical LDT page", f.error_code, (512 << 3) | 4);
    }
    GK_EXPECT_EQ(set_ldt(0, 0), 0);
}

static void check_arguments(void)
{
    uint64_t va = bt_free_2m_va(0);

    GK_EXPECT_EQ(set_ldt(va + 8, 16), -PV_EINVAL);
    GK_EXPECT_EQ(set_ldt(va, 8193), -PV_EINVAL);
    GK_EXPECT_EQ(set_ldt(0x0000800000000000ULL, 16), -PV_EINVAL);
    GK_EXPECT_EQ(set_ldt(PV_MACH2PHYS_VIRT_START, 16), -PV_EINVAL);
    GK_EXPECT_EQ(set_ldt(va + 8, 0), 0); /* no entries: the base is not looked at */
}

GK_TEST(ldt_lazy)
{
    check_arguments();
    check_unmapped();
    check_writable_then_read_only();
    check_bad_descriptor();
    check_non_canonical();
}
