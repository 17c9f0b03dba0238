/* Unit tests of xenstored message handling against hostile input: framing in any chunking,
 * oversized lengths, unknown types, missing terminators, garbage numbers, backpressure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pv-abi/errno.h"
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
    struct xsd_conn *check = xs_h_conn(f->d, 0, true);

    xs_h_check_store(check);
    xsd_daemon_free(f->d);
    assert_int_equal(xs_h_live, 0);
    return 0;
}

static size_t message(char *buf, uint32_t type, uint32_t req, uint32_t tx, const char *p, size_t n)
{
    struct pv_xsd_sockmsg h = {type, req, tx, (uint32_t)n};

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), p, n);
    return sizeof(h) + n;
}

static void test_any_chunking(void **state)
{
    struct fixture *f = *state;
    char buf[512];
    size_t n = 0, chunk;
    struct xs_reply r;

    n += message(buf + n, PV_XS_WRITE, 1, 0, "/c/x\0hello", 10);
    n += message(buf + n, PV_XS_READ, 2, 0, "/c/x", 5);
    n += message(buf + n, PV_XS_TRANSACTION_START, 3, 0, "", 0); /* an empty payload */
    n += message(buf + n, PV_XS_DIRECTORY, 4, 0, "/c", 3);
    for (chunk = 1; chunk <= n; chunk = chunk * 2 + 1) {
        assert_int_equal(xs_h_feed(f->c, buf, n, chunk), 0);
        assert_true(xs_h_recv(f->c, &r));
        assert_int_equal(r.req_id, 1);
        assert_string_equal(r.body, "OK");
        assert_true(xs_h_recv(f->c, &r));
        assert_int_equal(r.req_id, 2);
        assert_string_equal(r.body, "hello");
        assert_true(xs_h_recv(f->c, &r));
        assert_int_equal(r.type, PV_XS_TRANSACTION_START);
        assert_int_equal(r.req_id, 3);
        assert_true(xs_h_recv(f->c, &r));
        assert_int_equal(r.req_id, 4);
        assert_string_equal(r.body, "x");
        assert_false(xs_h_recv(f->c, &r));
        assert_false(xsd_conn_in_partial(f->c));
    }
}

static void test_oversized_length(void **state)
{
    struct fixture *f = *state;
    struct pv_xsd_sockmsg h = {PV_XS_WRITE, 1, 0, PV_XENSTORE_PAYLOAD_MAX};
    char big[sizeof(h) + PV_XENSTORE_PAYLOAD_MAX];
    struct xs_reply r;

    /* Exactly the limit is fine. */
    memset(big, 'v', sizeof(big));
    memcpy(big, &h, sizeof(h));
    memcpy(big + sizeof(h), "/max", 5);
    assert_int_equal(xs_h_feed(f->c, big, sizeof(big), 0), 0);
    assert_true(xs_h_recv(f->c, &r));
    assert_string_equal(r.body, "OK");
    /* One more, or any larger value up to 0xffffffff: a protocol violation at the header. */
    h.len = PV_XENSTORE_PAYLOAD_MAX + 1;
    assert_int_equal(xs_h_feed(f->c, &h, sizeof(h), 0), -PV_E2BIG);
    {
        struct xsd_conn *c2 = xs_h_conn(f->d, 0, true);
        h.len = 0xffffffffu;
        assert_int_equal(xs_h_feed(c2, &h, sizeof(h), 3), -PV_E2BIG);
        xsd_conn_free(c2);
    }
}

static void test_unknown_types(void **state)
{
    struct fixture *f = *state;
    static const uint32_t types[] = {20, PV_XS_WATCH_EVENT, PV_XS_ERROR, 23,        24, 25, 26,
                                     99, PV_XS_INVALID,     0x7fffffff,  0xffffffff};
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        xs_h_expect_err(f->c, types[i], 0, "/x", -1, "ENOSYS");
    xs_h_expect(f->c, PV_XS_READ, 0, "/tool/xenstored", -1, ""); /* still served */
}

