/*
 * dom0-tools/xenstored/dom.c - domain records and the domain requests: INTRODUCE, RELEASE,
 * IS_DOMAIN_INTRODUCED, RESUME, SET_TARGET, GET_DOMAIN_PATH. The platform's hooks give an
 * introduced domain its transport (a ring and an event channel in dom0; nothing on Linux).
 */
#include "xsd_core.h"
#include "xsd_plat.h"

#define XSD_DOMID_FIRST_RESERVED 0x7FF0u

struct xsd_dom *xsd_dom_find(struct xsd_daemon *d, uint32_t domid)
{
    struct xsd_dom *dom;

    for (dom = d->doms; dom; dom = dom->next)
        if (dom->domid == domid)
            return dom;
    return NULL;
}

uint32_t xsd_dom_domid(const struct xsd_dom *dom)
{
    return dom->domid;
}

void xsd_dom_set_transport(struct xsd_dom *dom, void *transport)
{
    dom->transport = transport;
}

void *xsd_dom_transport(const struct xsd_dom *dom)
{
    return dom->transport;
}

bool xsd_parse_domid(const char *s, uint32_t *domid)
{
    uint64_t v;

    if (!xsd_parse_uint(s, 0xffff, &v))
        return false;
    *domid = (uint32_t)v;
    return true;
}

static int domid_arg(const char *payload, uint32_t len, uint32_t *domid)
{
    const char *arg = xsd_onearg(payload, len);

    return arg && xsd_parse_domid(arg, domid) ? 0 : -PV_EINVAL;
}

static void fire_special(struct xsd_daemon *d, const char *name)
{
    struct xsd_event *ev = xsd_event_new(name, false, NULL);

    if (ev) {
        xsd_event_fire(d, ev);
        xsd_plat_free(ev);
    }
}

static void count_owned(struct xsd_node *n, void *arg)
{
    struct xsd_dom *dom = arg;

    if (n->path[0] == '/' && xsd_node_owner(n) == dom->domid)
        dom->entries++;
}

/* The strings of a request that must carry at least want of them. */
static int split_args(const char *payload, uint32_t len, const char **args, unsigned int want)
{
    unsigned int i;

    if (xsd_count_strings(payload, len) < want)
        return -PV_EINVAL;
    for (i = 0; i < want; i++, payload += lib_strlen(payload) + 1)
        args[i] = payload;
    return 0;
}

static int new_dom(struct xsd_conn *c, uint32_t domid, uint64_t gfn, uint32_t port)
{
    struct xsd_daemon *d = c->d;
    struct xsd_dom *dom = xsd_zalloc(sizeof(*dom));
    int rc;

    if (!dom)
        return -PV_ENOMEM;
    dom->domid = domid;
    dom->target = XSD_NO_TARGET;
    dom->gfn = gfn;
    dom->port = port;
    rc = d->hooks.attach ? d->hooks.attach(d, dom, gfn, port) : 0;
    if (rc) {
        xsd_plat_free(dom);
        return rc;
    }
    rc = xsd_reply_ok(c);
    if (rc) {
        if (d->hooks.detach)
            d->hooks.detach(d, dom);
        xsd_plat_free(dom);
        return rc;
    }
    xsd_table_each(&d->store, count_owned, dom);
    dom->next = d->doms;
    d->doms = dom;
    xsd_log("domain %u introduced (gfn %llu, port %u)", domid, (unsigned long long)gfn, port);
    fire_special(d, "@introduceDomain");
    return 0;
}

int xsd_op_introduce(struct xsd_conn *c, const char *payload, uint32_t len)
{
    const char *args[3];
    uint32_t domid;
    uint64_t gfn, port;
    struct xsd_dom *dom;
    struct xsd_conn *i;

    if (split_args(payload, len, args, 3) || !xsd_parse_domid(args[0], &domid) ||
        !xsd_parse_uint(args[1], UINT64_MAX, &gfn) || !xsd_parse_uint(args[2], UINT32_MAX, &port))
        return -PV_EINVAL;
    if (!domid || domid >= XSD_DOMID_FIRST_RESERVED || !port)
        return -PV_EINVAL;
    dom = xsd_dom_find(c->d, domid);
    if (!dom)
        return new_dom(c, domid, gfn, (uint32_t)port);
    /* Introduced again (after a restore): its port is bound anew (Xen's xenstored rebinds
     * it) and the domain starts over on its connection. */
    if (c->d->hooks.rebind) {
        int rc = c->d->hooks.rebind(c->d, dom, (uint32_t)port);

        if (rc)
            return rc;
    }
    dom->port = (uint32_t)port;
    for (i = c->d->conns; i; i = i->next)
        if (i->domid == domid && i != c)
            xsd_conn_reset(i);
    return xsd_reply_ok(c);
}

