/* guest-kit: blkfront, the block device frontend (docs/porting/drivers.md#blkfront).
 *
 * A disk given to the domain by the toolstack (xl.cfg `disk=`) is device vbd/<devid> in
 * xenstore; its backend (Linux's xen-blkback in dom0) serves it. gk_blkfront_open() finds the
 * device, follows the xenbus handshake (gk/xenbus.h) and returns a connected disk:
 *
 *   1. the backend shows InitWait: the kit allocates the shared ring, 2^order pages
 *      (order = min(the backend's max-ring-page-order, opts.max_ring_order)), grants each to
 *      the backend, allocates an event channel for it, and writes ring-ref (or
 *      ring-page-order and ring-ref0..N-1), event-channel and protocol in one transaction,
 *      then goes Initialised;
 *   2. the backend shows Connected: the kit reads sectors, sector-size, info,
 *      feature-flush-cache, feature-barrier and feature-max-indirect-segments, checks them,
 *      and goes Connected.
 *
 * I/O is synchronous for the caller and parallel on the ring: a transfer is cut into requests
 * of up to 11 segments (one grant of a page of the caller's buffer each), or, when the backend
 * offers indirect descriptors, up to GK_BLKFRONT_MAX_INDIRECT_SEGS segments through a granted
 * page of segments; up to GK_BLKFRONT_MAX_INFLIGHT requests are on the ring at once, each
 * with its id (slot and generation), and the responses are taken as the event channel
 * signals them. The data grants are ended when their response arrives.
 *
 * The backend is not trusted: a response with an id that is not in flight is counted and
 * dropped, an impossible rsp_prod breaks the connection (-PV_EIO), the keys read from xenstore
 * are bounded (sector-size 512..4096 and a power of two, sectors so that the disk's bytes fit
 * 64 bits, ring order at most 4, indirect segments capped), a request that gets no response
 * within opts.timeout_ns fails with -PV_ETIMEDOUT, and a grant the backend still uses when it
 * should not is never reused (its page is leaked and counted).
 *
 * Disconnection: when the backend goes Closing or Closed (the toolstack detaches, dom0 restarts
 * the backend), I/O in flight and later I/O fail with -PV_ENOTCONN; the kit goes Closed, ends
 * its grants and closes the channel. gk_blkfront_reconnect() then goes Initialising and runs
 * the handshake again when the backend comes back (Linux's blkback does after a Closed
 * frontend goes Initialising).
 *
 * Buffers: kernel virtual addresses of the 1:1 mapping (gk_page_alloc'd pages, the image),
 * aligned to the disk's sector-size; the byte count a multiple of it. Sectors are 512-byte
 * units (the ring's), the disk's size in bytes is info.sectors * info.sector_size.
 */
#ifndef GK_BLKFRONT_H
#define GK_BLKFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gk/xenbus.h"

/* Requests on the ring at once, segments per indirect request (one page of segments), and the
 * most ring pages (order 4, as Linux's blkback offers). */
#define GK_BLKFRONT_MAX_INFLIGHT 32
#define GK_BLKFRONT_MAX_INDIRECT_SEGS 512
#define GK_BLKFRONT_MAX_RING_ORDER 4
/* Devices open at once. */
#define GK_BLKFRONT_MAX_DEVS 2
#define GK_BLKFRONT_TIMEOUT_NS (60 * 1000000000ULL)

struct gk_blkfront_opts {
    unsigned int max_ring_order; /* the largest ring order to ask for (0: one page) */
    bool no_indirect;            /* never use indirect requests */
    uint64_t timeout_ns;         /* handshake and per-request bound (0: the default) */
};

struct gk_blkfront_info {
    char devid[16];             /* the vbd's id ("51712" for xvda) */
    uint16_t backend_id;        /* the backend's domain */
    uint64_t sectors;           /* the disk's size in sector_size units */
    uint32_t sector_size;       /* bytes per sector (512..4096) */
    uint32_t info;              /* PV_VDISK_* (PV_VDISK_READONLY: writes refused) */
    bool flush;                 /* feature-flush-cache */
    bool barrier;               /* feature-barrier */
    uint32_t max_indirect_segs; /* segments per indirect request (0: no indirect requests) */
    unsigned int ring_order;    /* the ring is 2^ring_order pages */
    unsigned int ring_slots;    /* requests it holds */
};

