/* guest-kit example: PV memory management, step by step (docs/porting.md, "PV memory
 * management"). Each step prints what it does ("# " lines) and checks what the hypervisor
 * answered, including the refusals a porter runs into; everything it takes is given back, and
 * the last check is that the allocator holds as many free pages as before the first step. */
#include "gk/test.h"

#define DEMO_VA 0x0000100000000000ULL     /* L4 slot 32: run-time kernel mappings */
#define BATCH_VA (DEMO_VA + (2ULL << 20)) /* the next 2 MiB: another L1 table */
#define LAZY_VA (DEMO_VA + (4ULL << 20))
#define TREE_VA 0x0000200000000000ULL /* L4 slot 64: only in the second kernel tree */
#define SELF_SLOT 500                 /* an unused L4 slot for the linear page table */
#define USER_CODE 0x400000ULL
#define USER_STACK 0x7ff000ULL
#define PATTERN 0x5eed000000000000ULL
#define NR_BATCH 16
#define NR_LAZY 40
#define MAX_DIRECT (1ULL << 19) /* 2 GiB: from GK_VIRT_BASE to the top of the address space */

static uint64_t nx;

/* --- The user program: position-independent code, copied into a task's code page. --- */
extern const char user_prog[], user_main[], user_peek[], user_poke[];
/* clang-format off */
__asm__(".pushsection .text.mmdemo_user, \"ax\", @progbits\n"
        ".p2align 12\n"
        "user_prog:\n"
        "user_main:\n\t"
        "leaq msg_syscall(%rip), %rdi\n\t"
        "movl $msg_syscall_end - msg_syscall, %esi\n\t"
        "call write_syscall\n\t"           /* the stack page works */
        "leaq msg_int80(%rip), %rdi\n\t"
        "movl $msg_int80_end - msg_int80, %esi\n\t"
        "movl $1, %eax\n\t"                /* GK_SYSCALL_WRITE */
        "int $0x80\n\t"
        "movl $42, %edi\n\t"
        "xorl %eax, %eax\n\t"              /* GK_SYSCALL_EXIT */
        "syscall\n\t"
        "ud2\n"
        "write_syscall:\n\t"
        "movl $1, %eax\n\t"
        "syscall\n\t"
        "ret\n"
        "user_peek:\n\t"                   /* read the kernel image: not in this space */
        "movabsq $0xffffffff80000000, %rax\n\t"
        "movq (%rax), %rax\n\t"
        "ud2\n"
        "user_poke:\n\t"                   /* write the read-only code page */
        "leaq user_prog(%rip), %rax\n\t"
        "movq $1, (%rax)\n\t"
        "ud2\n"
        "msg_syscall: .ascii \"# [user] hello from a task of its own, through SYSCALL\\n\"\n"
        "msg_syscall_end:\n"
        "msg_int80: .ascii \"# [user] and through int $0x80\\n\"\n"
        "msg_int80_end:\n"
        ".p2align 12\n"
        ".popsection");
/* clang-format on */

static void say(const char *what)
{
    gk_test_log("%s (free pages: %lu)", what, gk_pages_free());
}

static long mmu_update1(uint64_t ptr, uint64_t val)
{
    struct pv_mmu_update u = {.ptr = ptr, .val = val};

    return gk_hypercall_mmu_update(&u, 1, NULL, PV_DOMID_SELF);
}

static long new_baseptr(uint64_t mfn)
{
    struct pv_mmuext_op op = {.cmd = PV_MMUEXT_NEW_BASEPTR, .arg1.mfn = mfn};

    return gk_hypercall_mmuext_op(&op, 1, NULL, PV_DOMID_SELF);
}

static volatile uint64_t *at(uint64_t va)
{
    return (volatile uint64_t *)(uintptr_t)va;
}

