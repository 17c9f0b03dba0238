/*
 * tests/boot: page-table helpers for the MMU tests and benchmarks. Everything goes through raw
 * hypercalls (mmu_update, mmuext_op, update_va_mapping): no kit memory manager. Tables are read
 * through a one-page window (a read-only mapping moved with update_va_mapping), so the helpers
 * do not care where the guest maps its tables, and they start from the live %cr3.
 */
#ifndef BT_MMU_H
#define BT_MMU_H

#include "bt.h"

#define BT_PTE_P 0x1ULL
#define BT_PTE_RW 0x2ULL
#define BT_PTE_US 0x4ULL
#define BT_PTE_PWT 0x8ULL
#define BT_PTE_PCD 0x10ULL
#define BT_PTE_A 0x20ULL
#define BT_PTE_D 0x40ULL
#define BT_PTE_PSE 0x80ULL /* PAT in an L1 entry */
#define BT_PTE_G 0x100ULL
#define BT_PTE_NX (1ULL << 63)
#define BT_PTE_ADDR 0x000ffffffffff000ULL

/* Entry values: a data page read-only or writable, and an upper-level entry. */
#define BT_PTE_RO (BT_PTE_P | BT_PTE_A | BT_PTE_NX)
#define BT_PTE_RWD (BT_PTE_P | BT_PTE_RW | BT_PTE_A | BT_PTE_D | BT_PTE_NX)
#define BT_PTE_TABLE (BT_PTE_P | BT_PTE_RW | BT_PTE_US | BT_PTE_A | BT_PTE_D)

/* Xen's hypervisor L4 slots (256-271) and the start of the read-only M2P. */
#define BT_HV_SLOT_FIRST 256
#define BT_HV_SLOT_LAST 271

/* Like GK_ASSERT_EQ, but only this comparison ends the test (GK_ASSERT_EQ also stops on any
 * earlier failure, which would hide the checks after it). */
#define BT_REQUIRE_EQ(a, b)                                                                        \
    do {                                                                                           \
        int64_t bt_a_ = (int64_t)(a), bt_b_ = (int64_t)(b);                                        \
        if (bt_a_ != bt_b_) {                                                                      \
            GK_FAIL("required %s == %s, got %ld (%#lx) vs %ld (%#lx)", #a, #b, bt_a_,              \
                    (uint64_t)bt_a_, bt_b_, (uint64_t)bt_b_);                                      \
            gk_test_finish();                                                                      \
        }                                                                                          \
    } while (0)

/* A hypercall result against Xen's, reported by what was tried (shorter than the expression). */
#define BT_EXPECT_RC(what, got, want)                                                              \
    do {                                                                                           \
        long bt_got_ = (long)(got), bt_want_ = (long)(want);                                       \
        if (bt_got_ != bt_want_)                                                                   \
            GK_FAIL("%s: %ld, expected %ld", what, bt_got_, bt_want_);                             \
    } while (0)

static inline unsigned bt_pt_index(uint64_t va, unsigned level)
{
    return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

static inline uint64_t bt_pte_mfn(uint64_t pte)
{
    return (pte & BT_PTE_ADDR) >> 12;
}

/* The canonical address with these four table indices and page offset 0. */
uint64_t bt_va_of(unsigned l4, unsigned l3, unsigned l2, unsigned l1);

/* The current kernel L4 (from %cr3) and entry i of any table frame, read through the window. */
uint64_t bt_cur_l4(void);
uint64_t bt_peek(uint64_t mfn, unsigned i);
void bt_read_frame(uint64_t mfn, uint64_t *buf); /* all 512 entries */

/* The frame of the level-`level` table on the walk of va (4 = the L4), or 0 if the walk stops
 * at a non-present entry above it; and the machine address of the level entry mapping va. */
uint64_t bt_table_of(uint64_t va, unsigned level);
uint64_t bt_entry_maddr(uint64_t va, unsigned level);

/* One-request wrappers. bt_mmu and bt_mmu_foreign check that `done` matches the result. */
long bt_mmu(uint64_t ptr, uint64_t val);
/* The same on behalf of domain fd (a foreign mapping when fd is another domain). */
long bt_mmu_foreign(uint64_t ptr, uint64_t val, uint16_t fd);
long bt_ext(unsigned cmd, uint64_t arg1, uint64_t arg2);
long bt_uvm(uint64_t va, uint64_t pte, uint64_t flags);
long bt_pin(unsigned level, uint64_t mfn);
long bt_unpin(uint64_t mfn);
long bt_invlpg(uint64_t va);

/* Remap a page of the initial mapping to its own frame, read-only or writable. */
long bt_protect(const void *page, bool writable);

/* A new page-table frame: a zeroed kit page filled with `entries` (or zeros), then mapped
 * read-only so that it can become a table. bt_table_free maps it writable again (which fails
 * while it is still a table) and gives the page back; it returns that remap's result. */
struct bt_table {
    uint64_t *va; /* read-only view */
    uint64_t mfn;
};
bool bt_table_new(struct bt_table *t, const uint64_t *entries);
long bt_table_free(struct bt_table *t);

/* An unused L2 slot in the L2 that maps the kernel image: a 2 MiB region of free VA. */
uint64_t bt_free_2m_va(unsigned nth);

/* A 2 MiB region of free kernel VA mapped by a new, empty L1 (hooked with mmu_update). */
struct bt_region {
    struct bt_table l1;
    uint64_t va;
};
bool bt_region_init(struct bt_region *r);
static inline uint64_t bt_region_pte(const struct bt_region *r, unsigned i)
{
    return (r->l1.mfn << 12) + i * 8;
}
/* Clear every entry, unhook the L1 and free it: 0 or the first error. */
long bt_region_fini(struct bt_region *r);

/* A guest with several test rules: "rule=NAME" on the command line picks one, which runs as
 * test "<prefix>NAME" (one result line, as every test guest). */
struct bt_rule {
    const char *name;
    void (*fn)(void);
};
__attribute__((noreturn)) void bt_run_rule(const char *prefix, const struct bt_rule *rules,
                                           unsigned n);

/*
 * A private address space: a new L4, L3, L2 and copies of every L1 the current tables use for
 * the kernel image's 1 GiB, with the new tables themselves read-only everywhere. `extra_l1`
 * (if not 0) is hooked at L2 slot `extra_slot` (ignored otherwise), a region only this tree
 * maps. The caller
 * pins the L4 (which validates the whole tree) and may switch to it.
 */
#define BT_TREE_MAX_L1 64
struct bt_tree {
    struct bt_table l4, l3, l2, l1[BT_TREE_MAX_L1];
    unsigned nr_l1;
};
bool bt_tree_build(struct bt_tree *t, uint64_t extra_l1, unsigned extra_slot);
/* Make every table page writable again and free it: 0, or the first refusal. */
long bt_tree_free(struct bt_tree *t);

/* The L2 slot that maps va (for bt_tree_build's extra_slot). */
static inline unsigned bt_l2_slot(uint64_t va)
{
    return bt_pt_index(va, 2);
}

#endif /* BT_MMU_H */
