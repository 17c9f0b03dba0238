/* Unit tests of guest-kit's netfront rings (guest-kit/lib/netfront_ring.c) against a fake
 * backend: the test plays netback on the shared pages (takes the frontend's requests, copies
 * frames through its grants, writes responses, well-formed and hostile) and checks what the
 * frontend hands on, drops, counts and gives back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "gk/netfront.h"
#include "pv-abi/errno.h"
#include "pv-abi/io_netif.h"

/* ---- the fake grant table and backend ---- */

#define NR_REFS 512
struct grant {
    void *page;
    bool readonly, active, held; /* held: the backend keeps it (ending fails) */
};
struct fake {
    struct grant g[NR_REFS];
    unsigned int fail_grants; /* grants to refuse from now */
    uint32_t rx_req_cons, rx_rsp_prod, tx_req_cons, tx_rsp_prod;
};

static long f_grant(void *ctx, void *page, bool readonly)
{
    struct fake *f = ctx;

    if (f->fail_grants) {
        f->fail_grants--;
        return -PV_ENOSPC;
    }
    for (uint32_t ref = 8; ref < NR_REFS; ref++) /* refs 0-7 are reserved, as on Xen */
        if (!f->g[ref].active) {
            f->g[ref] = (struct grant){.page = page, .readonly = readonly, .active = true};
            return ref;
        }
    return -PV_ENOSPC;
}

static bool f_end(void *ctx, uint32_t ref)
{
    struct fake *f = ctx;

    assert_true(ref < NR_REFS && f->g[ref].active);
    if (f->g[ref].held)
        return false;
    f->g[ref].active = false;
    return true;
}

static const struct gk_netfront_ops ops = {.grant = f_grant, .end = f_end};

static unsigned int active_grants(const struct fake *f)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < NR_REFS; i++)
        n += f->g[i].active;
    return n;
}

/* Read-only grants: the transmit pages'. */
static unsigned int tx_grants(const struct fake *f)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < NR_REFS; i++)
        n += f->g[i].active && f->g[i].readonly;
    return n;
}

struct rig {
    struct fake f;
    struct gk_netfront_stats st;
    struct gk_netfront_ring r;
    void *tx_ring, *rx_ring;
    void *txp[GK_NETFRONT_TX_BUFS], *rxp[GK_NETFRONT_RX_BUFS];
    /* what the frontend handed on */
    unsigned int got;
    uint8_t last[GK_NETFRONT_MAX_FRAME];
    size_t last_len;
};

static void *page(void)
{
    void *p = aligned_alloc(4096, 4096);

    assert_non_null(p);
    memset(p, 0, 4096);
    return p;
}

static struct rig *rig_new(void)
{
    struct rig *t = calloc(1, sizeof(*t));

    assert_non_null(t);
    t->tx_ring = page();
    t->rx_ring = page();
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        t->txp[i] = page();
    for (unsigned int i = 0; i < GK_NETFRONT_RX_BUFS; i++)
        t->rxp[i] = page();
    gk_netfront_ring_init(&t->r, t->tx_ring, t->rx_ring, t->txp, t->rxp, &ops, &t->f, &t->st);
    return t;
}

static void rig_free(struct rig *t)
{
    free(t->tx_ring);
    free(t->rx_ring);
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        free(t->txp[i]);
    for (unsigned int i = 0; i < GK_NETFRONT_RX_BUFS; i++)
        free(t->rxp[i]);
    free(t);
}

static void on_frame(void *arg, const void *frame, size_t len)
{
    struct rig *t = arg;

    assert_true(len <= sizeof(t->last));
    memcpy(t->last, frame, len);
    t->last_len = len;
    t->got++;
}

static struct pv_ring_sring_hdr *hdr(void *ring)
{
    return ring;
}

static union pv_netif_rx_sring_entry *rx_slot(struct rig *t, uint32_t i)
{
    return (union pv_netif_rx_sring_entry *)((char *)t->rx_ring + 64) +
           (i & (PV_NETIF_RX_RING_SLOTS - 1));
}

