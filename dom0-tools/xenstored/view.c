/*
 * dom0-tools/xenstored/view.c - reads and writes through a view: straight to the main table,
 * or into a transaction. A transaction keeps a private copy of every path it touches, with
 * the generation the main table had at the first touch; reads see that copy (a snapshot per
 * path), writes replace it, and the commit (txn.c) checks the generations are unchanged.
 */
#include "xsd_core.h"
#include "xsd_plat.h"

static uint32_t hash_path(const char *s)
{
    uint32_t h = 5381;

    while (*s)
        h = h * 33 + (uint8_t)*s++;
    return h;
}

static struct xsd_tentry *tentry_find(const struct xsd_txn *t, const char *path)
{
    struct xsd_tentry *e = t->buckets[hash_path(path) % t->nbuckets];

    while (e && !xsd_streq(e->path, path))
        e = e->hnext;
    return e;
}

static void tentries_grow(struct xsd_txn *t)
{
    uint32_t nb = t->nbuckets * 2, i;
    struct xsd_tentry **b, *e, *next;

    if (t->count < t->nbuckets * 2)
        return;
    b = xsd_zalloc(nb * sizeof(*b));
    if (!b)
        return;
    for (i = 0; i < t->nbuckets; i++)
        for (e = t->buckets[i]; e; e = next) {
            next = e->hnext;
            e->hnext = b[hash_path(e->path) % nb];
            b[hash_path(e->path) % nb] = e;
        }
    xsd_plat_free(t->buckets);
    t->buckets = b;
    t->nbuckets = nb;
}

/* Records path's first touch; node (may be NULL) becomes the transaction's view of it. */
static int tentry_add(struct xsd_view *v, const char *path, struct xsd_node *node,
                      struct xsd_tentry **out)
{
    const struct xsd_node *cur = xsd_table_get(&v->d->store, path);
    size_t len = lib_strlen(path) + 1;
    struct xsd_tentry *e;

    if (xsd_unpriv(v->c) && v->txn->count >= v->d->quota.txn_nodes)
        return -PV_ENOSPC;
    e = xsd_plat_alloc(sizeof(*e) + len);
    if (!e)
        return -PV_ENOMEM;
    e->path = (char *)(e + 1);
    memcpy(e->path, path, len);
    e->base_gen = cur ? cur->gen : XSD_GEN_ABSENT;
    e->modified = false;
    e->node = node;
    e->hnext = v->txn->buckets[hash_path(path) % v->txn->nbuckets];
    v->txn->buckets[hash_path(path) % v->txn->nbuckets] = e;
    v->txn->count++;
    tentries_grow(v->txn);
    *out = e;
    return 0;
}

/* The entry for path, created with a copy of the main table's node on first touch. */
static int tentry_get(struct xsd_view *v, const char *path, struct xsd_tentry **out)
{
    const struct xsd_node *cur;
    struct xsd_node *copy = NULL;
    int rc;

    *out = tentry_find(v->txn, path);
    if (*out)
        return 0;
    cur = xsd_table_get(&v->d->store, path);
    if (cur && !(copy = xsd_node_copy(cur)))
        return -PV_ENOMEM;
    rc = tentry_add(v, path, copy, out);
    if (rc && copy)
        xsd_node_free(copy);
    return rc;
}

int xsd_view_get(struct xsd_view *v, const char *path, const struct xsd_node **out)
{
    struct xsd_tentry *e;
    int rc;

    if (!v->txn) {
        *out = xsd_table_get(&v->d->store, path);
        return 0;
    }
    rc = tentry_get(v, path, &e);
    *out = rc ? NULL : e->node;
    return rc;
}

/* Keeps the count of nodes the connection's own domain gains in the transaction. */
static void txn_count(struct xsd_view *v, const struct xsd_node *n, int delta)
{
    if (n && n->path[0] == '/' && xsd_node_owner(n) == v->c->domid)
        v->txn->entry_delta += delta;
}

static void tentry_set(struct xsd_view *v, struct xsd_tentry *e, struct xsd_node *n)
{
    txn_count(v, e->node, -1);
    txn_count(v, n, 1);
    if (e->node)
        xsd_node_free(e->node);
    e->node = n;
    e->modified = true;
}

int xsd_view_put(struct xsd_view *v, struct xsd_node *n)
{
    struct xsd_tentry *e;
    int rc;

    if (!v->txn) {
        xsd_store_put(v->d, n);
        return 0;
    }
    rc = tentry_get(v, n->path, &e);
    if (rc) {
        xsd_node_free(n);
        return rc;
    }
    tentry_set(v, e, n);
    return 0;
}

int xsd_view_del(struct xsd_view *v, const char *path)
{
    struct xsd_tentry *e;
    int rc;

    if (!v->txn) {
        xsd_store_del(v->d, path);
        return 0;
    }
    rc = tentry_get(v, path, &e);
    if (rc)
        return rc;
    tentry_set(v, e, NULL);
    return 0;
}

void xsd_view_event(struct xsd_view *v, struct xsd_event *ev)
{
    if (!ev)
        return;
    if (!v->txn) {
        xsd_event_fire(v->d, ev);
        xsd_plat_free(ev);
        return;
    }
    ev->next = NULL;
    if (v->txn->events_tail)
        v->txn->events_tail->next = ev;
    else
        v->txn->events = ev;
    v->txn->events_tail = ev;
}
