/* Unit tests of type and reference-count transitions in the page-table core: pins, type changes,
 * frames wanted at two levels, and the order of reference changes in mm_mod_entry (trees,
 * rollback, linear tables, roots and teardown: test_mm_tree.c), and foreign mappings (mmu_update's
 * foreign domain): their references, refusals, and frames kept past the owner's teardown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "pv-abi/errno.h"
#include "mm_baseptr.h"
#include "mm_fake.h"
#include "paging.h"

#define UP (PTE_P | PTE_RW | PTE_US) /* flags of an entry pointing at a lower table */

static uint64_t frame(void)
{
    return mmf_frame(&dom_a);
}

static int mod(uint64_t table, unsigned slot, uint64_t val)
{
    return mm_mod_entry(&dom_a, mmf_maddr(table, slot), val, false);
}

/* Scripted pin/unpin sequences with Xen's results. */
enum op { PIN, UNPIN };
static const struct pin_step {
    enum op op;
    unsigned frame; /* 0-2: frames of dom_a, 3: dom_b's, 4: free, 5: beyond the table */
    unsigned level;
    int rc;
} pin_script[] = {
    {PIN, 0, 1, 0},
    {PIN, 0, 1, -PV_EINVAL},   /* pinned once only */
    {PIN, 0, 2, -PV_EINVAL},   /* typed L1 */
    {UNPIN, 1, 0, -PV_EINVAL}, /* not pinned */
    {UNPIN, 0, 0, 0},
    {UNPIN, 0, 0, -PV_EINVAL},
    {PIN, 0, 2, 0}, /* type free again */
    {PIN, 1, 3, 0},
    {PIN, 2, 4, 0},
    {PIN, 0, 0, -PV_EINVAL}, /* no level 0 */
    {PIN, 1, 5, -PV_EINVAL}, /* nor 5 */
    {PIN, 3, 1, -PV_EINVAL}, /* not the caller's frame */
    {UNPIN, 3, 0, -PV_EINVAL},
    {PIN, 4, 1, -PV_EINVAL}, /* nobody's */
    {UNPIN, 4, 0, -PV_EINVAL},
    {PIN, 5, 1, -PV_EINVAL}, /* no frame at all */
    {UNPIN, 5, 0, -PV_EINVAL},
    {UNPIN, 0, 0, 0},
    {UNPIN, 1, 0, 0},
    {UNPIN, 2, 0, 0},
};

static void test_pin_unpin_script(void **state)
{
    uint64_t f[6];

    (void)state;
    mmf_reset();
    f[0] = frame(), f[1] = frame(), f[2] = frame();
    f[3] = mmf_frame(&dom_b), f[4] = mmf_free_frame(), f[5] = MMF_BEYOND;
    for (unsigned i = 0; i < sizeof(pin_script) / sizeof(pin_script[0]); i++) {
        const struct pin_step *s = &pin_script[i];
        int rc =
            s->op == PIN ? mm_pin(&dom_a, f[s->frame], s->level) : mm_unpin(&dom_a, f[s->frame]);

        if (rc != s->rc)
            fail_msg("step %u: got %d, expected %d", i, rc, s->rc);
        if (s->frame < 3 && s->op == PIN && !rc)
            assert_int_equal(frame_info(f[s->frame])->type_info,
                             mm_level_type(s->level) | PGT_pinned | PGT_validated | 1);
    }
    mmf_assert_all_zero(&dom_a);
    mmf_assert_all_zero(&dom_b);
}

/* A pinned L1 cannot be mapped writable; once unpinned it can, and then cannot be pinned until
 * the writable mapping goes. Every change of type flushes the TLB first. */
