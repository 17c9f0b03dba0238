/* tests/fuzz/host: guest-kit's netfront rings (guest-kit/lib/netfront_ring.c) against a backend
 * that writes anything into the shared pages: responses of any bytes, producer and event indexes
 * of any value, grants it keeps, grants that run out, interleaved with the frontend's sends and
 * polls. The frontend may drop, count or disconnect, but: a frame it hands on lies inside one of
 * its receive pages and is 14-1518 bytes; it never ends a grant twice, one it did not give, or
 * one it gave up on (the backend kept it); after a reset only those it gave up on are still
 * given. ASan catches any read outside
 * the exact-size pages. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gk/netfront.h"
#include "pv-abi/errno.h"
#include "fuzz_input.h"

#define NR_REFS 256
#define MAX_OPS 512

struct grant {
    void *page;
    bool active, held;
    bool given_up; /* the frontend's end failed: it must never touch this grant again */
};

static struct grant g[NR_REFS];
static bool grants_fail;
static void *all_rx[GK_NETFRONT_RX_BUFS], *all_tx[GK_NETFRONT_TX_BUFS]; /* as allocated */

static long f_grant(void *ctx, void *page, bool readonly)
{
    (void)ctx, (void)readonly;
    if (grants_fail)
        return -PV_ENOSPC;
    for (uint32_t ref = 8; ref < NR_REFS; ref++)
        if (!g[ref].active) {
            g[ref] = (struct grant){.page = page, .active = true};
            return ref;
        }
    return -PV_ENOSPC;
}

static bool f_end(void *ctx, uint32_t ref)
{
    (void)ctx;
    if (ref >= NR_REFS || !g[ref].active || g[ref].given_up)
        abort(); /* ends a grant it did not give, twice, or one it gave up */
    if (g[ref].held) {
        g[ref].given_up = true;
        return false;
    }
    g[ref].active = false;
    return true;
}

static const struct gk_netfront_ops ops = {.grant = f_grant, .end = f_end};

static void on_frame(void *arg, const void *frame, size_t len)
{
    const uint8_t *p = frame;
    unsigned long sum = 0;
    bool inside = false;

    (void)arg;
    if (len < GK_NETFRONT_MIN_FRAME || len > GK_NETFRONT_MAX_FRAME)
        abort();
    for (unsigned int i = 0; i < GK_NETFRONT_RX_BUFS; i++) {
        const uint8_t *page = all_rx[i];

        if (p >= page && p + len <= page + 4096)
            inside = true;
    }
    if (!inside)
        abort();
    for (size_t i = 0; i < len; i++) /* every byte readable */
        sum += p[i];
    (void)sum;
}

static void *page(void)
{
    void *p = aligned_alloc(4096, 4096);

    if (!p)
        abort();
    memset(p, 0, 4096);
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fzin in = {data, size};
    struct gk_netfront_stats st = {0};
    static struct gk_netfront_ring r;
    void *tx_ring = page(), *rx_ring = page();
    void *tx_pages[GK_NETFRONT_TX_BUFS], *rx_pages[GK_NETFRONT_RX_BUFS]; /* leaked ones NULL */
    uint32_t rx_prod = 0, tx_prod = 0; /* the backend's private producer indexes */
    uint8_t frame[2048];
    bool notify;

    memset(g, 0, sizeof(g));
    grants_fail = false;
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        tx_pages[i] = all_tx[i] = page();
    for (unsigned int i = 0; i < GK_NETFRONT_RX_BUFS; i++)
        rx_pages[i] = all_rx[i] = page();
    gk_netfront_ring_init(&r, tx_ring, rx_ring, tx_pages, rx_pages, &ops, NULL, &st);
    gk_netfront_ring_refill(&r);
    for (unsigned int op = 0; op < MAX_OPS && in.n; op++) {
        uint8_t code = fzin_u8(&in);
        union pv_netif_rx_sring_entry *rxs = (void *)((char *)rx_ring + 64);
        union pv_netif_tx_sring_entry *txs = (void *)((char *)tx_ring + 64);

        switch (code % 9) {
        case 0: { /* a receive slot: any bytes; data copied through the slot's grant if live */
            uint64_t v = fzin_u64(&in);
            uint32_t ref = rxs[rx_prod % PV_NETIF_RX_RING_SLOTS].req.gref;
            uint16_t len = fzin_u16(&in) % 4097;

            if (ref < NR_REFS && g[ref].active)
                memset(g[ref].page, code, len);
            memcpy(&rxs[rx_prod % PV_NETIF_RX_RING_SLOTS], &v, sizeof(v));
            rx_prod++;
            break;
        }
        case 1: { /* a transmit slot: any bytes */
            uint32_t v = fzin_u32(&in);

            memcpy(&txs[tx_prod % PV_NETIF_TX_RING_SLOTS].rsp, &v, sizeof(v));
            tx_prod++;
            break;
        }
        case 2: /* publish, or any producer index */
            ((struct pv_ring_sring_hdr *)rx_ring)->rsp_prod = code & 0x80 ? fzin_u32(&in) : rx_prod;
            break;
        case 3:
            ((struct pv_ring_sring_hdr *)tx_ring)->rsp_prod = code & 0x80 ? fzin_u32(&in) : tx_prod;
            break;
        case 4: /* the frontend sends */
            gk_netfront_ring_send(&r, frame, fzin_u16(&in) % sizeof(frame));
            break;
        case 5: /* the frontend polls; a broken ring is torn down and set up again */
            if (gk_netfront_ring_poll(&r, on_frame, NULL, &notify) < 0) {
                gk_netfront_ring_reset(&r);
                memset(tx_ring, 0, 4096);
                memset(rx_ring, 0, 4096);
                for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
                    tx_pages[i] = r.txb[i].page;
                for (unsigned int i = 0; i < GK_NETFRONT_RX_BUFS; i++)
                    rx_pages[i] = r.rxb[i].page;
                gk_netfront_ring_init(&r, tx_ring, rx_ring, tx_pages, rx_pages, &ops, NULL, &st);
                gk_netfront_ring_refill(&r);
                rx_prod = tx_prod = 0;
            }
            break;
        case 6: /* the backend keeps (or lets go of) a grant */
            g[fzin_u8(&in) % NR_REFS].held ^= true;
            break;
        case 7: /* the grant table runs out, or not */
            grants_fail = code & 0x80;
            break;
        case 8: /* the backend's event indexes */
            ((struct pv_ring_sring_hdr *)(code & 0x80 ? rx_ring : tx_ring))->req_event = fzin_u32(&in);
            break;
        }
    }
    /* Disconnection: every grant ended but those the backend kept when the frontend ended it. */
    gk_netfront_ring_reset(&r);
    for (unsigned int ref = 0; ref < NR_REFS; ref++)
        if (g[ref].active && !g[ref].given_up)
            abort();
    free(tx_ring);
    free(rx_ring);
    for (unsigned int i = 0; i < GK_NETFRONT_TX_BUFS; i++)
        free(all_tx[i]);
    for (unsigned int i = 0; i < GK_NETFRONT_RX_BUFS; i++)
        free(all_rx[i]);
    return 0;
}
