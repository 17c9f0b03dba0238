/* The generic split-device layer (dev.h): xenstore dirs as libxl writes them, states, removal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dev.h"
#include "dev_internal.h"

struct dev_paths {
    char fe[128], be[128], tk[128];
};

static void paths(struct dev_paths *p, const char *kind, uint32_t domid, uint32_t bdom,
                  uint32_t devid)
{
    snprintf(p->fe, sizeof(p->fe), "/local/domain/%u/device/%s/%u", domid, kind, devid);
    snprintf(p->be, sizeof(p->be), "/local/domain/%u/backend/%s/%u/%u", bdom, kind, domid, devid);
    snprintf(p->tk, sizeof(p->tk), "/libxl/%u/device/%s/%u", domid, kind, devid);
}

double dev_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One transaction's writes; the first failure is kept and the rest are skipped. */
struct txw {
    struct xs_handle *xs;
    xs_transaction_t t;
    int err;
    char where[256];
};

static void txw_put(struct txw *w, const char *dir, const char *key, const char *value,
                    const struct xs_permissions *perms, unsigned n_perms)
{
    char path[256];
    bool ok;

    if (w->err)
        return;
    if (key)
        snprintf(path, sizeof(path), "%s/%s", dir, key);
    else
        snprintf(path, sizeof(path), "%s", dir);
    ok = value ? xs_write(w->xs, w->t, path, value, strlen(value)) : xs_mkdir(w->xs, w->t, path);
    if (ok && perms)
        ok = xs_set_permissions(w->xs, w->t, path, (struct xs_permissions *)perms, n_perms);
    if (!ok) {
        w->err = errno ? errno : EIO;
        snprintf(w->where, sizeof(w->where), "%s", path);
    }
}

static void txw_kvs(struct txw *w, const char *dir, const struct hv_dev_kv *kv, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++)
        txw_put(w, dir, kv[i].key, kv[i].value, NULL, 0);
}

/* The three dirs, as libxl_device.c's libxl__device_generic_add with its permissions. */
static void write_dirs(struct txw *w, const struct hv_dev *d, const struct dev_paths *p)
{
    struct xs_permissions fe_perms[2] = {{d->domid, XS_PERM_NONE},
                                         {d->backend_domid, XS_PERM_READ}};
    struct xs_permissions be_perms[2] = {{d->backend_domid, XS_PERM_NONE},
                                         {d->domid, XS_PERM_READ}};
    struct xs_permissions tk_perms[1] = {{0, XS_PERM_NONE}};
    char num[16];
    const char *script = d->script;

    txw_put(w, p->tk, NULL, NULL, tk_perms, 1);
    txw_put(w, p->tk, "frontend", p->fe, NULL, 0);
    txw_put(w, p->tk, "backend", p->be, NULL, 0);
    if (script)
        txw_put(w, p->tk, "script", script, NULL, 0);
    txw_kvs(w, p->tk, d->back, d->n_back);

    txw_put(w, p->fe, NULL, NULL, fe_perms, 2);
    txw_put(w, p->fe, "backend", p->be, NULL, 0); /* children inherit the dir's permissions */
    snprintf(num, sizeof(num), "%u", d->backend_domid);
    txw_put(w, p->fe, "backend-id", num, NULL, 0);
    txw_put(w, p->fe, "state", "1", NULL, 0);
    txw_kvs(w, p->fe, d->front, d->n_front);

    txw_put(w, p->be, NULL, NULL, be_perms, 2);
    txw_put(w, p->be, "frontend", p->fe, NULL, 0);
    snprintf(num, sizeof(num), "%u", d->domid);
    txw_put(w, p->be, "frontend-id", num, NULL, 0);
    txw_put(w, p->be, "online", "1", NULL, 0);
    txw_put(w, p->be, "state", "1", NULL, 0);
    txw_kvs(w, p->be, d->back, d->n_back);
}

static bool node_exists(struct xs_handle *xs, xs_transaction_t t, const char *path)
{
    unsigned n;
    char *v = xs_read(xs, t, path, &n);

    free(v);
    return v != NULL;
}

static int write_all(struct xs_handle *xs, const struct hv_dev *d, const struct dev_paths *p,
                     struct hv_err *err)
{
    unsigned tries;

