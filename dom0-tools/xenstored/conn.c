/*
 * dom0-tools/xenstored/conn.c - a connection: its input framing (header, then payload), its
 * output queue of replies and watch events, and the limits that keep one peer from eating
 * the daemon's memory: requests are not read while the peer leaves too many replies unread,
 * and watch events beyond quota.out_events bytes are dropped for that peer only.
 */
#include "xsd_core.h"
#include "xsd_plat.h"

/* Stop reading requests while this much output waits (at least one reply fits after it). */
#define XSD_OUT_BACKLOG (64 * 1024)

struct xsd_conn *xsd_conn_new(struct xsd_daemon *d, uint32_t domid, bool privileged,
                              const struct xsd_conn_ops *ops, void *transport)
{
    struct xsd_conn *c = xsd_zalloc(sizeof(*c));

    if (!c)
        return NULL;
    c->d = d;
    c->domid = domid;
    c->priv = privileged;
    c->ops = ops;
    c->transport = transport;
    c->next = d->conns;
    d->conns = c;
    return c;
}

static void out_free_all(struct xsd_conn *c)
{
    struct xsd_msg *m;

    while ((m = c->out_head)) {
        c->out_head = m->next;
        xsd_plat_free(m);
    }
    c->out_tail = NULL;
    c->out_off = 0;
    c->out_bytes = c->event_bytes = 0;
}

