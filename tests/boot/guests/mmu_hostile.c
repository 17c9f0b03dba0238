/*
 * Boot test guest "mmu_hostile": one rule of the PV page-table model per case ("rule=NAME",
 * test name mmu_NAME), broken on purpose; each attempt must get Xen's error code or fault
 * (xen/arch/x86/mm.c: get_page_from_l1e, get_page_from_lNe, mod_lN_entry, do_mmuext_op,
 * __do_update_va_mapping; docs/porting.md §6) and leave the tables as they were. Each rule
 * also does the legal twin of its refused operation, so that a hypervisor refusing everything
 * fails too.
 *   pt_writable   a table in use (L1..L4 of the kernel, a pinned L1, the test's own L1) mapped
 *                 writable: -EBUSY (read-only works); a page still mapped writable pinned as
 *                 a table or used as one by an L2 entry: -EINVAL
 *   foreign       frames the domain does not own: the next and previous machine frames, an
 *                 M2P frame of the hypervisor (-EBUSY), machine frame 0, which Xen gives to
 *                 DOMID_IO, the ISA hole, the IO-APIC page and a frame beyond RAM (-EPERM:
 *                 I/O memory is dom0's alone), the all-ones frame (-EINVAL);
 *                 as an L2 entry, pinned, as a root, M2P update, copy/clear, descriptor
 *                 tables, mmu_update into them: -EINVAL
 *   hv_slots      L4 slots 256-271 (Xen's): mmu_update -EINVAL, unchanged; slots 255 and 272
 *                 work; update_va_mapping there -EINVAL; garbage in those slots of a new L4
 *                 is replaced by the hypervisor's entries when it is pinned
 *   linear        a writable recursive L4 entry -EINVAL, a read-only one works (the L4 and an
 *                 L1 read through it, writes fault); the same for self-mapping L3 and L2
 *   unpin_in_use  unpin the current root, an L1 still referenced by a pinned L2, a private
 *                 tree while it is the kernel or the user root: 0, and the frame stays a
 *                 table (-EBUSY writable) until the last user lets go
 *   two_levels    a frame typed L1 pinned as L2/L3/L4, reached from an L3 entry as an L2,
 *                 given to set_gdt or update_descriptor: -EINVAL; an L2 entry to another L2
 *                 read-only (a linear entry) works, writable -EINVAL
 *   bad_flags     PSE, PCD, PWT and G in L2/L3/L4 entries, PCD/PWT/PAT in L1 entries (a domU
 *                 without I/O memory), in updates and in pinned tables: -EINVAL; G, the
 *                 available bits and NX in an L1 entry work
 *   ptwr_nonl1    with writable page tables, direct writes to L2, L3 and L4 tables and to a
 *                 GDT page are #PF (P|W) at the entry, unchanged; an L1 write is emulated
 */
#include "bt_mmu.h"

#define PF_P 1ULL
#define PF_W 2ULL

static struct bt_region reg;

static uint64_t rd(uint64_t va)
{
    return *(volatile uint64_t *)(uintptr_t)va;
}

static uint64_t mfn_of(const void *p)
{
    return gk_virt_to_mfn(p);
}

static void *page(void)
{
    void *p = gk_page_alloc();

    GK_ASSERT(p != NULL);
    return p;
}

/* mmu_update of region entry `slot` to val must give want; a refused one leaves it empty, an
 * accepted one is cleared again. */
static void try_map(const char *what, unsigned slot, uint64_t val, long want)
{
    long rc = bt_mmu(bt_region_pte(&reg, slot), val);

    if (rc != want)
        GK_FAIL("%s: mmu_update gave %ld, expected %ld", what, rc, want);
    if (rc && reg.l1.va[slot])
        GK_FAIL("%s: the refused entry changed to %#lx", what, reg.l1.va[slot]);
    if (!rc && bt_mmu(bt_region_pte(&reg, slot), 0))
        GK_FAIL("%s: cannot clear the entry again", what);
}