/* 1. Frames: p2m and M2P agree, and the p2m is published for tools. */
static void step_frames(void)
{
    uint64_t n = gk_nr_pages(), probe[] = {0, 1, n / 2, n - 1};
    pv_domid_t self = PV_DOMID_SELF;

    gk_test_log("1. frames: %lu pages, %lu of them mapped 1:1 at %#llx; NX %s", n,
                gk_direct_pages(), GK_VIRT_BASE, nx ? "available" : "absent");
    GK_EXPECT_EQ(gk_direct_pages(), n < MAX_DIRECT ? n : MAX_DIRECT);
    for (unsigned int i = 0; i < 4; i++) {
        uint64_t mfn = gk_pfn_to_mfn(probe[i]);

        GK_EXPECT_EQ(((const uint64_t *)PV_MACH2PHYS_VIRT_START)[mfn], probe[i]);
        GK_EXPECT_EQ(gk_mfn_to_pfn(mfn), probe[i]);
    }
    GK_ASSERT_EQ(gk_p2m_publish(), 0);
    GK_EXPECT_EQ(gk_shared_info()->arch.max_pfn, n);
    GK_EXPECT_EQ(gk_hypercall_memory_op(PV_XENMEM_maximum_gpfn, &self), (long)n - 1);
    gk_test_log("   pfn %lu = mfn %#lx (p2m) and back (M2P)", n - 1, gk_pfn_to_mfn(n - 1));
    gk_test_log("   max_pfn %lu published; XENMEM_maximum_gpfn says %lu", n, n - 1);
}

/* Entries the hypervisor refuses, next to the tables of DEMO_VA. */
static void refusals(struct gk_space *k, uint64_t data_mfn)
{
    uint64_t l1 = gk_pte_maddr(k, DEMO_VA) >> 12, l4 = k->l4_mfn;
    void *l1_page = gk_mfn_to_virt(l1);

    GK_EXPECT_EQ(gk_map(k, DEMO_VA + 4096, l1, GK_PAGE_KERNEL), -PV_EBUSY);
    GK_EXPECT_EQ(gk_page_set_writable(l1_page, true), -PV_EBUSY);
    GK_EXPECT_EQ(mmu_update1((l4 << 12) + 256 * 8, gk_pte(data_mfn, GK_PTE_P)), -PV_EINVAL);
    GK_EXPECT_EQ(mmu_update1((l4 << 12) + 33 * 8, gk_pte(data_mfn, GK_PAGE_TABLE)), -PV_EINVAL);
    GK_EXPECT_EQ(mmu_update1((l4 << 12) + SELF_SLOT * 8, gk_pte(l4, GK_PTE_P | GK_PTE_RW)),
                 -PV_EINVAL);
    if (!gk_is_initdomain()) /* a domain with device access may use cache attributes */
        GK_EXPECT_EQ(gk_map(k, DEMO_VA + 4096, data_mfn, GK_PAGE_KERNEL | GK_PTE_PCD), -PV_EINVAL);
    gk_test_log("   refused: mapping a page table writable, or its 1:1 page (-EBUSY);");
    gk_test_log("   L4 slot 256, a writable frame as a table, a writable self-map, PCD (-EINVAL)");
    GK_EXPECT_EQ(gk_pin(l1, 1), 0); /* already an L1: the pin only keeps it one */
    GK_EXPECT_EQ(gk_pin(l1, 1), -PV_EINVAL);
    GK_EXPECT_EQ(gk_pin(l1, 2), -PV_EINVAL);
    GK_EXPECT_EQ(gk_unpin(l1), 0);
    GK_EXPECT_EQ(gk_unpin(l1), -PV_EINVAL);
    gk_test_log(
        "   PIN_L1_TABLE on the L1: 0; again, or as an L2: -EINVAL; UNPIN twice: 0, -EINVAL");
}

/* A read-only linear page table: the L4 maps itself, and every L1 entry becomes readable. */
static void linear_table(struct gk_space *k)
{
    uint64_t base = 0xffff000000000000ULL | ((uint64_t)SELF_SLOT << 39);
    uint64_t slot_addr = (k->l4_mfn << 12) + SELF_SLOT * 8;

    GK_ASSERT_EQ(mmu_update1(slot_addr, gk_pte(k->l4_mfn, GK_PTE_P)), 0);
    GK_EXPECT_EQ(*at(base + ((DEMO_VA & 0xffffffffffffULL) >> 12) * 8), gk_pt_lookup(k, DEMO_VA));
    GK_EXPECT_EQ(mmu_update1(slot_addr, 0), 0);
    GK_EXPECT_EQ(gk_tlb_flush(), 0);
    gk_test_log("   a read-only self-map in L4 slot %u shows the L1 entries at %#lx", SELF_SLOT,
                base);
}

