/* Unit tests of the xenstored tree: READ, WRITE, MKDIR, RM, DIRECTORY(_PART), path syntax. */
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
    struct xsd_conn *c;
};

static int setup(void **state)
{
    static struct fixture f;

    f.d = xs_h_daemon();
    f.c = xs_h_conn(f.d, 0, true);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    xs_h_check_store(f->c);
    xsd_daemon_free(f->d);
    assert_int_equal(xs_h_live, 0); /* everything the core allocated came back */
    return 0;
}

static void test_initial_tree(void **state)
{
    struct fixture *f = *state;

    xs_h_expect(f->c, PV_XS_DIRECTORY, 0, "/", -1, "tool");
    xs_h_expect(f->c, PV_XS_DIRECTORY, 0, "/tool", -1, "xenstored");
    xs_h_expect(f->c, PV_XS_READ, 0, "/tool/xenstored", -1, "");
    xs_h_expect(f->c, PV_XS_GET_PERMS, 0, "/", -1, "n0");
    xs_h_expect(f->c, PV_XS_GET_PERMS, 0, "@introduceDomain", -1, "n0");
    xs_h_expect(f->c, PV_XS_GET_PERMS, 0, "@releaseDomain", -1, "n0");
    xs_h_expect_err(f->c, PV_XS_READ, 0, "@releaseDomain", -1, "EINVAL");
}

static void test_write_read_creates_parents(void **state)
{
    struct fixture *f = *state;
    struct xs_reply r;

    xs_h_write(f->c, 0, "/a/b/c", "value");
    assert_string_equal(xs_h_read(f->c, 0, "/a/b/c"), "value");
    xs_h_expect(f->c, PV_XS_READ, 0, "/a/b", -1, "");
    xs_h_expect(f->c, PV_XS_DIRECTORY, 0, "/a", -1, "b");
    xs_h_write(f->c, 0, "/a/b/c", "other");
    assert_string_equal(xs_h_read(f->c, 0, "/a/b/c"), "other");
    /* Values are bytes: NULs inside survive, the reply adds none. */
    xs_h_expect(f->c, PV_XS_WRITE, 0, "/a/bin\0x\0y", 10, "OK");
    xs_h_req(f->c, PV_XS_READ, 0, "/a/bin", -1, &r);
    assert_int_equal(r.len, 3);
    assert_memory_equal(r.body, "x\0y", 3);
    /* An empty value, and a write with no value at all. */
    xs_h_expect(f->c, PV_XS_WRITE, 0, "/a/empty", -1, "OK");
    xs_h_req(f->c, PV_XS_READ, 0, "/a/empty", -1, &r);
    assert_int_equal(r.len, 0);
    xs_h_expect_err(f->c, PV_XS_WRITE, 0, "/a/nonul", 8, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_READ, 0, "/a/missing", -1, "ENOENT");
    xs_h_expect_err(f->c, PV_XS_READ, 0, "/nothing/deeper", -1, "ENOENT");
}

static void test_children_order_and_directory(void **state)
{
    struct fixture *f = *state;
    struct xs_reply r;

    xs_h_write(f->c, 0, "/d/x", "1");
    xs_h_write(f->c, 0, "/d/y", "2");
    xs_h_write(f->c, 0, "/d/z", "3");
    xs_h_req(f->c, PV_XS_DIRECTORY, 0, "/d", -1, &r);
    assert_int_equal(r.len, 6);
    assert_memory_equal(r.body, "x\0y\0z\0", 6);
    xs_h_expect(f->c, PV_XS_RM, 0, "/d/y", -1, "OK");
    xs_h_req(f->c, PV_XS_DIRECTORY, 0, "/d", -1, &r);
    assert_memory_equal(r.body, "x\0z\0", 4);
    xs_h_req(f->c, PV_XS_DIRECTORY, 0, "/d/x", -1, &r);
    assert_int_equal(r.len, 0);
}

static void test_mkdir(void **state)
{
    struct fixture *f = *state;

    xs_h_expect(f->c, PV_XS_MKDIR, 0, "/m/n/o", -1, "OK");
    xs_h_expect(f->c, PV_XS_READ, 0, "/m/n/o", -1, "");
    xs_h_write(f->c, 0, "/m/n", "keep");
    xs_h_expect(f->c, PV_XS_MKDIR, 0, "/m/n", -1, "OK"); /* exists: value left alone */
    assert_string_equal(xs_h_read(f->c, 0, "/m/n"), "keep");
    xs_h_expect(f->c, PV_XS_MKDIR, 0, "/", -1, "OK");
}

