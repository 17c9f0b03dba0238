/*
 * Boot test "mmu_legal": every legal PV MMU operation, each checked by its effect on memory
 * read through the mapping it made (Xen's do_mmu_update, do_mmuext_op, do_update_va_mapping,
 * do_multicall, do_set_gdt, do_update_descriptor; docs/porting.md §6):
 *   - a new L1 (read-only, cleared with CLEAR_PAGE) hooked into an L2 slot by mmu_update, a
 *     page mapped through it, written and read at both addresses, unmapped (#PF after invlpg);
 *     MMU_PT_UPDATE_NO_TRANSLATE, which a PV guest may use as a normal update;
 *   - update_va_mapping with UVMF_INVLPG, UVMF_TLB_FLUSH, UVMF_ALL and UVMF_MULTI (vcpumask);
 *     the mmuext flushes (TLB_FLUSH_LOCAL/MULTI/ALL, INVLPG_LOCAL/MULTI/ALL) after a plain
 *     mmu_update; MMU_PT_UPDATE_PRESERVE_AD against the A/D bits the CPU set;
 *   - MMU_MACHPHYS_UPDATE read back in the M2P; COPY_PAGE and CLEAR_PAGE;
 *   - pin and unpin of an L1..L4 chain; a complete private 4-level tree pinned, loaded with
 *     NEW_BASEPTR and run on (a region only it maps is readable), NEW_USER_BASEPTR to it (user
 *     mode reads that region), back to the boot tables, unpinned and freed;
 *   - batches: done counts of mmu_update and mmuext_op, a failing request in the middle;
 *     multicall of update_va_mapping entries (a result per entry) and an iret ending a batch;
 *   - set_gdt with a data descriptor loaded into %ds (lsl sees its limit), the audit raising a
 *     ring-0 code descriptor to DPL 3, update_descriptor (limit change seen by lsl, a call gate
 *     to the flat kernel selector), SET_LDT and an LDT selector in %es; GDT and LDT data
 *     descriptors with the accessed bit clear, which the CPU sets when it loads them;
 *   - a direct L1 write with writable page tables (the ptwr case covers the details).
 */
#include "bt_mmu.h"

#define PATTERN(n) ((uint64_t)0x5a5a000000000000UL | ((uint64_t)(n) << 32))
#define MC_IRET_RAX 0x1badcafe

static struct bt_table l1; /* hooked at region */
static uint64_t region;    /* the 2 MiB the new L1 maps */
static uint64_t *pages[4]; /* data pages, word 0 = PATTERN(i) */
static uint64_t vcpu0_mask = 1;

static uint64_t mfn_of(const void *p)
{
    return gk_virt_to_mfn(p);
}

static uint64_t l1e_maddr(unsigned slot)
{
    return (l1.mfn << 12) + slot * 8;
}

static uint64_t rd(uint64_t va)
{
    return *(volatile uint64_t *)(uintptr_t)va;
}

static void wr(uint64_t va, uint64_t v)
{
    *(volatile uint64_t *)(uintptr_t)va = v;
}

static void setup_pages(void)
{
    for (unsigned i = 0; i < 4; i++) {
        pages[i] = gk_page_alloc();
        GK_ASSERT(pages[i] != NULL);
        pages[i][0] = PATTERN(i);
    }
}

/* A new L1: garbage written while writable, then read-only and cleared by the hypervisor. */
static void check_new_l1(void)
{
    uint64_t *p = gk_page_alloc();

    GK_ASSERT(p != NULL);
    for (unsigned i = 0; i < 512; i++)
        p[i] = 0x6b6b6b6b6b6b6b6bULL;
    l1.va = p;
    l1.mfn = mfn_of(p);
    BT_REQUIRE_EQ(bt_protect(p, false), 0);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_CLEAR_PAGE, l1.mfn, 0), 0);
    for (unsigned i = 0; i < 512; i++)
        if (p[i]) {
            GK_FAIL("CLEAR_PAGE left entry %u = %#lx", i, p[i]);
            break;
        }
    region = bt_free_2m_va(0);
    GK_ASSERT(region != 0);
    BT_REQUIRE_EQ(bt_mmu(bt_entry_maddr(region, 2), (l1.mfn << 12) | BT_PTE_TABLE), 0);
    GK_EXPECT_EQ(bt_table_of(region, 1), l1.mfn);
}

