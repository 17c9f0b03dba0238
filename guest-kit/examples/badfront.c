/*
 * guest-kit example: a hostile frontend, for the negative tests of dom0's backends (Linux's
 * xen-blkback and xen-netback; tests/system's block and network scenarios). It takes its first
 * vbd or vif and does the xenbus handshake wrongly on purpose:
 *   how=nogrant  the ring references it writes were never granted (the backend's map fails);
 *   how=garbage  real, granted rings full of garbage: random requests, then a request producer
 *                index far beyond the ring's size, with a notification after each.
 * Command line: kind=vbd|vif how=nogrant|garbage. It reports on its console what it did and the
 * backend's state some seconds later ("BADFRONT ..." lines, then "BADFRONT done"), then idles
 * (up to an hour) so that dom0 can look at the backend before it destroys the domain.
 */
#include "gk/events.h"
#include "gk/gnttab.h"
#include "gk/kit.h"
#include "gk/mm.h"
#include "gk/time.h"
#include "gk/xenbus.h"
#include "gk/xenstore.h"
#include "pv-abi/io_blkif.h"
#include "pv-abi/io_netif.h"
#include "pv-abi/io_xenstore.h"

#define GRANT_FRAMES 4
#define WAIT_NS (120 * 1000000000ULL)
#define SETTLE_NS (5 * 1000000000ULL)

