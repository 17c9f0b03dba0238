/* Unit tests of guest-kit's frontend checks: what a hostile xenstored or block backend can
 * hand a guest (guest-kit/lib/xs_proto.c, blkfront_ring.c) and the xenbus state rules every
 * frontend follows (guest-kit/lib/xenbus_state.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "gk/blkfront.h"
#include "gk/xenbus.h"
#include "gk/xenstore.h"
#include "pv-abi/errno.h"
#include "pv-abi/io_blkif.h"
#include "pv-abi/io_xenstore.h"
#include "pv-abi/xs_wire.h"

enum {
    UNK = PV_XenbusStateUnknown,
    INI = PV_XenbusStateInitialising,
    IWT = PV_XenbusStateInitWait,
    IED = PV_XenbusStateInitialised,
    CON = PV_XenbusStateConnected,
    CLG = PV_XenbusStateClosing,
    CLD = PV_XenbusStateClosed,
    RCG = PV_XenbusStateReconfiguring,
    RCD = PV_XenbusStateReconfigured,
};

static void test_xs_errno(void **state)
{
    (void)state;
    assert_int_equal(gk_xs_errno("ENOENT", 7), -PV_ENOENT);
    assert_int_equal(gk_xs_errno("ENOENT", 6), -PV_ENOENT); /* without its NUL */
    assert_int_equal(gk_xs_errno("EACCES", 7), -PV_EACCES);
    assert_int_equal(gk_xs_errno("EAGAIN", 7), -PV_EAGAIN);
    assert_int_equal(gk_xs_errno("E2BIG", 6), -PV_E2BIG);
    /* Unknown or cut names are EIO, never read past len. */
    assert_int_equal(gk_xs_errno("ENOEN", 5), -PV_EIO);
    assert_int_equal(gk_xs_errno("ENOENTX", 8), -PV_EIO);
    assert_int_equal(gk_xs_errno("", 0), -PV_EIO);
    assert_int_equal(gk_xs_errno("ENOENT\0junk", 11), -PV_EIO);
}

static void test_xs_header(void **state)
{
    (void)state;
    assert_true(gk_xs_header_ok(PV_XS_READ, 0));
    assert_true(gk_xs_header_ok(PV_XS_WATCH_EVENT, PV_XENSTORE_PAYLOAD_MAX));
    assert_false(gk_xs_header_ok(PV_XS_READ, PV_XENSTORE_PAYLOAD_MAX + 1));
    assert_false(gk_xs_header_ok(PV_XS_READ, 0xffffffffu));
    assert_false(gk_xs_header_ok(PV_XS_TYPE_COUNT, 4));
    assert_false(gk_xs_header_ok(PV_XS_INVALID, 4));
}

static void test_xs_event(void **state)
{
    const char *p, *t;

    (void)state;
    assert_true(gk_xs_split_event("a/b\0tok\0", 8, &p, &t));
    assert_string_equal(p, "a/b");
    assert_string_equal(t, "tok");
    assert_false(gk_xs_split_event("a/b\0tok", 7, &p, &t));  /* no final NUL */
    assert_false(gk_xs_split_event("a/b\0", 4, &p, &t));     /* no token */
    assert_false(gk_xs_split_event("\0tok\0", 5, &p, &t));   /* empty path */
    assert_false(gk_xs_split_event("", 0, &p, &t));
    assert_false(gk_xs_split_event("x", 1, &p, &t));
    assert_int_equal(gk_xs_count_strings("a\0bc\0", 5), 2);
    assert_int_equal(gk_xs_count_strings("", 0), 0);
    assert_int_equal(gk_xs_count_strings("a\0bc", 4), -1);
}

