/* Unit tests of xenstored permissions and quotas: who may read, write, create and change
 * permissions, what a refused caller learns, privileged-only requests, per-domain limits. */
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
    struct xsd_conn *dom0, *d5, *d6;
};

static int setup(void **state)
{
    static struct fixture f;

    f.d = xs_h_daemon();
    f.dom0 = xs_h_conn(f.d, 0, true);
    xs_h_introduce(f.dom0, 5);
    xs_h_introduce(f.dom0, 6);
    f.d5 = xs_h_conn(f.d, 5, false);
    f.d6 = xs_h_conn(f.d, 6, false);
    /* The toolstack's usual layout: each domain owns its home. */
    xs_h_expect(f.dom0, PV_XS_MKDIR, 0, "/local/domain/5", -1, "OK");
    xs_h_expect(f.dom0, PV_XS_SET_PERMS, 0, "/local/domain/5\0b5", 19, "OK");
    xs_h_write(f.dom0, 0, "/local/domain/5/name", "five"); /* inherits: 5's */
    xs_h_expect(f.dom0, PV_XS_MKDIR, 0, "/local/domain/6", -1, "OK");
    xs_h_expect(f.dom0, PV_XS_SET_PERMS, 0, "/local/domain/6\0n6", 19, "OK");
    xs_h_write(f.dom0, 0, "/local/domain/6/name", "six");
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    xs_h_check_store(f->dom0);
    xsd_daemon_free(f->d);
    assert_int_equal(xs_h_live, 0);
    return 0;
}

static void set_perms(struct xsd_conn *c, const char *path, const char *perms, const char *want)
{
    char buf[256];
    size_t pl = strlen(path) + 1, n = pl;
    const char *p;

    memcpy(buf, path, pl);
    for (p = perms; *p; p += strlen(p) + 1) { /* perms: "b5\0r6\0" style, double-NUL ended */
        memcpy(buf + n, p, strlen(p) + 1);
        n += strlen(p) + 1;
    }
    if (!strcmp(want, "OK"))
        xs_h_expect(c, PV_XS_SET_PERMS, 0, buf, (long)n, "OK");
    else
        xs_h_expect_err(c, PV_XS_SET_PERMS, 0, buf, (long)n, want);
}

static void test_perm_strings(void **state)
{
    struct fixture *f = *state;

    xs_h_write(f->dom0, 0, "/p", "");
    set_perms(f->dom0, "/p", "n0\0r5\0w6\0b7\0", "OK");
    xs_h_expect(f->dom0, PV_XS_GET_PERMS, 0, "/p", -1, "n0");
    set_perms(f->dom0, "/p", "x5\0", "EINVAL");
    set_perms(f->dom0, "/p", "r\0", "EINVAL");
    set_perms(f->dom0, "/p", "r70000\0", "EINVAL");
    set_perms(f->dom0, "/p", "r-1\0", "EINVAL");
    set_perms(f->dom0, "/p", "", "EINVAL");
    set_perms(f->dom0, "/missing", "n0\0", "ENOENT");
    set_perms(f->dom0, "bad//path", "n0\0", "EINVAL");
    set_perms(f->dom0, "@releaseDomain", "n0\0r5\0", "OK");
}

static void test_read_write_rules(void **state)
{
    struct fixture *f = *state;
    const char *name = "/local/domain/5/name";

    /* The owner may do everything; the first entry's letter is everyone else's default. */
    set_perms(f->dom0, name, "n5\0", "OK");
    assert_string_equal(xs_h_read(f->d5, 0, name), "five");
    assert_string_equal(xs_h_read(f->d5, 0, "name"), "five"); /* relative to its home */
    xs_h_write(f->d5, 0, "name", "renamed");
    assert_string_equal(xs_h_read(f->d6, 0, name), "!EACCES");
    /* A listed domain gets its own entry: here read only. */
    set_perms(f->dom0, name, "n5\0r6\0", "OK");
    assert_string_equal(xs_h_read(f->d6, 0, name), "renamed");
    xs_h_expect_err(f->d6, PV_XS_WRITE, 0, "/local/domain/5/name\0x", 22, "EACCES");
    /* Unlisted: the default, here both. */
    set_perms(f->dom0, name, "b5\0", "OK");
    xs_h_write(f->d6, 0, name, "by six");
    /* The owner's own letter never limits the owner. */
    set_perms(f->dom0, name, "r5\0n6\0", "OK");
    xs_h_write(f->d5, 0, "name", "still mine");
    assert_string_equal(xs_h_read(f->d6, 0, name), "!EACCES");
    /* dom0 overrides everything. */
    set_perms(f->dom0, name, "n5\0", "OK");
    assert_string_equal(xs_h_read(f->dom0, 0, name), "still mine");
    xs_h_write(f->dom0, 0, name, "dom0 was here");
}

