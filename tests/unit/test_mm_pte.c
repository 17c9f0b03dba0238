/* Unit tests of the page-table entry rules (hypervisor/mm/page_table.c): every
 * combination of presence, RW, US, one flag bit and one kind of target frame, at each level, both
 * when a table holding the entry is pinned (validation) and when the entry is written into a
 * pinned table (mm_mod_entry). The expected result composes two tables written from Xen's rules:
 * a not-present entry is always accepted; a refused flag gives -EINVAL before anything else;
 * otherwise the target decides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "pv-abi/errno.h"
#include "mm_fake.h"
#include "paging.h"

enum target {
    DATA,        /* a fresh frame of the domain */
    BAD_CHILD,   /* a frame whose slot 9 holds an entry with PWT */
    BUSY_CHILD,  /* a frame leading, through valid tables, to an L1 mapping a foreign frame */
    CHILD,       /* a pinned table one level down (a pinned L1 for an L1 entry) */
    WRITABLE,    /* a frame another pinned L1 maps writable */
    WRONG_LEVEL, /* a pinned table of a level that is neither L-1 nor L */
    SAME_LEVEL,  /* a pinned table of the same level (a linear mapping) */
    SELF,        /* the table itself */
    SEGDESC,     /* a descriptor page */
    FOREIGN,     /* a frame of another domain */
    FREE,        /* a frame in the free pool */
    HV_FRAME,    /* a frame of the hypervisor */
    BEYOND,      /* a frame number beyond the frame table */
    ALL_ONES,    /* the frame field all ones (INVALID_MFN) */
    NR_TARGETS
};

/* Result for a present entry with allowed flags: [read-only, writable], at L1 and at L2-L4. */
/* What a validated L4 of a domain without VMASST_TYPE_m2p_strict holds in hypervisor slot s:
 * the hypervisor's entries, but no read-only M2P until the L4 becomes a kernel root. */
static uint64_t hv_slot(unsigned s)
{
    return s == HV_L4_FIRST ? 0 : MMF_HV_SLOT_MARK(s);
}

static const struct target_rule {
    const char *name;
    int l1[2], ln[2];
} targets[NR_TARGETS] = {
    [DATA] = {"fresh frame", {0, 0}, {0, 0}},
    [BAD_CHILD] = {"frame with a bad entry", {0, 0}, {-PV_EINVAL, -PV_EINVAL}},
    [BUSY_CHILD] = {"tables leading to a foreign frame", {0, 0}, {-PV_EBUSY, -PV_EBUSY}},
    [CHILD] = {"pinned table one level down", {0, -PV_EBUSY}, {0, 0}},
    [WRITABLE] = {"frame mapped writable", {0, 0}, {-PV_EINVAL, -PV_EINVAL}},
    [WRONG_LEVEL] = {"pinned table of another level", {0, -PV_EBUSY}, {-PV_EINVAL, -PV_EINVAL}},
    [SAME_LEVEL] = {"pinned table of the same level", {0, -PV_EBUSY}, {0, -PV_EINVAL}},
    [SELF] = {"the table itself", {0, -PV_EBUSY}, {0, -PV_EINVAL}},
    [SEGDESC] = {"descriptor page", {0, -PV_EBUSY}, {-PV_EINVAL, -PV_EINVAL}},
    [FOREIGN] = {"foreign frame", {-PV_EBUSY, -PV_EBUSY}, {-PV_EINVAL, -PV_EINVAL}},
    [FREE] = {"free frame", {-PV_EBUSY, -PV_EBUSY}, {-PV_EINVAL, -PV_EINVAL}},
    [HV_FRAME] = {"hypervisor frame", {-PV_EBUSY, -PV_EBUSY}, {-PV_EINVAL, -PV_EINVAL}},
    [BEYOND] = {"beyond the frame table", {-PV_EPERM, -PV_EPERM}, {-PV_EINVAL, -PV_EINVAL}},
    [ALL_ONES] = {"frame field all ones", {-PV_EINVAL, -PV_EINVAL}, {-PV_EINVAL, -PV_EINVAL}},
};