static union pv_netif_tx_sring_entry *tx_slot(struct rig *t, uint32_t i)
{
    return (union pv_netif_tx_sring_entry *)((char *)t->tx_ring + 64) +
           (i & (PV_NETIF_TX_RING_SLOTS - 1));
}

/* The backend takes the next receive request and answers it: len bytes of data at offset
 * (copied through the grant when they fit), with flags; id as given (-1: the request's), status
 * as given (LEN: len). */
#define LEN 0x10000
static void be_rx(struct rig *t, const void *data, int len, uint16_t offset, uint16_t flags,
                  int id, int status)
{
    struct pv_netif_rx_request req = rx_slot(t, t->f.rx_req_cons)->req;
    struct grant *g;

    assert_true(t->f.rx_req_cons != hdr(t->rx_ring)->req_prod);
    assert_true(req.gref < NR_REFS);
    g = &t->f.g[req.gref];
    assert_true(g->active);
    assert_false(g->readonly);
    if (data && len > 0 && offset + len <= 4096)
        memcpy((char *)g->page + offset, data, (size_t)len);
    t->f.rx_req_cons++;
    rx_slot(t, t->f.rx_rsp_prod)->rsp = (struct pv_netif_rx_response){
        .id = id < 0 ? req.id : (uint16_t)id, .offset = offset, .flags = flags,
        .status = (int16_t)(status == LEN ? len : status)};
    t->f.rx_rsp_prod++;
}

/* An extra information slot in place of a response (it uses up a request as netback does). */
static void be_rx_extra(struct rig *t, uint8_t xflags)
{
    struct pv_netif_extra_info x = {.type = PV_NETIF_EXTRA_TYPE_GSO, .flags = xflags};

    t->f.rx_req_cons++;
    memcpy(rx_slot(t, t->f.rx_rsp_prod), &x, sizeof(x));
    t->f.rx_rsp_prod++;
}

static void be_rx_push(struct rig *t)
{
    hdr(t->rx_ring)->rsp_prod = t->f.rx_rsp_prod;
}

static long poll(struct rig *t)
{
    bool notify;

    return gk_netfront_ring_poll(&t->r, on_frame, t, &notify);
}

static void frame(uint8_t *buf, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(seed + i * 7);
}

/* ---- tests ---- */

static void test_nf_mac(void **state)
{
    uint8_t mac[6] = {0};
    static const uint8_t want[6] = {0x00, 0x16, 0x3e, 0xab, 0xCD, 0x0f};

    (void)state;
    assert_int_equal(gk_netfront_parse_mac("00:16:3e:ab:CD:0f", mac), 0);
    assert_memory_equal(mac, want, 6);
    memset(mac, 0x55, 6);
    /* Refused, and nothing written. */
    assert_int_equal(gk_netfront_parse_mac("00:16:3e:ab:cd", mac), -PV_EINVAL);
    assert_int_equal(gk_netfront_parse_mac("00:16:3e:ab:cd:0f:", mac), -PV_EINVAL);
    assert_int_equal(gk_netfront_parse_mac("00:16:3e:ab:cd:0", mac), -PV_EINVAL);
    assert_int_equal(gk_netfront_parse_mac("00-16-3e-ab-cd-0f", mac), -PV_EINVAL);
    assert_int_equal(gk_netfront_parse_mac("00:16:3e:ab:cd:0g", mac), -PV_EINVAL);
    assert_int_equal(gk_netfront_parse_mac("", mac), -PV_EINVAL);
    assert_int_equal(gk_netfront_parse_mac("01:00:5e:00:00:01", mac), -PV_EINVAL); /* group */
    assert_int_equal(gk_netfront_parse_mac("ff:ff:ff:ff:ff:ff", mac), -PV_EINVAL);
    for (int i = 0; i < 6; i++)
        assert_int_equal(mac[i], 0x55);
}

