/* Unit tests of the frame allocator and per-domain ownership (hypervisor/mm/frame.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "domain.h"
#include "frame.h"
#include "mm.h"

#define NR 4096
static struct page_info table[NR];

/* The TLB hooks (mm.h): a clock, and the flushes the allocator asks for. */
static uint64_t clock, flushes, flush_owner, flush_stamp;

uint64_t mm_tlb_stamp(void)
{
    return ++clock;
}

void mm_flush_tlb_since(uint16_t owner, uint64_t stamp)
{
    flushes++;
    flush_owner = owner;
    flush_stamp = stamp;
}

static void fresh(uint64_t first_free, uint64_t count)
{
    frame_init(table, NR);
    frame_add_free(first_free, count);
}

static void test_init_all_reserved(void **state)
{
    (void)state;
    frame_init(table, NR);
    assert_int_equal(frame_free_count(), 0);
    assert_int_equal(frame_alloc(), FRAME_NONE);
    assert_int_equal(frame_nr, NR);
    for (unsigned i = 0; i < NR; i++)
        assert_int_equal(table[i].owner, DOMID_HV);
}

static void test_alloc_low_first_and_exhaust(void **state)
{
    (void)state;
    fresh(100, 50);
    assert_int_equal(frame_free_count(), 50);
    for (uint64_t i = 0; i < 50; i++) {
        uint64_t mfn = frame_alloc();
        assert_int_equal(mfn, 100 + i);
        assert_int_equal(frame_info(mfn)->owner, DOMID_HV);
    }
    assert_int_equal(frame_alloc(), FRAME_NONE);
    assert_int_equal(frame_free_count(), 0);
}

static void test_free_returns_and_no_double_free(void **state)
{
    uint64_t a, b;

    (void)state;
    fresh(10, 2);
    a = frame_alloc();
    b = frame_alloc();
    frame_free(a);
    assert_int_equal(frame_free_count(), 1);
    frame_free(a); /* already free: ignored */
    assert_int_equal(frame_free_count(), 1);
    assert_int_equal(frame_alloc(), a);
    frame_free(b);
    frame_free(NR + 5); /* beyond the table: ignored */
    assert_int_equal(frame_free_count(), 1);
}

static void test_free_range_clipped_to_table(void **state)
{
    (void)state;
    fresh(NR - 4, 10);
    assert_int_equal(frame_free_count(), 4);
    assert_null(frame_info(NR));
}

static void test_domain_ownership_and_release(void **state)
{
    struct domain d = {.domid = 7, .first_page = FRAME_NONE};
    struct domain other = {.domid = 8, .first_page = FRAME_NONE};
    uint64_t mfns[20];

    (void)state;
    fresh(0, 64);
    for (int i = 0; i < 20; i++) {
        mfns[i] = frame_alloc();
        frame_assign(&d, mfns[i]);
    }
    assert_int_equal(d.tot_pages, 20);
    assert_int_equal(frame_free_count(), 44);
    for (int i = 0; i < 20; i++) {
        assert_true(frame_owned_by(&d, mfns[i]));
        assert_false(frame_owned_by(&other, mfns[i]));
    }
    frame_free(mfns[3]); /* owned by a domain: refused */
    assert_int_equal(frame_free_count(), 44);
    frame_release_all(&d);
    assert_int_equal(d.tot_pages, 0);
    assert_int_equal(d.first_page, FRAME_NONE);
    assert_int_equal(frame_free_count(), 64);
    for (int i = 0; i < 20; i++)
        assert_int_equal(frame_info(mfns[i])->owner, DOMID_FREE);
}

