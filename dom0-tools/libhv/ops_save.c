/* xl save and xl restore (ops.h): suspending a domain, its save file, and a new domain from one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "blk.h"
#include "cfg_dev.h"
#include "ops.h"
#include "pv-abi/sched_op.h"
#include "save_dom.h"
#include "vif.h"

#define SUSPEND_TIMEOUT_S 60 /* libxl waits as long for a PV guest to suspend */
#define SUSPEND_EVTCHN_S 10  /* then control/shutdown: a guest that offers the port but ignores it */
#define SUSPEND_PORT_MAX 131071 /* FIFO's highest port (2-level: 4095): a number, no more */

static int priv_err(struct hv_ops *o, int rc)
{
    return hv_err_set(&o->err, rc, "%s", hv_priv_error(o->priv));
}

/* The domain's configuration as xl.cfg text (malloc()ed): what xenstore records of it (image,
 * memory, vCPUs, on_* actions, disks, vifs). */
static int save_config(struct hv_ops *o, uint32_t domid, char **text, size_t *len)
{
    struct hv_cfg_disk *disks = NULL;
    struct hv_dominfo info;
    char name[80], uuid[37];
    unsigned n = 0, i;
    FILE *f;
    int rc;

    if ((rc = hv_domain_getinfo(o->priv, domid, &info)))
        return priv_err(o, rc);
    if ((rc = hv_ops_name(o, domid, name, sizeof(name))))
        return hv_err_set(&o->err, rc, "domain %u has no name in xenstore", domid);
    if ((rc = hv_blk_current(o->xs, domid, &disks, &n)))
        return hv_err_set(&o->err, rc, "cannot read domain %u's disks", domid);
    if (!(f = open_memstream(text, len)))
        return hv_err_set(&o->err, -ENOMEM, "out of memory");
    hv_cfg_uuid_format(info.handle, uuid);
    fprintf(f, "name = '%s'\nuuid = '%s'\n", name, uuid);
    rc = hv_ops_describe(o, domid, f);
    if (n) {
        fprintf(f, "disk = [");
        for (i = 0; i < n; i++) {
            fprintf(f, "%s", i ? ", " : "");
            hv_ops_describe_disk(&disks[i], f);
        }
        fprintf(f, "]\n");
    }
    if (!rc)
        rc = hv_vif_describe(o->xs, domid, f, &o->err);
    fclose(f);
    for (i = 0; i < n; i++)
        cfg_disk_free(&disks[i]);
    free(disks);
    if (rc)
        free(*text);
    return rc;
}

unsigned hv_suspend_evtchn_s = SUSPEND_EVTCHN_S, hv_suspend_xs_s = SUSPEND_TIMEOUT_S;

/* The port in domid's device/suspend/event-channel: 1 (*port), 0 if absent or empty (a guest
 * that offers none: Linux), -EINVAL for anything else (why in how->why). */
static int suspend_port(struct hv_ops *o, uint32_t domid, uint32_t *port,
                        struct hv_suspend_how *how)
{
    char buf[32], *end;
    unsigned long v;

    if (hv_xsl_read(o->xs, domid, "device/suspend/event-channel", buf, sizeof(buf)) || !buf[0])
        return 0;
    errno = 0;
    v = strtoul(buf, &end, 10);
    if (*end || errno || buf[0] < '0' || buf[0] > '9' || v == 0 || v > SUSPEND_PORT_MAX) {
        snprintf(how->why, sizeof(how->why), "its device/suspend/event-channel holds no port "
                 "('%.20s')", buf);
        return -EINVAL;
    }
    *port = (uint32_t)v;
    return 1;
}

/* The guest's suspend event channel, as libxl: notified, then the domain's state watched (every
 * 2 ms at first: hv_ops_wait_shutdown) for hv_suspend_evtchn_s. 0 once suspended (*reason), 1
 * if not asked this way, or not done in time (how->why; the caller asks through xenstore), else
 * an error. */
