/*
 * dom0-tools/xenstored/xenstored.h - the xenstored core as a transport sees it.
 *
 * A transport (the Unix socket of the Linux program, a guest's ring page in dom0) creates a
 * connection per peer with the domain id it speaks for, hands the core the bytes it receives
 * and sends the bytes the core queues. The core never blocks and never calls the transport
 * except through xsd_conn_ops.
 */
#ifndef XENSTORED_H
#define XENSTORED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xsd_daemon;
struct xsd_conn;
struct xsd_dom;

/* Limits; the defaults are Xen's. Privileged connections are exempt from all but out_events. */
struct xsd_quota {
    unsigned int entries;      /* nodes a domain may own */
    unsigned int watches;      /* watches per connection (E2BIG beyond) */
    unsigned int transactions; /* open transactions per connection (ENOSPC beyond) */
    unsigned int node_size;    /* bytes of value + child names + 8 per permission */
    unsigned int perms;        /* permission entries per node */
    unsigned int path_len;     /* path length after /local/domain/<id>/ */
    unsigned int txn_nodes;    /* nodes one transaction may touch */
    unsigned int out_events;   /* queued watch-event bytes per connection before events drop */
};

/* Set by the platform to give INTRODUCEd domains a transport (NULL: record them only). */
struct xsd_dom_hooks {
    /* Map the ring page and bind the event channel; 0 or a negative PV_E* code. */
    int (*attach)(struct xsd_daemon *d, struct xsd_dom *dom, uint64_t gfn, uint32_t port);
    /* Undo attach (the domain was released). */
    void (*detach)(struct xsd_daemon *d, struct xsd_dom *dom);
    /* Introduced again (after a restore): bind its new port; 0 or a negative PV_E* code. May be
     * NULL. */
    int (*rebind)(struct xsd_daemon *d, struct xsd_dom *dom, uint32_t port);
    /* The hypervisor's view of domain domid (Xen's getdomaininfo of exactly that domain):
     * XSD_DOMINFO_* flags, XSD_DOMINFO_GONE if it no longer exists, or a negative PV_E* code
     * when the hypervisor cannot be asked (the domain is then left as it is). May be NULL. */
    int (*dominfo)(struct xsd_daemon *d, uint32_t domid);
};
#define XSD_DOMINFO_SHUTDOWN 1u /* shut down or crashed (XEN_DOMINF_shutdown) */
#define XSD_DOMINFO_DYING 2u    /* being destroyed (XEN_DOMINF_dying) */
#define XSD_DOMINFO_GONE 4u     /* no such domain any more */

/* A domain changed state (the platform got VIRQ_DOM_EXC): Xen's check_domains. Each introduced
 * domain is asked about through the dominfo hook; one newly shut down or crashed fires
 * @releaseDomain (once, until RESUME); one dying or gone is released (its connection closed,
 * its nodes and permissions given to dom0), which fires @releaseDomain as RELEASE does. */
void xsd_check_domains(struct xsd_daemon *d);

/* What the core asks of a connection's transport. */
struct xsd_conn_ops {
    /* Output was queued (a reply or a watch event); may be NULL if the transport polls. */
    void (*kick)(struct xsd_conn *c);
};

struct xsd_daemon *xsd_daemon_new(const struct xsd_quota *quota);
void xsd_daemon_free(struct xsd_daemon *d);
void xsd_daemon_set_hooks(struct xsd_daemon *d, const struct xsd_dom_hooks *hooks);
void xsd_quota_defaults(struct xsd_quota *q);
/* Log every request and reply (CONTROL log|on does the same). */
void xsd_daemon_trace(struct xsd_daemon *d, bool on);

/* A connection speaking for domid; privileged (dom0's tools) or not. NULL: no memory. */
struct xsd_conn *xsd_conn_new(struct xsd_daemon *d, uint32_t domid, bool privileged,
                              const struct xsd_conn_ops *ops, void *transport);
/* Drops the connection's watches, transactions and queued output. */
void xsd_conn_free(struct xsd_conn *c);
void *xsd_conn_transport(const struct xsd_conn *c);
uint32_t xsd_conn_domid(const struct xsd_conn *c);
/* True once the core wants the connection closed (its domain was released). */
bool xsd_conn_dead(const struct xsd_conn *c);

/*
 * Input: where the next received bytes go and how many the core wants (0 while the
 * connection's output backlog is too long to accept more requests). After copying n bytes
 * there, call xsd_conn_received(); it processes a request when one is complete. It returns 0,
 * or -PV_E2BIG when the header announces a payload over PV_XENSTORE_PAYLOAD_MAX: a protocol
 * violation after which the transport must stop serving the peer.
 */
size_t xsd_conn_in_space(struct xsd_conn *c, void **buf);
int xsd_conn_received(struct xsd_conn *c, size_t n);
/* True while a partly received message is held. */
bool xsd_conn_in_partial(const struct xsd_conn *c);

/* Output: the next contiguous bytes to send (0 if none); then how many were sent. */
size_t xsd_conn_out_peek(struct xsd_conn *c, const void **buf);
void xsd_conn_out_done(struct xsd_conn *c, size_t n);
/* Forget queued output and any partial input (a ring reconnection). */
void xsd_conn_reset(struct xsd_conn *c);

/* Domain records (INTRODUCE): the platform's per-domain transport state lives here. */
uint32_t xsd_dom_domid(const struct xsd_dom *dom);
void xsd_dom_set_transport(struct xsd_dom *dom, void *transport);
void *xsd_dom_transport(const struct xsd_dom *dom);

#endif /* XENSTORED_H */