static void test_l1_then_writable(void **state)
{
    uint64_t x, map;
    unsigned long flushes;

    (void)state;
    mmf_reset();
    x = frame();
    map = frame();
    assert_int_equal(mm_pin(&dom_a, map, 1), 0);
    assert_int_equal(mm_pin(&dom_a, x, 1), 0);
    assert_int_equal(mod(map, 0, mmf_pte(x, PTE_P | PTE_RW)), -PV_EBUSY);
    assert_int_equal(mod(map, 0, mmf_pte(x, PTE_P)), 0); /* read-only is fine */
    assert_int_equal(frame_info(x)->count, 2);
    assert_int_equal(mm_unpin(&dom_a, x), 0);
    assert_int_equal(mmf_type(x), PGT_l1); /* kept, count 0, no longer validated */
    assert_int_equal(frame_info(x)->type_info & PGT_validated, 0);
    flushes = mmf.flushes;
    assert_int_equal(mod(map, 0, mmf_pte(x, PTE_P | PTE_RW)), 0);
    assert_int_equal(mmf.flushes, flushes + 1);
    assert_int_equal(frame_info(x)->type_info, PGT_writable | PGT_validated | 1);
    assert_int_equal(mm_pin(&dom_a, x, 1), -PV_EINVAL);
    assert_int_equal(mm_pin(&dom_a, x, 4), -PV_EINVAL);
    assert_int_equal(mod(map, 0, 0), 0);
    assert_int_equal(mmf_type(x), PGT_writable);
    assert_int_equal(mm_pin(&dom_a, x, 1), 0);
    assert_int_equal(mmf.flushes, flushes + 2);
    assert_int_equal(mm_unpin(&dom_a, x), 0);
    assert_int_equal(mm_unpin(&dom_a, map), 0);
    mmf_assert_all_zero(&dom_a);
}

/* A frame is one level of page table at a time, however it is reached. */
static void test_frame_at_two_levels(void **state)
{
    uint64_t x, l2, l3, l4;

    (void)state;
    mmf_reset();
    x = frame();
    l2 = frame();
    l3 = frame();
    l4 = frame();
    mmf_mem(l2)[0] = mmf_pte(x, UP);
    assert_int_equal(mm_pin(&dom_a, l2, 2), 0); /* x is an L1 now */
    assert_int_equal(mmf_type(x), PGT_l1);
    assert_int_equal(mm_pin(&dom_a, x, 2), -PV_EINVAL);
    assert_int_equal(mm_pin(&dom_a, l3, 3), 0);
    assert_int_equal(mod(l3, 1, mmf_pte(x, UP)), -PV_EINVAL);
    assert_int_equal(mod(l3, 1, mmf_pte(l2, UP)), 0);
    assert_int_equal(mm_pin(&dom_a, l4, 4), 0);
    assert_int_equal(mod(l4, 2, mmf_pte(l2, UP)), -PV_EINVAL); /* an L2 is no L3 */
    assert_int_equal(mod(l4, 2, mmf_pte(l3, UP)), 0);
    assert_int_equal(mm_pin(&dom_a, l3, 2), -PV_EINVAL);
    assert_int_equal(mm_unpin(&dom_a, l2), 0);
    assert_int_equal(mmf_type_count(l2), 1); /* still referenced from l3 */
    assert_int_equal(mm_pin(&dom_a, l2, 1), -PV_EINVAL);
    mm_domain_teardown(&dom_a);
    mmf_assert_all_zero(&dom_a);
}

/* Replacing an entry with one that maps the same table takes the new references first: the
 * table is neither released nor validated again. A refused new value leaves everything as it
 * was. */