struct bad {
    struct gk_xenbus_dev xb;
    bool vif, nogrant;
    void *page[2];      /* vbd: the ring; vif: tx and rx rings */
    int32_t ref[2];
    uint32_t port;
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* The keys of a frontend of this kind, with the references chosen (granted or not). */
static long keys(struct gk_xenbus_dev *d, uint32_t tx, void *arg)
{
    static const char *const vif_fixed[][2] = {
        {"request-rx-copy", "1"}, {"feature-rx-notify", "1"}, {"feature-sg", "0"},
        {"feature-no-csum-offload", "1"},
    };
    struct bad *b = arg;
    char path[2 * GK_XENBUS_PATH_MAX];
    long rc;

    gk_xenbus_path(d, false, b->vif ? "tx-ring-ref" : "ring-ref", path, sizeof(path));
    rc = gk_xs_printf(tx, path, "%d", b->ref[0]);
    if (!rc && b->vif) {
        gk_xenbus_path(d, false, "rx-ring-ref", path, sizeof(path));
        rc = gk_xs_printf(tx, path, "%d", b->ref[1]);
    }
    if (!rc) {
        gk_xenbus_path(d, false, "event-channel", path, sizeof(path));
        rc = gk_xs_printf(tx, path, "%u", b->port);
    }
    if (!rc && !b->vif) {
        gk_xenbus_path(d, false, "protocol", path, sizeof(path));
        rc = gk_xs_write(tx, path, "x86_64-abi");
    }
    for (unsigned int i = 0; !rc && b->vif && i < sizeof(vif_fixed) / sizeof(vif_fixed[0]); i++) {
        gk_xenbus_path(d, false, vif_fixed[i][0], path, sizeof(path));
        rc = gk_xs_write(tx, path, vif_fixed[i][1]);
    }
    return rc;
}

/* Rings (granted, or references never granted: the last entries of the table) and the channel,
 * the keys, then Initialised (vbd) or Connected (vif: netback connects on Connected). */
static long setup(struct bad *b)
{
    unsigned int rings = b->vif ? 2 : 1;
    long rc;

    for (unsigned int i = 0; i < rings; i++) {
        if (!(b->page[i] = gk_page_alloc()))
            return -PV_ENOMEM;
        memset(b->page[i], 0, 4096);
        if (b->nogrant) {
            b->ref[i] = (int32_t)(gk_gnttab_nr_entries() - 1 - i);
            continue;
        }
        rc = gk_gnttab_grant(b->xb.backend_id, gk_virt_to_mfn(b->page[i]), false);
        if (rc < 0)
            return rc;
        b->ref[i] = (int32_t)rc;
    }
    rc = gk_evtchn_alloc_unbound(b->xb.backend_id, &b->port);
    if (!rc)
        rc = gk_xenbus_write_keys(&b->xb, keys, b);
    if (!rc)
        rc = gk_xenbus_switch(&b->xb, b->vif ? PV_XenbusStateConnected : PV_XenbusStateInitialised);
    return rc;
}

/* Garbage on a granted ring: random bytes in every slot, a few requests produced, a notify;
 * then the producer index far beyond the ring, a notify. */
static void garbage(struct bad *b)
{
    for (unsigned int i = 0; i < (b->vif ? 2u : 1u); i++) {
        struct pv_ring_sring_hdr *s = b->page[i];
        uint64_t *w = (uint64_t *)((uint8_t *)b->page[i] + sizeof(*s));

        for (unsigned int j = 0; j < (4096 - sizeof(*s)) / 8; j++)
            w[j] = next_random();
        __atomic_store_n(&s->req_prod, 7, __ATOMIC_RELEASE);
    }
    gk_event_send(b->port);
    gk_sleep_ns(SETTLE_NS);
    gk_printf("BADFRONT garbage requests sent: rsp_prod %u\n",
              __atomic_load_n(&((struct pv_ring_sring_hdr *)b->page[0])->rsp_prod,
                              __ATOMIC_ACQUIRE));
    for (unsigned int i = 0; i < (b->vif ? 2u : 1u); i++)
        __atomic_store_n(&((struct pv_ring_sring_hdr *)b->page[i])->req_prod, 0x7fff0000u,
                         __ATOMIC_RELEASE);
    gk_event_send(b->port);
    gk_printf("BADFRONT producer index overflowed\n");
}

void gk_main(void)
{
    struct bad b = {.ref = {-1, -1}};
    char kind[8] = "", how[16] = "", id[32];
    uint64_t deadline;
    long rc;
    int state;

    gk_cmdline_get("kind", kind, sizeof(kind));
    gk_cmdline_get("how", how, sizeof(how));
    b.vif = !lib_strcmp(kind, "vif");
    b.nogrant = !lib_strcmp(how, "nogrant");
    if ((!b.vif && lib_strcmp(kind, "vbd")) || (!b.nogrant && lib_strcmp(how, "garbage"))) {
        gk_printf("BADFRONT FAIL: kind=vbd|vif how=nogrant|garbage, not '%s' '%s'\n", kind, how);
        gk_poweroff();
    }
    rc = gk_shared_info_map();
    if (!rc)
        rc = gk_xenbus_front_init(GRANT_FRAMES);
    if (!rc)
        rc = gk_xenbus_first(kind, id, sizeof(id));
    if (!rc)
        rc = gk_xenbus_open(&b.xb, kind, id);
    if (rc) {
        gk_printf("BADFRONT FAIL: no %s (%ld)\n", kind, rc);
        gk_poweroff();
    }
    deadline = gk_time_now() + WAIT_NS;
    state = gk_xenbus_wait_backend(&b.xb, 1U << PV_XenbusStateInitWait, deadline);
    gk_printf("BADFRONT %s %s: backend %s at %s\n", kind, id, b.xb.backend,
              gk_xenbus_state_name(state));
    rc = setup(&b);
    gk_printf("BADFRONT keys written (%ld): refs %d %d, port %u%s\n", rc, b.ref[0], b.ref[1],
              b.port, b.nogrant ? ", never granted" : "");
    if (!b.nogrant) {
        state = gk_xenbus_wait_backend(&b.xb, 1U << PV_XenbusStateConnected |
                                                  1U << PV_XenbusStateClosing |
                                                  1U << PV_XenbusStateClosed,
                                       gk_time_now() + WAIT_NS);
        gk_printf("BADFRONT backend %s\n", gk_xenbus_state_name(state));
        garbage(&b);
    }
    gk_sleep_ns(SETTLE_NS);
    gk_printf("BADFRONT backend now %s\n", gk_xenbus_state_name(gk_xenbus_read_backend(&b.xb)));
    gk_printf("BADFRONT done\n");
    gk_sleep_ns(3600 * 1000000000ULL);
    gk_poweroff();
}