/* One extra flag bit and whether a present entry may carry it at L1 and at L2-L4. */
static const struct flag_rule {
    const char *name;
    uint64_t bit;
    bool l1_ok, ln_ok;
} flags[] = {
    {"no extra flag", 0, true, true},    {"PWT", 1UL << 3, false, false},
    {"PCD", 1UL << 4, false, false},     {"A", 1UL << 5, true, true},
    {"D", 1UL << 6, true, true},         {"PAT/PSE", 1UL << 7, false, false},
    {"G", 1UL << 8, true, false},        {"avail 9", 1UL << 9, true, true},
    {"avail 10", 1UL << 10, true, true}, {"avail 11", 1UL << 11, true, true},
    {"bit 52", 1UL << 52, true, true},   {"bit 58", 1UL << 58, true, true},
    {"bit 61", 1UL << 61, true, true},   {"bit 62 (grant)", 1UL << 62, false, true},
    {"NX", 1UL << 63, true, true},
};
#define NR_FLAGS (sizeof(flags) / sizeof(flags[0]))

/* Entry slots tried in turn: the L4 ones border the hypervisor slots 256-271. */
static const unsigned slots[] = {0, 7, 255, 272, 511};

struct pte_case {
    unsigned level, target, flag, slot;
    bool rw, us, present, via_mod;
};

static uint64_t pinned(unsigned level)
{
    uint64_t m = mmf_frame(&dom_a);

    assert_int_equal(mm_pin(&dom_a, m, level), 0);
    return m;
}

/* A table of `level` whose slot 9 holds e. */
static uint64_t table_with(uint64_t e)
{
    uint64_t m = mmf_frame(&dom_a);

    mmf_mem(m)[9] = e;
    return m;
}

/* `level` levels of tables ending in an L1 that maps a foreign frame. */
static uint64_t busy_chain(unsigned level)
{
    if (level == 1)
        return table_with(mmf_pte(mmf_frame(&dom_b), PTE_P));
    return table_with(mmf_pte(busy_chain(level - 1), PTE_P | PTE_RW | PTE_US));
}

static unsigned wrong_level(unsigned level)
{
    static const unsigned other[5] = {0, 2, 3, 1, 2};

    return other[level];
}

static uint64_t make_target(enum target kind, unsigned level, uint64_t table)
{
    uint64_t m;

    switch (kind) {
    case DATA:
        return mmf_frame(&dom_a);
    case BAD_CHILD:
        return table_with(mmf_pte(mmf_frame(&dom_a), PTE_P | PTE_PWT));
    case BUSY_CHILD:
        return level == 1 ? mmf_frame(&dom_a) : busy_chain(level - 1);
    case CHILD:
        return pinned(level == 1 ? 1 : level - 1);
    case WRITABLE:
        m = mmf_frame(&dom_a);
        assert_int_equal(
            mm_mod_entry(&dom_a, mmf_maddr(pinned(1), 0), mmf_pte(m, PTE_P | PTE_RW), false), 0);
        return m;
    case WRONG_LEVEL:
        return pinned(wrong_level(level));
    case SAME_LEVEL:
        return pinned(level);
    case SELF:
        return table;
    case SEGDESC:
        m = mmf_frame(&dom_a);
        assert_int_equal(mm_get_page_and_type(m, &dom_a, PGT_seg_desc), 0);
        return m;
    case FOREIGN:
        return mmf_frame(&dom_b);
    case FREE:
        return mmf_free_frame();
    case HV_FRAME:
        return MMF_HV_FRAME;
    case BEYOND:
        return MMF_BEYOND;
    default:
        return MMF_ALL_ONES;
    }
}