static void test_two_domains_interleaved(void **state)
{
    struct domain a = {.domid = 1, .first_page = FRAME_NONE};
    struct domain b = {.domid = 2, .first_page = FRAME_NONE};

    (void)state;
    fresh(0, 100);
    for (int i = 0; i < 40; i++)
        frame_assign(i & 1 ? &a : &b, frame_alloc());
    frame_release_all(&a);
    assert_int_equal(frame_free_count(), 80);
    assert_int_equal(b.tot_pages, 20);
    for (uint64_t m = b.first_page; m != FRAME_NONE; m = table[m].next)
        assert_true(frame_owned_by(&b, m));
    frame_release_all(&b);
    assert_int_equal(frame_free_count(), 100);
}

/* Frames something still references (other domains' grant mappings) survive the release of
 * their dead owner's memory, on its list, until frame_release_one finds them unreferenced. */
static void test_release_keeps_referenced_frames(void **state)
{
    struct domain d = {.domid = 3, .first_page = FRAME_NONE};
    uint64_t mfns[6];

    (void)state;
    fresh(0, 16);
    for (int i = 0; i < 6; i++) {
        mfns[i] = frame_alloc();
        frame_assign(&d, mfns[i]);
        assert_true(frame_in_memory_of(&d, mfns[i]));
    }
    table[mfns[0]].count = 1; /* the first assigned: the list's tail */
    table[mfns[3]].count = 2; /* in the middle */
    table[mfns[5]].count = 1; /* the last assigned: its head */
    frame_release_all(&d);
    assert_int_equal(d.tot_pages, 3);
    assert_int_equal(frame_free_count(), 13);
    for (int i = 0; i < 6; i++)
        assert_int_equal(frame_info(mfns[i])->owner, i == 0 || i == 3 || i == 5 ? 3 : DOMID_FREE);
    frame_release_one(&d, mfns[3]); /* still referenced: kept */
    assert_int_equal(d.tot_pages, 3);
    table[mfns[3]].count = 0;
    frame_release_one(&d, mfns[3]);
    assert_int_equal(frame_info(mfns[3])->owner, DOMID_FREE);
    assert_int_equal(d.tot_pages, 2);
    frame_release_one(&d, mfns[3]); /* no longer d's: nothing */
    frame_release_one(&d, mfns[1]);
    frame_release_one(&d, NR + 1);
    assert_int_equal(frame_free_count(), 14);
    table[mfns[5]].count = 0;
    frame_release_one(&d, mfns[5]);
    table[mfns[0]].count = 0;
    frame_release_one(&d, mfns[0]);
    assert_int_equal(d.tot_pages, 0);
    assert_int_equal(d.first_page, FRAME_NONE);
    assert_int_equal(frame_free_count(), 16);
}

/* A frame owned by d but not in its memory list (shared by the hypervisor, like shared_info). */
static void test_in_memory_of(void **state)
{
    struct domain d = {.domid = 3, .first_page = FRAME_NONE};
    struct domain other = {.domid = 4, .first_page = FRAME_NONE};
    uint64_t listed, shared;

    (void)state;
    fresh(0, 8);
    listed = frame_alloc();
    frame_assign(&d, listed);
    shared = frame_alloc();
    table[shared].owner = d.domid;
    assert_true(frame_in_memory_of(&d, listed));
    assert_false(frame_in_memory_of(&other, listed));
    assert_true(frame_owned_by(&d, shared));
    assert_false(frame_in_memory_of(&d, shared));
    assert_false(frame_in_memory_of(&d, NR));
    frame_release_one(&d, shared); /* not on the list: left alone */
    assert_int_equal(table[shared].owner, d.domid);
}

static void test_owned_by_beyond_table(void **state)
{
    struct domain d = {.domid = 1, .first_page = FRAME_NONE};

    (void)state;
    fresh(0, 1);
    assert_false(frame_owned_by(&d, NR));
    assert_false(frame_owned_by(&d, ~0ULL));
}

/* XENMEM_exchange's runs: aligned to their size, below the limit, taken out of the pool (and the
 * list stays whole around them), none when no free run fits. */