static void test_xenbus_parse(void **state)
{
    (void)state;
    assert_int_equal(gk_xenbus_parse_state("4"), CON);
    assert_int_equal(gk_xenbus_parse_state("0"), UNK);
    assert_int_equal(gk_xenbus_parse_state("8"), RCD);
    assert_int_equal(gk_xenbus_parse_state("9"), -1);
    assert_int_equal(gk_xenbus_parse_state("04"), -1);
    assert_int_equal(gk_xenbus_parse_state("4 "), -1);
    assert_int_equal(gk_xenbus_parse_state("-1"), -1);
    assert_int_equal(gk_xenbus_parse_state(""), -1);
    assert_int_equal(gk_xenbus_parse_state("Connected"), -1);
    assert_string_equal(gk_xenbus_state_name(CON), "Connected");
    assert_string_equal(gk_xenbus_state_name(9), "invalid");
    assert_string_equal(gk_xenbus_state_name(-1), "invalid");
}

static void test_xenbus_switch(void **state)
{
    (void)state;
    /* The paths blkfront and netfront take. */
    assert_true(gk_xenbus_front_may_switch(INI, IED));
    assert_true(gk_xenbus_front_may_switch(IED, CON));
    assert_true(gk_xenbus_front_may_switch(INI, CON)); /* netfront */
    assert_true(gk_xenbus_front_may_switch(CON, CLG));
    assert_true(gk_xenbus_front_may_switch(CLG, CLD));
    assert_true(gk_xenbus_front_may_switch(CON, CLD));
    assert_true(gk_xenbus_front_may_switch(IED, CLD));
    assert_true(gk_xenbus_front_may_switch(CLD, INI)); /* a reconnection */
    assert_true(gk_xenbus_front_may_switch(CLD, IED));
    assert_true(gk_xenbus_front_may_switch(CON, RCG));
    assert_true(gk_xenbus_front_may_switch(RCG, RCD));
    assert_true(gk_xenbus_front_may_switch(RCD, CON));
    assert_true(gk_xenbus_front_may_switch(CON, CON)); /* nothing to write */
    /* Refused: backwards, skipping the handshake, Unknown, out of range. */
    assert_false(gk_xenbus_front_may_switch(CON, IED));
    assert_false(gk_xenbus_front_may_switch(CON, INI));
    assert_false(gk_xenbus_front_may_switch(IED, INI));
    assert_false(gk_xenbus_front_may_switch(CLG, CON));
    assert_false(gk_xenbus_front_may_switch(CLG, INI));
    assert_false(gk_xenbus_front_may_switch(CLD, CON));
    assert_false(gk_xenbus_front_may_switch(CLD, CLG));
    assert_false(gk_xenbus_front_may_switch(INI, RCG));
    assert_false(gk_xenbus_front_may_switch(CON, UNK));
    assert_false(gk_xenbus_front_may_switch(CON, 9));
    assert_false(gk_xenbus_front_may_switch(-1, INI));
    assert_false(gk_xenbus_front_may_switch(UNK, CON));
    assert_true(gk_xenbus_front_may_switch(UNK, INI));
}

