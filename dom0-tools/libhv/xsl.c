/* A domain's xenstore tree as libxl writes it (libxl_create.c, libxl_dom.c), and its removal. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cfg.h"
#include "xsl.h"

/* Permissions: libxl's "ro" (n0,rD: dom0 owns, the domain reads), "rw" (nD: the domain owns),
 * "priv" (n0: the toolstack's only), or inherited from the parent. */
enum perm { P_INHERIT, P_RO, P_RW, P_PRIV };

struct wr {
    struct xs_handle *xs;
    xs_transaction_t t;
    uint32_t domid;
    bool failed;
    char where[256]; /* the path that failed */
    int err;
};

static void put(struct wr *w, enum perm perm, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes one node (value NULL: an empty directory node) and its permissions. */
static void put(struct wr *w, enum perm perm, const char *value, const char *fmt, ...)
{
    struct xs_permissions ro[2] = {{0, XS_PERM_NONE}, {w->domid, XS_PERM_READ}};
    struct xs_permissions rw[1] = {{w->domid, XS_PERM_NONE}};
    struct xs_permissions pv[1] = {{0, XS_PERM_NONE}};
    char path[256];
    va_list ap;
    bool ok;

    if (w->failed)
        return;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    ok = value ? xs_write(w->xs, w->t, path, value, strlen(value)) : xs_mkdir(w->xs, w->t, path);
    if (ok && perm == P_RO)
        ok = xs_set_permissions(w->xs, w->t, path, ro, 2);
    else if (ok && perm != P_INHERIT)
        ok = xs_set_permissions(w->xs, w->t, path, perm == P_RW ? rw : pv, 1);
    if (!ok) {
        w->failed = true;
        w->err = errno ? errno : EIO;
        snprintf(w->where, sizeof(w->where), "%s", path);
    }
}

static void put_domain(struct wr *w, const struct hv_xsl_dom *d, const char *dp, const char *vm)
{
    static const char *const rw_dirs[] = {"data", "drivers", "feature", "attr", "error"};
    static const char *const rw_ctl[] = {"shutdown", "feature-poweroff", "feature-reboot",
                                         "feature-suspend", "sysrq"};
    char num[32];
    unsigned i;

    put(w, P_RO, NULL, "%s", dp);
    put(w, P_INHERIT, vm, "%s/vm", dp);
    put(w, P_INHERIT, d->name, "%s/name", dp);
    snprintf(num, sizeof(num), "%u", d->domid);
    put(w, P_INHERIT, num, "%s/domid", dp);
    put(w, P_RO, NULL, "%s/cpu", dp);
    for (i = 0; i < d->max_vcpus; i++)
        put(w, P_INHERIT, i < d->online_vcpus ? "online" : "offline", "%s/cpu/%u/availability",
            dp, i);
    put(w, P_RO, NULL, "%s/memory", dp);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)d->static_max_kib);
    put(w, P_INHERIT, num, "%s/memory/static-max", dp);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)d->target_kib);
    put(w, P_INHERIT, num, "%s/memory/target", dp);
    put(w, P_RO, NULL, "%s/device", dp);
    put(w, P_RW, "", "%s/device/suspend/event-channel", dp);
    put(w, P_RO, NULL, "%s/control", dp);
    for (i = 0; i < sizeof(rw_ctl) / sizeof(rw_ctl[0]); i++)
        put(w, P_RW, "", "%s/control/%s", dp, rw_ctl[i]);
    put(w, P_INHERIT, "1", "%s/control/platform-feature-multiprocessor-suspend", dp);
    put(w, P_INHERIT, "1", "%s/control/platform-feature-xs_reset_watches", dp);
    for (i = 0; i < sizeof(rw_dirs) / sizeof(rw_dirs[0]); i++)
        put(w, P_RW, NULL, "%s/%s", dp, rw_dirs[i]);
}

/* The rings' ports and frames (a restore knows the frames only after the stream). */
static void put_ring_refs(struct wr *w, const struct hv_xsl_dom *d, const char *dp)
{
    char num[32];

    snprintf(num, sizeof(num), "%u", d->store_port);
    put(w, P_INHERIT, num, "%s/store/port", dp);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)d->store_mfn);
    put(w, P_INHERIT, num, "%s/store/ring-ref", dp);
    snprintf(num, sizeof(num), "%u", d->console_port);
    put(w, P_INHERIT, num, "%s/console/port", dp);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)d->console_mfn);
    put(w, P_INHERIT, num, "%s/console/ring-ref", dp);
}

