/* Unit tests of xenstored watches: the first event, which changes fire which watches, relative
 * paths, removal, special watches, permissions, duplicates, unwatch, and slow readers. */
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
    struct xsd_conn *w, *c; /* the watcher, and the one making changes */
};

static int setup(void **state)
{
    static struct fixture f;

    f.d = xs_h_daemon();
    f.w = xs_h_conn(f.d, 0, true);
    f.c = xs_h_conn(f.d, 0, true);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    xs_h_check_store(f->c);
    xsd_daemon_free(f->d);
    assert_int_equal(xs_h_live, 0);
    return 0;
}

static void watch(struct xsd_conn *c, const char *path, const char *token)
{
    char buf[256];
    size_t pl = strlen(path) + 1, tl = strlen(token) + 1;

    memcpy(buf, path, pl);
    memcpy(buf + pl, token, tl);
    xs_h_expect(c, PV_XS_WATCH, 0, buf, (long)(pl + tl), "OK");
    assert_true(xs_h_event(c, path, token)); /* fires once at once, even if path is absent */
}

static void test_which_changes_fire(void **state)
{
    struct fixture *f = *state;

    watch(f->w, "/a/b", "t");
    xs_h_write(f->c, 0, "/a/b", "1");
    assert_true(xs_h_event(f->w, "/a/b", "t"));
    xs_h_write(f->c, 0, "/a/b/c/d", "1"); /* below: fires with the changed path */
    assert_true(xs_h_event(f->w, "/a/b/c/d", "t"));
    xs_h_write(f->c, 0, "/a/bb", "1"); /* a sibling sharing a prefix: no */
    xs_h_write(f->c, 0, "/a", "1");    /* the parent's value: no */
    assert_int_equal(xs_h_drain_events(f->w), 0);
    xs_h_write(f->c, 0, "/a/b", "1"); /* the same value again still fires */
    assert_true(xs_h_event(f->w, "/a/b", "t"));
    xs_h_expect(f->c, PV_XS_SET_PERMS, 0, "/a/b\0r0", 8, "OK");
    assert_true(xs_h_event(f->w, "/a/b", "t"));
    xs_h_expect(f->c, PV_XS_MKDIR, 0, "/a/b", -1, "OK"); /* exists: no change, no event */
    xs_h_expect(f->c, PV_XS_READ, 0, "/a/b", -1, "1");
    assert_int_equal(xs_h_drain_events(f->w), 0);
}

static void test_removal(void **state)
{
    struct fixture *f = *state;

    xs_h_write(f->c, 0, "/r/x/y", "1");
    watch(f->w, "/r/x/y", "deep");
    watch(f->w, "/r", "top");
    watch(f->w, "/r/x/missing", "never");
    xs_h_expect(f->c, PV_XS_RM, 0, "/r/x", -1, "OK");
    /* Each removed node for watches on exactly it; the removed root for watches above. */
    assert_true(xs_h_event(f->w, "/r/x/y", "deep"));
    assert_true(xs_h_event(f->w, "/r/x", "top"));
    assert_int_equal(xs_h_drain_events(f->w), 0);
}

static void test_root_and_relative(void **state)
{
    struct fixture *f = *state;

    watch(f->w, "/", "all");
    watch(f->w, "rel/node", "r"); /* under /local/domain/0 */
    xs_h_write(f->c, 0, "/local/domain/0/rel/node/x", "1");
    assert_true(xs_h_event(f->w, "/local/domain/0/rel/node/x", "all"));
    assert_true(xs_h_event(f->w, "rel/node/x", "r"));
    xs_h_write(f->c, 0, "/elsewhere", "1");
    assert_true(xs_h_event(f->w, "/elsewhere", "all"));
    assert_int_equal(xs_h_drain_events(f->w), 0);
}

static void test_special_watches(void **state)
{
    struct fixture *f = *state;

    watch(f->w, "@introduceDomain", "in");
    watch(f->w, "@releaseDomain", "out");
    xs_h_introduce(f->c, 3);
    assert_true(xs_h_event(f->w, "@introduceDomain", "in"));
    xs_h_introduce(f->c, 3); /* again: no new domain, no event */
    xs_h_expect(f->c, PV_XS_RELEASE, 0, "3", -1, "OK");
    assert_true(xs_h_event(f->w, "@releaseDomain", "out"));
    assert_int_equal(xs_h_drain_events(f->w), 0);
    xs_h_expect_err(f->w, PV_XS_WATCH, 0, "bad path/\0t", 11, "EINVAL");
}

