/* tests/unit/test_consoled.c - hvconsoled's console ring transfers against hostile indexes, its
 * byte queues and its request parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dom0-tools/consoled/proto.h"
#include "dom0-tools/consoled/ring.h"

static struct pv_xencons_interface *ring_new(void)
{
    struct pv_xencons_interface *r = calloc(1, sizeof(*r));

    assert_non_null(r);
    return r;
}

/* The guest's side: produce output as a guest would. */
static void guest_write(struct pv_xencons_interface *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        r->out[(r->out_prod + i) % sizeof(r->out)] = s[i];
    r->out_prod += (uint32_t)n;
}

static void test_output_basic(void **state)
{
    struct pv_xencons_interface *r = ring_new();
    char buf[4096];

    (void)state;
    assert_int_equal(ring_take_output(r, buf, sizeof(buf)), 0);
    guest_write(r, "hello\n", 6);
    assert_int_equal(ring_take_output(r, buf, sizeof(buf)), 6);
    assert_memory_equal(buf, "hello\n", 6);
    assert_int_equal(r->out_cons, 6);
    assert_int_equal(ring_take_output(r, buf, sizeof(buf)), 0);
    /* less room than output: the rest stays for the next call */
    guest_write(r, "abcdef", 6);
    assert_int_equal(ring_take_output(r, buf, 4), 4);
    assert_memory_equal(buf, "abcd", 4);
    assert_int_equal(ring_take_output(r, buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "ef", 2);
    free(r);
}

/* Indexes wrap at 2^32 and the ring at 2048: bytes come out in order. */
static void test_output_wrap(void **state)
{
    struct pv_xencons_interface *r = ring_new();
    char in[2048], buf[2048];

    (void)state;
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (char)(i * 7);
    r->out_cons = r->out_prod = 0xffffff00u;
    guest_write(r, in, sizeof(in)); /* exactly a full ring, across both wraps */
    assert_int_equal(ring_take_output(r, buf, sizeof(buf)), 2048);
    assert_memory_equal(buf, in, sizeof(in));
    assert_int_equal(r->out_cons, 0xffffff00u + 2048);
    free(r);
}

/* More unread bytes than the ring holds: the ring is left alone, nothing is read. */
static void test_output_hostile(void **state)
{
    static const uint32_t bad[][2] = {{0, 2049}, {10, 9}, {0, 0xffffffffu}, {0x80000000u, 0}};
    struct pv_xencons_interface *r = ring_new();
    char buf[4096];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r->out_cons = bad[i][0];
        r->out_prod = bad[i][1];
        assert_int_equal(ring_take_output(r, buf, sizeof(buf)), -1);
        assert_int_equal(r->out_cons, bad[i][0]);
    }
    r->out_cons = 5;
    r->out_prod = 5 + 2048; /* full is fine */
    assert_int_equal(ring_take_output(r, buf, sizeof(buf)), 2048);
    free(r);
}

static void test_input(void **state)
{
    struct pv_xencons_interface *r = ring_new();
    char big[1500];

    (void)state;
    memset(big, 'x', sizeof(big));
    assert_int_equal(ring_put_input(r, "ls\r", 3), 3);
    assert_memory_equal(r->in, "ls\r", 3);
    assert_int_equal(r->in_prod, 3);
    /* 1021 bytes of room are left; the rest waits */
    assert_int_equal(ring_put_input(r, big, sizeof(big)), 1021);
    assert_int_equal(r->in_prod, 1024);
    assert_int_equal(ring_put_input(r, "y", 1), 0);
    r->in_cons = 1000; /* the guest read some: room again, written across the end */
    assert_int_equal(ring_put_input(r, "0123456789", 10), 10);
    assert_int_equal(r->in[1024 % 1024], '0');
    assert_int_equal(r->in[(1024 + 9) % 1024], '9');
    /* a guest claiming to have read more than was written */
    r->in_cons = r->in_prod + 1;
    assert_int_equal(ring_put_input(r, "z", 1), -1);
    r->in_cons = r->in_prod - 1025;
    assert_int_equal(ring_put_input(r, "z", 1), -1);
    free(r);
}