static void check_map_through_l1(void)
{
    GK_EXPECT(bt_is_unmapped(region));
    BT_REQUIRE_EQ(bt_mmu(l1e_maddr(0), (mfn_of(pages[0]) << 12) | BT_PTE_RWD), 0);
    GK_EXPECT_EQ(l1.va[0] & BT_PTE_ADDR, mfn_of(pages[0]) << 12);
    GK_EXPECT_EQ(rd(region), PATTERN(0));
    wr(region + 8, 0x1234567);
    GK_EXPECT_EQ(pages[0][1], 0x1234567);
    pages[0][2] = 0x7654321;
    GK_EXPECT_EQ(rd(region + 16), 0x7654321);
    /* Unmap: the entry goes, and after an invlpg the address faults. */
    GK_EXPECT_EQ(bt_mmu(l1e_maddr(0), 0), 0);
    GK_EXPECT_EQ(l1.va[0], 0);
    GK_EXPECT_EQ(bt_invlpg(region), 0);
    GK_EXPECT(bt_is_unmapped(region));
    /* For a PV guest MMU_PT_UPDATE_NO_TRANSLATE is a normal update (Xen's mod_l1_entry). */
    BT_EXPECT_RC(
        "MMU_PT_UPDATE_NO_TRANSLATE of an L1 entry (a normal update for PV)",
        bt_mmu(l1e_maddr(0) | PV_MMU_PT_UPDATE_NO_TRANSLATE, (mfn_of(pages[1]) << 12) | BT_PTE_RWD),
        0);
    GK_EXPECT_EQ(bt_invlpg(region), 0);
    if (!bt_is_unmapped(region))
        GK_EXPECT_EQ(rd(region), PATTERN(1));
}

/* update_va_mapping with each flush flag: the read after it sees the new frame. */
static void check_uvm_flags(void)
{
    uint64_t va = region + 4096, mask = (uint64_t)(uintptr_t)&vcpu0_mask;
    const uint64_t flags[] = {
        PV_UVMF_INVLPG,
        PV_UVMF_TLB_FLUSH,
        PV_UVMF_INVLPG | PV_UVMF_ALL,
        PV_UVMF_TLB_FLUSH | PV_UVMF_ALL,
        PV_UVMF_INVLPG | PV_UVMF_MULTI | mask,
        PV_UVMF_TLB_FLUSH | PV_UVMF_MULTI | mask,
    };

    for (unsigned i = 0; i < 6; i++) {
        unsigned from = i % 2, to = (i + 1) % 2;

        GK_EXPECT_EQ(bt_uvm(va, (mfn_of(pages[from]) << 12) | BT_PTE_RWD, PV_UVMF_INVLPG), 0);
        GK_EXPECT_EQ(rd(va), PATTERN(from));
        GK_EXPECT_EQ(bt_uvm(va, (mfn_of(pages[to]) << 12) | BT_PTE_RWD, flags[i]), 0);
        if (rd(va) != PATTERN(to))
            GK_FAIL("update_va_mapping flags %#lx: read %#lx, expected %#lx", flags[i], rd(va),
                    PATTERN(to));
    }
    GK_EXPECT_EQ(bt_uvm(va, 0, PV_UVMF_INVLPG), 0);
    GK_EXPECT(bt_is_unmapped(va));
}

/* A plain mmu_update does not flush; each flush operation makes the new entry visible. */
static void check_flush_ops(void)
{
    static const unsigned cmds[] = {PV_MMUEXT_TLB_FLUSH_LOCAL, PV_MMUEXT_TLB_FLUSH_ALL,
                                    PV_MMUEXT_INVLPG_LOCAL,    PV_MMUEXT_INVLPG_ALL,
                                    PV_MMUEXT_TLB_FLUSH_MULTI, PV_MMUEXT_INVLPG_MULTI};
    uint64_t va = region + 2 * 4096;

    GK_EXPECT_EQ(bt_uvm(va, (mfn_of(pages[0]) << 12) | BT_PTE_RWD, PV_UVMF_INVLPG), 0);
    for (unsigned i = 0; i < 6; i++) {
        struct pv_mmuext_op op = {.cmd = cmds[i]};
        unsigned to = (i + 1) % 2;

        GK_EXPECT_EQ(rd(va), PATTERN(i % 2)); /* the old translation is in use */
        op.arg1.linear_addr = va;
        op.arg2.vcpumask = PV_GUEST_PTR(&vcpu0_mask);
        GK_EXPECT_EQ(bt_mmu(l1e_maddr(2), (mfn_of(pages[to]) << 12) | BT_PTE_RWD), 0);
        GK_EXPECT_EQ(gk_hypercall_mmuext_op(&op, 1, NULL, PV_DOMID_SELF), 0);
        if (rd(va) != PATTERN(to))
            GK_FAIL("mmuext cmd %u: read %#lx after the flush, expected %#lx", cmds[i], rd(va),
                    PATTERN(to));
    }
}

