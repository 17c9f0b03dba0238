/*
 * dom0-tools/xenstored/ops_tree.c - creating a path with its missing parents (WRITE, MKDIR)
 * and removing a subtree (RM). Both first touch every path involved and build every new node,
 * so that once they start changing the view nothing can fail.
 */
#include "xsd_core.h"
#include "xsd_plat.h"

/* A copy of parent with name added to its children. */
static struct xsd_node *with_child(const struct xsd_node *p, const char *name)
{
    uint32_t nlen = (uint32_t)lib_strlen(name) + 1;
    struct xsd_node *n = xsd_node_alloc(p->path, p->nperms, p->datalen, p->childlen + nlen);

    if (!n)
        return NULL;
    memcpy(n->perms, p->perms, p->nperms * sizeof(struct xsd_perm));
    memcpy(n->data, p->data, p->datalen);
    memcpy(n->children, p->children, p->childlen);
    memcpy(n->children + p->childlen, name, nlen);
    return n;
}

/* A copy of parent with name removed from its children. */
static struct xsd_node *without_child(const struct xsd_node *p, const char *name)
{
    struct xsd_node *n = xsd_node_copy(p);
    uint32_t off = 0, nlen;

    if (!n)
        return NULL;
    while (off < n->childlen) {
        nlen = (uint32_t)lib_strlen(n->children + off) + 1;
        if (xsd_streq(n->children + off, name)) {
            memmove(n->children + off, n->children + off + nlen, n->childlen - off - nlen);
            n->childlen -= nlen;
            n->children[n->childlen] = 0;
            break;
        }
        off += nlen;
    }
    return n;
}

/* The nearest existing ancestor of path (touching every missing one); *levels missing. */
static int find_top(struct xsd_view *v, const char *path, const struct xsd_node **top,
                    uint32_t *levels)
{
    char anc[XSD_PATH_BUF];
    int rc;

    *top = NULL;
    *levels = 1;
    memcpy(anc, path, lib_strlen(path) + 1);
    while (xsd_path_parent(anc, anc)) {
        rc = xsd_view_get(v, anc, top);
        if (rc)
            return rc;
        if (*top)
            return 0;
        (*levels)++;
    }
    xsd_log("store corrupt: no ancestor of %s", path);
    return -PV_EIO;
}

static int check_quota(struct xsd_view *v, uint32_t levels)
{
    const struct xsd_dom *dom = xsd_dom_find(v->d, v->c->domid);
    int64_t owned = (int64_t)(dom ? dom->entries : 0) + (v->txn ? v->txn->entry_delta : 0);

    if (xsd_unpriv(v->c) && owned + levels > (int64_t)v->d->quota.entries)
        return -PV_ENOSPC;
    return 0;
}

static void free_chain(struct xsd_node *n)
{
    struct xsd_node *next;

    for (; n; n = next) {
        next = n->hnext;
        xsd_node_free(n);
    }
}

/* The missing nodes from below top down to path, each listing the next as its child. */
static int build_chain(struct xsd_view *v, const struct xsd_node *top, const char *path,
                       const char *data, uint32_t datalen, struct xsd_node **chain)
{
    char sub[XSD_PATH_BUF];
    size_t end = top->pathlen == 1 ? 1 : top->pathlen + 1, next, child;
    struct xsd_node *n, **link = chain;
    bool last;

    *chain = NULL;
    for (; path[end - 1]; end = next + 1) {
        for (next = end; path[next] && path[next] != '/'; next++)
            ;
        last = !path[next];
        for (child = next + 1; !last && path[child] && path[child] != '/'; child++)
            ;
        memcpy(sub, path, next);
        sub[next] = 0;
        n = xsd_node_alloc(sub, top->nperms, last ? datalen : 0,
                           last ? 0 : (uint32_t)(child - next));
        if (!n) {
            free_chain(*chain);
            return -PV_ENOMEM;
        }
        memcpy(n->perms, top->perms, top->nperms * sizeof(struct xsd_perm));
        if (xsd_unpriv(v->c))
            n->perms[0].id = v->c->domid; /* unprivileged domains own what they create */
        if (last && datalen)
            memcpy(n->data, data, datalen);
        if (!last) {
            memcpy(n->children, path + next + 1, n->childlen - 1);
            n->children[n->childlen - 1] = 0;
        }
        *link = n;
        link = &n->hnext;
        if (last)
            break;
    }
    return 0;
}

