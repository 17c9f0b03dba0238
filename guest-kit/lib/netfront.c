/*
 * guest-kit: netfront (gk/netfront.h): the xenbus handshake with a network backend, the two
 * rings' pages and grants, the event channel, disconnection and reconnection. The rings
 * themselves are lib/netfront_ring.c.
 */
#include "gk/gnttab.h"
#include "gk/kit.h"
#include "gk/netfront.h"
#include "gk/time.h"
#include "gk/xenstore.h"
#include "pv-abi/io_xenstore.h"

#define GRANT_FRAMES 8 /* grant table frames the kit asks for: 4096 entries */
#define MAX_DEVS 2

struct gk_netfront {
    bool used;
    bool connected;
    bool ring_up;
    struct gk_netfront_opts opts;
    struct gk_xenbus_dev xb;
    struct gk_netfront_info info;
    struct gk_netfront_stats stats;
    void *tx_page, *rx_page;
    int32_t tx_ref, rx_ref;
    uint32_t port;
    uint32_t seen; /* the channel's event count when the last poll began */
    void *txp[GK_NETFRONT_TX_BUFS], *rxp[GK_NETFRONT_RX_BUFS];
    struct gk_netfront_ring ring;
};

static struct gk_netfront devs[MAX_DEVS];

static uint64_t timeout(const struct gk_netfront *n)
{
    return n->opts.timeout_ns ? n->opts.timeout_ns : GK_NETFRONT_TIMEOUT_NS;
}

/* The ring's grant ops: grants to the backend's domain; an end the backend holds up is tried
 * for 100 ms before the page is given up. */
static long op_grant(void *ctx, void *page, bool readonly)
{
    struct gk_netfront *n = ctx;

    return gk_gnttab_grant(n->xb.backend_id, gk_virt_to_mfn(page), readonly);
}

static bool op_end(void *ctx, uint32_t ref)
{
    struct gk_netfront *n = ctx;

    if (gk_gnttab_end_wait(ref, 100) == 0)
        return true;
    gk_printf("guest-kit: netfront %s: backend still uses grant %u: leaked\n", n->info.devid, ref);
    return false;
}

static const struct gk_netfront_ops grant_ops = {.grant = op_grant, .end = op_end};

/* ---- the rings ---- */

static void ring_free(struct gk_netfront *n)
{
    if (n->port) {
        gk_evtchn_close(n->port);
        n->port = 0;
    }
    if (n->ring_up)
        gk_netfront_ring_reset(&n->ring);
    /* A ring page the backend keeps mapped is leaked, never reused. */
    if (n->tx_ref >= 0 && !op_end(n, (uint32_t)n->tx_ref))
        n->tx_page = NULL;
    if (n->rx_ref >= 0 && !op_end(n, (uint32_t)n->rx_ref))
        n->rx_page = NULL;
    n->tx_ref = n->rx_ref = -1;
    if (n->tx_page)
        gk_page_free(n->tx_page);
    if (n->rx_page)
        gk_page_free(n->rx_page);
    n->tx_page = n->rx_page = NULL;
    /* Buffers the ring leaked are NULL in it: forget them here too. */
    for (unsigned int i = 0; n->ring_up && i < GK_NETFRONT_TX_BUFS; i++)
        n->txp[i] = n->ring.txb[i].page;
    for (unsigned int i = 0; n->ring_up && i < GK_NETFRONT_RX_BUFS; i++)
        n->rxp[i] = n->ring.rxb[i].page;
    n->ring_up = false;
}

/* Buffer pages, kept across reconnections (a leaked one is replaced). */
static long bufs_alloc(struct gk_netfront *n)
{
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        if (!n->txp[i] && !(n->txp[i] = gk_page_alloc()))
            return -PV_ENOMEM;
    for (unsigned int i = 0; i < GK_NETFRONT_RX_BUFS; i++)
        if (!n->rxp[i] && !(n->rxp[i] = gk_page_alloc()))
            return -PV_ENOMEM;
    return 0;
}

/* The keys, inside the transaction tx. */
static long keys(struct gk_xenbus_dev *d, uint32_t tx, void *arg)
{
    static const char *const fixed[][2] = {
        {"request-rx-copy", "1"}, {"feature-rx-notify", "1"}, {"feature-sg", "0"},
        {"feature-gso-tcpv4", "0"}, {"feature-gso-tcpv6", "0"},
        {"feature-no-csum-offload", "1"}, {"feature-ipv6-csum-offload", "0"},
    };
    struct gk_netfront *n = arg;
    char path[2 * GK_XENBUS_PATH_MAX];
    long rc;

    gk_xenbus_path(d, false, "tx-ring-ref", path, sizeof(path));
    rc = gk_xs_printf(tx, path, "%d", n->tx_ref);
    if (!rc) {
        gk_xenbus_path(d, false, "rx-ring-ref", path, sizeof(path));
        rc = gk_xs_printf(tx, path, "%d", n->rx_ref);
    }
    if (!rc) {
        gk_xenbus_path(d, false, "event-channel", path, sizeof(path));
        rc = gk_xs_printf(tx, path, "%u", n->port);
    }
    for (unsigned int i = 0; !rc && i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        gk_xenbus_path(d, false, fixed[i][0], path, sizeof(path));
        rc = gk_xs_write(tx, path, fixed[i][1]);
    }
    return rc;
}

