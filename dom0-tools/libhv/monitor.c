/* The per-domain monitor: shutdown reasons to on_poweroff/on_reboot/on_crash actions (xl's
 * handle_domain_death). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "blk.h"
#include "cfg_dev.h"
#include "monitor.h"
#include "vif.h"
#include "pv-abi/sched_op.h"

#define MONITOR_LOG_DIR "/var/log/hv"

static void logf_(FILE *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(FILE *log, const char *fmt, ...)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;

    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", gmtime_r(&now, &tm));
    fprintf(log, "%s ", stamp);
    va_start(ap, fmt);
    vfprintf(log, fmt, ap);
    va_end(ap);
    fputc('\n', log);
    fflush(log);
}

/* The configured action for a shutdown reason (watchdog and soft reset: destroy, xl's
 * defaults for on_watchdog and on_soft_reset are not configurable here). */
static enum hv_cfg_action action_for(const struct hv_cfg *cfg, int reason)
{
    switch (reason) {
    case PV_SHUTDOWN_poweroff:
        return cfg->on_poweroff;
    case PV_SHUTDOWN_reboot:
        return cfg->on_reboot;
    case PV_SHUTDOWN_crash:
        return cfg->on_crash;
    default:
        return HV_ACT_DESTROY;
    }
}

/* rename-restart: the old domain keeps running under NAME-YYYYmmddTHHMMZ. */
static void rename_old(struct hv_ops *o, const struct hv_cfg *cfg, uint32_t domid, FILE *log)
{
    char name[128], vm[128], path[192];
    time_t now = time(NULL);
    struct tm tm;
    size_t n;

    n = (size_t)snprintf(name, sizeof(name), "%s", cfg->name);
    strftime(name + n, sizeof(name) - n, "-%Y%m%dT%H%MZ", gmtime_r(&now, &tm));
    logf_(log, "Preserving domain %u %s as %s", domid, cfg->name, name);
    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    xs_write(o->xs, XBT_NULL, path, name, strlen(name));
    if (!hv_xsl_read(o->xs, domid, "vm", vm, sizeof(vm))) {
        snprintf(path, sizeof(path), "%s/name", vm);
        xs_write(o->xs, XBT_NULL, path, name, strlen(name));
    }
}

/* The disks and vifs as they are now (attached, detached or snapshotted since create) for the
 * restart, as xl keeps hot-plugged devices in the domain's stored configuration: a snapshot's
 * old image is a backing file that must never be written again. */
static void refresh_devices(struct hv_ops *o, struct hv_cfg *cfg, uint32_t domid, FILE *log)
{
    struct hv_cfg_disk *disks;
    struct hv_cfg_vif *vifs;
    unsigned n, i;

    if (hv_blk_current(o->xs, domid, &disks, &n)) {
        logf_(log, "cannot read domain %u's disks: restarting with the configured ones", domid);
    } else {
        for (i = 0; i < cfg->n_disks; i++)
            cfg_disk_free(&cfg->disks[i]);
        free(cfg->disks);
        cfg->disks = disks;
        cfg->n_disks = n;
    }
    if (hv_vif_current(o->xs, domid, &vifs, &n)) {
        logf_(log, "cannot read domain %u's vifs: restarting with the configured ones", domid);
        return;
    }
    for (i = 0; i < cfg->n_vifs; i++)
        cfg_vif_free(&cfg->vifs[i]);
    free(cfg->vifs);
    cfg->vifs = vifs;
    cfg->n_vifs = n;
}

/* Applies the action; returns the domain to go on monitoring, or -1 to stop (rc in *rc). */
static long apply(struct hv_ops *o, struct hv_cfg *cfg, uint32_t domid, int reason, FILE *log,
                  int *rc)
{
    enum hv_cfg_action act = action_for(cfg, reason);
    uint32_t next;

    logf_(log, "Domain %u has shut down, reason code %d (%s)", domid, reason,
          hv_ops_reason_name(reason));
    logf_(log, "Action for shutdown reason code %d is %s", reason, hv_cfg_action_name(act));
    *rc = 0;
    if (act == HV_ACT_PRESERVE)
        return -1;
    if (act == HV_ACT_RENAME_RESTART) {
        rename_old(o, cfg, domid, log);
        cfg->has_uuid = false;
    } else {
        if (act != HV_ACT_DESTROY)
            refresh_devices(o, cfg, domid, log);
        logf_(log, "Domain %u needs to be cleaned up: destroying the domain", domid);
        if ((*rc = hv_ops_destroy(o, domid)))
            logf_(log, "destroy failed: %s", o->err.msg);
        if (act == HV_ACT_DESTROY || *rc)
            return -1;
    }
    logf_(log, "Done. Rebooting now");
    if ((*rc = hv_ops_create(o, cfg, false, &next))) {
        logf_(log, "restarting %s failed: %s", cfg->name, o->err.msg);
        return -1;
    }
    logf_(log, "Domain %s restarted with id %u", cfg->name, next);
    return next;
}

