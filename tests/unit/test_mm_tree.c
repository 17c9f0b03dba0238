/* Unit tests of whole page-table trees in the page-table core: a validation that fails anywhere
 * undoes every reference it took; linear page tables; vCPU roots; teardown of a dead domain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "pv-abi/errno.h"
#include "pv-abi/vm_assist.h"
#include "mm_baseptr.h"
#include "mm_fake.h"
#include "paging.h"

#define UP (PTE_P | PTE_RW | PTE_US) /* flags of an entry pointing at a lower table */
#define RO (PTE_P | PTE_US)

/* A four-level tree with shared tables, shared writable data, read-only mappings of its own
 * tables, an L4 mapping itself and an L2 mapped linearly by another L2. In validation order:
 * l4[0] -> l3[0] -> l2[0] (l1[0], l1[1]), l2[1] (l1[2], l1[3], linear l2[0]); l4[1] -> l3[1] ->
 * l2[2] (l1[4], l1[5]), l2[3] (l1[6], l1[7], l1[0] again), l2[0] again; l4[300] -> l3[0] again;
 * l4[510] -> l4 read-only. */
struct tree {
    uint64_t l4, l3[2], l2[4], l1[8], data[16];
};

static void build_tree(struct tree *t)
{
    t->l4 = mmf_frame(&dom_a);
    for (unsigned i = 0; i < 2; i++)
        t->l3[i] = mmf_frame(&dom_a);
    for (unsigned i = 0; i < 4; i++)
        t->l2[i] = mmf_frame(&dom_a);
    for (unsigned i = 0; i < 8; i++)
        t->l1[i] = mmf_frame(&dom_a);
    for (unsigned i = 0; i < 16; i++)
        t->data[i] = mmf_frame(&dom_a);
    mmf_mem(t->l4)[0] = mmf_pte(t->l3[0], UP);
    mmf_mem(t->l4)[1] = mmf_pte(t->l3[1], UP);
    mmf_mem(t->l4)[300] = mmf_pte(t->l3[0], UP);
    mmf_mem(t->l4)[510] = mmf_pte(t->l4, RO);
    for (unsigned i = 0; i < 2; i++)
        for (unsigned s = 0; s < 2; s++)
            mmf_mem(t->l3[i])[s] = mmf_pte(t->l2[2 * i + s], UP);
    mmf_mem(t->l3[1])[100] = mmf_pte(t->l2[0], UP);
    for (unsigned i = 0; i < 4; i++)
        for (unsigned s = 0; s < 2; s++)
            mmf_mem(t->l2[i])[s] = mmf_pte(t->l1[2 * i + s], UP);
    mmf_mem(t->l2[1])[400] = mmf_pte(t->l2[0], RO);
    mmf_mem(t->l2[3])[9] = mmf_pte(t->l1[0], UP);
    for (unsigned i = 0; i < 8; i++) {
        uint64_t *e = mmf_mem(t->l1[i]);

        e[0] = mmf_pte(t->data[2 * i], PTE_P | PTE_RW);
        e[1] = mmf_pte(t->data[2 * i + 1], PTE_P | PTE_RW | PTE_US | PTE_NX);
        e[2] = mmf_pte(t->data[0], PTE_P | PTE_RW);
        e[3] = mmf_pte(t->l2[i / 2], PTE_P);
        e[4] = mmf_pte(t->l4, PTE_P | PTE_US);
    }
}

