/* guest-kit: netfront, the network device frontend (docs/porting/drivers.md#netfront).
 *
 * A network interface given to the domain by the toolstack (xl.cfg `vif=`) is device vif/<devid>
 * in xenstore; its backend (Linux's xen-netback in dom0) serves it. gk_netfront_open() finds the
 * device, reads its MAC (the frontend's "mac" key), follows the xenbus handshake (gk/xenbus.h)
 * and returns a connected interface:
 *
 *   1. the backend shows InitWait and offers feature-rx-copy: the kit allocates the transmit and
 *      receive rings (a page each), grants them, allocates one event channel, and writes
 *      tx-ring-ref, rx-ring-ref, event-channel, request-rx-copy=1, feature-rx-notify=1 and the
 *      offloads it declines (feature-sg=0, feature-gso-tcpv4=0, feature-no-csum-offload=1: every
 *      frame arrives whole with its checksums filled in) in one transaction, posts its receive
 *      buffers and goes Connected at once (as Linux's netfront: netback connects when the
 *      frontend is Connected, and waits while it is Initialised);
 *   2. the backend shows Connected: the interface is up.
 *
 * Frames are Ethernet frames without the FCS, at most GK_NETFRONT_MTU + 14 bytes (18 with a VLAN
 * tag). gk_netfront_send() copies a frame into one of the kit's pages, grants it read-only and
 * posts it: the caller's buffer is free again at once. gk_netfront_poll() takes the backend's
 * answers: transmitted frames give their pages back, received frames are handed to the
 * caller's function (valid only during the call) and their pages posted again.
 *
 * The backend is not trusted: every response is copied out of the shared page once and checked
 * before use. A response whose id is not the one posted at that position, a receive length
 * beyond its page (offset + length > 4096), a frame shorter than an Ethernet header, a negative
 * status, a frame spread over several slots (more_data: we offer no scatter-gather) or carrying
 * extra information slots is dropped and counted, and its buffer posted again; a transmit
 * response for an id not in flight is dropped and counted; an impossible rsp_prod breaks the
 * connection (-PV_EIO). A buffer whose grant the backend still holds when it should not is
 * never reused (its page is leaked and counted), and what was received into it is dropped.
 *
 * Disconnection: when the backend goes Closing or Closed, gk_netfront_poll() and
 * gk_netfront_send() return -PV_ENOTCONN; the kit goes Closed, ends its grants and closes the
 * channel. gk_netfront_reconnect() runs the handshake again when the backend comes back.
 */
#ifndef GK_NETFRONT_H
#define GK_NETFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gk/xenbus.h"
#include "pv-abi/io_netif.h"

#define GK_NETFRONT_MTU 1500
#define GK_NETFRONT_MAX_FRAME (GK_NETFRONT_MTU + 18) /* Ethernet header, VLAN tag */
#define GK_NETFRONT_MIN_FRAME 14                     /* an Ethernet header */
/* Pages for frames in flight: receive buffers posted, transmit frames at once. */
#define GK_NETFRONT_RX_BUFS 64
#define GK_NETFRONT_TX_BUFS 32
#define GK_NETFRONT_TIMEOUT_NS (60 * 1000000000ULL)

struct gk_netfront_opts {
    uint64_t timeout_ns; /* handshake bound (0: the default) */
};

struct gk_netfront_info {
    char devid[16];     /* the vif's id ("0") */
    uint16_t backend_id; /* the backend's domain */
    uint8_t mac[6];     /* from the frontend's "mac" key */
};

struct gk_netfront_stats {
    unsigned long tx_frames, tx_bytes; /* posted */
    unsigned long tx_errors;           /* transmit responses with an error status */
    unsigned long tx_busy;             /* sends refused: every transmit page in flight */
    unsigned long rx_frames, rx_bytes; /* handed to the caller */
    unsigned long rx_errors;           /* receive responses with a negative status */
    unsigned long bogus;               /* responses dropped: bad id, bounds, flags */
    unsigned long leaked_grants;       /* grants the backend kept: page never reused */
    unsigned long connects;            /* handshakes completed */
};

/* The rings and their buffers, without xenstore or hypercalls: the part that reads what the
 * backend writes (lib/netfront_ring.c), also compiled on the build machine by the unit tests.
 * Grants go through ops so that a test can play the backend. */
struct gk_netfront_ops {
    /* Grant page to the backend (read-only or writable): the reference, or a negative error. */
    long (*grant)(void *ctx, void *page, bool readonly);
    /* End a grant: false if the backend still holds it (the page must never be reused). */
    bool (*end)(void *ctx, uint32_t ref);
};

struct gk_netfront_buf {
    void *page;  /* NULL: none (leaked or not allocated) */
    int32_t ref; /* its grant while posted, -1 if none */
    bool busy;   /* posted (receive) or in flight (transmit) */
};