    for (tries = 0; tries < 20; tries++) {
        struct txw w = {xs, 0, 0, ""};

        if (!(w.t = xs_transaction_start(xs)))
            return hv_err_set(err, -(errno ? errno : EIO), "xenstore: cannot start a "
                              "transaction: %s", strerror(errno ? errno : EIO));
        if (node_exists(xs, w.t, p->tk) || node_exists(xs, w.t, p->be)) {
            xs_transaction_end(xs, w.t, true);
            return hv_err_set(err, -EEXIST, "%s %u of domain %u exists", d->kind, d->devid,
                              d->domid);
        }
        write_dirs(&w, d, p);
        if (w.err) {
            xs_transaction_end(xs, w.t, true);
            return hv_err_set(err, -w.err, "xenstore: writing %s: %s", w.where,
                              strerror(w.err));
        }
        if (xs_transaction_end(xs, w.t, false))
            return 0;
        if (errno != EAGAIN)
            return hv_err_set(err, -errno, "xenstore: adding %s %u of domain %u: %s", d->kind,
                              d->devid, d->domid, strerror(errno));
    }
    return hv_err_set(err, -EAGAIN, "xenstore: adding %s %u of domain %u: too many conflicts",
                      d->kind, d->devid, d->domid);
}

int hv_dev_state(struct xs_handle *xs, const char *path)
{
    char sp[160], *v, *end;
    unsigned n;
    long s;

    snprintf(sp, sizeof(sp), "%s/state", path);
    if (!(v = xs_read(xs, XBT_NULL, sp, &n)))
        return HV_XB_UNKNOWN;
    s = strtol(v, &end, 10);
    if (end == v || *end || s < 0 || s > HV_XB_CLOSED)
        s = HV_XB_UNKNOWN;
    free(v);
    return (int)s;
}

int hv_dev_wait_state(struct xs_handle *xs, const char *path, int lo, int hi,
                      unsigned timeout_s, int *got)
{
    double end = dev_now() + timeout_s;

    for (;;) {
        *got = hv_dev_state(xs, path);
        if (*got >= lo && *got <= hi)
            return 0;
        if (!node_exists(xs, XBT_NULL, path))
            return -ENOENT;
        if (dev_now() > end)
            return -ETIMEDOUT;
        usleep(50000);
    }
}

/* Why a backend did not answer: no driver for KIND in dom0's kernel, or it did not probe. */
static int backend_silent(const struct hv_dev *d, const char *be, int rc, int got, unsigned t,
                          struct hv_err *err)
{
    char drv[96];
    struct stat st;

    if (rc == -ENOENT)
        return hv_err_set(err, rc, "%s: removed while waiting for the backend", be);
    snprintf(drv, sizeof(drv), "/sys/bus/xen-backend/drivers/%s", d->kind);
    if (stat(drv, &st))
        return hv_err_set(err, -ETIMEDOUT, "%s %u of domain %u: no %s backend driver in dom0's "
                          "kernel (%s missing: modprobe %s)", d->kind, d->devid, d->domid,
                          d->kind, drv, dev_module_of(d->kind));
    return hv_err_set(err, -ETIMEDOUT, "%s %u of domain %u: the backend %s is in state %d, not "
                      "InitWait (2), after %u s", d->kind, d->devid, d->domid, be, got, t);
}

/* A script's limit: the device's wait, but never under HV_DEV_SCRIPT_TIMEOUT_S (dev.h). */
static unsigned script_timeout(unsigned wait_s)
{
    return wait_s > HV_DEV_SCRIPT_TIMEOUT_S ? wait_s : HV_DEV_SCRIPT_TIMEOUT_S;
}

int hv_dev_add(struct xs_handle *xs, const struct hv_dev *d, struct hv_err *err)
{
    unsigned t = d->timeout_s ? d->timeout_s : HV_DEV_TIMEOUT_S;
    struct dev_paths p;
    struct hv_err first, ignored;
    int rc, got;

    paths(&p, d->kind, d->domid, d->backend_domid, d->devid);
    if ((rc = write_all(xs, d, &p, err)))
        return rc;
    rc = hv_dev_wait_state(xs, p.be, HV_XB_INITWAIT, HV_XB_CONNECTED, t, &got);
    if (rc)
        rc = backend_silent(d, p.be, rc, got, t, err);
    else if (d->script)
        rc = dev_hotplug(d->kind, d->domid, d->devid, d->script, dev_action(d->kind, true),
                         p.be, p.fe, d->env, d->n_env, script_timeout(t), err);
    if (!rc)
        return 0;
    first = *err;
    hv_dev_remove(xs, d->kind, d->domid, d->devid, true, t, &ignored);
    *err = first;
    return rc;
}

