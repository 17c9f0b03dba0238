/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/io_xenstore.h - the xenstore ring page shared by a guest and xenstored, and the
 * xenbus device states.
 *
 * The page (start_info.store_mfn, event channel start_info.store_evtchn) holds two byte
 * queues carrying the messages of xs_wire.h: req[] from the guest to xenstored, rsp[] back.
 * Each queue has a free-running uint32_t producer and consumer index; byte x of a stream
 * lives at x & (PV_XENSTORE_RING_SIZE - 1). A side writes only its own producer (req_prod for
 * the guest, rsp_prod for xenstored) and its own consumer (rsp_cons, req_cons). The producer
 * copies data in, issues a write barrier, then advances its index; the consumer reads the
 * producer index, issues a read barrier, copies data out, issues a full barrier, then advances
 * its consumer index. After any index update, signal the event channel. Never assume the
 * indexes start at 0. xenstored owns server_features, error and (except to request a
 * reconnection) connection.
 *
 * Part of the x86-64 PV ABI headers for guest porters: self-contained C99, no dependencies.
 */
#ifndef PV_ABI_IO_XENSTORE_H
#define PV_ABI_IO_XENSTORE_H

#include <stdint.h>

#define PV_XENSTORE_RING_SIZE 1024
typedef uint32_t pv_xenstore_ring_idx_t;
#define PV_MASK_XENSTORE_IDX(idx) ((idx) & (PV_XENSTORE_RING_SIZE - 1))

/* The ring page (offsets in brackets). */
struct pv_xenstore_domain_interface {
    char req[PV_XENSTORE_RING_SIZE]; /* [0] guest -> xenstored */
    char rsp[PV_XENSTORE_RING_SIZE]; /* [1024] xenstored -> guest (replies, watch events) */
    pv_xenstore_ring_idx_t req_cons; /* [2048] xenstored: consumed up to here */
    pv_xenstore_ring_idx_t req_prod; /* [2052] guest: produced up to here */
    pv_xenstore_ring_idx_t rsp_cons; /* [2056] guest: consumed up to here */
    pv_xenstore_ring_idx_t rsp_prod; /* [2060] xenstored: produced up to here */
    uint32_t server_features;        /* [2064] PV_XENSTORE_SERVER_FEATURE_*, set by xenstored */
    uint32_t connection;             /* [2068] PV_XENSTORE_CONNECTED / _RECONNECT */
    uint32_t error;                  /* [2072] PV_XENSTORE_ERROR_*, set by xenstored */
    uint32_t evtchn_port;            /* [2076] newer Xen: the guest's port (dom0less) */
};

/* server_features bits. Bits are only ever added. */
#define PV_XENSTORE_SERVER_FEATURE_RECONNECTION 1 /* the guest may ask for a ring reset */
#define PV_XENSTORE_SERVER_FEATURE_ERROR 2        /* the error field is maintained */
#define PV_XENSTORE_SERVER_FEATURE_WATCHDEPTH 4   /* newer Xen: WATCH takes a depth */
#define PV_XENSTORE_SERVER_FEATURE_DOMID_ANY 8    /* newer Xen: DOMID_ANY accepted */

/* connection: the guest writes _RECONNECT (then signals) to ask for a reset; xenstored empties
 * both queues, drops the guest's watches and transactions, and writes _CONNECTED. */
#define PV_XENSTORE_CONNECTED 0
#define PV_XENSTORE_RECONNECT 1

/* error: why xenstored stopped serving the ring (diagnostic; new values may appear). */
#define PV_XENSTORE_ERROR_NONE 0
#define PV_XENSTORE_ERROR_COMM 1    /* the event channel does not work */
#define PV_XENSTORE_ERROR_RINGIDX 2 /* a producer or consumer index is impossible */
#define PV_XENSTORE_ERROR_PROTO 3   /* protocol violation (payload too long) */

/* Xenbus device states, kept by frontends and backends in their "state" nodes. */
#define PV_XenbusStateUnknown 0
#define PV_XenbusStateInitialising 1
#define PV_XenbusStateInitWait 2    /* early setup done; waiting for the peer or hotplug */
#define PV_XenbusStateInitialised 3 /* waiting for a connection from the peer */
#define PV_XenbusStateConnected 4
#define PV_XenbusStateClosing 5 /* going away after an error or an unplug */
#define PV_XenbusStateClosed 6
#define PV_XenbusStateReconfiguring 7
#define PV_XenbusStateReconfigured 8

#endif /* PV_ABI_IO_XENSTORE_H */