int xsd_create_path(struct xsd_view *v, const char *path, const char *data, uint32_t datalen)
{
    const struct xsd_node *top;
    struct xsd_node *newtop = NULL, *chain = NULL, *n, *next;
    struct xsd_event *ev = NULL;
    char first[XSD_PATH_BUF];
    uint32_t levels;
    int rc = find_top(v, path, &top, &levels);

    if (!rc)
        rc = check_quota(v, levels);
    if (!rc)
        rc = build_chain(v, top, path, data, datalen, &chain);
    if (rc)
        return rc;
    memcpy(first, xsd_path_base(chain->path), lib_strlen(xsd_path_base(chain->path)) + 1);
    newtop = with_child(top, first);
    ev = xsd_event_new(path, false, NULL);
    rc = !newtop || !ev ? -PV_ENOMEM : 0;
    for (n = chain; !rc && n; n = n->hnext)
        if (xsd_unpriv(v->c) && xsd_node_size(n) > v->d->quota.node_size)
            rc = -PV_ENOSPC;
    if (!rc && xsd_unpriv(v->c) && xsd_node_size(newtop) > v->d->quota.node_size)
        rc = -PV_ENOSPC;
    if (rc) {
        free_chain(chain);
        if (newtop)
            xsd_node_free(newtop);
        xsd_plat_free(ev);
        return rc;
    }
    xsd_view_put(v, newtop); /* every path was touched above: these cannot fail */
    for (n = chain; n; n = next) {
        next = n->hnext;
        n->hnext = NULL;
        xsd_view_put(v, n);
    }
    xsd_view_event(v, ev);
    return 0;
}

static void free_events(struct xsd_event *ev)
{
    struct xsd_event *next;

    for (; ev; ev = next) {
        next = ev->next;
        xsd_plat_free(ev);
    }
}

/* Appends an event for every existing child of ev's node; *tail moves along. */
static int collect_children(struct xsd_view *v, const struct xsd_event *ev, struct xsd_event **tail)
{
    char sub[XSD_PATH_BUF];
    const struct xsd_node *n, *child;
    size_t plen = lib_strlen(ev->path), off, nlen;
    int rc = xsd_view_get(v, ev->path, &n);

    for (off = 0; !rc && n && off < n->childlen; off += nlen + 1) {
        nlen = lib_strlen(n->children + off);
        if (plen + 1 + nlen >= sizeof(sub)) {
            xsd_log("store corrupt: child %s of %s too long", n->children + off, ev->path);
            continue;
        }
        memcpy(sub, ev->path, plen);
        sub[plen == 1 ? 0 : plen] = '/';
        memcpy(sub + (plen == 1 ? 1 : plen + 1), n->children + off, nlen + 1);
        rc = xsd_view_get(v, sub, &child);
        if (rc || !child)
            continue;
        (*tail)->next = xsd_event_new(sub, true, child);
        if (!(*tail)->next)
            return -PV_ENOMEM;
        *tail = (*tail)->next;
    }
    return rc;
}

int xsd_rm_tree(struct xsd_view *v, const char *path)
{
    char parent[XSD_PATH_BUF];
    const struct xsd_node *n, *p = NULL;
    struct xsd_node *newparent = NULL;
    struct xsd_event *head, *tail, *ev, *rev = NULL, *next;
    int rc = xsd_view_get(v, path, &n);

    if (rc)
        return rc;
    if (!xsd_path_parent(path, parent))
        return -PV_EINVAL;
    rc = xsd_view_get(v, parent, &p);
    if (rc)
        return rc;
    head = tail = xsd_event_new(path, false, n);
    if (!head || !p)
        rc = head ? -PV_EIO : -PV_ENOMEM;
    for (ev = head; !rc && ev; ev = ev->next)
        rc = collect_children(v, ev, &tail);
    if (!rc && !(newparent = without_child(p, xsd_path_base(path))))
        rc = -PV_ENOMEM;
    if (rc) {
        free_events(head);
        return rc;
    }
    for (ev = head; ev; ev = next) { /* reversed: children go before their parents */
        next = ev->next;
        ev->next = rev;
        rev = ev;
    }
    for (ev = rev; ev; ev = next) {
        next = ev->next;
        xsd_view_del(v, ev->path); /* touched above: cannot fail */
        xsd_view_event(v, ev);
    }
    xsd_view_put(v, newparent);
    return 0;
}

int xsd_op_rm(struct xsd_view *v, const char *payload, uint32_t len)
{
    char path[XSD_PATH_BUF], parent[XSD_PATH_BUF];
    const struct xsd_node *n;
    const char *arg = xsd_onearg(payload, len);
    int rc = arg ? xsd_path_canon(v->c, arg, false, path) : -PV_EINVAL;

    if (!rc)
        rc = xsd_node_lookup(v, path, XSD_PERM_WRITE, &n);
    if (!rc)
        rc = xsd_streq(path, "/") ? -PV_EINVAL : xsd_rm_tree(v, path);
    else if (rc == -PV_ENOENT && xsd_path_parent(path, parent)) {
        rc = xsd_view_get(v, parent, &n);
        if (!rc && !n)
            rc = -PV_ENOENT; /* neither the node nor its parent: an error */
    }
    return rc ? rc : xsd_reply_ok(v->c);
}