/* The CPU sets A and D in the entry; PRESERVE_AD keeps them, a normal update does not. */
static void check_preserve_ad(void)
{
    uint64_t va = region + 3 * 4096, plain = (mfn_of(pages[3]) << 12) | BT_PTE_P | BT_PTE_RW;

    GK_EXPECT_EQ(bt_mmu(l1e_maddr(3), plain), 0);
    GK_EXPECT_EQ(bt_invlpg(va), 0);
    GK_EXPECT_EQ(l1.va[3] & (BT_PTE_A | BT_PTE_D), 0);
    wr(va + 8, 1);
    GK_EXPECT_EQ(l1.va[3] & (BT_PTE_A | BT_PTE_D), BT_PTE_A | BT_PTE_D);
    GK_EXPECT_EQ(bt_mmu(l1e_maddr(3) | PV_MMU_PT_UPDATE_PRESERVE_AD, plain | BT_PTE_NX), 0);
    GK_EXPECT_EQ(l1.va[3] & (BT_PTE_A | BT_PTE_D | BT_PTE_NX), BT_PTE_A | BT_PTE_D | BT_PTE_NX);
    GK_EXPECT_EQ(bt_mmu(l1e_maddr(3), plain), 0);
    GK_EXPECT_EQ(l1.va[3] & (BT_PTE_A | BT_PTE_D | BT_PTE_NX), 0);
    GK_EXPECT_EQ(bt_invlpg(va), 0);
    GK_EXPECT_EQ(rd(va), PATTERN(3));
}

static void check_m2p(void)
{
    const volatile uint64_t *m2p = (const volatile uint64_t *)(uintptr_t)PV_MACH2PHYS_VIRT_START;
    uint64_t mfn = mfn_of(pages[2]), pfn = gk_virt_to_pfn(pages[2]);
    struct pv_mmu_update u = {.ptr = (mfn << 12) | PV_MMU_MACHPHYS_UPDATE, .val = pfn + 0x12345};

    GK_EXPECT_EQ(m2p[mfn], pfn);
    GK_EXPECT_EQ(gk_hypercall_mmu_update(&u, 1, NULL, PV_DOMID_SELF), 0);
    GK_EXPECT_EQ(m2p[mfn], pfn + 0x12345);
    u.val = pfn;
    GK_EXPECT_EQ(gk_hypercall_mmu_update(&u, 1, NULL, PV_DOMID_SELF), 0);
    GK_EXPECT_EQ(m2p[mfn], pfn);
}

static void check_copy_clear(void)
{
    uint64_t *src = gk_page_alloc(), *dst = gk_page_alloc();

    GK_ASSERT(src && dst);
    for (unsigned i = 0; i < 512; i++)
        src[i] = PATTERN(i) ^ i;
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_COPY_PAGE, mfn_of(dst), mfn_of(src)), 0);
    for (unsigned i = 0; i < 512; i++)
        if (dst[i] != (PATTERN(i) ^ i)) {
            GK_FAIL("COPY_PAGE: word %u = %#lx", i, dst[i]);
            break;
        }
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_CLEAR_PAGE, mfn_of(src), 0), 0);
    for (unsigned i = 0; i < 512; i++)
        if (src[i]) {
            GK_FAIL("CLEAR_PAGE: word %u = %#lx", i, src[i]);
            break;
        }
    gk_page_free(src);
    gk_page_free(dst);
}

