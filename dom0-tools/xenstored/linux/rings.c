/*
 * dom0-tools/xenstored/linux/rings.c - ring connections in dom0: dom0's own kernel (its local
 * store page and port, as Xen's xenstored finds them) and every INTRODUCEd domain (its store page
 * mapped through gntdev or privcmd, its port bound through /dev/xen/evtchn).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv-abi/errno.h"
#include "../xsd_plat.h"
#include "../xsd_ring.h"
#include "linux.h"
#include "xendev.h"

struct lring {
    struct lring *next;
    uint32_t domid, lport;
    struct xendev_page page;
    struct xsd_ring ring;
    struct xsd_conn *conn;
    bool kicked; /* output was queued: serve after this round */
};

static int evfd = -1;
static struct lring *rings;
static struct xsd_daemon *daemon_of_rings; /* for VIRQ_DOM_EXC's checks */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    xsd_plat_log(line);
}

static void ring_notify(void *ctx)
{
    struct lring *r = ctx;

    xendev_evtchn_notify(evfd, r->lport);
}

static void ring_kick(struct xsd_conn *c)
{
    struct lring *r = xsd_conn_transport(c);

    r->kicked = true;
}

static const struct xsd_conn_ops ring_ops = {.kick = ring_kick};

static void ring_serve(struct lring *r)
{
    r->kicked = false;
    if (!r->ring.broken && xsd_ring_service(&r->ring))
        say("domain %u: ring broken (local port %u): no more service", r->domid, r->lport);
}

static void ring_free(struct lring *r)
{
    struct lring **pp;

    for (pp = &rings; *pp && *pp != r; pp = &(*pp)->next)
        ;
    if (*pp)
        *pp = r->next;
    if (r->lport)
        xendev_evtchn_unbind(evfd, r->lport);
    if (r->conn)
        xsd_conn_free(r->conn);
    xendev_unmap(&r->page);
    free(r);
}

/* Binds the port, makes the connection, notifies the domain and serves what it already queued:
 * now (dom0's kernel, before the loop) or at the end of this round (an INTRODUCE: the core is
 * inside that request and does not know the domain yet); 0 or -errno. */
static int ring_start(struct xsd_daemon *d, struct lring *r, uint32_t port, bool privileged)
{
    int lport = xendev_evtchn_bind(evfd, r->domid, port);

    if (lport < 0)
        return lport;
    r->lport = (uint32_t)lport;
    r->conn = xsd_conn_new(d, r->domid, privileged, &ring_ops, r);
    if (!r->conn)
        return -ENOMEM;
    xsd_ring_init(&r->ring, r->page.page, r->conn, ring_notify, r);
    r->next = rings;
    rings = r;
    if (privileged)
        ring_serve(r);
    else
        r->kicked = true;
    ring_notify(r); /* as Xen's xenstored: the kernel waits for this to probe */
    return 0;
}

/* The core's attach hook (INTRODUCE): a negative PV_E* code on failure. */
static int rings_attach(struct xsd_daemon *d, struct xsd_dom *dom, uint64_t gfn, uint32_t port)
{
    struct lring *r = calloc(1, sizeof(*r));
    int rc;

    if (!r)
        return -PV_ENOMEM;
    r->domid = xsd_dom_domid(dom);
    rc = xendev_map_domain(&r->page, r->domid, gfn);
    if (rc)
        say("domain %u: cannot map its store page (grant 1, frame %#llx): %s", r->domid,
            (unsigned long long)gfn, strerror(-rc));
    else if ((rc = ring_start(d, r, port, false)))
        say("domain %u: cannot bind its port %u: %s", r->domid, port, strerror(-rc));
    if (rc) {
        ring_free(r);
        return rc; /* Linux's errno values are Xen's; xenstored names the ones it knows */
    }
    xsd_dom_set_transport(dom, r);
    say("domain %u: store page through %s, its port %u bound to our %u", r->domid, r->page.how,
        port, r->lport);
    return 0;
}

