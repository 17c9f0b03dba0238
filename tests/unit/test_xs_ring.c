/* Unit tests of the xenstore ring transport (dom0-tools/xenstored/ring.c) on an in-memory
 * ring page: requests and replies across the wrap, messages larger than the ring, watch
 * events, impossible indexes, oversized messages, reconnection, and INTRODUCE's hooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/xenstored/xsd_ring.h"
#include "pv-abi/errno.h"
#include "xs_harness.h"
#include "pv-abi/xs_wire.h"

struct guest {
    struct pv_xenstore_domain_interface page;
    struct xsd_ring ring;
    unsigned int notified;
};

static void notify(void *ctx)
{
    ((struct guest *)ctx)->notified++;
}

/* The guest's side: put bytes into req[] (as much as fits), take bytes out of rsp[]. */
static size_t guest_put(struct guest *g, const void *data, size_t len)
{
    size_t n = 0;
    const char *p = data;

    while (n < len && g->page.req_prod - g->page.req_cons < PV_XENSTORE_RING_SIZE) {
        g->page.req[PV_MASK_XENSTORE_IDX(g->page.req_prod)] = p[n++];
        g->page.req_prod++;
    }
    return n;
}

static size_t guest_get(struct guest *g, void *data, size_t len)
{
    size_t n = 0;
    char *p = data;

    while (n < len && g->page.rsp_cons != g->page.rsp_prod) {
        p[n++] = g->page.rsp[PV_MASK_XENSTORE_IDX(g->page.rsp_cons)];
        g->page.rsp_cons++;
    }
    return n;
}

static void guest_send(struct guest *g, uint32_t type, const char *payload, size_t len)
{
    char msg[sizeof(struct pv_xsd_sockmsg) + PV_XENSTORE_PAYLOAD_MAX];
    struct pv_xsd_sockmsg req = {type, 42, 0, (uint32_t)len};
    size_t off = 0, total = sizeof(req) + len;
    int spins = 0;

    memcpy(msg, &req, sizeof(req));
    memcpy(msg + sizeof(req), payload, len);
    while (off < total) {
        off += guest_put(g, msg + off, total - off);
        assert_int_equal(xsd_ring_service(&g->ring), 0);
        assert_true(++spins < 1000);
    }
}

/* Reads one whole message, letting xenstored serve the ring as needed. */
static void guest_recv(struct guest *g, struct pv_xsd_sockmsg *h, char *body)
{
    size_t got = 0, want, n;
    int spins = 0;

    while (got < sizeof(*h) || got < sizeof(*h) + h->len) {
        want = got < sizeof(*h) ? sizeof(*h) - got : sizeof(*h) + h->len - got;
        n = got < sizeof(*h) ? guest_get(g, (char *)h + got, want)
                             : guest_get(g, body + got - sizeof(*h), want);
        got += n;
        if (!n)
            assert_int_equal(xsd_ring_service(&g->ring), 0);
        assert_true(++spins < 1000);
    }
    body[h->len] = 0;
}

/* A request and the next message. */
static void guest_req(struct guest *g, uint32_t type, const char *payload, size_t len,
                      struct pv_xsd_sockmsg *h, char *body)
{
    guest_send(g, type, payload, len);
    guest_recv(g, h, body);
}

struct fixture {
    struct xsd_daemon *d;
    struct guest *g;
};

static int setup(void **state)
{
    static struct fixture f;

    f.d = xs_h_daemon();
    f.g = calloc(1, sizeof(*f.g));
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    xsd_daemon_free(f->d);
    free(f->g);
    assert_int_equal(xs_h_live, 0);
    return 0;
}

static void start(struct fixture *f, uint32_t start_index)
{
    struct xsd_conn *c = xs_h_conn(f->d, 3, false);

    f->g->page.req_prod = f->g->page.req_cons = start_index;
    f->g->page.rsp_prod = f->g->page.rsp_cons = start_index;
    xsd_ring_init(&f->g->ring, &f->g->page, c, notify, f->g);
    assert_int_equal(f->g->page.server_features & 3, 3);
    assert_int_equal(f->g->page.error, PV_XENSTORE_ERROR_NONE);
}