/* L1..L4 of a chain mapping a spare frame at VA 0, pinned bottom-up and unpinned top-down. */
static void check_pins(void)
{
    struct bt_table t[4];
    uint64_t e[512] = {0}, spare = mfn_of(pages[0]);

    for (unsigned level = 1; level <= 4; level++) {
        e[0] = level == 1 ? (spare << 12) | BT_PTE_RWD : (t[level - 2].mfn << 12) | BT_PTE_TABLE;
        GK_ASSERT(bt_table_new(&t[level - 1], e));
        GK_EXPECT_EQ(bt_pin(level, t[level - 1].mfn), 0);
        GK_EXPECT_EQ(bt_pin(level, t[level - 1].mfn), -PV_EINVAL); /* pinned once only */
    }
    for (unsigned level = 4; level >= 1; level--)
        GK_EXPECT_EQ(bt_unpin(t[level - 1].mfn), 0);
    /* Unpinned and unreferenced: each can be mapped writable (plain memory) again. */
    for (unsigned level = 1; level <= 4; level++)
        GK_EXPECT_EQ(bt_table_free(&t[level - 1]), 0);
}

static volatile uint64_t user_va;

static long user_read(void)
{
    return (long)rd(user_va);
}

/* A private tree: pinned, run on in kernel and user mode, left, unpinned, freed. */
static void check_private_tree(void)
{
    static struct bt_tree tree;
    struct bt_table marker_l1;
    uint64_t e[512] = {0}, boot_l4 = bt_cur_l4(), marker = bt_free_2m_va(0);

    GK_ASSERT(marker != 0);
    e[0] = (mfn_of(pages[3]) << 12) | BT_PTE_RO;
    GK_ASSERT(bt_table_new(&marker_l1, e));
    GK_ASSERT(bt_tree_build(&tree, marker_l1.mfn, bt_l2_slot(marker)));
    BT_REQUIRE_EQ(bt_pin(4, tree.l4.mfn), 0);
    GK_EXPECT(bt_is_unmapped(marker));
    BT_REQUIRE_EQ(bt_ext(PV_MMUEXT_NEW_BASEPTR, tree.l4.mfn, 0), 0);
    GK_EXPECT_EQ(bt_cur_l4(), tree.l4.mfn);
    GK_EXPECT(!bt_is_unmapped(marker));
    GK_EXPECT_EQ(rd(marker), PATTERN(3));
    gk_test_log("running on a private 4-level tree (L4 %#lx, %u L1s)", tree.l4.mfn, tree.nr_l1);
    GK_EXPECT_EQ(gk_user_init(), 0);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_USER_BASEPTR, tree.l4.mfn, 0), 0);
    user_va = marker;
    GK_EXPECT_EQ(gk_user_run(user_read), (long)PATTERN(3));
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_USER_BASEPTR, boot_l4, 0), 0);
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_NEW_BASEPTR, boot_l4, 0), 0);
    GK_EXPECT_EQ(bt_cur_l4(), boot_l4);
    GK_EXPECT(bt_is_unmapped(marker));
    GK_EXPECT_EQ(bt_unpin(tree.l4.mfn), 0);
    GK_EXPECT_EQ(bt_tree_free(&tree), 0);
    GK_EXPECT_EQ(bt_table_free(&marker_l1), 0);
}

/* Batches: done counts, and a refused request in the middle stops the batch there. */
static void check_batches(void)
{
    uint64_t beyond = (uint64_t)gk_hypercall_memory_op(PV_XENMEM_maximum_ram_page, NULL) + 16;
    struct pv_mmu_update u[3];
    struct pv_mmuext_op ops[3] = {
        {.cmd = PV_MMUEXT_INVLPG_LOCAL}, {.cmd = PV_MMUEXT_TLB_FLUSH_LOCAL}, {.cmd = 99}};
    unsigned done = 77;

    for (unsigned i = 0; i < 3; i++)
        u[i] = (struct pv_mmu_update){l1e_maddr(8 + i), (mfn_of(pages[i]) << 12) | BT_PTE_RO};
    GK_EXPECT_EQ(gk_hypercall_mmu_update(u, 3, &done, PV_DOMID_SELF), 0);
    GK_EXPECT_EQ(done, 3);
    for (unsigned i = 0; i < 3; i++)
        GK_EXPECT_EQ(rd(region + (8 + i) * 4096), PATTERN(i));
    for (unsigned i = 0; i < 3; i++)
        u[i].val = 0;
    u[1].val = (beyond << 12) | BT_PTE_RO; /* not RAM */
    GK_EXPECT_EQ(gk_hypercall_mmu_update(u, 3, &done, PV_DOMID_SELF), -PV_EPERM);
    GK_EXPECT_EQ(done, 1);
    GK_EXPECT_EQ(l1.va[8], 0);
    GK_EXPECT(l1.va[9] & BT_PTE_P);  /* the refused request left its entry */
    GK_EXPECT(l1.va[10] & BT_PTE_P); /* and the batch stopped */
    ops[0].arg1.linear_addr = region + 8 * 4096;
    done = 77;
    GK_EXPECT_EQ(gk_hypercall_mmuext_op(ops, 3, &done, PV_DOMID_SELF), -PV_ENOSYS);
    GK_EXPECT_EQ(done, 2);
    GK_EXPECT(bt_is_unmapped(region + 8 * 4096));
    GK_EXPECT_EQ(bt_mmu(l1e_maddr(9), 0), 0);
    GK_EXPECT_EQ(bt_mmu(l1e_maddr(10), 0), 0);
}