static void try_uvm(const char *what, uint64_t val, long want)
{
    long rc = bt_uvm(reg.va, val, PV_UVMF_INVLPG);

    if (rc != want)
        GK_FAIL("%s: update_va_mapping gave %ld, expected %ld", what, rc, want);
    if (!rc && bt_uvm(reg.va, 0, PV_UVMF_INVLPG))
        GK_FAIL("%s: cannot clear the entry again", what);
}

static void region_up(void)
{
    BT_REQUIRE_EQ(bt_region_init(&reg), true);
}

/* A table page with entry `slot` pointing at the page itself with flags (a self map). */
static bool self_table(struct bt_table *t, unsigned slot, uint64_t flags)
{
    uint64_t *p = page();

    t->va = p;
    t->mfn = mfn_of(p);
    p[slot] = (t->mfn << 12) | flags;
    return bt_protect(p, false) == 0;
}

static void rule_pt_writable(void)
{
    struct bt_table x;
    uint64_t *y = page(), va2;

    region_up();
    for (unsigned level = 1; level <= 4; level++) {
        uint64_t t = bt_table_of(GK_VIRT_BASE, level);
        unsigned i = bt_pt_index(GK_VIRT_BASE, level);
        char what[40];

        lib_snprintf(what, sizeof(what), "the kernel's L%u", level);
        try_map(what, 0, (t << 12) | BT_PTE_RWD, -PV_EBUSY);
        try_uvm(what, (t << 12) | BT_PTE_RWD, -PV_EBUSY);
        BT_REQUIRE_EQ(bt_mmu(bt_region_pte(&reg, 1), (t << 12) | BT_PTE_RO), 0);
        GK_EXPECT_EQ(rd(reg.va + 4096 + i * 8), bt_peek(t, i));
        GK_EXPECT_EQ(bt_mmu(bt_region_pte(&reg, 1), 0), 0);
        GK_EXPECT_EQ(bt_invlpg(reg.va + 4096), 0);
    }
    try_map("the test region's own L1", 0, (reg.l1.mfn << 12) | BT_PTE_RWD, -PV_EBUSY);
    /* Pinned but referenced by nothing: still a table. */
    BT_REQUIRE_EQ(bt_table_new(&x, NULL), true);
    GK_EXPECT_EQ(bt_pin(1, x.mfn), 0);
    try_map("a pinned L1", 0, (x.mfn << 12) | BT_PTE_RWD, -PV_EBUSY);
    GK_EXPECT_EQ(bt_unpin(x.mfn), 0);
    try_map("an L1 after its unpin", 0, (x.mfn << 12) | BT_PTE_RWD, 0);
    GK_EXPECT_EQ(bt_table_free(&x), 0);
    /* A page mapped writable (the kit's mapping of y) cannot become a table. */
    GK_EXPECT_EQ(bt_pin(1, mfn_of(y)), -PV_EINVAL);
    GK_EXPECT_EQ(bt_pin(4, mfn_of(y)), -PV_EINVAL);
    va2 = bt_free_2m_va(0);
    GK_EXPECT_EQ(bt_mmu(bt_entry_maddr(va2, 2), (mfn_of(y) << 12) | BT_PTE_TABLE), -PV_EINVAL);
    GK_EXPECT_EQ(bt_peek(bt_table_of(va2, 2), bt_pt_index(va2, 2)), 0);
    bt_region_fini(&reg);
}

/* The frames of the domain: lowest and highest machine frame in its p2m. */
static void own_range(uint64_t *min, uint64_t *max)
{
    *min = ~0ULL;
    *max = 0;
    for (uint64_t pfn = 0; pfn < gk_start_info->nr_pages; pfn++) {
        uint64_t mfn = gk_pfn_to_mfn(pfn);

        *min = mfn < *min ? mfn : *min;
        *max = mfn > *max ? mfn : *max;
    }
}