static void test_xenbus_action(void **state)
{
    (void)state;
    assert_int_equal(gk_xenbus_front_action(INI, INI), GK_XENBUS_WAIT);
    assert_int_equal(gk_xenbus_front_action(INI, IWT), GK_XENBUS_SETUP);
    assert_int_equal(gk_xenbus_front_action(CLD, IWT), GK_XENBUS_SETUP);
    assert_int_equal(gk_xenbus_front_action(IED, IWT), GK_XENBUS_WAIT); /* set up already */
    assert_int_equal(gk_xenbus_front_action(CON, IWT), GK_XENBUS_WAIT);
    assert_int_equal(gk_xenbus_front_action(IED, CON), GK_XENBUS_CONNECT);
    assert_int_equal(gk_xenbus_front_action(INI, CON), GK_XENBUS_WAIT); /* not ours yet */
    assert_int_equal(gk_xenbus_front_action(CON, CON), GK_XENBUS_WAIT);
    assert_int_equal(gk_xenbus_front_action(CON, CLG), GK_XENBUS_CLOSE);
    assert_int_equal(gk_xenbus_front_action(IED, CLG), GK_XENBUS_CLOSE);
    assert_int_equal(gk_xenbus_front_action(CLD, CLG), GK_XENBUS_WAIT);
    assert_int_equal(gk_xenbus_front_action(CON, CLD), GK_XENBUS_CLOSE);
    assert_int_equal(gk_xenbus_front_action(CLD, CLD), GK_XENBUS_RESET);
    assert_int_equal(gk_xenbus_front_action(CON, UNK), GK_XENBUS_GONE);
    assert_int_equal(gk_xenbus_front_action(CON, 9), GK_XENBUS_GONE);
    assert_int_equal(gk_xenbus_front_action(CON, -1), GK_XENBUS_GONE);
    assert_int_equal(gk_xenbus_front_action(CON, RCG), GK_XENBUS_WAIT);
    assert_string_equal(gk_xenbus_action_name(GK_XENBUS_RESET), "reset");
    assert_string_equal(gk_xenbus_action_name((enum gk_xenbus_action)77), "invalid");
    /* Every action the table gives, from every state a frontend can be in, is a switch the
     * rules allow (or needs none). */
    for (int f = INI; f <= RCD; f++)
        for (int bk = -1; bk <= 9; bk++) {
            enum gk_xenbus_action a = gk_xenbus_front_action(f, bk);

            if (a == GK_XENBUS_SETUP)
                assert_true(gk_xenbus_front_may_switch(f, IED));
            if (a == GK_XENBUS_CONNECT)
                assert_true(gk_xenbus_front_may_switch(f, CON));
            if (a == GK_XENBUS_CLOSE)
                assert_true(gk_xenbus_front_may_switch(f, CLD));
            if (a == GK_XENBUS_RESET)
                assert_true(gk_xenbus_front_may_switch(f, INI));
        }
}

static void test_blk_segments(void **state)
{
    struct gk_blkfront_seg s[16];
    uint64_t taken;

    (void)state;
    /* One sector at a page's start. */
    assert_int_equal(gk_blkfront_segments(0x10000, 512, s, 16, &taken), 1);
    assert_int_equal(taken, 512);
    assert_int_equal(s[0].page, 0x10000);
    assert_int_equal(s[0].first_sect, 0);
    assert_int_equal(s[0].last_sect, 0);
    /* 15 sectors from mid-page: 1..7, then 0..7. */
    assert_int_equal(gk_blkfront_segments(0x10200, 7680, s, 16, &taken), 2);
    assert_int_equal(taken, 7680);
    assert_int_equal(s[0].first_sect, 1);
    assert_int_equal(s[0].last_sect, 7);
    assert_int_equal(s[1].page, 0x11000);
    assert_int_equal(s[1].first_sect, 0);
    assert_int_equal(s[1].last_sect, 7);
    /* Capped at max segments: the rest is for the next request. */
    assert_int_equal(gk_blkfront_segments(0x10000, 12 * 4096, s, 11, &taken), 11);
    assert_int_equal(taken, 11 * 4096);
    assert_int_equal(s[10].page, 0x1a000);
    assert_int_equal(s[10].last_sect, 7);
    /* Ending mid-page. */
    assert_int_equal(gk_blkfront_segments(0x10000, 4096 + 1024, s, 16, &taken), 2);
    assert_int_equal(s[1].first_sect, 0);
    assert_int_equal(s[1].last_sect, 1);
    assert_int_equal(gk_blkfront_segments(0x10000, 0, s, 16, &taken), 0);
    assert_int_equal(taken, 0);
}