/* 2. Mapping and unmapping anywhere: new L3, L2 and L1 tables appear and go again. */
static void step_map(void)
{
    struct gk_space *k = gk_kernel_space();
    uint64_t before = gk_pages_free();
    uint64_t *a = gk_page_alloc(), *b = gk_page_alloc();

    GK_ASSERT(a && b);
    a[0] = PATTERN | 1;
    b[0] = PATTERN | 2;
    GK_ASSERT_EQ(gk_map(k, DEMO_VA, gk_virt_to_mfn(a), GK_PAGE_KERNEL | nx), 0);
    GK_EXPECT_EQ(*at(DEMO_VA), PATTERN | 1);
    GK_EXPECT_EQ(gk_pages_free(), before - 5); /* two pages, an L3, an L2 and an L1 */
    say("2. mapped a page at 0x100000000000 (L4 slot 32), which needed an L3, an L2 and an L1");
    gk_test_log("   each new table: read-only in the 1:1 map, MMUEXT_CLEAR_PAGE, mmu_update link");
    refusals(k, gk_virt_to_mfn(b));
    linear_table(k);
    GK_EXPECT_EQ(gk_map(k, DEMO_VA, gk_virt_to_mfn(b), GK_PAGE_KERNEL | nx), 0);
    GK_EXPECT_EQ(*at(DEMO_VA), PATTERN | 2);
    gk_test_log("   the same address now maps another frame (update_va_mapping, UVMF_INVLPG)");
    GK_EXPECT_EQ(gk_unmap(k, DEMO_VA), 0);
    GK_EXPECT_EQ(gk_pt_lookup(k, DEMO_VA), 0);
    gk_page_free(a);
    gk_page_free(b);
    GK_EXPECT_EQ(gk_pages_free(), before);
    say("   unmapped: the empty L1, L2, L3 unlinked, made writable, freed");
}

/* 3. Many entries at once: batched mmu_update, then the lazy MMU mode (multicall). */
static void step_batches(void)
{
    struct gk_space *k = gk_kernel_space();
    uint64_t before = gk_pages_free(), *pages[NR_LAZY];
    static struct gk_mmu_batch b;
    static struct gk_lazy_mmu l;

    for (unsigned int i = 0; i < NR_LAZY; i++) {
        GK_ASSERT(pages[i] = gk_page_alloc());
        pages[i][0] = PATTERN | i;
    }
    GK_ASSERT_EQ(gk_pt_prepare(k, BATCH_VA), 0);
    gk_mmu_batch_init(&b);
    for (unsigned int i = 0; i < NR_BATCH; i++)
        gk_mmu_batch_add(&b, gk_pte_maddr(k, BATCH_VA + i * 4096),
                         gk_pte(gk_virt_to_mfn(pages[i]), GK_PAGE_KERNEL | nx));
    GK_EXPECT_EQ(gk_mmu_batch_flush(&b), 0);
    GK_EXPECT_EQ(b.total, NR_BATCH);
    for (unsigned int i = 0; i < NR_BATCH; i++)
        GK_EXPECT_EQ(*at(BATCH_VA + i * 4096), PATTERN | i);
    gk_test_log("3. %u pages mapped with one mmu_update of %u requests", NR_BATCH, NR_BATCH);
    for (unsigned int i = 0; i < NR_BATCH; i++)
        gk_mmu_batch_add(&b, gk_pte_maddr(k, BATCH_VA + i * 4096), 0);
    GK_EXPECT_EQ(gk_mmu_batch_flush(&b), 0);
    GK_EXPECT_EQ(gk_tlb_flush(), 0); /* mmu_update does not flush */
    GK_EXPECT_EQ(gk_pt_trim(k, BATCH_VA), 0);

    GK_ASSERT_EQ(gk_pt_prepare(k, LAZY_VA), 0);
    gk_lazy_mmu_begin(&l);
    for (unsigned int i = 0; i < NR_LAZY; i++)
        gk_lazy_mmu_set(&l, LAZY_VA + i * 4096, gk_pte(gk_virt_to_mfn(pages[i]), GK_PAGE_KERNEL));
    GK_EXPECT_EQ(gk_lazy_mmu_end(&l), 0);
    GK_EXPECT_EQ(l.calls, (NR_LAZY + GK_LAZY_MMU_MAX - 1) / GK_LAZY_MMU_MAX);
    for (unsigned int i = 0; i < NR_LAZY; i++)
        GK_EXPECT_EQ(*at(LAZY_VA + i * 4096), PATTERN | i);
    gk_test_log("   lazy MMU: %u update_va_mapping calls in %lu multicalls, one TLB flush at the "
                "end",
                NR_LAZY, l.calls);
    gk_lazy_mmu_begin(&l);
    for (unsigned int i = 0; i < NR_LAZY; i++)
        gk_lazy_mmu_set(&l, LAZY_VA + i * 4096, 0);
    GK_EXPECT_EQ(gk_lazy_mmu_end(&l), 0);
    GK_EXPECT_EQ(gk_pt_trim(k, LAZY_VA), 0);
    for (unsigned int i = 0; i < NR_LAZY; i++)
        gk_page_free(pages[i]);
    GK_EXPECT_EQ(gk_pages_free(), before);
    say("   both unmapped the same ways, tables trimmed");
}