static int expected_rc(const struct pte_case *c)
{
    const struct flag_rule *f = &flags[c->flag];

    if (!c->present)
        return 0;
    if (!(c->level == 1 ? f->l1_ok : f->ln_ok))
        return -PV_EINVAL;
    return c->level == 1 ? targets[c->target].l1[c->rw] : targets[c->target].ln[c->rw];
}

/* What the hypervisor stores: _PAGE_USER forced, kernel L1 entries marked with bit 52 and never
 * global, L4 entries accessed. */
static uint64_t expected_stored(unsigned level, uint64_t val)
{
    if (!(val & PTE_P))
        return val;
    if (level == 1)
        return (val & ~PTE_G) | PTE_US | (val & PTE_US ? 0 : 1UL << 52);
    return val | PTE_US | (level == 4 ? PTE_A : 0);
}

/* The counts a successful case adds: the entry's references, and for the pin the pin's. */
static void add_expected_refs(const struct pte_case *c, uint64_t table, uint64_t tgt,
                              struct mmf_counts *want)
{
    bool self_ln = c->target == SELF && c->level > 1;

    if (!c->via_mod) {
        want->count[table]++;
        want->type_info[table] = mm_level_type(c->level) | PGT_pinned | PGT_validated | 1;
    }
    if (!c->present || self_ln)
        return;
    want->count[tgt]++;
    if (c->level == 1 && !c->rw)
        return;
    if (!(want->type_info[tgt] & PGT_count_mask))
        want->type_info[tgt] =
            (c->level == 1 ? PGT_writable : mm_level_type(c->level - 1)) | PGT_validated;
    want->type_info[tgt]++;
    if (c->target == SAME_LEVEL) {
        want->linear[table]++;
        want->linear[tgt]--;
    }
}

static void describe(const struct pte_case *c, uint64_t val, int rc, int want)
{
    fail_msg("L%u %s slot %u: %s%s%s%s -> %s: got %d, expected %d (val %#llx)", c->level,
             c->via_mod ? "mod_entry" : "pin", c->slot, c->present ? "P " : "not-present ",
             c->rw ? "RW " : "RO ", c->us ? "US " : "", flags[c->flag].name,
             targets[c->target].name, rc, want, (unsigned long long)val);
}

static int apply(const struct pte_case *c, uint64_t table, uint64_t val)
{
    if (c->via_mod)
        return mm_mod_entry(&dom_a, mmf_maddr(table, c->slot), val, false);
    mmf_mem(table)[c->slot] = val;
    return mm_pin(&dom_a, table, c->level);
}

static void run_case(const struct pte_case *c)
{
    struct mmf_counts before, want;
    uint64_t table, tgt, val;
    int rc, expect = expected_rc(c);

    mmf_reset();
    table = mmf_frame(&dom_a);
    tgt = make_target(c->target, c->level, table);
    val = mmf_pte(tgt, flags[c->flag].bit | (c->present ? PTE_P : 0) | (c->rw ? PTE_RW : 0) |
                           (c->us ? PTE_US : 0));
    if (c->via_mod)
        assert_int_equal(mm_pin(&dom_a, table, c->level), 0);
    mmf_snapshot(&before);
    rc = apply(c, table, val);
    if (rc != expect)
        describe(c, val, rc, expect);
    if (rc) {
        mmf_assert_counts(&before);
        assert_int_equal(mmf_mem(table)[c->slot], c->via_mod ? 0 : val);
        return;
    }
    want = before;
    add_expected_refs(c, table, tgt, &want);
    mmf_assert_counts(&want);
    assert_int_equal(mmf_mem(table)[c->slot], expected_stored(c->level, val));
    if (c->level == 4)
        for (unsigned s = HV_L4_FIRST; s <= HV_L4_LAST; s++)
            assert_int_equal(mmf_mem(table)[s], hv_slot(s));
    /* Undo: the references go back exactly. */
    if (c->via_mod)
        assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(table, c->slot), 0, false), 0);
    else
        assert_int_equal(mm_unpin(&dom_a, table), 0);
    mmf_assert_counts(&before);
}

