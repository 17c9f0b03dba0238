/* SPDX-License-Identifier: MIT */
/*
 * pv-abi/io_blkif.h - the block device ring shared by a disk frontend (blkfront) and its backend
 * (blkback), and the shared-ring header every split driver's ring starts with.
 *
 * A shared ring is one page, or 2^ring-page-order pages granted one by one (ring-ref0..N-1):
 * struct pv_ring_sring_hdr at offset 0, then from offset 64 an array of slots, each the size
 * of the larger of a request and a response, their number the largest power of two that fits
 * (PV_RING_SLOTS). Indexes run freely; slot = index & (slots - 1). The frontend produces
 * requests (req_prod) and consumes responses; it tells the backend which response index should
 * raise an event (rsp_event), the backend likewise with req_event. After publishing requests
 * from old to new, notify only if (new - req_event) < (new - old).
 *
 * Disks: a request names its operation, up to 11 segments (each a grant of one page and the
 * 512-byte sectors of it to transfer, first_sect..last_sect, at most 7) and a 512-byte sector
 * number whatever the disk's sector-size. An indirect request (backend key
 * feature-max-indirect-segments) names up to 8 pages, each holding 512 segments, instead.
 * A response echoes the request's id and operation, with a status.
 *
 * Part of the x86-64 PV ABI headers for guest porters: self-contained C99, no dependencies.
 */
#ifndef PV_ABI_IO_BLKIF_H
#define PV_ABI_IO_BLKIF_H

#include <stdint.h>

/* The header of every shared ring page (Xen's DEFINE_RING_TYPES sring). */
struct pv_ring_sring_hdr {
    uint32_t req_prod;  /* [0] requests produced (frontend) */
    uint32_t req_event; /* [4] notify the backend when req_prod passes this */
    uint32_t rsp_prod;  /* [8] responses produced (backend) */
    uint32_t rsp_event; /* [12] notify the frontend when rsp_prod passes this */
    uint8_t pvt[4];     /* [16] private to some drivers */
    uint8_t _pad[44];   /* [20] the slots start at 64 */
};
/* Slots of slot_size bytes in a ring of bytes bytes (a power of two, rounded down). */
#define PV_RING_SLOTS(bytes, slot_size)                                                        \
    (((bytes) - 64) / (slot_size) >= 1024 ? 1024U                                              \
     : ((bytes) - 64) / (slot_size) >= 512 ? 512U                                              \
     : ((bytes) - 64) / (slot_size) >= 256 ? 256U                                              \
     : ((bytes) - 64) / (slot_size) >= 128 ? 128U                                              \
     : ((bytes) - 64) / (slot_size) >= 64  ? 64U                                               \
     : ((bytes) - 64) / (slot_size) >= 32  ? 32U                                               \
     : ((bytes) - 64) / (slot_size) >= 16  ? 16U                                               \
     : ((bytes) - 64) / (slot_size) >= 8   ? 8U                                                \
     : ((bytes) - 64) / (slot_size) >= 4   ? 4U                                                \
     : ((bytes) - 64) / (slot_size) >= 2   ? 2U : 1U)

/* Operations. */
#define PV_BLKIF_OP_READ 0
#define PV_BLKIF_OP_WRITE 1
#define PV_BLKIF_OP_WRITE_BARRIER 2   /* backend key feature-barrier */
#define PV_BLKIF_OP_FLUSH_DISKCACHE 3 /* backend key feature-flush-cache */
#define PV_BLKIF_OP_DISCARD 5         /* backend key feature-discard */
#define PV_BLKIF_OP_INDIRECT 6        /* backend key feature-max-indirect-segments */

#define PV_BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define PV_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8
/* Largest ring-page-order the Linux and Xen backends offer (max-ring-page-order). */
#define PV_XENBUS_MAX_RING_GRANT_ORDER 4

/* One page of a transfer. */
struct pv_blkif_request_segment {
    uint32_t gref;      /* [0] grant of the page */
    uint8_t first_sect; /* [4] first 512-byte sector of the page to transfer (0-7) */
    uint8_t last_sect;  /* [5] last one, inclusive */
    uint16_t _pad;      /* [6] */
};
/* Segments in one indirect page. */
#define PV_BLKIF_SEGS_PER_INDIRECT_FRAME (4096 / sizeof(struct pv_blkif_request_segment))

struct pv_blkif_request {
    uint8_t operation;     /* [0] PV_BLKIF_OP_* */
    uint8_t nr_segments;   /* [1] 1..11 for read and write, 0 for a flush */
    uint16_t handle;       /* [2] the device (its vdev number) */
    uint32_t _pad;         /* [4] */
    uint64_t id;           /* [8] the frontend's, echoed in the response */
    uint64_t sector_number; /* [16] in 512-byte sectors */
    struct pv_blkif_request_segment seg[PV_BLKIF_MAX_SEGMENTS_PER_REQUEST]; /* [24] */
};

struct pv_blkif_request_indirect {
    uint8_t operation;      /* [0] PV_BLKIF_OP_INDIRECT */
    uint8_t indirect_op;    /* [1] PV_BLKIF_OP_READ or _WRITE */
    uint16_t nr_segments;   /* [2] segments in the indirect pages */
    uint32_t _pad1;         /* [4] */
    uint64_t id;            /* [8] */
    uint64_t sector_number; /* [16] */
    uint16_t handle;        /* [24] */
    uint16_t _pad2;         /* [26] */
    uint32_t indirect_grefs[PV_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST]; /* [28] pages of segments */
};

struct pv_blkif_response {
    uint64_t id;       /* [0] the request's */
    uint8_t operation; /* [8] the request's */
    uint8_t _pad;      /* [9] */
    int16_t status;    /* [10] PV_BLKIF_RSP_* */
};
#define PV_BLKIF_RSP_EOPNOTSUPP (-2)
#define PV_BLKIF_RSP_ERROR (-1)
#define PV_BLKIF_RSP_OKAY 0

/* The backend's "info" key. */
#define PV_VDISK_CDROM 0x1
#define PV_VDISK_REMOVABLE 0x2
#define PV_VDISK_READONLY 0x4

/* A slot of the block ring: a request (either form) or a response. */
union pv_blkif_sring_entry {
    struct pv_blkif_request req;
    struct pv_blkif_request_indirect ind;
    struct pv_blkif_response rsp;
};
/* Slots of a block ring of 2^order pages. */
#define PV_BLKIF_RING_SLOTS(order) PV_RING_SLOTS(4096UL << (order), sizeof(union pv_blkif_sring_entry))

#endif /* PV_ABI_IO_BLKIF_H */