/* long mc_iret(const struct pv_multicall_entry *list, unsigned long nr, uint64_t rflags):
 * multicall(list, nr) with an iret frame on the stack that resumes at 1: with rax =
 * MC_IRET_RAX. Returns that if an iret in the batch ended it, else the multicall's result. */
long mc_iret(const struct pv_multicall_entry *list, unsigned long nr, uint64_t rflags);
/* clang-format off */
__asm__(".pushsection .text.mc_iret,\"ax\",@progbits\n"
        ".globl mc_iret\nmc_iret:\n\t"
        "pushq %rbx\n\t"
        "movq %rsp, %rbx\n\t"
        "pushq $" BT_STR(PV_FLAT_KERNEL_SS) "\n\t"
        "pushq %rbx\n\t"
        "pushq %rdx\n\t"
        "pushq $" BT_STR(PV_FLAT_KERNEL_CS) "\n\t"
        "leaq 1f(%rip), %rax\n\t"
        "pushq %rax\n\t"
        "pushq $0\n\t"
        "pushq $0\n\t"
        "pushq $0\n\t"
        "pushq $" BT_STR(MC_IRET_RAX) "\n\t"
        "movl $" BT_STR(PV_HYPERCALL_multicall) ", %eax\n\t"
        "syscall\n\t"
        "movq %rbx, %rsp\n"
        "1:\tpopq %rbx\n\t"
        "ret\n"
        ".popsection");
/* clang-format on */

static struct pv_multicall_entry uvm_entry(uint64_t va, uint64_t pte)
{
    return (struct pv_multicall_entry){
        .op = PV_HYPERCALL_update_va_mapping, .result = 0xdead, .args = {va, pte, PV_UVMF_INVLPG}};
}

static void check_multicall(void)
{
    struct pv_multicall_entry mc[4];
    uint64_t va = region + 16 * 4096;

    for (unsigned i = 0; i < 3; i++)
        mc[i] = uvm_entry(va + i * 4096, (mfn_of(pages[i]) << 12) | BT_PTE_RO);
    mc[3] = mc[2];
    mc[2] = uvm_entry(PV_MACH2PHYS_VIRT_START, 0); /* refused: not a guest address */
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_multicall, mc, 4, 0, 0, 0), 0);
    GK_EXPECT_EQ(mc[0].result, 0);
    GK_EXPECT_EQ(mc[1].result, 0);
    GK_EXPECT_EQ(mc[2].result, (uint64_t)-PV_EINVAL);
    GK_EXPECT_EQ(mc[3].result, 0); /* the batch goes on after a failed entry */
    for (unsigned i = 0; i < 3; i++)
        GK_EXPECT_EQ(rd(va + i * 4096), PATTERN(i));
    /* An iret ends the batch: the entry after it never runs. */
    mc[0] = uvm_entry(va, 0);
    mc[1] = (struct pv_multicall_entry){.op = PV_HYPERCALL_iret, .result = 0xdead};
    mc[2] = uvm_entry(va + 4096, 0);
    GK_EXPECT_EQ(mc_iret(mc, 3, bt_kernel_rflags()), MC_IRET_RAX);
    GK_EXPECT_EQ(mc[0].result, 0);
    GK_EXPECT_EQ(mc[2].result, 0xdead);
    GK_EXPECT(bt_is_unmapped(va));
    GK_EXPECT_EQ(rd(va + 4096), PATTERN(1));
    for (unsigned i = 1; i < 3; i++)
        GK_EXPECT_EQ(bt_uvm(va + i * 4096, 0, PV_UVMF_INVLPG), 0);
}