static long ring_setup(struct gk_netfront *n)
{
    uint64_t v = 0;
    long rc;

    if (gk_xenbus_read_u64(&n->xb, true, "feature-rx-copy", &v) || v != 1) {
        gk_printf("guest-kit: netfront %s: the backend does not offer feature-rx-copy\n",
                  n->info.devid);
        return -PV_EOPNOTSUPP;
    }
    rc = bufs_alloc(n);
    if (rc)
        return rc;
    n->tx_page = gk_page_alloc();
    n->rx_page = gk_page_alloc();
    if (!n->tx_page || !n->rx_page)
        return -PV_ENOMEM;
    memset(n->tx_page, 0, 4096);
    memset(n->rx_page, 0, 4096);
    gk_netfront_ring_init(&n->ring, n->tx_page, n->rx_page, n->txp, n->rxp, &grant_ops, n,
                          &n->stats);
    n->ring_up = true;
    rc = gk_gnttab_grant(n->xb.backend_id, gk_virt_to_mfn(n->tx_page), false);
    if (rc < 0)
        return rc;
    n->tx_ref = (int32_t)rc;
    rc = gk_gnttab_grant(n->xb.backend_id, gk_virt_to_mfn(n->rx_page), false);
    if (rc < 0)
        return rc;
    n->rx_ref = (int32_t)rc;
    rc = gk_evtchn_alloc_unbound(n->xb.backend_id, &n->port);
    if (rc)
        return rc;
    rc = gk_xenbus_write_keys(&n->xb, keys, n);
    if (rc)
        return rc;
    /* The receive buffers go on the ring before the backend looks at it; then Connected
     * directly, as Linux's netfront: netback connects when the frontend is Connected (it
     * waits on Initialised). */
    rc = gk_netfront_ring_refill(&n->ring);
    if (rc < 0)
        return rc;
    return gk_xenbus_switch(&n->xb, PV_XenbusStateConnected);
}

/* Leave the connection: Closed, wait for the backend to let go, give everything back. */
static void disconnect(struct gk_netfront *n)
{
    n->connected = false;
    gk_xenbus_leave(&n->xb, PV_XenbusStateClosed, gk_time_now() + timeout(n) / 4);
    ring_free(n);
}

/* Drive the handshake until connected, gone, or the deadline. */
static long drive(struct gk_netfront *n, uint64_t deadline)
{
    for (;;) {
        int back = gk_xenbus_read_backend(&n->xb);
        enum gk_xenbus_action a = gk_xenbus_front_action(n->xb.state, back);
        long rc;

        if (n->xb.state == PV_XenbusStateConnected && back == PV_XenbusStateConnected) {
            if (!n->ring_up)
                return -PV_EINVAL;
            if (!n->connected) {
                n->connected = true;
                n->stats.connects++;
                gk_event_send(n->port); /* the buffers posted before it connected */
            }
            return 0;
        }
        switch (a) {
        case GK_XENBUS_SETUP:
            ring_free(n);
            rc = ring_setup(n);
            if (rc) {
                gk_printf("guest-kit: netfront %s: ring setup failed: %ld\n", n->info.devid, rc);
                ring_free(n);
                gk_xenbus_switch(&n->xb, PV_XenbusStateClosed);
                return rc;
            }
            continue;
        case GK_XENBUS_CONNECT: /* only from Initialised, which netfront skips */
            disconnect(n);
            return -PV_EINVAL;
        case GK_XENBUS_CLOSE:
            disconnect(n);
            continue;
        case GK_XENBUS_RESET:
            rc = gk_xenbus_switch(&n->xb, PV_XenbusStateInitialising);
            if (rc)
                return rc;
            break;
        case GK_XENBUS_GONE:
            return -PV_ENODEV;
        case GK_XENBUS_WAIT:
            break;
        }
        if (gk_time_now() >= deadline)
            return -PV_ETIMEDOUT;
        gk_xs_watch_wait(n->xb.token, deadline, NULL, 0, NULL, 0);
        if (!gk_xs_ready())
            return -PV_EIO;
    }
}

static long read_mac(struct gk_netfront *n)
{
    char mac[32];
    long rc = gk_xenbus_read(&n->xb, false, "mac", mac, sizeof(mac));

    if (rc >= 0) /* its length */
        rc = gk_netfront_parse_mac(mac, n->info.mac);
    else if (rc == -PV_ENOENT || rc == -PV_E2BIG)
        rc = -PV_EINVAL;
    if (rc)
        gk_printf("guest-kit: netfront %s: no usable mac key (%ld)\n", n->info.devid, rc);
    return rc;
}