static void test_refusal_hides_existence(void **state)
{
    struct fixture *f = *state;

    /* /local/domain/6 is n6: domain 5 cannot tell which children exist there. */
    xs_h_expect_err(f->d5, PV_XS_READ, 0, "/local/domain/6/name", -1, "EACCES");
    xs_h_expect_err(f->d5, PV_XS_READ, 0, "/local/domain/6/nothing", -1, "EACCES");
    xs_h_expect_err(f->d5, PV_XS_READ, 0, "/local/domain/5/nothing", -1, "ENOENT");
    /* Creating needs write access on the nearest existing ancestor. */
    xs_h_expect_err(f->d5, PV_XS_WRITE, 0, "/local/domain/6/x\0v", 20, "EACCES");
    xs_h_expect_err(f->d5, PV_XS_MKDIR, 0, "/tool/x", -1, "EACCES");
    xs_h_expect_err(f->d5, PV_XS_RM, 0, "/local/domain/6/name", -1, "EACCES");
    xs_h_expect_err(f->d5, PV_XS_DIRECTORY, 0, "/local/domain/6", -1, "EACCES");
    xs_h_expect_err(f->d5, PV_XS_GET_PERMS, 0, "/local/domain/6", -1, "EACCES");
    xs_h_expect(f->d5, PV_XS_MKDIR, 0, "a/b/c", -1, "OK");
}

static void test_creator_owns(void **state)
{
    struct fixture *f = *state;

    set_perms(f->dom0, "/local/domain/5", "n0\0b5\0r6\0", "OK"); /* dom0's, 5 may write */
    xs_h_write(f->d5, 0, "made/by/five", "x"); /* the parent's list, with 5 as the owner */
    xs_h_expect(f->dom0, PV_XS_GET_PERMS, 0, "/local/domain/5/made/by/five", -1, "n5");
    /* dom0 creating inherits the parent's list. */
    xs_h_write(f->dom0, 0, "/local/domain/5/by-dom0", "y");
    xs_h_expect(f->dom0, PV_XS_GET_PERMS, 0, "/local/domain/5/by-dom0", -1, "n0");
    xs_h_expect(f->dom0, PV_XS_GET_PERMS, 0, "/local/domain/5/name", -1, "b5");
    /* An owner may change the list but not give the node away. */
    set_perms(f->d5, "/local/domain/5/made", "b5\0r6\0", "OK");
    set_perms(f->d5, "/local/domain/5/made", "b6\0", "EPERM");
    /* A non-owner with write access may not change the list. */
    set_perms(f->d5, "/local/domain/5/by-dom0", "b5\0", "EACCES");
}

static void test_privileged_requests(void **state)
{
    struct fixture *f = *state;

    xs_h_expect_err(f->d5, PV_XS_INTRODUCE, 0,
                    "9\0"
                    "1\0"
                    "1",
                    6, "EACCES");
    xs_h_expect_err(f->d5, PV_XS_RELEASE, 0, "6", -1, "EACCES");
    xs_h_expect_err(f->d5, PV_XS_IS_DOMAIN_INTRODUCED, 0, "6", -1, "EACCES");
    xs_h_expect_err(f->d5, PV_XS_RESUME, 0, "6", -1, "EACCES");
    xs_h_expect_err(f->d5, PV_XS_SET_TARGET, 0,
                    "5\0"
                    "6",
                    4, "EACCES");
    xs_h_expect_err(f->d5, PV_XS_CONTROL, 0, "check", -1, "EACCES");
    xs_h_expect(f->d5, PV_XS_GET_DOMAIN_PATH, 0, "6", -1, "/local/domain/6");
}

