/* Unit tests of xenstored transactions: isolation, commit, abort, conflicts (EAGAIN), ids,
 * watch events held until commit, and the limits inside transactions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xs_harness.h"
#include "pv-abi/xs_wire.h"

struct fixture {
    struct xsd_daemon *d;
    struct xsd_conn *a, *b;
};

static int setup(void **state)
{
    static struct fixture f;

    f.d = xs_h_daemon();
    f.a = xs_h_conn(f.d, 0, true);
    f.b = xs_h_conn(f.d, 0, true);
    xs_h_write(f.a, 0, "/t/x", "1");
    xs_h_write(f.a, 0, "/t/y", "2");
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    xs_h_check_store(f->a);
    xsd_daemon_free(f->d);
    assert_int_equal(xs_h_live, 0);
    return 0;
}

static void end(struct xsd_conn *c, uint32_t t, bool commit, const char *want)
{
    if (!strcmp(want, "OK"))
        xs_h_expect(c, PV_XS_TRANSACTION_END, t, commit ? "T" : "F", -1, "OK");
    else
        xs_h_expect_err(c, PV_XS_TRANSACTION_END, t, commit ? "T" : "F", -1, want);
}

static void test_isolation_and_commit(void **state)
{
    struct fixture *f = *state;
    uint32_t t = xs_h_txn_start(f->a);

    xs_h_write(f->a, t, "/t/x", "in-txn");
    xs_h_write(f->a, t, "/t/new/deep", "n");
    xs_h_expect(f->a, PV_XS_RM, t, "/t/y", -1, "OK");
    assert_string_equal(xs_h_read(f->a, t, "/t/x"), "in-txn");
    assert_string_equal(xs_h_read(f->a, t, "/t/y"), "!ENOENT");
    /* Nobody else sees any of it yet. */
    assert_string_equal(xs_h_read(f->b, 0, "/t/x"), "1");
    assert_string_equal(xs_h_read(f->a, 0, "/t/x"), "1");
    assert_string_equal(xs_h_read(f->b, 0, "/t/y"), "2");
    assert_string_equal(xs_h_read(f->b, 0, "/t/new/deep"), "!ENOENT");
    end(f->a, t, true, "OK");
    assert_string_equal(xs_h_read(f->b, 0, "/t/x"), "in-txn");
    assert_string_equal(xs_h_read(f->b, 0, "/t/y"), "!ENOENT");
    assert_string_equal(xs_h_read(f->b, 0, "/t/new/deep"), "n");
    xs_h_expect(f->b, PV_XS_DIRECTORY, 0, "/t", -1, "x");
    /* The id is gone now. */
    end(f->a, t, true, "ENOENT");
    xs_h_expect_err(f->a, PV_XS_READ, t, "/t/x", -1, "ENOENT");
}

static void test_abort(void **state)
{
    struct fixture *f = *state;
    uint32_t t = xs_h_txn_start(f->a);

    xs_h_write(f->a, t, "/t/x", "lost");
    xs_h_expect(f->a, PV_XS_RM, t, "/t", -1, "OK");
    end(f->a, t, false, "OK");
    assert_string_equal(xs_h_read(f->a, 0, "/t/x"), "1");
    assert_string_equal(xs_h_read(f->a, 0, "/t/y"), "2");
}

static void test_conflicts(void **state)
{
    struct fixture *f = *state;
    uint32_t t;

    /* Something read in the transaction changed outside: EAGAIN, nothing applied. */
    t = xs_h_txn_start(f->a);
    assert_string_equal(xs_h_read(f->a, t, "/t/x"), "1");
    xs_h_write(f->b, 0, "/t/x", "outside");
    assert_string_equal(xs_h_read(f->a, t, "/t/x"), "1"); /* still its snapshot */
    xs_h_write(f->a, t, "/t/y", "mine");
    end(f->a, t, true, "EAGAIN");
    assert_string_equal(xs_h_read(f->a, 0, "/t/y"), "2");
    /* Written in both. */
    t = xs_h_txn_start(f->a);
    xs_h_write(f->a, t, "/t/y", "a");
    xs_h_write(f->b, 0, "/t/y", "b");
    end(f->a, t, true, "EAGAIN");
    assert_string_equal(xs_h_read(f->a, 0, "/t/y"), "b");
    /* A node that did not exist, created outside meanwhile. */
    t = xs_h_txn_start(f->a);
    assert_string_equal(xs_h_read(f->a, t, "/t/z"), "!ENOENT");
    xs_h_write(f->b, 0, "/t/z", "now");
    end(f->a, t, true, "EAGAIN");
    /* Removed outside. */
    t = xs_h_txn_start(f->a);
    xs_h_expect(f->a, PV_XS_DIRECTORY, t, "/t", -1, "x");
    xs_h_expect(f->b, PV_XS_RM, 0, "/t/z", -1, "OK");
    end(f->a, t, true, "EAGAIN");
    /* Untouched paths changing is no conflict; two transactions on separate nodes both
     * commit. */
    xs_h_write(f->a, 0, "/u/p", "");
    xs_h_write(f->a, 0, "/u/q", "");
    t = xs_h_txn_start(f->a);
    {
        uint32_t t2 = xs_h_txn_start(f->b);
        xs_h_write(f->a, t, "/u/p", "A");
        xs_h_write(f->b, t2, "/u/q", "B");
        xs_h_write(f->b, 0, "/elsewhere", "");
        end(f->b, t2, true, "OK");
    }
    end(f->a, t, true, "OK");
    assert_string_equal(xs_h_read(f->a, 0, "/u/p"), "A");
    assert_string_equal(xs_h_read(f->a, 0, "/u/q"), "B");
    /* Creating children of one parent in two transactions: the parent is written by both. */
    t = xs_h_txn_start(f->a);
    {
        uint32_t t2 = xs_h_txn_start(f->b);
        xs_h_write(f->a, t, "/u/c1", "");
        xs_h_write(f->b, t2, "/u/c2", "");
        end(f->b, t2, true, "OK");
    }
    end(f->a, t, true, "EAGAIN");
}

