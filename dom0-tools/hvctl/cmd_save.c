/* hvctl's verbs that save and restore domains: save, restore (xl's options and messages). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dom0-tools/libhv/monitor.h"
#include "dom0-tools/libhv/stream.h"
#include "hvctl.h"

struct progress {
    double start, last;
    bool tty;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Pages written so far, and the rate: on one line rewritten on a terminal, else every 5 s. */
static void show_progress(void *arg, uint64_t done, uint64_t total)
{
    struct progress *p = arg;
    double t = now_s(), mb = done * 4096.0 / (1 << 20);

    if (done < total && t - p->last < (p->tty ? 0.2 : 5))
        return;
    p->last = t;
    fprintf(stderr, "%sSaving: %llu/%llu pages, %.1f MiB at %.1f MiB/s%s",
            p->tty ? "\r" : "", (unsigned long long)done, (unsigned long long)total, mb,
            t > p->start ? mb / (t - p->start) : 0.0, p->tty && done < total ? "" : "\n");
}

int cmd_save(int argc, char **argv)
{
    struct progress p = {now_s(), 0, isatty(2)};
    struct hv_save_progress pr = {show_progress, &p};
    bool checkpoint = false;
    struct hv_ops ops;
    uint64_t bytes = 0;
    uint32_t domid;
    int c, rc;

    while ((c = hvctl_getopt(argc, argv, "c", "save")) != -1) {
        if (c != 'c')
            return HVCTL_USAGE;
        checkpoint = true;
    }
    if (argc - optind != 2)
        return hvctl_usage("save");
    if ((rc = hvctl_open(&ops)))
        return rc;
    if ((rc = hvctl_domain(&ops, argv[optind], &domid)))
        goto out;
    fprintf(stderr, "Saving to %s new xl format (info 0x%x/0x0/...)\n", argv[optind + 1],
            HV_XL_FLAG_STREAMV2);
    if (hv_ops_save(&ops, domid, argv[optind + 1], checkpoint, &pr, &bytes)) {
        rc = hvctl_fail("cannot save domain %u: %s", domid, ops.err.msg);
        goto out;
    }
    fprintf(stderr, "Saved domain %u to %s: %.1f MiB in %.1f s%s\n", domid, argv[optind + 1],
            bytes / 1048576.0, now_s() - p.start,
            checkpoint ? "; it runs on" : "; the domain is destroyed");
out:
    hv_ops_close(&ops);
    return rc;
}

struct restore_args {
    const char *path;
    bool paused;
    struct hv_cfg *cfg;
};

static int make_restored(struct hv_ops *ops, void *arg, uint32_t *domid)
{
    struct restore_args *a = arg;

    return hv_ops_restore(ops, a->path, a->paused, a->cfg, domid);
}

int cmd_restore(int argc, char **argv)
{
    bool paused = false, no_monitor = false;
    struct hv_ops ops;
    struct hv_cfg cfg;
    uint32_t domid;
    double start = now_s();
    int c, rc;

    while ((c = hvctl_getopt(argc, argv, "pe", "restore")) != -1) {
        if (c == 'p')
            paused = true;
        else if (c == 'e')
            no_monitor = true;
        else
            return HVCTL_USAGE;
    }
    if (argc - optind != 1)
        return hvctl_usage("restore");
    if ((rc = hvctl_open(&ops)))
        return rc;
    fprintf(stderr, "Loading new save file %s (new xl fmt info 0x%x/0x0/...)\n",
            argv[optind], HV_XL_FLAG_STREAMV2);
    if (hvctl_guarded(&ops, make_restored, &(struct restore_args){argv[optind], paused, &cfg},
                      &domid)) {
        rc = hvctl_fail("cannot restore %s: %s", argv[optind], ops.err.msg);
        goto out;
    }
    printf("Restored domain %s (id=%u)%s in %.1f s\n", cfg.name, domid,
           paused ? ", paused" : "", now_s() - start);
    fflush(stdout);
    if (!no_monitor && hv_monitor_spawn(&ops, &cfg, domid) < 0)
        hvctl_fail("warning: %s: domain %u runs unmonitored (on_poweroff/on_reboot/on_crash "
                   "will not be applied)", ops.err.msg, domid);
    hv_cfg_free(&cfg);
out:
    hv_ops_close(&ops);
    return rc;
}
