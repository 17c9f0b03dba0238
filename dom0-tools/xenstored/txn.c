/*
 * dom0-tools/xenstored/txn.c - TRANSACTION_START and TRANSACTION_END. A commit succeeds only
 * if no path the transaction touched (read or written) changed since it first touched it;
 * otherwise EAGAIN. A commit that passes its checks cannot fail halfway: it only moves the
 * transaction's nodes into the main table.
 */
#include "xsd_core.h"
#include "xsd_plat.h"

struct xsd_txn *xsd_txn_find(struct xsd_conn *c, uint32_t id)
{
    struct xsd_txn *t;

    for (t = c->txns; t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

static void txn_free(struct xsd_txn *t)
{
    uint32_t i;
    struct xsd_tentry *e, *enext;
    struct xsd_event *ev, *evnext;

    for (i = 0; i < t->nbuckets; i++)
        for (e = t->buckets[i]; e; e = enext) {
            enext = e->hnext;
            if (e->node)
                xsd_node_free(e->node);
            xsd_plat_free(e);
        }
    for (ev = t->events; ev; ev = evnext) {
        evnext = ev->next;
        xsd_plat_free(ev);
    }
    xsd_plat_free(t->buckets);
    xsd_plat_free(t);
}

static void txn_unlink(struct xsd_conn *c, struct xsd_txn *t)
{
    struct xsd_txn **pp;

    for (pp = &c->txns; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            c->ntxns--;
            return;
        }
}

static uint32_t txn_new_id(struct xsd_conn *c)
{
    do
        c->next_txid++;
    while (c->next_txid == 0 || xsd_txn_find(c, c->next_txid));
    return c->next_txid;
}

int xsd_op_txn_start(struct xsd_conn *c, uint32_t tx_id)
{
    struct xsd_txn *t;
    char id[24];

    if (tx_id)
        return -PV_EBUSY;
    if (xsd_unpriv(c) && c->ntxns >= c->d->quota.transactions)
        return -PV_ENOSPC;
    t = xsd_zalloc(sizeof(*t));
    if (!t)
        return -PV_ENOMEM;
    t->nbuckets = 16;
    t->buckets = xsd_zalloc(t->nbuckets * sizeof(*t->buckets));
    if (!t->buckets) {
        xsd_plat_free(t);
        return -PV_ENOMEM;
    }
    t->id = txn_new_id(c);
    if (xsd_reply(c, PV_XS_TRANSACTION_START, id, xsd_fmt_uint(id, t->id) + 1)) {
        txn_free(t);
        return -PV_ENOMEM;
    }
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    return 0;
}

/* Has anything the transaction touched changed in the main table since? */
static bool txn_conflicts(struct xsd_daemon *d, const struct xsd_txn *t)
{
    uint32_t i;
    const struct xsd_tentry *e;
    const struct xsd_node *cur;

    for (i = 0; i < t->nbuckets; i++)
        for (e = t->buckets[i]; e; e = e->hnext) {
            cur = xsd_table_get(&d->store, e->path);
            if ((cur ? cur->gen : XSD_GEN_ABSENT) != e->base_gen)
                return true;
        }
    return false;
}

static bool txn_over_quota(struct xsd_conn *c, const struct xsd_txn *t)
{
    const struct xsd_dom *dom = xsd_dom_find(c->d, c->domid);
    int64_t after = (int64_t)(dom ? dom->entries : 0) + t->entry_delta;

    return xsd_unpriv(c) && t->entry_delta > 0 && after > (int64_t)c->d->quota.entries;
}

/* Moves every changed node into the main table, then reports the changes. */
static void txn_apply(struct xsd_daemon *d, struct xsd_txn *t)
{
    uint32_t i;
    struct xsd_tentry *e;
    struct xsd_event *ev;

    for (i = 0; i < t->nbuckets; i++)
        for (e = t->buckets[i]; e; e = e->hnext) {
            if (!e->modified)
                continue;
            if (e->node)
                xsd_store_put(d, e->node);
            else
                xsd_store_del(d, e->path);
            e->node = NULL;
        }
    for (ev = t->events; ev; ev = ev->next)
        xsd_event_fire(d, ev);
}

int xsd_op_txn_end(struct xsd_conn *c, struct xsd_txn *t, const char *payload, uint32_t len)
{
    const char *arg = xsd_onearg(payload, len);
    int rc = 0;

    if (!arg || (!xsd_streq(arg, "T") && !xsd_streq(arg, "F")))
        return -PV_EINVAL;
    if (!t)
        return -PV_ENOENT;
    txn_unlink(c, t);
    if (xsd_streq(arg, "T")) {
        if (txn_conflicts(c->d, t))
            rc = -PV_EAGAIN;
        else if (txn_over_quota(c, t))
            rc = -PV_ENOSPC;
        else
            txn_apply(c->d, t);
    }
    txn_free(t);
    return rc ? rc : xsd_reply_ok(c);
}

void xsd_txn_drop_all(struct xsd_conn *c)
{
    struct xsd_txn *t;

    while ((t = c->txns)) {
        c->txns = t->next;
        txn_free(t);
    }
    c->ntxns = 0;
}
