/*
 * guest-kit: blkfront (gk/blkfront.h): the xenbus handshake with a block backend, the shared
 * ring (one page or 2^order), grants of the caller's pages, indirect requests, responses taken
 * through the event channel, disconnection and reconnection.
 */
#include "gk/blkfront.h"
#include "gk/gnttab.h"
#include "gk/kit.h"
#include "gk/time.h"
#include "gk/xenstore.h"
#include "pv-abi/io_blkif.h"
#include "pv-abi/io_xenstore.h"

/* Where the rings are mapped: L4 slot 49, 1 MiB per device. */
#define RING_VA 0x0000188000000000ULL
#define RING_VA_STRIDE 0x100000ULL
#define POLL_NS (100 * 1000000ULL)
#define GRANT_FRAMES 8 /* grant table frames the kit asks for: 4096 entries */

struct shadow {
    uint64_t id;     /* 0 when free */
    bool done;
    int16_t status;
    uint16_t nr_refs;
    uint32_t refs[GK_BLKFRONT_MAX_INDIRECT_SEGS];
    void *ind_page;      /* the page of segments (indirect), allocated on first use */
    int32_t ind_ref;     /* its grant while in flight, -1 if none */
};

struct gk_blkfront {
    bool used;
    unsigned int index;
    struct gk_blkfront_opts opts;
    struct gk_xenbus_dev xb;
    struct gk_blkfront_info info;
    struct gk_blkfront_stats stats;
    /* The ring while set up. */
    bool ring_up;
    bool connected;
    struct pv_ring_sring_hdr *sring;
    union pv_blkif_sring_entry *slots;
    void *ring_page[1U << GK_BLKFRONT_MAX_RING_ORDER];
    int32_t ring_ref[1U << GK_BLKFRONT_MAX_RING_ORDER];
    unsigned int ring_pages;
    uint32_t port;
    uint32_t req_prod_pvt, rsp_cons;
    /* Requests in flight. */
    struct shadow sh[GK_BLKFRONT_MAX_INFLIGHT];
    uint64_t ids[GK_BLKFRONT_MAX_INFLIGHT];
    unsigned int inflight;
    uint64_t gen;
    uint16_t handle; /* the vdev number, from the device id */
};

static struct gk_blkfront devs[GK_BLKFRONT_MAX_DEVS];

static uint64_t timeout(const struct gk_blkfront *b)
{
    return b->opts.timeout_ns ? b->opts.timeout_ns : GK_BLKFRONT_TIMEOUT_NS;
}

/* End a grant the backend should have let go; a grant still in use is never reused. */
static bool end_grant(struct gk_blkfront *b, uint32_t ref)
{
    if (gk_gnttab_end_wait(ref, 100) == 0)
        return true;
    b->stats.leaked_grants++;
    gk_printf("guest-kit: blkfront %s: backend still uses grant %u: leaked\n", b->info.devid, ref);
    return false;
}

/* Give back a finished (or abandoned) request's grants. false if one could not be ended (the
 * backend still uses a page: its data cannot be trusted). */
static bool release_shadow(struct gk_blkfront *b, struct shadow *s)
{
    bool ok = true;

    for (unsigned int i = 0; i < s->nr_refs; i++)
        ok &= end_grant(b, s->refs[i]);
    s->nr_refs = 0;
    if (s->ind_ref >= 0) {
        if (!end_grant(b, (uint32_t)s->ind_ref)) {
            s->ind_page = NULL; /* the backend may still read it: never reuse it */
            ok = false;
        }
        s->ind_ref = -1;
    }
    return ok;
}

/* ---- the ring ---- */

static void ring_free(struct gk_blkfront *b)
{
    if (b->port) {
        gk_evtchn_close(b->port);
        b->port = 0;
    }
    for (unsigned int i = 0; i < b->ring_pages; i++) {
        gk_unmap(gk_kernel_space(), RING_VA + b->index * RING_VA_STRIDE + i * 4096ULL);
        if (b->ring_ref[i] >= 0 && !end_grant(b, (uint32_t)b->ring_ref[i]))
            b->ring_page[i] = NULL; /* still mapped by the backend: leaked */
        b->ring_ref[i] = -1;
        if (b->ring_page[i])
            gk_page_free(b->ring_page[i]);
        b->ring_page[i] = NULL;
    }
    b->ring_pages = 0;
    b->ring_up = false;
    b->sring = NULL;
    b->slots = NULL;
}