static void test_set_target(void **state)
{
    struct fixture *f = *state;

    xs_h_expect_err(f->d5, PV_XS_READ, 0, "/local/domain/6/name", -1, "EACCES");
    xs_h_expect(f->dom0, PV_XS_SET_TARGET, 0,
                "5\0"
                "6",
                4, "OK");
    assert_string_equal(xs_h_read(f->d5, 0, "/local/domain/6/name"), "six");
    xs_h_write(f->d5, 0, "/local/domain/6/name", "by my device model");
    xs_h_expect_err(f->dom0, PV_XS_SET_TARGET, 0,
                    "5\0"
                    "9",
                    4, "ENOENT");
    xs_h_expect_err(f->dom0, PV_XS_SET_TARGET, 0, "5", -1, "EINVAL");
}

static void test_domain_requests(void **state)
{
    struct fixture *f = *state;

    xs_h_expect(f->dom0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "5", -1, "T");
    xs_h_expect(f->dom0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "9", -1, "F");
    xs_h_expect(f->dom0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "0", -1, "T");
    xs_h_expect_err(f->dom0, PV_XS_INTRODUCE, 0,
                    "9\0"
                    "1",
                    4, "EINVAL");
    xs_h_expect_err(f->dom0, PV_XS_INTRODUCE, 0,
                    "0\0"
                    "1\0"
                    "1",
                    6, "EINVAL");
    xs_h_expect_err(f->dom0, PV_XS_INTRODUCE, 0,
                    "9\0"
                    "1\0"
                    "0",
                    6, "EINVAL");
    xs_h_expect_err(f->dom0, PV_XS_INTRODUCE, 0,
                    "x\0"
                    "1\0"
                    "1",
                    6, "EINVAL");
    xs_h_expect_err(f->dom0, PV_XS_INTRODUCE, 0,
                    "32752\0"
                    "1\0"
                    "1",
                    10, "EINVAL");
    xs_h_expect(f->dom0, PV_XS_RESUME, 0, "5", -1, "OK");
    xs_h_expect_err(f->dom0, PV_XS_RESUME, 0, "9", -1, "ENOENT");
    xs_h_expect_err(f->dom0, PV_XS_RELEASE, 0, "9", -1, "ENOENT");
    xs_h_expect_err(f->dom0, PV_XS_RELEASE, 0, "0", -1, "EINVAL");
    /* Releasing: the domain's connections end, its nodes go to dom0, its entries go away. */
    set_perms(f->dom0, "/local/domain/6/name", "b6\0r5\0b6\0", "OK");
    set_perms(f->dom0, "/local/domain/5/name", "b5\0r6\0", "OK");
    xs_h_expect(f->dom0, PV_XS_RELEASE, 0, "6", -1, "OK");
    assert_true(xsd_conn_dead(f->d6));
    xs_h_expect(f->dom0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "6", -1, "F");
    xs_h_expect(f->dom0, PV_XS_GET_PERMS, 0, "/local/domain/6/name", -1, "b0");
    xs_h_expect(f->dom0, PV_XS_GET_PERMS, 0, "/local/domain/5/name", -1, "b5");
}

static void test_as_domain(void **state)
{
    struct fixture *f = *state;
    struct xsd_conn *c = xs_h_conn(f->d, 0, true);

    xs_h_expect_err(c, PV_XS_CONTROL, 0,
                    "as-domain\0"
                    "9",
                    12, "ENOENT");
    xs_h_expect_err(c, PV_XS_CONTROL, 0,
                    "as-domain\0"
                    "x",
                    12, "EINVAL");
    xs_h_expect(c, PV_XS_CONTROL, 0,
                "as-domain\0"
                "5",
                12, "OK");
    assert_string_equal(xs_h_read(c, 0, "name"), "five");
    xs_h_expect_err(c, PV_XS_READ, 0, "/local/domain/6/name", -1, "EACCES");
    xs_h_expect_err(c, PV_XS_CONTROL, 0,
                    "as-domain\0"
                    "0",
                    12, "EACCES"); /* one way */
    xsd_conn_free(c);
}

