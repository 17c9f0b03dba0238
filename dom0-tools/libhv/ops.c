/* The toolstack's operations that start, stop and end domains (create, destroy, pause, shutdown). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blk.h"
#include "build.h"
#include "ops.h"
#include "net.h"
#include "pv-abi/sched_op.h"
#include "vif.h"

#define OPS_MAX_DOMAINS 1024

int hv_ops_open(struct hv_ops *o)
{
    int rc;

    memset(o, 0, sizeof(*o));
    rc = hv_priv_open(&o->priv, &o->err);
    if (rc)
        return rc;
    o->xs = xs_open(0);
    if (!o->xs) {
        rc = -(errno ? errno : ENOENT);
        hv_priv_close(o->priv);
        o->priv = NULL;
        return hv_err_set(&o->err, rc, "cannot reach xenstored (%s): is it running?",
                          strerror(-rc));
    }
    return 0;
}

void hv_ops_close(struct hv_ops *o)
{
    if (o->xs)
        xs_close(o->xs);
    hv_priv_close(o->priv);
    o->xs = NULL;
    o->priv = NULL;
}

/* The message of the last privcmd failure, as this session's. */
static int priv_err(struct hv_ops *o, int rc)
{
    return hv_err_set(&o->err, rc, "%s", hv_priv_error(o->priv));
}

int hv_ops_name(struct hv_ops *o, uint32_t domid, char *buf, size_t len)
{
    int rc = hv_xsl_name(o->xs, domid, buf, len);

    if (rc && domid == 0) {
        snprintf(buf, len, "Domain-0");
        return 0;
    }
    return rc;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int hv_ops_find(struct hv_ops *o, const char *name_or_id, uint32_t *domid)
{
    struct hv_dominfo info[64];
    char name[80];
    uint32_t first = 0;
    int n, i;

    if (all_digits(name_or_id)) {
        unsigned long id = strtoul(name_or_id, NULL, 10);
        if (id >= 0x7ff0 || hv_domain_getinfo(o->priv, (uint32_t)id, &info[0]))
            return hv_err_set(&o->err, -ESRCH, "no domain with id %s", name_or_id);
        *domid = (uint32_t)id;
        return 0;
    }
    while ((n = hv_domain_list(o->priv, first, info, 64)) > 0) {
        for (i = 0; i < n; i++)
            if (!hv_ops_name(o, info[i].domid, name, sizeof(name)) &&
                !strcmp(name, name_or_id))
                return *domid = info[i].domid, 0;
        first = info[n - 1].domid + 1;
    }
    if (n < 0)
        return priv_err(o, n);
    return hv_err_set(&o->err, -ESRCH, "no domain named '%s'", name_or_id);
}

int hv_ops_new_uuid(uint8_t uuid[16], struct hv_err *err)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, uuid, 16);

    if (fd >= 0)
        close(fd);
    if (n != 16)
        return hv_err_set(err, -EIO, "cannot read /dev/urandom for a uuid");
    uuid[6] = (uuid[6] & 0x0f) | 0x40; /* version 4 */
    uuid[8] = (uuid[8] & 0x3f) | 0x80; /* RFC 4122 variant */
    return 0;
}

int hv_ops_check_new(struct hv_ops *o, const struct hv_cfg *cfg, bool images)
{
    char bridge[HV_NET_IF_MAX];
    uint32_t other;
    unsigned i;
    int rc;

    if (!hv_ops_find(o, cfg->name, &other))
        return hv_err_set(&o->err, -EEXIST, "domain '%s' already exists (id %u)", cfg->name,
                          other);
    if (images && access(cfg->kernel, R_OK))
        return hv_err_set(&o->err, -errno, "kernel %s: %s", cfg->kernel, strerror(errno));
    if (images && cfg->ramdisk && access(cfg->ramdisk, R_OK))
        return hv_err_set(&o->err, -errno, "ramdisk %s: %s", cfg->ramdisk, strerror(errno));
    for (i = 0; i < cfg->n_disks; i++)
        if ((rc = hv_blk_check(&cfg->disks[i], &o->err)))
            return rc;
    for (i = 0; i < cfg->n_vifs; i++)
        if ((rc = hv_vif_check(&cfg->vifs[i], bridge, &o->err)))
            return rc;
    return 0;
}