/* Fail everything in flight (the connection is gone), giving back what can be. */
static void abandon_inflight(struct gk_blkfront *b)
{
    for (unsigned int i = 0; i < GK_BLKFRONT_MAX_INFLIGHT; i++) {
        struct shadow *s = &b->sh[i];

        if (!b->ids[i])
            continue;
        release_shadow(b, s);
        s->done = true;
        s->status = PV_BLKIF_RSP_ERROR;
        b->ids[i] = 0;
        s->id = 0;
    }
    b->inflight = 0;
}

/* The ring's keys, inside the transaction tx. */
static long keys(struct gk_xenbus_dev *d, uint32_t tx, void *arg)
{
    struct gk_blkfront *b = arg;
    char key[32], path[2 * GK_XENBUS_PATH_MAX];
    long rc;

    if (b->ring_pages == 1) {
        gk_xenbus_path(d, false, "ring-ref", path, sizeof(path));
        rc = gk_xs_printf(tx, path, "%d", b->ring_ref[0]);
    } else {
        gk_xenbus_path(d, false, "ring-page-order", path, sizeof(path));
        rc = gk_xs_printf(tx, path, "%u", b->info.ring_order);
        for (unsigned int i = 0; !rc && i < b->ring_pages; i++) {
            lib_snprintf(key, sizeof(key), "ring-ref%u", i);
            gk_xenbus_path(d, false, key, path, sizeof(path));
            rc = gk_xs_printf(tx, path, "%d", b->ring_ref[i]);
        }
    }
    if (!rc) {
        gk_xenbus_path(d, false, "event-channel", path, sizeof(path));
        rc = gk_xs_printf(tx, path, "%u", b->port);
    }
    if (!rc) {
        gk_xenbus_path(d, false, "protocol", path, sizeof(path));
        rc = gk_xs_write(tx, path, "x86_64-abi");
    }
    return rc;
}

static long ring_setup(struct gk_blkfront *b)
{
    uint64_t offered = 0;
    long has_order = gk_xenbus_read_u64(&b->xb, true, "max-ring-page-order", &offered);
    unsigned int order = gk_blkfront_ring_order(has_order ? -1 : (long)(offered > 64 ? 64 : offered),
                                                b->opts.max_ring_order);
    uint64_t va = RING_VA + b->index * RING_VA_STRIDE;
    long rc;

    b->ring_pages = 1U << order;
    for (unsigned int i = 0; i < b->ring_pages; i++) {
        b->ring_ref[i] = -1;
        b->ring_page[i] = gk_page_alloc();
        if (!b->ring_page[i])
            return -PV_ENOMEM;
        rc = gk_map(gk_kernel_space(), va + i * 4096ULL, gk_virt_to_mfn(b->ring_page[i]),
                    GK_PAGE_KERNEL);
        if (rc)
            return rc;
        rc = gk_gnttab_grant(b->xb.backend_id, gk_virt_to_mfn(b->ring_page[i]), false);
        if (rc < 0)
            return rc;
        b->ring_ref[i] = (int32_t)rc;
    }
    b->sring = (struct pv_ring_sring_hdr *)va;
    memset(b->sring, 0, b->ring_pages * 4096UL);
    b->sring->req_event = 1;
    b->sring->rsp_event = 1;
    b->slots = (union pv_blkif_sring_entry *)(va + sizeof(struct pv_ring_sring_hdr));
    b->info.ring_order = order;
    b->info.ring_slots = PV_BLKIF_RING_SLOTS(order);
    b->req_prod_pvt = 0;
    b->rsp_cons = 0;
    rc = gk_evtchn_alloc_unbound(b->xb.backend_id, &b->port);
    if (rc)
        return rc;
    b->ring_up = true;

    rc = gk_xenbus_write_keys(&b->xb, keys, b);
    if (rc)
        return rc;
    return gk_xenbus_switch(&b->xb, PV_XenbusStateInitialised);
}