/* Everything but an L1 entry refuses a frame that is not the domain's with -EINVAL. */
static void foreign_everywhere(const char *what, uint64_t mfn, uint64_t own)
{
    uint64_t va2 = bt_free_2m_va(0), frame = mfn;
    struct pv_mmu_update m2p = {.ptr = (mfn << 12) | PV_MMU_MACHPHYS_UPDATE, .val = 1};

    gk_test_log("foreign frame %#lx: %s", mfn, what);
    GK_EXPECT_EQ(bt_mmu(bt_entry_maddr(va2, 2), (mfn << 12) | BT_PTE_TABLE), -PV_EINVAL);
    for (unsigned level = 1; level <= 4; level++)
        GK_EXPECT_EQ(bt_pin(level, mfn), -PV_EINVAL);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_BASEPTR, mfn, 0), -PV_EINVAL);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_USER_BASEPTR, mfn, 0), -PV_EINVAL);
    GK_EXPECT_EQ(gk_hypercall_mmu_update(&m2p, 1, NULL, PV_DOMID_SELF), -PV_EINVAL);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_COPY_PAGE, own, mfn), -PV_EINVAL);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_COPY_PAGE, mfn, own), -PV_EINVAL);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_CLEAR_PAGE, mfn, 0), -PV_EINVAL);
    GK_EXPECT_EQ(bt_mmu(mfn << 12, 0), -PV_EINVAL);
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_update_descriptor, mfn << 12, 0, 0, 0, 0), -PV_EINVAL);
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_set_gdt, &frame, 1, 0, 0, 0), -PV_EINVAL);
}

static void rule_foreign(void)
{
    uint64_t min, max, max_ram, m2p_mfn = 0, *own = page();
    struct pv_machphys_mfn_list l = {.max_extents = 1, .extent_start = PV_GUEST_PTR(&m2p_mfn)};
    struct {
        const char *what;
        uint64_t mfn;
        long want;
    } f[8];
    unsigned n = 0;

    region_up();
    own_range(&min, &max);
    max_ram = (uint64_t)gk_hypercall_memory_op(PV_XENMEM_maximum_ram_page, NULL);
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_machphys_mfn_list, &l), 0);
    /* shared_info is the hypervisor's, but shared with the domain: mappable like its own. */
    if (max + 1 < max_ram && max + 1 != gk_start_info->shared_info >> 12)
        f[n++] = (typeof(f[0])){"the frame after the domain's last", max + 1, -PV_EBUSY};
    if (min - 1 >= 0x100 && min - 1 != gk_start_info->shared_info >> 12) /* Xen: 1st MiB I/O */
        f[n++] = (typeof(f[0])){"the frame before the domain's first", min - 1, -PV_EBUSY};
    f[n++] = (typeof(f[0])){"a frame of the hypervisor's M2P", m2p_mfn, -PV_EBUSY};
    f[n++] = (typeof(f[0])){"machine frame 0 (DOMID_IO's in Xen)", 0, -PV_EPERM};
    f[n++] = (typeof(f[0])){"a frame beyond RAM", max_ram + 16, -PV_EPERM};
    f[n++] = (typeof(f[0])){"the ISA hole (VGA text memory)", 0xb8, -PV_EPERM};
    f[n++] = (typeof(f[0])){"the IO-APIC page", 0xfec00, -PV_EPERM};
    f[n++] = (typeof(f[0])){"the all-ones frame", 0xffffffffffULL, -PV_EINVAL};
    for (unsigned i = 0; i < n; i++) {
        try_map(f[i].what, 0, (f[i].mfn << 12) | BT_PTE_RO, f[i].want);
        try_map(f[i].what, 0, (f[i].mfn << 12) | BT_PTE_RWD, f[i].want);
        try_uvm(f[i].what, (f[i].mfn << 12) | BT_PTE_RO, f[i].want);
        if (f[i].want == -PV_EBUSY)
            foreign_everywhere(f[i].what, f[i].mfn, mfn_of(own));
    }
    /* The domain's own frame, for contrast. */
    own[0] = 0x600d;
    GK_EXPECT_EQ(bt_mmu(bt_region_pte(&reg, 0), (mfn_of(own) << 12) | BT_PTE_RO), 0);
    GK_EXPECT_EQ(rd(reg.va), 0x600d);
    bt_region_fini(&reg);
}