/* Writable page tables: a direct write to the L1 entry is emulated (see the ptwr case). */
static void check_ptwr(void)
{
    uint64_t va = region + 24 * 4096;

    GK_EXPECT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_enable, PV_VMASST_TYPE_writable_pagetables),
                 0);
    *(volatile uint64_t *)&l1.va[24] = (mfn_of(pages[2]) << 12) | BT_PTE_RO;
    GK_EXPECT_EQ(l1.va[24] & BT_PTE_ADDR, mfn_of(pages[2]) << 12);
    GK_EXPECT_EQ(bt_invlpg(va), 0);
    GK_EXPECT_EQ(rd(va), PATTERN(2));
    *(volatile uint64_t *)&l1.va[24] = 0;
    GK_EXPECT_EQ(gk_hypercall_vm_assist(PV_VMASST_CMD_disable, PV_VMASST_TYPE_writable_pagetables),
                 0);
}

/* Descriptors: bits of the high word and builders. */
#define DESC_S (1ULL << 44)
#define DESC_P (1ULL << 47)
#define DESC_DPL(d) (((d) >> 45) & 3)
#define TYPE_DATA_RW_A 0x3
#define TYPE_DATA_RW 0x2
#define TYPE_CODE_XR_A 0xb

static uint64_t seg(uint32_t limit, unsigned type, unsigned dpl, bool code64)
{
    return (limit & 0xffff) | ((uint64_t)type << 40) | DESC_S | ((uint64_t)dpl << 45) | DESC_P |
           ((uint64_t)((limit >> 16) & 0xf) << 48) | (code64 ? 1ULL << 53 : 0);
}

/* The low quadword of a 64-bit call gate (the high one holds offset bits 32-63). */
static uint64_t gate_low(uint16_t sel, uint64_t off, unsigned dpl)
{
    return (off & 0xffff) | ((uint64_t)sel << 16) | (0xcULL << 40) | ((uint64_t)dpl << 45) |
           DESC_P | (((off >> 16) & 0xffff) << 48);
}

/* lsl: the limit of sel's descriptor, or ~0 if the CPU refuses it. */
static uint32_t seg_limit(uint16_t sel)
{
    uint32_t limit = 0;
    bool ok;

    __asm__ volatile("lsl %k2, %0; setz %1" : "=r"(limit), "=q"(ok) : "r"((uint32_t)sel) : "cc");
    return ok ? limit : ~0U;
}

static uint16_t load_ds(uint16_t sel)
{
    uint16_t got;

    __asm__ volatile("movw %w1, %%ds; movw %%ds, %w0" : "=r"(got) : "r"(sel) : "memory");
    return got;
}

static uint16_t load_es(uint16_t sel)
{
    uint16_t got;

    __asm__ volatile("movw %w1, %%es; movw %%es, %w0" : "=r"(got) : "r"(sel) : "memory");
    return got;
}

/* Load sel (its descriptor has the accessed bit clear) into %es: no fault, and the CPU has set
 * the bit in the table. */
static void check_accessed_bit(const char *table, uint16_t sel, const volatile uint64_t *desc)
{
    struct gk_trap_record rec;

    if (gk_trap_catch(&rec) == 0) {
        GK_EXPECT_EQ(load_es(sel), sel);
        gk_trap_uncatch();
        if (!(*desc & (1ULL << 40)))
            GK_FAIL("%s descriptor %#x: accessed bit still clear after the load", table, sel);
    } else {
        GK_FAIL("loading %s data descriptor %#x with the accessed bit clear: trap %lu (error "
                "%#lx at %#lx, cr2 %#lx)",
                table, sel, rec.vector, rec.error_code, rec.rip, bt_read_cr2());
    }
    load_es(0);
}