/* The backend is Connected: read and check what it offers. */
static long read_backend_keys(struct gk_blkfront *b)
{
    uint64_t sectors, ssize = 512, info = 0, v;
    long rc = gk_xenbus_read_u64(&b->xb, true, "sectors", &sectors);

    if (rc)
        return rc == -PV_ENOENT ? -PV_EINVAL : rc;
    if (gk_xenbus_read_u64(&b->xb, true, "sector-size", &v) == 0)
        ssize = v;
    if (gk_xenbus_read_u64(&b->xb, true, "info", &v) == 0)
        info = v;
    if (gk_blkfront_check_geometry(sectors, ssize) || info > 0xffffffffULL) {
        gk_printf("guest-kit: blkfront %s: backend geometry refused (sectors %lu, sector-size "
                  "%lu, info %lu)\n", b->info.devid, (unsigned long)sectors, (unsigned long)ssize,
                  (unsigned long)info);
        return -PV_EINVAL;
    }
    b->info.sectors = sectors;
    b->info.sector_size = (uint32_t)ssize;
    b->info.info = (uint32_t)info;
    b->info.flush = gk_xenbus_read_u64(&b->xb, true, "feature-flush-cache", &v) == 0 && v;
    b->info.barrier = gk_xenbus_read_u64(&b->xb, true, "feature-barrier", &v) == 0 && v;
    b->info.max_indirect_segs = 0;
    if (!b->opts.no_indirect &&
        gk_xenbus_read_u64(&b->xb, true, "feature-max-indirect-segments", &v) == 0 &&
        v > PV_BLKIF_MAX_SEGMENTS_PER_REQUEST)
        b->info.max_indirect_segs =
            v > GK_BLKFRONT_MAX_INDIRECT_SEGS ? GK_BLKFRONT_MAX_INDIRECT_SEGS : (uint32_t)v;
    return 0;
}

/* Leave the connection: Closed, wait for the backend to let go, give everything back. */
static void disconnect(struct gk_blkfront *b)
{
    b->connected = false;
    gk_xenbus_leave(&b->xb, PV_XenbusStateClosed, gk_time_now() + timeout(b) / 4);
    abandon_inflight(b);
    ring_free(b);
}