static size_t drain(struct cbuf *q, char *out)
{
    const char *p;
    size_t n, total = 0;

    while ((n = cbuf_peek(q, &p)) > 0) {
        memcpy(out + total, p, n);
        total += n;
        cbuf_pop(q, n);
    }
    return total;
}

static void test_cbuf(void **state)
{
    struct cbuf q, copy;
    char out[64];

    (void)state;
    assert_int_equal(cbuf_init(&q, 8), 0);
    cbuf_push(&q, "abcde", 5);
    cbuf_pop(&q, 3);
    cbuf_push(&q, "fghij", 5); /* wraps: "de" + "fghij" */
    assert_int_equal(q.len, 7);
    assert_int_equal(q.dropped, 0);
    assert_int_equal(cbuf_init(&copy, 4), 0);
    cbuf_copy(&copy, &q); /* only the newest four fit */
    assert_int_equal(drain(&copy, out), 4);
    assert_memory_equal(out, "ghij", 4);
    assert_int_equal(copy.dropped, 3);
    cbuf_push(&q, "klm", 3); /* two oldest dropped */
    assert_int_equal(q.dropped, 2);
    assert_int_equal(drain(&q, out), 8);
    assert_memory_equal(out, "fghijklm", 8);
    cbuf_push(&q, "0123456789ABCDEF", 16); /* more than it holds at once */
    assert_int_equal(drain(&q, out), 8);
    assert_memory_equal(out, "89ABCDEF", 8);
    assert_int_equal(q.dropped, 10);
    cbuf_pop(&q, 5); /* popping an empty queue is harmless */
    assert_int_equal(q.len, 0);
    cbuf_free(&q);
    cbuf_free(&copy);
}

struct proto_case {
    const char *line;
    int rc;
    enum proto_kind kind;
    unsigned domid;
    bool replay;
};

static const struct proto_case proto_cases[] = {
    {"list", 0, PROTO_LIST, 0, false},
    {"attach 1", 0, PROTO_ATTACH, 1, false},
    {"attach 0", 0, PROTO_ATTACH, 0, false},
    {"attach 32751", 0, PROTO_ATTACH, 32751, false},
    {"attach 7 replay", 0, PROTO_ATTACH, 7, true},
    {"attach 32752", -1, 0, 0, false},     /* DOMID_FIRST_RESERVED */
    {"attach 4294967297", -1, 0, 0, false}, /* would wrap */
    {"attach 07", -1, 0, 0, false},
    {"attach -1", -1, 0, 0, false},
    {"attach +1", -1, 0, 0, false},
    {"attach", -1, 0, 0, false},
    {"attach ", -1, 0, 0, false},
    {"attach x", -1, 0, 0, false},
    {"attach 1 ", -1, 0, 0, false},
    {"attach 1 replay ", -1, 0, 0, false},
    {"attach 1 Replay", -1, 0, 0, false},
    {"attach  1", -1, 0, 0, false},
    {"attach 1x", -1, 0, 0, false},
    {"ATTACH 1", -1, 0, 0, false},
    {"list ", -1, 0, 0, false},
    {"", -1, 0, 0, false},
};

static void test_proto(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(proto_cases) / sizeof(proto_cases[0]); i++) {
        const struct proto_case *c = &proto_cases[i];
        struct proto_req r;
        const char *why = NULL;

        print_message("case \"%s\"\n", c->line);
        assert_int_equal(proto_parse(c->line, &r, &why), c->rc);
        if (c->rc) {
            assert_non_null(why);
            continue;
        }
        assert_int_equal(r.kind, c->kind);
        assert_int_equal(r.domid, c->domid);
        assert_int_equal(r.replay, c->replay);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_basic), cmocka_unit_test(test_output_wrap),
        cmocka_unit_test(test_output_hostile), cmocka_unit_test(test_input),
        cmocka_unit_test(test_cbuf), cmocka_unit_test(test_proto),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
