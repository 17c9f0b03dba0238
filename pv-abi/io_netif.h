/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/io_netif.h - the network device rings shared by a network frontend (netfront) and its
 * backend (netback): a transmit ring and a receive ring, each one page with the shared-ring
 * header of pv-abi/io_blkif.h (struct pv_ring_sring_hdr) and 256 slots.
 *
 * Transmit: the frontend grants the page holding a frame (read-only) and posts a request naming
 * the grant, the frame's offset in the page and its size; a frame cut over several slots sets
 * PV_NETTXF_more_data on every slot but the last, and the first slot's size is the whole
 * frame's. The backend copies the frame out and answers with the request's id and a status.
 *
 * Receive: the frontend posts empty buffers (one granted, writable page each, with an id); the
 * backend copies a frame into one (the frontend asked for that with request-rx-copy=1) and
 * answers with the id, the offset of the data in the page, flags and, in status, the length
 * (or a negative PV_NETIF_RSP_*). PV_NETRXF_extra_info means the next slot holds a
 * struct pv_netif_extra_info rather than a response; PV_NETRXF_more_data means the frame goes
 * on in the next response.
 *
 * The keys: the frontend writes tx-ring-ref, rx-ring-ref, event-channel (one channel for both
 * rings), request-rx-copy, feature-rx-notify (Linux's netback requires both) and the offloads it
 * takes (feature-sg, feature-gso-tcpv4, feature-no-csum-offload); it reads its MAC from its own
 * "mac" key (aa:bb:cc:dd:ee:ff), written by the toolstack.
 *
 * Part of the x86-64 PV ABI headers for guest porters: self-contained C99, no dependencies.
 */
#ifndef PV_ABI_IO_NETIF_H
#define PV_ABI_IO_NETIF_H

#include <stdint.h>

#include "io_blkif.h" /* struct pv_ring_sring_hdr, PV_RING_SLOTS */

/* The fewest slots a backend must accept for one frame. */
#define PV_NETIF_NR_SLOTS_MIN 18
/* The largest frame on the transmit ring. */
#define PV_NETIF_MAX_TX_SIZE 0xffff

/* Transmit request flags. */
#define PV_NETTXF_csum_blank (1U << 0)     /* the protocol checksum is not filled in */
#define PV_NETTXF_data_validated (1U << 1) /* the protocol checksum is known good */
#define PV_NETTXF_more_data (1U << 2)      /* the frame goes on in the next slot */
#define PV_NETTXF_extra_info (1U << 3)     /* the next slot is a struct pv_netif_extra_info */

struct pv_netif_tx_request {
    uint32_t gref;   /* [0] grant of the page holding the data */
    uint16_t offset; /* [4] the data's offset in it */
    uint16_t flags;  /* [6] PV_NETTXF_* */
    uint16_t id;     /* [8] the frontend's, echoed in the response */
    uint16_t size;   /* [10] bytes in this slot (the first slot: the whole frame's) */
};

/* Extra information slots (GSO, multicast, hash), after a slot flagged extra_info. */
#define PV_NETIF_EXTRA_TYPE_NONE 0
#define PV_NETIF_EXTRA_TYPE_GSO 1
#define PV_NETIF_EXTRA_TYPE_MCAST_ADD 2
#define PV_NETIF_EXTRA_TYPE_MCAST_DEL 3
#define PV_NETIF_EXTRA_TYPE_HASH 4
#define PV_NETIF_EXTRA_FLAG_MORE (1U << 0) /* another extra slot follows */

struct pv_netif_extra_info {
    uint8_t type;  /* [0] PV_NETIF_EXTRA_TYPE_* */
    uint8_t flags; /* [1] PV_NETIF_EXTRA_FLAG_* */
    uint8_t u[6];  /* [2] the type's data */
};

struct pv_netif_tx_response {
    uint16_t id;    /* [0] the request's */
    int16_t status; /* [2] PV_NETIF_RSP_* */
};

struct pv_netif_rx_request {
    uint16_t id;   /* [0] the frontend's, echoed in the response */
    uint16_t _pad; /* [2] */
    uint32_t gref; /* [4] grant of an empty page (writable by the backend) */
};

/* Receive response flags. */
#define PV_NETRXF_data_validated (1U << 0) /* the protocol checksum is known good */
#define PV_NETRXF_csum_blank (1U << 1)     /* the protocol checksum is not filled in */
#define PV_NETRXF_more_data (1U << 2)      /* the frame goes on in the next response */
#define PV_NETRXF_extra_info (1U << 3)     /* the next slot is a struct pv_netif_extra_info */
#define PV_NETRXF_gso_prefix (1U << 4)     /* this slot holds only GSO information */

struct pv_netif_rx_response {
    uint16_t id;     /* [0] the request's */
    uint16_t offset; /* [2] where the data starts in the page */
    uint16_t flags;  /* [4] PV_NETRXF_* */
    int16_t status;  /* [6] bytes received (> 0), or PV_NETIF_RSP_* */
};

#define PV_NETIF_RSP_DROPPED (-2)
#define PV_NETIF_RSP_ERROR (-1)
#define PV_NETIF_RSP_OKAY 0
#define PV_NETIF_RSP_NULL 1 /* a transmit slot that carried only extra information */

/* A slot of each ring, and their number in one page (256 both). */
union pv_netif_tx_sring_entry {
    struct pv_netif_tx_request req;
    struct pv_netif_tx_response rsp;
};
union pv_netif_rx_sring_entry {
    struct pv_netif_rx_request req;
    struct pv_netif_rx_response rsp;
};
#define PV_NETIF_TX_RING_SLOTS PV_RING_SLOTS(4096, sizeof(union pv_netif_tx_sring_entry))
#define PV_NETIF_RX_RING_SLOTS PV_RING_SLOTS(4096, sizeof(union pv_netif_rx_sring_entry))

#endif /* PV_ABI_IO_NETIF_H */
