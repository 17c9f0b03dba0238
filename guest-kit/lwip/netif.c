/*
 * guest-kit/lwip: the lwIP network interface over netfront (gk_lwip.h): frames in and out, and
 * the loop step that drives lwIP's timers.
 */
#include "gk_lwip.h"

#include "gk/kit.h"
#include "gk/netfront.h"
#include "gk/time.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"

static unsigned long rx_dropped;

/* lwIP sends a frame: flattened (its pbufs may be a chain), then copied into a netfront page. */
static err_t linkoutput(struct netif *nif, struct pbuf *p)
{
    static uint8_t frame[GK_NETFRONT_MAX_FRAME];
    long rc;

    if (p->tot_len > sizeof(frame))
        return ERR_BUF;
    if (pbuf_copy_partial(p, frame, p->tot_len, 0) != p->tot_len)
        return ERR_BUF;
    rc = gk_netfront_send(nif->state, frame, p->tot_len);
    if (rc == -PV_EAGAIN)
        return ERR_MEM;
    return rc ? ERR_IF : ERR_OK;
}

err_t gk_lwip_netif_init(struct netif *nif)
{
    const struct gk_netfront_info *info = gk_netfront_info(nif->state);

    nif->name[0] = 'x';
    nif->name[1] = 'n';
    nif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(nif->hwaddr, info->mac, ETH_HWADDR_LEN);
    nif->mtu = GK_NETFRONT_MTU;
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    nif->output = etharp_output;
    nif->linkoutput = linkoutput;
    return ERR_OK;
}

/* netfront received a frame (valid only during this call): into a pbuf, up to lwIP. */
static void input(void *arg, const void *frame, size_t len)
{
    struct netif *nif = arg;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);

    if (!p) {
        rx_dropped++;
        return;
    }
    if (pbuf_take(p, frame, (u16_t)len) != ERR_OK || nif->input(p, nif) != ERR_OK)
        pbuf_free(p);
}

long gk_lwip_run(struct netif *nif, uint64_t max_wait_ns)
{
    long got = gk_netfront_poll(nif->state, input, nif);
    uint64_t wait = max_wait_ns;
    u32_t next;

    sys_check_timeouts();
    if (got < 0)
        return got;
    if (got > 0)
        return got; /* busy: look again at once */
    next = sys_timeouts_sleeptime();
    if (next != SYS_TIMEOUTS_SLEEPTIME_INFINITE && (uint64_t)next * GK_NS_PER_MS < wait)
        wait = (uint64_t)next * GK_NS_PER_MS;
    if (wait)
        gk_netfront_wait(nif->state, gk_time_now() + wait);
    return 0;
}

unsigned long gk_lwip_rx_dropped(void)
{
    return rx_dropped;
}