static void run_level(unsigned level, bool via_mod)
{
    unsigned n = 0;

    for (unsigned t = 0; t < NR_TARGETS; t++)
        for (unsigned f = 0; f < NR_FLAGS; f++)
            for (unsigned bits = 0; bits < 8; bits++, n++) {
                struct pte_case c = {.level = level,
                                     .target = t,
                                     .flag = f,
                                     .slot = slots[n % (sizeof(slots) / sizeof(slots[0]))],
                                     .present = bits & 1,
                                     .rw = bits & 2,
                                     .us = bits & 4,
                                     .via_mod = via_mod};
                run_case(&c);
            }
    assert_int_equal(n, NR_TARGETS * NR_FLAGS * 8);
}

#define LEVEL_TESTS(l)                                                                             \
    static void test_l##l##_validate(void **state)                                                 \
    {                                                                                              \
        (void)state;                                                                               \
        run_level(l, false);                                                                       \
    }                                                                                              \
    static void test_l##l##_mod_entry(void **state)                                                \
    {                                                                                              \
        (void)state;                                                                               \
        run_level(l, true);                                                                        \
    }
LEVEL_TESTS(1)
LEVEL_TESTS(2)
LEVEL_TESTS(3)
LEVEL_TESTS(4)

/* The guest's values in L4 slots 256-271 are ignored and replaced by the hypervisor's; the guest
 * can never write one. */
static void test_l4_hypervisor_slots(void **state)
{
    uint64_t l4, l3;
    struct mmf_counts before;

    (void)state;
    mmf_reset();
    l4 = mmf_frame(&dom_a);
    l3 = pinned(3);
    for (unsigned s = HV_L4_FIRST; s <= HV_L4_LAST; s++)
        mmf_mem(l4)[s] = mmf_pte(s & 1 ? l3 : MMF_BEYOND, PTE_P | PTE_RW | PTE_PWT);
    mmf_snapshot(&before);
    assert_int_equal(mm_pin(&dom_a, l4, 4), 0);
    before.count[l4]++;
    before.type_info[l4] = PGT_l4 | PGT_pinned | PGT_validated | 1;
    mmf_assert_counts(&before); /* nothing taken for slots 256-271 */
    for (unsigned s = HV_L4_FIRST - 1; s <= HV_L4_LAST + 1; s++) {
        bool guest = s < HV_L4_FIRST || s > HV_L4_LAST;
        uint64_t *e = &mmf_mem(l4)[s];

        /* Any value is refused in a hypervisor slot, even 0 or the hypervisor's own. */
        assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l4, s), 0, false), guest ? 0 : -PV_EINVAL);
        assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l4, s), mmf_pte(l3, PTE_P), false),
                         guest ? 0 : -PV_EINVAL);
        assert_int_equal(*e, guest ? mmf_pte(l3, PTE_P | PTE_US | PTE_A) : hv_slot(s));
        assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l4, s), MMF_HV_SLOT_MARK(s), false),
                         -PV_EINVAL);
        assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(l4, s), 0, false), guest ? 0 : -PV_EINVAL);
    }
    mmf_assert_counts(&before);
    assert_int_equal(mm_unpin(&dom_a, l4), 0);
    assert_int_equal(mm_unpin(&dom_a, l3), 0);
    mmf_assert_all_zero(&dom_a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_l1_validate),         cmocka_unit_test(test_l1_mod_entry),
        cmocka_unit_test(test_l2_validate),         cmocka_unit_test(test_l2_mod_entry),
        cmocka_unit_test(test_l3_validate),         cmocka_unit_test(test_l3_mod_entry),
        cmocka_unit_test(test_l4_validate),         cmocka_unit_test(test_l4_mod_entry),
        cmocka_unit_test(test_l4_hypervisor_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