static void rule_hv_slots(void)
{
    uint64_t l4 = bt_cur_l4(), l3 = bt_table_of(GK_VIRT_BASE, 3), *junk = page(), e[512];
    unsigned l3i = bt_pt_index(GK_VIRT_BASE, 3), l2i = bt_pt_index(GK_VIRT_BASE, 2);
    static const unsigned edges[] = {BT_HV_SLOT_FIRST - 1, BT_HV_SLOT_LAST + 1};
    struct bt_table t;

    for (unsigned s = BT_HV_SLOT_FIRST; s <= BT_HV_SLOT_LAST; s++) {
        uint64_t before = bt_peek(l4, s), ptr = (l4 << 12) + s * 8;

        GK_EXPECT_EQ(bt_mmu(ptr, 0), -PV_EINVAL);
        GK_EXPECT_EQ(bt_mmu(ptr, (l3 << 12) | BT_PTE_TABLE), -PV_EINVAL);
        GK_EXPECT_EQ(bt_mmu(ptr | PV_MMU_PT_UPDATE_PRESERVE_AD, before), -PV_EINVAL);
        GK_EXPECT_EQ(bt_peek(l4, s), before);
    }
    /* The guest slots on either side take the kernel's L3 (a second view of the kernel). */
    for (unsigned i = 0; i < 2; i++) {
        uint64_t ptr = (l4 << 12) + edges[i] * 8;

        GK_EXPECT_EQ(bt_peek(l4, edges[i]), 0);
        GK_EXPECT_EQ(bt_mmu(ptr, (l3 << 12) | BT_PTE_TABLE), 0);
        GK_EXPECT_EQ(rd(bt_va_of(edges[i], l3i, l2i, 0)), rd(GK_VIRT_BASE));
        GK_EXPECT_EQ(bt_mmu(ptr, 0), 0);
        GK_EXPECT_EQ(bt_ext(PV_MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    }
    GK_EXPECT_EQ(bt_uvm(PV_MACH2PHYS_VIRT_START, 0, PV_UVMF_INVLPG), -PV_EINVAL);
    GK_EXPECT_EQ(bt_uvm(0xffff87fffffff000ULL, 0, PV_UVMF_INVLPG), -PV_EINVAL);
    GK_EXPECT_EQ(bt_uvm(0x0000800000000000ULL, 0, PV_UVMF_INVLPG), -PV_EINVAL); /* not canonical */
    /* A new L4 with writable entries in the hypervisor's slots: ignored, then overwritten. */
    for (unsigned s = 0; s < 512; s++)
        e[s] =
            s >= BT_HV_SLOT_FIRST && s <= BT_HV_SLOT_LAST ? (mfn_of(junk) << 12) | BT_PTE_RWD : 0;
    BT_REQUIRE_EQ(bt_table_new(&t, e), true);
    GK_EXPECT_EQ(bt_pin(4, t.mfn), 0);
    /* The M2P slot: empty until the L4 becomes a kernel root (VMASST_TYPE_m2p_strict off, Xen's
     * rule); the current root has it. */
    GK_EXPECT_EQ(t.va[BT_HV_SLOT_FIRST], 0);
    GK_EXPECT_NE(bt_peek(l4, BT_HV_SLOT_FIRST), 0);
    for (unsigned s = BT_HV_SLOT_FIRST; s <= BT_HV_SLOT_LAST; s++)
        if (t.va[s] == e[s])
            GK_FAIL("hypervisor slot %u of a pinned L4 kept the guest's entry %#lx", s, e[s]);
    GK_EXPECT_EQ(bt_unpin(t.mfn), 0);
    GK_EXPECT_EQ(bt_table_free(&t), 0);
}

/* A free slot (from 400: clear of the hypervisor's L4 slots) of a table. */
static __attribute__((noinline)) unsigned free_slot(uint64_t table)
{
    for (unsigned s = 400; s < 510; s++)
        if (!bt_peek(table, s))
            return s;
    GK_FAIL("no free slot in table %#lx", table);
    gk_test_finish();
}

static void rule_linear(void)
{
    uint64_t l4 = bt_cur_l4(), kl1 = bt_table_of(GK_VIRT_BASE, 1), ptr;
    unsigned s = free_slot(l4), k4 = bt_pt_index(GK_VIRT_BASE, 4);
    uint64_t self = bt_va_of(s, s, s, s), ro = (l4 << 12) | BT_PTE_P | BT_PTE_US | BT_PTE_A;
    volatile uint64_t *slot_entry = (volatile uint64_t *)(uintptr_t)(self + s * 8);
    struct gk_trap_record rec;
    struct bt_table t;

    ptr = (l4 << 12) + s * 8;
    GK_EXPECT_EQ(bt_mmu(ptr, ro | BT_PTE_RW), -PV_EINVAL);
    GK_EXPECT_EQ(bt_peek(l4, s), 0);
    BT_REQUIRE_EQ(bt_mmu(ptr, ro), 0);
    GK_EXPECT_EQ(rd(self + k4 * 8), bt_peek(l4, k4));
    GK_EXPECT_EQ(rd(bt_va_of(s, k4, bt_pt_index(GK_VIRT_BASE, 3), bt_pt_index(GK_VIRT_BASE, 2))),
                 bt_peek(kl1, 0));
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, *slot_entry = *slot_entry);
    GK_EXPECT_EQ(rec.error_code & (PF_P | PF_W), PF_P | PF_W);
    GK_EXPECT_EQ(bt_mmu(ptr, ro | BT_PTE_RW), -PV_EINVAL); /* making it writable later */
    GK_EXPECT_EQ(bt_peek(l4, s) & (BT_PTE_ADDR | BT_PTE_RW), l4 << 12);
    GK_EXPECT_EQ(bt_mmu(ptr, 0), 0);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    /* Self-mapping L3 and L2 tables: read-only accepted, writable refused. */
    for (unsigned level = 2; level <= 3; level++) {
        GK_EXPECT(self_table(&t, 7, BT_PTE_P | BT_PTE_US | BT_PTE_A));
        GK_EXPECT_EQ(bt_pin(level, t.mfn), 0);
        GK_EXPECT_EQ(bt_unpin(t.mfn), 0);
        GK_EXPECT_EQ(bt_table_free(&t), 0);
        GK_EXPECT(self_table(&t, 7, BT_PTE_P | BT_PTE_RW | BT_PTE_US | BT_PTE_A));
        GK_EXPECT_EQ(bt_pin(level, t.mfn), -PV_EINVAL);
        GK_EXPECT_EQ(bt_table_free(&t), 0);
    }
}

static void rule_unpin_in_use(void)
{
    static struct bt_tree tree;
    uint64_t boot = bt_cur_l4(), e[512] = {0};
    struct bt_table x, y;

    region_up();
    /* The current root, pinned by the domain builder. */
    GK_EXPECT_EQ(bt_unpin(boot), 0);
    GK_EXPECT_EQ(bt_unpin(boot), -PV_EINVAL); /* not pinned any more */
    try_map("the current root after its unpin", 0, (boot << 12) | BT_PTE_RWD, -PV_EBUSY);
    GK_EXPECT_EQ(bt_pin(4, boot), 0);
    /* An L1 still referenced by a pinned L2. */
    BT_REQUIRE_EQ(bt_table_new(&x, NULL), true);
    e[0] = (x.mfn << 12) | BT_PTE_TABLE;
    BT_REQUIRE_EQ(bt_table_new(&y, e), true);
    GK_EXPECT_EQ(bt_pin(1, x.mfn), 0);
    GK_EXPECT_EQ(bt_pin(2, y.mfn), 0);
    GK_EXPECT_EQ(bt_unpin(x.mfn), 0);
    try_map("an unpinned L1 its L2 still uses", 0, (x.mfn << 12) | BT_PTE_RWD, -PV_EBUSY);
    GK_EXPECT_EQ(bt_table_free(&x), -PV_EBUSY);
    GK_EXPECT_EQ(bt_unpin(y.mfn), 0);
    GK_EXPECT_EQ(bt_table_free(&x), 0);
    GK_EXPECT_EQ(bt_table_free(&y), 0);
    /* A private tree unpinned while it is the kernel root, then while it is the user root. */
    BT_REQUIRE_EQ(bt_tree_build(&tree, 0, 0), true);
    BT_REQUIRE_EQ(bt_pin(4, tree.l4.mfn), 0);
    BT_REQUIRE_EQ(bt_ext(PV_MMUEXT_NEW_BASEPTR, tree.l4.mfn, 0), 0);
    GK_EXPECT_EQ(bt_unpin(tree.l4.mfn), 0);
    try_map("the kernel root after its unpin", 0, (tree.l4.mfn << 12) | BT_PTE_RWD, -PV_EBUSY);
    try_map("an L1 of the unpinned kernel root", 0, (tree.l1[0].mfn << 12) | BT_PTE_RWD, -PV_EBUSY);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_BASEPTR, boot, 0), 0);
    GK_EXPECT_EQ(bt_pin(4, tree.l4.mfn), 0);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_USER_BASEPTR, tree.l4.mfn, 0), 0);
    GK_EXPECT_EQ(bt_unpin(tree.l4.mfn), 0);
    try_map("the user root after its unpin", 0, (tree.l4.mfn << 12) | BT_PTE_RWD, -PV_EBUSY);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
    GK_EXPECT_EQ(bt_tree_free(&tree), 0); /* nothing holds it now */
    bt_region_fini(&reg);
}

