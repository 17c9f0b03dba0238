/*
 * Boot test "mmu_desc": descriptor tables a guest may not have (Xen's do_set_gdt/pv_set_gdt,
 * check_descriptor, do_update_descriptor, MMUEXT_SET_LDT; docs/porting.md §8). Refused
 * with -EINVAL, the tables unchanged:
 *   - set_gdt of more than 7168 entries, of a frame mapped writable, of a frame holding a TSS,
 *     an LDT descriptor, an interrupt or trap gate, a call gate to a hypervisor selector or
 *     with its reserved bits set; a list whose second frame is bad takes no reference on the
 *     first; an unreadable list is -EFAULT;
 *   - update_descriptor with the same descriptors, at a misaligned address, into a frame that
 *     is not the domain's or is a page table;
 *   - a writable mapping (-EBUSY) or an mmu_update into an installed GDT or LDT frame;
 *   - SET_LDT with a misaligned, non-canonical or hypervisor base, or more than 8192 entries.
 * Faults: a selector in a GDT page the guest did not give, or a hypervisor selector, is
 * #GP(selector). Accepted for contrast: not-present system descriptors, a call gate to the
 * flat kernel selector, update_descriptor into a plain page; every table can be mapped
 * writable again once it is no longer installed.
 */
#include "bt_mmu.h"

#define DESC_P (1ULL << 47)
#define SYS(type) (((uint64_t)(type) << 40) | DESC_P) /* a system descriptor, DPL 0 */
#define DATA_DPL3 0x00cff3000000ffffULL               /* flat data, accessed, DPL 3 */
#define HV_DATA_SEL 0xe010                            /* the hypervisor's ring-0 data */

static struct bt_region reg;

static uint64_t gate(uint16_t sel, unsigned dpl)
{
    return 0x1000 | ((uint64_t)sel << 16) | SYS(0xc) | ((uint64_t)dpl << 45);
}

static const struct {
    const char *what;
    uint64_t desc;
} bad[] = {
    {"a 64-bit TSS", SYS(0x9) | 0x67},
    {"a busy TSS", SYS(0xb) | 0x67},
    {"an LDT descriptor", SYS(0x2) | 0xfff},
    {"an interrupt gate", SYS(0xe) | ((uint64_t)PV_FLAT_KERNEL_CS << 16)},
    {"a trap gate", SYS(0xf) | ((uint64_t)PV_FLAT_KERNEL_CS << 16)},
    {"a call gate to the hypervisor's code selector", 0},
    {"a call gate with a parameter count", 0},
};

static uint64_t bad_desc(unsigned i)
{
    if (i == 5)
        return gate(0xe008, 3);
    if (i == 6)
        return gate(PV_FLAT_KERNEL_CS, 3) | (1ULL << 32);
    return bad[i].desc;
}

static long set_gdt(const uint64_t *frames, unsigned entries)
{
    return gk_hypercall(PV_HYPERCALL_set_gdt, frames, entries, 0, 0, 0);
}

static long update_descriptor(uint64_t maddr, uint64_t desc)
{
    return gk_hypercall(PV_HYPERCALL_update_descriptor, maddr, desc, 0, 0, 0);
}

static uint64_t *desc_page(uint64_t d1)
{
    uint64_t *p = gk_page_alloc();

    GK_ASSERT(p != NULL);
    p[1] = d1;
    return p;
}

/* Load sel into %ds expecting #GP(want_error); %ds ends null. */
static void expect_gp(const char *what, uint16_t sel, uint64_t want_error)
{
    struct gk_trap_record rec;

    GK_EXPECT_TRAP(GK_VEC_GP, &rec, __asm__ volatile("movw %w0, %%ds" ::"r"(sel)));
    if (rec.vector == GK_VEC_GP && rec.error_code != want_error)
        GK_FAIL("%s: #GP(%#lx), expected #GP(%#lx)", what, rec.error_code, want_error);
    __asm__ volatile("movw %w0, %%ds" ::"r"(0));
}

static void check_bad_frames(void)
{
    uint64_t *good = desc_page(DATA_DPL3), frames[2], unmapped = reg.va + 100 * 4096;

    frames[0] = gk_virt_to_mfn(good);
    GK_EXPECT_EQ(set_gdt(frames, 7169), -PV_EINVAL);
    GK_EXPECT_EQ(set_gdt(frames, 512), -PV_EINVAL); /* still mapped writable */
    GK_EXPECT_EQ(set_gdt((const uint64_t *)(uintptr_t)unmapped, 512), -PV_EFAULT);
    BT_REQUIRE_EQ(bt_protect(good, false), 0);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint64_t *b = desc_page(bad_desc(i));

        GK_EXPECT_EQ(bt_protect(b, false), 0);
        frames[1] = gk_virt_to_mfn(b);
        if (set_gdt(&frames[1], 512) != -PV_EINVAL)
            GK_FAIL("set_gdt of a frame with %s: not -EINVAL", bad[i].what);
        /* Second frame bad: the first must not keep a reference (it maps writable below). */
        GK_EXPECT_EQ(set_gdt(frames, 1024), -PV_EINVAL);
        GK_EXPECT_EQ(bt_protect(b, true), 0);
        gk_page_free(b);
    }
    GK_EXPECT_EQ(bt_protect(good, true), 0);
    gk_page_free(good);
}