/* Keeps the uuid for a restart ("restart" keeps it, as xl). */
static void remember_uuid(struct hv_ops *o, struct hv_cfg *cfg, uint32_t domid)
{
    struct hv_dominfo info;

    if (!cfg->has_uuid && !hv_domain_getinfo(o->priv, domid, &info)) {
        memcpy(cfg->uuid, info.handle, 16);
        cfg->has_uuid = true;
    }
}

int hv_monitor_run(struct hv_ops *o, struct hv_cfg *cfg, uint32_t domid, FILE *log)
{
    struct pollfd pfd = {xs_fileno(o->xs), POLLIN, 0};
    struct hv_dominfo info;
    long next;
    int rc;

    if (!xs_watch(o->xs, "@releaseDomain", "hvctl-monitor"))
        logf_(log, "cannot watch @releaseDomain (%s): checking every second", strerror(errno));
    logf_(log, "Waiting for domain %s (domid %u) to die", cfg->name, domid);
    remember_uuid(o, cfg, domid);
    for (;;) {
        if (poll(&pfd, 1, 1000) > 0)
            free(xs_check_watch(o->xs));
        rc = hv_domain_getinfo(o->priv, domid, &info);
        if (rc == -ESRCH || (!rc && info.dying)) {
            logf_(log, "Domain %u has been destroyed.", domid);
            return 0;
        }
        if (rc || !info.shutdown || info.shutdown_reason == PV_SHUTDOWN_suspend)
            continue;
        next = apply(o, cfg, domid, (int)info.shutdown_reason, log, &rc);
        if (next < 0)
            return rc;
        domid = (uint32_t)next;
        logf_(log, "Waiting for domain %s (domid %u) to die", cfg->name, domid);
    }
}

static FILE *open_log(const char *name)
{
    char path[192];

    mkdir(MONITOR_LOG_DIR, 0755);
    snprintf(path, sizeof(path), MONITOR_LOG_DIR "/hvctl-%s.log", name);
    return fopen(path, "a");
}

static void monitor_child(struct hv_ops *parent, struct hv_cfg *cfg, uint32_t domid)
{
    struct hv_ops o;
    FILE *log = open_log(cfg->name);
    int null = open("/dev/null", O_RDWR);

    if (!log)
        log = stderr;
    if (null >= 0) {
        dup2(null, 0);
        dup2(fileno(log), 1);
        dup2(fileno(log), 2);
    }
    xs_daemon_destroy_postfork(parent->xs);
    parent->xs = NULL;
    hv_priv_close(parent->priv);
    parent->priv = NULL;
    if (hv_ops_open(&o)) {
        logf_(log, "monitor for domain %u: %s", domid, o.err.msg);
        _exit(1);
    }
    _exit(hv_monitor_run(&o, cfg, domid, log) ? 1 : 0);
}

int hv_monitor_spawn(struct hv_ops *o, struct hv_cfg *cfg, uint32_t domid)
{
    int status, pipefd[2];
    pid_t mid, pid = -1;

    fflush(NULL);
    if (pipe(pipefd))
        return hv_err_set(&o->err, -errno, "pipe: %s", strerror(errno));
    if ((mid = fork()) < 0)
        return hv_err_set(&o->err, -errno, "fork: %s", strerror(errno));
    if (mid == 0) {
        close(pipefd[0]);
        setsid();
        pid = fork();
        if (pid != 0)
            _exit(write(pipefd[1], &pid, sizeof(pid)) != sizeof(pid) || pid < 0);
        close(pipefd[1]);
        monitor_child(o, cfg, domid);
    }
    close(pipefd[1]);
    if (read(pipefd[0], &pid, sizeof(pid)) != sizeof(pid))
        pid = -1;
    close(pipefd[0]);
    waitpid(mid, &status, 0);
    return pid > 0 ? pid : hv_err_set(&o->err, -EAGAIN, "cannot start the domain's monitor");
}