static void test_rm(void **state)
{
    struct fixture *f = *state;

    xs_h_write(f->c, 0, "/r/a/b/c", "1");
    xs_h_write(f->c, 0, "/r/a/d", "2");
    xs_h_write(f->c, 0, "/r/e", "3");
    xs_h_expect(f->c, PV_XS_RM, 0, "/r/a", -1, "OK");
    xs_h_expect_err(f->c, PV_XS_READ, 0, "/r/a/b/c", -1, "ENOENT");
    xs_h_expect_err(f->c, PV_XS_READ, 0, "/r/a/d", -1, "ENOENT");
    xs_h_expect(f->c, PV_XS_DIRECTORY, 0, "/r", -1, "e");
    /* Missing node, existing parent: fine. Missing parent too: ENOENT. */
    xs_h_expect(f->c, PV_XS_RM, 0, "/r/a", -1, "OK");
    xs_h_expect_err(f->c, PV_XS_RM, 0, "/r/a/b", -1, "ENOENT");
    xs_h_expect_err(f->c, PV_XS_RM, 0, "/", -1, "EINVAL");
    xs_h_expect(f->c, PV_XS_RM, 0, "/r", -1, "OK");
    xs_h_expect(f->c, PV_XS_DIRECTORY, 0, "/", -1, "tool");
}

static const struct {
    const char *path;
    const char *err; /* NULL: accepted (relative ones land under /local/domain/0) */
} path_cases[] = {
    {"/ok/path-with_all@chars09AZ", NULL},
    {"relative/x", NULL},
    {"", "EINVAL"},
    {"/bad//double", "EINVAL"},
    {"/trailing/", "EINVAL"},
    {"/sp ace", "EINVAL"},
    {"/dot.ted", "EINVAL"},
    {"/col:on", "EINVAL"},
    {"/star*", "EINVAL"},
    {"/back\\slash", "EINVAL"},
    {"/tab\t", "EINVAL"},
    {"/high\xc3\xa9", "EINVAL"},
    {"@special", "EINVAL"},
    {"//", "EINVAL"},
};

static void test_path_syntax(void **state)
{
    struct fixture *f = *state;
    size_t i;

    for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
        if (path_cases[i].err)
            xs_h_expect_err(f->c, PV_XS_WRITE, 0, path_cases[i].path, -1, path_cases[i].err);
        else
            xs_h_expect(f->c, PV_XS_WRITE, 0, path_cases[i].path, -1, "OK");
    }
    xs_h_expect(f->c, PV_XS_READ, 0, "/local/domain/0/relative/x", -1, "");
    xs_h_expect(f->c, PV_XS_READ, 0, "relative/x", -1, "");
}

static void test_path_length(void **state)
{
    struct fixture *f = *state;
    char path[4000];

    memset(path, 'a', sizeof(path));
    path[0] = '/';
    path[PV_XENSTORE_ABS_PATH_MAX] = 0; /* exactly the limit */
    xs_h_expect(f->c, PV_XS_WRITE, 0, path, -1, "OK");
    xs_h_expect(f->c, PV_XS_RM, 0, path, -1, "OK");
    path[PV_XENSTORE_ABS_PATH_MAX] = 'a';
    path[PV_XENSTORE_ABS_PATH_MAX + 1] = 0;
    xs_h_expect_err(f->c, PV_XS_WRITE, 0, path, -1, "EINVAL");
    /* A relative path is measured with its /local/domain/0/ prefix. */
    path[PV_XENSTORE_ABS_PATH_MAX - 15] = 0; /* 3056 + 16 */
    xs_h_expect(f->c, PV_XS_WRITE, 0, path + 1, -1, "OK");
    path[PV_XENSTORE_ABS_PATH_MAX - 15] = 'a';
    path[PV_XENSTORE_ABS_PATH_MAX - 14] = 0;
    xs_h_expect_err(f->c, PV_XS_WRITE, 0, path + 1, -1, "EINVAL");
}