static void test_permissions_filter_events(void **state)
{
    struct fixture *f = *state;
    struct xsd_conn *d4;

    xs_h_introduce(f->c, 4);
    d4 = xs_h_conn(f->d, 4, false);
    watch(d4, "/p", "t");
    xs_h_write(f->c, 0, "/p/secret", "1"); /* n0 inherited: 4 may not read it nor /p */
    assert_int_equal(xs_h_drain_events(d4), 0);
    xs_h_expect(f->c, PV_XS_SET_PERMS, 0, "/p\0n0\0r4", 9, "OK");
    assert_true(xs_h_event(d4, "/p", "t"));
    xs_h_write(f->c, 0, "/p/secret", "2"); /* the parent is readable: enough */
    assert_true(xs_h_event(d4, "/p/secret", "t"));
    /* Permissions taken away: the change that takes them still reaches the watcher. */
    xs_h_expect(f->c, PV_XS_SET_PERMS, 0, "/p\0n0", 6, "OK");
    assert_true(xs_h_event(d4, "/p", "t"));
    xs_h_write(f->c, 0, "/p", "hidden");
    assert_int_equal(xs_h_drain_events(d4), 0);
    /* @releaseDomain answers to its node's permissions. */
    watch(d4, "@releaseDomain", "rel");
    xs_h_introduce(f->c, 8);
    xs_h_expect(f->c, PV_XS_RELEASE, 0, "8", -1, "OK");
    assert_int_equal(xs_h_drain_events(d4), 0);
    xs_h_expect(f->c, PV_XS_SET_PERMS, 0, "@releaseDomain\0n0\0r4", 21, "OK");
    xs_h_introduce(f->c, 8);
    xs_h_expect(f->c, PV_XS_RELEASE, 0, "8", -1, "OK");
    assert_true(xs_h_event(d4, "@releaseDomain", "rel"));
    xsd_conn_free(d4);
}

static void test_duplicates_and_unwatch(void **state)
{
    struct fixture *f = *state;

    watch(f->w, "/u", "t1");
    watch(f->w, "/u", "t2"); /* another token: another watch */
    xs_h_expect_err(f->w, PV_XS_WATCH, 0, "/u\0t1", 6, "EEXIST");
    xs_h_expect_err(f->w, PV_XS_WATCH, 0, "/u", -1, "EINVAL");
    xs_h_expect_err(f->w, PV_XS_WATCH, 0, "/u\0t\0extra", 11, "EINVAL");
    xs_h_write(f->c, 0, "/u", "1");
    assert_true(xs_h_event(f->w, "/u", "t1")); /* in the order they were set */
    assert_true(xs_h_event(f->w, "/u", "t2"));
    xs_h_expect(f->w, PV_XS_UNWATCH, 0, "/u\0t1", 6, "OK");
    xs_h_expect_err(f->w, PV_XS_UNWATCH, 0, "/u\0t1", 6, "ENOENT");
    xs_h_write(f->c, 0, "/u", "2");
    assert_true(xs_h_event(f->w, "/u", "t2"));
    assert_int_equal(xs_h_drain_events(f->w), 0);
    xs_h_expect(f->w, PV_XS_RESET_WATCHES, 0, "", 1, "OK");
    xs_h_write(f->c, 0, "/u", "3");
    assert_int_equal(xs_h_drain_events(f->w), 0);
}

static void test_slow_reader(void **state)
{
    struct fixture *f = *state;
    char path[64];
    int i;

    watch(f->w, "/s", "t");
    /* The same event twice while the first still waits: sent once. */
    xs_h_write(f->c, 0, "/s/x", "1");
    xs_h_write(f->c, 0, "/s/x", "2");
    assert_true(xs_h_event(f->w, "/s/x", "t"));
    assert_int_equal(xs_h_drain_events(f->w), 0);
    /* A watcher that never reads: its events stop at the limit; everyone else is served. */
    xs_h_expect(f->c, PV_XS_CONTROL, 0,
                "quota\0event-bytes\0"
                "2000",
                23, "OK");
    for (i = 0; i < 500; i++) {
        snprintf(path, sizeof(path), "/s/n%d", i);
        xs_h_write(f->c, 0, path, "v");
    }
    i = (int)xs_h_drain_events(f->w);
    assert_true(i > 10 && i < 100);
    xs_h_write(f->c, 0, "/s/after", "1");
    assert_true(xs_h_event(f->w, "/s/after", "t"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_which_changes_fire, setup, teardown),
        cmocka_unit_test_setup_teardown(test_removal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_and_relative, setup, teardown),
        cmocka_unit_test_setup_teardown(test_special_watches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permissions_filter_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates_and_unwatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_reader, setup, teardown),
    };

    return cmocka_run_group_tests_name("xenstored watches", tests, NULL, NULL);
}