static void test_ids_and_errors(void **state)
{
    struct fixture *f = *state;
    uint32_t t1 = xs_h_txn_start(f->a), t2 = xs_h_txn_start(f->a);

    assert_int_not_equal(t1, t2);
    xs_h_expect_err(f->b, PV_XS_READ, t1, "/t/x", -1, "ENOENT"); /* ids are per connection */
    xs_h_expect_err(f->a, PV_XS_READ, 9999, "/t/x", -1, "ENOENT");
    xs_h_expect_err(f->a, PV_XS_TRANSACTION_START, t1, "", 1, "EBUSY");
    xs_h_expect_err(f->a, PV_XS_TRANSACTION_START, 9999, "", 1, "ENOENT");
    xs_h_expect_err(f->a, PV_XS_TRANSACTION_END, t1, "X", -1, "EINVAL");
    xs_h_expect_err(f->a, PV_XS_TRANSACTION_END, t1, "T", 1, "EINVAL");
    xs_h_expect_err(f->a, PV_XS_TRANSACTION_END, 0, "T", -1, "ENOENT");
    /* WATCH and UNWATCH ignore the transaction id, whatever it is. */
    xs_h_expect(f->a, PV_XS_WATCH, 12345, "/t\0tok", 7, "OK");
    assert_true(xs_h_event(f->a, "/t", "tok"));
    end(f->a, t1, false, "OK");
    end(f->a, t2, true, "OK");
    /* RESET_WATCHES drops the connection's transactions too. */
    t1 = xs_h_txn_start(f->a);
    xs_h_expect(f->a, PV_XS_RESET_WATCHES, 0, "", 1, "OK");
    end(f->a, t1, true, "ENOENT");
}

static void test_events_at_commit(void **state)
{
    struct fixture *f = *state;
    uint32_t t;

    xs_h_expect(f->b, PV_XS_WATCH, 0, "/t\0w", 5, "OK");
    assert_true(xs_h_event(f->b, "/t", "w"));
    t = xs_h_txn_start(f->a);
    xs_h_write(f->a, t, "/t/x", "9");
    xs_h_expect(f->a, PV_XS_RM, t, "/t/y", -1, "OK");
    assert_int_equal(xs_h_drain_events(f->b), 0);
    end(f->a, t, true, "OK");
    assert_true(xs_h_event(f->b, "/t/x", "w"));
    assert_true(xs_h_event(f->b, "/t/y", "w"));
    assert_int_equal(xs_h_drain_events(f->b), 0);
    /* Aborted or failed: no events. */
    t = xs_h_txn_start(f->a);
    xs_h_write(f->a, t, "/t/x", "10");
    end(f->a, t, false, "OK");
    t = xs_h_txn_start(f->a);
    xs_h_write(f->a, t, "/t/x", "11");
    xs_h_write(f->a, 0, "/t/x", "12");
    assert_true(xs_h_event(f->b, "/t/x", "w"));
    end(f->a, t, true, "EAGAIN");
    assert_int_equal(xs_h_drain_events(f->b), 0);
}

static void test_limits_in_transactions(void **state)
{
    struct fixture *f = *state;
    struct xsd_conn *d5;
    char path[32];
    uint32_t t;
    int i;

    xs_h_introduce(f->a, 5);
    xs_h_expect(f->a, PV_XS_MKDIR, 0, "/local/domain/5", -1, "OK");
    xs_h_expect(f->a, PV_XS_SET_PERMS, 0, "/local/domain/5\0b5", 19, "OK");
    d5 = xs_h_conn(f->d, 5, false);
    xs_h_expect(f->a, PV_XS_CONTROL, 0,
                "quota\0entries\0"
                "5",
                16, "OK");
    xs_h_expect(f->a, PV_XS_CONTROL, 0,
                "quota\0transaction-nodes\0"
                "8",
                26, "OK");
    t = xs_h_txn_start(d5);
    for (i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "e%d", i);
        xs_h_write(d5, t, path, "");
    }
    xs_h_expect_err(d5, PV_XS_WRITE, t, "e4", -1, "ENOSPC"); /* 1 + 4 owned */
    xs_h_expect(d5, PV_XS_RM, t, "e0", -1, "OK");
    xs_h_write(d5, t, "e4", "");
    /* Given to 5 meanwhile by dom0, away from what the transaction touched: the commit would
     * take 5 over its quota. */
    xs_h_write(f->a, 0, "/given", "");
    xs_h_expect(f->a, PV_XS_SET_PERMS, 0, "/given\0b5", 10, "OK");
    end(d5, t, true, "ENOSPC");
    /* Nodes touched by one transaction: 8 here. */
    t = xs_h_txn_start(d5);
    for (i = 0; i < 7; i++) { /* seven, and /tool (asked for its permissions) */
        snprintf(path, sizeof(path), "/tool/r%d", i);
        assert_string_equal(xs_h_read(d5, t, path), "!EACCES");
    }
    xs_h_expect_err(d5, PV_XS_READ, t, "/tool/r-last", -1, "ENOSPC");
    end(d5, t, false, "OK");
    xsd_conn_free(d5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_isolation_and_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflicts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_at_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits_in_transactions, setup, teardown),
    };

    return cmocka_run_group_tests_name("xenstored transactions", tests, NULL, NULL);
}