static int read_node(struct xs_handle *xs, const char *path, char *buf, size_t len)
{
    unsigned n;
    char *v = xs_read(xs, XBT_NULL, path, &n);

    if (len)
        buf[0] = 0;
    if (!v)
        return -(errno ? errno : ENOENT);
    snprintf(buf, len, "%.*s", (int)n, v);
    free(v);
    return 0;
}

int hv_dev_read(struct xs_handle *xs, uint32_t domid, const char *kind, uint32_t devid,
                const char *key, char *buf, size_t len)
{
    char path[192];

    snprintf(path, sizeof(path), "/libxl/%u/device/%s/%u/%s", domid, kind, devid, key);
    return read_node(xs, path, buf, len);
}

/* The dirs named by the toolstack's copy (the frontend's own "backend" is the guest's word). */
static int trusted_paths(struct xs_handle *xs, const char *kind, uint32_t domid, uint32_t devid,
                         struct dev_paths *p)
{
    char be[128];

    paths(p, kind, domid, 0, devid);
    if (!node_exists(xs, XBT_NULL, p->tk))
        return -ENOENT;
    if (!hv_dev_read(xs, domid, kind, devid, "backend", be, sizeof(be)) &&
        !strncmp(be, "/local/domain/", 14))
        snprintf(p->be, sizeof(p->be), "%s", be);
    return 0;
}

static void rm_path(struct xs_handle *xs, const char *path)
{
    xs_rm(xs, XBT_NULL, path);
}

/* Removes path, then up to `levels` of its parents while they are empty (the KIND and domain
 * dirs the first device made; the domain's own dirs are xsl.c's). */
static void rm_up(struct xs_handle *xs, const char *path, unsigned levels)
{
    char p[160], *slash, **kids;
    unsigned n;

    rm_path(xs, path);
    snprintf(p, sizeof(p), "%s", path);
    while (levels-- && (slash = strrchr(p, '/')) && slash != p) {
        *slash = 0;
        n = 1;
        kids = xs_directory(xs, XBT_NULL, p, &n);
        free(kids);
        if (!kids || n)
            return;
        rm_path(xs, p);
    }
}

/* Waits until the kernel's backend device KIND-D-DEVID has gone (the driver let go of it). */
static void wait_kernel_gone(const char *kind, uint32_t domid, uint32_t devid, unsigned t)
{
    char sys[128];
    struct stat st;
    double end = dev_now() + t;

    snprintf(sys, sizeof(sys), "/sys/bus/xen-backend/devices/%s-%u-%u", kind, domid, devid);
    while (!stat(sys, &st) && dev_now() < end)
        usleep(50000);
}

int hv_dev_remove(struct xs_handle *xs, const char *kind, uint32_t domid, uint32_t devid,
                  bool force, unsigned timeout_s, struct hv_err *err)
{
    unsigned t = timeout_s ? timeout_s : HV_DEV_TIMEOUT_S;
    char script[256], online[160], state[160];
    struct dev_paths p;
    int rc, got;

    if (trusted_paths(xs, kind, domid, devid, &p))
        return hv_err_set(err, -ENOENT, "domain %u has no %s %u", domid, kind, devid);
    snprintf(online, sizeof(online), "%s/online", p.be);
    snprintf(state, sizeof(state), "%s/state", p.be);
    if (node_exists(xs, XBT_NULL, p.be)) {
        xs_write(xs, XBT_NULL, online, "0", 1);
        if (hv_dev_state(xs, p.be) < HV_XB_CLOSING)
            xs_write(xs, XBT_NULL, state, "5", 1);
        if (!force)
            hv_dev_wait_state(xs, p.be, HV_XB_CLOSED, HV_XB_CLOSED, t, &got);
    }
    rm_up(xs, p.fe, 1); /* the driver sees its frontend gone and lets go */
    wait_kernel_gone(kind, domid, devid, t);
    rc = 0;
    if (!hv_dev_read(xs, domid, kind, devid, "script", script, sizeof(script)) && *script)
        rc = dev_hotplug(kind, domid, devid, script, dev_action(kind, false), p.be, p.fe, NULL,
                         0, script_timeout(t), err);
    rm_up(xs, p.be, 3);  /* .../backend/KIND/D/DEVID: up to backend */
    rm_up(xs, p.tk, 2);  /* /libxl/D/device/KIND/DEVID: up to device */
    return rc;
}

