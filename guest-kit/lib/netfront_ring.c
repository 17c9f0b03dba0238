/*
 * guest-kit: netfront's rings (gk/netfront.h): posting receive buffers and frames, taking and
 * checking the backend's responses. No hypercalls: grants go through the ops, so the unit tests
 * (tests/unit/test_gk_netfront.c) compile this file on the build machine and play the backend.
 */
#include "gk/netfront.h"
#include "lib/string.h"
#include "pv-abi/errno.h"

#define PAGE 4096U
#define TX_SLOTS PV_NETIF_TX_RING_SLOTS
#define RX_SLOTS PV_NETIF_RX_RING_SLOTS
#define NO_BUF 0xffff

bool gk_netfront_need_notify(uint32_t old, uint32_t new_prod, uint32_t event)
{
    return (uint32_t)(new_prod - event) < (uint32_t)(new_prod - old);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

long gk_netfront_parse_mac(const char *s, uint8_t mac[6])
{
    uint8_t m[6];

    for (unsigned int i = 0; i < 6; i++) {
        int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

        if (lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
            return -PV_EINVAL;
        m[i] = (uint8_t)(hi << 4 | lo);
        s += 3;
    }
    if (m[0] & 1) /* a group address is no interface's */
        return -PV_EINVAL;
    memcpy(mac, m, 6);
    return 0;
}

void gk_netfront_ring_init(struct gk_netfront_ring *r, void *tx_page, void *rx_page,
                           void *const tx_pages[GK_NETFRONT_TX_BUFS],
                           void *const rx_pages[GK_NETFRONT_RX_BUFS],
                           const struct gk_netfront_ops *ops, void *ctx,
                           struct gk_netfront_stats *stats)
{
    memset(r, 0, sizeof(*r));
    r->ops = ops;
    r->ctx = ctx;
    r->stats = stats;
    r->tx_sring = tx_page;
    r->rx_sring = rx_page;
    r->tx = (union pv_netif_tx_sring_entry *)((char *)tx_page + sizeof(struct pv_ring_sring_hdr));
    r->rx = (union pv_netif_rx_sring_entry *)((char *)rx_page + sizeof(struct pv_ring_sring_hdr));
    r->tx_sring->req_event = r->rx_sring->req_event = 1;
    r->tx_sring->rsp_event = r->rx_sring->rsp_event = 1;
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        r->txb[i] = (struct gk_netfront_buf){.page = tx_pages[i], .ref = -1};
    for (unsigned int i = 0; i < GK_NETFRONT_RX_BUFS; i++)
        r->rxb[i] = (struct gk_netfront_buf){.page = rx_pages[i], .ref = -1};
    for (unsigned int i = 0; i < RX_SLOTS; i++)
        r->rx_posted[i] = NO_BUF;
}

/* End a buffer's grant; a grant the backend keeps leaks the page. false if so. */
static bool buf_release(struct gk_netfront_ring *r, struct gk_netfront_buf *b)
{
    bool ok = true;

    if (b->ref >= 0 && !r->ops->end(r->ctx, (uint32_t)b->ref)) {
        r->stats->leaked_grants++;
        b->page = NULL;
        ok = false;
    }
    b->ref = -1;
    b->busy = false;
    return ok;
}

long gk_netfront_ring_refill(struct gk_netfront_ring *r)
{
    uint32_t old = r->rx_prod_pvt;

    for (unsigned int i = 0; i < GK_NETFRONT_RX_BUFS; i++) {
        struct gk_netfront_buf *b = &r->rxb[i];
        long ref;

        if (!b->page || b->busy)
            continue;
        if (r->rx_prod_pvt - r->rx_cons >= RX_SLOTS)
            break;
        ref = r->ops->grant(r->ctx, b->page, false);
        if (ref < 0) {
            if (r->rx_prod_pvt == old)
                return ref;
            break; /* what was posted stays posted */
        }
        b->ref = (int32_t)ref;
        b->busy = true;
        r->rx_posted[r->rx_prod_pvt & (RX_SLOTS - 1)] = (uint16_t)i;
        r->rx[r->rx_prod_pvt & (RX_SLOTS - 1)].req =
            (struct pv_netif_rx_request){.id = (uint16_t)i, .gref = (uint32_t)ref};
        r->rx_prod_pvt++;
    }
    if (r->rx_prod_pvt == old)
        return 0;
    __atomic_store_n(&r->rx_sring->req_prod, r->rx_prod_pvt, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return gk_netfront_need_notify(old, r->rx_prod_pvt,
                                   __atomic_load_n(&r->rx_sring->req_event, __ATOMIC_ACQUIRE));
}

long gk_netfront_ring_send(struct gk_netfront_ring *r, const void *frame, size_t len)
{
    struct gk_netfront_buf *b = NULL;
    unsigned int i;
    uint32_t old = r->tx_prod_pvt;
    long ref;

    if (len < GK_NETFRONT_MIN_FRAME || len > GK_NETFRONT_MAX_FRAME)
        return -PV_EINVAL;
    for (i = 0; i < GK_NETFRONT_TX_BUFS && !b; i++)
        if (r->txb[i].page && !r->txb[i].busy)
            b = &r->txb[i];
    if (!b || r->tx_prod_pvt - r->tx_cons >= TX_SLOTS) {
        r->stats->tx_busy++;
        return -PV_EAGAIN;
    }
    memcpy(b->page, frame, len);
    ref = r->ops->grant(r->ctx, b->page, true);
    if (ref < 0)
        return ref;
    b->ref = (int32_t)ref;
    b->busy = true;
    r->tx[r->tx_prod_pvt & (TX_SLOTS - 1)].req = (struct pv_netif_tx_request){
        .gref = (uint32_t)ref, .offset = 0, .flags = 0, .id = (uint16_t)(b - r->txb),
        .size = (uint16_t)len};
    r->tx_prod_pvt++;
    r->stats->tx_frames++;
    r->stats->tx_bytes += len;
    __atomic_store_n(&r->tx_sring->req_prod, r->tx_prod_pvt, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return gk_netfront_need_notify(old, r->tx_prod_pvt,
                                   __atomic_load_n(&r->tx_sring->req_event, __ATOMIC_ACQUIRE));
}

/* Responses waiting: prod - cons, or -1 if more than the ring holds or than was posted. */
static long pending(uint32_t prod, uint32_t cons, uint32_t posted_end)
{
    uint32_t n = prod - cons;

    return n > posted_end - cons ? -1 : (long)n;
}

/* Ask for an event at the next response; true if one came in the meantime. */
static bool rearm(struct pv_ring_sring_hdr *s, uint32_t cons)
{
    __atomic_store_n(&s->rsp_event, cons + 1, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return __atomic_load_n(&s->rsp_prod, __ATOMIC_ACQUIRE) != cons;
}

static long take_tx(struct gk_netfront_ring *r)
{
    do {
        uint32_t prod = __atomic_load_n(&r->tx_sring->rsp_prod, __ATOMIC_ACQUIRE);

        if (pending(prod, r->tx_cons, r->tx_prod_pvt) < 0)
            return -PV_EIO;
        for (; r->tx_cons != prod; r->tx_cons++) {
            struct pv_netif_tx_response rsp;

            /* One copy: the backend may rewrite the slot while we look. */
            memcpy(&rsp, &r->tx[r->tx_cons & (TX_SLOTS - 1)].rsp, sizeof(rsp));
            if (rsp.id >= GK_NETFRONT_TX_BUFS || !r->txb[rsp.id].busy) {
                r->stats->bogus++;
                continue;
            }
            if (rsp.status != PV_NETIF_RSP_OKAY)
                r->stats->tx_errors++;
            buf_release(r, &r->txb[rsp.id]);
        }
    } while (rearm(r->tx_sring, r->tx_cons));
    return 0;
}

/* Is rsp (taken at a slot whose buffer was posted as id) a whole, sane frame? */
static bool rx_ok(struct gk_netfront_ring *r, const struct pv_netif_rx_response *rsp,
                  uint16_t posted)
{
    if (rsp->id != posted || posted >= GK_NETFRONT_RX_BUFS) {
        r->stats->bogus++;
        return false;
    }
    if (rsp->status < 0) {
        r->stats->rx_errors++;
        return false;
    }
    if (rsp->status < GK_NETFRONT_MIN_FRAME || rsp->status > GK_NETFRONT_MAX_FRAME ||
        (uint32_t)rsp->offset + (uint32_t)rsp->status > PAGE ||
        (rsp->flags & (PV_NETRXF_more_data | PV_NETRXF_extra_info | PV_NETRXF_gso_prefix))) {
        r->stats->bogus++;
        return false;
    }
    return true;
}

/* Take one receive slot: end its buffer's grant, hand the frame over if it is good. A frame
 * flagged more_data or extra_info is dropped with every slot that belongs to it: the extra
 * information slots after it (while their FLAG_MORE is set) and its further responses. */
static long take_rx_slot(struct gk_netfront_ring *r, gk_netfront_rx_fn fn, void *arg)
{
    union pv_netif_rx_sring_entry e;
    uint32_t slot = r->rx_cons & (RX_SLOTS - 1);
    uint16_t posted = r->rx_posted[slot];
    struct gk_netfront_buf *b = posted < GK_NETFRONT_RX_BUFS ? &r->rxb[posted] : NULL;
    bool good = false, released;

    /* One copy: the backend may rewrite the slot while we look. */
    memcpy(&e, &r->rx[slot], sizeof(e));
    r->rx_posted[slot] = NO_BUF;
    if (r->rx_extra) {
        struct pv_netif_extra_info x;

        memcpy(&x, &e, sizeof(x));
        r->rx_extra = (x.flags & PV_NETIF_EXTRA_FLAG_MORE) != 0;
    } else {
        bool first = !r->rx_more;

        r->rx_more = (e.rsp.flags & PV_NETRXF_more_data) != 0;
        r->rx_extra = (e.rsp.flags & PV_NETRXF_extra_info) != 0;
        if (first)
            good = rx_ok(r, &e.rsp, posted);
    }
    released = b ? buf_release(r, b) : false;
    if (!good || !released)
        return 0;
    fn(arg, (const char *)b->page + e.rsp.offset, (size_t)e.rsp.status);
    r->stats->rx_frames++;
    r->stats->rx_bytes += (unsigned long)e.rsp.status;
    return 1;
}

static long take_rx(struct gk_netfront_ring *r, gk_netfront_rx_fn fn, void *arg)
{
    long got = 0;

    do {
        uint32_t prod = __atomic_load_n(&r->rx_sring->rsp_prod, __ATOMIC_ACQUIRE);

        if (pending(prod, r->rx_cons, r->rx_prod_pvt) < 0)
            return -PV_EIO;
        for (; r->rx_cons != prod; r->rx_cons++)
            got += take_rx_slot(r, fn, arg);
    } while (rearm(r->rx_sring, r->rx_cons));
    return got;
}

long gk_netfront_ring_poll(struct gk_netfront_ring *r, gk_netfront_rx_fn fn, void *arg,
                           bool *notify)
{
    long got, rc = take_tx(r);

    *notify = false;
    if (rc)
        return rc;
    got = take_rx(r, fn, arg);
    if (got < 0)
        return got;
    rc = gk_netfront_ring_refill(r);
    *notify = rc > 0;
    return got;
}

void gk_netfront_ring_reset(struct gk_netfront_ring *r)
{
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        buf_release(r, &r->txb[i]);
    for (unsigned int i = 0; i < GK_NETFRONT_RX_BUFS; i++)
        buf_release(r, &r->rxb[i]);
    for (unsigned int i = 0; i < RX_SLOTS; i++)
        r->rx_posted[i] = NO_BUF;
    r->rx_more = r->rx_extra = false;
}

unsigned int gk_netfront_ring_tx_inflight(const struct gk_netfront_ring *r)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        n += r->txb[i].busy;
    return n;
}