static long open_dev(struct gk_netfront *n, const char *devid)
{
    long rc;

    lib_strlcpy(n->info.devid, devid, sizeof(n->info.devid));
    n->tx_ref = n->rx_ref = -1;
    rc = gk_xenbus_open(&n->xb, "vif", devid);
    if (rc)
        return rc;
    n->info.backend_id = n->xb.backend_id;
    rc = read_mac(n);
    if (rc) {
        gk_xenbus_close(&n->xb);
        return rc;
    }
    /* A frontend state left over from an earlier run: start from Closed. */
    if (n->xb.state != PV_XenbusStateInitialising && n->xb.state != PV_XenbusStateClosed)
        n->xb.state = PV_XenbusStateClosed;
    return 0;
}

long gk_netfront_open(const char *devid, const struct gk_netfront_opts *opts,
                      struct gk_netfront **out)
{
    struct gk_netfront *n = NULL;
    char id[16];
    long rc = gk_xenbus_front_init(GRANT_FRAMES);

    if (rc)
        return rc;
    if (!devid) {
        rc = gk_xenbus_first("vif", id, sizeof(id));
        if (rc)
            return rc == -PV_ENOENT ? -PV_ENODEV : rc;
        devid = id;
    }
    for (unsigned int i = 0; i < MAX_DEVS && !n; i++)
        if (!devs[i].used)
            n = &devs[i];
    if (!n)
        return -PV_EBUSY;
    memset(n, 0, sizeof(*n));
    if (opts)
        n->opts = *opts;
    rc = open_dev(n, devid);
    if (rc)
        return rc;
    n->used = true;
    rc = drive(n, gk_time_now() + timeout(n));
    if (rc) {
        gk_xenbus_close(&n->xb);
        ring_free(n);
        n->used = false;
        return rc;
    }
    *out = n;
    return 0;
}

const struct gk_netfront_info *gk_netfront_info(const struct gk_netfront *n)
{
    return &n->info;
}

const struct gk_netfront_stats *gk_netfront_stats(const struct gk_netfront *n)
{
    return &n->stats;
}

bool gk_netfront_connected(const struct gk_netfront *n)
{
    return n->connected;
}

/* Has the backend left (a queued watch event says its state changed)? Disconnects if so. */
static bool backend_left(struct gk_netfront *n)
{
    if (n->connected && (gk_xenbus_backend_changed(&n->xb) || !gk_xs_ready())) {
        int s = gk_xenbus_read_backend(&n->xb);

        if (s != PV_XenbusStateConnected) {
            gk_printf("guest-kit: netfront %s: backend went %s\n", n->info.devid,
                      gk_xenbus_state_name(s));
            disconnect(n);
        }
    }
    return !n->connected;
}

long gk_netfront_send(struct gk_netfront *n, const void *frame, size_t len)
{
    long rc;

    if (!n->used || backend_left(n))
        return -PV_ENOTCONN;
    rc = gk_netfront_ring_send(&n->ring, frame, len);
    if (rc == -PV_EAGAIN) {
        /* Every page in flight: take the transmit answers first. */
        gk_netfront_poll(n, NULL, NULL);
        if (!n->connected)
            return -PV_ENOTCONN;
        rc = gk_netfront_ring_send(&n->ring, frame, len);
    }
    if (rc > 0)
        gk_event_send(n->port);
    return rc < 0 ? rc : 0;
}

static void drop_frame(void *arg, const void *frame, size_t len)
{
    (void)arg, (void)frame, (void)len;
}

long gk_netfront_poll(struct gk_netfront *n, gk_netfront_rx_fn fn, void *arg)
{
    bool notify = false;
    long rc;

    if (!n->used || backend_left(n))
        return -PV_ENOTCONN;
    n->seen = gk_event_counts[n->port];
    rc = gk_netfront_ring_poll(&n->ring, fn ? fn : drop_frame, arg, &notify);
    if (rc < 0) {
        gk_printf("guest-kit: netfront %s: backend's ring indexes impossible: disconnecting\n",
                  n->info.devid);
        disconnect(n);
        return -PV_ENOTCONN;
    }
    if (notify)
        gk_event_send(n->port);
    return rc;
}

void gk_netfront_wait(struct gk_netfront *n, uint64_t deadline)
{
    if (!n->connected || !n->port) {
        gk_sleep_until(deadline);
        return;
    }
    /* An event since the last poll began ends the wait at once. */
    gk_wait_event_until(n->port, n->seen, deadline);
}

long gk_netfront_reconnect(struct gk_netfront *n, uint64_t deadline)
{
    if (n->connected && !backend_left(n))
        return 0;
    if (n->ring_up)
        disconnect(n);
    return drive(n, deadline);
}

long gk_netfront_close(struct gk_netfront *n)
{
    if (!n->used)
        return -PV_EINVAL;
    n->connected = false;
    gk_xenbus_leave(&n->xb, PV_XenbusStateClosing, gk_time_now() + timeout(n) / 4);
    disconnect(n);
    gk_xenbus_close(&n->xb);
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        if (n->txp[i])
            gk_page_free(n->txp[i]);
    for (unsigned int i = 0; i < GK_NETFRONT_RX_BUFS; i++)
        if (n->rxp[i])
            gk_page_free(n->rxp[i]);
    memset(n->txp, 0, sizeof(n->txp));
    memset(n->rxp, 0, sizeof(n->rxp));
    n->used = false;
    return 0;
}