static void put_console(struct wr *w, const struct hv_xsl_dom *d, const char *dp)
{
    char bp[64];

    put(w, P_RO, NULL, "%s/console", dp);
    snprintf(bp, sizeof(bp), "/local/domain/0/backend/console/%u/0", d->domid);
    put(w, P_INHERIT, bp, "%s/console/backend", dp);
    put(w, P_INHERIT, "0", "%s/console/backend-id", dp);
    put(w, P_INHERIT, "1048576", "%s/console/limit", dp);
    put(w, P_INHERIT, "xenconsoled", "%s/console/type", dp);
    put(w, P_INHERIT, "pty", "%s/console/output", dp);
    put(w, P_INHERIT, "", "%s/console/tty", dp);
}

/* dom0's console backend directory, /vm/<uuid> and /libxl/D. */
static void put_others(struct wr *w, const struct hv_xsl_dom *d, const char *dp, const char *vm,
                       const char *uuid)
{
    char bp[96], fe[96], num[32];
    struct timeval tv;

    snprintf(bp, sizeof(bp), "/local/domain/0/backend/console/%u/0", d->domid);
    put(w, P_RO, NULL, "%s", bp);
    snprintf(fe, sizeof(fe), "%s/console", dp);
    put(w, P_INHERIT, fe, "%s/frontend", bp);
    snprintf(num, sizeof(num), "%u", d->domid);
    put(w, P_INHERIT, num, "%s/frontend-id", bp);
    put(w, P_INHERIT, "1", "%s/online", bp);
    put(w, P_INHERIT, "1", "%s/state", bp);
    put(w, P_INHERIT, "vt100", "%s/protocol", bp);
    put(w, P_RO, NULL, "%s", vm);
    put(w, P_INHERIT, uuid, "%s/uuid", vm);
    put(w, P_INHERIT, d->name, "%s/name", vm);
    put(w, P_INHERIT, "linux", "%s/image/ostype", vm);
    if (d->kernel)
        put(w, P_INHERIT, d->kernel, "%s/image/kernel", vm);
    if (d->ramdisk)
        put(w, P_INHERIT, d->ramdisk, "%s/image/ramdisk", vm);
    if (d->cmdline)
        put(w, P_INHERIT, d->cmdline, "%s/image/cmdline", vm);
    if (d->on_poweroff)
        put(w, P_INHERIT, d->on_poweroff, "%s/on_poweroff", vm);
    if (d->on_reboot)
        put(w, P_INHERIT, d->on_reboot, "%s/on_reboot", vm);
    if (d->on_crash)
        put(w, P_INHERIT, d->on_crash, "%s/on_crash", vm);
    gettimeofday(&tv, NULL);
    snprintf(num, sizeof(num), "%ld.%02ld", (long)tv.tv_sec, (long)tv.tv_usec / 10000);
    put(w, P_INHERIT, num, "%s/start_time", vm);
    put(w, P_PRIV, NULL, "/libxl/%u", d->domid);
    put(w, P_INHERIT, "pv", "/libxl/%u/type", d->domid);
}

/* Runs fn in a transaction until it commits without EAGAIN (at most 20 tries). */
static int in_transaction(struct xs_handle *xs, void (*fn)(struct wr *, const void *),
                          const void *arg, uint32_t domid, struct hv_err *err, const char *what)
{
    unsigned tries;

    for (tries = 0; tries < 20; tries++) {
        struct wr w = {xs, 0, domid, false, "", 0};

        if (!(w.t = xs_transaction_start(xs)))
            return hv_err_set(err, -(errno ? errno : EIO), "xenstore: cannot start a "
                              "transaction: %s", strerror(errno ? errno : EIO));
        fn(&w, arg);
        if (w.failed) {
            xs_transaction_end(xs, w.t, true);
            return hv_err_set(err, -w.err, "xenstore: %s %s: %s", what, w.where,
                              strerror(w.err));
        }
        if (xs_transaction_end(xs, w.t, false))
            return 0;
        if (errno != EAGAIN)
            return hv_err_set(err, -errno, "xenstore: %s: commit: %s", what, strerror(errno));
    }
    return hv_err_set(err, -EAGAIN, "xenstore: %s: too many conflicting transactions", what);
}

