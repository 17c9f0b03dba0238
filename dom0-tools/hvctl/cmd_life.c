/* hvctl's verbs that start and end domains: create, destroy, pause, unpause, shutdown, reboot. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dom0-tools/libhv/monitor.h"
#include "hvctl.h"

struct create_opts {
    bool dry_run, paused, console, foreground, no_monitor;
    const char *file;
    char **overrides;
    unsigned n_overrides;
};

static const char *disk_format_name(enum hv_disk_format f)
{
    static const char *const names[] = {"raw", "qcow", "qcow2", "vhd", "qed", "empty"};

    return f <= HV_DISK_EMPTY ? names[f] : "?";
}

/* -n: the configuration as hvctl understood it, in xl.cfg syntax. */
static void print_cfg(const struct hv_cfg *c)
{
    char uuid[37];
    unsigned i;

    printf("name = \"%s\"\n", c->name);
    if (c->has_uuid) {
        hv_cfg_uuid_format(c->uuid, uuid);
        printf("uuid = \"%s\"\n", uuid);
    }
    printf("type = \"pv\"\nkernel = \"%s\"\n", c->kernel);
    if (c->ramdisk)
        printf("ramdisk = \"%s\"\n", c->ramdisk);
    if (c->cmdline)
        printf("cmdline = \"%s\"\n", c->cmdline);
    printf("memory = %llu\nmaxmem = %llu\nvcpus = %u\nmaxvcpus = %u\n",
           (unsigned long long)c->memory_mib, (unsigned long long)c->maxmem_mib, c->vcpus,
           c->maxvcpus);
    if (c->cpu_weight)
        printf("cpu_weight = %u\n", c->cpu_weight);
    if (c->cap)
        printf("cap = %u\n", c->cap);
    printf("on_poweroff = \"%s\"\non_reboot = \"%s\"\non_crash = \"%s\"\n",
           hv_cfg_action_name(c->on_poweroff), hv_cfg_action_name(c->on_reboot),
           hv_cfg_action_name(c->on_crash));
    for (i = 0; i < c->n_disks; i++)
        printf("# disk %u: target=%s, vdev=%s, format=%s, access=%s%s\n", i, c->disks[i].target,
               c->disks[i].vdev, disk_format_name(c->disks[i].format),
               c->disks[i].readonly ? "ro" : "rw", c->disks[i].cdrom ? ", devtype=cdrom" : "");
    for (i = 0; i < c->n_vifs; i++)
        printf("# vif %u: devid=%d, %s=%s\n", i, c->vifs[i].devid,
               c->vifs[i].network ? "network" : "bridge",
               c->vifs[i].network  ? c->vifs[i].network
               : c->vifs[i].bridge ? c->vifs[i].bridge
                                   : "(default)");
}

static int create_args(int argc, char **argv, struct create_opts *o)
{
    int c, i;

    while ((c = hvctl_getopt(argc, argv, "npcFeqf:", "create")) != -1) {
        switch (c) {
        case 'n': o->dry_run = true; break;
        case 'p': o->paused = true; break;
        case 'c': o->console = true; break;
        case 'F': o->foreground = true; break;
        case 'e': o->no_monitor = true; break;
        case 'q': break;
        case 'f': o->file = optarg; break;
        default: return HVCTL_USAGE;
        }
    }
    o->overrides = calloc(argc + 1, sizeof(char *));
    for (i = optind; o->overrides && i < argc; i++) {
        if (strchr(argv[i], '='))
            o->overrides[o->n_overrides++] = argv[i];
        else if (!o->file)
            o->file = argv[i];
        else
            return hvctl_usage("create");
    }
    if (!o->file)
        return hvctl_usage("create");
    return HVCTL_OK;
}

/* After the domain runs: the monitor (xl's default: in the background) and the console. */
static int after_create(struct hv_ops *ops, struct create_opts *o, struct hv_cfg *cfg,
                        uint32_t domid)
{
    if (o->foreground && !o->no_monitor)
        return hv_monitor_run(ops, cfg, domid, stderr) ? HVCTL_FAIL : HVCTL_OK;
    if (!o->no_monitor && hv_monitor_spawn(ops, cfg, domid) < 0)
        hvctl_fail("warning: %s: domain %u runs unmonitored (on_poweroff/on_reboot/on_crash "
                   "will not be applied)", ops->err.msg, domid);
    return o->console ? hvctl_console_after_create(domid) : HVCTL_OK;
}

/* The first of the signals in stop that is pending, or 0. */
static int interrupted(const sigset_t *pending, const sigset_t *stop)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    unsigned i;

    for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (sigismember(stop, sigs[i]) && sigismember(pending, sigs[i]))
            return sigs[i];
    return 0;
}