static void test_mod_entry_takes_before_it_drops(void **state)
{
    uint64_t l2, x, data;
    unsigned long scans;
    struct mmf_counts before;

    (void)state;
    mmf_reset();
    l2 = frame();
    x = frame();
    data = frame();
    mmf_mem(x)[3] = mmf_pte(data, PTE_P | PTE_RW);
    mmf_mem(l2)[5] = mmf_pte(x, UP);
    assert_int_equal(mm_pin(&dom_a, l2, 2), 0);
    assert_int_equal(mmf_type_count(x), 1);
    scans = mmf.ptr_calls[x];
    /* RW changes the references an entry may hold: not the fast path. */
    assert_int_equal(mod(l2, 5, mmf_pte(x, PTE_P | PTE_US)), 0);
    assert_int_equal(mmf.ptr_calls[x], scans);
    assert_int_equal(frame_info(x)->type_info, PGT_l1 | PGT_validated | 1);
    assert_int_equal(frame_info(data)->type_info, PGT_writable | PGT_validated | 1);
    assert_int_equal(mod(l2, 5, mmf_pte(x, UP | PTE_NX)), 0); /* fast path */
    assert_int_equal(mmf.ptr_calls[x], scans);
    mmf_snapshot(&before);
    assert_int_equal(mod(l2, 5, mmf_pte(x, UP | PTE_PSE)), -PV_EINVAL);
    assert_int_equal(mod(l2, 5, mmf_pte(mmf_frame(&dom_b), UP)), -PV_EINVAL);
    assert_int_equal(mod(l2, 5, mmf_pte(l2, UP)), -PV_EINVAL); /* writable linear */
    mmf_assert_counts(&before);
    assert_int_equal(mmf_mem(l2)[5], mmf_pte(x, UP | PTE_NX));
    /* Dropping the last reference releases x and what it maps. */
    assert_int_equal(mod(l2, 5, 0), 0);
    assert_int_equal(mmf_type_count(x), 0);
    assert_int_equal(mmf_type_count(data), 0);
    assert_int_equal(mm_unpin(&dom_a, l2), 0);
    mmf_assert_all_zero(&dom_a);
}

/* The same data page mapped twice, writable then read-only in one L1, moves between entries. */
static void test_mod_entry_l1_moves(void **state)
{
    uint64_t l1, data;

    (void)state;
    mmf_reset();
    l1 = frame();
    data = frame();
    assert_int_equal(mm_pin(&dom_a, l1, 1), 0);
    assert_int_equal(mod(l1, 1, mmf_pte(data, PTE_P | PTE_RW)), 0);
    assert_int_equal(mod(l1, 2, mmf_pte(data, PTE_P | PTE_RW)), 0);
    assert_int_equal(frame_info(data)->count, 2);
    assert_int_equal(mmf_type_count(data), 2);
    assert_int_equal(mod(l1, 1, mmf_pte(data, PTE_P)), 0);
    assert_int_equal(frame_info(data)->count, 2);
    assert_int_equal(mmf_type_count(data), 1);
    assert_int_equal(mod(l1, 2, 0), 0);
    assert_int_equal(mmf_type_count(data), 0);
    assert_int_equal(frame_info(data)->count, 1);
    assert_int_equal(mm_unpin(&dom_a, l1), 0);
    mmf_assert_all_zero(&dom_a);
}

/* A hypervisor frame shared with the domain (shared_info) is mapped like its own memory, by it
 * alone, and can never become a page table. */
static void test_shared_frame(void **state)
{
    uint64_t l1, shared = MMF_HV_FRAME;

    (void)state;
    mmf_reset();
    l1 = frame();
    assert_int_equal(mm_pin(&dom_a, l1, 1), 0);
    assert_int_equal(mod(l1, 0, mmf_pte(shared, PTE_P | PTE_RW)), -PV_EBUSY);
    mm_share_frame(&dom_a, shared);
    assert_int_equal(mod(l1, 0, mmf_pte(shared, PTE_P | PTE_RW)), 0);
    assert_int_equal(frame_info(shared)->type_info, PGT_writable | PGT_validated | 2);
    assert_int_equal(mm_pin(&dom_a, shared, 1), -PV_EINVAL);
    assert_int_equal(mm_get_page_and_type(shared, &dom_a, PGT_seg_desc), -PV_EINVAL);
    assert_int_equal(mm_mod_entry(&dom_b, mmf_maddr(shared, 0), 0, false), -PV_EINVAL);
    mm_domain_teardown(&dom_a);
    mmf_assert_all_zero(&dom_a);
    assert_int_equal(frame_info(shared)->count, 1);
    mm_unshare_frame(&dom_a, shared);
    assert_int_equal(frame_info(shared)->owner, DOMID_HV);
    assert_int_equal(frame_info(shared)->count, 0);
    assert_int_equal(frame_info(shared)->type_info, PGT_none);
}

/* Foreign mappings (mm_mod_entry_foreign): dom_a's L1 maps dom_b's frames, held from outside
 * dom_b (grant_refs/grant_rw), refused for other owners and page tables, kept past dom_b's
 * teardown and freed by the last unmap. */