static void rule_two_levels(void)
{
    uint64_t e[512] = {0}, d = 0, l2 = bt_table_of(GK_VIRT_BASE, 2);
    uint64_t va2 = bt_free_2m_va(0), ptr = bt_entry_maddr(va2, 2), frame;
    struct bt_table x, z;

    BT_REQUIRE_EQ(bt_table_new(&x, NULL), true);
    BT_REQUIRE_EQ(bt_pin(1, x.mfn), 0);
    for (unsigned level = 2; level <= 4; level++)
        GK_EXPECT_EQ(bt_pin(level, x.mfn), -PV_EINVAL);
    e[0] = (x.mfn << 12) | BT_PTE_TABLE;
    BT_REQUIRE_EQ(bt_table_new(&z, e), true);
    GK_EXPECT_EQ(bt_pin(3, z.mfn), -PV_EINVAL); /* its entry needs an L2, x is an L1 */
    frame = x.mfn;
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_set_gdt, &frame, 1, 0, 0, 0), -PV_EINVAL);
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_update_descriptor, x.mfn << 12, d, 0, 0, 0), -PV_EINVAL);
    GK_EXPECT_EQ(bt_unpin(x.mfn), 0);
    GK_EXPECT_EQ(bt_pin(2, x.mfn), 0); /* free of its L1 use, it may become an L2 */
    GK_EXPECT_EQ(bt_pin(3, z.mfn), 0);
    GK_EXPECT_EQ(bt_unpin(z.mfn), 0);
    /* An L2 entry to another L2: writable refused, read-only is a linear entry. */
    GK_EXPECT_EQ(bt_mmu(ptr, (x.mfn << 12) | BT_PTE_TABLE), -PV_EINVAL);
    GK_EXPECT_EQ(bt_peek(l2, bt_pt_index(va2, 2)), 0);
    GK_EXPECT_EQ(bt_mmu(ptr, (x.mfn << 12) | BT_PTE_P | BT_PTE_US | BT_PTE_A), 0);
    GK_EXPECT_EQ(bt_mmu(ptr, 0), 0);
    GK_EXPECT_EQ(bt_unpin(x.mfn), 0);
    GK_EXPECT_EQ(bt_table_free(&z), 0);
    GK_EXPECT_EQ(bt_table_free(&x), 0);
}

