/* guest-kit/lwip: lwIP on netfront (docs/porting/drivers.md#lwip-on-netfront).
 *
 *     struct netif nif;
 *     netif_add(&nif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, netfront, gk_lwip_netif_init,
 *               netif_input);
 *     netif_set_default(&nif); netif_set_up(&nif); netif_set_link_up(&nif); dhcp_start(&nif);
 *     for (;;) gk_lwip_run(&nif, 100 * GK_NS_PER_MS);
 *
 * gk_lwip_netif_init() takes the struct gk_netfront * given as netif_add's state: the MAC and
 * MTU come from it, frames lwIP sends go out through gk_netfront_send(). gk_lwip_run() hands
 * what netfront received to lwIP, runs lwIP's timers, and sleeps until the next timer, a frame,
 * or at most max_wait_ns.
 */
#ifndef GK_LWIP_H
#define GK_LWIP_H

#include <stdint.h>

#include "lwip/netif.h"

err_t gk_lwip_netif_init(struct netif *nif);
/* One round: frames in, timers, then wait. The number of frames received, or a negative error
 * (-PV_ENOTCONN: the backend left). */
long gk_lwip_run(struct netif *nif, uint64_t max_wait_ns);
/* Frames dropped because lwIP had no pbuf for them. */
unsigned long gk_lwip_rx_dropped(void);

#endif /* GK_LWIP_H */