static void test_nf_notify(void **state)
{
    (void)state;
    assert_true(gk_netfront_need_notify(0, 1, 1));
    assert_true(gk_netfront_need_notify(0, 64, 1));
    assert_false(gk_netfront_need_notify(10, 12, 20)); /* the backend wants to hear at 20 */
    assert_true(gk_netfront_need_notify(10, 20, 20));
    assert_true(gk_netfront_need_notify(0xfffffffeu, 2, 0)); /* across the wrap */
    assert_false(gk_netfront_need_notify(5, 5, 5));
}

/* Buffers posted, frames copied out, buffers posted again with fresh grants. */
static void test_nf_rx(void **state)
{
    struct rig *t = rig_new();
    uint8_t f1[60], f2[1514];

    (void)state;
    assert_int_equal(gk_netfront_ring_refill(&t->r), 1);
    assert_int_equal(hdr(t->rx_ring)->req_prod, GK_NETFRONT_RX_BUFS);
    assert_int_equal(active_grants(&t->f), GK_NETFRONT_RX_BUFS);
    assert_int_equal(gk_netfront_ring_refill(&t->r), 0); /* nothing more to post */
    frame(f1, sizeof(f1), 1);
    frame(f2, sizeof(f2), 2);
    be_rx(t, f1, sizeof(f1), 0, 0, -1, LEN);
    be_rx(t, f2, sizeof(f2), 2048 - 14, PV_NETRXF_data_validated, -1, LEN);
    be_rx_push(t);
    assert_int_equal(poll(t), 2);
    assert_int_equal(t->got, 2);
    assert_int_equal(t->last_len, sizeof(f2));
    assert_memory_equal(t->last, f2, sizeof(f2));
    assert_int_equal(t->st.rx_frames, 2);
    assert_int_equal(t->st.rx_bytes, sizeof(f1) + sizeof(f2));
    assert_int_equal(t->st.bogus, 0);
    /* Both buffers went back on the ring; as many grants as before. */
    assert_int_equal(hdr(t->rx_ring)->req_prod, GK_NETFRONT_RX_BUFS + 2);
    assert_int_equal(active_grants(&t->f), GK_NETFRONT_RX_BUFS);
    /* The frontend asked to hear about the next response. */
    assert_int_equal(hdr(t->rx_ring)->rsp_event, 3);
    rig_free(t);
}

/* Every malformed response is dropped and counted; the buffer is posted again; good frames
 * around them still arrive. */
static void test_nf_rx_hostile(void **state)
{
    struct rig *t = rig_new();
    uint8_t f[100];
    uint32_t posted;

    (void)state;
    frame(f, sizeof(f), 9);
    gk_netfront_ring_refill(&t->r);
    be_rx(t, f, sizeof(f), 0, 0, 63, LEN);       /* not the id posted there */
    be_rx(t, f, sizeof(f), 0, 0, 9999, LEN);     /* no such buffer */
    be_rx(t, f, sizeof(f), 0, 0, -1, PV_NETIF_RSP_ERROR);
    be_rx(t, f, sizeof(f), 0, 0, -1, 0);        /* empty */
    be_rx(t, f, 13, 0, 0, -1, LEN);              /* shorter than an Ethernet header */
    be_rx(t, f, sizeof(f), 0, 0, -1, GK_NETFRONT_MAX_FRAME + 1);
    be_rx(t, f, sizeof(f), 4000, 0, -1, LEN);    /* offset + length beyond the page */
    be_rx(t, f, sizeof(f), 0xffff, 0, -1, LEN);
    be_rx(t, f, sizeof(f), 0, PV_NETRXF_gso_prefix, -1, LEN);
    be_rx(t, f, sizeof(f), 0, 0, -1, LEN);       /* good */
    be_rx_push(t);
    assert_int_equal(poll(t), 1);
    assert_int_equal(t->got, 1);
    assert_memory_equal(t->last, f, sizeof(f));
    assert_int_equal(t->st.rx_errors, 1);
    assert_int_equal(t->st.bogus, 8);
    posted = hdr(t->rx_ring)->req_prod - t->f.rx_req_cons;
    assert_int_equal(posted, GK_NETFRONT_RX_BUFS);
    assert_int_equal(active_grants(&t->f), GK_NETFRONT_RX_BUFS);
    rig_free(t);
}