static void rule_bad_flags(void)
{
    static const uint64_t upper_bad[] = {BT_PTE_PSE, BT_PTE_PCD, BT_PTE_PWT, BT_PTE_G};
    static const uint64_t l1_bad[] = {BT_PTE_PCD, BT_PTE_PWT, BT_PTE_PSE /* PAT */};
    uint64_t *data = page(), e[512] = {0};
    struct bt_table lower, bad;

    region_up();
    for (unsigned level = 2; level <= 4; level++) {
        uint64_t va = level == 2 ? bt_free_2m_va(0) : 0, ptr;

        if (level == 3)
            ptr =
                (bt_table_of(GK_VIRT_BASE, 3) << 12) + 8 * free_slot(bt_table_of(GK_VIRT_BASE, 3));
        else if (level == 4)
            ptr = (bt_cur_l4() << 12) + 8 * free_slot(bt_cur_l4());
        else
            ptr = bt_entry_maddr(va, 2);
        GK_EXPECT_EQ(bt_peek(ptr >> 12, (ptr & 4095) / 8), 0);
        BT_REQUIRE_EQ(bt_table_new(&lower, NULL), true);
        for (unsigned i = 0; i < 4; i++) {
            GK_EXPECT_EQ(bt_mmu(ptr, (lower.mfn << 12) | BT_PTE_TABLE | upper_bad[i]), -PV_EINVAL);
            e[0] = (lower.mfn << 12) | BT_PTE_TABLE | upper_bad[i];
            BT_REQUIRE_EQ(bt_table_new(&bad, e), true);
            GK_EXPECT_EQ(bt_pin(level, bad.mfn), -PV_EINVAL);
            GK_EXPECT_EQ(bt_table_free(&bad), 0);
        }
        GK_EXPECT_EQ(bt_peek(ptr >> 12, (ptr & 4095) / 8), 0);
        GK_EXPECT_EQ(bt_mmu(ptr, (lower.mfn << 12) | BT_PTE_TABLE), 0); /* the same, clean */
        GK_EXPECT_EQ(bt_mmu(ptr, 0), 0);
        GK_EXPECT_EQ(bt_table_free(&lower), 0);
    }
    /* A superpage entry mapping data directly. */
    GK_EXPECT_EQ(
        bt_mmu(bt_entry_maddr(bt_free_2m_va(0), 2), (mfn_of(data) << 12) | BT_PTE_RWD | BT_PTE_PSE),
        -PV_EINVAL);
    for (unsigned i = 0; i < 3; i++) {
        try_map("L1 cache attributes", 0, (mfn_of(data) << 12) | BT_PTE_RWD | l1_bad[i],
                -PV_EINVAL);
        e[0] = (mfn_of(data) << 12) | BT_PTE_RWD | l1_bad[i];
        BT_REQUIRE_EQ(bt_table_new(&bad, e), true);
        GK_EXPECT_EQ(bt_pin(1, bad.mfn), -PV_EINVAL);
        GK_EXPECT_EQ(bt_table_free(&bad), 0);
    }
    try_map("L1 global", 0, (mfn_of(data) << 12) | BT_PTE_RWD | BT_PTE_G, 0);
    try_map("L1 available bits", 0, (mfn_of(data) << 12) | BT_PTE_RWD | (7ULL << 9) | (1ULL << 55),
            0);
    bt_region_fini(&reg);
}