static int suspend_evtchn(struct hv_ops *o, uint32_t domid, struct hv_suspend_how *how,
                          int *reason)
{
    uint32_t port = 0;
    int rc = suspend_port(o, domid, &port, how);

    if (rc <= 0)
        return 1;
    if ((rc = hv_evtchn_notify_remote(o->priv, domid, port))) {
        snprintf(how->why, sizeof(how->why), "its suspend event channel %u: %s", port,
                 hv_priv_error(o->priv));
        return 1;
    }
    how->evtchn = true, how->port = port;
    rc = hv_ops_wait_shutdown(o, domid, hv_suspend_evtchn_s, reason);
    if (rc == -ETIMEDOUT) {
        how->evtchn = false;
        snprintf(how->why, sizeof(how->why), "it did not suspend within %u s of the notify on "
                 "its suspend event channel %u", hv_suspend_evtchn_s, port);
        return 1;
    }
    return rc;
}

/* Asks the guest to suspend and waits until it has (SCHEDOP_shutdown(suspend)): through its
 * suspend event channel if it offers one, else (or if that fails) through control/shutdown. On
 * failure the request is withdrawn: the guest runs on. */
static int suspend(struct hv_ops *o, uint32_t domid, struct hv_suspend_how *how)
{
    struct hv_suspend_how ignored_how;
    struct hv_err ignored;
    int rc, reason;

    if (!how)
        how = &ignored_how;
    memset(how, 0, sizeof(*how));
    rc = suspend_evtchn(o, domid, how, &reason);
    if (rc == 1) {
        if (how->why[0])
            fprintf(stderr, "hvctl: domain %u: %s; asking through control/shutdown\n", domid,
                    how->why);
        if ((rc = hv_ops_shutdown(o, domid, "suspend")))
            return rc;
        rc = hv_ops_wait_shutdown(o, domid, hv_suspend_xs_s, &reason);
        if (!rc && how->why[0]) /* suspended on the late event, or on the request: withdrawn */
            hv_xsl_shutdown(o->xs, domid, "", &ignored);
    }
    if (rc == -ETIMEDOUT) {
        hv_xsl_shutdown(o->xs, domid, "", &ignored);
        return hv_err_set(&o->err, rc, "domain %u did not suspend within %u s (does it handle "
                          "control/shutdown = suspend?)%s%s; it runs on", domid, hv_suspend_xs_s,
                          how->why[0] ? "; before that " : "", how->why);
    }
    if (rc)
        return rc;
    if (reason != PV_SHUTDOWN_suspend)
        return hv_err_set(&o->err, -ECANCELED, "domain %u %s instead of suspending", domid,
                          reason < 0 ? "went away" : hv_ops_reason_name(reason));
    return 0;
}

/* xc_domain_resume_cooperative: the suspend hypercall returns 1 in the guest ("cancelled", the
 * same domain goes on), the hypervisor ends the shutdown, xenstored resumes the domain. */
static int resume(struct hv_ops *o, uint32_t domid)
{
    struct pv_vcpu_guest_context *c = malloc(sizeof(*c));
    int rc;

    if (!c)
        return hv_err_set(&o->err, -ENOMEM, "out of memory");
    if (!(rc = hv_domain_pause(o->priv, domid)) &&
        !(rc = hv_vcpu_getcontext(o->priv, domid, 0, c))) {
        c->user_regs.rax = 1;
        if (!(rc = hv_vcpu_setcontext(o->priv, domid, 0, c)))
            rc = hv_domain_resume(o->priv, domid);
        hv_domain_unpause(o->priv, domid);
    }
    free(c);
    if (rc)
        return priv_err(o, rc);
    xs_resume_domain(o->xs, domid);
    return 0;
}