/* 4. Flush scopes: LOCAL, MULTI (a vCPU bitmap), ALL; and update_va_mapping's UVMF_*. */
static void step_flushes(void)
{
    static uint64_t mask = 1; /* vCPU 0 */
    struct pv_mmuext_op ops[4] = {
        {.cmd = PV_MMUEXT_TLB_FLUSH_ALL},
        {.cmd = PV_MMUEXT_INVLPG_ALL, .arg1.linear_addr = GK_VIRT_BASE},
        {.cmd = PV_MMUEXT_TLB_FLUSH_MULTI, .arg2.vcpumask = (uint64_t)(uintptr_t)&mask},
        {.cmd = PV_MMUEXT_INVLPG_MULTI,
         .arg1.linear_addr = GK_VIRT_BASE,
         .arg2.vcpumask = (uint64_t)(uintptr_t)&mask},
    };
    uint64_t *page = gk_page_alloc();
    uint64_t va = (uint64_t)(uintptr_t)page, e = gk_pt_lookup(gk_kernel_space(), va);
    unsigned int done = 0;

    GK_ASSERT(page);
    GK_EXPECT_EQ(gk_hypercall_mmuext_op(ops, 4, &done, PV_DOMID_SELF), 0);
    GK_EXPECT_EQ(done, 4);
    GK_EXPECT_EQ(gk_hypercall_update_va_mapping(va, e, PV_UVMF_INVLPG | PV_UVMF_ALL), 0);
    GK_EXPECT_EQ(gk_hypercall_update_va_mapping(
                     va, e, PV_UVMF_TLB_FLUSH | PV_UVMF_MULTI | (uint64_t)(uintptr_t)&mask),
                 0);
    gk_page_free(page);
    gk_test_log("4. flushes: TLB_FLUSH_ALL, INVLPG_ALL, TLB_FLUSH_MULTI, INVLPG_MULTI (mmuext_op)");
    gk_test_log("   update_va_mapping with UVMF_INVLPG|UVMF_ALL, UVMF_TLB_FLUSH|UVMF_MULTI|mask");
}

