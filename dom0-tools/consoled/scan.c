/* dom0-tools/consoled/scan.c - which domains have a console: xenstore's /local/domain/ID/console
 * nodes, rescanned on @introduceDomain, @releaseDomain and changes of domains' homes, names and
 * console/ nodes (xenconsoled's events, with xenstore as the list of domains: the toolstack
 * writes console/ before it introduces a domain, so the ring is served from the first line). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore.h"
#include "hvconsoled.h"

#define DOMID_FIRST_RESERVED 0x7ff0u

int scan_watch(struct hvc *h)
{
    if (!xs_watch(h->xs, "@introduceDomain", "scan") || !xs_watch(h->xs, "@releaseDomain", "scan") ||
        !xs_watch(h->xs, "/local/domain", "home"))
        return -(errno ? errno : EIO);
    return 0;
}

/* Does a change at path call for a scan: a domain's home itself (made or removed by the
 * toolstack), its name, or anything below its console/? Guests' own writes elsewhere (data/,
 * device/, ...) do not, so a guest writing in a loop costs a string check. */
bool scan_wanted(const char *path, const char *token)
{
    const char *p = path + strlen("/local/domain/");

    if (strcmp(token, "home") != 0)
        return true;
    if (strncmp(path, "/local/domain/", strlen("/local/domain/")) != 0)
        return strcmp(path, "/local/domain") == 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == '\0' || strcmp(p, "/name") == 0 || strcmp(p, "/console") == 0 ||
           strncmp(p, "/console/", 9) == 0;
}

/* A decimal number node below the domain's home; false if absent or not a number. */
static bool read_num(struct hvc *h, unsigned domid, const char *node, uint64_t max, uint64_t *v)
{
    char path[80], *s, *end;
    unsigned len;
    bool ok;

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, node);
    if (!(s = xs_read(h->xs, XBT_NULL, path, &len)))
        return false;
    errno = 0;
    *v = strtoull(s, &end, 10);
    ok = len > 0 && *end == '\0' && !errno && *v <= max && s[0] != '-';
    free(s);
    return ok;
}

/* The domain's name, made safe for a file name ([A-Za-z0-9_.-], not starting with '.'). */
static void read_name(struct hvc *h, struct cdom *d)
{
    char path[64], *s;
    unsigned len, n = 0;

    snprintf(path, sizeof(path), "/local/domain/%u/name", d->domid);
    s = xs_read(h->xs, XBT_NULL, path, &len);
    for (unsigned i = 0; s && i < len && n + 1 < sizeof(d->name); i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || (c == '.' && n > 0);

        d->name[n++] = ok ? c : '_';
    }
    free(s);
    if (n == 0)
        n = (unsigned)snprintf(d->name, sizeof(d->name), "domain-%u", d->domid);
    d->name[n] = '\0';
}

/* A record of an ended domain whose id is listed again: a new domain, unless the old one was
 * released and its home simply outlived it (then nothing changes until it is introduced). */
static struct cdom *incarnation(struct hvc *h, struct cdom *d, unsigned domid, bool intro)
{
    if (!d)
        return cdom_new(h, domid);
    if (d->state != CDOM_GONE)
        return d;
    if (d->released && !intro) {
        d->seen = true;
        return NULL;
    }
    d->state = CDOM_WAITING;
    d->introduced = d->released = false;
    d->why[0] = '\0';
    d->remote_port = 0;
    d->ring_ref = 0;
    return d;
}

/* A domain listed under /local/domain: serve its console once its nodes are there; end it when
 * xenstored released it (destroyed: @releaseDomain). */
static void scan_one(struct hvc *h, unsigned domid)
{
    bool intro = xs_is_domain_introduced(h->xs, domid);
    struct cdom *d = incarnation(h, cdom_find(h, domid), domid, intro);
    uint64_t port, ref = 0;

    if (!d)
        return;
    d->seen = true;
    if (intro) {
        d->introduced = true;
    } else if (d->introduced) {
        cdom_end(h, d, "the domain was released (destroyed)");
        d->released = true;
        return;
    }
    if (d->state != CDOM_WAITING || !read_num(h, domid, "console/port", 0xffffffffu, &port))
        return;
    read_num(h, domid, "console/ring-ref", UINT64_MAX, &ref);
    if (d->why[0] && port == d->remote_port && ref == d->ring_ref)
        return; /* refused before with the same nodes: wait for them to change */
    d->remote_port = (uint32_t)port;
    d->ring_ref = ref;
    read_name(h, d);
    if (cdom_connect(h, d))
        hvc_log("domain %u (%s): console not served: %s", domid, d->name, d->why);
}

void scan_domains(struct hvc *h)
{
    unsigned n = 0;
    char **ids = xs_directory(h->xs, XBT_NULL, "/local/domain", &n);

    for (struct cdom *d = h->doms; d; d = d->next)
        d->seen = false;
    for (unsigned i = 0; ids && i < n; i++) {
        char *end;
        unsigned long id = strtoul(ids[i], &end, 10);

        if (*end == '\0' && id > 0 && id < DOMID_FIRST_RESERVED)
            scan_one(h, (unsigned)id);
    }
    free(ids);
    for (struct cdom *d = h->doms; d; d = d->next) {
        if (!d->seen && d->state != CDOM_GONE)
            cdom_end(h, d, "its xenstore home was removed");
    }
    cdom_prune(h);
}