/* The state of a suspended domain into s. */
static int write_state(struct hv_ops *o, uint32_t domid, struct hv_stream *s, const char *cfg,
                       size_t cfg_len, const struct hv_save_progress *pr)
{
    struct hv_save_ctx ctx = {o->priv, domid, 0, {0}};
    struct hv_save_dom dom = hv_save_dom_priv;
    uint64_t *p2m = NULL, *leaves = NULL, nr, *leaf_pfns = NULL;
    struct hv_dominfo info;
    struct hv_pfnmap map = {0};
    struct hv_save sv = {0};
    unsigned n_leaves, i;
    int rc;

    if ((rc = hv_domain_getinfo(o->priv, domid, &info)))
        return priv_err(o, rc);
    ctx.shared_info_mfn = info.shared_info_frame;
    dom.ctx = &ctx;
    if ((rc = hv_save_guest_p2m(&ctx, info.max_pages, &p2m, &nr, &leaves, &n_leaves, &o->err)) ||
        (rc = hv_pfnmap_init(&map, p2m, nr, &o->err)))
        goto out;
    if (!(leaf_pfns = calloc(n_leaves, sizeof(*leaf_pfns)))) {
        rc = hv_err_set(&o->err, -ENOMEM, "out of memory");
        goto out;
    }
    for (i = 0; i < n_leaves; i++)
        if (hv_pfnmap_pfn(&map, leaves[i], &leaf_pfns[i])) {
            rc = hv_err_set(&o->err, -EINVAL, "domain %u's p2m frame %u (mfn 0x%llx) is not "
                            "in its p2m", domid, i, (unsigned long long)leaves[i]);
            goto out;
        }
    if ((rc = hv_save_init(&sv, s, &dom, &map, info.max_vcpu_id + 1, &o->err)))
        goto out;
    if (pr) {
        sv.progress = pr->fn;
        sv.progress_arg = pr->arg;
    }
    rc = hv_save_stream(&sv, cfg, cfg_len, leaf_pfns, n_leaves);
out:
    hv_save_free(&sv);
    hv_pfnmap_free(&map);
    free(p2m);
    free(leaves);
    free(leaf_pfns);
    return rc;
}

/* The save file is written as PATH.partial and renamed at the end. Checked before the domain
 * is suspended: the file can be made, and the file system has room for the domain's pages. */