static int list_kinds(struct xs_handle *xs, uint32_t domid, char ***kinds, unsigned *n)
{
    char path[64];

    snprintf(path, sizeof(path), "/libxl/%u/device", domid);
    *n = 0;
    *kinds = xs_directory(xs, XBT_NULL, path, n);
    return *kinds ? 0 : -ENOENT;
}

int hv_dev_remove_all(struct xs_handle *xs, uint32_t domid, struct hv_err *err)
{
    uint32_t ids[64];
    char **kinds, path[64];
    unsigned nk, i;
    int n, j, rc, first = 0;
    struct hv_err e;

    if (list_kinds(xs, domid, &kinds, &nk))
        return 0;
    for (i = 0; i < nk; i++) {
        n = hv_dev_list(xs, domid, kinds[i], ids, 64);
        for (j = 0; j < n; j++) {
            rc = hv_dev_remove(xs, kinds[i], domid, ids[j], true, 0, &e);
            if (rc && !first) {
                first = rc;
                *err = e;
            }
        }
    }
    free(kinds);
    snprintf(path, sizeof(path), "/libxl/%u/device", domid);
    rm_path(xs, path);
    return first;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

int hv_dev_list(struct xs_handle *xs, uint32_t domid, const char *kind, uint32_t *devids,
                unsigned max)
{
    char path[96], **kids, *end;
    unsigned n = 0, i, count = 0;
    unsigned long v;

    snprintf(path, sizeof(path), "/libxl/%u/device/%s", domid, kind);
    if (!(kids = xs_directory(xs, XBT_NULL, path, &n)))
        return 0;
    for (i = 0; i < n && count < max; i++) {
        v = strtoul(kids[i], &end, 10);
        if (end != kids[i] && !*end && v <= UINT32_MAX)
            devids[count++] = (uint32_t)v;
    }
    free(kids);
    qsort(devids, count, sizeof(*devids), cmp_u32);
    return (int)count;
}

int hv_dev_script(struct xs_handle *xs, const char *kind, uint32_t domid, uint32_t devid,
                  const char *action, const struct hv_dev_kv *env, unsigned n_env,
                  unsigned timeout_s, struct hv_err *err)
{
    char script[256];
    struct dev_paths p;

    if (trusted_paths(xs, kind, domid, devid, &p))
        return hv_err_set(err, -ENOENT, "domain %u has no %s %u", domid, kind, devid);
    if (hv_dev_read(xs, domid, kind, devid, "script", script, sizeof(script)) || !*script)
        return hv_err_set(err, -ENOENT, "%s %u of domain %u has no hotplug script", kind, devid,
                          domid);
    return dev_hotplug(kind, domid, devid, script, action, p.be, p.fe, env, n_env,
                       script_timeout(timeout_s), err);
}

int hv_dev_write(struct xs_handle *xs, uint32_t domid, const char *kind, uint32_t devid,
                 const char *key, const char *value, bool backend_too, struct hv_err *err)
{
    struct dev_paths p;
    char path[256];

    if (trusted_paths(xs, kind, domid, devid, &p))
        return hv_err_set(err, -ENOENT, "domain %u has no %s %u", domid, kind, devid);
    snprintf(path, sizeof(path), "%s/%s", p.tk, key);
    if (!xs_write(xs, XBT_NULL, path, value, strlen(value)))
        return hv_err_set(err, -errno, "xenstore: writing %s: %s", path, strerror(errno));
    snprintf(path, sizeof(path), "%s/%s", p.be, key);
    if (backend_too && !xs_write(xs, XBT_NULL, path, value, strlen(value)))
        return hv_err_set(err, -errno, "xenstore: writing %s: %s", path, strerror(errno));
    return 0;
}