/* Drive the handshake until connected, gone, or the deadline. */
static long drive(struct gk_blkfront *b, uint64_t deadline)
{
    for (;;) {
        int back = gk_xenbus_read_backend(&b->xb);
        enum gk_xenbus_action a = gk_xenbus_front_action(b->xb.state, back);
        long rc;

        if (b->xb.state == PV_XenbusStateConnected && back == PV_XenbusStateConnected)
            return b->connected ? 0 : -PV_EINVAL;
        switch (a) {
        case GK_XENBUS_SETUP:
            if (b->ring_up)
                ring_free(b);
            rc = ring_setup(b);
            if (rc) {
                gk_printf("guest-kit: blkfront %s: ring setup failed: %ld\n", b->info.devid, rc);
                ring_free(b);
                gk_xenbus_switch(&b->xb, PV_XenbusStateClosed);
                return rc;
            }
            continue;
        case GK_XENBUS_CONNECT:
            rc = read_backend_keys(b);
            if (rc) {
                disconnect(b);
                return rc;
            }
            rc = gk_xenbus_switch(&b->xb, PV_XenbusStateConnected);
            if (rc)
                return rc;
            b->connected = true;
            b->stats.connects++;
            return 0;
        case GK_XENBUS_CLOSE:
            disconnect(b);
            continue;
        case GK_XENBUS_RESET:
            rc = gk_xenbus_switch(&b->xb, PV_XenbusStateInitialising);
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
        gk_xs_watch_wait(b->xb.token, deadline, NULL, 0, NULL, 0);
        if (!gk_xs_ready())
            return -PV_EIO;
    }
}

long gk_blkfront_open(const char *devid, const struct gk_blkfront_opts *opts,
                      struct gk_blkfront **out)
{
    struct gk_blkfront *b = NULL;
    char id[16];
    long rc;

    rc = gk_xenbus_front_init(GRANT_FRAMES);
    if (rc)
        return rc;
    if (!devid) {
        rc = gk_xenbus_first("vbd", id, sizeof(id));
        if (rc)
            return rc == -PV_ENOENT ? -PV_ENODEV : rc;
        devid = id;
    }
    for (unsigned int i = 0; i < GK_BLKFRONT_MAX_DEVS && !b; i++)
        if (!devs[i].used)
            b = &devs[i];
    if (!b)
        return -PV_EBUSY;
    memset(b, 0, sizeof(*b));
    b->index = (unsigned int)(b - devs);
    if (opts)
        b->opts = *opts;
    for (unsigned int i = 0; i < GK_BLKFRONT_MAX_INFLIGHT; i++)
        b->sh[i].ind_ref = -1;
    lib_strlcpy(b->info.devid, devid, sizeof(b->info.devid));
    for (const char *p = devid; *p >= '0' && *p <= '9'; p++)
        b->handle = (uint16_t)(b->handle * 10 + (*p - '0'));
    rc = gk_xenbus_open(&b->xb, "vbd", devid);
    if (rc)
        return rc;
    b->info.backend_id = b->xb.backend_id;
    b->used = true;
    /* A frontend state left over from an earlier run: start from Closed. */
    if (b->xb.state != PV_XenbusStateInitialising && b->xb.state != PV_XenbusStateClosed)
        b->xb.state = PV_XenbusStateClosed;
    rc = drive(b, gk_time_now() + timeout(b));
    if (rc) {
        gk_xenbus_close(&b->xb);
        ring_free(b);
        b->used = false;
        return rc;
    }
    *out = b;
    return 0;
}

const struct gk_blkfront_info *gk_blkfront_info(const struct gk_blkfront *b)
{
    return &b->info;
}

const struct gk_blkfront_stats *gk_blkfront_stats(const struct gk_blkfront *b)
{
    return &b->stats;
}

bool gk_blkfront_connected(const struct gk_blkfront *b)
{
    return b->connected;
}

bool gk_blkfront_backend_left(struct gk_blkfront *b)
{
    if (gk_xenbus_backend_changed(&b->xb) || !gk_xs_ready()) {
        int s = gk_xenbus_read_backend(&b->xb);

        if (s != PV_XenbusStateConnected && b->connected) {
            gk_printf("guest-kit: blkfront %s: backend went %s\n", b->info.devid,
                      gk_xenbus_state_name(s));
            disconnect(b);
        }
    }
    return !b->connected;
}

long gk_blkfront_reconnect(struct gk_blkfront *b, uint64_t deadline)
{
    if (b->connected && !gk_blkfront_backend_left(b))
        return 0;
    if (b->ring_up)
        disconnect(b);
    return drive(b, deadline);
}

long gk_blkfront_close(struct gk_blkfront *b)
{
    if (!b->used)
        return -PV_EINVAL;
    b->connected = false;
    gk_xenbus_leave(&b->xb, PV_XenbusStateClosing, gk_time_now() + timeout(b) / 4);
    disconnect(b);
    gk_xenbus_close(&b->xb);
    for (unsigned int i = 0; i < GK_BLKFRONT_MAX_INFLIGHT; i++)
        if (b->sh[i].ind_page)
            gk_page_free(b->sh[i].ind_page);
    b->used = false;
    return 0;
}

/* ---- requests ---- */

/* Take the responses on the ring. -PV_EIO if the backend's index is impossible. */
static long take_responses(struct gk_blkfront *b)
{
    for (;;) {
        uint32_t prod = __atomic_load_n(&b->sring->rsp_prod, __ATOMIC_ACQUIRE);
        long n = gk_blkfront_ring_pending(prod, b->rsp_cons, b->info.ring_slots);

        if (n < 0) {
            gk_printf("guest-kit: blkfront %s: backend's rsp_prod %u impossible (consumed %u): "
                      "disconnecting\n", b->info.devid, prod, b->rsp_cons);
            return -PV_EIO;
        }
        for (; b->rsp_cons != prod; b->rsp_cons++) {
            struct pv_blkif_response r;
            int slot;

            /* One copy: the backend may rewrite the slot while we look. */
            memcpy(&r, &b->slots[b->rsp_cons & (b->info.ring_slots - 1)].rsp, sizeof(r));
            slot = gk_blkfront_id_slot(r.id, b->ids, GK_BLKFRONT_MAX_INFLIGHT);
            if (slot < 0) {
                b->stats.bogus_responses++;
                continue;
            }
            struct shadow *s = &b->sh[slot];
            s->status = r.status;
            if (!release_shadow(b, s) && r.status == PV_BLKIF_RSP_OKAY)
                s->status = PV_BLKIF_RSP_ERROR;
            if (s->status != PV_BLKIF_RSP_OKAY)
                b->stats.errors++;
            s->done = true;
            b->ids[slot] = 0;
            s->id = 0;
            b->inflight--;
        }
        /* Ask for an event at the next response, then look again (it may have come). */
        __atomic_store_n(&b->sring->rsp_event, b->rsp_cons + 1, __ATOMIC_SEQ_CST);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (__atomic_load_n(&b->sring->rsp_prod, __ATOMIC_ACQUIRE) == b->rsp_cons)
            return 0;
    }
}

static void push_requests(struct gk_blkfront *b, uint32_t old)
{
    __atomic_store_n(&b->sring->req_prod, b->req_prod_pvt, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (gk_blkfront_need_notify(old, b->req_prod_pvt,
                                __atomic_load_n(&b->sring->req_event, __ATOMIC_ACQUIRE)))
        gk_event_send(b->port);
}

static int free_slot(struct gk_blkfront *b)
{
    if (b->req_prod_pvt - b->rsp_cons >= b->info.ring_slots)
        return -1;
    for (unsigned int i = 0; i < GK_BLKFRONT_MAX_INFLIGHT; i++)
        if (!b->ids[i])
            return (int)i;
    return -1;
}

/* Queue one request for op over the next piece of [va, va + len) at sector; *taken the bytes
 * it covers. -PV_ENOSPC when grants ran out (nothing queued). */
static long queue_request(struct gk_blkfront *b, int slot, uint8_t op, uint64_t sector,
                          uint64_t va, uint64_t len, uint64_t *taken)
{
    static struct gk_blkfront_seg segs[GK_BLKFRONT_MAX_INDIRECT_SEGS];
    struct shadow *s = &b->sh[slot];
    unsigned int max = b->info.max_indirect_segs ? b->info.max_indirect_segs
                                                 : PV_BLKIF_MAX_SEGMENTS_PER_REQUEST;
    unsigned int n = len ? gk_blkfront_segments(va, len, segs, max, taken) : 0;
    bool indirect = n > PV_BLKIF_MAX_SEGMENTS_PER_REQUEST;
    union pv_blkif_sring_entry *e = &b->slots[b->req_prod_pvt & (b->info.ring_slots - 1)];
    uint64_t id = (++b->gen << 8) | (uint64_t)slot;

    if (!len)
        *taken = 0;
    if (indirect && !s->ind_page && !(s->ind_page = gk_page_alloc()))
        return -PV_ENOMEM;
    s->nr_refs = 0;
    s->ind_ref = -1;
    for (unsigned int i = 0; i < n; i++) {
        long ref = gk_gnttab_grant(b->xb.backend_id, gk_virt_to_mfn((void *)segs[i].page),
                                   op == PV_BLKIF_OP_WRITE);
        if (ref < 0) {
            release_shadow(b, s);
            return ref;
        }
        s->refs[s->nr_refs++] = (uint32_t)ref;
    }
    if (indirect) {
        struct pv_blkif_request_segment *is = s->ind_page;
        long ref;

        for (unsigned int i = 0; i < n; i++)
            is[i] = (struct pv_blkif_request_segment){
                .gref = s->refs[i], .first_sect = segs[i].first_sect, .last_sect = segs[i].last_sect};
        ref = gk_gnttab_grant(b->xb.backend_id, gk_virt_to_mfn(s->ind_page), true);
        if (ref < 0) {
            release_shadow(b, s);
            return ref;
        }
        s->ind_ref = (int32_t)ref;
        struct pv_blkif_request_indirect r = {
            .operation = PV_BLKIF_OP_INDIRECT, .indirect_op = op, .nr_segments = (uint16_t)n,
            .id = id, .sector_number = sector, .handle = b->handle,
        };
        r.indirect_grefs[0] = (uint32_t)ref;
        memcpy(&e->ind, &r, sizeof(r));
        b->stats.indirect++;
    } else {
        struct pv_blkif_request r = {
            .operation = op, .nr_segments = (uint8_t)n, .handle = b->handle, .id = id,
            .sector_number = sector};

        for (unsigned int i = 0; i < n; i++)
            r.seg[i] = (struct pv_blkif_request_segment){
                .gref = s->refs[i], .first_sect = segs[i].first_sect, .last_sect = segs[i].last_sect};
        memcpy(&e->req, &r, sizeof(r));
    }
    s->id = id;
    s->done = false;
    s->status = 0;
    b->ids[slot] = id;
    b->inflight++;
    if (b->inflight > b->stats.max_inflight)
        b->stats.max_inflight = b->inflight;
    b->req_prod_pvt++;
    b->stats.requests++;
    return 0;
}

static long status_error(int16_t status)
{
    return status == PV_BLKIF_RSP_EOPNOTSUPP ? -PV_EOPNOTSUPP : -PV_EIO;
}

/* Run op over [buf, buf + bytes) from sector: as many requests in flight as the ring and the
 * grants allow, until all answered. len 0: one request without segments (a flush). */
static long do_io(struct gk_blkfront *b, uint8_t op, uint64_t sector, uint64_t va, uint64_t bytes)
{
    uint64_t pos = 0, last_progress = gk_time_now();
    long err = 0;
    bool queued_flush = false;

    if (!b->used || !b->connected)
        return -PV_ENOTCONN;
    while (b->inflight || (!err && (pos < bytes || (bytes == 0 && !queued_flush)))) {
        uint32_t old = b->req_prod_pvt, seen = gk_event_counts[b->port];
        int slot;

        while (!err && (pos < bytes || (bytes == 0 && !queued_flush)) &&
               (slot = free_slot(b)) >= 0) {
            uint64_t taken = 0;
            long rc = queue_request(b, slot, op, sector + (pos >> 9), va + pos, bytes - pos, &taken);

            if (rc) {
                if (!b->inflight && b->req_prod_pvt == old)
                    err = rc; /* nothing in flight to wait for: give up */
                break;
            }
            pos += taken;
            queued_flush = true;
        }
        if (b->req_prod_pvt != old)
            push_requests(b, old);
        if (take_responses(b)) {
            disconnect(b);
            return -PV_EIO;
        }
        for (unsigned int i = 0; i < GK_BLKFRONT_MAX_INFLIGHT; i++) {
            struct shadow *s = &b->sh[i];

            if (s->done) {
                if (s->status != PV_BLKIF_RSP_OKAY && !err)
                    err = status_error(s->status);
                s->done = false;
                last_progress = gk_time_now();
            }
        }
        if (!b->inflight)
            continue;
        if (gk_blkfront_backend_left(b))
            return -PV_ENOTCONN;
        if (gk_time_now() - last_progress > timeout(b)) {
            gk_printf("guest-kit: blkfront %s: no response in %lu ms: disconnecting\n",
                      b->info.devid, (unsigned long)(timeout(b) / GK_NS_PER_MS));
            disconnect(b);
            return -PV_ETIMEDOUT;
        }
        gk_wait_event_until(b->port, seen, gk_time_now() + POLL_NS);
    }
    return err;
}

static long check_range(struct gk_blkfront *b, uint64_t sector, uint64_t va, uint64_t bytes)
{
    uint64_t ss = b->info.sector_size, end;

    if (!b->used || !b->connected)
        return -PV_ENOTCONN;
    if (!bytes || va % ss || bytes % ss || (sector << 9) % ss || sector > (~0ULL >> 9))
        return -PV_EINVAL;
    end = (sector << 9) + bytes;
    if (end < bytes || end > b->info.sectors * ss)
        return -PV_EINVAL;
    return 0;
}

long gk_blkfront_read(struct gk_blkfront *b, uint64_t sector, void *buf, size_t bytes)
{
    long rc = check_range(b, sector, (uint64_t)buf, bytes);

    return rc ? rc : do_io(b, PV_BLKIF_OP_READ, sector, (uint64_t)buf, bytes);
}

long gk_blkfront_write(struct gk_blkfront *b, uint64_t sector, const void *buf, size_t bytes)
{
    long rc = check_range(b, sector, (uint64_t)buf, bytes);

    if (rc)
        return rc;
    if (b->info.info & PV_VDISK_READONLY)
        return -PV_EROFS;
    return do_io(b, PV_BLKIF_OP_WRITE, sector, (uint64_t)buf, bytes);
}

long gk_blkfront_flush(struct gk_blkfront *b)
{
    if (!b->used || !b->connected)
        return -PV_ENOTCONN;
    if (b->info.flush)
        return do_io(b, PV_BLKIF_OP_FLUSH_DISKCACHE, 0, 0, 0);
    if (b->info.barrier)
        return do_io(b, PV_BLKIF_OP_WRITE_BARRIER, 0, 0, 0);
    return -PV_EOPNOTSUPP;
}
