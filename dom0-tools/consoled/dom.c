/* dom0-tools/consoled/dom.c - one domain's console: map and bind it, move its output to its log
 * and the attached client, its input into the ring, and end it when the domain goes away. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvconsoled.h"

struct cdom *cdom_find(struct hvc *h, unsigned domid)
{
    for (struct cdom *d = h->doms; d; d = d->next)
        if (d->domid == domid)
            return d;
    return NULL;
}

struct cdom *cdom_new(struct hvc *h, unsigned domid)
{
    struct cdom *d = calloc(1, sizeof(*d));

    if (!d)
        return NULL;
    d->domid = domid;
    d->log_fd = -1;
    d->pty_master = d->pty_slave = -1;
    d->next = h->doms;
    h->doms = d;
    return d;
}

static void log_open(struct hvc *h, struct cdom *d)
{
    snprintf(d->log_path, sizeof(d->log_path), "%s/%s.log", h->log_dir, d->name);
    d->log_fd = open(d->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    d->log_size = d->log_fd >= 0 ? lseek(d->log_fd, 0, SEEK_END) : 0;
    if (d->log_fd < 0)
        hvc_log("domain %u (%s): cannot open %s: %s", d->domid, d->name, d->log_path,
                strerror(errno));
}

/* A log past log_max becomes NAME.log.old: a guest cannot fill dom0's disk. */
static void log_write(struct hvc *h, struct cdom *d, const char *p, size_t n)
{
    char old[sizeof(d->log_path) + 8];

    if (d->log_fd < 0)
        return;
    if (d->log_size + (off_t)n > h->log_max) {
        snprintf(old, sizeof(old), "%s.old", d->log_path);
        close(d->log_fd);
        rename(d->log_path, old);
        log_open(h, d);
        if (d->log_fd < 0)
            return;
    }
    if (write(d->log_fd, p, n) == (ssize_t)n)
        d->log_size += (off_t)n;
}

int cdom_connect(struct hvc *h, struct cdom *d)
{
    int rc = xdev_map_console(&d->map, d->domid, d->ring_ref);

    if (rc) {
        snprintf(d->why, sizeof(d->why), "cannot map its console page (grant 0%s): %s",
                 d->ring_ref ? ", then its frame" : "", strerror(-rc));
        return rc;
    }
    rc = xdev_evtchn_bind(h->evtchn_fd, d->domid, d->remote_port);
    if (rc < 0) {
        xdev_unmap(&d->map);
        snprintf(d->why, sizeof(d->why), "cannot bind its console port %u: %s", d->remote_port,
                 strerror(-rc));
        return rc;
    }
    d->lport = (uint32_t)rc;
    d->ring = d->map.page;
    if (cbuf_init(&d->history, HVC_HISTORY) || cbuf_init(&d->input, HVC_INPUT)) {
        cdom_end(h, d, "out of memory");
        return -ENOMEM;
    }
    log_open(h, d);
    cpty_open(h, d); /* without it only libxl's wait for console/tty fails, and says so */
    d->state = CDOM_SERVING;
    d->why[0] = '\0';
    __atomic_store_n(&d->ring->connection, PV_XENCONS_CONNECTED, __ATOMIC_RELEASE);
    hvc_log("domain %u (%s): serving its console (%s, port %u), log %s", d->domid, d->name,
            d->map.kind == XDEV_GNTDEV ? "grant 0 through gntdev" : "foreign map of its frame",
            d->remote_port, d->log_path);
    cdom_service(h, d); /* what it wrote before we came */
    return 0;
}

void cdom_end(struct hvc *h, struct cdom *d, const char *why)
{
    char msg[160];

    if (d->client) {
        snprintf(msg, sizeof(msg), "\r\n[hvconsoled: domain %u (%s) is gone]\r\n", d->domid,
                 d->name);
        client_send(d->client, msg, strlen(msg));
        d->client->closing = true;
        d->client->dom = NULL;
        d->client = NULL;
    }
    if (d->state == CDOM_SERVING) {
        cdom_service(h, d); /* its last words */
        xdev_evtchn_unbind(h->evtchn_fd, d->lport);
        xdev_unmap(&d->map);
        d->ring = NULL;
        hvc_log("domain %u (%s): console closed: %s", d->domid, d->name, why);
    }
    if (d->log_fd >= 0)
        close(d->log_fd);
    d->log_fd = -1;
    cpty_close(d);
    cbuf_free(&d->history);
    cbuf_free(&d->input);
    d->state = CDOM_GONE;
    snprintf(d->why, sizeof(d->why), "%s", why);
}

static void output(struct hvc *h, struct cdom *d)
{
    char buf[sizeof(d->ring->out)];
    long n;

    /* A bounded number of rounds: a guest writing without end cannot keep the daemon here. */
    for (int round = 0; round < 8 && (n = ring_take_output(d->ring, buf, sizeof(buf))) > 0;
         round++) {
        log_write(h, d, buf, (size_t)n);
        cpty_write(d, buf, (size_t)n);
        cbuf_push(&d->history, buf, (size_t)n);
        if (d->client)
            client_send(d->client, buf, (size_t)n);
    }
}

static void input(struct cdom *d)
{
    const char *p;
    size_t n;
    long put;

    while ((n = cbuf_peek(&d->input, &p)) > 0 && (put = ring_put_input(d->ring, p, n)) > 0)
        cbuf_pop(&d->input, (size_t)put);
}

/* Output out, input in, the guest told: after every event and every client write. */
void cdom_service(struct hvc *h, struct cdom *d)
{
    if (d->state != CDOM_SERVING)
        return;
    output(h, d);
    input(d);
    xdev_evtchn_notify(h->evtchn_fd, d->lport);
}

void cdom_event(struct hvc *h, uint32_t lport)
{
    for (struct cdom *d = h->doms; d; d = d->next)
        if (d->state == CDOM_SERVING && d->lport == lport) {
            cdom_service(h, d);
            break;
        }
    xdev_evtchn_unmask(h->evtchn_fd, lport);
}

/* Ended domains are remembered (to refuse attach clearly), the oldest forgotten beyond a bound. */
void cdom_prune(struct hvc *h)
{
    unsigned gone = 0;

    for (struct cdom **pp = &h->doms; *pp;) {
        struct cdom *d = *pp;

        if (d->state == CDOM_GONE && ++gone > HVC_GONE_KEPT) {
            *pp = d->next;
            free(d);
            continue;
        }
        pp = &d->next;
    }
}