/* The cfg's ioports, iomem and irqs, as libxl gives them to a PV guest: each range granted,
 * each IRQ's GSI mapped to the domain as its pirq, then granted. */
static int grant_io(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid)
{
    int rc = 0;

    for (unsigned i = 0; !rc && i < cfg->n_ioports; i++)
        rc = hv_domain_ioport_permission(o->priv, domid, (uint32_t)cfg->ioports[i].first,
                                         (uint32_t)cfg->ioports[i].nr, true);
    for (unsigned i = 0; !rc && i < cfg->n_iomem; i++)
        rc = hv_domain_iomem_permission(o->priv, domid, cfg->iomem[i].first, cfg->iomem[i].nr,
                                        true);
    for (unsigned i = 0; !rc && i < cfg->n_irqs; i++)
        if (!(rc = hv_physdev_map_pirq(o->priv, domid, cfg->irqs[i])))
            rc = hv_domain_irq_permission(o->priv, domid, cfg->irqs[i], true);
    return rc ? priv_err(o, rc) : 0;
}

/* A created domain's limits and I/O grants, before its memory (create and restore). */
int hv_ops_dom_setup(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid)
{
    int rc;

    if ((rc = hv_domain_max_vcpus(o->priv, domid, cfg->maxvcpus)) ||
        (rc = hv_domain_max_mem(o->priv, domid, cfg->memory_mib * 1024 + 1024)))
        return priv_err(o, rc);
    return grant_io(o, cfg, domid);
}

static struct hv_xsl_dom xsl_dom(const struct hv_cfg *cfg, uint32_t domid, const uint8_t uuid[16],
                                 const struct hv_build_result *res, bool rings_later)
{
    struct hv_xsl_dom x = {domid, cfg->name, {0}, cfg->memory_mib * 1024,
                           cfg->maxmem_mib * 1024, cfg->maxvcpus, cfg->vcpus, res->store_mfn,
                           res->console_mfn, res->store_port, res->console_port, cfg->kernel,
                           cfg->ramdisk, cfg->cmdline, hv_cfg_action_name(cfg->on_poweroff),
                           hv_cfg_action_name(cfg->on_reboot), hv_cfg_action_name(cfg->on_crash),
                           rings_later};

    memcpy(x.uuid, uuid, 16);
    return x;
}

static int sched_params(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid)
{
    struct hv_sched_credit sc = {cfg->cpu_weight, cfg->cap};
    int rc;

    if ((cfg->cpu_weight || cfg->cap) && (rc = hv_sched_credit_set(o->priv, domid, &sc)))
        return priv_err(o, rc);
    return 0;
}

static int add_devices(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid,
                       const uint8_t uuid[16])
{
    unsigned i;
    int rc;

    for (i = 0; i < cfg->n_disks; i++)
        if ((rc = hv_blk_add(o->xs, domid, &cfg->disks[i], &o->err)))
            return rc;
    for (i = 0; i < cfg->n_vifs; i++)
        if ((rc = hv_vif_add(o->xs, domid, uuid, &cfg->vifs[i], &o->err)))
            return rc;
    return 0;
}

/* A domain with its memory and vCPU 0: scheduler parameters, xenstore tree, introduction to
 * xenstored, devices (as libxl: before it runs), unpause (create). */
int hv_ops_dom_finish(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid,
                      const uint8_t uuid[16], const struct hv_build_result *res, bool paused)
{
    struct hv_xsl_dom x = xsl_dom(cfg, domid, uuid, res, false);
    int rc;

    if ((rc = sched_params(o, cfg, domid)) || (rc = hv_xsl_write(o->xs, &x, &o->err)) ||
        (rc = hv_xsl_introduce(o->xs, domid, res->store_mfn, res->store_port, &o->err)) ||
        (rc = add_devices(o, cfg, domid, uuid)))
        return rc;
    if (!paused && (rc = hv_domain_unpause(o->priv, domid)))
        return priv_err(o, rc);
    return 0;
}