/* Counts the tree holds once its L4 is validated (pinned or not). */
static void check_tree_counts(const struct tree *t, uint32_t l4_refs)
{
    assert_int_equal(mmf_type_count(t->l4), l4_refs);
    assert_int_equal(frame_info(t->l4)->count, l4_refs + 8); /* + read-only maps in the L1s */
    assert_int_equal(mmf_type_count(t->l3[0]), 2);
    assert_int_equal(mmf_type_count(t->l3[1]), 1);
    assert_int_equal(mmf_type_count(t->l2[0]), 3); /* l3[0], l3[1], linear from l2[1] */
    assert_int_equal(frame_info(t->l2[0])->linear, -1);
    assert_int_equal(frame_info(t->l2[1])->linear, 1);
    assert_int_equal(frame_info(t->l2[0])->count, 3 + 2); /* + read-only from l1[0], l1[1] */
    assert_int_equal(mmf_type_count(t->l1[0]), 2);
    assert_int_equal(mmf_type_count(t->data[0]), 9);
    assert_int_equal(mmf_type(t->data[0]), PGT_writable);
    assert_int_equal(mmf_type_count(t->data[15]), 1);
    assert_int_equal(mmf_mem(t->l1[0])[0], mmf_pte(t->data[0], UP | PTE_GUEST_KERNEL));
    assert_int_equal(mmf_mem(t->l4)[510], mmf_pte(t->l4, RO | PTE_A));
}

static void test_tree_pin_and_teardown(void **state)
{
    struct tree t;

    (void)state;
    mmf_reset();
    build_tree(&t);
    assert_int_equal(mm_pin(&dom_a, t.l4, 4), 0);
    check_tree_counts(&t, 1);
    assert_int_equal(mm_pin(&dom_a, t.l1[5], 1), 0); /* extra pins inside the tree */
    assert_int_equal(mm_pin(&dom_a, t.l3[1], 3), 0);
    mm_domain_teardown(&dom_a);
    mmf_assert_all_zero(&dom_a);
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(frame_info(t.l1[i])->type_info & PGT_validated, 0);
    frame_release_all(&dom_a);
    assert_int_equal(frame_info(t.l4)->owner, DOMID_FREE);
}

/* Where a tree goes wrong, and how Xen reports it. */
enum poison_value { BAD_FLAG, FOREIGN, RW_OF, RO_OF, UP_OF, BEYOND, FRESH_BUSY };
enum table { L4, L3_0, L3_1, L2_0, L2_1, L2_2, L2_3, L1_0, L1_2, L1_3, L1_5, L1_6, L1_7, DATA_3 };
static const struct poison {
    const char *why;
    enum table table;
    unsigned slot;
    enum poison_value value;
    enum table of; /* for RW_OF, RO_OF, UP_OF */
    int rc;
} poisons[] = {
    {"PWT in the first L1", L1_0, 7, BAD_FLAG, 0, -PV_EINVAL},
    {"foreign frame in the last L1", L1_7, 511, FOREIGN, 0, -PV_EBUSY},
    {"writable map of an L2 validated later", L1_3, 5, RW_OF, L2_3, -PV_EINVAL},
    {"writable map of an L2 validated earlier", L1_6, 5, RW_OF, L2_0, -PV_EBUSY},
    {"writable map of the L4 being validated", L1_2, 9, RW_OF, L4, -PV_EBUSY},
    {"frame beyond the machine", L1_5, 0, BEYOND, 0, -PV_EPERM},
    {"superpage in an L2", L2_2, 3, BAD_FLAG, 0, -PV_EINVAL},
    {"L1 where an L2 belongs", L3_0, 200, UP_OF, L1_0, -PV_EINVAL},
    {"the L4 where an L2 belongs", L3_1, 7, UP_OF, L4, -PV_EINVAL},
    {"the L4 read-only where an L2 belongs", L3_1, 7, RO_OF, L4, -PV_EINVAL},
    {"the L4 mapping itself writable", L4, 5, UP_OF, L4, -PV_EINVAL},
    {"foreign frame in the L4", L4, 511, FOREIGN, 0, -PV_EINVAL},
    {"linear map of an L2 not validated yet", L2_0, 300, RO_OF, L2_2, -PV_EINVAL},
    {"linear map of an L2 that has linear entries", L2_3, 11, RO_OF, L2_1, -PV_EINVAL},
    {"writable data frame where an L3 belongs", L4, 2, UP_OF, DATA_3, -PV_EINVAL},
    {"tables leading to a foreign frame", L3_0, 511, FRESH_BUSY, 0, -PV_EBUSY},
    {"PCD in the L4", L4, 3, BAD_FLAG, 0, -PV_EINVAL},
};