static void rings_detach(struct xsd_daemon *d, struct xsd_dom *dom)
{
    struct lring *r = xsd_dom_transport(dom);

    (void)d;
    if (r)
        ring_free(r);
    xsd_dom_set_transport(dom, NULL);
}

/* Introduced again: unbind the old port, bind the new one (as Xen's xenstored). */
static int rings_rebind(struct xsd_daemon *d, struct xsd_dom *dom, uint32_t port)
{
    struct lring *r = xsd_dom_transport(dom);
    int lport;

    (void)d;
    if (!r)
        return -PV_EINVAL;
    lport = xendev_evtchn_bind(evfd, r->domid, port);
    if (lport < 0) {
        say("domain %u: cannot bind its new port %u: %s", r->domid, port, strerror(-lport));
        return lport;
    }
    xendev_evtchn_unbind(evfd, r->lport);
    r->lport = (uint32_t)lport;
    r->kicked = true;
    ring_notify(r);
    return 0;
}

static const struct xsd_dom_hooks ring_hooks = {.attach = rings_attach,
                                                .detach = rings_detach,
                                                .rebind = rings_rebind,
                                                .dominfo = linux_domexc_dominfo};

/* dom0's kernel: its local store page (XS_LOCAL), served as a privileged connection. */
static int dom0_start(struct xsd_daemon *d)
{
    struct lring *r = calloc(1, sizeof(*r));
    uint32_t port = 0;
    int rc;

    if (!r)
        return -ENOMEM;
    rc = xendev_dom0_store(&r->page, &port);
    if (rc)
        say("dom0's store page and port not found: %s", strerror(-rc));
    else if ((rc = ring_start(d, r, port, true)))
        say("dom0's store port %u: cannot bind: %s", port, strerror(-rc));
    else
        say("serving dom0's kernel: its port %u, ours %u (through %s)", port, r->lport,
            r->page.how);
    if (rc)
        ring_free(r);
    return rc;
}

int linux_rings_init(struct xsd_daemon *d, bool dom0)
{
    evfd = xendev_evtchn_open();
    if (evfd < 0) {
        say("no /dev/xen/evtchn (%s): serving the socket only", strerror(-evfd));
        evfd = -1;
        return -1;
    }
    xsd_daemon_set_hooks(d, &ring_hooks);
    daemon_of_rings = d;
    if (dom0) {
        dom0_start(d);
        linux_domexc_init(evfd);
    }
    return evfd;
}

static struct lring *ring_of_port(uint32_t lport)
{
    struct lring *r;

    for (r = rings; r && r->lport != lport; r = r->next)
        ;
    return r;
}

void linux_rings_event(void)
{
    uint32_t ports[64];
    size_t n, i;
    struct lring *r;

    while ((n = xendev_evtchn_pending(evfd, ports, 64)))
        for (i = 0; i < n; i++) {
            xendev_evtchn_unmask(evfd, ports[i]);
            if (linux_domexc_port(ports[i]))
                xsd_check_domains(daemon_of_rings); /* may release rings */
            else if ((r = ring_of_port(ports[i])))
                ring_serve(r);
        }
}

void linux_rings_flush(void)
{
    struct lring *r;

    /* From the head each time: serving one ring can queue output for another (watch events)
     * or release another domain (its ring is freed). */
    for (;;) {
        for (r = rings; r && !r->kicked; r = r->next)
            ;
        if (!r)
            return;
        ring_serve(r);
    }
}

void linux_rings_close(struct xsd_daemon *d)
{
    static const struct xsd_dom_hooks none;

    xsd_daemon_set_hooks(d, &none); /* the rings go here, not through the domains' records */
    linux_domexc_close();
    while (rings)
        ring_free(rings);
    if (evfd >= 0)
        close(evfd);
    evfd = -1;
}
