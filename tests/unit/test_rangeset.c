/* Unit tests of the bounded range sets (hypervisor/common/rangeset.c): merging of overlapping
 * and adjacent ranges, splits on removal, the ends of the 64-bit space, the RANGESET_MAX bound
 * (a refused change leaves the set as it was), and containment of whole ranges only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pv-abi/errno.h"
#include "rangeset.h"

static struct rangeset s;

/* The set is exactly the n ranges of want (pairs first, last), in order. */
static void assert_ranges(const uint64_t *want, unsigned n)
{
    assert_int_equal(s.nr, n);
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(s.r[i].first, want[2 * i]);
        assert_int_equal(s.r[i].last, want[2 * i + 1]);
    }
}

static void test_add_merges(void **state)
{
    (void)state;
    memset(&s, 0, sizeof(s));
    assert_true(rangeset_is_empty(&s));
    assert_int_equal(rangeset_add(&s, 10, 19), 0);
    assert_int_equal(rangeset_add(&s, 30, 39), 0);
    assert_int_equal(rangeset_add(&s, 0, 3), 0);
    assert_ranges((const uint64_t[]){0, 3, 10, 19, 30, 39}, 3);
    assert_int_equal(rangeset_add(&s, 20, 20), 0); /* adjacent: joins 10-19 */
    assert_ranges((const uint64_t[]){0, 3, 10, 20, 30, 39}, 3);
    assert_int_equal(rangeset_add(&s, 15, 29), 0); /* overlaps one, touches the next */
    assert_ranges((const uint64_t[]){0, 3, 10, 39}, 2);
    assert_int_equal(rangeset_add(&s, 12, 13), 0); /* inside: nothing changes */
    assert_ranges((const uint64_t[]){0, 3, 10, 39}, 2);
    assert_int_equal(rangeset_add(&s, 5, 5), 0); /* a gap of one on each side stays */
    assert_ranges((const uint64_t[]){0, 3, 5, 5, 10, 39}, 3);
    assert_int_equal(rangeset_add(&s, 0, 100), 0); /* covers all */
    assert_ranges((const uint64_t[]){0, 100}, 1);
    assert_int_equal(rangeset_add(&s, 7, 6), -PV_EINVAL);
    assert_false(rangeset_is_empty(&s));
}

static void test_remove_splits(void **state)
{
    (void)state;
    memset(&s, 0, sizeof(s));
    assert_int_equal(rangeset_add(&s, 0, 0xffff), 0);
    assert_int_equal(rangeset_remove(&s, 0x3f8, 0x3ff), 0);
    assert_ranges((const uint64_t[]){0, 0x3f7, 0x400, 0xffff}, 2);
    assert_int_equal(rangeset_remove(&s, 0, 0), 0);
    assert_int_equal(rangeset_remove(&s, 0xffff, 0xffff), 0);
    assert_ranges((const uint64_t[]){1, 0x3f7, 0x400, 0xfffe}, 2);
    assert_int_equal(rangeset_remove(&s, 0x3f0, 0x40f), 0); /* spans the gap */
    assert_ranges((const uint64_t[]){1, 0x3ef, 0x410, 0xfffe}, 2);
    assert_int_equal(rangeset_remove(&s, 0x20000, 0x30000), 0); /* nothing there */
    assert_int_equal(rangeset_remove(&s, 0, 0x10000), 0);
    assert_true(rangeset_is_empty(&s));
    assert_int_equal(rangeset_remove(&s, 2, 1), -PV_EINVAL);
}

static void test_extremes(void **state)
{
    (void)state;
    memset(&s, 0, sizeof(s));
    assert_int_equal(rangeset_add(&s, UINT64_MAX, UINT64_MAX), 0);
    assert_int_equal(rangeset_add(&s, 0, UINT64_MAX - 1), 0); /* adjacent at the top */
    assert_ranges((const uint64_t[]){0, UINT64_MAX}, 1);
    assert_true(rangeset_contains(&s, 0, UINT64_MAX));
    assert_int_equal(rangeset_remove(&s, 1, UINT64_MAX - 1), 0);
    assert_ranges((const uint64_t[]){0, 0, UINT64_MAX, UINT64_MAX}, 2);
    assert_int_equal(rangeset_remove(&s, 0, UINT64_MAX), 0);
    assert_true(rangeset_is_empty(&s));
}

static void test_bound(void **state)
{
    (void)state;
    memset(&s, 0, sizeof(s));
    for (unsigned i = 0; i < RANGESET_MAX; i++)
        assert_int_equal(rangeset_add(&s, 10 * i, 10 * i + 4), 0);
    assert_int_equal(rangeset_add(&s, 1000, 1000), -PV_ENOMEM);
    assert_int_equal(rangeset_remove(&s, 2, 2), -PV_ENOMEM); /* a split needs one more */
    assert_int_equal(s.nr, RANGESET_MAX);
    assert_true(rangeset_contains(&s, 0, 4));
    assert_false(rangeset_contains(&s, 1000, 1000));
    assert_int_equal(rangeset_add(&s, 5, 9), 0); /* joins two: room again */
    assert_int_equal(rangeset_add(&s, 1000, 1000), 0);
    assert_int_equal(rangeset_remove(&s, 0, 4), 0); /* cuts an end: no split */
    rangeset_clear(&s);
    assert_true(rangeset_is_empty(&s));
}

static void test_contains(void **state)
{
    (void)state;
    memset(&s, 0, sizeof(s));
    assert_false(rangeset_contains(&s, 0, 0));
    assert_int_equal(rangeset_add(&s, 10, 19), 0);
    assert_int_equal(rangeset_add(&s, 21, 30), 0);
    assert_true(rangeset_contains(&s, 10, 19));
    assert_true(rangeset_contains(&s, 25, 25));
    assert_false(rangeset_contains(&s, 9, 10));
    assert_false(rangeset_contains(&s, 19, 21)); /* across the hole */
    assert_false(rangeset_contains(&s, 20, 20));
    assert_false(rangeset_contains(&s, 30, 31));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_merges), cmocka_unit_test(test_remove_splits),
        cmocka_unit_test(test_extremes),   cmocka_unit_test(test_bound),
        cmocka_unit_test(test_contains),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