static uint64_t table_mfn(const struct tree *t, enum table which)
{
    const uint64_t mfns[] = {t->l4,    t->l3[0], t->l3[1], t->l2[0],  t->l2[1],
                             t->l2[2], t->l2[3], t->l1[0], t->l1[2],  t->l1[3],
                             t->l1[5], t->l1[6], t->l1[7], t->data[3]};

    return mfns[which];
}

static uint64_t poison_value(const struct tree *t, const struct poison *p)
{
    uint64_t l2, l1;

    switch (p->value) {
    case BAD_FLAG:
        return mmf_pte(t->data[1], UP | (p->table == L2_2 ? PTE_PSE : PTE_PWT | PTE_PCD));
    case FOREIGN:
        return mmf_pte(mmf_frame(&dom_b), UP);
    case RW_OF:
        return mmf_pte(table_mfn(t, p->of), PTE_P | PTE_RW);
    case RO_OF:
        return mmf_pte(table_mfn(t, p->of), RO);
    case UP_OF:
        return mmf_pte(table_mfn(t, p->of), UP);
    case BEYOND:
        return mmf_pte(MMF_BEYOND, PTE_P);
    default:
        l1 = mmf_frame(&dom_a);
        l2 = mmf_frame(&dom_a);
        mmf_mem(l1)[100] = mmf_pte(mmf_frame(&dom_b), PTE_P);
        mmf_mem(l2)[50] = mmf_pte(l1, UP);
        return mmf_pte(l2, UP);
    }
}

/* Whatever goes wrong, and wherever, every reference taken so far is dropped again; without
 * the poison the same tree validates. */
static void test_tree_rollback(void **state)
{
    (void)state;
    for (unsigned i = 0; i < sizeof(poisons) / sizeof(poisons[0]); i++) {
        const struct poison *p = &poisons[i];
        struct mmf_counts before;
        struct tree t;
        uint64_t *slot;
        int rc;

        mmf_reset();
        build_tree(&t);
        slot = &mmf_mem(table_mfn(&t, p->table))[p->slot];
        *slot = poison_value(&t, p);
        mmf_snapshot(&before);
        rc = mm_pin(&dom_a, t.l4, 4);
        if (rc != p->rc)
            fail_msg("%s: got %d, expected %d", p->why, rc, p->rc);
        mmf_assert_counts(&before);
        assert_int_equal(mmf_type(t.l4), PGT_none);
        mmf_assert_all_zero(&dom_a);
        *slot = 0;
        assert_int_equal(mm_pin(&dom_a, t.l4, 4), 0);
        check_tree_counts(&t, 1);
        assert_int_equal(mm_unpin(&dom_a, t.l4), 0);
        mmf_assert_all_zero(&dom_a);
    }
}

/* Linear page tables: read-only, one step long, and holding a type reference on the other
 * table until the entry goes. */
static void test_linear_l4(void **state)
{
    uint64_t a, b, c, d, f;

    (void)state;
    mmf_reset();
    a = mmf_frame(&dom_a), b = mmf_frame(&dom_a), c = mmf_frame(&dom_a), d = mmf_frame(&dom_a);
    f = mmf_frame(&dom_a);
    for (uint64_t m = a; m <= d; m++)
        assert_int_equal(mm_pin(&dom_a, m, 4), 0);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(a, 0), mmf_pte(b, RO), false), 0);
    assert_int_equal(mmf_type_count(b), 2);
    assert_int_equal(frame_info(a)->linear, 1);
    assert_int_equal(frame_info(b)->linear, -1);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(b, 0), mmf_pte(c, RO), false), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(c, 0), mmf_pte(a, RO), false), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(a, 1), mmf_pte(b, RO), false), 0);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(a, 2), mmf_pte(a, RO), false), 0);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(a, 3), mmf_pte(b, UP), false), -PV_EINVAL);
    assert_int_equal(frame_info(a)->linear, 2);
    assert_int_equal(mm_unpin(&dom_a, b), 0);
    assert_int_equal(frame_info(b)->type_info, PGT_l4 | PGT_validated | 2);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(a, 0), 0, false), 0);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(a, 1), 0, false), 0);
    assert_int_equal(mmf_type_count(b), 0);
    assert_int_equal(frame_info(a)->linear, 0);
    assert_int_equal(frame_info(b)->linear, 0);
    assert_int_equal(mm_pin(&dom_a, b, 4), 0);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(b, 0), mmf_pte(c, RO), false), 0);
    /* A fresh frame read-only in an L4 is simply an L3; an unpinned L4 is neither any more. */
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(a, 4), mmf_pte(f, RO), false), 0);
    assert_int_equal(mmf_type(f), PGT_l3);
    assert_int_equal(mm_unpin(&dom_a, d), 0);
    assert_int_equal(mm_mod_entry(&dom_a, mmf_maddr(a, 5), mmf_pte(d, RO), false), -PV_EINVAL);
    assert_int_equal(mmf_type(d), PGT_none);
    mm_domain_teardown(&dom_a);
    mmf_assert_all_zero(&dom_a);
}