int hv_ops_dom_describe(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid,
                        const uint8_t uuid[16], const struct hv_build_result *res)
{
    struct hv_xsl_dom x = xsl_dom(cfg, domid, uuid, res, true);
    int rc;

    if ((rc = sched_params(o, cfg, domid)) || (rc = hv_xsl_write(o->xs, &x, &o->err)))
        return rc;
    return add_devices(o, cfg, domid, uuid);
}

int hv_ops_dom_start(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid,
                     const uint8_t uuid[16], const struct hv_build_result *res, bool paused,
                     bool rings, double *rings_at)
{
    int rc;

    /* introduced first: the rings' nodes wake hvconsoled, whose scan and connection would
     * otherwise queue before the introduction at xenstored (the guest is paused either way) */
    if ((rc = hv_xsl_introduce(o->xs, domid, res->store_mfn, res->store_port, &o->err)))
        return rc;
    if (rings_at)
        *rings_at = hv_now();
    if (rings && (rc = hv_ops_dom_rings(o, cfg, domid, uuid, res)))
        return rc;
    if (!paused && (rc = hv_domain_unpause(o->priv, domid)))
        return priv_err(o, rc);
    return 0;
}

int hv_ops_dom_rings(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid,
                     const uint8_t uuid[16], const struct hv_build_result *res)
{
    struct hv_xsl_dom x = xsl_dom(cfg, domid, uuid, res, true);

    return hv_xsl_write_rings(o->xs, &x, &o->err);
}

/* The steps after createdomain; on failure the caller undoes everything. */
static int create_steps(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid,
                        const uint8_t uuid[16], bool paused)
{
    struct hv_build_req req = {cfg->kernel, cfg->ramdisk, cfg->cmdline, cfg->memory_mib,
                               cfg->maxmem_mib, cfg->vcpus, 0, 0};
    struct hv_build_result res;
    int rc;

    if ((rc = hv_ops_dom_setup(o, cfg, domid)))
        return rc;
    memset(&res, 0, sizeof(res));
    if ((rc = hv_build(o->priv, domid, &req, &res, &o->err)))
        return rc;
    return hv_ops_dom_finish(o, cfg, domid, uuid, &res, paused);
}

/* True if someone else (hvctl destroy) ended the domain while create was building it. */
static bool destroyed_meanwhile(struct hv_ops *o, uint32_t domid)
{
    struct hv_dominfo info;
    int rc = hv_domain_getinfo(o->priv, domid, &info);

    return rc == -ESRCH || (!rc && info.dying);
}

int hv_ops_create(struct hv_ops *o, const struct hv_cfg *cfg, bool paused, uint32_t *domid)
{
    struct hv_domain_config dc = {.max_vcpus = cfg->maxvcpus, .max_evtchn_port = 1023,
                                  .max_grant_frames = -1, .max_maptrack_frames = -1,
                                  .grant_opts = 2};
    struct hv_err first;
    bool gone;
    int rc;

    if ((rc = hv_ops_check_new(o, cfg, true)))
        return rc;
    if (cfg->has_uuid)
        memcpy(dc.handle, cfg->uuid, 16);
    else if ((rc = hv_ops_new_uuid(dc.handle, &o->err)))
        return rc;
    *domid = 0;
    if ((rc = hv_domain_create(o->priv, &dc, domid)))
        return priv_err(o, rc);
    rc = create_steps(o, cfg, *domid, dc.handle, paused);
    if (!rc)
        return 0;
    first = o->err; /* the cause, not what undoing it may say */
    gone = destroyed_meanwhile(o, *domid);
    hv_ops_destroy(o, *domid);
    o->err = first;
    if (gone)
        hv_err_set(&o->err, rc, "domain %u was destroyed while it was being built (%s)", *domid,
                   first.msg);
    return rc;
}