struct gk_blkfront_stats {
    unsigned long requests;         /* requests put on the ring */
    unsigned long indirect;         /* of which indirect */
    unsigned long max_inflight;     /* most requests on the ring at once */
    unsigned long bogus_responses;  /* responses with an id not in flight: dropped */
    unsigned long errors;           /* responses with an error status */
    unsigned long leaked_grants;    /* grants the backend kept: page never reused */
    unsigned long connects;         /* handshakes completed */
};

struct gk_blkfront;

/* Open vbd devid (NULL: the first vbd) and connect it; opts may be NULL. 0 and *out, or an
 * error: -PV_ENODEV (no xenstore or no vbd), -PV_ETIMEDOUT (the backend did not connect),
 * -PV_EINVAL (the backend's keys are malformed), -PV_ENOSPC (no grant entries or pages), ... */
long gk_blkfront_open(const char *devid, const struct gk_blkfront_opts *opts,
                      struct gk_blkfront **out);
const struct gk_blkfront_info *gk_blkfront_info(const struct gk_blkfront *b);
const struct gk_blkfront_stats *gk_blkfront_stats(const struct gk_blkfront *b);
bool gk_blkfront_connected(const struct gk_blkfront *b);

/* Read or write bytes at sector (512-byte units). 0, or -PV_EINVAL (alignment, beyond the
 * disk), -PV_EROFS (a read-only disk), -PV_EIO (the backend answered an error),
 * -PV_ENOTCONN (disconnected: see gk_blkfront_reconnect), -PV_ETIMEDOUT. */
long gk_blkfront_read(struct gk_blkfront *b, uint64_t sector, void *buf, size_t bytes);
long gk_blkfront_write(struct gk_blkfront *b, uint64_t sector, const void *buf, size_t bytes);
/* Make what was written durable: a cache flush (feature-flush-cache), else an empty write
 * barrier (feature-barrier); -PV_EOPNOTSUPP if the backend offers neither. */
long gk_blkfront_flush(struct gk_blkfront *b);

/* If the backend left (Closing/Closed), tear down and wait (until deadline, gk_time_now() ns)
 * for it to come back, then connect again. 0 when connected. */
long gk_blkfront_reconnect(struct gk_blkfront *b, uint64_t deadline);
/* Has the backend left? Looks at xenstore's queued watch events without waiting. */
bool gk_blkfront_backend_left(struct gk_blkfront *b);
/* Close: Closing, Closed, resources given back. */
long gk_blkfront_close(struct gk_blkfront *b);

/* Pieces shared with the unit tests (lib/blkfront_ring.c). */
struct gk_blkfront_seg {
    uint64_t page; /* page-aligned address */
    uint8_t first_sect, last_sect;
};
/* Cut [va, va + len) into at most max segments (a page each, 512-byte sectors first..last);
 * va and len multiples of 512. Returns the number, *taken the bytes they cover. */
unsigned int gk_blkfront_segments(uint64_t va, uint64_t len, struct gk_blkfront_seg *segs,
                                  unsigned int max, uint64_t *taken);
/* Check the backend's geometry: 0 or -PV_EINVAL. */
long gk_blkfront_check_geometry(uint64_t sectors, uint64_t sector_size);
/* Responses waiting on a ring of slots slots: prod - cons, or -1 if impossible. */
long gk_blkfront_ring_pending(uint32_t prod, uint32_t cons, uint32_t slots);
/* Notify the other end after producing old..new_prod given its event index? */
bool gk_blkfront_need_notify(uint32_t old, uint32_t new_prod, uint32_t event);
/* The in-flight slot of a response id (ids are generation << 8 | slot), or -1: not one of
 * nr slots, or not the id that slot holds (ids[slot], 0 when free). */
int gk_blkfront_id_slot(uint64_t id, const uint64_t *ids, unsigned int nr);
/* The ring order to ask for: the backend's offer (its max-ring-page-order, -1 if absent)
 * capped by want and GK_BLKFRONT_MAX_RING_ORDER. */
unsigned int gk_blkfront_ring_order(long offered, unsigned int want);

#endif /* GK_BLKFRONT_H */