static uint64_t tree_l4(void)
{
    struct tree t;

    build_tree(&t);
    return t.l4;
}

/* Roots hold a general and an L4 type reference, are validated on first use, loaded before the
 * old one is released, and refused (keeping the old one) if they are not good L4s. */
static void test_roots(void **state)
{
    struct vcpu *v = dom_a.vcpu[0];
    struct mmf_counts before;
    uint64_t l4, l4b, bad;

    (void)state;
    mmf_reset();
    mmf.current = v;
    l4 = tree_l4();
    l4b = tree_l4();
    bad = tree_l4();
    mmf_mem(bad)[7] = mmf_pte(mmf_frame(&dom_b), UP);
    assert_int_equal(mm_new_baseptr(v, l4), 0);
    assert_int_equal(v->kernel_l4_mfn, l4);
    assert_int_equal(mmf.cr3, l4);
    assert_int_equal(frame_info(l4)->type_info, PGT_l4 | PGT_validated | 1);
    mmf_snapshot(&before);
    assert_int_equal(mm_new_baseptr(v, l4), 0); /* the same root: reloaded, nothing taken */
    assert_int_equal(mmf.cr3_loads, 2);
    assert_int_equal(mm_new_baseptr(v, 0), -PV_EINVAL);
    assert_int_equal(mm_new_baseptr(v, mmf_frame(&dom_b)), -PV_EINVAL);
    assert_int_equal(mm_new_baseptr(v, mmf_mem(l4)[0] >> PAGE_SHIFT), -PV_EINVAL); /* an L3 */
    assert_int_equal(mm_new_baseptr(v, bad), -PV_EINVAL);
    assert_int_equal(mm_new_user_baseptr(v, bad), -PV_EINVAL);
    mmf_assert_counts(&before);
    assert_int_equal(v->kernel_l4_mfn, l4);
    assert_int_equal(mmf.cr3_loads, 2);
    assert_int_equal(mm_new_user_baseptr(v, l4b), 0); /* kernel mode: not loaded */
    assert_int_equal(mmf.cr3_loads, 2);
    assert_int_equal(mm_new_baseptr(v, l4b), 0);
    assert_int_equal(mmf.cr3, l4b);
    assert_int_equal(mmf_type_count(l4), 0); /* released with its whole tree */
    assert_int_equal(mmf_type_count(l4b), 2);
    mmf.current = NULL; /* a vCPU that is not running is not loaded */
    assert_int_equal(mm_new_baseptr(v, l4), 0);
    assert_int_equal(mmf.cr3_loads, 3);
    assert_int_equal(mm_new_user_baseptr(v, 0), 0);
    assert_int_equal(mmf_type_count(l4b), 0);
    assert_int_equal(mm_new_user_baseptr(v, l4b), 0);
    mm_domain_teardown(&dom_a);
    assert_int_equal(v->kernel_l4_mfn, 0);
    assert_int_equal(v->user_l4_mfn, 0);
    mmf_assert_all_zero(&dom_a);
}