/* A frame over several slots (no scatter-gather was offered) or with extra information slots
 * is dropped whole; the extra slots are not read as responses; the next frame arrives. */
static void test_nf_rx_chains(void **state)
{
    struct rig *t = rig_new();
    uint8_t f[200];

    (void)state;
    frame(f, sizeof(f), 3);
    gk_netfront_ring_refill(&t->r);
    be_rx(t, f, sizeof(f), 0, PV_NETRXF_more_data, -1, LEN);
    be_rx(t, f, sizeof(f), 0, PV_NETRXF_more_data, -1, LEN);
    be_rx(t, f, sizeof(f), 0, 0, -1, LEN); /* the chain's last slot: dropped too */
    be_rx(t, f, sizeof(f), 0, PV_NETRXF_extra_info | PV_NETRXF_more_data, -1, LEN);
    be_rx_extra(t, PV_NETIF_EXTRA_FLAG_MORE);
    be_rx_extra(t, 0);
    be_rx(t, f, sizeof(f), 0, 0, -1, LEN); /* the continuation: dropped */
    be_rx(t, f, 64, 0, 0, -1, LEN);        /* good */
    be_rx_push(t);
    assert_int_equal(poll(t), 1);
    assert_int_equal(t->last_len, 64);
    assert_int_equal(t->st.bogus, 2);
    assert_int_equal(active_grants(&t->f), GK_NETFRONT_RX_BUFS);
    /* A chain cut by the end of what was produced goes on in the next poll. */
    be_rx(t, f, sizeof(f), 0, PV_NETRXF_more_data, -1, LEN);
    be_rx_push(t);
    assert_int_equal(poll(t), 0);
    be_rx(t, f, sizeof(f), 0, 0, -1, LEN);
    be_rx(t, f, 70, 0, 0, -1, LEN);
    be_rx_push(t);
    assert_int_equal(poll(t), 1);
    assert_int_equal(t->last_len, 70);
    rig_free(t);
}

/* An impossible producer index breaks the connection; nothing is handed on. */
static void test_nf_rx_bad_prod(void **state)
{
    struct rig *t = rig_new();

    (void)state;
    gk_netfront_ring_refill(&t->r);
    hdr(t->rx_ring)->rsp_prod = GK_NETFRONT_RX_BUFS + 1; /* more than was posted */
    assert_int_equal(poll(t), -PV_EIO);
    hdr(t->rx_ring)->rsp_prod = 0xffffff00u;
    assert_int_equal(poll(t), -PV_EIO);
    assert_int_equal(t->got, 0);
    rig_free(t);
}

/* A grant the backend keeps: what came in it is dropped and the page never posted again. */
static void test_nf_rx_held(void **state)
{
    struct rig *t = rig_new();
    struct pv_netif_rx_request req;
    uint8_t f[80];

    (void)state;
    frame(f, sizeof(f), 5);
    gk_netfront_ring_refill(&t->r);
    req = rx_slot(t, 0)->req;
    t->f.g[req.gref].held = true;
    be_rx(t, f, sizeof(f), 0, 0, -1, LEN);
    be_rx(t, f, sizeof(f), 0, 0, -1, LEN);
    be_rx_push(t);
    assert_int_equal(poll(t), 1);
    assert_int_equal(t->st.leaked_grants, 1);
    assert_null(t->r.rxb[req.id].page);
    /* 63 buffers posted now: the held one is gone for good. */
    assert_int_equal(hdr(t->rx_ring)->req_prod - t->f.rx_req_cons, GK_NETFRONT_RX_BUFS - 1);
    rig_free(t);
}