static void test_requests_across_the_wrap(void **state)
{
    struct fixture *f = *state;
    struct pv_xsd_sockmsg h;
    char body[PV_XENSTORE_PAYLOAD_MAX + 1], req[PV_XENSTORE_PAYLOAD_MAX];
    int i;

    start(f, 0xfffffe00u); /* the indexes wrap during the test */
    guest_req(f->g, PV_XS_GET_DOMAIN_PATH, "3", 2, &h, body);
    assert_int_equal(h.type, PV_XS_GET_DOMAIN_PATH);
    assert_int_equal(h.req_id, 42);
    assert_string_equal(body, "/local/domain/3");
    assert_true(f->g->notified > 0);
    /* A 4 KiB write and read: four times the ring, in pieces. */
    memcpy(req, "/local/domain/3/big", 20);
    memset(req + 20, 'z', sizeof(req) - 20);
    guest_req(f->g, PV_XS_WRITE, req, sizeof(req), &h, body);
    assert_string_equal(body, "EACCES"); /* 3 owns nothing yet */
    xsd_conn_free(xs_h_conn(f->d, 0, true));
    {
        struct xsd_conn *dom0 = xs_h_conn(f->d, 0, true);
        xs_h_expect(dom0, PV_XS_MKDIR, 0, "/local/domain/3", -1, "OK");
        xs_h_expect(dom0, PV_XS_SET_PERMS, 0, "/local/domain/3\0b3", 19, "OK");
        for (i = 0; i < 3; i++)
            xs_h_expect(dom0, PV_XS_RM, 0, "/local/domain/3/big", -1, "OK");
        xsd_conn_free(dom0);
    }
    memcpy(req, "big", 4);
    guest_req(f->g, PV_XS_WRITE, req, 4 + 2000, &h, body);
    assert_string_equal(body, "OK");
    guest_req(f->g, PV_XS_READ, "big", 4, &h, body);
    assert_int_equal(h.len, 2000);
    assert_memory_equal(body, req + 4, 2000);
    assert_true(f->g->page.req_prod < 0x2000); /* it did wrap */
}

