/*
 * dom0-tools/xenstored/daemon.c - the daemon's state: the initial tree (as Xen's xenstored
 * creates it), quotas, and teardown.
 */
#include "xsd_core.h"
#include "xsd_plat.h"

void xsd_quota_defaults(struct xsd_quota *q)
{
    q->entries = 1000;
    q->watches = 128;
    q->transactions = 10;
    q->node_size = 2048;
    q->perms = 5;
    q->path_len = PV_XENSTORE_REL_PATH_MAX;
    q->txn_nodes = 1024;
    q->out_events = 256 * 1024;
}

static int initial_node(struct xsd_daemon *d, const char *path, const char *child)
{
    static const struct xsd_perm dom0_only = {0, XSD_PERM_NONE};
    uint32_t childlen = child ? (uint32_t)lib_strlen(child) + 1 : 0;
    struct xsd_node *n = xsd_node_new(path, &dom0_only, 1, NULL, 0, child, childlen);

    if (!n)
        return -PV_ENOMEM;
    xsd_store_put(d, n);
    return 0;
}

struct xsd_daemon *xsd_daemon_new(const struct xsd_quota *quota)
{
    struct xsd_daemon *d = xsd_zalloc(sizeof(*d));

    if (!d)
        return NULL;
    if (quota)
        d->quota = *quota;
    else
        xsd_quota_defaults(&d->quota);
    if (xsd_table_init(&d->store, 1024) || initial_node(d, "/", "tool") ||
        initial_node(d, "/tool", "xenstored") || initial_node(d, "/tool/xenstored", NULL) ||
        initial_node(d, "@introduceDomain", NULL) || initial_node(d, "@releaseDomain", NULL)) {
        xsd_daemon_free(d);
        return NULL;
    }
    return d;
}

void xsd_daemon_free(struct xsd_daemon *d)
{
    while (d->conns)
        xsd_conn_free(d->conns);
    xsd_dom_free_all(d);
    if (d->store.buckets)
        xsd_table_destroy(&d->store);
    xsd_plat_free(d);
}

void xsd_daemon_set_hooks(struct xsd_daemon *d, const struct xsd_dom_hooks *hooks)
{
    d->hooks = *hooks;
}

void xsd_daemon_trace(struct xsd_daemon *d, bool on)
{
    d->trace = on;
}