static void write_all(struct wr *w, const void *arg)
{
    const struct hv_xsl_dom *d = arg;
    char dp[64], vm[64], uuid[37];

    hv_cfg_uuid_format(d->uuid, uuid);
    snprintf(dp, sizeof(dp), "/local/domain/%u", d->domid);
    snprintf(vm, sizeof(vm), "/vm/%s", uuid);
    put_domain(w, d, dp, vm);
    put_console(w, d, dp);
    if (!d->rings_later)
        put_ring_refs(w, d, dp);
    put_others(w, d, dp, vm, uuid);
}

static void write_rings(struct wr *w, const void *arg)
{
    char dp[64];

    snprintf(dp, sizeof(dp), "/local/domain/%u", w->domid);
    put_ring_refs(w, arg, dp);
}

int hv_xsl_write(struct xs_handle *xs, const struct hv_xsl_dom *d, struct hv_err *err)
{
    return in_transaction(xs, write_all, d, d->domid, err, "writing");
}

int hv_xsl_write_rings(struct xs_handle *xs, const struct hv_xsl_dom *d, struct hv_err *err)
{
    return in_transaction(xs, write_rings, d, d->domid, err, "writing");
}

static void rm(struct wr *w, const char *path)
{
    if (!w->failed && !xs_rm(w->xs, w->t, path) && errno != ENOENT) {
        w->failed = true;
        w->err = errno ? errno : EIO;
        snprintf(w->where, sizeof(w->where), "%s", path);
    }
}

/* The parents writing made (/vm, /libxl, dom0's backend/KIND) go with their last child, so the
 * tree is exactly as before the first domain (libxl leaves them; nothing else needs them). */
static void rm_if_empty(struct wr *w, const char *path)
{
    unsigned n = 1;
    char **kids = xs_directory(w->xs, w->t, path, &n);

    if (kids && n == 0)
        rm(w, path);
    free(kids);
}

/* Does a domain other than w's name vm as its /vm/<uuid>? (A migration's incoming copy on the
 * source's own host shares the source's: whichever goes first leaves it to the other.) */
static bool vm_shared(struct wr *w, const char *vm)
{
    char path[64], *theirs;
    unsigned n = 0, i, len;
    char **ids = xs_directory(w->xs, w->t, "/local/domain", &n);
    bool shared = false;

    for (i = 0; ids && i < n && !shared; i++) {
        if (strtoul(ids[i], NULL, 10) == w->domid)
            continue;
        snprintf(path, sizeof(path), "/local/domain/%.40s/vm", ids[i]);
        if ((theirs = xs_read(w->xs, w->t, path, &len))) {
            shared = !strcmp(theirs, vm);
            free(theirs);
        }
    }
    free(ids);
    return shared;
}

static void remove_all(struct wr *w, const void *arg)
{
    char path[128], *vm;
    char **kinds;
    unsigned i, n = 0, len;

    (void)arg;
    snprintf(path, sizeof(path), "/local/domain/%u/vm", w->domid);
    vm = xs_read(w->xs, w->t, path, &len);
    if (vm && !strncmp(vm, "/vm/", 4) && !strchr(vm + 4, '/') && vm[4] && !vm_shared(w, vm))
        rm(w, vm);
    free(vm);
    snprintf(path, sizeof(path), "/local/domain/%u", w->domid);
    rm(w, path);
    snprintf(path, sizeof(path), "/libxl/%u", w->domid);
    rm(w, path);
    kinds = xs_directory(w->xs, w->t, "/local/domain/0/backend", &n);
    for (i = 0; kinds && i < n; i++) {
        snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", kinds[i], w->domid);
        rm(w, path);
        snprintf(path, sizeof(path), "/local/domain/0/backend/%s", kinds[i]);
        rm_if_empty(w, path);
    }
    free(kinds);
    rm_if_empty(w, "/local/domain/0/backend");
    rm_if_empty(w, "/vm");
    rm_if_empty(w, "/libxl");
}

int hv_xsl_remove(struct xs_handle *xs, uint32_t domid, struct hv_err *err)
{
    return in_transaction(xs, remove_all, NULL, domid, err, "removing");
}