static void test_directory_part(void **state)
{
    struct fixture *f = *state;
    char path[64], req[80], all[16384];
    struct xs_reply r;
    size_t total = 0, off = 0, n;
    unsigned int i, count = 0;
    char gen[32];

    for (i = 0; i < 300; i++) {
        snprintf(path, sizeof(path), "/big/child-with-a-long-name-%04u", i);
        xs_h_write(f->c, 0, path, "");
        total += strlen(path) - 5 + 1;
    }
    xs_h_expect_err(f->c, PV_XS_DIRECTORY, 0, "/big", -1, "E2BIG");
    for (;;) {
        n = (size_t)snprintf(req, sizeof(req), "/big%c%zu", 0, off) + 1;
        xs_h_req(f->c, PV_XS_DIRECTORY_PART, 0, req, (long)n, &r);
        assert_int_equal(r.type, PV_XS_DIRECTORY_PART);
        if (!off)
            snprintf(gen, sizeof(gen), "%.31s", r.body);
        assert_string_equal(r.body, gen); /* unchanged between the parts */
        n = r.len - strlen(r.body) - 1;
        memcpy(all + off, r.body + strlen(r.body) + 1, n);
        off += n;
        if (off > total) /* the last part ends in an extra NUL */
            break;
    }
    assert_int_equal(off, total + 1);
    for (n = 0; n < total; n += strlen(all + n) + 1) {
        snprintf(path, sizeof(path), "child-with-a-long-name-%04u", count++);
        assert_string_equal(all + n, path);
    }
    assert_int_equal(count, 300);
    /* Past the end: the generation and an empty list. */
    n = (size_t)snprintf(req, sizeof(req), "/big%c%zu", 0, total + 50) + 1;
    xs_h_req(f->c, PV_XS_DIRECTORY_PART, 0, req, (long)n, &r);
    assert_int_equal(r.len, strlen(gen) + 2);
    /* A change gives a new generation. */
    xs_h_write(f->c, 0, "/big/new", "");
    xs_h_req(f->c, PV_XS_DIRECTORY_PART, 0, req, (long)n, &r);
    assert_string_not_equal(r.body, gen);
    xs_h_expect_err(f->c, PV_XS_DIRECTORY_PART, 0, "/big", -1, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_DIRECTORY_PART, 0, "/big\0x", 7, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_DIRECTORY_PART, 0,
                    "/big\0"
                    "1\0"
                    "2",
                    9, "EINVAL");
    xs_h_expect(f->c, PV_XS_RM, 0, "/big", -1, "OK");
}

static void test_get_domain_path(void **state)
{
    struct fixture *f = *state;

    xs_h_expect(f->c, PV_XS_GET_DOMAIN_PATH, 0, "7", -1, "/local/domain/7");
    xs_h_expect(f->c, PV_XS_GET_DOMAIN_PATH, 0, "0", -1, "/local/domain/0");
    xs_h_expect_err(f->c, PV_XS_GET_DOMAIN_PATH, 0, "x", -1, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_GET_DOMAIN_PATH, 0, "70000", -1, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_GET_DOMAIN_PATH, 0, "", -1, "EINVAL");
}

static void test_store_survives_out_of_memory(void **state)
{
    struct fixture *f = *state;
    unsigned long n;
    struct xs_reply r;

    /* Each request fails at every allocation in turn: an error (or a dropped connection)
     * each time, never a half-done change. */
    xs_h_write(f->c, 0, "/oom/keep", "1");
    for (n = 1; n < 40; n++) {
        struct xsd_conn *c = xs_h_conn(f->d, 0, true);
        xs_h_fail_after(n);
        xs_h_send(c, PV_XS_WRITE, 0, "/oom/a/b/c\0v", 12);
        xs_h_fail_after(0);
        if (xs_h_recv(c, &r) && r.type == PV_XS_ERROR)
            assert_string_equal(r.body, "ENOMEM");
        else if (!xsd_conn_dead(c))
            assert_string_equal(r.body, "OK");
        if (!xsd_conn_dead(c))
            xs_h_send(c, PV_XS_RM, 0, "/oom/a", -1);
        xsd_conn_free(c);
        xs_h_check_store(f->c);
    }
    assert_string_equal(xs_h_read(f->c, 0, "/oom/keep"), "1");
    xs_h_expect(f->c, PV_XS_RM, 0, "/oom", -1, "OK");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_initial_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_read_creates_parents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_children_order_and_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mkdir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_syntax, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_part, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_domain_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_survives_out_of_memory, setup, teardown),
    };

    return cmocka_run_group_tests_name("xenstored tree", tests, NULL, NULL);
}