/* 5. Changing flags while keeping the bits the CPU set: MMU_PT_UPDATE_PRESERVE_AD. */
static void step_preserve_ad(void)
{
    struct gk_space *k = gk_kernel_space();
    uint64_t *page = gk_page_alloc();
    uint64_t va = (uint64_t)(uintptr_t)page, e;
    struct gk_trap_record rec;

    GK_ASSERT(page);
    GK_ASSERT_EQ(gk_map(k, DEMO_VA, gk_virt_to_mfn(page), GK_PTE_P | GK_PTE_RW | nx), 0);
    *at(DEMO_VA) = 7; /* the CPU sets A and D */
    GK_EXPECT_EQ(gk_protect(k, DEMO_VA, GK_PTE_P | nx), 0);
    e = gk_pt_lookup(k, DEMO_VA);
    GK_EXPECT_EQ(e & (GK_PTE_A | GK_PTE_D | GK_PTE_RW), GK_PTE_A | GK_PTE_D);
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, *at(DEMO_VA) = 8);
    GK_EXPECT_EQ(rec.error_code, 3); /* present, write, kernel mode */
    GK_EXPECT_EQ(gk_unmap(k, DEMO_VA), 0);
    gk_page_free(page);
    gk_test_log("5. MMU_PT_UPDATE_PRESERVE_AD: 0x100000000000 (page %#lx) made read-only", va);
    gk_test_log("   entry %#lx keeps A and D; a write is now #PF error 3", e);
}

/* 6. Direct writes to an L1 table, emulated with VMASST_TYPE_writable_pagetables. */
static void step_writable_pagetables(void)
{
    struct gk_space *k = gk_kernel_space();
    uint64_t *page = gk_page_alloc();
    uint64_t good = page ? gk_pte(gk_virt_to_mfn(page), GK_PAGE_KERNEL | nx) : 0;
    volatile uint64_t *pte;
    struct gk_trap_record rec;

    GK_ASSERT(page);
    page[0] = PATTERN | 6;
    GK_ASSERT_EQ(gk_pt_prepare(k, DEMO_VA), 0);
    pte = gk_pte_ptr(k, DEMO_VA);
    /* The L1 is read-only: without the assist, a fault (Xen emulates the write of its
     * hardware domain anyway, and lets it use cache attributes such as PAT). */
    if (!gk_is_initdomain()) {
        GK_EXPECT_TRAP(GK_VEC_PF, &rec, *pte = good);
        GK_EXPECT_EQ(rec.error_code, 3);
    }
    GK_ASSERT_EQ(gk_writable_pagetables(true), 0);
    *pte = good; /* trapped, checked, written */
    GK_EXPECT_EQ(*at(DEMO_VA), PATTERN | 6);
    if (!gk_is_initdomain()) /* PAT: refused, the fault stays */
        GK_EXPECT_TRAP(GK_VEC_PF, &rec, *pte = good | GK_PTE_PSE);
    *pte = 0;
    GK_EXPECT_EQ(gk_invlpg(DEMO_VA), 0); /* a direct write flushes nothing */
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, (void)*at(DEMO_VA));
    GK_EXPECT_EQ(gk_writable_pagetables(false), 0);
    GK_EXPECT_EQ(gk_pt_trim(k, DEMO_VA), 0);
    gk_page_free(page);
    gk_test_log("6. a plain store to a (read-only) L1 entry: #PF; with VMASST_TYPE_writable_");
    gk_test_log("   pagetables it is emulated as a checked update (a refused PAT entry: #PF)");
}

/* 7. A pfn changes frame: p2m, M2P (MMU_MACHPHYS_UPDATE) and the 1:1 entry together. */
static void step_machphys(void)
{
    uint64_t *a = gk_page_alloc(), *b = gk_page_alloc();
    uint64_t pa, pb, ma, mb;

    GK_ASSERT(a && b);
    pa = gk_virt_to_pfn(a), pb = gk_virt_to_pfn(b);
    ma = gk_pfn_to_mfn(pa), mb = gk_pfn_to_mfn(pb);
    a[0] = PATTERN | 0xa;
    b[0] = PATTERN | 0xb;
    GK_EXPECT_EQ(gk_pfn_set_frame(pa, mb), 0);
    GK_EXPECT_EQ(gk_pfn_set_frame(pb, ma), 0);
    GK_EXPECT_EQ(a[0], PATTERN | 0xb);
    GK_EXPECT_EQ(gk_mfn_to_pfn(mb), pa);
    GK_EXPECT_EQ(gk_pfn_to_mfn(pb), ma);
    GK_EXPECT_EQ(((const uint64_t *)PV_MACH2PHYS_VIRT_START)[ma], pb);
    gk_test_log("7. pfns %#lx and %#lx swapped frames (%#lx, %#lx): p2m, M2P and 1:1 agree", pa, pb,
                ma, mb);
    GK_EXPECT_EQ(gk_pfn_set_frame(pa, ma), 0);
    GK_EXPECT_EQ(gk_pfn_set_frame(pb, mb), 0);
    GK_EXPECT_EQ(a[0], PATTERN | 0xa);
    GK_EXPECT_EQ(mmu_update1((1ULL << 12) | PV_MMU_MACHPHYS_UPDATE, pa), -PV_EINVAL);
    gk_page_free(a);
    gk_page_free(b);
}