void xsd_conn_free(struct xsd_conn *c)
{
    struct xsd_conn **pp;

    for (pp = &c->d->conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    xsd_watch_drop_all(c);
    xsd_txn_drop_all(c);
    out_free_all(c);
    xsd_plat_free(c);
}

void *xsd_conn_transport(const struct xsd_conn *c)
{
    return c->transport;
}

uint32_t xsd_conn_domid(const struct xsd_conn *c)
{
    return c->domid;
}

bool xsd_conn_dead(const struct xsd_conn *c)
{
    return c->dead;
}

void xsd_conn_reset(struct xsd_conn *c)
{
    xsd_watch_drop_all(c);
    xsd_txn_drop_all(c);
    out_free_all(c);
    c->in_used = 0;
    c->in_body = false;
}

size_t xsd_conn_in_space(struct xsd_conn *c, void **buf)
{
    if (c->dead)
        return 0;
    if (!c->in_body) {
        *buf = (char *)&c->in_hdr + c->in_used;
        return sizeof(c->in_hdr) - c->in_used;
    }
    if (c->out_bytes > XSD_OUT_BACKLOG)
        return 0;
    *buf = c->in_buf + c->in_used;
    return c->in_hdr.len - c->in_used;
}

bool xsd_conn_in_partial(const struct xsd_conn *c)
{
    return c->in_used || c->in_body;
}

static void trace(const struct xsd_conn *c, const char *dir, uint32_t type, const char *data,
                  size_t len)
{
    char text[96];
    size_t i;

    if (!c->d->trace)
        return;
    for (i = 0; i < len && i + 1 < sizeof(text); i++)
        text[i] = data[i] ? data[i] : ' ';
    text[i] = 0;
    xsd_log("d%u %s type %u req %u tx %u: %s", c->domid, dir, type, c->cur.req_id, c->cur.tx_id,
            text);
}

static void serve(struct xsd_conn *c)
{
    c->in_buf[c->in_hdr.len] = 0;
    c->cur = c->in_hdr;
    c->replied = false;
    trace(c, "IN", c->cur.type, c->in_buf, c->cur.len);
    xsd_dispatch(c);
    c->in_used = 0;
    c->in_body = false;
}

int xsd_conn_received(struct xsd_conn *c, size_t n)
{
    c->in_used += (uint32_t)n;
    if (!c->in_body) {
        if (c->in_used < sizeof(c->in_hdr))
            return 0;
        if (c->in_hdr.len > PV_XENSTORE_PAYLOAD_MAX) {
            xsd_log("domain %u: payload of %u bytes announced, disconnecting", c->domid,
                    c->in_hdr.len);
            return -PV_E2BIG;
        }
        c->in_body = true;
        c->in_used = 0;
    }
    if (c->in_used == c->in_hdr.len)
        serve(c);
    return 0;
}

size_t xsd_conn_out_peek(struct xsd_conn *c, const void **buf)
{
    if (!c->out_head)
        return 0;
    *buf = c->out_head->bytes + c->out_off;
    return c->out_head->size - c->out_off;
}

void xsd_conn_out_done(struct xsd_conn *c, size_t n)
{
    struct xsd_msg *m = c->out_head;

    c->out_off += (uint32_t)n;
    if (!m || c->out_off < m->size)
        return;
    c->out_head = m->next;
    if (!c->out_head)
        c->out_tail = NULL;
    c->out_off = 0;
    c->out_bytes -= m->size;
    if (m->event)
        c->event_bytes -= m->size;
    xsd_plat_free(m);
}

static struct xsd_msg *msg_new(uint32_t type, uint32_t req_id, uint32_t tx_id, const void *a,
                               size_t alen, const void *b, size_t blen)
{
    struct pv_xsd_sockmsg hdr = {type, req_id, tx_id, (uint32_t)(alen + blen)};
    struct xsd_msg *m = xsd_plat_alloc(sizeof(*m) + sizeof(hdr) + alen + blen);

    if (!m)
        return NULL;
    m->next = NULL;
    m->event = type == PV_XS_WATCH_EVENT;
    m->size = (uint32_t)(sizeof(hdr) + alen + blen);
    memcpy(m->bytes, &hdr, sizeof(hdr));
    if (alen)
        memcpy(m->bytes + sizeof(hdr), a, alen);
    if (blen)
        memcpy(m->bytes + sizeof(hdr) + alen, b, blen);
    return m;
}

static void queue(struct xsd_conn *c, struct xsd_msg *m)
{
    if (c->out_tail)
        c->out_tail->next = m;
    else
        c->out_head = m;
    c->out_tail = m;
    c->out_bytes += m->size;
    if (m->event)
        c->event_bytes += m->size;
    if (c->ops && c->ops->kick)
        c->ops->kick(c);
}

int xsd_reply(struct xsd_conn *c, uint32_t type, const void *data, size_t len)
{
    struct xsd_msg *m;

    if (len > PV_XENSTORE_PAYLOAD_MAX)
        return -PV_E2BIG;
    m = msg_new(type, c->cur.req_id, c->cur.tx_id, data, len, NULL, 0);
    if (!m)
        return -PV_ENOMEM;
    trace(c, "OUT", type, data, len);
    c->replied = true;
    queue(c, m);
    return 0;
}

int xsd_reply_ok(struct xsd_conn *c)
{
    return xsd_reply(c, c->cur.type, "OK", 3);
}

void xsd_reply_error(struct xsd_conn *c, int err)
{
    const char *name = xsd_errname(err);

    if (xsd_reply(c, PV_XS_ERROR, name, lib_strlen(name) + 1)) {
        xsd_log("domain %u: no memory for a reply, disconnecting", c->domid);
        c->dead = true;
    }
}

/* Is the same event still waiting, not yet started? Then one is enough. */
static bool event_pending(const struct xsd_conn *c, const struct xsd_msg *ev)
{
    const struct xsd_msg *m = c->out_head;

    if (m && c->out_off)
        m = m->next;
    for (; m; m = m->next)
        if (m->event && m->size == ev->size && !memcmp(m->bytes, ev->bytes, m->size))
            return true;
    return false;
}

void xsd_conn_event(struct xsd_conn *c, const char *path, const char *token)
{
    size_t plen = lib_strlen(path) + 1, tlen = lib_strlen(token) + 1;
    struct xsd_msg *m;

    if (plen + tlen > PV_XENSTORE_PAYLOAD_MAX)
        return;
    m = msg_new(PV_XS_WATCH_EVENT, 0, 0, path, plen, token, tlen);
    if (m && path[0] != '@' && event_pending(c, m)) {
        xsd_plat_free(m);
        return;
    }
    if (!m || c->event_bytes + m->size > c->d->quota.out_events) {
        if (c->d->events_dropped++ % 1000 == 0)
            xsd_log("domain %u does not read its watch events: dropping %s (%llu dropped)",
                    c->domid, path, (unsigned long long)c->d->events_dropped);
        xsd_plat_free(m);
        return;
    }
    queue(c, m);
}