static void test_blk_geometry(void **state)
{
    (void)state;
    assert_int_equal(gk_blkfront_check_geometry(32768, 512), 0);
    assert_int_equal(gk_blkfront_check_geometry(4096, 4096), 0);
    assert_int_equal(gk_blkfront_check_geometry(0, 512), 0);
    assert_int_equal(gk_blkfront_check_geometry(32768, 0), -PV_EINVAL);
    assert_int_equal(gk_blkfront_check_geometry(32768, 256), -PV_EINVAL);
    assert_int_equal(gk_blkfront_check_geometry(32768, 8192), -PV_EINVAL);
    assert_int_equal(gk_blkfront_check_geometry(32768, 1536), -PV_EINVAL);
    assert_int_equal(gk_blkfront_check_geometry(~0ULL, 512), -PV_EINVAL);
    assert_int_equal(gk_blkfront_check_geometry(~0ULL / 512, 512), 0);
    assert_int_equal(gk_blkfront_check_geometry(~0ULL / 512 + 1, 512), -PV_EINVAL);
}

static void test_blk_ring(void **state)
{
    uint64_t ids[4] = {0, (7ULL << 8) | 1, 0, (9ULL << 8) | 3};

    (void)state;
    assert_int_equal(gk_blkfront_ring_pending(5, 5, 32), 0);
    assert_int_equal(gk_blkfront_ring_pending(37, 5, 32), 32);
    assert_int_equal(gk_blkfront_ring_pending(38, 5, 32), -1);    /* more than the ring holds */
    assert_int_equal(gk_blkfront_ring_pending(4, 5, 32), -1);     /* behind the consumer */
    assert_int_equal(gk_blkfront_ring_pending(3, 0xfffffffe, 32), 5); /* wrapping */
    /* Notify only when the backend's event index lies in what was just produced. */
    assert_true(gk_blkfront_need_notify(10, 12, 11));
    assert_true(gk_blkfront_need_notify(10, 12, 12));
    assert_false(gk_blkfront_need_notify(10, 12, 10));
    assert_false(gk_blkfront_need_notify(10, 12, 13));
    assert_true(gk_blkfront_need_notify(0xffffffff, 1, 0));
    /* Response ids: the slot's current id only. */
    assert_int_equal(gk_blkfront_id_slot((7ULL << 8) | 1, ids, 4), 1);
    assert_int_equal(gk_blkfront_id_slot((9ULL << 8) | 3, ids, 4), 3);
    assert_int_equal(gk_blkfront_id_slot((6ULL << 8) | 1, ids, 4), -1); /* stale generation */
    assert_int_equal(gk_blkfront_id_slot(0, ids, 4), -1);               /* a free slot's 0 */
    assert_int_equal(gk_blkfront_id_slot(2, ids, 4), -1);
    assert_int_equal(gk_blkfront_id_slot((7ULL << 8) | 5, ids, 4), -1);  /* beyond the table */
    assert_int_equal(gk_blkfront_id_slot(~0ULL, ids, 4), -1);
    /* Ring order: the backend's offer capped by the wish and the most the kit maps. */
    assert_int_equal(gk_blkfront_ring_order(-1, 4), 0);
    assert_int_equal(gk_blkfront_ring_order(4, 4), 4);
    assert_int_equal(gk_blkfront_ring_order(4, 2), 2);
    assert_int_equal(gk_blkfront_ring_order(2, 4), 2);
    assert_int_equal(gk_blkfront_ring_order(64, 9), GK_BLKFRONT_MAX_RING_ORDER);
    assert_int_equal(PV_BLKIF_RING_SLOTS(0), 32);
    assert_int_equal(PV_BLKIF_RING_SLOTS(4), 512);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xs_errno),      cmocka_unit_test(test_xs_header),
        cmocka_unit_test(test_xs_event),      cmocka_unit_test(test_xenbus_parse),
        cmocka_unit_test(test_xenbus_switch), cmocka_unit_test(test_xenbus_action),
        cmocka_unit_test(test_blk_segments),  cmocka_unit_test(test_blk_geometry),
        cmocka_unit_test(test_blk_ring),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