/* 8. A kernel page-table tree of the kit's own: pinned, then installed with NEW_BASEPTR. */
static void step_new_tree(void)
{
    struct gk_space *boot = gk_kernel_space(), tree;
    uint64_t before = gk_pages_free(), *page = gk_page_alloc();
    struct gk_trap_record rec;

    GK_ASSERT(page);
    page[0] = PATTERN | 8;
    GK_EXPECT_EQ(new_baseptr(gk_virt_to_mfn(page)), -PV_EINVAL);
    GK_ASSERT_EQ(gk_space_create(&tree), 0);
    GK_EXPECT_EQ(gk_pin(tree.l4_mfn, 4), -PV_EINVAL); /* pinned once already */
    GK_EXPECT_EQ(gk_space_borrow(&tree, boot, 0, 511), 0);
    GK_ASSERT_EQ(gk_space_activate(&tree), 0);
    say("8. a new L4, pinned (PIN_L4_TABLE), sharing the kernel's L3s");
    gk_test_log("   installed with NEW_BASEPTR: the kernel runs on it");
    GK_EXPECT_EQ(gk_map(&tree, TREE_VA, gk_virt_to_mfn(page), GK_PAGE_KERNEL | nx), 0);
    GK_EXPECT_EQ(*at(TREE_VA), PATTERN | 8);
    GK_EXPECT_EQ(gk_space_destroy(&tree), -PV_EBUSY);
    GK_ASSERT_EQ(gk_space_activate(boot), 0);
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, (void)*at(TREE_VA));
    GK_EXPECT_EQ(rec.cr2, TREE_VA);
    gk_test_log("   back on the builder's tables, where 0x200000000000 is not mapped (#PF)");
    GK_EXPECT_EQ(gk_space_destroy(&tree), 0);
    GK_EXPECT_EQ(gk_unpin(tree.l4_mfn), -PV_EINVAL); /* gone: no pin to drop */
    gk_page_free(page);
    GK_EXPECT_EQ(gk_pages_free(), before);
    say("   destroyed: UNPIN dropped the tree; its own tables freed, shared ones kept");
}