/* Grants that fail while refilling: what was posted stays, the rest comes later. */
static void test_nf_rx_grant_fail(void **state)
{
    struct rig *t = rig_new();

    (void)state;
    t->f.fail_grants = 1;
    assert_int_equal(gk_netfront_ring_refill(&t->r), -PV_ENOSPC);
    assert_int_equal(hdr(t->rx_ring)->req_prod, 0);
    assert_int_equal(gk_netfront_ring_refill(&t->r), 1);
    assert_int_equal(hdr(t->rx_ring)->req_prod, GK_NETFRONT_RX_BUFS);
    rig_free(t);
}

/* The backend takes the next transmit request: checks the grant, copies the frame out. */
static struct pv_netif_tx_request be_tx(struct rig *t, uint8_t *out)
{
    struct pv_netif_tx_request req = tx_slot(t, t->f.tx_req_cons)->req;
    struct grant *g;

    assert_true(t->f.tx_req_cons != hdr(t->tx_ring)->req_prod);
    assert_true(req.gref < NR_REFS);
    g = &t->f.g[req.gref];
    assert_true(g->active);
    assert_true(g->readonly);
    assert_int_equal(req.flags, 0);
    assert_true(req.offset + req.size <= 4096);
    memcpy(out, (char *)g->page + req.offset, req.size);
    t->f.tx_req_cons++;
    return req;
}

static void be_tx_rsp(struct rig *t, uint16_t id, int16_t status)
{
    tx_slot(t, t->f.tx_rsp_prod)->rsp = (struct pv_netif_tx_response){.id = id, .status = status};
    t->f.tx_rsp_prod++;
    hdr(t->tx_ring)->rsp_prod = t->f.tx_rsp_prod;
}

static void test_nf_tx(void **state)
{
    struct rig *t = rig_new();
    uint8_t f[1514], got[1514];
    struct pv_netif_tx_request req;
    uint16_t ids[GK_NETFRONT_TX_BUFS];

    (void)state;
    frame(f, sizeof(f), 7);
    assert_int_equal(gk_netfront_ring_send(&t->r, f, 13), -PV_EINVAL);
    assert_int_equal(gk_netfront_ring_send(&t->r, f, GK_NETFRONT_MAX_FRAME + 1), -PV_EINVAL);
    assert_int_equal(gk_netfront_ring_send(&t->r, f, 0), -PV_EINVAL);
    assert_int_equal(gk_netfront_ring_send(&t->r, f, sizeof(f)), 1);
    memset(f, 0, sizeof(f)); /* the caller's buffer is free at once */
    req = be_tx(t, got);
    assert_int_equal(req.size, sizeof(f));
    frame(f, sizeof(f), 7);
    assert_memory_equal(got, f, sizeof(f));
    assert_int_equal(gk_netfront_ring_tx_inflight(&t->r), 1);
    be_tx_rsp(t, req.id, PV_NETIF_RSP_OKAY);
    assert_int_equal(poll(t), 0);
    assert_int_equal(gk_netfront_ring_tx_inflight(&t->r), 0);
    assert_int_equal(tx_grants(&t->f), 0);
    assert_int_equal(t->st.tx_frames, 1);
    assert_int_equal(t->st.tx_bytes, sizeof(f));

    /* Every page in flight: refused, counted; answered: sendable again. */
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        assert_true(gk_netfront_ring_send(&t->r, f, 60) >= 0);
    assert_int_equal(gk_netfront_ring_send(&t->r, f, 60), -PV_EAGAIN);
    assert_int_equal(t->st.tx_busy, 1);
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        ids[i] = be_tx(t, got).id;
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        be_tx_rsp(t, ids[i], i == 3 ? PV_NETIF_RSP_ERROR : PV_NETIF_RSP_OKAY);
    assert_int_equal(poll(t), 0);
    assert_int_equal(t->st.tx_errors, 1);
    assert_int_equal(gk_netfront_ring_tx_inflight(&t->r), 0);
    assert_int_equal(gk_netfront_ring_send(&t->r, f, 60), 0); /* no notify: req_event is old */
    rig_free(t);
}

/* Transmit responses for ids not in flight are dropped and counted; an impossible index breaks
 * the connection; a grant the backend keeps leaks its page. */