static void check_installed_gdt(void)
{
    uint64_t *g = desc_page(DATA_DPL3), *plain = gk_page_alloc(), frame = gk_virt_to_mfn(g);
    uint64_t maddr = frame << 12, beyond;

    GK_ASSERT(plain != NULL);
    BT_REQUIRE_EQ(bt_protect(g, false), 0);
    BT_REQUIRE_EQ(set_gdt(&frame, 512), 0);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (update_descriptor(maddr + 16, bad_desc(i)) != -PV_EINVAL || g[2])
            GK_FAIL("update_descriptor with %s: not refused", bad[i].what);
    GK_EXPECT_EQ(update_descriptor(maddr + 16, SYS(0x9) & ~DESC_P), 0); /* not present */
    GK_EXPECT_EQ(update_descriptor(maddr + 16, gate(PV_FLAT_KERNEL_CS, 3)), 0);
    GK_EXPECT_EQ(update_descriptor(maddr + 12, DATA_DPL3), -PV_EINVAL); /* misaligned */
    beyond = (uint64_t)gk_hypercall_memory_op(PV_XENMEM_maximum_ram_page, NULL) + 16;
    GK_EXPECT_EQ(update_descriptor(beyond << 12, DATA_DPL3), -PV_EINVAL);
    GK_EXPECT_EQ(update_descriptor(reg.l1.mfn << 12, DATA_DPL3), -PV_EINVAL); /* a page table */
    GK_EXPECT_EQ(update_descriptor(gk_virt_to_mfn(plain) << 12, DATA_DPL3), 0);
    GK_EXPECT_EQ(plain[0], DATA_DPL3);
    /* The installed frame is no one's to write. */
    GK_EXPECT_EQ(bt_mmu(bt_region_pte(&reg, 0), maddr | BT_PTE_RWD), -PV_EBUSY);
    GK_EXPECT_EQ(bt_protect(g, true), -PV_EBUSY);
    GK_EXPECT_EQ(bt_mmu(maddr + 8, 0), -PV_EINVAL);
    GK_EXPECT_EQ(g[1], DATA_DPL3);
    /* Entry 600 lies in a GDT page the guest did not give; 0xe010 is the hypervisor's. */
    expect_gp("a selector past the guest's GDT frames", (600 << 3) | 3, 600 << 3);
    expect_gp("the hypervisor's data selector", HV_DATA_SEL | 3, HV_DATA_SEL);
    GK_EXPECT_EQ(set_gdt(NULL, 0), 0);
    GK_EXPECT_EQ(bt_protect(g, true), 0);
    gk_page_free(g);
    gk_page_free(plain);
}

static void check_ldt(void)
{
    uint64_t *ldt = desc_page(DATA_DPL3), base = (uint64_t)(uintptr_t)ldt, maddr;
    uint16_t sel = (1 << 3) | 4 | 3, got;

    maddr = gk_virt_to_mfn(ldt) << 12;
    BT_REQUIRE_EQ(bt_protect(ldt, false), 0);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_SET_LDT, base + 8, 16), -PV_EINVAL);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_SET_LDT, base, 8193), -PV_EINVAL);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_SET_LDT, 0x0000800000000000ULL, 16), -PV_EINVAL);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_SET_LDT, PV_MACH2PHYS_VIRT_START, 16), -PV_EINVAL);
    BT_REQUIRE_EQ(bt_ext(PV_MMUEXT_SET_LDT, base, 16), 0);
    /* Using it (Xen maps LDT frames on first use) makes the frame a descriptor page. */
    __asm__ volatile("movw %w1, %%es; movw %%es, %w0" : "=r"(got) : "r"(sel));
    GK_EXPECT_EQ(got, sel);
    __asm__ volatile("movw %w0, %%es" ::"r"(0));
    GK_EXPECT_EQ(bt_protect(ldt, true), -PV_EBUSY);
    GK_EXPECT_EQ(bt_mmu(bt_region_pte(&reg, 0), maddr | BT_PTE_RWD), -PV_EBUSY);
    GK_EXPECT_EQ(update_descriptor(maddr + 16, bad_desc(0)), -PV_EINVAL);
    GK_EXPECT_EQ(ldt[2], 0);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_SET_LDT, 0, 0), 0);
    GK_EXPECT_EQ(bt_protect(ldt, true), 0);
    gk_page_free(ldt);
}

GK_TEST(mmu_desc)
{
    BT_REQUIRE_EQ(bt_region_init(&reg), true);
    check_bad_frames();
    check_installed_gdt();
    check_ldt();
    bt_region_fini(&reg);
}