struct gk_netfront_ring {
    const struct gk_netfront_ops *ops;
    void *ctx;
    struct pv_ring_sring_hdr *tx_sring, *rx_sring; /* shared pages */
    union pv_netif_tx_sring_entry *tx;
    union pv_netif_rx_sring_entry *rx;
    uint32_t tx_prod_pvt, tx_cons, rx_prod_pvt, rx_cons;
    struct gk_netfront_buf txb[GK_NETFRONT_TX_BUFS];
    struct gk_netfront_buf rxb[GK_NETFRONT_RX_BUFS];
    uint16_t rx_posted[PV_NETIF_RX_RING_SLOTS]; /* the buffer posted at each receive slot */
    bool rx_more, rx_extra; /* the next receive slot continues a dropped frame / is extra info */
    struct gk_netfront_stats *stats;
};

typedef void (*gk_netfront_rx_fn)(void *arg, const void *frame, size_t len);

/* Start on zeroed ring pages tx_page and rx_page with the given buffer pages (NULL entries stay
 * unused). Nothing is posted. */
void gk_netfront_ring_init(struct gk_netfront_ring *r, void *tx_page, void *rx_page,
                           void *const tx_pages[GK_NETFRONT_TX_BUFS],
                           void *const rx_pages[GK_NETFRONT_RX_BUFS],
                           const struct gk_netfront_ops *ops, void *ctx,
                           struct gk_netfront_stats *stats);
/* Post every receive buffer not posted. Returns whether the backend must be notified, or a
 * negative error if a grant failed (what was posted stays posted). */
long gk_netfront_ring_refill(struct gk_netfront_ring *r);
/* Post one frame. 1 if the backend must be notified, 0 if not; -PV_EINVAL (length outside
 * GK_NETFRONT_MIN_FRAME..GK_NETFRONT_MAX_FRAME), -PV_EAGAIN (every transmit page in flight), or
 * the grant's error. */
long gk_netfront_ring_send(struct gk_netfront_ring *r, const void *frame, size_t len);
/* Take the responses on both rings, handing received frames to fn. The number of frames
 * received, or -PV_EIO if a producer index is impossible. *notify is set if receive buffers
 * were posted again and the backend must be told. */
long gk_netfront_ring_poll(struct gk_netfront_ring *r, gk_netfront_rx_fn fn, void *arg,
                           bool *notify);
/* Give every grant back (the connection is gone): buffers whose grant the backend keeps are
 * leaked (page set to NULL). */
void gk_netfront_ring_reset(struct gk_netfront_ring *r);
/* Transmit pages in flight. */
unsigned int gk_netfront_ring_tx_inflight(const struct gk_netfront_ring *r);

/* Parse "aa:bb:cc:dd:ee:ff" (hex, either case): 0, or -PV_EINVAL for anything else, including
 * a multicast address. */
long gk_netfront_parse_mac(const char *s, uint8_t mac[6]);
/* Notify the other end after producing old..new_prod given its event index? */
bool gk_netfront_need_notify(uint32_t old, uint32_t new_prod, uint32_t event);

/* ---- the device (lib/netfront.c) ---- */

struct gk_netfront;

/* Open vif devid (NULL: the first vif) and connect it; opts may be NULL. 0 and *out, or an
 * error: -PV_ENODEV (no xenstore or no vif), -PV_ETIMEDOUT (the backend did not connect),
 * -PV_EINVAL (a malformed mac or backend key), -PV_EOPNOTSUPP (no feature-rx-copy), ... */
long gk_netfront_open(const char *devid, const struct gk_netfront_opts *opts,
                      struct gk_netfront **out);
const struct gk_netfront_info *gk_netfront_info(const struct gk_netfront *n);
const struct gk_netfront_stats *gk_netfront_stats(const struct gk_netfront *n);
bool gk_netfront_connected(const struct gk_netfront *n);
/* Send a frame (see gk_netfront_ring_send; -PV_ENOTCONN once disconnected). */
long gk_netfront_send(struct gk_netfront *n, const void *frame, size_t len);
/* Take what the backend answered, handing received frames to fn: their number, or
 * -PV_ENOTCONN (the backend left or broke the ring). */
long gk_netfront_poll(struct gk_netfront *n, gk_netfront_rx_fn fn, void *arg);
/* Wait until the backend signals or deadline (gk_time_now() ns) passes. */
void gk_netfront_wait(struct gk_netfront *n, uint64_t deadline);
/* If the backend left, tear down and wait (until deadline) for it to come back, then connect
 * again. 0 when connected. */
long gk_netfront_reconnect(struct gk_netfront *n, uint64_t deadline);
/* Close: Closing, Closed, resources given back. */
long gk_netfront_close(struct gk_netfront *n);

#endif /* GK_NETFRONT_H */