int hv_ops_destroy(struct hv_ops *o, uint32_t domid)
{
    struct hv_err xerr = {""}, derr = {""}, ignored;
    int rc, xrc, drc;

    if (domid == 0)
        return hv_err_set(&o->err, -EINVAL, "domain 0 cannot be destroyed");
    hv_domain_pause(o->priv, domid); /* as libxl; a domain already dying refuses, fine */
    drc = hv_dev_remove_all(o->xs, domid, &derr); /* forced: the paused guest cannot answer */
    xrc = hv_xsl_remove(o->xs, domid, &xerr);
    if ((rc = hv_domain_destroy(o->priv, domid)) && rc != -ESRCH)
        return priv_err(o, rc);
    hv_xsl_release(o->xs, domid, &ignored); /* Xen's xenstored also does it on its own */
    if (rc == -ESRCH)
        return hv_err_set(&o->err, rc, "no domain with id %u", domid);
    if (xrc)
        o->err = xerr;
    else if (drc)
        o->err = derr;
    return xrc ? xrc : drc;
}

int hv_ops_pause(struct hv_ops *o, uint32_t domid)
{
    int rc = hv_domain_pause(o->priv, domid);

    return rc ? priv_err(o, rc) : 0;
}

int hv_ops_unpause(struct hv_ops *o, uint32_t domid)
{
    int rc = hv_domain_unpause(o->priv, domid);

    return rc ? priv_err(o, rc) : 0;
}

int hv_ops_shutdown(struct hv_ops *o, uint32_t domid, const char *what)
{
    if (domid == 0)
        return hv_err_set(&o->err, -EINVAL, "hvctl does not shut down domain 0 (use the "
                          "host's poweroff)");
    return hv_xsl_shutdown(o->xs, domid, what, &o->err);
}

double hv_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Polls getdomaininfo, woken early by @releaseDomain (the event is a hint, never trusted): every
 * WAIT_FAST_MS for the first WAIT_FAST_S (a suspend for a migration is over in tens of
 * milliseconds: xenstored's wake-up, its domain scan and the watch's trip back would add to the
 * guest's downtime), then every 200 ms. */
#define WAIT_FAST_MS 2
#define WAIT_FAST_S 2
int hv_ops_wait_shutdown(struct hv_ops *o, uint32_t domid, unsigned timeout_s, int *reason)
{
    struct hv_dominfo info;
    double start = hv_now(), end = start + timeout_s;
    bool watching = xs_watch(o->xs, "@releaseDomain", "hvctl-wait");
    struct pollfd pfd = {xs_fileno(o->xs), POLLIN, 0};
    int rc;

    for (;;) {
        rc = hv_domain_getinfo(o->priv, domid, &info);
        if (rc == -ESRCH || (!rc && info.dying))
            return *reason = -1, 0;
        if (rc)
            return priv_err(o, rc);
        if (info.shutdown)
            return *reason = (int)info.shutdown_reason, 0;
        if (timeout_s && hv_now() > end)
            return hv_err_set(&o->err, -ETIMEDOUT, "domain %u has not shut down after %u s",
                              domid, timeout_s);
        if (hv_now() < start + WAIT_FAST_S) {
            if (poll(&pfd, watching, WAIT_FAST_MS) > 0)
                free(xs_check_watch(o->xs));
        } else if (watching && poll(&pfd, 1, 200) > 0) {
            free(xs_check_watch(o->xs));
        } else if (!watching) {
            usleep(200000);
        }
    }
}

const char *hv_ops_reason_name(int reason)
{
    static const char *const names[] = {"poweroff", "reboot", "suspend", "crash", "watchdog",
                                        "soft_reset"};

    return reason >= 0 && reason <= PV_SHUTDOWN_MAX ? names[reason] : "unknown";
}