static void test_alloc_run(void **state)
{
    uint64_t run;

    (void)state;
    fresh(3, 40); /* frames 3..42 */
    run = frame_alloc_run(3, NR);
    assert_int_equal(run, 8); /* the first aligned run of 8 inside 3..42 */
    for (uint64_t i = run; i < run + 8; i++)
        assert_int_equal(table[i].owner, DOMID_HV);
    assert_int_equal(frame_free_count(), 32);
    assert_int_equal(frame_alloc_run(3, 16), FRAME_NONE); /* 8..15 is taken, 16.. not below 16 */
    assert_int_equal(frame_alloc_run(4, NR), 16);         /* 16..31 */
    assert_int_equal(frame_alloc_run(4, NR), FRAME_NONE); /* 32..42 holds no aligned 16 */
    assert_int_equal(frame_alloc_run(0, 4), 3);
    for (uint64_t n = frame_free_count(); n; n--) /* the rest still comes out one by one */
        assert_true(frame_alloc() != FRAME_NONE);
    assert_int_equal(frame_alloc(), FRAME_NONE);
    frame_free(9); /* a freed frame of a run goes back to the pool */
    assert_int_equal(frame_alloc_run(0, NR), 9);
}

/* A frame comes out of the pool only after a flush of every CPU that has not flushed since it
 * was freed (any domain's CPUs: DOMID_FREE), one flush per allocation at the newest stamp of
 * the frames taken; frames never freed since boot need none. */
static void test_alloc_flushes_since_free(void **state)
{
    struct domain d = {.domid = 5, .first_page = FRAME_NONE};
    uint64_t a, run, newest;

    (void)state;
    fresh(0, 64);
    flushes = 0;
    a = frame_alloc();                           /* 0 */
    assert_int_equal(frame_alloc_run(2, NR), 4); /* 4..7 (1 is free, 0 is not) */
    assert_int_equal(flushes, 0);                /* free since boot: never mapped */
    frame_free(a);
    assert_int_equal(frame_alloc(), a);
    assert_int_equal(flushes, 1);
    assert_int_equal(flush_owner, DOMID_FREE);
    assert_int_equal(flush_stamp, clock);
    assert_int_equal(frame_alloc(), 1);
    assert_int_equal(flushes, 1);
    frame_free(4);
    frame_free(5);
    frame_free(7);
    frame_free(6); /* the newest stamp, not the run's last frame */
    newest = clock;
    frame_free(a); /* newer still, but not taken below */
    run = frame_alloc_run(2, NR);
    assert_int_equal(run, 4);
    assert_int_equal(flushes, 2);
    assert_int_equal(flush_stamp, newest);
    for (uint64_t i = 0; i < 4; i++) /* a domain's memory: one stamp when it is released */
        frame_assign(&d, run + i);
    frame_release_all(&d);
    newest = clock;
    assert_int_equal(frame_alloc_run(2, NR), 4);
    assert_int_equal(flushes, 3);
    assert_int_equal(flush_stamp, newest);
    frame_assign(&d, 4);
    frame_release_one(&d, 4);
    assert_int_equal(frame_alloc(), 4);
    assert_int_equal(flush_stamp, clock);
    assert_int_equal(table[4].tlb_stamp, 0); /* taken: the stamp goes with the free frame */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_all_reserved),
        cmocka_unit_test(test_alloc_low_first_and_exhaust),
        cmocka_unit_test(test_free_returns_and_no_double_free),
        cmocka_unit_test(test_free_range_clipped_to_table),
        cmocka_unit_test(test_domain_ownership_and_release),
        cmocka_unit_test(test_two_domains_interleaved),
        cmocka_unit_test(test_release_keeps_referenced_frames),
        cmocka_unit_test(test_in_memory_of),
        cmocka_unit_test(test_owned_by_beyond_table),
        cmocka_unit_test(test_alloc_run),
        cmocka_unit_test(test_alloc_flushes_since_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