/* A released domain's nodes go to dom0 and its entries in permission lists go away. */
static void disown(struct xsd_node *n, void *arg)
{
    const struct xsd_dom *dom = arg;
    uint32_t i = 1;

    if (n->perms[0].id == dom->domid)
        n->perms[0].id = 0;
    while (i < n->nperms) {
        if (n->perms[i].id == dom->domid) {
            memmove(&n->perms[i], &n->perms[i + 1], (n->nperms - i - 1) * sizeof(n->perms[0]));
            n->nperms--;
        } else {
            i++;
        }
    }
}

static void release(struct xsd_daemon *d, struct xsd_dom *dom)
{
    struct xsd_dom **pp;
    struct xsd_conn *c;

    for (pp = &d->doms; *pp != dom; pp = &(*pp)->next)
        ;
    *pp = dom->next;
    if (d->hooks.detach)
        d->hooks.detach(d, dom);
    for (c = d->conns; c; c = c->next)
        if (c->domid == dom->domid && !c->priv)
            c->dead = true;
    xsd_table_each(&d->store, disown, dom);
    xsd_log("domain %u released", dom->domid);
    xsd_plat_free(dom);
}

int xsd_op_release(struct xsd_conn *c, const char *payload, uint32_t len)
{
    uint32_t domid;
    struct xsd_dom *dom;
    int rc = domid_arg(payload, len, &domid);

    if (rc || !domid)
        return -PV_EINVAL;
    dom = xsd_dom_find(c->d, domid);
    if (!dom)
        return -PV_ENOENT;
    rc = xsd_reply_ok(c);
    if (rc)
        return rc;
    release(c->d, dom);
    fire_special(c->d, "@releaseDomain");
    return 0;
}

/* Xen's check_domain for one record: true if it was released (which fired the watch). */
static bool check_one(struct xsd_daemon *d, struct xsd_dom *dom, bool *notify)
{
    int info = d->hooks.dominfo(d, dom->domid);

    if (info < 0)
        return false;
    if ((info & XSD_DOMINFO_SHUTDOWN) && !dom->shutdown_reported) {
        dom->shutdown_reported = true;
        *notify = true;
    }
    if (!(info & (XSD_DOMINFO_DYING | XSD_DOMINFO_GONE)))
        return false;
    xsd_log("domain %u %s", dom->domid, info & XSD_DOMINFO_GONE ? "is gone" : "is dying");
    release(d, dom);
    fire_special(d, "@releaseDomain");
    *notify = false; /* as Xen: the release's own event covers the shutdowns seen so far */
    return true;
}

void xsd_check_domains(struct xsd_daemon *d)
{
    struct xsd_dom *dom;
    bool notify = false;

    if (!d->hooks.dominfo)
        return;
again:
    for (dom = d->doms; dom; dom = dom->next)
        if (check_one(d, dom, &notify))
            goto again; /* the list changed under us */
    if (notify)
        fire_special(d, "@releaseDomain");
}

int xsd_op_is_introduced(struct xsd_conn *c, const char *payload, uint32_t len)
{
    uint32_t domid;
    int rc = domid_arg(payload, len, &domid);

    if (rc)
        return rc;
    return xsd_reply(c, PV_XS_IS_DOMAIN_INTRODUCED, !domid || xsd_dom_find(c->d, domid) ? "T" : "F",
                     2);
}

int xsd_op_resume(struct xsd_conn *c, const char *payload, uint32_t len)
{
    uint32_t domid;
    struct xsd_dom *dom;
    int rc = domid_arg(payload, len, &domid);

    if (rc)
        return rc;
    dom = xsd_dom_find(c->d, domid);
    if (!dom)
        return -PV_ENOENT;
    dom->shutdown_reported = false;
    return xsd_reply_ok(c);
}

int xsd_op_set_target(struct xsd_conn *c, const char *payload, uint32_t len)
{
    const char *args[2];
    uint32_t domid, target;
    struct xsd_dom *dom;

    if (split_args(payload, len, args, 2) || !xsd_parse_domid(args[0], &domid) ||
        !xsd_parse_domid(args[1], &target))
        return -PV_EINVAL;
    dom = xsd_dom_find(c->d, domid);
    if (!dom || !xsd_dom_find(c->d, target))
        return -PV_ENOENT;
    dom->target = target;
    return xsd_reply_ok(c);
}

int xsd_op_get_domain_path(struct xsd_conn *c, const char *payload, uint32_t len)
{
    char path[32];
    uint32_t domid;
    int rc = domid_arg(payload, len, &domid);

    if (rc)
        return rc;
    return xsd_reply(c, PV_XS_GET_DOMAIN_PATH, path, xsd_path_domain_prefix(domid, path) + 1);
}

void xsd_dom_free_all(struct xsd_daemon *d)
{
    struct xsd_dom *dom;

    while ((dom = d->doms)) {
        d->doms = dom->next;
        if (d->hooks.detach)
            d->hooks.detach(d, dom);
        xsd_plat_free(dom);
    }
}