static int fmap(uint64_t table, unsigned slot, uint64_t val)
{
    return mm_mod_entry_foreign(&dom_a, &dom_b, mmf_maddr(table, slot), val, false);
}

static void test_foreign(void **state)
{
    uint64_t l1, b_data, b_l1, a_data, free_before;

    (void)state;
    mmf_reset();
    l1 = frame();
    a_data = frame();
    b_data = mmf_frame(&dom_b);
    b_l1 = mmf_frame(&dom_b);
    assert_int_equal(mm_pin(&dom_a, l1, 1), 0);
    assert_int_equal(fmap(l1, 0, mmf_pte(b_data, PTE_P | PTE_RW)), 0);
    assert_int_equal(frame_info(b_data)->count, 1);
    assert_int_equal(frame_info(b_data)->grant_refs, 1);
    assert_int_equal(frame_info(b_data)->grant_rw, 1);
    assert_int_equal(mm_pin(&dom_b, b_data, 1), -PV_EINVAL); /* mapped writable elsewhere */
    assert_int_equal(mm_pin(&dom_b, b_l1, 1), 0);
    assert_int_equal(fmap(l1, 1, mmf_pte(b_l1, PTE_P | PTE_RW)), -PV_EBUSY);
    assert_int_equal(fmap(l1, 1, mmf_pte(b_l1, PTE_P)), 0); /* read-only: allowed */
    assert_int_equal(fmap(l1, 2, mmf_pte(a_data, PTE_P)), -PV_EBUSY);      /* not dom_b's */
    assert_int_equal(fmap(l1, 2, mmf_pte(MMF_HV_FRAME, PTE_P)), -PV_EBUSY); /* the hypervisor's */
    assert_int_equal(mmf_mem(l1)[2], 0);
    /* dom_b goes: its frames mapped by dom_a stay, the rest is freed. */
    free_before = frame_free_count();
    assert_int_equal(mm_unpin(&dom_b, b_l1), 0);
    mm_domain_teardown(&dom_b);
    frame_release_all(&dom_b);
    assert_int_equal(frame_free_count(), free_before);   /* both still referenced by dom_a */
    assert_int_equal(fmap(l1, 3, mmf_pte(b_data, PTE_P)), -PV_EBUSY); /* no new reference */
    assert_int_equal(mod(l1, 1, 0), 0);
    assert_int_equal(frame_free_count(), free_before + 1); /* b_l1 freed by the unmap */
    assert_int_equal(mod(l1, 0, 0), 0);
    assert_int_equal(frame_free_count(), free_before + 2);
    assert_int_equal(dom_b.tot_pages, 0);
}

/* A hypervisor frame shared with dom_b, mapped by dom_a: unsharing leaves it to the mapping. */
static void test_foreign_shared(void **state)
{
    uint64_t l1, shared = MMF_HV_FRAME, free_before;

    (void)state;
    mmf_reset();
    l1 = frame();
    assert_int_equal(mm_pin(&dom_a, l1, 1), 0);
    mm_share_frame(&dom_b, shared);
    assert_int_equal(fmap(l1, 0, mmf_pte(shared, PTE_P | PTE_RW)), 0);
    mm_domain_teardown(&dom_b);
    assert_false(mm_unshare_frame(&dom_b, shared)); /* still mapped: not the caller's to free */
    assert_int_equal(frame_info(shared)->owner, dom_b.domid);
    free_before = frame_free_count();
    assert_int_equal(mod(l1, 0, 0), 0);
    assert_int_equal(frame_free_count(), free_before + 1);
    assert_int_equal(frame_info(shared)->owner, DOMID_FREE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pin_unpin_script),
        cmocka_unit_test(test_l1_then_writable),
        cmocka_unit_test(test_frame_at_two_levels),
        cmocka_unit_test(test_mod_entry_takes_before_it_drops),
        cmocka_unit_test(test_mod_entry_l1_moves),
        cmocka_unit_test(test_shared_frame),
        cmocka_unit_test(test_foreign),
        cmocka_unit_test(test_foreign_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