/* 9. A GDT and an LDT of the guest's own. */
static void step_descriptors(void)
{
    static const uint64_t gdt[] = {0, GK_DESC_CODE64, GK_DESC_DATA};
    static const uint64_t ldt[] = {GK_DESC_DATA};
    uint64_t before = gk_pages_free(), *page = gk_page_alloc(), mfn;
    struct gk_desc_table g, l;
    struct gk_trap_record rec;

    GK_ASSERT(page);
    mfn = gk_virt_to_mfn(page);
    GK_EXPECT_EQ(gk_hypercall_set_gdt(&mfn, 3), -PV_EINVAL); /* still mapped writable */
    gk_page_free(page);
    GK_ASSERT_EQ(gk_gdt_load(&g, gdt, 3), 0);
    gk_load_es(GK_SEL_GDT(2));
    GK_EXPECT_EQ(gk_read_es(), GK_SEL_GDT(2));
    gk_load_es(0);
    GK_EXPECT_EQ(gk_gdt_update(&g, 2, GK_DESC_DATA & ~GK_DESC_PRESENT), 0);
    GK_EXPECT_TRAP(GK_VEC_NP, &rec, gk_load_es(GK_SEL_GDT(2)));
    GK_EXPECT_EQ(rec.error_code, 2 << 3);
    GK_EXPECT_EQ(gk_gdt_update(&g, 2, GK_DESC_DATA), 0);
    gk_load_es(GK_SEL_GDT(2));
    gk_load_es(0);
    GK_EXPECT_EQ(gk_gdt_update(&g, 1, 0x0000890000000067ULL), -PV_EINVAL); /* a TSS */
    GK_EXPECT_EQ(gk_gdt_unload(&g), 0);
    say("9. set_gdt with a read-only frame (a writable one: -EINVAL); %es loaded from it");
    gk_test_log("   update_descriptor: entry 2 not present (#NP), present again; a TSS: -EINVAL");
    GK_ASSERT_EQ(gk_ldt_load(&l, ldt, 1), 0);
    gk_load_es(GK_SEL_LDT(0));
    GK_EXPECT_EQ(gk_read_es(), GK_SEL_LDT(0));
    gk_load_es(0);
    GK_EXPECT_EQ(gk_ldt_unload(&l), 0);
    GK_EXPECT_TRAP(GK_VEC_GP, &rec, gk_load_es(GK_SEL_LDT(0)));
    GK_EXPECT_EQ(gk_pages_free(), before);
    say("   MMUEXT_SET_LDT: %es loaded from the LDT; after SET_LDT 0, #GP");
}

/* 10. A user task in an address space of its own. */
static void step_task(void)
{
    uint64_t before = gk_pages_free();
    struct gk_task t;

    GK_ASSERT_EQ(gk_task_create(&t), 0);
    GK_ASSERT_EQ(gk_task_map(&t, USER_CODE, user_prog, GK_PAGE_USER_RX), 0);
    GK_ASSERT_EQ(gk_task_map(&t, USER_STACK, NULL, GK_PAGE_USER_RW | nx), 0);
    say("10. a task: its own pinned L4, nothing of the kernel in it");
    gk_test_log("    a code page (MMUEXT_COPY_PAGE), a stack page (MMUEXT_CLEAR_PAGE)");
    GK_EXPECT_EQ(gk_task_run(&t, USER_CODE + (user_main - user_prog), USER_STACK + 4096), 42);
    GK_EXPECT_EQ(t.nr_syscalls, 3);
    GK_EXPECT(!t.faulted);
    gk_test_log("    ran with NEW_USER_BASEPTR and the iret hypercall; wrote twice, exited 42");
    GK_EXPECT_EQ(gk_task_run(&t, USER_CODE + (user_peek - user_prog), USER_STACK + 4096),
                 -PV_EFAULT);
    GK_EXPECT(t.faulted && t.fault.vector == GK_VEC_PF);
    GK_EXPECT_EQ(t.fault.error_code, 4); /* user, read, not present */
    GK_EXPECT_EQ(t.fault.cr2, GK_VIRT_BASE);
    GK_EXPECT_EQ(gk_task_run(&t, USER_CODE + (user_poke - user_prog), USER_STACK + 4096),
                 -PV_EFAULT);
    GK_EXPECT_EQ(t.fault.error_code, 7); /* user, write, present */
    GK_EXPECT_EQ(t.fault.cr2, USER_CODE);
    gk_test_log("    reading the kernel image: #PF error 4 at %#llx", GK_VIRT_BASE);
    gk_test_log("    writing its own code: #PF error 7");
    GK_EXPECT_EQ(gk_task_destroy(&t), 0);
    GK_EXPECT_EQ(gk_pages_free(), before);
    say("    destroyed: L4 unpinned, its tables and pages freed");
}

GK_TEST(mmdemo)
{
    uint64_t start;

    nx = gk_pte_nx();
    step_frames();
    start = gk_pages_free(); /* the published frame lists stay allocated */
    step_map();
    step_batches();
    step_flushes();
    step_preserve_ad();
    step_writable_pagetables();
    step_machphys();
    step_new_tree();
    step_descriptors();
    step_task();
    GK_EXPECT_EQ(gk_pages_free(), start);
    say("every page is back");
}