/* VMASST_TYPE_m2p_strict (Xen's rule): without it an L4 is validated without the read-only M2P
 * slot and gets it as a kernel root, never as a user root only; with it an L4 is validated with
 * the slot and loses it for good as a user root. */
static void test_m2p_strict(void **state)
{
    struct vcpu *v = dom_a.vcpu[0];
    const unsigned m2p = HV_L4_FIRST;
    uint64_t kern, user, both;

    (void)state;
    mmf_reset();
    mmf.current = v;
    kern = tree_l4();
    user = tree_l4();
    both = tree_l4();
    assert_int_equal(mm_pin(&dom_a, user, 4), 0);
    assert_int_equal(mmf_mem(user)[m2p], 0);
    assert_int_equal(mmf_mem(user)[m2p + 1], MMF_HV_SLOT_MARK(m2p + 1));
    assert_int_equal(mm_new_user_baseptr(v, user), 0);
    assert_int_equal(mmf_mem(user)[m2p], 0); /* a user root only: no M2P */
    assert_int_equal(mm_new_baseptr(v, kern), 0);
    assert_int_equal(mmf_mem(kern)[m2p], MMF_HV_SLOT_MARK(m2p));
    assert_int_equal(mm_new_user_baseptr(v, kern), 0); /* kept as a user root too */
    assert_int_equal(mmf_mem(kern)[m2p], MMF_HV_SLOT_MARK(m2p));

    dom_a.vm_assist |= 1UL << PV_VMASST_TYPE_m2p_strict;
    assert_int_equal(mm_pin(&dom_a, both, 4), 0);
    assert_int_equal(mmf_mem(both)[m2p], MMF_HV_SLOT_MARK(m2p)); /* validated with it */
    assert_int_equal(mm_new_baseptr(v, both), 0);
    assert_int_equal(mmf_mem(both)[m2p], MMF_HV_SLOT_MARK(m2p));
    assert_int_equal(mm_new_user_baseptr(v, both), 0);
    assert_int_equal(mmf_mem(both)[m2p], 0); /* zapped as a user root */
    assert_int_equal(mm_new_baseptr(v, kern), 0);
    assert_int_equal(mm_new_baseptr(v, both), 0);
    assert_int_equal(mmf_mem(both)[m2p], 0); /* and not given back as a kernel root */
    assert_int_equal(mm_new_user_baseptr(v, kern), 0);
    assert_int_equal(mmf_mem(kern)[m2p], 0);
    dom_a.vm_assist = 0;
    mm_domain_teardown(&dom_a);
    mmf_assert_all_zero(&dom_a);
}

/* A guest that dies with roots, pins, linear entries and writable mappings in place. */
static void test_teardown_everything(void **state)
{
    struct vcpu *v = dom_a.vcpu[0];
    struct tree t;
    uint64_t user;

    (void)state;
    mmf_reset();
    build_tree(&t);
    user = mmf_frame(&dom_a);
    mmf_mem(user)[0] = mmf_pte(mmf_frame(&dom_a), UP); /* a fresh L3 */
    mmf_mem(user)[1] = mmf_pte(t.l4, RO);
    assert_int_equal(mm_pin(&dom_a, t.l4, 4), 0);
    assert_int_equal(mm_new_baseptr(v, t.l4), 0);
    assert_int_equal(mm_new_user_baseptr(v, user), 0);
    assert_int_equal(frame_info(t.l4)->linear, -1);
    assert_int_equal(mm_pin(&dom_a, t.l2[2], 2), 0);
    check_tree_counts(&t, 3);
    mm_domain_teardown(&dom_a);
    mmf_assert_all_zero(&dom_a);
    mm_domain_teardown(&dom_a); /* nothing left: a no-op */
    mmf_assert_all_zero(&dom_a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_pin_and_teardown),
        cmocka_unit_test(test_tree_rollback),
        cmocka_unit_test(test_linear_l4),
        cmocka_unit_test(test_roots),
        cmocka_unit_test(test_m2p_strict),
        cmocka_unit_test(test_teardown_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
