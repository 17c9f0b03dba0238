/*
 * dom0-tools/xenstored/ring.c - the xenstore ring transport (docs/misc/xenstore-ring.txt):
 * two 1 KiB byte queues with free-running indexes, requests in, replies and watch events out,
 * reconnection on the guest's request, and the error field when the guest breaks the rules.
 */
#include "xsd_core.h"
#include "xsd_ring.h"

#define RING_MASK(i) PV_MASK_XENSTORE_IDX(i)

static uint32_t load_idx(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_idx(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

void xsd_ring_init(struct xsd_ring *r, struct pv_xenstore_domain_interface *intf,
                   struct xsd_conn *c, void (*notify)(void *ctx), void *ctx)
{
    r->intf = intf;
    r->conn = c;
    r->notify = notify;
    r->ctx = ctx;
    r->broken = false;
    r->req_cons = load_idx(&intf->req_cons);
    r->rsp_prod = load_idx(&intf->rsp_prod);
    intf->error = PV_XENSTORE_ERROR_NONE;
    intf->server_features |=
        PV_XENSTORE_SERVER_FEATURE_RECONNECTION | PV_XENSTORE_SERVER_FEATURE_ERROR;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static int ring_fail(struct xsd_ring *r, uint32_t error)
{
    xsd_log("domain %u: xenstore ring error %u, no more service", xsd_conn_domid(r->conn), error);
    r->broken = true;
    store_idx(&r->intf->error, error);
    r->notify(r->ctx);
    return error == PV_XENSTORE_ERROR_PROTO ? -PV_E2BIG : -PV_EIO;
}

/* The guest asked for a reset: empty both queues, forget the connection's state. */
static void ring_reconnect(struct xsd_ring *r)
{
    xsd_conn_reset(r->conn);
    r->req_cons = r->rsp_prod = 0;
    store_idx(&r->intf->req_cons, 0);
    store_idx(&r->intf->req_prod, 0);
    store_idx(&r->intf->rsp_cons, 0);
    store_idx(&r->intf->rsp_prod, 0);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    store_idx(&r->intf->connection, PV_XENSTORE_CONNECTED);
}

/* Copies one contiguous run of request bytes into the connection; bytes moved or < 0. */
static int ring_in(struct xsd_ring *r)
{
    uint32_t prod = load_idx(&r->intf->req_prod), avail = prod - r->req_cons;
    uint32_t off = RING_MASK(r->req_cons), n;
    void *buf;
    size_t want;

    if (avail > PV_XENSTORE_RING_SIZE)
        return ring_fail(r, PV_XENSTORE_ERROR_RINGIDX);
    want = avail ? xsd_conn_in_space(r->conn, &buf) : 0;
    if (!want)
        return 0;
    n = avail < want ? avail : (uint32_t)want;
    if (n > PV_XENSTORE_RING_SIZE - off)
        n = PV_XENSTORE_RING_SIZE - off;
    memcpy(buf, r->intf->req + off, n);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    r->req_cons += n;
    store_idx(&r->intf->req_cons, r->req_cons);
    if (xsd_conn_received(r->conn, n))
        return ring_fail(r, PV_XENSTORE_ERROR_PROTO);
    return (int)n;
}

/* Copies one contiguous run of queued output into the ring; bytes moved or < 0. */
static int ring_out(struct xsd_ring *r)
{
    uint32_t cons = load_idx(&r->intf->rsp_cons), used = r->rsp_prod - cons;
    uint32_t off = RING_MASK(r->rsp_prod), n;
    const void *buf;
    size_t len;

    if (used > PV_XENSTORE_RING_SIZE)
        return ring_fail(r, PV_XENSTORE_ERROR_RINGIDX);
    len = used < PV_XENSTORE_RING_SIZE ? xsd_conn_out_peek(r->conn, &buf) : 0;
    if (!len)
        return 0;
    n = PV_XENSTORE_RING_SIZE - used;
    if (n > PV_XENSTORE_RING_SIZE - off)
        n = PV_XENSTORE_RING_SIZE - off;
    if (n > len)
        n = (uint32_t)len;
    memcpy(r->intf->rsp + off, buf, n);
    r->rsp_prod += n;
    store_idx(&r->intf->rsp_prod, r->rsp_prod);
    xsd_conn_out_done(r->conn, n);
    return (int)n;
}

int xsd_ring_service(struct xsd_ring *r)
{
    bool moved = false;
    int in, out;

    if (r->broken)
        return -PV_EIO;
    if (load_idx(&r->intf->connection) == PV_XENSTORE_RECONNECT) {
        ring_reconnect(r);
        moved = true;
    }
    do {
        in = ring_in(r);
        if (in < 0)
            return in;
        out = ring_out(r);
        if (out < 0)
            return out;
        moved |= in || out;
    } while (in || out);
    if (moved)
        r->notify(r->ctx);
    return 0;
}