int hv_xsl_introduce(struct xs_handle *xs, uint32_t domid, uint64_t store_mfn, uint32_t port,
                     struct hv_err *err)
{
    if (!xs_introduce_domain(xs, domid, store_mfn, port))
        return hv_err_set(err, -errno, "xenstore: introducing domain %u (store frame %#llx, port "
                          "%u): %s", domid, (unsigned long long)store_mfn, port, strerror(errno));
    return 0;
}

int hv_xsl_release(struct xs_handle *xs, uint32_t domid, struct hv_err *err)
{
    if (!xs_release_domain(xs, domid) && errno != ENOENT)
        return hv_err_set(err, -errno, "xenstore: releasing domain %u: %s", domid,
                          strerror(errno));
    return 0;
}

int hv_xsl_read(struct xs_handle *xs, uint32_t domid, const char *rel, char *buf, size_t len)
{
    char path[160];
    unsigned n;
    char *v;

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, rel);
    if (len)
        buf[0] = 0;
    v = xs_read(xs, XBT_NULL, path, &n);
    if (!v)
        return -(errno ? errno : ENOENT);
    snprintf(buf, len, "%.*s", (int)n, v);
    free(v);
    return 0;
}

int hv_xsl_name(struct xs_handle *xs, uint32_t domid, char *buf, size_t len)
{
    return hv_xsl_read(xs, domid, "name", buf, len);
}

int hv_xsl_write_beside(struct xs_handle *xs, uint32_t domid, const char *guard,
                        const char *rel, const char *value, struct hv_err *err)
{
    char path[160], there[160], *old;
    unsigned n, tries;
    xs_transaction_t t;

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, rel);
    snprintf(there, sizeof(there), "/local/domain/%u/%s", domid, guard);
    for (tries = 0; tries < 20; tries++) {
        if (!(t = xs_transaction_start(xs)))
            break;
        if (!(old = xs_read(xs, t, there, &n))) {
            int e = errno ? errno : ENOENT;
            xs_transaction_end(xs, t, true);
            return hv_err_set(err, -e, "xenstore: %s: %s", there, strerror(e));
        }
        free(old);
        if (!xs_write(xs, t, path, value, strlen(value))) {
            xs_transaction_end(xs, t, true);
            break;
        }
        if (xs_transaction_end(xs, t, false))
            return 0;
        if (errno != EAGAIN)
            break;
    }
    return hv_err_set(err, -(errno ? errno : EIO), "xenstore: writing %s: %s", path,
                      strerror(errno ? errno : EIO));
}

/* Writes an existing node of the domain's tree (never creates one: -ENOENT if it is gone). */
static int write_one(struct xs_handle *xs, uint32_t domid, const char *rel, const char *value,
                     struct hv_err *err)
{
    return hv_xsl_write_beside(xs, domid, rel, rel, value, err);
}

int hv_xsl_shutdown(struct xs_handle *xs, uint32_t domid, const char *what, struct hv_err *err)
{
    return write_one(xs, domid, "control/shutdown", what, err);
}

int hv_xsl_vcpus(struct xs_handle *xs, uint32_t domid, unsigned online, unsigned max,
                 struct hv_err *err)
{
    char rel[48];
    unsigned i;
    int rc = 0;

    for (i = 0; i < max && !rc; i++) {
        snprintf(rel, sizeof(rel), "cpu/%u/availability", i);
        rc = write_one(xs, domid, rel, i < online ? "online" : "offline", err);
    }
    return rc;
}

int hv_xsl_mem_target(struct xs_handle *xs, uint32_t domid, uint64_t kib, struct hv_err *err)
{
    char num[32];

    snprintf(num, sizeof(num), "%llu", (unsigned long long)kib);
    return write_one(xs, domid, "memory/target", num, err);
}

int hv_xsl_start_time(struct xs_handle *xs, uint32_t domid, double *seconds)
{
    char vm[128], path[160], *v, *end;
    unsigned n;
    int rc = hv_xsl_read(xs, domid, "vm", vm, sizeof(vm));

    if (rc)
        return rc;
    snprintf(path, sizeof(path), "%s/start_time", vm);
    if (!(v = xs_read(xs, XBT_NULL, path, &n)))
        return -ENOENT;
    *seconds = strtod(v, &end);
    rc = end == v ? -EINVAL : 0;
    free(v);
    return rc;
}
