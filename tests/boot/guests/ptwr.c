/*
 * Boot test "ptwr": writable page tables (VMASST_TYPE_writable_pagetables, Xen's
 * xen/arch/x86/pv/ro-page-fault.c). The guest kernel writes the L1 entry of one of its pages
 * directly, through its read-only mapping of the bootstrap L1 table: without the assist the
 * write is a #PF; with it MOV, CMPXCHG (failing and succeeding), XCHG, LOCK OR on the low
 * half, a 32-bit store to the high half and LOCK BTR are emulated, and the page's mapping
 * follows. Refused: an entry mapping a page table writable, a frame the domain does not own,
 * and a misaligned store, each a #PF at the entry with the entry unchanged. An emulated write
 * leaves the guest's %cr2 at its last delivered #PF.
 */
#include "bt.h"

#define PTE_P 0x1ULL
#define PTE_RW 0x2ULL
#define PTE_A 0x20ULL
#define PTE_AD 0x60ULL
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

static volatile uint64_t *table_of(uint64_t e)
{
    return gk_pfn_to_virt(gk_mfn_to_pfn((e & PTE_ADDR) >> 12));
}

/* The L1 entry mapping va, found through the guest's own bootstrap tables. */
static volatile uint64_t *l1e_of(const volatile void *va)
{
    uint64_t a = (uint64_t)va;
    volatile uint64_t *t = (volatile uint64_t *)gk_start_info->pt_base;

    for (int level = 4; level > 1; level--)
        t = table_of(t[(a >> (12 + 9 * (level - 1))) & 511]);
    return &t[(a >> 12) & 511];
}

static void invlpg(const volatile void *va)
{
    struct pv_mmuext_op op = {.cmd = PV_MMUEXT_INVLPG_LOCAL};

    op.arg1.linear_addr = (uint64_t)va;
    GK_EXPECT_EQ(gk_hypercall_mmuext_op(&op, 1, NULL, PV_DOMID_SELF), 0);
}

static long writable_pagetables(unsigned cmd)
{
    return gk_hypercall_vm_assist(cmd, PV_VMASST_TYPE_writable_pagetables);
}

static void expect_read_only(volatile uint64_t *page)
{
    struct gk_trap_record rec;

    GK_EXPECT_TRAP(GK_VEC_PF, &rec, *page = 1);
    GK_EXPECT_EQ(bt_read_cr2(), (uint64_t)page);
}

/* Each form the kernel uses, ending with the page mapped writable again. */
static void check_emulated(volatile uint64_t *page, volatile uint64_t *pte, uint64_t orig)
{
    volatile uint32_t *half = (volatile uint32_t *)pte;
    uint64_t old;
    bool was;

    *pte = orig & ~PTE_RW; /* mov */
    GK_EXPECT_EQ(*pte & ~PTE_AD, orig & ~PTE_RW & ~PTE_AD);
    GK_EXPECT_EQ(bt_read_cr2(), (uint64_t)pte);
    invlpg(page);
    expect_read_only(page);
    GK_EXPECT_EQ(__sync_val_compare_and_swap(pte, 0, orig), *pte); /* cmpxchg fails */
    GK_EXPECT_EQ(*pte & PTE_RW, 0);
    old = *pte;
    GK_EXPECT_EQ(__sync_val_compare_and_swap(pte, old, orig), old);
    GK_EXPECT(*pte & PTE_RW);
    old = __atomic_exchange_n(pte, orig & ~PTE_RW, __ATOMIC_SEQ_CST); /* xchg */
    GK_EXPECT(old & PTE_RW);
    __atomic_or_fetch(&half[0], (uint32_t)PTE_RW, __ATOMIC_SEQ_CST); /* lock or, low half */
    half[1] = (uint32_t)((orig | PTE_NX) >> 32);                     /* mov, high half */
    GK_EXPECT(*pte & PTE_NX);
    invlpg(page);
    *page = 42;
    GK_EXPECT_EQ(*page, 42);
    __asm__ volatile("lock btrq $5, %0; setc %1" : "+m"(*pte), "=q"(was)::"memory");
    GK_EXPECT(was);
    GK_EXPECT_EQ(*pte & PTE_A, 0);
}

/* Entries the PV MMU refuses, and a write the emulation does not take: the #PF comes through. */
static void check_refused(volatile uint64_t *pte)
{
    volatile uint64_t *misaligned = (volatile uint64_t *)((volatile char *)pte + 4);
    uint64_t table = (uint64_t)gk_virt_to_mfn((const void *)pte) << 12;
    uint64_t old = *pte;
    struct gk_trap_record rec;

    GK_EXPECT_TRAP(GK_VEC_PF, &rec, *pte = table | 0x67);
    GK_EXPECT_EQ(rec.error_code & 3, 3);
    GK_EXPECT_EQ(bt_read_cr2(), (uint64_t)pte);
    GK_EXPECT_EQ(*pte, old);
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, *pte = (1ULL << 12) | 0x67); /* machine frame 1 */
    GK_EXPECT_EQ(*pte, old);
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, __asm__ volatile("movq %1, %0" : "=m"(*misaligned) : "r"(old)));
    GK_EXPECT_EQ(bt_read_cr2(), (uint64_t)misaligned);
    GK_EXPECT_EQ(*pte, old);
}

GK_TEST(ptwr)
{
    volatile uint64_t *page = gk_page_alloc();
    volatile uint64_t *pte = l1e_of(page);
    uint64_t orig = *pte;
    struct gk_trap_record rec;

    GK_ASSERT((orig & (PTE_P | PTE_RW)) == (PTE_P | PTE_RW));
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, *pte = orig);
    GK_EXPECT_EQ(bt_read_cr2(), (uint64_t)pte);
    GK_EXPECT_EQ(writable_pagetables(PV_VMASST_CMD_enable), 0);
    check_emulated(page, pte, orig);
    check_refused(pte);
    GK_EXPECT_EQ(writable_pagetables(PV_VMASST_CMD_disable), 0);
    GK_EXPECT_TRAP(GK_VEC_PF, &rec, *pte = orig);
}