static int open_partial(struct hv_ops *o, const char *path, uint64_t pages, char *tmp, size_t len)
{
    struct statvfs vfs;
    int fd;

    if ((size_t)snprintf(tmp, len, "%s.partial", path) >= len)
        return hv_err_set(&o->err, -ENAMETOOLONG, "%s: name too long", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return hv_err_set(&o->err, -errno, "%s: %s", tmp, strerror(errno));
    if (!fstatvfs(fd, &vfs) && (uint64_t)vfs.f_bavail * vfs.f_frsize < pages * 4096 + (1u << 20)) {
        close(fd);
        unlink(tmp);
        return hv_err_set(&o->err, -ENOSPC, "%s: %llu KiB free, the domain's %llu pages need "
                          "%llu KiB", path, (unsigned long long)vfs.f_bavail * vfs.f_frsize / 1024,
                          (unsigned long long)pages, (unsigned long long)pages * 4 + 1024);
    }
    return fd;
}

int hv_ops_save(struct hv_ops *o, uint32_t domid, const char *path, bool checkpoint,
                const struct hv_save_progress *progress, uint64_t *bytes)
{
    char tmp[4096], *cfg = NULL;
    struct hv_dominfo info;
    struct hv_stream s;
    struct hv_err cause;
    size_t cfg_len;
    int fd, rc;

    if (domid == 0)
        return hv_err_set(&o->err, -EINVAL, "domain 0 cannot be saved");
    if ((rc = hv_domain_getinfo(o->priv, domid, &info)))
        return priv_err(o, rc);
    if (info.shutdown)
        return hv_err_set(&o->err, -EINVAL, "domain %u has shut down (%s)", domid,
                          hv_ops_reason_name((int)info.shutdown_reason));
    if ((rc = save_config(o, domid, &cfg, &cfg_len)))
        return rc;
    if ((fd = open_partial(o, path, info.tot_pages, tmp, sizeof(tmp))) < 0) {
        free(cfg);
        return fd;
    }
    if (!(rc = suspend(o, domid, NULL))) {
        hv_stream_init(&s, fd, path, &o->err);
        rc = write_state(o, domid, &s, cfg, cfg_len, progress);
        if (!rc && fsync(fd))
            rc = hv_err_set(&o->err, -errno, "%s: %s", tmp, strerror(errno));
        if (!rc && rename(tmp, path))
            rc = hv_err_set(&o->err, -errno, "%s: %s", path, strerror(errno));
        *bytes = s.bytes;
        cause = o->err;
        /* A failed save resumes the domain, as a checkpoint does; a full save ends it. */
        if (rc || checkpoint) {
            int rrc = resume(o, domid);

            if (rc && rrc)
                hv_err_set(&o->err, rc, "%s; and domain %u could not be resumed: %s", cause.msg,
                           domid, o->err.msg);
            else if (rc)
                o->err = cause;
            else
                rc = rrc;
        } else {
            rc = hv_ops_destroy(o, domid);
        }
    }
    close(fd);
    if (rc)
        unlink(tmp);
    free(cfg);
    return rc;
}

/* ---- restore ---- */

/* A migration's incoming domain whose name is taken here (the source on this same host) is
 * NAME + suffix until the source lets it go. */
static int rename_incoming(struct hv_ops *o, struct hv_cfg *cfg, const char *suffix)
{
    size_t n = strlen(cfg->name);
    uint32_t other;
    char *name;

    if (!suffix || hv_ops_find(o, cfg->name, &other))
        return 0;
    if (!(name = realloc(cfg->name, n + strlen(suffix) + 1)))
        return hv_err_set(&o->err, -ENOMEM, "out of memory");
    strcpy(name + n, suffix);
    cfg->name = name;
    return 0;
}

/* The new domain's store and console ports (dom0 their other end). */
static int restore_ports(struct hv_ops *o, uint32_t domid, struct hv_build_result *res)
{
    int rc;

    if ((rc = hv_evtchn_alloc_unbound(o->priv, domid, 0, &res->store_port)) ||
        (rc = hv_evtchn_alloc_unbound(o->priv, domid, 0, &res->console_port)))
        return priv_err(o, rc);
    return 0;
}

/* The stream's END read: the time noted, the caller told. */
static void received(void *arg)
{
    const struct hv_restore_how *how = arg;

    if (how->times)
        how->times->end_at = hv_now();
    if (how->received)
        how->received(how->arg);
}

/* The domain's memory and vCPUs from the stream, its rings granted to dom0 again (through the
 * grant frame mapped before the stream: one foreign mapping less after its END). */
static int restore_state(struct hv_ops *o, uint32_t domid, const struct hv_cfg *cfg,
                         struct hv_stream *s, struct hv_build_result *res,
                         const struct hv_restore_how *how)
{
    struct pv_grant_entry_v1 *grants = hv_build_grant_map(o->priv, domid);
    struct hv_restore_times *t = how->times;
    struct hv_save_ctx ctx = {o->priv, domid, 0, {0}};
    struct hv_restore_dom dom = hv_restore_dom_priv;
    struct hv_restore_result rr;
    struct hv_dominfo info;
    int rc;

    if (!grants)
        return hv_err_set(&o->err, -EFAULT, "mapping domain %u's grant table: %s", domid,
                          hv_priv_error(o->priv));
    if ((rc = hv_domain_getinfo(o->priv, domid, &info))) {
        hv_unmap(grants, 1);
        return priv_err(o, rc);
    }
    ctx.shared_info_mfn = info.shared_info_frame;
    ctx.resume = (struct hv_resume_info){0, info.shared_info_frame, res->store_port,
                                         res->console_port};
    dom.ctx = &ctx;
    dom.received = received;
    dom.received_arg = (void *)how;
    dom.keep_memory = how->later != NULL;
    rc = hv_restore_container(s, &dom, hv_save_p2m_max(cfg->maxmem_mib * 256), cfg->maxvcpus,
                              &rr, &o->err);
    if (how->later)
        how->later->memory = rr.kept;
    if (t)
        t->grants_ms = hv_now();
    if (!rc)
        hv_build_grant_seed(grants, 0, rr.console_mfn, 0, rr.store_mfn);
    hv_unmap(grants, 1);
    if (t)
        t->grants_ms = (hv_now() - t->grants_ms) * 1000;
    if (rc)
        return rc;
    res->store_mfn = rr.store_mfn;
    res->console_mfn = rr.console_mfn;
    res->nr_pages = rr.pages;
    if (t) {
        t->vcpu_ms = rr.vcpu_ms;
        t->tail_ms = rr.tail_ms;
        t->state_at = hv_now();
        t->pinned = rr.pinned;
        t->p2m_ms = rr.p2m_ms;
        t->si_ms = rr.si_ms;
        t->pin_ms = rr.pin_ms;
    }
    return 0;
}

static int read_config(struct hv_ops *o, struct hv_stream *s, const char *path, struct hv_cfg *cfg)
{
    struct hv_stream_xl xl;
    char msg[512];
    int rc;

    if ((rc = hv_stream_get_xl_header(s, &xl)))
        return rc;
    if (!xl.config || (xl.mandatory_flags & HV_XL_FLAG_JSON))
        rc = hv_err_set(&o->err, -EINVAL, "%s: %s", path, xl.config ? "the config is libxl "
                        "JSON (a file from xl): hvctl reads xl.cfg text" : "no config in it");
    else if ((rc = hv_cfg_parse(xl.config, xl.config_len, path, NULL, 0, cfg, msg, sizeof(msg))))
        hv_err_set(&o->err, rc, "%s", msg);
    free(xl.config);
    return rc;
}

int hv_ops_restore(struct hv_ops *o, const char *path, bool paused, struct hv_cfg *cfg,
                   uint32_t *domid)
{
    struct hv_restore_how how = {.paused = paused};
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

    memset(cfg, 0, sizeof(*cfg));
    if (fd < 0)
        return hv_err_set(&o->err, -errno, "%s: %s", path, strerror(errno));
    rc = hv_ops_restore_fd(o, fd, path, &how, cfg, domid);
    close(fd);
    return rc;
}

int hv_ops_restore_fd(struct hv_ops *o, int fd, const char *path, const struct hv_restore_how *how,
                      struct hv_cfg *cfg, uint32_t *domid)
{
    struct hv_domain_config dc = {.max_evtchn_port = 1023, .max_grant_frames = -1,
                                  .max_maptrack_frames = -1, .grant_opts = 2};
    struct hv_build_result res = {0};
    bool paused = how->paused;
    struct hv_stream s;
    struct hv_err cause;
    int rc;

    memset(cfg, 0, sizeof(*cfg));
    if (how->later)
        how->later->memory = NULL;
    hv_stream_init(&s, fd, path, &o->err);
    if ((rc = read_config(o, &s, path, cfg)) || (rc = rename_incoming(o, cfg, how->suffix)) ||
        (rc = hv_ops_check_new(o, cfg, false)))
        goto out;
    dc.max_vcpus = cfg->maxvcpus;
    if (cfg->has_uuid)
        memcpy(dc.handle, cfg->uuid, 16);
    else if ((rc = hv_ops_new_uuid(dc.handle, &o->err)))
        goto out;
    *domid = 0;
    if ((rc = hv_domain_create(o->priv, &dc, domid))) {
        rc = priv_err(o, rc);
        goto out;
    }
    if (how->created)
        how->created(how->arg, *domid);
    if ((rc = hv_ops_dom_setup(o, cfg, *domid)) || (rc = restore_ports(o, *domid, &res)) ||
        (rc = hv_ops_dom_describe(o, cfg, *domid, dc.handle, &res)) ||
        (rc = restore_state(o, *domid, cfg, &s, &res, how)) ||
        (rc = hv_ops_dom_start(o, cfg, *domid, dc.handle, &res, paused, !how->later,
                               how->times ? &how->times->rings_at : NULL))) {
        cause = o->err;
        hv_ops_destroy(o, *domid);
        o->err = cause;
        if (how->later) {
            hv_restore_release(how->later->memory);
            how->later->memory = NULL;
        }
    } else {
        if (how->times)
            how->times->done_at = hv_now();
        if (how->later) {
            memcpy(how->later->uuid, dc.handle, 16);
            how->later->res = res;
        }
    }
out:
    if (rc)
        hv_cfg_free(cfg);
    return rc;
}

/* ---- for live migration (migrate.c) ---- */

int hv_ops_save_config(struct hv_ops *o, uint32_t domid, char **text, size_t *len)
{
    return save_config(o, domid, text, len);
}

int hv_ops_suspend(struct hv_ops *o, uint32_t domid, struct hv_suspend_how *how)
{
    return suspend(o, domid, how);
}

int hv_ops_resume(struct hv_ops *o, uint32_t domid)
{
    return resume(o, domid);
}