static void test_nf_tx_hostile(void **state)
{
    struct rig *t = rig_new();
    uint8_t f[60], got[60];
    struct pv_netif_tx_request a, b;

    (void)state;
    frame(f, sizeof(f), 1);
    gk_netfront_ring_send(&t->r, f, sizeof(f));
    gk_netfront_ring_send(&t->r, f, sizeof(f));
    a = be_tx(t, got);
    b = be_tx(t, got);
    be_tx_rsp(t, GK_NETFRONT_TX_BUFS, PV_NETIF_RSP_OKAY); /* no such buffer */
    be_tx_rsp(t, a.id, PV_NETIF_RSP_OKAY);
    assert_int_equal(poll(t), 0);
    assert_int_equal(t->st.bogus, 1);
    assert_int_equal(gk_netfront_ring_tx_inflight(&t->r), 1);
    /* a again: three responses for two requests is an impossible index. */
    be_tx_rsp(t, a.id, PV_NETIF_RSP_OKAY);
    assert_int_equal(poll(t), -PV_EIO);
    rig_free(t);

    /* An answered id answered again (within what was posted) is dropped. */
    t = rig_new();
    gk_netfront_ring_send(&t->r, f, sizeof(f));
    gk_netfront_ring_send(&t->r, f, sizeof(f));
    a = be_tx(t, got);
    b = be_tx(t, got);
    be_tx_rsp(t, a.id, PV_NETIF_RSP_OKAY);
    be_tx_rsp(t, a.id, PV_NETIF_RSP_OKAY);
    assert_int_equal(poll(t), 0);
    assert_int_equal(t->st.bogus, 1);
    assert_int_equal(gk_netfront_ring_tx_inflight(&t->r), 1);
    assert_true(t->r.txb[b.id].busy);
    rig_free(t);

    t = rig_new();
    gk_netfront_ring_send(&t->r, f, sizeof(f));
    b = be_tx(t, got);
    t->f.g[b.gref].held = true;
    be_tx_rsp(t, b.id, PV_NETIF_RSP_OKAY);
    assert_int_equal(poll(t), 0);
    assert_int_equal(t->st.leaked_grants, 1);
    assert_null(t->r.txb[b.id].page);
    /* The other 31 pages still send. */
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS - 1; i++)
        assert_true(gk_netfront_ring_send(&t->r, f, sizeof(f)) >= 0);
    assert_int_equal(gk_netfront_ring_send(&t->r, f, sizeof(f)), -PV_EAGAIN);
    rig_free(t);
}

/* Reset (disconnection): every grant ended, the held ones leak their pages. */
static void test_nf_reset(void **state)
{
    struct rig *t = rig_new();
    uint8_t f[60];
    struct pv_netif_rx_request req;

    (void)state;
    frame(f, sizeof(f), 1);
    gk_netfront_ring_refill(&t->r);
    gk_netfront_ring_send(&t->r, f, sizeof(f));
    req = rx_slot(t, 5)->req;
    t->f.g[req.gref].held = true;
    assert_int_equal(tx_grants(&t->f), 1);
    gk_netfront_ring_reset(&t->r);
    assert_int_equal(active_grants(&t->f), 1); /* the held one */
    assert_int_equal(t->st.leaked_grants, 1);
    assert_null(t->r.rxb[req.id].page);
    assert_int_equal(gk_netfront_ring_tx_inflight(&t->r), 0);
    rig_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nf_mac),         cmocka_unit_test(test_nf_notify),
        cmocka_unit_test(test_nf_rx),          cmocka_unit_test(test_nf_rx_hostile),
        cmocka_unit_test(test_nf_rx_chains),   cmocka_unit_test(test_nf_rx_bad_prod),
        cmocka_unit_test(test_nf_rx_held),     cmocka_unit_test(test_nf_rx_grant_fail),
        cmocka_unit_test(test_nf_tx),          cmocka_unit_test(test_nf_tx_hostile),
        cmocka_unit_test(test_nf_reset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