int hvctl_guarded(struct hv_ops *ops, int (*make)(struct hv_ops *, void *, uint32_t *),
                  void *arg, uint32_t *domid)
{
    sigset_t stop, old, pending;
    struct hv_err why;
    int rc, sig;

    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop, &old);
    rc = make(ops, arg, domid);
    sigpending(&pending);
    if ((sig = interrupted(&pending, &stop))) {
        why = ops->err;
        if (rc)
            hv_err_set(&ops->err, rc, "interrupted by %s (%s)", strsignal(sig), why.msg);
        else if (hv_ops_destroy(ops, *domid))
            hv_err_set(&ops->err, -EINTR, "interrupted by %s; destroying domain %u: %s",
                       strsignal(sig), *domid, (why = ops->err).msg);
        else
            hv_err_set(&ops->err, -EINTR, "interrupted by %s: domain %u destroyed",
                       strsignal(sig), *domid);
        rc = -EINTR;
        sigtimedwait(&stop, NULL, &(struct timespec){0, 0});
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

struct create_args {
    const struct hv_cfg *cfg;
    bool paused;
};

static int make_created(struct hv_ops *ops, void *arg, uint32_t *domid)
{
    const struct create_args *a = arg;

    return hv_ops_create(ops, a->cfg, a->paused, domid);
}

int cmd_create(int argc, char **argv)
{
    struct create_opts o = {0};
    struct hv_cfg cfg;
    struct hv_ops ops;
    char err[512];
    uint32_t domid;
    int rc = create_args(argc, argv, &o);

    if (rc)
        return free(o.overrides), rc;
    fprintf(stderr, "Parsing config from %s\n", o.file);
    rc = hv_cfg_load(o.file, o.overrides, o.n_overrides, &cfg, err, sizeof(err));
    free(o.overrides);
    if (rc)
        return hvctl_fail("%s", err);
    if (cfg.warnings)
        fprintf(stderr, "hvctl: warning: %s\n", cfg.warnings);
    if (o.dry_run)
        return print_cfg(&cfg), hv_cfg_free(&cfg), HVCTL_OK;
    if ((rc = hvctl_open(&ops)))
        return hv_cfg_free(&cfg), rc;
    if (hvctl_guarded(&ops, make_created, &(struct create_args){&cfg, o.paused}, &domid)) {
        rc = hvctl_fail("cannot create domain '%s': %s", cfg.name, ops.err.msg);
    } else {
        printf("Started domain %s (id=%u)%s\n", cfg.name, domid, o.paused ? ", paused" : "");
        fflush(stdout);
        rc = after_create(&ops, &o, &cfg, domid);
    }
    hv_ops_close(&ops);
    hv_cfg_free(&cfg);
    return rc;
}

/* The verbs that take exactly one DOMAIN: run fn on it. */
static int one_domain(int argc, char **argv, const char *verb,
                      int (*fn)(struct hv_ops *, uint32_t))
{
    struct hv_ops ops;
    uint32_t domid;
    int rc;

    if (argc != 2)
        return hvctl_usage(verb);
    if ((rc = hvctl_open(&ops)))
        return rc;
    if (!(rc = hvctl_domain(&ops, argv[1], &domid)) && fn(&ops, domid))
        rc = hvctl_fail("%s %s: %s", verb, argv[1], ops.err.msg);
    hv_ops_close(&ops);
    return rc;
}

int cmd_destroy(int argc, char **argv)
{
    return one_domain(argc, argv, "destroy", hv_ops_destroy);
}

int cmd_pause(int argc, char **argv)
{
    return one_domain(argc, argv, "pause", hv_ops_pause);
}

int cmd_unpause(int argc, char **argv)
{
    return one_domain(argc, argv, "unpause", hv_ops_unpause);
}

/* shutdown and reboot: control/shutdown, then with -w wait for the domain to end. */
static int shutdown_verb(int argc, char **argv, const char *verb, const char *what)
{
    struct hv_ops ops;
    uint32_t domid;
    bool wait = false;
    int c, rc, reason;

    while ((c = hvctl_getopt(argc, argv, "wF", verb)) != -1) {
        if (c == '?')
            return HVCTL_USAGE;
        wait |= c == 'w';
    }
    if (argc - optind != 1)
        return hvctl_usage(verb);
    if ((rc = hvctl_open(&ops)))
        return rc;
    if ((rc = hvctl_domain(&ops, argv[optind], &domid)))
        goto out;
    printf("%s domain %u\n", !strcmp(what, "reboot") ? "Rebooting" : "Shutting down", domid);
    if (hv_ops_shutdown(&ops, domid, what)) {
        rc = hvctl_fail("%s %s: %s", verb, argv[optind], ops.err.msg);
        goto out;
    }
    if (wait && hv_ops_wait_shutdown(&ops, domid, 0, &reason))
        rc = hvctl_fail("%s %s: %s", verb, argv[optind], ops.err.msg);
    else if (wait && reason < 0)
        printf("Domain %u has been destroyed.\n", domid);
    else if (wait)
        printf("Domain %u has been shut down, reason code %d (%s)\n", domid, reason,
               hv_ops_reason_name(reason));
out:
    hv_ops_close(&ops);
    return rc;
}

int cmd_shutdown(int argc, char **argv)
{
    return shutdown_verb(argc, argv, "shutdown", "poweroff");
}

int cmd_reboot(int argc, char **argv)
{
    return shutdown_verb(argc, argv, "reboot", "reboot");
}