static void test_quota_entries(void **state)
{
    struct fixture *f = *state;
    char path[64];
    int i;

    xs_h_expect(f->dom0, PV_XS_CONTROL, 0,
                "quota\0entries\0"
                "20",
                17, "OK");
    for (i = 0; i < 18; i++) { /* 5 already owns /local/domain/5 and its name */
        snprintf(path, sizeof(path), "n%d", i);
        xs_h_write(f->d5, 0, path, "");
    }
    xs_h_expect_err(f->d5, PV_XS_WRITE, 0, "one-more", -1, "ENOSPC");
    xs_h_expect_err(f->d5, PV_XS_MKDIR, 0, "x/y", -1, "ENOSPC");
    xs_h_expect(f->dom0, PV_XS_WRITE, 0, "/local/domain/5/dom0-may", -1, "OK");
    xs_h_expect(f->d5, PV_XS_RM, 0, "n0", -1, "OK");
    xs_h_expect(f->d5, PV_XS_RM, 0, "n1", -1, "OK");
    xs_h_expect(f->d5, PV_XS_WRITE, 0, "one-more", -1, "OK");
}

static void test_quota_sizes(void **state)
{
    struct fixture *f = *state;
    char buf[4096];
    size_t pl = strlen("big") + 1;
    int i;

    memcpy(buf, "big", pl);
    memset(buf + pl, 'v', sizeof(buf) - pl);
    /* Node size: value + child names + 8 bytes per permission entry, 2048 by default. */
    xs_h_expect(f->d5, PV_XS_WRITE, 0, buf, (long)(pl + 2040), "OK");
    xs_h_expect_err(f->d5, PV_XS_WRITE, 0, buf, (long)(pl + 2041), "ENOSPC");
    xs_h_expect(f->dom0, PV_XS_WRITE, 0, "/local/domain/5/big\0", 21, "OK");
    memcpy(buf, "/local/domain/5/big", 20);
    xs_h_expect(f->dom0, PV_XS_WRITE, 0, buf, 20 + 4000, "OK"); /* dom0 is exempt */
    /* Permission entries: 5 per node. */
    xs_h_write(f->d5, 0, "p", "");
    set_perms(f->d5, "p", "b5\0r1\0r2\0r3\0r4\0", "OK");
    set_perms(f->d5, "p", "b5\0r1\0r2\0r3\0r4\0r6\0", "ENOSPC");
    /* Watches: 128 (E2BIG beyond). */
    for (i = 0; i < 128; i++) {
        snprintf(buf, sizeof(buf), "w%c%d", 0, i);
        xs_h_expect(f->d5, PV_XS_WATCH, 0, buf, (long)(3 + strlen(buf + 2)), "OK");
        assert_int_equal(xs_h_drain_events(f->d5), 1);
    }
    xs_h_expect_err(f->d5, PV_XS_WATCH, 0, "w\0last", 7, "E2BIG");
    xs_h_drain_events(f->d5);
    /* Transactions: 10 (ENOSPC beyond). */
    for (i = 0; i < 10; i++)
        xs_h_txn_start(f->d5);
    xs_h_expect_err(f->d5, PV_XS_TRANSACTION_START, 0, "", 1, "ENOSPC");
    for (i = 0; i < 11; i++)
        xs_h_txn_start(f->dom0);
    /* Path length: 2048 below the domain's home (in short components: node sizes). */
    memset(buf, 'p', sizeof(buf));
    for (i = 100; i < 2048; i += 100)
        buf[i] = '/';
    buf[2048] = 0;
    xs_h_expect(f->d5, PV_XS_MKDIR, 0, buf, -1, "OK");
    buf[2048] = 'p';
    buf[2049] = 0;
    xs_h_expect_err(f->d5, PV_XS_MKDIR, 0, buf, -1, "EINVAL");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_perm_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_write_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusal_hides_existence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_creator_owns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_privileged_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_as_domain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_sizes, setup, teardown),
    };

    return cmocka_run_group_tests_name("xenstored permissions and quotas", tests, NULL, NULL);
}