/* A direct write to a table other than an L1 must be a #PF with the entry unchanged. */
static void direct_write_faults(const char *what, volatile uint64_t *entry)
{
    struct gk_trap_record rec;
    uint64_t old = *entry;

    GK_EXPECT_TRAP(GK_VEC_PF, &rec, *entry = old); /* the same value: harmless if it went in */
    if (rec.error_code != (PF_P | PF_W) || bt_read_cr2() != (uint64_t)(uintptr_t)entry)
        GK_FAIL("%s: #PF error %#lx cr2 %#lx, expected %#llx at %p", what, rec.error_code,
                bt_read_cr2(), PF_P | PF_W, (void *)entry);
    if (*entry != old)
        GK_FAIL("%s: the entry changed to %#lx", what, *entry);
}

static void rule_ptwr_nonl1(void)
{
    struct bt_table t[4];
    uint64_t e[512] = {0}, *data = page(), *gdt = page(), frame = mfn_of(gdt);
    uint64_t kl4 = bt_cur_l4();
    volatile uint64_t *kernel_l4 = gk_pfn_to_virt(gk_mfn_to_pfn(kl4));
    struct gk_trap_record rec;

    for (unsigned level = 1; level <= 4; level++) {
        e[3] =
            level == 1 ? (mfn_of(data) << 12) | BT_PTE_RO : (t[level - 2].mfn << 12) | BT_PTE_TABLE;
        BT_REQUIRE_EQ(bt_table_new(&t[level - 1], e), true);
    }
    BT_REQUIRE_EQ(bt_pin(4, t[3].mfn), 0);
    gdt[1] = 0x00cff3000000ffffULL; /* flat data, DPL 3 */
    BT_REQUIRE_EQ(bt_protect(gdt, false), 0);
    BT_REQUIRE_EQ(gk_hypercall(PV_HYPERCALL_set_gdt, &frame, 512, 0, 0, 0), 0);
    GK_EXPECT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_enable, PV_VMASST_TYPE_writable_pagetables),
                 0);
    direct_write_faults("an L2", &t[1].va[3]);
    direct_write_faults("an L3", &t[2].va[3]);
    direct_write_faults("an L4", &t[3].va[3]);
    direct_write_faults("the kernel's L4", &kernel_l4[bt_pt_index(GK_VIRT_BASE, 4)]);
    direct_write_faults("a GDT page", (volatile uint64_t *)&gdt[1]);
    *(volatile uint64_t *)&t[0].va[3] = 0; /* an L1: emulated */
    GK_EXPECT_EQ(t[0].va[3], 0);
    GK_EXPECT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_disable, PV_VMASST_TYPE_writable_pagetables),
                 0);
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, *(volatile uint64_t *)&t[0].va[4] = 0);
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_set_gdt, NULL, 0, 0, 0, 0), 0);
    GK_EXPECT_EQ(bt_unpin(t[3].mfn), 0);
    for (unsigned level = 1; level <= 4; level++)
        GK_EXPECT_EQ(bt_table_free(&t[level - 1]), 0);
}

static const struct bt_rule rules[] = {
    {"pt_writable", rule_pt_writable},   {"foreign", rule_foreign},
    {"hv_slots", rule_hv_slots},         {"linear", rule_linear},
    {"unpin_in_use", rule_unpin_in_use}, {"two_levels", rule_two_levels},
    {"bad_flags", rule_bad_flags},       {"ptwr_nonl1", rule_ptwr_nonl1},
};

void gk_main(void)
{
    bt_run_rule("mmu_", rules, sizeof(rules) / sizeof(rules[0]));
}
