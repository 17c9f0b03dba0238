/*
 * dom0-tools/xenstored/xsd_ring.h - the xenstore ring page as a transport for a connection.
 *
 * The platform maps a domain's ring page, binds its event channel, and calls xsd_ring_service
 * whenever the channel fires (and after the core kicks the connection). The ring code never
 * trusts the guest's view of xenstored's own indexes: it keeps its own copies.
 */
#ifndef XSD_RING_H
#define XSD_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "pv-abi/io_xenstore.h"
#include "xenstored.h"

struct xsd_ring {
    struct pv_xenstore_domain_interface *intf;
    void (*notify)(void *ctx); /* signal the domain's event channel */
    void *ctx;
    struct xsd_conn *conn;
    uint32_t req_cons, rsp_prod; /* ours; written to the page, never read back */
    bool broken;                 /* an error was reported in intf->error: no more service */
};

/* Starts serving a ring page for connection c; advertises reconnection and error reporting. */
void xsd_ring_init(struct xsd_ring *r, struct pv_xenstore_domain_interface *intf,
                   struct xsd_conn *c, void (*notify)(void *ctx), void *ctx);
/*
 * Moves requests in and replies out until neither can progress, then signals the domain if
 * anything moved. Returns 0, or a negative PV_E* code once the ring is broken (an impossible
 * index or an oversized message: intf->error says which).
 */
int xsd_ring_service(struct xsd_ring *r);

#endif /* XSD_RING_H */