static void test_missing_terminators_and_garbage(void **state)
{
    struct fixture *f = *state;

    xs_h_expect_err(f->c, PV_XS_READ, 0, "/tool", 5, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_READ, 0, "", 0, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_READ, 0, "/tool\0/x", 9, "EINVAL"); /* two strings */
    xs_h_expect_err(f->c, PV_XS_READ, 0, "/tool\0junk", 10, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_MKDIR, 0, "/a", 2, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_RM, 0, "/a", 2, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_DIRECTORY, 0, "/", 1, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_GET_PERMS, 0, "/", 1, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_SET_PERMS, 0, "/\0n0", 4, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_WATCH, 0, "/\0tok", 5, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_UNWATCH, 0, "/", 2, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_WRITE, 0, "", 0, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_INTRODUCE, 0,
                    "5\0"
                    "1\0"
                    "1",
                    5, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_INTRODUCE, 0,
                    "5\0"
                    "-1\0"
                    "1",
                    7, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_INTRODUCE, 0,
                    "5\0"
                    "1\0"
                    "99999999999",
                    15, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_RELEASE, 0, "5x", -1, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_RELEASE, 0, "", -1, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_IS_DOMAIN_INTRODUCED, 0, "1e3", -1, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_GET_DOMAIN_PATH, 0, "0x10", -1, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_CONTROL, 0, "", 0, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_CONTROL, 0, "no-such-command", -1, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_CONTROL, 0, "log\0maybe", 10, "EINVAL");
    xs_h_expect_err(f->c, PV_XS_CONTROL, 0,
                    "quota\0entries\0"
                    "0",
                    16, "EINVAL");
    xs_h_expect(f->c, PV_XS_CONTROL, 0, "print\0hello from a test", 24, "OK");
    xs_h_expect(f->c, PV_XS_CONTROL, 0, "log\0on", 7, "OK");
    xs_h_expect(f->c, PV_XS_READ, 0, "/tool/xenstored", -1, "");
    xs_h_expect(f->c, PV_XS_CONTROL, 0, "log\0off", 8, "OK");
}

static void test_reply_limit(void **state)
{
    struct fixture *f = *state;
    char buf[PV_XENSTORE_PAYLOAD_MAX];
    struct xs_reply r;

    /* A request filling the whole payload; its value comes back whole. */
    memcpy(buf, "/v", 3);
    memset(buf + 3, 'x', sizeof(buf) - 3);
    xs_h_req(f->c, PV_XS_WRITE, 0, buf, sizeof(buf), &r);
    assert_string_equal(r.body, "OK");
    xs_h_req(f->c, PV_XS_READ, 0, "/v", -1, &r);
    assert_int_equal(r.len, PV_XENSTORE_PAYLOAD_MAX - 3);
}

static void test_backpressure(void **state)
{
    struct fixture *f = *state;
    char buf[64];
    void *space;
    size_t n, sent = 0;
    struct xs_reply r;

    xs_h_write(f->c, 0, "/bp", "");
    /* A client that sends requests and never reads: the core stops taking requests once the
     * replies it holds pass the limit, and takes them again when they are read. */
    for (;;) {
        n = message(buf, PV_XS_READ, 7, 0, "/tool/xenstored", 16);
        if (!xsd_conn_in_space(f->c, &space))
            break;
        assert_int_equal(xs_h_feed(f->c, buf, sizeof(struct pv_xsd_sockmsg), 0), 0);
        if (!xsd_conn_in_space(f->c, &space))
            break; /* header taken, payload refused for now */
        assert_int_equal(xs_h_feed(f->c, buf + sizeof(struct pv_xsd_sockmsg),
                                   n - sizeof(struct pv_xsd_sockmsg), 0),
                         0);
        sent++;
        assert_true(sent < 100000);
    }
    assert_true(sent > 1000);
    while (xs_h_recv(f->c, &r))
        assert_int_equal(r.type, PV_XS_READ);
    assert_true(xsd_conn_in_space(f->c, &space) > 0);
}

static void test_random_garbage(void **state)
{
    struct fixture *f = *state;
    unsigned char buf[600];
    struct xs_reply r;
    unsigned int seed = 12345, i, round;
    struct pv_xsd_sockmsg *h = (struct pv_xsd_sockmsg *)buf;

    /* Random headers (sane lengths) and random payloads: an answer to each, never a crash. */
    for (round = 0; round < 3000; round++) {
        struct xsd_conn *c = xs_h_conn(f->d, round % 7 ? 0 : 9, round % 7 != 0);
        for (i = 0; i < sizeof(buf); i++)
            buf[i] = (unsigned char)(rand_r(&seed) >> 7);
        h->type = h->type % 30;
        h->tx_id = h->tx_id % 4;
        h->len = h->len % (sizeof(buf) - sizeof(*h));
        if (round % 3 == 0) /* often printable paths with NULs */
            for (i = sizeof(*h); i < sizeof(*h) + h->len; i++)
                buf[i] = "/ab\0@-_x1"[buf[i] % 9];
        assert_int_equal(xs_h_feed(c, buf, sizeof(*h) + h->len, 0), 0);
        while (xs_h_recv(c, &r))
            assert_true(r.type == h->type || r.type == PV_XS_ERROR || r.type == PV_XS_WATCH_EVENT);
        xsd_conn_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_any_chunking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_terminators_and_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backpressure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_garbage, setup, teardown),
    };

    return cmocka_run_group_tests_name("xenstored message handling", tests, NULL, NULL);
}
