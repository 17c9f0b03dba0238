/*
 * dom0-tools/xenstored/watch.c - WATCH, UNWATCH and the events they produce. A watch fires
 * once when set, then for every change at or below its path (any change, for a watch on "/"),
 * but only to connections that may read the node, its former self, or its parent.
 */
#include "xsd_core.h"
#include "xsd_plat.h"

struct xsd_event *xsd_event_new(const char *path, bool exact, const struct xsd_node *before)
{
    uint32_t nperms = before ? before->nperms : 0;
    size_t plen = lib_strlen(path) + 1;
    struct xsd_event *ev = xsd_plat_alloc(sizeof(*ev) + nperms * sizeof(struct xsd_perm) + plen);

    if (!ev) {
        xsd_log("no memory: watch event for %s lost", path);
        return NULL;
    }
    ev->next = NULL;
    ev->exact = exact;
    ev->nperms = nperms;
    ev->perms = (struct xsd_perm *)(ev + 1);
    if (nperms)
        memcpy(ev->perms, before->perms, nperms * sizeof(struct xsd_perm));
    ev->path = (char *)(ev->perms + nperms);
    memcpy(ev->path, path, plen);
    return ev;
}

static bool readable(const struct xsd_conn *c, const struct xsd_node *n)
{
    return n && (xsd_perm_for(c, n->perms, n->nperms) & XSD_PERM_READ);
}

static bool event_permitted(const struct xsd_conn *c, const struct xsd_event *ev)
{
    const struct xsd_table *store = &c->d->store;
    const struct xsd_node *n;
    char parent[XSD_PATH_BUF];

    if (c->priv)
        return true;
    if (ev->nperms && (xsd_perm_for(c, ev->perms, ev->nperms) & XSD_PERM_READ))
        return true;
    n = xsd_table_get(store, ev->path);
    if (!n)
        return false;
    if (readable(c, n))
        return true;
    return xsd_path_parent(ev->path, parent) && readable(c, xsd_table_get(store, parent));
}

static bool watch_matches(const struct xsd_watch *w, const struct xsd_event *ev)
{
    if (ev->exact)
        return xsd_streq(ev->path, w->path);
    return xsd_streq(w->path, "/") || xsd_path_is_child(ev->path, w->path);
}

void xsd_event_fire(struct xsd_daemon *d, const struct xsd_event *ev)
{
    struct xsd_conn *c;
    const struct xsd_watch *w;

    for (c = d->conns; c; c = c->next) {
        if (c->dead || !c->watches || !event_permitted(c, ev))
            continue;
        for (w = c->watches; w; w = w->next)
            if (watch_matches(w, ev))
                xsd_conn_event(c, ev->path + w->rel_off, w->token);
    }
}

/* The two strings of a WATCH or UNWATCH request, the path made canonical. */
static int watch_args(struct xsd_conn *c, const char *payload, uint32_t len, char *path,
                      const char **token)
{
    int rc;

    if (xsd_count_strings(payload, len) != 2 || payload[len - 1])
        return -PV_EINVAL;
    rc = xsd_path_canon(c, payload, true, path);
    if (rc)
        return rc;
    *token = payload + lib_strlen(payload) + 1;
    return 0;
}

static struct xsd_watch *watch_find(struct xsd_conn *c, const char *path, const char *token)
{
    struct xsd_watch *w;

    for (w = c->watches; w; w = w->next)
        if (xsd_streq(w->path, path) && xsd_streq(w->token, token))
            return w;
    return NULL;
}

int xsd_op_watch(struct xsd_conn *c, const char *payload, uint32_t len)
{
    char path[XSD_PATH_BUF];
    const char *token;
    size_t plen, tlen;
    struct xsd_watch *w, **pp;
    int rc = watch_args(c, payload, len, path, &token);

    if (rc)
        return rc;
    if (watch_find(c, path, token))
        return -PV_EEXIST;
    if (xsd_unpriv(c) && c->nwatches >= c->d->quota.watches)
        return -PV_E2BIG;
    plen = lib_strlen(path) + 1;
    tlen = lib_strlen(token) + 1;
    w = xsd_plat_alloc(sizeof(*w) + plen + tlen);
    if (!w)
        return -PV_ENOMEM;
    w->path = (char *)(w + 1);
    memcpy(w->path, path, plen);
    w->token = w->path + plen;
    memcpy(w->token, token, tlen);
    w->rel_off = (uint32_t)(plen - 1 - lib_strlen(payload));
    if (xsd_reply_ok(c)) {
        xsd_plat_free(w);
        return -PV_ENOMEM;
    }
    for (pp = &c->watches; *pp; pp = &(*pp)->next) /* in order of registration, as Xen */
        ;
    w->next = NULL;
    *pp = w;
    c->nwatches++;
    xsd_conn_event(c, w->path + w->rel_off, w->token);
    return 0;
}

int xsd_op_unwatch(struct xsd_conn *c, const char *payload, uint32_t len)
{
    char path[XSD_PATH_BUF];
    const char *token;
    struct xsd_watch **pp, *w;
    int rc = watch_args(c, payload, len, path, &token);

    if (rc)
        return rc;
    for (pp = &c->watches; (w = *pp); pp = &w->next) {
        if (xsd_streq(w->path, path) && xsd_streq(w->token, token)) {
            *pp = w->next;
            c->nwatches--;
            xsd_plat_free(w);
            return xsd_reply_ok(c);
        }
    }
    return -PV_ENOENT;
}

void xsd_watch_drop_all(struct xsd_conn *c)
{
    struct xsd_watch *w;

    while ((w = c->watches)) {
        c->watches = w->next;
        xsd_plat_free(w);
    }
    c->nwatches = 0;
}