static void check_gdt(void)
{
    uint64_t *g = gk_page_alloc(), frame, maddr;

    GK_ASSERT(g != NULL);
    g[1] = seg(0x12345, TYPE_DATA_RW_A, 3, false);
    g[2] = seg(0xfffff, TYPE_CODE_XR_A, 0, true); /* ring 0: the audit makes it DPL 3 */
    g[3] = seg(0x3456, TYPE_DATA_RW, 3, false);   /* accessed bit clear */
    frame = mfn_of(g);
    maddr = frame << 12;
    BT_REQUIRE_EQ(bt_protect(g, false), 0);
    BT_REQUIRE_EQ(gk_hypercall(PV_HYPERCALL_set_gdt, &frame, 512, 0, 0, 0), 0);
    GK_EXPECT_EQ(DESC_DPL(g[2]), 3);
    GK_EXPECT_EQ(seg_limit(0x0b), 0x12345);
    GK_EXPECT_EQ(seg_limit(0x13), 0xfffff);
    GK_EXPECT_EQ(load_ds(0x0b), 0x0b);
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_update_descriptor, maddr + 8,
                              seg(0x23456, TYPE_DATA_RW_A, 3, false), 0, 0, 0),
                 0);
    GK_EXPECT_EQ(seg_limit(0x0b), 0x23456);
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_update_descriptor, maddr + 4 * 8,
                              seg(0, TYPE_CODE_XR_A, 0, true), 0, 0, 0),
                 0);
    GK_EXPECT_EQ(DESC_DPL(g[4]), 3);
    /* A call gate to the flat kernel code selector: kept, with DPL 0 so that using it traps,
     * and the guest's DPL moved into the selector's RPL. */
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_update_descriptor, maddr + 6 * 8,
                              gate_low(PV_FLAT_KERNEL_CS, 0xffffffff80001000ULL, 3), 0, 0, 0),
                 0);
    GK_EXPECT_EQ(
        gk_hypercall(PV_HYPERCALL_update_descriptor, maddr + 7 * 8, 0xffffffffULL, 0, 0, 0), 0);
    GK_EXPECT_EQ(DESC_DPL(g[6]), 0);
    GK_EXPECT_EQ((g[6] >> 16) & 0xffff, PV_FLAT_KERNEL_CS);
    /* A data descriptor without the accessed bit: loading it makes the CPU set the bit in the
     * GDT, which the hypervisor must map writable for it (Xen's pv_set_gdt maps guest GDT frames
     * __PAGE_HYPERVISOR_RW). */
    check_accessed_bit("GDT", 0x1b, &g[3]);
    load_es(0);
    load_ds(0);
    GK_EXPECT_EQ(gk_hypercall(PV_HYPERCALL_set_gdt, NULL, 0, 0, 0, 0), 0);
    GK_EXPECT_EQ(bt_protect(g, true), 0); /* no longer a descriptor page */
    gk_page_free(g);
}

static void check_ldt(void)
{
    uint64_t *ldt = gk_page_alloc();

    GK_ASSERT(ldt != NULL);
    ldt[0] = seg(0x777, TYPE_DATA_RW_A, 3, false);
    ldt[1] = seg(0x888, TYPE_DATA_RW_A, 0, false); /* DPL raised to 3 */
    ldt[2] = seg(0x999, TYPE_DATA_RW, 3, false);   /* accessed bit clear */
    BT_REQUIRE_EQ(bt_protect(ldt, false), 0);
    BT_REQUIRE_EQ(bt_ext(PV_MMUEXT_SET_LDT, (uint64_t)(uintptr_t)ldt, 16), 0);
    GK_EXPECT_EQ(seg_limit(0x07), 0x777);
    GK_EXPECT_EQ(seg_limit(0x0f), 0x888);
    GK_EXPECT_EQ(DESC_DPL(ldt[1]), 3);
    GK_EXPECT_EQ(load_es(0x07), 0x07);
    load_es(0);
    check_accessed_bit("LDT", 0x17, &ldt[2]); /* Xen maps LDT frames writable for it too */
    GK_EXPECT_EQ(bt_ext(PV_MMUEXT_SET_LDT, 0, 0), 0);
    GK_EXPECT_EQ(seg_limit(0x07), ~0U);
    GK_EXPECT_EQ(bt_protect(ldt, true), 0);
    gk_page_free(ldt);
}

static void teardown(void)
{
    for (unsigned i = 0; i < 512; i++)
        if (l1.va[i] && bt_mmu(l1e_maddr(i), 0))
            GK_FAIL("cannot clear entry %u of the test L1", i);
    GK_EXPECT_EQ(bt_mmu(bt_entry_maddr(region, 2), 0), 0);
    GK_EXPECT_EQ(bt_table_free(&l1), 0);
}

GK_TEST(mmu_legal)
{
    setup_pages();
    check_new_l1();
    check_map_through_l1();
    check_uvm_flags();
    check_flush_ops();
    check_preserve_ad();
    check_m2p();
    check_copy_clear();
    check_pins();
    check_private_tree();
    check_batches();
    check_multicall();
    check_ptwr();
    check_ldt();
    check_gdt();
    teardown();
}