static void test_watch_events_through_the_ring(void **state)
{
    struct fixture *f = *state;
    struct pv_xsd_sockmsg h;
    char body[PV_XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_conn *dom0;

    start(f, 77);
    guest_req(f->g, PV_XS_WATCH, "@introduceDomain\0tok", 21, &h, body);
    assert_int_equal(h.type, PV_XS_WATCH);
    assert_string_equal(body, "OK");
    guest_recv(f->g, &h, body);
    assert_int_equal(h.type, PV_XS_WATCH_EVENT);
    assert_int_equal(h.req_id, 0);
    assert_string_equal(body, "@introduceDomain");
    /* An event raised by another connection reaches the guest through the ring (once it may
     * read the special node). */
    dom0 = xs_h_conn(f->d, 0, true);
    xs_h_expect(dom0, PV_XS_SET_PERMS, 0, "@introduceDomain\0n0\0r3", 23, "OK");
    xs_h_introduce(dom0, 4);
    xsd_conn_free(dom0);
    guest_recv(f->g, &h, body);
    assert_int_equal(h.type, PV_XS_WATCH_EVENT);
    assert_string_equal(body, "@introduceDomain");
    assert_string_equal(body + strlen(body) + 1, "tok");
}

static void test_impossible_indexes(void **state)
{
    struct fixture *f = *state;

    start(f, 0);
    f->g->page.req_prod = 5000; /* more than a ring's worth "produced" */
    assert_int_equal(xsd_ring_service(&f->g->ring), -PV_EIO);
    assert_int_equal(f->g->page.error, PV_XENSTORE_ERROR_RINGIDX);
    assert_int_equal(xsd_ring_service(&f->g->ring), -PV_EIO); /* stays broken */
    /* The guest consuming replies it was never sent. */
    start(f, 0);
    f->g->page.rsp_cons = 3000;
    guest_put(f->g, "\x02\0\0\0\0\0\0\0\0\0\0\0\x02\0\0\0/\0", 18);
    assert_int_equal(xsd_ring_service(&f->g->ring), -PV_EIO);
    assert_int_equal(f->g->page.error, PV_XENSTORE_ERROR_RINGIDX);
}

static void test_oversized_message(void **state)
{
    struct fixture *f = *state;
    struct pv_xsd_sockmsg h = {PV_XS_WRITE, 1, 0, PV_XENSTORE_PAYLOAD_MAX + 1};

    start(f, 0);
    guest_put(f->g, &h, sizeof(h));
    assert_int_equal(xsd_ring_service(&f->g->ring), -PV_E2BIG);
    assert_int_equal(f->g->page.error, PV_XENSTORE_ERROR_PROTO);
}

static void test_reconnect(void **state)
{
    struct fixture *f = *state;
    struct pv_xsd_sockmsg h;
    char body[PV_XENSTORE_PAYLOAD_MAX + 1];

    start(f, 1000);
    guest_req(f->g, PV_XS_WATCH, "/x\0t", 5, &h, body);
    guest_put(f->g, "\x02\0\0\0\x01\0\0\0", 8); /* half a header, then a reset */
    f->g->page.connection = PV_XENSTORE_RECONNECT;
    assert_int_equal(xsd_ring_service(&f->g->ring), 0);
    assert_int_equal(f->g->page.connection, PV_XENSTORE_CONNECTED);
    assert_int_equal(f->g->page.req_prod, 0);
    assert_int_equal(f->g->page.rsp_prod, 0);
    /* Clean: no stale half message, no stale watch event. */
    guest_req(f->g, PV_XS_GET_DOMAIN_PATH, "3", 2, &h, body);
    assert_int_equal(h.type, PV_XS_GET_DOMAIN_PATH);
    assert_string_equal(body, "/local/domain/3");
    assert_int_equal(f->g->page.rsp_prod, f->g->page.rsp_cons);
}

/* INTRODUCE calls the platform's hooks: here they give the domain an in-memory ring. */
static struct guest *hooked;

static int attach(struct xsd_daemon *d, struct xsd_dom *dom, uint64_t gfn, uint32_t port)
{
    struct xsd_conn *c = xsd_conn_new(d, xsd_dom_domid(dom), false, NULL, NULL);

    assert_int_equal(gfn, 1009);
    assert_int_equal(port, 7);
    if (!c)
        return -PV_ENOMEM;
    xsd_ring_init(&hooked->ring, &hooked->page, c, notify, hooked);
    xsd_dom_set_transport(dom, hooked);
    return 0;
}

static void detach(struct xsd_daemon *d, struct xsd_dom *dom)
{
    struct guest *g = xsd_dom_transport(dom);

    (void)d;
    xsd_conn_free(g->ring.conn);
    g->ring.conn = NULL;
}

static uint32_t rebound_port;

static int rebind(struct xsd_daemon *d, struct xsd_dom *dom, uint32_t port)
{
    (void)d;
    assert_ptr_equal(xsd_dom_transport(dom), hooked);
    rebound_port = port;
    return port == 13 ? -PV_EIO : 0; /* a port the platform cannot bind */
}

static void test_introduce_hooks(void **state)
{
    struct fixture *f = *state;
    static const struct xsd_dom_hooks hooks = {attach, detach, rebind, NULL};
    struct xsd_conn *dom0 = xs_h_conn(f->d, 0, true);
    struct pv_xsd_sockmsg h;
    char body[PV_XENSTORE_PAYLOAD_MAX + 1];

    hooked = f->g;
    xsd_daemon_set_hooks(f->d, &hooks);
    xs_h_introduce(dom0, 9);
    assert_non_null(f->g->ring.conn);
    assert_int_equal(xsd_conn_domid(f->g->ring.conn), 9);
    guest_req(f->g, PV_XS_GET_DOMAIN_PATH, "9", 2, &h, body);
    assert_string_equal(body, "/local/domain/9");
    guest_req(f->g, PV_XS_INTRODUCE,
              "5\0"
              "1\0"
              "1",
              6, &h, body);
    assert_string_equal(body, "EACCES");
    assert_int_equal(rebound_port, 0);
    /* Introduced again: the platform rebinds the new port; if it cannot, INTRODUCE fails. */
    xs_h_expect(dom0, PV_XS_INTRODUCE, 0, "9\0" "1009\0" "8", 9, "OK");
    assert_int_equal(rebound_port, 8);
    xs_h_expect_err(dom0, PV_XS_INTRODUCE, 0, "9\0" "1009\0" "13", 10, "EIO");
    assert_int_equal(rebound_port, 13);
    xs_h_expect(dom0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "9", -1, "T");
    xs_h_expect(dom0, PV_XS_RELEASE, 0, "9", -1, "OK");
    assert_null(f->g->ring.conn);
    xsd_conn_free(dom0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_requests_across_the_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_events_through_the_ring, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impossible_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconnect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_introduce_hooks, setup, teardown),
    };

    return cmocka_run_group_tests_name("xenstore ring transport", tests, NULL, NULL);
}
